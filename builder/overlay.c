/*
 * overlay.c: see overlay.h.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image.h"
#include "overlay.h"

#define NAME_MAX_LEN 32 /* longest placeholder name accepted */

struct buf {
	char *p;
	size_t n, cap;
};

static int
buf_add(struct buf *b, const char *s, size_t len)
{
	if (len > OVERLAY_TEMPLATE_MAX * 4 || b->n + len + 1 > OVERLAY_TEMPLATE_MAX * 4)
		return -EFBIG;
	if (b->n + len + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;
		char *np;

		while (ncap < b->n + len + 1)
			ncap *= 2;
		np = realloc(b->p, ncap);
		if (np == NULL)
			return -ENOMEM;
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
	return 0;
}

static const char *
lookup_var(const struct overlay_vars *v, const char *name, size_t len)
{
	static const struct {
		const char *name;
		size_t off;
	} vars[] = {
	        {"SERVER", offsetof(struct overlay_vars, server)},
	        {"EXPORT", offsetof(struct overlay_vars, export_path)},
	        {"NFS_OPTIONS", offsetof(struct overlay_vars, nfs_options)},
	        {"IMAGE", offsetof(struct overlay_vars, image)},
	        {"PROFILE", offsetof(struct overlay_vars, profile)},
	        {"NAMESERVERS", offsetof(struct overlay_vars, nameservers)},
	};
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0) {
			const char *val;

			memcpy(&val, (const char *)v + vars[i].off, sizeof(val));
			return val != NULL ? val : "";
		}
	}
	return NULL;
}

static bool
is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || c == '_';
}

int
overlay_fill(const char *in, size_t len, const struct overlay_vars *v, char **out,
        size_t *out_len, char *err, size_t errlen)
{
	struct buf b = {NULL, 0, 0};
	size_t i = 0, line = 1, start = 0;
	int r = 0;

	if (len > OVERLAY_TEMPLATE_MAX) {
		snprintf(err, errlen, "template larger than %d bytes",
		        OVERLAY_TEMPLATE_MAX);
		return -EFBIG;
	}
	while (i < len && r == 0) {
		size_t j;
		const char *val;

		if (in[i] == '\n')
			line++;
		if (in[i] != '@') {
			i++;
			continue;
		}
		r = buf_add(&b, in + start, i - start);
		if (r < 0)
			break;
		if (i + 1 < len && in[i + 1] == '@') {
			r = buf_add(&b, "@", 1);
			i += 2;
			start = i;
			continue;
		}
		/* A placeholder is @NAME@ with NAME in [A-Z_]{1,32}. */
		for (j = i + 1;
		        j < len && j - i - 1 <= NAME_MAX_LEN && is_name_char(in[j]); j++)
			;
		if (j == i + 1 || j >= len || in[j] != '@' || j - i - 1 > NAME_MAX_LEN) {
			r = buf_add(&b, "@", 1);
			i++;
			start = i;
			continue;
		}
		val = lookup_var(v, in + i + 1, j - i - 1);
		if (val == NULL) {
			image_fmt(err, errlen,
			        "line %zu: unknown placeholder @%.*s@ (known: "
			        "@SERVER@ @EXPORT@ @NFS_OPTIONS@ @IMAGE@ @PROFILE@ "
			        "@NAMESERVERS@; write @@ for a literal @)",
			        line, (int)(j - i - 1), in + i + 1);
			r = -EINVAL;
			break;
		}
		r = buf_add(&b, val, strlen(val));
		i = j + 1;
		start = i;
	}
	if (r == 0)
		r = buf_add(&b, in + start, len - start);
	if (r < 0) {
		if (r != -EINVAL)
			snprintf(err, errlen, "%s", strerror(-r));
		free(b.p);
		return r;
	}
	if (b.p == NULL && (r = buf_add(&b, "", 0)) < 0) {
		snprintf(err, errlen, "%s", strerror(-r));
		return r;
	}
	*out = b.p;
	*out_len = b.n;
	return 0;
}

static int
read_all(struct archive *a, size_t size, char **out)
{
	char *p;
	size_t got = 0;

	p = malloc(size + 1);
	if (p == NULL)
		return -ENOMEM;
	while (got < size) {
		la_ssize_t n = archive_read_data(a, p + got, size - got);

		if (n <= 0) {
			free(p);
			return -EIO;
		}
		got += (size_t)n;
	}
	p[size] = '\0';
	*out = p;
	return 0;
}

static int
put_template(struct image *img, const char *rel, struct archive *a,
        struct archive_entry *e, const struct overlay_vars *v)
{
	char path[IMAGE_PATH_MAX], err[256];
	struct image_data data = {NULL, NULL, 0};
	char *text = NULL, *filled = NULL;
	size_t flen = 0, size;
	int r;

	if (archive_entry_size(e) < 0 || archive_entry_size(e) > OVERLAY_TEMPLATE_MAX)
		return image_fail(img, EFBIG, rel, "template larger than %d bytes",
		        OVERLAY_TEMPLATE_MAX);
	size = (size_t)archive_entry_size(e);
	image_fmt(path, sizeof(path), "%.*s", (int)(strlen(rel) - 3), rel);
	r = read_all(a, size, &text);
	if (r < 0)
		return image_fail(img, r, rel, "cannot read the template");
	r = overlay_fill(text, size, v, &filled, &flen, err, sizeof(err));
	free(text);
	if (r < 0)
		return image_fail(img, r, rel, "%s", err);
	data.buf = filled;
	data.len = flen;
	archive_entry_set_size(e, (la_int64_t)flen);
	archive_entry_sparse_clear(e);
	r = img->ops->put(img, path, e, &data);
	free(filled);
	return r;
}

static void
normalize(struct archive_entry *e)
{
	mode_t perm = archive_entry_perm(e);

	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_xattr_clear(e);
	archive_entry_acl_clear(e);
	archive_entry_set_fflags(e, 0, 0);
	archive_entry_copy_mac_metadata(e, NULL, 0);
	switch (archive_entry_filetype(e)) {
	case AE_IFDIR:
		archive_entry_set_perm(e, 0755);
		break;
	case AE_IFLNK:
		archive_entry_set_perm(e, 0777);
		break;
	default:
		archive_entry_set_perm(e, (perm & 0111) ? 0755 : 0644);
		break;
	}
}

static int
overlay_entry(struct image *img, struct archive *a, struct archive_entry *e,
        const char *rel, const struct overlay_vars *v)
{
	struct image_data data = {a, NULL, 0};
	mode_t type = archive_entry_filetype(e);
	size_t len = strlen(rel);

	if (rel[0] == '\0')
		return 0; /* the overlay's own root says nothing about the image's */
	if (type != AE_IFDIR && type != AE_IFREG && type != AE_IFLNK)
		return image_fail(img, EINVAL, rel,
		        "overlays hold files, directories "
		        "and symlinks only");
	normalize(e);
	if (type == AE_IFDIR && image_exists(img, rel))
		return 0;
	if (type == AE_IFREG && len > 3 && strcmp(rel + len - 3, ".in") == 0)
		return put_template(img, rel, a, e, v);
	if (archive_entry_hardlink(e) != NULL) {
		/* Overlays are small: a second name is just a second copy. */
		return image_fail(img, EINVAL, rel,
		        "hard links are not allowed in "
		        "overlays (make it a copy or a symlink)");
	}
	return img->ops->put(img, rel, e, &data);
}

int
overlay_apply(struct image *img, const char *dir, const struct overlay_vars *v)
{
	struct archive_entry *e;
	struct archive *a;
	size_t plen = strlen(dir);
	int r;

	while (plen > 1 && dir[plen - 1] == '/')
		plen--;
	a = archive_read_disk_new();
	if (a == NULL)
		return image_fail(img, ENOMEM, NULL, "out of memory");
	archive_read_disk_set_symlink_physical(a);
	/* Metadata of the checkout (xattrs, ACLs) is not part of an overlay. */
	archive_read_disk_set_behavior(a, ARCHIVE_READDISK_NO_XATTR |
	                                          ARCHIVE_READDISK_NO_ACL |
	                                          ARCHIVE_READDISK_NO_FFLAGS);
	if (archive_read_disk_open(a, dir) != ARCHIVE_OK) {
		r = image_fail(img, ENOENT, NULL, "overlay %s: %s", dir,
		        archive_error_string(a));
		goto out;
	}
	for (;;) {
		char rel[IMAGE_PATH_MAX];
		const char *name, *why;

		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF) {
			r = 0;
			break;
		}
		if (r < ARCHIVE_WARN) {
			r = image_fail(img, EIO, NULL, "overlay %s: %s", dir,
			        archive_error_string(a));
			break;
		}
		archive_read_disk_descend(a);
		name = archive_entry_pathname(e);
		if (name == NULL || strncmp(name, dir, plen) != 0) {
			r = image_fail(img, EIO, name, "outside the overlay %s", dir);
			break;
		}
		name += plen;
		while (*name == '/')
			name++;
		if (name[0] == '\0') {
			rel[0] = '\0';
		} else if (image_clean_path(name, rel, sizeof(rel), &why) < 0) {
			r = image_fail(img, EINVAL, name, "%s", why);
			break;
		}
		r = overlay_entry(img, a, e, rel, v);
		if (r < 0) {
			char msg[sizeof(img->err)];

			/* Several trees are applied: say which one. */
			memcpy(msg, img->err, sizeof(msg));
			image_fmt(img->err, sizeof(img->err), "%s (in the overlay %s)", msg, dir);
			break;
		}
	}
out:
	archive_read_free(a);
	return r;
}
