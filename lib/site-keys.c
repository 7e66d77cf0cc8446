/*
 * site-keys.c: the keys of each section of the site config, their defaults,
 * and the parser of each value. A parser reports its own problem (naming the
 * key, the value and the expected form) and leaves the default in place.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "site-internal.h"
#include "strutil.h"

/* Characters a boot loader's config language (pxelinux, GRUB, iPXE) or a
 * shell would act on rather than pass through to the kernel. */
#define LOADER_SPECIAL "\"'$;`{}|&<>#\\"

#define DEFAULT_NFS_OPTIONS "vers=3,proto=tcp,nolock"

#define HOST(p) (&(p)->site->hosts[(p)->index])
#define IMAGE(p) (&(p)->site->images[(p)->index])

void
site_set_defaults(struct site *site)
{
	site->server.mode = SITE_MODE_FULL;
	site->dhcp.lease_time = SITE_LEASE_INFINITE;
	site->tftp.max_transfers = 512;
	site->tftp.max_blksize = 65464;
	site->tftp.max_windowsize = 64;
	site->tftp.client_rate = 20;
}

/* Fills what an image section left unset; returns -ENOMEM or 0. */
int
site_set_image_defaults(struct site_image *img)
{
	if (img->nfs_options == NULL && site_strdup(&img->nfs_options,
					      DEFAULT_NFS_OPTIONS) < 0)
		return -ENOMEM;
	if (img->cmdline == NULL && site_strdup(&img->cmdline, "") < 0)
		return -ENOMEM;
	return 0;
}

static int
set_ipv4(struct site_parse *p, const char *key, const char *value, struct in_addr *out)
{
	struct in_addr a;
	uint32_t h;

	if (netaddr_parse_ipv4(value, &a) < 0) {
		site_perror(p, "%s: '%s' is not an IPv4 address (write it as 10.0.0.1)", key,
			value);
		return -EINVAL;
	}
	h = netaddr_h(a);
	if (h == 0 || h == 0xffffffffu || (h >> 28) == 0xe || (h >> 24) == 127) {
		site_perror(p, "%s: %s is not a unicast address a machine can have", key,
			value);
		return -EINVAL;
	}
	*out = a;
	return 0;
}

static int
set_path(struct site_parse *p, const char *key, const char *value, char **slot)
{
	if (str_check_abspath(value) < 0) {
		site_perror(p, "%s: '%s' is not a clean absolute path (start with '/', "
			       "no '.', '..' or '//' parts)",
			key, value);
		return -EINVAL;
	}
	return site_strdup(slot, value);
}

/* [server] */

static int
server_interface(struct site_parse *p, const char *value)
{
	if (str_check_ifname(value) < 0) {
		site_perror(p, "interface: '%s' is not an interface name (like eth1 or "
			       "enp3s0, at most 15 characters)",
			value);
		return -EINVAL;
	}
	snprintf(p->site->server.interface, sizeof(p->site->server.interface), "%s",
		value);
	return 0;
}

static int
server_address(struct site_parse *p, const char *value)
{
	p->site->server.address_line = p->line;
	return set_ipv4(p, "address", value, &p->site->server.address);
}

static int
server_mode(struct site_parse *p, const char *value)
{
	if (strcmp(value, "full") == 0) {
		p->site->server.mode = SITE_MODE_FULL;
	} else if (strcmp(value, "proxy") == 0) {
		p->site->server.mode = SITE_MODE_PROXY;
	} else {
		site_perror(p, "mode: '%s' is not a mode (full: hand out addresses; proxy: "
			       "boot information next to the site's DHCP server)",
			value);
		return -EINVAL;
	}
	return 0;
}

static int
server_tftp_root(struct site_parse *p, const char *value)
{
	return set_path(p, "tftp-root", value, &p->site->server.tftp_root);
}

static int
server_state_dir(struct site_parse *p, const char *value)
{
	return set_path(p, "state-dir", value, &p->site->server.state_dir);
}

static int
server_hosts_dir(struct site_parse *p, const char *value)
{
	const char *c;

	if (value[0] == '\0') {
		site_perror(p, "hosts-dir: empty (give a folder, or 'none')");
		return -EINVAL;
	}
	for (c = value; *c != '\0'; c++) {
		if ((unsigned char)*c < ' ') {
			site_perror(p, "hosts-dir: control character in '%s'", value);
			return -EINVAL;
		}
	}
	return site_strdup(&p->site->server.hosts_dir, value);
}

/* A unix socket's path fits sockaddr_un.sun_path (108 bytes with the NUL). */
#define CONTROL_SOCKET_MAX 107

static int
server_control_socket(struct site_parse *p, const char *value)
{
	struct site_server *s = &p->site->server;

	if (strcmp(value, "none") == 0) {
		s->no_control_socket = true;
		return 0;
	}
	if (strlen(value) > CONTROL_SOCKET_MAX) {
		site_perror(p, "control-socket: '%s' is longer than %d bytes, the limit "
			       "of a unix socket's path (choose a shorter one)",
			value, CONTROL_SOCKET_MAX);
		return -EINVAL;
	}
	return set_path(p, "control-socket", value, &s->control_socket);
}

/* [dhcp] */

static int
dhcp_range(struct site_parse *p, const char *value)
{
	char first[32], second[32], extra[2];
	struct site_dhcp *d = &p->site->dhcp;

	if (sscanf(value, "%31s %31s %1s", first, second, extra) != 2) {
		site_perror(p, "range: '%s' is not two addresses (write range = 10.0.0.100 "
			       "10.0.0.199)",
			value);
		return -EINVAL;
	}
	if (set_ipv4(p, "range", first, &d->range_start) < 0 ||
		set_ipv4(p, "range", second, &d->range_end) < 0)
		return -EINVAL;
	d->has_range = true;
	d->range_line = p->line;
	return 0;
}

static int
dhcp_netmask(struct site_parse *p, const char *value)
{
	struct in_addr m;
	int prefix;

	if (netaddr_parse_ipv4(value, &m) < 0 || (prefix = netaddr_mask_prefix(m)) < 0) {
		site_perror(p, "netmask: '%s' is not a netmask (write it as 255.255.255.0)",
			value);
		return -EINVAL;
	}
	if (prefix < 8 || prefix > 30) {
		site_perror(p, "netmask: %s (/%d) leaves no room for hosts or is wider than "
			       "/8 (use /8 to /30)",
			value, prefix);
		return -EINVAL;
	}
	p->site->dhcp.netmask = m;
	return 0;
}

static int
dhcp_router(struct site_parse *p, const char *value)
{
	p->site->dhcp.router_line = p->line;
	return set_ipv4(p, "router", value, &p->site->dhcp.router);
}

static int
dhcp_dns(struct site_parse *p, const char *value)
{
	struct site_dhcp *d = &p->site->dhcp;
	char buf[128], *tok, *save = NULL;
	int n = 0;

	if (snprintf(buf, sizeof(buf), "%s", value) >= (int)sizeof(buf) || value[0] == '\0') {
		site_perror(p, "dns: give 1 to %d addresses separated by spaces or commas",
			SITE_DNS_MAX);
		return -EINVAL;
	}
	for (tok = strtok_r(buf, " ,\t", &save); tok != NULL;
		tok = strtok_r(NULL, " ,\t", &save)) {
		if (n == SITE_DNS_MAX) {
			site_perror(p, "dns: more than %d servers (clients use the first %d)",
				SITE_DNS_MAX, SITE_DNS_MAX);
			return -EINVAL;
		}
		if (set_ipv4(p, "dns", tok, &d->dns[n]) < 0)
			return -EINVAL;
		n++;
	}
	d->n_dns = n;
	return 0;
}

static int
dhcp_domain(struct site_parse *p, const char *value)
{
	if (str_check_domain(value) < 0) {
		site_perror(p, "domain: '%s' is not a domain name (like lab.example.org)",
			value);
		return -EINVAL;
	}
	return site_strdup(&p->site->dhcp.domain, value);
}

/* "infinite", or a number of seconds with an optional s, m, h or d. */
static int
dhcp_lease_time(struct site_parse *p, const char *value)
{
	char num[16];
	unsigned long v, unit = 1;
	size_t n = strlen(value);

	if (strcmp(value, "infinite") == 0) {
		p->site->dhcp.lease_time = SITE_LEASE_INFINITE;
		return 0;
	}
	if (n > 0 && n < sizeof(num)) {
		const char *units = "smhd";
		static const unsigned long mult[] = { 1, 60, 3600, 86400 };
		const char *u = strchr(units, value[n - 1]);

		if (u != NULL && *u != '\0') {
			unit = mult[u - units];
			n--;
		}
		memcpy(num, value, n);
		num[n] = '\0';
		/* RFC 2132 §9.2: 32 bits; 0xffffffff means infinite. */
		if (str_to_ulong(num, 1, 0xfffffffeul / unit, &v) == 0 &&
			v * unit >= 60) {
			p->site->dhcp.lease_time = (uint32_t)(v * unit);
			return 0;
		}
	}
	site_perror(p, "lease-time: '%s' is not a duration (infinite, or at least 60 "
		       "seconds: 3600, 90m, 12h, 7d)",
		value);
	return -EINVAL;
}

/* "arp" (the default, as ISC dhcpd and dnsmasq check before offering) or
 * "none". */
static int
dhcp_conflict_probe(struct site_parse *p, const char *value)
{
	if (strcmp(value, "arp") == 0 || strcmp(value, "none") == 0) {
		p->site->dhcp.conflict_probe = value[0] == 'a' ? SITE_PROBE_ARP :
			SITE_PROBE_NONE;
		return 0;
	}
	site_perror(p, "conflict-probe: '%s' is not arp or none", value);
	return -EINVAL;
}

static int
dhcp_mtu(struct site_parse *p, const char *value)
{
	unsigned long v;

	/* RFC 2132 §5.1: the minimum legal value is 68. */
	if (str_to_ulong(value, 68, 65535, &v) < 0) {
		site_perror(p, "mtu: '%s' is not an MTU (68 to 65535, usually 1500 or 9000)",
			value);
		return -EINVAL;
	}
	p->site->dhcp.mtu = (uint16_t)v;
	return 0;
}

/* [tftp] */

static int
set_uint(struct site_parse *p, const char *key, const char *value, unsigned long min,
	unsigned long max, unsigned *out)
{
	unsigned long v;

	if (str_to_ulong(value, min, max, &v) < 0) {
		site_perror(p, "%s: '%s' is not a number from %lu to %lu", key, value, min,
			max);
		return -EINVAL;
	}
	*out = (unsigned)v;
	return 0;
}

static int
tftp_max_transfers(struct site_parse *p, const char *value)
{
	return set_uint(p, "max-transfers", value, 1, 65536, &p->site->tftp.max_transfers);
}

static int
tftp_max_blksize(struct site_parse *p, const char *value)
{
	/* RFC 2348: 8..65464; below 512 nothing gains. */
	return set_uint(p, "max-blksize", value, 512, 65464, &p->site->tftp.max_blksize);
}

static int
tftp_max_windowsize(struct site_parse *p, const char *value)
{
	/* RFC 7440 §3: 1..65535. */
	return set_uint(p, "max-windowsize", value, 1, 65535,
		&p->site->tftp.max_windowsize);
}

static int
tftp_client_rate(struct site_parse *p, const char *value)
{
	return set_uint(p, "client-rate", value, 1, 100000, &p->site->tftp.client_rate);
}

static int
tftp_default_blksize(struct site_parse *p, const char *value)
{
	p->site->tftp.default_line = p->line;
	return set_uint(p, "default-blksize", value, 512, 65464,
		&p->site->tftp.default_blksize);
}

static int
tftp_default_windowsize(struct site_parse *p, const char *value)
{
	p->site->tftp.default_line = p->line;
	return set_uint(p, "default-windowsize", value, 1, 65535,
		&p->site->tftp.default_windowsize);
}

/* Appends one address of a listen list; refuses repeats. */
static int
tftp_listen_one(struct site_parse *p, const char *word)
{
	struct site_tftp *t = &p->site->tftp;
	struct in_addr a;
	unsigned i;

	if (set_ipv4(p, "listen", word, &a) < 0)
		return -EINVAL;
	for (i = 0; i < t->n_listen; i++)
		if (t->listen[i].s_addr == a.s_addr) {
			site_perror(p, "listen: %s is given twice", word);
			return -EINVAL;
		}
	if (t->n_listen == SITE_TFTP_LISTEN_MAX) {
		site_perror(p, "listen: more than %d addresses", SITE_TFTP_LISTEN_MAX);
		return -EINVAL;
	}
	t->listen[t->n_listen++] = a;
	return 0;
}

static int
tftp_listen(struct site_parse *p, const char *value)
{
	char buf[256], *tok, *save = NULL;

	if (snprintf(buf, sizeof(buf), "%s", value) >= (int)sizeof(buf) ||
		value[strspn(value, " ,\t")] == '\0') {
		site_perror(p, "listen: give addresses separated by spaces or commas "
			       "(like 10.0.0.1 10.0.1.1), or repeat the key");
		return -EINVAL;
	}
	for (tok = strtok_r(buf, " ,\t", &save); tok != NULL;
		tok = strtok_r(NULL, " ,\t", &save))
		if (tftp_listen_one(p, tok) < 0)
			return -EINVAL;
	return 0;
}

/* [image NAME] */

static int
image_root(struct site_parse *p, const char *value)
{
	size_t bad;

	if (set_path(p, "root", value, &IMAGE(p)->root) < 0)
		return -EINVAL;
	/* It goes into nfsroot=<server>:<root>,<options> on a kernel command
	 * line: a comma would start the options, a space a new word. */
	bad = strcspn(value, ", \t" LOADER_SPECIAL);
	if (value[bad] != '\0' || strlen(value) > 255 || strcmp(value, "/") == 0) {
		site_perror(p, "root: '%s' cannot be an NFS root on a kernel command line "
			       "(no commas, spaces or any of %s; not '/'; at most 255 "
			       "characters)",
			value, LOADER_SPECIAL);
		free(IMAGE(p)->root);
		IMAGE(p)->root = NULL;
		return -EINVAL;
	}
	return 0;
}

static int
image_file(struct site_parse *p, const char *key, const char *value, char **slot)
{
	if (set_path(p, key, value, slot) < 0)
		return -EINVAL;
	if (value[strcspn(value, LOADER_SPECIAL " \t,")] != '\0') {
		site_perror(p, "%s: '%s' has a space or a character boot loaders "
			       "interpret (%s)",
			key, value, LOADER_SPECIAL);
		free(*slot);
		*slot = NULL;
		return -EINVAL;
	}
	return 0;
}

static int
image_kernel(struct site_parse *p, const char *value)
{
	return image_file(p, "kernel", value, &IMAGE(p)->kernel);
}

static int
image_initrd(struct site_parse *p, const char *value)
{
	return image_file(p, "initrd", value, &IMAGE(p)->initrd);
}

static int
check_nfs_option(const char *opt)
{
	const char *eq = strchr(opt, '=');
	size_t nlen = eq ? (size_t)(eq - opt) : strlen(opt);
	size_t i;

	if (nlen == 0 || (eq != NULL && eq[1] == '\0'))
		return -EINVAL;
	for (i = 0; i < nlen; i++)
		if (!((opt[i] >= 'a' && opt[i] <= 'z') || (opt[i] >= '0' && opt[i] <= '9') ||
			    opt[i] == '_'))
			return -EINVAL;
	if (eq == NULL)
		return 0;
	for (i = 1; eq[i] != '\0'; i++) {
		char c = eq[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || strchr("._:/-", c) != NULL))
			return -EINVAL;
	}
	if (nlen == 4 && strncmp(opt, "vers", 4) == 0) {
		static const char *const vers[] = { "3", "4", "4.0", "4.1", "4.2", NULL };
		const char *const *v;

		for (v = vers; *v != NULL; v++)
			if (strcmp(eq + 1, *v) == 0)
				return 0;
		return -ERANGE;
	}
	return 0;
}

static int
image_nfs_options(struct site_parse *p, const char *value)
{
	char buf[256], *tok, *save = NULL;
	int r;

	if (value[0] == '\0' || snprintf(buf, sizeof(buf), "%s", value) >= (int)sizeof(buf)) {
		site_perror(p, "nfs-options: give options like vers=3,proto=tcp,nolock "
			       "(at most 255 characters)");
		return -EINVAL;
	}
	if (strstr(value, ",,") != NULL || value[strlen(value) - 1] == ',' ||
		value[0] == ',') {
		site_perror(p, "nfs-options: empty option in '%s'", value);
		return -EINVAL;
	}
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		r = check_nfs_option(tok);
		if (r == -ERANGE) {
			site_perror(p, "nfs-options: '%s': diskless-init mounts NFS versions 3, "
				       "4, 4.0, 4.1 and 4.2",
				tok);
			return -EINVAL;
		}
		if (r < 0) {
			site_perror(p, "nfs-options: '%s' is not an NFS mount option (name or "
				       "name=value, no spaces)",
				tok);
			return -EINVAL;
		}
	}
	return site_strdup(&IMAGE(p)->nfs_options, value);
}

static int
image_overlay(struct site_parse *p, const char *value)
{
	if (strcmp(value, "none") == 0) {
		IMAGE(p)->overlay = SITE_OVERLAY_NONE;
	} else if (strcmp(value, "tmpfs") == 0) {
		IMAGE(p)->overlay = SITE_OVERLAY_TMPFS;
	} else {
		site_perror(p, "overlay: '%s' is not an overlay (none, or tmpfs for a "
			       "writable root kept in each client's memory)",
			value);
		return -EINVAL;
	}
	return 0;
}

/* Repeatable: each line adds words, so a long command line fits in the
 * short lines libinih reads. */
static int
image_cmdline(struct site_parse *p, const char *value)
{
	struct site_image *img = IMAGE(p);
	static const char *const ours[] = { "root=", "nfsroot=", "ip=", "BOOTIF=", NULL };
	const char *c, *const *w;
	size_t old = img->cmdline ? strlen(img->cmdline) : 0;
	size_t add = strlen(value);
	char *joined;

	for (c = value; *c != '\0'; c++) {
		if ((unsigned char)*c < ' ' || (unsigned char)*c >= 0x7f) {
			site_perror(p, "cmdline: only printable ASCII belongs on a kernel "
				       "command line");
			return -EINVAL;
		}
		if (strchr(LOADER_SPECIAL, *c) != NULL) {
			site_perror(p, "cmdline: '%c' would be read by pxelinux, GRUB or iPXE, "
				       "not passed to the kernel (leave out %s)",
				*c, LOADER_SPECIAL);
			return -EINVAL;
		}
	}
	if (old + 1 + add >= SITE_CMDLINE_MAX) {
		site_perror(p, "cmdline: longer than %d characters in all", SITE_CMDLINE_MAX - 1);
		return -EINVAL;
	}
	for (w = ours; *w != NULL; w++) {
		const char *at = strstr(value, *w);

		if (at != NULL && (at == value || at[-1] == ' '))
			site_diag(p->site, SITE_WARNING, p->file, p->line,
				"cmdline: '%s' overrides the per-host value diskless writes "
				"(remove it unless every host should get it)",
				*w);
	}
	joined = malloc(old + 1 + add + 1);
	if (joined == NULL)
		return -ENOMEM;
	if (old > 0)
		memcpy(joined, img->cmdline, old);
	if (old > 0 && add > 0)
		joined[old++] = ' ';
	memcpy(joined + old, value, add + 1);
	free(img->cmdline);
	img->cmdline = joined;
	return 0;
}

/* [host NAME] */

static int
host_mac(struct site_parse *p, const char *value)
{
	uint8_t mac[NETADDR_MAC_LEN];
	static const uint8_t zero[NETADDR_MAC_LEN];

	if (netaddr_parse_mac(value, mac) < 0) {
		site_perror(p, "mac: '%s' is not a MAC address (write it as "
			       "52:54:00:12:34:56)",
			value);
		return -EINVAL;
	}
	if ((mac[0] & 1) || memcmp(mac, zero, sizeof(zero)) == 0) {
		site_perror(p, "mac: %s is a multicast or zero address, not a NIC's", value);
		return -EINVAL;
	}
	memcpy(HOST(p)->mac, mac, sizeof(mac));
	HOST(p)->mac_line = p->line;
	return 0;
}

static int
host_address(struct site_parse *p, const char *value)
{
	HOST(p)->address_line = p->line;
	return set_ipv4(p, "address", value, &HOST(p)->address);
}

static int
host_image(struct site_parse *p, const char *value)
{
	if (value[0] == '\0' || strlen(value) >= SITE_NAME_MAX) {
		site_perror(p, "image: give the NAME of an [image NAME] section");
		return -EINVAL;
	}
	snprintf(HOST(p)->image, sizeof(HOST(p)->image), "%s", value);
	HOST(p)->image_line = p->line;
	return 0;
}

static const struct site_key server_keys[] = {
	{ "interface", server_interface, false },
	{ "address", server_address, false },
	{ "mode", server_mode, false },
	{ "tftp-root", server_tftp_root, false },
	{ "state-dir", server_state_dir, false },
	{ "hosts-dir", server_hosts_dir, false },
	{ "control-socket", server_control_socket, false },
	{ NULL, NULL, false },
};

static const struct site_key dhcp_keys[] = {
	{ "range", dhcp_range, false },
	{ "netmask", dhcp_netmask, false },
	{ "router", dhcp_router, false },
	{ "dns", dhcp_dns, false },
	{ "domain", dhcp_domain, false },
	{ "lease-time", dhcp_lease_time, false },
	{ "mtu", dhcp_mtu, false },
	{ "conflict-probe", dhcp_conflict_probe, false },
	{ NULL, NULL, false },
};

static const struct site_key tftp_keys[] = {
	{ "max-transfers", tftp_max_transfers, false },
	{ "max-blksize", tftp_max_blksize, false },
	{ "max-windowsize", tftp_max_windowsize, false },
	{ "client-rate", tftp_client_rate, false },
	{ "default-blksize", tftp_default_blksize, false },
	{ "default-windowsize", tftp_default_windowsize, false },
	{ "listen", tftp_listen, true },
	{ NULL, NULL, false },
};

static const struct site_key image_keys[] = {
	{ "root", image_root, false },
	{ "nfs-options", image_nfs_options, false },
	{ "overlay", image_overlay, false },
	{ "cmdline", image_cmdline, true },
	{ "kernel", image_kernel, false },
	{ "initrd", image_initrd, false },
	{ NULL, NULL, false },
};

static const struct site_key host_keys[] = {
	{ "mac", host_mac, false },
	{ "address", host_address, false },
	{ "image", host_image, false },
	{ NULL, NULL, false },
};

static const struct site_key no_keys[] = {
	{ NULL, NULL, false },
};

const struct site_key *
site_keys(enum site_section sect)
{
	switch (sect) {
	case SECT_SERVER:
		return server_keys;
	case SECT_DHCP:
		return dhcp_keys;
	case SECT_TFTP:
		return tftp_keys;
	case SECT_BOOT:
		return site_boot_keys;
	case SECT_IMAGE:
		return image_keys;
	case SECT_HOST:
		return host_keys;
	default:
		return no_keys;
	}
}

const char *
site_section_name(enum site_section sect)
{
	switch (sect) {
	case SECT_SERVER:
		return "server";
	case SECT_DHCP:
		return "dhcp";
	case SECT_TFTP:
		return "tftp";
	case SECT_BOOT:
		return "boot";
	case SECT_IMAGE:
		return "image";
	case SECT_HOST:
		return "host";
	default:
		return "?";
	}
}

const char *
site_mode_name(enum site_mode mode)
{
	return mode == SITE_MODE_PROXY ? "proxy" : "full";
}

const char *
site_overlay_name(enum site_overlay overlay)
{
	return overlay == SITE_OVERLAY_TMPFS ? "tmpfs" : "none";
}
