#!/bin/sh
# t-install.sh: `make install DESTDIR=... prefix=/usr sysconfdir=/etc` from
# the build tree installs exactly the expected files (programs, the static
# diskless-init where `diskless initrd` looks for it, overlays, man pages,
# the example site, the systemd unit, sysusers.d, bash completion), with
# the expected modes, nothing outside /usr and /etc; `make uninstall`
# removes every file again.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/cli/install-lib.sh"
need_cmd find sort readelf

R=$TEST_TMP/root
DIRS="prefix=/usr sysconfdir=/etc"
# shellcheck disable=SC2086
var() { make_var "$1" $DIRS; }
bindir=$(var bindir)
sbindir=$(var sbindir)
pkglibexecdir=$(var pkglibexecdir)
pkgdatadir=$(var pkgdatadir)
mandir=$(var mandir)
docdir=$(var docdir)
unitdir=$(var systemdsystemunitdir)
sysusersdir=$(var sysusersdir)
compdir=$(var bashcompletiondir)

plan 17
# shellcheck disable=SC2086
ok "make install DESTDIR=... prefix=/usr sysconfdir=/etc" \
	make_build install DESTDIR="$R" $DIRS

{
	echo "$bindir/diskless"
	echo "$sbindir/disklessd"
	echo "$pkglibexecdir/diskless-init"
	echo "$mandir/man1/diskless.1"
	echo "$mandir/man5/diskless.conf.5"
	echo "$mandir/man8/disklessd.8"
	echo "$mandir/man8/diskless-init.8"
	echo "$docdir/examples/diskless.conf"
	for h in "$top_srcdir"/doc/example-site/hosts.d/*.conf; do
		echo "$docdir/examples/hosts.d/${h##*/}"
	done
	[ -n "$unitdir" ] && echo "$unitdir/disklessd.service"
	[ -n "$sysusersdir" ] && echo "$sysusersdir/diskless.conf"
	[ -n "$compdir" ] && echo "$compdir/diskless" && echo "$compdir/disklessd"
	(cd "$top_srcdir" && find rootfs-overlays ! -type d) |
		sed "s|^|$pkgdatadir/|"
} | sort > "$TEST_TMP/want"
(cd "$R" && find . ! -type d | sed 's|^\.||') | sort > "$TEST_TMP/got"
is "the installed files are exactly the expected ones" \
	"$(diff "$TEST_TMP/want" "$TEST_TMP/got" | sed -n 's/^[<>] //p' | head -20 | tr '\n' ' ')" ""
diag "$(wc -l < "$TEST_TMP/got") files installed"

# (Debian 12's unit folder is /lib/systemd/system: allowed when configured)
outside=$(grep -v -e '^/usr/' -e '^/etc/' "$TEST_TMP/got" |
	grep -v -F "${unitdir:-/usr}/")
is "nothing outside /usr and /etc" "$outside" ""
case $unitdir in
/usr/* | /etc/*) ;;
*) diag "configured unit folder outside the prefix: $unitdir" ;;
esac

mode() { stat -c %a "$R$1" 2>/dev/null; }
is "diskless is mode 755" "$(mode "$bindir/diskless")" 755
is "disklessd is mode 755" "$(mode "$sbindir/disklessd")" 755
is "diskless-init is mode 755" "$(mode "$pkglibexecdir/diskless-init")" 755
ok "diskless-init is static (no program interpreter)" \
	sh -c "! readelf -lW '$R$pkglibexecdir/diskless-init' | grep -q INTERP"
ok "the installed diskless runs" "$R$bindir/diskless" --version
ok "the installed disklessd runs" "$R$sbindir/disklessd" --version
# the data files: man pages, the example site, unit, completion
bad=$(cd "$R" && find . -type f ! -perm 644 | sed 's|^\.||' |
	grep -v -x -e "$bindir/diskless" -e "$sbindir/disklessd" \
	-e "$pkglibexecdir/diskless-init" | grep -v "^$pkgdatadir/rootfs-overlays/")
is "every data file is mode 644" "$bad" ""
ok "the example site is valid where it is installed" \
	"$DISKLESS" config check -c "$R$docdir/examples/diskless.conf"
if [ -n "$unitdir" ]; then
	like "the unit starts the installed disklessd" \
		"$(grep '^ExecStart=' "$R$unitdir/disklessd.service")" "^ExecStart=$sbindir/disklessd "
	like "the unit waits for the installed site config" \
		"$(grep '^ConditionPathExists=' "$R$unitdir/disklessd.service")" \
		"=/etc/diskless/diskless.conf$"
else
	diag "configured --without-systemdsystemunitdir"
	ok "no unit (skipped)" true
	ok "no unit (skipped)" true
fi
if [ -n "$compdir" ]; then
	ok "the two completion files are the same" cmp "$R$compdir/diskless" "$R$compdir/disklessd"
else
	ok "no completion (skipped)" true
fi
like "symlinks of the overlays stay links" \
	"$(cd "$R$pkgdatadir" && find rootfs-overlays -type l | wc -l)" \
	"^$(cd "$top_srcdir" && find rootfs-overlays -type l | wc -l)$"

# shellcheck disable=SC2086
ok "make uninstall" make_build uninstall DESTDIR="$R" $DIRS
is "make uninstall leaves no file" "$(cd "$R" && find . ! -type d | head -5)" ""
done_testing
