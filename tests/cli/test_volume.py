# SPDX-License-Identifier: MIT
"""memscape volume, run as a user would: every format for every corpus dump that opens, with
its annotations and ParaView script beside it. The files' bytes are checked by the unit tests
(tests/unit/test_volume.c, test_paraview.c); here: the command, its companions and its errors.
Loading in ParaView itself is for the pvpython suite."""
import ast
import os
import re
import struct
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


def vti_array(path, name):
    """The values of a raw .vti's cell array name: the offset attribute points past the '_'
    that opens the appended data, where a UInt64 byte count precedes the values."""
    with open(path, 'rb') as f:
        data = f.read()
    head = data[:data.index(b'<AppendedData')].decode('ascii')
    tag = re.search(r'<DataArray type="(\w+)" Name="%s"[^>]* offset="(\d+) *"' % name, head)
    kinds = {'Float32': 'f', 'UInt8': 'B', 'Int32': 'i', 'UInt16': 'H'}
    start = data.index(b'_', data.index(b'<AppendedData')) + 1 + int(tag.group(2))
    count = struct.unpack_from('<Q', data, start)[0] // struct.calcsize(kinds[tag.group(1)])
    return struct.unpack_from('<%d%s' % (count, kinds[tag.group(1)]), data, start + 8)


def collection_files(path):
    with open(path, encoding='utf-8') as f:
        return re.findall(r'<DataSet timestep="(\d+)" part="0" file="([^"]+)"/>', f.read())


def test_time_series(memscape, tmp):
    """Two raw dumps at base 0, of 32 and 64 KiB, on a slab of 16^3 voxels: the shared layout
    shows [0, 64 KiB) for both at 16 bytes a voxel (alone, the small dump would take 8), so
    the small dump's frame fills half the voxels and the large one's all of them."""
    small, large = os.path.join(tmp, 'small.bin'), os.path.join(tmp, 'large.bin')
    with open(small, 'wb') as f:
        f.write(bytes([7]) * 32768)
    with open(large, 'wb') as f:
        f.write(bytes([i // 512 for i in range(65536)]))
    out = os.path.join(tmp, 'run.pvd')
    status, _, err = run(memscape, 'volume', '-q', '--raw', '--layout', 'slab', '--dims', '16',
                         '-o', out, small, large, small)
    if not check(status == 0, f'a series: exit {status} {err!r}'):
        return
    frames = collection_files(out)
    check(frames == [('0', 'run_000.vti'), ('1', 'run_001.vti'), ('2', 'run_002.vti')],
          f'run.pvd lists {frames}')
    marks = collection_files(os.path.join(tmp, 'run.annotations.pvd'))
    check([f for _, f in marks] == [f'run_00{i}.annotations.vtp' for i in range(3)],
          f'run.annotations.pvd lists {marks}')
    present = [vti_array(os.path.join(tmp, f'run_00{i}.vti'), 'present') for i in range(3)]
    mean = [vti_array(os.path.join(tmp, f'run_00{i}.vti'), 'mean') for i in range(3)]
    check(len(present[0]) == 16 ** 3, f'{len(present[0])} voxels a frame')
    check(present[0] == (1.0,) * 2048 + (0.0,) * 2048,
          'the small dump\'s frame: half the voxels present, then nothing')
    check(present[1] == (1.0,) * 4096, 'the large dump\'s frame: every voxel present')
    check(mean[0][:2048] == (7,) * 2048 and mean[1] == tuple(v // 32 for v in range(4096)),
          f'frame means {mean[0][:4]} {mean[1][:4]}')
    with open(os.path.join(tmp, 'run_000.vti'), 'rb') as a, \
            open(os.path.join(tmp, 'run_002.vti'), 'rb') as b:
        check(a.read() == b.read(), 'the same dump twice made different frames')
    with open(os.path.join(tmp, 'run.paraview.py'), encoding='ascii') as f:
        script = f.read()
    check("VOLUME = 'run.pvd'" in script and "ANNOTATIONS = 'run.annotations.pvd'" in script
          and 'SERIES = True' in script and "TITLE = '3 dumps: small.bin to small.bin'" in script,
          'the series script names its collections')

    status, _, err = run(memscape, 'volume', '--raw', '-o', os.path.join(tmp, 'x.vti'), small,
                         large)
    check(status == 2 and 'OUT.pvd' in err, f'two dumps into a .vti: {err!r}')
    missing = os.path.join(tmp, 'missing.bin')
    out = os.path.join(tmp, 'broken.pvd')
    status, _, err = run(memscape, 'volume', '-q', '--raw', '-o', out, small, missing)
    check(status == 1, f'a series with a missing dump: exit {status}')
    check_one_error_line(err, 'a series with a missing dump')
    check('missing.bin' in err, f'the error names the missing dump: {err!r}')
    check(not any(f.startswith('broken') for f in os.listdir(tmp)),
          'a series with a missing dump wrote files')


def main():
    memscape, corpus = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        test_usage(memscape)
        test_every_format_on_the_corpus(memscape, corpus, tmp)
        test_errors(memscape, tmp)
        test_time_series(memscape, tmp)
    finish('volume')


main()
