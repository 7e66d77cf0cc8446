/*
 * export-boot.h: the boot files a DHCP server other than disklessd (dnsmasq,
 * Kea) hands out, read from the site's [boot] section, so that `diskless
 * export` answers what disklessd answers (diskless.conf(5), [boot]).
 */
#ifndef DISKLESS_EXPORT_BOOT_H
#define DISKLESS_EXPORT_BOOT_H

#include <stdbool.h>

#include "site.h"

/* The PXE architectures a class can name (RFC 4578 §2.1 option 93). */
enum export_arch {
	EXPORT_BIOS,
	EXPORT_EFI_IA32,
	EXPORT_EFI_X64,
	EXPORT_EFI_ARM32,
	EXPORT_EFI_ARM64,
	EXPORT_ARCH__COUNT,
};

struct export_arch_info {
	const char *tag;        /* dnsmasq tag and Kea class name */
	enum site_boot_slot slot;
	unsigned short code[2]; /* option 93 values; x64 firmware sends 7 or 9 */
	unsigned n_code;
	const char *csa[2];     /* dnsmasq pxe-service client system types */
	unsigned n_csa;
};

extern const struct export_arch_info export_arch[EXPORT_ARCH__COUNT];

#define EXPORT_NAME_MAX 256

/* What iPXE gets, with a [host] ([0]) and without ([1]). */
struct export_ipxe {
	bool loader;                 /* the file of its architecture */
	char file[EXPORT_NAME_MAX];  /* when not loader; "" for none */
};

struct export_boot {
	char file[EXPORT_ARCH__COUNT][EXPORT_NAME_MAX]; /* "" for none */
	struct export_ipxe ipxe[2];
	bool ipxe_split;     /* ipxe[0] and ipxe[1] differ */
	bool ignore_unknown; /* unknown-clients = ignore */
};

/* Fills eb from site->boot: %s becomes the server address and %% a %.
 * Returns 0, or -EINVAL with *why set when a name depends on the client
 * (%m, %h), which one class line cannot say. The HTTP boot slots are not
 * exported: a warning names each one the site sets. */
int export_boot_resolve(const struct site *site, struct export_boot *eb, const char **why);

#endif
