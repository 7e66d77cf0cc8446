/*
 * netaddr.h: strict text forms of the addresses the site config, the DHCP
 * server and the init exchange. Pure functions, no allocation (usable from
 * the static /init).
 */
#ifndef DISKLESS_NETADDR_H
#define DISKLESS_NETADDR_H

#include <netinet/in.h>
#include <stdint.h>

#define NETADDR_MAC_LEN 6
/* "52:54:00:12:34:56" plus NUL */
#define NETADDR_MAC_STRLEN 18

/* Dotted quad, exactly four decimal parts 0..255, no leading zeros (so
 * "010.0.0.1" is refused rather than read as octal by some peer).
 * Returns 0 or -EINVAL. */
int netaddr_parse_ipv4(const char *s, struct in_addr *out);
/* Six two-digit hex bytes separated by ':' or '-' (one kind throughout).
 * Returns 0 or -EINVAL. */
int netaddr_parse_mac(const char *s, uint8_t mac[NETADDR_MAC_LEN]);
/* Lower-case, sep between bytes (':' or '-'); buf holds NETADDR_MAC_STRLEN. */
void netaddr_format_mac(const uint8_t mac[NETADDR_MAC_LEN], char sep, char *buf);
/* Prefix length 0..32 of a contiguous netmask, or -EINVAL. */
int netaddr_mask_prefix(struct in_addr mask);
/* Host-order helpers for range arithmetic. */
static inline uint32_t
netaddr_h(struct in_addr a)
{
	return ntohl(a.s_addr);
}

#endif
