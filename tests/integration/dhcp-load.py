#!/usr/bin/env python3
"""dhcp-load.py: a scripted population of DHCP clients for the fault tests.

  dhcp-load.py load  IFACE SERVER LOG --macs N [--prefix 02:fa] [--seconds S]
                     [--stop FILE] [--window W] [--rate R] [--fresh F]
                     [--acks N] [--seed N]
  dhcp-load.py check IFACE SERVER LOG --range FIRST LAST
  dhcp-load.py once  IFACE SERVER MAC [--tries N]

Runs in the client network namespace, from a UDP socket on port 68 bound to
IFACE (the interface needs an address in the server's subnet: the server
takes the subnet from the address the request reached, and broadcasts its
replies to 255.255.255.255:68).

load: N clients (MACs PREFIX:00:00:00 + i) with W exchanges in flight, at
most R requests a second. A client without a lease sends DISCOVER then
REQUEST (SELECTING); one with a lease asks for it again (INIT-REBOOT
REQUEST). Once all N are bound, a fraction F of the exchanges still comes
from new clients (MACs N, N+1, ...), so that new bindings keep arriving.
Every OFFER and ACK is appended to LOG as it arrives ("O MAC IP", "A MAC
IP"), flushed at once: the server may be killed at any moment. Retransmits
after 0.25 s, starts over after 2 s. Ends after S seconds, when FILE
exists or after N ACKs; prints the counts.

check: reads LOG. Fails unless the ACKs are a function both ways (a MAC was
only ever ACKed one address, an address only ever ACKed to one MAC). Then
sends every ACKed MAC a DISCOVER with a hint (option 50) of an address never
seen in LOG: a bound client is offered its binding first, a client whose
binding was lost would be offered the hint (the first of the clients
sharing a hint, when there are fewer free addresses than clients). Prints
"checked N lost L twice T".

once: DISCOVER, REQUEST from MAC; prints the ACKed address or "none".
"""
import argparse
import itertools
import os
import random
import select
import socket
import struct
import sys
import time

MAGIC = b"\x63\x82\x53\x63"
DISCOVER, OFFER, REQUEST, ACK, NAK = 1, 2, 3, 5, 6
RETRANSMIT = 0.25
GIVE_UP = 2.0


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def mac_str(b):
    return ":".join("%02x" % x for x in b)


def ip_str(b):
    return socket.inet_ntoa(b)


def build(mac, xid, mtype, want=None, server=None):
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000,
                      bytes(4), bytes(4), bytes(4), bytes(4), mac + bytes(10),
                      bytes(64), bytes(128))
    opts = bytes([53, 1, mtype])
    if want is not None:
        opts += bytes([50, 4]) + want
    if server is not None:
        opts += bytes([54, 4]) + server
    opts += bytes([55, 3, 1, 3, 6, 255])
    pkt = hdr + MAGIC + opts
    return pkt + bytes(max(0, 300 - len(pkt)))


def parse(pkt):
    """(xid, type, yiaddr, chaddr, server id) of a BOOTREPLY, or None."""
    if len(pkt) < 240 or pkt[0] != 2 or pkt[236:240] != MAGIC:
        return None
    xid = struct.unpack("!I", pkt[4:8])[0]
    mtype, sid, i = None, None, 240
    while i < len(pkt) and pkt[i] != 255:
        if pkt[i] == 0:
            i += 1
            continue
        if i + 2 > len(pkt) or i + 2 + pkt[i + 1] > len(pkt):
            return None
        code, ln = pkt[i], pkt[i + 1]
        val = pkt[i + 2:i + 2 + ln]
        if code == 53 and ln == 1:
            mtype = val[0]
        elif code == 54 and ln == 4:
            sid = val
        i += 2 + ln
    return xid, mtype, pkt[16:20], pkt[28:34], sid


def client_socket(iface):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode() + b"\0")
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)
    s.bind(("", 68))
    s.setblocking(False)
    return s


class Exchange:
    """One client's exchange in flight: what it sent, when, and since when."""

    def __init__(self, mac, xid, pkt, now):
        self.mac, self.xid, self.pkt = mac, xid, pkt
        self.sent = self.started = now


class Runner:
    def __init__(self, sock, server):
        self.sock, self.dst = sock, ("255.255.255.255", 67)
        self.server = socket.inet_aton(server)
        self.flight = {}  # xid -> Exchange
        self.sent = self.replies = 0

    def send(self, ex):
        try:
            self.sock.sendto(ex.pkt, self.dst)
            self.sent += 1
        except OSError:
            pass  # a full socket buffer: the retransmit timer tries again

    def start(self, mac, pkt_for_xid, now):
        xid = random.getrandbits(32)
        while xid in self.flight:
            xid = random.getrandbits(32)
        ex = Exchange(mac, xid, pkt_for_xid(xid), now)
        self.flight[xid] = ex
        self.send(ex)
        return ex

    def replies_ready(self, timeout):
        """Yields (exchange, parsed reply) for replies to exchanges in flight."""
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return
        for _ in range(256):
            try:
                pkt = self.sock.recv(4096)
            except BlockingIOError:
                return
            p = parse(pkt)
            if p is None or p[0] not in self.flight:
                continue
            ex = self.flight[p[0]]
            if p[3] != ex.mac:
                continue
            self.replies += 1
            yield ex, p

    def timers(self, now):
        """Retransmits; returns the exchanges that gave up."""
        dead = []
        for ex in list(self.flight.values()):
            if now - ex.started > GIVE_UP:
                del self.flight[ex.xid]
                dead.append(ex)
            elif now - ex.sent > RETRANSMIT:
                ex.sent = now
                self.send(ex)
        return dead


def cmd_load(a):
    random.seed(a.seed)
    prefix = mac_bytes(a.prefix)
    macs = [prefix + (i).to_bytes(6 - len(prefix), "big") for i in range(a.macs)]
    bound = {}  # mac -> yiaddr
    busy = set()
    out = open(a.log, "a", buffering=1)
    run = Runner(client_socket(a.iface), a.server)
    acks = offers = naks = 0
    nxt = 0
    t0 = time.monotonic()
    end = t0 + a.seconds
    while True:
        now = time.monotonic()
        if now >= end or (a.stop and os.path.exists(a.stop)) or acks >= a.acks:
            break
        while len(run.flight) < a.window and run.sent < a.rate * (now - t0 + 0.1):
            if len(bound) >= a.macs and random.random() < a.fresh:
                macs.append(prefix + len(macs).to_bytes(6 - len(prefix), "big"))
                mac = macs[-1]
            else:
                mac = macs[nxt]
                nxt = (nxt + 1) % len(macs)
            if mac in busy:
                break
            busy.add(mac)
            if mac in bound:
                run.start(mac, lambda x, m=mac: build(m, x, REQUEST, bound[m]), now)
            else:
                run.start(mac, lambda x, m=mac: build(m, x, DISCOVER), now)
        for ex, (xid, mtype, yi, _, sid) in run.replies_ready(0.05):
            if mtype == OFFER and ex.pkt[242] == DISCOVER:
                offers += 1
                out.write("O %s %s\n" % (mac_str(ex.mac), ip_str(yi)))
                ex.pkt = build(ex.mac, xid, REQUEST, yi, sid or run.server)
                ex.sent = time.monotonic()
                run.send(ex)
                continue
            if mtype == ACK and ex.pkt[242] == REQUEST:
                acks += 1
                out.write("A %s %s\n" % (mac_str(ex.mac), ip_str(yi)))
                bound[ex.mac] = yi
            elif mtype == NAK:
                naks += 1
                bound.pop(ex.mac, None)
            else:
                continue
            del run.flight[xid]
            busy.discard(ex.mac)
        for ex in run.timers(time.monotonic()):
            busy.discard(ex.mac)
    secs = time.monotonic() - t0
    out.close()
    print("sent %d replies %d offers %d acks %d naks %d clients %d seconds %.1f "
          "rate %.0f" % (run.sent, run.replies, offers, acks, naks, len(bound),
                         secs, run.sent / secs))
    return 0


def read_log(path):
    acked, seen = {}, set()
    by_addr, bad = {}, []
    with open(path) as f:
        for line in f:
            kind, mac, ip = line.split()
            seen.add(ip)
            if kind != "A":
                continue
            if acked.setdefault(mac, ip) != ip:
                bad.append("%s ACKed %s and %s" % (mac, acked[mac], ip))
            if by_addr.setdefault(ip, mac) != mac:
                bad.append("%s ACKed to %s and %s" % (ip, by_addr[ip], mac))
    return acked, seen, bad


def cmd_check(a):
    acked, seen, bad = read_log(a.log)
    for b in bad[:20]:
        print("twice: " + b)
    first = struct.unpack("!I", socket.inet_aton(a.range[0]))[0]
    last = struct.unpack("!I", socket.inet_aton(a.range[1]))[0]
    hints = (socket.inet_ntoa(struct.pack("!I", n)) for n in range(last, first, -1))
    # A bound client never takes its hint, so hints can be shared: the
    # first lost client sharing one takes it and is caught.
    hints = itertools.cycle([h for h in hints if h not in seen] or ["0.0.0.0"])
    todo = [(mac_bytes(m), socket.inet_aton(ip), socket.inet_aton(next(hints)))
            for m, ip in sorted(acked.items())]
    run = Runner(client_socket(a.iface), a.server)
    lost, got = [], {}
    while todo or run.flight:
        now = time.monotonic()
        while todo and len(run.flight) < 32:
            mac, ip, hint = todo.pop()
            ex = run.start(mac, lambda x, m=mac, h=hint: build(m, x, DISCOVER, h), now)
            ex.want = ip
        for ex, (xid, mtype, yi, _, _) in run.replies_ready(0.05):
            if mtype != OFFER:
                continue
            del run.flight[xid]
            got[ex.mac] = yi
            if yi != ex.want:
                lost.append("%s: ACKed %s, now offered %s" % (
                    mac_str(ex.mac), ip_str(ex.want), ip_str(yi)))
        for ex in run.timers(time.monotonic()):
            lost.append("%s: no offer (ACKed %s)" % (mac_str(ex.mac), ip_str(ex.want)))
    for line in lost[:20]:
        print("lost: " + line)
    print("checked %d lost %d twice %d" % (len(acked), len(lost), len(bad)))
    return 0 if not lost and not bad and acked else 1


def cmd_once(a):
    run = Runner(client_socket(a.iface), a.server)
    mac = mac_bytes(a.mac)
    for _ in range(a.tries):
        run.flight.clear()
        ex = run.start(mac, lambda x: build(mac, x, DISCOVER), time.monotonic())
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            for ex, (xid, mtype, yi, _, sid) in run.replies_ready(0.1):
                if mtype == OFFER and ex.pkt[242] == DISCOVER:
                    ex.pkt = build(mac, xid, REQUEST, yi, sid or run.server)
                    ex.sent = ex.started = time.monotonic()
                    run.send(ex)
                elif mtype == ACK and ex.pkt[242] == REQUEST:
                    print(ip_str(yi))
                    return 0
                elif mtype == NAK:
                    deadline = 0
            run.timers(time.monotonic())
    print("none")
    return 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("load")
    p.add_argument("iface")
    p.add_argument("server")
    p.add_argument("log")
    p.add_argument("--macs", type=int, default=1000)
    p.add_argument("--prefix", default="02:fa")
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--stop")
    p.add_argument("--window", type=int, default=48)
    p.add_argument("--rate", type=float, default=1e9)
    p.add_argument("--fresh", type=float, default=0.0)
    p.add_argument("--acks", type=int, default=1 << 62)
    p.add_argument("--seed", type=int, default=1)
    p = sub.add_parser("check")
    p.add_argument("iface")
    p.add_argument("server")
    p.add_argument("log")
    p.add_argument("--range", nargs=2, required=True)
    p = sub.add_parser("once")
    p.add_argument("iface")
    p.add_argument("server")
    p.add_argument("mac")
    p.add_argument("--tries", type=int, default=3)
    a = ap.parse_args()
    return {"load": cmd_load, "check": cmd_check, "once": cmd_once}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
