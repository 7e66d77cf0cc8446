#!/bin/sh
# t-tftp-bigfile.sh (slow: runs when DISKLESS_SLOW_TESTS=1): a 5 GiB file, sparse with
# random data past 4 GiB and in its last bytes, fetched at blksize 65464:
# 64-bit offsets and a block number that wraps. About 30 s and 5 GiB of
# disk for the copy.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/integration/tftp-lib.sh"
own_loopback "$@"

[ "${DISKLESS_SLOW_TESTS:-}" = 1 ] ||
	skip_all "slow: runs once per test run (set DISKLESS_SLOW_TESTS=1, as scripts/test does)"
need_cmd curl cmp truncate dd
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
tftp_setup
truncate -s 5G "$ROOT/big"
head -c 1048576 /dev/urandom | dd of="$ROOT/big" bs=1M seek=4600 conv=notrunc 2>/dev/null
head -c 1000 /dev/urandom | dd of="$ROOT/big" bs=1 seek=$((5368709120 - 1000)) \
	conv=notrunc 2>/dev/null
chmod 644 "$ROOT/big"
PORT=$((20000 + $$ % 12000))

plan 3
ok "disklessd starts" tftp_start "127.0.0.1:$PORT"
timeout 300 curl -sS -o "$TEST_TMP/out/big" --tftp-blksize 65464 \
	"tftp://127.0.0.1:$PORT/big"
ok "5 GiB at blksize 65464, byte-identical" cmp "$ROOT/big" "$TEST_TMP/out/big"
rm -f "$TEST_TMP/out/big"
like "logged with its 64-bit size" "$(cat "$DLOG")" "'big': sent 5368709120 bytes"
done_testing
