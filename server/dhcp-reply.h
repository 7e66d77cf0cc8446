/*
 * dhcp-reply.h: what disklessd answers to one DHCP or PXE request.
 *
 * dhcp_reply_decide() is the protocol core as a pure function (systemd's
 * dhcp_server_handle_message() is the model): a parsed request, where it
 * arrived, the site, the reply settings and the lease store in; the reply
 * bytes, where to send them and why out. No sockets, no clock, no logging:
 * the event loop sends, waits for the lease journal when told to, and logs
 * the reason.
 */
#ifndef DISKLESS_DHCP_REPLY_H
#define DISKLESS_DHCP_REPLY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "dhcp-pkt.h"
#include "leases.h"
#include "site.h"

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define PXE_BOOT_SERVER_PORT 4011
/* Largest reply we build: one Ethernet frame (1500 - IP - UDP). */
#define DHCP_REPLY_MAX 1472

/* Boot loaders by what the client runs, from option 93 (RFC 4578 §2.1 and
 * the IANA "Processor Architecture Types" registry). */
enum dhcp_boot_kind {
	DHCP_BOOT_BIOS,       /* 0 x86 BIOS */
	DHCP_BOOT_EFI_IA32,   /* 6 */
	DHCP_BOOT_EFI_X64,    /* 7 and 9: the RFC 4578 errata, see arch_table */
	DHCP_BOOT_EFI_ARM32,  /* 10 */
	DHCP_BOOT_EFI_ARM64,  /* 11 */
	DHCP_BOOT_HTTP_IA32,  /* 15 */
	DHCP_BOOT_HTTP_X64,   /* 16 */
	DHCP_BOOT_HTTP_ARM32, /* 18 */
	DHCP_BOOT_HTTP_ARM64, /* 19 */
	DHCP_BOOT__COUNT,
	DHCP_BOOT_NONE = DHCP_BOOT__COUNT, /* not a network boot (no 93, 60) */
	DHCP_BOOT_UNSUPPORTED,             /* an architecture we have no file for */
};

/*
 * How proxyDHCP offers steer a PXE client (boot-servers.md §6.1). Port 4011
 * is answered under every strategy.
 *   BINL:   BIOS gets the file and option 43 discovery control 8 ("use the
 *           file in this offer"); UEFI gets an offer without option 43, which
 *           EDK2 (PxeBcDxe "ProxyBinl") and the others pixiecore met take as
 *           "ask the sender on port 4011", and gets its file there. The
 *           pixiecore/dnsmasq behaviour for UEFI: the default.
 *   BYPASS: everyone gets option 43 discovery control 8, siaddr and the file
 *           and never needs 4011 (smee). Fails on UEFI firmware that ignores
 *           proxy offers trying to bypass discovery.
 *   MENU:   BIOS gets a PXE boot-server list and a one-entry menu (43.8,
 *           43.9, 43.10) and fetches its file on 4011 with option 43.71;
 *           UEFI as BINL (dnsmasq with a pxe-service line).
 */
enum dhcp_proxy_strategy {
	DHCP_PROXY_BINL,
	DHCP_PROXY_BYPASS,
	DHCP_PROXY_MENU,
};

/*
 * The reply settings, from the site's [boot] section
 * (dhcp_reply_cfg_from_site). Names are templates: %m the client MAC with
 * dashes (52-54-00-12-34-56), %h the host name ("default" for unknown
 * clients), %s the server address, %% a '%'.
 */
struct dhcp_reply_cfg {
	/* NULL: that kind of client gets no boot file (and no proxy reply) */
	const char *boot_file[DHCP_BOOT__COUNT];
	/* iPXE (user class "iPXE" or option 175) gets its script instead of a
	 * loader, so a chainload never loops; NULL: it is treated as the
	 * firmware it runs on (gets boot_file[kind]); "": it gets no file */
	const char *ipxe_script;
	const char *ipxe_script_unknown;
	/* the loaders are iPXE builds: an iPXE client without a script gets no
	 * file rather than itself again */
	bool loaders_are_ipxe;
	/* send 175.176 (no-pxedhcp) to iPXE in full mode: nothing else will
	 * answer, so it need not wait for proxyDHCP */
	bool ipxe_no_pxedhcp;
	enum dhcp_proxy_strategy proxy;
	/* clients with no [host] entry get nothing (else an address and the
	 * default menu) */
	bool ignore_unknown;
	const char *menu_text; /* MENU strategy: the one entry's text */
};

/* Fills *cfg with the defaults: pxelinux.0 for BIOS, syslinux.efi for x64
 * UEFI (both read pxelinux.cfg/, DESIGN.md's deployed layout), nothing for
 * the others, no iPXE script, BINL, unknown clients served. */
void dhcp_reply_cfg_defaults(struct dhcp_reply_cfg *cfg);
/* Fills *cfg from the site's [boot] section; the names point into site,
 * so *cfg is rebuilt whenever the site is replaced (SIGHUP). */
void dhcp_reply_cfg_from_site(struct dhcp_reply_cfg *cfg, const struct site *site);
const char *dhcp_boot_kind_name(enum dhcp_boot_kind kind);
/* The kind for one RFC 4578 architecture number. */
enum dhcp_boot_kind dhcp_boot_kind_of_arch(uint16_t arch);

/* Where and how the request arrived. */
struct dhcp_arrival {
	struct in_addr if_addr;  /* address of the receiving interface */
	struct in_addr src_addr; /* the datagram's source */
	uint16_t src_port;
	uint16_t local_port; /* 67 or 4011 */
	int64_t now;         /* seconds, for leases */
};

struct dhcp_reply {
	uint8_t type;    /* DHCPOFFER, DHCPACK, DHCPNAK; DHCP_NONE: no reply */
	const char *why; /* always set: what was decided and why */
	/* a network-boot client got an address but no boot file: why not
	 * (NULL otherwise), for the log */
	const char *boot_why;
	enum dhcp_boot_kind kind;
	bool ipxe;
	const struct site_host *host; /* NULL: unknown client */
	struct in_addr yiaddr;
	/* RFC 2131 §4.1 */
	struct in_addr dst;
	uint16_t dst_port;
	/* the client has no address yet and did not ask for broadcast: send to
	 * chaddr at the link layer (or broadcast if the loop cannot) */
	bool dst_link;
	/* not 0: send only once leases_durable(ls, ticket) */
	uint64_t ticket;
	char file[DHCP_FILE_LEN];
	size_t len;
	uint8_t pkt[DHCP_REPLY_MAX];
};

/*
 * Decides the reply to req. ls may be NULL in proxy mode. Returns 1 when
 * *out holds a reply to send, 0 when there is none (out->why says why), or
 * -errno when the lease store failed (-ENOBUFS: the journal is behind).
 */
int dhcp_reply_decide(const struct dhcp_reply_cfg *cfg, const struct site *site,
	struct leases *ls, const struct dhcp_pkt *req, const struct dhcp_arrival *arr,
	struct dhcp_reply *out);

/* The addresses the dynamic range must never hand out: static hosts, the
 * server, the router and the DNS servers. *out is malloc'd (caller frees).
 * 0 or -ENOMEM. */
int dhcp_reply_reserved(const struct site *site, struct in_addr **out, size_t *n);

#endif
