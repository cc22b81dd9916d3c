# SPDX-License-Identifier: MIT
"""memscape render --view pool, run as a user would.

A dump without pool usage is refused with one line. A small WinDbg log written here (a !vm and
a !poolused listing) is drawn as PNG, PDF and SVG when the WinDbg log reader reads it (when it
does not, that part is skipped with a message). PNGs are decoded with the test's own reader
(pngread.py), PDFs read by poppler (pdfinfo, pdftotext), SVGs by xmllint and Python's XML
parser. Expected colours come from palettes/modules.txt, read here."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from clitest import SKIP, check, check_one_error_line, finish, run
from pngread import read_png

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES_PALETTE = os.path.join(HERE, '..', '..', 'palettes', 'modules.txt')
NO_POOL = ('no pool usage: pool data comes from a WinDbg log with !poolused or !vm output')

# The log: NonPaged Proc 7 MiB + File 2 MiB; Paged CM31 3 MiB + Proc 1 MiB. By their bytes in
# both pools Proc (8 MiB) ranks first, CM31 (3 MiB) second, File (2 MiB) third.
LOG = """Microsoft (R) Windows Debugger Version 10.0
0: kd> !vm

Physical Memory:          4193976 (  16775904 Kb)
NonPagedPool Usage: 650867425 (2603469700 Kb)
NonPagedPool Max: 6271754 ( 25087016 Kb)
PagedPool Usage: 201121 ( 804484 Kb)
PagedPool Maximum: 33554432 ( 134217728 Kb)

0: kd> !poolused 2
 Sorting by  NonPaged Pool Consumed

               NonPaged                  Paged
 Tag     Allocs         Used     Allocs         Used

 Proc     12345      7340032         10      1048576   Process objects , Binary: nt!ps
 File      2000      2097152          0            0   File objects
 CM31         0            0       3000      3145728   UNKNOWN pooltag

TOTAL     14345      9437184       3010      4194304
"""
BYTES = {'Proc': 8 << 20, 'CM31': 3 << 20, 'File': 2 << 20}
RANK = ('Proc', 'CM31', 'File')


def tool(*args):
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
                          check=False)
    return proc.returncode, proc.stdout.decode('utf-8', 'replace'), proc.stderr.decode()


def palette_colours():
    """module-N -> (r, g, b) from the palette file itself."""
    colours = {}
    with open(MODULES_PALETTE, encoding='utf-8') as f:
        for line in f:
            m = re.match(r'^(module-\d+)\s+#([0-9a-fA-F]{6})\s*$', line)
            if m:
                v = int(m.group(2), 16)
                colours[m.group(1)] = (v >> 16, (v >> 8) & 0xff, v & 0xff)
    return colours


def no_leftovers(path, what):
    check(not os.path.exists(path), f'{what}: {path} was written')
    check(not os.path.exists(path + '.tmp'), f'{what}: {path}.tmp left behind')


def check_refusals(memscape, corpus, tmp):
    dumps = sorted(glob.glob(os.path.join(corpus, 'minidump', '*.dmp')), key=os.path.getsize)
    good = None
    for dump in dumps:
        status, _, _ = run(memscape, 'info', dump)
        if status == 0:
            good = dump
            break
    if good is None:
        print(f'skip: no readable minidump in {corpus}/minidump', file=sys.stderr)
        return
    out = os.path.join(tmp, 'refused.png')
    status, stdout, stderr = run(memscape, 'render', '--view', 'pool', good, '-o', out)
    check(status == 1, f'{good}: --view pool of a minidump: exit {status}, expected 1')
    check(stdout == b'', f'{good}: --view pool wrote to stdout')
    check_one_error_line(stderr, f'{good}: --view pool')
    check(stderr.strip() == f'memscape: {good}: {NO_POOL}',
          f'{good}: --view pool: stderr {stderr.strip()!r}')
    no_leftovers(out, f'{good}: --view pool')


def count_colours(pixels, colours):
    counts = {c: 0 for c in colours}
    for row in pixels:
        for px in row:
            if px in counts:
                counts[px] += 1
    return counts


def check_png(memscape, log, tmp, colours):
    out = os.path.join(tmp, 'pool.png')
    status, _, stderr = run(memscape, 'render', '--view', 'pool', log, '-o', out)
    if not check(status == 0, f'PNG: exit {status}: {stderr.strip()}'):
        return
    check(not os.path.exists(out + '.tmp'), 'PNG: .tmp left behind')
    width, height, pixels, text = read_png(out)
    check((width, height) == (1600, 1000), f'PNG: {width}x{height}, expected 1600x1000')
    check(text.get('memscape-view') == 'pool', f'PNG: memscape-view {text.get("memscape-view")!r}')
    # Each tag's colour is its rank's; its pixels are in proportion to its bytes in both
    # pools (the two areas share the width by their totals at equal heights). Labels and the
    # pixel gaps between tiles take a little: 6% leeway.
    want = {tag: colours[f'module-{RANK.index(tag)}'] for tag in RANK}
    counts = count_colours(pixels, set(want.values()))
    total_px = sum(counts.values())
    total_bytes = sum(BYTES.values())
    for tag, rgb in want.items():
        share = counts[rgb] / total_px if total_px else 0
        expected = BYTES[tag] / total_bytes
        check(abs(share - expected) < 0.06 * expected + 0.002,
              f'PNG: {tag} covers {share:.3f} of the tiles, expected {expected:.3f}')
    check(total_px > 0.5 * width * height, f'PNG: the tiles cover only {total_px} pixels')
    check(pixels[0][0] == (255, 255, 255), f'PNG: the corner is {pixels[0][0]}, not white')
    # --size and --dpi.
    out2 = os.path.join(tmp, 'small.png')
    status, _, stderr = run(memscape, 'render', '--view', 'pool', log, '-o', out2, '--size',
                            '640x400', '--dpi', '300')
    if check(status == 0, f'PNG --size: exit {status}: {stderr.strip()}'):
        w, h, _, _ = read_png(out2)
        check((w, h) == (640, 400), f'PNG --size 640x400: {w}x{h}')


def check_pdf(memscape, log, tmp):
    if not shutil.which('pdftotext') or not shutil.which('pdfinfo'):
        print('skip: PDF checks need pdftotext and pdfinfo (poppler-utils)', file=sys.stderr)
        return
    out = os.path.join(tmp, 'pool.pdf')
    status, _, stderr = run(memscape, 'render', '--view', 'pool', log, '-o', out, '--dpi', '72')
    if not check(status == 0, f'PDF: exit {status}: {stderr.strip()}'):
        return
    _, info, _ = tool('pdfinfo', out)
    m = re.search(r'Page size:\s+([0-9.]+) x ([0-9.]+) pts', info)
    check(m is not None and (float(m.group(1)), float(m.group(2))) == (1600.0, 1000.0),
          f'PDF at 72 dpi: page size {m.groups() if m else None}, expected 1600 x 1000 pts')
    status, text, _ = tool('pdftotext', out, '-')
    check(status == 0, 'PDF: pdftotext failed')
    for word in ('Pool usage', 'NonPaged', 'Paged', 'Proc', 'File', 'CM31', '7.00 MB',
                 '3.00 MB', 'File objects', 'over the maximum'):
        check(word in text, f'PDF: {word!r} not in the text')


def svg_fills(root):
    """Every fill colour in the SVG as (r, g, b) bytes (cairo writes rgb(p%,p%,p%))."""
    found = set()
    for el in root.iter():
        style = (el.get('style') or '') + ';fill:' + (el.get('fill') or '')
        for m in re.finditer(r'fill:\s*rgb\(([0-9.]+)%,\s*([0-9.]+)%,\s*([0-9.]+)%\)', style):
            found.add(tuple(round(float(v) * 255 / 100) for v in m.groups()))
    return found


def check_svg(memscape, log, tmp, colours):
    out = os.path.join(tmp, 'pool.svg')
    status, _, stderr = run(memscape, 'render', '--view', 'pool', log, '-o', out)
    if not check(status == 0, f'SVG: exit {status}: {stderr.strip()}'):
        return
    if shutil.which('xmllint'):
        status, _, err = tool('xmllint', '--noout', out)
        check(status == 0, f'SVG: xmllint: {err.strip()}')
    root = ET.parse(out).getroot()
    check(root.tag.endswith('svg'), f'SVG: root {root.tag}')
    check(root.get('width') in ('1600', '1600px', '1600pt'), f'SVG: width {root.get("width")}')
    fills = svg_fills(root)
    for i, tag in enumerate(RANK):
        check(colours[f'module-{i}'] in fills, f'SVG: no fill of {tag}\'s colour')


def check_errors(memscape, log, tmp):
    out = os.path.join(tmp, 'no', 'such', 'dir.png')
    status, _, stderr = run(memscape, 'render', '--view', 'pool', log, '-o', out)
    check(status == 1, f'unwritable output: exit {status}')
    check_one_error_line(stderr, 'unwritable output')
    out = os.path.join(tmp, 'tiny.png')
    status, _, stderr = run(memscape, 'render', '--view', 'pool', log, '-o', out, '--size',
                            '50x50')
    check(status == 1, f'--size 50x50: exit {status}')
    check_one_error_line(stderr, '--size 50x50')
    no_leftovers(out, '--size 50x50')


def check_hostile(memscape, tmp):
    """Tags and descriptions with control bytes and broken UTF-8: drawn or refused cleanly."""
    path = os.path.join(tmp, 'hostile.txt')
    with open(path, 'wb') as f:
        f.write(b'0: kd> !poolused\n'
                b'               NonPaged                  Paged\n'
                b' Tag     Allocs         Used     Allocs         Used\n'
                b' A\xff\x01z       1         4096          0            0   '
                b'bad \xc3\x28 \x1b[31m\n'
                b' \xe2\x82\xac        2         8192          1         4096   \xf0\x9f\x92\n')
    for ext in ('png', 'pdf', 'svg'):
        out = os.path.join(tmp, f'hostile.{ext}')
        status, _, stderr = run(memscape, 'render', '--view', 'pool', path, '-o', out)
        check(status in (0, 1), f'hostile log as {ext}: exit {status}')
        if status == 1:
            check_one_error_line(stderr, f'hostile log as {ext}')
        elif ext == 'svg' and shutil.which('xmllint'):
            code, _, err = tool('xmllint', '--noout', out)
            check(code == 0, f'hostile log as SVG: xmllint: {err.strip()}')


def main():
    memscape, corpus = sys.argv[1], sys.argv[2]
    status, out, _ = run(memscape, 'render', '--help')
    check(status == 0 and b'pool' in out, 'render --help does not mention the pool view')
    colours = palette_colours()
    check(len(colours) >= 3, f'{MODULES_PALETTE}: no module colours')
    with tempfile.TemporaryDirectory() as tmp:
        if os.path.isdir(os.path.join(corpus, 'minidump')):
            check_refusals(memscape, corpus, tmp)
        else:
            print(f'skip: no corpus at {corpus}: the refusal of a minidump is not tested',
                  file=sys.stderr)
        log = os.path.join(tmp, 'pool.txt')
        with open(log, 'w', encoding='ascii') as f:
            f.write(LOG)
        status, _, stderr = run(memscape, 'info', log)
        if status != 0:
            print('skip: this memscape does not read WinDbg logs yet (info: '
                  f'{stderr.strip()}); the drawings are not tested', file=sys.stderr)
            if not os.path.isdir(os.path.join(corpus, 'minidump')):
                sys.exit(SKIP)
        else:
            check_png(memscape, log, tmp, colours)
            check_pdf(memscape, log, tmp)
            check_svg(memscape, log, tmp, colours)
            check_errors(memscape, log, tmp)
            check_hostile(memscape, tmp)
    finish('cli_pool_view')


if __name__ == '__main__':
    main()
