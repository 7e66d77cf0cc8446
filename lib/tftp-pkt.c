/*
 * tftp-pkt.c: see tftp-pkt.h. Parsing walks a cursor with a remaining
 * length (dhcpleased engine.c style): every string is found with memchr
 * bounded by what is left, never with strlen on packet bytes.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tftp-pkt.h"

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * Takes the NUL-terminated string at *cur. Returns its length, or -1 when
 * no NUL is left in the packet.
 */
static ssize_t
take_string(const uint8_t **cur, size_t *rem, const char **s)
{
	const uint8_t *nul = memchr(*cur, '\0', *rem);
	size_t n;

	if (nul == NULL)
		return -1;
	n = (size_t)(nul - *cur);
	*s = (const char *)*cur;
	*cur += n + 1;
	*rem -= n + 1;
	return (ssize_t)n;
}

/* Strict decimal: digits only. Saturates at UINT64_MAX ("absurd" values
 * still mean "as big as you allow" for blksize and windowsize). */
static int
parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -EINVAL;
	for (; *s != '\0'; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			v = UINT64_MAX;
		else
			v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static void
take_option(struct tftp_req *req, const char *name, const char *value)
{
	static const struct {
		const char *name;
		unsigned bit;
		size_t off;
	} known[] = {
		{ "blksize", TFTP_OPT_BLKSIZE, offsetof(struct tftp_req, blksize) },
		{ "tsize", TFTP_OPT_TSIZE, offsetof(struct tftp_req, tsize) },
		{ "timeout", TFTP_OPT_TIMEOUT, offsetof(struct tftp_req, timeout) },
		{ "windowsize", TFTP_OPT_WINDOWSIZE,
			offsetof(struct tftp_req, windowsize) },
	};
	size_t i;
	uint64_t v;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		/* RFC 2347 §2: option names are case-insensitive. */
		if (strcasecmp(name, known[i].name) != 0)
			continue;
		if (req->opts & known[i].bit)
			return; /* repeated: the first one counts */
		if (parse_u64(value, &v) < 0)
			return; /* not a number: as if not asked */
		memcpy((char *)req + known[i].off, &v, sizeof(v));
		req->opts |= known[i].bit;
		return;
	}
}

int
tftp_req_parse(const void *pkt, size_t len, struct tftp_req *req, const char **why)
{
	const uint8_t *cur = pkt;
	size_t rem = len;
	const char *name, *mode, *oname, *oval;
	ssize_t n;

	memset(req, 0, sizeof(*req));
	*why = NULL;
	if (rem < 2) {
		*why = "packet too short";
		return -EBADMSG;
	}
	req->opcode = get16(cur);
	cur += 2;
	rem -= 2;
	if (req->opcode != TFTP_RRQ && req->opcode != TFTP_WRQ) {
		*why = "not a read or write request";
		return -EOPNOTSUPP;
	}
	n = take_string(&cur, &rem, &name);
	if (n < 0) {
		*why = "file name not NUL-terminated";
		return -EBADMSG;
	}
	if (n == 0) {
		*why = "empty file name";
		return -EBADMSG;
	}
	if (n > TFTP_NAME_MAX) {
		*why = "file name too long";
		return -ENAMETOOLONG;
	}
	memcpy(req->name, name, (size_t)n + 1);
	if (take_string(&cur, &rem, &mode) < 0) {
		*why = "mode not NUL-terminated";
		return -EBADMSG;
	}
	if (strcasecmp(mode, "octet") == 0) {
		req->mode = TFTP_MODE_OCTET;
	} else if (strcasecmp(mode, "netascii") == 0) {
		req->mode = TFTP_MODE_NETASCII;
	} else {
		*why = "unsupported transfer mode (use octet or netascii)";
		return -EPROTONOSUPPORT;
	}
	/* RFC 2347 §2: name/value pairs follow until the end of the packet.
	 * A pair cut short is trailing garbage, not a reason to refuse. */
	while (rem > 0) {
		if (take_string(&cur, &rem, &oname) < 0)
			break;
		if (take_string(&cur, &rem, &oval) < 0)
			break;
		take_option(req, oname, oval);
	}
	return 0;
}

/* What a client asking for `asked` gets under `cap`: within the cap what it
 * asked, above it the site's default (0: none, the cap), never below min. */
static uint32_t
grant(uint64_t asked, uint64_t cap, uint32_t dflt, uint32_t min)
{
	if (asked <= cap)
		return (uint32_t)asked;
	if (dflt == 0 || dflt > cap)
		return (uint32_t)cap;
	return dflt < min ? min : dflt;
}

void
tftp_negotiate(const struct tftp_req *req, uint64_t size,
	const struct tftp_limits *lim, struct tftp_params *out)
{
	uint64_t cap;

	memset(out, 0, sizeof(*out));
	out->blksize = TFTP_BLKSIZE_DEFAULT;
	out->windowsize = 1;
	if ((req->opts & TFTP_OPT_BLKSIZE) && req->blksize >= TFTP_BLKSIZE_MIN) {
		cap = lim->max_blksize;
		if (cap > TFTP_BLKSIZE_MAX)
			cap = TFTP_BLKSIZE_MAX;
		if (cap < TFTP_BLKSIZE_MIN)
			cap = TFTP_BLKSIZE_MIN;
		out->blksize = grant(req->blksize, cap, lim->default_blksize,
			TFTP_BLKSIZE_MIN);
		out->oack |= TFTP_OPT_BLKSIZE;
	}
	/* tsize 0 is left out: curl (7.88) takes an OACK saying tsize 0 for
	 * an invalid answer and gives up without a word; without it, an
	 * empty file is simply one empty DATA block. */
	if ((req->opts & TFTP_OPT_TSIZE) && req->mode == TFTP_MODE_OCTET && size > 0) {
		out->tsize = size;
		out->oack |= TFTP_OPT_TSIZE;
	}
	if ((req->opts & TFTP_OPT_TIMEOUT) && req->timeout >= TFTP_TIMEOUT_MIN &&
		req->timeout <= TFTP_TIMEOUT_MAX) {
		out->timeout = (uint32_t)req->timeout;
		out->oack |= TFTP_OPT_TIMEOUT;
	}
	/* RFC 7440 §4: netascii is left lock-step, the encoder keeps a state
	 * that a window restart would have to rewind. */
	if ((req->opts & TFTP_OPT_WINDOWSIZE) && req->windowsize >= 1 &&
		req->mode == TFTP_MODE_OCTET) {
		uint64_t fit = lim->max_window_bytes /
			((uint64_t)out->blksize + lim->block_overhead);

		cap = lim->max_windowsize ? lim->max_windowsize : 1;
		if (cap > TFTP_WINDOW_MAX)
			cap = TFTP_WINDOW_MAX;
		out->windowsize = grant(req->windowsize, cap, lim->default_windowsize, 1);
		/* whatever was granted, the window must fit the buffers */
		if (fit < out->windowsize)
			out->windowsize = fit < 1 ? 1 : (uint32_t)fit;
		out->oack |= TFTP_OPT_WINDOWSIZE;
	}
}

static ssize_t
put_option(uint8_t *buf, size_t cap, size_t at, const char *name, uint64_t v)
{
	char num[24];
	size_t nl = strlen(name), vl;
	int r;

	r = snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	if (r < 0 || (size_t)r >= sizeof(num))
		return -ENOSPC;
	vl = (size_t)r;
	if (cap - at < nl + 1 + vl + 1)
		return -ENOSPC;
	memcpy(buf + at, name, nl + 1);
	memcpy(buf + at + nl + 1, num, vl + 1);
	return (ssize_t)(at + nl + 1 + vl + 1);
}

ssize_t
tftp_oack_build(const struct tftp_params *p, void *out, size_t cap)
{
	uint8_t *buf = out;
	ssize_t at = 2;

	if (cap < 2)
		return -ENOSPC;
	put16(buf, TFTP_OACK);
	if (p->oack & TFTP_OPT_BLKSIZE)
		at = put_option(buf, cap, (size_t)at, "blksize", p->blksize);
	if (at > 0 && (p->oack & TFTP_OPT_TSIZE))
		at = put_option(buf, cap, (size_t)at, "tsize", p->tsize);
	if (at > 0 && (p->oack & TFTP_OPT_TIMEOUT))
		at = put_option(buf, cap, (size_t)at, "timeout", p->timeout);
	if (at > 0 && (p->oack & TFTP_OPT_WINDOWSIZE))
		at = put_option(buf, cap, (size_t)at, "windowsize", p->windowsize);
	return at;
}

ssize_t
tftp_error_build(uint16_t code, const char *msg, void *out, size_t cap)
{
	uint8_t *buf = out;
	size_t n = strnlen(msg, TFTP_ERRMSG_MAX);

	if (cap < TFTP_HDR_LEN + n + 1)
		return -ENOSPC;
	put16(buf, TFTP_ERROR);
	put16(buf + 2, code);
	memcpy(buf + 4, msg, n);
	buf[4 + n] = '\0';
	return (ssize_t)(TFTP_HDR_LEN + n + 1);
}

int
tftp_reply_parse(const void *pkt, size_t len, struct tftp_reply *r)
{
	const uint8_t *p = pkt;
	size_t i, n;

	memset(r, 0, sizeof(*r));
	if (len < TFTP_HDR_LEN)
		return -EBADMSG;
	r->opcode = get16(p);
	if (r->opcode == TFTP_ACK) {
		r->block = get16(p + 2);
		return 0;
	}
	if (r->opcode != TFTP_ERROR)
		return -EOPNOTSUPP;
	r->code = get16(p + 2);
	/* The text is for our log: keep what fits, stop at NUL, and never
	 * let a client put control bytes (newlines) into a log line. */
	n = len - TFTP_HDR_LEN;
	if (n > TFTP_ERRMSG_MAX)
		n = TFTP_ERRMSG_MAX;
	for (i = 0; i < n && p[4 + i] != '\0'; i++)
		r->msg[i] = (p[4 + i] < 0x20 || p[4 + i] == 0x7f) ? '?' : (char)p[4 + i];
	r->msg[i] = '\0';
	return 0;
}

/* Strips the configured root from a full path sent by firmware. */
static const char *
strip_root(const char *name, const char *root)
{
	size_t rl;

	if (root == NULL)
		return name;
	while (root[0] == '/' && root[1] == '/')
		root++;
	rl = strlen(root);
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if (rl <= 1 || strncmp(name, root, rl) != 0)
		return name;
	if (name[rl] == '/')
		return name + rl;
	return name;
}

int
tftp_path_clean(const char *name, const char *root, char *out, size_t outsz,
	const char **why)
{
	const unsigned char *c;
	const char *p, *end;
	size_t at = 0, n;

	*why = NULL;
	for (c = (const unsigned char *)name; *c != '\0'; c++) {
		if (*c < 0x20 || *c == 0x7f) {
			*why = "control character in file name";
			return -EACCES;
		}
		/* Windows-style names are refused rather than rewritten: a
		 * backslash is an ordinary byte to the kernel, and turning it
		 * into '/' after a check is how peers got traversal bugs. */
		if (*c == '\\') {
			*why = "backslash in file name";
			return -EACCES;
		}
	}
	p = strip_root(name, root);
	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		end = strchrnul(p, '/');
		n = (size_t)(end - p);
		if (n == 1 && p[0] == '.') {
			p = end;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			*why = "'..' in file name";
			return -EACCES;
		}
		if (outsz < at + (at > 0) + n + 1) {
			*why = "file name too long";
			return -ENAMETOOLONG;
		}
		if (at > 0)
			out[at++] = '/';
		memcpy(out + at, p, n);
		at += n;
		p = end;
	}
	if (at == 0) {
		*why = "no file named";
		return -EACCES;
	}
	out[at] = '\0';
	return 0;
}

size_t
tftp_netascii_encode(const uint8_t *src, size_t srclen, size_t *used, uint8_t *dst,
	size_t dstcap, int *pending)
{
	size_t i = 0, o = 0;

	if (*pending >= 0 && o < dstcap) {
		dst[o++] = (uint8_t)*pending;
		*pending = -1;
	}
	while (i < srclen && o < dstcap && *pending < 0) {
		uint8_t b = src[i++];

		if (b == '\n') {
			dst[o++] = '\r';
			*pending = '\n';
		} else if (b == '\r') {
			dst[o++] = '\r';
			*pending = '\0';
		} else {
			dst[o++] = b;
			continue;
		}
		if (o < dstcap) {
			dst[o++] = (uint8_t)*pending;
			*pending = -1;
		}
	}
	*used = i;
	return o;
}
