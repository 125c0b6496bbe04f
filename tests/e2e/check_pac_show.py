#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Check `adbridge pac show --json` output for the test bed's users.

usage: check_pac_show.py BED_DIR USER JSON_FILE

Expectations come from the bed's users.txt / groups.txt (what was created in
AD), not from adbridge, so a decoder bug cannot agree with itself.
"""
import json
import sys

bed, user, path = sys.argv[1:4]
env = {}
for line in open(f"{bed}/env"):
    line = line.strip()
    if "=" in line and not line.startswith("#"):
        k, v = line.split("=", 1)
        env[k] = v.strip("'")
dom = env["AD_DOMAIN_SID"]
users = {}
for line in open(f"{bed}/users.txt"):
    if line.startswith("#"):
        continue
    f = line.rstrip("\n").split("\t")
    users[f[0]] = {"rid": int(f[1]), "sid": f[2]}
groups = {}
for line in open(f"{bed}/groups.txt"):
    if line.startswith("#"):
        continue
    f = line.rstrip("\n").split("\t")
    groups[f[0]] = int(f[1])

doc = json.load(open(path))
errors = []


def check(cond, what):
    if not cond:
        errors.append(what)


check(doc["client"].split("@")[0] == user, f"client {doc['client']}")
check(doc["server"] == env["TRUST_PRINCIPAL"], f"server {doc['server']}")
pac = doc["pac"]
li = pac["logon_info"]
u = users[user]
check(pac["buffers"] == [1, 10, 12, 17, 18, 6, 7], f"buffers {pac['buffers']}")
check(pac["unknown_buffers"] == [], "unknown buffers")
check(li["effective_name"] == user, f"effective_name {li['effective_name']}")
check(li["logon_domain"] == env["AD_NETBIOS"], f"logon_domain {li['logon_domain']}")
check(li["domain_sid"] == dom, f"domain_sid {li['domain_sid']}")
check(li["user_rid"] == u["rid"], f"user_rid {li['user_rid']} != {u['rid']}")
check(li["primary_group_rid"] == 513, "primary group")
check(li["resource_domain_sid"] is None and li["resource_groups"] == [],
      "a cross-realm TGT carries no resource groups")
rids = {g["rid"] for g in li["groups"]}
check(all(g["attributes"] == 7 for g in li["groups"]), "group attributes")
check(513 in rids, "Domain Users")
extra = [e["sid"] for e in li["extra_sids"]]
check("S-1-18-1" in extra, "S-1-18-1 (authentication authority asserted)")
check(li["user_flags"] & 0x20, "EXTRA_SIDS flag")

want = {
    "alice": ["PBX Admins", "PBX Local Ops"],
    "bob": ["PBX Viewers", "PBX Universal"],
    "carol": ["Staff"],
    "dave": ["PBX Helpdesk", "PBX Admins"],          # nested
    "erin": ["PBX Viewers"] + [f"bulk-{i:03d}" for i in range(1, 321)],
    "frank": ["PBX Viewers"],
}[user]
for g in want:
    check(groups[g] in rids, f"member of {g} ({groups[g]})")
notwant = {"carol": ["PBX Admins", "PBX Viewers"], "bob": ["PBX Admins"],
           "alice": ["PBX Viewers"]}.get(user, [])
for g in notwant:
    check(groups[g] not in rids, f"not a member of {g}")
if user == "erin":
    check(len(li["groups"]) >= 322, f"erin has {len(li['groups'])} groups")
if user == "frank":
    check(env["LOCAL_DOMAIN_SID"] + "-512" in extra, "sIDHistory local DA SID")
    check("S-1-5-21-9-9-9-512" in extra, "sIDHistory foreign SID")
else:
    check(extra == ["S-1-18-1"], f"extra sids {extra}")

sids = pac["sids"]
check(sids[0] == {"sid": u["sid"], "attributes": 0, "source": "user"}, "sids[0]")
check(sids[1]["sid"] == dom + "-513" and sids[1]["source"] == "primary_group",
      "sids[1]")
check(len(sids) == 2 + len(li["groups"]) + len(extra), "sid count")
check([s["sid"] for s in sids[2:2 + len(li["groups"])]] ==
      [f"{dom}-{g['rid']}" for g in li["groups"]], "group SIDs in order")
check([s["sid"] for s in sids[2 + len(li["groups"]):]] == extra, "extra order")

upn = pac["upn_dns_info"]
check(upn["dns_domain"].upper() == env["AD_REALM"], f"dns_domain {upn['dns_domain']}")
check(upn["upn"].lower().startswith(user + "@"), f"upn {upn['upn']}")
check(upn["flags"] & 2 and upn["sam_name"] == user and upn["sid"] == u["sid"],
      "UPN_DNS_INFO extended SamName/SID")
check(pac["requestor"] == u["sid"], "REQUESTOR = user SID")
check(pac["client_info"]["name"] == user, "CLIENT_INFO name")
check(isinstance(pac["client_info"]["time"], int), "CLIENT_INFO time")
# kinit sends no PA-PAC-REQUEST, so AD says PAC_WAS_GIVEN_IMPLICITLY (0x2).
check(pac["attributes_info"] == {"flags_length": 2, "flags": 2},
      f"attributes {pac['attributes_info']}")
check([s["buffer"] for s in pac["signatures"]] == [6, 7], "signatures")
check(pac["signatures"][0]["type"] in (15, 16), "server signature is AES")

if errors:
    print(f"FAIL {user}: " + "; ".join(errors))
    sys.exit(1)
print(f"ok {user}: rid {u['rid']}, {len(li['groups'])} groups, "
      f"{len(extra)} extra SIDs, {len(sids)} SIDs")
