/*
 * test-status-doc.c: `diskless status` reading its document from the
 * control socket (builder/status-doc.c): hostile documents refused with a
 * reason, client strings kept off the terminal, rows sorted, and the STAGE
 * and SINCE texts.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status-doc.h"
#include "tap.h"

#define HEAD "{\"version\": 1, \"now\": 100.5, \"clients\": ["
#define ROW(mac, addr, stage, counts)                                            \
	"{\"mac\": " mac ", \"address\": " addr ", \"host\": \"pc01\", "       \
	"\"image\": \"lab\", \"stage\": " stage ", \"since\": 90, "             \
	"\"updated\": 99.25, \"file\": \"lab/vmlinuz\", \"detail\": null, " counts \
	", \"history\": []}"
#define OKROW(counts) ROW("\"52:54:00:12:34:56\"", "\"10.0.0.11\"", "\"tftp\"", counts)
#define NULLS "\"bytes\": null, \"size\": null, \"rate\": null"
#define NUMS "\"bytes\": 1, \"size\": 2, \"rate\": 3"

static const struct {
	const char *doc, *why;
} hostile[] = {
	{ "", "expected a value" },
	{ "{\"version\": 1, \"now\": 1, \"clients\": [], \"x\": \"\xc2\x9b" "2J\"}",
		"byte 0xc2 at offset 46" },
	{ "{\"version\": 1, \"now\": 1, \"clients\": [], \"x\": \"\x7f\"}",
		"byte 0x7f" },
	{ "{\"version\": 1,\f\"now\": 1, \"clients\": []}", "byte 0x0c" },
	{ "[]", "not a JSON object" },
	{ "{\"version\": 1, \"now\": 1, \"clients\": [", "unterminated" },
	{ "{\"version\": 2, \"now\": 1, \"clients\": []}", "format version 2" },
	{ "{\"version\": \"1\", \"now\": 1, \"clients\": []}", "format version missing" },
	{ "{\"now\": 1, \"clients\": []}", "format version missing" },
	{ "{\"version\": 1, \"now\": -1, \"clients\": []}", "\"now\"" },
	{ "{\"version\": 1, \"now\": 1e9, \"clients\": []}", "\"now\"" },
	{ "{\"version\": 1, \"now\": 1., \"clients\": []}", "\"now\"" },
	{ "{\"version\": 1, \"now\": 9999999999999999, \"clients\": []}", "\"now\"" },
	{ "{\"version\": 1, \"now\": \"1\", \"clients\": []}", "\"now\"" },
	{ "{\"version\": 1, \"now\": 1, \"clients\": {}}", "\"clients\"" },
	{ "{\"version\": 1, \"now\": 1}", "\"clients\"" },
	{ HEAD "1]}", "(entry)" },
	{ HEAD ROW("\"52:54:00:12:34\"", "null", "\"tftp\"", NULLS) "]}", "\"mac\"" },
	{ HEAD ROW("\"zz:54:00:12:34:56\"", "null", "\"tftp\"", NULLS) "]}", "\"mac\"" },
	{ HEAD ROW("5254", "null", "\"tftp\"", NULLS) "]}", "\"mac\"" },
	{ HEAD ROW("null", "\"10.0.0.256\"", "\"tftp\"", NULLS) "]}", "\"address\"" },
	{ HEAD ROW("null", "\"010.0.0.1\"", "\"tftp\"", NULLS) "]}", "\"address\"" },
	{ HEAD ROW("null", "true", "\"tftp\"", NULLS) "]}", "\"address\"" },
	{ HEAD ROW("null", "null", "\"TFTP\"", NULLS) "]}", "\"stage\"" },
	{ HEAD ROW("null", "null", "\"\"", NULLS) "]}", "\"stage\"" },
	{ HEAD ROW("null", "null", "\"tftp\\u001b\"", NULLS) "]}", "\"stage\"" },
	{ HEAD ROW("null", "null", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", NULLS) "]}",
		"\"stage\"" },
	{ HEAD ROW("null", "null", "null", NULLS) "]}", "\"stage\"" },
	{ HEAD OKROW("\"bytes\": -1, \"size\": 2, \"rate\": 3") "]}", "bytes/size/rate" },
	{ HEAD OKROW("\"bytes\": 1.5, \"size\": 2, \"rate\": 3") "]}", "bytes/size/rate" },
	{ HEAD OKROW("\"bytes\": 01, \"size\": 2, \"rate\": 3") "]}", "bytes/size/rate" },
	{ HEAD OKROW("\"bytes\": 18446744073709551616, \"size\": 2, \"rate\": 3") "]}",
		"bytes/size/rate" },
	{ HEAD OKROW("\"bytes\": null, \"size\": 2, \"rate\": 3") "]}", "bytes/size/rate" },
	{ HEAD OKROW("\"bytes\": \"1\", \"size\": 2, \"rate\": 3") "]}", "bytes/size/rate" },
	{ HEAD OKROW("\"size\": 2, \"rate\": 3") "]}", "bytes/size/rate" },
	{ HEAD "{\"mac\": null, \"address\": null, \"host\": 5, \"image\": null, "
	       "\"stage\": \"tftp\", \"since\": 1, \"updated\": 1, \"file\": null, "
	       "\"detail\": null, " NULLS "}]}",
		"host/image" },
	{ HEAD "{\"mac\": null, \"address\": null, \"host\": null, \"image\": null, "
	       "\"stage\": \"tftp\", \"updated\": 1, \"file\": null, "
	       "\"detail\": null, " NULLS "}]}",
		"since/updated" },
	{ HEAD "{\"mac\": null, \"address\": null, \"host\": null, \"image\": null, "
	       "\"stage\": \"tftp\", \"since\": 1, \"updated\": 1, \"file\": [], "
	       "\"detail\": null, " NULLS "}]}",
		"file/detail" },
	{ HEAD "{\"mac\": null, \"address\": null, \"host\": null, \"image\": null, "
	       "\"stage\": \"tftp\", \"since\": 1, \"updated\": 1, \"file\": null, "
	       "\"detail\": null, " NULLS ", \"history\": 3}]}",
		"\"history\"" },
};

static void
test_hostile(void)
{
	struct status_doc doc;
	char err[256];

	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		int r = status_doc_parse(hostile[i].doc, strlen(hostile[i].doc), &doc, err,
			sizeof(err));

		if (!tap_ok(r == -EINVAL && strstr(err, hostile[i].why) != NULL,
			    "hostile %zu refused: %s", i, hostile[i].why))
			tap_diag("r=%d err='%s' doc=%s", r, err, hostile[i].doc);
		tap_ok(doc.rows == NULL && doc.n_rows == 0, "... nothing left allocated");
	}
}

/* Nesting past the reader's depth, and a document past the size bound. */
static void
test_bounds(void)
{
	struct status_doc doc;
	size_t n = STATUS_DOC_MAX + 2;
	char err[256], *big = malloc(n);

	memset(big, '[', 5000);
	tap_ok(status_doc_parse(big, 5000, &doc, err, sizeof(err)) == -EINVAL &&
			strstr(err, "nested too deeply") != NULL,
		"deep nesting refused");
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	tap_ok(status_doc_parse(big, n, &doc, err, sizeof(err)) == -EFBIG,
		"a document past %d bytes refused", STATUS_DOC_MAX);
	free(big);
}

static void
test_good(void)
{
	static const char doc_text[] =
		HEAD "{\"mac\": null, \"address\": \"10.0.0.99\", \"host\": null, "
		     "\"image\": null, \"stage\": \"tftp-failed\", \"since\": 40, "
		     "\"updated\": 40, \"file\": \"a\\u001b[2Jb\\u0085c\\ud83d\\ude00\", "
		     "\"detail\": \"no such file\", " NULLS ", \"history\": []},\n"
		ROW("\"52:54:00:AB:00:02\"", "null", "\"dhcp-ack\"", NULLS) ",\n"
		"{\"mac\": \"52-54-00-00-00-01\", \"address\": \"10.0.0.11\", \"host\": "
		"\"alpha\", \"image\": \"lab\", \"stage\": \"future-stage\", \"since\": "
		"100.25, \"updated\": 100.25, \"file\": null, \"detail\": null, " NUMS
		", \"extra\": {\"ignored\": true}}]}";
	struct status_doc doc;
	char err[256];

	if (!tap_ok(status_doc_parse(doc_text, sizeof(doc_text) - 1, &doc, err,
			    sizeof(err)) == 0,
		    "a good document parses"))
		tap_diag("%s", err);
	tap_is_int((long long)doc.n_rows, 3, "three rows");
	if (doc.n_rows != 3)
		return;
	tap_is_str(doc.rows[0].host, "alpha", "sorted by host: alpha first");
	tap_is_str(doc.rows[1].host, "pc01", "... then pc01");
	tap_is_str(doc.rows[2].host, "", "... unknown hosts last");
	tap_is_str(doc.rows[0].mac, "52:54:00:00:00:01", "MAC with dashes normalised");
	tap_is_str(doc.rows[1].mac, "52:54:00:ab:00:02", "MAC lower-cased");
	tap_is_str(doc.rows[2].file, "a?[2Jb??c????",
		"escape, C1 and non-ASCII bytes of a name never reach the terminal");
	tap_ok(doc.rows[0].has_bytes && doc.rows[0].bytes == 1 && doc.rows[0].size == 2 &&
			doc.rows[0].rate == 3,
		"counts read");
	tap_ok(doc.now == 100.5 && doc.rows[0].since == 100.25, "times read");
	status_doc_free(&doc);
}

static const struct {
	struct status_row r;
	const char *want;
} stages[] = {
	{ { .stage = "tftp", .file = "lab/initrd.img", .has_bytes = true,
		  .bytes = 12897485, .size = 42048308, .rate = 4404019, .updated = 99 },
		"tftp lab/initrd.img 12.3/40.1 MiB 4.2 MiB/s" },
	{ { .stage = "tftp", .file = "big", .has_bytes = true, .bytes = 512,
		  .size = 2048, .rate = 0, .updated = 80 },
		"tftp big 0.5/2.0 KiB 0 B/s, stalled 20s" },
	{ { .stage = "tftp-done", .file = "pxelinux.0", .has_bytes = true,
		  .bytes = 42000, .size = 42000, .rate = 8400000 },
		"tftp done pxelinux.0 41.0 KiB 8.0 MiB/s" },
	{ { .stage = "tftp-failed", .file = "nosuch", .detail = "no such file" },
		"tftp failed nosuch: no such file" },
	{ { .stage = "tftp-failed", .file = "big", .detail = "client stopped answering",
		  .has_bytes = true, .bytes = 3 << 20, .size = 8 << 20 },
		"tftp failed big after 3.0 MiB: client stopped answering" },
	{ { .stage = "dhcp-offer", .file = "pxelinux.0" }, "dhcp offer pxelinux.0" },
	{ { .stage = "dhcp-ack" }, "dhcp ack" },
	{ { .stage = "dhcp-nak", .detail = "DHCPREQUEST: wrong address" },
		"dhcp nak: DHCPREQUEST: wrong address" },
	{ { .stage = "dhcp-noreply", .detail = "DHCPDISCOVER: unknown client" },
		"dhcp no reply: DHCPDISCOVER: unknown client" },
	{ { .stage = "new-thing", .file = "x" }, "new-thing x" },
};

static void
test_text(void)
{
	static const struct {
		double d;
		const char *want;
	} ago[] = {
		{ 0, "0s ago" }, { 12.9, "12s ago" }, { 185, "3m05s ago" },
		{ 7380, "2h03m ago" }, { 4 * 86400 + 7200, "4d02h ago" },
		{ -5, "0s ago" },
	};
	char buf[256];

	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		status_stage_text(&stages[i].r, 100, buf, sizeof(buf));
		tap_is_str(buf, stages[i].want, "stage text: %s", stages[i].want);
	}
	for (size_t i = 0; i < sizeof(ago) / sizeof(ago[0]); i++) {
		status_ago_text(1000, 1000 - ago[i].d, buf, sizeof(buf));
		tap_is_str(buf, ago[i].want, "since text: %s", ago[i].want);
	}
}

int
main(void)
{
	test_hostile();
	test_bounds();
	test_good();
	test_text();
	return tap_done();
}
