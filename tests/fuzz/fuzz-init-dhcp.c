/*
 * fuzz-init-dhcp.c: diskless-init's DHCP reply path (initrd/dhcp-client.c),
 * exactly as the exchange runs it: IPv4/UDP frame parse, then the BOOTP
 * reply parse for a fixed xid and MAC. The first byte picks whether the
 * input is a whole frame or only the BOOTP payload (to reach the option
 * walker without having to guess IP headers).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "dhcp-client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	static struct dhcp_lease l;
	const uint8_t *pl;
	size_t plen;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		if (dhcp_frame_parse(data + 1, size - 1, &pl, &plen) < 0)
			return 0;
	} else {
		pl = data + 1;
		plen = size - 1;
	}
	/* xid and chaddr taken from the input, so the parser gets past them */
	if (plen >= 34) {
		uint32_t xid;

		memcpy(&xid, pl + 4, 4);
		(void)dhcp_parse_reply(pl, plen, ntohl(xid), pl + 28, &l);
	}
	(void)dhcp_parse_reply(pl, plen, 0x11223344u, mac, &l);
	return 0;
}
