#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tests/man/check_man.py - the man pages cannot drift from the code.

    check_man.py --adbridge BIN --man8 adbridge.8[.gz] --man5 adbridge.conf.5[.gz]
                 --top SOURCE_TREE

Checks, each failure one line (exit 1):
  * every command of BIN (`--help`, then `COMMAND... --help` recursively)
    has its section in adbridge(8), with its one-line help, its usage line
    and every flag its help names (a page rendered from an older binary
    fails);
  * every flag of a command's usage line is explained in its help (option
    list or text) or is a global option;
  * every command with options has a description paragraph;
  * EXIT STATUS lists every CLI_EXIT_* value (cli/*.h) and every status a
    command's help names;
  * adbridge.conf(5) lists exactly the keys conf/conf.c accepts in
    [adbridge] and in a trust (its known[] arrays), and every kdc.conf key
    and principal string attribute the KDB module reads ("adbridge_*" in
    bridge/*.c);
  * every refusal code (kdc_refusal_name(), map_refusal_name()) is in
    adbridge(8) and in docs/deploy.md;
  * every ADBRIDGE_* environment variable the code reads is in ENVIRONMENT,
    and every status the module gives MIT's log line is in adbridge(8).
"""
import argparse
import gzip
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'docs', 'man'))
import mkman  # noqa: E402

problems = []


def bad(msg):
    problems.append(msg)


def read(path):
    op = gzip.open if path.endswith('.gz') else open
    with op(path, 'rt', encoding='utf-8') as f:
        return f.read()


def unroff(text):
    """roff -> plain text lines good enough to search."""
    t = text.replace('\\-', '-').replace('\\e', '\\').replace('\\&', '')
    t = re.sub(r'\\f[BIRP]', '', t)
    t = t.replace('\\(bu', '*')
    return t


def sections(roff, macro):
    """{heading: body} for .SH (macro 'SH') or .SS headings."""
    out, cur, buf = {}, None, []
    for line in roff.split('\n'):
        m = re.match(r'^\.(SH|SS) "?(.*?)"?$', line)
        if m and (m.group(1) == macro or (macro == 'SS' and m.group(1) == 'SH')):
            if cur is not None:
                out[cur] = '\n'.join(buf)
            cur, buf = m.group(2), []
            if macro == 'SS' and m.group(1) == 'SH':
                cur = None
        elif cur is not None:
            buf.append(line)
    if cur is not None:
        out[cur] = '\n'.join(buf)
    return out


def tp_terms(body):
    """The first word of each .TP term of a section body (unroffed)."""
    lines = body.split('\n')
    terms = []
    for i, line in enumerate(lines):
        if line.startswith('.TP') and i + 1 < len(lines):
            t = unroff(lines[i + 1]).strip()
            if t:
                terms.append(t.split()[0])
    return terms


def c_strings(path, func):
    """The `return "x"` strings of function @func in C file @path."""
    src = open(path, encoding='utf-8').read()
    m = re.search(r'\n[^\n]*\b%s\s*\([^)]*\)\s*\{(.*?)\n\}' % func, src, re.S)
    if not m:
        bad('%s: no function %s' % (path, func))
        return set()
    return set(re.findall(r'return\s+"([^"]+)"', m.group(1)))


def check_commands(binary, man8):
    top, cmds = mkman.walk_help(binary)
    page = sections(man8, 'SS')
    plain = {k: unroff(v) for k, v in page.items()}
    global_flags = {spec.split()[0] for spec, _ in top['options']}
    if not cmds:
        bad('%s --help lists no command' % binary)
    for words, one, h in cmds:
        name = ' '.join(words)
        body = plain.get(name)
        if body is None:
            bad('adbridge(8) has no section for command "%s"' % name)
            continue
        if ' '.join(one.split()) not in ' '.join(body.split()) and not h['commands']:
            pass   # a leaf's one-liner is in its parent's list (checked there)
        for sub, subone in h['commands']:
            if ' '.join(subone.split()) not in ' '.join(body.split()):
                bad('adbridge(8) "%s": the help of "%s %s" differs from --help'
                    % (name, name, sub))
        if h['commands']:
            continue
        if not h['usage']:
            bad('adbridge %s --help has no usage line' % name)
        for u in h['usage']:
            if ' '.join(u.split()) not in ' '.join(body.split()):
                bad('adbridge(8) "%s": usage differs from --help: %s' % (name, u))
        helptext = ' '.join(h['paragraphs'] + [s + ' ' + t for s, t in h['options']]
                            + [h['exit'] or ''])
        for f in sorted(mkman.flags_of(' '.join(h['usage'])) - global_flags):
            if f not in mkman.flags_of(helptext):
                bad('adbridge %s --help: %s is in the usage line but never '
                    'explained' % (name, f))
        for f in sorted(mkman.flags_of(' '.join(h['usage']) + ' ' + helptext)):
            if f not in mkman.flags_of(body):
                bad('adbridge(8) "%s" does not mention %s' % (name, f))
        if not h['paragraphs']:
            bad('adbridge %s --help has no description' % name)
    for name, one in top['commands']:
        top_body = ' '.join(unroff(man8).split())
        if ' '.join(one.split()) not in top_body:
            bad('adbridge(8): the one-line help of "%s" differs from --help' % name)
    for spec, text in top['options']:
        if spec.split()[0] not in unroff(sections(man8, 'SH').get('GLOBAL OPTIONS', '')):
            bad('adbridge(8) GLOBAL OPTIONS lacks %s' % spec.split()[0])
    return cmds


def check_exit(top_dir, cmds, man8):
    body = sections(man8, 'SH').get('EXIT STATUS')
    if body is None:
        bad('adbridge(8) has no EXIT STATUS section')
        return
    listed = set(tp_terms(body))
    codes = {}
    cli = os.path.join(top_dir, 'cli')
    for f in sorted(os.listdir(cli)):
        if f.endswith('.h'):
            for n, v in re.findall(r'#define\s+(CLI_EXIT_\w+)\s+(\d+)',
                                   open(os.path.join(cli, f)).read()):
                codes[v] = n
    for words, _, h in cmds:
        if h['exit']:
            for v in re.findall(r'(?<![\w-])(\d+)(?= )', h['exit']):
                codes.setdefault(v, 'adbridge %s' % ' '.join(words))
    for v, who in sorted(codes.items()):
        if v not in listed:
            bad('adbridge(8) EXIT STATUS lacks %s (%s)' % (v, who))


def check_conf(top_dir, man5):
    src = open(os.path.join(top_dir, 'conf', 'conf.c'), encoding='utf-8').read()
    arrays = [set(re.findall(r'"([a-z_]+)"', a)) for a in
              re.findall(r'known\[\]\s*=\s*\{(.*?)\};', src, re.S)]
    want = {}
    for a in arrays:
        if 'local_realm' in a:
            want['[adbridge]'] = a
        elif 'netbios_name' in a:
            want['[trusts]'] = a
    if len(want) != 2:
        bad('conf/conf.c: cannot find the known[] keys of [adbridge] and of a trust')
        return
    sh = sections(man5, 'SH')
    for sect, keys in want.items():
        heading = [k for k in sh if sect.upper() in k.upper()]
        if not heading:
            bad('adbridge.conf(5) has no section for %s' % sect)
            continue
        have = set(tp_terms(sh[heading[0]]))
        for k in sorted(keys - have):
            bad('adbridge.conf(5) %s lacks key %s (conf/conf.c accepts it)' % (sect, k))
        for k in sorted(have - keys):
            bad('adbridge.conf(5) %s documents %s, which conf/conf.c does not accept'
                % (sect, k))
    terms = set()
    for body in sh.values():
        terms |= set(tp_terms(body))
    bridge = os.path.join(top_dir, 'bridge')
    for f in sorted(os.listdir(bridge)):
        if f.endswith('.c'):
            for k in sorted(set(re.findall(r'"(adbridge_[a-z_]+)"',
                                           open(os.path.join(bridge, f)).read()))):
                if k not in terms:
                    bad('adbridge.conf(5) lacks %s (read by bridge/%s)' % (k, f))


def check_codes(top_dir, man8):
    codes = (c_strings(os.path.join(top_dir, 'bridge', 'kdc_bridge.c'),
                       'kdc_refusal_name') |
             c_strings(os.path.join(top_dir, 'conf', 'map.c'),
                       'map_refusal_name')) - {'none', 'unknown'}
    terms = set()
    for body in sections(man8, 'SH').values():
        terms |= set(tp_terms(body))
    deploy_path = os.path.join(top_dir, 'docs', 'deploy.md')
    deploy = open(deploy_path).read() if os.path.exists(deploy_path) else ''
    for c in sorted(codes):
        if c not in terms:
            bad('adbridge(8) lacks refusal code %s' % c)
        if '`%s`' % c not in deploy:
            bad('docs/deploy.md lacks refusal code `%s`' % c)


def check_env(top_dir, man8):
    body = unroff(sections(man8, 'SH').get('ENVIRONMENT', ''))
    names = set()
    for d in ('cli', 'locate', 'dns', 'bridge', 'conf'):
        p = os.path.join(top_dir, d)
        if not os.path.isdir(p):
            continue
        for f in os.listdir(p):
            if f.endswith(('.c', '.h')):
                src = open(os.path.join(p, f)).read()
                names |= set(re.findall(r'getenv\(\s*"(ADBRIDGE_[A-Z_]+)"', src))
                names |= set(re.findall(r'#define\s+\w+_ENV\s+"([A-Z_]+)"', src))
                # the status MIT's own log line shows for our refusals
                for st in re.findall(r'\*status\s*=\s*"([A-Z_]+)"', src):
                    if st not in unroff(man8):
                        bad('adbridge(8) lacks the KDC status %s (%s/%s)'
                            % (st, d, f))
    for n in sorted(names):
        if n not in body:
            bad('adbridge(8) ENVIRONMENT lacks %s' % n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--adbridge', required=True)
    ap.add_argument('--man8', required=True)
    ap.add_argument('--man5', required=True)
    ap.add_argument('--top', required=True)
    a = ap.parse_args()
    man8, man5 = read(a.man8), read(a.man5)
    cmds = check_commands(a.adbridge, man8)
    check_exit(a.top, cmds, man8)
    check_conf(a.top, man5)
    check_codes(a.top, man8)
    check_env(a.top, man8)
    for p in problems:
        print('FAIL: ' + p)
    if problems:
        sys.exit(1)
    print('man pages: %d commands, exit statuses, keys, refusal codes and '
          'environment agree with the code' % len(cmds))


if __name__ == '__main__':
    main()
