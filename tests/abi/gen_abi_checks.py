#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Generate the ABI conformance check list from Keel's public headers.

Reads every header under hypervisor/include/public/ and writes an X-macro
list (abi_checks.h) naming every object-like #define, enum constant,
typedef, struct/union and struct member found there:

    ABI_CONST(header, NAME)              value, size and signedness of NAME
    ABI_STR(header, NAME)                a string-literal constant
    ABI_MISSING(header, "NAME")          in a TU defining ABI_OPTIONAL: macro
                                         NAME is not defined there
    ABI_TYPE(header, "T", T)             sizeof and signedness of scalar typedef T
    ABI_TYPESZ(header, "T", T)           sizeof of array/aggregate typedef T
    ABI_FLEX(header, "struct S", struct S, path)  offsetof of a flexible array
    ABI_SKIP(header, "NAME", "reason")   allowlisted Keel-only name
    ABI_AGG(header, "struct S", struct S)  sizeof(struct S)
    ABI_FIELD(header, "struct S", struct S, path)  offsetof and size of a member

tests/abi/keel_side.c and xen_side.c expand the same list against Keel's and
Xen's headers; main.c compares the two tables.  Rows of what Xen shows
only to toolstacks (TOOLS_ONLY_*) are ABI_MISSING in the guest view.  Names
listed in
allowlist.txt (Keel-only, with a reason) are left out and reported as skips.
The parser knows only the C subset the public headers use; anything it does
not understand inside a struct is an error, so nothing is silently skipped.
"""
import os
import re
import sys

TOKEN = re.compile(r'[A-Za-z_]\w*|0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|\.\.\.|->|<<|>>|\S')
AGG_KEYWORDS = ('struct', 'union')
# Headers whose constants Xen declares as enumerators (so #ifdef cannot see
# them): checked unguarded, a missing one is a build error.
XEN_ENUM_HEADERS = ('errno.h',)
# What Xen shows only to toolstacks (__XEN_TOOLS__): whole headers, and
# single types in headers guests also see.  Their rows are compared against
# the toolstack view only: in the guest view they are ABI_MISSING rows.
TOOLS_ONLY_HEADERS = ('domctl.h', 'sysctl.h')
TOOLS_ONLY_TYPES = ('struct xenctl_bitmap', 'xenctl_bitmap_t', 'struct xen_arch_domainconfig')


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    return text.replace('\\\n', ' ')


class Parser:
    def __init__(self, header):
        self.header = header
        self.consts = []      # names
        self.types = []       # typedef names of scalars/arrays/aggregates
        self.aggs = []        # (kind+tag, [paths]) ; paths: (path, has_size)

    def error(self, msg):
        sys.exit('gen_abi_checks: %s: %s' % (self.header, msg))

    def parse(self, text):
        text = strip_comments(text)
        body = []
        for line in text.split('\n'):
            s = line.strip()
            if s.startswith('#'):
                m = re.match(r'#\s*define\s+(\w+)(\(?)\s*(.*)$', s)
                if m and not m.group(2) and m.group(3).strip():
                    is_str = m.group(3).strip().startswith('"')
                    self.consts.append((m.group(1), 'ABI_STR' if is_str else 'ABI_CONST'))
                continue
            body.append(line)
        self.toks = TOKEN.findall('\n'.join(body))
        self.i = 0
        while self.i < len(self.toks):
            self.top_level()

    def peek(self, k=0):
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def top_level(self):
        t = self.peek()
        if t == 'typedef':
            self.i += 1
            self.typedef()
        elif t in AGG_KEYWORDS or t == 'enum':
            start = self.i
            name = self.aggregate_or_enum()
            if self.peek() == ';':
                self.i += 1
            else:
                # a variable declaration of an aggregate type; skip it
                self.i = start
                self.skip_statement()
        else:
            self.skip_statement()

    def skip_statement(self):
        depth = 0
        while self.i < len(self.toks):
            t = self.toks[self.i]
            self.i += 1
            if t in '({[':
                depth += 1
            elif t in ')}]':
                depth -= 1
            elif t == ';' and depth == 0:
                return

    def aggregate_or_enum(self):
        """At 'struct'/'union'/'enum'; returns the type text, registers it."""
        kind = self.toks[self.i]
        self.i += 1
        tag = None
        if self.peek() not in ('{',):
            tag = self.toks[self.i]
            self.i += 1
        if self.peek() != '{':
            return '%s %s' % (kind, tag)
        self.i += 1
        if kind == 'enum':
            self.enum_body()
            return 'enum %s' % tag if tag else None
        members = self.agg_body()
        if tag:
            self.aggs.append(('%s %s' % (kind, tag), members))
        return ('%s %s' % (kind, tag)) if tag else (kind, members)

    def enum_body(self):
        expect_name = True
        depth = 0
        while True:
            t = self.toks[self.i]
            self.i += 1
            if t == '}' and depth == 0:
                return
            if t in '([':
                depth += 1
            elif t in ')]':
                depth -= 1
            elif t == ',' and depth == 0:
                expect_name = True
            elif expect_name:
                self.consts.append((t, 'ABI_ENUM'))
                expect_name = False

    def agg_body(self):
        """Parse members up to the closing brace; returns [(path, has_size)]."""
        out = []
        while self.peek() != '}':
            if self.peek() in AGG_KEYWORDS and (self.peek(1) == '{' or self.peek(2) == '{'):
                inner = self.aggregate_or_enum()
                sub = inner[1] if isinstance(inner, tuple) else \
                    [m for a, ms in self.aggs if a == inner for m in ms]
                decls = self.declarators()
                if not decls:              # anonymous member: flatten
                    out.extend(sub)
                for name, arr, flex in decls:
                    out.append((name, not flex))
                    base = name + ('[0]' if arr else '')
                    out.extend((base + '.' + p, s) for p, s in sub)
            else:
                for name, arr, flex in self.declarators(plain=True):
                    out.append((name, not flex))
        self.i += 1
        return out

    def declarators(self, plain=False):
        """Read up to ';' and return [(name, is_array, is_flexible)]."""
        toks = []
        depth = 0
        while True:
            t = self.toks[self.i]
            self.i += 1
            if t == ';' and depth == 0:
                break
            if t in '([':
                depth += 1
            elif t in ')]':
                depth -= 1
            if t == ':' and depth == 0:
                self.error('bit-fields are not supported: %s' % ' '.join(toks))
            toks.append(t)
        chunks, cur, depth = [], [], 0
        for t in toks:
            if t in '([':
                depth += 1
            elif t in ')]':
                depth -= 1
            if t == ',' and depth == 0:
                chunks.append(cur)
                cur = []
            else:
                cur.append(t)
        if cur:
            chunks.append(cur)
        out = []
        for c in chunks:
            if '[' in c:
                k = c.index('[')
                name = c[k - 1]
                out.append((name, True, c[k + 1] == ']'))
            else:
                name = c[-1]
                if not re.match(r'[A-Za-z_]\w*$', name):
                    self.error('cannot find member name in: %s' % ' '.join(c))
                out.append((name, False, False))
        if plain and not out:
            self.error('empty member declaration')
        return out

    def typedef(self):
        scalar = True
        if self.peek() in AGG_KEYWORDS or self.peek() == 'enum':
            scalar = False
            self.aggregate_or_enum()
        # the typedef name: last identifier before '[' or ';'
        toks = []
        while self.peek() != ';':
            toks.append(self.toks[self.i])
            self.i += 1
        self.i += 1
        if '[' in toks:
            scalar = False
            name = toks[toks.index('[') - 1]
        elif '(' in toks:
            self.error('function typedefs are not supported')
        else:
            name = toks[-1]
        self.types.append((name, scalar))


def main():
    root, allowlist, out = sys.argv[1], sys.argv[2], sys.argv[3]
    allowed = {}
    with open(allowlist) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                name, _, reason = line.partition(' ')
                allowed[name] = reason.strip() or 'no reason given'
    headers = []
    for dirpath, _, files in os.walk(root):
        for fn in files:
            if fn.endswith('.h'):
                headers.append(os.path.relpath(os.path.join(dirpath, fn), root))
    headers.sort()
    lines = ['/* Generated by tests/abi/gen_abi_checks.py from %s; do not edit. */' % root]
    seen = set()
    used = set()
    def emit(rows, tools_only):
        """Append rows; if Xen shows them only to toolstacks, the guest view
        gets as many ABI_MISSING rows instead (main.c then reads the
        toolstack view's)."""
        if not tools_only:
            lines.extend(rows)
            return
        lines.append('#if defined(ABI_OPTIONAL) && !defined(ABI_XEN_TOOLS)')
        lines.extend('ABI_MISSING("", "toolstack-only")' for _ in rows)
        lines.append('#else')
        lines.extend(rows)
        lines.append('#endif')

    for h in headers:
        p = Parser(h)
        with open(os.path.join(root, h)) as f:
            p.parse(f.read())
        hq = '"%s"' % h

        def keep(name):
            if name in allowed:
                used.add(name)
                lines.append('ABI_SKIP(%s, "%s", "%s")' % (hq, name, allowed[name].replace('"', "'")))
                return False
            if name in seen:
                return False
            seen.add(name)
            return True
        for c, mac in p.consts:
            if not keep(c):
                continue
            if mac == 'ABI_ENUM' or h in XEN_ENUM_HEADERS:
                lines.append('ABI_CONST(%s, %s)' % (hq, c))
            else:
                # Xen may hide a macro behind __XEN_TOOLS__: a missing one
                # becomes a row the comparison reports, not a build error.
                lines.append('#if defined(ABI_OPTIONAL) && !defined(%s)' % c)
                lines.append('ABI_MISSING(%s, "%s")' % (hq, c))
                lines.append('#else')
                lines.append('%s(%s, %s)' % (mac, hq, c))
                lines.append('#endif')
        tools_header = os.path.basename(h) in TOOLS_ONLY_HEADERS
        for t, scalar in p.types:
            if keep(t):
                emit(['%s(%s, "%s", %s)' % ('ABI_TYPE' if scalar else 'ABI_TYPESZ', hq, t, t)],
                     tools_header or t in TOOLS_ONLY_TYPES)
        for agg, members in p.aggs:
            if not keep(agg):
                continue
            rows = ['ABI_AGG(%s, "%s", %s)' % (hq, agg, agg)]
            skipped = []
            for path, has_size in members:
                if '%s.%s' % (agg, path) in allowed:
                    skipped.append('%s.%s' % (agg, path))
                    continue
                mac = 'ABI_FIELD' if has_size else 'ABI_FLEX'
                rows.append('%s(%s, "%s", %s, %s)' % (mac, hq, agg, agg, path))
            emit(rows, tools_header or agg in TOOLS_ONLY_TYPES)
            for name in skipped:
                keep(name)
    stale = sorted(set(allowed) - used)
    if stale:
        sys.exit('gen_abi_checks: allowlist names not defined by Keel: %s' % ', '.join(stale))
    with open(out, 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
