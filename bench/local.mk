# bench/: benchmarks against the peers, measured in the same run; `make bench`.
# Figures are ratios to the peer (these machines are shared and noisy), never
# pass/fail timings in the test suite.
BENCH_LIST = bench/dhcp-core-bench.sh bench/initrd-bench.sh bench/build-bench.sh \
	bench/tftp-compare.sh bench/boot-bench.sh bench/dhcp-compare.sh bench/pxe-boot-bench.sh

# The DHCP core alone: reply decisions per second, lease store memory and
# journal load time for 100k leases.
EXTRA_PROGRAMS += bench/dhcp-core-bench
bench_dhcp_core_bench_SOURCES = bench/dhcp-core-bench.c $(DHCP_CORE_SRC)
bench_dhcp_core_bench_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/server
bench_dhcp_core_bench_LDADD = lib/libcommon.a
CLEANFILES += bench/dhcp-core-bench
EXTRA_DIST += $(BENCH_LIST) bench/root-init.sh
PHONY_TARGETS += bench
bench: all bench/dhcp-core-bench
	@failed=; for b in $(BENCH_LIST); do \
		echo "== $$b"; \
		top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
		DISKLESS='$(abs_top_builddir)/builder/diskless' \
		DISKLESSD='$(abs_top_builddir)/server/disklessd' \
		DISKLESS_INIT='$(abs_top_builddir)/initrd/diskless-init' \
			$(SHELL) $(srcdir)/$$b || failed="$$failed $$b"; \
	done; \
	if test -n "$$failed"; then echo "bench: did not complete:$$failed"; exit 1; fi
