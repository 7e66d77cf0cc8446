#!/bin/sh
# root-init.sh - the /sbin/init of the boot benches' root (boot-bench.sh,
# pxe-boot-bench.sh): the guest's uptime first (the kernel's clock, 0 = the
# kernel's start; busybox builtins only before it), then the kernel's own
# time stamp of handing over to the initramfs, the marker, and power off
# (QEMU runs with -no-reboot, so it exits).
export PATH=/bin
[ -r /proc/uptime ] || mount -t proc proc /proc
read -r up _ </proc/uptime
echo
echo "BOOT-BENCH-UPTIME $up"
echo "BOOT-BENCH-RUNINIT $(dmesg | sed -n 's/^\[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p' | head -n 1)"
echo "DISKLESS-ROOT-MARKER pid=$$"
poweroff -f
