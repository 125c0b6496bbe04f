#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/mit/runpytest.sh PYTHON SCRIPT [ARGS...] - what $(RUNPYTEST) does in
# MIT's Makefiles (PYTHONPATH=$(top_srcdir)/util VALGRIND= $(PYTHON) SCRIPT),
# for tests/mit/pass.sh: runs the script in make's directory, records
#   ID <tab> pass|fail|skip|notrun <tab> exit code <tab> seconds <tab> skip notes
# in $ADB_MIT_OUT/results.tsv, keeps its output, and for a failure its
# testlog and testdir (k5test's realms: kdc.conf, kdc.log, ...).  Always
# exits 0 so that make goes on with the next script.
#
# skip = exited 0 after k5test's skip_rest() (a "*** Skipping" line and no
# "*** Success"); pass with notes = succeeded after skipped() parts.
set -uo pipefail
py=$1 script=$2; shift 2
case $script in /*) ;; *) script=$PWD/$script ;; esac
script=$(realpath -m "$script")
id=${script#"$(realpath "$ADB_MIT_SRCTOP")"/}
out=$ADB_MIT_OUT
key=${id//\//_}

if [ -s "$out/only" ] && ! grep -qxF "$id" "$out/only"; then
  printf '%s\tnotrun\t-\t0\t\n' "$id" >>"$out/results.tsv"
  exit 0
fi

mkdir -p "$out/scripts"
log=$out/scripts/$key.log
rm -f testlog
t0=$(date +%s%N)
ADB_MIT_SCRIPT=$id PYTHONPATH=$ADB_MIT_SRCTOP/util VALGRIND= \
  timeout -k 10 "${ADB_MIT_SCRIPT_TIMEOUT:-600}" "$py" "$script" "$@" \
  >"$log" 2>&1 </dev/null
rc=$?
secs=$(( ($(date +%s%N) - t0 + 500000000) / 1000000000 ))

skips=$(cat "$log" testlog 2>/dev/null | sed -n 's/^\*\*\* Skipping: //p' | sort -u | paste -sd';')
if [ $rc -eq 0 ]; then
  status=pass
  if [ -n "$skips" ] && [ -f testlog ] && ! grep -q '^\*\*\* Success' testlog; then
    status=skip
  fi
else
  status=fail
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && skips="timed out after ${ADB_MIT_SCRIPT_TIMEOUT:-600} s${skips:+; $skips}"
  keep=$out/failures/$key
  mkdir -p "$keep"
  cp "$log" "$keep/output.log"
  [ -f testlog ] && cp testlog "$keep/testlog"
  [ -d testdir ] && cp -a testdir "$keep/testdir" 2>/dev/null
  echo "$PWD" >"$keep/cwd"
fi
printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$status" "$rc" "$secs" "$skips" >>"$out/results.tsv"
printf '[%s] %-32s %-4s %4ss %s\n' "${ADB_MIT_MODE:-?}" "$id" "$status" "$secs" "$skips"
exit 0
