# SPDX-License-Identifier: MIT
# tests/e2e/bridge_lib.sh - helpers of the KDC module's end-to-end tests
# (test_bridge.sh, test_bypass.sh); source it after the bed's env, with
# $bed, $work, $probe (gss_probe), $kdclog and $audit set.

tb() { "$TESTBED" exec "$bed" "$@"; }
pw_of() { awk -v u="$1" '$1 == u { sub(/^[^ ]+ /, ""); print; exit }' "$USER_PASSWORDS_FILE"; }

# fresh USER [PASSWORD [PRINCIPAL]]: a new ccache $work/USER.cc holding only
# the TGT, so the next request goes to the KDC.
fresh() {
  local u=$1 pw=${2:-} p=${3:-$1@$AD_REALM}
  [ -n "$pw" ] || pw=$(pw_of "$u")
  [ -n "$pw" ] || fail "no password for $u"
  rm -f "$work/$u.cc"
  printf '%s\n' "$pw" | tb env KRB5CCNAME="FILE:$work/$u.cc" kinit "$p" \
    >"$work/kinit.out" 2>&1 || { cat "$work/kinit.out"; fail "kinit $p"; }
}
# run_probe USER [PRINCIPAL [KEYTAB]] -> $work/out, $work/err, exit code
run_probe() {
  local u=$1 svc=${2:-$DEVICE_PRINCIPAL} kt=${3:-$DEVICE_KEYTAB}
  tb env KRB5CCNAME="FILE:$work/$u.cc" KRB5_KTNAME="FILE:$kt" \
    "$probe" "$svc" >"$work/out" 2>"$work/err"
}
# expect_ok USER [PRINCIPAL [KEYTAB]]: a fresh TGS; prints the probe output
expect_ok() {
  local u=$1
  [ -n "${NOFRESH:-}" ] || fresh "$u" "${FRESH_PW:-}" "${FRESH_PRINC:-}"
  run_probe "$@" || { cat "$work/err"; fail "$u: context to ${2:-$DEVICE_PRINCIPAL} failed"; }
  sed "s/^/  $u: /" "$work/out"
}
expect_refused() {
  local u=$1 rc=0
  [ -n "${NOFRESH:-}" ] || fresh "$u" "${FRESH_PW:-}" "${FRESH_PRINC:-}"
  run_probe "$@" || rc=$?
  [ $rc = 2 ] || { cat "$work/out" "$work/err"; fail "$u: expected refusal, probe exit $rc"; }
  [ -n "${ANYERR:-}" ] || grep -qi "policy" "$work/err" || { cat "$work/err"; fail "$u: refusal is not a KDC policy error"; }
  echo "  $u: refused: $(head -c 200 "$work/err")"
}
has() { grep -qx -- "$1" "$work/out" || { cat "$work/out"; fail "$2: expected line '$1'"; }; }
hasnt() { ! grep -qx -- "$1" "$work/out" || { cat "$work/out"; fail "$2: unexpected line '$1'"; }; }

# After writing the configuration directly: adbridge looks at the file at
# most once a second (bridge_bed.sh conf waits by itself).
settle() { sleep 1.2; }

kadm() { tb kadmin.local -r "$LOCAL_REALM" -q "$1" >"$work/kadm.out" 2>&1 || { cat "$work/kadm.out"; fail "kadmin.local $1"; }; }

# forge_key: $key, the AES256 trust key (hex) forged tickets are made with.
forge_key() {
  key=$(klist -k -K -e "$TRUST_KEYTAB" | awk '/aes256/ {gsub(/[()]/, "", $NF); sub(/^0x/, "", $NF); print $NF; exit}')
  [ ${#key} = 64 ] || fail "no AES256 trust key in $TRUST_KEYTAB"
}
# forge MODE USER RID GROUPS [EXTRA_SIDS] -> $work/USER.cc
forge() {
  (cd "$work" && $SYS_PY "$E2E_HOME/bridge_forge.py" "$1" -aesKey "$key" \
     -domain-sid "$AD_DOMAIN_SID" -domain "$AD_REALM" -spn "krbtgt/$LOCAL_REALM" \
     -groups "$4" -user-id "$3" ${5:+-extra-sid "$5"} "$2") >"$work/forge.log" 2>&1 \
    || { cat "$work/forge.log"; fail "forging ($1) failed"; }
  mv -f "$work/$2.ccache" "$work/$2.cc"
}
# mark; newlog: the KDC log lines / audit records written since mark
mark() { lmark=$(wc -l <"$kdclog"); amark=$(wc -l <"$audit"); }
newlog() { tail -n +$((lmark + 1)) "$kdclog"; }
newaudit() { tail -n +$((amark + 1)) "$audit"; }

# explain_vs_audit CCACHE CLIENT: `adbridge explain` on the cross-realm TGT
# in CCACHE gives exactly the decision and refusal code of the KDC's last
# audit record for CLIENT ($adbridge: the command; the KDC decided the TGT
# just before).
explain_vs_audit() {
  local rc=0
  [ -n "${adbridge:-}" ] || fail "explain_vs_audit: no adbridge command given"
  tb "$adbridge" --config "$conf" explain --trust "$AD_REALM" --ccache "$1" \
    --keytab "$TRUST_KEYTAB" --service "$TRUST_PRINCIPAL" --json \
    >"$work/explain.json" 2>"$work/explain.err" || rc=$?
  $SYS_PY - "$work/explain.json" "$audit" "$2" "$rc" <<'PY' || { cat "$work/explain.json" "$work/explain.err"; fail "explain disagrees with the KDC for $2"; }
import json, sys
ex = json.load(open(sys.argv[1]))
recs = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
kdc = [r for r in recs if r["client"] == sys.argv[3]][-1]
code = ex["refused"]["code"] if ex["refused"] else None
assert ex["decision"] == kdc["decision"], (ex["decision"], kdc["decision"])
assert code == kdc["refusal"], (code, kdc["refusal"])
assert ex["rights"] == kdc["rights"], (ex["rights"], kdc["rights"])
want_exit = 3 if ex["decision"] == "refuse" else 0
assert int(sys.argv[4]) == want_exit, sys.argv[4]
print("  explain = KDC for %s: %s%s" % (sys.argv[3], ex["decision"], " " + code if code else ""))
PY
}
