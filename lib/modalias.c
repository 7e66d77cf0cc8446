/*
 * modalias.c: see modalias.h.
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include "modalias.h"

int
modalias_next_line(const char *buf, size_t len, size_t *off, bool at_eof,
	const char **line, size_t *linelen)
{
	const char *start, *nl;
	size_t rem;

	if (*off >= len)
		return 0;
	start = buf + *off;
	rem = len - *off;
	nl = memchr(start, '\n', rem);
	if (nl == NULL) {
		if (!at_eof) {
			/* partial: let the caller refill unless it can never fit */
			if (rem > MODALIAS_LINE_MAX) {
				*off = len;
				return -E2BIG;
			}
			return 0;
		}
		nl = buf + len;
	}
	*line = start;
	*linelen = (size_t)(nl - start);
	*off += *linelen + (nl < buf + len ? 1 : 0);
	if (*linelen > MODALIAS_LINE_MAX)
		return -E2BIG;
	return 1;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Copies the line and trims blanks at both ends; 0 if nothing is left or
 * it is a comment, 1 otherwise. */
static int
load_line(const char *line, size_t len, struct modalias_line *out, char **p)
{
	char *s, *e;

	memset(out, 0, sizeof(*out));
	if (len > MODALIAS_LINE_MAX)
		return -E2BIG;
	if (memchr(line, '\0', len) != NULL)
		return -EINVAL;
	memcpy(out->buf, line, len);
	out->buf[len] = '\0';
	s = out->buf;
	while (is_blank(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_blank(e[-1]))
		*--e = '\0';
	if (*s == '\0' || *s == '#')
		return 0;
	*p = s;
	return 1;
}

/* Splits s on blanks into absolute paths. */
static int
split_paths(char *s, struct modalias_line *out)
{
	while (*s != '\0') {
		while (is_blank(*s))
			*s++ = '\0';
		if (*s == '\0')
			break;
		if (*s != '/')
			return -EINVAL;
		if (out->n_path == MODALIAS_PATHS_MAX)
			return -E2BIG;
		out->path[out->n_path++] = s;
		while (*s != '\0' && !is_blank(*s))
			s++;
	}
	return out->n_path > 0 ? 1 : -EINVAL;
}

int
modalias_parse_alias(const char *line, size_t len, struct modalias_line *out)
{
	char *s, *tab;
	int r;

	if ((r = load_line(line, len, out, &s)) <= 0)
		return r;
	tab = strchr(s, '\t');
	if (tab == NULL || tab == s)
		return -EINVAL;
	*tab = '\0';
	/* patterns never contain blanks (kernel file2alias output) */
	if (strchr(s, ' ') != NULL)
		return -EINVAL;
	out->pattern = s;
	return split_paths(tab + 1, out);
}

static const char *const feature_names[] = { "nfs", "nfs3", "nfs4", "overlay" };

const char *
modalias_feature_name(unsigned feature)
{
	size_t i;

	for (i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++) {
		if (feature == 1u << i)
			return feature_names[i];
	}
	return NULL;
}

/* One FEATURES word of n bytes: its bit, MODALIAS_FEAT_OTHER when it is
 * well formed but unknown (a newer builder), 0 when malformed. */
static unsigned
feature_bit(const char *w, size_t n)
{
	size_t i;

	if (n == 0 || n > 32)
		return 0;
	for (i = 0; i < n; i++) {
		if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9') || w[i] == '_'))
			return 0;
	}
	for (i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++) {
		if (strlen(feature_names[i]) == n && memcmp(feature_names[i], w, n) == 0)
			return 1u << i;
	}
	return MODALIAS_FEAT_OTHER;
}

static int
parse_features(const char *s, unsigned *out)
{
	size_t n;
	unsigned bit;

	*out = 0;
	for (;;) {
		n = strcspn(s, ",");
		if ((bit = feature_bit(s, n)) == 0)
			return -EINVAL;
		*out |= bit;
		if (s[n] == '\0')
			return 0;
		s += n + 1;
	}
}

int
modalias_parse_load(const char *line, size_t len, struct modalias_line *out)
{
	char *s, *tab;
	int r;

	if ((r = load_line(line, len, out, &s)) <= 0)
		return r;
	tab = strchr(s, '\t');
	if (tab != NULL && *s != '/') {
		*tab = '\0';
		if (parse_features(s, &out->features) < 0)
			return -EINVAL;
		s = tab + 1;
	}
	if ((r = split_paths(s, out)) < 0)
		return r;
	return out->n_path == 1 ? 1 : -EINVAL;
}

bool
modalias_match(const struct modalias_line *l, const char *modalias)
{
	return l->pattern != NULL && fnmatch(l->pattern, modalias, 0) == 0;
}
