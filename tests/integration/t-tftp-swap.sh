#!/bin/sh
# t-tftp-swap.sh: `diskless pxe` run again while disklessd serves the tree.
# It builds the new tree beside the old one and swaps it in under the same
# name (renameat2 RENAME_EXCHANGE, then deletes the old one): the running
# server must serve the new tree at once. It used to keep a descriptor of
# the old root and answer "file not found" to everything until restarted.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/integration/tftp-lib.sh"
own_loopback "$@"

need_cmd curl cmp
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
[ -x "$DISKLESS" ] || skip_all "no $DISKLESS"
[ -f /usr/lib/PXELINUX/pxelinux.0 ] || skip_all "needs pxelinux (/usr/lib/PXELINUX/pxelinux.0)"
[ -f /usr/lib/syslinux/modules/bios/ldlinux.c32 ] || skip_all "needs syslinux-common"

tftp_setup
T=$TEST_TMP
mkdir -p "$T/img"
chmod 755 "$T/img"
printf 'kernel one\n' >"$T/vmlinuz"
printf 'initrd one\n' >"$T/initrd.img"
# tftp_setup's site, the TFTP root being the one diskless pxe writes
cat >>"$CONF" <<EOF
[dhcp]
netmask = 255.255.255.0
[image lab]
root = $T/img
kernel = $T/vmlinuz
initrd = $T/initrd.img
EOF
rmdir "$ROOT"
PORT=$((20000 + ($$ + 11) % 12000))
get() { curl -sS -o "$T/out/$2" "tftp://127.0.0.1:$PORT/$1"; }

plan 6
ok "diskless pxe writes the tree" "$DISKLESS" -c "$CONF" pxe
ok "disklessd serves it" tftp_start "127.0.0.1:$PORT"
get lab/vmlinuz k1
is "the kernel" "$(cat "$T/out/k1" 2>&1)" "kernel one"
printf 'kernel two\n' >"$T/vmlinuz"
ok "diskless pxe swaps in a new tree" "$DISKLESS" -c "$CONF" pxe
get lab/vmlinuz k2
is "the running server serves the new tree" "$(cat "$T/out/k2" 2>&1)" "kernel two"
get pxelinux.0 p
ok "and every file of it" cmp /usr/lib/PXELINUX/pxelinux.0 "$T/out/p"
done_testing
