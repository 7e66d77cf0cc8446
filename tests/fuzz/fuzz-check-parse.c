/*
 * fuzz-check-parse.c: the parsers `diskless check` runs on bytes from an
 * image and the TFTP tree: a bzImage setup header and an fstab. The first
 * input byte picks the parser, the rest is the input.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nfscheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fstab_root root;
	char version[64];

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		/* Small output buffers too: the bound must hold for any size. */
		size_t outlen = (size_t)(data[0] >> 1) % sizeof(version) + 1;

		if (bzimage_version(data + 1, size - 1, version, outlen) == 0 &&
		    strlen(version) >= outlen)
			__builtin_trap();
	} else if (fstab_root_line((const char *)data + 1, size - 1, &root) == 1) {
		if (!memchr(root.spec, '\0', sizeof(root.spec)) ||
		    !memchr(root.opts, '\0', sizeof(root.opts)))
			__builtin_trap();
	}
	return 0;
}
