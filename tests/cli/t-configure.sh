#!/bin/sh
# t-configure.sh: when pkg-config cannot find a library, configure stops and
# names the Debian package to install. A stand-in pkg-config hides one module
# at a time and passes everything else to the real one.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
need_cmd pkg-config

real=$(command -v pkg-config)
for pair in inih:libinih-dev libarchive:libarchive-dev mount:libmount-dev \
	libnfs:libnfs-dev libkmod:libkmod-dev; do
	mod=${pair%%:*} pkg=${pair#*:}
	fake=$TEST_TMP/pkg-config-no-$mod
	cat > "$fake" <<EOS
#!/bin/sh
for a; do case \$a in $mod|"$mod "*) exit 1 ;; esac; done
exec "$real" "\$@"
EOS
	chmod +x "$fake"
	mkdir -p "$TEST_TMP/b-$mod"
	out=$(cd "$TEST_TMP/b-$mod" && "$top_srcdir/configure" PKG_CONFIG="$fake" 2>&1)
	rc=$?
	ok "configure stops when $mod is missing" [ "$rc" != 0 ]
	like "the message names $pkg" "$out" "error: .*install the Debian package $pkg"
done

done_testing
