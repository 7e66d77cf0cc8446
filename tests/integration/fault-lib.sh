# fault-lib.sh: disklessd in full mode (DHCP and TFTP) in a network
# namespace of its own, with a client namespace across a veth pair, for the
# t-fault-*.sh, t-confine.sh and t-valgrind.sh tests. Sourced after
# tests/lib.sh (uses T=$TEST_TMP, at_exit, diag).
#
#   fault_net            namespaces $NS_S and $NS_C, $IF_S 10.82.0.1/16 and
#                        $IF_C 10.82.0.2/16; removed at exit
#   fault_conf           $CONF: full mode on $IF_S, range $RANGE_FIRST to
#                        $RANGE_LAST, TFTP root $ROOT ($T/srv/tftp), state
#                        dir $STATE, a static host $STATIC_MAC at $STATIC_IP
#   dstart [CMD...]      starts disklessd -d -v -u nobody in $NS_S (through
#                        CMD when given, e.g. valgrind), logs appended to
#                        $DLOG, waits until it serves; DPID is the daemon,
#                        TPID the timeout bounding it; stopped at exit
#   dstop, dkill         (tests/lib.sh) SIGTERM / SIGKILL, wait; dstop
#                        returns the daemon's exit status
#   in_client CMD...     CMD in the client namespace
#   dhcp_load ARGS...    tests/integration/dhcp-load.py in the client
#                        namespace, on $IF_C, to the server
#   tftp_get CLIENT NAME OUT
#                        one fetch of NAME from $ROOT with curl, tftp (hpa)
#                        or busybox, bounded by timeout
#   rss_kb PID           VmRSS of PID in kB

SERVER_IP=10.82.0.1
CLIENT_IP=10.82.0.2
STATIC_MAC=02:82:00:00:00:11
STATIC_IP=10.82.0.11
RANGE_FIRST=10.82.1.0
RANGE_LAST=10.82.254.254
DHCP_LOAD="$top_srcdir/tests/integration/dhcp-load.py"

fault_net() {
	NS_S=dlfs$$
	NS_C=dlfc$$
	IF_S=fs$$
	IF_C=fc$$
	ip netns add "$NS_S" 2>/dev/null || skip_all "cannot create network namespaces"
	at_exit "ip netns del $NS_S"
	ip netns add "$NS_C" || exit 1
	at_exit "ip netns del $NS_C"
	ip link add "$IF_S" netns "$NS_S" type veth peer name "$IF_C" netns "$NS_C" ||
		exit 1
	ip -n "$NS_S" addr add "$SERVER_IP/16" dev "$IF_S"
	ip -n "$NS_C" addr add "$CLIENT_IP/16" dev "$IF_C"
	for _ns in "$NS_S" "$NS_C"; do ip -n "$_ns" link set lo up; done
	ip -n "$NS_S" link set "$IF_S" up
	ip -n "$NS_C" link set "$IF_C" up
}

fault_conf() {
	CONF=$T/diskless.conf
	DLOG=$T/disklessd.log
	# a folder of its own: Landlock lets the daemon read the TFTP root's
	# folder (diskless pxe swaps in new trees there)
	ROOT=$T/srv/tftp
	STATE=${STATE:-$T/state}
	mkdir -p "$ROOT" "$STATE" "$T/images/lab" "$T/out"
	chmod 755 "$T" "$T/srv" "$ROOT" "$T/images" "$T/images/lab"
	cat > "$CONF" <<-CONF
	[server]
	address = $SERVER_IP
	interface = $IF_S
	mode = full
	tftp-root = $ROOT
	state-dir = $STATE
	hosts-dir = none
	control-socket = none

	[dhcp]
	netmask = 255.255.0.0
	range = $RANGE_FIRST $RANGE_LAST
	lease-time = 3600

	[tftp]
	max-transfers = ${TFTP_MAX_TRANSFERS:-512}

	[image lab]
	root = $T/images/lab

	[host pc01]
	mac = $STATIC_MAC
	address = $STATIC_IP
	image = lab
	CONF
	chmod 644 "$CONF"
	_starts=0
}

dstart() {
	_starts=$((_starts + 1))
	ip netns exec "$NS_S" env ASAN_OPTIONS="$DAEMON_ASAN_OPTIONS" \
		timeout "${DAEMON_TIMEOUT:-600}" "$@" "$DISKLESSD" -d -v -c "$CONF" \
		-u nobody $DAEMON_ARGS >>"$DLOG" 2>&1 &
	TPID=$!
	at_exit "kill $TPID 2>/dev/null; wait $TPID 2>/dev/null"
	daemon_wait "$TPID" "$DLOG" 'tftp: serving' "$_starts" 150 && return 0
	diag "disklessd did not start: $(tail -5 "$DLOG")"
	return 1
}

in_client() { ip netns exec "$NS_C" "$@"; }

dhcp_load() {
	_cmd=$1; shift
	in_client python3 "$DHCP_LOAD" "$_cmd" "$IF_C" "$SERVER_IP" "$@"
}

tftp_get() {
	rm -f "$3"
	case $1 in
	curl)
		in_client timeout 20 curl -sSf --max-time 15 -o "$3" \
			"tftp://$SERVER_IP/$2" ;;
	hpa)
		(cd "$(dirname "$3")" &&
			in_client timeout 20 tftp -m binary "$SERVER_IP" -c get "$2" \
				"$(basename "$3")") ;;
	busybox)
		in_client timeout 20 busybox tftp -g -r "$2" -l "$3" "$SERVER_IP" ;;
	esac
}

rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }
