#!/bin/sh
# t-pxe.sh: `diskless pxe`: the configs it writes for the example site
# against tests/data/golden (regenerate: make check-update), --print, stale
# host removal, the atomic swap under a reader, failure leaving the old tree,
# reproducible output. Needs pxelinux and syslinux-common; GRUB's UEFI image
# is checked when grub-mkimage (grub-efi-amd64-bin) is installed.
. "${top_srcdir:?}/tests/lib.sh" || exit 1

[ -x "$DISKLESS" ] || skip_all "no diskless program at $DISKLESS"
[ -f /usr/lib/PXELINUX/pxelinux.0 ] || skip_all "needs pxelinux (/usr/lib/PXELINUX/pxelinux.0)"
[ -f /usr/lib/syslinux/modules/bios/ldlinux.c32 ] || skip_all "needs syslinux-common"

W=$TEST_TMP
GOLDEN=$top_srcdir/tests/data/golden

# Golden files: every generated config, one test per file.
DISKLESS=$DISKLESS top_srcdir=$top_srcdir sh "$GOLDEN/generate.sh" "$W/gen" >"$W/gen.log" 2>&1
gen_rc=$?
is "generate the example site's configs" "$gen_rc" 0
[ "$gen_rc" = 0 ] || diag "$(cat "$W/gen.log")"
for f in $(cd "$GOLDEN" && find pxe print -type f | LC_ALL=C sort); do
	ok "golden $f" cmp "$GOLDEN/$f" "$W/gen/$f"
	cmp -s "$GOLDEN/$f" "$W/gen/$f" || diag "$(diff -u "$GOLDEN/$f" "$W/gen/$f" | head -20)"
done

# A site of our own: two hosts from a hosts directory, one image whose
# kernel and initramfs come from its root (an absolute /vmlinuz symlink
# inside the image must resolve inside it).
mkdir -p "$W/site/hosts.d" "$W/img/boot"
printf 'kernel-6.1.0-9\n' >"$W/img/boot/vmlinuz-6.1.0-9-amd64"
printf 'kernel-6.1.0-10\n' >"$W/img/boot/vmlinuz-6.1.0-10-amd64"
printf 'initrd-6.1.0-10\n' >"$W/img/boot/initrd.img-6.1.0-10-amd64"
ln -s /boot/vmlinuz-6.1.0-10-amd64 "$W/img/vmlinuz"
cat >"$W/site/diskless.conf" <<EOF
[server]
address = 10.9.0.1
mode = full
tftp-root = $W/tftp
hosts-dir = hosts.d
[dhcp]
range = 10.9.0.100 10.9.0.199
netmask = 255.255.255.0
[image lab]
root = $W/img
nfs-options = vers=3,proto=tcp,nolock
overlay = tmpfs
cmdline = quiet
EOF
printf 'mac = 02:00:00:00:00:01\naddress = 10.9.0.11\nimage = lab\n' >"$W/site/hosts.d/pc01.conf"
printf 'mac = 02:00:00:00:00:02\naddress = 10.9.0.12\nimage = lab\n' >"$W/site/hosts.d/pc02.conf"
SITE=$W/site/diskless.conf

is_exit 0 "pxe writes the tree" "$DISKLESS" -c "$SITE" pxe
is "kernel from the image's /vmlinuz link, resolved inside the image" \
	"$(cat "$W/tftp/lab/vmlinuz" 2>&1)" kernel-6.1.0-10
is "initramfs: the newest boot/initrd.img-*" "$(cat "$W/tftp/lab/initrd.img" 2>&1)" \
	initrd-6.1.0-10
ok "BIOS loader and its modules" test -s "$W/tftp/pxelinux.0" -a -s "$W/tftp/ldlinux.c32" \
	-a -s "$W/tftp/menu.c32" -a -s "$W/tftp/libutil.c32" -a -s "$W/tftp/libcom32.c32"
ok "per-host configs of both hosts" test -s "$W/tftp/pxelinux.cfg/01-02-00-00-00-00-01" \
	-a -s "$W/tftp/grub/grub.cfg-01-02-00-00-00-00-02" \
	-a -s "$W/tftp/ipxe/01-02-00-00-00-00-02.ipxe"
like "tree is world-readable (the TFTP server may run as another user)" \
	"$(stat -c %a "$W/tftp")" '^755$'
if command -v grub-mkimage >/dev/null 2>&1 && [ -d /usr/lib/grub/x86_64-efi ]; then
	like "UEFI loader: a PE image" "$(head -c 2 "$W/tftp/grubnetx64.efi")" '^MZ$'
	# the server by address: in proxy mode the firmware's DHCPACK names
	# the site's DHCP server, not us (t-pxe-proxy.sh)
	ok "UEFI loader: prefix (tftp,10.9.0.1)/grub embedded" \
		grep -q -a '(tftp,10\.9\.0\.1)/grub' "$W/tftp/grubnetx64.efi"
else
	echo "ok $((_tap_n + 1)) # SKIP no grub-mkimage"
	echo "ok $((_tap_n + 2)) # SKIP no grub-mkimage"
	_tap_n=$((_tap_n + 2))
fi

# Reproducible: a second run gives the same bytes (GRUB image included).
(cd "$W/tftp" && find . -type f | LC_ALL=C sort | xargs sha256sum) >"$W/sum1"
"$DISKLESS" -c "$SITE" pxe >/dev/null 2>&1
(cd "$W/tftp" && find . -type f | LC_ALL=C sort | xargs sha256sum) >"$W/sum2"
ok "a second run writes the same bytes" cmp "$W/sum1" "$W/sum2"

# --print by name and by MAC (either separator); unknown MAC; unknown name.
out=$("$DISKLESS" -c "$SITE" pxe --print pc02 2>&1)
like "--print HOST: the per-host files" "$out" \
	"BIOS +pxelinux.0 -> pxelinux.cfg/01-02-00-00-00-00-02"
like "--print HOST: the command line" "$out" \
	"cmdline root=/dev/nfs nfsroot=10.9.0.1:$W/img,vers=3,proto=tcp,nolock ro ip=10.9.0.12:10.9.0.1::255.255.255.0:pc02::off BOOTIF=01-02-00-00-00-00-02 diskless.overlay=tmpfs quiet"
is "--print MAC equals --print HOST" "$("$DISKLESS" -c "$SITE" pxe --print 02-00-00-00-00-02)" "$out"
like "--print unknown MAC: the menu" "$("$DISKLESS" -c "$SITE" pxe --print 02:00:00:00:00:99)" \
	"is not in the site config: it gets the image menu"
is_exit 2 "--print unknown name: usage error" "$DISKLESS" -c "$SITE" pxe --print nosuch
is_exit 2 "--kernel without IMAGE=: usage error" "$DISKLESS" -c "$SITE" pxe --kernel /boot/x

# A host leaving the config takes its files with it; no temp dir remains.
rm "$W/site/hosts.d/pc02.conf"
is_exit 0 "pxe after pc02 left" "$DISKLESS" -c "$SITE" pxe
ok "pc02's files are gone" test ! -e "$W/tftp/pxelinux.cfg/01-02-00-00-00-00-02" \
	-a ! -e "$W/tftp/grub/grub.cfg-01-02-00-00-00-00-02" \
	-a ! -e "$W/tftp/ipxe/01-02-00-00-00-00-02.ipxe"
ok "pc01's files stay" test -s "$W/tftp/pxelinux.cfg/01-02-00-00-00-00-01"
is "no temporary sibling left" "$(ls -a "$W" | grep -c '^\.tftp\.new-')" 0

# A failure (no kernel) leaves the old tree as it was.
cp "$W/tftp/pxelinux.cfg/01-02-00-00-00-00-01" "$W/before"
rm "$W/img/vmlinuz" "$W/img/boot/"vmlinuz-*
sed -i 's/^cmdline = quiet/cmdline = splash/' "$SITE"
is_exit 1 "no kernel in the image: runtime error" "$DISKLESS" -c "$SITE" pxe
like "no kernel: the message names the fix" "$(cat "$TEST_TMP/.out")" \
	"image lab: .*no vmlinuz.*--kernel IMAGE=PATH"
ok "no kernel: the old tree is untouched" cmp "$W/before" "$W/tftp/pxelinux.cfg/01-02-00-00-00-00-01"
is "no kernel: no temporary sibling left" "$(ls -a "$W" | grep -c '^\.tftp\.new-')" 0

# Atomic swap: a reader polling a host's config while the tree is rewritten
# 30 times, alternating two versions, sees one whole version every time.
printf 'kernel\n' >"$W/k"
printf 'initrd\n' >"$W/i"
"$DISKLESS" -c "$SITE" pxe --kernel "lab=$W/k" --initrd "lab=$W/i" >/dev/null 2>&1
cp "$W/tftp/pxelinux.cfg/01-02-00-00-00-00-01" "$W/v1"
sed -i 's/^cmdline = splash/cmdline = quiet/' "$SITE"
"$DISKLESS" -c "$SITE" pxe --kernel "lab=$W/k" --initrd "lab=$W/i" >/dev/null 2>&1
cp "$W/tftp/pxelinux.cfg/01-02-00-00-00-00-01" "$W/v2"
(
	bad=0 reads=0
	while [ ! -e "$W/stop" ]; do
		if cat "$W/tftp/pxelinux.cfg/01-02-00-00-00-00-01" >"$W/seen" 2>/dev/null; then
			cmp -s "$W/seen" "$W/v1" || cmp -s "$W/seen" "$W/v2" || bad=$((bad + 1))
		else
			bad=$((bad + 1))
		fi
		reads=$((reads + 1))
	done
	echo "$bad $reads" >"$W/reader"
) &
reader=$!
at_exit "touch $W/stop; kill $reader"
n=0
while [ $n -lt 30 ]; do
	if [ $((n % 2)) = 0 ]; then c=splash; else c=quiet; fi
	sed -i "s/^cmdline = .*/cmdline = $c/" "$SITE"
	"$DISKLESS" -c "$SITE" pxe --kernel "lab=$W/k" --initrd "lab=$W/i" >/dev/null 2>&1
	n=$((n + 1))
done
touch "$W/stop"
wait "$reader"
set -- $(cat "$W/reader")
is "reader during 30 swaps: never a missing or partial file ($2 reads)" "$1" 0

done_testing
