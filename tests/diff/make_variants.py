#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""make_variants.py - PACs that cover what bench/gen_pac.py's single layout
does not, for diff_pac.py.

    make_variants.py --out DIR

writes DIR/valid/*.pac - well-formed PACs as an AD DC could send them: both
decoders must accept them and agree (run them with --must-accept) - and
DIR/edge/*.pac - inputs that bend MS-PAC (flags that contradict the data,
duplicate buffers, unpadded or trailing bytes ...): there the ordinary
diff_pac.py rules apply (ours may be stricter, never laxer).

Each buffer is marshalled by Samba (ndr_pack of a one-buffer PAC_DATA, cut
out again with PAC_DATA_RAW); the container (header, offsets, 8-byte
padding) is written here so that its layout can be varied.  /usr/bin/python3.
"""

import argparse
import os
import struct
import sys

from samba.dcerpc import krb5pac, lsa, security
from samba.ndr import ndr_pack, ndr_unpack

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
import gen_pac  # noqa: E402

USER_SID = security.dom_sid("%s-%d" % (gen_pac.DOMAIN_SID, gen_pac.USER_RID))


def marshal(ptype, info):
    """The bytes Samba writes for one buffer (without container padding)."""
    b = krb5pac.PAC_BUFFER()
    b.type = ptype
    b.info = info
    pac = krb5pac.PAC_DATA()
    pac.version = 0
    pac.num_buffers = 1
    pac.buffers = [b]
    raw = ndr_unpack(krb5pac.PAC_DATA_RAW, ndr_pack(pac))
    return bytes(raw.buffers[0].info.remaining)[:raw.buffers[0].ndr_size]


def container(buffers, pad_last=True, trailing=b"", version=0,
              sizes=None):
    """PACTYPE + PAC_INFO_BUFFERs + 8-aligned data.  @sizes overrides the
    cbBufferSize written for some entries ({index: size})."""
    n = len(buffers)
    head = struct.pack("<II", n, version)
    off = 8 + 16 * n
    table, data = b"", b""
    for i, (t, blob) in enumerate(buffers):
        size = (sizes or {}).get(i, len(blob))
        table += struct.pack("<IIQ", t, size, off + len(data))
        data += blob
        if pad_last or i < n - 1:
            data += b"\0" * (-len(data) % 8)
    return head + table + data + trailing


def sig(stype, body, rodc=None):
    s = krb5pac.PAC_SIGNATURE_DATA()
    s.type = stype & 0xFFFFFFFF
    s.signature = body + (struct.pack("<H", rodc) if rodc is not None
                          else b"")
    return s


def logon(groups=5, extra=1, resource=0, tweak=None):
    ctr = gen_pac.build_logon_info(groups, extra, resource)
    if tweak:
        tweak(ctr.info)
    return marshal(1, ctr)


def client(name="alice", nt=gen_pac.AUTHTIME_NT):
    ln = krb5pac.PAC_LOGON_NAME()
    ln.logon_time = nt
    ln.account_name = name
    return marshal(10, ln)


def upn(flags=2, upn_name="alice@ad.example.com", dns="AD.EXAMPLE.COM",
        sam="alice", sid=USER_SID):
    u = krb5pac.PAC_UPN_DNS_INFO()
    u.upn_name = upn_name
    u.dns_domain_name = dns
    u.flags = flags
    if flags & 2:
        ex = krb5pac.PAC_UPN_DNS_INFO_SAM_NAME_AND_SID()
        ex.samaccountname = sam
        ex.objectsid = sid
        u.ex = ex
    return marshal(12, u)


def attrs(flags=1):
    return marshal(17, gen_pac.build_attributes_info()) if flags == 1 else \
        struct.pack("<II", 2, flags)


def requestor():
    return marshal(18, gen_pac.build_requester(USER_SID))


def sigbuf(btype, stype, body, rodc=None):
    return marshal(btype, sig(stype, body, rodc))


def delegation():
    c = krb5pac.PAC_CONSTRAINED_DELEGATION()
    t = lsa.String()
    t.string = "cifs/fs1.ad.example.com"
    c.proxy_target = t
    s = lsa.String()
    s.string = "http/web1.ad.example.com@AD.EXAMPLE.COM"
    c.num_transited_services = 1
    c.transited_services = [s]
    ctr = krb5pac.PAC_CONSTRAINED_DELEGATION_CTR()
    ctr.info = c
    return marshal(11, ctr)


def credential_info():
    ci = krb5pac.PAC_CREDENTIAL_INFO()
    ci.version = 0
    ci.encryption_type = 18
    ci.encrypted_data = bytes(range(40))
    return marshal(2, ci)


AES = b"\x11" * 12
AES2 = b"\x22" * 12
MD5 = b"\x33" * 16
MD5B = b"\x44" * 16


def tgt(logon_blob=None, upn_blob=None, extra=()):
    """The generated TGT layout: 1 10 12 17 18 [extra] 6 7."""
    bufs = [(1, logon_blob or logon()), (10, client()),
            (12, upn_blob or upn()), (17, attrs()), (18, requestor())]
    bufs += list(extra)
    bufs += [(6, sigbuf(6, 16, AES)), (7, sigbuf(7, 16, AES2))]
    return bufs


def set_null_strings(li):
    b = li.info3.base
    b.logon_script = lsa.String()      # NULL pointers
    b.profile_path = lsa.String()
    b.home_directory = lsa.String()
    b.home_drive = lsa.String()
    b.full_name = gen_pac.lsa_string("\u00c6lfrida \u00dcn\u00efc\u00f6d\u00e9"
                                     " \U0001F600 \u4e2d\u6587")


def primary_in_groups(li):
    """Windows puts the primary group (513) into GroupIds too."""
    b = li.info3.base
    rids = [gen_pac.rid_attr(513, 7)] + list(b.groups.rids or [])
    b.groups = gen_pac.rid_array(rids)


def clear_extra_flag(li):
    li.info3.base.user_flags &= ~gen_pac.NETLOGON_EXTRA_SIDS


def clear_resource_flag(li):
    li.info3.base.user_flags &= ~gen_pac.NETLOGON_RESOURCE_GROUPS


def resource_sid_no_groups(li):
    li.resource_groups.domain_sid = security.dom_sid(
        gen_pac.RESOURCE_DOMAIN_SID)


def other_attrs(li):
    b = li.info3.base
    b.groups = gen_pac.rid_array([gen_pac.rid_attr(1100, 0x7),
                                  gen_pac.rid_attr(1101, 0x10),
                                  gen_pac.rid_attr(1102, 0xC0000007),
                                  gen_pac.rid_attr(0xFFFFFFFF, 0)])
    b.user_flags |= 0x1 | 0x100
    b.acct_flags = 0x2100
    b.logon_count = 0xFFFF
    b.bad_password_count = 3
    b.sub_auth_status = 0xC000006D
    b.failed_logon_count = 9
    b.last_successful_logon = gen_pac.AUTHTIME_NT - 1
    b.last_failed_logon = 1
    b.kickoff_time = 0


VALID = {
    # The layout bench/gen_pac.py writes, plus variations of the data.
    "tgt-typical": lambda: tgt(),
    "tgt-big-1000-groups": lambda: tgt(logon(groups=1000)),
    "tgt-no-groups-no-extra": lambda: tgt(logon(groups=0, extra=0)),
    "tgt-many-extra-sids": lambda: tgt(logon(groups=3, extra=300)),
    "tgt-resource-groups": lambda: tgt(logon(groups=3, extra=2,
                                             resource=200)),
    "tgt-primary-in-groups": lambda: tgt(logon(tweak=primary_in_groups)),
    "tgt-null-and-unicode-strings": lambda: tgt(logon(tweak=set_null_strings)),
    "tgt-odd-attributes-and-counters": lambda: tgt(logon(tweak=other_attrs)),
    "tgt-upn-constructed": lambda: tgt(upn_blob=upn(
        flags=3, upn_name="alice@AD.EXAMPLE.COM")),
    "tgt-upn-classic": lambda: tgt(upn_blob=upn(flags=0)),
    "tgt-upn-classic-constructed": lambda: tgt(upn_blob=upn(flags=1)),
    "tgt-upn-unicode": lambda: tgt(upn_blob=upn(
        upn_name="\u00e5sa\U0001F600@ad.example.com", sam="\u00e5sa")),
    "tgt-attributes-implicit": lambda: [
        (t, attrs(2) if t == 17 else b) for t, b in tgt()],
    # Windows 2008-era: RC4 signatures, no 17/18.
    "w2008-rc4": lambda: [(1, logon()), (10, client()),
                          (12, upn(flags=0)),
                          (6, sigbuf(6, -138, MD5)),
                          (7, sigbuf(7, -138, MD5B))],
    # RODC: KDC signature with RODCIdentifier.
    "rodc-tgt": lambda: tgt()[:-1] + [(7, sigbuf(7, -138, MD5, rodc=46673))],
    "aes128-signatures": lambda: tgt()[:-2] + [(6, sigbuf(6, 15, AES)),
                                               (7, sigbuf(7, 15, AES2))],
    # Service ticket (patched Windows): 16 and 19 too.
    "service-ticket": lambda: [(1, logon()), (6, sigbuf(6, 16, AES)),
                               (7, sigbuf(7, -138, MD5)), (10, client()),
                               (12, upn(flags=3)),
                               (16, sigbuf(16, 16, b"\x55" * 12)),
                               (19, sigbuf(19, 16, b"\x66" * 12))],
    # Buffers adbridge does not decode: empty claims, delegation, credential
    # info, a type nobody defined.
    "unknown-buffers": lambda: tgt(extra=[(13, b""), (15, b""),
                                          (11, delegation()),
                                          (2, credential_info()),
                                          (99, b"\x01" * 8),
                                          (0x80000001, b"\xfe" * 3)]),
    # MIT >= 1.20 minimal PAC: no LOGON_INFO.
    "mit-minimal": lambda: [(10, client("alice@AD.EXAMPLE.COM")),
                            (6, sigbuf(6, 16, AES)),
                            (7, sigbuf(7, 16, AES2))],
    "client-info-only": lambda: [(10, client())],
    "client-name-empty": lambda: tgt()[:1] + [(10, client(""))] + tgt()[2:],
    "client-time-zero": lambda: tgt()[:1] + [(10, client(nt=0))] +
    tgt()[2:],
    "client-time-never": lambda: tgt()[:1] +
    [(10, client(nt=0x7FFFFFFFFFFFFFFF))] + tgt()[2:],
}


def dup_logon():
    b = tgt()
    return b[:1] + [(1, logon(groups=2))] + b[1:]


EDGE = {
    "extra-sids-without-flag": lambda: tgt(logon(tweak=clear_extra_flag)),
    "resource-groups-without-flag": lambda: tgt(logon(
        resource=3, tweak=clear_resource_flag)),
    "resource-sid-without-groups": lambda: tgt(logon(
        tweak=resource_sid_no_groups)),
    "duplicate-logon-info": dup_logon,
    "attributes-64-bits": lambda: [(t, struct.pack("<III", 64, 1, 0)
                                    if t == 17 else b) for t, b in tgt()],
    "signature-unknown-type": lambda: tgt()[:-1] + [
        (7, sigbuf(7, 17, b"\x77" * 16))],
    "signature-trailing-byte": lambda: tgt()[:-1] + [
        (7, sigbuf(7, 16, AES2 + b"\x01"))],
    "upn-empty-strings": lambda: tgt(upn_blob=upn(upn_name="", dns="",
                                                  sam="")),
}

def rc4_last():
    """A layout whose last buffer (a 20-byte RC4 signature) needs padding."""
    return tgt()[:-1] + [(7, sigbuf(7, -138, MD5))]


# Container-level variants (of the typical PAC unless "bufs" says else).
CONTAINER = {
    "edge/last-buffer-unpadded": {"pad_last": False, "bufs": rc4_last},
    "edge/trailing-bytes": {"trailing": b"\0" * 8},
    "edge/trailing-garbage": {"trailing": b"\xde\xad\xbe\xef"},
    "edge/version-1": {"version": 1},
    "edge/size-smaller-than-data": {"sizes": {1: 24}},
}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    for sub in ("valid", "edge"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
    written = []

    def write(rel, blob):
        path = os.path.join(args.out, rel + ".pac")
        with open(path, "wb") as f:
            f.write(blob)
        written.append(path)

    for name, make in VALID.items():
        write("valid/" + name, container(make()))
    for name, make in EDGE.items():
        write("edge/" + name, container(make()))
    for name, kw in CONTAINER.items():
        kw = dict(kw)
        bufs = kw.pop("bufs", tgt)()
        write(name, container(bufs, **kw))
    print("%d PACs in %s" % (len(written), args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
