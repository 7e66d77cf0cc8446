/*
 * loop.h: disklessd's one event loop (epoll, or io_uring where the kernel
 * allows it), shared by the TFTP and DHCP halves. It knows nothing of
 * either protocol: it calls back on readable or writable descriptors, on
 * received datagrams, on expired timers and on signals (via signalfd, so
 * handlers run in the loop, never in signal context).
 *
 * Single-threaded. Callbacks may add or free any io or timer, including
 * their own: freed ios are only released after the current batch of events,
 * so an event already fetched for a freed io is dropped, never delivered.
 *
 * Typical use by a protocol half (a UDP socket and a retransmit timer):
 *
 *	io = loop_io_add(loop, fd, EPOLLIN, on_readable, ctx);
 *	t = loop_timer_new(loop, on_timeout, ctx);
 *	loop_timer_arm(t, 250000);             // in 250 ms
 *	...
 *	loop_timer_free(t); loop_io_free(io);  // the caller still closes fd
 */
#ifndef DISKLESS_LOOP_H
#define DISKLESS_LOOP_H

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/types.h>

/* The longest datagram a receiver is handed; a longer one is cut, as
 * recv() into a buffer of this size would cut it. */
#define LOOP_RECV_MAX 1024

struct loop;
struct loop_io;
struct loop_timer;

typedef void loop_io_fn(struct loop_io *io, int fd, uint32_t events, void *arg);
typedef void loop_timer_fn(struct loop_timer *t, void *arg);
typedef void loop_signal_fn(int signo, void *arg);
/* n: the datagram's length, or -errno of the socket (-ECONNREFUSED: an
 * ICMP port unreachable on a connected socket). buf lives for the call. */
typedef void loop_recv_fn(struct loop_io *io, const uint8_t *buf, ssize_t n,
	void *arg);
/* err: what sendmsg() would have returned (< 0), for a send queued with
 * loop_send_later() that failed. */
typedef void loop_sent_fn(struct loop_io *io, int err, void *arg);

/* Returns NULL with errno set. loop_free(NULL) is a no-op; the loop must not
 * be running. Ios and timers still registered are released with it. */
struct loop *loop_new(void);
void loop_free(struct loop *loop);

/* Runs until loop_exit(); returns the code given to it, or -errno when
 * epoll itself fails. */
int loop_run(struct loop *loop);
void loop_exit(struct loop *loop, int code);

/* Monotonic time in microseconds, as of the last wake-up (cheap) or now. */
uint64_t loop_now(const struct loop *loop);
uint64_t loop_clock(void);

/* Watches fd for events (EPOLLIN, EPOLLOUT; level-triggered). The loop
 * does not own fd. Returns NULL with errno set. */
struct loop_io *loop_io_add(struct loop *loop, int fd, uint32_t events,
	loop_io_fn *fn, void *arg);
int loop_io_mod(struct loop_io *io, uint32_t events);
/* Hands every datagram arriving on fd (a datagram socket) to fn: from a
 * multishot recv in io_uring, with no syscall per datagram, or after epoll
 * says fd is readable. Freed with loop_io_free(), which also cancels the
 * recv, so that closing fd right after it releases the socket. */
struct loop_io *loop_recv_add(struct loop *loop, int fd, loop_recv_fn *fn,
	void *arg);
/*
 * Queues sendmsg(mh) on the socket of io (from loop_recv_add) to go out
 * with the loop's next wait, in the same io_uring_enter: a lock-step TFTP
 * block then costs that one syscall. The kernel reads mh, its iovecs and
 * their bytes when it is submitted, so they must stay as they are until
 * then or until loop_io_flush(io); loop_io_free(io) flushes too. A full
 * socket buffer is a failed send, not a wait. fn gets a failure, unless io
 * was freed first. Returns 0, or -ENOTSUP (no ring): send it yourself.
 */
struct msghdr;
int loop_send_later(struct loop_io *io, const struct msghdr *mh, loop_sent_fn *fn);
/* Submits io's queued send now, if it is still waiting. Cheap otherwise. */
void loop_io_flush(struct loop_io *io);
/* How many completions the loop's next wait asks for: 1, or up to 16
 * when many receivers sent lately (a boot storm, see loop-ring.c). */
unsigned loop_batch(const struct loop *loop);
/* "io_uring" or "epoll": what the loop waits in, for the log. */
const char *loop_backend(const struct loop *loop);
/* Stops watching (the fd is left open). NULL is a no-op. */
void loop_io_free(struct loop_io *io);

/* A one-shot timer, disarmed at first. NULL with errno set on failure. */
struct loop_timer *loop_timer_new(struct loop *loop, loop_timer_fn *fn, void *arg);
/* (Re)arms t to fire usec microseconds from loop_now(). */
void loop_timer_arm(struct loop_timer *t, uint64_t usec);
void loop_timer_disarm(struct loop_timer *t);
int loop_timer_armed(const struct loop_timer *t);
void loop_timer_free(struct loop_timer *t);

/* Blocks signo and delivers it through the loop's signalfd. Call before
 * the sandbox (signalfd4 and rt_sigprocmask happen here). */
int loop_signal_add(struct loop *loop, int signo, loop_signal_fn *fn, void *arg);

#endif
