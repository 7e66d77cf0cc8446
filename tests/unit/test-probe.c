/*
 * test-probe.c: the set of conflict probes in flight (server/probe.c): a
 * table of steps (add, answer, expire) and what each must return.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "probe.h"
#include "tap.h"

enum op { ADD, ANSWER, EXPIRE, HAS_MAC };

struct step {
	enum op op;
	uint32_t addr; /* last octet of 10.0.0.x */
	unsigned mac;  /* last octet; 0: all-zero MAC */
	uint64_t t;    /* ADD: deadline; EXPIRE: now */
	long want;     /* ADD, HAS_MAC: the return; ANSWER, EXPIRE: the arg's
			* number (0: NULL) */
	const char *what;
};

static struct in_addr
ip(uint32_t last)
{
	struct in_addr a = { htonl(0x0a000000u | last) };

	return a;
}

static void
mac(unsigned last, uint8_t m[6])
{
	static const uint8_t base[6] = { 0x52, 0x54, 0, 0, 0, 0 };

	memcpy(m, base, 6);
	m[5] = (uint8_t)last;
	if (last == 0)
		memset(m, 0, 6);
}

static long args[16];

static long
run(struct probe_set *ps, const struct step *s, unsigned i)
{
	uint8_t m[6];
	struct in_addr a;
	long *p;

	mac(s->mac, m);
	switch (s->op) {
	case ADD:
		args[i % 16] = (long)i;
		return probe_add(ps, ip(s->addr), m, s->t, &args[i % 16]);
	case HAS_MAC:
		return probe_has_mac(ps, m);
	case ANSWER:
		p = probe_answered(ps, ip(s->addr), m);
		return p ? *p : 0;
	case EXPIRE:
		p = probe_expired(ps, s->t, &a);
		if (p != NULL && a.s_addr != ip(s->addr).s_addr)
			return -1;
		return p ? *p : 0;
	}
	return -1;
}

static void
test_steps(void)
{
	static const struct step t[] = {
		/* the arg number is the step's index: step 1 adds arg 1 */
		{ HAS_MAC, 0, 1, 0, 0, "empty set: no probe for a MAC" },
		{ ADD, 100, 1, 1000, 0, "probe .100 for client 1" },
		{ ADD, 100, 2, 1000, -EEXIST, ".100 is already probed" },
		{ ADD, 101, 1, 1000, -EEXIST, "client 1 already waits" },
		{ HAS_MAC, 0, 1, 0, 1, "client 1 waits" },
		{ ADD, 101, 0, 1300, 0, "zero chaddr is a key like any" },
		{ ADD, 102, 3, 1200, 0, "third probe fills the set of 3" },
		{ ADD, 103, 4, 1200, -EBUSY, "full: -EBUSY" },
		{ ANSWER, 100, 1, 0, 0, "the client itself answers: no conflict" },
		{ ANSWER, 109, 9, 0, 0, "an address nobody probes" },
		{ ANSWER, 100, 9, 0, 1, "another MAC answers: conflict, arg back" },
		{ ANSWER, 100, 9, 0, 0, "a second answer finds nothing" },
		{ HAS_MAC, 0, 1, 0, 0, "client 1 no longer waits" },
		{ EXPIRE, 0, 0, 1199, 0, "nothing due before 1200" },
		{ EXPIRE, 102, 0, 1200, 6, "due at its deadline" },
		{ EXPIRE, 0, 0, 1200, 0, "one at a time, then none" },
		{ ADD, 100, 1, 1250, 0, "a freed address can be probed again" },
		{ EXPIRE, 100, 0, 1250, 16, "the one due at 1250 first..." },
		{ EXPIRE, 101, 0, UINT64_MAX, 5, "...then the zero MAC's, drained" },
		{ EXPIRE, 0, 0, UINT64_MAX, 0, "drained" },
	};
	struct probe_set *ps = probe_set_new(3);
	unsigned i;

	tap_ok(ps != NULL, "a set of 3");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		long got = run(ps, &t[i], i);

		tap_is_int(got, t[i].want, "step %u: %s", i, t[i].what);
	}
	tap_is_int((long long)probe_count(ps), 0, "empty at the end");
	tap_is_int((long long)probe_next_deadline(ps), 0, "no deadline when empty");
	probe_set_free(ps);
}

static void
test_bounds(void)
{
	struct probe_set *ps;
	uint8_t m[6];
	unsigned i, ok = 0, order = 1;
	long dummy = 0;
	struct in_addr a;

	errno = 0;
	tap_ok(probe_set_new(0) == NULL && errno == EINVAL, "a set of 0: EINVAL");
	ps = probe_set_new(512);
	for (i = 0; i < 600; i++) {
		mac(0, m);
		m[4] = (uint8_t)(i >> 8);
		m[5] = (uint8_t)i;
		/* deadlines out of order: expiry must still find each */
		ok += probe_add(ps, ip(i + 1), m, 1000 + (i * 37) % 512, &dummy) == 0;
	}
	tap_is_int(ok, 512, "600 adds to a set of 512: 512 taken");
	tap_is_int((long long)probe_next_deadline(ps), 1000, "earliest deadline");
	for (i = 0; i < 512; i++) {
		uint64_t now = 1000 + i;

		if (probe_expired(ps, now, &a) == NULL || probe_expired(ps, now, &a) != NULL)
			order = 0;
	}
	tap_ok(order, "each probe expires at its own deadline, one per tick");
	tap_is_int((long long)probe_count(ps), 0, "all expired");
	probe_set_free(ps);
}

int
main(void)
{
	tap_plan(1 + 20 + 2 + 5);
	test_steps();
	test_bounds();
	return tap_done();
}
