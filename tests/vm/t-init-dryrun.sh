#!/bin/sh
# diskless-init -n: the dry run prints the parser's view of a command line.
# Not a VM test (no root, milliseconds): it runs in the normal `make check`.
init="${DISKLESS_INIT:-${top_builddir:-.}/initrd/diskless-init}"
if [ ! -x "$init" ]; then
	echo "1..0 # SKIP diskless-init not built ($init)"
	exit 0
fi
n=0
fail=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
# run LINE: sets out and rc
run() {
	out=$("$init" -n "$1" 2>&1)
	rc=$?
}
has() {
	printf '%s\n' "$out" | grep -qxF -- "$1"
}
echo 1..22

run "root=/dev/nfs nfsroot=10.0.0.1:/srv/lab,vers=3,nolock,proto=tcp ro ip=10.0.0.11:10.0.0.1:10.0.0.1:255.255.255.0:pc01::off:10.0.0.1 BOOTIF=01-52-54-00-12-34-56 diskless.overlay=tmpfs panic=10"
ok $rc "static line: exit 0"
has "mount: 10.0.0.1:/srv/lab type nfs (ro) options vers=3,proto=tcp,nolock,addr=10.0.0.1"; ok $? "static line: mount source and options"
has "interface: the one with MAC 52:54:00:12:34:56 (BOOTIF=)"; ok $? "static line: interface rule"
has "address: static 10.0.0.11/24 gateway 10.0.0.1"; ok $? "static line: address"
has "overlay: tmpfs"; ok $? "static line: overlay"
has "on failure: reboot after 10 s"; ok $? "static line: panic"
# which tagged lines of modules.load this boot loads: nfsv4 only for v4,
# overlay only with diskless.overlay=tmpfs, the version left to DHCP
has "modules:nfs,nfs3,overlay (and the NIC drivers by modalias)"; ok $? "static line: modules nfs3 and overlay"
run "root=/dev/nfs ip=dhcp panic=0"
has "on failure: halt (panic=0)"; ok $? "panic=0 halts, as the boot does"
run "root=/dev/nfs ip=dhcp panic=-1"
has "on failure: reboot at once (panic=-1)"; ok $? "panic=-1 reboots at once"

run "root=/dev/nfs ip=dhcp"
ok $rc "dhcp line: exit 0"
printf '%s\n' "$out" | grep -q '^nfs: completed by DHCP at boot ('; ok $? "dhcp line: server and path left to DHCP"
has "interface: the first Ethernet interface with carrier"; ok $? "dhcp line: interface rule"
has "modules:nfs (and the NIC drivers by modalias); nfs3 or nfs4 once DHCP tells the version"
ok $? "dhcp line: modules: the version once DHCP answered"

run "root=nfs4:10.0.0.2:/img:vers=4.2 ip=10.0.0.5:::255.255.255.0::eth1:off init=/lib/systemd/systemd"
has "mount: 10.0.0.2:/img type nfs4 (ro) options vers=4.2,proto=tcp,addr=10.0.0.2"; ok $? "dracut nfs4 line"
has "init: /lib/systemd/systemd"; ok $? "init="
has "modules:nfs,nfs4 (and the NIC drivers by modalias)"; ok $? "dracut nfs4 line: modules nfs4, no overlay"
run "root=/dev/nfs nfsroot=10.0.0.1:/srv/lab ip=10.0.0.5:::255.255.255.0"
has "modules:nfs,nfs3 (and the NIC drivers by modalias)"; ok $? "no vers=: NFSv3, the kernel's default"

run "root=/dev/nfs nfsroot=10.0.0.1:/srv/%d ip=10.0.0.5:::255.255.255.0 BOOTIF=zz"
[ $rc = 2 ]; ok $? "bad line: exit 2"
has "warning: nfsroot: only %s may follow % in the path" && has "warning: BOOTIF: not a 6-byte unicast MAC (want 01-xx-xx-xx-xx-xx-xx)"
ok $? "bad line: one warning per bad parameter"

run "quiet splash"
[ $rc = 2 ] && has "root: none: not an NFS root"; ok $? "no NFS root: exit 2"

v=$("$init" --version); [ "$v" = "diskless-init 0.1.0" ] || [ "${v#diskless-init }" != "$v" ]
ok $? "--version"
"$init" --bogus >/dev/null 2>&1; [ $? = 2 ]; ok $? "unknown option: exit 2"
exit 0
