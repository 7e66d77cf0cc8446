/*
 * switchroot.c: hand the machine to the real init (reference §1.9, after
 * klibc run-init/runinitlib.c and busybox/util-linux switch_root).
 *
 * pivot_root(2) does not work on the initramfs rootfs, hence MS_MOVE plus
 * chroot. Before deleting anything we check that the new root is another
 * file system than / and that / really is the initramfs (ramfs or tmpfs):
 * run by mistake on a disk system, this code would otherwise erase it.
 * The walk never crosses into another st_dev, so the moved /dev, /proc,
 * /sys, /run and the new root itself are never touched.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "init.h"

struct wipe {
	dev_t rootdev;
	int depth;
};

static int wipe_entry(int dirfd, const char *name, unsigned char type, void *arg);

/* Deletes the contents of dirfd/path (not crossing devices), then path. */
static void
wipe_dir(int dirfd, const char *name, struct wipe *w)
{
	struct stat st;
	int fd;

	if (w->depth > 64)
		return;		/* no initramfs is this deep; refuse to recurse */
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && st.st_dev == w->rootdev) {
		w->depth++;
		(void)dir_each(fd, ".", wipe_entry, w);
		w->depth--;
		close(fd);
		(void)unlinkat(dirfd, name, AT_REMOVEDIR);
		return;
	}
	close(fd);
}

static int
wipe_entry(int dirfd, const char *name, unsigned char type, void *arg)
{
	struct wipe *w = arg;
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != w->rootdev)
		return 0;	/* a mount point: not ours to delete */
	(void)type;
	if (S_ISDIR(st.st_mode))
		wipe_dir(dirfd, name, w);
	else
		(void)unlinkat(dirfd, name, 0);
	return 0;
}

/* /dev /proc /sys /run go along into the new root (util-linux does the
 * same); where the new root lacks the directory, detach the mount. */
static void
move_api_mounts(const char *newroot)
{
	static const char *const dirs[] = { "/dev", "/proc", "/sys", "/run" };
	char target[256];
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct stat st;

		if (snprintf(target, sizeof(target), "%s%s", newroot, dirs[i]) >=
			(int)sizeof(target))
			continue;
		if (stat(target, &st) == 0 && S_ISDIR(st.st_mode) &&
			mount(dirs[i], target, NULL, MS_MOVE, NULL) == 0)
			continue;
		say_warn("unable to move %s into the new root (%s); detaching it", dirs[i],
			strerror(errno));
		(void)umount2(dirs[i], MNT_DETACH);
	}
}

static void
reopen_console(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

const char *
switch_root(struct boot *b)
{
	static const char *const fallback[] = { "/sbin/init", "/etc/init", "/bin/init",
		"/bin/sh" };
	struct stat rootst, newst;
	struct statfs sfs;
	struct wipe w;
	char *argv[2];
	size_t i;
	int rootfd;

	if (chdir(b->newroot) < 0)
		return "unable to enter the new root";
	if (stat("/", &rootst) < 0 || stat(".", &newst) < 0)
		return "unable to stat / or the new root";
	if (rootst.st_dev == newst.st_dev)
		return "the new root is not a mounted file system (same device as /)";
	if (statfs("/", &sfs) < 0 ||
		(sfs.f_type != RAMFS_MAGIC && sfs.f_type != TMPFS_MAGIC))
		return "/ is not an initramfs (ramfs or tmpfs): refusing to delete it";
	if (access("./dev", F_OK) < 0 || access("./proc", F_OK) < 0)
		say_warn("the new root has no /dev or /proc: is it a complete image?");
	move_api_mounts(".");
	/* free the initramfs' memory; / is still the rootfs here */
	rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd >= 0) {
		w.rootdev = rootst.st_dev;
		w.depth = 0;
		(void)dir_each(rootfd, ".", wipe_entry, &w);
		close(rootfd);
	}
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return "unable to move the new root onto /";
	if (chroot(".") < 0 || chdir("/") < 0)
		return "unable to chroot into the new root";
	reopen_console();
	say_drain();
	/* initramfs-tools: "some init(8) don't clear" the environment; the
	 * kernel's environment for /init is minimal already, keep it */
	if (b->cl.init[0] != '\0') {
		argv[0] = b->cl.init;
		argv[1] = NULL;
		execv(b->cl.init, argv);
		say_warn("unable to run init=%s: %s; trying the defaults", b->cl.init,
			strerror(errno));
	}
	for (i = 0; i < sizeof(fallback) / sizeof(fallback[0]); i++) {
		argv[0] = (char *)(uintptr_t)fallback[i];
		argv[1] = NULL;
		execv(fallback[i], argv);
	}
	return "no init found in the new root (tried init=, /sbin/init, /etc/init, /bin/init, /bin/sh)";
}
