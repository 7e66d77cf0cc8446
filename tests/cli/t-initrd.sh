#!/bin/sh
# t-initrd.sh: `diskless initrd` against the installed distribution kernel
# (skipped when there is none with NFS and e1000 modules): the archive's
# layout, the modules.load/modules.alias contract with diskless-init, the
# error messages and exit codes, and byte-for-byte reproducibility.
. "${top_srcdir:?}/tests/lib.sh" || exit 1

need_cmd bsdtar cpio
kver=
for d in $(ls -d /lib/modules/*/ 2>/dev/null | sort -V -r); do
	v=$(basename "$d")
	[ -f "$d/modules.dep" ] || continue
	grep -q 'kernel/fs/nfs/nfs\.ko' "$d/modules.dep" || continue
	grep -q '/e1000\.ko' "$d/modules.dep" || continue
	kver=$v
	break
done
[ -n "$kver" ] || skip_all "no kernel with NFS and e1000 modules in /lib/modules (apt-get install linux-image-amd64)"
mods=/lib/modules/$kver
T=$TEST_TMP

# The real diskless-init when it is built; else any executable will do for
# packing (the archive never runs it).
init=$T/fake-init
printf '#!/bin/sh\necho not a real init\n' >"$init"
chmod 755 "$init"
[ -x "$DISKLESS_INIT" ] && init=$DISKLESS_INIT
export DISKLESS_INIT="$init"

# --- usage and errors ---------------------------------------------------
is_exit 0 "initrd --help exits 0" "$DISKLESS" initrd --help
like "the help names the options" "$("$DISKLESS" initrd --help)" "--kernel-version V"
is_exit 2 "no arguments: exit 2" "$DISKLESS" initrd
is_exit 2 "no --out: exit 2" "$DISKLESS" initrd -k "$kver"
is_exit 2 "unknown kernel version: exit 2" "$DISKLESS" initrd -k 0.0-nosuch --out "$T/x.img"
like "the unknown kernel message lists the ones found" \
	"$("$DISKLESS" initrd -k 0.0-nosuch --out "$T/x.img" 2>&1)" \
	"^diskless: initrd: unknown kernel version 0.0-nosuch: .*found: .*$kver"
is_exit 2 "a missing NIC module: exit 2" "$DISKLESS" initrd -k "$kver" --out "$T/x.img" --nic e1000,nosuchnic
like "the missing module is named" \
	"$("$DISKLESS" initrd -k "$kver" --out "$T/x.img" --nic e1000,nosuchnic 2>&1)" \
	"^diskless: initrd: module nosuchnic not found"
is_exit 2 "no static init: exit 2" env DISKLESS_INIT="$T/no/init" "$DISKLESS" initrd -k "$kver" --out "$T/x.img"
like "it says where it looked and how to build it" \
	"$(env DISKLESS_INIT="$T/no/init" "$DISKLESS" initrd -k "$kver" --out "$T/x.img" 2>&1)" \
	"no static init at $T/no/init: No such file or directory \(build it: 'make'"
is_exit 2 "an unknown compression: exit 2" "$DISKLESS" initrd -k "$kver" --out "$T/x.img" --compress bz2
is_exit 2 "--nic with --all-nics: exit 2" "$DISKLESS" initrd -k "$kver" --out "$T/x.img" --nic e1000 --all-nics
is_exit 2 "a bad SOURCE_DATE_EPOCH: exit 2" env SOURCE_DATE_EPOCH=yesterday "$DISKLESS" initrd -k "$kver" --out "$T/x.img"
is_exit 1 "an output directory that does not exist: exit 1" "$DISKLESS" initrd -k "$kver" --out "$T/no/dir/x.img" --nic e1000
[ ! -e "$T/x.img" ]
is "no output after the failures" "$?" 0

# --- the archive --------------------------------------------------------
out=$T/out
mkdir "$out"
is_exit 0 "e1000 + virtio_net initramfs" "$DISKLESS" initrd -k "$kver" --out "$out/a.img" --nic e1000,virtio_net
summary=$("$DISKLESS" initrd -k "$kver" --out "$out/a.img" --nic e1000,virtio_net 2>&1)
like "a summary line: entries, modules, size, time" "$summary" \
	"^diskless: wrote $out/a.img: [0-9]+ entries, [0-9]+ modules .* MiB (zstd|gzip) .*, [0-9.]+ s$"
is "only the output in its directory (temp file renamed)" "$(ls "$out")" "a.img"

bsdtar -tvf "$out/a.img" >"$T/list" 2>&1
like "/init is there, 0755, owner 0" "$(cat "$T/list")" '^-rwxr-xr-x +1 0 +0 .* init$'
like "/dev/console is char 5,1" "$(cat "$T/list")" '^crw------- +1 0 +0 +5,1 .* dev/console$'
for d in proc sys dev run newroot etc/diskless lib/firmware; do
	grep -q " $d\$" "$T/list"
	is "directory /$d" "$?" 0
done
case $(od -An -tx1 -N2 "$out/a.img" | tr -d ' ') in
28b5) dec="zstd -dc" ;; 1f8b) dec="gzip -dc" ;; *) dec=cat ;;
esac
if command -v "${dec%% *}" >/dev/null 2>&1; then
	like "GNU cpio reads it too" "$($dec "$out/a.img" | cpio -it 2>/dev/null)" '^init$'
else
	echo "ok $((_tap_n = _tap_n + 1)) # SKIP no ${dec%% *}"
fi
is "every mtime is 0 without SOURCE_DATE_EPOCH" \
	"$(bsdtar -tvf "$out/a.img" | grep -vc ' 1970 ')" 0

bsdtar -xOf "$out/a.img" etc/diskless/modules.load >"$T/load"
bsdtar -xOf "$out/a.img" etc/diskless/modules.alias >"$T/alias"
like "modules.load: absolute paths only, after optional features" \
	"$(grep -vE "^([a-z0-9,]+	)?/lib/modules/$kver/.*\.ko$" "$T/load" | wc -l)" '^0$'
# each line tagged with the boots that need it (lib/modalias.h)
is "modules.load: sunrpc for every NFS version" \
	"$(grep '/sunrpc\.ko$' "$T/load" | cut -f1)" "nfs,nfs3,nfs4"
is "modules.load: nfsv4 only for an NFSv4 root" "$(grep '/nfsv4\.ko$' "$T/load" | cut -f1)" nfs4
is "modules.load: nfsv3 only for an NFSv3 root" "$(grep '/nfsv3\.ko$' "$T/load" | cut -f1)" nfs3
is "modules.load: overlay only with the overlay" "$(grep '/overlay\.ko$' "$T/load" | cut -f1)" overlay
sunrpc_at=$(grep -n '/sunrpc\.ko$' "$T/load" | cut -d: -f1)
nfs_at=$(grep -n '/fs/nfs/nfs\.ko$' "$T/load" | cut -d: -f1)
[ -n "$sunrpc_at" ] && [ -n "$nfs_at" ] && [ "$sunrpc_at" -lt "$nfs_at" ]
is "modules.load: sunrpc before nfs" "$?" 0
for m in nfsv3 nfsv4 overlay; do
	grep -q "/$m\.ko\$" "$T/load"
	is "modules.load has $m" "$?" 0
done
grep -q "^pci:v00008086d0000100Esv\*sd\*bc\*sc\*i\*	/lib/modules/$kver/kernel/drivers/net/ethernet/intel/e1000/e1000.ko\$" "$T/alias"
is "modules.alias: the e1000 line for 8086:100e" "$?" 0
like "modules.alias: virtio_net's line ends with virtio_net" \
	"$(grep '^virtio:d00000001v' "$T/alias")" 'virtio\.ko .*/virtio_net\.ko$'
is "modules.alias: lines < 4096 bytes" "$(awk 'length($0) >= 4095' "$T/alias" | wc -l)" 0
is "modules.alias: PATTERN<TAB>PATHS on every non-comment line" \
	"$(grep -v '^#' "$T/alias" | grep -cvE '^[a-z]+:[^	 ]+	/[^	]+$')" 0
missing=0
for p in $(cut -f2 "$T/load"; grep -v '^#' "$T/alias" | cut -f2 | tr ' ' '\n'); do
	grep -q " ${p#/}\$" "$T/list" || { missing=$((missing + 1)); diag "not packed: $p"; }
done
is "every path in both files is in the archive" "$missing" 0

# --- firmware -------------------------------------------------------------
if grep -q '/tg3\.ko' "$mods/modules.dep"; then
	mkdir -p "$T/fw/tigon"
	echo fake >"$T/fw/tigon/tg3_tso.bin"
	summary=$("$DISKLESS" initrd -k "$kver" --out "$out/fw.img" --nic tg3 --firmware-dir "$T/fw" 2>&1)
	like "tg3: 1 firmware file found, the others counted" "$summary" \
		"1 firmware files \([1-9][0-9]* named by modinfo not in $T/fw: -v lists them\)"
	like "it is packed under /lib/firmware" "$(bsdtar -tf "$out/fw.img")" '^lib/firmware/tigon/tg3_tso\.bin$'
	like "-v names a missing one" \
		"$("$DISKLESS" -v initrd -k "$kver" --out "$out/fw.img" --nic tg3 --firmware-dir "$T/fw" 2>&1)" \
		"firmware tigon/tg3\.bin not in $T/fw"
	rm -f "$out/fw.img"
else
	echo "ok $((_tap_n = _tap_n + 1)) # SKIP no tg3 module"
	echo "ok $((_tap_n = _tap_n + 1)) # SKIP no tg3 module"
	echo "ok $((_tap_n = _tap_n + 1)) # SKIP no tg3 module"
fi

# --- reproducibility ----------------------------------------------------
# A private root with just the module files this initramfs needs, so that
# their mtimes and the umask can be changed: the bytes must not move.
root=$T/root
mkdir -p "$root/lib/modules/$kver" "$root/boot"
cp -p "$mods"/modules.* "$root/lib/modules/$kver/"
cut -f2 "$T/load" | sed "s|^/lib/modules/$kver/||" >"$T/files"
grep -v '^#' "$T/alias" | cut -f2 | tr ' ' '\n' | sed "s|^/lib/modules/$kver/||" >>"$T/files"
for f in $(sort -u "$T/files"); do
	src=$(ls "$mods/$f" "$mods/$f".* 2>/dev/null | head -1)
	mkdir -p "$root/lib/modules/$kver/$(dirname "$f")"
	cp -p "$src" "$root/lib/modules/$kver/$(dirname "$f")/"
done
[ -f "/boot/config-$kver" ] && cp "/boot/config-$kver" "$root/boot/"
cp "$init" "$T/init2"
is_exit 0 "the same from a private --root" "$DISKLESS" initrd --root "$root" --out "$out/b.img" --nic e1000,virtio_net --init "$T/init2"
ok "byte-identical to the build from /" cmp "$out/a.img" "$out/b.img"
find "$root" -exec touch -h -d '2001-02-03 04:05:06' {} +
touch -d '2011-01-01' "$T/init2"
( umask 077 && "$DISKLESS" initrd --root "$root" --out "$out/c.img" --nic e1000,virtio_net --init "$T/init2" ) >/dev/null 2>&1
ok "byte-identical under umask 077 and other input mtimes" cmp "$out/a.img" "$out/c.img"
is "the output is 0644 whatever the umask" "$(stat -c %a "$out/c.img")" 644
mv "$root/lib/modules/$kver/modules.dep.bin" "$T/dep.bin"
like "no modules.dep.bin: says to run depmod" \
	"$("$DISKLESS" initrd --root "$root" --out "$out/e.img" --nic e1000 2>&1)" \
	"modules.dep.bin: the module indexes were never built \(run: depmod -b $root $kver\)"
mv "$T/dep.bin" "$root/lib/modules/$kver/modules.dep.bin"
SOURCE_DATE_EPOCH=1700000000 "$DISKLESS" initrd --root "$root" --out "$out/d.img" --nic e1000 >/dev/null 2>&1
mkdir "$T/x" && bsdtar -C "$T/x" -xf "$out/d.img" 2>/dev/null
is "SOURCE_DATE_EPOCH sets every mtime" \
	"$(find "$T/x" -mindepth 1 -newermt @1700000000 -o ! -newermt @1699999999 | grep -v "^$T/x/dev" | wc -l)" 0

# --- compression and the kernel's config ---------------------------------
for c in gzip xz lz4 none; do
	case $c in gzip) t="gzip -t" ;; xz) t="xz -t" ;; lz4) t="lz4 -t" ;; none) t="cpio -it --quiet" ;; esac
	if command -v "${t%% *}" >/dev/null 2>&1; then
		"$DISKLESS" initrd --root "$root" --out "$out/$c.img" --nic e1000 --compress $c >/dev/null 2>&1
		ok "--compress $c: $t accepts it" sh -c "$t <'$out/$c.img'"
	else
		echo "ok $((_tap_n = _tap_n + 1)) # SKIP no ${t%% *}"
	fi
done
if command -v xz >/dev/null 2>&1; then
	like "xz uses a CRC32 check (the kernel's decoder has no CRC64)" \
		"$(xz -lvv "$out/xz.img" 2>/dev/null | grep -m1 'Check:')" 'CRC32'
fi
"$DISKLESS" initrd --root "$root" --out "$out/g2.img" --nic e1000 --compress gzip >/dev/null 2>&1
ok "gzip: reproducible too (no time in the gzip header)" cmp "$out/gzip.img" "$out/g2.img"
printf 'CONFIG_RD_GZIP=y\n# CONFIG_RD_ZSTD is not set\n' >"$root/boot/config-$kver"
is_exit 2 "zstd for a kernel without CONFIG_RD_ZSTD: exit 2" \
	"$DISKLESS" initrd --root "$root" --out "$out/z.img" --nic e1000 --compress zstd
like "it names the option" \
	"$("$DISKLESS" initrd --root "$root" --out "$out/z.img" --nic e1000 --compress zstd 2>&1)" \
	"CONFIG_RD_ZSTD is not set in $root/boot/config-$kver"
"$DISKLESS" initrd --root "$root" --out "$out/def.img" --nic e1000 >/dev/null 2>&1
is "without CONFIG_RD_ZSTD the default is gzip" "$(od -An -tx1 -N2 "$out/def.img" | tr -d ' ')" "1f8b"

done_testing
