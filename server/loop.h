/*
 * loop.h: disklessd's one event loop (epoll), shared by the TFTP and DHCP
 * halves. It knows nothing of either protocol: it calls back on readable or
 * writable descriptors, on expired timers and on signals (via signalfd, so
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

struct loop;
struct loop_io;
struct loop_timer;

typedef void loop_io_fn(struct loop_io *io, int fd, uint32_t events, void *arg);
typedef void loop_timer_fn(struct loop_timer *t, void *arg);
typedef void loop_signal_fn(int signo, void *arg);

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
