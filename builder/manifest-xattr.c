/*
 * manifest-xattr.c: see manifest-xattr.h.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "manifest-xattr.h"
#include "mtree-line.h"

#define XATTR_LIST_MAX_ (64 * 1024)

static bool
skipped(const char *name)
{
	return strncmp(name, "system.posix_acl_", 17) == 0;
}

static void
line(FILE *f, const char *path, const char *name, const void *value, size_t len)
{
	unsigned char d[SHA256_DIGEST_SIZE];
	struct sha256_ctx c;
	size_t i;

	sha256_init(&c);
	sha256_update(&c, len, value);
	sha256_digest(&c, sizeof(d), d);
	fputs("#xattr ./", f);
	mtree_quote(f, path);
	putc(' ', f);
	mtree_quote(f, name);
	putc(' ', f);
	for (i = 0; i < sizeof(d); i++)
		fprintf(f, "%02x", d[i]);
	putc('\n', f);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts the NUL-separated names of list in place into names[]. */
static size_t
split_names(char *list, size_t len, char **names, size_t max)
{
	size_t n = 0, i = 0;

	while (i < len && n < max) {
		names[n++] = list + i;
		i += strlen(list + i) + 1;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	return n;
}

int
manifest_xattr_tree(FILE *f, int dirfd, const char *name, const char *path)
{
	static char list[XATTR_LIST_MAX_], value[XATTR_LIST_MAX_];
	char *names[1024], at[64 + 4096];
	ssize_t len, vlen;
	size_t n, i;

	/* No *xattrat() in glibc 2.36: the directory's descriptor by name. */
	if (snprintf(at, sizeof(at), "/proc/self/fd/%d/%s", dirfd, name) >=
	        (int)sizeof(at))
		return -ENAMETOOLONG;
	len = llistxattr(at, list, sizeof(list));
	if (len < 0)
		return errno == ENOTSUP ? 0 : -errno;
	n = split_names(list, (size_t)len, names, sizeof(names) / sizeof(names[0]));
	for (i = 0; i < n; i++) {
		if (skipped(names[i]))
			continue;
		vlen = lgetxattr(at, names[i], value, sizeof(value));
		if (vlen < 0)
			return -errno;
		line(f, path, names[i], value, (size_t)vlen);
	}
	return ferror(f) ? -EIO : 0;
}

int
manifest_xattr_entry(FILE *f, struct archive_entry *e, const char *path)
{
	const char *names[1024], *name;
	const void *value;
	size_t n = 0, i, len;

	archive_entry_xattr_reset(e);
	while (n < sizeof(names) / sizeof(names[0]) &&
	        archive_entry_xattr_next(e, &name, &value, &len) == ARCHIVE_OK)
		names[n++] = name;
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		/* A pax archive may carry an attribute twice (SCHILY.xattr and
		 * LIBARCHIVE.xattr records): the disk has it once. */
		if (skipped(names[i]) || (i > 0 && strcmp(names[i], names[i - 1]) == 0))
			continue;
		/* The value of names[i]: the list has no lookup by name. */
		archive_entry_xattr_reset(e);
		while (archive_entry_xattr_next(e, &name, &value, &len) == ARCHIVE_OK)
			if (name == names[i])
				break;
		line(f, path, names[i], value, len);
	}
	return ferror(f) ? -EIO : 0;
}

void
manifest_xattrs_free(struct manifest_xattrs *x)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		free(x->v[i].key);
	free(x->v);
	memset(x, 0, sizeof(*x));
}

static int
cmp_keys(const void *a, const void *b)
{
	return strcmp(((const struct manifest_xattr *)a)->key,
	        ((const struct manifest_xattr *)b)->key);
}

/* "#xattr ./PATH NAME HASH": key "PATH NAME", hash HASH. */
static int
add_line(struct manifest_xattrs *x, const char *l)
{
	const char *sp = strrchr(l, ' ');

	if (strncmp(l, "#xattr ./", 9) != 0 || sp == NULL || strlen(sp + 1) != 64)
		return 0;
	if (x->n == x->cap) {
		size_t ncap = x->cap ? x->cap * 2 : 16;
		struct manifest_xattr *nv = realloc(x->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return -ENOMEM;
		x->v = nv;
		x->cap = ncap;
	}
	x->v[x->n].key = strndup(l + 9, (size_t)(sp - (l + 9)));
	if (x->v[x->n].key == NULL)
		return -ENOMEM;
	memcpy(x->v[x->n].hash, sp + 1, 65);
	x->n++;
	return 0;
}

int
manifest_xattr_read(int fd, struct manifest_xattrs *out)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int d, r = 0;

	memset(out, 0, sizeof(*out));
	d = dup(fd);
	if (d < 0)
		return -errno;
	f = fdopen(d, "r");
	if (f == NULL) {
		close(d);
		return -ENOMEM;
	}
	while (r == 0 && (n = getline(&buf, &cap, f)) > 0) {
		if (buf[n - 1] == '\n')
			buf[n - 1] = '\0';
		if (buf[0] == '#')
			r = add_line(out, buf);
	}
	free(buf);
	fclose(f);
	if (r < 0)
		manifest_xattrs_free(out);
	else if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_keys);
	return r;
}

static void
say(const struct manifest_xattr *x, const char *how,
        void (*report)(enum manifest_diff, const char *, const char *, void *),
        void *ctx)
{
	char path[4096 * 4 + 8], what[600];
	const char *sp = strrchr(x->key, ' ');

	snprintf(path, sizeof(path), "%.*s", (int)(sp - x->key), x->key);
	snprintf(what, sizeof(what), "xattr %.500s%s", sp + 1, how);
	report(MANIFEST_CHANGED, path, what, ctx);
}

size_t
manifest_xattr_compare(const struct manifest_xattrs *want,
        const struct manifest_xattrs *have,
        void (*report)(
                enum manifest_diff kind, const char *path, const char *what, void *ctx),
        void *ctx)
{
	size_t i = 0, j = 0, count = 0;
	int c;

	while (i < want->n || j < have->n) {
		if (i == want->n)
			c = 1;
		else if (j == have->n)
			c = -1;
		else
			c = strcmp(want->v[i].key, have->v[j].key);
		if (c < 0)
			say(&want->v[i++], " removed", report, ctx);
		else if (c > 0)
			say(&have->v[j++], " added", report, ctx);
		else if (strcmp(want->v[i++].hash, have->v[j++].hash) != 0)
			say(&want->v[i - 1], "", report, ctx);
		else
			continue;
		count++;
	}
	return count;
}
