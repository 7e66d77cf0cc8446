/*
 * dhcp-core-bench.c: the cost of disklessd's DHCP core, without sockets.
 *
 *   decide      time per reply decision (dhcp_reply_decide), and per
 *               parse + decision, for a mix of requests (full-mode static
 *               BIOS DISCOVER, full-mode dynamic renewal, proxyDHCP UEFI
 *               DISCOVER, port-4011 request) against a 200-host site
 *   leases      memory of the lease store holding N leases (default 100k),
 *               by its own count and by the process RSS
 *   journal     one group commit of N bindings, then loading the N-lease
 *               journal (parse + replay alone, and leases_open_journal()
 *               with its compaction and fsyncs)
 *
 * Usage: dhcp-core-bench [-n CALLS] [-l LEASES] [-d DIR]
 * DIR is where the journal goes (default: a fresh directory in $TMPDIR or
 * /tmp, removed at the end). Prints one "name: value" line per figure.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dhcp-pkt.h"
#include "dhcp-reply.h"
#include "leases.h"
#include "log.h"

#define N_HOSTS 200

static char root[] = "/srv/diskless/images/lab", cmdline[] = "", domain[] = "lab.example";
static struct site_host hosts[N_HOSTS];
static struct site_image image;
static struct site site;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this process: the machine may be shared, and a decision
 * never sleeps, so CPU time is the honest cost. */
static double
cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
rss_kib(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void
site_setup(enum site_mode mode)
{
	memset(&site, 0, sizeof(site));
	memcpy(image.name, "lab", 4);
	image.root = root;
	image.cmdline = cmdline;
	for (unsigned i = 0; i < N_HOSTS; i++) {
		snprintf(hosts[i].name, sizeof(hosts[i].name), "pc%03u", i);
		hosts[i].mac[0] = 0x52;
		hosts[i].mac[1] = 0x54;
		hosts[i].mac[4] = (uint8_t)(i >> 8);
		hosts[i].mac[5] = (uint8_t)i;
		/* half static, half dynamic */
		hosts[i].address.s_addr = i % 2 ? 0 : htonl(0x0a000a00u + i);
		hosts[i].image_index = 0;
	}
	site.server.address.s_addr = htonl(0x0a000001);
	site.server.mode = mode;
	site.images = &image;
	site.n_images = 1;
	site.hosts = hosts;
	site.n_hosts = N_HOSTS;
	site.dhcp.present = true;
	site.dhcp.has_range = true;
	site.dhcp.range_start.s_addr = htonl(0x0a000064);
	site.dhcp.range_end.s_addr = htonl(0x0a00ffff);
	site.dhcp.netmask.s_addr = htonl(0xffff0000);
	site.dhcp.router.s_addr = htonl(0x0a000001);
	site.dhcp.dns[0].s_addr = htonl(0x0a000001);
	site.dhcp.n_dns = 1;
	site.dhcp.domain = domain;
	site.dhcp.lease_time = SITE_LEASE_INFINITE;
}

/* A request in wire form: RFC 2131 §2 layout. */
static size_t
make_req(uint8_t *b, uint8_t type, unsigned host, uint16_t arch, uint32_t ciaddr,
	uint32_t requested)
{
	static const char vc[] = "PXEClient:Arch:00000:UNDI:002001";
	size_t n = DHCP_HDR_LEN;

	memset(b, 0, 400);
	b[0] = BOOTREQUEST;
	b[1] = 1;
	b[2] = 6;
	b[7] = 1;
	b[10] = 0x80;
	memcpy(b + 12, &ciaddr, 4);
	b[28] = 0x52;
	b[29] = 0x54;
	b[32] = (uint8_t)(host >> 8);
	b[33] = (uint8_t)host;
	memcpy(b + DHCP_FIXED_LEN, "\x63\x82\x53\x63", 4);
	b[n++] = DHO_MSG_TYPE;
	b[n++] = 1;
	b[n++] = type;
	b[n++] = DHO_VENDOR_CLASS;
	b[n++] = sizeof(vc) - 1;
	memcpy(b + n, vc, sizeof(vc) - 1);
	n += sizeof(vc) - 1;
	b[n++] = DHO_CLIENT_ARCH;
	b[n++] = 2;
	b[n++] = (uint8_t)(arch >> 8);
	b[n++] = (uint8_t)arch;
	b[n++] = DHO_PARAM_LIST;
	b[n++] = 6;
	memcpy(b + n, "\x01\x03\x06\x0c\x11\x43", 6);
	n += 6;
	if (requested != 0) {
		b[n++] = DHO_REQUESTED_ADDR;
		b[n++] = 4;
		memcpy(b + n, &requested, 4);
		n += 4;
	}
	b[n++] = DHO_END;
	return n < 300 ? 300 : n;
}

struct mix {
	uint8_t buf[400];
	size_t len;
	enum site_mode mode;
	uint16_t port;
	struct dhcp_pkt pkt;
};

static int
bench_decide(long calls)
{
	static struct mix mix[4];
	static struct dhcp_reply reply;
	struct dhcp_reply_cfg cfg;
	struct leases *ls;
	struct in_addr a;
	double t0, t1, t2;
	long sent = 0;

	dhcp_reply_cfg_defaults(&cfg);
	site_setup(SITE_MODE_FULL);
	ls = leases_new(site.dhcp.range_start, site.dhcp.range_end);
	if (ls == NULL)
		return -ENOMEM;
	/* host 1 is dynamic: give it a lease to renew */
	{
		uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, 1 };
		struct in_addr zero = { 0 };
		uint64_t t;

		leases_offer(ls, mac, zero, 0, &a);
		leases_bind(ls, mac, a, 0, UINT32_MAX, &t);
	}
	mix[0].len = make_req(mix[0].buf, DHCPDISCOVER, 198, 0, 0, 0);
	mix[0].mode = SITE_MODE_FULL;
	mix[0].port = 67;
	mix[1].len = make_req(mix[1].buf, DHCPREQUEST, 1, 7, a.s_addr, 0);
	mix[1].mode = SITE_MODE_FULL;
	mix[1].port = 67;
	mix[2].len = make_req(mix[2].buf, DHCPDISCOVER, 150, 7, 0, 0);
	mix[2].mode = SITE_MODE_PROXY;
	mix[2].port = 67;
	mix[3].len = make_req(mix[3].buf, DHCPREQUEST, 150, 9, htonl(0x0a000032), 0);
	mix[3].mode = SITE_MODE_PROXY;
	mix[3].port = 4011;
	for (int i = 0; i < 4; i++)
		if (dhcp_pkt_parse(mix[i].buf, mix[i].len, &mix[i].pkt) != 0)
			return -EBADMSG;

	t0 = cpu_s();
	for (long i = 0; i < calls; i++) {
		struct mix *m = &mix[i & 3];
		struct dhcp_arrival arr = { .if_addr = site.server.address,
			.src_addr = m->pkt.ciaddr, .src_port = 68, .local_port = m->port,
			.now = 10 };

		site.server.mode = m->mode;
		sent += dhcp_reply_decide(&cfg, &site, ls, &m->pkt, &arr, &reply) == 1;
	}
	t1 = cpu_s();
	for (long i = 0; i < calls; i++) {
		struct mix *m = &mix[i & 3];
		struct dhcp_arrival arr = { .if_addr = site.server.address,
			.src_addr = m->pkt.ciaddr, .src_port = 68, .local_port = m->port,
			.now = 10 };

		site.server.mode = m->mode;
		dhcp_pkt_parse(m->buf, m->len, &m->pkt);
		sent += dhcp_reply_decide(&cfg, &site, ls, &m->pkt, &arr, &reply) == 1;
	}
	t2 = cpu_s();
	printf("decide_calls: %ld (mix of 4 request kinds, %d hosts, replies %ld)\n",
		calls, N_HOSTS, sent);
	printf("decide_cpu_ns_per_call: %.0f\n", (t1 - t0) / (double)calls * 1e9);
	printf("parse_and_decide_cpu_ns_per_call: %.0f\n",
		(t2 - t1) / (double)calls * 1e9);
	leases_free(ls);
	return sent == 2 * calls ? 0 : -EPROTO;
}

static void
mac_of(long i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = (uint8_t)(i >> 32);
	mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static int
fill(struct leases *ls, long n, double *secs)
{
	struct in_addr zero = { 0 }, a;
	double t0 = now_s();

	for (long i = 0; i < n; i++) {
		uint8_t mac[6];
		uint64_t t;
		int r;

		mac_of(i, mac);
		r = leases_offer(ls, mac, zero, 0, &a);
		if (r == 0)
			r = leases_bind(ls, mac, a, 0, UINT32_MAX, &t);
		if (r < 0)
			return r;
		/* the event loop flushes once per turn; a turn of 256 here */
		if (i % 256 == 255 && (r = leases_flush(ls)) < 0)
			return r;
	}
	*secs = now_s() - t0;
	return 0;
}

static int
replay(void *arg, const struct lease_rec *rec)
{
	return leases_replay(arg, rec);
}

static int
bench_leases(long n, const char *dir)
{
	/* a /14: room for 100k with the range half full at most */
	struct in_addr start = { htonl(0x0a000001) }, end = { htonl(0x0a03fffe) };
	struct leases *ls;
	struct leases_load_report rep;
	double secs, t0;
	long rss0, rss1;
	char path[4096];
	struct stat st;
	uint8_t *buf;
	ssize_t got;
	int fd, r;

	rss0 = rss_kib();
	ls = leases_new(start, end);
	if (ls == NULL)
		return -ENOMEM;
	if ((r = fill(ls, n, &secs)) < 0)
		return r;
	rss1 = rss_kib();
	printf("leases: %ld\n", n);
	printf("leases_alloc_us_per_lease: %.2f (offer + bind, memory only)\n",
		secs / (double)n * 1e6);
	printf("leases_mem_bytes: %zu (%.1f bytes per lease)\n", leases_mem_bytes(ls),
		(double)leases_mem_bytes(ls) / (double)n);
	printf("leases_rss_delta_kib: %ld\n", rss1 - rss0);
	leases_free(ls);

	/* journal: bindings written with a flush per 256 (group commit) */
	ls = leases_new(start, end);
	if ((r = leases_open_journal(ls, dir, NULL)) < 0)
		return r;
	if ((r = fill(ls, n, &secs)) < 0 || (r = leases_flush(ls)) < 0)
		return r;
	printf("journal_write_s: %.3f (%ld bindings, one fdatasync per 256)\n", secs, n);
	leases_free(ls);
	snprintf(path, sizeof(path), "%s/" LEASES_FILE, dir);
	if (stat(path, &st) < 0)
		return -errno;
	printf("journal_bytes: %lld\n", (long long)st.st_size);

	/* load: decode + replay alone, from memory */
	buf = malloc((size_t)st.st_size);
	fd = open(path, O_RDONLY);
	if (buf == NULL || fd < 0)
		return -ENOMEM;
	got = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (got != st.st_size)
		return -EIO;
	ls = leases_new(start, end);
	t0 = now_s();
	r = leases_journal_parse(buf, (size_t)got, replay, ls, &rep);
	secs = now_s() - t0;
	free(buf);
	if (r < 0 || rep.records != (size_t)n)
		return -EPROTO;
	printf("journal_replay_ms: %.1f (%zu records, parse + index)\n", secs * 1e3,
		rep.records);
	leases_free(ls);

	/* load as disklessd starts: read, replay, compact, fsync */
	ls = leases_new(start, end);
	t0 = now_s();
	r = leases_open_journal(ls, dir, &rep);
	secs = now_s() - t0;
	if (r < 0 || leases_count(ls) != (size_t)n)
		return r < 0 ? r : -EPROTO;
	printf("journal_open_ms: %.1f (read + replay + compacting rewrite + fsyncs)\n",
		secs * 1e3);
	leases_free(ls);
	unlink(path);
	return 0;
}

int
main(int argc, char **argv)
{
	long calls = 1000000, n = 100000;
	char tmpl[256], *dir = NULL;
	bool made = false;
	int opt, r;

	log_setup("dhcp-core-bench", LOG_DEST_STDERR);
	while ((opt = getopt(argc, argv, "n:l:d:")) != -1) {
		char *end;

		switch (opt) {
		case 'n':
		case 'l':
			errno = 0;
			if (opt == 'n')
				calls = strtol(optarg, &end, 10);
			else
				n = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || (opt == 'n' ? calls : n) < 1 ||
				(opt == 'n' ? calls : n) > 100000000) {
				fprintf(stderr, "dhcp-core-bench: -%c %s: not a count "
						"(give 1..100000000)\n", opt, optarg);
				return 2;
			}
			break;
		case 'd':
			dir = optarg;
			break;
		default:
			fprintf(stderr, "usage: dhcp-core-bench [-n CALLS] [-l LEASES] "
					"[-d DIR]\n");
			return 2;
		}
	}
	if (dir == NULL) {
		const char *t = getenv("TMPDIR");

		snprintf(tmpl, sizeof(tmpl), "%s/dhcp-bench.XXXXXX",
			t && strlen(t) < 200 ? t : "/tmp");
		dir = mkdtemp(tmpl);
		if (dir == NULL) {
			fprintf(stderr, "dhcp-core-bench: mkdtemp %s: %s (set TMPDIR)\n",
				tmpl, strerror(errno));
			return 1;
		}
		made = true;
	}
	r = bench_decide(calls);
	if (r == 0)
		r = bench_leases(n, dir);
	if (made)
		rmdir(dir);
	if (r < 0) {
		fprintf(stderr, "dhcp-core-bench: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
