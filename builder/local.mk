# builder/: the `diskless` command.
bin_PROGRAMS += builder/diskless
builder_diskless_SOURCES = \
	builder/commands.h \
	builder/main.c \
	builder/cmd-config.c \
	builder/site-load.c \
	builder/cmd-initrd.c \
	builder/initramfs.c builder/initramfs.h \
	builder/kmod-closure.c builder/kmod-closure.h \
	builder/bootcfg.c builder/bootcfg.h \
	builder/pxe-tree.c builder/pxe-tree.h \
	builder/cmd-pxe.c \
	builder/export-boot.c builder/export-boot.h \
	builder/export-exports.c \
	builder/export-ganesha.c \
	builder/export-dnsmasq.c \
	builder/export-kea.c \
	builder/cmd-export.c \
	builder/nfscheck.c builder/nfscheck.h \
	builder/check-tftp.c \
	builder/check-parse.c \
	builder/check-report.c \
	builder/cmd-check.c \
	builder/image.c builder/image.h \
	builder/image-tar.c \
	builder/extract.c builder/extract.h \
	builder/oci.c builder/oci.h \
	builder/oci-json.c builder/oci-json.h \
	builder/overlay.c builder/overlay.h \
	builder/fstab.c builder/fstab.h \
	builder/image-net.c builder/image-net.h \
	builder/identity.c builder/identity.h \
	builder/cleanup.c builder/cleanup.h \
	builder/manifest.c builder/manifest.h \
	builder/mtree-line.c builder/mtree-line.h \
	builder/manifest-xattr.c builder/manifest-xattr.h \
	builder/outdir.c builder/outdir.h \
	builder/cmd-build.c \
	builder/cmd-verify.c \
	builder/status-doc.c builder/status-doc.h \
	builder/cmd-status.c

# The profiles are data, installed verbatim (symlinks included: masks are
# links to /dev/null). `diskless build` reads $(pkgdatadir)/rootfs-overlays
# unless --overlays-dir DIR or DISKLESS_OVERLAYS_DIR says otherwise.
EXTRA_DIST += rootfs-overlays
install-data-local: install-rootfs-overlays
install-rootfs-overlays:
	$(MKDIR_P) $(DESTDIR)$(pkgdatadir)
	cd $(top_srcdir) && tar -cf - --owner=0 --group=0 rootfs-overlays | \
		(cd $(DESTDIR)$(pkgdatadir) && tar -xf -)
uninstall-local: uninstall-rootfs-overlays
uninstall-rootfs-overlays:
	rm -rf $(DESTDIR)$(pkgdatadir)/rootfs-overlays
PHONY_TARGETS += install-rootfs-overlays uninstall-rootfs-overlays
builder_diskless_CFLAGS = $(AM_CFLAGS) $(ARCHIVE_CFLAGS) $(MOUNT_CFLAGS) \
	$(NFS_CFLAGS) $(KMOD_CFLAGS) $(NETTLE_CFLAGS)
builder_diskless_LDADD = lib/libcommon.a $(INIH_LIBS) $(ARCHIVE_LIBS) \
	$(MOUNT_LIBS) $(NFS_LIBS) $(KMOD_LIBS) $(NETTLE_LIBS)
