/*
 * strutil.c: see strutil.h.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"

int
str_to_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	const char *p;

	if (*s == '\0')
		return -EINVAL;
	for (p = s; *p != '\0'; p++) {
		unsigned d;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		d = (unsigned)(*p - '0');
		if (v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (v < min)
		return -ERANGE;
	*out = v;
	return 0;
}

size_t
str_distance(const char *a, const char *b, size_t cap)
{
	size_t row[65];
	size_t la = strlen(a), lb = strlen(b);
	size_t i, j;

	if (la > 64 || lb > 64)
		return cap;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0], best;

		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t v = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best >= cap)
			return cap;
	}
	return row[lb] < cap ? row[lb] : cap;
}

const char *
str_nearest(const char *word, const char *const *candidates)
{
	/* A typo is a third of the word at most, and never more than 3 edits:
	 * "adress" -> "address", but "foo" suggests nothing. */
	size_t len = strlen(word);
	size_t cap = len / 3 + 1;
	const char *best = NULL;
	size_t best_d;

	if (cap > 3)
		cap = 3;
	best_d = cap + 1;
	for (; *candidates != NULL; candidates++) {
		size_t d = str_distance(word, *candidates, cap + 1);

		if (d < best_d) {
			best_d = d;
			best = *candidates;
		}
	}
	return best_d <= cap ? best : NULL;
}

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int
str_check_hostname(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-')
			return -EINVAL;
	return 0;
}

int
str_check_domain(const char *s)
{
	char label[64];
	size_t n = strlen(s);
	const char *p = s;

	if (n == 0 || n > 253)
		return -EINVAL;
	while (*p != '\0') {
		size_t l = strcspn(p, ".");

		if (l == 0 || l >= sizeof(label))
			return -EINVAL;
		memcpy(label, p, l);
		label[l] = '\0';
		if (str_check_hostname(label) < 0)
			return -EINVAL;
		p += l;
		if (*p == '.' && *++p == '\0')
			return -EINVAL; /* no trailing dot: it goes into option 15 */
	}
	return 0;
}

int
str_check_ifname(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == '/' || c == ':' || c >= 0x7f)
			return -EINVAL;
	}
	return 0;
}

int
str_check_abspath(const char *s)
{
	const char *p;

	if (s[0] != '/' || strlen(s) > 4095)
		return -EINVAL;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return -EINVAL;
	if (strstr(s, "//") != NULL || strstr(s, "/./") != NULL ||
		strstr(s, "/../") != NULL)
		return -EINVAL;
	p = strrchr(s, '/');
	if (strcmp(p, "/.") == 0 || strcmp(p, "/..") == 0)
		return -EINVAL;
	return 0;
}

char *
str_join_path(const char *dir, const char *name)
{
	size_t ld = strlen(dir), ln = strlen(name);
	char *p = malloc(ld + ln + 2);

	if (p == NULL)
		return NULL;
	memcpy(p, dir, ld);
	p[ld] = '/';
	memcpy(p + ld + 1, name, ln + 1);
	return p;
}
