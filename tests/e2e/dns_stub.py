#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""dns_stub.py MODE ADDR PORT PIDFILE [UPSTREAM DELAY_MS] - a misbehaving
server on loopback.

MODE blackhole: reads UDP datagrams and accepts TCP connections, reads
               them, and never answers (a hung DNS server, or a hung KDC on
               port 88).
MODE servfail: answers every DNS query (UDP and TCP) with RCODE SERVFAIL.
MODE echo:     sends every UDP datagram / TCP record back (a server that
               answers, for probes that only ask "does it answer?").
MODE delay:    a far DNS server: forwards every UDP query to UPSTREAM
               (ADDR:PORT, a real DNS server on loopback) at once and holds
               its answer DELAY_MS milliseconds before passing it on, so
               each round trip costs DELAY_MS more (queries in flight
               together are delayed together, as on a long link).  UDP
               only; TCP connections are accepted and closed.

Refuses any address outside 127.0.0.0/8.  Runs until killed.
"""
import ipaddress, os, select, socket, struct, sys, time

mode, addr, port, pidfile = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
if not ipaddress.ip_address(addr).is_loopback:
    sys.exit("dns_stub: loopback addresses only")
up, delay = None, 0.0
if mode == "delay":
    h, p = sys.argv[5].rsplit(":", 1)
    up, delay = (h, int(p)), float(sys.argv[6]) / 1000.0
    if not ipaddress.ip_address(h).is_loopback:
        sys.exit("dns_stub: loopback upstreams only")
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
fwd = {}      # delay: upstream socket -> the client's address
held = []     # delay: (due, answer, client address), in arrival order


def servfail(q):
    if len(q) < 12:
        return None
    # same ID and question, QR=1, RD copied, RA=1, RCODE=2, no records
    flags = 0x8000 | (struct.unpack("!H", q[2:4])[0] & 0x0100) | 0x0080 | 2
    return q[:2] + struct.pack("!HHHHH", flags, struct.unpack("!H", q[4:6])[0], 0, 0, 0) + q[12:]


while True:
    now = time.monotonic()
    while held and held[0][0] <= now:
        _, a, peer = held.pop(0)
        u.sendto(a, peer)
    wait = max(0.0, held[0][0] - now) if held else None
    r, _, _ = select.select([u, t] + conns + list(fwd), [], [], wait)
    for s in r:
        if s in fwd:
            a = s.recv(65535)
            held.append((time.monotonic() + delay, a, fwd.pop(s)))
            s.close()
        elif s is u:
            data, peer = u.recvfrom(65535)
            if mode == "delay":
                f = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                f.connect(up)
                f.send(data)
                fwd[f] = peer
            if mode == "echo":
                u.sendto(data, peer)
            if mode == "servfail":
                a = servfail(data)
                if a:
                    u.sendto(a, peer)
        elif s is t:
            c, _ = t.accept()
            if mode == "delay":
                c.close()
            else:
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
