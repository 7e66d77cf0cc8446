/*
 * control.c: see control.h. Each connection gets the snapshot rendered
 * into its own buffer at accept time (the table may change before a slow
 * client has read it all), written as the socket takes it.
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "log.h"

#define CONTROL_BACKLOG 16
#define ACCEPT_BATCH 8

struct conn {
	struct control *c;
	struct conn *next;
	int fd;
	struct loop_io *io;
	struct loop_timer *timer;
	char *buf;
	size_t len, off;
};

struct control {
	struct loop *loop;
	const struct status *st;
	int fd;
	struct loop_io *io;
	struct conn *conns;
	unsigned n_conns;
	unsigned long refused; /* over CONTROL_CONNS_MAX, for the log */
};

/* ---- the socket file ----------------------------------------------------- */

/* The folder, created 0750 with group gid when missing (an existing one,
 * such as /run, is left as it is). */
static int
make_folder(const char *path, gid_t gid)
{
	char buf[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const char *dir;

	snprintf(buf, sizeof(buf), "%s", path);
	dir = dirname(buf);
	if (mkdir(dir, 0750) < 0)
		return errno == EEXIST ? 0 : -errno;
	/* mkdir applied the umask: set the mode we mean */
	if (chown(dir, (uid_t)-1, gid) < 0 || chmod(dir, 0750) < 0)
		return -errno;
	return 0;
}

/* Removes a socket no server answers on; -EADDRINUSE when one does. */
static int
clear_stale(const struct sockaddr_un *sun)
{
	struct stat sb;
	int fd, r;

	if (lstat(sun->sun_path, &sb) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(sb.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	r = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (r == 0)
		return -EADDRINUSE;
	if (errno != ECONNREFUSED)
		return -errno;
	return unlink(sun->sun_path) < 0 ? -errno : 0;
}

int
control_listen(const char *path, gid_t gid)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	bool bound = false;
	mode_t old;
	int fd, r;

	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path) >=
		(int)sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	r = make_folder(path, gid);
	if (r == 0)
		r = clear_stale(&sun);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* born 0600, so no one slips in before the group is set */
	old = umask(0177);
	r = bind(fd, (const struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r < 0)
		goto fail;
	bound = true;
	if (chown(path, (uid_t)-1, gid) < 0 || chmod(path, 0660) < 0 ||
		listen(fd, CONTROL_BACKLOG) < 0)
		goto fail;
	return fd;
fail:
	r = -errno;
	if (bound)
		unlink(path);
	close(fd);
	return r;
}

/* ---- connections --------------------------------------------------------- */

static void
conn_free(struct conn *k)
{
	struct control *c = k->c;
	struct conn **pp;

	for (pp = &c->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == k) {
			*pp = k->next;
			break;
		}
	c->n_conns--;
	loop_io_free(k->io);
	loop_timer_free(k->timer);
	close(k->fd);
	free(k->buf);
	free(k);
}

static void on_writable(struct loop_io *io, int fd, uint32_t events, void *arg);

/* Writes what the socket takes; frees k when done or broken. */
static void
conn_write(struct conn *k)
{
	while (k->off < k->len) {
		ssize_t n = send(k->fd, k->buf + k->off, k->len - k->off,
			MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			conn_free(k); /* the client went away: nothing to say */
			return;
		}
		k->off += (size_t)n;
	}
	if (k->off == k->len) {
		conn_free(k);
		return;
	}
	if (k->io == NULL) {
		k->io = loop_io_add(k->c->loop, k->fd, EPOLLOUT, on_writable, k);
		if (k->io == NULL)
			conn_free(k);
	}
}

static void
on_writable(struct loop_io *io, int fd, uint32_t events, void *arg)
{
	(void)io;
	(void)fd;
	(void)events;
	conn_write(arg);
}

static void
on_timeout(struct loop_timer *t, void *arg)
{
	(void)t;
	conn_free(arg);
}

static int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Renders the snapshot into k's buffer. 0 or -errno. */
static int
render(struct conn *k)
{
	struct control *c = k->c;
	FILE *f = open_memstream(&k->buf, &k->len);
	int r;

	if (f == NULL)
		return -errno;
	r = status_write_json(c->st, f, loop_now(c->loop), wall_ms());
	if (fclose(f) != 0 && r == 0)
		r = -EIO;
	return r;
}

static void
serve(struct control *c, int fd)
{
	struct conn *k = calloc(1, sizeof(*k));
	int r;

	if (k == NULL) {
		close(fd);
		return;
	}
	k->c = c;
	k->fd = fd;
	k->next = c->conns;
	c->conns = k;
	c->n_conns++;
	k->timer = loop_timer_new(c->loop, on_timeout, k);
	r = k->timer != NULL ? render(k) : -ENOMEM;
	if (r < 0) {
		log_errnum(r, "control: status snapshot");
		conn_free(k);
		return;
	}
	loop_timer_arm(k->timer, CONTROL_TIMEOUT_US);
	conn_write(k);
}

static void
on_acceptable(struct loop_io *io, int fd, uint32_t events, void *arg)
{
	struct control *c = arg;

	(void)io;
	(void)events;
	for (int i = 0; i < ACCEPT_BATCH; i++) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
				errno != ECONNABORTED)
				log_warn("control: accept");
			return;
		}
		if (c->n_conns >= CONTROL_CONNS_MAX) {
			/* the client sees an empty answer and may retry */
			if (c->refused++ % 100 == 0)
				log_warnx("control: %u status readers at once: closing "
					  "the newest (%lu so far)",
					c->n_conns, c->refused);
			close(cfd);
			continue;
		}
		serve(c, cfd);
	}
}

/* ---- setup --------------------------------------------------------------- */

struct control *
control_new(struct loop *loop, int fd, const struct status *st)
{
	struct control *c = calloc(1, sizeof(*c));
	int saved;

	if (c == NULL)
		goto fail;
	c->loop = loop;
	c->st = st;
	c->fd = fd;
	c->io = loop_io_add(loop, fd, EPOLLIN, on_acceptable, c);
	if (c->io == NULL)
		goto fail;
	return c;
fail:
	saved = errno;
	free(c);
	close(fd);
	errno = saved;
	return NULL;
}

void
control_free(struct control *c)
{
	if (c == NULL)
		return;
	while (c->conns != NULL)
		conn_free(c->conns);
	loop_io_free(c->io);
	close(c->fd);
	free(c);
}
