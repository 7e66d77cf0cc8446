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
	tests/unit/test-tftp-pkt \
	tests/unit/test-tftp-send \
	tests/unit/test-loop \
	tests/unit/test-bootcfg \
	tests/unit/test-initramfs \
	tests/unit/test-kmod-closure \
	tests/unit/test-cmdline \
	tests/unit/test-dhcp-pkt \
	tests/unit/test-dhcp-reply \
	tests/unit/test-leases \
	tests/unit/test-link-frame \
	tests/unit/test-probe \
	tests/unit/test-init-dhcp \
	tests/unit/test-modalias \
	tests/unit/test-netconf-file \
	tests/unit/test-log \
	tests/unit/test-netaddr \
	tests/unit/test-strutil \
	tests/unit/test-json-out \
	tests/unit/test-site-config \
	tests/unit/test-sd-notify
tests_unit_test_cmdline_LDADD = $(TAP_LDADD)
tests_unit_test_tftp_pkt_LDADD = $(TAP_LDADD)
# builder/ parts tested on their own.
BUILD_UNIT_SOURCES = builder/image.c builder/image.h builder/image-tar.c \
	builder/manifest.c builder/manifest.h builder/mtree-line.c builder/mtree-line.h \
	builder/manifest-xattr.c builder/manifest-xattr.h \
	builder/overlay.c builder/overlay.h \
	builder/fstab.c builder/fstab.h builder/oci.c builder/oci.h \
	builder/oci-json.c builder/oci-json.h builder/extract.c builder/extract.h
BUILD_UNIT_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/builder $(ARCHIVE_CFLAGS) $(MOUNT_CFLAGS)
BUILD_UNIT_LDADD = $(TAP_LDADD) $(ARCHIVE_LIBS) $(MOUNT_LIBS) $(NETTLE_LIBS)
check_PROGRAMS += \
	tests/unit/test-build-path \
	tests/unit/test-build-template \
	tests/unit/test-build-fstab \
	tests/unit/test-build-json \
	tests/unit/test-build-image \
	tests/unit/test-build-mtree
tests_unit_test_build_path_SOURCES = tests/unit/test-build-path.c $(BUILD_UNIT_SOURCES)
tests_unit_test_build_path_CPPFLAGS = $(BUILD_UNIT_CPPFLAGS)
tests_unit_test_build_path_LDADD = $(BUILD_UNIT_LDADD)
tests_unit_test_build_template_SOURCES = tests/unit/test-build-template.c $(BUILD_UNIT_SOURCES)
tests_unit_test_build_template_CPPFLAGS = $(BUILD_UNIT_CPPFLAGS)
tests_unit_test_build_template_LDADD = $(BUILD_UNIT_LDADD)
tests_unit_test_build_fstab_SOURCES = tests/unit/test-build-fstab.c $(BUILD_UNIT_SOURCES)
tests_unit_test_build_fstab_CPPFLAGS = $(BUILD_UNIT_CPPFLAGS)
tests_unit_test_build_fstab_LDADD = $(BUILD_UNIT_LDADD)
tests_unit_test_build_json_SOURCES = tests/unit/test-build-json.c $(BUILD_UNIT_SOURCES)
tests_unit_test_build_json_CPPFLAGS = $(BUILD_UNIT_CPPFLAGS)
tests_unit_test_build_json_LDADD = $(BUILD_UNIT_LDADD)
tests_unit_test_build_image_SOURCES = tests/unit/test-build-image.c $(BUILD_UNIT_SOURCES)
tests_unit_test_build_image_CPPFLAGS = $(BUILD_UNIT_CPPFLAGS)
tests_unit_test_build_image_LDADD = $(BUILD_UNIT_LDADD)
tests_unit_test_build_mtree_SOURCES = tests/unit/test-build-mtree.c \
	builder/mtree-line.c builder/mtree-line.h
tests_unit_test_build_mtree_CPPFLAGS = $(BUILD_UNIT_CPPFLAGS)
tests_unit_test_build_mtree_LDADD = $(BUILD_UNIT_LDADD)

tests_unit_test_kmod_closure_SOURCES = tests/unit/test-kmod-closure.c \
	builder/kmod-closure.c builder/kmod-closure.h
tests_unit_test_kmod_closure_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/builder
tests_unit_test_kmod_closure_CFLAGS = $(AM_CFLAGS) $(KMOD_CFLAGS) $(ARCHIVE_CFLAGS)
tests_unit_test_kmod_closure_LDADD = $(TAP_LDADD) $(KMOD_LIBS) $(ARCHIVE_LIBS)
tests_unit_test_initramfs_SOURCES = tests/unit/test-initramfs.c \
	builder/initramfs.c builder/initramfs.h
tests_unit_test_initramfs_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/builder
tests_unit_test_initramfs_CFLAGS = $(AM_CFLAGS) $(ARCHIVE_CFLAGS)
tests_unit_test_initramfs_LDADD = $(TAP_LDADD) $(ARCHIVE_LIBS)
tests_unit_test_bootcfg_SOURCES = tests/unit/test-bootcfg.c \
	builder/bootcfg.c builder/bootcfg.h \
	builder/export-exports.c builder/export-ganesha.c \
	builder/export-boot.c builder/export-boot.h \
	builder/export-dnsmasq.c builder/export-kea.c \
	builder/check-parse.c builder/nfscheck.h
tests_unit_test_bootcfg_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/builder
tests_unit_test_bootcfg_LDADD = $(TAP_LDADD) $(INIH_LIBS)
# The DHCP server's pure core (server/), tested without sockets.
DHCP_CORE_SRC = server/dhcp-reply.c server/dhcp-reply.h server/leases.c server/leases.h
tests_unit_test_dhcp_pkt_SOURCES = tests/unit/test-dhcp-pkt.c tests/unit/dhcp-test.h
tests_unit_test_dhcp_pkt_LDADD = $(TAP_LDADD)
tests_unit_test_dhcp_reply_SOURCES = tests/unit/test-dhcp-reply.c \
	tests/unit/dhcp-test.h $(DHCP_CORE_SRC)
tests_unit_test_dhcp_reply_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/server
tests_unit_test_dhcp_reply_LDADD = $(TAP_LDADD) $(INIH_LIBS)
tests_unit_test_leases_SOURCES = tests/unit/test-leases.c server/leases.c server/leases.h
tests_unit_test_leases_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/server
tests_unit_test_leases_LDADD = $(TAP_LDADD)
tests_unit_test_link_frame_SOURCES = tests/unit/test-link-frame.c \
	server/link-frame.c server/link-frame.h
tests_unit_test_link_frame_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/server
tests_unit_test_link_frame_LDADD = $(TAP_LDADD)
# The block sender on a loopback UDP pair.
tests_unit_test_tftp_send_SOURCES = tests/unit/test-tftp-send.c server/tftp-send.c \
	server/tftp-send.h $(LOOP_SRC)
tests_unit_test_tftp_send_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/server
tests_unit_test_tftp_send_CFLAGS = $(AM_CFLAGS) $(URING_CFLAGS)
tests_unit_test_tftp_send_LDADD = $(TAP_LDADD) $(URING_LIBS)
# The loop's receivers and queued sends, in io_uring and on epoll.
tests_unit_test_loop_SOURCES = tests/unit/test-loop.c $(LOOP_SRC)
tests_unit_test_loop_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/server
tests_unit_test_loop_CFLAGS = $(AM_CFLAGS) $(URING_CFLAGS)
tests_unit_test_loop_LDADD = $(TAP_LDADD) $(URING_LIBS)
tests_unit_test_probe_SOURCES = tests/unit/test-probe.c server/probe.c server/probe.h
tests_unit_test_probe_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/server
tests_unit_test_probe_LDADD = $(TAP_LDADD)
# Faults and confinement (SECURITY.md): the seccomp filter and Landlock
# applied by server/sandbox.c itself, disklessd killed, flooded, on a full
# disk and under valgrind, and builds killed or out of room. t-fault-kill,
# t-fault-flood and t-valgrind skip unless DISKLESS_SLOW_TESTS=1.
check_PROGRAMS += tests/unit/test-sandbox
tests_unit_test_sandbox_SOURCES = tests/unit/test-sandbox.c server/sandbox.c \
	server/sandbox.h
tests_unit_test_sandbox_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/server
tests_unit_test_sandbox_LDADD = $(TAP_LDADD)
# t-tftp-window.sh preloads this to give disklessd small send buffers.
check_PROGRAMS += tests/integration/sndbuf-cap.so
tests_integration_sndbuf_cap_so_SOURCES = tests/integration/sndbuf-cap.c
tests_integration_sndbuf_cap_so_CFLAGS = $(WARN_CFLAGS) -fPIC
tests_integration_sndbuf_cap_so_LDFLAGS = -shared
# Valgrind 3.19 has no openat2(2): t-valgrind.sh preloads this (only there).
check_PROGRAMS += tests/integration/vg-openat2.so
tests_integration_vg_openat2_so_SOURCES = tests/integration/vg-openat2.c
tests_integration_vg_openat2_so_CFLAGS = $(WARN_CFLAGS) -fPIC
tests_integration_vg_openat2_so_LDFLAGS = -shared
FAULT_TESTS = \
	tests/unit/test-sandbox \
	tests/integration/t-confine.sh \
	tests/integration/t-fault-diskfull.sh \
	tests/cli/t-fault-build.sh \
	tests/integration/t-fault-kill.sh \
	tests/integration/t-fault-flood.sh \
	tests/integration/t-valgrind.sh
TESTS += $(FAULT_TESTS)
EXTRA_DIST += \
	tests/cli/t-fault-build.sh \
	tests/integration/t-confine.sh \
	tests/integration/t-fault-diskfull.sh \
	tests/integration/t-fault-kill.sh \
	tests/integration/t-fault-flood.sh \
	tests/integration/t-valgrind.sh \
	tests/integration/flood.py \
	tests/integration/fault-lib.sh \
	tests/integration/dhcp-load.py
# disklessd's status table, read back by diskless status's parser.
STATUS_DOC_SRC = builder/status-doc.c builder/status-doc.h \
	builder/oci-json.c builder/oci-json.h
check_PROGRAMS += tests/unit/test-status tests/unit/test-status-doc \
	tests/unit/test-control
tests_unit_test_status_SOURCES = tests/unit/test-status.c \
	server/status.c server/status.h $(STATUS_DOC_SRC)
tests_unit_test_status_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/server \
	-I$(top_srcdir)/builder
tests_unit_test_status_LDADD = $(TAP_LDADD) $(INIH_LIBS)
tests_unit_test_status_doc_SOURCES = tests/unit/test-status-doc.c $(STATUS_DOC_SRC)
tests_unit_test_status_doc_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/builder
tests_unit_test_status_doc_LDADD = $(TAP_LDADD)
tests_unit_test_control_SOURCES = tests/unit/test-control.c \
	server/control.c server/control.h server/status.c server/status.h \
	$(LOOP_SRC) $(STATUS_DOC_SRC)
tests_unit_test_control_CPPFLAGS = $(tests_unit_test_status_CPPFLAGS)
tests_unit_test_control_CFLAGS = $(AM_CFLAGS) $(URING_CFLAGS)
tests_unit_test_control_LDADD = $(TAP_LDADD) $(INIH_LIBS) $(URING_LIBS)
TESTS += tests/unit/test-status tests/unit/test-status-doc tests/unit/test-control \
	tests/integration/t-status.sh tests/cli/t-status-cli.sh
EXTRA_DIST += tests/integration/t-status.sh tests/cli/t-status-cli.sh
tests_unit_test_modalias_LDADD = $(TAP_LDADD)
tests_unit_test_netconf_file_LDADD = $(TAP_LDADD)
# The init's DHCP client keeps its pure packet code in initrd/.
tests_unit_test_init_dhcp_SOURCES = tests/unit/test-init-dhcp.c \
	initrd/dhcp-client.c initrd/dhcp-client.h
tests_unit_test_init_dhcp_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/initrd
tests_unit_test_init_dhcp_LDADD = $(TAP_LDADD)
tests_unit_test_log_LDADD = $(TAP_LDADD)
tests_unit_test_netaddr_LDADD = $(TAP_LDADD)
tests_unit_test_strutil_LDADD = $(TAP_LDADD)
tests_unit_test_json_out_LDADD = $(TAP_LDADD)
tests_unit_test_site_config_LDADD = $(TAP_LDADD) $(INIH_LIBS)
tests_unit_test_sd_notify_LDADD = $(TAP_LDADD)

TESTS += \
	tests/unit/test-tftp-pkt \
	tests/unit/test-tftp-send \
	tests/unit/test-loop \
	tests/integration/t-tftp-clients.sh \
	tests/integration/t-tftp-epoll.sh \
	tests/integration/t-tftp-escape.sh \
	tests/integration/t-tftp-privs.sh \
	tests/integration/t-tftp-limits.sh \
	tests/integration/t-tftp-storm.sh \
	tests/integration/t-tftp-shutdown.sh \
	tests/integration/t-tftp-swap.sh \
	tests/integration/t-tftp-bigfile.sh \
	tests/integration/t-tftp-window.sh \
	tests/integration/t-tftp-listen.sh \
	tests/integration/t-dhcp-clients.sh \
	tests/integration/t-dhcp-boot-keys.sh \
	tests/integration/t-dhcp-unicast.sh \
	tests/unit/test-bootcfg \
	tests/unit/test-initramfs \
	tests/unit/test-kmod-closure \
	tests/unit/test-cmdline \
	tests/unit/test-dhcp-pkt \
	tests/unit/test-dhcp-reply \
	tests/unit/test-leases \
	tests/unit/test-link-frame \
	tests/unit/test-probe \
	tests/unit/test-init-dhcp \
	tests/unit/test-modalias \
	tests/unit/test-netconf-file \
	tests/unit/test-log \
	tests/unit/test-netaddr \
	tests/unit/test-strutil \
	tests/unit/test-json-out \
	tests/unit/test-site-config \
	tests/unit/test-sd-notify \
	tests/cli/t-install.sh \
	tests/cli/t-unit.sh \
	tests/cli/t-completion.sh \
	tests/cli/t-deb.sh \
	tests/cli/t-programs.sh \
	tests/cli/t-config-check.sh \
	tests/cli/t-man-config.sh \
	tests/cli/t-man-diskless.sh \
	tests/cli/t-man-disklessd.sh \
	tests/cli/t-man-init.sh \
	tests/cli/t-configure.sh \
	tests/vm/t-init-dryrun.sh \
	tests/cli/t-initrd.sh \
	tests/cli/t-pxe.sh \
	tests/cli/t-export.sh \
	tests/integration/t-check.sh \
	tests/unit/test-build-path \
	tests/unit/test-build-template \
	tests/unit/test-build-fstab \
	tests/unit/test-build-json \
	tests/unit/test-build-image \
	tests/unit/test-build-mtree \
	tests/cli/t-build-oci.sh \
	tests/cli/t-build-repro.sh \
	tests/cli/t-build-hostile.sh \
	tests/cli/t-build-roundtrip.sh \
	tests/cli/t-verify-drift.sh \
	tests/cli/t-build-identity.sh \
	tests/cli/t-build-debian.sh \
	$(VM_TESTS)

# QEMU boots (TCG, root): each skips unless DISKLESS_VM_TESTS=1, which
# scripts/test sets in its first pass only.
VM_TESTS = \
	tests/vm/t-pxe-boot.sh \
	tests/vm/t-init-nfs3-e1000.sh \
	tests/vm/t-init-nfs4-virtio.sh \
	tests/vm/t-init-dhcp.sh \
	tests/vm/t-init-overlay.sh \
	tests/vm/t-init-badpath.sh \
	tests/vm/t-init-denied.sh \
	tests/vm/t-init-late-server.sh \
	tests/vm/t-e2e-demo.sh \
	tests/vm/t-pxe-full.sh \
	tests/vm/t-pxe-proxy.sh \
	tests/vm/t-pxe-late.sh
# The C unit tests alone: what a package build runs (debian/rules).
PHONY_TARGETS += check-unit
check-unit:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="$(filter tests/unit/%,$(TESTS))"
PHONY_TARGETS += check-vm
check-vm: all
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="$(VM_TESTS)" DISKLESS_VM_TESTS=1

EXTRA_DIST += \
	$(VM_TESTS) \
	tests/vm/pxe-vmboot.sh \
	tests/vm/vm-lib.sh \
	tests/vm/pxe-lib.sh \
	tests/vm/e2e-lib.sh \
	scripts/demo \
	tests/vm/t-init-dryrun.sh \
	tests/lib.sh \
	tests/cli/install-lib.sh \
	tests/cli/build-lib.sh \
	tests/cli/notify-lib.sh \
	tests/cli/notify-listen.py \
	tests/cli/t-install.sh \
	tests/cli/t-unit.sh \
	tests/cli/t-completion.sh \
	tests/cli/t-deb.sh \
	debian \
	tests/cli/t-programs.sh \
	tests/cli/t-config-check.sh \
	tests/cli/t-man-config.sh \
	tests/cli/t-man-diskless.sh \
	tests/cli/t-man-disklessd.sh \
	tests/cli/t-man-init.sh \
	tests/cli/man-lib.sh \
	tests/cli/t-configure.sh \
	tests/cli/t-initrd.sh \
	tests/cli/t-pxe.sh \
	tests/cli/t-export.sh \
	tests/integration/t-check.sh \
	tests/cli/t-build-oci.sh \
	tests/cli/t-build-repro.sh \
	tests/cli/t-build-hostile.sh \
	tests/cli/t-build-roundtrip.sh \
	tests/cli/t-verify-drift.sh \
	tests/cli/t-build-identity.sh \
	tests/cli/t-build-debian.sh \
	tests/integration/t-tftp-clients.sh \
	tests/integration/t-tftp-epoll.sh \
	tests/integration/t-tftp-escape.sh \
	tests/integration/t-tftp-privs.sh \
	tests/integration/t-tftp-storm.sh \
	tests/integration/t-tftp-limits.sh \
	tests/integration/t-tftp-shutdown.sh \
	tests/integration/t-tftp-swap.sh \
	tests/integration/t-tftp-bigfile.sh \
	tests/integration/t-tftp-window.sh \
	tests/integration/t-tftp-listen.sh \
	tests/integration/t-dhcp-clients.sh \
	tests/integration/t-dhcp-boot-keys.sh \
	tests/integration/t-dhcp-unicast.sh \
	tests/integration/dhcp-raw.py \
	tests/integration/tftp-lib.sh \
	tests/data/config \
	tests/data/golden \
	tests/data/dhcp-reply \
	doc/example-site

# Golden files: `make check-update` rewrites them from the current output;
# review the diff before committing.
PHONY_TARGETS += check-update
check-update: all tests/unit/test-dhcp-reply
	top_srcdir='$(abs_top_srcdir)' DISKLESS='$(abs_top_builddir)/builder/diskless' \
		$(SHELL) $(srcdir)/tests/cli/t-config-check.sh --update
	DISKLESS='$(abs_top_builddir)/builder/diskless' top_srcdir='$(abs_top_srcdir)' \
		$(SHELL) $(srcdir)/tests/data/golden/generate.sh $(abs_top_srcdir)/tests/data/golden
	DHCP_GOLDEN_UPDATE=1 top_srcdir='$(abs_top_srcdir)' tests/unit/test-dhcp-reply

# libFuzzer targets (clang). `make fuzz` runs each for FUZZ_SECONDS, with
# the checked-in seeds and a writable corpus in the build tree.
FUZZ_SECONDS = 60
FUZZ_TARGETS = \
	tests/fuzz/fuzz-site-config \
	tests/fuzz/fuzz-cmdline \
	tests/fuzz/fuzz-modalias \
	tests/fuzz/fuzz-init-dhcp \
	tests/fuzz/fuzz-dhcp-pkt \
	tests/fuzz/fuzz-lease-journal \
	tests/fuzz/fuzz-kmod-alias \
	tests/fuzz/fuzz-check-parse \
	tests/fuzz/fuzz-build-json \
	tests/fuzz/fuzz-build-template \
	tests/fuzz/fuzz-build-archive \
	tests/fuzz/fuzz-tftp-pkt \
	tests/fuzz/fuzz-status-doc
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I. -I$(top_srcdir)/lib -I$(top_srcdir)/tests -I$(top_srcdir)/initrd \
	-DSYSCONFDIR='"$(sysconfdir)"' -DPKGLIBEXECDIR='"$(pkglibexecdir)"' \
	-DPKGDATADIR='"$(pkgdatadir)"'
FUZZ_LINK = $(AM_V_CCLD)$(MKDIR_P) tests/fuzz && $(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)
SITE_CONFIG_SRC = lib/site-boot.c lib/site-config.c lib/site-keys.c lib/site-validate.c \
	lib/site-print.c lib/netaddr.c lib/strutil.c lib/json-out.c
tests/fuzz/fuzz-site-config: tests/fuzz/fuzz-site-config.c $(SITE_CONFIG_SRC) config.h
	$(FUZZ_LINK) $(INIH_LIBS)
tests/fuzz/fuzz-cmdline: tests/fuzz/fuzz-cmdline.c lib/cmdline.c lib/netaddr.c config.h
	$(FUZZ_LINK)
tests/fuzz/fuzz-modalias: tests/fuzz/fuzz-modalias.c lib/modalias.c config.h
	$(FUZZ_LINK)
tests/fuzz/fuzz-init-dhcp: tests/fuzz/fuzz-init-dhcp.c initrd/dhcp-client.c lib/udp-frame.c \
		config.h
	$(FUZZ_LINK)
tests/fuzz/fuzz-dhcp-pkt: tests/fuzz/fuzz-dhcp-pkt.c lib/dhcp-pkt.c server/dhcp-reply.c \
		server/leases.c lib/boot-name.c lib/netaddr.c lib/log.c config.h
	$(FUZZ_LINK) -I$(top_srcdir)/server
tests/fuzz/fuzz-lease-journal: tests/fuzz/fuzz-lease-journal.c server/leases.c \
		lib/netaddr.c lib/log.c config.h
	$(FUZZ_LINK) -I$(top_srcdir)/server
tests/fuzz/fuzz-kmod-alias: tests/fuzz/fuzz-kmod-alias.c builder/kmod-closure.c lib/modalias.c lib/log.c \
		config.h
	$(FUZZ_LINK) -I$(top_srcdir)/builder $(KMOD_CFLAGS) $(KMOD_LIBS)
tests/fuzz/fuzz-check-parse: tests/fuzz/fuzz-check-parse.c builder/check-parse.c config.h
	$(FUZZ_LINK) -I$(top_srcdir)/builder
tests/fuzz/fuzz-build-json: tests/fuzz/fuzz-build-json.c builder/oci-json.c config.h
	$(FUZZ_LINK) -I$(top_srcdir)/builder
tests/fuzz/fuzz-build-template: tests/fuzz/fuzz-build-template.c builder/overlay.c \
		builder/image.c config.h
	$(FUZZ_LINK) -I$(top_srcdir)/builder $(ARCHIVE_CFLAGS) $(ARCHIVE_LIBS)
tests/fuzz/fuzz-build-archive: tests/fuzz/fuzz-build-archive.c builder/image.c \
		builder/image-tar.c builder/extract.c builder/oci.c builder/oci-json.c \
		builder/manifest.c builder/mtree-line.c builder/manifest-xattr.c config.h
	$(FUZZ_LINK) -I$(top_srcdir)/builder $(ARCHIVE_CFLAGS) $(ARCHIVE_LIBS) $(NETTLE_LIBS)
tests/fuzz/fuzz-tftp-pkt: tests/fuzz/fuzz-tftp-pkt.c lib/tftp-pkt.c config.h
	$(FUZZ_LINK)
tests/fuzz/fuzz-status-doc: tests/fuzz/fuzz-status-doc.c builder/status-doc.c \
		builder/oci-json.c lib/netaddr.c config.h
	$(FUZZ_LINK) -I$(top_srcdir)/builder
EXTRA_DIST += $(FUZZ_TARGETS:=.c) tests/fuzz/corpus tests/fuzz/run.sh
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
# DHCP on the wire with real clients (tests/integration/dhcp-ns.sh): RELEASE
# from udhcpc and dhclient, dhcpcd's DECLINE and options, a relay between.
DHCP_WIRE_TESTS = \
	tests/integration/t-dhcp-release.sh \
	tests/integration/t-dhcp-dhcpcd.sh \
	tests/integration/t-dhcp-relay.sh
TESTS += $(DHCP_WIRE_TESTS)
EXTRA_DIST += $(DHCP_WIRE_TESTS) tests/integration/dhcp-ns.sh
