#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/test_bridge.sh GSS_PROBE BED_DIR
# The adbridge KDB module in a real MIT krb5kdc (the bed of fixture
# adbed_bridge, tests/e2e/bridge_bed.sh): AD users' cross-realm TGS requests
# get their rights as auth indicators in the service ticket (seen by
# gss_probe, an initiator + acceptor in one process), users without rights
# and services requiring rights refuse, local principals get rights from
# adbridge_rights, the configuration is re-read while the KDC runs (a broken
# one is refused), decisions are logged and audited, forged cross-realm TGTs
# (injected SIDs, malformed / tampered PAC, no PAC) are handled, and
# kdb5_util, kadmin.local and kadmind (remote kadmin, started here inside the
# bed's namespace and always stopped) keep working through the module.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
# the forged-ticket checks need impacket's ticketer (python3-impacket)
[ -f /usr/share/doc/python3-impacket/examples/ticketer.py ] \
  || e2e_cannot_run "missing python3-impacket (forged cross-realm TGTs)"
probe=$1 bed=$2 adbridge=${3:-}
e2e_bed_ready "$bed"
set -a
. "$bed/env"
set +a
work=$(mktemp -d)
conf=$bed/adbridge.conf
kadmind_pid=
cleanup() {
  # the second KDC and kadmind (started below inside the bed's namespace)
  # always stop
  if [ -n "${kdc2_pid:-}" ]; then
    kill -KILL "$kdc2_pid" 2>/dev/null || true
  fi
  if [ -n "$kadmind_pid" ] && kill -0 "$kadmind_pid" 2>/dev/null; then
    kill -TERM "$kadmind_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$kadmind_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$kadmind_pid" 2>/dev/null || true
  fi
  cp -f "$work/conf.orig" "$conf" 2>/dev/null || true
  "$TESTBED" exec "$bed" kadmin.local -r "$LOCAL_REALM" -q "delstr $DEVICE_PRINCIPAL adbridge_pac" >/dev/null 2>&1 || true
  "$TESTBED" exec "$bed" kadmin.local -r "$LOCAL_REALM" -q "delprinc -force $RIGHTS_SVC" >/dev/null 2>&1 || true
  [ -z "$jose_created" ] || "$TESTBED" exec "$bed" samba-tool user delete "$(printf 'jos\xc3\xa9')" -H "$AD_SAM_LDB" >/dev/null 2>&1 || true
  rm -rf "$work"
}
RIGHTS_SVC="HTTP/rights.local.example@$LOCAL_REALM"
jose_created=
trap cleanup EXIT
cp "$conf" "$work/conf.orig"
kdclog=$bed/log/krb5kdc.log
audit=$bed/audit.jsonl

. "$E2E_HOME/bridge_lib.sh"

echo "== the default ticket profile (rights): indicators, no AD group lists"
tb kadmin.local -r "$LOCAL_REALM" -q "delprinc -force $RIGHTS_SVC" >/dev/null 2>&1 || true
kadm "addprinc -randkey $RIGHTS_SVC"
kadm "ktadd -k $work/rights.keytab $RIGHTS_SVC"
# ticket_bytes USER SVC: the length of USER's ticket for SVC in its ccache
ticket_bytes() {
  $SYS_PY - "$work/$1.cc" "$2" <<'PY'
import sys
from impacket.krb5.ccache import CCache
cc = CCache.loadFile(sys.argv[1])
for c in cc.credentials:
    if c["server"].prettyPrint().decode() == sys.argv[2]:
        print(c.ticket["length"]); break
else:
    raise SystemExit("no ticket for " + sys.argv[2])
PY
}
for u in alice bob erin; do
  expect_ok "$u" "$RIGHTS_SVC" "$work/rights.keytab"
  has "logon-info: absent" "$u"
  has "upn-dns-info: absent" "$u"
  n=$(ticket_bytes "$u" "$RIGHTS_SVC")
  echo "  $u: ticket $n bytes"
  [ "$n" -le 1465 ] || fail "$u: a rights-profile ticket of $n bytes does not fit MIT's UDP limit (1465)"
done
expect_ok alice "$RIGHTS_SVC" "$work/rights.keytab"
has "auth-indicator: adbridge-admin" alice
expect_ok bob "$RIGHTS_SVC" "$work/rights.keytab"
has "auth-indicator: adbridge-viewer" bob
hasnt "auth-indicator: adbridge-admin" bob
expect_ok erin "$RIGHTS_SVC" "$work/rights.keytab"
has "auth-indicator: adbridge-viewer" erin
expect_refused carol "$RIGHTS_SVC" "$work/rights.keytab"
tail -n 200 "$audit" | $SYS_PY -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
r = [x for x in recs if x["service"] == sys.argv[1] and x["decision"] == "allow"]
assert r and all(x["profile"] == "rights" and x["schema"] == 1 for x in r), r
print("  audit: %d allowed rights-profile records" % len(r))' "$RIGHTS_SVC" || fail "audit of the rights profile"

echo "== AD users through the trust (a groups-profile service)"
kadm "setstr $DEVICE_PRINCIPAL adbridge_pac groups"
expect_ok alice
has "auth-indicator: adbridge-admin" alice
has "auth-indicator: adbridge-viewer" alice
grep -q "^logon-info: present groups 3 " "$work/out" || fail "alice: LOGON_INFO not in the service ticket"
has "upn-dns-info: present" alice
expect_ok bob
has "auth-indicator: adbridge-viewer" bob
hasnt "auth-indicator: adbridge-admin" bob
expect_ok dave
has "auth-indicator: adbridge-admin" dave
expect_ok erin
has "auth-indicator: adbridge-viewer" erin
hasnt "auth-indicator: adbridge-admin" erin
grep -Eq "^logon-info: present groups 3[0-9][0-9] " "$work/out" || fail "erin: bulk groups missing"
# frank's PAC loses SIDs at the trust boundary (LOCAL's Domain Admins and
# S-1-5-21-9-9-9-512 in ExtraSids): the service ticket's LOGON_INFO is
# re-encoded with S-1-18-1 only.
expect_ok frank
has "auth-indicator: adbridge-viewer" frank
grep -q "^logon-info: present groups [0-9]* extra-sids 1 user-rid 1114$" "$work/out" \
  || fail "frank: LOGON_INFO not filtered"
expect_refused carol
# kvno reports the same policy error.
rc=0
tb env KRB5CCNAME="FILE:$work/carol.cc" kvno "$DEVICE_PRINCIPAL" >"$work/out" 2>&1 || rc=$?
[ $rc != 0 ] && grep -qi "policy" "$work/out" || { cat "$work/out"; fail "carol: kvno not refused by policy"; }
echo "  carol: kvno: $(cat "$work/out")"

echo "== explain gives the KDC's decision for each user"
for u in alice bob dave erin frank carol; do
  explain_vs_audit "$work/$u.cc" "$u@$AD_REALM"
done

echo "== a user with a non-ASCII name round-trips through both logs"
JOSE='jos\xc3\xa9'
jose=$(printf "$JOSE")
jpw="Jo-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')Aa1"
tb samba-tool user delete "$jose" -H "$AD_SAM_LDB" >/dev/null 2>&1 || true
tb samba-tool user create "$jose" "$jpw" -H "$AD_SAM_LDB" >"$work/st.out" 2>&1 || { cat "$work/st.out"; fail "samba-tool user create"; }
jose_created=1
tb samba-tool group addmembers "PBX Viewers" "$jose" -H "$AD_SAM_LDB" >"$work/st.out" 2>&1 || { cat "$work/st.out"; fail "samba-tool group addmembers"; }
FRESH_PW=$jpw FRESH_PRINC="$jose@$AD_REALM" expect_ok jose
has "client: $jose@$AD_REALM" jose
has "auth-indicator: adbridge-viewer" jose
tail -n 20 "$audit" | $SYS_PY -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin.buffer.read().decode("utf-8").splitlines()]
r = [x for x in recs if x["client"] == "jos\u00e9@AD.EXAMPLE.COM"]
assert r and r[-1]["decision"] == "allow" and r[-1]["rights"] == ["viewer"], recs[-3:]
print("  audit: client %s (UTF-8)" % r[-1]["client"].encode("unicode_escape").decode())' || fail "josé in the audit log"
grep -aF "adbridge: ALLOW cross-realm client \"jos\\xc3\\xa9@AD.EXAMPLE.COM\" " "$kdclog" >"$work/jl" || { grep -a jos "$kdclog" | tail -3; fail "josé in the KDC log"; }
tail -1 "$work/jl" | sed 's/^.*adbridge:/  log: adbridge:/' | cut -c1-120
# the escaped field decodes back to the name
$SYS_PY - "$work/jl" <<'PY' || fail "the KDC log's josé does not decode back"
import re, sys
line = open(sys.argv[1], "rb").read().decode("ascii").splitlines()[-1]
field = re.search(r' client "((?:[^"\\]|\\.)*)" ', line).group(1)
raw = re.sub(r'\\x([0-9a-f]{2})', lambda m: chr(int(m.group(1), 16)), field)
raw = re.sub(r'\\(.)', r'\1', raw).encode("latin-1").decode("utf-8")
assert raw == "jos\u00e9@AD.EXAMPLE.COM", raw
PY
explain_vs_audit "$work/jose.cc" "$jose@$AD_REALM"

echo "== log and audit"
grep -q "adbridge: REFUSE cross-realm client carol@AD.EXAMPLE.COM .*refusal no-rights reason " "$kdclog" \
  || fail "no KDC log line for carol's refusal"
grep -q "adbridge: ALLOW cross-realm client alice@AD.EXAMPLE.COM .*rights admin,viewer" "$kdclog" \
  || fail "no KDC log line for alice"
[ "$(stat -c %a "$audit")" = 600 ] || fail "audit log mode is not 0600"
$SYS_PY - "$audit" <<'PY' || fail "audit log"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
need = {"schema", "time", "decision", "kind", "client", "user_sid", "local_realm", "trust", "service", "profile", "rights", "required", "grants", "filtered", "logon_info", "refusal", "reason"}
for r in recs:
    assert need <= set(r), r
carol = [r for r in recs if r["client"] == "carol@AD.EXAMPLE.COM" and r["decision"] == "refuse"]
assert carol and carol[-1]["refusal"] == "no-rights", carol
frank = [r for r in recs if r["client"] == "frank@AD.EXAMPLE.COM"][-1]
assert any(f["rule"] == "local-domain" for f in frank["filtered"]), frank
assert frank["logon_info"] == "filtered", frank
alice = [r for r in recs if r["client"] == "alice@AD.EXAMPLE.COM"][-1]
assert alice["rights"] == ["admin", "viewer"] and alice["grants"][0]["map"] == "rid:1103 admin", alice
print("  audit: %d records, all complete" % len(recs))
PY
for pw in $(awk '{print $2}' "$USER_PASSWORDS_FILE") $(cat "$bed/secrets/trust.pw" 2>/dev/null); do
  ! grep -qF -- "$pw" "$audit" "$kdclog" || fail "a password appears in a log"
done

echo "== log_decisions unset, with an audit log: the KDC log gets the refusals only"
ADB_LOG_DECISIONS= "$E2E_HOME/bridge_bed.sh" conf "$bed" true
grep -q '^ *# log_decisions unset' "$conf" || fail "the bed's configuration still sets log_decisions"
mark
expect_ok alice
expect_refused carol
newlog >"$work/lines"
! grep -q "adbridge: ALLOW cross-realm client alice@" "$work/lines" \
  || { cat "$work/lines"; fail "default log_decisions: an ALLOW line for alice in the KDC log"; }
grep -q "adbridge: REFUSE cross-realm client carol@AD.EXAMPLE.COM .*refusal no-rights" "$work/lines" \
  || { cat "$work/lines"; fail "default log_decisions: no REFUSE line for carol"; }
grep -q "TGS_REQ .*alice@AD.EXAMPLE.COM for $DEVICE_PRINCIPAL" "$work/lines" \
  || { cat "$work/lines"; fail "default log_decisions: no MIT line for alice's ticket"; }
newaudit >"$work/recs"
$SYS_PY - "$work/recs" <<'PY' || fail "default log_decisions: the audit log lost a decision"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert any(r["client"] == "alice@AD.EXAMPLE.COM" and r["decision"] == "allow" for r in recs), recs
assert any(r["client"] == "carol@AD.EXAMPLE.COM" and r["decision"] == "refuse" for r in recs), recs
print("  KDC log: carol's refusal only; audit: both (%d records)" % len(recs))
PY
"$E2E_HOME/bridge_bed.sh" conf "$bed" true

echo "== refuse_without_rights = false, picked up while the KDC runs"
# bridge_bed.sh conf returns once the KDC will see the new file
"$E2E_HOME/bridge_bed.sh" conf "$bed" false
expect_ok carol
if grep -q "^auth-indicator: adbridge-" "$work/out"; then cat "$work/out"; fail "carol: an adbridge indicator without rights"; fi
"$E2E_HOME/bridge_bed.sh" conf "$bed" true
expect_refused carol

echo "== a changed mapping is picked up"
sed 's/rid:1104 viewer/rid:1104 admin/' "$work/conf.orig" >"$work/conf.new"
mv -f "$work/conf.new" "$conf"
settle
expect_ok bob
has "auth-indicator: adbridge-admin" bob

echo "== a broken configuration is refused, the last good one stays"
n0=$(grep -c "is invalid" "$kdclog" || true)
printf '[adbridge]\n    local_realm = LOCAL.EXAMPLE\n[trusts]\n    AD.EXAMPLE.COM = {\n        map = rid:1104 nosuchright\n    }\n' >"$conf"
settle
expect_ok bob
has "auth-indicator: adbridge-admin" bob
n1=$(grep -c "is invalid" "$kdclog" || true)
[ "$n1" -gt "$n0" ] || fail "the broken configuration was not reported"
grep "is invalid" "$kdclog" | tail -1 | sed 's/^/  log: /'
cp -f "$work/conf.orig" "$conf"
settle
expect_ok bob
hasnt "auth-indicator: adbridge-admin" bob

echo "== a broken configuration is reported when krb5kdc starts"
# a second krb5kdc on the same database (another address inside the
# namespace, its own log), started with a file that has a typo, then with
# one for another realm; each problem is in its log at start, before any
# request
k2=$work/kdc2
mkdir -p "$k2"
kdc2_pid=
start_kdc2() {  # start_kdc2 CONFIG
  awk -v cfg="$1" -v logf="$k2/krb5kdc.log" '
    /kdc_listen|kdc_tcp_listen/ { sub(/127\.0\.0\.3:88/, "127.0.0.5:88") }
    /adbridge_config/ { print "\t\tadbridge_config = " cfg; next }
    /^[ \t]*kdc = FILE:/ { print "\tkdc = FILE:" logf; next }
    { print }' "$KRB5_KDC_PROFILE" >"$k2/kdc.conf"
  : >"$k2/krb5kdc.log"
  tb env KRB5_KDC_PROFILE="$k2/kdc.conf" krb5kdc -n -r "$LOCAL_REALM" -P "$k2/pid" \
    </dev/null >"$k2/out" 2>&1 &
  kdc2_pid=$!
}
stop_kdc2() {
  kill -TERM "$kdc2_pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$kdc2_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$kdc2_pid" 2>/dev/null || true
  wait "$kdc2_pid" 2>/dev/null || true
  kdc2_pid=
}
# wait_log PATTERN: the second KDC's log has PATTERN within 10 s
wait_log() {
  for _ in $(seq 1 100); do grep -q -- "$1" "$k2/krb5kdc.log" && return 0; sleep 0.1; done
  cat "$k2/krb5kdc.log" "$k2/out"; fail "no '$1' in the log of a starting krb5kdc"
}
sed 's/rid:1104 viewer/rid:1104 veiwer/' "$work/conf.orig" >"$work/typo.conf"
start_kdc2 "$work/typo.conf"
wait_log "adbridge: configuration $work/typo.conf is invalid"
wait_log "map #2 \"rid:1104 veiwer\": unknown right \"veiwer\""
grep "adbridge:" "$k2/krb5kdc.log" | sed 's/^.*adbridge:/  log at start: adbridge:/'
stop_kdc2
sed 's/^\(    local_realm = \).*/\1OTHER.EXAMPLE/' "$work/conf.orig" >"$work/realm.conf"
start_kdc2 "$work/realm.conf"
wait_log "local_realm OTHER.EXAMPLE is not the realm this KDC serves (LOCAL.EXAMPLE)"
grep "adbridge:" "$k2/krb5kdc.log" | sed 's/^.*adbridge:/  log at start: adbridge:/'
stop_kdc2

echo "== adbridge_require on a service"
ADMIN_SVC="HTTP/admin.local.example@$LOCAL_REALM"
# (idempotent on a bed that ran this test before)
NOAD_SVC="HTTP/noad.local.example@$LOCAL_REALM"
for p in "$ADMIN_SVC" "$NOAD_SVC" "localadmin@$LOCAL_REALM" "localuser@$LOCAL_REALM"; do
  tb kadmin.local -r "$LOCAL_REALM" -q "delprinc -force $p" >/dev/null 2>&1 || true
done
kadm "addprinc -randkey $ADMIN_SVC"
kadm "setstr $ADMIN_SVC adbridge_require admin"
kadm "ktadd -k $work/admin.keytab $ADMIN_SVC"
kadm "getstrs $ADMIN_SVC"
grep -q "adbridge_require: admin" "$work/kadm.out" || fail "getstrs"
expect_refused bob "$ADMIN_SVC" "$work/admin.keytab"
expect_ok alice "$ADMIN_SVC" "$work/admin.keytab"
has "auth-indicator: adbridge-admin" alice
grep -q "REFUSE cross-realm client bob@AD.EXAMPLE.COM service $ADMIN_SVC .*refusal require" "$kdclog" \
  || fail "no log line for bob's refusal by adbridge_require"

echo "== local principals: adbridge_rights"
lpw="Loc-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
kadm "addprinc -pw $lpw localadmin@$LOCAL_REALM"
kadm "setstr localadmin@$LOCAL_REALM adbridge_rights admin"
kadm "addprinc -pw $lpw localuser@$LOCAL_REALM"
FRESH_PW=$lpw FRESH_PRINC=localadmin@$LOCAL_REALM expect_ok localadmin
has "auth-indicator: adbridge-admin" localadmin
has "auth-indicator: adbridge-viewer" localadmin
FRESH_PW=$lpw FRESH_PRINC=localadmin@$LOCAL_REALM expect_ok localadmin "$ADMIN_SVC" "$work/admin.keytab"
FRESH_PW=$lpw FRESH_PRINC=localuser@$LOCAL_REALM expect_ok localuser
hasnt "auth-indicator: adbridge-admin" localuser
hasnt "auth-indicator: adbridge-viewer" localuser
FRESH_PW=$lpw FRESH_PRINC=localuser@$LOCAL_REALM expect_refused localuser "$ADMIN_SVC" "$work/admin.keytab"
! grep -qF -- "$lpw" "$kdclog" "$audit" || fail "a local password appears in a log"

echo "== a service with +no_auth_data_required (MIT never calls issue_pac for it)"
kadm "addprinc -randkey +no_auth_data_required $NOAD_SVC"
kadm "ktadd -k $work/noad.keytab $NOAD_SVC"
expect_ok bob "$NOAD_SVC" "$work/noad.keytab"
if grep -q "^auth-indicator:" "$work/out"; then cat "$work/out"; fail "noad: indicators in a ticket without authdata"; fi
expect_refused carol "$NOAD_SVC" "$work/noad.keytab"
grep -q "REFUSE cross-realm client carol@AD.EXAMPLE.COM service $NOAD_SVC .*no-rights" "$kdclog" \
  || fail "noad: carol's refusal was not decided by adbridge"
kadm "setstr $NOAD_SVC adbridge_require admin"
expect_refused bob "$NOAD_SVC" "$work/noad.keytab"
# alice (admin) is decided from her PAC in check_policy_tgs: allowed
expect_ok alice "$NOAD_SVC" "$work/noad.keytab"
# a local ticket's rights are indicators this hook cannot read: refused
FRESH_PW=$lpw FRESH_PRINC=localadmin@$LOCAL_REALM expect_refused localadmin "$NOAD_SVC" "$work/noad.keytab"
grep -q "REFUSE local-tgs client localadmin@$LOCAL_REALM service $NOAD_SVC .*refusal require" "$kdclog" \
  || fail "noad: localadmin's refusal by adbridge_require is not in the KDC log"

echo "== forged cross-realm TGTs (trust key, impacket's ticketer.py)"
{
  forge_key
  # SID injection: SIDs AD may not assert through this trust (the local
  # realm's Domain Admins, BUILTIN Administrators, another domain's Domain
  # Admins) in ExtraSids are filtered with their rules; they grant nothing.
  inj="$LOCAL_DOMAIN_SID-512,S-1-5-32-544,S-1-5-21-9-9-9-512"
  # carol (no mapped group): refused, no rights, all three listed.
  mark
  forge plain carol 1111 513 "$inj"
  NOFRESH=1 expect_refused carol
  explain_vs_audit "$work/carol.cc" "carol@$AD_REALM"
  # (the client library sends a refused TGS-REQ twice: one line each)
  newlog | grep -o "adbridge: [A-Z]* cross-realm.*" >"$work/lines"
  sort -u "$work/lines" | sed 's/^/  log: /'
  [ -s "$work/lines" ] && ! grep -v "^adbridge: REFUSE cross-realm client carol@AD.EXAMPLE.COM service $DEVICE_PRINCIPAL trust AD.EXAMPLE.COM rights - filtered 3 SID(s) refusal no-rights reason \"" "$work/lines" \
    || fail "carol (injected SIDs): not (only) REFUSE lines with 3 filtered SIDs and no-rights"
  # alice (admin group): exactly admin + viewer, the SIDs gone from LOGON_INFO.
  forge plain alice 1109 513,1103 "$inj"
  NOFRESH=1 expect_ok alice
  has "auth-indicator: adbridge-admin" alice
  has "auth-indicator: adbridge-viewer" alice
  [ "$(grep -c "^auth-indicator: " "$work/out")" = 2 ] || { cat "$work/out"; fail "alice (injected SIDs): not exactly two indicators"; }
  has "logon-info: present groups 2 extra-sids 0 user-rid 1109" alice
  newlog | grep -o "adbridge: [A-Z]* cross-realm client alice.*" >"$work/lines"
  sed 's/^/  log: /' "$work/lines"
  [ "$(grep -c "^adbridge: ALLOW cross-realm client alice@AD.EXAMPLE.COM .*rights admin,viewer grants [^ ]*-1103=\"rid:1103 admin\" filtered 3 SID(s) logon-info re-encoded without them$" "$work/lines")" = 1 ] \
    && [ "$(wc -l <"$work/lines")" = 1 ] || fail "alice (injected SIDs): not one ALLOW line with 3 filtered SIDs"
  newaudit >"$work/audit.new"
  $SYS_PY - "$work/audit.new" "$LOCAL_DOMAIN_SID" <<'PY' || fail "audit records of the SID injection"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
carols = [r for r in recs if r["client"] == "carol@AD.EXAMPLE.COM"]
alices = [r for r in recs if r["client"] == "alice@AD.EXAMPLE.COM"]
# carol's refused request was sent twice by the client library
assert len(carols) >= 1 and len(alices) == 1 and len(carols) + 1 == len(recs), recs
want = {(sys.argv[2] + "-512", "extra_sid", "local-domain"),
        ("S-1-5-32-544", "extra_sid", "builtin"),
        ("S-1-5-21-9-9-9-512", "extra_sid", "outside-trusted-domain")}
alice = alices[0]
for carol in carols:
  assert carol["client"] == "carol@AD.EXAMPLE.COM" and carol["decision"] == "refuse", carol
  assert carol["refusal"] == "no-rights", carol
  assert carol["rights"] == [] and carol["grants"] == [], carol
  got = {(f["sid"], f["source"], f["rule"]) for f in carol["filtered"]}
  assert got == want and len(carol["filtered"]) == 3, carol["filtered"]
assert alice["client"] == "alice@AD.EXAMPLE.COM" and alice["decision"] == "allow", alice
assert alice["rights"] == ["admin", "viewer"], alice
assert alice["logon_info"] == "filtered", alice
got = {(f["sid"], f["source"], f["rule"]) for f in alice["filtered"]}
assert got == want and len(alice["filtered"]) == 3, alice["filtered"]
# only the mapped group grants; none of the injected SIDs does
assert {g["sid"] for g in alice["grants"]} == {"S-1-5-21-3623811015-3361044348-30300820-1103"}, alice["grants"]
for f in carol["filtered"]:
    print("  audit: carol filtered %s (%s) rule %s" % (f["sid"], f["source"], f["rule"]))
PY
  # Malformed LOGON_INFO, correctly signed: refused with a clear line.
  for mode in truncate garbage; do
    n0=$(grep -c "refusal bad-pac reason \"malformed PAC: LOGON_INFO" "$kdclog" || true)
    forge "$mode" alice 1109 513,1103
    NOFRESH=1 expect_refused alice
    n1=$(grep -c "refusal bad-pac reason \"malformed PAC: LOGON_INFO" "$kdclog" || true)
    [ "$n1" -gt "$n0" ] || fail "$mode: no bad-pac log line"
    explain_vs_audit "$work/alice.cc" "alice@$AD_REALM"
    grep "refusal bad-pac" "$kdclog" | tail -1 | sed 's/^.*adbridge:/  log: adbridge:/'
  done
  # CLIENT_INFO naming someone else: refused (MIT checks this before the
  # module; the module would refuse it as inconsistent-pac).
  mark
  forge rename alice 1109 513,1103
  NOFRESH=1 ANYERR=1 expect_refused alice
  # refused by the KDC (not a client or keytab failure): a TGS_REQ line
  # for alice and no ticket
  newlog | grep -q "TGS_REQ .*alice@AD.EXAMPLE.COM for $DEVICE_PRINCIPAL" \
    || { newlog; fail "rename: the KDC did not see the request"; }
  ! newlog | grep -q "ISSUE: .*alice@AD.EXAMPLE.COM for" || fail "rename: a ticket was issued"
  # PAC changed after signing (GroupIds RID 1104 -> 1103, which would map
  # to admin): the server signature made with the trust key no longer
  # matches. MIT verifies it before the module runs (HEADER_PAC, "Message
  # stream modified"); the module never sees the request.
  # control: the same ticket untampered is accepted (viewer only)
  forge plain alice 1109 513,1104
  NOFRESH=1 expect_ok alice
  has "auth-indicator: adbridge-viewer" alice
  hasnt "auth-indicator: adbridge-admin" alice
  mark
  forge tamper alice 1109 513,1104
  NOFRESH=1 ANYERR=1 expect_refused alice
  grep -qi "modified" "$work/err" || { cat "$work/err"; fail "tamper: not refused as a modified message"; }
  newlog | grep -q "HEADER_PAC: .* alice@AD.EXAMPLE.COM for $DEVICE_PRINCIPAL, Message stream modified" \
    || { newlog; fail "tamper: no KDC line refusing the header ticket's PAC"; }
  ! newlog | grep -q "adbridge: .*alice@" || { newlog; fail "tamper: the module saw the tampered PAC"; }
  ! newlog | grep -q "ISSUE: .*alice@AD.EXAMPLE.COM for" || fail "tamper: a ticket was issued"
  newlog | grep "HEADER_PAC" | tail -1 | sed 's/^.*TGS_REQ/  log: TGS_REQ/'
  NOFRESH= expect_ok alice
  has "auth-indicator: adbridge-admin" alice
  # No PAC at all (the AD-IF-RELEVANT element holding AD-WIN2K-PAC removed).
  # MIT 1.20 alone issues a ticket for this: for a TGS-REQ whose header
  # ticket has no PAC, handle_pac() (kdc_authdata.c) skips
  # krb5_db_issue_pac(), so issue_pac() never runs. The module therefore
  # decides this case in check_policy_tgs(): require_pac = true (the
  # default) refuses it with KDC_ERR_POLICY and a no-pac log line.
  mark
  forge nopac alice 1109 513,1103
  rc=0; run_probe alice || rc=$?
  [ $rc = 2 ] || { cat "$work/out" "$work/err"; fail "nopac: a cross-realm TGT without PAC was not refused (probe exit $rc)"; }
  grep -qi "policy" "$work/err" || { cat "$work/err"; fail "nopac: refusal is not a KDC policy error"; }
  newlog | grep -q "adbridge: REFUSE cross-realm client alice@AD.EXAMPLE.COM .*refusal no-pac reason " \
    || { newlog; fail "nopac: no adbridge no-pac refusal in the KDC log"; }
  ! newlog | grep -q "ISSUE: .* alice@AD.EXAMPLE.COM for $DEVICE_PRINCIPAL" || fail "nopac: a ticket was issued"
  explain_vs_audit "$work/alice.cc" "alice@$AD_REALM"
  newlog | grep "adbridge: REFUSE" | tail -1 | sed 's/^.*adbridge:/  log: adbridge:/'
}

echo "== the KDC still serves everyone after refusals"
expect_ok alice
has "auth-indicator: adbridge-admin" alice

echo "== kdb5_util and kadmin.local through the module"
tb kdb5_util -r "$LOCAL_REALM" dump "$work/dump" || fail "kdb5_util dump"
grep -q "^princ.*HTTP/device1.local.example@LOCAL.EXAMPLE" "$work/dump" || fail "dump lacks the device principal"
tb kdb5_util -r "$LOCAL_REALM" list_mkeys >"$work/mkeys" 2>&1 || { cat "$work/mkeys"; fail "kdb5_util list_mkeys"; }
kadm "listprincs"
grep -q "^localadmin@LOCAL.EXAMPLE$" "$work/kadm.out" || fail "kadmin.local listprincs"
kadm "delprinc -force localuser@$LOCAL_REALM"
kadm "getprinc localadmin@$LOCAL_REALM"
echo "  kdb5_util dump: $(grep -c '^princ' "$work/dump") principals; kadmin.local OK"

echo "== kadmind through the module (remote kadmin)"
# A copy of the bed's kdc.conf for this test only: kadmind listens on the
# bed's local address only (inside the namespace), with an ACL of its own
# that lets the test's admin principal inquire and nothing else.
kdir=$work/kadmind
mkdir -p "$kdir"
KADMIN_PRINC="adbtest/admin@$LOCAL_REALM"
printf '%s i\n' "$KADMIN_PRINC" >"$kdir/kadm5.acl"
awk -v acl="$kdir/kadm5.acl" -v ip="$LOCAL_KDC_IP" '
  /^[ \t]*acl_file[ \t]*=/ { print "\t\tacl_file = " acl
                             print "\t\tkadmind_listen = " ip ":749"
                             print "\t\tkpasswd_listen = " ip ":464"
                             n++; next }
  { print }
  END { if (n != 1) exit 1 }' "$KRB5_KDC_PROFILE" >"$kdir/kdc.conf" || fail "no acl_file line in $KRB5_KDC_PROFILE"
tb kadmin.local -r "$LOCAL_REALM" -q "delprinc -force $KADMIN_PRINC" >/dev/null 2>&1 || true
apw="Adm-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
kadm "addprinc -pw $apw $KADMIN_PRINC"
kadmlog=$LOG_DIR/kadmin.log
k0=$(wc -l <"$kadmlog" 2>/dev/null || echo 0)
# testbed.sh exec execs ip netns exec, which execs env, which execs kadmind:
# $! is kadmind itself.
"$TESTBED" exec "$bed" env KRB5_KDC_PROFILE="$kdir/kdc.conf" \
  kadmind -nofork -r "$LOCAL_REALM" -P "$kdir/kadmind.pid" </dev/null >"$kdir/kadmind.out" 2>&1 &
kadmind_pid=$!
for i in $(seq 1 100); do
  tb ss -Hlnt "src $LOCAL_KDC_IP and sport = :749" | grep -q . && break
  kill -0 "$kadmind_pid" 2>/dev/null || { cat "$kdir/kadmind.out"; tail -5 "$kadmlog"; fail "kadmind exited"; }
  [ "$i" -lt 100 ] || fail "kadmind does not listen on $LOCAL_KDC_IP:749"
  sleep 0.1
done
[ "$(tr -d ' \n' <"$kdir/kadmind.pid")" = "$kadmind_pid" ] || fail "kadmind's pid file does not name $kadmind_pid"
# nothing of kadmind's listens outside the bed's local address
tb ss -Hlntup | grep "pid=$kadmind_pid," | awk '{print $5}' >"$kdir/listen"
[ -s "$kdir/listen" ] || fail "ss shows no socket of kadmind"
! grep -v "^$LOCAL_KDC_IP:" "$kdir/listen" || fail "kadmind listens on another address"
rc=0
tb kadmin -r "$LOCAL_REALM" -p "$KADMIN_PRINC" -w "$apw" -q "getprinc localadmin@$LOCAL_REALM" \
  >"$work/kadmin.out" 2>&1 || rc=$?
[ $rc = 0 ] && grep -q "^Principal: localadmin@LOCAL.EXAMPLE$" "$work/kadmin.out" \
  || { cat "$work/kadmin.out"; fail "remote kadmin getprinc (exit $rc)"; }
grep -q "^Number of keys: [1-9]" "$work/kadmin.out" || { cat "$work/kadmin.out"; fail "remote getprinc: no keys"; }
# the ACL is enforced: no add right
rc=0
tb kadmin -r "$LOCAL_REALM" -p "$KADMIN_PRINC" -w "$apw" -q "addprinc -randkey nobody@$LOCAL_REALM" \
  >"$work/kadmin2.out" 2>&1 || rc=$?
grep -q "Operation requires .*add.* privilege" "$work/kadmin2.out" || { cat "$work/kadmin2.out"; fail "kadmind did not apply the ACL"; }
tail -n +$((k0 + 1)) "$kadmlog" >"$kdir/log.new"
grep -q "Request: kadm5_get_principal, localadmin@LOCAL.EXAMPLE, success, client=$KADMIN_PRINC" "$kdir/log.new" \
  || { cat "$kdir/log.new"; fail "no kadmind log line for the remote getprinc"; }
grep "Request: kadm5_get_principal" "$kdir/log.new" | tail -1 | sed 's/^.*kadmind[^:]*: /  kadmind: /'
! grep -qF -- "$apw" "$kadmlog" "$kdclog" "$audit" || fail "the admin password appears in a log"
kill -TERM "$kadmind_pid"
for _ in $(seq 1 50); do kill -0 "$kadmind_pid" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$kadmind_pid" 2>/dev/null || fail "kadmind did not stop"
wait "$kadmind_pid" 2>/dev/null || true
kadmind_pid=
tb kadmin.local -r "$LOCAL_REALM" -q "delprinc -force $KADMIN_PRINC" >/dev/null 2>&1 || true
echo "  remote kadmin getprinc through kadmind: OK; kadmind stopped"

echo "PASS: test_bridge"
