#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Check what the adbridge test bed delivers (run after `testbed.sh up DIR`).

  /usr/bin/python3 tests/testbed/check_pacs.py DIR [USER...]

For each demo user (default: all of them) this opens DIR/ccache/USER, takes
AD's cross-realm TGT krbtgt/LOCAL.EXAMPLE@AD.EXAMPLE.COM, decrypts it with the
matching key (enctype and kvno) from DIR/trust.keytab, verifies the PAC's
server signature with that trust key, decodes LOGON_INFO with impacket, and
compares it with the bed's plan:

  every user  EffectiveName, UserId (users.txt), LogonDomainId = AD domain SID,
              buffers LOGON_INFO, CLIENT_INFO, UPN_DNS_INFO and both
              signatures present, Domain Users (513) among the groups
  alice       exactly {513, PBX Admins, PBX Local Ops (domain-local)}
  bob         exactly {513, PBX Viewers, PBX Universal}
  carol       exactly {513, Staff}
  dave        exactly {513, PBX Helpdesk, PBX Admins (nested)}
  erin        513, PBX Viewers and all 320 bulk groups (322 RIDs)
  frank       {513, PBX Viewers}; ExtraSids exactly S-1-18-1 plus his
              sIDHistory SIDs (users.txt)
  the others  ExtraSids exactly S-1-18-1

It also prints, for information only, the PAC buffer types of the service
ticket HTTP/device1.local.example@LOCAL.EXAMPLE issued by the MIT KDC (stock
MIT 1.20 keeps only CLIENT_INFO and signatures; a KDB module with issue_pac
may add more), decrypted with DIR/device.keytab.

Exit status: 0 if every check passed, 1 otherwise. Needs python3-impacket.
"""

import os
import shlex
import struct
import sys

from pyasn1.codec.der import decoder

from impacket.dcerpc.v5.rpcrt import TypeSerialization1
from impacket.krb5.asn1 import AD_IF_RELEVANT, EncTicketPart, Ticket
from impacket.krb5.ccache import CCache
from impacket.krb5.crypto import Key, _checksum_table, _enctype_table
from impacket.krb5.keytab import Keytab
from impacket.krb5.pac import KERB_VALIDATION_INFO

AD_REALM = "AD.EXAMPLE.COM"
TRUST_PRINC = "krbtgt/LOCAL.EXAMPLE@" + AD_REALM
DEVICE_PRINC = "HTTP/device1.local.example@LOCAL.EXAMPLE"

PAC_LOGON_INFO = 1
PAC_SERVER_CHECKSUM = 6
PAC_PRIVSVR_CHECKSUM = 7
PAC_CLIENT_INFO = 10
PAC_UPN_DNS_INFO = 12
AD_IF_RELEVANT_TYPE = 1
AD_WIN2K_PAC = 128
KU_TICKET = 2
KU_PAC_CHECKSUM = 17

# user -> named groups whose RIDs must be exactly the PAC's GroupIds (+ 513);
# erin additionally has the 320 bulk groups
PLAN = {
    "alice": ["PBX Admins", "PBX Local Ops"],
    "bob": ["PBX Viewers", "PBX Universal"],
    "carol": ["Staff"],
    "dave": ["PBX Helpdesk", "PBX Admins"],
    "erin": ["PBX Viewers"],
    "frank": ["PBX Viewers"],
}
N_BULK = 320
ASSERTED_IDENTITY = "S-1-18-1"   # authentication authority asserted identity


class Failure(Exception):
    pass


def load_env(d):
    """DIR/env is KEY=value lines in POSIX sh quoting"""
    with open(os.path.join(d, "env"), encoding="utf-8") as f:
        words = shlex.split(f.read(), comments=True)
    return dict(w.split("=", 1) for w in words if "=" in w)


def load_table(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            rows[cols[0]] = cols
    return rows


def princ_str(p):
    s = p.prettyPrint()
    return s.decode() if isinstance(s, bytes) else s


def keytab_key(kt, principal, etype, kvno):
    for e in kt.entries:
        if e.deleted:
            continue
        name = princ_str(e.main_part["principal"])
        kb = e.main_part["keyblock"]
        if name == principal and kb["keytype"] == etype and (kvno is None or e.kvno == kvno):
            return Key(etype, bytes.fromhex(kb.hexlifiedValue().decode()))
    raise Failure("no key for %s etype %d kvno %s in keytab" % (principal, etype, kvno))


def find_cred(cc, server):
    for c in cc.credentials:
        if princ_str(c["server"]) == server:
            return c
    raise Failure("ccache holds no ticket for %s" % server)


def decrypt_ticket(cred, kt, principal):
    tkt = decoder.decode(cred.ticket["data"], asn1Spec=Ticket())[0]
    etype = int(tkt["enc-part"]["etype"])
    kvno = int(tkt["enc-part"]["kvno"]) if tkt["enc-part"]["kvno"].hasValue() else None
    key = keytab_key(kt, principal, etype, kvno)
    plain = _enctype_table[etype].decrypt(key, KU_TICKET, bytes(tkt["enc-part"]["cipher"]))
    return decoder.decode(plain, asn1Spec=EncTicketPart())[0], key, kvno


def extract_pac(enc):
    for ad in enc["authorization-data"]:
        if int(ad["ad-type"]) != AD_IF_RELEVANT_TYPE:
            continue
        inner = decoder.decode(bytes(ad["ad-data"]), asn1Spec=AD_IF_RELEVANT())[0]
        for e in inner:
            if int(e["ad-type"]) == AD_WIN2K_PAC:
                return bytes(e["ad-data"])
    raise Failure("ticket has no PAC")


def pac_buffers(pac):
    n, version = struct.unpack_from("<II", pac, 0)
    if version != 0 or n == 0 or 8 + 16 * n > len(pac):
        raise Failure("bad PACTYPE header")
    bufs = []
    for i in range(n):
        t, size, off = struct.unpack_from("<IIQ", pac, 8 + 16 * i)
        if off + size > len(pac):
            raise Failure("PAC buffer %d out of range" % t)
        bufs.append((t, size, off))
    return bufs


def verify_server_sig(pac, bufs, key):
    zeroed = bytearray(pac)
    sig = None
    for t, size, off in bufs:
        if t in (PAC_SERVER_CHECKSUM, PAC_PRIVSVR_CHECKSUM):
            ctype = struct.unpack_from("<i", pac, off)[0]
            slen = len(_checksum_table[ctype].checksum(key, KU_PAC_CHECKSUM, b"")) \
                if ctype in _checksum_table else size - 4
            zeroed[off + 4:off + 4 + slen] = b"\0" * slen
            if t == PAC_SERVER_CHECKSUM:
                sig = (ctype, pac[off + 4:off + 4 + slen])
    if sig is None:
        raise Failure("PAC has no server signature")
    ctype, value = sig
    if ctype not in _checksum_table:
        raise Failure("unknown server checksum type %d" % ctype)
    calc = _checksum_table[ctype].checksum(key, KU_PAC_CHECKSUM, bytes(zeroed))
    if calc != value:
        raise Failure("PAC server signature does not verify with the trust key")


def logon_info(pac, bufs):
    for t, size, off in bufs:
        if t == PAC_LOGON_INFO:
            data = pac[off:off + size]
            ts = TypeSerialization1(data)
            nd = data[len(ts) + 4:]          # skip the top-level referent id
            kvi = KERB_VALIDATION_INFO()
            kvi.fromString(nd)
            kvi.fromStringReferents(nd[len(kvi.getData()):])
            return kvi
    raise Failure("PAC has no LOGON_INFO")


def ustr(v):
    # impacket returns RPC_UNICODE_STRING fields as str already
    if isinstance(v, str):
        return v
    return str(v["Data"] if hasattr(v, "fields") and "Data" in v.fields else v)


def check_user(d, user, env, users, groups, kt_trust, kt_dev, history_all):
    cc = CCache.loadFile(os.path.join(d, "ccache", user))
    cred = find_cred(cc, TRUST_PRINC)
    enc, key, kvno = decrypt_ticket(cred, kt_trust, TRUST_PRINC)
    pac = extract_pac(enc)
    bufs = pac_buffers(pac)
    types = [t for t, _, _ in bufs]
    for need in (PAC_LOGON_INFO, PAC_CLIENT_INFO, PAC_UPN_DNS_INFO,
                 PAC_SERVER_CHECKSUM, PAC_PRIVSVR_CHECKSUM):
        if need not in types:
            raise Failure("PAC lacks buffer type %d (has %s)" % (need, types))
    verify_server_sig(pac, bufs, key)
    kvi = logon_info(pac, bufs)

    name = ustr(kvi["EffectiveName"])
    if name != user:
        raise Failure("EffectiveName %r != %r" % (name, user))
    want_rid = int(users[user][1])
    if kvi["UserId"] != want_rid:
        raise Failure("UserId %d != %d" % (kvi["UserId"], want_rid))
    dom = kvi["LogonDomainId"].formatCanonical()
    if dom != env["AD_DOMAIN_SID"]:
        raise Failure("LogonDomainId %s != %s" % (dom, env["AD_DOMAIN_SID"]))
    rids = [g["RelativeId"] for g in kvi["GroupIds"]]
    if len(rids) != kvi["GroupCount"]:
        raise Failure("GroupCount %d but %d GroupIds" % (kvi["GroupCount"], len(rids)))
    extra = [s["Sid"].formatCanonical() for s in kvi["ExtraSids"]] if kvi["SidCount"] else []

    want = {513} | {int(groups[g][1]) for g in PLAN[user]}
    if user == "erin":
        want |= {int(groups["bulk-%03d" % i][1]) for i in range(1, N_BULK + 1)}
    got = set(rids)
    if got != want:
        raise Failure("group RIDs differ: missing %s, unexpected %s"
                      % (sorted(want - got), sorted(got - want)))

    mine = set(history_all.get(user, []))
    if user == "frank" and not mine:
        raise Failure("users.txt lists no sIDHistory for frank")
    want_extra = {ASSERTED_IDENTITY} | mine
    if set(extra) != want_extra:
        raise Failure("ExtraSids differ: missing %s, unexpected %s"
                      % (sorted(want_extra - set(extra)), sorted(set(extra) - want_extra)))

    # informational: the MIT service ticket's PAC
    svc = "-"
    try:
        scred = find_cred(cc, DEVICE_PRINC)
        senc, _, _ = decrypt_ticket(scred, kt_dev, DEVICE_PRINC)
        svc = ",".join(str(t) for t, _, _ in pac_buffers(extract_pac(senc)))
    except Failure as e:
        svc = "(%s)" % e

    print("ok   %-6s rid %d kvno %s PAC buffers %s, %d group RIDs, ExtraSids %s; "
          "service ticket PAC buffers %s"
          % (user, kvi["UserId"], kvno, ",".join(str(t) for t in types),
             len(rids), ",".join(extra) or "-", svc))


def main():
    if len(sys.argv) < 2:
        sys.stderr.write("usage: check_pacs.py DIR [USER...]\n")
        return 2
    d = os.path.abspath(sys.argv[1])
    env = load_env(d)
    users = load_table(os.path.join(d, "users.txt"))
    groups = load_table(os.path.join(d, "groups.txt"))
    kt_trust = Keytab.loadFile(os.path.join(d, "trust.keytab"))
    kt_dev = Keytab.loadFile(os.path.join(d, "device.keytab"))
    history_all = {}
    for u, cols in users.items():
        desc = cols[3] if len(cols) > 3 else ""
        for part in desc.split("; "):
            if part.startswith("sIDHistory: "):
                history_all[u] = [s.strip() for s in part[len("sIDHistory: "):].split(",")]
    todo = sys.argv[2:] or list(PLAN)
    failed = 0
    for user in todo:
        if user not in PLAN or user not in users:
            print("FAIL %-6s not a demo user of the bed" % user)
            failed += 1
            continue
        try:
            check_user(d, user, env, users, groups, kt_trust, kt_dev, history_all)
        except Failure as e:
            print("FAIL %-6s %s" % (user, e))
            failed += 1
        except Exception as e:  # decoding or file errors: report, go on
            print("FAIL %-6s %s: %s" % (user, type(e).__name__, e))
            failed += 1
    print("%d of %d users passed" % (len(todo) - failed, len(todo)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
