#!/bin/sh
# t-tftp-shutdown.sh: disklessd stopped with SIGTERM in the middle of a
# transfer tells the client with a TFTP ERROR, so the client gives up at
# once and can ask the restarted server again, instead of waiting out its
# retransmission timer (GRUB sat 38 s on a dead transfer in
# tests/vm/t-pxe-full.sh before this). tftp-hpa on loopback: it prints the
# server's error and exits well before its own 25 s timeout.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/integration/tftp-lib.sh"
own_loopback "$@"

need_cmd tftp truncate
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"

tftp_setup
PORT=$((20000 + ($$ + 7) % 12000))
OUT=$TEST_TMP/out
# sparse: 512 Ki blocks of 512 bytes, far more than the test lets through
truncate -s 256M "$ROOT/big"
chmod 644 "$ROOT/big"

plan 4
ok "disklessd starts" tftp_start "127.0.0.1:$PORT"
timeout 60 tftp -m binary 127.0.0.1 "$PORT" -c get big "$OUT/big" >"$OUT/client.log" 2>&1 &
cpid=$!
# SIGTERM once the first MiB has arrived: the transfer is running
for i in $(seq 100); do
	[ "$(stat -c %s "$OUT/big" 2>/dev/null || echo 0)" -ge 1048576 ] && break
	sleep 0.1
done
tftp_stop
wait "$cpid"
like "the client got the server's ERROR" "$(cat "$OUT/client.log")" \
	"Error code 0: server shutting down"
like "the transfer is logged as cut short" "$(cat "$DLOG")" \
	"'big': failed after [0-9]+ bytes .*: server shutting down"
ok "no sanitizer report" sh -c "! grep -q 'runtime error\|Sanitizer' '$DLOG'"
done_testing
