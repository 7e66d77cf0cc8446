/*
 * test-loop.c: the receivers and queued sends of disklessd's event loop
 * (server/loop.c), on loopback UDP sockets, once with the loop in io_uring
 * and once on epoll alone (DISKLESSD_IO_URING=0): datagrams of every
 * length up to and past LOOP_RECV_MAX, a burst larger than the ring's
 * provided buffers, an ICMP port unreachable, a receiver freed from its
 * own callback (its port free again at once), sends queued until the next
 * wait or a flush, a send that fails, one flushed by loop_io_free, and
 * waits batched while many receivers are busy, and only then.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "loop.h"
#include "tap.h"

#define BURST 600 /* more than the ring's 256 provided buffers */

struct rx {
	struct loop *loop;
	int count, want;
	ssize_t lens[BURST];
	int in_order;
	int free_self; /* loop_io_free + close from the first callback */
	int fd;
	int sent_err;
};

static void
on_dgram(struct loop_io *io, const uint8_t *buf, ssize_t n, void *arg)
{
	struct rx *r = arg;

	if (r->count < BURST)
		r->lens[r->count] = n;
	/* burst datagrams carry their index in the first 2 bytes */
	if (n >= 2 && (buf[0] << 8 | buf[1]) != (r->count & 0xffff))
		r->in_order = 0;
	r->count++;
	if (r->free_self) {
		loop_io_free(io);
		close(r->fd);
		r->free_self = 0;
	}
	if (r->count >= r->want)
		loop_exit(r->loop, 0);
}

static void
on_sent(struct loop_io *io, int err, void *arg)
{
	struct rx *r = arg;

	(void)io;
	r->sent_err = err;
	loop_exit(r->loop, 0);
}

static void
on_deadline(struct loop_timer *t, void *arg)
{
	(void)t;
	loop_exit(arg, -ETIMEDOUT);
}

/* Runs the loop until a callback ends it, or 3 s. */
static int
run(struct loop *loop)
{
	struct loop_timer *t = loop_timer_new(loop, on_deadline, loop);
	int r;

	loop_timer_arm(t, 3000000);
	r = loop_run(loop);
	loop_timer_free(t);
	return r;
}

/* A socket bound to 127.0.0.1 (port 0: any), and its address. */
static int
udp_bound(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int big = 4 << 20, fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)a, sizeof(*a)) < 0 ||
		getsockname(fd, (struct sockaddr *)a, &len) < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	return fd;
}

static int
udp_to(const struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || connect(fd, (const struct sockaddr *)a, sizeof(*a)) < 0)
		return -1;
	return fd;
}

static void
lengths(const char *be)
{
	static const size_t lens[] = { 0, 1, 4, 516, LOOP_RECV_MAX, LOOP_RECV_MAX + 1, 9000 };
	static uint8_t big[9000];
	struct loop *loop = loop_new();
	struct sockaddr_in a;
	struct rx r = { .loop = loop, .want = 7, .in_order = 1 };
	struct loop_io *io;
	int rx = udp_bound(&a), tx = udp_to(&a), bad = 0;
	size_t i;

	io = loop_recv_add(loop, rx, on_dgram, &r);
	tap_ok(io != NULL, "%s: a receiver on a UDP socket", be);
	for (i = 0; i < 7; i++)
		(void)send(tx, big, lens[i], 0);
	tap_is_int(run(loop), 0, "%s: 7 datagrams of 0..9000 bytes arrive", be);
	for (i = 0; i < 7; i++) {
		size_t want = lens[i] > LOOP_RECV_MAX ? LOOP_RECV_MAX : lens[i];

		if (r.lens[i] != (ssize_t)want)
			bad++;
	}
	tap_is_int(bad, 0, "%s: each whole, or cut at LOOP_RECV_MAX (%d)", be, LOOP_RECV_MAX);
	loop_io_free(io);
	close(rx);
	close(tx);
	loop_free(loop);
}

static void
burst(const char *be)
{
	struct loop *loop = loop_new();
	struct sockaddr_in a;
	struct rx r = { .loop = loop, .want = BURST, .in_order = 1 };
	struct loop_io *io;
	int rx = udp_bound(&a), tx = udp_to(&a), i;
	uint8_t d[4] = { 0 };

	io = loop_recv_add(loop, rx, on_dgram, &r);
	/* all of them before the loop runs: more than there are buffers */
	for (i = 0; i < BURST; i++) {
		d[0] = (uint8_t)(i >> 8);
		d[1] = (uint8_t)i;
		(void)send(tx, d, sizeof(d), 0);
	}
	tap_is_int(run(loop), 0, "%s: a burst of %d datagrams all arrive", be, BURST);
	tap_is_int(r.count, BURST, "%s: exactly %d callbacks", be, BURST);
	tap_ok(r.in_order, "%s: in the order sent", be);
	loop_io_free(io);
	close(rx);
	close(tx);
	loop_free(loop);
}

static void
refused(const char *be)
{
	struct loop *loop = loop_new();
	struct sockaddr_in a;
	struct rx r = { .loop = loop, .want = 1, .in_order = 1 };
	struct loop_io *io;
	int gone = udp_bound(&a), c;

	close(gone); /* nobody listens on a now */
	c = udp_to(&a);
	io = loop_recv_add(loop, c, on_dgram, &r);
	(void)send(c, "x", 1, 0);
	tap_is_int(run(loop), 0, "%s: the receiver of a connected socket is called", be);
	tap_is_int((int)r.lens[0], -ECONNREFUSED, "%s: with -ECONNREFUSED (ICMP port unreachable)", be);
	loop_io_free(io);
	close(c);
	loop_free(loop);
}

static void
free_self(const char *be)
{
	struct loop *loop = loop_new();
	struct sockaddr_in a, b;
	struct rx r = { .loop = loop, .want = 1, .in_order = 1, .free_self = 1 };
	int rx = udp_bound(&a), tx = udp_to(&a), again;

	r.fd = rx;
	(void)loop_recv_add(loop, rx, on_dgram, &r);
	(void)send(tx, "ab", 2, 0);
	(void)send(tx, "cd", 2, 0);
	tap_is_int(run(loop), 0, "%s: a receiver frees itself and closes its socket", be);
	/* the second datagram died with the socket: no call for it */
	r.want = 2;
	tap_is_int(run(loop), -ETIMEDOUT, "%s: nothing more is delivered to it", be);
	tap_is_int(r.count, 1, "%s: one callback in all", be);
	again = socket(AF_INET, SOCK_DGRAM, 0);
	b = a;
	tap_ok(again >= 0 && bind(again, (struct sockaddr *)&b, sizeof(b)) == 0,
		"%s: its port can be bound again at once", be);
	close(again);
	close(tx);
	loop_free(loop);
}

static void
send_later(const char *be, int ring)
{
	struct loop *loop = loop_new();
	struct sockaddr_in a, b;
	struct rx r = { .loop = loop, .want = 1, .in_order = 1 };
	int peer = udp_bound(&a), me = udp_bound(&b);
	char got[16], msg[] = "DATA";
	struct iovec iov = { msg, 4 }, badiov = { (void *)8, 64 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct msghdr bad = { .msg_iov = &badiov, .msg_iovlen = 1 };
	struct loop_io *io;
	ssize_t n;

	(void)connect(me, (struct sockaddr *)&a, sizeof(a));
	(void)connect(peer, (struct sockaddr *)&b, sizeof(b));
	io = loop_recv_add(loop, me, on_dgram, &r);
	if (!ring) {
		tap_is_int(loop_send_later(io, &mh, on_sent), -ENOTSUP,
			"%s: loop_send_later says -ENOTSUP: send it yourself", be);
		loop_io_free(io);
		close(peer);
		close(me);
		loop_free(loop);
		return;
	}
	tap_is_int(loop_send_later(io, &mh, on_sent), 0, "%s: a send is queued", be);
	n = recv(peer, got, sizeof(got), MSG_DONTWAIT);
	tap_ok(n < 0 && errno == EAGAIN, "%s: it has not left before the wait", be);
	loop_io_flush(io);
	n = recv(peer, got, sizeof(got), MSG_DONTWAIT);
	tap_ok(n == 4 && memcmp(got, "DATA", 4) == 0, "%s: loop_io_flush sends it", be);
	loop_io_flush(io); /* nothing queued: no second copy */
	n = recv(peer, got, sizeof(got), MSG_DONTWAIT);
	tap_ok(n < 0 && errno == EAGAIN, "%s: a second flush sends nothing", be);

	/* queued, then the wait sends it; the answer comes back */
	(void)loop_send_later(io, &mh, on_sent);
	(void)send(peer, "ACK", 3, 0);
	tap_is_int(run(loop), 0, "%s: the loop's wait sends what is queued", be);
	n = recv(peer, got, sizeof(got), MSG_DONTWAIT);
	tap_is_int((int)n, 4, "%s: the peer got it", be);

	tap_is_int(loop_send_later(io, &bad, on_sent), 0, "%s: a send of a bad buffer is queued", be);
	tap_is_int(run(loop), 0, "%s: its failure is reported", be);
	tap_is_int(r.sent_err, -EFAULT, "%s: as -EFAULT", be);

	/* freed with a send queued: it still leaves, before the free returns */
	(void)loop_send_later(io, &mh, on_sent);
	loop_io_free(io);
	n = recv(peer, got, sizeof(got), MSG_DONTWAIT);
	tap_is_int((int)n, 4, "%s: loop_io_free sends what was queued", be);
	close(me);
	close(peer);
	loop_free(loop);
}

static void
on_quiet(struct loop_timer *t, void *arg)
{
	(void)t;
	loop_exit(arg, 0);
}

/* Waits are batched when many receivers sent lately, and only then: a
 * quarter of them, at most 16 (BUSY is past the cap). */
#define BUSY 80
static void
batching(const char *be, int ring)
{
	struct loop *loop = loop_new();
	struct sockaddr_in a, from;
	struct rx r = { .loop = loop, .want = BUSY, .in_order = 1 };
	char x[] = "x";
	struct iovec iov = { x, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct loop_io *ios[BUSY];
	struct loop_timer *t;
	int peer = udp_bound(&a), fds[BUSY], i, got = 0;
	socklen_t fl;
	char c;

	tap_is_int(loop_batch(loop), 1, "%s: nobody sent: a wait asks for 1", be);
	for (i = 0; i < BUSY; i++) {
		fds[i] = udp_to(&a);
		ios[i] = loop_recv_add(loop, fds[i], on_dgram, &r);
		if (loop_send_later(ios[i], &mh, NULL) < 0)
			(void)send(fds[i], "x", 1, 0);
		if (i == 39)
			tap_is_int(loop_batch(loop), ring ? 10 : 1,
				"%s: 40 receivers sent: a wait asks for %d (a quarter)",
				be, ring ? 10 : 1);
	}
	tap_is_int(loop_batch(loop), ring ? 16 : 1,
		"%s: %d receivers sent: a wait asks for %d (the cap)", be, BUSY,
		ring ? 16 : 1);
	loop_io_flush(ios[0]);
	/* each answered: every answer is delivered, batched or not */
	for (i = 0; i < BUSY; i++) {
		fl = sizeof(from);
		if (recvfrom(peer, &c, 1, 0, (struct sockaddr *)&from, &fl) == 1 &&
			sendto(peer, "y", 1, 0, (struct sockaddr *)&from, fl) == 1)
			got++;
	}
	tap_is_int(got, BUSY, "%s: the peer got %d and answered each", be, BUSY);
	tap_is_int(run(loop), 0, "%s: the %d answers are delivered", be, BUSY);
	tap_is_int(r.count, BUSY, "%s: %d callbacks", be, BUSY);
	/* 3 ms without a send: nobody counts as busy any more */
	t = loop_timer_new(loop, on_quiet, loop);
	loop_timer_arm(t, 3000);
	(void)loop_run(loop);
	loop_timer_free(t);
	tap_is_int(loop_batch(loop), 1, "%s: 3 ms later a wait asks for 1 again", be);
	for (i = 0; i < BUSY; i++) {
		loop_io_free(ios[i]);
		close(fds[i]);
	}
	close(peer);
	loop_free(loop);
}

static void
suite(int ring)
{
	struct loop *loop = loop_new();
	const char *be = loop != NULL ? loop_backend(loop) : "?";

	tap_is_str(be, ring ? "io_uring" : "epoll", "the loop waits in %s", ring ? "io_uring" : "epoll");
	loop_free(loop);
	lengths(be);
	burst(be);
	refused(be);
	free_self(be);
	send_later(be, ring);
	batching(be, ring);
}

int
main(void)
{
	FILE *f = fopen("/proc/sys/kernel/io_uring_disabled", "r");
	int disabled = 0;

	if (f != NULL) {
		if (fscanf(f, "%d", &disabled) != 1)
			disabled = 0;
		fclose(f);
	}
	if (disabled == 0) {
		suite(1);
	} else {
		tap_diag("io_uring disabled here (kernel.io_uring_disabled=%d): epoll only",
			disabled);
	}
	setenv("DISKLESSD_IO_URING", "0", 1);
	suite(0);
	return tap_done();
}
