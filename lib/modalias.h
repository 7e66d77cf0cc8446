/*
 * modalias.h: the two module list files diskless-init reads from the
 * initramfs, written by `diskless initrd` (builder/). The format is a
 * contract between the two programs:
 *
 *   /etc/diskless/modules.load   one absolute .ko path per line, loaded in
 *                                order (dependencies already first)
 *   /etc/diskless/modules.alias  PATTERN<TAB>PATH1 PATH2 ... PATHN
 *                                PATTERN is a kernel modules.alias glob
 *                                (fnmatch(3)), the paths are the whole load
 *                                sequence, dependencies first, the matching
 *                                module last
 *
 * Both: lines up to MODALIAS_LINE_MAX bytes, '#' starts a comment line,
 * blank lines ignored. Pure functions over caller buffers: no allocation,
 * no I/O, every length checked.
 */
#ifndef DISKLESS_MODALIAS_H
#define DISKLESS_MODALIAS_H

#include <stdbool.h>
#include <stddef.h>

#define MODALIAS_LINE_MAX 4095
/* PATH_MAX-sized paths would not fit 64 to a line anyway. */
#define MODALIAS_PATHS_MAX 64

struct modalias_line {
	char buf[MODALIAS_LINE_MAX + 1];	/* the line, NULs inserted */
	const char *pattern;			/* NULL for modules.load lines */
	const char *path[MODALIAS_PATHS_MAX];
	unsigned n_path;
};

/*
 * Cuts the next line out of buf[*off..len): sets *line and *linelen (without
 * the newline) and advances *off. Returns 1 for a line, 0 at the end, or
 * -E2BIG for a line longer than MODALIAS_LINE_MAX (skipped: *off is past
 * it). A last line without '\n' counts only when at_eof is set, so a
 * streaming reader can keep it for the next chunk (then 0 is returned).
 */
int modalias_next_line(const char *buf, size_t len, size_t *off, bool at_eof,
	const char **line, size_t *linelen);

/*
 * Parses one modules.alias line. Returns 1 with *out filled, 0 for a blank
 * or comment line, -EINVAL for a line without a TAB, without paths, with a
 * relative path or a NUL byte, -E2BIG if too long or too many paths.
 */
int modalias_parse_alias(const char *line, size_t len, struct modalias_line *out);

/* One modules.load line: same returns, exactly one path. */
int modalias_parse_load(const char *line, size_t len, struct modalias_line *out);

/* True when the device's modalias (from sysfs, without the newline)
 * matches the line's pattern, fnmatch(3) without flags as kmod does. */
bool modalias_match(const struct modalias_line *l, const char *modalias);

#endif
