# pxe-lib.sh: the whole network boot in QEMU, served by the project's own
# programs (sourced after vm-lib.sh). disklessd answers DHCP (or
# proxyDHCP) and TFTP from the tree `diskless pxe` wrote, NFS-Ganesha
# serves the images with the config `diskless export --format ganesha`
# wrote, `diskless initrd` built the initramfs, and the firmware (QEMU's
# iPXE ROM under SeaBIOS, or OVMF's own PXE) does the rest. Every log line
# gets the wall clock, so the phases of one boot can be read off the
# daemon's log and the console together (pxe_timings).
#
# Network: vm_net_setup's two namespaces (server 10.77.0.1 on a veth;
# client: a bridge with one tap per QEMU, pxe_tap), and for proxy mode a
# third namespace with the site's own DHCP server (pxe_site_dhcp).

PXE_OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
PXE_OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
PXE_SITE=""
PXE_DLOG=""
PXE_DPID=""
PXE_DTPID=""

# pxe_require [COMMAND...]: vm_require plus what the chain needs.
pxe_require() {
	vm_require rpcbind "$@"
	: "${DISKLESS:=${top_builddir:-.}/builder/diskless}"
	: "${DISKLESSD:=${top_builddir:-.}/server/disklessd}"
	[ -x "$DISKLESS" ] || vm_skip_all "diskless not built ($DISKLESS)"
	[ -x "$DISKLESSD" ] || vm_skip_all "disklessd not built ($DISKLESSD)"
	[ -r /usr/lib/PXELINUX/pxelinux.0 ] || vm_skip_all "pxelinux missing"
	[ -r /usr/lib/syslinux/modules/bios/ldlinux.c32 ] || vm_skip_all "syslinux-common missing"
	command -v grub-mkimage >/dev/null || vm_skip_all "grub-mkimage missing (grub-efi-amd64-bin)"
	[ -r "$PXE_OVMF_CODE" ] && [ -r "$PXE_OVMF_VARS" ] || vm_skip_all "ovmf missing"
	id nobody >/dev/null 2>&1 || vm_skip_all "no user nobody for disklessd"
	PXE_SITE="$VM_WORK/diskless.conf"
	PXE_DLOG="$VM_WORK/disklessd.log"
	mkdir -p "$VM_WORK/state" "$VM_WORK/img"
	chmod 755 "$VM_WORK/img"
}

# the line stamper (e2e_stamp) and the rest of the end-to-end helpers
# shellcheck source=tests/vm/e2e-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh"

# pxe_tap NAME: one more tap on the client bridge, for one more QEMU.
pxe_tap() {
	ip -n "$VM_NS_CLI" tuntap add "$1" mode tap &&
		ip -n "$VM_NS_CLI" link set "$1" master "$VM_BR" &&
		ip -n "$VM_NS_CLI" link set "$1" up
}

# pxe_image NAME: an image root in $VM_WORK/img/NAME (vm_make_root).
pxe_image() {
	vm_make_root "$VM_WORK/img/$1" "$1"
}

# pxe_site_server MODE: the [server] section of the test's site, on the
# server namespace's veth, everything in $VM_WORK, no control socket (the
# default one is in the host's /run).
pxe_site_server() {
	cat <<EOF
[server]
interface = $VM_VETH_SRV
address = $VM_SRV_IP
mode = $1
tftp-root = $VM_WORK/tftp
state-dir = $VM_WORK/state
hosts-dir = none
control-socket = none
EOF
}

# pxe_tree: the initramfs by `diskless initrd` (vm_initrd), then the TFTP
# tree by `diskless pxe` from the site config (images name their kernel
# and initrd there). Run again under a running disklessd, it swaps a new
# tree in, which the daemon must serve from then on.
pxe_tree() {
	[ -s "$VM_WORK/initrd.img" ] || vm_initrd "$VM_WORK/initrd.img"
	"$DISKLESS" -c "$PXE_SITE" pxe >"$VM_WORK/pxe.log" 2>&1 || {
		sed 's/^/#   /' "$VM_WORK/pxe.log"
		return 1
	}
}

# pxe_ganesha [RW_IMAGE...]: NFS-Ganesha from `diskless export --format
# ganesha` (every image read-only, NFSv3 and v4), bound to the server's
# address, its recovery folder in $VM_WORK (not the host's /var/lib), and
# the named images made writable (the tests write boot ids into them).
pxe_ganesha() {
	local conf="$VM_WORK/ganesha.conf" rw=" $* "
	mkdir -p "$VM_WORK/ganesha-recovery"
	"$DISKLESS" -c "$PXE_SITE" export --format ganesha >"$conf.in" || return 1
	awk -v srv="$VM_SRV_IP" -v rec="$VM_WORK/ganesha-recovery" -v rw="$rw" '
		/^NFS_CORE_PARAM \{/ { print; print "\tBind_Addr = " srv ";"; next }
		/^NFSV4 \{/ { print; print "\tRecoveryBackend = fs;"; print "\tRecoveryRoot = \"" rec "\";"; next }
		/^# image / { img = $3 }
		/Access_Type = RO;/ && index(rw, " " img " ") { sub(/RO;/, "RW;") }
		{ print }
		END { print "LOG { Default_Log_Level = EVENT; }" }' "$conf.in" >"$conf"
	vm_ganesha_run "$conf" "3, 4"
}

# pxe_daemon_start: disklessd -d -v in the server namespace as nobody, its
# stderr time-stamped into $PXE_DLOG (appended: a restart keeps the log).
# PXE_DPID is the daemon, PXE_DTPID the timeout above it (whose other child
# is the time stamper). Returns once it serves TFTP.
pxe_daemon_start() {
	local n i c
	n=$(grep -c 'tftp: serving' "$PXE_DLOG" 2>/dev/null)
	ip netns exec "$VM_NS_SRV" timeout 900 "$DISKLESSD" -d -v -c "$PXE_SITE" -u nobody \
		> >(e2e_stamp >>"$PXE_DLOG") 2>&1 &
	PXE_DTPID=$!
	VM_PIDS="$VM_PIDS $PXE_DTPID"
	PXE_DPID=""
	for i in $(seq 1 100); do
		for c in $(cat "/proc/$PXE_DTPID/task/$PXE_DTPID/children" 2>/dev/null); do
			[ "$(cat "/proc/$c/comm" 2>/dev/null)" = disklessd ] && PXE_DPID=$c
		done
		[ -n "$PXE_DPID" ] && [ "$(grep -c 'tftp: serving' "$PXE_DLOG" 2>/dev/null)" -gt "${n:-0}" ] &&
			return 0
		kill -0 "$PXE_DTPID" 2>/dev/null || break
		sleep 0.1
	done
	vm_diag "disklessd did not start:"
	tail -n 20 "$PXE_DLOG" | sed 's/^/#   /'
	return 1
}

# pxe_daemon_stop SIGNAL: stops the daemon (its timeout goes with it).
pxe_daemon_stop() {
	local i
	[ -n "$PXE_DPID" ] && kill "-$1" "$PXE_DPID" 2>/dev/null
	for i in $(seq 1 50); do
		kill -0 "$PXE_DTPID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$PXE_DTPID" 2>/dev/null
	wait "$PXE_DTPID" 2>/dev/null
	PXE_DPID=""
}

# pxe_restart_in_tftp NAME IP SIGNAL: once disklessd has sent the kernel to
# IP (the boot NAME, started in the background, is then fetching its
# initramfs), stops it with SIGNAL and starts it again. Sets PXE_CUT to
# the boot's start time. Returns pxe_daemon_start's status.
pxe_restart_in_tftp() {
	local i
	PXE_CUT=""
	for i in $(seq 1 900); do
		PXE_CUT=$(cat "$VM_WORK/$1.t0" 2>/dev/null)
		[ -n "$PXE_CUT" ] && [ -n "$(pxe_when "$PXE_DLOG" "tftp: $2:.*/vmlinuz.: sent" "$PXE_CUT")" ] &&
			break
		sleep 0.2
	done
	sleep 0.5
	pxe_daemon_stop "$3"
	pxe_daemon_start
}

# pxe_site_dhcp: the site's own DHCP server for proxy mode, in a third
# namespace joined to the client bridge: Debian's dnsmasq handing out
# addresses only (no TFTP, no boot file, no PXE options, no DNS).
pxe_site_dhcp() {
	local ns="dlx$VM_ID" v="vx$VM_ID" p="vy$VM_ID"
	ip netns add "$ns" || return 1
	# vm_cleanup deletes the namespaces it knows; this one is ours
	VM_NS_EXTRA="$ns"
	ip link add "$v" netns "$ns" type veth peer name "$p" netns "$VM_NS_CLI" || return 1
	ip -n "$ns" addr add 10.77.0.2/24 dev "$v"
	ip -n "$ns" link set lo up
	ip -n "$ns" link set "$v" up
	ip -n "$VM_NS_CLI" link set "$p" master "$VM_BR"
	ip -n "$VM_NS_CLI" link set "$p" up
	setsid ip netns exec "$ns" timeout 900 dnsmasq --no-daemon --conf-file=/dev/null \
		--port=0 --interface="$v" --bind-interfaces --leasefile-ro \
		--dhcp-range=10.77.0.100,10.77.0.150,255.255.255.0,1h \
		--dhcp-option=option:router,10.77.0.2 --log-dhcp \
		--pid-file="$VM_WORK/site-dhcp.pid" --user=root --group=root \
		> >(e2e_stamp >"$VM_WORK/site-dhcp.log") 2>&1 &
	VM_PGIDS="$VM_PGIDS $!"
	VM_PIDS="$VM_PIDS $!"
	sleep 0.3
}

# pxe_boot NAME FIRMWARE MAC TAP TIMEOUT [reboot]: one network boot.
# FIRMWARE bios (SeaBIOS, e1000 with QEMU's iPXE ROM) or uefi (OVMF's own
# PXE over virtio-net, no option ROM). QEMU exits when the guest reboots,
# unless "reboot" is given (a boot loader that starts over). The console
# goes to $VM_WORK/NAME.log, time stamped; the start time to
# $VM_WORK/NAME.t0. Run it with & for clients at once.
pxe_boot() {
	local name="$1" fw="$2" mac="$3" tap="$4" tmo="$5" dev noreboot=-no-reboot
	local -a fwargs=()
	[ "${6:-}" = reboot ] && noreboot=""
	case "$fw" in
	bios) dev="e1000" ;;
	uefi)
		cp "$PXE_OVMF_VARS" "$VM_WORK/$name.vars"
		fwargs=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$PXE_OVMF_CODE"
			-drive "if=pflash,format=raw,unit=1,file=$VM_WORK/$name.vars")
		dev="virtio-net-pci,romfile="
		;;
	esac
	echo "$EPOCHREALTIME" >"$VM_WORK/$name.t0"
	ip netns exec "$VM_NS_CLI" timeout "$tmo" qemu-system-x86_64 -machine pc -accel tcg \
		-m 512 -nographic -serial stdio -monitor none $noreboot -boot n "${fwargs[@]}" \
		-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" \
		-device "$dev,netdev=n0,mac=$mac" </dev/null 2>&1 | e2e_stamp >"$VM_WORK/$name.log"
	echo "$EPOCHREALTIME" >"$VM_WORK/$name.t1"
}

# pxe_when FILE ERE [AFTER]: the time stamp of the first line of FILE
# matching ERE (stamped at or after AFTER); empty when none.
pxe_when() {
	awk -v re="$2" -v after="${3:-0}" '$1 >= after && $0 ~ re { print $1; exit }' "$1" 2>/dev/null
}

# pxe_since T0 T: seconds from T0 to T, one decimal, or "?".
pxe_since() {
	[ -n "$2" ] || { echo "?"; return; }
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'
}

# pxe_timings NAME MAC IP: one diag line with the phases of a boot, seconds
# from QEMU's start: disklessd's first DHCPACK to MAC (full mode) or its
# first proxy or boot-server reply (proxy mode), the end of the initrd's
# TFTP transfer to IP, the kernel's first line, diskless-init's first line,
# the root's marker, and QEMU's exit.
pxe_timings() {
	local name="$1" mac="$2" ip="$3" log="$VM_WORK/$1.log" t0 dhcp tftp
	t0=$(cat "$VM_WORK/$name.t0")
	dhcp=$(awk -v after="$t0" -v mac="from $mac " '$1 >= after && index($0, mac) &&
		/: DHCPACK |proxyDHCP offer|PXE boot server reply/ { print $1; exit }' "$PXE_DLOG")
	tftp=$(awk -v after="$t0" -v ip="tftp: $ip:" '$1 >= after && index($0, ip) &&
		/initrd.img.: sent/ { print $1; exit }' "$PXE_DLOG")
	vm_diag "timing $name: DHCP $(pxe_since "$t0" "$dhcp") s, TFTP initrd done" \
		"$(pxe_since "$t0" "$tftp") s, kernel $(pxe_since "$t0" "$(pxe_when "$log" 'Linux version')") s," \
		"/init $(pxe_since "$t0" "$(pxe_when "$log" 'diskless-init 0\.')") s, root marker" \
		"$(pxe_since "$t0" "$(pxe_when "$log" 'DISKLESS-ROOT-MARKER')") s, QEMU exit" \
		"$(pxe_since "$t0" "$(cat "$VM_WORK/$name.t1" 2>/dev/null)") s"
}

# pxe_has NAME ERE: the console of boot NAME has a line matching ERE.
pxe_has() {
	grep -a -q -E -- "$2" "$VM_WORK/$1.log"
}

# pxe_value NAME KEY: the first word after "KEY " on the console of NAME.
pxe_value() {
	awk -v k="$2" '$2 == k { print $3; exit }' "$VM_WORK/$1.log"
}

# pxe_dump NAME: the end of a failed boot's console and of the daemon's log.
pxe_dump() {
	vm_diag "console of $1 (last 30 lines):"
	tail -n 30 "$VM_WORK/$1.log" | cut -d' ' -f2- | sed 's/^/#   /'
	vm_diag "disklessd (last 15 lines):"
	tail -n 15 "$PXE_DLOG" | cut -d' ' -f2- | sed 's/^/#   /'
}

# pxe_booted NAME IMAGE HOST IP: the checks every good boot passes. The
# root's marker with the token only IMAGE's tree holds, the host name and
# address the site gave this machine.
pxe_booted() {
	local name="$1" img="$2" host="$3" ip="$4" r
	pxe_has "$name" "ROOT-IMAGE $img $(cat "$VM_WORK/img/$img/etc/image-token")\$"; r=$?
	vm_ok $r "$name: the root init of image $img ran (its token on the console)"
	[ $r = 0 ] || pxe_dump "$name"
	if [ -n "$host" ]; then
		pxe_has "$name" "^[0-9.]+ HOSTNAME $host\$"
		vm_ok $? "$name: host name $host"
	fi
	pxe_has "$name" "^[0-9.]+ IPADDR $ip/24 "
	vm_ok $? "$name: address $ip"
}

# pxe_served MAC IP ACK_ERE FILE: disklessd's log shows the DHCPACK to MAC
# (matching ACK_ERE) and the TFTP transfers of FILE, a kernel and an
# initramfs to IP, whole.
pxe_served() {
	local mac="$1" ip="$2" ack="$3" file="$4"
	grep -E "from $mac .*: $ack" "$PXE_DLOG" >/dev/null &&
		grep -F "tftp: $ip:" "$PXE_DLOG" | grep -F "'$file': sent" >/dev/null &&
		grep -F "tftp: $ip:" "$PXE_DLOG" | grep -E "/vmlinuz': sent" >/dev/null &&
		grep -F "tftp: $ip:" "$PXE_DLOG" | grep -E "/initrd.img': sent" >/dev/null
	vm_ok $? "disklessd: DHCPACK to $mac, $file, kernel and initramfs by TFTP to ${ip:-?}"
}

# pxe_snapshot IMAGE: every name, size, mtime and mode of an image tree.
pxe_snapshot() {
	(cd "$VM_WORK/img/$1" && find . -printf '%p %s %T@ %m\n' | LC_ALL=C sort)
}

# pxe_overlap NAME NAME: seconds the two QEMUs ran at the same time.
pxe_overlap() {
	awk -v a0="$(cat "$VM_WORK/$1.t0")" -v a1="$(cat "$VM_WORK/$1.t1")" \
		-v b0="$(cat "$VM_WORK/$2.t0")" -v b1="$(cat "$VM_WORK/$2.t1")" \
		'BEGIN { s = a0 > b0 ? a0 : b0; e = a1 < b1 ? a1 : b1; printf "%.1f", (e > s ? e - s : 0) }'
}
