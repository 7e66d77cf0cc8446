# server/: disklessd. libinih (through the site config) and libc only.
sbin_PROGRAMS += server/disklessd
server_disklessd_SOURCES = \
	server/main.c
server_disklessd_LDADD = lib/libcommon.a $(INIH_LIBS)
