#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""AD-side helper of the adbridge test bed (called by testbed.sh).

Run with Debian's /usr/bin/python3 (it needs python3-samba).

  tb_ad.py populate DIR   offline, before samba starts: demo groups, users,
                          memberships, sIDHistory, 320 bulk groups (one LDIF
                          through ldbadd); writes DIR/users.txt, DIR/groups.txt
  tb_ad.py trust DIR      online: creates the trust AD -> LOCAL.EXAMPLE through
                          LSA CreateTrustedDomainEx2 (UPLEVEL, two-way, AES,
                          password version TB_TRUST_KVNO, default 2)

Secrets are read from DIR/secrets/*.pw and never printed.
"""

import os
import subprocess
import sys

import ldb
from samba import dsdb, param
from samba.auth import system_session
from samba.dcerpc import drsblobs, lsa, security
from samba.ndr import ndr_unpack
from samba.samdb import SamDB

AD_DN = "DC=ad,DC=example,DC=com"
USERS_DN = "CN=Users," + AD_DN

LOCAL_REALM = "LOCAL.EXAMPLE"
LOCAL_NETBIOS = "LOCAL"
LOCAL_SID = "S-1-5-21-1111111111-2222222222-3333333333"

N_BULK = 320

# name -> (groupType, description)
GROUPS = [
    ("PBX Admins", dsdb.GTYPE_SECURITY_GLOBAL_GROUP, "global"),
    ("PBX Viewers", dsdb.GTYPE_SECURITY_GLOBAL_GROUP, "global"),
    ("PBX Helpdesk", dsdb.GTYPE_SECURITY_GLOBAL_GROUP, "global, member of PBX Admins"),
    ("PBX Local Ops", dsdb.GTYPE_SECURITY_DOMAIN_LOCAL_GROUP, "domain-local"),
    ("PBX Universal", dsdb.GTYPE_SECURITY_UNIVERSAL_GROUP, "universal"),
    ("Staff", dsdb.GTYPE_SECURITY_GLOBAL_GROUP, "global"),
]

# user -> (given name, surname, direct groups)
USERS = [
    ("alice", "Alice", "Admin", ["PBX Admins", "PBX Local Ops"]),
    ("bob", "Bob", "Viewer", ["PBX Viewers", "PBX Universal"]),
    ("carol", "Carol", "Staff", ["Staff"]),
    ("dave", "Dave", "Helpdesk", ["PBX Helpdesk"]),
    ("erin", "Erin", "Bulk", ["PBX Viewers"]),
    ("frank", "Frank", "History", ["PBX Viewers"]),
]

# frank's sIDHistory: the local realm's Domain Admins and a SID of some other
# domain. Samba accepts S-1-5-32-544 as a sIDHistory value too, but see below:
# it could not reach the PAC, so the brief's fallback SID is used instead.
FRANK_SIDHISTORY = [LOCAL_SID + "-512", "S-1-5-21-9-9-9-512"]

# Samba 4.17 stores sIDHistory but never puts it into a PAC (its auth code does
# not read the attribute). To get these SIDs into frank's ExtraSids the way AD
# puts sIDHistory there, frank is also made a member of one global group per
# SID whose objectSid *is* that foreign SID (written with the relax control):
# Samba's group expansion then emits them as ExtraSids (attributes 7).
# S-1-5-32-544 cannot be emulated so: a second object with BUILTIN\Administrators'
# SID makes <SID=S-1-5-32-544> ambiguous and breaks that group in Samba.
EMUL_OU = "OU=SIDHistory Emulation," + AD_DN
EMUL_GROUPS = [("sidhist-local-da", FRANK_SIDHISTORY[0]),
               ("sidhist-9-9-9-512", FRANK_SIDHISTORY[1])]

# local-only controls that let sIDHistory be written (see testbed notes)
SIDHISTORY_CONTROLS = ["relax:0", "local_oid:1.3.6.1.4.1.7165.4.3.12:0"]


def die(msg):
    sys.stderr.write("testbed: tb_ad: %s\n" % msg)
    sys.exit(1)


def read_secret(path):
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def read_user_passwords(path):
    pws = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split(" ", 1)
            if len(parts) == 2:
                pws[parts[0]] = parts[1]
    return pws


def load_lp(d):
    lp = param.LoadParm()
    lp.load(os.path.join(d, "ad", "etc", "smb.conf"))
    return lp


def int32(v):
    """groupType as LDAP wants it: a signed 32-bit integer"""
    return v - (1 << 32) if v > 0x7fffffff else v


def rid_of(sid):
    return int(str(sid).rsplit("-", 1)[1])


def object_sid(samdb, name):
    res = samdb.search(base=AD_DN, scope=ldb.SCOPE_SUBTREE,
                       expression="(sAMAccountName=%s)" % ldb.binary_encode(name),
                       attrs=["objectSid"])
    if len(res) != 1:
        die("cannot find %s" % name)
    return str(ndr_unpack(security.dom_sid, res[0]["objectSid"][0]))


def set_sidhistory(samdb, dn, sid):
    m = ldb.Message()
    m.dn = ldb.Dn(samdb, dn)
    m["sIDHistory"] = ldb.MessageElement(
        security.dom_sid(sid).__ndr_pack__(), ldb.FLAG_MOD_ADD, "sIDHistory")
    samdb.modify(m, controls=SIDHISTORY_CONTROLS)


def populate(d):
    lp = load_lp(d)
    sam_url = os.path.join(d, "ad", "private", "sam.ldb")
    samdb = SamDB(url=sam_url, session_info=system_session(), lp=lp)
    pws = read_user_passwords(os.path.join(d, "secrets", "users.pw"))

    # provision ran without --adminpass; set the bed's admin password
    samdb.setpassword("(sAMAccountName=Administrator)",
                      read_secret(os.path.join(d, "secrets", "admin.pw")),
                      force_change_at_next_login=False)

    for name, gtype, _ in GROUPS:
        samdb.newgroup(name, grouptype=gtype)

    for user, given, sn, _ in USERS:
        if user not in pws:
            die("no password for %s" % user)
        samdb.newuser(user, pws[user], givenname=given, surname=sn,
                      description="adbridge test bed user")

    for user, _, _, groups in USERS:
        for g in groups:
            samdb.add_remove_group_members(g, [user], add_members_operation=True)
    samdb.add_remove_group_members("PBX Admins", ["PBX Helpdesk"],
                                   add_members_operation=True,
                                   member_types=["group"])

    # 320 global groups with erin as member: one LDIF through ldbadd
    erin_dn = "CN=erin," + USERS_DN
    ldif_path = os.path.join(d, "ad", "bulk-groups.ldif")
    with open(ldif_path, "w", encoding="ascii") as f:
        for i in range(1, N_BULK + 1):
            name = "bulk-%03d" % i
            f.write("dn: CN=%s,%s\nobjectClass: group\nsAMAccountName: %s\n"
                    "groupType: %d\nmember: %s\n\n"
                    % (name, USERS_DN, name,
                       int32(dsdb.GTYPE_SECURITY_GLOBAL_GROUP), erin_dn))
    r = subprocess.run(["ldbadd", "-H", sam_url, ldif_path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    if r.returncode != 0:
        die("ldbadd of bulk groups failed: %s" % r.stdout.strip())

    # sIDHistory of frank (only settable locally) ...
    frank_dn = "CN=frank," + USERS_DN
    for sid in FRANK_SIDHISTORY:
        set_sidhistory(samdb, frank_dn, sid)
    # ... and its emulation, so that the SIDs really reach the PAC
    samdb.add({"dn": EMUL_OU, "objectClass": "organizationalUnit",
               "description": "groups with foreign objectSids: frank's "
                              "sIDHistory as ExtraSids in the PAC"})
    for name, sid in EMUL_GROUPS:
        samdb.add({"dn": "CN=%s,%s" % (name, EMUL_OU),
                   "objectClass": "group",
                   "sAMAccountName": name,
                   "groupType": str(int32(dsdb.GTYPE_SECURITY_GLOBAL_GROUP)),
                   "objectSid": security.dom_sid(sid).__ndr_pack__(),
                   "description": "emulates sIDHistory %s of frank" % sid,
                   "member": frank_dn},
                  controls=["relax:0"])

    # report files
    gsid = {}
    with open(os.path.join(d, "groups.txt"), "w", encoding="utf-8") as f:
        f.write("# name\tRID\tSID\ttype\n")
        for name, _, desc in GROUPS:
            gsid[name] = object_sid(samdb, name)
            f.write("%s\t%d\t%s\t%s\n" % (name, rid_of(gsid[name]), gsid[name], desc))
        for i in range(1, N_BULK + 1):
            name = "bulk-%03d" % i
            gsid[name] = object_sid(samdb, name)
            f.write("%s\t%d\t%s\t%s\n" % (name, rid_of(gsid[name]), gsid[name],
                                          "global, member erin"))
        for name, sid in EMUL_GROUPS:
            f.write("%s\t%d\t%s\t%s\n" % (name, rid_of(sid), sid,
                                          "foreign objectSid, member frank "
                                          "(sIDHistory emulation)"))

    bulk_first = rid_of(gsid["bulk-001"])
    bulk_last = rid_of(gsid["bulk-%03d" % N_BULK])
    with open(os.path.join(d, "users.txt"), "w", encoding="utf-8") as f:
        f.write("# name\tRID\tSID\tmemberships (RIDs; every user is also in "
                "Domain Users 513)\n")
        for user, _, _, groups in USERS:
            usid = object_sid(samdb, user)
            parts = ["%s(%d)" % (g, rid_of(gsid[g])) for g in groups]
            if user == "dave":
                parts.append("nested: PBX Admins(%d) via PBX Helpdesk"
                             % rid_of(gsid["PBX Admins"]))
            if user == "erin":
                parts.append("bulk-001..bulk-%03d(%d..%d)"
                             % (N_BULK, bulk_first, bulk_last))
            if user == "frank":
                parts.append("sIDHistory: " + ", ".join(FRANK_SIDHISTORY))
                parts.append("PAC ExtraSids via groups "
                             + ", ".join(n for n, _ in EMUL_GROUPS))
            f.write("%s\t%d\t%s\t%s\n" % (user, rid_of(usid), usid,
                                          "; ".join(parts)))


def trust(d):
    from samba.trust_utils import CreateTrustedDomainRelax
    from samba import unix2nttime, current_unix_time, string_to_byte_array

    lp = load_lp(d)
    pw = read_secret(os.path.join(d, "secrets", "trust.pw"))

    # local connection as SYSTEM over ncalrpc: no network, no credentials
    binding = "ncalrpc:%s[,auth_type=ncalrpc_as_system]" % lp.get("netbios name")
    conn = lsa.lsarpc(binding, lp, None)

    attr = lsa.ObjectAttribute()
    attr.sec_qos = lsa.QosInfo()
    access = (lsa.LSA_POLICY_VIEW_LOCAL_INFORMATION | lsa.LSA_POLICY_TRUST_ADMIN
              | lsa.LSA_POLICY_CREATE_SECRET)
    policy = conn.OpenPolicy2("", attr, access)

    info = lsa.TrustDomainInfoInfoEx()
    info.domain_name = lsa.StringLarge()
    info.domain_name.string = LOCAL_REALM
    info.netbios_name = lsa.StringLarge()
    info.netbios_name.string = LOCAL_NETBIOS
    info.sid = security.dom_sid(LOCAL_SID)
    # Samba 4.17's KDC only serves UPLEVEL trusts (not LSA_TRUST_TYPE_MIT)
    info.trust_type = lsa.LSA_TRUST_TYPE_UPLEVEL
    info.trust_direction = (lsa.LSA_TRUST_DIRECTION_INBOUND
                            | lsa.LSA_TRUST_DIRECTION_OUTBOUND)
    info.trust_attributes = 0

    secret = string_to_byte_array(pw.encode("utf-16-le"))
    now = unix2nttime(current_unix_time())

    clear = drsblobs.AuthInfoClear()
    clear.size = len(secret)
    clear.password = secret
    ai_clear = drsblobs.AuthenticationInformation()
    ai_clear.LastUpdateTime = now
    ai_clear.AuthType = lsa.TRUST_AUTH_TYPE_CLEAR
    ai_clear.AuthInfo = clear
    entries = [ai_clear]

    # a TRUST_AUTH_TYPE_VERSION entry: Samba stamps this version as the kvno
    # of the cross-realm TGTs it issues (without one it stamps kvno 0)
    kvno = os.environ.get("TB_TRUST_KVNO", "2")
    if kvno:
        ver = drsblobs.AuthInfoVersion()
        ver.version = int(kvno)
        ai_ver = drsblobs.AuthenticationInformation()
        ai_ver.LastUpdateTime = now
        ai_ver.AuthType = lsa.TRUST_AUTH_TYPE_VERSION
        ai_ver.AuthInfo = ver
        entries.append(ai_ver)

    arr = drsblobs.AuthenticationInformationArray()
    arr.count = len(entries)
    arr.array = entries
    blob = drsblobs.trustAuthInOutBlob()
    blob.count = len(entries)
    blob.current = arr

    tdo = CreateTrustedDomainRelax(conn, policy, info,
                                   lsa.LSA_TRUSTED_DOMAIN_ALL_ACCESS, blob, blob)
    enc = lsa.TrustDomainInfoSupportedEncTypes()
    enc.enc_types = (security.KERB_ENCTYPE_AES128_CTS_HMAC_SHA1_96
                     | security.KERB_ENCTYPE_AES256_CTS_HMAC_SHA1_96)
    conn.SetInformationTrustedDomain(
        tdo, lsa.LSA_TRUSTED_DOMAIN_SUPPORTED_ENCRYPTION_TYPES, enc)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("populate", "trust"):
        die("usage: tb_ad.py populate|trust DIR")
    os.umask(0o077)
    d = os.path.abspath(sys.argv[2])
    if sys.argv[1] == "populate":
        populate(d)
    else:
        trust(d)


if __name__ == "__main__":
    main()
