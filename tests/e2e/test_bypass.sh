#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/test_bypass.sh GSS_PROBE KREQ BED_DIR ADBRIDGE
# The attacks of issue 15 against the KDC module in a real krb5kdc (the bed
# of fixture adbed_bridge): each one is made by hand - tickets forged with
# the trust key (bridge_forge.py over impacket), AS/TGS requests that MIT's
# tools cannot make (kreq) - and must be refused and logged, next to
# controls that must still pass (alice admin, bob viewer, a local user with
# adbridge_rights).
#
#   1  a PAC where MIT does not read one (bare, nested) - cross-realm, and
#      a local user's TGT carrying one from a TGS request's authdata
#   2  adbridge_require on AS requests (kinit -S to a +no_auth_data_required
#      service; include-pac=false straight to the service)
#   3  rights frozen in local tickets: no local TGT for trusted realms'
#      users; a renewed service ticket is re-decided
#   4  identity: EffectiveName != CLIENT_INFO with a UPN_DNS_INFO without
#      SamName, against a user:alice mapping
#   5  a sub-domain's client realm through the trust
#   6  a LogonDomainName that plants a fake ALLOW in the refusal's log line
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
[ -f /usr/share/doc/python3-impacket/examples/ticketer.py ] \
  || e2e_cannot_run "missing python3-impacket (forged cross-realm TGTs)"
probe=$1 kreq=$2 bed=$3 adbridge=${4:-}
e2e_bed_ready "$bed"
set -a
. "$bed/env"
set +a
work=$(mktemp -d)
conf=$bed/adbridge.conf
kdclog=$bed/log/krb5kdc.log
audit=$bed/audit.jsonl
cleanup() {
  cp -f "$work/conf.orig" "$conf" 2>/dev/null || true
  "$TESTBED" exec "$bed" kadmin.local -r "$LOCAL_REALM" -q "delstr $DEVICE_PRINCIPAL adbridge_pac" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
cp "$conf" "$work/conf.orig"
. "$E2E_HOME/bridge_lib.sh"
forge_key

# section N: whether to run attack N (all unless BYPASS_ONLY="1a 3 ..."; for
# trying single attacks against a module by hand)
section() { [ -z "${BYPASS_ONLY:-}" ] || [[ " $BYPASS_ONLY " == *" $1 "* ]]; }
# conf_with SED-EXPR: the test configuration changed by SED-EXPR, in force
conf_with() { sed "$1" "$work/conf.orig" >"$work/conf.new"; mv -f "$work/conf.new" "$conf"; settle; }
conf_restore() { cp -f "$work/conf.orig" "$conf"; settle; }
# logged PATTERN WHAT: a KDC log line since mark matches PATTERN
logged() { newlog | grep -q -- "$1" || { newlog | grep adbridge; fail "$2: no log line /$1/"; }; newlog | grep -- "$1" | tail -1 | sed 's/^.*adbridge:/  log: adbridge:/'; }
no_issue() { ! newlog | grep -q "ISSUE: .*$1" || { newlog | grep "ISSUE"; fail "$2: a ticket was issued"; }; }

ADMIN_SVC="HTTP/admin-bp.local.example@$LOCAL_REALM"
NOAD_SVC="HTTP/noad-bp.local.example@$LOCAL_REALM"
LTGT="krbtgt/$LOCAL_REALM@$LOCAL_REALM"
for p in "$ADMIN_SVC" "$NOAD_SVC" "bpadmin@$LOCAL_REALM" "bpuser@$LOCAL_REALM"; do
  tb kadmin.local -r "$LOCAL_REALM" -q "delprinc -force $p" >/dev/null 2>&1 || true
done
kadm "addprinc -randkey $ADMIN_SVC"
kadm "setstr $ADMIN_SVC adbridge_require admin"
kadm "ktadd -k $work/admin.keytab $ADMIN_SVC"
kadm "addprinc -randkey +no_auth_data_required $NOAD_SVC"
kadm "setstr $NOAD_SVC adbridge_require admin"
kadm "ktadd -k $work/noad.keytab $NOAD_SVC"
lpw="Bp-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
printf '%s\n' "$lpw" >"$work/lpw"
chmod 600 "$work/lpw"
kadm "addprinc -pw $lpw bpadmin@$LOCAL_REALM"
kadm "setstr bpadmin@$LOCAL_REALM adbridge_rights admin"
kadm "addprinc -pw $lpw bpuser@$LOCAL_REALM"

echo "== controls"
expect_ok alice
has "auth-indicator: adbridge-admin" alice
expect_ok bob
has "auth-indicator: adbridge-viewer" bob
hasnt "auth-indicator: adbridge-admin" bob
expect_ok alice "$ADMIN_SVC" "$work/admin.keytab"
FRESH_PW=$lpw FRESH_PRINC=bpadmin@$LOCAL_REALM expect_ok bpadmin "$ADMIN_SVC" "$work/admin.keytab"
has "auth-indicator: adbridge-admin" bpadmin
FRESH_PW=$lpw FRESH_PRINC=bpuser@$LOCAL_REALM expect_refused bpuser "$ADMIN_SVC" "$work/admin.keytab"

if section 1a; then
echo "== 1a: a local user's TGT with a PAC nested where MIT does not read it"
# a TGT without PAC (include-pac=false), then a new TGT whose request
# carries AD-IF-RELEVANT{AD-IF-RELEVANT{AD-WIN2K-PAC}}: MIT copies it into
# the ticket and, finding no PAC of its own kind, never calls issue_pac()
tb "$kreq" as --no-pac "bpuser@$LOCAL_REALM" "$work/lpw" "FILE:$work/np.cc" \
  || fail "kreq as --no-pac"
tb "$kreq" tgs --authdata nested "$TOP/tests/fixtures/ad-alice.pac" \
  "FILE:$work/np.cc" "$LTGT" "FILE:$work/bpuser.cc" \
  || fail "kreq tgs with nested PAC authdata (MIT issues it: the attack's setup)"
mark
NOFRESH=1 expect_refused bpuser "$ADMIN_SVC" "$work/admin.keytab"
logged "adbridge: REFUSE local-tgs client bpuser@$LOCAL_REALM service $ADMIN_SVC .*refusal misplaced-pac reason " "1a"
no_issue "bpuser@$LOCAL_REALM for $ADMIN_SVC" "1a"
# the same ticket for a service that requires nothing: stock MIT behaviour
NOFRESH=1 expect_ok bpuser
hasnt "auth-indicator: adbridge-admin" bpuser
# a bare PAC in a TGS request's authdata: MIT drops it (a KDC-issued type
# at the top level) from the ticket, which then has no PAC element at all
tb "$kreq" tgs --authdata bare "$TOP/tests/fixtures/ad-alice.pac" \
  "FILE:$work/np.cc" "$LTGT" "FILE:$work/bpuser.cc" || fail "kreq tgs with a bare PAC"
mark
NOFRESH=1 expect_refused bpuser "$ADMIN_SVC" "$work/admin.keytab"
logged "adbridge: REFUSE local-tgs client bpuser@$LOCAL_REALM service $ADMIN_SVC rights - required admin,viewer refusal require reason " "1a bare"

fi
if section 1b; then
echo "== 1b: cross-realm TGTs (trust key) whose only PAC is misplaced"
for mode in barepac nestedpac; do
  mark
  forge "$mode" alice 1109 513,1103
  for svc in "$DEVICE_PRINCIPAL:$DEVICE_KEYTAB" "$NOAD_SVC:$work/noad.keytab" "$ADMIN_SVC:$work/admin.keytab"; do
    NOFRESH=1 expect_refused alice "${svc%%:*}" "${svc#*:}"
    logged "adbridge: REFUSE cross-realm client alice@$AD_REALM service ${svc%%:*} trust $AD_REALM .*refusal misplaced-pac reason " "1b $mode"
  done
  no_issue "alice@$AD_REALM for" "1b $mode"
  explain_vs_audit "$work/alice.cc" "alice@$AD_REALM"
done

fi
if section 2; then
echo "== 2: adbridge_require on AS requests"
mark
rc=0
printf '%s\n' "$lpw" | tb env KRB5CCNAME="FILE:$work/k.cc" kinit -S "$NOAD_SVC" "bpuser@$LOCAL_REALM" \
  >"$work/kinit.out" 2>&1 || rc=$?
[ $rc != 0 ] && grep -qi policy "$work/kinit.out" || { cat "$work/kinit.out"; fail "2: kinit -S to a +no_auth_data_required service was not refused"; }
logged "adbridge: REFUSE as client bpuser@$LOCAL_REALM service $NOAD_SVC rights - required admin,viewer refusal require reason " "2 kinit -S"
printf '%s\n' "$lpw" | tb env KRB5CCNAME="FILE:$work/k.cc" kinit -S "$NOAD_SVC" "bpadmin@$LOCAL_REALM" \
  >"$work/kinit.out" 2>&1 || { cat "$work/kinit.out"; fail "2: bpadmin kinit -S refused"; }
logged "adbridge: ALLOW as client bpadmin@$LOCAL_REALM service $NOAD_SVC rights admin,viewer required admin,viewer" "2 kinit -S control"
rc=0
tb "$kreq" as --no-pac --service "$ADMIN_SVC" "bpuser@$LOCAL_REALM" "$work/lpw" "FILE:$work/k.cc" \
  2>"$work/err" || rc=$?
[ $rc = 2 ] || { cat "$work/err"; fail "2: include-pac=false AS-REQ for $ADMIN_SVC was not refused (exit $rc)"; }
logged "adbridge: REFUSE as client bpuser@$LOCAL_REALM service $ADMIN_SVC .*refusal require" "2 no-pac AS"
tb "$kreq" as --no-pac --service "$ADMIN_SVC" "bpadmin@$LOCAL_REALM" "$work/lpw" "FILE:$work/k.cc" \
  || fail "2: bpadmin's include-pac=false AS-REQ refused"
logged "adbridge: ALLOW as client bpadmin@$LOCAL_REALM service $ADMIN_SVC rights admin,viewer required admin,viewer" "2 no-pac AS control"

fi
if section 3; then
echo "== 3: no local TGT for trusted realms' users; renewals re-decided"
fresh alice
mark
rc=0
tb env KRB5CCNAME="FILE:$work/alice.cc" kvno "$LTGT" >"$work/out" 2>&1 || rc=$?
[ $rc != 0 ] && grep -qi policy "$work/out" || { cat "$work/out"; fail "3: alice got a local TGT"; }
logged "adbridge: REFUSE cross-realm client alice@$AD_REALM service $LTGT trust $AD_REALM .*refusal local-tgt reason " "3 local TGT"
# a renewable service ticket with admin (groups profile: the ticket keeps
# the filtered LOGON_INFO to be re-decided from); the mapping changes; the
# renewal carries the new rights, then none (refused) once the user has none
kadm "setstr $DEVICE_PRINCIPAL adbridge_pac groups"
rm -f "$work/alice.cc"
pw_of alice | tb env KRB5CCNAME="FILE:$work/alice.cc" kinit -r 2h "alice@$AD_REALM" >"$work/kinit.out" 2>&1 \
  || { cat "$work/kinit.out"; fail "3: kinit -r"; }
NOFRESH=1 expect_ok alice
has "auth-indicator: adbridge-admin" alice
tb env KRB5CCNAME="FILE:$work/alice.cc" klist -f >"$work/klist" 2>&1
grep -A1 "$DEVICE_PRINCIPAL" "$work/klist" | grep -q "Flags: .*R" || { cat "$work/klist"; fail "3: the service ticket is not renewable"; }
conf_with 's/rid:1103 admin/rid:1103 viewer/'
mark
tb "$kreq" renew "FILE:$work/alice.cc" "$DEVICE_PRINCIPAL" || fail "3: renewal of the service ticket"
logged "adbridge: ALLOW foreign-tgs client alice@$AD_REALM service $DEVICE_PRINCIPAL trust $AD_REALM rights viewer" "3 renewal"
NOFRESH=1 expect_ok alice
has "auth-indicator: adbridge-viewer" alice
hasnt "auth-indicator: adbridge-admin" alice
conf_with '/rid:110[34] /d'
mark
rc=0
tb "$kreq" renew "FILE:$work/alice.cc" "$DEVICE_PRINCIPAL" 2>"$work/err" || rc=$?
[ $rc = 2 ] || { cat "$work/err"; fail "3: a renewal without rights was not refused (exit $rc)"; }
logged "adbridge: REFUSE foreign-tgs client alice@$AD_REALM service $DEVICE_PRINCIPAL .*refusal no-rights" "3 renewal refused"
conf_restore
# a rights-profile ticket has no AD groups to re-decide from: its renewal
# is refused (the client gets a new ticket with its cross-realm TGT)
kadm "delstr $DEVICE_PRINCIPAL adbridge_pac"
rm -f "$work/alice.cc"
pw_of alice | tb env KRB5CCNAME="FILE:$work/alice.cc" kinit -r 2h "alice@$AD_REALM" >"$work/kinit.out" 2>&1 \
  || { cat "$work/kinit.out"; fail "3: kinit -r"; }
NOFRESH=1 expect_ok alice
has "logon-info: absent" alice
mark
rc=0
tb "$kreq" renew "FILE:$work/alice.cc" "$DEVICE_PRINCIPAL" 2>"$work/err" || rc=$?
[ $rc = 2 ] || { cat "$work/err"; fail "3: a rights-profile renewal was not refused (exit $rc)"; }
logged "adbridge: REFUSE foreign-tgs client alice@$AD_REALM service $DEVICE_PRINCIPAL .*refusal no-logon-info" "3 rights-profile renewal"

fi
if section 4; then
echo "== 4: identity: EffectiveName alice in mallory's PAC (UPN_DNS_INFO without SamName)"
conf_with 's/^\(        map = rid:1104 viewer\)$/\1\n        map = user:alice admin/'
mark
forge effname+upnnosam mallory 1120 513
NOFRESH=1 expect_refused mallory
logged "adbridge: REFUSE cross-realm client mallory@$AD_REALM .*refusal inconsistent-pac reason \"CLIENT_INFO name does not match LOGON_INFO EffectiveName\"" "4"
explain_vs_audit "$work/mallory.cc" "mallory@$AD_REALM"
# control: a consistent ticket with the same kind of UPN_DNS_INFO maps
forge upnnosam alice 1109 513
NOFRESH=1 expect_ok alice
has "auth-indicator: adbridge-admin" alice
newaudit | $SYS_PY -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
m = [r for r in recs if r["client"] == "mallory@AD.EXAMPLE.COM"]
a = [r for r in recs if r["client"] == "alice@AD.EXAMPLE.COM"]
assert m and all(r["decision"] == "refuse" and r["refusal"] == "inconsistent-pac" and r["rights"] == [] for r in m), m
assert a and a[-1]["decision"] == "allow" and any(g["map"] == "user:alice admin" for g in a[-1]["grants"]), a
print("  audit: mallory refused inconsistent-pac, alice granted by user:alice")' || fail "4: audit"
conf_restore

fi
if section 5; then
echo "== 5: a sub-domain's client realm through the trust"
# the forged TGT and its ccache name alice@SUB.AD.EXAMPLE.COM; kreq sends
# it as it is (the client library would route a SUB client elsewhere)
mark
forge subrealm alice 1109 513,1103
rc=0
tb "$kreq" via "FILE:$work/alice.cc" "$DEVICE_PRINCIPAL" "FILE:$work/sub.cc" 2>"$work/err" || rc=$?
[ $rc = 2 ] && grep -qi policy "$work/err" || { cat "$work/err"; fail "5: a sub-domain client was not refused by policy (exit $rc)"; }
logged "adbridge: REFUSE cross-realm client alice@SUB.$AD_REALM service $DEVICE_PRINCIPAL trust $AD_REALM .*refusal client-realm reason " "5"
no_issue "alice@SUB.$AD_REALM for" "5"
explain_vs_audit "$work/alice.cc" "alice@SUB.$AD_REALM"
newaudit | $SYS_PY -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
assert recs and all(r["client"] == "alice@SUB.AD.EXAMPLE.COM" and r["refusal"] == "client-realm" for r in recs), recs
print("  audit: %d record(s) for alice@SUB.AD.EXAMPLE.COM, client-realm" % len(recs))' || fail "5: audit"
# configured as a client realm of the trust: decided as the trust's user
conf_with 's/^\(        netbios_name = ADEX\)$/\1\n        client_realm = SUB.AD.EXAMPLE.COM/'
mark
tb "$kreq" via "FILE:$work/alice.cc" "$DEVICE_PRINCIPAL" "FILE:$work/sub.cc" || fail "5: a configured client realm was refused"
logged "adbridge: ALLOW cross-realm client alice@SUB.$AD_REALM service $DEVICE_PRINCIPAL trust $AD_REALM rights admin,viewer" "5 configured"
conf_restore

fi
if section 6; then
echo "== 6: a LogonDomainName that plants a fake ALLOW in the log line"
mark
forge quotes bob 1110 513,1104
NOFRESH=1 expect_refused bob
logged "adbridge: REFUSE cross-realm client bob@$AD_REALM .*refusal logon-domain-name reason \"" "6"
explain_vs_audit "$work/bob.cc" "bob@$AD_REALM"
newlog | grep "adbridge: REFUSE cross-realm client bob@" | tail -1 >"$work/line"
$SYS_PY - "$work/line" <<'PY' || fail "6: the log line can be misread"
import re, sys
line = open(sys.argv[1]).read().strip()
# the reason is one quoted field running to the end of the line: every
# quote inside it is escaped, so the planted text cannot end the field
m = re.search(r' reason ("(?:[^"\\]|\\.)*")$', line)
assert m, line
assert '\\" ALLOW cross-realm client alice' in m.group(1), line
head = line[:m.start()]
assert " ALLOW " not in head and "rights admin" not in head, head
print("  the planted ALLOW stays inside the escaped reason")
PY

fi
echo "== the controls still pass"
expect_ok alice
has "auth-indicator: adbridge-admin" alice
expect_ok bob
hasnt "auth-indicator: adbridge-admin" bob
FRESH_PW=$lpw FRESH_PRINC=bpadmin@$LOCAL_REALM expect_ok bpadmin "$ADMIN_SVC" "$work/admin.keytab"
! grep -qF -- "$lpw" "$kdclog" "$audit" || fail "a password appears in a log"
for p in "$ADMIN_SVC" "$NOAD_SVC" "bpadmin@$LOCAL_REALM" "bpuser@$LOCAL_REALM"; do
  tb kadmin.local -r "$LOCAL_REALM" -q "delprinc -force $p" >/dev/null 2>&1 || true
done
echo "PASS: test_bypass"
