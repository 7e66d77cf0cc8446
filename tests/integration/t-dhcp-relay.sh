#!/bin/sh
# t-dhcp-relay.sh: a DHCP relay between client and server (RFC 2131 §4.1,
# RFC 3046). ISC dhcrelay (unpacked by scripts/install-deps, as its package
# starts a daemon) runs in a middle namespace with a client-side interface
# 10.87.1.1 and a server-side one 10.87.0.2; disklessd, in a third, is at
# 10.87.0.1 and its [dhcp] range is the relay's subnet 10.87.1.0/24, not
# its own. busybox udhcpc behind the relay gets an address of that range,
# the router and the server's identifier; the replies go to the relay
# (giaddr, port 67) with the relay's option 82 echoed; a request relayed
# from a subnet that is not the range's gets no answer.
. "${top_srcdir:?}/tests/lib.sh" || exit 1

need_root
need_cmd ip timeout busybox python3
busybox udhcpc --help >/dev/null 2>&1 || skip_all "busybox has no udhcpc applet"
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
DHCRELAY=${DHCRELAY:-$(command -v dhcrelay ||
	echo /var/cache/diskless-test/isc-dhcp-relay/usr/sbin/dhcrelay)}
[ -x "$DHCRELAY" ] || skip_all "no dhcrelay (run scripts/install-deps)"
T=$TEST_TMP
. "$top_srcdir/tests/integration/dhcp-ns.sh" || exit 1

NS_S=dlls$$
NS_R=dllr$$
NS_C=dllc$$
IF_S=ls$$
IF_RS=lrs$$
IF_RC=lrc$$
IF_C=lc$$
dns_add "$NS_S" || skip_all "cannot create network namespaces"
dns_add "$NS_R" || exit 1
dns_add "$NS_C" || exit 1
dns_link "$NS_S" "$IF_S" "$NS_R" "$IF_RS" || exit 1
dns_link "$NS_R" "$IF_RC" "$NS_C" "$IF_C" || exit 1
ip -n "$NS_S" addr add 10.87.0.1/24 dev "$IF_S"
ip -n "$NS_S" route add 10.87.1.0/24 via 10.87.0.2
ip -n "$NS_R" addr add 10.87.0.2/24 dev "$IF_RS"
ip -n "$NS_R" addr add 10.87.1.1/24 dev "$IF_RC"
ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1

MAC_A=02:87:00:00:00:0a
MAC_B=02:87:00:00:00:0b
dhcp_conf 10.87.0.1 255.255.255.0 10.87.1.100 10.87.1.110 "router = 10.87.1.1
dns = 10.87.0.53"

# relay_start GIADDR_IF: dhcrelay in the middle, appending option 82 (-a),
# clients on $IF_RC, the server on $IF_RS; RPID the timeout bounding it
relay_start() {
	ip netns exec "$NS_R" timeout 120 "$DHCRELAY" -4 -d -a -pf "$T/dhcrelay.pid" \
		-id "$IF_RC" -iu "$IF_RS" 10.87.0.1 >>"$T/relay.log" 2>&1 &
	RPID=$!
	at_exit "kill $RPID 2>/dev/null; wait $RPID 2>/dev/null"
	for _i in $(seq 50); do
		grep -q "^Sending on.*$IF_RS" "$T/relay.log" 2>/dev/null && return 0
		kill -0 "$RPID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$T/relay.log"
	return 1
}

# What reaches the relay from the server: every DHCP message to port 67 on
# $IF_RS, one line each: "<src> <giaddr> opt82=<hex or none>"
SNIFF=$T/sniff.py
cat > "$SNIFF" <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
s.bind((sys.argv[1], 0))
out = open(sys.argv[2], "a", buffering=1)
while True:
    p = s.recv(4096)
    ihl = (p[0] & 15) * 4
    if p[9] != 17 or len(p) < ihl + 8 + 240:
        continue
    dport = struct.unpack("!H", p[ihl + 2:ihl + 4])[0]
    b = p[ihl + 8:]
    if dport != 67 or b[0] != 2:
        continue
    o, opt82 = 240, "none"
    while o < len(b) and b[o] != 255:
        if b[o] == 0:
            o += 1
            continue
        if b[o] == 82:
            opt82 = b[o + 2:o + 2 + b[o + 1]].hex()
        o += 2 + b[o + 1]
    out.write("%s %s opt82=%s\n" % (socket.inet_ntoa(p[12:16]),
        socket.inet_ntoa(b[24:28]), opt82))
EOF

plan 12

ok "disklessd starts (its own address outside the range's subnet)" dstart
like "config check warns that the range is reached through a relay" \
	"$(cat "$DLOG")" "only requests relayed"
ok "dhcrelay starts between the namespaces" relay_start
ip netns exec "$NS_R" timeout 120 python3 "$SNIFF" "$IF_RS" "$T/sniff.log" \
	2>"$T/sniff.err" &
SPID=$!
at_exit "kill $SPID 2>/dev/null; wait $SPID 2>/dev/null"
# the sniffer opens its log once its socket is bound: up then
for _i in $(seq 100); do [ -e "$T/sniff.log" ] && break; sleep 0.1; done
setmac "$MAC_A"
ok "udhcpc behind the relay gets a lease" udhcpc a
like "an address of the relay's subnet, from the range" "$(val a ip)" \
	'^10\.87\.1\.(10[0-9]|110)$'
is "router and server identifier" "$(val a router) $(val a serverid)" \
	"10.87.1.1 10.87.0.1"
like "disklessd acked it" "$(cat "$DLOG")" \
	"DHCPREQUEST from $MAC_A .*DHCPACK 10\.87\.1\."
like "the relay forwarded the server's replies" "$(cat "$T/relay.log")" \
	"Forwarded BOOTREPLY for $MAC_A"
like "replies reach the relay at giaddr, port 67, from the server" \
	"$(cat "$T/sniff.log")" "^10\.87\.0\.1 10\.87\.1\.1 "
like "the relay's option 82 (circuit id: its client-side interface) is echoed" \
	"$(head -1 "$T/sniff.log")" "opt82=01[0-9a-f]{2}$(printf '%s' "$IF_RC" | od -An -tx1 | tr -d ' \n')"

# --- the relay moves to another subnet: not disklessd's range
ip -n "$NS_R" addr flush dev "$IF_RC"
ip -n "$NS_R" addr add 10.88.1.1/24 dev "$IF_RC"
ip -n "$NS_S" route add 10.88.1.0/24 via 10.87.0.2
kill "$RPID" 2>/dev/null
wait "$RPID" 2>/dev/null
ok "dhcrelay restarts on 10.88.1.1" relay_start
setmac "$MAC_B"
is_exit 1 "a client relayed from 10.88.1.0/24 gets no lease" udhcpc b
[ "$_tap_failed" = 0 ] || diag "$(cat "$DLOG" "$T/relay.log" "$T/sniff.log" "$T/sniff.err")"
done_testing
