#!/bin/sh
# t-deb.sh (slow: runs when DISKLESS_SLOW_TESTS=1, about 1.5 min): the
# Debian source package in debian/ builds (`dpkg-buildpackage -us -uc -b`,
# from a copy of the source tree), lintian finds no error in it, and
# installing the two packages on this machine gives a working `diskless
# --version`, the static diskless-init where `diskless initrd` looks for
# it, the service user, an enabled unit that `systemd-analyze verify`
# accepts and whose ExecStart= reaches READY=1 as the user diskless; then
# `dpkg --purge` takes it all away again.
. "${top_srcdir:?}/tests/lib.sh" || exit 1

need_root
[ "${DISKLESS_SLOW_TESTS:-}" = 1 ] ||
	skip_all "slow (a package build): runs once per test run (set DISKLESS_SLOW_TESTS=1, as scripts/test does)"
need_cmd dpkg-buildpackage dh lintian fakeroot dpkg dpkg-deb dpkg-source \
	systemd-analyze timeout tar
[ -f "$top_srcdir/debian/control" ] || skip_all "no debian/ in $top_srcdir"
# Never touch packages or a user that were there before.
for p in diskless disklessd; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$' &&
		skip_all "package $p is installed on this machine: not touching it"
done
had_user=no
getent passwd diskless >/dev/null && had_user=yes

version=$(sed -n '1s/^diskless (\([^)]*\)).*/\1/p' "$top_srcdir/debian/changelog")
arch=$(dpkg --print-architecture)
B=$TEST_TMP/build
S=$B/diskless-$version
mkdir -p "$S"

# The source tree as its repository has it (tracked and new files, not
# what .gitignore names: no build tree, no configure); without git (a
# release tarball, as under distcheck), everything but distcheck's build
# and install folders.
copy_source() {
	if git -C "$top_srcdir" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$top_srcdir" && git ls-files -z -c -o --exclude-standard |
			tar --null -T - -cf -) | tar -C "$S" -xf -
	else
		(cd "$top_srcdir" && tar --exclude=./_build --exclude=./_inst -cf - .) |
			tar -C "$S" -xf -
	fi
}

plan 26
ok "a copy of the source tree" copy_source
chmod -R u+w "$S"
# the source package first, from the clean tree (native: the tarball of it)
ok "dpkg-source -b" sh -c "cd '$B' && dpkg-source -b 'diskless-$version' >'$B/source.log' 2>&1 ||
	{ cat '$B/source.log'; exit 1; }"
t0=$(date +%s)
# (not under the make check that runs this test: its MAKEFLAGS name
# jobserver descriptors that debian/rules' make does not have)
ok "dpkg-buildpackage -us -uc -b" sh -c "cd '$S' && \
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
	DEB_BUILD_OPTIONS='nocheck parallel=2' timeout 900 dpkg-buildpackage -us -uc -b \
	>'$B/build.log' 2>&1 || { tail -n 40 '$B/build.log'; exit 1; }"
diag "package build: $(($(date +%s) - t0)) s"
D1=$B/diskless_${version}_$arch.deb
D2=$B/disklessd_${version}_$arch.deb
ok "diskless_${version}_$arch.deb" test -s "$D1"
ok "disklessd_${version}_$arch.deb" test -s "$D2"
# contains DEB PATH...: every PATH is in the package
contains() {
	_c=$(dpkg-deb -c "$1" | awk '{ print $6 }') || return 1
	shift
	for _p; do
		printf '%s\n' "$_c" | grep -q -x "\./$_p" || { echo "missing: $_p"; return 1; }
	done
}
ok "diskless has the builder, the static init, the overlays, the example site" \
	contains "$D1" usr/bin/diskless usr/libexec/diskless/diskless-init \
	usr/share/diskless/rootfs-overlays/README.md usr/share/man/man1/diskless.1.gz \
	usr/share/man/man5/diskless.conf.5.gz usr/share/doc/diskless/examples/diskless.conf \
	usr/share/bash-completion/completions/diskless
ok "disklessd has the daemon, its unit, its user, its man page" \
	contains "$D2" usr/sbin/disklessd lib/systemd/system/disklessd.service \
	usr/lib/sysusers.d/diskless.conf usr/share/man/man8/disklessd.8.gz \
	usr/share/bash-completion/completions/disklessd

# lintian on the binary packages and on the source package
lint=$(timeout 300 lintian --tag-display-limit 0 "$B"/*.changes "$B"/*.dsc 2>&1)
tags=$(printf '%s\n' "$lint" | grep -E '^[EWI]:' | sort -u)
diag "lintian: ${tags:-no tags}"
is "lintian: no errors" "$(printf '%s\n' "$lint" | grep '^E:')" ""

# ---- on this machine ---------------------------------------------------
purge() {
	dpkg --purge disklessd diskless >/dev/null 2>&1
	if [ "$had_user" = no ] && getent passwd diskless >/dev/null; then
		userdel diskless
		getent group diskless >/dev/null && groupdel diskless
	fi
	return 0
}
at_exit purge
ok "dpkg -i installs both" timeout 300 dpkg -i "$D1" "$D2"
is "diskless --version" "$(/usr/bin/diskless --version 2>&1)" "diskless $version"
is "disklessd --version" "$(/usr/sbin/disklessd --version 2>&1)" "disklessd $version"
like "diskless initrd looks for diskless-init where it is installed" \
	"$(/usr/bin/diskless initrd --help 2>&1)" " /usr/libexec/diskless/diskless-init"
ok "... which is static" sh -c \
	"! readelf -lW /usr/libexec/diskless/diskless-init | grep -q INTERP"
like "the user diskless: a system user without a shell" \
	"$(getent passwd diskless)" "^diskless:x:[1-9][0-9]?[0-9]?:[0-9]+:[^:]*:/var/lib/diskless:/usr/sbin/nologin$"
ok "its state folder" test -d /var/lib/diskless
UNIT=/lib/systemd/system/disklessd.service
ok "the unit is installed" test -f "$UNIT"
ok "... and enabled" test -L /etc/systemd/system/multi-user.target.wants/disklessd.service
man_opt=--man=no
command -v man >/dev/null 2>&1 && man_opt=--man=yes
v=$(systemd-analyze verify "$man_opt" "$UNIT" 2>&1)
is "systemd-analyze verify $man_opt accepts it" "$v" ""

# The unit cannot be started without systemd as PID 1 (a container): its
# ExecStart= is run as systemd would, with NOTIFY_SOCKET, on a site of
# the test's own in a network namespace, as root, dropping to diskless.
. "$top_srcdir/tests/cli/notify-lib.sh"
notify_setup
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
# shellcheck disable=SC2086
notify_start "$NOTIFY" $exec_start
ok "the unit's ExecStart= says READY=1" wait_msg 1
is "... from the daemon" "$(sed -n 1p "$MSGS")" "$DPID READY=1"
is "... running as diskless" \
	"$(awk '$1 == "Uid:" { print $3 }' "/proc/$DPID/status" 2>/dev/null)" \
	"$(id -u diskless)"
kill -TERM "$DPID"
wait "$TPID"
is "... and stops with 0" "$?" 0

ok "dpkg --purge removes both" timeout 120 dpkg --purge disklessd diskless
ok "no unit left" test ! -e "$UNIT"
ok "no enable link left" test ! -e /etc/systemd/system/multi-user.target.wants/disklessd.service
ok "no state folder left" test ! -e /var/lib/diskless
done_testing
