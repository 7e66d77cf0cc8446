/*
 * loop-ring.c: the loop's io_uring backend (see loop.h). Where the kernel
 * allows it, the loop waits in io_uring instead of epoll_wait: every
 * receiver added with loop_recv_add() is one multishot recv into a ring of
 * provided buffers, so a datagram costs no syscall of its own, and a send
 * queued with loop_send_later() leaves with the io_uring_enter that waits
 * for the answer. A lock-step TFTP block then costs one syscall where it
 * cost three, epoll_wait + recv + sendmsg (a syscall is about 1 us in a
 * VM), and a storm of them one per batch. Everything else stays in epoll,
 * whose fd the ring polls (loop.c). Without io_uring (kernel.io_uring_
 * disabled, a container's seccomp, an old kernel, DISKLESSD_IO_URING=0)
 * ring_init() leaves loop->br NULL and loop.c runs on epoll alone.
 */
#include "config.h"

#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "loop-internal.h"

#define RING_ENTRIES 256
#define RBUF_COUNT 256 /* provided receive buffers: a power of two */
#define RBUF_GROUP 0
/* Batched waits (ring_run): at most this many completions, this long;
 * senders counted per epoch of this many microseconds. */
#define BATCH_MAX 16
#define BATCH_SHARE 4 /* a wait asks for 1/BATCH_SHARE of the busy */
#define BATCH_WAIT_NS 1000000
#define EPOCH_US 1000
/* user_data of the ring's own requests; ios are pointers, never 1 or 2,
 * and the CQE of a send is its io's address with the low bit set */
#define TAG_EPOLL 1u
#define TAG_CANCEL 2u
#define TAG_SEND 1u

/*
 * Restricts the ring, then enables it (it was made disabled for this).
 * The ring may only do what the loop asks of it: no open, read or write a
 * compromised process could reach past the seccomp filter, which does not
 * see the operations inside a ring (IORING_REGISTER_RESTRICTIONS, 5.10).
 */
static int
ring_restrict(struct io_uring *ring)
{
	static const uint8_t ops[] = { IORING_OP_RECV, IORING_OP_SENDMSG,
		IORING_OP_POLL_ADD, IORING_OP_ASYNC_CANCEL };
	struct io_uring_restriction res[sizeof(ops) + 1];
	size_t i;

	memset(res, 0, sizeof(res));
	for (i = 0; i < sizeof(ops); i++) {
		res[i].opcode = IORING_RESTRICTION_SQE_OP;
		res[i].sqe_op = ops[i];
	}
	res[i].opcode = IORING_RESTRICTION_SQE_FLAGS_ALLOWED;
	res[i].sqe_flags = IOSQE_BUFFER_SELECT | IOSQE_CQE_SKIP_SUCCESS;
	/* liburing 2.3 (Debian 12) declares io_uring_register_restrictions
	 * and io_uring_enable_rings but does not export them: raw calls. */
	if (syscall(__NR_io_uring_register, ring->ring_fd,
		    IORING_REGISTER_RESTRICTIONS, res, (unsigned)(i + 1)) < 0)
		return -errno;
	if (syscall(__NR_io_uring_register, ring->ring_fd,
		    IORING_REGISTER_ENABLE_RINGS, NULL, 0) < 0)
		return -errno;
	return 0;
}

static void
rbuf_give(struct loop *loop, unsigned bid)
{
	io_uring_buf_ring_add(loop->br, loop->rbufs + (size_t)bid * LOOP_RECV_MAX,
		LOOP_RECV_MAX, (unsigned short)bid,
		io_uring_buf_ring_mask(RBUF_COUNT), 0);
	io_uring_buf_ring_advance(loop->br, 1);
}

/* The provided buffers multishot recvs take from (liburing 2.3 has no
 * io_uring_setup_buf_ring yet: mapped and registered here). */
static int
ring_buffers(struct loop *loop)
{
	struct io_uring_buf_reg reg = { .ring_entries = RBUF_COUNT, .bgid = RBUF_GROUP };
	size_t len = RBUF_COUNT * sizeof(struct io_uring_buf);
	void *br;
	unsigned i;
	int r;

	br = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (br == MAP_FAILED)
		return -errno;
	loop->rbufs = malloc((size_t)RBUF_COUNT * LOOP_RECV_MAX);
	if (loop->rbufs == NULL) {
		munmap(br, len);
		return -ENOMEM;
	}
	reg.ring_addr = (uintptr_t)br;
	r = io_uring_register_buf_ring(&loop->ring, &reg, 0);
	if (r < 0) {
		munmap(br, len);
		free(loop->rbufs);
		loop->rbufs = NULL;
		return r;
	}
	loop->br = br;
	io_uring_buf_ring_init(loop->br);
	for (i = 0; i < RBUF_COUNT; i++)
		rbuf_give(loop, i);
	return 0;
}

/*
 * Sets the ring up, or leaves loop->br NULL (epoll alone). The flags are
 * tried from the cheapest down: DEFER_TASKRUN (6.1) runs completions only
 * when the loop waits, so a burst of ACKs costs one wake-up, not one each.
 */
void
ring_init(struct loop *loop)
{
	static const unsigned tries[] = {
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
		IORING_SETUP_COOP_TASKRUN, 0 };
	const char *env = getenv("DISKLESSD_IO_URING");
	struct io_uring_params p;
	size_t i;
	int r = -ENOSYS;

	if (env != NULL && strcmp(env, "0") == 0)
		return;
	for (i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		memset(&p, 0, sizeof(p));
		p.flags = tries[i] | IORING_SETUP_R_DISABLED;
		r = io_uring_queue_init_params(RING_ENTRIES, &loop->ring, &p);
		if (r != -EINVAL)
			break;
	}
	if (r < 0)
		return; /* ENOSYS, EPERM (io_uring_disabled, seccomp), ENOMEM */
	if (p.features & IORING_FEAT_CQE_SKIP) /* 5.17 */
		loop->skip_success = IOSQE_CQE_SKIP_SUCCESS;
	if (ring_buffers(loop) < 0)
		goto fail;
	if (ring_restrict(&loop->ring) < 0)
		goto fail;
	return;
fail:
	if (loop->br != NULL) {
		munmap(loop->br, RBUF_COUNT * sizeof(struct io_uring_buf));
		loop->br = NULL;
	}
	free(loop->rbufs);
	loop->rbufs = NULL;
	io_uring_queue_exit(&loop->ring);
}

void
ring_exit(struct loop *loop)
{
	if (loop->br == NULL)
		return;
	io_uring_queue_exit(&loop->ring); /* cancels what is left in it */
	munmap(loop->br, RBUF_COUNT * sizeof(struct io_uring_buf));
	free(loop->rbufs);
	while (loop->zombies != NULL) {
		struct loop_io *io = loop->zombies;

		loop->zombies = io->next_dead;
		free(io);
	}
}

const char *
loop_backend(const struct loop *loop)
{
	return loop->br != NULL ? "io_uring" : "epoll";
}

/* Hands what is queued to the kernel; a send queued before is gone. */
static void
ring_submit(struct loop *loop)
{
	io_uring_submit(&loop->ring);
	loop->submits++;
}

/* An SQE, submitting what is queued when the ring is full. */
static struct io_uring_sqe *
ring_sqe(struct loop *loop)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&loop->ring);

	if (sqe == NULL) {
		ring_submit(loop);
		sqe = io_uring_get_sqe(&loop->ring);
	}
	return sqe;
}

void
ring_arm_recv(struct loop_io *io)
{
	struct io_uring_sqe *sqe = ring_sqe(io->loop);

	if (sqe == NULL)
		return; /* cannot happen after a submit; the io stays deaf */
	io_uring_prep_recv_multishot(sqe, io->fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = RBUF_GROUP;
	io_uring_sqe_set_data(sqe, io);
	io->armed = 1;
}

static void
ring_arm_epoll(struct loop *loop)
{
	struct io_uring_sqe *sqe = ring_sqe(loop);

	if (sqe == NULL)
		return;
	/* One-shot: armed again after each epoll_wait, it completes at once
	 * while events are left (level-triggered, as epoll_wait would). */
	io_uring_prep_poll_add(sqe, loop->epfd, POLLIN);
	io_uring_sqe_set_data64(sqe, TAG_EPOLL);
	loop->epoll_armed = 1;
}

static void
ring_cancel(struct loop_io *io)
{
	struct io_uring_sqe *sqe = ring_sqe(io->loop);

	if (sqe == NULL)
		return;
	io_uring_prep_cancel(sqe, io, 0);
	io_uring_sqe_set_data64(sqe, TAG_CANCEL);
	/* Now, not at the next wait: the caller closes the socket next and
	 * expects its port free (the recv holds a reference to it), and
	 * frees what a queued send of io points to. */
	ring_submit(io->loop);
}

/* Counts io once per epoch in which it sends (see loop_batch). */
static void
count_sender(struct loop_io *io)
{
	struct loop *loop = io->loop;
	uint64_t ep = loop->now / EPOCH_US;

	if (ep != loop->epoch) {
		loop->senders_before = ep == loop->epoch + 1 ? loop->senders : 0;
		loop->senders = 0;
		loop->epoch = ep;
	}
	if (io->epoch != ep) {
		io->epoch = ep;
		loop->senders++;
	}
}

int
loop_send_later(struct loop_io *io, const struct msghdr *mh, loop_sent_fn *fn)
{
	struct io_uring_sqe *sqe;

	if (!io->ring || io->dead)
		return -ENOTSUP;
	sqe = ring_sqe(io->loop);
	if (sqe == NULL)
		return -EBUSY;
	/* MSG_DONTWAIT: a full socket buffer fails the send at submission
	 * (a lost packet) instead of parking it in the ring, so that mh and
	 * its bytes are read then and never later. */
	io_uring_prep_sendmsg(sqe, io->fd, mh, MSG_DONTWAIT);
	io_uring_sqe_set_data64(sqe, (uintptr_t)io | TAG_SEND);
	/* Only a failure posts a CQE: a success would end the wait that
	 * submits it at once, and the ACK would cost a second syscall. */
	sqe->flags |= (uint8_t)io->loop->skip_success;
	count_sender(io);
	io->sfn = fn;
	io->queued = 1;
	io->queued_at = io->loop->submits;
	return 0;
}

void
loop_io_flush(struct loop_io *io)
{
	if (io->queued && io->queued_at == io->loop->submits)
		ring_submit(io->loop);
	io->queued = 0;
}

/* loop_io_free() of a ring io: CQEs may still name it, so it is released
 * by reap_zombies(); its recv is cancelled, or what it queued sent. */
void
ring_io_free(struct loop_io *io)
{
	io->next_dead = io->loop->zombies;
	io->loop->zombies = io;
	if (io->armed)
		ring_cancel(io);
	else
		loop_io_flush(io);
}

/*
 * Releases freed ring ios no CQE can name any more: their recv has ended
 * (its last CQE came) and the CQ was emptied twice since. Their sends
 * completed at submission (MSG_DONTWAIT), and the CQE of a failed one is
 * posted then; the second emptying leaves room for one deferred to the
 * next wait all the same.
 */
static void
reap_zombies(struct loop *loop)
{
	struct loop_io **pp = &loop->zombies;

	while (*pp != NULL) {
		struct loop_io *io = *pp;

		if (io->armed || !io->ripe) {
			io->ripe = !io->armed;
			pp = &io->next_dead;
			continue;
		}
		*pp = io->next_dead;
		io->next_dead = loop->dead;
		loop->dead = io;
	}
}

/* A kernel without multishot recv (before 6.0) says EINVAL: that
 * receiver, and those after it, go to epoll. */
static void
recv_to_epoll(struct loop *loop, struct loop_io *io)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = io };

	loop->no_multishot = 1;
	io->ring = 0;
	io->fn = loop_recv_ready;
	(void)epoll_ctl(loop->epfd, EPOLL_CTL_ADD, io->fd, &ev);
}

static void
on_recv_cqe(struct loop *loop, struct loop_io *io, int res, unsigned flags)
{
	int has_buf = (flags & IORING_CQE_F_BUFFER) != 0;
	unsigned bid = flags >> IORING_CQE_BUFFER_SHIFT;

	/* A datagram of 0 bytes ends a multishot recv (0 is a stream's
	 * EOF) with no buffer: still a datagram. ENOBUFS: every buffer was
	 * taken, the datagram waits in the socket for the recv armed again
	 * below. */
	if (!io->dead && (has_buf || res == 0 || (res < 0 && res != -ENOBUFS &&
						   res != -ECANCELED && res != -EINVAL)))
		io->rfn(io, has_buf ? loop->rbufs + (size_t)bid * LOOP_RECV_MAX : loop->rx,
			res, io->arg);
	if (has_buf)
		rbuf_give(loop, bid);
	if (flags & IORING_CQE_F_MORE)
		return;
	io->armed = 0;
	if (io->dead)
		return; /* reap_zombies() */
	if (res == -EINVAL)
		recv_to_epoll(loop, io);
	else
		ring_arm_recv(io);
}

static void
on_send_cqe(struct loop_io *io, int res)
{
	if (!io->dead && res < 0 && io->sfn != NULL)
		io->sfn(io, res, io->arg);
}

/*
 * How many completions a wait asks for. When many receivers are busy (a
 * boot storm), the wait returns once a quarter of them, at most
 * BATCH_MAX, have a datagram, or after BATCH_WAIT_NS: the server sleeps
 * and wakes once per batch instead of once or twice per ACK (DEFER_TASKRUN
 * wakes a waiter only when enough have come). Busy means it sent in this
 * epoch or the last, so its answer is due: a transfer whose client went
 * quiet stops counting within 2 ms, and a lone lock-step client is never
 * kept waiting for answers that cannot come. A few busy: one.
 */
unsigned
loop_batch(const struct loop *loop)
{
	uint64_t ep = loop->now / EPOCH_US;
	size_t n = 0;

	if (loop->br == NULL)
		return 1;
	if (ep == loop->epoch)
		n = loop->senders > loop->senders_before ? loop->senders :
							   loop->senders_before;
	else if (ep == loop->epoch + 1)
		n = loop->senders;
	n /= BATCH_SHARE;
	return n > BATCH_MAX ? BATCH_MAX : n < 1 ? 1 : (unsigned)n;
}

/* Submits what callbacks queued, waits for completions (none when a timer
 * is due: timeout 0) and handles what came. 0 or -errno. */
int
ring_run(struct loop *loop, int timeout)
{
	/* the batch bound, and next_timeout()'s 1 ms poll: both 1 ms */
	struct __kernel_timespec ts = { 0, BATCH_WAIT_NS };
	struct io_uring_cqe *cqe;
	unsigned n, want = loop_batch(loop);
	int r;

	if (!loop->epoll_armed)
		ring_arm_epoll(loop);
	if (timeout == 0) {
		r = io_uring_submit_and_get_events(&loop->ring);
	} else if (timeout > 0 || want > 1) {
		r = io_uring_submit_and_wait_timeout(&loop->ring, &cqe,
			want, &ts, NULL);
	} else {
		r = io_uring_submit_and_wait(&loop->ring, 1);
	}
	loop->submits++;
	if (r < 0 && r != -EINTR && r != -ETIME && r != -EBUSY && r != -EAGAIN)
		return r;
	loop->now = loop_clock();
	/* Bounded, so that timers and released ios get their turn. */
	for (n = 0; n < 2 * RING_ENTRIES && io_uring_peek_cqe(&loop->ring, &cqe) == 0;
		n++) {
		uint64_t tag = io_uring_cqe_get_data64(cqe);
		unsigned flags = cqe->flags;
		int res = cqe->res;

		io_uring_cqe_seen(&loop->ring, cqe);
		if (tag == TAG_EPOLL) {
			loop->epoll_armed = 0;
			r = loop_run_epoll(loop, 0);
			if (r < 0)
				return r;
		} else if (tag == TAG_CANCEL) {
			continue;
		} else if (tag & TAG_SEND) {
			on_send_cqe((struct loop_io *)(uintptr_t)(tag & ~(uint64_t)TAG_SEND), res);
		} else {
			on_recv_cqe(loop, (struct loop_io *)(uintptr_t)tag, res, flags);
		}
	}
	if (io_uring_cq_ready(&loop->ring) == 0)
		reap_zombies(loop);
	return 0;
}
