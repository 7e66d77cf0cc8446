#!/bin/sh
# t-tftp-limits.sh: the limits of [tftp]. Requests beyond max-transfers and
# beyond a client's request rate are dropped (no answer: the client retries)
# and logged, rate-limited; a duplicate RRQ joins the running transfer
# instead of starting a second one.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/integration/tftp-lib.sh"
own_loopback "$@"

need_cmd python3
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"

# rrq PORT NAME [SRCPORT]: sends one RRQ, prints the first opcode answered
# or TIMEOUT; never ACKs, so a transfer it starts stays open (retransmitting)
rrq() {
	timeout 10 python3 - "$1" "$2" "${3:-0}" <<-'PY'
	import socket, sys
	port, name, sport = int(sys.argv[1]), sys.argv[2].encode(), int(sys.argv[3])
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	s.bind(("127.0.0.1", sport))
	s.settimeout(1.5)
	s.sendto(b"\0\1" + name + b"\0octet\0", ("127.0.0.1", port))
	try:
	    d, peer = s.recvfrom(70000)
	    print("OP%d" % d[1])
	except socket.timeout:
	    print("TIMEOUT")
	PY
}

plan 8
PORT=$((20000 + $$ % 12000))

# max-transfers = 1
TFTP_MAX_TRANSFERS=1 tftp_setup
head -c 100000 /dev/urandom > "$ROOT/f"; chmod 644 "$ROOT/f"
ok "disklessd starts with max-transfers = 1" tftp_start "127.0.0.1:$PORT"
# both from one process: a second interpreter start-up (0.6 s or more on a
# loaded machine) could outlast the first transfer's retransmit timer
r=$(timeout 10 python3 - "$PORT" <<-'PY'
	import socket, sys
	port = int(sys.argv[1])
	out, keep = [], []
	for _ in range(2):
	    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	    keep.append(s)  # open: the first transfer must go on running
	    s.settimeout(1.5)
	    s.sendto(b"\0\1f\0octet\0", ("127.0.0.1", port))
	    try:
	        d, peer = s.recvfrom(70000)
	        out.append("OP%d" % d[1])
	    except socket.timeout:
	        out.append("TIMEOUT")
	print(" ".join(out))
	PY
)
is "first request served" "${r% *}" OP3
is "second request dropped while the first runs" "${r##* }" TIMEOUT
like "the drop is logged with the fix" "$(cat "$DLOG")" \
	"request dropped: 1 transfers running \(raise \[tftp\] max-transfers\)"
tftp_stop

# client-rate = 1: a burst of two, then one a second
rm -rf "$TEST_TMP/root"
TFTP_CLIENT_RATE=1 tftp_setup
head -c 100 /dev/urandom > "$ROOT/f"; chmod 644 "$ROOT/f"
PORT=$((PORT + 1))
tftp_start "127.0.0.1:$PORT"
# three requests from three sockets within a few milliseconds
r=$(timeout 10 python3 - "$PORT" <<-'PY'
	import socket, sys
	port = int(sys.argv[1])
	socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(3)]
	for s in socks:
	    s.settimeout(1.5)
	    s.sendto(b"\0\1nosuch\0octet\0", ("127.0.0.1", port))
	out = []
	for s in socks:
	    try:
	        d, peer = s.recvfrom(70000)
	        out.append("OP%d" % d[1])
	    except socket.timeout:
	        out.append("TIMEOUT")
	print(" ".join(out))
	PY
)
is "two requests in a burst answered" "${r% *}" "OP5 OP5"
is "the third in the same second dropped" "${r##* }" TIMEOUT
like "the rate drop is logged" "$(cat "$DLOG")" \
	"more than 1 new requests a second from this client"
tftp_stop

# a resent RRQ (same source port) while its transfer runs: no second transfer
rm -rf "$TEST_TMP/root"
tftp_setup
head -c 100000 /dev/urandom > "$ROOT/f"; chmod 644 "$ROOT/f"
PORT=$((PORT + 1)) SPORT=$((PORT + 100))
tftp_start "127.0.0.1:$PORT"
rrq "$PORT" f "$SPORT" >/dev/null
rrq "$PORT" f "$SPORT" >/dev/null
sleep 0.2
tftp_stop
is "a duplicate RRQ does not start a second transfer" \
	"$(grep -c "'f': failed after .* server shutting down" "$DLOG")" 1
done_testing
