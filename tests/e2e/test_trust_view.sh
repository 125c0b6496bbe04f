#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/test_trust_view.sh ADBRIDGE BED_DIR
# `adbridge trust list` and `trust show` on the bed of fixture adbed_bridge
# (its KDC database, through kadm5): the AD trust with its principal's AES
# keys and kvno, its mappings, the KDCs discovery finds in the Samba AD DC's
# DNS (127.0.0.2 inside the bed's namespace); a principal without a trust
# and a trust without its principal are flagged; an unknown trust exits 1.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
adbridge=$1 bed=$2
e2e_use_bed "$bed"
work=$(mktemp -d)
STRAY="krbtgt/$LOCAL_REALM@AD.EXAMPLE.CMO"
cleanup() {
  "$TESTBED" exec "$bed" kadmin.local -r "$LOCAL_REALM" -q "delprinc -force $STRAY" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
conf=$work/adbridge.conf
# the bed's configuration, DNS through the Samba DC only (never resolv.conf)
sed 's/^\[adbridge\]$/[adbridge]\n    dns_servers = 127.0.0.2/' "$bed/adbridge.conf" >"$conf"
grep -q "dns_servers = 127.0.0.2" "$conf" || fail "could not write $conf"
. "$E2E_HOME/bridge_lib.sh"

echo "== trust list"
tb "$adbridge" --config "$conf" trust list | sed 's/^/  /'
tb "$adbridge" --config "$conf" trust list --json >"$work/list.json"
$SYS_PY - "$work/list.json" "$LOCAL_REALM" <<'PY' || { cat "$work/list.json"; fail "trust list"; }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["local_realm"] == sys.argv[2], d
(t,) = d["trusts"]
assert t["realm"] == "AD.EXAMPLE.COM" and t["netbios_name"] == "ADEX", t
p = t["inbound"]
assert p["name"] == "krbtgt/%s@AD.EXAMPLE.COM" % sys.argv[2], p
assert p["keys"] and all(k["aes"] and k["kvno"] == p["kvno"] for k in p["keys"]), p
assert t["mappings"] == ["rid:1103 admin", "rid:1104 viewer"], t
assert t["missing_principal"] is False and d["principals_without_trust"] == [], d
PY

echo "== a principal without a trust, a trust without its principal"
kadm "addprinc -randkey $STRAY"
cat >>"$conf" <<CONF
    NEW.EXAMPLE.COM = {
        netbios_name = NEWEX
        domain_sid = S-1-5-21-5-6-7
    }
CONF
tb "$adbridge" --config "$conf" trust list | sed 's/^/  /'
tb "$adbridge" --config "$conf" trust list --json >"$work/list.json"
$SYS_PY - "$work/list.json" "$STRAY" <<'PY' || { cat "$work/list.json"; fail "trust list flags"; }
import json, sys
d = json.load(open(sys.argv[1]))
new = [t for t in d["trusts"] if t["realm"] == "NEW.EXAMPLE.COM"][0]
assert new["missing_principal"] is True and new["inbound"] is None, new
assert [p["name"] for p in d["principals_without_trust"]] == [sys.argv[2]], d
PY

echo "== trust show AD.EXAMPLE.COM: mappings and the KDCs found in AD's DNS"
tb "$adbridge" --config "$conf" trust show AD.EXAMPLE.COM | sed 's/^/  /'
tb "$adbridge" --config "$conf" trust show --json AD.EXAMPLE.COM >"$work/show.json"
$SYS_PY - "$work/show.json" "$AD_DC_IP" <<'PY' || { cat "$work/show.json"; fail "trust show"; }
import json, sys
t = json.load(open(sys.argv[1]))
found = {(f["address"], f["transport"]) for f in t["found"]}
assert found == {(sys.argv[2] + ":88", "udp"), (sys.argv[2] + ":88", "tcp")}, found
PY
rc=0
tb "$adbridge" --config "$conf" trust show ad.example.com >/dev/null 2>"$work/err" || rc=$?
[ $rc = 1 ] && grep -q "no trust ad.example.com" "$work/err" || { cat "$work/err"; fail "trust show of an unknown trust: exit $rc"; }
rc=0; "$adbridge" trust show >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "trust show without REALM: exit $rc"
echo "PASS: test_trust_view"
