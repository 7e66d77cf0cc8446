#!/bin/sh
# t-unit.sh: the installed systemd unit of disklessd, and its readiness
# protocol without systemd as PID 1.
#   - `systemd-analyze verify` accepts the unit as `make install` writes it
#     (its ExecStart= is the disklessd installed beside it);
#   - `systemd-analyze security --offline` rates it at most EXPOSURE_MAX;
#   - disklessd started as the unit starts it (-d -v, as root, full mode:
#     DHCP port 67 and TFTP port 69, in a network namespace) with
#     NOTIFY_SOCKET set sends READY=1 from its own pid once both ports are
#     bound and it runs as the service user; RELOADING=1 then READY=1 on
#     SIGHUP; STOPPING=1 on SIGTERM, then exits 0;
#   - a NOTIFY_SOCKET it cannot use is reported and does not stop it.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/cli/install-lib.sh"

# systemd-analyze rates 0 (locked down) to 10; "OK" is below 5. The unit
# scores 2.2: what remains is inherent to a root-started DHCP server
# (network access, setuid for the drop; see dist/systemd).
EXPOSURE_MAX=2.5

need_root
need_cmd systemd-analyze
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
. "$top_srcdir/tests/cli/notify-lib.sh"
notify_setup

plan 21

# ---- the installed unit ---------------------------------------------------
# Installed under $TEST_TMP itself, not in a DESTDIR: verify checks that
# ExecStart= exists on this machine, and with --root it would need a whole
# systemd tree there.
P=$TEST_TMP/usr
UNITDIR=$TEST_TMP/usr/lib/systemd/system
UNIT=$UNITDIR/disklessd.service
ok "make install of disklessd and its unit under $TEST_TMP" \
	make_build install-sbinPROGRAMS install-systemd-unit prefix="$P" \
	sysconfdir="$TEST_TMP/etc" systemdsystemunitdir="$UNITDIR"
is "ExecStart= is the installed disklessd" \
	"$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$UNIT")" "$P/sbin/disklessd"
# verify says nothing, and exits 0, about a unit it accepts
verify() {
	_v=$(systemd-analyze verify --man=no "$UNIT" 2>&1) && [ -z "$_v" ] && return 0
	printf '%s\n' "$_v"
	return 1
}
ok "systemd-analyze verify accepts the unit" verify
out=$(systemd-analyze security --offline=yes "$UNIT" 2>&1)
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for disklessd.service: \([0-9.]*\).*/\1/p')
diag "systemd-analyze security: $(printf '%s\n' "$out" | grep 'Overall exposure')"
like "the security review gives a score" "$score" '^[0-9]+\.[0-9]$'
ok "exposure $score <= $EXPOSURE_MAX" \
	awk -v s="$score" -v m="$EXPOSURE_MAX" 'BEGIN { exit !(s != "" && s + 0 <= m + 0) }'
like "it rates the unit OK or better" "$out" "exposure level for disklessd.service: [0-9.]+ (OK|SAFE|PERFECT)"

# ---- sd_notify, with a listener in place of systemd -----------------------
notify_start "$NOTIFY" "$DISKLESSD" -u nobody
ok "READY=1 arrives" wait_msg 1
# read at once: the daemon said ready, so all of it must hold already
ports=$(ip netns exec "$NS" ss -Hlun)
uid=$(awk '$1 == "Uid:" { print $3 }' "/proc/$DPID/status" 2>/dev/null)
is "first message: READY=1 from the daemon's pid" "$(sed -n 1p "$MSGS")" "$DPID READY=1"
like "port 67 was bound when it said ready" "$ports" ':67[[:space:]]'
like "port 69 was bound when it said ready" "$ports" '10\.82\.0\.1(%dl0)?:69[[:space:]]'
is "it ran as the service user when it said ready" "$uid" "$(id -u nobody)"

kill -HUP "$DPID"
ok "two messages on SIGHUP" wait_msg 3
is "RELOADING=1 then READY=1" "$(sed -n '2,3p' "$MSGS" | tr '\n' ' ')" \
	"$DPID RELOADING=1 $DPID READY=1 "
like "the reload happened in between" "$(cat "$T/disklessd.log")" "reloaded"

kill -TERM "$DPID"
ok "STOPPING=1 on SIGTERM" wait_msg 4
is "... from the daemon" "$(sed -n 4p "$MSGS")" "$DPID STOPPING=1"
wait "$TPID"
is "it exits 0" "$?" 0

# A NOTIFY_SOCKET that cannot be used: said once, then it serves anyway.
: > "$T/disklessd.log"
notify_start relative/notify "$DISKLESSD" -u nobody
for _i in $(seq 50); do grep -q "tftp: serving" "$T/disklessd.log" && break; sleep 0.1; done
like "a relative NOTIFY_SOCKET is reported" "$(cat "$T/disklessd.log")" \
	"NOTIFY_SOCKET relative/notify .*: Invalid argument"
ok "... and disklessd serves anyway" kill -0 "$DPID"
kill -TERM "$DPID"
wait "$TPID"
is "... and stops with 0" "$?" 0
is "nothing more reached the listener" "$(wc -l < "$MSGS" | tr -d ' ')" 4
done_testing
