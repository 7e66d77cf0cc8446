#!/bin/bash
# the TAP driver runs tests with $(SHELL) (dash): this one needs bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
# ip=dhcp: diskless-init runs one DHCP exchange itself (dnsmasq in the server
# namespace) and takes the address, router, DNS, host name and the root path
# from option 17; the NFS server comes from the DHCP server identifier
# (reference §1.6, last fallback) since nothing else names it.
. "$(dirname "$0")/vm-lib.sh"
vm_require dnsmasq
vm_plan 5
vm_net_setup || { vm_ok 1 "network namespaces"; exit 0; }
vm_make_root
vm_initrd "$VM_WORK/initrd.img"
vm_ganesha_start "4" RW || { vm_ok 1 "ganesha started"; exit 0; }
vm_dnsmasq_start --dhcp-host="$VM_MAC,10.77.0.77,pc77" \
	--dhcp-option=option:router,"$VM_SRV_IP" --dhcp-option=option:dns-server,10.77.0.53 \
	--dhcp-option=option:domain-name,lab.example --dhcp-option=17,"/nbroot,vers=4.1"
vm_boot dhcp virtio-net-pci 120 "panic=1 root=/dev/nfs ip=dhcp diskless.debug"
vm_timings dhcp
vm_log_has 'DISKLESS-ROOT-MARKER pid=1'; r=$?
vm_ok $r "root init runs after a DHCP boot"
[ $r = 0 ] || { vm_dump_log; sed 's/^/#   dnsmasq: /' "$VM_WORK/dnsmasq.log" | tail -n 10; }
vm_log_has "ROOTMOUNT $VM_SRV_IP:/nbroot / nfs4 .*vers=4.1"; vm_ok $? "root path and options from DHCP option 17"
vm_log_has "NETCONF IPV4ADDR='10.77.0.77'" && vm_log_has "NETCONF PROTO='dhcp'"
vm_ok $? "address from the DHCP ACK, net-<dev>.conf says dhcp"
vm_log_has "RESOLV nameserver 10.77.0.53" && vm_log_has "RESOLV search lab.example"
vm_ok $? "resolv.conf from DHCP options 6 and 15"
vm_log_has "HOSTNAME pc77"; vm_ok $? "host name from DHCP option 12"
exit 0
