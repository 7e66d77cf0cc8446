# tftp-lib.sh: runs disklessd for the t-tftp-*.sh tests. Sourced after
# tests/lib.sh (uses TEST_TMP, at_exit, diag).
#
#   tftp_setup              a TFTP root ($ROOT) and a site config ($CONF) in
#                           $TEST_TMP, readable by the user disklessd drops to
#   tftp_start ADDR:PORT [NETNS] [ARGS...]
#                           starts disklessd -d -v --tftp-only, bounded by
#                           timeout; sets DPID (the daemon itself), TPID
#                           (the timeout) and DLOG; stopped at exit. ADDR:PORT "-": no --listen (the
#                           site's addresses). $TFTP_ENV: more VAR=value
#                           words for its environment
#   tftp_probe ADDR PORT NAME [OPT VALUE...]
#                           sends one RRQ, prints the answer's source
#                           address and opcode, then the OACK's options or
#                           the DATA length ("10.0.0.1 OACK blksize=1468",
#                           "10.0.0.1 DATA 512", "TIMEOUT"), and ends the
#                           transfer with an ERROR
#   tftp_stop               SIGTERM, wait (dstop of tests/lib.sh)
#   mkfile NAME BYTES       random file in $ROOT
#   same NAME OUT           cmp of $ROOT/NAME and OUT, diag on failure

tftp_setup() {
	ROOT=$TEST_TMP/root
	CONF=$TEST_TMP/diskless.conf
	DLOG=$TEST_TMP/disklessd.log
	mkdir -p "$ROOT" "$TEST_TMP/out"
	chmod 755 "$TEST_TMP" "$ROOT"
	# address is required by the site and overridden by --listen.
	cat > "$CONF" <<-CONF
	[server]
	address = 192.0.2.1
	mode = proxy
	tftp-root = $ROOT
	control-socket = none

	[tftp]
	max-transfers = ${TFTP_MAX_TRANSFERS:-512}
	client-rate = ${TFTP_CLIENT_RATE:-100000}
	CONF
}

tftp_start() {
	_listen=$1; _ns=${2:-}; shift; [ $# -gt 0 ] && shift
	_port=${_listen##*:}
	[ "$_listen" = - ] || set -- --listen "$_listen" "$@"
	# shellcheck disable=SC2086 # TFTP_ENV is a list of words
	set -- env ASAN_OPTIONS="$DAEMON_ASAN_OPTIONS" ${TFTP_ENV:-} \
		timeout "${TFTP_TIMEOUT:-600}" "$DISKLESSD" -d -v -c "$CONF" --tftp-only \
		"$@"
	[ -n "$_ns" ] && set -- ip netns exec "$_ns" "$@"
	"$@" 2>"$DLOG" &
	TPID=$!
	at_exit "kill $TPID 2>/dev/null; wait $TPID 2>/dev/null"
	daemon_wait "$TPID" "$DLOG" 'tftp: serving' 1
}

tftp_stop() {
	dstop 2>/dev/null
	DPID=
}

mkfile() {
	head -c "$2" /dev/urandom > "$ROOT/$1"
	chmod 644 "$ROOT/$1"
}

same() {
	cmp "$ROOT/$1" "$2" >/dev/null 2>&1 && return 0
	diag "$2 differs from $ROOT/$1 ($(stat -c %s "$2" 2>/dev/null || echo missing) bytes)"
	return 1
}

tftp_probe() {
	timeout 10 python3 - "$@" <<-'PY'
	import socket, sys
	addr, port, name = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
	opts = b"".join(o.encode() + b"\0" for o in sys.argv[4:])
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.settimeout(2)
	s.sendto(b"\0\1" + name + b"\0octet\0" + opts, (addr, port))
	try:
	    d, peer = s.recvfrom(70000)
	except socket.timeout:
	    print("TIMEOUT")
	    sys.exit(0)
	op = d[1]
	if op == 6:
	    f = d[2:].split(b"\0")[:-1]
	    print(peer[0], "OACK", " ".join("%s=%s" % (f[i].decode(), f[i + 1].decode())
	                                   for i in range(0, len(f) - 1, 2)))
	elif op == 3:
	    print(peer[0], "DATA", len(d) - 4)
	else:
	    print(peer[0], "OP%d" % op, d[4:-1].decode(errors="replace"))
	s.sendto(b"\0\5\0\0probe done\0", peer)
	PY
}
