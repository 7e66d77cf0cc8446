/*
 * test-control.c: disklessd's control socket (server/control.c) on the real
 * event loop: the socket file's mode, a full table's snapshot (megabytes,
 * far past the socket buffer) written as a slow reader takes it and read
 * back whole by diskless status's parser, readers past CONTROL_CONNS_MAX
 * closed at once, a live socket left alone and a stale one replaced.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control.h"
#include "loop.h"
#include "status-doc.h"
#include "status.h"
#include "tap.h"

static char sock_path[108];

static int
connect_sock(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Child: reads the snapshot slowly, checks it; exit 0 when it has want
 * rows. */
static int
reader(size_t want)
{
	size_t cap = STATUS_DOC_MAX, n = 0;
	char *buf = malloc(cap), err[256];
	struct status_doc doc;
	int fd = connect_sock();
	ssize_t got;

	if (fd < 0 || buf == NULL)
		return 2;
	usleep(200000); /* the server fills the socket buffer and waits */
	while (n < cap && (got = read(fd, buf + n, cap - n)) > 0)
		n += (size_t)got;
	if (status_doc_parse(buf, n, &doc, err, sizeof(err)) < 0) {
		fprintf(stderr, "reader: %s\n", err);
		return 3;
	}
	return doc.n_rows == want ? 0 : 4;
}

struct watch {
	struct loop *loop;
	struct loop_timer *t;
	pid_t pid;
	int status;
};

/* Ends the loop once the child has exited (polled: the loop is ours). */
static void
on_tick(struct loop_timer *t, void *arg)
{
	struct watch *w = arg;

	if (waitpid(w->pid, &w->status, WNOHANG) == w->pid) {
		loop_exit(w->loop, 0);
		return;
	}
	loop_timer_arm(t, 20000);
}

static struct status *
full_table(void)
{
	struct status *st = status_new(NULL, 0);
	char name[200];

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (unsigned i = 0; i < STATUS_MAX; i++) {
		struct in_addr a = { htonl(0x0a000000u + i + 1) };

		for (int k = 0; k < STATUS_HISTORY; k++)
			status_tftp_refused(st, a, name, name, (uint64_t)i * 10 + (unsigned)k);
	}
	return st;
}

static void
test_big_snapshot(struct loop *loop)
{
	struct watch w = { loop, NULL, -1, -1 };

	w.pid = fork();
	if (w.pid == 0)
		_exit(reader(STATUS_MAX));
	w.t = loop_timer_new(loop, on_tick, &w);
	loop_timer_arm(w.t, 20000);
	loop_run(loop);
	loop_timer_free(w.t);
	tap_ok(WIFEXITED(w.status) && WEXITSTATUS(w.status) == 0,
		"a full table (%u clients) read whole by a slow reader (status %d)",
		STATUS_MAX, w.status);
}

static void
on_stop(struct loop_timer *t, void *arg)
{
	(void)t;
	loop_exit(arg, 0);
}

/* Runs the loop for about ms milliseconds. */
static void
spin(struct loop *loop, unsigned ms)
{
	struct loop_timer *t = loop_timer_new(loop, on_stop, loop);

	loop_timer_arm(t, ms * 1000u);
	loop_run(loop);
	loop_timer_free(t);
}

/* CONTROL_CONNS_MAX readers that do not read yet, then one more: it is
 * closed at once (an empty answer); the others still get theirs. */
static void
test_too_many(struct loop *loop)
{
	int fds[CONTROL_CONNS_MAX], extra, ok_all = 1;
	char c;

	for (int i = 0; i < CONTROL_CONNS_MAX; i++)
		fds[i] = connect_sock();
	spin(loop, 100); /* accepted, and each one's buffer filled */
	extra = connect_sock();
	spin(loop, 50);
	tap_ok(extra >= 0 && read(extra, &c, 1) == 0, "reader %d: closed at once",
		CONTROL_CONNS_MAX + 1);
	for (int i = 0; i < CONTROL_CONNS_MAX; i++) {
		if (fds[i] < 0 || read(fds[i], &c, 1) != 1)
			ok_all = 0;
		if (fds[i] >= 0)
			close(fds[i]);
	}
	tap_ok(ok_all, "the first %d get their snapshot", CONTROL_CONNS_MAX);
	if (extra >= 0)
		close(extra);
	spin(loop, 50); /* the server notices they left */
}

int
main(void)
{
	struct loop *loop = loop_new();
	struct status *st = full_table();
	struct control *c;
	struct stat sb;
	char dir[90];
	int fd;

	snprintf(dir, sizeof(dir), "%s/run", tap_tmpdir());
	snprintf(sock_path, sizeof(sock_path), "%s/d.sock", dir);
	fd = control_listen(sock_path, getegid());
	if (loop == NULL || st == NULL || fd < 0)
		tap_skip_all("cannot set up the loop or the socket");
	tap_ok(stat(sock_path, &sb) == 0 && S_ISSOCK(sb.st_mode) &&
			(sb.st_mode & 07777) == 0660,
		"socket: mode 0660");
	tap_ok(stat(dir, &sb) == 0 && (sb.st_mode & 07777) == 0750,
		"its folder, made for it: mode 0750");
	tap_is_int(control_listen(sock_path, getegid()), -EADDRINUSE,
		"a live socket is left alone");
	c = control_new(loop, fd, st);
	tap_ok(c != NULL, "served on the loop");
	test_big_snapshot(loop);
	test_too_many(loop);
	control_free(c);
	fd = control_listen(sock_path, getegid());
	tap_ok(fd >= 0, "a stale socket (server gone) is replaced");
	if (fd >= 0)
		close(fd);
	status_free(st);
	loop_free(loop);
	return tap_done();
}
