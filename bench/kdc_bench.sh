#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# kdc_bench.sh - krb5kdc with the adbridge KDB module against the stock db2
# backend, in a test bed (tests/testbed) of its own.
#
#   bench/kdc_bench.sh BUILD_DIR
#
# BUILD_DIR is a CMake build tree of this project; kdc_load and adbridge_kdb
# are built in it first.  Needs root (network namespaces, Samba AD DC,
# krb5kdc) and valgrind.  The parts, all on one bed:
#
#  1. throughput: TGS-REQs for HTTP/device1.local.example@LOCAL.EXAMPLE with
#     erin's cross-realm TGT (322 groups in AD's PAC), krb5kdc restarted on
#     each backend in rotating rounds: stock db2, the baselines adb_copy (AD's
#     buffers copied + one indicator) and adb_ind (the indicator only), and
#     adbridge with the rights and groups profiles; median rates and their
#     ratios (issue #8: adbridge/db2 >= 0.92, groups/copy >= 0.97);
#  1b. concurrent: the same five backends, and adbridge's two profiles
#     without the audit record (adb_noaud, grp_noaud: no audit_log,
#     log_decisions = refusals; not with AUDIT=off), as seven krb5kdc processes at
#     once, on one CPU, each under its own load for the same CC_TIME
#     seconds: every moment of the host's noise falls on all of them alike,
#     and each KDC's CPU time per request (/proc/PID/schedstat) gives its
#     capacity; the same ratios, paired within each of CC_ROUNDS rounds
#     (part 1's rates, one backend after another, vary by 10-20 % between
#     slices of a few seconds on a shared VM);
#  2. work: user-space instructions (callgrind) and system calls (strace)
#     per request, adbridge's functions; 2b. profile (not in the default
#     PARTS): KDC CPU per request by shared object (perf);
#  3. memory: VmRSS/VmHWM of a fresh krb5kdc after MEM_POINTS requests, for
#     db2 and adbridge;
#  4. valgrind: krb5kdc with the module under valgrind --leak-check=full for
#     alice, erin (allowed) and carol (refused), stopped with SIGTERM.
#
# Environment (defaults in brackets): ROUNDS [6] ROUND_TIME seconds [5]
# PROCS load processes [2] CC_ROUNDS [8] CC_TIME seconds [10] CC_PROCS load
# processes per KDC in part 1b [3] WORK_COUNT [500] MEM_POINTS [1000 10000 100000]
# VG_COUNT requests per user under valgrind [100] PARTS [throughput
# concurrent work memory valgrind; also: profile] PIN [on with 2 or more CPUs: krb5kdc runs on the last
# CPU, kdc_load on the others (taskset), which steadies the rates a lot on
# a small VM; off] AUDIT
# [on: adbridge's audit_log is set; off: not, and log_decisions = refusals,
# so that an allowed request writes no record of adbridge's at all] KDC_BENCH_DIR bed directory [a
# new mktemp -d, deleted at the end].  A benchmark, not a test: it prints figures; the exit
# status is non-zero only if something could not run (a request failed, the
# KDC's log does not show one TGS-REQ per request, the bed did not come up).
# The bed is torn down on exit, failure and SIGINT/SIGTERM included.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
TESTBED=$root/tests/testbed/testbed.sh
BRIDGE_BED=$root/tests/e2e/bridge_bed.sh
ROUNDS=${ROUNDS:-6}
ROUND_TIME=${ROUND_TIME:-5}
PROCS=${PROCS:-2}
MEM_POINTS=${MEM_POINTS:-1000 10000 100000}
VG_COUNT=${VG_COUNT:-100}
WORK_COUNT=${WORK_COUNT:-500}
CC_ROUNDS=${CC_ROUNDS:-8}
CC_TIME=${CC_TIME:-10}
CC_PROCS=${CC_PROCS:-3}
PARTS=${PARTS:-throughput concurrent work memory valgrind}
AUDIT=${AUDIT:-on}
part() { case " $PARTS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
ncpu=$(nproc)
PIN=${PIN:-$([ "$ncpu" -ge 2 ] && echo on || echo off)}
kdc_pin=() load_pin=()
if [ "$PIN" = on ]; then
    kdc_pin=(taskset -c $((ncpu - 1)))
    load_pin=(taskset -c "0-$((ncpu - 2))")
fi
PATH=$PATH:/usr/sbin:/sbin

die() { echo "kdc_bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, Samba AD DC, krb5kdc)"
for c in samba krb5kdc valgrind callgrind_annotate strace taskset ip ss; do
    command -v "$c" >/dev/null 2>&1 || die "missing $c"
done

cmake --build "$build" --target kdc_load adbridge_kdb adb_copy adb_ind >/dev/null \
    || die "building kdc_load, adbridge_kdb, adb_copy and adb_ind in $build failed"
load=$build/bench/kdc_load
moddir=$build/bridge/module
copydir=$build/bench/module
[ -x "$load" ] && [ -f "$moddir/adbridge.so" ] && [ -f "$copydir/adb_copy.so" ] &&
    [ -f "$copydir/adb_ind.so" ] \
    || die "no $load, $moddir/adbridge.so, $copydir/adb_copy.so or $copydir/adb_ind.so"

if [ -n "${KDC_BENCH_DIR:-}" ]; then
    mkdir -p "$KDC_BENCH_DIR"
    bed=$(cd "$KDC_BENCH_DIR" && pwd -P)
    own_dir=
else
    bed=$(mktemp -d /tmp/kdc_bench.XXXXXX)
    own_dir=1
fi
KDC_PID=
bed_up=

CC_PIDS=()   # part 1b's KDCs

cleanup() {
    local rc=$? p
    trap - EXIT INT TERM
    if [ -n "$KDC_PID" ] && kill -0 "$KDC_PID" 2>/dev/null; then
        kill -TERM "$KDC_PID" 2>/dev/null || true
        wait "$KDC_PID" 2>/dev/null || true
    fi
    for p in "${CC_PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    if [ -n "$bed_up" ] || [ -f "$bed/env" ]; then
        "$BRIDGE_BED" down "$bed" >/dev/null 2>&1 || echo "kdc_bench: bridge_bed.sh down $bed failed" >&2
    fi
    rm -f "$bed.up.log"
    if [ -n "$own_dir" ]; then
        if [ $rc = 0 ]; then
            rm -rf "$bed"
        else
            echo "kdc_bench: failed (status $rc); logs kept in $bed/log" >&2
        fi
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t_start=$(date +%s)
echo "# $(date -u '+%Y-%m-%d %H:%M UTC')  $(uname -srm)  $(nproc) CPU(s): $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$PIN" = on ]; then
    echo "# pinned: krb5kdc on CPU ${kdc_pin[2]}, kdc_load on CPU(s) ${load_pin[2]} (PIN=off to let them float)"
else
    echo "# not pinned (PIN=$PIN)"
fi
btype=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
san=$(sed -n 's/^ADB_SANITIZE:BOOL=//p' "$build/CMakeCache.txt")
echo "# build: ${btype:-?}, ADB_SANITIZE=${san:-?}; krb5-kdc $(dpkg-query -W -f '${Version}' krb5-kdc 2>/dev/null || echo '?')"
case "$btype:$san" in
    Release:OFF|RelWithDebInfo:OFF|MinSizeRel:OFF) ;;
    *) echo "# WARNING: not an optimized, unsanitized build: figures mean little" ;;
esac

echo "# bringing up the test bed in $bed (Samba AD + MIT KDC with adbridge) ..."
# the e2e tests' bed and configuration (rid:1103 admin, rid:1104 viewer,
# refuse_without_rights: erin is in PBX Viewers, so the full path runs)
bed_up=1
# (AUDIT=off: without audit_log the default would log every decision to
# the KDC log instead; refusals keeps adbridge's own records out of the run)
logd=
[ "$AUDIT" != off ] || logd=refusals
ADB_AUDIT=$AUDIT ADB_LOG_DECISIONS=$logd "$BRIDGE_BED" up "$bed" "$moddir" >"$bed.up.log" 2>&1 \
    || { cat "$bed.up.log" >&2; die "bridge_bed.sh up failed"; }
rm -f "$bed.up.log"
set -a
. "$bed/env"
set +a
kdclog=$bed/log/krb5kdc.log
conf_adb=$bed/kdc.conf
conf_db2=$bed/kdc-db2.conf
conf_copy=$bed/kdc-copy.conf
# the stock configuration: same realm and database, db2 loaded directly
sed -e 's/db_library = adbridge/db_library = db2/' -e '/db_module_dir/d' \
    -e '/adbridge_/d' "$conf_adb" >"$conf_db2"
grep -q 'db_library = db2' "$conf_db2" || die "could not derive $conf_db2"
# the copy baseline: the same, with adb_copy.so
sed -e 's/db_library = db2/db_library = adb_copy/' \
    -e "s|^\\[dbmodules\\]\$|[dbmodules]\\n\\tdb_module_dir = $copydir|" \
    "$conf_db2" >"$conf_copy"
grep -q "db_module_dir = $copydir" "$conf_copy" || die "could not derive $conf_copy"
# the indicator baseline: adb_ind.so
conf_ind=$bed/kdc-ind.conf
sed 's/db_library = adb_copy/db_library = adb_ind/' "$conf_copy" >"$conf_ind"
grep -q 'db_library = adb_ind' "$conf_ind" || die "could not derive $conf_ind"
# adbridge with the groups ticket profile (AD's filtered LOGON_INFO and
# UPN_DNS_INFO copied: the content adb_copy's tickets carry); the bed's own
# configuration gives the default rights profile
conf_groups=$bed/kdc-groups.conf
sed 's/^\[adbridge\]$/[adbridge]\n    default_pac = groups/' "$bed/adbridge.conf" >"$bed/adbridge-groups.conf"
grep -q 'default_pac = groups' "$bed/adbridge-groups.conf" || die "could not derive $bed/adbridge-groups.conf"
sed "s|adbridge_config = .*|adbridge_config = $bed/adbridge-groups.conf|" "$conf_adb" >"$conf_groups"
grep -q "adbridge-groups.conf" "$conf_groups" || die "could not derive $conf_groups"
# part 1b's paired measure of the audit record: both profiles without
# audit_log and with log_decisions = refusals (an allowed request then
# writes nothing of adbridge's); not with AUDIT=off, where the bed's own
# configuration is already that
CC_EXTRA=
if [ -z "$logd" ]; then
    for v in "" -groups; do
        sed -e '/^ *audit_log = /d' -e 's/^ *# log_decisions unset$/    log_decisions = refusals/' \
            "$bed/adbridge$v.conf" >"$bed/adbridge$v-noaudit.conf"
        grep -q 'log_decisions = refusals' "$bed/adbridge$v-noaudit.conf" && ! grep -q audit_log "$bed/adbridge$v-noaudit.conf" \
            || die "could not derive $bed/adbridge$v-noaudit.conf"
        sed "s|adbridge_config = .*|adbridge_config = $bed/adbridge$v-noaudit.conf|" "$conf_adb" >"$bed/kdc$v-noaudit.conf"
        grep -q "adbridge$v-noaudit.conf" "$bed/kdc$v-noaudit.conf" || die "could not derive $bed/kdc$v-noaudit.conf"
    done
    CC_EXTRA="adb_noaud grp_noaud"
fi

# ------------------------------------------------------------ the KDC --

# alive PID: running and not a zombie
alive() {
    local st
    st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [ -n "$st" ] && [ "$st" != Z ]
}

# reap PID: wait up to 60 s for a signalled krb5kdc PID to be gone
reap() {
    local i
    for i in $(seq 1 600); do
        # a zombie (ours not yet waited for, or the bed's first KDC, which
        # pid 1 reaps lazily) still answers kill -0
        alive "$1" || break
        sleep 0.1
    done
    ! alive "$1" || die "krb5kdc $1 did not stop"
    wait "$1" 2>/dev/null || true
}

kdc_stop() {
    local pid=${KDC_PID:-}
    [ -n "$pid" ] || pid=$(cat "$bed/run/krb5kdc.pid" 2>/dev/null || true)
    KDC_PID=
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    reap "$pid"
}

# kdc_listening [PORT]: something listens on TCP PORT (88) of the KDC's address
kdc_listening() {
    ip netns exec "$NETNS" ss -Hltn 2>/dev/null | grep -q "$LOCAL_KDC_IP:${1:-88} "
}

# await_listen PID PORT WHAT: wait up to 120 s for krb5kdc PID to listen on PORT
await_listen() {
    local i
    for i in $(seq 1 1200); do
        kdc_listening "$2" && return 0
        alive "$1" || die "krb5kdc ($3) exited at start; see $bed/log/krb5kdc.out"
        sleep 0.1
    done
    die "krb5kdc ($3) did not listen within 120 s"
}

# kdc_start CONF [WRAPPER...]: krb5kdc -n on CONF, optionally under WRAPPER
kdc_start() {
    local conf=$1
    shift
    kdc_stop
    ! kdc_listening || die "port 88 on $LOCAL_KDC_IP is still taken"
    ip netns exec "$NETNS" env KRB5_KDC_PROFILE="$conf" setsid "${kdc_pin[@]}" "$@" \
        krb5kdc -n -r "$LOCAL_REALM" -P "$bed/run/krb5kdc.pid" \
        </dev/null >>"$bed/log/krb5kdc.out" 2>&1 &
    KDC_PID=$!
    echo "$KDC_PID" >"$bed/run/krb5kdc.pid"
    await_listen "$KDC_PID" 88 "$conf"
}

backend_conf() {
    case $1 in
        db2) echo "$conf_db2" ;;
        adb_copy) echo "$conf_copy" ;;
        adb_ind) echo "$conf_ind" ;;
        adbridge) echo "$conf_adb" ;;
        adb_groups) echo "$conf_groups" ;;
        adb_noaud) echo "$bed/kdc-noaudit.conf" ;;
        grp_noaud) echo "$bed/kdc-groups-noaudit.conf" ;;
    esac
}
BACKENDS="db2 adb_copy adbridge adb_groups adb_ind"

# kv LINE KEY: the value of KEY=... in a kdc_load output line
kv() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"; }

# cpu_ticks PID: utime + stime of PID in clock ticks
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

# load USER [kdc_load options...]: runs kdc_load in the bed with USER's
# cross-realm TGT; checks that the KDC logged one TGS_REQ per request (for
# refusals at least one: the client library retries a refused request).
# Sets LOAD_OUT to kdc_load's output line, LOAD_KDC to the number of
# TGS_REQs the KDC logged and LOAD_CPU_US to the KDC's CPU time per request
# (microseconds, utime + stime).
load() {
    local u=$1 off n out rc=0 c0 c1
    shift
    off=$(stat -c %s "$kdclog")
    c0=$(cpu_ticks "$KDC_PID")
    out=$("$TESTBED" exec "$bed" "${load_pin[@]}" "$load" --ccache "$CCACHE_DIR/$u" \
        --service "$DEVICE_PRINCIPAL" "$@") || rc=$?
    c1=$(cpu_ticks "$KDC_PID")
    [ $rc = 0 ] || die "kdc_load as $u failed (status $rc): $out"
    n=$(tail -c +$((off + 1)) "$kdclog" | grep -c "TGS_REQ .*$u@$AD_REALM for $DEVICE_PRINCIPAL" || true)
    case " $* " in
        *" --expect-fail "*)
            [ "$n" -ge "$(kv "$out" requests)" ] \
                || die "kdc_load as $u sent $(kv "$out" requests) requests, the KDC logged $n TGS_REQs" ;;
        *)
            [ "$n" = "$(kv "$out" requests)" ] \
                || die "kdc_load as $u sent $(kv "$out" requests) requests, the KDC logged $n TGS_REQs" ;;
    esac
    LOAD_OUT=$out
    LOAD_KDC=$n
    LOAD_CPU_US=$(awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v n="$n" \
        'BEGIN { printf "%.0f", n ? t * 1e6 / hz / n : 0 }')
}

rss_of() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }
hwm_of() { awk '$1 == "VmHWM:" { print $2 }' "/proc/$1/status"; }

ratio() { awk -v a="$1" -v d="$2" 'BEGIN { printf "%.3f", a / d }'; }

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ------------------------------------------------ 1. TGS throughput --

if part throughput; then
echo
echo "== 1. TGS throughput: erin's cross-realm TGT (AD PAC with 322 GroupIds) -> $DEVICE_PRINCIPAL"
echo "kdc_load --time $ROUND_TIME --procs $PROCS per round, no caching (KRB5_GC_NO_STORE, MEMORY ccache with only the TGT);"
echo "every round: krb5kdc restarted on each backend (order rotates), 200 requests warm-up, then the timed run."
echo "db2:      stock; drops LOGON_INFO and UPN_DNS_INFO from a cross-realm ticket, adds no indicator"
echo "adb_copy: db2 + LOGON_INFO and UPN_DNS_INFO copied unchanged + one fixed indicator, no decision (bench/kdb_copy.c)"
echo "adbridge: full path, default rights profile (decode, identity checks, SID filter, map rid:1104 -> viewer,"
if [ -n "$logd" ]; then
    echo "          indicators, no AD buffers copied; no audit_log (AUDIT=off) and log_decisions = refusals: no record"
    echo "          of adbridge's for an allowed request)"
else
    echo "          indicators, no AD buffers copied; audit_log JSON line per request; log_decisions unset, the"
    echo "          default: a KDC log line for refusals only)"
fi
echo "adb_groups: the same with default_pac = groups (LOGON_INFO + UPN_DNS_INFO copied: adb_copy's ticket content)"
echo "adb_ind:  db2 + the one fixed indicator, no AD buffer copied, no decision: adbridge's ticket content (bench/kdb_copy.c)"
echo
printf '%-6s %-9s %9s %10s %8s %8s %8s %8s %7s %10s\n' round backend requests "req/s" p50_us p90_us p99_us max_us tkt_B kdc_cpu_us
declare -A rates=() cpus=() tkt=()
declare -a p_adb_db2=() p_adb_copy=() p_copy_db2=() p_grp_copy=() p_ind_db2=() p_adb_ind=()
read -r -a bk <<<"$BACKENDS"
for r in $(seq 1 "$ROUNDS"); do
    # rotate, and reverse every other round: each backend runs at each
    # position about equally often
    k=$(((r - 1) % ${#bk[@]}))
    order=("${bk[@]:$k}" "${bk[@]:0:$k}")
    if [ $((r % 2)) = 0 ]; then
        rev=()
        for ((i = ${#order[@]} - 1; i >= 0; i--)); do rev+=("${order[$i]}"); done
        order=("${rev[@]}")
    fi
    declare -A rate=()
    for b in "${order[@]}"; do
        kdc_start "$(backend_conf "$b")"
        load erin --count 200 --procs "$PROCS"
        load erin --time "$ROUND_TIME" --procs "$PROCS"
        o=$LOAD_OUT
        rate[$b]=$(kv "$o" rate)
        printf '%-6s %-9s %9s %10s %8s %8s %8s %8s %7s %10s\n' "$r" "$b" "$(kv "$o" requests)" \
            "${rate[$b]}" "$(kv "$o" p50_us)" "$(kv "$o" p90_us)" "$(kv "$o" p99_us)" \
            "$(kv "$o" max_us)" "$(kv "$o" ticket_bytes)" "$LOAD_CPU_US"
        rates[$b]="${rates[$b]:-} ${rate[$b]}"
        cpus[$b]="${cpus[$b]:-} $LOAD_CPU_US"
        tkt[$b]=$(kv "$o" ticket_bytes)
    done
    p_adb_db2+=("$(awk -v a="${rate[adbridge]}" -v d="${rate[db2]}" 'BEGIN { printf "%.4f", a / d }')")
    p_adb_copy+=("$(awk -v a="${rate[adbridge]}" -v d="${rate[adb_copy]}" 'BEGIN { printf "%.4f", a / d }')")
    p_copy_db2+=("$(awk -v a="${rate[adb_copy]}" -v d="${rate[db2]}" 'BEGIN { printf "%.4f", a / d }')")
    p_grp_copy+=("$(awk -v a="${rate[adb_groups]}" -v d="${rate[adb_copy]}" 'BEGIN { printf "%.4f", a / d }')")
    p_ind_db2+=("$(awk -v a="${rate[adb_ind]}" -v d="${rate[db2]}" 'BEGIN { printf "%.4f", a / d }')")
    p_adb_ind+=("$(awk -v a="${rate[adbridge]}" -v d="${rate[adb_ind]}" 'BEGIN { printf "%.4f", a / d }')")
    unset rate
done
declare -A mr=() mc=()
for b in $BACKENDS; do
    # shellcheck disable=SC2086
    mr[$b]=$(median ${rates[$b]})
    # shellcheck disable=SC2086
    mc[$b]=$(median ${cpus[$b]})
done
echo
echo "median rate: db2 ${mr[db2]} req/s, adb_copy ${mr[adb_copy]} req/s, adbridge ${mr[adbridge]} req/s, adb_groups ${mr[adb_groups]} req/s, adb_ind ${mr[adb_ind]} req/s"
ratio_target=$(ratio "${mr[adbridge]}" "${mr[db2]}")
printf 'ratio adbridge/db2   = %s (paired: median of per-round ratios %.3f); rights profile, issue #8 target >= 0.92: %s\n' \
    "$ratio_target" "$(median "${p_adb_db2[@]}")" \
    "$(awk -v x="$ratio_target" 'BEGIN { print (x >= 0.92) ? "PASS" : "BELOW" }')"
ratio_groups=$(ratio "${mr[adb_groups]}" "${mr[adb_copy]}")
printf 'ratio groups/copy    = %s (paired %.3f); groups profile against the same ticket content, target >= 0.97: %s\n' \
    "$ratio_groups" "$(median "${p_grp_copy[@]}")" \
    "$(awk -v x="$ratio_groups" 'BEGIN { print (x >= 0.97) ? "PASS" : "BELOW" }')"
printf 'ratio adbridge/copy  = %s (paired %.3f): the cost of adbridge'\''s decisions, reports and checks alone\n' \
    "$(ratio "${mr[adbridge]}" "${mr[adb_copy]}")" "$(median "${p_adb_copy[@]}")"
printf 'ratio adb_copy/db2   = %s (paired %.3f): the cost inside MIT'\''s KDC of the PAC buffers and indicator\n' \
    "$(ratio "${mr[adb_copy]}" "${mr[db2]}")" "$(median "${p_copy_db2[@]}")"
printf 'ratio adb_ind/db2    = %s (paired %.3f): the cost inside MIT'\''s KDC of the indicator alone (its signed AD-CAMMAC): the ceiling of the rights profile\n' \
    "$(ratio "${mr[adb_ind]}" "${mr[db2]}")" "$(median "${p_ind_db2[@]}")"
printf 'ratio adbridge/ind   = %s (paired %.3f): the cost of adbridge'\''s decisions, reports and checks for the rights profile\n' \
    "$(ratio "${mr[adbridge]}" "${mr[adb_ind]}")" "$(median "${p_adb_ind[@]}")"
echo "                       the issue asks every ticket to carry, with no decision at all"
printf 'krb5kdc CPU per request (utime+stime / TGS_REQs logged, %s Hz ticks): db2 %s us, adb_copy %s us, adbridge %s us, adb_groups %s us, adb_ind %s us\n' \
    "$(getconf CLK_TCK)" "${mc[db2]}" "${mc[adb_copy]}" "${mc[adbridge]}" "${mc[adb_groups]}" "${mc[adb_ind]}"
printf 'KDC capacity ratios (CPU per request; the rate ratios if krb5kdc were the only bottleneck): adbridge/db2 %.3f, adbridge/copy %.3f, copy/db2 %.3f\n' \
    "$(ratio "${mc[db2]}" "${mc[adbridge]}")" "$(ratio "${mc[adb_copy]}" "${mc[adbridge]}")" \
    "$(ratio "${mc[db2]}" "${mc[adb_copy]}")"
echo "tickets: db2 ${tkt[db2]} bytes, adb_copy ${tkt[adb_copy]} bytes, adbridge ${tkt[adbridge]} bytes (rights profile; <= 1465 to fit MIT's UDP limit: $([ "${tkt[adbridge]}" -le 1465 ] && echo PASS || echo BELOW)), adb_groups ${tkt[adb_groups]} bytes"
fi

# ------------------------------------------------------ 1b. concurrent --
# The backends at once: one krb5kdc process each on the KDC's CPU (one
# port each, in the bed's namespace), each under a load of its own for the
# same seconds.  The host's noise then falls on all five alike, and each
# KDC's own CPU time per request is its capacity.

# cc_stop: stop part 1b's KDCs
cc_stop() {
    local p
    for p in "${CC_PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null || true
    done
    for p in "${CC_PIDS[@]}"; do
        reap "$p"
    done
    CC_PIDS=()
}

# cc_load BACKEND [kdc_load options...]: kdc_load as erin against BACKEND's KDC
cc_load() {
    local b=$1
    shift
    "$TESTBED" exec "$bed" env KRB5_CONFIG="$bed/cc-$b.krb5.conf" "${load_pin[@]}" "$load" \
        --ccache "$CCACHE_DIR/erin" --service "$DEVICE_PRINCIPAL" "$@"
}

# schedstat_ns PID: the CPU time PID has run, in nanoseconds
schedstat_ns() { cut -d' ' -f1 "/proc/$1/schedstat"; }

# cc_start: part 1b's KDCs, started afresh (new address-space
# layouts: one process's layout can make it a few per cent faster or
# slower for its whole life), each warmed up with 200 requests
cc_start() {
    local b c k port=8801
    for b in $CC_BACKENDS; do
        c=$bed/cc-$b.kdc.conf k=$bed/cc-$b.krb5.conf
        sed "s/$LOCAL_KDC_IP:88\$/$LOCAL_KDC_IP:$port/" "$(backend_conf "$b")" >"$c"
        [ "$(grep -c "$LOCAL_KDC_IP:$port\$" "$c")" -ge 2 ] || die "could not derive $c"
        sed "s/kdc = $LOCAL_KDC_IP\$/kdc = $LOCAL_KDC_IP:$port/" "$bed/krb5.conf" >"$k"
        grep -q "kdc = $LOCAL_KDC_IP:$port\$" "$k" || die "could not derive $k"
        ip netns exec "$NETNS" env KRB5_KDC_PROFILE="$c" setsid "${kdc_pin[@]}" \
            krb5kdc -n -r "$LOCAL_REALM" -P "$bed/run/cc-$b.pid" \
            </dev/null >>"$bed/log/krb5kdc.out" 2>&1 &
        cc_pid[$b]=$!
        CC_PIDS+=("$!")
        cc_port[$b]=$port
        port=$((port + 1))
    done
    for b in $CC_BACKENDS; do
        await_listen "${cc_pid[$b]}" "${cc_port[$b]}" "$b"
        cc_load "$b" --count 200 --procs "$CC_PROCS" >/dev/null || die "warm-up of $b failed"
    done
}

if part concurrent; then
echo
CC_BACKENDS="$BACKENDS${CC_EXTRA:+ $CC_EXTRA}"
echo "== 1b. concurrent: the backends ($CC_BACKENDS) as krb5kdc processes at once on the KDC's CPU, each under its own"
echo "kdc_load --procs $CC_PROCS (erin, as in part 1) for the same $CC_TIME s; $CC_ROUNDS rounds, all started afresh in each.  cpu_us: the KDC's CPU time per"
echo "request (/proc/PID/schedstat); a ratio x/base is base's cpu_us over x's, the rate ratio of two KDCs that each had"
echo "the CPU to themselves.  share: the part of the round's wall time the KDC ran."
kdc_stop
declare -A cc_pid=() cc_port=()
printf '%-6s %-10s %9s %8s %8s %7s\n' round backend requests "req/s" cpu_us share
declare -a q_adb_db2=() q_grp_copy=() q_ind_db2=() q_adb_ind=() q_copy_db2=() q_busy=()
declare -a q_na_db2=() q_gna_copy=() q_aud=() q_gaud=()
declare -A cc_cpus=()
for r in $(seq 1 "$CC_ROUNDS"); do
    declare -A ns0=() ns1=() lp=() cpr=()
    cc_start
    off=$(stat -c %s "$kdclog")
    for b in $CC_BACKENDS; do ns0[$b]=$(schedstat_ns "${cc_pid[$b]}"); done
    t0=$(date +%s%N)
    for b in $CC_BACKENDS; do
        cc_load "$b" --time "$CC_TIME" --procs "$CC_PROCS" >"$bed/cc-$b.out" 2>&1 &
        lp[$b]=$!
    done
    for b in $CC_BACKENDS; do
        wait "${lp[$b]}" || die "kdc_load against $b failed: $(cat "$bed/cc-$b.out")"
    done
    t1=$(date +%s%N)
    for b in $CC_BACKENDS; do ns1[$b]=$(schedstat_ns "${cc_pid[$b]}"); done
    busy=0
    for b in $CC_BACKENDS; do
        o=$(cat "$bed/cc-$b.out")
        n=$(kv "$o" requests)
        logged=$(tail -c +$((off + 1)) "$kdclog" |
            grep -c "krb5kdc\\[${cc_pid[$b]}\\](info): TGS_REQ .*erin@$AD_REALM for $DEVICE_PRINCIPAL" || true)
        [ "$logged" = "$n" ] || die "kdc_load sent $n requests to $b, its KDC logged $logged TGS_REQs"
        cpr[$b]=$(awk -v a="${ns0[$b]}" -v z="${ns1[$b]}" -v n="$n" 'BEGIN { printf "%.1f", (z - a) / 1e3 / n }')
        share=$(awk -v a="${ns0[$b]}" -v z="${ns1[$b]}" -v w=$((t1 - t0)) 'BEGIN { printf "%.3f", (z - a) / w }')
        busy=$(awk -v x="$busy" -v y="$share" 'BEGIN { printf "%.3f", x + y }')
        printf '%-6s %-10s %9s %8s %8s %7s\n' "$r" "$b" "$n" "$(kv "$o" rate)" "${cpr[$b]}" "$share"
        cc_cpus[$b]="${cc_cpus[$b]:-} ${cpr[$b]}"
    done
    q_busy+=("$busy")
    q_adb_db2+=("$(ratio "${cpr[db2]}" "${cpr[adbridge]}")")
    q_grp_copy+=("$(ratio "${cpr[adb_copy]}" "${cpr[adb_groups]}")")
    q_ind_db2+=("$(ratio "${cpr[db2]}" "${cpr[adb_ind]}")")
    q_adb_ind+=("$(ratio "${cpr[adb_ind]}" "${cpr[adbridge]}")")
    q_copy_db2+=("$(ratio "${cpr[db2]}" "${cpr[adb_copy]}")")
    extra=
    if [ -n "$CC_EXTRA" ]; then
        q_na_db2+=("$(ratio "${cpr[db2]}" "${cpr[adb_noaud]}")")
        q_gna_copy+=("$(ratio "${cpr[adb_copy]}" "${cpr[grp_noaud]}")")
        q_aud+=("$(ratio "${cpr[adb_noaud]}" "${cpr[adbridge]}")")
        q_gaud+=("$(ratio "${cpr[grp_noaud]}" "${cpr[adb_groups]}")")
        extra="; without the audit record: adbridge/db2 ${q_na_db2[-1]}, groups/copy ${q_gna_copy[-1]}"
    fi
    echo "round $r: adbridge/db2 ${q_adb_db2[-1]}, groups/copy ${q_grp_copy[-1]}, adb_ind/db2 ${q_ind_db2[-1]}, adbridge/ind ${q_adb_ind[-1]}, adb_copy/db2 ${q_copy_db2[-1]}$extra; KDC CPU busy $busy"
    cc_stop
    unset ns0 ns1 lp cpr
done
echo
mb=$(median "${q_busy[@]}")
declare -A ccm=()
for b in $CC_BACKENDS; do
    # shellcheck disable=SC2086
    ccm[$b]=$(median ${cc_cpus[$b]})
done
line=
for b in $CC_BACKENDS; do line="$line, $b ${ccm[$b]}"; done
echo "median cpu_us: ${line#, } (the KDCs share the CPU's caches: higher than part 1's)"
cc_target=$(median "${q_adb_db2[@]}") cc_groups=$(median "${q_grp_copy[@]}")
printf 'concurrent adbridge/db2 = %s (median of %s paired rounds, %s to %s); rights profile, issue #8 target >= 0.92: %s\n' \
    "$cc_target" "$CC_ROUNDS" "$(printf '%s\n' "${q_adb_db2[@]}" | sort -g | head -1)" \
    "$(printf '%s\n' "${q_adb_db2[@]}" | sort -g | tail -1)" \
    "$(awk -v x="$cc_target" 'BEGIN { print (x >= 0.92) ? "PASS" : "BELOW" }')"
printf 'concurrent groups/copy  = %s (%s to %s); groups profile, target >= 0.97: %s\n' \
    "$cc_groups" "$(printf '%s\n' "${q_grp_copy[@]}" | sort -g | head -1)" \
    "$(printf '%s\n' "${q_grp_copy[@]}" | sort -g | tail -1)" \
    "$(awk -v x="$cc_groups" 'BEGIN { print (x >= 0.97) ? "PASS" : "BELOW" }')"
echo "concurrent adb_ind/db2 = $(median "${q_ind_db2[@]}") (MIT's indicator CAMMAC), adbridge/ind = $(median "${q_adb_ind[@]}") (adbridge's own cost, rights profile), adb_copy/db2 = $(median "${q_copy_db2[@]}")"
if [ -n "$CC_EXTRA" ]; then
    range() { printf '%s\n' "$@" | sort -g | sed -n '1p;$p' | paste -sd' ' | sed 's/ / to /'; }
    printf 'concurrent, without the audit record (adb_noaud, grp_noaud: no audit_log, log_decisions = refusals): adbridge/db2 = %s (%s), groups/copy = %s (%s)\n' \
        "$(median "${q_na_db2[@]}")" "$(range "${q_na_db2[@]}")" "$(median "${q_gna_copy[@]}")" "$(range "${q_gna_copy[@]}")"
    printf 'concurrent, the audit record'"'"'s cost (with/without, same round): rights %s (%s), groups %s (%s)\n' \
        "$(median "${q_aud[@]}")" "$(range "${q_aud[@]}")" "$(median "${q_gaud[@]}")" "$(range "${q_gaud[@]}")"
fi
if awk -v x="$mb" 'BEGIN { exit !(x < 0.9) }'; then
    echo "WARNING: the KDC CPU was busy only $mb of the time: the load generators, not the KDCs, set the pace; the ratios compare CPU per request all the same"
else
    echo "KDC CPU busy (median over rounds): $mb of the time"
fi
fi

# ------------------------------------------------------------ 2. work --

# first_answer WHAT: wait for krb5kdc (started under WHAT) to answer erin
first_answer() {
    local i
    for i in $(seq 1 30); do   # the first request under valgrind is slow
        "$TESTBED" exec "$bed" "$load" --ccache "$CCACHE_DIR/erin" \
            --service "$DEVICE_PRINCIPAL" --count 1 >/dev/null 2>&1 && return 0
        sleep 2
    done
    die "no answer from krb5kdc under $1"
}

# cg_run BACKEND N: callgrind a fresh krb5kdc on BACKEND through a first
# request, 99 warm-up and N more TGS-REQs; sets CG_IR (its instruction
# total) and CG_REQ (the TGS_REQs its log shows)
cg_run() {
    local b=$1 n=$2 out=$bed/cg.$1.$2.out off
    off=$(stat -c %s "$kdclog")
    kdc_start "$(backend_conf "$b")" valgrind --tool=callgrind --callgrind-out-file="$out"
    first_answer callgrind
    load erin --count $((99 + n))
    kdc_stop
    CG_IR=$(sed -n 's/^totals: //p' "$out")
    # what the KDC handled, the tries of first_answer included
    CG_REQ=$(tail -c +$((off + 1)) "$kdclog" | grep -c "TGS_REQ .*erin@$AD_REALM for $DEVICE_PRINCIPAL" || true)
    [ -n "$CG_IR" ] || die "callgrind gave no totals for $b (see $out)"
}

if part work; then
echo
echo "== 2. work per TGS-REQ (erin): user-space instructions (callgrind: a run with $WORK_COUNT requests more than another,"
echo "   instructions difference / TGS_REQs logged difference) and system calls (strace -c over $WORK_COUNT requests)"
printf '%-9s %14s %12s %10s   %s\n' backend "instructions" "vs db2" syscalls "system calls per request"
declare -A ir=() sc=()
for b in $BACKENDS; do
    cg_run "$b" 0
    i0=$CG_IR r0=$CG_REQ
    cg_run "$b" "$WORK_COUNT"
    i1=$CG_IR r1=$CG_REQ
    [ $((r1 - r0)) -gt 0 ] || die "callgrind runs for $b: $r0 and $r1 TGS_REQs"
    ir[$b]=$(( (i1 - i0) / (r1 - r0) ))
    kdc_start "$(backend_conf "$b")"
    load erin --count 100
    strace -c -f -o "$bed/strace.$b.txt" -p "$KDC_PID" 2>/dev/null &
    st_pid=$!
    sleep 1
    load erin --count "$WORK_COUNT"
    sleep 0.3
    kill -INT "$st_pid" 2>/dev/null || true
    wait "$st_pid" 2>/dev/null || true
    kdc_stop
    # strace -c columns: % time, seconds, usecs/call, calls, [errors,] syscall
    sc[$b]=$(awk -v n="$WORK_COUNT" '$NF == "total" { printf "%.1f", $4 / n }' "$bed/strace.$b.txt" 2>/dev/null || true)
    detail=$(awk -v n="$WORK_COUNT" '$1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" && $4 / n >= 0.5 { printf "%s %.0f, ", $NF, $4 / n }' "$bed/strace.$b.txt" 2>/dev/null || true)
    [ -n "${sc[$b]}" ] || { sc[$b]=n/a; detail="(strace -c gave no summary; see $bed/strace.$b.txt)"; }
    printf '%-9s %14s %12s %10s   %s\n' "$b" "${ir[$b]}" \
        "$(awk -v a="${ir[$b]}" -v d="${ir[db2]}" 'BEGIN { printf "%+.1f%%", (a - d) * 100 / d }')" \
        "${sc[$b]}" "${detail%, }"
done
printf 'instructions: adbridge (rights) - db2 = %+d per request; adb_groups - adb_copy = %+d (the module'\''s decisions and reports for the same ticket content); adb_copy - db2 = %+d\n' \
    $((ir[adbridge] - ir[db2])) $((ir[adb_groups] - ir[adb_copy])) $((ir[adb_copy] - ir[db2]))
printf 'instructions: adbridge - adb_ind = %+d per request (adbridge'\''s own work for the rights profile: the same ticket content); adb_ind - db2 = %+d (MIT'\''s indicator CAMMAC)\n' \
    $((ir[adbridge] - ir[adb_ind])) $((ir[adb_ind] - ir[db2]))
printf 'instruction ratios (work, inverted like the rates): adbridge/db2 %.3f, groups/copy %.3f, copy/db2 %.3f\n' \
    "$(ratio "${ir[db2]}" "${ir[adbridge]}")" "$(ratio "${ir[adb_copy]}" "${ir[adb_groups]}")" \
    "$(ratio "${ir[db2]}" "${ir[adb_copy]}")"
top=$(callgrind_annotate --inclusive=yes --threshold=100 "$bed/cg.adbridge.$WORK_COUNT.out" 2>/dev/null |
    awk -v n="$r1" '!/=>/ {
        for (i = 2; i <= NF; i++)
            if ($i ~ /\.c:(adb_issue_pac|adb_check_policy_tgs|kdc_decide|pac_decode|pac_decode_in_place|map_evaluate|kdc_audit_json|kdc_log_line|kdc_find_pac_data|report|kdc_copy_buffers)$/) {
                v = $1; gsub(",", "", v); f = $i; sub(/.*:/, "", f)
                if (seen[f]++) continue
                printf "%s %d, ", f, v / n
            }
    }')
echo "adbridge's functions, inclusive instructions per request (all $r1 requests of that run): ${top%, }"
# adbridge's own instructions: its two entry points, inclusive (what they
# call in MIT's libraries for it included), per request of the 100 + N run
own=$(callgrind_annotate --inclusive=yes --threshold=100 "$bed/cg.adbridge.$WORK_COUNT.out" 2>/dev/null |
    awk -v n="$r1" '!/=>/ {
        for (i = 2; i <= NF; i++)
            if ($i ~ /adbridge_kdb\.c:(adb_issue_pac|adb_check_policy_tgs)$/) {
                v = $1; gsub(",", "", v); f = $i; sub(/.*:/, "", f)
                if (seen[f]++) continue
                t += v
            }
    } END { printf "%d", n ? t / n : 0 }')
printf "adbridge's own instructions per request (rights profile; adb_issue_pac + adb_check_policy_tgs, inclusive): %d; issue #8 target <= 60000: %s\n" \
    "$own" "$([ "$own" -gt 0 ] && [ "$own" -le 60000 ] && echo PASS || echo BELOW)"
fi

# ------------------------------------------------------ 2b. profile --
# Not in the default PARTS (PARTS=profile): where each backend's KDC CPU
# time per request goes, by shared object, from perf's software clock
# (this VM has no hardware counters): a kernel/user split that callgrind
# (user-space instructions only) cannot give.
if part profile; then
command -v perf >/dev/null 2>&1 || die "PARTS=profile needs perf"
echo
echo "== 2b. KDC CPU per request by shared object (perf record -e cpu-clock, erin, ${ROUND_TIME} s per backend)"
for b in $BACKENDS; do
    kdc_start "$(backend_conf "$b")"
    load erin --count 200
    perf record -q -e cpu-clock -F 10000 -p "$KDC_PID" -o "$bed/perf.$b.data" >/dev/null 2>&1 &
    pf_pid=$!
    sleep 0.5
    load erin --time "$ROUND_TIME" --procs "$PROCS"
    kill -INT "$pf_pid" 2>/dev/null || true
    wait "$pf_pid" 2>/dev/null || true
    kdc_stop
    perf report -i "$bed/perf.$b.data" --sort dso --stdio 2>/dev/null |
        awk -v b="$b" -v us="$LOAD_CPU_US" '$1 ~ /%$/ { p = $1; sub("%", "", p); if (p >= 1) {
            d = $2; sub(/.*\//, "", d); out = out sprintf("%s %.0f, ", d, p * us / 100) } }
            END { sub(/, $/, "", out); printf "%-10s %4d us: %s\n", b, us, out }'
    case $b in adbridge|adb_groups)
        perf report -i "$bed/perf.$b.data" --dso adbridge.so --sort sym --stdio 2>/dev/null |
            awk -v us="$LOAD_CPU_US" '$1 ~ /%$/ { p = $1; sub("%", "", p); if (p >= 0.1)
                out = out sprintf("%s %.1f, ", $NF, p * us / 100) }
                END { sub(/, $/, "", out); printf "           adbridge.so by function (us): %s\n", out }' ;;
    esac
done
fi

# ---------------------------------------------------------- 3. memory --

if part memory; then
echo
echo "== 3. krb5kdc memory (kB, /proc/PID/status) after N requests (erin, kdc_load --procs $PROCS), fresh KDC per backend"
printf '%-9s %9s %9s %9s\n' backend requests VmRSS VmHWM
declare -A rss_first=() rss_prev=() rss_last=() hwm_last=()
for b in db2 adbridge; do
    kdc_start "$(backend_conf "$b")"
    done_n=0
    printf '%-9s %9s %9s %9s\n' "$b" 0 "$(rss_of "$KDC_PID")" "$(hwm_of "$KDC_PID")"
    for p in $MEM_POINTS; do
        [ "$p" -gt "$done_n" ] || continue
        load erin --count $((p - done_n)) --procs "$PROCS"
        done_n=$p
        rss=$(rss_of "$KDC_PID") hwm=$(hwm_of "$KDC_PID")
        printf '%-9s %9s %9s %9s\n' "$b" "$p" "$rss" "$hwm"
        [ -n "${rss_first[$b]:-}" ] || rss_first[$b]=$rss
        rss_prev[$b]=${rss_last[$b]:-$rss}
        rss_last[$b]=$rss hwm_last[$b]=$hwm
    done
done
read -r -a pts <<<"$MEM_POINTS"
first=${pts[0]} last=${pts[${#pts[@]} - 1]} prev=${pts[${#pts[@]} - 2]:-${pts[0]}}
for b in db2 adbridge; do
    printf '%-9s VmRSS after %s - after %s = %+d kB; after %s - after %s = %+d kB (VmHWM %s kB)\n' \
        "$b" "$last" "$first" $((rss_last[$b] - rss_first[$b])) \
        "$last" "$prev" $((rss_last[$b] - rss_prev[$b])) "${hwm_last[$b]}"
done
printf 'adbridge growth - db2 growth = %+d kB (%s to %s; the KDC'\''s lookaside cache of replies, capped, fills in both)\n' \
    $(((rss_last[adbridge] - rss_first[adbridge]) - (rss_last[db2] - rss_first[db2]))) \
    "$first" "$last"
fi

# -------------------------------------------------------- 4. valgrind --

if part valgrind; then
echo
echo "== 4. valgrind: krb5kdc + adbridge, $VG_COUNT TGS-REQs each for alice, erin (allowed), carol (refused: no rights)"
vglog=$bed/log/valgrind.log
kdc_start "$conf_adb" valgrind --leak-check=full --errors-for-leak-kinds=definite \
    --num-callers=30 --log-file="$vglog"
first_answer valgrind
for u in alice erin; do
    load "$u" --count "$VG_COUNT"
    echo "$u: $LOAD_OUT"
done
off=$(stat -c %s "$kdclog")
load carol --count "$VG_COUNT" --expect-fail
echo "carol (refused): $LOAD_OUT"
echo "  (the KDC logged $LOAD_KDC refused TGS_REQs for carol: libkrb5 retries a refused request)"
n=$(tail -c +$((off + 1)) "$kdclog" | grep -c "adbridge: REFUSE cross-realm client carol@" || true)
[ "$n" -ge "$VG_COUNT" ] || die "the KDC log shows $n refusals for carol"
vgpid=$KDC_PID
kill -TERM "$vgpid"
for i in $(seq 1 600); do
    grep -q "ERROR SUMMARY" "$vglog" 2>/dev/null && break
    sleep 0.1
done
wait "$vgpid" 2>/dev/null || true
KDC_PID=
grep -q "ERROR SUMMARY" "$vglog" || die "no ERROR SUMMARY in $vglog"
sed -n '/LEAK SUMMARY/,/suppressed:/p' "$vglog"
grep "ERROR SUMMARY" "$vglog"
# the "definitely lost" records and whether adbridge code is on their stack
awk '
    /are definitely lost in loss record/ { inrec = 1; n++; rec = ""; }
    inrec && /^==[0-9]+== *$/ { inrec = 0; if (rec ~ /adbridge\.so|\((kdc_bridge|adbridge_kdb|pac_[a-z_]+|conf|map|adb_[a-z0-9_]+)\.c:/) ours++; next }
    inrec { rec = rec "\n" $0 }
    END { printf "definitely-lost records: %d, with adbridge code on the allocation stack: %d\n", n, ours }
' "$vglog"
echo "(full report: $vglog$( [ -n "$own_dir" ] && echo ', deleted at exit; set KDC_BENCH_DIR to keep it'))"
fi

echo
echo "# total time $(( $(date +%s) - t_start )) s"
