#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_discover_dns.sh ADBRIDGE - `adbridge discover` against real DNS
# servers on loopback: dnsmasq serving crafted record sets (priorities and
# weights, a "." target, a CNAME target, an answer too large for UDP, site
# records, NXDOMAIN, MIT's krb5srv URI records), a server that answers SERVFAIL, one that never
# answers, and a hung KDC that --probe finds and failover memory demotes.
# Everything listens on 127.0.13.0/24; nothing is sent anywhere else.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
adb=$1
[ "$(id -u)" = 0 ] || e2e_cannot_run "needs root"
command -v dnsmasq >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
command -v dnsmasq >/dev/null 2>&1 || e2e_cannot_run "missing dnsmasq (scripts/install-deps.sh)"

work=$(mktemp -d)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for f in "$work"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

DNS=127.0.13.1 PORT=5313
# uri PRIO WEIGHT VALUE: a URI record's RDATA (RFC 7553) in hex, for dnsmasq's dns-rr
uri() { /usr/bin/python3 -c 'import struct,sys; print((struct.pack(">HH", int(sys.argv[1]), int(sys.argv[2])) + sys.argv[3].encode()).hex())' "$@"; }
big=""
for i in $(seq 1 40); do
  big+="srv-host=_kerberos._tcp.big.test,kdc$i.big.test,88,0,10"$'\n'
  big+="host-record=kdc$i.big.test,127.0.13.$((100 + i))"$'\n'
done
cat >"$work/dnsmasq.conf" <<CONF
no-resolv
no-hosts
no-daemon
port=$PORT
listen-address=$DNS
bind-interfaces
local-ttl=300
local=/ad.test/
local=/big.test/
local=/dot.test/
local=/uri.test/
local=/kkdcp.test/
dns-rr=_kerberos.uri.test,256,$(uri 0 10 krb5srv:m:udp:kdc2.uri.test)
dns-rr=_kerberos.uri.test,256,$(uri 0 10 krb5srv::tcp:kdc2.uri.test:8888)
dns-rr=_kerberos.uri.test,256,$(uri 1 10 krb5srv::kkdcp:https://proxy.uri.test/KdcProxy)
dns-rr=_kerberos.uri.test,256,$(uri 2 10 krb5srv::udp:127.0.13.13)
srv-host=_kerberos._udp.uri.test,kdc9.uri.test,88,0,100
srv-host=_kerberos._tcp.uri.test,kdc9.uri.test,88,0,100
host-record=kdc2.uri.test,127.0.13.12
host-record=kdc9.uri.test,127.0.13.19
dns-rr=_kerberos.kkdcp.test,256,$(uri 0 0 krb5srv::kkdcp:https://proxy.kkdcp.test/)
srv-host=_kerberos._udp.kkdcp.test,kdc9.kkdcp.test,88,0,100
host-record=kdc9.kkdcp.test,127.0.13.19
srv-host=_kerberos._udp.ad.test,kdc1.ad.test,88,0,100
srv-host=_kerberos._udp.ad.test,kdc2.ad.test,88,0,50
srv-host=_kerberos._udp.ad.test,kdc3.ad.test,88,10,0
srv-host=_kerberos._tcp.ad.test,kdc1.ad.test,88,0,100
srv-host=_kerberos._tcp.S1._sites.ad.test,kdc3.ad.test,88,0,100
srv-host=_kerberos._tcp.dc._msdcs.ad.test,alias.ad.test,88,0,100
srv-host=_ldap._tcp.pdc._msdcs.ad.test,kdc2.ad.test,389,0,100
srv-host=_kpasswd._udp.ad.test,kdc1.ad.test,464,0,100
srv-host=_kerberos._udp.dot.test,.,0,0,0
host-record=kdc1.ad.test,127.0.13.11
host-record=kdc2.ad.test,127.0.13.12
host-record=kdc3.ad.test,127.0.13.13
host-record=real.ad.test,127.0.13.14
cname=alias.ad.test,real.ad.test
$big
CONF
dnsmasq -C "$work/dnsmasq.conf" --pid-file="$work/dnsmasq.pid" >"$work/dnsmasq.log" 2>&1 &
pids+=($!)
/usr/bin/python3 "$E2E_HOME/dns_stub.py" servfail 127.0.13.2 $PORT "$work/servfail.pid" &
pids+=($!)
/usr/bin/python3 "$E2E_HOME/dns_stub.py" blackhole 127.0.13.3 $PORT "$work/blackhole.pid" &
pids+=($!)
# the hung KDC: kdc1's address, UDP and TCP 88, reads and never replies
/usr/bin/python3 "$E2E_HOME/dns_stub.py" blackhole 127.0.13.11 88 "$work/hung.pid" &
pids+=($!)
# the live ones answer anything (a probe only asks "does it answer?")
for ip in 127.0.13.12 127.0.13.13 127.0.13.14; do
  /usr/bin/python3 "$E2E_HOME/dns_stub.py" echo $ip 88 "$work/echo-$ip.pid" &
  pids+=($!)
done
for _ in $(seq 1 50); do
  ss -Hlnu "src $DNS and sport = :$PORT" | grep -q . &&
    ss -Hlnt "src 127.0.13.11 and sport = :88" | grep -q . &&
    ss -Hlnu "src 127.0.13.3 and sport = :$PORT" | grep -q . && break
  sleep 0.1
done
export ADBRIDGE_STATE_DIR=$work/state ADBRIDGE_CONFIG=$work/adbridge.conf
printf '[adbridge]\n\tlocal_realm = LOCAL.TEST\n\tlocal_domain_sid = S-1-5-21-1111111111-2222222222-3333333333\n' >"$ADBRIDGE_CONFIG"
mkdir -p "$ADBRIDGE_STATE_DIR"
D=(--dns-server $DNS:$PORT)
j() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

echo "-- priorities, weights, CNAME target, glue"
"$adb" discover AD.TEST "${D[@]}" >"$work/out.txt"
cat "$work/out.txt"
"$adb" discover AD.TEST "${D[@]}" --json >"$work/out.json"
j 'a=[x["address"]+"/"+x["transport"] for x in d["addresses"]]
assert a[-1] == "127.0.13.14:88/tcp" or "127.0.13.14:88/tcp" in a, a
udp=[x["address"] for x in d["addresses"] if x["transport"]=="udp"]
assert set(udp[:2]) == {"127.0.13.11:88","127.0.13.12:88"}, udp   # priority 0 first
assert udp[2] == "127.0.13.13:88", udp                             # then priority 10
assert "127.0.13.14:88" in udp, udp                                # CNAME target (msdcs)
srv=[(s["priority"],s["weight"],s["port"],s["target"]) for s in d["srv"]]
assert (10,0,88,"kdc3.ad.test") in srv and (0,100,88,"alias.ad.test") in srv, srv
assert all(s["ttl"] == 300 for s in d["srv"]), d["srv"]
' <"$work/out.json" || fail "priority/CNAME order wrong: $(cat "$work/out.json")"

echo "-- weighted draw over 300 processes: kdc1 (100) before kdc2 (50) ~2/3"
n1=0
for _ in $(seq 1 300); do
  first=$("$adb" discover AD.TEST "${D[@]}" --json | j 'print([x["address"] for x in d["addresses"] if x["transport"]=="udp"][0])')
  [ "$first" = 127.0.13.11:88 ] && n1=$((n1 + 1))
done
echo "kdc1 first in $n1 of 300 (expected 200; accepted 170-230, 3.7 sigma)"
[ "$n1" -ge 170 ] && [ "$n1" -le 230 ] || fail "weighted selection off: $n1/300"

echo "-- site records first"
"$adb" discover AD.TEST --site S1 "${D[@]}" --json | j '
a=d["addresses"]; assert a[0]["address"]=="127.0.13.13:88" and a[0]["tier"]=="site", a[0]' ||
  fail "site record not first"

echo "-- pdc from _ldap._tcp.pdc._msdcs with port 88; kpasswd"
"$adb" discover AD.TEST --service pdc "${D[@]}" --json | j '
a=d["addresses"]; assert a[0]["address"]=="127.0.13.12:88", a' || fail "pdc lookup"
"$adb" discover AD.TEST --service kpasswd "${D[@]}" --json | j '
assert d["addresses"][0]["address"]=="127.0.13.11:464", d["addresses"]' || fail "kpasswd lookup"

echo "-- an answer too large for UDP: TC over UDP, all 40 records over TCP"
/usr/bin/python3 - "$DNS" "$PORT" <<'PY' || fail "the UDP answer was expected truncated"
import socket, struct, sys
q = struct.pack("!HHHHHH", 7, 0x0100, 1, 0, 0, 0)
for l in b"_kerberos._tcp.big.test".split(b"."):
    q += bytes([len(l)]) + l
q += b"\0" + struct.pack("!HH", 33, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(q, (sys.argv[1], int(sys.argv[2])))
a = s.recv(65535)
tc = bool(struct.unpack("!H", a[2:4])[0] & 0x0200)
print("UDP answer: %d bytes, TC=%s" % (len(a), tc)); sys.exit(0 if tc else 1)
PY
"$adb" discover BIG.TEST "${D[@]}" --json | j '
assert len(d["srv"]) == 40, len(d["srv"]); assert len(d["addresses"]) >= 40' ||
  fail "large answer not complete over TCP"

echo "-- a \".\" target: not offered, exit 1"
set +e
"$adb" discover DOT.TEST "${D[@]}" --json >"$work/dot.json" 2>"$work/err"; rc=$?
set -e
[ $rc = 1 ] || fail "'.' target: exit $rc"
j 'q=[x for x in d["queries"] if x["name"]=="_kerberos._udp.dot.test"]
assert q[0]["status"] == "not offered", d["queries"]' <"$work/dot.json" || fail "'.' status"

echo "-- NXDOMAIN: exit 1, says so"
set +e
"$adb" discover NONE.AD.TEST "${D[@]}" >"$work/nx.txt" 2>"$work/err"; rc=$?
set -e
[ $rc = 1 ] && grep -q NXDOMAIN "$work/nx.txt" && grep -q "no kdc found" "$work/err" ||
  fail "NXDOMAIN: exit $rc $(cat "$work/nx.txt" "$work/err")"

echo "-- SERVFAIL"
set +e
"$adb" discover AD.TEST --dns-server 127.0.13.2:$PORT --json >"$work/sf.json" 2>/dev/null; rc=$?
set -e
[ $rc = 1 ] && j 'assert all(q["status"]=="SERVFAIL" for q in d["queries"]), d["queries"]' <"$work/sf.json" ||
  fail "SERVFAIL: exit $rc $(cat "$work/sf.json")"

echo "-- a DNS server that never answers: timeout after 200+400 ms, exit 1"
t0=$(date +%s%N)
set +e
"$adb" discover AD.TEST --dns-server 127.0.13.3:$PORT --timeout 200 --json >"$work/bh.json" 2>/dev/null; rc=$?
set -e
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "gave up after $ms ms"
[ $rc = 1 ] && j 'assert all(q["status"]=="timeout" for q in d["queries"]), d["queries"]' <"$work/bh.json" ||
  fail "black hole: exit $rc"
[ $ms -lt 3000 ] || fail "black hole took $ms ms"

echo "-- failing first server is listed, then (once the dead server is known) tried last"
"$adb" discover AD.TEST "${D[@]}" --json | j 'assert not any(a["failed_recently"] for a in d["addresses"])' || fail "fresh state"
set +e
"$adb" discover AD.TEST "${D[@]}" --probe --timeout 300 >"$work/probe.txt" 2>&1; rc=$?
set -e
cat "$work/probe.txt"
grep -A1 "127.0.13.11:88 udp" "$work/probe.txt" | grep -q "NO ANSWER" ||
  fail "probe did not report the hung KDC"
grep -A1 "127.0.13.12:88 udp" "$work/probe.txt" | grep -q "answered in" ||
  fail "probe did not see the live KDC answer"
[ $rc = 0 ] || fail "probe with live KDCs must exit 0 (got $rc)"
grep -q "^down 127.0.13.11 " "$ADBRIDGE_STATE_DIR/failover.0" || fail "failover file lacks the hung KDC"
"$adb" discover AD.TEST "${D[@]}" --json | j '
a=d["addresses"]; assert a[-1]["address"].startswith("127.0.13.11") and a[-1]["failed_recently"], a
assert not a[0]["address"].startswith("127.0.13.11"), a' || fail "hung KDC not moved last"

echo "-- --probe probes every KDC at once: two hung endpoints (kdc1 udp and tcp)"
echo "   and three live ones take one 1000 ms timeout in total, not one each"
rm -f "$ADBRIDGE_STATE_DIR"/failover.*
t0=$(date +%s%N)
set +e
"$adb" discover AD.TEST "${D[@]}" --probe --timeout 1000 --json >"$work/probe2.json" 2>/dev/null; rc=$?
set -e
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "probed in $ms ms"
[ $rc = 0 ] || fail "concurrent probe: exit $rc"
j 'a=d["addresses"]
hung=[x for x in a if x["address"].startswith("127.0.13.11:")]
live=[x for x in a if not x["address"].startswith("127.0.13.11:")]
assert len(hung) == 2 and all(not x["probe"]["answered"] for x in hung), hung
assert len(live) >= 3 and all(x["probe"]["answered"] for x in live), live
assert all("1000 ms" in x["probe"]["detail"] for x in hung), hung' <"$work/probe2.json" ||
  fail "concurrent probe results: $(cat "$work/probe2.json")"
# serially the two hung endpoints alone would take 2000 ms
[ $ms -ge 1000 ] && [ $ms -lt 1800 ] || fail "probing took $ms ms (one timeout expected)"

echo "-- URI records (MIT's _kerberos.REALM krb5srv URIs) replace the domain's SRV records"
"$adb" discover URI.TEST "${D[@]}" --json >"$work/uri.json"
"$adb" discover URI.TEST "${D[@]}"
j 'a=[x["address"]+"/"+x["transport"] for x in d["addresses"]]
assert set(a[:2]) == {"127.0.13.12:88/udp", "127.0.13.12:8888/tcp"} and a[2:] == ["127.0.13.13:88/udp"], a
s=[(x["type"], x.get("transport"), x.get("primary"), x["port"], x["target"]) for x in d["srv"]]
assert s[0] in [("URI","udp",True,88,"kdc2.uri.test"), ("URI","tcp",False,8888,"kdc2.uri.test")], s
assert ("URI","udp",False,88,"127.0.13.13") in s and len(s) == 3, s   # kkdcp skipped, SRV unused
q=[x for x in d["queries"] if x["type"]=="URI"]
assert len(q) == 1 and q[0]["name"] == "_kerberos.uri.test" and "1 skipped" in q[0]["detail"], q
assert any(x["type"]=="SRV" and x["status"]=="NOERROR" for x in d["queries"]), d["queries"]  # asked at once
' <"$work/uri.json" || fail "URI records: $(cat "$work/uri.json")"
"$adb" discover URI.TEST "${D[@]}" --service pdc --json | j '
a=[x["address"]+"/"+x["transport"] for x in d["addresses"]]
assert a == ["127.0.13.12:88/udp"], a       # only the "m" record' || fail "URI primary flag"
"$adb" discover KKDCP.TEST "${D[@]}" --json | j '
a=[x["address"] for x in d["addresses"]]
assert a == ["127.0.13.19:88"], a           # no usable URI: SRV
q=[x for x in d["queries"] if x["type"]=="URI"][0]
assert q["status"] == "no records" and "kkdcp" in q["detail"], q' || fail "kkdcp-only URI must fall back to SRV"

echo "-- usage errors exit 2"
set +e
"$adb" discover >/dev/null 2>&1; r1=$?
"$adb" discover AD.TEST --service nope >/dev/null 2>&1; r2=$?
"$adb" discover AD.TEST --dns-server 127.0.13.1:0 >/dev/null 2>&1; r3=$?
set -e
[ "$r1$r2$r3" = 222 ] || fail "usage exits: $r1 $r2 $r3"
echo "PASS: discover against dnsmasq and misbehaving servers"
