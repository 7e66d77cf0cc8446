/*
 * cmd-status.c: `diskless status`: what disklessd last saw of each client
 * (DHCP reply, TFTP file in progress, done or failed), read from its
 * control socket (server/control.h) and printed as a table, as the JSON
 * document itself (--json), or redrawn every few seconds (--watch).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "log.h"
#include "site.h"
#include "status-doc.h"
#include "strutil.h"

#define READ_TIMEOUT_SEC 5
#define WATCH_DEFAULT 2
#define WATCH_MAX 3600
#define STAGE_TEXT 400

struct status_opts {
	const char *socket;
	int json;
	unsigned long watch; /* seconds between frames; 0: print once */
	unsigned long count; /* frames to draw; 0: until interrupted */
};

static void
usage(FILE *out)
{
	fprintf(out,
		"Usage: diskless status [-s PATH] [--json] [-w[SECONDS]] [-n COUNT]\n"
		"\n"
		"Show the last boot stage disklessd saw for each client: HOST MAC\n"
		"ADDRESS IMAGE STAGE SINCE, STAGE being the DHCP reply sent, the TFTP\n"
		"file in progress (bytes and rate), done, or failed and why.\n"
		"\n"
		"  -s, --socket PATH     disklessd's control socket (default: the site's\n"
		"                        [server] control-socket, else %s)\n"
		"      --json            print the status document as disklessd wrote it\n"
		"  -w, --watch[=SECONDS] redraw every SECONDS (default %d) until\n"
		"                        interrupted\n"
		"  -n, --count COUNT     with --watch: stop after COUNT frames\n"
		"  -h, --help            show this help\n"
		"\n"
		"Reading the socket takes root or the group of disklessd's user.\n"
		"Exit status: 0 success, 1 no answer from disklessd, 2 usage error.\n",
		SITE_DEFAULT_CONTROL_SOCKET, WATCH_DEFAULT);
}

static int
parse_opts(int argc, char **argv, struct status_opts *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "watch", optional_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "s:w::n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->socket = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'w':
			o->watch = WATCH_DEFAULT;
			if (optarg != NULL &&
				str_to_ulong(optarg, 1, WATCH_MAX, &o->watch) < 0) {
				log_warnx("status: --watch %s: not a number of seconds "
					  "from 1 to %d", optarg, WATCH_MAX);
				return EXIT_USAGE;
			}
			break;
		case 'n':
			if (str_to_ulong(optarg, 1, 1000000, &o->count) < 0) {
				log_warnx("status: --count %s: not a number of frames "
					  "(1 or more)", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		log_warnx("status: unexpected argument '%s' (see diskless status --help)",
			argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

/* -s, else the site's control-socket, else the default when there is no
 * readable site (a group member may not read the config). NULL: the
 * site has control-socket = none (reported). *site is freed by the caller. */
static const char *
socket_path(const struct global_opts *g, const char *opt, struct site **site)
{
	int r;

	if (opt != NULL)
		return opt;
	r = site_load(g->config ? g->config : SITE_DEFAULT_PATH, site);
	if (*site == NULL) {
		if (g->config != NULL) {
			log_warnx("status: %s: cannot read the site config: %s (give "
				  "the socket with -s PATH)", g->config, strerror(-r));
			return NULL;
		}
		return SITE_DEFAULT_CONTROL_SOCKET;
	}
	if ((*site)->server.control_socket == NULL)
		log_warnx("status: %s has control-socket = none: disklessd serves no "
			  "status (set a path there and restart it)", (*site)->path);
	return (*site)->server.control_socket;
}

/* ---- reading ------------------------------------------------------------- */

static int
connect_to(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { READ_TIMEOUT_SEC, 0 };
	int fd, r;

	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path) >=
		(int)sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
		connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/* Reads until EOF, at most STATUS_DOC_MAX bytes: -EFBIG past that,
 * -ETIMEDOUT when the server stops sending. */
static int
read_all(int fd, char **out, size_t *len)
{
	size_t cap = 64 * 1024, n = 0;
	char *buf = malloc(cap), *nb;
	ssize_t got;

	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			if (cap > STATUS_DOC_MAX)
				break;
			nb = realloc(buf, cap * 2);
			if (nb == NULL)
				break;
			buf = nb;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	if (got == 0 && n <= STATUS_DOC_MAX) {
		*out = buf;
		*len = n;
		return 0;
	}
	free(buf);
	if (n > STATUS_DOC_MAX)
		return -EFBIG;
	if (got < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
	return -ENOMEM;
}

/* One snapshot into *text and *doc. Prints why on failure; 0 or -errno. */
static int
fetch(const char *path, char **text, size_t *len, struct status_doc *doc)
{
	char err[256];
	int fd, r;

	fd = connect_to(path);
	if (fd < 0) {
		log_warnx("status: cannot connect to %s: %s (%s)", path, strerror(-fd),
			fd == -EACCES ? "run as root or as a member of the socket's "
					"group" : "is disklessd running?");
		return fd;
	}
	r = read_all(fd, text, len);
	close(fd);
	if (r == 0 && *len == 0) {
		free(*text);
		*text = NULL;
		r = -ENODATA;
	}
	if (r < 0) {
		log_warnx("status: %s: no status read: %s (%s)", path,
			r == -ENODATA ? "empty answer" : strerror(-r),
			r == -ENODATA ? "too many readers at once: try again" :
			r == -EFBIG ? "is it disklessd's control socket?" :
				      "is disklessd stuck? see its log");
		return r;
	}
	r = status_doc_parse(*text, *len, doc, err, sizeof(err));
	if (r < 0) {
		log_warnx("status: %s: not a status document: %s (is it "
			  "disklessd's control socket?)", path, err);
		free(*text);
		*text = NULL;
	}
	return r;
}

/* ---- printing ------------------------------------------------------------ */

enum { COL_HOST, COL_MAC, COL_ADDR, COL_IMAGE, COL_STAGE, COL_SINCE, N_COLS };

static const char *
cell(const struct status_row *r, int col, const char *stage, const char *since)
{
	const char *v[N_COLS] = { r->host, r->mac, r->address, r->image, stage, since };

	return v[col][0] != '\0' ? v[col] : "-";
}

static void
print_row(const char *const *cells, const int *w)
{
	for (int c = 0; c < N_COLS; c++) {
		if (c + 1 == N_COLS)
			printf("%s\n", cells[c]);
		else
			printf("%-*s  ", w[c], cells[c]);
	}
}

static void
print_table(const struct status_doc *doc)
{
	static const char *const head[N_COLS] = { "HOST", "MAC", "ADDRESS", "IMAGE",
		"STAGE", "SINCE" };
	char (*stage)[STAGE_TEXT] = calloc(doc->n_rows + 1, STAGE_TEXT);
	char (*since)[32] = calloc(doc->n_rows + 1, 32);
	int w[N_COLS];

	if (stage == NULL || since == NULL) {
		log_warnx("status: out of memory");
		goto out;
	}
	for (int c = 0; c < N_COLS; c++)
		w[c] = (int)strlen(head[c]);
	for (size_t i = 0; i < doc->n_rows; i++) {
		const struct status_row *r = &doc->rows[i];

		status_stage_text(r, doc->now, stage[i], STAGE_TEXT);
		status_ago_text(doc->now, r->since, since[i], 32);
		for (int c = 0; c < N_COLS; c++) {
			int n = (int)strlen(cell(r, c, stage[i], since[i]));

			if (n > w[c])
				w[c] = n;
		}
	}
	print_row(head, w);
	for (size_t i = 0; i < doc->n_rows; i++) {
		const char *cells[N_COLS];

		for (int c = 0; c < N_COLS; c++)
			cells[c] = cell(&doc->rows[i], c, stage[i], since[i]);
		print_row(cells, w);
	}
out:
	free(stage);
	free(since);
}

/* One frame: 0 or EXIT_RUNTIME. */
static int
show(const char *path, const struct status_opts *o)
{
	struct status_doc doc;
	char *text = NULL;
	size_t len = 0;

	if (fetch(path, &text, &len, &doc) < 0)
		return EXIT_RUNTIME;
	if (o->json)
		fwrite(text, 1, len, stdout);
	else
		print_table(&doc);
	status_doc_free(&doc);
	free(text);
	return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
}

static int
watch(const char *path, const struct status_opts *o)
{
	struct timespec ts = { (time_t)o->watch, 0 };
	int tty = isatty(STDOUT_FILENO), ret = 0;

	for (unsigned long n = 1;; n++) {
		char when[16];
		time_t now = time(NULL);
		struct tm tm;

		if (tty)
			fputs("\033[H\033[2J", stdout);
		else if (n > 1 && !o->json)
			putchar('\n');
		/* --json: one document after the other, nothing between */
		if (!o->json) {
			strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&now, &tm));
			printf("disklessd status at %s, every %lus (%s)\n\n", when,
				o->watch, path);
		}
		fflush(stdout);
		/* a failed read is shown in this frame; the next may work
		 * (disklessd restarting) */
		ret = show(path, o);
		if (o->count != 0 && n >= o->count)
			return ret;
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		ts.tv_sec = (time_t)o->watch;
		ts.tv_nsec = 0;
	}
}

int
cmd_status(int argc, char **argv, const struct global_opts *g)
{
	struct status_opts o = { NULL, 0, 0, 0 };
	struct site *site = NULL;
	const char *path;
	int r;

	r = parse_opts(argc, argv, &o);
	if (r != 0)
		return r < 0 ? 0 : r;
	if (o.count != 0 && o.watch == 0) {
		log_warnx("status: --count goes with --watch");
		return EXIT_USAGE;
	}
	path = socket_path(g, o.socket, &site);
	if (path == NULL)
		r = EXIT_USAGE;
	else if (o.watch != 0)
		r = watch(path, &o);
	else
		r = show(path, &o);
	site_free(site);
	return r;
}
