#!/bin/bash
# SPDX-License-Identifier: MIT
# selftest.sh - prove that diff_pac.py can fail.
#
#   tests/diff/selftest.sh [PATH/TO/adbridge]
#
# Runs diff_pac.py against fake_adbridge.py, which answers like a perfect
# adbridge (Samba's decoder) and then spoils one thing per run; every spoilt
# run must fail (exit 1) and name the JSON path or contract it broke, and
# the unspoilt run must pass.  With a real adbridge, also: the real one must
# pass on the same inputs, and the real one's output spoilt in the same ways
# must fail.  Exit status 0 if every expectation held.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
py=/usr/bin/python3
real=${1:-}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Inputs: two PACs both decoders accept, one Samba rejects (truncated).
mkdir -p "$tmp/in" "$tmp/real"
"$py" "$root/bench/gen_pac.py" --groups 5 --out "$tmp/in/typical.pac" || exit 1
"$py" "$root/bench/gen_pac.py" --groups 3 --extra-sids 3 --resource-groups 2 \
    --out "$tmp/in/resource.pac" || exit 1
head -c 100 "$tmp/in/typical.pac" > "$tmp/in/truncated.pac"
cp "$tmp/in/typical.pac" "$tmp/real/"

fails=0
runs=0

# expect NAME WANT_RC PATTERN [diff_pac args...]; FAKE_* come from the env.
expect() {
    local name=$1 want=$2 pattern=$3 rc out
    shift 3
    runs=$((runs + 1))
    out=$("$py" "$here/diff_pac.py" "$@" 2>&1)
    rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "selftest FAIL $name: exit $rc, expected $want"
        echo "$out" | sed 's/^/    /' | tail -15
        fails=$((fails + 1))
    elif ! grep -qF -- "$pattern" <<<"$out"; then
        echo "selftest FAIL $name: output lacks: $pattern"
        echo "$out" | sed 's/^/    /' | tail -15
        fails=$((fails + 1))
    else
        echo "selftest ok   $name: exit $rc, found: $pattern"
    fi
}

fake=(--adbridge "$here/fake_adbridge.py")

# The fake must be able to pass, else the failures below prove nothing.
FAKE_ADBRIDGE_MODE=same expect same 0 \
    "diff: 3 passed, 0 failed, 0 skipped" "${fake[@]}" "$tmp/in"

for spec in \
    "alter-rid|logon_info.groups[0].rid: adbridge 1101 != Samba 1100" \
    "alter-sid|sids[0].sid:" \
    "int-to-bool|logon_info.user_flags: adbridge true != Samba 32" \
    "int-to-string|attributes_info.flags: adbridge \"1\" != Samba 1" \
    "drop-key|requestor: adbridge \"<missing>\"" \
    "extra-key|extra: adbridge 1 != Samba \"<missing>\"" \
    "swap-sids|sids[1].sid:" \
    "drop-signature|signatures.length: adbridge 1 != Samba 2" \
    "rodc|signatures[0].rodc_id: adbridge 1 != Samba null" \
    "null-to-empty|logon_info.resource_domain_sid: adbridge \"\" != Samba null" \
    "accept-all|but adbridge accepts" \
    "crash|killed by signal 11" \
    "stdout-on-error|bytes on stdout" \
    "two-error-lines|2 stderr lines" \
    "not-json|stdout is not JSON"
do
    mode=${spec%%|*}
    FAKE_ADBRIDGE_MODE=$mode expect "$mode" 1 "${spec#*|}" \
        "${fake[@]}" "$tmp/in"
done

# Rejecting what Samba accepts is allowed (skipped) ... unless the PAC is real.
FAKE_ADBRIDGE_MODE=reject-all expect reject-all 0 \
    "diff: 1 passed, 0 failed, 2 skipped" "${fake[@]}" "$tmp/in"
FAKE_ADBRIDGE_MODE=reject-all expect reject-all-must-accept 1 \
    "real PAC rejected by adbridge" "${fake[@]}" --must-accept "$tmp/real"

if [ -n "$real" ]; then
    expect real-adbridge 0 "diff: 3 passed, 0 failed, 0 skipped" \
        --adbridge "$real" "$tmp/in"
    for spec in \
        "alter-rid|logon_info.groups[0].rid: adbridge 1101 != Samba 1100" \
        "swap-sids|sids[1].sid:" \
        "drop-key|requestor: adbridge \"<missing>\"" \
        "int-to-bool|logon_info.user_flags: adbridge true != Samba 32"
    do
        mode=${spec%%|*}
        FAKE_ADBRIDGE_REAL=$real FAKE_ADBRIDGE_MODE=$mode \
            expect "real+$mode" 1 "${spec#*|}" "${fake[@]}" "$tmp/in"
    done
fi

echo "selftest: $((runs - fails)) of $runs expectations held"
[ "$fails" -eq 0 ]
