/*
 * loop.c: see loop.h. Timers live in a binary min-heap keyed by deadline
 * (each timer knows its slot, so re-arming a retransmit timer per TFTP block
 * is O(log n) and needs no syscall); the epoll_wait timeout is the earliest
 * deadline, kept in a timerfd. Signals come through a signalfd.
 *
 * Where the kernel allows it, the loop waits in io_uring instead, and
 * receivers and queued sends live there (loop-ring.c); epoll then holds
 * the rest (timerfd, signalfd, DHCP and control sockets) and its fd is
 * polled from the ring.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "loop-internal.h"

#define LOOP_EVENTS 64

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
void
loop_recv_ready(struct loop_io *io, int fd, uint32_t events, void *arg)
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
		io = loop_io_add(loop, fd, EPOLLIN, loop_recv_ready, arg);
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
		ring_io_free(io);
		return;
	}
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
int
loop_run_epoll(struct loop *loop, int timeout)
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

int
loop_run(struct loop *loop)
{
	int r;

	loop->running = 1;
	while (loop->running) {
		if (loop->br != NULL)
			r = ring_run(loop, next_timeout(loop));
		else
			r = loop_run_epoll(loop, next_timeout(loop));
		if (r < 0)
			return r;
		release_dead(loop);
		run_timers(loop);
		release_dead(loop);
	}
	return loop->code;
}
