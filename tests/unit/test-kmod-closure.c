/*
 * test-kmod-closure.c: module selection for the initramfs.
 *
 * Part 1 is pure: the modules.alias line parser (hostile lines included)
 * and the .ko.xz -> .ko renaming. Part 2 builds a fixture modules tree:
 * tiny ELF relocatable ".ko" files written here (a .modinfo section, the
 * exported names in __ksymtab_strings, the needed ones as undefined
 * symbols), indexed by the real depmod, so libkmod reads exactly what it
 * reads on a distribution kernel. It is skipped when depmod is missing.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmod-closure.h"
#include "modalias.h"
#include "tap.h"

#define KVER "9.9.9-fixture"
#define P "/lib/modules/" KVER "/"

/* ---- part 1: pure functions ------------------------------------------- */

static const struct {
	const char *line; /* may hold a NUL: len below */
	size_t len;	  /* 0: strlen(line) */
	int want;
	const char *pattern, *module;
} alias_cases[] = {
	{ "alias pci:v00008086d0000100Esv*sd*bc*sc*i* e1000", 0, 1,
		"pci:v00008086d0000100Esv*sd*bc*sc*i*", "e1000" },
	{ "alias virtio:d00000001v* virtio_net", 0, 1, "virtio:d00000001v*", "virtio_net" },
	{ "alias usb:v0B95p1790d*dc*dsc*dp*ic*isc*ip*in* ax88179_178a", 0, 1,
		"usb:v0B95p1790d*dc*dsc*dp*ic*isc*ip*in*", "ax88179_178a" },
	{ "\talias\tpci:v*d*sv*sd*bc0Csc03i30*\txhci_pci \r", 0, 1, "pci:v*d*sv*sd*bc0Csc03i30*",
		"xhci_pci" },
	{ "alias acpi*:PNP0A03:* some_acpi", 0, 0, "acpi*:PNP0A03:*", "some_acpi" },
	{ "alias fs-nfs4 nfsv4", 0, 0, "fs-nfs4", "nfsv4" },
	{ "# Aliases extracted from modules themselves.", 0, 0, NULL, NULL },
	{ "", 0, 0, NULL, NULL },
	{ "   ", 0, 0, NULL, NULL },
	{ "alias", 0, -EINVAL, NULL, NULL },
	{ "alias ", 0, -EINVAL, NULL, NULL },
	{ "alias pci:v1", 0, -EINVAL, NULL, NULL },
	{ "alias pci:v1 ", 0, -EINVAL, NULL, NULL },
	{ "aliasx pci:v1 m", 0, -EINVAL, NULL, NULL },
	{ "softdep nfs pre: x", 0, -EINVAL, NULL, NULL },
	{ "alias pci:v1 mod extra", 0, -EINVAL, NULL, NULL },
	{ "alias pci:v1 mod/../x", 0, -EINVAL, NULL, NULL },
	{ "alias pci:v1 m\x01", 0, -EINVAL, NULL, NULL },
	{ "alias pci:\x7fv1 m", 0, -EINVAL, NULL, NULL },
	{ "alias pci:\xc3\xa9 m", 0, -EINVAL, NULL, NULL },
	{ "alias pci:v1\0 m", sizeof("alias pci:v1\0 m") - 1, -EINVAL, NULL, NULL },
	{ "alias pci:v1 m\0x", sizeof("alias pci:v1 m\0x") - 1, -EINVAL, NULL, NULL },
};

static void
test_alias_parse(void)
{
	const char *pat, *mod;
	char buf[128];
	size_t i, len;
	int r;

	for (i = 0; i < sizeof(alias_cases) / sizeof(alias_cases[0]); i++) {
		len = alias_cases[i].len ? alias_cases[i].len : strlen(alias_cases[i].line);
		memcpy(buf, alias_cases[i].line, len);
		buf[len] = '\0';
		r = kclosure_parse_alias_line(buf, len, &pat, &mod);
		tap_is_int(r, alias_cases[i].want, "alias line %zu: result", i);
		if (alias_cases[i].pattern != NULL) {
			tap_is_str(pat, alias_cases[i].pattern, "alias line %zu: pattern", i);
			tap_is_str(mod, alias_cases[i].module, "alias line %zu: module", i);
		}
	}
}

static void
test_alias_parse_long(void)
{
	const char *pat, *mod;
	char *buf;
	size_t n = 5000;

	/* a pattern longer than any real one: refused, not truncated */
	buf = malloc(n + 16);
	if (buf == NULL)
		return;
	memcpy(buf, "alias pci:", 10);
	memset(buf + 10, 'v', n);
	memcpy(buf + 10 + n, " m", 3);
	tap_is_int(kclosure_parse_alias_line(buf, n + 12, &pat, &mod), -EINVAL,
		"a 5000-byte pattern is malformed");
	free(buf);
}

static const struct {
	const char *in, *out;
} dest_cases[] = {
	{ "kernel/fs/nfs/nfs.ko", "kernel/fs/nfs/nfs.ko" },
	{ "kernel/fs/nfs/nfs.ko.xz", "kernel/fs/nfs/nfs.ko" },
	{ "kernel/fs/nfs/nfs.ko.zst", "kernel/fs/nfs/nfs.ko" },
	{ "kernel/fs/nfs/nfs.ko.gz", "kernel/fs/nfs/nfs.ko" },
	{ "kernel/x.xz", "kernel/x.xz" },
	{ ".ko.xz", ".ko.xz" },
	{ "a.ko.xz", "a.ko" },
};

static void
test_dest_name(void)
{
	char out[64], tiny[5];
	size_t i;

	for (i = 0; i < sizeof(dest_cases) / sizeof(dest_cases[0]); i++) {
		tap_is_int(kclosure_dest_name(out, sizeof(out), dest_cases[i].in), 0,
			"dest name %s: ok", dest_cases[i].in);
		tap_is_str(out, dest_cases[i].out, "dest name %s", dest_cases[i].in);
	}
	tap_is_int(kclosure_dest_name(tiny, sizeof(tiny), "a.ko.xz"), 0, "a.ko fits 5 bytes");
	tap_is_int(kclosure_dest_name(tiny, sizeof(tiny), "ab.ko.xz"), -ENAMETOOLONG,
		"ab.ko does not fit 5 bytes");
}

/* ---- part 2: the fixture tree ----------------------------------------- */

struct fx_mod {
	const char *path;    /* under lib/modules/KVER */
	const char *modinfo; /* '\n'-separated key=value */
	const char *exports; /* ' '-separated */
	const char *needs;   /* ' '-separated */
	bool xz;
};

#define E1000_ALIAS "pci:v00008086d0000100Esv*sd*bc*sc*i*"

static const struct fx_mod fx_mods[] = {
	{ "kernel/net/sunrpc/sunrpc.ko", "", "sunrpc_call", "", false },
	{ "kernel/fs/nfs_common/grace.ko", "", "grace_fn", "", false },
	{ "kernel/fs/lockd/lockd.ko", "", "lockd_fn", "sunrpc_call grace_fn", false },
	{ "kernel/fs/nfs/nfs.ko", "", "nfs_fn", "sunrpc_call lockd_fn", false },
	{ "kernel/fs/nfs/nfsv3.ko", "", "", "nfs_fn", false },
	{ "kernel/fs/nfs/nfsv4.ko", "softdep=pre: dns_resolver", "", "nfs_fn sunrpc_call", false },
	{ "kernel/net/dns_resolver/dns_resolver.ko", "", "", "", false },
	{ "kernel/fs/overlayfs/overlay.ko.xz", "alias=fs-overlay", "", "", true },
	{ "kernel/drivers/net/ethernet/intel/e1000/e1000.ko",
		"alias=" E1000_ALIAS "\nalias=pci:v00008086d00001000sv*sd*bc*sc*i*\n"
		"alias=acpi*:E1000:*\nfirmware=e1000/fixture.bin\nfirmware=../../etc/shadow\n"
		"firmware=e1000/absent.bin",
		"", "", false },
	{ "kernel/drivers/virtio/virtio.ko", "", "virtio_fn", "", false },
	{ "kernel/drivers/virtio/virtio_pci.ko", "alias=pci:v00001AF4d*sv*sd*bc*sc*i*", "",
		"virtio_fn", false },
	{ "kernel/drivers/net/virtio_net.ko", "alias=virtio:d00000001v*", "", "virtio_fn", false },
	{ "kernel/drivers/usb/core/usbcore.ko", "", "usb_fn", "", false },
	{ "kernel/drivers/usb/host/xhci-pci.ko", "alias=pci:v*d*sv*sd*bc0Csc03i30*", "",
		"usb_fn", false },
	{ "kernel/drivers/net/usb/usbnic.ko", "alias=usb:v0B95p1790d*dc*dsc*dp*ic*isc*ip*in*", "",
		"usb_fn", false },
	{ "kernel/drivers/net/wireless/wifi.ko", "alias=pci:v00001234d00005678sv*sd*bc*sc*i*",
		"", "", false },
	{ "kernel/drivers/net/ethernet/cyc/cyca.ko",
		"softdep=pre: cycb\nalias=pci:v0000CCCCd0000000Asv*sd*bc*sc*i*", "", "", false },
	{ "kernel/drivers/net/ethernet/cyc/cycb.ko",
		"softdep=pre: cyca\nalias=pci:v0000CCCCd0000000Bsv*sd*bc*sc*i*", "", "", false },
	{ "kernel/drivers/net/phy/nophy.ko", "", "", "", false },
};

/* bignic needs FX_BIG modules whose paths make its alias line > 4096 bytes;
 * manynic needs FX_MANY short ones: more paths than a line may hold */
#define FX_BIG 20
#define FX_MANY 65

struct fx_buf {
	unsigned char *p;
	size_t len, cap;
};

static void
fx_put(struct fx_buf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 256;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			abort();
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void
fx_align(struct fx_buf *b)
{
	static const unsigned char zero[8];

	fx_put(b, zero, (8 - b->len % 8) % 8);
}

/* Words of s (split at sep) into out, each NUL-terminated; returns count. */
static size_t
fx_words(struct fx_buf *out, const char *s, char sep, size_t *offs, size_t max)
{
	size_t n = 0;
	const char *e;

	while (*s != '\0') {
		e = strchr(s, sep);
		if (e == NULL)
			e = s + strlen(s);
		if (e > s && n < max) {
			if (offs != NULL)
				offs[n] = out->len;
			fx_put(out, s, (size_t)(e - s));
			fx_put(out, "", 1);
			n++;
		}
		s = *e != '\0' ? e + 1 : e;
	}
	return n;
}

/* A minimal ELF64 relocatable object that depmod/libkmod read as a module. */
static void
fx_elf(struct fx_buf *elf, const char *modinfo, const char *exports, const char *needs)
{
	struct fx_buf info = { 0 }, ksym = { 0 }, strtab = { 0 }, symtab = { 0 }, shstr = { 0 };
	static const char shnames[] = "\0.modinfo\0__ksymtab_strings\0.symtab\0.strtab\0.shstrtab";
	size_t offs[64], nsym, i, secoff[6], shoff;
	Elf64_Shdr sh[6];
	Elf64_Ehdr eh;
	Elf64_Sym sym;

	fx_words(&info, modinfo, '\n', NULL, 64);
	fx_words(&ksym, exports, ' ', NULL, 64);
	fx_put(&strtab, "", 1);
	nsym = fx_words(&strtab, needs, ' ', offs, 64);
	memset(&sym, 0, sizeof(sym));
	fx_put(&symtab, &sym, sizeof(sym));
	for (i = 0; i < nsym; i++) {
		sym.st_name = (Elf64_Word)offs[i];
		sym.st_info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE);
		sym.st_shndx = SHN_UNDEF;
		fx_put(&symtab, &sym, sizeof(sym));
	}
	fx_put(&shstr, shnames, sizeof(shnames));

	memset(&eh, 0, sizeof(eh));
	fx_put(elf, &eh, sizeof(eh));
	const struct fx_buf *secs[6] = { NULL, &info, &ksym, &symtab, &strtab, &shstr };
	for (i = 1; i < 6; i++) {
		fx_align(elf);
		secoff[i] = elf->len;
		if (secs[i]->len > 0)
			fx_put(elf, secs[i]->p, secs[i]->len);
	}
	fx_align(elf);
	shoff = elf->len;
	memset(sh, 0, sizeof(sh));
	static const unsigned int names[6] = { 0, 1, 10, 28, 36, 44 };
	static const unsigned int types[6] = { SHT_NULL, SHT_PROGBITS, SHT_PROGBITS, SHT_SYMTAB,
		SHT_STRTAB, SHT_STRTAB };
	for (i = 1; i < 6; i++) {
		sh[i].sh_name = names[i];
		sh[i].sh_type = types[i];
		sh[i].sh_offset = secoff[i];
		sh[i].sh_size = secs[i]->len;
		sh[i].sh_addralign = 1;
	}
	sh[1].sh_flags = SHF_ALLOC;
	sh[3].sh_link = 4;
	sh[3].sh_info = 1;
	sh[3].sh_entsize = sizeof(Elf64_Sym);
	sh[3].sh_addralign = 8;
	fx_put(elf, sh, sizeof(sh));

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_REL;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_shoff = shoff;
	eh.e_ehsize = sizeof(eh);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 6;
	eh.e_shstrndx = 5;
	memcpy(elf->p, &eh, sizeof(eh));
	free(info.p);
	free(ksym.p);
	free(strtab.p);
	free(symtab.p);
	free(shstr.p);
}

static int
fx_mkdirs(const char *path)
{
	char tmp[4096], *s;

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -1;
	for (s = tmp + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return 0;
}

static int
fx_write(const char *path, const void *data, size_t len, bool xz)
{
	struct archive *a;
	struct archive_entry *ae;
	FILE *f;
	int ok;

	if (fx_mkdirs(path) < 0)
		return -1;
	if (!xz) {
		f = fopen(path, "wb");
		if (f == NULL)
			return -1;
		ok = fwrite(data, 1, len, f) == len;
		return fclose(f) == 0 && ok ? 0 : -1;
	}
	a = archive_write_new();
	ae = archive_entry_new();
	archive_write_add_filter_xz(a);
	archive_write_set_format_raw(a);
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_size(ae, (la_int64_t)len);
	ok = archive_write_open_filename(a, path) == ARCHIVE_OK &&
	     archive_write_header(a, ae) == ARCHIVE_OK &&
	     archive_write_data(a, data, len) == (la_ssize_t)len &&
	     archive_write_close(a) == ARCHIVE_OK;
	archive_entry_free(ae);
	archive_write_free(a);
	return ok ? 0 : -1;
}

static char fx_moddir[4096];
static char fx_bigdir[512];

static int
fx_add(const char *rel, const char *modinfo, const char *exports, const char *needs, bool xz)
{
	struct fx_buf elf = { 0 };
	char path[8192];
	int r;

	fx_elf(&elf, modinfo, exports, needs);
	snprintf(path, sizeof(path), "%s/%s", fx_moddir, rel);
	r = fx_write(path, elf.p, elf.len, xz);
	free(elf.p);
	return r;
}

/* Builds the tree and runs depmod on it; 0, or -1 (diag printed). */
static int
fx_build(void)
{
	char cmd[8192], rel[1024], sym[32], needs[FX_MANY * 8 + 1] = "";
	const char *base = tap_tmpdir();
	size_t i;

	snprintf(fx_moddir, sizeof(fx_moddir), "%s/lib/modules/" KVER, base);
	for (i = 0; i < sizeof(fx_mods) / sizeof(fx_mods[0]); i++) {
		if (fx_add(fx_mods[i].path, fx_mods[i].modinfo, fx_mods[i].exports,
			    fx_mods[i].needs, fx_mods[i].xz) < 0) {
			tap_diag("writing %s failed", fx_mods[i].path);
			return -1;
		}
	}
	memset(fx_bigdir, 'd', 200);
	fx_bigdir[200] = '\0';
	for (i = 0; i < FX_BIG; i++) {
		snprintf(sym, sizeof(sym), "big_%02zu", i);
		snprintf(rel, sizeof(rel), "kernel/drivers/misc/%s/bigdep%02zu.ko", fx_bigdir, i);
		if (fx_add(rel, "", sym, "", false) < 0)
			return -1;
		strcat(needs, sym);
		strcat(needs, " ");
	}
	if (fx_add("kernel/drivers/net/ethernet/big/bignic.ko",
		    "alias=pci:v0000B16Bd*sv*sd*bc*sc*i*", "", needs, false) < 0)
		return -1;
	needs[0] = '\0';
	for (i = 0; i < FX_MANY; i++) {
		snprintf(sym, sizeof(sym), "m_%02zu", i);
		snprintf(rel, sizeof(rel), "kernel/m/d%02zu.ko", i);
		if (fx_add(rel, "", sym, "", false) < 0)
			return -1;
		strcat(needs, sym);
		strcat(needs, " ");
	}
	if (fx_add("kernel/drivers/net/ethernet/many/manynic.ko",
		    "alias=pci:v0000AAAAd*sv*sd*bc*sc*i*", "", needs, false) < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/modules.builtin", fx_moddir);
	if (fx_write(cmd, "kernel/net/packet/af_packet.ko\n", 31, false) < 0)
		return -1;
	/* empty, as depmod would find them for a kernel without either */
	snprintf(cmd, sizeof(cmd), "%s/modules.order", fx_moddir);
	if (fx_write(cmd, "", 0, false) < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/modules.builtin.modinfo", fx_moddir);
	if (fx_write(cmd, "", 0, false) < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/lib/firmware/e1000/fixture.bin", base);
	if (fx_write(cmd, "FW", 2, false) < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/depmod.d/x", base);
	if (fx_mkdirs(cmd) < 0)
		return -1;
	/* -C: an empty config dir, so the host's depmod.d cannot change the
	 * result; PATH: depmod lives in /sbin, often not in a user's PATH */
	snprintf(cmd, sizeof(cmd),
		"PATH=\"$PATH:/usr/sbin:/sbin\" depmod -C %s/depmod.d -b %s " KVER " 2>&1",
		base, base);
	if (system(cmd) != 0) {
		tap_diag("depmod failed: %s", cmd);
		return -1;
	}
	return 0;
}

static bool
fx_have_depmod(void)
{
	return system("PATH=\"$PATH:/usr/sbin:/sbin\" command -v depmod >/dev/null 2>&1") == 0;
}

static char *
fx_line_for(const char *text, const char *pattern)
{
	const char *p = text, *e;
	size_t n = strlen(pattern);

	while (p != NULL && *p != '\0') {
		e = strchr(p, '\n');
		if (strncmp(p, pattern, n) == 0 && p[n] == '\t')
			return strndup(p + n + 1, e != NULL ? (size_t)(e - p - n - 1) : strlen(p));
		p = e != NULL ? e + 1 : NULL;
	}
	return NULL;
}

static void
test_stack(void)
{
	struct kclosure *kc = NULL;
	const struct kclosure_file *files;
	char *text = NULL;
	size_t len = 0, n;

	tap_is_int(kclosure_new(&kc, fx_moddir, KVER), 0, "kclosure_new on the fixture");
	if (kc == NULL)
		return;
	tap_is_int(kclosure_add_load(kc, "sunrpc"), 0, "sunrpc");
	tap_is_int(kclosure_add_load(kc, "nfsv3"), 0, "nfsv3");
	tap_is_int(kclosure_add_load(kc, "nfsv4"), 0, "nfsv4 (softdep pre: dns_resolver)");
	tap_is_int(kclosure_add_load(kc, "overlay"), 0, "overlay (.ko.xz)");
	tap_is_int(kclosure_add_load(kc, "fs-overlay"), 0, "an alias resolves (already there)");
	tap_is_int(kclosure_add_load(kc, "af_packet"), 1, "af_packet is built in: 1");
	tap_is_int(kclosure_add_load(kc, "nosuch"), -ENOENT, "an unknown module: -ENOENT");
	tap_is_str(kclosure_errctx(kc), "nosuch", "the error names it");
	tap_is_int((long long)kclosure_load_count(kc), 8, "8 modules to load");
	text = kclosure_load_text(kc, &len);
	tap_is_str(text,
		P "kernel/net/sunrpc/sunrpc.ko\n" P "kernel/fs/nfs_common/grace.ko\n" P
		  "kernel/fs/lockd/lockd.ko\n" P "kernel/fs/nfs/nfs.ko\n" P
		  "kernel/fs/nfs/nfsv3.ko\n" P "kernel/net/dns_resolver/dns_resolver.ko\n" P
		  "kernel/fs/nfs/nfsv4.ko\n" P "kernel/fs/overlayfs/overlay.ko\n",
		"modules.load: dependencies first, softdep before nfsv4, .xz renamed");
	tap_is_int((long long)len, (long long)strlen(text ? text : ""), "length returned");
	free(text);
	files = kclosure_files(kc, &n);
	tap_is_int((long long)n, 8, "8 files to pack");
	if (n == 8) {
		tap_is_str(files[0].dest, P "kernel/fs/lockd/lockd.ko", "files sorted by dest");
		tap_is_str(files[5].name, "overlay", "overlay's entry");
		tap_ok(strstr(files[5].src, "overlay.ko.xz") != NULL, "its source is the .ko.xz");
	}
	text = kclosure_alias_text(kc, &len);
	tap_is_str(text, "# PATTERN<TAB>modules to load for it, dependencies first"
			 " (written by diskless initrd)\n",
		"no NIC: only the header comment");
	free(text);
	kclosure_free(kc);
}

/* The stack as `diskless initrd` adds it: each line tagged with the
 * boots that need it, so an NFSv3 boot skips nfsv4 and its softdep, and
 * every feature's lines are its whole closure in load order. */
static void
test_features(void)
{
	struct kclosure *kc = NULL;
	char *text;
	size_t len = 0;

	if (kclosure_new(&kc, fx_moddir, KVER) < 0)
		return;
	tap_is_int(kclosure_add_load_for(kc, "nfs", MODALIAS_FEAT_NFS), 0, "nfs for 'nfs'");
	tap_is_int(kclosure_add_load_for(kc, "nfsv4", MODALIAS_FEAT_NFS4), 0, "nfsv4 for 'nfs4'");
	tap_is_int(kclosure_add_load_for(kc, "nfsv3", MODALIAS_FEAT_NFS3), 0, "nfsv3 for 'nfs3'");
	tap_is_int(kclosure_add_load_for(kc, "overlay", MODALIAS_FEAT_OVERLAY), 0,
		"overlay for 'overlay'");
	tap_is_int(kclosure_add_load_for(kc, "af_packet", 0), 1, "built in: 1, no line");
	text = kclosure_load_text(kc, &len);
	tap_is_str(text,
		"nfs,nfs3,nfs4\t" P "kernel/net/sunrpc/sunrpc.ko\n"
		"nfs,nfs3,nfs4\t" P "kernel/fs/nfs_common/grace.ko\n"
		"nfs,nfs3,nfs4\t" P "kernel/fs/lockd/lockd.ko\n"
		"nfs,nfs3,nfs4\t" P "kernel/fs/nfs/nfs.ko\n"
		"nfs4\t" P "kernel/net/dns_resolver/dns_resolver.ko\n"
		"nfs4\t" P "kernel/fs/nfs/nfsv4.ko\n"
		"nfs3\t" P "kernel/fs/nfs/nfsv3.ko\n"
		"overlay\t" P "kernel/fs/overlayfs/overlay.ko\n",
		"modules.load: shared closure tagged with every feature, softdep with nfs4");
	free(text);
	/* a module wanted by every boot loses its tags: it is loaded always */
	tap_is_int(kclosure_add_load(kc, "lockd"), 0, "lockd again, for every boot");
	text = kclosure_load_text(kc, &len);
	tap_ok(text != NULL && strstr(text, "\n" P "kernel/fs/lockd/lockd.ko\n") != NULL &&
		strncmp(text, P "kernel/net/sunrpc/sunrpc.ko\n", strlen(P) + 27) == 0 &&
		strstr(text, "nfs,nfs3,nfs4\t" P "kernel/fs/nfs/nfs.ko\n") != NULL,
		"lockd and its dependency sunrpc untagged, nfs still tagged");
	free(text);
	kclosure_free(kc);
}

static void
test_nics(void)
{
	struct kclosure *kc = NULL;
	const char *const *fw;
	char *text = NULL, *line;
	size_t len, n;

	kclosure_new(&kc, fx_moddir, KVER);
	if (kc == NULL) {
		tap_ok(0, "kclosure_new");
		return;
	}
	tap_is_int(kclosure_add_nic(kc, "e1000"), 0, "--nic e1000");
	tap_is_int(kclosure_add_nic(kc, "e1000"), 0, "twice is once");
	tap_is_int(kclosure_add_nic(kc, "virtio-net"), 0, "--nic virtio-net (dash)");
	tap_is_int(kclosure_add_nic(kc, "nophy"), 0, "a driver without bus aliases");
	tap_is_int(kclosure_add_nic(kc, "e1001"), -ENOENT, "an unknown NIC: -ENOENT");
	tap_is_int(kclosure_add_nic(kc, "bignic"), -E2BIG, "a 4096+ byte alias line: -E2BIG");
	tap_is_str(kclosure_errctx(kc), "bignic", "the error names bignic");
	tap_is_int(kclosure_add_nic(kc, "manynic"), -E2BIG, "65 paths on a line: -E2BIG");
	tap_is_int(kclosure_add_transports(kc), 0, "transports");
	tap_is_int((long long)kclosure_alias_count(kc), 4,
		"2 e1000 + 1 virtio_net + 1 virtio_pci aliases");
	text = kclosure_alias_text(kc, &len);
	line = fx_line_for(text ? text : "", E1000_ALIAS);
	tap_is_str(line, P "kernel/drivers/net/ethernet/intel/e1000/e1000.ko",
		"the e1000 alias line");
	free(line);
	line = fx_line_for(text ? text : "", "virtio:d00000001v*");
	tap_is_str(line, P "kernel/drivers/virtio/virtio.ko " P "kernel/drivers/net/virtio_net.ko",
		"virtio_net: virtio first");
	free(line);
	line = fx_line_for(text ? text : "", "pci:v00001AF4d*sv*sd*bc*sc*i*");
	tap_is_str(line, P "kernel/drivers/virtio/virtio.ko " P "kernel/drivers/virtio/virtio_pci.ko",
		"virtio_pci by its PCI alias: loaded only on a machine with virtio devices");
	free(line);
	tap_ok(text != NULL && strstr(text, "acpi") == NULL, "no acpi alias lines");
	free(text);
	text = kclosure_load_text(kc, &len);
	tap_is_str(text, P "kernel/drivers/net/phy/nophy.ko\n",
		"modules.load: nophy, the NIC without bus aliases, for every boot");
	free(text);
	fw = kclosure_firmware(kc, &n);
	tap_is_int((long long)n, 2, "2 firmware names (../ refused)");
	if (n == 2) {
		tap_is_str(fw[0], "e1000/absent.bin", "firmware sorted");
		tap_is_str(fw[1], "e1000/fixture.bin", "firmware 2");
	}
	kclosure_free(kc);
}

static void
test_all_nics(void)
{
	struct kclosure *kc = NULL;
	const char *const *skipped;
	char *text = NULL, *line;
	size_t len, n;

	kclosure_new(&kc, fx_moddir, KVER);
	if (kc == NULL) {
		tap_ok(0, "kclosure_new");
		return;
	}
	/* e1000, virtio_net, usbnic, cyca, cycb; not wifi, nophy; bignic and
	 * manynic skipped */
	tap_is_int(kclosure_add_all_nics(kc), 5, "every NIC: 5 drivers");
	skipped = kclosure_skipped(kc, &n);
	tap_is_int((long long)n, 2, "2 drivers skipped");
	if (n == 2) {
		tap_is_str(skipped[0], "bignic", "bignic: line too long");
		tap_is_str(skipped[1], "manynic", "manynic: too many paths");
	}
	tap_is_int(kclosure_add_transports(kc), 0, "transports");
	text = kclosure_alias_text(kc, &len);
	if (text == NULL)
		text = strdup("");
	tap_ok(strstr(text, "pci:v00001234d00005678") == NULL, "no wireless driver");
	line = fx_line_for(text, "pci:v0000CCCCd0000000Asv*sd*bc*sc*i*");
	tap_is_str(line, P "kernel/drivers/net/ethernet/cyc/cycb.ko " P
			 "kernel/drivers/net/ethernet/cyc/cyca.ko",
		"a softdep cycle is cut: cycb, cyca");
	free(line);
	line = fx_line_for(text, "usb:v0B95p1790d*dc*dsc*dp*ic*isc*ip*in*");
	tap_is_str(line, P "kernel/drivers/usb/core/usbcore.ko " P
			 "kernel/drivers/net/usb/usbnic.ko",
		"the USB NIC: usbcore first");
	free(line);
	line = fx_line_for(text, "pci:v*d*sv*sd*bc0Csc03i30*");
	tap_is_str(line, P "kernel/drivers/usb/core/usbcore.ko " P
			 "kernel/drivers/usb/host/xhci-pci.ko",
		"a USB NIC brings the xHCI driver's alias line");
	free(line);
	tap_is_int((long long)kclosure_alias_count(kc), 8,
		"8 alias lines (virtio_pci's among them)");
	free(text);
	kclosure_free(kc);
}

static void
test_bad_moddir(void)
{
	struct kclosure *kc = NULL;
	char dir[4096];
	int r;

	snprintf(dir, sizeof(dir), "%s/nonexistent", tap_tmpdir());
	r = kclosure_new(&kc, dir, KVER);
	if (r == 0) {
		/* libkmod opens indexes lazily: the first lookup then fails */
		tap_ok(kclosure_add_load(kc, "nfs") < 0, "an empty modules dir fails");
		kclosure_free(kc);
	} else {
		tap_ok(r < 0, "an empty modules dir fails");
	}
	kclosure_free(NULL);
	tap_ok(1, "kclosure_free(NULL) is a no-op");
}

int
main(void)
{
	test_alias_parse();
	test_alias_parse_long();
	test_dest_name();
	test_bad_moddir();
	if (!fx_have_depmod()) {
		tap_skip(1, "depmod not found (apt-get install kmod): no fixture tests");
		return tap_done();
	}
	if (fx_build() < 0) {
		tap_ok(0, "building the fixture modules tree");
		return tap_done();
	}
	test_stack();
	test_features();
	test_nics();
	test_all_nics();
	return tap_done();
}
