#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""diff_pac.py - differential test of `adbridge pac decode --json` against
Samba's PAC decoder (samba_pac_json.py, run in this process).

    diff_pac.py --adbridge PATH [--must-accept DIR]... [-j N] DIR_OR_FILE...

Every regular file named (or found directly inside a named directory, or in
a --must-accept directory) is one PAC.  Per file:

  Samba rejects               -> adbridge must reject, else FAIL
  both accept                 -> every JSON field must be equal, else FAIL
                                 (each difference is printed by JSON path)
  Samba accepts, ours rejects -> allowed (adbridge is deliberately stricter):
                                 printed with our error line and counted per
                                 reason as "skipped" - but FAIL for files of a
                                 --must-accept directory (real PACs)
  adbridge crashes, hangs, breaks its output contract (stdout on failure,
  not exactly one stderr line on failure, invalid JSON) -> FAIL

Last line: "diff: N passed, M failed, K skipped"; exit status 1 if M > 0
(2 for usage errors).  adbridge runs once per file, -j at a time, while
Samba's decoder runs here.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import samba_pac_json  # noqa: E402

TIMEOUT = 20.0   # seconds per adbridge run


class Outcome:
    PASS, FAIL, SKIP = "pass", "fail", "skip"


def run_adbridge(adbridge, path):
    """Run `adbridge pac decode --json PATH`; returns a dict:
    {"ok": parsed JSON} | {"rejected": stderr line} | {"broken": why}."""
    try:
        p = subprocess.run([adbridge, "pac", "decode", "--json", path],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"broken": "no answer within %.0f s" % TIMEOUT}
    except OSError as e:
        return {"broken": "cannot run %s: %s" % (adbridge, e)}
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode < 0:
        return {"broken": "killed by signal %d; stderr: %s"
                % (-p.returncode, err.strip()[:300])}
    if p.returncode != 0:
        lines = err.splitlines()
        if p.stdout:
            return {"broken": "exit %d with %d bytes on stdout"
                    % (p.returncode, len(p.stdout))}
        if len(lines) != 1:
            return {"broken": "exit %d with %d stderr lines (want 1): %r"
                    % (p.returncode, len(lines), err[:300])}
        return {"rejected": lines[0]}
    try:
        return {"ok": json.loads(p.stdout.decode("utf-8"))}
    except (UnicodeDecodeError, ValueError) as e:
        return {"broken": "exit 0 but stdout is not JSON (%s): %r"
                % (e, p.stdout[:200])}


def fmt(v):
    return json.dumps(v, sort_keys=True)[:200]


def compare(ours, samba, path, diffs, unchecked):
    """Append (json_path, ours, samba) for every difference.  Types count:
    7 != 7.0 != true; objects must have the same keys."""
    if samba == samba_pac_json.DEVICE_INFO_UNSUPPORTED and \
            path == "device_info":
        if ours is None:
            diffs.append((path, ours, "a DEVICE_INFO buffer"))
        else:
            unchecked.append(path)
        return
    if isinstance(samba, dict) and isinstance(ours, dict):
        for k in sorted(set(samba) | set(ours)):
            sub = "%s.%s" % (path, k) if path else k
            if k not in ours:
                diffs.append((sub, "<missing>", samba[k]))
            elif k not in samba:
                diffs.append((sub, ours[k], "<missing>"))
            else:
                compare(ours[k], samba[k], sub, diffs, unchecked)
    elif isinstance(samba, list) and isinstance(ours, list):
        if len(ours) != len(samba):
            diffs.append((path + ".length", len(ours), len(samba)))
        for i in range(min(len(ours), len(samba))):
            compare(ours[i], samba[i], "%s[%d]" % (path, i), diffs,
                    unchecked)
    elif type(ours) is not type(samba) or ours != samba:
        diffs.append((path or "<top>", ours, samba))


def reason_key(line, path):
    """Group our error lines: drop the file name, numbers -> N."""
    line = line.replace(path, "FILE")
    return re.sub(r"\b(0x[0-9a-fA-F]+|\d+)\b", "N", line)


def judge(path, samba, ours, must_accept):
    """-> (outcome, [message lines], stricter reason or None,
    [unchecked fields])."""
    if "broken" in ours:
        return Outcome.FAIL, ["adbridge broke its contract: " +
                              ours["broken"]], None, []
    if "rejected" in samba:
        if "rejected" in ours:
            return Outcome.PASS, [], None, []
        return Outcome.FAIL, ["Samba rejects (%s) but adbridge accepts"
                              % samba["rejected"]], None, []
    if "rejected" in ours:
        if must_accept:
            return Outcome.FAIL, ["real PAC rejected by adbridge, accepted "
                                  "by Samba: " + ours["rejected"]], None, []
        return Outcome.SKIP, ["stricter: " + ours["rejected"]], \
            reason_key(ours["rejected"], path), []
    diffs, unchecked = [], []
    compare(ours["ok"], samba, "", diffs, unchecked)
    if diffs:
        return Outcome.FAIL, ["%d field(s) differ:" % len(diffs)] + \
            ["  %s: adbridge %s != Samba %s" % (p, fmt(a), fmt(b))
             for p, a, b in diffs], None, unchecked
    return Outcome.PASS, [], None, unchecked


def collect(args):
    """[(path, must_accept)] in a stable order, each file once."""
    out, seen = [], set()

    def add_dir(d, must):
        for n in sorted(os.listdir(d)):
            p = os.path.join(d, n)
            if os.path.isfile(p):
                add(p, must)

    def add(p, must):
        key = os.path.realpath(p)
        if key in seen:
            return
        seen.add(key)
        out.append((p, must))

    for d in args.must_accept:
        if not os.path.isdir(d):
            sys.exit("diff_pac: --must-accept %s: not a directory" % d)
        add_dir(d, True)
    for p in args.paths:
        if os.path.isdir(p):
            add_dir(p, False)
        elif os.path.isfile(p):
            add(p, False)
        else:
            sys.exit("diff_pac: %s: no such file or directory" % p)
    return out


def main(argv):
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[2:]))
    ap.add_argument("--adbridge", required=True,
                    help="the adbridge executable to test")
    ap.add_argument("--must-accept", action="append", default=[],
                    metavar="DIR",
                    help="directory of real PACs: each must be accepted by "
                         "both decoders and decode equally (repeatable)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2,
                    help="adbridge processes at a time (default: CPUs)")
    ap.add_argument("--strict-remaining", action="store_true",
                    help="Samba side: reject bytes after the last buffer "
                         "(see samba_pac_json.py)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print passing files too")
    ap.add_argument("-q", "--quiet-skips", action="store_true",
                    help="do not print each stricter rejection (the "
                         "per-reason counts are still printed)")
    ap.add_argument("paths", nargs="*", metavar="DIR_OR_FILE")
    args = ap.parse_args(argv)
    if not args.paths and not args.must_accept:
        ap.error("nothing to test")
    if args.jobs < 1:
        ap.error("--jobs must be >= 1")
    files = collect(args)
    if not files:
        # an empty corpus or directory would pass without testing anything
        print("diff: no PAC files found", file=sys.stderr)
        return 1

    t0 = time.monotonic()
    counts = collections.Counter()
    reasons = collections.Counter()
    unchecked = collections.Counter()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(run_adbridge, args.adbridge, p)
                   for p, _ in files]
        for (path, must), fut in zip(files, futures):
            samba = samba_pac_json.decode_file(
                path, strict_remaining=args.strict_remaining)
            ours = fut.result()
            outcome, lines, reason, unch = judge(path, samba, ours, must)
            counts[outcome] += 1
            if reason is not None:
                reasons[reason] += 1
            for u in unch:
                unchecked[u] += 1
            if outcome == Outcome.FAIL or args.verbose or \
                    (outcome == Outcome.SKIP and not args.quiet_skips):
                tag = {Outcome.PASS: "ok", Outcome.FAIL: "FAIL",
                       Outcome.SKIP: "SKIP"}[outcome]
                print("%s %s%s" % (tag, path, ": " + lines[0] if lines
                                   else ""))
                for ln in lines[1:]:
                    print("    " + ln)
    elapsed = time.monotonic() - t0

    if reasons:
        print("adbridge stricter than Samba (accepted by Samba, rejected by "
              "adbridge), by reason:")
        for r, n in sorted(reasons.items(), key=lambda x: (-x[1], x[0])):
            print("  %6d  %s" % (n, r))
    for field, n in sorted(unchecked.items()):
        print("unchecked: %s in %d file(s) (Samba 4.17 cannot decode it)"
              % (field, n))
    print("%d file(s) in %.1f s" % (len(files), elapsed))
    print("diff: %d passed, %d failed, %d skipped"
          % (counts[Outcome.PASS], counts[Outcome.FAIL], counts[Outcome.SKIP]))
    return 1 if counts[Outcome.FAIL] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
