#!/bin/bash
# the TAP driver runs tests with $(SHELL) (dash): this one needs bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# The NFS server starts 20 s after the client: diskless-init says what it
# waits for, backs off, and boots once the server answers.
. "$(dirname "$0")/vm-lib.sh"
vm_require
vm_plan 3
vm_net_setup || { vm_ok 1 "network namespaces"; exit 0; }
vm_make_root
vm_initrd "$VM_WORK/initrd.img"
( sleep 20; vm_ganesha_start "4" RW ) &
VM_PIDS="$VM_PIDS $!"
vm_boot late virtio-net-pci 180 "panic=1 root=/dev/nfs nfsroot=$VM_SRV_IP:/nbroot,vers=4.2 ip=$VM_CLI_IP:$VM_SRV_IP::255.255.255.0 BOOTIF=01-${VM_MAC//:/-}"
vm_timings late-server
vm_log_has 'waiting for NFS server 10.77.0.1'; vm_ok $? "console says it waits for the server"
vm_log_has 'NFS server 10.77.0.1 answered after'; vm_ok $? "mount retried until the server answered"
vm_log_has 'DISKLESS-ROOT-MARKER pid=1'; r=$?
vm_ok $r "root init runs after the late server"
[ $r = 0 ] || vm_dump_log
exit 0
