#!/usr/bin/python3
"""extract_samples.py - cut the public sample PACs out of MIT krb5's and
Heimdal's test sources (see SOURCES.md).

    extract_samples.py MIT_T_PAC_C HEIMDAL_TEST_PAC_C OUTDIR

Raw PAC arrays are copied as they are; the PACs inside the sample tickets are
taken out by decrypting the ticket with the key published next to it
(impacket's crypto, python3-impacket) and walking AD-IF-RELEVANT -> type 128.
Writes OUTDIR/public/*.pac (real PACs) and OUTDIR/reject/*.pac (the fuzzer
inputs of t_pac.c, which every decoder must reject).  /usr/bin/python3.
"""

import ast
import os
import re
import sys

from pyasn1.codec.der import decoder
from impacket.krb5.asn1 import AD_IF_RELEVANT, EncTicketPart, Ticket
from impacket.krb5.crypto import Key, _enctype_table


def literal_bytes(body):
    if '"' not in body:
        return bytes(int(v, 16) for v in
                     re.findall(r"0x([0-9a-fA-F]{1,2})", body))
    out = b""
    for lit in re.findall(r'"((?:[^"\\]|\\.)*)"', body):
        out += ast.literal_eval('b"' + lit + '"')
    return out


def array(src, name):
    m = re.search(r"static const (?:unsigned char %s\[\]|krb5_data %s)\s*=\s*"
                  % (re.escape(name), re.escape(name)), src)
    if m is None:
        sys.exit("extract_samples: %s not found" % name)
    rest = src[m.end():]
    return literal_bytes(rest[:rest.index(";")])


def ticket_pac(der, etype, key):
    t = decoder.decode(der, asn1Spec=Ticket())[0]
    plain = _enctype_table[etype].decrypt(Key(etype, key), 2,
                                          bytes(t["enc-part"]["cipher"]))
    et = decoder.decode(plain, asn1Spec=EncTicketPart())[0]
    for ad in et["authorization-data"]:
        if int(ad["ad-type"]) == 1:
            inner = decoder.decode(bytes(ad["ad-data"]),
                                   asn1Spec=AD_IF_RELEVANT())[0]
            for e in inner:
                if int(e["ad-type"]) == 128:
                    return bytes(e["ad-data"])
    sys.exit("extract_samples: no PAC in ticket")


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    mit = open(argv[0]).read()
    heim = open(argv[1]).read()
    out = argv[2]
    files = {}
    for n in ("saved_pac", "s4u_pac_regular", "s4u_pac_enterprise",
              "s4u_pac_xrealm", "s4u_pac_ent_xrealm"):
        files["public/mit-%s.pac" % n] = array(mit, n)
    for n in ("fuzz1", "fuzz2"):
        files["reject/mit-%s.pac" % n] = array(mit, n)
    files["public/mit-ticket_data-w2022.pac"] = ticket_pac(
        array(mit, "ticket_data"), 18, bytes.fromhex(
            "114A84E3148FAAB1FA7B5351B28AC2F1"
            "FD196D61E0F3F23E1FDBD3C1797DC1EE"))
    for n in ("saved_pac2", "extra_logon_info"):
        files["public/heimdal-%s.pac" % n] = array(heim, n)
    rwdc = bytes.fromhex("2786341dd315060d6fd640fa03b19532"
                         "9122e86b0f47e0b5fedaef5498dc075a")
    rodc = bytes.fromhex("0c7e6347c8707f587c9159bac9bf50b4"
                         "e2d649b685d3d9f380bae9024651ab23")
    srv = bytes.fromhex("ed2311207a214420bfc08d36f7f6b23e")
    for n, etype, key in (("tgt_ticket", 18, rwdc),
                          ("service_ticket", 23, srv),
                          ("s4u2self_ticket", 23, srv),
                          ("s4u2proxy_ticket", 23, srv),
                          ("tgt_rodc", 18, rodc),
                          ("service_rodc", 23, srv),
                          ("s4u2self_rodc", 23, srv),
                          ("s4u2proxy_rodc", 23, srv)):
        files["public/heimdal-%s.pac" % n] = ticket_pac(array(heim, n),
                                                        etype, key)
    for rel, data in sorted(files.items()):
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        print("%6d  %s" % (len(data), rel))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
