#!/bin/sh
# t-man-diskless.sh: diskless(1) documents every command `diskless --help`
# lists, only commands that exist, and for the program and each command
# every option its --help lists and only options it accepts. The lists come
# from the program's own --help, never from this file.
# A section names its command in words ("config check"): $sec and $c are
# left unquoted on purpose, to split them.
# shellcheck disable=SC2086
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/cli/man-lib.sh"

man=$top_srcdir/doc/diskless.1.scd

# Commands: "  NAME     summary" lines after "Commands:" in diskless --help.
"$DISKLESS" --help > "$TEST_TMP/help"
awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 }
	on && /^  [a-z]/ { print $1 }' "$TEST_TMP/help" | sort > "$TEST_TMP/commands"
# ... and the page's "## diskless NAME [ACTION]" subsections of COMMANDS.
scd_section "$man" COMMANDS | sed -n 's/^## diskless \([a-z].*\)$/\1/p' \
	> "$TEST_TMP/sections"
cut -d' ' -f1 "$TEST_TMP/sections" | sort > "$TEST_TMP/documented"

n=$(wc -l < "$TEST_TMP/commands")
ok "diskless --help lists its commands ($n)" [ "$n" -ge 5 ]
each_in "$TEST_TMP/commands" "$TEST_TMP/documented" "command %s is documented"
while IFS= read -r c; do
	is_exit 0 "documented command $c exists (--help exits 0)" "$DISKLESS" $c --help
done < "$TEST_TMP/sections"

# Options of diskless itself (the OPTIONS section) and of each command
# (its subsection), against what the matching --help prints.
scd_opts "$man" > "$TEST_TMP/page-opts"
help_opts < "$TEST_TMP/help" | sort -u > "$TEST_TMP/help-global"
awk -F '\t' '$1 == "OPTIONS" { print $2 }' "$TEST_TMP/page-opts" | sort -u \
	> "$TEST_TMP/page-global"
ok "diskless --help lists options" test -s "$TEST_TMP/help-global"
compare_opts "diskless" "$TEST_TMP/help-global" "$TEST_TMP/page-global" "$DISKLESS"

while IFS= read -r sec; do
	"$DISKLESS" $sec --help 2>/dev/null | help_opts | sort -u > "$TEST_TMP/help-cmd"
	awk -F '\t' -v w="diskless $sec" '$1 == w { print $2 }' "$TEST_TMP/page-opts" |
		sort -u > "$TEST_TMP/page-cmd"
	ok "diskless $sec --help lists options" test -s "$TEST_TMP/help-cmd"
	compare_opts "diskless $sec" "$TEST_TMP/help-cmd" "$TEST_TMP/page-cmd" \
		"$DISKLESS" $sec
done < "$TEST_TMP/sections"

# Every variable the builder reads is in ENVIRONMENT, and only those.
compare_env "$man" "$top_srcdir"/builder/*.c

exit_status_documented "$man"
man_renders diskless.1

done_testing
