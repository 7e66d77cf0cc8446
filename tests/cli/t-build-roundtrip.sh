#!/bin/sh
# Round trip of every kind of file: base tree -> image tree (--out-dir) and
# base archive -> tarball (--out-tar) -> extracted tree; checked entry by
# entry against the base (type, mode incl. setuid/setgid/sticky, numeric
# owners, link counts, device numbers, symlink targets, sizes, sparse holes,
# xattrs incl. security.capability, ACLs, long and non-UTF-8 names), and
# with diskless verify against both manifests. Every compression and cpio.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
need_root
need_cmd bsdtar setcap getcap setfattr getfattr setfacl getfacl mknod

T=$TEST_TMP
cat >"$T/site.conf" <<EOC
[server]
address = 10.0.0.1
mode = proxy
[image lab]
root = $T/img
nfs-options = vers=3,proto=tcp,nolock
EOC
export SOURCE_DATE_EPOCH=1700000000
build() { "$DISKLESS" -c "$T/site.conf" build --image lab \
	--overlays-dir "$top_srcdir/rootfs-overlays" "$@"; }

# ---- the fixture: every kind under data/ ----
B=$T/base
D=$B/data
mkdir -p "$D/dir" "$D/sgid" "$D/sticky" "$D/acl-dir" "$B/etc"
echo plain >"$D/file"; : >"$D/empty"
echo suid >"$D/suid"; chmod 4755 "$D/suid"
echo sgid >"$D/sgidfile"; chmod 2711 "$D/sgidfile"
chmod 2775 "$D/sgid"; chown 1001:1002 "$D/sgid"
chmod 1777 "$D/sticky"
echo cap >"$D/ping"; chmod 755 "$D/ping"; setcap cap_net_raw+ep "$D/ping"
echo x >"$D/xattr"; setfattr -n user.colour -v blue "$D/xattr"
setfattr -n trusted.t -v 0x00ff01 "$D/xattr"
echo acl >"$D/acl"; setfacl -m u:1234:rw,g:2345:r "$D/acl"
setfacl -d -m u:1234:rwx "$D/acl-dir"
echo three >"$D/h1"; ln "$D/h1" "$D/h2"; ln "$D/h1" "$D/dir/h3"
ln -s file "$D/rel-link"; ln -s /usr/bin/env "$D/abs-link"; ln -s nowhere "$D/dangling"
ln -s dir "$D/dir-link"
mknod "$D/null" c 1 3; mknod "$D/loop0" b 7 0; mkfifo "$D/fifo"
truncate -s 64M "$D/sparse"; echo middle | dd of="$D/sparse" bs=1 seek=33554432 \
	conv=notrunc 2>/dev/null
echo owned >"$D/owned"; chown 4242:4343 "$D/owned"; chown -h 4444:4545 "$D/rel-link"
long=$(printf 'L%.0s' $(seq 250)); echo long >"$D/$long"
p=$D; for i in 1 2 3 4 5 6 7 8; do p=$p/$(printf 'p%.0s' $(seq 120)); done
mkdir -p "$p"; echo deep >"$p/deep"
echo bytes >"$D/$(printf 'caf\351-\377\376')"
touch -h -d @1600000000 "$D/rel-link"

# snapshot DIR: one line per entry of data/, everything we promise to keep
snapshot() {
	(cd "$1/data" && find . -mindepth 1 | LC_ALL=C sort | while IFS= read -r f; do
		s=$(stat -c '%F %a %u %g %h %s %t:%T' "$f")
		case $s in regular*) h=$(sha256sum <"$f" | cut -c1-16)
			[ "$(stat -c '%b' "$f")" -lt 1000 ] && [ "$(stat -c %s "$f")" -gt 1000000 ] &&
				h="$h sparse";;
		symbolic*) h=$(readlink "$f");; *) h=;; esac
		x=$(getfattr -h -d -m - -e hex "$f" 2>/dev/null | grep -av '^#' | grep -av system.posix_acl | tr '\n' ' ')
		a=$(getfacl -n -p -s "$f" 2>/dev/null | grep -av '^#' | tr '\n' ' ')
		printf '%s|%s|%s|%s|%s\n' "$f" "$s" "$h" "$x" "$a"
	done)
}
snapshot "$B" >"$T/snap.base"

plan 26
ok "the fixture has a capability" sh -c "getcap '$D/ping' | grep -q cap_net_raw"
ok "build from the directory into a tree" build --from "$B" --out-dir "$T/img"
snapshot "$T/img" >"$T/snap.img"
ok "tree: every entry kept" diff "$T/snap.base" "$T/snap.img"
ok "tree: matches its manifest" "$DISKLESS" verify "$T/img"

(cd "$B" && bsdtar --xattrs --acls -cf "$T/base.tar" .)
ok "build from the archive into a tarball" build --from "$T/base.tar" --out-tar "$T/out.tar"
mkdir "$T/x"
bsdtar -xpf "$T/out.tar" --xattrs --acls --numeric-owner -C "$T/x"
snapshot "$T/x" >"$T/snap.x"
ok "tarball: every entry kept" diff "$T/snap.base" "$T/snap.x"
ok "tarball: the extracted tree matches its manifest" \
	"$DISKLESS" verify "$T/x" --manifest "$T/out.tar.mtree"
ok "tree and tarball have the same manifest" cmp "$T/img.mtree" "$T/out.tar.mtree"
ok "tarball keeps the sparse file sparse" test "$(wc -c <"$T/out.tar")" -lt 20000000
like "the manifest has sha256 digests" "$(grep -a 'data/file ' "$T/out.tar.mtree")" \
	"sha256digest=[0-9a-f]{64}"
like "the manifest has the link count" "$(grep -a 'data/h2 ' "$T/out.tar.mtree")" "nlink=3"

for z in gzip bzip2 xz zstd lz4; do
	# Debian's bsdtar writes all five (install-deps): a failure here is one
	ok "$z: bsdtar writes the base" sh -c \
		"cd '$B' && bsdtar --xattrs --acls --$z -cf '$T/base.$z' ." || continue
	build --from "$T/base.$z" --out-tar "$T/out-$z.tar" >/dev/null 2>&1
	ok "$z: same image as the plain tar" cmp "$T/out.tar" "$T/out-$z.tar"
done
(cd "$B" && find . | LC_ALL=C sort | bsdtar -n --format newc -cf "$T/base.cpio" -T -)
ok "cpio: builds" build --from "$T/base.cpio" --out-tar "$T/out-cpio.tar"
# cpio keeps no xattrs, ACLs or sparse map: compare the manifests, except the
# mode of the file with an ACL (its group bits are the ACL mask on disk) and
# the #xattr lines
ok "cpio: same manifest as the plain tar (but ACLs, xattrs)" cmp \
	"$(grep -av '^\./data/acl \|^#xattr ' "$T/out.tar.mtree" >"$T/m1"; echo "$T/m1")" \
	"$(grep -av '^\./data/acl \|^#xattr ' "$T/out-cpio.tar.mtree" >"$T/m2"; echo "$T/m2")"
like "the manifest lists the capability" "$(cat "$T/out.tar.mtree")" \
	'^#xattr \./data/ping security\.capability [0-9a-f]{64}$'

# a second build swaps in atomically and the old tree is gone
echo changed >"$D/file"
ok "rebuild swaps the new tree in" build --from "$B" --out-dir "$T/img"
is "the new content is there" "$(cat "$T/img/data/file")" "changed"
done_testing
