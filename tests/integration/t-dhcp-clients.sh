#!/bin/sh
# t-dhcp-clients.sh: real DHCP clients get their configuration from
# disklessd across a veth pair between two network namespaces: busybox
# udhcpc and (when installed) ISC dhclient. The static host's MAC gets its
# fixed address, hostname, root path (option 17) and boot file; another MAC
# gets an address from the range, and the same one again on a second run;
# after kill -9 and a restart the leases are still bound (the journal):
# another client asking for a bound address does not get it.
. "${top_srcdir:?}/tests/lib.sh" || exit 1

need_root
need_cmd ip timeout busybox
busybox udhcpc --help >/dev/null 2>&1 || skip_all "busybox has no udhcpc applet"
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
HAVE_DHCLIENT=no
dpkg -s isc-dhcp-client >/dev/null 2>&1 && command -v dhclient >/dev/null 2>&1 &&
	HAVE_DHCLIENT=yes

T=$TEST_TMP
. "$top_srcdir/tests/integration/dhcp-ns.sh" || exit 1

NS_S=dlds$$
NS_C=dldc$$
IF_S=vs$$
IF_C=vc$$
dns_add "$NS_S" || skip_all "cannot create network namespaces"
dns_add "$NS_C" || exit 1
dns_link "$NS_S" "$IF_S" "$NS_C" "$IF_C" || exit 1
ip -n "$NS_S" addr add 10.81.0.1/24 dev "$IF_S"

STATIC_MAC=02:81:00:00:00:11
DYN_MAC=02:81:00:00:00:22
OTHER_MAC=02:81:00:00:00:33
DH_MAC=02:81:00:00:00:44
dhcp_conf 10.81.0.1 255.255.255.0 10.81.0.100 10.81.0.150 "router = 10.81.0.254
dns = 10.81.0.53
domain = lab.example.org

[host pc01]
mac = $STATIC_MAC
address = 10.81.0.11
image = lab"

# udhcpc_pxe NAME [ARGS...]: one lease as a BIOS PXE client (vendor class
# PXEClient, option 93 = 0)
udhcpc_pxe() {
	_n=$1; shift
	udhcpc "$_n" -V PXEClient:Arch:00000:UNDI:002001 -x 0x5d:0000 -O domain "$@"
}

plan 34

ok "disklessd starts (full mode, port 67 on $IF_S)" dstart 1
# a second server on the same lease journal must refuse to start (port 67
# is shared under SO_REUSEADDR, so only the journal's lock can tell)
is_exit 1 "a second disklessd on the same state-dir exits 1" \
	ip netns exec "$NS_S" env ASAN_OPTIONS="$DAEMON_ASAN_OPTIONS" \
	timeout 10 "$DISKLESSD" -d -c "$CONF" -u nobody \
	--listen 10.81.0.1:6969
like "... and says why" "$(cat "$TEST_TMP/.out")" "in use by another disklessd"

# --- the static host
setmac "$STATIC_MAC"
ok "udhcpc: static host gets a lease" udhcpc_pxe static
is "static host: its fixed address" "$(val static ip)" 10.81.0.11
is "static host: its hostname" "$(val static hostname)" pc01
is "static host: root path (option 17)" "$(val static rootpath)" "10.81.0.1:$T/images/lab"
is "static host: BIOS boot file" "$(val static boot_file)" pxelinux.0
is "static host: next-server" "$(val static siaddr)" 10.81.0.1
is "router" "$(val static router)" 10.81.0.254
is "dns" "$(val static dns)" 10.81.0.53
is "domain" "$(val static domain)" lab.example.org
like "one log line for the exchange (MAC, arch, message, offer)" "$(cat "$DLOG")" \
	"DHCPREQUEST from $STATIC_MAC host pc01 arch 0 .* DHCPACK 10\.81\.0\.11 file pxelinux\.0"

# --- a dynamic client, twice
setmac "$DYN_MAC"
ok "udhcpc: unknown MAC gets a lease" udhcpc_pxe dyn1
DYN_IP=$(val dyn1 ip)
like "unknown MAC: an address from the range" "$DYN_IP" '^10\.81\.0\.(1[0-4][0-9]|150)$'
is "unknown MAC: no hostname" "$(val dyn1 hostname)" ""
ok "udhcpc: same MAC again" udhcpc_pxe dyn2
is "same MAC: same address (lease reuse)" "$(val dyn2 ip)" "$DYN_IP"

# --- ISC dhclient, as a PXE client asking for the boot options
if [ "$HAVE_DHCLIENT" = yes ]; then
	cat > "$T/dhclient.conf" <<'EOF'
send vendor-class-identifier "PXEClient:Arch:00000:UNDI:002001";
request subnet-mask, routers, domain-name-servers, domain-name, host-name,
	root-path;
EOF
	setmac "$STATIC_MAC"
	ok "dhclient: static host gets a lease" dhclient_run dstatic
	is "dhclient: fixed address" "$(val dstatic ip)" 10.81.0.11
	is "dhclient: hostname and root path" \
		"$(val dstatic hostname) $(val dstatic rootpath)" "pc01 10.81.0.1:$T/images/lab"
	setmac "$DH_MAC"
	rm -f "$T/dhclient.leases" # a new machine: no lease to ask for again
	ok "dhclient: unknown MAC gets a lease" dhclient_run ddyn
	DH_IP=$(val ddyn ip)
	like "dhclient: address from the range, not the other client's" \
		"$DH_IP" '^10\.81\.0\.(1[0-4][0-9]|150)$'
else
	for _i in 1 2 3 4 5; do
		echo "ok $((_tap_n + 1)) # SKIP isc-dhcp-client not installed"
		_tap_n=$((_tap_n + 1))
	done
fi

# --- kill -9: every ACK was sent only after its lease reached the disk
kill -9 "$DPID"
wait "$TPID" 2>/dev/null
ok "disklessd restarts after kill -9" dstart 2
like "the journal is replayed (static hosts are not leases: 1 or 2 dynamic)" \
	"$(grep 'lease(s) loaded' "$DLOG" | tail -1)" "dhcp: [12] lease\(s\) loaded"
# another MAC asking for the first client's address must not get it: only
# the journal says it is bound (the range hint alone would hand it out)
setmac "$OTHER_MAC"
ok "udhcpc: other MAC asking for $DYN_IP gets a lease" udhcpc_pxe other -r "$DYN_IP"
[ "$(val other ip)" != "$DYN_IP" ]
_tap_result $? "other MAC: not the address bound before the crash ($(val other ip))"
# --- hostile datagrams from a neighbour: dropped, the server keeps serving
# (a 1-byte datagram, random bytes, a BOOTREPLY, a DISCOVER whose option
# length runs past the end, a packet truncated inside the header)
if command -v python3 >/dev/null 2>&1; then
	ip -n "$NS_C" addr add 10.81.0.199/24 dev "$IF_C"
	ip netns exec "$NS_C" timeout 10 python3 - <<'EOF'
import os, socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.81.0.199", 0))
hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, 1, 0, 0, bytes(4),
	bytes(4), bytes(4), bytes(4), bytes.fromhex("028100000055") + bytes(10),
	bytes(64), bytes(128)) + bytes.fromhex("63825363")
for d in (b"\x01", os.urandom(300), b"\x02" + hdr[1:] + b"\x35\x01\x01\xff",
		hdr + b"\x35\x01\x01\x0c\xf0abc", hdr[:100]):
	s.sendto(d, ("10.81.0.1", 67))
EOF
	ip -n "$NS_C" addr del 10.81.0.199/24 dev "$IF_C"
	sleep 0.3
	ok "hostile datagrams: disklessd still runs" kill -0 "$DPID"
else
	echo "ok $((_tap_n + 1)) # SKIP no python3 to send hostile datagrams"
	_tap_n=$((_tap_n + 1))
fi

# SIGHUP: the DHCP half takes the re-read site and keeps answering
kill -HUP "$DPID"
for _i in $(seq 50); do grep -q reloaded "$DLOG" && break; sleep 0.1; done
like "SIGHUP reloads the config" "$(grep reloaded "$DLOG")" "reloaded"
setmac "$DYN_MAC"
ok "udhcpc: first MAC after the restart and reload" udhcpc_pxe dyn3
is "first MAC: still its address" "$(val dyn3 ip)" "$DYN_IP"

kill "$DPID"
wait "$TPID"
is "SIGTERM: exit status 0" "$?" 0
# every ACK of a new binding waited for the journal's fdatasync
like "ACKs were held for the group commit" \
	"$(grep 'dhcp: .* requests' "$DLOG" | tail -1)" " [1-9][0-9]* held for the journal"
like "hostile datagrams were counted as malformed or ignored, not answered" \
	"$(grep 'dhcp: .* requests' "$DLOG" | tail -1)" \
	"dhcp: [0-9]+ requests, [0-9]+ replies, [1-9][0-9]* ignored, [1-9][0-9]* malformed"
[ "$_tap_failed" = 0 ] || diag "$(cat "$DLOG")"
done_testing
