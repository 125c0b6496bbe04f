#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/mit/report.py RESULTS PASS:RC... - the table of tests/mit/run.sh.

RESULTS/<pass>/results.tsv (from runpytest.sh), trace.tsv (from the patched
k5test), failures/ (output, testlog, testdir of each failed script).
Prints the per-script table, the skip reasons, what the KDCs loaded, and for
every failure the tail of the script's output and of its KDC logs.  Exits 0
only if no script fails stock, every script that passes stock passes in both
adbridge passes (one that skips stock may skip there), each adbridge pass
loaded adbridge.so into some KDC, and no pass had a harness error.
"""
import glob
import os
import sys

PASSES = ['stock', 'adbridge-db2', 'adbridge-test']
TAIL_OUTPUT = 40
TAIL_KDC = 12
WIDTH = 300        # characters kept of a log line


def read_tsv(path):
    rows = []
    if os.path.exists(path):
        with open(path, errors='replace') as f:
            for line in f:
                rows.append(line.rstrip('\n').split('\t'))
    return rows


def cut(line):
    line = line.rstrip('\n')
    return (line[:WIDTH] + ' [...]' if len(line) > WIDTH else line) + '\n'


def tail(path, n):
    with open(path, errors='replace') as f:
        lines = f.readlines()
    return ''.join(cut(l) for l in lines[-n:])


def main():
    results = sys.argv[1]
    pass_rc = dict(a.split(':', 1) for a in sys.argv[2:])
    res = {}      # pass -> script -> (status, rc, secs, notes)
    order = []
    for p in PASSES:
        res[p] = {}
        for row in read_tsv(os.path.join(results, p, 'results.tsv')):
            row += [''] * (5 - len(row))
            sid, status, rc, secs, notes = row[:5]
            res[p][sid] = (status, rc, secs, notes)
            if sid not in order:
                order.append(sid)
    problems = []

    # ------------------------------------------------------------ table --
    def cell(p, sid):
        r = res[p].get(sid)
        if r is None:
            return 'missing'
        status, notes = r[0], r[3]
        if status == 'notrun':
            return '-'
        if status == 'pass' and notes:
            return 'pass*'
        return status

    w = max([len(s) for s in order] + [6])
    print()
    print('MIT krb5 check-pytests with adbridge (tests/mit/run.sh)')
    print()
    print('| %-*s | stock | adbridge-db2 | adbridge-test | stock s |' % (w, 'script'))
    print('|-%s-|-------|--------------|---------------|---------|' % ('-' * w))
    for sid in order:
        secs = res['stock'].get(sid, ('', '', '', ''))[2]
        print('| %-*s | %-5s | %-12s | %-13s | %7s |' %
              (w, sid, cell('stock', sid), cell('adbridge-db2', sid),
               cell('adbridge-test', sid), secs))
    print()
    print('pass* = passed with parts skipped (below); - = not run: no realm of '
          'the script uses the test KDB module, so its configuration in this '
          'pass is the stock one')
    for p in PASSES:
        c = {}
        for r in res[p].values():
            c[r[0]] = c.get(r[0], 0) + 1
        print('%s: %d pass, %d fail, %d skip, %d not run%s (pass exit %s)' %
              (p, c.get('pass', 0), c.get('fail', 0), c.get('skip', 0),
               c.get('notrun', 0),
               ', %d harness errors' % c['harness'] if c.get('harness') else '',
               pass_rc.get(p, '?')))

    # ---------------------------------------------------------- skips --
    print()
    print('Skipped tests and why (k5test "*** Skipping" lines):')
    seen = False
    for sid in order:
        for p in PASSES:
            r = res[p].get(sid)
            if r and r[3] and r[0] in ('pass', 'skip'):
                print('  %-*s %-13s %s: %s' % (w, sid, p, r[0], r[3]))
                seen = True
    if not seen:
        print('  none')

    # ------------------------------------------ what the KDCs loaded --
    print()
    print('What the KDCs loaded (from /proc/PID/maps, patched k5test):')
    for p in PASSES:
        kdcs = [r for r in read_tsv(os.path.join(results, p, 'trace.tsv'))
                if r[0] == 'kdc' and len(r) >= 7]
        adb = [r for r in kdcs if r[4] == 'adbridge']
        mods = {}
        for r in kdcs:
            for m in r[5].split(','):
                mods[m] = mods.get(m, 0) + 1
        outside = sorted({r[6] for r in kdcs if r[6] != '-'})
        others = [r for r in kdcs if len(r) >= 9 and r[8] != '-']
        wrapped = [r for r in read_tsv(os.path.join(results, p, 'trace.tsv'))
                   if r[0] == 'realm' and len(r) >= 6 and r[5] == 'wrapped']
        print('  %s: %d KDCs started, %d with adbridge.so; %d kdc.conf files '
              'with the realm wrapped' % (p, len(kdcs), len(adb), len(wrapped)))
        for m in sorted(mods):
            print('      %4d x %s' % (mods[m], m))
        if outside:
            print('      MIT libraries from outside the build tree: %s' %
                  ', '.join(outside))
            problems.append('%s: KDCs mapped MIT libraries from outside the '
                            'build tree' % p)
        if others:
            print('      WARNING: %d KDCs also mapped another adbridge.so (%s):'
                  ' libkdb5 dlopen()s the module from every directory it '
                  'searches and uses the first, the build tree\'s; the '
                  'other one\'s constructor ran too' %
                  (len(others), ', '.join(sorted({r[8] for r in others}))))
        if p != 'stock' and not adb:
            problems.append('%s: no KDC loaded adbridge.so: the pass tested '
                            'nothing' % p)

    # -------------------------------------------------------- verdict --
    for p in PASSES:
        if pass_rc.get(p, '0') != '0':
            problems.append('pass %s exited %s (harness; see %s/%s/pass.log)'
                            % (p, pass_rc[p], results, p))
        for sid, r in res[p].items():
            if r[0] == 'harness':
                problems.append('%s: %s' % (p, r[3]))
    for sid in order:
        st = res['stock'].get(sid, ('missing',))[0]
        if st == 'fail':
            problems.append('%s fails on stock MIT (an environment problem or '
                            'the harness, not adbridge: see below)' % sid)
        for p in PASSES[1:]:
            r = res[p].get(sid, ('missing',))
            if r[0] == 'notrun':
                continue
            if st == 'pass' and r[0] != 'pass':
                problems.append('%s passes stock but is %s with %s' %
                                (sid, r[0], p))
            elif st == 'skip' and r[0] not in ('skip', 'pass'):
                problems.append('%s skips stock but is %s with %s' %
                                (sid, r[0], p))

    # ------------------------------------------------------- failures --
    for p in PASSES:
        for sid, r in res[p].items():
            if r[0] != 'fail':
                continue
            key = sid.replace('/', '_')
            keep = os.path.join(results, p, 'failures', key)
            print()
            print('=' * 78)
            print('FAILED: %s in pass %s (exit %s%s); kept in %s' %
                  (sid, p, r[1], ', ' + r[3] if r[3] else '', keep))
            out = os.path.join(keep, 'output.log')
            if os.path.exists(out):
                print('---- last %d lines of its output:' % TAIL_OUTPUT)
                sys.stdout.write(tail(out, TAIL_OUTPUT))
            logs = sorted(glob.glob(os.path.join(keep, 'testdir', '**',
                                                 'kdc.log'), recursive=True))
            for lf in logs:
                print('---- last %d lines of %s:' % (TAIL_KDC,
                                                    os.path.relpath(lf, keep)))
                sys.stdout.write(tail(lf, TAIL_KDC))
                with open(lf, errors='replace') as f:
                    adb = [l for l in f if 'adbridge' in l]
                if adb:
                    print('---- its adbridge lines (%d, last 10):' % len(adb))
                    sys.stdout.write(''.join(cut(l) for l in adb[-10:]))

    print()
    if problems:
        print('MIT suite: FAILED')
        for pr in problems:
            print('  - ' + pr)
        return 1
    print('MIT suite: every script that passes stock passes with adbridge '
          'over db2 and over test')
    return 0


if __name__ == '__main__':
    sys.exit(main())
