# install-lib.sh: `make install` of the build tree from inside a test, for
# t-install.sh and t-unit.sh. Sourced after tests/lib.sh.
#
#   make_build ARGS...    make in $top_builddir, quietly
#   make_var NAME ARGS... the value of make variable NAME, with ARGS (such
#                         as prefix=/usr) overriding as on a command line

# The test runs under `make check`, whose MAKEFLAGS (jobserver descriptors,
# -k, -j) belong to that make: a make started here must not inherit them.
make_build() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		"${MAKE:-make}" -s --no-print-directory -C "$top_builddir" "$@"
}

make_var() {
	_v=$1; shift
	# the last line: a Makefile older than configure is remade first,
	# and config.status talks
	printf 'print-make-var:\n\t@echo "$(%s)"\n' "$_v" |
		make_build -f Makefile -f - print-make-var "$@" | tail -n 1
}

[ -f "$top_builddir/Makefile" ] || skip_all "no Makefile in $top_builddir"
command -v "${MAKE:-make}" >/dev/null 2>&1 || skip_all "needs make"
