/*
 * init.h: the parts of diskless-init, one per file, and the boot state they
 * share. No heap anywhere on the boot path: every buffer below is fixed,
 * sized from the limits in lib/cmdline.h.
 *
 * Each step returns NULL on success or a static one-line reason; main()
 * prints it, drains the console and panics (reboot or halt).
 */
#ifndef DISKLESS_INIT_H
#define DISKLESS_INIT_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
#include "netaddr.h"

#define INIT_NAME "diskless-init"
#define NEWROOT "/root"
/* Where the NFS root (lower) and the tmpfs upper live with an overlay: under
 * /run, so they move into the booted system with /run and stay visible. */
#define OVERLAY_DIR "/run/diskless"
#define MODULES_LOAD SYSCONFDIR_INITRD "/modules.load"
#define MODULES_ALIAS SYSCONFDIR_INITRD "/modules.alias"
/* The initramfs layout is fixed: not the host's sysconfdir. */
#define SYSCONFDIR_INITRD "/etc/diskless"

struct boot {
	struct cmdline cl;
	bool quiet, debug;

	/* network result */
	char ifname[IF_NAMESIZE];
	int ifindex;
	uint8_t mac[NETADDR_MAC_LEN];
	const char *proto;		/* "none", "dhcp" or "kernel" */
	struct in_addr addr, netmask, gateway;
	struct in_addr dns[CMDLINE_DNS_MAX];
	unsigned n_dns;
	unsigned mtu;
	char hostname[CMDLINE_HOST_MAX + 1];
	char domain[CMDLINE_HOST_MAX + 1];	/* DNS domain (DHCP option 15) */
	char nisdomain[CMDLINE_HOST_MAX + 1];
	unsigned leasetime;
	struct cmdline_dhcp dhcp;

	struct cmdline_nfs nfs;
	const char *newroot;		/* what switch_root moves to / */
};

/* say.c: console output. "diskless-init: ..." on stderr. */
void say_setup(bool quiet, bool debug);
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void say_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void say_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Monotonic milliseconds since the first call. */
long long now_ms(void);
void say_timing(const char *phase, long long start_ms);
void say_drain(void);

/* fsutil.c: directory walking and small files without libc's heap
 * (musl's opendir() and fopen() allocate). */
typedef int (*dir_cb)(int dirfd, const char *name, unsigned char type, void *arg);
int dir_each(int dirfd, const char *path, dir_cb cb, void *arg);
/* Reads at most size-1 bytes and NUL-terminates; returns length or -errno. */
ssize_t read_file(const char *path, char *buf, size_t size);
ssize_t read_file_at(int dirfd, const char *path, char *buf, size_t size);
/* Writes data to path via path.tmp + rename. */
int write_file_atomic(const char *path, const char *data, size_t len, unsigned mode);
int mkdir_p(const char *path, unsigned mode);

/* early.c */
const char *early_mounts(void);
void early_console(void);

/* modload.c */
/* The untagged modules, then the drivers of the devices present
 * (coldplug: NICs, virtio_pci, USB host controllers). */
void modules_load_nics(void);
/* MODALIAS_FEAT_* of a boot with this command line and NFS version
 * (vers_major 0: not known yet, so neither nfs3 nor nfs4). */
unsigned modules_wanted(const struct cmdline *cl, int vers_major);
/* The modules.load lines tagged with one of want, not loaded before. */
void modules_load_features(unsigned want);

/* netcfg.c */
/* Brings the boot interface up (every Ethernet one without a hint in the
 * command line) without waiting, so that its link negotiates meanwhile. */
void net_raise(struct boot *b);
const char *net_configure(struct boot *b);
/* After the NFS server is known (ROOTSERVER): /run/net-<dev>.conf and
 * /run/diskless/resolv.conf. Failures are warnings. */
void net_write_files(struct boot *b);

/* nfsroot.c */
const char *nfsroot_mount(struct boot *b, const char *target);

/* overlay.c */
const char *overlay_setup(struct boot *b);
const char *overlay_lowerdir(void);

/* switchroot.c */
const char *switch_root(struct boot *b);

#endif
