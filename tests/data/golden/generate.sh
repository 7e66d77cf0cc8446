#!/bin/sh
# generate.sh OUTDIR: every config diskless generates for the example site
# (doc/example-site), written under OUTDIR: pxe/ (the TFTP tree's configs),
# export/ (each --format), print/ (pxe --print). The tests compare a fresh
# run with tests/data/golden; after an intended change, regenerate with
#   make check-update
# (or: DISKLESS=builder/diskless top_srcdir=. sh tests/data/golden/generate.sh \
#        tests/data/golden) and review the diff.
set -eu
: "${top_srcdir:=.}"
: "${DISKLESS:=${top_builddir:-.}/builder/diskless}"
out=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/diskless-golden.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The example site as is (orig), one with its TFTP tree in the temp dir
# (site, for pxe), and a proxy-mode variant for dnsmasq.
cp -R "$top_srcdir/doc/example-site" "$tmp/orig"
chmod -R u+w "$tmp/orig"
cp -R "$tmp/orig" "$tmp/site"
sed -i "s|^tftp-root = .*|tftp-root = $tmp/tftp|" "$tmp/site/diskless.conf"
cp -R "$tmp/orig" "$tmp/proxy"
sed -i -e 's|^mode = full .*|mode = proxy|' -e '/^range = /d' "$tmp/proxy/diskless.conf"
echo kernel >"$tmp/vmlinuz"
echo initrd >"$tmp/initrd.img"

"$DISKLESS" -c "$tmp/site/diskless.conf" pxe \
	--kernel "lab=$tmp/vmlinuz" --initrd "lab=$tmp/initrd.img" \
	--kernel "thin=$tmp/vmlinuz" --initrd "thin=$tmp/initrd.img" 2>"$tmp/pxe.err" ||
	{ cat "$tmp/pxe.err" >&2; exit 1; }

rm -rf "$out/pxe" "$out/export" "$out/print"
mkdir -p "$out/pxe" "$out/export" "$out/print"
(cd "$tmp/tftp" && find . -type f \( -path './pxelinux.cfg/*' -o -path './grub/*' \
	-o -path './ipxe/*' -o -name boot.ipxe \) | sort) |
while read -r f; do
	mkdir -p "$out/pxe/$(dirname "$f")"
	cp "$tmp/tftp/$f" "$out/pxe/$f"
done
# Paths of the temp dir never reach the configs; the tree listing is golden too.
(cd "$tmp/tftp" && find . | LC_ALL=C sort) >"$out/pxe/tree.txt"

for f in exports ganesha dnsmasq kea; do
	"$DISKLESS" -c "$tmp/orig/diskless.conf" export --format "$f" >"$out/export/$f"
done
"$DISKLESS" -c "$tmp/proxy/diskless.conf" export --format dnsmasq >"$out/export/dnsmasq-proxy"

"$DISKLESS" -c "$tmp/orig/diskless.conf" pxe --print pc01 >"$out/print/pc01"
"$DISKLESS" -c "$tmp/orig/diskless.conf" pxe --print 52-54-00-ab-cd-01 >"$out/print/thin01-by-mac"
"$DISKLESS" -c "$tmp/orig/diskless.conf" pxe --print 52:54:00:99:99:99 >"$out/print/unknown-mac"
