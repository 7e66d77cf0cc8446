/*
 * manifest.c: writing, reading and comparing the mtree manifest (see
 * manifest.h).
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "manifest.h"

#define MANIFEST_KEYWORDS "!all,type,mode,uid,gid,size,sha256,link,device,nlink,time"
#define READ_BUF (256 * 1024)

int
manifest_path_cmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

	while (*p != '\0' && *p == *q) {
		p++;
		q++;
	}
	if (*p == *q)
		return 0;
	if (*p == '/')
		return *q == '\0' ? 1 : -1;
	if (*q == '/')
		return *p == '\0' ? -1 : 1;
	return *p < *q ? -1 : 1;
}

int
manifest_open(int fd, struct archive **out)
{
	struct archive *w = archive_write_new();

	if (w == NULL)
		return -ENOMEM;
	if (archive_write_set_format_mtree(w) != ARCHIVE_OK ||
	        archive_write_set_options(w, MANIFEST_KEYWORDS) != ARCHIVE_OK ||
	        archive_write_open_fd(w, fd) != ARCHIVE_OK) {
		archive_write_free(w);
		return -EIO;
	}
	*out = w;
	return 0;
}

int
manifest_close(struct archive *w)
{
	int r = archive_write_close(w);

	archive_write_free(w);
	return r == ARCHIVE_OK ? 0 : -EIO;
}

struct walk {
	struct archive *w;
	bool clamp;
	time_t epoch;
	char *buf;
	char *err;
	size_t errlen;
};

static int
walk_fail(struct walk *wk, int err, const char *path, const char *what)
{
	snprintf(wk->err, wk->errlen, "manifest: %s: %s: %s", path[0] ? path : ".", what,
	        strerror(err));
	return -err;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
write_data(struct walk *wk, int dirfd, const char *name, const char *path)
{
	ssize_t n;
	int fd, r = 0;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return walk_fail(wk, errno, path, "cannot open");
	while ((n = read(fd, wk->buf, READ_BUF)) > 0) {
		if (archive_write_data(wk->w, wk->buf, (size_t)n) < 0) {
			r = walk_fail(wk, EIO, path, archive_error_string(wk->w));
			break;
		}
	}
	if (n < 0)
		r = walk_fail(wk, errno, path, "cannot read");
	close(fd);
	return r;
}

static int walk_dir(struct walk *wk, int dirfd, const char *rel);

static int
walk_one(struct walk *wk, int dirfd, const char *name, const char *rel)
{
	char path[PATH_MAX + 3], target[PATH_MAX];
	struct archive_entry *e;
	struct stat st;
	ssize_t n;
	int r = 0, sub;

	if (image_interrupted)
		return walk_fail(wk, EINTR, rel, "interrupted");
	if (image_fmt(path, sizeof(path) - 2, "%s%s%s", rel, rel[0] ? "/" : "", name) < 0)
		return walk_fail(wk, ENAMETOOLONG, rel, "path too long");
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return walk_fail(wk, errno, path, "cannot stat");
	if (wk->clamp &&
	        (st.st_mtim.tv_sec > wk->epoch ||
	                (st.st_mtim.tv_sec == wk->epoch && st.st_mtim.tv_nsec != 0))) {
		struct timespec ts[2] = {{0, UTIME_OMIT}, {wk->epoch, 0}};

		if (utimensat(dirfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
			return walk_fail(wk, errno, path, "cannot set the time");
		st.st_mtim = ts[1];
	}
	e = archive_entry_new();
	if (e == NULL)
		return walk_fail(wk, ENOMEM, path, "entry");
	archive_entry_copy_stat(e, &st);
	{
		char full[PATH_MAX + 3];

		image_fmt(full, sizeof(full), "./%s", path);
		archive_entry_set_pathname(e, full);
	}
	if (S_ISLNK(st.st_mode)) {
		n = readlinkat(dirfd, name, target, sizeof(target) - 1);
		if (n < 0) {
			r = walk_fail(wk, errno, path, "cannot read the link");
			goto out;
		}
		target[n] = '\0';
		archive_entry_set_symlink(e, target);
	}
	if (!S_ISREG(st.st_mode))
		archive_entry_set_size(e, 0);
	if (archive_write_header(wk->w, e) != ARCHIVE_OK) {
		r = walk_fail(wk, EIO, path, archive_error_string(wk->w));
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0)
		r = write_data(wk, dirfd, name, path);
	if (r == 0 && S_ISDIR(st.st_mode)) {
		sub = openat(
		        dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			r = walk_fail(wk, errno, path, "cannot open");
			goto out;
		}
		r = walk_dir(wk, sub, path);
		close(sub);
	}
out:
	archive_entry_free(e);
	return r;
}

static int
walk_dir(struct walk *wk, int dirfd, const char *rel)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	DIR *dir;
	int fd, r = 0;

	fd = dup(dirfd);
	if (fd < 0)
		return walk_fail(wk, errno, rel, "dup");
	dir = fdopendir(fd);
	if (dir == NULL) {
		close(fd);
		return walk_fail(wk, errno, rel, "cannot read the directory");
	}
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			char **nv = realloc(names, ncap * sizeof(*nv));

			if (nv == NULL) {
				r = walk_fail(wk, ENOMEM, rel, "listing");
				goto out;
			}
			names = nv;
			cap = ncap;
		}
		names[n] = strdup(de->d_name);
		if (names[n] == NULL) {
			r = walk_fail(wk, ENOMEM, rel, "listing");
			goto out;
		}
		n++;
	}
	/* Byte order of names within a directory, parents before children:
	 * the same order manifest_path_cmp() gives the tar back end. */
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && r == 0; i++)
		r = walk_one(wk, dirfd, names[i], rel);
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(dir);
	return r;
}

int
manifest_write_tree(
        int rootfd, bool clamp, time_t epoch, int fd, char *err, size_t errlen)
{
	struct walk wk = {NULL, clamp, epoch, NULL, err, errlen};
	struct archive_entry *e = NULL;
	struct stat st;
	int r;

	wk.buf = malloc(READ_BUF);
	if (wk.buf == NULL)
		return -ENOMEM;
	r = manifest_open(fd, &wk.w);
	if (r < 0) {
		snprintf(err, errlen, "manifest: cannot start the mtree writer");
		goto out;
	}
	if (clamp) {
		struct timespec ts[2] = {{0, UTIME_OMIT}, {epoch, 0}};

		if (fstat(rootfd, &st) == 0 && st.st_mtim.tv_sec >= epoch)
			futimens(rootfd, ts);
	}
	if (fstat(rootfd, &st) < 0) {
		r = walk_fail(&wk, errno, "", "cannot stat");
		goto out;
	}
	e = archive_entry_new();
	if (e == NULL) {
		r = -ENOMEM;
		goto out;
	}
	archive_entry_copy_stat(e, &st);
	archive_entry_set_pathname(e, ".");
	archive_entry_set_size(e, 0);
	if (archive_write_header(wk.w, e) != ARCHIVE_OK) {
		r = walk_fail(&wk, EIO, "", archive_error_string(wk.w));
		goto out;
	}
	r = walk_dir(&wk, rootfd, "");
out:
	archive_entry_free(e);
	if (wk.w != NULL && manifest_close(wk.w) < 0 && r == 0) {
		snprintf(err, errlen, "manifest: cannot write it");
		r = -EIO;
	}
	free(wk.buf);
	return r;
}

/* ---- reading and comparing ---- */

void
manifest_list_free(struct manifest_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].link);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int
cmp_entries(const void *a, const void *b)
{
	return manifest_path_cmp(((const struct manifest_entry *)a)->path,
	        ((const struct manifest_entry *)b)->path);
}

static int
add_entry(struct manifest_list *l, struct archive_entry *e)
{
	static const unsigned char zero[32];
	struct manifest_entry *m;
	const char *p = archive_entry_pathname(e);
	const unsigned char *d;

	if (p == NULL)
		return -EINVAL;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 256;
		struct manifest_entry *nv = realloc(l->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return -ENOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	m = &l->v[l->n];
	memset(m, 0, sizeof(*m));
	if (p[0] == '.' && p[1] == '/')
		p += 2;
	else if (strcmp(p, ".") == 0)
		p = "";
	m->path = strdup(p);
	if (m->path == NULL)
		return -ENOMEM;
	m->mode = archive_entry_mode(e);
	m->uid = (uid_t)archive_entry_uid(e);
	m->gid = (gid_t)archive_entry_gid(e);
	m->size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
	m->mtime = archive_entry_mtime(e);
	m->mtime_nsec = archive_entry_mtime_nsec(e);
	m->rdev = archive_entry_rdev(e);
	m->nlink = archive_entry_nlink(e);
	if (m->nlink == 0)
		m->nlink = 1;
	if (archive_entry_symlink(e) != NULL) {
		m->link = strdup(archive_entry_symlink(e));
		if (m->link == NULL) {
			free(m->path);
			return -ENOMEM;
		}
	}
	d = archive_entry_digest(e, ARCHIVE_ENTRY_DIGEST_SHA256);
	if (d != NULL && memcmp(d, zero, sizeof(zero)) != 0) {
		memcpy(m->sha256, d, sizeof(m->sha256));
		m->has_sha256 = true;
	}
	l->n++;
	return 0;
}

int
manifest_read(int fd, struct manifest_list *out, char *err, size_t errlen)
{
	struct archive_entry *e;
	struct archive *a;
	int r;

	memset(out, 0, sizeof(*out));
	a = archive_read_new();
	if (a == NULL)
		return -ENOMEM;
	archive_read_support_format_mtree(a);
	if (archive_read_open_fd(a, fd, 1 << 16) != ARCHIVE_OK) {
		snprintf(err, errlen, "not an mtree manifest: %s",
		        archive_error_string(a));
		r = -EINVAL;
		goto out;
	}
	for (;;) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF) {
			r = 0;
			break;
		}
		if (r < ARCHIVE_WARN) {
			snprintf(err, errlen, "bad mtree manifest: %s",
			        archive_error_string(a));
			r = -EINVAL;
			break;
		}
		r = add_entry(out, e);
		if (r < 0) {
			snprintf(err, errlen, "reading the manifest: %s", strerror(-r));
			break;
		}
	}
	if (r == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_entries);
out:
	archive_read_free(a);
	if (r < 0)
		manifest_list_free(out);
	return r;
}

static void
append(char *buf, size_t len, const char *word)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n ? " " : "", word);
}

static void
entry_diff(const struct manifest_entry *w, const struct manifest_entry *h, char *buf,
        size_t len)
{
	buf[0] = '\0';
	if ((w->mode & S_IFMT) != (h->mode & S_IFMT))
		append(buf, len, "type");
	if ((w->mode & 07777) != (h->mode & 07777))
		append(buf, len, "mode");
	if (w->uid != h->uid)
		append(buf, len, "uid");
	if (w->gid != h->gid)
		append(buf, len, "gid");
	if (S_ISREG(w->mode) && w->size != h->size)
		append(buf, len, "size");
	if (w->has_sha256 != h->has_sha256 ||
	        (w->has_sha256 && memcmp(w->sha256, h->sha256, 32) != 0))
		append(buf, len, "sha256");
	if ((w->link == NULL) != (h->link == NULL) ||
	        (w->link != NULL && strcmp(w->link, h->link) != 0))
		append(buf, len, "link");
	if ((S_ISCHR(w->mode) || S_ISBLK(w->mode)) && w->rdev != h->rdev)
		append(buf, len, "device");
	if (!S_ISDIR(w->mode) && w->nlink != h->nlink)
		append(buf, len, "nlink");
	/* The root's own time changes with the mount or copy that deploys
	 * the tree; its contents tell whether it drifted. */
	if (w->path[0] != '\0' &&
	        (w->mtime != h->mtime || w->mtime_nsec != h->mtime_nsec))
		append(buf, len, "time");
}

size_t
manifest_compare(const struct manifest_list *want, const struct manifest_list *have,
        void (*report)(
                enum manifest_diff kind, const char *path, const char *what, void *ctx),
        void *ctx)
{
	size_t i = 0, j = 0, count = 0;
	char what[128];
	int c;

	while (i < want->n || j < have->n) {
		if (i == want->n)
			c = 1;
		else if (j == have->n)
			c = -1;
		else
			c = manifest_path_cmp(want->v[i].path, have->v[j].path);
		if (c < 0) {
			report(MANIFEST_MISSING, want->v[i++].path, "", ctx);
			count++;
		} else if (c > 0) {
			report(MANIFEST_ADDED, have->v[j++].path, "", ctx);
			count++;
		} else {
			entry_diff(&want->v[i], &have->v[j], what, sizeof(what));
			if (what[0] != '\0') {
				report(MANIFEST_CHANGED, want->v[i].path, what, ctx);
				count++;
			}
			i++;
			j++;
		}
	}
	return count;
}
