#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/test_doctor.sh ADBRIDGE BED_DIR
# `adbridge doctor` on the bed of fixture adbed_bridge (its real kdc.conf and
# KDC database): it passes on the healthy bed; then one fault at a time is
# injected and doctor must name exactly that check (and fail or warn):
#   - an inter-realm principal of a realm without a stanza (a typo of the AD
#     realm): warned, the exit stays 0;
#   - a trust stanza without its principal: fail;
#   - that principal with an RC4 key only: fail;
#   - an unwritable audit directory: fail;
#   - a configuration the KDC's module does not read: kdc.conf fails;
#   - a broken configuration: config fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
adbridge=$1 bed=$2
e2e_bed_ready "$bed"
bed=$(cd "$bed" && pwd -P)
set -a
. "$bed/env"
set +a
work=$(mktemp -d)
conf=$bed/adbridge.conf
TYPO="krbtgt/$LOCAL_REALM@AD.EXAMPLE.CMO"
NEWP="krbtgt/$LOCAL_REALM@NEW.EXAMPLE.COM"
cleanup() {
  cp -f "$work/conf.orig" "$conf" 2>/dev/null || true
  for p in "$TYPO" "$NEWP"; do
    "$TESTBED" exec "$bed" kadmin.local -r "$LOCAL_REALM" -q "delprinc -force $p" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
cp "$conf" "$work/conf.orig"
. "$E2E_HOME/bridge_lib.sh"

# doctor_json [ARGS]: run doctor --json; $work/doc.json, exit code in $drc
doctor_json() {
  drc=0
  tb env ADBRIDGE_CONFIG="$conf" "$adbridge" doctor --json "$@" >"$work/doc.json" 2>"$work/doc.err" || drc=$?
}
# expect_check CHECK STATUS PATTERN [EXIT]: one result of CHECK has STATUS
# and a message matching PATTERN, no other check fails; the exit code
expect_check() {
  $SYS_PY - "$work/doc.json" "$1" "$2" "$3" <<'PY' || { cat "$work/doc.json" "$work/doc.err"; fail "doctor: expected $1 $2 /$3/"; }
import json, re, sys
doc = json.load(open(sys.argv[1]))
check, status, pat = sys.argv[2:5]
hits = [c for c in doc["checks"] if c["check"] == check and c["status"] == status and re.search(pat, c["message"])]
assert hits, "no such result"
others = [c for c in doc["checks"] if c["status"] == "fail" and c["check"] != check]
assert not others, others
for c in hits:
    print("  %s %s: %s" % (c["status"], c["check"], c["message"]))
    if c["fix"]:
        print("    fix: %s" % c["fix"])
assert (status == "fail") == (not doc["ok"]), doc["ok"]
PY
  [ "$drc" = "${4:-$([ "$2" = fail ] && echo 1 || echo 0)}" ] || fail "doctor exit $drc"
}

echo "== the healthy bed"
tb env ADBRIDGE_CONFIG="$conf" "$adbridge" doctor >"$work/doc.txt" 2>&1 || { cat "$work/doc.txt"; fail "doctor failed on the healthy bed"; }
sed 's/^/  /' "$work/doc.txt"
doctor_json
$SYS_PY - "$work/doc.json" <<'PY' || { cat "$work/doc.json"; fail "healthy bed: not every check passes"; }
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["ok"] is True, doc
names = {c["check"] for c in doc["checks"]}
assert names == {"config", "kdc.conf", "trusts", "audit log"}, names
assert all(c["status"] == "pass" for c in doc["checks"]), doc["checks"]
PY

echo "== a principal of a realm with no stanza (typo of the AD realm)"
kadm "addprinc -randkey $TYPO"
doctor_json
expect_check trusts warn "^$TYPO: realm AD.EXAMPLE.CMO has no \\[trusts\\] stanza: its users pass through to stock MIT"
kadm "delprinc -force $TYPO"

echo "== a trust without its principal"
cat "$work/conf.orig" >"$conf"
cat >>"$conf" <<EOF
    NEW.EXAMPLE.COM = {
        netbios_name = NEWEX
        domain_sid = S-1-5-21-5-6-7
    }
EOF
doctor_json
expect_check trusts fail "^trust NEW.EXAMPLE.COM: no principal $NEWP"

echo "== an RC4 key only"
kadm "addprinc -randkey -e rc4-hmac:normal $NEWP"
doctor_json
expect_check trusts fail "^$NEWP has no AES key at kvno 1"
kadm "delprinc -force $NEWP"
cp -f "$work/conf.orig" "$conf"

echo "== an unwritable audit directory"
sed "s|^\\(    audit_log = \\).*|\\1$work/nodir/audit.jsonl|" "$work/conf.orig" >"$conf"
doctor_json
expect_check "audit log" fail "^directory $work/nodir of .* does not exist"
mkdir -p "$work/ro" && chmod 500 "$work/ro"
sed "s|^\\(    audit_log = \\).*|\\1$work/ro/audit.jsonl|" "$work/conf.orig" >"$conf"
# (root bypasses mode bits; an immutable directory stops it too)
if chattr +i "$work/ro" 2>/dev/null; then
  doctor_json
  chattr -i "$work/ro"
  expect_check "audit log" fail "^directory $work/ro is not writable"
else
  echo "  (chattr not available here: the unwritable-directory case is covered by the missing directory above)"
fi
cp -f "$work/conf.orig" "$conf"

echo "== a configuration the KDC's module does not read"
cp "$work/conf.orig" "$work/other.conf"
drc=0
tb env ADBRIDGE_CONFIG="$work/other.conf" "$adbridge" doctor --json >"$work/doc.json" 2>"$work/doc.err" || drc=$?
expect_check kdc.conf fail "^the module of $LOCAL_REALM reads $conf, not $work/other.conf"

echo "== a broken configuration"
sed 's/rid:1104 viewer/rid:1104 veiwer/' "$work/conf.orig" >"$conf"
doctor_json
expect_check config fail "unknown right \"veiwer\""
cp -f "$work/conf.orig" "$conf"

echo "== usage"
rc=0; "$adbridge" doctor --bogus >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "doctor --bogus: exit $rc, not 2"
echo "PASS: test_doctor"
