#!/bin/bash
# SPDX-License-Identifier: MIT
# run.sh - the whole differential test in one command.
#
#   tests/diff/run.sh PATH/TO/adbridge [--mutants N] [DIR_OR_FILE...]
#
# Inputs (must-accept = both decoders must accept and agree):
#   must-accept  tests/fixtures/*.pac (real Samba AD PACs), samples/public
#                (MIT/Heimdal published AD PACs), PACs from bench/gen_pac.py,
#                make_variants.py valid/
#   ordinary     samples/reject, make_variants.py edge/, fuzz/corpus/*/,
#                N mutants (default 2000) of all the above, extra arguments
# Prints diff_pac.py's report; exit status 1 if anything failed.
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 PATH/TO/adbridge [--mutants N] [DIR_OR_FILE...]" >&2
    exit 2
fi
adbridge=$1
shift
mutants=2000
if [ "${1:-}" = "--mutants" ]; then
    mutants=$2
    shift 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
py=/usr/bin/python3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/gen" "$tmp/mut"
"$py" "$root/bench/gen_pac.py" --groups 5 --out "$tmp/gen/typical.pac"
"$py" "$root/bench/gen_pac.py" --groups 1000 --out "$tmp/gen/groups1000.pac"
"$py" "$root/bench/gen_pac.py" --groups 0 --extra-sids 0 --out "$tmp/gen/bare.pac"
"$py" "$root/bench/gen_pac.py" --groups 20 --extra-sids 10 \
    --resource-groups 10 --out "$tmp/gen/resource.pac"
"$py" "$here/make_variants.py" --out "$tmp/var" >/dev/null

must=(--must-accept "$here/samples/public" --must-accept "$tmp/gen"
      --must-accept "$tmp/var/valid")
seeds=("$here"/samples/public/*.pac "$tmp"/gen/*.pac "$tmp"/var/valid/*.pac)
if compgen -G "$root/tests/fixtures/*.pac" >/dev/null; then
    must+=(--must-accept "$root/tests/fixtures")
    seeds+=("$root"/tests/fixtures/*.pac)
fi
others=("$here/samples/reject" "$tmp/var/edge")
for d in "$root"/fuzz/corpus/*/; do
    [ -d "$d" ] && others+=("$d")
done
if [ "$mutants" -gt 0 ]; then
    "$py" "$here/mutate_pacs.py" --out "$tmp/mut" --count "$mutants" \
        "${seeds[@]}"
    others+=("$tmp/mut")
fi

"$py" "$here/diff_pac.py" --adbridge "$adbridge" -q "${must[@]}" \
    "${others[@]}" "$@"
