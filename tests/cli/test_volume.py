# SPDX-License-Identifier: MIT
"""memscape volume, run as a user would: every format for every corpus dump that opens, with
its annotations and ParaView script beside it. The files' bytes are checked by the unit tests
(tests/unit/test_volume.c, test_paraview.c); here: the command, its companions and its errors.
Loading in ParaView itself is for the pvpython suite."""
import ast
import os
import re
import sys
import tempfile

from clitest import check, check_one_error_line, finish, run

FORMATS = ('vti', 'pvti', 'vtk', 'hdf', 'xdmf')


def test_usage(memscape):
    status, out, _ = run(memscape, 'volume', '--help')
    check(status == 0 and b'Usage: memscape volume' in out, f'volume --help: exit {status}')
    for args in (['volume'], ['volume', 'x.dmp'], ['volume', 'x.dmp', '-o', 'x.png'],
                 ['volume', '--layout', 'hilbert', 'x', '-o', 'x.vti'],
                 ['volume', '--dims', '0', 'x', '-o', 'x.vti'],
                 ['volume', '--dims', '4x4', 'x', '-o', 'x.vti'],
                 ['volume', '--array', 'nope', 'x', '-o', 'x.vti']):
        status, _, err = run(memscape, *args)
        check(status == 2, f'{args}: exit {status}, expected 2 ({err!r})')


def test_every_format_on_the_corpus(memscape, corpus, tmp):
    dumps = []
    for kind in ('minidump', 'elfcore'):
        folder = os.path.join(corpus, kind)
        if os.path.isdir(folder):
            dumps += [os.path.join(folder, f) for f in sorted(os.listdir(folder))
                      if not f.endswith('.txt')]
    dumps = [d for d in dumps if run(memscape, 'info', d)[0] == 0]
    if not check(len(dumps) >= 20, f'only {len(dumps)} corpus dumps open at {corpus}'):
        return
    written = 0
    for dump in dumps:
        for fmt in FORMATS:
            out = os.path.join(tmp, f'v.{fmt}')
            status, _, err = run(memscape, 'volume', '-q', '--dims', '16', '-o', out, dump)
            if not check(status == 0, f'{os.path.basename(dump)} {fmt}: exit {status} {err!r}'):
                continue
            script = os.path.join(tmp, 'v.paraview.py')
            with open(script, encoding='ascii') as f:
                tree = ast.parse(f.read())
            names = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                     for t in n.targets if isinstance(t, ast.Name) and
                     isinstance(n.value, ast.Constant)}
            check(names.get('VOLUME') == f'v.{fmt}' and
                  names.get('ANNOTATIONS') == 'v.annotations.vtp' and
                  names.get('TITLE') == os.path.basename(dump),
                  f'{os.path.basename(dump)} {fmt}: script names {names}')
            check(os.path.getsize(out) > 0 and
                  os.path.getsize(os.path.join(tmp, 'v.annotations.vtp')) > 0,
                  f'{os.path.basename(dump)} {fmt}: empty output')
            written += 1
    check(written == len(dumps) * len(FORMATS), f'{written} volumes written')
    leftovers = [f for f in os.listdir(tmp) if f.endswith('.tmp')]
    check(not leftovers, f'temporary files left: {leftovers}')


def test_errors(memscape, tmp):
    bad = os.path.join(tmp, 'bad.dmp')
    with open(bad, 'wb') as f:
        f.write(b'MDMP' + b'\0' * 4)
    status, _, err = run(memscape, 'volume', '-o', os.path.join(tmp, 'b.vti'), bad)
    check(status == 1, f'a bad dump: exit {status}')
    check_one_error_line(err, 'a bad dump')
    check(not os.path.exists(os.path.join(tmp, 'b.vti')), 'a bad dump left a volume')
    raw = os.path.join(tmp, 'raw.bin')
    with open(raw, 'wb') as f:
        f.write(bytes(range(256)) * 64)
    status, _, err = run(memscape, 'volume', '--raw', '--layout', 'hilbert3d', '--dims', '12',
                         '-o', os.path.join(tmp, 'c.vti'), raw)
    check(status == 1 and re.search(r'power-of-two', err), f'--dims 12 on hilbert3d: {err!r}')
    status, _, err = run(memscape, 'volume', '--raw', '--layout', 'slab', '--dims', '12x8x4',
                         '-o', os.path.join(tmp, 'no-such-dir', 'd.vti'), raw)
    check(status == 1, f'an unwritable path: exit {status} {err!r}')
    check_one_error_line(err, 'an unwritable path')


def main():
    memscape, corpus = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        test_usage(memscape)
        test_every_format_on_the_corpus(memscape, corpus, tmp)
        test_errors(memscape, tmp)
    finish('volume')


main()
