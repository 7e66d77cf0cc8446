/*
 * test-build-path.c: image_clean_path() on member names, hostile ones
 * first, and manifest_path_cmp()'s order (a directory before its contents).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "image.h"
#include "manifest.h"
#include "tap.h"

static const struct {
	const char *in;
	const char *out; /* NULL: refused */
	const char *why; /* part of the reason when refused */
} cases[] = {
        {"etc/passwd", "etc/passwd", NULL},
        {"./etc/passwd", "etc/passwd", NULL},
        {"./", "", NULL},
        {".", "", NULL},
        {"etc//x///", "etc/x", NULL},
        {"./././a/./b", "a/b", NULL},
        {"a/..b/c", "a/..b/c", NULL},
        {"a/b..", "a/b..", NULL},
        {"...", "...", NULL},
        {"\xff\xfe/caf\xe9", "\xff\xfe/caf\xe9", NULL},
        {"", NULL, "empty"},
        {"/etc/passwd", NULL, "absolute"},
        {"//etc", NULL, "absolute"},
        {"..", NULL, ".."},
        {"../x", NULL, ".."},
        {"a/../../x", NULL, ".."},
        {"a/..", NULL, ".."},
        {"./..", NULL, ".."},
        {"a/b/../..", NULL, ".."},
};

int
main(void)
{
	char out[IMAGE_PATH_MAX], big[IMAGE_PATH_MAX + 16], comp[300];
	const char *why;
	size_t i;
	int r;

	tap_plan((int)(sizeof(cases) / sizeof(cases[0])) * 2 + 10);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why = "";
		r = image_clean_path(cases[i].in, out, sizeof(out), &why);
		if (cases[i].out != NULL) {
			tap_is_int(r, 0, "'%s' accepted", cases[i].in);
			tap_is_str(r == 0 ? out : "", cases[i].out, "'%s' cleaned",
			        cases[i].in);
		} else {
			tap_is_int(r, -EINVAL, "'%s' refused", cases[i].in);
			tap_ok(strstr(why, cases[i].why) != NULL, "'%s': reason '%s'",
			        cases[i].in, why);
		}
	}
	/* a component of NAME_MAX is fine, one more byte is not */
	memset(comp, 'n', 255);
	comp[255] = '\0';
	tap_is_int(image_clean_path(comp, out, sizeof(out), &why), 0, "255-byte name");
	comp[255] = 'n';
	comp[256] = '\0';
	tap_is_int(
	        image_clean_path(comp, out, sizeof(out), &why), -EINVAL, "256-byte name");
	/* a path of PATH_MAX or more is refused, without overflowing out */
	for (i = 0; i + 2 < sizeof(big); i += 2)
		memcpy(big + i, "d/", 2);
	big[i] = '\0';
	tap_is_int(image_clean_path(big, out, sizeof(out), &why), -EINVAL,
	        "huge path refused");
	tap_ok(strstr(why, "PATH_MAX") != NULL, "huge path: reason '%s'", why);
	tap_is_int(image_clean_path("abcdef", out, 4, &why), -EINVAL,
	        "short buffer refused");
	tap_is_int(
	        image_clean_path(NULL, out, sizeof(out), &why), -EINVAL, "NULL refused");

	tap_ok(manifest_path_cmp("usr/bin", "usr/bin/x") < 0, "parent before child");
	tap_ok(manifest_path_cmp("usr/bin/x", "usr/bin-x") < 0,
	        "dir contents before a sibling");
	tap_ok(manifest_path_cmp("", "a") < 0, "the root first");
	tap_is_int(manifest_path_cmp("a/b", "a/b"), 0, "equal");
	return tap_done();
}
