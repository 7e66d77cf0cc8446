/*
 * dhcp-reply.c: see dhcp-reply.h.
 *
 * Three paths: full DHCP (RFC 2131 §4.3), proxyDHCP on port 67 (PXE 2.1
 * §2.2.4) and the PXE boot server on port 4011 (PXE 2.1 §2.2.5). Each
 * builds its reply with the bounded builder of lib/dhcp-pkt.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot-name.h"
#include "dhcp-reply.h"

/*
 * RFC 4578 §2.1 names 7 "EFI BC" and 9 "EFI x86-64", but firmware in the
 * field sends 7 for x86-64 UEFI (the IANA registry was corrected to "x64
 * UEFI" for 7; dnsmasq swapped its names in 2.76; FOG and LTSP match both).
 * Both get the x64 loader: no x86 machine runs EFI byte code as firmware.
 */
static const struct {
	uint16_t arch;
	enum dhcp_boot_kind kind;
} arch_table[] = {
	{ 0, DHCP_BOOT_BIOS },
	{ 6, DHCP_BOOT_EFI_IA32 },
	{ 7, DHCP_BOOT_EFI_X64 },
	{ 9, DHCP_BOOT_EFI_X64 },
	{ 10, DHCP_BOOT_EFI_ARM32 },
	{ 11, DHCP_BOOT_EFI_ARM64 },
	{ 15, DHCP_BOOT_HTTP_IA32 },
	{ 16, DHCP_BOOT_HTTP_X64 },
	{ 18, DHCP_BOOT_HTTP_ARM32 },
	{ 19, DHCP_BOOT_HTTP_ARM64 },
};

static const char *const kind_names[] = {
	[DHCP_BOOT_BIOS] = "bios",
	[DHCP_BOOT_EFI_IA32] = "efi-ia32",
	[DHCP_BOOT_EFI_X64] = "efi-x64",
	[DHCP_BOOT_EFI_ARM32] = "efi-arm32",
	[DHCP_BOOT_EFI_ARM64] = "efi-arm64",
	[DHCP_BOOT_HTTP_IA32] = "http-ia32",
	[DHCP_BOOT_HTTP_X64] = "http-x64",
	[DHCP_BOOT_HTTP_ARM32] = "http-arm32",
	[DHCP_BOOT_HTTP_ARM64] = "http-arm64",
	[DHCP_BOOT_NONE] = "none",
	[DHCP_BOOT_UNSUPPORTED] = "unsupported",
};

/* PXE 2.1 §2.4 table 2-1, discovery control bit 3: "if a boot file name is
 * present in the (proxy) offer, download it; no prompt, menu or discovery". */
#define PXE_DISCOVERY_USE_FILE 0x08
/* bits 0 and 1: no broadcast or multicast discovery, use the server list */
#define PXE_DISCOVERY_LIST_ONLY 0x03
/* PXE 2.1 §2.4: boot server types 0x8000-0xfffe are vendor-specific. */
#define PXE_ITEM_DISKLESS 0x8000

void
dhcp_reply_cfg_defaults(struct dhcp_reply_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	/* The names `diskless pxe` writes (builder/bootcfg.h): pxelinux for
	 * BIOS, GRUB's netboot image for UEFI x64, and for iPXE its dispatcher
	 * script, which chains ipxe/01-<mac>.ipxe or shows the default menu. */
	cfg->boot_file[DHCP_BOOT_BIOS] = "pxelinux.0";
	cfg->boot_file[DHCP_BOOT_EFI_X64] = "grubnetx64.efi";
	cfg->ipxe_script = "boot.ipxe";
	cfg->ipxe_script_unknown = "boot.ipxe";
	cfg->ipxe_no_pxedhcp = true;
	cfg->proxy = DHCP_PROXY_BINL;
	cfg->menu_text = "diskless";
}

/* [boot] slots by boot kind: the two enums list the same classes in the
 * same order, but the table says so rather than relying on it. */
static const enum site_boot_slot kind_slot[DHCP_BOOT__COUNT] = {
	[DHCP_BOOT_BIOS] = SITE_BOOT_BIOS,
	[DHCP_BOOT_EFI_IA32] = SITE_BOOT_EFI_IA32,
	[DHCP_BOOT_EFI_X64] = SITE_BOOT_EFI_X64,
	[DHCP_BOOT_EFI_ARM32] = SITE_BOOT_EFI_ARM32,
	[DHCP_BOOT_EFI_ARM64] = SITE_BOOT_EFI_ARM64,
	[DHCP_BOOT_HTTP_IA32] = SITE_BOOT_HTTP_IA32,
	[DHCP_BOOT_HTTP_X64] = SITE_BOOT_HTTP_X64,
	[DHCP_BOOT_HTTP_ARM32] = SITE_BOOT_HTTP_ARM32,
	[DHCP_BOOT_HTTP_ARM64] = SITE_BOOT_HTTP_ARM64,
};

/* An iPXE slot: its file, "" for none, NULL for the loader of its arch. */
static const char *
ipxe_slot(const struct site_boot_file *f)
{
	if (f->how == SITE_BOOT_FILE)
		return f->name;
	return f->how == SITE_BOOT_LOADER ? NULL : "";
}

void
dhcp_reply_cfg_from_site(struct dhcp_reply_cfg *cfg, const struct site *site)
{
	const struct site_boot *b = &site->boot;

	dhcp_reply_cfg_defaults(cfg);
	for (int k = 0; k < DHCP_BOOT__COUNT; k++) {
		const struct site_boot_file *f = &b->file[kind_slot[k]];

		/* UNSET only in a site not made by site_load(): the default */
		if (f->how == SITE_BOOT_FILE)
			cfg->boot_file[k] = f->name;
		else if (f->how == SITE_BOOT_NONE)
			cfg->boot_file[k] = NULL;
	}
	if (b->file[SITE_BOOT_IPXE].how != SITE_BOOT_UNSET)
		cfg->ipxe_script = ipxe_slot(&b->file[SITE_BOOT_IPXE]);
	if (b->file[SITE_BOOT_IPXE_UNKNOWN].how != SITE_BOOT_UNSET)
		cfg->ipxe_script_unknown = ipxe_slot(&b->file[SITE_BOOT_IPXE_UNKNOWN]);
	cfg->ignore_unknown = b->unknown == SITE_UNKNOWN_IGNORE;
	cfg->proxy = b->proxy == SITE_PROXY_BYPASS ? DHCP_PROXY_BYPASS :
		     b->proxy == SITE_PROXY_MENU   ? DHCP_PROXY_MENU :
						     DHCP_PROXY_BINL;
	if (b->menu_text != NULL)
		cfg->menu_text = b->menu_text;
}

const char *
dhcp_boot_kind_name(enum dhcp_boot_kind kind)
{
	if ((size_t)kind < sizeof(kind_names) / sizeof(kind_names[0]))
		return kind_names[kind];
	return "?";
}

enum dhcp_boot_kind
dhcp_boot_kind_of_arch(uint16_t arch)
{
	for (size_t i = 0; i < sizeof(arch_table) / sizeof(arch_table[0]); i++)
		if (arch_table[i].arch == arch)
			return arch_table[i].kind;
	return DHCP_BOOT_UNSUPPORTED;
}

/* Everything one decision needs, so helpers take one argument. */
struct ctx {
	const struct dhcp_reply_cfg *cfg;
	const struct site *site;
	struct leases *ls;
	const struct dhcp_pkt *req;
	const struct dhcp_arrival *arr;
	struct dhcp_reply *out;
	const struct site_image *image;
	struct in_addr server_id, next_server;
	bool pxe, http;
	struct dhcp_builder b;
};

static int
no_reply(struct ctx *c, const char *why)
{
	c->out->type = DHCP_NONE;
	c->out->why = why;
	return 0;
}

/* "PXEClient:Arch:00007:UNDI:003016" (PXE 2.1 §2.2.1, and HTTPClient the
 * same way) carries the architecture when option 93 is missing. */
static int
arch_from_class(const struct dhcp_pkt *req, uint16_t *arch)
{
	static const char tag[] = ":Arch:";
	const uint8_t *v;
	size_t n, off = 9; /* strlen("PXEClient") == strlen("HTTPClient") - 1 */
	unsigned a = 0;

	v = dhcp_pkt_opt(req, DHO_VENDOR_CLASS, &n);
	if (v == NULL)
		return -ENOENT;
	if (n > 0 && v[0] == 'H')
		off = 10;
	if (n < off + sizeof(tag) - 1 + 5 || memcmp(v + off, tag, sizeof(tag) - 1) != 0)
		return -ENOENT;
	v += off + sizeof(tag) - 1;
	for (int i = 0; i < 5; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -ENOENT;
		a = a * 10 + (unsigned)(v[i] - '0');
	}
	if (a > UINT16_MAX)
		return -ENOENT;
	*arch = (uint16_t)a;
	return 0;
}

static void
classify(struct ctx *c)
{
	const struct dhcp_pkt *req = c->req;
	struct dhcp_reply *out = c->out;
	uint16_t arch;

	c->pxe = dhcp_pkt_vendor_class_is(req, "PXEClient");
	c->http = dhcp_pkt_vendor_class_is(req, "HTTPClient");
	out->ipxe = dhcp_pkt_user_class_has(req, "iPXE") ||
		dhcp_pkt_has(req, DHO_IPXE_ENCAP);
	out->kind = DHCP_BOOT_NONE;
	/* RFC 4578 §2.1: the list is in order of preference */
	for (size_t i = 0; i < req->n_arch; i++) {
		out->kind = dhcp_boot_kind_of_arch(req->arch[i]);
		if (out->kind != DHCP_BOOT_UNSUPPORTED)
			return;
	}
	if (req->n_arch > 0 || dhcp_pkt_has(req, DHO_CLIENT_ARCH))
		return;
	if (arch_from_class(req, &arch) == 0)
		out->kind = dhcp_boot_kind_of_arch(arch);
	else if (c->http)
		out->kind = DHCP_BOOT_HTTP_X64;
	else if (c->pxe || out->ipxe)
		out->kind = DHCP_BOOT_BIOS; /* PXE 2.0 ROMs predate option 93 */
}

static const struct site_host *
find_host(const struct site *site, const uint8_t *mac)
{
	for (size_t i = 0; i < site->n_hosts; i++)
		if (memcmp(site->hosts[i].mac, mac, NETADDR_MAC_LEN) == 0)
			return &site->hosts[i];
	return NULL;
}

/* Picks out->file. 0, or -ENOENT when this client gets no file. */
static int
choose_file(struct ctx *c, const char **why)
{
	const struct dhcp_reply_cfg *cfg = c->cfg;
	struct dhcp_reply *out = c->out;
	const char *tpl = NULL;

	if (out->kind >= DHCP_BOOT__COUNT) {
		*why = out->kind == DHCP_BOOT_NONE ? "not a network boot client" :
						     "no boot file for this architecture";
		return -ENOENT;
	}
	if (out->ipxe)
		tpl = out->host ? cfg->ipxe_script : cfg->ipxe_script_unknown;
	if (tpl != NULL && tpl[0] == '\0') {
		*why = "no boot file configured for iPXE clients";
		return -ENOENT;
	}
	if (tpl == NULL && out->ipxe && cfg->loaders_are_ipxe) {
		*why = "iPXE client and no iPXE script configured (the loader again "
		       "would loop)";
		return -ENOENT;
	}
	if (tpl == NULL)
		tpl = cfg->boot_file[out->kind];
	if (tpl == NULL) {
		*why = "no boot file configured for this architecture";
		return -ENOENT;
	}
	if (boot_name_expand(tpl, c->req->chaddr, out->host ? out->host->name : "default",
		    c->next_server, out->file, sizeof(out->file)) < 0 ||
		out->file[0] == '\0') {
		out->file[0] = '\0'; /* not half a name */
		*why = "boot file name template is invalid or longer than 127 bytes";
		return -ENOENT;
	}
	return 0;
}

static size_t
reply_cap(const struct dhcp_pkt *req)
{
	size_t cap = DHCP_MIN_MSG;

	/* RFC 2132 §9.10: the largest message the client accepts, counted
	 * with the IP and UDP headers (as systemd and dnsmasq read it). */
	if (req->max_msg_size > DHCP_MIN_MSG + DHCP_IPUDP_LEN)
		cap = (size_t)req->max_msg_size - DHCP_IPUDP_LEN;
	return cap > DHCP_REPLY_MAX ? DHCP_REPLY_MAX : cap;
}

static void
start(struct ctx *c, uint8_t type, struct in_addr ciaddr, struct in_addr yiaddr)
{
	dhcp_build_start(&c->b, c->out->pkt, reply_cap(c->req), c->req);
	dhcp_build_set_addrs(&c->b, ciaddr, yiaddr, c->next_server);
	c->out->type = type;
	c->out->yiaddr = yiaddr;
	dhcp_tlv_add_u8(&c->b.opts, DHO_MSG_TYPE, type);
	dhcp_tlv_add_addr(&c->b.opts, DHO_SERVER_ID, c->server_id);
}

/* Options every PXE-flavoured reply carries: the class echoed (PXE 2.1
 * §2.2.4: a proxy offer without "PXEClient" is ignored; UEFI HTTP boot
 * wants "HTTPClient" back) and the UUID (PXE 2.1 §2.2.4, RFC 4578 §2.3). */
static void
add_pxe_ids(struct ctx *c)
{
	const uint8_t *v;
	size_t n;

	dhcp_tlv_add_str(&c->b.opts, DHO_VENDOR_CLASS,
		c->http ? "HTTPClient" : "PXEClient");
	v = dhcp_pkt_opt(c->req, DHO_CLIENT_UUID, &n);
	/* type 0 and a 16-byte GUID; anything else is not echoed */
	if (v != NULL && n == 17 && v[0] == 0)
		dhcp_tlv_add(&c->b.opts, DHO_CLIENT_UUID, v, n);
}

static void
add_file(struct ctx *c)
{
	struct dhcp_tlv *t = &c->b.opts;

	if (c->out->file[0] == '\0')
		return;
	if (dhcp_build_set_file(&c->b, c->out->file) < 0)
		t->err = -ENAMETOOLONG;
	/*
	 * The file field always carries the name. Option 67 as well only when
	 * option 55 lists it: RFC 2131 §4.3.1, a requested parameter the
	 * server has a value for "MUST" be included, and table 3 leaves any
	 * other option a "MAY"; RFC 2132 §9.5 defines 67 for "when the 'file'
	 * field in the DHCP header has been used for DHCP options", which we
	 * never do (no overload: options that do not fit fail the reply). So
	 * a client without option 55 reads the file field, as BOOTP ones do;
	 * PXE ROMs and EDK2 list 67 (PXE 2.1 §2.2.1) and get both.
	 * Some UEFI and UNDI clients read option 67 past its length, so it
	 * carries its NUL (boot-servers.md §4.9).
	 */
	if (dhcp_pkt_requests(c->req, DHO_BOOTFILE))
		dhcp_tlv_add(t, DHO_BOOTFILE, c->out->file, strlen(c->out->file) + 1);
}

/* Option 43 with discovery control only: take the file in this offer. */
static void
add_pxe_use_file(struct ctx *c)
{
	uint8_t buf[8];
	struct dhcp_tlv sub;

	dhcp_tlv_init(&sub, buf, sizeof(buf));
	dhcp_tlv_add_u8(&sub, PXE_DISCOVERY_CONTROL, PXE_DISCOVERY_USE_FILE);
	dhcp_tlv_add_end(&sub);
	dhcp_tlv_add(&c->b.opts, DHO_VENDOR_ENCAP, buf, sub.len);
}

/* Option 43 for boot-server discovery (PXE 2.1 §2.4): only us in the
 * server list, a one-entry menu and a zero-second prompt. The server IP is
 * always in the list: without it clients multicast and time out ("PXEBS
 * ... Connection timed out", FOG docs). */
static void
add_pxe_menu(struct ctx *c)
{
	uint8_t buf[96], item[80], srv[7];
	struct dhcp_tlv sub;
	size_t tlen = strlen(c->cfg->menu_text);

	if (tlen > sizeof(item) - 3)
		tlen = sizeof(item) - 3;
	srv[0] = PXE_ITEM_DISKLESS >> 8;
	srv[1] = PXE_ITEM_DISKLESS & 0xff;
	srv[2] = 1; /* one address */
	memcpy(srv + 3, &c->next_server, 4);
	item[0] = PXE_ITEM_DISKLESS >> 8;
	item[1] = PXE_ITEM_DISKLESS & 0xff;
	item[2] = (uint8_t)tlen;
	memcpy(item + 3, c->cfg->menu_text, tlen);
	dhcp_tlv_init(&sub, buf, sizeof(buf));
	dhcp_tlv_add_u8(&sub, PXE_DISCOVERY_CONTROL, PXE_DISCOVERY_LIST_ONLY);
	dhcp_tlv_add(&sub, PXE_BOOT_SERVERS, srv, sizeof(srv));
	dhcp_tlv_add(&sub, PXE_BOOT_MENU, item, 3 + tlen);
	/* timeout 0: boot the first entry at once; the prompt text is unused */
	dhcp_tlv_add(&sub, PXE_MENU_PROMPT, "\0diskless", 9);
	dhcp_tlv_add_end(&sub);
	if (sub.err != 0)
		c->b.opts.err = sub.err;
	dhcp_tlv_add(&c->b.opts, DHO_VENDOR_ENCAP, buf, sub.len);
}

/* RFC 3046 §2.2: the relay agent information goes back verbatim, last. */
static void
add_relay_info(struct ctx *c)
{
	const uint8_t *v;
	size_t n;

	v = dhcp_pkt_opt(c->req, DHO_RELAY_INFO, &n);
	if (v != NULL)
		dhcp_tlv_add_long(&c->b.opts, DHO_RELAY_INFO, v, n);
}

static int
finish(struct ctx *c, const char *why)
{
	int len;

	add_relay_info(c);
	len = dhcp_build_finish(&c->b);
	if (len < 0) {
		c->out->type = DHCP_NONE;
		c->out->why = len == -ENOSPC ?
			"reply does not fit the client's message size" :
			"reply could not be built (an option is too long)";
		return 0;
	}
	c->out->len = (size_t)len;
	c->out->why = why;
	return 1;
}

/* ---- destinations ---- */

static void
dest(struct ctx *c, struct in_addr a, uint16_t port)
{
	c->out->dst = a;
	c->out->dst_port = port;
}

static void
set_broadcast_flag(struct ctx *c)
{
	c->out->pkt[10] |= DHCP_FLAG_BROADCAST >> 8;
}

/*
 * RFC 2131 §4.1: "If the 'giaddr' field in a DHCP message from a client is
 * non-zero, the server sends any return messages to the 'DHCP server' port
 * on the BOOTP relay agent whose address appears in 'giaddr'. If the
 * 'giaddr' field is zero and the 'ciaddr' field is nonzero, then the server
 * unicasts DHCPOFFER and DHCPACK messages to the address in 'ciaddr'. If
 * 'giaddr' is zero and 'ciaddr' is zero, and the broadcast bit is set, then
 * the server broadcasts DHCPOFFER and DHCPACK messages to 0xffffffff. If the
 * broadcast bit is not set and 'giaddr' is zero and 'ciaddr' is zero, then
 * the server unicasts DHCPOFFER and DHCPACK messages to the client's
 * hardware address and 'yiaddr' address. In all cases, when 'giaddr' is
 * zero, the server broadcasts any DHCPNAK messages to 0xffffffff."
 * §4.3.2: a DHCPNAK through a relay gets the broadcast bit set.
 */
static void
dest_rfc2131(struct ctx *c)
{
	const struct dhcp_pkt *req = c->req;
	struct in_addr bcast = { INADDR_BROADCAST };

	c->out->dst_link = false;
	if (req->giaddr.s_addr != 0) {
		dest(c, req->giaddr, DHCP_SERVER_PORT);
		if (c->out->type == DHCPNAK)
			set_broadcast_flag(c);
	} else if (c->out->type == DHCPNAK) {
		dest(c, bcast, DHCP_CLIENT_PORT);
	} else if (req->ciaddr.s_addr != 0) {
		dest(c, req->ciaddr, DHCP_CLIENT_PORT);
	} else if ((req->flags & DHCP_FLAG_BROADCAST) || c->out->yiaddr.s_addr == 0) {
		/* a proxy offer has no yiaddr to unicast to */
		dest(c, bcast, DHCP_CLIENT_PORT);
	} else {
		dest(c, c->out->yiaddr, DHCP_CLIENT_PORT);
		c->out->dst_link = true;
	}
}

/* ---- full DHCP ---- */

static uint32_t
lease_time(const struct site *site)
{
	/* 0 would make clients renew at once; the site default is forever */
	return site->dhcp.lease_time == 0 ? SITE_LEASE_INFINITE : site->dhcp.lease_time;
}

static bool
same_subnet(const struct site *site, struct in_addr a)
{
	uint32_t m = site->dhcp.netmask.s_addr;

	if (m == 0 || !site->dhcp.has_range)
		return true;
	return (a.s_addr & m) == (site->dhcp.range_start.s_addr & m);
}

static void
add_root_path(struct ctx *c)
{
	char buf[256], srv[INET_ADDRSTRLEN];
	struct in_addr nfs = c->site->server.address;
	int n;

	if (c->image == NULL || c->image->root == NULL)
		return;
	if (nfs.s_addr == 0)
		nfs = c->next_server;
	inet_ntop(AF_INET, &nfs, srv, sizeof(srv));
	n = snprintf(buf, sizeof(buf), "%s:%s", srv, c->image->root);
	/* RFC 2132 §3.19: one option, at most 255 bytes; too long is left out
	 * (the kernel command line carries nfsroot= anyway) */
	if (n > 0 && (size_t)n < sizeof(buf))
		dhcp_tlv_add(&c->b.opts, DHO_ROOT_PATH, buf, (size_t)n);
}

static void
add_ipxe_opts(struct ctx *c)
{
	uint8_t buf[8];
	struct dhcp_tlv sub;

	if (!c->out->ipxe || !c->cfg->ipxe_no_pxedhcp)
		return;
	dhcp_tlv_init(&sub, buf, sizeof(buf));
	dhcp_tlv_add_u8(&sub, IPXE_NO_PXEDHCP, 1);
	dhcp_tlv_add(&c->b.opts, DHO_IPXE_ENCAP, buf, sub.len);
}

/* RFC 2131 §4.3.1 and table 3: what an OFFER or ACK carries. */
static void
add_config_opts(struct ctx *c, bool with_lease)
{
	const struct site_dhcp *d = &c->site->dhcp;
	struct dhcp_tlv *t = &c->b.opts;
	uint32_t lt = lease_time(c->site);

	if (with_lease) {
		dhcp_tlv_add_u32(t, DHO_LEASE_TIME, lt);
		/* RFC 2131 §4.4.5: T1 = 0.5, T2 = 0.875 of the lease */
		if (lt != SITE_LEASE_INFINITE) {
			dhcp_tlv_add_u32(t, DHO_T1, lt / 2);
			dhcp_tlv_add_u32(t, DHO_T2, (uint32_t)((uint64_t)lt * 7 / 8));
		}
	}
	if (d->netmask.s_addr != 0)
		dhcp_tlv_add_addr(t, DHO_SUBNET_MASK, d->netmask);
	if (d->router.s_addr != 0)
		dhcp_tlv_add_addr(t, DHO_ROUTERS, d->router);
	if (d->n_dns > 0 && d->n_dns <= SITE_DNS_MAX)
		dhcp_tlv_add(t, DHO_DNS, d->dns, 4 * (size_t)d->n_dns);
	if (d->domain != NULL && d->domain[0] != '\0' && strlen(d->domain) <= 255)
		dhcp_tlv_add_str(t, DHO_DOMAIN_NAME, d->domain);
	if (c->out->host != NULL)
		dhcp_tlv_add_str(t, DHO_HOST_NAME, c->out->host->name);
	if (d->mtu >= 68)
		dhcp_tlv_add_u16(t, DHO_MTU, d->mtu);
	add_root_path(c);
}

static void
add_boot_opts(struct ctx *c)
{
	const char *why;

	if (choose_file(c, &why) < 0) {
		if (c->out->kind != DHCP_BOOT_NONE)
			c->out->boot_why = why;
		return;
	}
	add_file(c);
	if (c->http)
		dhcp_tlv_add_str(&c->b.opts, DHO_VENDOR_CLASS, "HTTPClient");
	else if (c->pxe) {
		const uint8_t *v;
		size_t n;

		v = dhcp_pkt_opt(c->req, DHO_CLIENT_UUID, &n);
		if (v != NULL && n == 17 && v[0] == 0)
			dhcp_tlv_add(&c->b.opts, DHO_CLIENT_UUID, v, n);
	}
	add_ipxe_opts(c);
}

static int
full_offer_or_ack(struct ctx *c, uint8_t type, struct in_addr yiaddr, const char *why)
{
	struct in_addr ciaddr = { 0 };

	if (type == DHCPACK)
		ciaddr = c->req->ciaddr;
	start(c, type, ciaddr, yiaddr);
	add_config_opts(c, true);
	add_boot_opts(c);
	dest_rfc2131(c);
	return finish(c, why);
}

static int
full_nak(struct ctx *c, const char *why)
{
	struct in_addr zero = { 0 };

	start(c, DHCPNAK, zero, zero);
	/* RFC 2131 table 3: a NAK carries no siaddr and no file */
	dhcp_build_set_addrs(&c->b, zero, zero, zero);
	dest_rfc2131(c);
	return finish(c, why);
}

static int
full_discover(struct ctx *c)
{
	const struct site_host *h = c->out->host;
	struct in_addr a;
	int r;

	if (h != NULL && h->address.s_addr != 0)
		return full_offer_or_ack(c, DHCPOFFER, h->address, "static address");
	if (!c->site->dhcp.has_range)
		return no_reply(c, "no static address for this client and no "
				   "dynamic range");
	if (c->ls == NULL)
		return no_reply(c, "no lease store for dynamic addresses");
	r = leases_offer(c->ls, c->req->chaddr, c->req->requested_addr, c->arr->now, &a);
	if (r == -ENOSPC)
		return no_reply(c, "dynamic range is full");
	if (r < 0)
		return r;
	return full_offer_or_ack(c, DHCPOFFER, a, "dynamic address");
}

/* RFC 2131 §4.3.2: which state the client is in tells which address it
 * wants. */
static int
request_addr(struct ctx *c, struct in_addr *a, const char **why)
{
	const struct dhcp_pkt *req = c->req;

	if (req->server_id.s_addr != 0) {
		/* SELECTING: the client names the server it chose */
		if (req->server_id.s_addr != c->server_id.s_addr) {
			if (c->ls != NULL)
				leases_forget_offer(c->ls, req->chaddr);
			*why = "client chose another server's offer";
			return -ENOENT;
		}
		*a = req->requested_addr.s_addr != 0 ? req->requested_addr : req->ciaddr;
	} else if (req->requested_addr.s_addr != 0) {
		*a = req->requested_addr; /* INIT-REBOOT */
	} else {
		*a = req->ciaddr; /* RENEWING or REBINDING */
	}
	if (a->s_addr == 0) {
		*why = "DHCPREQUEST names no address";
		return -ENOENT;
	}
	return 0;
}

static int
full_request(struct ctx *c)
{
	const struct site_host *h = c->out->host;
	struct in_addr a;
	const char *why;
	uint64_t ticket;
	int r;

	if (request_addr(c, &a, &why) < 0)
		return no_reply(c, why);
	if (h != NULL && h->address.s_addr != 0) {
		if (a.s_addr != h->address.s_addr)
			return full_nak(c,
				"requested address is not the host's static one");
		return full_offer_or_ack(c, DHCPACK, a, "static address");
	}
	if (!same_subnet(c->site, a))
		return full_nak(c, "requested address is on another network");
	if (c->ls == NULL)
		return no_reply(c, "no lease store for dynamic addresses");
	r = leases_bind(c->ls, c->req->chaddr, a, c->arr->now, lease_time(c->site),
		&ticket);
	if (r == -EADDRINUSE)
		return full_nak(c, "requested address belongs to another client");
	if (r == -EADDRNOTAVAIL)
		return full_nak(c, "requested address is outside the range or reserved");
	if (r < 0)
		return r;
	c->out->ticket = ticket;
	return full_offer_or_ack(c, DHCPACK, a, "dynamic address bound");
}

/* RFC 2131 §4.3.5: configuration only, no address, unicast to ciaddr. */
static int
full_inform(struct ctx *c)
{
	struct in_addr zero = { 0 };

	if (c->req->ciaddr.s_addr == 0)
		return no_reply(c, "DHCPINFORM without ciaddr");
	start(c, DHCPACK, c->req->ciaddr, zero);
	add_config_opts(c, false);
	add_boot_opts(c);
	dest_rfc2131(c);
	return finish(c, "configuration for DHCPINFORM");
}

static bool
for_us(const struct ctx *c)
{
	return c->req->server_id.s_addr == c->server_id.s_addr;
}

/* RFC 2131 §4.3.3 and §4.3.4: no reply either way. */
static int
full_decline_release(struct ctx *c)
{
	const struct dhcp_pkt *req = c->req;
	const struct site_host *h = c->out->host;
	int r;

	if (!for_us(c))
		return no_reply(c, "addressed to another server");
	if (h != NULL && h->address.s_addr != 0)
		return no_reply(c, req->msg_type == DHCPDECLINE ?
				"static host declined its address: another machine "
				"answers ARP for it" :
				"static host released its address (kept)");
	if (c->ls == NULL)
		return no_reply(c, "no lease store");
	if (req->msg_type == DHCPDECLINE)
		r = leases_decline(c->ls, req->chaddr, req->requested_addr, c->arr->now);
	else
		r = leases_release(c->ls, req->chaddr, req->ciaddr);
	if (r == -ENOENT)
		return no_reply(c, "client holds no such lease");
	if (r < 0)
		return r;
	return no_reply(c, req->msg_type == DHCPDECLINE ?
			"address declined: held back for a while" :
			"lease released");
}

static int
full_mode(struct ctx *c)
{
	const struct dhcp_pkt *req = c->req;
	struct in_addr net = req->giaddr.s_addr != 0 ? req->giaddr : c->arr->if_addr;

	if (!c->site->dhcp.present)
		return no_reply(c, "full mode without a [dhcp] section");
	/* one subnet: a request arriving from elsewhere is not ours to answer */
	if (net.s_addr != 0 && !same_subnet(c->site, net))
		return no_reply(c, "request from a network outside the [dhcp] subnet");
	switch (req->msg_type) {
	case DHCPDISCOVER:
		return full_discover(c);
	case DHCPREQUEST:
		return full_request(c);
	case DHCPINFORM:
		return full_inform(c);
	case DHCPDECLINE:
	case DHCPRELEASE:
		return full_decline_release(c);
	default:
		return no_reply(c, "not a client message type");
	}
}

/* ---- proxyDHCP (port 67) and the PXE boot server (port 4011) ---- */

static bool
uefi_kind(enum dhcp_boot_kind k)
{
	return k >= DHCP_BOOT_EFI_IA32 && k <= DHCP_BOOT_EFI_ARM64;
}

static void
add_proxy_steering(struct ctx *c)
{
	enum dhcp_boot_kind k = c->out->kind;

	/* iPXE and HTTP boot take the file as it comes */
	if (c->out->ipxe || c->http) {
		add_file(c);
		return;
	}
	if (c->cfg->proxy == DHCP_PROXY_BYPASS) {
		add_pxe_use_file(c);
		add_file(c);
		return;
	}
	if (c->cfg->proxy == DHCP_PROXY_MENU && k == DHCP_BOOT_BIOS) {
		add_pxe_menu(c); /* the file comes on 4011 */
		return;
	}
	/* BINL, and UEFI under MENU: no option 43 for UEFI, which "seemingly
	 * all firmwares" take as "ask the sender on port 4011" (pixiecore);
	 * the file rides along for the few that boot straight from the
	 * offer. BIOS ROMs get discovery control 8 and boot from the offer. */
	if (!uefi_kind(k))
		add_pxe_use_file(c);
	add_file(c);
}

static int
proxy_mode(struct ctx *c)
{
	const struct dhcp_pkt *req = c->req;
	struct in_addr zero = { 0 };
	const char *why;

	if (req->msg_type != DHCPDISCOVER && req->msg_type != DHCPREQUEST)
		return no_reply(c, "proxyDHCP answers DHCPDISCOVER and DHCPREQUEST only");
	if (req->msg_type == DHCPREQUEST && !for_us(c))
		return no_reply(c, "DHCPREQUEST for the site's DHCP server");
	/* PXE 2.1 §2.2.4: proxy offers go to PXE clients only */
	if (!c->pxe && !c->http)
		return no_reply(c, "not a PXE or HTTP boot client (no vendor class)");
	if (choose_file(c, &why) < 0)
		return no_reply(c, why);
	start(c, req->msg_type == DHCPDISCOVER ? DHCPOFFER : DHCPACK, zero, zero);
	add_pxe_ids(c);
	add_proxy_steering(c);
	dest_rfc2131(c);
	/* dnsmasq sets the flag too: the client has no address of its own */
	if (req->giaddr.s_addr == 0 && req->ciaddr.s_addr == 0)
		set_broadcast_flag(c);
	return finish(c, "proxyDHCP offer");
}

/* PXE 2.1 §2.2.5: the client, now with an address, asks the boot server
 * (us, port 4011) for its file; the reply goes back where it came from. */
static int
boot_server(struct ctx *c)
{
	const struct dhcp_pkt *req = c->req;
	struct in_addr zero = { 0 };
	const uint8_t *item;
	const char *why;
	size_t n;

	if (req->msg_type != DHCPREQUEST && req->msg_type != DHCPINFORM)
		return no_reply(c, "boot server answers DHCPREQUEST and DHCPINFORM only");
	if (!c->pxe && !c->http && !c->out->ipxe)
		return no_reply(c, "not a PXE client on port 4011");
	if (choose_file(c, &why) < 0)
		return no_reply(c, why);
	start(c, DHCPACK, req->ciaddr, zero);
	add_pxe_ids(c);
	/* echo the boot item the client asked for (43.71: type, layer) */
	item = dhcp_pkt_subopt(req, DHO_VENDOR_ENCAP, PXE_BOOT_ITEM, &n);
	if (item != NULL && n == 4) {
		uint8_t buf[8];
		struct dhcp_tlv sub;

		dhcp_tlv_init(&sub, buf, sizeof(buf));
		dhcp_tlv_add(&sub, PXE_BOOT_ITEM, item, n);
		dhcp_tlv_add_end(&sub);
		dhcp_tlv_add(&c->b.opts, DHO_VENDOR_ENCAP, buf, sub.len);
	}
	add_file(c);
	c->out->dst_link = false;
	if (req->ciaddr.s_addr != 0)
		dest(c, req->ciaddr,
			c->arr->src_port ? c->arr->src_port : DHCP_CLIENT_PORT);
	else if (c->arr->src_addr.s_addr != 0)
		dest(c, c->arr->src_addr, c->arr->src_port);
	else
		dest_rfc2131(c);
	return finish(c, "PXE boot server reply");
}

int
dhcp_reply_decide(const struct dhcp_reply_cfg *cfg, const struct site *site,
	struct leases *ls, const struct dhcp_pkt *req, const struct dhcp_arrival *arr,
	struct dhcp_reply *out)
{
	struct ctx c = { .cfg = cfg, .site = site, .ls = ls, .req = req, .arr = arr,
		.out = out };

	out->type = DHCP_NONE;
	out->boot_why = NULL;
	out->host = NULL;
	out->ticket = 0;
	out->len = 0;
	out->file[0] = '\0';
	out->yiaddr.s_addr = 0;
	out->dst_link = false;
	out->kind = DHCP_BOOT_NONE;
	out->ipxe = false;
	if (req->op != BOOTREQUEST)
		return no_reply(&c, "not a BOOTREQUEST");
	if (req->htype != DHCP_HTYPE_ETHER || req->hlen != NETADDR_MAC_LEN)
		return no_reply(&c, "not an Ethernet client (htype 1, hlen 6)");
	if (req->msg_type == DHCP_NONE)
		return no_reply(&c,
			"BOOTP request without a DHCP message type (not served)");
	c.server_id = arr->if_addr.s_addr != 0 ? arr->if_addr : site->server.address;
	c.next_server = site->server.address.s_addr != 0 ? site->server.address :
							   c.server_id;
	if (c.server_id.s_addr == 0)
		return no_reply(&c, "no server address (set [server] address)");
	out->host = find_host(site, req->chaddr);
	if (out->host == NULL && cfg->ignore_unknown)
		return no_reply(&c, "unknown client and unknown clients are ignored");
	if (out->host != NULL && out->host->image_index >= 0 &&
		(size_t)out->host->image_index < site->n_images)
		c.image = &site->images[out->host->image_index];
	classify(&c);
	if (arr->local_port == PXE_BOOT_SERVER_PORT)
		return boot_server(&c);
	if (arr->local_port != DHCP_SERVER_PORT)
		return no_reply(&c, "arrived on neither port 67 nor 4011");
	if (site->server.mode == SITE_MODE_PROXY)
		return proxy_mode(&c);
	return full_mode(&c);
}

int
dhcp_reply_reserved(const struct site *site, struct in_addr **out, size_t *n)
{
	size_t max = site->n_hosts + 2 + SITE_DNS_MAX, k = 0;
	struct in_addr *v = calloc(max, sizeof(*v));

	*out = NULL;
	*n = 0;
	if (v == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < site->n_hosts; i++)
		if (site->hosts[i].address.s_addr != 0)
			v[k++] = site->hosts[i].address;
	if (site->server.address.s_addr != 0)
		v[k++] = site->server.address;
	if (site->dhcp.router.s_addr != 0)
		v[k++] = site->dhcp.router;
	for (int i = 0; i < site->dhcp.n_dns && i < SITE_DNS_MAX; i++)
		v[k++] = site->dhcp.dns[i];
	*out = v;
	*n = k;
	return 0;
}
