#!/bin/bash
# the TAP driver runs tests with $(SHELL) (dash): this one needs bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# The NFS server started late, through the whole PXE chain: disklessd (full
# DHCP mode) serves `diskless pxe`'s tree and `diskless initrd`'s initramfs,
# NFS-Ganesha is not running yet. A BIOS client (QEMU's iPXE ROM) boots
# through DHCP, TFTP, pxelinux (the site's `ipxe = loader`: disklessd hands
# iPXE the BIOS loader, pxelinux.0, which reads the host's per-MAC
# config), the kernel and diskless-init, which cannot mount its
# root and says what it waits for; 20 s after that line, ganesha starts, and
# the boot goes on to the root's init. Judged by the root's token on the
# console, and by the order: the init's wait line came before ganesha was
# started, the root's marker after. (t-init-late-server.sh covers the init
# alone, booted directly.) Opt-in VM test: QEMU TCG, root only.
. "$(dirname "$0")/vm-lib.sh"
. "$(dirname "$0")/pxe-lib.sh"
pxe_require
vm_plan 8
vm_net_setup || { vm_ok 1 "network namespaces"; exit 0; }

MAC=52:54:00:4e:44:01 IP=10.77.0.21
pxe_image late
{
	pxe_site_server full
	cat <<EOF
[boot]
ipxe = loader
[dhcp]
range = 10.77.0.100 10.77.0.150
netmask = 255.255.255.0
[image late]
root = $VM_WORK/img/late
nfs-options = vers=3,proto=tcp,nolock
overlay = none
kernel = $VM_KERNEL
initrd = $VM_WORK/initrd.img
cmdline = panic=5 console=ttyS0,115200n8
[host pc1]
mac = $MAC
address = $IP
image = late
EOF
} >"$PXE_SITE"
pxe_tree; vm_ok $? "diskless pxe wrote the TFTP tree"
pxe_daemon_start || { vm_ok 1 "disklessd started"; exit 0; }

pxe_boot late bios "$MAC" "$VM_TAP" 300 &
qemu=$!
# the init's first wait line (bounded by the boot's own timeout), then 20 s
waited=""
for _ in $(seq 1 1500); do
	waited=$(pxe_when "$VM_WORK/late.log" "diskless-init: waiting for NFS server $VM_SRV_IP")
	[ -n "$waited" ] && break
	kill -0 "$qemu" 2>/dev/null || break
	sleep 0.2
done
[ -n "$waited" ]; vm_ok $? "the init said it waits for NFS server $VM_SRV_IP (with ganesha not started)"
[ -n "$waited" ] && sleep 20
started=$EPOCHREALTIME
pxe_ganesha late; r=$?
vm_ok $r "ganesha started $(pxe_since "${waited:-$started}" "$started") s after the init's wait line"
wait "$qemu"
t0=$(cat "$VM_WORK/late.t0")
pxe_timings late "$MAC" "$IP"
vm_diag "late: wait line $(pxe_since "$t0" "$waited") s, ganesha started $(pxe_since "$t0" "$started") s from QEMU start"

pxe_booted late late pc1 "$IP"
pxe_served "$MAC" "$IP" "DHCPACK $IP .*pxelinux\.0" "pxelinux.cfg/01-${MAC//:/-}"
marker=$(pxe_when "$VM_WORK/late.log" 'DISKLESS-ROOT-MARKER')
answered=$(pxe_when "$VM_WORK/late.log" "NFS server $VM_SRV_IP answered after")
[ -n "$waited" ] && [ -n "$marker" ] && [ -n "$answered" ] &&
	awk -v w="$waited" -v s="$started" -v a="$answered" -v m="$marker" 'BEGIN { exit !(w < s && s < a && a <= m) }'
vm_ok $? "order: wait line, ganesha start, the init's \"answered after\" line, then the root's marker"
exit 0
