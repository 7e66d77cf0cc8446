# builder/: the `diskless` command.
bin_PROGRAMS += builder/diskless
builder_diskless_SOURCES = \
	builder/commands.h \
	builder/main.c \
	builder/cmd-config.c
builder_diskless_CFLAGS = $(AM_CFLAGS) $(ARCHIVE_CFLAGS) $(MOUNT_CFLAGS) \
	$(NFS_CFLAGS) $(KMOD_CFLAGS)
builder_diskless_LDADD = lib/libcommon.a $(INIH_LIBS) $(ARCHIVE_LIBS) \
	$(MOUNT_LIBS) $(NFS_LIBS) $(KMOD_LIBS)
