/*
 * export-dnsmasq.c: a dnsmasq config giving the site's clients their boot
 * files, in full mode (addresses too) or proxy mode (next to another DHCP
 * server), with TFTP from the site's tftp-root (dnsmasq(8)).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>

#include "bootcfg.h"
#include "export-boot.h"

static void
ip_str(struct in_addr a, char buf[INET_ADDRSTRLEN])
{
	inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static void
dnsmasq_lease(const struct site *site, FILE *out)
{
	if (site->dhcp.lease_time == SITE_LEASE_INFINITE)
		fprintf(out, "infinite");
	else
		fprintf(out, "%lu", (unsigned long)site->dhcp.lease_time);
}

static int
dnsmasq_full(const struct site *site, FILE *out, const char **why)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN];
	char mac[NETADDR_MAC_STRLEN];
	struct in_addr net;
	size_t i;
	int prefix, k;

	if (bootcfg_client_net(site, &net, &prefix) < 0) {
		*why = "full mode needs [dhcp] netmask";
		return -EINVAL;
	}
	ip_str(site->dhcp.netmask, mask);
	if (site->dhcp.has_range) {
		ip_str(site->dhcp.range_start, a);
		ip_str(site->dhcp.range_end, b);
		fprintf(out, "dhcp-range=%s,%s,%s,", a, b, mask);
	} else {
		/* Only the listed hosts get an address. */
		ip_str(net, a);
		fprintf(out, "dhcp-range=%s,static,%s,", a, mask);
	}
	dnsmasq_lease(site, out);
	fprintf(out, "\n");
	if (site->dhcp.router.s_addr) {
		ip_str(site->dhcp.router, a);
		fprintf(out, "dhcp-option=option:router,%s\n", a);
	}
	if (site->dhcp.n_dns > 0) {
		fprintf(out, "dhcp-option=option:dns-server");
		for (k = 0; k < site->dhcp.n_dns; k++) {
			ip_str(site->dhcp.dns[k], a);
			fprintf(out, ",%s", a);
		}
		fprintf(out, "\n");
	}
	if (site->dhcp.domain && site->dhcp.domain[0])
		fprintf(out, "dhcp-option=option:domain-name,%s\n", site->dhcp.domain);
	if (site->dhcp.mtu)
		fprintf(out, "dhcp-option=option:mtu,%u\n", site->dhcp.mtu);
	for (i = 0; i < site->n_hosts; i++) {
		const struct site_host *h = &site->hosts[i];

		netaddr_format_mac(h->mac, ':', mac);
		fprintf(out, "dhcp-host=%s", mac);
		if (h->address.s_addr) {
			ip_str(h->address, a);
			fprintf(out, ",%s", a);
		}
		fprintf(out, ",%s,", h->name);
		dnsmasq_lease(site, out);
		fprintf(out, "\n");
	}
	return 0;
}

/* The tag of export_ipxe [0] (clients with a [host]) and [1] (without). */
static const char *const known[2] = { "tag:known,", "tag:!known," };

/* The file iPXE gets on an architecture: its own script, or the loader. */
static const char *
ipxe_file(const struct export_boot *eb, const struct export_ipxe *x, int arch)
{
	return x->loader ? eb->file[arch] : x->file;
}

/* A dhcp-host line per [host] without the address, so that dnsmasq sets
 * its "known" tag in proxy mode too. */
static void
dnsmasq_known(const struct site *site, FILE *out)
{
	char mac[NETADDR_MAC_STRLEN];
	size_t i;

	for (i = 0; i < site->n_hosts; i++) {
		netaddr_format_mac(site->hosts[i].mac, ':', mac);
		fprintf(out, "dhcp-host=%s\n", mac);
	}
}

/*
 * In proxy mode dnsmasq answers PXE clients with pxe-service entries (a
 * boot server reply, PXE spec §2.2.5); a file name with its suffix is sent
 * as is. Arch 9 is listed next to 7: much x64 firmware sends 9 (RFC 4578
 * errata 4624).
 */
static void
dnsmasq_proxy(const struct site *site, const struct export_boot *eb, FILE *out)
{
	char a[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN];
	struct in_addr net;
	const char *f;
	unsigned c;
	int prefix, k, arch;

	if (bootcfg_client_net(site, &net, &prefix) == 0) {
		ip_str(net, a);
		ip_str(site->dhcp.netmask, mask);
		fprintf(out, "dhcp-range=%s,proxy,%s\n", a, mask);
	} else {
		ip_str(site->server.address, a);
		fprintf(out, "dhcp-range=%s,proxy\n", a);
	}
	if (eb->ipxe_split || eb->ignore_unknown)
		dnsmasq_known(site, out);
	for (arch = 0; arch < EXPORT_ARCH__COUNT; arch++) {
		const struct export_arch_info *ai = &export_arch[arch];

		if (eb->file[arch][0] == '\0')
			continue;
		for (c = 0; c < ai->n_csa; c++) {
			fprintf(out, "pxe-service=tag:!ipxe,%s,\"diskless\",%s\n", ai->csa[c],
				eb->file[arch]);
			for (k = 0; k < (eb->ipxe_split ? 2 : 1); k++) {
				f = ipxe_file(eb, &eb->ipxe[k], arch);
				if (f[0] != '\0')
					fprintf(out, "pxe-service=tag:ipxe,%s%s,\"diskless\",%s\n",
						eb->ipxe_split ? known[k] : "", ai->csa[c], f);
			}
		}
	}
}

/* Tags by RFC 4578 §2.1 client architecture and by the iPXE user class;
 * iPXE gets its script or the loader, never a ROM again (that loops). */
static void
dnsmasq_boot(const struct export_boot *eb, const char *srv, FILE *out)
{
	const char *f;
	unsigned c;
	int arch, k;

	for (arch = 0; arch < EXPORT_ARCH__COUNT; arch++)
		for (c = 0; eb->file[arch][0] != '\0' && c < export_arch[arch].n_code; c++)
			fprintf(out, "dhcp-match=set:%s,option:client-arch,%u\n",
				export_arch[arch].tag, export_arch[arch].code[c]);
	fprintf(out, "dhcp-userclass=set:ipxe,iPXE\n"
		     "dhcp-match=set:ipxe,175\n"
		     /* iPXE option 175.176 (no-pxedhcp): do not wait 2 s for a
		      * ProxyDHCP offer (reference/vm-boot.md, pitfall 13). */
		     "dhcp-option=tag:ipxe,encap:175,176,1\n");
	for (arch = 0; arch < EXPORT_ARCH__COUNT; arch++)
		if (eb->file[arch][0] != '\0')
			fprintf(out, "dhcp-boot=tag:%s,tag:!ipxe,%s,,%s\n", export_arch[arch].tag,
				eb->file[arch], srv);
	for (k = 0; k < (eb->ipxe_split ? 2 : 1); k++) {
		const char *kt = eb->ipxe_split ? known[k] : "";

		if (!eb->ipxe[k].loader) {
			if (eb->ipxe[k].file[0] != '\0')
				fprintf(out, "dhcp-boot=tag:ipxe,%s%s,,%s\n", kt, eb->ipxe[k].file, srv);
			continue;
		}
		for (arch = 0; arch < EXPORT_ARCH__COUNT; arch++) {
			f = ipxe_file(eb, &eb->ipxe[k], arch);
			if (f[0] != '\0')
				fprintf(out, "dhcp-boot=tag:ipxe,%stag:%s,%s,,%s\n", kt,
					export_arch[arch].tag, f, srv);
		}
	}
	if (eb->ignore_unknown)
		fprintf(out, "dhcp-ignore=tag:!known\n");
}

int
export_dnsmasq(const struct site *site, FILE *out, const char **why)
{
	char srv[INET_ADDRSTRLEN];
	struct export_boot eb;
	int r;

	if ((r = export_boot_resolve(site, &eb, why)) < 0)
		return r;
	ip_str(site->server.address, srv);
	fprintf(out, "# dnsmasq config for the diskless site (%s mode), written by "
		     "diskless export\n"
		     "port=0\n",
		site_mode_name(site->server.mode));
	if (site->server.interface[0])
		fprintf(out, "interface=%s\n"
			     "bind-dynamic\n",
			site->server.interface);
	if (site->server.mode == SITE_MODE_FULL)
		r = dnsmasq_full(site, out, why);
	else
		dnsmasq_proxy(site, &eb, out);
	if (r < 0)
		return r;
	dnsmasq_boot(&eb, srv, out);
	fprintf(out, "enable-tftp\n"
		     "tftp-root=%s\n",
		site->server.tftp_root);
	if (ferror(out)) {
		*why = "write error";
		return -EIO;
	}
	return 0;
}
