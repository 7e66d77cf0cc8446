"""notify-listen.py SOCKET LOG SECONDS: systemd's side of sd_notify(3).

Binds a datagram socket at SOCKET and appends one line per datagram to LOG,
"PID TEXT" (newlines in TEXT shown as '|'), PID being the sender's as the
kernel reports it (SCM_CREDENTIALS): systemd tells the main process from
others that way. Stops after SECONDS without a datagram.
"""
import socket
import struct
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(sys.argv[1])
s.settimeout(float(sys.argv[3]))
out = open(sys.argv[2], "a", buffering=1)
while True:
    try:
        msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
    except socket.timeout:
        break
    pid = 0
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack("iII", data[:12])[0]
    text = msg.decode("utf-8", "replace").replace("\n", "|")
    out.write("%d %s\n" % (pid, text))
