/*
 * mtree-line.c: see mtree-line.h.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include "mtree-line.h"

/* Bytes libarchive's mtree_quote() writes as they are: printable ASCII but
 * space, '#', '=', '\\' (and DEL). Everything else is "\ooo". */
static bool
safe(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '#' && c != '=' && c != '\\';
}

void
mtree_quote(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (safe(*p))
			putc(*p, f);
		else
			fprintf(f, "\\%c%c%c", '0' + *p / 64, '0' + *p / 8 % 8,
			        '0' + *p % 8);
	}
}

static void
type_words(FILE *f, const struct mtree_rec *r)
{
	switch (r->mode & S_IFMT) {
	case S_IFLNK:
		fputs(" type=link link=", f);
		mtree_quote(f, r->link != NULL ? r->link : "");
		break;
	case S_IFSOCK:
		fputs(" type=socket", f);
		break;
	case S_IFCHR:
	case S_IFBLK:
		fprintf(f, " type=%s device=native,%lu,%lu",
		        S_ISCHR(r->mode) ? "char" : "block", r->rdev_major,
		        r->rdev_minor);
		break;
	case S_IFDIR:
		fputs(" type=dir", f);
		break;
	case S_IFIFO:
		fputs(" type=fifo", f);
		break;
	default:
		fprintf(f, " type=file size=%" PRId64, r->size);
		break;
	}
}

int
mtree_line_write(FILE *f, const struct mtree_rec *r)
{
	int i;

	if (r->path[0] == '\0') {
		putc('.', f);
	} else {
		fputs("./", f);
		mtree_quote(f, r->path);
	}
	if (!S_ISDIR(r->mode) && r->nlink != 1)
		fprintf(f, " nlink=%u", r->nlink);
	/* The nanoseconds unpadded, as libarchive prints them. */
	fprintf(f, " time=%jd.%ld mode=%o gid=%" PRId64 " uid=%" PRId64,
	        (intmax_t)r->mtime, r->mtime_nsec, (unsigned)(r->mode & 07777), r->gid,
	        r->uid);
	type_words(f, r);
	if (S_ISREG(r->mode) && r->sha256 != NULL) {
		fputs(" sha256digest=", f);
		for (i = 0; i < 32; i++)
			fprintf(f, "%02x", r->sha256[i]);
	}
	putc('\n', f);
	return ferror(f) ? -EIO : 0;
}

/* The child of the common parent that a path goes through is a directory
 * when the path goes on below it, or is that directory itself. */
static bool
child_is_dir(const char *rest, bool is_dir)
{
	return strchr(rest, '/') != NULL || is_dir;
}

int
mtree_order_cmp(const char *a, bool a_dir, const char *b, bool b_dir)
{
	size_t i = 0, comp = 0;
	bool da, db;
	int ca, cb;

	if (a[0] == '\0' || b[0] == '\0')
		return (b[0] == '\0') - (a[0] == '\0');
	while (a[i] != '\0' && a[i] == b[i]) {
		if (a[i] == '/')
			comp = i + 1;
		i++;
	}
	if (a[i] == b[i])
		return 0;
	/* One is an ancestor of the other: the directory comes first. */
	if (a[i] == '\0' && b[i] == '/')
		return -1;
	if (b[i] == '\0' && a[i] == '/')
		return 1;
	da = child_is_dir(a + comp, a_dir);
	db = child_is_dir(b + comp, b_dir);
	if (da != db)
		return da ? 1 : -1;
	/* Names differ at i: the end of a name sorts before any byte. */
	ca = a[i] == '/' ? -1 : a[i] == '\0' ? -1 : (unsigned char)a[i];
	cb = b[i] == '/' ? -1 : b[i] == '\0' ? -1 : (unsigned char)b[i];
	return ca < cb ? -1 : ca > cb;
}
