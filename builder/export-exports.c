/*
 * export-exports.c: /etc/exports lines for the kernel NFS server
 * (exports(5)), one per image.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "bootcfg.h"

int
export_clients(const struct site *site, char sep, char *buf, size_t len, const char **why)
{
	char a[INET_ADDRSTRLEN];
	struct in_addr net;
	size_t i, pos = 0;
	int prefix, n;

	if (len == 0)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	if (bootcfg_client_net(site, &net, &prefix) == 0) {
		char cidr[INET_ADDRSTRLEN + 16];

		inet_ntop(AF_INET, &net, a, sizeof(a));
		n = snprintf(cidr, sizeof(cidr), "%s/%d", a, prefix);
		if (n < 0 || (size_t)n >= len)
			return -ENAMETOOLONG;
		memcpy(buf, cidr, (size_t)n + 1);
		return 0;
	}
	for (i = 0; i < site->n_hosts; i++) {
		if (site->hosts[i].address.s_addr == 0)
			continue;
		inet_ntop(AF_INET, &site->hosts[i].address, a, sizeof(a));
		n = snprintf(buf + pos, len - pos, "%s%s", pos ? (char[]){ sep, 0 } : "", a);
		if (n < 0 || (size_t)n >= len - pos) {
			*why = "too many hosts to list (set [dhcp] netmask to export to the network)";
			return -ENAMETOOLONG;
		}
		pos += (size_t)n;
	}
	if (pos == 0) {
		*why = "no client network and no host address ([dhcp] netmask is not set)";
		return -EINVAL;
	}
	return 0;
}

/*
 * ro: clients mount the root read-only; writes go to the tmpfs overlay.
 * no_root_squash: the clients' root must read root-only files of the image
 * (/etc/shadow, private keys) or they cannot boot. no_subtree_check: the
 * checks break file handles on renames and cost on every request.
 * "secure" (the default) stays: only root on a client can claim uid 0.
 */
int
export_exports(const struct site *site, FILE *out, const char **why)
{
	char clients[4096], *tok, *save = NULL;
	size_t i;
	int r;

	r = export_clients(site, ' ', clients, sizeof(clients), why);
	if (r < 0)
		return r;
	if (site->n_images == 0) {
		*why = "the site has no [image] section";
		return -EINVAL;
	}
	for (i = 0; i < site->n_images; i++) {
		/* exports(5) would need \040 escapes; no image root needs them. */
		if (strpbrk(site->images[i].root, " \t\n\\\"")) {
			*why = "an image root has a blank, quote or backslash";
			return -EINVAL;
		}
	}
	fprintf(out, "# /etc/exports for the diskless site, written by diskless export\n");
	for (i = 0; i < site->n_images; i++) {
		char copy[sizeof(clients)];

		memcpy(copy, clients, sizeof(copy));
		fprintf(out, "%s", site->images[i].root);
		for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			fprintf(out, " %s(ro,sync,no_subtree_check,no_root_squash)", tok);
		fprintf(out, "\n");
	}
	if (ferror(out)) {
		*why = "write error";
		return -EIO;
	}
	return 0;
}
