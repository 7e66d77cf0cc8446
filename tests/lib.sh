# tests/lib.sh: TAP for shell tests, sourced by tests/*/*.sh.
#
#   plan N                    print the plan
#   skip_all REASON           "1..0 # SKIP REASON", exit 0 (never exit 77)
#   ok NAME CMD [ARGS...]     run CMD; ok when it exits 0
#   not_ok_expected ...       see is_exit
#   is_exit WANT NAME CMD...  ok when CMD exits with status WANT
#   is NAME GOT WANT          ok when the strings are equal
#   like NAME TEXT ERE        ok when TEXT matches the extended regex
#   diag TEXT                 a "# " line
#   done_testing              plan from the count when none was given; exit status
#   need_root, need_cmd CMD   skip_all unless satisfied
#   mktmp                     a fresh directory, removed at exit ($TEST_TMP)
#   at_exit CMD               run CMD at exit (cleanup, last in first out)
#   own_loopback "$@"         as root: re-run the test in a network namespace
#                             of its own, loopback up (see below)

: "${top_srcdir:=.}"
: "${top_builddir:=.}"
: "${DISKLESS:=$top_builddir/builder/diskless}"
: "${DISKLESSD:=$top_builddir/server/disklessd}"
: "${DISKLESS_INIT:=$top_builddir/initrd/diskless-init}"

# The sandboxed daemon under ASan: LeakSanitizer's exit-time scan ptraces
# the process, which can deadlock against its seccomp/Landlock sandbox. The
# daemon keeps ASan and UBSan; its leaks are for valgrind to find.
DAEMON_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

_tap_n=0
_tap_failed=0
_tap_planned=
_tap_cleanup=

plan() { _tap_planned=$1; echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

_tap_result() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

ok() {
	_name=$1; shift
	"$@" >"$TEST_TMP/.out" 2>&1
	_rc=$?
	_tap_result "$_rc" "$_name"
	[ "$_rc" = 0 ] || { diag "command: $*"; diag "$(head -c 2000 "$TEST_TMP/.out")"; }
	return "$_rc"
}

is_exit() {
	_want=$1; _name=$2; shift 2
	"$@" >"$TEST_TMP/.out" 2>&1
	_rc=$?
	[ "$_rc" = "$_want" ]
	_tap_result $? "$_name"
	[ "$_rc" = "$_want" ] || { diag "exit $_rc, want $_want: $*"; diag "$(head -c 2000 "$TEST_TMP/.out")"; }
}

is() {
	[ "$2" = "$3" ]
	_rc=$?
	_tap_result "$_rc" "$1"
	[ "$_rc" = 0 ] || { diag "got:  $2"; diag "want: $3"; }
}

like() {
	printf '%s\n' "$2" | grep -E -q -- "$3"
	_rc=$?
	_tap_result "$_rc" "$1"
	[ "$_rc" = 0 ] || { diag "text: $(printf '%s' "$2" | head -c 2000)"; diag "does not match: $3"; }
}

done_testing() {
	[ -n "$_tap_planned" ] || echo "1..$_tap_n"
	if [ -n "$_tap_planned" ] && [ "$_tap_planned" != "$_tap_n" ]; then
		diag "planned $_tap_planned, ran $_tap_n"
		exit 1
	fi
	[ "$_tap_failed" = 0 ]
	exit $?
}

need_root() { [ "$(id -u)" = 0 ] || skip_all "needs root"; }
need_cmd() { for _c; do command -v "$_c" >/dev/null 2>&1 || skip_all "needs $_c"; done; }

at_exit() { _tap_cleanup="$*; $_tap_cleanup"; }

# daemon_wait TPID LOG PATTERN N [TENTHS]: a daemon started in the
# background under `timeout` (TPID) is up when `timeout` has its child and
# LOG has PATTERN N times (N = 0: the child alone). Sets DPID (the daemon
# itself, for /proc and signals). Waits TENTHS of a second at most (50);
# fails when `timeout` exits first or the time is up.
daemon_wait() {
	DPID=
	for _i in $(seq "${5:-50}"); do
		[ -n "$DPID" ] ||
			DPID=$(cat "/proc/$1/task/$1/children" 2>/dev/null | tr -d ' ')
		_n=$(grep -c -- "$3" "$2" 2>/dev/null)
		[ -n "$DPID" ] && [ "${_n:-0}" -ge "$4" ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
# dstop / dkill: the daemon daemon_wait found ($DPID, under the timeout
# $TPID) gets SIGTERM / SIGKILL, and the timeout is reaped: dstop returns
# the daemon's exit status (through timeout), dkill always 0.
dstop() {
	kill "$DPID" 2>/dev/null
	wait "$TPID"
}
dkill() {
	kill -9 "$DPID" 2>/dev/null
	wait "$TPID" 2>/dev/null
	return 0
}
_tap_exit() {
	_rc=$?
	eval "$_tap_cleanup" >/dev/null 2>&1
	[ -n "$TEST_TMP" ] && rm -rf "$TEST_TMP"
	exit "$_rc"
}
trap _tap_exit EXIT
trap 'exit 130' INT TERM

mktmp() { mktemp -d "${TMPDIR:-/tmp}/diskless-test.XXXXXX"; }
TEST_TMP=$(mktmp)

# A test serving on 127.0.0.1 shares the host's ports with every other test
# running beside it (make -j) and with the ephemeral ports of their clients:
# a port taken there fails "disklessd starts" and all that follows. As root
# the test re-runs itself under unshare -n, with a loopback of its own; as a
# user it stays on the host's loopback. Call it before anything else.
own_loopback() {
	if [ -n "${DISKLESS_OWN_NETNS:-}" ]; then
		ip link set lo up || { echo "Bail out! loopback of the namespace"; exit 1; }
		return 0
	fi
	[ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 || return 0
	rm -rf "$TEST_TMP"
	trap - EXIT
	DISKLESS_OWN_NETNS=1 exec unshare -n /bin/sh "$0" "$@"
}
