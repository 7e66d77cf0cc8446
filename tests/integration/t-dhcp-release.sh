#!/bin/sh
# t-dhcp-release.sh: DHCPRELEASE from real clients on the wire (RFC 2131
# §4.3.4). On a range of three addresses, two are bound and a third client
# takes the last one and releases it: busybox udhcpc with -R (it releases
# when stopped) and ISC dhclient -r. disklessd logs each release with the
# address, the released address is the one another MAC gets next, the
# release is in the journal (after kill -9 and a restart the address is
# still free), and once the range is full one more MAC gets nothing.
. "${top_srcdir:?}/tests/lib.sh" || exit 1

need_root
need_cmd ip timeout busybox
busybox udhcpc --help >/dev/null 2>&1 || skip_all "busybox has no udhcpc applet"
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
need_cmd dhclient
T=$TEST_TMP
. "$top_srcdir/tests/integration/dhcp-ns.sh" || exit 1

NS_S=dlrs$$
NS_C=dlrc$$
IF_S=rs$$
IF_C=rc$$
dns_add "$NS_S" || skip_all "cannot create network namespaces"
dns_add "$NS_C" || exit 1
dns_link "$NS_S" "$IF_S" "$NS_C" "$IF_C" || exit 1
ip -n "$NS_S" addr add 10.84.0.1/24 dev "$IF_S"
dhcp_conf 10.84.0.1 255.255.255.0 10.84.0.100 10.84.0.102

MAC_F1=02:84:00:00:00:01
MAC_F2=02:84:00:00:00:02
MAC_A=02:84:00:00:00:0a
MAC_B=02:84:00:00:00:0b
MAC_C=02:84:00:00:00:0c
MAC_D=02:84:00:00:00:0d
MAC_E=02:84:00:00:00:0e

plan 22

ok "disklessd starts" dstart
setmac "$MAC_F1"
ok "udhcpc: first filler bound" udhcpc f1
setmac "$MAC_F2"
ok "udhcpc: second filler bound" udhcpc f2
TAKEN=" $(val f1 ip) $(val f2 ip) "

# --- udhcpc -R: the last address, released when udhcpc stops
setmac "$MAC_A"
ok "udhcpc -R: gets the last free address, releases it on SIGTERM" \
	udhcpc_release a
LAST=$(val a ip)
case $TAKEN in *" $LAST "*) LAST= ;; esac
like "... one from the range that the fillers do not hold" "$LAST" \
	'^10\.84\.0\.10[0-2]$'
ok "disklessd logs the release with the address" \
	log_has "DHCPRELEASE from $MAC_A for $LAST: lease released"

# --- the release is in the journal: kill -9 and restart
dkill
ok "disklessd restarts after kill -9" dstart 2
like "the journal holds the two fillers only" \
	"$(grep 'lease(s) loaded' "$DLOG" | tail -1)" "dhcp: 2 lease\(s\) loaded"
setmac "$MAC_C"
ok "udhcpc: another MAC gets a lease" udhcpc c1
is "... the released address, the only one left" "$(val c1 ip)" "$LAST"
ok "udhcpc -R: the same MAC again, releasing it" udhcpc_release c2
ok "disklessd logs that release" \
	log_has "DHCPRELEASE from $MAC_C for $LAST: lease released"

# --- ISC dhclient, then dhclient -r (no pid file: nothing to kill)
setmac "$MAC_B"
ok "dhclient: gets a lease" dhclient_run b
is "... the released address" "$(val b ip)" "$LAST"
ok "dhclient -r: releases it" ip netns exec "$NS_C" timeout 20 dhclient -r \
	-cf "$T/dhclient.conf" -sf "$DHCLIENT_SCRIPT" -lf "$T/dhclient.leases" \
	-pf "$T/dhclient-r.pid" "$IF_C"
ok "disklessd logs the dhclient release" \
	log_has "DHCPRELEASE from $MAC_B for $LAST: lease released"
setmac "$MAC_D"
ok "udhcpc: a fourth MAC gets a lease" udhcpc d
is "... the address dhclient released" "$(val d ip)" "$LAST"
setmac "$MAC_E"
is_exit 1 "udhcpc: a fifth MAC gets nothing (the range is full)" udhcpc e

dstop
is "SIGTERM: exit status 0" "$?" 0
ok "disklessd restarts" dstart 3
like "the journal holds the fillers and the fourth MAC" \
	"$(grep 'lease(s) loaded' "$DLOG" | tail -1)" "dhcp: 3 lease\(s\) loaded"
[ "$_tap_failed" = 0 ] || diag "$(cat "$DLOG")"
done_testing
