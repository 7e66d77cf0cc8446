# server/: disklessd. libinih (through the site config), liburing (the
# loop waits in io_uring where the kernel allows it) and libc.
sbin_PROGRAMS += server/disklessd
# The event loop: epoll, timers and signals (loop.c), io_uring (loop-ring.c).
LOOP_SRC = server/loop.c server/loop-ring.c server/loop-internal.h server/loop.h
server_disklessd_SOURCES = \
	server/main.c \
	$(LOOP_SRC) \
	server/tftpd.c server/tftpd.h \
	server/tftp-file.c server/tftp-file.h \
	server/tftp-send.c server/tftp-send.h \
	server/sandbox.c server/sandbox.h \
	server/dhcpd.c server/dhcpd.h \
	server/dhcp-link.c server/dhcp-link.h \
	server/link-frame.c server/link-frame.h \
	server/probe.c server/probe.h \
	server/dhcp-reply.c server/dhcp-reply.h \
	server/leases.c server/leases.h \
	server/status.c server/status.h \
	server/control.c server/control.h
# (no new library: seccomp is a hand-written BPF program, Landlock and
#  openat2 are raw syscalls with the kernel's UAPI headers)
server_disklessd_CFLAGS = $(AM_CFLAGS) $(URING_CFLAGS)
server_disklessd_LDADD = lib/libcommon.a $(INIH_LIBS) $(URING_LIBS)
