/*
 * site-boot.c: the [boot] section, what each kind of client is handed: a
 * boot file per architecture (RFC 4578 option 93), an HTTP boot URL, what
 * iPXE gets, what becomes of machines without a [host], and how proxyDHCP
 * offers steer PXE firmware. Parsers, defaults and the checks that need
 * the whole section; the key table is at the end.
 *
 * A boot file name travels in the 128-byte BOOTP file field, is looked up
 * by the TFTP server under its root, and in iPXE's case may be a URL. So a
 * name is held to what every TFTP server and firmware handles the same
 * way: printable ASCII without spaces, relative, no ".." part.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "site-internal.h"

/* The names `diskless pxe` writes (builder/bootcfg.h BOOTCFG_*_FILE). */
#define DEFAULT_BIOS "pxelinux.0"
#define DEFAULT_EFI_X64 "grubnetx64.efi"
#define DEFAULT_IPXE "boot.ipxe"
#define DEFAULT_MENU_TEXT "diskless"

/* The BOOTP file field holds 127 bytes and its NUL (RFC 951). */
#define BOOT_NAME_MAX 127
/* What option 43.9 has room for in the reply (dhcp-reply.c add_pxe_menu) */
#define MENU_TEXT_MAX 64

static const char *const slot_names[SITE_BOOT__COUNT] = {
	[SITE_BOOT_BIOS] = "bios",
	[SITE_BOOT_EFI_IA32] = "efi-ia32",
	[SITE_BOOT_EFI_X64] = "efi-x64",
	[SITE_BOOT_EFI_ARM32] = "efi-arm32",
	[SITE_BOOT_EFI_ARM64] = "efi-arm64",
	[SITE_BOOT_HTTP_IA32] = "http-ia32",
	[SITE_BOOT_HTTP_X64] = "http-x64",
	[SITE_BOOT_HTTP_ARM32] = "http-arm32",
	[SITE_BOOT_HTTP_ARM64] = "http-arm64",
	[SITE_BOOT_IPXE] = "ipxe",
	[SITE_BOOT_IPXE_UNKNOWN] = "ipxe-unknown",
};

const char *
site_boot_slot_name(enum site_boot_slot slot)
{
	return (unsigned)slot < SITE_BOOT__COUNT ? slot_names[slot] : "?";
}

const char *
site_unknown_name(enum site_unknown unknown)
{
	return unknown == SITE_UNKNOWN_IGNORE ? "ignore" : "menu";
}

const char *
site_proxy_name(enum site_proxy proxy)
{
	switch (proxy) {
	case SITE_PROXY_BYPASS:
		return "bypass";
	case SITE_PROXY_MENU:
		return "menu";
	default:
		return "binl";
	}
}

static bool
is_http_slot(enum site_boot_slot slot)
{
	return slot >= SITE_BOOT_HTTP_IA32 && slot <= SITE_BOOT_HTTP_ARM64;
}

static bool
is_ipxe_slot(enum site_boot_slot slot)
{
	return slot == SITE_BOOT_IPXE || slot == SITE_BOOT_IPXE_UNKNOWN;
}

static bool
is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

/* A '%' starts one of the placeholders dhcp-reply.c expands, or is not
 * allowed: a typo would otherwise surface as "no boot file" at boot time. */
static int
check_template(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s != '%')
			continue;
		if (s[1] == '\0' || strchr("mhs%", s[1]) == NULL)
			return -EINVAL;
		s++;
	}
	return 0;
}

/* Printable ASCII, no space: what goes into the file field unquoted. */
static int
check_chars(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return -EINVAL;
	return 0;
}

/* Relative, no ".." part: the TFTP server resolves it under its root. */
static int
check_relative(const char *s)
{
	const char *part = s;

	if (s[0] == '/')
		return -EINVAL;
	while (*part != '\0') {
		size_t n = strcspn(part, "/");

		if (n == 2 && part[0] == '.' && part[1] == '.')
			return -EINVAL;
		part += n;
		part += strspn(part, "/");
	}
	return 0;
}

/* "http://" or "https://" and then a host. */
static int
check_url(const char *s)
{
	const char *host;

	if (!is_url(s))
		return -EINVAL;
	host = s + (s[4] == 's' ? 8 : 7);
	return host[0] == '\0' || host[0] == '/' ? -EINVAL : 0;
}

static int
check_name(struct site_parse *p, const char *key, enum site_boot_slot slot,
	const char *value)
{
	bool url = is_url(value);

	if (value[0] == '\0' || strlen(value) > BOOT_NAME_MAX) {
		site_perror(p, "%s: give a file name of 1 to %d bytes (the BOOTP file "
			       "field), or none",
			key, BOOT_NAME_MAX);
		return -EINVAL;
	}
	if (check_chars(value) < 0) {
		/* not echoed: control bytes would reach the terminal */
		site_perror(p, "%s: the value has a space, a control byte or a "
			       "non-ASCII byte (firmware takes printable ASCII only)",
			key);
		return -EINVAL;
	}
	if (check_template(value) < 0) {
		site_perror(p, "%s: '%s': a '%%' starts %%m (MAC), %%h (host name), %%s "
			       "(server address) or %%%% (a '%%')",
			key, value);
		return -EINVAL;
	}
	if (is_http_slot(slot)) {
		if (check_url(value) < 0) {
			site_perror(p, "%s: '%s' is not an http:// or https:// URL (UEFI "
				       "HTTP boot fetches its loader by URL)",
				key, value);
			return -EINVAL;
		}
		return 0;
	}
	if (url && !is_ipxe_slot(slot)) {
		site_perror(p, "%s: '%s' is a URL, which PXE firmware cannot fetch (give "
			       "a TFTP path; URLs go in the http-* keys)",
			key, value);
		return -EINVAL;
	}
	if (url && check_url(value) < 0) {
		site_perror(p, "%s: '%s' is a URL without a host (write "
			       "http://10.0.0.1/boot.ipxe, or http://%%s/boot.ipxe)",
			key, value);
		return -EINVAL;
	}
	if (!url && check_relative(value) < 0) {
		site_perror(p, "%s: '%s' is not a path in the TFTP root (relative, no "
			       "'..' part, like pxelinux.0 or efi/grubx64.efi)",
			key, value);
		return -EINVAL;
	}
	return 0;
}

static int
set_slot(struct site_parse *p, enum site_boot_slot slot, const char *value)
{
	struct site_boot_file *f = &p->site->boot.file[slot];
	const char *key = slot_names[slot];

	f->line = p->line;
	if (strcmp(value, "none") == 0) {
		f->how = SITE_BOOT_NONE;
		return 0;
	}
	if (strcmp(value, "loader") == 0) {
		if (!is_ipxe_slot(slot)) {
			site_perror(p, "%s: 'loader' is for the ipxe keys (give a file name, "
				       "or none)",
				key);
			return -EINVAL;
		}
		f->how = SITE_BOOT_LOADER;
		return 0;
	}
	if (check_name(p, key, slot, value) < 0)
		return -EINVAL;
	if (site_strdup(&f->name, value) < 0)
		return -ENOMEM;
	f->how = SITE_BOOT_FILE;
	return 0;
}

#define SLOT_SETTER(fn, slot)                                   \
	static int fn(struct site_parse *p, const char *value)  \
	{                                                       \
		return set_slot(p, slot, value);                \
	}

SLOT_SETTER(boot_bios, SITE_BOOT_BIOS)
SLOT_SETTER(boot_efi_ia32, SITE_BOOT_EFI_IA32)
SLOT_SETTER(boot_efi_x64, SITE_BOOT_EFI_X64)
SLOT_SETTER(boot_efi_arm32, SITE_BOOT_EFI_ARM32)
SLOT_SETTER(boot_efi_arm64, SITE_BOOT_EFI_ARM64)
SLOT_SETTER(boot_http_ia32, SITE_BOOT_HTTP_IA32)
SLOT_SETTER(boot_http_x64, SITE_BOOT_HTTP_X64)
SLOT_SETTER(boot_http_arm32, SITE_BOOT_HTTP_ARM32)
SLOT_SETTER(boot_http_arm64, SITE_BOOT_HTTP_ARM64)
SLOT_SETTER(boot_ipxe, SITE_BOOT_IPXE)
SLOT_SETTER(boot_ipxe_unknown, SITE_BOOT_IPXE_UNKNOWN)

static int
boot_unknown_clients(struct site_parse *p, const char *value)
{
	if (strcmp(value, "menu") == 0) {
		p->site->boot.unknown = SITE_UNKNOWN_MENU;
	} else if (strcmp(value, "ignore") == 0) {
		p->site->boot.unknown = SITE_UNKNOWN_IGNORE;
	} else {
		site_perror(p, "unknown-clients: '%s' is not menu (machines without a "
			       "[host] boot the default menu) or ignore (they get no "
			       "reply)",
			value);
		return -EINVAL;
	}
	return 0;
}

static int
boot_proxy_strategy(struct site_parse *p, const char *value)
{
	static const enum site_proxy all[] = { SITE_PROXY_BINL, SITE_PROXY_BYPASS,
		SITE_PROXY_MENU };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcmp(value, site_proxy_name(all[i])) == 0) {
			p->site->boot.proxy = all[i];
			return 0;
		}
	}
	site_perror(p, "proxy-strategy: '%s' is not binl (the default: UEFI asks on "
		       "port 4011), bypass or menu",
		value);
	return -EINVAL;
}

static int
boot_proxy_menu_text(struct site_parse *p, const char *value)
{
	const char *c;

	for (c = value; *c != '\0'; c++)
		if ((unsigned char)*c < ' ' || (unsigned char)*c >= 0x7f || *c == ';' ||
			*c == '#')
			break;
	if (value[0] == '\0' || *c != '\0' || strlen(value) > MENU_TEXT_MAX) {
		site_perror(p, "proxy-menu-text: give 1 to %d printable ASCII characters, "
			       "without ';' or '#'",
			MENU_TEXT_MAX);
		return -EINVAL;
	}
	return site_strdup(&p->site->boot.menu_text, value);
}

const char *
site_boot_default(enum site_boot_slot slot)
{
	static const char *const defaults[SITE_BOOT__COUNT] = {
		[SITE_BOOT_BIOS] = DEFAULT_BIOS,
		[SITE_BOOT_EFI_X64] = DEFAULT_EFI_X64,
		[SITE_BOOT_IPXE] = DEFAULT_IPXE,
		[SITE_BOOT_IPXE_UNKNOWN] = DEFAULT_IPXE,
	};

	return (unsigned)slot < SITE_BOOT__COUNT ? defaults[slot] : NULL;
}

/* Fills what [boot] left unset. Returns -ENOMEM or 0. */
static int
fill_defaults(struct site_boot *b)
{
	for (int i = 0; i < SITE_BOOT__COUNT; i++) {
		struct site_boot_file *f = &b->file[i];
		const char *name = site_boot_default(i);

		if (f->how != SITE_BOOT_UNSET)
			continue;
		f->how = name ? SITE_BOOT_FILE : SITE_BOOT_NONE;
		if (name != NULL && site_strdup(&f->name, name) < 0)
			return -ENOMEM;
	}
	if (b->menu_text == NULL && site_strdup(&b->menu_text, DEFAULT_MENU_TEXT) < 0)
		return -ENOMEM;
	return 0;
}

/* An iPXE build, by the names ipxe.org gives them: handing one to iPXE makes
 * it DHCP again and load itself, forever. */
static bool
looks_like_ipxe(const char *name)
{
	const char *base = strrchr(name, '/');
	size_t n;

	base = base ? base + 1 : name;
	n = strlen(base);
	if (n >= 5 && strcmp(base + n - 5, ".ipxe") == 0)
		return false; /* a script */
	return strstr(base, "ipxe") != NULL || strstr(base, "undionly") != NULL ||
	       strstr(base, "snponly") != NULL || strcmp(base, "snp.efi") == 0 ||
	       (n >= 5 && strcmp(base + n - 5, ".kpxe") == 0);
}

static void
warn_loop(struct site *site, const struct site_boot_file *f, const char *key,
	const char *name, const char *via)
{
	site_diag(site, SITE_WARNING, site->boot.where.file, f->line,
		"%s: iPXE would get '%s'%s, an iPXE build by its name: it would load "
		"itself again, a boot loop (give iPXE a script, or a loader such as "
		"pxelinux.0)",
		key, name, via);
}

/* The chainload loop: iPXE handed iPXE again. */
static void
check_ipxe_loop(struct site *site, enum site_boot_slot slot)
{
	const struct site_boot *b = &site->boot;
	const struct site_boot_file *f = &b->file[slot];

	if (f->how == SITE_BOOT_FILE && looks_like_ipxe(f->name)) {
		warn_loop(site, f, slot_names[slot], f->name, "");
		return;
	}
	if (f->how != SITE_BOOT_LOADER)
		return;
	for (int i = SITE_BOOT_BIOS; i <= SITE_BOOT_EFI_ARM64; i++) {
		const struct site_boot_file *l = &b->file[i];

		if (l->how == SITE_BOOT_FILE && looks_like_ipxe(l->name)) {
			warn_loop(site, f, slot_names[slot], l->name,
				i == SITE_BOOT_BIOS ? " (the bios loader)" :
						      " (an efi-* loader)");
			return;
		}
	}
}

void
site_boot_validate(struct site *site)
{
	if (fill_defaults(&site->boot) < 0) {
		site_diag(site, SITE_ERROR, site->files[0], 0, "out of memory");
		return;
	}
	check_ipxe_loop(site, SITE_BOOT_IPXE);
	check_ipxe_loop(site, SITE_BOOT_IPXE_UNKNOWN);
}

void
site_boot_free(struct site_boot *b)
{
	for (int i = 0; i < SITE_BOOT__COUNT; i++)
		free(b->file[i].name);
	free(b->menu_text);
}

const struct site_key site_boot_keys[] = {
	{ "bios", boot_bios, false },
	{ "efi-ia32", boot_efi_ia32, false },
	{ "efi-x64", boot_efi_x64, false },
	{ "efi-arm32", boot_efi_arm32, false },
	{ "efi-arm64", boot_efi_arm64, false },
	{ "http-ia32", boot_http_ia32, false },
	{ "http-x64", boot_http_x64, false },
	{ "http-arm32", boot_http_arm32, false },
	{ "http-arm64", boot_http_arm64, false },
	{ "ipxe", boot_ipxe, false },
	{ "ipxe-unknown", boot_ipxe_unknown, false },
	{ "unknown-clients", boot_unknown_clients, false },
	{ "proxy-strategy", boot_proxy_strategy, false },
	{ "proxy-menu-text", boot_proxy_menu_text, false },
	{ NULL, NULL, false },
};
