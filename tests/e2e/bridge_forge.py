#!/usr/bin/python3
"""tests/e2e/bridge_forge.py MODE TICKETER_ARGS...

Runs impacket's ticketer.py (forges a cross-realm TGT with the trust key) and,
for MODE != "plain", damages the PAC before ticketer signs it, so the MIT KDC
verifies the signature and hands the module a PAC it must refuse:

  plain      ticketer's PAC (LOGON_INFO, CLIENT_INFO, signatures) with
             LogonDomainName ADEX, as AD writes it
  truncate   LOGON_INFO cut to half its length (malformed NDR)
  garbage    LOGON_INFO replaced by 0xff bytes of the same length
  rename     CLIENT_INFO names another user than LOGON_INFO (inconsistent)

and, for these modes, changes the ticket AFTER ticketer signed and encrypted
it (TARGET.ccache is read back, the ticket's enc-part decrypted with the
trust key, EncTicketPart changed, re-encrypted with the same key, etype and
kvno, and the ccache rewritten):

  tamper     one GroupIds RID in LOGON_INFO changed from 1104 to 1103 inside
             the signed PAC: the PAC server signature no longer matches
  nopac      the AD-IF-RELEVANT element holding the AD-WIN2K-PAC (ad-type
             128) removed from authorization-data (left out when empty)

ticketer.py is read from python3-impacket's examples and run with one line
added at the top of signEncryptTicket(); it writes TARGET.ccache in the
current directory. Exits non-zero if no ccache was written (ticketer.py
itself prints an exception and exits 0) or a post-processing step finds
nothing to change.
"""
import os
import struct
import sys

TICKETER = "/usr/share/doc/python3-impacket/examples/ticketer.py"
NETBIOS = "ADEX"
HOOK = "    def signEncryptTicket(self, kdcRep, encASorTGSRepPart, encTicketPart, pacInfos):\n"


def damage(pac_infos, mode):
    from impacket.krb5.pac import PAC_LOGON_INFO, PAC_CLIENT_INFO_TYPE, VALIDATION_INFO
    # As AD writes it: LogonDomainName is the NetBIOS name (ticketer puts
    # the realm there).
    li = pac_infos[PAC_LOGON_INFO]
    vi = VALIDATION_INFO()
    vi.fromString(li)
    vi.fromStringReferents(li, len(vi.getData()))
    vi["Data"]["LogonDomainName"] = NETBIOS
    li = vi.getData() + vi.getDataReferents()
    # MS-RPCE 2.2.6.2: the object buffer is padded to 8 bytes (impacket
    # does not pad).
    body = li[16:] + b"\0" * (-(len(li) - 16) % 8)
    li = li[:8] + struct.pack("<I", len(body)) + li[12:16] + body
    pac_infos[PAC_LOGON_INFO] = li
    if mode == "truncate":
        pac_infos[PAC_LOGON_INFO] = li[: len(li) // 2]
    elif mode == "garbage":
        pac_infos[PAC_LOGON_INFO] = b"\xff" * len(li)
    elif mode == "rename":
        ci = pac_infos[PAC_CLIENT_INFO_TYPE]
        name = "mallory".encode("utf-16-le")
        pac_infos[PAC_CLIENT_INFO_TYPE] = ci[:8] + struct.pack("<H", len(name)) + name
    elif mode != "plain":
        raise SystemExit("unknown mode " + mode)


def _tamper_pac(pac):
    # GROUP_MEMBERSHIP {RelativeId, Attributes}; ticketer's attributes are 7
    # (mandatory, enabled by default, enabled).
    old, new = struct.pack("<II", 1104, 7), struct.pack("<II", 1103, 7)
    if pac.count(old) != 1:
        raise SystemExit("tamper: RID 1104 (attributes 7) found %d times in "
                         "the PAC" % pac.count(old))
    return pac.replace(old, new)


def post_tamper(enc_ticket_part):
    """Changes bytes inside the signed AD-WIN2K-PAC."""
    from pyasn1.codec.der import decoder, encoder
    from impacket.krb5.asn1 import AD_IF_RELEVANT
    from impacket.krb5.constants import AuthorizationDataType
    done = 0
    ad = enc_ticket_part["authorization-data"]
    for i in range(len(ad)):
        if ad[i]["ad-type"] != AuthorizationDataType.AD_IF_RELEVANT.value:
            continue
        inner = decoder.decode(ad[i]["ad-data"].asOctets(),
                               asn1Spec=AD_IF_RELEVANT())[0]
        for j in range(len(inner)):
            if inner[j]["ad-type"] == AuthorizationDataType.AD_WIN2K_PAC.value:
                inner[j]["ad-data"] = _tamper_pac(inner[j]["ad-data"].asOctets())
                done += 1
        ad[i]["ad-data"] = encoder.encode(inner)
    if done != 1:
        raise SystemExit("tamper: %d PACs found" % done)
    return enc_ticket_part


def post_nopac(enc_ticket_part):
    """Removes every AD-IF-RELEVANT element that holds an AD-WIN2K-PAC."""
    from pyasn1.codec.der import decoder
    from impacket.krb5.asn1 import AD_IF_RELEVANT, EncTicketPart
    from impacket.krb5.constants import AuthorizationDataType
    ad = enc_ticket_part["authorization-data"]
    keep, removed = [], 0
    for i in range(len(ad)):
        el = ad[i]
        if el["ad-type"] == AuthorizationDataType.AD_IF_RELEVANT.value:
            inner = decoder.decode(el["ad-data"].asOctets(),
                                   asn1Spec=AD_IF_RELEVANT())[0]
            if any(inner[j]["ad-type"] == AuthorizationDataType.AD_WIN2K_PAC.value
                   for j in range(len(inner))):
                removed += 1
                continue
        if el["ad-type"] == AuthorizationDataType.AD_WIN2K_PAC.value:
            removed += 1
            continue
        keep.append((int(el["ad-type"]), el["ad-data"].asOctets()))
    if removed == 0:
        raise SystemExit("nopac: no PAC in the ticket")
    # authorization-data is OPTIONAL: when nothing is left it is left out
    # (not encoded as an empty SEQUENCE OF).
    new = EncTicketPart()
    for name in enc_ticket_part.componentType.keys():
        if name != "authorization-data" and enc_ticket_part[name].isValue:
            new[name] = enc_ticket_part[name]
    for i, (t, d) in enumerate(keep):
        new["authorization-data"][i] = None
        new["authorization-data"][i]["ad-type"] = t
        new["authorization-data"][i]["ad-data"] = d
    return new


POST_MODES = {"tamper": post_tamper, "nopac": post_nopac}


def post_process(ccache_file, aes_key_hex, fn):
    """Decrypts the ticket in CCACHE_FILE with the trust key, replaces its
    EncTicketPart by FN(EncTicketPart), re-encrypts it (same key, etype,
    kvno), rewrites the ccache."""
    from binascii import unhexlify
    from pyasn1.codec.der import decoder, encoder
    from impacket.krb5.asn1 import Ticket, EncTicketPart
    from impacket.krb5.ccache import CCache
    from impacket.krb5.crypto import Key, _enctype_table
    cc = CCache.loadFile(ccache_file)
    if len(cc.credentials) != 1:
        raise SystemExit("expected one credential in " + ccache_file)
    cred = cc.credentials[0]
    ticket = decoder.decode(cred.ticket["data"], asn1Spec=Ticket())[0]
    etype = int(ticket["enc-part"]["etype"])
    kvno = int(ticket["enc-part"]["kvno"])
    cipher = _enctype_table[etype]
    key = Key(etype, unhexlify(aes_key_hex))
    plain = cipher.decrypt(key, 2, ticket["enc-part"]["cipher"].asOctets())
    etp = decoder.decode(plain, asn1Spec=EncTicketPart())[0]
    etp = fn(etp)
    ticket["enc-part"]["cipher"] = cipher.encrypt(key, 2, encoder.encode(etp), None)
    ticket["enc-part"]["etype"] = etype
    ticket["enc-part"]["kvno"] = kvno
    data = encoder.encode(ticket)
    cred.ticket["data"] = data
    cred.ticket["length"] = len(data)
    cc.saveFile(ccache_file)
    # read back: the ticket must decrypt and decode with the same key
    cc2 = CCache.loadFile(ccache_file)
    t2 = decoder.decode(cc2.credentials[0].ticket["data"], asn1Spec=Ticket())[0]
    assert int(t2["enc-part"]["kvno"]) == kvno
    decoder.decode(cipher.decrypt(key, 2, t2["enc-part"]["cipher"].asOctets()),
                   asn1Spec=EncTicketPart())


def main():
    mode = sys.argv[1]
    src = open(TICKETER).read()
    if HOOK not in src:
        raise SystemExit("ticketer.py has changed: hook point not found")
    src = src.replace(HOOK, HOOK + "        _adb_damage(pacInfos, _adb_mode)\n")
    args = sys.argv[2:]
    if mode not in ("plain", "truncate", "garbage", "rename") + tuple(POST_MODES):
        raise SystemExit("unknown mode " + mode)
    target = args[-1]
    out = target.replace("/", ".") + ".ccache"
    if os.path.exists(out):
        os.unlink(out)
    sys.argv = [TICKETER] + args
    code = compile(src, TICKETER, "exec")
    exec(code, {"__name__": "__main__", "__file__": TICKETER,
                "_adb_damage": damage,
                "_adb_mode": "plain" if mode in POST_MODES else mode})
    if not os.path.exists(out):
        raise SystemExit("ticketer.py wrote no " + out)
    if mode in POST_MODES:
        aes = args[args.index("-aesKey") + 1]
        post_process(out, aes, POST_MODES[mode])
        print("bridge_forge: %s: %s post-processed" % (out, mode))


if __name__ == "__main__":
    main()
