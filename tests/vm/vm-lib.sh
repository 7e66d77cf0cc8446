# vm-lib.sh: shared helpers for the diskless-init QEMU tests (sourced).
#
# Recipe: reference/vm-boot.md. Two network namespaces made here (server:
# a veth with 10.77.0.1/24 running rpcbind + NFS-Ganesha and, for DHCP
# tests, dnsmasq; client: a bridge joining the veth peer and a tap that
# QEMU uses). QEMU runs TCG only, under timeout, with Debian's kernel booted
# by -kernel/-initrd/-append into a busybox root whose /sbin/init prints a
# marker and powers off. Every process is started here, recorded, and killed
# by PID (or by the process group we created) in the EXIT trap.
#
# Environment: DISKLESS_INIT (the static init; default: built tree
# $top_builddir/initrd/diskless-init), DISKLESS (the CLI, default
# $top_builddir/builder/diskless: its `initrd` builds the initramfs),
# VM_KVER (kernel version, default: newest /boot/vmlinuz-*), VM_KEEP=1 keeps
# the work directory, VM_SELF_INITRD=1 boots an initramfs built here instead
# of `$DISKLESS initrd` (only when asked: a failing `diskless initrd` fails
# the test).

VM_ID=$$
VM_NS_SRV="dls$VM_ID"
VM_NS_CLI="dlc$VM_ID"
VM_VETH_SRV="vs$VM_ID"
VM_VETH_CLI="vc$VM_ID"
VM_BR="br$VM_ID"
VM_TAP="tp$VM_ID"
VM_SRV_IP=10.77.0.1
VM_CLI_IP=10.77.0.50
VM_MAC=52:54:00:4e:42:01
VM_PIDS=""
VM_PGIDS=""
VM_WORK=""
VM_TESTNUM=0
VM_FAILED=0

# TAP output (tests/lib.sh may not be there when run by hand)
vm_plan() { echo "1..$1"; }
vm_ok() {
	VM_TESTNUM=$((VM_TESTNUM + 1))
	if [ "$1" = 0 ]; then
		echo "ok $VM_TESTNUM - $2"
	else
		echo "not ok $VM_TESTNUM - $2"
		VM_FAILED=1
	fi
}
vm_diag() { echo "# $*"; }
vm_skip_all() { echo "1..0 # SKIP $*"; exit 0; }

# Skips the whole test unless everything a VM boot needs is here.
vm_require() {
	# Each boot takes 10-40 s under TCG: scripts/test runs them once per
	# run (its first pass), not again under the sanitizers or distcheck.
	[ "${DISKLESS_VM_TESTS:-}" = 1 ] ||
		vm_skip_all "VM boots run once per test run (set DISKLESS_VM_TESTS=1, as scripts/test does)"
	[ "$(id -u)" = 0 ] || vm_skip_all "needs root (network namespaces, tap)"
	command -v qemu-system-x86_64 >/dev/null || vm_skip_all "qemu-system-x86_64 missing"
	command -v ganesha.nfsd >/dev/null || vm_skip_all "ganesha.nfsd missing (nfs-ganesha nfs-ganesha-vfs)"
	command -v cpio >/dev/null || vm_skip_all "cpio missing"
	command -v timeout >/dev/null || vm_skip_all "timeout missing"
	[ -x /bin/busybox ] || vm_skip_all "busybox-static missing"
	file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' ||
		ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' ||
		vm_skip_all "/bin/busybox is not static (install busybox-static)"
	ip netns list >/dev/null 2>&1 || vm_skip_all "ip netns unavailable"
	for p in "$@"; do
		command -v "$p" >/dev/null || vm_skip_all "$p missing"
	done
	if [ -z "${VM_KVER:-}" ]; then
		VM_KVER=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -n 1)
	fi
	[ -n "$VM_KVER" ] && [ -r "/boot/vmlinuz-$VM_KVER" ] ||
		vm_skip_all "no readable /boot/vmlinuz-* (install linux-image-amd64)"
	[ -r "/lib/modules/$VM_KVER/modules.dep" ] || vm_skip_all "no modules for $VM_KVER"
	VM_KERNEL="/boot/vmlinuz-$VM_KVER"
	if [ -z "${DISKLESS_INIT:-}" ]; then
		DISKLESS_INIT="${top_builddir:-.}/initrd/diskless-init"
	fi
	[ -x "$DISKLESS_INIT" ] || vm_skip_all "diskless-init not built ($DISKLESS_INIT)"
	file -L "$DISKLESS_INIT" | grep -q 'statically linked' ||
		vm_skip_all "$DISKLESS_INIT is not static"
	VM_WORK=$(mktemp -d /tmp/diskless-vm.XXXXXX)
	chmod 755 "$VM_WORK"
	trap vm_cleanup EXIT
	trap 'exit 1' INT TERM
}

vm_cleanup() {
	local p
	# groups started from subshells (a delayed server) are recorded here
	[ -f "$VM_WORK/pgids" ] && VM_PGIDS="$VM_PGIDS $(cat "$VM_WORK/pgids")"
	for p in $VM_PGIDS; do
		kill -TERM -- "-$p" 2>/dev/null
	done
	for p in $VM_PIDS; do
		kill -TERM "$p" 2>/dev/null
	done
	sleep 0.3
	for p in $VM_PGIDS; do
		kill -KILL -- "-$p" 2>/dev/null
	done
	for p in $VM_PIDS; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	ip netns del "$VM_NS_SRV" 2>/dev/null
	ip netns del "$VM_NS_CLI" 2>/dev/null
	[ -n "${VM_NS_EXTRA:-}" ] && ip netns del "$VM_NS_EXTRA" 2>/dev/null
	if [ -n "$VM_WORK" ] && [ -z "${VM_KEEP:-}" ]; then
		rm -rf "$VM_WORK"
	elif [ -n "$VM_WORK" ]; then
		echo "# kept $VM_WORK" >&2
	fi
}

# Server namespace with 10.77.0.1/24; client namespace with a bridge over
# the veth peer and the tap QEMU will use.
vm_net_setup() {
	ip netns add "$VM_NS_SRV" || return 1
	ip netns add "$VM_NS_CLI" || return 1
	ip link add "$VM_VETH_SRV" netns "$VM_NS_SRV" type veth peer name "$VM_VETH_CLI" netns "$VM_NS_CLI" || return 1
	ip -n "$VM_NS_SRV" addr add "$VM_SRV_IP/24" dev "$VM_VETH_SRV"
	ip -n "$VM_NS_SRV" link set lo up
	ip -n "$VM_NS_SRV" link set "$VM_VETH_SRV" up
	ip -n "$VM_NS_CLI" link add "$VM_BR" type bridge
	ip -n "$VM_NS_CLI" link set "$VM_BR" type bridge forward_delay 0 stp_state 0 2>/dev/null
	ip -n "$VM_NS_CLI" link set "$VM_VETH_CLI" master "$VM_BR"
	ip -n "$VM_NS_CLI" tuntap add "$VM_TAP" mode tap || return 1
	ip -n "$VM_NS_CLI" link set "$VM_TAP" master "$VM_BR"
	ip -n "$VM_NS_CLI" link set "$VM_VETH_CLI" up
	ip -n "$VM_NS_CLI" link set "$VM_TAP" up
	ip -n "$VM_NS_CLI" link set "$VM_BR" up
}

# vm_make_root [DIR [NAME]]: the image (default $VM_WORK/root): busybox and
# an init that prints what the tests check, then powers off (QEMU runs with
# -no-reboot, so it exits). Only this tree can print its ROOT-IMAGE line: the
# token is drawn here, when the tree is made. BOOT-ID is the guest kernel's
# per-boot random id; the init also writes it to /boot-id.<hostname> when
# the root is writable, so a host can see which boot wrote into an export.
# MACHINE-ID: the image's /etc/machine-id, or one made now (in /etc when
# writable, else in /run), as systemd does on a first boot.
vm_make_root() {
	local r="${1:-$VM_WORK/root}" name="${2:-root}"
	mkdir -p "$r/bin" "$r/sbin" "$r/dev" "$r/proc" "$r/sys" "$r/run" "$r/etc" "$r/tmp"
	cp /bin/busybox "$r/bin/busybox"
	ln -sf busybox "$r/bin/sh"
	cat > "$r/sbin/init" <<'EOF'
#!/bin/sh
export PATH=/bin
echo "DISKLESS-ROOT-MARKER pid=$$"
echo "ROOT-IMAGE $(cat /etc/image-name) $(cat /etc/image-token)"
grep -E ' / | /run/diskless' /proc/mounts | sed 's/^/ROOTMOUNT /'
if echo written-by-guest > /guest-write 2>/dev/null && [ "$(cat /guest-write)" = written-by-guest ]; then
	echo GUEST-WRITE-OK
else
	echo GUEST-WRITE-FAILED
fi
[ -f /run/diskless/resolv.conf ] && sed 's/^/RESOLV /' /run/diskless/resolv.conf
for f in /run/net-*.conf; do [ -f "$f" ] && sed 's/^/NETCONF /' "$f"; done
echo "HOSTNAME $(hostname)"
ip -4 addr show | sed -n 's/.*inet \([0-9.]*\/[0-9]*\).* \([a-z0-9]*\)$/IPADDR \1 \2/p' | grep -v ' lo$'
boot=$(cat /proc/sys/kernel/random/boot_id)
echo "BOOT-ID $boot"
echo "$boot" > "/boot-id.$(hostname)" 2>/dev/null
if [ ! -s /etc/machine-id ] && ! tr -d - < /proc/sys/kernel/random/uuid > /etc/machine-id 2>/dev/null; then
	[ -s /run/machine-id ] || tr -d - < /proc/sys/kernel/random/uuid > /run/machine-id
	echo "MACHINE-ID $(cat /run/machine-id) run"
else
	echo "MACHINE-ID $(cat /etc/machine-id) etc"
fi
echo DISKLESS-ROOT-DONE
poweroff -f
EOF
	chmod 755 "$r/sbin/init"
	echo "image-file" > "$r/etc/image-file"
	echo "$name" > "$r/etc/image-name"
	tr -d - < /proc/sys/kernel/random/uuid > "$r/etc/image-token"
}

# vm_ganesha_start PROTOCOLS ACCESS [EXPORT_PSEUDO [CLIENTS]]
# PROTOCOLS "3, 4" or "4"; ACCESS RW or RO; CLIENTS the CIDR allowed (a
# client outside it gets no access at all).
vm_ganesha_start() {
	local protos="$1" access="$2" pseudo="${3:-/nbroot}" clients="${4:-10.77.0.0/24}"
	local conf="$VM_WORK/ganesha.conf"
	mkdir -p "$VM_WORK/ganesha-recovery"
	cat > "$conf" <<EOF
NFS_CORE_PARAM { Bind_Addr = $VM_SRV_IP; NFS_Port = 2049; MNT_Port = 20048;
  Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false;
  Protocols = $protos; Mount_Path_Pseudo = true; }
NFSV4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = "$VM_WORK/ganesha-recovery";
  Only_Numeric_Owners = true; Allow_Numeric_Owners = true; }
EXPORT { Export_Id = 1; Path = "$VM_WORK/root"; Pseudo = $pseudo; Access_Type = None;
  Squash = No_Root_Squash; SecType = sys; Protocols = $protos; Transports = TCP;
  CLIENT { Clients = $clients; Access_Type = $access; Protocols = $protos; }
  FSAL { Name = VFS; } }
LOG { Default_Log_Level = EVENT; }
EOF
	vm_ganesha_run "$conf" "$protos"
}

# vm_ganesha_run CONF PROTOCOLS: ganesha in the server namespace. rpcbind
# only when PROTOCOLS has 3 (vm-boot pitfall 1); both get a private /run
# (pitfall 2). Returns once port 2049 listens.
vm_ganesha_run() {
	local conf="$1" protos="$2"
	local rpc=""
	case "$protos" in *3*) rpc="rpcbind -f -w & sleep 0.3;" ;; esac
	# setsid: one process group to kill; unshare -m: a private /run
	setsid ip netns exec "$VM_NS_SRV" unshare -m --propagation private sh -c "
		mount -t tmpfs tmpfs /run && mkdir -p /run/rpcbind &&
		$rpc
		exec timeout 900 ganesha.nfsd -F -L '$VM_WORK/ganesha.log' -f '$conf' -N NIV_EVENT -p '$VM_WORK/ganesha.pid'
	" >"$VM_WORK/ganesha.out" 2>&1 &
	VM_PGIDS="$VM_PGIDS $!"
	echo "$!" >> "$VM_WORK/pgids"
	VM_PIDS="$VM_PIDS $!"
	# wait until 2049 listens (bounded)
	local i
	for i in $(seq 1 50); do
		if ip netns exec "$VM_NS_SRV" cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$4 == "0A" && $2 ~ /:0801$/' | grep -q .; then
			return 0
		fi
		sleep 0.2
	done
	echo "# ganesha did not start:" >&2
	sed 's/^/#   /' "$VM_WORK/ganesha.log" "$VM_WORK/ganesha.out" 2>/dev/null | tail -n 20 >&2
	return 1
}

# vm_dnsmasq_start EXTRA_ARGS...: DHCP only (port=0: no DNS), for ip=dhcp.
vm_dnsmasq_start() {
	setsid ip netns exec "$VM_NS_SRV" timeout 600 dnsmasq --no-daemon --conf-file=/dev/null \
		--port=0 --interface="$VM_VETH_SRV" --bind-interfaces --leasefile-ro \
		--dhcp-range=10.77.0.100,10.77.0.150,255.255.255.0,1h \
		--pid-file="$VM_WORK/dnsmasq.pid" --user=root --group=root "$@" \
		>"$VM_WORK/dnsmasq.log" 2>&1 &
	VM_PGIDS="$VM_PGIDS $!"
	VM_PIDS="$VM_PIDS $!"
	sleep 0.3
}

# Module paths for a module name, dependencies first (modules.dep lists the
# deepest dependency rightmost).
vm_mod_chain() {
	local kd="/lib/modules/$VM_KVER"
	awk -v want="$1" -v kd="$kd" '
	function base(p) { sub(/.*\//, "", p); sub(/\.ko.*/, "", p); gsub(/-/, "_", p); return p }
	{ m = $1; sub(/:$/, "", m); if (base(m) != want) next
	  for (i = NF; i >= 2; i--) print kd "/" $i
	  print kd "/" m; exit }' "$kd/modules.dep"
}

# vm_initrd OUT: the initramfs, built by `$DISKLESS initrd` (builder/).
# When that fails the test stops with "Bail out!": a test must never boot
# another initramfs than the product's without saying so. VM_SELF_INITRD=1
# is the explicit opt-in for the one built here in the same file format
# (/init, /dev/console, the .ko files, /etc/diskless/modules.{load,alias}),
# to tell a builder bug from an init bug.
vm_initrd() {
	local out="$1" st="$VM_WORK/initrd-staging" kd="/lib/modules/$VM_KVER" m p
	if [ -z "${VM_SELF_INITRD:-}" ]; then
		: "${DISKLESS:=${top_builddir:-.}/builder/diskless}"
		# virtio_pci is the PCI transport virtio_net needs: ask for it too
		if "$DISKLESS" initrd --init "$DISKLESS_INIT" --kernel-version "$VM_KVER" \
			--nic e1000,e1000e,virtio_net,virtio_pci --compress gzip \
			--out "$out" >"$VM_WORK/initrd.log" 2>&1; then
			vm_diag "initrd built by $DISKLESS initrd"
			return 0
		fi
		vm_diag "$DISKLESS initrd failed (VM_SELF_INITRD=1 boots a test-built initramfs instead):"
		sed 's/^/#   /' "$VM_WORK/initrd.log"
		echo "Bail out! diskless initrd failed"
		exit 1
	fi
	vm_diag "VM_SELF_INITRD=1: booting the initramfs built by vm-lib.sh, not diskless initrd"
	rm -rf "$st"
	mkdir -p "$st/dev" "$st/etc/diskless" "$st/proc" "$st/sys" "$st/run" "$st/root"
	cp "$DISKLESS_INIT" "$st/init"
	mknod "$st/dev/console" c 5 1
	: > "$st/etc/diskless/modules.load"
	for m in nfsv3 nfsv4 overlay; do
		vm_mod_chain "$m" >> "$st/etc/diskless/modules.load"
	done
	# NIC coldplug table: every alias of the NIC drivers we ship, with the
	# full load sequence (PATTERN<TAB>dep ... module)
	: > "$st/etc/diskless/modules.alias"
	echo "# test initramfs: NIC aliases" >> "$st/etc/diskless/modules.alias"
	for m in e1000 e1000e virtio_pci virtio_net; do
		local chain
		chain=$(vm_mod_chain "$m" | tr '\n' ' ' | sed 's/ $//')
		awk -v mod="$m" -v chain="$chain" '$1 == "alias" && $3 == mod { printf "%s\t%s\n", $2, chain }' \
			"$kd/modules.alias" >> "$st/etc/diskless/modules.alias"
	done
	# copy every referenced module to the same absolute path
	{ cat "$st/etc/diskless/modules.load"; grep -v '^#' "$st/etc/diskless/modules.alias" | cut -f2 | tr ' ' '\n'; } |
		sort -u | while read -r p; do
			[ -n "$p" ] || continue
			mkdir -p "$st$(dirname "$p")"
			cp "$p" "$st$p"
		done
	(cd "$st" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 > "$out"
}

# vm_boot NAME NIC TIMEOUT APPEND: boots QEMU in the client namespace,
# console to $VM_WORK/NAME.log with a wall-clock time stamp per line.
# Sets VM_BOOT_SECS (wall time) and VM_LOG.
vm_boot() {
	local name="$1" nic="$2" tmo="$3" append="$4"
	VM_LOG="$VM_WORK/$name.log"
	local t0=${EPOCHREALTIME/./}
	ip netns exec "$VM_NS_CLI" timeout "$tmo" qemu-system-x86_64 -machine pc -accel tcg \
		-m 512 -nographic -no-reboot -nodefaults -serial stdio \
		-kernel "$VM_KERNEL" -initrd "$VM_WORK/initrd.img" \
		-append "console=ttyS0,115200n8 $append" \
		-netdev "tap,id=n0,ifname=$VM_TAP,script=no,downscript=no" \
		-device "$nic,netdev=n0,mac=$VM_MAC" </dev/null 2>&1 |
		while IFS= read -r line; do
			local us=$(( ${EPOCHREALTIME/./} - t0 ))
			printf '%3d.%03d %s\n' $((us / 1000000)) $((us / 1000 % 1000)) "${line%$'\r'}"
		done > "$VM_LOG"
	local us=$(( ${EPOCHREALTIME/./} - t0 ))
	VM_BOOT_SECS=$(printf '%d.%01d' $((us / 1000000)) $((us / 100000 % 10)))
}

# Seconds from QEMU start to the first console line matching a pattern.
vm_time_of() {
	grep -m1 -a -- "$1" "$VM_LOG" | awk '{print $1}'
}

vm_timings() {
	local k i m d
	k=$(vm_time_of 'Linux version')
	i=$(vm_time_of 'diskless-init 0\.')
	m=$(vm_time_of 'diskless-init: mounting')
	d=$(vm_time_of 'DISKLESS-ROOT-MARKER')
	vm_diag "timing $1: kernel ${k:-?} s, /init ${i:-?} s, mount start ${m:-?} s, root marker ${d:-?} s, wall ${VM_BOOT_SECS} s"
	grep -a 'timing:' "$VM_LOG" | sed 's/^[ 0-9.]*/#   /'
}

vm_log_has() {
	grep -a -q -- "$1" "$VM_LOG"
}

vm_dump_log() {
	vm_diag "console of the failed boot (last 40 lines):"
	tail -n 40 "$VM_LOG" | sed 's/^/#   /'
}

