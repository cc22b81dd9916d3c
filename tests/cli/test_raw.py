# SPDX-License-Identifier: MIT
"""memscape info --raw: one committed region at --base holding the whole file, in JSON and text;
hostile file names escaped in both."""
import os
import sys
import tempfile

from clitest import (check, check_info_json, check_one_error_line, check_safe_text, finish,
                     parse_json, run)

SIZE = 4097  # not a page multiple, so nothing rounds it


def raw_json(memscape, path, base_text):
    status, out, err = run(memscape, 'info', '--raw', '--base', base_text, '--json', path)
    what = f'--raw --base {base_text}'
    check(status == 0, f'{what}: exit {status}, stderr {err!r}')
    check(err == '', f'{what}: stderr not empty: {err!r}')
    doc = parse_json(out, what)
    if doc is not None:
        check_info_json(doc, what)
    return doc


def check_one_region(doc, base, size, what):
    if doc is None:
        return
    check(doc['format'] == 'raw', f'{what}: format {doc["format"]!r}')
    check(doc['file_size'] == size, f'{what}: file_size {doc["file_size"]}')
    check(doc['memory'] == [{'base': base, 'size': size, 'file_offset': 0}],
          f'{what}: memory {doc["memory"]!r}')
    regions = doc['regions']
    if check(len(regions) == 1, f'{what}: {len(regions)} regions, expected 1'):
        r = regions[0]
        check((r['base'], r['size'], r['state'], r['file_offset']) ==
              (base, size, 'committed', 0), f'{what}: region {r!r}')
    for key in ('modules', 'unloaded_modules', 'threads', 'streams', 'notes', 'warnings'):
        check(doc[key] == [], f'{what}: {key} not empty')
    check(doc['exception'] is None, f'{what}: exception not null')


def test_bases(memscape, path):
    for text, base in (('0x1000', 0x1000), ('4096', 0x1000), ('00000000`00b00000', 0xb00000),
                       ('0`b00000', 0xb00000), ('0xffffffffffff0000', 0xffffffffffff0000),
                       # WinDbg's radix is 16: what it prints is read back as hex, never octal.
                       ('0012fe84', 0x12fe84), ('7ffe0000', 0x7ffe0000), ('010', 0x10),
                       ('0n4096', 4096)):
        check_one_region(raw_json(memscape, path, text), base, SIZE, f'--base {text}')
    status, out, err = run(memscape, 'info', '--raw', '--json', path)
    doc = parse_json(out, '--raw without --base') if status == 0 else None
    check(status == 0, f'--raw without --base: exit {status}')
    check_one_region(doc, 0, SIZE, '--raw without --base')
    # The file would pass the end of the address space: an input failure, not a crash.
    status, out, err = run(memscape, 'info', '--raw', '--base', '0xfffffffffffff800', path)
    check(status == 1, f'base + size overflows: exit {status}, expected 1')
    check(out == b'', 'base + size overflows: stdout not empty')
    check_one_error_line(err, 'base + size overflows')


def test_text(memscape, path):
    status, out, err = run(memscape, 'info', '--raw', '--base', '00000000`00b00000',
                           '--regions', '--memory', path)
    check(status == 0 and err == '', f'text: exit {status}, stderr {err!r}')
    text = out.decode('utf-8', 'replace')
    check('Format:        raw' in text, 'text: no "Format: raw" line')
    end = 0xb00000 + SIZE
    check(f'00000000`00b00000 00000000`{end:08x}' in text,
          f'text: no WinDbg-style range 00000000`00b00000 00000000`{end:08x}')
    check(f'{SIZE:#x}' in text, f'text: size {SIZE:#x} not shown')
    check('committed' in text, 'text: no committed region in the region table')
    check_safe_text(out, 'text')


def test_empty_file(memscape, tmp):
    path = os.path.join(tmp, 'empty.bin')
    open(path, 'wb').close()
    doc = raw_json(memscape, path, '0x1000')
    if doc is not None:
        check(doc['memory'] == [] and doc['regions'] == [], 'empty file: memory or regions')


def test_hostile_names(memscape, tmp):
    """File names are the one piece of text a test can inject today: they reach the JSON
    "file" key and the text header through the same escaping as the dump's own strings."""
    names = ['<e&l"\'>n.exe', 'esc\x1b[31mred\x07\ttab\nline', 'rtl\u202eexe.txt',
             'sep\u2028\u2029', 'c1\u0085', 'back\\slash']
    for name in names:
        path = os.path.join(tmp, name)
        with open(path, 'wb') as f:
            f.write(b'\0' * 16)
        status, out, err = run(memscape, 'info', '--raw', '--json', path)
        check(status == 0, f'{name!r}: exit {status}, stderr {err!r}')
        for raw_char in (b'<', b'>', b'&', b'\x1b', b'\x07', b'\t', b'\xe2\x80\xa8'):
            check(raw_char not in out, f'{name!r}: {raw_char!r} unescaped in the JSON')
        doc = parse_json(out, repr(name))
        if doc is not None:
            check(doc['file'] == path, f'{name!r}: "file" is {doc["file"]!r}')
        status, out, err = run(memscape, 'info', '--raw', path)
        check(status == 0, f'{name!r} text: exit {status}')
        check_safe_text(out, f'{name!r} text')
    # Not UTF-8 at all: replaced in JSON, shown as \xNN in text.
    path = os.fsencode(tmp) + b'/bad\xff\xc0\xafname'
    with open(path, 'wb') as f:
        f.write(b'\0' * 16)
    status, out, err = run(memscape, 'info', '--raw', '--json', path)
    doc = parse_json(out, 'invalid UTF-8 name')
    if check(status == 0 and doc is not None, 'invalid UTF-8 name: no JSON'):
        check(doc['file'] == tmp + '/bad\ufffd\ufffd\ufffdname', f'"file" is {doc["file"]!r}')
    status, out, err = run(memscape, 'info', '--raw', path)
    check(b'bad\\xff\\xc0\\xafname' in out, 'invalid UTF-8 name: not shown as \\xNN in text')
    check_safe_text(out, 'invalid UTF-8 name text')


def test_at(memscape, path, data):
    """--at ADDR: the region, and the first 64 bytes taken from the file itself."""
    base = 0x7ff600000000
    at = base + 4000
    for text in (f'{at:#x}', f'{at >> 32:08x}`{at & 0xffffffff:08x}'):
        status, out, err = run(memscape, 'info', '--raw', '--base', f'{base:#x}', '--at', text,
                               '--json', path)
        doc = parse_json(out, f'--at {text}')
        if not check(status == 0 and doc is not None, f'--at {text}: exit {status} {err!r}'):
            continue
        want = data[4000:4064]
        check(doc['address'] == at, f'--at {text}: address {doc["address"]}')
        check(doc['region'] is not None and doc['region']['base'] == base and
              doc['region']['size'] == SIZE, f'--at {text}: region {doc["region"]}')
        check(doc['present'] == len(want), f'--at {text}: present {doc["present"]}')
        check(doc['bytes'][:2 * len(want)] == want.hex(), f'--at {text}: bytes {doc["bytes"]}')
        check(doc['bytes'][2 * len(want):] == '00' * (64 - len(want)),
              f'--at {text}: absent bytes are not 00')
    status, out, err = run(memscape, 'info', '--raw', '--at', '0x100000', '--json', path)
    doc = parse_json(out, '--at outside')
    check(doc is not None and doc['region'] is None and doc['present'] == 0,
          f'--at outside the file: {doc}')
    status, out, err = run(memscape, 'info', '--raw', '--at', '16', path)
    line = ' '.join(f'{b:02x}' for b in data[16:32])
    check(status == 0 and line.encode() in out, f'--at text: no hex line {line!r} in {out!r}')
    check_safe_text(out, '--at text')


def main():
    memscape = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'raw.bin')
        with open(path, 'wb') as f:
            f.write(bytes((i * 7 + 3) & 0xff for i in range(SIZE)))
        test_bases(memscape, path)
        with open(path, 'rb') as f:
            test_at(memscape, path, f.read())
        test_text(memscape, path)
        test_empty_file(memscape, tmp)
        test_hostile_names(memscape, tmp)
    finish('raw')


main()
