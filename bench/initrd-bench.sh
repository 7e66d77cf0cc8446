#!/usr/bin/env bash
# initrd-bench.sh - `diskless initrd` against Debian's mkinitramfs and dracut,
# for the same kernel, measured in the same run.
#
# Members, run interleaved (A B C D A B C D ...), `sync` before each:
#   diskless-min   diskless initrd --nic e1000,virtio_net (NFS stack + overlay)
#   diskless-all   diskless initrd (every NIC driver, the default)
#   mkinitramfs    mkinitramfs -o OUT KVER (Debian's config: MODULES=most)
#   dracut-nfs     dracut --no-hostonly -m 'nfs network base' OUT KVER
# Prints per member: median [min..max] wall seconds and the output size;
# then the pairwise per-run ratios (median [min..max]) of each peer's time
# and size to diskless-min's, and whether the targets are met: at least
# 20x faster and at most 1/10 of the size.
#
# Usage: initrd-bench.sh [-n RUNS] [-k KVER] [-d DRACUT_ROOT] [-x RAW.tsv]
#   -n  runs per member (default 3; the peers take 15-30 s each)
#   -k  kernel version (default: newest in /lib/modules)
#   -d  a dracut unpacked beside initramfs-tools, for machines where the
#       `dracut` package would replace initramfs-tools (it Conflicts with
#       it; dracut-core and dracut-network do not, and need not be
#       installed):  apt-get download dracut-core dracut-network &&
#                    for f in dracut-*.deb; do dpkg-deb -x "$f" DIR; done
#       Default: the installed dracut, if any; else dracut is left out.
#   -x  also write the per-run rows (TSV) here
# Environment: DISKLESS (default $top_builddir/builder/diskless),
#   DISKLESS_INIT (default $top_builddir/initrd/diskless-init; a placeholder
#   is used, and said so, when it is not built).
set -u
RUNS=3 KVER="" DRACUT_ROOT="" RAW=""
while getopts "n:k:d:x:h" o; do
	case $o in
	n) RUNS=$OPTARG ;; k) KVER=$OPTARG ;; d) DRACUT_ROOT=$OPTARG ;; x) RAW=$OPTARG ;;
	*) sed -n '2,30p' "$0"; exit 2 ;;
	esac
done
: "${top_builddir:=.}"
: "${DISKLESS:=$top_builddir/builder/diskless}"
: "${DISKLESS_INIT:=$top_builddir/initrd/diskless-init}"
[ -n "$KVER" ] || KVER=$(ls /lib/modules 2>/dev/null | sort -V | tail -1)
if [ -z "$KVER" ] || [ ! -f "/lib/modules/$KVER/modules.dep" ]; then
	echo "initrd-bench: no kernel in /lib/modules (apt-get install linux-image-amd64)" >&2
	exit 0
fi
[ -x "$DISKLESS" ] || { echo "initrd-bench: $DISKLESS not built (run make)" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/initrd-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$TMP/out" "$TMP/dracut.conf.d"

init_note="the built diskless-init"
if [ ! -x "$DISKLESS_INIT" ]; then
	# same order of size as the static musl init, so sizes stay honest
	head -c 131072 /dev/urandom >"$TMP/init" && chmod 755 "$TMP/init"
	DISKLESS_INIT=$TMP/init
	init_note="a 128 KiB random placeholder (diskless-init not built)"
fi
export DISKLESS_INIT

MEM=(
	"diskless-min=$DISKLESS initrd -k $KVER --nic e1000,virtio_net --out {OUT}"
	"diskless-all=$DISKLESS initrd -k $KVER --out {OUT}"
)
if command -v mkinitramfs >/dev/null; then
	MEM+=("mkinitramfs=mkinitramfs -o {OUT} $KVER")
else
	echo "# mkinitramfs not found (apt-get install initramfs-tools): left out" >&2
fi
if [ -n "$DRACUT_ROOT" ]; then
	MEM+=("dracut-nfs=dracutbasedir=$DRACUT_ROOT/usr/lib/dracut $DRACUT_ROOT/usr/bin/dracut -q --force --no-hostonly -m 'nfs network base' --conf /dev/null --confdir $TMP/dracut.conf.d {OUT} $KVER")
elif command -v dracut >/dev/null; then
	MEM+=("dracut-nfs=dracut -q --force --no-hostonly -m 'nfs network base' {OUT} $KVER")
else
	echo "# dracut not found: left out (see -d for running it beside initramfs-tools)" >&2
fi

now() { date +%s.%N; }
RAWF=$TMP/raw.tsv
printf 'run\tlabel\twall_s\tout_bytes\trc\n' >"$RAWF"
echo "initrd kver=$KVER runs=$RUNS init=$init_note"
# the init's own target: at most 100 KiB, static and stripped
if [ "$init_note" = "the built diskless-init" ]; then
	isz=$(stat -c %s "$DISKLESS_INIT") ift=$(file -L "$DISKLESS_INIT" 2>/dev/null)
	st=no sp=no
	case $ift in *"statically linked"* | *"static-pie linked"*) st=yes ;; esac
	case $ift in *", stripped"*) sp=yes ;; esac
	printf 'initrd diskless-init bytes=%d KiB=%.1f static=%s stripped=%s target_100KiB=%s\n' \
		"$isz" "$(awk -v b="$isz" 'BEGIN{print b/1024}')" $st $sp \
		"$(awk -v b="$isz" -v s="$st$sp" 'BEGIN{print (b <= 102400 && s == "yesyes") ? "met" : "not met"}')"
else
	echo "initrd diskless-init: not built, size not measured"
fi
for run in $(seq "$RUNS"); do
	for m in "${MEM[@]}"; do
		label=${m%%=*} cmd=${m#*=}
		out=$TMP/out/$label.img
		rm -f "$out"
		cmd=${cmd//\{OUT\}/$out}
		sync
		t0=$(now)
		timeout 900 sh -c "$cmd" >/dev/null 2>"$TMP/err"
		rc=$?
		t1=$(now)
		sz=0
		[ -f "$out" ] && sz=$(stat -c %s "$out")
		[ $rc -eq 0 ] || echo "# $label rc=$rc: $(tail -2 "$TMP/err" | tr '\n' ' ')" >&2
		printf '%s\t%s\t%s\t%s\t%s\n' "$run" "$label" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')" "$sz" "$rc" >>"$RAWF"
	done
done

stats() { sort -g | awk '{a[NR]=$1} END{m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f [%.3f..%.3f]", m, a[1], a[NR]}'; }
col() { awk -F'\t' -v l="$1" -v c="$2" '$2==l && $5==0 {print $c}' "$RAWF"; }
for m in "${MEM[@]}"; do
	label=${m%%=*}
	[ -n "$(col "$label" 3)" ] || { echo "initrd $label: every run failed"; continue; }
	printf 'initrd %s wall_s=%s out_MiB=%s\n' "$label" "$(col "$label" 3 | stats)" \
		"$(col "$label" 4 | sort -g | tail -1 | awk '{printf "%.2f", $1/1048576}')"
done
# pairwise per run: peer / diskless-min (time: how many times slower; size:
# how many times larger)
ratio() { # LABEL COLUMN
	awk -F'\t' -v l="$1" -v c="$2" '$5!=0 {next} $2=="diskless-min" {b[$1]=$c} $2==l {a[$1]=$c}
		END {for (r in a) if ((r in b) && b[r] > 0) print a[r]/b[r]}' "$RAWF" | stats
}
for m in "${MEM[@]}"; do
	label=${m%%=*}
	case $label in diskless-*) continue ;; esac
	[ -n "$(col "$label" 3)" ] || continue
	t=$(ratio "$label" 3) s=$(ratio "$label" 4)
	tm=${t%% *} sm=${s%% *}
	printf 'initrd ratio %s/diskless-min time=%s size=%s faster_20x=%s smaller_10x=%s\n' \
		"$label" "$t" "$s" "$(awk -v x="$tm" 'BEGIN{print (x >= 20) ? "yes" : "no"}')" \
		"$(awk -v x="$sm" 'BEGIN{print (x >= 10) ? "yes" : "no"}')"
done
[ -n "$RAW" ] && cp "$RAWF" "$RAW"
exit 0
