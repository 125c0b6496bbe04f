#!/bin/bash
# SPDX-License-Identifier: MIT
# run.sh - build and run the PAC decoder benchmark.
#
#   bench/run.sh BUILD_DIR [bench_pac options, e.g. --time 0.5 --rounds 5]
#
# BUILD_DIR is a CMake build tree of this project (configured with
# ADB_BENCH=ON, the default).  Inputs: a typical PAC (--groups 5) and a big
# one (--groups 1000) made by gen_pac.py, plus every tests/fixtures/*.pac
# (PACs captured from a real Samba AD).  Prints bench_pac_alloc's heap
# figures, then bench_pac's timings.  Exit status: 1 if a decoder rejected
# an input or something could not be built, else 0.
set -eu

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 BUILD_DIR [bench_pac options]" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

cmake --build "$build" --target bench_pac >/dev/null
bench=$build/bench/bench_pac
[ -x "$bench" ] || { echo "$0: $bench was not built (samba-dev missing?)" >&2; exit 1; }
# Absent in sanitizer builds (see CMakeLists.txt).
alloc=$build/bench/bench_pac_alloc
cmake --build "$build" --target bench_pac_alloc >/dev/null 2>&1 || alloc=

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 "$here/gen_pac.py" --groups 5 --out "$tmp/gen-typical.pac"
/usr/bin/python3 "$here/gen_pac.py" --groups 1000 --out "$tmp/gen-groups1000.pac"
inputs=(gen-typical.pac gen-groups1000.pac)
for f in "$root"/tests/fixtures/*.pac; do
    [ -f "$f" ] || continue
    cp "$f" "$tmp/fixture-$(basename "$f")"
    inputs+=("fixture-$(basename "$f")")
done

cd "$tmp"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC')  $(uname -srm)  $(nproc) CPU(s): $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
btype=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
san=$(sed -n 's/^ADB_SANITIZE:BOOL=//p' "$build/CMakeCache.txt")
echo "# build: ${btype:-?}, ADB_SANITIZE=${san:-?}"
case "$btype:$san" in
    Release:OFF|RelWithDebInfo:OFF|MinSizeRel:OFF) ;;
    *) echo "# WARNING: not an optimized, unsanitized build: figures mean little" ;;
esac
echo
if [ -n "$alloc" ] && [ -x "$alloc" ]; then
    "$alloc" "${inputs[@]}"
    echo
fi
"$bench" "$@" "${inputs[@]}"
echo
cmake --build "$build" --target bench_map >/dev/null
"$build/bench/bench_map" gen-groups1000.pac
echo
# KDC/DC discovery: library, cold location, hung first KDC (needs root,
# dnsmasq and krb5kdc; figures only)
if [ "$(id -u)" = 0 ] &&
   { command -v dnsmasq || [ -x /usr/sbin/dnsmasq ]; } >/dev/null 2>&1; then
    bash "$here/dns_bench.sh" "$build" || echo "dns_bench could not run"
fi
