/*
 * test-cmdline.c: lib/cmdline.c, table driven. Each parse case lists the
 * facts it expects as "key=value" words that must appear in a canonical
 * summary of the parsed struct (so a case states only what it is about),
 * plus the exact number of warnings. Resolution cases check server
 * precedence (reference §1.6), %s, options and the mount source.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "tap.h"

static const char *
src_name(enum cmdline_rootsrc s)
{
	static const char *const n[] = { "none", "default", "nfsroot", "dracut", "dhcp" };

	return n[s];
}

static void
add(char *buf, size_t size, const char *k, const char *v)
{
	size_t n = strlen(buf);
	int r;

	if (n + 1 >= size)
		return;
	r = snprintf(buf + n, size - n, "%s%s=%s", n ? " " : "", k, v);
	if (r < 0 || (size_t)r >= size - n)
		buf[n] = '\0'; /* what does not fit is left out whole */
}

static void
add_ip(char *buf, size_t size, const char *k, struct in_addr a)
{
	char s[INET_ADDRSTRLEN];

	if (a.s_addr != INADDR_ANY)
		add(buf, size, k, inet_ntop(AF_INET, &a, s, sizeof(s)));
}

static void
summarize(const struct cmdline *cl, char *buf, size_t size)
{
	char tmp[64];
	unsigned i;

	buf[0] = '\0';
	add(buf, size, "root", src_name(cl->root_src));
	if (cl->has_server)
		add_ip(buf, size, "srv", cl->server);
	if (cl->path[0])
		add(buf, size, "path", cl->path);
	if (cl->opts[0])
		add(buf, size, "opts", cl->opts);
	if (cl->root_nfs4)
		add(buf, size, "nfs4", "1");
	add(buf, size, "ip", cmdline_ipmode_name(cl->ip_mode)[0] == 'u' ? "unset"
								     : cmdline_ipmode_name(cl->ip_mode));
	add_ip(buf, size, "client", cl->ip_client);
	add_ip(buf, size, "ipsrv", cl->ip_server);
	add_ip(buf, size, "gw", cl->ip_gateway);
	add_ip(buf, size, "mask", cl->ip_netmask);
	if (cl->ip_netmask_guessed)
		add(buf, size, "guessed", "1");
	if (cl->ip_hostname[0])
		add(buf, size, "host", cl->ip_hostname);
	if (cl->ip_domain[0])
		add(buf, size, "dom", cl->ip_domain);
	if (cl->ip_device[0])
		add(buf, size, "dev", cl->ip_device);
	add_ip(buf, size, "dns0", cl->ip_dns[0]);
	add_ip(buf, size, "dns1", cl->ip_dns[1]);
	add_ip(buf, size, "ntp", cl->ip_ntp);
	if (cl->ip_mtu) {
		snprintf(tmp, sizeof(tmp), "%u", cl->ip_mtu);
		add(buf, size, "mtu", tmp);
	}
	if (cl->has_bootif) {
		netaddr_format_mac(cl->bootif, ':', tmp);
		add(buf, size, "bootif", tmp);
	}
	if (cl->ifname[0]) {
		add(buf, size, "ifname", cl->ifname);
		netaddr_format_mac(cl->ifname_mac, ':', tmp);
		add(buf, size, "ifmac", tmp);
	}
	for (i = 0; i < cl->n_nameserver; i++)
		add_ip(buf, size, "ns", cl->nameserver[i]);
	add(buf, size, "rw", cl->rw ? "1" : "0");
	if (cl->rw_set)
		add(buf, size, "rwset", "1");
	if (cl->init[0])
		add(buf, size, "init", cl->init);
	if (cl->rootflags[0])
		add(buf, size, "rootflags", cl->rootflags);
	if (cl->has_panic) {
		snprintf(tmp, sizeof(tmp), "%d", cl->panic);
		add(buf, size, "panic", tmp);
	}
	if (cl->quiet)
		add(buf, size, "quiet", "1");
	if (cl->debug)
		add(buf, size, "debug", "1");
	add(buf, size, "overlay", cl->overlay == CMDLINE_OVERLAY_TMPFS ? "tmpfs" : "none");
	for (i = 0; i < cl->n_warn && i < CMDLINE_WARN_MAX; i++)
		add(buf, size, "warn", cl->warn[i].param);
}

/* Every space-separated word of want must be a word of got; a word
 * starting with '!' must not be (e.g. "!host=pc01"). */
static int
has_words(const char *got, const char *want, char *missing, size_t msize)
{
	char w[512];
	const char *p = want;

	while (*p) {
		size_t n = strcspn(p, " ");
		const char *g = got;
		int found = 0, negate = *p == '!';

		if (negate) {
			p++;
			n--;
		}

		if (n >= sizeof(w))
			return 0;
		memcpy(w, p, n);
		w[n] = '\0';
		while (*g) {
			size_t m = strcspn(g, " ");

			if (m == n && memcmp(g, w, n) == 0) {
				found = 1;
				break;
			}
			g += m;
			while (*g == ' ')
				g++;
		}
		if (found == negate) {
			if (strlen(w) < msize)
				memcpy(missing, w, strlen(w) + 1);
			return 0;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return 1;
}

struct pcase {
	const char *line;
	int warns;
	const char *want;
};

static char longword[3000];
static char longpath[1200];
static char longopts[400];
static char longhost[110];

static const struct pcase pcases[] = {
	/* the lines the bundled server emits (DESIGN.md) */
	{ "root=/dev/nfs nfsroot=10.0.0.1:/srv/lab,vers=3,nolock,proto=tcp ro "
	  "ip=10.0.0.11:10.0.0.1:10.0.0.1:255.255.255.0:pc01::off:10.0.0.1:10.0.0.2 "
	  "BOOTIF=01-52-54-00-12-34-56 diskless.overlay=tmpfs", 0,
	  "root=nfsroot srv=10.0.0.1 path=/srv/lab opts=vers=3,nolock,proto=tcp ip=static "
	  "client=10.0.0.11 ipsrv=10.0.0.1 gw=10.0.0.1 mask=255.255.255.0 host=pc01 "
	  "dns0=10.0.0.1 dns1=10.0.0.2 bootif=52:54:00:12:34:56 rw=0 rwset=1 overlay=tmpfs" },
	{ "root=/dev/nfs nfsroot=10.0.0.1:/srv/lab ip=dhcp BOOTIF=01-52-54-00-12-34-56", 0,
	  "root=nfsroot ip=dhcp bootif=52:54:00:12:34:56" },
	/* pxelinux IPAPPEND 1: 4 fields, static */
	{ "nfsroot=10.77.0.1:/nbroot,vers=3 ip=10.77.0.50:10.77.0.1:10.77.0.1:255.255.255.0", 0,
	  "root=nfsroot ip=static client=10.77.0.50 mask=255.255.255.0" },
	/* root= source selection */
	{ "root=/dev/nfs", 0, "root=default ip=unset" },
	{ "boot=nfs", 0, "root=default" },
	{ "boot=local", 0, "root=none" },
	{ "root=/dev/sda1", 0, "root=none" },
	{ "quiet splash", 0, "root=none quiet=1" },
	{ "", 0, "root=none ip=unset rw=0" },
	{ "root=/dev/sda1 nfsroot=10.0.0.1:/x", 0, "root=none" },
	{ "root=/dev/sda1 boot=nfs", 0, "root=default" },
	{ "nfsroot=auto boot=nfs", 0, "root=dhcp" },
	{ "root=dhcp", 0, "root=dhcp" },
	{ "nfsroot=10.0.0.1:/a nfsroot=10.0.0.2:/b", 0, "root=nfsroot srv=10.0.0.2 path=/b" },
	{ "nfsroot=10.0.0.1:/a root=/dev/nfs", 0, "root=nfsroot path=/a" },
	/* kernel nfsroot= rules (§1.3.1) */
	{ "nfsroot=/srv/x", 0, "root=nfsroot path=/srv/x" },
	{ "nfsroot=myhost", 0, "root=nfsroot path=/tftpboot/myhost" },
	{ "nfsroot=myhost,vers=4", 0, "root=nfsroot path=/tftpboot/myhost opts=vers=4" },
	{ "nfsroot=10.0.0.1", 0, "root=nfsroot srv=10.0.0.1" },
	{ "nfsroot=10.0.0.1:default,vers=3", 0, "root=nfsroot srv=10.0.0.1 opts=vers=3" },
	{ "nfsroot=,vers=4.1", 0, "root=nfsroot opts=vers=4.1" },
	{ "nfsroot=/srv/%s", 0, "root=nfsroot path=/srv/%s" },
	{ "nfsroot=/srv/%s/%s", 1, "root=none warn=nfsroot" },
	{ "nfsroot=/srv/%d", 1, "root=none warn=nfsroot" },
	{ "nfsroot=/srv/%", 1, "root=none warn=nfsroot" },
	{ "nfsroot=/srv/%%", 1, "root=none warn=nfsroot" },
	{ "nfsroot=/srv/%n%n%n", 1, "root=none warn=nfsroot" },
	{ "nfsroot=10.0.0.1:/ok nfsroot=/bad/%x", 1, "root=nfsroot path=/ok warn=nfsroot" },
	{ "nfsroot=999.0.0.1:/x", 1, "root=none warn=nfsroot" },
	{ "nfsroot=server.example:/x", 1, "root=none warn=nfsroot" },
	{ "nfsroot=10.0.0.1:relative", 1, "root=none warn=nfsroot" },
	{ "nfsroot=", 1, "root=none warn=nfsroot" },
	{ "nfsroot=/a,vers=3\"x\"", 0, "root=nfsroot path=/a opts=vers=3x" },
	/* dracut forms (§1.3.2) */
	{ "root=nfs:10.0.0.1:/srv/x", 0, "root=dracut srv=10.0.0.1 path=/srv/x" },
	{ "root=nfs:10.0.0.1:/srv/x:vers=3,nolock", 0,
	  "root=dracut srv=10.0.0.1 path=/srv/x opts=vers=3,nolock" },
	{ "root=nfs4:10.0.0.1:/srv/x", 0, "root=dracut nfs4=1 path=/srv/x" },
	{ "root=nfs:/srv/x", 0, "root=dracut path=/srv/x" },
	{ "root=nfs:10.0.0.1:/srv/x,ro,tcp:timeo=14", 0,
	  "root=dracut path=/srv/x opts=ro,tcp,timeo=14" },
	{ "root=10.0.0.1:/srv/legacy", 0, "root=dracut srv=10.0.0.1 path=/srv/legacy" },
	{ "root=nfs:10.0.0.1", 1, "root=none warn=root" },
	{ "root=nfs:10.0.0.1:srv", 1, "root=none warn=root" },
	{ "root=nfs:[fd00::1]:/srv", 1, "root=none warn=root" },
	{ "root=nfs:host:/srv", 1, "root=none warn=root" },
	{ "nfsroot=10.0.0.9:/k root=nfs:10.0.0.1:/d", 0, "root=dracut srv=10.0.0.1 path=/d" },
	/* ip= (§1.4) */
	{ "ip=off", 0, "ip=off" },
	{ "ip=none", 0, "ip=off" },
	{ "ip=", 0, "ip=off" },
	{ "ip=on", 0, "ip=dhcp" },
	{ "ip=any", 0, "ip=dhcp" },
	{ "ip=bootp", 0, "ip=dhcp" },
	{ "ip=dhcp,01,525400123456", 0, "ip=dhcp" },
	{ "ip=carrier-pigeon", 1, "ip=unset warn=ip" },
	{ "nfsaddrs=10.0.0.5:10.0.0.1:10.0.0.1:255.255.0.0", 0,
	  "ip=static client=10.0.0.5 mask=255.255.0.0" },
	{ "ip=10.1.2.3", 1, "ip=unset warn=ip" },
	{ "ip=10.1.2.3:", 0, "ip=static client=10.1.2.3 mask=255.0.0.0 guessed=1" },
	{ "ip=172.16.0.9::172.16.0.1", 0, "ip=static mask=255.255.0.0 guessed=1" },
	{ "ip=192.168.1.9:::::eth1:off", 0, "ip=static mask=255.255.255.0 dev=eth1" },
	{ "ip=::::pc7.lab.example:eth0:dhcp", 0, "ip=dhcp host=pc7 dom=lab.example dev=eth0" },
	{ "ip=:::::eth0:dhcp", 0, "ip=dhcp dev=eth0" },
	{ "ip=eth0:dhcp", 0, "ip=dhcp dev=eth0" },
	{ "ip=:::::all:dhcp", 0, "ip=dhcp" },
	{ "ip=10.0.0.5::10.0.0.1:255.255.255.0::eth0:none:9000", 0, "ip=static mtu=9000" },
	{ "ip=10.0.0.5::10.0.0.1:255.255.255.0::eth0:none:9000:52:54:00:12:34:56", 0,
	  "ip=static mtu=9000 dev=eth0" },
	{ "ip=10.0.0.5::10.0.0.1:255.255.255.0::eth0:none:70000", 1, "ip=unset warn=ip" },
	{ "ip=10.0.0.5:::255.255.255.0:::off:1.1.1.1:8.8.8.8:10.0.0.123", 0,
	  "dns0=1.1.1.1 dns1=8.8.8.8 ntp=10.0.0.123" },
	{ "ip=10.0.0.5:::255.255.255.0:::off:1.1.1.1:8.8.8.8:10.0.0.123:extra", 1,
	  "ip=unset warn=ip" },
	{ "ip=10.0.0.256:::255.255.255.0", 1, "ip=unset warn=ip" },
	{ "ip=10.0.0.5:::255.0.255.0", 1, "ip=unset warn=ip" },
	{ "ip=10.0.0.5:::255.255.255.0:bad_host!", 1, "ip=unset warn=ip" },
	{ "ip=10.0.0.5:::255.255.255.0::eth/0", 1, "ip=unset warn=ip" },
	{ "ip=10.0.0.5:::255.255.255.0::averyveryverylongifname", 1, "ip=unset warn=ip" },
	{ "ip=[fd00::5]:::64", 1, "ip=unset warn=ip" },
	{ "ip=10.0.0.5:::255.255.255.0:::bogus", 1, "ip=unset warn=ip" },
	{ "ip=10.0.0.5:::255.255.255.0 ip=garbage:x", 1, "ip=static client=10.0.0.5 warn=ip" },
	{ "ip=dhcp ip=10.0.0.5:::255.255.255.0", 0, "ip=static client=10.0.0.5" },
	{ "ip=10.0.0.5:10.0.0.1:10.0.0.1:255.255.255.0:pc05:eth0:off ip=dhcp", 0,
	  "ip=dhcp !client=10.0.0.5 !ipsrv=10.0.0.1 !host=pc05 !dev=eth0 !gw=10.0.0.1" },
	{ "ip=10.0.0.5::::pc05 ip=bogus", 1, "ip=static client=10.0.0.5 host=pc05 warn=ip" },
	{ "nfsroot=10.0.0.1:/x ro", 0, "!rw=1 !warn=nfsroot" },
	{ "ip=0.0.0.0:10.0.0.1::::eth0:", 0, "ip=dhcp ipsrv=10.0.0.1 dev=eth0" },
	{ "ip=010.0.0.5:::255.255.255.0", 1, "ip=unset warn=ip" },
	/* BOOTIF (§1.5) */
	{ "BOOTIF=01-52-54-00-AB-cd-EF", 0, "bootif=52:54:00:ab:cd:ef" },
	{ "BOOTIF=52:54:00:ab:cd:ef", 0, "bootif=52:54:00:ab:cd:ef" },
	{ "BOOTIF=52-54-00-ab-cd-ef", 0, "bootif=52:54:00:ab:cd:ef" },
	{ "BOOTIF=01:52:54:00:ab:cd:ef", 0, "bootif=52:54:00:ab:cd:ef" },
	{ "BOOTIF=01-52-54-00-ab-cd", 1, "warn=BOOTIF" },
	{ "BOOTIF=01-52:54-00-ab-cd-ef", 1, "warn=BOOTIF" },
	{ "BOOTIF=zz-52-54-00-ab-cd-ef", 1, "warn=BOOTIF" },
	{ "BOOTIF=20-00-00-00-00-00-00-00-00-00-00-00-00-00-00-00-00-00-00-00-00", 1,
	  "warn=BOOTIF" },
	{ "BOOTIF=01-01-00-5e-00-00-01", 1, "warn=BOOTIF" },
	{ "wwid=52:54:00:00:00:01", 0, "bootif=52:54:00:00:00:01" },
	{ "wwid=52:54:00:00:00:01 BOOTIF=01-52-54-00-00-00-02", 0, "bootif=52:54:00:00:00:02" },
	/* other words */
	{ "ro rw", 0, "rw=1 rwset=1" },
	{ "rw ro", 0, "rw=0 rwset=1" },
	{ "init=/lib/systemd/systemd", 0, "init=/lib/systemd/systemd" },
	{ "init=sbin/init", 1, "warn=init" },
	{ "init=\"/sbin/my init\"", 1, "warn=init" },
	{ "rootflags=vers=4.2,noatime", 0, "rootflags=vers=4.2,noatime" },
	{ "nameserver=10.0.0.53 nameserver=10.0.0.54", 0, "ns=10.0.0.53 ns=10.0.0.54" },
	{ "nameserver=1.1.1.1 nameserver=1.1.1.2 nameserver=1.1.1.3 nameserver=1.1.1.4", 1,
	  "ns=1.1.1.3 warn=nameserver" },
	{ "nameserver=dns.example", 1, "warn=nameserver" },
	{ "ifname=boot0:52:54:00:12:34:56", 0, "ifname=boot0 ifmac=52:54:00:12:34:56" },
	{ "ifname=boot0", 1, "warn=ifname" },
	{ "bootdev=eth2", 0, "dev=eth2" },
	{ "bootdev=eth2 ip=:::::eth3:dhcp", 0, "dev=eth3" },
	{ "panic=10", 0, "panic=10" },
	{ "panic=-1", 0, "panic=-1" },
	{ "panic=10x", 1, "warn=panic" },
	{ "panic=99999999999999999999", 1, "warn=panic" },
	{ "panic=", 1, "warn=panic" },
	{ "diskless.debug", 0, "debug=1" },
	{ "nfsrootdebug", 0, "debug=1" },
	{ "diskless.debug=0", 0, "overlay=none" },
	{ "diskless.overlay=tmpfs diskless.overlay=none", 0, "overlay=none" },
	{ "diskless.overlay=zram", 1, "overlay=none warn=diskless.overlay" },
	{ "diskless.typo=1", 1, "warn=diskless.*" },
	{ "rd.neednet=1 rd.bootif=0 splash vga=791 foo=bar=baz", 0, "root=none" },
	/* tokenizer: quotes, white space, hostile input */
	{ "\"nfsroot=10.0.0.1:/srv/with space\"", 1, "root=none warn=nfsroot" },
	{ "init=\"/sbin/init\" quiet", 0, "init=/sbin/init quiet=1" },
	{ "nfsroot=\"10.0.0.1:/srv/x", 1, "root=nfsroot path=/srv/x warn=cmdline" },
	{ "quiet \"unterminated rest of line root=/dev/nfs", 1, "root=none quiet=1 warn=cmdline" },
	{ "\t root=/dev/nfs\t\n", 0, "root=default" },
	{ "=== = == ==value", 0, "root=none" },
	{ "root= ip=: BOOTIF= init= panic=", 3, "root=none ip=dhcp" },
	{ "ip=::::::::::::::::::::::::::::", 1, "ip=unset warn=ip" },
	{ "ip=:::::::", 0, "ip=dhcp" },
	{ "\x01\x02\x7f\xff root=/dev/nfs \xfe=\xfd", 0, "root=default" },
	{ "nfsroot=/srv/\x01x", 1, "root=none warn=nfsroot" },
	{ "nfsroot=10.0.0.1:/x,vers=3\x7f", 1, "root=none warn=nfsroot" },
	{ longword, 1, "root=none warn=cmdline" },
	{ longpath, 1, "root=none warn=nfsroot" },
	{ longopts, 1, "root=none warn=nfsroot" },
	{ longhost, 1, "ip=unset warn=ip" },
};

static void
make_hostile(void)
{
	/* one word longer than CMDLINE_WORD_MAX */
	memcpy(longword, "nfsroot=/", 9);
	memset(longword + 9, 'a', sizeof(longword) - 10);
	/* a path of 1100 bytes (> NFS_MAXPATHLEN 1024) */
	memcpy(longpath, "nfsroot=10.0.0.1:/", 18);
	memset(longpath + 18, 'p', sizeof(longpath) - 19);
	/* options of 380 bytes (> 255) */
	memcpy(longopts, "nfsroot=/x,", 11);
	memset(longopts + 11, 'o', sizeof(longopts) - 12);
	/* a 70-byte host name */
	memcpy(longhost, "ip=10.0.0.5:::255.255.255.0:", 28);
	memset(longhost + 28, 'h', sizeof(longhost) - 29);
}

struct rcase {
	const char *line;
	const char *root_path;	/* DHCP option 17, NULL: no DHCP */
	const char *siaddr, *server_id;
	const char *node;
	int rc;
	const char *source, *fstype, *options, *from;
	int rw;
};

static const struct rcase rcases[] = {
	{ "root=/dev/nfs nfsroot=10.0.0.1:/srv/lab,vers=3,nolock,proto=tcp ro", NULL, NULL, NULL,
	  NULL, 0, "10.0.0.1:/srv/lab", "nfs", "vers=3,proto=tcp,nolock,addr=10.0.0.1",
	  "nfsroot=", 0 },
	{ "nfsroot=10.0.0.1:/srv/lab,vers=4.2", NULL, NULL, NULL, NULL, 0,
	  "10.0.0.1:/srv/lab", "nfs4", "vers=4.2,proto=tcp,addr=10.0.0.1", "nfsroot=", 0 },
	{ "root=nfs4:10.0.0.1:/srv/x", NULL, NULL, NULL, NULL, 0, "10.0.0.1:/srv/x", "nfs4",
	  "vers=4,proto=tcp,addr=10.0.0.1", "root=", 0 },
	{ "root=nfs:10.0.0.1:/srv/x:rw,lock,timeo=14", NULL, NULL, NULL, NULL, 0,
	  "10.0.0.1:/srv/x", "nfs", "vers=3,proto=tcp,timeo=14,nolock,addr=10.0.0.1", "root=", 1 },
	{ "root=nfs:10.0.0.1:/srv/x:rw ro", NULL, NULL, NULL, NULL, 0, "10.0.0.1:/srv/x", "nfs",
	  NULL, "root=", 0 },
	{ "nfsroot=/srv/%s ip=10.0.0.5:10.0.0.1::255.255.255.0:pc05", NULL, NULL, NULL, "pc05", 0,
	  "10.0.0.1:/srv/pc05", "nfs", NULL, "ip= server field", 0 },
	{ "root=/dev/nfs ip=10.0.0.5:10.0.0.1::255.255.255.0", NULL, NULL, NULL, "10.0.0.5", 0,
	  "10.0.0.1:/tftpboot/10.0.0.5", "nfs", NULL, "ip= server field", 0 },
	{ "root=/dev/nfs ip=10.0.0.5:10.0.0.1::255.255.255.0", NULL, NULL, NULL, NULL, -22, NULL,
	  NULL, NULL, NULL, 0 },
	{ "root=/dev/nfs ip=dhcp", "10.0.0.7:/images/lab,vers=4.1", "10.0.0.8", "10.0.0.9", NULL,
	  0, "10.0.0.7:/images/lab", "nfs4", "vers=4.1,proto=tcp,addr=10.0.0.7",
	  "DHCP root-path (option 17)", 0 },
	{ "root=/dev/nfs ip=dhcp", "/images/lab", "10.0.0.8", "10.0.0.9", NULL, 0,
	  "10.0.0.8:/images/lab", "nfs", NULL, "DHCP next-server", 0 },
	{ "root=/dev/nfs ip=dhcp", "/images/lab", "0.0.0.0", "10.0.0.9", NULL, 0,
	  "10.0.0.9:/images/lab", "nfs", NULL, "DHCP server identifier", 0 },
	{ "root=/dev/nfs ip=dhcp", "nfs4:10.0.0.3:/img:vers=4.2", NULL, "10.0.0.9", NULL, 0,
	  "10.0.0.3:/img", "nfs4", "vers=4.2,proto=tcp,addr=10.0.0.3", NULL, 0 },
	{ "root=/dev/nfs ip=dhcp", "", "0.0.0.0", "0.0.0.0", "10.0.0.5", -89, NULL, NULL, NULL,
	  NULL, 0 },
	/* nfsroot= server beats option 17 server; options merge (§1.3.1) */
	{ "nfsroot=10.0.0.1:/mine,vers=3", "10.0.0.2:/theirs,timeo=30", NULL, NULL, NULL, 0,
	  "10.0.0.1:/mine", "nfs", "vers=3,proto=tcp,timeo=30,nolock,addr=10.0.0.1",
	  "nfsroot=", 0 },
	/* nfsroot= without a path takes option 17's */
	{ "nfsroot=10.0.0.1,vers=3", "/theirs", NULL, NULL, NULL, 0, "10.0.0.1:/theirs", "nfs",
	  NULL, NULL, 0 },
	{ "nfsroot=auto ip=dhcp", NULL, NULL, NULL, NULL, -22, NULL, NULL, NULL, NULL, 0 },
	{ "nfsroot=auto ip=dhcp", "10.0.0.4:/a", NULL, NULL, NULL, 0, "10.0.0.4:/a", "nfs", NULL,
	  NULL, 0 },
	{ "root=/dev/nfs ip=dhcp", "10.0.0.4:/a b", NULL, NULL, NULL, -22, NULL, NULL, NULL, NULL,
	  0 },
	{ "root=/dev/nfs ip=dhcp", "10.0.0.4:/a/%x", NULL, NULL, NULL, -22, NULL, NULL, NULL,
	  NULL, 0 },
	{ "nfsroot=10.0.0.1:/x,vers=2.5", NULL, NULL, NULL, NULL, -22, NULL, NULL, NULL, NULL, 0 },
	{ "nfsroot=10.0.0.1:/x,nfsvers=4.1,addr=6.6.6.6,udp", NULL, NULL, NULL, NULL, 0,
	  "10.0.0.1:/x", "nfs4", "vers=4.1,udp,addr=10.0.0.1", NULL, 0 },
	{ "nfsroot=10.0.0.1:/x,v4.2,,rsize=65536 rootflags=noatime", NULL, NULL, NULL, NULL, 0,
	  "10.0.0.1:/x", "nfs4", "vers=4.2,proto=tcp,rsize=65536,noatime,addr=10.0.0.1", NULL,
	  0 },
	{ "quiet", NULL, NULL, NULL, NULL, -22, NULL, NULL, NULL, NULL, 0 },
	{ "nfsroot=10.0.0.1:/srv/%s", NULL, NULL, NULL, NULL, -22, NULL, NULL, NULL, NULL, 0 },
};

static void
run_parse_cases(void)
{
	char sum[4096], missing[512];
	size_t i;

	for (i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++) {
		struct cmdline cl;
		int w = cmdline_parse(pcases[i].line, strlen(pcases[i].line), &cl);
		int ok;

		summarize(&cl, sum, sizeof(sum));
		ok = has_words(sum, pcases[i].want, missing, sizeof(missing)) &&
			w == pcases[i].warns;
		if (!tap_ok(ok, "parse %zu: %.60s", i, pcases[i].line))
			tap_diag("warnings %d (want %d), missing \"%s\" in: %s", w,
				pcases[i].warns, missing, sum);
	}
}

static void
run_resolve_cases(void)
{
	size_t i;

	for (i = 0; i < sizeof(rcases) / sizeof(rcases[0]); i++) {
		const struct rcase *c = &rcases[i];
		struct cmdline cl;
		struct cmdline_dhcp d;
		struct cmdline_nfs nfs;
		const char *why = NULL;
		int r, ok;

		cmdline_parse(c->line, strlen(c->line), &cl);
		memset(&d, 0, sizeof(d));
		if (c->root_path != NULL) {
			d.valid = true;
			snprintf(d.root_path, sizeof(d.root_path), "%s", c->root_path);
			if (c->siaddr)
				inet_pton(AF_INET, c->siaddr, &d.siaddr);
			if (c->server_id)
				inet_pton(AF_INET, c->server_id, &d.server_id);
		}
		r = cmdline_nfs_resolve(&cl, c->root_path ? &d : NULL, c->node, &nfs, &why);
		ok = r == c->rc;
		if (ok && r == 0) {
			ok = strcmp(nfs.source, c->source) == 0 && strcmp(nfs.fstype, c->fstype) == 0 &&
				(c->options == NULL || strcmp(nfs.options, c->options) == 0) &&
				(c->from == NULL || strcmp(nfs.server_from, c->from) == 0) &&
				nfs.rw == (c->rw != 0);
		}
		if (ok && r != 0)
			ok = why != NULL && strlen(why) > 10;
		if (!tap_ok(ok, "resolve %zu: %.60s", i, c->line))
			tap_diag("rc %d (want %d) why %s source %s fstype %s options %s from %s rw %d",
				r, c->rc, why ? why : "-", r == 0 ? nfs.source : "-",
				r == 0 ? nfs.fstype : "-", r == 0 ? nfs.options : "-",
				r == 0 ? nfs.server_from : "-", r == 0 ? nfs.rw : -1);
	}
}

/* Lengths: NUL ends the line; len bounds it; a long resolved path. */
static void
run_edge_cases(void)
{
	static const char withnul[] = "quiet\0root=/dev/nfs";
	struct cmdline cl;
	struct cmdline_nfs nfs;
	const char *why;
	char host[65], line[1200];
	int n;

	cmdline_parse(withnul, sizeof(withnul) - 1, &cl);
	tap_ok(cl.quiet && cl.root_src == CMDLINE_ROOT_NONE, "NUL ends the command line");
	cmdline_parse("root=/dev/nfs", 4, &cl);
	tap_ok(cl.root_src == CMDLINE_ROOT_NONE, "len bounds the parse (no read past it)");
	memset(host, 'h', 64);
	host[64] = '\0';
	n = snprintf(line, sizeof(line), "nfsroot=10.0.0.1:/%0*d%%s", 1000 - 8, 0);
	tap_ok(n > 0 && (size_t)n < sizeof(line), "long path line built");
	cmdline_parse(line, strlen(line), &cl);
	tap_is_int(cmdline_nfs_resolve(&cl, NULL, host, &nfs, &why), -ENAMETOOLONG,
		"%%s expansion past NFS_MAXPATHLEN is refused");
	cmdline_parse("nfsroot=10.0.0.1:/x", 19, &cl);
	cl.n_warn = 0;
	for (n = 0; n < 20; n++)
		cmdline_parse("panic=x panic=y panic=z panic=a panic=b panic=c panic=d panic=e "
			"panic=f panic=g", 80, &cl);
	tap_is_int(cl.n_warn, 10, "warnings beyond the table are counted");
}

int
main(void)
{
	make_hostile();
	run_parse_cases();
	run_resolve_cases();
	run_edge_cases();
	return tap_done();
}
