/*
 * kmod-closure.h: which kernel modules an NFS-root initramfs needs, in what
 * order, and the two files that tell diskless-init how to load them.
 *
 * Reads one modules directory (DIR/lib/modules/V: modules.dep, .alias,
 * .softdep, .builtin and their .bin indexes) through libkmod, never the
 * host's modprobe.d, so the answer depends on the modules tree alone.
 *
 * The two files written for diskless-init (a contract with initrd/, keep
 * the format exactly):
 *
 *   /etc/diskless/modules.load   [FEATURES<TAB>]PATH per line, dependencies
 *                                first, in load order; FEATURES names the
 *                                boots that need it (lib/modalias.h), none
 *                                for every boot
 *   /etc/diskless/modules.alias  "PATTERN\tPATH1 PATH2 ... PATHN": a
 *                                modules.alias glob and the full load
 *                                sequence of its driver (dependencies
 *                                first, the driver last); '#' comments;
 *                                every line shorter than 4096 bytes
 *
 * Paths are where the modules sit in the initramfs: /lib/modules/V/<the
 * path in modules.dep>, with .ko.xz/.ko.zst/.ko.gz renamed .ko (the packer
 * decompresses them). Built-in modules (modules.builtin) are left out.
 * A pre: softdep is loaded before its module; post: softdeps are not
 * followed (a load sequence ends with its module).
 */
#ifndef DISKLESS_KMOD_CLOSURE_H
#define DISKLESS_KMOD_CLOSURE_H

#include <stddef.h>

/* The contract's limits for one line of modules.alias: its bytes, newline
 * included, and its paths (initrd/: MODALIAS_LINE_MAX, MODALIAS_PATHS_MAX). */
#define KCLOSURE_LINE_MAX 4096
#define KCLOSURE_PATHS_MAX 64

struct kclosure;

/* One module file to pack. */
struct kclosure_file {
	const char *name; /* module name, e.g. "nfs" */
	const char *src;  /* the file on the build host, maybe compressed */
	const char *dest; /* its path in the initramfs, ending in ".ko" */
};

/* moddir: DIR/lib/modules/V; kver: V. Returns 0 or -errno. */
int kclosure_new(struct kclosure **out, const char *moddir, const char *kver);
void kclosure_free(struct kclosure *kc);

/*
 * Adds NAME (a module name or alias) and its dependency closure to
 * modules.load. Returns 0, 1 when NAME is built into the kernel (nothing
 * to load), -ENOENT when the modules tree does not know it, or -errno.
 */
int kclosure_add_load(struct kclosure *kc, const char *name);

/*
 * Same, for the boots that use one of FEATURES (MODALIAS_FEAT_* bits of
 * lib/modalias.h; 0 is every boot, as kclosure_add_load). Every module of
 * NAME's closure is marked with them, also those added before, so the
 * lines of one feature are its whole closure in a valid load order.
 */
int kclosure_add_load_for(struct kclosure *kc, const char *name, unsigned features);

/*
 * Adds the NIC driver NAME: a modules.alias line for each of its pci:,
 * virtio: and usb: aliases. A driver without such aliases is added to
 * modules.load instead. Returns as kclosure_add_load(), or -E2BIG when its
 * line would break a limit above.
 */
int kclosure_add_nic(struct kclosure *kc, const char *name);

/*
 * Adds every NIC driver: every module under kernel/drivers/net/ that has a
 * pci:, virtio: or usb: alias, except the kinds nobody boots an NFS root
 * over (wireless/, can/, wwan/, ieee802154/). A driver whose line would
 * break a limit above is left out and listed by kclosure_skipped().
 * Returns the number of drivers added or -errno.
 */
int kclosure_add_all_nics(struct kclosure *kc);

/*
 * Adds what the NIC drivers chosen so far need before their devices show
 * up: alias lines for virtio_pci when a driver has virtio: aliases (virtio
 * devices appear only once the PCI transport binds; coldplug loads it for
 * a virtio PCI device, then rescans), and alias lines for
 * the USB host controller drivers (kernel/drivers/usb/host/, pci: aliases)
 * when a driver has usb: aliases. Call once, after the last add_nic.
 */
int kclosure_add_transports(struct kclosure *kc);

/* The module files to pack, sorted by dest; valid until kclosure_free. */
const struct kclosure_file *kclosure_files(struct kclosure *kc, size_t *n);

/* Firmware file names (relative to /lib/firmware) named by the modules'
 * modinfo, sorted and unique; valid until kclosure_free. */
const char *const *kclosure_firmware(const struct kclosure *kc, size_t *n);

/* Drivers left out by kclosure_add_all_nics(); valid until kclosure_free. */
const char *const *kclosure_skipped(const struct kclosure *kc, size_t *n);

/* Number of modules.load and modules.alias entries. */
size_t kclosure_load_count(const struct kclosure *kc);
size_t kclosure_alias_count(const struct kclosure *kc);

/* The contents of the two files, malloc'd (the caller frees), or NULL with
 * errno set. */
char *kclosure_load_text(const struct kclosure *kc, size_t *len);
char *kclosure_alias_text(const struct kclosure *kc, size_t *len);

/* After a failure: the module or file it concerns, "" if none. */
const char *kclosure_errctx(const struct kclosure *kc);

/*
 * One line of modules.alias ("alias PATTERN MODULE", no newline; the buffer
 * holds len + 1 bytes), split in place: *pattern and *module point into
 * line. Returns 1 for an alias line
 * with a pci:, virtio: or usb: pattern, 0 for any other valid line (other
 * buses, comments, blank), -EINVAL for a malformed one. Exposed for tests.
 */
int kclosure_parse_alias_line(char *line, size_t len, const char **pattern,
	const char **module);

/* "x.ko.xz" -> "x.ko" (also .zst, .gz); other names unchanged. Writes at
 * most size bytes; returns 0 or -ENAMETOOLONG. Exposed for tests. */
int kclosure_dest_name(char *out, size_t size, const char *path);

#endif
