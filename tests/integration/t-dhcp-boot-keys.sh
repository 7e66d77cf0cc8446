#!/bin/sh
# t-dhcp-boot-keys.sh: the [boot] keys on the wire. disklessd in full mode
# across a veth pair between two network namespaces (dhcp-ns.sh); busybox
# udhcpc plays a PXE client of a given architecture (option 93 and the
# PXEClient class). An ARM64 UEFI client (arch 11) gets the efi-arm64 file,
# a BIOS one the bios file; with unknown-clients = ignore an unknown MAC
# gets no reply and no log line at the default level; after a SIGHUP with
# new [boot] values the new file is handed out and the unknown MAC gets an
# address.
. "${top_srcdir:?}/tests/lib.sh" || exit 1

need_root
need_cmd ip timeout busybox
busybox udhcpc --help >/dev/null 2>&1 || skip_all "busybox has no udhcpc applet"
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
. "$top_srcdir/tests/integration/dhcp-ns.sh"

NS_S=dlbs$$
NS_C=dlbc$$
IF_S=vbs$$
IF_C=vbc$$
dns_add "$NS_S" || skip_all "cannot create network namespaces"
dns_add "$NS_C" || exit 1
dns_link "$NS_S" "$IF_S" "$NS_C" "$IF_C" || exit 1
ip -n "$NS_S" addr add 10.82.0.1/24 dev "$IF_S"

HOST_MAC=02:82:00:00:00:11
UNKNOWN_MAC=02:82:00:00:00:99

# conf BOOT_LINES: the site with host pc01 and these lines in [boot]
conf() {
	dhcp_conf 10.82.0.1 255.255.255.0 10.82.0.100 10.82.0.150 "
[host pc01]
mac = $HOST_MAC
address = 10.82.0.11
image = lab

[boot]
$1"
}

# pxe NAME ARCH [ARGS...]: one lease as a PXE client of architecture ARCH
pxe() {
	_n=$1 _a=$2
	shift 2
	udhcpc "$_n" -V "PXEClient:Arch:$(printf %05d "$_a"):UNDI:003016" \
		-x "0x5d:$(printf %04x "$_a")" "$@"
}

plan 14

conf "efi-arm64 = arm64/grubaa64.efi
bios = lpxelinux.0
unknown-clients = ignore"
ok "disklessd starts with a [boot] section" dstart

setmac "$HOST_MAC"
ok "arch 11 (ARM64 UEFI): a lease" pxe arm64 11
is "arch 11: the efi-arm64 file" "$(val arm64 boot_file)" arm64/grubaa64.efi
is "arch 11: the host's address" "$(val arm64 ip)" 10.82.0.11
ok "arch 0 (BIOS): a lease" pxe bios 0
is "arch 0: the bios file" "$(val bios boot_file)" lpxelinux.0
ok "the log names the arch and the file" log_has \
	"DHCPREQUEST from $HOST_MAC host pc01 arch 11 \(efi-arm64\).* file arm64/grubaa64\.efi"

setmac "$UNKNOWN_MAC"
is_exit 1 "unknown MAC, unknown-clients = ignore: no lease" pxe unknown1 0 -t 2
if grep -q "$UNKNOWN_MAC" "$DLOG"; then
	_tap_result 1 "ignored unknown MAC: no log line at the default level"
else
	_tap_result 0 "ignored unknown MAC: no log line at the default level"
fi

# SIGHUP: the new [boot] values apply to the next request
conf "efi-arm64 = arm64/shimaa64.efi"
kill -HUP "$DPID"
ok "SIGHUP reloads the config" log_has reloaded 50
ok "after SIGHUP: unknown-clients is menu again, the unknown MAC gets a lease" \
	pxe unknown2 0
setmac "$HOST_MAC"
pxe arm64b 11 >/dev/null
is "after SIGHUP: arch 11 gets the new efi-arm64 file" \
	"$(val arm64b boot_file)" arm64/shimaa64.efi
pxe bios2 0 >/dev/null
is "after SIGHUP: bios back to its default" "$(val bios2 boot_file)" pxelinux.0

dstop
is "SIGTERM: exit status 0 (no sanitizer report either)" "$?" 0
[ "$_tap_failed" = 0 ] || diag "$(cat "$DLOG")"
done_testing
