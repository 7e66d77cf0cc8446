/*
 * status.h: the last boot stage disklessd saw for each client, for
 * `diskless status` (served on the control socket, control.h).
 *
 * A bounded table keyed by MAC address: each entry keeps the client's
 * address, its [host] name and image when the site knows it, the current
 * stage (a DHCP reply, a TFTP file in progress with bytes and rate, done or
 * failed) with the time it began, and the last STATUS_HISTORY stages in
 * order, so a stalled machine shows where it stopped. When the table is
 * full the entry updated least recently makes room.
 *
 * TFTP knows only the client's IP address. It is mapped back to a MAC
 * through the entries (the address a DHCP reply gave, or the one a proxy or
 * port 4011 request came from), then through the site's [host] addresses;
 * failing both, the client gets an entry of its own with no MAC, dropped as
 * soon as a DHCP exchange ties that address to a MAC.
 *
 * Pure bookkeeping: no sockets, no clock, no logging. Every hook takes the
 * loop's monotonic time in microseconds and accepts st == NULL as "not
 * tracking" (unit tests and fuzzers run the protocol code without one).
 * TFTP progress costs no syscall: a transfer holds a status_ref and updates
 * its slot directly, at most once a second (STATUS_PROGRESS_US).
 */
#ifndef DISKLESS_STATUS_H
#define DISKLESS_STATUS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dhcp-pkt.h"
#include "dhcp-reply.h"
#include "site.h"

/*
 * Entries kept. Bounded so that the worst-case snapshot (every name at its
 * longest, full histories: STATUS_ENTRY_JSON_MAX each) stays under the 4 MiB
 * the client reads; far more than one server's clients boot at once.
 */
#define STATUS_MAX 1024
#define STATUS_HISTORY 8
#define STATUS_FILE_MAX 96    /* file names kept, with the NUL */
#define STATUS_DETAIL_MAX 96  /* reasons kept, with the NUL */
#define STATUS_ENTRY_JSON_MAX 4000
#define STATUS_PROGRESS_US 1000000u

enum status_stage {
	STATUS_DHCP_OFFER,   /* DHCPOFFER sent (full or proxy) */
	STATUS_DHCP_ACK,     /* DHCPACK sent (full, or the PXE boot server) */
	STATUS_DHCP_NAK,     /* DHCPNAK sent */
	STATUS_DHCP_NOREPLY, /* a boot client's request went unanswered */
	STATUS_TFTP,         /* a file in progress */
	STATUS_TFTP_DONE,
	STATUS_TFTP_FAILED,  /* refused (not found, denied) or broken off */
	STATUS__COUNT,
};

/* "dhcp-offer", "tftp-done", ...: the names in the JSON snapshot. */
const char *status_stage_name(enum status_stage s);

/* A running transfer's handle on its entry: stale once the slot goes to
 * another client (gen), or once another transfer or stage of the same
 * client is on display (xfer), which the hooks check. */
struct status_ref {
	uint32_t slot, gen, xfer;
};

struct status;

/* max: entries kept (0: STATUS_MAX; tests use small tables). site: for
 * host names and addresses; it must outlive the table or be replaced with
 * status_set_site(). NULL with errno set. status_free(NULL) is a no-op. */
struct status *status_new(const struct site *site, unsigned max);
void status_set_site(struct status *st, const struct site *site);
void status_free(struct status *st);
unsigned status_count(const struct status *st);

/* After dhcp_reply_decide() returned r for req arriving as arr. Requests
 * that got no reply are kept only for boot clients and [host]s (every phone
 * of a proxy-mode LAN is not worth a line); r < 0 is ignored. */
void status_dhcp(struct status *st, const struct dhcp_pkt *req,
	const struct dhcp_arrival *arr, const struct dhcp_reply *rep, int r,
	uint64_t now);

/* A transfer of name (size bytes) to ip starts. */
struct status_ref status_tftp_start(struct status *st, struct in_addr ip,
	const char *name, uint64_t size, uint64_t now);
/* bytes acknowledged so far; the rate is taken over the interval since
 * the previous call. */
void status_tftp_progress(struct status *st, struct status_ref ref, uint64_t bytes,
	uint64_t now);
/* why NULL: done. */
void status_tftp_end(struct status *st, struct status_ref ref, uint64_t bytes,
	const char *why, uint64_t now);
/* A request refused before any transfer (file not found, denied). */
void status_tftp_refused(struct status *st, struct in_addr ip, const char *name,
	const char *why, uint64_t now);

/*
 * Writes the snapshot as one JSON object (the format is described at
 * status_write_json() in status.c). now: the monotonic time of the table's clock; wall_ms:
 * the wall-clock time at that instant, in milliseconds since the epoch
 * (times are written as wall-clock seconds). Returns 0 or -EIO.
 */
int status_write_json(const struct status *st, FILE *out, uint64_t now,
	int64_t wall_ms);

#endif
