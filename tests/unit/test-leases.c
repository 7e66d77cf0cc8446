/*
 * test-leases.c: the lease store and its journal.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leases.h"
#include "log.h"
#include "tap.h"

static struct in_addr
ip(uint32_t host_order)
{
	struct in_addr a = { htonl(host_order) };

	return a;
}

static void
mac_of(unsigned i, uint8_t mac[6])
{
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = 0x00;
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

#define BASE 0x0a000064u /* 10.0.0.100 */

static struct leases *
small_store(void)
{
	struct leases *ls = leases_new(ip(BASE), ip(BASE + 9));
	struct in_addr res[2] = { ip(BASE), ip(BASE + 5) };

	leases_set_reserved(ls, res, 2);
	return ls;
}

static void
test_offer(void)
{
	struct leases *ls = small_store();
	struct in_addr got[8], a, zero = { 0 };
	uint8_t mac[6];
	int ok = 1, r;

	for (unsigned i = 0; i < 8; i++) {
		mac_of(i, mac);
		if (leases_offer(ls, mac, zero, 1000, &got[i]) != 0)
			ok = 0;
		for (unsigned j = 0; j < i; j++)
			ok &= got[i].s_addr != got[j].s_addr;
		ok &= !leases_is_reserved(ls, got[i]) && leases_in_range(ls, got[i]);
	}
	tap_ok(ok, "8 offers: distinct, in range, never reserved");
	mac_of(8, mac);
	tap_is_int(leases_offer(ls, mac, zero, 1000, &a), -ENOSPC,
		"9th offer: range full");
	mac_of(3, mac);
	r = leases_offer(ls, mac, zero, 1010, &a);
	tap_ok(r == 0 && a.s_addr == got[3].s_addr, "same MAC, same offer");
	mac_of(8, mac);
	r = leases_offer(ls, mac, zero, 1000 + LEASES_OFFER_HOLD + 1, &a);
	tap_ok(r == 0, "after the offer hold, an address is free again");
	tap_is_int(leases_check(ls), 0, "indexes consistent");
	leases_free(ls);

	ls = small_store();
	mac_of(1, mac);
	r = leases_offer(ls, mac, ip(BASE + 7), 0, &a);
	tap_ok(r == 0 && a.s_addr == htonl(BASE + 7), "requested free address honoured");
	mac_of(2, mac);
	r = leases_offer(ls, mac, ip(BASE + 7), 0, &a);
	tap_ok(r == 0 && a.s_addr != htonl(BASE + 7),
		"requested taken address not given");
	mac_of(3, mac);
	r = leases_offer(ls, mac, ip(BASE + 5), 0, &a);
	tap_ok(r == 0 && a.s_addr != htonl(BASE + 5),
		"requested reserved address not given");
	mac_of(4, mac);
	r = leases_offer(ls, mac, ip(0x0a000001), 0, &a);
	tap_ok(r == 0 && leases_in_range(ls, a),
		"requested out-of-range address not given");
	leases_free(ls);
}

static void
test_bind(void)
{
	struct leases *ls = small_store();
	struct in_addr a, b, zero = { 0 };
	uint8_t m1[6], m2[6], who[6];
	uint64_t t;

	mac_of(1, m1);
	mac_of(2, m2);
	leases_offer(ls, m1, zero, 0, &a);
	tap_is_int(leases_bind(ls, m2, a, 0, UINT32_MAX, &t), -EADDRINUSE,
		"bind of another client's offered address refused");
	tap_is_int(leases_bind(ls, m1, a, 0, UINT32_MAX, &t), 0, "bind offered address");
	tap_is_int((long long)t, 0, "no journal: nothing to wait for");
	tap_ok(leases_owner(ls, a, 1000000, who) == 0 && memcmp(who, m1, 6) == 0,
		"infinite lease still owned much later");
	tap_is_int(leases_bind(ls, m2, a, 999999, UINT32_MAX, &t), -EADDRINUSE,
		"bound address refused to another MAC");
	tap_is_int(leases_bind(ls, m2, ip(BASE + 5), 0, 100, &t), -EADDRNOTAVAIL,
		"reserved address refused");
	tap_is_int(leases_bind(ls, m2, ip(BASE + 10), 0, 100, &t), -EADDRNOTAVAIL,
		"address past the range refused");
	/* a finite lease expires and the address may go to someone else */
	b = ip(BASE + 8);
	tap_is_int(leases_bind(ls, m2, b, 0, 100, &t), 0, "finite bind");
	tap_is_int(leases_bind(ls, m1, b, 50, 100, &t), -EADDRINUSE,
		"live finite lease held");
	tap_is_int(leases_bind(ls, m1, b, 101, 100, &t), 0,
		"expired lease taken by another client (who moves)");
	tap_ok(leases_lookup(ls, m1, 101, &a) == 0 && a.s_addr == b.s_addr,
		"the client moved to the new address");
	tap_is_int(leases_lookup(ls, m2, 101, &a), -ENOENT, "the old holder has nothing");
	tap_is_int(leases_check(ls), 0, "indexes consistent");
	leases_free(ls);
}

static void
test_decline_release(void)
{
	struct leases *ls = leases_new(ip(BASE), ip(BASE)); /* one address */
	struct in_addr a, zero = { 0 };
	uint8_t m1[6], m2[6];
	uint64_t t;

	mac_of(1, m1);
	mac_of(2, m2);
	leases_offer(ls, m1, zero, 0, &a);
	leases_bind(ls, m1, a, 0, UINT32_MAX, &t);
	tap_is_int(leases_decline(ls, m2, a, 10), -ENOENT,
		"a client cannot decline another's address");
	tap_is_int(leases_decline(ls, m1, a, 10), 0, "decline");
	tap_is_int(leases_lookup(ls, m1, 10, &a), -ENOENT, "decliner loses the lease");
	tap_is_int(leases_offer(ls, m2, zero, 11, &a), -ENOSPC,
		"declined address held back");
	tap_is_int(leases_offer(ls, m1, zero, 11, &a), -ENOSPC,
		"even from the client that declined it");
	tap_is_int(leases_offer(ls, m2, zero, 10 + LEASES_DECLINE_HOLD + 1, &a), 0,
		"declined address back after the hold");
	leases_bind(ls, m2, a, 700, UINT32_MAX, &t);
	tap_is_int(leases_release(ls, m1, a), -ENOENT, "release by a stranger ignored");
	tap_is_int(leases_release(ls, m2, a), 0, "release");
	tap_is_int(leases_offer(ls, m1, zero, 701, &a), 0,
		"released address free at once");
	leases_forget_offer(ls, m1);
	tap_is_int(leases_lookup(ls, m1, 701, &a), -ENOENT, "forgotten offer gone");
	tap_is_int(leases_check(ls), 0, "indexes consistent");
	leases_free(ls);
}

struct uniq {
	uint32_t seen[1024];
	size_t n;
	int64_t now;
	int dup;
	int reserved_seen;
	const struct leases *ls;
};

static int
uniq_cb(const struct lease *l, void *arg)
{
	struct uniq *u = arg;
	struct in_addr a = { htonl(l->addr) };

	if (l->expires <= u->now)
		return 0;
	for (size_t i = 0; i < u->n; i++)
		if (u->seen[i] == l->addr)
			u->dup = 1;
	if (u->n < 1024)
		u->seen[u->n++] = l->addr;
	if (l->state != LEASE_DECLINED && leases_is_reserved(u->ls, a))
		u->reserved_seen = 1;
	return 0;
}

/* Random offers, binds, declines and releases from 300 clients over 64
 * addresses: no address is ever live for two clients. */
static void
test_no_duplicates(void)
{
	struct leases *ls = leases_new(ip(BASE), ip(BASE + 63));
	struct in_addr res[3] = { ip(BASE + 1), ip(BASE + 30), ip(BASE + 63) };
	unsigned seed = 12345, bad_check = 0, bad_uniq = 0, bad_bind = 0;
	int64_t now = 0;

	leases_set_reserved(ls, res, 3);
	for (int step = 0; step < 20000; step++) {
		uint8_t mac[6], owner[6];
		struct in_addr a, zero = { 0 };
		struct uniq u = { .ls = ls };
		uint64_t t;
		int op, r;

		seed = seed * 1103515245 + 12345;
		mac_of((seed >> 8) % 300, mac);
		op = (int)((seed >> 20) % 6);
		now += (seed >> 28) % 3;
		a = ip(BASE + (seed >> 12) % 64);
		switch (op) {
		case 0:
		case 1:
			leases_offer(ls, mac, zero, now, &a);
			break;
		case 2: /* renew own lease */
		case 3: /* bind any address */
			if (op == 2 && leases_lookup(ls, mac, now, &a) < 0)
				break;
			r = leases_owner(ls, a, now, owner);
			if (leases_bind(ls, mac, a, now, op == 2 ? UINT32_MAX : 30,
				&t) == 0 &&
				r == 0 && memcmp(owner, mac, 6) != 0)
				bad_bind++;
			break;
		case 4:
			leases_release(ls, mac, a);
			break;
		case 5:
			if (leases_lookup(ls, mac, now, &a) == 0)
				leases_decline(ls, mac, a, now);
			break;
		}
		if (leases_check(ls) != 0)
			bad_check++;
		u.now = now;
		leases_foreach(ls, uniq_cb, &u);
		if (u.dup || u.reserved_seen)
			bad_uniq++;
	}
	tap_is_int(bad_check, 0, "20000 random operations: indexes always consistent");
	tap_is_int(bad_uniq, 0, "no address live for two clients, none reserved");
	tap_is_int(bad_bind, 0, "no bind succeeded on another client's live address");
	leases_free(ls);
}

/* ---- journal ---- */

static char *
subdir(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", tap_tmpdir(), name);
	mkdir(path, 0700);
	return path;
}

static uint8_t *
slurp(const char *dir, size_t *len)
{
	char path[600];
	struct stat st;
	uint8_t *buf;
	int fd;

	snprintf(path, sizeof(path), "%s/" LEASES_FILE, dir);
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0)
		return NULL;
	buf = malloc((size_t)st.st_size + 1);
	*len = (size_t)read(fd, buf, (size_t)st.st_size);
	close(fd);
	return buf;
}

static void
spit(const char *dir, const uint8_t *buf, size_t len)
{
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s/" LEASES_FILE, dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		if (len > 0 && write(fd, buf, len) != (ssize_t)len)
			tap_diag("short write");
		close(fd);
	}
}

static void
test_group_commit(void)
{
	const char *dir = subdir("commit");
	struct leases *ls = leases_new(ip(BASE), ip(BASE + 99));
	struct leases_load_report rep;
	uint64_t t1 = 0, t2 = 0, t3 = 0;
	uint8_t m[6];
	struct in_addr a;

	tap_is_int(leases_open_journal(ls, dir, &rep), 0, "open a new journal");
	mac_of(1, m);
	leases_bind(ls, m, ip(BASE + 1), 0, UINT32_MAX, &t1);
	mac_of(2, m);
	leases_bind(ls, m, ip(BASE + 2), 0, 3600, &t2);
	tap_ok(t1 > 0 && t2 > t1, "each binding gets a ticket");
	tap_ok(leases_pending(ls) && !leases_durable(ls, t1), "not durable before flush");
	leases_bind(ls, m, ip(BASE + 2), 0, 3600, &t3);
	tap_is_int((long long)t3, (long long)t2,
		"a retransmitted REQUEST waits on the same record");
	tap_is_int(leases_flush(ls), 0, "flush");
	tap_ok(!leases_pending(ls) && leases_durable(ls, t1) && leases_durable(ls, t2),
		"durable after one flush");
	leases_bind(ls, m, ip(BASE + 2), 0, 3600, &t3);
	tap_is_int((long long)t3, 0, "re-ACK of a durable binding needs no write");
	leases_free(ls);

	ls = leases_new(ip(BASE), ip(BASE + 99));
	tap_is_int(leases_open_journal(ls, dir, &rep), 0, "reopen");
	tap_ok(rep.records == 2 && rep.corrupt == 0 && rep.truncated == 0 &&
		rep.live == 2,
		"two records back, nothing skipped");
	tap_ok(leases_lookup(ls, m, 3599, &a) == 0 && a.s_addr == htonl(BASE + 2) &&
			leases_lookup(ls, m, 3601, &a) == -ENOENT,
		"expiry survives the reload");
	leases_free(ls);
}

/* An independent model of what the journal should hold. */
struct model {
	uint8_t mac[64][6];
	uint32_t addr[64];
	size_t n;
};

static void
model_apply(struct model *m, const struct lease_rec *r)
{
	for (size_t i = 0; i < m->n;) {
		bool same_mac = memcmp(m->mac[i], r->mac, 6) == 0;

		if ((r->type == LEASE_REC_BIND && (same_mac || m->addr[i] == r->addr)) ||
			(r->type == LEASE_REC_FREE && same_mac &&
				m->addr[i] == r->addr)) {
			m->n--;
			memcpy(m->mac[i], m->mac[m->n], 6);
			m->addr[i] = m->addr[m->n];
		} else {
			i++;
		}
	}
	if (r->type == LEASE_REC_BIND) {
		memcpy(m->mac[m->n], r->mac, 6);
		m->addr[m->n++] = r->addr;
	}
}

static int
model_matches(const struct model *m, const struct leases *ls)
{
	if (leases_count(ls) != m->n)
		return 0;
	for (size_t i = 0; i < m->n; i++) {
		struct in_addr a;

		if (leases_lookup(ls, m->mac[i], 0, &a) != 0 ||
			a.s_addr != htonl(m->addr[i]))
			return 0;
	}
	return 1;
}

/* Writes a journal of binds, moves and releases; then cuts it at every
 * byte and reloads: loading never fails, and exactly the complete records
 * before the cut come back. */
static void
test_truncate_everywhere(void)
{
	const char *dir = subdir("trunc"), *dir2;
	struct lease_rec recs[40];
	size_t nrec = 0, len, fails = 0, wrong = 0, unstable = 0;
	struct leases *ls = leases_new(ip(BASE), ip(BASE + 99));
	uint8_t *img;
	char dir2buf[512];
	int saved_err, devnull;

	leases_open_journal(ls, dir, NULL);
	for (unsigned i = 0; i < 30; i++) {
		struct lease_rec r = { .type = LEASE_REC_BIND,
			.addr = BASE + 1 + (i * 7) % 13,
			.expires = LEASE_FOREVER };
		uint64_t t;

		mac_of(i % 9, r.mac);
		if (i % 5 == 4) {
			struct in_addr a;

			if (leases_lookup(ls, r.mac, 0, &a) == 0) {
				r.type = LEASE_REC_FREE;
				r.addr = ntohl(a.s_addr);
				leases_release(ls, r.mac, a);
				recs[nrec++] = r;
			}
		} else {
			/* binds of an address held by another client are refused
			 * by the store, and then are not in the journal either */
			if (leases_bind(ls, r.mac, ip(r.addr), 0, UINT32_MAX, &t) == 0 &&
				t != 0)
				recs[nrec++] = r;
		}
		leases_flush(ls);
	}
	leases_free(ls);
	img = slurp(dir, &len);
	tap_ok(img != NULL && len == LEASES_HDR_LEN + nrec * LEASES_REC_LEN,
		"journal holds header + %zu records", nrec);
	snprintf(dir2buf, sizeof(dir2buf), "%s", subdir("trunc2"));
	dir2 = dir2buf;
	/* each cut logs one warning; a thousand of them say nothing here */
	saved_err = dup(2);
	devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, 2);
	for (size_t cut = 0; img != NULL && cut <= len; cut++) {
		struct leases_load_report rep;
		struct model m = { .n = 0 };
		size_t k = cut < LEASES_HDR_LEN ? 0 :
						  (cut - LEASES_HDR_LEN) / LEASES_REC_LEN;

		spit(dir2, img, cut);
		ls = leases_new(ip(BASE), ip(BASE + 99));
		if (leases_open_journal(ls, dir2, &rep) != 0)
			fails++;
		for (size_t i = 0; i < k; i++)
			model_apply(&m, &recs[i]);
		if (!model_matches(&m, ls))
			wrong++;
		leases_free(ls);
		/* the rewritten journal loads to the same state */
		ls = leases_new(ip(BASE), ip(BASE + 99));
		if (leases_open_journal(ls, dir2, &rep) != 0 || !model_matches(&m, ls) ||
			rep.truncated != 0 || rep.corrupt != 0)
			unstable++;
		leases_free(ls);
	}
	dup2(saved_err, 2);
	close(saved_err);
	close(devnull);
	tap_is_int((long long)fails, 0,
		"cut at each of %zu offsets: loading never fails", len + 1);
	tap_is_int((long long)wrong, 0, "every complete record kept, nothing else");
	tap_is_int((long long)unstable, 0, "the rewritten journal reloads cleanly");
	free(img);
}

static void
test_corrupt(void)
{
	const char *dir = subdir("corrupt");
	struct leases *ls = leases_new(ip(BASE), ip(BASE + 99));
	struct leases_load_report rep;
	uint8_t m[6], *img;
	struct in_addr a;
	uint64_t t;
	size_t len;
	char path[600];
	struct stat st;

	leases_open_journal(ls, dir, NULL);
	for (unsigned i = 0; i < 3; i++) {
		mac_of(i, m);
		leases_bind(ls, m, ip(BASE + i), 0, UINT32_MAX, &t);
	}
	leases_flush(ls);
	leases_free(ls);
	img = slurp(dir, &len);
	img[LEASES_HDR_LEN + LEASES_REC_LEN + 13] ^= 0x40; /* the 2nd record's address */
	spit(dir, img, len);
	log_set_verbosity(0);
	ls = leases_new(ip(BASE), ip(BASE + 99));
	tap_is_int(leases_open_journal(ls, dir, &rep), 0, "corrupt record: still starts");
	tap_ok(rep.corrupt == 1 && rep.records == 2 && leases_count(ls) == 2,
		"the bad record alone is skipped");
	mac_of(2, m);
	tap_ok(leases_lookup(ls, m, 0, &a) == 0 && a.s_addr == htonl(BASE + 2),
		"records after it still apply");
	leases_free(ls);

	spit(dir, (const uint8_t *)"hostname 10.0.0.1 whatever\n", 27);
	ls = leases_new(ip(BASE), ip(BASE + 99));
	tap_is_int(leases_open_journal(ls, dir, &rep), 0, "foreign file: still starts");
	snprintf(path, sizeof(path), "%s/" LEASES_FILE ".bad", dir);
	tap_ok(rep.bad_header && leases_count(ls) == 0 && stat(path, &st) == 0 &&
			st.st_size == 27,
		"foreign file set aside as leases.bad");
	leases_free(ls);

	spit(dir, (const uint8_t *)leases_header, 5);
	ls = leases_new(ip(BASE), ip(BASE + 99));
	tap_is_int(leases_open_journal(ls, dir, &rep), 0,
		"header cut short: starts empty");
	tap_ok(!rep.bad_header && rep.truncated == 5, "and is not called foreign");
	leases_free(ls);
	free(img);
}

static void
test_compaction(void)
{
	const char *dir = subdir("compact");
	struct leases *ls = leases_new(ip(BASE), ip(BASE + 99));
	uint8_t m[6];
	uint64_t t;
	size_t len, max_len = 0;
	struct in_addr a;
	uint8_t *img;

	leases_open_journal(ls, dir, NULL);
	mac_of(7, m);
	leases_bind(ls, m, ip(BASE + 50), 0, UINT32_MAX, &t);
	for (unsigned i = 0; i < 12000; i++) {
		uint8_t x[6];

		mac_of(1000 + i % 3, x);
		leases_bind(ls, x, ip(BASE + 1 + i % 3), 0, UINT32_MAX, &t);
		leases_release(ls, x, ip(BASE + 1 + i % 3));
		if (i % 100 == 99) {
			leases_flush(ls);
			img = slurp(dir, &len);
			free(img);
			if (len > max_len)
				max_len = len;
		}
	}
	tap_ok(max_len <= LEASES_HDR_LEN +
				LEASES_REC_LEN * (2 * 4 + LEASES_COMPACT_SLACK + 201),
		"24000 records written, journal stays under %zu bytes", max_len);
	tap_is_int(leases_compact(ls), 0, "explicit compaction");
	img = slurp(dir, &len);
	free(img);
	tap_is_int((long long)len, LEASES_HDR_LEN + LEASES_REC_LEN,
		"one live lease left");
	leases_free(ls);
	ls = leases_new(ip(BASE), ip(BASE + 99));
	leases_open_journal(ls, dir, NULL);
	tap_ok(leases_lookup(ls, m, 0, &a) == 0 && a.s_addr == htonl(BASE + 50),
		"and it reloads");
	leases_free(ls);
}


static int
no_apply(void *arg, const struct lease_rec *rec)
{
	(void)arg;
	(void)rec;
	return -EIO;
}

/* Grow past several table sizes, shrink by half, reload from the journal. */
static void
test_growth(void)
{
	const char *dir = subdir("growth");
	struct in_addr zero = { 0 }, a;
	struct leases *ls = leases_new(ip(0x0a010000), ip(0x0a01ffff));
	struct leases_load_report rep;
	size_t bad = 0, missing = 0;
	uint64_t t;

	leases_open_journal(ls, dir, NULL);
	for (unsigned i = 0; i < 5000; i++) {
		uint8_t m[6];

		mac_of(i, m);
		if (leases_offer(ls, m, zero, 0, &a) != 0 ||
			leases_bind(ls, m, a, 0, UINT32_MAX, &t) != 0)
			bad++;
		if (i % 1000 == 999 && leases_check(ls) != 0)
			bad++;
	}
	for (unsigned i = 0; i < 5000; i += 2) {
		uint8_t m[6];

		mac_of(i, m);
		if (leases_lookup(ls, m, 0, &a) != 0 || leases_release(ls, m, a) != 0)
			bad++;
	}
	tap_ok(bad == 0 && leases_check(ls) == 0 && leases_count(ls) == 2500,
		"5000 bindings, 2500 released: indexes consistent");
	leases_flush(ls);
	leases_free(ls);
	ls = leases_new(ip(0x0a010000), ip(0x0a01ffff));
	tap_is_int(leases_open_journal(ls, dir, &rep), 0, "reload 7500 records");
	for (unsigned i = 0; i < 5000; i++) {
		uint8_t m[6];

		mac_of(i, m);
		if ((leases_lookup(ls, m, 0, &a) == 0) != (i % 2 == 1))
			missing++;
	}
	tap_ok(missing == 0 && rep.records == 7500 && leases_count(ls) == 2500,
		"exactly the odd clients hold leases after the reload");
	leases_free(ls);

	tap_is_int(leases_journal_parse((const uint8_t *)"DISKLESS", 8, no_apply, NULL,
			   &rep), 0, "8 bytes of the header: a cut header");
	tap_ok(leases_journal_parse((const uint8_t *)"DISKLOSS", 8, no_apply, NULL,
		       &rep) == -EBADMSG && rep.bad_header,
		"8 bytes of something else: not a journal");
}

/* ---- declines in the journal ---- */

/* What a reload of a journal with a decline in it must give. The journal:
 * m1 binds BASE at 0 and declines it at 100 (held until 100 +
 * LEASES_DECLINE_HOLD): header, BIND, FREE, DECLINE. */
struct decline_case {
	const char *name;
	int64_t reopen_at; /* the clock given before the reload */
	size_t cut;        /* bytes cut off the end of the journal */
	int flip;          /* corrupt the last whole record */
	size_t live, declined, corrupt;
	int offer;      /* another MAC's DISCOVER at reopen_at: 0 or -ENOSPC */
	size_t records; /* in the compacted journal */
};

static const struct decline_case decline_cases[] = {
	{ "reload during the hold", 200, 0, 0, 0, 1, 0, -ENOSPC, 1 },
	{ "reload just before the end", 100 + LEASES_DECLINE_HOLD - 1, 0, 0, 0, 1, 0,
		-ENOSPC, 1 },
	{ "reload after the hold", 100 + LEASES_DECLINE_HOLD, 0, 0, 0, 0, 0, 0, 0 },
	{ "decline record cut short (FREE kept)", 200, 5, 0, 0, 0, 0, 0, 0 },
	{ "decline record corrupt (FREE kept)", 200, 0, 1, 0, 0, 1, 0, 0 },
	{ "FREE and DECLINE lost: still bound", 200, LEASES_REC_LEN + 3, 0, 1, 0, 0,
		-ENOSPC, 1 },
};

static void
write_decline_journal(const char *dir)
{
	struct leases *ls = leases_new(ip(BASE), ip(BASE));
	struct in_addr a, zero = { 0 };
	uint8_t m1[6];
	uint64_t t;

	mac_of(1, m1);
	leases_open_journal(ls, dir, NULL);
	leases_offer(ls, m1, zero, 0, &a);
	leases_bind(ls, m1, a, 0, UINT32_MAX, &t);
	leases_decline(ls, m1, a, 100);
	leases_flush(ls);
	leases_free(ls);
}

static void
run_decline_case(const struct decline_case *c, const uint8_t *img, size_t len)
{
	const char *dir = subdir("decline-case");
	struct leases_load_report rep;
	struct in_addr a, zero = { 0 };
	struct leases *ls = leases_new(ip(BASE), ip(BASE));
	uint8_t m2[6], *copy = malloc(len);
	size_t clen = len - c->cut;

	memcpy(copy, img, len);
	if (c->flip)
		copy[clen - LEASES_REC_LEN + 13] ^= 0x01;
	spit(dir, copy, clen);
	mac_of(2, m2);
	leases_set_now(ls, c->reopen_at);
	tap_is_int(leases_open_journal(ls, dir, &rep), 0, "%s: starts", c->name);
	tap_ok(rep.live == c->live && rep.declined == c->declined &&
			rep.corrupt == c->corrupt,
		"%s: %zu bound, %zu declined, %zu corrupt (got %zu, %zu, %zu)", c->name,
		c->live, c->declined, c->corrupt, rep.live, rep.declined, rep.corrupt);
	tap_is_int(leases_offer(ls, m2, zero, c->reopen_at, &a), c->offer,
		"%s: another MAC's offer", c->name);
	tap_is_int(leases_check(ls), 0, "%s: indexes consistent", c->name);
	leases_free(ls);
	free(copy);
	copy = slurp(dir, &clen);
	tap_is_int((long long)clen, (long long)(LEASES_HDR_LEN + c->records * LEASES_REC_LEN),
		"%s: compacted journal holds %zu record(s)", c->name, c->records);
	free(copy);
}

static void
test_decline_journal(void)
{
	const char *dir = subdir("decline");
	uint8_t *img;
	size_t len;

	write_decline_journal(dir);
	img = slurp(dir, &len);
	tap_ok(img != NULL && len == LEASES_HDR_LEN + 3 * LEASES_REC_LEN &&
			img[LEASES_HDR_LEN + 2 * LEASES_REC_LEN + 2] == LEASE_REC_DECLINE,
		"a decline writes FREE then DECLINE");
	for (size_t i = 0; img != NULL && i < sizeof(decline_cases) / sizeof(*decline_cases);
		i++)
		run_decline_case(&decline_cases[i], img, len);
	free(img);
}

/* In memory, on a range of two: the decliner gets the other address; the
 * declined one is nobody's until the hold ends, and a compaction after the
 * end no longer writes it. */
static void
test_decline_then_offer(void)
{
	const char *dir = subdir("decline-offer");
	struct leases *ls = leases_new(ip(BASE), ip(BASE + 1));
	struct in_addr a, b, c, zero = { 0 };
	int64_t end = 100 + LEASES_DECLINE_HOLD;
	uint8_t m1[6], m2[6], *img;
	uint64_t t;
	size_t len;

	mac_of(1, m1);
	mac_of(2, m2);
	leases_open_journal(ls, dir, NULL);
	leases_offer(ls, m1, zero, 0, &a);
	leases_bind(ls, m1, a, 0, UINT32_MAX, &t);
	tap_is_int(leases_decline(ls, m1, a, 100), 0, "decline a bound address");
	tap_ok(leases_offer(ls, m1, a, 101, &b) == 0 && b.s_addr != a.s_addr,
		"the decliner is offered the other address, even asking for the old");
	leases_bind(ls, m1, b, 101, UINT32_MAX, &t);
	tap_is_int(leases_offer(ls, m2, a, 102, &c), -ENOSPC,
		"nobody gets the declined one during the hold");
	tap_is_int(leases_bind(ls, m2, a, 102, UINT32_MAX, &t), -EADDRINUSE,
		"nor binds it by asking");
	tap_ok(leases_offer(ls, m2, zero, end, &c) == 0 && c.s_addr == a.s_addr,
		"after the hold it is offered again");
	leases_forget_offer(ls, m2);
	tap_is_int(leases_compact(ls), 0, "compaction after the hold");
	img = slurp(dir, &len);
	tap_is_int((long long)len, LEASES_HDR_LEN + LEASES_REC_LEN,
		"drops the ended decline, keeps the binding");
	free(img);
	tap_is_int(leases_check(ls), 0, "indexes consistent");
	leases_free(ls);
}

int
main(void)
{
	log_setup("test-leases", LOG_DEST_STDERR);
	test_offer();
	test_bind();
	test_decline_release();
	test_no_duplicates();
	test_group_commit();
	test_truncate_everywhere();
	test_corrupt();
	test_compaction();
	test_growth();
	test_decline_journal();
	test_decline_then_offer();
	leases_free(NULL);
	return tap_done();
}
