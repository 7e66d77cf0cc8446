/*
 * test-build-json.c: the JSON reader of the OCI manifests, with hostile
 * inputs (truncation, bad escapes, depth, trailing data, NUL).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "oci-json.h"
#include "tap.h"

static const struct {
	const char *in;
	int ok;
} cases[] = {
        {"{}", 1},
        {"[]", 1},
        {"\"x\"", 1},
        {"0", 1},
        {"-1.5e+3", 1},
        {"true", 1},
        {"null", 1},
        {" {\"a\" : [1, \"b\", {}] } ", 1},
        {"{\"a\":\"\\u00e9\\ud83d\\ude00\\n\"}", 1},
        {"", 0},
        {"{", 0},
        {"[1,", 0},
        {"[1,]", 0},
        {"{\"a\"}", 0},
        {"{\"a\":}", 0},
        {"{a:1}", 0},
        {"\"abc", 0},
        {"\"\\x\"", 0},
        {"\"\\u12\"", 0},
        {"\"\\ud800\"", 0},
        {"\"\\udc00\"", 0},
        {"\"\\ud800\\u0041\"", 0},
        {"\"\\u0000\"", 0},
        {"\"a\nb\"", 0},
        {"{} {}", 0},
        {"[]]", 0},
        {"@", 0},
        {"\"\\", 0},
        {"{\"a\":1,}", 0},
};

int
main(void)
{
	struct json_node *root = NULL;
	const struct json_node *m;
	char err[256], deep[200];
	size_t i;
	int r;

	tap_plan((int)(sizeof(cases) / sizeof(cases[0])) + 9);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		root = NULL;
		r = json_parse(cases[i].in, strlen(cases[i].in), &root, err, sizeof(err));
		tap_ok((r == 0) == cases[i].ok, "case %zu %s (%s)", i,
		        cases[i].ok ? "accepted" : "refused", r ? err : "ok");
		json_free(root);
	}
	{
		static const char index[] =
		        "{\"schemaVersion\":2,\"manifests\":[{\"digest\":"
		        "\"sha256:ab\",\"platform\":{\"architecture\":\"amd64\"}}]}";

		root = NULL;
		r = json_parse(index, strlen(index), &root, err, sizeof(err));
	}
	tap_is_int(r, 0, "an index parses");
	m = json_at(json_get(root, "manifests"), 0);
	tap_is_str(json_get_str(m, "digest"), "sha256:ab", "member lookup");
	tap_is_str(
	        json_get_str(json_get(m, "platform"), "architecture"), "amd64", "nested");
	tap_ok(json_get_str(root, "schemaVersion") == NULL, "a number is not a string");
	tap_ok(json_at(json_get(root, "manifests"), 1) == NULL, "past the end is NULL");
	json_free(root);
	/* depth: 32 levels fine, 100 refused */
	memset(deep, '[', 32);
	memset(deep + 32, ']', 32);
	root = NULL;
	tap_is_int(json_parse(deep, 64, &root, err, sizeof(err)), 0, "32 levels");
	json_free(root);
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	tap_is_int(json_parse(deep, 200, &root, err, sizeof(err)), -EINVAL,
	        "100 levels refused");
	/* only len bytes are read: a string cut by len is unterminated */
	tap_is_int(json_parse("\"abc\"", 3, &root, err, sizeof(err)), -EINVAL,
	        "bounded by len");
	root = NULL;
	r = json_parse("\"a\\u00e9\"", 9, &root, err, sizeof(err));
	tap_is_str(r == 0 ? json_str(root) : err, "a\xc3\xa9", "\\u decoded to UTF-8");
	json_free(root);
	return tap_done();
}
