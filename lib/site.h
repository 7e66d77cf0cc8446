/*
 * site.h: the site config, the single source of truth for images and hosts
 * (DESIGN.md "The site config"). Read by diskless and disklessd.
 *
 * site_load() reads the INI file (libinih) and its hosts directory, fills in
 * defaults, and validates everything it can check without touching the
 * network: syntax, address forms, subnets, ranges, duplicates, references.
 * Every problem becomes a site_diag with file and line; loading goes on after
 * an error so that one run reports all of them.
 */
#ifndef DISKLESS_SITE_H
#define DISKLESS_SITE_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "netaddr.h"

#define SITE_DEFAULT_PATH SYSCONFDIR "/diskless/diskless.conf"
/* where disklessd serves its status (diskless status reads it) */
#define SITE_DEFAULT_CONTROL_SOCKET "/run/diskless/disklessd.sock"
#define SITE_NAME_MAX 64        /* image and host names, with the NUL */
#define SITE_DNS_MAX 3
#define SITE_LEASE_INFINITE UINT32_MAX
#define SITE_CMDLINE_MAX 1024   /* extra kernel words of an image */
#define SITE_MAX_DIAGS 50       /* reported in full; the rest are counted */

enum site_mode {
	SITE_MODE_FULL,  /* hand out addresses and boot information */
	SITE_MODE_PROXY, /* boot information only, next to the site's DHCP */
};

enum site_overlay {
	SITE_OVERLAY_NONE,
	SITE_OVERLAY_TMPFS,
};

/* Where a section or value came from, for messages. */
struct site_origin {
	const char *file; /* points into site->files */
	unsigned line;
};

struct site_server {
	char interface[IF_NAMESIZE]; /* "" means every interface */
	struct in_addr address;      /* next-server, TFTP and default NFS server */
	enum site_mode mode;
	char *tftp_root;
	char *state_dir;
	char *hosts_dir; /* resolved against the config file's folder; NULL: none */
	char *control_socket; /* the status socket; NULL: none (control-socket = none) */
	bool no_control_socket; /* "none" given: control_socket stays NULL */
	struct site_origin where;
	unsigned address_line;
};

struct site_dhcp {
	bool present;
	bool has_range;
	struct in_addr range_start, range_end;
	struct in_addr netmask; /* 0.0.0.0 when not given (proxy mode) */
	struct in_addr router;  /* 0.0.0.0: none */
	struct in_addr dns[SITE_DNS_MAX];
	int n_dns;
	char *domain;
	uint32_t lease_time; /* seconds, or SITE_LEASE_INFINITE */
	uint16_t mtu;        /* 0: not sent */
	/* who-has before offering a dynamic address nobody held (dhcpd.c) */
	enum site_probe { SITE_PROBE_ARP, SITE_PROBE_NONE } conflict_probe;
	struct site_origin where;
	unsigned range_line, router_line; /* 0: not given */
};

#define SITE_TFTP_LISTEN_MAX 16

struct site_tftp {
	unsigned max_transfers;  /* concurrent; excess requests are dropped */
	unsigned max_blksize;    /* RFC 2348 cap, 512..65464 */
	unsigned max_windowsize; /* RFC 7440 cap, 1..65535 */
	/* granted to clients asking for more than the cap; 0: the cap */
	unsigned default_blksize, default_windowsize;
	unsigned client_rate;    /* new requests per second per client address */
	/* addresses to serve on; none: [server] address */
	struct in_addr listen[SITE_TFTP_LISTEN_MAX];
	unsigned n_listen;
	unsigned default_line; /* of the last default-* key, for validation */
};

/*
 * [boot]: what a client is handed, by what it runs. The slots are the
 * architecture classes of RFC 4578 option 93 (the keys are their names),
 * then what iPXE gets with and without a [host].
 */
enum site_boot_slot {
	SITE_BOOT_BIOS,       /* 0 */
	SITE_BOOT_EFI_IA32,   /* 6 */
	SITE_BOOT_EFI_X64,    /* 7 and 9 */
	SITE_BOOT_EFI_ARM32,  /* 10 */
	SITE_BOOT_EFI_ARM64,  /* 11 */
	SITE_BOOT_HTTP_IA32,  /* 15: a URL */
	SITE_BOOT_HTTP_X64,   /* 16 */
	SITE_BOOT_HTTP_ARM32, /* 18 */
	SITE_BOOT_HTTP_ARM64, /* 19 */
	SITE_BOOT_IPXE,
	SITE_BOOT_IPXE_UNKNOWN,
	SITE_BOOT__COUNT,
};

enum site_boot_how {
	SITE_BOOT_UNSET,  /* while reading; the default is filled in after */
	SITE_BOOT_NONE,   /* "none": nothing for these clients */
	SITE_BOOT_FILE,   /* name (a TFTP path or a URL, %m %h %s %% expanded) */
	SITE_BOOT_LOADER, /* iPXE slots only: the loader of its architecture */
};

struct site_boot_file {
	enum site_boot_how how;
	char *name; /* SITE_BOOT_FILE only */
	unsigned line; /* 0: the default */
};

enum site_unknown {
	SITE_UNKNOWN_MENU,   /* an address (full mode) and the default menu */
	SITE_UNKNOWN_IGNORE, /* no reply at all */
};

/* How proxyDHCP offers steer a PXE client (server/dhcp-reply.h). */
enum site_proxy {
	SITE_PROXY_BINL,
	SITE_PROXY_BYPASS,
	SITE_PROXY_MENU,
};

struct site_boot {
	struct site_boot_file file[SITE_BOOT__COUNT];
	enum site_unknown unknown;
	enum site_proxy proxy;
	char *menu_text; /* NULL: "diskless" */
	struct site_origin where; /* line 0: no [boot] section */
};

struct site_image {
	char name[SITE_NAME_MAX];
	char *root;        /* the exported tree, absolute */
	char *nfs_options; /* as the init mounts it: vers=3,proto=tcp,nolock */
	enum site_overlay overlay;
	char *cmdline; /* extra kernel words; "" when none */
	char *kernel;  /* the kernel to serve; NULL: found in the image root */
	char *initrd;  /* its initramfs (diskless initrd --out); NULL: likewise */
	struct site_origin where;
};

struct site_host {
	char name[SITE_NAME_MAX]; /* also its hostname (RFC 1123 label) */
	uint8_t mac[NETADDR_MAC_LEN];
	struct in_addr address; /* 0.0.0.0: none (dynamic or the site's DHCP) */
	char image[SITE_NAME_MAX];
	int image_index; /* into site->images, -1 when unknown */
	struct site_origin where;        /* the section (or first key of a host file) */
	unsigned mac_line, address_line, image_line; /* in where.file */
};

enum site_level {
	SITE_ERROR,
	SITE_WARNING,
};

struct site_diag {
	enum site_level level;
	struct site_origin where; /* line 0: the file as a whole */
	char *msg;
};

struct site {
	char *path; /* the main file as given */
	struct site_server server;
	struct site_dhcp dhcp;
	struct site_tftp tftp;
	struct site_boot boot;
	struct site_image *images;
	size_t n_images;
	struct site_host *hosts;
	size_t n_hosts;
	struct site_diag *diags;
	size_t n_diags;
	size_t n_errors;     /* counted, including those not kept */
	size_t n_warnings;
	size_t n_unreported; /* diagnostics past SITE_MAX_DIAGS */
	char **files;        /* names of every file read, owned here */
	size_t n_files;
};

/*
 * Reads path and its hosts directory. Returns 0 with *out set when the site
 * is valid (warnings allowed); -EINVAL with *out set when it has errors
 * (see (*out)->diags); another -errno with *out NULL when the main file
 * cannot be read at all. The caller frees *out with site_free().
 */
int site_load(const char *path, struct site **out);
void site_free(struct site *site);

const struct site_image *site_image_find(const struct site *site, const char *name);
const struct site_host *site_host_by_mac(const struct site *site,
	const uint8_t mac[NETADDR_MAC_LEN]);

/* The parsed site as an INI file that site_load() reads back to the same
 * site (defaults written out, hosts of the hosts directory inline). */
int site_print_ini(const struct site *site, FILE *out);
int site_print_json(const struct site *site, FILE *out);
/* Every diagnostic as "file:line: [warning: ]message" lines. */
void site_print_diags(const struct site *site, const char *prog, FILE *out);
int site_print_diags_json(const struct site *site, FILE *out);

const char *site_mode_name(enum site_mode mode);
/* The key of a [boot] slot: "bios", ..., "ipxe-unknown". */
const char *site_boot_slot_name(enum site_boot_slot slot);
/* What a slot left unset gets (site_load() fills it in): the names
 * `diskless pxe` writes, or NULL for none. */
const char *site_boot_default(enum site_boot_slot slot);
const char *site_unknown_name(enum site_unknown unknown);
const char *site_proxy_name(enum site_proxy proxy);
const char *site_overlay_name(enum site_overlay overlay);

#endif
