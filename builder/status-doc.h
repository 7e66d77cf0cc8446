/*
 * status-doc.h: the status document disklessd writes on its control socket
 * (server/status.c describes the format), read back by `diskless status`.
 *
 * The bytes come from a socket: untrusted. status_doc_parse() checks the
 * whole document (printable ASCII bytes only, as disklessd writes it; the
 * version; every field's type and form: MAC and IPv4 addresses strictly,
 * numbers as plain decimals) and keeps only printable ASCII of every
 * decoded string, so nothing read, raw or decoded, can drive the terminal. Rows are
 * sorted by host, then MAC, then address; clients whose host is unknown
 * come last.
 */
#ifndef DISKLESS_STATUS_DOC_H
#define DISKLESS_STATUS_DOC_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"
#include "oci-json.h"

/* The largest document read: the JSON reader's bound. */
#define STATUS_DOC_MAX JSON_MAX_INPUT
#define STATUS_DOC_TEXT 256 /* file names and reasons kept, with the NUL */

struct status_row {
	char mac[NETADDR_MAC_STRLEN];  /* "" when unknown */
	char address[INET_ADDRSTRLEN]; /* "" when none */
	char host[64], image[64];      /* "" when unknown */
	char stage[32];                /* "tftp", "dhcp-ack", ... */
	double since, updated;         /* wall-clock seconds */
	char file[STATUS_DOC_TEXT], detail[STATUS_DOC_TEXT];
	bool has_bytes; /* bytes, size and rate given */
	uint64_t bytes, size, rate;
};

struct status_doc {
	double now; /* the server's clock when it wrote the document */
	struct status_row *rows;
	size_t n_rows;
};

/* Parses len bytes into *doc (freed with status_doc_free()). 0, or -EINVAL
 * (-EFBIG, -ENOMEM) with a one-line reason in err. */
int status_doc_parse(const char *text, size_t len, struct status_doc *doc, char *err,
	size_t errlen);
void status_doc_free(struct status_doc *doc);

/* The STAGE column: "tftp lab/initrd.img 12.3/40.1 MiB 4.2 MiB/s", ...;
 * now: the document's time (a transfer with no progress for a few seconds
 * is marked stalled). */
void status_stage_text(const struct status_row *r, double now, char *buf, size_t size);
/* The SINCE column: "12s ago", "3m05s ago", "2h03m ago", "4d02h ago". */
void status_ago_text(double now, double t, char *buf, size_t size);

#endif
