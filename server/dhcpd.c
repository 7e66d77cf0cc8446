/*
 * dhcpd.c: the DHCP half of disklessd on the wire. Receives on port 67 (and
 * 4011 in proxy mode), asks dhcp_reply_decide() what to answer, sends it
 * where RFC 2131 §4.1 says, and holds DHCPACKs until the lease journal has
 * them on disk (group commit: one fdatasync per loop turn, however many
 * requests arrived in it). A DHCPDISCOVER about to get a dynamic address
 * nobody held waits for a conflict probe first (probe.h, dhcp-link.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "dhcp-link.h"
#include "dhcp-pkt.h"
#include "dhcp-reply.h"
#include "dhcpd.h"
#include "leases.h"
#include "log.h"
#include "netaddr.h"
#include "probe.h"

/* Datagrams read per wake-up per socket: bounds the time one busy socket
 * keeps the loop from the other ones and from the flush. */
#define DHCPD_BATCH 64
/* Replies waiting for the journal; past this, requests go unanswered and
 * the clients retransmit (RFC 2131 §4.1: they back off up to 64 s). */
#define DHCPD_HELD_MAX 4096
/* How soon a failed journal write is tried again. */
#define DHCPD_RETRY_USEC 200000
/* How long a conflict probe waits for an ARP reply. A host on the link
 * answers within a millisecond (the kernel replies from softirq); 300 ms
 * leaves room for a congested switch and stays far below the 4 s PXE
 * firmware waits for its first offer. */
#define DHCPD_PROBE_USEC 300000
/* Probes in flight at once. New clients arrive at up to 8,000/s under
 * perfdhcp: 300 ms of that is 2,400 probes; past this bound the OFFER goes
 * out unprobed rather than being dropped, so the probe never caps the rate
 * (the client still DECLINEs an address it finds in use, RFC 2131 §4.4.1). */
#define DHCPD_PROBE_MAX 512
/* Conflicts in a row for one DISCOVER before it is left unanswered (the
 * client retransmits). */
#define DHCPD_PROBE_TRIES 4

enum { SOCK_DHCP, SOCK_PXE, SOCK__COUNT };

/* Where one reply goes: a UDP destination, or (link) a frame to mac. */
struct route {
	struct sockaddr_in dst;
	struct in_pktinfo pi;
	bool link;
	uint8_t mac[LINK_MAC_LEN];
};

/* A reply to send once its lease is durable. */
struct held {
	uint64_t ticket;
	int sock;
	struct route rt;
	size_t len;
	uint8_t pkt[DHCP_REPLY_MAX];
};

/* A DHCPDISCOVER waiting for its conflict probe. */
struct parked {
	int sock;
	unsigned tries;
	struct sockaddr_in src;
	struct in_pktinfo pi;
	size_t len;
	uint8_t buf[];
};

struct dhcpd {
	struct loop *loop;
	const struct site *site;
	struct dhcp_reply_cfg cfg;
	struct leases *ls; /* NULL in proxy mode */
	int lockfd;        /* the state directory, flock'd */
	int fd[SOCK__COUNT];
	uint16_t role[SOCK__COUNT]; /* 67 or 4011: what the core is told */
	uint16_t port[SOCK__COUNT]; /* bound: the source port of link replies */
	struct loop_io *io[SOCK__COUNT];
	struct dhcp_link *link;    /* NULL: replies broadcast, no probes */
	struct probe_set *probes;  /* NULL: conflict-probe = none */
	struct loop_io *arp_io;
	struct loop_timer *probe_timer;
	struct loop_timer *commit;
	struct held *held;
	size_t n_held, cap_held;
	int flush_failing;
	struct dhcpd_stats st;
	struct status *status;
	/* what dhcpd_reload() cannot change */
	enum site_mode mode;
	enum site_probe probe_mode;
	char ifname[IF_NAMESIZE];
	struct in_addr range_start, range_end;
};

static int64_t
wall_seconds(void)
{
	struct timespec ts;

	/* leases outlive the process: wall-clock time, as the journal keeps */
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

/* ---- sockets ------------------------------------------------------------ */

static int
open_socket(struct in_addr addr, uint16_t port, const char *ifname)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = addr,
		.sin_port = htons(port) };
	int fd, one = 1, rcv = 4 << 20, r;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Requests keep arriving while the loop waits for the journal's
	 * fdatasync or for the CPU: at 16,000 datagrams a second (8,000
	 * DORA), the default 208 KiB buffer overflows within 10 ms. 4 MiB
	 * holds a quarter of a second. (FORCE: as root, past rmem_max.) */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	/* SO_REUSEADDR: a restart binds at once; SO_BROADCAST: replies to
	 * clients without an address go to 255.255.255.255; IP_PKTINFO: the
	 * interface and local address each request arrived on */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
		setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0)
		goto fail;
	if (ifname != NULL && ifname[0] != '\0' &&
		setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
			(socklen_t)strlen(ifname) + 1) < 0)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		goto fail;
	return fd;
fail:
	r = -errno;
	close(fd);
	return r;
}

/* ---- sending ------------------------------------------------------------ */

static void
send_udp(struct dhcpd *d, int sock, const struct sockaddr_in *dst,
	const struct in_pktinfo *pi, const uint8_t *pkt, size_t len)
{
	union {
		struct cmsghdr h;
		uint8_t buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} c;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)pkt, .iov_len = len };
	struct msghdr m = { .msg_name = (void *)(uintptr_t)dst,
		.msg_namelen = sizeof(*dst), .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = c.buf, .msg_controllen = sizeof(c.buf) };
	struct cmsghdr *cm;
	char a[INET_ADDRSTRLEN];

	memset(&c, 0, sizeof(c));
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(*pi));
	memcpy(CMSG_DATA(cm), pi, sizeof(*pi));
	if (sendmsg(d->fd[sock], &m, 0) < 0) {
		inet_ntop(AF_INET, &dst->sin_addr, a, sizeof(a));
		log_warn("dhcp: send to %s:%u", a, ntohs(dst->sin_port));
		d->st.dropped++;
		return;
	}
	d->st.replied++;
}

static void
send_pkt(struct dhcpd *d, int sock, const struct route *rt, const uint8_t *pkt,
	size_t len)
{
	struct sockaddr_in bcast = rt->dst;
	struct in_pktinfo pi = rt->pi;
	int r;

	if (!rt->link) {
		send_udp(d, sock, &rt->dst, &rt->pi, pkt, len);
		return;
	}
	r = dhcp_link_send_udp(d->link, rt->pi.ipi_ifindex, rt->mac,
		rt->pi.ipi_spec_dst, d->port[sock], rt->dst.sin_addr,
		ntohs(rt->dst.sin_port), pkt, len);
	if (r == 0) {
		d->st.replied++;
		d->st.unicast++;
		return;
	}
	/* §4.1 lets a server that cannot unicast broadcast instead */
	if (r != -ENODEV)
		log_errnum(r, "dhcp: frame to the client's MAC: broadcasting");
	bcast.sin_addr.s_addr = INADDR_BROADCAST;
	send_udp(d, sock, &bcast, &pi, pkt, len);
}

/*
 * Where the reply goes (the core already applied RFC 2131 §4.1: giaddr:67
 * when relayed, ciaddr when the client has an address, else broadcast to
 * 255.255.255.255:68). rep->dst_link asks for a unicast to yiaddr at
 * chaddr, which the client does not own yet: the kernel would ARP for it
 * and get no answer. So that reply goes as a frame on the packet socket
 * opened before the privilege drop; without one, or when chaddr is not an
 * Ethernet station, it is broadcast (§4.1 allows that when the server
 * cannot unicast, and every client accepts it).
 */
static void
route_reply(const struct dhcpd *d, const struct dhcp_pkt *req,
	const struct dhcp_reply *rep, const struct in_pktinfo *arrived,
	struct route *rt)
{
	memset(rt, 0, sizeof(*rt));
	rt->dst.sin_family = AF_INET;
	rt->dst.sin_addr = rep->dst;
	rt->dst.sin_port = htons(rep->dst_port);
	/* answer from the address the request reached */
	rt->pi.ipi_spec_dst = arrived->ipi_spec_dst;
	rt->pi.ipi_ifindex = arrived->ipi_ifindex;
	if (rep->dst_link) {
		rt->link = d->link != NULL &&
			link_can_unicast(req->htype, req->hlen, req->chaddr);
		if (rt->link)
			memcpy(rt->mac, req->chaddr, LINK_MAC_LEN);
		else
			rt->dst.sin_addr.s_addr = INADDR_BROADCAST;
	}
	/* a limited broadcast leaves by the interface the request came in
	 * on, whatever the routing table prefers; others are routed */
	if (rt->dst.sin_addr.s_addr != INADDR_BROADCAST && !rt->link)
		rt->pi.ipi_ifindex = 0;
}

/* ---- group commit ------------------------------------------------------- */

static int
hold(struct dhcpd *d, int sock, uint64_t ticket, const struct route *rt,
	const struct dhcp_reply *rep)
{
	struct held *h;

	if (d->n_held == d->cap_held) {
		size_t cap = d->cap_held ? d->cap_held * 2 : 16;

		if (cap > DHCPD_HELD_MAX)
			return -ENOBUFS;
		h = realloc(d->held, cap * sizeof(*h));
		if (h == NULL)
			return -ENOMEM;
		d->held = h;
		d->cap_held = cap;
	}
	h = &d->held[d->n_held++];
	h->ticket = ticket;
	h->sock = sock;
	h->rt = *rt;
	h->len = rep->len;
	memcpy(h->pkt, rep->pkt, rep->len);
	d->st.held++;
	/* 0 µs: the loop runs due timers right after the current batch of
	 * events, so this is the once-per-turn flush */
	if (!loop_timer_armed(d->commit))
		loop_timer_arm(d->commit, 0);
	return 0;
}

/* Sends the held replies whose lease is now on disk. */
static void
release_held(struct dhcpd *d)
{
	size_t i, k = 0;

	for (i = 0; i < d->n_held; i++) {
		struct held *h = &d->held[i];

		if (leases_durable(d->ls, h->ticket)) {
			send_pkt(d, h->sock, &h->rt, h->pkt, h->len);
			continue;
		}
		if (k != i)
			d->held[k] = *h;
		k++;
	}
	d->n_held = k;
}

static void
on_commit(struct loop_timer *t, void *arg)
{
	struct dhcpd *d = arg;
	int r;

	(void)t;
	if (d->ls == NULL)
		return;
	r = leases_flush(d->ls);
	/* a failed compaction after a good sync still made the records
	 * durable: release_held() asks per ticket */
	release_held(d);
	if (r < 0) {
		if (!d->flush_failing)
			log_errnum(r, "dhcp: cannot write the lease journal %s/%s: "
				      "holding %zu ACK(s) (check the disk; retrying)",
				d->site->server.state_dir, LEASES_FILE, d->n_held);
		d->flush_failing = 1;
		loop_timer_arm(d->commit, DHCPD_RETRY_USEC);
		return;
	}
	if (d->flush_failing)
		log_info("dhcp: lease journal written again");
	d->flush_failing = 0;
	/* records added by the requests handled since (not in this turn:
	 * this timer runs after the turn's events) */
	if (leases_pending(d->ls))
		loop_timer_arm(d->commit, 0);
}

/* ---- receiving ---------------------------------------------------------- */

static void log_msg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(prio, 0, fmt, ap);
	va_end(ap);
}

/* A DECLINE means another machine answers ARP for an address handed out
 * here, a RELEASE that a dynamic address is free again: one info line with
 * the address, whatever the client. */
static void
log_lease_end(const struct dhcp_pkt *req, const char *mac,
	const struct dhcp_reply *rep)
{
	struct in_addr a = req->msg_type == DHCPDECLINE ? req->requested_addr :
		req->ciaddr;
	char s[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, s, sizeof(s));
	log_info("dhcp: %s from %s%s%s for %s: %s", dhcp_msg_type_name(req->msg_type),
		mac, rep->host ? " host " : "", rep->host ? rep->host->name : "", s,
		rep->why);
}

static void
log_exchange(const struct dhcp_pkt *req, const struct in_pktinfo *pi,
	const struct dhcp_reply *rep, int r)
{
	char mac[NETADDR_MAC_STRLEN], via[INET_ADDRSTRLEN], yi[INET_ADDRSTRLEN];
	char arch[16] = "-";

	netaddr_format_mac(req->chaddr, ':', mac);
	inet_ntop(AF_INET, &pi->ipi_spec_dst, via, sizeof(via));
	if (req->n_arch > 0)
		snprintf(arch, sizeof(arch), "%u", req->arch[0]);
	if (req->msg_type == DHCPDECLINE || req->msg_type == DHCPRELEASE) {
		log_lease_end(req, mac, rep);
		return;
	}
	if (r <= 0) {
		/* a [host] or a network-boot client that got nothing is what the
		 * admin looks for; every phone on a proxy-mode LAN is not */
		int prio = rep->host != NULL || rep->kind != DHCP_BOOT_NONE ?
			LOG_INFO : LOG_DEBUG;

		log_msg(prio, "dhcp: %s from %s%s%s arch %s via %s: no reply (%s)",
			dhcp_msg_type_name(req->msg_type), mac,
			rep->host ? " host " : "", rep->host ? rep->host->name : "",
			arch, via, rep->why);
		return;
	}
	inet_ntop(AF_INET, &rep->yiaddr, yi, sizeof(yi));
	log_info("dhcp: %s from %s%s%s arch %s (%s%s) via %s: %s %s file %s%s%s "
		 "(%s)",
		dhcp_msg_type_name(req->msg_type), mac,
		rep->host ? " host " : "", rep->host ? rep->host->name : "", arch,
		dhcp_boot_kind_name(rep->kind), rep->ipxe ? ", iPXE" : "", via,
		dhcp_msg_type_name(rep->type),
		rep->yiaddr.s_addr ? yi : "no address",
		rep->file[0] ? rep->file : "none",
		rep->boot_why ? ": " : "", rep->boot_why ? rep->boot_why : "",
		rep->why);
}

/* ---- conflict probe ----------------------------------------------------- */

/* The offer hands out a dynamic address this client did not hold before
 * (fresh), on a link we can ARP on: static hosts and returning clients are
 * never probed, nor relayed clients (ARP does not cross the relay). */
static bool
wants_probe(const struct dhcpd *d, const struct dhcp_pkt *req,
	const struct dhcp_reply *rep, bool fresh)
{
	return fresh && rep->type == DHCPOFFER && req->giaddr.s_addr == 0 &&
		(rep->host == NULL || rep->host->address.s_addr == 0) &&
		leases_in_range(d->ls, rep->yiaddr);
}

static void
arm_probe_timer(struct dhcpd *d)
{
	uint64_t next = probe_next_deadline(d->probes), now = loop_now(d->loop);

	if (next == 0)
		loop_timer_disarm(d->probe_timer);
	else
		loop_timer_arm(d->probe_timer, next > now ? next - now : 0);
}

/* Asks the link who has addr and parks the request until the answer or
 * the deadline. 1: parked; 0: offer now (the probe bound is reached, or
 * the interface is not Ethernet). */
static int
park(struct dhcpd *d, int sock, const uint8_t *buf, size_t len,
	const struct sockaddr_in *src, const struct in_pktinfo *pi, unsigned tries,
	const struct dhcp_pkt *req, struct in_addr addr)
{
	struct parked *p;

	if (probe_count(d->probes) >= DHCPD_PROBE_MAX) {
		d->st.probe_skipped++;
		return 0;
	}
	p = malloc(sizeof(*p) + len);
	if (p == NULL)
		return 0;
	p->sock = sock;
	p->tries = tries;
	p->src = *src;
	p->pi = *pi;
	p->len = len;
	memcpy(p->buf, buf, len);
	if (dhcp_link_arp_probe(d->link, pi->ipi_ifindex, pi->ipi_spec_dst, addr) < 0 ||
		probe_add(d->probes, addr, req->chaddr,
			loop_now(d->loop) + DHCPD_PROBE_USEC, p) < 0) {
		free(p);
		return 0;
	}
	d->st.probes++;
	arm_probe_timer(d);
	return 1;
}

static void handle(struct dhcpd *d, int sock, const uint8_t *buf, size_t len,
	const struct sockaddr_in *src, const struct in_pktinfo *pi, unsigned tries);

/* No answer: the address is free, and the client still holds its offer,
 * so answering the request again sends that offer. */
static void
on_probe_timer(struct loop_timer *t, void *arg)
{
	struct dhcpd *d = arg;
	struct parked *p;
	struct in_addr addr;

	(void)t;
	while ((p = probe_expired(d->probes, loop_clock(), &addr)) != NULL) {
		handle(d, p->sock, p->buf, p->len, &p->src, &p->pi, p->tries);
		free(p);
	}
	arm_probe_timer(d);
}

/* Someone answered for an address being probed: it is taken. The offer
 * becomes a decline (held back LEASES_DECLINE_HOLD s, journaled), and the
 * request is answered again, which picks and probes another address. */
static void
conflict(struct dhcpd *d, struct parked *p, struct in_addr addr,
	const uint8_t answerer[LINK_MAC_LEN])
{
	static struct dhcp_pkt req;
	char a[INET_ADDRSTRLEN], mac[NETADDR_MAC_STRLEN], who[NETADDR_MAC_STRLEN];

	d->st.conflicts++;
	inet_ntop(AF_INET, &addr, a, sizeof(a));
	netaddr_format_mac(answerer, ':', who);
	if (dhcp_pkt_parse(p->buf, p->len, &req) < 0)
		return;
	netaddr_format_mac(req.chaddr, ':', mac);
	log_warnx("dhcp: %s is in use by %s (it answered ARP): not offered to %s, "
		  "held back %d s (find the machine with that address)",
		a, who, mac, LEASES_DECLINE_HOLD);
	(void)leases_decline(d->ls, req.chaddr, addr, wall_seconds());
	if (p->tries + 1 >= DHCPD_PROBE_TRIES) {
		log_warnx("dhcp: %d addresses in a row in use: no offer to %s this time",
			DHCPD_PROBE_TRIES, mac);
		return;
	}
	handle(d, p->sock, p->buf, p->len, &p->src, &p->pi, p->tries + 1);
}

static void
on_arp(struct loop_io *io, int fd, uint32_t events, void *arg)
{
	struct dhcpd *d = arg;
	uint8_t sha[LINK_MAC_LEN];
	struct in_addr spa;
	struct parked *p;
	int n;

	(void)io;
	(void)fd;
	(void)events;
	for (n = 0; n < DHCPD_BATCH && dhcp_link_arp_read(d->link, &spa, sha) > 0; n++) {
		p = probe_answered(d->probes, spa, sha);
		if (p == NULL)
			continue;
		conflict(d, p, spa, sha);
		free(p);
	}
	arm_probe_timer(d);
}

/* ---- answering ---------------------------------------------------------- */

/* tries: conflicts met so far by this request (0 when it just arrived). */
static void
handle(struct dhcpd *d, int sock, const uint8_t *buf, size_t len,
	const struct sockaddr_in *src, const struct in_pktinfo *pi, unsigned tries)
{
	static struct dhcp_pkt req; /* 5 KiB: one at a time, single thread */
	static struct dhcp_reply rep;
	struct dhcp_arrival arr = { .if_addr = pi->ipi_spec_dst,
		.src_addr = src->sin_addr, .src_port = ntohs(src->sin_port),
		.local_port = d->role[sock], .now = wall_seconds() };
	struct route rt;
	struct in_addr had;
	bool fresh = false;
	int r;

	r = dhcp_pkt_parse(buf, len, &req);
	if (r < 0) {
		char a[INET_ADDRSTRLEN];

		d->st.malformed++;
		inet_ntop(AF_INET, &src->sin_addr, a, sizeof(a));
		log_debug("dhcp: %zu bytes from %s:%u: not a DHCP message (%s)", len,
			a, ntohs(src->sin_port), strerror(-r));
		return;
	}
	if (d->probes != NULL && req.msg_type == DHCPDISCOVER) {
		/* a retransmission waits for the probe its first copy started */
		if (probe_has_mac(d->probes, req.chaddr)) {
			d->st.ignored++;
			return;
		}
		fresh = leases_lookup(d->ls, req.chaddr, arr.now, &had) < 0;
	}
	r = dhcp_reply_decide(&d->cfg, d->site, d->ls, &req, &arr, &rep);
	if (r < 0) {
		log_errnum(r, "dhcp: lease store: no reply to %s (the client retries)",
			dhcp_msg_type_name(req.msg_type));
		d->st.dropped++;
		return;
	}
	if (r > 0 && wants_probe(d, &req, &rep, fresh) &&
		park(d, sock, buf, len, src, pi, tries, &req, rep.yiaddr))
		return;
	log_exchange(&req, pi, &rep, r);
	status_dhcp(d->status, &req, &arr, &rep, r, loop_now(d->loop));
	if (r == 0) {
		d->st.ignored++;
		return;
	}
	route_reply(d, &req, &rep, pi, &rt);
	if (rep.ticket != 0 && d->ls != NULL && !leases_durable(d->ls, rep.ticket)) {
		if (hold(d, sock, rep.ticket, &rt, &rep) < 0) {
			log_warnx("dhcp: %zu replies wait for the journal: dropping "
				  "this one (the client retries)", d->n_held);
			d->st.dropped++;
		}
		return;
	}
	send_pkt(d, sock, &rt, rep.pkt, rep.len);
}

static void
on_readable(struct loop_io *io, int fd, uint32_t events, void *arg)
{
	struct dhcpd *d = arg;
	int sock = fd == d->fd[SOCK_DHCP] ? SOCK_DHCP : SOCK_PXE;
	uint8_t buf[DHCP_PKT_MAX];
	union {
		struct cmsghdr h;
		uint8_t buf[CMSG_SPACE(sizeof(struct in_pktinfo)) + 64];
	} c;
	int n;

	(void)io;
	(void)events;
	for (n = 0; n < DHCPD_BATCH; n++) {
		struct sockaddr_in src;
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr m = { .msg_name = &src, .msg_namelen = sizeof(src),
			.msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf,
			.msg_controllen = sizeof(c.buf) };
		struct in_pktinfo pi = { 0 };
		struct cmsghdr *cm;
		ssize_t len;

		len = recvmsg(fd, &m, 0);
		if (len < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_warn("dhcp: recvmsg");
			break;
		}
		d->st.received++;
		if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
			d->st.malformed++;
			continue;
		}
		for (cm = CMSG_FIRSTHDR(&m); cm != NULL; cm = CMSG_NXTHDR(&m, cm))
			if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO &&
				cm->cmsg_len >= CMSG_LEN(sizeof(pi)))
				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
		if (m.msg_namelen < sizeof(src) || pi.ipi_ifindex == 0) {
			d->st.malformed++;
			continue;
		}
		handle(d, sock, buf, (size_t)len, &src, &pi, 0);
	}
	/* RELEASE and DECLINE write records too, with no reply to hold */
	if (d->ls != NULL && leases_pending(d->ls) && !loop_timer_armed(d->commit))
		loop_timer_arm(d->commit, 0);
}

/* ---- setup -------------------------------------------------------------- */

static int
set_reserved(struct dhcpd *d, const struct site *site)
{
	struct in_addr *v;
	size_t n;
	int r;

	if (d->ls == NULL)
		return 0;
	r = dhcp_reply_reserved(site, &v, &n);
	if (r < 0)
		return r;
	r = leases_set_reserved(d->ls, v, n);
	free(v);
	return r;
}

static int
open_leases(struct dhcpd *d, const struct site *site)
{
	struct leases_load_report rep;
	struct in_addr none = { 0 };
	int r;

	if (site->dhcp.has_range) {
		d->range_start = site->dhcp.range_start;
		d->range_end = site->dhcp.range_end;
	}
	d->ls = leases_new(site->dhcp.has_range ? d->range_start : none,
		site->dhcp.has_range ? d->range_end : none);
	if (d->ls == NULL)
		return -errno;
	r = set_reserved(d, site);
	if (r < 0)
		return r;
	/* Two servers on one journal would hand out the same address twice
	 * and interleave records: the second one stops here. (UDP port 67
	 * itself is shared under SO_REUSEADDR, so the bind cannot tell.) */
	d->lockfd = open(site->server.state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->lockfd >= 0 && flock(d->lockfd, LOCK_EX | LOCK_NB) < 0) {
		r = -errno;
		log_errnum(r, "dhcp: %s is in use by another disklessd (stop it, or "
			      "give this one its own [server] state-dir)",
			site->server.state_dir);
		return r;
	}
	/* declines that ended while the daemon was down are dropped */
	leases_set_now(d->ls, wall_seconds());
	r = leases_open_journal(d->ls, site->server.state_dir, &rep);
	if (r < 0) {
		log_errnum(r, "dhcp: lease journal in %s (create the directory, "
			      "writable by root, or set [server] state-dir)",
			site->server.state_dir);
		return r;
	}
	log_info("dhcp: %zu lease(s) loaded from %s/%s, %zu declined address(es) "
		 "held back", rep.live, site->server.state_dir, LEASES_FILE,
		rep.declined);
	return 0;
}

static int
open_sockets(struct dhcpd *d, const struct dhcpd_opts *o)
{
	static const uint16_t roles[SOCK__COUNT] = { DHCP_SERVER_PORT,
		PXE_BOOT_SERVER_PORT };
	char a[INET_ADDRSTRLEN];
	int i, n = d->mode == SITE_MODE_PROXY ? 2 : 1;

	/* one port given: the DHCP socket alone, for tests */
	if (o->port != 0)
		n = 1;
	inet_ntop(AF_INET, &o->listen_addr, a, sizeof(a));
	for (i = 0; i < n; i++) {
		uint16_t port = o->port ? o->port : roles[i];

		d->role[i] = roles[i];
		d->port[i] = port;
		d->fd[i] = open_socket(o->listen_addr, port, d->ifname);
		if (d->fd[i] < 0) {
			log_errnum(d->fd[i], "dhcp: cannot listen on %s:%u%s%s (%s)", a,
				port, d->ifname[0] ? " on " : "", d->ifname,
				d->fd[i] == -EACCES ? "DHCP needs root to bind" :
				d->fd[i] == -EADDRINUSE ?
				"another DHCP server runs here; stop it, or "
				"use --tftp-only" :
				"check [server] interface");
			return d->fd[i];
		}
		log_info("dhcp: %s mode on %s:%u%s%s", site_mode_name(d->mode), a, port,
			d->ifname[0] ? " on " : "", d->ifname);
	}
	return 0;
}

/* Full mode: the packet sockets for unicast replies and the probe. Without
 * CAP_NET_RAW (a test run as a user) replies are broadcast and nothing is
 * probed, which every client copes with: a warning, not a failure. */
static void
open_link(struct dhcpd *d, const struct site *site)
{
	bool arp = site->dhcp.conflict_probe == SITE_PROBE_ARP && d->ls != NULL;

	d->link = dhcp_link_open(d->ifname, arp);
	if (d->link == NULL) {
		log_warn("dhcp: no packet socket: replies to clients without an "
			 "address are broadcast, and offers are not probed for "
			 "conflicts (run as root)");
		return;
	}
	if (arp) {
		d->probes = probe_set_new(DHCPD_PROBE_MAX);
		if (d->probes == NULL)
			log_warn("dhcp: conflict probe off");
	}
}

struct dhcpd *
dhcpd_new(const struct site *site, const struct dhcpd_opts *opts)
{
	struct dhcpd *d = calloc(1, sizeof(*d));
	int r, i;

	if (d == NULL) {
		log_warn("dhcp");
		return NULL;
	}
	for (i = 0; i < SOCK__COUNT; i++)
		d->fd[i] = -1;
	d->lockfd = -1;
	d->site = site;
	d->mode = site->server.mode;
	d->probe_mode = site->dhcp.conflict_probe;
	memcpy(d->ifname, site->server.interface, sizeof(d->ifname));
	d->ifname[sizeof(d->ifname) - 1] = '\0';
	dhcp_reply_cfg_from_site(&d->cfg, site);
	if (d->mode == SITE_MODE_FULL) {
		r = open_leases(d, site);
		if (r < 0)
			goto fail;
	}
	r = open_sockets(d, opts);
	if (r < 0)
		goto fail;
	if (d->mode == SITE_MODE_FULL)
		open_link(d, site);
	return d;
fail:
	dhcpd_free(d);
	errno = -r;
	return NULL;
}

int
dhcpd_start(struct dhcpd *d, struct loop *loop)
{
	int i;

	if (d->loop != NULL)
		return -EALREADY;
	d->loop = loop;
	d->commit = loop_timer_new(loop, on_commit, d);
	if (d->commit == NULL)
		return -errno;
	if (d->probes != NULL) {
		d->probe_timer = loop_timer_new(loop, on_probe_timer, d);
		if (d->probe_timer == NULL)
			return -errno;
		d->arp_io = loop_io_add(loop, dhcp_link_arp_fd(d->link), EPOLLIN,
			on_arp, d);
		if (d->arp_io == NULL)
			return -errno;
	}
	for (i = 0; i < SOCK__COUNT; i++) {
		if (d->fd[i] < 0)
			continue;
		d->io[i] = loop_io_add(loop, d->fd[i], EPOLLIN, on_readable, d);
		if (d->io[i] == NULL)
			return -errno;
	}
	return 0;
}

void
dhcpd_reload(struct dhcpd *d, const struct site *site)
{
	int r;

	if (site->server.mode != d->mode ||
		strcmp(site->server.interface, d->ifname) != 0)
		log_warnx("dhcp: mode or interface changed: restart disklessd to use "
			  "them (still serving %s mode)", site_mode_name(d->mode));
	if (d->ls != NULL && (site->dhcp.range_start.s_addr != d->range_start.s_addr ||
		site->dhcp.range_end.s_addr != d->range_end.s_addr))
		log_warnx("dhcp: range changed: restart disklessd to hand it out "
			  "(leases are kept in the journal)");
	if (site->dhcp.conflict_probe != d->probe_mode)
		log_warnx("dhcp: conflict-probe changed: restart disklessd to apply "
			  "it (the packet sockets are opened as root)");
	/* new hosts, addresses, options and images apply to the next request */
	r = set_reserved(d, site);
	if (r < 0)
		log_errnum(r, "dhcp: reserved addresses not updated");
	/* [boot]: the names point into the new site */
	dhcp_reply_cfg_from_site(&d->cfg, site);
	d->site = site;
}

void
dhcpd_get_stats(const struct dhcpd *d, struct dhcpd_stats *st)
{
	*st = d->st;
}

void
dhcpd_set_status(struct dhcpd *d, struct status *st)
{
	d->status = st;
}

/* Requests still waiting for a probe go unanswered: their clients
 * retransmit to whoever serves next. */
static void
drop_probes(struct dhcpd *d)
{
	struct in_addr a;
	void *p;

	if (d->probes == NULL)
		return;
	while ((p = probe_expired(d->probes, UINT64_MAX, &a)) != NULL)
		free(p);
	probe_set_free(d->probes);
	loop_io_free(d->arp_io);
	loop_timer_free(d->probe_timer);
}

void
dhcpd_free(struct dhcpd *d)
{
	int i;

	if (d == NULL)
		return;
	/* what was decided but not yet written goes to disk now; the held
	 * ACKs are sent: the leases they announce are durable */
	if (d->ls != NULL && leases_flush(d->ls) == 0)
		release_held(d);
	drop_probes(d);
	for (i = 0; i < SOCK__COUNT; i++) {
		loop_io_free(d->io[i]);
		if (d->fd[i] >= 0)
			close(d->fd[i]);
	}
	loop_timer_free(d->commit);
	dhcp_link_close(d->link);
	leases_free(d->ls);
	if (d->lockfd >= 0)
		close(d->lockfd);
	free(d->held);
	free(d);
}
