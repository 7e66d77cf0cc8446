#!/bin/sh
# t-verify-drift.sh: `diskless verify` on a deployed image that drifted from
# its manifest: every kind of drift a lab sees (a file added, one deleted,
# contents edited in place with the size kept, a mode, an owner, a symlink
# retargeted, a file replaced by a directory, a directory's time) is named
# on its own line with the keywords that differ, the summary counts them,
# the exit status is 1, and verify itself changes nothing in the tree.
# Extended attributes (a capability added, changed or removed, a user.
# attribute) are named too: the manifest carries them as #xattr comment
# lines. (ACLs are not compared, but for the group bits of the mode.)
. "${top_srcdir:?}/tests/lib.sh" || exit 1
need_root
need_cmd setcap setfattr

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
B=$T/base
mkdir -p "$B/etc" "$B/usr/bin" "$B/srv/dir"
echo "hello lab" >"$B/srv/motd"
echo "#!/bin/sh" >"$B/usr/bin/tool"
chmod 755 "$B/usr/bin/tool"
echo ping >"$B/usr/bin/ping"; setcap cap_net_raw+ep "$B/usr/bin/ping"
echo arp >"$B/usr/bin/arp"; setcap cap_net_raw+ep "$B/usr/bin/arp"
echo x >"$B/srv/tagged"; setfattr -n user.tag -v one "$B/srv/tagged"
echo data >"$B/srv/owned"
echo gone >"$B/srv/deleted"
echo was-a-file >"$B/srv/replaced"
ln -s motd "$B/srv/link"

verify() { "$DISKLESS" verify "$T/img" "$@" >"$T/out" 2>"$T/err"; echo $? >"$T/rc"; }

plan 29
ok "build the image" "$DISKLESS" -c "$T/site.conf" build --image lab --from "$B" \
	--out-dir "$T/img" --overlays-dir "$top_srcdir/rootfs-overlays"
verify
is "a fresh image does not drift (exit 0)" "$(cat "$T/rc")" 0
is "... and prints nothing" "$(cat "$T/out")" ""
like "the manifest lists the capability" "$(cat "$T/img.mtree")" \
	'^#xattr \./usr/bin/ping security\.capability [0-9a-f]{64}$'

# Only extended attributes drift: the mtree lines are all the same.
I=$T/img
setcap cap_net_admin+ep "$I/usr/bin/ping"
setcap -r "$I/usr/bin/arp"
setcap cap_sys_admin+ep "$I/usr/bin/tool"
setfattr -n user.tag -v two "$I/srv/tagged"
verify
is "xattr drift exits 1" "$(cat "$T/rc")" 1
out=$(cat "$T/out")
like "a capability changed" "$out" "^changed /usr/bin/ping \\(xattr security\.capability\\)$"
like "a capability removed" "$out" "^changed /usr/bin/arp \\(xattr security\.capability removed\\)$"
like "a capability added" "$out" "^changed /usr/bin/tool \\(xattr security\.capability added\\)$"
like "a user attribute changed" "$out" "^changed /srv/tagged \\(xattr user\.tag\\)$"
is "nothing else" "$(printf '%s\n' "$out" | wc -l)" 4
setcap cap_net_raw+ep "$I/usr/bin/ping"; setcap cap_net_raw+ep "$I/usr/bin/arp"
setcap -r "$I/usr/bin/tool"; setfattr -n user.tag -v one "$I/srv/tagged"
verify
is "undone: no drift again" "$(cat "$T/rc")" 0

echo "stray" >"$I/srv/added"
rm "$I/srv/deleted"
printf 'HELLO LAB\n' >"$I/srv/motd" # same size, other bytes
chmod 4755 "$I/usr/bin/tool"
chown 4242:4343 "$I/srv/owned"
ln -sfn /etc/passwd "$I/srv/link"
rm "$I/srv/replaced" && mkdir "$I/srv/replaced"
before=$(find "$I" -printf '%p %T@ %C@\n' | LC_ALL=C sort | sha256sum)

verify
is "drift exits 1" "$(cat "$T/rc")" 1
out=$(cat "$T/out")
like "the added file" "$out" "^added /srv/added$"
like "the deleted file" "$out" "^missing /srv/deleted$"
like "contents edited, same size: sha256 differs" "$out" \
	"^changed /srv/motd \\(sha256 time\\)$"
like "the mode (setuid added)" "$out" "^changed /usr/bin/tool \\(.*mode"
like "the owner" "$out" "^changed /srv/owned \\(.*uid.*gid"
like "the retargeted symlink" "$out" "^changed /srv/link \\(.*link"
like "a file become a directory: its type" "$out" "^changed /srv/replaced \\(.*type"
like "a directory whose entries changed: its time" "$out" "^changed /srv \\(time\\)$"
is "one line per drifted entry, nothing else" "$(printf '%s\n' "$out" | wc -l)" 8
like "one summary line naming both and the counts" "$(cat "$T/err")" \
	"^diskless: verify: $I drifted from $I.mtree: 1 added, 1 missing, 6 changed$"
after=$(find "$I" -printf '%p %T@ %C@\n' | LC_ALL=C sort | sha256sum)
is "verify touched nothing in the tree" "$after" "$before"

verify -q
is "--quiet: still exit 1" "$(cat "$T/rc")" 1
is "--quiet: no report lines" "$(cat "$T/out")" ""

rm "$I/srv/added"
verify
like "what was undone is no longer reported" "$(cat "$T/out")" "^missing /srv/deleted$"
is "... and only what remains" "$(grep -c '^added' "$T/out")" 0

is_exit 1 "a missing manifest is a runtime error" \
	"$DISKLESS" verify "$I" --manifest "$T/nowhere.mtree"
is_exit 2 "no directory is a usage error" "$DISKLESS" verify

done_testing
