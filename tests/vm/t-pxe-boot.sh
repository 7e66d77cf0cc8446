#!/bin/sh
# t-pxe-boot.sh: QEMU clients boot over the network from the TFTP tree of
# `diskless pxe` and the DHCP config of `diskless export --format dnsmasq`:
# BIOS through QEMU's iPXE ROM into pxelinux and into an iPXE script, UEFI
# through OVMF's own PXE into GRUB and through iPXE's EFI ROM (its script,
# and the same GRUB file), and an unknown machine into the default entry. Each must reach the exact kernel
# command line written for it.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
[ "${DISKLESS_VM_TESTS:-}" = 1 ] ||
	skip_all "VM boots run once per test run (set DISKLESS_VM_TESTS=1, as scripts/test does)"
need_root
need_cmd qemu-system-x86_64 dnsmasq cpio timeout
[ -x /bin/busybox ] || skip_all "busybox-static missing"
[ -r /usr/share/OVMF/OVMF_CODE_4M.fd ] || skip_all "ovmf missing"
ls /boot/vmlinuz-* >/dev/null 2>&1 || skip_all "no kernel in /boot (linux-image-amd64)"

boot() { # NAME MODE [CMAC]
	name=$1 mode=$2
	out=$(CMAC=${3:-} DISKLESS=$DISKLESS sh "$top_srcdir/tests/vm/pxe-vmboot.sh" "$mode" 2>&1)
	rc=$?
	diag "$name: $(printf '%s\n' "$out" | grep '^mode=')"
	[ "$rc" = 0 ] || diag "$(printf '%s\n' "$out" | tail -12)"
	is "$name boots to its command line" "$rc" 0
}

boot "BIOS, iPXE ROM, pxelinux" pxelinux
boot "BIOS, iPXE ROM, iPXE script" ipxe
boot "UEFI, OVMF's own PXE, GRUB" uefi
boot "UEFI, iPXE EFI ROM, iPXE script" uefi-ipxe
boot "UEFI, iPXE EFI ROM, the same GRUB file" uefi-ipxe-grub
boot "unknown machine, pxelinux default entry" pxelinux 52:54:00:77:00:99

done_testing
