#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/test_diff_real.sh ADBRIDGE BED_DIR
# Differential test on the PACs the real Samba AD DC issued just now: our
# decoder and Samba's (python3-samba ndr_unpack of PAC_DATA) must agree on
# every field; none may be rejected.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
adb=$1 bed=$2
e2e_open "$bed"
for u in $DEMO_USERS; do
  "$adb" pac show --ccache "$CCACHE_DIR/$u" --keytab "$TRUST_KEYTAB" \
      --service "$TRUST_PRINCIPAL" --save "$work/$u.pac" >/dev/null
done
cp "$TOP"/tests/fixtures/*.pac "$work/" 2>/dev/null || true
$SYS_PY "$TOP/tests/diff/diff_pac.py" --adbridge "$adb" --must-accept "$work"
