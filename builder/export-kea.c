/*
 * export-kea.c: a Kea DHCPv4 config (kea-dhcp4(8), Kea ARM "DHCPv4
 * Server"): the site's subnet, pool, options, one reservation per host and
 * client classes that pick the boot file by architecture.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>

#include "bootcfg.h"
#include "json-out.h"

static void
ip_json(FILE *out, struct in_addr a)
{
	char s[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, s, sizeof(s));
	fprintf(out, "\"%s\"", s);
}

/*
 * Classes are tested in order and made disjoint with member(), so exactly
 * one boot-file-name applies. Option 93 is the RFC 4578 client system
 * architecture (7 and 9 both x64 UEFI in the field); option 77 "iPXE" is
 * the user class iPXE sends (Kea ARM, "iPXE" example).
 */
static void
kea_classes(FILE *out)
{
	fprintf(out, "\t\t\"client-classes\": [\n"
		     "\t\t\t{\n"
		     "\t\t\t\t\"name\": \"ipxe\",\n"
		     "\t\t\t\t\"test\": \"option[77].hex == 'iPXE'\",\n"
		     "\t\t\t\t\"boot-file-name\": \"" BOOTCFG_IPXE_FILE "\"\n"
		     "\t\t\t},\n"
		     "\t\t\t{\n"
		     "\t\t\t\t\"name\": \"efi64\",\n"
		     "\t\t\t\t\"test\": \"not member('ipxe') and (option[93].hex == 0x0007"
		     " or option[93].hex == 0x0009)\",\n"
		     "\t\t\t\t\"boot-file-name\": \"" BOOTCFG_UEFI_FILE "\"\n"
		     "\t\t\t},\n"
		     "\t\t\t{\n"
		     "\t\t\t\t\"name\": \"bios\",\n"
		     "\t\t\t\t\"test\": \"not member('ipxe') and option[93].hex == 0x0000\",\n"
		     "\t\t\t\t\"boot-file-name\": \"" BOOTCFG_BIOS_FILE "\"\n"
		     "\t\t\t}\n"
		     "\t\t],\n");
}

static void
kea_options(const struct site *site, FILE *out)
{
	int n = 0, k;

	fprintf(out, "\t\t\t\t\"option-data\": [");
	if (site->dhcp.router.s_addr) {
		fprintf(out, "%s\n\t\t\t\t\t{ \"name\": \"routers\", \"data\": ", n++ ? "," : "");
		ip_json(out, site->dhcp.router);
		fprintf(out, " }");
	}
	if (site->dhcp.n_dns > 0) {
		fprintf(out, "%s\n\t\t\t\t\t{ \"name\": \"domain-name-servers\", \"data\": \"",
			n++ ? "," : "");
		for (k = 0; k < site->dhcp.n_dns; k++) {
			char s[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &site->dhcp.dns[k], s, sizeof(s));
			fprintf(out, "%s%s", k ? ", " : "", s);
		}
		fprintf(out, "\" }");
	}
	if (site->dhcp.domain && site->dhcp.domain[0]) {
		fprintf(out, "%s\n\t\t\t\t\t{ \"name\": \"domain-name\", \"data\": ",
			n++ ? "," : "");
		json_string(out, site->dhcp.domain);
		fprintf(out, " }");
	}
	if (site->dhcp.mtu)
		fprintf(out, "%s\n\t\t\t\t\t{ \"name\": \"interface-mtu\", \"data\": \"%u\" }",
			n++ ? "," : "", site->dhcp.mtu);
	fprintf(out, "%s],\n", n ? "\n\t\t\t\t" : "");
}

static void
kea_reservations(const struct site *site, FILE *out)
{
	char mac[NETADDR_MAC_STRLEN];
	size_t i;

	fprintf(out, "\t\t\t\t\"reservations\": [");
	for (i = 0; i < site->n_hosts; i++) {
		const struct site_host *h = &site->hosts[i];

		netaddr_format_mac(h->mac, ':', mac);
		fprintf(out, "%s\n\t\t\t\t\t{ \"hw-address\": \"%s\", ", i ? "," : "", mac);
		if (h->address.s_addr) {
			fprintf(out, "\"ip-address\": ");
			ip_json(out, h->address);
			fprintf(out, ", ");
		}
		fprintf(out, "\"hostname\": ");
		json_string(out, h->name);
		fprintf(out, " }");
	}
	fprintf(out, "%s]\n", site->n_hosts ? "\n\t\t\t\t" : "");
}

int
export_kea(const struct site *site, FILE *out, const char **why)
{
	char net_s[INET_ADDRSTRLEN];
	struct in_addr net;
	int prefix;

	if (bootcfg_client_net(site, &net, &prefix) < 0) {
		*why = "Kea needs the subnet: set [dhcp] netmask";
		return -EINVAL;
	}
	inet_ntop(AF_INET, &net, net_s, sizeof(net_s));
	fprintf(out, "{\n"
		     "\t\"Dhcp4\": {\n"
		     "\t\t\"interfaces-config\": { \"interfaces\": [ ");
	json_string(out, site->server.interface[0] ? site->server.interface : "*");
	/* An NFS-root client never renews (it cannot run a DHCP client under a
	 * root it mounted with the lease): infinite is 0xffffffff (RFC 2131
	 * §3.3). */
	fprintf(out, " ] },\n"
		     "\t\t\"lease-database\": { \"type\": \"memfile\", \"lfc-interval\": 3600 },\n"
		     "\t\t\"valid-lifetime\": %lu,\n",
		(unsigned long)site->dhcp.lease_time);
	kea_classes(out);
	fprintf(out, "\t\t\"subnet4\": [\n"
		     "\t\t\t{\n"
		     "\t\t\t\t\"id\": 1,\n"
		     "\t\t\t\t\"subnet\": \"%s/%d\",\n"
		     "\t\t\t\t\"next-server\": ",
		net_s, prefix);
	ip_json(out, site->server.address);
	fprintf(out, ",\n");
	if (site->dhcp.has_range) {
		char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &site->dhcp.range_start, a, sizeof(a));
		inet_ntop(AF_INET, &site->dhcp.range_end, b, sizeof(b));
		fprintf(out, "\t\t\t\t\"pools\": [ { \"pool\": \"%s - %s\" } ],\n", a, b);
	}
	kea_options(site, out);
	kea_reservations(site, out);
	fprintf(out, "\t\t\t}\n"
		     "\t\t]\n"
		     "\t}\n"
		     "}\n");
	if (ferror(out)) {
		*why = "write error";
		return -EIO;
	}
	return 0;
}
