/*
 * test-tftp-send.c: the block sender (server/tftp-send.c) on a loopback UDP
 * pair. A table of sends, each checked datagram by datagram against the
 * file: lock-step blocks served from the read-ahead, a block before it
 * (a retransmission) read again, windows through the read-ahead and
 * through one GSO send, the short and the empty last block, a block number
 * past 65535 on the wire, netascii, and a file that shrank (-EIO).
 * Then, with the loop in io_uring, lone blocks queued to leave with its
 * next wait: not on the wire before it, intact after a resend refilled
 * the read-ahead they came from, from a shared mapping, and netascii
 * blocks that the next conversion would overwrite.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "tftp-send.h"

struct step {
	uint64_t from, to;
	int want; /* the return: blocks, or -errno */
	const char *what;
};

static int rx = -1, tx = -1;

/* A connected pair on 127.0.0.1: tx sends, rx receives (non-blocking). */
static int
pair(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int big = 4 << 20;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || tx < 0 || bind(rx, (struct sockaddr *)&a, sizeof(a)) < 0 ||
		getsockname(rx, (struct sockaddr *)&a, &len) < 0 ||
		connect(tx, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	(void)setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	return 0;
}

static struct tftp_file *
file_of(const char *path)
{
	static struct tftp_file f;
	struct stat st;

	memset(&f, 0, sizeof(f));
	f.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f.fd < 0 || fstat(f.fd, &st) < 0)
		return NULL;
	f.size = (uint64_t)st.st_size;
	return &f;
}

/* Receives one datagram: block b with the file's bytes? */
static int
got_block(const struct tftp_src *src, const uint8_t *data, uint64_t b, const char *what)
{
	static uint8_t buf[TFTP_BLKSIZE_MAX + TFTP_HDR_LEN + 1];
	uint32_t len = tftp_block_len(src, b);
	ssize_t n;

	n = recv(rx, buf, sizeof(buf), 0);
	if (n != (ssize_t)(TFTP_HDR_LEN + len) || buf[0] != 0 || buf[1] != 3 ||
		buf[2] != (uint8_t)(b >> 8) || buf[3] != (uint8_t)b ||
		memcmp(buf + TFTP_HDR_LEN, data + (b - 1) * src->blksize, len) != 0) {
		tap_diag("%s: block %llu: got %zd bytes, opcode %u, number %u", what,
			(unsigned long long)b, n, buf[1], (unsigned)buf[2] << 8 | buf[3]);
		return 0;
	}
	return 1;
}

/* Receives blocks from..to and compares each with the file's bytes. */
static int
received_ok(const struct tftp_src *src, const uint8_t *data, uint64_t from,
	uint64_t to, const char *what)
{
	uint8_t buf[16];
	uint64_t b;

	for (b = from; b <= to; b++)
		if (!got_block(src, data, b, what))
			return 0;
	return recv(rx, buf, sizeof(buf), 0) < 0; /* nothing more */
}

static void
run(struct tftp_sender *snd, struct tftp_src *src, const uint8_t *data,
	const struct step *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int r = tftp_send_blocks(snd, src, tx, t[i].from, t[i].to);

		if (src->io != NULL)
			loop_io_flush(src->io); /* what was queued leaves now */

		tap_is_int(r, t[i].want, "%s: returns %d", t[i].what, t[i].want);
		if (t[i].want > 0)
			tap_ok(received_ok(src, data, t[i].from, t[i].to, t[i].what),
				"%s: blocks %llu..%llu on the wire, byte for byte", t[i].what,
				(unsigned long long)t[i].from, (unsigned long long)t[i].to);
	}
}

static uint8_t *
random_file(const char *name, size_t len, const char **path)
{
	uint8_t *d = malloc(len ? len : 1);

	for (size_t i = 0; d != NULL && i < len; i++)
		d[i] = (uint8_t)(i * 131u + (i >> 9) * 7u);
	*path = d ? tap_write_file(name, d, len) : NULL;
	return d;
}

static void
no_rx(struct loop_io *io, const uint8_t *buf, ssize_t n, void *arg)
{
	(void)io;
	(void)buf;
	(void)n;
	(void)arg;
}

/* Lone blocks queued in the loop's ring (src->io): they leave with its
 * next wait, here with loop_io_flush(). */
static void
queued(struct tftp_sender *snd)
{
	static const struct step lock[] = {
		{ 1, 1, 1, "queued: block 1" },
		{ 2, 2, 1, "queued: block 2, from the read-ahead" },
		{ 79, 79, 1, "queued: block 79, the short last one" },
		{ 1, 20, 20, "queued: a window of 20 (sent at once)" },
	};
	struct loop *loop = loop_new();
	struct tftp_src src;
	struct tftp_file *f;
	struct loop_io *io;
	const char *path;
	uint8_t *data, buf[1100];
	char text[600];
	ssize_t n;

	if (loop == NULL || strcmp(loop_backend(loop), "io_uring") != 0) {
		tap_skip(24, "no io_uring here: blocks are never queued");
		loop_free(loop);
		return;
	}
	io = loop_recv_add(loop, tx, no_rx, NULL);
	data = random_file("q40000", 40000, &path);
	f = file_of(path);
	tftp_src_init(&src, f, TFTP_MODE_OCTET, 512);
	src.io = io;
	tap_is_int(tftp_send_blocks(snd, &src, tx, 1, 1), 1, "queued: block 1 is sent");
	tap_ok(recv(rx, buf, sizeof(buf), MSG_DONTWAIT) < 0,
		"queued: ... but not on the wire before the loop's wait");
	loop_io_flush(io);
	tap_ok(received_ok(&src, data, 1, 1, "queued block 1"), "queued: then it is");
	run(snd, &src, data, lock, sizeof(lock) / sizeof(lock[0]));
	/* block 40 queued, then block 1 resent: the read-ahead block 40 came
	 * from is refilled, after block 40 has left */
	tftp_send_blocks(snd, &src, tx, 40, 40);
	tftp_send_blocks(snd, &src, tx, 1, 1);
	loop_io_flush(io);
	tap_ok(got_block(&src, data, 40, "40") && got_block(&src, data, 1, "1"),
		"queued: block 40 intact after a resend refilled its read-ahead");
	tftp_src_release(&src);

	/* a lone large block: read into the transfer's own buffer, queued */
	tftp_src_init(&src, f, TFTP_MODE_OCTET, 16384);
	src.io = io;
	tap_is_int(tftp_send_blocks(snd, &src, tx, 2, 2), 1, "queued: a block of 16384 bytes");
	tap_ok(recv(rx, buf, sizeof(buf), MSG_DONTWAIT) < 0,
		"queued: ... not on the wire before the loop's wait");
	tap_is_int(tftp_send_blocks(snd, &src, tx, 3, 3), 1,
		"queued: block 3 next (its read replaces block 2's bytes)");
	loop_io_flush(io);
	tap_ok(received_ok(&src, data, 2, 3, "16384"), "queued: both intact, byte for byte");
	tftp_src_release(&src);

	/* a file shared by transfers is mapped: blocks queued from there */
	f->map = mmap(NULL, (size_t)f->size, PROT_READ, MAP_SHARED, f->fd, 0);
	tap_ok(f->map != MAP_FAILED, "queued: the file mapped");
	tftp_src_init(&src, f, TFTP_MODE_OCTET, 1468);
	src.io = io;
	tap_is_int(tftp_send_blocks(snd, &src, tx, 5, 5), 1, "queued: block 5 from the mapping");
	loop_io_flush(io);
	tap_ok(received_ok(&src, data, 5, 5, "mapped 5"), "queued: ... byte for byte");
	tftp_src_release(&src);
	munmap((void *)(uintptr_t)f->map, (size_t)f->size);
	close(f->fd);
	free(data);

	/* netascii: the next conversion must not overwrite a queued block */
	memset(text, 'x', sizeof(text));
	path = tap_write_file("qtext", text, sizeof(text));
	f = file_of(path);
	tftp_src_init(&src, f, TFTP_MODE_NETASCII, 512);
	src.io = io;
	tftp_netascii_next(snd, &src);
	tap_is_int(tftp_send_blocks(snd, &src, tx, 1, 1), 1, "queued: netascii block 1");
	tap_is_int(tftp_netascii_next(snd, &src), 0, "queued: block 2 converted over it");
	tap_is_int(tftp_send_blocks(snd, &src, tx, 2, 2), 1, "queued: netascii block 2");
	loop_io_flush(io);
	n = recv(rx, buf, sizeof(buf), 0);
	tap_ok(n == 4 + 512 && buf[3] == 1 && buf[4] == 'x' && buf[515] == 'x',
		"queued: block 1 left as it was (%zd bytes)", n);
	n = recv(rx, buf, sizeof(buf), 0);
	tap_ok(n == 4 + 88 && buf[3] == 2, "queued: block 2 after it (%zd bytes)", n);
	tftp_src_release(&src);
	close(f->fd);
	loop_io_free(io);
	loop_free(loop);
}

int
main(void)
{
	/* 40000 bytes at 512: 78 full blocks and block 79 of 64 bytes. */
	static const struct step lock[] = {
		{ 1, 1, 1, "lock-step block 1 (reads 32 ahead)" },
		{ 2, 2, 1, "block 2, from the read-ahead" },
		{ 32, 32, 1, "block 32, the last one read ahead" },
		{ 33, 33, 1, "block 33, read ahead again" },
		{ 1, 1, 1, "block 1 resent, before the read-ahead: read again" },
		{ 79, 79, 1, "block 79, the short last one" },
		{ 70, 79, 10, "a window of 10 x 512 (through the read-ahead)" },
		{ 1, 20, 20, "a window of 20 x 512 (one pread, one GSO send)" },
		{ 5, 5, 1, "block 5 after a window" },
	};
	/* 1024 bytes at 512: the third block is empty. */
	static const struct step exact[] = {
		{ 1, 2, 2, "exactly 2 x 512: blocks 1 and 2" },
		{ 3, 3, 1, "... and the empty block 3" },
	};
	/* 40000 bytes at 1468, windows of 4: 5872 bytes, read ahead. */
	static const struct step w1468[] = {
		{ 1, 4, 4, "1468 x 4: first window" },
		{ 5, 8, 4, "1468 x 4: second window" },
		{ 25, 28, 4, "1468 x 4: the last window, block 28 short" },
	};
	struct tftp_sender *snd;
	struct tftp_src src;
	struct tftp_file *f;
	const char *path;
	uint8_t *data;
	uint8_t buf[1024];
	ssize_t n;
	int fd;

	if (pair() < 0)
		tap_skip_all("no UDP socket on 127.0.0.1");
	snd = tftp_sender_new();
	tap_ok(snd != NULL, "a sender");

	data = random_file("f40000", 40000, &path);
	f = file_of(path);
	tap_is_int(tftp_src_init(&src, f, TFTP_MODE_OCTET, 512), 0, "octet source, 512");
	tap_is_int((long long)src.nblocks, 79, "79 blocks");
	tap_is_int(tftp_block_len(&src, 79), 64, "the last one of 64 bytes");
	run(snd, &src, data, lock, sizeof(lock) / sizeof(lock[0]));
	tftp_src_release(&src);
	tap_is_int(tftp_src_init(&src, f, TFTP_MODE_OCTET, 1468), 0, "octet source, 1468");
	run(snd, &src, data, w1468, sizeof(w1468) / sizeof(w1468[0]));
	tftp_src_release(&src);
	close(f->fd);
	free(data);

	data = random_file("f1024", 1024, &path);
	f = file_of(path);
	tap_is_int(tftp_src_init(&src, f, TFTP_MODE_OCTET, 512), 0, "a file of 2 x 512");
	tap_is_int((long long)src.nblocks, 3, "3 blocks, the last empty");
	run(snd, &src, data, exact, sizeof(exact) / sizeof(exact[0]));
	tftp_src_release(&src);
	close(f->fd);
	free(data);

	/* 40 MiB, sparse: block 65537 goes out as block 1 (RFC 1350 wraps). */
	path = tap_write_file("sparse", "", 0);
	fd = path ? open(path, O_WRONLY) : -1;
	tap_ok(fd >= 0 && ftruncate(fd, 40 << 20) == 0, "a sparse file of 40 MiB");
	if (fd >= 0)
		close(fd);
	f = file_of(path);
	tftp_src_init(&src, f, TFTP_MODE_OCTET, 512);
	tap_is_int(tftp_send_blocks(snd, &src, tx, 65537, 65537), 1, "block 65537 sent");
	n = recv(rx, buf, sizeof(buf), 0);
	tap_ok(n == 4 + 512 && buf[1] == 3 && buf[2] == 0 && buf[3] == 1,
		"... as block 1 on the wire (%zd bytes)", n);
	tftp_src_release(&src);

	/* The file shrinks under the transfer: never a short block. */
	tap_is_int(tftp_src_init(&src, f, TFTP_MODE_OCTET, 512), 0, "a 40 MiB transfer");
	fd = open(path, O_WRONLY);
	tap_ok(fd >= 0 && ftruncate(fd, 1000) == 0, "the file cut to 1000 bytes");
	if (fd >= 0)
		close(fd);
	tap_is_int(tftp_send_blocks(snd, &src, tx, 2, 2), -EIO,
		"block 2 (bytes 512..1023, 1000 left): -EIO");
	tap_is_int(tftp_send_blocks(snd, &src, tx, 100, 120), -EIO,
		"a window past the end: -EIO");
	tap_ok(recv(rx, buf, sizeof(buf), 0) < 0, "... and nothing went out");

	tap_is_int(tftp_send_blocks(snd, &src, tx, 1, TFTP_SEND_WINDOW_MAX + 1), -EINVAL,
		"a window past the scratch's %d blocks: -EINVAL", TFTP_SEND_WINDOW_MAX);
	tap_is_int(tftp_send_blocks(snd, &src, tx, 5, 4), -EINVAL, "to before from: -EINVAL");
	tftp_src_release(&src);
	close(f->fd);

	/* netascii: LF -> CR LF, CR -> CR NUL (RFC 1350). */
	path = tap_write_file("text", "a\nb\rc", 5);
	f = file_of(path);
	tap_is_int(tftp_src_init(&src, f, TFTP_MODE_NETASCII, 512), 0, "netascii source");
	tap_is_int(tftp_netascii_next(snd, &src), 0, "the block converted");
	tap_is_int(tftp_send_blocks(snd, &src, tx, 1, 1), 1, "... and sent");
	n = recv(rx, buf, sizeof(buf), 0);
	tap_is_mem(buf, n > 0 ? (size_t)n : 0, "\0\3\0\1a\r\nb\r\0c", 11,
		"... as \"a CR LF b CR NUL c\"");
	tap_ok(src.na_last, "... the last block");
	tftp_src_release(&src);
	close(f->fd);

	queued(snd);
	tftp_sender_free(snd);
	close(rx);
	close(tx);
	return tap_done();
}
