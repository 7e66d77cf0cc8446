/*
 * loop.c: see loop.h. Timers live in a binary min-heap keyed by deadline
 * (each timer knows its slot, so re-arming a retransmit timer per TFTP block
 * is O(log n) and needs no syscall); the epoll_wait timeout is the earliest
 * deadline.
 *
 * Where the kernel allows it, the loop waits in io_uring instead of
 * epoll_wait: every receiver added with loop_recv_add() is one multishot
 * recv into a ring of provided buffers, so a datagram costs no syscall of
 * its own, and a send queued with loop_send_later() leaves with the
 * io_uring_enter that waits for the answer. A lock-step TFTP block then
 * costs one syscall where it cost three, epoll_wait + recv + sendmsg (a
 * syscall is about 1 us in a VM), and a storm of them one per batch.
 * Everything else stays in epoll, whose fd the ring polls. Without
 * io_uring (kernel.io_uring_disabled, a container's seccomp, an old
 * kernel, DISKLESSD_IO_URING=0) the same API runs on epoll alone.
 */
#include "config.h"

#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

#define LOOP_EVENTS 64
#define LOOP_SIGNALS 8
#define RING_ENTRIES 256
#define RBUF_COUNT 256 /* provided receive buffers: a power of two */
#define RBUF_GROUP 0
/* Batched waits (run_ring): at most this many completions, this long;
 * senders counted per epoch of this many microseconds. */
#define BATCH_MAX 32
#define BATCH_SHARE 2 /* a wait asks for 1/BATCH_SHARE of the busy */
#define BATCH_WAIT_NS 1000000
#define EPOCH_US 1000
/* user_data of the ring's own requests; ios are pointers, never 1 or 2,
 * and the CQE of a send is its io's address with the low bit set */
#define TAG_EPOLL 1u
#define TAG_CANCEL 2u
#define TAG_SEND 1u

struct loop_io {
	struct loop *loop;
	int fd;
	int dead;
	int ring;  /* a multishot recv in the ring, not an epoll watch */
	int armed; /* ring: its recv is in the kernel, a last CQE will come */
	int ripe;          /* ring, dead: released at the next reap */
	uint64_t epoch;    /* the last epoch it queued a send in */
	int queued;        /* a send was queued at submit number queued_at */
	uint64_t queued_at;
	loop_io_fn *fn;
	loop_recv_fn *rfn;
	loop_sent_fn *sfn;
	void *arg;
	struct loop_io *next_dead;
};

struct loop_timer {
	struct loop *loop;
	uint64_t deadline;
	size_t slot; /* index in the heap, SIZE_MAX when disarmed */
	loop_timer_fn *fn;
	void *arg;
};

struct loop_sig {
	int signo;
	loop_signal_fn *fn;
	void *arg;
};

struct loop {
	int epfd;
	int running;
	int code;
	uint64_t now;
	struct loop_timer **heap;
	size_t n_heap, cap_heap;
	size_t n_timers; /* allocated, armed or not: the heap always has room */
	struct loop_io *dead; /* freed during this batch, released after it */
	int tfd;                /* timerfd for the heap's earliest deadline */
	struct loop_io *tio;
	uint64_t programmed;    /* deadline the timerfd is set to, 0: none */
	int sigfd;
	struct loop_io *sigio;
	sigset_t sigmask;
	struct loop_sig sigs[LOOP_SIGNALS];
	size_t n_sigs;
	size_t n_ios; /* live ios, to catch leaks in loop_free */
	/* io_uring (NULL br: epoll alone) */
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	uint8_t *rbufs;         /* RBUF_COUNT x LOOP_RECV_MAX */
	int epoll_armed;        /* a POLL_ADD on epfd is in the ring */
	int no_multishot;       /* the kernel refused a multishot recv */
	uint64_t submits;       /* io_uring submissions so far */
	/* receivers that queued a send in this epoch and the one before:
	 * those an answer can be expected from soon */
	uint64_t epoch;
	size_t senders, senders_before;
	struct loop_io *zombies; /* freed ring ios, until no CQE can name them */
	unsigned skip_success;  /* IOSQE_CQE_SKIP_SUCCESS when the kernel has it */
	uint8_t rx[LOOP_RECV_MAX]; /* epoll receivers' buffer */
};

uint64_t
loop_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t
loop_now(const struct loop *loop)
{
	return loop->now;
}

static void
on_timerfd(struct loop_io *io, int fd, uint32_t events, void *arg)
{
	struct loop *loop = arg;
	uint64_t n;

	(void)io;
	(void)events;
	(void)read(fd, &n, sizeof(n));
	loop->programmed = 0; /* run_timers() follows in this turn */
}


/* ---- io_uring ------------------------------------------------------------ */

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
static void
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

static void
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

static void
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

struct loop *
loop_new(void)
{
	struct loop *loop = calloc(1, sizeof(*loop));
	int saved;

	if (loop == NULL)
		return NULL;
	loop->sigfd = -1;
	loop->tfd = -1;
	sigemptyset(&loop->sigmask);
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		saved = errno;
		free(loop);
		errno = saved;
		return NULL;
	}
	loop->now = loop_clock();
	loop->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (loop->tfd < 0)
		goto err;
	loop->tio = loop_io_add(loop, loop->tfd, EPOLLIN, on_timerfd, loop);
	if (loop->tio == NULL)
		goto err;
	ring_init(loop);
	return loop;
err:
	saved = errno;
	if (loop->tfd >= 0)
		close(loop->tfd);
	close(loop->epfd);
	free(loop);
	errno = saved;
	return NULL;
}

static void
release_dead(struct loop *loop)
{
	while (loop->dead != NULL) {
		struct loop_io *io = loop->dead;

		loop->dead = io->next_dead;
		free(io);
	}
}

void
loop_free(struct loop *loop)
{
	size_t i;

	if (loop == NULL)
		return;
	loop_io_free(loop->sigio);
	loop_io_free(loop->tio);
	release_dead(loop);
	ring_exit(loop);
	if (loop->sigfd >= 0)
		close(loop->sigfd);
	if (loop->tfd >= 0)
		close(loop->tfd);
	for (i = 0; i < loop->n_heap; i++)
		loop->heap[i]->slot = SIZE_MAX;
	free(loop->heap);
	close(loop->epfd);
	free(loop);
}

void
loop_exit(struct loop *loop, int code)
{
	loop->running = 0;
	loop->code = code;
}

/* ---- io ------------------------------------------------------------------ */

struct loop_io *
loop_io_add(struct loop *loop, int fd, uint32_t events, loop_io_fn *fn, void *arg)
{
	struct epoll_event ev = { .events = events };
	struct loop_io *io = calloc(1, sizeof(*io));

	if (io == NULL)
		return NULL;
	io->loop = loop;
	io->fd = fd;
	io->fn = fn;
	io->arg = arg;
	ev.data.ptr = io;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int saved = errno;

		free(io);
		errno = saved;
		return NULL;
	}
	loop->n_ios++;
	return io;
}

int
loop_io_mod(struct loop_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	if (epoll_ctl(io->loop->epfd, EPOLL_CTL_MOD, io->fd, &ev) < 0)
		return -errno;
	return 0;
}

/* epoll's side of loop_recv_add: one datagram per readiness (the watch
 * is level-triggered, so a second one brings us back). */
static void
on_recv_ready(struct loop_io *io, int fd, uint32_t events, void *arg)
{
	struct loop *loop = io->loop;
	ssize_t n;

	(void)events;
	n = recv(fd, loop->rx, sizeof(loop->rx), MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		n = -errno;
	}
	io->rfn(io, loop->rx, n, arg);
}

struct loop_io *
loop_recv_add(struct loop *loop, int fd, loop_recv_fn *fn, void *arg)
{
	struct loop_io *io;

	if (loop->br == NULL || loop->no_multishot) {
		io = loop_io_add(loop, fd, EPOLLIN, on_recv_ready, arg);
		if (io != NULL)
			io->rfn = fn;
		return io;
	}
	io = calloc(1, sizeof(*io));
	if (io == NULL)
		return NULL;
	io->loop = loop;
	io->fd = fd;
	io->ring = 1;
	io->rfn = fn;
	io->arg = arg;
	ring_arm_recv(io);
	loop->n_ios++;
	return io;
}

void
loop_io_free(struct loop_io *io)
{
	if (io == NULL || io->dead)
		return;
	io->dead = 1;
	io->loop->n_ios--;
	if (io->ring) {
		/* CQEs may still name it: released by reap_zombies(). */
		io->next_dead = io->loop->zombies;
		io->loop->zombies = io;
		if (io->armed)
			ring_cancel(io);
		else
			loop_io_flush(io);
		return;
	}
	if (!io->ring)
		epoll_ctl(io->loop->epfd, EPOLL_CTL_DEL, io->fd, NULL);
	/* An event for io may sit later in the batch being dispatched. */
	io->next_dead = io->loop->dead;
	io->loop->dead = io;
}

/* ---- timers -------------------------------------------------------------- */

static void
heap_set(struct loop *loop, size_t i, struct loop_timer *t)
{
	loop->heap[i] = t;
	t->slot = i;
}

static void
heap_up(struct loop *loop, size_t i)
{
	struct loop_timer *t = loop->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (loop->heap[parent]->deadline <= t->deadline)
			break;
		heap_set(loop, i, loop->heap[parent]);
		i = parent;
	}
	heap_set(loop, i, t);
}

static void
heap_down(struct loop *loop, size_t i)
{
	struct loop_timer *t = loop->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= loop->n_heap)
			break;
		if (c + 1 < loop->n_heap &&
			loop->heap[c + 1]->deadline < loop->heap[c]->deadline)
			c++;
		if (t->deadline <= loop->heap[c]->deadline)
			break;
		heap_set(loop, i, loop->heap[c]);
		i = c;
	}
	heap_set(loop, i, t);
}

static void
heap_remove(struct loop *loop, size_t i)
{
	struct loop_timer *last = loop->heap[--loop->n_heap];

	loop->heap[i]->slot = SIZE_MAX;
	if (i == loop->n_heap)
		return;
	heap_set(loop, i, last);
	heap_down(loop, i);
	heap_up(loop, last->slot);
}

struct loop_timer *
loop_timer_new(struct loop *loop, loop_timer_fn *fn, void *arg)
{
	struct loop_timer *t;

	if (loop->n_timers == loop->cap_heap) {
		/* Reserve the heap slot now so that arming never allocates. */
		size_t cap = loop->cap_heap ? loop->cap_heap * 2 : 64;
		struct loop_timer **h = realloc(loop->heap, cap * sizeof(*h));

		if (h == NULL)
			return NULL;
		loop->heap = h;
		loop->cap_heap = cap;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->loop = loop;
	t->slot = SIZE_MAX;
	t->fn = fn;
	t->arg = arg;
	loop->n_timers++;
	return t;
}

void
loop_timer_arm(struct loop_timer *t, uint64_t usec)
{
	struct loop *loop = t->loop;

	t->deadline = loop->now + usec;
	if (t->slot == SIZE_MAX) {
		loop->heap[loop->n_heap] = t;
		t->slot = loop->n_heap++;
		heap_up(loop, t->slot);
		return;
	}
	heap_down(loop, t->slot);
	heap_up(loop, t->slot);
}

void
loop_timer_disarm(struct loop_timer *t)
{
	if (t->slot != SIZE_MAX)
		heap_remove(t->loop, t->slot);
}

int
loop_timer_armed(const struct loop_timer *t)
{
	return t->slot != SIZE_MAX;
}

void
loop_timer_free(struct loop_timer *t)
{
	if (t == NULL)
		return;
	loop_timer_disarm(t);
	t->loop->n_timers--;
	free(t);
}

static void
run_timers(struct loop *loop)
{
	while (loop->n_heap > 0 && loop->heap[0]->deadline <= loop->now) {
		struct loop_timer *t = loop->heap[0];

		heap_remove(loop, 0);
		t->fn(t, t->arg);
	}
}

/*
 * Makes sure the loop wakes up by the first deadline. Returns the
 * epoll_wait timeout: 0 when a timer is already due, else -1 (the timerfd
 * wakes us).
 */
static int
next_timeout(struct loop *loop)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	uint64_t d;

	if (loop->n_heap == 0)
		return -1;
	d = loop->heap[0]->deadline;
	if (d <= loop_clock())
		return 0;
	if (loop->programmed != 0 && loop->programmed <= d)
		return -1;
	its.it_value.tv_sec = (time_t)(d / 1000000u);
	its.it_value.tv_nsec = (long)(d % 1000000u) * 1000;
	if (timerfd_settime(loop->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		return 1; /* cannot happen with valid values; poll in 1 ms */
	loop->programmed = d;
	return -1;
}

/* ---- signals ------------------------------------------------------------- */

static void
on_signalfd(struct loop_io *io, int fd, uint32_t events, void *arg)
{
	struct loop *loop = arg;
	struct signalfd_siginfo si;
	size_t i;

	(void)io;
	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		for (i = 0; i < loop->n_sigs; i++)
			if (loop->sigs[i].signo == (int)si.ssi_signo)
				loop->sigs[i].fn((int)si.ssi_signo, loop->sigs[i].arg);
	}
}

int
loop_signal_add(struct loop *loop, int signo, loop_signal_fn *fn, void *arg)
{
	int fd;

	if (loop->n_sigs == LOOP_SIGNALS)
		return -ENOSPC;
	sigaddset(&loop->sigmask, signo);
	if (sigprocmask(SIG_BLOCK, &loop->sigmask, NULL) < 0)
		return -errno;
	fd = signalfd(loop->sigfd, &loop->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (loop->sigfd < 0) {
		loop->sigfd = fd;
		loop->sigio = loop_io_add(loop, fd, EPOLLIN, on_signalfd, loop);
		if (loop->sigio == NULL)
			return -errno;
	}
	loop->sigs[loop->n_sigs++] = (struct loop_sig){ signo, fn, arg };
	return 0;
}

/* ---- run ----------------------------------------------------------------- */

/* Waits up to timeout ms in epoll_wait and calls back. 0 or -errno. */
static int
run_epoll(struct loop *loop, int timeout)
{
	struct epoll_event ev[LOOP_EVENTS];
	int i, n;

	n = epoll_wait(loop->epfd, ev, LOOP_EVENTS, timeout);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	loop->now = loop_clock();
	for (i = 0; i < n; i++) {
		struct loop_io *io = ev[i].data.ptr;

		if (!io->dead)
			io->fn(io, io->fd, ev[i].events, io->arg);
	}
	return 0;
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
	io->fn = on_recv_ready;
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
 * boot storm), the wait returns once half of them, at most
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
 * is due) and handles what came. 0 or -errno. */
static int
run_ring(struct loop *loop)
{
	/* the batch bound, and next_timeout()'s 1 ms poll: both 1 ms */
	struct __kernel_timespec ts = { 0, BATCH_WAIT_NS };
	struct io_uring_cqe *cqe;
	unsigned n, want = loop_batch(loop);
	int r, timeout = next_timeout(loop);

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
			r = run_epoll(loop, 0);
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

int
loop_run(struct loop *loop)
{
	int r;

	loop->running = 1;
	while (loop->running) {
		if (loop->br != NULL)
			r = run_ring(loop);
		else
			r = run_epoll(loop, next_timeout(loop));
		if (r < 0)
			return r;
		release_dead(loop);
		run_timers(loop);
		release_dead(loop);
	}
	return loop->code;
}
