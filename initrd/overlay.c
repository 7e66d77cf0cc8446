/*
 * overlay.c: diskless.overlay=tmpfs. The NFS root (read-only lower) is
 * mounted at /run/diskless/ro, a tmpfs at /run/diskless/rw holds upper and
 * work, and the overlay is mounted at /root. Everything sits under /run, so
 * it moves into the booted system with /run and stays inspectable there;
 * writes go to RAM and never reach the server.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init.h"

#define LOWER OVERLAY_DIR "/ro"
#define RW OVERLAY_DIR "/rw"

const char *
overlay_lowerdir(void)
{
	return LOWER;
}

/*
 * A read-only image cannot carry a resolv.conf for every site. When the
 * image's /etc/resolv.conf is a symlink (to /run/diskless/resolv.conf or
 * systemd-resolved's), leave it; when it is a plain file, the overlay makes
 * it writable: put ours there.
 */
static void
overlay_resolv(void)
{
	char buf[1024];
	struct stat st;
	ssize_t n;

	if (lstat(NEWROOT "/etc/resolv.conf", &st) == 0 && S_ISLNK(st.st_mode))
		return;
	n = read_file(OVERLAY_DIR "/resolv.conf", buf, sizeof(buf));
	if (n <= 0 || access(NEWROOT "/etc", F_OK) < 0)
		return;
	if (write_file_atomic(NEWROOT "/etc/resolv.conf", buf, (size_t)n, 0644) < 0)
		say_warn("unable to write /etc/resolv.conf in the overlay");
}

const char *
overlay_setup(struct boot *b)
{
	(void)b;
	if (mkdir_p(RW, 0755) < 0)
		return "unable to create " RW;
	if (mount("tmpfs", RW, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return "unable to mount the tmpfs for the overlay";
	if (mkdir(RW "/upper", 0755) < 0 || mkdir(RW "/work", 0755) < 0)
		return "unable to create the overlay upper and work directories";
	if (mkdir_p(NEWROOT, 0755) < 0)
		return "unable to create " NEWROOT;
	if (mount("overlay", NEWROOT, "overlay", 0,
		"lowerdir=" LOWER ",upperdir=" RW "/upper,workdir=" RW "/work") < 0) {
		say_warn("mount overlay: %s", strerror(errno));
		return errno == ENODEV
			? "the kernel has no overlayfs: add overlay.ko to the initrd (modules.load)"
			: "unable to mount the overlay over the NFS root";
	}
	overlay_resolv();
	return NULL;
}
