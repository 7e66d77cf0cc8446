#!/bin/sh
# t-fault-diskfull.sh: the lease journal's file system fills up while
# disklessd writes leases (the state directory is a 512 KiB tmpfs, mounted
# in a private mount namespace so that nothing leaks out of the test). The
# daemon stays up, says once, in one line naming the journal and ENOSPC,
# that it cannot write; the static host still gets its ACK; a new client
# gets none (no ACK before its lease is on disk). Restarted with the disk
# still full, it still serves the static host. Once there is room again the
# held bindings are written, and after a restart every lease ACKed before,
# during and after the full disk is still bound.
if [ "$(id -u)" = 0 ] && [ -z "${FAULT_MNTNS:-}" ] &&
	unshare -m --propagation private true 2>/dev/null; then
	FAULT_MNTNS=1 exec unshare -m --propagation private /bin/sh "$0" "$@"
fi
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/integration/fault-lib.sh"

need_root
need_cmd ip timeout python3 mount dd
[ -n "${FAULT_MNTNS:-}" ] || skip_all "cannot make a private mount namespace (unshare -m)"
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"

T=$TEST_TMP
STATE=$T/state
mkdir -p "$STATE"
mount -t tmpfs -o size=512k,mode=0755 diskless-test "$STATE" ||
	skip_all "cannot mount a tmpfs"
at_exit "umount $STATE"
fault_net
fault_conf
ACKS=$T/acks
STOP=$T/stop
NEW_MAC=02:fb:00:00:00:01
# once_acked MAC: one exchange; the ACKed address goes to $ACKS as well
once_acked() {
	_ip=$(dhcp_load once "$1")
	case $_ip in 10.82.*) echo "A $1 $_ip" >> "$ACKS" ;; esac
	echo "$_ip"
}

plan 17
ok "disklessd starts with its state directory on a 512 KiB tmpfs" dstart
ok "200 clients get leases while there is room" \
	dhcp_load load "$ACKS" --macs 200 --seconds 2 --rate 2000 --seed 1
is "the static host gets its address" "$(dhcp_load once "$STATIC_MAC")" "$STATIC_IP"

# more leases keep coming while the disk fills up
dhcp_load load "$ACKS" --macs 200 --fresh 0.5 --rate 400 --seconds 60 \
	--stop "$STOP" --seed 2 > "$T/load.out" 2>&1 &
LOADPID=$!
at_exit "touch $STOP; kill $LOADPID 2>/dev/null"
sleep 1
dd if=/dev/zero of="$STATE/filler" bs=4096 2>/dev/null
for i in $(seq 50); do
	grep -q 'cannot write the lease journal' "$DLOG" && break
	sleep 0.1
done
sleep 2
touch "$STOP"
wait "$LOADPID"
diag "load: $(cat "$T/load.out")"
full=$(grep 'cannot write the lease journal' "$DLOG")
is "one log line for the full disk (not one per retry)" "$(printf '%s\n' "$full" | grep -c .)" 1
like "... naming the journal and ENOSPC" "$full" \
	"$STATE/leases: .*No space left on device"
ok "the daemon is still running" kill -0 "$DPID"
is "the static host still gets its ACK" "$(dhcp_load once "$STATIC_MAC")" "$STATIC_IP"
is "a new client gets no ACK: its lease is not on disk" \
	"$(dhcp_load once "$NEW_MAC" --tries 1)" none

# room again: the held binding is written
rm -f "$STATE/filler"
for i in $(seq 30); do
	grep -q 'lease journal written again' "$DLOG" && break
	sleep 0.1
done
like "with room again, the journal is written again" "$(cat "$DLOG")" \
	"lease journal written again"
like "... and the new client gets its ACK" "$(once_acked "$NEW_MAC")" \
	'^10\.82\.'

# full again, and restarted that way: no room for the compacted copy
dd if=/dev/zero of="$STATE/filler" bs=4096 2>/dev/null
dstop
ok "restarts with the disk full" dstart
like "... and says it appends to the journal as it is" "$(tail -5 "$DLOG")" \
	"$STATE/leases: no room to rewrite it.*No space left on device"
is "the static host gets its ACK after that restart" \
	"$(dhcp_load once "$STATIC_MAC")" "$STATIC_IP"

# room again, one more client, then a clean restart
rm -f "$STATE/filler"
like "a second new client gets its ACK" "$(once_acked 02:fb:00:00:00:02)" \
	'^10\.82\.'
dstop
is "SIGTERM: exit status 0" "$?" 0
ok "starts again" dstart
ok "every lease ACKed before, during and after the full disk is still bound" \
	dhcp_load check "$ACKS" --range "$RANGE_FIRST" "$RANGE_LAST"
diag "$(cat "$TEST_TMP/.out")"
dstop
diag "$(grep -E 'journal|lease\(s\) loaded' "$DLOG")"
[ "$_tap_failed" = 0 ] || diag "$(tail -30 "$DLOG")"
done_testing
