# lib/: shared code, no main, no exit, no logging policy. libcommon.a is
# what diskless and disklessd share; the static /init links a few of these
# files itself (initrd/local.mk) rather than this archive.
noinst_LIBRARIES += lib/libcommon.a
lib_libcommon_a_SOURCES = \
	lib/boot-name.c lib/boot-name.h \
	lib/cmdline.c lib/cmdline.h \
	lib/dhcp-pkt.c lib/dhcp-pkt.h \
	lib/json-out.c lib/json-out.h \
	lib/log.c lib/log.h \
	lib/modalias.c lib/modalias.h \
	lib/netaddr.c lib/netaddr.h \
	lib/netconf-file.c lib/netconf-file.h \
	lib/sd-notify.c lib/sd-notify.h \
	lib/site-boot.c lib/site-config.c lib/site-internal.h lib/site-keys.c \
	lib/site-print.c \
	lib/site-validate.c lib/site.h \
	lib/strutil.c lib/strutil.h \
	lib/tftp-pkt.c lib/tftp-pkt.h \
	lib/udp-frame.c lib/udp-frame.h
lib_libcommon_a_CFLAGS = $(AM_CFLAGS) $(INIH_CFLAGS)
