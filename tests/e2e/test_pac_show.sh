#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/test_pac_show.sh ADBRIDGE BED_DIR
# `adbridge pac show` on the cross-realm TGTs a real Samba AD DC issued to the
# bed's users: every user's decoded PAC checked against what was created in
# AD, the error paths, and save + decode giving the same result.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
adb=$1 bed=$2
e2e_open "$bed"
show() { "$adb" pac show --ccache "$CCACHE_DIR/$1" --keytab "$TRUST_KEYTAB" --service "$TRUST_PRINCIPAL" "${@:2}"; }

for u in $DEMO_USERS; do
  show "$u" --json >"$work/$u.json" || fail "pac show $u"
  $SYS_PY "$E2E_HOME/check_pac_show.py" "$bed" "$u" "$work/$u.json"
  # Saved raw PAC decodes to the same document.
  show "$u" --save "$work/$u.pac" >/dev/null
  [ "$(stat -c %a "$work/$u.pac")" = 600 ] || fail "--save file mode is not 0600"
  "$adb" pac decode --json "$work/$u.pac" >"$work/$u.dec.json"
  $SYS_PY - "$work/$u.json" "$work/$u.dec.json" <<'PY' || fail "save/decode differs for $u"
import json, sys
a = json.load(open(sys.argv[1]))["pac"]; b = json.load(open(sys.argv[2]))
sys.exit(0 if a == b else 1)
PY
done
# Human output names the user and spells out attributes.
show alice >"$work/alice.txt"
grep -q "alice" "$work/alice.txt" || fail "human output lacks the user"
grep -q "mandatory,enabled-by-default,enabled" "$work/alice.txt" || fail "attributes not spelled out"
grep -q "S-1-18-1" "$work/alice.txt" || fail "extra SID missing from human output"

# Error paths: exit 1, exactly one line on stderr, nothing on stdout.
expect_fail() {  # expect_fail WHAT CMD...
  local what=$1 rc=0; shift
  "$@" >"$work/out" 2>"$work/err" || rc=$?
  [ $rc = 1 ] || fail "$what: exit $rc, expected 1"
  [ ! -s "$work/out" ] || fail "$what: printed to stdout"
  [ "$(wc -l <"$work/err")" = 1 ] || { cat "$work/err"; fail "$what: not one stderr line"; }
  echo "ok error: $what -> $(cat "$work/err")"
}
expect_fail "wrong key" "$adb" pac show --ccache "$CCACHE_DIR/alice" --keytab "$DEVICE_KEYTAB" --service "$TRUST_PRINCIPAL"
expect_fail "no such ticket" "$adb" pac show --ccache "$CCACHE_DIR/alice" --keytab "$TRUST_KEYTAB" --service "krbtgt/NOPE.EXAMPLE@AD.EXAMPLE.COM"
head -c 100 "$work/alice.pac" >"$work/trunc.pac"
expect_fail "truncated PAC" "$adb" pac decode "$work/trunc.pac"
grep -q "offset" "$work/err" || fail "truncated PAC error names no offset"
: >"$work/empty.pac"
expect_fail "empty file" "$adb" pac decode "$work/empty.pac"
expect_fail "not a PAC" "$adb" pac decode /etc/hostname
# A valid container whose LOGON_INFO is cut: the error names buffer and field.
$SYS_PY - "$work/alice.pac" "$work/cut.pac" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
n = struct.unpack_from("<I", d, 0)[0]
for i in range(n):
    t, size, off = struct.unpack_from("<IIQ", d, 8 + 16 * i)
    if t == 1:
        struct.pack_into("<I", d, 8 + 16 * i + 4, size - 40)
open(sys.argv[2], "wb").write(d)
PY
expect_fail "cut LOGON_INFO" "$adb" pac decode "$work/cut.pac"
grep -q "LOGON_INFO" "$work/err" || fail "error does not name LOGON_INFO"
echo "pac show: all users and error paths passed"
