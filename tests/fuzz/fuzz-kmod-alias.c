/*
 * fuzz-kmod-alias.c: libFuzzer target for the modules.alias line parser of
 * `diskless initrd` (builder/kmod-closure.c). The input is a modules.alias
 * file, split into lines as kc_read_avail() does; every accepted line must
 * give a non-empty pattern and module inside the line, without blanks.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kmod-closure.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_token(const char *tok, const char *buf, size_t len)
{
	size_t n;

	if (tok == NULL || tok < buf || tok >= buf + len)
		abort();
	n = strlen(tok);
	if (n == 0 || tok + n > buf + len || strpbrk(tok, " \t\r\n") != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *pat, *mod;
	size_t off = 0, len;
	const uint8_t *nl;
	char *line;
	int r;

	while (off < size) {
		nl = memchr(data + off, '\n', size - off);
		len = nl != NULL ? (size_t)(nl - (data + off)) : size - off;
		/* exactly len + 1 bytes, as getline gives: ASan sees any overrun */
		line = malloc(len + 1);
		if (line == NULL)
			return 0;
		memcpy(line, data + off, len);
		line[len] = '\0';
		r = kclosure_parse_alias_line(line, len, &pat, &mod);
		if (r < -EINVAL || r > 1 || (r == -EINVAL && (pat != NULL || mod != NULL)))
			abort();
		if (r >= 0 && (pat != NULL || mod != NULL)) {
			check_token(pat, line, len);
			check_token(mod, line, len);
		}
		if (r == 1 && strncmp(pat, "pci:", 4) != 0 && strncmp(pat, "usb:", 4) != 0 &&
		    strncmp(pat, "virtio:", 7) != 0)
			abort();
		free(line);
		off += len + 1;
	}
	return 0;
}
