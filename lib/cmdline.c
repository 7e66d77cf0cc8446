/*
 * cmdline.c: see cmdline.h. The grammar and its sources are in
 * reference/kernel-cmdline.md; section numbers below refer to it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

/* Parse state that only matters until the root source is decided. */
struct state {
	struct cmdline *cl;
	enum { ROOT_UNSET, ROOT_DEVNFS, ROOT_DRACUT, ROOT_DHCPWORD, ROOT_OTHER } root;
	bool boot_nfs;
	bool nfsroot_seen;
	bool nfsroot_auto;
	/* the last valid nfsroot= and root=nfs: specs, already split */
	struct spec {
		bool has_server;
		bool nfs4;
		struct in_addr server;
		char path[CMDLINE_PATH_MAX + 1];
		char opts[CMDLINE_OPTS_MAX];
	} nfsroot, dracut;
	bool has_wwid;
	uint8_t wwid[NETADDR_MAC_LEN];
	char bootdev[CMDLINE_IFNAME_MAX];
};

static void
warn(struct cmdline *cl, const char *param, const char *why)
{
	if (cl->n_warn < CMDLINE_WARN_MAX) {
		cl->warn[cl->n_warn].param = param;
		cl->warn[cl->n_warn].why = why;
	}
	if (cl->n_warn < UINT_MAX)
		cl->n_warn++;
}

/* Copies [s, s+n) plus NUL into dst of size dstsz; -ENAMETOOLONG if it
 * does not fit. */
static int
copy_n(char *dst, size_t dstsz, const char *s, size_t n)
{
	if (n >= dstsz)
		return -ENAMETOOLONG;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

static int
copy_str(char *dst, size_t dstsz, const char *s)
{
	return copy_n(dst, dstsz, s, strlen(s));
}

/* netaddr_parse_ipv4 on a counted slice. */
static int
parse_ipv4_n(const char *s, size_t n, struct in_addr *out)
{
	char buf[sizeof "255.255.255.255"];

	if (copy_n(buf, sizeof(buf), s, n) < 0)
		return -EINVAL;
	return netaddr_parse_ipv4(buf, out);
}

/*
 * A path as used for the NFS export: absolute, printable, no whitespace,
 * and '%' only as a single "%s" (§1.3.1 step 6: the kernel feeds the path to
 * snprintf as a format, so anything else would be interpreted).
 */
static const char *
check_path(const char *p)
{
	int subst = 0;

	if (p[0] != '/')
		return "path must start with /";
	for (; *p; p++) {
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return "control character or space in path";
		if (*p == '%') {
			if (p[1] != 's')
				return "only %s may follow % in the path";
			if (++subst > 1)
				return "more than one %s in the path";
			p++;
		}
	}
	return NULL;
}

/* NFS option text: printable, no spaces or quotes. */
static const char *
check_opts(const char *o)
{
	for (; *o; o++) {
		if ((unsigned char)*o <= ' ' || (unsigned char)*o >= 0x7f || *o == '"' ||
			*o == '\'')
			return "bad character in NFS options";
	}
	return NULL;
}

/*
 * Kernel nfsroot= rules (fs/nfs/nfsroot.c, §1.3.1):
 * [<server-ip>:]<root-dir>[,<nfs-options>]; a value not starting with '/',
 * ',' or a digit is a name under /tftpboot/ (only when tftpboot is set: the
 * kernel does not apply it to DHCP option 17). "default" or an empty path
 * keeps the default.
 */
static const char *
parse_kernel_spec(const char *v, bool tftpboot, struct spec *sp)
{
	char buf[CMDLINE_PATH_MAX + 1];
	const char *comma, *colon, *path, *err;
	size_t pathlen;

	memset(sp, 0, sizeof(*sp));
	if (tftpboot && v[0] != '/' && v[0] != ',' && !(v[0] >= '0' && v[0] <= '9')) {
		if (snprintf(buf, sizeof(buf), "/tftpboot/%s", v) >= (int)sizeof(buf))
			return "value too long";
		v = buf;
	}
	comma = strchr(v, ',');
	if (comma == NULL)
		comma = v + strlen(v);
	colon = memchr(v, ':', (size_t)(comma - v));
	path = v;
	if (colon != NULL) {
		if (parse_ipv4_n(v, (size_t)(colon - v), &sp->server) < 0)
			return "server must be an IPv4 address";
		sp->has_server = true;
		path = colon + 1;
	} else if (v[0] >= '0' && v[0] <= '9' &&
		parse_ipv4_n(v, (size_t)(comma - v), &sp->server) == 0) {
		sp->has_server = true;	/* "nfsroot=10.0.0.1": server only */
		path = comma;
	}
	pathlen = (size_t)(comma - path);
	if (pathlen == sizeof "default" - 1 && memcmp(path, "default", pathlen) == 0)
		pathlen = 0;
	if (copy_n(sp->path, sizeof(sp->path), path, pathlen) < 0)
		return "path too long";
	if (*comma == ',' && copy_str(sp->opts, sizeof(sp->opts), comma + 1) < 0)
		return "options too long";
	if (sp->path[0] != '\0' && (err = check_path(sp->path)) != NULL)
		return err;
	return check_opts(sp->opts);
}

/*
 * dracut rules (modules.d/74nfs, §1.3.2): after the nfs:/nfs4: prefix,
 * [<server-ip>:]<root-dir>[:<nfs-options>]; a ',' inside the path starts
 * kernel-style options; the path is mandatory and absolute.
 */
static const char *
parse_dracut_spec(const char *v, bool nfs4, struct spec *sp)
{
	const char *path, *end, *comma, *err;
	size_t n = 0;

	memset(sp, 0, sizeof(*sp));
	sp->nfs4 = nfs4;
	path = v;
	if (v[0] != '/') {
		const char *colon = strchr(v, ':');

		if (v[0] == '[')
			return "IPv6 servers are not supported";
		if (colon == NULL)
			return "missing :/path";
		if (parse_ipv4_n(v, (size_t)(colon - v), &sp->server) < 0)
			return "server must be an IPv4 address";
		sp->has_server = true;
		path = colon + 1;
	}
	if (path[0] != '/')
		return "path must start with /";
	end = strchr(path, ':');
	if (end == NULL)
		end = path + strlen(path);
	comma = memchr(path, ',', (size_t)(end - path));
	if (comma != NULL) {
		/* "path,opt1,opt2[:opt3]" -> options "opt1,opt2[,opt3]" */
		if (copy_n(sp->opts, sizeof(sp->opts), comma + 1,
			(size_t)(end - comma - 1)) < 0)
			return "options too long";
		n = strlen(sp->opts);
	}
	if (copy_n(sp->path, sizeof(sp->path), path,
		(size_t)((comma != NULL ? comma : end) - path)) < 0)
		return "path too long";
	if (*end == ':' && end[1] != '\0') {
		int w = snprintf(sp->opts + n, sizeof(sp->opts) - n, "%s%s",
			n > 0 ? "," : "", end + 1);

		if (w < 0 || (size_t)w >= sizeof(sp->opts) - n)
			return "options too long";
	}
	if ((err = check_path(sp->path)) != NULL)
		return err;
	return check_opts(sp->opts);
}

/* A root-path (DHCP option 17) or dracut root= value with its prefix. */
static const char *
parse_any_spec(const char *v, bool tftpboot, struct spec *sp)
{
	if (strncmp(v, "nfs4:", 5) == 0)
		return parse_dracut_spec(v + 5, true, sp);
	if (strncmp(v, "nfs:", 4) == 0)
		return parse_dracut_spec(v + 4, false, sp);
	return parse_kernel_spec(v, tftpboot, sp);
}

static void
opt_root(struct state *st, const char *v)
{
	struct spec sp;
	const char *err;

	if (strcmp(v, "/dev/nfs") == 0) {
		st->root = ROOT_DEVNFS;
	} else if (strcmp(v, "dhcp") == 0) {
		st->root = ROOT_DHCPWORD;
	} else if (strncmp(v, "nfs:", 4) == 0 || strncmp(v, "nfs4:", 5) == 0 ||
		((v[0] >= '0' && v[0] <= '9') && strstr(v, ":/") != NULL)) {
		/* root=<ip>:/path is dracut's legacy spelling of root=nfs: */
		bool nfs4 = strncmp(v, "nfs4:", 5) == 0;
		const char *rest = nfs4 ? v + 5 : strncmp(v, "nfs:", 4) == 0 ? v + 4 : v;

		if ((err = parse_dracut_spec(rest, nfs4, &sp)) != NULL) {
			warn(st->cl, "root", err);
			return;
		}
		st->dracut = sp;
		st->root = ROOT_DRACUT;
	} else {
		st->root = ROOT_OTHER;
	}
}

static void
opt_nfsroot(struct state *st, const char *v)
{
	struct spec sp;
	const char *err;

	/* initramfs-tools: nfsroot=auto takes the root from DHCP option 17 */
	if (strcmp(v, "auto") == 0) {
		st->nfsroot_seen = true;
		st->nfsroot_auto = true;
		return;
	}
	if (v[0] == '\0') {
		warn(st->cl, "nfsroot", "empty value");
		return;
	}
	if ((err = parse_kernel_spec(v, true, &sp)) != NULL) {
		warn(st->cl, "nfsroot", err);
		return;
	}
	st->nfsroot = sp;
	st->nfsroot_seen = true;
	st->nfsroot_auto = false;
}

/* Autoconf words of ip= (§1.4.1, klibc adds "static", dracut "dhcp6"...).
 * Returns the mode, or UNSET for an unknown word. */
static enum cmdline_ipmode
autoconf_word(const char *w, size_t n)
{
	static const struct {
		const char *w;
		enum cmdline_ipmode m;
	} words[] = {
		{ "off", CMDLINE_IP_OFF }, { "none", CMDLINE_IP_OFF },
		{ "static", CMDLINE_IP_OFF }, { "dhcp", CMDLINE_IP_DHCP },
		{ "on", CMDLINE_IP_DHCP }, { "any", CMDLINE_IP_DHCP },
		{ "bootp", CMDLINE_IP_DHCP }, { "both", CMDLINE_IP_DHCP },
		{ "rarp", CMDLINE_IP_DHCP }, { "single-dhcp", CMDLINE_IP_DHCP },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strlen(words[i].w) == n && memcmp(words[i].w, w, n) == 0)
			return words[i].m;
	}
	return CMDLINE_IP_UNSET;
}

static bool
valid_ifname(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n >= CMDLINE_IFNAME_MAX)
		return false;
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '/' || s[i] == ':' || (unsigned char)s[i] <= ' ' ||
			(unsigned char)s[i] >= 0x7f)
			return false;
	}
	return true;
}

/* RFC 1123 §2.1 host names: letters, digits, '-' and '.', 1..64 chars. */
static bool
valid_hostname(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > CMDLINE_HOST_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'))
			return false;
	}
	return true;
}

/* Classful netmask guess, as the kernel does when field 4 is empty. */
static struct in_addr
classful_mask(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);
	struct in_addr m;

	if ((h & 0x80000000u) == 0)
		m.s_addr = htonl(0xff000000u);
	else if ((h & 0xc0000000u) == 0x80000000u)
		m.s_addr = htonl(0xffff0000u);
	else
		m.s_addr = htonl(0xffffff00u);
	return m;
}

/* An address field: empty or 0.0.0.0 mean unset (kernel maps INADDR_ANY to
 * NONE). Returns NULL or the reason. */
static const char *
ip_field(const char *s, size_t n, struct in_addr *out)
{
	out->s_addr = INADDR_ANY;
	if (n == 0)
		return NULL;
	if (parse_ipv4_n(s, n, out) < 0)
		return s[0] == '[' ? "IPv6 addresses are not supported" : "bad IPv4 address";
	return NULL;
}

#define IP_FIELDS 10

struct ipfields {
	const char *f[IP_FIELDS];
	size_t fl[IP_FIELDS];
	bool more;		/* text after the 10th field */
};

/* Splits on ':' into at most IP_FIELDS counted slices; missing ones are "". */
static void
ip_split(const char *v, struct ipfields *x)
{
	const char *p = v;
	size_t nf = 0;

	memset(x, 0, sizeof(*x));
	for (;;) {
		const char *c = strchr(p, ':');

		if (nf == IP_FIELDS) {
			/* dracut: "...:<mtu>:<mac>": a MAC holds colons */
			x->more = true;
			break;
		}
		x->f[nf] = p;
		x->fl[nf] = c != NULL ? (size_t)(c - p) : strlen(p);
		nf++;
		if (c == NULL)
			break;
		p = c + 1;
	}
	for (; nf < IP_FIELDS; nf++)
		x->f[nf] = "";
}

/* Field 5: "name" or "name.dom" (host name plus NIS domain, as the kernel). */
static const char *
ip_hostname(const char *s, size_t n, struct cmdline *t)
{
	const char *dot = memchr(s, '.', n);
	size_t hl = dot != NULL ? (size_t)(dot - s) : n;

	if (n == 0)
		return NULL;
	if (!valid_hostname(s, n) || hl == 0)
		return "bad hostname (letters, digits, '-', '.', at most 64)";
	memcpy(t->ip_hostname, s, hl);
	if (dot != NULL)
		memcpy(t->ip_domain, dot + 1, n - hl - 1);
	return NULL;
}

/* Field 7, the method. "off" with an address is a static configuration;
 * no method at all (pxelinux IPAPPEND 1: 4 fields) is static with an
 * address, DHCP without one. */
static const char *
ip_method(const char *s, size_t n, struct cmdline *t)
{
	bool have_addr = t->ip_client.s_addr != INADDR_ANY;
	enum cmdline_ipmode m;

	if (n == 0) {
		t->ip_mode = have_addr ? CMDLINE_IP_STATIC : CMDLINE_IP_DHCP;
		return NULL;
	}
	m = autoconf_word(s, n);
	if (m == CMDLINE_IP_UNSET)
		return "unknown autoconf method in field 7";
	if (m == CMDLINE_IP_OFF && have_addr)
		m = CMDLINE_IP_STATIC;
	t->ip_mode = m;
	return NULL;
}

/* dracut: a numeric field 8 is the MTU (68..65535), not a DNS server. */
static const char *
ip_mtu(const char *s, size_t n, struct cmdline *t)
{
	char num[8], *end;
	unsigned long mtu;

	if (copy_n(num, sizeof(num), s, n) < 0)
		return "bad MTU";
	errno = 0;
	mtu = strtoul(num, &end, 10);
	if (errno != 0 || *end != '\0' || mtu < 68 || mtu > 65535)
		return "bad MTU";
	t->ip_mtu = (unsigned)mtu;
	return NULL;
}

/* The kernel's 10-field form (and dracut's extensions) into t. */
static const char *
ip_fields(const struct ipfields *x, struct cmdline *t)
{
	const char *const *f = x->f;
	const size_t *fl = x->fl;
	const char *err;

	if ((err = ip_field(f[0], fl[0], &t->ip_client)) != NULL ||
		(err = ip_field(f[1], fl[1], &t->ip_server)) != NULL ||
		(err = ip_field(f[2], fl[2], &t->ip_gateway)) != NULL ||
		(err = ip_field(f[3], fl[3], &t->ip_netmask)) != NULL)
		return err;
	if (t->ip_netmask.s_addr != INADDR_ANY && netaddr_mask_prefix(t->ip_netmask) < 0)
		return "netmask is not contiguous";
	if ((err = ip_hostname(f[4], fl[4], t)) != NULL)
		return err;
	if (fl[5] > 0 && !(fl[5] == 3 && memcmp(f[5], "all", 3) == 0)) {
		if (!valid_ifname(f[5], fl[5]))
			return "bad interface name";
		memcpy(t->ip_device, f[5], fl[5]);
	}
	if ((err = ip_method(f[6], fl[6], t)) != NULL)
		return err;
	if (fl[7] > 0 && f[7][0] >= '0' && f[7][0] <= '9' && memchr(f[7], '.', fl[7]) == NULL)
		return ip_mtu(f[7], fl[7], t);	/* dracut ...:<mtu>[:<mac>]: rest ignored */
	if ((err = ip_field(f[7], fl[7], &t->ip_dns[0])) != NULL ||
		(err = ip_field(f[8], fl[8], &t->ip_dns[1])) != NULL ||
		(err = ip_field(f[9], fl[9], &t->ip_ntp)) != NULL)
		return err;
	if (x->more)
		return "more than 10 fields";
	if (t->ip_mode == CMDLINE_IP_STATIC && t->ip_netmask.s_addr == INADDR_ANY) {
		t->ip_netmask = classful_mask(t->ip_client);
		t->ip_netmask_guessed = true;
	}
	return NULL;
}

/* ip= is replaced as a whole (last wins), never merged with an earlier one. */
static void
ip_commit(struct cmdline *cl, const struct cmdline *t)
{
	cl->ip_mode = t->ip_mode;
	cl->ip_client = t->ip_client;
	cl->ip_server = t->ip_server;
	cl->ip_gateway = t->ip_gateway;
	cl->ip_netmask = t->ip_netmask;
	cl->ip_netmask_guessed = t->ip_netmask_guessed;
	memcpy(cl->ip_hostname, t->ip_hostname, sizeof(cl->ip_hostname));
	memcpy(cl->ip_domain, t->ip_domain, sizeof(cl->ip_domain));
	memcpy(cl->ip_device, t->ip_device, sizeof(cl->ip_device));
	memcpy(cl->ip_dns, t->ip_dns, sizeof(cl->ip_dns));
	cl->ip_ntp = t->ip_ntp;
	cl->ip_mtu = t->ip_mtu;
}

/*
 * ip=<client>:<server>:<gw>:<netmask>:<hostname>:<device>:<autoconf>:
 *    <dns0>:<dns1>:<ntp0>   (kernel, §1.4.1)
 * ip=<autoconf> ; ip=dhcp,<client-id...> ; ip=<device>:<autoconf> (dracut)
 * dracut's ...:<autoconf>:<mtu>:<mac> is accepted (field 8 numeric).
 * The whole value replaces the previous ip= only when it is valid.
 */
static void
opt_ip(struct state *st, const char *param, const char *v)
{
	struct cmdline t;	/* only the ip_* fields are used */
	struct ipfields x;
	const char *err = NULL;
	size_t n;

	memset(&t, 0, sizeof(t));
	if (strchr(v, '[') != NULL) {
		warn(st->cl, param, "IPv6 addresses are not supported");
		return;
	}
	if (strchr(v, ':') == NULL) {
		/* "dhcp,<client-id-type>,<client-id-value>": the id is ignored */
		n = strcspn(v, ",");
		t.ip_mode = n == 0 ? CMDLINE_IP_OFF : autoconf_word(v, n);
		if (t.ip_mode == CMDLINE_IP_UNSET)
			err = "unknown autoconf method (use dhcp, on, off or a static address)";
	} else {
		ip_split(v, &x);
		if (x.fl[0] > 0 && !(x.f[0][0] >= '0' && x.f[0][0] <= '9') &&
			autoconf_word(x.f[1], x.fl[1]) != CMDLINE_IP_UNSET) {
			/* dracut "ip=<interface>:dhcp[:...]" */
			if (!valid_ifname(x.f[0], x.fl[0]))
				err = "bad interface name";
			else
				memcpy(t.ip_device, x.f[0], x.fl[0]);
			t.ip_mode = autoconf_word(x.f[1], x.fl[1]);
		} else {
			err = ip_fields(&x, &t);
		}
	}
	if (err != NULL) {
		warn(st->cl, param, err);
		return;
	}
	ip_commit(st->cl, &t);
}

/*
 * BOOTIF=01-52-54-00-12-34-56 (pxelinux make_bootif_string(), §1.5), also
 * without the hardware type, with ':' separators, in any case. Only
 * Ethernet-sized addresses: a 20-byte InfiniBand address is refused.
 */
static int
parse_bootif(const char *v, uint8_t mac[NETADDR_MAC_LEN])
{
	size_t n = strlen(v);
	int r;

	if (n == sizeof "01-52-54-00-12-34-56" - 1 && (v[2] == '-' || v[2] == ':')) {
		if (!isxdigit((unsigned char)v[0]) || !isxdigit((unsigned char)v[1]))
			return -EINVAL;
		v += 3;
	}
	if ((r = netaddr_parse_mac(v, mac)) < 0)
		return r;
	/* IEEE 802: the I/G bit set is a group address, never a NIC's own */
	return (mac[0] & 1) ? -EINVAL : 0;
}

static void
opt_bootif(struct state *st, const char *v)
{
	if (parse_bootif(v, st->cl->bootif) < 0) {
		warn(st->cl, "BOOTIF", "not a 6-byte unicast MAC (want 01-xx-xx-xx-xx-xx-xx)");
		return;
	}
	st->cl->has_bootif = true;
}

static void
opt_wwid(struct state *st, const char *v)
{
	if (netaddr_parse_mac(v, st->wwid) == 0)
		st->has_wwid = true;
}

/* ifname=<name>:<mac> (dracut, systemd-network-generator) */
static void
opt_ifname(struct state *st, const char *v)
{
	const char *colon = strchr(v, ':');
	uint8_t mac[NETADDR_MAC_LEN];

	if (colon == NULL || !valid_ifname(v, (size_t)(colon - v)) ||
		netaddr_parse_mac(colon + 1, mac) < 0) {
		warn(st->cl, "ifname", "want ifname=<name>:<mac>");
		return;
	}
	memset(st->cl->ifname, 0, sizeof(st->cl->ifname));
	memcpy(st->cl->ifname, v, (size_t)(colon - v));
	memcpy(st->cl->ifname_mac, mac, sizeof(mac));
	st->cl->has_ifname_mac = true;
}

static void
opt_bootdev(struct state *st, const char *v)
{
	if (!valid_ifname(v, strlen(v))) {
		warn(st->cl, "bootdev", "bad interface name");
		return;
	}
	(void)copy_str(st->bootdev, sizeof(st->bootdev), v);
}

/* nameserver= may repeat; each adds one, up to resolv.conf's MAXNS. */
static void
opt_nameserver(struct state *st, const char *v)
{
	struct cmdline *cl = st->cl;
	struct in_addr a;

	if (netaddr_parse_ipv4(v, &a) < 0) {
		warn(cl, "nameserver", "bad IPv4 address");
		return;
	}
	if (cl->n_nameserver >= CMDLINE_DNS_MAX) {
		warn(cl, "nameserver", "more than 3 name servers");
		return;
	}
	cl->nameserver[cl->n_nameserver++] = a;
}

static void
opt_panic(struct state *st, const char *v)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (v[0] == '\0' || *end != '\0' || errno != 0 || n < -1 || n > 86400) {
		warn(st->cl, "panic", "want seconds, -1..86400");
		return;
	}
	st->cl->panic = (int)n;
	st->cl->has_panic = true;
}

static void
opt_init(struct state *st, const char *v)
{
	if (v[0] != '/' || check_opts(v) != NULL ||
		copy_str(st->cl->init, sizeof(st->cl->init), v) < 0) {
		warn(st->cl, "init", "want an absolute path without spaces, < 256 bytes");
		return;
	}
}

static void
opt_rootflags(struct state *st, const char *v)
{
	if (check_opts(v) != NULL ||
		copy_str(st->cl->rootflags, sizeof(st->cl->rootflags), v) < 0) {
		warn(st->cl, "rootflags", "bad or too long (255 bytes)");
		return;
	}
}

static void
opt_overlay(struct state *st, const char *v)
{
	if (strcmp(v, "tmpfs") == 0)
		st->cl->overlay = CMDLINE_OVERLAY_TMPFS;
	else if (strcmp(v, "none") == 0)
		st->cl->overlay = CMDLINE_OVERLAY_NONE;
	else
		warn(st->cl, "diskless.overlay", "want tmpfs or none");
}

/* One word, quotes already removed: "key" or "key=value". */
static void
parse_word(struct state *st, char *w)
{
	struct cmdline *cl = st->cl;
	char *v = strchr(w, '=');

	if (v != NULL)
		*v++ = '\0';
	if (v == NULL) {
		if (strcmp(w, "ro") == 0) {
			cl->rw = false;
			cl->rw_set = true;
		} else if (strcmp(w, "rw") == 0) {
			cl->rw = true;
			cl->rw_set = true;
		} else if (strcmp(w, "quiet") == 0) {
			cl->quiet = true;
		} else if (strcmp(w, "diskless.debug") == 0 || strcmp(w, "nfsrootdebug") == 0) {
			cl->debug = true;
		} else if (strncmp(w, "diskless.", 9) == 0) {
			warn(cl, "diskless.*", "unknown diskless. parameter");
		}
		return;
	}
	if (strcmp(w, "root") == 0)
		opt_root(st, v);
	else if (strcmp(w, "nfsroot") == 0)
		opt_nfsroot(st, v);
	else if (strcmp(w, "ip") == 0)
		opt_ip(st, "ip", v);
	else if (strcmp(w, "nfsaddrs") == 0)
		opt_ip(st, "nfsaddrs", v);
	else if (strcmp(w, "BOOTIF") == 0)
		opt_bootif(st, v);
	else if (strcmp(w, "wwid") == 0)
		opt_wwid(st, v);
	else if (strcmp(w, "boot") == 0)
		st->boot_nfs = strcmp(v, "nfs") == 0;
	else if (strcmp(w, "init") == 0)
		opt_init(st, v);
	else if (strcmp(w, "rootflags") == 0)
		opt_rootflags(st, v);
	else if (strcmp(w, "nameserver") == 0)
		opt_nameserver(st, v);
	else if (strcmp(w, "ifname") == 0)
		opt_ifname(st, v);
	else if (strcmp(w, "bootdev") == 0)
		opt_bootdev(st, v);
	else if (strcmp(w, "panic") == 0)
		opt_panic(st, v);
	else if (strcmp(w, "diskless.overlay") == 0)
		opt_overlay(st, v);
	else if (strcmp(w, "diskless.debug") == 0)
		cl->debug = strcmp(v, "0") != 0;
	else if (strncmp(w, "diskless.", 9) == 0)
		warn(cl, "diskless.*", "unknown diskless. parameter");
}

/* Decides the root source from what was seen (§1.3.3 step 1-2). */
static void
finish(struct state *st)
{
	struct cmdline *cl = st->cl;
	const struct spec *sp = NULL;

	if (st->root == ROOT_DRACUT) {
		cl->root_src = CMDLINE_ROOT_DRACUT;
		sp = &st->dracut;
	} else if (st->root == ROOT_DHCPWORD) {
		cl->root_src = CMDLINE_ROOT_DHCP;
	} else if (st->root == ROOT_OTHER && !st->boot_nfs) {
		cl->root_src = CMDLINE_ROOT_NONE;
	} else if (st->nfsroot_seen) {
		cl->root_src = st->nfsroot_auto ? CMDLINE_ROOT_DHCP : CMDLINE_ROOT_NFSROOT;
		if (!st->nfsroot_auto)
			sp = &st->nfsroot;
	} else if (st->root == ROOT_DEVNFS || st->boot_nfs) {
		cl->root_src = CMDLINE_ROOT_DEFAULT;
	}
	if (sp != NULL) {
		cl->has_server = sp->has_server;
		cl->server = sp->server;
		cl->root_nfs4 = sp->nfs4;
		memcpy(cl->path, sp->path, sizeof(cl->path));
		memcpy(cl->opts, sp->opts, sizeof(cl->opts));
	}
	if (!cl->has_bootif && st->has_wwid) {
		memcpy(cl->bootif, st->wwid, sizeof(cl->bootif));
		cl->has_bootif = true;
	}
	if (cl->ip_device[0] == '\0' && st->bootdev[0] != '\0')
		memcpy(cl->ip_device, st->bootdev, sizeof(cl->ip_device));
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Splits like the kernel's next_arg(): words separated by white space,
 * double quotes protect spaces and are removed wherever they are. An
 * unterminated quote runs to the end of the line (the kernel does the same)
 * and is reported. A word longer than CMDLINE_WORD_MAX is dropped whole.
 */
int
cmdline_parse(const char *s, size_t len, struct cmdline *out)
{
	struct state st;
	char word[CMDLINE_WORD_MAX];
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.cl = out;
	while (i < len && s[i] != '\0') {
		size_t n = 0;
		bool quoted = false, overlong = false;

		if (is_space(s[i])) {
			i++;
			continue;
		}
		for (; i < len && s[i] != '\0' && (quoted || !is_space(s[i])); i++) {
			if (s[i] == '"') {
				quoted = !quoted;
				continue;
			}
			if (n + 1 >= sizeof(word)) {
				overlong = true;
				continue;
			}
			word[n++] = s[i];
		}
		word[n] = '\0';
		if (overlong) {
			warn(out, "cmdline", "word longer than 2047 bytes ignored");
			continue;
		}
		if (quoted)
			warn(out, "cmdline", "unterminated quote");
		parse_word(&st, word);
	}
	finish(&st);
	return out->n_warn > INT_MAX ? INT_MAX : (int)out->n_warn;
}

const char *
cmdline_ipmode_name(enum cmdline_ipmode m)
{
	switch (m) {
	case CMDLINE_IP_OFF:
		return "off";
	case CMDLINE_IP_STATIC:
		return "static";
	case CMDLINE_IP_DHCP:
		return "dhcp";
	case CMDLINE_IP_UNSET:
		break;
	}
	return "unset (dhcp if needed)";
}

/* Options collected from option 17, the spec and rootflags=, in that order
 * (later ones override in the kernel's NFS option parser, §1.3.1 step 5). */
struct merged {
	char pass[CMDLINE_OPTS_MAX * 3];	/* passed through, ',' separated */
	size_t len;
	char vers[sizeof "4.2"];
	bool proto;
	bool rw, rw_seen;
};

static bool
tok_is(const char *t, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(t, lit, n) == 0;
}

static const char *
set_vers(struct merged *m, const char *v, size_t n)
{
	static const char *const ok[] = { "2", "3", "4", "4.0", "4.1", "4.2" };
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (tok_is(v, n, ok[i])) {
			memcpy(m->vers, ok[i], strlen(ok[i]) + 1);
			return NULL;
		}
	}
	return "unsupported NFS version (use vers=3, 4, 4.0, 4.1 or 4.2)";
}

static const char *
merge_opts(struct merged *m, const char *opts)
{
	const char *t = opts, *err;

	while (*t != '\0') {
		const char *c = strchr(t, ',');
		size_t n = c != NULL ? (size_t)(c - t) : strlen(t);

		if (n == 0) {
			/* empty token: ",," is harmless, skip it */
		} else if (tok_is(t, n, "ro") || tok_is(t, n, "rw")) {
			m->rw = t[1] == 'w';
			m->rw_seen = true;
		} else if (tok_is(t, n, "lock") || tok_is(t, n, "nolock") ||
			(n > 5 && memcmp(t, "addr=", 5) == 0)) {
			/* ours: nolock for v2/v3 and addr= are appended last */
		} else if (n > 5 && memcmp(t, "vers=", 5) == 0) {
			if ((err = set_vers(m, t + 5, n - 5)) != NULL)
				return err;
		} else if (n > 8 && memcmp(t, "nfsvers=", 8) == 0) {
			if ((err = set_vers(m, t + 8, n - 8)) != NULL)
				return err;
		} else if (n >= 2 && t[0] == 'v' && t[1] >= '2' && t[1] <= '4') {
			if ((err = set_vers(m, t + 1, n - 1)) != NULL)
				return err;
		} else {
			if (tok_is(t, n, "tcp") || tok_is(t, n, "udp") ||
				(n > 6 && memcmp(t, "proto=", 6) == 0))
				m->proto = true;
			if (m->len + n + 2 > sizeof(m->pass))
				return "NFS options too long";
			if (m->len > 0)
				m->pass[m->len++] = ',';
			memcpy(m->pass + m->len, t, n);
			m->len += n;
			m->pass[m->len] = '\0';
		}
		t += n;
		if (*t == ',')
			t++;
	}
	return NULL;
}

/* Replaces the one "%s" (check_path() allowed at most one) with nodename. */
static int
subst_path(const char *path, const char *nodename, char *out, size_t size,
	const char **why)
{
	const char *pct = strstr(path, "%s");
	size_t pre, node, post;

	if (pct == NULL)
		pct = path + strlen(path);
	else if (nodename == NULL || nodename[0] == '\0') {
		*why = "path has %s but no hostname or client address is known";
		return -EINVAL;
	}
	pre = (size_t)(pct - path);
	node = *pct != '\0' ? strlen(nodename) : 0;
	post = *pct != '\0' ? strlen(pct + 2) : 0;
	if (pre >= size || node >= size - pre || post >= size - pre - node) {
		*why = "NFS path too long after %s substitution";
		return -ENAMETOOLONG;
	}
	memcpy(out, path, pre);
	if (node > 0)
		memcpy(out + pre, nodename, node);
	memcpy(out + pre + node, pct + 2 * (*pct != '\0'), post);
	out[pre + node + post] = '\0';
	return 0;
}

/* Server precedence, §1.6 (kernel column, then klibc's option 54):
 * spec -> option 17 -> ip= field 2 -> DHCP siaddr -> DHCP server id. */
static bool
pick_server(const struct cmdline *cl, const struct spec *o17,
	const struct cmdline_dhcp *dhcp, struct cmdline_nfs *out)
{
	if (cl->has_server) {
		out->server = cl->server;
		out->server_from = cl->root_src == CMDLINE_ROOT_DRACUT ? "root=" : "nfsroot=";
	} else if (o17 != NULL && o17->has_server) {
		out->server = o17->server;
		out->server_from = "DHCP root-path (option 17)";
	} else if (cl->ip_server.s_addr != INADDR_ANY) {
		out->server = cl->ip_server;
		out->server_from = "ip= server field";
	} else if (dhcp != NULL && dhcp->valid && dhcp->siaddr.s_addr != INADDR_ANY) {
		out->server = dhcp->siaddr;
		out->server_from = "DHCP next-server";
	} else if (dhcp != NULL && dhcp->valid && dhcp->server_id.s_addr != INADDR_ANY) {
		out->server = dhcp->server_id;
		out->server_from = "DHCP server identifier";
	} else {
		return false;
	}
	return true;
}

int
cmdline_nfs_resolve(const struct cmdline *cl, const struct cmdline_dhcp *dhcp,
	const char *nodename, struct cmdline_nfs *out, const char **why)
{
	struct spec o17buf, *o17 = NULL;
	struct merged m;
	const char *path, *err;
	char addr[INET_ADDRSTRLEN];
	int n, r;

	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));
	*why = NULL;
	if (cl->root_src == CMDLINE_ROOT_NONE) {
		*why = "the command line does not ask for an NFS root (root=/dev/nfs)";
		return -EINVAL;
	}
	if (dhcp != NULL && dhcp->valid && dhcp->root_path[0] != '\0') {
		if ((err = parse_any_spec(dhcp->root_path, false, &o17buf)) != NULL) {
			*why = "DHCP root-path (option 17) is not [server:]/path[,options]";
			return -EINVAL;
		}
		o17 = &o17buf;
	}
	if (cl->root_src == CMDLINE_ROOT_DHCP && o17 == NULL) {
		*why = "root path wanted from DHCP (nfsroot=auto/root=dhcp) but none was sent (option 17)";
		return -EINVAL;
	}
	/* path: spec, else option 17, else the kernel default /tftpboot/%s */
	if (cl->path[0] != '\0')
		path = cl->path;
	else if (o17 != NULL && o17->path[0] != '\0')
		path = o17->path;
	else
		path = "/tftpboot/%s";
	if ((r = subst_path(path, nodename, out->path, sizeof(out->path), why)) < 0)
		return r;
	if ((o17 != NULL && (err = merge_opts(&m, o17->opts)) != NULL) ||
		(err = merge_opts(&m, cl->opts)) != NULL ||
		(err = merge_opts(&m, cl->rootflags)) != NULL) {
		*why = err;
		return -EINVAL;
	}
	if (!pick_server(cl, o17, dhcp, out)) {
		*why = "no NFS server address (give nfsroot=<server>:/path or ip=::<server>)";
		return -EDESTADDRREQ;
	}
	if (m.vers[0] == '\0')
		memcpy(m.vers, cl->root_nfs4 || (o17 != NULL && o17->nfs4) ? "4" : "3", 2);
	out->vers_major = m.vers[0] - '0';
	memcpy(out->vers, m.vers, sizeof(out->vers));
	/* default ro (kernel, initramfs-tools, dracut); ro/rw words beat options */
	out->rw = cl->rw_set ? cl->rw : m.rw_seen ? m.rw : false;
	inet_ntop(AF_INET, &out->server, addr, sizeof(addr));
	memcpy(out->fstype, out->vers_major == 4 ? "nfs4" : "nfs",
		out->vers_major == 4 ? sizeof "nfs4" : sizeof "nfs");
	n = snprintf(out->options, sizeof(out->options), "vers=%s%s%s%s%s,addr=%s", m.vers,
		m.proto ? "" : ",proto=tcp", m.len > 0 ? "," : "", m.pass,
		out->vers_major < 4 ? ",nolock" : "", addr);
	if (n < 0 || (size_t)n >= sizeof(out->options)) {
		*why = "NFS options too long";
		return -ENAMETOOLONG;
	}
	n = snprintf(out->source, sizeof(out->source), "%s:%s", addr, out->path);
	if (n < 0 || (size_t)n >= sizeof(out->source)) {
		*why = "NFS path too long";
		return -ENAMETOOLONG;
	}
	return 0;
}
