#!/bin/sh
# t-config-check.sh: `diskless config check` on the example site (golden
# INI and JSON output), and on each hostile file of tests/data/config/, whose
# "; expect: LINE: TEXT" lines name the diagnostics that must appear.
# With --update, rewrites the golden files instead.
. "${top_srcdir:?}/tests/lib.sh" || exit 1

golden=$top_srcdir/tests/data/golden
check() { (cd "$top_srcdir" && "$DISKLESS" config check "$@"); }

if [ "${1:-}" = --update ]; then
	check -c doc/example-site/diskless.conf > "$golden/example-site.ini"
	check --json -c doc/example-site/diskless.conf > "$golden/example-site.json"
	echo "1..0 # SKIP golden files updated"
	exit 0
fi

# The example site.
is_exit 0 "the example site is valid" check -c doc/example-site/diskless.conf
out=$(check -c doc/example-site/diskless.conf 2>&1)
is "the example site prints as the golden INI" "$out" "$(cat "$golden/example-site.ini")"
out=$(check --json -c doc/example-site/diskless.conf 2>&1)
is "the example site prints as the golden JSON" "$out" "$(cat "$golden/example-site.json")"
if command -v jq >/dev/null 2>&1; then
	is "the JSON is valid and has three hosts" \
		"$(printf '%s' "$out" | jq -r '.hosts | length')" 3
	is "hosts come from hosts.d" \
		"$(printf '%s' "$out" | jq -r '.hosts[2].file')" \
		"doc/example-site/hosts.d/thin01.conf"
else
	diag "jq missing: JSON validity not checked"
fi
is "global -c works as well" "$(cd "$top_srcdir" && "$DISKLESS" -c doc/example-site/diskless.conf config check)" \
	"$(cat "$golden/example-site.ini")"

# The printed site reads back to itself (comments aside).
check -c doc/example-site/diskless.conf > "$TEST_TMP/printed.conf"
(cd "$TEST_TMP" && "$DISKLESS" config check -c printed.conf) > "$TEST_TMP/again.conf" 2>&1
is "the printed site reads back to the same site" \
	"$(grep -v '^;' "$TEST_TMP/again.conf")" "$(grep -v '^;' "$TEST_TMP/printed.conf")"

# Files that cannot be read: exit 1, with the file named and what to do.
is_exit 1 "a missing file exits 1" "$DISKLESS" config check -c /nonexistent/diskless.conf
like "a missing file is named with a fix" \
	"$("$DISKLESS" config check -c /nonexistent/diskless.conf 2>&1)" \
	"^diskless: /nonexistent/diskless.conf: cannot read the site config .*: No such file or directory$"
is_exit 1 "a directory exits 1" "$DISKLESS" config check -c "$TEST_TMP"
is_exit 2 "an extra argument exits 2" "$DISKLESS" config check extra

# Hostile files: exit 2, each expected diagnostic at its line.
for f in "$top_srcdir"/tests/data/config/*.conf; do
	name=$(basename "$f" .conf)
	rel=tests/data/config/$name.conf
	out=$(check -c "$rel" 2>&1 >/dev/null)
	rc=$?
	is "$name: exits 2" "$rc" 2
	grep -a '^; expect: ' "$f" | sed 's/^; expect: //' > "$TEST_TMP/expect"
	while IFS= read -r e; do
		line=${e%%: *}
		text=${e#*: }
		case $line in
		0) want="^diskless: $rel: $text" ;;
		*) want="^diskless: $rel:$line: $text" ;;
		esac
		like "$name: line $line says $text" "$out" "$want"
	done < "$TEST_TMP/expect"
	json=$(check --json -c "$rel" 2>/dev/null)
	if command -v jq >/dev/null 2>&1; then
		n=$(printf '%s' "$json" | jq -r '.errors')
		[ "${n:-0}" -gt 0 ]
		ok "$name: --json lists the errors ($n)" [ "${n:-0}" -gt 0 ]
	fi
done

# Generated hostile files: a 1 MB line, and binary garbage.
{
	printf '[server]\naddress = 10.0.0.1\ncmdline = '
	head -c 1048576 /dev/zero | tr '\0' x
	printf '\nmode = proxy\n'
} > "$TEST_TMP/long.conf"
out=$("$DISKLESS" config check -c "$TEST_TMP/long.conf" 2>&1 >/dev/null)
is "a 1 MB line: exits 2" "$?" 2
like "a 1 MB line: refused at line 3" "$out" "long.conf:3: line longer than 199 bytes"
like "a 1 MB line: the lines after it are read (one error)" "$out" "long.conf: 1 error, "

awk 'BEGIN { srand(7); for (i = 0; i < 8192; i++) printf "%c", int(rand() * 256) }' \
	> "$TEST_TMP/garbage.conf"
out=$("$DISKLESS" config check -c "$TEST_TMP/garbage.conf" 2>&1 >/dev/null)
is "binary garbage: exits 2" "$?" 2
n=$(printf '%s\n' "$out" | wc -l)
ok "binary garbage: at most 52 lines of errors ($n)" [ "$n" -le 52 ]

: > "$TEST_TMP/empty.conf"
out=$("$DISKLESS" config check -c "$TEST_TMP/empty.conf" 2>&1 >/dev/null)
is "an empty file: exits 2" "$?" 2
like "an empty file: says what is missing" "$out" "empty.conf: no \[server\] section"

done_testing
