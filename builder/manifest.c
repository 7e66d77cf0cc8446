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
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "image.h"
#include "manifest.h"
#include "manifest-xattr.h"
#include "mtree-line.h"

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
manifest_open(int fd, FILE **out)
{
	int d = dup(fd);
	FILE *f;

	if (d < 0)
		return -errno;
	f = fdopen(d, "w");
	if (f == NULL) {
		close(d);
		return -ENOMEM;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	fputs(MTREE_HEADER, f);
	*out = f;
	return 0;
}

int
manifest_close(FILE *f)
{
	int r = ferror(f) ? -EIO : 0;

	if (fclose(f) != 0 && r == 0)
		r = -EIO;
	return r;
}

void
manifest_rec_from_stat(struct mtree_rec *m, const char *path, const struct stat *st)
{
	memset(m, 0, sizeof(*m));
	m->path = path;
	m->mode = st->st_mode;
	m->uid = st->st_uid;
	m->gid = st->st_gid;
	m->size = S_ISREG(st->st_mode) ? st->st_size : 0;
	m->mtime = st->st_mtim.tv_sec;
	m->mtime_nsec = st->st_mtim.tv_nsec;
	m->rdev_major = major(st->st_rdev);
	m->rdev_minor = minor(st->st_rdev);
	m->nlink = (unsigned)st->st_nlink;
}

struct walk {
	FILE *f;
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
hash_file(struct walk *wk, int dirfd, const char *name, const char *path,
        unsigned char digest[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx c;
	ssize_t n;
	int fd, r = 0;

	sha256_init(&c);
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return walk_fail(wk, errno, path, "cannot open");
	while ((n = read(fd, wk->buf, READ_BUF)) > 0)
		sha256_update(&c, (size_t)n, (const uint8_t *)wk->buf);
	if (n < 0)
		r = walk_fail(wk, errno, path, "cannot read");
	close(fd);
	sha256_digest(&c, SHA256_DIGEST_SIZE, digest);
	return r;
}

/* Clamps the time of one entry, then writes its line. */
static int
walk_line(struct walk *wk, int dirfd, const char *name, const char *path,
        struct stat *st)
{
	unsigned char digest[SHA256_DIGEST_SIZE];
	char target[PATH_MAX];
	struct mtree_rec m;
	ssize_t n;
	int r;

	if (wk->clamp &&
	        (st->st_mtim.tv_sec > wk->epoch ||
	                (st->st_mtim.tv_sec == wk->epoch && st->st_mtim.tv_nsec != 0))) {
		struct timespec ts[2] = {{0, UTIME_OMIT}, {wk->epoch, 0}};

		if (utimensat(dirfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
			return walk_fail(wk, errno, path, "cannot set the time");
		st->st_mtim = ts[1];
	}
	manifest_rec_from_stat(&m, path, st);
	if (S_ISLNK(st->st_mode)) {
		n = readlinkat(dirfd, name, target, sizeof(target) - 1);
		if (n < 0)
			return walk_fail(wk, errno, path, "cannot read the link");
		target[n] = '\0';
		m.link = target;
	}
	if (S_ISREG(st->st_mode)) {
		r = hash_file(wk, dirfd, name, path, digest);
		if (r < 0)
			return r;
		m.sha256 = digest;
	}
	if (mtree_line_write(wk->f, &m) < 0)
		return walk_fail(wk, EIO, path, "cannot write the manifest");
	r = manifest_xattr_tree(wk->f, dirfd, name, path);
	if (r < 0)
		return walk_fail(wk, -r, path, "cannot read its extended attributes");
	return 0;
}

struct name {
	char *s;
	bool dir;
};

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(((const struct name *)a)->s, ((const struct name *)b)->s);
}

static int walk_dir(struct walk *wk, int dirfd, const char *rel);

static int
walk_one(struct walk *wk, int dirfd, const char *name, const char *rel)
{
	char path[PATH_MAX + 3];
	struct stat st;
	int r, sub;

	if (image_interrupted)
		return walk_fail(wk, EINTR, rel, "interrupted");
	if (image_fmt(path, sizeof(path) - 2, "%s%s%s", rel, rel[0] ? "/" : "", name) < 0)
		return walk_fail(wk, ENAMETOOLONG, rel, "path too long");
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return walk_fail(wk, errno, path, "cannot stat");
	r = walk_line(wk, dirfd, name, path, &st);
	if (r < 0 || !S_ISDIR(st.st_mode))
		return r;
	sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return walk_fail(wk, errno, path, "cannot open");
	r = walk_dir(wk, sub, path);
	close(sub);
	return r;
}

static int
list_dir(struct walk *wk, int dirfd, const char *rel, struct name **out, size_t *count)
{
	struct name *names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	struct stat st;
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
	while (r == 0 && (de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct name *nv = realloc(names, ncap * sizeof(*nv));

			if (nv == NULL) {
				r = walk_fail(wk, ENOMEM, rel, "listing");
				break;
			}
			names = nv;
			cap = ncap;
		}
		names[n].dir = de->d_type == DT_DIR;
		if (de->d_type == DT_UNKNOWN)
			names[n].dir = fstatat(dirfd, de->d_name, &st,
			                       AT_SYMLINK_NOFOLLOW) == 0 &&
			        S_ISDIR(st.st_mode);
		names[n].s = strdup(de->d_name);
		if (names[n].s == NULL)
			r = walk_fail(wk, ENOMEM, rel, "listing");
		else
			n++;
	}
	closedir(dir);
	*out = names;
	*count = n;
	return r;
}

/* The writer's order (mtree-line.h): the non-directories of this folder by
 * name, then each subfolder by name with its contents. Memory: the names
 * of the folders being walked, not of the image. */
static int
walk_dir(struct walk *wk, int dirfd, const char *rel)
{
	struct name *names = NULL;
	size_t n = 0, i;
	int r, pass;

	r = list_dir(wk, dirfd, rel, &names, &n);
	if (r == 0 && n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	for (pass = 0; pass < 2 && r == 0; pass++)
		for (i = 0; i < n && r == 0; i++)
			if (names[i].dir == (pass == 1))
				r = walk_one(wk, dirfd, names[i].s, rel);
	for (i = 0; i < n; i++)
		free(names[i].s);
	free(names);
	return r;
}

int
manifest_write_tree(
        int rootfd, bool clamp, time_t epoch, int fd, char *err, size_t errlen)
{
	struct walk wk = {NULL, clamp, epoch, NULL, err, errlen};
	struct mtree_rec m;
	struct stat st;
	int r;

	wk.buf = malloc(READ_BUF);
	if (wk.buf == NULL)
		return -ENOMEM;
	r = manifest_open(fd, &wk.f);
	if (r < 0) {
		snprintf(err, errlen, "manifest: cannot start it: %s", strerror(-r));
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
	manifest_rec_from_stat(&m, "", &st);
	if (mtree_line_write(wk.f, &m) < 0)
		r = walk_fail(&wk, EIO, "", "cannot write the manifest");
	else if ((r = manifest_xattr_tree(wk.f, rootfd, ".", "")) < 0)
		r = walk_fail(&wk, -r, "", "cannot read its extended attributes");
	else
		r = walk_dir(&wk, rootfd, "");
out:
	if (wk.f != NULL && manifest_close(wk.f) < 0 && r == 0) {
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
