/*
 * test-site-config.c: the site config reader against valid and hostile
 * files. Each case is a file's text, the result wanted, and one diagnostic
 * that must be among those reported (its line and a piece of its message).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "boot-name.h"
#include "site.h"
#include "tap.h"

/* 8 lines: a valid full-mode site. Cases append from line 9. */
#define BASE                                                                             \
	"[server]\n"                                                                     \
	"address = 10.0.0.1\n"                                                           \
	"[dhcp]\n"                                                                       \
	"netmask = 255.255.255.0\n"                                                      \
	"range = 10.0.0.100 10.0.0.199\n"                                                \
	"router = 10.0.0.1\n"                                                            \
	"[image lab]\n"                                                                  \
	"root = /srv/img/lab\n"

#define HOST(name, mac, addr) "[host " name "]\nmac = " mac "\naddress = " addr "\nimage = lab\n"

struct config_case {
	const char *name;
	const char *text;
	int want;          /* 0 or -EINVAL */
	unsigned line;     /* of the diagnostic wanted; 0 for the file */
	const char *msg;   /* a piece of its message; NULL: no check */
};

static const struct config_case cases[] = {
	{ "valid base", BASE, 0, 0, NULL },
	{ "valid with hosts", BASE HOST("pc01", "52:54:00:12:34:56", "10.0.0.11")
		HOST("pc02", "52-54-00-12-34-57", "10.0.0.12"), 0, 0, NULL },
	{ "empty file", "", -EINVAL, 0, "no [server] section" },
	{ "only comments", "; nothing\n# here\n\n", -EINVAL, 0, "no [server] section" },
	{ "missing dhcp in full mode", "[server]\naddress = 10.0.0.1\n", -EINVAL, 0,
		"no [dhcp] section" },
	{ "proxy without dhcp", "[server]\naddress = 10.0.0.1\nmode = proxy\n", 0, 0, NULL },
	{ "proxy with range", "[server]\naddress = 10.0.0.1\nmode = proxy\n[dhcp]\n"
		"range = 10.0.0.10 10.0.0.20\n", -EINVAL, 5, "proxy mode" },
	{ "server without address", "[server]\nmode = proxy\n", -EINVAL, 1, "has no address" },
	{ "dhcp without netmask", "[server]\naddress = 10.0.0.1\n[dhcp]\nrouter = 10.0.0.1\n",
		-EINVAL, 3, "no netmask" },
	/* addresses */
	{ "duplicate server section", BASE "[server]\n", -EINVAL, 9, "given twice" },
	{ "bad ipv4 256", "[server]\naddress = 10.0.0.256\n", -EINVAL, 2, "not an IPv4" },
	{ "bad ipv4 short", "[server]\naddress = 10.0.0\n", -EINVAL, 2, "not an IPv4" },
	{ "bad ipv4 leading zero", "[server]\naddress = 010.0.0.1\n", -EINVAL, 2,
		"not an IPv4" },
	{ "bad ipv4 trailing", "[server]\naddress = 10.0.0.1x\n", -EINVAL, 2, "not an IPv4" },
	{ "bad ipv4 empty", "[server]\naddress =\n", -EINVAL, 2, "not an IPv4" },
	{ "bad ipv4 hostname", "[server]\naddress = boot.lab\n", -EINVAL, 2, "not an IPv4" },
	{ "broadcast address", "[server]\naddress = 255.255.255.255\n", -EINVAL, 2,
		"not a unicast" },
	{ "multicast address", "[server]\naddress = 224.0.0.1\n", -EINVAL, 2,
		"not a unicast" },
	{ "loopback address", "[server]\naddress = 127.0.0.1\n", -EINVAL, 2, "not a unicast" },
	{ "netmask not contiguous", "[server]\naddress = 10.0.0.1\n[dhcp]\n"
		"netmask = 255.0.255.0\n", -EINVAL, 4, "not a netmask" },
	{ "netmask /31", "[server]\naddress = 10.0.0.1\n[dhcp]\nnetmask = 255.255.255.254\n",
		-EINVAL, 4, "/31" },
	{ "range backwards", "[server]\naddress = 10.0.0.1\n[dhcp]\nnetmask = 255.255.255.0\n"
		"range = 10.0.0.199 10.0.0.100\n", -EINVAL, 5, "backwards" },
	{ "range across subnets", "[server]\naddress = 10.0.0.1\n[dhcp]\n"
		"netmask = 255.255.255.0\nrange = 10.0.1.100 10.0.2.199\n", -EINVAL, 5,
		"outside the subnet" },
	{ "range on another subnet: relayed", "[server]\naddress = 10.0.0.1\n[dhcp]\n"
		"netmask = 255.255.255.0\nrange = 10.0.1.100 10.0.1.199\n", 0, 5,
		"only requests relayed" },
	{ "relayed range: router on the clients' subnet",
		"[server]\naddress = 10.0.0.1\n[dhcp]\nnetmask = 255.255.255.0\n"
		"range = 10.0.1.100 10.0.1.199\nrouter = 10.0.0.254\n", -EINVAL, 6,
		"outside the subnet" },
	{ "range one address", "[server]\naddress = 10.0.0.1\n[dhcp]\n"
		"netmask = 255.255.255.0\nrange = 10.0.0.100\n", -EINVAL, 5, "not two addresses" },
	{ "range three words", "[server]\naddress = 10.0.0.1\n[dhcp]\n"
		"netmask = 255.255.255.0\nrange = 10.0.0.1 10.0.0.2 10.0.0.3\n", -EINVAL, 5,
		"not two addresses" },
	{ "range includes server", "[server]\naddress = 10.0.0.150\n[dhcp]\n"
		"netmask = 255.255.255.0\nrange = 10.0.0.100 10.0.0.199\n", 0, 5,
		"server's own address" },
	{ "router outside subnet", "[server]\naddress = 10.0.0.1\n[dhcp]\n"
		"netmask = 255.255.255.0\nrouter = 192.168.1.1\n", -EINVAL, 5,
		"outside the subnet" },
	{ "host outside subnet", BASE HOST("pc01", "52:54:00:12:34:56", "10.0.9.11"),
		-EINVAL, 11, "outside the subnet" },
	{ "host on network address", BASE HOST("pc01", "52:54:00:12:34:56", "10.0.0.0"),
		-EINVAL, 11, "network address" },
	{ "host on broadcast", BASE HOST("pc01", "52:54:00:12:34:56", "10.0.0.255"),
		-EINVAL, 11, "broadcast address" },
	{ "host has server address", BASE HOST("pc01", "52:54:00:12:34:56", "10.0.0.1"),
		-EINVAL, 11, "server's own address" },
	{ "host in range warns", BASE HOST("pc01", "52:54:00:12:34:56", "10.0.0.150"), 0, 11,
		"inside the dynamic range" },
	/* MACs */
	{ "mac too short", BASE "[host pc01]\nmac = 52:54:00:12:34\nimage = lab\n", -EINVAL,
		10, "not a MAC" },
	{ "mac mixed separators", BASE "[host pc01]\nmac = 52:54-00:12:34:56\nimage = lab\n",
		-EINVAL, 10, "not a MAC" },
	{ "mac bad hex", BASE "[host pc01]\nmac = 52:54:00:12:34:5g\nimage = lab\n", -EINVAL,
		10, "not a MAC" },
	{ "mac one digit", BASE "[host pc01]\nmac = 52:54:0:12:34:56\nimage = lab\n", -EINVAL,
		10, "not a MAC" },
	{ "mac trailing", BASE "[host pc01]\nmac = 52:54:00:12:34:56:78\nimage = lab\n",
		-EINVAL, 10, "not a MAC" },
	{ "mac multicast", BASE "[host pc01]\nmac = 01:00:5e:00:00:01\nimage = lab\n",
		-EINVAL, 10, "multicast or zero" },
	{ "mac zero", BASE "[host pc01]\nmac = 00:00:00:00:00:00\nimage = lab\n", -EINVAL, 10,
		"multicast or zero" },
	/* duplicates */
	{ "duplicate mac", BASE HOST("pc01", "52:54:00:12:34:56", "10.0.0.11")
		HOST("pc02", "52:54:00:12:34:56", "10.0.0.12"), -EINVAL, 14,
		"already host pc01's" },
	{ "duplicate mac other case", BASE HOST("pc01", "52:54:00:AB:34:56", "10.0.0.11")
		HOST("pc02", "52-54-00-ab-34-56", "10.0.0.12"), -EINVAL, 14,
		"already host pc01's" },
	{ "duplicate address", BASE HOST("pc01", "52:54:00:12:34:56", "10.0.0.11")
		HOST("pc02", "52:54:00:12:34:57", "10.0.0.11"), -EINVAL, 15,
		"already host pc01's" },
	{ "duplicate key", BASE "[host pc01]\nmac = 52:54:00:12:34:56\n"
		"mac = 52:54:00:12:34:57\nimage = lab\n", -EINVAL, 11, "given twice" },
	{ "duplicate section", BASE "[dhcp]\n", -EINVAL, 9, "[dhcp] given twice" },
	{ "duplicate image", BASE "[image lab]\nroot = /srv/x\n", -EINVAL, 9,
		"defined twice" },
	{ "duplicate host", BASE HOST("pc01", "52:54:00:12:34:56", "10.0.0.11")
		HOST("PC01", "52:54:00:12:34:57", "10.0.0.12"), -EINVAL, 13, "defined twice" },
	/* references and required keys */
	{ "unknown image with hint", BASE "[host pc01]\nmac = 52:54:00:12:34:56\n"
		"image = lap\n", -EINVAL, 11, "did you mean 'lab'" },
	{ "unknown image no hint", BASE "[host pc01]\nmac = 52:54:00:12:34:56\n"
		"image = kiosk\n", -EINVAL, 11, "unknown image 'kiosk'" },
	{ "host without mac", BASE "[host pc01]\nimage = lab\n", -EINVAL, 9, "has no mac" },
	{ "host without image", BASE "[host pc01]\nmac = 52:54:00:12:34:56\n", -EINVAL, 9,
		"has no image" },
	{ "image without root", BASE "[image thin]\noverlay = none\n", -EINVAL, 9,
		"has no root" },
	{ "empty image section", BASE "[image thin]\n", -EINVAL, 9, "has no root" },
	{ "host without address no range", "[server]\naddress = 10.0.0.1\n[dhcp]\n"
		"netmask = 255.255.255.0\n[image lab]\nroot = /srv/img/lab\n[host pc01]\n"
		"mac = 52:54:00:12:34:56\nimage = lab\n", -EINVAL, 7, "no range" },
	{ "no image warns", "[server]\naddress = 10.0.0.1\nmode = proxy\n", 0, 0, NULL },
	/* keys and sections */
	{ "typo adress", "[server]\nadress = 10.0.0.1\n", -EINVAL, 2,
		"did you mean 'address'" },
	{ "typo netmsk", "[server]\naddress = 10.0.0.1\n[dhcp]\nnetmsk = 255.255.255.0\n",
		-EINVAL, 4, "did you mean 'netmask'" },
	{ "unknown key no hint", "[server]\naddress = 10.0.0.1\nfrobnicate = yes\n", -EINVAL,
		3, "unknown key 'frobnicate'" },
	{ "key in wrong section", "[server]\naddress = 10.0.0.1\nrange = 1 2\n", -EINVAL, 3,
		"goes in [dhcp]" },
	{ "key outside section", "address = 10.0.0.1\n", -EINVAL, 1, "outside of any section" },
	{ "unknown section hint", "[sever]\naddress = 10.0.0.1\n", -EINVAL, 1,
		"did you mean [server]" },
	{ "unknown section no hint", "[frobnicator]\n", -EINVAL, 1, "unknown section" },
	{ "image without name", "[image]\n", -EINVAL, 1, "needs a name" },
	{ "server with name", "[server main]\n", -EINVAL, 1, "takes no name" },
	{ "header too many words", "[image a b]\n", -EINVAL, 1, "too many words" },
	{ "header empty", "[]\n", -EINVAL, 1, "empty section header" },
	{ "header without bracket", "[server\naddress = 10.0.0.1\n", -EINVAL, 1,
		"without ']'" },
	{ "header trailing text", "[server] x\n", -EINVAL, 1, "text after" },
	{ "bare word line", "[server]\naddress = 10.0.0.1\njustaword\n", -EINVAL, 3,
		"expected 'key = value'" },
	{ "bad image name", "[image ../etc]\n", -EINVAL, 1, "image name" },
	{ "bad host name", BASE "[host -pc]\n", -EINVAL, 9, "not a valid host name" },
	{ "host name too long", BASE "[host "
		"a123456789012345678901234567890123456789012345678901234567890123]\n", -EINVAL, 9,
		"not a valid host name" },
	/* values */
	{ "mode bad", "[server]\naddress = 10.0.0.1\nmode = half\n", -EINVAL, 3,
		"not a mode" },
	{ "interface too long", "[server]\naddress = 10.0.0.1\nmode = proxy\n"
		"interface = abcdefghijklmnop\n", -EINVAL, 4, "not an interface name" },
	{ "interface slash", "[server]\naddress = 10.0.0.1\nmode = proxy\n"
		"interface = eth/1\n", -EINVAL, 4, "not an interface name" },
	{ "tftp-root relative", "[server]\naddress = 10.0.0.1\nmode = proxy\n"
		"tftp-root = srv/tftp\n", -EINVAL, 4, "absolute path" },
	{ "tftp-root dotdot", "[server]\naddress = 10.0.0.1\nmode = proxy\n"
		"tftp-root = /srv/../etc\n", -EINVAL, 4, "absolute path" },
	{ "lease-time in image section", BASE "lease-time = 12h\n", -EINVAL, 9, "goes in [dhcp]" },
	{ "lease-time ok", "[server]\naddress = 10.0.0.1\n[dhcp]\nnetmask = 255.255.255.0\n"
		"lease-time = 12h\n", 0, 0, NULL },
	{ "lease-time zero", "[server]\naddress = 10.0.0.1\n[dhcp]\nnetmask = 255.255.255.0\n"
		"lease-time = 0\n", -EINVAL, 5, "not a duration" },
	{ "lease-time too short", "[server]\naddress = 10.0.0.1\n[dhcp]\n"
		"netmask = 255.255.255.0\nlease-time = 59\n", -EINVAL, 5, "not a duration" },
	{ "lease-time word", "[server]\naddress = 10.0.0.1\n[dhcp]\nnetmask = 255.255.255.0\n"
		"lease-time = forever\n", -EINVAL, 5, "not a duration" },
	{ "lease-time overflow", "[server]\naddress = 10.0.0.1\n[dhcp]\n"
		"netmask = 255.255.255.0\nlease-time = 99999999999999999999d\n", -EINVAL, 5,
		"not a duration" },
	{ "lease-time negative", "[server]\naddress = 10.0.0.1\n[dhcp]\n"
		"netmask = 255.255.255.0\nlease-time = -5\n", -EINVAL, 5, "not a duration" },
	{ "mtu too small", "[server]\naddress = 10.0.0.1\n[dhcp]\nnetmask = 255.255.255.0\n"
		"mtu = 67\n", -EINVAL, 5, "not an MTU" },
	{ "conflict-probe none", "[server]\naddress = 10.0.0.1\n[dhcp]\n"
		"netmask = 255.255.255.0\nconflict-probe = none\n", 0, 0, NULL },
	{ "conflict-probe icmp", "[server]\naddress = 10.0.0.1\n[dhcp]\n"
		"netmask = 255.255.255.0\nconflict-probe = icmp\n", -EINVAL, 5,
		"not arp or none" },
	{ "conflict-probe empty", "[server]\naddress = 10.0.0.1\n[dhcp]\n"
		"netmask = 255.255.255.0\nconflict-probe =\n", -EINVAL, 5, NULL },
	{ "dns four servers", "[server]\naddress = 10.0.0.1\n[dhcp]\nnetmask = 255.255.255.0\n"
		"dns = 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4\n", -EINVAL, 5, "more than 3" },
	{ "dns bad", "[server]\naddress = 10.0.0.1\n[dhcp]\nnetmask = 255.255.255.0\n"
		"dns = 10.0.0.1,resolver\n", -EINVAL, 5, "not an IPv4" },
	{ "domain bad", "[server]\naddress = 10.0.0.1\n[dhcp]\nnetmask = 255.255.255.0\n"
		"domain = lab..example\n", -EINVAL, 5, "not a domain" },
	{ "max-blksize too big", "[server]\naddress = 10.0.0.1\nmode = proxy\n[tftp]\n"
		"max-blksize = 65465\n", -EINVAL, 5, "512 to 65464" },
	{ "max-windowsize zero", "[server]\naddress = 10.0.0.1\nmode = proxy\n[tftp]\n"
		"max-windowsize = 0\n", -EINVAL, 5, "1 to 65535" },
	{ "default-blksize above max-blksize", "[server]\naddress = 10.0.0.1\nmode = proxy\n"
		"[tftp]\nmax-blksize = 1468\ndefault-blksize = 8192\n", -EINVAL, 6,
		"above max-blksize 1468" },
	{ "default-windowsize above max-windowsize", "[server]\naddress = 10.0.0.1\n"
		"mode = proxy\n[tftp]\ndefault-windowsize = 65\n", -EINVAL, 5,
		"above max-windowsize 64" },
	{ "default-windowsize zero", "[server]\naddress = 10.0.0.1\nmode = proxy\n[tftp]\n"
		"default-windowsize = 0\n", -EINVAL, 5, "1 to 65535" },
	{ "listen ok, two forms", "[server]\naddress = 10.0.0.1\nmode = proxy\n[tftp]\n"
		"listen = 10.0.0.1, 10.0.1.1\nlisten = 10.0.2.1\n", 0, 0, NULL },
	{ "listen empty", "[server]\naddress = 10.0.0.1\nmode = proxy\n[tftp]\n"
		"listen = ,\n", -EINVAL, 5, "give addresses" },
	{ "listen bad address", "[server]\naddress = 10.0.0.1\nmode = proxy\n[tftp]\n"
		"listen = 10.0.0.1 eth0\n", -EINVAL, 5, "'eth0' is not an IPv4" },
	{ "listen broadcast", "[server]\naddress = 10.0.0.1\nmode = proxy\n[tftp]\n"
		"listen = 255.255.255.255\n", -EINVAL, 5, "not a unicast address" },
	{ "listen twice", "[server]\naddress = 10.0.0.1\nmode = proxy\n[tftp]\n"
		"listen = 10.0.0.1\nlisten = 10.0.0.1\n", -EINVAL, 6, "given twice" },
	{ "root with comma", BASE "[image x]\nroot = /srv/a,b\n", -EINVAL, 10,
		"no commas" },
	{ "root slash", BASE "[image x]\nroot = /\n", -EINVAL, 10, "not '/'" },
	{ "root relative", BASE "[image x]\nroot = srv/x\n", -EINVAL, 10, "absolute path" },
	{ "nfs vers 5", BASE "nfs-options = vers=5\n", -EINVAL, 9, "versions 3" },
	{ "nfs space", BASE "nfs-options = vers=3, tcp\n", -EINVAL, 9,
		"not an NFS mount option" },
	{ "nfs empty option", BASE "nfs-options = vers=3,,tcp\n", -EINVAL, 9, "empty option" },
	{ "overlay bad", BASE "overlay = zram\n", -EINVAL, 9, "not an overlay" },
	{ "cmdline repeat ok", BASE "cmdline = quiet\ncmdline = splash\n", 0, 0, NULL },
	{ "cmdline overrides ours", BASE "cmdline = ip=dhcp\n", 0, 9, "overrides" },
	{ "cmdline control char", BASE "cmdline = a\tb\n", -EINVAL, 9, "printable ASCII" },
	{ "cmdline shell dollar", BASE "cmdline = quiet $(x)\n", -EINVAL, 9,
		"'$' would be read by pxelinux" },
	{ "cmdline quote", BASE "cmdline = a=\"b c\"\n", -EINVAL, 9, "would be read by" },
	{ "root with semicolon", BASE "[image x]\nroot = /srv/a;b\n", -EINVAL, 10,
		"cannot be an NFS root" },
	{ "kernel ok", BASE "kernel = /srv/boot/vmlinuz-6.1\ninitrd = /srv/boot/lab.img\n",
		0, 0, NULL },
	{ "kernel relative", BASE "kernel = boot/vmlinuz\n", -EINVAL, 9, "absolute path" },
	{ "initrd with space", BASE "initrd = /srv/my initrd\n", -EINVAL, 9,
		"character boot loaders interpret" },
	/* [boot] (line 9 is the header, keys from line 10) */
	{ "boot all keys", BASE "[boot]\nbios = lpxelinux.0\nefi-ia32 = ia32/bootia32.efi\n"
		"efi-x64 = efi/grubx64.efi\nefi-arm32 = none\nefi-arm64 = arm64/grubaa64.efi\n"
		"http-ia32 = http://10.0.0.1/ia32.efi\nhttp-x64 = https://%s/x64/%m.efi\n"
		"http-arm32 = none\nhttp-arm64 = http://boot.lab:8080/aa64.efi\n"
		"ipxe = ipxe/%h.ipxe\nipxe-unknown = http://10.0.0.1/menu.ipxe\n"
		"unknown-clients = ignore\nproxy-strategy = menu\n"
		"proxy-menu-text = Lab boot (F8)\n", 0, 0, NULL },
	{ "boot loader for ipxe", BASE "[boot]\nipxe = loader\nipxe-unknown = none\n", 0, 0,
		NULL },
	{ "boot absolute", BASE "[boot]\nbios = /pxelinux.0\n", -EINVAL, 10,
		"not a path in the TFTP root" },
	{ "boot dotdot", BASE "[boot]\nbios = ../etc/passwd\n", -EINVAL, 10,
		"no '..' part" },
	{ "boot dotdot inside", BASE "[boot]\nefi-x64 = efi/../../x.efi\n", -EINVAL, 10,
		"no '..' part" },
	{ "boot dotdot end", BASE "[boot]\nefi-x64 = efi/..\n", -EINVAL, 10, "no '..' part" },
	{ "boot dots ok", BASE "[boot]\nefi-x64 = efi/..x/x..y.efi\n", 0, 0, NULL },
	{ "boot space", BASE "[boot]\nbios = my loader.0\n", -EINVAL, 10, "has a space" },
	{ "boot control byte", BASE "[boot]\nbios = pxe\001linux.0\n", -EINVAL, 10,
		"control byte" },
	{ "boot escape byte", BASE "[boot]\nbios = pxe\033[2Jlinux.0\n", -EINVAL, 10,
		"control byte" },
	{ "boot non-ascii", BASE "[boot]\nbios = pxel\xc3\xafnux.0\n", -EINVAL, 10,
		"non-ASCII" },
	{ "boot too long", BASE "[boot]\nbios = "
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		-EINVAL, 10, "1 to 127 bytes" },
	{ "boot 127 bytes", BASE "[boot]\nbios = "
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 0, 0, NULL },
	{ "boot empty", BASE "[boot]\nbios =\n", -EINVAL, 10, "1 to 127 bytes" },
	{ "boot url for pxe", BASE "[boot]\nbios = http://10.0.0.1/pxelinux.0\n", -EINVAL,
		10, "is a URL" },
	{ "boot http not url", BASE "[boot]\nhttp-x64 = efi/bootx64.efi\n", -EINVAL, 10,
		"not an http:// or https:// URL" },
	{ "boot http tftp url", BASE "[boot]\nhttp-x64 = tftp://10.0.0.1/x.efi\n", -EINVAL,
		10, "not an http:// or https:// URL" },
	{ "boot http no host", BASE "[boot]\nhttp-arm64 = http:///x.efi\n", -EINVAL, 10,
		"not an http:// or https:// URL" },
	{ "boot http empty host", BASE "[boot]\nhttp-ia32 = https://\n", -EINVAL, 10,
		"not an http:// or https:// URL" },
	{ "boot ipxe bad url", BASE "[boot]\nipxe = https://\n", -EINVAL, 10,
		"a URL without a host" },
	{ "boot bad placeholder", BASE "[boot]\nbios = pxe/%x.0\n", -EINVAL, 10,
		"starts %m (MAC)" },
	{ "boot lone percent", BASE "[boot]\nipxe = ipxe/50%\n", -EINVAL, 10,
		"starts %m (MAC)" },
	{ "boot loader not ipxe", BASE "[boot]\nefi-x64 = loader\n", -EINVAL, 10,
		"'loader' is for the ipxe keys" },
	{ "boot ipxe loop file", BASE "[boot]\nipxe = undionly.kpxe\n", 0, 10, "boot loop" },
	{ "boot ipxe loop loader", BASE "[boot]\nefi-x64 = ipxe.efi\nipxe = loader\n", 0, 11,
		"boot loop" },
	{ "boot ipxe script no loop", BASE "[boot]\nipxe-unknown = ipxe/menu.ipxe\n", 0, 0,
		NULL },
	{ "boot unknown-clients bad", BASE "[boot]\nunknown-clients = drop\n", -EINVAL, 10,
		"not menu" },
	{ "boot proxy-strategy bad", BASE "[boot]\nproxy-strategy = pxe\n", -EINVAL, 10,
		"not binl" },
	{ "boot menu text semicolon", BASE "[boot]\nproxy-menu-text = a;b\n", -EINVAL, 10,
		"printable ASCII" },
	{ "boot menu text too long", BASE "[boot]\nproxy-menu-text = "
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", -EINVAL, 10,
		"1 to 64" },
	{ "boot twice", BASE "[boot]\n[boot]\n", -EINVAL, 10, "[boot] given twice" },
	{ "boot key twice", BASE "[boot]\nbios = a.0\nbios = b.0\n", -EINVAL, 11,
		"given twice" },
	{ "boot key in server", "[server]\naddress = 10.0.0.1\nmode = proxy\nbios = a.0\n",
		-EINVAL, 4, "goes in [boot]" },
	{ "boot typo", BASE "[boot]\nefi-arm4 = a.efi\n", -EINVAL, 10,
		"did you mean 'efi-arm64'" },
	{ "boot section typo", "[bot]\n", -EINVAL, 1, "did you mean [boot]" },
	{ "boot ipxe none", BASE "[boot]\nipxe = none\n", 0, 0, NULL },
	/* file format */
	{ "crlf line ends", "[server]\r\naddress = 10.0.0.1\r\nmode = proxy\r\n", 0, 0, NULL },
	{ "indented keys", "[server]\n  address = 10.0.0.1\n\tmode = proxy\n", 0, 0, NULL },
	{ "inline comments", "[server] ; main\naddress = 10.0.0.1 ; here\nmode = proxy\n", 0,
		0, NULL },
	{ "utf8 bom", "\xef\xbb\xbf[server]\naddress = 10.0.0.1\nmode = proxy\n", 0, 0, NULL },
	{ "colon separator", "[server]\naddress: 10.0.0.1\nmode: proxy\n", 0, 0, NULL },
	{ "high bytes", "[server]\naddress = 10.0.0.1\nmode = proxy\n\xff\xfe = \x80\n",
		-EINVAL, 4, "unknown key" },
	{ "no final newline", "[server]\naddress = 10.0.0.1\nmode = proxy", 0, 0, NULL },
};

struct load_result {
	int rc;
	struct site *site;
};

static struct load_result
load_text(const char *name, const void *text, size_t len)
{
	struct load_result res;
	const char *path;

	path = tap_write_file(name, text, len);
	if (path == NULL) {
		tap_diag("cannot write %s", name);
		res.rc = -EIO;
		res.site = NULL;
		return res;
	}
	res.rc = site_load(path, &res.site);
	return res;
}

/* A diagnostic at line with msg in it, or (msg NULL) any at all. */
static int
has_diag(const struct site *site, unsigned line, const char *msg)
{
	size_t i;

	for (i = 0; i < site->n_diags; i++)
		if (site->diags[i].where.line == line &&
			(msg == NULL || strstr(site->diags[i].msg, msg) != NULL))
			return 1;
	return 0;
}

static void
dump_diags(const struct site *site)
{
	size_t i;

	for (i = 0; i < site->n_diags; i++)
		tap_diag("  %u: %s", site->diags[i].where.line, site->diags[i].msg);
}

static void
run_case(const struct config_case *c)
{
	struct load_result r = load_text("case.conf", c->text, strlen(c->text));

	if (!tap_ok(r.site != NULL && r.rc == c->want, "%s: result %d", c->name, c->want)) {
		tap_diag("got %d", r.rc);
		if (r.site)
			dump_diags(r.site);
	}
	if (c->msg != NULL && r.site != NULL &&
		!tap_ok(has_diag(r.site, c->line, c->msg), "%s: line %u says '%s'", c->name,
			c->line, c->msg))
		dump_diags(r.site);
	site_free(r.site);
}

static void
test_binary_garbage(void)
{
	unsigned char buf[4096];
	unsigned x = 12345;
	struct load_result r;
	size_t i;

	for (i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char)(x >> 16);
	}
	r = load_text("garbage.conf", buf, sizeof(buf));
	tap_ok(r.rc == -EINVAL && r.site != NULL, "binary garbage is refused");
	tap_ok(r.site && r.site->n_diags <= SITE_MAX_DIAGS &&
			r.site->n_errors == r.site->n_diags -
				r.site->n_warnings + r.site->n_unreported,
		"binary garbage: diagnostics bounded and counted");
	site_free(r.site);
}

static void
test_nul_bytes(void)
{
	static const char text[] = "[server]\naddress = 10.0.0.1\0evil\nmode = proxy\n";
	struct load_result r = load_text("nul.conf", text, sizeof(text) - 1);

	tap_ok(r.rc == -EINVAL && r.site && has_diag(r.site, 2, "NUL byte"),
		"NUL byte in a line is refused at its line");
	site_free(r.site);
}

static void
test_long_line(void)
{
	size_t n = 1 << 20, i;
	char *text = malloc(n + 64);
	struct load_result r;
	int len;

	if (text == NULL)
		return;
	len = snprintf(text, 64, "[server]\naddress = 10.0.0.1\nmode = proxy\ncmdline = ");
	for (i = (size_t)len; i < n; i++)
		text[i] = 'x';
	memcpy(text + n, "\n[image a]\nroot = /a\n", 22);
	r = load_text("long.conf", text, n + 21);
	tap_ok(r.rc == -EINVAL && r.site && has_diag(r.site, 4, "line longer than"),
		"1 MB line is refused at its line");
	tap_ok(r.site && r.site->n_images == 1 && !has_diag(r.site, 5, NULL),
		"the lines after a 1 MB line are read normally");
	site_free(r.site);
	free(text);
}

static void
test_many_errors(void)
{
	char text[8192];
	size_t off = 0;
	struct load_result r;
	int i;

	off += (size_t)snprintf(text, sizeof(text), "[server]\n");
	for (i = 0; i < 200; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off, "bogus%d = 1\n", i);
	r = load_text("many.conf", text, off);
	tap_ok(r.site && r.site->n_diags == SITE_MAX_DIAGS && r.site->n_unreported > 150,
		"200 errors: %d reported, the rest counted", SITE_MAX_DIAGS);
	site_free(r.site);
}

/* Without [boot]: the names `diskless pxe` writes, nothing for the rest. */
static void
test_boot_defaults(const struct site_boot *b)
{
	static const char *const want[SITE_BOOT__COUNT] = {
		[SITE_BOOT_BIOS] = "pxelinux.0",
		[SITE_BOOT_EFI_X64] = "grubnetx64.efi",
		[SITE_BOOT_IPXE] = "boot.ipxe",
		[SITE_BOOT_IPXE_UNKNOWN] = "boot.ipxe",
	};
	int bad = 0;

	for (int i = 0; i < SITE_BOOT__COUNT; i++) {
		const struct site_boot_file *f = &b->file[i];

		if (want[i] == NULL ? f->how != SITE_BOOT_NONE :
				      f->how != SITE_BOOT_FILE || strcmp(f->name, want[i]) != 0) {
			tap_diag("[boot] %s: how %d", site_boot_slot_name(i), f->how);
			bad = 1;
		}
	}
	tap_ok(!bad, "[boot] defaults: pxelinux.0, grubnetx64.efi, boot.ipxe, none");
	tap_ok(b->unknown == SITE_UNKNOWN_MENU && b->proxy == SITE_PROXY_BINL &&
			b->menu_text != NULL && strcmp(b->menu_text, "diskless") == 0,
		"[boot] defaults: unknown clients get the menu, proxy strategy binl");
}

static void
test_values(void)
{
	static const char text[] = BASE "cmdline = quiet\ncmdline = console=ttyS0\n"
				     "overlay = tmpfs\n[host pc01]\nmac = 52-54-00-AB-CD-EF\n"
				     "address = 10.0.0.11\nimage = lab\n";
	struct load_result r = load_text("values.conf", text, strlen(text));
	const struct site_host *h;
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0xab, 0xcd, 0xef };

	if (!tap_ok(r.rc == 0 && r.site != NULL, "values: loads")) {
		if (r.site)
			dump_diags(r.site);
		site_free(r.site);
		return;
	}
	tap_is_str(r.site->images[0].cmdline, "quiet console=ttyS0", "cmdline lines join");
	tap_is_str(r.site->images[0].nfs_options, "vers=3,proto=tcp,nolock",
		"nfs-options default");
	tap_is_int(r.site->images[0].overlay, SITE_OVERLAY_TMPFS, "overlay tmpfs");
	tap_is_int(r.site->dhcp.lease_time, SITE_LEASE_INFINITE, "lease default infinite");
	tap_is_int(r.site->dhcp.conflict_probe, SITE_PROBE_ARP, "conflict-probe default arp");
	tap_is_str(r.site->server.tftp_root, "/srv/diskless/tftp", "tftp-root default");
	h = site_host_by_mac(r.site, mac);
	tap_ok(h != NULL && strcmp(h->name, "pc01") == 0 && h->image_index == 0,
		"host found by MAC, image resolved");
	test_boot_defaults(&r.site->boot);
	site_free(r.site);
}

static const char *
write_str(const char *name, const char *text)
{
	return tap_write_file(name, text, strlen(text));
}

static int
mkdirs(const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", tap_tmpdir(), rel);
	return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

static void
test_hosts_dir(void)
{
	static const char missing[] = "[server]\naddress = 10.0.0.1\nmode = proxy\n"
				      "hosts-dir = missing.d\n";
	struct load_result r;
	char path[4096];

	mkdirs("site1");
	mkdirs("site1/hosts.d");
	write_str("site1/hosts.d/pc01.conf", "mac = 52:54:00:00:00:01\n"
		"address = 10.0.0.11\nimage = lab\n");
	write_str("site1/hosts.d/pc02.conf", "; a comment\nmac = 52:54:00:00:00:02\n"
		"address = 10.0.0.12\nimage = lab\n");
	write_str("site1/hosts.d/README", "not a host file\n");
	write_str("site1/hosts.d/.pc03.conf.swp", "garbage\n");
	r = load_text("site1/diskless.conf", BASE, strlen(BASE));
	tap_ok(r.rc == 0 && r.site && r.site->n_hosts == 2 &&
			strcmp(r.site->hosts[1].name, "pc02") == 0 &&
			r.site->hosts[1].where.line == 2,
		"hosts.d beside the config: two hosts, named by file, with lines");
	site_free(r.site);

	write_str("site1/hosts.d/pc03.conf", "mac = 52:54:00:00:00:01\n"
		"address = 10.0.0.13\nimage = lab\n");
	r = load_text("site1/diskless.conf", BASE, strlen(BASE));
	snprintf(path, sizeof(path), "%s/site1/hosts.d/pc03.conf", tap_tmpdir());
	tap_ok(r.rc == -EINVAL && r.site && r.site->n_diags > 0 &&
			strcmp(r.site->diags[0].where.file, path) == 0 &&
			strstr(r.site->diags[0].msg, "already host pc01's") != NULL,
		"duplicate MAC across host files names both files");
	site_free(r.site);

	write_str("site1/hosts.d/pc03.conf", "[server]\n");
	r = load_text("site1/diskless.conf", BASE, strlen(BASE));
	tap_ok(r.rc == -EINVAL && r.site && has_diag(r.site, 1, "in a hosts file"),
		"a hosts file cannot hold [server]");
	site_free(r.site);

	write_str("site1/hosts.d/pc03.conf", "");
	write_str("site1/hosts.d/bad_name.conf", "mac = 52:54:00:00:00:09\n");
	r = load_text("site1/diskless.conf", BASE, strlen(BASE));
	tap_ok(r.rc == -EINVAL && r.site && has_diag(r.site, 1, "not a valid host name"),
		"a host file named bad_name.conf is refused");
	site_free(r.site);

	r = load_text("site2.conf", missing, strlen(missing));
	tap_ok(r.rc == -EINVAL && r.site && has_diag(r.site, 1, "No such file"),
		"an explicit hosts-dir that is missing is an error");
	site_free(r.site);
}

/* Drops the comment lines, which name the files the values came from. */
static void
strip_comments(char *text)
{
	char *in = text, *out = text;

	while (*in != '\0') {
		size_t n = strcspn(in, "\n");

		if (in[n] == '\n')
			n++;
		if (*in != ';') {
			memmove(out, in, n);
			out += n;
		}
		in += n;
	}
	*out = '\0';
}

static char *
print_ini(const struct site *site)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return NULL;
	site_print_ini(site, f);
	fclose(f);
	return text;
}

static void
test_round_trip(void)
{
	static const char text[] = BASE "cmdline = quiet\n"
		"[boot]\nefi-arm64 = arm64/grubaa64.efi\nhttp-x64 = http://%s/%%/x.efi\n"
		"ipxe = loader\nipxe-unknown = none\nunknown-clients = ignore\n"
		"proxy-strategy = bypass\nproxy-menu-text = Lab boot\n"
		HOST("pc01", "52:54:00:12:34:56", "10.0.0.11");
	struct load_result r1, r2 = { 0, NULL };
	char *a = NULL, *b = NULL;

	r1 = load_text("rt1.conf", text, strlen(text));
	if (tap_ok(r1.rc == 0, "round trip: first load"))
		a = print_ini(r1.site);
	if (a != NULL)
		r2 = load_text("rt2.conf", a, strlen(a));
	tap_ok(r2.rc == 0 && r2.site != NULL, "round trip: the printed config loads");
	if (r2.site != NULL)
		b = print_ini(r2.site);
	if (a != NULL && b != NULL) {
		strip_comments(a);
		strip_comments(b);
		tap_is_str(b, a, "round trip: printed twice, same text");
		tap_ok(strstr(b, "mac = 52:54:00:12:34:56\n") != NULL &&
				strstr(b, "nfs-options = vers=3,proto=tcp,nolock\n") != NULL,
			"round trip: values and defaults printed");
		tap_ok(strstr(b, "\nbios = pxelinux.0\n") != NULL &&
				strstr(b, "\nhttp-x64 = http://%s/%%/x.efi\n") != NULL &&
				strstr(b, "\nipxe = loader\nipxe-unknown = none\n") != NULL &&
				strstr(b, "\nefi-ia32 = none\n") != NULL &&
				strstr(b, "\nproxy-menu-text = Lab boot\n") != NULL,
			"round trip: [boot] values, none, loader and defaults printed");
	}
	free(a);
	free(b);
	site_free(r1.site);
	site_free(r2.site);
}

static void
test_missing_file(void)
{
	struct site *site = (struct site *)1;
	char path[4096];

	tap_is_int(site_load("/nonexistent/diskless.conf", &site), -ENOENT,
		"missing file: -ENOENT");
	tap_ok(site == NULL, "missing file: no site");
	snprintf(path, sizeof(path), "%s", tap_tmpdir());
	tap_is_int(site_load(path, &site), -EISDIR, "a directory: -EISDIR");
}

/* boot_name_expand (lib/boot-name.c): the one expander of [boot] names (disklessd's DHCP
 * replies, `diskless export`), with hostile templates and sizes. */
static void
test_boot_expand(void)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xab, 0x0c, 0x01 };
	static const struct {
		const char *tpl;
		int with_client; /* mac and host given */
		size_t size;
		int want;
		const char *out;
	} t[] = {
		{ "pxelinux.0", 1, 128, 0, "pxelinux.0" },
		{ "", 1, 128, 0, "" },
		{ "ipxe/%m.ipxe", 1, 128, 0, "ipxe/52-54-00-ab-0c-01.ipxe" },
		{ "h/%h/%s/100%%", 1, 128, 0, "h/lab01/192.0.2.1/100%" },
		{ "http://%s/boot.ipxe", 0, 128, 0, "http://192.0.2.1/boot.ipxe" },
		{ "ipxe/%m.ipxe", 0, 128, -ENXIO, NULL },
		{ "%h.cfg", 0, 128, -ENXIO, NULL },
		{ "bad%x", 1, 128, -EINVAL, NULL },
		{ "lone%", 1, 128, -EINVAL, NULL },
		{ "%%%", 1, 128, -EINVAL, NULL },
		{ "abcd", 1, 5, 0, "abcd" },
		{ "abcde", 1, 5, -ENAMETOOLONG, NULL },
		{ "%s", 1, 9, -ENAMETOOLONG, NULL },
		{ "x", 1, 0, -ENAMETOOLONG, NULL },
	};
	struct in_addr srv = { htonl(0xc0000201) };
	char buf[128];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int r = boot_name_expand(t[i].tpl, t[i].with_client ? mac : NULL,
			t[i].with_client ? "lab01" : NULL, srv, buf, t[i].size);

		tap_is_int(r, t[i].want, "boot name \"%s\" in %zu bytes: %d", t[i].tpl,
			t[i].size, t[i].want);
		if (t[i].out != NULL)
			tap_is_str(buf, t[i].out, "... gives \"%s\"", t[i].out);
	}
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	test_binary_garbage();
	test_nul_bytes();
	test_long_line();
	test_many_errors();
	test_values();
	test_hosts_dir();
	test_round_trip();
	test_missing_file();
	test_boot_expand();
	return tap_done();
}
