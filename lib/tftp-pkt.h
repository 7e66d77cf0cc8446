/*
 * tftp-pkt.h: TFTP packets as pure functions (no sockets, no files, no
 * allocation), so that the server, the unit tests and the fuzzer share them.
 *
 *   RFC 1350  the protocol (RRQ/WRQ/DATA/ACK/ERROR, netascii)
 *   RFC 2347  option extension (OACK)
 *   RFC 2348  blksize          RFC 2349  timeout, tsize
 *   RFC 7440  windowsize
 *
 * Every parser takes (pointer, length) of untrusted bytes and checks each
 * length before it reads.
 */
#ifndef DISKLESS_TFTP_PKT_H
#define DISKLESS_TFTP_PKT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* RFC 1350 §5 and RFC 2347 opcodes. */
#define TFTP_RRQ 1
#define TFTP_WRQ 2
#define TFTP_DATA 3
#define TFTP_ACK 4
#define TFTP_ERROR 5
#define TFTP_OACK 6

/* RFC 1350 §5 error codes, plus RFC 2347's 8. */
#define TFTP_EUNDEF 0
#define TFTP_ENOTFOUND 1
#define TFTP_EACCESS 2
#define TFTP_ENOSPACE 3
#define TFTP_EBADOP 4
#define TFTP_EBADID 5
#define TFTP_EEXISTS 6
#define TFTP_ENOUSER 7
#define TFTP_EOPTNEG 8

#define TFTP_HDR_LEN 4             /* opcode + block number */
#define TFTP_NAME_MAX 255          /* longest file name we accept, bytes */
#define TFTP_BLKSIZE_DEFAULT 512   /* RFC 1350 */
#define TFTP_BLKSIZE_MIN 8         /* RFC 2348 §2 */
#define TFTP_BLKSIZE_MAX 65464     /* RFC 2348 §2 */
#define TFTP_TIMEOUT_MIN 1         /* RFC 2349 §2: seconds */
#define TFTP_TIMEOUT_MAX 255
#define TFTP_WINDOW_MAX 65535      /* RFC 7440 §3 */
#define TFTP_ERRMSG_MAX 127        /* longest error text we keep or send */

enum tftp_mode {
	TFTP_MODE_OCTET,
	TFTP_MODE_NETASCII,
};

/* Bits of tftp_req.opts and tftp_params.oack. */
#define TFTP_OPT_BLKSIZE 0x1u
#define TFTP_OPT_TSIZE 0x2u
#define TFTP_OPT_TIMEOUT 0x4u
#define TFTP_OPT_WINDOWSIZE 0x8u

/* A parsed RRQ or WRQ. Options only appear in opts when their value was a
 * decimal number; their range is judged by tftp_negotiate(). */
struct tftp_req {
	uint16_t opcode; /* TFTP_RRQ or TFTP_WRQ */
	enum tftp_mode mode;
	char name[TFTP_NAME_MAX + 1];
	unsigned opts;
	uint64_t blksize, timeout, windowsize, tsize; /* UINT64_MAX: overflowed */
};

/*
 * Parses a request. Returns 0, or a negative errno with *why pointing to a
 * static reason fit for a log line and an ERROR packet:
 *   -EBADMSG        malformed (too short, no NUL after the name or mode)
 *   -EOPNOTSUPP     not an RRQ or WRQ
 *   -ENAMETOOLONG   name longer than TFTP_NAME_MAX
 *   -EPROTONOSUPPORT  mode other than octet/netascii (e.g. "mail")
 * Unknown options are ignored (RFC 2347 §2); a repeated option keeps its
 * first value; an option name at the very end without a value is treated as
 * trailing garbage and ignored, like OpenBSD tftpd does for Apple
 * OpenFirmware.
 */
int tftp_req_parse(const void *pkt, size_t len, struct tftp_req *req, const char **why);

/* What the server allows for one transfer. */
struct tftp_limits {
	uint32_t max_blksize;      /* site cap, already lowered to path MTU - 32 */
	uint32_t max_windowsize;   /* site cap */
	uint32_t max_window_bytes; /* windowsize * (blksize + block_overhead)
				    * never exceeds this: a socket buffer */
	/* Granted to a client asking for more than the cap (0: the cap). */
	uint32_t default_blksize;
	uint32_t default_windowsize;
	uint32_t block_overhead; /* buffer bytes a block costs beyond its data */
};

/* The outcome of negotiation: what the transfer uses and what the OACK says. */
struct tftp_params {
	uint32_t blksize;
	uint32_t windowsize;
	uint32_t timeout; /* seconds; 0: the client asked for none */
	uint64_t tsize;
	unsigned oack; /* TFTP_OPT_* to acknowledge; 0: send no OACK, start DATA */
};

/*
 * RFC 2347 negotiation for a read of a file of size bytes. Pure.
 * blksize (RFC 2348): 8..65464 accepted, larger values lowered to the cap
 * ("the server may respond with a smaller blocksize"); below 8 ignored.
 * timeout (RFC 2349): 1..255 echoed, other values ignored.
 * tsize (RFC 2349): answered with the file size, octet mode only (in
 * netascii the size on the wire is unknown until the end), and not for
 * an empty file (curl refuses "tsize 0").
 * windowsize (RFC 7440): 1..65535, lowered to the caps.
 * A blksize or windowsize above the site cap gets the site's default for it
 * when one is set (a client asking for more than allowed is asking "as much
 * as you can"), the cap otherwise; within the cap, what was asked.
 */
void tftp_negotiate(const struct tftp_req *req, uint64_t size,
	const struct tftp_limits *lim, struct tftp_params *out);

/* Writers: return the packet length, or -ENOSPC when cap is too small. */
ssize_t tftp_oack_build(const struct tftp_params *p, void *buf, size_t cap);
ssize_t tftp_error_build(uint16_t code, const char *msg, void *buf, size_t cap);

/* A packet a client sends during a read: ACK or ERROR. */
struct tftp_reply {
	uint16_t opcode;                   /* TFTP_ACK or TFTP_ERROR */
	uint16_t block;                    /* ACK */
	uint16_t code;                     /* ERROR */
	char msg[TFTP_ERRMSG_MAX + 1];     /* ERROR, control bytes replaced */
};
/* Returns 0, -EBADMSG (short) or -EOPNOTSUPP (another opcode). */
int tftp_reply_parse(const void *pkt, size_t len, struct tftp_reply *r);

/*
 * Turns a requested name into a path relative to the TFTP root, or refuses
 * it. root is the TFTP root as configured (may be NULL): clients that send
 * the full path ("/srv/tftp/pxelinux.0") get it stripped, as do leading
 * slashes (pxelinux asks "/pxelinux.cfg/default"). Refused, with -EACCES and
 * *why set: control bytes, backslashes, "..", an empty result; names that
 * do not fit out give -ENAMETOOLONG. "." and empty components are dropped.
 * The kernel (openat2 RESOLVE_BENEATH) still has the last word on symlinks.
 */
int tftp_path_clean(const char *name, const char *root, char *out, size_t outsz,
	const char **why);

/*
 * RFC 1350 netascii (RFC 764): LF goes out as CR LF and CR as CR NUL.
 * Encodes src into dst until either runs out; *pending carries a byte owed
 * from a pair cut by the end of dst (-1: none; start with -1). Returns the
 * bytes written; *used gets the bytes of src consumed. With srclen 0 it
 * only flushes *pending.
 */
size_t tftp_netascii_encode(const uint8_t *src, size_t srclen, size_t *used,
	uint8_t *dst, size_t dstcap, int *pending);

#endif
