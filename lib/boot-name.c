/*
 * boot-name.c: a [boot] name template expanded for one client (boot-name.h),
 * the one expander of disklessd's DHCP replies (server/dhcp-reply.c) and of
 * `diskless export` (builder/export-boot.c). lib/site-boot.c checks the
 * placeholders when the site is read.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "boot-name.h"
#include "netaddr.h"

static int
put(char *buf, size_t size, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (size - *len <= n)
		return -ENAMETOOLONG;
	memcpy(buf + *len, s, n + 1);
	*len += n;
	return 0;
}

int
boot_name_expand(const char *tpl, const uint8_t *mac, const char *host,
	struct in_addr server, char *buf, size_t size)
{
	size_t len = 0;
	int r = 0;

	if (size == 0)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	for (; *tpl != '\0' && r == 0; tpl++) {
		char tmp[24]; /* a MAC (18) or a dotted quad (16) */

		if (*tpl != '%') {
			tmp[0] = *tpl;
			tmp[1] = '\0';
			r = put(buf, size, &len, tmp);
			continue;
		}
		switch (*++tpl) {
		case 'm':
			if (mac == NULL)
				return -ENXIO;
			netaddr_format_mac(mac, '-', tmp);
			r = put(buf, size, &len, tmp);
			break;
		case 'h':
			if (host == NULL)
				return -ENXIO;
			r = put(buf, size, &len, host);
			break;
		case 's':
			inet_ntop(AF_INET, &server, tmp, sizeof(tmp));
			r = put(buf, size, &len, tmp);
			break;
		case '%':
			r = put(buf, size, &len, "%");
			break;
		default:
			return -EINVAL; /* including a lone '%' at the end */
		}
	}
	return r;
}
