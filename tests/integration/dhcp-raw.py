#!/usr/bin/env python3
"""dhcp-raw.py: a DHCP client on a packet socket, for t-dhcp-unicast.sh.

Sends one DHCPDISCOVER from a chosen chaddr (broadcast flag set or clear,
optionally asking for an address with option 50) as a hand-built Ethernet
frame, captures the DHCPOFFER on the same interface, and prints one line:

  eth_dst=MAC ip_dst=ADDR yiaddr=ADDR ip_csum=ok|bad udp_csum=ok|bad|none ms=N

or "none" when no offer came before the timeout (exit 1). The interface
must be in promiscuous mode when chaddr is not its own MAC.
"""
import argparse
import os
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def discover(mac, xid, broadcast, request):
    opts = b"\x35\x01\x01"
    if request:
        opts += b"\x32\x04" + socket.inet_aton(request)
    opts += b"\x37\x03\x01\x03\x06\xff"
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128sI", 1, 1, 6, 0, xid, 0,
                        0x8000 if broadcast else 0, b"\0" * 4, b"\0" * 4,
                        b"\0" * 4, b"\0" * 4, mac + b"\0" * 10, b"", b"",
                        0x63825363) + opts
    bootp += b"\0" * max(0, 300 - len(bootp))
    udp = struct.pack("!HHHH", 68, 67, 8 + len(bootp), 0) + bootp
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     b"\0" * 4, b"\xff" * 4)
    ip = ip[:10] + struct.pack("!H", 0xFFFF - csum(ip)) + ip[12:]
    return b"\xff" * 6 + mac + b"\x08\x00" + ip + udp


def offer(frame, xid):
    """(eth_dst, ip_dst, yiaddr, ip_ok, udp_state) or None."""
    if len(frame) < 14 + 20 + 8 + 240 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    ihl = (ip[0] & 15) * 4
    if ip[9] != 17:
        return None
    tot = struct.unpack("!H", ip[2:4])[0]
    udp = ip[ihl:tot]
    if struct.unpack("!H", udp[2:4])[0] != 68:
        return None
    bootp = udp[8:]
    if bootp[0] != 2 or struct.unpack("!I", bootp[4:8])[0] != xid:
        return None
    ip_ok = csum(ip[:ihl]) == 0xFFFF
    if udp[6:8] == b"\0\0":
        udp_state = "none"
    else:
        pseudo = ip[12:20] + struct.pack("!BBH", 0, 17, len(udp))
        udp_state = "ok" if csum(pseudo + udp) == 0xFFFF else "bad"
    mac = ":".join("%02x" % b for b in frame[0:6])
    return (mac, socket.inet_ntoa(ip[16:20]), socket.inet_ntoa(bootp[16:20]),
            "ok" if ip_ok else "bad", udp_state)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ifname", required=True)
    ap.add_argument("--mac", required=True)
    ap.add_argument("--broadcast", action="store_true")
    ap.add_argument("--request")
    ap.add_argument("--timeout", type=float, default=3.0)
    a = ap.parse_args()
    mac = bytes(int(x, 16) for x in a.mac.split(":"))
    xid = struct.unpack("!I", os.urandom(4))[0]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((a.ifname, 0))
    s.settimeout(0.1)
    t0 = time.monotonic()
    s.send(discover(mac, xid, a.broadcast, a.request))
    while time.monotonic() - t0 < a.timeout:
        try:
            f = s.recv(4096)
        except socket.timeout:
            continue
        got = offer(f, xid)
        if got:
            ms = (time.monotonic() - t0) * 1000
            print("eth_dst=%s ip_dst=%s yiaddr=%s ip_csum=%s udp_csum=%s ms=%.1f"
                  % (got + (ms,)))
            return 0
    print("none")
    return 1


if __name__ == "__main__":
    sys.exit(main())
