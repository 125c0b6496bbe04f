#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# demo.sh - README's first command: install dependencies, build adbridge, and
# run its main job on an embedded default: a throw-away Samba AD DC
# (AD.EXAMPLE.COM) and an MIT realm (LOCAL.EXAMPLE) whose real krb5kdc loads
# adbridge, with a trust between them, all inside a private network
# namespace (loopback only).  AD users sign in to AD and ask the MIT realm for
# a device's service ticket: alice (AD group "PBX Admins") gets
# adbridge-admin, bob ("PBX Viewers") adbridge-viewer, carol (no mapped
# group) is refused.  Along the way it shows the PAC AD sent and why adbridge
# decided as it did.
#
# Run as root on Debian 12.  A second run rebuilds the bed from scratch.
# DEMO_KEEP=1 leaves the bed running
# (stop it: tests/testbed/testbed.sh down build/demo).
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
[ "$(id -u)" = 0 ] || { echo "demo: run as root (apt-get, network namespace, Samba)" >&2; exit 1; }

bash scripts/install-deps.sh
cmake -S . -B build/main >/dev/null
cmake --build build/main -j"$(nproc)" --target adbridge adbridge_kdb gss_probe >/dev/null
bed=$top/build/demo
adb=$top/build/main/adbridge
probe=$top/build/main/tests/gss_probe
work=$(mktemp -d)
cleanup() {
  rm -rf "$work"
  [ "${DEMO_KEEP:-}" = 1 ] || tests/testbed/testbed.sh down "$bed" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "== bringing up Samba AD (AD.EXAMPLE.COM) and MIT krb5kdc (LOCAL.EXAMPLE) with adbridge loaded"
if ! bash tests/e2e/bridge_bed.sh up "$bed" "$top/build/main/bridge/module" >"$work/bed.log" 2>&1; then
  tail -20 "$work/bed.log" >&2
  echo "demo: the test bed did not come up" >&2
  exit 1
fi
grep -E "^testbed: .*up: ready" "$work/bed.log" || true
set -a
. "$bed/env"
set +a
tb() { tests/testbed/testbed.sh exec "$bed" "$@"; }

# The MIT side of the trust with the wizard: the bed made it by hand
# (kadmin.local); take that away, then `adbridge trust add` creates the
# inter-realm principals and the trust's stanza from the trust password (the
# same one AD's side holds), and `map add` maps AD's groups.  AD's side
# stands in for Windows' `netdom trust ... /add /realm`: the bed's LSA
# trusted domain object, made again without a password version so that
# Samba, like Windows, stamps kvno 0 on its cross-realm tickets.
echo
echo "== the MIT side of the trust: adbridge trust add (then map add)"
"$adb" --config "$bed/adbridge.conf" trust remove "$AD_REALM" --yes >/dev/null
tb "$adb" --config "$bed/adbridge.conf" trust add "$AD_REALM" --yes \
    --netbios "$AD_NETBIOS" --domain-sid "$AD_DOMAIN_SID" --kdc "$AD_DC_IP" \
    --password-file "$TRUST_PASSWORD_FILE" | sed 's/^/   /'
"$adb" --config "$bed/adbridge.conf" map add "$AD_REALM" rid:1103 admin --comment 'ADEX\PBX Admins' | sed 's/^/   /'
"$adb" --config "$bed/adbridge.conf" map add "$AD_REALM" rid:1104 viewer --comment 'ADEX\PBX Viewers' | sed 's/^/   /'
tb /usr/bin/python3 tests/e2e/trust_tdo.py reset "$bed" "$TRUST_PASSWORD_FILE" "" >/dev/null
sleep 1.2   # adbridge looks at its file at most once a second
echo "   trust verify:"
pw=$(awk '$1 == "alice" { sub(/^[^ ]+ /, ""); print; exit }' "$USER_PASSWORDS_FILE")
( umask 077; printf '%s\n' "$pw" >"$work/alice.pw" ); pw=
tb "$adb" --config "$bed/adbridge.conf" trust verify "$AD_REALM" --user "alice@$AD_REALM" \
    --password-file "$work/alice.pw" | head -1 | sed 's/^/     /'

echo
echo "== the KDC's [dbmodules] stanza and adbridge's configuration:"
sed -n '/^\[dbmodules\]/,/^\[/p' "$bed/kdc.conf" | grep -v '^\[realms' | sed 's/^/   /'
grep -v '^ *#' "$bed/adbridge.conf" | sed 's/^/   /'

trust=$TRUST_PRINCIPAL
echo
echo "== what AD put into alice's cross-realm TGT ($trust), decrypted with the"
echo "== trust key and its signature verified: adbridge pac show"
"$adb" pac show --ccache "$CCACHE_DIR/alice" --keytab "$TRUST_KEYTAB" --service "$trust" |
  sed -n '/^Ticket/,/^PAC buffers/p;/Groups (/,/Resource groups/p' | sed 's/^/   /'

# Each user: a fresh TGT from AD (password read from the bed's secrets, never
# shown), then a service ticket from the MIT KDC, opened by a GSSAPI acceptor
# that prints what the ticket carries.
for u in alice bob carol; do
  pw=$(awk -v u="$u" '$1 == u { sub(/^[^ ]+ /, ""); print; exit }' "$USER_PASSWORDS_FILE")
  printf '%s\n' "$pw" | tb env KRB5CCNAME="FILE:$work/$u.cc" kinit "$u@$AD_REALM" >/dev/null 2>&1
  pw=
  echo
  echo "== $u asks LOCAL.EXAMPLE for $DEVICE_PRINCIPAL"
  if tb env KRB5CCNAME="FILE:$work/$u.cc" KRB5_KTNAME="FILE:$DEVICE_KEYTAB" \
       "$probe" "$DEVICE_PRINCIPAL" >"$work/out" 2>"$work/err"; then
    echo "   service ticket issued; the device sees:"
    sed 's/^/     /' "$work/out"
  else
    echo "   REFUSED by the KDC: $(sed 's/^gss_probe: //' "$work/err" | head -1)"
  fi
  echo "   why (adbridge explain):"
  "$adb" explain --config "$bed/adbridge.conf" --trust "$AD_REALM" \
      --ccache "$CCACHE_DIR/$u" --keytab "$TRUST_KEYTAB" --service "$trust" 2>&1 |
    sed 's/^/     /' || true
done

echo
echo "== the KDC's log lines from adbridge:"
grep -h "adbridge: \(ALLOW\|REFUSE\)" "$bed/log/krb5kdc.log" | tail -3 | sed 's/^.*adbridge: /   adbridge: /'
