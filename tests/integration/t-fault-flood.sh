#!/bin/sh
# t-fault-flood.sh (slow: runs when DISKLESS_SLOW_TESTS=1): 30 seconds of
# malformed datagrams at disklessd's DHCP and TFTP ports (flood.py, fixed
# seed: random bytes, cut headers, option lengths past the end, TFTP with
# no NUL, bad opcodes, absurd option values, RRQs nobody ACKs) from one
# neighbour. Meanwhile real clients from another address are served: busybox
# udhcpc and dhcp-load.py get leases, tftp-hpa and curl fetch a file whole.
# Afterwards the same process still runs, its resident memory is back where
# it was (a little slack for the allocator), and its statistics count the
# malformed requests. (Full mode listens on 67 and 69; port 4011 is open in
# proxy mode only, where the same parser reads it.)
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/integration/fault-lib.sh"

need_root
need_cmd ip timeout python3 busybox tftp curl cmp
busybox udhcpc --help >/dev/null 2>&1 || skip_all "busybox has no udhcpc applet"
[ "${DISKLESS_SLOW_TESTS:-}" = 1 ] ||
	skip_all "slow (about 45 s): runs once per test run (set DISKLESS_SLOW_TESTS=1, as scripts/test does)"
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
SECONDS_FLOOD=${FLOOD_SECONDS:-30}
RSS_SLACK_KB=${FLOOD_RSS_SLACK_KB:-1024}

T=$TEST_TMP
fault_net
fault_conf
FLOOD_IP=10.82.0.3
ip -n "$NS_C" addr add "$FLOOD_IP/16" dev "$IF_C"
head -c 1048576 /dev/urandom > "$ROOT/kernel"
chmod 644 "$ROOT/kernel"

SCRIPT=$T/udhcpc.script
cat > "$SCRIPT" <<'EOF'
#!/bin/sh
# udhcpc calls this with the lease in the environment: record it only
[ "$1" = bound ] && echo "$ip" > "$UDHCPC_OUT"
exit 0
EOF
chmod 755 "$SCRIPT"

# legit TAG: every kind of real client, each must succeed
legit() {
	rm -f "$T/out/udhcpc.$1"
	UDHCPC_OUT=$T/out/udhcpc.$1 in_client timeout 20 busybox udhcpc -i "$IF_C" \
		-n -q -t 5 -T 1 -s "$SCRIPT" >/dev/null 2>&1 &&
		grep -q '^10\.82\.' "$T/out/udhcpc.$1" || { echo "udhcpc: no lease"; return 1; }
	case $(dhcp_load once 02:82:00:00:01:01) in
	10.82.*) ;;
	*) echo "dhcp-load: no lease"; return 1 ;;
	esac
	for c in hpa curl; do
		tftp_get "$c" kernel "$T/out/kernel.$c" &&
			cmp "$ROOT/kernel" "$T/out/kernel.$c" || { echo "$c: failed"; return 1; }
	done
}

plan 11
ok "disklessd starts" dstart
ok "real clients are served before the flood" legit before
sleep 1
rss0=$(rss_kb "$DPID")
pid0=$DPID
start0=$(awk '{ print $22 }' "/proc/$DPID/stat")

in_client timeout $((SECONDS_FLOOD + 30)) python3 \
	"$top_srcdir/tests/integration/flood.py" "$FLOOD_IP" "$SERVER_IP" \
	--seconds "$SECONDS_FLOOD" --rate 20000 --seed 7 > "$T/flood.out" 2>&1 &
FPID=$!
at_exit "kill $FPID 2>/dev/null"
sleep 5
ok "during the flood: udhcpc, dhcp-load, tftp-hpa and curl served" legit during1
sleep $((SECONDS_FLOOD / 2))
ok "later in the flood: served again" legit during2
rss_mid=$(rss_kb "$DPID")
wait "$FPID"
diag "flood: $(cat "$T/flood.out")"
like "the flood ran" "$(cat "$T/flood.out")" "^sent [1-9][0-9]* seconds"

ok "the daemon still runs" kill -0 "$DPID"
is "... the same process (PID and start time)" \
	"$DPID $(awk '{ print $22 }' "/proc/$DPID/stat")" "$pid0 $start0"
# the flood's unacknowledged transfers give up after their retransmissions
sleep 12
rss1=$(rss_kb "$DPID")
diag "VmRSS: $rss0 kB before, $rss_mid kB during, $rss1 kB after the flood"
[ "$rss1" -le $((rss0 + RSS_SLACK_KB)) ]
_tap_result $? "resident memory back within $RSS_SLACK_KB kB of where it was"
ok "real clients are served after the flood" legit after
dstop
is "SIGTERM: exit status 0" "$?" 0
stats=$(grep -E 'dhcp: [0-9]+ requests|tftp: [0-9]+ transfers done' "$DLOG" | tail -2)
diag "$stats"
like "the malformed DHCP datagrams were counted" "$stats" \
	"dhcp: [0-9]+ requests, [0-9]+ replies, [0-9]+ ignored, [1-9][0-9]* malformed"
[ "$_tap_failed" = 0 ] || diag "$(tail -30 "$DLOG")"
done_testing
