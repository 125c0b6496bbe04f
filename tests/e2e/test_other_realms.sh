#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/test_other_realms.sh GSS_PROBE BED_DIR
# A realm that is not an AD trust, through the KDC with adbridge loaded (the
# bed of fixture adbed_bridge): a second, stock MIT krb5kdc for
# OTHER.EXAMPLE is started inside the bed's network namespace (127.0.0.4,
# always stopped), with a real MIT-to-MIT trust krbtgt/LOCAL.EXAMPLE@
# OTHER.EXAMPLE (the same password on both sides).  Its user's cross-realm
# TGS to a local service:
#   - other_realms = pass (the default): issued as stock MIT would (no
#     adbridge indicator, nothing logged by adbridge);
#   - a service with adbridge_require: refused (require applies to everyone);
#   - other_realms = refuse: refused as unknown-trust, logged.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
probe=$1 bed=$2
e2e_bed_ready "$bed"
set -a
. "$bed/env"
set +a
work=$(mktemp -d)
conf=$bed/adbridge.conf
kdclog=$bed/log/krb5kdc.log
audit=$bed/audit.jsonl
OTHER=OTHER.EXAMPLE
OTHER_IP=127.0.0.4
XTGT="krbtgt/$LOCAL_REALM@$OTHER"
REQ_SVC="HTTP/req-or.local.example@$LOCAL_REALM"
other_pid=
cleanup() {
  if [ -n "$other_pid" ] && kill -0 "$other_pid" 2>/dev/null; then
    kill -TERM "$other_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$other_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$other_pid" 2>/dev/null || true
  fi
  cp -f "$work/conf.orig" "$conf" 2>/dev/null || true
  "$TESTBED" exec "$bed" kadmin.local -r "$LOCAL_REALM" -q "delprinc -force $XTGT" >/dev/null 2>&1 || true
  "$TESTBED" exec "$bed" kadmin.local -r "$LOCAL_REALM" -q "delprinc -force $REQ_SVC" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
cp "$conf" "$work/conf.orig"
. "$E2E_HOME/bridge_lib.sh"
conf_with() { sed "$1" "$work/conf.orig" >"$work/conf.new"; mv -f "$work/conf.new" "$conf"; settle; }

echo "== a stock MIT KDC for $OTHER on $OTHER_IP (inside the bed's namespace)"
od=$work/other
mkdir -p "$od"
cat >"$od/kdc.conf" <<EOF
[kdcdefaults]
	kdc_listen = $OTHER_IP:88
	kdc_tcp_listen = $OTHER_IP:88
[realms]
	$OTHER = {
		database_name = $od/principal
		key_stash_file = $od/stash
		acl_file = $od/kadm5.acl
		supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
		max_renewable_life = 1d
	}
[logging]
	kdc = FILE:$od/krb5kdc.log
EOF
: >"$od/kadm5.acl"
cat >"$work/krb5.conf" <<EOF
include $KRB5_CONFIG
[realms]
	$OTHER = {
		kdc = $OTHER_IP
	}
EOF
okrb() { tb env KRB5_CONFIG="$work/krb5.conf" KRB5_KDC_PROFILE="$od/kdc.conf" "$@"; }
rnd() { od -An -N16 -tx8 /dev/urandom | tr -d ' \n'; }
mpw=$(rnd) upw="U-$(rnd)" tpw="T-$(rnd)"
okrb kdb5_util -r "$OTHER" create -s -P "$mpw" >"$od/create.out" 2>&1 || { cat "$od/create.out"; fail "kdb5_util create $OTHER"; }
okrb kadmin.local -r "$OTHER" -q "addprinc -pw $upw user1@$OTHER" >/dev/null 2>&1 || fail "addprinc user1@$OTHER"
okrb kadmin.local -r "$OTHER" -q "addprinc -pw $tpw $XTGT" >/dev/null 2>&1 || fail "addprinc $XTGT in $OTHER"
kadm "addprinc -pw $tpw $XTGT"
tb env KRB5_CONFIG="$work/krb5.conf" KRB5_KDC_PROFILE="$od/kdc.conf" \
  krb5kdc -n -r "$OTHER" -P "$od/pid" </dev/null >"$od/kdc.out" 2>&1 &
other_pid=$!
for i in $(seq 1 100); do
  tb ss -Hlnu "src $OTHER_IP and sport = :88" | grep -q . && break
  kill -0 "$other_pid" 2>/dev/null || { cat "$od/kdc.out"; fail "the $OTHER KDC exited"; }
  [ "$i" -lt 100 ] || fail "the $OTHER KDC does not listen"
  sleep 0.1
done
echo "  $OTHER KDC up (pid $other_pid)"

# other_fresh: user1's TGT from the OTHER KDC into $work/user1.cc
other_fresh() {
  rm -f "$work/user1.cc"
  printf '%s\n' "$upw" | tb env KRB5_CONFIG="$work/krb5.conf" KRB5CCNAME="FILE:$work/user1.cc" \
    kinit "user1@$OTHER" >"$work/kinit.out" 2>&1 || { cat "$work/kinit.out"; fail "kinit user1@$OTHER"; }
}
# other_probe [SVC KT]: user1's cross-realm TGS (through the OTHER KDC)
other_probe() {
  tb env KRB5_CONFIG="$work/krb5.conf" KRB5CCNAME="FILE:$work/user1.cc" \
    KRB5_KTNAME="FILE:${2:-$DEVICE_KEYTAB}" "$probe" "${1:-$DEVICE_PRINCIPAL}" >"$work/out" 2>"$work/err"
}

echo "== other_realms = pass (default): as stock MIT"
mark
other_fresh
other_probe || { cat "$work/err"; fail "pass: user1@$OTHER's cross-realm TGS was refused"; }
sed 's/^/  user1: /' "$work/out"
grep -qx "client: user1@$OTHER" "$work/out" || fail "pass: not user1's ticket"
! grep -q "^auth-indicator: adbridge-" "$work/out" || fail "pass: an adbridge indicator for a realm that is no trust"
newlog | grep -q "ISSUE: .* user1@$OTHER for $DEVICE_PRINCIPAL" || { newlog; fail "pass: no ISSUE line"; }
! newlog | grep -q "adbridge: .*user1@" || { newlog | grep adbridge; fail "pass: adbridge decided a request of a realm it leaves to MIT"; }
echo "  log: $(newlog | grep "ISSUE: .* user1@$OTHER" | tail -1 | sed 's/^.*ISSUE/ISSUE/')"

echo "== adbridge_require applies to every realm's users"
kadm "addprinc -randkey $REQ_SVC"
kadm "setstr $REQ_SVC adbridge_require viewer"
kadm "ktadd -k $work/req.keytab $REQ_SVC"
mark
other_fresh
rc=0; other_probe "$REQ_SVC" "$work/req.keytab" || rc=$?
[ $rc = 2 ] && grep -qi policy "$work/err" || { cat "$work/out" "$work/err"; fail "require: user1@$OTHER was not refused (exit $rc)"; }
newlog | grep -q "adbridge: REFUSE cross-realm client user1@$OTHER service $REQ_SVC trust $OTHER passed .*refusal require" \
  || { newlog | grep adbridge; fail "require: no REFUSE line"; }
echo "  log: $(newlog | grep 'adbridge: REFUSE' | tail -1 | sed 's/^.*adbridge:/adbridge:/')"

echo "== other_realms = refuse"
conf_with 's/^\[adbridge\]$/[adbridge]\n    other_realms = refuse/'
mark
other_fresh
rc=0; other_probe || rc=$?
[ $rc = 2 ] && grep -qi policy "$work/err" || { cat "$work/out" "$work/err"; fail "refuse: user1@$OTHER was not refused (exit $rc)"; }
newlog | grep -q "adbridge: REFUSE cross-realm client user1@$OTHER service $DEVICE_PRINCIPAL trust $OTHER rights - refusal unknown-trust reason " \
  || { newlog | grep adbridge; fail "refuse: no unknown-trust REFUSE line"; }
echo "  log: $(newlog | grep 'adbridge: REFUSE' | tail -1 | sed 's/^.*adbridge:/adbridge:/')"
cp -f "$work/conf.orig" "$conf"
settle

echo "== AD users unchanged"
expect_ok alice
has "auth-indicator: adbridge-admin" alice
echo "PASS: test_other_realms"
