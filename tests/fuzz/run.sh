#!/bin/sh
# run.sh SECONDS SEED_DIR TARGET...: runs each libFuzzer target for SECONDS
# on a writable copy of its seeds (tests/fuzz/work/NAME) and prints one line
# per target: executions, time, crashes. Exits 1 if any target crashed.
set -u
secs=$1 seeds=$2
shift 2
failed=0
for t; do
	name=$(basename "$t"); name=${name#fuzz-}
	work=tests/fuzz/work/$name
	mkdir -p "$work" tests/fuzz/work/crashes
	log=tests/fuzz/work/$name.log
	limits="-rss_limit_mb=2048"
	case $name in
	# libarchive's read-ahead grows its copy buffer by doubling to hold
	# a header field as long as a corrupt cpio/tar header claims (a 32-bit
	# name size: up to 8 GiB, 6.9 GiB seen). The memory is reserved, not
	# touched, and the read then fails as truncated: its behaviour, not
	# ours, so allow single allocations up to that bound; RSS stays capped.
	build-archive) limits="-rss_limit_mb=6144 -malloc_limit_mb=16384" ;;
	esac
	# shellcheck disable=SC2086
	if "$t" -max_total_time="$secs" -print_final_stats=1 -timeout=10 $limits \
		-artifact_prefix=tests/fuzz/work/crashes/"$name"- "$work" "$seeds/$name" >"$log" 2>&1; then
		status=ok
	else
		status=CRASH
		failed=1
		tail -n 40 "$log"
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	echo "fuzz $name: $status, ${execs:-?} executions in ${secs}s"
done
exit $failed
