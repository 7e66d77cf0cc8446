#!/usr/bin/env bash
# dhcp-compare.sh - disklessd's DHCP server against Kea (memfile, leases
# persisted) and dnsmasq in the SAME run, with Kea's perfdhcp doing full
# DORA exchanges. Needs root. perfdhcp runs in one network namespace, the
# server in another, joined by a veth pair; both are created here and deleted
# on exit, and the addresses (198.18.0.0/15, the RFC 2544 benchmarking range)
# exist only inside them.
#
# Usage: bench/dhcp-compare.sh [-n RUNS] [-p SECS] [-r "RATES"] [-R CLIENTS]
#                              [-s "SERVERS"] [-F LEASES] [-x RAW.tsv] [-b BIN]
#                              [-N NICE]
#   -n  interleaved runs (default 3): every run starts every server afresh
#       on an empty lease store for every trial, server order rotated
#   -p  seconds of load per trial (perfdhcp -p, default 5)
#   -r  offered DORA exchanges per second, new clients (default "1000 4000 8000")
#   -R  distinct simulated clients for the new-client trials (default 100000)
#   -s  servers among disklessd kea dnsmasq (default all three; disklessd
#       first: every ratio is disklessd / kea)
#   -F  leases for the memory and start-up figures (default 100000; 0: skip)
#   -x  also keep the per-trial rows (TSV) in this file
#   -b  another disklessd binary, run as server "disklessd-b" next to the
#       others (before/after a change, in the same run)
#   -N  nice value for the servers and perfdhcp alike (default 0; e.g. -10
#       on a machine busy with other work: see the generator's drops)
# Trials: new clients (pool /15 of 130k addresses, so nearly every exchange
# makes a lease) at each rate, and 500 returning clients at 8000/s.
# Per server and trial: completed exchanges/s (perfdhcp "Rate"), % of
# DISCOVERs whose exchange did not complete, server CPU µs per completed
# exchange (private cgroup, else /proc/PID/stat), RSS after the load, and
# the datagrams each namespace dropped for want of socket buffer (server /
# perfdhcp: tells the server's losses from a starved generator's).
# Printed: median [min..max] over the runs, the pairwise ratio to Kea, and
# whether the targets of issue 6 are met. Then disklessd (and Kea) are
# filled with -F leases: RSS with them, and the start-up time on that
# lease store (disklessd: exec to sd_notify READY=1; both: exec to port 67
# open; and the CPU time spent until then).
#
# Environment: DISKLESSD (default ./server/disklessd under top_builddir),
# KEA_DHCP4 (default kea-dhcp4 on PATH, else the copy scripts/install-deps
# unpacks in /var/cache/diskless-test/kea), PERFDHCP (default perfdhcp).
# Missing prerequisites: one line on stderr and exit 2.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@" # make bench runs $(SHELL)
set -u
export LC_ALL=C
RUNS=3 DUR=5 RATES="1000 4000 8000" NCLI=100000 NRET=500 RET_RATE=8000
SERVERS="disklessd kea dnsmasq" FILL=100000 RAW="" DB="" NICE=0
usage() { sed -n '9,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "n:p:r:R:s:F:x:b:N:h" o; do
	case $o in
	n) RUNS=$OPTARG ;; p) DUR=$OPTARG ;; r) RATES=$OPTARG ;; R) NCLI=$OPTARG ;;
	s) SERVERS=$OPTARG ;; F) FILL=$OPTARG ;; x) RAW=$OPTARG ;; b) DB=$OPTARG ;;
	N) NICE=$OPTARG ;; *) usage ;;
	esac
done
if [ -n "$DB" ]; then
	[ -x "$DB" ] || { echo "dhcp-compare: -b $DB: not an executable" >&2; exit 2; }
	DB=$(cd "$(dirname "$DB")" && pwd)/$(basename "$DB")
	SERVERS="$SERVERS disklessd-b"
fi
skip() { echo "dhcp-compare: not run: $*" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
D=${DISKLESSD:-${top_builddir:-$HERE/..}/server/disklessd}
KEA=${KEA_DHCP4:-$(command -v kea-dhcp4 || echo /var/cache/diskless-test/kea/usr/sbin/kea-dhcp4)}
PERF=${PERFDHCP:-$(command -v perfdhcp || echo /usr/sbin/perfdhcp)}
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, port 67)"
for c in ip ss timeout setsid python3; do
	command -v "$c" >/dev/null || skip "$c not found"
done
[ -x "$PERF" ] || skip "no perfdhcp (apt-get install kea-admin)"
for s in $SERVERS; do
	case $s in
	disklessd) [ -x "$D" ] || skip "no $D (build it, or set DISKLESSD)" ;;
	disklessd-b) ;;
	kea) [ -x "$KEA" ] || skip "no kea-dhcp4 (run scripts/install-deps, or set KEA_DHCP4)" ;;
	dnsmasq) command -v dnsmasq >/dev/null || skip "dnsmasq not found (apt-get install dnsmasq)" ;;
	*) skip "unknown server $s (disklessd kea dnsmasq)" ;;
	esac
done
D=$(cd "$(dirname "$D")" && pwd)/$(basename "$D")

SRVIP=198.18.0.1 CLIIP=198.18.0.2 PREFIX=15 MASK=255.254.0.0
POOL_START=198.18.1.0 POOL_END=198.19.255.254
NSS=dcmps$$ NSC=dcmpc$$ IFS_=dcs$$ IFC=dcc$$
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dhcp-compare.XXXXXX") || exit 1
chmod 755 "$TMP"
SPID="" TPID="" NPID="" CG=""

# ---- processes -----------------------------------------------------------
# stop_server: TERM the server (KILL after 5 s), then its timeout wrapper.
stop_server() {
	local i
	if [ -n "$SPID" ]; then
		kill -TERM "$SPID" 2>/dev/null
		for i in $(seq 50); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$SPID" 2>/dev/null
	fi
	[ -n "$TPID" ] && { kill -KILL "$TPID" 2>/dev/null; wait "$TPID" 2>/dev/null; }
	SPID="" TPID=""
}
cleanup() {
	stop_server
	[ -n "$NPID" ] && { kill "$NPID" 2>/dev/null; wait "$NPID" 2>/dev/null; }
	ip netns del "$NSS" 2>/dev/null
	ip netns del "$NSC" 2>/dev/null
	[ -n "$CG" ] && rmdir "$CG" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- CPU and memory of the server ---------------------------------------
# A private cgroup counts every thread and child at ns resolution; without
# one, /proc/PID/stat (clock ticks) does.
CG_MODE=proc
cg_init() {
	local m
	m=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	if [ -n "$m" ] && [ -w "$m" ] && mkdir "$m/dhcp-compare.$$" 2>/dev/null; then
		CG=$m/dhcp-compare.$$
		[ -e "$CG/cpu.stat" ] && { CG_MODE=v2; return; }
		rmdir "$CG"; CG=""
	fi
	m=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpuacct(,|$)/ { print $2; exit }' /proc/mounts)
	if [ -n "$m" ] && [ -w "$m" ] && mkdir "$m/dhcp-compare.$$" 2>/dev/null; then
		CG=$m/dhcp-compare.$$ CG_MODE=v1
	fi
}
cg_join() { [ -z "$CG" ] || echo "$1" > "$CG/cgroup.procs"; }
HZ=$(getconf CLK_TCK)
cpu_proc_us() { # PID: CPU of the process (all threads) so far, µs
	sed 's/.*) //' "/proc/$1/stat" |
		awk -v hz="$HZ" '{ printf "%.0f\n", ($12 + $13) * 1e6 / hz }'
}
cpu_us() { # PID: server CPU so far, µs
	case $CG_MODE in
	v2) awk '$1 == "usage_usec" { print $2 }' "$CG/cpu.stat" ;;
	v1) awk '{ printf "%.0f\n", $1 / 1000 }' "$CG/cpuacct.usage" ;;
	*) sed 's/.*) //' "/proc/$1/stat" |
		awk -v hz="$HZ" '{ printf "%.0f\n", ($12 + $13 + $14 + $15) * 1e6 / hz }' ;;
	esac
}
rss_kib() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null; }

# ---- the two namespaces ---------------------------------------------------
ip netns add "$NSS" || skip "cannot create network namespaces"
ip netns add "$NSC" || exit 1
ip link add "$IFS_" netns "$NSS" type veth peer name "$IFC" netns "$NSC" || exit 1
ip -n "$NSS" addr add "$SRVIP/$PREFIX" dev "$IFS_"
ip -n "$NSC" addr add "$CLIIP/$PREFIX" dev "$IFC"
for n in "$NSS" "$NSC"; do ip -n "$n" link set lo up; done
ip -n "$NSS" link set "$IFS_" up
ip -n "$NSC" link set "$IFC" up
cg_init

# ---- servers ----------------------------------------------------------------
# server_cmd NAME DIR: writes NAME's config into DIR (its state, fresh or
# kept) and prints the command line. Same lease time (1 h) everywhere; the
# peers as in the shared perf anchors: Kea memfile with persist and no LFC,
# raw socket, WARN logging; dnsmasq without its ping before each offer and
# with room for the whole pool. disklessd with -d logs warnings only, to
# stderr, like the peers' settings.
server_cmd() {
	local d=$2
	case $1 in
	disklessd*)
		mkdir -p "$d/state" "$d/tftp"
		cat > "$d/diskless.conf" <<-EOF
		[server]
		address = $SRVIP
		interface = $IFS_
		mode = full
		tftp-root = $d/tftp
		state-dir = $d/state
		hosts-dir = none
		control-socket = none

		[dhcp]
		netmask = $MASK
		range = $POOL_START $POOL_END
		lease-time = 3600
		EOF
		if [ "$1" = disklessd-b ]; then echo "$DB -d -c $d/diskless.conf -u nobody"
		else echo "$D -d -c $d/diskless.conf -u nobody"; fi ;;
	kea)
		cat > "$d/kea.json" <<-EOF
		{ "Dhcp4": {
		  "interfaces-config": { "interfaces": [ "$IFS_" ], "dhcp-socket-type": "raw" },
		  "lease-database": { "type": "memfile", "persist": true,
		    "name": "$d/leases.csv", "lfc-interval": 0 },
		  "valid-lifetime": 3600,
		  "subnet4": [ { "id": 1, "subnet": "198.18.0.0/$PREFIX",
		    "pools": [ { "pool": "$POOL_START - $POOL_END" } ] } ],
		  "loggers": [ { "name": "kea-dhcp4",
		    "output_options": [ { "output": "stdout" } ], "severity": "WARN" } ]
		} }
		EOF
		echo "env KEA_PIDFILE_DIR=$d KEA_LOCKFILE_DIR=$d $KEA -c $d/kea.json" ;;
	dnsmasq)
		: > "$d/dnsmasq.conf"
		echo "dnsmasq -k -C $d/dnsmasq.conf --port=0 --interface=$IFS_" \
			"--bind-interfaces --dhcp-range=$POOL_START,$POOL_END,$MASK,1h" \
			"--dhcp-lease-max=150000 --dhcp-leasefile=$d/leases --no-ping" \
			"--quiet-dhcp --pid-file=$d/dnsmasq.pid --log-facility=$d/dnsmasq.log" ;;
	esac
}

# wait67 PID: until port 67 is open in the server namespace (one shell
# polls every 5 ms), or PID is gone, or 30 s passed
wait67() {
	timeout 30 ip netns exec "$NSS" sh -c 'while kill -0 "$1" 2>/dev/null; do
		ss -Hlun | awk "{ print \$4 }" |
			grep -qE "^(\*|0\.0\.0\.0|198\.18\.0\.1)(%[^:]*)?:67\$" && exit 0
		sleep 0.005
	done; exit 1' sh "$1"
}
# udp_drops NETNS: datagrams the namespace dropped for want of socket
# buffer (Udp RcvbufErrors), so far
udp_drops() {
	ip netns exec "$1" awk '$1 == "Udp:" && !h { for (i = 2; i <= NF; i++) f[$i] = i; h = 1; next }
		$1 == "Udp:" { print $f["RcvbufErrors"] }' /proc/net/snmp
}

# start_server NAME DIR: starts it (bounded by timeout) and waits until it
# listens on port 67 and its start-up work is done. Sets SPID (the server)
# and TPID (timeout), T_EXEC (ns) and T_LISTEN (ns: when 67 was seen open).
start_server() {
	local cmd k a b
	cmd=$(server_cmd "$1" "$2")
	T_EXEC=$(date +%s%N)
	# shellcheck disable=SC2086 # cmd is a word list built above
	ip netns exec "$NSS" nice -n "$NICE" timeout 900 $cmd > "$2/server.out" 2>&1 &
	TPID=$!
	for k in $(seq 100); do
		SPID=$(cat "/proc/$TPID/task/$TPID/children" 2>/dev/null)
		SPID=${SPID%% *}
		[ -n "$SPID" ] && break
		sleep 0.02
	done
	T_LISTEN=""
	wait67 "$TPID" && T_LISTEN=$(date +%s%N)
	if [ -z "$SPID" ] || [ -z "$T_LISTEN" ]; then
		echo "dhcp-compare: $1 did not open port 67; it said:" >&2
		tail -5 "$2/server.out" >&2
		stop_server
		return 1
	fi
	cg_join "$SPID"
	# start-up work (building a pool, loading leases) done: under 10 ms of
	# CPU in 0.3 s, at most 30 s
	a=$(cpu_us "$SPID")
	for k in $(seq 100); do
		sleep 0.3
		b=$(cpu_us "$SPID")
		[ $((b - a)) -lt 10000 ] && break
		a=$b
	done
}

# perf DIR RATE CLIENTS [ARGS]: perfdhcp full DORA; output in DIR/perf.out
perf() {
	local d=$1 r=$2 c=$3
	shift 3
	timeout $((DUR + 60)) ip netns exec "$NSC" nice -n "$NICE" "$PERF" -4 -l "$IFC" -B -s 42 \
		-r "$r" -R "$c" "$@" > "$d/perf.out" 2>&1
}
# perf_row: rate do_sent do_recv ra_sent ra_recv from DIR/perf.out
perf_row() {
	awk '/^Rate:/ { rate = $2 }
	     /Statistics for: DISCOVER-OFFER/ { s = 1 } /Statistics for: REQUEST-ACK/ { s = 2 }
	     /^sent packets:/ { sent[s] = $3 } /^received packets:/ { recv[s] = $3 }
	     END { printf "%s\t%d\t%d\t%d\t%d\n", rate == "" ? 0 : rate, sent[1], recv[1], sent[2], recv[2] }' \
		"$1/perf.out"
}

RAWF=$TMP/raw.tsv
printf 'run\ttrial\tserver\trate\tdora_per_s\tdo_sent\tdo_recv\tra_sent\tra_recv\tcpu_us\trss_kib\tsrv_rcvbuf_drops\tcli_rcvbuf_drops\n' > "$RAWF"
# trial RUN KIND NAME RATE CLIENTS
trial() {
	local d c0 c1 rss s0 s1 k0 k1
	d=$(mktemp -d "$TMP/s.XXXXXX") && chmod 755 "$d" || return 1
	start_server "$3" "$d" || { rm -rf "$d"; return 1; }
	s0=$(udp_drops "$NSS") k0=$(udp_drops "$NSC")
	c0=$(cpu_us "$SPID")
	perf "$d" "$4" "$5" -p "$DUR"
	c1=$(cpu_us "$SPID")
	s1=$(udp_drops "$NSS") k1=$(udp_drops "$NSC")
	rss=$(rss_kib "$SPID")
	stop_server
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$(perf_row "$d")" \
		"$((c1 - c0))" "${rss:-0}" "$((s1 - s0))" "$((k1 - k0))" >> "$RAWF"
	rm -rf "$d"
}

read -ra SV <<< "$SERVERS"
has() { case " $SERVERS " in *" $1 "*) return 0 ;; esac; return 1; }
NSV=${#SV[@]}
echo "# dhcp-compare: ${SV[*]}; $RUNS runs x ${DUR} s; new clients ($NCLI) at $RATES/s," \
	"$NRET returning clients at $RET_RATE/s; pool /$PREFIX; cpu from $CG_MODE; nice $NICE"
for run in $(seq "$RUNS"); do
	for t in $(for r in $RATES; do echo "new:$r"; done) "ret:$RET_RATE"; do
		for j in $(seq 0 $((NSV - 1))); do
			s=${SV[$(((j + run - 1) % NSV))]}
			case $t in
			new:*) trial "$run" new "$s" "${t#new:}" "$NCLI" ;;
			ret:*) trial "$run" returning "$s" "${t#ret:}" "$NRET" ;;
			esac
		done
	done
done
[ -n "$RAW" ] && cp "$RAWF" "$RAW"

# ---- report ---------------------------------------------------------------
# stats PREC: "median [min..max]" of the numbers on stdin
stats() {
	sort -g | awk -v p="$1" '{ a[NR] = $1 } END {
		if (NR == 0) { print "NA"; exit }
		m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		f = "%." p "f"; printf f " [" f ".." f "]\n", m, a[1], a[NR] }'
}
median() { stats "$1" | awk '{ print $1 }'; }
# col TRIAL SERVER RATE EXPR: EXPR over the trial's rows (awk, fields as in
# the TSV header), one value per run
col() {
	awk -F'\t' -v t="$1" -v s="$2" -v r="$3" "\$2 == t && \$3 == s && \$4 == r { print ($4) }" "$RAWF"
}
UNANS='$6 > 0 ? 100 * (1 - $9 / $6) : 100'
CPUX='$9 > 0 ? $10 / $9 : 0'
# ratio TRIAL RATE EXPR [OTHER]: disklessd / OTHER (default kea) per run
ratio() {
	awk -F'\t' -v t="$1" -v r="$2" -v o="${4:-kea}" "\$2 == t && \$4 == r && \$3 == \"disklessd\" { a[\$1] = ($3) }
		\$2 == t && \$4 == r && \$3 == o { b[\$1] = ($3) }
		END { for (k in a) if ((k in b) && b[k] > 0) print a[k] / b[k] }" "$RAWF"
}
report() { # TRIAL RATE CLIENTS
	local s rate un cpu rss dr
	for s in "${SV[@]}"; do
		rate=$(col "$1" "$s" "$2" '$5' | stats 0)
		[ "$rate" = NA ] && { echo "dhcp $1 server=$s offered=$2/s: no trial completed"; continue; }
		un=$(col "$1" "$s" "$2" "$UNANS" | stats 1)
		cpu=$(col "$1" "$s" "$2" "$CPUX" | stats 0)
		rss=$(col "$1" "$s" "$2" '$11 / 1024' | stats 1)
		dr=$(col "$1" "$s" "$2" '$12 "/" $13' | tr '\n' ' ')
		printf 'dhcp %s clients=%s server=%s offered=%s/s exchanges/s=%s unanswered_%%=%s cpu_us/exchange=%s rss_MiB=%s udp_buffer_drops_server/perfdhcp=%s\n' \
			"$1" "$3" "$s" "$2" "$rate" "$un" "$cpu" "$rss" "${dr% }"
	done
	has disklessd && has kea &&
		printf 'dhcp %s offered=%s/s disklessd/kea: cpu_per_exchange=x%s exchanges_per_s=x%s\n' \
			"$1" "$2" "$(ratio "$1" "$2" "$CPUX" | stats 2)" "$(ratio "$1" "$2" '$5' | stats 2)"
	has disklessd-b &&
		printf 'dhcp %s offered=%s/s disklessd/disklessd-b: cpu_per_exchange=x%s exchanges_per_s=x%s\n' \
			"$1" "$2" "$(ratio "$1" "$2" "$CPUX" disklessd-b | stats 2)" \
			"$(ratio "$1" "$2" '$5' disklessd-b | stats 2)"
}
for r in $RATES; do report new "$r" "$NCLI"; done
report returning "$RET_RATE" "$NRET"

# ---- targets (issue 6) ----------------------------------------------------
verdict() { if awk "BEGIN { exit !($1) }"; then echo met; else echo "NOT met"; fi; }
case " $RATES " in *" 8000 "*)
	if has disklessd; then
		u=$(col new disklessd 8000 "$UNANS" | median 2)
		[ "$u" = NA ] || echo "target: new clients at 8000/s, at most 1 % unanswered:" \
			"disklessd $u % -> $(verdict "$u <= 1")"
	fi
	if has disklessd && has kea; then
		x=$(ratio new 8000 "$CPUX" | median 2)
		[ "$x" = NA ] || echo "target: CPU per completed exchange at most 0.5x Kea memfile's" \
			"(leases fdatasync'd in batches before the ACK leaves): x$x -> $(verdict "$x <= 0.5")"
	fi ;;
esac

# ---- memory and start-up with FILL leases -------------------------------
# Fill with perfdhcp at 4000/s from a space of 20 x FILL MACs, so nearly
# every exchange is a new client, until the store holds FILL leases; stop
# (TERM), then start again on the same lease store three times. Start-up
# is given as wall time (inflated on a busy machine: every process there
# waits for a CPU) and as the CPU time the server spent getting there.
[ "$FILL" -gt 0 ] || exit 0
NOTIFY=$TMP/notify.sock
# ready_wait: prints the wall-clock ns at which READY=1 arrives on $NOTIFY
cat > "$TMP/notify.py" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(float(sys.argv[2]))
open(sys.argv[1] + ".up", "w").close()
try:
    while b"READY=1" not in s.recv(4096):
        pass
    print(time.time_ns())
except socket.timeout:
    print("timeout")
EOF
leases_of() { # NAME DIR: leases in its store (disklessd: exact after a restart)
	case $1 in
	disklessd*) echo $((($(stat -c %s "$2/state/leases" 2>/dev/null || echo 16) - 16) / 32)) ;;
	kea) awk -F, 'NR > 1 { n[$1] = 1 } END { print length(n) }' "$2/leases.csv" ;;
	esac
}
fill_report() { # NAME
	local d rss0 rss1 rss2 n starts ready k t_ready scpu
	d=$(mktemp -d "$TMP/f.XXXXXX") && chmod 755 "$d" || return 1
	start_server "$1" "$d" || return 1
	rss0=$(rss_kib "$SPID")
	# rounds until FILL leases (at most 8); each its own MAC prefix, as the
	# seed alone (-s) repeats most MACs of the round before
	for k in 1 2 3 4 5 6 7 8; do
		n=$(leases_of "$1" "$d")
		echo "# fill $1: $n leases after $((k - 1)) round(s)" >&2
		[ "$n" -ge "$FILL" ] && break
		timeout 300 ip netns exec "$NSC" "$PERF" -4 -l "$IFC" -B -s "$k" -r 4000 \
			-b "mac=02:0$k:00:00:00:00" -R $((FILL * 20)) -n $(((FILL - n) * 11 / 10)) > "$d/perf.out" 2>&1
	done
	rss1=$(rss_kib "$SPID")
	stop_server
	starts="" ready="" scpu=""
	for k in 1 2 3; do
		rm -f "$NOTIFY" "$NOTIFY.up"
		if [ "${1%-b}" = disklessd ]; then
			timeout 120 python3 "$TMP/notify.py" "$NOTIFY" 100 > "$TMP/ready" &
			NPID=$!
			while ! [ -e "$NOTIFY.up" ] && kill -0 "$NPID" 2>/dev/null; do sleep 0.01; done
			NOTIFY_SOCKET=$NOTIFY start_server "$1" "$d" ||
				{ kill "$NPID"; wait "$NPID"; NPID=""; return 1; }
			wait "$NPID"; NPID=""
			t_ready=$(cat "$TMP/ready")
			[ "$t_ready" = timeout ] || ready+=" $(((t_ready - T_EXEC) / 1000000))"
		else
			start_server "$1" "$d" || return 1
		fi
		starts+=" $(((T_LISTEN - T_EXEC) / 1000000))"
		scpu+=" $(($(cpu_proc_us "$SPID") / 1000))"
		rss2=$(rss_kib "$SPID")
		stop_server
	done
	n=$(leases_of "$1" "$d")
	printf 'dhcp fill server=%s leases=%s rss_MiB: empty=%.1f after_perfdhcp=%.1f after_restart=%.1f;' \
		"$1" "$n" "$(echo "$rss0" | awk '{ print $1 / 1024 }')" \
		"$(echo "$rss1" | awk '{ print $1 / 1024 }')" "$(echo "$rss2" | awk '{ print $1 / 1024 }')"
	printf ' per_100k_leases_MiB=%.1f (restart - empty)' \
		"$(awk -v a="$rss2" -v b="$rss0" -v n="$n" 'BEGIN { print (n > 0 ? (a - b) / 1024 * 100000 / n : 0) }')"
	printf ' start_ms: exec_to_port67=%s' "$(echo "$starts" | tr ' ' '\n' | grep . | stats 0)"
	[ -n "$ready" ] && printf ' exec_to_READY=%s' "$(echo "$ready" | tr ' ' '\n' | grep . | stats 0)"
	printf ' start_cpu_ms=%s' "$(echo "$scpu" | tr ' ' '\n' | grep . | stats 0)"
	echo
	rm -rf "$d"
}
for s in disklessd disklessd-b kea; do
	has "$s" && fill_report "$s"
done
exit 0
