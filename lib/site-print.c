/*
 * site-print.c: the parsed site written back out, as INI that site_load()
 * reads to the same site (the OpenBSD "-n" round trip: what you see is what
 * the programs use, defaults included), as JSON, and its diagnostics.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "json-out.h"
#include "site.h"

static const char *
ntoa(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static void
print_lease(FILE *out, uint32_t t)
{
	if (t == SITE_LEASE_INFINITE)
		fputs("infinite", out);
	else
		fprintf(out, "%u", t);
}

static void
ini_server(const struct site *site, FILE *out)
{
	char a[INET_ADDRSTRLEN];

	fprintf(out, "[server]\n");
	if (site->server.interface[0] != '\0')
		fprintf(out, "interface = %s\n", site->server.interface);
	if (site->server.address.s_addr != 0)
		fprintf(out, "address = %s\n", ntoa(site->server.address, a));
	fprintf(out, "mode = %s\n", site_mode_name(site->server.mode));
	fprintf(out, "tftp-root = %s\n", site->server.tftp_root);
	fprintf(out, "state-dir = %s\n", site->server.state_dir);
	/* Hosts are printed below, whichever file they came from. */
	if (site->server.hosts_dir != NULL)
		fprintf(out, "; hosts below include those of %s\n", site->server.hosts_dir);
	fprintf(out, "hosts-dir = none\n");
	fprintf(out, "control-socket = %s\n",
		site->server.control_socket ? site->server.control_socket : "none");
}

static void
ini_dhcp(const struct site *site, FILE *out)
{
	const struct site_dhcp *d = &site->dhcp;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	int i;

	if (!d->present)
		return;
	fprintf(out, "\n[dhcp]\n");
	if (d->has_range)
		fprintf(out, "range = %s %s\n", ntoa(d->range_start, a),
			ntoa(d->range_end, b));
	if (d->netmask.s_addr != 0)
		fprintf(out, "netmask = %s\n", ntoa(d->netmask, a));
	if (d->router.s_addr != 0)
		fprintf(out, "router = %s\n", ntoa(d->router, a));
	if (d->n_dns > 0) {
		fprintf(out, "dns =");
		for (i = 0; i < d->n_dns; i++)
			fprintf(out, " %s", ntoa(d->dns[i], a));
		fputc('\n', out);
	}
	if (d->domain != NULL)
		fprintf(out, "domain = %s\n", d->domain);
	fprintf(out, "lease-time = ");
	print_lease(out, d->lease_time);
	fputc('\n', out);
	if (d->mtu != 0)
		fprintf(out, "mtu = %u\n", d->mtu);
	if (d->conflict_probe == SITE_PROBE_NONE)
		fputs("conflict-probe = none\n", out);
}

/* cmdline is split back into lines that fit libinih's 199 bytes. */
static void
ini_cmdline(const char *cmdline, FILE *out)
{
	const char *p = cmdline;

	while (*p != '\0') {
		size_t n = strlen(p);

		if (n > 160) {
			n = 160;
			while (n > 0 && p[n] != ' ')
				n--;
			if (n == 0)
				n = strcspn(p, " ");
		}
		fprintf(out, "cmdline = %.*s\n", (int)n, p);
		p += n;
		p += strspn(p, " ");
	}
}

/* The [tftp] keys that have no default value: written only when set. */
static void
ini_tftp_extra(const struct site_tftp *t, FILE *out)
{
	char a[INET_ADDRSTRLEN];
	unsigned i;

	if (t->default_blksize != 0)
		fprintf(out, "default-blksize = %u\n", t->default_blksize);
	if (t->default_windowsize != 0)
		fprintf(out, "default-windowsize = %u\n", t->default_windowsize);
	for (i = 0; i < t->n_listen; i++)
		fprintf(out, "%s%s%s", i ? " " : "listen = ", ntoa(t->listen[i], a),
			i + 1 == t->n_listen ? "\n" : "");
}

/* The value of one [boot] slot as the reader takes it back; NULL: none. */
static const char *
boot_value(const struct site_boot *b, enum site_boot_slot slot)
{
	const struct site_boot_file *f = &b->file[slot];

	switch (f->how) {
	case SITE_BOOT_FILE:
		return f->name;
	case SITE_BOOT_LOADER:
		return "loader";
	case SITE_BOOT_UNSET: /* a site not made by site_load() */
		return site_boot_default(slot);
	default:
		return NULL;
	}
}

static void
ini_boot(const struct site *site, FILE *out)
{
	const struct site_boot *b = &site->boot;

	fprintf(out, "\n[boot]\n");
	for (int i = 0; i < SITE_BOOT__COUNT; i++)
		fprintf(out, "%s = %s\n", site_boot_slot_name(i),
			boot_value(b, i) ? boot_value(b, i) : "none");
	fprintf(out, "unknown-clients = %s\nproxy-strategy = %s\n",
		site_unknown_name(b->unknown), site_proxy_name(b->proxy));
	if (b->menu_text != NULL) /* NULL only in a site not made by site_load() */
		fprintf(out, "proxy-menu-text = %s\n", b->menu_text);
}

int
site_print_ini(const struct site *site, FILE *out)
{
	char a[INET_ADDRSTRLEN], mac[NETADDR_MAC_STRLEN];
	size_t i;

	fprintf(out, "; diskless site config, as read from %s\n", site->path);
	ini_server(site, out);
	ini_dhcp(site, out);
	fprintf(out, "\n[tftp]\nmax-transfers = %u\nmax-blksize = %u\n"
		     "max-windowsize = %u\nclient-rate = %u\n",
		site->tftp.max_transfers, site->tftp.max_blksize, site->tftp.max_windowsize,
		site->tftp.client_rate);
	ini_tftp_extra(&site->tftp, out);
	ini_boot(site, out);
	for (i = 0; i < site->n_images; i++) {
		const struct site_image *img = &site->images[i];

		fprintf(out, "\n[image %s]\n", img->name);
		if (img->root != NULL)
			fprintf(out, "root = %s\n", img->root);
		fprintf(out, "nfs-options = %s\n", img->nfs_options);
		fprintf(out, "overlay = %s\n", site_overlay_name(img->overlay));
		ini_cmdline(img->cmdline, out);
		if (img->kernel != NULL)
			fprintf(out, "kernel = %s\n", img->kernel);
		if (img->initrd != NULL)
			fprintf(out, "initrd = %s\n", img->initrd);
	}
	for (i = 0; i < site->n_hosts; i++) {
		const struct site_host *h = &site->hosts[i];

		fprintf(out, "\n[host %s]\n; from %s:%u\n", h->name, h->where.file,
			h->where.line);
		netaddr_format_mac(h->mac, ':', mac);
		fprintf(out, "mac = %s\n", mac);
		if (h->address.s_addr != 0)
			fprintf(out, "address = %s\n", ntoa(h->address, a));
		fprintf(out, "image = %s\n", h->image);
	}
	return ferror(out) ? -1 : 0;
}

static void
json_kv_str(FILE *out, const char *key, const char *value, int last)
{
	fprintf(out, "\"%s\": ", key);
	json_string(out, value);
	fputs(last ? "" : ", ", out);
}

static void
json_addr(FILE *out, const char *key, struct in_addr value, int last)
{
	char a[INET_ADDRSTRLEN];

	json_kv_str(out, key, value.s_addr ? ntoa(value, a) : NULL, last);
}

static void
json_server(const struct site *site, FILE *out)
{
	const struct site_server *s = &site->server;

	fputs("  \"server\": {", out);
	json_kv_str(out, "interface", s->interface[0] ? s->interface : NULL, 0);
	json_addr(out, "address", s->address, 0);
	json_kv_str(out, "mode", site_mode_name(s->mode), 0);
	json_kv_str(out, "tftp-root", s->tftp_root, 0);
	json_kv_str(out, "state-dir", s->state_dir, 0);
	json_kv_str(out, "hosts-dir", s->hosts_dir, 0);
	json_kv_str(out, "control-socket", s->control_socket, 1);
	fputs("},\n", out);
}

static void
json_dhcp(const struct site *site, FILE *out)
{
	const struct site_dhcp *d = &site->dhcp;
	char a[INET_ADDRSTRLEN];
	int i;

	if (!d->present) {
		fputs("  \"dhcp\": null,\n", out);
		return;
	}
	fputs("  \"dhcp\": {", out);
	if (d->has_range) {
		fputs("\"range\": [", out);
		json_string(out, ntoa(d->range_start, a));
		fputs(", ", out);
		json_string(out, ntoa(d->range_end, a));
		fputs("], ", out);
	} else {
		fputs("\"range\": null, ", out);
	}
	json_addr(out, "netmask", d->netmask, 0);
	json_addr(out, "router", d->router, 0);
	fputs("\"dns\": [", out);
	for (i = 0; i < d->n_dns; i++) {
		json_string(out, ntoa(d->dns[i], a));
		fputs(i + 1 < d->n_dns ? ", " : "", out);
	}
	fputs("], ", out);
	json_kv_str(out, "domain", d->domain, 0);
	if (d->lease_time == SITE_LEASE_INFINITE)
		fputs("\"lease-time\": \"infinite\", ", out);
	else
		fprintf(out, "\"lease-time\": %u, ", d->lease_time);
	if (d->mtu != 0)
		fprintf(out, "\"mtu\": %u", d->mtu);
	else
		fputs("\"mtu\": null", out);
	fprintf(out, ", \"conflict-probe\": \"%s\"",
		d->conflict_probe == SITE_PROBE_NONE ? "none" : "arp");
	fputs("},\n", out);
}

/* A default-* key: its value, or null when unset (the cap applies). */
static void
json_default(FILE *out, const char *key, unsigned v)
{
	if (v != 0)
		fprintf(out, ", \"%s\": %u", key, v);
	else
		fprintf(out, ", \"%s\": null", key);
}

static void
json_tftp(const struct site_tftp *t, FILE *out)
{
	char a[INET_ADDRSTRLEN];
	unsigned i;

	fprintf(out, "  \"tftp\": {\"max-transfers\": %u, \"max-blksize\": %u, "
		     "\"max-windowsize\": %u, \"client-rate\": %u",
		t->max_transfers, t->max_blksize, t->max_windowsize, t->client_rate);
	json_default(out, "default-blksize", t->default_blksize);
	json_default(out, "default-windowsize", t->default_windowsize);
	fputs(", \"listen\": [", out);
	for (i = 0; i < t->n_listen; i++) {
		fputs(i ? ", " : "", out);
		json_string(out, ntoa(t->listen[i], a));
	}
	fputs("]},\n", out);
}

static void
json_boot(const struct site *site, FILE *out)
{
	const struct site_boot *b = &site->boot;

	fputs("  \"boot\": {", out);
	for (int i = 0; i < SITE_BOOT__COUNT; i++)
		json_kv_str(out, site_boot_slot_name(i), boot_value(b, i), 0);
	json_kv_str(out, "unknown-clients", site_unknown_name(b->unknown), 0);
	json_kv_str(out, "proxy-strategy", site_proxy_name(b->proxy), 0);
	json_kv_str(out, "proxy-menu-text", b->menu_text, 1);
	fputs("},\n", out);
}

int
site_print_json(const struct site *site, FILE *out)
{
	char mac[NETADDR_MAC_STRLEN];
	size_t i;

	fputs("{\n", out);
	json_server(site, out);
	json_dhcp(site, out);
	json_tftp(&site->tftp, out);
	json_boot(site, out);
	fputs("  \"images\": [", out);
	for (i = 0; i < site->n_images; i++) {
		const struct site_image *img = &site->images[i];

		fputs(i ? ",\n    {" : "\n    {", out);
		json_kv_str(out, "name", img->name, 0);
		json_kv_str(out, "root", img->root, 0);
		json_kv_str(out, "nfs-options", img->nfs_options, 0);
		json_kv_str(out, "overlay", site_overlay_name(img->overlay), 0);
		json_kv_str(out, "cmdline", img->cmdline, 0);
		json_kv_str(out, "kernel", img->kernel, 0);
		json_kv_str(out, "initrd", img->initrd, 1);
		fputs("}", out);
	}
	fputs(site->n_images ? "\n  ],\n" : "],\n", out);
	fputs("  \"hosts\": [", out);
	for (i = 0; i < site->n_hosts; i++) {
		const struct site_host *h = &site->hosts[i];

		fputs(i ? ",\n    {" : "\n    {", out);
		json_kv_str(out, "name", h->name, 0);
		netaddr_format_mac(h->mac, ':', mac);
		json_kv_str(out, "mac", mac, 0);
		json_addr(out, "address", h->address, 0);
		json_kv_str(out, "image", h->image, 0);
		json_kv_str(out, "file", h->where.file, 0);
		fprintf(out, "\"line\": %u}", h->where.line);
	}
	fputs(site->n_hosts ? "\n  ]\n}\n" : "]\n}\n", out);
	return ferror(out) ? -1 : 0;
}

void
site_print_diags(const struct site *site, const char *prog, FILE *out)
{
	size_t i;

	for (i = 0; i < site->n_diags; i++) {
		const struct site_diag *d = &site->diags[i];
		const char *level = d->level == SITE_WARNING ? "warning: " : "";
		const char *file = d->where.file ? d->where.file : site->path;

		if (d->where.line > 0)
			fprintf(out, "%s: %s:%u: %s%s\n", prog, file, d->where.line, level,
				d->msg);
		else
			fprintf(out, "%s: %s: %s%s\n", prog, file, level, d->msg);
	}
	if (site->n_unreported > 0)
		fprintf(out, "%s: %s: %zu more problems not shown (fix these first)\n", prog,
			site->path, site->n_unreported);
}

int
site_print_diags_json(const struct site *site, FILE *out)
{
	size_t i;

	fprintf(out, "{\n  \"errors\": %zu,\n  \"warnings\": %zu,\n  \"unreported\": %zu,\n"
		     "  \"diagnostics\": [",
		site->n_errors, site->n_warnings, site->n_unreported);
	for (i = 0; i < site->n_diags; i++) {
		const struct site_diag *d = &site->diags[i];

		fputs(i ? ",\n    {" : "\n    {", out);
		json_kv_str(out, "level", d->level == SITE_WARNING ? "warning" : "error", 0);
		json_kv_str(out, "file", d->where.file ? d->where.file : site->path, 0);
		fprintf(out, "\"line\": %u, ", d->where.line);
		json_kv_str(out, "message", d->msg, 1);
		fputs("}", out);
	}
	fputs(site->n_diags ? "\n  ]\n}\n" : "]\n}\n", out);
	return ferror(out) ? -1 : 0;
}
