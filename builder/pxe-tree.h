/*
 * pxe-tree.h: write the TFTP root of a site (`diskless pxe`).
 *
 * The whole tree is built in a sibling temporary directory and swapped in
 * with one renameat2(RENAME_EXCHANGE), so a client in the middle of a boot
 * reads either the old tree or the new one, never a mix; the old tree is
 * then removed, which also removes the files of hosts that left the config.
 */
#ifndef DISKLESS_PXE_TREE_H
#define DISKLESS_PXE_TREE_H

#include <stddef.h>

#include "site.h"

/* Where an image's kernel and initramfs come from, when not from
 * <image root>/vmlinuz, /boot/vmlinuz or the newest /boot/vmlinuz-*. */
struct pxe_source {
	const char *image;
	const char *kernel; /* NULL: look in the image root */
	const char *initrd;
};

struct pxe_opts {
	const char *pxelinux_dir; /* pxelinux.0 (Debian: pxelinux) */
	const char *bios_modules; /* ldlinux.c32, menu.c32... (syslinux-common) */
	const char *grub_mkimage; /* program, looked up in PATH */
	const char *grub_modules; /* x86_64-efi modules (grub-efi-amd64-bin) */
	const struct pxe_source *sources;
	size_t n_sources;
};

/* Defaults for a Debian host. */
void pxe_opts_default(struct pxe_opts *o);

/* Builds and swaps in the tree; logs what failed. Returns 0 or -errno
 * (the old tree is left untouched on failure). */
int pxe_tree_write(const struct site *site, const struct pxe_opts *o);

#endif
