#!/bin/sh
# t-dhcp-unicast.sh: where disklessd's offers go (RFC 2131 §4.1) and the
# conflict probe before a dynamic offer, across a veth pair between two
# network namespaces, with a scripted client on a packet socket
# (dhcp-raw.py) that sees the frames themselves:
#  - no broadcast flag, no ciaddr, no giaddr: the OFFER is a frame to the
#    client's MAC and yiaddr, with good IP and UDP checksums, sent after
#    the daemon dropped root (the packet socket was opened before);
#  - broadcast flag, or a chaddr that is no station (group bit set):
#    Ethernet and IP broadcast;
#  - a machine that already holds the address the client asks for answers
#    the ARP probe: that address is skipped and the log names it and the
#    MAC that answered; a static host is never probed;
#  - conflict-probe = none: the same address is offered.
. "${top_srcdir:?}/tests/lib.sh" || exit 1

need_root
need_cmd ip timeout python3
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
. "$top_srcdir/tests/integration/dhcp-ns.sh" || exit 1
RAW=$top_srcdir/tests/integration/dhcp-raw.py

NS_S=dlus$$
NS_C=dluc$$
IF_S=vus$$
IF_C=vuc$$
dns_add "$NS_S" || skip_all "cannot create network namespaces"
dns_add "$NS_C" || exit 1
dns_link "$NS_S" "$IF_S" "$NS_C" "$IF_C" || exit 1
ip -n "$NS_S" addr add 10.82.0.1/24 dev "$IF_S"
# the scripted clients use other MACs than the interface's: promiscuous
IF_MAC=02:82:00:00:00:01
ip -n "$NS_C" link set "$IF_C" down
ip -n "$NS_C" link set "$IF_C" address "$IF_MAC" promisc on up

STATIC_MAC=02:82:00:00:00:11
HOST="[host pc01]
mac = $STATIC_MAC
address = 10.82.0.11
image = lab
"

# client NAME MAC [ARGS...]: one DISCOVER, the OFFER's line into $T/NAME
client() {
	_n=$1 _m=$2
	shift 2
	ip netns exec "$NS_C" timeout 10 python3 "$RAW" --ifname "$IF_C" \
		--mac "$_m" "$@" >"$T/$_n" 2>&1
}
field() { sed -n "s/.*$2=\([^ ]*\).*/\1/p" "$T/$1"; }

plan 25

dhcp_conf 10.82.0.1 255.255.255.0 10.82.0.100 10.82.0.105 "$HOST"
ok "disklessd starts (conflict-probe left at its default)" dstart
ok "it runs as nobody" sh -c "grep -q '^Uid:[[:space:]]*65534' /proc/$DPID/status"

# --- RFC 2131 §4.1: unicast to chaddr and yiaddr
U_MAC=02:82:00:00:00:21
ok "client without the broadcast flag gets an offer" client uni "$U_MAC" \
	--request 10.82.0.103
is "... in a frame to its MAC" "$(field uni eth_dst)" "$U_MAC"
is "... to the offered address" "$(field uni ip_dst)" 10.82.0.103
is "... which is the one it asked for" "$(field uni yiaddr)" 10.82.0.103
is "... IP header checksum good" "$(field uni ip_csum)" ok
is "... UDP checksum good" "$(field uni udp_csum)" ok
diag "new dynamic client, probed: OFFER after $(field uni ms) ms"

B_MAC=02:82:00:00:00:22
ok "client with the broadcast flag gets an offer" client bc "$B_MAC" \
	--broadcast --request 10.82.0.102
is "... as an Ethernet broadcast" "$(field bc eth_dst)" ff:ff:ff:ff:ff:ff
is "... to 255.255.255.255" "$(field bc ip_dst)" 255.255.255.255

# a group address in chaddr is no station to send a frame to (htype other
# than 1 is not answered at all: dhcp-reply.c)
G_MAC=03:82:00:00:00:24
ok "client with a group-bit chaddr and no broadcast flag gets an offer" \
	client grp "$G_MAC" --request 10.82.0.101
is "... broadcast all the same" "$(field grp eth_dst) $(field grp ip_dst)" \
	"ff:ff:ff:ff:ff:ff 255.255.255.255"

# --- a machine already holds 10.82.0.100 (and the static host's address)
ip -n "$NS_C" addr add 10.82.0.100/24 dev "$IF_C"
ip -n "$NS_C" addr add 10.82.0.11/24 dev "$IF_C"
C_MAC=02:82:00:00:00:23
ok "client asking for an address in use gets an offer" client conf "$C_MAC" \
	--request 10.82.0.100
like "... of another address from the range" "$(field conf yiaddr)" \
	'^10\.82\.0\.10[1-5]$'
like "... and the log names the address and who answered" "$(cat "$DLOG")" \
	"10\.82\.0\.100 is in use by $IF_MAC"
diag "$(grep 'is in use' "$DLOG")"
ok "the static host gets an offer" client static "$STATIC_MAC"
is "... of its address, held by another machine or not" \
	"$(field static yiaddr)" 10.82.0.11
ok "... which was not probed" sh -c "! grep -q '10\.82\.0\.11 is in use' '$DLOG'"
diag "static host, not probed: OFFER after $(field static ms) ms"

dstop
is "SIGTERM: exit status 0" "$?" 0
like "replies went to a MAC, probes were answered" \
	"$(grep 'dhcp: .* requests' "$DLOG" | tail -1)" \
	" [1-9][0-9]* unicast to a MAC, [1-9][0-9]* conflict probes, [1-9][0-9]* conflicts"

# --- conflict-probe = none, on a new journal (the conflict above is held
# back 10 minutes in the old one)
PLOG=$DLOG
DLOG=$T/none.log STATE=$T/state2
mkdir -p "$STATE"
dhcp_conf 10.82.0.1 255.255.255.0 10.82.0.100 10.82.0.105 "conflict-probe = none
$HOST"
ok "disklessd starts with conflict-probe = none" dstart
ok "client asking for the address in use" client none "$C_MAC" --request 10.82.0.100
is "... is offered it: nothing was probed" "$(field none yiaddr)" 10.82.0.100
diag "new dynamic client, not probed: OFFER after $(field none ms) ms"
dstop
is "SIGTERM: exit status 0" "$?" 0

[ "$_tap_failed" = 0 ] || diag "$(cat "$PLOG" "$DLOG")"
done_testing
