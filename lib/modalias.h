/*
 * modalias.h: the two module list files diskless-init reads from the
 * initramfs, written by `diskless initrd` (builder/). The format is a
 * contract between the two programs:
 *
 *   /etc/diskless/modules.load   [FEATURES<TAB>]PATH: one absolute .ko path
 *                                per line, in load order (dependencies
 *                                first). FEATURES (comma-separated words
 *                                below) names what needs the module; the
 *                                init loads the line only when the boot uses
 *                                one of them. Without FEATURES: every boot.
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

/* The features of a modules.load line: which boots need its module. A
 * filtered load order stays valid because each feature's modules are its
 * whole dependency closure, tagged with it. */
enum modalias_feature {
	MODALIAS_FEAT_NFS = 1u << 0,		/* "nfs": any NFS root */
	MODALIAS_FEAT_NFS3 = 1u << 1,		/* "nfs3": an NFSv2/v3 root */
	MODALIAS_FEAT_NFS4 = 1u << 2,		/* "nfs4": an NFSv4.x root */
	MODALIAS_FEAT_OVERLAY = 1u << 3,	/* "overlay": diskless.overlay=tmpfs */
	MODALIAS_FEAT_OTHER = 1u << 4,		/* a word this init does not know:
						   load it on every boot */
};

/* "nfs", "nfs3", ... for one MODALIAS_FEAT_* bit; NULL for another value. */
const char *modalias_feature_name(unsigned feature);

struct modalias_line {
	char buf[MODALIAS_LINE_MAX + 1];	/* the line, NULs inserted */
	const char *pattern;			/* NULL for modules.load lines */
	unsigned features;			/* modules.load: MODALIAS_FEAT_*
						   bits, 0 for every boot */
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

/* One modules.load line: same returns, exactly one path; the FEATURES
 * words (lower-case letters and digits, comma-separated) go to
 * out->features. A malformed FEATURES field is -EINVAL. */
int modalias_parse_load(const char *line, size_t len, struct modalias_line *out);

/* True when the device's modalias (from sysfs, without the newline)
 * matches the line's pattern, fnmatch(3) without flags as kmod does. */
bool modalias_match(const struct modalias_line *l, const char *modalias);

#endif
