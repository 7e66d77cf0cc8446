/*
 * netcfg.c: bring up the boot interface from ip=/BOOTIF= (or one DHCP
 * exchange), over rtnetlink, and leave the result in /run for the booted
 * system: /run/net-<dev>.conf (klibc format) and /run/diskless/resolv.conf.
 *
 * Interface choice: the BOOTIF= MAC, else the ip= device, else the
 * ifname= MAC, else the first Ethernet link that has carrier.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "dhcp-client.h"
#include "init.h"
#include "netconf-file.h"
#include "rtnl.h"

/* Bounds: driver probe is synchronous for the NICs we ship, but USB and
 * some PCI NICs register late; a switch port may take seconds to link
 * (the kernel waits up to 120 s, which hides real faults too long). */
#define LINK_APPEAR_MS 15000
#define CARRIER_MS 20000
#define DHCP_MS 30000
#define POLL_MS 50

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static bool
eligible(const struct rtnl_link *l)
{
	/* kernel ipconfig: not loopback, broadcast-capable, not dummy* */
	return l->type == ARPHRD_ETHER && !(l->flags & IFF_LOOPBACK) && l->has_mac &&
		strncmp(l->name, "dummy", 5) != 0;
}

/* Finds the link the command line names; NULL if not (yet) there. */
static const struct rtnl_link *
find_named(const struct cmdline *cl, const struct rtnl_link *links, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (cl->has_bootif) {
			if (links[i].has_mac && memcmp(links[i].mac, cl->bootif, 6) == 0)
				return &links[i];
		} else if (cl->ip_device[0] != '\0') {
			if (strcmp(links[i].name, cl->ip_device) == 0)
				return &links[i];
		} else if (cl->has_ifname_mac) {
			if (links[i].has_mac && memcmp(links[i].mac, cl->ifname_mac, 6) == 0)
				return &links[i];
		}
	}
	return NULL;
}

static bool
has_hint(const struct cmdline *cl)
{
	return cl->has_bootif || cl->ip_device[0] != '\0' || cl->has_ifname_mac;
}

static const char *
pick_link(int fd, struct boot *b, struct rtnl_link *out)
{
	static struct rtnl_link links[RTNL_LINKS_MAX];
	long long start = now_ms(), said = 0;
	char macs[NETADDR_MAC_STRLEN];

	if (b->cl.has_bootif)
		netaddr_format_mac(b->cl.bootif, ':', macs);
	for (;;) {
		unsigned n = RTNL_LINKS_MAX, i;
		const struct rtnl_link *l = NULL;
		long long waited = now_ms() - start;

		if (rtnl_links(fd, links, &n) < 0)
			return "unable to list network links over rtnetlink";
		if (has_hint(&b->cl)) {
			l = find_named(&b->cl, links, n);
		} else {
			/* no hint: bring all candidates up, take the first with carrier */
			for (i = 0; i < n; i++) {
				if (!eligible(&links[i]))
					continue;
				/* late-registering NICs are raised on a later pass */
				if (!(links[i].flags & IFF_UP))
					(void)rtnl_link_up(fd, links[i].index);
				if (links[i].carrier && (links[i].flags & IFF_UP)) {
					l = &links[i];
					break;
				}
			}
		}
		if (l != NULL) {
			*out = *l;
			return NULL;
		}
		if (waited >= (has_hint(&b->cl) ? LINK_APPEAR_MS : CARRIER_MS))
			break;
		if (waited - said >= 3000) {
			said = waited;
			if (b->cl.has_bootif)
				say("waiting for the interface with MAC %s (BOOTIF)", macs);
			else if (b->cl.ip_device[0] != '\0')
				say("waiting for interface %s (ip=)", b->cl.ip_device);
			else
				say("waiting for an Ethernet interface with carrier");
		}
		sleep_ms(POLL_MS);
	}
	if (b->cl.has_bootif) {
		say_warn("no interface has MAC %s", macs);
		return "no interface with the BOOTIF= MAC address (NIC driver missing from the initrd?)";
	}
	if (b->cl.ip_device[0] != '\0')
		return "no interface named by ip= (NIC driver missing from the initrd, or another name?)";
	if (b->cl.has_ifname_mac)
		return "no interface with the ifname= MAC address (NIC driver missing?)";
	return "no Ethernet interface with carrier (cable, switch port, or NIC driver missing from the initrd?)";
}

static const char *
wait_carrier(int fd, struct boot *b, struct rtnl_link *l)
{
	static struct rtnl_link links[RTNL_LINKS_MAX];
	long long start = now_ms(), said = 0;

	if (rtnl_link_up(fd, l->index) < 0)
		return "unable to bring the boot interface up";
	for (;;) {
		unsigned n = RTNL_LINKS_MAX, i;
		long long waited = now_ms() - start;

		if (rtnl_links(fd, links, &n) < 0)
			return "unable to list network links over rtnetlink";
		for (i = 0; i < n; i++) {
			if (links[i].index == l->index && links[i].carrier) {
				say_debug("%s: carrier after %lld ms", l->name, waited);
				return NULL;
			}
		}
		if (waited >= CARRIER_MS)
			break;
		if (waited - said >= 3000) {
			said = waited;
			say("waiting for link on %s", b->ifname);
		}
		sleep_ms(POLL_MS);
	}
	return "no carrier on the boot interface (cable or switch port?)";
}

/* /proc/net/pnp exists with content when the kernel's own ip= autoconfig
 * (CONFIG_IP_PNP) configured the network before /init: don't do it twice. */
static bool
kernel_configured(struct boot *b)
{
	char buf[1024];
	struct netconf_pnp pnp;
	ssize_t n;
	unsigned i;

	n = read_file("/proc/net/pnp", buf, sizeof(buf));
	if (n <= 0 || netconf_parse_pnp(buf, (size_t)n, &pnp) <= 0)
		return false;
	for (i = 0; i < pnp.n_dns && b->n_dns < CMDLINE_DNS_MAX; i++)
		b->dns[b->n_dns++] = pnp.dns[i];
	if (pnp.bootserver.s_addr != INADDR_ANY) {
		b->dhcp.valid = true;
		b->dhcp.siaddr = pnp.bootserver;
	}
	if (strlen(pnp.domain) < sizeof(b->domain))
		memcpy(b->domain, pnp.domain, strlen(pnp.domain) + 1);
	return true;
}

static void
add_dns(struct boot *b, struct in_addr a)
{
	unsigned i;

	if (a.s_addr == INADDR_ANY || b->n_dns >= CMDLINE_DNS_MAX)
		return;
	for (i = 0; i < b->n_dns; i++) {
		if (b->dns[i].s_addr == a.s_addr)
			return;
	}
	b->dns[b->n_dns++] = a;
}

static void
from_cmdline(struct boot *b)
{
	const struct cmdline *cl = &b->cl;

	b->proto = "none";
	b->addr = cl->ip_client;
	b->netmask = cl->ip_netmask;
	b->gateway = cl->ip_gateway;
	b->mtu = cl->ip_mtu;
	memcpy(b->hostname, cl->ip_hostname, sizeof(b->hostname));
	memcpy(b->nisdomain, cl->ip_domain, sizeof(b->nisdomain));
}

static const char *
from_dhcp(struct boot *b)
{
	struct dhcp_lease l;
	const char *why;
	char a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];

	say("DHCP on %s", b->ifname);
	if (dhcp_exchange(b->ifindex, b->mac, DHCP_MS, &l, &why) < 0)
		return why;
	b->proto = "dhcp";
	b->addr = l.yiaddr;
	b->netmask = l.has_netmask ? l.netmask : (struct in_addr){ htonl(0xffffff00u) };
	b->gateway = l.router;
	b->leasetime = l.lease_time;
	if (b->mtu == 0)
		b->mtu = l.mtu;
	/* ip= hostname beats DHCP's, as in the kernel */
	if (b->hostname[0] == '\0')
		memcpy(b->hostname, l.hostname, sizeof(b->hostname));
	if (strlen(l.domain) < sizeof(b->domain))
		memcpy(b->domain, l.domain, strlen(l.domain) + 1);
	for (unsigned i = 0; i < l.n_dns; i++)
		add_dns(b, l.dns[i]);
	b->dhcp.valid = true;
	b->dhcp.siaddr = l.siaddr;
	b->dhcp.server_id = l.server_id;
	memcpy(b->dhcp.root_path, l.root_path, sizeof(b->dhcp.root_path));
	memcpy(b->dhcp.hostname, l.hostname, sizeof(b->dhcp.hostname));
	inet_ntop(AF_INET, &l.yiaddr, a, sizeof(a));
	inet_ntop(AF_INET, &l.server_id, s, sizeof(s));
	say("DHCP: %s from server %s%s%s", a, s, l.root_path[0] ? ", root-path " : "",
		l.root_path);
	if (l.rejected > 0)
		say_warn("DHCP: %u invalid options in the ACK ignored", l.rejected);
	return NULL;
}

static const char *
apply(int fd, struct boot *b)
{
	struct in_addr bcast;
	int prefix = netaddr_mask_prefix(b->netmask), r;

	if (prefix < 0)
		return "netmask is not contiguous";
	if (b->mtu != 0 && (r = rtnl_link_mtu(fd, b->ifindex, b->mtu)) < 0)
		say_warn("unable to set MTU %u on %s: %s", b->mtu, b->ifname, strerror(-r));
	bcast.s_addr = b->addr.s_addr | ~b->netmask.s_addr;
	if ((r = rtnl_addr_add(fd, b->ifindex, b->addr, prefix, bcast)) < 0) {
		say_warn("RTM_NEWADDR on %s: %s", b->ifname, strerror(-r));
		return "unable to set the interface address";
	}
	if (b->gateway.s_addr != INADDR_ANY &&
		(r = rtnl_route_default(fd, b->ifindex, b->gateway)) < 0) {
		say_warn("default route: %s", strerror(-r));
		return "unable to add the default route (is the gateway on the subnet?)";
	}
	if (b->hostname[0] != '\0' && sethostname(b->hostname, strlen(b->hostname)) < 0)
		say_warn("sethostname: %s", strerror(errno));
	if (b->nisdomain[0] != '\0' && setdomainname(b->nisdomain, strlen(b->nisdomain)) < 0)
		say_warn("setdomainname: %s", strerror(errno));
	return NULL;
}

/* /run/net-<dev>.conf for initramfs-tools/LTSP style consumers and
 * /run/diskless/resolv.conf (the image links /etc/resolv.conf to it, or
 * switch_root copies it into a writable overlay root). */
void
net_write_files(struct boot *b)
{
	char buf[4096], path[64];
	struct netconf nc;
	struct sysinfo si;
	int n, r;

	memset(&nc, 0, sizeof(nc));
	nc.device = b->ifname;
	nc.proto = b->proto;
	nc.addr = b->addr;
	nc.netmask = b->netmask;
	nc.gateway = b->gateway;
	nc.server = b->nfs.server;
	nc.dns[0] = b->dns[0];
	nc.dns[1] = b->dns[1];
	nc.hostname = b->hostname;
	nc.dnsdomain = b->domain;
	nc.nisdomain = b->nisdomain;
	nc.rootpath = b->dhcp.root_path;
	nc.uptime = sysinfo(&si) == 0 ? si.uptime : 0;
	nc.leasetime = b->leasetime;
	if (b->ifname[0] == '\0') {
		/* configured by the kernel: only resolv.conf */
	} else if ((n = netconf_format_klibc(&nc, buf, sizeof(buf))) < 0 ||
		snprintf(path, sizeof(path), "/run/net-%s.conf", b->ifname) >= (int)sizeof(path) ||
		(r = write_file_atomic(path, buf, (size_t)n, 0644)) < 0)
		say_warn("unable to write /run/net-%s.conf", b->ifname);
	if (mkdir_p(OVERLAY_DIR, 0755) < 0 ||
		(n = netconf_format_resolv(b->domain, b->dns, b->n_dns, buf, sizeof(buf))) < 0 ||
		write_file_atomic(OVERLAY_DIR "/resolv.conf", buf, (size_t)n, 0644) < 0)
		say_warn("unable to write " OVERLAY_DIR "/resolv.conf");
}

/* ifname=<name>:<mac> (dracut): give the boot NIC its stable name before
 * anything refers to it, so net-<name>.conf matches the booted system. */
static void
maybe_rename(int fd, const struct cmdline *cl, struct rtnl_link *l)
{
	int r;

	if (!cl->has_ifname_mac || memcmp(l->mac, cl->ifname_mac, 6) != 0 ||
		strcmp(l->name, cl->ifname) == 0)
		return;
	if ((r = rtnl_link_rename(fd, l->index, cl->ifname)) < 0) {
		say_warn("unable to rename %s to %s (ifname=): %s", l->name, cl->ifname,
			strerror(-r));
		return;
	}
	say("renamed %s to %s (ifname=)", l->name, cl->ifname);
	memcpy(l->name, cl->ifname, sizeof(l->name));
}

void
net_raise(struct boot *b)
{
	static struct rtnl_link links[RTNL_LINKS_MAX];
	unsigned n = RTNL_LINKS_MAX, i;
	const struct rtnl_link *named;
	int fd;

	if (b->cl.ip_mode == CMDLINE_IP_OFF || (fd = rtnl_open()) < 0)
		return;
	if (rtnl_links(fd, links, &n) < 0)
		n = 0;
	named = has_hint(&b->cl) ? find_named(&b->cl, links, n) : NULL;
	if (has_hint(&b->cl) && named == NULL)
		n = 0;	/* not there yet: net_configure() waits for it */
	for (i = 0; i < n; i++) {
		if (named != NULL ? &links[i] != named : !eligible(&links[i]))
			continue;
		/* ifname= renames only a link that is down: do it first */
		maybe_rename(fd, &b->cl, &links[i]);
		if (!(links[i].flags & IFF_UP))
			(void)rtnl_link_up(fd, links[i].index);
	}
	close(fd);
}

const char *
net_configure(struct boot *b)
{
	struct rtnl_link l;
	const char *why = NULL;
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	unsigned i;
	int fd;

	if (b->cl.ip_mode == CMDLINE_IP_OFF) {
		say("ip=off: not configuring the network");
		return NULL;
	}
	for (i = 0; i < b->cl.n_nameserver; i++)
		add_dns(b, b->cl.nameserver[i]);
	fd = rtnl_open();
	if (fd < 0)
		return "unable to open an rtnetlink socket";
	if (kernel_configured(b)) {
		say("network already configured by the kernel (/proc/net/pnp)");
		b->proto = "kernel";
		goto out;
	}
	if ((why = pick_link(fd, b, &l)) != NULL)
		goto out;
	maybe_rename(fd, &b->cl, &l);
	memcpy(b->ifname, l.name, sizeof(b->ifname));
	memcpy(b->mac, l.mac, sizeof(b->mac));
	b->ifindex = l.index;
	if ((why = wait_carrier(fd, b, &l)) != NULL)
		goto out;
	from_cmdline(b);
	add_dns(b, b->cl.ip_dns[0]);
	add_dns(b, b->cl.ip_dns[1]);
	if (b->cl.ip_mode != CMDLINE_IP_STATIC && (why = from_dhcp(b)) != NULL)
		goto out;
	if ((why = apply(fd, b)) != NULL)
		goto out;
	inet_ntop(AF_INET, &b->addr, a, sizeof(a));
	inet_ntop(AF_INET, &b->gateway, g, sizeof(g));
	say("%s: %s/%d gateway %s (%s)", b->ifname, a, netaddr_mask_prefix(b->netmask), g,
		b->proto);
out:
	close(fd);
	return why;
}
