#!/usr/bin/env python3
"""flood.py: malformed DHCP and TFTP datagrams at a server, for t-fault-flood.sh.

  flood.py SRC SERVER --seconds S [--rate PPS] [--seed N]

Sends from SRC (an address of this host) to SERVER, ports 67 and 69, for S
seconds at about PPS datagrams a second, from a fixed seed so that a failure
can be replayed. What it sends, in turn:

  DHCP (67): random bytes of any length; a BOOTREQUEST cut inside its fixed
  header; options whose length runs past the end (255 bytes with 3 left);
  no end option; a zero-length and a 255-long message type; option overload
  (52) into sname/file full of garbage; hlen 255; a BOOTREPLY; thousands of
  pad bytes; message types that do not exist; a REQUEST with no end option
  for a random address from a random server.
  TFTP (69): random bytes; opcodes 0 and 6 to 65535; an RRQ with no NUL at
  all, with a file name and no mode, with a 600-byte name; WRQ; DATA, ACK,
  ERROR and OACK sent to the listening port; RRQs of a real file with
  absurd options (blksize 0, 7, 65465, 99999999999999999999, -1, "abc";
  timeout 0, 256; tsize 18446744073709551616; windowsize 0, 65536), the same
  option 400 times, unknown options, options with no value.

Legitimate-looking RRQs do start transfers; nobody ACKs them, so they time
out (the server's per-client rate limit keeps them from crowding out other
clients). Prints "sent N seconds S rate R".
"""
import argparse
import random
import socket
import struct
import time

MAGIC = b"\x63\x82\x53\x63"


def bootp(rnd, op=1, hlen=6, body=b""):
    mac = bytes(rnd.getrandbits(8) for _ in range(6))
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", op, 1, hlen, 0,
                      rnd.getrandbits(32), 0, 0x8000, bytes(4), bytes(4),
                      bytes(4), bytes(4), mac + bytes(10), bytes(64), bytes(128))
    return hdr + MAGIC + body


def rand_bytes(rnd, n):
    return bytes(rnd.getrandbits(8) for _ in range(n))


def dhcp_packets(rnd):
    """Yields malformed DHCP datagrams forever."""
    while True:
        yield rand_bytes(rnd, rnd.choice((0, 1, 4, 100, 236, 240, 300, 576, 1500)))
        yield bootp(rnd)[:rnd.randrange(1, 240)]
        yield bootp(rnd, body=b"\x35\x01\x01\x37\xff\x01\x02\x03")
        yield bootp(rnd, body=b"\x35\x01\x01\x0c\x10abc")
        yield bootp(rnd, body=b"\x35\x01\x01" + b"\x3d\x09\x01" * 3)
        yield bootp(rnd, body=b"\x35\x00\xff")
        yield bootp(rnd, body=b"\x35\xff" + bytes(255) + b"\xff")
        yield bootp(rnd)[:236]  # no magic cookie
        p = bytearray(bootp(rnd, body=b"\x35\x01\x01\x34\x01\x03\xff"))
        p[44:236] = rand_bytes(rnd, 192)  # sname and file: garbage options
        yield bytes(p)
        yield bootp(rnd, hlen=255, body=b"\x35\x01\x01\xff")
        yield bootp(rnd, op=2, body=b"\x35\x01\x02\xff")
        yield bootp(rnd, body=bytes(4000) + b"\xff")
        yield bootp(rnd, body=bytes([53, 1, rnd.choice((0, 9, 13, 200, 255)), 255]))
        yield bootp(rnd, body=bytes([53, 1, 3, 50, 4]) + rand_bytes(rnd, 4) +
                    bytes([54, 4]) + rand_bytes(rnd, 4))  # REQUEST, no end


ABSURD = [
    (b"blksize", b"0"), (b"blksize", b"7"), (b"blksize", b"65465"),
    (b"blksize", b"99999999999999999999"), (b"blksize", b"-1"), (b"blksize", b"abc"),
    (b"timeout", b"0"), (b"timeout", b"256"), (b"tsize", b"18446744073709551616"),
    (b"windowsize", b"0"), (b"windowsize", b"65536"), (b"rollover", b"1"),
    (b"blksize", b""), (b"", b""), (b"x" * 300, b"y" * 300),
]


def tftp_packets(rnd, name):
    """Yields malformed TFTP datagrams forever."""
    while True:
        yield rand_bytes(rnd, rnd.choice((0, 1, 2, 3, 4, 516, 1500)))
        yield struct.pack("!H", rnd.choice((0, 6, 7, 255, 65535))) + rand_bytes(rnd, 20)
        yield b"\x00\x01" + b"A" * rnd.randrange(0, 600)
        yield b"\x00\x01" + name + b"\x00"
        yield b"\x00\x01" + b"n" * 600 + b"\x00octet\x00"
        yield b"\x00\x01" + name + b"\x00" + b"q" * 40 + b"\x00"
        yield b"\x00\x02" + name + b"\x00octet\x00"
        yield b"\x00\x03\x00\x01" + rand_bytes(rnd, 512)
        yield b"\x00\x04\x00\x01"
        yield b"\x00\x05\x00\x01boom\x00"
        yield b"\x00\x06blksize\x00" + b"9" * 100 + b"\x00"
        opts = b"".join(k + b"\x00" + v + b"\x00" for k, v in rnd.sample(ABSURD, 4))
        yield b"\x00\x01" + name + b"\x00octet\x00" + opts
        yield b"\x00\x01" + name + b"\x00octet\x00" + b"blksize\x001024\x00" * 400
        yield b"\x00\x01" + name + b"\x00netascii\x00tsize\x00"
        yield b"\x00\x01" + name + b"\x00octet\x00blksize"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("server")
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--rate", type=float, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--file", default="kernel")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    socks = []
    for _ in range(8):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((a.src, 0))
        s.setblocking(False)
        socks.append(s)
    streams = [(dhcp_packets(rnd), 67), (tftp_packets(rnd, a.file.encode()), 69)]
    sent = 0
    t0 = time.monotonic()
    end = t0 + a.seconds
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if sent > a.rate * (now - t0):
            time.sleep(0.001)
            continue
        for gen, port in streams:
            pkt = next(gen)
            try:
                socks[sent % len(socks)].sendto(pkt, (a.server, port))
                sent += 1
            except OSError:
                pass  # full buffer, or an ICMP error reported late
    secs = time.monotonic() - t0
    print("sent %d seconds %.1f rate %.0f" % (sent, secs, sent / secs))


if __name__ == "__main__":
    main()
