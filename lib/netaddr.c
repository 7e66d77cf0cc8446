/*
 * netaddr.c: see netaddr.h.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "netaddr.h"

int
netaddr_parse_ipv4(const char *s, struct in_addr *out)
{
	uint32_t addr = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0;
		int digits = 0;

		if (part > 0 && *s++ != '.')
			return -EINVAL;
		while (*s >= '0' && *s <= '9') {
			if (digits == 1 && v == 0)
				return -EINVAL; /* leading zero */
			v = v * 10 + (unsigned)(*s - '0');
			if (++digits > 3 || v > 255)
				return -EINVAL;
			s++;
		}
		if (digits == 0)
			return -EINVAL;
		addr = addr << 8 | v;
	}
	if (*s != '\0')
		return -EINVAL;
	out->s_addr = htonl(addr);
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
netaddr_parse_mac(const char *s, uint8_t mac[NETADDR_MAC_LEN])
{
	uint8_t tmp[NETADDR_MAC_LEN];
	char sep = '\0';
	int i;

	for (i = 0; i < NETADDR_MAC_LEN; i++) {
		int hi, lo;

		if (i > 0) {
			if (sep == '\0' && (*s == ':' || *s == '-'))
				sep = *s;
			if (*s != sep || sep == '\0')
				return -EINVAL;
			s++;
		}
		if ((hi = hexval(s[0])) < 0 || (lo = hexval(s[1])) < 0)
			return -EINVAL;
		tmp[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	if (*s != '\0')
		return -EINVAL;
	memcpy(mac, tmp, sizeof(tmp));
	return 0;
}

void
netaddr_format_mac(const uint8_t mac[NETADDR_MAC_LEN], char sep, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < NETADDR_MAC_LEN; i++) {
		*buf++ = hex[mac[i] >> 4];
		*buf++ = hex[mac[i] & 15];
		if (i < NETADDR_MAC_LEN - 1)
			*buf++ = sep;
	}
	*buf = '\0';
}

int
netaddr_mask_prefix(struct in_addr mask)
{
	uint32_t m = ntohl(mask.s_addr);
	int prefix = 0;

	while (m & 0x80000000u) {
		prefix++;
		m <<= 1;
	}
	return m == 0 ? prefix : -EINVAL;
}
