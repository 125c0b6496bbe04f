#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""dns_stub.py MODE ADDR PORT PIDFILE - a misbehaving server on loopback.

MODE blackhole: reads UDP datagrams and accepts TCP connections, reads
               them, and never answers (a hung DNS server, or a hung KDC on
               port 88).
MODE servfail: answers every DNS query (UDP and TCP) with RCODE SERVFAIL.
MODE echo:     sends every UDP datagram / TCP record back (a server that
               answers, for probes that only ask "does it answer?").

Refuses any address outside 127.0.0.0/8.  Runs until killed.
"""
import ipaddress, os, select, socket, struct, sys

mode, addr, port, pidfile = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
if not ipaddress.ip_address(addr).is_loopback:
    sys.exit("dns_stub: loopback addresses only")
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
u.bind((addr, port))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind((addr, port))
t.listen(64)
with open(pidfile, "w") as f:
    f.write("%d\n" % os.getpid())
conns = []


def servfail(q):
    if len(q) < 12:
        return None
    # same ID and question, QR=1, RD copied, RA=1, RCODE=2, no records
    flags = 0x8000 | (struct.unpack("!H", q[2:4])[0] & 0x0100) | 0x0080 | 2
    return q[:2] + struct.pack("!HHHHH", flags, struct.unpack("!H", q[4:6])[0], 0, 0, 0) + q[12:]


while True:
    r, _, _ = select.select([u, t] + conns, [], [])
    for s in r:
        if s is u:
            data, peer = u.recvfrom(65535)
            if mode == "echo":
                u.sendto(data, peer)
            if mode == "servfail":
                a = servfail(data)
                if a:
                    u.sendto(a, peer)
        elif s is t:
            c, _ = t.accept()
            conns.append(c)
        else:
            data = s.recv(65535)
            if not data:
                conns.remove(s)
                s.close()
            elif mode == "echo":
                s.sendall(data)
            elif mode == "servfail" and len(data) > 2:
                a = servfail(data[2:])
                if a:
                    s.sendall(struct.pack("!H", len(a)) + a)
