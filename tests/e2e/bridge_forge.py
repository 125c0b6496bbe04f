#!/usr/bin/python3
# SPDX-License-Identifier: MIT
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
  barepac    that element replaced by the bare AD-WIN2K-PAC at the top
             level (MIT reads a PAC only inside a top-level AD-IF-RELEVANT)
  nestedpac  that element wrapped in a second AD-IF-RELEVANT container
  subrealm   the ticket's client realm changed to SUB.<realm> (a sub-domain
             the trust does not carry)
  upnnosam   a UPN_DNS_INFO without the SamName extension added to the PAC
             and the PAC signed again with the trust key (with the pre-sign
             modes below: EffectiveName differs from CLIENT_INFO)

and, before ticketer signs (combined with upnnosam through "+", e.g.
"effname+upnnosam"):

  effname    LOGON_INFO EffectiveName set to "alice" (the ticket client and
             CLIENT_INFO stay the forged user's)
  quotes     LogonDomainName set to a string that plants a fake ALLOW in
             the refusal's log line

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
    elif mode in ("effname", "quotes"):
        vi = VALIDATION_INFO()
        vi.fromString(pac_infos[PAC_LOGON_INFO])
        vi.fromStringReferents(pac_infos[PAC_LOGON_INFO], len(vi.getData()))
        if mode == "effname":
            vi["Data"]["EffectiveName"] = "alice"
        else:
            vi["Data"]["LogonDomainName"] = ('X" ALLOW cross-realm client '
                                             'alice@AD.EXAMPLE.COM rights '
                                             'admin "')
        li = vi.getData() + vi.getDataReferents()
        body = li[16:] + b"\0" * (-(len(li) - 16) % 8)
        pac_infos[PAC_LOGON_INFO] = (li[:8] + struct.pack("<I", len(body)) +
                                     li[12:16] + body)
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
    from impacket.krb5.asn1 import AD_IF_RELEVANT
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
    return _rebuild_ad(enc_ticket_part, keep)


def _pac_elements(enc_ticket_part):
    """(index, decoded AD-IF-RELEVANT, inner index) of the PAC."""
    from pyasn1.codec.der import decoder
    from impacket.krb5.asn1 import AD_IF_RELEVANT
    from impacket.krb5.constants import AuthorizationDataType
    ad = enc_ticket_part["authorization-data"]
    for i in range(len(ad)):
        if ad[i]["ad-type"] != AuthorizationDataType.AD_IF_RELEVANT.value:
            continue
        inner = decoder.decode(ad[i]["ad-data"].asOctets(),
                               asn1Spec=AD_IF_RELEVANT())[0]
        for j in range(len(inner)):
            if inner[j]["ad-type"] == AuthorizationDataType.AD_WIN2K_PAC.value:
                return i, inner, j
    raise SystemExit("no PAC in the ticket")


def _rebuild_ad(enc_ticket_part, elements):
    """EncTicketPart with authorization-data = ELEMENTS [(type, bytes)]."""
    from impacket.krb5.asn1 import EncTicketPart
    new = EncTicketPart()
    for name in enc_ticket_part.componentType.keys():
        if name != "authorization-data" and enc_ticket_part[name].isValue:
            new[name] = enc_ticket_part[name]
    ad = new["authorization-data"]
    for i, (t, d) in enumerate(elements):
        ad.setComponentByPosition(i)
        ad[i]["ad-type"] = t
        ad[i]["ad-data"] = d
    return new


def post_move_pac(enc_ticket_part, nested):
    """The PAC's AD-IF-RELEVANT element replaced by the bare PAC (NESTED
    false) or by that element wrapped once more (NESTED true)."""
    from pyasn1.codec.der import encoder
    from impacket.krb5.asn1 import AD_IF_RELEVANT
    from impacket.krb5.constants import AuthorizationDataType
    i, inner, j = _pac_elements(enc_ticket_part)
    ad = enc_ticket_part["authorization-data"]
    elements = []
    for k in range(len(ad)):
        t, d = int(ad[k]["ad-type"]), ad[k]["ad-data"].asOctets()
        if k == i and not nested:
            t, d = AuthorizationDataType.AD_WIN2K_PAC.value, inner[j]["ad-data"].asOctets()
        elif k == i:
            outer = AD_IF_RELEVANT()
            outer.setComponentByPosition(0)
            outer[0]["ad-type"] = AuthorizationDataType.AD_IF_RELEVANT.value
            outer[0]["ad-data"] = d
            d = encoder.encode(outer)
        elements.append((t, d))
    return _rebuild_ad(enc_ticket_part, elements)


def post_subrealm(enc_ticket_part):
    enc_ticket_part["crealm"] = "SUB." + str(enc_ticket_part["crealm"])
    # an empty DOMAIN-X500-COMPRESS transited field, as AD sends (ticketer
    # writes type 0, which MIT refuses as unsupported)
    enc_ticket_part["transited"]["tr-type"] = 1
    enc_ticket_part["transited"]["contents"] = b""
    return enc_ticket_part


def _pac_parse(pac):
    n, version = struct.unpack_from("<II", pac, 0)
    bufs = []
    for k in range(n):
        t, size, off = struct.unpack_from("<IIQ", pac, 8 + 16 * k)
        bufs.append([t, pac[off:off + size]])
    return bufs


def _pac_build(bufs):
    off = 8 + 16 * len(bufs)
    head, body = struct.pack("<II", len(bufs), 0), b""
    offsets = []
    for t, data in bufs:
        head += struct.pack("<IIQ", t, len(data), off + len(body))
        offsets.append(off + len(body))
        body += data + b"\0" * (-len(data) % 8)
    return head + body, offsets


def post_upnnosam(enc_ticket_part, aes_key_hex):
    """Adds a UPN_DNS_INFO without the SamName extension (flags 0) for the
    PAC's CLIENT_INFO user and signs the PAC again with the trust key
    (server and KDC signatures: MIT checks the server one)."""
    from binascii import unhexlify
    from pyasn1.codec.der import encoder
    from impacket.krb5.crypto import Key, _checksum_table, Enctype
    i, inner, j = _pac_elements(enc_ticket_part)
    bufs = _pac_parse(inner[j]["ad-data"].asOctets())
    ci = [b for t, b in bufs if t == 10][0]
    name = ci[10:10 + struct.unpack_from("<H", ci, 8)[0]].decode("utf-16-le")
    upn = ("%s@%s" % (name, str(enc_ticket_part["crealm"]).lower())).encode("utf-16-le")
    dns = str(enc_ticket_part["crealm"]).encode("utf-16-le")
    upnbuf = struct.pack("<HHHHI", len(upn), 16, len(dns), 16 + len(upn) + (-len(upn) % 8), 0)
    upnbuf += b"\0" * 4 + upn + b"\0" * (-len(upn) % 8) + dns
    bufs = [b for b in bufs if b[0] != 12]
    bufs.insert(2, [12, upnbuf])
    key = Key(Enctype.AES256, unhexlify(aes_key_hex))
    ck = _checksum_table[16]
    for b in bufs:
        if b[0] in (6, 7):
            b[1] = struct.pack("<i", 16) + b"\0" * 12
    pac, offs = _pac_build(bufs)
    s_idx = [k for k, b in enumerate(bufs) if b[0] == 6][0]
    p_idx = [k for k, b in enumerate(bufs) if b[0] == 7][0]
    server_sig = ck.checksum(key, 17, pac)
    pac = bytearray(pac)
    pac[offs[s_idx] + 4:offs[s_idx] + 16] = server_sig
    pac[offs[p_idx] + 4:offs[p_idx] + 16] = ck.checksum(key, 17, server_sig)
    inner[j]["ad-data"] = bytes(pac)
    enc_ticket_part["authorization-data"][i]["ad-data"] = encoder.encode(inner)
    return enc_ticket_part


POST_MODES = {"tamper": post_tamper, "nopac": post_nopac,
              "barepac": lambda e: post_move_pac(e, False),
              "nestedpac": lambda e: post_move_pac(e, True),
              "subrealm": post_subrealm,
              "upnnosam": None}


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
    # the ccache names the ticket's client as the ticket does (subrealm)
    crealm = str(etp["crealm"]).encode()
    for p in (cc.principal, cred["client"]):
        if p.realm["data"] != crealm:
            p.realm["data"] = crealm
            p.realm["length"] = len(crealm)
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
    pre, _, post = mode.partition("+")
    if pre in POST_MODES:
        pre, post = "plain", pre
    if pre not in ("plain", "truncate", "garbage", "rename", "effname",
                   "quotes") or (post and post not in POST_MODES):
        raise SystemExit("unknown mode " + mode)
    target = args[-1]
    out = target.replace("/", ".") + ".ccache"
    if os.path.exists(out):
        os.unlink(out)
    sys.argv = [TICKETER] + args
    code = compile(src, TICKETER, "exec")
    exec(code, {"__name__": "__main__", "__file__": TICKETER,
                "_adb_damage": damage,
                "_adb_mode": pre})
    if not os.path.exists(out):
        raise SystemExit("ticketer.py wrote no " + out)
    if post:
        aes = args[args.index("-aesKey") + 1]
        fn = POST_MODES[post] or (lambda e: post_upnnosam(e, aes))
        post_process(out, aes, fn)
        print("bridge_forge: %s: %s post-processed" % (out, post))


if __name__ == "__main__":
    main()
