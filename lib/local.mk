# lib/: shared code, no main, no exit, no logging policy. libcommon.a is
# what diskless and disklessd share; the static /init links a few of these
# files itself (initrd/local.mk) rather than this archive.
noinst_LIBRARIES += lib/libcommon.a
lib_libcommon_a_SOURCES = \
	lib/json-out.c lib/json-out.h \
	lib/log.c lib/log.h \
	lib/netaddr.c lib/netaddr.h \
	lib/site-config.c lib/site-internal.h lib/site-keys.c lib/site-print.c \
	lib/site-validate.c lib/site.h \
	lib/strutil.c lib/strutil.h
lib_libcommon_a_CFLAGS = $(AM_CFLAGS) $(INIH_CFLAGS)
