# bench/: benchmarks against the peers, measured in the same run; `make bench`.
# Figures are ratios to the peer (these machines are shared and noisy), never
# pass/fail timings in the test suite.
BENCH_LIST =
EXTRA_DIST += $(BENCH_LIST)
PHONY_TARGETS += bench
bench: all
	@set -e; if test -z "$(BENCH_LIST)"; then echo "bench: no benchmarks"; fi; \
	for b in $(BENCH_LIST); do \
		echo "== $$b"; \
		top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
			$(SHELL) $(srcdir)/$$b; \
	done
