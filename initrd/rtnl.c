/*
 * rtnl.c: see rtnl.h. Requests are built in stack buffers; replies are
 * walked with the NLMSG_OK/RTA_OK bounds checks (the kernel is trusted, but
 * a short read must still not run past the buffer).
 */
#include "config.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rtnl.h"

struct req {
	struct nlmsghdr nh;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
		struct rtmsg rt;
		struct rtgenmsg gen;
	} u;
	char attrs[256];
};

static uint32_t rtnl_seq;

int
rtnl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

static int
add_attr(struct req *r, unsigned short type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(r->nh.nlmsg_len);
	struct rtattr *rta;

	if (off + RTA_SPACE(len) > sizeof(*r))
		return -ENOBUFS;
	rta = (struct rtattr *)(void *)((char *)r + off);
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = (uint32_t)(off + RTA_SPACE(len));
	return 0;
}

/* Sends r; for a dump calls cb on each message, else waits for the ACK. */
static int
transact(int fd, struct req *r, void (*cb)(struct nlmsghdr *, void *), void *arg)
{
	char buf[16384] __attribute__((aligned(4)));
	uint32_t seq = ++rtnl_seq;

	r->nh.nlmsg_seq = seq;
	if (send(fd, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nh;
		size_t len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		len = (size_t)n;
		for (nh = (struct nlmsghdr *)(void *)buf; NLMSG_OK(nh, len);
			nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_seq != seq)
				continue;
			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					return -EIO;
				return e->error;	/* 0 is the ACK */
			}
			if (cb != NULL)
				cb(nh, arg);
		}
	}
}

struct links_arg {
	struct rtnl_link *links;
	unsigned n, max;
};

static void
link_cb(struct nlmsghdr *nh, void *arg)
{
	struct links_arg *la = arg;
	struct ifinfomsg *ifi = NLMSG_DATA(nh);
	struct rtnl_link *l;
	struct rtattr *rta;
	int len;

	if (nh->nlmsg_type != RTM_NEWLINK || la->n >= la->max ||
		nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return;
	l = &la->links[la->n];
	memset(l, 0, sizeof(*l));
	l->index = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	l->type = ifi->ifi_type;
	len = (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi)));
	for (rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		size_t plen = RTA_PAYLOAD(rta);

		switch (rta->rta_type) {
		case IFLA_IFNAME:
			if (plen > 0 && plen <= sizeof(l->name)) {
				memcpy(l->name, RTA_DATA(rta), plen);
				l->name[sizeof(l->name) - 1] = '\0';
			}
			break;
		case IFLA_ADDRESS:
			if (plen == 6) {
				memcpy(l->mac, RTA_DATA(rta), 6);
				l->has_mac = true;
			}
			break;
		case IFLA_CARRIER:
			if (plen >= 1)
				l->carrier = *(unsigned char *)RTA_DATA(rta) != 0;
			break;
		case IFLA_MTU:
			if (plen >= 4)
				memcpy(&l->mtu, RTA_DATA(rta), 4);
			break;
		default:
			break;
		}
	}
	if (l->name[0] != '\0')
		la->n++;
}

int
rtnl_links(int fd, struct rtnl_link *links, unsigned *n)
{
	struct req r;
	struct links_arg la = { links, 0, *n };
	int ret;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.u.gen));
	r.nh.nlmsg_type = RTM_GETLINK;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	r.u.gen.rtgen_family = AF_UNSPEC;
	ret = transact(fd, &r, link_cb, &la);
	*n = la.n;
	return ret;
}

static int
set_link(int fd, int index, unsigned flags, unsigned change, const unsigned *mtu)
{
	struct req r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.u.ifi));
	r.nh.nlmsg_type = RTM_NEWLINK;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r.u.ifi.ifi_family = AF_UNSPEC;
	r.u.ifi.ifi_index = index;
	r.u.ifi.ifi_flags = flags;
	r.u.ifi.ifi_change = change;
	if (mtu != NULL && (ret = add_attr(&r, IFLA_MTU, mtu, sizeof(*mtu))) < 0)
		return ret;
	return transact(fd, &r, NULL, NULL);
}

/* The kernel renames only a link that is down: take it down first. */
int
rtnl_link_rename(int fd, int index, const char *name)
{
	struct req r;
	size_t n = strlen(name);
	int ret;

	if (n == 0 || n >= IF_NAMESIZE)
		return -EINVAL;
	if ((ret = set_link(fd, index, 0, IFF_UP, NULL)) < 0)
		return ret;
	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.u.ifi));
	r.nh.nlmsg_type = RTM_NEWLINK;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r.u.ifi.ifi_family = AF_UNSPEC;
	r.u.ifi.ifi_index = index;
	if ((ret = add_attr(&r, IFLA_IFNAME, name, n + 1)) < 0)
		return ret;
	return transact(fd, &r, NULL, NULL);
}

int
rtnl_link_up(int fd, int index)
{
	return set_link(fd, index, IFF_UP, IFF_UP, NULL);
}

int
rtnl_link_mtu(int fd, int index, unsigned mtu)
{
	return set_link(fd, index, 0, 0, &mtu);
}

int
rtnl_addr_add(int fd, int index, struct in_addr addr, int prefix, struct in_addr bcast)
{
	struct req r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.u.ifa));
	r.nh.nlmsg_type = RTM_NEWADDR;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
	r.u.ifa.ifa_family = AF_INET;
	r.u.ifa.ifa_prefixlen = (unsigned char)prefix;
	r.u.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	r.u.ifa.ifa_index = (unsigned)index;
	if ((ret = add_attr(&r, IFA_LOCAL, &addr, 4)) < 0 ||
		(ret = add_attr(&r, IFA_ADDRESS, &addr, 4)) < 0 ||
		(ret = add_attr(&r, IFA_BROADCAST, &bcast, 4)) < 0)
		return ret;
	return transact(fd, &r, NULL, NULL);
}

int
rtnl_route_default(int fd, int index, struct in_addr gw)
{
	struct req r;
	uint32_t oif = (uint32_t)index;
	int ret;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.u.rt));
	r.nh.nlmsg_type = RTM_NEWROUTE;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
	r.u.rt.rtm_family = AF_INET;
	r.u.rt.rtm_table = RT_TABLE_MAIN;
	r.u.rt.rtm_protocol = RTPROT_BOOT;
	r.u.rt.rtm_scope = RT_SCOPE_UNIVERSE;
	r.u.rt.rtm_type = RTN_UNICAST;
	if ((ret = add_attr(&r, RTA_GATEWAY, &gw, 4)) < 0 ||
		(ret = add_attr(&r, RTA_OIF, &oif, 4)) < 0)
		return ret;
	return transact(fd, &r, NULL, NULL);
}

struct addr_arg {
	int index;
	bool found;
	struct in_addr addr;
	int prefix;
};

static void
addr_cb(struct nlmsghdr *nh, void *arg)
{
	struct addr_arg *aa = arg;
	struct ifaddrmsg *ifa = NLMSG_DATA(nh);
	struct rtattr *rta;
	int len;

	if (nh->nlmsg_type != RTM_NEWADDR || aa->found ||
		nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)) ||
		(int)ifa->ifa_index != aa->index || ifa->ifa_family != AF_INET)
		return;
	len = (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifa)));
	for (rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == IFA_LOCAL && RTA_PAYLOAD(rta) == 4) {
			memcpy(&aa->addr, RTA_DATA(rta), 4);
			aa->prefix = ifa->ifa_prefixlen;
			aa->found = true;
		}
	}
}

int
rtnl_has_ipv4(int fd, int index, struct in_addr *addr, int *prefix)
{
	struct req r;
	struct addr_arg aa = { index, false, { 0 }, 0 };
	int ret;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.u.ifa));
	r.nh.nlmsg_type = RTM_GETADDR;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	r.u.ifa.ifa_family = AF_INET;
	if ((ret = transact(fd, &r, addr_cb, &aa)) < 0)
		return ret;
	if (aa.found) {
		*addr = aa.addr;
		*prefix = aa.prefix;
	}
	return aa.found ? 1 : 0;
}
