# SPDX-License-Identifier: MIT
"""memscape icons, run as a user would.

Icon PNGs (8-bit RGBA) are decoded here with pngread.py's chunk reader and unfilter, the
catalogue PNG with pngread.read_png; SVGs are checked by xmllint and Python's XML parser (paths,
no embedded images), the catalogue PDF by pdftotext (every pattern's name is on the sheet)."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

import pngread
from clitest import check, check_one_error_line, finish, run

# The pattern ids issue 5 asks for, in the catalogue's order.
IDS = ['multiple-exceptions', 'hidden-exception', 'stack-overflow', 'null-pointer',
       'invalid-pointer', 'cpp-exception', 'managed-exception', 'fast-fail',
       'abnormal-termination', 'manual-dump', 'cloud-environment', 'wow64', 'embedded-comment',
       'spiking-thread', 'handle-leak', 'truncated-dump', 'unloaded-modules',
       'problem-vocabulary', 'execution-residue', 'module-variety', 'excessive-pool-usage',
       'inconsistent-counters']
SVG_NS = '{http://www.w3.org/2000/svg}'


def read_rgba(path):
    """(width, height, rows of (r, g, b, a)) of an 8-bit RGBA PNG, not interlaced."""
    with open(path, 'rb') as f:
        data = f.read()
    idat, header = b'', None
    for kind, body in pngread._chunks(data):
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour != 6 or interlace:
        raise ValueError(f'{path}: not 8-bit RGBA (depth {depth}, colour type {colour})')
    rows = pngread._unfilter(zlib.decompress(idat), width, height, 32)
    return width, height, [[tuple(r[4 * x:4 * x + 4]) for x in range(width)] for r in rows]


def catalogue_names(memscape):
    """{id: name} from `memscape patterns --list`: "ID KIND NAME: criterion" a line."""
    status, out, _ = run(memscape, 'patterns', '--list')
    names = {}
    if check(status == 0, f'patterns --list: exit {status}'):
        for line in out.decode().splitlines():
            ident, _, rest = line.split(None, 2)
            names[ident] = rest.split(':', 1)[0]
    check(list(names) == IDS, f'patterns --list ids {list(names)} are not the issue\'s')
    return names


def check_icon_png(path, size, mono):
    try:
        w, h, rows = read_rgba(path)
    except (OSError, ValueError, zlib.error) as e:
        check(False, f'{path}: {e}')
        return
    check((w, h) == (size, size), f'{path}: {w}x{h}, not {size}x{size}')
    opaque = [p for row in rows for p in row if p[3] == 255]
    # Ink: darker than any tile's pale ground (lightness in Rec. 601 weights).
    ink = [p for p in opaque if 299 * p[0] + 587 * p[1] + 114 * p[2] < 160000]
    check(rows[0][0][3] < 128, f'{path}: the corner is not transparent (a rounded tile)')
    check(len(opaque) > size * size // 2, f'{path}: only {len(opaque)} opaque pixels')
    check(len(ink) >= size * size // 30, f'{path}: only {len(ink)} ink pixels')
    if mono:
        grey = all(p[0] == p[1] == p[2] for row in rows for p in row if p[3])
        check(grey, f'{path}: a mono icon with colour')
    else:
        coloured = [p for p in opaque if max(p[:3]) - min(p[:3]) >= 60]
        check(len(coloured) >= size, f'{path}: only {len(coloured)} coloured pixels')


def check_svg(path, title=None):
    """xmllint accepts it; it draws with paths and embeds no image. Returns the tree's root."""
    proc = subprocess.run(['xmllint', '--noout', path], stderr=subprocess.PIPE, check=False)
    check(proc.returncode == 0, f'xmllint {path}: {proc.stderr.decode()}')
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        check(False, f'{path}: {e}')
        return None
    tags = [el.tag for el in root.iter()]
    check(root.tag == SVG_NS + 'svg', f'{path}: root is {root.tag}')
    check(SVG_NS + 'path' in tags, f'{path}: no <path>')
    check(SVG_NS + 'image' not in tags, f'{path}: an <image>')
    if title is not None:
        found = root.find(SVG_NS + 'title')
        check(found is not None and found.text == title, f'{path}: title is not {title!r}')
    return root


def files_in(folder):
    return sorted(os.listdir(folder))


def check_full_run(memscape, tmp, names):
    out = os.path.join(tmp, 'new', 'icons')  # two folders that do not exist yet
    status, stdout, stderr = run(memscape, 'icons', '-o', out, '--size', '24')
    if not check(status == 0, f'icons: exit {status}: {stderr}'):
        return
    check(stdout == b'' and stderr == '', 'icons: printed something')
    expected = sorted([f'{i}-{v}.{e}' for i in IDS for v in ('mono', 'colour')
                       for e in ('png', 'svg')] + ['catalogue.png', 'catalogue.svg',
                                                    'catalogue.pdf'])
    check(files_in(out) == expected, f'icons: files {files_in(out)}')
    for ident in IDS:
        for variant in ('mono', 'colour'):
            base = os.path.join(out, f'{ident}-{variant}')
            check_icon_png(base + '.png', 24, variant == 'mono')
            check_svg(base + '.svg', names.get(ident))
    # Twenty-two different pictures: no two PNG files alike.
    digests = {}
    for ident in IDS:
        with open(os.path.join(out, f'{ident}-mono.png'), 'rb') as f:
            digests.setdefault(f.read(), []).append(ident)
    check(len(digests) == len(IDS), f'icons alike: {[v for v in digests.values() if len(v) > 1]}')
    check_catalogue(out, names)


def check_catalogue(out, names):
    w, h, pixels, text = pngread.read_png(os.path.join(out, 'catalogue.png'))
    check(w >= 600 and h >= 300, f'catalogue.png: {w}x{h}')
    dark = sum(1 for row in pixels for p in row if max(p) < 100)
    check(dark > 22 * 2 * 24, f'catalogue.png: only {dark} dark pixels')
    listed = text.get('memscape-icons', '')
    for ident, name in names.items():
        check(f'{ident}\t{name}\n' in listed, f'catalogue.png: {ident} not in its list')
    root = check_svg(os.path.join(out, 'catalogue.svg'))
    if root is not None:
        desc = root.find(SVG_NS + 'desc')
        for name in names.values():
            check(desc is not None and name in desc.text, f'catalogue.svg: no {name!r}')
    if shutil.which('pdftotext'):
        proc = subprocess.run(['pdftotext', '-raw', os.path.join(out, 'catalogue.pdf'), '-'],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        text = ' '.join(proc.stdout.decode('utf-8', 'replace').split())
        for ident, name in names.items():
            check(name in text and ident in text, f'catalogue.pdf: {name!r} not on the sheet')


def check_variant_and_size(memscape, tmp):
    out = os.path.join(tmp, 'mono')
    status, _, stderr = run(memscape, 'icons', '-o', out, '--variant', 'mono', '--size', '16')
    if check(status == 0, f'icons --variant mono: exit {status}: {stderr}'):
        check(not any('colour' in f for f in files_in(out)), 'icons --variant mono: colour files')
        check(len(files_in(out)) == 2 * len(IDS) + 3, f'icons --variant mono: {files_in(out)}')
        check_icon_png(os.path.join(out, 'fast-fail-mono.png'), 16, True)
    out = os.path.join(tmp, 'big')
    status, _, stderr = run(memscape, 'icons', '-o', out, '--variant', 'colour', '--size', '512')
    if check(status == 0, f'icons --size 512: exit {status}: {stderr}'):
        check_icon_png(os.path.join(out, 'stack-overflow-colour.png'), 512, False)
        root = check_svg(os.path.join(out, 'cloud-environment-colour.svg'), 'Cloud Environment')
        if root is not None:
            check(root.get('width', '').startswith('512'), 'icons: SVG width is not 512')


def check_usage(memscape, tmp):
    status, out, _ = run(memscape, 'icons', '--help')
    check(status == 0 and b'Usage: memscape icons' in out, 'icons --help')
    bad = [[], ['-o'], ['-o', tmp, '--size', '7'], ['-o', tmp, '--size', '4097'],
           ['-o', tmp, '--size', '-16'], ['-o', tmp, '--size', '1x'],
           ['-o', tmp, '--variant', 'sepia'], ['-o', tmp, 'extra'], ['-o', tmp, '--frob'],
           ['-o', '']]
    for args in bad:
        status, out, err = run(memscape, 'icons', *args)
        check(status == 2 and out == b'' and err.startswith('memscape: icons: '),
              f'icons {args}: exit {status}, stderr {err!r}')


def check_failures(memscape, tmp):
    # The folder cannot be made: a file is in the way.
    blocker = os.path.join(tmp, 'file')
    with open(blocker, 'w') as f:
        f.write('x')
    status, _, err = run(memscape, 'icons', '-o', os.path.join(blocker, 'icons'))
    check(status == 1, f'icons under a file: exit {status}')
    check_one_error_line(err, 'icons under a file')
    # A folder where a file must go: the run stops there with one error line, every file
    # written before it is whole and no temporary file is left.
    out = os.path.join(tmp, 'blocked')
    os.makedirs(os.path.join(out, 'catalogue.svg'))
    status, _, err = run(memscape, 'icons', '-o', out, '--size', '16')
    check(status == 1, f'icons into a blocked name: exit {status}')
    check_one_error_line(err, 'icons into a blocked name')
    check('catalogue.svg' in err, f'icons into a blocked name: {err!r}')
    names = files_in(out)
    check(not any(n.endswith('.tmp') for n in names), f'icons: temporary files left: {names}')
    for n in names:
        if n.endswith('.png') and n != 'catalogue.png':
            check_icon_png(os.path.join(out, n), 16, '-mono' in n)
        elif n.endswith('.svg') and n != 'catalogue.svg':
            check_svg(os.path.join(out, n))


def main():
    memscape = sys.argv[1]
    names = catalogue_names(memscape)
    tmp = tempfile.mkdtemp(prefix='memscape-icons-')
    try:
        check_full_run(memscape, tmp, names)
        check_variant_and_size(memscape, tmp)
        check_usage(memscape, tmp)
        check_failures(memscape, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    finish('cli_icons')


if __name__ == '__main__':
    main()
