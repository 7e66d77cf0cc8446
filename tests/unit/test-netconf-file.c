/*
 * test-netconf-file.c: lib/netconf-file.c against the klibc ipconfig file
 * format and resolv.conf, with hostile DHCP-supplied strings.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "netconf-file.h"
#include "tap.h"

static struct in_addr
ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static const char want_static[] =
	"DEVICE='eth0'\n"
	"PROTO='none'\n"
	"IPV4ADDR='10.0.0.11'\n"
	"IPV4BROADCAST='10.0.0.255'\n"
	"IPV4NETMASK='255.255.255.0'\n"
	"IPV4GATEWAY='10.0.0.1'\n"
	"IPV4DNS0='10.0.0.1'\n"
	"IPV4DNS1='0.0.0.0'\n"
	"HOSTNAME='pc01'\n"
	"DNSDOMAIN=''\n"
	"NISDOMAIN=''\n"
	"ROOTSERVER='10.0.0.1'\n"
	"ROOTPATH=''\n"
	"filename=''\n"
	"UPTIME='7'\n"
	"DOMAINSEARCH=''\n";

static void
test_pnp(void)
{
	static const char dhcp[] = "#PROTO: DHCP\ndomain lab.example\nnameserver 10.0.0.53\n"
		"nameserver 10.0.0.54\nnameserver 10.0.0.55\nnameserver 10.0.0.56\n"
		"bootserver 10.0.0.1\n";
	static const char hostile[] = "nameserver 999.1.1.1\nnameserver\nbootserver x\n"
		"domain a b\nnameserver 10.0.0.1 trailing\ndomain \0evil\nnameserver 1.2.3.4";
	struct netconf_pnp p;
	char s[INET_ADDRSTRLEN];

	tap_is_int(netconf_parse_pnp(dhcp, sizeof(dhcp) - 1, &p), 7, "pnp: all DHCP lines");
	tap_is_int(p.n_dns, 3, "pnp: at most 3 name servers");
	tap_is_str(inet_ntop(AF_INET, &p.bootserver, s, sizeof(s)), "10.0.0.1", "pnp: bootserver");
	tap_is_str(p.domain, "lab.example", "pnp: domain");
	tap_is_int(netconf_parse_pnp("#MANUAL\n", 8, &p), 1, "pnp: manual");
	tap_is_int(netconf_parse_pnp("", 0, &p), 0, "pnp: empty file means not configured");
	tap_is_int(netconf_parse_pnp(hostile, sizeof(hostile) - 1, &p), 1,
		"pnp: malformed lines skipped, last line without newline read");
	tap_ok(p.n_dns == 1 && p.domain[0] == '\0' && p.bootserver.s_addr == 0,
		"pnp: only the valid name server kept");
}

int
main(void)
{
	struct netconf nc;
	struct in_addr ns[3];
	char buf[2048], small[64];
	int n;

	memset(&nc, 0, sizeof(nc));
	nc.device = "eth0";
	nc.addr = ip("10.0.0.11");
	nc.netmask = ip("255.255.255.0");
	nc.gateway = ip("10.0.0.1");
	nc.server = ip("10.0.0.1");
	nc.dns[0] = ip("10.0.0.1");
	nc.hostname = "pc01";
	nc.uptime = 7;
	n = netconf_format_klibc(&nc, buf, sizeof(buf));
	tap_is_int(n, (int)strlen(want_static), "static: length");
	tap_is_str(buf, want_static, "static: klibc format");

	nc.proto = "dhcp";
	nc.leasetime = 3600;
	nc.hostname = "x'; reboot; echo '!";
	nc.dnsdomain = "lab\nIPV4ADDR='6.6.6.6'";
	nc.rootpath = "10.0.0.1:/srv/lab";
	n = netconf_format_klibc(&nc, buf, sizeof(buf));
	tap_ok(n > 0, "dhcp: formatted");
	tap_ok(strstr(buf, "HOSTNAME='x'\\''; reboot; echo '\\'''\\!''\n") != NULL,
		"single quote and ! are escaped as klibc does");
	tap_ok(strstr(buf, "DNSDOMAIN='labIPV4ADDR='\\''6.6.6.6'\\'''\n") != NULL,
		"a newline cannot start a new assignment");
	tap_ok(strstr(buf, "\nIPV4ADDR='6.6.6.6'") == NULL, "no injected line");
	tap_ok(strstr(buf, "DHCPLEASETIME='3600'\n") != NULL, "lease time written for dhcp");
	tap_ok(strstr(buf, "PROTO='dhcp'\n") != NULL, "proto");
	tap_ok(strstr(buf, "ROOTPATH='10.0.0.1:/srv/lab'\n") != NULL, "root path");

	tap_is_int(netconf_format_klibc(&nc, small, sizeof(small)), -ENOSPC,
		"too small a buffer: -ENOSPC");
	tap_is_int(netconf_format_klibc(&nc, small, 0), -ENOSPC, "zero buffer: -ENOSPC");
	nc.device = NULL;
	tap_is_int(netconf_format_klibc(&nc, buf, sizeof(buf)), -EINVAL, "no device: -EINVAL");
	nc.device = "";
	tap_is_int(netconf_format_klibc(&nc, buf, sizeof(buf)), -EINVAL, "empty device: -EINVAL");

	ns[0] = ip("10.0.0.53");
	ns[1] = ip("0.0.0.0");
	ns[2] = ip("10.0.0.54");
	n = netconf_format_resolv("lab.example", ns, 3, buf, sizeof(buf));
	tap_is_str(buf, "# written by diskless-init\nsearch lab.example\nnameserver 10.0.0.53\n"
		"nameserver 10.0.0.54\n", "resolv.conf: search + two servers, 0.0.0.0 skipped");
	tap_is_int(n, (int)strlen(buf), "resolv.conf: length");
	n = netconf_format_resolv(NULL, ns, 0, buf, sizeof(buf));
	tap_is_str(buf, "# written by diskless-init\n", "resolv.conf: nothing known");
	tap_is_int(netconf_format_resolv("a b", ns, 1, buf, sizeof(buf)), -EINVAL,
		"resolv.conf: domain with a space refused");
	tap_is_int(netconf_format_resolv("lab\nnameserver 6.6.6.6", ns, 1, buf, sizeof(buf)),
		-EINVAL, "resolv.conf: domain with a newline refused");
	tap_is_int(netconf_format_resolv("lab", ns, 3, small, 30), -ENOSPC,
		"resolv.conf: small buffer");
	test_pnp();
	return tap_done();
}
