/*
 * site-validate.c: checks that need the whole site: required sections,
 * subnets, the range, duplicate MACs and addresses, references from hosts to
 * images. Runs after every file has been read, so each problem is reported
 * once, at the line of the value that causes it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "site-internal.h"
#include "strutil.h"

#define DEFAULT_TFTP_ROOT "/srv/diskless/tftp"
#define DEFAULT_STATE_DIR "/var/lib/diskless"

struct subnet {
	bool known;
	uint32_t net, mask;
};

static const char *
ntoa(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* 0 when inside and usable; else a reason to print. */
static const char *
outside(const struct subnet *sn, struct in_addr a)
{
	uint32_t h = netaddr_h(a);

	if (!sn->known)
		return NULL;
	if ((h & sn->mask) != sn->net)
		return "is outside the subnet";
	if (h == sn->net)
		return "is the subnet's network address";
	if (h == (sn->net | ~sn->mask))
		return "is the subnet's broadcast address";
	return NULL;
}

/* A range on another subnet than the server's is served through a relay
 * (giaddr in it, RFC 2131 §4.3.1), as dnsmasq and Kea do: the clients'
 * subnet is then the range's, for the router and host checks too. */
static void
check_relayed(struct site *site, struct subnet *sn)
{
	const struct site_dhcp *d = &site->dhcp;
	uint32_t net = netaddr_h(d->range_start) & sn->mask;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN];

	if (!d->has_range || site->server.mode != SITE_MODE_FULL || net == sn->net)
		return;
	sn->net = net;
	site_diag(site, SITE_WARNING, d->where.file, d->range_line,
		"range %s - %s is not on the subnet of [server] address %s/%d: only "
		"requests relayed from it (giaddr) are answered (fine behind a DHCP "
		"relay; otherwise put the range in the server's subnet)",
		ntoa(d->range_start, a), ntoa(d->range_end, b),
		ntoa(site->server.address, c), netaddr_mask_prefix(d->netmask));
}

static void
check_server(struct site *site, struct subnet *sn)
{
	struct site_server *s = &site->server;
	struct site_dhcp *d = &site->dhcp;
	const char *file = site->files[0];

	if (s->address.s_addr == 0) {
		if (s->where.line == 0)
			site_diag(site, SITE_ERROR, file, 0,
				"no [server] section (add [server] with address = the boot "
				"server's IPv4 address)");
		else
			site_diag(site, SITE_ERROR, s->where.file, s->where.line,
				"[server] has no address (add address = the boot server's IPv4 "
				"address on the clients' network)");
	}
	if (s->mode == SITE_MODE_FULL && (!d->present || d->netmask.s_addr == 0)) {
		if (!d->present)
			site_diag(site, SITE_ERROR, file, 0,
				"mode = full hands out addresses but there is no [dhcp] "
				"section (add [dhcp] with netmask, or set mode = proxy)");
		else
			site_diag(site, SITE_ERROR, d->where.file, d->where.line,
				"[dhcp] has no netmask (add netmask = 255.255.255.0 or the "
				"clients' netmask)");
	}
	if (s->mode == SITE_MODE_PROXY && d->has_range)
		site_diag(site, SITE_ERROR, d->where.file, d->range_line,
			"range given in proxy mode, where the site's DHCP server hands out "
			"addresses (remove range, or set mode = full)");
	if (d->netmask.s_addr != 0 && s->address.s_addr != 0) {
		sn->known = true;
		sn->mask = netaddr_h(d->netmask);
		sn->net = netaddr_h(s->address) & sn->mask;
		if (outside(sn, s->address) != NULL)
			site_diag(site, SITE_ERROR, s->where.file, s->address_line,
				"[server] address is the subnet's network or broadcast address");
		check_relayed(site, sn);
	}
}

static void
check_dhcp(struct site *site, const struct subnet *sn)
{
	struct site_dhcp *d = &site->dhcp;
	const char *why;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	if (!d->present || !sn->known)
		return;
	if (d->router.s_addr != 0 && (why = outside(sn, d->router)) != NULL)
		site_diag(site, SITE_ERROR, d->where.file, d->router_line,
			"router %s %s of the server %s/%d (clients could not reach it)",
			ntoa(d->router, a), why, ntoa(site->server.address, b),
			netaddr_mask_prefix(d->netmask));
	if (!d->has_range)
		return;
	if ((why = outside(sn, d->range_start)) != NULL ||
		(why = outside(sn, d->range_end)) != NULL) {
		site_diag(site, SITE_ERROR, d->where.file, d->range_line,
			"range %s - %s: an end %s of the server %s/%d",
			ntoa(d->range_start, a), ntoa(d->range_end, b), why,
			ntoa(site->server.address, a), netaddr_mask_prefix(d->netmask));
		return;
	}
	if (netaddr_h(d->range_start) > netaddr_h(d->range_end)) {
		site_diag(site, SITE_ERROR, d->where.file, d->range_line,
			"range %s - %s is backwards (put the lower address first)",
			ntoa(d->range_start, a), ntoa(d->range_end, b));
		return;
	}
	if (netaddr_h(site->server.address) >= netaddr_h(d->range_start) &&
		netaddr_h(site->server.address) <= netaddr_h(d->range_end))
		site_diag(site, SITE_WARNING, d->where.file, d->range_line,
			"range includes the server's own address %s (it is never handed out)",
			ntoa(site->server.address, a));
	if (d->router.s_addr != 0 && netaddr_h(d->router) >= netaddr_h(d->range_start) &&
		netaddr_h(d->router) <= netaddr_h(d->range_end))
		site_diag(site, SITE_WARNING, d->where.file, d->range_line,
			"range includes the router %s (it is never handed out)",
			ntoa(d->router, a));
}

static void
check_image_ref(struct site *site, struct site_host *h)
{
	const char *names[64 + 1];
	const char *hint;
	size_t i, n = 0;

	if (h->image[0] == '\0')
		return; /* reported when its section closed */
	for (i = 0; i < site->n_images; i++) {
		if (strcmp(site->images[i].name, h->image) == 0) {
			h->image_index = (int)i;
			return;
		}
		if (n < 64)
			names[n++] = site->images[i].name;
	}
	names[n] = NULL;
	hint = str_nearest(h->image, names);
	if (hint != NULL)
		site_diag(site, SITE_ERROR, h->where.file, h->image_line,
			"host %s names unknown image '%s' (did you mean '%s'?)", h->name,
			h->image, hint);
	else
		site_diag(site, SITE_ERROR, h->where.file, h->image_line,
			"host %s names unknown image '%s' (add [image %s], or use one of the "
			"images defined)",
			h->name, h->image, h->image);
}

static void
check_host_address(struct site *site, const struct subnet *sn, struct site_host *h)
{
	const struct site_dhcp *d = &site->dhcp;
	const char *why;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	if (h->address.s_addr == 0) {
		if (site->server.mode == SITE_MODE_FULL && d->present && !d->has_range)
			site_diag(site, SITE_ERROR, h->where.file, h->where.line,
				"host %s has no address and [dhcp] has no range to give it one "
				"(add address = ...)",
				h->name);
		return;
	}
	if ((why = outside(sn, h->address)) != NULL) {
		site_diag(site, SITE_ERROR, h->where.file, h->address_line,
			"host %s address %s %s of the server %s/%d", h->name,
			ntoa(h->address, a), why, ntoa(site->server.address, b),
			netaddr_mask_prefix(d->netmask));
		return;
	}
	if (h->address.s_addr == site->server.address.s_addr)
		site_diag(site, SITE_ERROR, h->where.file, h->address_line,
			"host %s has the server's own address %s", h->name, ntoa(h->address, a));
	else if (h->address.s_addr == d->router.s_addr)
		site_diag(site, SITE_ERROR, h->where.file, h->address_line,
			"host %s has the router's address %s", h->name, ntoa(h->address, a));
	else if (d->has_range && netaddr_h(h->address) >= netaddr_h(d->range_start) &&
		netaddr_h(h->address) <= netaddr_h(d->range_end))
		site_diag(site, SITE_WARNING, h->where.file, h->address_line,
			"host %s address %s is inside the dynamic range (it is kept for "
			"this host, so the range has one address less)",
			h->name, ntoa(h->address, a));
}

/* Each pair once: O(n^2) is 20,000 comparisons for a lab of 200. */
static void
check_duplicates(struct site *site)
{
	size_t i, j;
	char a[INET_ADDRSTRLEN], mac[NETADDR_MAC_STRLEN];
	static const uint8_t zero[NETADDR_MAC_LEN];

	for (i = 0; i < site->n_hosts; i++) {
		struct site_host *h = &site->hosts[i];

		for (j = 0; j < i; j++) {
			struct site_host *first = &site->hosts[j];

			if (memcmp(h->mac, zero, sizeof(zero)) != 0 &&
				memcmp(h->mac, first->mac, sizeof(h->mac)) == 0) {
				netaddr_format_mac(h->mac, ':', mac);
				site_diag(site, SITE_ERROR, h->where.file, h->mac_line,
					"host %s has mac %s, already host %s's (%s:%u)", h->name,
					mac, first->name, first->where.file, first->mac_line);
			}
			if (h->address.s_addr != 0 &&
				h->address.s_addr == first->address.s_addr)
				site_diag(site, SITE_ERROR, h->where.file, h->address_line,
					"host %s has address %s, already host %s's (%s:%u)",
					h->name, ntoa(h->address, a), first->name,
					first->where.file, first->address_line);
		}
	}
}

/* A default above its cap would never be granted: say so. */
static void
check_tftp(struct site *site)
{
	const struct site_tftp *t = &site->tftp;

	if (t->default_blksize > t->max_blksize)
		site_diag(site, SITE_ERROR, site->files[0], t->default_line,
			"default-blksize %u is above max-blksize %u (lower it, or raise "
			"max-blksize)", t->default_blksize, t->max_blksize);
	if (t->default_windowsize > t->max_windowsize)
		site_diag(site, SITE_ERROR, site->files[0], t->default_line,
			"default-windowsize %u is above max-windowsize %u (lower it, or "
			"raise max-windowsize)", t->default_windowsize, t->max_windowsize);
}

void
site_validate(struct site *site)
{
	struct subnet sn = { false, 0, 0 };
	size_t i;

	if (site->server.tftp_root == NULL &&
		site_strdup(&site->server.tftp_root, DEFAULT_TFTP_ROOT) < 0)
		site_diag(site, SITE_ERROR, site->files[0], 0, "out of memory");
	if (site->server.state_dir == NULL &&
		site_strdup(&site->server.state_dir, DEFAULT_STATE_DIR) < 0)
		site_diag(site, SITE_ERROR, site->files[0], 0, "out of memory");
	if (site->server.no_control_socket) {
		free(site->server.control_socket);
		site->server.control_socket = NULL;
	} else if (site->server.control_socket == NULL &&
		site_strdup(&site->server.control_socket,
			SITE_DEFAULT_CONTROL_SOCKET) < 0) {
		site_diag(site, SITE_ERROR, site->files[0], 0, "out of memory");
	}
	check_server(site, &sn);
	check_dhcp(site, &sn);
	site_boot_validate(site);
	for (i = 0; i < site->n_hosts; i++) {
		check_image_ref(site, &site->hosts[i]);
		check_host_address(site, &sn, &site->hosts[i]);
	}
	check_duplicates(site);
	check_tftp(site);
	if (site->n_images == 0)
		site_diag(site, SITE_WARNING, site->files[0], 0,
			"no [image NAME] section: there is nothing to boot yet");
}
