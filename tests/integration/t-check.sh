#!/bin/sh
# t-check.sh: `diskless check` against NFS-Ganesha in a network namespace
# made here: a good export (as `diskless export --format ganesha` writes
# it, so this also shows Ganesha serves that config), a root_squash export,
# a missing path, an image without /sbin/init, a kernel without its modules,
# and a server with NFSv4 only. Each must give the right finding and exit
# code. Needs root (netns), ganesha.nfsd with the VFS FSAL, rpcbind, ip.
. "${top_srcdir:?}/tests/lib.sh" || exit 1

need_root
need_cmd ip ganesha.nfsd rpcbind timeout dd cpio gzip
[ -x "$DISKLESS" ] || skip_all "no diskless program at $DISKLESS"
ip netns add "dlchk-probe-$$" 2>/dev/null || skip_all "cannot create a network namespace"
ip netns del "dlchk-probe-$$"

W=$TEST_TMP
chmod 755 "$W"
NS=dlchk-$$
# A /24 out of 10.78.0.0/16 per process, so parallel runs do not collide.
NET=10.78.$(($$ % 250 + 1))
SRV=$NET.1

# A Linux boot protocol header whose kernel_version string is $2, where
# Debian's 6.1.0-57 kernel has it: 0x42c0 + 0x200, past the first 16 KiB
# (check read only those once).
make_bzimage() {
	head -c 20480 /dev/zero >"$1"
	printf 'HdrS' | dd of="$1" bs=1 seek=$((0x202)) conv=notrunc 2>/dev/null
	printf '\017\002' | dd of="$1" bs=1 seek=$((0x206)) conv=notrunc 2>/dev/null
	printf '\300\102' | dd of="$1" bs=1 seek=$((0x20e)) conv=notrunc 2>/dev/null
	printf '%s (test@diskless) #1 SMP' "$2" | dd of="$1" bs=1 seek=$((0x44c0)) \
		conv=notrunc 2>/dev/null
}

# A small usr-merged root: /sbin -> usr/sbin, /sbin/init an absolute link
# (as Debian's systemd-sysv has it), /etc/shadow 0640 root:42.
make_image() {
	r=$W/img/$1
	mkdir -p "$r/usr/sbin" "$r/usr/lib/systemd" "$r/usr/lib/modules/6.1.0-test" "$r/etc"
	ln -s usr/sbin "$r/sbin"
	ln -s usr/lib "$r/lib"
	cp /bin/sh "$r/usr/lib/systemd/systemd"
	ln -s /lib/systemd/systemd "$r/usr/sbin/init"
	printf 'root:*:19000:0:99999:7:::\n' >"$r/etc/shadow"
	chown 0:42 "$r/etc/shadow"
	chmod 640 "$r/etc/shadow"
	printf '%s:%s / nfs ro,%s 0 0\ntmpfs /tmp tmpfs nosuid,nodev 0 0\n' \
		"$SRV" "$r" "$2" >"$r/etc/fstab"
}

make_image good vers=3,proto=tcp,nolock
make_image squash vers=3,proto=tcp,nolock
make_image noinit vers=3,proto=tcp,nolock
rm "$W/img/noinit/usr/sbin/init"
# A hostile image: /sbin/init loops, /etc/shadow climbs out with "..".
make_image loop vers=3,proto=tcp,nolock
rm "$W/img/loop/usr/sbin/init" "$W/img/loop/etc/shadow"
ln -s ../../sbin/init "$W/img/loop/usr/sbin/init"
ln -s ../../../../../../../../etc/shadow "$W/img/loop/etc/shadow"
make_image v4 vers=4.2,proto=tcp,sec=sys
make_bzimage "$W/vmlinuz" 6.1.0-test
make_bzimage "$W/vmlinuz-other" 6.1.0-other
# An initramfs with the modules of 6.1.0-test, as diskless initrd makes one.
mkdir -p "$W/ird/usr/lib/modules/6.1.0-test/kernel/fs/nfs"
echo module >"$W/ird/usr/lib/modules/6.1.0-test/kernel/fs/nfs/nfs.ko"
(cd "$W/ird" && find . | cpio -o -H newc 2>/dev/null | gzip -n) >"$W/initrd.img"

# site NAME IMAGE NFS-OPTIONS [ROOT]: a one-image site and its TFTP tree.
site() {
	mkdir -p "$W/$1"
	cat >"$W/$1/diskless.conf" <<EOF
[server]
address = $SRV
mode = full
tftp-root = $W/$1/tftp
[dhcp]
netmask = 255.255.255.0
[image $2]
root = ${4:-$W/img/$2}
nfs-options = $3
overlay = none
[host pc-$2]
mac = 52:54:00:00:00:01
address = $NET.11
image = $2
EOF
}
site good good vers=3,proto=tcp,nolock
site squash squash vers=3,proto=tcp,nolock
site gone gone vers=3,proto=tcp,nolock
site noinit noinit vers=3,proto=tcp,nolock
site loop loop vers=3,proto=tcp,nolock
site v4 v4 vers=4.2,proto=tcp,sec=sys
site v3on4 good vers=3,proto=tcp,nolock
site kmod good vers=3,proto=tcp,nolock
# The image's fstab was written for other nfs-options than the site now has.
site opts good vers=3,proto=tcp,nolock,rsize=8192
for s in good squash gone noinit loop v4 v3on4 kmod opts; do
	img=$(sed -n 's/^\[image \(.*\)\]$/\1/p' "$W/$s/diskless.conf")
	k=$W/vmlinuz
	[ "$s" = kmod ] && k=$W/vmlinuz-other
	"$DISKLESS" -c "$W/$s/diskless.conf" pxe --kernel "$img=$k" \
		--initrd "$img=$W/initrd.img" >"$W/$s/pxe.log" 2>&1 ||
		{ cat "$W/$s/pxe.log"; echo "Bail out! diskless pxe failed for $s"; exit 1; }
done

# One Ganesha config for all images: the export output as is, with the
# squash export turned to Root_Squash and a private recovery dir.
cat >"$W/all.conf" <<EOF
[server]
address = $SRV
tftp-root = $W/tftp-all
[dhcp]
netmask = 255.255.255.0
[image good]
root = $W/img/good
[image squash]
root = $W/img/squash
[image gone]
root = $W/img/gone
[image noinit]
root = $W/img/noinit
[image loop]
root = $W/img/loop
[image v4]
root = $W/img/v4
nfs-options = vers=4.2,proto=tcp,sec=sys
EOF
"$DISKLESS" -c "$W/all.conf" export --format ganesha >"$W/ganesha.out" ||
	{ echo "Bail out! diskless export --format ganesha failed"; exit 1; }

ganesha_conf() { # $1: protocols ("3, 4" or "4")
	awk -v rec="$W/recovery" -v proto="$1" '
		/^# image / { img = $3 }
		/^NFSV4 \{/ { print; print "\tRecoveryRoot = \"" rec "\";"; next }
		/Protocols = / { sub(/3, 4/, proto) }
		img == "squash" && /Squash = No_Root_Squash/ { sub(/No_Root_Squash/, "Root_Squash") }
		{ print }' "$W/ganesha.out"
	printf 'LOG { Default_Log_Level = EVENT; }\n'
}

ip netns add "$NS" || { echo "Bail out! ip netns add"; exit 1; }
at_exit "ip netns del $NS"
# Ganesha needs an interface holding the address (a veth: no dummy here).
ip -n "$NS" link add "dlc$$" type veth peer name "dlp$$"
ip -n "$NS" link set lo up
ip -n "$NS" addr add "$SRV/24" dev "dlp$$"
ip -n "$NS" link set "dlp$$" up

# start_server PROTOCOLS: rpcbind (for NFSv3) and Ganesha on a private /run.
start_server() {
	ganesha_conf "$1" >"$W/ganesha.conf"
	rm -rf "$W/recovery" "$W/ganesha.log" "$W/ganesha.pid" "$W/rpcbind.pid"
	mkdir -p "$W/recovery"
	with_rpcbind=0
	[ "$1" = 4 ] || with_rpcbind=1
	cat >"$W/server.sh" <<EOF
mount -t tmpfs tmpfs /run || exit 1
if [ $with_rpcbind = 1 ]; then
	rpcbind -f -w & echo \$! >"$W/rpcbind.pid"
	sleep 0.3
fi
ganesha.nfsd -F -L "$W/ganesha.log" -f "$W/ganesha.conf" -N NIV_EVENT -p "$W/ganesha.pid" &
echo \$! >"$W/ganesha.pidx"
wait
EOF
	timeout 600 ip netns exec "$NS" sh "$W/server.sh" >"$W/server.out" 2>&1 &
	SERVER_SH=$!
	i=0
	while [ $i -lt 100 ]; do
		grep -q "NFS SERVER INITIALIZED" "$W/ganesha.log" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	diag "ganesha did not start: $(tail -5 "$W/ganesha.log" 2>/dev/null)"
	return 1
}

stop_server() {
	for p in ganesha.pidx rpcbind.pid; do
		[ -s "$W/$p" ] && kill "$(cat "$W/$p")" 2>/dev/null
	done
	wait "$SERVER_SH" 2>/dev/null
	rm -f "$W/ganesha.pidx" "$W/rpcbind.pid"
}
at_exit 'for p in ganesha.pidx rpcbind.pid; do [ -s "$W/$p" ] && kill "$(cat "$W/$p")"; done'

# check SITE [ARGS]: diskless check from inside the namespace (the
# server's address is local there, and in the exported network).
check() {
	s=$1
	shift
	timeout 120 ip netns exec "$NS" "$DISKLESS" -c "$W/$s/diskless.conf" check "$@" \
		>"$W/$s.txt" 2>&1
	RC=$?
	OUT=$(cat "$W/$s.txt")
}

plan 35

start_server "3, 4" || { echo "Bail out! ganesha (NFSv3+v4) did not start"; exit 1; }

check good
is "good export: exit 0" "$RC" 0
like "good export: offered in the MOUNT list" "$OUT" "^ok +image good: export list: $SRV exports"
like "good export: NFSv3 mount" "$OUT" "^ok +image good: nfsv3 mount:"
like "good export: NFSv4 mount" "$OUT" "^ok +image good: nfsv4 mount:"
like "good export: root reads /etc/shadow" "$OUT" "^ok +image good: root squash: root reads /etc/shadow"
like "good export: /sbin/init through an absolute link" "$OUT" \
	"^ok +image good: init: /sbin/init is /usr/lib/systemd/systemd"
like "good export: fstab root line matches" "$OUT" "^ok +image good: fstab: root line"
like "good export: modules of the kernel" "$OUT" "^ok +image good: modules: /lib/modules/6.1.0-test"
like "good export: the initramfs matches the kernel" "$OUT" \
	"^ok +image good: initrd modules: the initramfs has modules for 6.1.0-test"
like "good export: TFTP host config" "$OUT" \
	"^ok +host pc-good: pxelinux.cfg/01-52-54-00-00-00-01: matches"
[ "$RC" = 0 ] || diag "$OUT"

check squash
is "root_squash export: exit 1" "$RC" 1
like "root_squash export: said plainly" "$OUT" \
	"^error +image squash: root squash: root_squash is on: diskless clients cannot boot from it.*\(export with no_root_squash\)"

check gone
is "missing path: exit 1" "$RC" 1
like "missing path: not in the export list" "$OUT" "^error +image gone: export list: $SRV does not export $W/img/gone"
like "missing path: NFSv3 mount fails" "$OUT" "^error +image gone: nfsv3 mount: cannot mount"

check noinit
is "no /sbin/init: exit 1" "$RC" 1
like "no /sbin/init: reported" "$OUT" "^error +image noinit: init: the image has no /sbin/init"

check loop
is "symlink loop as /sbin/init: exit 1" "$RC" 1
like "symlink loop: reported as a loop" "$OUT" "^error +image loop: init: /sbin/init is a loop of symbolic links"
like "symlink climbing out with ..: stays inside the image (no shadow there)" "$OUT" \
	"^warning +image loop: root squash: no root-only file to test with"

check kmod
is "kernel without modules in the image: exit 1" "$RC" 1
like "kernel without modules: reported" "$OUT" \
	"^error +image good: modules: the image has no /lib/modules/6.1.0-other"
like "kernel without modules: the initramfs's modules do not match either" "$OUT" \
	"^error +image good: initrd modules: the initramfs has modules for 6.1.0-test, the kernel is 6.1.0-other"

check good --json
like "--json: findings and counts" "$OUT" '"errors":0,"warnings":0\}$'

check opts
like "fstab written for other nfs-options: a warning naming both" "$OUT" \
	"^warning +image good: fstab: the root line's options .* are not ro,vers=3,proto=tcp,nolock,rsize=8192"

# A boot script edited by hand to name a file the tree does not have: iPXE
# and pxelinux alike (the classic stale config after an image was renamed).
sed -i 's#/good/vmlinuz #/good/vmlinuz-gone #' "$W/good/tftp/ipxe/01-52-54-00-00-00-01.ipxe"
sed -i 's#good/initrd.img#good/initrd-gone.img#' "$W/good/tftp/pxelinux.cfg/01-52-54-00-00-00-01"
check good
is "a config naming a missing file: exit 1" "$RC" 1
like "iPXE script naming a missing kernel: reported" "$OUT" \
	"^error +host pc-good: ipxe/01-52-54-00-00-00-01.ipxe: names /good/vmlinuz-gone, which the TFTP tree does not have"
like "pxelinux config naming a missing initramfs: reported" "$OUT" \
	"^error +host pc-good: pxelinux.cfg/01-52-54-00-00-00-01: names /?good/initrd-gone.img, which the TFTP tree does not have"

# A [boot] file the TFTP tree does not have: a warning naming the key.
printf '[boot]\nefi-arm64 = arm64/grubaa64.efi\n' >>"$W/good/diskless.conf"
check good
like "[boot] file missing from the TFTP root: a warning naming the key" "$OUT" \
	"^warning +tftp-root: arm64/grubaa64\.efi: missing or empty: \[boot\] efi-arm64 names it"
mkdir -p "$W/good/tftp/arm64"
echo efi >"$W/good/tftp/arm64/grubaa64.efi"
check good
like "[boot] file present: ok" "$OUT" "^ok +tftp-root: arm64/grubaa64\.efi: present"

stop_server
start_server 4 || { echo "Bail out! ganesha (NFSv4 only) did not start"; exit 1; }

check v3on4
is "v4-only server, image mounting vers=3: exit 1" "$RC" 1
like "v4-only server: no MOUNT service is an error for a vers=3 image" "$OUT" \
	"^error +image good: export list: $SRV offers no MOUNT export list"
like "v4-only server: NFSv4 still mounts" "$OUT" "^ok +image good: nfsv4 mount:"

check v4
[ "$RC" = 0 ] || diag "$OUT"
is "v4-only server, image mounting vers=4.2: exit 0" "$RC" 0
like "v4-only server: NFSv3 is only a warning for a vers=4.2 image" "$OUT" \
	"^warning +image v4: nfsv3 mount: cannot mount"
stop_server

done_testing
