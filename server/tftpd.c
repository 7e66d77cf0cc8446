/*
 * tftpd.c: see tftpd.h. Requests arrive on the listening socket; each
 * accepted one becomes a struct xfer with its own socket, timer and a
 * reference to a shared open file (tftp-file.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "tftp-file.h"
#include "tftp-pkt.h"
#include "tftp-send.h"
#include "tftpd.h"

/* Internal caps, whatever the site allows: the sender's (tftp-send.h)
 * bound windows in blocks and bytes. Below them a window is sized to the
 * socket buffers (negotiate()): atftp's 8 x 65464 burst overflows a
 * default 208 KiB receive buffer and crawls at 1 MiB/s (perf-anchors §1d). */
#define WINDOW_CAP TFTP_SEND_WINDOW_MAX
#define WINDOW_BYTES_CAP TFTP_SEND_BYTES_MAX
/* What a block costs in a socket buffer beyond its data: the kernel
 * charges each datagram's truesize (sk_buff, shared info, headers; about
 * 0.9 KiB on x86-64 for a 1468-byte block), rounded up. */
#define BLOCK_OVERHEAD 1024u
#define RECV_BATCH 16
#define REQ_BUF 1024          /* RRQs longer than this are not ours to serve */
#define RTO_INIT_US 1000000u  /* RFC 6298 §2.1 */
#define RTO_MIN_US 10000u     /* no delayed ACKs in TFTP: a LAN answers in << 1 ms */
#define RTO_MAX_US 2000000u    /* a LAN client slower than this is paused, not far */
#define MAX_RETRIES 16        /* consecutive timeouts (about 20 s) before giving up */
#define RATE_SLOTS 1024
#define LOG_EVERY_US 10000000u

enum xfer_state {
	XFER_OACK, /* OACK sent, waiting for ACK 0 */
	XFER_DATA,
};

struct xfer {
	struct tftpd *srv;
	struct xfer *prev, *next;
	int fd;
	struct loop_io *io;
	struct loop_timer *timer;
	struct tftp_src src; /* the file, its mode, blocks and read state */
	struct sockaddr_in peer;
	char name[TFTP_NAME_MAX + 1];
	enum xfer_state state;
	struct tftp_params p;
	uint64_t acked;   /* highest block acknowledged */
	uint64_t sent;    /* highest block sent */
	uint64_t t_start;
	/* RFC 6298 retransmission timer; Karn: no sample from resent blocks. */
	uint64_t rtt_block, rtt_t0;
	uint64_t t_goback; /* last window restarted on a short ACK */
	uint32_t srtt, rttvar, rto;
	unsigned retries;
	unsigned long retransmits;
	bool final_ack_lost;
	struct status_ref st; /* its line in `diskless status` */
	uint64_t st_next;     /* when progress is next worth recording */
};

struct rate_slot {
	in_addr_t addr;
	uint64_t last;   /* microseconds */
	uint64_t tokens; /* in millionths of a request */
};

struct log_limit {
	uint64_t last;
	unsigned long suppressed;
};

struct listener {
	int fd;
	struct loop_io *io;
};

struct tftpd {
	struct loop *loop;
	struct listener lis[SITE_TFTP_LISTEN_MAX];
	unsigned n_lis;
	int lfd; /* the listener whose requests are being handled */
	uint32_t rcvbuf; /* a new socket's receive buffer: the client's, likely */
	struct tftp_files *files;
	char *root;
	struct site_tftp lim;
	struct xfer *head;
	unsigned n_xfers;
	struct tftpd_stats stats;
	struct rate_slot rate[RATE_SLOTS];
	struct log_limit log_full, log_rate;
	struct tftp_sender *snd;
	struct status *status;
};

static void xfer_end(struct xfer *x, const char *why);

/* Ends a transfer on our side's failure, telling the client why. */
static void send_error_fd(int fd, uint16_t code, const char *msg);
static void
xfer_fail(struct xfer *x, int err)
{
	send_error_fd(x->fd, TFTP_EUNDEF, "server read error");
	xfer_end(x, strerror(-err));
}

/* ---- small helpers ------------------------------------------------------- */

static const char *
peer_str(const struct sockaddr_in *sin, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];

	if (inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	if (snprintf(buf, len, "%s:%u", a, ntohs(sin->sin_port)) >= (int)len)
		buf[len - 1] = '\0';
	return buf;
}

/* Replaces bytes that would break a log line (names are client data). */
static void
safe_name(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len && in[i] != '\0'; i++)
		out[i] = ((unsigned char)in[i] < 0x20 || in[i] == 0x7f) ? '?' : in[i];
	out[i] = '\0';
}

/* True when this event should be logged; counts it otherwise. */
static bool
log_allowed(struct log_limit *ll, uint64_t now, unsigned long *suppressed)
{
	if (ll->last != 0 && now - ll->last < LOG_EVERY_US) {
		ll->suppressed++;
		return false;
	}
	*suppressed = ll->suppressed;
	ll->suppressed = 0;
	ll->last = now;
	return true;
}

/* ---- per-client request rate (token bucket) ------------------------------ */

static bool
rate_ok(struct tftpd *srv, in_addr_t addr, uint64_t now)
{
	uint64_t rate = srv->lim.client_rate, burst, add;
	struct rate_slot *s, *oldest = NULL;
	size_t i, h;

	if (rate == 0)
		return true;
	/* pxelinux probes a dozen config names in a burst: allow two
	 * seconds' worth at once. */
	burst = 2 * rate * 1000000u;
	h = (ntohl(addr) * 2654435761u) % RATE_SLOTS;
	for (i = 0; i < 8; i++) {
		s = &srv->rate[(h + i) % RATE_SLOTS];
		if (s->addr == addr && s->last != 0)
			break;
		if (oldest == NULL || s->last < oldest->last)
			oldest = s;
		s = NULL;
	}
	if (s == NULL) {
		s = oldest;
		s->addr = addr;
		s->last = now;
		s->tokens = burst;
	}
	add = (now - s->last) * rate;
	s->tokens = s->tokens + add > burst ? burst : s->tokens + add;
	s->last = now;
	if (s->tokens < 1000000u)
		return false;
	s->tokens -= 1000000u;
	return true;
}

/* ---- sending ------------------------------------------------------------- */

static void
send_error_fd(int fd, uint16_t code, const char *msg)
{
	uint8_t buf[TFTP_HDR_LEN + TFTP_ERRMSG_MAX + 1];
	ssize_t n = tftp_error_build(code, msg, buf, sizeof(buf));

	if (n > 0)
		(void)send(fd, buf, (size_t)n, MSG_DONTWAIT);
}

/* From the listening socket, with the source address the client used. */
static void
send_error_listen(struct tftpd *srv, const struct sockaddr_in *peer,
	const struct in_addr *local, uint16_t code, const char *msg)
{
	uint8_t buf[TFTP_HDR_LEN + TFTP_ERRMSG_MAX + 1];
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cm;
	struct iovec iov;
	struct msghdr mh = { 0 };
	struct in_pktinfo *pi;
	struct cmsghdr *c;
	ssize_t n = tftp_error_build(code, msg, buf, sizeof(buf));

	if (n < 0)
		return;
	iov.iov_base = buf;
	iov.iov_len = (size_t)n;
	mh.msg_name = (void *)(uintptr_t)peer;
	mh.msg_namelen = sizeof(*peer);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (local->s_addr != INADDR_ANY) {
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof(cm.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(*pi));
		pi = (struct in_pktinfo *)(void *)CMSG_DATA(c);
		pi->ipi_spec_dst = *local;
	}
	(void)sendmsg(srv->lfd, &mh, MSG_DONTWAIT);
}

/* Bytes the client has acknowledged (netascii: file bytes encoded). */
static uint64_t
acked_bytes(const struct xfer *x)
{
	if (x->src.mode != TFTP_MODE_OCTET)
		return x->src.na_off;
	return x->acked == x->src.nblocks ? x->src.file->size : x->acked * x->p.blksize;
}

static uint32_t
rto_of(const struct xfer *x)
{
	uint64_t r;

	uint64_t cap = RTO_MAX_US;

	/* RFC 2349 timeout: the client waits that long before it resends,
	 * so we never wait longer; below it the measured RTT decides. curl
	 * asks for 6 s: honoured as the interval, one lost packet in a boot
	 * storm would cost 6 s. Resending early is harmless here, since
	 * duplicate ACKs never trigger anything (RFC 1350 clients re-ACK a
	 * duplicate block and that ACK is ignored). */
	if (x->p.timeout != 0 && x->p.timeout * 1000000ull < cap)
		cap = x->p.timeout * 1000000ull;
	if (x->srtt == 0)
		r = RTO_INIT_US;
	else
		r = (uint64_t)x->srtt + 4 * (uint64_t)x->rttvar;
	if (r < RTO_MIN_US)
		r = RTO_MIN_US;
	return r > cap ? (uint32_t)cap : (uint32_t)r;
}

/* RFC 6298 §2.2-2.3 with integer microseconds. */
static void
rtt_sample(struct xfer *x, uint64_t now)
{
	uint64_t r = now - x->rtt_t0;
	uint32_t rtt = r > RTO_MAX_US ? RTO_MAX_US : (uint32_t)r;

	if (rtt == 0)
		rtt = 1;
	if (x->srtt == 0) {
		x->srtt = rtt;
		x->rttvar = rtt / 2;
	} else {
		uint32_t d = x->srtt > rtt ? x->srtt - rtt : rtt - x->srtt;

		x->rttvar = (3 * x->rttvar + d) / 4;
		x->srtt = (7 * x->srtt + rtt) / 8;
	}
	x->rtt_block = 0;
	x->rto = rto_of(x);
}

/*
 * Sends what the window allows past x->sent (RFC 7440 §4: up to windowsize
 * blocks beyond the last acknowledged one). Never resends: that is the
 * timer's job alone. Returns 0 or -errno.
 */
static int
send_new(struct xfer *x)
{
	uint64_t last = x->acked + x->p.windowsize;
	int r;

	if (x->src.mode == TFTP_MODE_NETASCII) {
		if (x->sent > x->acked || (x->acked > 0 && x->src.na_last))
			return 0;
		r = tftp_netascii_next(x->srv->snd, &x->src);
		if (r < 0)
			return r;
		last = x->acked + 1;
	} else if (last > x->src.nblocks) {
		last = x->src.nblocks;
	}
	if (last <= x->sent)
		return 0;
	r = tftp_send_blocks(x->srv->snd, &x->src, x->fd, x->sent + 1, last);
	if (r < 0)
		return r;
	if (r > 0 && x->rtt_block == 0) {
		x->rtt_block = x->sent + (uint64_t)r;
		x->rtt_t0 = loop_now(x->srv->loop);
	}
	/* Blocks the kernel did not take count as lost: the timer resends. */
	x->sent = last;
	return 0;
}

static int
send_oack(struct xfer *x)
{
	uint8_t buf[128];
	ssize_t n = tftp_oack_build(&x->p, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	/* As in tftp_send_blocks: a refused send is a lost packet. */
	if (send(x->fd, buf, (size_t)n, MSG_DONTWAIT) < 0 &&
		(errno == EBADF || errno == EINVAL || errno == ENOTSOCK))
		return -errno;
	return 0;
}

/* ---- timer --------------------------------------------------------------- */

/* Lock-step and everything but the last block acknowledged. */
static bool
last_block_only_unacked(const struct xfer *x)
{
	return x->state == XFER_DATA && x->src.mode == TFTP_MODE_OCTET &&
		x->sent == x->src.nblocks && x->acked + 1 == x->src.nblocks;
}

static void
on_timeout(struct loop_timer *t, void *arg)
{
	struct xfer *x = arg;
	uint64_t last;
	int r;

	if (++x->retries > MAX_RETRIES) {
		/* Lock-step and all but the last block acknowledged: the
		 * client most likely has the file and lost or never sent
		 * the final ACK (RFC 1350 §6 leaves that to a dally). */
		if (last_block_only_unacked(x)) {
			x->final_ack_lost = true;
			xfer_end(x, NULL);
			return;
		}
		if (x->state == XFER_OACK)
			xfer_end(x, "no answer to the OACK (client gone, or it "
				    "does not understand options)");
		else
			xfer_end(x, "client stopped answering");
		return;
	}
	/* Karn: no RTT sample from anything sent again. */
	x->rtt_block = 0;
	x->retransmits++;
	x->srv->stats.retransmits++;
	if (x->state == XFER_OACK) {
		r = send_oack(x);
	} else {
		last = x->sent;
		if (x->src.mode == TFTP_MODE_OCTET && last > x->acked + x->p.windowsize)
			last = x->acked + x->p.windowsize;
		r = last > x->acked ? tftp_send_blocks(x->srv->snd, &x->src, x->fd,
					      x->acked + 1, last)
				    : 0;
	}
	if (r < 0) {
		xfer_fail(x, r);
		return;
	}
	/* Exponential backoff (RFC 6298 §5.5), kept until a clean sample,
	 * never past the client's own timeout. */
	x->rto = x->rto >= RTO_MAX_US / 2 ? RTO_MAX_US : x->rto * 2;
	if (x->p.timeout != 0 && x->rto > x->p.timeout * 1000000u)
		x->rto = x->p.timeout * 1000000u;
	log_debug("tftp: block %llu: no ACK, resent (try %u, next wait %u ms)",
		(unsigned long long)(x->acked + 1), x->retries, x->rto / 1000);
	loop_timer_arm(t, x->rto);
}

/* ---- receiving ----------------------------------------------------------- */

/*
 * RFC 7440 §4: a receiver that misses a block acknowledges the last one it
 * got in order, and the sender starts the next window after it. A client
 * that (against the RFC) acknowledges every block looks the same, so this
 * happens at most once per round trip: a window is resent at most once per
 * RTT, never once per ACK (the EDK2 "TFTP storm" came from the latter).
 */
static void
go_back(struct xfer *x, uint64_t b, uint64_t now)
{
	uint64_t last = b + x->p.windowsize;

	if (x->t_goback != 0 && now - x->t_goback < (x->srtt ? x->srtt : RTO_MIN_US))
		return;
	x->t_goback = now;
	if (last > x->sent)
		last = x->sent;
	x->retransmits += last - b;
	x->srv->stats.retransmits += last - b;
	x->sent = b;
	x->rtt_block = 0; /* Karn: nothing resent is timed */
}

static void
on_ack(struct xfer *x, uint16_t block)
{
	uint64_t now = loop_now(x->srv->loop), b;
	int r;

	if (x->state == XFER_OACK) {
		/* RFC 2347 §2: the client acknowledges the OACK with ACK 0. */
		if (block != 0)
			return;
		x->state = XFER_DATA;
		x->rtt_t0 = x->retries == 0 ? x->t_start : 0;
		if (x->rtt_t0 != 0)
			rtt_sample(x, now);
	} else {
		/* Map the 16-bit number onto the blocks in flight. */
		uint16_t d = (uint16_t)(block - (uint16_t)x->acked);

		if (d == 0 || d > x->sent - x->acked)
			return; /* duplicate or stray: never a resend trigger */
		b = x->acked + d;
		x->acked = b;
		if (now >= x->st_next) { /* a clock compare per ACK, no syscall */
			status_tftp_progress(x->srv->status, x->st, acked_bytes(x), now);
			x->st_next = now + STATUS_PROGRESS_US;
		}
		if (x->rtt_block != 0 && b >= x->rtt_block)
			rtt_sample(x, now);
		if (b < x->sent)
			go_back(x, b, now);
		if ((x->src.mode == TFTP_MODE_OCTET && b == x->src.nblocks) ||
			(x->src.mode == TFTP_MODE_NETASCII && x->src.na_last && b == x->sent)) {
			xfer_end(x, NULL);
			return;
		}
	}
	x->retries = 0;
	r = send_new(x);
	if (r < 0) {
		xfer_fail(x, r);
		return;
	}
	loop_timer_arm(x->timer, x->rto);
}

/* A block queued in the ring failed: as tftp_send_blocks() judges it. */
static void
on_xfer_sent(struct loop_io *io, int err, void *arg)
{
	(void)io;
	if (tftp_send_error_fatal(-err))
		xfer_fail(arg, err);
}

static void
on_xfer_datagram(struct loop_io *io, const uint8_t *buf, ssize_t n, void *arg)
{
	struct xfer *x = arg;
	struct tftp_reply rep;
	char why[TFTP_ERRMSG_MAX + 64];

	(void)io;
	if (n < 0) {
		/* ECONNREFUSED: ICMP port unreachable, the client closed its
		 * socket. After the last block that is a client which has the
		 * file and whose final ACK was lost; before it, one that gave
		 * up. Either way nobody is left to retransmit to. */
		if (n != -ECONNREFUSED)
			return;
		if (last_block_only_unacked(x)) {
			x->final_ack_lost = true;
			xfer_end(x, NULL);
		} else {
			xfer_end(x, "the client closed its port (ICMP port unreachable)");
		}
		return;
	}
	if (tftp_reply_parse(buf, (size_t)n, &rep) < 0)
		return;
	if (rep.opcode == TFTP_ERROR) {
		if (x->state == XFER_OACK && (x->p.oack & TFTP_OPT_TSIZE))
			snprintf(why, sizeof(why), "client ended after the OACK "
						   "(size query?): error %u '%s'",
				rep.code, rep.msg);
		else
			snprintf(why, sizeof(why), "client sent error %u '%s'", rep.code,
				rep.msg);
		xfer_end(x, why);
		return;
	}
	on_ack(x, rep.block);
}

/* ---- transfer lifetime --------------------------------------------------- */

static void
xfer_end(struct xfer *x, const char *why)
{
	struct tftpd *srv = x->srv;
	char peer[32], name[TFTP_NAME_MAX + 1];
	uint64_t us = loop_clock() - x->t_start;
	uint64_t bytes;

	bytes = acked_bytes(x);
	peer_str(&x->peer, peer, sizeof(peer));
	safe_name(x->name, name, sizeof(name));
	if (why == NULL) {
		srv->stats.done++;
		srv->stats.bytes += bytes;
		if (x->final_ack_lost)
			bytes = x->src.file->size;
		log_info("tftp: %s '%s': sent %llu bytes in %llu.%03llu s "
			 "(blksize %u, windowsize %u, %lu retransmits%s)",
			peer, name, (unsigned long long)bytes,
			(unsigned long long)(us / 1000000),
			(unsigned long long)(us / 1000 % 1000), x->p.blksize,
			x->p.windowsize, x->retransmits,
			x->final_ack_lost ? ", no ACK for the last block" : "");
	} else {
		srv->stats.failed++;
		log_info("tftp: %s '%s': failed after %llu bytes in %llu.%03llu s: %s "
			 "(blksize %u, windowsize %u, %lu retransmits)",
			peer, name, (unsigned long long)bytes,
			(unsigned long long)(us / 1000000),
			(unsigned long long)(us / 1000 % 1000), why, x->p.blksize,
			x->p.windowsize, x->retransmits);
	}
	status_tftp_end(srv->status, x->st, bytes, why, loop_now(srv->loop));
	if (x->prev != NULL)
		x->prev->next = x->next;
	else
		srv->head = x->next;
	if (x->next != NULL)
		x->next->prev = x->prev;
	srv->n_xfers--;
	loop_timer_free(x->timer);
	loop_io_free(x->io);
	if (x->fd >= 0)
		close(x->fd);
	tftp_files_put(srv->files, x->src.file);
	tftp_src_release(&x->src);
	free(x);
}

/* A connected socket from the address the client wrote to. */
static int
xfer_socket(const struct sockaddr_in *peer, struct in_addr local, uint32_t *mtu)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = local };
	socklen_t sl = sizeof(int);
	int fd, v = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
		connect(fd, (const struct sockaddr *)peer, sizeof(*peer)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	/* RFC 2348 blocks must fit the path: IP_MTU of the connected route. */
	*mtu = getsockopt(fd, IPPROTO_IP, IP_MTU, &v, &sl) == 0 && v > 0 ? (uint32_t)v
		: 1500;
	return fd;
}

/*
 * Asks for a send buffer of bytes and returns what the kernel granted (it
 * doubles the request for its own overhead, and caps it at twice
 * net.core.wmem_max: SO_SNDBUFFORCE, which ignores the cap, needs
 * CAP_NET_ADMIN, long dropped by now). 0: unknown.
 */
static uint32_t
size_sndbuf(int fd, uint32_t bytes)
{
	int v = (int)bytes;
	socklen_t sl = sizeof(v);

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &sl) < 0 || v <= 0)
		return 0;
	return (uint32_t)v;
}

/*
 * RFC 7440 negotiation with the window sized to the socket buffers: a
 * window goes out in one burst, so it must fit our send buffer (raised
 * here, then read back) and the client's receive buffer, which we cannot
 * see: a new socket's default here is the best guess for a Linux client
 * (firmware keeps its own, usually larger, rings).
 */
static void
negotiate(struct xfer *x, const struct tftp_req *req, struct tftp_limits *lim)
{
	uint32_t need, got;

	lim->block_overhead = BLOCK_OVERHEAD;
	lim->max_window_bytes = x->srv->rcvbuf < WINDOW_BYTES_CAP ? x->srv->rcvbuf
								 : WINDOW_BYTES_CAP;
	tftp_negotiate(req, x->src.file->size, lim, &x->p);
	if (x->p.windowsize <= 1)
		return;
	need = x->p.windowsize * (x->p.blksize + BLOCK_OVERHEAD);
	got = size_sndbuf(x->fd, need);
	if (got == 0 || got >= need)
		return;
	lim->max_window_bytes = got;
	tftp_negotiate(req, x->src.file->size, lim, &x->p);
}

static struct xfer *
find_xfer(struct tftpd *srv, const struct sockaddr_in *peer)
{
	struct xfer *x;

	for (x = srv->head; x != NULL; x = x->next)
		if (x->peer.sin_addr.s_addr == peer->sin_addr.s_addr &&
			x->peer.sin_port == peer->sin_port)
			return x;
	return NULL;
}

/* Maps an open failure to a TFTP error and a log reason. */
static uint16_t
open_error(int r, const char **why)
{
	switch (r) {
	case -ENOENT:
	case -ENOTDIR:
		*why = "no such file";
		return TFTP_ENOTFOUND;
	case -EXDEV:
		*why = "the name leads out of the TFTP root";
		return TFTP_EACCESS;
	case -ELOOP:
		*why = "too many symlinks";
		return TFTP_EACCESS;
	case -EISDIR:
		*why = "a directory";
		return TFTP_EACCESS;
	case -EPERM:
		*why = "not a regular file";
		return TFTP_EACCESS;
	case -EACCES:
		*why = "permission denied (make it readable by the server's user)";
		return TFTP_EACCESS;
	case -ENAMETOOLONG:
		*why = "file name too long";
		return TFTP_EACCESS;
	default:
		*why = strerror(-r);
		return TFTP_EUNDEF;
	}
}

static void
refuse(struct tftpd *srv, const struct sockaddr_in *peer, const struct in_addr *local,
	const char *name, uint16_t code, const char *why, const char *tell)
{
	char p[32], n[TFTP_NAME_MAX + 1];

	srv->stats.refused++;
	safe_name(name, n, sizeof(n));
	log_info("tftp: %s '%s': refused: %s", peer_str(peer, p, sizeof(p)), n, why);
	status_tftp_refused(srv->status, peer->sin_addr, name, why, loop_now(srv->loop));
	send_error_listen(srv, peer, local, code, tell ? tell : why);
}

static void
start_xfer(struct tftpd *srv, const struct tftp_req *req, const struct sockaddr_in *peer,
	struct in_addr local)
{
	char rel[TFTP_NAME_MAX + 1];
	struct tftp_limits lim;
	struct tftp_file *file = NULL;
	struct xfer *x = NULL;
	const char *why;
	uint32_t mtu = 0;
	uint16_t code;
	int fd = -1, r;

	r = tftp_path_clean(req->name, srv->root, rel, sizeof(rel), &why);
	if (r < 0) {
		refuse(srv, peer, &local, req->name, TFTP_EACCESS, why, NULL);
		return;
	}
	r = tftp_files_open(srv->files, rel, &file);
	if (r < 0) {
		code = open_error(r, &why);
		refuse(srv, peer, &local, req->name, code, why,
			code == TFTP_ENOTFOUND ? "file not found" : "access denied");
		return;
	}
	fd = xfer_socket(peer, local, &mtu);
	if (fd < 0) {
		refuse(srv, peer, &local, req->name, TFTP_EUNDEF, strerror(-fd),
			"server error");
		goto err;
	}
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		goto nomem;
	x->srv = srv;
	x->fd = fd;
	x->src.file = file; /* for negotiate(); tftp_src_init() below */
	x->peer = *peer;
	x->t_start = loop_now(srv->loop);
	memcpy(x->name, req->name, sizeof(x->name));
	lim.max_blksize = srv->lim.max_blksize;
	if (mtu > 32 && mtu - 32 < lim.max_blksize)
		lim.max_blksize = mtu - 32; /* IPv4 20 + UDP 8 + TFTP 4 */
	lim.max_windowsize = srv->lim.max_windowsize < WINDOW_CAP ?
		srv->lim.max_windowsize : WINDOW_CAP;
	lim.default_blksize = srv->lim.default_blksize;
	lim.default_windowsize = srv->lim.default_windowsize;
	negotiate(x, req, &lim);
	if (tftp_src_init(&x->src, file, req->mode, x->p.blksize) < 0)
		goto nomem;
	x->timer = loop_timer_new(srv->loop, on_timeout, x);
	x->io = loop_recv_add(srv->loop, fd, on_xfer_datagram, x);
	if (x->timer == NULL || x->io == NULL)
		goto nomem;
	x->src.io = x->io;
	x->src.sent = on_xfer_sent;
	x->next = srv->head;
	if (srv->head != NULL)
		srv->head->prev = x;
	srv->head = x;
	srv->n_xfers++;
	x->st = status_tftp_start(srv->status, peer->sin_addr, rel, file->size, x->t_start);
	x->st_next = x->t_start + STATUS_PROGRESS_US;
	x->rto = rto_of(x);
	/* RFC 2347 §2: no accepted option, no OACK: DATA 1 is the answer. */
	if (x->p.oack != 0) {
		x->state = XFER_OACK;
		r = send_oack(x);
	} else {
		x->state = XFER_DATA;
		r = send_new(x);
	}
	if (r < 0) {
		xfer_fail(x, r);
		return;
	}
	loop_timer_arm(x->timer, x->rto);
	return;
nomem:
	refuse(srv, peer, &local, req->name, TFTP_EUNDEF, "out of memory", "server busy");
err:
	if (x != NULL) {
		loop_timer_free(x->timer);
		loop_io_free(x->io);
		tftp_src_release(&x->src);
		free(x);
	}
	if (fd >= 0)
		close(fd);
	tftp_files_put(srv->files, file);
}

static void
on_request(struct tftpd *srv, const uint8_t *buf, size_t len,
	const struct sockaddr_in *peer, struct in_addr local)
{
	uint64_t now = loop_now(srv->loop);
	struct tftp_req req;
	unsigned long supp;
	const char *why;
	char p[32];
	int r;

	if (peer->sin_port == 0)
		return;
	if (!rate_ok(srv, peer->sin_addr.s_addr, now)) {
		srv->stats.dropped++;
		if (log_allowed(&srv->log_rate, now, &supp))
			log_warnx("tftp: %s: request dropped: more than %u new requests "
				  "a second from this client (raise [tftp] client-rate); "
				  "%lu more dropped since the last such line",
				peer_str(peer, p, sizeof(p)), srv->lim.client_rate, supp);
		return;
	}
	r = tftp_req_parse(buf, len, &req, &why);
	if (r == -EOPNOTSUPP) {
		/* DATA, ACK or ERROR on the server port: never answer, or two
		 * servers (or a spoofer) could keep each other busy. */
		log_debug("tftp: %s: %s, ignored", peer_str(peer, p, sizeof(p)), why);
		return;
	}
	if (r < 0) {
		refuse(srv, peer, &local, r == -ENAMETOOLONG ? "(long name)" : "(?)",
			TFTP_EUNDEF, why, NULL);
		return;
	}
	if (req.opcode == TFTP_WRQ) {
		refuse(srv, peer, &local, req.name, TFTP_EACCESS,
			"write request (this server is read-only)", "read-only server");
		return;
	}
	if (find_xfer(srv, peer) != NULL)
		return; /* the client resent its RRQ: our timer answers it */
	if (srv->n_xfers >= srv->lim.max_transfers) {
		/* Dropped, not refused: the client retries and gets in once a
		 * slot is free, where an ERROR would end its boot. */
		srv->stats.dropped++;
		if (log_allowed(&srv->log_full, now, &supp))
			log_warnx("tftp: %s: request dropped: %u transfers running "
				  "(raise [tftp] max-transfers); %lu more dropped since "
				  "the last such line",
				peer_str(peer, p, sizeof(p)), srv->n_xfers, supp);
		return;
	}
	start_xfer(srv, &req, peer, local);
}

static void
on_listen_readable(struct loop_io *io, int fd, uint32_t events, void *arg)
{
	struct tftpd *srv = arg;
	static uint8_t bufs[RECV_BATCH][REQ_BUF];
	static struct sockaddr_in peers[RECV_BATCH];
	static union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cms[RECV_BATCH];
	struct mmsghdr mm[RECV_BATCH];
	struct iovec iov[RECV_BATCH];
	int i, n;

	(void)io;
	(void)events;
	srv->lfd = fd; /* refusals answer from the socket the request came to */
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < RECV_BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		mm[i].msg_hdr.msg_name = &peers[i];
		mm[i].msg_hdr.msg_namelen = sizeof(peers[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_control = cms[i].buf;
		mm[i].msg_hdr.msg_controllen = sizeof(cms[i].buf);
	}
	n = recvmmsg(fd, mm, RECV_BATCH, MSG_DONTWAIT, NULL);
	for (i = 0; i < n; i++) {
		struct in_addr local = { INADDR_ANY };
		struct cmsghdr *c;

		if (mm[i].msg_hdr.msg_flags & MSG_TRUNC)
			continue; /* longer than any request we would serve */
		if (mm[i].msg_hdr.msg_namelen < sizeof(struct sockaddr_in) ||
			peers[i].sin_family != AF_INET)
			continue;
		for (c = CMSG_FIRSTHDR(&mm[i].msg_hdr); c != NULL;
			c = CMSG_NXTHDR(&mm[i].msg_hdr, c)) {
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;

				/* ipi_spec_dst, not ipi_addr: for a broadcast
				 * RRQ it is the interface's own address. */
				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				local = pi.ipi_spec_dst;
			}
		}
		on_request(srv, bufs[i], mm[i].msg_len, &peers[i], local);
	}
}

/* ---- setup --------------------------------------------------------------- */

int
tftpd_listen(struct in_addr addr, uint16_t port, const char *ifname)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr = addr,
	};
	int fd, on = 1, rcv = 1 << 20, r;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A boot storm sends hundreds of RRQs at once. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) < 0)
		goto err;
	if (ifname != NULL && ifname[0] != '\0' &&
		setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
			(socklen_t)strlen(ifname)) < 0)
		goto err;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		goto err;
	return fd;
err:
	r = -errno;
	close(fd);
	return r;
}

static void
copy_limits(struct tftpd *srv, const struct site_tftp *lim)
{
	srv->lim = *lim;
	if (srv->lim.max_transfers == 0)
		srv->lim.max_transfers = 1;
	if (srv->lim.max_blksize < TFTP_BLKSIZE_DEFAULT)
		srv->lim.max_blksize = TFTP_BLKSIZE_DEFAULT;
	if (srv->lim.max_windowsize == 0)
		srv->lim.max_windowsize = 1;
}

/* A new UDP socket's receive buffer (net.core.rmem_default), or 0. */
static uint32_t
default_rcvbuf(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), v = 0;
	socklen_t sl = sizeof(v);

	if (fd < 0)
		return 0;
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &sl) < 0 || v < 0)
		v = 0;
	close(fd);
	return (uint32_t)v;
}

int
tftpd_add_listener(struct tftpd *srv, int fd)
{
	struct listener *l = &srv->lis[srv->n_lis];

	if (srv->n_lis == SITE_TFTP_LISTEN_MAX)
		return -ENOSPC;
	l->io = loop_io_add(srv->loop, fd, EPOLLIN, on_listen_readable, srv);
	if (l->io == NULL)
		return -errno;
	l->fd = fd;
	srv->n_lis++;
	return 0;
}

struct tftpd *
tftpd_new(struct loop *loop, int listen_fd, int dirfd, const char *root,
	const struct site_tftp *limits)
{
	struct tftpd *srv = calloc(1, sizeof(*srv));
	char *copy;

	if (srv == NULL)
		return NULL;
	srv->loop = loop;
	srv->lfd = -1;
	srv->rcvbuf = default_rcvbuf();
	copy_limits(srv, limits);
	srv->root = strdup(root);
	/* POSIX basename() may write to its argument */
	copy = strdup(root);
	srv->files = copy != NULL ? tftp_files_new(dirfd, basename(copy)) : NULL;
	free(copy);
	srv->snd = tftp_sender_new();
	if (srv->root == NULL || srv->files == NULL || srv->snd == NULL)
		goto err;
	if (tftpd_add_listener(srv, listen_fd) < 0)
		goto err;
	return srv;
err:
	tftpd_free(srv);
	errno = ENOMEM;
	return NULL;
}

void
tftpd_set_limits(struct tftpd *srv, const struct site_tftp *limits)
{
	copy_limits(srv, limits);
}

void
tftpd_free(struct tftpd *srv)
{
	if (srv == NULL)
		return;
	/* Each client is told: a boot loader whose transfer just stopped
	 * answering waits out its own timer before it tries again or falls
	 * back (GRUB 38 s, iPXE 17 s, seen restarting disklessd under a PXE
	 * boot: tests/vm/t-pxe-full.sh); an ERROR ends that at once. */
	while (srv->head != NULL) {
		send_error_fd(srv->head->fd, TFTP_EUNDEF, "server shutting down");
		xfer_end(srv->head, "server shutting down");
	}
	for (unsigned i = 0; i < srv->n_lis; i++) {
		loop_io_free(srv->lis[i].io);
		close(srv->lis[i].fd);
	}
	tftp_files_free(srv->files);
	tftp_sender_free(srv->snd);
	free(srv->root);
	free(srv);
}

unsigned
tftpd_active(const struct tftpd *srv)
{
	return srv->n_xfers;
}

void
tftpd_get_stats(const struct tftpd *srv, struct tftpd_stats *out)
{
	*out = srv->stats;
}

void
tftpd_set_status(struct tftpd *srv, struct status *st)
{
	srv->status = st;
}
