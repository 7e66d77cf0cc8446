/*
 * fuzz-status-doc.c: `diskless status` reading disklessd's control socket
 * (builder/status-doc.c): bytes from a socket, checked, then formatted as
 * the table would.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "status-doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct status_doc doc;
	char err[256], buf[512];
	size_t i;

	if (status_doc_parse((const char *)data, size, &doc, err, sizeof(err)) < 0)
		return 0;
	for (i = 0; i < doc.n_rows; i++) {
		status_stage_text(&doc.rows[i], doc.now, buf, sizeof(buf));
		status_ago_text(doc.now, doc.rows[i].since, buf, sizeof(buf));
	}
	status_doc_free(&doc);
	return 0;
}
