/*
 * test-dhcp-reply.c: the reply decision, table-driven, with golden replies.
 *
 * Every case renders its reply (header, every option, destination, reason)
 * as text and compares it with tests/data/dhcp-reply/<case>.golden; run
 * with DHCP_GOLDEN_UPDATE=1 to rewrite the golden files after a deliberate
 * change, then read the diff. Each case also states the few facts it is
 * about ("+opt 43 06 01 08 ff", "-opt 17"), so a careless update cannot
 * bless a wrong reply.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dhcp-reply.h"
#include "dhcp-test.h"
#include "leases.h"
#include "log.h"
#include "tap.h"

#define SRV 0x0a000001u  /* 10.0.0.1 */
#define RELAY 0x0a0000feu /* 10.0.0.254 */

static const uint8_t mac_pc01[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t mac_pc02[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t mac_unknown[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc };

static char img_root[] = "/srv/diskless/images/lab", img_cmdline[] = "",
	domain[] = "lab.example";
static struct site_image images[1];
static struct site_host hosts[2];
static struct site site;

static struct in_addr
ip(uint32_t h)
{
	struct in_addr a = { htonl(h) };

	return a;
}

static void
site_init(enum site_mode mode)
{
	memset(&site, 0, sizeof(site));
	memset(images, 0, sizeof(images));
	memset(hosts, 0, sizeof(hosts));
	snprintf(images[0].name, sizeof(images[0].name), "lab");
	images[0].root = img_root;
	images[0].cmdline = img_cmdline;
	snprintf(hosts[0].name, sizeof(hosts[0].name), "pc01");
	memcpy(hosts[0].mac, mac_pc01, 6);
	hosts[0].address = ip(0x0a00000b); /* 10.0.0.11 */
	snprintf(hosts[0].image, sizeof(hosts[0].image), "lab");
	hosts[0].image_index = 0;
	snprintf(hosts[1].name, sizeof(hosts[1].name), "pc02");
	memcpy(hosts[1].mac, mac_pc02, 6);
	snprintf(hosts[1].image, sizeof(hosts[1].image), "lab");
	hosts[1].image_index = 0;
	site.server.address = ip(SRV);
	site.server.mode = mode;
	site.images = images;
	site.n_images = 1;
	site.hosts = hosts;
	site.n_hosts = 2;
	if (mode == SITE_MODE_FULL) {
		site.dhcp.present = true;
		site.dhcp.has_range = true;
		site.dhcp.range_start = ip(0x0a000064);
		site.dhcp.range_end = ip(0x0a0000c7);
		site.dhcp.netmask = ip(0xffffff00);
		site.dhcp.router = ip(SRV);
		site.dhcp.dns[0] = ip(SRV);
		site.dhcp.n_dns = 1;
		site.dhcp.domain = domain;
		site.dhcp.lease_time = SITE_LEASE_INFINITE;
	}
}

/* ---- the request of a case ---- */

enum cfgsel {
	CFG_DEFAULT,
	CFG_ALL,
	CFG_BYPASS,
	CFG_MENU,
	CFG_IGNORE,
	CFG_IPXE_LOADERS,
	CFG_NO_SCRIPT,
	CFG__COUNT,
};

struct req {
	uint8_t type;
	const uint8_t *mac;
	int arch; /* -1: no option 93 */
	const char *vclass;
	const char *uclass;
	bool opt175;
	bool uuid;
	uint32_t requested, server_id, ciaddr, giaddr;
	bool bcast;
	bool relay82;
	bool want67;
	uint16_t maxsize;
	uint16_t port;  /* 0: 67 */
	uint8_t htype;  /* 0: Ethernet */
	bool no_type;   /* BOOTP */
	bool prl_no67;  /* an option 55 without 67 */
};

static void
build(const struct req *q, struct tpkt *p)
{
	static const uint8_t uuid[17] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88,
		0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01 };
	static const uint8_t r82[] = { 1, 4, 'p', 'o', 'r', 't', 2, 3, 's', 'w', '1' };
	static const uint8_t ipxe175[] = { 19, 1, 1, 33, 1, 1 };
	static const uint8_t prl[] = { 1, 3, 6, 12, 15, 17, 43, 60, 66, 67, 97, 175 };

	tpkt_init(p, q->no_type ? 0 : q->type, q->mac);
	if (q->htype)
		p->b[1] = q->htype;
	if (q->bcast)
		p->b[10] = 0x80;
	tpkt_set_addr(p, 12, q->ciaddr);
	tpkt_set_addr(p, 24, q->giaddr);
	if (q->maxsize)
		tpkt_u16(p, DHO_MAX_MSG_SIZE, q->maxsize);
	if (q->want67)
		tpkt_opt(p, DHO_PARAM_LIST, prl, sizeof(prl));
	else if (q->prl_no67)
		tpkt_opt(p, DHO_PARAM_LIST, prl, 9); /* up to 66 */
	if (q->vclass)
		tpkt_str(p, DHO_VENDOR_CLASS, q->vclass);
	if (q->arch >= 0)
		tpkt_u16(p, DHO_CLIENT_ARCH, (uint16_t)q->arch);
	if (q->uuid)
		tpkt_opt(p, DHO_CLIENT_UUID, uuid, sizeof(uuid));
	if (q->uclass)
		tpkt_str(p, DHO_USER_CLASS, q->uclass);
	if (q->opt175)
		tpkt_opt(p, DHO_IPXE_ENCAP, ipxe175, sizeof(ipxe175));
	if (q->requested)
		tpkt_addr(p, DHO_REQUESTED_ADDR, q->requested);
	if (q->server_id)
		tpkt_addr(p, DHO_SERVER_ID, q->server_id);
	if (q->port == PXE_BOOT_SERVER_PORT && q->vclass && strstr(q->vclass, "00000")) {
		static const uint8_t item[] = { PXE_BOOT_ITEM, 4, 0x80, 0x00, 0x00, 0x00,
			DHO_END };

		tpkt_opt(p, DHO_VENDOR_ENCAP, item, sizeof(item));
	}
	if (q->relay82)
		tpkt_opt(p, DHO_RELAY_INFO, r82, sizeof(r82));
	tpkt_end(p);
}

/* ---- rendering ---- */

static void
render_opt(char *out, size_t size, uint8_t code, const uint8_t *v, size_t n)
{
	size_t len = strlen(out);
	bool text = n > 0;

	for (size_t i = 0; i < n; i++)
		if (v[i] < 0x20 || v[i] > 0x7e || v[i] == '"')
			text = false;
	len += (size_t)snprintf(out + len, size - len, "opt %u", code);
	if (text) {
		len += (size_t)snprintf(out + len, size - len, " \"%.*s\"", (int)n,
			(const char *)v);
	} else {
		for (size_t i = 0; i < n && len < size; i++)
			len += (size_t)snprintf(out + len, size - len, " %02x", v[i]);
	}
	snprintf(out + len, size - len, "\n");
}

/* Every option in wire order, walked by hand (not by the parser under
 * test), so the rendering shows order and splits too. */
static void
render_options(char *out, size_t size, const uint8_t *p, size_t len)
{
	size_t off = DHCP_HDR_LEN;

	while (off < len && p[off] != DHO_END) {
		if (p[off] == DHO_PAD) {
			off++;
			continue;
		}
		if (off + 2 > len || off + 2 + p[off + 1] > len) {
			strncat(out,
				"options run past the end\n", size - strlen(out) - 1);
			return;
		}
		render_opt(out, size, p[off], p + off + 2, p[off + 1]);
		off += 2 + (size_t)p[off + 1];
	}
	if (off >= len)
		strncat(out, "no End option\n", size - strlen(out) - 1);
}

static void
render(const struct dhcp_reply *r, int rc, char *out, size_t size)
{
	char a[4][INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
	const uint8_t *p = r->pkt;
	size_t len;

	out[0] = '\0';
	if (rc <= 0) {
		snprintf(out, size, "no reply (%d): %s\n", rc, r->why);
		return;
	}
	for (int i = 0; i < 4; i++)
		inet_ntop(AF_INET, p + 12 + 4 * i, a[i], sizeof(a[i]));
	inet_ntop(AF_INET, &r->dst, d, sizeof(d));
	len = (size_t)snprintf(out, size,
		"%s to %s:%u%s ticket=%s kind=%s ipxe=%d len=%zu\nwhy: %s%s%s\n"
		"op=%u htype=%u hlen=%u xid=%02x%02x%02x%02x flags=%02x%02x\n"
		"ciaddr=%s yiaddr=%s siaddr=%s giaddr=%s\n"
		"chaddr=%02x:%02x:%02x:%02x:%02x:%02x sname=\"%.64s\" file=\"%.128s\"\n",
		dhcp_msg_type_name(r->type), d, r->dst_port, r->dst_link ? " (link)" : "",
		r->ticket ? "yes" : "no", dhcp_boot_kind_name(r->kind), r->ipxe, r->len,
		r->why, r->boot_why ? "; no boot file: " : "",
		r->boot_why ? r->boot_why : "", p[0], p[1], p[2], p[4], p[5], p[6], p[7],
		p[10], p[11], a[0], a[1], a[2], a[3], p[28], p[29], p[30], p[31],
		p[32], p[33],
		(const char *)p + DHCP_OFF_SNAME, (const char *)p + DHCP_OFF_FILE);
	if (len < size)
		render_options(out, size, p, r->len);
}

/* ---- golden files ---- */

static const char *
golden_dir(void)
{
	static char dir[512];
	const char *top = getenv("top_srcdir");

	snprintf(dir, sizeof(dir), "%s/tests/data/dhcp-reply", top ? top : ".");
	return dir;
}

static int
golden(const char *name, const char *text)
{
	char path[600], buf[8192];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s.golden", golden_dir(), name);
	if (getenv("DHCP_GOLDEN_UPDATE") != NULL) {
		mkdir(golden_dir(), 0755);
		f = fopen(path, "w");
		if (f == NULL)
			return 0;
		fputs(text, f);
		return fclose(f) == 0;
	}
	f = fopen(path, "r");
	if (f == NULL) {
		tap_diag("%s: missing (run with DHCP_GOLDEN_UPDATE=1)", path);
		return 0;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (strcmp(buf, text) != 0) {
		tap_diag("%s differs; got:\n%s", path, text);
		return 0;
	}
	return 1;
}

/* ---- the cases ---- */

static struct dhcp_reply_cfg cfgs[CFG__COUNT];

static void
cfgs_init(void)
{
	for (int i = 0; i < CFG__COUNT; i++)
		dhcp_reply_cfg_defaults(&cfgs[i]);
	cfgs[CFG_ALL].boot_file[DHCP_BOOT_EFI_IA32] = "ia32/syslinux.efi";
	cfgs[CFG_ALL].boot_file[DHCP_BOOT_EFI_ARM32] = "arm/grubarm.efi";
	cfgs[CFG_ALL].boot_file[DHCP_BOOT_EFI_ARM64] = "arm64/grubaa64.efi";
	cfgs[CFG_ALL].boot_file[DHCP_BOOT_HTTP_X64] = "http://%s/efi/bootx64.efi";
	cfgs[CFG_ALL].ipxe_script = "ipxe/%m.ipxe";
	cfgs[CFG_ALL].ipxe_script_unknown = "ipxe/%h.ipxe";
	cfgs[CFG_BYPASS].proxy = DHCP_PROXY_BYPASS;
	cfgs[CFG_MENU].proxy = DHCP_PROXY_MENU;
	cfgs[CFG_IGNORE].ignore_unknown = true;
	cfgs[CFG_IPXE_LOADERS].loaders_are_ipxe = true;
	cfgs[CFG_IPXE_LOADERS].boot_file[DHCP_BOOT_BIOS] = "undionly.kpxe";
	/* iPXE with no script to hand it: the loop cases. */
	cfgs[CFG_IPXE_LOADERS].ipxe_script = NULL;
	cfgs[CFG_IPXE_LOADERS].ipxe_script_unknown = NULL;
	cfgs[CFG_NO_SCRIPT].ipxe_script = NULL;
	cfgs[CFG_NO_SCRIPT].ipxe_script_unknown = NULL;
}

#define PXE0 "PXEClient:Arch:00000:UNDI:002001"
#define PXE6 "PXEClient:Arch:00006:UNDI:003016"
#define PXE7 "PXEClient:Arch:00007:UNDI:003016"
#define PXE9 "PXEClient:Arch:00009:UNDI:003016"
#define PXE10 "PXEClient:Arch:00010:UNDI:003016"
#define PXE11 "PXEClient:Arch:00011:UNDI:003016"
#define HTTP16 "HTTPClient:Arch:00016:UNDI:003001"

struct tcase {
	const char *name;
	enum site_mode mode;
	enum cfgsel cfg;
	struct req q;
	uint8_t want_type;
	const char *want_dst; /* "a.b.c.d:port" */
	const char *facts[6]; /* "+text" must appear, "-text" must not */
};

static const struct tcase cases[] = {
	/* full mode, static host, by architecture */
	{ "full-bios-static", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .uuid = true, .bcast = true },
		DHCPOFFER, "255.255.255.255:68",
		{ "+yiaddr=10.0.0.11 siaddr=10.0.0.1", "+file=\"pxelinux.0\"",
			"+opt 17 \"10.0.0.1:/srv/diskless/images/lab\"",
			"+opt 12 \"pc01\"",
			"+opt 51 ff ff ff ff", "-opt 60" } },
	{ "full-efi7-static", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 7, PXE7, .bcast = true }, DHCPOFFER,
		"255.255.255.255:68", { "+file=\"grubnetx64.efi\"", "+kind=efi-x64" } },
	{ "full-efi9-static", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 9, PXE9, .bcast = true }, DHCPOFFER,
		"255.255.255.255:68", { "+file=\"grubnetx64.efi\"", "+kind=efi-x64" } },
	{ "full-efi-ia32-unconfigured", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 6, PXE6, .bcast = true }, DHCPOFFER,
		"255.255.255.255:68", { "+file=\"\"", "+yiaddr=10.0.0.11",
			"+kind=efi-ia32" } },
	{ "full-efi-ia32", SITE_MODE_FULL, CFG_ALL,
		{ DHCPDISCOVER, mac_pc01, 6, PXE6, .bcast = true }, DHCPOFFER,
		"255.255.255.255:68", { "+file=\"ia32/syslinux.efi\"" } },
	{ "full-arm32", SITE_MODE_FULL, CFG_ALL,
		{ DHCPDISCOVER, mac_pc01, 10, PXE10, .bcast = true }, DHCPOFFER,
		"255.255.255.255:68", { "+file=\"arm/grubarm.efi\"" } },
	{ "full-arm64", SITE_MODE_FULL, CFG_ALL,
		{ DHCPDISCOVER, mac_pc01, 11, PXE11, .bcast = true }, DHCPOFFER,
		"255.255.255.255:68", { "+file=\"arm64/grubaa64.efi\"" } },
	{ "full-http16", SITE_MODE_FULL, CFG_ALL,
		{ DHCPDISCOVER, mac_pc01, 16, HTTP16, .bcast = true }, DHCPOFFER,
		"255.255.255.255:68",
		{ "+file=\"http://10.0.0.1/efi/bootx64.efi\"",
			"+opt 60 \"HTTPClient\"" } },
	{ "full-arch-from-vendor-class", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, -1, PXE9, .bcast = true }, DHCPOFFER,
		"255.255.255.255:68", { "+file=\"grubnetx64.efi\"" } },
	{ "full-unsupported-arch", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 2, PXE0, .bcast = true }, DHCPOFFER,
		"255.255.255.255:68", { "+file=\"\"", "+kind=unsupported" } },
	/* iPXE: its script, never the loader again */
	{ "full-ipxe-user-class", SITE_MODE_FULL, CFG_ALL,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, "iPXE", .bcast = true }, DHCPOFFER,
		"255.255.255.255:68",
		{ "+file=\"ipxe/52-54-00-12-34-56.ipxe\"", "+opt 175 b0 01 01",
			"+ipxe=1" } },
	{ "full-ipxe-175-only", SITE_MODE_FULL, CFG_ALL,
		{ DHCPDISCOVER, mac_pc01, 7, PXE7, .opt175 = true, .bcast = true },
			DHCPOFFER,
		"255.255.255.255:68", { "+file=\"ipxe/52-54-00-12-34-56.ipxe\"",
			"+opt 175" } },
	{ "full-ipxe-unknown-host", SITE_MODE_FULL, CFG_ALL,
		{ DHCPDISCOVER, mac_unknown, 0, PXE0, "iPXE", .bcast = true }, DHCPOFFER,
		"255.255.255.255:68", { "+file=\"ipxe/default.ipxe\"", "-opt 12" } },
	{ "full-ipxe-no-script", SITE_MODE_FULL, CFG_NO_SCRIPT,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, "iPXE", .bcast = true }, DHCPOFFER,
		"255.255.255.255:68", { "+file=\"pxelinux.0\"" } },
	{ "full-ipxe-loader-would-loop", SITE_MODE_FULL, CFG_IPXE_LOADERS,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, "iPXE", .bcast = true }, DHCPOFFER,
		"255.255.255.255:68", { "+file=\"\"", "-opt 67" } },
	{ "full-ipxe-loader-for-rom", SITE_MODE_FULL, CFG_IPXE_LOADERS,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .bcast = true }, DHCPOFFER,
		"255.255.255.255:68", { "+file=\"undionly.kpxe\"" } },
	/* full mode, RFC 2131 flows */
	{ "full-unicast-to-chaddr", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0 }, DHCPOFFER, "10.0.0.11:68",
		{ "+(link)", "+flags=0000" } },
	{ "full-dynamic-unknown", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_unknown, 0, PXE0, .bcast = true }, DHCPOFFER,
		"255.255.255.255:68",
		{ "+why: dynamic address", "+file=\"pxelinux.0\"", "-opt 12",
			"-opt 17" } },
	{ "full-dynamic-known-host", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc02, 0, PXE0, .bcast = true }, DHCPOFFER,
		"255.255.255.255:68", { "+opt 12 \"pc02\"", "+opt 17" } },
	{ "full-unknown-ignored", SITE_MODE_FULL, CFG_IGNORE,
		{ DHCPDISCOVER, mac_unknown, 0, PXE0, .bcast = true }, 0, NULL,
		{ "+unknown clients are ignored" } },
	{ "full-known-with-ignore", SITE_MODE_FULL, CFG_IGNORE,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .bcast = true }, DHCPOFFER,
		"255.255.255.255:68", { "+yiaddr=10.0.0.11" } },
	{ "full-plain-client", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPREQUEST, mac_pc01, -1, NULL, .requested = 0x0a00000b }, DHCPACK,
		"10.0.0.11:68", { "+file=\"\"", "+opt 17", "+kind=none", "-opt 60" } },
	{ "full-request-selecting-static", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPREQUEST, mac_pc01, 0, PXE0, .requested = 0x0a00000b,
			.server_id = SRV,
			.bcast = true, .uuid = true },
		DHCPACK, "255.255.255.255:68",
		{ "+opt 97 00 11 22", "+file=\"pxelinux.0\"" } },
	{ "full-request-other-server", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPREQUEST, mac_pc01, 0, PXE0, .requested = 0x0a00000b,
			.server_id = 0x0a000002 },
		0, NULL, { "+another server" } },
	{ "full-init-reboot-wrong-static", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPREQUEST, mac_pc01, -1, NULL, .requested = 0x0a00000c }, DHCPNAK,
		"255.255.255.255:68", { "-opt 51", "+file=\"\"", "+siaddr=0.0.0.0" } },
	{ "full-init-reboot-other-net", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPREQUEST, mac_unknown, -1, NULL, .requested = 0xc0a80105 }, DHCPNAK,
		"255.255.255.255:68", { "+another network" } },
	{ "full-renew", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPREQUEST, mac_pc01, -1, NULL, .ciaddr = 0x0a00000b }, DHCPACK,
		"10.0.0.11:68", { "+ciaddr=10.0.0.11 yiaddr=10.0.0.11" } },
	{ "full-relayed", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .giaddr = RELAY, .relay82 = true },
			DHCPOFFER,
		"10.0.0.254:67",
		{ "+giaddr=10.0.0.254", "+opt 82 01 04 70 6f 72 74 02 03 73 77 31\n" } },
	{ "full-relayed-nak", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPREQUEST, mac_pc01, -1, NULL, .requested = 0x0a00000c,
			.giaddr = RELAY },
		DHCPNAK, "10.0.0.254:67", { "+flags=8000" } },
	{ "full-relayed-other-net", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .giaddr = 0xc0a80501 }, 0, NULL,
		{ "+outside the [dhcp] subnet" } },
	{ "full-inform", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPINFORM, mac_pc01, -1, NULL, .ciaddr = 0x0a00000b }, DHCPACK,
		"10.0.0.11:68", { "+yiaddr=0.0.0.0", "-opt 51", "+opt 1 ff ff ff 00" } },
	{ "full-opt67-requested", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .want67 = true, .bcast = true },
			DHCPOFFER,
		"255.255.255.255:68",
		{ "+opt 67 70 78 65 6c 69 6e 75 78 2e 30 00\n" } },
	{ "full-decline-static", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDECLINE, mac_pc01, -1, NULL, .requested = 0x0a00000b,
			.server_id = SRV },
		0, NULL, { "+another machine" } },
	{ "full-not-ethernet", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .htype = 6 }, 0, NULL,
		{ "+not an Ethernet client" } },
	{ "full-bootp", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .no_type = true }, 0, NULL,
		{ "+BOOTP request" } },
	{ "full-offer-not-from-client", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPOFFER, mac_pc01, 0, PXE0 }, 0, NULL, { "+not a client message" } },
	/* proxyDHCP on port 67 */
	{ "proxy-bios-binl", SITE_MODE_PROXY, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .uuid = true }, DHCPOFFER,
		"255.255.255.255:68",
		{ "+yiaddr=0.0.0.0 siaddr=10.0.0.1", "+opt 43 06 01 08 ff",
			"+opt 60 \"PXEClient\"",
			"+file=\"pxelinux.0\"", "+opt 97 00 11", "+flags=8000" } },
	{ "proxy-efi7-binl", SITE_MODE_PROXY, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 7, PXE7, .uuid = true }, DHCPOFFER,
		"255.255.255.255:68",
		{ "-opt 43", "+opt 60 \"PXEClient\"", "+opt 54 0a 00 00 01",
			"+file=\"grubnetx64.efi\"", "-opt 51" } },
	{ "proxy-efi9-binl", SITE_MODE_PROXY, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 9, PXE9 }, DHCPOFFER, "255.255.255.255:68",
		{ "-opt 43", "+file=\"grubnetx64.efi\"" } },
	{ "proxy-efi7-bypass", SITE_MODE_PROXY, CFG_BYPASS,
		{ DHCPDISCOVER, mac_pc01, 7, PXE7 }, DHCPOFFER, "255.255.255.255:68",
		{ "+opt 43 06 01 08 ff", "+file=\"grubnetx64.efi\"" } },
	{ "proxy-bios-menu", SITE_MODE_PROXY, CFG_MENU,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0 }, DHCPOFFER, "255.255.255.255:68",
		{ "+opt 43 06 01 03 08 07 80 00 01 0a 00 00 01 09 0b 80 00 08",
			"+file=\"\"" } },
	{ "proxy-efi-menu", SITE_MODE_PROXY, CFG_MENU,
		{ DHCPDISCOVER, mac_pc01, 7, PXE7 }, DHCPOFFER, "255.255.255.255:68",
		{ "-opt 43", "+file=\"grubnetx64.efi\"" } },
	{ "proxy-unknown-host", SITE_MODE_PROXY, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_unknown, 0, PXE0 }, DHCPOFFER, "255.255.255.255:68",
		{ "+file=\"pxelinux.0\"" } },
	{ "proxy-unknown-ignored", SITE_MODE_PROXY, CFG_IGNORE,
		{ DHCPDISCOVER, mac_unknown, 0, PXE0 }, 0, NULL, { "+ignored" } },
	{ "proxy-not-pxe", SITE_MODE_PROXY, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, -1, NULL }, 0, NULL, { "+not a PXE" } },
	{ "proxy-request-for-site-dhcp", SITE_MODE_PROXY, CFG_DEFAULT,
		{ DHCPREQUEST, mac_pc01, 0, PXE0, .requested = 0x0a000032,
			.server_id = 0x0a000002 },
		0, NULL, { "+site's DHCP server" } },
	{ "proxy-request-for-us", SITE_MODE_PROXY, CFG_DEFAULT,
		{ DHCPREQUEST, mac_pc01, 0, PXE0, .server_id = SRV }, DHCPACK,
		"255.255.255.255:68", { "+file=\"pxelinux.0\"" } },
	{ "proxy-ipxe", SITE_MODE_PROXY, CFG_ALL,
		{ DHCPDISCOVER, mac_pc01, 7, PXE7, "iPXE" }, DHCPOFFER,
			"255.255.255.255:68",
		{ "+file=\"ipxe/52-54-00-12-34-56.ipxe\"", "-opt 43", "-opt 175" } },
	{ "proxy-http16", SITE_MODE_PROXY, CFG_ALL,
		{ DHCPDISCOVER, mac_pc01, 16, HTTP16 }, DHCPOFFER, "255.255.255.255:68",
		{ "+opt 60 \"HTTPClient\"", "+file=\"http://10.0.0.1/efi/bootx64.efi\"",
			"-opt 43" } },
	{ "proxy-http16-unconfigured", SITE_MODE_PROXY, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 16, HTTP16 }, 0, NULL,
			{ "+no boot file configured" } },
	{ "proxy-itanium", SITE_MODE_PROXY, CFG_ALL,
		{ DHCPDISCOVER, mac_pc01, 2, "PXEClient:Arch:00002:UNDI:003016" }, 0,
			NULL,
		{ "+no boot file for this architecture" } },
	{ "proxy-relayed", SITE_MODE_PROXY, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .giaddr = RELAY, .relay82 = true },
			DHCPOFFER,
		"10.0.0.254:67", { "+opt 82", "+flags=0000" } },
	/* the boot server on port 4011 */
	{ "pxe4011-efi", SITE_MODE_PROXY, CFG_DEFAULT,
		{ DHCPREQUEST, mac_pc01, 7, PXE7, .ciaddr = 0x0a000032, .uuid = true,
			.port = PXE_BOOT_SERVER_PORT },
		DHCPACK, "10.0.0.50:68",
		{ "+file=\"grubnetx64.efi\"", "+opt 60 \"PXEClient\"", "+opt 97", "-opt 43",
			"+ciaddr=10.0.0.50 yiaddr=0.0.0.0" } },
	{ "pxe4011-bios-menu-item", SITE_MODE_PROXY, CFG_MENU,
		{ DHCPREQUEST, mac_pc01, 0, PXE0, .ciaddr = 0x0a000032,
			.port = PXE_BOOT_SERVER_PORT },
		DHCPACK, "10.0.0.50:68",
		{ "+opt 43 47 04 80 00 00 00 ff", "+file=\"pxelinux.0\"" } },
	{ "pxe4011-full-mode", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPREQUEST, mac_pc01, 9, PXE9, .ciaddr = 0x0a00000b,
			.port = PXE_BOOT_SERVER_PORT },
		DHCPACK, "10.0.0.11:68", { "+file=\"grubnetx64.efi\"", "-opt 51" } },
	{ "pxe4011-not-pxe", SITE_MODE_PROXY, CFG_DEFAULT,
		{ DHCPREQUEST, mac_pc01, -1, NULL, .ciaddr = 0x0a000032,
			.port = PXE_BOOT_SERVER_PORT },
		0, NULL, { "+not a PXE client" } },
	{ "pxe4011-discover", SITE_MODE_PROXY, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 7, PXE7, .port = PXE_BOOT_SERVER_PORT }, 0,
			NULL,
		{ "+DHCPREQUEST and DHCPINFORM only" } },
	{ "wrong-port", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .port = 68 }, 0, NULL,
		{ "+neither port" } },
};

static struct dhcp_reply reply;
static struct dhcp_pkt req;

static int
decide(const struct tcase *t, struct leases *ls, char *text, size_t size)
{
	static struct tpkt p;
	struct dhcp_arrival arr = { .if_addr = ip(SRV), .src_port = DHCP_CLIENT_PORT,
		.local_port = t->q.port ? t->q.port : DHCP_SERVER_PORT, .now = 1000 };
	int rc;

	site_init(t->mode);
	build(&t->q, &p);
	arr.src_addr = ip(t->q.ciaddr);
	if (dhcp_pkt_parse(p.b, p.len, &req) != 0) {
		snprintf(text, size, "request does not parse\n");
		return -EBADMSG;
	}
	rc = dhcp_reply_decide(&cfgs[t->cfg], &site, ls, &req, &arr, &reply);
	render(&reply, rc, text, size);
	return rc;
}

static void
test_cases(void)
{
	static char text[8192];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *t = &cases[i];
		struct leases *ls = leases_new(ip(0x0a000064), ip(0x0a0000c7));
		char dst[32] = "";
		int rc, facts_ok = 1;

		rc = decide(t, ls, text, sizeof(text));
		if (rc > 0)
			snprintf(dst, sizeof(dst),
				"%s:%u", inet_ntoa(reply.dst), reply.dst_port);
		tap_ok(reply.type == t->want_type && (rc > 0) == (t->want_type != 0) &&
				(t->want_dst == NULL || strcmp(dst, t->want_dst) == 0),
			"%s: %s%s%s", t->name,
			t->want_type ? dhcp_msg_type_name(t->want_type) : "no reply",
			t->want_dst ? " to " : "", t->want_dst ? t->want_dst : "");
		for (size_t k = 0; k < 6 && t->facts[k] != NULL; k++) {
			bool has = strstr(text, t->facts[k] + 1) != NULL;

			if (has != (t->facts[k][0] == '+')) {
				tap_diag("fact %s", t->facts[k]);
				facts_ok = 0;
			}
		}
		if (!tap_ok(facts_ok, "%s: facts", t->name))
			tap_diag("%s", text);
		tap_ok(golden(t->name, text), "%s: golden", t->name);
		leases_free(ls);
	}
}

/* Dynamic clients through DISCOVER and REQUEST: every ACK distinct, in
 * range, never a static or reserved address; the range runs out cleanly. */
static void
test_dynamic_range(void)
{
	struct leases *ls = leases_new(ip(0x0a000064), ip(0x0a0000c7));
	struct in_addr *res;
	size_t nres, acks = 0, dup = 0, full = 0;
	static uint32_t got[256];
	struct dhcp_reply_cfg cfg;

	dhcp_reply_cfg_defaults(&cfg);
	site_init(SITE_MODE_FULL);
	hosts[0].address = ip(0x0a000070); /* a static host inside the range */
	dhcp_reply_reserved(&site, &res, &nres);
	leases_set_reserved(ls, res, nres);
	free(res);
	for (unsigned i = 0; i < 120; i++) {
		uint8_t mac[6] = { 0x02, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i };
		struct req q = { DHCPDISCOVER, mac, 0, PXE0, .bcast = true };
		struct tcase t = { "dyn", SITE_MODE_FULL, CFG_DEFAULT, q, 0, NULL,
			{ NULL } };
		static struct tpkt p;
		struct dhcp_arrival arr = { .if_addr = ip(SRV), .local_port = 67,
			.now = 5 };
		uint32_t offered;

		build(&t.q, &p);
		dhcp_pkt_parse(p.b, p.len, &req);
		if (dhcp_reply_decide(&cfg, &site, ls, &req, &arr, &reply) != 1) {
			full++;
			continue;
		}
		offered = ntohl(reply.yiaddr.s_addr);
		t.q.type = DHCPREQUEST;
		t.q.requested = offered;
		t.q.server_id = SRV;
		build(&t.q, &p);
		dhcp_pkt_parse(p.b, p.len, &req);
		if (dhcp_reply_decide(&cfg, &site, ls, &req, &arr, &reply) != 1 ||
			reply.type != DHCPACK)
			continue;
		for (size_t k = 0; k < acks; k++)
			if (got[k] == offered)
				dup++;
		if (offered == 0x0a000070 || offered < 0x0a000064 || offered > 0x0a0000c7)
			dup++;
		got[acks++] = offered;
	}
	tap_is_int((long long)acks, 99,
		"99 ACKs from a 100-address range with one static");
	tap_is_int((long long)dup, 0, "no address twice, none static, none outside");
	tap_is_int((long long)full, 21, "the rest: no reply, range full");
	leases_free(ls);
}

/* With a journal, a dynamic ACK waits for the fsync. */
static void
test_ticket(void)
{
	struct leases *ls = leases_new(ip(0x0a000064), ip(0x0a0000c7));
	struct dhcp_reply_cfg cfg;
	struct tcase t = { "ticket", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPREQUEST, mac_unknown, 0, PXE0, .requested = 0x0a000065,
			.server_id = SRV },
		0, NULL, { NULL } };
	static char text[8192];
	int rc;

	dhcp_reply_cfg_defaults(&cfg);
	leases_open_journal(ls, tap_tmpdir(), NULL);
	rc = decide(&t, ls, text, sizeof(text));
	tap_ok(rc == 1 && reply.type == DHCPACK && reply.ticket != 0 &&
			!leases_durable(ls, reply.ticket),
		"dynamic ACK carries a ticket not yet durable");
	leases_flush(ls);
	tap_ok(leases_durable(ls, reply.ticket), "durable after the flush");
	rc = decide(&t, ls, text, sizeof(text));
	tap_ok(rc == 1 && reply.ticket == 0, "a repeated REQUEST need not wait");
	leases_free(ls);
}

/* A small reply limit: without option 57 the reply stays within 548. */
static void
test_sizes(void)
{
	static char text[8192];
	struct tcase t = { "size", SITE_MODE_FULL, CFG_DEFAULT,
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .bcast = true, .maxsize = 400 }, 0,
			NULL,
		{ NULL } };
	int rc;

	rc = decide(&t, NULL, text, sizeof(text));
	tap_ok(rc == 1 && reply.len <= DHCP_MIN_MSG, "option 57 below 576 is ignored");
	t.q.maxsize = 65535;
	rc = decide(&t, NULL, text, sizeof(text));
	tap_ok(rc == 1 && reply.len <= DHCP_REPLY_MAX, "option 57 of 65535 capped");
}


/* One decision on the shared store, from a struct req. */
static int
step(const struct dhcp_reply_cfg *cfg, struct leases *ls, const struct req *q)
{
	static struct tpkt p;
	struct dhcp_arrival arr = { .if_addr = ip(SRV), .src_port = DHCP_CLIENT_PORT,
		.local_port = DHCP_SERVER_PORT, .now = 2000 };

	build(q, &p);
	if (dhcp_pkt_parse(p.b, p.len, &req) != 0)
		return -EBADMSG;
	return dhcp_reply_decide(cfg, &site, ls, &req, &arr, &reply);
}

/* A dynamic address through its life: offered, bound, refused to another
 * client, released, declined. */
static void
test_sequence(void)
{
	static const uint8_t m1[6] = { 2, 0, 0, 0, 0, 1 }, m2[6] = { 2, 0, 0, 0, 0, 2 },
			     m3[6] = { 2, 0, 0, 0, 0, 3 };
	struct leases *ls = leases_new(ip(0x0a000064), ip(0x0a0000c7));
	struct dhcp_reply_cfg cfg;
	struct req q = { DHCPDISCOVER, m1, 0, PXE0, .bcast = true };
	uint32_t x;
	int rc;

	dhcp_reply_cfg_defaults(&cfg);
	site_init(SITE_MODE_FULL);
	rc = step(&cfg, ls, &q);
	x = ntohl(reply.yiaddr.s_addr);
	tap_ok(rc == 1 && reply.type == DHCPOFFER && x >= 0x0a000064 && x <= 0x0a0000c7,
		"sequence: dynamic OFFER in range");
	q.type = DHCPREQUEST;
	q.requested = x;
	q.server_id = SRV;
	rc = step(&cfg, ls, &q);
	tap_ok(rc == 1 && reply.type == DHCPACK && ntohl(reply.yiaddr.s_addr) == x,
		"sequence: REQUEST of the offer is ACKed");
	q.mac = m2;
	q.server_id = 0;
	rc = step(&cfg, ls, &q);
	tap_ok(rc == 1 && reply.type == DHCPNAK && strstr(reply.why, "another client"),
		"sequence: another client asking for it gets a NAK");
	q.requested = 0x0a000014; /* in the subnet, outside the range */
	rc = step(&cfg, ls, &q);
	tap_ok(rc == 1 && reply.type == DHCPNAK && strstr(reply.why, "outside the range"),
		"sequence: address outside the range gets a NAK");
	q.requested = 0;
	rc = step(&cfg, ls, &q);
	tap_ok(rc == 0 && strstr(reply.why, "names no address"),
		"sequence: REQUEST naming no address: no reply");
	q = (struct req){ DHCPRELEASE, m2, -1, NULL, .ciaddr = x, .server_id = SRV };
	rc = step(&cfg, ls, &q);
	tap_ok(rc == 0 && strstr(reply.why, "no such lease"),
		"sequence: RELEASE by a client without the lease is ignored");
	q.mac = m1;
	q.server_id = 0x0a000002;
	rc = step(&cfg, ls, &q);
	tap_ok(rc == 0 && strstr(reply.why, "another server"),
		"sequence: RELEASE for another server is ignored");
	q.server_id = SRV;
	rc = step(&cfg, ls, &q);
	tap_ok(rc == 0 && strstr(reply.why, "lease released"),
		"sequence: RELEASE frees it");
	q = (struct req){ DHCPREQUEST, m2, -1, NULL, .requested = x };
	rc = step(&cfg, ls, &q);
	tap_ok(rc == 1 && reply.type == DHCPACK,
		"sequence: now the other client gets it");
	q = (struct req){ DHCPDECLINE, m2, -1, NULL, .requested = x, .server_id = SRV };
	rc = step(&cfg, ls, &q);
	tap_ok(rc == 0 && strstr(reply.why, "declined"), "sequence: DECLINE");
	q = (struct req){ DHCPDISCOVER, m3, 0, PXE0, .requested = x, .bcast = true };
	rc = step(&cfg, ls, &q);
	tap_ok(rc == 1 && reply.type == DHCPOFFER && ntohl(reply.yiaddr.s_addr) != x,
		"sequence: a declined address is not offered");
	q = (struct req){ DHCPINFORM, m3, -1, NULL };
	rc = step(&cfg, ls, &q);
	tap_ok(rc == 0 && strstr(reply.why, "without ciaddr"),
		"sequence: INFORM without ciaddr: no reply");
	site.dhcp.has_range = false;
	q = (struct req){ DHCPDISCOVER, mac_unknown, 0, PXE0, .bcast = true };
	rc = step(&cfg, ls, &q);
	tap_ok(rc == 0 && strstr(reply.why, "no dynamic range"),
		"no range: an unknown client gets no reply");
	site.dhcp.present = false;
	rc = step(&cfg, ls, &q);
	tap_ok(rc == 0 && strstr(reply.why, "[dhcp]"),
		"full mode without [dhcp]: no reply");
	leases_free(ls);
}

static bool
has_opt(const uint8_t code, const void *v, size_t n)
{
	static struct dhcp_pkt back;
	const uint8_t *got;
	size_t len;

	if (dhcp_pkt_parse(reply.pkt, reply.len, &back) != 0)
		return false;
	got = dhcp_pkt_opt(&back, code, &len);
	return got != NULL && len == n && memcmp(got, v, n) == 0;
}

static void
test_options(void)
{
	struct dhcp_reply_cfg cfg;
	struct req q = { DHCPDISCOVER, mac_pc01, 0, PXE0, .bcast = true };
	uint8_t big[255];
	static struct tpkt p;
	struct dhcp_arrival arr = { .if_addr = ip(SRV), .local_port = 67 };
	int rc;

	dhcp_reply_cfg_defaults(&cfg);
	site_init(SITE_MODE_FULL);
	site.dhcp.lease_time = 3600;
	site.dhcp.mtu = 1400;
	rc = step(&cfg, NULL, &q);
	tap_ok(rc == 1 && has_opt(DHO_LEASE_TIME, "\0\0\x0e\x10", 4) &&
			has_opt(DHO_T1, "\0\0\x07\x08", 4) &&
			has_opt(DHO_T2, "\0\0\x0c\x4e", 4) && has_opt(DHO_MTU,
				"\x05\x78", 2),
		"finite lease: 51, T1 = 1800, T2 = 3150 (RFC 2131 4.4.5); MTU 1400");
	cfg.boot_file[DHCP_BOOT_BIOS] = "a%%b/%s/%h/%m";
	rc = step(&cfg, NULL, &q);
	tap_ok(rc == 1 && strcmp(reply.file, "a%b/10.0.0.1/pc01/52-54-00-12-34-56") == 0,
		"template: %%%%, %%s, %%h, %%m");
	cfg.boot_file[DHCP_BOOT_BIOS] = "bad%";
	rc = step(&cfg, NULL, &q);
	tap_ok(rc == 1 && reply.file[0] == '\0' && reply.boot_why != NULL &&
			strstr(reply.boot_why, "template"),
		"template ending in a lone %%: no file, and why");
	/* 33 times "pc01" is 132 bytes */
	cfg.boot_file[DHCP_BOOT_BIOS] = "%h%h%h%h%h%h%h%h%h%h%h%h%h%h%h%h%h"
					"%h%h%h%h%h%h%h%h%h%h%h%h%h%h%h%h";
	rc = step(&cfg, NULL, &q);
	tap_ok(rc == 1 && reply.file[0] == '\0',
		"template longer than 127 bytes: no file");
	dhcp_reply_cfg_defaults(&cfg);
	q.vclass = "PXEClient";
	q.arch = -1;
	rc = step(&cfg, NULL, &q);
	tap_ok(rc == 1 && reply.kind == DHCP_BOOT_BIOS && strcmp(reply.file,
		"pxelinux.0") == 0,
		"PXEClient without option 93 or Arch: BIOS (PXE 2.0)");
	q.vclass = "PXEClient:Arch:0000x";
	rc = step(&cfg, NULL, &q);
	tap_ok(rc == 1 && reply.kind == DHCP_BOOT_BIOS,
		"malformed Arch in the class: BIOS");
	/* three 255-byte relay options: too big for 548 bytes */
	memset(big, 'r', sizeof(big));
	q = (struct req){ DHCPDISCOVER, mac_pc01, 0, PXE0, .bcast = true };
	build(&q, &p);
	p.len--; /* drop End */
	for (int i = 0; i < 3; i++)
		tpkt_opt(&p, DHO_RELAY_INFO, big, sizeof(big));
	tpkt_end(&p);
	dhcp_pkt_parse(p.b, p.len, &req);
	rc = dhcp_reply_decide(&cfg, &site, NULL, &req, &arr, &reply);
	tap_ok(rc == 0 && strstr(reply.why, "does not fit"),
		"reply that cannot fit 548 bytes: no reply rather than a cut one");
	tpkt_init(&p, DHCPDISCOVER, mac_pc01);
	p.b[0] = BOOTREPLY;
	tpkt_end(&p);
	dhcp_pkt_parse(p.b, p.len, &req);
	rc = dhcp_reply_decide(&cfg, &site, NULL, &req, &arr, &reply);
	tap_ok(rc == 0 && strstr(reply.why, "BOOTREQUEST"), "BOOTREPLY in: no reply");
	site.server.address.s_addr = 0;
	arr.if_addr.s_addr = 0;
	req.op = BOOTREQUEST;
	rc = dhcp_reply_decide(&cfg, &site, NULL, &req, &arr, &reply);
	tap_ok(rc == 0 && strstr(reply.why, "no server address"),
		"no server address at all: no reply");
}

/* ---- [boot] keys, from the config text to the reply ---- */

#define PXE15 "PXEClient:Arch:00015:UNDI:003016"
#define HTTP15 "HTTPClient:Arch:00015:UNDI:003001"
#define HTTP18 "HTTPClient:Arch:00018:UNDI:003001"
#define HTTP19 "HTTPClient:Arch:00019:UNDI:003001"

struct boot_case {
	const char *name;
	bool proxy;
	const char *boot; /* the lines of [boot] */
	struct req q;
	uint8_t want_type;   /* 0: no reply */
	const char *want_file; /* the file field; NULL: not checked */
	const char *facts[3];  /* as in struct tcase */
};

static const struct boot_case boot_cases[] = {
	/* each architecture class without its key, then with it */
	{ "bios default", false, "", { DHCPDISCOVER, mac_pc01, 0, PXE0, .bcast = true },
		DHCPOFFER, "pxelinux.0", { "+kind=bios" } },
	{ "bios set", false, "bios = lpxelinux.0",
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .bcast = true }, DHCPOFFER,
		"lpxelinux.0", { NULL } },
	{ "bios none, full: an address, no file", false, "bios = none",
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .bcast = true }, DHCPOFFER, "",
		{ "+yiaddr=10.0.0.11", "+no boot file configured", "-opt 67" } },
	{ "bios none, proxy: no reply", true, "bios = none",
		{ DHCPDISCOVER, mac_pc01, 0, PXE0 }, 0, NULL,
		{ "+no boot file configured" } },
	{ "efi-ia32 default", false, "", { DHCPDISCOVER, mac_pc01, 6, PXE6, .bcast = true },
		DHCPOFFER, "", { "+kind=efi-ia32" } },
	{ "efi-ia32 set", true, "efi-ia32 = ia32/bootia32.efi",
		{ DHCPDISCOVER, mac_pc01, 6, PXE6 }, DHCPOFFER, "ia32/bootia32.efi",
		{ "-opt 43" } },
	{ "efi-x64 default, arch 7", false, "",
		{ DHCPDISCOVER, mac_pc01, 7, PXE7, .bcast = true }, DHCPOFFER,
		"grubnetx64.efi", { NULL } },
	{ "efi-x64 set, arch 7", false, "efi-x64 = shim/shimx64.efi",
		{ DHCPDISCOVER, mac_pc01, 7, PXE7, .bcast = true }, DHCPOFFER,
		"shim/shimx64.efi", { NULL } },
	{ "efi-x64 set, arch 9", false, "efi-x64 = shim/shimx64.efi",
		{ DHCPDISCOVER, mac_pc01, 9, PXE9, .bcast = true }, DHCPOFFER,
		"shim/shimx64.efi", { "+kind=efi-x64" } },
	{ "efi-x64 none, proxy", true, "efi-x64 = none",
		{ DHCPDISCOVER, mac_pc01, 7, PXE7 }, 0, NULL, { "+no boot file" } },
	{ "efi-arm32 default", true, "", { DHCPDISCOVER, mac_pc01, 10, PXE10 }, 0, NULL,
		{ "+no boot file configured" } },
	{ "efi-arm32 set", false, "efi-arm32 = arm/grubarm.efi",
		{ DHCPDISCOVER, mac_pc01, 10, PXE10, .bcast = true }, DHCPOFFER,
		"arm/grubarm.efi", { "+kind=efi-arm32" } },
	{ "efi-arm64 default", false, "",
		{ DHCPDISCOVER, mac_pc01, 11, PXE11, .bcast = true }, DHCPOFFER, "",
		{ "+no boot file configured" } },
	{ "efi-arm64 set", false, "efi-arm64 = arm64/grubaa64.efi",
		{ DHCPDISCOVER, mac_pc01, 11, PXE11, .bcast = true, .want67 = true },
		DHCPOFFER, "arm64/grubaa64.efi",
		{ "+opt 67 61 72 6d 36 34 2f", "+kind=efi-arm64" } },
	{ "efi-arm64 set, proxy", true, "efi-arm64 = arm64/grubaa64.efi",
		{ DHCPDISCOVER, mac_pc01, 11, PXE11, .uuid = true }, DHCPOFFER,
		"arm64/grubaa64.efi", { "+opt 60 \"PXEClient\"", "+opt 97", "-opt 43" } },
	/* UEFI HTTP boot: a URL, and the class echoed */
	{ "http-x64 default", true, "", { DHCPDISCOVER, mac_pc01, 16, HTTP16 }, 0, NULL,
		{ "+no boot file configured" } },
	{ "http-x64 set", false, "http-x64 = http://%s/efi/bootx64.efi",
		{ DHCPDISCOVER, mac_pc01, 16, HTTP16, .bcast = true }, DHCPOFFER,
		"http://10.0.0.1/efi/bootx64.efi", { "+opt 60 \"HTTPClient\"" } },
	{ "http-ia32 set", true, "http-ia32 = https://boot.lab/ia32.efi",
		{ DHCPDISCOVER, mac_pc01, 15, HTTP15 }, DHCPOFFER,
		"https://boot.lab/ia32.efi", { "+opt 60 \"HTTPClient\"", "-opt 43" } },
	{ "http-arm32 set", false, "http-arm32 = http://10.0.0.1/arm.efi",
		{ DHCPDISCOVER, mac_pc01, 18, HTTP18, .bcast = true }, DHCPOFFER,
		"http://10.0.0.1/arm.efi", { "+kind=http-arm32" } },
	{ "http-arm64 set, by MAC", true, "http-arm64 = http://10.0.0.1/%m/aa64.efi",
		{ DHCPDISCOVER, mac_pc01, 19, HTTP19 }, DHCPOFFER,
		"http://10.0.0.1/52-54-00-12-34-56/aa64.efi", { "+kind=http-arm64" } },
	{ "http-ia32 unset: PXE arch 15 gets nothing", false, "",
		{ DHCPDISCOVER, mac_pc01, 15, PXE15, .bcast = true }, DHCPOFFER, "",
		{ "+kind=http-ia32" } },
	/* iPXE: script for known and unknown hosts, or a loader */
	{ "ipxe default, known", false, "",
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, "iPXE", .bcast = true }, DHCPOFFER,
		"boot.ipxe", { "+opt 175 b0 01 01" } },
	{ "ipxe script per host", false, "ipxe = ipxe/%h.ipxe",
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, "iPXE", .bcast = true }, DHCPOFFER,
		"ipxe/pc01.ipxe", { NULL } },
	{ "ipxe-unknown script", false, "ipxe-unknown = ipxe/menu.ipxe",
		{ DHCPDISCOVER, mac_unknown, 0, PXE0, "iPXE", .bcast = true }, DHCPOFFER,
		"ipxe/menu.ipxe", { NULL } },
	{ "ipxe-unknown leaves known alone", false, "ipxe-unknown = ipxe/menu.ipxe",
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, "iPXE", .bcast = true }, DHCPOFFER,
		"boot.ipxe", { NULL } },
	{ "ipxe script by URL", true, "ipxe = http://%s/boot.ipxe",
		{ DHCPDISCOVER, mac_pc01, 7, PXE7, "iPXE" }, DHCPOFFER,
		"http://10.0.0.1/boot.ipxe", { "-opt 43" } },
	{ "ipxe given pxelinux.0", false, "ipxe = pxelinux.0",
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, "iPXE", .bcast = true }, DHCPOFFER,
		"pxelinux.0", { "+ipxe=1" } },
	{ "ipxe = loader, BIOS", false, "ipxe = loader",
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, "iPXE", .bcast = true }, DHCPOFFER,
		"pxelinux.0", { "+ipxe=1" } },
	{ "ipxe = loader, UEFI", true, "ipxe = loader",
		{ DHCPDISCOVER, mac_pc01, 7, PXE7, .opt175 = true }, DHCPOFFER,
		"grubnetx64.efi", { "+ipxe=1" } },
	{ "ipxe = loader, unknown keeps its script", false, "ipxe = loader",
		{ DHCPDISCOVER, mac_unknown, 0, PXE0, "iPXE", .bcast = true }, DHCPOFFER,
		"boot.ipxe", { NULL } },
	{ "ipxe = none, full", false, "ipxe = none",
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, "iPXE", .bcast = true }, DHCPOFFER, "",
		{ "+no boot file configured for iPXE" } },
	{ "ipxe-unknown = none, proxy", true, "ipxe-unknown = none",
		{ DHCPDISCOVER, mac_unknown, 0, PXE0, "iPXE" }, 0, NULL,
		{ "+for iPXE clients" } },
	{ "ipxe = none leaves the ROM alone", false, "ipxe = none",
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .bcast = true }, DHCPOFFER, "pxelinux.0",
		{ NULL } },
	/* unknown clients */
	{ "unknown menu, full", false, "",
		{ DHCPDISCOVER, mac_unknown, 0, PXE0, .bcast = true }, DHCPOFFER,
		"pxelinux.0", { "+why: dynamic address" } },
	{ "unknown ignored, full", false, "unknown-clients = ignore",
		{ DHCPDISCOVER, mac_unknown, 0, PXE0, .bcast = true }, 0, NULL,
		{ "+unknown clients are ignored" } },
	{ "unknown ignored, full, not PXE either", false, "unknown-clients = ignore",
		{ DHCPREQUEST, mac_unknown, -1, NULL, .requested = 0x0a000065 }, 0, NULL,
		{ "+unknown clients are ignored" } },
	{ "unknown ignored, full: known boots", false, "unknown-clients = ignore",
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .bcast = true }, DHCPOFFER, "pxelinux.0",
		{ "+yiaddr=10.0.0.11" } },
	{ "unknown ignored, proxy", true, "unknown-clients = ignore",
		{ DHCPDISCOVER, mac_unknown, 7, PXE7 }, 0, NULL,
		{ "+unknown clients are ignored" } },
	{ "unknown ignored, proxy: known boots", true, "unknown-clients = ignore",
		{ DHCPDISCOVER, mac_pc01, 7, PXE7 }, DHCPOFFER, "grubnetx64.efi", { NULL } },
	{ "unknown ignored, port 4011", true, "unknown-clients = ignore",
		{ DHCPREQUEST, mac_unknown, 7, PXE7, .ciaddr = 0x0a000032,
			.port = PXE_BOOT_SERVER_PORT },
		0, NULL, { "+unknown clients are ignored" } },
	/* the proxyDHCP strategy */
	{ "proxy binl: UEFI without 43", true, "proxy-strategy = binl",
		{ DHCPDISCOVER, mac_pc01, 7, PXE7 }, DHCPOFFER, "grubnetx64.efi",
		{ "-opt 43" } },
	{ "proxy bypass: UEFI with 43.6 = 8", true, "proxy-strategy = bypass",
		{ DHCPDISCOVER, mac_pc01, 7, PXE7 }, DHCPOFFER, "grubnetx64.efi",
		{ "+opt 43 06 01 08 ff" } },
	{ "proxy menu: BIOS gets the menu", true,
		"proxy-strategy = menu\nproxy-menu-text = Lab",
		{ DHCPDISCOVER, mac_pc01, 0, PXE0 }, DHCPOFFER, NULL,
		{ "+opt 43 06 01 03", "+80 00 03 4c 61 62", "+file=\"\"" } },
	/* option 67 next to the file field (RFC 2131 §4.3.1, RFC 2132 §9.5) */
	{ "option 67 when listed in 55", false, "",
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .bcast = true, .want67 = true },
		DHCPOFFER, "pxelinux.0", { "+opt 67 70 78 65 6c 69 6e 75 78 2e 30 00" } },
	{ "no option 67 when 55 leaves it out", false, "",
		{ DHCPDISCOVER, mac_pc01, 0, PXE0, .bcast = true, .prl_no67 = true },
		DHCPOFFER, "pxelinux.0", { "-opt 67", "+opt 1 " } },
	{ "no option 67 without option 55", true, "",
		{ DHCPDISCOVER, mac_pc01, 0, PXE0 }, DHCPOFFER, "pxelinux.0", { "-opt 67" } },
};

/* The site of the table as a config file: full or proxy mode, pc01 with
 * an address, and the case's [boot] lines. */
static struct site *
boot_site(const struct boot_case *t)
{
	char text[1024];
	struct site *s = NULL;
	const char *path;
	int r;

	snprintf(text, sizeof(text),
		"[server]\naddress = 10.0.0.1\nmode = %s\nhosts-dir = none\n"
		"control-socket = none\n%s"
		"[image lab]\nroot = /srv/diskless/images/lab\n"
		"[host pc01]\nmac = 52:54:00:12:34:56\naddress = 10.0.0.11\nimage = lab\n"
		"[boot]\n%s\n",
		t->proxy ? "proxy" : "full",
		t->proxy ? "" : "[dhcp]\nnetmask = 255.255.255.0\n"
				"range = 10.0.0.100 10.0.0.199\n",
		t->boot);
	path = tap_write_file("boot.conf", text, strlen(text));
	r = path ? site_load(path, &s) : -EIO;
	if (r < 0) {
		tap_diag("%s: the site does not load (%d)", t->name, r);
		if (s != NULL)
			site_print_diags(s, "test", stderr);
		site_free(s);
		return NULL;
	}
	return s;
}

static bool
boot_facts(const char *const facts[3], const char *text)
{
	bool ok = true;

	for (size_t k = 0; k < 3 && facts[k] != NULL; k++) {
		if ((strstr(text, facts[k] + 1) != NULL) != (facts[k][0] == '+')) {
			tap_diag("fact %s", facts[k]);
			ok = false;
		}
	}
	return ok;
}

static void
test_boot_keys(void)
{
	static char text[8192];
	static struct tpkt p;

	for (size_t i = 0; i < sizeof(boot_cases) / sizeof(boot_cases[0]); i++) {
		const struct boot_case *t = &boot_cases[i];
		struct leases *ls = leases_new(ip(0x0a000064), ip(0x0a0000c7));
		struct dhcp_arrival arr = { .if_addr = ip(SRV), .src_port = DHCP_CLIENT_PORT,
			.local_port = t->q.port ? t->q.port : DHCP_SERVER_PORT,
			.src_addr = ip(t->q.ciaddr), .now = 1000 };
		struct dhcp_reply_cfg cfg;
		struct site *s = boot_site(t);
		bool ok;
		int rc = -1;

		if (s != NULL) {
			dhcp_reply_cfg_from_site(&cfg, s);
			build(&t->q, &p);
			if (dhcp_pkt_parse(p.b, p.len, &req) == 0)
				rc = dhcp_reply_decide(&cfg, s, t->proxy ? NULL : ls, &req,
					&arr, &reply);
			render(&reply, rc, text, sizeof(text));
		}
		ok = s != NULL && rc >= 0 && (rc > 0) == (t->want_type != 0) &&
		     (rc == 0 || reply.type == t->want_type) &&
		     (t->want_file == NULL || (rc > 0 && strcmp(reply.file, t->want_file) == 0));
		ok = boot_facts(t->facts, s != NULL ? text : "") && ok;
		if (!tap_ok(ok, "[boot] %s: %s%s%s", t->name,
			    t->want_type ? dhcp_msg_type_name(t->want_type) : "no reply",
			    t->want_file ? " file " : "", t->want_file ? t->want_file : ""))
			tap_diag("%s", text);
		site_free(s);
		leases_free(ls);
	}
}

int
main(void)
{
	log_setup("test-dhcp-reply", LOG_DEST_STDERR);
	cfgs_init();
	test_cases();
	test_dynamic_range();
	test_ticket();
	test_sizes();
	test_sequence();
	test_options();
	test_boot_keys();
	return tap_done();
}
