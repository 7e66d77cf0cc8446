/*
 * export-boot.c: see export-boot.h. The same [boot] slots disklessd reads
 * (server/dhcp-reply.c), resolved once for a whole site, because a dnsmasq
 * or Kea class gives one file to every client it matches.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "boot-name.h"
#include "export-boot.h"
#include "log.h"

const struct export_arch_info export_arch[EXPORT_ARCH__COUNT] = {
	[EXPORT_BIOS] = { "bios", SITE_BOOT_BIOS, { 0 }, 1, { "x86PC" }, 1 },
	[EXPORT_EFI_IA32] = { "efi32", SITE_BOOT_EFI_IA32, { 6 }, 1, { "IA32_EFI" }, 1 },
	[EXPORT_EFI_X64] = { "efi64", SITE_BOOT_EFI_X64, { 7, 9 }, 2,
		{ "X86-64_EFI", "BC_EFI" }, 2 },
	[EXPORT_EFI_ARM32] = { "arm32", SITE_BOOT_EFI_ARM32, { 10 }, 1, { "ARM32_EFI" }, 1 },
	[EXPORT_EFI_ARM64] = { "arm64", SITE_BOOT_EFI_ARM64, { 11 }, 1, { "ARM64_EFI" }, 1 },
};

/* The error for a name with %m or %h, naming the key (builder only: a
 * static buffer is fine, main() prints it once). */
static int
per_client(enum site_boot_slot slot, const char **why)
{
	static char msg[200];

	snprintf(msg, sizeof(msg), "[boot] %s names a file per client with %%m or %%h, "
		 "which one dnsmasq or Kea class cannot give; use a name without them, "
		 "or disklessd", site_boot_slot_name(slot));
	*why = msg;
	return -EINVAL;
}

/* One name: "" for none; %s and %% expanded. */
static int
expand(const struct site *site, enum site_boot_slot slot, char *buf, const char **why)
{
	const struct site_boot_file *f = &site->boot.file[slot];
	const char *name = f->how == SITE_BOOT_FILE ? f->name : NULL;
	int r;

	/* UNSET only in a site not made by site_load(): the default */
	if (f->how == SITE_BOOT_UNSET)
		name = site_boot_default(slot);
	buf[0] = '\0';
	if (name == NULL)
		return 0;
	/* no MAC, no host: one class line serves every client */
	r = boot_name_expand(name, NULL, NULL, site->server.address, buf, EXPORT_NAME_MAX);
	if (r == -ENXIO || r == -EINVAL)
		return per_client(slot, why);
	if (r < 0)
		*why = "a [boot] name is too long once %s is expanded";
	return r;
}

int
export_boot_resolve(const struct site *site, struct export_boot *eb, const char **why)
{
	static const enum site_boot_slot ipxe_slot[2] = { SITE_BOOT_IPXE,
		SITE_BOOT_IPXE_UNKNOWN };
	int a, k, r;

	memset(eb, 0, sizeof(*eb));
	for (a = 0; a < EXPORT_ARCH__COUNT; a++)
		if ((r = expand(site, export_arch[a].slot, eb->file[a], why)) < 0)
			return r;
	for (k = 0; k < 2; k++) {
		eb->ipxe[k].loader = site->boot.file[ipxe_slot[k]].how == SITE_BOOT_LOADER;
		if ((r = expand(site, ipxe_slot[k], eb->ipxe[k].file, why)) < 0)
			return r;
	}
	eb->ipxe_split = eb->ipxe[0].loader != eb->ipxe[1].loader ||
		strcmp(eb->ipxe[0].file, eb->ipxe[1].file) != 0;
	eb->ignore_unknown = site->boot.unknown == SITE_UNKNOWN_IGNORE;
	for (k = SITE_BOOT_HTTP_IA32; k <= SITE_BOOT_HTTP_ARM64; k++)
		if (site->boot.file[k].how == SITE_BOOT_FILE)
			log_warnx("export: [boot] %s is not exported: UEFI HTTP boot stays "
				  "with disklessd", site_boot_slot_name((enum site_boot_slot)k));
	return 0;
}
