/*
 * status.c: see status.h. The table is an array of slots that grows by
 * doubling up to its bound, so a running transfer's slot index stays
 * valid; lookups scan it (a few thousand compares per DHCP packet or TFTP
 * request, never per block). The scans read a compact copy of each slot's
 * keys (struct key: the MAC lookup is one 64-bit compare; the eviction
 * order a dense array of times) rather than the 1.3 KiB slots themselves,
 * and skip what counters say cannot match: under a perfdhcp load of new
 * clients, scanning the slots was a quarter of the daemon's CPU time.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "json-out.h"
#include "netaddr.h"
#include "status.h"

struct hist {
	uint8_t stage;
	uint64_t at;
	char file[STATUS_FILE_MAX];
};

struct entry {
	bool used, has_mac;
	uint8_t mac[NETADDR_MAC_LEN];
	struct in_addr ip;
	char host[SITE_NAME_MAX], image[SITE_NAME_MAX];
	uint8_t stage;
	uint64_t since, updated; /* monotonic µs; updated orders eviction */
	char file[STATUS_FILE_MAX];
	char detail[STATUS_DETAIL_MAX];
	/* the current or last transfer */
	uint64_t bytes, size, rate, t_start, t_sample, b_sample;
	uint32_t gen;  /* which client holds the slot */
	uint32_t xfer; /* which transfer the TFTP stage belongs to */
	struct hist hist[STATUS_HISTORY];
	unsigned n_hist; /* appended so far; the ring holds the last ones */
};

/* What the scans compare, mirrored from e[i] by key_sync() whenever one of
 * these fields changes there. id: 0 for an unused slot, else KEY_USED, plus
 * KEY_MAC and the MAC in the low 48 bits when the entry has one. */
struct key {
	uint64_t id;
	struct in_addr ip;
};
#define KEY_USED (1ull << 63)
#define KEY_MAC (1ull << 62)

struct status {
	const struct site *site;
	struct entry *e;
	struct key *k; /* k[i] mirrors e[i] */
	uint64_t *upd; /* upd[i] mirrors e[i].updated */
	unsigned n, cap, max; /* slots handed out, allocated, allowed */
	unsigned used;
	unsigned no_mac; /* used entries without a MAC (claim_ip drops them) */
	uint32_t gen, xfer;
};

static const char *const stage_names[STATUS__COUNT] = {
	[STATUS_DHCP_OFFER] = "dhcp-offer",
	[STATUS_DHCP_ACK] = "dhcp-ack",
	[STATUS_DHCP_NAK] = "dhcp-nak",
	[STATUS_DHCP_NOREPLY] = "dhcp-noreply",
	[STATUS_TFTP] = "tftp",
	[STATUS_TFTP_DONE] = "tftp-done",
	[STATUS_TFTP_FAILED] = "tftp-failed",
};

const char *
status_stage_name(enum status_stage s)
{
	return (unsigned)s < STATUS__COUNT ? stage_names[s] : "?";
}

struct status *
status_new(const struct site *site, unsigned max)
{
	struct status *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return NULL;
	st->site = site;
	st->max = max == 0 || max > STATUS_MAX ? STATUS_MAX : max;
	return st;
}

void
status_set_site(struct status *st, const struct site *site)
{
	if (st != NULL)
		st->site = site;
}

void
status_free(struct status *st)
{
	if (st == NULL)
		return;
	free(st->e);
	free(st->k);
	free(st->upd);
	free(st);
}

unsigned
status_count(const struct status *st)
{
	return st != NULL ? st->used : 0;
}

/* ---- the table ----------------------------------------------------------- */

/* Client text (file names, a client's error message) on an admin's
 * terminal: printable ASCII only, cut to size. */
static void
copy_clean(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src != NULL && src[i] != '\0' && i + 1 < size; i++)
		dst[i] = (unsigned char)src[i] >= 0x20 && (unsigned char)src[i] < 0x7f ?
			src[i] : '?';
	dst[i] = '\0';
}

static uint64_t
mac_id(const uint8_t *mac)
{
	uint64_t id = KEY_USED | KEY_MAC;

	for (int i = 0; i < NETADDR_MAC_LEN; i++)
		id |= (uint64_t)mac[i] << (8 * (NETADDR_MAC_LEN - 1 - i));
	return id;
}

static bool
id_no_mac(uint64_t id)
{
	return (id & (KEY_USED | KEY_MAC)) == KEY_USED;
}

static void
key_sync(struct status *st, const struct entry *e)
{
	struct key *k = &st->k[e - st->e];
	uint64_t id = !e->used ? 0 : e->has_mac ? mac_id(e->mac) : KEY_USED;

	if (id_no_mac(k->id))
		st->no_mac--;
	if (id_no_mac(id))
		st->no_mac++;
	k->id = id;
	k->ip = e->ip;
	st->upd[e - st->e] = e->updated;
}

static struct entry *
find_mac(struct status *st, const uint8_t *mac)
{
	uint64_t id = mac_id(mac);

	for (unsigned i = 0; i < st->n; i++)
		if (st->k[i].id == id)
			return &st->e[i];
	return NULL;
}

/* The entry that last had ip, the most recently updated one if several
 * did (a dynamic address handed to another client since). */
static struct entry *
find_ip(struct status *st, struct in_addr ip)
{
	unsigned best = UINT_MAX;

	for (unsigned i = 0; i < st->n; i++)
		if (st->k[i].id != 0 && st->k[i].ip.s_addr == ip.s_addr &&
			(best == UINT_MAX || st->upd[i] > st->upd[best]))
			best = i;
	return best != UINT_MAX ? &st->e[best] : NULL;
}

static void
drop(struct status *st, struct entry *e)
{
	e->used = false;
	key_sync(st, e);
	st->used--;
}

/* Room for one more slot: 0, or -ENOSPC at the bound, -ENOMEM. */
static int
grow(struct status *st)
{
	unsigned cap = st->cap ? st->cap * 2 : 16;
	struct entry *e;
	struct key *k;
	uint64_t *u;

	if (st->n < st->cap)
		return 0;
	if (st->cap >= st->max)
		return -ENOSPC;
	if (cap > st->max)
		cap = st->max;
	/* a larger k or upd alone, if e cannot grow, is harmless */
	k = realloc(st->k, cap * sizeof(*k));
	if (k == NULL)
		return -ENOMEM;
	st->k = k;
	u = realloc(st->upd, cap * sizeof(*u));
	if (u == NULL)
		return -ENOMEM;
	st->upd = u;
	e = realloc(st->e, cap * sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	st->e = e;
	st->cap = cap;
	return 0;
}

/* A free slot: an unused one, a new one, or the least recently updated. */
static struct entry *
new_slot(struct status *st)
{
	struct entry *e = NULL;
	unsigned i;

	for (i = 0; st->used < st->n && i < st->n && e == NULL; i++)
		if (st->k[i].id == 0)
			e = &st->e[i];
	if (e == NULL && grow(st) == 0) {
		st->k[st->n].id = 0; /* realloc'd memory */
		e = &st->e[st->n++];
		e->used = false;
	}
	if (e == NULL && st->n == 0)
		return NULL; /* out of memory */
	if (e == NULL) {
		uint64_t oldest = UINT64_MAX;

		/* two passes the compiler vectorises: the time, then where */
		for (i = 0; i < st->n; i++)
			oldest = st->upd[i] < oldest ? st->upd[i] : oldest;
		for (i = 0; st->upd[i] != oldest; i++)
			;
		e = &st->e[i];
	}
	if (e->used)
		drop(st, e);
	memset(e, 0, sizeof(*e));
	e->used = true;
	e->gen = ++st->gen;
	key_sync(st, e);
	st->used++;
	return e;
}

static void
set_host(struct entry *e, const struct site_host *h)
{
	if (h == NULL)
		return;
	copy_clean(e->host, sizeof(e->host), h->name);
	copy_clean(e->image, sizeof(e->image), h->image);
}

static struct entry *
entry_for_mac(struct status *st, const uint8_t *mac)
{
	struct entry *e = find_mac(st, mac);

	if (e != NULL)
		return e;
	e = new_slot(st);
	if (e == NULL)
		return NULL;
	e->has_mac = true;
	memcpy(e->mac, mac, NETADDR_MAC_LEN);
	key_sync(st, e);
	if (st->site != NULL)
		set_host(e, site_host_by_mac(st->site, mac));
	return e;
}

/* e (with a MAC) has ip now: an entry kept by that address alone was this
 * client seen before its DHCP exchange, or a client gone since. */
static void
claim_ip(struct status *st, struct entry *e, struct in_addr ip)
{
	e->ip = ip;
	key_sync(st, e);
	for (unsigned i = 0; st->no_mac > 0 && i < st->n; i++)
		if (id_no_mac(st->k[i].id) && st->k[i].ip.s_addr == ip.s_addr)
			drop(st, &st->e[i]);
}

static const struct site_host *
host_by_ip(const struct site *site, struct in_addr ip)
{
	for (size_t i = 0; site != NULL && i < site->n_hosts; i++)
		if (site->hosts[i].address.s_addr == ip.s_addr)
			return &site->hosts[i];
	return NULL;
}

/* The entry a TFTP client at ip belongs to (see status.h). */
static struct entry *
entry_for_ip(struct status *st, struct in_addr ip)
{
	const struct site_host *h;
	struct entry *e = find_ip(st, ip);

	if (e != NULL)
		return e;
	h = host_by_ip(st->site, ip);
	if (h != NULL) {
		e = entry_for_mac(st, h->mac);
		if (e != NULL)
			claim_ip(st, e, ip);
		return e;
	}
	e = new_slot(st);
	if (e != NULL) {
		e->ip = ip;
		key_sync(st, e);
	}
	return e;
}

static void
push_hist(struct entry *e, enum status_stage stage, const char *file, uint64_t now)
{
	struct hist *h = &e->hist[e->n_hist % STATUS_HISTORY];

	h->stage = (uint8_t)stage;
	h->at = now;
	copy_clean(h->file, sizeof(h->file), file);
	e->n_hist++;
}

static void
set_stage(struct status *st, struct entry *e, enum status_stage stage,
	const char *file, const char *detail, uint64_t now)
{
	e->stage = (uint8_t)stage;
	e->since = now;
	e->updated = now;
	copy_clean(e->file, sizeof(e->file), file);
	copy_clean(e->detail, sizeof(e->detail), detail);
	push_hist(e, stage, file, now);
	key_sync(st, e);
}

/* ---- DHCP ---------------------------------------------------------------- */

/* A DHCPREQUEST meant for another server: the one whose offer the client
 * took (its server identifier), or in proxy mode the site's DHCP server.
 * Our silence is no stall: the other server answers. (Our own identifier
 * is the receiving interface's address, as dhcp-reply.c sets it.) */
static bool
to_other_server(const struct status *st, const struct dhcp_pkt *req,
	const struct dhcp_arrival *arr)
{
	struct in_addr us = arr->if_addr;

	if (us.s_addr == 0 && st->site != NULL)
		us = st->site->server.address;
	if (req->msg_type != DHCPREQUEST || req->server_id.s_addr == us.s_addr)
		return false;
	return req->server_id.s_addr != 0 ||
		(st->site != NULL && st->site->server.mode == SITE_MODE_PROXY);
}

void
status_dhcp(struct status *st, const struct dhcp_pkt *req,
	const struct dhcp_arrival *arr, const struct dhcp_reply *rep, int r,
	uint64_t now)
{
	enum status_stage stage;
	char detail[STATUS_DETAIL_MAX];
	struct in_addr ip = rep->yiaddr;
	struct entry *e;

	if (st == NULL || r < 0 ||
		(r == 0 && rep->host == NULL && rep->kind == DHCP_BOOT_NONE))
		return;
	if (r == 0 && to_other_server(st, req, arr)) {
		/* no stage of ours, but the address it asks for is the
		 * client's: in proxy mode the only sign of it before TFTP */
		e = find_mac(st, req->chaddr);
		if (e != NULL && req->requested_addr.s_addr != 0)
			claim_ip(st, e, req->requested_addr);
		return;
	}
	if (r == 0)
		stage = STATUS_DHCP_NOREPLY;
	else if (rep->type == DHCPOFFER)
		stage = STATUS_DHCP_OFFER;
	else if (rep->type == DHCPACK)
		stage = STATUS_DHCP_ACK;
	else if (rep->type == DHCPNAK)
		stage = STATUS_DHCP_NAK;
	else
		return;
	e = entry_for_mac(st, req->chaddr);
	if (e == NULL)
		return;
	set_host(e, rep->host);
	/* the client's address: the one handed out, else (proxyDHCP) the one
	 * it already has, in ciaddr or as the source of a port 4011 request.
	 * (An ACK held for the lease journal is recorded as sent: it leaves
	 * within the loop turn, or the journal's failure is logged.) */
	if (ip.s_addr == 0)
		ip = req->ciaddr;
	if (ip.s_addr == 0 && arr->local_port == PXE_BOOT_SERVER_PORT)
		ip = arr->src_addr;
	if (ip.s_addr != 0 && (stage == STATUS_DHCP_OFFER || stage == STATUS_DHCP_ACK))
		claim_ip(st, e, ip);
	snprintf(detail, sizeof(detail), "%s: %s", dhcp_msg_type_name(req->msg_type),
		rep->why != NULL ? rep->why : "");
	set_stage(st, e, stage, rep->file, detail, now);
}

/* ---- TFTP ---------------------------------------------------------------- */

struct status_ref
status_tftp_start(struct status *st, struct in_addr ip, const char *name,
	uint64_t size, uint64_t now)
{
	struct status_ref ref = { UINT32_MAX, 0, 0 };
	struct entry *e;

	if (st == NULL || (e = entry_for_ip(st, ip)) == NULL)
		return ref;
	set_stage(st, e, STATUS_TFTP, name, NULL, now);
	e->bytes = e->rate = e->b_sample = 0;
	e->size = size;
	e->t_start = e->t_sample = now;
	e->xfer = ++st->xfer;
	ref.slot = (uint32_t)(e - st->e);
	ref.gen = e->gen;
	ref.xfer = e->xfer;
	return ref;
}

/* The entry ref points to, NULL when it went to another client. */
static struct entry *
deref(struct status *st, struct status_ref ref)
{
	struct entry *e;

	if (st == NULL || ref.slot >= st->n)
		return NULL;
	e = &st->e[ref.slot];
	return e->used && e->gen == ref.gen ? e : NULL;
}

static uint64_t
rate_of(uint64_t bytes, uint64_t usec)
{
	double r = usec == 0 ? 0 : (double)bytes * 1e6 / (double)usec;

	return r < 1e19 ? (uint64_t)r : UINT64_MAX; /* a cast past it is UB */
}

void
status_tftp_progress(struct status *st, struct status_ref ref, uint64_t bytes,
	uint64_t now)
{
	struct entry *e = deref(st, ref);

	/* another stage or transfer of this client is on display now */
	if (e == NULL || e->xfer != ref.xfer || e->stage != STATUS_TFTP)
		return;
	if (bytes >= e->b_sample && now > e->t_sample)
		e->rate = rate_of(bytes - e->b_sample, now - e->t_sample);
	e->bytes = bytes;
	e->b_sample = bytes;
	e->t_sample = now;
	e->updated = now;
	key_sync(st, e);
}

void
status_tftp_end(struct status *st, struct status_ref ref, uint64_t bytes,
	const char *why, uint64_t now)
{
	enum status_stage stage = why == NULL ? STATUS_TFTP_DONE : STATUS_TFTP_FAILED;
	struct entry *e = deref(st, ref);

	if (e == NULL)
		return;
	if (e->xfer != ref.xfer || e->stage != STATUS_TFTP) {
		/* the end of a transfer that something newer overtook: in
		 * the history only (its file name is gone with the stage) */
		push_hist(e, stage, NULL, now);
		return;
	}
	e->stage = (uint8_t)stage;
	e->since = e->updated = now;
	key_sync(st, e);
	e->bytes = bytes;
	e->rate = rate_of(bytes, now - e->t_start);
	copy_clean(e->detail, sizeof(e->detail), why);
	push_hist(e, stage, e->file, now);
}

void
status_tftp_refused(struct status *st, struct in_addr ip, const char *name,
	const char *why, uint64_t now)
{
	struct entry *e;

	if (st == NULL || (e = entry_for_ip(st, ip)) == NULL)
		return;
	set_stage(st, e, STATUS_TFTP_FAILED, name, why, now);
	e->bytes = e->size = e->rate = 0;
	e->xfer = 0;
}

/* ---- the snapshot -------------------------------------------------------- */

/* A monotonic instant as wall-clock seconds with milliseconds. */
static void
put_time(FILE *out, uint64_t t, uint64_t now, int64_t wall_ms)
{
	int64_t ms = wall_ms - (int64_t)((t < now ? now - t : 0) / 1000u);

	if (ms < 0)
		ms = 0;
	fprintf(out, "%" PRId64 ".%03d", ms / 1000, (int)(ms % 1000));
}

static void
put_str(FILE *out, const char *key, const char *s)
{
	fprintf(out, "\"%s\": ", key);
	json_string(out, s != NULL && s[0] != '\0' ? s : NULL);
}

static void
put_history(FILE *out, const struct entry *e, uint64_t now, int64_t wall_ms)
{
	unsigned n = e->n_hist < STATUS_HISTORY ? e->n_hist : STATUS_HISTORY;

	fputs("\"history\": [", out);
	for (unsigned i = 0; i < n; i++) {
		const struct hist *h = &e->hist[(e->n_hist - n + i) % STATUS_HISTORY];

		fprintf(out, "%s{\"stage\": \"%s\", \"at\": ", i ? ", " : "",
			status_stage_name(h->stage));
		put_time(out, h->at, now, wall_ms);
		fputs(", ", out);
		put_str(out, "file", h->file);
		fputs("}", out);
	}
	fputs("]", out);
}

static void
put_entry(FILE *out, const struct entry *e, uint64_t now, int64_t wall_ms)
{
	char mac[NETADDR_MAC_STRLEN], ip[INET_ADDRSTRLEN];
	bool tftp = e->stage >= STATUS_TFTP;

	if (e->has_mac)
		netaddr_format_mac(e->mac, ':', mac);
	if (e->ip.s_addr == 0 || inet_ntop(AF_INET, &e->ip, ip, sizeof(ip)) == NULL)
		ip[0] = '\0';
	fputs("{", out);
	put_str(out, "mac", e->has_mac ? mac : NULL);
	fputs(", ", out);
	put_str(out, "address", ip);
	fputs(", ", out);
	put_str(out, "host", e->host);
	fputs(", ", out);
	put_str(out, "image", e->image);
	fprintf(out, ", \"stage\": \"%s\", \"since\": ", status_stage_name(e->stage));
	put_time(out, e->since, now, wall_ms);
	fputs(", \"updated\": ", out);
	put_time(out, e->updated, now, wall_ms);
	fputs(", ", out);
	put_str(out, "file", e->file);
	fputs(", ", out);
	put_str(out, "detail", e->detail);
	if (tftp && e->xfer != 0)
		fprintf(out, ", \"bytes\": %" PRIu64 ", \"size\": %" PRIu64
			     ", \"rate\": %" PRIu64 ", ",
			e->bytes, e->size, e->rate);
	else
		fputs(", \"bytes\": null, \"size\": null, \"rate\": null, ", out);
	put_history(out, e, now, wall_ms);
	fputs("}", out);
}

/*
 * The format (version 1), one object:
 *
 *   {"version": 1, "now": SECONDS, "clients": [CLIENT, ...]}
 *
 * CLIENT: "mac" ("52:54:00:12:34:56", null when only the address is known),
 * "address", "host" and "image" (strings or null), "stage" (a name of
 * status_stage_name()), "since" (when the stage began) and "updated" (the
 * last progress), "file" (the TFTP file, or the boot file a DHCP reply
 * named), "detail" (why it failed or got no reply), "bytes", "size" and
 * "rate" (bytes per second: over the last second while in progress, the
 * average once ended; null outside TFTP), "history" (the last stages,
 * oldest first, each {"stage", "at", "file"}). Times are wall-clock
 * seconds since the epoch with milliseconds; "now" is the server's, to
 * measure "since" against.
 */
int
status_write_json(const struct status *st, FILE *out, uint64_t now, int64_t wall_ms)
{
	bool first = true;

	fputs("{\"version\": 1, \"now\": ", out);
	put_time(out, now, now, wall_ms);
	fputs(", \"clients\": [", out);
	for (unsigned i = 0; st != NULL && i < st->n; i++) {
		if (!st->e[i].used)
			continue;
		fputs(first ? "\n" : ",\n", out);
		put_entry(out, &st->e[i], now, wall_ms);
		first = false;
	}
	fputs(first ? "]}\n" : "\n]}\n", out);
	return ferror(out) ? -EIO : 0;
}
