# SPDX-License-Identifier: MIT
# tests/e2e/lib.sh - shared by the end-to-end test scripts (source it).
#
# End-to-end tests need root (network namespaces, Samba, krb5kdc).  Outside
# CI they may skip, loudly, with exit code 77 (ctest's SKIP_RETURN_CODE);
# under CI=true a missing precondition is a failure.

E2E_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$E2E_HOME/../.." && pwd)
TESTBED="$TOP/tests/testbed/testbed.sh"
SYS_PY=/usr/bin/python3

e2e_require() {
  local why=""
  [ "$(id -u)" = 0 ] || why="needs root (network namespaces, Samba AD DC, krb5kdc)"
  if [ -z "$why" ]; then
    for c in samba samba-tool krb5kdc kdb5_util kinit ip; do
      command -v "$c" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
      command -v "$c" >/dev/null 2>&1 || { why="missing $c (run scripts/install-deps.sh)"; break; }
    done
  fi
  [ -z "$why" ] && return 0
  e2e_cannot_run "$why"
}

# e2e_cannot_run WHY: fail under CI=true, else skip loudly (exit 77).
e2e_cannot_run() {
  local why=$1
  if [ "${CI:-}" = true ]; then
    echo "FAIL: end-to-end test cannot run under CI: $why" >&2
    exit 1
  fi
  echo "########################################################################" >&2
  echo "## SKIPPED end-to-end test $(basename "$0"): $why" >&2
  echo "## It runs in CI (CI=true), where skipping is a failure."             >&2
  echo "########################################################################" >&2
  exit 77
}

# e2e_bed_ready DIR: the bed made by the fixture must be up.
e2e_bed_ready() {
  [ -f "$1/env" ] || { echo "FAIL: test bed $1 is not up (fixture e2e.testbed.up failed?)" >&2; exit 1; }
}

# e2e_use_bed DIR: the fixture's bed in DIR must be up; sets $bed to DIR's
# physical path and exports everything of its env (set -a).
e2e_use_bed() {
  e2e_bed_ready "$1"
  bed=$(cd "$1" && pwd -P)
  set -a
  . "$bed/env"
  set +a
}

fail() { echo "FAIL: $*" >&2; exit 1; }

# e2e_open DIR: the fixture's bed in DIR must be up; its env is sourced and
# $work is a scratch directory removed on exit.
e2e_open() {
  e2e_bed_ready "$1"
  . "$1/env"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
}
