#!/bin/sh
# dhcp-core-bench.sh - runs bench/dhcp-core-bench (the DHCP reply decision,
# the lease store's memory and the lease journal's write and load times) for
# `make bench`. Arguments go to the program: [-n CALLS] [-l LEASES] [-d DIR].
set -u
prog=${top_builddir:-.}/bench/dhcp-core-bench
if ! test -x "$prog"; then
	echo "dhcp-core-bench.sh: $prog: not built (run make bench/dhcp-core-bench)" >&2
	exit 1
fi
exec "$prog" "$@"
