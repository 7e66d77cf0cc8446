/*
 * probe.c: see probe.h. An array scanned linearly: the set holds a few
 * hundred probes at most, and a scan of that is cheaper than keeping an
 * index up to date at thousands of DISCOVERs a second.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

struct probe {
	struct in_addr addr;
	uint8_t mac[NETADDR_MAC_LEN];
	uint64_t deadline;
	void *arg;
};

struct probe_set {
	size_t n, max;
	struct probe p[];
};

struct probe_set *
probe_set_new(size_t max)
{
	struct probe_set *ps;

	if (max == 0) {
		errno = EINVAL;
		return NULL;
	}
	ps = calloc(1, sizeof(*ps) + max * sizeof(ps->p[0]));
	if (ps == NULL)
		return NULL;
	ps->max = max;
	return ps;
}

void
probe_set_free(struct probe_set *ps)
{
	free(ps);
}

static long
find_addr(const struct probe_set *ps, struct in_addr addr)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (ps->p[i].addr.s_addr == addr.s_addr)
			return (long)i;
	return -1;
}

int
probe_has_mac(const struct probe_set *ps, const uint8_t mac[NETADDR_MAC_LEN])
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (memcmp(ps->p[i].mac, mac, NETADDR_MAC_LEN) == 0)
			return 1;
	return 0;
}

int
probe_add(struct probe_set *ps, struct in_addr addr,
	const uint8_t mac[NETADDR_MAC_LEN], uint64_t deadline, void *arg)
{
	struct probe *p;

	if (find_addr(ps, addr) >= 0 || probe_has_mac(ps, mac))
		return -EEXIST;
	if (ps->n == ps->max)
		return -EBUSY;
	p = &ps->p[ps->n++];
	p->addr = addr;
	memcpy(p->mac, mac, NETADDR_MAC_LEN);
	p->deadline = deadline;
	p->arg = arg;
	return 0;
}

/* Ends probe i: the last one takes its place. */
static void *
take(struct probe_set *ps, size_t i)
{
	void *arg = ps->p[i].arg;

	ps->p[i] = ps->p[--ps->n];
	return arg;
}

void *
probe_answered(struct probe_set *ps, struct in_addr addr,
	const uint8_t answerer[NETADDR_MAC_LEN])
{
	long i = find_addr(ps, addr);

	if (i < 0 || memcmp(ps->p[i].mac, answerer, NETADDR_MAC_LEN) == 0)
		return NULL;
	return take(ps, (size_t)i);
}

void *
probe_expired(struct probe_set *ps, uint64_t now, struct in_addr *addr)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (ps->p[i].deadline <= now) {
			*addr = ps->p[i].addr;
			return take(ps, i);
		}
	return NULL;
}

uint64_t
probe_next_deadline(const struct probe_set *ps)
{
	uint64_t min = 0;
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (min == 0 || ps->p[i].deadline < min)
			min = ps->p[i].deadline;
	return min;
}

size_t
probe_count(const struct probe_set *ps)
{
	return ps->n;
}
