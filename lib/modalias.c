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

int
modalias_parse_load(const char *line, size_t len, struct modalias_line *out)
{
	char *s;
	int r;

	if ((r = load_line(line, len, out, &s)) <= 0)
		return r;
	if ((r = split_paths(s, out)) < 0)
		return r;
	return out->n_path == 1 ? 1 : -EINVAL;
}

bool
modalias_match(const struct modalias_line *l, const char *modalias)
{
	return l->pattern != NULL && fnmatch(l->pattern, modalias, 0) == 0;
}
