#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/run-all.sh - every test adbridge has, as CI runs them (README's second
# command).  Run as root on Debian 12 after scripts/install-deps.sh.
#
# Stages: warnings-as-errors build + unit tests; ASan/UBSan build + unit
# tests; end-to-end tests against a real Samba AD DC and MIT krb5kdc
# (network namespace, loopback only) incl. differential tests against Samba's
# decoder on the real PACs; MIT krb5's own test suite with adbridge loaded
# into every KDC (tests/mit: stock, over db2, over MIT's test module);
# the Debian package (tests/pkg/test_package.sh: built, lintian-clean,
# installed, the e2e bed on the installed module, purged without a trace);
# libFuzzer run from the real-PAC seed corpus; the
# differential test over the fuzzer's corpus; the benchmarks (figures only:
# decoder vs Samba, rights engine, KDC throughput/memory/valgrind).
#
# Environment: FUZZ_SECONDS (default 60), BUILD_ROOT (default ./build),
# SKIP_BENCH=1 to leave out the benchmark.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
root=${BUILD_ROOT:-$top/build}
fuzz_secs=${FUZZ_SECONDS:-60}
jobs=$(nproc 2>/dev/null || echo 2)
passed=0 failed=0 skipped=0
failures=()

stage() {  # stage NAME CMD... : run, record, never abort the run
  local name=$1 rc; shift
  echo
  echo "==== $name"
  "$@"
  rc=$?
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1)); echo "==== $name: passed"
  elif [ $rc -eq 77 ] && [ "${CI:-}" != true ]; then
    skipped=$((skipped + 1)); echo "==== $name: SKIPPED (runs in CI)"
  else
    failed=$((failed + 1)); failures+=("$name"); echo "==== $name: FAILED ($rc)"
  fi
  return 0
}

configure_build() {  # configure_build DIR CMAKE-ARGS...
  local dir=$1; shift
  cmake -S "$top" -B "$dir" -DADB_WERROR=ON "$@" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; return 1; }
  cmake --build "$dir" -j"$jobs" 2>&1 | grep -v -E '^\[ *[0-9]+%\]' || true
  cmake --build "$dir" -j"$jobs" >/dev/null 2>&1   # status of the build
}

mkdir -p "$root"
stage "build (warnings as errors)" configure_build "$root/main"
stage "unit tests" ctest --test-dir "$root/main" -L unit --output-on-failure
stage "build (ASan + UBSan)" configure_build "$root/asan" -DADB_SANITIZE=ON \
  -DADB_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug
stage "unit tests under ASan + UBSan" env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$root/asan" -L unit --output-on-failure
stage "end-to-end tests (Samba AD DC + MIT krb5kdc)" \
  ctest --test-dir "$root/main" -L e2e --output-on-failure
stage "MIT krb5 test suite with adbridge (check-pytests: stock, over db2, over test)" \
  bash tests/mit/run.sh "$root/main" "$root/mit"
stage "Debian package (build, lintian, install, e2e on the installed files, purge)" \
  bash tests/pkg/test_package.sh "$root/main" "$root/deb"
fuzz_build() {
  CC=clang-14 configure_build "$root/fuzz" -DADB_FUZZ=ON -DADB_BENCH=OFF -DADB_TESTS=OFF
}
stage "build (libFuzzer)" fuzz_build
rm -rf "$root/fuzz-corpus"
stage "fuzzing (${fuzz_secs}s per target)" bash fuzz/run.sh "$root/fuzz" "$fuzz_secs" "$root/fuzz-corpus"
stage "differential test over the fuzz corpus" /usr/bin/python3 tests/diff/diff_pac.py \
  --adbridge "$root/main/adbridge" "$root/fuzz-corpus/fuzz_pac"
if [ "${SKIP_BENCH:-}" != 1 ]; then
  echo; echo "==== benchmark (figures, not a test)"
  bash bench/run.sh "$root/main" || echo "benchmark could not run"
  echo; echo "==== KDC benchmark: TGS throughput and work per request, adbridge vs stock db2 and a copy-only baseline; memory; valgrind (figures, not a test)"
  bash bench/kdc_bench.sh "$root/main" || echo "KDC benchmark could not run"
fi

echo
[ ${#failures[@]} -gt 0 ] && printf 'failed stage: %s\n' "${failures[@]}"
echo "run-all: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
