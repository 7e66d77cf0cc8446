/*
 * image-tar.c: the --out-tar back end of image.h. It needs no privilege:
 * owners, device nodes and security xattrs are only recorded, never
 * created. Entries live in an index in memory (metadata only: a compact
 * record per name, about 0.3 KiB with its path and hash slot; a whole
 * archive_entry only for the few with xattrs, ACLs or file flags), file
 * data goes to an unnamed spool file, and finish() streams the surviving
 * entries, sorted, into a pax archive (hashing the data on the way), then
 * writes the manifest's lines from the index. Memory grows with the number
 * of entries (the index), not with their size.
 *
 * Reproducible: entries in manifest_path_cmp() order, mtimes clamped to
 * SOURCE_DATE_EPOCH, no atime/ctime/birthtime, owners as numbers only, and
 * pax extended headers only where ustar cannot hold a value (libarchive's
 * "restricted pax"), which names them without a pid.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <nettle/sha2.h>
#include <stdint.h>
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

struct seg {
	int64_t loff; /* offset in the file */
	int64_t len;
	int64_t soff; /* offset in the spool */
};

/* What the archive keeps of an entry. Most entries are plain (owner,
 * mode, time, link target): their fields are kept here, about 100 bytes,
 * where a cloned archive_entry takes over 2 KiB. An entry with extended
 * attributes, ACLs or file flags keeps the whole clone in rich. */
struct meta {
	mode_t mode; /* type and permission bits */
	bool mtime_set;
	int64_t uid, gid, size, mtime;
	long mtime_nsec;
	dev_t rdev;
	char *symlink;
	struct archive_entry *rich;
};

struct node {
	char *path;
	struct meta m;
	size_t seg_first, seg_count;
	size_t data_node; /* the node whose segments hold the data (hard links) */
	bool dead;
};

struct tar_image {
	struct image base;
	struct node *nodes;
	size_t n_nodes, cap_nodes;
	struct seg *segs;
	size_t n_segs, cap_segs;
	int32_t *map; /* open addressing: node index, -1 empty, -2 deleted */
	size_t map_cap, map_used;
	int spool;
	int64_t spool_end;
	int out_fd;
	char *buf;
};

#define MAP_EMPTY (-1)
#define MAP_DELETED (-2)
#define IO_BUF (256 * 1024)
#define MAX_SYMLINK_HOPS 40

static mode_t
node_type(const struct node *n)
{
	return n->m.mode & S_IFMT;
}

static void
meta_free(struct meta *m)
{
	free(m->symlink);
	archive_entry_free(m->rich);
	memset(m, 0, sizeof(*m));
}

static bool
is_rich(struct archive_entry *e)
{
	unsigned long set, clear;

	archive_entry_fflags(e, &set, &clear);
	return set != 0 || clear != 0 || archive_entry_xattr_count(e) > 0 ||
	        archive_entry_acl_count(e, ARCHIVE_ENTRY_ACL_TYPE_ACCESS |
	                        ARCHIVE_ENTRY_ACL_TYPE_DEFAULT |
	                        ARCHIVE_ENTRY_ACL_TYPE_NFS4) > 0;
}

/* Keeps what the archive needs of e (normalized already) and takes e: a
 * rich entry is kept as it is, not cloned, because archive_entry_clone()
 * reverses the list of xattrs and the archive must list them as before. */
static int
meta_set(struct meta *m, struct archive_entry *e)
{
	const char *l = archive_entry_symlink(e);

	memset(m, 0, sizeof(*m));
	m->mode = archive_entry_mode(e);
	m->uid = archive_entry_uid(e);
	m->gid = archive_entry_gid(e);
	m->size = archive_entry_size(e);
	m->mtime_set = archive_entry_mtime_is_set(e);
	m->mtime = archive_entry_mtime(e);
	m->mtime_nsec = archive_entry_mtime_nsec(e);
	m->rdev = archive_entry_rdev(e);
	if (l != NULL && (m->symlink = strdup(l)) == NULL) {
		archive_entry_free(e);
		return -ENOMEM;
	}
	if (is_rich(e))
		m->rich = e;
	else
		archive_entry_free(e);
	return 0;
}

static int
meta_copy(struct meta *to, const struct meta *from)
{
	*to = *from;
	to->symlink = NULL;
	to->rich = NULL;
	if (from->symlink != NULL && (to->symlink = strdup(from->symlink)) == NULL)
		return -ENOMEM;
	if (from->rich != NULL && (to->rich = archive_entry_clone(from->rich)) == NULL) {
		meta_free(to);
		return -ENOMEM;
	}
	return 0;
}

/* A new archive_entry with the kept fields (the caller frees it). */
static struct archive_entry *
meta_entry(const struct meta *m)
{
	struct archive_entry *e;

	e = m->rich != NULL ? archive_entry_clone(m->rich) : archive_entry_new();
	if (e == NULL || m->rich != NULL)
		return e;
	archive_entry_set_mode(e, m->mode);
	archive_entry_set_uid(e, m->uid);
	archive_entry_set_gid(e, m->gid);
	archive_entry_set_size(e, m->size);
	if (m->mtime_set)
		archive_entry_set_mtime(e, m->mtime, m->mtime_nsec);
	if (S_ISCHR(m->mode) || S_ISBLK(m->mode))
		archive_entry_set_rdev(e, m->rdev);
	if (m->symlink != NULL)
		archive_entry_set_symlink(e, m->symlink);
	return e;
}

static uint64_t
hash_path(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

static int32_t *
map_slot(struct tar_image *t, const char *path, bool for_insert)
{
	size_t mask = t->map_cap - 1, i = hash_path(path) & mask;
	int32_t *tomb = NULL;

	for (;;) {
		int32_t v = t->map[i];

		if (v == MAP_EMPTY)
			return for_insert && tomb != NULL ? tomb : &t->map[i];
		if (v == MAP_DELETED) {
			if (tomb == NULL)
				tomb = &t->map[i];
		} else if (strcmp(t->nodes[v].path, path) == 0) {
			return &t->map[i];
		}
		i = (i + 1) & mask;
	}
}

static int
map_grow(struct tar_image *t)
{
	size_t i, ncap = t->map_cap ? t->map_cap * 2 : 4096;
	int32_t *old = t->map;
	size_t oldcap = t->map_cap;

	t->map = malloc(ncap * sizeof(*t->map));
	if (t->map == NULL) {
		t->map = old;
		return -ENOMEM;
	}
	for (i = 0; i < ncap; i++)
		t->map[i] = MAP_EMPTY;
	t->map_cap = ncap;
	t->map_used = 0;
	for (i = 0; i < oldcap; i++) {
		if (old[i] >= 0) {
			*map_slot(t, t->nodes[old[i]].path, true) = old[i];
			t->map_used++;
		}
	}
	free(old);
	return 0;
}

static struct node *
find(struct tar_image *t, const char *path)
{
	int32_t v = *map_slot(t, path, false);

	return v >= 0 ? &t->nodes[v] : NULL;
}

static void
kill_node(struct tar_image *t, struct node *n)
{
	int32_t *slot = map_slot(t, n->path, false);

	if (*slot >= 0 && &t->nodes[*slot] == n)
		*slot = MAP_DELETED;
	n->dead = true;
}

static bool
under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 0)
		return path[0] != '\0';
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* Kills every live node strictly under dir (a linear scan: removals are
 * rare, whiteouts and fix-ups only). */
static void
kill_under(struct tar_image *t, const char *dir)
{
	size_t i;

	for (i = 0; i < t->n_nodes; i++)
		if (!t->nodes[i].dead && under(t->nodes[i].path, dir))
			kill_node(t, &t->nodes[i]);
}

static int
spool_write(
        struct tar_image *t, struct node *n, const void *buf, size_t len, int64_t loff)
{
	struct seg *s;
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t w = pwrite(
		        t->spool, p + done, len - done, t->spool_end + (int64_t)done);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)w;
	}
	if (n->seg_count > 0) {
		s = &t->segs[n->seg_first + n->seg_count - 1];
		if (s->loff + s->len == loff && s->soff + s->len == t->spool_end) {
			s->len += (int64_t)len;
			t->spool_end += (int64_t)len;
			return 0;
		}
	}
	if (t->n_segs == t->cap_segs) {
		size_t ncap = t->cap_segs ? t->cap_segs * 2 : 4096;
		struct seg *nv = realloc(t->segs, ncap * sizeof(*nv));

		if (nv == NULL)
			return -ENOMEM;
		t->segs = nv;
		t->cap_segs = ncap;
	}
	if (n->seg_count == 0)
		n->seg_first = t->n_segs;
	s = &t->segs[t->n_segs++];
	s->loff = loff;
	s->len = (int64_t)len;
	s->soff = t->spool_end;
	n->seg_count++;
	t->spool_end += (int64_t)len;
	return 0;
}

static int
spool_data(struct tar_image *t, struct node *n, const struct image_data *data,
        uint64_t *bytes)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;

	if (data->buf != NULL) {
		*bytes = data->len;
		return data->len ? spool_write(t, n, data->buf, data->len, 0) : 0;
	}
	if (data->src == NULL)
		return 0;
	for (;;) {
		r = archive_read_data_block(data->src, &buf, &size, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_OK)
			return image_fail(&t->base, EIO, n->path, "reading its data: %s",
			        archive_error_string(data->src));
		if (size == 0)
			continue;
		r = spool_write(t, n, buf, size, off);
		if (r < 0)
			return image_fail(
			        &t->base, r, n->path, "spool: %s", strerror(-r));
		*bytes += size;
	}
}

/* Refuses a name whose parent is, or goes through, a symlink or a
 * non-directory of the image: the same rule as SECURE_SYMLINKS on disk. */
static int
check_parents(struct tar_image *t, const char *entry, const char *path)
{
	char buf[IMAGE_PATH_MAX];
	size_t len = strlen(path), i;
	struct node *n;

	if (len >= sizeof(buf))
		return image_fail(&t->base, ENAMETOOLONG, path, "path too long");
	memcpy(buf, path, len + 1);
	for (i = 0; i < len; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		n = find(t, buf);
		buf[i] = '/';
		if (n == NULL)
			continue;
		if (node_type(n) == S_IFLNK)
			return image_fail(&t->base, EPERM, entry,
			        "'%.*s' is a symlink "
			        "(refused: it could point outside the image)",
			        (int)i, path);
		if (node_type(n) != S_IFDIR)
			return image_fail(&t->base, ENOTDIR, entry,
			        "'%.*s' is not a "
			        "directory",
			        (int)i, path);
	}
	return 0;
}

/* Takes e (see meta_set). */
static int
new_node(struct tar_image *t, const char *path, struct archive_entry *e, size_t *idx)
{
	struct node *n;

	if (t->n_nodes >= INT32_MAX - 1) {
		archive_entry_free(e);
		return -EOVERFLOW;
	}
	if (t->n_nodes == t->cap_nodes) {
		size_t ncap = t->cap_nodes ? t->cap_nodes * 2 : 4096;
		struct node *nv = realloc(t->nodes, ncap * sizeof(*nv));

		if (nv == NULL) {
			archive_entry_free(e);
			return -ENOMEM;
		}
		t->nodes = nv;
		t->cap_nodes = ncap;
	}
	if ((t->map_used + 1) * 2 > t->map_cap && map_grow(t) < 0) {
		archive_entry_free(e);
		return -ENOMEM;
	}
	n = &t->nodes[t->n_nodes];
	memset(n, 0, sizeof(*n));
	n->path = strdup(path);
	if (n->path == NULL) {
		archive_entry_free(e);
		return -ENOMEM;
	}
	if (meta_set(&n->m, e) < 0) {
		free(n->path);
		return -ENOMEM;
	}
	n->data_node = t->n_nodes;
	*idx = t->n_nodes++;
	return 0;
}

static int
tar_put(struct image *img, const char *path, struct archive_entry *e,
        const struct image_data *data)
{
	struct tar_image *t = (struct tar_image *)img;
	const char *hl = archive_entry_hardlink(e);
	struct node *old, *target = NULL;
	struct archive_entry *norm;
	uint64_t bytes = 0;
	int32_t *slot;
	size_t idx;
	int r;

	if (image_interrupted)
		return image_fail(img, EINTR, NULL, "interrupted");
	r = check_parents(t, path, path);
	if (r < 0)
		return r;
	if (hl != NULL) {
		r = check_parents(t, path, hl);
		if (r < 0)
			return r;
		target = find(t, hl);
		if (target == NULL)
			return image_fail(img, ENOENT, path,
			        "hard link target '%s' does not "
			        "exist in the image",
			        hl);
		if (node_type(target) == S_IFDIR)
			return image_fail(
			        img, EPERM, path, "hard link to the directory '%s'", hl);
	}
	old = find(t, path);
	if (old != NULL) {
		/* A non-directory replacing a directory takes its contents away,
		 * as a later layer's file does in a union. */
		if (node_type(old) == S_IFDIR &&
		        archive_entry_filetype(e) != AE_IFDIR)
			kill_under(t, path);
		kill_node(t, old);
	}
	norm = archive_entry_clone(e);
	if (norm == NULL)
		return image_fail(img, ENOMEM, path, "out of memory");
	image_normalize_entry(img, norm);
	r = new_node(t, path, norm, &idx);
	if (r < 0)
		return image_fail(img, r, path, "%s", strerror(-r));
	slot = map_slot(t, path, true);
	if (*slot == MAP_EMPTY)
		t->map_used++;
	*slot = (int32_t)idx;
	if (target != NULL) {
		/* A hard link shares the data and metadata of its target. */
		meta_free(&t->nodes[idx].m);
		if (meta_copy(&t->nodes[idx].m, &target->m) < 0)
			return image_fail(img, ENOMEM, path, "out of memory");
		t->nodes[idx].data_node = target->data_node;
	}
	if (target != NULL) {
		if (data->src != NULL && archive_entry_size(e) > 0) {
			/* A hard link that brings the data (cpio's last name,
			 * pax allows it too) replaces the shared data and size
			 * for all names. */
			struct node *dn = &t->nodes[t->nodes[idx].data_node];

			dn->seg_count = 0;
			dn->m.size = archive_entry_size(e);
			if (dn->m.rich != NULL)
				archive_entry_set_size(dn->m.rich, dn->m.size);
			r = spool_data(t, dn, data, &bytes);
			if (r < 0)
				return r;
		}
	} else if (archive_entry_filetype(e) == AE_IFREG) {
		r = spool_data(t, &t->nodes[idx], data, &bytes);
		if (r < 0)
			return r;
	}
	image_progress(img, bytes);
	return 0;
}

static int
tar_remove(struct image *img, const char *path)
{
	struct tar_image *t = (struct tar_image *)img;
	struct node *n;

	if (path[0] == '\0')
		return image_fail(img, EINVAL, path, "cannot remove the image root");
	/* As on disk: never remove through a symlink of the image. */
	if (check_parents(t, path, path) < 0)
		return -EPERM;
	n = find(t, path);
	if (n != NULL) {
		if (node_type(n) == S_IFDIR)
			kill_under(t, path);
		kill_node(t, n);
	} else {
		kill_under(t, path);
	}
	return 0;
}

static int
tar_clear_dir(struct image *img, const char *path)
{
	struct tar_image *t = (struct tar_image *)img;
	struct node *n = find(t, path);

	if (check_parents(t, path, path) < 0)
		return -EPERM;
	if (path[0] != '\0' && (n == NULL || node_type(n) != S_IFDIR))
		return 0;
	kill_under(t, path);
	return 0;
}

static int
tar_remove_glob(struct image *img, const char *dir, const char *pattern, bool recurse)
{
	struct tar_image *t = (struct tar_image *)img;
	size_t i, dlen = strlen(dir);

	for (i = 0; i < t->n_nodes; i++) {
		struct node *n = &t->nodes[i];
		const char *rest, *base;

		if (n->dead || !under(n->path, dir) ||
		        node_type(n) == S_IFDIR)
			continue;
		rest = n->path + dlen + (dlen != 0);
		base = strrchr(rest, '/');
		if (base != NULL && !recurse)
			continue;
		base = base != NULL ? base + 1 : rest;
		if (fnmatch(pattern, base, FNM_PERIOD) == 0)
			kill_node(t, n);
	}
	return 0;
}

/* Resolves path as a chroot would: symlinks followed inside the image. */
static struct node *
resolve(struct tar_image *t, const char *path)
{
	char cur[IMAGE_PATH_MAX], rest[IMAGE_PATH_MAX], tmp[IMAGE_PATH_MAX];
	struct node *n = NULL;
	int hops = 0;

	cur[0] = '\0';
	if (image_fmt(rest, sizeof(rest), "%s", path) < 0)
		return NULL;
	while (rest[0] != '\0') {
		char *slash = strchr(rest, '/');
		char comp[IMAGE_PATH_MAX];
		size_t clen = slash ? (size_t)(slash - rest) : strlen(rest);
		const char *after = slash ? slash + 1 : "";
		size_t cl = strlen(cur);

		memcpy(comp, rest, clen);
		comp[clen] = '\0';
		memmove(rest, after, strlen(after) + 1);
		if (clen == 0 || strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			char *s = strrchr(cur, '/');

			if (s != NULL)
				*s = '\0';
			else
				cur[0] = '\0';
			continue;
		}
		if (cl + 1 + clen >= sizeof(cur))
			return NULL;
		if (cl != 0)
			cur[cl++] = '/';
		memcpy(cur + cl, comp, clen + 1);
		n = find(t, cur);
		if (n == NULL)
			return NULL;
		if (node_type(n) == S_IFLNK) {
			const char *target = n->m.symlink;

			if (target == NULL || ++hops > MAX_SYMLINK_HOPS)
				return NULL;
			cur[cl > 0 ? cl - 1 : 0] = '\0';
			if (target[0] == '/')
				cur[0] = '\0';
			if (image_fmt(tmp, sizeof(tmp), "%s/%s", target, rest) < 0)
				return NULL;
			memcpy(rest, tmp, strlen(tmp) + 1);
			n = cur[0] ? find(t, cur) : NULL;
		}
	}
	return n;
}

static int
tar_lookup(struct image *img, const char *path, mode_t *type)
{
	struct tar_image *t = (struct tar_image *)img;
	struct node *n;

	if (path[0] == '\0') {
		*type = S_IFDIR;
		return 0;
	}
	n = resolve(t, path);
	if (n == NULL || n->dead)
		return -ENOENT;
	*type = node_type(n);
	return 0;
}

/* ---- output ---- */

static struct node *sort_nodes; /* qsort has no context argument */

static int
cmp_nodes(const void *a, const void *b)
{
	return manifest_path_cmp(
	        sort_nodes[*(const size_t *)a].path, sort_nodes[*(const size_t *)b].path);
}

/* The archive gets the data (tar may be NULL: a later name of a hard
 * link), the digest of the manifest sees it. */
static int
write_both(struct tar_image *t, struct archive *tar, struct sha256_ctx *sha,
        const void *buf, size_t len)
{
	if (tar != NULL && archive_write_data(tar, buf, len) < 0)
		return image_fail(&t->base, EIO, NULL, "writing the archive: %s",
		        archive_error_string(tar));
	sha256_update(sha, len, buf);
	return 0;
}

static int
emit_data(struct tar_image *t, struct node *dn, int64_t size, struct archive *tar,
        struct sha256_ctx *mt)
{
	static const char zeros[65536];
	int64_t pos = 0;
	size_t i;
	int r;

	for (i = 0; i < dn->seg_count; i++) {
		const struct seg *s = &t->segs[dn->seg_first + i];
		int64_t done = 0;

		while (pos < s->loff && pos < size) {
			size_t z = (size_t)(s->loff - pos < (int64_t)sizeof(zeros)
			                            ? s->loff - pos
			                            : (int64_t)sizeof(zeros));

			r = write_both(t, tar, mt, zeros, z);
			if (r < 0)
				return r;
			pos += (int64_t)z;
		}
		while (done < s->len && pos < size) {
			size_t want =
			        (size_t)(s->len - done < IO_BUF ? s->len - done : IO_BUF);
			ssize_t n = pread(t->spool, t->buf, want, s->soff + done);

			if (n <= 0)
				return image_fail(&t->base, n < 0 ? errno : EIO, dn->path,
				        "reading the spool");
			r = write_both(t, tar, mt, t->buf, (size_t)n);
			if (r < 0)
				return r;
			done += n;
			pos += n;
		}
	}
	while (pos < size) {
		size_t z = (size_t)(size - pos < (int64_t)sizeof(zeros)
		                            ? size - pos
		                            : (int64_t)sizeof(zeros));

		r = write_both(t, tar, mt, zeros, z);
		if (r < 0)
			return r;
		pos += (int64_t)z;
	}
	return 0;
}

static void
set_sparse(
        struct tar_image *t, struct archive_entry *e, const struct node *dn, int64_t size)
{
	int64_t have = 0;
	size_t i;

	archive_entry_sparse_clear(e);
	for (i = 0; i < dn->seg_count; i++)
		have += t->segs[dn->seg_first + i].len;
	if (have >= size || dn->seg_count == 0)
		return;
	for (i = 0; i < dn->seg_count; i++)
		archive_entry_sparse_add_entry(e, t->segs[dn->seg_first + i].loff,
		        t->segs[dn->seg_first + i].len);
}

/* The mode stat() shows once the entry is extracted: with an access ACL
 * that has a mask, the group bits are the mask (POSIX.1e), while archives
 * carry the owning group's bits. The manifest records what disk shows. */
static mode_t
mode_on_disk(struct archive_entry *e)
{
	mode_t mode = archive_entry_mode(e);
	int type, permset, tag, qual;
	const char *name;

	if (archive_entry_acl_reset(e, ARCHIVE_ENTRY_ACL_TYPE_ACCESS) <= 0)
		return mode;
	while (archive_entry_acl_next(e, ARCHIVE_ENTRY_ACL_TYPE_ACCESS, &type, &permset,
	               &tag, &qual, &name) == ARCHIVE_OK) {
		if (tag != ARCHIVE_ENTRY_ACL_MASK)
			continue;
		mode &= ~(mode_t)070;
		if (permset & ARCHIVE_ENTRY_ACL_READ)
			mode |= 040;
		if (permset & ARCHIVE_ENTRY_ACL_WRITE)
			mode |= 020;
		if (permset & ARCHIVE_ENTRY_ACL_EXECUTE)
			mode |= 010;
	}
	return mode;
}

/* Writes one entry of the archive; the digest of a regular file's data
 * goes to digest (32 bytes). */
static int
emit_node(struct tar_image *t, struct node *n, unsigned nlink, const char *first,
        struct archive *tar, unsigned char *digest)
{
	char name[IMAGE_PATH_MAX + 3];
	struct archive_entry *te;
	struct node *dn = &t->nodes[n->data_node];
	bool is_reg = node_type(n) == S_IFREG;
	int64_t size = is_reg ? dn->m.size : 0;
	struct sha256_ctx sha;
	int r = 0;

	if (n->path[0] == '\0')
		image_fmt(name, sizeof(name), ".");
	else
		image_fmt(name, sizeof(name), "./%s", n->path);
	te = meta_entry(&n->m);
	if (te == NULL)
		return image_fail(&t->base, ENOMEM, n->path, "out of memory");
	archive_entry_set_pathname(te, name);
	if (node_type(n) != S_IFDIR)
		archive_entry_set_nlink(te, nlink);
	if (is_reg && first != NULL) {
		char target[IMAGE_PATH_MAX + 3];

		image_fmt(target, sizeof(target), "./%s", first);
		archive_entry_set_hardlink(te, target);
		archive_entry_set_size(te, 0);
	} else {
		archive_entry_set_size(te, size);
		if (is_reg)
			set_sparse(t, te, dn, size);
	}
	/* ARCHIVE_WARN: a name that is not text in the locale (always "C"
	 * here: nothing calls setlocale) was written as raw bytes with
	 * hdrcharset=BINARY, which is what a non-UTF-8 name needs. */
	r = archive_write_header(tar, te);
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
		r = image_fail(&t->base, EIO, n->path, "writing the archive: %s",
		        archive_error_string(tar));
		goto out;
	}
	r = 0;
	/* A later name of a hard link has the first one's data and digest. */
	if (is_reg && first == NULL) {
		sha256_init(&sha);
		if (size > 0)
			r = emit_data(t, dn, size, tar, &sha);
		sha256_digest(&sha, SHA256_DIGEST_SIZE, digest);
	}
out:
	archive_entry_free(te);
	return r;
}

static bool
node_is_dir(const struct node *n)
{
	return node_type(n) == S_IFDIR;
}

static int
cmp_mtree(const void *a, const void *b)
{
	const struct node *x = &sort_nodes[*(const size_t *)a];
	const struct node *y = &sort_nodes[*(const size_t *)b];

	return mtree_order_cmp(x->path, node_is_dir(x), y->path, node_is_dir(y));
}

/* The manifest, from the index and the digests of the archive pass, in
 * the writer's order (mtree-line.h): what an extracted tree would give. */
static int
write_manifest(struct tar_image *t, size_t *order, size_t n, const unsigned *links,
        const unsigned char *digests, int manifest_fd)
{
	struct mtree_rec m;
	FILE *f;
	size_t i;
	int r;

	sort_nodes = t->nodes;
	qsort(order, n, sizeof(*order), cmp_mtree);
	r = manifest_open(manifest_fd, &f);
	if (r < 0)
		return image_fail(&t->base, r, NULL, "cannot start the manifest");
	for (i = 0; i < n && r == 0; i++) {
		struct node *nd = &t->nodes[order[i]];
		const struct meta *e = &nd->m;
		bool reg = node_type(nd) == S_IFREG;
		size_t g = nd->data_node;

		memset(&m, 0, sizeof(m));
		m.path = nd->path;
		m.mode = e->rich != NULL ? mode_on_disk(e->rich) : e->mode;
		m.uid = e->uid;
		m.gid = e->gid;
		m.size = reg ? t->nodes[g].m.size : 0;
		m.mtime = e->mtime;
		m.mtime_nsec = e->mtime_nsec;
		m.rdev_major = major(e->rdev);
		m.rdev_minor = minor(e->rdev);
		m.nlink = reg ? links[g] : 1;
		m.link = e->symlink;
		m.sha256 = reg ? digests + g * SHA256_DIGEST_SIZE : NULL;
		r = mtree_line_write(f, &m);
		if (r == 0 && e->rich != NULL)
			r = manifest_xattr_entry(f, e->rich, nd->path);
	}
	if (manifest_close(f) < 0 || r < 0)
		return image_fail(&t->base, EIO, NULL, "writing the manifest");
	return 0;
}

static int
tar_finish(struct image *img, int manifest_fd)
{
	struct tar_image *t = (struct tar_image *)img;
	struct archive *tar = NULL;
	size_t *order = NULL, *first = NULL, n = 0, i;
	unsigned char *digests = NULL;
	unsigned *links = NULL;
	int r;

	image_progress_end(img);
	order = malloc((t->n_nodes + 1) * sizeof(*order));
	first = malloc((t->n_nodes + 1) * sizeof(*first));
	links = calloc(t->n_nodes + 1, sizeof(*links));
	digests = malloc((t->n_nodes + 1) * SHA256_DIGEST_SIZE);
	if (order == NULL || first == NULL || links == NULL || digests == NULL) {
		r = image_fail(img, ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (i = 0; i < t->n_nodes; i++) {
		first[i] = SIZE_MAX;
		if (t->nodes[i].dead)
			continue;
		order[n++] = i;
		if (node_type(&t->nodes[i]) == S_IFREG)
			links[t->nodes[i].data_node]++;
	}
	sort_nodes = t->nodes;
	qsort(order, n, sizeof(*order), cmp_nodes);
	tar = archive_write_new();
	if (tar == NULL || archive_write_set_format_pax_restricted(tar) != ARCHIVE_OK ||
	        archive_write_open_fd(tar, t->out_fd) != ARCHIVE_OK) {
		r = image_fail(img, EIO, NULL, "cannot start the archive: %s",
		        tar ? archive_error_string(tar) : "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct node *nd = &t->nodes[order[i]];
		bool reg = node_type(nd) == S_IFREG;
		size_t g = nd->data_node;
		const char *f =
		        reg && first[g] != SIZE_MAX ? t->nodes[first[g]].path : NULL;

		r = emit_node(t, nd, reg ? links[g] : 1, f, tar,
		        digests + g * SHA256_DIGEST_SIZE);
		if (r < 0)
			goto out;
		if (reg && first[g] == SIZE_MAX)
			first[g] = order[i];
	}
	if (archive_write_close(tar) != ARCHIVE_OK) {
		r = image_fail(img, EIO, NULL, "finishing the archive: %s",
		        archive_error_string(tar));
		goto out;
	}
	r = write_manifest(t, order, n, links, digests, manifest_fd);
out:
	if (tar != NULL)
		archive_write_free(tar);
	free(order);
	free(first);
	free(links);
	free(digests);
	return r;
}

static void
tar_free(struct image *img)
{
	struct tar_image *t = (struct tar_image *)img;
	size_t i;

	for (i = 0; i < t->n_nodes; i++) {
		free(t->nodes[i].path);
		meta_free(&t->nodes[i].m);
	}
	free(t->nodes);
	free(t->segs);
	free(t->map);
	free(t->buf);
	if (t->spool >= 0)
		close(t->spool);
	free(t);
}

static const struct image_ops tar_ops = {
        .put = tar_put,
        .remove = tar_remove,
        .clear_dir = tar_clear_dir,
        .remove_glob = tar_remove_glob,
        .lookup = tar_lookup,
        .finish = tar_finish,
        .free = tar_free,
};

int
image_tar_new(const char *spool_dir, int out_fd, struct image **out)
{
	struct tar_image *t;
	int r;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	t->base.ops = &tar_ops;
	t->out_fd = out_fd;
	t->spool = open(spool_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (t->spool < 0) {
		char tmpl[4096];

		/* No O_TMPFILE on this file system: a named file, unlinked. */
		if (image_fmt(tmpl, sizeof(tmpl), "%s/.diskless-spool-XXXXXX",
		            spool_dir) < 0) {
			r = -ENAMETOOLONG;
			goto fail;
		}
		t->spool = mkostemp(tmpl, O_CLOEXEC);
		if (t->spool < 0) {
			r = -errno;
			goto fail;
		}
		unlink(tmpl);
	}
	t->buf = malloc(IO_BUF);
	if (t->buf == NULL || map_grow(t) < 0) {
		r = -ENOMEM;
		goto fail;
	}
	*out = &t->base;
	return 0;
fail:
	tar_free(&t->base);
	return r;
}
