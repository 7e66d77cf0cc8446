# e2e-lib.sh: end-to-end boots of a real client, shared by scripts/demo and
# the VM tests (sourced; bash). One network namespace made here holds a
# bridge with the server's address, the servers (disklessd, rpcbind +
# NFS-Ganesha) and the tap of a QEMU client that boots from its firmware
# (QEMU's iPXE ROM, -boot n). Recipes and pitfalls: reference/vm-boot.md.
#
# Every process is started by e2e_spawn in a session of its own, under
# timeout, with its output time-stamped into $E2E_WORK/NAME.log; e2e_cleanup
# (the caller's EXIT trap) kills those sessions by their id and deletes the
# namespace. Nothing here exits: functions return 1 and leave a one-line
# reason in $E2E_WHY.
#
#   e2e_init DIR              work directory (created, mode 755), state reset
#   e2e_netns NS ADDR/PREFIX  namespace with lo, bridge e2ebr (ADDR), tap e2etap
#   e2e_spawn NAME SECS CMD.. CMD in the background, logged to NAME.log
#   e2e_stop NAME             ends NAME's session (a server swapped between boots)
#   e2e_ganesha NS CONF       rpcbind + ganesha.nfsd, private /run, waits for 2049
#                             (its own log: ganesha.nfsd.log)
#   e2e_disklessd NS CONF     disklessd -d -v as nobody, waits until it serves
#   e2e_ra NS                 IPv6 router advertisements only (dnsmasq)
#   e2e_qemu_pxe NS MAC SECS  QEMU (TCG, BIOS, iPXE ROM, virtio-net) -> console.log
#   e2e_wait NAME ERE SECS    waits until NAME.log has a line matching ERE
#   e2e_at NAME ERE           time (s, 3 decimals) of the first such line from
#                             $E2E_T0 (QEMU start), empty when none
#   e2e_event_at SRC ERE      the same, also for kernel (printk) times and
#                             units' activation (the report's)
#   e2e_poweroff              Ctrl-Alt-Del through the QEMU monitor
#   e2e_report_overlay DIR    a rootfs overlay: the boot report unit
#   e2e_cleanup               kill everything started, delete the namespace

E2E_WORK=
E2E_NS=
E2E_PGIDS=
E2E_T0=
E2E_WHY=
E2E_BR=e2ebr
E2E_TAP=e2etap

e2e_init() {
	E2E_WORK=$1 E2E_NS="" E2E_PGIDS="" E2E_T0="" E2E_WHY=""
	mkdir -p "$E2E_WORK" && chmod 755 "$E2E_WORK"
}

e2e_fail() { E2E_WHY=$*; return 1; }

# e2e_stamp [partial]: reads lines and writes "EPOCH.USEC line" (the
# arrival time), CR, BEL and BS removed. With "partial", a line still
# unfinished after 0.2 s of silence (a login prompt waits for input without
# a newline) is written as it is; only consoles want that: a server's line
# cut by a stall of the machine would no longer match what a test looks for.
# The one stamper of the VM tests (pxe-lib.sh uses it too).
e2e_stamp() {
	local line rc t=()
	[ "${1:-}" = partial ] && t=(-t 0.2)
	while :; do
		line=
		IFS= read -r "${t[@]}" line
		rc=$?
		if [ "$rc" -gt 128 ] && [ -z "$line" ]; then
			continue
		fi
		line=${line//[$'\r\a\b']/}
		[ -n "$line" ] || [ "$rc" = 0 ] && printf '%s %s\n' "$EPOCHREALTIME" "$line"
		[ "$rc" = 0 ] || [ "$rc" -gt 128 ] || return 0
	done
}
export -f e2e_stamp

# e2e_spawn NAME SECS CMD...: setsid makes the background job a session and
# process group of its own (a non-interactive shell's job is no group
# leader, so setsid does not fork: $! is the group), which cleanup kills
# whole; timeout --foreground stays in that group. A console (NAME console)
# gets its unfinished lines too (e2e_stamp partial).
e2e_spawn() {
	local name=$1 secs=$2 mode=""
	shift 2
	[ "$name" = console ] && mode=partial
	setsid bash -c 'm=$1; shift; timeout --foreground "$0" "$@" 2>&1 </dev/null | e2e_stamp "$m"' \
		"$secs" "$mode" "$@" >"$E2E_WORK/$name.log" 2>&1 </dev/null &
	E2E_PGIDS="$E2E_PGIDS $!"
	eval "E2E_PID_$name=$!"
}

# e2e_alive NAME: the session of NAME still runs.
e2e_alive() {
	local v="E2E_PID_$1"
	[ -n "${!v:-}" ] && kill -0 "${!v}" 2>/dev/null
}

# e2e_stop NAME: ends NAME's session (TERM, KILL after 3 s) and forgets it,
# so a server can be swapped for another between boots.
e2e_stop() {
	local v="E2E_PID_$1" p i
	p=${!v:-}
	[ -n "$p" ] || return 0
	kill -TERM -- "-$p" 2>/dev/null
	for i in $(seq 30); do
		kill -0 -- "-$p" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$p" 2>/dev/null
	wait "$p" 2>/dev/null
	E2E_PGIDS=$(echo "$E2E_PGIDS" | tr ' ' '\n' | grep -v -x -- "$p" | tr '\n' ' ')
	eval "E2E_PID_$1="
}

e2e_cleanup() {
	local p i alive
	for p in $E2E_PGIDS; do
		kill -TERM -- "-$p" 2>/dev/null
	done
	for i in $(seq 30); do
		alive=
		for p in $E2E_PGIDS; do
			kill -0 -- "-$p" 2>/dev/null && alive=1
		done
		[ -n "$alive" ] || break
		sleep 0.1
	done
	for p in $E2E_PGIDS; do
		kill -KILL -- "-$p" 2>/dev/null
	done
	wait 2>/dev/null
	E2E_PGIDS=
	[ -z "$E2E_NS" ] || ip netns del "$E2E_NS" 2>/dev/null
	E2E_NS=
}

# e2e_netns NS ADDR/PREFIX: one namespace; the server's address sits on a
# bridge that also holds the client's tap (no veth: the client is QEMU).
e2e_netns() {
	E2E_NS=$1
	ip netns add "$1" 2>/dev/null || { E2E_NS=; e2e_fail "cannot create network namespace $1"; return 1; }
	ip -n "$1" link set lo up &&
		ip -n "$1" link add "$E2E_BR" type bridge &&
		ip -n "$1" link set "$E2E_BR" type bridge forward_delay 0 stp_state 0 &&
		ip -n "$1" addr add "$2" dev "$E2E_BR" &&
		ip -n "$1" tuntap add dev "$E2E_TAP" mode tap &&
		ip -n "$1" link set "$E2E_TAP" master "$E2E_BR" &&
		ip -n "$1" link set "$E2E_TAP" up &&
		ip -n "$1" link set "$E2E_BR" up ||
		{ e2e_fail "cannot set up bridge $E2E_BR and tap $E2E_TAP in $1"; return 1; }
	# the bridge has no carrier until QEMU opens the tap: the address is
	# usable (bind, route) all the same, as ganesha needs (pitfall 3)
}

# e2e_listening NS PORT [tcp|udp]: a socket of the namespace is bound there.
e2e_listening() {
	local hex
	hex=$(printf '%04X' "$2")
	ip netns exec "$1" cat "/proc/net/${3:-tcp}" "/proc/net/${3:-tcp}6" 2>/dev/null |
		awk -v h=":$hex" 'substr($2, length($2) - 4) == h && ($4 == "0A" || $4 == "07")' | grep -q .
}

# e2e_ganesha NS CONF: NFSv3 needs rpcbind (pitfall 1); both get a private
# /run, and ganesha's recovery dir (/var/lib/nfs/ganesha) stays in RAM, so
# nothing of the host's is touched (pitfall 2).
e2e_ganesha() {
	local ns=$1 conf=$2 i
	e2e_spawn ganesha 1200 ip netns exec "$ns" unshare -m --propagation private sh -c "
		mount -t tmpfs tmpfs /run && mkdir -p /run/rpcbind &&
		mount -t tmpfs tmpfs /var/lib/nfs &&
		{ rpcbind -f -w & sleep 0.3; } &&
		exec ganesha.nfsd -F -L '$E2E_WORK/ganesha.nfsd.log' -f '$conf' -N NIV_EVENT -p /run/ganesha.pid"
	for i in $(seq 100); do
		e2e_listening "$ns" 2049 && return 0
		e2e_alive ganesha || break
		sleep 0.2
	done
	e2e_fail "NFS-Ganesha did not listen on port 2049: $(cat "$E2E_WORK/ganesha.log" "$E2E_WORK/ganesha.nfsd.log" 2>/dev/null |
		grep -a -m1 -E 'CRIT|FATAL|MAJ|rror' | cut -c1-200)"
}

# e2e_disklessd NS CONF [ARGS...]: in the foreground (-d) so its log is
# ours, verbose (-v: every DHCP exchange and TFTP transfer), as nobody.
e2e_disklessd() {
	local ns=$1 conf=$2 i
	shift 2
	e2e_spawn disklessd 1200 ip netns exec "$ns" env ASAN_OPTIONS="${DAEMON_ASAN_OPTIONS:-}" \
		"${DISKLESSD:-disklessd}" -d -v -c "$conf" -u nobody "$@"
	for i in $(seq 50); do
		grep -q -E 'dhcp: (full|proxy) mode on|tftp: serving' "$E2E_WORK/disklessd.log" &&
			e2e_listening "$ns" 69 udp && return 0
		e2e_alive disklessd || break
		sleep 0.1
	done
	e2e_fail "disklessd did not start: $(tail -n 1 "$E2E_WORK/disklessd.log" | cut -d' ' -f2- | cut -c1-200)"
}

# e2e_ra NS: router advertisements, nothing else (no DHCP, no DNS). iPXE
# waits about 13 s for IPv6 autoconfiguration on a segment without any
# (reference/vm-boot.md pitfall 14); a lab with IPv6 routers has them.
e2e_ra() {
	ip -n "$1" addr add fd00:e2e::1/64 dev "$E2E_BR" nodad 2>/dev/null
	e2e_spawn ra 1200 ip netns exec "$1" dnsmasq --keep-in-foreground --conf-file=/dev/null \
		--port=0 --interface="$E2E_BR" --bind-interfaces --enable-ra \
		--dhcp-range=::,constructor:"$E2E_BR",ra-only --user=root --group=root \
		--pid-file="$E2E_WORK/ra.pid" --log-facility=-
}

# e2e_qemu_pxe NS MAC SECS [QEMU ARGS...]: the client: BIOS (SeaBIOS), the
# NIC's iPXE ROM boots from the network (-boot n); the console (ttyS0, and
# the firmware's output: -nographic sends it there, pitfall 12) goes to
# console.log; the monitor to the FIFOs qemu.mon.in/out (e2e_poweroff).
# virtio-net: QEMU's e1000 holds RX for 1 s after each reset (pitfall 15).
e2e_qemu_pxe() {
	local ns=$1 mac=$2 secs=$3
	shift 3
	rm -f "$E2E_WORK/qemu.mon.in" "$E2E_WORK/qemu.mon.out"
	mkfifo "$E2E_WORK/qemu.mon.in" "$E2E_WORK/qemu.mon.out" || return 1
	E2E_T0=$EPOCHREALTIME
	e2e_spawn console "$secs" ip netns exec "$ns" qemu-system-x86_64 -machine pc -accel tcg \
		-m 1024 -nographic -serial stdio -no-reboot -boot n \
		-chardev "pipe,id=mon0,path=$E2E_WORK/qemu.mon" -mon chardev=mon0,mode=readline \
		-netdev "tap,id=n0,ifname=$E2E_TAP,script=no,downscript=no" \
		-device "virtio-net-pci,netdev=n0,mac=$mac" "$@"
	# drain the monitor's output so QEMU never blocks on a full FIFO
	e2e_spawn monitor "$((secs + 10))" cat "$E2E_WORK/qemu.mon.out"
}

e2e_poweroff() {
	timeout 5 sh -c "echo 'sendkey ctrl-alt-delete' > '$E2E_WORK/qemu.mon.in'"
}

# e2e_wait NAME ERE SECS: 0 when NAME.log has a matching line, 1 at the
# deadline or when NAME's process ended without one.
e2e_wait() {
	local log="$E2E_WORK/$1.log" end=$((SECONDS + $3))
	while [ "$SECONDS" -lt "$end" ]; do
		grep -q -a -E -- "$2" "$log" 2>/dev/null && return 0
		if ! e2e_alive "$1"; then
			grep -q -a -E -- "$2" "$log" 2>/dev/null
			return
		fi
		sleep 0.2
	done
	return 1
}

# Seconds from QEMU start to the first line of NAME.log matching ERE.
e2e_at() {
	local t
	t=$(grep -m1 -a -E -- "$2" "$E2E_WORK/$1.log" 2>/dev/null | cut -d' ' -f1)
	[ -n "$t" ] && [ -n "$E2E_T0" ] || return 0
	awk -v t="$t" -v t0="$E2E_T0" 'BEGIN { printf "%.3f\n", t - t0 }'
}

# Epoch time of the kernel's clock zero, from the console lines with a
# printk time ("[   12.345678] ..."): the smallest stamp - printk time (the
# console prints some lines late, none early).
e2e_kernel_zero() {
	awk 'match($0, /^[0-9.]+ \[ *[0-9]+\.[0-9]+\]/) {
		t = substr($0, index($0, "[") + 1); sub(/\].*/, "", t)
		d = $1 - t; if (z == "" || d < z) z = d }
		END { if (z != "") printf "%.6f\n", z }' "$E2E_WORK/console.log"
}

# e2e_event_at SRC ERE: seconds from QEMU start, empty when not (yet) seen.
# SRC: a log name (the line's arrival), "kernel" (the printk time of the
# first console line matching ERE), or "unit" (ERE is a unit name: when it
# became active, as the report unit prints it).
e2e_event_at() {
	local line t z
	case $1 in
	kernel)
		line=$(grep -m1 -a -E -- "$2" "$E2E_WORK/console.log" 2>/dev/null) || return 0
		t=${line#*\[}
		t=${t%%\]*}
		;;
	unit)
		t=$(grep -m1 -a -o -E "E2E-REPORT active $2 [0-9]+" "$E2E_WORK/console.log" 2>/dev/null |
			awk '{ printf "%.6f", $4 / 1000000 }')
		;;
	*)
		e2e_at "$1" "$2"
		return 0
		;;
	esac
	z=$(e2e_kernel_zero)
	[ -n "$t" ] && [ -n "$z" ] && [ -n "$E2E_T0" ] || return 0
	awk -v t="$t" -v z="$z" -v t0="$E2E_T0" 'BEGIN { printf "%.3f\n", z + t - t0 }'
}

# e2e_report_overlay DIR: a unit that waits for the end of the boot and
# prints, with unique markers, the system state and the failed units on the
# console (systemd-nfs-root.md); Ctrl-Alt-Del powers off (e2e_poweroff)
# instead of rebooting. For test and demo images only.
e2e_report_overlay() {
	local d=$1
	mkdir -p "$d/etc/systemd/system/multi-user.target.wants" "$d/usr/lib/diskless-e2e" || return 1
	cat >"$d/etc/systemd/system/diskless-e2e-report.service" <<'EOF'
[Unit]
Description=Boot report on the console (diskless end-to-end run)
After=multi-user.target

[Service]
Type=simple
ExecStart=/usr/lib/diskless-e2e/report
StandardOutput=tty
StandardError=tty
TTYPath=/dev/console

[Install]
WantedBy=multi-user.target
EOF
	cat >"$d/usr/lib/diskless-e2e/report" <<'EOF'
#!/bin/sh
# The state once the boot job queue is empty, then the failed units. All
# in one write(2) at the end: the getty prints its prompt on the same
# console meanwhile, and a line cut by it would not be found.
report() {
	state=$(systemctl is-system-running --wait 2>/dev/null)
	echo
	echo "E2E-REPORT state=$state"
	systemctl --failed --no-legend --plain 2>/dev/null | sed 's/^/E2E-REPORT failed: /'
	for u in multi-user.target serial-getty@ttyS0.service; do
		echo "E2E-REPORT active $u $(systemctl show -P ActiveEnterTimestampMonotonic "$u")"
	done
	echo "E2E-REPORT root: $(findmnt -n -o SOURCE,FSTYPE,OPTIONS / 2>/dev/null | head -n 1)"
	echo "E2E-REPORT remount-fs $(systemctl show -P ActiveState systemd-remount-fs.service)/$(systemctl show -P Result systemd-remount-fs.service)"
	echo "E2E-REPORT boot-nic $(grep -h -o '^MACAddress=.*' /run/systemd/network/00-diskless-boot.network 2>/dev/null)"
	echo "E2E-REPORT $(systemd-analyze time 2>/dev/null | head -n 1)"
	echo "E2E-REPORT end"
}
out=$(report)
printf '\n%s\n' "$out"
EOF
	chmod 755 "$d/usr/lib/diskless-e2e/report"
	ln -sf ../diskless-e2e-report.service \
		"$d/etc/systemd/system/multi-user.target.wants/diskless-e2e-report.service"
	ln -sf /lib/systemd/system/poweroff.target "$d/etc/systemd/system/ctrl-alt-del.target"
}
