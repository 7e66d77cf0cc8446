/*
 * nfscheck.h: `diskless check`: an image export seen the way a diskless
 * client sees it (libnfs as the client: no kernel mount, no root needed on
 * the checking machine), and the TFTP tree that boots it.
 *
 * Every check adds one finding: ok, warning or error, a one-line reason and,
 * unless ok, the fix.
 */
#ifndef DISKLESS_NFSCHECK_H
#define DISKLESS_NFSCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "site.h"

enum check_level {
	CHECK_OK,
	CHECK_WARNING,
	CHECK_ERROR,
};

struct check_finding {
	enum check_level level;
	char *subject; /* "image lab", "host pc01", "tftp-root" */
	char *check;   /* short name: "nfsv3 mount", "root squash" */
	char *reason;
	char *fix; /* NULL when ok */
};

struct check_report {
	struct check_finding *v;
	size_t n, cap;
	size_t n_errors, n_warnings;
	bool oom; /* a finding was lost for want of memory (counted as an error) */
};

struct check_report *check_report_new(void);
void check_report_free(struct check_report *rep);
void check_add(struct check_report *rep, enum check_level level, const char *subject,
	const char *check, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void check_report_print(const struct check_report *rep, FILE *out);
void check_report_json(const struct check_report *rep, FILE *out);

/*
 * The export of one image on the site's server: offered in the MOUNT list,
 * mountable over NFSv3 and NFSv4 (an error for the version its nfs-options
 * name, a warning for the other), root not squashed, an executable
 * /sbin/init, the fstab root line, and /lib/modules/<kver> when kver (the
 * kernel's version, from the TFTP tree) is known. timeout_ms bounds each
 * network step.
 */
void nfscheck_image(struct check_report *rep, const struct site *site,
	const struct site_image *img, const char *kver, int timeout_ms);

/* The TFTP tree: boot loaders, per-image kernels and initramfs, per-host
 * and default configs as `diskless pxe` writes them and the files they
 * name. only: NULL for every image, or one image's name. kver_out gets the
 * kernel version of each image (site->n_images strings of 64 bytes, "" when
 * unknown). */
void tftpcheck_site(struct check_report *rep, const struct site *site, const char *only,
	char (*kver_out)[64]);

/* "6.1.0-9-amd64" from a bzImage's setup header (Documentation/arch/x86/
 * boot.rst: "HdrS" at 0x202, kernel_version at 0x20E, + 0x200); -EINVAL
 * when buf is not one. Pure, for the unit tests and the fuzzer. */
int bzimage_version(const unsigned char *buf, size_t len, char *out, size_t outlen);
/* Bytes of a kernel file bzimage_version() may need: the pointer is 16 bits
 * (+ 0x200), plus the string. Debian 6.1.0-57's string is at 0x44c0, past
 * the first 16 KiB. */
#define BZIMAGE_VERSION_READ (0x10200 + 64)

/* The root line ("/" mount point) of an fstab: 1 found, 0 none,
 * -ENAMETOOLONG when a field does not fit. text need not be terminated. */
struct fstab_root {
	char spec[1024];
	char type[32];
	char opts[1024];
};
int fstab_root_line(const char *text, size_t len, struct fstab_root *out);

#endif
