#!/bin/sh
# t-tftp-storm.sh: a boot storm. 64 clients at once each fetch a 16 MiB file
# while nftables drops 5 % of all packets at random (netem is not in every
# kernel; "numgen random mod 100 < 5 drop" is, on the input hook so that
# senders see a silent loss, not EPERM). Every transfer must finish,
# byte-identical. Clients: curl and busybox, lock-step at blksize 1468 (what
# iPXE asks for). atftp 0.8 is left out on purpose: its windowsize client
# aborts on a resent OACK and does not re-ACK blocks it already has, so under
# loss it fails against any server (checked against atftpd itself).
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/integration/tftp-lib.sh"

need_root
need_cmd ip nft curl busybox cmp
[ "${DISKLESS_SLOW_TESTS:-}" = 1 ] ||
	skip_all "slow (about 3 min): runs once per test run (set DISKLESS_SLOW_TESTS=1, as scripts/test does)"
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
N=${TFTP_STORM_CLIENTS:-64}
NS=dl-tftp-storm-$$
ip netns add "$NS" 2>/dev/null || skip_all "cannot create a network namespace"
at_exit "ip netns del $NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" nft -f - <<'NFT' || skip_all "nftables numgen not available"
table inet loss {
	chain in {
		type filter hook input priority 0; policy accept;
		numgen random mod 100 < 5 drop
	}
}
NFT

tftp_setup
head -c 16777216 /dev/urandom > "$ROOT/initrd"; chmod 644 "$ROOT/initrd"
OUT=$TEST_TMP/out

plan 5
ok "disklessd starts" tftp_start 127.0.0.1:69 "$NS"
t0=$(date +%s)
pids=
for i in $(seq "$N"); do
	case $((i % 2)) in
	0) set -- curl -sS --connect-timeout 30 -o "$OUT/o.$i" --tftp-blksize 1468 \
		tftp://127.0.0.1/initrd ;;
	1) set -- busybox tftp -b 1468 -g -r initrd -l "$OUT/o.$i" 127.0.0.1 ;;
	esac
	ip netns exec "$NS" timeout 300 "$@" >"$OUT/log.$i" 2>&1 &
	pids="$pids $!"
done
fails=0
for p in $pids; do wait "$p" || fails=$((fails + 1)); done
t1=$(date +%s)
diag "$N clients x 16 MiB with 5 % loss: $((t1 - t0)) s"
bad=0
for i in $(seq "$N"); do
	cmp -s "$ROOT/initrd" "$OUT/o.$i" || { bad=$((bad + 1)); diag "client $i: $(tail -1 "$OUT/log.$i")"; }
done
is "every client exited 0" "$fails" 0
is "every file byte-identical" "$bad" 0
# A lost final ACK keeps the server resending the last block until the
# ICMP from the closed client port, or its retries, end it: wait for every
# transfer's line, 30 s at the most.
for _ in $(seq 60); do
	[ "$(grep -c "'initrd': sent 16777216 bytes" "$DLOG")" -ge "$N" ] && break
	sleep 0.5
done
tftp_stop
like "the server logged $N finished transfers" "$(grep -c "'initrd': sent 16777216 bytes" "$DLOG")" "^$N$"
like "retransmissions happened (the loss was real)" "$(tail -1 "$DLOG")" \
	"[1-9][0-9]* retransmits"
done_testing
