#!/bin/sh
# The per-client identity of a shared image: rootfs-overlays' diskless-identity
# script run against a fake root (DISKLESS_IDENTITY_ROOT: fake /proc/cmdline,
# /sys/class/net, /run) over a table of kernel command lines, hostile ones
# included; then what `diskless build` puts in the image for it (unit
# ordering, no static networkd/NM file for every NIC, writable /var/lib/systemd
# and /var/spool) and the SSH host key choice of each profile. Unprivileged.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
need_cmd bsdtar sha256sum

T=$TEST_TMP
ID=$top_srcdir/rootfs-overlays/common/usr/lib/diskless/diskless-identity

# A fake root: eth0 up (52:54:00:00:00:e0), eth1 down (52:54:00:00:00:e1).
fake_root() {
	F=$T/root.$1
	rm -rf "$F"
	mkdir -p "$F/proc/sys/kernel" "$F/run" "$F/sys/class/net/lo" \
		"$F/sys/class/net/eth0" "$F/sys/class/net/eth1"
	echo 00:00:00:00:00:00 >"$F/sys/class/net/lo/address"
	echo unknown >"$F/sys/class/net/lo/operstate"
	echo 52:54:00:00:00:E0 >"$F/sys/class/net/eth0/address"
	echo up >"$F/sys/class/net/eth0/operstate"
	echo 52:54:00:00:00:e1 >"$F/sys/class/net/eth1/address"
	echo down >"$F/sys/class/net/eth1/operstate"
	echo '(none)' >"$F/proc/sys/kernel/hostname"
}

mid() { printf 'diskless-machine-id:%s' "$1" | sha256sum | cut -c1-32; }

# name | command line | /run/net-*.conf DEVICE (or -) | boot MAC wanted (or -) | hostname wanted
CASES='pxelinux BOOTIF and ip=|BOOTIF=01-52-54-00-12-34-56 ip=10.0.0.5:10.0.0.1::255.255.255.0:pc05:eth0:off|-|52:54:00:12:34:56|pc05
BOOTIF in capitals|ro BOOTIF=01-52-54-00-AB-CD-EF quiet|-|52:54:00:ab:cd:ef|(none)
BOOTIF wins over wwid and net conf|wwid=52:54:00:00:00:01 BOOTIF=01-52-54-00-00-00-02|eth1|52:54:00:00:00:02|(none)
wwid (Warewulf)|wwid=52:54:00:AA:BB:CC|-|52:54:00:aa:bb:cc|(none)
no BOOTIF: the NIC the init configured|root=/dev/nfs ip=dhcp|eth1|52:54:00:00:00:e1|(none)
no BOOTIF, no net conf: the first NIC up|root=/dev/nfs|-|52:54:00:00:00:e0|(none)
malformed BOOTIF (bad hex)|BOOTIF=01-zz-54-00-12-34-56|-|52:54:00:00:00:e0|(none)
malformed BOOTIF (7 bytes)|BOOTIF=01-52-54-00-12-34-56-78|eth1|52:54:00:00:00:e1|(none)
malformed BOOTIF (short)|BOOTIF=01-52-54-00|-|52:54:00:00:00:e0|(none)
BOOTIF of another hardware type|BOOTIF=06-52-54-00-12-34-56|-|52:54:00:00:00:e0|(none)
BOOTIF all zeros|BOOTIF=01-00-00-00-00-00-00|-|52:54:00:00:00:e0|(none)
hostile net conf DEVICE|x|../../../etc|52:54:00:00:00:e0|(none)
overlong host name ignored|ip=10.0.0.5::::hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh:eth0:off|-|52:54:00:00:00:e0|(none)
64-byte host name kept|ip=10.0.0.5::::hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh:eth0:off|-|52:54:00:00:00:e0|hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh
shell words in the host name|ip=10.0.0.5::::pc;reboot:eth0:off BOOTIF=01-52-54-00-12-34-56|-|52:54:00:12:34:56|(none)
host name starting with a dash|ip=10.0.0.5::::-n:eth0:off|-|52:54:00:00:00:e0|(none)
a glob is not expanded|ip=* BOOTIF=01-52-54-00-12-34-56 /*|-|52:54:00:12:34:56|(none)
host name the init set is kept|ip=10.0.0.5::::other:eth0:off|-|52:54:00:00:00:e0|KEEP'


plan 114
i=0
printf '%s\n' "$CASES" >"$T/cases"
while IFS='|' read -r name cmdline dev mac host; do
	i=$((i + 1))
	fake_root "$i"
	printf '%s\n' "$cmdline" >"$F/proc/cmdline"
	[ "$dev" = - ] || printf "DEVICE='%s'\nPROTO='dhcp'\n" "$dev" >"$F/run/net-x$i.conf"
	[ "$host" = KEEP ] && { echo pc-init >"$F/proc/sys/kernel/hostname"; host=pc-init; }
	ok "$name: runs" env DISKLESS_IDENTITY_ROOT="$F" sh "$ID"
	is "$name: machine-id from $mac" "$(cat "$F/run/diskless/machine-id" 2>&1)" "$(mid "$mac")"
	is "$name: networkd keeps the boot NIC" \
		"$(grep -E '^(MACAddress|DHCP|KeepConfiguration)=' "$F/run/systemd/network/00-diskless-boot.network" 2>&1 | tr '\n' ' ')" \
		"MACAddress=$mac DHCP=no KeepConfiguration=yes "
	is "$name: NetworkManager leaves it alone" \
		"$(grep unmanaged "$F/run/NetworkManager/conf.d/90-diskless-boot.conf" 2>&1)" \
		"unmanaged-devices+=mac:$mac"
	is "$name: host name" "$(cat "$F/proc/sys/kernel/hostname")" "$host"
	[ "$i" = 17 ] && is "$name: nothing written outside run" \
		"$(find "$F" -path "$F/run" -prune -o -type f -newer "$F/proc/cmdline" -print)" ""
done <"$T/cases"
is "golden machine-id (every client keeps its ID across versions)" \
	"$(mid 52:54:00:12:34:56)" 69fee2e35b05393f5a2c7fa2d35d4a9d

fake_root none
rm -rf "$F/sys/class/net/eth0" "$F/sys/class/net/eth1"
echo 'ro BOOTIF=garbage' >"$F/proc/cmdline"
ok "no boot NIC at all: still exits 0" env DISKLESS_IDENTITY_ROOT="$F" sh "$ID"
is "no boot NIC: no machine-id, no network file" "$(find "$F/run" -type f | wc -l)" 0
like "no boot NIC: says why" "$(cat "$T/.out")" "no boot NIC found"

fake_root twice
echo 'BOOTIF=01-52-54-00-12-34-56' >"$F/proc/cmdline"
DISKLESS_IDENTITY_ROOT="$F" sh "$ID"
a=$(cat "$F/run/diskless/machine-id")
DISKLESS_IDENTITY_ROOT="$F" sh "$ID"
is "deterministic: a second boot gives the same machine-id" "$(cat "$F/run/diskless/machine-id")" "$a"
like "the machine-id is 32 hex digits" "$a" '^[0-9a-f]{32}$'
is "two MACs, two machine-ids" "$(mid 52:54:00:12:34:56 | grep -c "$(mid 52:54:00:12:34:57)")" 0

U=$top_srcdir/rootfs-overlays/common/etc/systemd/system/diskless-identity.service
like "unit: runs before networkd and NetworkManager" "$(grep '^Before=' "$U" | tr '\n' ' ')" \
	'systemd-networkd.service.*NetworkManager.service'
like "unit: runs before journald" "$(grep '^Before=' "$U")" 'systemd-journald.service'

# ---- what the build puts in the image ----
. "$top_srcdir/tests/cli/build-lib.sh" || exit 1
build_site
B=$T/base
mkdir -p "$B/usr/sbin" "$B/usr/lib/systemd" "$B/etc/ssh" "$B/etc/systemd/network" \
	"$B/var/lib/systemd" "$B/var/spool/cron/crontabs"
echo sshd >"$B/usr/sbin/sshd"
echo networkd >"$B/usr/lib/systemd/systemd-networkd"
echo nm >"$B/usr/sbin/NetworkManager"
echo private >"$B/etc/ssh/ssh_host_ed25519_key"
echo public >"$B/etc/ssh/ssh_host_ed25519_key.pub"
(cd "$B" && bsdtar -cf "$T/base.tar" .)
export SOURCE_DATE_EPOCH=1700000000

ok "lab image" build --from "$T/base.tar" --profile lab --out-tar "$T/lab.tar"
bsdtar -xf "$T/lab.tar" -C "$(mkdir "$T/lab" && echo "$T/lab")"
L=$T/lab
is "lab: the image's private host key is removed" \
	"$(find "$L/etc/ssh" -name 'ssh_host_*' -type f | wc -l)" 0
is "lab: host keys are per client, in RAM" "$(readlink "$L/etc/ssh/ssh_host_ed25519_key")" \
	/run/diskless/ssh/ssh_host_ed25519_key
ok "lab: the unit making them is wanted by sshd" \
	test -L "$L/etc/systemd/system/ssh.service.wants/diskless-ssh-keys.service"
ok "image: the identity script and unit" sh -c "test -x '$L/usr/lib/diskless/diskless-identity' &&
	test -L '$L/etc/systemd/system/sysinit.target.wants/diskless-identity.service'"
ok "image: no static networkd file matching every NIC" \
	sh -c "! grep -rqs 'Type=ether' '$L/etc/systemd/network'"
ok "image: NetworkManager's ethernet devices are not all unmanaged" \
	sh -c "! grep -rqs 'type:ethernet' '$L/etc/NetworkManager'"
for m in /var/lib/systemd /var/spool; do
	like "image fstab: tmpfs on $m" "$(cat "$L/etc/fstab")" "^tmpfs $m tmpfs nosuid,nodev,noexec,mode=0755 0 0\$"
done
like "image: tmpfiles recreates cron's spool" "$(cat "$L/etc/tmpfiles.d/diskless.conf")" \
	'^d /var/spool/cron/crontabs 1730 root root -$'

ok "cluster-node image" build --from "$T/base.tar" --profile cluster-node --out-tar "$T/cn.tar"
mkdir "$T/cn" && bsdtar -xf "$T/cn.tar" -C "$T/cn"
is "cluster-node: the image's host key is shared" "$(cat "$T/cn/etc/ssh/ssh_host_ed25519_key")" private
ok "cluster-node: no per-client key unit" \
	test ! -e "$T/cn/etc/systemd/system/ssh.service.wants/diskless-ssh-keys.service"
rm "$B/etc/ssh/ssh_host_ed25519_key" "$B/etc/ssh/ssh_host_ed25519_key.pub"
(cd "$B" && bsdtar -cf "$T/base2.tar" .)
build --from "$T/base2.tar" --profile cluster-node --out-tar "$T/cn2.tar" >"$T/cn2.log" 2>&1
like "cluster-node without keys: warned" "$(cat "$T/cn2.log")" "sshd but no host keys"
done_testing
