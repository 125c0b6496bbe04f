#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""encode_check.py - adbridge's LOGON_INFO encoder against Samba's NDR.

Usage: /usr/bin/python3 encode_check.py --encoder BUILD/tests/test_pac_encode

Runs `test_pac_encode --dump TMPDIR`, which writes, for every real PAC
(tests/fixtures/ad-*.pac, tests/diff/samples/public/*.pac), the original
LOGON_INFO buffer (NAME.orig) and our re-encoding of its decoded fields
(NAME.enc), plus edge cases built in C (synth-NAME.enc with
synth-NAME.expect, key=value lines).  For every .enc file, Samba
(python3-samba, ndr_unpack(krb5pac.PAC_LOGON_INFO_CTR, ...)) must:

  * accept the envelope (01 10 08 00 CCCCCCCC, ObjectBufferLength = data
    padded to 8, zero filler) and decode the NDR stream;
  * re-encode what it decoded to exactly our bytes (ndr_pack), the padding
    up to ObjectBufferLength being zero - i.e. our layout, string lengths,
    referent ids and padding are Samba's;
  * for NAME.enc: decode to the same values as NAME.orig (ndr_print text,
    which shows every field and no referent id);
  * for synth-NAME.enc: decode to the values in synth-NAME.expect.

Prints one line per file and `encode_check: N passed, M failed`; exit 1 if
anything failed.
"""
import argparse
import os
import struct
import subprocess
import sys
import tempfile

from samba.dcerpc import krb5pac
from samba.ndr import ndr_pack, ndr_print, ndr_unpack


def envelope(buf):
    """The NDR stream of a LOGON_INFO buffer; raises on a bad envelope."""
    if len(buf) < 16:
        raise ValueError("shorter than the envelope")
    if buf[:8] != b"\x01\x10\x08\x00\xcc\xcc\xcc\xcc":
        raise ValueError("common header %s" % buf[:8].hex())
    obj_len, filler = struct.unpack("<II", buf[8:16])
    if obj_len % 8 or obj_len != len(buf) - 16 or filler != 0:
        raise ValueError("private header len %d filler %d for %d bytes"
                         % (obj_len, filler, len(buf)))
    return buf[16:]


def samba_decode(buf):
    return ndr_unpack(krb5pac.PAC_LOGON_INFO_CTR, envelope(buf),
                      allow_remaining=True)


def check_repack(buf, ctr):
    stream = envelope(buf)
    again = ndr_pack(ctr)
    if stream[:len(again)] != again:
        for i in range(0, min(len(again), len(stream)), 4):
            if again[i:i + 4] != stream[i:i + 4]:
                raise ValueError("Samba re-encodes differently at stream "
                                 "offset 0x%x: ours %s, Samba %s" %
                                 (i, stream[i:i + 4].hex(),
                                  again[i:i + 4].hex()))
        raise ValueError("Samba re-encodes to %d bytes, ours %d"
                         % (len(again), len(stream)))
    pad = stream[len(again):]
    if len(pad) >= 8 or pad.strip(b"\0"):
        raise ValueError("padding after the data: %s" % pad.hex())


def sval(s):
    return "(null)" if s.string is None else s.string


def samba_values(ctr):
    base = ctr.info.info3.base
    info3 = ctr.info.info3
    res = ctr.info.resource_groups
    groups = base.groups.rids or []
    return {
        "effective_name": sval(base.account_name),
        "full_name": sval(base.full_name),
        "logon_server": sval(base.logon_server),
        "logon_domain": sval(base.logon_domain),
        "domain_sid": str(base.domain_sid),
        "user_rid": str(base.rid),
        "group_count": str(base.groups.count),
        "first_group": str(groups[0].rid if groups else 0),
        "extra_sid_count": str(info3.sidcount),
        "last_extra_sid": (str(info3.sids[info3.sidcount - 1].sid)
                           if info3.sidcount else "(none)"),
        "resource_group_count": str(res.groups.count),
        "user_flags": str(base.user_flags),
    }


def check_one(d, name):
    buf = open(os.path.join(d, name), "rb").read()
    ctr = samba_decode(buf)
    check_repack(buf, ctr)
    stem = name[:-len(".enc")]
    orig = os.path.join(d, stem + ".orig")
    expect = os.path.join(d, stem + ".expect")
    if os.path.exists(orig):
        want = ndr_print(samba_decode(open(orig, "rb").read()))
        got = ndr_print(ctr)
        if want != got:
            for a, b in zip(want.splitlines(), got.splitlines()):
                if a != b:
                    raise ValueError("Samba decodes differently: original "
                                     "%r, ours %r" % (a.strip(), b.strip()))
            raise ValueError("Samba decodes differently (length)")
        same = open(orig, "rb").read() == buf
        return "same values as the original%s" % (
            ", byte-identical" if same else ", NOT byte-identical")
    if os.path.exists(expect):
        got = samba_values(ctr)
        for line in open(expect, encoding="utf-8").read().splitlines():
            key, _, val = line.partition("=")
            if got.get(key) != val:
                raise ValueError("%s: expected %r, Samba %r"
                                 % (key, val, got.get(key)))
        return "expected values"
    raise ValueError("neither .orig nor .expect")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--encoder", required=True,
                    help="the test_pac_encode binary (run with --dump)")
    args = ap.parse_args()
    passed = failed = 0
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([args.encoder, "--dump", d], check=True)
        names = sorted(n for n in os.listdir(d) if n.endswith(".enc"))
        if not names:
            print("encode_check: nothing dumped")
            return 1
        for n in names:
            try:
                what = check_one(d, n)
                print("ok   %-44s %s" % (n, what))
                passed += 1
            except Exception as e:  # noqa: BLE001 - report every failure
                print("FAIL %-44s %s" % (n, e))
                failed += 1
    print("encode_check: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
