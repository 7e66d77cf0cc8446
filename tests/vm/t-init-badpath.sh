#!/bin/bash
# the TAP driver runs tests with $(SHELL) (dash): this one needs bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# A wrong export path, over NFSv4.2 and NFSv3: the console must show ONE
# line naming the server, the path and the likely fix, then panic=1 reboots
# (QEMU runs with -no-reboot, so it exits).
. "$(dirname "$0")/vm-lib.sh"
vm_require rpcbind
vm_plan 6
vm_net_setup || { vm_ok 1 "network namespaces"; exit 0; }
vm_make_root
vm_initrd "$VM_WORK/initrd.img"
vm_ganesha_start "3, 4" RW || { vm_ok 1 "ganesha started"; exit 0; }
for v in 4.2 3; do
	vm_boot "badpath-v$v" virtio-net-pci 120 "panic=1 root=/dev/nfs nfsroot=$VM_SRV_IP:/no/such/export,vers=$v ip=$VM_CLI_IP:$VM_SRV_IP::255.255.255.0 BOOTIF=01-${VM_MAC//:/-}"
	vm_timings "badpath-v$v"
	line=$(grep -a 'diskless-init: fatal:' "$VM_LOG" | head -n 1 | sed 's/^ *[0-9.]* //')
	vm_diag "console: $line"
	# mountd (v3) cannot tell "no such path" from "not exported to you"
	case "$v:$line" in
	4*:*"$VM_SRV_IP:/no/such/export"*"vers=$v): no such export path"*) r=0 ;;
	3:*"$VM_SRV_IP:/no/such/export"*"vers=$v): permission denied:"*"check the path)") r=0 ;;
	*) r=1; vm_dump_log ;;
	esac
	vm_ok $r "vers=$v: one fatal line names server, path and the fix"
	[ "$(grep -a -c 'diskless-init: fatal:' "$VM_LOG")" = 1 ]; vm_ok $? "vers=$v: exactly one fatal line"
	vm_log_has 'diskless-init: rebooting in 1 s' && ! vm_log_has 'DISKLESS-ROOT-MARKER'
	vm_ok $? "vers=$v: panic=1 reboots, no switch_root"
done
exit 0
