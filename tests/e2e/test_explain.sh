#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/test_explain.sh ADBRIDGE BED_DIR
# `adbridge explain --ccache` on the cross-realm TGTs a real Samba AD DC
# issued to the bed's users: the PAC is verified as by `pac show`, then
# filtered and mapped with a test configuration built from the bed's env and
# groups.txt; check_explain.py holds the expected decision for every user.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
adb=$1 bed=$2
e2e_open "$bed"

rid() { awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$GROUPS_FILE"; }
admins=$(rid "PBX Admins") viewers=$(rid "PBX Viewers")
[ -n "$admins" ] && [ -n "$viewers" ] || fail "groups.txt lacks PBX Admins/Viewers"

write_conf() {  # write_conf FILE REFUSE_WITHOUT_RIGHTS
  cat >"$1" <<CONF
[adbridge]
    local_realm = $LOCAL_REALM
    local_domain_sid = $LOCAL_DOMAIN_SID

[trusts]
    $AD_REALM = {
        netbios_name = $AD_NETBIOS
        domain_sid = $AD_DOMAIN_SID
        refuse_without_rights = $2
        # PBX Admins
        map = rid:$admins admin
        # PBX Viewers
        map = rid:$viewers viewer
    }
CONF
}
write_conf "$work/adbridge.conf" true
write_conf "$work/allow.conf" false
"$adb" config check "$work/adbridge.conf" >/dev/null || fail "test config does not pass config check"

explain() {  # explain CONF USER [ARGS...]
  "$adb" --config "$1" explain --trust "$AD_REALM" --ccache "$CCACHE_DIR/$2" \
    --keytab "$TRUST_KEYTAB" --service "$TRUST_PRINCIPAL" "${@:3}"
}

for u in $DEMO_USERS; do
  rc=0
  explain "$work/adbridge.conf" "$u" --json >"$work/$u.json" || rc=$?
  $SYS_PY "$E2E_HOME/check_explain.py" "$bed" "$u" "$rc" "$work/$u.json"
  # The human text agrees on the decision.
  rc2=0
  explain "$work/adbridge.conf" "$u" >"$work/$u.txt" || rc2=$?
  [ "$rc2" = "$rc" ] || fail "$u: text exit $rc2, JSON exit $rc"
  grep -q "^Decision:" "$work/$u.txt" || fail "$u: no Decision line"
  # A saved PAC explains the same.
  "$adb" pac show --ccache "$CCACHE_DIR/$u" --keytab "$TRUST_KEYTAB" \
    --service "$TRUST_PRINCIPAL" --save "$work/$u.pac" >/dev/null
  rc3=0
  "$adb" --config "$work/adbridge.conf" explain --trust "$AD_REALM" \
    --pac "$work/$u.pac" --json >"$work/$u.pac.json" || rc3=$?
  # the same decision; --pac says which checks it could not make without
  # the ticket, --ccache names the ticket's client
  [ "$rc3" = "$rc" ] && $SYS_PY - "$work/$u.json" "$work/$u.pac.json" <<'PY' ||
import json, sys
t, p = (json.load(open(f)) for f in sys.argv[1:3])
assert t["checks_skipped"] == [], t["checks_skipped"]
assert p["checks_skipped"] == ["ticket-client", "client-realm", "pac-placement"], p
assert t["client"] and p["client"] is None, (t["client"], p["client"])
for d in (t, p):
    del d["checks_skipped"], d["client"]
assert t == p, (t, p)
PY
    fail "$u: explain --pac differs from explain --ccache"
done

# carol is accepted without rights when refuse_without_rights = false.
rc=0
explain "$work/allow.conf" carol --json >"$work/carol-allow.json" || rc=$?
$SYS_PY "$E2E_HOME/check_explain.py" "$bed" carol-allowed "$rc" "$work/carol-allow.json"

# Errors: a wrong key is one error line and exit 1.
rc=0
"$adb" --config "$work/adbridge.conf" explain --trust "$AD_REALM" \
  --ccache "$CCACHE_DIR/alice" --keytab "$DEVICE_KEYTAB" \
  --service "$TRUST_PRINCIPAL" >"$work/out" 2>"$work/err" || rc=$?
[ $rc = 1 ] && [ ! -s "$work/out" ] && [ "$(wc -l <"$work/err")" = 1 ] ||
  fail "wrong key: exit $rc, $(cat "$work/err")"
echo "explain: all users passed"
