#!/bin/sh
# t-fault-build.sh: `diskless build --out-dir` into a 48 MiB tmpfs (in a
# private mount namespace, so nothing leaks out of the test), killed and
# starved of room:
#  - SIGKILLed at three points of a build (the archive is fed through a
#    FIFO, so the build is stopped exactly where the test wants it): the
#    previous image stays in place and matches its manifest (diskless
#    verify), and the killed build leaves its staging tree behind;
#  - each build removes such leftovers (each build holds an flock on its
#    staging tree: an unlocked one is a dead build's), so after the next
#    good build the folder holds the image and its manifest only;
#  - a build that runs out of room exits 1 with one line naming ENOSPC,
#    cleans up after itself, and the previous image is intact;
#  - SIGTERM: the build stops through its error path and removes its tree.
if [ "$(id -u)" = 0 ] && [ -z "${FAULT_MNTNS:-}" ] &&
	unshare -m --propagation private true 2>/dev/null; then
	FAULT_MNTNS=1 exec unshare -m --propagation private /bin/sh "$0" "$@"
fi
. "${top_srcdir:?}/tests/lib.sh" || exit 1

need_root
need_cmd bsdtar mkfifo mount timeout
[ -n "${FAULT_MNTNS:-}" ] || skip_all "cannot make a private mount namespace (unshare -m)"

T=$TEST_TMP
OUT=$T/out
mkdir -p "$OUT"
mount -t tmpfs -o size=48m diskless-test "$OUT" || skip_all "cannot mount a tmpfs"
at_exit "umount $OUT"
cat >"$T/site.conf" <<EOC
[server]
address = 10.0.0.1
mode = proxy
[image lab]
root = $OUT/img
nfs-options = vers=3,proto=tcp,nolock
EOC
export SOURCE_DATE_EPOCH=1700000000
build() {
	timeout 120 "$DISKLESS" -v -c "$T/site.conf" build --image lab \
		--overlays-dir "$top_srcdir/rootfs-overlays" "$@"
}
# build_bg ARGS...: build in the background; BPID is diskless itself (the
# child of the timeout bounding it), TPID the timeout
build_bg() {
	timeout 120 "$DISKLESS" -v -c "$T/site.conf" build --image lab \
		--overlays-dir "$top_srcdir/rootfs-overlays" "$@" &
	TPID=$!
	BPID=
	for _i in $(seq 50); do
		BPID=$(cat "/proc/$TPID/task/$TPID/children" 2>/dev/null | tr -d ' ')
		[ -n "$BPID" ] && break
		sleep 0.05
	done
}
# feed PERCENT: $T/fifo gives that much of v2.tar, then waits
feed() {
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	{ head -c $((size * $1 / 100)) "$T/v2.tar"; exec sleep 30; } > "$T/fifo" &
	FEED=$!
	at_exit "kill $FEED 2>/dev/null"
}
# mkbase DIR VERSION FILES BIGBYTES: a base tree with a marker
mkbase() {
	mkdir -p "$1/etc" "$1/data"
	echo "$2" > "$1/etc/version"
	for i in $(seq "$3"); do echo "$2 $i" > "$1/data/f$i"; done
	head -c "$4" /dev/urandom > "$1/data/big"
}
version() { cat "$OUT/img/etc/version" 2>/dev/null; }
leftovers() { ls -A "$OUT" | grep -v -x -e img -e img.mtree | tr '\n' ' '; }

mkbase "$T/v1" v1 200 1000000
mkbase "$T/v2" v2 2000 8000000
(cd "$T/v2" && bsdtar -cf "$T/v2.tar" .)
size=$(stat -c %s "$T/v2.tar")

plan 18
ok "build v1 into the tmpfs" build --from "$T/v1" --out-dir "$OUT/img"
ok "v1 matches its manifest" "$DISKLESS" verify "$OUT/img"

# killed_at PERCENT: build v2 from a FIFO that stops after PERCENT of the
# archive, SIGKILL the build once it waits there
killed_at() {
	feed "$1"
	build_bg --from "$T/fifo" --out-dir "$OUT/img" >/dev/null 2>&1
	# the build has read all it was given when its tree stops growing
	_last=-1
	for _i in $(seq 100); do
		sleep 0.1
		_n=$(du -s "$OUT" | cut -f1)
		[ "$_n" = "$_last" ] && [ "$_i" -gt 5 ] && break
		_last=$_n
	done
	kill -9 "$BPID"
	wait "$TPID" 2>/dev/null
	kill "$FEED" 2>/dev/null
	wait "$FEED" 2>/dev/null
	# the build is gone, mid-way: v1 in place and whole, its tree left
	[ "$(version)" = v1 ] && "$DISKLESS" verify "$OUT/img" >/dev/null &&
		[ "$(ls -A "$OUT" | grep -c '^\.img\.new-')" = 1 ]
}
for pct in 5 50 95; do
	ok "SIGKILL at $pct % of the archive: v1 in place and whole, one tree left" \
		killed_at "$pct"
done
diag "left by the last one: $(leftovers)"

ok "the next build succeeds" build --from "$T/v2.tar" --out-dir "$OUT/img"
like "... says it removed the leftovers" "$(cat "$TEST_TMP/.out")" \
	"removed [1-9][0-9]* leftover\(s\) of an interrupted build"
is "... and nothing is left but the image and its manifest" "$(leftovers)" ""
is "v2 is in place" "$(version)" v2
ok "v2 matches its manifest" "$DISKLESS" verify "$OUT/img"

# out of room: v2 takes about 9 MiB; v3's 40 MB file cannot fit beside it
mkbase "$T/v3" v3 10 40000000
is_exit 1 "out of room: exit 1" build --from "$T/v3" --out-dir "$OUT/img"
err=$(grep -v '^diskless: build: .* entries' "$TEST_TMP/.out")
is "... one line" "$(printf '%s\n' "$err" | grep -c .)" 1
like "... naming ENOSPC and saying the previous image is intact" "$err" \
	"^diskless: build: image lab: .*No space left on device.*previous image is intact"
is "... v2 still in place" "$(version)" v2
ok "... and whole" "$DISKLESS" verify "$OUT/img"
is "... and the failed build cleaned up after itself" "$(leftovers)" ""

# SIGTERM: the ordinary error path
feed 50
build_bg --from "$T/fifo" --out-dir "$OUT/img" > "$T/term.out" 2>&1
sleep 1
kill "$BPID"
# blocked in read() on the FIFO, it sees the signal once the source ends
kill "$FEED" 2>/dev/null
wait "$TPID"
rc=$?
wait "$FEED" 2>/dev/null
like "SIGTERM: the build stops, exit 1, interrupted" "$rc $(cat "$T/term.out")" \
	"^1 .*interrupted"
is "... and removes its tree" "$(leftovers)" ""
done_testing
