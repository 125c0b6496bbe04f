#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/bed.sh up|down DIR - the ctest fixture around tests/testbed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
exec "$TESTBED" "$@"
