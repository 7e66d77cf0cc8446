/*
 * status-doc.c: see status-doc.h. The JSON syntax is oci-json.c's; this
 * file checks the shape and the form of each value.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci-json.h"
#include "status-doc.h"

/* A transfer with no progress for this long is shown as stalled (the
 * server records progress once a second). */
#define STALLED_SECONDS 3.0

/* ---- values -------------------------------------------------------------- */

static int
bad(char *err, size_t errlen, size_t i, const char *key, const char *why)
{
	snprintf(err, errlen, "client %zu: \"%s\" %s", i, key, why);
	return -EINVAL;
}

/* Printable ASCII of s, cut to size: a file name is a client's bytes. */
static void
copy_clean(char *dst, size_t size, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < size; i++)
		dst[i] = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f ?
			s[i] : '?';
	dst[i] = '\0';
}

/* A string or null ("" then). 0 or -EINVAL. */
static int
get_text(const struct json_node *o, const char *key, char *dst, size_t size)
{
	const struct json_node *v = json_get(o, key);
	const char *lit;

	dst[0] = '\0';
	if (v == NULL)
		return -EINVAL;
	if (json_str(v) != NULL) {
		copy_clean(dst, size, json_str(v));
		return 0;
	}
	lit = json_literal(v);
	return lit != NULL && strcmp(lit, "null") == 0 ? 0 : -EINVAL;
}

/* Plain decimal digits, no sign, no leading zero, no overflow. */
static int
parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s == NULL || s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -EINVAL;
	for (i = 0; s[i] != '\0'; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');

		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* Seconds: DIGITS[.DIGITS], at most 15 digits before the point. */
static int
parse_time(const char *s, double *out)
{
	size_t n, f = 0;
	char *end;

	if (s == NULL)
		return -EINVAL;
	n = strspn(s, "0123456789");
	if (n == 0 || n > 15)
		return -EINVAL;
	if (s[n] == '.') {
		f = strspn(s + n + 1, "0123456789");
		if (f == 0 || f > 9)
			return -EINVAL;
		f++;
	}
	if (s[n + f] != '\0')
		return -EINVAL;
	*out = strtod(s, &end);
	return *end == '\0' && isfinite(*out) ? 0 : -EINVAL;
}

/* ---- one client ---------------------------------------------------------- */

static int
get_mac(const struct json_node *o, struct status_row *r)
{
	char s[32];
	uint8_t mac[NETADDR_MAC_LEN];

	if (get_text(o, "mac", s, sizeof(s)) < 0)
		return -EINVAL;
	if (s[0] == '\0')
		return 0;
	if (netaddr_parse_mac(s, mac) < 0)
		return -EINVAL;
	netaddr_format_mac(mac, ':', r->mac);
	return 0;
}

static int
get_address(const struct json_node *o, struct status_row *r)
{
	struct in_addr a;

	if (get_text(o, "address", r->address, sizeof(r->address)) < 0)
		return -EINVAL;
	if (r->address[0] != '\0' && netaddr_parse_ipv4(r->address, &a) < 0)
		return -EINVAL;
	return 0;
}

static int
get_stage(const struct json_node *o, struct status_row *r)
{
	const char *s = json_get_str(o, "stage");
	size_t n;

	if (s == NULL)
		return -EINVAL;
	n = strspn(s, "abcdefghijklmnopqrstuvwxyz-");
	if (n == 0 || s[n] != '\0' || n >= sizeof(r->stage))
		return -EINVAL;
	memcpy(r->stage, s, n + 1);
	return 0;
}

/* bytes, size and rate: three numbers, or three nulls. */
static int
get_counts(const struct json_node *o, struct status_row *r)
{
	static const char *const keys[] = { "bytes", "size", "rate" };
	uint64_t *slots[] = { &r->bytes, &r->size, &r->rate };
	int nulls = 0;

	for (int i = 0; i < 3; i++) {
		const char *lit = json_literal(json_get(o, keys[i]));

		if (lit != NULL && strcmp(lit, "null") == 0)
			nulls++;
		else if (parse_u64(lit, slots[i]) < 0)
			return -EINVAL;
	}
	if (nulls != 0 && nulls != 3)
		return -EINVAL;
	r->has_bytes = nulls == 0;
	return 0;
}

static int
get_row(const struct json_node *o, size_t i, struct status_row *r, char *err,
	size_t errlen)
{
	const struct json_node *h = json_get(o, "history");

	if (json_type(o) != JSON_OBJECT)
		return bad(err, errlen, i, "(entry)", "is not an object");
	if (get_mac(o, r) < 0)
		return bad(err, errlen, i, "mac", "is not a MAC address or null");
	if (get_address(o, r) < 0)
		return bad(err, errlen, i, "address", "is not an IPv4 address or null");
	if (get_text(o, "host", r->host, sizeof(r->host)) < 0 ||
		get_text(o, "image", r->image, sizeof(r->image)) < 0)
		return bad(err, errlen, i, "host/image", "is not a string or null");
	if (get_stage(o, r) < 0)
		return bad(err, errlen, i, "stage", "is not a stage name");
	if (parse_time(json_literal(json_get(o, "since")), &r->since) < 0 ||
		parse_time(json_literal(json_get(o, "updated")), &r->updated) < 0)
		return bad(err, errlen, i, "since/updated", "is not a time in seconds");
	if (get_text(o, "file", r->file, sizeof(r->file)) < 0 ||
		get_text(o, "detail", r->detail, sizeof(r->detail)) < 0)
		return bad(err, errlen, i, "file/detail", "is not a string or null");
	if (get_counts(o, r) < 0)
		return bad(err, errlen, i, "bytes/size/rate",
			"are not three counts or three nulls");
	if (h != NULL && json_type(h) != JSON_ARRAY)
		return bad(err, errlen, i, "history", "is not an array");
	return 0;
}

/* ---- the document -------------------------------------------------------- */

static int
cmp_rows(const void *pa, const void *pb)
{
	const struct status_row *a = pa, *b = pb;
	int r;

	/* named hosts first */
	if ((a->host[0] == '\0') != (b->host[0] == '\0'))
		return a->host[0] == '\0' ? 1 : -1;
	r = strcmp(a->host, b->host);
	if (r == 0)
		r = strcmp(a->mac, b->mac);
	return r != 0 ? r : strcmp(a->address, b->address);
}

static int
get_rows(const struct json_node *clients, struct status_doc *doc, char *err,
	size_t errlen)
{
	size_t n = json_len(clients);
	int r;

	if (n == 0)
		return 0;
	doc->rows = calloc(n, sizeof(*doc->rows));
	if (doc->rows == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		r = get_row(json_at(clients, i), i, &doc->rows[i], err, errlen);
		if (r < 0)
			return r;
		doc->n_rows++;
	}
	qsort(doc->rows, doc->n_rows, sizeof(*doc->rows), cmp_rows);
	return 0;
}

/* disklessd writes printable ASCII only (names are cleaned, everything
 * else is its own text), so --json can pass the bytes on to a terminal. */
static int
check_ascii(const char *text, size_t len, char *err, size_t errlen)
{
	for (size_t i = 0; i < len && i <= STATUS_DOC_MAX; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c >= 0x7f || (c < 0x20 && c != '\n' && c != '\t' && c != '\r')) {
			snprintf(err, errlen, "byte 0x%02x at offset %zu (disklessd "
					      "writes printable ASCII only)", c, i);
			return -EINVAL;
		}
	}
	return 0;
}

int
status_doc_parse(const char *text, size_t len, struct status_doc *doc, char *err,
	size_t errlen)
{
	struct json_node *root = NULL;
	const struct json_node *clients;
	const char *v;
	int r;

	memset(doc, 0, sizeof(*doc));
	r = check_ascii(text, len, err, errlen);
	if (r == 0)
		r = json_parse(text, len, &root, err, errlen);
	if (r < 0)
		return r;
	r = -EINVAL;
	v = json_literal(json_get(root, "version"));
	clients = json_get(root, "clients");
	if (json_type(root) != JSON_OBJECT)
		snprintf(err, errlen, "not a JSON object");
	else if (v == NULL || strcmp(v, "1") != 0)
		snprintf(err, errlen, "format version %s, not 1 (use the diskless "
				      "of the same release as disklessd)",
			v ? v : "missing");
	else if (parse_time(json_literal(json_get(root, "now")), &doc->now) < 0)
		snprintf(err, errlen, "\"now\" is not a time in seconds");
	else if (clients == NULL || json_type(clients) != JSON_ARRAY)
		snprintf(err, errlen, "\"clients\" is not an array");
	else
		r = get_rows(clients, doc, err, errlen);
	json_free(root);
	if (r < 0)
		status_doc_free(doc);
	return r;
}

void
status_doc_free(struct status_doc *doc)
{
	free(doc->rows);
	doc->rows = NULL;
	doc->n_rows = 0;
}

/* ---- text ---------------------------------------------------------------- */

static const struct {
	const char *name;
	double size;
} units[] = {
	{ "B", 1.0 },
	{ "KiB", 1024.0 },
	{ "MiB", 1024.0 * 1024 },
	{ "GiB", 1024.0 * 1024 * 1024 },
	{ "TiB", 1024.0 * 1024 * 1024 * 1024 },
};

static size_t
unit_of(uint64_t v)
{
	size_t u = 0;

	while (u + 1 < sizeof(units) / sizeof(units[0]) && (double)v >= units[u + 1].size)
		u++;
	return u;
}

/* "12.3" in unit u ("512" for bytes). */
static void
in_unit(uint64_t v, size_t u, char *buf, size_t size)
{
	if (u == 0)
		snprintf(buf, size, "%llu", (unsigned long long)v);
	else
		snprintf(buf, size, "%.1f", (double)v / units[u].size);
}

/* "12.3/40.1 MiB" (bytes of size, in size's unit) or "40.1 MiB". */
static void
amount(uint64_t bytes, uint64_t size, char *buf, size_t len)
{
	size_t u = unit_of(size > bytes ? size : bytes);
	char a[32], b[32];

	in_unit(bytes, u, a, sizeof(a));
	in_unit(size, u, b, sizeof(b));
	if (size != 0 && size != bytes)
		snprintf(buf, len, "%s/%s %s", a, b, units[u].name);
	else
		snprintf(buf, len, "%s %s", a, units[u].name);
}

void
status_stage_text(const struct status_row *r, double now, char *buf, size_t size)
{
	bool running = strcmp(r->stage, "tftp") == 0;
	char amt[80] = "", rate[48] = "", stall[48] = "", rv[32];
	const char *f = r->file[0] ? r->file : "?";
	size_t ru = unit_of(r->rate);

	if (r->has_bytes) {
		amount(r->bytes, running ? r->size : r->bytes, amt, sizeof(amt));
		in_unit(r->rate, ru, rv, sizeof(rv));
		snprintf(rate, sizeof(rate), "%s %s/s", rv, units[ru].name);
	}
	if (running && now - r->updated >= STALLED_SECONDS)
		snprintf(stall, sizeof(stall), ", stalled %.0fs", now - r->updated);
	if (running)
		snprintf(buf, size, "tftp %s %s %s%s", f, amt, rate, stall);
	else if (strcmp(r->stage, "tftp-done") == 0)
		snprintf(buf, size, "tftp done %s %s %s", f, amt, rate);
	else if (strcmp(r->stage, "tftp-failed") == 0)
		snprintf(buf, size, "tftp failed %s%s%s: %s", f,
			r->has_bytes && r->bytes > 0 ? " after " : "",
			r->has_bytes && r->bytes > 0 ? amt : "",
			r->detail[0] ? r->detail : "?");
	else if (strcmp(r->stage, "dhcp-offer") == 0 || strcmp(r->stage, "dhcp-ack") == 0)
		snprintf(buf, size, "dhcp %s%s%s", r->stage + 5, r->file[0] ? " " : "",
			r->file);
	else if (strcmp(r->stage, "dhcp-nak") == 0)
		snprintf(buf, size, "dhcp nak: %s", r->detail);
	else if (strcmp(r->stage, "dhcp-noreply") == 0)
		snprintf(buf, size, "dhcp no reply: %s", r->detail);
	else /* a stage from a newer disklessd */
		snprintf(buf, size, "%s%s%s", r->stage, r->file[0] ? " " : "", r->file);
}

void
status_ago_text(double now, double t, char *buf, size_t size)
{
	double d = now > t ? now - t : 0;
	unsigned long long s = d < 1e15 ? (unsigned long long)d : 999999999999999ULL;

	if (s < 60)
		snprintf(buf, size, "%llus ago", s);
	else if (s < 3600)
		snprintf(buf, size, "%llum%02llus ago", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%lluh%02llum ago", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, size, "%llud%02lluh ago", s / 86400, s % 86400 / 3600);
}
