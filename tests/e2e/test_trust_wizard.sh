#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/test_trust_wizard.sh ADBRIDGE BED_DIR
# The trust wizard (issue 9) on the bed of fixture adbed_bridge (its real
# KDC database, Samba AD DC, its DNS and LDAP):
#   - `trust remove` deletes the bed's inter-realm principals and stanza;
#   - bad inputs (lower-case realm, NetBIOS = realm, short password, unknown
#     enctype, unreachable DC, a clock an hour off (libfaketime), a
#     password the KDC's password policy refuses,
#     --netbios/--domain-sid that disagree with
#     AD's LDAP) each give one clear line and change nothing (a kdb5_util
#     dump and the configuration compared before and after);
#   - `trust add --yes` (SID and NetBIOS from AD's LDAP, the bed's trust
#     password) sets up the MIT side; AD's side is the bed's LSA TDO, made
#     again without a password version so that Samba stamps kvno 0 like
#     Windows; then kinit/kvno to a local service and `trust verify` prove
#     the trust, and `doctor --user` passes;
#   - a wrong password on AD's side is caught by verify and doctor --user;
#   - rotate: a cross-realm TGT from before is accepted after; --finish is
#     refused inside the grace period, --force purges, the old kvno is gone;
#   - the interactive path under tmux: the password is not echoed and is in
#     no output, no KDC log and no KRB5_TRACE;
# and the bed is put back as it was (principals at kvno 2, TDO version 2,
# the configuration) even on failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
for c in tmux faketime; do
  command -v $c >/dev/null 2>&1 || e2e_cannot_run "missing $c (run scripts/install-deps.sh)"
done
adbridge=$1 bed=$2
e2e_use_bed "$bed"
work=$(mktemp -d)
chmod 0700 "$work"
conf=$bed/adbridge.conf
kdclog=$bed/log/krb5kdc.log
TMUX_S=adbtw-$$
. "$E2E_HOME/bridge_lib.sh"
TDO="$SYS_PY $E2E_HOME/trust_tdo.py"

spn_added=0
stool() { "$TESTBED" exec "$bed" samba-tool "$@" -s "$AD_SMB_CONF"; }
restore_bed() {
  local tpw
  [ "$spn_added" = 1 ] && stool spn delete "ldap/$AD_DC_HOST" 'DC1$' >/dev/null 2>&1
  tpw=$(cat "$TRUST_PASSWORD_FILE")
  tmux -L "$TMUX_S" kill-server >/dev/null 2>&1 || true
  cp -f "$work/conf.orig" "$conf" 2>/dev/null || true
  {
    printf 'delpol -force default\n'
    printf 'delprinc -force %s\n' "$TRUST_PRINCIPAL" "$TRUST_PRINCIPAL_OUT" "krbtgt/$LOCAL_REALM@NEW.EXAMPLE.COM"
    printf 'addprinc -pw %s %s\ncpw -pw %s %s\n' "$tpw" "$TRUST_PRINCIPAL" "$tpw" "$TRUST_PRINCIPAL"
    printf 'addprinc -pw %s %s\ncpw -pw %s %s\n' "$tpw" "$TRUST_PRINCIPAL_OUT" "$tpw" "$TRUST_PRINCIPAL_OUT"
  } | "$TESTBED" exec "$bed" kadmin.local -r "$LOCAL_REALM" >/dev/null 2>&1 || true
  "$TESTBED" exec "$bed" $TDO reset "$bed" "$TRUST_PASSWORD_FILE" "$TRUST_KVNO" >/dev/null 2>&1 || true
  sleep 1.2
}
cleanup() { restore_bed; [ -n "${KEEP_WORK:-}" ] && echo "kept $work" || rm -rf "$work"; }
trap cleanup EXIT
cp "$conf" "$work/conf.orig"
# DNS through the Samba DC (discovery and LDAP find dc1.ad.example.com)
sed -i 's/^\[adbridge\]$/[adbridge]\n    dns_servers = 127.0.0.2/' "$conf"
grep -q "dns_servers = 127.0.0.2" "$conf" || fail "could not write $conf"

# A Windows DC registers ldap/<its DNS name>; the bed's Samba does not (its
# dnsupdate service is off): add the SPN for the LDAP lookup (test_ldap.sh
# does the same), removed again by the trap.
if ! stool spn list 'DC1$' 2>/dev/null | grep -qi "ldap/$AD_DC_HOST\$"; then
  stool spn add "ldap/$AD_DC_HOST" 'DC1$' >/dev/null
  spn_added=1
fi

ad() { tb "$adbridge" --config "$conf" "$@"; }
dump() { tb kdb5_util -r "$LOCAL_REALM" dump "$work/$1.dump" >/dev/null 2>&1 || fail "kdb5_util dump"; cp "$conf" "$work/$1.conf"; }
same_state() {
  dump after
  cmp -s "$work/$1.dump" "$work/after.dump" || fail "$2: the KDC database changed"
  cmp -s "$work/$1.conf" "$work/after.conf" || fail "$2: the configuration changed"
}
has_princ() { tb kadmin.local -r "$LOCAL_REALM" -q "getprinc $1" 2>/dev/null | grep -q "^Principal: $1\$"; }

cp "$TRUST_PASSWORD_FILE" "$work/trust.pw"
printf 'short-pw-14chr\n' >"$work/short.pw"
printf '%s\n' "$(pw_of alice)" >"$work/alice.pw"
$SYS_PY -c 'import secrets,string; print("W" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(27)))' >"$work/wrong.pw"
chmod 0600 "$work"/*.pw

echo "== trust remove: the bed's principals, then the stanza"
ad trust remove AD.EXAMPLE.COM --yes | sed 's/^/  /'
has_princ "$TRUST_PRINCIPAL" && fail "trust remove left $TRUST_PRINCIPAL"
has_princ "$TRUST_PRINCIPAL_OUT" && fail "trust remove left $TRUST_PRINCIPAL_OUT"
grep -q "AD.EXAMPLE.COM" "$conf" && fail "trust remove left the stanza"
ad config check >/dev/null || fail "config check after trust remove"

echo "== bad inputs: one clear line each, nothing changed"
dump before
# bad NAME WANT ARGS...: exit 1, exactly one stderr line matching WANT
bad() {
  local name=$1 want=$2 rc=0
  shift 2
  tb ${BADPRE:-} "$adbridge" --config "$conf" trust add "$@" --yes >"$work/bad.out" 2>"$work/bad.err" || rc=$?
  [ $rc = 1 ] || { cat "$work/bad.out" "$work/bad.err"; fail "$name: exit $rc"; }
  [ "$(wc -l <"$work/bad.err")" = 1 ] || { cat "$work/bad.err"; fail "$name: not one line"; }
  grep -q -- "$want" "$work/bad.err" || { cat "$work/bad.err"; fail "$name: expected '$want'"; }
  [ ! -s "$work/bad.out" ] || { cat "$work/bad.out"; fail "$name: printed output"; }
  echo "  $name: $(cat "$work/bad.err")"
  same_state "${STATE:-before}" "$name"
}
ok_args=(--netbios ADEX --domain-sid "$AD_DOMAIN_SID" --password-file "$work/trust.pw")
bad "lower-case realm" "not upper case" ad.example.com "${ok_args[@]}"
bad "NetBIOS = realm" "is the realm" AD.EXAMPLE.COM --netbios AD.EXAMPLE.COM --domain-sid "$AD_DOMAIN_SID" --password-file "$work/trust.pw"
bad "short password" "shorter than 15 characters" AD.EXAMPLE.COM --netbios ADEX --domain-sid "$AD_DOMAIN_SID" --password-file "$work/short.pw"
bad "unknown enctype" 'unknown enctype "des"' AD.EXAMPLE.COM "${ok_args[@]}" --enctypes aes256,des
bad "unreachable DC" "no KDC of AD.EXAMPLE.COM answers" AD.EXAMPLE.COM "${ok_args[@]}" --kdc 127.0.0.9
# this host's clock an hour ahead of the DC's (libfaketime): the skew the
# probe measures from the KDC's KRB-ERROR stops the wizard with the fix
BADPRE="faketime -f +1h" bad "clock skew" "is 3[56][0-9][0-9] s away from this host's (Kerberos allows 300 s): fix the time first" \
  AD.EXAMPLE.COM "${ok_args[@]}" --kdc "$AD_DC_IP"
bad "--netbios against LDAP" "does not match AD's LDAP, which says ADEX" AD.EXAMPLE.COM --netbios WRONGNB \
  --domain-sid "$AD_DOMAIN_SID" --ad-user "$AD_ADMIN" --ad-password-file "$ADMIN_PASSWORD_FILE" --password-file "$work/trust.pw"
bad "--domain-sid against LDAP" "does not match AD's LDAP, which says $AD_DOMAIN_SID" AD.EXAMPLE.COM --netbios ADEX \
  --domain-sid S-1-5-21-1-2-3 --ad-user "$AD_ADMIN" --ad-password-file "$ADMIN_PASSWORD_FILE" --password-file "$work/trust.pw"
# the KDC's password policy (a "default" policy new principals get) is
# checked before anything is written
kadm "addpol -minlength 40 default"
dump pol
STATE=pol bad "password policy" 'policy "default" (for krbtgt/LOCAL.EXAMPLE@AD.EXAMPLE.COM) wants at least 40 characters' \
  AD.EXAMPLE.COM "${ok_args[@]}" --kdc "$AD_DC_IP"
kadm "delpol -force default"
bad "--yes without a password" "no trust password given" AD.EXAMPLE.COM --netbios ADEX --domain-sid "$AD_DOMAIN_SID"

echo "== trust add --yes: SID and NetBIOS from AD's LDAP, the bed's trust password"
tb env KRB5_TRACE="$work/add.trace" "$adbridge" --config "$conf" trust add AD.EXAMPLE.COM --yes --direction two-way \
  --ad-user "$AD_ADMIN" --ad-password-file "$ADMIN_PASSWORD_FILE" --password-file "$work/trust.pw" --json >"$work/add.json" \
  || { cat "$work/add.json"; fail "trust add"; }
$SYS_PY - "$work/add.json" "$AD_DOMAIN_SID" "$LOCAL_REALM" <<'PY' || { cat "$work/add.json"; fail "trust add --json"; }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["netbios_name"] == "ADEX" and d["domain_sid"] == sys.argv[2], d
assert d["domain_functional_level"] is not None and d["kdcs_answered"] >= 1, d
assert d["principals"] == ["krbtgt/%s@AD.EXAMPLE.COM" % sys.argv[3], "krbtgt/AD.EXAMPLE.COM@%s" % sys.argv[3]], d
w = d["windows_commands"]
assert w[0] == 'netdom trust %s /Domain:AD.EXAMPLE.COM /add /realm /passwordt:"<the trust password>" /twoway' % sys.argv[3], w
assert w[1] == "ksetup /SetEncTypeAttr %s AES256-CTS-HMAC-SHA1-96 AES128-CTS-HMAC-SHA1-96" % sys.argv[3], w
assert w[2].startswith("ksetup /AddKdc %s " % sys.argv[3]), w
assert "[domain_realm]" in d["krb5_conf"] and d["password_generated"] is False, d
PY
ad config check >/dev/null || fail "config check after trust add"
grep -q "netbios_name = ADEX" "$conf" && grep -q "domain_sid = $AD_DOMAIN_SID" "$conf" && grep -q "direction = two-way" "$conf" \
  || { cat "$conf"; fail "the stanza trust add wrote"; }
tb kadmin.local -r "$LOCAL_REALM" -q "getprinc $TRUST_PRINCIPAL" >"$work/gp" 2>&1
grep -q "Key: vno 1, aes256-cts-hmac-sha1-96" "$work/gp" && grep -q "Key: vno 1, aes128-cts-hmac-sha1-96" "$work/gp" \
  && ! grep -q "REQUIRES_PRE_AUTH" "$work/gp" || { cat "$work/gp"; fail "the inbound principal's keys"; }
has_princ "$TRUST_PRINCIPAL_OUT" || fail "no outbound principal"
tpw=$(cat "$work/trust.pw")
grep -qF -- "$tpw" "$work/add.json" "$work/add.trace" "$conf" "$kdclog" && fail "the trust password is in the output, trace, config or KDC log"
ad map add AD.EXAMPLE.COM rid:1103 admin >/dev/null
ad map add AD.EXAMPLE.COM rid:1104 viewer >/dev/null
settle

echo "== AD's side (LSA TDO, no password version: kvno 0 as Windows); kinit/kvno, trust verify, doctor --user"
tb $TDO reset "$bed" "$work/trust.pw" "" >/dev/null 2>"$work/tdo.err" || { cat "$work/tdo.err"; fail "resetting AD's TDO"; }
fresh alice
tb env KRB5CCNAME="FILE:$work/alice.cc" kvno "$DEVICE_PRINCIPAL" >"$work/kvno.out" 2>&1 || { cat "$work/kvno.out"; fail "kvno through the new trust"; }
echo "  $(cat "$work/kvno.out")"
ad trust verify AD.EXAMPLE.COM --user "alice@$AD_REALM" --password-file "$work/alice.pw" | sed 's/^/  /'
ad trust verify AD.EXAMPLE.COM --user "alice@$AD_REALM" --password-file "$work/alice.pw" --json >"$work/v.json" || { cat "$work/v.json"; fail "trust verify"; }
$SYS_PY - "$work/v.json" <<'PY' || { cat "$work/v.json"; fail "trust verify --json"; }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verified"] is True and d["step"] == "ok" and d["kvno"] == 0, d
e = d["explain"]
assert e["decision"] == "allow" and "admin" in e["rights"], e
PY
ad trust verify AD.EXAMPLE.COM --user "alice@$AD_REALM" --ccache "FILE:$work/alice.cc" >/dev/null || fail "trust verify --ccache"
ad doctor --user "alice@$AD_REALM" --password-file "$work/alice.pw" >"$work/doc.out" || { cat "$work/doc.out"; fail "doctor --user"; }
grep -q "^pass  user .*both sides hold the same key" "$work/doc.out" || { cat "$work/doc.out"; fail "doctor's user line"; }

echo "== a wrong password on AD's side: verify and doctor --user say so"
tb $TDO reset "$bed" "$work/wrong.pw" "" >/dev/null 2>&1 || fail "resetting AD's TDO"
rc=0; ad trust verify AD.EXAMPLE.COM --user "alice@$AD_REALM" --password-file "$work/alice.pw" >"$work/v.out" 2>&1 || rc=$?
[ $rc = 1 ] && grep -q "FAIL decrypt" "$work/v.out" && grep -q "likely cause: the keys differ: the trust password is not the same on both sides" "$work/v.out" \
  || { cat "$work/v.out"; fail "verify with a wrong AD password: exit $rc"; }
sed 's/^/  /' "$work/v.out"
rc=0; ad doctor --user "alice@$AD_REALM" --password-file "$work/alice.pw" >"$work/doc.out" 2>&1 || rc=$?
[ $rc = 1 ] && grep -q "^fail  user .*decrypt failed" "$work/doc.out" && grep -q "trust password is not the same" "$work/doc.out" \
  || { cat "$work/doc.out"; fail "doctor --user with a wrong AD password: exit $rc"; }
grep -qF -- "$(cat "$work/wrong.pw")" "$work/v.out" "$work/doc.out" && fail "a password in verify's output"
tb $TDO reset "$bed" "$work/trust.pw" "" >/dev/null 2>&1 || fail "resetting AD's TDO"

echo "== rotate: a cross-realm TGT from before is accepted after; --finish"
fresh alice
tb env KRB5CCNAME="FILE:$work/alice.cc" kvno "$TRUST_PRINCIPAL" >/dev/null 2>&1 || fail "cross-realm TGT before rotate"
tb "$adbridge" --config "$conf" trust rotate AD.EXAMPLE.COM --generate-password --password-out "$work/rot.pw" --yes >"$work/rot.out" \
  || { cat "$work/rot.out"; fail "trust rotate"; }
sed 's/^/  /' "$work/rot.out"
[ "$(stat -c %a "$work/rot.pw")" = 600 ] || fail "--password-out is not 0600"
[ "$(head -1 "$work/rot.pw" | tr -d '\n' | wc -c)" = 32 ] || fail "the generated password is not 32 characters"
grep -qF -- "$(cat "$work/rot.pw")" "$work/rot.out" && fail "rotate printed the password it wrote to --password-out"
grep -q "new keys at kvno 2" "$work/rot.out" || fail "rotate: no kvno 2"
tb env KRB5CCNAME="FILE:$work/alice.cc" kvno "$DEVICE_PRINCIPAL" >"$work/kvno.out" 2>&1 \
  || { cat "$work/kvno.out"; fail "the cross-realm TGT from before the rotation is refused"; }
echo "  old cross-realm TGT after rotate: $(cat "$work/kvno.out")"
tb $TDO reset "$bed" "$work/rot.pw" "" >/dev/null 2>&1 || fail "resetting AD's TDO to the new password"
ad trust verify AD.EXAMPLE.COM --user "alice@$AD_REALM" --password-file "$work/alice.pw" >/dev/null || fail "verify after the Windows step"
rc=0; ad trust rotate AD.EXAMPLE.COM --finish --yes >"$work/fin.out" 2>&1 || rc=$?
[ $rc = 1 ] && grep -q "was rotated 0 min ago.*--force" "$work/fin.out" || { cat "$work/fin.out"; fail "--finish inside the grace period: exit $rc"; }
ad trust rotate AD.EXAMPLE.COM --finish --force --yes | sed 's/^/  /'
tb kadmin.local -r "$LOCAL_REALM" -q "getprinc $TRUST_PRINCIPAL" >"$work/gp" 2>&1
grep -q "^Key: vno 2," "$work/gp" && ! grep -q "^Key: vno 1," "$work/gp" || { cat "$work/gp"; fail "the old kvno is still there"; }
fresh alice
tb env KRB5CCNAME="FILE:$work/alice.cc" kvno "$DEVICE_PRINCIPAL" >/dev/null 2>&1 || fail "kvno after --finish"

echo "== a new configuration file, a generated password shown once, RC4 with a warning"
tb "$adbridge" --config "$work/new.conf" trust add NEW.EXAMPLE.COM --yes --kdc "$AD_DC_IP" --netbios NEWEX \
  --domain-sid S-1-5-21-5-6-7 --generate-password --enctypes aes256,aes128,rc4 >"$work/gen.out" 2>"$work/gen.err" \
  || { cat "$work/gen.out" "$work/gen.err"; fail "trust add into a new file"; }
grep -q "warning: RC4 keys requested" "$work/gen.err" || { cat "$work/gen.err"; fail "no RC4 warning"; }
gpw=$(sed -n 's|^ *netdom trust .*/passwordt:\([^ ]*\)$|\1|p' "$work/gen.out")
[ ${#gpw} = 32 ] || { cat "$work/gen.out"; fail "the generated password is not shown once in the netdom line"; }
[ "$(grep -cF -- "$gpw" "$work/gen.out")" = 1 ] || fail "the generated password is shown more than once"
grep -q "RC4-HMAC-MD5" "$work/gen.out" || fail "ksetup without RC4"
grep -qF -- "$gpw" "$work/new.conf" && fail "the password is in the configuration"
grep -q "local_realm = $LOCAL_REALM" "$work/new.conf" && tb "$adbridge" --config "$work/new.conf" config check >/dev/null \
  || { cat "$work/new.conf"; fail "the new configuration"; }
tb kadmin.local -r "$LOCAL_REALM" -q "getprinc krbtgt/$LOCAL_REALM@NEW.EXAMPLE.COM" 2>/dev/null | grep -q "Key: vno 1, .*arcfour-hmac" \
  || fail "no RC4 key"
tb "$adbridge" --config "$work/new.conf" trust remove NEW.EXAMPLE.COM --yes >/dev/null || fail "trust remove NEW"
has_princ "krbtgt/$LOCAL_REALM@NEW.EXAMPLE.COM" && fail "trust remove left the NEW principal"

echo "== the interactive path under tmux: no echo, the password nowhere"
ad trust remove AD.EXAMPLE.COM --yes >/dev/null
tpw=$(cat "$work/trust.pw")
: >"$kdclog.mark"; lmark=$(wc -l <"$kdclog")
# interactive RUN: trust add under tmux, typing the password twice; on the
# [y/N] question, runs $ON_QUESTION, then answers y.  $work/RUN.{out,err,rc,
# trace}, the pane in $work/RUN.pane
interactive() {
  local run=$1 i
  cat >"$work/$run.sh" <<SH
#!/bin/bash
"$TESTBED" exec "$bed" env KRB5_TRACE="$work/$run.trace" ADBRIDGE_CONFIG="$conf" "$adbridge" trust add AD.EXAMPLE.COM \\
  --netbios ADEX --domain-sid "$AD_DOMAIN_SID" >"$work/$run.out" 2>"$work/$run.err"
echo "EXIT=\$?" >"$work/$run.rc"
SH
  chmod +x "$work/$run.sh"
  tmux -L "$TMUX_S" new-session -d -s w -x 200 -y 50 "$work/$run.sh; sleep 30"
  waitfor "Trust password"
  tmux -L "$TMUX_S" send-keys -t w -l "$tpw"; tmux -L "$TMUX_S" send-keys -t w Enter
  waitfor "Again:"
  tmux -L "$TMUX_S" send-keys -t w -l "$tpw"; tmux -L "$TMUX_S" send-keys -t w Enter
  waitfor "\[y/N\]"
  ${ON_QUESTION:-true}
  tmux -L "$TMUX_S" send-keys -t w y Enter
  for i in $(seq 1 100); do [ -s "$work/$run.rc" ] && break; sleep 0.1; done
  tmux -L "$TMUX_S" capture-pane -p -S - -t w >"$work/$run.pane"
  tmux -L "$TMUX_S" kill-server >/dev/null 2>&1 || true
}
waitfor() { local i; for i in $(seq 1 100); do tmux -L "$TMUX_S" capture-pane -p -t w | grep -q -- "$1" && return 0; sleep 0.1; done; tmux -L "$TMUX_S" capture-pane -p -t w; fail "tmux: no '$1'"; }

# undo: the file changes while the question waits, so its replacement is
# refused after the principal was created: the principal is deleted again
dump inter0
edit_meanwhile() { echo "# edited while trust add asked" >>"$conf"; }
ON_QUESTION=edit_meanwhile interactive undo
grep -q "EXIT=1" "$work/undo.rc" || { cat "$work/undo.pane" "$work/undo.err"; fail "trust add with the file changed meanwhile"; }
grep -q "changed while it was being edited" "$work/undo.err" && grep -q "undone: $TRUST_PRINCIPAL deleted again" "$work/undo.err" \
  || { cat "$work/undo.err"; fail "no undo message"; }
tb kdb5_util -r "$LOCAL_REALM" dump "$work/undo.dump" >/dev/null 2>&1
cmp -s "$work/inter0.dump" "$work/undo.dump" || fail "the KDC database is not as before after the undo"
sed 's/^/  /' "$work/undo.err"
cp "$work/inter0.conf" "$conf"

interactive inter
cp "$work/inter.pane" "$work/pane.txt"
grep -q "EXIT=0" "$work/inter.rc" 2>/dev/null || { cat "$work/pane.txt" "$work/inter.err"; fail "interactive trust add"; }
grep -q "Trust password" "$work/pane.txt" && grep -q "Again:" "$work/pane.txt" || { cat "$work/pane.txt"; fail "the prompts"; }
tail -n +$((lmark + 1)) "$kdclog" >"$work/kdc.new"
for f in pane.txt inter.out inter.err inter.trace kdc.new; do
  [ -e "$work/$f" ] || fail "no $f"
  ! grep -qF -- "$tpw" "$work/$f" || fail "the typed trust password is in $f"
done
[ -s "$work/inter.trace" ] || fail "KRB5_TRACE wrote nothing"
for f in undo.pane undo.out undo.err undo.trace; do
  ! grep -qF -- "$tpw" "$work/$f" || fail "the typed trust password is in $f"
done
grep -q "trust AD.EXAMPLE.COM (NetBIOS ADEX, inbound" "$work/inter.out" || { cat "$work/inter.out"; fail "interactive output"; }
tb $TDO reset "$bed" "$work/trust.pw" "" >/dev/null 2>&1 || fail "resetting AD's TDO"
# no mappings any more: the key is good (PASS), the user refused (exit 3)
rc=0; ad trust verify AD.EXAMPLE.COM --user "alice@$AD_REALM" --password-file "$work/alice.pw" >"$work/v.out" 2>&1 || rc=$?
[ $rc = 3 ] && grep -q "^PASS: .*both sides hold the same key" "$work/v.out" || { cat "$work/v.out"; fail "verify after the interactive add: exit $rc"; }
echo "  prompts shown, password typed twice, not echoed; absent from the pane, stdout, stderr, KRB5_TRACE and the KDC log"

echo "== an existing principal: refused without --replace, replaced with it"
cp "$work/before.conf" "$conf"     # the stanza gone, the principal kept
dump rep0
rc=0; ad trust add AD.EXAMPLE.COM --yes "${ok_args[@]}" --kdc "$AD_DC_IP" >/dev/null 2>"$work/rep.err" || rc=$?
[ $rc = 1 ] && grep -q "$TRUST_PRINCIPAL already exists in the KDC database (--replace" "$work/rep.err" \
  || { cat "$work/rep.err"; fail "an existing principal: exit $rc"; }
same_state rep0 "existing principal"
ad trust add AD.EXAMPLE.COM --yes "${ok_args[@]}" --kdc "$AD_DC_IP" --replace | grep "replaced" | sed 's/^/  /'
tb kadmin.local -r "$LOCAL_REALM" -q "getprinc $TRUST_PRINCIPAL" >"$work/gp" 2>&1
grep -q "^Key: vno 2," "$work/gp" && ! grep -q "^Key: vno 1," "$work/gp" || { cat "$work/gp"; fail "--replace: keys"; }
rc=0; ad trust verify AD.EXAMPLE.COM --user "alice@$AD_REALM" --password-file "$work/alice.pw" >"$work/v.out" 2>&1 || rc=$?
[ $rc = 3 ] && grep -q "^PASS: " "$work/v.out" || { cat "$work/v.out"; fail "verify after --replace: exit $rc"; }

echo "PASS: test_trust_wizard"

