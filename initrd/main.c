/*
 * main.c: diskless-init, the initramfs /init of a diskless client.
 *
 * As PID 1: mount the API file systems, read /proc/cmdline, load modules,
 * configure the boot interface, mount the NFS root (optionally under a tmpfs
 * overlay) and switch_root to the image's init. Each step returns NULL or
 * a reason; the first reason is printed as one line, the console drained,
 * and the machine rebooted after panic= seconds (or halted without panic=).
 *
 * Otherwise: --help, --version, and -n [CMDLINE], a dry run printing what
 * the boot would do with CMDLINE (default: this machine's /proc/cmdline).
 *
 * Exit codes (not PID 1): 0 ok, 1 runtime failure, 2 usage or a command
 * line that does not describe a bootable NFS root.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

#include "init.h"
#include "modalias.h"

static struct boot boot;	/* ~8 KiB: .bss, not the stack, not the heap */

static void
usage(FILE *f)
{
	fprintf(f, "Usage: " INIT_NAME " [-n [CMDLINE]] [--help] [--version]\n"
		"  As PID 1 (the initramfs /init): boot the NFS root named on the kernel\n"
		"  command line (root=/dev/nfs nfsroot=... ip=... BOOTIF=...).\n"
		"  -n [CMDLINE]  dry run: print what the boot would do with CMDLINE\n"
		"                (default /proc/cmdline) and exit\n"
		"Exit: 0 ok, 1 runtime failure, 2 usage or unusable command line.\n");
}

static const char *
ip4(struct in_addr a, char *buf)
{
	if (a.s_addr == INADDR_ANY)
		return "-";
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static const char *
root_src_name(enum cmdline_rootsrc s)
{
	switch (s) {
	case CMDLINE_ROOT_DEFAULT:
		return "root=/dev/nfs or boot=nfs (path from DHCP option 17, else /tftpboot/%s)";
	case CMDLINE_ROOT_NFSROOT:
		return "nfsroot= (kernel rules)";
	case CMDLINE_ROOT_DRACUT:
		return "root=nfs: (dracut rules)";
	case CMDLINE_ROOT_DHCP:
		return "DHCP option 17 (nfsroot=auto or root=dhcp)";
	case CMDLINE_ROOT_NONE:
		break;
	}
	return "none: not an NFS root";
}

static void
print_interface_rule(const struct cmdline *cl)
{
	char mac[NETADDR_MAC_STRLEN];

	if (cl->ip_mode == CMDLINE_IP_OFF) {
		printf("interface: none (ip=off)\n");
	} else if (cl->has_bootif) {
		netaddr_format_mac(cl->bootif, ':', mac);
		printf("interface: the one with MAC %s (BOOTIF=)\n", mac);
	} else if (cl->ip_device[0] != '\0') {
		printf("interface: %s (ip= device)\n", cl->ip_device);
	} else if (cl->has_ifname_mac) {
		netaddr_format_mac(cl->ifname_mac, ':', mac);
		printf("interface: the one with MAC %s (ifname=)\n", mac);
	} else {
		printf("interface: the first Ethernet interface with carrier\n");
	}
	if (cl->ifname[0] != '\0')
		printf("ifname: the boot interface is renamed %s when its MAC matches\n", cl->ifname);
}

static void
print_address(const struct cmdline *cl)
{
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];
	unsigned i;

	printf("address: %s", cmdline_ipmode_name(cl->ip_mode));
	if (cl->ip_mode == CMDLINE_IP_STATIC)
		printf(" %s/%d%s gateway %s", ip4(cl->ip_client, a),
			netaddr_mask_prefix(cl->ip_netmask),
			cl->ip_netmask_guessed ? " (classful guess)" : "", ip4(cl->ip_gateway, g));
	printf("\n");
	if (cl->ip_server.s_addr != INADDR_ANY)
		printf("ip= server: %s\n", ip4(cl->ip_server, s));
	if (cl->ip_hostname[0] != '\0')
		printf("hostname: %s%s%s\n", cl->ip_hostname, cl->ip_domain[0] ? " nisdomain " : "",
			cl->ip_domain);
	if (cl->ip_mtu != 0)
		printf("mtu: %u\n", cl->ip_mtu);
	for (i = 0; i < cl->n_nameserver; i++)
		printf("nameserver: %s\n", ip4(cl->nameserver[i], a));
	for (i = 0; i < 2; i++) {
		if (cl->ip_dns[i].s_addr != INADDR_ANY)
			printf("nameserver: %s (ip=)\n", ip4(cl->ip_dns[i], a));
	}
}

/* Which tagged lines of modules.load this boot loads (lib/modalias.h). */
static void
print_modules(const struct cmdline *cl, int vers_major)
{
	unsigned want = modules_wanted(cl, vers_major), bit;
	const char *sep = "";

	printf("modules:");
	for (bit = 1; bit <= want; bit <<= 1) {
		if ((want & bit) != 0 && modalias_feature_name(bit) != NULL) {
			printf("%s%s", sep, modalias_feature_name(bit));
			sep = ",";
		}
	}
	printf(" (and the NIC drivers by modalias)%s\n",
		vers_major == 0 ? "; nfs3 or nfs4 once DHCP tells the version" : "");
}

/* The dry run: the parser's view of a command line, and what it resolves
 * to without DHCP (when DHCP is needed, say so instead of guessing). */
static int
dry_run(const char *line, size_t len)
{
	struct cmdline *cl = &boot.cl;
	struct cmdline_nfs *nfs = &boot.nfs;
	const char *why, *node = NULL;
	char a[INET_ADDRSTRLEN];
	unsigned i;
	int warns, r = -1, rc = 0;

	warns = cmdline_parse(line, len, cl);
	printf("cmdline: %.*s\n", (int)strcspn(line, "\n"), line);
	for (i = 0; i < cl->n_warn && i < CMDLINE_WARN_MAX; i++)
		printf("warning: %s: %s\n", cl->warn[i].param, cl->warn[i].why);
	if (cl->n_warn > CMDLINE_WARN_MAX)
		printf("warning: %u more\n", cl->n_warn - CMDLINE_WARN_MAX);
	printf("root: %s\n", root_src_name(cl->root_src));
	print_interface_rule(cl);
	print_address(cl);
	if (cmdline_wants_nfs(cl)) {
		if (cl->ip_hostname[0] != '\0')
			node = cl->ip_hostname;
		else if (cl->ip_client.s_addr != INADDR_ANY)
			node = ip4(cl->ip_client, a);
		r = cmdline_nfs_resolve(cl, NULL, node, nfs, &why);
		if (r == 0) {
			printf("server: %s (from %s)\n", ip4(nfs->server, a), nfs->server_from);
			printf("export: %s\n", nfs->path);
			printf("mount: %s type %s (%s) options %s\n", nfs->source, nfs->fstype,
				nfs->rw ? "rw" : "ro", nfs->options);
		} else if (cl->ip_mode != CMDLINE_IP_STATIC && cl->ip_mode != CMDLINE_IP_OFF) {
			printf("nfs: completed by DHCP at boot (%s)\n", why);
		} else {
			printf("nfs: error: %s\n", why);
			rc = 2;
		}
	} else {
		rc = 2;
	}
	print_modules(cl, r == 0 ? nfs->vers_major : 0);
	printf("overlay: %s\n", cl->overlay == CMDLINE_OVERLAY_TMPFS ? "tmpfs" : "none");
	printf("init: %s\n", cl->init[0] ? cl->init : "/sbin/init (then /etc/init, /bin/init, /bin/sh)");
	/* as die() does: panic=0 halts, a negative panic= reboots at once */
	if (cl->has_panic && cl->panic > 0)
		printf("on failure: reboot after %d s\n", cl->panic);
	else if (cl->has_panic && cl->panic < 0)
		printf("on failure: reboot at once (panic=%d)\n", cl->panic);
	else
		printf("on failure: halt (%s)\n", cl->has_panic ? "panic=0" : "no panic=");
	printf("console: %s%s\n", cl->quiet ? "quiet" : "normal", cl->debug ? ", debug" : "");
	return warns > 0 ? 2 : rc;
}

/* Panic: say why in one line, let the console drain, reboot or halt. */
static void __attribute__((noreturn))
die(const struct cmdline *cl, const char *why)
{
	struct timespec ts;

	fprintf(stderr, INIT_NAME ": fatal: %s\n", why);
	if (cl->has_panic && cl->panic != 0) {
		if (cl->panic > 0)
			fprintf(stderr, INIT_NAME ": rebooting in %d s\n", cl->panic);
		say_drain();
		ts.tv_sec = cl->panic > 0 ? cl->panic : 0;
		ts.tv_nsec = 0;
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		sync();
		reboot(RB_AUTOBOOT);
	}
	fprintf(stderr, INIT_NAME ": halting (add panic=<seconds> to reboot instead)\n");
	say_drain();
	sync();
	reboot(RB_HALT_SYSTEM);
	for (;;)
		pause();	/* PID 1 must not exit: the kernel would panic */
}

static const char *
resolve_root(struct boot *b)
{
	char a[INET_ADDRSTRLEN];
	const char *node = NULL, *why;

	if (!cmdline_wants_nfs(&b->cl))
		return "no NFS root on the command line (want root=/dev/nfs nfsroot=<server>:/path)";
	if (b->hostname[0] != '\0')
		node = b->hostname;
	else if (b->addr.s_addr != INADDR_ANY)
		node = inet_ntop(AF_INET, &b->addr, a, sizeof(a));
	if (cmdline_nfs_resolve(&b->cl, &b->dhcp, node, &b->nfs, &why) < 0)
		return why;
	say("NFS server %s (from %s)", inet_ntop(AF_INET, &b->nfs.server, a, sizeof(a)),
		b->nfs.server_from);
	return NULL;
}

/* The NFS version before the network is up: known when no DHCP answer can
 * change the mount (a static ip=), else 0. */
static int
early_nfs_version(struct boot *b)
{
	char a[INET_ADDRSTRLEN];
	const char *node = NULL, *why;

	if (b->cl.ip_mode != CMDLINE_IP_STATIC)
		return 0;
	if (b->cl.ip_hostname[0] != '\0')
		node = b->cl.ip_hostname;
	else if (b->cl.ip_client.s_addr != INADDR_ANY)
		node = inet_ntop(AF_INET, &b->cl.ip_client, a, sizeof(a));
	if (cmdline_nfs_resolve(&b->cl, NULL, node, &b->nfs, &why) < 0)
		return 0;
	return b->nfs.vers_major;
}

static int
boot_main(void)
{
	static char line[4096];
	struct boot *b = &boot;
	long long t0 = now_ms(), t;
	const char *why;
	ssize_t n;
	unsigned i;

	why = early_mounts();
	early_console();
	if (why != NULL)
		die(&b->cl, why);
	n = read_file("/proc/cmdline", line, sizeof(line));
	if (n < 0)
		die(&b->cl, "unable to read /proc/cmdline");
	cmdline_parse(line, (size_t)n, &b->cl);
	say_setup(b->cl.quiet, b->cl.debug);
	say("diskless-init " PACKAGE_VERSION);
	for (i = 0; i < b->cl.n_warn && i < CMDLINE_WARN_MAX; i++)
		say_warn("command line: %s: %s", b->cl.warn[i].param, b->cl.warn[i].why);
	say_timing("early", t0);
	if (!cmdline_wants_nfs(&b->cl))
		die(&b->cl, "no NFS root on the command line (want root=/dev/nfs nfsroot=<server>:/path)");
	t = now_ms();
	modules_load_nics();
	say_timing("NIC modules", t);
	/* the link negotiates (seconds) while the NFS stack loads */
	net_raise(b);
	t = now_ms();
	modules_load_features(modules_wanted(&b->cl, early_nfs_version(b)));
	say_timing("NFS modules", t);
	t = now_ms();
	if ((why = net_configure(b)) != NULL)
		die(&b->cl, why);
	say_timing("network", t);
	if ((why = resolve_root(b)) != NULL)
		die(&b->cl, why);
	net_write_files(b);
	t = now_ms();
	/* the NFS version DHCP told, when it was not known before */
	modules_load_features(modules_wanted(&b->cl, b->nfs.vers_major));
	if (b->cl.overlay == CMDLINE_OVERLAY_TMPFS) {
		if ((why = nfsroot_mount(b, overlay_lowerdir())) != NULL ||
			(why = overlay_setup(b)) != NULL)
			die(&b->cl, why);
	} else if ((why = nfsroot_mount(b, NEWROOT)) != NULL) {
		die(&b->cl, why);
	}
	say_timing("mount", t);
	b->newroot = NEWROOT;
	say_timing("total before switch_root", t0);
	say("switching to the new root");
	why = switch_root(b);
	die(&b->cl, why);
}

int
main(int argc, char **argv)
{
	static char line[4096];
	ssize_t n;

	if (getpid() == 1)
		return boot_main();
	if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf(INIT_NAME " " PACKAGE_VERSION "\n");
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "-n") == 0 && argc <= 3) {
		if (argc == 3)
			return dry_run(argv[2], strlen(argv[2]));
		n = read_file("/proc/cmdline", line, sizeof(line));
		if (n < 0) {
			fprintf(stderr, INIT_NAME ": unable to read /proc/cmdline: %s\n",
				strerror((int)-n));
			return 1;
		}
		return dry_run(line, (size_t)n);
	}
	if (argc == 1)
		fprintf(stderr, INIT_NAME ": not PID 1: refusing to boot (use -n for a dry run)\n");
	usage(stderr);
	return 2;
}
