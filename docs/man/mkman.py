#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""docs/man/mkman.py - render a man page source (docs/man/*.md) to roff.

    mkman.py SOURCE OUTPUT --version V [--adbridge BIN]

The source is a small Markdown subset, one file per page, named NAME.SECTION.md:

    # HEADING            .SH (a section)
    ## Subheading        .SS
    paragraph lines      filled text; a blank line ends the paragraph
    * TERM               .TP: a term; the indented lines below it (2
      definition...      spaces) are its definition
    - item               a bulleted list item (continuation indented 2)
    ```                  a literal block (no filling) until the next ```
    `code` *arg*         bold, italic

and three directives, each alone on a line, filled from `BIN --help` and
`BIN COMMAND... --help` (so the page and --help are one text: a command, flag
or exit status exists in the page exactly when it exists in --help):

    @SYNOPSIS@           the usage line of every command
    @GLOBAL_OPTIONS@     the top-level options
    @COMMANDS@           every command: usage, description, options, exit status

The help parser (walk_help, parse_help) is also used by tests/man/check_man.py.
"""
import argparse
import os
import re
import subprocess
import sys

OPT_RE = re.compile(r'^  (\S.*?)(?:\s{2,}(\S.*))?$')   # --flag ARG or ARG, text
FLAG_RE = re.compile(r'(?<![\w-])--?[A-Za-z][A-Za-z0-9-]*')


# ---------------------------------------------------------------- help --

def run_help(binary, words):
    env = {'PATH': '/usr/bin:/bin', 'LC_ALL': 'C'}
    p = subprocess.run([binary] + list(words) + ['--help'], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=30)
    if p.returncode != 0:
        raise SystemExit('mkman: %s %s --help exited %d: %s' % (
            binary, ' '.join(words), p.returncode, p.stderr.strip()))
    return p.stdout


def parse_help(text):
    """One --help text -> dict: usage (list of lines), commands [(name,
    help)], options [(spec, text)], paragraphs [text], exit (text or None)."""
    h = {'usage': [], 'commands': [], 'options': [], 'paragraphs': [],
         'exit': None}
    # options: [spec, text]; spec "--flag ARG", or an argument such as "REALM"
    blocks, cur = [], []
    for line in text.rstrip('\n').split('\n'):
        if line.strip() == '':
            if cur:
                blocks.append(cur)
            cur = []
        else:
            cur.append(line.rstrip())
    if cur:
        blocks.append(cur)
    for b in blocks:
        if b[0].startswith('usage: '):
            h['usage'].append(' '.join(x.strip() for x in b)[len('usage: '):])
        elif b[0] == 'commands:':
            for line in b[1:]:
                m = re.match(r'^  (\S+)\s+(\S.*)$', line)
                if not m:
                    raise SystemExit('mkman: bad command line %r' % line)
                h['commands'].append((m.group(1), m.group(2)))
        elif b[0] == 'options:' or OPT_RE.match(b[0]):
            for line in (b[1:] if b[0] == 'options:' else b):
                m = OPT_RE.match(line)
                if m:
                    h['options'].append([m.group(1).strip(), m.group(2) or ''])
                elif h['options'] and line.startswith('    '):
                    o = h['options'][-1]
                    o[1] = (o[1] + ' ' + line.strip()).strip()
                else:
                    raise SystemExit('mkman: bad option line %r' % line)
        elif b[0].startswith('Exit status:'):
            h['exit'] = ' '.join(x.strip() for x in b)
        elif b[0].startswith("Run '"):
            pass                    # "Run 'adbridge COMMAND --help' ..."
        else:
            h['paragraphs'].append(' '.join(x.strip() for x in b))
    return h


def walk_help(binary):
    """-> (top, [(words, one_line_help, parsed)]) for every command, depth
    first in table order; nested command tables included as entries."""
    top = parse_help(run_help(binary, []))
    out = []

    def walk(words, one):
        h = parse_help(run_help(binary, words))
        out.append((words, one, h))
        for name, sub in h['commands']:
            walk(words + [name], sub)
    for name, one in top['commands']:
        walk([name], one)
    return top, out


def flags_of(text):
    return set(FLAG_RE.findall(text))


# ---------------------------------------------------------------- roff --

def esc(text):
    """Plain text -> roff: backslashes, option dashes, `code`, *arg*."""
    out, pos = [], 0
    for m in re.finditer(r'`([^`]+)`|\*([^*\s][^*]*)\*', text):
        out.append(esc_plain(text[pos:m.start()]))
        if m.group(1) is not None:
            out.append('\\fB' + esc_plain(m.group(1), all_dashes=True) + '\\fR')
        else:
            out.append('\\fI' + esc_plain(m.group(2)) + '\\fR')
        pos = m.end()
    out.append(esc_plain(text[pos:]))
    return ''.join(out)


def esc_plain(text, all_dashes=False):
    text = text.replace('\\', '\\e')
    if all_dashes:
        return text.replace('-', '\\-')
    # a dash that starts a word (an option) is a minus sign
    return re.sub(r'(?<![\w.])-', r'\\-', text)


def line_safe(line):
    return '\\&' + line if line[:1] in ('.', "'") else line


def fmt_usage(u):
    """A usage line: command words and flags bold, metavariables italic."""
    out = []
    for tok in re.split(r'(\s+|[\[\]()|.]+)', u):
        if tok == '' or re.fullmatch(r'\s+|[\[\]()|.]+', tok):
            out.append(esc_plain(tok, all_dashes=True) if tok else tok)
        elif tok.startswith('-'):
            m = re.match(r'(--?[A-Za-z0-9-]+)(.*)$', tok)
            if m:
                out.append('\\fB' + esc_plain(m.group(1), True) + '\\fR' +
                           esc_plain(m.group(2), True))
            else:
                out.append(esc_plain(tok, True))
        elif re.fullmatch(r'[A-Z][A-Z0-9_]*(?:[:=][A-Z0-9_]+)?', tok):
            out.append('\\fI' + esc_plain(tok, True) + '\\fR')
        elif re.fullmatch(r'[a-z][a-z0-9.-]*', tok):
            out.append('\\fB' + esc_plain(tok, True) + '\\fR')
        else:
            out.append(esc_plain(tok, True))
    return ''.join(out)


def fmt_opt_spec(spec):
    if not spec.startswith('-'):            # an argument: REALM, FILE...
        return '\\fI' + esc_plain(spec, True) + '\\fR'
    parts = spec.split(' ', 1)
    s = '\\fB' + esc_plain(parts[0], True) + '\\fR'
    if len(parts) > 1:
        s += ' \\fI' + esc_plain(parts[1], True) + '\\fR'
    return s


def gen_synopsis(binary):
    top, cmds = walk_help(binary)
    lines = []
    for words, one, h in cmds:
        if h['commands']:
            continue
        for u in h['usage']:
            lines += ['.PP', line_safe(fmt_usage(u))]
    return lines


def gen_global(binary):
    top, _ = walk_help(binary)
    lines = []
    for spec, text in top['options']:
        lines += ['.TP', fmt_opt_spec(spec), line_safe(esc(text))]
    return lines


def gen_commands(binary):
    _, cmds = walk_help(binary)
    lines = []
    for words, one, h in cmds:
        lines += ['.SS "%s"' % ' '.join(words), '.PP', line_safe(esc(one))]
        if h['commands']:
            lines += ['.PP', 'Commands:']
            for name, sub in h['commands']:
                lines += ['.TP', '\\fB' + esc_plain(' '.join(words + [name]),
                                                   True) + '\\fR',
                          line_safe(esc(sub))]
            continue
        for u in h['usage']:
            lines += ['.PP', line_safe(fmt_usage(u))]
        for p in h['paragraphs']:
            lines += ['.PP', line_safe(esc(re.sub(r'\s+', ' ', p)))]
        for spec, text in h['options']:
            lines += ['.TP', fmt_opt_spec(spec), line_safe(esc(text))]
        if h['exit']:
            lines += ['.PP', line_safe(esc(h['exit']))]
    return lines


def render(src, name, section, version, binary):
    out = ['.\\" Generated by docs/man/mkman.py from docs/man/%s.%s.md'
           % (name, section) + (' and %s --help' % name if binary else '')
           + '; do not edit.',
           '.TH %s %s "" "adbridge %s" "%s"' % (
               name.upper(), section, version,
               'System Administration' if section == '8' else 'File Formats'),
           '.nh', '.ad l']
    lines = src.split('\n')
    i, para = 0, []
    mode = None                     # None, 'tp', 'li'

    def flush():
        nonlocal para
        if para:
            out.append(line_safe(esc(' '.join(para))))
        para = []
    while i < len(lines):
        line = lines[i].rstrip()
        i += 1
        if line.startswith('```'):
            flush()
            out += ['.PP' if mode is None else '.IP', '.RS 4' if mode is None
                    else '.RS 0', '.nf']
            while i < len(lines) and not lines[i].startswith('```'):
                code = lines[i].rstrip()
                if mode is not None and code.startswith('  '):
                    code = code[2:]
                out.append(line_safe(esc_plain(code, True)))
                i += 1
            i += 1
            out += ['.fi', '.RE']
            continue
        if line.startswith('@') and line.endswith('@') and len(line) > 2:
            flush()
            mode = None
            if binary is None:
                raise SystemExit('mkman: %s needs --adbridge' % line)
            gen = {'@SYNOPSIS@': gen_synopsis, '@COMMANDS@': gen_commands,
                   '@GLOBAL_OPTIONS@': gen_global}.get(line)
            if gen is None:
                raise SystemExit('mkman: unknown directive %s' % line)
            out += gen(binary)
            continue
        if line.strip() == '':
            flush()
            if mode == 'li' or mode == 'tp':
                # a blank line inside a definition starts its next paragraph
                if i < len(lines) and lines[i].startswith('  ') and \
                        not lines[i].startswith('   '):
                    out.append('.IP')
                    continue
            mode = None
            continue
        if line.startswith('# '):
            flush()
            mode = None
            out.append('.SH "%s"' % line[2:].strip())
            continue
        if line.startswith('## '):
            flush()
            mode = None
            out.append('.SS "%s"' % line[3:].strip())
            continue
        if line.startswith('* '):
            flush()
            mode = 'tp'
            out += ['.TP', line_safe(esc(line[2:].strip()))]
            continue
        if line.startswith('- '):
            flush()
            mode = 'li'
            out += ['.IP \\(bu 2']
            para.append(line[2:].strip())
            continue
        if mode is None and not para:
            out.append('.PP')
        para.append(line.strip())
    flush()
    # no two paragraph macros in a row, no paragraph right after a heading
    clean = []
    for line in out:
        if line == '.PP' and clean and (clean[-1] in ('.PP', '.IP') or
                                        clean[-1].startswith(('.SH', '.SS'))):
            continue
        clean.append(line)
    return '\n'.join(clean) + '\n'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('source')
    ap.add_argument('output')
    ap.add_argument('--version', required=True)
    ap.add_argument('--adbridge')
    a = ap.parse_args()
    base = os.path.basename(a.source)
    m = re.fullmatch(r'(.+)\.([1-9])\.md', base)
    if not m:
        raise SystemExit('mkman: source must be NAME.SECTION.md: %s' % base)
    with open(a.source, encoding='utf-8') as f:
        src = f.read()
    roff = render(src, m.group(1), m.group(2), a.version, a.adbridge)
    tmp = a.output + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(roff)
    os.replace(tmp, a.output)


if __name__ == '__main__':
    main()
