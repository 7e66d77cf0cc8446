#!/bin/sh
# t-tftp-clients.sh: real TFTP clients (tftp-hpa, atftp, curl, busybox)
# fetch files of edge sizes from disklessd on loopback, each compared with
# cmp: 0, 511/512/513 bytes, exactly 3 x 1468, 8 MiB, and 64 MiB at
# 512-byte blocks (the block number wraps 65535 -> 0 twice). Also netascii,
# a refused write, and SIGHUP in the middle of a transfer.
#
# The loop waits in io_uring where the kernel allows it (checked from the
# log); t-tftp-epoll.sh runs this test again with DISKLESSD_IO_URING=0 and
# EXPECT_LOOP=epoll, the path of kernels and containers without it.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/integration/tftp-lib.sh"
own_loopback "$@"

need_cmd tftp atftp curl busybox cmp
busybox tftp --help >/dev/null 2>&1 || skip_all "busybox has no tftp applet"
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"

tftp_setup
PORT=$((20000 + $$ % 12000))
A=127.0.0.1
OUT=$TEST_TMP/out
for s in 0 511 512 513 4404; do mkfile "s$s" "$s"; done
mkfile f8M 8388608
mkfile f64M 67108864
printf 'line one\nline two\r\nbare cr\rend\n' > "$ROOT/text.txt"
chmod 644 "$ROOT/text.txt"

plan 42
ok "disklessd starts on $A:$PORT" tftp_start "$A:$PORT"
loop=${EXPECT_LOOP:-io_uring}
[ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)" = 0 ] || loop=epoll
like "the loop waits in $loop" "$(grep 'event loop:' "$DLOG")" "event loop: $loop\$"

SMALL="s0 s511 s512 s513 s4404"
# fetch NAME OUT CLIENT-CMD...: the client exits 0 and the copy is identical
# (an empty file "matches" a client that failed: the status counts too).
fetch() {
	_f=$1 _o=$2; shift 2
	rm -f "$_o"
	timeout 120 "$@" >"$_o.log" 2>&1 || { diag "$* failed: $(tail -2 "$_o.log")"; return 1; }
	same "$_f" "$_o"
}
for f in $SMALL f8M; do
	ok "tftp-hpa (512) $f" fetch "$f" "$OUT/h.$f" \
		tftp -m binary "$A" "$PORT" -c get "$f" "$OUT/h.$f"
done
for f in $SMALL f8M; do
	ok "curl (blksize 1468) $f" fetch "$f" "$OUT/c.$f" \
		curl -sS -o "$OUT/c.$f" --tftp-blksize 1468 "tftp://$A:$PORT/$f"
done
for f in $SMALL f8M; do
	ok "busybox (blksize 1468) $f" fetch "$f" "$OUT/b.$f" \
		busybox tftp -b 1468 -g -r "$f" -l "$OUT/b.$f" "$A" "$PORT"
done
for f in $SMALL f8M; do
	ok "atftp (blksize 1468, windowsize 8) $f" fetch "$f" "$OUT/a.$f" \
		atftp --option "blksize 1468" --option "windowsize 8" \
		-g -r "$f" -l "$OUT/a.$f" "$A" "$PORT"
done
# exactly N * blksize: the last DATA is empty
ok "curl: 3 x 1468 bytes at blksize 1468" fetch s4404 "$OUT/n.s4404" \
	curl -sS -o "$OUT/n.s4404" --tftp-blksize 1468 "tftp://$A:$PORT/s4404"
ok "curl: 512 bytes at blksize 256" fetch s512 "$OUT/n.s512" \
	curl -sS -o "$OUT/n.s512" --tftp-blksize 256 "tftp://$A:$PORT/s512"

# rollover: 131073 blocks of 512 bytes, block numbers wrap twice
ok "tftp-hpa: 64 MiB at 512 (rollover)" fetch f64M "$OUT/h.f64M" \
	tftp -m binary "$A" "$PORT" -c get f64M "$OUT/h.f64M"
# three at once on one file: it is shared (mapped), blocks sent from there
pids= r=0
for i in 1 2 3; do
	timeout 120 curl -sS -o "$OUT/p$i.f8M" "tftp://$A:$PORT/f8M" 2>/dev/null &
	pids="$pids $!"
done
for p in $pids; do wait "$p" || r=1; done
for i in 1 2 3; do same f8M "$OUT/p$i.f8M" || r=1; done
ok "three curl clients at once on one file (shared mapping)" [ "$r" = 0 ]
ok "atftp: 64 MiB at 512, windowsize 16 (rollover in windows)" fetch f64M \
	"$OUT/a.f64M" atftp --option "blksize 512" --option "windowsize 16" \
	-g -r f64M -l "$OUT/a.f64M" "$A" "$PORT"
rm -f "$OUT"/*.f64M

# SIGHUP while a transfer runs: it must finish intact.
timeout 120 tftp -m binary "$A" "$PORT" -c get f64M "$OUT/hup.f64M" >/dev/null 2>&1 &
cpid=$!
sleep 0.3
kill -HUP "$DPID"
wait "$cpid"
ok "transfer across SIGHUP completes intact" same f64M "$OUT/hup.f64M"
like "SIGHUP reloads the config" "$(grep reloaded "$DLOG")" "reloaded \(1 transfers running"
rm -f "$OUT"/*.f64M

# netascii: LF goes out as CR LF and CR as CR NUL; tftp-hpa turns it back
ok "netascii round trip (tftp-hpa)" fetch text.txt "$OUT/text.txt" \
	tftp -m netascii "$A" "$PORT" -c get text.txt "$OUT/text.txt"

# writes are refused with a TFTP error
echo data > "$OUT/up"
r=$(cd "$OUT" && timeout 20 tftp -m binary "$A" "$PORT" -c put up up 2>&1)
like "WRQ gets a TFTP error" "$r" "Error code 2: read-only server"
ok "nothing was written" test ! -e "$ROOT/up"

log=$(cat "$DLOG")
like "log: a line per transfer with size, blksize, windowsize" "$log" \
	"'f8M': sent 8388608 bytes in [0-9.]+ s \(blksize 1468, windowsize 8, [0-9]+ retransmits\)"
like "log: 512-byte transfers logged" "$log" "'s513': sent 513 bytes .*blksize 512, windowsize 1"
like "log: the refused write" "$log" "'up': refused: write request"
like "log: no failed transfer" "$(grep -c 'failed after' "$DLOG")" "^0$"
tftp_stop
like "exit summary" "$(tail -1 "$DLOG")" "transfers done, 0 failed"
ok "no sanitizer report" sh -c "! grep -q 'runtime error\|Sanitizer' '$DLOG'"
done_testing
