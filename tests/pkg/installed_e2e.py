#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tests/pkg/installed_e2e.py CTEST_JSON BUILD_DIR BED_DIR

The e2e tests of the ctest fixture adbed_bridge (the KDB module's bed), as
`ctest --show-only=json-v1` lists them for BUILD_DIR, rewritten to run
against the installed package: the build's command becomes
/usr/sbin/adbridge, the build's bridge bed BED_DIR.  Prints one line per
test, "NAME<TAB>shell-quoted command".  A test that names the build tree's
module, or no e2e.bridge test at all, is an error: the point is to test the
installed files.
"""
import json
import shlex
import sys


def main():
    path, build, bed = sys.argv[1:4]
    with open(path) as f:
        tests = json.load(f)['tests']
    swap = {build + '/adbridge': '/usr/sbin/adbridge',
            build + '/testbed-bridge': bed}
    names = []
    for t in tests:
        props = {p['name']: p['value'] for p in t.get('properties', [])}
        if 'adbed_bridge' not in (props.get('FIXTURES_REQUIRED') or []):
            continue
        cmd = [swap.get(c, c) for c in t['command']]
        if any('/bridge/module' in c for c in cmd):
            sys.exit("%s names the build tree's module" % t['name'])
        names.append(t['name'])
        print(t['name'] + '\t' + ' '.join(shlex.quote(c) for c in cmd))
    if 'e2e.bridge' not in names:
        sys.exit('no e2e.bridge test in %s' % build)


if __name__ == '__main__':
    main()
