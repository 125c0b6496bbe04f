#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/install-deps.sh - install what adbridge needs on Debian 12 (root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: must run as root (apt-get)" >&2
  exit 1
fi
pkgs=$( { cat "$here/debian-packages.txt"; cat "$top/tests/testbed/PACKAGES" 2>/dev/null || true; } |
       sed -e 's/#.*//' -e 's/[[:space:]]//g' | grep -v '^$' | sort -u)
missing=
for p in $pkgs; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$st" = "install ok installed" ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing $(echo $missing | wc -w) packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $missing
