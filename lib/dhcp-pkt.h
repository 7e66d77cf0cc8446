/*
 * dhcp-pkt.h: the BOOTP/DHCP wire format (RFC 951, RFC 2131, RFC 2132).
 *
 * dhcp_pkt_parse() turns untrusted bytes into a struct dhcp_pkt: the fixed
 * header, then every option located and length-checked, with option
 * overload (52) followed into 'file' and 'sname' and split options joined
 * (RFC 3396). Options keep their bytes in the struct, so the packet buffer
 * may be reused as soon as the call returns.
 *
 * The builder writes a reply header and appends options into a caller's
 * buffer; every append checks the room left (one byte is always kept for
 * the End option) and the first failure sticks, so a caller may append a
 * run of options and test once.
 *
 * Pure functions: no allocation, no I/O, no logging.
 */
#ifndef DISKLESS_DHCP_PKT_H
#define DISKLESS_DHCP_PKT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 2131 §2, figure 1: the fixed part, then the magic cookie. */
#define DHCP_SNAME_LEN 64
#define DHCP_FILE_LEN 128
#define DHCP_CHADDR_LEN 16
#define DHCP_FIXED_LEN 236
#define DHCP_COOKIE_LEN 4
#define DHCP_HDR_LEN (DHCP_FIXED_LEN + DHCP_COOKIE_LEN)
#define DHCP_OFF_SNAME 44
#define DHCP_OFF_FILE 108
/* Largest datagram we read; a Ethernet frame with jumbo slack. Larger input
 * is refused rather than truncated. */
#define DHCP_PKT_MAX 4096
/* RFC 2131 §2: every DHCP participant accepts 576-byte IP datagrams, i.e. a
 * 548-byte DHCP message after the IP and UDP headers. */
#define DHCP_MIN_MSG 548
#define DHCP_IPUDP_LEN 28

#define BOOTREQUEST 1
#define BOOTREPLY 2
#define DHCP_HTYPE_ETHER 1
#define DHCP_FLAG_BROADCAST 0x8000

enum dhcp_msg_type {
	DHCP_NONE = 0, /* BOOTP: no option 53 */
	DHCPDISCOVER = 1,
	DHCPOFFER = 2,
	DHCPREQUEST = 3,
	DHCPDECLINE = 4,
	DHCPACK = 5,
	DHCPNAK = 6,
	DHCPRELEASE = 7,
	DHCPINFORM = 8,
};

enum dhcp_opt_code {
	DHO_PAD = 0,
	DHO_SUBNET_MASK = 1,
	DHO_ROUTERS = 3,
	DHO_DNS = 6,
	DHO_HOST_NAME = 12,
	DHO_DOMAIN_NAME = 15,
	DHO_ROOT_PATH = 17,
	DHO_MTU = 26,
	DHO_VENDOR_ENCAP = 43,
	DHO_REQUESTED_ADDR = 50,
	DHO_LEASE_TIME = 51,
	DHO_OVERLOAD = 52,
	DHO_MSG_TYPE = 53,
	DHO_SERVER_ID = 54,
	DHO_PARAM_LIST = 55,
	DHO_MESSAGE = 56,
	DHO_MAX_MSG_SIZE = 57,
	DHO_T1 = 58,
	DHO_T2 = 59,
	DHO_VENDOR_CLASS = 60,
	DHO_CLIENT_ID = 61,
	DHO_TFTP_SERVER = 66,
	DHO_BOOTFILE = 67,
	DHO_USER_CLASS = 77,
	DHO_RELAY_INFO = 82,
	DHO_CLIENT_ARCH = 93, /* RFC 4578 §2.1 */
	DHO_CLIENT_NDI = 94,  /* RFC 4578 §2.2 */
	DHO_CLIENT_UUID = 97, /* RFC 4578 §2.3 */
	DHO_IPXE_ENCAP = 175, /* iPXE's encapsulated options */
	DHO_END = 255,
};

/* PXE 2.1 §2.4 option 43 sub-options (vendor class "PXEClient"). */
enum pxe_subopt {
	PXE_DISCOVERY_CONTROL = 6,
	PXE_BOOT_SERVERS = 8,
	PXE_BOOT_MENU = 9,
	PXE_MENU_PROMPT = 10,
	PXE_BOOT_ITEM = 71,
};

/* iPXE include/ipxe/dhcp.h: sub-options of option 175. */
enum ipxe_subopt {
	IPXE_NO_PXEDHCP = 176,
};

/* Where the bytes of one option sit in dhcp_pkt.optbuf. */
struct dhcp_opt_loc {
	uint16_t off;
	uint16_t len;
};

struct dhcp_pkt {
	/* fixed header, addresses in network order */
	uint8_t op, htype, hlen, hops;
	uint32_t xid; /* as on the wire */
	uint16_t secs, flags;
	struct in_addr ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[DHCP_CHADDR_LEN];
	char sname[DHCP_SNAME_LEN + 1]; /* NUL-terminated copies */
	char file[DHCP_FILE_LEN + 1];
	uint8_t overload; /* option 52 value, 0 when absent */
	bool no_end;      /* the options field had no End option */

	/* decoded, each already length-checked */
	uint8_t msg_type;              /* enum dhcp_msg_type */
	uint16_t max_msg_size;         /* option 57, 0 when absent */
	struct in_addr requested_addr; /* option 50, 0.0.0.0 when absent */
	struct in_addr server_id;      /* option 54, 0.0.0.0 when absent */
	uint16_t arch[8];              /* option 93, RFC 4578 §2.1 */
	uint8_t n_arch;                /* 0 when absent */

	/* every option by code (RFC 3396: repeats concatenated) */
	uint8_t present[32]; /* bitmap by code */
	struct dhcp_opt_loc loc[256];
	uint8_t optbuf[DHCP_PKT_MAX];
	uint16_t optbuf_len;
};

/*
 * Parses len bytes. Returns 0, or:
 *   -EMSGSIZE  longer than DHCP_PKT_MAX
 *   -EBADMSG   shorter than the fixed header, no magic cookie, op not 1/2,
 *              hlen > 16, an option running past its field, overload in
 *              the wrong place, or a mandatory option with the wrong length
 *              (53, 50, 54, 57, 52)
 * Options of wrong shape that a reply can do without (93, 94, 97) are left
 * out of the decoded fields but stay locatable with dhcp_pkt_opt().
 */
int dhcp_pkt_parse(const uint8_t *buf, size_t len, struct dhcp_pkt *pkt);

/* The bytes of option code, or NULL when absent; *len gets the length. */
const uint8_t *dhcp_pkt_opt(const struct dhcp_pkt *pkt, uint8_t code, size_t *len);
bool dhcp_pkt_has(const struct dhcp_pkt *pkt, uint8_t code);
/* Option 55 lists code. */
bool dhcp_pkt_requests(const struct dhcp_pkt *pkt, uint8_t code);
/* Option 60 starts with prefix (e.g. "PXEClient"). */
bool dhcp_pkt_vendor_class_is(const struct dhcp_pkt *pkt, const char *prefix);
/* Option 77 contains name, either raw (as iPXE sends it) or as one of the
 * RFC 3004 length-prefixed instances. */
bool dhcp_pkt_user_class_has(const struct dhcp_pkt *pkt, const char *name);
/* Finds sub-option sub in an encapsulated option (43, 82, 175). */
const uint8_t *dhcp_pkt_subopt(const struct dhcp_pkt *pkt, uint8_t code, uint8_t sub,
	size_t *len);
const char *dhcp_msg_type_name(uint8_t type);

/* A bounded type-length-value writer, used both for the options of a
 * message and for the sub-options of option 43 or 175. */
struct dhcp_tlv {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err; /* 0 or -ENOSPC/-EINVAL, sticky */
};

void dhcp_tlv_init(struct dhcp_tlv *t, uint8_t *buf, size_t cap);
/* Appends code, len, data; -EINVAL when len > 255, -ENOSPC when full. */
int dhcp_tlv_add(struct dhcp_tlv *t, uint8_t code, const void *data, size_t len);
/* The same, splitting data longer than 255 over several instances of the
 * code (RFC 3396 §7), which the receiver joins again. */
int dhcp_tlv_add_long(struct dhcp_tlv *t, uint8_t code, const void *data, size_t len);
/* Appends a lone End (255), as option 43 and 175 encapsulations end. */
int dhcp_tlv_add_end(struct dhcp_tlv *t);
int dhcp_tlv_add_u8(struct dhcp_tlv *t, uint8_t code, uint8_t v);
int dhcp_tlv_add_u16(struct dhcp_tlv *t, uint8_t code, uint16_t v);
int dhcp_tlv_add_u32(struct dhcp_tlv *t, uint8_t code, uint32_t v);
int dhcp_tlv_add_addr(struct dhcp_tlv *t, uint8_t code, struct in_addr a);
int dhcp_tlv_add_str(struct dhcp_tlv *t, uint8_t code, const char *s);

/* A reply under construction: header and options in one buffer. */
struct dhcp_builder {
	uint8_t *buf;
	size_t cap;       /* the message may not grow past this */
	struct dhcp_tlv opts;
};

/*
 * Starts a BOOTREPLY in buf (cap bytes, at least DHCP_HDR_LEN + 1) for req:
 * xid, flags, giaddr, htype, hlen and chaddr copied as RFC 2131 Table 3
 * asks, everything else zero, then the magic cookie.
 */
int dhcp_build_start(struct dhcp_builder *b, uint8_t *buf, size_t cap,
	const struct dhcp_pkt *req);
void dhcp_build_set_addrs(struct dhcp_builder *b, struct in_addr ciaddr,
	struct in_addr yiaddr, struct in_addr siaddr);
/* Copies a NUL-terminated name into 'file' or 'sname': -ENAMETOOLONG when
 * it does not fit with its NUL. */
int dhcp_build_set_file(struct dhcp_builder *b, const char *file);
int dhcp_build_set_sname(struct dhcp_builder *b, const char *sname);
/* Appends End and pads to the 300-byte BOOTP minimum (RFC 1542 §3.4 warns
 * that some relays drop shorter messages). Returns the length or -ENOSPC. */
int dhcp_build_finish(struct dhcp_builder *b);

#endif
