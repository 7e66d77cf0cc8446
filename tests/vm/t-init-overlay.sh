#!/bin/bash
# the TAP driver runs tests with $(SHELL) (dash): this one needs bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# diskless.overlay=tmpfs over a read-only export: the guest can write, the
# write stays in RAM and never reaches the server's tree.
. "$(dirname "$0")/vm-lib.sh"
vm_require
vm_plan 4
vm_net_setup || { vm_ok 1 "network namespaces"; exit 0; }
vm_make_root
vm_initrd "$VM_WORK/initrd.img"
vm_ganesha_start "4" RO || { vm_ok 1 "ganesha started"; exit 0; }
vm_boot overlay virtio-net-pci 120 "panic=1 root=/dev/nfs nfsroot=$VM_SRV_IP:/nbroot,vers=4.2 ip=$VM_CLI_IP:$VM_SRV_IP::255.255.255.0 BOOTIF=01-${VM_MAC//:/-} diskless.overlay=tmpfs diskless.debug"
vm_timings overlay
vm_log_has 'DISKLESS-ROOT-MARKER pid=1'; r=$?
vm_ok $r "root init runs on the overlay"
[ $r = 0 ] || vm_dump_log
vm_log_has "ROOTMOUNT overlay / overlay .*lowerdir=/run/diskless/ro"; vm_ok $? "/ is an overlay over /run/diskless/ro"
vm_log_has "GUEST-WRITE-OK"; vm_ok $? "the guest can write to /"
[ ! -e "$VM_WORK/root/guest-write" ]; vm_ok $? "the write did not reach the read-only export"
exit 0
