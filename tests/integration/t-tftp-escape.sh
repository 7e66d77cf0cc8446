#!/bin/sh
# t-tftp-escape.sh: names that try to leave the TFTP root, or that are not
# names at all, get a TFTP error and a log line; names that only look odd
# (the root's own prefix, a leading '/', a symlink inside the root) work.
# Raw request packets come from a few lines of python3.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/integration/tftp-lib.sh"
own_loopback "$@"

need_cmd python3 mkfifo
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"

tftp_setup
PORT=$((20000 + $$ % 12000))
A=127.0.0.1
mkdir -p "$ROOT/sub" "$TEST_TMP/outside"
echo secret > "$TEST_TMP/outside/secret"
chmod 755 "$TEST_TMP/outside"; chmod 644 "$TEST_TMP/outside/secret"
echo inside > "$ROOT/sub/file"; chmod 644 "$ROOT/sub/file"
ln -s ../../outside/secret "$ROOT/escape-rel"
ln -s "$TEST_TMP/outside/secret" "$ROOT/escape-abs"
ln -s "$TEST_TMP/outside" "$ROOT/escape-dir"
ln -s /proc/self/root/etc/passwd "$ROOT/magic"
ln -s sub/file "$ROOT/inside-link"
mkfifo "$ROOT/fifo"

# rrq NAME-as-python-bytes-literal -> prints "DATA <payload>" or "ERROR <code> <msg>"
rrq() {
	timeout 10 python3 - "$A" "$PORT" "$1" <<-'PY'
	import socket, sys
	host, port, lit = sys.argv[1], int(sys.argv[2]), sys.argv[3]
	name = eval(lit, {"__builtins__": {}})  # test-made literals only
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.settimeout(3)
	s.sendto(b"\0\1" + name + b"\0octet\0", (host, port))
	try:
	    d, peer = s.recvfrom(70000)
	except socket.timeout:
	    print("TIMEOUT"); sys.exit(0)
	op = d[1]
	if op == 3:
	    s.sendto(b"\0\4" + d[2:4], peer)
	    print("DATA " + d[4:].decode(errors="replace").strip())
	elif op == 5:
	    print("ERROR %d %s" % (d[3], d[4:-1].decode(errors="replace")))
	else:
	    print("OTHER %d" % op)
	PY
}

plan 23
ok "disklessd starts" tftp_start "$A:$PORT"

is "plain name" "$(rrq "b'sub/file'")" "DATA inside"
is "leading slash stripped" "$(rrq "b'/sub/file'")" "DATA inside"
is "the root's own prefix stripped" "$(rrq "b'$ROOT/sub/file'")" "DATA inside"
is "symlink inside the root" "$(rrq "b'inside-link'")" "DATA inside"
is "'..' refused" "$(rrq "b'../outside/secret'")" "ERROR 2 '..' in file name"
is "'..' in the middle refused" "$(rrq "b'sub/../../outside/secret'")" \
	"ERROR 2 '..' in file name"
is "root prefix then '..' refused" "$(rrq "b'$ROOT/../outside/secret'")" \
	"ERROR 2 '..' in file name"
is "absolute path outside: looked up beneath the root" \
	"$(rrq "b'$TEST_TMP/outside/secret'")" "ERROR 1 file not found"
is "relative symlink out of the root" "$(rrq "b'escape-rel'")" "ERROR 2 access denied"
is "absolute symlink out of the root" "$(rrq "b'escape-abs'")" "ERROR 2 access denied"
is "symlinked directory out of the root" "$(rrq "b'escape-dir/secret'")" \
	"ERROR 2 access denied"
is "magic link" "$(rrq "b'magic'")" "ERROR 2 access denied"
is "backslashes refused" "$(rrq "b'..\\\\outside\\\\secret'")" \
	"ERROR 2 backslash in file name"
is "control byte refused" "$(rrq "b'sub/fi\\x1ble'")" \
	"ERROR 2 control character in file name"
is "NUL splits the name: bad mode" "$(rrq "b'sub/file\\x00x'")" \
	"ERROR 0 unsupported transfer mode (use octet or netascii)"
is "600-byte name refused" "$(rrq "b'a' * 600")" "ERROR 0 file name too long"
is "a directory refused" "$(rrq "b'sub'")" "ERROR 2 access denied"
is "a FIFO refused without hanging" "$(rrq "b'fifo'")" "ERROR 2 access denied"
is "the server still answers after the FIFO" "$(rrq "b'sub/file'")" "DATA inside"

log=$(cat "$DLOG")
like "log: escape through a symlink named" "$log" \
	"'escape-abs': refused: the name leads out of the TFTP root"
like "log: control bytes not copied into the log" "$log" "'sub/fi\\?le': refused"
like "log: the long name" "$log" "refused: file name too long"
done_testing
