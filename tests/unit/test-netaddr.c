/*
 * test-netaddr.c: the strict address forms, valid and hostile.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "netaddr.h"
#include "tap.h"

static const struct {
	const char *text;
	const char *want; /* NULL: refused */
} ipv4[] = {
	{ "10.0.0.1", "10.0.0.1" },
	{ "0.0.0.0", "0.0.0.0" },
	{ "255.255.255.255", "255.255.255.255" },
	{ "192.168.100.200", "192.168.100.200" },
	{ "10.0.0", NULL },
	{ "10.0.0.1.", NULL },
	{ "10.0.0.1.2", NULL },
	{ "10..0.1", NULL },
	{ ".10.0.0.1", NULL },
	{ "10.0.0.256", NULL },
	{ "10.0.0.1000", NULL },
	{ "010.0.0.1", NULL },
	{ "10.0.0.01", NULL },
	{ "10.0.0.-1", NULL },
	{ "10.0.0.+1", NULL },
	{ " 10.0.0.1", NULL },
	{ "10.0.0.1 ", NULL },
	{ "0x0a.0.0.1", NULL },
	{ "", NULL },
	{ "a.b.c.d", NULL },
	{ "4294967295", NULL },
	{ "1.2.3.4\n", NULL },
};

static const struct {
	const char *text;
	const char *want;
} macs[] = {
	{ "52:54:00:12:34:56", "52:54:00:12:34:56" },
	{ "52-54-00-12-34-56", "52:54:00:12:34:56" },
	{ "AA:BB:CC:DD:EE:FF", "aa:bb:cc:dd:ee:ff" },
	{ "52:54:00:12:34", NULL },
	{ "52:54:00:12:34:56:78", NULL },
	{ "52:54-00:12:34:56", NULL },
	{ "5:54:00:12:34:56", NULL },
	{ "525:4:00:12:34:56", NULL },
	{ "52:54:00:12:34:5g", NULL },
	{ "525400123456", NULL },
	{ "52.54.00.12.34.56", NULL },
	{ "", NULL },
	{ ":::::", NULL },
	{ "52:54:00:12:34:56:", NULL },
};

int
main(void)
{
	char buf[INET_ADDRSTRLEN], mbuf[NETADDR_MAC_STRLEN];
	struct in_addr a;
	uint8_t mac[6];
	size_t i;

	for (i = 0; i < sizeof(ipv4) / sizeof(ipv4[0]); i++) {
		int r = netaddr_parse_ipv4(ipv4[i].text, &a);

		if (ipv4[i].want == NULL)
			tap_is_int(r, -EINVAL, "ipv4 '%s' refused", ipv4[i].text);
		else
			tap_ok(r == 0 && strcmp(inet_ntop(AF_INET, &a, buf, sizeof(buf)),
						 ipv4[i].want) == 0,
				"ipv4 '%s'", ipv4[i].text);
	}
	for (i = 0; i < sizeof(macs) / sizeof(macs[0]); i++) {
		int r = netaddr_parse_mac(macs[i].text, mac);

		if (macs[i].want == NULL) {
			tap_is_int(r, -EINVAL, "mac '%s' refused", macs[i].text);
			continue;
		}
		netaddr_format_mac(mac, ':', mbuf);
		tap_ok(r == 0 && strcmp(mbuf, macs[i].want) == 0, "mac '%s'", macs[i].text);
	}
	netaddr_format_mac((const uint8_t[]){ 1, 2, 3, 0xa, 0xb, 0xff }, '-', mbuf);
	tap_is_str(mbuf, "01-02-03-0a-0b-ff", "mac with dashes");
	inet_pton(AF_INET, "255.255.255.0", &a);
	tap_is_int(netaddr_mask_prefix(a), 24, "/24");
	inet_pton(AF_INET, "255.255.255.255", &a);
	tap_is_int(netaddr_mask_prefix(a), 32, "/32");
	inet_pton(AF_INET, "0.0.0.0", &a);
	tap_is_int(netaddr_mask_prefix(a), 0, "/0");
	inet_pton(AF_INET, "255.0.255.0", &a);
	tap_is_int(netaddr_mask_prefix(a), -EINVAL, "holes refused");
	inet_pton(AF_INET, "0.255.255.255", &a);
	tap_is_int(netaddr_mask_prefix(a), -EINVAL, "inverted refused");
	return tap_done();
}
