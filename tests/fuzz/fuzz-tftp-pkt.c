/*
 * fuzz-tftp-pkt.c: libFuzzer target for everything in lib/tftp-pkt.c that
 * sees client bytes: the request parser, negotiation and the OACK it
 * produces, path cleaning of the requested name, and reply parsing.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tftp-pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A cleaned path never climbs: no ".." component, no leading '/'. */
static int
climbs(const char *rel)
{
	const char *p = rel;
	size_t n;

	if (rel[0] == '/' || strchr(rel, '\\') != NULL)
		return 1;
	while (*p != '\0') {
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n;
		if (*p == '/')
			p++;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tftp_limits lims[] = {
		{ 65464, 64, 128 * 1024 },
		{ 1468, 8, 16 * 1024 },
		{ 512, 1, 512 },
	};
	struct tftp_req req;
	struct tftp_params p;
	struct tftp_reply rep;
	char rel[TFTP_NAME_MAX + 1];
	uint8_t oack[128], na[64];
	const char *why;
	size_t i, used;
	int pending = -1;
	ssize_t n;

	(void)tftp_reply_parse(data, size, &rep);
	if (tftp_req_parse(data, size, &req, &why) < 0)
		return 0;
	if (strlen(req.name) > TFTP_NAME_MAX)
		abort();
	for (i = 0; i < sizeof(lims) / sizeof(lims[0]); i++) {
		tftp_negotiate(&req, size * 1000003ull, &lims[i], &p);
		if (p.blksize < TFTP_BLKSIZE_MIN || p.blksize > lims[i].max_blksize ||
			p.windowsize < 1 || p.windowsize > lims[i].max_windowsize)
			abort();
		n = tftp_oack_build(&p, oack, sizeof(oack));
		if (n < 0 && p.oack != 0)
			abort(); /* the longest OACK must fit 128 bytes */
	}
	if (tftp_path_clean(req.name, "/srv/tftp", rel, sizeof(rel), &why) == 0 &&
		climbs(rel))
		abort();
	(void)tftp_netascii_encode((const uint8_t *)req.name, strlen(req.name), &used,
		na, sizeof(na), &pending);
	return 0;
}
