/*
 * main.c: disklessd. A straight line, as OpenBSD's tftpd: options, config,
 * sockets (as root), the service user, the sandbox, then the event loop.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "dhcpd.h"
#include "log.h"
#include "loop.h"
#include "netaddr.h"
#include "sandbox.h"
#include "sd-notify.h"
#include "site.h"
#include "status.h"
#include "strutil.h"
#include "tftpd.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2
#define DEFAULT_USER "diskless"
#define FALLBACK_USER "nobody"
#define TFTP_PORT 69

enum {
	OPT_TFTP_ONLY = 256,
	OPT_LISTEN,
	OPT_TFTP_ROOT,
	OPT_DHCP_LISTEN,
	OPT_DEBUG_NO_SECCOMP,
};

struct opts {
	const char *path;
	const char *user;
	const char *tftp_root;
	const char *listen;
	struct in_addr listen_addr; /* parsed --listen */
	uint16_t listen_port;
	struct dhcpd_opts dhcp; /* parsed --dhcp-listen */
	int check, debug, verbose, tftp_only;
	int no_seccomp; /* --debug-no-seccomp: for valgrind, never in service */
};

/* What the loop's signal handlers need. */
struct daemon_ctx {
	struct loop *loop;
	struct site *site;
	struct tftpd *tftpd;
	struct dhcpd *dhcpd;
	struct status *status;   /* what `diskless status` shows */
	struct control *control; /* ... served here; NULL: none */
	const struct opts *o;
	int notify_fd; /* $NOTIFY_SOCKET, connected before the sandbox; or -1 */
};

static void
usage(FILE *out)
{
	fprintf(out, "Usage: disklessd [-dnv] [-c FILE] [-u USER] [--tftp-only]\n"
		     "                 [--listen ADDR[:PORT]] [--tftp-root DIR]\n"
		     "                 [--dhcp-listen ADDR[:PORT]]\n"
		     "\n"
		     "DHCP, proxyDHCP and TFTP for diskless machines.\n"
		     "\n"
		     "Options:\n"
		     "  -c, --config FILE     site config (default %s)\n"
		     "  -d, --debug           stay in the foreground, log to stderr\n"
		     "  -n, --check           read and check the config, print it, exit\n"
		     "  -u, --user USER       run as USER after binding (default %s,\n"
		     "                        else %s)\n"
		     "      --tftp-only       serve TFTP only, no DHCP\n"
		     "      --listen ADDR[:PORT]  TFTP on ADDR:PORT instead of the\n"
		     "                        config's [server] address, port %d\n"
		     "      --tftp-root DIR   serve DIR instead of [server] tftp-root\n"
		     "      --dhcp-listen ADDR[:PORT]  DHCP on ADDR:PORT instead of\n"
		     "                        0.0.0.0:67 (tests: an address-bound\n"
		     "                        socket misses broadcast requests)\n"
		     "      --debug-no-seccomp  debugging only (valgrind): no seccomp\n"
		     "                        filter; user switch and Landlock stay\n"
		     "  -v, --verbose         log more (twice: debug)\n"
		     "  -h, --help            show this help\n"
		     "  -V, --version         show the version\n"
		     "\n"
		     "Signals: HUP re-reads the config (transfers keep running), TERM\n"
		     "and INT stop.\n"
		     "Exit status: 0 success, 1 runtime failure, 2 usage or config error.\n",
		SITE_DEFAULT_PATH, DEFAULT_USER, FALLBACK_USER, TFTP_PORT);
}

/* Loads the site, printing every diagnostic; returns NULL on failure. */
static struct site *
load_site(const char *path)
{
	struct site *site = NULL;
	int r;

	r = site_load(path, &site);
	if (site != NULL)
		site_print_diags(site, log_progname(), stderr);
	if (r == -EINVAL) {
		log_warnx("%s: %zu error%s (fix them and run disklessd -n)", path,
			site->n_errors, site->n_errors == 1 ? "" : "s");
		site_free(site);
		return NULL;
	}
	if (r < 0) {
		log_errnum(r, "%s: cannot read the site config (create it, or pass -c FILE)",
			path);
		return NULL;
	}
	return site;
}

/* "ADDR[:PORT]". Returns 0 or -EINVAL. */
static int
parse_listen(const char *s, struct in_addr *addr, uint16_t *port, uint16_t defport)
{
	char buf[32];
	const char *colon = strchr(s, ':');
	unsigned long p = defport;
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (netaddr_parse_ipv4(buf, addr) < 0)
		return -EINVAL;
	if (colon != NULL && str_to_ulong(colon + 1, 1, 65535, &p) < 0)
		return -EINVAL;
	*port = (uint16_t)p;
	return 0;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "debug", no_argument, NULL, 'd' },
		{ "check", no_argument, NULL, 'n' },
		{ "user", required_argument, NULL, 'u' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "tftp-only", no_argument, NULL, OPT_TFTP_ONLY },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "tftp-root", required_argument, NULL, OPT_TFTP_ROOT },
		{ "dhcp-listen", required_argument, NULL, OPT_DHCP_LISTEN },
		{ "debug-no-seccomp", no_argument, NULL, OPT_DEBUG_NO_SECCOMP },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:dnu:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->path = optarg;
			break;
		case 'd':
			o->debug = 1;
			break;
		case 'n':
			o->check = 1;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("disklessd %s\n", PACKAGE_VERSION);
			exit(0);
		case OPT_TFTP_ONLY:
			o->tftp_only = 1;
			break;
		case OPT_LISTEN:
			o->listen = optarg;
			if (parse_listen(optarg, &o->listen_addr, &o->listen_port,
				    TFTP_PORT) < 0) {
				log_warnx("--listen %s: not ADDR or ADDR:PORT "
					  "(e.g. 127.0.0.1:6969)", optarg);
				return -EINVAL;
			}
			break;
		case OPT_TFTP_ROOT:
			o->tftp_root = optarg;
			break;
		case OPT_DHCP_LISTEN:
			/* no port: 67, the DHCP server port */
			if (parse_listen(optarg, &o->dhcp.listen_addr, &o->dhcp.port,
				    0) < 0) {
				log_warnx("--dhcp-listen %s: not ADDR or ADDR:PORT "
					  "(e.g. 127.0.0.1:6767)", optarg);
				return -EINVAL;
			}
			break;
		case OPT_DEBUG_NO_SECCOMP:
			o->no_seccomp = 1;
			break;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		log_warnx("unexpected argument '%s' (disklessd takes options only)",
			argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* ---- signals ------------------------------------------------------------- */

/* Tells the service manager (systemd, Type=notify) where we are. */
static void
notify(const struct daemon_ctx *d, const char *state)
{
	int r = sd_notify_send(d->notify_fd, state);

	if (r < 0)
		log_errnum(r, "NOTIFY_SOCKET: cannot send %s", state);
}

static void
on_stop(int signo, void *arg)
{
	struct daemon_ctx *d = arg;

	log_info("signal %d: stopping (%u transfers running)", signo,
		tftpd_active(d->tftpd));
	notify(d, "STOPPING=1");
	loop_exit(d->loop, 0);
}

/* Two optional paths (NULL: none) are the same. */
static int
same_path(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static void
on_reload(int signo, void *arg)
{
	struct daemon_ctx *d = arg;
	struct site *site;

	(void)signo;
	notify(d, "RELOADING=1");
	site = load_site(d->o->path);
	if (site == NULL) {
		log_warnx("%s: reload failed, still serving the previous config",
			d->o->path);
		notify(d, "READY=1");
		return;
	}
	/* The root and the sockets were fixed before the sandbox closed
	 * around them; only limits apply at once. */
	if (d->o->tftp_root == NULL &&
		strcmp(site->server.tftp_root, d->site->server.tftp_root) != 0)
		log_warnx("%s: tftp-root changed to %s: restart disklessd to serve it",
			d->o->path, site->server.tftp_root);
	if (d->o->listen == NULL &&
		(site->server.address.s_addr != d->site->server.address.s_addr ||
			strcmp(site->server.interface, d->site->server.interface) != 0 ||
			site->tftp.n_listen != d->site->tftp.n_listen ||
			memcmp(site->tftp.listen, d->site->tftp.listen,
				sizeof(site->tftp.listen)) != 0))
		log_warnx("%s: listening address or interface changed: restart "
			  "disklessd to use it", d->o->path);
	if (!same_path(site->server.control_socket, d->site->server.control_socket))
		log_warnx("%s: control-socket changed: restart disklessd to use it",
			d->o->path);
	tftpd_set_limits(d->tftpd, &site->tftp);
	/* the DHCP half answers from the new site before the old one goes */
	if (d->dhcpd != NULL)
		dhcpd_reload(d->dhcpd, site);
	status_set_site(d->status, site);
	site_free(d->site);
	d->site = site;
	log_info("%s: reloaded (%u transfers running, untouched)", d->o->path,
		tftpd_active(d->tftpd));
	notify(d, "READY=1");
}

/* ---- privileges ---------------------------------------------------------- */

/* Drops root for the service user, first giving it state_dir (when not
 * NULL): the lease journal is compacted there by write-temp-and-rename,
 * which needs the directory writable after the drop. Returns 0 or an exit
 * code. */
static int
drop_root(const struct opts *o, const char *state_dir)
{
	const char *name = o->user ? o->user : DEFAULT_USER;
	uid_t uid;
	gid_t gid;
	int r;

	if (geteuid() != 0) {
		log_info("running as uid %u: no user to switch to", (unsigned)geteuid());
		return 0;
	}
	r = sandbox_find_user(name, &uid, &gid);
	if (r < 0 && o->user == NULL) {
		log_warnx("no user '%s', running as '%s' (create a system user '%s' "
			  "for disklessd alone)", DEFAULT_USER, FALLBACK_USER,
			DEFAULT_USER);
		name = FALLBACK_USER;
		r = sandbox_find_user(name, &uid, &gid);
	}
	if (r < 0) {
		log_errnum(r, "user '%s' not found (create it or pass -u USER)", name);
		return EXIT_USAGE;
	}
	if (uid == 0) {
		log_warnx("user '%s' is root (pass -u with an unprivileged user)", name);
		return EXIT_USAGE;
	}
	if (state_dir != NULL && chown(state_dir, uid, gid) < 0) {
		log_warn("%s: cannot give it to user '%s' (lease compaction will "
			 "fail until it is writable by that user)",
			state_dir, name);
	}
	r = sandbox_drop_user(uid, gid);
	if (r < 0) {
		log_errnum(r, "cannot switch to user '%s'", name);
		return EXIT_RUNTIME;
	}
	return 0;
}

/* Confines the process. Returns 0 or an exit code. */
static int
confine(const struct opts *o, const struct site *site, const char *state_dir)
{
	char cfg[4096], tftp[4096];
	const char *paths[3];
	int r;

	r = sandbox_no_new_privs();
	if (r < 0) {
		log_errnum(r, "prctl(PR_SET_NO_NEW_PRIVS)");
		return EXIT_RUNTIME;
	}
	/* Landlock: the folder of the TFTP root (the root is opened by name
	 * there: `diskless pxe` swaps in a new tree, a new inode), and what a
	 * SIGHUP reload reads. */
	if (snprintf(cfg, sizeof(cfg), "%s", o->path) >= (int)sizeof(cfg) ||
		snprintf(tftp, sizeof(tftp), "%s", site->server.tftp_root) >=
			(int)sizeof(tftp)) {
		log_warnx("%s: path too long", o->path);
		return EXIT_USAGE;
	}
	paths[0] = dirname(tftp);
	paths[1] = dirname(cfg);
	paths[2] = site->server.hosts_dir;
	r = sandbox_landlock(paths, 3, state_dir);
	if (r < 0)
		log_errnum(r, "landlock (continuing without it)");
	else if (r == 0)
		log_info("landlock: not supported by this kernel, continuing without");
	else
		log_debug("landlock: ABI %d", r);
	/* Valgrind's own system calls are not on the list, and it cannot
	 * run a program that installs the filter. */
	if (o->no_seccomp) {
		log_warnx("seccomp filter not installed (--debug-no-seccomp): a "
			  "debugging mode, never run a service this way");
		return 0;
	}
	r = sandbox_seccomp();
	if (r < 0) {
		log_errnum(r, "cannot install the seccomp filter");
		return EXIT_RUNTIME;
	}
	return 0;
}

/* ---- setup --------------------------------------------------------------- */

/* The group of the user drop_root() will switch to: the control socket's.
 * (Which user and the fallback are drop_root()'s to report.) */
static gid_t
service_gid(const struct opts *o)
{
	uid_t uid;
	gid_t gid = getegid();

	if (geteuid() != 0)
		return gid;
	if (sandbox_find_user(o->user ? o->user : DEFAULT_USER, &uid, &gid) < 0 &&
		o->user == NULL)
		(void)sandbox_find_user(FALLBACK_USER, &uid, &gid);
	return gid;
}

/* The control socket, as root. Without it disklessd still serves boots:
 * a failure is logged, and -1 returned. */
static int
open_control(const struct opts *o, const struct site *site)
{
	const char *path = site->server.control_socket;
	int fd;

	if (path == NULL)
		return -1;
	fd = control_listen(path, service_gid(o));
	if (fd >= 0) {
		log_info("control: status on %s", path);
		return fd;
	}
	log_errnum(fd, "control socket %s: diskless status will not work (%s)", path,
		fd == -EADDRINUSE ? "another disklessd answers there: give this one "
				    "its own [server] control-socket" :
		fd == -EEXIST ? "not a socket: remove it, or set [server] "
				"control-socket" :
				"create its folder, or set [server] control-socket");
	return -1;
}

/* The i-th TFTP socket: --listen, else [tftp] listen, else [server]. */
static int
open_listener(const struct opts *o, const struct site *site, unsigned i)
{
	struct in_addr addr = site->server.address;
	uint16_t port = TFTP_PORT;
	const char *ifname = site->server.interface;
	char a[INET_ADDRSTRLEN];
	int fd;

	if (o->listen != NULL) {
		addr = o->listen_addr;
		port = o->listen_port;
		ifname = NULL;
	} else if (site->tftp.n_listen > 0) {
		addr = site->tftp.listen[i];
		ifname = NULL;
	}
	inet_ntop(AF_INET, &addr, a, sizeof(a));
	fd = tftpd_listen(addr, port, ifname);
	if (fd < 0) {
		log_errnum(fd, "tftp: cannot listen on %s:%u%s%s (%s)", a, port,
			ifname && ifname[0] ? " on " : "", ifname ? ifname : "",
			fd == -EACCES ? "port 69 needs root"
				      : "check [server] address and interface");
		return -EXIT_RUNTIME;
	}
	log_info("tftp: serving %s on %s:%u", site->server.tftp_root, a, port);
	return fd;
}

/* Opens every TFTP socket into fds; returns how many, or -exit code. */
static int
open_listeners(const struct opts *o, const struct site *site, int *fds)
{
	unsigned i, n = o->listen == NULL && site->tftp.n_listen > 0 ?
		site->tftp.n_listen : 1;

	for (i = 0; i < n; i++) {
		fds[i] = open_listener(o, site, i);
		if (fds[i] < 0) {
			int r = fds[i];

			while (i > 0)
				close(fds[--i]);
			return r;
		}
	}
	return (int)n;
}

/*
 * The folder holding the TFTP root, O_PATH, once the root is seen to be a
 * directory. The server opens the root by name in it for every request:
 * `diskless pxe` swaps a new tree in with renameat2(RENAME_EXCHANGE), and a
 * descriptor of the root itself would keep serving the old one, deleted
 * (every file "not found" until a restart). Returns the fd or -errno.
 */
static int
open_tftp_dir(const char *root)
{
	char buf[4096];
	int fd;

	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	if (snprintf(buf, sizeof(buf), "%s", root) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	fd = open(dirname(buf), O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int
run(const struct opts *o, struct site *site)
{
	struct daemon_ctx d = { .site = site, .o = o, .notify_fd = -1 };
	struct tftpd_stats st;
	int rootfd = -1, cfd = -1, ret = EXIT_RUNTIME, r;
	int lfd[SITE_TFTP_LISTEN_MAX], n_lfd = 0, lfd_taken = 0;

	rootfd = open_tftp_dir(site->server.tftp_root);
	if (rootfd < 0) {
		log_errnum(rootfd, "tftp root %s (create it, or set [server] tftp-root)",
			site->server.tftp_root);
		goto out;
	}
	n_lfd = open_listeners(o, site, lfd);
	if (n_lfd < 0) {
		ret = -n_lfd;
		n_lfd = 0;
		goto out;
	}
	/* Connected now: the sandbox allows send() but no new socket. */
	d.notify_fd = sd_notify_open(getenv("NOTIFY_SOCKET"));
	if (d.notify_fd < 0) {
		if (d.notify_fd != -ENOENT)
			log_errnum(d.notify_fd, "NOTIFY_SOCKET %s (the service manager "
				"will not hear that disklessd is ready)",
				getenv("NOTIFY_SOCKET"));
		d.notify_fd = -1;
	}
	/* as root and still on the terminal: port 67 and the lease journal */
	if (!o->tftp_only) {
		d.dhcpd = dhcpd_new(site, &o->dhcp);
		if (d.dhcpd == NULL)
			goto out;
	}
	cfd = open_control(o, site);
	d.status = status_new(site, 0);
	if (d.status == NULL) {
		log_warn("status table");
		goto out;
	}
	if (d.dhcpd != NULL)
		dhcpd_set_status(d.dhcpd, d.status);
	/* Errors up to here went to the terminal; from now on, syslog. Fork
	 * before the loop exists: a signalfd watched by epoll stays tied to
	 * the process that registered it, so one made before daemon() would
	 * never report the child's signals. */
	if (!o->debug) {
		log_setup("disklessd", LOG_DEST_SYSLOG);
		if (daemon(0, 0) < 0) {
			log_warn("daemon");
			goto out;
		}
	}
	d.loop = loop_new();
	if (d.loop == NULL) {
		log_warn("event loop");
		goto out;
	}
	log_info("event loop: %s", loop_backend(d.loop));
	if (loop_signal_add(d.loop, SIGTERM, on_stop, &d) < 0 ||
		loop_signal_add(d.loop, SIGINT, on_stop, &d) < 0 ||
		loop_signal_add(d.loop, SIGHUP, on_reload, &d) < 0) {
		log_warn("signalfd");
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	if (d.dhcpd != NULL) {
		r = dhcpd_start(d.dhcpd, d.loop);
		if (r < 0) {
			log_errnum(r, "dhcp: event loop");
			goto out;
		}
	}
	r = drop_root(o, d.dhcpd != NULL ? site->server.state_dir : NULL);
	if (r == 0)
		r = confine(o, site, d.dhcpd != NULL ? site->server.state_dir : NULL);
	if (r != 0) {
		ret = r;
		goto out;
	}
	d.tftpd = tftpd_new(d.loop, lfd[0], rootfd, site->server.tftp_root, &site->tftp);
	if (d.tftpd == NULL) {
		log_warn("tftp");
		goto out;
	}
	/* the server owns (and closes) each socket it took */
	for (lfd_taken = 1; lfd_taken < n_lfd; lfd_taken++) {
		r = tftpd_add_listener(d.tftpd, lfd[lfd_taken]);
		if (r < 0) {
			log_errnum(r, "tftp");
			goto out;
		}
	}
	tftpd_set_status(d.tftpd, d.status);
	if (cfd >= 0) {
		d.control = control_new(d.loop, cfd, d.status);
		cfd = -1; /* closed by control_new() on failure */
		if (d.control == NULL)
			log_warn("control socket: diskless status will not work");
	}
	/* The DHCP half plugs in here: its sockets (opened above, as root,
	 * next to the TFTP one) and timers go on the same loop through
	 * loop_io_add()/loop_timer_new(), and on_reload() hands it the new
	 * site. */
	/* bound, unprivileged, confined: ready */
	notify(&d, "READY=1");
	r = loop_run(d.loop);
	if (r < 0) {
		log_errnum(r, "event loop");
		goto out;
	}
	tftpd_get_stats(d.tftpd, &st);
	log_info("tftp: %lu transfers done, %lu failed, %lu refused, %lu dropped, "
		 "%llu bytes, %llu retransmits",
		st.done, st.failed, st.refused, st.dropped, st.bytes, st.retransmits);
	if (d.dhcpd != NULL) {
		struct dhcpd_stats ds;

		dhcpd_get_stats(d.dhcpd, &ds);
		log_info("dhcp: %lu requests, %lu replies, %lu ignored, %lu malformed, "
			 "%lu held for the journal, %lu dropped; %lu unicast to a MAC, "
			 "%lu conflict probes, %lu conflicts, %lu offers unprobed",
			ds.received, ds.replied, ds.ignored, ds.malformed, ds.held,
			ds.dropped, ds.unicast, ds.probes, ds.conflicts, ds.probe_skipped);
	}
	ret = 0;
out:
	dhcpd_free(d.dhcpd);
	tftpd_free(d.tftpd);
	control_free(d.control);
	status_free(d.status); /* after the servers: their ends are recorded */
	loop_free(d.loop);
	if (cfd >= 0)
		close(cfd);
	if (d.notify_fd >= 0)
		close(d.notify_fd);
	while (n_lfd > lfd_taken)
		close(lfd[--n_lfd]);
	if (rootfd >= 0)
		close(rootfd);
	site_free(d.site);
	return ret;
}

int
main(int argc, char **argv)
{
	struct opts o = { .path = SITE_DEFAULT_PATH };
	struct site *site;
	char *root, *cfg;
	int ret;

	log_setup("disklessd", LOG_DEST_STDERR);
	if (parse_opts(argc, argv, &o) < 0)
		return EXIT_USAGE;
	log_set_verbosity(o.verbose);
	site = load_site(o.path);
	if (site == NULL)
		return EXIT_USAGE;
	if (o.check) {
		site_print_ini(site, stdout);
		site_free(site);
		return 0;
	}
	/* Absolute paths from here on: daemon() moves to "/", and SIGHUP
	 * reads the config again from wherever we are then. */
	cfg = realpath(o.path, NULL);
	if (cfg == NULL) {
		log_warn("%s", o.path);
		site_free(site);
		return EXIT_RUNTIME;
	}
	o.path = cfg;
	if (o.tftp_root != NULL) {
		root = realpath(o.tftp_root, NULL);
		if (root == NULL) {
			log_warn("--tftp-root %s (create it)", o.tftp_root);
			site_free(site);
			free(cfg);
			return EXIT_USAGE;
		}
		free(site->server.tftp_root);
		site->server.tftp_root = root;
	}
	ret = run(&o, site);
	free(cfg);
	return ret;
}
