/*
 * early.c: the kernel hands /init an empty rootfs: mount the API file
 * systems and make sure fds 0-2 are the console.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init.h"

static const struct {
	const char *src, *dir, *type;
	unsigned long flags;
	const char *data;
} api_mounts[] = {
	{ "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	/* CONFIG_DEVTMPFS_MOUNT only applies to the final root, not rootfs */
	{ "devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755" },
	{ "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755" },
};

const char *
early_mounts(void)
{
	size_t i;

	for (i = 0; i < sizeof(api_mounts) / sizeof(api_mounts[0]); i++) {
		if (mkdir(api_mounts[i].dir, 0755) < 0 && errno != EEXIST)
			return "unable to create the API file system mount points";
		if (mount(api_mounts[i].src, api_mounts[i].dir, api_mounts[i].type,
			api_mounts[i].flags, api_mounts[i].data) < 0 && errno != EBUSY) {
			say_warn("unable to mount %s on %s: %s", api_mounts[i].type,
				api_mounts[i].dir, strerror(errno));
			if (i < 3)
				return "unable to mount /proc, /sys or /dev (kernel without proc, sysfs or devtmpfs?)";
		}
	}
	return NULL;
}

/*
 * The kernel opened /dev/console for fds 0-2 only if the initramfs had a
 * /dev/console node. Without one the fds are closed: open the devtmpfs one.
 */
void
early_console(void)
{
	int fd;

	if (fcntl(STDERR_FILENO, F_GETFD) >= 0)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	if (fd != 0)
		dup2(fd, 0);
	dup2(0, 1);
	dup2(0, 2);
	if (fd > 2)
		close(fd);
}
