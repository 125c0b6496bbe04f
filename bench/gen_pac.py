#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""gen_pac.py - build a realistic MS-PAC blob with Samba's own NDR marshalling.

The PAC looks like what an AD DC (Samba 4.17's KDC) puts into a cross-realm
TGT for the user ADEX\\alice of AD.EXAMPLE.COM:

  buffers, in this order (as Samba's KDC + its krb5 library add them):
    1  LOGON_INFO       PAC_LOGON_INFO_CTR, NDR type serialization (0xFFFFFC01
                        subcontext) - exactly what samba_get_logon_info_pac_blob()
                        pushes: netr_SamInfo3 + PAC_DOMAIN_GROUP_MEMBERSHIP
   10  CLIENT_INFO      PAC_LOGON_NAME (authtime + "alice")
   12  UPN_DNS_INFO     extended form: flags 0x2, SamName + Sid
   17  ATTRIBUTES_INFO  flags_length 2, flags PAC_WAS_REQUESTED
   18  REQUESTOR        the user's SID
    6  SERVER_CHECKSUM  type 16 (HMAC-SHA1-96-AES256), 12 bytes
    7  PRIVSVR_CHECKSUM type 16, 12 bytes

The signatures are filler bytes: nothing here is signed (decoders do not
verify signatures).  The whole PAC is marshalled by ndr_pack(PAC_DATA), i.e.
Samba's ndr_push_PAC_BUFFER: 8-aligned buffers, zero padding, header offsets.

Must run under /usr/bin/python3 (the interpreter that has python3-samba).

Usage: gen_pac.py [--groups N] [--extra-sids N] [--resource-groups N]
                  [--adbridge PATH] --out FILE

The result is checked by decoding it again with Samba (ndr_unpack) and, with
--adbridge, with `adbridge pac decode --json`.
"""

import argparse
import sys

from samba.dcerpc import krb5pac, lsa, netlogon, samr, security
from samba.ndr import ndr_pack, ndr_unpack

DOMAIN_SID = "S-1-5-21-3623811015-3361044348-30300820"
NETBIOS = "ADEX"
REALM = "AD.EXAMPLE.COM"
DNS_DOMAIN = "ad.example.com"
USER = "alice"
FULL_NAME = "Alice A"
USER_RID = 1103
PRIMARY_GID = 513                       # Domain Users
LOGON_SERVER = "DC1"

# Extra SIDs beyond the first (S-1-18-1): universal groups of another domain
# of the forest, as ExtraSids carry them.
OTHER_DOMAIN_SID = "S-1-5-21-1004336348-1177238915-682003330"
# Resource groups: domain-local groups of a resource domain.
RESOURCE_DOMAIN_SID = "S-1-5-21-2222222222-3333333333-444444444"

SE_GROUP_DEFAULT = 0x7                  # MANDATORY|ENABLED_BY_DEFAULT|ENABLED
SE_GROUP_RESOURCE = 0x20000000
NETLOGON_EXTRA_SIDS = 0x20
NETLOGON_RESOURCE_GROUPS = 0x200
ACB_NORMAL = 0x10
ACB_PWNOEXP = 0x200

NTTIME_NEVER = 0x7FFFFFFFFFFFFFFF
# 2025-11-23 12:13:20 UTC as a FILETIME (Unix 1763900000).
AUTHTIME_UNIX = 1763900000
AUTHTIME_NT = (AUTHTIME_UNIX + 11644473600) * 10000000
PWD_LAST_SET_NT = AUTHTIME_NT - 30 * 86400 * 10000000


def lsa_string(text):
    s = lsa.String()
    s.string = text
    return s


def lsa_string_large(text):
    s = lsa.StringLarge()
    s.string = text
    return s


def rid_attr(rid, attributes):
    r = samr.RidWithAttribute()
    r.rid = rid
    r.attributes = attributes
    return r


def rid_array(rids):
    arr = samr.RidWithAttributeArray()
    arr.count = len(rids)
    arr.rids = rids if rids else None
    return arr


def build_logon_info(groups, extra_sids, resource_groups):
    """A PAC_LOGON_INFO_CTR as samba_get_logon_info_pac_blob() builds it
    (auth_convert_user_info_dc_saminfo3 + resource groups)."""
    base = netlogon.netr_SamBaseInfo()
    base.logon_time = AUTHTIME_NT
    base.logoff_time = NTTIME_NEVER
    base.kickoff_time = NTTIME_NEVER
    base.last_password_change = PWD_LAST_SET_NT
    base.allow_password_change = PWD_LAST_SET_NT + 86400 * 10000000
    base.force_password_change = NTTIME_NEVER
    base.account_name = lsa_string(USER)
    base.full_name = lsa_string(FULL_NAME)
    base.logon_script = lsa_string("")
    base.profile_path = lsa_string("")
    base.home_directory = lsa_string("")
    base.home_drive = lsa_string("")
    base.logon_count = 7
    base.bad_password_count = 0
    base.rid = USER_RID
    base.primary_gid = PRIMARY_GID
    base.groups = rid_array([rid_attr(1100 + i, SE_GROUP_DEFAULT)
                             for i in range(groups)])
    base.user_flags = 0
    base.logon_server = lsa_string_large(LOGON_SERVER)
    base.logon_domain = lsa_string_large(NETBIOS)
    base.domain_sid = security.dom_sid(DOMAIN_SID)
    base.acct_flags = ACB_NORMAL | ACB_PWNOEXP
    base.sub_auth_status = 0
    base.last_successful_logon = 0
    base.last_failed_logon = 0
    base.failed_logon_count = 0
    base.reserved = 0

    info3 = netlogon.netr_SamInfo3()
    info3.base = base
    sids = []
    for i in range(extra_sids):
        sa = netlogon.netr_SidAttr()
        if i == 0:
            sa.sid = security.dom_sid("S-1-18-1")
        else:
            sa.sid = security.dom_sid("%s-%d" % (OTHER_DOMAIN_SID, 1200 + i))
        sa.attributes = SE_GROUP_DEFAULT
        sids.append(sa)
    info3.sidcount = len(sids)
    info3.sids = sids if sids else None
    if sids:
        base.user_flags |= NETLOGON_EXTRA_SIDS
    info3.base = base

    rg = krb5pac.PAC_DOMAIN_GROUP_MEMBERSHIP()
    if resource_groups:
        rg.domain_sid = security.dom_sid(RESOURCE_DOMAIN_SID)
        rg.groups = rid_array([rid_attr(1300 + i,
                                        SE_GROUP_DEFAULT | SE_GROUP_RESOURCE)
                               for i in range(resource_groups)])
        info3.base.user_flags |= NETLOGON_RESOURCE_GROUPS
    else:
        rg.domain_sid = None
        rg.groups = rid_array([])

    logon = krb5pac.PAC_LOGON_INFO()
    logon.info3 = info3
    logon.resource_groups = rg
    ctr = krb5pac.PAC_LOGON_INFO_CTR()
    ctr.info = logon
    return ctr


def build_client_info():
    ln = krb5pac.PAC_LOGON_NAME()
    ln.logon_time = AUTHTIME_NT
    ln.account_name = USER
    return ln


def build_upn_dns_info(user_sid):
    upn = krb5pac.PAC_UPN_DNS_INFO()
    upn.upn_name = "%s@%s" % (USER, DNS_DOMAIN)
    upn.dns_domain_name = REALM
    upn.flags = krb5pac.PAC_UPN_DNS_FLAG_HAS_SAM_NAME_AND_SID
    ex = krb5pac.PAC_UPN_DNS_INFO_SAM_NAME_AND_SID()
    ex.samaccountname = USER
    ex.objectsid = user_sid
    upn.ex = ex
    return upn


def build_attributes_info():
    a = krb5pac.PAC_ATTRIBUTES_INFO()
    a.flags_length = 2
    a.flags = krb5pac.PAC_ATTRIBUTE_FLAG_PAC_WAS_REQUESTED
    return a


def build_requester(user_sid):
    r = krb5pac.PAC_REQUESTER_SID()
    r.sid = user_sid
    return r


def build_signature(fill):
    s = krb5pac.PAC_SIGNATURE_DATA()
    s.type = 16                         # HMAC-SHA1-96-AES256
    s.signature = bytes([fill]) * 12
    return s


def build_pac(groups, extra_sids, resource_groups):
    user_sid = security.dom_sid("%s-%d" % (DOMAIN_SID, USER_RID))
    parts = [
        (krb5pac.PAC_TYPE_LOGON_INFO,
         build_logon_info(groups, extra_sids, resource_groups)),
        (krb5pac.PAC_TYPE_LOGON_NAME, build_client_info()),
        (krb5pac.PAC_TYPE_UPN_DNS_INFO, build_upn_dns_info(user_sid)),
        (krb5pac.PAC_TYPE_ATTRIBUTES_INFO, build_attributes_info()),
        (krb5pac.PAC_TYPE_REQUESTER_SID, build_requester(user_sid)),
        (krb5pac.PAC_TYPE_SRV_CHECKSUM, build_signature(0x5a)),
        (krb5pac.PAC_TYPE_KDC_CHECKSUM, build_signature(0xa5)),
    ]
    bufs = []
    for ptype, info in parts:
        b = krb5pac.PAC_BUFFER()
        b.type = ptype
        b.info = info
        bufs.append(b)
    pac = krb5pac.PAC_DATA()
    pac.version = 0
    pac.num_buffers = len(bufs)
    pac.buffers = bufs
    return ndr_pack(pac)


def check(blob, groups, extra_sids, resource_groups):
    """Round trip through Samba's decoder; raise on any mismatch."""
    pac = ndr_unpack(krb5pac.PAC_DATA, blob)
    types = [b.type for b in pac.buffers]
    want = [1, 10, 12, 17, 18, 6, 7]
    if types != want:
        raise RuntimeError("buffer types %r, expected %r" % (types, want))
    info3 = pac.buffers[0].info.info.info3
    if info3.base.groups.count != groups:
        raise RuntimeError("group count %d" % info3.base.groups.count)
    if info3.sidcount != extra_sids:
        raise RuntimeError("extra sid count %d" % info3.sidcount)
    rg = pac.buffers[0].info.info.resource_groups
    if rg.groups.count != resource_groups:
        raise RuntimeError("resource group count %d" % rg.groups.count)
    if str(info3.base.domain_sid) != DOMAIN_SID:
        raise RuntimeError("domain sid %s" % info3.base.domain_sid)
    upn = pac.buffers[2].info
    if str(upn.ex.objectsid) != "%s-%d" % (DOMAIN_SID, USER_RID):
        raise RuntimeError("upn sid %s" % upn.ex.objectsid)
    for b in pac.buffers:
        if b._ndr_size == 0:
            raise RuntimeError("empty buffer %d" % b.type)
    if len(blob) % 8:
        raise RuntimeError("PAC length %d not a multiple of 8" % len(blob))


def check_adbridge(adbridge, path, groups, extra_sids, resource_groups):
    """Decode @path with `adbridge pac decode --json` and check the figures
    this script put in (the full field-by-field comparison with Samba is
    tests/diff/diff_pac.py)."""
    import json
    import subprocess
    p = subprocess.run([adbridge, "pac", "decode", "--json", path],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("adbridge rejects %s: %s" % (path,
                                                        p.stderr.strip()))
    j = json.loads(p.stdout)
    li = j["logon_info"]
    user = "%s-%d" % (DOMAIN_SID, USER_RID)
    got = (j["buffers"], len(li["groups"]), len(li["extra_sids"]),
           len(li["resource_groups"]), li["domain_sid"], j["requestor"],
           j["upn_dns_info"]["sid"], len(j["sids"]))
    want = ([1, 10, 12, 17, 18, 6, 7], groups, extra_sids, resource_groups,
            DOMAIN_SID, user, user,
            2 + groups + extra_sids + resource_groups)
    if got != want:
        raise RuntimeError("adbridge decodes %r, expected %r" % (got, want))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=5,
                    help="GroupIds entries (RIDs 1100+i, attributes 7); "
                         "default 5")
    ap.add_argument("--extra-sids", type=int, default=1,
                    help="ExtraSids entries (first is S-1-18-1); default 1")
    ap.add_argument("--resource-groups", type=int, default=0,
                    help="ResourceGroupIds entries (sets UserFlags 0x200); "
                         "default 0")
    ap.add_argument("--out", required=True, help="output file")
    ap.add_argument("--adbridge", metavar="PATH",
                    help="also check that `PATH pac decode --json` decodes "
                         "the result")
    args = ap.parse_args(argv)
    for name in ("groups", "extra_sids", "resource_groups"):
        if getattr(args, name) < 0:
            ap.error("--%s must be >= 0" % name.replace("_", "-"))

    blob = build_pac(args.groups, args.extra_sids, args.resource_groups)
    check(blob, args.groups, args.extra_sids, args.resource_groups)
    with open(args.out, "wb") as f:
        f.write(blob)
    if args.adbridge:
        check_adbridge(args.adbridge, args.out, args.groups, args.extra_sids,
                       args.resource_groups)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
