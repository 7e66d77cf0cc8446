#!/bin/sh
# t-status-cli.sh: `diskless status` without root: no server (one-line
# error, exit 1), usage errors (exit 2), the socket path from the site
# config, and a fake server on a unix socket serving canned documents: the
# table (sorted, aligned, sizes, rates, "ago" against the server's clock),
# --json passed through, and hostile answers (garbage, empty, oversized,
# terminal escapes, silence) refused or defused.
. "${top_srcdir:?}/tests/lib.sh" || exit 1

T=$TEST_TMP
st() { "$DISKLESS" status "$@"; }

is_exit 1 "no server: exit 1" st -s "$T/none.sock"
like "... one line: what, why, what to do" "$(cat "$T/.out")" \
	"^diskless: status: cannot connect to $T/none.sock: No such file or directory \(is disklessd running\?\)$"
is_exit 2 "--watch=0 is a usage error" st --watch=0 -s "$T/none.sock"
is_exit 2 "--count without --watch" st --count 2 -s "$T/none.sock"
is_exit 2 "an extra argument" st extra
is_exit 0 "--help" st --help
like "... documents the options" "$(cat "$T/.out")" "--watch\[=SECONDS\]"

printf '[server]\naddress = 10.0.0.1\ncontrol-socket = %s/site.sock\n' "$T" > "$T/a.conf"
is_exit 1 "the socket named by the site config is used" "$DISKLESS" -c "$T/a.conf" status
like "... (its path in the error)" "$(cat "$T/.out")" "cannot connect to $T/site.sock"
printf '[server]\naddress = 10.0.0.1\ncontrol-socket = none\n' > "$T/b.conf"
is_exit 2 "control-socket = none: exit 2" "$DISKLESS" -c "$T/b.conf" status
like "... and says why" "$(cat "$T/.out")" "control-socket = none: disklessd serves no status"
is_exit 2 "-c with a missing config: exit 2" "$DISKLESS" -c "$T/missing.conf" status

command -v python3 >/dev/null 2>&1 || { diag "no python3: fake server tests skipped"; done_testing; }

# serve FILE: a fake disklessd answering one connection with FILE's bytes
# ("-": accept and say nothing for 8 s)
cat > "$T/fake.py" <<'EOF'
import os, socket, sys, time
path, what = sys.argv[1:3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path + ".tmp")
os.rename(path + ".tmp", path)
s.listen(1)
c, _ = s.accept()
if what == "-":
    time.sleep(8)
else:
    c.sendall(open(what, "rb").read())
c.close()
EOF
n=0
serve() {
	n=$((n + 1))
	SOCK=$T/fake$n.sock
	timeout 20 python3 "$T/fake.py" "$SOCK" "$1" &
	FPID=$!
	at_exit "kill $FPID 2>/dev/null"
	for _i in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
}

cat > "$T/good.json" <<'EOF'
{"version": 1, "now": 1000.000, "clients": [
{"mac": "52:54:00:12:34:56", "address": "10.0.0.11", "host": "pc01", "image": "lab", "stage": "tftp", "since": 988.000, "updated": 999.500, "file": "lab/initrd.img", "detail": null, "bytes": 12897485, "size": 42048308, "rate": 4404019, "history": []},
{"mac": null, "address": "10.0.0.150", "host": null, "image": null, "stage": "tftp-failed", "since": 995.000, "updated": 995.000, "file": "pxelinux.cfg/C0A8", "detail": "no such file", "bytes": null, "size": null, "rate": null, "history": []},
{"mac": "52:54:00:00:00:01", "address": "10.0.0.10", "host": "alpha", "image": "lab", "stage": "dhcp-ack", "since": 700.000, "updated": 700.000, "file": "pxelinux.0", "detail": "DHCPREQUEST: static host", "bytes": null, "size": null, "rate": null, "history": []}
]}
EOF
cat > "$T/good.table" <<'EOF'
HOST   MAC                ADDRESS     IMAGE  STAGE                                        SINCE
alpha  52:54:00:00:00:01  10.0.0.10   lab    dhcp ack pxelinux.0                          5m00s ago
pc01   52:54:00:12:34:56  10.0.0.11   lab    tftp lab/initrd.img 12.3/40.1 MiB 4.2 MiB/s  12s ago
-      -                  10.0.0.150  -      tftp failed pxelinux.cfg/C0A8: no such file  5s ago
EOF
serve "$T/good.json"
is "table: sorted by host, unknown last, aligned" "$(st -s "$SOCK")" "$(cat "$T/good.table")"
wait "$FPID"
serve "$T/good.json"
st -s "$SOCK" --json > "$T/got.json"
ok "--json: the document as served" cmp "$T/good.json" "$T/got.json"
wait "$FPID"

printf '{"version": 1, "now": 10, "clients": [{"mac": null, "address": null, "host": "\\u001b]0;owned\\u0007", "image": null, "stage": "tftp-failed", "since": 1, "updated": 1, "file": "\\u001b[2J", "detail": "x", "bytes": null, "size": null, "rate": null}]}' > "$T/escape.json"
serve "$T/escape.json"
st -s "$SOCK" > "$T/escape.out" 2>&1
is "terminal escapes in names: printed without the ESC byte" \
	"$(tr -d '\n' < "$T/escape.out" | tr -dc '\033\007' | wc -c)" 0
like "... as '?'" "$(cat "$T/escape.out")" "\?\]0;owned\? .*tftp failed \?\[2J: x"
wait "$FPID"

printf 'HTTP/1.0 200 OK\r\n\r\n' > "$T/garbage"
serve "$T/garbage"
is_exit 1 "garbage: exit 1" st -s "$SOCK"
like "... not a status document" "$(cat "$T/.out")" \
	"^diskless: status: $SOCK: not a status document: JSON offset 0: .*\(is it disklessd's control socket\?\)$"
wait "$FPID"
: > "$T/empty"
serve "$T/empty"
is_exit 1 "empty answer: exit 1" st -s "$SOCK"
like "... too many readers" "$(cat "$T/.out")" "empty answer \(too many readers at once"
wait "$FPID"
head -c 5000000 /dev/zero | tr '\0' ' ' > "$T/huge"
serve "$T/huge"
is_exit 1 "an answer past 4 MiB: exit 1" st -s "$SOCK"
like "... refused, not read to the end" "$(cat "$T/.out")" "no status read: File too large"
kill "$FPID" 2>/dev/null
wait "$FPID" 2>/dev/null
serve -
is_exit 1 "a server that says nothing: exit 1 after the read timeout" st -s "$SOCK"
like "... says so" "$(cat "$T/.out")" "no status read: Connection timed out \(is disklessd stuck"
kill "$FPID" 2>/dev/null
wait "$FPID" 2>/dev/null
done_testing
