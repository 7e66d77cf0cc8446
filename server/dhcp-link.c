/*
 * dhcp-link.c: see dhcp-link.h. SOCK_DGRAM packet sockets (packet(7)): the
 * kernel writes the Ethernet header from the interface's address and the
 * sockaddr_ll we pass, so nothing here needs to know the link's MAC but
 * the ARP request, which carries it in its body.
 */
#include "config.h"

#include <errno.h>
#include <ifaddrs.h>
#include <linux/filter.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netpacket/packet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dhcp-link.h"
#include "udp-frame.h"

#define LINK_IF_MAX 64

struct link_if {
	int ifindex;
	uint8_t mac[LINK_MAC_LEN];
};

struct dhcp_link {
	int tx, arp;
	size_t n_ifs;
	struct link_if ifs[LINK_IF_MAX];
};

/* The Ethernet interfaces (all, or ifname) and their MACs. */
static int
read_ifs(struct dhcp_link *l, const char *ifname)
{
	struct ifaddrs *all, *ifa;

	if (getifaddrs(&all) < 0)
		return -errno;
	for (ifa = all; ifa != NULL && l->n_ifs < LINK_IF_MAX; ifa = ifa->ifa_next) {
		const struct sockaddr_ll *ll = (const void *)ifa->ifa_addr;

		if (ll == NULL || ll->sll_family != AF_PACKET ||
			ll->sll_hatype != ARPHRD_ETHER || ll->sll_halen != LINK_MAC_LEN)
			continue;
		if (ifname[0] != '\0' && strcmp(ifa->ifa_name, ifname) != 0)
			continue;
		l->ifs[l->n_ifs].ifindex = ll->sll_ifindex;
		memcpy(l->ifs[l->n_ifs].mac, ll->sll_addr, LINK_MAC_LEN);
		l->n_ifs++;
	}
	freeifaddrs(all);
	return 0;
}

static const struct link_if *
find_if(const struct dhcp_link *l, int ifindex)
{
	size_t i;

	for (i = 0; i < l->n_ifs; i++)
		if (l->ifs[i].ifindex == ifindex)
			return &l->ifs[i];
	return NULL;
}

/* Keeps ARP replies (operation 2 at offset 6 of the ARP header, which is
 * where a SOCK_DGRAM packet socket's data starts), drops the rest. */
static int
filter_arp_replies(int fd)
{
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARPOP_REPLY, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]),
		.filter = code };

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		return -errno;
	return 0;
}

/* A packet socket for protocol (network order), bound to ifname if set. */
static int
open_packet(const char *ifname, uint16_t protocol)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = protocol };
	int fd, r;

	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	if (fd < 0)
		return -errno;
	if (protocol != 0 && filter_arp_replies(fd) < 0)
		goto fail;
	if (ifname[0] != '\0') {
		sll.sll_ifindex = (int)if_nametoindex(ifname);
		if (sll.sll_ifindex == 0 ||
			bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
			goto fail;
	}
	return fd;
fail:
	r = -errno;
	close(fd);
	return r;
}

struct dhcp_link *
dhcp_link_open(const char *ifname, bool arp)
{
	struct dhcp_link *l = calloc(1, sizeof(*l));
	int r;

	if (l == NULL)
		return NULL;
	l->arp = -1;
	r = read_ifs(l, ifname);
	if (r < 0)
		goto fail;
	/* protocol 0: the kernel hands this socket no packet at all */
	l->tx = open_packet(ifname, 0);
	if (l->tx < 0) {
		r = l->tx;
		goto fail;
	}
	if (arp) {
		l->arp = open_packet(ifname, htons(ETHERTYPE_ARP));
		if (l->arp < 0) {
			r = l->arp;
			goto fail;
		}
	}
	return l;
fail:
	dhcp_link_close(l);
	errno = -r;
	return NULL;
}

void
dhcp_link_close(struct dhcp_link *l)
{
	if (l == NULL)
		return;
	if (l->tx >= 0)
		close(l->tx);
	if (l->arp >= 0)
		close(l->arp);
	free(l);
}

int
dhcp_link_arp_fd(const struct dhcp_link *l)
{
	return l->arp;
}

static int
send_frame(struct dhcp_link *l, int ifindex, uint16_t proto,
	const uint8_t *dst_mac, const uint8_t *p, size_t len)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = proto,
		.sll_ifindex = ifindex, .sll_halen = LINK_MAC_LEN };

	memcpy(to.sll_addr, dst_mac, LINK_MAC_LEN);
	if (sendto(l->tx, p, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

int
dhcp_link_send_udp(struct dhcp_link *l, int ifindex,
	const uint8_t mac[LINK_MAC_LEN], struct in_addr src, uint16_t sport,
	struct in_addr dst, uint16_t dport, const uint8_t *payload, size_t len)
{
	uint8_t frame[UDP_FRAME_HDR_LEN + 1500];
	int n;

	if (find_if(l, ifindex) == NULL)
		return -ENODEV;
	n = udp_frame_build(frame, sizeof(frame), src, sport, dst, dport, payload, len);
	if (n < 0)
		return n;
	return send_frame(l, ifindex, htons(ETHERTYPE_IP), mac, frame, (size_t)n);
}

int
dhcp_link_arp_probe(struct dhcp_link *l, int ifindex, struct in_addr spa,
	struct in_addr tpa)
{
	static const uint8_t bcast[LINK_MAC_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff };
	const struct link_if *i = find_if(l, ifindex);
	uint8_t arp[LINK_ARP_LEN];

	if (i == NULL)
		return -ENODEV;
	link_arp_request(arp, i->mac, spa, tpa);
	return send_frame(l, ifindex, htons(ETHERTYPE_ARP), bcast, arp, sizeof(arp));
}

int
dhcp_link_arp_read(struct dhcp_link *l, struct in_addr *spa,
	uint8_t sha[LINK_MAC_LEN])
{
	uint8_t buf[64];
	ssize_t n;

	for (;;) {
		n = recv(l->arp, buf, sizeof(buf), MSG_TRUNC);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		if (link_arp_parse(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf),
			    spa, sha) == 0)
			return 1;
	}
}
