/*
 * fuzz-build-template.c: the placeholders of rootfs-overlays' .in files
 * (overlay_fill in builder/overlay.c).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "overlay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct overlay_vars v = {
	        "10.0.0.1", "/srv/x", "vers=3", "lab", "lab", "nameserver 10.0.0.1\n"};
	char err[256], *out = NULL;
	size_t len = 0;

	if (overlay_fill((const char *)data, size, &v, &out, &len, err, sizeof(err)) ==
	        0) {
		if (strlen(out) > len)
			abort(); /* the output is NUL terminated at len */
		free(out);
	}
	return 0;
}
