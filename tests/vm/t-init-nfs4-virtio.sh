#!/bin/bash
# the TAP driver runs tests with $(SHELL) (dash): this one needs bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# diskless-init boots an NFSv4.2 root over virtio-net (virtio_pci first, then
# the virtio bus device appears and coldplug loads virtio_net), with the
# static ip=, the BOOTIF= MAC in colon form and ifname= renaming the NIC.
# No rpcbind: v4 needs none.
. "$(dirname "$0")/vm-lib.sh"
vm_require
vm_plan 5
vm_net_setup || { vm_ok 1 "network namespaces"; exit 0; }
vm_make_root
vm_initrd "$VM_WORK/initrd.img"
vm_ganesha_start "4" RW || { vm_ok 1 "ganesha started"; exit 0; }
vm_boot nfs4 virtio-net-pci 120 "panic=1 root=/dev/nfs nfsroot=$VM_SRV_IP:/nbroot,vers=4.2 rw ip=$VM_CLI_IP:$VM_SRV_IP:$VM_SRV_IP:255.255.255.0:pc50::off BOOTIF=$VM_MAC ifname=boot0:$VM_MAC diskless.debug"
vm_timings nfs4-virtio
vm_log_has 'DISKLESS-ROOT-MARKER pid=1'; r=$?
vm_ok $r "root init runs as PID 1 after switch_root"
[ $r = 0 ] || vm_dump_log
vm_log_has "ROOTMOUNT $VM_SRV_IP:/nbroot / nfs4 .*vers=4.2"; vm_ok $? "root is NFSv4.2"
vm_log_has "GUEST-WRITE-OK" && [ "$(cat "$VM_WORK/root/guest-write" 2>/dev/null)" = written-by-guest ]
vm_ok $? "rw root: the guest's write reaches the server"
vm_log_has "HOSTNAME pc50"; vm_ok $? "hostname from ip= field 5"
vm_log_has "NETCONF DEVICE='boot0'"; vm_ok $? "ifname= renames the boot NIC (net-boot0.conf)"
exit 0
