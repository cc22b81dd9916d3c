# SPDX-License-Identifier: MIT
"""The ParaView suite: volumes memscape writes, loaded by ParaView itself.

1. A synthetic raw dump on the slab layout (16x12x10 voxels: no two sides alike, so swapped
   axes show): every format loads in pvpython, through the reader named for it and through
   whatever File > Open picks, with the right dimensions, extent, spacing, origin, array names
   and types, and every voxel's values equal to those this test works out from the bytes
   (synthetic.py).
2. A raw dump whose every cell has its own values, on hilbert3d (16 cubed): the voxels name
   their cells, and the cells must form a Hilbert curve (a bijection from (0, 0, 0) through
   face neighbours, every aligned 2^k cube holding 8^k consecutive cells); then every format
   is checked voxel by voxel as in 1.
3. Every corpus dump that `memscape info` opens, every format, 8 cubed: the eight arrays load
   with equal values in all formats, and the annotations' labels match the dump's independent
   listing (module file names, thread ids, the exception).
4. A screenshot by the generated script under xvfb-run: decoded, and not blank.
5. The .pvti under `mpiexec -n 2 pvbatch`: both ranks get cells, and together all of them.

Usage: test_paraview.py MEMSCAPE CORPUS_DIR; the ParaView tools come from the environment
(PVPYTHON, PVBATCH, XVFB_RUN, MPIEXEC), found by meson."""
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'cli'))
sys.path.insert(0, HERE)

from clitest import SKIP, check, finish, run  # noqa: E402
from pngread import read_png  # noqa: E402
import synthetic  # noqa: E402
from synthetic import ARRAYS, VTK_TYPES  # noqa: E402

FORMATS = ('vti', 'pvti', 'vtk', 'hdf', 'xdmf')
# (name, format, extra memscape options): every writer and its options.
VARIANTS = (('vti', 'vti', []), ('vti-zlib', 'vti', ['--compress']),
            ('pvti', 'pvti', ['--pieces', '3']), ('vtk', 'vtk', []), ('hdf', 'hdf', []),
            ('xdmf', 'xdmf', []))
FLOATS = {'present', 'entropy', 'pointers'}
TOLERANCE = 1e-5
PATTERNS = 22  # memscape patterns --list: a bit each in the findings array
CATALOGUE = []  # the patterns' names in catalogue order, from `memscape patterns --list`
BACKGROUND = (20, 20, 26)  # the script's background, [0.08, 0.08, 0.1] in 8 bits


def tool(name, fallback):
    return os.environ.get(name) or shutil.which(fallback)


def memscape_volume(memscape, out, dump, *options):
    status, _, err = run(memscape, 'volume', '-q', *options, '-o', out, dump)
    # UBSan reports and goes on: its report must fail the test too.
    return check(status == 0 and 'runtime error' not in err and 'Sanitizer' not in err,
                 f'memscape volume {" ".join(options)} -o {out}: exit {status} {err!r}')


# ---- loading in pvpython ------------------------------------------------------------------

def pvpython_load(jobs, tmp, batch):
    """Load jobs [(id, path, reader)] in one pvpython; returns {id: what ParaView saw}."""
    job_file = os.path.join(tmp, f'jobs-{batch}.json')
    with open(job_file, 'w', encoding='utf-8') as f:
        json.dump([{'id': i, 'path': p, 'reader': r} for i, p, r in jobs], f)
    proc = subprocess.run([tool('PVPYTHON', 'pvpython'), os.path.join(HERE, 'pv_load.py'),
                           job_file], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=400, check=False)
    results = {}
    for line in proc.stdout.decode('utf-8', 'replace').splitlines():
        if line.startswith('RESULT '):
            result = json.loads(line[len('RESULT '):])
            results[result['id']] = result
    # stderr always carries ParaView's harmless noise: shown only when something went wrong.
    if not check(proc.returncode == 0 and len(results) == len(jobs),
                 f'pvpython batch {batch}: exit {proc.returncode}, {len(results)} of '
                 f'{len(jobs)} files reported'):
        print(proc.stderr.decode('utf-8', 'replace')[-4000:], file=sys.stderr)
    for job_id, _, _ in jobs:
        result = results.get(job_id, {'error': 'no report'})
        check('error' not in result, f'{job_id}: {result.get("error", "")}')
    print(f'{batch}: pvpython loaded {sum("error" not in r for r in results.values())} of '
          f'{len(jobs)} files')
    return results


def shape_of(fmt, dims):
    """(association, point dims, extent) ParaView must show for a volume of dims voxels."""
    if fmt == 'hdf':  # VTKHDF 1.0: point data, one point a voxel
        return 'point', list(dims), [e for n in dims for e in (0, n - 1)]
    return 'cell', [n + 1 for n in dims], [e for n in dims for e in (0, n)]


def check_volume(found, fmt, dims, what):
    """The geometry and the arrays' names and types; returns {name: values} or None."""
    if 'error' in found:
        return None
    association, points, extent = shape_of(fmt, dims)
    check(found['class'] in ('vtkImageData', 'vtkUniformGrid'), f'{what}: {found["class"]}')
    check(found.get('dims') == points, f'{what}: dims {found.get("dims")}, expected {points}')
    check(found.get('extent') == extent, f'{what}: extent {found.get("extent")} != {extent}')
    check(found.get('spacing') == [1.0, 1.0, 1.0], f'{what}: spacing {found.get("spacing")}')
    # VTKHDF's points stand for voxels: at their centres, half a voxel in.
    origin = [0.5] * 3 if association == 'point' else [0.0] * 3
    check(found.get('origin') == origin, f'{what}: origin {found.get("origin")}, expected {origin}')
    other = 'cell' if association == 'point' else 'point'
    check(not found[other], f'{what}: unexpected {other} arrays {sorted(found[other])}')
    arrays = found[association]
    if not check(sorted(arrays) == sorted(ARRAYS),
                 f'{what}: {association} arrays {sorted(arrays)}, expected {sorted(ARRAYS)}'):
        return None
    count = dims[0] * dims[1] * dims[2]
    ok = True
    for name in ARRAYS:
        a = arrays[name]
        ok &= check(a['type'] == VTK_TYPES[name] and a['components'] == 1,
                    f'{what}: {name} is {a["type"]} x{a["components"]}, expected '
                    f'{VTK_TYPES[name]} x1')
        ok &= check(len(a['values']) == count, f'{what}: {name} has {len(a["values"])} values')
    return {name: arrays[name]['values'] for name in ARRAYS} if ok else None


def compare_voxels(values, expected, what):
    """values {name: [per voxel]} against expected [per voxel {name: value}]."""
    for name in ARRAYS:
        tolerance = TOLERANCE if name in FLOATS else 0
        bad = [v for v, e in enumerate(expected) if abs(values[name][v] - e[name]) > tolerance]
        check(not bad, f'{what}: {name} differs at {len(bad)} voxels, first ' +
              ', '.join(f'#{v}: {values[name][v]} != {expected[v][name]}' for v in bad[:3]))


# ---- 1. the synthetic slab dump -----------------------------------------------------------

SLAB_DIMS = (16, 12, 10)
CELL = 64


def prepare_synthetic(memscape, tmp, stem, data, layout, dims_option):
    """Write data as a raw dump and every variant of its volume; returns the jobs, with the
    paths ABSOLUTE (the XDMF readers need it)."""
    raw = os.path.join(tmp, stem + '.bin')
    with open(raw, 'wb') as f:
        f.write(data)
    jobs = []
    for name, fmt, options in VARIANTS:
        out = os.path.join(tmp, f'{stem}-{name}.{fmt}')
        if memscape_volume(memscape, out, raw, '--raw', '--base', '0', '--layout', layout,
                           '--dims', dims_option, '--cell', str(CELL), *options):
            jobs.append((f'{stem} {name}', out, fmt))
            jobs.append((f'{stem} {name} (File > Open)', out, 'open'))
    jobs.append((f'{stem} annotations', os.path.join(tmp, f'{stem}-vti.annotations.vtp'),
                 'vtp'))
    return jobs


def judge_slab(results, jobs, expected):
    for job_id, _, reader in jobs:
        found = results.get(job_id, {'error': 'no report'})
        if reader == 'vtp':
            check_raw_annotations(found, job_id)
            continue
        fmt = job_id.split()[1].split('-')[0]
        values = check_volume(found, fmt, SLAB_DIMS, job_id)
        if values is not None:
            compare_voxels(values, expected, job_id)


def check_raw_annotations(found, what):
    """A raw dump has no module, thread or exception: no points, but the arrays are there."""
    if 'error' in found:
        return
    check(found['class'] == 'vtkPolyData' and found['points'] == [],
          f'{what}: {found["class"]} with {len(found.get("points", []))} points')
    check({'label', 'kind', 'id', 'address'} <= set(found['point']),
          f'{what}: arrays {sorted(found["point"])}')


# ---- 2. the signature dump on hilbert3d ---------------------------------------------------

HILBERT_SIDE = 16


def cells_of_voxels(values, expected):
    """Which cell each voxel shows, told by its (mean, entropy); None where none or several
    cells fit."""
    by_mean = {}
    for cell, e in enumerate(expected):
        by_mean.setdefault(e['mean'], []).append(cell)
    cells = []
    for mean, entropy in zip(values['mean'], values['entropy']):
        fits = [c for c in by_mean.get(mean, [])
                if abs(expected[c]['entropy'] - entropy) <= 1e-4]
        cells.append(fits[0] if len(fits) == 1 else None)
    return cells


def check_hilbert_curve(cell_at, side, what):
    """cell_at[voxel] -> cell: must be a Hilbert curve through the cube."""
    n = side ** 3
    if not check(None not in cell_at and sorted(cell_at) == list(range(n)),
                 f'{what}: the voxels do not show each cell exactly once'):
        return False
    where = [None] * n
    for v, c in enumerate(cell_at):
        where[c] = (v % side, v // side % side, v // (side * side))
    ok = check(where[0] == (0, 0, 0), f'{what}: the curve starts at {where[0]}')
    jumps = [c for c in range(1, n)
             if sum(abs(a - b) for a, b in zip(where[c - 1], where[c])) != 1]
    ok &= check(not jumps, f'{what}: {len(jumps)} steps are not to a face neighbour, '
                           f'first to cell {jumps[:1]}')
    k = 1
    while 1 << k <= side:
        split = [c for c in range(n)
                 if tuple(a >> k for a in where[c]) !=
                 tuple(a >> k for a in where[c >> (3 * k) << (3 * k)])]
        ok &= check(not split, f'{what}: {len(split)} cells leave their aligned cube of '
                               f'side {1 << k}')
        k += 1
    return ok


def judge_hilbert(results, jobs, expected_cells):
    first = results.get('hilbert vti', {'error': 'no report'})
    values = check_volume(first, 'vti', (HILBERT_SIDE,) * 3, 'hilbert vti')
    if values is None:
        return
    cell_at = cells_of_voxels(values, expected_cells)
    if not check_hilbert_curve(cell_at, HILBERT_SIDE, 'hilbert vti'):
        return
    print('hilbert: the voxels form a Hilbert curve')
    expected = [expected_cells[c] for c in cell_at]
    for job_id, _, reader in jobs:
        found = results.get(job_id, {'error': 'no report'})
        if reader == 'vtp':
            check_raw_annotations(found, job_id)
            continue
        fmt = job_id.split()[1].split('-')[0]
        values = check_volume(found, fmt, (HILBERT_SIDE,) * 3, job_id)
        if values is not None:
            compare_voxels(values, expected, job_id)


# ---- 3. the corpus ------------------------------------------------------------------------

CORPUS_SIDE = 16  # 8 is too few voxels for the dumps with hundreds of regions


def corpus_dumps(memscape, corpus):
    dumps = []
    for kind in ('minidump', 'elfcore'):
        folder = os.path.join(corpus, kind)
        if os.path.isdir(folder):
            dumps += [os.path.join(folder, f) for f in sorted(os.listdir(folder))
                      if f.endswith(('.dmp', '.core'))]
    return [d for d in dumps if run(memscape, 'info', d)[0] == 0]


def prepare_corpus(memscape, dumps, tmp):
    jobs = []
    for n, dump in enumerate(dumps):
        folder = os.path.join(tmp, f'corpus-{n}')
        os.mkdir(folder)
        name = os.path.basename(dump)
        for fmt in FORMATS:
            out = os.path.join(folder, 'c.' + fmt)
            if memscape_volume(memscape, out, dump, '--dims', str(CORPUS_SIDE)):
                jobs.append((f'{name} {fmt}', out, fmt))
        jobs.append((f'{name} annotations', os.path.join(folder, 'c.annotations.vtp'), 'vtp'))
    return jobs


def check_plausible(values, holds_bytes, what):
    """What holds for any dump's voxels; holds_bytes: whether the listing says the dump holds
    any memory (None: it does not say)."""
    bad = []
    for v in range(len(values['present'])):
        p, m, e, c = (values[k][v] for k in ('present', 'mean', 'entropy', 'class'))
        u, mod, pr, pt = (values[k][v] for k in ('usage', 'module', 'protect', 'pointers'))
        ok = (0 <= p <= 1 and 0 <= e <= 8 and 0 <= pt <= 1 and mod >= -1 and
              0 <= values['findings'][v] < 1 << PATTERNS and
              (c in (0, 1, 2, 3, 4) if p > 0 else (c == 255 and m == 0 and e == 0)) and
              (u <= 6 or u == 255) and 0 <= pr < 1 << 16)
        if not ok:
            bad.append(v)
    check(not bad, f'{what}: implausible values at {len(bad)} voxels, first #{bad[:1]}')
    if holds_bytes is not None:
        check(any(p > 0 for p in values['present']) == holds_bytes,
              f'{what}: the listing says the dump holds {"some" if holds_bytes else "no"} '
              f'memory, the voxels disagree')


def judge_corpus(results, jobs, dumps):
    by_dump = {}
    for job_id, _, reader in jobs:
        by_dump.setdefault(job_id.rsplit(' ', 1)[0], []).append((job_id, reader))
    module_labels = 0
    for dump in dumps:
        name = os.path.basename(dump)
        reference = None
        for job_id, reader in by_dump.get(name, []):
            found = results.get(job_id, {'error': 'no report'})
            if reader == 'vtp':
                module_labels += check_corpus_annotations(found, dump, job_id)
                continue
            values = check_volume(found, reader, (CORPUS_SIDE,) * 3, job_id)
            if values is None:
                continue
            if reference is None:
                reference = values
                facts = listing_facts(dump)
                check_plausible(values, facts and facts['holds_bytes'], job_id)
            else:
                for array in ARRAYS:
                    check(values[array] == reference[array],
                          f'{job_id}: {array} differs from the {FORMATS[0]} volume')
        check(len(by_dump.get(name, [])) == len(FORMATS) + 1,
              f'{name}: only {len(by_dump.get(name, []))} files to load')
    check(module_labels > 0, 'no corpus dump has a module label')
    print(f'corpus: {len(dumps)} dumps; {module_labels} module labels match the listings')


def listing_facts(dump):
    """From the corpus's independent listing: module names (by index), thread ids, and the
    labels the exception may have."""
    facts = {'modules': [], 'threads': set(), 'exception': set(), 'files': set(),
             'holds_bytes': None}
    try:
        with open(dump + '.listing.txt', encoding='utf-8', errors='replace') as f:
            text = f.read()
    except OSError:
        return None
    for m in re.finditer(r"^  module\[(\d+)\] .*? name=('(?:[^'\\]|\\.)*')", text, re.M):
        facts['modules'].append(ast.literal_eval(m.group(2)))  # a Python repr
    facts['threads'] |= {int(t, 16) for t in re.findall(r'^  thread\[\d+\] tid=(0x[0-9a-f]+)',
                                                          text, re.M)}
    facts['threads'] |= {int(t) for t in re.findall(r'pid\(lwp\)=(\d+)', text)}
    for code in re.findall(r'^  thread_id=\S+ code=(0x[0-9a-f]+)', text, re.M):
        # Linux minidumps carry a signal number as the code: memscape may say either.
        facts['exception'] |= {'exception 0x%x' % int(code, 16), f'signal {int(code, 16)}'}
    facts['exception'] |= {f'signal {s}' for s in re.findall(r'si_signo=(\d+)', text)}
    held = (re.search(r'^== memory summary\n  ranges=\d+ total_bytes=(0x[0-9a-f]+)', text, re.M) or
            re.search(r'^  PT_LOAD total memsz=\S+ filesz=(0x[0-9a-f]+)', text, re.M))
    if held:
        facts['holds_bytes'] = int(held.group(1), 16) > 0
    facts['files'] |= {p for p in re.findall(r'^    file\[\d+\] .* (/\S.*)$', text, re.M)}
    return facts


def base_name(path):
    return re.split(r'[\\/]', path)[-1] or path


def check_corpus_annotations(found, dump, what):
    """Returns how many module labels were checked against the listing."""
    if 'error' in found:
        return 0
    points = found.get('points', [])
    arrays = found['point']
    if not check({'label', 'kind', 'id', 'address'} <= set(arrays) and
                 arrays['label']['type'] == 'string' and
                 all(len(arrays[a]['values']) == len(points) for a in ('label', 'kind', 'id')),
                 f'{what}: arrays {sorted(arrays)}'):
        return 0
    facts = listing_facts(dump)
    names = facts['modules'] if facts else []
    files = {base_name(p) for p in facts['files']} if facts else set()
    checked = 0
    for p, label, kind, ident in zip(points, arrays['label']['values'],
                                     arrays['kind']['values'], arrays['id']['values']):
        ident = int(ident)
        # A finding about the whole process sits above the volume, at its top face's centre.
        on_top = kind == 3 and p == [CORPUS_SIDE / 2, CORPUS_SIDE / 2, CORPUS_SIDE]
        check(on_top or all(0 < c < CORPUS_SIDE and c % 1 == 0.5 for c in p),
              f'{what}: {label!r} at {p}, not a voxel centre')
        if kind == 0:
            if names:
                checked += check(ident < len(names) and label == base_name(names[ident]),
                                 f'{what}: module {ident} labelled {label!r}, the listing '
                                 f'names {names[ident] if ident < len(names) else None!r}')
            elif files:
                checked += check(label in files, f'{what}: module label {label!r} is none of '
                                                 f'the mapped files {sorted(files)}')
            else:
                check(label != '', f'{what}: a module without a label')
        elif kind == 1:
            check(label == f'thread 0x{ident:x} stack', f'{what}: thread {ident} labelled '
                                                       f'{label!r}')
            check(not facts or not facts['threads'] or ident in facts['threads'],
                  f'{what}: thread {ident:#x} is not in the listing')
        elif kind == 2:
            check(not facts or not facts['exception'] or label in facts['exception'],
                  f'{what}: {label!r}, the listing has {sorted(facts["exception"])}')
        elif kind == 3:
            check(0 <= ident < len(CATALOGUE) and label == CATALOGUE[ident],
                  f'{what}: finding {ident} labelled {label!r}')
        else:
            check(False, f'{what}: annotation kind {kind}')
    return checked


# ---- 4. a screenshot ----------------------------------------------------------------------

def test_screenshot(script, tmp):
    png = os.path.join(tmp, 'shot.png')
    command = [tool('XVFB_RUN', 'xvfb-run'), '-a', '-s', '-screen 0 1280x1024x24',
               tool('PVPYTHON', 'pvpython'), script, '--screenshot', png]
    for attempt in range(2):  # xvfb-run -a can race another server for a display number
        proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=300, check=False)
        if proc.returncode == 0 and os.path.exists(png):
            break
        time.sleep(2)
    if not check(proc.returncode == 0 and os.path.exists(png),
                 f'screenshot: exit {proc.returncode}'):
        print(proc.stderr.decode('utf-8', 'replace')[-3000:], file=sys.stderr)
        return
    width, height, pixels, _ = read_png(png)
    check((width, height) == (1280, 1024), f'screenshot: {width}x{height}')
    colours = {}
    for row in pixels[::2]:
        for rgb in row[::2]:
            colours[rgb] = colours.get(rgb, 0) + 1
    sampled = sum(colours.values())
    background = sum(n for rgb, n in colours.items()
                     if max(abs(a - b) for a, b in zip(rgb, BACKGROUND)) <= 2)
    check(len(colours) >= 100, f'screenshot: only {len(colours)} colours')
    check(sampled - background >= sampled // 20,
          f'screenshot: {background} of {sampled} sampled pixels are background')
    check(background >= sampled // 10, 'screenshot: the background does not show')
    # The volume fills the middle of the view: the title, axes and colour bar are elsewhere.
    middle = [rgb for row in pixels[height // 3:2 * height // 3:2]
              for rgb in row[width // 3:2 * width // 3:2]]
    covered = sum(max(abs(a - b) for a, b in zip(rgb, BACKGROUND)) > 2 for rgb in middle)
    check(covered >= len(middle) // 2,
          f'screenshot: the volume covers {covered} of {len(middle)} pixels in the middle')
    print(f'screenshot: {len(colours)} colours, {100 * background // sampled}% background')


# ---- 5. the .pvti on two MPI ranks --------------------------------------------------------

def test_two_ranks(pvti, expected, tmp):
    command = [tool('MPIEXEC', 'mpiexec')]
    env = dict(os.environ)
    version = subprocess.run(command + ['--version'], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, check=False).stdout
    if b'Open MPI' in version or b'OpenRTE' in version:
        command.append('--oversubscribe')  # two ranks even on a one-core machine
        if os.geteuid() == 0:  # Open MPI refuses root unless told twice
            env.update(OMPI_ALLOW_RUN_AS_ROOT='1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM='1')
    out_dir = os.path.join(tmp, 'ranks')
    os.makedirs(out_dir, exist_ok=True)
    command += ['-n', '2', tool('PVBATCH', 'pvbatch'), '--symmetric',
                os.path.join(HERE, 'pv_ranks.py'), pvti, 'mean', out_dir]
    proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          cwd=tmp, timeout=300, check=False)
    ranks = {}
    for name in sorted(os.listdir(out_dir)):
        with open(os.path.join(out_dir, name), encoding='utf-8') as f:
            m = re.match(r'^RANK (\d+) OF (\d+) CELLS (\d+) SUM (\S+) EXTENT (.*)$', f.read())
        if check(m is not None, f'mpiexec: {name} holds no rank line'):
            ranks[int(m.group(1))] = (int(m.group(2)), int(m.group(3)), float(m.group(4)))
    if not check(proc.returncode == 0 and sorted(ranks) == [0, 1],
                 f'mpiexec -n 2 pvbatch: exit {proc.returncode}, ranks {sorted(ranks)}'):
        print(proc.stdout.decode('utf-8', 'replace')[-2000:],
              proc.stderr.decode('utf-8', 'replace')[-3000:], file=sys.stderr)
        return
    total = SLAB_DIMS[0] * SLAB_DIMS[1] * SLAB_DIMS[2]
    check(all(r[0] == 2 for r in ranks.values()), f'mpiexec: ranks see {ranks}')
    check(all(r[1] > 0 for r in ranks.values()), f'mpiexec: a rank got no cells: {ranks}')
    check(sum(r[1] for r in ranks.values()) == total,
          f'mpiexec: {sum(r[1] for r in ranks.values())} cells in all, expected {total}')
    print('mpiexec: ' + ', '.join(f'rank {r}: {ranks[r][1]} cells' for r in sorted(ranks)))
    want = sum(e['mean'] for e in expected)
    check(sum(r[2] for r in ranks.values()) == want,
          f'mpiexec: the ranks\' means add up to {sum(r[2] for r in ranks.values())}, '
          f'expected {want}')


# ---- 6. a time series ---------------------------------------------------------------------

def test_time_series(memscape, slab_data, slab_expected, tmp):
    """The slab dump and its first half as two frames of one .pvd: PVDReader steps through
    them, each step holding its own dump's voxels on the shared layout, and the annotations'
    collection steps along."""
    nx, ny, nz = SLAB_DIMS
    half_data = slab_data[:len(slab_data) // 2]
    half = os.path.join(tmp, 'half.bin')
    with open(half, 'wb') as f:
        f.write(half_data)
    out = os.path.join(tmp, 'series.pvd')
    status, _, err = run(memscape, 'volume', '-q', '--raw', '--layout', 'slab', '--dims',
                         f'{nx}x{ny}x{nz}', '--cell', str(CELL), '-o', out,
                         os.path.join(tmp, 'slab.bin'), half)
    if not check(status == 0 and 'runtime error' not in err, f'series: exit {status} {err!r}'):
        return
    results = pvpython_load([('series', out, 'pvd'),
                             ('series annotations', os.path.join(tmp, 'series.annotations.pvd'),
                              'pvd')], tmp, 'series')
    volume, marks = results.get('series', {}), results.get('series annotations', {})
    if not check(volume.get('times') == [0.0, 1.0] and len(volume.get('steps', [])) == 2,
                 f'series: time steps {volume.get("times")}'):
        return
    expected = (slab_expected, synthetic.expected_cells(half_data, CELL, nx * ny * nz))
    for step, want in enumerate(expected):
        values = check_volume(volume['steps'][step], 'vti', SLAB_DIMS, f'series step {step}')
        if values is not None:
            compare_voxels(values, want, f'series step {step}')
    check(marks.get('times') == [0.0, 1.0] and
          all(s['class'] == 'vtkPolyData' for s in marks.get('steps', [])),
          f'series annotations: time steps {marks.get("times")}')


# ---- main ---------------------------------------------------------------------------------

def main():
    memscape, corpus = sys.argv[1], sys.argv[2]
    missing = [n for n, f in (('PVPYTHON', 'pvpython'), ('PVBATCH', 'pvbatch'),
                              ('XVFB_RUN', 'xvfb-run'), ('MPIEXEC', 'mpiexec'))
               if not tool(n, f)]
    if missing:
        print(f'SKIP: no {", ".join(missing)} here')
        sys.exit(SKIP)
    started = time.monotonic()
    _, listed, _ = run(memscape, 'patterns', '--list')
    CATALOGUE.extend(line.split(None, 2)[2].split(':')[0]
                     for line in listed.decode().splitlines())
    check(len(CATALOGUE) == PATTERNS, f'{len(CATALOGUE)} patterns listed')
    with tempfile.TemporaryDirectory(prefix='memscape-paraview-') as tmp:
        nx, ny, nz = SLAB_DIMS
        slab_data = synthetic.slab_dump(CELL, nx * ny * nz - 20, 36)
        slab_expected = synthetic.expected_cells(slab_data, CELL, nx * ny * nz)
        slab_jobs = prepare_synthetic(memscape, tmp, 'slab', slab_data, 'slab',
                                      f'{nx}x{ny}x{nz}')
        hilbert_data = synthetic.signature_dump(CELL, HILBERT_SIDE ** 3)
        hilbert_expected = synthetic.expected_cells(hilbert_data, CELL, HILBERT_SIDE ** 3)
        hilbert_jobs = prepare_synthetic(memscape, tmp, 'hilbert', hilbert_data, 'hilbert3d',
                                         str(HILBERT_SIDE))
        results = pvpython_load(slab_jobs + hilbert_jobs, tmp, 'synthetic')
        judge_slab(results, slab_jobs, slab_expected)
        judge_hilbert(results, hilbert_jobs, hilbert_expected)

        dumps = corpus_dumps(memscape, corpus)
        if check(len(dumps) >= 20 or not os.path.isdir(corpus),
                 f'only {len(dumps)} corpus dumps open at {corpus}') and dumps:
            corpus_jobs = prepare_corpus(memscape, dumps, tmp)
            results = pvpython_load(corpus_jobs, tmp, 'corpus')
            judge_corpus(results, corpus_jobs, dumps)
        else:
            print(f'corpus: none at {corpus}; its part is skipped')

        test_time_series(memscape, slab_data, slab_expected, tmp)
        test_screenshot(os.path.join(tmp, 'slab-vti.paraview.py'), tmp)
        test_two_ranks(os.path.join(tmp, 'slab-pvti.pvti'), slab_expected, tmp)
    print(f'paraview suite: {time.monotonic() - started:.1f} s')
    finish('paraview')


main()
