#!/bin/sh
# t-status.sh: `diskless status` against a running disklessd (full mode,
# sandboxed, as the user 'daemon') in a network namespace while a scripted
# client boots: busybox udhcpc gets its lease (dhcp-offer, dhcp-ack), a
# Python TFTP client fetches a file and stalls half way (tftp, in progress
# with bytes and size, then marked stalled), resumes (tftp-done), tftp-hpa
# fetches a file and asks for a missing one (tftp-failed). Each stage is
# seen live, in order, and the history keeps the order; the table names the
# host, MAC, address and image. The socket is 0660 root:daemon in a 0750
# folder: a member of the group reads it, another user is refused. A second
# server leaves the live socket alone; once the server stops, a stale
# socket gives "Connection refused" and a restart replaces it.
. "${top_srcdir:?}/tests/lib.sh" || exit 1

need_root
need_cmd ip timeout busybox tftp jq python3 setpriv stat
busybox udhcpc --help >/dev/null 2>&1 || skip_all "busybox has no udhcpc applet"
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
SVC_GID=$(id -g daemon 2>/dev/null) || skip_all "no user 'daemon' to run disklessd as"

NS_S=dlss$$
NS_C=dlsc$$
IF_S=vss$$
IF_C=vsc$$
ip netns add "$NS_S" 2>/dev/null || skip_all "cannot create network namespaces"
at_exit "ip netns del $NS_S"
ip netns add "$NS_C" || exit 1
at_exit "ip netns del $NS_C"
ip link add "$IF_S" netns "$NS_S" type veth peer name "$IF_C" netns "$NS_C" || exit 1
ip -n "$NS_S" addr add 10.82.0.1/24 dev "$IF_S"
for ns in "$NS_S" "$NS_C"; do ip -n "$ns" link set lo up; done
ip -n "$NS_S" link set "$IF_S" up
MAC=02:82:00:00:00:11
ip -n "$NS_C" link set dev "$IF_C" address "$MAC"
ip -n "$NS_C" link set "$IF_C" up

T=$TEST_TMP
CONF=$T/diskless.conf
DLOG=$T/disklessd.log
SOCK=$T/run/disklessd.sock
mkdir -p "$T/tftp/lab" "$T/state" "$T/images/lab" "$T/out"
chmod 755 "$T" "$T/tftp" "$T/tftp/lab" "$T/images" "$T/images/lab"
head -c 1048576 /dev/urandom > "$T/tftp/lab/vmlinuz"
head -c 2097152 /dev/urandom > "$T/tftp/big.img"
chmod 644 "$T/tftp/lab/vmlinuz" "$T/tftp/big.img"
BIG_SIZE=2097152
cat > "$CONF" <<CONF
[server]
address = 10.82.0.1
interface = $IF_S
mode = full
tftp-root = $T/tftp
state-dir = $T/state
hosts-dir = none
control-socket = $SOCK

[dhcp]
netmask = 255.255.255.0
range = 10.82.0.100 10.82.0.150

[image lab]
root = $T/images/lab

[host pc01]
mac = $MAC
address = 10.82.0.11
image = lab
CONF
chmod 644 "$CONF"
# the client as other users run it: a copy they can reach
cp "$DISKLESS" "$T/diskless" && chmod 755 "$T/diskless"

# dstart N: disklessd in the server namespace; waits for its Nth start
dstart() {
	ip netns exec "$NS_S" env ASAN_OPTIONS="$DAEMON_ASAN_OPTIONS" \
		timeout 300 "$DISKLESSD" -d -v -c "$CONF" -u daemon >>"$DLOG" 2>&1 &
	TPID=$!
	at_exit "kill $TPID 2>/dev/null; wait $TPID 2>/dev/null"
	daemon_wait "$TPID" "$DLOG" 'control: status on' "$1"
}

st() { "$DISKLESS" status -s "$SOCK" "$@"; }
# q JQ: a query on this client's entry in the JSON status
q() { st --json | jq -r --arg mac "$MAC" ".clients[] | select(.mac == \$mac) | $1"; }
# wait_stage STAGE: polls until the client's stage is STAGE (10 s)
wait_stage() {
	for _i in $(seq 100); do
		[ "$(q .stage 2>/dev/null)" = "$1" ] && return 0
		sleep 0.1
	done
	echo "stage: $(q .stage 2>&1), want $1"
	return 1
}

plan 41

ok "disklessd starts (full mode, sandboxed, as daemon)" dstart 1
is "socket: 0660 root:daemon" "$(stat -c '%a %U %G' "$SOCK")" "660 root daemon"
is "its folder: 0750 root:daemon" "$(stat -c '%a %U %G' "$T/run")" "750 root daemon"
is "no client yet: empty list" "$(st --json | jq '.clients | length')" 0
like "the table has its header" "$(st)" "^HOST +MAC +ADDRESS +IMAGE +STAGE +SINCE$"

# --- DHCP: busybox udhcpc as a BIOS PXE client
cat > "$T/udhcpc.script" <<'EOF'
#!/bin/sh
[ "$1" = bound ] && echo "$ip" > "$UDHCPC_OUT"
exit 0
EOF
chmod 755 "$T/udhcpc.script"
UDHCPC_OUT=$T/out/lease ip netns exec "$NS_C" timeout 20 busybox udhcpc -i "$IF_C" \
	-n -q -t 5 -T 1 -s "$T/udhcpc.script" -V PXEClient:Arch:00000:UNDI:002001 \
	-x 0x5d:0000 >"$T/out/udhcpc.log" 2>&1
is "udhcpc: bound to the host's address" "$(cat "$T/out/lease" 2>/dev/null)" 10.82.0.11
is "stage: dhcp-ack" "$(q .stage)" dhcp-ack
is "... host, address, image" "$(q '[.host, .address, .image] | join(" ")')" \
	"pc01 10.82.0.11 lab"
is "... offer then ack" "$(q '[.history[].stage] | join(" ")')" "dhcp-offer dhcp-ack"
is "... the boot file offered" "$(q .file)" pxelinux.0
ip -n "$NS_C" addr add 10.82.0.11/24 dev "$IF_C"

# --- TFTP: a client that stalls after 42 blocks until told to go on
cat > "$T/tftpc.py" <<'EOF'
import os, socket, struct, sys, time
srv, name, out, mark, go = sys.argv[1:6]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.82.0.11", 0))
s.settimeout(10)
s.sendto(b"\0\1" + name.encode() + b"\0octet\0", (srv, 69))
data, expect, peer = bytearray(), 1, None
while True:
    pkt, addr = s.recvfrom(65536)
    peer = peer or addr
    op, blk = struct.unpack("!HH", pkt[:4])
    if op == 5:
        sys.exit("error: " + pkt[4:-1].decode(errors="replace"))
    if op != 3 or addr != peer:
        continue
    if blk != expect & 0xffff:  # a resent block: say again what we have
        s.sendto(struct.pack("!HH", 4, (expect - 1) & 0xffff), peer)
        continue
    if expect == 40:  # past a second: the server records this progress
        time.sleep(1.2)
    if expect == 42:  # stall, block 42 unacknowledged, until told to go
        open(mark, "w").close()
        while not os.path.exists(go):
            time.sleep(0.05)
    data += pkt[4:]
    s.sendto(struct.pack("!HH", 4, blk), peer)
    if len(pkt) - 4 < 512:
        break
    expect += 1
open(out, "wb").write(data)
EOF
ip netns exec "$NS_C" timeout 60 python3 "$T/tftpc.py" 10.82.0.1 big.img \
	"$T/out/big.img" "$T/out/stalled" "$T/out/go" >"$T/out/tftpc.log" 2>&1 &
CPID=$!
at_exit "kill $CPID 2>/dev/null; wait $CPID 2>/dev/null"
for _i in $(seq 100); do [ -e "$T/out/stalled" ] && break; sleep 0.1; done
ok "the scripted client stalls half way" test -e "$T/out/stalled"
is "stage: tftp (in progress)" "$(q .stage)" tftp
is "... the file and its size" "$(q '[.file, .size] | join(" ")')" "big.img $BIG_SIZE"
is "... the bytes acknowledged a second in" "$(q .bytes)" 20480
like "... a rate" "$(q .rate)" "^[1-9][0-9]*$"
like "table: in progress, in KiB of MiB" "$(st)" \
	"pc01 +$MAC +10\.82\.0\.11 +lab +tftp big\.img 0\.0/2\.0 MiB .*/s +[0-9]+s ago"
for _i in $(seq 60); do st | grep -q stalled && break; sleep 0.1; done
like "table: no progress for 3 s shows as stalled" "$(st)" "tftp big\.img .*, stalled [3-9]s"
touch "$T/out/go"
wait "$CPID"
is "the client resumes and finishes" "$?" 0
ok "... with the whole file" cmp "$T/tftp/big.img" "$T/out/big.img"
ok "stage: tftp-done" wait_stage tftp-done
is "... all bytes" "$(q '[.bytes, .size] | join(" ")')" "$BIG_SIZE $BIG_SIZE"

# --- tftp-hpa: a file, then one that does not exist
ok "tftp-hpa fetches lab/vmlinuz" ip netns exec "$NS_C" timeout 20 \
	tftp 10.82.0.1 -m binary -c get lab/vmlinuz "$T/out/vmlinuz"
is "stage: tftp-done lab/vmlinuz" "$(q '[.stage, .file, .bytes] | join(" ")')" \
	"tftp-done lab/vmlinuz 1048576"
ip netns exec "$NS_C" timeout 20 tftp 10.82.0.1 -m binary -c get nosuchfile \
	"$T/out/nosuchfile" >/dev/null 2>&1
is "stage: tftp-failed, and why" "$(q '[.stage, .file, .detail] | join(" ")')" \
	"tftp-failed nosuchfile no such file"
is "history: every stage in order" "$(q '[.history[].stage] | join(" ")')" \
	"dhcp-offer dhcp-ack tftp tftp-done tftp tftp-done tftp-failed"
out=$(st)
like "table: host, MAC, address, image, stage, since" "$out" \
	"^pc01 +$MAC +10\.82\.0\.11 +lab +tftp failed nosuchfile: no such file +[0-9]+s ago$"
is "table: one client" "$(printf '%s\n' "$out" | wc -l)" 2
out=$(st --watch=1 --count 2)
is "--watch --count 2: two frames" "$(printf '%s\n' "$out" | grep -c '^disklessd status at')" 2
is "--json --watch: one document per frame" \
	"$(st --json --watch=1 --count 2 | jq -s 'length')" 2

# --- who may read it
is_exit 1 "another user is refused" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$T/diskless" status -s "$SOCK"
like "... by the file mode, with what to do" "$(cat "$TEST_TMP/.out")" \
	"^diskless: status: cannot connect to $SOCK: Permission denied \(run as root or as a member of the socket's group\)$"
ok "a member of the socket's group reads it" \
	setpriv --reuid=65534 --regid="$SVC_GID" --clear-groups "$T/diskless" status -s "$SOCK"
like "... the same table" "$(cat "$TEST_TMP/.out")" "^pc01 "
ok "the sandboxed server survived every reader (accept4 allowed)" kill -0 "$DPID"

# --- a second server leaves the live socket alone
ip netns exec "$NS_S" env ASAN_OPTIONS="$DAEMON_ASAN_OPTIONS" timeout 10 \
	"$DISKLESSD" -d -v -c "$CONF" -u daemon --tftp-only --listen 10.82.0.1:6969 \
	>"$T/second.log" 2>&1 &
SPID=$!
for _i in $(seq 50); do grep -q "control socket" "$T/second.log" && break; sleep 0.1; done
like "a second server: the socket is another's, it runs without" "$(cat "$T/second.log")" \
	"control socket $SOCK: diskless status will not work \(another disklessd answers there"
kill "$SPID" 2>/dev/null
wait "$SPID" 2>/dev/null
is "... and the first still answers" "$(q .stage)" tftp-failed

kill "$DPID"
wait "$TPID"
is "SIGTERM: exit status 0" "$?" 0
is_exit 1 "stopped server: status exits 1" st
like "... and says so" "$(cat "$TEST_TMP/.out")" \
	"^diskless: status: cannot connect to $SOCK: Connection refused \(is disklessd running\?\)$"
ok "a restart replaces the stale socket" dstart 2
is "... and starts with an empty table" "$(st --json | jq '.clients | length')" 0
[ "$_tap_failed" = 0 ] || diag "$(cat "$DLOG")"
done_testing
