# notify-lib.sh: disklessd as its systemd unit runs it (-d -v, as root,
# full mode: DHCP port 67 and TFTP port 69 on a veth in a network namespace
# of its own), with a datagram listener in place of systemd's
# $NOTIFY_SOCKET. For t-unit.sh and t-deb.sh; sourced after tests/lib.sh.
#
#   notify_setup          namespace $NS (10.82.0.1 on dl0), site config
#                         $T/diskless.conf, listener on $NOTIFY logging
#                         "PID TEXT" lines to $MSGS; skips when impossible
#   notify_start SOCKET PROG [ARGS...]
#                         PROG -d -v -c CONF ARGS with NOTIFY_SOCKET=SOCKET,
#                         bounded by timeout; DPID is the daemon, TPID the
#                         timeout; output in $T/disklessd.log
#   wait_msg N            until $MSGS has N lines (5 s at most)

notify_setup() {
	need_cmd python3 ip ss timeout
	NS=dl-notify-$$
	ip netns add "$NS" 2>/dev/null || skip_all "cannot create a network namespace"
	at_exit "ip netns del $NS"
	ip -n "$NS" link set lo up
	ip -n "$NS" link add dl0 type veth peer name dl1 || exit 1
	ip -n "$NS" addr add 10.82.0.1/24 dev dl0
	ip -n "$NS" link set dl1 up
	ip -n "$NS" link set dl0 up

	T=$TEST_TMP
	mkdir -p "$T/tftp" "$T/state" "$T/img"
	chmod 755 "$T" "$T/tftp" "$T/img"
	cat > "$T/diskless.conf" <<-CONF
	[server]
	address = 10.82.0.1
	interface = dl0
	mode = full
	tftp-root = $T/tftp
	state-dir = $T/state
	hosts-dir = none
	control-socket = none

	[dhcp]
	netmask = 255.255.255.0
	range = 10.82.0.100 10.82.0.150

	[image lab]
	root = $T/img
	CONF
	chmod 644 "$T/diskless.conf"

	NOTIFY=$T/notify
	MSGS=$T/notify.log
	: > "$MSGS"
	timeout 300 python3 "$top_srcdir/tests/cli/notify-listen.py" "$NOTIFY" "$MSGS" 250 &
	_lpid=$!
	at_exit "kill $_lpid 2>/dev/null"
	for _i in $(seq 50); do [ -S "$NOTIFY" ] && return 0; sleep 0.1; done
	skip_all "the notify listener did not start"
}

notify_start() {
	_sock=$1 _prog=$2
	shift 2
	ip netns exec "$NS" env NOTIFY_SOCKET="$_sock" ASAN_OPTIONS="$DAEMON_ASAN_OPTIONS" \
		timeout 120 "$_prog" -d -v -c "$T/diskless.conf" "$@" \
		>>"$T/disklessd.log" 2>&1 &
	TPID=$!
	at_exit "kill $TPID 2>/dev/null; wait $TPID 2>/dev/null"
	daemon_wait "$TPID" "$T/disklessd.log" '' 0
}

wait_msg() {
	for _i in $(seq 50); do
		[ "$(wc -l < "$MSGS")" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
