#!/bin/bash
# the TAP driver runs tests with $(SHELL) (dash): this one needs bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# An export this client may not mount (NFSv3, exported to another subnet):
# the console shows one line naming the server, the path and the likely
# fix (root_squash / not exported to this client), then panic=1 reboots.
. "$(dirname "$0")/vm-lib.sh"
vm_require rpcbind
vm_plan 2
vm_net_setup || { vm_ok 1 "network namespaces"; exit 0; }
vm_make_root
vm_initrd "$VM_WORK/initrd.img"
vm_ganesha_start "3, 4" RW /nbroot 10.77.9.0/24 || { vm_ok 1 "ganesha started"; exit 0; }
vm_boot denied virtio-net-pci 120 "panic=1 root=/dev/nfs nfsroot=$VM_SRV_IP:/nbroot,vers=3 ip=$VM_CLI_IP:$VM_SRV_IP::255.255.255.0 BOOTIF=01-${VM_MAC//:/-}"
vm_timings denied
line=$(grep -a 'diskless-init: fatal:' "$VM_LOG" | head -n 1 | sed 's/^ *[0-9.]* //')
vm_diag "console: $line"
case "$line" in
*"$VM_SRV_IP:/nbroot"*"permission denied: is the export root_squash or not exported to this client?"*) r=0 ;;
*) r=1; vm_dump_log ;;
esac
vm_ok $r "one fatal line names server, path and the fix"
! vm_log_has 'DISKLESS-ROOT-MARKER'; vm_ok $? "no switch_root happened"
exit 0
