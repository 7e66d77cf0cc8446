#!/bin/sh
# t-valgrind.sh (slow: runs when DISKLESS_SLOW_TESTS=1): disklessd under
# valgrind, full mode, DHCP and TFTP in a network namespace.
#
# memcheck: a few hundred DHCP exchanges (new leases, renewals, the static
# host, malformed datagrams), TFTP transfers with and without options and
# refused requests, a SIGHUP reload, then SIGTERM: no memory error, nothing
# definitely or indirectly lost (--errors-for-leak-kinds=definite,indirect
# --error-exitcode=99), and the daemon's own exit status 0.
#
# DHAT: the heap's high-water mark after 10 TFTP transfers and 10 DHCP
# renewals, and after 100 of each, one at a time: equal give or take a
# little, so nothing is kept per transfer or per request.
#
# Valgrind's own system calls are not on the seccomp list, so disklessd
# runs with --debug-no-seccomp (valgrind knows no Landlock either: it fails
# that with ENOSYS and the daemon goes on without). Valgrind 3.19 has no
# openat2(2) either: tests/integration/vg-openat2.so, preloaded, turns it
# into openat(2) for this test only. Valgrind cannot see what the kernel
# writes through an io_uring (completions, received datagrams), so the
# loop runs on epoll here (DISKLESSD_IO_URING=0); ASan and UBSan check
# the io_uring path in every other test.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/integration/fault-lib.sh"

need_root
need_cmd ip timeout python3 curl valgrind
[ "${DISKLESS_SLOW_TESTS:-}" = 1 ] ||
	skip_all "slow (about 1 min): runs once per test run (set DISKLESS_SLOW_TESTS=1, as scripts/test does)"
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
SHIM=$top_builddir/tests/integration/vg-openat2.so
[ -f "$SHIM" ] || skip_all "no $SHIM (make check builds it)"
nm -D "$DISKLESSD" 2>/dev/null | grep -q __asan_init &&
	skip_all "disklessd is built with ASan, which does not run under valgrind"

T=$TEST_TMP
fault_net
fault_conf
head -c 300000 /dev/urandom > "$ROOT/kernel"
printf 'small\n' > "$ROOT/small"
chmod 644 "$ROOT/kernel" "$ROOT/small"
DAEMON_ARGS=--debug-no-seccomp
DAEMON_TIMEOUT=300
VG="env LD_PRELOAD=$SHIM DISKLESSD_IO_URING=0 valgrind --vgdb=no --log-file=$T/vg.log"

# fetch N: N transfers of the kernel, one after the other, curl each time
fetch() {
	for _i in $(seq "$1"); do
		tftp_get curl kernel "$T/out/k" && cmp -s "$ROOT/kernel" "$T/out/k" ||
			return 1
	done
}

plan 11

# ---- memcheck
ok "disklessd starts under memcheck" dstart $VG --leak-check=full \
	--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
	--error-exitcode=99
ok "DHCP under memcheck: 40 clients, new leases and renewals" \
	dhcp_load load "$T/acks" --macs 40 --seconds 60 --acks 300 --rate 300 --fresh 0.1
diag "$(cat "$TEST_TMP/.out")"
is "the static host gets its address" "$(dhcp_load once "$STATIC_MAC")" "$STATIC_IP"
in_client timeout 10 python3 - "$SERVER_IP" <<'EOF'
import os, random, socket, sys
random.seed(3)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for n in (1, 100, 240, 300, 600):
    s.sendto(bytes(random.getrandbits(8) for _ in range(n)), (sys.argv[1], 67))
    s.sendto(bytes(random.getrandbits(8) for _ in range(n)), (sys.argv[1], 69))
s.sendto(b"\0\1kernel\0octet\0blksize\0" + b"9" * 300 + b"\0", (sys.argv[1], 69))
s.sendto(b"\0\1../etc/passwd\0octet\0", (sys.argv[1], 69))
s.sendto(b"\0\1missing\0octet\0", (sys.argv[1], 69))
EOF
ok "TFTP under memcheck: 10 transfers" fetch 10
ok "TFTP with options (blksize 1468, tsize)" sh -c \
	"$(printf 'ip netns exec %s timeout 20 curl -sSf --tftp-blksize 1468 -o %s tftp://%s/kernel' \
		"$NS_C" "$T/out/k2" "$SERVER_IP") && cmp '$ROOT/kernel' '$T/out/k2'"
kill -HUP "$DPID"
for i in $(seq 50); do grep -q reloaded "$DLOG" && break; sleep 0.1; done
ok "SIGHUP under memcheck, then more transfers" fetch 3
dstop
rc=$?
vg=$(cat "$T/vg.log")
is "memcheck: exit status 0 (99: errors or leaks)" "$rc" 0
like "memcheck: no errors" "$vg" "ERROR SUMMARY: 0 errors from 0 contexts"
like "memcheck: nothing lost" "$vg" \
	"(All heap blocks were freed|definitely lost: 0 bytes in 0 blocks)"
diag "$(grep -E 'in use at exit|total heap usage|definitely|indirectly|possibly|reachable' "$T/vg.log" | sed 's/^==[0-9]*== *//')"
[ "$_tap_failed" = 0 ] || diag "$(tail -60 "$T/vg.log")"

# ---- DHAT: the high-water mark after 10 and after 100 of each
# dhat_run N: the heap's peak ("At t-gmax") in bytes after N transfers and
# N renewals of the same 5 clients. DHAT writes its profile at exit, as the
# service user: into the state folder, the one it owns.
dhat_run() {
	rm -f "$T/vg.log"
	dstart $VG --tool=dhat --dhat-out-file="$STATE/dhat.out" || return 1
	dhcp_load load "$T/acks-$1" --macs 5 --window 1 --acks "$1" --seconds 120 \
		>/dev/null || return 1
	fetch "$1" || return 1
	dstop || return 1
	sed -n 's/.*At t-gmax: *\([0-9,]*\) bytes.*/\1/p' "$T/vg.log" | tr -d ,
}
peak10=$(dhat_run 10)
peak100=$(dhat_run 100)
diag "heap peak (DHAT t-gmax): $peak10 bytes after 10 transfers and renewals, $peak100 after 100"
ok "DHAT: both runs measured" test -n "$peak10" -a -n "$peak100"
[ -n "$peak10" ] && [ -n "$peak100" ] && [ "$peak100" -le $((peak10 + 4096)) ]
_tap_result $? "no growth per transfer or per request: peak after 100 <= peak after 10 + 4 KiB"
[ "$_tap_failed" = 0 ] || diag "$(tail -30 "$DLOG")"
done_testing
