#!/bin/sh
# build-bench.sh: `diskless build --out-dir` (unpack + fix-ups + overlays +
# sha256 manifest) against `bsdtar -xpf` of the same tarball, in the same
# run, and the peak memory of the build for two image sizes (it must not
# grow with the size of the image).
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

# memory against size: the same entries plus one file as big as all of
# them (twice the bytes); then twice the entries (two copies of the tree)
rm -rf "$WORK/img" "$WORK/img.mtree"
mkdir "$WORK/big" && (cd "$WORK/big" && bsdtar -xpf "$TARBALL" &&
	head -c "$(wc -c <"$TARBALL")" /dev/urandom >big.bin && bsdtar -cf "$WORK/big.tar" .)
rm -rf "$WORK/big"
set -- $(t "$DISKLESS" -c "$WORK/site.conf" build --image bench --from "$WORK/big.tar" \
	--overlays-dir "$top_srcdir/rootfs-overlays" --out-dir "$WORK/img")
big_rss=$2
rm -rf "$WORK/img" "$WORK/img.mtree" "$WORK/big.tar"
mkdir -p "$WORK/two/a" "$WORK/two/b"
(cd "$WORK/two/a" && bsdtar -xpf "$TARBALL") && (cd "$WORK/two/b" && bsdtar -xpf "$TARBALL")
(cd "$WORK/two" && bsdtar -cf "$WORK/two.tar" .) && rm -rf "$WORK/two"
set -- $(t "$DISKLESS" -c "$WORK/site.conf" build --image bench --from "$WORK/two.tar" \
	--overlays-dir "$top_srcdir/rootfs-overlays" --out-dir "$WORK/img")
echo "figure: peak RSS ${rss} KiB for ${size} MiB; ${big_rss} KiB with twice the bytes" \
	"(same entries); $2 KiB with twice the entries"
awk -v r="$ratio" 'BEGIN { exit !(r <= 1.3) }' || { echo "build-bench: slower than 1.3x bsdtar" >&2; exit 1; }
