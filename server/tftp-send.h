/*
 * tftp-send.h: DATA blocks onto the wire for disklessd's TFTP server.
 *
 * tftpd.c decides which blocks go out and when (windows, the retransmission
 * timer); this puts blocks from..to of a file on a transfer's connected UDP
 * socket with the fewest syscalls the case allows: GSO windows, read-ahead
 * for small blocks, netascii converted (see tftp-send.c). Blocks are counted
 * from 1 in 64 bits and go out as their low 16 bits (RFC 1350 wraps).
 */
#ifndef DISKLESS_TFTP_SEND_H
#define DISKLESS_TFTP_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>
#include <sys/uio.h>

#include "loop.h"
#include "tftp-file.h"
#include "tftp-pkt.h"

/* The most blocks and bytes one call may send: the sender's scratch holds
 * no more. The negotiation (tftpd.c) keeps windows within both. */
#define TFTP_SEND_WINDOW_MAX 64
#define TFTP_SEND_BYTES_MAX (1024u * 1024u)

/* What a transfer sends: the file, how, and its read state. */
struct tftp_src {
	struct tftp_file *file; /* a reference of the transfer's, not owned */
	enum tftp_mode mode;
	uint32_t blksize;
	uint64_t nblocks; /* octet: data blocks, the last one short (maybe 0 bytes) */
	/* octet, small windows: blocks ra_first..ra_first+ra_n-1 read ahead */
	uint8_t *ra;
	uint64_t ra_first;
	unsigned ra_n;
	/* netascii: one block kept for resending, produced from na_off */
	uint8_t *nabuf;
	size_t nalen;
	uint64_t na_off;
	int na_pending;
	bool na_last; /* the block in nabuf is the last one */
	/* Set by the caller: a lone block whose bytes are the transfer's own
	 * (read-ahead, mapping, netascii) is queued on io to leave with the
	 * loop's next wait (loop_send_later); sent reports its failure. NULL
	 * io: sent at once. The block's header and message live here. */
	struct loop_io *io;
	loop_sent_fn *sent;
	uint8_t q_hdr[TFTP_HDR_LEN];
	struct iovec q_iov[2];
	struct msghdr q_mh;
};

/* One per server: scratch buffers, and whether the kernel refused UDP
 * GSO (it is not asked again). */
struct tftp_sender;

/* NULL when out of memory. */
struct tftp_sender *tftp_sender_new(void);
/* NULL is a no-op. */
void tftp_sender_free(struct tftp_sender *snd);

/* Returns 0, or -ENOMEM (netascii's block buffer). blksize > 0. */
int tftp_src_init(struct tftp_src *src, struct tftp_file *file, enum tftp_mode mode,
	uint32_t blksize);
/* Frees the buffers; the file stays the caller's. */
void tftp_src_release(struct tftp_src *src);

/* The data bytes of block b (octet): blksize, less for the last. */
uint32_t tftp_block_len(const struct tftp_src *src, uint64_t b);

/*
 * Sends blocks from..to (inclusive, octet; netascii: the block in nabuf,
 * from == to) on fd. Returns the number of blocks, counting those the
 * network refused (lost: the caller's timer resends them), or -errno when
 * the transfer cannot go on: the file shrank (-EIO, -EFAULT), out of
 * memory, or a fault of ours (-EMSGSIZE, -EBADF, -EINVAL).
 */
int tftp_send_blocks(struct tftp_sender *snd, struct tftp_src *src, int fd,
	uint64_t from, uint64_t to);

/* True for a send error that ends the transfer (ours: the file shrank
 * under a mapping, a bad buffer), false for one of the network (a lost
 * packet for the retransmission timer). err > 0. */
bool tftp_send_error_fatal(int err);

/* Converts the next netascii block into src->nabuf (RFC 1350: CR LF and
 * CR NUL). Returns 0 or -errno. */
int tftp_netascii_next(struct tftp_sender *snd, struct tftp_src *src);

#endif
