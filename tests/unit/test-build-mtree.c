/*
 * test-build-mtree.c: builder/mtree-line.c writes the manifest line by line
 * (no memory per entry) and must give the bytes libarchive's mtree writer
 * gave, so that manifests stay comparable across versions. The same
 * entries go through both: names with every byte value, nested folders in
 * an order that tells files-before-folders apart, each file type, hard
 * links, nanoseconds, big owners, setuid, data for the digest.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mtree-line.h"
#include "tap.h"

#define MAX_ENTRIES 600

struct ent {
	char path[64];
	mode_t mode;
	int64_t uid, gid;
	time_t mtime;
	long nsec;
	unsigned nlink;
	unsigned long maj, min;
	const char *link;
	char data[32];
};

static struct ent ents[MAX_ENTRIES];
static size_t n_ents;

static struct ent *
add(const char *path, mode_t mode)
{
	struct ent *e = &ents[n_ents++];

	memset(e, 0, sizeof(*e));
	snprintf(e->path, sizeof(e->path), "%s", path);
	e->mode = mode;
	e->mtime = 1700000000;
	e->nlink = 1;
	return e;
}

static void
fill(void)
{
	char name[64];
	struct ent *e;
	int c;

	add("", S_IFDIR | 0755);
	add("bytes", S_IFDIR | 0755);
	/* every byte value but NUL and '/', some as folders */
	for (c = 1; c < 256; c++) {
		if (c == '/')
			continue;
		snprintf(name, sizeof(name), "bytes/%cx", c);
		if (c % 5 == 0) {
			add(name, S_IFDIR | 0700);
			snprintf(name, sizeof(name), "bytes/%cx/f", c);
		}
		e = add(name, S_IFREG | 0644);
		snprintf(e->data, sizeof(e->data), "%d", c);
	}
	add("o", S_IFDIR | 0755);
	add("o/a", S_IFDIR | 0755);
	add("o/a/x", S_IFREG | 0600);
	add("o/a-b", S_IFREG | 0644);
	add("o/a.b", S_IFDIR | 0755);
	add("o/a0", S_IFREG | 04755)->nlink = 3;
	add("o/ab", S_IFDIR | 0755);
	add("o/ab/c", S_IFDIR | 0755);
	add("o/ab/c/d", S_IFREG | 0644)->nlink = 3;
	add("o/ab/c/zz", S_IFDIR | 01777);
	add("o/ab/c0", S_IFREG | 0644)->nlink = 3;
	e = add("o/blk", S_IFBLK | 0660);
	e->maj = 8;
	e->min = 1;
	e = add("o/chr", S_IFCHR | 0620);
	e->maj = 4;
	e->min = 64;
	e->uid = 4000000000LL;
	e->gid = 5;
	add("o/fifo", S_IFIFO | 0644);
	add("o/sock", S_IFSOCK | 0755);
	add("o/l", S_IFLNK | 0777)->link = "../x y#=\\\001\377";
	e = add("o/nsec", S_IFREG | 0444);
	e->nsec = 5;
	e->mtime = 1600000000;
	snprintf(e->data, sizeof(e->data), "hello");
	e = add("o/nsec9", S_IFREG | 0444);
	e->nsec = 999999999;
	add("zz", S_IFREG | 0644);
}

static void
to_entry(const struct ent *s, struct archive_entry *e, char *full, size_t len)
{
	if (s->path[0] == '\0')
		snprintf(full, len, ".");
	else
		snprintf(full, len, "./%s", s->path);
	archive_entry_clear(e);
	archive_entry_set_pathname(e, full);
	archive_entry_set_mode(e, s->mode);
	archive_entry_set_uid(e, s->uid);
	archive_entry_set_gid(e, s->gid);
	archive_entry_set_mtime(e, s->mtime, s->nsec);
	archive_entry_set_nlink(e, s->nlink);
	archive_entry_set_size(e, S_ISREG(s->mode) ? (la_int64_t)strlen(s->data) : 0);
	if (S_ISCHR(s->mode) || S_ISBLK(s->mode)) {
		archive_entry_set_rdevmajor(e, s->maj);
		archive_entry_set_rdevminor(e, s->min);
	}
	if (s->link != NULL)
		archive_entry_set_symlink(e, s->link);
}

/* What libarchive writes for ents (given in path order, as the builder
 * gave them). */
static char *
by_libarchive(size_t *len)
{
	static char out[1 << 20];
	struct archive_entry *e = archive_entry_new();
	struct archive *w = archive_write_new();
	char full[80];
	size_t used = 0, i;

	archive_write_set_format_mtree(w);
	archive_write_set_options(
	        w, "!all,type,mode,uid,gid,size,sha256,link,device,nlink,time");
	archive_write_set_bytes_in_last_block(w, 1);
	archive_write_open_memory(w, out, sizeof(out), &used);
	for (i = 0; i < n_ents; i++) {
		to_entry(&ents[i], e, full, sizeof(full));
		archive_write_header(w, e);
		if (ents[i].data[0] != '\0')
			archive_write_data(w, ents[i].data, strlen(ents[i].data));
	}
	archive_write_close(w);
	archive_write_free(w);
	archive_entry_free(e);
	*len = used;
	return out;
}

static int
cmp_ents(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	return mtree_order_cmp(x->path, S_ISDIR(x->mode), y->path, S_ISDIR(y->mode));
}

static char *
by_us(size_t *len)
{
	unsigned char digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx c;
	struct mtree_rec m;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	size_t i;

	qsort(ents, n_ents, sizeof(ents[0]), cmp_ents);
	fputs(MTREE_HEADER, f);
	for (i = 0; i < n_ents; i++) {
		const struct ent *s = &ents[i];

		memset(&m, 0, sizeof(m));
		m.path = s->path;
		m.mode = s->mode;
		m.uid = s->uid;
		m.gid = s->gid;
		m.size = S_ISREG(s->mode) ? (int64_t)strlen(s->data) : 0;
		m.mtime = s->mtime;
		m.mtime_nsec = s->nsec;
		m.rdev_major = s->maj;
		m.rdev_minor = s->min;
		m.nlink = s->nlink;
		m.link = s->link;
		if (S_ISREG(s->mode)) {
			sha256_init(&c);
			sha256_update(&c, strlen(s->data), (const uint8_t *)s->data);
			sha256_digest(&c, sizeof(digest), digest);
			m.sha256 = digest;
		}
		mtree_line_write(f, &m);
	}
	fclose(f);
	return buf;
}

int
main(void)
{
	size_t la_len, our_len, i;
	char *la, *ours;

	tap_plan(8);
	fill();
	la = by_libarchive(&la_len);
	ours = by_us(&our_len);
	tap_ok(la_len > 10000, "libarchive wrote %zu bytes for %zu entries", la_len, n_ents);
	if (!tap_is_mem(ours, our_len, la, la_len, "the same bytes as libarchive's writer")) {
		for (i = 0; i < la_len && i < our_len && la[i] == ours[i]; i++)
			;
		tap_diag("first difference at byte %zu: ours '%.80s' libarchive '%.80s'",
		        i, ours + i, la + i);
	}
	free(ours);
	tap_ok(mtree_order_cmp("", true, "a", false) < 0, "the root comes first");
	tap_ok(mtree_order_cmp("a", true, "a/b", false) < 0, "a folder before its contents");
	tap_ok(mtree_order_cmp("a/z", false, "a/b", true) < 0,
	        "files of a folder before its subfolders");
	tap_ok(mtree_order_cmp("b", false, "a/x", false) < 0,
	        "a file before what is under a sibling folder");
	tap_ok(mtree_order_cmp("ab", true, "a.b", true) > 0 &&
	                mtree_order_cmp("a", false, "a-b", false) < 0,
	        "names in byte order, a prefix first");
	tap_ok(mtree_order_cmp("x/\377", false, "x/\001", false) > 0,
	        "bytes compare unsigned");
	return tap_done();
}
