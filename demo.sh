#!/usr/bin/env bash
# demo.sh - README's first command: install dependencies, build adbridge, and
# run the main job on an embedded default: a throw-away Samba AD DC
# (AD.EXAMPLE.COM) and MIT realm (LOCAL.EXAMPLE) with a trust between them,
# inside a private network namespace (loopback only).  alice signs in to AD,
# asks the MIT realm for a service, and adbridge decodes the PAC that AD put
# into her cross-realm TGT krbtgt/LOCAL.EXAMPLE@AD.EXAMPLE.COM.
#
# Run as root on Debian 12.  A second run rebuilds the bed from scratch.
# DEMO_KEEP=1 leaves the bed running (stop it: tests/testbed/testbed.sh down build/demo).
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
[ "$(id -u)" = 0 ] || { echo "demo: run as root (apt-get, network namespace, Samba)" >&2; exit 1; }

bash scripts/install-deps.sh
cmake -S . -B build/main >/dev/null
cmake --build build/main -j"$(nproc)" --target adbridge >/dev/null
bed=$top/build/demo
if [ "${DEMO_KEEP:-}" != 1 ]; then
  trap 'tests/testbed/testbed.sh down "$bed" >/dev/null 2>&1 || true' EXIT
fi
tests/testbed/testbed.sh up "$bed"

adb=build/main/adbridge
trust=krbtgt/LOCAL.EXAMPLE@AD.EXAMPLE.COM
echo
echo "== alice's cross-realm TGT, as AD issued it:"
klist -c "$bed/ccache/alice" | sed -n '1,20p'
echo
echo "== adbridge pac show: decrypt $trust with the trust key, verify AD's"
echo "== server signature, decode the PAC"
echo "\$ adbridge pac show --ccache $bed/ccache/alice --keytab $bed/trust.keytab --service $trust"
"$adb" pac show --ccache "$bed/ccache/alice" --keytab "$bed/trust.keytab" --service "$trust"
echo
echo "== the same for erin (member of 321 AD groups), as JSON, summarised:"
"$adb" pac show --json --ccache "$bed/ccache/erin" --keytab "$bed/trust.keytab" --service "$trust" |
  /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin)["pac"]; li=d["logon_info"]; print("user %s\\%s: %d groups, %d SIDs in all; UPN %s" % (li["logon_domain"], li["effective_name"], len(li["groups"]), len(d["sids"]), d["upn_dns_info"]["upn"]))'
