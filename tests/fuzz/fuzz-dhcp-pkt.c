/*
 * fuzz-dhcp-pkt.c: disklessd's DHCP path on untrusted bytes: the parser
 * (lib/dhcp-pkt.c), then the reply decision (server/dhcp-reply.c) under
 * full and proxy mode, ports 67 and 4011 and each proxyDHCP strategy, with
 * a real in-memory lease store. Every reply built must parse back as a
 * BOOTREPLY of the type decided, with the request's xid, within the size
 * allowed: a server must never emit a malformed option (PixieFail).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp-pkt.h"
#include "dhcp-reply.h"
#include "leases.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[] = "/srv/diskless/images/lab", cmdline[] = "", domain[] = "lab.example";

static void
site_init(struct site *site, struct site_image *img, struct site_host *hosts)
{
	static const uint8_t m0[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	static const uint8_t m1[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x02 };

	memset(site, 0, sizeof(*site));
	memset(img, 0, sizeof(*img));
	memset(hosts, 0, 2 * sizeof(*hosts));
	memcpy(img->name, "lab", 4);
	img->root = root;
	img->cmdline = cmdline;
	memcpy(hosts[0].name, "pc01", 5);
	memcpy(hosts[0].mac, m0, 6);
	hosts[0].address.s_addr = htonl(0x0a00000b);
	hosts[0].image_index = 0;
	memcpy(hosts[1].name, "pc02", 5);
	memcpy(hosts[1].mac, m1, 6);
	hosts[1].image_index = 0;
	site->server.address.s_addr = htonl(0x0a000001);
	site->images = img;
	site->n_images = 1;
	site->hosts = hosts;
	site->n_hosts = 2;
	site->dhcp.present = true;
	site->dhcp.has_range = true;
	site->dhcp.range_start.s_addr = htonl(0x0a000064);
	site->dhcp.range_end.s_addr = htonl(0x0a0000c7);
	site->dhcp.netmask.s_addr = htonl(0xffffff00);
	site->dhcp.router.s_addr = htonl(0x0a000001);
	site->dhcp.dns[0].s_addr = htonl(0x0a000001);
	site->dhcp.n_dns = 1;
	site->dhcp.domain = domain;
	site->dhcp.lease_time = 3600;
	site->dhcp.mtu = 1500;
}

static void
check_reply(const struct dhcp_pkt *req, const struct dhcp_reply *r)
{
	static struct dhcp_pkt back;

	if (r->len < DHCP_HDR_LEN + 1 || r->len > DHCP_REPLY_MAX)
		abort();
	if (dhcp_pkt_parse(r->pkt, r->len, &back) != 0)
		abort();
	if (back.op != BOOTREPLY || back.msg_type != r->type || back.xid != req->xid ||
		back.no_end)
		abort();
	if (memcmp(back.chaddr, req->chaddr, DHCP_CHADDR_LEN) != 0)
		abort();
}

/* Both ports, one mode and strategy. */
static void
decide_both_ports(const struct dhcp_reply_cfg *cfg, const struct site *site,
	struct leases *ls, const struct dhcp_pkt *req, int64_t now)
{
	static const uint16_t ports[] = { 67, 4011 };
	static struct dhcp_reply reply;

	for (size_t p = 0; p < 2; p++) {
		struct dhcp_arrival arr = {
			.if_addr.s_addr = htonl(0x0a000001),
			.src_addr = req->ciaddr,
			.src_port = 68,
			.local_port = ports[p],
			.now = now,
		};

		if (dhcp_reply_decide(cfg, site, ls, req, &arr, &reply) == 1)
			check_reply(req, &reply);
		if (reply.why == NULL)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp_pkt req;
	struct site site;
	struct site_image img;
	struct site_host hosts[2];
	struct dhcp_reply_cfg cfg;
	struct leases *ls;

	if (dhcp_pkt_parse(data, size, &req) != 0)
		return 0;
	site_init(&site, &img, hosts);
	ls = leases_new(site.dhcp.range_start, site.dhcp.range_end);
	if (ls == NULL)
		return 0;
	for (int mode = 0; mode < 2; mode++) {
		for (int strat = 0; strat < 3; strat++) {
			dhcp_reply_cfg_defaults(&cfg);
			cfg.proxy = (enum dhcp_proxy_strategy)strat;
			if (strat == 1) {
				cfg.ipxe_script = "ipxe/%m-%h.ipxe";
				cfg.boot_file[DHCP_BOOT_HTTP_X64] = "http://%s/%%/x.efi";
				cfg.boot_file[DHCP_BOOT_EFI_ARM64] = "grubaa64.efi";
			} else if (strat == 2) {
				/* [boot] ipxe = none, ipxe-unknown = loader,
				 * unknown-clients = ignore */
				cfg.ipxe_script = "";
				cfg.ipxe_script_unknown = NULL;
				cfg.ignore_unknown = true;
			}
			site.server.mode = mode ? SITE_MODE_PROXY : SITE_MODE_FULL;
			decide_both_ports(&cfg, &site, ls, &req, 1000 + strat);
		}
	}
	if (leases_check(ls) != 0)
		abort();
	leases_free(ls);
	return 0;
}
