#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""fake_adbridge.py - a stand-in for `adbridge pac decode --json FILE` that
misbehaves on purpose, to prove that diff_pac.py catches it (selftest.sh).

The answer comes from the real adbridge if FAKE_ADBRIDGE_REAL names its
executable, else from Samba's decoder (samba_pac_json.py, i.e. a "perfect"
adbridge).  FAKE_ADBRIDGE_MODE then spoils it:

  same              nothing (diff_pac.py must pass)
  alter-rid         logon_info.groups[0].rid + 1
  alter-sid         the user SID in sids[0] gets a different last RID
  int-to-bool       logon_info.user_flags -> true (a type change only)
  int-to-string     attributes_info.flags -> "1"
  drop-key          no "requestor" key
  extra-key         an extra top-level key
  swap-sids         sids[1] and sids[2] exchanged (order matters)
  drop-signature    the last signature missing
  rodc              rodc_id 1 on every signature
  null-to-empty     logon_info.resource_domain_sid null -> ""
  accept-all        inputs the source rejects print {} and exit 0
  reject-all        every input rejected (one stderr line, exit 1)
  crash             SIGSEGV
  stdout-on-error   a rejection that also prints to stdout
  two-error-lines   a rejection with two stderr lines
  not-json          exit 0 with text that is not JSON

Only the spoiled item changes; anything missing (no LOGON_INFO ...) leaves
the answer as it is.
"""

import json
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import samba_pac_json  # noqa: E402


def source(path):
    """-> (dict or None, error line or None)"""
    real = os.environ.get("FAKE_ADBRIDGE_REAL")
    if real:
        p = subprocess.run([real, "pac", "decode", "--json", path],
                           capture_output=True)
        if p.returncode != 0:
            return None, p.stderr.decode("utf-8", "replace").strip()
        return json.loads(p.stdout), None
    r = samba_pac_json.decode_file(path)
    if "rejected" in r:
        return None, "adbridge: fake: " + r["rejected"]
    return r, None


def spoil(mode, r):
    li = r.get("logon_info") if isinstance(r.get("logon_info"), dict) \
        else None
    if mode == "alter-rid" and li and li["groups"]:
        li["groups"][0]["rid"] += 1
    elif mode == "alter-sid" and r["sids"]:
        head, _, rid = r["sids"][0]["sid"].rpartition("-")
        r["sids"][0]["sid"] = "%s-%d" % (head, int(rid) + 1)
    elif mode == "int-to-bool" and li:
        li["user_flags"] = True
    elif mode == "int-to-string" and r["attributes_info"]:
        r["attributes_info"]["flags"] = str(r["attributes_info"]["flags"])
    elif mode == "drop-key":
        r.pop("requestor", None)
    elif mode == "extra-key":
        r["extra"] = 1
    elif mode == "swap-sids" and len(r["sids"]) > 2:
        r["sids"][1], r["sids"][2] = r["sids"][2], r["sids"][1]
    elif mode == "drop-signature" and r["signatures"]:
        r["signatures"].pop()
    elif mode == "rodc":
        for s in r["signatures"]:
            s["rodc_id"] = 1
    elif mode == "null-to-empty" and li and li["resource_domain_sid"] is None:
        li["resource_domain_sid"] = ""
    return r


def main(argv):
    if len(argv) != 4 or argv[:3] != ["pac", "decode", "--json"]:
        print("usage: fake_adbridge.py pac decode --json FILE",
              file=sys.stderr)
        return 2
    mode = os.environ.get("FAKE_ADBRIDGE_MODE", "same")
    if mode == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    r, err = source(argv[3])
    if mode == "reject-all":
        r, err = None, "adbridge: fake: rejects everything"
    elif mode == "accept-all" and r is None:
        r, err = {}, None
    elif mode == "not-json":
        print("this is not JSON")
        return 0
    if r is None:
        if mode == "stdout-on-error":
            print("{}")
        print(err, file=sys.stderr)
        if mode == "two-error-lines":
            print("adbridge: a second line", file=sys.stderr)
        return 1
    json.dump(spoil(mode, r), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
