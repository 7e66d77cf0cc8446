/*
 * fuzz-modalias.c: lib/modalias.c over a whole modules.alias (or
 * modules.load) file: line cutting in arbitrary chunks, both line parsers,
 * and fnmatch of every pattern against a fixed device alias.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "modalias.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct modalias_line l;
	const char *buf = (const char *)data, *line;
	size_t off = 0, len, cut = size > 0 ? data[0] % (size + 1) : 0;
	int r;

	/* first a partial buffer (as a streaming reader sees it), then all */
	while ((r = modalias_next_line(buf, cut, &off, false, &line, &len)) != 0) {
		if (r == 1)
			(void)modalias_parse_load(line, len, &l);
	}
	off = 0;
	while ((r = modalias_next_line(buf, size, &off, true, &line, &len)) != 0) {
		if (r != 1)
			continue;
		if (modalias_parse_alias(line, len, &l) == 1)
			(void)modalias_match(&l, "pci:v00008086d0000100Esv00001AF4sd00001100bc02sc00i00");
	}
	return 0;
}
