#!/bin/sh
# t-tftp-privs.sh: disklessd started as root binds port 69, then runs as an
# unprivileged user with no capabilities, NoNewPrivs and a seccomp filter
# (read from /proc/PID/status of the running daemon), and still serves and
# reloads its config under that sandbox. In a network namespace of its own.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/integration/tftp-lib.sh"

need_root
need_cmd ip tftp
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
NS=dl-tftp-privs-$$
ip netns add "$NS" 2>/dev/null || skip_all "cannot create a network namespace"
at_exit "ip netns del $NS"
ip -n "$NS" link set lo up

tftp_setup
head -c 100000 /dev/urandom > "$ROOT/f"; chmod 644 "$ROOT/f"

plan 12
ok "disklessd starts as root on port 69" tftp_start 127.0.0.1:69 "$NS"
sleep 0.3
st=$(cat "/proc/$DPID/status")
field() { printf '%s\n' "$st" | awk -v k="$1:" '$1 == k {print $2; exit}'; }
like "Uid is not 0 (real, effective, saved)" "$(printf '%s\n' "$st" | grep '^Uid:')" \
	"^Uid:[[:space:]]+[1-9][0-9]*[[:space:]]+[1-9][0-9]*[[:space:]]+[1-9][0-9]*"
like "Gid is not 0" "$(field Gid)" "^[1-9][0-9]*$"
is "CapEff is 0" "$(field CapEff)" "0000000000000000"
is "CapPrm is 0" "$(field CapPrm)" "0000000000000000"
is "CapBnd is 0" "$(field CapBnd)" "0000000000000000"
is "NoNewPrivs is 1" "$(field NoNewPrivs)" "1"
is "Seccomp is 2 (filter)" "$(field Seccomp)" "2"
ok "serves a file under the sandbox" sh -c \
	"cd '$TEST_TMP/out' && ip netns exec '$NS' timeout 20 tftp -m binary 127.0.0.1 69 -c get f f && cmp f '$ROOT/f'"
kill -HUP "$DPID"
sleep 0.5
like "SIGHUP re-reads the config under the sandbox" "$(cat "$DLOG")" "reloaded"
ok "still alive after the reload" kill -0 "$DPID"
ok "serves after the reload" sh -c \
	"cd '$TEST_TMP/out' && rm -f f && ip netns exec '$NS' timeout 20 tftp -m binary 127.0.0.1 69 -c get f f && cmp f '$ROOT/f'"
tftp_stop
done_testing
