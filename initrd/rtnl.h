/*
 * rtnl.h: the few rtnetlink requests the init needs (no `ip`, no libnl).
 * All return 0 or -errno.
 */
#ifndef DISKLESS_RTNL_H
#define DISKLESS_RTNL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define RTNL_LINKS_MAX 32

struct rtnl_link {
	int index;
	char name[IF_NAMESIZE];
	uint8_t mac[6];
	bool has_mac;
	unsigned flags;		/* IFF_* */
	unsigned short type;	/* ARPHRD_* */
	bool carrier;
	unsigned mtu;
};

int rtnl_open(void);
/* Dumps all links into links[0..*n). */
int rtnl_links(int fd, struct rtnl_link *links, unsigned *n);
int rtnl_link_up(int fd, int index);
int rtnl_link_rename(int fd, int index, const char *name);
int rtnl_link_mtu(int fd, int index, unsigned mtu);
int rtnl_addr_add(int fd, int index, struct in_addr addr, int prefix,
	struct in_addr bcast);
int rtnl_route_default(int fd, int index, struct in_addr gw);
/* True when an IPv4 address is already on the link (kernel ip= autoconfig). */
int rtnl_has_ipv4(int fd, int index, struct in_addr *addr, int *prefix);

#endif
