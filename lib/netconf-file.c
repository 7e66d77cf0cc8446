/*
 * netconf-file.c: see netconf-file.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "netaddr.h"
#include "netconf-file.h"

struct out {
	char *buf;
	size_t size, len;
	bool full;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->full || n >= o->size - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/*
 * KEY='value'. As klibc ipconfig write_option(): a ' or ! inside the value
 * closes the quote, emits an escaped character and reopens ('\''); ! too
 * because bash expands it in some modes. Control characters are dropped:
 * a newline would start a new assignment.
 */
static void
option(struct out *o, const char *key, const char *val)
{
	puts_(o, key);
	puts_(o, "='");
	for (; val != NULL && *val != '\0'; val++) {
		char c = *val;

		if (c == '\'' || c == '!') {
			char esc[] = "'\\x'";

			esc[2] = c;
			puts_(o, esc);
		} else if ((unsigned char)c >= ' ' && c != 0x7f) {
			put(o, &c, 1);
		}
	}
	puts_(o, "'\n");
}

static void
option_ip(struct out *o, const char *key, struct in_addr a)
{
	char s[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, s, sizeof(s));
	option(o, key, s);
}

static void
option_num(struct out *o, const char *key, long v)
{
	char s[24];

	snprintf(s, sizeof(s), "%ld", v);
	option(o, key, s);
}

int
netconf_format_klibc(const struct netconf *nc, char *buf, size_t size)
{
	struct out o = { buf, size, 0, size == 0 };
	struct in_addr bcast;

	if (nc->device == NULL || nc->device[0] == '\0')
		return -EINVAL;
	if (size > 0)
		buf[0] = '\0';
	bcast.s_addr = nc->addr.s_addr | ~nc->netmask.s_addr;
	option(&o, "DEVICE", nc->device);
	option(&o, "PROTO", nc->proto != NULL ? nc->proto : "none");
	option_ip(&o, "IPV4ADDR", nc->addr);
	option_ip(&o, "IPV4BROADCAST", bcast);
	option_ip(&o, "IPV4NETMASK", nc->netmask);
	option_ip(&o, "IPV4GATEWAY", nc->gateway);
	option_ip(&o, "IPV4DNS0", nc->dns[0]);
	option_ip(&o, "IPV4DNS1", nc->dns[1]);
	option(&o, "HOSTNAME", nc->hostname);
	option(&o, "DNSDOMAIN", nc->dnsdomain);
	option(&o, "NISDOMAIN", nc->nisdomain);
	option_ip(&o, "ROOTSERVER", nc->server);
	option(&o, "ROOTPATH", nc->rootpath);
	option(&o, "filename", nc->filename);
	option_num(&o, "UPTIME", nc->uptime);
	if (nc->leasetime != 0)
		option_num(&o, "DHCPLEASETIME", (long)nc->leasetime);
	option(&o, "DOMAINSEARCH", nc->domainsearch);
	return o.full ? -ENOSPC : (int)o.len;
}

int
netconf_format_resolv(const char *dnsdomain, const struct in_addr *ns, unsigned n,
	char *buf, size_t size)
{
	struct out o = { buf, size, 0, size == 0 };
	char s[INET_ADDRSTRLEN];
	unsigned i;

	if (size > 0)
		buf[0] = '\0';
	puts_(&o, "# written by diskless-init\n");
	if (dnsdomain != NULL && dnsdomain[0] != '\0') {
		const char *p;

		/* a domain from DHCP must stay on one line */
		for (p = dnsdomain; *p != '\0'; p++) {
			if ((unsigned char)*p <= ' ' || *p == 0x7f)
				return -EINVAL;
		}
		puts_(&o, "search ");
		puts_(&o, dnsdomain);
		puts_(&o, "\n");
	}
	for (i = 0; i < n; i++) {
		if (ns[i].s_addr == INADDR_ANY)
			continue;
		inet_ntop(AF_INET, &ns[i], s, sizeof(s));
		puts_(&o, "nameserver ");
		puts_(&o, s);
		puts_(&o, "\n");
	}
	return o.full ? -ENOSPC : (int)o.len;
}

/* "key value" with value copied out bounded; NULL if the line is not key. */
static bool
pnp_value(const char *line, size_t n, const char *key, char *val, size_t size)
{
	size_t k = strlen(key);

	if (n <= k + 1 || memcmp(line, key, k) != 0 || line[k] != ' ')
		return false;
	line += k + 1;
	n -= k + 1;
	if (n >= size)
		return false;
	memcpy(val, line, n);
	val[n] = '\0';
	return memchr(val, '\0', n) == NULL;
}

int
netconf_parse_pnp(const char *buf, size_t len, struct netconf_pnp *out)
{
	size_t off = 0;
	int understood = 0;

	memset(out, 0, sizeof(*out));
	while (off < len) {
		const char *line = buf + off, *nl = memchr(line, '\n', len - off);
		size_t n = nl != NULL ? (size_t)(nl - line) : len - off;
		char val[256];
		struct in_addr a;

		off += n + (nl != NULL);
		if (pnp_value(line, n, "nameserver", val, sizeof(val)) &&
			netaddr_parse_ipv4(val, &a) == 0) {
			if (out->n_dns < 3)
				out->dns[out->n_dns++] = a;
			understood++;
		} else if (pnp_value(line, n, "bootserver", val, sizeof(val)) &&
			netaddr_parse_ipv4(val, &a) == 0) {
			out->bootserver = a;
			understood++;
		} else if (pnp_value(line, n, "domain", val, sizeof(val)) &&
			strchr(val, ' ') == NULL) {
			memcpy(out->domain, val, strlen(val) + 1);
			understood++;
		} else if (n > 0 && line[0] == '#') {
			understood++;	/* "#PROTO: DHCP" / "#MANUAL" */
		}
	}
	return understood;
}
