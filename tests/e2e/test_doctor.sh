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
#   - a broken configuration: config fails;
#   - (issue 10) a stopped KDC (SIGSTOP): kdc ports fails; clock skew
#     (libfaketime on doctor's own process): clock fails; a missing SRV
#     record (samba-tool dns delete): dns fails; a deleted mapped group
#     (mapped with `map add NAME`, then deleted in AD): mapped fails.
# Doctor reads AD as alice (--ad-user) through the Samba DC's own DNS.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
adbridge=$1 bed=$2
e2e_use_bed "$bed"
work=$(mktemp -d)
conf=$bed/adbridge.conf
TYPO="krbtgt/$LOCAL_REALM@AD.EXAMPLE.CMO"
NEWP="krbtgt/$LOCAL_REALM@NEW.EXAMPLE.COM"
GONE=doctor-e2e-gone SRV_DATA="$AD_DC_HOST 88 0 100"
srv_deleted=0 spn_added=0 kdc_stopped=
admpw=$(cat "$ADMIN_PASSWORD_FILE")
sdns() {  # sdns add|delete ZONE NAME TYPE DATA
  PASSWD=$admpw ip netns exec "$NETNS" samba-tool dns "$1" "$AD_DC_IP" "$2" \
    "$3" "$4" "$5" -U Administrator -s "$AD_SMB_CONF" >/dev/null
}
cleanup() {
  set +e
  [ -n "$kdc_stopped" ] && kill -CONT "$kdc_stopped" 2>/dev/null
  [ "$srv_deleted" = 1 ] && sdns add "$AD_DOMAIN" _kerberos._tcp SRV "$SRV_DATA" 2>/dev/null
  "$TESTBED" exec "$bed" samba-tool group delete "$GONE" -H "$AD_SAM_LDB" >/dev/null 2>&1
  [ "$spn_added" = 1 ] && "$TESTBED" exec "$bed" samba-tool spn delete "ldap/$AD_DC_HOST" 'DC1$' -s "$AD_SMB_CONF" >/dev/null 2>&1
  [ -e "$work/bak.existed" ] || rm -f "$conf.bak"
  cp -f "$work/conf.orig" "$conf" 2>/dev/null || true
  for p in "$TYPO" "$NEWP"; do
    "$TESTBED" exec "$bed" kadmin.local -r "$LOCAL_REALM" -q "delprinc -force $p" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
cp "$conf" "$work/conf.orig"
[ ! -e "$conf.bak" ] || touch "$work/bak.existed"
. "$E2E_HOME/bridge_lib.sh"
# the DC's ldap/ SPN, as every Windows DC has (see test_ldap.sh)
if ! "$TESTBED" exec "$bed" samba-tool spn list 'DC1$' -s "$AD_SMB_CONF" 2>/dev/null | grep -qi "ldap/$AD_DC_HOST\$"; then
  "$TESTBED" exec "$bed" samba-tool spn add "ldap/$AD_DC_HOST" 'DC1$' -s "$AD_SMB_CONF" >/dev/null
  spn_added=1
fi
umask 077
pw_of alice >"$work/alice.pw"
chmod 755 "$work"
NET=(--dns-server "$AD_DC_IP")
CREDS=(--ad-user "alice@$AD_REALM" --ad-password-file "$work/alice.pw")

# doctor_json [ARGS]: run doctor --json; $work/doc.json, exit code in $drc
# (with the DNS server and alice's credentials unless NOCREDS is set)
doctor_json() {
  drc=0
  local a=("${NET[@]}")
  [ -n "${NOCREDS:-}" ] || a+=("${CREDS[@]}")
  tb env ADBRIDGE_CONFIG="$conf" ${PRE:-} "$adbridge" doctor --json "${a[@]}" "$@" >"$work/doc.json" 2>"$work/doc.err" || drc=$?
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
# a made-up realm (NEW.EXAMPLE.COM) has no DNS either: that is not this fault
others = [c for c in doc["checks"] if c["status"] == "fail" and c["check"] != check
          and not (c["check"] in ("dns", "dc ports", "krb5.conf") and "NEW.EXAMPLE.COM" in c["message"])]
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
tb env ADBRIDGE_CONFIG="$conf" "$adbridge" doctor "${NET[@]}" "${CREDS[@]}" >"$work/doc.txt" 2>&1 || { cat "$work/doc.txt"; fail "doctor failed on the healthy bed"; }
sed 's/^/  /' "$work/doc.txt"
doctor_json
$SYS_PY - "$work/doc.json" <<'PY' || { cat "$work/doc.json"; fail "healthy bed: not every check passes"; }
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["ok"] is True, doc
names = {c["check"] for c in doc["checks"]}
assert names == {"config", "kdc.conf", "trusts", "audit log", "kdc ports", "dns",
                 "dc ports", "clock", "mapped", "krb5.conf"}, names
assert all(c["status"] == "pass" for c in doc["checks"]), doc["checks"]
msgs = {c["check"]: [d["message"] for d in doc["checks"] if d["check"] == c["check"]] for c in doc["checks"]}
assert any("kvno" in m for m in msgs["trusts"]), msgs["trusts"]
assert any("KRB-ERROR stime, UDP" in m for m in msgs["clock"]), msgs["clock"]
assert any("KRB-ERROR stime, TCP" in m for m in msgs["clock"]), msgs["clock"]
assert any("LDAP currentTime" in m for m in msgs["clock"]), msgs["clock"]
assert any("2 mapped SID(s) exist in AD" in m for m in msgs["mapped"]), msgs["mapped"]
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
tb env ADBRIDGE_CONFIG="$work/other.conf" "$adbridge" doctor --json "${NET[@]}" "${CREDS[@]}" >"$work/doc.json" 2>"$work/doc.err" || drc=$?
expect_check kdc.conf fail "^the module of $LOCAL_REALM reads $conf, not $work/other.conf"

echo "== a broken configuration"
sed 's/rid:1104 viewer/rid:1104 veiwer/' "$work/conf.orig" >"$conf"
doctor_json
expect_check config fail "unknown right \"veiwer\""
cp -f "$work/conf.orig" "$conf"

echo "== a stopped KDC (SIGSTOP: it no longer answers)"
kdc_stopped=$(cat "$bed/run/krb5kdc.pid")
kill -STOP "$kdc_stopped"
doctor_json
kill -CONT "$kdc_stopped"; kdc_stopped=
expect_check "kdc ports" fail "^the KDC of $LOCAL_REALM does not answer on 127\\.0\\.0\\.3:88/udp"
grep -q "does not answer on 127.0.0.3:88/tcp" "$work/doc.json" || fail "the stopped KDC's TCP port not named"

echo "== clock skew (libfaketime: doctor's clock 10 minutes ahead)"
command -v faketime >/dev/null 2>&1 || e2e_cannot_run "missing faketime (tests/testbed/PACKAGES)"
# Without credentials (AD would refuse a skewed Kerberos login): the
# mapped check then only warns.
NOCREDS=1 PRE="faketime -f +600" doctor_json
expect_check clock fail "^$AD_REALM $AD_DC_HOST: clock differs by -600 s \\(KRB-ERROR stime, UDP\\), more than clockskew 300 s"
grep -q "KRB-ERROR stime, TCP), more than clockskew" "$work/doc.json" || fail "TCP skew not reported"

echo "== a missing SRV record (samba-tool dns delete _kerberos._tcp)"
sdns delete "$AD_DOMAIN" _kerberos._tcp SRV "$SRV_DATA"
srv_deleted=1
doctor_json
sdns add "$AD_DOMAIN" _kerberos._tcp SRV "$SRV_DATA"
srv_deleted=0
expect_check dns fail "^$AD_REALM: no SRV records _kerberos\\._tcp\\.$AD_REALM\$"

echo "== a deleted mapped group"
"$TESTBED" exec "$bed" samba-tool group add "$GONE" -H "$AD_SAM_LDB" >/dev/null
tb "$adbridge" --config "$conf" map add "$AD_REALM" "$AD_NETBIOS\\$GONE" viewer "${NET[@]}" "${CREDS[@]}" >/dev/null
doctor_json
expect_check mapped pass "^$AD_REALM: 3 mapped SID"
"$TESTBED" exec "$bed" samba-tool group delete "$GONE" -H "$AD_SAM_LDB" >/dev/null
doctor_json
expect_check mapped fail "^$AD_REALM map #3 S-1-5-21-[-0-9]+ \\(deleted\\): no object has SID"
cp -f "$work/conf.orig" "$conf"

echo "== usage"
rc=0; "$adbridge" doctor --bogus >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "doctor --bogus: exit $rc, not 2"
echo "PASS: test_doctor"
