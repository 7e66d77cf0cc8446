#!/bin/bash
# the TAP driver runs tests with $(SHELL) (dash): this one needs bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# Real firmware boots from disklessd in full DHCP mode: its DHCP and TFTP,
# the tree of `diskless pxe`, the initramfs of `diskless initrd`, NFS-Ganesha
# with the exports of `diskless export`, diskless-init mounting the root.
# One server namespace, one ganesha and one disklessd serve every boot:
#   1. BIOS, QEMU's iPXE ROM -> boot.ipxe -> the host's iPXE script, NFSv3;
#   2. two BIOS clients at once on two taps: one through pxelinux and its
#      per-MAC config (NFSv4.2), one through iPXE on a read-only export with
#      diskless.overlay=tmpfs (the guest writes, the export is unchanged);
#      each gets its own address, host name, boot id and machine-id;
#   3. UEFI, OVMF's own PXE -> grubnetx64.efi -> grub.cfg-01-<mac>, NFSv4.2;
#   4. a machine the site does not list, through pxelinux's default menu
#      (menu.c32), ip=dhcp inside the init, an address from the range;
#   5. `diskless pxe` run again under the running disklessd (the image's
#      initramfs now padded to 50 MB: the new tree must be served), then
#      disklessd stopped (SIGTERM) and started again while the client is in
#      the middle of that initramfs: the transfer ends with an ERROR, the
#      host's iPXE script loads again, the client boots;
#   6. UEFI, disklessd killed (SIGKILL) in the middle of that initramfs and
#      started again: GRUB times out, reboots (its config says so) and the
#      second PXE boot succeeds.
# QEMU's iPXE ROM announces itself as iPXE, so with this site (the default
# `[boot] ipxe = boot.ipxe`) disklessd hands it boot.ipxe; boots 2 and 4
# reach pxelinux through a per-MAC iPXE script the test puts in the tree
# (`chain /pxelinux.0`), so both iPXE scripts and pxelinux run in one
# site. t-pxe-late.sh boots through `ipxe = loader` (pxelinux.0 straight
# from the DHCP answer).
# Every boot is judged by what only the booted root prints (its image token,
# host name, address), and by what reached the export. Opt-in VM test:
# QEMU TCG, root only.
. "$(dirname "$0")/vm-lib.sh"
. "$(dirname "$0")/pxe-lib.sh"
pxe_require
vm_plan 43
vm_net_setup || { vm_ok 1 "network namespaces"; exit 0; }
pxe_tap "t2$VM_ID" || { vm_ok 1 "second tap"; exit 0; }

MAC1=52:54:00:4e:42:01 MAC2=52:54:00:4e:42:02 MAC3=52:54:00:4e:42:03
MAC4=52:54:00:4e:42:04 MAC5=52:54:00:4e:42:05 MAC6=52:54:00:4e:42:06
MACX=52:54:00:4e:42:99
for i in lab3 lab4 labro labbig; do pxe_image "$i"; done
vm_initrd "$VM_WORK/initrd.img"
cp "$VM_WORK/initrd.img" "$VM_WORK/big.img"

# image NAME NFS-OPTIONS OVERLAY INITRD [WORD]: WORD rw mounts the root
# writable (after the generated "ro"), so the root can write its boot id
# into the export for the test to read
image() {
	printf '[image %s]\nroot = %s\nnfs-options = %s\noverlay = %s\n' \
		"$1" "$VM_WORK/img/$1" "$2" "$3"
	printf 'kernel = %s\ninitrd = %s\ncmdline = panic=5 console=ttyS0,115200n8 %s\n' \
		"$VM_KERNEL" "$VM_WORK/$4" "${5:-}"
}
host() { # NAME MAC ADDRESS IMAGE
	printf '[host %s]\nmac = %s\naddress = %s\nimage = %s\n' "$@"
}
{
	pxe_site_server full
	cat <<EOF
[dhcp]
range = 10.77.0.100 10.77.0.150
netmask = 255.255.255.0
router = $VM_SRV_IP
dns = $VM_SRV_IP
EOF
	image lab3 vers=3,proto=tcp,nolock none initrd.img rw
	image lab4 vers=4.2 none initrd.img rw
	image labro vers=4.2 tmpfs initrd.img
	image labbig vers=3,proto=tcp,nolock none big.img
	host pc1 "$MAC1" 10.77.0.11 lab3
	host pc2 "$MAC2" 10.77.0.12 lab4
	host pc3 "$MAC3" 10.77.0.13 labro
	host pc4 "$MAC4" 10.77.0.14 lab4
	host pc5 "$MAC5" 10.77.0.15 labbig
	host pc6 "$MAC6" 10.77.0.16 labbig
} >"$PXE_SITE"

pxe_tree; vm_ok $? "diskless pxe wrote the TFTP tree"
for m in "$MAC2" "$MACX"; do
	printf '#!ipxe\nchain /pxelinux.0\n' >"$VM_WORK/tftp/ipxe/01-${m//:/-}.ipxe"
done
pxe_ganesha lab3 lab4 labbig || { vm_ok 1 "ganesha started"; exit 0; }
pxe_daemon_start || { vm_ok 1 "disklessd started"; exit 0; }
ro_before=$(pxe_snapshot labro)

# boot_id_written NAME IMAGE HOST: the boot id the console shows is the one
# the root wrote into the export (the NFS root was the image, writable).
boot_id_written() {
	local id
	id=$(pxe_value "$1" BOOT-ID)
	[ -n "$id" ] && [ "$(cat "$VM_WORK/img/$2/boot-id.$3" 2>/dev/null)" = "$id" ]
	vm_ok $? "$1: the root wrote its boot id into the $2 export"
}

# 1. BIOS, the iPXE path, NFSv3
pxe_boot bios-v3 bios "$MAC1" "$VM_TAP" 180
pxe_timings bios-v3 "$MAC1" 10.77.0.11
pxe_booted bios-v3 lab3 pc1 10.77.0.11
pxe_served "$MAC1" 10.77.0.11 "DHCPACK 10.77.0.11 file boot.ipxe" "ipxe/01-52-54-00-4e-42-01.ipxe"
pxe_has bios-v3 "ROOTMOUNT $VM_SRV_IP:$VM_WORK/img/lab3 / nfs rw,.*vers=3"
vm_ok $? "bios-v3: root is NFSv3 from the image (rw from the image's cmdline)"
boot_id_written bios-v3 lab3 pc1

# 2. two clients at once: pxelinux + NFSv4.2, and iPXE + read-only + overlay
pxe_boot pair-pxelinux bios "$MAC2" "$VM_TAP" 240 &
p=$!
pxe_boot pair-overlay bios "$MAC3" "t2$VM_ID" 240
wait "$p"
pxe_timings pair-pxelinux "$MAC2" 10.77.0.12
pxe_timings pair-overlay "$MAC3" 10.77.0.13
pxe_booted pair-pxelinux lab4 pc2 10.77.0.12
pxe_served "$MAC2" 10.77.0.12 "DHCPACK 10.77.0.12" "pxelinux.cfg/01-52-54-00-4e-42-02"
pxe_has pair-pxelinux "ROOTMOUNT $VM_SRV_IP:$VM_WORK/img/lab4 / nfs4 rw,.*vers=4.2"
vm_ok $? "pair-pxelinux: root is NFSv4.2"
boot_id_written pair-pxelinux lab4 pc2
pxe_booted pair-overlay labro pc3 10.77.0.13
pxe_served "$MAC3" 10.77.0.13 "DHCPACK 10.77.0.13" "ipxe/01-52-54-00-4e-42-03.ipxe"
pxe_has pair-overlay "ROOTMOUNT overlay / overlay .*lowerdir=/run/diskless/ro" &&
	pxe_has pair-overlay "ROOTMOUNT $VM_SRV_IP:$VM_WORK/img/labro /run/diskless/ro nfs4 ro,"
vm_ok $? "pair-overlay: / is an overlay over the read-only NFSv4.2 export"
pxe_has pair-overlay '^[0-9.]+ GUEST-WRITE-OK$' && pxe_has pair-overlay ' MACHINE-ID [0-9a-f]{32} etc$'
vm_ok $? "pair-overlay: the guest wrote / and its /etc/machine-id"
[ "$(pxe_snapshot labro)" = "$ro_before" ]
vm_ok $? "pair-overlay: the read-only export is unchanged on the server"
id2=$(pxe_value pair-pxelinux MACHINE-ID) id3=$(pxe_value pair-overlay MACHINE-ID)
[ -n "$id2" ] && [ -n "$id3" ] && [ "$id2" != "$id3" ] &&
	[ "$(pxe_value pair-pxelinux BOOT-ID)" != "$(pxe_value pair-overlay BOOT-ID)" ]
vm_ok $? "pair: machine-ids ($id2, $id3) and boot ids differ"
vm_diag "pair: both QEMUs ran together $(pxe_overlap pair-pxelinux pair-overlay) s"

# 3. UEFI: OVMF's own PXE, GRUB, NFSv4.2
pxe_boot uefi uefi "$MAC4" "$VM_TAP" 180
pxe_timings uefi "$MAC4" 10.77.0.14
pxe_booted uefi lab4 pc4 10.77.0.14
pxe_served "$MAC4" 10.77.0.14 "DHCPACK 10.77.0.14 file grubnetx64.efi" "/grub/grub.cfg-01-52-54-00-4e-42-04"
boot_id_written uefi lab4 pc4

# 4. a machine not in the site: pxelinux's default menu, ip=dhcp
pxe_boot default bios "$MACX" "$VM_TAP" 240
ipx=$(awk -v m="from $MACX " 'index($0, m) && / DHCPACK 10\.77\.0\.1[0-9][0-9] / {
	for (i = 1; i < NF; i++) if ($i == "DHCPACK") { print $(i + 1); exit } }' "$PXE_DLOG")
pxe_timings default "$MACX" "$ipx"
pxe_booted default lab3 "" "${ipx:-none}"
pxe_served "$MACX" "$ipx" "DHCPACK 10.77.0.1[0-9][0-9]" "pxelinux.cfg/default"
pxe_has default "Command line: .* ip=dhcp .*BOOTIF=01-${MACX//:/-}" &&
	pxe_has default "diskless-init: DHCP: $ipx from server $VM_SRV_IP"
vm_ok $? "default: the menu's ip=dhcp entry (IPAPPEND 2), the init's own DHCP gave $ipx"

# 5. labbig's initramfs padded with zeros (the kernel skips them; TFTP takes
# about 5 s) and `diskless pxe` run again while disklessd serves: it swaps
# the new tree in, which the running daemon must serve from now on
head -c 48M /dev/zero >>"$VM_WORK/big.img"
pxe_tree; vm_ok $? "diskless pxe wrote the tree again under the running disklessd"
# then disklessd is restarted while the client loads that initramfs
pxe_boot restart bios "$MAC5" "$VM_TAP" 240 &
p=$!
pxe_restart_in_tftp restart 10.77.0.15 TERM; r=$?
wait "$p"
vm_ok $r "restart: disklessd started again"
pxe_timings restart "$MAC5" 10.77.0.15
awk -v t="$PXE_CUT" '$1 >= t && /tftp: 10\.77\.0\.15:.*labbig\/initrd\.img.: failed after [0-9]+ bytes .*: server shutting down/ { f = 1 }
	f && /tftp: 10\.77\.0\.15:.*labbig\/initrd\.img.: sent 5[0-9]+ bytes/ { s = 1 } END { exit !s }' "$PXE_DLOG"
vm_ok $? "restart: the initramfs transfer was cut by the stop, then served whole"
pxe_has restart "diskless: loading image labbig failed, trying again in 5 s" &&
	pxe_has restart "Command line: .* ip=10\.77\.0\.15:$VM_SRV_IP:"
vm_ok $? "restart: the host's iPXE script loaded again, with its own command line"
pxe_booted restart labbig pc5 10.77.0.15

# 6. UEFI, disklessd killed (SIGKILL) in the middle of the initramfs: no
# ERROR reaches GRUB, which times out, says so and reboots the machine
pxe_boot killed uefi "$MAC6" "$VM_TAP" 300 reboot &
p=$!
pxe_restart_in_tftp killed 10.77.0.16 KILL; r=$?
wait "$p"
vm_ok $r "killed: disklessd started again"
pxe_timings killed "$MAC6" 10.77.0.16
pxe_has killed "diskless: loading /labbig failed, starting over in 5 s" &&
	[ "$(grep -c "from $MAC6 .*: DHCPACK 10.77.0.16 file grubnetx64.efi" "$PXE_DLOG")" -ge 2 ]
vm_ok $? "killed: GRUB gave up on the cut initramfs and rebooted into a second PXE boot"
pxe_booted killed labbig pc6 10.77.0.16
grep -q -E 'runtime error|Sanitizer' "$PXE_DLOG"
[ $? != 0 ]; vm_ok $? "no sanitizer report from disklessd"
exit 0
