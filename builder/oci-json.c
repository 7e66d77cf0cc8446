/*
 * oci-json.c: see oci-json.h. RFC 8259 grammar, recursive descent with a
 * cursor and a remaining length; strings are decoded (escapes, \u with
 * surrogate pairs) into UTF-8, and a string holding U+0000 is refused so
 * that every value is a C string.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci-json.h"

struct json_node {
	enum json_type type;
	char *key; /* member name when inside an object */
	char *str; /* JSON_STRING; JSON_OTHER: the literal's text */
	struct json_node **kids;
	size_t n_kids;
};

struct parser {
	const char *p;
	size_t rem;
	char *err;
	size_t errlen;
	size_t off0;
	const char *start;
};

static int
fail(struct parser *ps, const char *why)
{
	snprintf(ps->err, ps->errlen, "JSON offset %zu: %s", (size_t)(ps->p - ps->start),
	        why);
	return -EINVAL;
}

static void
skip_ws(struct parser *ps)
{
	while (ps->rem > 0 &&
	        (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) {
		ps->p++;
		ps->rem--;
	}
}

void
json_free(struct json_node *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n_kids; i++)
		json_free(n->kids[i]);
	free(n->kids);
	free(n->key);
	free(n->str);
	free(n);
}

static int
hex4(struct parser *ps, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (ps->rem < 4)
		return fail(ps, "short \\u escape");
	for (i = 0; i < 4; i++) {
		char c = ps->p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return fail(ps, "bad \\u escape");
	}
	ps->p += 4;
	ps->rem -= 4;
	*out = v;
	return 0;
}

static size_t
put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int
escape(struct parser *ps, char *o, size_t *n)
{
	unsigned cp, lo;
	char c;

	if (ps->rem < 1)
		return fail(ps, "unterminated escape");
	c = *ps->p++;
	ps->rem--;
	switch (c) {
	case '"':
	case '\\':
	case '/':
		o[(*n)++] = c;
		return 0;
	case 'b':
		o[(*n)++] = '\b';
		return 0;
	case 'f':
		o[(*n)++] = '\f';
		return 0;
	case 'n':
		o[(*n)++] = '\n';
		return 0;
	case 'r':
		o[(*n)++] = '\r';
		return 0;
	case 't':
		o[(*n)++] = '\t';
		return 0;
	case 'u':
		break;
	default:
		return fail(ps, "bad escape");
	}
	if (hex4(ps, &cp) < 0)
		return -EINVAL;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(ps, "lone low surrogate");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (ps->rem < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
			return fail(ps, "lone high surrogate");
		ps->p += 2;
		ps->rem -= 2;
		if (hex4(ps, &lo) < 0)
			return -EINVAL;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(ps, "bad surrogate pair");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0)
		return fail(ps, "\\u0000 in a string");
	*n += put_utf8(o + *n, cp);
	return 0;
}

/* Decodes a string at the cursor (on the opening quote). */
static int
string(struct parser *ps, char **out)
{
	size_t n = 0, i;
	char *o;

	ps->p++;
	ps->rem--;
	/* Decoded text is never longer than the encoded text. */
	for (i = 0; i < ps->rem && ps->p[i] != '"'; i++)
		if (ps->p[i] == '\\')
			i++;
	if (i >= ps->rem)
		return fail(ps, "unterminated string");
	o = malloc(i + 1);
	if (o == NULL)
		return -ENOMEM;
	while (ps->rem > 0 && *ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p;

		if (c < 0x20) {
			free(o);
			return fail(ps, "control character in a string");
		}
		ps->p++;
		ps->rem--;
		if (c == '\\') {
			if (escape(ps, o, &n) < 0) {
				free(o);
				return -EINVAL;
			}
		} else {
			o[n++] = (char)c;
		}
	}
	if (ps->rem == 0) {
		free(o);
		return fail(ps, "unterminated string");
	}
	ps->p++;
	ps->rem--;
	o[n] = '\0';
	*out = o;
	return 0;
}

static int value(struct parser *ps, int depth, struct json_node **out);

static int
add_kid(struct json_node *n, struct json_node *kid)
{
	struct json_node **nv;

	nv = realloc(n->kids, (n->n_kids + 1) * sizeof(*nv));
	if (nv == NULL)
		return -ENOMEM;
	n->kids = nv;
	n->kids[n->n_kids++] = kid;
	return 0;
}

static int
container(struct parser *ps, int depth, struct json_node *n)
{
	char close = n->type == JSON_OBJECT ? '}' : ']';
	bool first = true;
	int r;

	ps->p++;
	ps->rem--;
	for (;;) {
		struct json_node *kid = NULL;
		char *key = NULL;

		skip_ws(ps);
		if (ps->rem == 0)
			return fail(ps, "unterminated object or array");
		if (*ps->p == close && first) {
			ps->p++;
			ps->rem--;
			return 0;
		}
		if (n->type == JSON_OBJECT) {
			if (*ps->p != '"')
				return fail(ps, "expected a member name");
			r = string(ps, &key);
			if (r < 0)
				return r;
			skip_ws(ps);
			if (ps->rem == 0 || *ps->p != ':') {
				free(key);
				return fail(ps, "expected ':'");
			}
			ps->p++;
			ps->rem--;
		}
		r = value(ps, depth + 1, &kid);
		if (r == 0) {
			kid->key = key;
			key = NULL;
			r = add_kid(n, kid);
		}
		if (r < 0) {
			free(key);
			json_free(kid);
			return r;
		}
		first = false;
		skip_ws(ps);
		if (ps->rem == 0)
			return fail(ps, "unterminated object or array");
		if (*ps->p == ',') {
			ps->p++;
			ps->rem--;
			continue;
		}
		if (*ps->p == close) {
			ps->p++;
			ps->rem--;
			return 0;
		}
		return fail(ps, "expected ',' or the end of the object or array");
	}
}

/* Keeps the literal's text for json_literal(). */
static int
keep_literal(struct parser *ps, size_t n, char **out)
{
	*out = strndup(ps->p, n);
	if (*out == NULL)
		return -ENOMEM;
	ps->p += n;
	ps->rem -= n;
	return 0;
}

static int
literal(struct parser *ps, char **out)
{
	static const char *const words[] = {"true", "false", "null"};
	size_t i, n = 0;

	for (i = 0; i < 3; i++) {
		size_t l = strlen(words[i]);

		if (ps->rem >= l && memcmp(ps->p, words[i], l) == 0)
			return keep_literal(ps, l, out);
	}
	/* Number: -?digits[.digits][(e|E)[+-]digits], checked loosely but
	 * bounded; whoever reads its value checks its form. */
	while (n < ps->rem && (strchr("0123456789+-.eE", ps->p[n]) != NULL) && ps->p[n])
		n++;
	if (n == 0)
		return fail(ps, "unexpected character");
	return keep_literal(ps, n, out);
}

static int
value(struct parser *ps, int depth, struct json_node **out)
{
	struct json_node *n;
	int r;

	if (depth > JSON_MAX_DEPTH)
		return fail(ps, "nested too deeply");
	skip_ws(ps);
	if (ps->rem == 0)
		return fail(ps, "expected a value");
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return -ENOMEM;
	switch (*ps->p) {
	case '{':
		n->type = JSON_OBJECT;
		r = container(ps, depth, n);
		break;
	case '[':
		n->type = JSON_ARRAY;
		r = container(ps, depth, n);
		break;
	case '"':
		n->type = JSON_STRING;
		r = string(ps, &n->str);
		break;
	default:
		n->type = JSON_OTHER;
		r = literal(ps, &n->str);
		break;
	}
	if (r < 0) {
		json_free(n);
		return r;
	}
	*out = n;
	return 0;
}

int
json_parse(const char *text, size_t len, struct json_node **out, char *err, size_t errlen)
{
	struct parser ps = {text, len, err, errlen, 0, text};
	struct json_node *root = NULL;
	int r;

	if (len > JSON_MAX_INPUT) {
		snprintf(err, errlen, "JSON larger than %d bytes", JSON_MAX_INPUT);
		return -EFBIG;
	}
	r = value(&ps, 0, &root);
	if (r == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (r < 0)
		return r;
	skip_ws(&ps);
	if (ps.rem != 0) {
		json_free(root);
		return fail(&ps, "trailing data after the value");
	}
	*out = root;
	return 0;
}

enum json_type
json_type(const struct json_node *n)
{
	return n->type;
}

const struct json_node *
json_get(const struct json_node *obj, const char *key)
{
	size_t i;

	if (obj == NULL || obj->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < obj->n_kids; i++)
		if (strcmp(obj->kids[i]->key, key) == 0)
			return obj->kids[i];
	return NULL;
}

size_t
json_len(const struct json_node *arr)
{
	return arr != NULL && arr->type == JSON_ARRAY ? arr->n_kids : 0;
}

const struct json_node *
json_at(const struct json_node *arr, size_t i)
{
	return i < json_len(arr) ? arr->kids[i] : NULL;
}

const char *
json_str(const struct json_node *n)
{
	return n != NULL && n->type == JSON_STRING ? n->str : NULL;
}

const char *
json_literal(const struct json_node *n)
{
	return n != NULL && n->type == JSON_OTHER ? n->str : NULL;
}

const char *
json_get_str(const struct json_node *obj, const char *key)
{
	return json_str(json_get(obj, key));
}
