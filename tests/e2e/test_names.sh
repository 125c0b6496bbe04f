#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/test_names.sh ADBRIDGE GSS_PROBE BED_DIR
# `adbridge map add REALM NAME RIGHTS` against the real Samba AD DC's LDAP
# (SASL/GSSAPI, signed) of fixture adbed_bridge, with the KDC module
# reading the file that map add writes:
#   - each name form (NETBIOS\name, name@REALM, bare name, a user) resolves
#     to the right objectSid, stored as sid:/user: below `# ADEX\name`, and
#     the users then get the expected rights at the KDC (gss probe);
#   - a domain-local group, a distribution group, an unknown name, a name of
#     another domain and a name with a forbidden character are refused with
#     their reason, and the file is unchanged byte for byte;
#   - credentials from the trust's ldap_principal + ldap_keytab;
#   - a group renamed in AD after mapping is reported by map list --check
#     (and the grant still works: it is by SID); a deleted group and a
#     group whose type changed are reported too.
# Groups and the ldap/ SPN the test adds are removed by the trap.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
adbridge=$1 probe=$2 bed=$3
e2e_use_bed "$bed"
work=$(mktemp -d)
chmod 755 "$work"
conf=$bed/adbridge.conf kdclog=$bed/log/krb5kdc.log audit=$bed/audit.jsonl
DLOCAL=names-e2e-dlocal DIST=names-e2e-dist REN=names-e2e-ren REN2=names-e2e-renamed
GONE=names-e2e-gone TYPE=names-e2e-type LDAPU=names-e2e-ldap
spn_added=0
stool() { "$TESTBED" exec "$bed" samba-tool "$@" -H "$AD_SAM_LDB"; }
cleanup() {
  set +e
  cp -f "$work/conf.orig" "$conf" 2>/dev/null
  [ -e "$work/bak.existed" ] || rm -f "$conf.bak"
  for g in "$DLOCAL" "$DIST" "$REN" "$REN2" "$GONE" "$TYPE"; do
    stool group delete "$g" >/dev/null 2>&1
  done
  stool user delete "$LDAPU" >/dev/null 2>&1
  [ "$spn_added" = 1 ] && "$TESTBED" exec "$bed" samba-tool spn delete "ldap/$AD_DC_HOST" 'DC1$' -s "$AD_SMB_CONF" >/dev/null 2>&1
  sleep 1.1
  rm -rf "$work"
}
trap cleanup EXIT
cp "$conf" "$work/conf.orig"
[ ! -e "$conf.bak" ] || touch "$work/bak.existed"
. "$E2E_HOME/bridge_lib.sh"

# As every Windows DC, the DC must have ldap/<its name> (the bed's Samba
# registers it only through samba_spnupdate, which is off there).
if ! "$TESTBED" exec "$bed" samba-tool spn list 'DC1$' -s "$AD_SMB_CONF" 2>/dev/null | grep -qi "ldap/$AD_DC_HOST\$"; then
  "$TESTBED" exec "$bed" samba-tool spn add "ldap/$AD_DC_HOST" 'DC1$' -s "$AD_SMB_CONF" >/dev/null
  spn_added=1
fi
for g in "$DLOCAL" "$DIST" "$REN" "$REN2" "$GONE" "$TYPE"; do stool group delete "$g" >/dev/null 2>&1 || true; done
stool user delete "$LDAPU" >/dev/null 2>&1 || true
stool group add "$DLOCAL" --group-scope=Domain --group-type=Security >/dev/null
stool group add "$DIST" --group-type=Distribution >/dev/null
stool group add "$REN" >/dev/null
stool group add "$GONE" >/dev/null
stool group add "$TYPE" >/dev/null
stool group addmembers "$REN" carol >/dev/null

umask 077
pw_of alice >"$work/alice.pw"
AD=(--ad-user "alice@$AD_REALM" --ad-password-file "$work/alice.pw" --dns-server "$AD_DC_IP")
sid_of() { awk -F'\t' -v u="$1" '$1 == u { print $3 }' "$USERS_FILE"; }
# adb ARGS: adbridge on the bed's config in the namespace; $out, $err, $rc
adb() {
  rc=0
  tb "$adbridge" --config "$conf" "$@" >"$work/out" 2>"$work/err" || rc=$?
}

# The KDC's file without map lines: map add writes every mapping.
grep -v '^[[:space:]]*map = ' "$work/conf.orig" >"$conf"
settle

echo "== map add by each name form"
declare -A want
add_ok() {  # add_ok NAME RIGHTS IDENTITY COMMENT
  adb map add "$AD_REALM" "$1" "$2" "${AD[@]}"
  [ "$rc" = 0 ] || { cat "$work/out" "$work/err"; fail "map add '$1' failed"; }
  grep -qxF "        # $4" "$conf" || { cat "$conf"; fail "no comment '# $4' for '$1'"; }
  grep -A1 -xF "        # $4" "$conf" | grep -qxF "        map = $3 $2" \
    || { cat "$conf"; fail "'$1' not stored as 'map = $3 $2' below its comment"; }
  echo "  ok: '$1' -> map = $3 $2  (# $4)"
}
add_ok "$AD_NETBIOS\\PBX Admins" admin "sid:$AD_DOMAIN_SID-1103" "$AD_NETBIOS\\PBX Admins"
add_ok "PBX Viewers@$AD_REALM" viewer "sid:$AD_DOMAIN_SID-1104" "$AD_NETBIOS\\PBX Viewers"
add_ok "pbx universal" join "sid:$AD_DOMAIN_SID-1107" "$AD_NETBIOS\\PBX Universal"
add_ok "$AD_NETBIOS\\carol" viewer "user:$(sid_of carol)" "$AD_NETBIOS\\carol"
tb "$adbridge" --config "$conf" config check >/dev/null || fail "the file map add wrote does not pass config check"
settle

echo "== the KDC grants by the stored SIDs"
expect_ok alice; has "auth-indicator: adbridge-admin" alice
expect_ok dave;  has "auth-indicator: adbridge-admin" dave   # nested in PBX Admins
expect_ok bob;   has "auth-indicator: adbridge-viewer" bob; has "auth-indicator: adbridge-join" bob
expect_ok carol; has "auth-indicator: adbridge-viewer" carol; hasnt "auth-indicator: adbridge-admin" carol
expect_ok erin;  has "auth-indicator: adbridge-viewer" erin; hasnt "auth-indicator: adbridge-join" erin

echo "== refusals leave the file unchanged"
refuse() {  # refuse NAME PATTERN
  cp "$conf" "$work/before"
  adb map add "$AD_REALM" "$1" admin "${AD[@]}"
  [ "$rc" = 1 ] || { cat "$work/out" "$work/err"; fail "map add '$1': exit $rc, expected 1"; }
  [ ! -s "$work/out" ] || { cat "$work/out"; fail "map add '$1' printed on stdout"; }
  grep -Eq -- "$2" "$work/err" || { cat "$work/err"; fail "map add '$1': no reason matching /$2/"; }
  cmp -s "$conf" "$work/before" || { diff "$work/before" "$conf"; fail "map add '$1' changed the file"; }
  echo "  refused '$1': $(head -1 "$work/err")"
}
refuse "$AD_NETBIOS\\$DLOCAL" "domain-local-group.*MS-KILE 3\\.3\\.5\\.7\\.3.*global or universal group"
refuse "PBX Local Ops" "domain-local-group.*MS-KILE"
refuse "$DIST" "distribution-group.*security group"
refuse "$AD_NETBIOS\\no-such-group" "no account named \"no-such-group\""
refuse "OTHER\\PBX Admins" "outside the trusted domain"
refuse "PBX Admins@OTHER.EXAMPLE.COM" "outside the trusted domain"
refuse "bad*name" "not an AD account name: .*'\\*'"
refuse "$AD_NETBIOS\\a;b" "not an AD account name: .*';'"
refuse "PBX Admins" "already maps"
# a wrong password: no bind, nothing written
echo wrong >"$work/wrong.pw"
cp "$conf" "$work/before"
adb map add "$AD_REALM" "$REN" join --ad-user "alice@$AD_REALM" --ad-password-file "$work/wrong.pw" --dns-server "$AD_DC_IP"
[ "$rc" = 1 ] && cmp -s "$conf" "$work/before" || { cat "$work/err"; fail "wrong password: exit $rc or file changed"; }
echo "  refused (wrong password): $(head -1 "$work/err")"

echo "== credentials from the trust's ldap_principal + ldap_keytab"
stool user add "$LDAPU" "Ldap-$(od -An -N6 -tx1 /dev/urandom | tr -d ' ')A1" >/dev/null
"$TESTBED" exec "$bed" samba-tool domain exportkeytab "$work/ldap.keytab" --principal="$LDAPU@$AD_REALM" -s "$AD_SMB_CONF" >/dev/null 2>&1
chmod 600 "$work/ldap.keytab"
sed -i "s|^\\(        netbios_name = .*\\)\$|\\1\\n        ldap_principal = $LDAPU@$AD_REALM\\n        ldap_keytab = $work/ldap.keytab|" "$conf"
adb map add "$AD_REALM" "$AD_NETBIOS\\$REN" join --dns-server "$AD_DC_IP" --comment "carol's team"
[ "$rc" = 0 ] || { cat "$work/out" "$work/err"; fail "map add with ldap_keytab failed"; }
ren_sid=$(grep -A1 -xF "        # $AD_NETBIOS\\$REN: carol's team" "$conf" | sed -n 's/^        map = sid:\(S-[-0-9]*\) join$/\1/p')
[ -n "$ren_sid" ] || { cat "$conf"; fail "no '# $AD_NETBIOS\\$REN: carol's team' comment above a join map line"; }
grep -A1 -xF "        # $AD_NETBIOS\\$REN: carol's team" "$conf" | grep -qxF "        map = sid:$ren_sid join" \
  || { cat "$conf"; fail "no '# $AD_NETBIOS\\$REN: carol's team' comment above its map line"; }
echo "  ok: keytab bind; $REN -> $ren_sid"
adb map add "$AD_REALM" "$GONE" viewer --dns-server "$AD_DC_IP"
[ "$rc" = 0 ] || { cat "$work/err"; fail "map add $GONE"; }
adb map add "$AD_REALM" "$TYPE" viewer --dns-server "$AD_DC_IP"
[ "$rc" = 0 ] || { cat "$work/err"; fail "map add $TYPE"; }

echo "== map list --check: all current"
adb map list "$AD_REALM" --check --dns-server "$AD_DC_IP"
[ "$rc" = 0 ] || { cat "$work/out" "$work/err"; fail "map list --check on a current file: exit $rc"; }
sed 's/^/  /' "$work/out"

echo "== renamed, deleted and type-changed groups"
stool group rename "$REN" --samaccountname="$REN2" >/dev/null
stool group delete "$GONE" >/dev/null
# global -> universal: still mappable; then universal -> domain-local
"$TESTBED" exec "$bed" "$SYS_PY" - "$AD_SAM_LDB" "$AD_SMB_CONF" "$AD_BASE_DN" "$TYPE" <<'PY'
import sys, ldb
from samba import param
from samba.auth import system_session
from samba.samdb import SamDB
url, conf, base, name = sys.argv[1:5]
lp = param.LoadParm(); lp.load(conf)
db = SamDB(url=url, session_info=system_session(), lp=lp)
dn = db.search(base=base, expression="(sAMAccountName=%s)" % name, attrs=[])[0].dn
for gt in (-2147483640, -2147483644):   # universal, then domain-local
    m = ldb.Message(); m.dn = dn
    m["groupType"] = ldb.MessageElement(str(gt), ldb.FLAG_MOD_REPLACE, "groupType")
    db.modify(m)
PY
adb map list "$AD_REALM" --check --json --dns-server "$AD_DC_IP"
[ "$rc" = 1 ] || { cat "$work/out" "$work/err"; fail "map list --check with findings: exit $rc, expected 1"; }
$SYS_PY - "$work/out" "$AD_NETBIOS" "$REN" "$REN2" "$GONE" "$TYPE" <<'PY' || { cat "$work/out"; fail "map list --check did not report the changes"; }
import json, sys
doc = json.load(open(sys.argv[1]))
nb, ren, ren2, gone, typ = sys.argv[2:7]
by = {m["comment"].split(":")[0]: m["check"] for m in doc["mappings"] if m["comment"]}
assert by[nb + "\\" + ren]["status"] == "renamed", by
assert by[nb + "\\" + ren]["name"] == nb + "\\" + ren2, by
assert by[nb + "\\" + gone]["status"] == "deleted", by
assert by[nb + "\\" + typ]["status"] == "type-changed", by
assert "domain-local" in by[nb + "\\" + typ]["detail"], by
for k in ("PBX Admins", "PBX Viewers", "PBX Universal", "carol"):
    assert by[nb + "\\" + k]["status"] == "ok", (k, by)
assert doc["findings"] == 3, doc["findings"]
for k, v in sorted(by.items()):
    print("  %-28s %s %s" % (k, v["status"], v["detail"] or ""))
PY
adb map list "$AD_REALM" --check --dns-server "$AD_DC_IP"
grep -q "renamed: stored as $AD_NETBIOS\\\\$REN, now named $AD_NETBIOS\\\\$REN2" "$work/out" || { cat "$work/out"; fail "text output: no rename line"; }

echo "== the renamed group still grants (by SID)"
expect_ok carol; has "auth-indicator: adbridge-join" carol; has "auth-indicator: adbridge-viewer" carol

echo "PASS: map add by name and map list --check against Samba AD"
