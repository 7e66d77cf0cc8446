#!/bin/sh
# Reproducible builds: the same inputs and SOURCE_DATE_EPOCH give byte-
# identical tarballs and manifests, also under another umask, with the
# input files' mtimes changed, from a directory read in another order, and
# with overlays checked out at another time. Runs unprivileged (--out-tar).
. "${top_srcdir:?}/tests/lib.sh" || exit 1
need_cmd bsdtar

T=$TEST_TMP
. "$top_srcdir/tests/cli/build-lib.sh" || exit 1
build_site vers=4.2,proto=tcp
BUILD_OVERLAYS=$T/overlays
build_user() { build --overlay "$T/user" "$@"; }

cp -R "$top_srcdir/rootfs-overlays" "$T/overlays"
mkdir -p "$T/user/etc/motd.d" "$T/base/etc" "$T/base/usr/bin" "$T/base/var/log"
echo "welcome to @IMAGE@" >"$T/user/etc/motd.d/diskless.in"
for i in $(seq 1 50); do echo "file $i" >"$T/base/usr/bin/f$i"; done
echo root:x:0:0::/root:/bin/sh >"$T/base/etc/passwd"
echo old >"$T/base/var/log/syslog"
(cd "$T/base" && bsdtar -cf "$T/base.tar" .)

plan 9
export SOURCE_DATE_EPOCH=1700000000
ok "first build" build_user --from "$T/base.tar" --out-tar "$T/a.tar"
(umask 077 && build_user --from "$T/base.tar" --out-tar "$T/b.tar") >/dev/null 2>&1
ok "umask 077: same tarball" cmp "$T/a.tar" "$T/b.tar"
ok "umask 077: same manifest" cmp "$T/a.tar.mtree" "$T/b.tar.mtree"
# the overlays and the user tree "checked out" later, other modes of umask
find "$T/overlays" "$T/user" -exec touch -h -d '2030-01-01' {} +
chmod -R g+w "$T/user"
build_user --from "$T/base.tar" --out-tar "$T/c.tar" >/dev/null 2>&1
ok "newer overlay mtimes: same tarball" cmp "$T/a.tar" "$T/c.tar"
# the base as a directory, entries created in reverse order, new mtimes
mkdir "$T/base2" && (cd "$T/base" && bsdtar -cf - .) | (cd "$T/base2" && bsdtar -xpf -)
for i in $(seq 50 -1 1); do rm "$T/base2/usr/bin/f$i"; echo "file $i" >"$T/base2/usr/bin/f$i"; done
find "$T/base2" -exec touch -h -d '2031-06-01' {} +
build_user --from "$T/base2" --out-tar "$T/d.tar" >/dev/null 2>&1
ok "directory source, other order and mtimes: same manifest" cmp "$T/a.tar.mtree" "$T/d.tar.mtree"
ok "directory source: same tarball" cmp "$T/a.tar" "$T/d.tar"
like "mtimes are clamped to SOURCE_DATE_EPOCH" "$(bsdtar -tvf "$T/a.tar" ./etc/passwd)" "Nov 14  2023"
is "no atime/ctime pax records" "$(strings "$T/a.tar" | grep -c -E '[0-9]+ (atime|ctime)=')" 0
export SOURCE_DATE_EPOCH=1700000001
build_user --from "$T/base.tar" --out-tar "$T/e.tar" >/dev/null 2>&1
ok "another SOURCE_DATE_EPOCH gives another tarball" sh -c "! cmp -s '$T/a.tar' '$T/e.tar'"
done_testing
