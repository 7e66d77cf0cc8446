#!/usr/bin/env bash
# tftp-compare.sh - disklessd's TFTP server against dnsmasq, tftpd-hpa and
# atftpd in the SAME run, through the peers' interleaved benchmark
# (tftp-bench.sh from the shared bench-peers; every transfer checked with cmp,
# server CPU from a private cgroup). Loopback only (127.0.0.x). Needs root.
#
# Usage: bench/tftp-compare.sh [lockstep|window|storm|rollover|split|all] [RUNS]
#   lockstep  8 MiB, blksize 512 1468 8192 65464, clients atftp curl busybox
#             tftp-hpa, pinned to one CPU (-C 1) as in perf-anchors §1a
#   window    8 MiB, blksize 1468, windowsize 1 8 16, atftp, pinned
#   rollover  64 MiB at 512-byte blocks (the block number wraps twice)
#   storm     64 clients x 16 MiB at once, curl blksize 1468, not pinned
#   split     the same storm, once per server per run, with the machine's
#             CPU split into the clients', the server's and the rest
#             (cgroup v2). The storm keeps both CPUs busy, so its wall
#             time is their sum over 2; "floor" is the wall ratio to the
#             fastest peer that a server using no CPU at all would reach
#             with the clients' and the rest's CPU as measured with ours.
#
# After the runs, each target of issue 5 is judged from the same run and
# printed as "target ... met" or "NOT MET" with the ratio: lock-step MiB/s
# >= 1.0x the fastest peer and server CPU per MiB <= 0.8x the lowest peer,
# per client and blksize; windowed MiB/s >= 1.3x atftpd's at the same
# window and never below our own lock-step; storm wall time <= 0.8x the
# fastest peer with no failed transfer.
#
# Environment: DISKLESSD (our binary, default ./server/disklessd),
# DISKLESSD_BEFORE (optional: a second build, e.g. of the last commit, run
# as "disklessd-before" in the same run and judged the same way, so a
# change is measured against the peers and its predecessor at once),
# BENCH_PEERS (folder of tftp-bench.sh, default /work/shared/bench-peers),
# PEER_BIN (folder holding in.tftpd and atftpd; default: PATH). tftpd-hpa
# and atftpd conflict as packages and start daemons, so take the binaries:
#   apt-get download tftpd-hpa atftpd && dpkg -x tftpd-hpa_*.deb x &&
#   dpkg -x atftpd_*.deb x && PEER_BIN=$PWD/x/usr/sbin
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # make bench runs $(SHELL)
set -eu
MODE=${1:-all} RUNS=${2:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
D=${DISKLESSD:-${top_builddir:-$HERE/..}/server/disklessd}
[ -d "$(dirname "$D")" ] && D=$(cd "$(dirname "$D")" && pwd)/$(basename "$D")
BP=${BENCH_PEERS:-/work/shared/bench-peers}
PB=${PEER_BIN:-}
# Missing pieces skip the benchmark (exit 0): `make bench` runs them all.
skip() { echo "tftp-compare: skipped: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root (cgroup CPU accounting, port 69 for the peers)"
[ -x "$BP/tftp-bench.sh" ] || skip "no $BP/tftp-bench.sh (set BENCH_PEERS)"
[ -x "$D" ] || skip "no $D (build it, or set DISKLESSD)"
INTFTPD=${PB:+$PB/}in.tftpd ATFTPD=${PB:+$PB/}atftpd
for c in dnsmasq "$INTFTPD" "$ATFTPD" atftp curl busybox tftp; do
	command -v "$c" >/dev/null || skip "$c not found (see PEER_BIN above)"
done

CONF=$(mktemp -d "${TMPDIR:-/tmp}/tftp-compare.XXXXXX")
trap 'rm -rf "$CONF"' EXIT
chmod 755 "$CONF"
# The site needs an address and a root; --listen and --tftp-root override
# both. The limits are opened wide: every bench client comes from 127.0.0.1.
mkdir "$CONF/root"
cat > "$CONF/diskless.conf" <<CONFEOF
[server]
address = 192.0.2.1
mode = proxy
control-socket = none
tftp-root = $CONF/root

[tftp]
max-transfers = 1024
client-rate = 100000
CONFEOF

S_MINE="disklessd=$D -d -c $CONF/diskless.conf --tftp-only -u nobody --listen {ADDR}:{PORT} --tftp-root {ROOT}"
S_BEFORE=()
[ -n "${DISKLESSD_BEFORE:-}" ] && S_BEFORE=(-s "disklessd-before=$DISKLESSD_BEFORE -d -c $CONF/diskless.conf --tftp-only -u nobody --listen {ADDR}:{PORT} --tftp-root {ROOT}")
S_DNSMASQ='dnsmasq=dnsmasq -k -C /dev/null --port=0 --enable-tftp --tftp-root={ROOT} --listen-address={ADDR} --bind-interfaces --quiet-tftp --pid-file= --log-facility=/dev/null --tftp-max=1024'
S_HPA="tftpd-hpa=$INTFTPD -L -a {ADDR}:{PORT} -s {ROOT}"
S_ATFTPD="atftpd=$ATFTPD --daemon --no-fork --port {PORT} --bind-address {ADDR} --logfile /dev/null --maxthread 1024 {ROOT}"
C_ATFTP='atftp=atftp --option "blksize {BS}" --option "windowsize {WS}" -g -r {FILE} -l {OUT} {ADDR} {PORT}'
C_CURL='curl=curl -sS -o {OUT} --tftp-blksize {BS} tftp://{ADDR}:{PORT}/{FILE}'
C_BB='busybox=busybox tftp -b {BS} -g -r {FILE} -l {OUT} {ADDR} {PORT}'
C_HPA='tftp-hpa=tftp -m binary {ADDR} {PORT} -c get {FILE} {OUT}'
B=("$BP/tftp-bench.sh" -s "$S_MINE" "${S_BEFORE[@]}" -s "$S_DNSMASQ" -s "$S_HPA" -s "$S_ATFTPD" -n "$RUNS")

RES=$CONF/results
run() { echo "## $*"; "${B[@]}" "$@" | tee -a "$RES"; }

# judge: reads the summary lines of every run, prints one line per target
# and per build of ours (names starting with "disklessd"); peers are the rest.
judge() {
	[ -s "$RES" ] || return 0
	echo "## targets (issue 5), from this run"
	awk '
	function f(k,   i, a) { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) {
		split($i, a, "="); return a[2] } return "" }
	function say(what, r, ok) { printf "target %-58s %6.2fx  %s\n", what, r, ok ? "met" : "NOT MET" }
	/^tftp server=/ {
		s = f("server"); c = f("client"); bs = f("bs"); ws = f("ws"); j = f("conc")
		m = f("MiB/s"); w = f("wall_s"); cpu = f("srv_cpu_ms/MiB"); split(f("fail"), fl, "/")
		k = c SUBSEP bs SUBSEP ws SUBSEP j
		cell[k] = 1; M[s, k] = m; W[s, k] = w; CPU[s, k] = cpu; FAIL[s, k] = fl[1]
		if (s ~ /^disklessd/) ours[s] = 1; else peer[s] = 1
	}
	END {
		for (k in cell) {
			split(k, p, SUBSEP); c = p[1]; bs = p[2]; ws = p[3]; j = p[4]
			best = 0; low = 0; fastw = 0
			for (q in peer) if ((q, k) in M) {
				if (M[q, k] > best) best = M[q, k]
				if (low == 0 || CPU[q, k] < low) low = CPU[q, k]
				if (fastw == 0 || W[q, k] < fastw) fastw = W[q, k]
			}
			if (best == 0 || low == 0 || fastw == 0)
				continue # no peer in this cell
			for (o in ours) if ((o, k) in M) {
				tag = o " " c " bs " bs
				if (j > 1) {
					say(tag " storm x" j ": wall <= 0.8x fastest peer", W[o, k] / fastw,
						W[o, k] <= 0.8 * fastw)
					if (W[o, k] > 0.8 * fastw)
						print "  (where the storm'"'"'s CPU goes: bench/tftp-compare.sh split)"
					say(tag " storm x" j ": no failed transfer (" FAIL[o, k] ")", 1,
						FAIL[o, k] == 0)
				} else if (ws == 1) {
					say(tag ": MiB/s >= 1.0x fastest peer", M[o, k] / best, M[o, k] >= best)
					say(tag ": CPU/MiB <= 0.8x lowest peer", CPU[o, k] / low,
						CPU[o, k] <= 0.8 * low)
				} else {
					a = M["atftpd", k]
					if (a > 0)
						say(tag " ws " ws ": MiB/s >= 1.3x atftpd", M[o, k] / a,
							M[o, k] >= 1.3 * a)
					l = (c SUBSEP bs SUBSEP 1 SUBSEP j)
					if ((o, l) in M)
						say(tag " ws " ws ": not below our lock-step",
							M[o, k] / M[o, l], M[o, k] >= M[o, l])
				}
			}
		}
	}' "$RES" | sort
}

# split: see the usage above. One storm: server $1 (a spec as for the
# shared bench) on 127.0.0.$2; its CPU, the 64 clients' and the machine's.
# Helpers (cgroups, start/stop, wait_udp, subst) from the shared lib-bench.sh.
split_one() {
	local name=${1%%=*} cmd a=127.0.0.$2 k t0 t1 b0 b1 c0 s0 f=0 pids=()
	cmd=$(subst "${1#*=}" ROOT="$CONF/root" ADDR="$a" PORT=69)
	start_bg /dev/null sh -c "exec $cmd"
	cg_add s "$BG_PID"
	wait_udp "$a" 69 10 || f=64
	c0=$(cpu_ns c) s0=$(cpu_ns s "$BG_PID")
	t0=$(now_ns); b0=$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat)
	for k in $(seq 64); do
		# joins the clients' cgroup before it execs curl
		sh -c "echo \$\$ > $CG_BASE/c/cgroup.procs && exec timeout 300 curl -sS -o $CONF/o.$k --tftp-blksize 1468 tftp://$a:69/f16" &
		pids+=($!)
	done
	for k in "${!pids[@]}"; do
		wait "${pids[$k]}" && cmp -s "$CONF/o.$((k + 1))" "$CONF/root/f16" || f=$((f + 1))
	done
	t1=$(now_ns); b1=$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat)
	# name, then ms of wall, clients, server, busy (USER_HZ ticks); failed
	printf '%s %s %s %s %s %s\n' "$name" "$(( (t1 - t0) / 1000000 ))" \
		"$(( ($(cpu_ns c) - c0) / 1000000 ))" "$(( ($(cpu_ns s "$BG_PID") - s0) / 1000000 ))" \
		"$(( (b1 - b0) * 1000 / $(getconf CLK_TCK) ))" "$f"
	stop_pid "$BG_PID" || true # (its kills fail once the group is gone)
	rm -f "$CONF"/o.*
}
split() {
	local i specs=("$S_MINE")
	[ ${#S_BEFORE[@]} -eq 0 ] || specs+=("${S_BEFORE[1]}")
	specs+=("$S_DNSMASQ" "$S_HPA" "$S_ATFTPD")
	# shellcheck source=/dev/null
	. "$BP/lib-bench.sh"
	cg_init
	trap 'cg_cleanup; rm -rf "$CONF"' EXIT
	[ "$CG_MODE" = v2 ] || skip "split needs a writable cgroup v2 (the clients' CPU)"
	mkdir "$CG_BASE/s" "$CG_BASE/c"
	head -c 16777216 /dev/urandom > "$CONF/root/f16"
	chmod 644 "$CONF/root/f16"
	echo "## split: 64 curl x 16 MiB at 1468, $RUNS runs; ms of wall and of CPU"
	for _ in $(seq "$RUNS"); do
		for i in "${!specs[@]}"; do
			split_one "${specs[$i]}" $((40 + i))
		done
	done | tee "$CONF/split" | awk '{ printf "run %-17s wall %6d clients %6d server %6d rest %5d busy %6d failed %d\n", $1, $2, $3, $4, $5 - $3 - $4, $5, $6 }'
	awk '
	function med(k,   n, i, j, t, v) { n = N[k]; for (i = 1; i <= n; i++) v[i] = X[k, i]
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
	function add(k, x) { X[k, ++N[k]] = x }
	{ s[$1] = 1; add($1 SUBSEP "w", $2); add($1 SUBSEP "c", $3); add($1 SUBSEP "s", $4)
	  add($1 SUBSEP "r", $5 - $3 - $4); add($1 SUBSEP "b", $5); F[$1] += $6 }
	END {
		for (q in s) if (q !~ /^disklessd/ && (fast == "" || med(q SUBSEP "w") < med(fast SUBSEP "w"))) fast = q
		for (q in s) printf "split server=%s wall_s=%.2f clients_s=%.2f server_s=%.2f rest_s=%.2f busy_s=%.2f clients_share=%.2f failed=%d\n",
			q, med(q SUBSEP "w") / 1000, med(q SUBSEP "c") / 1000, med(q SUBSEP "s") / 1000,
			med(q SUBSEP "r") / 1000, med(q SUBSEP "b") / 1000, med(q SUBSEP "c") / med(q SUBSEP "b"), F[q]
		if (fast == "") exit
		for (q in s) if (q ~ /^disklessd/)
			printf "split %s: wall %.2fx %s; server CPU %.2fx; clients CPU %.2fx; floor (server at 0 CPU) %.2fx\n", q,
				med(q SUBSEP "w") / med(fast SUBSEP "w"), fast, med(q SUBSEP "s") / med(fast SUBSEP "s"),
				med(q SUBSEP "c") / med(fast SUBSEP "c"),
				(med(q SUBSEP "c") + med(q SUBSEP "r")) / med(fast SUBSEP "b")
	}' "$CONF/split" | sort
}

case $MODE in
split)
	split; exit 0 ;;
lockstep|all)
	run -C 1 -f 8 -b "512 1468 8192 65464" -c "$C_ATFTP" -c "$C_CURL" -c "$C_BB" -c "$C_HPA" ;;&
window|all)
	run -C 1 -f 8 -b 1468 -w "1 8 16" -c "$C_ATFTP" ;;&
rollover|all)
	run -C 1 -f 64 -b 512 -c "$C_HPA" -c "$C_CURL" ;;&
storm|all)
	run -f 16 -b 1468 -j 64 -c "$C_CURL" ;;
lockstep|window|rollover) ;;
*) sed -n '2,30p' "$0"; exit 2 ;;
esac
judge
