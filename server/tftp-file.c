/*
 * tftp-file.c: see tftp-file.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tftp-file.h"

struct tftp_files {
	int dirfd;
	char *name;
	struct tftp_file *head;
	unsigned count;
};

struct tftp_files *
tftp_files_new(int dirfd, const char *name)
{
	struct tftp_files *fc = calloc(1, sizeof(*fc));

	if (fc == NULL)
		return NULL;
	fc->dirfd = dirfd;
	fc->name = strdup(name);
	if (fc->name == NULL) {
		free(fc);
		return NULL;
	}
	return fc;
}

void
tftp_files_free(struct tftp_files *fc)
{
	if (fc == NULL)
		return;
	free(fc->name);
	free(fc);
}

unsigned
tftp_files_count(const struct tftp_files *fc)
{
	return fc->count;
}

static int
open_beneath(const struct tftp_files *fc, const char *relpath)
{
	/* O_NONBLOCK: a FIFO planted in the root must not hang the loop
	 * in open(); it is refused after fstat like any non-regular file. */
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd;
	int rootfd, r;

	rootfd = openat(fc->dirfd, fc->name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -errno;
	do
		fd = syscall(SYS_openat2, rootfd, relpath, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN); /* RESOLVE_* race with a rename */
	r = fd < 0 ? -errno : (int)fd;
	close(rootfd);
	return r;
}

static struct tftp_file *
find(struct tftp_files *fc, const struct stat *st)
{
	struct tftp_file *f;

	for (f = fc->head; f != NULL; f = f->next)
		if (f->dev == st->st_dev && f->ino == st->st_ino &&
			f->size == (uint64_t)st->st_size &&
			f->mtime.tv_sec == st->st_mtim.tv_sec &&
			f->mtime.tv_nsec == st->st_mtim.tv_nsec)
			return f;
	return NULL;
}

/* Maps a file the first time it is shared (see tftp-file.h). The mapping
 * is only ever handed to sendmsg(), never read here: if the file is
 * truncated under us the kernel's copy fails with EFAULT (the transfer
 * ends with an error) instead of a SIGBUS. No mapping: pread() it is. */
static void
share_map(struct tftp_file *f)
{
	void *map;

	if (f->map != NULL || f->size == 0 || f->size > SIZE_MAX)
		return;
	map = mmap(NULL, (size_t)f->size, PROT_READ, MAP_SHARED, f->fd, 0);
	if (map == MAP_FAILED)
		return;
	madvise(map, (size_t)f->size, MADV_SEQUENTIAL);
	f->map = map;
}

int
tftp_files_open(struct tftp_files *fc, const char *relpath, struct tftp_file **out)
{
	struct tftp_file *f;
	struct stat st;
	int fd, r;

	*out = NULL;
	fd = open_beneath(fc, relpath);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto err;
	}
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EPERM;
		goto err;
	}
	f = find(fc, &st);
	if (f != NULL) {
		close(fd);
		f->refs++;
		share_map(f);
		*out = f;
		return 0;
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		r = -ENOMEM;
		goto err;
	}
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = (uint64_t)st.st_size;
	f->mtime = st.st_mtim;
	f->fd = fd;
	f->refs = 1;
	f->next = fc->head;
	fc->head = f;
	fc->count++;
	*out = f;
	return 0;
err:
	close(fd);
	return r;
}

void
tftp_files_put(struct tftp_files *fc, struct tftp_file *f)
{
	struct tftp_file **pp;

	if (f == NULL || --f->refs > 0)
		return;
	for (pp = &fc->head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	}
	if (f->map != NULL)
		munmap((void *)(uintptr_t)f->map, (size_t)f->size);
	close(f->fd);
	fc->count--;
	free(f);
}
