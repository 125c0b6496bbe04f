#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/build-deb.sh [OUTDIR] - build the Debian packages adbridge_*.deb,
# libadbridge-client0_*.deb and libadbridge-client-dev_*.deb.
#
# Copies the tree (the files git knows, plus new files not ignored; never
# build/) to a scratch directory, runs dpkg-buildpackage -b there (debian/:
# debhelper + CMake, out of the source tree's way), and moves the .deb
# (and its -dbgsym, .buildinfo, .changes) to OUTDIR (default build/deb).
# Needs the build dependencies of debian/control (scripts/install-deps.sh).
# Prints the paths of the client library's .debs, then adbridge's .deb on
# the last line.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)
scratch=$(mktemp -d /tmp/adbridge-deb.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
src=$scratch/adbridge
mkdir "$src"

# The tree as it is (work in progress included), without build outputs.
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$top" && git ls-files -z --cached --others --exclude-standard) |
    (cd "$top" && while IFS= read -r -d '' f; do
       case $f in build/*) continue ;; esac
       [ -f "$f" ] && printf '%s\0' "$f"
     done) |
    (cd "$top" && tar --null -T - -cf -) | (cd "$src" && tar -xf -)
else
  (cd "$top" && tar --exclude=./build -cf - .) | (cd "$src" && tar -xf -)
fi

(cd "$src" && dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1 || {
  tail -n 40 "$out/build.log" >&2
  echo "build-deb: dpkg-buildpackage failed; full log: $out/build.log" >&2
  exit 1
}
# the binary packages of debian/control: adbridge, libadbridge-client0,
# libadbridge-client-dev (and their -dbgsym); one .buildinfo / .changes
pkgs="adbridge libadbridge-client0 libadbridge-client-dev"
for p in $pkgs; do
  rm -f "$out/${p}"_*.deb "$out/${p}"-dbgsym_*.deb
done
rm -f "$out"/adbridge_*.buildinfo "$out"/adbridge_*.changes
for p in $pkgs; do
  mv "$scratch/${p}"_*.deb "$out"/
  mv "$scratch/${p}"-dbgsym_*.deb "$out"/ 2>/dev/null || true
done
mv "$scratch"/adbridge_*.buildinfo "$scratch"/adbridge_*.changes "$out"/
for p in libadbridge-client0 libadbridge-client-dev; do
  ls "$out/${p}"_*.deb
done
ls "$out"/adbridge_*.deb
