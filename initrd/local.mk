# initrd/: diskless-init, the initramfs /init. Static, libc only, built with
# $(INIT_CC) (musl-gcc) rather than $(CC), so it has its own rule: automake
# has no per-program compiler. Never built with the sanitizers (ASan cannot
# be static); its pure parts are unit-tested under them instead.
INIT_SRC = \
	initrd/dhcp-client.c \
	initrd/dhcp-exchange.c \
	initrd/early.c \
	initrd/fsutil.c \
	initrd/main.c \
	initrd/modload.c \
	initrd/netcfg.c \
	initrd/nfsroot.c \
	initrd/overlay.c \
	initrd/rtnl.c \
	initrd/say.c \
	initrd/switchroot.c \
	lib/cmdline.c \
	lib/modalias.c \
	lib/netconf-file.c \
	lib/netaddr.c \
	lib/udp-frame.c
INIT_HDR = \
	initrd/dhcp-client.h \
	initrd/init.h \
	initrd/rtnl.h \
	lib/cmdline.h \
	lib/modalias.h \
	lib/netconf-file.h \
	lib/netaddr.h \
	lib/udp-frame.h
# No unwind tables: nothing unwinds in /init (99,984 -> 95,888 bytes).
INIT_CFLAGS = -std=gnu11 -Os -static -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-Wl,--gc-sections -s $(WARN_CFLAGS) -I. \
	-I$(top_srcdir)/lib -isystem initrd/uapi \
	-DSYSCONFDIR='"$(sysconfdir)"' -DPKGLIBEXECDIR='"$(pkglibexecdir)"'

# musl's include folder has no Linux UAPI headers: a private one that has
# only those (linux/, asm/, asm-generic/), so glibc's headers never mix in.
initrd/uapi/.stamp:
	$(AM_V_GEN)$(MKDIR_P) initrd/uapi && \
	ln -sfn /usr/include/linux initrd/uapi/linux && \
	ln -sfn $(INIT_UAPI_DIR)/asm initrd/uapi/asm && \
	ln -sfn /usr/include/asm-generic initrd/uapi/asm-generic && \
	touch $@

initrd/diskless-init: $(INIT_SRC) $(INIT_HDR) initrd/uapi/.stamp config.h
	$(AM_V_CCLD)$(INIT_CC) $(INIT_CFLAGS) -o $@ $(filter %.c,$^)

pkglibexec_SCRIPTS += initrd/diskless-init
EXTRA_DIST += $(INIT_SRC) $(INIT_HDR) initrd/README.md
CLEANFILES += initrd/diskless-init
clean-local: clean-initrd-uapi
clean-initrd-uapi:
	rm -rf initrd/uapi
PHONY_TARGETS += clean-initrd-uapi
