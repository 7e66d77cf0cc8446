#!/bin/sh
# t-fault-kill.sh (slow: runs when DISKLESS_SLOW_TESTS=1): disklessd is
# SIGKILLed at random moments under DHCP and TFTP load, 20 times, and
# restarted by the test each time. DHCP load: dhcp-load.py at 4000
# requests a second, nine exchanges in ten from a new client (DISCOVER,
# REQUEST: a new binding), one in ten an INIT-REBOOT REQUEST of an earlier
# one, every ACK logged as it arrives. Mostly new clients, so that a lost
# binding is not repaired by its client asking again before the end. TFTP
# load: curl, tftp-hpa and busybox fetching files in a loop, each fetch
# retried until it succeeds. After the last restart: no ACKed lease was lost
# (every ACKed MAC is offered its address again, ahead of a hint for a free
# one), no address was ACKed to two MACs nor a MAC ACKed two addresses
# across all the restarts, and every TFTP fetch eventually completed with
# the right bytes. (Sending ACKs before the journal write makes this test
# fail with dozens of lost and doubled leases.)
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/integration/fault-lib.sh"

need_root
need_cmd ip timeout python3 curl tftp busybox cmp shuf
[ "${DISKLESS_SLOW_TESTS:-}" = 1 ] ||
	skip_all "slow (about 1 min): runs once per test run (set DISKLESS_SLOW_TESTS=1, as scripts/test does)"
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
KILLS=${FAULT_KILLS:-20}

T=$TEST_TMP
fault_net
fault_conf
head -c 1048576 /dev/urandom > "$ROOT/kernel"
head -c 3145728 /dev/urandom > "$ROOT/initrd"
chmod 644 "$ROOT/kernel" "$ROOT/initrd"
STOP=$T/stop
ACKS=$T/acks

# tftp_loop ID CLIENT FILE: fetches FILE until $STOP exists; a fetch that
# fails (the server died under it) is retried until it succeeds, and one
# that succeeds must have the right bytes. Writes "done retries bad".
tftp_loop() {
	_done=0 _retries=0 _bad=0
	while [ ! -e "$STOP" ]; do
		_n=0
		until tftp_get "$2" "$3" "$T/out/$1" >/dev/null 2>&1; do
			_n=$((_n + 1)) _retries=$((_retries + 1))
			[ "$_n" -ge 100 ] && { _bad=$((_bad + 1)); break; }
			sleep 0.1
		done
		[ "$_n" -ge 100 ] && continue
		if cmp -s "$ROOT/$3" "$T/out/$1"; then
			_done=$((_done + 1))
		else
			_bad=$((_bad + 1))
		fi
	done
	echo "$_done $_retries $_bad" > "$T/tftp.$1"
}

plan 10
ok "disklessd starts (full mode, DHCP and TFTP)" dstart
dhcp_load load "$ACKS" --macs 0 --seconds 600 --stop "$STOP" --seed 9 \
	--rate 4000 --fresh 0.9 \
	> "$T/load.out" 2>&1 &
LOADPID=$!
at_exit "touch $STOP; kill $LOADPID 2>/dev/null"
tpids=
for c in curl:kernel hpa:initrd busybox:kernel curl:initrd; do
	tftp_loop "${c%%:*}-${c#*:}-$(echo $tpids | wc -w)" "${c%%:*}" "${c#*:}" &
	tpids="$tpids $!"
done
at_exit "touch $STOP; kill $tpids 2>/dev/null"

restarts=0
t0=$(date +%s)
for k in $(seq "$KILLS"); do
	sleep "$(shuf -i 300-1300 -n 1 | awk '{ printf "%.3f", $1 / 1000 }')"
	dkill
	dstart || break
	restarts=$((restarts + 1))
done
is "restarted after each of $KILLS SIGKILLs" "$restarts" "$KILLS"
sleep 1
touch "$STOP"
wait "$LOADPID"
t1=$(date +%s)
for p in $tpids; do wait "$p"; done
load=$(cat "$T/load.out")
diag "dhcp load over $((t1 - t0)) s: $load"
like "the DHCP load ran and got ACKs" "$load" "acks [1-9][0-9]* naks"

ok "every ACKed lease is still bound after the last restart, none twice" \
	dhcp_load check "$ACKS" --range "$RANGE_FIRST" "$RANGE_LAST"
check=$(cat "$TEST_TMP/.out")
diag "$check"
like "leases checked" "$check" "^checked [1-9][0-9]* lost 0 twice 0$"
ok "still alive" kill -0 "$DPID"

cat "$T"/tftp.* > "$T/tftp.sum"
tdone=$(awk '{ s += $1 } END { print s + 0 }' "$T/tftp.sum")
tretries=$(awk '{ s += $2 } END { print s + 0 }' "$T/tftp.sum")
tbad=$(awk '{ s += $3 } END { print s + 0 }' "$T/tftp.sum")
diag "tftp: $tdone fetches complete and byte-identical, $tretries retried after a kill, $tbad wrong or never completed"
is "every TFTP fetch completed with the right bytes" "$tbad" 0
[ "$tdone" -ge 8 ]
_tap_result $? "TFTP fetches kept completing across the kills ($tdone)"
dstop
is "SIGTERM: exit status 0" "$?" 0
like "the journal was replayed at each start" \
	"$(grep 'lease(s) loaded' "$DLOG" | tail -1)" "dhcp: [1-9][0-9]* lease\(s\) loaded"
[ "$_tap_failed" = 0 ] || diag "$(tail -40 "$DLOG")"
done_testing
