#!/bin/sh
# t-man-disklessd.sh: disklessd(8) documents every option `disklessd --help`
# lists and only options the daemon accepts, every signal it handles and
# every environment variable it reads, and only those.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/cli/man-lib.sh"

man=$top_srcdir/doc/disklessd.8.scd

"$DISKLESSD" --help | help_opts | sort -u > "$TEST_TMP/help-opts"
scd_opts "$man" | awk -F '\t' '$1 == "OPTIONS" { print $2 }' | sort -u \
	> "$TEST_TMP/page-opts"
ok "disklessd --help lists options" test -s "$TEST_TMP/help-opts"
compare_opts disklessd "$TEST_TMP/help-opts" "$TEST_TMP/page-opts" "$DISKLESSD"

# Signals: the loop_signal_add() calls of server/main.c, and the page's
# SIGNALS items ("*SIGTERM*, *SIGINT*").
sed -n 's/.*loop_signal_add([^,]*, \(SIG[A-Z0-9]*\),.*/\1/p' \
	"$top_srcdir/server/main.c" | sort -u > "$TEST_TMP/handled"
scd_section "$man" SIGNALS | scd_terms | grep -o '\*SIG[A-Z0-9]*\*' | tr -d '*' |
	sort -u > "$TEST_TMP/documented"
ok "server/main.c handles signals" test -s "$TEST_TMP/handled"
each_in "$TEST_TMP/handled" "$TEST_TMP/documented" "signal %s is documented"
each_in "$TEST_TMP/documented" "$TEST_TMP/handled" "documented signal %s is handled"

# Every variable the daemon reads is in ENVIRONMENT, and only those.
compare_env "$man" "$top_srcdir"/server/*.c "$top_srcdir"/lib/*.c

exit_status_documented "$man"
man_renders disklessd.8

done_testing
