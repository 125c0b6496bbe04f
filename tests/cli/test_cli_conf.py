#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/cli/test_cli_conf.py ADBRIDGE FIXTURE_DIR

The configuration commands of the adbridge CLI, run as a user would:
`config check` on good and bad files (each problem's exact message),
`map list|add|remove` round trips and refusals (file untouched, mode kept,
backup made, no temporary file left), and `explain` on the real AD PACs of
tests/fixtures (captured from a Samba AD DC, see tests/fixtures/README*).

Only the Python standard library; every case runs in its own temporary
directory.
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

ADB = os.path.abspath(sys.argv[1])
FIX = os.path.abspath(sys.argv[2])
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
GOOD = os.path.join(HERE, "configs", "good.conf")
ALLOW = os.path.join(HERE, "configs", "allow-no-rights.conf")
SAMPLE = os.path.join(TOP, "samples", "adbridge.conf")

DOM = "S-1-5-21-3623811015-3361044348-30300820"
LOCAL = "S-1-5-21-1111111111-2222222222-3333333333"
REALM = "AD.EXAMPLE.COM"

failures = []
passed = 0


def run(*args, env=None):
    e = dict(os.environ)
    e.pop("ADBRIDGE_CONFIG", None)
    if env:
        e.update(env)
    p = subprocess.run([ADB, *args], capture_output=True, text=True, env=e)
    return p.returncode, p.stdout, p.stderr


def check(cond, what, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(what + (": " + detail if detail else ""))
        print("FAIL:", what, detail, file=sys.stderr)


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


class Dir:
    """A scratch directory holding a copy of a config."""

    def __init__(self, src=GOOD, text=None, name="adbridge.conf", mode=None):
        self.d = tempfile.mkdtemp(prefix="adb_cli_")
        self.path = os.path.join(self.d, name)
        if text is None:
            text = read(src)
        write(self.path, text)
        if mode is not None:
            os.chmod(self.path, mode)

    def files(self):
        return sorted(os.listdir(self.d))

    def __enter__(self):
        return self

    def __exit__(self, *a):
        shutil.rmtree(self.d)


def good_with(old, new):
    text = read(GOOD)
    assert old in text, old
    return text.replace(old, new)


# --------------------------------------------------------------------------
# config check

def test_config_check():
    rc, out, err = run("config", "check", GOOD)
    check(rc == 0 and err == "", "config check good: exit 0, no stderr", err)
    check(out == GOOD + ": OK: 1 trust, 2 mappings, 3 rights (admin, viewer,"
          " join)\n", "config check good: summary", out)
    rc, out, err = run("config", "check", SAMPLE)
    check(rc == 0 and "1 trust, 4 mappings, 4 rights (admin, viewer, join,"
          " operator)" in out, "config check sample", out + err)

    MAP = "        map = rid:1104 viewer\n"
    bad = {
        "malformed SID": (
            good_with(MAP, "        map = sid:S-1-5-21-x viewer\n"),
            ['trust AD.EXAMPLE.COM, map #2 "sid:S-1-5-21-x viewer": '
             '"S-1-5-21-x" is not a valid SID']),
        "RID without domain SID": (
            good_with("        domain_sid = " + DOM + "\n", ""),
            ["trust AD.EXAMPLE.COM: domain_sid is missing",
             'trust AD.EXAMPLE.COM, map #1 "rid:1103 admin": rid: needs the'
             " trust's domain_sid",
             'trust AD.EXAMPLE.COM, map #2 "rid:1104 viewer": rid: needs the'
             " trust's domain_sid"]),
        "unknown right": (
            good_with(MAP, "        map = rid:1104 veiwer\n"),
            ['trust AD.EXAMPLE.COM, map #2 "rid:1104 veiwer": unknown right'
             ' "veiwer"']),
        "duplicate mapping": (
            good_with(MAP, MAP + "        map = rid:1104 viewer\n"),
            ['trust AD.EXAMPLE.COM, map #3 "rid:1104 viewer": same identity'
             ' and rights as map #2 "rid:1104 viewer"']),
        "contradictory mapping": (
            good_with(MAP, MAP + "        map = sid:" + DOM + "-1103 viewer\n"),
            ['trust AD.EXAMPLE.COM, map #3 "sid:' + DOM + '-1103 viewer":'
             ' same identity as map #1 "rid:1103 admin" with different rights'
             " (name all rights on one line)"]),
        "local Domain Admins SID": (
            good_with(MAP, MAP + "        map = sid:" + LOCAL + "-512 admin\n"),
            ['trust AD.EXAMPLE.COM, map #3 "sid:' + LOCAL + '-512 admin": ' +
             LOCAL + "-512 is always dropped by quarantine filtering (rule"
             " local-domain)"]),
        "builtin SID": (
            good_with(MAP, MAP + "        map = sid:S-1-5-32-544 admin\n"),
            ['trust AD.EXAMPLE.COM, map #3 "sid:S-1-5-32-544 admin":'
             " S-1-5-32-544 is always dropped by quarantine filtering (rule"
             " builtin)"]),
        "unknown key": (
            good_with(MAP, MAP + "        mapp = rid:1 admin\n"),
            ['trust AD.EXAMPLE.COM: unknown key "mapp"']),
        # MIT's parser gives no line; adbridge finds it (the line added).
        "syntax: extra brace": (
            read(GOOD) + "}\n",
            ["line %d: Extra closing brace in profile"
             % (read(GOOD).count("\n") + 1)]),
        "syntax: relation": (
            good_with(MAP, MAP + "        map\n"),
            ["line %d: Syntax error in profile relation"
             % (good_with(MAP, MAP + "        map\n").split("\n")
                .index("        map") + 1)]),
    }
    for name, (text, msgs) in bad.items():
        with Dir(text=text) as d:
            rc, out, err = run("config", "check", d.path)
            want = "".join("adbridge: %s: %s\n" % (d.path, m) for m in msgs)
            check(rc == 1 and out == "", "config check %s: exit 1, no stdout"
                  % name, "rc=%d out=%r" % (rc, out))
            check(err == want, "config check %s: messages" % name,
                  "\n got: %r\nwant: %r" % (err, want))

    # Every problem, one per line.
    text = good_with(MAP, "        map = rid:1104 veiwer\n"
                     "        map = sid:S-1-5-x admin\n"
                     "        direction = sideways\n")
    with Dir(text=text) as d:
        rc, out, err = run("config", "check", d.path)
        check(rc == 1 and len(err.splitlines()) == 3,
              "config check lists every problem", err)

    rc, out, err = run("config", "check", "/nonexistent/adbridge.conf")
    check(rc == 1 and err == "adbridge: /nonexistent/adbridge.conf: cannot"
          " open: No such file or directory\n", "config check missing file",
          err)

    # Which file: argument > --config > global --config > env > default.
    with Dir() as d:
        rc, out, _ = run("config", "check", env={"ADBRIDGE_CONFIG": d.path})
        check(rc == 0 and out.startswith(d.path + ": OK"), "ADBRIDGE_CONFIG",
              out)
        rc, out, _ = run("--config", d.path, "config", "check",
                         env={"ADBRIDGE_CONFIG": "/nonexistent"})
        check(rc == 0 and out.startswith(d.path + ": OK"),
              "global --config beats the environment", out)
        rc, out, _ = run("--config=/nonexistent", "config", "check",
                         "--config", d.path)
        check(rc == 0 and out.startswith(d.path + ": OK"),
              "command --config beats global --config", out)
        rc, out, err = run("config", "check", "--config", d.path, d.path)
        check(rc == 2, "config check FILE and --config: usage error", err)
    if not os.path.exists("/etc/adbridge.conf"):
        rc, out, err = run("config", "check")
        check(rc == 1 and "/etc/adbridge.conf: cannot open" in err,
              "default /etc/adbridge.conf", err)
    rc, out, err = run("--config")
    check(rc == 2 and "needs an argument" in err, "global --config alone", err)


# --------------------------------------------------------------------------
# map list / add / remove

def map_list(path, *extra):
    return run("--config", path, "map", "list", REALM, *extra)


def test_map_list():
    rc, out, err = map_list(GOOD)
    check(rc == 0 and out.split("\n")[0].split() ==
          ["rid:1103", "admin", "#", "PBX", "Admins"] and
          out.split("\n")[1].split() ==
          ["rid:1104", "viewer", "#", "PBX", "Viewers"],
          "map list text", out + err)
    rc, out, err = map_list(GOOD, "--json")
    doc = json.loads(out)
    want = [{"identity": "rid:1103", "kind": "rid", "sid": DOM + "-1103",
             "name": None, "rights": ["admin"], "line": 1,
             "text": "rid:1103 admin", "comment": "PBX Admins"},
            {"identity": "rid:1104", "kind": "rid", "sid": DOM + "-1104",
             "name": None, "rights": ["viewer"], "line": 2,
             "text": "rid:1104 viewer", "comment": "PBX Viewers"}]
    check(rc == 0 and doc == {"realm": REALM, "mappings": want},
          "map list --json", out)
    # The sample's long comment block is not taken for a mapping's comment.
    rc, out, err = run("map", "list", "--json", "--config", SAMPLE, REALM)
    doc = json.loads(out)
    check([m["comment"] for m in doc["mappings"]] == [None] * 4 and
          [m["kind"] for m in doc["mappings"]] ==
          ["rid", "sid", "user-sid", "user-name"] and
          doc["mappings"][3]["rights"] == ["join", "operator"],
          "map list sample", out)
    rc, out, err = map_list(GOOD.replace("good", "nope"))
    check(rc == 1 and out == "", "map list missing file", err)
    rc, out, err = run("--config", GOOD, "map", "list", "NOPE.EXAMPLE")
    check(rc == 1 and "no trust \"NOPE.EXAMPLE\"" in err and REALM in err,
          "map list unknown trust", err)


def test_map_round_trip(src, mode, name):
    with Dir(src=src, mode=mode) as d:
        orig = read(d.path, "rb")
        rc, out, err = run("--config", d.path, "map", "add", REALM,
                           "rid:1199", "join,viewer", "--comment",
                           "PBX Test Group")
        check(rc == 0 and err == "", "%s: map add" % name, err)
        after = read(d.path)
        check("        # PBX Test Group\n        map = rid:1199 join,viewer\n"
              "    }\n" in after, "%s: map add text" % name, after)
        check(read(d.path + ".bak", "rb") == orig, "%s: backup" % name)
        check(stat.S_IMODE(os.stat(d.path).st_mode) == mode,
              "%s: mode kept after add" % name,
              oct(os.stat(d.path).st_mode))
        check(d.files() == ["adbridge.conf", "adbridge.conf.bak"],
              "%s: no temporary file after add" % name, str(d.files()))
        rc, out, err = map_list(d.path, "--json")
        last = json.loads(out)["mappings"][-1]
        check(last["comment"] == "PBX Test Group" and
              last["rights"] == ["viewer", "join"],
              "%s: map list shows the added mapping" % name, out)
        rc, out, err = run("config", "check", d.path)
        check(rc == 0, "%s: edited file passes config check" % name, err)
        # Remove it by another spelling of the same identity.
        rc, out, err = run("--config", d.path, "map", "remove", REALM,
                           "sid:" + DOM + "-1199")
        check(rc == 0 and err == "", "%s: map remove" % name, err)
        check(read(d.path, "rb") == orig,
              "%s: add + remove gives the original bytes" % name)
        check(stat.S_IMODE(os.stat(d.path).st_mode) == mode,
              "%s: mode kept after remove" % name)
        check(d.files() == ["adbridge.conf", "adbridge.conf.bak"],
              "%s: no temporary file after remove" % name, str(d.files()))


def test_map_round_trip_layouts():
    """Round trips on other layouts: a trailing comment after the last map
    line, a trust without mappings, tabs, two trusts."""
    layouts = {
        "trailing comment": good_with("        map = rid:1104 viewer\n",
                                      "        map = rid:1104 viewer\n"
                                      "        # end of the mappings\n"),
        "no mappings": good_with("        # PBX Admins\n        map = rid:1103"
                                 " admin\n        # PBX Viewers\n        map"
                                 " = rid:1104 viewer\n", ""),
        "tabs": read(GOOD).replace("        ", "\t\t"),
        "two trusts": read(GOOD).replace("[trusts]\n", "[trusts]\n"
                                         "    OTHER.EXAMPLE = {\n"
                                         "        netbios_name = OTHER\n"
                                         "        domain_sid = S-1-5-21-5-6-7\n"
                                         "        map = rid:1199 viewer\n"
                                         "    }\n"),
    }
    for name, text in layouts.items():
        with Dir(text=text) as d:
            orig = read(d.path, "rb")
            rc, out, err = run("--config", d.path, "map", "add", REALM,
                               "rid:1199", "admin", "--comment", "Test")
            check(rc == 0, "layout %s: add" % name, err)
            rc, out, err = map_list(d.path, "--json")
            doc = json.loads(out)
            check(rc == 0 and doc["mappings"][-1]["comment"] == "Test" and
                  doc["mappings"][-1]["text"] == "rid:1199 admin",
                  "layout %s: listed with its comment" % name, out + err)
            rc, out, err = run("--config", d.path, "map", "remove", REALM,
                               "rid:1199")
            check(rc == 0 and read(d.path, "rb") == orig,
                  "layout %s: add + remove restores the bytes" % name,
                  err + read(d.path))


def test_map_remove_existing():
    with Dir() as d:
        rc, out, err = run("--config", d.path, "map", "remove", REALM,
                           "rid:1103")
        text = read(d.path)
        check(rc == 0 and "PBX Admins" not in text and "rid:1103" not in text
              and "# PBX Viewers\n        map = rid:1104 viewer" in text,
              "map remove takes its comment line along", text + err)
        check(read(d.path + ".bak") == read(GOOD), "map remove: backup")


def test_map_refusals():
    cases = {
        "unknown right": (["rid:1106", "admn"], 'unknown right "admn"'),
        "duplicate": (["rid:1103", "viewer"], "already maps rid:1103"),
        "same identity, other spelling": (
            ["sid:" + DOM + "-1104", "admin"], "already maps"),
        # names are looked up in AD: here no AD answers (no credentials
        # or no DC), and the file is unchanged
        "group name": (["PBX Admins", "admin"],
                       "cannot look up \"PBX Admins\" in AD"),
        "DOMAIN\\name": (["ADEX\\PBX Admins", "admin"],
                         "cannot look up \"ADEX\\PBX Admins\" in AD"),
        "name@REALM": (["PBX Admins@AD.EXAMPLE.COM", "admin"],
                       "cannot look up \"PBX Admins@AD.EXAMPLE.COM\" in AD"),
        # refused before any lookup
        "forbidden character": (["ADEX\\PBX*Admins", "admin"],
                                "character '*' at position 4"),
        "other NetBIOS domain": (["OTHER\\PBX Admins", "admin"],
                                 "outside the trusted domain"),
        "other DNS domain": (["PBX Admins@OTHER.EXAMPLE", "admin"],
                             "outside the trusted domain"),
        "local Domain Admins": (
            ["sid:" + LOCAL + "-512", "admin"],
            "always dropped by quarantine filtering (rule local-domain)"),
        "malformed SID": (["sid:S-1-x", "admin"], "is not a valid SID"),
        "no right": (["rid:1106", ""], "expected IDENTITY RIGHTS"),
        "two-line comment": (["rid:1106", "admin", "--comment", "a\nb"],
                             "comment must be one line"),
        "newline in rights": (["rid:1106", "admin\nmap = rid:1 admin"],
                              "not a list of right names"),
        "unknown trust": (None, 'no trust "NOPE.EXAMPLE"'),
    }
    for name, (args, msg) in cases.items():
        with Dir(mode=0o640) as d:
            orig = read(d.path, "rb")
            if args is None:
                cmd = ["map", "add", "NOPE.EXAMPLE", "rid:1", "admin"]
            else:
                cmd = ["map", "add", REALM] + args
            rc, out, err = run("--config", d.path, *cmd)
            check(rc == 1 and out == "" and msg in err,
                  "map add refused: %s" % name, "rc=%d err=%r" % (rc, err))
            check(read(d.path, "rb") == orig and d.files() ==
                  ["adbridge.conf"], "map add refused: %s: file untouched, "
                  "no backup, no temporary file" % name, str(d.files()))
    with Dir() as d:
        rc, out, err = run("--config", d.path, "map", "remove", REALM,
                           "rid:1199")
        check(rc == 1 and "has no mapping of rid:1199" in err and
              d.files() == ["adbridge.conf"], "map remove unknown", err)
    # A file that does not pass config check is not edited.
    with Dir(text=good_with("rid:1104 viewer", "rid:1104 veiwer")) as d:
        orig = read(d.path, "rb")
        rc, out, err = run("--config", d.path, "map", "add", REALM,
                           "rid:1106", "admin")
        check(rc == 1 and "fix it first" in err and read(d.path, "rb") == orig
              and d.files() == ["adbridge.conf"], "map add on a bad file",
              err)
    # A trust block written without blanks ("REALM={") is found and edited.
    text = read(GOOD).replace("AD.EXAMPLE.COM = {", "AD.EXAMPLE.COM={")
    with Dir(text=text) as d:
        rc, out, err = run("--config", d.path, "map", "add", REALM,
                           "rid:1106", "admin")
        check(rc == 0 and "map = rid:1106 admin" in read(d.path),
              "map add with REALM={ (no blanks)", err)
    # A symlinked config: the target is edited, the link stays.
    with Dir() as d:
        link = os.path.join(d.d, "link.conf")
        os.symlink(d.path, link)
        rc, out, err = run("--config", link, "map", "add", REALM, "rid:1106",
                           "admin")
        check(rc == 0 and os.path.islink(link) and
              "rid:1106" in read(d.path), "map add through a symlink", err)
    rc, out, err = run("map", "add", REALM, "rid:1")
    check(rc == 2, "map add usage error", err)


# --------------------------------------------------------------------------
# explain on the real AD PACs

def explain(user, conf=GOOD, *extra):
    return run("--config", conf, "explain", "--trust", REALM, "--pac",
               os.path.join(FIX, "ad-%s.pac" % user), *extra)


def grants(doc):
    return sorted((g["right"], g["sid"], g["mapping"], g["implied"])
                  for g in doc["granted_by"])


def test_explain():
    A, V = DOM + "-1103", DOM + "-1104"
    expect = {
        "alice": (0, ["admin", "viewer"],
                  [("admin", A, "rid:1103 admin", False),
                   ("viewer", A, "rid:1103 admin", True)]),
        "bob": (0, ["viewer"], [("viewer", V, "rid:1104 viewer", False)]),
        "dave": (0, ["admin", "viewer"],
                 [("admin", A, "rid:1103 admin", False),
                  ("viewer", A, "rid:1103 admin", True)]),
        "erin": (0, ["viewer"], [("viewer", V, "rid:1104 viewer", False)]),
        "frank": (0, ["viewer"], [("viewer", V, "rid:1104 viewer", False)]),
        "carol": (3, [], []),
    }
    for user, (code, rights, gr) in expect.items():
        rc, out, err = explain(user, GOOD, "--json")
        check(rc == code and err == "", "explain %s: exit %d" % (user, code),
              "rc=%d err=%r" % (rc, err))
        doc = json.loads(out)
        check(set(["rights", "indicators", "granted_by", "filtered",
                   "refused"]) <= set(doc), "explain %s: keys" % user)
        check(doc["rights"] == rights, "explain %s: rights" % user,
              str(doc["rights"]))
        check(doc["indicators"] == ["adbridge-" + r for r in rights],
              "explain %s: indicators" % user, str(doc["indicators"]))
        check(grants(doc) == sorted(gr), "explain %s: granted_by" % user,
              str(doc["granted_by"]))
        check(doc["user"]["name"] == user and doc["user"]["domain"] == "ADEX",
              "explain %s: user" % user)
        if user == "carol":
            check(doc["refused"] == {"code": "no-rights", "reason": "no"
                  " mapping of trust AD.EXAMPLE.COM grants a right"},
                  "explain carol: refused", str(doc["refused"]))
        else:
            check(doc["refused"] is None, "explain %s: not refused" % user)
        filtered = sorted((f["sid"], f["source"], f["rule"])
                          for f in doc["filtered"])
        if user == "frank":
            check(filtered == [(LOCAL + "-512", "extra_sid", "local-domain"),
                               ("S-1-5-21-9-9-9-512", "extra_sid",
                                "outside-trusted-domain")],
                  "explain frank: both foreign SIDs filtered", str(filtered))
        else:
            check(filtered == [], "explain %s: nothing filtered" % user,
                  str(filtered))

    # carol allowed without rights when refuse_without_rights = false.
    rc, out, err = explain("carol", ALLOW, "--json")
    doc = json.loads(out)
    check(rc == 0 and doc["rights"] == [] and doc["indicators"] == [] and
          doc["refused"] is None, "explain carol, refuse_without_rights ="
          " false", out + err)

    # Text for people.
    rc, out, err = explain("alice")
    lines = [l.split() for l in out.splitlines()]
    check(rc == 0 and ["Decision:", "granted:", "admin,", "viewer"] in lines
          and ["Indicators:", "adbridge-admin", "adbridge-viewer"] in lines,
          "explain alice text: decision and indicators", out)
    check(any(l[:1] == ["admin"] and A in l and '"rid:1103' in l
              for l in lines) and
          any(l[:4] == ["viewer", "implied", "by", "admin:"] for l in lines),
          "explain alice text: grants, implied marked", out)
    rc, out, err = explain("frank")
    check(rc == 0 and any(LOCAL + "-512" in l and "local-domain" in l
                          for l in out.splitlines()) and
          any("S-1-5-21-9-9-9-512" in l and "outside-trusted-domain" in l
              for l in out.splitlines()), "explain frank text: filtered", out)
    rc, out, err = explain("carol")
    check(rc == 3 and "refused (no-rights)" in out, "explain carol text", out)

    # Errors.
    rc, out, err = run("--config", GOOD, "explain", "--pac",
                       os.path.join(FIX, "ad-alice.pac"))
    check(rc == 2 and "--trust is required" in err, "explain without"
          " --trust", err)
    rc, out, err = run("--config", GOOD, "explain", "--trust", REALM)
    check(rc == 2, "explain without a PAC", err)
    rc, out, err = run("--config", GOOD, "explain", "--trust", "NOPE",
                       "--pac", os.path.join(FIX, "ad-alice.pac"))
    check(rc == 1 and out == "" and 'no trust "NOPE"' in err,
          "explain unknown trust", err)
    with tempfile.NamedTemporaryFile(suffix=".pac") as f:
        f.write(read(os.path.join(FIX, "ad-alice.pac"), "rb")[:100])
        f.flush()
        rc, out, err = run("--config", GOOD, "explain", "--trust", REALM,
                           "--pac", f.name)
        check(rc == 1 and out == "" and len(err.splitlines()) == 1,
              "explain truncated PAC", err)


def test_explain_hostile_domain():
    """A LogonDomainName with an escape sequence (explain --pac does not
    verify signatures): the refusal quotes it, the terminal never gets it."""
    raw = read(os.path.join(FIX, "ad-alice.pac"), "rb")
    adex = "ADEX".encode("utf-16-le")
    check(raw.count(adex) == 1, "alice's PAC names ADEX once")
    with Dir() as d:
        pac = os.path.join(d.d, "hostile.pac")
        with open(pac, "wb") as f:
            f.write(raw.replace(adex, "A\x1bEX".encode("utf-16-le")))
        rc, out, err = run("--config", GOOD, "explain", "--trust", REALM,
                           "--pac", pac)
        check(rc == 3 and "refused (logon-domain-name)" in out,
              "hostile LogonDomainName refused", "rc=%d out=%r" % (rc, out))
        check("\x1b" not in out and "\x1b" not in err,
              "no escape byte reaches the terminal", repr(out))


def main():
    test_config_check()
    test_map_list()
    test_map_round_trip(GOOD, 0o640, "good.conf")
    test_map_round_trip(SAMPLE, 0o600, "samples/adbridge.conf")
    test_map_round_trip_layouts()
    test_map_remove_existing()
    test_map_refusals()
    test_explain()
    test_explain_hostile_domain()
    print("cli conf tests: %d checks passed, %d failed" % (passed,
                                                          len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
