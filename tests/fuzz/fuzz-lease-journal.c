/*
 * fuzz-lease-journal.c: the lease journal reader on untrusted bytes (a
 * journal a crash, a full disk or a stranger left behind) and the store it
 * fills. Input starting with '!' is instead a script of store operations,
 * which must keep both indexes consistent and never give one address to
 * two clients.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leases.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay(void *arg, const struct lease_rec *rec)
{
	return leases_replay(arg, rec);
}

struct seen {
	uint32_t addr[512];
	size_t n;
	int64_t now;
};

static int
unique(const struct lease *l, void *arg)
{
	struct seen *s = arg;

	if (l->expires <= s->now)
		return 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->addr[i] == l->addr)
			abort();
	if (s->n < 512)
		s->addr[s->n++] = l->addr;
	return 0;
}

static void
script(const uint8_t *d, size_t n)
{
	struct in_addr start = { htonl(0x0a000001) }, end = { htonl(0x0a000010) };
	struct in_addr res[2] = { { htonl(0x0a000003) }, { htonl(0x0a000009) } };
	struct leases *ls = leases_new(start, end);
	int64_t now = 0;

	if (ls == NULL)
		return;
	leases_set_reserved(ls, res, 2);
	for (; n >= 3; d += 3, n -= 3) {
		uint8_t mac[6] = { 2, 0, 0, 0, 0, (uint8_t)(d[1] & 0x1f) };
		struct in_addr a = { htonl(0x0a000000u + (d[2] & 0x1f)) }, got;
		struct seen s = { .n = 0 };
		uint64_t t;

		now += d[0] >> 5;
		switch (d[0] & 7) {
		case 0:
			leases_offer(ls, mac, a, now, &got);
			break;
		case 1:
			leases_bind(ls, mac, a, now, d[1] & 0x80 ? UINT32_MAX : 10, &t);
			break;
		case 2:
			leases_release(ls, mac, a);
			break;
		case 3:
			leases_decline(ls, mac, a, now);
			break;
		case 4:
			leases_forget_offer(ls, mac);
			break;
		default:
			if (leases_lookup(ls, mac, now, &got) == 0)
				leases_bind(ls, mac, got, now, UINT32_MAX, &t);
			break;
		}
		if (leases_check(ls) != 0)
			abort();
		s.now = now;
		leases_foreach(ls, unique, &s);
	}
	leases_free(ls);
}

/* A replay leaves bindings and declines, never an offer. */
static int
count_replayed(const struct lease *l, void *arg)
{
	if (l->state == LEASE_BOUND || l->state == LEASE_DECLINED)
		++*(size_t *)arg;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in_addr start = { htonl(0x0a000064) }, end = { htonl(0x0a0000c7) };
	struct leases_load_report rep;
	struct leases *ls;
	size_t bound = 0;

	if (size > 0 && data[0] == '!') {
		script(data + 1, size - 1);
		return 0;
	}
	ls = leases_new(start, end);
	if (ls == NULL)
		return 0;
	if (leases_journal_parse(data, size, replay, ls, &rep) == 0) {
		/* every byte is accounted for: header, good, bad or cut off */
		if (size >= LEASES_HDR_LEN &&
			LEASES_HDR_LEN + (rep.records + rep.corrupt) * LEASES_REC_LEN +
					rep.truncated != size)
			abort();
	}
	if (leases_check(ls) != 0)
		abort();
	leases_foreach(ls, count_replayed, &bound);
	if (bound != leases_count(ls))
		abort();
	leases_free(ls);
	return 0;
}
