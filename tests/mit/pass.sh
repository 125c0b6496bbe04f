#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/mit/pass.sh SRC DIR... - one pass of MIT's check-pytests, run by
# tests/mit/run.sh inside a fresh network, PID and mount namespace
# (unshare --net --pid --mount --mount-proc): only loopback exists here, and
# every daemon dies with the namespace.  Runs `make check-pytests` in each
# DIR of the krb5 build tree SRC with RUNPYTEST pointing at runpytest.sh,
# which runs one script and records its result (so a failing script does not
# stop the others).  Environment: ADB_MIT_MODE, ADB_MIT_OUT, ADB_MIT_CONFDIR,
# ADB_MIT_SRCTOP, ADB_MIT_SCRIPT_TIMEOUT (see run.sh and patch_k5test.py).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$1; shift
export PATH=$PATH:/usr/sbin:/sbin

ip link set lo up
# A second loopback address: glibc's getaddrinfo(AI_ADDRCONFIG) counts no
# address but 127.0.0.1 and ::1 as configured, so in a loopback-only
# namespace it finds no address family at all, and kpropd's wildcard
# listener (AI_PASSIVE | AI_ADDRCONFIG) fails with "getaddrinfo: Name or
# service not known" (t_iprop.py then waits for it until it times out).
ip addr add 127.0.0.2/8 dev lo
links=$(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | paste -sd' ')
if [ "$links" != lo ]; then
  echo "pass: the namespace has links other than lo: $links" >&2
  exit 1
fi
echo "pass: network namespace with only lo: $(ip -o addr show lo | awk '{print $4}' | paste -sd' ')"

# k5test's realms name their KDC $hostname:port; the host name must resolve
# to loopback (and only to it) here, or the KDCs could not be reached.  If
# it does not, a private /etc/hosts (this mount namespace only) says so.
host_ok() {
  python3 - <<'EOF'
import socket, sys
h = socket.gethostname()
try:
    addrs = {a[4][0] for a in socket.getaddrinfo(h, None)}
except socket.gaierror:
    sys.exit(1)
sys.exit(0 if addrs and all(a.startswith('127.') or a == '::1' for a in addrs) else 1)
EOF
}
if ! host_ok; then
  hosts=$ADB_MIT_OUT/hosts
  { grep -v -w "$(hostname)" /etc/hosts || true; echo "127.0.0.1 $(hostname)"; } >"$hosts"
  mount --bind "$hosts" /etc/hosts
  host_ok || { echo "pass: $(hostname) does not resolve to loopback" >&2; exit 1; }
  echo "pass: $(hostname) -> 127.0.0.1 through a private /etc/hosts"
fi

rc=0
for d in "$@"; do
  # OFFLINE=yes: nothing outside this namespace can be reached, so
  # t_sn2princ's DNS tests are told so (they skip).
  if ! make -s -C "$src/$d" check-pytests PYTESTFLAGS= OFFLINE=yes \
      "RUNPYTEST=bash $here/runpytest.sh \$(PYTHON)" </dev/null; then
    echo "pass: make check-pytests in $d failed (not a test script: the harness)" >&2
    printf 'make:%s\tharness\t1\t0\tmake check-pytests failed in %s\n' "$d" "$d" \
      >>"$ADB_MIT_OUT/results.tsv"
    rc=1
  fi
done
cp "$src/skiptests" "$ADB_MIT_OUT/skiptests" 2>/dev/null || true
exit $rc
