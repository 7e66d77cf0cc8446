/*
 * export-kea.c: a Kea DHCPv4 config (kea-dhcp4(8), Kea ARM "DHCPv4
 * Server"): the site's subnet, pool, options, one reservation per host and
 * client classes that pick the boot file by architecture.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>

#include "bootcfg.h"
#include "export-boot.h"
#include "json-out.h"

static void
ip_json(FILE *out, struct in_addr a)
{
	char s[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, s, sizeof(s));
	fprintf(out, "\"%s\"", s);
}

/* Kea's order of the architecture classes (x64 UEFI first, as before). */
static const enum export_arch kea_order[EXPORT_ARCH__COUNT] = { EXPORT_EFI_X64,
	EXPORT_BIOS, EXPORT_EFI_IA32, EXPORT_EFI_ARM32, EXPORT_EFI_ARM64 };

/* The option 93 test of an architecture: "option[93].hex == 0x0007 or ...". */
static void
arch_test(FILE *out, enum export_arch a)
{
	const struct export_arch_info *ai = &export_arch[a];
	unsigned c;

	if (ai->n_code > 1)
		fprintf(out, "(");
	for (c = 0; c < ai->n_code; c++)
		fprintf(out, "%soption[93].hex == 0x%04x", c ? " or " : "", ai->code[c]);
	if (ai->n_code > 1)
		fprintf(out, ")");
}

/* One class: name, a test (prefix, then the arch test unless a < 0) and a
 * boot file ("" or NULL: none). */
static void
kea_class(FILE *out, int *n, const char *name, const char *test, int a, const char *file)
{
	fprintf(out, "%s\t\t\t{\n"
		     "\t\t\t\t\"name\": ",
		(*n)++ ? ",\n" : "");
	json_string(out, name);
	fprintf(out, ",\n\t\t\t\t\"test\": \"%s", test);
	if (a >= 0)
		arch_test(out, (enum export_arch)a);
	fprintf(out, "\"");
	if (file != NULL && file[0] != '\0') {
		fprintf(out, ",\n\t\t\t\t\"boot-file-name\": ");
		json_string(out, file);
	}
	fprintf(out, "\n\t\t\t}");
}

/* What iPXE gets, known ([host], Kea's KNOWN class) or not: its script
 * for every architecture, or the loader of each. */
static void
kea_ipxe(const struct export_boot *eb, int k, FILE *out, int *n)
{
	static const char *const sfx[2] = { "-known", "-unknown" };
	static const char *const test[2] = { "member('ipxe') and member('KNOWN')",
		"member('ipxe') and member('UNKNOWN')" };
	const char *s = eb->ipxe_split ? sfx[k] : "";
	char name[48], t[128];
	int i;

	if (!eb->ipxe[k].loader) {
		snprintf(name, sizeof(name), "ipxe%s", s);
		kea_class(out, n, name, test[k], -1, eb->ipxe[k].file);
		return;
	}
	for (i = 0; i < EXPORT_ARCH__COUNT; i++) {
		enum export_arch a = kea_order[i];

		if (eb->file[a][0] == '\0')
			continue;
		snprintf(name, sizeof(name), "ipxe-%s%s", export_arch[a].tag, s);
		snprintf(t, sizeof(t), "%s and ",
			eb->ipxe_split ? test[k] : "member('ipxe')");
		kea_class(out, n, name, t, (int)a, eb->file[a]);
	}
}

/*
 * Classes are tested in order and made disjoint with member(), so exactly
 * one boot-file-name applies. Option 93 is the RFC 4578 client system
 * architecture (7 and 9 both x64 UEFI in the field); option 77 "iPXE" is
 * the user class iPXE sends (Kea ARM, "iPXE" example). KNOWN and UNKNOWN
 * are Kea's built-in classes for clients with and without a reservation.
 */
static void
kea_classes(const struct export_boot *eb, FILE *out)
{
	const char *script = eb->ipxe_split || eb->ipxe[0].loader ? "" : eb->ipxe[0].file;
	int n = 0, i, k;

	fprintf(out, "\t\t\"client-classes\": [\n");
	kea_class(out, &n, "ipxe", "option[77].hex == 'iPXE'", -1, script);
	/* per-architecture iPXE classes: the loader, or known/unknown split */
	if (eb->ipxe_split || eb->ipxe[0].loader)
		for (k = 0; k < (eb->ipxe_split ? 2 : 1); k++)
			kea_ipxe(eb, k, out, &n);
	for (i = 0; i < EXPORT_ARCH__COUNT; i++) {
		enum export_arch a = kea_order[i];

		if (eb->file[a][0] != '\0')
			kea_class(out, &n, export_arch[a].tag, "not member('ipxe') and ", (int)a,
				eb->file[a]);
	}
	fprintf(out, "\n\t\t],\n");
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
	struct export_boot eb;
	struct in_addr net;
	int prefix, r;

	if ((r = export_boot_resolve(site, &eb, why)) < 0)
		return r;
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
	kea_classes(&eb, out);
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
		/* unknown-clients = ignore: only clients with a reservation */
		fprintf(out, "\t\t\t\t\"pools\": [ { \"pool\": \"%s - %s\"%s } ],\n", a, b,
			eb.ignore_unknown ? ", \"client-class\": \"KNOWN\"" : "");
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
