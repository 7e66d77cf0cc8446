/*
 * cmdline.h: the kernel command line an NFS-root init accepts, parsed into a
 * fixed-size struct (reference/kernel-cmdline.md §1.2-§1.6).
 *
 * Pure: a string in, a struct out. No allocation, no I/O, every field has a
 * fixed size and every copy is length checked, so the static /init can use
 * it before anything else works. Bad values never abort the parse: they are
 * recorded as warnings (parameter name + reason, both static strings) and
 * the earlier value of that parameter is kept.
 */
#ifndef DISKLESS_CMDLINE_H
#define DISKLESS_CMDLINE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

/* NFS_MAXPATHLEN in the kernel (fs/nfs/nfsroot.c sizes nfs_root_parms by it). */
#define CMDLINE_PATH_MAX 1024
/* Options as given by the user; the kernel's nfsroot buffer is 256. */
#define CMDLINE_OPTS_MAX 256
/* HOST_NAME_MAX is 64 on Linux. */
#define CMDLINE_HOST_MAX 64
/* IFNAMSIZ (16) including NUL. */
#define CMDLINE_IFNAME_MAX 16
#define CMDLINE_INIT_MAX 256
/* resolv.conf(5): "Up to MAXNS (currently 3) name servers". */
#define CMDLINE_DNS_MAX 3
#define CMDLINE_WARN_MAX 8
/* One token ("word") of the command line, quotes removed. */
#define CMDLINE_WORD_MAX 2048

enum cmdline_ipmode {
	CMDLINE_IP_UNSET = 0,	/* no ip=: DHCP if an NFS root needs a network */
	CMDLINE_IP_OFF,		/* ip=off|none: leave the network alone */
	CMDLINE_IP_STATIC,	/* ip=<client>:...:off or a pxelinux 4-field ip= */
	CMDLINE_IP_DHCP,	/* ip=dhcp|on|any|bootp|both or no client address */
};

enum cmdline_rootsrc {
	CMDLINE_ROOT_NONE = 0,	/* not an NFS root at all */
	CMDLINE_ROOT_DEFAULT,	/* root=/dev/nfs or boot=nfs alone: DHCP opt 17 or /tftpboot/%s */
	CMDLINE_ROOT_NFSROOT,	/* nfsroot=[server:]path[,opts] (kernel rules) */
	CMDLINE_ROOT_DRACUT,	/* root=nfs:/nfs4:/<ip>:/path (dracut rules) */
	CMDLINE_ROOT_DHCP,	/* nfsroot=auto, root=dhcp: take DHCP option 17 */
};

enum cmdline_overlay {
	CMDLINE_OVERLAY_NONE = 0,
	CMDLINE_OVERLAY_TMPFS,
};

struct cmdline_warning {
	const char *param;	/* static: "ip", "nfsroot", ... */
	const char *why;	/* static reason */
};

struct cmdline {
	/* Root */
	enum cmdline_rootsrc root_src;
	bool root_nfs4;			/* dracut nfs4: prefix */
	bool has_server;		/* server named in nfsroot=/root= */
	struct in_addr server;
	char path[CMDLINE_PATH_MAX + 1];	/* may contain one %s */
	char opts[CMDLINE_OPTS_MAX];		/* from the spec, comma separated */
	char rootflags[CMDLINE_OPTS_MAX];
	bool rw;			/* default ro; last of ro/rw wins */
	bool rw_set;			/* ro or rw was given: beats the options */
	char init[CMDLINE_INIT_MAX];	/* empty: /sbin/init and fallbacks */

	/* ip= / nfsaddrs= (kernel field order, §1.4.1) */
	enum cmdline_ipmode ip_mode;
	struct in_addr ip_client, ip_server, ip_gateway, ip_netmask;
	bool ip_netmask_guessed;
	char ip_hostname[CMDLINE_HOST_MAX + 1];
	char ip_domain[CMDLINE_HOST_MAX + 1];	/* NIS domain from "name.dom" */
	char ip_device[CMDLINE_IFNAME_MAX];
	struct in_addr ip_dns[2];
	struct in_addr ip_ntp;
	unsigned ip_mtu;		/* dracut field 8 when numeric; 0 unset */

	/* Boot interface hints */
	bool has_bootif;
	uint8_t bootif[NETADDR_MAC_LEN];
	char ifname[CMDLINE_IFNAME_MAX];	/* ifname=<name>:<mac> */
	bool has_ifname_mac;
	uint8_t ifname_mac[NETADDR_MAC_LEN];

	struct in_addr nameserver[CMDLINE_DNS_MAX];	/* nameserver=, in order */
	unsigned n_nameserver;

	bool has_panic;
	int panic;			/* seconds; <0 reboot at once, 0 halt */
	bool quiet;
	bool debug;			/* diskless.debug or nfsrootdebug */
	enum cmdline_overlay overlay;

	struct cmdline_warning warn[CMDLINE_WARN_MAX];
	unsigned n_warn;		/* may exceed CMDLINE_WARN_MAX: count only */
};

/* Parses len bytes of s (a trailing newline, as in /proc/cmdline, is fine;
 * NUL bytes end the line). Always fills *out; returns the number of
 * warnings recorded (0 when everything was understood). */
int cmdline_parse(const char *s, size_t len, struct cmdline *out);

/* What DHCP told us, for the resolution below (all optional). */
struct cmdline_dhcp {
	bool valid;
	struct in_addr siaddr;		/* next-server of the ACK */
	struct in_addr server_id;	/* option 54 */
	char root_path[CMDLINE_PATH_MAX + 1];	/* option 17 */
	char hostname[CMDLINE_HOST_MAX + 1];	/* option 12 */
};

/* The NFS mount, fully resolved. */
struct cmdline_nfs {
	struct in_addr server;
	const char *server_from;	/* static: which rule picked it (§1.6) */
	char path[CMDLINE_PATH_MAX + 1];
	char source[CMDLINE_PATH_MAX + sizeof "255.255.255.255:"];
	char fstype[sizeof "nfs4"];
	char options[1024];		/* text mount options for mount(2) */
	int vers_major;			/* 2, 3 or 4 */
	char vers[sizeof "4.2"];	/* as passed in vers= */
	bool rw;
};

/*
 * Resolves server, path and options (§1.3.3 and §1.6) from the parsed
 * command line, the DHCP answer (may be NULL) and the node name used for %s
 * (hostname if known, else the client IPv4 in dotted quad; may be NULL).
 * Returns 0, or a negative errno with *why set to a static one-line reason:
 * -EDESTADDRREQ no server, -EINVAL bad path/option, -ENAMETOOLONG overflow.
 */
int cmdline_nfs_resolve(const struct cmdline *cl, const struct cmdline_dhcp *dhcp,
	const char *nodename, struct cmdline_nfs *out, const char **why);

/* True when the command line asks for an NFS root (§1.3.3 step 1). */
static inline bool
cmdline_wants_nfs(const struct cmdline *cl)
{
	return cl->root_src != CMDLINE_ROOT_NONE;
}

const char *cmdline_ipmode_name(enum cmdline_ipmode m);

#endif
