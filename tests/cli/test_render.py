# SPDX-License-Identifier: MIT
"""memscape render, locate and palettes, run as a user would. Pictures are decoded with the
test's own PNG reader (pngread.py) and checked against values the test computes from the bytes
it wrote; every view renders for every corpus dump that opens."""
import json
import os
import struct
import sys
import tempfile
import zlib

from clitest import check, finish, run
from pngread import read_png

SIDE = 64


def test_help(memscape):
    for command in ('render', 'locate', 'palettes'):
        status, out, _ = run(memscape, command, '--help')
        check(status == 0 and b'Usage: memscape ' + command.encode() in out,
              f'{command} --help: exit {status}')
    for args in (['render'], ['render', 'x.dmp'], ['render', 'x.dmp', '-o', 'x.jpg'],
                 ['render', '--view', 'nope', 'x', '-o', 'x.png'],
                 ['render', '--size', '0x5', 'x', '-o', 'x.png'], ['locate', 'x.png', '1'],
                 ['palettes', 'extra']):
        status, _, err = run(memscape, *args)
        check(status == 2, f'{args}: exit {status}, expected 2 ({err!r})')


def test_bytes_view_and_locate(memscape, tmp):
    """A raw file of 64x64 bytes at 1 byte a cell, scan layout: pixel (x, y) is byte y*64+x in
    gray, and locate names address base + y*64 + x."""
    data = bytes((i * 37 + (i >> 6)) & 0xff for i in range(SIDE * SIDE))
    dump = os.path.join(tmp, 'raw.bin')
    with open(dump, 'wb') as f:
        f.write(data)
    out = os.path.join(tmp, 'bytes.png')
    base = 0x7ff6a0000000
    status, _, err = run(memscape, 'render', '--raw', '--base', hex(base), '--view', 'bytes',
                         '--layout', 'scan', '--size', f'{SIDE}x{SIDE}', '--cell', '1',
                         '--dpi', '300', '-o', out, dump)
    if not check(status == 0, f'render bytes: exit {status} {err!r}'):
        return
    w, h, px, text = read_png(out)
    check((w, h) == (SIDE, SIDE), f'bytes view is {w}x{h}')
    wrong = [(x, y) for y in range(h) for x in range(w) if px[y][x] != (data[y * w + x],) * 3]
    check(not wrong, f'bytes view: {len(wrong)} pixels differ from the bytes, first {wrong[:3]}')
    check('memscape-map' in text and text.get('memscape-view') == 'bytes',
          f'metadata keys {sorted(text)}')
    check(text.get('memscape-layout') == 'scan 64x64 compact' and
          text.get('memscape-cell-bytes') == '1' and
          text.get('memscape-source-size') == str(len(data)) and
          text.get('Software', '').startswith('memscape '),
          f'metadata: {dict((k, v) for k, v in text.items() if k != "memscape-map")}')
    for x, y in ((0, 0), (5, 3), (63, 63)):
        status, out_json, err = run(memscape, 'locate', '--json', out, str(x), str(y))
        doc = json.loads(out_json) if status == 0 else {}
        check(doc.get('address') == base + y * SIDE + x,
              f'locate {x},{y}: {doc.get("address")} (exit {status} {err!r})')
        check((doc.get('region') or {}).get('base') == base, f'locate {x},{y}: {doc}')
    # A dump path that is not UTF-8 (PNG text must be): stored escaped, still locatable.
    odd = os.path.join(tmp.encode(), b'odd\xffname.bin')
    with open(odd, 'wb') as f:
        f.write(data)
    odd_png = os.path.join(tmp, 'odd.png')
    status, _, err = run(memscape, 'render', '--raw', '--size', '16x16', '-o', odd_png, odd)
    check(status == 0, f'render of a non-UTF-8 path: exit {status} {err!r}')
    status, _, err = run(memscape, 'locate', '--json', odd_png, '0', '0')
    check(status == 0, f'locate on it: exit {status} {err!r}')
    status, _, err = run(memscape, 'locate', out, '64', '0')
    check(status == 1 and 'outside' in err, f'locate outside the picture: {status} {err!r}')


def test_dump2picture(memscape, tmp):
    data = bytes((i * 11) & 0xff for i in range(100 * 100 + 7))
    dump = os.path.join(tmp, 'd2p.bin')
    with open(dump, 'wb') as f:
        f.write(data)
    for bpp in (8, 16, 24, 32):
        # The Dump2Picture rule, computed here: side = floor(sqrt(size / bytes per pixel));
        # width rounded down to even (a multiple of 8 at 8 bpp), height to even.
        side = int((len(data) // (bpp // 8)) ** 0.5)
        while side * side > len(data) // (bpp // 8):
            side -= 1
        width, height = (side // 8 * 8 if bpp == 8 else side // 2 * 2), side // 2 * 2
        out = os.path.join(tmp, f'd2p{bpp}.png')
        status, _, err = run(memscape, 'render', '--view', 'dump2picture', '--bpp', str(bpp),
                             '-o', out, dump)
        if not check(status == 0, f'dump2picture {bpp}: exit {status} {err!r}'):
            continue
        w, h, px, _ = read_png(out)
        check((w, h) == (width, height), f'dump2picture {bpp}: {w}x{h}, expected '
                                         f'{width}x{height}')
        step = bpp // 8
        def want(i):
            p = data[i * step:i * step + step]
            if bpp == 16:
                v = p[0] | p[1] << 8
                return tuple(((v >> s) & 31) * 255 // 31 for s in (10, 5, 0))
            return (p[0],) * 3 if bpp == 8 else (p[2], p[1], p[0])
        wrong = [i for i in range(w * h) if px[i // w][i % w] != want(i)]
        check(not wrong, f'dump2picture {bpp}: {len(wrong)} pixels differ, first {wrong[:3]}')


def idat_rows(path):
    """(width, height, colour type, rows without their filter byte) of a PNG with filter type
    0 on every row; zlib checks the stream's Adler-32."""
    with open(path, 'rb') as f:
        data = f.read()
    at, idat = 8, b''
    while at < len(data):
        length, kind = struct.unpack('>I4s', data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        check(zlib.crc32(kind + body) == struct.unpack('>I', data[at + 8 + length:at + 12 +
                                                                  length])[0],
              f'{kind!r} chunk CRC')
        if kind == b'IHDR':
            width, height, _, colour = struct.unpack('>IIBB', body[:10])
        elif kind == b'IDAT':
            idat += body
        at += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + width * (1 if colour == 0 else 3)
    check(len(raw) == stride * height, f'{len(raw)} bytes of rows, expected {stride * height}')
    check(all(raw[y * stride] == 0 for y in range(height)), 'a row filter other than None')
    return width, height, colour, [raw[y * stride + 1:(y + 1) * stride] for y in range(height)]


def test_dump2picture_streams_large(memscape, tmp):
    """A file of 14 MB: its PNG is deflated in many strips over several batches of threads;
    every row must still be the file's bytes (8 bpp, greyscale) or their B, G, R reordered."""
    data = bytes(range(256)) * (14 * 1000 * 1000 // 256) + b'tail'
    dump = os.path.join(tmp, 'large.bin')
    with open(dump, 'wb') as f:
        f.write(data)
    for bpp, threads in ((8, '3'), (24, '2')):
        out = os.path.join(tmp, f'large{bpp}.png')
        status, _, err = run(memscape, 'render', '--view', 'dump2picture', '--bpp', str(bpp),
                             '--threads', threads, '--zlib', '1', '-o', out, dump)
        if not check(status == 0, f'large dump2picture {bpp}: exit {status} {err!r}'):
            continue
        w, h, colour, rows = idat_rows(out)
        check(colour == (0 if bpp == 8 else 2), f'{bpp} bpp: colour type {colour}')
        step = bpp // 8
        wrong = 0
        for y, row in enumerate(rows):
            src = data[y * w * step:(y + 1) * w * step]
            if bpp == 8:
                wrong += row != src
            else:
                wrong += row[0::3] != src[2::3] or row[1::3] != src[1::3] or \
                         row[2::3] != src[0::3]
        check(wrong == 0, f'large dump2picture {bpp}: {wrong} of {h} rows differ')


def test_palettes(memscape, tmp):
    status, out, _ = run(memscape, 'palettes')
    names = [line.split()[0] for line in out.decode().splitlines() if line.strip()]
    for want in ('gray', 'binvis-classes', 'entropy', 'viridis', 'magma', 'inferno', 'cividis',
                 'turbo', 'regions', 'modules', 'okabe-ito'):
        check(want in names, f'palettes: {want} missing from {names}')
    check(len(names) >= 14, f'palettes: only {len(names)}')
    status, out, _ = run(memscape, 'palettes', '--paraview', 'viridis')
    preset = json.loads(out) if status == 0 else [{}]
    points = preset[0].get('RGBPoints', [])
    check(len(points) >= 8 and len(points) % 4 == 0, f'--paraview viridis: {len(points)} values')
    preview = os.path.join(tmp, 'palettes.png')
    status, _, err = run(memscape, 'palettes', '--preview', preview)
    if check(status == 0, f'--preview: exit {status} {err!r}'):
        w, h, px, _ = read_png(preview)
        check(w == 512 and h >= 14 * 24, f'preview is {w}x{h}')
        check(px[0][0] == (0, 0, 0) and px[0][511] == (255, 255, 255),
              f'preview row 0 (gray) ends {px[0][0]} {px[0][511]}')


def test_every_view_on_the_corpus(memscape, corpus, tmp):
    dumps = []
    for kind in ('minidump', 'elfcore'):
        folder = os.path.join(corpus, kind)
        if os.path.isdir(folder):
            dumps += [os.path.join(folder, f) for f in sorted(os.listdir(folder))
                      if not f.endswith('.txt')]
    if not dumps:
        print(f'corpus not found at {corpus}: skipping the corpus renders')
        return
    out = os.path.join(tmp, 'corpus.png')
    rendered = 0
    for dump in dumps:
        if run(memscape, 'info', dump)[0] != 0:
            continue   # the malformed ones: info's tests cover their refusal
        for view in ('bytes', 'classes', 'entropy', 'regions', 'modules', 'pointers'):
            status, _, err = run(memscape, 'render', '--view', view, '--size', '32x32', '-o',
                                 out, dump)
            if check(status == 0, f'{os.path.basename(dump)} {view}: exit {status} {err!r}'):
                w, h, _, _ = read_png(out)
                check((w, h) == (32, 32), f'{os.path.basename(dump)} {view}: {w}x{h}')
                rendered += 1
        # Dump2Picture shows the file itself: its size follows from the file's.
        status, _, err = run(memscape, 'render', '--view', 'dump2picture', '-o', out, dump)
        if check(status == 0, f'{os.path.basename(dump)} dump2picture: exit {status} {err!r}'):
            side = int((os.path.getsize(dump)) ** 0.5)
            while side * side > os.path.getsize(dump):
                side -= 1
            with open(out, 'rb') as f:
                w, h = struct.unpack('>II', f.read(24)[16:24])   # IHDR; pixels: tests above
            check((w, h) == (side // 8 * 8, side // 2 * 2),
                  f'{os.path.basename(dump)} dump2picture: {w}x{h}')
    check(rendered >= 6 * 20, f'only {rendered} corpus pictures rendered')
    check(not os.path.exists(out + '.tmp'), 'a .tmp file was left behind')


def main():
    memscape, corpus = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        test_help(memscape)
        test_bytes_view_and_locate(memscape, tmp)
        test_dump2picture(memscape, tmp)
        test_dump2picture_streams_large(memscape, tmp)
        test_palettes(memscape, tmp)
        test_every_view_on_the_corpus(memscape, corpus, tmp)
    finish('render')


main()
