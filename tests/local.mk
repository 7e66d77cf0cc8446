# tests/: TAP through automake's tap-driver.sh. Unit tests are C programs
# (tests/tap.h); CLI and integration tests are shell scripts (tests/lib.sh).
# A test that cannot run prints "1..0 # SKIP reason" (exit 77 would count as
# an ERROR under the TAP driver).
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
TEST_EXTENSIONS = .sh
SH_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	DISKLESS='$(abs_top_builddir)/builder/diskless'; export DISKLESS; \
	DISKLESSD='$(abs_top_builddir)/server/disklessd'; export DISKLESSD; \
	DISKLESS_INIT='$(abs_top_builddir)/initrd/diskless-init'; export DISKLESS_INIT; \
	ASAN_OPTIONS='abort_on_error=1:detect_leaks=1'; export ASAN_OPTIONS; \
	UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1'; export UBSAN_OPTIONS;

check_LIBRARIES += tests/libtap.a
tests_libtap_a_SOURCES = tests/tap.c tests/tap.h
TAP_LDADD = tests/libtap.a lib/libcommon.a

check_PROGRAMS += \
	tests/unit/test-netaddr \
	tests/unit/test-strutil \
	tests/unit/test-json-out \
	tests/unit/test-site-config
tests_unit_test_netaddr_LDADD = $(TAP_LDADD)
tests_unit_test_strutil_LDADD = $(TAP_LDADD)
tests_unit_test_json_out_LDADD = $(TAP_LDADD)
tests_unit_test_site_config_LDADD = $(TAP_LDADD) $(INIH_LIBS)

TESTS += \
	tests/unit/test-netaddr \
	tests/unit/test-strutil \
	tests/unit/test-json-out \
	tests/unit/test-site-config \
	tests/cli/t-programs.sh \
	tests/cli/t-config-check.sh \
	tests/cli/t-man-config.sh

EXTRA_DIST += \
	tests/lib.sh \
	tests/cli/t-programs.sh \
	tests/cli/t-config-check.sh \
	tests/cli/t-man-config.sh \
	tests/data/config \
	tests/data/golden \
	doc/example-site

# Golden files: `make check-update` rewrites them from the current output;
# review the diff before committing.
PHONY_TARGETS += check-update
check-update: all
	top_srcdir='$(abs_top_srcdir)' DISKLESS='$(abs_top_builddir)/builder/diskless' \
		$(SHELL) $(srcdir)/tests/cli/t-config-check.sh --update

# libFuzzer targets (clang). `make fuzz` runs each for FUZZ_SECONDS, with
# the checked-in seeds and a writable corpus in the build tree.
FUZZ_SECONDS = 60
FUZZ_TARGETS = tests/fuzz/fuzz-site-config
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-include config.h -I. -I$(top_srcdir)/lib -I$(top_srcdir)/tests \
	-DSYSCONFDIR='"$(sysconfdir)"' -DPKGLIBEXECDIR='"$(pkglibexecdir)"' \
	-DPKGDATADIR='"$(pkgdatadir)"'
SITE_CONFIG_SRC = lib/site-config.c lib/site-keys.c lib/site-validate.c \
	lib/site-print.c lib/netaddr.c lib/strutil.c lib/json-out.c
tests/fuzz/fuzz-site-config: tests/fuzz/fuzz-site-config.c $(SITE_CONFIG_SRC) config.h
	$(AM_V_CCLD)$(MKDIR_P) tests/fuzz && \
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) $(INIH_LIBS)
EXTRA_DIST += tests/fuzz/fuzz-site-config.c tests/fuzz/corpus tests/fuzz/run.sh
CLEANFILES += $(FUZZ_TARGETS)
clean-local: clean-fuzz
clean-fuzz:
	rm -rf tests/fuzz/work
PHONY_TARGETS += fuzz clean-fuzz
if HAVE_FUZZ
fuzz: $(FUZZ_TARGETS)
	$(SHELL) $(srcdir)/tests/fuzz/run.sh $(FUZZ_SECONDS) $(srcdir)/tests/fuzz/corpus \
		$(FUZZ_TARGETS)
else
fuzz:
	@echo "fuzz: clang with libFuzzer not found (install clang libclang-rt-14-dev, re-run configure)"; exit 1
endif
