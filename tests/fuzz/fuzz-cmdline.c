/*
 * fuzz-cmdline.c: lib/cmdline.c. The input is a kernel command line; its
 * tail after a NUL (if any) is used as a DHCP root-path, so resolution is
 * fuzzed with hostile option 17 values too.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cmdline cl;
	static struct cmdline_dhcp d;
	static struct cmdline_nfs nfs;
	const char *s = (const char *)data, *why;
	const uint8_t *nul = memchr(data, 0, size);

	cmdline_parse(s, size, &cl);
	memset(&d, 0, sizeof(d));
	if (nul != NULL) {
		size_t n = size - (size_t)(nul - data) - 1;

		if (n >= sizeof(d.root_path))
			n = sizeof(d.root_path) - 1;
		memcpy(d.root_path, nul + 1, n);
		d.root_path[strnlen(d.root_path, n)] = '\0';
		d.valid = true;
		d.server_id.s_addr = htonl(0x0a000001);
	}
	cmdline_nfs_resolve(&cl, nul != NULL ? &d : NULL, cl.ip_hostname[0] ? cl.ip_hostname : "10.0.0.5",
		&nfs, &why);
	return 0;
}
