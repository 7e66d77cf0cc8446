#!/usr/bin/env bash
# `make bench` runs it with $(SHELL) (dash): this one needs bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# boot-bench.sh - time from kernel start to the root's init, NFSv3 root over
# virtio-net (or -N e1000) with a static ip=: our initramfs (`diskless initrd` + diskless-init)
# against Debian's own initramfs-tools (mkinitramfs, BOOT=nfs), same VM,
# kernel, server and export, measured in the same run.
#
# Both images are built once; then RUNS boots of each, interleaved (ours,
# theirs, ours, theirs ...), in the QEMU TCG VM of tests/vm/vm-lib.sh. The
# root is vm-lib's busybox root with its /sbin/init replaced by one that
# prints, first thing, the guest's own /proc/uptime (the kernel's clock,
# 0 = kernel start: independent of QEMU start-up and host-side noise) and
# the kernel's time stamp of "Run /init" (so the kernel's own part and the
# initramfs part can be told apart), then powers off.
#
# Prints per member: uptime at the root's init, median [min..max]; the
# kernel part (to "Run /init") and the initramfs part (from "Run /init" to
# the root's init); the per-run ratio ours/theirs (median [min..max]); the
# initramfs sizes; and whether the target (ours at most 0.5x) is met.
#
# Usage: boot-bench.sh [-n RUNS] [-N NIC] [-c CODEC] [-l] [-v] [-d] [-x RAW.tsv]
#   -n  boots per member (default 3; each boot takes 10-40 s under TCG)
#   -N  QEMU NIC model for both members (default virtio-net-pci; -N e1000
#       for the emulated Intel card). The e1000 model adds 3 s that neither
#       init can shorten, the same for both: its link comes up about 2 s
#       after the driver opens it, and it stops receiving for 1 s whenever
#       the driver rewrites its receive control register (hw/net/e1000.c,
#       flush_queue_timer), which Linux does when IPv6 joins its multicast
#       groups at link up, in the middle of the first NFS exchange
#   -c  ours with `diskless initrd --compress CODEC` (default: its own
#       default, zstd when the kernel reads it)
#   -l  theirs with MODULES=list (e1000 virtio_net virtio_pci nfs nfsv3)
#       instead of MODULES=netboot (Debian's documented NFS-root recipe)
#   -v  verbose kernel (drop `quiet` from both command lines)
#   -d  add diskless.debug to ours (per-phase timings, kept in the logs of
#       -x's directory; a diagnostic: it slows ours down)
#   -x  also write the per-run rows (TSV) here, and keep the console logs
#       beside it (FILE.ours-N.log, FILE.theirs-N.log)
# Environment: top_builddir (default .), DISKLESS (default
#   $top_builddir/builder/diskless), DISKLESS_INIT (default
#   $top_builddir/initrd/diskless-init), VM_KVER (default newest /boot kernel).
# Needs root, qemu-system-x86_64, nfs-ganesha(-vfs), rpcbind, busybox-static,
# cpio, initramfs-tools with klibc-utils. Exit: 0 done, 1 a member never
# reached its root, 2 usage or missing prerequisite.
set -u
RUNS=3 NIC=virtio-net-pci LISTMODS="" VERBOSE="" DEBUG="" RAW="" CODEC=()
while getopts "n:N:c:lvdx:h" o; do
	case $o in
	n) RUNS=$OPTARG ;; N) NIC=$OPTARG ;; l) LISTMODS=1 ;; v) VERBOSE=1 ;; d) DEBUG=1 ;; x) RAW=$OPTARG ;;
	c) CODEC=(--compress "$OPTARG") ;;
	*) sed -n '4,43p' "$0"; exit 2 ;;
	esac
done
case $RUNS in '' | *[!0-9]* | 0) echo "boot-bench: -n $RUNS: not a positive count (give e.g. -n 3)" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "boot-bench: needs root (network namespaces, tap; run it with sudo)" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null ||
	{ echo "boot-bench: qemu-system-x86_64 missing (apt-get install qemu-system-x86)" >&2; exit 2; }
command -v mkinitramfs >/dev/null ||
	{ echo "boot-bench: mkinitramfs missing (apt-get install initramfs-tools)" >&2; exit 2; }
{ [ -x /usr/lib/klibc/bin/ipconfig ] && [ -x /usr/lib/klibc/bin/nfsmount ]; } ||
	{ echo "boot-bench: klibc ipconfig/nfsmount missing (apt-get install klibc-utils)" >&2; exit 2; }

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=.}"
: "${DISKLESS:=$top_builddir/builder/diskless}"
: "${DISKLESS_INIT:=$top_builddir/initrd/diskless-init}"
[ -x "$DISKLESS" ] || { echo "boot-bench: $DISKLESS not built (run make, or set DISKLESS)" >&2; exit 2; }
export DISKLESS DISKLESS_INIT
# vm_require skips unless this is set: here the boots are the point
# shellcheck disable=SC2034
DISKLESS_VM_TESTS=1
# shellcheck source=tests/vm/vm-lib.sh
. "$top_srcdir/tests/vm/vm-lib.sh"
vm_require rpcbind

BUILD_TMO=600 BOOT_TMO=240
OURS=$VM_WORK/ours.img THEIRS=$VM_WORK/theirs.img
vm_diag "kernel $VM_KVER, runs $RUNS, NIC $NIC, NFSv3/TCP, static ip="

# ours: only the NIC drivers the VM can have (as in the NFS tests)
if ! timeout "$BUILD_TMO" "$DISKLESS" initrd --init "$DISKLESS_INIT" --kernel-version "$VM_KVER" \
	--nic e1000,virtio_net,virtio_pci "${CODEC[@]}" --out "$OURS" >"$VM_WORK/ours-build.log" 2>&1; then
	echo "boot-bench: diskless initrd failed:" >&2
	sed 's/^/  /' "$VM_WORK/ours-build.log" >&2
	exit 1
fi
# theirs: Debian's config with BOOT=nfs, in a private config directory
CONF=$VM_WORK/initramfs-tools
cp -a /etc/initramfs-tools "$CONF"
if [ -n "$LISTMODS" ]; then
	sed -i 's/^MODULES=.*/MODULES=list/' "$CONF/initramfs.conf"
	printf '%s\n' e1000 virtio_pci virtio_net nfs nfsv3 >>"$CONF/modules"
	theirs_mods="MODULES=list"
else
	sed -i 's/^MODULES=.*/MODULES=netboot/' "$CONF/initramfs.conf"
	theirs_mods="MODULES=netboot"
fi
sed -i 's/^BOOT=.*//' "$CONF/initramfs.conf"
echo BOOT=nfs >>"$CONF/initramfs.conf"
if ! timeout "$BUILD_TMO" mkinitramfs -d "$CONF" -o "$THEIRS" "$VM_KVER" >"$VM_WORK/theirs-build.log" 2>&1; then
	echo "boot-bench: mkinitramfs failed:" >&2
	sed 's/^/  /' "$VM_WORK/theirs-build.log" >&2
	exit 1
fi

vm_net_setup || { echo "boot-bench: network namespaces failed" >&2; exit 1; }
vm_make_root
# the root's init prints the uptime first (bench/root-init.sh)
install -m 755 "$top_srcdir/bench/root-init.sh" "$VM_WORK/root/sbin/init"
vm_ganesha_start "3, 4" RW || { echo "boot-bench: NFS-Ganesha did not start" >&2; exit 1; }

q="quiet"
[ -n "$VERBOSE" ] && q=""
IPARG="ip=$VM_CLI_IP:$VM_SRV_IP:$VM_SRV_IP:255.255.255.0 BOOTIF=01-${VM_MAC//:/-}"
dbg=""
[ -n "$DEBUG" ] && dbg=" diskless.debug"
# each tool's own option syntax for the same mount: v3 over TCP, no locks
APPEND_OURS="panic=1 $q nfsroot=$VM_SRV_IP:/nbroot,vers=3,proto=tcp,nolock ro $IPARG$dbg"
APPEND_THEIRS="panic=1 $q root=/dev/nfs nfsroot=$VM_SRV_IP:/nbroot,v3,tcp ro $IPARG"
vm_diag "ours:   $APPEND_OURS"
vm_diag "theirs: $APPEND_THEIRS ($theirs_mods)"

RAWF=$VM_WORK/raw.tsv
printf 'run\tlabel\tuptime_s\trun_init_s\twall_s\tok\n' >"$RAWF"
boot_one() { # RUN LABEL IMAGE APPEND
	cp "$3" "$VM_WORK/initrd.img"
	vm_boot "$2-$1" "$NIC" "$BOOT_TMO" "$4"
	local up ri ok=0
	# the marker may share a line with the firmware's output (quiet boot)
	up=$(grep -a -o -m1 'BOOT-BENCH-UPTIME [0-9.]*' "$VM_LOG" | awk '{print $2}')
	ri=$(grep -a -o -m1 'BOOT-BENCH-RUNINIT [0-9.]*' "$VM_LOG" | awk '{print $2}')
	[ -n "$up" ] && ok=1
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "${up:-0}" "${ri:-0}" "$VM_BOOT_SECS" "$ok" >>"$RAWF"
	if [ $ok = 1 ]; then
		vm_diag "run $1 $2: root init at ${up} s (Run /init ${ri:-?} s), wall ${VM_BOOT_SECS} s"
	else
		vm_diag "run $1 $2: root's init never ran"
		vm_dump_log
	fi
	[ -n "$RAW" ] && cp "$VM_LOG" "$RAW.$2-$1.log"
}
for run in $(seq "$RUNS"); do
	boot_one "$run" ours "$OURS" "$APPEND_OURS"
	boot_one "$run" theirs "$THEIRS" "$APPEND_THEIRS"
done

stats() { sort -g | awk 'NF {a[++n]=$1} END {if (!n) {print "-"; exit}
	m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	printf "%.3f [%.3f..%.3f]", m, a[1], a[n]}'; }
# COLUMN of LABEL's successful runs; column 0 is uptime - run_init
col() { awk -F'\t' -v l="$1" -v c="$2" '$2 == l && $6 == 1 {print (c ? $c : $3 - $4)}' "$RAWF"; }
status=0
for label in ours theirs; do
	if [ -z "$(col $label 3)" ]; then
		echo "boot $label: the root's init was never reached"
		status=1
		continue
	fi
	img=$OURS
	[ $label = theirs ] && img=$THEIRS
	printf 'boot %-6s to_root_init_s=%s kernel_s=%s initramfs_s=%s ok=%d/%d initrd_KiB=%d\n' \
		$label "$(col $label 3 | stats)" "$(col $label 4 | stats)" "$(col $label 0 | stats)" \
		"$(col $label 3 | wc -l)" "$RUNS" $(( $(stat -c %s "$img") / 1024 ))
done
ratio() { # COLUMN: per run, ours / theirs
	awk -F'\t' -v c="$1" '$6 != 1 {next} {v = c ? $c : $3 - $4}
		$2 == "ours" {a[$1] = v} $2 == "theirs" {b[$1] = v}
		END {for (r in a) if ((r in b) && b[r] > 0) print a[r] / b[r]}' "$RAWF" | stats
}
if [ $status = 0 ]; then
	t=$(ratio 3)
	printf 'boot ratio ours/theirs to_root_init=%s initramfs_part=%s target_0.5x=%s\n' \
		"$t" "$(ratio 0)" "$(awk -v x="${t%% *}" 'BEGIN {print (x <= 0.5) ? "met" : "not met"}')"
fi
[ -n "$RAW" ] && cp "$RAWF" "$RAW"
exit $status
