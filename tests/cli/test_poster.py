# SPDX-License-Identifier: MIT
"""memscape render --annotate, and PDF and SVG output, run as a user would.

PNG posters are decoded with the test's own reader (pngread.py); PDFs are read by poppler
(pdfinfo, pdftotext, pdfimages) and SVGs by xmllint and Python's XML parser. The picture inside
each poster is compared pixel by pixel with the bare picture of the same dump, which
test_render.py checks against the bytes."""
import base64
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from clitest import check, finish, run
from pngread import read_png

TOOLS = ('pdfinfo', 'pdftotext', 'pdfimages', 'xmllint')
VIEWS = ('bytes', 'classes', 'entropy', 'regions', 'modules', 'pointers')


def tool(*args):
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
                          check=False)
    return proc.returncode, proc.stdout.decode('utf-8', 'replace'), proc.stderr.decode()


def png_chunk(path, kind):
    """The data of the first chunk of this kind, or None."""
    with open(path, 'rb') as f:
        data = f.read()
    at = 8
    while at + 8 <= len(data):
        length, name = struct.unpack('>I4s', data[at:at + 8])
        if name == kind:
            return data[at + 8:at + 8 + length]
        at += 12 + length
    return None


def map_frame(text):
    """X, Y, ZOOM of the picture map's frame line, or None."""
    m = re.search(r'^frame ([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+)$', text.get('memscape-map', ''),
                  re.M)
    return tuple(int(v, 16) for v in m.groups()) if m else None


def pdf_page_points(path):
    status, out, _ = tool('pdfinfo', path)
    m = re.search(r'Page size:\s+([0-9.]+) x ([0-9.]+) pts', out)
    return (float(m.group(1)), float(m.group(2))) if status == 0 and m else None


def svg_images(path, tmp):
    """The rasters an SVG embeds as PNG data, decoded: [(width, height, pixels)]."""
    found = []
    for el in ET.parse(path).iter():
        if not el.tag.endswith('image'):
            continue
        href = el.get('{http://www.w3.org/1999/xlink}href') or el.get('href') or ''
        if href.startswith('data:image/png;base64,'):
            name = os.path.join(tmp, f'embedded{len(found)}.png')
            with open(name, 'wb') as f:
                f.write(base64.b64decode(href.split(',', 1)[1]))
            w, h, px, _ = read_png(name)
            found.append((w, h, px))
    return found


def raw_sample(tmp):
    """A raw file of 64x64 bytes: one byte a cell, scan layout, is a gray ramp picture."""
    data = bytes((i * 37 + (i >> 6)) & 0xff for i in range(64 * 64))
    path = os.path.join(tmp, 'raw.bin')
    with open(path, 'wb') as f:
        f.write(data)
    return path


RAW_ARGS = ['--raw', '--base', '0x10000', '--view', 'bytes', '--layout', 'scan', '--size',
            '64x64', '--cell', '1']


def test_png_poster_frames_the_picture(memscape, tmp):
    """The poster holds the bare picture, each pixel zoom x zoom, at the frame its map names;
    locate reads poster pixels through that frame."""
    dump = raw_sample(tmp)
    bare, poster = os.path.join(tmp, 'bare.png'), os.path.join(tmp, 'poster.png')
    status, _, err = run(memscape, 'render', *RAW_ARGS, '-o', bare, dump)
    status2, _, err2 = run(memscape, 'render', *RAW_ARGS, '--annotate', '--dpi', '300', '-o',
                           poster, dump)
    if not check(status == 0 and status2 == 0, f'render: {err!r} {err2!r}'):
        return
    _, _, bare_px, _ = read_png(bare)
    w, h, px, text = read_png(poster)
    frame = map_frame(text)
    if not check(frame is not None, f'no frame in the poster map: {sorted(text)}'):
        return
    fx, fy, zoom = frame
    check(zoom > 1 and w > fx + 64 * zoom and h > fy + 64 * zoom,
          f'a 64x64 picture should be zoomed on a larger page: {w}x{h}, frame {frame}')
    # Marks (the numbered ticks) cover a few cells; everything else is the picture.
    same = sum(1 for y in range(64) for x in range(64)
               if all(px[fy + y * zoom + dy][fx + x * zoom + dx] == bare_px[y][x]
                      for dy in (0, zoom - 1) for dx in (0, zoom - 1)))
    check(same >= 64 * 64 * 9 // 10, f'only {same} of 4096 cells match the bare picture')
    phys = png_chunk(poster, b'pHYs')
    check(phys is not None and struct.unpack('>IIB', phys) == (11811, 11811, 1),
          f'--dpi 300 should write pHYs 11811 px/m: {phys!r}')
    for x, y in ((0, 0), (17, 40), (63, 63)):
        status, out, err = run(memscape, 'locate', '--json', poster,
                               str(fx + x * zoom + zoom // 2), str(fy + y * zoom + zoom // 2))
        doc = json.loads(out) if status == 0 else {}
        check(doc.get('address') == 0x10000 + y * 64 + x, f'locate on the poster at cell '
              f'{x},{y}: {doc.get("address")} (exit {status} {err!r})')
    status, _, err = run(memscape, 'locate', poster, '1', '1')
    check(status == 1 and 'outside' in err, f'locate in the margin: {status} {err!r}')


def test_pdf_and_svg(memscape, tmp):
    """PDF: one page whose size is the PNG poster's at the dpi, the picture embedded once at its
    own resolution, the text extractable. SVG: well-formed, sized like the PNG poster, with the
    picture embedded pixel for pixel."""
    dump = raw_sample(tmp)
    png, bare = os.path.join(tmp, 'p.png'), os.path.join(tmp, 'b.png')
    run(memscape, 'render', *RAW_ARGS, '-o', bare, dump)
    run(memscape, 'render', *RAW_ARGS, '--annotate', '-o', png, dump)
    w, h, _, _ = read_png(png)
    _, _, bare_px, _ = read_png(bare)
    for dpi in (150, 300):
        pdf = os.path.join(tmp, f'p{dpi}.pdf')
        status, _, err = run(memscape, 'render', *RAW_ARGS, '--annotate', '--dpi', str(dpi),
                             '-o', pdf, dump)
        if not check(status == 0, f'PDF at {dpi} dpi: exit {status} {err!r}'):
            continue
        size = pdf_page_points(pdf)
        want = (w * 72 / dpi, h * 72 / dpi)
        check(size is not None and abs(size[0] - want[0]) < 1 and abs(size[1] - want[1]) < 1,
              f'PDF page at {dpi} dpi is {size} pt, the PNG poster {w}x{h} px says {want}')
        status, images, _ = tool('pdfimages', '-list', pdf)
        check(status == 0 and re.search(r'^\s*1\s+0\s+image\s+64\s+64\s', images, re.M),
              f'the PDF should embed the 64x64 picture once:\n{images}')
        status, words, _ = tool('pdftotext', pdf, '-')
        check(status == 0 and 'raw.bin' in words and 'Address ticks' in words and
              '1 cell = 1 byte' in words, f'PDF text: {words[:300]!r}')
    svg = os.path.join(tmp, 'p.svg')
    status, _, err = run(memscape, 'render', *RAW_ARGS, '--annotate', '-o', svg, dump)
    if not check(status == 0, f'SVG: exit {status} {err!r}'):
        return
    status, _, lint = tool('xmllint', '--noout', svg)
    check(status == 0, f'xmllint: {lint}')
    root = ET.parse(svg).getroot()
    dims = [float(re.match(r'[0-9.]+', root.get(k, '0')).group()) for k in ('width', 'height')]
    check(abs(dims[0] - w) < 1 and abs(dims[1] - h) < 1, f'SVG is {dims}, PNG poster {w}x{h}')
    pictures = [i for i in svg_images(svg, tmp) if i[:2] == (64, 64)]
    check(len(pictures) == 1 and pictures[0][2] == bare_px,
          f'the SVG should embed the bare picture once: {[i[:2] for i in svg_images(svg, tmp)]}')
    # Without --annotate: the picture alone, one pixel a unit.
    for ext in ('pdf', 'svg'):
        out = os.path.join(tmp, f'bare.{ext}')
        status, _, err = run(memscape, 'render', *RAW_ARGS, '--dpi', '72', '-o', out, dump)
        check(status == 0, f'bare {ext}: exit {status} {err!r}')
    check(pdf_page_points(os.path.join(tmp, 'bare.pdf')) == (64.0, 64.0),
          f'a bare PDF at 72 dpi: {pdf_page_points(os.path.join(tmp, "bare.pdf"))}')
    root = ET.parse(os.path.join(tmp, 'bare.svg')).getroot()
    check(root.get('width', '').startswith('64') and root.get('height', '').startswith('64'),
          f'a bare SVG: {root.get("width")} x {root.get("height")}')


def corpus_dumps(memscape, corpus):
    dumps = []
    for kind in ('minidump', 'elfcore'):
        folder = os.path.join(corpus, kind)
        if os.path.isdir(folder):
            dumps += [os.path.join(folder, f) for f in sorted(os.listdir(folder))
                      if not f.endswith('.txt')]
    return [d for d in dumps if run(memscape, 'info', d)[0] == 0]


def largest_module_names(memscape, dump, count):
    status, out, _ = run(memscape, 'info', '--json', dump)
    mods = json.loads(out).get('modules', []) if status == 0 else []
    mods.sort(key=lambda m: -m['size'])
    return [re.split(r'[\\/]', m['name'])[-1] for m in mods[:count]]


def test_corpus_posters(memscape, corpus, tmp):
    """Every view of every corpus dump as an annotated PNG; the modules view as PDF, whose text
    names the largest modules, and as SVG, which xmllint accepts."""
    dumps = corpus_dumps(memscape, corpus)
    if not check(len(dumps) >= 20, f'only {len(dumps)} corpus dumps open at {corpus}'):
        return
    png, pdf, svg = (os.path.join(tmp, 'c.' + e) for e in ('png', 'pdf', 'svg'))
    drawn = 0
    for dump in dumps:
        name = os.path.basename(dump)
        for view in VIEWS:
            status, _, err = run(memscape, 'render', '--view', view, '--size', '128x128',
                                 '--annotate', '-o', png, dump)
            if check(status == 0, f'{name} {view}: exit {status} {err!r}'):
                # Decoding every poster in Python would take minutes: the header gives the
                # size, and locate shows the map knows the picture is framed by margins.
                w, h = struct.unpack('>II', png_chunk(png, b'IHDR')[:8])
                status, _, err = run(memscape, 'locate', png, '0', '0')
                check(w > 128 and h > 128 and status == 1 and 'outside' in err,
                      f'{name} {view}: a {w}x{h} poster, locate in its margin: {err!r}')
                drawn += 1
        status, _, err = run(memscape, 'render', '--view', 'modules', '--size', '128x128',
                             '--annotate', '-o', pdf, dump)
        if check(status == 0, f'{name} PDF: exit {status} {err!r}'):
            _, words, _ = tool('pdftotext', '-raw', pdf, '-')
            flat = re.sub(r'\s+', '', words)
            for module in largest_module_names(memscape, dump, 3):
                # pdftotext may break a long name across lines; the sidebar cuts at 36.
                check(re.sub(r'\s+', '', module)[:30] in flat,
                      f'{name}: module {module!r} not in the PDF text')
        status, _, err = run(memscape, 'render', '--view', 'regions', '--size', '128x128',
                             '--annotate', '-o', svg, dump)
        if check(status == 0, f'{name} SVG: exit {status} {err!r}'):
            status, _, lint = tool('xmllint', '--noout', svg)
            check(status == 0, f'{name} SVG: xmllint: {lint}')
    check(drawn == 6 * len(dumps), f'{drawn} posters of {6 * len(dumps)}')
    check(not any(f.endswith('.tmp') for f in os.listdir(tmp)), 'a .tmp file was left behind')


def hostile_copy(memscape, corpus, tmp):
    """A corpus minidump whose largest module's name is rewritten, at the same length, to hold
    an unpaired surrogate, a control character and XML's special characters."""
    for dump in corpus_dumps(memscape, corpus):
        if not dump.endswith('.dmp'):
            continue
        names = largest_module_names(memscape, dump, 1)
        if not names or len(names[0]) < 8:
            continue
        with open(dump, 'rb') as f:
            data = bytearray(f.read())
        at = data.find(names[0].encode('utf-16-le'))
        if at < 0:
            continue
        evil = b'\x00\xd8' + '\x01<&"\'>'.encode('utf-16-le')
        data[at:at + len(evil)] = evil
        path = os.path.join(tmp, 'hostile.dmp')
        with open(path, 'wb') as f:
            f.write(data)
        return path
    return None


def test_hostile_names(memscape, corpus, tmp):
    dump = hostile_copy(memscape, corpus, tmp)
    if not check(dump is not None, 'no corpus minidump with a module name to rewrite'):
        return
    for ext in ('png', 'pdf', 'svg'):
        out = os.path.join(tmp, 'hostile.' + ext)
        status, _, err = run(memscape, 'render', '--view', 'modules', '--annotate', '--size',
                             '128x128', '-o', out, dump)
        check(status == 0, f'a hostile module name, {ext}: exit {status} {err!r}')
    status, _, lint = tool('xmllint', '--noout', os.path.join(tmp, 'hostile.svg'))
    check(status == 0, f'hostile SVG: xmllint: {lint}')
    status, words, _ = tool('pdftotext', os.path.join(tmp, 'hostile.pdf'), '-')
    check(status == 0 and '?' in words and '<&' in words,
          f'the rewritten name should show with ? for what cannot be drawn: {words[:400]!r}')


def test_failures_leave_no_file(memscape, tmp):
    dump = raw_sample(tmp)
    good = os.path.join(tmp, 'good.pdf')
    run(memscape, 'render', *RAW_ARGS, '--annotate', '-o', good, dump)
    with open(good, 'rb') as f:
        before = f.read()
    # A dump that cannot be read: exit 1, one line, the good file as it was.
    status, _, err = run(memscape, 'render', '--annotate', '-o', good,
                         os.path.join(tmp, 'no-such.dmp'))
    check(status == 1 and err.count('\n') == 1, f'a missing dump: exit {status} {err!r}')
    with open(good, 'rb') as f:
        check(f.read() == before, 'a failed render changed the good file')
    # A picture larger than a poster takes is refused before any work.
    status, _, err = run(memscape, 'render', '--raw', '--layout', 'scan', '--size',
                         '9000x9000', '--annotate', '-o', good, dump)
    check(status == 2 and '8192' in err, f'an oversized poster: exit {status} {err!r}')
    missing = os.path.join(tmp, 'no-such-dir', 'x.svg')
    status, _, err = run(memscape, 'render', *RAW_ARGS, '--annotate', '-o', missing, dump)
    check(status == 1 and err.count('\n') == 1 and 'x.svg' in err,
          f'an unwritable path: exit {status} {err!r}')
    check(not any(f.endswith('.tmp') for f in os.listdir(tmp)), 'a .tmp file was left behind')


def test_pattern_icons(memscape, corpus, tmp):
    """An annotated poster marks the patterns found: tiny-exe-fastfail's listing shows exception
    0xc0000409 (fast fail) at an address inside tiny.exe, which the picture shows, so its
    poster names the pattern in the key and draws its icon over the picture (the icon's tile
    is the only red-tinted square there: compared with the same poster of a dump without
    patterns, the pixels around differ)."""
    dump = os.path.join(corpus, 'minidump', 'breakpad--tiny-exe-fastfail.dmp')
    if not os.path.isfile(dump):
        print(f'poster: corpus absent at {corpus}: pattern icons skipped')
        return
    pdf, png = os.path.join(tmp, 'ff.pdf'), os.path.join(tmp, 'ff.png')
    status, _, err = run(memscape, 'render', '--annotate', '--size', '128x128', '-o', pdf, dump)
    if check(status == 0, f'fast-fail poster: {err!r}'):
        _, words, _ = tool('pdftotext', '-raw', pdf, '-')
        check('Patterns found (1)' in words and 'Fast Fail' in words,
              f'the poster key names the pattern: {words[-300:]!r}')
    status, _, err = run(memscape, 'render', '--annotate', '--size', '128x128', '-o', png, dump)
    bare = os.path.join(tmp, 'ff-bare.png')
    status2, _, err2 = run(memscape, 'render', '--size', '128x128', '-o', bare, dump)
    if not check(status == 0 and status2 == 0, f'fast-fail PNG: {err!r} {err2!r}'):
        return
    _, _, px, text = read_png(png)
    _, _, bare_px, _ = read_png(bare)
    fx, fy, zoom = map_frame(text)
    status, out, _ = run(memscape, 'patterns', '--json', dump)
    address = [p['address'] for p in json.loads(out)['patterns'] if p['id'] == 'fast-fail'][0]
    # The icon's tile: a pale red (crash) square with a red border, near the fault's pixel.
    tinted = sum(1 for row in px[fy:fy + 128 * zoom] for r, g, b in row[fx:fx + 128 * zoom]
                 if r > 200 and 200 < g < 240 and 200 < b < 240 and r - g > 10)
    check(tinted > 20, f'no icon tile over the picture ({tinted} tinted pixels)')
    differ = sum(1 for y in range(128) for x in range(128)
                 if px[fy + y * zoom + zoom // 2][fx + x * zoom + zoom // 2] != bare_px[y][x])
    check(differ > 0, f'the fault at {address:#x} has no mark')


def main():
    memscape, corpus = sys.argv[1], sys.argv[2]
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        print(f'poster: {", ".join(missing)} missing: install poppler-utils and '
              f'libxml2-utils (.ci/run does)', file=sys.stderr)
        sys.exit(1)
    with tempfile.TemporaryDirectory() as tmp:
        test_png_poster_frames_the_picture(memscape, tmp)
        test_pdf_and_svg(memscape, tmp)
        test_corpus_posters(memscape, corpus, tmp)
        test_hostile_names(memscape, corpus, tmp)
        test_pattern_icons(memscape, corpus, tmp)
        test_failures_leave_no_file(memscape, tmp)
    finish('poster')


main()
