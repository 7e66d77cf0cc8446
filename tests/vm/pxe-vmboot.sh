#!/bin/sh
# pxe-vmboot.sh MODE: boots one QEMU client over the network from what
# `diskless pxe` and `diskless export --format dnsmasq` write (dnsmasq as
# the DHCP and TFTP server here), with a tiny busybox initramfs that prints
# /proc/cmdline and powers off, and checks the line the machine booted
# with. Run by t-pxe-boot.sh; root. Packages: qemu-system-x86, ipxe-qemu,
# ovmf, dnsmasq-base, busybox-static, cpio, linux-image-amd64, pxelinux,
# syslinux-common, grub-efi-amd64-bin.
#
# MODE: ipxe           BIOS, QEMU's iPXE ROM -> boot.ipxe -> ipxe/01-<mac>.ipxe
#       pxelinux       BIOS, iPXE ROM given pxelinux.0 -> pxelinux.cfg/01-<mac>
#       uefi           OVMF's own PXE (virtio, no ROM) -> grubnetx64.efi -> grub.cfg-01-<mac>
#       uefi-ipxe      OVMF + iPXE EFI ROM (e1000) -> boot.ipxe
#       uefi-ipxe-grub OVMF + iPXE EFI ROM given grubnetx64.efi
# CMAC=<mac> boots an unknown machine instead (the default menus).
set -u
MODE=${1:?mode}
: "${DISKLESS:=builder/diskless}"
KERNEL=${KERNEL:-$(ls /boot/vmlinuz-* | sort -V | tail -1)}
W=$(mktemp -d "${TMPDIR:-/tmp}/diskless-vmboot.XXXXXX")
chmod 755 "$W" # dnsmasq's TFTP runs as nobody
NS=dlvm-$$
MAC=52:54:00:77:00:01
CMAC=${CMAC:-$MAC}
[ -n "$CMAC" ] || CMAC=$MAC
DJ=
cleanup() {
	[ -n "$DJ" ] && kill "$DJ" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The initramfs: busybox and an /init that reports the command line.
mkdir -p "$W/ird/bin" "$W/ird/dev" "$W/ird/proc"
cp /bin/busybox "$W/ird/bin/"
cat >"$W/ird/init" <<'EOT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
echo "DLCMDLINE: $(/bin/busybox cat /proc/cmdline)"
/bin/busybox poweroff -f
EOT
chmod 755 "$W/ird/init"
mknod -m 600 "$W/ird/dev/console" c 5 1
(cd "$W/ird" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$W/initrd.img"

cat >"$W/site.conf" <<EOT
[server]
interface = br$$
address = 10.76.0.1
mode = full
tftp-root = $W/tftp
[dhcp]
range = 10.76.0.100 10.76.0.199
netmask = 255.255.255.0
router = 10.76.0.1
dns = 10.76.0.1
[image lab]
root = /srv/diskless/images/lab
nfs-options = vers=3,proto=tcp,nolock
overlay = tmpfs
cmdline = console=ttyS0,115200n8 panic=1
[host vmc01]
mac = $MAC
address = 10.76.0.11
image = lab
EOT
"$DISKLESS" -c "$W/site.conf" pxe --kernel "lab=$KERNEL" --initrd "lab=$W/initrd.img" || exit 1
"$DISKLESS" -c "$W/site.conf" export --format dnsmasq >"$W/dnsmasq.conf" || exit 1
case $MODE in
pxelinux | uefi-ipxe-grub) # no iPXE tag: iPXE gets the loader of its arch
	sed -i '/^dhcp-userclass=set:ipxe/d; /^dhcp-match=set:ipxe/d' "$W/dnsmasq.conf" ;;
esac

ip netns add "$NS" || exit 1
ip -n "$NS" link set lo up
ip -n "$NS" link add name br$$ type bridge
ip -n "$NS" addr add 10.76.0.1/24 dev br$$
ip -n "$NS" link set br$$ up
ip -n "$NS" tuntap add dev tap$$ mode tap
ip -n "$NS" link set tap$$ master br$$
ip -n "$NS" link set tap$$ up
timeout 300 ip netns exec "$NS" dnsmasq --keep-in-foreground --conf-file="$W/dnsmasq.conf" \
	--dhcp-leasefile="$W/leases" --log-dhcp --log-facility="$W/dnsmasq.log" \
	--pid-file="$W/dnsmasq.pid" &
DJ=$!
sleep 0.5

FW= NIC="-device e1000,netdev=n0,mac=$CMAC"
case $MODE in
uefi*)
	cp /usr/share/OVMF/OVMF_VARS_4M.fd "$W/vars.fd"
	FW="-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"
	FW="$FW -drive if=pflash,format=raw,unit=1,file=$W/vars.fd" ;;
esac
[ "$MODE" = uefi ] && NIC="-device virtio-net-pci,netdev=n0,mac=$CMAC,romfile="
start=$(date +%s)
# shellcheck disable=SC2086
timeout 200 ip netns exec "$NS" qemu-system-x86_64 -machine pc -accel tcg -m 512 \
	-nographic -serial stdio -monitor none -no-reboot -boot n $FW \
	-netdev tap,id=n0,ifname=tap$$,script=no,downscript=no $NIC >"$W/console.log" 2>&1
end=$(date +%s)
line=$(grep -a '^DLCMDLINE: ' "$W/console.log" | tr -d '\r')
echo "mode=$MODE mac=$CMAC seconds=$((end - start))"
echo "$line"
if [ "$CMAC" = "$MAC" ]; then
	want="root=/dev/nfs nfsroot=10.76.0.1:/srv/diskless/images/lab,vers=3,proto=tcp,nolock ro ip=10.76.0.11:10.76.0.1:10.76.0.1:255.255.255.0:vmc01::off:10.76.0.1 BOOTIF=01-52-54-00-77-00-01 diskless.overlay=tmpfs console=ttyS0,115200n8 panic=1"
else
	want="ip=dhcp diskless.overlay=tmpfs console=ttyS0,115200n8 panic=1"
fi
case $line in
*"$want"*) echo "PASS"; exit 0 ;;
*) echo "FAIL: want ...$want..."; tail -20 "$W/console.log"; exit 1 ;;
esac
