/*
 * check-parse.c: parsers of bytes `diskless check` reads from an image or
 * the TFTP tree, which it does not trust: pure, bounded, fuzzed
 * (tests/fuzz/fuzz-check-parse.c).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "nfscheck.h"

int
bzimage_version(const unsigned char *buf, size_t len, char *out, size_t outlen)
{
	size_t off, end;
	uint16_t ptr;

	if (outlen == 0)
		return -EINVAL;
	out[0] = '\0';
	/* Boot protocol 2.00+: "HdrS" magic at 0x202, version at 0x206. */
	if (len < 0x210 || memcmp(buf + 0x202, "HdrS", 4) != 0)
		return -EINVAL;
	if ((uint16_t)(buf[0x206] | buf[0x207] << 8) < 0x0200)
		return -EINVAL;
	ptr = (uint16_t)(buf[0x20e] | buf[0x20f] << 8);
	if (ptr == 0)
		return -EINVAL;
	off = (size_t)ptr + 0x200;
	/* The string is "6.1.0-9-amd64 (debian-kernel@...) #1 SMP ...". */
	for (end = off; end < len && end - off < outlen - 1; end++)
		if (buf[end] <= ' ' || buf[end] > '~')
			break;
	if (end == off || end >= len || end - off >= outlen - 1 ||
	    (buf[end] != ' ' && buf[end] != '\0'))
		return -EINVAL;
	memcpy(out, buf + off, end - off);
	out[end - off] = '\0';
	return 0;
}

/* fstab(5) fields are separated by blanks; '#' starts a comment line. */
static size_t
field(const char *s, size_t len, size_t *pos, const char **start)
{
	size_t b;

	while (*pos < len && (s[*pos] == ' ' || s[*pos] == '\t'))
		(*pos)++;
	b = *pos;
	while (*pos < len && s[*pos] != ' ' && s[*pos] != '\t' && s[*pos] != '\n')
		(*pos)++;
	*start = s + b;
	return *pos - b;
}

int
fstab_root_line(const char *text, size_t len, struct fstab_root *out)
{
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	while (pos < len) {
		const char *f[4] = { NULL };
		size_t flen[4] = { 0 }, end;
		int k;

		end = pos;
		while (end < len && text[end] != '\n')
			end++;
		for (k = 0; k < 4; k++) {
			flen[k] = field(text, end, &pos, &f[k]);
			if (flen[k] == 0)
				break;
		}
		pos = end + 1;
		if (k < 2 || f[0][0] == '#' || flen[1] != 1 || f[1][0] != '/')
			continue;
		if (flen[0] >= sizeof(out->spec) || flen[2] >= sizeof(out->type) ||
		    flen[3] >= sizeof(out->opts))
			return -ENAMETOOLONG;
		memcpy(out->spec, f[0], flen[0]);
		if (k > 2)
			memcpy(out->type, f[2], flen[2]);
		memcpy(out->opts, k > 3 ? f[3] : "defaults", k > 3 ? flen[3] : 8);
		return 1;
	}
	return 0;
}
