/*
 * oci-json.h: a small strict JSON reader for the OCI and docker manifests
 * (index.json, image manifests, docker's manifest.json). Untrusted input:
 * every read is bounded by the remaining length, nesting is limited, and
 * the input size is capped. Numbers, true, false and null are accepted and
 * kept as JSON_OTHER, with their text (json_literal()).
 */
#ifndef DISKLESS_OCI_JSON_H
#define DISKLESS_OCI_JSON_H

#include <stddef.h>

#define JSON_MAX_INPUT (4 * 1024 * 1024)
#define JSON_MAX_DEPTH 32

enum json_type {
	JSON_OBJECT,
	JSON_ARRAY,
	JSON_STRING,
	JSON_OTHER,
};

struct json_node;

/* Parses len bytes; *out freed with json_free(). -EINVAL with a reason. */
int json_parse(
        const char *text, size_t len, struct json_node **out, char *err, size_t errlen);
void json_free(struct json_node *root);

enum json_type json_type(const struct json_node *n);
/* The member named key of an object, or NULL. */
const struct json_node *json_get(const struct json_node *obj, const char *key);
/* Array length and element i (NULL past the end or not an array). */
size_t json_len(const struct json_node *arr);
const struct json_node *json_at(const struct json_node *arr, size_t i);
/* A string's value (NUL terminated, no NUL inside), or NULL. */
const char *json_str(const struct json_node *n);
/* A number's, true's, false's or null's text as written, or NULL for other
 * types. Numbers are only loosely checked: parse the text strictly. */
const char *json_literal(const struct json_node *n);
/* Shortcut: json_str(json_get(obj, key)). */
const char *json_get_str(const struct json_node *obj, const char *key);

#endif
