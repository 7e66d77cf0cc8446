#!/bin/bash
# the TAP driver runs tests with $(SHELL) (dash): this one needs bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# diskless-init boots an NFSv3 root over e1000 with the static command line
# the bundled server emits: nfsroot= + ip= (pxelinux IPAPPEND 1 form) +
# BOOTIF= (IPAPPEND 2). Opt-in VM test: QEMU TCG, root only.
. "$(dirname "$0")/vm-lib.sh"
vm_require rpcbind
vm_plan 5
vm_net_setup || { vm_ok 1 "network namespaces"; exit 0; }
vm_make_root
vm_initrd "$VM_WORK/initrd.img"
vm_ganesha_start "3, 4" RW || { vm_ok 1 "ganesha started"; exit 0; }
vm_boot nfs3 e1000 120 "panic=1 nfsroot=$VM_SRV_IP:/nbroot,vers=3,proto=tcp,nolock ro ip=$VM_CLI_IP:$VM_SRV_IP:$VM_SRV_IP:255.255.255.0 BOOTIF=01-${VM_MAC//:/-} diskless.debug"
vm_timings nfs3-e1000
vm_log_has 'DISKLESS-ROOT-MARKER pid=1'; r=$?
vm_ok $r "root init runs as PID 1 after switch_root"
[ $r = 0 ] || vm_dump_log
vm_log_has "ROOTMOUNT $VM_SRV_IP:/nbroot / nfs .*vers=3"; vm_ok $? "root is NFSv3 from $VM_SRV_IP:/nbroot"
vm_log_has "ROOTMOUNT .* / nfs ro,"; vm_ok $? "root is mounted read-only (ro)"
vm_log_has "NETCONF IPV4ADDR='$VM_CLI_IP'"; vm_ok $? "/run/net-<dev>.conf written in klibc format"
vm_log_has "GUEST-WRITE-FAILED"; vm_ok $? "ro root refuses writes"
exit 0
