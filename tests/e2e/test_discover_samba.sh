#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_discover_samba.sh ADBRIDGE BED_DIR - `adbridge discover` against the
# Samba AD DC's own DNS (127.0.0.2 in the bed's namespace): its real
# records for kdc, kpasswd, pdc, ldap and gc; site records added with
# `samba-tool dns add` (and removed again) come first; without a site the
# LDAP ping to the real DC gives it (and a subnet in a new site, made with
# `samba-tool sites`, moves this host there); --probe gets a
# KRB-ERROR from the real KDC over UDP and TCP with a clock offset.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
adb=$1
e2e_require
e2e_open "$2"
SITE=AdbTestSite
admpw=$(cat "$ADMIN_PASSWORD_FILE")
sdns() {  # samba-tool dns add|delete ZONE NAME TYPE DATA
  PASSWD=$admpw ip netns exec "$NETNS" samba-tool dns "$1" "$AD_DC_IP" "$2" \
    "$3" "$4" "$5" -U Administrator -s "$AD_SMB_CONF" >/dev/null
}
PSITE=AdbPingSite
stool() { ip netns exec "$NETNS" samba-tool "$@" -s "$AD_SMB_CONF" >/dev/null; }
trap 'stool sites subnet remove 127.0.0.0/8 2>/dev/null || true
      stool sites remove $PSITE 2>/dev/null || true
      sdns delete _msdcs.$AD_DOMAIN _kerberos._tcp.$PSITE._sites.dc SRV "$AD_DC_HOST 88 0 100" 2>/dev/null || true
      sdns delete $AD_DOMAIN _kerberos._tcp.$SITE._sites SRV "$AD_DC_HOST 88 0 100" 2>/dev/null || true
      sdns delete _msdcs.$AD_DOMAIN _ldap._tcp.$SITE._sites.dc SRV "$AD_DC_HOST 389 0 100" 2>/dev/null || true
      rm -rf "$work"' EXIT
# a previous run killed before its trap ran
sdns delete "$AD_DOMAIN" _kerberos._tcp.$SITE._sites SRV "$AD_DC_HOST 88 0 100" 2>/dev/null || true
printf '[adbridge]\n\tlocal_realm = %s\n\tlocal_domain_sid = %s\n' "$LOCAL_REALM" \
  "$LOCAL_DOMAIN_SID" >"$work/adbridge.conf"
export ADBRIDGE_CONFIG=$work/adbridge.conf ADBRIDGE_STATE_DIR=$work
D=(--dns-server "$AD_DC_IP")
x() { ip netns exec "$NETNS" env ADBRIDGE_CONFIG="$ADBRIDGE_CONFIG" \
        ADBRIDGE_STATE_DIR="$ADBRIDGE_STATE_DIR" KRB5_CONFIG="$KRB5_CONFIG" "$adb" "$@"; }
j() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

for svc in kdc kpasswd pdc ldap gc; do
  x discover "$AD_REALM" --service $svc "${D[@]}" --json >"$work/$svc.json" ||
    fail "discover --service $svc failed: $(cat "$work/$svc.json")"
  j 'a=d["addresses"]; assert a and all(e["address"].startswith("'"$AD_DC_IP"':") for e in a), a
print("'$svc': %d SRV records, first address %s/%s" % (len(d["srv"]), a[0]["address"], a[0]["transport"]))' \
    <"$work/$svc.json" || fail "$svc: unexpected addresses"
done
j 'p={a["port"] for a in d["addresses"]}; assert p=={464}, p' <"$work/kpasswd.json" || fail "kpasswd port"
j 'p={a["port"] for a in d["addresses"]}; assert p=={88}, p' <"$work/pdc.json" || fail "pdc port (88 from the PDC record)"
j 'p={a["port"] for a in d["addresses"]}; assert p=={3268}, p' <"$work/gc.json" || fail "gc port"

echo "-- site records (samba-tool dns add) come first"
sdns add $AD_DOMAIN _kerberos._tcp.$SITE._sites SRV "$AD_DC_HOST 88 0 100"
sdns add _msdcs.$AD_DOMAIN _ldap._tcp.$SITE._sites.dc SRV "$AD_DC_HOST 389 0 100"
x discover "$AD_REALM" --site $SITE "${D[@]}" >"$work/site.txt"
cat "$work/site.txt"
x discover "$AD_REALM" --site $SITE "${D[@]}" --json | j '
assert d["srv"][0]["owner"].lower()=="_kerberos._tcp.'$SITE'._sites.'$AD_DOMAIN'".lower(), d["srv"][0]
assert d["addresses"][0]["tier"]=="site", d["addresses"][0]' || fail "site records not first"
x discover "$AD_REALM" --service ldap --site $SITE "${D[@]}" --json | j '
assert d["addresses"][0]["tier"]=="site", d["addresses"]' || fail "ldap site record not first"

echo "-- no site given: the LDAP ping (CLDAP, UDP 389) to the real DC names it"
x discover "$AD_REALM" "${D[@]}" >"$work/ping.txt"
head -3 "$work/ping.txt"
x discover "$AD_REALM" "${D[@]}" --json | j '
p=d["ldap_ping"]; assert p["ok"] and p["dc"].lower()=="'$AD_DC_HOST'".lower(), p
assert p["dc_site"]=="Default-First-Site-Name" and p["client_site"]=="Default-First-Site-Name", p
assert p["netbios_domain"]=="'$AD_NETBIOS'" and p["forest"].lower()=="'$AD_DOMAIN'".lower(), p
assert d["site"]=="Default-First-Site-Name" and d["site_source"]=="ldap-ping", d["site"]
o=d["srv"][0]["owner"].lower()
assert o=="_kerberos._tcp.default-first-site-name._sites.dc._msdcs.'$AD_DOMAIN'".lower(), o   # Samba registers it
assert d["addresses"][0]["tier"]=="site", d["addresses"][0]' || fail "LDAP ping site discovery"

echo "-- a subnet of this host in another site: the ping gives the client's site, its records come first"
stool sites create $PSITE
stool sites subnet create 127.0.0.0/8 $PSITE
sdns add _msdcs.$AD_DOMAIN _kerberos._tcp.$PSITE._sites.dc SRV "$AD_DC_HOST 88 0 100"
x discover "$AD_REALM" "${D[@]}" --json >"$work/ping2.json"
j 'p=d["ldap_ping"]; assert p["client_site"]=="'$PSITE'" and p["dc_site"]=="Default-First-Site-Name", p
assert d["site"]=="'$PSITE'" and d["site_source"]=="ldap-ping", d
q=d["queries"][0]; assert q["name"].lower()=="_kerberos._tcp.'$PSITE'._sites.dc._msdcs.'$AD_DOMAIN'".lower() and q["status"]=="NOERROR", q
assert d["srv"][0]["owner"].lower()==q["name"].lower() and d["addresses"][0]["tier"]=="site", d["srv"]' <"$work/ping2.json" ||
  fail "client site from the ping: $(cat "$work/ping2.json")"
x discover "$AD_REALM" --site $SITE "${D[@]}" --json | j '
assert d["site"]=="'$SITE'" and d["site_source"]=="option" and "ldap_ping" not in d, d' ||
  fail "--site must win over the ping"
stool sites subnet remove 127.0.0.0/8
stool sites remove $PSITE

echo "-- --probe: the real KDC answers on UDP and TCP 88 with its clock"
x discover "$AD_REALM" "${D[@]}" --probe >"$work/probe.txt" || { cat "$work/probe.txt"; fail "probe failed"; }
cat "$work/probe.txt"
[ "$(grep -c 'probe: answered in .* clock offset' "$work/probe.txt")" -ge 2 ] || fail "no clock offset from the KDC"
x discover "$AD_REALM" "${D[@]}" --probe --json | j '
for a in d["addresses"]:
    p=a["probe"]; assert p["answered"] and abs(p["clock_offset_ms"]) < 5000 and not p["skew_exceeded"], a
assert {a["transport"] for a in d["addresses"]} == {"udp","tcp"}' || fail "probe JSON"
echo "PASS: discover against Samba AD's DNS"
