#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/test_ldap.sh ADL_PROBE BED_DIR
# ldap/ (adl_*) against the bed's real Samba AD DC, through tests/ldap/adl_probe:
# SASL/GSSAPI binds with signing (password, keytab, ccache), the rootDSE and
# the domain, names and SIDs to objects with their group scope and type,
# not-found / ambiguous / malformed names, the refusal of a password bind
# without TLS, LDAPS with the DC's CA (and its failures), connection
# refused and timeout.  Everything runs inside the bed's network namespace
# and talks to 127.0.0.2 only; the objects the test adds are removed by the
# trap.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
probe=$1 bed=$2
e2e_open "$bed"
[ -x "$probe" ] || fail "no probe at $probe"
command -v openssl >/dev/null 2>&1 || e2e_cannot_run "missing openssl (run scripts/install-deps.sh)"

in_bed() { "$TESTBED" exec "$bed" "$@"; }
stool() { in_bed samba-tool "$@" -s "$AD_SMB_CONF"; }
URI=ldap://$AD_DC_HOST
LDAPS=ldaps://$AD_DC_HOST
CA=$TESTBED_DIR/ad/private/tls/ca.pem
DLOCAL=adl-e2e-dlocal DIST=adl-e2e-dist
DUP_SID=S-1-5-21-7-7-7-1000
spn_added=0 hang_pid=

cleanup() {
  set +e
  [ -n "$hang_pid" ] && kill "$hang_pid" 2>/dev/null
  stool group delete "$DLOCAL" >/dev/null 2>&1
  stool group delete "$DIST" >/dev/null 2>&1
  stool group delete adl-e2e-dup1 >/dev/null 2>&1
  stool group delete adl-e2e-dup2 >/dev/null 2>&1
  [ "$spn_added" = 1 ] && stool spn delete "ldap/$AD_DC_HOST" 'DC1$' >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# probe ARGS...: run the probe in the namespace; output in $work/out, exit in $rc
probe() {
  rc=0
  in_bed "$probe" --address "$AD_DC_IP" --timeout 5000 "$@" >"$work/out" 2>"$work/err" || rc=$?
  cat "$work/out" "$work/err" >>"$work/all"
}
# expect LINE-REGEX: some output line matches
expect() {
  grep -Eq -- "$1" "$work/out" || { cat "$work/out" "$work/err" >&2; fail "no line matching: $1"; }
}
# expect_bind_error KIND REGEX ARGS...: the bind fails with KIND (exit 2)
expect_bind_error() {
  local kind=$1 re=$2; shift 2
  probe "$@"
  [ "$rc" = 2 ] || { cat "$work/out" "$work/err" >&2; fail "expected a failed bind ($kind), exit $rc"; }
  expect "^error $kind: .*$re"
  echo "ok refused ($kind): $(head -1 "$work/out")"
}

# A Windows DC registers ldap/<its DNS name>; the bed's Samba does that only
# through samba_spnupdate, which runs with the dnsupdate service the bed turns
# off.  Add the SPN for this test (removed again by the trap).
if ! stool spn list 'DC1$' 2>/dev/null | grep -qi "ldap/$AD_DC_HOST\$"; then
  stool spn add "ldap/$AD_DC_HOST" 'DC1$' >/dev/null
  spn_added=1
fi
# A domain-local security group and a (global) distribution group.
stool group add "$DLOCAL" --group-scope=Domain --group-type=Security >/dev/null
stool group add "$DIST" --group-type=Distribution >/dev/null
# Two groups with one objectSid (relax control, as the bed writes foreign
# objectSids): a search by that SID is ambiguous.
in_bed "$SYS_PY" - "$AD_SAM_LDB" "$AD_SMB_CONF" "$AD_BASE_DN" "$DUP_SID" <<'PY'
import sys
from samba import param
from samba.auth import system_session
from samba.dcerpc import security
from samba.samdb import SamDB
url, conf, base, sid = sys.argv[1:5]
lp = param.LoadParm(); lp.load(conf)
db = SamDB(url=url, session_info=system_session(), lp=lp)
for n in ("adl-e2e-dup1", "adl-e2e-dup2"):
    db.add({"dn": "CN=%s,CN=Users,%s" % (n, base), "objectClass": "group",
            "sAMAccountName": n, "groupType": str(-2147483646),
            "objectSid": security.dom_sid(sid).__ndr_pack__()},
           controls=["relax:0"])
PY

umask 077
awk '$1 == "alice" { print $2 }' "$USER_PASSWORDS_FILE" >"$work/alice.pw"
[ -s "$work/alice.pw" ] || fail "no password for alice in the bed"
echo "wrong-$(cat "$work/alice.pw")" >"$work/wrong.pw"
alice_sid=$(awk -F'\t' '$1 == "alice" { print $3 }' "$USERS_FILE")
[ -n "$alice_sid" ] || fail "alice not in $USERS_FILE"

# --- 1. GSSAPI bind with alice's password; rootDSE, domain, lookups.
probe --uri "$URI" --principal "alice@$AD_REALM" --password-file "$work/alice.pw" \
  info \
  name "PBX Admins" name "ADEX\\alice" name "alice@$AD_DOMAIN" name "$DLOCAL" \
  name "$DIST" name "PBX Local Ops" name "PBX Universal" name 'DC1$' \
  name no-such-account name 'bad*name' name "OTHER\\x*" \
  sid "$AD_DOMAIN_SID-1104" sid "$AD_DOMAIN_SID-99999" sid "$DUP_SID"
cat "$work/out"
[ "$rc" = 1 ] || fail "expected exit 1 (some lookups fail on purpose), got $rc"
expect '^bind kind=gssapi ssf=[1-9][0-9]* tls=no$'
ssf=$(sed -n 's/^bind kind=gssapi ssf=\([0-9]*\).*/\1/p' "$work/out")
[ "$ssf" -ge 1 ] || fail "negotiated SSF $ssf < 1"
expect "^rootdse default_nc=$AD_BASE_DN dns_host_name="
grep -qi "^rootdse .*dns_host_name=$AD_DC_HOST " "$work/out" || fail "dnsHostName is not $AD_DC_HOST"
expect '^rootdse .* domain_functionality=[0-9]+ forest_functionality=[0-9]+ dc_functionality=[0-9]+ '
expect '^rootdse .* sasl=.*GSSAPI'
skew=$(sed -n 's/^rootdse .* skew=\(-\{0,1\}[0-9]*\).*/\1/p' "$work/out")
if [ -z "$skew" ] || [ "${skew#-}" -gt 5 ]; then
  fail "currentTime missing or skew '$skew' s (same host: expected ~0)"
fi
expect "^domain sid=$AD_DOMAIN_SID netbios=$AD_NETBIOS dns=$AD_DOMAIN nc=$AD_BASE_DN\$"
expect "^object class=group sid=$AD_DOMAIN_SID-1103 sam=PBX Admins group_type=-2147483646 scope=global security=yes "
[ "$(grep -c "^object class=user sid=$alice_sid sam=alice dn=CN=alice," "$work/out")" = 2 ] \
  || fail "ADEX\\alice and alice@$AD_DOMAIN did not both resolve to $alice_sid"
expect "^object class=group sid=$AD_DOMAIN_SID-[0-9]+ sam=$DLOCAL group_type=-2147483644 scope=domain-local security=yes "
expect "^object class=group sid=$AD_DOMAIN_SID-[0-9]+ sam=$DIST group_type=2 scope=global security=no "
expect "^object class=group sid=$AD_DOMAIN_SID-1106 sam=PBX Local Ops .* scope=domain-local security=yes "
expect "^object class=group sid=$AD_DOMAIN_SID-1107 sam=PBX Universal .* scope=universal security=yes "
expect "^object class=computer sid=$AD_DOMAIN_SID-[0-9]+ sam=DC1\\\$ dn=CN=DC1,OU=Domain Controllers,"
expect '^error NOT_FOUND: account "no-such-account" not found under '
expect "^error MALFORMED: .*'\\*'"
[ "$(grep -c "^error MALFORMED" "$work/out")" = 2 ] || fail "bad names not refused before the search"
expect "^object class=group sid=$AD_DOMAIN_SID-1104 sam=PBX Viewers "
expect "^error NOT_FOUND: SID $AD_DOMAIN_SID-99999 not found"
expect "^error AMBIGUOUS: SID $DUP_SID matches more than one object"
echo "ok gssapi (password): rootDSE, domain, names, SIDs, scopes"

# SID -> object for the group made above: the SID round-trips.
dl_sid=$(sed -n "s/^object class=group sid=\(S-[0-9-]*\) sam=$DLOCAL .*/\1/p" "$work/out")
probe --uri "$URI" --principal "alice@$AD_REALM" --password-file "$work/alice.pw" sid "$dl_sid"
[ "$rc" = 0 ] || { cat "$work/out"; fail "SID lookup of $DLOCAL failed"; }
expect "^object class=group sid=$dl_sid sam=$DLOCAL .* scope=domain-local "
echo "ok SID -> object: $dl_sid is $DLOCAL"

# --- 2. the other credential sources: a FILE ccache, a keytab.
probe --uri "$URI" --ccache "FILE:$CCACHE_DIR/bob" name "PBX Viewers"
[ "$rc" = 0 ] || { cat "$work/out" "$work/err"; fail "bind with bob's ccache"; }
expect '^bind kind=gssapi ssf=[1-9]'
stool domain exportkeytab "$work/alice.keytab" --principal="alice@$AD_REALM" >/dev/null
probe --uri "$URI" --principal "alice@$AD_REALM" --keytab "FILE:$work/alice.keytab" name "PBX Admins"
[ "$rc" = 0 ] || { cat "$work/out" "$work/err"; fail "bind with a keytab"; }
expect '^bind kind=gssapi ssf=[1-9]'
echo "ok gssapi with a ccache and with a keytab"

# --- 3. refusals and failures of binding.
expect_bind_error AUTH "Kerberos login with a password failed" \
  --uri "$URI" --principal "alice@$AD_REALM" --password-file "$work/wrong.pw"
expect_bind_error INSECURE "refusing a simple bind \\(password\\) without TLS" \
  --uri "$URI" --simple-dn "alice@$AD_DOMAIN" --password-file "$work/alice.pw"
expect_bind_error INSECURE "AD refuses SASL signing inside TLS" \
  --uri "$LDAPS" --ca "$CA" --ccache "FILE:$CCACHE_DIR/bob"
expect_bind_error UNREACHABLE "cannot connect to $AD_DC_IP port 3999" \
  --uri "$URI:3999" --ccache "FILE:$CCACHE_DIR/bob"
# a server that accepts the connection and never answers (started without
# a subshell, so that $! is the server itself: testbed.sh execs into it)
"$TESTBED" exec "$bed" "$SYS_PY" -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("'"$AD_DC_IP"'", 3389)); s.listen(4); time.sleep(120)' </dev/null >/dev/null 2>&1 &
hang_pid=$!
for _ in $(seq 50); do in_bed ss -Hltn 'sport = :3389' | grep -q . && break; sleep 0.1; done
rc=0
in_bed "$probe" --address "$AD_DC_IP" --timeout 1500 --uri "$URI:3389" \
  --ccache "FILE:$CCACHE_DIR/bob" >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" = 2 ] || fail "silent server: exit $rc"
expect '^error TIMEOUT: '
echo "ok refused (TIMEOUT): $(head -1 "$work/out")"
kill "$hang_pid" 2>/dev/null || true
hang_pid=

# --- 4. LDAPS: a simple bind with the DC's certificate verified.
probe --uri "$LDAPS" --ca "$CA" --simple-dn "alice@$AD_DOMAIN" \
  --password-file "$work/alice.pw" name "PBX Admins"
[ "$rc" = 0 ] || { cat "$work/out" "$work/err"; fail "LDAPS simple bind"; }
expect '^bind kind=simple ssf=0 tls=yes$'
expect "^object class=group sid=$AD_DOMAIN_SID-1103 sam=PBX Admins "
echo "ok ldaps simple bind with the DC's CA"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=not the bed's CA" \
  -keyout "$work/other.key" -out "$work/other.pem" >/dev/null 2>&1
expect_bind_error INSECURE "TLS handshake" \
  --uri "$LDAPS" --ca "$work/other.pem" --simple-dn "alice@$AD_DOMAIN" --password-file "$work/alice.pw"
expect_bind_error INSECURE "TLS handshake" \
  --uri "ldaps://$AD_DC_IP" --ca "$CA" --simple-dn "alice@$AD_DOMAIN" --password-file "$work/alice.pw"
expect_bind_error INSECURE "ldaps needs a CA file" \
  --uri "$LDAPS" --simple-dn "alice@$AD_DOMAIN" --password-file "$work/alice.pw"

# The password files are untouched (the probe wipes only its own copy) and
# no secret reached the probe's output.
grep -qF "$(cat "$work/alice.pw")" "$work/all" && fail "a password was printed"
echo "PASS: test_ldap"
