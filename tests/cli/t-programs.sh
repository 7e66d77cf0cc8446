#!/bin/sh
# t-programs.sh: the three programs answer --help and --version, and use the
# exit codes of DESIGN.md (0 ok, 1 runtime failure, 2 usage or config error).
. "${top_srcdir:?}/tests/lib.sh" || exit 1

version=$(sed -n 's/^AC_INIT(\[diskless\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")

for prog in "$DISKLESS" "$DISKLESSD" "$DISKLESS_INIT"; do
	name=$(basename "$prog")
	is_exit 0 "$name --help exits 0" "$prog" --help
	like "$name --help prints usage" "$("$prog" --help 2>&1)" "^[Uu]sage: $name"
	is "$name --version" "$("$prog" --version 2>&1)" "$name $version"
	is_exit 2 "$name with an unknown option exits 2" "$prog" --no-such-option
done

is_exit 2 "diskless without a command exits 2" "$DISKLESS"
like "diskless without a command says what to do" "$("$DISKLESS" 2>&1)" \
	"^diskless: no command given \(run 'diskless --help'"
is_exit 2 "diskless with an unknown command exits 2" "$DISKLESS" frobnicate
like "an unknown command is named" "$("$DISKLESS" frobnicate 2>&1)" "unknown command 'frobnicate'"
is_exit 2 "diskless config without an action exits 2" "$DISKLESS" config
is_exit 2 "diskless config with an unknown action exits 2" "$DISKLESS" config frob
is_exit 0 "diskless config --help exits 0" "$DISKLESS" config --help
is_exit 2 "disklessd with an argument exits 2" "$DISKLESSD" extra
is_exit 2 "disklessd -n on a missing config exits 2" "$DISKLESSD" -n -c /nonexistent.conf
is_exit 0 "disklessd -n on the example site exits 0" \
	"$DISKLESSD" -n -c "$top_srcdir/doc/example-site/diskless.conf"
like "diskless --help lists config" "$("$DISKLESS" --help)" "^  config "

done_testing
