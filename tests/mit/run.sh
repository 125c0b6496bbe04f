#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/mit/run.sh - MIT krb5's own Python test suite (check-pytests) with
# adbridge loaded into every KDC (issue 14).  Run as root on Debian 12.
#
#   tests/mit/run.sh BUILD_DIR [WORK_DIR]
#   tests/mit/run.sh --build-only BUILD_DIR [WORK_DIR]   fetch + build, no tests
#
# BUILD_DIR is an adbridge CMake build directory (adbridge.so is
# BUILD_DIR/bridge/module/adbridge.so).  WORK_DIR (default BUILD_DIR/../mit)
# keeps the downloaded and built krb5 source (reused by a rerun: it is
# fetched and built once per Debian version) and the results of the last run
# (WORK_DIR/results: table, per-script output, for failures the script's
# testlog and testdir with the KDC logs).
#
# Steps:
#  1. apt-get source krb5 (the version of the installed libkrb5-3) through a
#     temporary deb-src entry (a copy of /etc/apt/sources.list.d/debian.sources
#     with Types: deb-src), removed again afterwards, also on failure.
#  2. configure in-tree with Debian's flags, make -j$(nproc), build the
#     programs check-pytests needs.
#  3. patch the build tree's src/util/k5test.py (tests/mit/patch_k5test.py;
#     no test script is touched) and copy adbridge.so into the build tree's
#     plugins/kdb (k5test's db_module_dir, next to db2.so and test.so).
#  4. run every directory's check-pytests target, one script at a time
#     through tests/mit/runpytest.sh (so that one failure doesn't stop the
#     others), in three passes, each in its own network namespace that has
#     only loopback (unshare --net, with a PID namespace so that no daemon
#     outlives it, and a mount namespace; see pass.sh for lo's addresses):
#       stock          the suite as MIT ships it
#       adbridge-db2   every [dbmodules] stanza with db_library = db2 becomes
#                      db_library = adbridge, adbridge_backend = db2
#       adbridge-test  every stanza with db_library = test (MIT's test KDB
#                      module, used by t_authdata, t_referral, t_u2u, t_s4u
#                      ...) becomes db_library = adbridge, adbridge_backend =
#                      test; run only for the scripts that have such a realm
#                      (seen in the stock pass): the others' configuration
#                      is the stock one.
#  5. a table per script and pass; exit 0 only if no script fails stock and
#     every script that passes stock passes in both adbridge passes.
#
# Exit 77 (skipped) outside CI when it cannot run (not root, no unshare);
# under CI=true that is a failure (exit 1).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_only=0
if [ "${1:-}" = --build-only ]; then build_only=1; shift; fi
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 [--build-only] BUILD_DIR [WORK_DIR]" >&2
  exit 2
fi

retry() {  # retry CMD...: three tries, for the network
  local i
  for i in 1 2 3; do
    "$@" && return 0
    [ $i = 3 ] || { log "retrying in 10 s: $*"; sleep 10; }
  done
  return 1
}
log() { printf '[mit %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[mit] FAIL: %s\n' "$*" >&2; exit 1; }
cannot_run() {
  if [ "${CI:-}" = true ]; then die "cannot run under CI: $1"; fi
  echo "## SKIPPED MIT test suite: $1 (it runs in CI, where skipping is a failure)" >&2
  exit 77
}

[ "$(id -u)" = 0 ] || cannot_run "needs root (apt-get, network namespaces)"
PATH=$PATH:/usr/sbin:/sbin
for c in apt-get dpkg-source dpkg-buildflags unshare ip make gcc bison /usr/bin/python3 timeout; do
  command -v "$c" >/dev/null 2>&1 || cannot_run "missing $c (run scripts/install-deps.sh)"
done
unshare --net --pid --mount --fork --kill-child --mount-proc true 2>/dev/null ||
  cannot_run "unshare --net --pid --mount does not work here"

[ -d "$1" ] || die "no such build directory: $1"
build=$(cd "$1" && pwd)
module=$build/bridge/module/adbridge.so
[ $build_only = 1 ] || [ -f "$module" ] || die "no $module (build adbridge first)"
work=${2:-$(dirname "$build")/mit}
mkdir -p "$work"
work=$(cd "$work" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
t_start=$(date +%s)

# ------------------------------------------------------------ cleanup --
apt_entry=/etc/apt/sources.list.d/adbridge-mit-deb-src.sources
ns_pids=()
exec 3>&2   # the trap may run inside a redirected command: its messages go here
cleanup() {
  local rc=$? p
  # the passes: timeout passes TERM on to unshare, whose --kill-child
  # kills the namespace's PID 1, and with it every process in it
  for p in ${ns_pids[@]+"${ns_pids[@]}"}; do kill -TERM "$p" 2>/dev/null || true; done
  for p in ${ns_pids[@]+"${ns_pids[@]}"}; do
    for _ in 1 2 3 4 5; do kill -0 "$p" 2>/dev/null || break; sleep 1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  if [ -e "$apt_entry" ]; then
    rm -f "$apt_entry"
    echo "[mit] removed the temporary deb-src entry; apt-get update" >&3
    apt-get update -q >/dev/null 2>&1 ||
      echo "[mit] WARNING: apt-get update after removing it failed" >&3
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------ 1. the source --
deb_version=$(dpkg-query -W -f='${source:Version}' libkrb5-3 2>/dev/null || true)
[ -n "$deb_version" ] || die "libkrb5-3 is not installed (scripts/install-deps.sh)"
up_version=${deb_version#*:}; up_version=${up_version%-*}
srcroot=$work/source
tree=
[ ! -d "$srcroot" ] || tree=$(find "$srcroot" -mindepth 1 -maxdepth 1 -type d -name 'krb5-*' | head -1)
tree=${tree:-$srcroot/krb5-$up_version}
stamp=$srcroot/.built
sys_python=/usr/bin/python3
build_id="2 PYTHON=$sys_python"   # change it when the build changes
configure_flags=()

fetch_source() {
  local sys=/etc/apt/sources.list.d/debian.sources
  [ -f "$sys" ] || die "no $sys to derive a deb-src entry from"
  grep -q '^Types:' "$sys" || die "$sys has no Types: line"
  rm -rf "$srcroot"; mkdir -p "$srcroot"
  log "fetching krb5 $deb_version source (temporary deb-src entry $apt_entry)"
  sed 's/^Types:.*/Types: deb-src/' "$sys" >"$apt_entry"
  retry apt-get update -q >"$srcroot/apt-update.log" 2>&1 ||
    { tail -20 "$srcroot/apt-update.log"; die "apt-get update (deb-src) failed"; }
  # the version of the system's libkrb5 (the one adbridge.so is built for)
  if ! (cd "$srcroot" && retry apt-get source -q "krb5=$deb_version") >"$srcroot/apt-source.log" 2>&1; then
    tail -5 "$srcroot/apt-source.log"
    log "WARNING: krb5=$deb_version not available as source; taking the candidate"
    (cd "$srcroot" && retry apt-get source -q krb5) >"$srcroot/apt-source.log" 2>&1 ||
      { tail -20 "$srcroot/apt-source.log"; die "apt-get source krb5 failed"; }
  fi
  rm -f "$apt_entry"
  retry apt-get update -q >/dev/null 2>&1 || die "apt-get update after removing the deb-src entry failed"
  log "deb-src entry removed"
  tree=$(find "$srcroot" -mindepth 1 -maxdepth 1 -type d -name 'krb5-*' | head -1)
  [ -n "$tree" ] && [ -f "$tree/src/util/k5test.py" ] || die "apt-get source left no krb5 tree"
}

# Debian's configure flags: debhelper's defaults for autoconf (what
# dh_auto_configure passes, compat 13) plus the package's own, read from
# debian/rules (override_dh_auto_configure, $(CONFIGURE_LDAP) = --with-ldap
# as in a normal, non-stage1 build).  Nothing is dropped: every flag's
# dependency is in scripts/debian-packages.txt.  Differences from Debian's
# build: in-tree instead of build/ (k5test runs from the build tree), no
# documentation (build-indep), and the tests are run, which debian/rules
# disables (override_dh_auto_test).
debian_flags() {
  local rules=$tree/debian/rules recipe f
  [ -f "$rules" ] || die "no $rules"
  recipe=$(sed -n '/^override_dh_auto_configure:/,/^$/p' "$rules" | tr '\\\t\n' '   ')
  case $recipe in *" -- "*) ;; *) die "debian/rules: no 'dh_auto_configure ... -- FLAGS' found";; esac
  recipe=${recipe#* -- }
  recipe=${recipe//'$(CONFIGURE_LDAP)'/--with-ldap}
  case $recipe in *'$('*) die "debian/rules: unknown make variable in configure flags: $recipe";; esac
  configure_flags=(--build=x86_64-linux-gnu --prefix=/usr '--includedir=${prefix}/include'
    '--mandir=${prefix}/share/man' '--infodir=${prefix}/share/info' --sysconfdir=/etc
    --localstatedir=/var --disable-option-checking --disable-silent-rules
    '--libdir=${prefix}/lib/x86_64-linux-gnu' --runstatedir=/run
    --disable-maintainer-mode --disable-dependency-tracking)
  for f in $recipe; do configure_flags+=("$f"); done
}

# The directories whose Makefile runs Python test scripts, in a fixed order.
pytest_dirs() {
  (cd "$tree/src" && grep -l -F '$(RUNPYTEST)' --include=Makefile -r . |
    sed -e 's|^\./||' -e 's|/\?Makefile$||' | sort)
}

build_source() {
  local s=$tree/src
  debian_flags
  log "configure (in-tree): ${configure_flags[*]}"
  (
    cd "$s"
    eval "$(dpkg-buildflags --export=sh)"   # Debian's CFLAGS/CPPFLAGS/LDFLAGS
    # Debian's python3 (not one earlier in PATH): the suite's optional
    # modules (python3-kdcproxy, python3-pyrad) are installed for it
    PYTHON=$sys_python ./configure "${configure_flags[@]}"
  ) >"$srcroot/configure.log" 2>&1 || { tail -30 "$srcroot/configure.log"; die "configure failed"; }
  log "make -j$jobs"
  make -C "$s" -j"$jobs" >"$srcroot/make.log" 2>&1 || { tail -40 "$srcroot/make.log"; die "make failed"; }
  [ -f "$s/plugins/kdb/db2.so" ] && [ -f "$s/plugins/kdb/test.so" ] ||
    die "the build tree has no plugins/kdb/db2.so and test.so"
  cp "$s/util/k5test.py" "$s/util/k5test.py.orig"
  echo "$deb_version $build_id" >"$stamp"
}

# The programs the scripts run: check-pytests' prerequisites, and the
# programs a script runs from its own directory ('./NAME') that `make
# check` builds as a prerequisite of another target (lib/krb5/krb's
# t_in_ccache_patypes.py needs ./t_in_ccache, which its check-pytests
# target does not list).
test_programs() {
  local s=$tree/src d n
  log "building the programs check-pytests needs"
  make -C "$s" runenv.py >>"$srcroot/make.log" 2>&1 || die "make runenv.py failed"
  for d in $(pytest_dirs); do
    make -C "$s/$d" -j"$jobs" check-pytests RUNPYTEST=: >>"$srcroot/make.log" 2>&1 ||
      { tail -30 "$srcroot/make.log"; die "building check-pytests prerequisites in $d failed"; }
    for n in $(cd "$s/$d" && cat ./*.py 2>/dev/null | grep -o "'\./[A-Za-z0-9_]*'" | tr -d "'" | sed 's|^\./||' | sort -u); do
      [ -e "$s/$d/$n" ] && continue
      make -C "$s/$d" -n "$n" >/dev/null 2>&1 || continue   # no rule: not a program
      make -C "$s/$d" "$n" >>"$srcroot/make.log" 2>&1 || die "make $n in $d failed"
    done
  done
}

if [ -f "$stamp" ] && [ -d "$tree/src" ] && [ "$(cat "$stamp")" = "$deb_version $build_id" ]; then
  log "reusing the krb5 $deb_version build in $tree"
else
  t0=$(date +%s)
  fetch_source
  build_source
  log "fetch + build: $(( $(date +%s) - t0 )) s"
fi
test_programs     # quick when they are there
[ $build_only = 0 ] || { log "--build-only: done"; exit 0; }

# ---------------------------------------- 3. patch k5test, add module --
s=$tree/src
"$sys_python" "$here/patch_k5test.py" "$s/util/k5test.py.orig" "$s/util/k5test.py" ||
  die "patching k5test.py failed"
rm -rf "$s/util/__pycache__"
cp "$module" "$s/plugins/kdb/adbridge.so"
: >"$s/skiptests"

# ------------------------------------------------------- 4. the passes --
results=$work/results
rm -rf "$results"
mkdir -p "$results"
mapfile -t dirs < <(pytest_dirs)
[ ${#dirs[@]} -gt 0 ] || die "no directory with Python tests in $s"
pass_timeout=${MIT_PASS_TIMEOUT:-1500}     # seconds, a whole pass
script_timeout=${MIT_SCRIPT_TIMEOUT:-600}  # seconds, one script

# run_pass NAME MODE [SCRIPT...]: one pass in its own namespaces; its exit
# status is the pass's (not the scripts': those are in results.tsv).
run_pass() {
  local name=$1 mode=$2; shift 2
  local out=$results/$name t0 rc=0
  t0=$(date +%s)
  mkdir -p "$out/conf"
  : >"$out/results.tsv"
  : >"$out/only"                    # the scripts to run; empty: all
  [ $# -eq 0 ] || printf '%s\n' "$@" >"$out/only"
  : >"$s/skiptests"
  log "pass $name (ADB_MIT_MODE=$mode)${1:+: $# scripts}"
  ADB_MIT_MODE=$mode ADB_MIT_OUT=$out ADB_MIT_CONFDIR=$out/conf \
    ADB_MIT_SRCTOP=$s ADB_MIT_SCRIPT_TIMEOUT=$script_timeout \
    timeout -k 10 "$pass_timeout" \
    unshare --net --pid --mount --fork --kill-child --mount-proc -- \
    bash "$here/pass.sh" "$s" "${dirs[@]}" >"$out/pass.log" 2>&1 &
  ns_pids=($!)
  wait "${ns_pids[0]}" || rc=$?
  ns_pids=()
  log "pass $name: exit $rc, $(( $(date +%s) - t0 )) s"
  pass_rc+=("$name:$rc")
}

pass_rc=()
t_tests=$(date +%s)
run_pass stock stock
run_pass adbridge-db2 db2
# adbridge-test: the scripts in which a realm used the test module
mapfile -t test_scripts < <(awk -F'\t' '$1 == "realm" && $5 == "test" {print $2}' \
  "$results/stock/trace.tsv" 2>/dev/null | sort -u)
if [ ${#test_scripts[@]} -eq 0 ]; then
  log "no script used the test KDB module in the stock pass: harness error"
  pass_rc+=("adbridge-test:1")
else
  run_pass adbridge-test test "${test_scripts[@]}"
fi
t_end=$(date +%s)

# ----------------------------------------------------------- 5. report --
rc=0
"$sys_python" "$here/report.py" "$results" "${pass_rc[@]}" | tee "$results/report.txt" || rc=$?
echo "MIT stage: $(( t_end - t_start )) s in all, test passes $(( t_end - t_tests )) s" |
  tee -a "$results/report.txt"
exit $rc
