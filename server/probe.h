/*
 * probe.h: the conflict probes disklessd has in flight, as a plain data
 * structure (no sockets, no clock: the caller passes "now" and deadlines in
 * the loop's microseconds).
 *
 * Before a DHCPOFFER hands out a dynamic address nobody held, dhcpd.c asks
 * the link who has it (an ARP request) and parks the DHCPDISCOVER here.
 * An answer from another MAC is a conflict; no answer by the deadline
 * means the address is free. The set is bounded: when it is full the
 * caller offers without probing (a busy network is not made to wait).
 */
#ifndef DISKLESS_PROBE_H
#define DISKLESS_PROBE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

struct probe_set;

/* A set of at most max probes; NULL with errno set. */
struct probe_set *probe_set_new(size_t max);
/* Frees the set, not the args still in it (drain it with probe_expired()
 * and a "now" of UINT64_MAX first). */
void probe_set_free(struct probe_set *ps);

/* Starts a probe of addr for the client mac, due at deadline; arg is the
 * caller's, handed back when the probe ends. 0, -EBUSY when the set is
 * full, -EEXIST when addr or mac is already being probed. */
int probe_add(struct probe_set *ps, struct in_addr addr,
	const uint8_t mac[NETADDR_MAC_LEN], uint64_t deadline, void *arg);
/* A probe for this client is in flight (its retransmissions wait for it). */
int probe_has_mac(const struct probe_set *ps, const uint8_t mac[NETADDR_MAC_LEN]);
/* Someone (answerer) said it holds addr: ends that probe and returns its
 * arg, or NULL when addr is not being probed or the answer came from the
 * waiting client itself (it already uses the address it is offered). */
void *probe_answered(struct probe_set *ps, struct in_addr addr,
	const uint8_t answerer[NETADDR_MAC_LEN]);
/* Ends one probe due at or before now and returns its arg; NULL when none
 * is due. *addr gets the address it probed. */
void *probe_expired(struct probe_set *ps, uint64_t now, struct in_addr *addr);
/* The earliest deadline, or 0 when the set is empty. */
uint64_t probe_next_deadline(const struct probe_set *ps);
size_t probe_count(const struct probe_set *ps);

#endif
