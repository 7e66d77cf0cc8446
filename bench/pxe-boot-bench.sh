#!/usr/bin/env bash
# `make bench` runs it with $(SHELL) (dash): this one needs bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# pxe-boot-bench.sh - power-on to the root's init over BIOS PXE: our whole
# chain against dnsmasq + pxelinux + Debian's initramfs-tools (BOOT=nfs),
# same VM (QEMU TCG, 512 MiB, virtio-net with QEMU's iPXE ROM as the
# firmware, -boot n), same kernel, same NFS-Ganesha export (NFSv3/TCP, the
# config `diskless export --format ganesha` writes), same root, in the same
# run, interleaved (ours, ours-all, theirs, ours, ...):
#   ours      disklessd (full DHCP mode) serving the tree `diskless pxe`
#             wrote: iPXE ROM -> boot.ipxe -> the host's iPXE script with the
#             command line `diskless pxe` emits -> the kernel and
#             `diskless initrd --nic virtio_net,virtio_pci` (the NIC the lab
#             has, as an admin builds it);
#   ours-all  the same with the default `diskless initrd` (every NIC driver);
#   theirs    dnsmasq (DHCP + TFTP, as Debian documents it: dhcp-boot
#             pxelinux.0, enable-tftp), Debian's pxelinux.0 + ldlinux.c32, a
#             pxelinux.cfg/default with the kernel, mkinitramfs with BOOT=nfs
#             and MODULES=netboot, `root=/dev/nfs nfsroot=SRV:PATH,v3,tcp ro`
#             and IPAPPEND 3 (pxelinux's ip=<client>:<server>:<gw>:<mask>
#             and BOOTIF=, the static address ours gets from its script).
# Each boot has its own server process (disklessd or dnsmasq, started
# before QEMU, stopped after), ganesha serves them all. Both get the same
# client address and, in the namespace, an IPv6 router advertisement sender
# (dnsmasq, RA only): without one iPXE spends ~13 s in IPv6
# autoconfiguration (reference/vm-boot.md pitfall 14), a constant of the
# firmware, not of either server, which a lab with IPv6 routers never sees.
#
# "Power-on" is QEMU's start (host clock), "the root's init" the line the
# root's /sbin/init prints first (every console and server log line is
# stamped on arrival). Both command lines say `quiet` (the serial console
# at 115200 costs seconds under TCG otherwise); the root's init prints the
# kernel's uptime and the kernel's time of "Run /init", which give the
# kernel's start on the host clock. Per boot: firmware (to the first
# DHCPDISCOVER), DHCP (to the first DHCPACK), TFTP (to the last file sent),
# kernel load and decompression (to the kernel's clock zero), kernel (to
# "Run /init"), initramfs (to the root's init); and the TFTP payload bytes
# sent (disklessd logs each transfer's bytes; for dnsmasq, the sizes of the
# files it logs as sent).
#
# Prints per member: to_root_init median [min..max] and each phase's
# median; the per-run ratio ours/theirs and ours-all/theirs (median
# [min..max]); whether the target (ours at most 0.6x) is met.
#
# Usage: pxe-boot-bench.sh [-n RUNS] [-t] [-x RAW.tsv]
#   -n  boots per member (default 3; each takes 15-40 s under TCG)
#   -t  tune theirs as ours is: dnsmasq sends iPXE option 175.176
#       (no-pxedhcp), so iPXE does not wait 2 s for proxyDHCP offers
#       (pitfall 13); by default theirs is dnsmasq as documented
#   -x  also write the per-run rows (TSV) here, and keep every console and
#       server log beside it (RAW.<member>-<run>.*.log)
# Environment: top_srcdir, top_builddir (default .), DISKLESS, DISKLESSD,
#   DISKLESS_INIT (default: the build tree's), VM_KVER (default: the newest
#   /boot kernel). Needs root, qemu-system-x86_64 with ipxe-qemu,
#   nfs-ganesha(-vfs), rpcbind, dnsmasq, pxelinux, syslinux-common,
#   busybox-static, initramfs-tools with klibc-utils. Exit: 0 done, 1 a
#   member never reached its root, 2 usage or missing prerequisite.
set -u
RUNS=3 TUNED="" RAW=""
while getopts "n:tx:h" o; do
	case $o in
	n) RUNS=$OPTARG ;; t) TUNED=1 ;; x) RAW=$OPTARG ;;
	*) sed -n '4,54p' "$0"; exit 2 ;;
	esac
done
case $RUNS in '' | *[!0-9]* | 0) echo "pxe-boot-bench: -n $RUNS: not a positive count (give e.g. -n 3)" >&2; exit 2 ;; esac
need() { # WHAT PACKAGE
	echo "pxe-boot-bench: $1 missing (apt-get install $2, or scripts/install-deps)" >&2
	exit 2
}
[ "$(id -u)" = 0 ] || { echo "pxe-boot-bench: needs root (network namespace, tap; run it with sudo)" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null || need qemu-system-x86_64 qemu-system-x86
command -v ganesha.nfsd >/dev/null || need ganesha.nfsd "nfs-ganesha nfs-ganesha-vfs"
command -v rpcbind >/dev/null || need rpcbind rpcbind
command -v dnsmasq >/dev/null || need dnsmasq dnsmasq
command -v mkinitramfs >/dev/null || need mkinitramfs initramfs-tools
[ -x /usr/lib/klibc/bin/nfsmount ] || need "klibc nfsmount" klibc-utils
PXELINUX=/usr/lib/PXELINUX/pxelinux.0 LDLINUX=/usr/lib/syslinux/modules/bios/ldlinux.c32
[ -r "$PXELINUX" ] || need "$PXELINUX" pxelinux
[ -r "$LDLINUX" ] || need "$LDLINUX" syslinux-common
[ -x /bin/busybox ] || need /bin/busybox busybox-static

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=.}"
: "${DISKLESS:=$top_builddir/builder/diskless}"
: "${DISKLESSD:=$top_builddir/server/disklessd}"
: "${DISKLESS_INIT:=$top_builddir/initrd/diskless-init}"
for p in "$DISKLESS" "$DISKLESSD" "$DISKLESS_INIT"; do
	[ -x "$p" ] || { echo "pxe-boot-bench: $p not built (run make, or set DISKLESS, DISKLESSD, DISKLESS_INIT)" >&2; exit 2; }
done
if [ -z "${VM_KVER:-}" ]; then
	VM_KVER=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -n 1)
fi
KERNEL=/boot/vmlinuz-$VM_KVER
[ -n "$VM_KVER" ] && [ -r "$KERNEL" ] && [ -d "/lib/modules/$VM_KVER" ] ||
	need "a /boot kernel with its modules" linux-image-amd64
# shellcheck source=tests/vm/e2e-lib.sh
. "$top_srcdir/tests/vm/e2e-lib.sh"

NS=dlpb$$ SRV=10.79.0.1 CLI=10.79.0.50 MAC=52:54:00:4e:50:01
BUILD_TMO=600 BOOT_TMO=240
W=$(mktemp -d /tmp/pxe-boot-bench.XXXXXX) || exit 2
e2e_init "$W"
finish() {
	e2e_cleanup
	if [ -n "${BENCH_KEEP:-}" ]; then echo "# kept $W" >&2; else rm -rf "$W"; fi
}
trap finish EXIT
trap 'exit 1' INT TERM HUP
diag() { echo "# $*"; }
die() { echo "pxe-boot-bench: $*" >&2; exit 1; }
# build LOG CMD...: a build step under timeout; its log on failure
build() {
	local log=$1
	shift
	timeout "$BUILD_TMO" "$@" >"$log" 2>&1 && return 0
	echo "pxe-boot-bench: $1 failed:" >&2
	sed 's/^/  /' "$log" | tail -n 20 >&2
	exit 1
}

# ---- the root: busybox, bench/root-init.sh as /sbin/init ----------------
R=$W/root
mkdir -p "$R/bin" "$R/sbin" "$R/proc" "$R/sys" "$R/dev" "$R/etc" "$R/run" "$R/tmp"
cp /bin/busybox "$R/bin/busybox"
ln -s busybox "$R/bin/sh"
install -m 755 "$top_srcdir/bench/root-init.sh" "$R/sbin/init"

# ---- ours: site, initramfs (min and every NIC), TFTP tree, exports -------
SITE=$W/diskless.conf
mkdir -p "$W/state"
cat >"$SITE" <<EOF
[server]
interface = $E2E_BR
address = $SRV
mode = full
tftp-root = $W/tftp
state-dir = $W/state
hosts-dir = none
control-socket = none
[dhcp]
range = 10.79.0.100 10.79.0.199
netmask = 255.255.255.0
[image lab]
root = $R
nfs-options = vers=3,proto=tcp,nolock
overlay = none
kernel = $KERNEL
initrd = $W/ours.img
cmdline = console=ttyS0,115200n8 quiet panic=1
[host pc01]
mac = $MAC
address = $CLI
image = lab
EOF
diag "kernel $VM_KVER, runs $RUNS, BIOS PXE (iPXE ROM), virtio-net, NFSv3/TCP, 512 MiB, TCG"
build "$W/ours-build.log" "$DISKLESS" initrd --init "$DISKLESS_INIT" --kernel-version "$VM_KVER" \
	--nic virtio_net,virtio_pci --out "$W/ours.img"
build "$W/oursall-build.log" "$DISKLESS" initrd --init "$DISKLESS_INIT" --kernel-version "$VM_KVER" \
	--out "$W/oursall.img"
"$DISKLESS" -c "$SITE" export --format ganesha >"$W/ganesha.conf" 2>"$W/export.log" ||
	die "diskless export failed: $(tail -n 1 "$W/export.log")"

# ---- theirs: Debian's initramfs-tools BOOT=nfs, pxelinux, dnsmasq --------
CONF=$W/initramfs-tools
cp -a /etc/initramfs-tools "$CONF"
sed -i -e 's/^MODULES=.*/MODULES=netboot/' -e 's/^BOOT=.*//' "$CONF/initramfs.conf"
echo BOOT=nfs >>"$CONF/initramfs.conf"
build "$W/theirs-build.log" mkinitramfs -d "$CONF" -o "$W/theirs.img" "$VM_KVER"
T=$W/theirs-tftp
mkdir -p "$T/pxelinux.cfg"
cp "$PXELINUX" "$LDLINUX" "$T/"
cp "$KERNEL" "$T/vmlinuz"
cp "$W/theirs.img" "$T/initrd.img"
APPEND_THEIRS="console=ttyS0,115200n8 quiet panic=1 root=/dev/nfs nfsroot=$SRV:$R,v3,tcp ro initrd=initrd.img"
cat >"$T/pxelinux.cfg/default" <<EOF
SERIAL 0 115200
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  KERNEL vmlinuz
  APPEND $APPEND_THEIRS
  IPAPPEND 3
EOF
chmod -R a+rX "$W"
THEIRS_ARGS=(--keep-in-foreground --conf-file=/dev/null --port=0 --interface="$E2E_BR"
	--bind-interfaces --leasefile-ro --log-dhcp --log-facility=- --user=root --group=root
	--dhcp-range=10.79.0.100,10.79.0.199,255.255.255.0,1h --dhcp-host="$MAC,$CLI"
	--dhcp-boot=pxelinux.0 --enable-tftp --tftp-root="$T" --pid-file="$W/dnsmasq.pid")
[ -n "$TUNED" ] && THEIRS_ARGS+=(--dhcp-match=set:ipxe,175 --dhcp-option=tag:ipxe,encap:175,176,1)

# ---- the lab: namespace, RA sender, ganesha ------------------------------
e2e_netns "$NS" "$SRV/24" || die "$E2E_WHY"
e2e_ra "$NS"
e2e_ganesha "$NS" "$W/ganesha.conf" || die "$E2E_WHY"

# ---- one boot ------------------------------------------------------------
# server_start MEMBER: the member's DHCP/TFTP server, serving once it returns
server_start() {
	case $1 in
	theirs)
		e2e_spawn dnsmasq 1200 ip netns exec "$NS" dnsmasq "${THEIRS_ARGS[@]}"
		# it logs its TFTP root once its sockets are bound
		e2e_wait dnsmasq 'TFTP root is' 5 || die "dnsmasq did not start: $(tail -n 1 "$W/dnsmasq.log")"
		;;
	*)
		# the tree with this member's initramfs, as an admin runs it
		"$DISKLESS" -c "$SITE" pxe --initrd "lab=$W/$1.img" >"$W/pxe.log" 2>&1 ||
			die "diskless pxe failed: $(tail -n 1 "$W/pxe.log")"
		e2e_disklessd "$NS" "$SITE" || die "$E2E_WHY"
		;;
	esac
}

# rel LOG ERE [last]: seconds from QEMU start to the first (last) line of
# LOG matching ERE; empty when none
rel() {
	awk -v re="$2" -v last="${3:-}" -v t0="$E2E_T0" '$0 ~ re { t = $1; if (!last) exit }
		END { if (t != "") printf "%.3f\n", t - t0 }' "$1" 2>/dev/null
}

# tftp_bytes MEMBER LOG: payload bytes of the files sent whole
tftp_bytes() {
	if [ "$1" = theirs ]; then
		sed -n 's/.*dnsmasq-tftp[^:]*: sent \(.*\) to [0-9.]*$/\1/p' "$2" |
			while IFS= read -r f; do stat -c %s "$f"; done | awk '{ s += $1 } END { print s + 0 }'
	else
		awk '/tftp: .* sent [0-9]+ bytes/ { for (i = 1; i < NF; i++) if ($(i + 1) == "bytes") s += $i }
			END { print s + 0 }' "$2"
	fi
}

RAWF=$W/raw.tsv
printf 'run\tmember\ttotal_s\tfirmware_s\tdhcp_s\ttftp_s\tload_s\tkernel_s\tinitramfs_s\ttftp_bytes\tok\n' >"$RAWF"
# boot_one RUN MEMBER: one boot from power-on, one row of $RAWF
boot_one() {
	local run=$1 m=$2 srv=disklessd con=$W/qemu.log log mk up ri disc ack tend kz ok=1
	[ "$m" = theirs ] && srv=dnsmasq
	log=$W/$srv.log
	server_start "$m"
	E2E_T0=$EPOCHREALTIME
	# named qemu, not console: whole lines only (a stall of this machine
	# must not cut a marker line in two; nothing here waits for a prompt)
	e2e_spawn qemu "$BOOT_TMO" ip netns exec "$NS" qemu-system-x86_64 -machine pc -accel tcg \
		-m 512 -nographic -serial stdio -monitor none -no-reboot -boot n \
		-netdev "tap,id=n0,ifname=$E2E_TAP,script=no,downscript=no" \
		-device "virtio-net-pci,netdev=n0,mac=$MAC"
	e2e_wait qemu 'DISKLESS-ROOT-MARKER' "$BOOT_TMO" || ok=0
	# the init powers off: QEMU exits by itself (-no-reboot)
	for _ in $(seq 50); do e2e_alive qemu || break; sleep 0.2; done
	e2e_stop qemu
	e2e_stop "$srv"
	mk=$(rel "$con" 'BOOT-BENCH-UPTIME [0-9.]+')
	up=$(grep -a -o -m1 'BOOT-BENCH-UPTIME [0-9.]*' "$con" | awk '{ print $2 }')
	ri=$(grep -a -o -m1 'BOOT-BENCH-RUNINIT [0-9.]*' "$con" | awk '{ print $2 }')
	disc=$(rel "$log" 'DHCPDISCOVER')
	ack=$(rel "$log" 'DHCPACK')
	if [ "$m" = theirs ]; then tend=$(rel "$log" 'dnsmasq-tftp.*: sent ' last); else tend=$(rel "$log" 'tftp: .* sent [0-9]+ bytes' last); fi
	[ -n "$mk" ] && [ -n "$up" ] && [ -n "$ri" ] && [ -n "$disc" ] && [ -n "$ack" ] && [ -n "$tend" ] || ok=0
	if [ $ok = 1 ]; then
		kz=$(awk -v a="$mk" -v b="$up" 'BEGIN { printf "%.3f", a - b }')
		awk -v r="$run" -v m="$m" -v mk="$mk" -v d="$disc" -v a="$ack" -v t="$tend" -v kz="$kz" \
			-v ri="$ri" -v up="$up" -v by="$(tftp_bytes "$m" "$log")" 'BEGIN {
			printf "%s\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t1\n",
				r, m, mk, d, a - d, t - a, kz - t, ri, up - ri, by }' >>"$RAWF"
		diag "run $run $m: root init at $mk s (DHCPDISCOVER $disc, DHCPACK $ack, TFTP done $tend," \
			"kernel zero $kz, Run /init +$ri, root init +$up), TFTP $(tftp_bytes "$m" "$log") bytes"
	else
		printf '%s\t%s\t0\t0\t0\t0\t0\t0\t0\t0\t0\n' "$run" "$m" >>"$RAWF"
		diag "run $run $m: the root's init never ran; console (last 15 lines):"
		tail -n 15 "$con" | cut -d' ' -f2- | sed 's/^/#   /'
		diag "$srv (last 10 lines):"
		tail -n 10 "$log" | cut -d' ' -f2- | sed 's/^/#   /'
	fi
	if [ -n "$RAW" ]; then
		cp "$con" "$RAW.$m-$run.console.log"
		cp "$log" "$RAW.$m-$run.$srv.log"
	fi
	rm -f "$con" "$log"
}

OURS_APPEND=""
"$DISKLESS" -c "$SITE" pxe --initrd "lab=$W/ours.img" >"$W/pxe.log" 2>&1 &&
	OURS_APPEND=$(sed -n 's/^kernel [^ ]* //p' "$W/tftp/ipxe/01-${MAC//:/-}.ipxe" | sed 's/ || goto retry$//')
diag "ours:     $OURS_APPEND"
diag "theirs:   $APPEND_THEIRS (+ IPAPPEND 3)${TUNED:+, dnsmasq sends 175.176 to iPXE (-t)}"
diag "both with an IPv6 RA sender on the segment (the firmware's IPv6 wait is not measured)"
for run in $(seq "$RUNS"); do
	for m in ours oursall theirs; do
		boot_one "$run" "$m"
	done
done

# ---- the figures ----------------------------------------------------------
stats() { sort -g | awk 'NF {a[++n]=$1} END {if (!n) {print "-"; exit}
	m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	printf "%.3f [%.3f..%.3f]", m, a[1], a[n]}'; }
med() { stats | cut -d' ' -f1; }
col() { awk -F'\t' -v m="$1" -v c="$2" '$2 == m && $11 == 1 { print $c }' "$RAWF"; }
status=0
for m in ours oursall theirs; do
	if [ -z "$(col $m 3)" ]; then
		echo "pxe-boot $m: the root's init was never reached"
		status=1
		continue
	fi
	img=$W/$m.img
	printf 'pxe-boot %-7s to_root_init_s=%s ok=%d/%d\n' $m "$(col $m 3 | stats)" "$(col $m 3 | wc -l)" "$RUNS"
	printf 'pxe-boot %-7s   medians: firmware=%s dhcp=%s tftp=%s kernel_load=%s kernel=%s initramfs=%s\n' $m \
		"$(col $m 4 | med)" "$(col $m 5 | med)" "$(col $m 6 | med)" "$(col $m 7 | med)" \
		"$(col $m 8 | med)" "$(col $m 9 | med)"
	printf 'pxe-boot %-7s   tftp_bytes=%d initrd_KiB=%d\n' $m "$(col $m 10 | med | cut -d. -f1)" \
		$(( $(stat -c %s "$img") / 1024 ))
done
ratio() { # MEMBER COLUMN: per run, MEMBER / theirs
	awk -F'\t' -v m="$1" -v c="$2" '$11 != 1 { next }
		$2 == m { a[$1] = $c } $2 == "theirs" { b[$1] = $c }
		END { for (r in a) if ((r in b) && b[r] > 0) print a[r] / b[r] }' "$RAWF" | stats
}
if [ $status = 0 ]; then
	t=$(ratio ours 3)
	printf 'pxe-boot ratio ours/theirs to_root_init=%s target_0.6x=%s\n' \
		"$t" "$(awk -v x="${t%% *}" 'BEGIN { print (x <= 0.6) ? "met" : "not met" }')"
	printf 'pxe-boot ratio ours-all/theirs to_root_init=%s\n' "$(ratio oursall 3)"
fi
[ -n "$RAW" ] && cp "$RAWF" "$RAW"
exit $status
