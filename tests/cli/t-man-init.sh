#!/bin/sh
# t-man-init.sh: diskless-init(8) documents every kernel command line word
# the parser (lib/cmdline.c) knows, with each value it tells apart, and
# documents only words the parser acts on: for each documented word, one of
# the page's own examples changes what `diskless-init -n` prints, and no
# example of the page draws a warning.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/cli/man-lib.sh"

man=$top_srcdir/doc/diskless-init.8.scd
src=$top_srcdir/lib/cmdline.c

# The parser's words and values. parse_word() compares each word,
# strcmp(w, "NAME"), and hands the value to an opt_X() function or tests
# it itself; the opt_X() functions and the ip= method table
# ({ "dhcp", CMDLINE_IP_DHCP }) compare the values they tell apart.
# "word NAME" and "value NAME=VALUE" lines.
awk '
# quoted(s, re): the string literal in each match of re in s, one a line.
function quoted(s, re,    out, m) {
	out = ""
	while (match(s, re)) {
		m = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
		sub(/^[^"]*"/, "", m)
		sub(/".*/, "", m)
		out = out m "\n"
	}
	return out
}
# put(text, prefix): prints each line of text after prefix (none when
# prefix is ""); returns the last line.
function put(text, prefix,    n, a, i) {
	n = split(text, a, "\n")
	for (i = 1; i < n && prefix != ""; i++)
		print prefix a[i]
	return n > 1 ? a[n - 1] : ""
}
/^[a-z_][a-z0-9_]*\(/ { fn = $0; sub(/\(.*/, "", fn) }
fn == "parse_word" {
	w = quoted($0, "strcmp\\(w, \"[^\"]*\"")
	if (w != "")
		last = put(w, NR == FNR ? "" : "word ")
	if (NR == FNR && match($0, /opt_[a-z]+\(/)) {
		f = substr($0, RSTART, RLENGTH - 1)
		if (!(f in word))
			word[f] = last
	}
}
NR == FNR { next }
fn == "parse_word" || fn in word {
	put(quoted($0, "strn?cmp\\(v, \"[^\"]*\""),
		"value " (fn in word ? word[fn] : last) "=")
}
fn == "autoconf_word" { put(quoted($0, "\\{ \"[^\"]*\", CMDLINE_IP_"), "value ip=") }
' "$src" "$src" | sort -u \
	> "$TEST_TMP/parser"
sed -n 's/^word //p' "$TEST_TMP/parser" > "$TEST_TMP/words"
sed -n 's/^value //p' "$TEST_TMP/parser" > "$TEST_TMP/values"
n=$(wc -l < "$TEST_TMP/words")
ok "the parser's words were found ($n)" [ "$n" -ge 15 ]
n=$(wc -l < "$TEST_TMP/values")
ok "the parser's values were found ($n)" [ "$n" -ge 15 ]

# The page's KERNEL COMMAND LINE section: its items name the words
# ("*ip=*_IP_*:*...", "*ro*, *rw*"); its bold text gives the examples.
scd_section "$man" "KERNEL COMMAND LINE" > "$TEST_TMP/section"
scd_terms < "$TEST_TMP/section" | awk '{
	s = $0
	while (match(s, /(^|, )\*[A-Za-z][A-Za-z0-9._-]*(=|\*)/)) {
		t = substr(s, RSTART, RLENGTH)
		sub(/^(, )?\*/, "", t); sub(/[=*]$/, "", t)
		print t
		s = substr(s, RSTART + RLENGTH)
	}
}' | sort -u > "$TEST_TMP/documented"
# Examples: bold WORD or WORD=VALUE not followed by a placeholder ("_" or
# "["), whose value does not end in ":" or "," (a prefix such as
# *root=nfs:* or *ip=dhcp,*), for a word the parser knows.
sed 's/\\\*/\a/g; s/\\_/_/g' "$TEST_TMP/section" | awk '{
	s = $0
	while (match(s, /\*[^*]+\*/)) {
		t = substr(s, RSTART + 1, RLENGTH - 2)
		next_c = substr(s, RSTART + RLENGTH, 1)
		s = substr(s, RSTART + RLENGTH)
		if (t !~ /^[A-Za-z][A-Za-z0-9._-]*(=[^ ]*[^ :,=])?$/ || next_c ~ /[_[]/)
			continue
		w = t; sub(/=.*/, "", w)
		print w "\t" t
	}
}' | sort -u > "$TEST_TMP/bold"
awk -F '\t' 'NR == FNR { known[$1] = 1; next } $1 in known' \
	"$TEST_TMP/words" "$TEST_TMP/bold" > "$TEST_TMP/examples"
n=$(wc -l < "$TEST_TMP/documented")
ok "the page documents words ($n)" [ "$n" -ge 15 ]

each_in "$TEST_TMP/words" "$TEST_TMP/documented" "word %s is documented"
each_in "$TEST_TMP/documented" "$TEST_TMP/words" \
	"documented word %s is one the parser knows"
while IFS= read -r v; do
	ok "value $v is documented" grep -qF -- "*$v" "$TEST_TMP/section"
done < "$TEST_TMP/values"

# The dry run, without its first line (the command line echoed).
dry() {
	"$DISKLESS_INIT" -n "$1" 2>&1 | sed 1d
}
# An example is valid when it draws no warning; it has an effect when the
# dry run of one of these lines changes once it is added.
set -- "" "nfsroot=10.0.0.1:/srv/lab" "nfsroot=10.0.0.1:/srv/lab,rw"
i=0
for base; do
	i=$((i + 1))
	dry "$base" > "$TEST_TMP/base$i"
done
has_effect() {
	_i=0
	for _b; do
		_i=$((_i + 1))
		dry "$_b${_b:+ }$example" > "$TEST_TMP/with"
		cmp -s "$TEST_TMP/with" "$TEST_TMP/base$_i" || return 0
	done
	return 1
}
no_warning() {
	! grep -q '^warning:' "$1"
}
: > "$TEST_TMP/effective"
while IFS="$(printf '\t')" read -r w example; do
	dry "$example" > "$TEST_TMP/out"
	ok "example $example draws no warning" no_warning "$TEST_TMP/out"
	has_effect "$@" && echo "$w" >> "$TEST_TMP/effective"
done < "$TEST_TMP/examples"
each_in "$TEST_TMP/documented" "$TEST_TMP/effective" \
	"documented word %s: an example changes the dry run"

# Options: the usage line of --help ("[-n [CMDLINE]] [--help]") against
# the OPTIONS items.
"$DISKLESS_INIT" --help | sed -n 's/^Usage: [^ ]*//p' |
	grep -oE '(^|[[ ])--?[a-z][a-z-]*' | tr -d '[ ' | sort -u > "$TEST_TMP/help-opts"
scd_opts "$man" | awk -F '\t' '$1 == "OPTIONS" { print $2 }' | sort -u \
	> "$TEST_TMP/page-opts"
ok "diskless-init --help lists options" test -s "$TEST_TMP/help-opts"
each_in "$TEST_TMP/help-opts" "$TEST_TMP/page-opts" "option %s is documented"
each_in "$TEST_TMP/page-opts" "$TEST_TMP/help-opts" "documented option %s is in --help"

exit_status_documented "$man"
man_renders diskless-init.8

done_testing
