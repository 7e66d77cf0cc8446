#!/bin/sh
# t-confine.sh: the confinement of a running disklessd in full mode (DHCP
# and TFTP, started as root in a network namespace), read from the outside
# and tried from the inside:
#  - /proc/PID/status: no uid or gid 0, no capability in any set (inherited,
#    permitted, effective, bounding, ambient), NoNewPrivs, a seccomp filter;
#  - Landlock on the live process: the site config is replaced by a symlink
#    to a world-readable copy outside the allowed folders, and SIGHUP must
#    fail to read it (permission denied) although plain file permissions
#    allow it; put back, the same reload works. Skipped, with the reason,
#    on a kernel without Landlock (the daemon logs its ABI, or none).
# That the filter kills on a forbidden system call, and what Landlock
# allows, is tested on the same code by tests/unit/test-sandbox; names that
# leave the TFTP root by tests/integration/t-tftp-escape.sh.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/integration/fault-lib.sh"

need_root
need_cmd ip timeout python3
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"

T=$TEST_TMP
fault_net
fault_conf
# the config in a folder of its own: Landlock allows reading all of it
mkdir -p "$T/etc"
chmod 755 "$T/etc"
mv "$CONF" "$T/etc/diskless.conf"
CONF=$T/etc/diskless.conf
DAEMON_ARGS=-v # with -v from dstart: debug, which names the Landlock ABI

plan 14
ok "disklessd starts as root (full mode)" dstart
is "it still serves DHCP" "$(dhcp_load once "$STATIC_MAC")" "$STATIC_IP"
st=$(cat "/proc/$DPID/status")
field() { printf '%s\n' "$st" | awk -v k="$1:" '$1 == k { print $2; exit }'; }
like "Uid: none of real, effective, saved, fs is 0" \
	"$(printf '%s\n' "$st" | grep '^Uid:')" \
	"^Uid:([[:space:]]+[1-9][0-9]*){4}$"
like "Gid: none is 0" "$(printf '%s\n' "$st" | grep '^Gid:')" \
	"^Gid:([[:space:]]+[1-9][0-9]*){4}$"
like "Groups: only the service user's" "$(field Groups)" "^[1-9][0-9]*$"
for c in CapInh CapPrm CapEff CapBnd CapAmb; do
	is "$c is empty" "$(field "$c")" 0000000000000000
done
is "NoNewPrivs" "$(field NoNewPrivs)" 1
is "Seccomp: filter mode" "$(field Seccomp)" 2

# Landlock, on the live daemon
abi=$(sed -n 's/.*landlock: ABI \([0-9]*\).*/\1/p' "$DLOG" | tail -1)
if [ -z "$abi" ]; then
	diag "no Landlock: $(grep -i landlock "$DLOG" | tail -1)"
	echo "ok $((_tap_n + 1)) # SKIP this kernel has no Landlock"
	echo "ok $((_tap_n + 2)) # SKIP this kernel has no Landlock"
	_tap_n=$((_tap_n + 2))
else
	diag "Landlock ABI $abi"
	mkdir -p "$T/outside"
	chmod 755 "$T/outside"
	sed 's/lease-time = 3600/lease-time = 7200/' "$CONF" > "$T/outside/diskless.conf"
	chmod 644 "$T/outside/diskless.conf"
	mv "$CONF" "$CONF.orig"
	ln -s "$T/outside/diskless.conf" "$CONF"
	kill -HUP "$DPID"
	for i in $(seq 50); do grep -q 'reload failed' "$DLOG" && break; sleep 0.1; done
	like "a config outside the allowed folders cannot be read on SIGHUP" \
		"$(grep -B3 'reload failed' "$DLOG")" "Permission denied"
	rm "$CONF"
	mv "$CONF.orig" "$CONF"
	kill -HUP "$DPID"
	for i in $(seq 50); do grep -q 'reloaded' "$DLOG" && break; sleep 0.1; done
	like "... while the one in its own folder can" "$(cat "$DLOG")" "reloaded"
fi
dstop
[ "$_tap_failed" = 0 ] || diag "$(tail -20 "$DLOG")"
done_testing
