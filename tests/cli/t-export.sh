#!/bin/sh
# t-export.sh: `diskless export`: each format against tests/data/golden
# (regenerate: make check-update), then checked by the program that reads
# it: `kea-dhcp4 -t` accepts the Kea file; `dnsmasq --test` accepts both
# dnsmasq files; dnsmasq started with the full-mode file in a network
# namespace answers a DHCP client (busybox udhcpc) with the reserved address
# and the boot file of its architecture (0 BIOS, 7 and 9 x64 UEFI, iPXE).
# The Ganesha file is served by a real Ganesha in tests/integration/t-check.sh.
#
# kea-dhcp4 is not installed by the test deps (its package starts a daemon):
# set KEA_DHCP4 to a kea-dhcp4 binary, e.g. from
#   apt-get download kea-dhcp4-server && dpkg -x kea-dhcp4-server_*.deb kea
. "${top_srcdir:?}/tests/lib.sh" || exit 1

[ -x "$DISKLESS" ] || skip_all "no diskless program at $DISKLESS"
W=$TEST_TMP
chmod 755 "$W"
GOLDEN=$top_srcdir/tests/data/golden

skip() { # skip N REASON
	i=0
	while [ $i -lt "$1" ]; do
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # SKIP $2"
		i=$((i + 1))
	done
}

# Golden: generate.sh writes every format for the example site.
DISKLESS=$DISKLESS top_srcdir=$top_srcdir sh "$GOLDEN/generate.sh" "$W/gen" >"$W/gen.log" 2>&1
is "generate the example site's configs" "$?" 0
for f in exports ganesha dnsmasq dnsmasq-proxy kea; do
	ok "golden export/$f" cmp "$GOLDEN/export/$f" "$W/gen/export/$f"
	cmp -s "$GOLDEN/export/$f" "$W/gen/export/$f" ||
		diag "$(diff -u "$GOLDEN/export/$f" "$W/gen/export/$f" | head -20)"
done

is_exit 2 "unknown format: usage error" "$DISKLESS" -c "$top_srcdir/doc/example-site/diskless.conf" \
	export --format bind
is_exit 2 "no format: usage error" "$DISKLESS" -c "$top_srcdir/doc/example-site/diskless.conf" export

# A small site for the engines; the interface is one that exists here
# (kea -t checks it), the namespace test rewrites it.
NET=10.79.$(($$ % 250 + 1))
mkdir -p "$W/tftp"
cat >"$W/site.conf" <<EOF
[server]
interface = lo
address = $NET.1
mode = full
tftp-root = $W/tftp
[dhcp]
range = $NET.100 $NET.199
netmask = 255.255.255.0
router = $NET.1
dns = $NET.1
domain = lab.test
lease-time = infinite
[image lab]
root = /srv/diskless/images/lab
[host pc01]
mac = 02:00:00:79:00:01
address = $NET.11
image = lab
EOF
is_exit 0 "export --format kea" sh -c "'$DISKLESS' -c '$W/site.conf' export --format kea >'$W/kea.json'"
KEA=${KEA_DHCP4:-$(command -v kea-dhcp4 2>/dev/null)}
# scripts/install-deps unpacks it there (its package would start a daemon).
[ -n "$KEA" ] || KEA=/var/cache/diskless-test/kea/usr/sbin/kea-dhcp4
if [ -n "$KEA" ] && [ -x "$KEA" ]; then
	mkdir -p "$W/kea-run"
	KEA_PIDFILE_DIR=$W/kea-run KEA_LOCKFILE_DIR=$W/kea-run KEA_LOGGER_DESTINATION=stderr \
		timeout 30 "$KEA" -t "$W/kea.json" >"$W/kea.log" 2>&1
	rc=$?
	is "kea-dhcp4 -t accepts the Kea config" "$rc" 0
	[ "$rc" = 0 ] || diag "$(tail -5 "$W/kea.log")"
else
	skip 1 "no kea-dhcp4 (set KEA_DHCP4)"
fi

if command -v dnsmasq >/dev/null 2>&1; then
	"$DISKLESS" -c "$W/site.conf" export --format dnsmasq >"$W/dnsmasq.conf"
	ok "dnsmasq --test accepts the full-mode config" timeout 10 dnsmasq --test -C "$W/dnsmasq.conf"
	sed -e 's/^mode = full/mode = proxy/' -e '/^range = /d' "$W/site.conf" >"$W/proxy.conf"
	"$DISKLESS" -c "$W/proxy.conf" export --format dnsmasq >"$W/dnsmasq-proxy.conf"
	ok "dnsmasq --test accepts the proxy-mode config" timeout 10 dnsmasq --test \
		-C "$W/dnsmasq-proxy.conf"
else
	skip 2 "no dnsmasq (dnsmasq-base)"
fi

# The same site with a [boot] section: both exports must answer what
# disklessd answers (diskless.conf(5)).
cat "$W/site.conf" - >"$W/boot.conf" <<'EOF'
[boot]
bios = lpxelinux.0
efi-x64 = efi/%s/grubx64.efi
efi-arm64 = arm64/grubaa64.efi
ipxe = loader
ipxe-unknown = none
unknown-clients = ignore
EOF
"$DISKLESS" -c "$W/boot.conf" export --format kea >"$W/boot-kea.json"
if [ -n "$KEA" ] && [ -x "$KEA" ]; then
	KEA_PIDFILE_DIR=$W/kea-run KEA_LOCKFILE_DIR=$W/kea-run KEA_LOGGER_DESTINATION=stderr \
		timeout 30 "$KEA" -t "$W/boot-kea.json" >"$W/boot-kea.log" 2>&1
	rc=$?
	is "[boot]: kea-dhcp4 -t accepts the Kea config" "$rc" 0
	[ "$rc" = 0 ] || diag "$(tail -5 "$W/boot-kea.log")"
else
	skip 1 "no kea-dhcp4 (set KEA_DHCP4)"
fi
like "[boot]: Kea gives known iPXE clients the loader of their arch" \
	"$(tr -d '\n\t' <"$W/boot-kea.json")" \
	'"name": "ipxe-bios-known","test": "member\(.ipxe.\) and member\(.KNOWN.\) and option\[93\]\.hex == 0x0000","boot-file-name": "lpxelinux\.0"'
like "[boot]: Kea: arm64 class, %s expanded, pool for known clients only" \
	"$(tr -d '\n\t' <"$W/boot-kea.json")" \
	"\"name\": \"efi64\",.*\"boot-file-name\": \"efi/$NET\\.1/grubx64\\.efi\".*\"name\": \"arm64\",\"test\": \"not member\\(.ipxe.\\) and option\\[93\\]\\.hex == 0x000b\",\"boot-file-name\": \"arm64/grubaa64\\.efi\".*\"client-class\": \"KNOWN\""
if command -v dnsmasq >/dev/null 2>&1; then
	"$DISKLESS" -c "$W/boot.conf" export --format dnsmasq >"$W/boot-dnsmasq.conf"
	ok "[boot]: dnsmasq --test accepts the full-mode config" \
		timeout 10 dnsmasq --test -C "$W/boot-dnsmasq.conf"
	sed -e 's/^mode = full/mode = proxy/' -e '/^range = /d' "$W/boot.conf" >"$W/boot-proxy.conf"
	"$DISKLESS" -c "$W/boot-proxy.conf" export --format dnsmasq >"$W/boot-dnsmasq-proxy.conf"
	ok "[boot]: dnsmasq --test accepts the proxy-mode config" \
		timeout 10 dnsmasq --test -C "$W/boot-dnsmasq-proxy.conf"
	like "[boot]: dnsmasq proxy: known iPXE on ARM64 UEFI gets the ARM loader" \
		"$(cat "$W/boot-dnsmasq-proxy.conf")" \
		'pxe-service=tag:ipxe,tag:known,ARM64_EFI,"diskless",arm64/grubaa64\.efi'
else
	skip 3 "no dnsmasq (dnsmasq-base)"
fi
printf '[boot]\nbios = pxelinux.cfg/%%m.0\n' | cat "$W/site.conf" - >"$W/perclient.conf"
is_exit 2 "[boot] name per client (%m): export refused, exit 2" sh -c \
	"'$DISKLESS' -c '$W/perclient.conf' export --format dnsmasq >'$W/perclient.out'"
like "... the error names the cause and the fix" "$(cat "$TEST_TMP/.out")" \
	'export --format dnsmasq: \[boot\] bios names a file per client with %m or %h'
is "... and nothing was written" "$(wc -c <"$W/perclient.out")" 0

# dnsmasq in a namespace, answering udhcpc in another one over a veth.
dhcp_plan=14
if [ "$(id -u)" != 0 ]; then
	skip $dhcp_plan "needs root (network namespaces)"
elif ! command -v dnsmasq >/dev/null 2>&1 || ! command -v busybox >/dev/null 2>&1 ||
	! command -v ip >/dev/null 2>&1; then
	skip $dhcp_plan "needs dnsmasq, busybox and ip"
else
	SNS=dlexs-$$
	CNS=dlexc-$$
	ip netns add "$SNS"
	at_exit "ip netns del $SNS"
	ip netns add "$CNS"
	at_exit "ip netns del $CNS"
	ip -n "$SNS" link add name dls$$ type veth peer name dlc$$
	ip -n "$SNS" link set dlc$$ netns "$CNS"
	ip -n "$SNS" addr add "$NET.1/24" dev dls$$
	ip -n "$SNS" link set dls$$ up
	ip -n "$CNS" link set dlc$$ address 02:00:00:79:00:01
	ip -n "$CNS" link set dlc$$ up
	# start_dnsmasq NAME SITE: dnsmasq in $SNS with SITE's export, logs
	# $W/NAME.log and $W/NAME.out; up once port 67 is bound (5 s at most)
	start_dnsmasq() {
		sed "s/^interface = lo/interface = dls$$/" "$2" >"$W/$1.conf"
		"$DISKLESS" -c "$W/$1.conf" export --format dnsmasq >"$W/$1-dnsmasq.conf"
		rm -f "$W/leases"
		timeout 120 ip netns exec "$SNS" dnsmasq --keep-in-foreground \
			--conf-file="$W/$1-dnsmasq.conf" --dhcp-leasefile="$W/leases" \
			--pid-file="$W/dnsmasq.pid" --log-dhcp --log-facility="$W/$1.log" \
			--user=root >"$W/$1.out" 2>&1 &
		dnsmasq_job=$!
		at_exit "kill $dnsmasq_job"
		i=0
		while [ $i -lt 50 ] && ! ip netns exec "$SNS" ss -lun 2>/dev/null | grep -q ':67 '; do
			sleep 0.1
			i=$((i + 1))
		done
	}
	start_dnsmasq ns "$W/site.conf"
	cat >"$W/udhcpc.sh" <<EOF
#!/bin/sh
[ "\$1" = bound ] || exit 0
printf 'ip=%s\nsiaddr=%s\nboot_file=%s\n' "\$ip" "\$siaddr" "\$boot_file" >"$W/lease"
EOF
	chmod +x "$W/udhcpc.sh"
	# ask NAME UDHCPC-ARGS...: one DHCP exchange; $LEASE holds what came back.
	ask() {
		rm -f "$W/lease"
		timeout 20 ip netns exec "$CNS" busybox udhcpc -i dlc$$ -f -q -n -t 4 -T 1 \
			-s "$W/udhcpc.sh" "$@" >"$W/udhcpc.log" 2>&1
		LEASE=$(cat "$W/lease" 2>/dev/null)
	}
	ask -x 0x5d:0000
	like "BIOS client (arch 0): reserved address" "$LEASE" "^ip=$NET.11$"
	like "BIOS client: next-server" "$LEASE" "^siaddr=$NET.1$"
	like "BIOS client: pxelinux.0" "$LEASE" "^boot_file=pxelinux.0$"
	ask -x 0x5d:0007
	like "UEFI x64 client (arch 7): grubnetx64.efi" "$LEASE" "^boot_file=grubnetx64.efi$"
	ask -x 0x5d:0009
	like "UEFI client sending arch 9: grubnetx64.efi" "$LEASE" "^boot_file=grubnetx64.efi$"
	ask -x 0x5d:0000 -x 0x4d:69505845
	like "iPXE (user class iPXE): the script, not a loader again" "$LEASE" "^boot_file=boot.ipxe$"
	like "iPXE: reserved address still" "$LEASE" "^ip=$NET.11$"
	ip -n "$CNS" link set dlc$$ address 02:00:00:79:00:99
	ask -x 0x5d:0000
	like "unknown machine: an address from the range" "$LEASE" "^ip=$NET.1[0-9][0-9]$"
	like "unknown machine: pxelinux.0 (its menu)" "$LEASE" "^boot_file=pxelinux.0$"
	[ -n "$LEASE" ] || diag "$(tail -5 "$W/ns.log" 2>/dev/null; cat "$W/ns.out" "$W/udhcpc.log")"
	kill "$dnsmasq_job" 2>/dev/null
	wait "$dnsmasq_job" 2>/dev/null
	# the [boot] site through the same dnsmasq
	start_dnsmasq ns-boot "$W/boot.conf"
	ip -n "$CNS" link set dlc$$ address 02:00:00:79:00:01
	ask -x 0x5d:0000
	like "[boot] via dnsmasq: BIOS gets bios = lpxelinux.0" "$LEASE" "^boot_file=lpxelinux.0$"
	ask -x 0x5d:000b
	like "[boot] via dnsmasq: ARM64 UEFI (arch 11) gets efi-arm64" "$LEASE" \
		"^boot_file=arm64/grubaa64.efi$"
	ask -x 0x5d:0007
	like "[boot] via dnsmasq: x64 UEFI gets efi-x64 with %s expanded" "$LEASE" \
		"^boot_file=efi/$NET.1/grubx64.efi$"
	ask -x 0x5d:0000 -x 0x4d:69505845
	like "[boot] via dnsmasq: iPXE with a [host], ipxe = loader: lpxelinux.0" "$LEASE" \
		"^boot_file=lpxelinux.0$"
	ip -n "$CNS" link set dlc$$ address 02:00:00:79:00:99
	ask -x 0x5d:0000
	is "[boot] via dnsmasq: unknown-clients = ignore: no lease for an unknown MAC" "$LEASE" ""
	kill "$dnsmasq_job" 2>/dev/null
	wait "$dnsmasq_job" 2>/dev/null
fi

done_testing
