#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_explain.py BED_DIR USER EXIT_CODE JSON_FILE

Checks one `adbridge explain --json` result of tests/e2e/test_explain.sh
against what the test bed created in AD (env, groups.txt): the test config
maps PBX Admins to admin and PBX Viewers to viewer.  USER "carol-allowed" is
carol under refuse_without_rights = false.
"""
import json
import sys


def fail(msg):
    print("FAIL: %s: %s" % (user, msg), file=sys.stderr)
    sys.exit(1)


bed, user, code, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
env = {}
for line in open(bed + "/env"):
    if "=" in line and not line.startswith("#"):
        k, v = line.rstrip("\n").split("=", 1)
        env[k] = v.strip("'")
rids = {}
for line in open(env["GROUPS_FILE"]):
    if not line.startswith("#"):
        f = line.rstrip("\n").split("\t")
        rids[f[0]] = f[2]
admins, viewers = rids["PBX Admins"], rids["PBX Viewers"]
local_da = env["LOCAL_DOMAIN_SID"] + "-512"

# user: (exit, rights, [(right, sid, implied)], filtered [(sid, rule)], refusal)
A = ("rid:%s admin" % admins.rsplit("-", 1)[1])
V = ("rid:%s viewer" % viewers.rsplit("-", 1)[1])
expect = {
    "alice": (0, ["admin", "viewer"],
              [("admin", admins, A, False), ("viewer", admins, A, True)], [],
              None),
    "dave": (0, ["admin", "viewer"],
             [("admin", admins, A, False), ("viewer", admins, A, True)], [],
             None),
    "bob": (0, ["viewer"], [("viewer", viewers, V, False)], [], None),
    "erin": (0, ["viewer"], [("viewer", viewers, V, False)], [], None),
    "frank": (0, ["viewer"], [("viewer", viewers, V, False)],
              [(local_da, "local-domain"),
               ("S-1-5-21-9-9-9-512", "outside-trusted-domain")], None),
    "carol": (3, [], [], [], "no-rights"),
    "carol-allowed": (0, [], [], [], None),
}
if user not in expect:
    fail("no expectation")
want_code, rights, grants, filtered, refusal = expect[user]
try:
    doc = json.load(open(path))
except ValueError as e:
    fail("not JSON: %s" % e)
if code != want_code:
    fail("exit %d, expected %d" % (code, want_code))
for k in ("rights", "indicators", "granted_by", "filtered", "refused"):
    if k not in doc:
        fail("no key %s" % k)
if doc["rights"] != rights:
    fail("rights %s, expected %s" % (doc["rights"], rights))
if doc["indicators"] != ["adbridge-" + r for r in rights]:
    fail("indicators %s" % doc["indicators"])
got = sorted((g["right"], g["sid"], g["mapping"], g["implied"])
             for g in doc["granted_by"])
if got != sorted(grants):
    fail("granted_by %s, expected %s" % (got, sorted(grants)))
got = sorted((f["sid"], f["rule"]) for f in doc["filtered"])
if got != sorted(filtered):
    fail("filtered %s, expected %s" % (got, sorted(filtered)))
if refusal is None:
    if doc["refused"] is not None:
        fail("refused %s" % doc["refused"])
elif doc["refused"] is None or doc["refused"]["code"] != refusal:
    fail("refused %s, expected %s" % (doc["refused"], refusal))
print("ok %s: rights %s, %d grants, %d filtered, refused %s" % (
    user, rights, len(grants), len(filtered), refusal))
