#!/bin/bash
# t-e2e-demo.sh: the README's demo, with the programs of this build tree
# (scripts/demo --no-build): a Debian bookworm image built by `diskless
# build`, its initramfs, TFTP tree and NFS-Ganesha config, served by
# NFS-Ganesha and disklessd in a network namespace, and a QEMU client that
# boots from its iPXE ROM to systemd's multi-user target and the serial
# login prompt, with no failed unit, then powers off cleanly. Checks what
# the demo claims from the logs it keeps: the console and disklessd's log.
# Opt-in VM test (DISKLESS_VM_TESTS=1), root; the Debian base is made once
# with mmdebstrap (cached in /var/cache/diskless-demo).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:?}/tests/lib.sh" || exit 1
[ "${DISKLESS_VM_TESTS:-}" = 1 ] ||
	skip_all "VM boots run once per test run (set DISKLESS_VM_TESTS=1, as scripts/test does)"
need_root
need_cmd qemu-system-x86_64 ganesha.nfsd rpcbind dnsmasq mmdebstrap timeout setsid ip
ls /boot/vmlinuz-* >/dev/null 2>&1 || skip_all "no kernel in /boot (linux-image-amd64)"
for p in "$DISKLESS" "$DISKLESSD" "$DISKLESS_INIT"; do
	[ -x "$p" ] || skip_all "$p not built"
done

chmod 755 "$TEST_TMP" # disklessd serves the TFTP tree as nobody
W=$TEST_TMP/demo
OUT=$TEST_TMP/demo.out
CACHE=${DEMO_CACHE:-/var/cache/diskless-demo}
had_base=no
[ -s "$CACHE/bookworm-demo.tar" ] && had_base=yes
t0=$SECONDS
DEMO_WORK=$W DEMO_CACHE=$CACHE DEMO_BOOT_TIMEOUT=300 \
	timeout 900 bash "$top_srcdir/scripts/demo" --no-build >"$OUT" 2>&1
rc=$?
secs=$((SECONDS - t0))
if [ "$rc" != 0 ] && [ "$had_base" = no ] &&
	grep -q 'FAILED: Debian bookworm base' "$OUT"; then
	skip_all "mmdebstrap cannot make the Debian base: $(grep -m1 FAILED "$OUT")"
fi
C=$W/console.log
D=$W/disklessd.log

plan 18
is "the demo succeeds (exit 0)" "$rc" 0
[ "$rc" = 0 ] || diag "$(tail -n 25 "$OUT")"
like "diskless check: no error" "$(cat "$W/check.log" 2>/dev/null)" '^0 errors'
like "DHCP: disklessd offered the host its address and iPXE its script" "$(cat "$D")" \
	'dhcp: DHCPDISCOVER from 52:54:00:d1:5c:01 host pc01 .*iPXE.*DHCPOFFER 10\.78\.0\.11 file boot\.ipxe'
like "DHCP: disklessd acknowledged it" "$(cat "$D")" \
	'dhcp: DHCPREQUEST from 52:54:00:d1:5c:01 host pc01 .*DHCPACK 10\.78\.0\.11'
for f in boot.ipxe lab/vmlinuz lab/initrd.img; do
	like "TFTP: disklessd sent $f" "$(cat "$D")" "tftp: 10\\.78\\.0\\.11:[0-9]+ '$f': sent [0-9]+ bytes"
done
like "the kernel booted through diskless-init to the NFS root" "$(cat "$C")" \
	'diskless-init: switching to the new root'
like "the serial console shows the login prompt" "$(cat "$C")" '^[0-9.]+ pc01 login: '
is "systemd: is-system-running says running" \
	"$(grep -a -o -m1 'E2E-REPORT state=[a-z-]*' "$C" | cut -d= -f2)" running
is "systemd: no failed unit" "$(grep -a -c 'E2E-REPORT failed:' "$C")" 0
# The fstab root line repeats the init's mount: the remount of / is a no-op
# (success), or the unit did not run at all (inactive/success).
like "systemd-remount-fs: succeeded or not needed" \
	"$(grep -a -o -m1 'E2E-REPORT remount-fs [a-z/-]*' "$C")" ' (active|inactive)/success$'
is "diskless-identity: the boot NIC's networkd file in /run" \
	"$(grep -a -o -m1 'E2E-REPORT boot-nic [^ ]*' "$C" | tr -d '\r')" \
	"E2E-REPORT boot-nic MACAddress=52:54:00:d1:5c:01"
like "the client powered off cleanly" "$(cat "$C")" 'reboot: Power down'
like "the timeline has every phase" "$(sed -n '/^demo: timeline/,$p' "$OUT" | tr '\n' ' ')" \
	'DHCP request.*TFTP kernel sent.*TFTP initramfs sent.*kernel starts.*diskless-init starts.*NFS root mounted.*systemd starts.*login prompt.*powered off'
KVER=$(ls /boot/vmlinuz-* | sed 's|.*/vmlinuz-||' | sort -V | tail -n 1)
like "TFTP: the whole kernel was sent" "$(cat "$D")" \
	"'lab/vmlinuz': sent $(stat -c %s "/boot/vmlinuz-$KVER") bytes"
like "diskless status shows pc01, its address and image, its last stage" \
	"$(sed -n '/^demo: diskless status/,/^demo: timeline/p' "$OUT")" \
	'pc01 +52:54:00:d1:5c:01 +10\.78\.0\.11 +lab +tftp'
NS=$(sed -n 's/^demo: network namespace \(dldemo[0-9]*\) .*/\1/p' "$OUT")
gone() {
	[ -n "$NS" ] && ! ip netns list | grep -q "^$NS\b" &&
		! pgrep -f "ganesha.nfsd -F -L $W" && ! pgrep -f "disklessd -d -v -c $W" &&
		! pgrep -f "qemu-system-x86_64 .*path=$W/qemu.mon"
}
ok "everything the demo started is gone (namespace $NS, processes)" gone

diag "demo: ${secs} s in all, boot files and servers included"
sed -n '/^demo: timeline/,/^demo: root:/p' "$OUT" | sed 's/^demo: *//' |
	while IFS= read -r l; do diag "$l"; done
diag "TFTP bytes for the boot: $(awk '/tftp: .* sent [0-9]+ bytes/ { for (i = 1; i < NF; i++) if ($(i + 1) == "bytes") s += $i } END { print s + 0 }' "$D")"
done_testing
