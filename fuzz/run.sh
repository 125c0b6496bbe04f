#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fuzz/run.sh BUILD_DIR SECONDS [OUT_CORPUS_DIR]
# Runs every fuzz target for SECONDS each from its seed corpus (the real AD
# PACs in tests/fixtures plus fuzz/corpus/<target>).  Any crash, leak or
# sanitizer report makes it exit non-zero; the crashing input is kept in
# fuzz/artifacts/ for the regression corpus.
set -euo pipefail
build=$1 secs=$2 out=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
mkdir -p "$here/artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in fuzz_pac fuzz_pac_roundtrip fuzz_conf fuzz_map_arg fuzz_authdata fuzz_adl \
         fuzz_dns_answer fuzz_dns_failover fuzz_netlogon; do
  corpus="$work/$t"
  mkdir -p "$corpus"
  case $t in
    fuzz_conf) cp "$top"/samples/adbridge.conf "$top"/tests/cli/configs/*.conf "$corpus"/ 2>/dev/null || true ;;
    fuzz_map_arg|fuzz_authdata|fuzz_adl|fuzz_dns_answer|fuzz_dns_failover|fuzz_netlogon) ;;   # seeds only from fuzz/corpus/<target>
    *) cp "$top"/tests/fixtures/*.pac "$corpus"/ 2>/dev/null || true ;;
  esac
  [ -d "$here/corpus/$t" ] && cp "$here/corpus/$t"/* "$corpus"/ 2>/dev/null || true
  echo "fuzz: $t for ${secs}s from $(ls "$corpus" | wc -l) seeds"
  "$build/fuzz/$t" -max_total_time="$secs" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$here/artifacts/$t-" "$corpus" 2>"$work/$t.log" || {
    tail -50 "$work/$t.log"; echo "fuzz: $t FAILED"; exit 1; }
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)" "$work/$t.log" || true
  if [ -n "$out" ]; then mkdir -p "$out/$t"; cp "$corpus"/* "$out/$t"/; fi
  echo "fuzz: $t passed"
done
