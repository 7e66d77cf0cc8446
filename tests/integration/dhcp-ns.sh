# dhcp-ns.sh: disklessd in full mode in a network namespace and real DHCP
# clients (busybox udhcpc, ISC dhclient, dhcpcd) in another, for
# t-dhcp-release.sh, t-dhcp-dhcpcd.sh and t-dhcp-relay.sh. Sourced after
# tests/lib.sh (uses T=$TEST_TMP, at_exit, diag).
#
#   dns_add NAME            a namespace NAME (make it unique: $$) with lo up,
#                           deleted at exit
#   dns_link NS1 IF1 NS2 IF2
#                           a veth pair IF1 (in NS1) - IF2 (in NS2), both up
#   dhcp_conf SERVER NETMASK FIRST LAST [EXTRA]
#                           $CONF: full mode on $IF_S at SERVER, the range
#                           FIRST-LAST, state in $STATE; EXTRA (text) after
#                           the [dhcp] section
#   dstart [N]              disklessd -d -v -u nobody in $NS_S, bounded by
#                           timeout; logs appended to $DLOG; up when it has
#                           logged "full mode on" N times (default 1); DPID
#                           the daemon, TPID the timeout; stopped at exit
#   dstop, dkill            (tests/lib.sh) SIGTERM / SIGKILL and wait
#   setmac MAC              the client interface $IF_C in $NS_C gets MAC
#   udhcpc NAME [ARGS...]   one lease with busybox udhcpc in $NS_C; the
#                           values the script saw in $T/out/NAME (val NAME
#                           KEY reads one); the address is set on $IF_C
#                           while bound
#   udhcpc_release NAME [ARGS...]
#                           the same with -R, stopped once bound: releases
#   dhclient_run NAME [ARGS...]
#                           one lease with ISC dhclient (its lease file
#                           $T/dhclient.leases kept for dhclient -r), its
#                           config $T/dhclient.conf (a test may rewrite it)
#   val NAME KEY            a value udhcpc or dhclient recorded
#   log_has ERE [TENTHS]    waits until $DLOG matches ERE (default 3 s)

: "${T:=$TEST_TMP}"
DLOG=$T/disklessd.log
STATE=$T/state
CONF=$T/diskless.conf
mkdir -p "$T/out" "$STATE"

dns_add() {
	ip netns add "$1" 2>/dev/null || return 1
	at_exit "ip netns del $1"
	ip -n "$1" link set lo up
}

dns_link() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || return 1
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

dhcp_conf() {
	mkdir -p "$T/tftp" "$T/images/lab"
	chmod 755 "$T" "$T/tftp" "$T/images" "$T/images/lab"
	cat > "$CONF" <<CONF
[server]
address = $1
interface = $IF_S
mode = full
tftp-root = $T/tftp
state-dir = $STATE
hosts-dir = none
control-socket = none

[dhcp]
netmask = $2
range = $3 $4
lease-time = 3600
${5:-}

[image lab]
root = $T/images/lab
CONF
	chmod 644 "$CONF"
}

dstart() {
	ip netns exec "$NS_S" env ASAN_OPTIONS="$DAEMON_ASAN_OPTIONS" \
		timeout 300 "$DISKLESSD" -d -v -c "$CONF" -u nobody \
		>>"$DLOG" 2>&1 &
	TPID=$!
	at_exit "kill $TPID 2>/dev/null; wait $TPID 2>/dev/null"
	daemon_wait "$TPID" "$DLOG" 'dhcp: full mode on' "${1:-1}"
}

setmac() {
	ip -n "$NS_C" link set dev "$IF_C" down &&
		ip -n "$NS_C" addr flush dev "$IF_C" &&
		ip -n "$NS_C" link set dev "$IF_C" address "$1" &&
		ip -n "$NS_C" link set dev "$IF_C" up
}

UDHCPC_SCRIPT=$T/udhcpc.script
cat > "$UDHCPC_SCRIPT" <<'EOF'
#!/bin/sh
# udhcpc runs this in the client namespace: record the lease, and put the
# address on the interface so that a release (-R) can be sent from it
case $1 in
deconfig) ip addr flush dev "$interface"; exit 0 ;;
bound) ;;
*) exit 0 ;;
esac
ip addr add "$ip/${mask:-24}" dev "$interface"
{
	echo "ip=$ip"
	echo "mask=$mask"
	echo "router=$router"
	echo "dns=$dns"
	echo "hostname=$hostname"
	echo "rootpath=$rootpath"
	echo "serverid=$serverid"
	echo "boot_file=$boot_file"
	echo "domain=$domain"
	echo "siaddr=$siaddr"
} > "$UDHCPC_OUT"
EOF
chmod 755 "$UDHCPC_SCRIPT"

udhcpc() {
	_o=$T/out/$1; shift
	rm -f "$_o"
	UDHCPC_OUT=$_o ip netns exec "$NS_C" timeout 20 busybox udhcpc -i "$IF_C" \
		-n -q -t 4 -T 1 -s "$UDHCPC_SCRIPT" -O hostname -O rootpath "$@" \
		>"$_o.log" 2>&1 || { cat "$_o.log"; return 1; }
	[ -s "$_o" ] && return 0
	echo "udhcpc did not call the script with 'bound'"
	cat "$_o.log"
	return 1
}

# stop_when_bound PID FILE: a client run in the background (PID: the
# timeout bounding it) is stopped with SIGTERM once its script has written
# FILE, or after 10 s
stop_when_bound() {
	for _i in $(seq 100); do
		[ -s "$2" ] && break
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# udhcpc -q quits before it counts as bound, so -R would release nothing:
# this one stays in the foreground with -R until bound, then SIGTERM (to
# timeout, which passes it on) makes it release.
udhcpc_release() {
	_o=$T/out/$1; shift
	rm -f "$_o"
	UDHCPC_OUT=$_o ip netns exec "$NS_C" timeout 20 busybox udhcpc -i "$IF_C" \
		-f -R -t 4 -T 1 -s "$UDHCPC_SCRIPT" "$@" >"$_o.log" 2>&1 &
	stop_when_bound $! "$_o"
	grep -q 'unicasting a release' "$_o.log" && [ -s "$_o" ] && return 0
	cat "$_o.log"
	return 1
}

val() { sed -n "s/^$2=//p" "$T/out/$1"; }

DHCLIENT_SCRIPT=$T/dhclient.script
# dhclient runs its script with a clean environment: a fixed file
cat > "$DHCLIENT_SCRIPT" <<EOF
#!/bin/sh
PATH=/usr/sbin:/usr/bin:/sbin:/bin
case \$reason in BOUND|REBOOT|RENEW) ;; *) exit 0 ;; esac
# the address on the interface, for dhclient -r to release it from
ip addr add "\$new_ip_address/\$new_subnet_mask" dev "\$interface" 2>/dev/null
{
	echo "ip=\$new_ip_address"
	echo "hostname=\$new_host_name"
	echo "rootpath=\$new_root_path"
	echo "domain=\$new_domain_name"
	echo "boot_file=\$new_filename"
} > "$T/out/dhclient.env"
EOF
chmod 755 "$DHCLIENT_SCRIPT"
printf 'request subnet-mask, routers;\n' > "$T/dhclient.conf"

# dhclient -d stays in the foreground renewing: stopped once bound (its
# lease file stays for dhclient -r)
dhclient_run() {
	_o=$T/out/$1; shift
	rm -f "$T/out/dhclient.env" "$_o"
	ip netns exec "$NS_C" timeout 30 dhclient -d -1 "$@" \
		-cf "$T/dhclient.conf" -sf "$DHCLIENT_SCRIPT" -lf "$T/dhclient.leases" \
		-pf "$T/dhclient.pid" "$IF_C" >"$_o.log" 2>&1 &
	stop_when_bound $! "$T/out/dhclient.env"
	mv "$T/out/dhclient.env" "$_o" 2>/dev/null
	[ -s "$_o" ] || { cat "$_o.log"; return 1; }
}

log_has() {
	for _i in $(seq "${2:-30}"); do
		grep -Eq -- "$1" "$DLOG" && return 0
		sleep 0.1
	done
	echo "not in the log: $1"
	return 1
}
