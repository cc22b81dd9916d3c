# SPDX-License-Identifier: MIT
"""Every crafted bad input in tests/data (made by tests/data/make-bad-inputs.py) is refused the
way expected.tsv says: exit status 1, nothing on stdout, one stderr line naming the file, the
byte offset and a phrase saying what is wrong."""
import os
import re
import sys

from clitest import check, finish, run

LINE = re.compile(r'^memscape: (.+): offset (0x[0-9a-f]+): (.+)$')


def main():
    memscape, data = sys.argv[1], sys.argv[2]
    with open(os.path.join(data, 'expected.tsv')) as f:
        rows = [line.rstrip('\n').split('\t') for line in f if not line.startswith('#')]
    check(len(rows) >= 10, f'expected.tsv lists only {len(rows)} files')
    for name, offset, phrase in rows:
        path = os.path.join(data, name)
        for args in (['info', path], ['info', '--json', path]):
            status, out, err = run(memscape, *args)
            lines = err.splitlines()
            what = f'{name} ({" ".join(args[:-1])})'
            check(status == 1, f'{what}: exit {status}, expected 1')
            check(out == b'', f'{what}: stdout not empty')
            if not check(len(lines) == 1, f'{what}: {len(lines)} stderr lines: {err!r}'):
                continue
            m = LINE.match(lines[0])
            if not check(m is not None, f'{what}: not the one-line format: {lines[0]!r}'):
                continue
            check(m.group(1) == path, f'{what}: names {m.group(1)!r}')
            check(m.group(2) == offset, f'{what}: offset {m.group(2)}, expected {offset}')
            check(phrase in m.group(3), f'{what}: {m.group(3)!r} lacks {phrase!r}')
    finish('bad inputs')


main()
