#!/bin/sh
# build-bench.sh: `diskless build --out-dir` (unpack + fix-ups + overlays +
# sha256 manifest) against `bsdtar -xpf` of the same tarball, in the same
# run, the time of `--out-tar`, and the peak memory of both for the tarball,
# twice its bytes and twice its entries (it must not grow with the size of
# the image).
#
#   sudo bench/build-bench.sh [TARBALL]
#
# TARBALL defaults to the cached Debian minbase of the tests
# (/var/cache/diskless-test/bookworm-minbase.tar) topped up with generated
# files to about 300 MB, or fully generated content when that is absent.
# Env: DISKLESS (the program), RUNS (default 3; the median is reported),
# WORK (scratch directory, default a new one under /var/tmp).
# Prints "figure:" lines; exits 1 when the build is slower than 1.3x.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
DISKLESS=${DISKLESS:-$top_srcdir/builder/diskless}
RUNS=${RUNS:-3}
[ "$(id -u)" = 0 ] || { echo "build-bench: needs root (--out-dir keeps owners)" >&2; exit 2; }
for c in bsdtar /usr/bin/time; do
	command -v "$c" >/dev/null 2>&1 || { echo "build-bench: needs $c" >&2; exit 2; }
done
WORK=${WORK:-$(mktemp -d /var/tmp/diskless-bench.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT INT TERM

# gen DIR MB: about MB megabytes of files, sizes spread like a root fs:
# 190 files of 4-64 KiB, then one of 8 MiB, and again
gen() {
	mkdir -p "$1"
	i=0 kb_total=0
	while [ "$kb_total" -lt $(($2 * 1024)) ]; do
		d=$1/d$((i / 200))
		mkdir -p "$d"
		if [ $((i % 191)) = 190 ]; then kb=8192; else kb=$(((i * 37) % 61 + 4)); fi
		head -c $((kb * 1024)) /dev/urandom >"$d/f$i"
		kb_total=$((kb_total + kb))
		i=$((i + 1))
	done
}

TARBALL=${1:-}
if [ -z "$TARBALL" ]; then
	TARBALL=$WORK/base.tar
	DEB=/var/cache/diskless-test/bookworm-minbase.tar
	mkdir -p "$WORK/src"
	if [ -s "$DEB" ]; then
		(cd "$WORK/src" && bsdtar -xpf "$DEB")
		have=$(du -sm "$WORK/src" | cut -f1)
		[ "$have" -lt 300 ] && gen "$WORK/src/opt/bench" $((300 - have))
	else
		gen "$WORK/src/usr/share/bench" 300
	fi
	(cd "$WORK/src" && bsdtar -cf "$TARBALL" .)
	rm -rf "$WORK/src"
fi
cat >"$WORK/site.conf" <<EOC
[server]
address = 10.0.0.1
mode = proxy
[image bench]
root = $WORK/img
nfs-options = vers=3,proto=tcp,nolock
EOC

# t CMD...: wall seconds and peak RSS (KiB) of CMD, as "SECONDS KIB"
t() {
	/usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" ||
		{ cat "$WORK/err" >&2; exit 1; }
	cat "$WORK/time"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

cat "$TARBALL" >/dev/null # both start from a warm page cache
: >"$WORK/tar.s"; : >"$WORK/build.s"; : >"$WORK/build.m"
for r in $(seq "$RUNS"); do
	rm -rf "$WORK/x" "$WORK/img" "$WORK/img.mtree"; mkdir "$WORK/x"; sync
	t bsdtar -xpf "$TARBALL" -C "$WORK/x" | cut -d' ' -f1 >>"$WORK/tar.s"
	rm -rf "$WORK/x"; sync
	set -- $(t "$DISKLESS" -c "$WORK/site.conf" build --image bench --from "$TARBALL" \
		--overlays-dir "$top_srcdir/rootfs-overlays" --out-dir "$WORK/img")
	echo "$1" >>"$WORK/build.s"; echo "$2" >>"$WORK/build.m"
done
size=$(($(wc -c <"$TARBALL") / 1048576))
tar_s=$(median <"$WORK/tar.s"); build_s=$(median <"$WORK/build.s")
rss=$(median <"$WORK/build.m")
ratio=$(awk -v a="$build_s" -v b="$tar_s" 'BEGIN { printf "%.2f", a / b }')
echo "figure: tarball ${size} MiB, $(wc -l <"$WORK/img.mtree") manifest lines"
echo "figure: bsdtar -xpf ${tar_s} s, diskless build --out-dir ${build_s} s, ratio ${ratio} (median of $RUNS)"

# peak RSS (KiB) of a build of $1 with the output option $2 (--out-dir or
# --out-tar)
build_rss() {
	rm -rf "$WORK/img" "$WORK/img.mtree" "$WORK/img.tar" "$WORK/img.tar.mtree"
	if [ "$2" = --out-dir ]; then o=$WORK/img; else o=$WORK/img.tar; fi
	set -- $(t "$DISKLESS" -c "$WORK/site.conf" build --image bench --from "$1" \
		--overlays-dir "$top_srcdir/rootfs-overlays" "$2" "$o")
	echo "$2"
}

# --out-tar: time (median) and peak RSS
: >"$WORK/otar.s"; : >"$WORK/otar.m"
for r in $(seq "$RUNS"); do
	rm -f "$WORK/img.tar" "$WORK/img.tar.mtree"; sync
	set -- $(t "$DISKLESS" -c "$WORK/site.conf" build --image bench --from "$TARBALL" \
		--overlays-dir "$top_srcdir/rootfs-overlays" --out-tar "$WORK/img.tar")
	echo "$1" >>"$WORK/otar.s"; echo "$2" >>"$WORK/otar.m"
done
otar_s=$(median <"$WORK/otar.s"); otar_rss=$(median <"$WORK/otar.m")
echo "figure: diskless build --out-tar ${otar_s} s, ratio $(awk -v a="$otar_s" -v b="$tar_s" \
	'BEGIN { printf "%.2f", a / b }') to bsdtar -xpf (median of $RUNS)"

# memory against size: the same entries plus one file as big as all of
# them (twice the bytes); then twice the entries (two copies of the tree)
mkdir "$WORK/big" && (cd "$WORK/big" && bsdtar -xpf "$TARBALL" &&
	head -c "$(wc -c <"$TARBALL")" /dev/urandom >big.bin && bsdtar -cf "$WORK/big.tar" .)
rm -rf "$WORK/big"
big_rss=$(build_rss "$WORK/big.tar" --out-dir)
big_tar_rss=$(build_rss "$WORK/big.tar" --out-tar)
rm -f "$WORK/big.tar"
mkdir -p "$WORK/two/a" "$WORK/two/b"
(cd "$WORK/two/a" && bsdtar -xpf "$TARBALL") && (cd "$WORK/two/b" && bsdtar -xpf "$TARBALL")
(cd "$WORK/two" && bsdtar -cf "$WORK/two.tar" .) && rm -rf "$WORK/two"
two_rss=$(build_rss "$WORK/two.tar" --out-dir)
two_tar_rss=$(build_rss "$WORK/two.tar" --out-tar)
echo "figure: --out-dir peak RSS ${rss} KiB for ${size} MiB; ${big_rss} KiB with twice the bytes" \
	"(same entries); ${two_rss} KiB with twice the entries"
echo "figure: --out-tar peak RSS ${otar_rss} KiB for ${size} MiB; ${big_tar_rss} KiB with twice the bytes" \
	"(same entries); ${two_tar_rss} KiB with twice the entries"
awk -v r="$ratio" 'BEGIN { exit !(r <= 1.3) }' || { echo "build-bench: slower than 1.3x bsdtar" >&2; exit 1; }
