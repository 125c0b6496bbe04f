#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/mit/patch_k5test.py K5TEST_ORIG K5TEST_OUT

Patch MIT krb5's test harness (src/util/k5test.py of a krb5 build tree, read
from K5TEST_ORIG, written to K5TEST_OUT) so that the KDCs of its test realms
load adbridge.  No test script is changed: only the kdc.conf dictionaries
that k5test writes, through its own K5Realm and special_env code paths.

One patched copy serves every pass; the environment chooses:

  ADB_MIT_MODE=stock  nothing is changed (the realms are only traced)
  ADB_MIT_MODE=db2    every [dbmodules] stanza with db_library = db2 (or no
                      db_library: libkdb5's default) becomes
                        db_library = adbridge
                        adbridge_backend = db2
                        adbridge_config = $ADB_MIT_CONFDIR/<realm>.conf
  ADB_MIT_MODE=test   the same for the stanzas with db_library = test (MIT's
                      test KDB module), adbridge_backend = test
  ADB_MIT_CONFDIR     where the adbridge configurations are written: an
                      [adbridge] section with local_realm = the realm, no
                      [trusts] (cross-realm traffic between MIT's test realms
                      is not adbridge's to judge: other_realms defaults to
                      pass)
  ADB_MIT_OUT         trace.tsv is appended there: one "realm" line per
                      kdc.conf written (script, realm, stanza, library,
                      wrapped) and one "kdc" line per KDC started (the KDB
                      modules mapped into it, MIT libraries mapped from
                      outside the build tree, its kdc.conf, adbridge.so
                      files other than the build tree's, from
                      /proc/PID/maps)
  ADB_MIT_SCRIPT      the test script's name, for the trace

Every KDC started through K5Realm.start_kdc() is checked: in a pass that
wrapped the realm's stanza, the build tree's plugins/kdb/adbridge.so must be
mapped into it (and not in a realm left stock), and no MIT
library may be mapped from outside the build tree (adbridge.so links the
system's libkrb5.so.3/libkdb5.so.10 by soname; k5test's LD_LIBRARY_PATH must
make those the build tree's).  A violation fails the script loudly.

The patcher fails (exit 1) if any anchor it edits is not found exactly once.
"""
import sys

HELPERS = r'''
# ---- adbridge (tests/mit/patch_k5test.py): load adbridge into the KDCs ----
_adb_mode = os.environ.get('ADB_MIT_MODE', 'stock')
if _adb_mode not in ('stock', 'db2', 'test'):
    sys.stderr.write('ADB_MIT_MODE must be stock, db2 or test, not %r\n' %
                     _adb_mode)
    sys.exit(1)
_adb_expect = {}   # kdc.conf path -> (realm, stanza, library, wrapped)


def _adb_trace(fields):
    out = os.environ.get('ADB_MIT_OUT')
    if not out:
        return
    script = os.environ.get('ADB_MIT_SCRIPT', os.path.basename(sys.argv[0]))
    with open(os.path.join(out, 'trace.tsv'), 'a') as f:
        f.write('\t'.join([fields[0], script] + [str(x) for x in fields[1:]])
                + '\n')


def _adb_config(realmname):
    confdir = os.environ.get('ADB_MIT_CONFDIR')
    if not confdir:
        fail('adbridge harness: ADB_MIT_CONFDIR is not set')
    os.makedirs(confdir, exist_ok=True)
    safe = ''.join(c if c.isalnum() or c in '.-_' else '_' for c in realmname)
    path = os.path.join(confdir, safe + '.conf')
    with open(path, 'w') as f:
        f.write('# tests/mit: the realm\'s adbridge configuration, no trusts\n'
                '[adbridge]\n'
                '\tlocal_realm = %s\n'
                '\tlocal_domain_sid = S-1-5-21-1000000001-1000000002-1000000003\n'
                % realmname)
    return path


def _adb_wrap(realm, conf, path):
    """The kdc.conf dictionary @conf of @realm with the stanzas of this
    pass's library wrapped by adbridge (a new dictionary: k5test's may be
    shared)."""
    if conf is None:
        return conf
    dbm = conf.get('dbmodules') or {}
    rsect = (conf.get('realms') or {})
    rconf = rsect.get('$realm') or rsect.get(realm.realm) or {}
    used = rconf.get('database_module', realm.realm)
    newdbm = {}
    changed = False
    for name, st in dbm.items():
        if isinstance(st, dict):
            lib = st.get('db_library', 'db2')
            if _adb_mode != 'stock' and lib == _adb_mode:
                st = dict(st)
                st['db_library'] = 'adbridge'
                st['adbridge_backend'] = lib
                st['adbridge_config'] = _adb_config(realm.realm)
                changed = True
        newdbm[name] = st
    if changed:
        conf = dict(conf)
        conf['dbmodules'] = newdbm
    st = newdbm.get(used)
    if isinstance(st, dict):
        lib = st.get('adbridge_backend', st.get('db_library', 'db2'))
        wrapped = st.get('db_library') == 'adbridge'
    else:
        lib, wrapped = 'db2', False      # libkdb5's default, no stanza
    _adb_expect[path] = (realm.realm, used, lib, wrapped)
    _adb_trace(['realm', realm.realm, used, lib,
                'wrapped' if wrapped else 'stock', os.path.basename(path)])
    return conf


def _adb_check_kdc(realm, proc, env):
    conf = (env or {}).get('KRB5_KDC_PROFILE')
    exp = _adb_expect.get(conf)
    maps = set()
    try:
        with open('/proc/%d/maps' % proc.pid) as f:
            for line in f:
                parts = line.split(None, 5)
                if len(parts) == 6 and parts[5].startswith('/'):
                    maps.add(parts[5].strip())
    except OSError as e:
        fail('adbridge harness: cannot read the KDC\'s maps: %s' % e)
    kdb = sorted(p for p in maps if '/kdb/' in p and p.endswith('.so'))
    mitlibs = ('libkrb5.so', 'libk5crypto.so', 'libkdb5.so',
               'libgssapi_krb5.so', 'libgssrpc.so', 'libkadm5srv_mit.so',
               'libkrb5support.so', 'libkrad.so')
    top = os.path.realpath(buildtop) + '/'
    outside = sorted(p for p in maps
                     if os.path.basename(p).startswith(mitlibs) and
                     not os.path.realpath(p).startswith(top))
    # ours: the one run.sh put into the build tree's plugins/kdb; libkdb5
    # also dlopen()s a module of that name from every other directory it
    # searches (the system's, where a package may have installed one)
    ours = os.path.realpath(os.path.join(plugins, 'kdb', 'adbridge.so'))
    adb = any(os.path.realpath(p) == ours for p in kdb)
    others = [p for p in kdb if os.path.basename(p) == 'adbridge.so' and
              os.path.realpath(p) != ours]
    _adb_trace(['kdc', realm.realm, _adb_mode,
                'adbridge' if adb else 'no-adbridge',
                ','.join(kdb) or '-', ','.join(outside) or '-',
                os.path.basename(conf or '-'), ','.join(others) or '-'])
    if outside:
        fail('adbridge harness: the KDC maps MIT libraries from outside the '
             'build tree: %s' % ', '.join(outside))
    if exp is not None and exp[3] and not adb:
        fail('adbridge harness: realm %s stanza %s is wrapped, but the KDC '
             'did not load %s (mapped KDB modules: %s)' %
             (exp[0], exp[1], ours, ', '.join(kdb) or 'none'))
    if exp is not None and not exp[3] and adb:
        fail('adbridge harness: realm %s is not wrapped, but its KDC loaded '
             'adbridge.so' % exp[0])
# ---- end of adbridge's helpers ----


'''

EDITS = [
    # (name, anchor, replacement)
    ('helpers before class K5Realm',
     'class K5Realm(object):\n',
     HELPERS + 'class K5Realm(object):\n'),
    ('K5Realm.__init__: the realm\'s kdc.conf',
     '        self._kdc_conf = _cfg_merge(base_kdc_conf, kdc_conf)\n',
     '        self._kdc_conf = _cfg_merge(base_kdc_conf, kdc_conf)\n'
     '        self._kdc_conf = _adb_wrap(self, self._kdc_conf,\n'
     '                                   os.path.join(self.testdir, '
     '\'kdc.conf\'))\n'),
    ('K5Realm.special_env: a special kdc.conf',
     '            kdc_conf = _cfg_merge(self._kdc_conf, kdc_conf)\n',
     '            kdc_conf = _cfg_merge(self._kdc_conf, kdc_conf)\n'
     '            kdc_conf = _adb_wrap(self, kdc_conf, os.path.join(\n'
     '                self.testdir, \'kdc.conf.%s\' % name))\n'),
    ('K5Realm.start_kdc: check what the KDC loaded',
     "        self._kdc_proc = _start_daemon([krb5kdc, '-n'] + args, env,\n"
     "                                       'starting...')\n",
     "        self._kdc_proc = _start_daemon([krb5kdc, '-n'] + args, env,\n"
     "                                       'starting...')\n"
     "        _adb_check_kdc(self, self._kdc_proc, env)\n"),
]

# Names the helpers use that must exist in k5test.py's module scope.
REQUIRED = ['import os', 'import sys', 'def fail(', 'buildtop = ', 'plugins = ',
            "kdc_conf_path = os.path.join(self.testdir, 'kdc.conf.%s' % name)"]


def main():
    if len(sys.argv) != 3:
        sys.stderr.write('usage: patch_k5test.py K5TEST_ORIG K5TEST_OUT\n')
        return 2
    with open(sys.argv[1]) as f:
        text = f.read()
    if '_adb_wrap' in text:
        sys.stderr.write('patch_k5test: %s is already patched (give the '
                         'original)\n' % sys.argv[1])
        return 1
    for need in REQUIRED:
        if need not in text:
            sys.stderr.write('patch_k5test: k5test.py has no %r: this '
                             'patcher does not know this version\n' % need)
            return 1
    for name, anchor, repl in EDITS:
        n = text.count(anchor)
        if n != 1:
            sys.stderr.write('patch_k5test: anchor for "%s" found %d times '
                             '(want 1):\n%s' % (name, n, anchor))
            return 1
        text = text.replace(anchor, repl)
    compile(text, sys.argv[2], 'exec')    # a syntax error fails here
    with open(sys.argv[2], 'w') as f:
        f.write(text)
    print('patch_k5test: %s patched (%d edits)' % (sys.argv[2], len(EDITS)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
