#!/bin/sh
# Hostile archives: '..', absolute names, writing through a symlink planted
# by an earlier member, hard links to outside, over-long names, truncated and
# corrupt archives. Each must be refused with one line naming the entry,
# write nothing outside the image, and leave the previous image intact
# (checked with diskless verify against its manifest).
. "${top_srcdir:?}/tests/lib.sh" || exit 1
need_cmd bsdtar

T=$TEST_TMP
cat >"$T/site.conf" <<EOC
[server]
address = 10.0.0.1
mode = proxy
[image lab]
root = $T/img
nfs-options = vers=3,proto=tcp,nolock
EOC
OV="--overlays-dir $top_srcdir/rootfs-overlays"
if [ "$(id -u)" = 0 ]; then
	OUT="--out-dir $T/img"
else
	OUT="--out-tar $T/img.tar"
fi
build() { "$DISKLESS" -c "$T/site.conf" build --image lab $OV --from "$@" $OUT; }

mkdir -p "$T/src/etc" "$T/outside"
echo x >"$T/src/x"
echo ok >"$T/src/etc/ok"
(cd "$T/src" && bsdtar -cf "$T/good.tar" etc x)
ln -s "$T/outside" "$T/src/evil"
ln -s ../../../../../../../../.. "$T/src/up"
ln "$T/src/x" "$T/src/y"
ln -s /etc "$T/src/etclink"
long=$(printf '%0300d' 0)
deep=$(printf 'dddddddddddddddddddddddddddddddddddddddddddddddddddddddd/%.0s' $(seq 80))

# mk NAME BSDTAR-ARGS...: an archive whose names are rewritten by -s
mk() { n=$1; shift; (cd "$T/src" && bsdtar -cPf "$T/$n.tar" "$@"); }
mk dotdot -s '|^x$|etc/../../escape-dotdot|' etc x
mk absolute -s "|^x\$|$T/outside/escape-abs|" x
mk symfile -s '|^x$|evil/escape-sym|' evil x
mk symdeep -s "|^x\$|up$T/outside/escape-up|" up x
# hardlink NAME TARGET [MORE...]: an archive holding "hl", a hard link to
# TARGET, without TARGET itself (copied through bsdtar minus that entry)
hardlink() {
	hn=$1 tgt=$2; shift 2
	mk "$hn-full" -s "|^x\$|$tgt|" -s '|^y$|hl|' "$@" x y
	bsdtar -cPf "$T/$hn.tar" --exclude "$tgt" "@$T/$hn-full.tar"
}
hardlink hardabs /etc/passwd
hardlink harddotdot ../escape-hd
hardlink hardsym etclink/passwd etclink
mk longname -s "|^x\$|$long|" x
mk longpath -s "|^x\$|$deep/x|" x
head -c 200000 /dev/urandom >"$T/src/big"
(cd "$T/src" && bsdtar -cf "$T/big.tar" big)
head -c 100000 "$T/big.tar" >"$T/truncated.tar"
cp "$T/good.tar" "$T/corrupt.tar"
printf 'XXXXXXXX' | dd of="$T/corrupt.tar" bs=1 seek=148 conv=notrunc 2>/dev/null
head -c 4096 /dev/urandom >"$T/random.bin"
# an mtree spec is not an archive: it would read host files into the image
printf '#mtree\n./stolen type=file mode=0644 contents=/etc/passwd\n' >"$T/spec.mtree"

plan 47
ok "a first, good image" build "$T/good.tar"
[ "$(id -u)" = 0 ] && ok "it matches its manifest" "$DISKLESS" verify "$T/img" ||
	ok "it has a manifest" test -s "$T/img.tar.mtree"
before=$(ls -la "$T/img" "$T/img.tar" 2>/dev/null | md5sum)

# refused NAME ENTRY-REGEX: the build fails, says why, changes nothing
refused() {
	is_exit 1 "$1: refused" build "$T/$1.tar"
	like "$1: the error names the entry" "$(cat "$TEST_TMP/.out")" "$2"
	is "$1: nothing written outside" "$(ls "$T/outside" "$T" | grep -c escape)" 0
	if [ "$(id -u)" = 0 ]; then
		ok "$1: the previous image is intact" "$DISKLESS" verify "$T/img"
	else
		is "$1: the previous output is intact" \
			"$(ls -la "$T/img" "$T/img.tar" 2>/dev/null | md5sum)" "$before"
	fi
}
refused dotdot "entry 'etc/\.\./\.\./escape-dotdot': '\.\.' in the path"
refused absolute "entry '/.*escape-abs': absolute path"
refused symfile "entry 'evil/escape-sym':.*symlink"
refused symdeep "entry 'up/.*escape-up':.*symlink"
refused hardabs "entry 'hl': hard link target '/etc/passwd': absolute path"
refused harddotdot "entry 'hl': hard link target '\.\./escape-hd'"
refused hardsym "entry 'hl':.*(symlink|etclink)"
refused longname "NAME_MAX"
refused longpath "PATH_MAX"
is_exit 1 "truncated: refused" build "$T/truncated.tar"
like "truncated: says so" "$(cat "$TEST_TMP/.out")" "[Tt]runcated"
is_exit 1 "corrupt: refused" build "$T/corrupt.tar"
like "corrupt: one line naming the file" "$(cat "$TEST_TMP/.out")" "corrupt.tar"
is_exit 1 "an mtree spec naming host files: refused" build "$T/spec.mtree"
like "mtree: not read as an archive" "$(cat "$TEST_TMP/.out")" "not an archive"
# interrupted in the middle of reading (a pipe that stalls): SIGTERM ends
# the build through the error path; the staging tree is gone
mkfifo "$T/slow"
(head -c 100000 "$T/big.tar"; sleep 20) >"$T/slow" &
writer=$!
at_exit "kill $writer"
"$DISKLESS" -c "$T/site.conf" build --image lab $OV --from "$T/slow" $OUT \
	>"$T/slow.out" 2>&1 &
builder=$!
sleep 2
kill -TERM "$builder"
wait "$builder"
is "interrupted: exit 1" "$?" 1
like "interrupted: says so" "$(cat "$T/slow.out")" "interrupted"
is "interrupted: no staging tree or temporary file left" \
	"$(ls -a "$T" | grep -c -E '^\.img\.new-|\.new-')" 0
done_testing
