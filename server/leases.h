/*
 * leases.h: the lease store of disklessd's DHCP server.
 *
 * In memory: one record per client MAC, indexed by MAC and by address.
 * Dynamic addresses come from one range and never include a reserved
 * address (static hosts, the server, the router) nor one bound to another
 * MAC. An OFFER holds its address for LEASES_OFFER_HOLD seconds; a DECLINE
 * takes the address out of use for LEASES_DECLINE_HOLD seconds, and the
 * journal keeps that mark until it ends, so a restart does not hand the
 * address out again at once.
 *
 * On disk: an append-only journal, <state-dir>/leases, of fixed 32-byte
 * records with a CRC-32 each. Bindings and frees are buffered and written
 * with one fdatasync per leases_flush() (group commit: the event loop calls
 * it once per turn), and each change hands back a ticket the caller waits
 * on with leases_durable() before it sends the DHCPACK. Loading skips
 * records that are corrupt or cut short and says so in the report; it never
 * fails because of what the file holds. The journal is rewritten compactly
 * (temp file, fsync, rename, fsync of the directory) when opened and when
 * dead records outnumber live ones.
 *
 * No clock here: every call that needs the time takes "now" (wall-clock
 * seconds, since declines outlive a restart). The store remembers the latest
 * "now" it was given (leases_set_now() sets it before a journal is opened):
 * replay and compaction drop the declines that ended before it.
 */
#ifndef DISKLESS_LEASES_H
#define DISKLESS_LEASES_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

#define LEASES_OFFER_HOLD 60
/* RFC 2131 §4.3.3 leaves the time to the server. dnsmasq holds a declined
 * address for 10 minutes, Kea for a day (decline-probation-period): a
 * diskless lab re-plugs a conflicting machine within minutes, and a day
 * would drain a small range, so 10 minutes, as dnsmasq. */
#define LEASES_DECLINE_HOLD 600
#define LEASE_FOREVER INT64_MAX
#define LEASES_FILE "leases"
/* The journal is rewritten when it holds this many records more than twice
 * the live leases. */
#define LEASES_COMPACT_SLACK 4096
/* Unwritten journal bytes past which new bindings are refused (the disk is
 * failing; better no ACK than an ACK that is not durable). */
#define LEASES_WBUF_MAX (1u << 20)

enum lease_state {
	LEASE_OFFERED = 1,
	LEASE_BOUND = 2,
	LEASE_DECLINED = 3,
};

struct lease {
	uint8_t mac[NETADDR_MAC_LEN];
	uint8_t state; /* enum lease_state */
	uint32_t addr; /* host order */
	int64_t expires; /* LEASE_FOREVER: never */
	uint64_t seq;    /* journal record of the binding, 0 when none */
};

/* One journal record, decoded. */
enum lease_rec_type {
	LEASE_REC_BIND = 1,
	LEASE_REC_FREE = 2,
	/* addr is unusable until expires (mac: the client that declined it);
	 * it ends any binding of addr. Journals older than this record kind
	 * skip it as corrupt, and the FREE written before it still applies. */
	LEASE_REC_DECLINE = 3,
};

struct lease_rec {
	uint8_t type; /* enum lease_rec_type */
	uint8_t mac[NETADDR_MAC_LEN];
	uint32_t addr; /* host order */
	int64_t expires;
};

#define LEASES_HDR_LEN 16
#define LEASES_REC_LEN 32

struct leases_load_report {
	size_t records;   /* good records read */
	size_t corrupt;   /* records skipped: bad CRC, magic or type */
	size_t truncated; /* bytes of a trailing partial record */
	bool bad_header;  /* not a lease journal: set aside as leases.bad */
	size_t live;      /* bound leases after the replay */
	size_t declined;  /* addresses still held back by a DECLINE */
};

struct leases;

/* A store for the range start..end (both included; start > end or zero
 * means no dynamic range). NULL with errno set on failure. */
struct leases *leases_new(struct in_addr start, struct in_addr end);
void leases_free(struct leases *ls);
/* The time replay and compaction judge declines by; it only moves forward
 * (every call that takes now moves it too). */
void leases_set_now(struct leases *ls, int64_t now);
/* Replaces the set of addresses never handed out dynamically. */
int leases_set_reserved(struct leases *ls, const struct in_addr *addrs, size_t n);

/*
 * Loads dir/leases (a missing file is an empty store), rewrites it compactly
 * and keeps it open for appending. Fills *rep (may be NULL). What the file
 * holds never makes this fail: bad records are skipped (and logged), a file
 * that is not a journal is moved to leases.bad. With no room for the
 * compacted copy (ENOSPC, EDQUOT) it appends to the file as it is, cut
 * back to its last whole record, and says so. Returns 0, or -errno when
 * the directory cannot be read or written; the store then holds what could
 * be loaded but has no journal (bindings are not durable, tickets are 0),
 * and the caller decides whether to go on.
 */
int leases_open_journal(struct leases *ls, const char *dir,
	struct leases_load_report *rep);

/* Address bound to or offered to mac and not expired: 0, or -ENOENT. */
int leases_lookup(const struct leases *ls, const uint8_t mac[NETADDR_MAC_LEN],
	int64_t now, struct in_addr *out);
/* The MAC an address is bound or offered to (not expired): 0 or -ENOENT. */
int leases_owner(const struct leases *ls, struct in_addr addr, int64_t now,
	uint8_t mac[NETADDR_MAC_LEN]);
bool leases_in_range(const struct leases *ls, struct in_addr addr);
bool leases_is_reserved(const struct leases *ls, struct in_addr addr);

/*
 * Picks an address for a DHCPOFFER: the one mac already holds, else hint
 * when it is free, else the first free one from a place derived from the
 * MAC (so a client tends to get the same address again). Holds it for
 * LEASES_OFFER_HOLD seconds. -ENOSPC when the range is full.
 */
int leases_offer(struct leases *ls, const uint8_t mac[NETADDR_MAC_LEN],
	struct in_addr hint, int64_t now, struct in_addr *out);
/*
 * Binds addr to mac for lease_time seconds (UINT32_MAX: forever), for a
 * DHCPACK. *ticket is 0 when nothing needs writing, else the journal record
 * to wait for with leases_durable(). -EADDRINUSE: held by another MAC or
 * declined; -EADDRNOTAVAIL: outside the range or reserved; -ENOBUFS: the
 * journal is not keeping up.
 */
int leases_bind(struct leases *ls, const uint8_t mac[NETADDR_MAC_LEN],
	struct in_addr addr, int64_t now, uint32_t lease_time, uint64_t *ticket);
/* DHCPRELEASE: frees addr if mac holds it. 0 or -ENOENT. */
int leases_release(struct leases *ls, const uint8_t mac[NETADDR_MAC_LEN],
	struct in_addr addr);
/* DHCPDECLINE: if mac holds addr, frees it and keeps it out of use for
 * LEASES_DECLINE_HOLD seconds; both go to the journal (a ticket is not
 * needed: no reply waits). 0, -ENOENT, or -ENOBUFS/-ENOMEM (nothing
 * changed). */
int leases_decline(struct leases *ls, const uint8_t mac[NETADDR_MAC_LEN],
	struct in_addr addr, int64_t now);
/* The client took another server's offer: drop ours (not a binding). */
void leases_forget_offer(struct leases *ls, const uint8_t mac[NETADDR_MAC_LEN]);

/* Group commit: writes what is buffered and fdatasyncs it. 0 or -errno (the
 * records stay buffered and the next call retries). A compaction that fails
 * after a good sync is logged, not returned, and tried again only after
 * LEASES_COMPACT_SLACK more records. */
int leases_flush(struct leases *ls);
bool leases_pending(const struct leases *ls);
bool leases_durable(const struct leases *ls, uint64_t ticket);
/* Rewrites the journal with only the live bindings and the declines that
 * have not ended. */
int leases_compact(struct leases *ls);

size_t leases_count(const struct leases *ls);
size_t leases_mem_bytes(const struct leases *ls);
/* Calls fn for every lease; stops and returns its value when not 0. */
int leases_foreach(const struct leases *ls, int (*fn)(const struct lease *l, void *arg),
	void *arg);
/* Checks that both indexes agree with the records (for tests and fuzzers):
 * 0 or -EUCLEAN. */
int leases_check(const struct leases *ls);

/*
 * Decodes a journal image: header, then records. Calls apply for each good
 * record; counts the rest in *rep. Returns 0, -EBADMSG when the header is
 * not ours (nothing applied), or apply's error.
 */
int leases_journal_parse(const uint8_t *buf, size_t len,
	int (*apply)(void *arg, const struct lease_rec *rec), void *arg,
	struct leases_load_report *rep);
/* Encodes one record into out (LEASES_REC_LEN bytes). */
void leases_rec_encode(const struct lease_rec *rec, uint8_t out[LEASES_REC_LEN]);
extern const char leases_header[LEASES_HDR_LEN];
/* Applies one record to the store as a replay does. */
int leases_replay(struct leases *ls, const struct lease_rec *rec);

#endif
