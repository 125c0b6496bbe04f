#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# dns_bench.sh BUILD_DIR - discovery figures, all in one run against the
# same DNS server (dnsmasq on loopback) and a throw-away MIT KDC for
# BENCH.TEST (krb5kdc on 127.0.14.22), as root:
#   1. the library: cold lookup vs one DNS round trip vs cached (bench_dns);
#   2. a cold KDC location in a new process as kinit does it, to the first
#      usable address (libkrb5's k5_locate_kdc, then getaddrinfo() of a host
#      name as sendto_kdc.c does; bench_locate): MIT's built-in DNS lookup
#      (dns_lookup_kdc = true) vs the adbridge locate plugin, against the
#      dnsmasq directly and through a forwarder adding DNS_BENCH_FAR_MS
#      (2) ms per round trip (dns_stub.py delay): the slope is the number
#      of round trips each waits for; and the plugin alone in parts
#      (dlopen, init, first and second lookup: bench_locate_parts);
#   3. 20 consecutive kinit processes while the first-priority KDC hangs
#      (reads UDP/TCP 88, never answers): MIT's built-in lookup vs the
#      plugin, extra time over a healthy kinit.
# resolv.conf and MIT's plugin directory are bind-mounted in private
# mount namespaces (unshare -m); nothing leaves 127.0.14.0/24.
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
PATH=$PATH:/usr/sbin
for c in dnsmasq krb5kdc kdb5_util kadmin.local kinit unshare; do
  command -v $c >/dev/null || { echo "dns_bench: missing $c" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "dns_bench: needs root" >&2; exit 1; }
cmake --build "$build" --target bench_dns bench_locate bench_locate_parts adbridge_locate >/dev/null
w=$(mktemp -d)
cleanup() { for f in "$w"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done; rm -rf "$w"; }
trap cleanup EXIT
R=BENCH.TEST D=bench.test DEAD_DNS=127.0.14.1 OK_DNS=127.0.14.2 FAR_DNS=127.0.14.3 HUNG=127.0.14.21 KDC=127.0.14.22
N=${DNS_BENCH_KINITS:-20}

# --- the KDC
mkdir -p "$w/db" "$w/plugins" "$w/empty" "$w/state"
cat >"$w/kdc.conf" <<C
[kdcdefaults]
	kdc_listen = $KDC:88
	kdc_tcp_listen = $KDC:88
[realms]
	$R = {
		database_name = $w/db/principal
		key_stash_file = $w/db/stash
		acl_file = $w/db/acl
	}
[logging]
	kdc = FILE:$w/kdc.log
C
export KRB5_KDC_PROFILE=$w/kdc.conf
printf '' >"$w/db/acl"
mpw=$(tr -dc A-Za-z0-9 </dev/urandom | head -c 20 || true)
upw=$(tr -dc A-Za-z0-9 </dev/urandom | head -c 20 || true)
kdb5_util -r $R create -s -P "$mpw" >/dev/null 2>&1
printf 'addprinc -pw %s user\n' "$upw" | kadmin.local -r $R >/dev/null 2>&1
krb5kdc -n -r $R -P "$w/krb5kdc.pid" >/dev/null 2>&1 &
echo $! >"$w/krb5kdc.pid"

# --- DNS: DEAD_DNS lists the hung KDC first, OK_DNS only the live one
zone() {  # zone FIRST...
  local p=0 h
  printf 'no-resolv\nno-hosts\nport=53\nbind-interfaces\nlocal-ttl=300\nlocal=/%s/\n' $D
  for h in "$@"; do
    printf 'srv-host=_kerberos._udp.%s,%s.%s,88,%d,100\n' $D $h $D $p
    printf 'srv-host=_kerberos._tcp.%s,%s.%s,88,%d,100\n' $D $h $D $p
    p=$((p + 10))
  done
  printf 'srv-host=_ldap._tcp.pdc._msdcs.%s,live.%s,389,0,100\n' $D $D
  printf 'srv-host=_gc._tcp.%s,live.%s,3268,0,100\n' $D $D
  printf 'host-record=hung.%s,%s\nhost-record=live.%s,%s\n' $D $HUNG $D $KDC
}
zone hung live >"$w/dead.conf"; echo "listen-address=$DEAD_DNS" >>"$w/dead.conf"
zone live >"$w/ok.conf"; echo "listen-address=$OK_DNS" >>"$w/ok.conf"
dnsmasq -C "$w/dead.conf" --pid-file="$w/dns1.pid"
dnsmasq -C "$w/ok.conf" --pid-file="$w/dns2.pid"
/usr/bin/python3 "$top/tests/e2e/dns_stub.py" blackhole $HUNG 88 "$w/hung.pid" &
for _ in $(seq 1 100); do
  ss -Hlnu "src $KDC and sport = :88" | grep -q . &&
    ss -Hlnt "src $HUNG and sport = :88" | grep -q . && break
  sleep 0.1
done
echo "nameserver $DEAD_DNS" >"$w/resolv.dead"
echo "nameserver $OK_DNS" >"$w/resolv.ok"
printf '[adbridge]\n\tlocal_realm = LOCAL.TEST\n\tlocal_domain_sid = S-1-5-21-1-2-3\n[trusts]\n\t%s = {\n\t\tnetbios_name = BENCH\n\t\tdomain_sid = S-1-5-21-4-5-6\n\t}\n' $R >"$w/adbridge.conf"
cp "$build/dns/plugin/adbridge_locate.so" "$w/plugins/"
for mode in mit adb; do
  cat >"$w/krb5.$mode.conf" <<C
[libdefaults]
	default_realm = $R
	dns_lookup_kdc = $([ $mode = mit ] && echo true || echo false)
	dns_lookup_realm = false
	dns_canonicalize_hostname = false
	rdns = false
C
done
PLUGDIR=/usr/lib/x86_64-linux-gnu/krb5/plugins/libkrb5
# kinit_as MODE RESOLV TRACE: one kinit process; prints its milliseconds
kinit_as() {
  local mode=$1 resolv=$2 trace=$3 plug=$w/empty t0
  [ $mode = adb ] && plug=$w/plugins
  t0=$(date +%s%N)
  printf '%s\n' "$upw" | KRB5_CONFIG=$w/krb5.$mode.conf KRB5CCNAME=FILE:$w/cc \
    KRB5_TRACE=$trace ADBRIDGE_CONFIG=$w/adbridge.conf ADBRIDGE_STATE_DIR=$w/state \
    unshare -m /bin/bash -c 'mount --bind "$1" "$2" && mount --bind "$3" /etc/resolv.conf && exec kinit user' \
    _ "$plug" "$PLUGDIR" "$resolv" >/dev/null 2>&1 || { echo "kinit ($mode) failed" >&2; cat "$trace" >&2; return 1; }
  echo $(( ($(date +%s%N) - t0) / 1000000 ))
}
# one cold process's location (bench_locate): microseconds until the first
# usable address, and until libkrb5 has its KDC list
locate_us() {  # locate_us MODE RESOLV: "TOTAL_US LIST_US" of one process
  local plug=$w/empty
  [ $1 = adb ] && plug=$w/plugins
  KRB5_CONFIG=$w/krb5.$1.conf ADBRIDGE_CONFIG=$w/adbridge.conf ADBRIDGE_STATE_DIR=$w/state \
    unshare -m /bin/bash -c 'mount --bind "$1" "$2" && mount --bind "$3" /etc/resolv.conf && exec "$4" "$5"' \
    _ "$plug" "$PLUGDIR" "$2" "$build/bench/bench_locate" $R | cut -d' ' -f1,2
}
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "# $(date -u '+%Y-%m-%d %H:%M UTC')  $(uname -srm)  $(nproc) CPU(s); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "== 1. the library (bench_dns, against dnsmasq on loopback)"
"$build/bench/bench_dns" $R $OK_DNS 200
echo
R2=${DNS_BENCH_LOCATES:-21}
FAR_MS=${DNS_BENCH_FAR_MS:-2}
echo "== 2. cold KDC location in a new process, to the first usable address, as kinit"
echo "   does it: k5_locate_kdc(), then (MIT's DNS lookup hands out host names, a locate"
echo "   module addresses) getaddrinfo() of the first server as sendto_kdc.c does"
echo "   (median of $R2 each, MIT and adbridge runs alternating), against the same"
echo "   dnsmasq: near (loopback) and far (through a forwarder that holds every answer"
echo "   $FAR_MS ms: a DC one link away).  The slope between the two is the number of"
echo "   DNS round trips a lookup waits for one after another; the rest is the cost of"
echo "   a new process (MIT: libresolv and NSS; adbridge: loading the plugin, libcares,"
echo "   the configuration and opening the c-ares channel)."
/usr/bin/python3 "$top/tests/e2e/dns_stub.py" delay $FAR_DNS 53 "$w/far.pid" $OK_DNS:53 "$FAR_MS" &
for _ in $(seq 1 100); do
  ss -Hlnu "src $FAR_DNS and sport = :53" | grep -q . && break
  sleep 0.1
done
echo "nameserver $FAR_DNS" >"$w/resolv.far"
rtt_of() { "$build/bench/bench_dns" $R "$1" 50 | sed -n 's/.*one round trip): *\([0-9.]*\) us.*/\1/p'; }
rtt_near=$(rtt_of $OK_DNS) rtt_far=$(rtt_of $FAR_DNS)
for where in near far; do
  resolv=$w/resolv.ok
  [ $where = far ] && resolv=$w/resolv.far
  : >"$w/cold.mit.$where.all"; : >"$w/cold.adb.$where.all"
  for i in $(seq 1 "$R2"); do
    for mode in mit adb; do
      rm -f "$w"/state/failover.*
      locate_us $mode "$resolv" >>"$w/cold.$mode.$where.all"
    done
  done
  for mode in mit adb; do
    cut -d' ' -f1 <"$w/cold.$mode.$where.all" | med >"$w/cold.$mode.$where"
    cut -d' ' -f2 <"$w/cold.$mode.$where.all" | med >"$w/list.$mode.$where"
  done
done
printf '  %-46s %10s %10s\n' "" "near" "far"
printf '  %-46s %8.1f us %7.1f us\n' "one DNS round trip (bench_dns, one SRV query)" "$rtt_near" "$rtt_far"
for mode in mit adb; do
  label="MIT built-in (dns_lookup_kdc = true)"
  [ $mode = adb ] && label="adbridge plugin"
  printf '  %-46s %8d us %7d us\n' "$label" "$(cat "$w/cold.$mode.near")" "$(cat "$w/cold.$mode.far")"
  printf '  %-46s %8d us %7d us\n' "  of which k5_locate_kdc()" "$(cat "$w/list.$mode.near")" "$(cat "$w/list.$mode.far")"
done
awk -v mn="$(cat "$w/cold.mit.near")" -v mf="$(cat "$w/cold.mit.far")" \
    -v an="$(cat "$w/cold.adb.near")" -v af="$(cat "$w/cold.adb.far")" \
    -v rn="$rtt_near" -v rf="$rtt_far" 'BEGIN {
  km = (mf - mn) / (rf - rn); ka = (af - an) / (rf - rn)
  printf "  round trips waited for, one after another (slope far - near):\n"
  printf "    MIT %.2f, adbridge %.2f (target: about one)\n", km, ka
  printf "  the rest, the new process: MIT %.0f us, adbridge %.0f us\n", mn - km * rn, an - ka * rn
  printf "  adbridge/MIT: near %.2f, far %.2f\n", an / mn, af / mf }'
rm -f "$w"/state/failover.*
for i in $(seq 1 "$R2"); do locate_us adb "$w/resolv.ok"; done | cut -d' ' -f1 | med >"$w/warm.adb"
echo "  adbridge plugin, near, first KDC known good (no probe): $(cat "$w/warm.adb") us"
# the plugin's part of it, loaded as libkrb5 loads it (bench_locate_parts)
: >"$w/parts.all"
for i in $(seq 1 "$R2"); do
  rm -f "$w"/state/failover.*
  KRB5_CONFIG=$w/krb5.adb.conf ADBRIDGE_CONFIG=$w/adbridge.conf ADBRIDGE_STATE_DIR=$w/state \
    unshare -m /bin/bash -c 'mount --bind "$1" /etc/resolv.conf && exec "$2" "$3" "$4"' \
    _ "$w/resolv.ok" "$build/bench/bench_locate_parts" "$w/plugins/adbridge_locate.so" $R >>"$w/parts.all"
done
for c in 1 2 3 4; do cut -d' ' -f$c <"$w/parts.all" | med >"$w/parts.$c"; done
echo "  adbridge plugin, near, in parts (bench_locate_parts, medians): dlopen of the plugin and libcares"
echo "    $(cat "$w/parts.1") us, init $(cat "$w/parts.2") us, first lookup $(cat "$w/parts.3") us (configuration, c-ares"
echo "    channel, all queries, first-KDC probe), second lookup $(cat "$w/parts.4") us"
echo
echo "== 3. $N consecutive kinit processes, first-priority KDC hung"
for mode in mit adb; do
  for i in 1 2 3 4 5; do kinit_as $mode "$w/resolv.ok" "$w/h.trace"; done | med >"$w/base.$mode"
done
for mode in mit adb; do
  rm -f "$w"/state/failover.*
  total=0 first=0
  for i in $(seq 1 "$N"); do
    ms=$(kinit_as $mode "$w/resolv.dead" "$w/d.trace")
    [ "$i" = 1 ] && first=$ms
    total=$((total + ms))
  done
  base=$(cat "$w/base.$mode")
  extra=$((total - N * base))
  printf '  %-8s total %6d ms; healthy kinit %4d ms; extra %6d ms (first process %d ms)\n' \
    "$mode" "$total" "$base" "$extra" "$first"
  eval "extra_$mode=$extra"
done
awk -v m="$extra_mit" -v a="$extra_adb" 'BEGIN { if (a < 1) a = 1;
  printf "  MIT pays %.1f times the extra time adbridge pays\n", m / a }'
