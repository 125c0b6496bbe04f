#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/test_device_sample.sh BED_DIR [BUILD_DIR]
# samples/device built only through the pkg-config file of an installed
# libadbridge-client, then run against the bed (fixture adbed_bridge):
# alice is Administrator, bob Viewer, carol none (refused by the KDC), a
# wrong password none.  With BUILD_DIR, the build is installed into a
# scratch DESTDIR first (the staged .pc's prefix pointed there); without,
# the system's installed package is used (tests/pkg/test_package.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
command -v pkg-config >/dev/null 2>&1 || e2e_cannot_run "missing pkg-config"
bed=$1 build=${2:-}
e2e_bed_ready "$bed"
set -a
. "$bed/env"
set +a
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$E2E_HOME/bridge_lib.sh"
runenv=()
if [ -n "$build" ]; then
  echo "== install $build into a scratch DESTDIR"
  DESTDIR=$work/stage cmake --install "$build" >"$work/install.log" 2>&1 ||
    { tail -20 "$work/install.log"; fail "cmake --install"; }
  pc=$(find "$work/stage" -name adbridge-client.pc | head -1)
  [ -n "$pc" ] || fail "cmake --install put no adbridge-client.pc"
  so=$(find "$work/stage" -name 'libadbridge-client.so.0' | head -1)
  [ -n "$so" ] || fail "no libadbridge-client.so.0 installed"
  hdr=$(find "$work/stage" -path '*/include/adbridge/adbc.h' | head -1)
  [ -n "$hdr" ] || fail "no <adbridge/adbc.h> installed"
  # the staged .pc, moved with its files: only its prefix line changes
  prefix=$(sed -n 's/^prefix=//p' "$pc")
  sed -i "s|^prefix=.*|prefix=$work/stage$prefix|" "$pc"
  export PKG_CONFIG_PATH=$(dirname "$pc")
  runenv=(env "LD_LIBRARY_PATH=$(dirname "$so")")
  echo "  $pc, $so"
fi
echo "== pkg-config adbridge-client: $(pkg-config --modversion adbridge-client)"
cp "$TOP/samples/device/device_login.c" "$TOP/samples/device/Makefile" "$work/"
make -C "$work" CFLAGS="-O2 -Wall -Wextra -Werror" >"$work/make.log" 2>&1 ||
  { cat "$work/make.log"; fail "samples/device does not build with pkg-config"; }
sed 's/^/  /' "$work/make.log"
objdump -p "$work/device_login" | grep -q 'NEEDED *libadbridge-client.so.0' ||
  fail "device_login does not link libadbridge-client.so.0"

# device USER PASSWORD WANT_ROLE WANT_EXIT
device() {
  local rc=0
  printf '%s\n' "$2" | tb "${runenv[@]}" "$work/device_login" "$1" "$DEVICE_KEYTAB" \
    "$DEVICE_PRINCIPAL" >"$work/out" 2>&1 || rc=$?
  grep -qx "role: $3" "$work/out" && [ $rc = "$4" ] ||
    { cat "$work/out"; fail "device_login $1: expected role $3, exit $4 (got $rc)"; }
  echo "  $1: $(tr '\n' ' ' <"$work/out")"
}
echo "== device_login against the bed"
device "alice@$AD_REALM" "$(pw_of alice)" Administrator 0
device "bob@$AD_REALM" "$(pw_of bob)" Viewer 0
device "carol@$AD_REALM" "$(pw_of carol)" none 1
grep -qx "outcome: refused" "$work/out" || fail "carol: not refused"
device "alice@$AD_REALM" "wrong-$(pw_of alice)" none 1
grep -qx "outcome: wrong-password" "$work/out" || fail "wrong password: other outcome"
echo "PASS: samples/device"
