#!/bin/sh
# t-dhcp-dhcpcd.sh: dhcpcd against disklessd, and DHCPDECLINE on the wire
# (RFC 2131 §4.3.3). dhcpcd gets the static host's address and options and
# an address from the range. Then a third namespace (bridged to the
# server's) holds an address of the range with a plain `ip addr add`:
# dhcpcd asks for it, its RFC 5227 ARP probe finds the squatter, it sends a
# DHCPDECLINE; disklessd logs it, hands dhcpcd another address, and after a
# restart, by SIGTERM and by SIGKILL, still does not offer the declined one
# (the journal holds the decline) although the squatter has gone.
#
# dhcpcd is confined: its own config and script (no hooks: it cannot touch
# /etc/resolv.conf or the hostname), in a mount and UTS namespace where
# /etc/resolv.conf, /run and /var/lib/dhcpcd are scratch copies.
. "${top_srcdir:?}/tests/lib.sh" || exit 1

need_root
need_cmd ip timeout busybox unshare mount sha256sum dhcpcd
busybox udhcpc --help >/dev/null 2>&1 || skip_all "busybox has no udhcpc applet"
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
[ -d /var/lib/dhcpcd ] || skip_all "no /var/lib/dhcpcd (reinstall dhcpcd-base)"
T=$TEST_TMP
. "$top_srcdir/tests/integration/dhcp-ns.sh" || exit 1

NS_S=dlds$$
NS_C=dldc$$
NS_Q=dldq$$
IF_S=br$$ # the server's bridge: client and squatter on one link
IF_C=dc$$
IF_Q=dq$$
dns_add "$NS_S" || skip_all "cannot create network namespaces"
dns_add "$NS_C" || exit 1
dns_add "$NS_Q" || exit 1
ip -n "$NS_S" link add "$IF_S" type bridge || exit 1
dns_link "$NS_S" "ds$$" "$NS_C" "$IF_C" || exit 1
dns_link "$NS_S" "dsq$$" "$NS_Q" "$IF_Q" || exit 1
ip -n "$NS_S" link set "ds$$" master "$IF_S"
ip -n "$NS_S" link set "dsq$$" master "$IF_S"
ip -n "$NS_S" addr add 10.86.0.1/24 dev "$IF_S"
ip -n "$NS_S" link set "$IF_S" up

MAC_S=02:86:00:00:00:11
MAC_R=02:86:00:00:00:22
MAC_DC=02:86:00:00:00:33
MAC_N=02:86:00:00:00:44
MAC_N2=02:86:00:00:00:55
# conflict-probe = none: the client's ARP probe, not the server's, has to
# find the squatter
dhcp_conf 10.86.0.1 255.255.255.0 10.86.0.100 10.86.0.103 "conflict-probe = none
router = 10.86.0.254
dns = 10.86.0.53
domain = lab.example.org

[host pc01]
mac = $MAC_S
address = 10.86.0.11
image = lab"

# dhcpcd: our config, our script, scratch state
DCDB=$T/dhcpcd-db
mkdir -p "$DCDB"
printf 'nameserver 192.0.2.1\n' > "$T/resolv.conf"
cat > "$T/dhcpcd.conf" <<'EOF'
# no /etc/dhcpcd.conf: IPv4 only, no link-local fallback, no hostname sent
ipv4only
noipv4ll
option subnet_mask, routers, domain_name_servers, domain_name, host_name
option root_path
EOF
DCSCRIPT=$T/dhcpcd.script
cat > "$DCSCRIPT" <<EOF
#!/bin/sh
# dhcpcd's only hook: record the lease, change nothing
case \$reason in BOUND|REBOOT|RENEW|REBIND) ;; *) exit 0 ;; esac
{
	echo "ip=\$new_ip_address"
	echo "mask=\$new_subnet_mask"
	echo "router=\$new_routers"
	echo "dns=\$new_domain_name_servers"
	echo "domain=\$new_domain_name"
	echo "hostname=\$new_host_name"
	echo "rootpath=\$new_root_path"
} > "$T/out/dhcpcd.env"
EOF
chmod 755 "$DCSCRIPT"
RESOLV_SUM=$(sha256sum /etc/resolv.conf 2>/dev/null)

# dhcpcd_run NAME [ARGS...]: one lease (-1: exit once bound) into
# $T/out/NAME; dhcpcd's log in $T/out/NAME.log
dhcpcd_run() {
	_o=$T/out/$1; shift
	rm -f "$_o" "$T/out/dhcpcd.env"
	ip netns exec "$NS_C" unshare -m -u sh -c '
		mount --bind "$1" /etc/resolv.conf &&
		mount -t tmpfs none /run &&
		mount --bind "$2" /var/lib/dhcpcd && shift 2 && exec "$@"' sh \
		"$T/resolv.conf" "$DCDB" timeout 60 dhcpcd -f "$T/dhcpcd.conf" \
		-c "$DCSCRIPT" -j "$_o.log" -B -1 -4 -t 50 "$@" "$IF_C" \
		>"$_o.out" 2>&1
	_rc=$?
	mv "$T/out/dhcpcd.env" "$_o" 2>/dev/null
	[ "$_rc" = 0 ] && [ -s "$_o" ] && return 0
	cat "$_o.out" "$_o.log" 2>/dev/null
	return 1
}

plan 24

ok "disklessd starts" dstart

# --- the static host and one from the range
setmac "$MAC_S"
ok "dhcpcd: static host gets a lease" dhcpcd_run static
is "static host: its address and mask" "$(val static ip)/$(val static mask)" \
	10.86.0.11/255.255.255.0
is "static host: router and DNS" "$(val static router) $(val static dns)" \
	"10.86.0.254 10.86.0.53"
is "static host: hostname and domain" "$(val static hostname) $(val static domain)" \
	"pc01 lab.example.org"
is "static host: root path (option 17)" "$(val static rootpath)" \
	"10.86.0.1:$T/images/lab"
setmac "$MAC_R"
ok "dhcpcd: unknown MAC gets a lease" dhcpcd_run range
X=$(val range ip)
like "unknown MAC: an address from the range" "$X" '^10\.86\.0\.10[0-3]$'
is "unknown MAC: no hostname" "$(val range hostname)" ""

# --- the squatter: an address of the range nobody was given
for Q in 10.86.0.100 10.86.0.101; do [ "$Q" != "$X" ] && break; done
ip -n "$NS_Q" addr add "$Q/24" dev "$IF_Q"
setmac "$MAC_DC"
ok "dhcpcd asking for $Q (held by another host) ends with a lease" \
	dhcpcd_run decline -r "$Q"
DC=$(val decline ip)
diag "$(sed 's/^[A-Z][a-z]* [0-9]* [0-9:]* //' "$T/out/decline.log")"
like "dhcpcd says it declined $Q" "$(cat "$T/out/decline.log")" \
	"(DAD detected|declin|conflict|address in use).*$Q|$Q.*(DAD|declin|conflict|in use)"
ok "disklessd logs the DECLINE with the address" \
	log_has "DHCPDECLINE from $MAC_DC for $Q: address declined"
like "dhcpcd got another address of the range" "$DC" '^10\.86\.0\.10[0-3]$'
[ "$DC" != "$Q" ] && [ "$DC" != "$X" ]
_tap_result $? "... neither the declined one nor the other client's ($DC)"

# --- restarts: the decline is in the journal; the squatter leaves
ip -n "$NS_Q" addr flush dev "$IF_Q"
dstop
is "SIGTERM: exit status 0" "$?" 0
ok "disklessd restarts" dstart 2
like "the journal holds two leases and the decline" \
	"$(grep 'lease(s) loaded' "$DLOG" | tail -1)" \
	"dhcp: 2 lease\(s\) loaded .*, 1 declined address\(es\) held back"
setmac "$MAC_N"
ok "udhcpc: a new MAC asking for $Q gets a lease" udhcpc n -r "$Q"
N=$(val n ip)
[ -n "$N" ] && [ "$N" != "$Q" ] && [ "$N" != "$X" ] && [ "$N" != "$DC" ]
_tap_result $? "... the free one, not the declined one ($N)"
dkill
ok "disklessd restarts after kill -9" dstart 3
like "the journal still holds the decline" \
	"$(grep 'lease(s) loaded' "$DLOG" | tail -1)" "1 declined address\(es\) held back"
setmac "$MAC_N2"
is_exit 1 "udhcpc: another MAC asking for $Q gets nothing (range full but for it)" \
	udhcpc n2 -r "$Q"
is "dhcpcd left /etc/resolv.conf alone" "$(sha256sum /etc/resolv.conf 2>/dev/null)" \
	"$RESOLV_SUM"
dstop
is "SIGTERM: exit status 0" "$?" 0
[ "$_tap_failed" = 0 ] || diag "$(cat "$DLOG")"
done_testing
