#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""samba_pac_json.py - decode PACs with Samba's NDR decoder and print the
JSON of docs/pac-json.md, for differential testing against
`adbridge pac decode --json`.

    samba_pac_json.py FILE            one JSON object on stdout
    samba_pac_json.py --dir DIR       one line per file (sorted by name):
                                      {"file": PATH, "result": {...}}

If Samba's decoder raises, the result is {"rejected": "<message>"} (and, in
single-file mode, the exit status is still 0: a rejection is a result).

What is Samba's and what is ours
--------------------------------
* Decoding: ndr_unpack(krb5pac.PAC_DATA, blob, allow_remaining=True), i.e.
  ndr_pull_struct_blob(... ndr_pull_PAC_DATA), which is what Samba's own
  kerberos_decode_pac() uses.  --strict-remaining uses the plain
  ndr_unpack() default (ndr_pull_struct_blob_all), which also rejects bytes
  after the last buffer's padding.
* Every field value comes from Samba's decoded structures.  Written here from
  docs/pac-json.md, /work/shared/docs/pac-spec.md, MS-PAC/MS-DTYP and
  Samba's conventions (see tests/diff/README.md): the JSON shape, the FILETIME -> Unix conversion of client_info.time,
  the split of PAC_SIGNATURE_DATA (Samba keeps Signature + RODCIdentifier as
  one blob; the signature length is fixed by the checksum type, MS-PAC 2.8)
  and the expanded `sids` list (pac-spec 4.1).
* Buffer types Samba 4.17 decodes but adbridge does not (2 CREDENTIAL_INFO,
  11 CONSTRAINED_DELEGATION) are of no interest to the comparison: their
  type in the buffer table is replaced by an unused value before decoding
  (so Samba keeps them as opaque blobs, as adbridge does), and the JSON shows
  the original type.  The result carries no trace of this; --no-retype turns
  it off.
* Samba 4.17 has no DEVICE_INFO (14) decoder (it keeps the buffer as a
  blob).  When a PAC has one, "device_info" is the string
  "not-decoded-by-samba" - a value adbridge never prints, so a comparison
  cannot silently pass on it (diff_pac.py reports it as unchecked).
"""

import argparse
import json
import os
import struct
import sys

from samba.dcerpc import krb5pac
from samba.ndr import ndr_unpack

# Types adbridge decodes (pac.h); everything else is an "unknown buffer".
ADB_DECODED = frozenset((1, 6, 7, 10, 12, 14, 16, 17, 18, 19))
SIGNATURE_BUFFERS = frozenset((6, 7, 16, 19))
# Types Samba 4.17's PAC_INFO union decodes but adbridge does not.
SAMBA_ONLY = frozenset((2, 11))
# A type no PAC uses; Samba's [default] arm keeps it as a blob.
RETYPE_PLACEHOLDER = 0x7ADB0000

DEVICE_INFO_UNSUPPORTED = "not-decoded-by-samba"
NULL_BUFFER = "samba-null-buffer"
NULL_BUFFER_KEY = {1: "logon_info", 10: "client_info", 12: "upn_dns_info",
                   14: "device_info", 17: "attributes_info", 18: "requestor"}

# MS-PAC 2.8.1 / RFC 4757 / RFC 3962 / RFC 8009: Signature length by type.
SIGNATURE_LENGTH = {
    -138: 16,   # KERB_CHECKSUM_HMAC_MD5
    15: 12,     # HMAC_SHA1_96_AES128
    16: 12,     # HMAC_SHA1_96_AES256
    19: 16,     # HMAC_SHA256_128_AES128
    20: 24,     # HMAC_SHA384_192_AES256
}

SE_GROUP_DEFAULT = 0x7   # MANDATORY | ENABLED_BY_DEFAULT | ENABLED

FILETIME_NEVER = 0x7FFFFFFFFFFFFFFF
FILETIME_UNIX_EPOCH = 11644473600


def filetime_to_unix(ft):
    """Unix seconds of a FILETIME, or None for 0, "never" and pre-1970."""
    if ft == 0 or ft == FILETIME_NEVER:
        return None
    secs = ft // 10000000
    if secs < FILETIME_UNIX_EPOCH:
        return None
    return secs - FILETIME_UNIX_EPOCH


def s32(v):
    v &= 0xFFFFFFFF
    return v - 0x100000000 if v & 0x80000000 else v


def sid_str(sid):
    """A dom_sid decoded by Samba, as text per MS-DTYP 2.4.2.1: the
    IdentifierAuthority in decimal below 2^32, else "0x" and 12 hex digits
    (HEXDIG: written in upper case here).  Samba's own str(dom_sid) differs
    for large authorities (lower case, no zero padding, and hex already for
    2^32 - 1), so it is not used: the JSON contract is MS-DTYP's."""
    if sid is None:
        return None
    ia = 0
    for b in list(sid.id_auth)[:6]:
        ia = (ia << 8) | b
    auth = "%d" % ia if ia < 2 ** 32 else "0x%012X" % ia
    subs = list(sid.sub_auths)[:sid.num_auths]
    return "S-%d-%s" % (sid.sid_rev_num, auth) + \
        "".join("-%d" % x for x in subs)


def lsa_str(s):
    """An lsa_String's text: None when its pointer was NULL."""
    return s.string


def rid_list(arr):
    """samr_RidWithAttributeArray -> [{rid, attributes}] (count entries)."""
    rids = arr.rids or []
    return [{"rid": r.rid, "attributes": r.attributes}
            for r in rids[:arr.count]]


def retype(blob):
    """Replace the buffer-table types in SAMBA_ONLY by RETYPE_PLACEHOLDER.
    Returns (new blob, {index: original type})."""
    if len(blob) < 8:
        return blob, {}
    n = struct.unpack_from("<I", blob, 0)[0]
    n = min(n, (len(blob) - 8) // 16)
    out = bytearray(blob)
    changed = {}
    for i in range(n):
        off = 8 + 16 * i
        t = struct.unpack_from("<I", blob, off)[0]
        if t in SAMBA_ONLY:
            struct.pack_into("<I", out, off, RETYPE_PLACEHOLDER)
            changed[i] = t
    return bytes(out), changed


def logon_info_json(ctr):
    """PAC_LOGON_INFO_CTR -> the logon_info object (None if NULL)."""
    li = ctr.info
    if li is None:
        return None
    i3 = li.info3
    b = i3.base
    extra = []
    for sa in (i3.sids or [])[:i3.sidcount]:
        extra.append({"sid": sid_str(sa.sid), "attributes": sa.attributes})
    rg = li.resource_groups
    return {
        "effective_name": lsa_str(b.account_name),
        "full_name": lsa_str(b.full_name),
        "logon_script": lsa_str(b.logon_script),
        "profile_path": lsa_str(b.profile_path),
        "home_directory": lsa_str(b.home_directory),
        "home_directory_drive": lsa_str(b.home_drive),
        "logon_server": lsa_str(b.logon_server),
        "logon_domain": lsa_str(b.logon_domain),
        "domain_sid": sid_str(b.domain_sid),
        "user_rid": b.rid,
        "primary_group_rid": b.primary_gid,
        "user_flags": b.user_flags,
        "uac": b.acct_flags,
        "logon_count": b.logon_count,
        "bad_password_count": b.bad_password_count,
        "logon_time": b.logon_time,
        "logoff_time": b.logoff_time,
        "kickoff_time": b.kickoff_time,
        "password_last_set": b.last_password_change,
        "password_can_change": b.allow_password_change,
        "password_must_change": b.force_password_change,
        "last_successful_ilogon": b.last_successful_logon,
        "last_failed_ilogon": b.last_failed_logon,
        "failed_ilogon_count": b.failed_logon_count,
        "sub_auth_status": b.sub_auth_status,
        "groups": rid_list(b.groups),
        "extra_sids": extra,
        "resource_domain_sid": sid_str(rg.domain_sid),
        "resource_groups": rid_list(rg.groups),
    }


def expand_sids(li):
    """pac-spec 4.1 / pac-json.md: user (attributes 0), primary group,
    GroupIds, every ExtraSid present, resource groups (only composable with
    a ResourceGroupDomainSid).  Account-domain entries need LogonDomainId."""
    out = []
    dom = li["domain_sid"]
    if dom is None:
        return out
    out.append({"sid": "%s-%d" % (dom, li["user_rid"]), "attributes": 0,
                "source": "user"})
    out.append({"sid": "%s-%d" % (dom, li["primary_group_rid"]),
                "attributes": SE_GROUP_DEFAULT, "source": "primary_group"})
    for g in li["groups"]:
        out.append({"sid": "%s-%d" % (dom, g["rid"]),
                    "attributes": g["attributes"], "source": "group"})
    for e in li["extra_sids"]:
        if e["sid"] is not None:
            out.append({"sid": e["sid"], "attributes": e["attributes"],
                        "source": "extra_sid"})
    rdom = li["resource_domain_sid"]
    if rdom is not None:
        for g in li["resource_groups"]:
            out.append({"sid": "%s-%d" % (rdom, g["rid"]),
                        "attributes": g["attributes"],
                        "source": "resource_group"})
    return out


def signature_json(btype, sig):
    """PAC_SIGNATURE_DATA: Samba's blob is Signature || [RODCIdentifier]."""
    stype = s32(sig.type)
    raw = bytes(sig.signature)
    n = SIGNATURE_LENGTH.get(stype)
    rodc = None
    if n is None:
        body = raw                      # length unknown: the whole blob
    else:
        body = raw[:n]
        rest = raw[n:]
        if len(rest) == 2:
            rodc = struct.unpack("<H", rest)[0]
    return {"buffer": btype, "type": stype, "signature": body.hex(),
            "rodc_id": rodc}


def upn_string(text, size):
    """UPN_DNS_INFO strings are (length, offset) pairs, not NDR pointers.
    Samba models them as relative pointers and gives None for offset 0; with
    length 0 that is just the empty string (pac-json.md keeps null for NULL
    NDR pointers).  With length > 0 and offset 0, None stays (the string is
    missing - a decoder should reject that)."""
    if text is None and size == 0:
        return ""
    return text


def upn_json(u):
    ext = bool(u.flags & krb5pac.PAC_UPN_DNS_FLAG_HAS_SAM_NAME_AND_SID)
    return {
        "upn": upn_string(u.upn_name, u.upn_name_size),
        "dns_domain": upn_string(u.dns_domain_name, u.dns_domain_name_size),
        "flags": u.flags,
        "sam_name": upn_string(u.ex.samaccountname,
                               u.ex.samaccountname_size) if ext else None,
        "sid": sid_str(u.ex.objectsid) if ext else None,
    }


def pac_to_json(pac, original_types):
    res = {
        "buffers": [],
        "unknown_buffers": [],
        "logon_info": None,
        "sids": [],
        "upn_dns_info": None,
        "client_info": None,
        "attributes_info": None,
        "requestor": None,
        "signatures": [],
        "device_info": None,
    }
    for i, b in enumerate(pac.buffers or []):
        t = original_types.get(i, b.type)
        res["buffers"].append(t)
        if t not in ADB_DECODED:
            res["unknown_buffers"].append({"type": t, "size": b._ndr_size})
            continue
        info = b.info
        if info is None:
            # Samba takes a buffer Offset of 0 as "no data" (a NULL relative
            # pointer); there is nothing to show.  A value adbridge never
            # prints, so that only a rejection by adbridge can match it.
            if t in SIGNATURE_BUFFERS:
                res["signatures"].append(NULL_BUFFER)
            else:
                res[NULL_BUFFER_KEY[t]] = NULL_BUFFER
            continue
        if t == 1:
            res["logon_info"] = logon_info_json(info)
        elif t == 10:
            res["client_info"] = {
                "name": info.account_name,
                "time": filetime_to_unix(info.logon_time),
                "client_id": info.logon_time,
            }
        elif t == 12:
            res["upn_dns_info"] = upn_json(info)
        elif t == 17:
            res["attributes_info"] = {"flags_length": info.flags_length,
                                      "flags": info.flags}
        elif t == 18:
            res["requestor"] = sid_str(info.sid)
        elif t in SIGNATURE_BUFFERS:
            res["signatures"].append(signature_json(t, info))
        elif t == 14:
            res["device_info"] = DEVICE_INFO_UNSUPPORTED
    if isinstance(res["logon_info"], dict):
        res["sids"] = expand_sids(res["logon_info"])
    return res


def decode_blob(blob, strict_remaining=False, do_retype=True):
    """Samba's view of one PAC blob as a dict (or {"rejected": msg})."""
    original = {}
    if do_retype:
        blob, original = retype(blob)
    try:
        pac = ndr_unpack(krb5pac.PAC_DATA, blob,
                         allow_remaining=not strict_remaining)
    except RuntimeError as e:           # NDR errors: (code, message)
        msg = " ".join(str(a) for a in e.args) if e.args else str(e)
        return {"rejected": "NDR error %s" % msg}
    # Not under the try: a failure here is a bug of this script, not a
    # rejection by Samba.
    return pac_to_json(pac, original)


def decode_file(path, **kw):
    with open(path, "rb") as f:
        return decode_blob(f.read(), **kw)


def list_dir(d):
    return sorted(os.path.join(d, n) for n in os.listdir(d)
                  if os.path.isfile(os.path.join(d, n)))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("file", nargs="?", help="a PAC file")
    g.add_argument("--dir", help="decode every file of DIR, JSON lines")
    ap.add_argument("--strict-remaining", action="store_true",
                    help="reject bytes after the last buffer "
                         "(ndr_pull_struct_blob_all)")
    ap.add_argument("--no-retype", action="store_true",
                    help="let Samba decode types 2 and 11 too")
    args = ap.parse_args(argv)
    kw = {"strict_remaining": args.strict_remaining,
          "do_retype": not args.no_retype}
    out = sys.stdout
    if args.dir:
        for p in list_dir(args.dir):
            out.write(json.dumps({"file": p, "result": decode_file(p, **kw)},
                                 sort_keys=True) + "\n")
    else:
        json.dump(decode_file(args.file, **kw), out, indent=2, sort_keys=True)
        out.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
