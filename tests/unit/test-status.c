/*
 * test-status.c: disklessd's status table (server/status.c): stages of one
 * client in order, TFTP clients found by address (DHCP exchange, [host]
 * address, or an entry of their own until DHCP names them), proxy and
 * port 4011 addresses, eviction of the least recently updated client,
 * stale transfer handles, the history ring, client bytes kept off the
 * terminal, and the JSON snapshot read back by `diskless status`'s own
 * parser (builder/status-doc.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci-json.h"
#include "site.h"
#include "status-doc.h"
#include "status.h"
#include "tap.h"

#define SEC 1000000ull
#define WALL_MS 1700000000000ll

static const char conf[] = "[server]\n"
			   "address = 10.0.0.1\n"
			   "hosts-dir = none\n"
			   "[dhcp]\n"
			   "netmask = 255.255.255.0\n"
			   "range = 10.0.0.100 10.0.0.199\n"
			   "[image lab]\n"
			   "root = /srv/lab\n"
			   "[host pc01]\n"
			   "mac = 52:54:00:00:00:01\n"
			   "address = 10.0.0.11\n"
			   "image = lab\n"
			   "[host pc02]\n"
			   "mac = 52:54:00:00:00:02\n"
			   "address = 10.0.0.12\n"
			   "image = lab\n";

static struct in_addr
ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static void
mac_n(uint8_t *mac, unsigned n)
{
	static const uint8_t base[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x00 };

	memcpy(mac, base, 6);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

/* One DHCP exchange: msg from mac n, reply type with yiaddr. */
static void
dhcp(struct status *st, const struct site *site, unsigned n, uint8_t msg,
	uint8_t type, const char *yiaddr, uint64_t now)
{
	static struct dhcp_pkt req;
	static struct dhcp_reply rep;
	struct dhcp_arrival arr = { .local_port = 67 };

	memset(&req, 0, sizeof(req));
	memset(&rep, 0, sizeof(rep));
	mac_n(req.chaddr, n);
	req.msg_type = msg;
	rep.type = type;
	rep.why = "test";
	rep.kind = DHCP_BOOT_BIOS;
	rep.host = site_host_by_mac(site, req.chaddr);
	if (yiaddr != NULL)
		rep.yiaddr = ip(yiaddr);
	snprintf(rep.file, sizeof(rep.file), "pxelinux.0");
	status_dhcp(st, &req, &arr, &rep, type == DHCP_NONE ? 0 : 1, now);
}

/* The snapshot, parsed by the JSON reader (root) and by the client's own
 * checker (doc). */
struct snap {
	char *buf;
	struct json_node *root;
	struct status_doc doc;
};

static void
snap_take(struct snap *s, const struct status *st, uint64_t now)
{
	char err[256];
	size_t len = 0;
	FILE *f = open_memstream(&s->buf, &len);

	status_write_json(st, f, now, WALL_MS);
	fclose(f);
	s->root = NULL;
	if (!tap_ok(json_parse(s->buf, len, &s->root, err, sizeof(err)) == 0,
		    "snapshot is JSON"))
		tap_diag("%s: %s", err, s->buf);
	if (!tap_ok(status_doc_parse(s->buf, len, &s->doc, err, sizeof(err)) == 0,
		    "snapshot passes diskless status's checks"))
		tap_diag("%s", err);
}

static void
snap_free(struct snap *s)
{
	json_free(s->root);
	status_doc_free(&s->doc);
	free(s->buf);
}

static const struct json_node *
client_by(const struct json_node *root, const char *key, const char *val)
{
	const struct json_node *c = json_get(root, "clients");

	for (size_t i = 0; i < json_len(c); i++) {
		const char *v = json_get_str(json_at(c, i), key);

		if (v != NULL && strcmp(v, val) == 0)
			return json_at(c, i);
	}
	return NULL;
}

static void
history_is(const struct json_node *c, const char *want, const char *what)
{
	const struct json_node *h = json_get(c, "history");
	char got[512] = "";

	for (size_t i = 0; i < json_len(h); i++) {
		if (i > 0)
			strcat(got, " ");
		strncat(got, json_get_str(json_at(h, i), "stage"), 64);
	}
	tap_is_str(got, want, "%s", what);
}

/* One client through DHCP and TFTP, with times and rates. */
static void
test_one_client(const struct site *site)
{
	struct status *st = status_new(site, 0);
	struct snap sn;
	const struct json_node *c;
	struct status_ref ref;

	dhcp(st, site, 1, DHCPDISCOVER, DHCPOFFER, "10.0.0.11", 1 * SEC);
	dhcp(st, site, 1, DHCPREQUEST, DHCPACK, "10.0.0.11", 2 * SEC);
	ref = status_tftp_start(st, ip("10.0.0.11"), "lab/vmlinuz", 4000, 3 * SEC);
	status_tftp_progress(st, ref, 1000, 4 * SEC);
	status_tftp_progress(st, ref, 3000, 4 * SEC + SEC / 2);
	tap_is_int(status_count(st), 1, "TFTP from the ACKed address: the same client");
	snap_take(&sn, st, 5 * SEC);
	c = client_by(sn.root, "host", "pc01");
	tap_ok(c != NULL, "in progress: host name from the site");
	tap_is_str(json_get_str(c, "mac"), "52:54:00:00:00:01", "... its MAC");
	tap_is_str(json_get_str(c, "address"), "10.0.0.11", "... its address");
	tap_is_str(json_get_str(c, "image"), "lab", "... its image");
	tap_is_str(json_get_str(c, "stage"), "tftp", "... stage tftp");
	tap_is_str(json_get_str(c, "file"), "lab/vmlinuz", "... the file");
	tap_is_str(json_literal(json_get(c, "bytes")), "3000", "... bytes acknowledged");
	tap_is_str(json_literal(json_get(c, "size")), "4000", "... of its size");
	tap_is_str(json_literal(json_get(c, "rate")), "4000",
		"... rate over the last interval (2000 B in 0.5 s)");
	tap_is_str(json_literal(json_get(c, "since")), "1699999998.000",
		"... since: wall clock of the start");
	tap_is_str(json_literal(json_get(c, "updated")), "1699999999.500",
		"... updated: the last progress");
	tap_is_str(json_literal(json_get(sn.root, "now")), "1700000000.000", "now");
	tap_is_int((long long)sn.doc.n_rows, 1, "client parser: one row");
	snap_free(&sn);

	status_tftp_end(st, ref, 4000, NULL, 5 * SEC);
	snap_take(&sn, st, 5 * SEC);
	c = client_by(sn.root, "host", "pc01");
	tap_is_str(json_get_str(c, "stage"), "tftp-done", "done");
	tap_is_str(json_literal(json_get(c, "rate")), "2000",
		"done: average rate (4000 B in 2 s)");
	history_is(c, "dhcp-offer dhcp-ack tftp tftp-done", "stages in order");
	snap_free(&sn);
	status_free(st);
}

/* Addresses: [host] address, a client known by address alone, proxy. */
static void
test_addresses(const struct site *site)
{
	struct status *st = status_new(site, 0);
	struct snap sn;
	const struct json_node *c;
	static struct dhcp_pkt req;
	static struct dhcp_reply rep;
	struct dhcp_arrival arr = { .local_port = 4011 };

	status_tftp_refused(st, ip("10.0.0.12"), "pxelinux.cfg/default",
		"no such file", 1 * SEC);
	status_tftp_refused(st, ip("10.0.0.150"), "pxelinux.0", "no such file",
		1 * SEC);
	tap_is_int(status_count(st), 2, "two TFTP clients before any DHCP");
	/* the unknown client's DHCP exchange names its address */
	dhcp(st, site, 7, DHCPREQUEST, DHCPACK, "10.0.0.150", 2 * SEC);
	tap_is_int(status_count(st), 2, "DHCP ties 10.0.0.150 to a MAC: entry merged");
	/* proxy mode on port 4011: the client's address is the source */
	memset(&req, 0, sizeof(req));
	memset(&rep, 0, sizeof(rep));
	mac_n(req.chaddr, 8);
	req.msg_type = DHCPREQUEST;
	rep.type = DHCPACK;
	rep.why = "boot server";
	rep.kind = DHCP_BOOT_EFI_X64;
	arr.src_addr = ip("192.168.1.77");
	status_dhcp(st, &req, &arr, &rep, 1, 3 * SEC);
	status_tftp_start(st, ip("192.168.1.77"), "grubnetx64.efi", 10, 4 * SEC);
	/* a phone on a proxy-mode LAN: no boot client, no host, no reply */
	memset(&rep, 0, sizeof(rep));
	mac_n(req.chaddr, 9);
	rep.kind = DHCP_BOOT_NONE;
	rep.why = "not a PXE client";
	status_dhcp(st, &req, &arr, &rep, 0, 5 * SEC);
	/* a boot client that got nothing is what the admin looks for */
	mac_n(req.chaddr, 10);
	req.msg_type = DHCPDISCOVER;
	rep.kind = DHCP_BOOT_BIOS;
	rep.why = "no free address";
	status_dhcp(st, &req, &arr, &rep, 0, 5 * SEC);
	tap_is_int(status_count(st), 4, "a non-boot client without reply is not kept");

	snap_take(&sn, st, 6 * SEC);
	c = client_by(sn.root, "address", "10.0.0.12");
	tap_is_str(json_get_str(c, "host"), "pc02", "TFTP by [host] address: its host");
	tap_is_str(json_get_str(c, "mac"), "52:54:00:00:00:02", "... and its MAC");
	tap_is_str(json_get_str(c, "stage"), "tftp-failed", "... refused: failed");
	tap_is_str(json_get_str(c, "detail"), "no such file", "... why");
	tap_ok(json_literal(json_get(c, "bytes")) != NULL &&
			strcmp(json_literal(json_get(c, "bytes")), "null") == 0,
		"... a refusal has no byte counts");
	c = client_by(sn.root, "address", "10.0.0.150");
	tap_is_str(json_get_str(c, "mac"), "52:54:00:00:00:07", "merged entry has the MAC");
	history_is(c, "dhcp-ack", "... and only its own history");
	c = client_by(sn.root, "mac", "52:54:00:00:00:08");
	tap_is_str(json_get_str(c, "address"), "192.168.1.77",
		"port 4011: the request's source is the address");
	tap_is_str(json_get_str(c, "stage"), "tftp", "... its TFTP found by it");
	c = client_by(sn.root, "mac", "52:54:00:00:00:0a");
	tap_is_str(json_get_str(c, "stage"), "dhcp-noreply", "unanswered boot client");
	tap_is_str(json_get_str(c, "detail"), "DHCPDISCOVER: no free address",
		"... says which request and why");
	tap_is_str(sn.doc.n_rows == 4 ? sn.doc.rows[0].host : "", "pc02",
		"client parser: named hosts first");
	snap_free(&sn);
	status_free(st);
}

/* proxyDHCP: our offer, then the client's DHCPREQUEST to the site's
 * server, which we leave unanswered: no stall, and its address. */
static void
test_proxy(void)
{
	static const char pconf[] = "[server]\naddress = 10.0.0.1\nmode = proxy\n"
				    "hosts-dir = none\n";
	struct site *site = NULL;
	struct status *st;
	struct snap sn;
	const struct json_node *c;
	static struct dhcp_pkt req;
	static struct dhcp_reply rep;
	struct dhcp_arrival arr = { .local_port = 67 };
	const char *path = tap_write_file("proxy.conf", pconf, sizeof(pconf) - 1);

	if (path == NULL || site_load(path, &site) != 0) {
		tap_skip(5, "cannot load the proxy site");
		site_free(site);
		return;
	}
	st = status_new(site, 0);
	arr.if_addr = ip("10.0.0.1");
	mac_n(req.chaddr, 20);
	req.msg_type = DHCPDISCOVER;
	rep.type = DHCPOFFER;
	rep.kind = DHCP_BOOT_BIOS;
	rep.why = "proxy offer";
	status_dhcp(st, &req, &arr, &rep, 1, 1 * SEC);
	req.msg_type = DHCPREQUEST;
	req.server_id = ip("10.0.0.254");
	req.requested_addr = ip("10.0.0.77");
	rep.type = DHCP_NONE;
	rep.why = "DHCPREQUEST for the site's DHCP server";
	status_dhcp(st, &req, &arr, &rep, 0, 2 * SEC);
	status_tftp_start(st, ip("10.0.0.77"), "pxelinux.0", 10, 3 * SEC);
	snap_take(&sn, st, 4 * SEC);
	c = client_by(sn.root, "mac", "52:54:00:00:00:14");
	tap_is_str(json_get_str(c, "address"), "10.0.0.77",
		"proxy: the address requested from the site's server");
	history_is(c, "dhcp-offer tftp",
		"... the unanswered request to the other server is no stage");
	tap_is_int(status_count(st), 1, "... and TFTP found the client by it");
	snap_free(&sn);
	status_free(st);
	site_free(site);
}

/* A full table drops the least recently updated client; a transfer whose
 * slot went to another client no longer writes to it. */
static void
test_eviction(const struct site *site)
{
	struct status *st = status_new(site, 4);
	struct snap sn;
	struct status_ref ref;
	unsigned i;

	for (i = 1; i <= 4; i++)
		dhcp(st, site, 100 + i, DHCPDISCOVER, DHCPOFFER, NULL, i * SEC);
	ref = status_tftp_start(st, ip("10.0.0.199"), "x", 1, 5 * SEC);
	tap_is_int(status_count(st), 4, "bounded: still 4 entries");
	dhcp(st, site, 102, DHCPREQUEST, DHCPACK, NULL, 6 * SEC);
	dhcp(st, site, 105, DHCPDISCOVER, DHCPOFFER, NULL, 7 * SEC);
	snap_take(&sn, st, 8 * SEC);
	tap_ok(client_by(sn.root, "mac", "52:54:00:00:00:65") == NULL &&
			client_by(sn.root, "mac", "52:54:00:00:00:67") == NULL &&
			client_by(sn.root, "mac", "52:54:00:00:00:66") != NULL &&
			client_by(sn.root, "mac", "52:54:00:00:00:69") != NULL,
		"the least recently updated went (101 and 103, not 102)");
	snap_free(&sn);
	/* the TFTP client evicted the oldest; evict it in turn, then use
	 * its stale handle */
	for (i = 6; i <= 9; i++)
		dhcp(st, site, 100 + i, DHCPDISCOVER, DHCPOFFER, NULL, (10 + i) * SEC);
	status_tftp_progress(st, ref, 1, 30 * SEC);
	status_tftp_end(st, ref, 1, "gone", 30 * SEC);
	snap_take(&sn, st, 31 * SEC);
	tap_ok(client_by(sn.root, "stage", "tftp-failed") == NULL &&
			client_by(sn.root, "address", "10.0.0.199") == NULL,
		"a stale transfer handle writes nowhere");
	snap_free(&sn);
	status_free(st);
}

/* The history keeps the last STATUS_HISTORY stages; client bytes are
 * made printable; the worst-case entry fits the snapshot bound. */
static void
test_history_and_text(const struct site *site)
{
	struct status *st = status_new(site, 0);
	struct snap sn;
	const struct json_node *c, *h;
	struct status_ref ref;
	char name[300];
	unsigned i;

	for (i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "f%u", i);
		ref = status_tftp_start(st, ip("10.0.0.11"), name, 1, i * SEC);
		status_tftp_end(st, ref, 1, NULL, i * SEC + 1);
	}
	ref = status_tftp_start(st, ip("10.0.0.11"), "evil\x1b[2J\xc2\x85.cfg", 1,
		20 * SEC);
	status_tftp_end(st, ref, 0, "client sent error 0 '\x1b]0;pwned\x07'", 21 * SEC);
	snap_take(&sn, st, 22 * SEC);
	c = client_by(sn.root, "host", "pc01");
	h = json_get(c, "history");
	tap_is_int((long long)json_len(h), STATUS_HISTORY, "history holds the last %d",
		STATUS_HISTORY);
	tap_is_str(json_get_str(json_at(h, 0), "file"), "f9", "... oldest kept first");
	tap_is_str(json_get_str(c, "file"), "evil?[2J??.cfg",
		"control and non-ASCII bytes of a file name become '?'");
	tap_is_str(json_get_str(c, "detail"), "client sent error 0 '?]0;pwned?'",
		"... and of a client's error message");
	snap_free(&sn);
	status_free(st);

	/* the longest entry: every string at its bound, escaped twice over */
	st = status_new(site, 0);
	memset(name, '"', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (i = 0; i < STATUS_HISTORY + 1; i++)
		ref = status_tftp_start(st, ip("10.0.0.11"), name, UINT64_MAX, i * SEC);
	status_tftp_end(st, ref, UINT64_MAX, name, 20 * SEC);
	snap_take(&sn, st, 20 * SEC);
	tap_ok(strlen(sn.buf) < STATUS_ENTRY_JSON_MAX,
		"worst-case entry: %zu bytes < %d", strlen(sn.buf), STATUS_ENTRY_JSON_MAX);
	tap_ok((unsigned long long)STATUS_MAX * STATUS_ENTRY_JSON_MAX + 100 <=
			STATUS_DOC_MAX,
		"a full table's snapshot fits what diskless status reads");
	snap_free(&sn);
	status_free(st);
}

/* Many clients through a small table, DHCP and TFTP-only ones mixed: the
 * table stays bounded, and a transfer to the address a DHCP reply just
 * gave finds that client's entry (the lookups agree with the entries). */
static void
test_churn(const struct site *site)
{
	struct status *st = status_new(site, 8);
	struct snap sn;
	unsigned i, bad = 0, over = 0;
	char a[32];

	for (i = 0; i < 300; i++) {
		unsigned n = 200 + (i * 7) % 40, before;

		snprintf(a, sizeof(a), "10.0.1.%u", (i % 3 == 0 ? i : n) % 50 + 1);
		if (i % 3 == 0) {
			status_tftp_refused(st, ip(a), "x", "no such file", i * SEC);
		} else {
			dhcp(st, site, n, DHCPDISCOVER, DHCPOFFER, a, i * SEC);
			before = status_count(st);
			(void)status_tftp_start(st, ip(a), "f", 1, i * SEC + 1);
			bad += status_count(st) != before;
		}
		over += status_count(st) > 8;
	}
	tap_is_int(over, 0, "churn: never more than 8 entries");
	tap_is_int(bad, 0, "churn: a transfer finds the client a reply just addressed");
	snap_take(&sn, st, 400 * SEC);
	tap_is_int((long long)json_len(json_get(sn.root, "clients")), status_count(st),
		"churn: the snapshot lists every entry counted");
	snap_free(&sn);
	status_free(st);
}

int
main(void)
{
	struct site *site = NULL;
	const char *path = tap_write_file("site.conf", conf, sizeof(conf) - 1);

	if (path == NULL || site_load(path, &site) != 0)
		tap_skip_all("cannot load the test site");
	test_one_client(site);
	test_addresses(site);
	test_eviction(site);
	test_churn(site);
	test_proxy();
	test_history_and_text(site);
	/* a NULL table is "not tracking": every hook is a no-op */
	status_tftp_refused(NULL, ip("10.0.0.1"), "x", "y", 0);
	tap_is_int(status_count(NULL), 0, "NULL table: hooks do nothing");
	site_free(site);
	return tap_done();
}
