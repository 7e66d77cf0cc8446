# tests/cli/man-lib.sh: what the man page tests (t-man-*.sh) share. Sourced
# after tests/lib.sh. The pages are read from their scdoc source, where an
# item is a line at column 0 followed by a tab-indented one (its text).

# man_page NAME: the built page: the build tree's, else the one a dist
# tarball carries in the source tree.
man_page() {
	if [ -f "$top_builddir/doc/$1" ]; then
		echo "$top_builddir/doc/$1"
	else
		echo "$top_srcdir/doc/$1"
	fi
}

# scd_section FILE TITLE: the lines of "# TITLE", up to the next "# ".
scd_section() {
	awk -v t="# $2" '$0 == t { on = 1; next } /^# / { on = 0 } on' "$1"
}

# scd_terms: the item lines of stdin.
scd_terms() {
	awk '/^\t/ && p != "" && p !~ /^\t/ { print p } { p = $0 }'
}

# scd_opts FILE: one "WHERE<tab>OPTION" line per option item of the page,
# WHERE the title of its "# " section or "## " subsection, OPTION as
# "-c --config", "--json" or "-n".
scd_opts() {
	awk '/^# / { w = substr($0, 3) } /^## / { w = substr($0, 4) }
		/^\t/ && p ~ /^\*-/ { print w "\t" p } { p = $0 }' "$1" |
		sed -E 's/\t\*(-[A-Za-z0-9])\*, \*(--[a-z][a-z0-9-]*)\*.*/\t\1 \2/; t
			s/\t\*(--?[A-Za-z0-9][a-z0-9-]*)\*.*/\t\1/'
}

# help_opts: the options a --help text (stdin) lists, one per line, in the
# form of scd_opts: "  -c, --config FILE  ..." gives "-c --config".
help_opts() {
	sed -n -E 's/^ +(-[A-Za-z0-9]), (--[a-z][a-z0-9-]*).*/\1 \2/p; t
		s/^ +(--?[A-Za-z0-9][a-z0-9-]*)( .*)?$/\1/p'
}

# each_in LIST OTHER TEXT: one test a line X of the file LIST, ok when X
# is a line of the file OTHER; TEXT names the test, X standing for %s.
each_in() {
	while IFS= read -r _x; do
		ok "${3%%%s*}$_x${3#*%s}" grep -qxF -- "$_x" "$2"
	done < "$1"
}

# opt_accepted OPT CMD...: CMD takes OPT. Given an argument (or a stray
# word when it takes none) and --help, glibc's getopt calls an unknown
# option "unrecognized" (long) or "invalid" (short); a known one is parsed
# and --help stops the command before it does anything.
opt_accepted() {
	_opt=$1
	shift
	_out=$(LC_ALL=C "$@" "$_opt" /nonexistent-value --help 2>&1)
	case $_out in
	*"unrecognized option"* | *"invalid option"*) return 1 ;;
	esac
	return 0
}

# compare_opts WHAT HELPFILE PAGEFILE CMD...: every option --help lists is
# documented, and every documented one is listed and accepted.
compare_opts() {
	_what=$1 _help=$2 _page=$3
	shift 3
	each_in "$_help" "$_page" "$_what: %s is documented"
	while IFS= read -r _o; do
		ok "$_what: documented $_o is in --help" grep -qxF -- "$_o" "$_help"
		for _w in $_o; do
			ok "$_what: documented $_w is accepted" opt_accepted "$_w" "$@"
		done
	done < "$_page"
}

# compare_env PAGE.scd SOURCE...: every variable the sources getenv() is
# an ENVIRONMENT item of the page, and every item is read.
compare_env() {
	_page=$1
	shift
	grep -ho 'getenv("[A-Z_]*")' "$@" | sed 's/.*"\(.*\)".*/\1/' |
		sort -u > "$TEST_TMP/getenv"
	scd_section "$_page" ENVIRONMENT | scd_terms |
		sed -n 's/^\*\([A-Z_]*\)\*$/\1/p' | sort -u > "$TEST_TMP/env"
	ok "the program reads environment variables" test -s "$TEST_TMP/getenv"
	each_in "$TEST_TMP/getenv" "$TEST_TMP/env" "environment: %s is documented"
	each_in "$TEST_TMP/env" "$TEST_TMP/getenv" "environment: documented %s is read"
}

# exit_status_documented PAGE.scd: the EXIT STATUS section has 0, 1 and 2.
exit_status_documented() {
	scd_section "$1" "EXIT STATUS" | scd_terms > "$TEST_TMP/exit-terms"
	for _c in 0 1 2; do
		ok "$(basename "$1"): EXIT STATUS documents $_c" \
			grep -qxF "*$_c*" "$TEST_TMP/exit-terms"
	done
}

# man_renders NAME: the built page renders with man -l at 80 columns and
# groff says nothing (no warning, no line it cannot break).
man_renders() {
	if ! command -v man >/dev/null 2>&1; then
		ok "$1 renders # SKIP man is not installed (man-db)" true
		return
	fi
	_page=$(man_page "$1")
	ok "$1 is built" test -s "$_page" || return
	LC_ALL=C.UTF-8 MANWIDTH=80 MAN_DISABLE_SECCOMP=1 \
		man --warnings=all -l "$_page" >"$TEST_TMP/man.out" 2>"$TEST_TMP/man.err"
	is "$1: man -l prints no warnings" "$(cat "$TEST_TMP/man.err")" ""
	ok "$1: man -l renders text" test -s "$TEST_TMP/man.out"
}
