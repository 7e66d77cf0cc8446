/*
 * oci.c: see oci.h.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "extract.h"
#include "image.h"
#include "oci-json.h"
#include "oci.h"

#define MAX_INDEX_DEPTH 4
#define MAX_LAYERS 256

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"

/* ---- sha256 of blobs ----
 *
 * OCI names every blob by its digest (image-spec descriptor.md): a blob
 * whose bytes do not hash to its name is corrupt or was swapped. No hash
 * library is linked, but libarchive's mtree writer computes sha256 over the
 * data of an entry: that is the engine here.
 */
struct sha256 {
	struct archive *w;
	char out[512];
	size_t used;
	int64_t left; /* bytes still expected */
};

static int
sha256_begin(struct sha256 *h, int64_t size)
{
	struct archive_entry *e;

	memset(h, 0, sizeof(*h));
	h->left = size;
	h->w = archive_write_new();
	e = archive_entry_new();
	if (h->w == NULL || e == NULL ||
	        archive_write_set_format_mtree(h->w) != ARCHIVE_OK ||
	        archive_write_set_options(h->w, "!all,sha256") != ARCHIVE_OK ||
	        archive_write_open_memory(h->w, h->out, sizeof(h->out) - 1, &h->used) !=
	                ARCHIVE_OK) {
		archive_entry_free(e);
		return -ENOMEM;
	}
	archive_entry_set_pathname(e, "blob");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, size);
	if (archive_write_header(h->w, e) != ARCHIVE_OK) {
		archive_entry_free(e);
		return -EIO;
	}
	archive_entry_free(e);
	return 0;
}

static void
sha256_update(struct sha256 *h, const void *buf, size_t len)
{
	if (h->w != NULL && len > 0) {
		archive_write_data(h->w, buf, len);
		h->left -= (int64_t)len;
	}
}

/* 0 when the data hashed to hex (64 lower-case digits), else -EBADMSG. */
static int
sha256_end(struct sha256 *h, const char *hex)
{
	const char *p;
	int r = -EBADMSG;

	if (h->w == NULL)
		return -ENOMEM;
	if (archive_write_close(h->w) == ARCHIVE_OK && h->left == 0) {
		h->out[h->used < sizeof(h->out) ? h->used : sizeof(h->out) - 1] = '\0';
		p = strstr(h->out, "sha256digest=");
		if (p != NULL && strncmp(p + 13, hex, 64) == 0)
			r = 0;
	}
	archive_write_free(h->w);
	h->w = NULL;
	return r;
}

static void
sha256_abort(struct sha256 *h)
{
	if (h->w != NULL)
		archive_write_free(h->w);
	h->w = NULL;
}

/* ---- whiteouts ---- */

int
oci_apply_whiteouts(struct image *img, struct archive *layer, const char *what)
{
	struct archive_entry *e;
	char path[IMAGE_PATH_MAX], target[IMAGE_PATH_MAX];
	const char *why, *base, *name;
	size_t dlen;
	int r;

	for (;;) {
		r = archive_read_next_header(layer, &e);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r == ARCHIVE_RETRY)
			continue;
		if (r < ARCHIVE_WARN)
			return image_fail(img, EIO, NULL,
			        "%s: %s (the layer is truncated or "
			        "corrupt)",
			        what, archive_error_string(layer));
		name = archive_entry_pathname(e);
		if (name == NULL)
			return image_fail(
			        img, EINVAL, NULL, "%s: a member without a name", what);
		if (image_clean_path(name, path, sizeof(path), &why) < 0)
			return image_fail(
			        img, EPERM, name, "%s (in %s; refused)", why, what);
		base = strrchr(path, '/');
		base = base != NULL ? base + 1 : path;
		if (strncmp(base, ".wh.", 4) != 0)
			continue;
		dlen = (size_t)(base - path);
		if (strcmp(base, ".wh..wh..opq") == 0) {
			/* The directory itself stays; what was below it goes. */
			snprintf(target, sizeof(target), "%.*s", dlen ? (int)dlen - 1 : 0,
			        path);
			r = img->ops->clear_dir(img, target);
		} else if (strncmp(base, ".wh..wh.", 8) == 0) {
			return image_fail(img, EINVAL, name,
			        "unknown special whiteout (in %s)", what);
		} else {
			char joined[IMAGE_PATH_MAX];

			/* Re-check the name that the whiteout deletes: ".wh.." would
			 * name the parent. */
			snprintf(joined, sizeof(joined), "%.*s%s", (int)dlen, path,
			        base + 4);
			if (base[4] == '\0' ||
			        image_clean_path(joined, target, sizeof(target), &why) <
			                0 ||
			        strcmp(base + 4, ".") == 0)
				return image_fail(img, EPERM, name,
				        "whiteout of '%s' refused "
				        "(in %s)",
				        base + 4, what);
			r = img->ops->remove(img, target);
		}
		if (r < 0)
			return r;
	}
}

/* ---- OCI image layout ---- */

static int
read_small(int dirfd, const char *name, char **out, size_t *len)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd, r = 0;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > JSON_MAX_INPUT) {
		close(fd);
		return -EINVAL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

/* "sha256:<64 hex>" -> "blobs/sha256/<hex>"; the hex is the whole name. */
/* Exactly 64 lower-case hex digits: the encoded part of a sha256 digest
 * (image-spec descriptor.md: [a-f0-9]{64}). */
static bool
is_hex64(const char *hex)
{
	size_t i;

	for (i = 0; hex[i] != '\0'; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') ||
		            (hex[i] >= 'a' && hex[i] <= 'f')))
			return false;
	return i == 64;
}

static int
blob_path(const char *digest, char *out, size_t len)
{
	if (digest == NULL || strncmp(digest, "sha256:", 7) != 0 || !is_hex64(digest + 7))
		return -EINVAL;
	return image_fmt(out, len, "blobs/sha256/%s", digest + 7) < 0 ? -EINVAL : 0;
}

static int
load_json(struct image *img, int dirfd, const char *name, struct json_node **out)
{
	char err[256];
	char *text = NULL;
	size_t len = 0;
	int r;

	r = read_small(dirfd, name, &text, &len);
	if (r < 0)
		return image_fail(img, r, NULL, "OCI layout: cannot read %s: %s", name,
		        strerror(-r));
	if (strncmp(name, "blobs/sha256/", 13) == 0) {
		struct sha256 h;

		r = sha256_begin(&h, (int64_t)len);
		if (r == 0) {
			sha256_update(&h, text, len);
			r = sha256_end(&h, name + 13);
		}
		if (r < 0) {
			free(text);
			return image_fail(img, EBADMSG, NULL,
			        "OCI layout: %s: its sha256 is "
			        "not its digest (corrupt or tampered)",
			        name);
		}
	}
	r = json_parse(text, len, out, err, sizeof(err));
	free(text);
	if (r < 0)
		return image_fail(img, r, NULL, "OCI layout: %s: %s", name, err);
	return 0;
}

static const char *
host_arch(void)
{
	static const struct {
		const char *uname, *oci;
	} map[] = {
	        {"x86_64", "amd64"},
	        {"aarch64", "arm64"},
	        {"i686", "386"},
	        {"armv7l", "arm"},
	        {"ppc64le", "ppc64le"},
	        {"s390x", "s390x"},
	        {"riscv64", "riscv64"},
	};
	static struct utsname u;
	size_t i;

	if (uname(&u) < 0)
		return "";
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(u.machine, map[i].uname) == 0)
			return map[i].oci;
	return u.machine;
}

/* The descriptor to use from an index: the only one, or the one for the
 * build host's architecture. */
static const struct json_node *
pick_manifest(const struct json_node *index)
{
	const struct json_node *ms = json_get(index, "manifests");
	size_t i;

	if (json_len(ms) == 1)
		return json_at(ms, 0);
	for (i = 0; i < json_len(ms); i++) {
		const struct json_node *d = json_at(ms, i);
		const char *arch = json_get_str(json_get(d, "platform"), "architecture");

		if (arch != NULL && strcmp(arch, host_arch()) == 0)
			return d;
	}
	return NULL;
}

/* A layer blob read through libarchive, hashed on the way (first pass). */
struct blob_reader {
	int fd;
	struct sha256 *hash;
	char buf[1 << 16];
};

static la_ssize_t
blob_read(struct archive *a, void *vctx, const void **buf)
{
	struct blob_reader *c = vctx;
	ssize_t n;

	(void)a;
	do
		n = read(c->fd, c->buf, sizeof(c->buf));
	while (n < 0 && errno == EINTR);
	if (n > 0 && c->hash != NULL)
		sha256_update(c->hash, c->buf, (size_t)n);
	*buf = c->buf;
	return n;
}

static int
blob_close(struct archive *a, void *vctx)
{
	struct blob_reader *c = vctx;
	const void *buf;

	/* The tar reader stops at the end-of-archive blocks: hash the rest. */
	while (c->hash != NULL && blob_read(a, c, &buf) > 0)
		;
	return ARCHIVE_OK;
}

static int
open_blob(struct blob_reader *c, struct archive **out)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		return -ENOMEM;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open(a, c, NULL, blob_read, blob_close) != ARCHIVE_OK) {
		archive_read_free(a);
		return -EINVAL;
	}
	*out = a;
	return 0;
}

static int
apply_blob_layer(struct image *img, int dirfd, const char *path, const char *what)
{
	struct blob_reader *c;
	struct archive *a = NULL;
	struct sha256 hash;
	struct stat st;
	int r;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return image_fail(img, ENOMEM, NULL, "out of memory");
	c->fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (c->fd < 0 || fstat(c->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = image_fail(img, errno ? errno : EINVAL, NULL,
		        "%s: cannot open the "
		        "blob %s",
		        what, path);
		goto out;
	}
	r = sha256_begin(&hash, st.st_size);
	if (r < 0) {
		image_fail(img, r, NULL, "%s: sha256", what);
		goto out;
	}
	c->hash = &hash;
	r = open_blob(c, &a);
	if (r == 0) {
		r = oci_apply_whiteouts(img, a, what);
		archive_read_free(a); /* drains and hashes the rest */
	} else {
		image_fail(img, r, NULL, "%s: not an archive", what);
	}
	c->hash = NULL;
	if (r < 0) {
		sha256_abort(&hash);
		goto out;
	}
	/* blobs/sha256/HEX: the name is the digest the bytes must have. */
	if (sha256_end(&hash, strrchr(path, '/') + 1) < 0) {
		r = image_fail(img, EBADMSG, NULL,
		        "%s: the blob's sha256 is not its "
		        "digest (corrupt or tampered; pull or save the image again)",
		        what);
		goto out;
	}
	if (lseek(c->fd, 0, SEEK_SET) != 0) {
		r = image_fail(img, errno, NULL, "%s: cannot rewind", what);
		goto out;
	}
	r = open_blob(c, &a);
	if (r < 0) {
		image_fail(img, r, NULL, "%s: not an archive", what);
		goto out;
	}
	r = extract_archive(img, a, what, EXTRACT_LAYER);
	archive_read_free(a);
out:
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	return r;
}

static int
apply_manifest(struct image *img, int dirfd, const struct json_node *m, const char *dir)
{
	const struct json_node *layers = json_get(m, "layers");
	char path[128], what[PATH_MAX + 64];
	size_t i;
	int r;

	if (json_type(layers) != JSON_ARRAY || json_len(layers) == 0 ||
	        json_len(layers) > MAX_LAYERS)
		return image_fail(img, EINVAL, NULL,
		        "OCI layout %s: the image manifest has "
		        "no layers (or more than %d)",
		        dir, MAX_LAYERS);
	for (i = 0; i < json_len(layers); i++) {
		const char *digest = json_get_str(json_at(layers, i), "digest");

		if (blob_path(digest, path, sizeof(path)) < 0)
			return image_fail(img, EINVAL, NULL,
			        "OCI layout %s: layer %zu has a "
			        "bad digest",
			        dir, i + 1);
		snprintf(what, sizeof(what), "%s layer %zu (%s)", dir, i + 1, path);
		r = apply_blob_layer(img, dirfd, path, what);
		if (r < 0)
			return r;
	}
	return 0;
}

bool
oci_is_layout(const char *dir)
{
	char p[PATH_MAX];
	struct stat st;

	if (snprintf(p, sizeof(p), "%s/oci-layout", dir) >= (int)sizeof(p))
		return false;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int
oci_read_layout(struct image *img, const char *dir)
{
	struct json_node *doc = NULL, *next = NULL;
	const struct json_node *desc;
	char path[128];
	int dirfd, depth, r;

	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return image_fail(
		        img, errno, NULL, "OCI layout %s: %s", dir, strerror(errno));
	r = load_json(img, dirfd, "index.json", &doc);
	for (depth = 0; r == 0; depth++) {
		const char *mt;

		if (json_get(doc, "layers") != NULL) {
			r = apply_manifest(img, dirfd, doc, dir);
			break;
		}
		desc = pick_manifest(doc);
		if (desc == NULL || depth == MAX_INDEX_DEPTH) {
			r = image_fail(img, EINVAL, NULL,
			        "OCI layout %s: no image for %s in "
			        "the index (or nested too deeply)",
			        dir, host_arch());
			break;
		}
		mt = json_get_str(desc, "mediaType");
		if (blob_path(json_get_str(desc, "digest"), path, sizeof(path)) < 0) {
			r = image_fail(img, EINVAL, NULL,
			        "OCI layout %s: a bad digest in the "
			        "index",
			        dir);
			break;
		}
		r = load_json(img, dirfd, path, &next);
		if (r < 0)
			break;
		(void)mt; /* an index or a manifest: told apart by "layers" */
		json_free(doc);
		doc = next;
		next = NULL;
	}
	json_free(doc);
	close(dirfd);
	return r;
}

/* ---- docker save ---- */

struct member_ctx {
	const char *file;
	const char *member;
	struct archive *outer;
	const char *hex; /* the digest the member's name gives, or NULL */
	bool hashing;    /* hash this pass (the first) */
	struct sha256 hash;
};

static la_ssize_t
member_read(struct archive *a, void *vctx, const void **buf)
{
	static char block[1 << 16];
	struct member_ctx *c = vctx;
	la_ssize_t n;

	(void)a;
	n = archive_read_data(c->outer, block, sizeof(block));
	if (n > 0 && c->hashing)
		sha256_update(&c->hash, block, (size_t)n);
	*buf = block;
	return n;
}

static int
member_close(struct archive *a, void *vctx)
{
	struct member_ctx *c = vctx;
	const void *buf;

	(void)a;
	/* The layer's reader stops at its end blocks: hash the rest. */
	while (c->hashing && c->outer != NULL && member_read(a, c, &buf) > 0)
		;
	if (c->outer != NULL)
		archive_read_free(c->outer);
	c->outer = NULL;
	return ARCHIVE_OK;
}

static int
open_outer(const char *file, struct archive **out)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		return -ENOMEM;
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, file, 1 << 16) != ARCHIVE_OK) {
		archive_read_free(a);
		return -EINVAL;
	}
	*out = a;
	return 0;
}

/* Positions a fresh reader of file on member; -ENOENT when absent. */
static int
seek_member(const char *file, const char *member, struct archive **out, int64_t *size)
{
	struct archive_entry *e;
	struct archive *a;
	char clean[IMAGE_PATH_MAX];
	const char *why;
	int r;

	r = open_outer(file, &a);
	if (r < 0)
		return r;
	for (;;) {
		const char *name;

		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF) {
			r = -ENOENT;
			break;
		}
		if (r < ARCHIVE_WARN) {
			r = -EIO;
			break;
		}
		name = archive_entry_pathname(e);
		if (name != NULL &&
		        image_clean_path(name, clean, sizeof(clean), &why) == 0 &&
		        strcmp(clean, member) == 0 &&
		        archive_entry_filetype(e) == AE_IFREG) {
			*out = a;
			*size = archive_entry_size(e);
			return 0;
		}
	}
	archive_read_free(a);
	return r;
}

static int
open_member_layer(void *vctx, struct archive **out)
{
	struct member_ctx *c = vctx;
	struct archive *a;
	int64_t size = 0;
	int r;

	r = seek_member(c->file, c->member, &c->outer, &size);
	if (r < 0)
		return r;
	if (c->hashing && sha256_begin(&c->hash, size) < 0) {
		sha256_abort(&c->hash);
		archive_read_free(c->outer);
		c->outer = NULL;
		return -ENOMEM;
	}
	a = archive_read_new();
	if (a == NULL) {
		archive_read_free(c->outer);
		c->outer = NULL;
		return -ENOMEM;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open(a, c, NULL, member_read, member_close) != ARCHIVE_OK) {
		archive_read_free(a);
		return -EINVAL;
	}
	*out = a;
	return 0;
}

/* Both passes over a layer member: whiteouts (hashing it when its name is
 * a digest), then the entries. */
static int
apply_docker_layer(struct image *img, const char *what, struct member_ctx *c)
{
	struct archive *a = NULL;
	int r;

	c->hashing = c->hex != NULL;
	r = open_member_layer(c, &a);
	if (r < 0) {
		c->hashing = false;
		return image_fail(img, r, NULL, "%s: cannot open the layer", what);
	}
	r = oci_apply_whiteouts(img, a, what);
	archive_read_free(a); /* drains and hashes the rest */
	if (c->hashing) {
		c->hashing = false;
		if (r < 0)
			sha256_abort(&c->hash);
		else if (sha256_end(&c->hash, c->hex) < 0)
			return image_fail(img, EBADMSG, NULL,
			        "%s: the layer's sha256 is not its digest (corrupt or "
			        "tampered; save the image again)",
			        what);
	}
	if (r < 0)
		return r;
	r = open_member_layer(c, &a);
	if (r < 0)
		return image_fail(img, r, NULL, "%s: cannot open the layer", what);
	r = extract_archive(img, a, what, EXTRACT_LAYER);
	archive_read_free(a);
	return r;
}

int
oci_is_docker_archive(const char *path)
{
	struct archive_entry *e;
	struct archive *a;
	bool manifest = false, marker = false;
	int r;

	if (open_outer(path, &a) < 0)
		return 0;
	for (;;) {
		const char *name;

		r = archive_read_next_header(a, &e);
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			break;
		/* A compressed file is a plain base: docker save writes plain tar. */
		if (archive_filter_count(a) > 1)
			break;
		name = archive_entry_pathname(e);
		if (name == NULL)
			continue;
		if (strncmp(name, "./", 2) == 0)
			name += 2;
		if (strcmp(name, "manifest.json") == 0)
			manifest = true;
		else if (strcmp(name, "repositories") == 0 ||
		         strcmp(name, "oci-layout") == 0)
			marker = true;
		else if (strchr(name, '/') == NULL && strcmp(name, "index.json") != 0 &&
		         archive_entry_filetype(e) == AE_IFREG &&
		         strstr(name, ".json") == NULL)
			break; /* a top-level file docker never writes: a rootfs */
		if (manifest && marker)
			break;
	}
	archive_read_free(a);
	return manifest && marker;
}

static int
read_member_text(const char *file, const char *member, char **out, size_t *len)
{
	struct archive *a;
	int64_t size;
	char *buf;
	size_t got = 0;
	int r;

	r = seek_member(file, member, &a, &size);
	if (r < 0)
		return r;
	buf = malloc(JSON_MAX_INPUT + 1);
	if (buf == NULL) {
		archive_read_free(a);
		return -ENOMEM;
	}
	for (;;) {
		la_ssize_t n = archive_read_data(a, buf + got, JSON_MAX_INPUT + 1 - got);

		if (n < 0) {
			r = -EIO;
			break;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > JSON_MAX_INPUT) {
			r = -EFBIG;
			break;
		}
	}
	archive_read_free(a);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

int
oci_read_docker(struct image *img, const char *path)
{
	const struct json_node *layers;
	struct json_node *doc = NULL;
	char err[256], what[PATH_MAX + 64];
	char *text = NULL;
	size_t len = 0, i;
	int r;

	r = read_member_text(path, "manifest.json", &text, &len);
	if (r < 0)
		return image_fail(img, r, NULL,
		        "docker archive %s: cannot read "
		        "manifest.json: %s",
		        path, strerror(-r));
	r = json_parse(text, len, &doc, err, sizeof(err));
	free(text);
	if (r < 0)
		return image_fail(
		        img, r, NULL, "docker archive %s: manifest.json: %s", path, err);
	if (json_len(doc) != 1) {
		json_free(doc);
		return image_fail(img, EINVAL, NULL,
		        "docker archive %s: %zu images in it "
		        "(save exactly one)",
		        path, json_len(doc));
	}
	layers = json_get(json_at(doc, 0), "Layers");
	if (json_len(layers) == 0 || json_len(layers) > MAX_LAYERS) {
		json_free(doc);
		return image_fail(img, EINVAL, NULL,
		        "docker archive %s: no Layers in "
		        "manifest.json",
		        path);
	}
	for (i = 0; i < json_len(layers) && r == 0; i++) {
		const char *name = json_str(json_at(layers, i)), *why;
		char clean[IMAGE_PATH_MAX];
		struct member_ctx c = {path, clean, NULL, NULL, false, {NULL, "", 0, 0}};

		if (name == NULL ||
		        image_clean_path(name, clean, sizeof(clean), &why) < 0) {
			r = image_fail(img, EINVAL, NULL,
			        "docker archive %s: layer %zu has a "
			        "bad name",
			        path, i + 1);
			break;
		}
		snprintf(what, sizeof(what), "%s layer %zu (%s)", path, i + 1, clean);
		/* Docker 25+ saves an OCI layout: blobs/sha256/HEX can be checked. */
		if (strncmp(clean, "blobs/sha256/", 13) == 0 && is_hex64(clean + 13))
			c.hex = clean + 13;
		r = apply_docker_layer(img, what, &c);
	}
	json_free(doc);
	return r;
}
