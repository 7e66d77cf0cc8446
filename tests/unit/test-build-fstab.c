/*
 * test-build-fstab.c: the image's fstab, rendered and read back with
 * libmount; fields that would break the fstab syntax are refused.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fstab.h"
#include "tap.h"

int
main(void)
{
	static const struct {
		struct fstab_spec spec;
		int want;
		const char *line;
	} cases[] = {
	        {{"10.0.0.1", "/srv/diskless/images/lab", "vers=3,proto=tcp,nolock",
	                 true},
	                0,
	                "10.0.0.1:/srv/diskless/images/lab / nfs "
	                "ro,vers=3,proto=tcp,nolock 0 0\n"},
	        {{"10.0.0.1", "/srv/x", "", true}, 0, "10.0.0.1:/srv/x / nfs ro 0 0\n"},
	        {{"10.0.0.1", "/srv/x", NULL, true}, 0, "10.0.0.1:/srv/x / nfs ro 0 0\n"},
	        {{"10.0.0.1", "/srv/x", "vers=4.2", false}, 0, "tmpfs /tmp tmpfs"},
	        {{"10.0.0.1", "/srv/with space", "vers=3", true}, -EINVAL, NULL},
	        {{"10.0.0.1", "relative", "vers=3", true}, -EINVAL, NULL},
	        {{"10.0.0.1", "/srv/x", "vers=3 0 0\nevil / ext4 rw", true}, -EINVAL,
	                NULL},
	        {{"10.0.0.1", "/srv/#x", "vers=3", true}, -EINVAL, NULL},
	        {{"10.0.0.1", "/srv/x", "a\\040b", true}, -EINVAL, NULL},
	        {{"10.0.0.1", "", "vers=3", true}, -EINVAL, NULL},
	};
	char err[512];
	char *text;
	size_t i;
	int r;

	/* two checks per case, one more for the case without a root line */
	tap_plan((int)(sizeof(cases) / sizeof(cases[0])) * 2 + 1 + 2 + 6);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		text = NULL;
		r = fstab_render(&cases[i].spec, &text);
		tap_is_int(r, cases[i].want, "case %zu renders as expected", i);
		if (r == 0) {
			r = fstab_validate(text, &cases[i].spec, err, sizeof(err));
			tap_ok(r == 0 && strstr(text, cases[i].line) != NULL,
			        "case %zu: libmount reads it back (%s)", i,
			        r ? err : "ok");
			if (!cases[i].spec.root_line)
				tap_ok(strstr(text, " / ") == NULL &&
				                strstr(text, ":/srv") == NULL,
				        "case %zu: an overlay root gets no root line", i);
		} else {
			tap_ok(text == NULL, "case %zu: nothing rendered", i);
		}
		free(text);
	}
	/* A Debian systemd root needs these writable (issue 4). */
	{
		static const char *const need[] = {"/tmp", "/var/tmp", "/var/log",
		        "/var/lib/dhcp", "/var/lib/systemd", "/var/spool"};
		char line[128];

		text = NULL;
		fstab_render(&cases[0].spec, &text);
		for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
			snprintf(line, sizeof(line), "\ntmpfs %s tmpfs ", need[i]);
			tap_ok(text != NULL && strstr(text, line) != NULL,
			        "tmpfs on %s", need[i]);
		}
		free(text);
	}
	/* validate() catches a file that says something else */
	r = fstab_validate("10.0.0.1:/srv/x / nfs ro,vers=4.2 0 0\n", &cases[1].spec, err,
	        sizeof(err));
	tap_is_int(r, -EINVAL, "a different root line is caught: %s", err);
	r = fstab_validate("", &cases[1].spec, err, sizeof(err));
	tap_is_int(r, -EINVAL, "an empty fstab is caught: %s", err);
	return tap_done();
}
