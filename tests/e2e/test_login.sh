#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/test_login.sh ADBRIDGE BED_DIR
# `adbridge login` (libadbridge-client's adbc_login) against the bed whose
# krb5kdc loads adbridge (fixture adbed_bridge): AD users log in with their
# password the way a device does (TGT from Samba's KDC, cross-realm ticket
# for the device principal from krb5kdc, verified with the device keytab),
# alice gets admin, bob viewer, carol is refused by the KDC; then each
# outcome on purpose: wrong password, unknown user, a disabled AD account
# (samba-tool user disable, enabled again), the NetBIOS name and a
# lower-case realm, an unknown realm, a skewed clock (libfaketime, both
# ways), a stopped KDC (SIGSTOP, always continued), a user without rights
# when the trust lets them through, and a KDC reply made with a key that is
# not the device's (a keytab with a wrong key for the device principal).
# The password never appears in any output or log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
command -v faketime >/dev/null 2>&1 ||
  e2e_cannot_run "missing faketime (tests/testbed/PACKAGES; run scripts/install-deps.sh)"
adbridge=$1 bed=$2
e2e_bed_ready "$bed"
set -a
. "$bed/env"
set +a
work=$(mktemp -d)
disabled=
stopped=
confchanged=
groups_set=
cleanup() {
  [ -z "$stopped" ] || kill -CONT "$KRB5KDC_PID" 2>/dev/null || true
  [ -z "$disabled" ] || tb samba-tool user enable "$disabled" -H "$AD_SAM_LDB" >/dev/null 2>&1 || true
  [ -z "$confchanged" ] || "$E2E_HOME/bridge_bed.sh" conf "$bed" true >/dev/null 2>&1 || true
  [ -z "$groups_set" ] || tb kadmin.local -r "$LOCAL_REALM" -q "delstr $DEVICE_PRINCIPAL adbridge_pac" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
kdclog=$bed/log/krb5kdc.log
audit=$bed/audit.jsonl
. "$E2E_HOME/bridge_lib.sh"

# login USER PASSWORD WANT_EXIT WANT_OUTCOME [ARGS...]: --json to $work/out.json
login() {
  local u=$1 pw=$2 want=$3 outcome=$4 rc=0
  shift 4
  printf '%s\n' "$pw" | tb "$@" "$adbridge" login --keytab "${KT:-$DEVICE_KEYTAB}" \
    --service "$DEVICE_PRINCIPAL" --json "$u" >"$work/out.json" 2>"$work/err" || rc=$?
  cat "$work/out.json" "$work/err" >>"$work/all-output"
  [ "$rc" = "$want" ] || { cat "$work/out.json" "$work/err"; fail "login $u: exit $rc, expected $want ($outcome)"; }
  $SYS_PY - "$work/out.json" "$outcome" <<'PY' || { cat "$work/out.json"; fail "login $u: not $outcome"; }
import json, sys
r = json.load(open(sys.argv[1]))
assert r["outcome"] == sys.argv[2], r["outcome"]
assert r["message"], r
if r["outcome"] != "ok":
    assert r["rights"] == [], r
print("  %-24s -> %s (%s) %s" % (r["user"], r["outcome"], ",".join(r["rights"]) or "-", r["message"]))
PY
}
rights_are() {
  $SYS_PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert ",".join(r["rights"])==sys.argv[2], r["rights"]' \
    "$work/out.json" "$1" || { cat "$work/out.json"; fail "rights are not '$1'"; }
}

# mkkeytab FILE PRINCIPAL KVNO: a keytab with random AES keys for PRINCIPAL
# (ktutil reads keys only from a terminal; the format is MIT's 0x0502)
mkkeytab() {
  $SYS_PY - "$@" <<'PY' || fail "cannot write the keytab $1"
import os, struct, sys, time
path, princ, kvno = sys.argv[1], sys.argv[2], int(sys.argv[3])
name, realm = princ.rsplit("@", 1)
comps = name.split("/")
def cs(b): return struct.pack(">H", len(b)) + b
out = b"\x05\x02"
for etype, klen in ((18, 32), (17, 16)):
    e = struct.pack(">H", len(comps)) + cs(realm.encode())
    e += b"".join(cs(c.encode()) for c in comps)
    e += struct.pack(">IIBHH", 1, int(time.time()), kvno & 0xff, etype, klen)
    e += os.urandom(klen) + struct.pack(">I", kvno)
    out += struct.pack(">i", len(e)) + e
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.write(fd, out); os.close(fd)
PY
  klist -k "$1" >/dev/null || fail "klist cannot read $1"
}

alice_pw=$(pw_of alice) bob_pw=$(pw_of bob) carol_pw=$(pw_of carol)
[ -n "$alice_pw" ] && [ -n "$bob_pw" ] && [ -n "$carol_pw" ] || fail "no passwords in $USER_PASSWORDS_FILE"

echo "== alice admin, bob viewer, carol refused by the KDC"
login "alice@$AD_REALM" "$alice_pw" 0 ok
rights_are admin,viewer
login "$AD_REALM\\bob" "$bob_pw" 0 ok
rights_are viewer
$SYS_PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["principal"]=="bob@"+sys.argv[2] and r["realm"]==sys.argv[2] and r["sids"] is None, r' \
  "$work/out.json" "$AD_REALM" || fail "bob: principal, realm or sids"
mark
login "carol@$AD_REALM" "$carol_pw" 19 refused
newlog | grep -q "REFUSE cross-realm client carol@$AD_REALM service $DEVICE_PRINCIPAL .*refusal no-rights" ||
  { newlog | tail -5; fail "the KDC did not log carol's no-rights refusal"; }
echo "  KDC: carol refused with no-rights"

echo "== text output, password from a file (0600) and from a terminal-less stdin"
umask 077
printf '%s\n' "$alice_pw" >"$work/alice.pw"
rc=0
tb "$adbridge" login --keytab "$DEVICE_KEYTAB" --password-file "$work/alice.pw" "alice@$AD_REALM" \
  >"$work/out.txt" 2>"$work/err" </dev/null || rc=$?
cat "$work/out.txt" "$work/err" >>"$work/all-output"
[ $rc = 0 ] && grep -qx "rights: admin viewer" "$work/out.txt" && grep -qx "outcome: ok" "$work/out.txt" ||
  { cat "$work/out.txt" "$work/err"; fail "login with --password-file"; }
sed 's/^/  /' "$work/out.txt"

echo "== AD SIDs with the groups profile"
kadm "setstr $DEVICE_PRINCIPAL adbridge_pac groups"
groups_set=1
login "alice@$AD_REALM" "$alice_pw" 0 ok
$SYS_PY - "$work/out.json" "$AD_DOMAIN_SID" <<'PY' || { cat "$work/out.json"; fail "alice: SIDs"; }
import json, sys
r = json.load(open(sys.argv[1])); d = sys.argv[2]
s = r["sids"]
assert s and s[0].startswith(d + "-"), s
assert d + "-1103" in s and d + "-513" in s, s
print("  alice: %d SIDs, user %s" % (len(s), s[0]))
PY
kadm "delstr $DEVICE_PRINCIPAL adbridge_pac"
groups_set=

echo "== each failure on purpose"
login "alice@$AD_REALM" "not-$alice_pw" 11 wrong-password
login "nosuchuser@$AD_REALM" "$alice_pw" 12 unknown-user
tb samba-tool user disable bob -H "$AD_SAM_LDB" >"$work/st" 2>&1 || { cat "$work/st"; fail "samba-tool user disable bob"; }
disabled=bob
login "bob@$AD_REALM" "$bob_pw" 13 account-disabled
tb samba-tool user enable bob -H "$AD_SAM_LDB" >"$work/st" 2>&1 || { cat "$work/st"; fail "samba-tool user enable bob"; }
disabled=
login "bob@$AD_REALM" "$bob_pw" 0 ok                 # control: enabled again
login "$AD_NETBIOS\\alice" "$alice_pw" 15 realm-netbios
login "alice@${AD_REALM,,}" "$alice_pw" 16 realm-case
login "alice@NOWHERE.EXAMPLE" "$alice_pw" 14 unknown-realm
login "alice" "$alice_pw" 22 bad-name
login "alice@$AD_REALM" "$alice_pw" 17 clock-skew faketime -f '+2h'
login "alice@$AD_REALM" "$alice_pw" 17 clock-skew faketime -f '-2h'
login "alice@$AD_REALM" "$alice_pw" 0 ok faketime -f '+1m'   # control: within clockskew

echo "== a stopped KDC (krb5kdc $KRB5KDC_PID stopped, then continued)"
kill -STOP "$KRB5KDC_PID"
stopped=1
login "alice@$AD_REALM" "$alice_pw" 18 no-kdc
kill -CONT "$KRB5KDC_PID"
stopped=
login "alice@$AD_REALM" "$alice_pw" 0 ok

echo "== a user without rights whom the trust lets through: no right for this device"
"$E2E_HOME/bridge_bed.sh" conf "$bed" false
confchanged=1
login "carol@$AD_REALM" "$carol_pw" 20 no-right
"$E2E_HOME/bridge_bed.sh" conf "$bed" true
confchanged=
login "carol@$AD_REALM" "$carol_pw" 19 refused

echo "== a ticket the device key does not verify (a KDC without the device's key)"
kvno=$(klist -k "$DEVICE_KEYTAB" | awk -v p="$DEVICE_PRINCIPAL" '$2 == p {print $1; exit}')
[ -n "$kvno" ] || fail "no kvno for $DEVICE_PRINCIPAL in $DEVICE_KEYTAB"
# the same principal, kvno and enctypes, other keys: what a device gets
# when the ticket was made by a KDC that is not its own (or it accepts
# with a key the real KDC never had)
mkkeytab "$work/rogue.keytab" "$DEVICE_PRINCIPAL" "$kvno"
KT=$work/rogue.keytab login "alice@$AD_REALM" "$alice_pw" 21 not-verified
login "alice@$AD_REALM" "$alice_pw" 0 ok             # control: the real keytab
# a keytab without the device principal
mkkeytab "$work/other.keytab" "HTTP/other.local.example@$LOCAL_REALM" 1
KT=$work/other.keytab login "alice@$AD_REALM" "$alice_pw" 23 device-config

echo "== the password is never printed or logged"
for p in "$alice_pw" "$bob_pw" "$carol_pw"; do
  ! grep -qF -- "$p" "$work/all-output" || fail "a password appears in adbridge login's output"
  ! grep -qF -- "$p" "$kdclog" || fail "a password appears in the KDC log"
done
echo "  no password in $(wc -l <"$work/all-output") lines of output nor in the KDC log"
echo "PASS: adbridge login"
