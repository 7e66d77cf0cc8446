#!/bin/sh
# t-tftp-window.sh: what a client is granted. RFC 7440 windows are sized to
# the socket buffers: with a small send buffer (the kernel's grant is read
# back) the OACK's windowsize is lowered, and a transfer at that window
# still completes byte-identical. [tftp] default-blksize and
# default-windowsize: a client asking for more than the maximum gets the
# default, one asking within it what it asked, one asking nothing lock-step
# at 512 bytes with no OACK (RFC 2347).
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/integration/tftp-lib.sh"
own_loopback "$@"

need_cmd python3 atftp cmp
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
SHIM=$top_builddir/tests/integration/sndbuf-cap.so
[ -f "$SHIM" ] || skip_all "no $SHIM (make check builds it)"
PORT=$((20000 + $$ % 12000))

plan 13

# The same request with and without a small send buffer.
tftp_setup
mkfile f 3000000
ok "disklessd starts" tftp_start "127.0.0.1:$PORT"
is "16 x 1468 fits the default buffers: granted" \
	"$(tftp_probe 127.0.0.1 "$PORT" f blksize 1468 windowsize 16)" \
	"127.0.0.1 OACK blksize=1468 windowsize=16"
tftp_stop

# The ASan runtime must come first in the library list, which a preload
# breaks: tell it not to mind (the shim has nothing to instrument).
PORT=$((PORT + 1))
TFTP_ENV="LD_PRELOAD=$SHIM SNDBUF_CAP=8192" \
	DAEMON_ASAN_OPTIONS="$DAEMON_ASAN_OPTIONS:verify_asan_link_order=0" \
	tftp_start "127.0.0.1:$PORT"
r=$(tftp_probe 127.0.0.1 "$PORT" f blksize 1468 windowsize 16)
ws=${r##*windowsize=}
like "a small send buffer: still an OACK with blksize 1468" "$r" \
	"^127.0.0.1 OACK blksize=1468 windowsize=[0-9]+$"
ok "... the window is lowered below 16 (got $ws)" [ "$ws" -lt 16 ] && [ "$ws" -ge 1 ]
# 8192 asked, 16384 granted (the kernel doubles it): the window fits in it
ok "... and fits the 16 KiB granted ($ws x 1468 bytes)" [ "$((ws * 1468))" -le 16384 ]
rm -f "$TEST_TMP/out/f"
ok "atftp at windowsize 16 fetches the file through the lowered window" \
	timeout 60 atftp --option "blksize 1468" --option "windowsize 16" -g -r f \
	-l "$TEST_TMP/out/f" 127.0.0.1 "$PORT"
ok "... byte-identical" same f "$TEST_TMP/out/f"
like "... and the log shows the window it ran with" "$(cat "$DLOG")" \
	"'f': sent 3000000 bytes .*windowsize $ws,"
tftp_stop

# default-blksize and default-windowsize
rm -rf "$TEST_TMP/root"
tftp_setup
cat >> "$CONF" <<-CONF
max-blksize = 8192
default-blksize = 1024
max-windowsize = 16
default-windowsize = 4
CONF
mkfile f 100000
PORT=$((PORT + 1))
tftp_start "127.0.0.1:$PORT"
is "blksize within the maximum: as asked" \
	"$(tftp_probe 127.0.0.1 "$PORT" f blksize 4096)" "127.0.0.1 OACK blksize=4096"
is "blksize above the maximum: the default" \
	"$(tftp_probe 127.0.0.1 "$PORT" f blksize 65464)" "127.0.0.1 OACK blksize=1024"
is "windowsize within the maximum: as asked" \
	"$(tftp_probe 127.0.0.1 "$PORT" f windowsize 8)" "127.0.0.1 OACK windowsize=8"
is "windowsize above the maximum: the default" \
	"$(tftp_probe 127.0.0.1 "$PORT" f windowsize 64)" "127.0.0.1 OACK windowsize=4"
is "no options asked: no OACK, 512-byte lock-step (RFC 2347)" \
	"$(tftp_probe 127.0.0.1 "$PORT" f)" "127.0.0.1 DATA 512"
tftp_stop
done_testing
