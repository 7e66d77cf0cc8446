#!/bin/sh
# t-man-config.sh: diskless.conf(5) documents every key the reader accepts,
# and the reader accepts every key the page documents, in its section.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/cli/man-lib.sh"

man=$top_srcdir/doc/diskless.conf.5.scd
lib=$top_srcdir/lib

# section:key pairs from the page: "*key* = ..." lines under "# SECTION [s]".
awk '/^# SECTION \[/ { s = $3; gsub(/[][]/, "", s); next }
	/^# / { s = "" }
	s != "" && /^\*[a-z0-9-]+\* = / { k = $1; gsub(/\*/, "", k); print s ":" k }' \
	"$man" | sort > "$TEST_TMP/documented"
# ... and from the reader's key tables: { "key", section_key, ... }.
sed -n 's/^	{ "\([a-z0-9-]*\)", \([a-z]*\)_[a-z_0-9]*, [a-z]* },$/\2:\1/p' \
	"$lib/site-keys.c" "$lib/site-boot.c" |
	sort > "$TEST_TMP/accepted"

n=$(wc -l < "$TEST_TMP/accepted")
ok "the reader's key tables were found ($n keys)" [ "$n" -ge 20 ]
while IFS= read -r sk; do
	ok "documented: [${sk%%:*}] ${sk#*:}" grep -qx "$sk" "$TEST_TMP/documented"
done < "$TEST_TMP/accepted"

# Each documented key, given to the reader in its section, is not unknown.
while IFS= read -r sk; do
	s=${sk%%:*} k=${sk#*:}
	case $s in
	image|host) hdr="[$s x]" ;;
	*) hdr="[$s]" ;;
	esac
	printf '%s\n%s = x\n' "$hdr" "$k" > "$TEST_TMP/one.conf"
	out=$("$DISKLESS" config check -c "$TEST_TMP/one.conf" 2>&1)
	case $out in
	*"unknown key"*|*"does not belong"*) ok "accepted: [$s] $k" false ;;
	*) ok "accepted: [$s] $k" true ;;
	esac
done < "$TEST_TMP/documented"

man_renders diskless.conf.5

done_testing
