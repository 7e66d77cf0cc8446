#!/bin/bash
# the TAP driver runs tests with $(SHELL) (dash): this one needs bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# disklessd in proxyDHCP mode next to the site's own DHCP server (Debian's
# dnsmasq in a namespace of its own: addresses only, no TFTP, no boot file,
# no PXE options). Two machines boot at once from their firmware:
#   - BIOS, QEMU's iPXE ROM: the address from dnsmasq, boot.ipxe from
#     disklessd's proxy offer, the host's iPXE script;
#   - UEFI, OVMF's own PXE: the address from dnsmasq, disklessd's proxy offer
#     without option 43 sends it to port 4011, where it gets grubnetx64.efi;
#     GRUB fetches grub.cfg-01-<mac> from disklessd although the DHCPACK it
#     kept names dnsmasq (the prefix built by `diskless pxe` names the boot
#     server: GRUB 2.06 reads neither the proxy offer nor the 4011 reply).
# Both run the init's own DHCP (ip=dhcp: proxy hosts have no fixed address)
# against dnsmasq and mount the NFSv4.2 root read-only. Judged by the root's
# token, the address dnsmasq acked, and disklessd's log (no address given,
# boot files sent). Opt-in VM test: QEMU TCG, root only.
. "$(dirname "$0")/vm-lib.sh"
. "$(dirname "$0")/pxe-lib.sh"
pxe_require dnsmasq
vm_plan 9
vm_net_setup || { vm_ok 1 "network namespaces"; exit 0; }
pxe_tap "t2$VM_ID" || { vm_ok 1 "second tap"; exit 0; }

MAC1=52:54:00:4e:43:01 MAC2=52:54:00:4e:43:02
pxe_image lab
{ pxe_site_server proxy; cat <<EOF
[dhcp]
netmask = 255.255.255.0
[image lab]
root = $VM_WORK/img/lab
nfs-options = vers=4.2
kernel = $VM_KERNEL
initrd = $VM_WORK/initrd.img
cmdline = panic=5 console=ttyS0,115200n8
[host pc1]
mac = $MAC1
image = lab
[host pc2]
mac = $MAC2
image = lab
EOF
} >"$PXE_SITE"
pxe_tree; vm_ok $? "diskless pxe wrote the TFTP tree"
pxe_ganesha || { vm_ok 1 "ganesha started"; exit 0; }
pxe_site_dhcp || { vm_ok 1 "the site's DHCP server started"; exit 0; }
pxe_daemon_start || { vm_ok 1 "disklessd started"; exit 0; }

pxe_boot proxy-bios bios "$MAC1" "$VM_TAP" 240 &
p=$!
pxe_boot proxy-uefi uefi "$MAC2" "t2$VM_ID" 240
wait "$p"

# site_ack MAC: the address dnsmasq acked to MAC first (the firmware's)
site_ack() {
	awk -v m="$1" '/DHCPACK\(/ && $NF == m { print $(NF - 1); exit }' "$VM_WORK/site-dhcp.log"
}
ip1=$(site_ack "$MAC1") ip2=$(site_ack "$MAC2")
pxe_timings proxy-bios "$MAC1" "$ip1"
pxe_timings proxy-uefi "$MAC2" "$ip2"
vm_diag "both QEMUs ran together $(pxe_overlap proxy-bios proxy-uefi) s"
pxe_booted proxy-bios lab "" "${ip1:-none}"
pxe_booted proxy-uefi lab "" "${ip2:-none}"
grep -E "from $MAC1 .*\(bios, iPXE\).*: DHCPOFFER no address file boot\.ipxe \(proxyDHCP offer\)" "$PXE_DLOG" >/dev/null &&
	grep -F "tftp: $ip1:" "$PXE_DLOG" | grep -F "'ipxe/01-52-54-00-4e-43-01.ipxe': sent" >/dev/null &&
	grep -F "tftp: $ip1:" "$PXE_DLOG" | grep -F "'lab/initrd.img': sent" >/dev/null
vm_ok $? "proxy-bios: disklessd's proxy offer (no address) named boot.ipxe; the host's script and the initramfs by TFTP"
grep -E "from $MAC2 .*\(efi-x64\).*: DHCPACK no address file grubnetx64\.efi \(PXE boot server reply\)" "$PXE_DLOG" >/dev/null &&
	grep -F "tftp: $ip2:" "$PXE_DLOG" | grep -F "'/grub/grub.cfg-01-52-54-00-4e-43-02': sent" >/dev/null &&
	grep -F "tftp: $ip2:" "$PXE_DLOG" | grep -F "'/lab/initrd.img': sent" >/dev/null
vm_ok $? "proxy-uefi: grubnetx64.efi from port 4011; GRUB's per-MAC config and the initramfs from disklessd"
pxe_has proxy-bios "diskless-init: DHCP: $ip1 from server 10\.77\.0\.2" &&
	pxe_has proxy-uefi "diskless-init: DHCP: $ip2 from server 10\.77\.0\.2"
vm_ok $? "both: the init's own DHCP answered by the site's server, same address"
pxe_has proxy-uefi "ROOTMOUNT $VM_SRV_IP:$VM_WORK/img/lab / nfs4 ro,.*vers=4.2"
vm_ok $? "proxy-uefi: root is the read-only NFSv4.2 export"
exit 0
