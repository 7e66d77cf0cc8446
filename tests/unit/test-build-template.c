/*
 * test-build-template.c: overlay_fill(), the placeholders of the .in files
 * of rootfs-overlays/, with hostile and edge cases.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "overlay.h"
#include "tap.h"

static const struct overlay_vars vars = {
        .server = "10.0.0.1",
        .export_path = "/srv/diskless/images/lab",
        .nfs_options = "vers=3,proto=tcp,nolock",
        .image = "lab",
        .profile = "lab",
        .nameservers = "nameserver 10.0.0.53\n",
};

static const struct {
	const char *in;
	const char *out; /* NULL: refused */
	const char *err;
} cases[] = {
        {"", "", NULL},
        {"plain text\n", "plain text\n", NULL},
        {"@SERVER@:@EXPORT@", "10.0.0.1:/srv/diskless/images/lab", NULL},
        {"o=@NFS_OPTIONS@ i=@IMAGE@ p=@PROFILE@", "o=vers=3,proto=tcp,nolock i=lab p=lab",
                NULL},
        {"@NAMESERVERS@", "nameserver 10.0.0.53\n", NULL},
        {"mail root@localhost", "mail root@localhost", NULL},
        {"@@SERVER@@", "@SERVER@", NULL},
        {"a@@b", "a@b", NULL},
        {"@", "@", NULL},
        {"@@", "@", NULL},
        {"@SERVER", "@SERVER", NULL},
        {"x@SERVER", "x@SERVER", NULL},
        {"@server@", "@server@", NULL},
        {"@@@SERVER@", "@10.0.0.1", NULL},
        {"@ABCDEFGHIJKLMNOPQRSTUVWXYZ_ABCDEFG@", "@ABCDEFGHIJKLMNOPQRSTUVWXYZ_ABCDEFG@",
                NULL},
        {"line1\nline2 @NOPE@\n", NULL, "line 2: unknown placeholder @NOPE@"},
        {"@A@", NULL, "@A@"},
        {"@_@", NULL, "@_@"},
};

int
main(void)
{
	char err[256], *out = NULL, *big;
	size_t len, i;
	int r;

	tap_plan((int)(sizeof(cases) / sizeof(cases[0])) + 3);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		out = NULL;
		r = overlay_fill(cases[i].in, strlen(cases[i].in), &vars, &out, &len, err,
		        sizeof(err));
		if (cases[i].out != NULL)
			tap_is_str(r == 0 ? out : err, cases[i].out, "case %zu", i);
		else
			tap_ok(r == -EINVAL && strstr(err, cases[i].err) != NULL,
			        "case %zu refused: %s", i, err);
		free(out);
	}
	/* no NUL terminator in the input: only len bytes are read */
	r = overlay_fill("@IMAGE@xyz", 7, &vars, &out, &len, err, sizeof(err));
	tap_ok(r == 0 && len == 3 && strcmp(out, "lab") == 0, "reads only len bytes");
	free(out);
	big = calloc(1, OVERLAY_TEMPLATE_MAX + 2);
	if (big != NULL)
		memset(big, '@', OVERLAY_TEMPLATE_MAX + 1);
	r = big ? overlay_fill(big, OVERLAY_TEMPLATE_MAX + 1, &vars, &out, &len, err,
	                  sizeof(err))
	        : -EFBIG;
	tap_is_int(r, -EFBIG, "a template over the limit is refused");
	r = big ? overlay_fill(
	                  big, OVERLAY_TEMPLATE_MAX, &vars, &out, &len, err, sizeof(err))
	        : -1;
	tap_ok(r == 0 && len == OVERLAY_TEMPLATE_MAX / 2,
	        "1 MiB of @ gives half as many");
	if (r == 0)
		free(out);
	free(big);
	return tap_done();
}
