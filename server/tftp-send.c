/*
 * tftp-send.c: DATA blocks onto the wire for disklessd's TFTP server, as few
 * syscalls and copies as each case allows (tftp-send.h):
 *   - a window of several blocks: one UDP GSO send (send_gso), read with
 *     one pread or taken from the file's shared mapping;
 *   - small blocks, lock-step: 16 KiB read ahead per pread (window_data);
 *     a lone large block to be queued: read into the transfer's buffer;
 *   - netascii: one block converted at a time (tftp_netascii_next);
 *   - a lone block whose bytes the transfer owns, with src->io set: queued
 *     in the loop's io_uring, to leave with its next wait (block_msg).
 * A send the kernel refuses for a reason of the network is a lost packet
 * for the retransmission timer (tftpd.c); only our own faults end a
 * transfer.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "log.h"
#include "tftp-file.h"
#include "tftp-pkt.h"
#include "tftp-send.h"

/* Read-ahead of a transfer with small windows (see window_data). */
#define RA_BYTES (16u * 1024u)
#define GSO_BYTES_MAX 60000u /* one UDP GSO send stays below 64 KiB */

struct tftp_sender {
	/* Scratch for one window: everything is sent before we return. */
	uint8_t hdr[TFTP_SEND_WINDOW_MAX][TFTP_HDR_LEN];
	struct iovec iov[TFTP_SEND_WINDOW_MAX][2];
	struct mmsghdr msgs[TFTP_SEND_WINDOW_MAX];
	uint8_t *rdbuf; /* TFTP_SEND_BYTES_MAX + TFTP_BLKSIZE_MAX, for pread */
	bool no_gso;    /* UDP_SEGMENT failed once: sendmmsg from then on */
};

struct tftp_sender *
tftp_sender_new(void)
{
	struct tftp_sender *snd = calloc(1, sizeof(*snd));

	if (snd == NULL)
		return NULL;
	snd->rdbuf = malloc(TFTP_SEND_BYTES_MAX + TFTP_BLKSIZE_MAX);
	if (snd->rdbuf == NULL) {
		free(snd);
		return NULL;
	}
	return snd;
}

void
tftp_sender_free(struct tftp_sender *snd)
{
	if (snd == NULL)
		return;
	free(snd->rdbuf);
	free(snd);
}

int
tftp_src_init(struct tftp_src *src, struct tftp_file *file, enum tftp_mode mode,
	uint32_t blksize)
{
	memset(src, 0, sizeof(*src));
	src->file = file;
	src->mode = mode;
	src->blksize = blksize;
	src->nblocks = file->size / blksize + 1;
	src->na_pending = -1;
	if (mode == TFTP_MODE_NETASCII && (src->nabuf = malloc(blksize)) == NULL)
		return -ENOMEM;
	return 0;
}

void
tftp_src_release(struct tftp_src *src)
{
	free(src->ra);
	free(src->nabuf);
	src->ra = src->nabuf = NULL;
}

static void
put16(uint8_t *p, uint64_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

uint32_t
tftp_block_len(const struct tftp_src *src, uint64_t b)
{
	uint64_t off = (b - 1) * src->blksize;
	uint64_t left = src->file->size - off;

	return left < src->blksize ? (uint32_t)left : src->blksize;
}

int
tftp_netascii_next(struct tftp_sender *snd, struct tftp_src *src)
{
	size_t out = 0, used, want;
	ssize_t n;

	if (src->io != NULL)
		loop_io_flush(src->io); /* a queued block may still be in nabuf */
	while (out < src->blksize) {
		want = src->blksize - out;
		n = pread(src->file->fd, snd->rdbuf, want, (off_t)src->na_off);
		if (n < 0)
			return -errno;
		if (n == 0) {
			out += tftp_netascii_encode(NULL, 0, &used, src->nabuf + out,
				src->blksize - out, &src->na_pending);
			break;
		}
		out += tftp_netascii_encode(snd->rdbuf, (size_t)n, &used,
			src->nabuf + out, src->blksize - out, &src->na_pending);
		src->na_off += used;
		if (used < (size_t)n)
			break;
	}
	src->nalen = out;
	src->na_last = out < src->blksize;
	return 0;
}

/*
 * Sends blocks i..i+n-1 of the prepared window as one UDP GSO send
 * (UDP_SEGMENT): the iovecs already alternate header, data, header, data,
 * so slicing the payload every blksize + 4 bytes yields one DATA packet per
 * block, the last one possibly short. One syscall and one trip down the
 * stack for the whole window, and the client is woken once rather than
 * once per packet (sendmmsg may let it run after every datagram). Returns
 * the blocks sent, or -1 with errno set. Kernels or devices without UDP GSO
 * make us fall back to sendmmsg for good.
 */
static int
send_gso(struct tftp_sender *snd, const struct tftp_src *src, int fd, unsigned i, unsigned n)
{
	union {
		char buf[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr align;
	} cm;
	struct msghdr mh = { 0 };
	struct cmsghdr *c;
	uint16_t seg = (uint16_t)(src->blksize + TFTP_HDR_LEN);
	unsigned max = GSO_BYTES_MAX / seg;

	if (n > max)
		n = max;
	if (n < 2)
		return sendmsg(fd, &snd->msgs[i].msg_hdr, MSG_DONTWAIT) < 0 ? -1 : 1;
	memset(&cm, 0, sizeof(cm));
	mh.msg_iov = &snd->iov[i][0];
	mh.msg_iovlen = 2 * n;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof(cm.buf);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_UDP;
	c->cmsg_type = UDP_SEGMENT;
	c->cmsg_len = CMSG_LEN(sizeof(seg));
	memcpy(CMSG_DATA(c), &seg, sizeof(seg));
	if (sendmsg(fd, &mh, MSG_DONTWAIT) >= 0)
		return (int)n;
	if (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT ||
		errno == EOPNOTSUPP) {
		log_info("tftp: UDP segmentation offload refused (%s): sending "
			 "windows with sendmmsg", strerror(errno));
		snd->no_gso = true;
		return sendmmsg(fd, snd->msgs + i, n, MSG_DONTWAIT);
	}
	return -1;
}

/*
 * Reads the data of blocks from..from+n-1 (octet) with one pread into buf:
 * the blocks are contiguous in the file. Returns the bytes read or -errno;
 * a file that shrank under us is -EIO.
 */
static ssize_t
read_blocks(const struct tftp_src *src, uint8_t *buf, uint64_t from, unsigned n)
{
	uint64_t off = (from - 1) * src->blksize;
	uint64_t want = (uint64_t)n * src->blksize;
	ssize_t got;

	if (off > src->file->size)
		return -EIO;
	if (want > src->file->size - off)
		want = src->file->size - off;
	got = pread(src->file->fd, buf, (size_t)want, (off_t)off);
	if (got < 0)
		return -errno;
	return (uint64_t)got == want ? got : -EIO;
}

/*
 * The data of blocks from..from+n-1 (octet, file not mapped), or NULL with
 * *err set. A lock-step client costs a pread per block otherwise: a
 * window of at most RA_BYTES / 2 is served from RA_BYTES read ahead into a
 * buffer of the transfer (32 blocks of 512 bytes per pread). A lone larger
 * block that will be queued (src->io) is read into that buffer too, grown
 * to one block: it must outlive this call. Other windows are read whole
 * into the server's scratch buffer, one pread per window.
 */
static const uint8_t *
window_data(struct tftp_sender *snd, struct tftp_src *src, uint64_t from, unsigned n,
	int *err)
{
	uint64_t bs = src->blksize, ahead;
	size_t size = bs > RA_BYTES ? bs : RA_BYTES;
	ssize_t r;

	if ((uint64_t)n * bs > RA_BYTES / 2 && (n > 1 || src->io == NULL)) {
		if ((uint64_t)n * bs > TFTP_SEND_BYTES_MAX + TFTP_BLKSIZE_MAX) {
			*err = -EINVAL; /* the negotiation keeps windows below this */
			return NULL;
		}
		r = read_blocks(src, snd->rdbuf, from, n);
		*err = r < 0 ? (int)r : 0;
		return r < 0 ? NULL : snd->rdbuf;
	}
	if (src->ra != NULL && from >= src->ra_first &&
		from - src->ra_first + n <= src->ra_n)
		return src->ra + (from - src->ra_first) * bs;
	if (src->ra == NULL && (src->ra = malloc(size)) == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	ahead = size / bs;
	if (ahead > src->nblocks - from + 1)
		ahead = src->nblocks - from + 1;
	r = read_blocks(src, src->ra, from, (unsigned)ahead);
	if (r < 0) {
		src->ra_n = 0;
		*err = (int)r;
		return NULL;
	}
	src->ra_first = from;
	src->ra_n = (unsigned)ahead;
	return src->ra;
}

/* A netfilter drop gives EPERM, ICMP errors, no route...: those are lost
 * packets that the timer resends. EFAULT is the file shrinking under a
 * shared mapping. */
bool
tftp_send_error_fatal(int err)
{
	return err == EFAULT || err == EMSGSIZE || err == EBADF || err == EINVAL ||
		err == ENOTSOCK;
}

/*
 * Fills the message of block b, the i-th of a window whose bytes were read
 * into data (octet, not mapped): header hdr, then the block's bytes. A
 * lone queued block (src->io) uses the transfer's own hdr, iov and mh:
 * the loop's next wait reads them, after the server's scratch is reused.
 */
static void
block_msg(const struct tftp_src *src, const uint8_t *data, unsigned i, uint64_t b,
	uint8_t *hdr, struct iovec *iov, struct msghdr *mh)
{
	put16(hdr, TFTP_DATA);
	put16(hdr + 2, b); /* RFC 1350 has 16 bits: wraps to 0 */
	iov[0].iov_base = hdr;
	iov[0].iov_len = TFTP_HDR_LEN;
	if (src->mode == TFTP_MODE_NETASCII) {
		iov[1].iov_base = src->nabuf;
		iov[1].iov_len = src->nalen;
	} else if (src->file->map != NULL) {
		iov[1].iov_base = (void *)(uintptr_t)(src->file->map + (b - 1) * src->blksize);
		iov[1].iov_len = tftp_block_len(src, b);
	} else {
		iov[1].iov_base = (void *)(uintptr_t)(data + (size_t)i * src->blksize);
		iov[1].iov_len = tftp_block_len(src, b);
	}
	memset(mh, 0, sizeof(*mh));
	mh->msg_iov = iov;
	mh->msg_iovlen = 2;
}

int
tftp_send_blocks(struct tftp_sender *snd, struct tftp_src *src, int fd, uint64_t from,
	uint64_t to)
{
	unsigned i, n = (unsigned)(to - from + 1);
	const uint8_t *data = NULL;
	int r = -EIO;

	if (to < from || to - from >= TFTP_SEND_WINDOW_MAX)
		return -EINVAL; /* the scratch holds no more; negotiate() keeps to it */
	/* A block still queued may point into the read-ahead we refill. */
	if (src->io != NULL)
		loop_io_flush(src->io);
	if (src->mode == TFTP_MODE_OCTET && src->file->map == NULL) {
		data = window_data(snd, src, from, n, &r);
		if (data == NULL)
			return r;
	}
	/* A lone block whose bytes are the transfer's own leaves with the
	 * loop's next wait: the one syscall a lock-step block costs. */
	if (n == 1 && src->io != NULL && data != snd->rdbuf) {
		block_msg(src, data, 0, from, src->q_hdr, src->q_iov, &src->q_mh);
		if (loop_send_later(src->io, &src->q_mh, src->sent) == 0)
			return 1;
	}
	for (i = 0; i < n; i++)
		block_msg(src, data, i, from + i, snd->hdr[i], snd->iov[i],
			&snd->msgs[i].msg_hdr);
	/* Send what the kernel takes. A message it refuses for a reason of
	 * the network is a lost packet: skip it, the timer resends. Only our
	 * own faults end the transfer (tftp_send_error_fatal): EFAULT is the file
	 * shrinking under a shared mapping. */
	for (i = 0; i < n;) {
		if (n - i == 1)
			r = sendmsg(fd, &snd->msgs[i].msg_hdr, MSG_DONTWAIT) < 0 ? -1
										    : 1;
		else if (!snd->no_gso)
			r = send_gso(snd, src, fd, i, n - i);
		else
			r = sendmmsg(fd, snd->msgs + i, n - i, MSG_DONTWAIT);
		if (r > 0) {
			i += (unsigned)r;
			continue;
		}
		if (tftp_send_error_fatal(errno))
			return -errno;
		if (errno == EAGAIN || errno == ENOBUFS)
			break; /* the buffer is full: the rest is lost too */
		i++;
	}
	return (int)n;
}

