/*
 * dhcp-exchange.c: one DHCP exchange over an AF_PACKET socket (the
 * interface has no address yet, so a UDP socket cannot receive the
 * broadcast reply reliably). DISCOVER -> OFFER -> REQUEST -> ACK
 * (RFC 2131 §3.1), retransmitting with growing timeouts (§4.1: "the
 * client SHOULD ... randomized exponential backoff") within max_ms.
 */
#include "config.h"

#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dhcp-client.h"
#include "init.h"

static uint32_t
new_xid(const uint8_t mac[6])
{
	uint32_t x;
	struct timespec ts;

	if (getrandom(&x, sizeof(x), GRND_NONBLOCK) == (ssize_t)sizeof(x))
		return x;
	/* early boot, no entropy yet: unique enough per client and boot */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)(mac[2] << 24 | mac[3] << 16 | mac[4] << 8 | mac[5]) ^
		(uint32_t)ts.tv_nsec;
}

static int
send_msg(int fd, int ifindex, uint8_t type, uint32_t xid, const uint8_t mac[6],
	struct in_addr req_ip, struct in_addr sid, long long start)
{
	uint8_t payload[DHCP_PACKET_MAX], frame[DHCP_PACKET_MAX + 28];
	struct sockaddr_ll sll;
	long long secs = (now_ms() - start) / 1000;
	int plen, flen;

	plen = dhcp_build(payload, sizeof(payload), type, xid, mac, req_ip, sid,
		(uint16_t)(secs > 0xffff ? 0xffff : secs));
	if (plen < 0)
		return plen;
	flen = dhcp_frame_build(frame, sizeof(frame), payload, (size_t)plen);
	if (flen < 0)
		return flen;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = ifindex;
	sll.sll_halen = 6;
	memset(sll.sll_addr, 0xff, 6);
	if (sendto(fd, frame, (size_t)flen, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

/* Waits until deadline for a reply of one of the wanted types. */
static int
wait_reply(int fd, uint32_t xid, const uint8_t mac[6], long long deadline,
	uint8_t want1, uint8_t want2, struct dhcp_lease *out)
{
	uint8_t buf[2048];

	for (;;) {
		long long left = deadline - now_ms();
		struct pollfd pfd = { fd, POLLIN, 0 };
		const uint8_t *pl;
		size_t plen;
		ssize_t n;
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			continue;
		if (dhcp_frame_parse(buf, (size_t)n, &pl, &plen) < 0)
			continue;
		r = dhcp_parse_reply(pl, plen, xid, mac, out);
		if (r == -EINVAL)
			say_warn("DHCP: ignoring a malformed reply");
		if (r < 0)
			continue;
		if (out->type == want1 || out->type == want2)
			return 0;
	}
}

int
dhcp_exchange(int ifindex, const uint8_t mac[6], unsigned max_ms, struct dhcp_lease *out,
	const char **why)
{
	struct sockaddr_ll sll;
	struct dhcp_lease offer;
	long long start = now_ms(), end = start + max_ms;
	unsigned timeout = 1000;
	uint32_t xid = new_xid(mac);
	struct in_addr none = { 0 };
	int fd, r = -ETIMEDOUT;

	*why = NULL;
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
	if (fd < 0) {
		*why = "DHCP: unable to open a packet socket (kernel without CONFIG_PACKET?)";
		return -errno;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		r = -errno;
		*why = "DHCP: unable to bind the packet socket";
		goto out;
	}
	while (now_ms() < end) {
		int tries;

		say_debug("DHCP: DISCOVER (xid %08x, wait %u ms)", xid, timeout);
		if ((r = send_msg(fd, ifindex, DHCPDISCOVER, xid, mac, none, none, start)) < 0) {
			*why = "DHCP: unable to send DISCOVER";
			goto out;
		}
		r = wait_reply(fd, xid, mac, now_ms() + timeout, DHCPOFFER, DHCPOFFER, &offer);
		if (timeout < 8000)
			timeout *= 2;
		if (r < 0)
			continue;
		/* RFC 2131 §4.3.2: REQUEST with 'server identifier' and
		 * 'requested IP address' from the chosen OFFER */
		for (tries = 0; tries < 3; tries++) {
			say_debug("DHCP: REQUEST %s", "(selecting)");
			if ((r = send_msg(fd, ifindex, DHCPREQUEST, xid, mac, offer.yiaddr,
				offer.server_id, start)) < 0) {
				*why = "DHCP: unable to send REQUEST";
				goto out;
			}
			r = wait_reply(fd, xid, mac, now_ms() + 2000, DHCPACK, DHCPNAK, out);
			if (r == 0)
				break;
		}
		if (r == 0 && out->type == DHCPACK) {
			/* the ACK may omit what the OFFER said; keep the server */
			if (out->server_id.s_addr == INADDR_ANY)
				out->server_id = offer.server_id;
			goto out;
		}
		if (r == 0)
			say_warn("DHCP: server sent NAK, starting over");
		xid = new_xid(mac);
		r = -ETIMEDOUT;
	}
	*why = "DHCP: no answer from any DHCP server (is a DHCP server on this segment?)";
out:
	close(fd);
	return r;
}
