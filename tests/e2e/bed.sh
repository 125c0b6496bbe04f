#!/usr/bin/env bash
# tests/e2e/bed.sh up|down DIR - the ctest fixture around tests/testbed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
exec "$TESTBED" "$@"
