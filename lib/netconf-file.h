/*
 * netconf-file.h: the text files diskless-init leaves in /run for the booted
 * system: /run/net-<dev>.conf in klibc ipconfig's format (shell-sourceable
 * KEY='value' lines, read by initramfs-tools scripts and LTSP's
 * import_ipconfig) and resolv.conf content.
 *
 * Formatting only, into a caller buffer: no allocation, no I/O. Values come
 * partly from DHCP (untrusted): quotes are escaped the way klibc's
 * write_option() does, so a hostile host name cannot end the quoting.
 */
#ifndef DISKLESS_NETCONF_FILE_H
#define DISKLESS_NETCONF_FILE_H

#include <netinet/in.h>
#include <stddef.h>

struct netconf {
	const char *device;		/* required */
	const char *proto;		/* "none" (static) or "dhcp" */
	struct in_addr addr, netmask, gateway, server;
	struct in_addr dns[2];
	const char *hostname;		/* NULL or "" when unknown */
	const char *dnsdomain;
	const char *nisdomain;
	const char *rootpath;
	const char *filename;
	long uptime;			/* seconds since boot */
	unsigned leasetime;		/* 0: not written (static) */
	const char *domainsearch;
};

/* Writes the net-<dev>.conf body; returns its length, -ENOSPC if size is
 * too small, -EINVAL without a device. */
int netconf_format_klibc(const struct netconf *nc, char *buf, size_t size);

/* resolv.conf(5): "search"/"domain" line when dnsdomain is set, then up to
 * n nameserver lines (0.0.0.0 skipped). Returns length or -ENOSPC. */
int netconf_format_resolv(const char *dnsdomain, const struct in_addr *ns, unsigned n,
	char *buf, size_t size);

/* What the kernel's ip= autoconfig left in /proc/net/pnp (reference
 * §1.4.1: "#PROTO: DHCP" or "#MANUAL", "domain", up to 3 "nameserver",
 * "bootserver"). */
struct netconf_pnp {
	struct in_addr dns[3];
	unsigned n_dns;
	struct in_addr bootserver;
	char domain[256];
};

/* Parses len bytes (no NUL needed). Unknown or malformed lines are
 * skipped. Returns the number of lines understood, 0 for an empty file. */
int netconf_parse_pnp(const char *buf, size_t len, struct netconf_pnp *out);

#endif
