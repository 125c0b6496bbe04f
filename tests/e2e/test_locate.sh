#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_locate.sh PLUGIN BED_DIR ADBRIDGE - MIT's own kinit and kvno with the locate
# plugin adbridge_locate.so installed, no `kdc =` line for AD.EXAMPLE.COM in
# krb5.conf and dns_lookup_kdc = false:
#   1. through the Samba AD DC's own DNS (its real SRV records): kinit
#      alice@AD.EXAMPLE.COM, kvno HTTP/device1.local.example (cross-realm);
#   2. a realm of the configuration with no records: kinit fails and the
#      KRB5_TRACE says that adbridge found nothing;
#   3. a hung KDC (reads UDP and TCP 88, never answers) listed first by a
#      dnsmasq in the bed's namespace: the first kinit pays one probe
#      timeout at most, the second kinit process skips it (< 1 s);
#   4. IPv6: a dnsmasq on [::1]:53 with AAAA-only targets and an MIT
#      krb5kdc for a throw-away realm on [::1]:88, in the bed's namespace:
#      MIT's kinit gets ::1 from the plugin and gets a ticket; `adbridge
#      discover --dns-server [::1]:53 --probe` sees it answer on UDP and TCP.
# The plugin is bind-mounted over MIT's plugin directory and resolv.conf
# over /etc/resolv.conf in a private mount namespace (unshare -m), so
# nothing outside this test sees either; all traffic stays inside the
# bed's network namespace (loopback only).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
plugin=$1 ADBRIDGE_BIN=$3
e2e_require
command -v dnsmasq >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
command -v dnsmasq >/dev/null 2>&1 || e2e_cannot_run "missing dnsmasq"
command -v unshare >/dev/null 2>&1 || e2e_cannot_run "missing unshare"
e2e_open "$2"
PLUGDIR=/usr/lib/x86_64-linux-gnu/krb5/plugins/libkrb5
[ -d "$PLUGDIR" ] || fail "MIT's plugin directory $PLUGDIR is missing"
trap 'for f in "$work"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done; rm -rf "$work"' EXIT

mkdir -p "$work/plugins" "$work/state"
cp "$plugin" "$work/plugins/"
pw=$(awk '$1 == "alice" { print $2 }' "$USER_PASSWORDS_FILE")
cat >"$work/adbridge.conf" <<CONF
[adbridge]
	local_realm = $LOCAL_REALM
	local_domain_sid = $LOCAL_DOMAIN_SID
[trusts]
	$AD_REALM = {
		netbios_name = $AD_NETBIOS
		domain_sid = $AD_DOMAIN_SID
	}
	NODNS.EXAMPLE.COM = {
		netbios_name = NODNS
		domain_sid = S-1-5-21-1-2-3
	}
CONF
# the bed's krb5.conf without AD's kdc/admin/kpasswd lines
sed -e "/^\t$AD_REALM = {/,/^\t}/d" "$KRB5_CONFIG" >"$work/krb5.conf"
grep -q "dns_lookup_kdc = false" "$work/krb5.conf" || fail "krb5.conf must keep dns_lookup_kdc = false"
! grep -q "kdc = $AD_DC_IP" "$work/krb5.conf" || fail "AD kdc line still there"

# run CMD in the bed's namespace with the plugin and resolv.conf $1
run() {
  local resolv=$1; shift
  unshare -m /bin/bash -c '
    mount --bind "$1" "$2" && mount --bind "$3" /etc/resolv.conf && ns=$4 &&
    shift 4 && exec ip netns exec "$ns" "$@"' _ "$work/plugins" "$PLUGDIR" \
    "$resolv" "$NETNS" "$@"
}
export KRB5_CONFIG=$work/krb5.conf ADBRIDGE_CONFIG=$work/adbridge.conf
export ADBRIDGE_STATE_DIR=$work/state
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

echo "-- 1. kinit + kvno through Samba's DNS"
echo "nameserver $AD_DC_IP" >"$work/resolv.samba"
export KRB5CCNAME=FILE:$work/cc1 KRB5_TRACE=$work/trace1
printf '%s\n' "$pw" | run "$work/resolv.samba" kinit "alice@$AD_REALM" >/dev/null ||
  { cat "$work/trace1"; fail "kinit alice through the plugin failed"; }
run "$work/resolv.samba" kvno "$DEVICE_PRINCIPAL" >/dev/null ||
  { cat "$work/trace1"; fail "kvno $DEVICE_PRINCIPAL failed"; }
grep "adbridge locate" "$work/trace1" | head -5
grep -q "adbridge locate: kdc of $AD_REALM: [1-9]" "$work/trace1" || fail "the plugin did not answer the kdc lookup"
grep -q "adbridge locate: pdc of $AD_REALM: [1-9]" "$work/trace1" || fail "the plugin did not answer the primary lookup"
grep -q "stream $AD_DC_IP:88\|dgram $AD_DC_IP:88" "$work/trace1" ||
  { grep -i "send\|stream\|dgram" "$work/trace1" | head; fail "nothing sent to the DC"; }

echo "-- 2. a configured realm with no DNS records: the trace says so"
export KRB5CCNAME=FILE:$work/cc2 KRB5_TRACE=$work/trace2
printf 'x\n' | run "$work/resolv.samba" kinit x@NODNS.EXAMPLE.COM >/dev/null 2>&1 &&
  fail "kinit into a realm without KDCs succeeded"
grep -q "adbridge locate: no kdc found for NODNS.EXAMPLE.COM" "$work/trace2" ||
  { cat "$work/trace2"; fail "no 'nothing found' trace"; }
grep "adbridge locate" "$work/trace2" | head -3

echo "-- 3. a hung KDC listed first"
HUNG=127.0.0.9 DNS=127.0.0.53
ip netns exec "$NETNS" ip addr add $HUNG/32 dev lo 2>/dev/null || true
ip netns exec "$NETNS" ip addr add $DNS/32 dev lo 2>/dev/null || true
cat >"$work/dnsmasq.conf" <<CONF
no-resolv
no-hosts
port=53
listen-address=$DNS
bind-interfaces
local-ttl=300
local=/$AD_DOMAIN/
srv-host=_kerberos._udp.$AD_DOMAIN,hung.$AD_DOMAIN,88,0,100
srv-host=_kerberos._udp.$AD_DOMAIN,$AD_DC_HOST,88,10,100
srv-host=_kerberos._tcp.$AD_DOMAIN,hung.$AD_DOMAIN,88,0,100
srv-host=_kerberos._tcp.$AD_DOMAIN,$AD_DC_HOST,88,10,100
srv-host=_ldap._tcp.pdc._msdcs.$AD_DOMAIN,$AD_DC_HOST,389,0,100
host-record=hung.$AD_DOMAIN,$HUNG
host-record=$AD_DC_HOST,$AD_DC_IP
CONF
ip netns exec "$NETNS" dnsmasq -C "$work/dnsmasq.conf" --pid-file="$work/dnsmasq.pid"
ip netns exec "$NETNS" /usr/bin/python3 "$E2E_HOME/dns_stub.py" blackhole $HUNG 88 "$work/hung.pid" &
for _ in $(seq 1 50); do
  ip netns exec "$NETNS" ss -Hlnt "src $HUNG and sport = :88" | grep -q . &&
    ip netns exec "$NETNS" ss -Hlnu "src $DNS and sport = :53" | grep -q . && break
  sleep 0.1
done
echo "nameserver $DNS" >"$work/resolv.hung"
for i in 1 2; do
  export KRB5CCNAME=FILE:$work/cc-hung$i KRB5_TRACE=$work/trace-hung$i
  t0=$(date +%s%N)
  printf '%s\n' "$pw" | run "$work/resolv.hung" kinit "alice@$AD_REALM" >/dev/null ||
    { cat "$KRB5_TRACE"; fail "kinit $i with a hung first KDC failed"; }
  ms=$(ms_since "$t0")
  echo "kinit $i: $ms ms"
  grep "adbridge locate" "$KRB5_TRACE" | head -4
  eval "ms$i=$ms"
done
grep -q "$HUNG:88 .* did not answer" "$work/trace-hung1" || fail "kinit 1 did not find the hung KDC"
grep -q "^down $HUNG " "$work/state/failover.0" || fail "the hung KDC is not in the failover file"
! grep -q "stream $HUNG:88\|dgram $HUNG:88" "$work/trace-hung2" ||
  { grep "$HUNG" "$work/trace-hung2"; fail "kinit 2 sent to the hung KDC"; }
[ "$ms1" -lt 4000 ] || fail "kinit 1 took $ms1 ms (one 1 s probe expected)"
[ "$ms2" -lt 1000 ] || fail "kinit 2 took $ms2 ms: it did not skip the hung KDC"
echo "-- 4. IPv6: a DNS server on [::1]:53 with AAAA-only targets and an MIT KDC on [::1]:88"
# A throw-away realm V6.TEST (a trust in adbridge.conf, so the plugin
# answers for it): its krb5kdc listens on ::1 only, the dnsmasq on ::1
# gives AAAA records only; MIT gets ::1 from the plugin and kinit works.
ip netns exec "$NETNS" ip -6 addr show dev lo | grep -q "::1/128" ||
  fail "no ::1 in the bed's namespace"
R6=V6.TEST D6=v6.test
mkdir -p "$work/v6db"
cat >"$work/kdc6.conf" <<C
[kdcdefaults]
	kdc_listen = [::1]:88
	kdc_tcp_listen = [::1]:88
[realms]
	$R6 = {
		database_name = $work/v6db/principal
		key_stash_file = $work/v6db/stash
		acl_file = $work/v6db/acl
	}
[logging]
	kdc = FILE:$work/kdc6.log
C
: >"$work/v6db/acl"
mpw6=$(tr -dc A-Za-z0-9 </dev/urandom | head -c 20 || true)
upw6=$(tr -dc A-Za-z0-9 </dev/urandom | head -c 20 || true)
KRB5_KDC_PROFILE=$work/kdc6.conf kdb5_util -r $R6 create -s -P "$mpw6" >/dev/null 2>&1 ||
  fail "kdb5_util create $R6"
printf 'addprinc -pw %s user6\n' "$upw6" | KRB5_KDC_PROFILE=$work/kdc6.conf kadmin.local -r $R6 >/dev/null 2>&1 ||
  fail "addprinc user6"
KRB5_KDC_PROFILE=$work/kdc6.conf ip netns exec "$NETNS" krb5kdc -r $R6 -P "$work/krb5kdc6.pid" ||
  fail "krb5kdc for $R6 on ::1 did not start"
cat >"$work/dnsmasq6.conf" <<CONF
no-resolv
no-hosts
port=53
listen-address=::1
bind-interfaces
local-ttl=300
local=/$D6/
srv-host=_kerberos._udp.$D6,kdc6.$D6,88,0,100
srv-host=_kerberos._tcp.$D6,kdc6.$D6,88,0,100
srv-host=_ldap._tcp.pdc._msdcs.$D6,kdc6.$D6,389,0,100
host-record=kdc6.$D6,::1
CONF
ip netns exec "$NETNS" dnsmasq -C "$work/dnsmasq6.conf" --pid-file="$work/dnsmasq6.pid"
for _ in $(seq 1 50); do
  ip netns exec "$NETNS" ss -Hlnu "src [::1] and sport = :88" | grep -q . &&
    ip netns exec "$NETNS" ss -Hlnt "src [::1] and sport = :88" | grep -q . &&
    ip netns exec "$NETNS" ss -Hlnu "src [::1] and sport = :53" | grep -q . && break
  sleep 0.1
done
printf '\t%s = {\n\t\tnetbios_name = V6\n\t\tdomain_sid = S-1-5-21-7-8-9\n\t}\n' $R6 >>"$work/adbridge.conf"
echo "nameserver ::1" >"$work/resolv.v6"
export KRB5CCNAME=FILE:$work/cc6 KRB5_TRACE=$work/trace6
printf '%s\n' "$upw6" | run "$work/resolv.v6" kinit "user6@$R6" >/dev/null ||
  { cat "$work/trace6"; cat "$work/kdc6.log"; fail "kinit user6@$R6 over IPv6 failed"; }
grep "adbridge locate\|::1" "$work/trace6" | head -6
grep -q "adbridge locate: kdc of $R6: [1-9]" "$work/trace6" || fail "the plugin did not answer for $R6"
grep -Eq "(dgram|stream) \[?::1\]?:88" "$work/trace6" || fail "MIT did not send to ::1"
grep -q "AS_REQ .*user6@$R6" "$work/kdc6.log" || fail "the IPv6 KDC saw no AS-REQ"
# the CLI over IPv6: the DNS server as [::1]:53, AAAA targets, both transports probed
ip netns exec "$NETNS" "$ADBRIDGE_BIN" discover $R6 --dns-server "[::1]:53" --probe --json \
  >"$work/v6.json" || { cat "$work/v6.json"; fail "discover over IPv6"; }
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
a = [(x["address"], x["transport"], x["probe"]["answered"]) for x in d["addresses"]]
assert ("[::1]:88", "udp", True) in a and ("[::1]:88", "tcp", True) in a, a
assert any(q["type"] == "AAAA" and q["status"] == "NOERROR" for q in d["queries"]) or \
       all(x["address"].startswith("[") for x in d["addresses"]), d["queries"]
' "$work/v6.json" || fail "discover over IPv6: $(cat "$work/v6.json")"
echo "PASS: kinit/kvno through the locate plugin; hung KDC skipped by the second process; IPv6 DNS and KDC"
