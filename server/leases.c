/*
 * leases.c: see leases.h.
 *
 * Records live in one dense array; two open-addressing tables (linear
 * probing, deletion by backward shift, so no tombstones) map a MAC and an
 * address to an index into it. Declined addresses have a record in the
 * address table only (its MAC, the decliner's, is kept for the journal).
 *
 * Why a journal and not a rewritten file: ISC dhcpd's one fsync per lease
 * limits it to the disk's fsync rate, and udhcpd's in-place O_TRUNC rewrite
 * loses everything when it crashes half way. Appending 32-byte records and
 * syncing once per event-loop turn costs one fdatasync per batch, and a
 * crash can only cut the last, unacknowledged, records.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leases.h"
#include "log.h"

#define SLOT_EMPTY UINT32_MAX
#define JOURNAL_MAX_BYTES (1u << 30) /* 33 M records: anything larger is not ours */

const char leases_header[LEASES_HDR_LEN] = { 'D', 'I', 'S', 'K', 'L', 'E', 'S', 'S',
	'-', 'L', 'E', 'A', 'S', 'E', '1', '\n' };

struct table {
	uint32_t *slot;
	size_t mask; /* size - 1, size a power of two */
};

struct leases {
	struct lease *v;
	size_t n, cap;
	struct table by_mac, by_addr;
	uint32_t range_start, range_end; /* host order; start > end: none */
	uint32_t *reserved;              /* sorted */
	size_t n_reserved;
	int64_t now; /* latest time given: what replay and compaction expire by */

	/* journal */
	int fd, dirfd;
	char *path, *dir;
	uint8_t *wbuf;
	size_t wbuf_len, wbuf_cap;
	uint64_t seq;         /* last record appended to wbuf */
	uint64_t written_seq; /* last record written to the file */
	uint64_t synced_seq;  /* last record known durable */
	size_t journal_records;
	size_t compact_at; /* after a failed compaction: when to try again */
};

/* ---- CRC-32 (IEEE 802.3, reflected), table built on first use ---- */

static uint32_t crc_table[256];

static uint32_t
crc32_ieee(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	if (crc_table[1] == 0) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t x = i;

			for (int k = 0; k < 8; k++)
				x = (x & 1) ? 0xedb88320u ^ (x >> 1) : x >> 1;
			crc_table[i] = x;
		}
	}
	while (n-- > 0)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

/* ---- hashing and tables ---- */

static uint64_t
mac_key(const uint8_t mac[NETADDR_MAC_LEN])
{
	uint64_t k = 0;

	for (int i = 0; i < NETADDR_MAC_LEN; i++)
		k = k << 8 | mac[i];
	return k;
}

static size_t
hash64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (size_t)k;
}

static size_t
mac_hash(const uint8_t mac[NETADDR_MAC_LEN])
{
	return hash64(mac_key(mac));
}

static size_t
addr_hash(uint32_t addr)
{
	return hash64(addr);
}

static bool
indexed_by_mac(const struct lease *l)
{
	return l->state != LEASE_DECLINED;
}

static size_t
slot_hash(const struct leases *ls, const struct table *t, uint32_t idx)
{
	if (t == &ls->by_mac)
		return mac_hash(ls->v[idx].mac);
	return addr_hash(ls->v[idx].addr);
}

static int
table_alloc(struct table *t, size_t size)
{
	t->slot = malloc(size * sizeof(*t->slot));
	if (t->slot == NULL)
		return -ENOMEM;
	memset(t->slot, 0xff, size * sizeof(*t->slot));
	t->mask = size - 1;
	return 0;
}

static void
table_insert(struct table *t, size_t h, uint32_t idx)
{
	size_t i = h & t->mask;

	while (t->slot[i] != SLOT_EMPTY)
		i = (i + 1) & t->mask;
	t->slot[i] = idx;
}

/* The slot holding idx, found by probing from its hash. */
static size_t
table_slot_of(const struct table *t, size_t h, uint32_t idx)
{
	size_t i = h & t->mask;

	while (t->slot[i] != idx)
		i = (i + 1) & t->mask;
	return i;
}

/* Knuth 6.4 algorithm R: shift later members of the cluster back. */
static void
table_delete(struct leases *ls, struct table *t, size_t i)
{
	size_t j = i;

	for (;;) {
		size_t k;

		j = (j + 1) & t->mask;
		if (t->slot[j] == SLOT_EMPTY)
			break;
		k = slot_hash(ls, t, t->slot[j]) & t->mask;
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			t->slot[i] = t->slot[j];
			i = j;
		}
	}
	t->slot[i] = SLOT_EMPTY;
}

static int
tables_rebuild(struct leases *ls, size_t size)
{
	struct table m, a;

	if (table_alloc(&m, size) < 0)
		return -ENOMEM;
	if (table_alloc(&a, size) < 0) {
		free(m.slot);
		return -ENOMEM;
	}
	free(ls->by_mac.slot);
	free(ls->by_addr.slot);
	ls->by_mac = m;
	ls->by_addr = a;
	for (size_t i = 0; i < ls->n; i++) {
		if (indexed_by_mac(&ls->v[i]))
			table_insert(&ls->by_mac, mac_hash(ls->v[i].mac), (uint32_t)i);
		table_insert(&ls->by_addr, addr_hash(ls->v[i].addr), (uint32_t)i);
	}
	return 0;
}

static long
find_mac(const struct leases *ls, const uint8_t mac[NETADDR_MAC_LEN])
{
	size_t i = mac_hash(mac) & ls->by_mac.mask;
	uint32_t s;

	while ((s = ls->by_mac.slot[i]) != SLOT_EMPTY) {
		if (memcmp(ls->v[s].mac, mac, NETADDR_MAC_LEN) == 0)
			return s;
		i = (i + 1) & ls->by_mac.mask;
	}
	return -1;
}

static long
find_addr(const struct leases *ls, uint32_t addr)
{
	size_t i = addr_hash(addr) & ls->by_addr.mask;
	uint32_t s;

	while ((s = ls->by_addr.slot[i]) != SLOT_EMPTY) {
		if (ls->v[s].addr == addr)
			return s;
		i = (i + 1) & ls->by_addr.mask;
	}
	return -1;
}

/* ---- records ---- */

static int
lease_insert(struct leases *ls, const struct lease *l)
{
	uint32_t idx;

	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? ls->cap * 2 : 64;
		struct lease *v;

		if (cap > UINT32_MAX - 1)
			return -ENOSPC;
		v = realloc(ls->v, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		ls->v = v;
		ls->cap = cap;
	}
	/* keep both tables at most half full */
	if ((ls->n + 1) * 2 > ls->by_mac.mask + 1) {
		int r = tables_rebuild(ls, (ls->by_mac.mask + 1) * 2);

		if (r < 0)
			return r;
	}
	idx = (uint32_t)ls->n++;
	ls->v[idx] = *l;
	if (indexed_by_mac(l))
		table_insert(&ls->by_mac, mac_hash(l->mac), idx);
	table_insert(&ls->by_addr, addr_hash(l->addr), idx);
	return 0;
}

static void
lease_remove(struct leases *ls, uint32_t idx)
{
	uint32_t last = (uint32_t)(ls->n - 1);
	struct lease *l = &ls->v[idx];

	if (indexed_by_mac(l))
		table_delete(ls, &ls->by_mac,
			table_slot_of(&ls->by_mac, mac_hash(l->mac), idx));
	table_delete(ls, &ls->by_addr,
		table_slot_of(&ls->by_addr, addr_hash(l->addr), idx));
	if (idx != last) {
		struct lease *m = &ls->v[last];

		/* the last record moves into the hole: repoint its slots */
		if (indexed_by_mac(m))
			ls->by_mac.slot[table_slot_of(&ls->by_mac, mac_hash(m->mac),
				last)] = idx;
		ls->by_addr.slot[table_slot_of(&ls->by_addr, addr_hash(m->addr),
			last)] = idx;
		*l = *m;
	}
	ls->n--;
}

/* Changes a record's state in place, keeping the MAC index right. */
static void
lease_set_state(struct leases *ls, uint32_t idx, uint8_t state)
{
	struct lease *l = &ls->v[idx];
	bool was = indexed_by_mac(l);

	l->state = state;
	if (was && !indexed_by_mac(l))
		table_delete(ls, &ls->by_mac,
			table_slot_of(&ls->by_mac, mac_hash(l->mac), idx));
	else if (!was && indexed_by_mac(l))
		table_insert(&ls->by_mac, mac_hash(l->mac), idx);
}

struct leases *
leases_new(struct in_addr start, struct in_addr end)
{
	struct leases *ls = calloc(1, sizeof(*ls));

	if (ls == NULL)
		return NULL;
	ls->fd = -1;
	ls->dirfd = -1;
	ls->range_start = netaddr_h(start);
	ls->range_end = netaddr_h(end);
	if (ls->range_start == 0 || ls->range_end == 0) {
		ls->range_start = 1;
		ls->range_end = 0;
	}
	if (tables_rebuild(ls, 128) < 0) {
		free(ls);
		errno = ENOMEM;
		return NULL;
	}
	return ls;
}

void
leases_free(struct leases *ls)
{
	if (ls == NULL)
		return;
	if (ls->fd >= 0)
		close(ls->fd);
	if (ls->dirfd >= 0)
		close(ls->dirfd);
	free(ls->v);
	free(ls->by_mac.slot);
	free(ls->by_addr.slot);
	free(ls->reserved);
	free(ls->wbuf);
	free(ls->path);
	free(ls->dir);
	free(ls);
}

void
leases_set_now(struct leases *ls, int64_t now)
{
	if (now > ls->now)
		ls->now = now;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
leases_set_reserved(struct leases *ls, const struct in_addr *addrs, size_t n)
{
	uint32_t *r = NULL;

	if (n > 0) {
		r = calloc(n, sizeof(*r));
		if (r == NULL)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++)
			r[i] = netaddr_h(addrs[i]);
		qsort(r, n, sizeof(*r), cmp_u32);
	}
	free(ls->reserved);
	ls->reserved = r;
	ls->n_reserved = n;
	return 0;
}

bool
leases_is_reserved(const struct leases *ls, struct in_addr addr)
{
	uint32_t a = netaddr_h(addr);

	if (ls->n_reserved == 0)
		return false;
	return bsearch(&a, ls->reserved, ls->n_reserved, sizeof(a), cmp_u32) != NULL;
}

static bool
in_range(const struct leases *ls, uint32_t a)
{
	return a >= ls->range_start && a <= ls->range_end;
}

bool
leases_in_range(const struct leases *ls, struct in_addr addr)
{
	return in_range(ls, netaddr_h(addr));
}

static bool
usable(const struct leases *ls, uint32_t a)
{
	struct in_addr ia = { htonl(a) };

	return in_range(ls, a) && !leases_is_reserved(ls, ia);
}

static bool
live(const struct lease *l, int64_t now)
{
	return l->expires > now;
}

int
leases_lookup(const struct leases *ls, const uint8_t mac[NETADDR_MAC_LEN], int64_t now,
	struct in_addr *out)
{
	long i = find_mac(ls, mac);

	if (i < 0 || !live(&ls->v[i], now))
		return -ENOENT;
	out->s_addr = htonl(ls->v[i].addr);
	return 0;
}

int
leases_owner(const struct leases *ls, struct in_addr addr, int64_t now,
	uint8_t mac[NETADDR_MAC_LEN])
{
	long i = find_addr(ls, netaddr_h(addr));

	if (i < 0 || ls->v[i].state == LEASE_DECLINED || !live(&ls->v[i], now))
		return -ENOENT;
	memcpy(mac, ls->v[i].mac, NETADDR_MAC_LEN);
	return 0;
}

/* Free for mac: usable, and no live record of another client on it. */
static bool
free_for(const struct leases *ls, uint32_t a, const uint8_t mac[NETADDR_MAC_LEN],
	int64_t now)
{
	long i;

	if (!usable(ls, a))
		return false;
	i = find_addr(ls, a);
	if (i < 0)
		return true;
	if (ls->v[i].state != LEASE_DECLINED &&
		memcmp(ls->v[i].mac, mac, NETADDR_MAC_LEN) == 0)
		return true;
	return !live(&ls->v[i], now);
}

/* Makes room for mac on address a: drops mac's record elsewhere and any dead
 * record of another client on a. */
static void
clear_for(struct leases *ls, const uint8_t mac[NETADDR_MAC_LEN], uint32_t a)
{
	long i = find_mac(ls, mac);

	if (i >= 0 && ls->v[i].addr != a)
		lease_remove(ls, (uint32_t)i);
	i = find_addr(ls, a);
	if (i >= 0 && (ls->v[i].state == LEASE_DECLINED ||
			      memcmp(ls->v[i].mac, mac, NETADDR_MAC_LEN) != 0))
		lease_remove(ls, (uint32_t)i);
}

static int
take_offer(struct leases *ls, const uint8_t mac[NETADDR_MAC_LEN], uint32_t a,
	int64_t now, struct in_addr *out)
{
	struct lease l = { .state = LEASE_OFFERED, .addr = a,
		.expires = now + LEASES_OFFER_HOLD };
	int r;

	clear_for(ls, mac, a);
	memcpy(l.mac, mac, NETADDR_MAC_LEN);
	r = lease_insert(ls, &l);
	if (r < 0)
		return r;
	out->s_addr = htonl(a);
	return 0;
}

int
leases_offer(struct leases *ls, const uint8_t mac[NETADDR_MAC_LEN], struct in_addr hint,
	int64_t now, struct in_addr *out)
{
	long i = find_mac(ls, mac);
	uint32_t size, start, h = netaddr_h(hint);

	leases_set_now(ls, now);
	/* RFC 2131 §4.3.1: the client's current binding comes first, even an
	 * expired one nobody took meanwhile. */
	if (i >= 0 && usable(ls, ls->v[i].addr)) {
		struct lease *l = &ls->v[i];

		if (l->state == LEASE_OFFERED)
			l->expires = now + LEASES_OFFER_HOLD;
		out->s_addr = htonl(l->addr);
		return 0;
	}
	/* then the address it asks for, if free */
	if (h != 0 && free_for(ls, h, mac, now))
		return take_offer(ls, mac, h, now, out);
	if (ls->range_start > ls->range_end)
		return -ENOSPC;
	/* range_start >= 1, so this cannot wrap to 0 */
	size = ls->range_end - ls->range_start + 1;
	start = (uint32_t)(mac_hash(mac) % size);
	for (uint32_t k = 0; k < size; k++) {
		uint32_t a = ls->range_start + (uint32_t)(((uint64_t)start + k) % size);

		if (free_for(ls, a, mac, now))
			return take_offer(ls, mac, a, now, out);
	}
	return -ENOSPC;
}

void
leases_forget_offer(struct leases *ls, const uint8_t mac[NETADDR_MAC_LEN])
{
	long i = find_mac(ls, mac);

	if (i >= 0 && ls->v[i].state == LEASE_OFFERED)
		lease_remove(ls, (uint32_t)i);
}

/* ---- journal records ---- */

static void
put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t
get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

void
leases_rec_encode(const struct lease_rec *rec, uint8_t out[LEASES_REC_LEN])
{
	uint64_t e = (uint64_t)rec->expires;

	memset(out, 0, LEASES_REC_LEN);
	out[0] = 'L';
	out[1] = 'R';
	out[2] = rec->type;
	memcpy(out + 4, rec->mac, NETADDR_MAC_LEN);
	out[12] = (uint8_t)(rec->addr >> 24);
	out[13] = (uint8_t)(rec->addr >> 16);
	out[14] = (uint8_t)(rec->addr >> 8);
	out[15] = (uint8_t)rec->addr;
	put_le32(out + 16, (uint32_t)e);
	put_le32(out + 20, (uint32_t)(e >> 32));
	put_le32(out + 28, crc32_ieee(out, 28));
}

static int
rec_decode(const uint8_t *p, struct lease_rec *rec)
{
	static const uint8_t zero[4];

	if (p[0] != 'L' || p[1] != 'R' || p[3] != 0 || memcmp(p + 10, zero, 2) != 0 ||
		memcmp(p + 24, zero, 4) != 0)
		return -EBADMSG;
	if (get_le32(p + 28) != crc32_ieee(p, 28))
		return -EBADMSG;
	rec->type = p[2];
	if (rec->type != LEASE_REC_BIND && rec->type != LEASE_REC_FREE &&
		rec->type != LEASE_REC_DECLINE)
		return -EBADMSG;
	memcpy(rec->mac, p + 4, NETADDR_MAC_LEN);
	rec->addr = (uint32_t)p[12] << 24 | (uint32_t)p[13] << 16 | (uint32_t)p[14] << 8 |
		p[15];
	rec->expires = (int64_t)((uint64_t)get_le32(p + 16) |
		(uint64_t)get_le32(p + 20) << 32);
	if (rec->addr == 0 || rec->addr == UINT32_MAX)
		return -EBADMSG;
	return 0;
}

int
leases_journal_parse(const uint8_t *buf, size_t len,
	int (*apply)(void *arg, const struct lease_rec *rec), void *arg,
	struct leases_load_report *rep)
{
	size_t off;

	memset(rep, 0, sizeof(*rep));
	if (len == 0)
		return 0;
	if (len < LEASES_HDR_LEN) {
		/* a crash while the header was written: nothing else was */
		if (memcmp(buf, leases_header, len) == 0) {
			rep->truncated = len;
			return 0;
		}
		rep->bad_header = true;
		return -EBADMSG;
	}
	if (memcmp(buf, leases_header, LEASES_HDR_LEN) != 0) {
		rep->bad_header = true;
		return -EBADMSG;
	}
	for (off = LEASES_HDR_LEN; len - off >= LEASES_REC_LEN; off += LEASES_REC_LEN) {
		struct lease_rec rec;
		int r;

		/* Records have a fixed size, so one bad record costs only
		 * itself: the next starts at the next multiple. */
		if (rec_decode(buf + off, &rec) < 0) {
			rep->corrupt++;
			continue;
		}
		rep->records++;
		r = apply(arg, &rec);
		if (r < 0)
			return r;
	}
	rep->truncated = len - off;
	return 0;
}

/* A decline ends whatever held the address; one that has ended since
 * leaves the address free. */
static int
replay_decline(struct leases *ls, const struct lease_rec *rec)
{
	struct lease l = { .state = LEASE_DECLINED, .addr = rec->addr,
		.expires = rec->expires };
	long i = find_addr(ls, rec->addr);

	if (i >= 0)
		lease_remove(ls, (uint32_t)i);
	if (rec->expires <= ls->now)
		return 0;
	memcpy(l.mac, rec->mac, NETADDR_MAC_LEN);
	return lease_insert(ls, &l);
}

int
leases_replay(struct leases *ls, const struct lease_rec *rec)
{
	struct lease l = { .state = LEASE_BOUND, .addr = rec->addr,
		.expires = rec->expires };
	long i;

	if (rec->type == LEASE_REC_FREE) {
		i = find_mac(ls, rec->mac);
		if (i >= 0 && ls->v[i].addr == rec->addr)
			lease_remove(ls, (uint32_t)i);
		return 0;
	}
	if (rec->type == LEASE_REC_DECLINE)
		return replay_decline(ls, rec);
	/* a binding replaces the client's previous one and any other
	 * client's on the same address (it was checked when written) */
	i = find_mac(ls, rec->mac);
	if (i >= 0)
		lease_remove(ls, (uint32_t)i);
	i = find_addr(ls, rec->addr);
	if (i >= 0)
		lease_remove(ls, (uint32_t)i);
	memcpy(l.mac, rec->mac, NETADDR_MAC_LEN);
	return lease_insert(ls, &l);
}

static int
replay_cb(void *arg, const struct lease_rec *rec)
{
	return leases_replay(arg, rec);
}

/* Makes room for n more records in the write buffer, so that a change
 * written as several records is buffered whole or not at all. 0 or
 * -ENOBUFS/-ENOMEM. */
static int
journal_reserve(struct leases *ls, size_t n)
{
	size_t cap = ls->wbuf_cap ? ls->wbuf_cap : 64 * LEASES_REC_LEN;
	uint8_t *b;

	if (ls->fd < 0 || ls->wbuf_len + n * LEASES_REC_LEN <= ls->wbuf_cap)
		return 0;
	while (ls->wbuf_len + n * LEASES_REC_LEN > cap)
		cap *= 2;
	if (cap > LEASES_WBUF_MAX)
		return -ENOBUFS;
	b = realloc(ls->wbuf, cap);
	if (b == NULL)
		return -ENOMEM;
	ls->wbuf = b;
	ls->wbuf_cap = cap;
	return 0;
}

/* Appends a record to the write buffer; returns its sequence number, 0 when
 * there is no journal, or -ENOBUFS/-ENOMEM. */
static int
journal_append(struct leases *ls, const struct lease_rec *rec, uint64_t *seq)
{
	int r = journal_reserve(ls, 1);

	*seq = 0;
	if (ls->fd < 0 || r < 0)
		return r;
	leases_rec_encode(rec, ls->wbuf + ls->wbuf_len);
	ls->wbuf_len += LEASES_REC_LEN;
	ls->journal_records++;
	*seq = ++ls->seq;
	return 0;
}

static int
journal_free(struct leases *ls, const struct lease *l)
{
	struct lease_rec rec = { .type = LEASE_REC_FREE, .addr = l->addr };
	uint64_t seq;

	/* only bindings ever reached the journal */
	if (l->state != LEASE_BOUND)
		return 0;
	memcpy(rec.mac, l->mac, NETADDR_MAC_LEN);
	return journal_append(ls, &rec, &seq);
}

int
leases_bind(struct leases *ls, const uint8_t mac[NETADDR_MAC_LEN], struct in_addr addr,
	int64_t now, uint32_t lease_time, uint64_t *ticket)
{
	uint32_t a = netaddr_h(addr);
	int64_t expires = lease_time == UINT32_MAX ? LEASE_FOREVER : now + lease_time;
	struct lease_rec rec = { .type = LEASE_REC_BIND, .addr = a, .expires = expires };
	struct lease l = { .state = LEASE_BOUND, .addr = a, .expires = expires };
	uint64_t seq;
	long i;
	int r;

	*ticket = 0;
	leases_set_now(ls, now);
	if (!usable(ls, a))
		return -EADDRNOTAVAIL;
	if (!free_for(ls, a, mac, now))
		return -EADDRINUSE;
	i = find_mac(ls, mac);
	if (i >= 0 && ls->v[i].addr == a && ls->v[i].state == LEASE_BOUND &&
		ls->v[i].expires == expires) {
		/* a retransmitted REQUEST: wait for the same record */
		if (ls->v[i].seq > ls->synced_seq)
			*ticket = ls->v[i].seq;
		return 0;
	}
	memcpy(rec.mac, mac, NETADDR_MAC_LEN);
	r = journal_append(ls, &rec, &seq);
	if (r < 0)
		return r;
	clear_for(ls, mac, a);
	i = find_mac(ls, mac);
	if (i >= 0) {
		ls->v[i].state = LEASE_BOUND;
		ls->v[i].expires = expires;
		ls->v[i].seq = seq;
	} else {
		memcpy(l.mac, mac, NETADDR_MAC_LEN);
		l.seq = seq;
		r = lease_insert(ls, &l);
		if (r < 0)
			return r;
	}
	*ticket = seq;
	return 0;
}

int
leases_release(struct leases *ls, const uint8_t mac[NETADDR_MAC_LEN], struct in_addr addr)
{
	long i = find_mac(ls, mac);
	int r;

	if (i < 0 || ls->v[i].addr != netaddr_h(addr))
		return -ENOENT;
	r = journal_free(ls, &ls->v[i]);
	if (r < 0)
		return r;
	lease_remove(ls, (uint32_t)i);
	return 0;
}

int
leases_decline(struct leases *ls, const uint8_t mac[NETADDR_MAC_LEN], struct in_addr addr,
	int64_t now)
{
	long i = find_mac(ls, mac);
	struct lease_rec rec = { .type = LEASE_REC_DECLINE, .addr = netaddr_h(addr),
		.expires = now + LEASES_DECLINE_HOLD };
	uint64_t seq;
	int r;

	leases_set_now(ls, now);
	if (i < 0 || ls->v[i].addr != rec.addr)
		return -ENOENT;
	/* the FREE first, so that a reader that predates DECLINE records
	 * still ends the binding */
	r = journal_reserve(ls, 2);
	if (r < 0)
		return r;
	journal_free(ls, &ls->v[i]);
	memcpy(rec.mac, mac, NETADDR_MAC_LEN);
	journal_append(ls, &rec, &seq);
	lease_set_state(ls, (uint32_t)i, LEASE_DECLINED);
	ls->v[i].expires = rec.expires;
	ls->v[i].seq = 0;
	return 0;
}

/* ---- the journal file ---- */

static int
write_all(int fd, const uint8_t *p, size_t n, size_t *done)
{
	while (*done < n) {
		ssize_t w = write(fd, p + *done, n - *done);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		*done += (size_t)w;
	}
	return 0;
}

int
leases_flush(struct leases *ls)
{
	size_t done = 0;
	int r;

	if (ls->fd < 0 || ls->synced_seq == ls->seq)
		return 0;
	if (ls->wbuf_len > 0) {
		r = write_all(ls->fd, ls->wbuf, ls->wbuf_len, &done);
		/* keep what was not written for the next try */
		memmove(ls->wbuf, ls->wbuf + done, ls->wbuf_len - done);
		ls->wbuf_len -= done;
		if (r < 0)
			return r;
		ls->written_seq = ls->seq;
	}
	if (fdatasync(ls->fd) < 0)
		return -errno;
	ls->synced_seq = ls->written_seq;
	if (ls->journal_records > 2 * ls->n + LEASES_COMPACT_SLACK &&
		ls->journal_records > ls->compact_at) {
		/* The records are durable whatever happens here. A full disk
		 * has no room for the compacted copy: try again only after
		 * another LEASES_COMPACT_SLACK records, not at every flush. */
		r = leases_compact(ls);
		if (r < 0) {
			log_errnum(r, "%s: cannot rewrite it compactly (still "
				      "appending to it)", ls->path);
			ls->compact_at = ls->journal_records + LEASES_COMPACT_SLACK;
		}
	}
	return 0;
}

bool
leases_pending(const struct leases *ls)
{
	return ls->fd >= 0 && ls->synced_seq != ls->seq;
}

bool
leases_durable(const struct leases *ls, uint64_t ticket)
{
	return ticket <= ls->synced_seq;
}

static int
open_tmp(struct leases *ls, char *tmp, size_t size)
{
	int n = snprintf(tmp, size, "%s/.leases.XXXXXX", ls->dir);
	int fd;

	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC | O_APPEND);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0640) < 0) {
		int r = -errno;

		close(fd);
		unlink(tmp);
		return r;
	}
	return fd;
}

/* What a compacted journal keeps of l: a binding, a decline that has not
 * ended, or nothing (0). */
static uint8_t
snapshot_type(const struct leases *ls, const struct lease *l)
{
	if (l->state == LEASE_BOUND)
		return LEASE_REC_BIND;
	if (l->state == LEASE_DECLINED && l->expires > ls->now)
		return LEASE_REC_DECLINE;
	return 0;
}

/* Writes the live bindings and declines to fd; returns the number of
 * records or -errno. */
static long
write_snapshot(struct leases *ls, int fd)
{
	uint8_t buf[256 * LEASES_REC_LEN];
	size_t len = 0, done;
	long count = 0;
	int r;

	memcpy(buf, leases_header, LEASES_HDR_LEN);
	len = LEASES_HDR_LEN;
	for (size_t i = 0; i < ls->n; i++) {
		const struct lease *l = &ls->v[i];
		struct lease_rec rec = { .type = snapshot_type(ls, l),
			.addr = l->addr, .expires = l->expires };

		if (rec.type == 0)
			continue;
		memcpy(rec.mac, l->mac, NETADDR_MAC_LEN);
		if (sizeof(buf) - len < LEASES_REC_LEN) {
			done = 0;
			if ((r = write_all(fd, buf, len, &done)) < 0)
				return r;
			len = 0;
		}
		leases_rec_encode(&rec, buf + len);
		len += LEASES_REC_LEN;
		count++;
	}
	done = 0;
	if ((r = write_all(fd, buf, len, &done)) < 0)
		return r;
	return count;
}

int
leases_compact(struct leases *ls)
{
	char tmp[PATH_MAX];
	long count;
	int fd, r;

	if (ls->dir == NULL)
		return 0;
	fd = open_tmp(ls, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	count = write_snapshot(ls, fd);
	if (count < 0) {
		r = (int)count;
		goto fail;
	}
	if (fsync(fd) < 0 || rename(tmp, ls->path) < 0) {
		r = -errno;
		goto fail;
	}
	/* the file is now the journal, whatever happens next */
	if (ls->fd >= 0)
		close(ls->fd);
	ls->fd = fd;
	/* the snapshot holds every change so far, written or not */
	ls->wbuf_len = 0;
	ls->written_seq = ls->seq;
	ls->journal_records = (size_t)count;
	/* the rename is durable only once the directory is; until then the
	 * bindings stay pending and the next flush tries again */
	if (fsync(ls->dirfd) < 0)
		return -errno;
	ls->synced_seq = ls->seq;
	for (size_t i = 0; i < ls->n; i++)
		ls->v[i].seq = 0;
	return 0;
fail:
	close(fd);
	unlink(tmp);
	return r;
}

static int
read_file(int fd, uint8_t **out, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;

	*out = NULL;
	*len = 0;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_size > JOURNAL_MAX_BYTES)
		return -EFBIG;
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL)
		return -ENOMEM;
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int r = -errno;

			free(buf);
			return r;
		}
		if (n == 0)
			break; /* shrank meanwhile: take what is there */
		done += (size_t)n;
	}
	*out = buf;
	*len = done;
	return 0;
}

/* Reads the journal into the store. A file that is not ours is renamed to
 * leases.bad so that starting over loses nothing an operator may want. */
static int
journal_load(struct leases *ls, struct leases_load_report *rep)
{
	uint8_t *buf;
	size_t len;
	int fd, r;

	fd = open(ls->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	r = read_file(fd, &buf, &len);
	close(fd);
	if (r == -EFBIG) {
		rep->bad_header = true;
	} else if (r < 0) {
		return r;
	} else {
		r = leases_journal_parse(buf, len, replay_cb, ls, rep);
		free(buf);
		if (r < 0 && r != -EBADMSG)
			return r;
	}
	if (rep->bad_header) {
		char bad[PATH_MAX];
		int n = snprintf(bad, sizeof(bad), "%s.bad", ls->path);

		if (n < 0 || (size_t)n >= sizeof(bad))
			return -ENAMETOOLONG;
		if (rename(ls->path, bad) < 0)
			return -errno;
	}
	return 0;
}

/* No room for the compacted copy (err): appends to the journal as it is,
 * cut back to its last whole record (shrinking a file needs no room), so
 * that a restart on a full disk still serves. Returns 0 or err. */
static int
journal_reopen(struct leases *ls, const struct leases_load_report *rep, int err)
{
	struct stat st;
	off_t keep;
	int fd;

	fd = open(ls->path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return err;
	if (fstat(fd, &st) < 0 || st.st_size < LEASES_HDR_LEN) {
		close(fd);
		return err;
	}
	keep = st.st_size - (st.st_size - LEASES_HDR_LEN) % LEASES_REC_LEN;
	if ((keep != st.st_size && ftruncate(fd, keep) < 0) || fsync(fd) < 0) {
		close(fd);
		return err;
	}
	ls->fd = fd;
	ls->journal_records = rep->records + rep->corrupt;
	ls->compact_at = ls->journal_records + LEASES_COMPACT_SLACK;
	log_errnum(err, "%s: no room to rewrite it: appending to it as it is "
			"(free some space in %s)", ls->path, ls->dir);
	return 0;
}

int
leases_open_journal(struct leases *ls, const char *dir, struct leases_load_report *rep)
{
	struct leases_load_report local;
	int r;

	if (rep == NULL)
		rep = &local;
	memset(rep, 0, sizeof(*rep));
	if (ls->dir != NULL)
		return -EALREADY;
	ls->dir = strdup(dir);
	if (ls->dir == NULL || asprintf(&ls->path, "%s/%s", dir, LEASES_FILE) < 0) {
		ls->path = NULL;
		return -ENOMEM;
	}
	ls->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ls->dirfd < 0)
		return -errno;
	r = journal_load(ls, rep);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ls->n; i++) {
		if (ls->v[i].state == LEASE_BOUND)
			rep->live++;
		else if (snapshot_type(ls, &ls->v[i]) == LEASE_REC_DECLINE)
			rep->declined++;
	}
	if (rep->bad_header)
		log_warnx("%s: not a disklessd lease journal: moved to %s.bad, starting "
			  "with no leases (look at it, then delete it)",
			ls->path, ls->path);
	else if (rep->corrupt > 0 || rep->truncated > 0)
		log_warnx("%s: skipped %zu corrupt record(s) and %zu byte(s) of a "
			  "cut-off record: kept %zu lease(s) (the journal is rewritten "
			  "without them; clients that lost a lease ask again)",
			ls->path, rep->corrupt, rep->truncated, rep->live);
	/* start from a clean file: no partial record for appends to follow */
	r = leases_compact(ls);
	if (r == -ENOSPC || r == -EDQUOT)
		r = journal_reopen(ls, rep, r);
	return r;
}

size_t
leases_count(const struct leases *ls)
{
	return ls->n;
}

size_t
leases_mem_bytes(const struct leases *ls)
{
	return sizeof(*ls) + ls->cap * sizeof(*ls->v) +
		2 * (ls->by_mac.mask + 1) * sizeof(uint32_t) +
		ls->n_reserved * sizeof(uint32_t) + ls->wbuf_cap;
}

int
leases_foreach(const struct leases *ls, int (*fn)(const struct lease *l, void *arg),
	void *arg)
{
	for (size_t i = 0; i < ls->n; i++) {
		int r = fn(&ls->v[i], arg);

		if (r != 0)
			return r;
	}
	return 0;
}

int
leases_check(const struct leases *ls)
{
	size_t in_mac = 0, in_addr = 0;

	for (size_t i = 0; i <= ls->by_mac.mask; i++) {
		uint32_t s = ls->by_mac.slot[i];

		if (s == SLOT_EMPTY)
			continue;
		if (s >= ls->n || !indexed_by_mac(&ls->v[s]) ||
			find_mac(ls, ls->v[s].mac) != (long)s)
			return -EUCLEAN;
		in_mac++;
	}
	for (size_t i = 0; i <= ls->by_addr.mask; i++) {
		uint32_t s = ls->by_addr.slot[i];

		if (s == SLOT_EMPTY)
			continue;
		if (s >= ls->n || find_addr(ls, ls->v[s].addr) != (long)s)
			return -EUCLEAN;
		in_addr++;
	}
	if (in_addr != ls->n)
		return -EUCLEAN;
	for (size_t i = 0; i < ls->n; i++)
		if (indexed_by_mac(&ls->v[i]))
			in_mac--;
	return in_mac == 0 ? 0 : -EUCLEAN;
}
