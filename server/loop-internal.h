/*
 * loop-internal.h: what loop.c (epoll, timers, signals) and loop-ring.c
 * (the io_uring backend) share. Not for the protocol halves: they use
 * loop.h.
 */
#ifndef DISKLESS_LOOP_INTERNAL_H
#define DISKLESS_LOOP_INTERNAL_H

#include <liburing.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "loop.h"

#define LOOP_SIGNALS 8

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

/* loop.c */
int loop_run_epoll(struct loop *loop, int timeout);
void loop_recv_ready(struct loop_io *io, int fd, uint32_t events, void *arg);

/* loop-ring.c: ring_init leaves loop->br NULL when there is no ring; the
 * others are only called with one. ring_run waits as loop_run_epoll does
 * and calls back; timeout is next_timeout()'s: 0, a timer is due (do not
 * wait); -1, the timerfd will wake the loop; > 0, wake within 1 ms. */
void ring_init(struct loop *loop);
void ring_exit(struct loop *loop);
void ring_arm_recv(struct loop_io *io);
void ring_io_free(struct loop_io *io);
int ring_run(struct loop *loop, int timeout);

#endif
