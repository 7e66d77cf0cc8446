#!/bin/sh
# A real base: Debian bookworm minbase (with systemd, ifupdown and sshd)
# made by mmdebstrap, cached under /var/cache/diskless-test/ between runs,
# built into a lab image; its fstab parsed back with libmount (findmnt), the
# network configuration present for each stack it has, identity and
# leftovers handled, and the manifest verified. Skipped when mmdebstrap
# cannot reach the Debian mirror.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
need_root
need_cmd findmnt bsdtar

CACHE=/var/cache/diskless-test
BASE=$CACHE/bookworm-minbase.tar
MIRROR=${DISKLESS_TEST_MIRROR:-http://deb.debian.org/debian}
if [ ! -f "$BASE" ] || [ ! -s "$BASE" ]; then
	command -v mmdebstrap >/dev/null 2>&1 || skip_all "needs mmdebstrap"
	mkdir -p "$CACHE"
	SOURCE_DATE_EPOCH=1700000000 timeout 900 mmdebstrap --quiet --variant=minbase \
		--include=systemd-sysv,udev,ifupdown,openssh-server,iproute2 \
		bookworm "$CACHE/.new-minbase.tar" "$MIRROR" >"$TEST_TMP/mmdebstrap.log" 2>&1 ||
		{ rm -f "$CACHE/.new-minbase.tar"; skip_all "mmdebstrap cannot reach the Debian mirror $MIRROR"; }
	mv "$CACHE/.new-minbase.tar" "$BASE"
fi

T=$TEST_TMP
. "$top_srcdir/tests/cli/build-lib.sh" || exit 1
build_site "" "[dhcp]
dns = 10.0.0.53"
I=$T/img

plan 29
export SOURCE_DATE_EPOCH=1700000000
ok "build a lab image from the Debian base" build --from "$BASE" --clean-apt --out-dir "$I"
ok "the tree matches its manifest" "$DISKLESS" verify "$I"
is "fstab: the root line, read by libmount" \
	"$(findmnt -n -s --tab-file "$I/etc/fstab" -o SOURCE,FSTYPE,OPTIONS /)" \
	"10.0.0.1:/srv/diskless/images/lab nfs    ro,vers=3,proto=tcp,nolock"
for m in /tmp /var/tmp /var/log /var/lib/dhcp /var/lib/systemd /var/spool; do
	is "fstab: tmpfs on $m" "$(findmnt -n -s --tab-file "$I/etc/fstab" -o FSTYPE "$m")" tmpfs
done
ok "fstab: every mount point exists" test -d "$I/var/lib/dhcp" -a -d "$I/var/tmp" \
	-a -d "$I/var/lib/systemd" -a -d "$I/var/spool"
ok "ifupdown: networking.service runs no ifdown at stop" \
	grep -qx 'ExecStop=' "$I/etc/systemd/system/networking.service.d/diskless.conf"
ok "ifupdown: no interface is auto or hotplug but lo" \
	sh -c "! grep -Eq '^(auto|allow-hotplug) +[^l]|inet +dhcp' '$I/etc/network/interfaces'"
ok "networkd: it is in the base (its boot NIC file is written at boot)" \
	test -x "$I/lib/systemd/systemd-networkd"
ok "networkd: no static file taking every NIC" sh -c "! grep -rqs Type=ether '$I/etc/systemd/network'"
# The per-boot script, run against this image's own tools and a fake /proc,
# /sys and /run: the boot NIC's networkd file in /run.
F=$T/fake
mkdir -p "$F/proc/sys/kernel" "$F/sys/class/net" "$F/run"
echo 'BOOTIF=01-52-54-00-12-34-56 ip=10.0.0.5:10.0.0.1::255.255.255.0:pc05:eth0:off' >"$F/proc/cmdline"
echo '(none)' >"$F/proc/sys/kernel/hostname"
ok "identity script runs under the image's /bin/sh" \
	env DISKLESS_IDENTITY_ROOT="$F" "$I/bin/sh" "$I/usr/lib/diskless/diskless-identity"
is "networkd: keeps the boot MAC's configuration, no DHCP" \
	"$(grep -E '^(MACAddress|DHCP|KeepConfiguration)=' "$F/run/systemd/network/00-diskless-boot.network" | tr '\n' ' ')" \
	"MACAddress=52:54:00:12:34:56 DHCP=no KeepConfiguration=yes "
is "systemd-network-generator is masked" \
	"$(readlink "$I/etc/systemd/system/systemd-network-generator.service")" /dev/null
ok "no NetworkManager config (it is not installed)" test ! -e "$I/etc/NetworkManager"
is "machine-id: present and empty" "$(stat -c %s "$I/etc/machine-id")" 0
ok "no /etc/hostname (the kernel's, from ip=, is kept)" test ! -e "$I/etc/hostname"
is "ssh host keys: per client, in RAM" "$(readlink "$I/etc/ssh/ssh_host_ed25519_key")" \
	/run/diskless/ssh/ssh_host_ed25519_key
is "no private host key left in the image" \
	"$(find "$I/etc/ssh" -name 'ssh_host_*' -type f | wc -l)" 0
is "no log files left" "$(find "$I/var/log" -type f | wc -l)" 0
is "apt lists cleaned" "$(find "$I/var/lib/apt/lists" -type f | wc -l)" 0
like "resolv.conf from the site" "$(cat "$I/etc/resolv.conf")" "nameserver 10.0.0.53"
is "owners kept (numeric)" "$(stat -c %u:%g "$I/etc/shadow")" "0:42"
ok "tarball of the same image" build --from "$BASE" --clean-apt --out-tar "$T/lab.tar"
ok "tree and tarball: same manifest" cmp "$I.mtree" "$T/lab.tar.mtree"
build --from "$BASE" --clean-apt --out-tar "$T/lab2.tar" >/dev/null 2>&1
ok "reproducible tarball" cmp "$T/lab.tar" "$T/lab2.tar"
done_testing
