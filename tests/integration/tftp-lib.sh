# tftp-lib.sh: runs disklessd for the t-tftp-*.sh tests. Sourced after
# tests/lib.sh (uses TEST_TMP, at_exit, diag).
#
#   tftp_setup              a TFTP root ($ROOT) and a site config ($CONF) in
#                           $TEST_TMP, readable by the user disklessd drops to
#   tftp_start ADDR:PORT [NETNS] [ARGS...]
#                           starts disklessd -d -v --tftp-only, bounded by
#                           timeout; sets DPID (the daemon itself) and DLOG;
#                           stopped at exit
#   tftp_stop               SIGTERM, wait
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
	set -- env ASAN_OPTIONS="$DAEMON_ASAN_OPTIONS" \
		timeout "${TFTP_TIMEOUT:-600}" "$DISKLESSD" -d -v -c "$CONF" --tftp-only \
		--listen "$_listen" "$@"
	[ -n "$_ns" ] && set -- ip netns exec "$_ns" "$@"
	"$@" 2>"$DLOG" &
	_tpid=$!
	at_exit "kill $_tpid 2>/dev/null; wait $_tpid 2>/dev/null"
	daemon_wait "$_tpid" "$DLOG" 'tftp: serving' 1
}

tftp_stop() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null
	wait "$_tpid" 2>/dev/null
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
