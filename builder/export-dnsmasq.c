/*
 * export-dnsmasq.c: a dnsmasq config giving the site's clients their boot
 * files, in full mode (addresses too) or proxy mode (next to another DHCP
 * server), with TFTP from the site's tftp-root (dnsmasq(8)).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>

#include "bootcfg.h"

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

/*
 * In proxy mode dnsmasq answers PXE clients with pxe-service entries (a
 * boot server reply, PXE spec §2.2.5); a file name with its suffix is sent
 * as is. Arch 9 is listed next to 7: much x64 firmware sends 9 (RFC 4578
 * errata 4624).
 */
static void
dnsmasq_proxy(const struct site *site, FILE *out)
{
	static const char *const csa[] = { "X86-64_EFI", "BC_EFI" };
	char a[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN];
	struct in_addr net;
	size_t i;
	int prefix;

	if (bootcfg_client_net(site, &net, &prefix) == 0) {
		ip_str(net, a);
		ip_str(site->dhcp.netmask, mask);
		fprintf(out, "dhcp-range=%s,proxy,%s\n", a, mask);
	} else {
		ip_str(site->server.address, a);
		fprintf(out, "dhcp-range=%s,proxy\n", a);
	}
	fprintf(out, "pxe-service=tag:!ipxe,x86PC,\"diskless\"," BOOTCFG_BIOS_FILE "\n"
		     "pxe-service=tag:ipxe,x86PC,\"diskless\"," BOOTCFG_IPXE_FILE "\n");
	for (i = 0; i < sizeof(csa) / sizeof(csa[0]); i++)
		fprintf(out, "pxe-service=tag:!ipxe,%s,\"diskless\"," BOOTCFG_UEFI_FILE "\n"
			     "pxe-service=tag:ipxe,%s,\"diskless\"," BOOTCFG_IPXE_FILE "\n",
			csa[i], csa[i]);
}

int
export_dnsmasq(const struct site *site, FILE *out, const char **why)
{
	char srv[INET_ADDRSTRLEN];
	int r = 0;

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
		dnsmasq_proxy(site, out);
	if (r < 0)
		return r;
	/* Tags by RFC 4578 §2.1 client architecture and by the iPXE user class;
	 * iPXE gets the script, not a loader again (that loops). */
	fprintf(out, "dhcp-match=set:bios,option:client-arch,0\n"
		     "dhcp-match=set:efi64,option:client-arch,7\n"
		     "dhcp-match=set:efi64,option:client-arch,9\n"
		     "dhcp-userclass=set:ipxe,iPXE\n"
		     "dhcp-match=set:ipxe,175\n"
		     /* iPXE option 175.176 (no-pxedhcp): do not wait 2 s for a
		      * ProxyDHCP offer (reference/vm-boot.md, pitfall 13). */
		     "dhcp-option=tag:ipxe,encap:175,176,1\n"
		     "dhcp-boot=tag:bios,tag:!ipxe," BOOTCFG_BIOS_FILE ",,%s\n"
		     "dhcp-boot=tag:efi64,tag:!ipxe," BOOTCFG_UEFI_FILE ",,%s\n"
		     "dhcp-boot=tag:ipxe," BOOTCFG_IPXE_FILE ",,%s\n"
		     "enable-tftp\n"
		     "tftp-root=%s\n",
		srv, srv, srv, site->server.tftp_root);
	if (ferror(out)) {
		*why = "write error";
		return -EIO;
	}
	return 0;
}
