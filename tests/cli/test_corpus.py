# SPDX-License-Identifier: MIT
"""memscape info --json over every corpus dump: the document has every key with the right
types, and its streams, modules, threads (minidump) and memory ranges (ELF core) match what this
script decodes from the file's own headers. Dumps that do not open must fail with one error
line. Text mode must agree on the exit status and keep control characters off the terminal."""
import os
import struct
import sys

from clitest import (SKIP, check, check_info_json, check_one_error_line, check_safe_text,
                     finish, parse_json, run, windbg)

MDMP = 0x504d444d  # 'MDMP' little-endian: MINIDUMP_HEADER.Signature
# MINIDUMP_SYSTEM_INFO.ProcessorArchitecture -> pointer size (FORMAT_NOTES.md)
ARCH_POINTER = {0: 4, 5: 4, 9: 8, 12: 8, 0x8003: 8}


def u32(data, off):
    return struct.unpack_from('<I', data, off)[0] if off + 4 <= len(data) else None


def list_entries(data, stream, entry_size):
    """Offsets of the entries of a count-prefixed list stream (count then 0 or 4 pad bytes),
    or None when the stream does not hold them."""
    _, size, rva = stream
    count = u32(data, rva)
    if count is None or rva + size > len(data):
        return None
    for header in (4, 8):
        if size == header + count * entry_size:
            return [rva + header + i * entry_size for i in range(count)]
    return None


def minidump_string(data, rva):
    length = u32(data, rva)
    if length is None or rva + 4 + length > len(data):
        return None
    return data[rva + 4:rva + 4 + length].decode('utf-16-le', 'replace')


def decode_minidump(data):
    """Streams, modules and threads straight from the MINIDUMP_* structures."""
    count, directory = u32(data, 8), u32(data, 12)
    streams = []
    for i in range(count):
        off = directory + 12 * i
        if off + 12 > len(data):
            break
        streams.append(struct.unpack_from('<III', data, off))
    expected = {'streams': streams}
    by_type = {s[0]: s for s in streams}
    if 4 in by_type:
        offs = list_entries(data, by_type[4], 108)
        if offs is not None:
            expected['modules'] = [
                {'base': struct.unpack_from('<Q', data, o)[0], 'size': u32(data, o + 8),
                 'name': minidump_string(data, u32(data, o + 20))} for o in offs]
    if 3 in by_type:
        offs = list_entries(data, by_type[3], 48)
        if offs is not None:
            expected['threads'] = [
                {'id': u32(data, o), 'stack_base': struct.unpack_from('<Q', data, o + 24)[0],
                 'stack_size': u32(data, o + 32)} for o in offs]
    if 7 in by_type and by_type[7][2] + 2 <= len(data):
        arch = struct.unpack_from('<H', data, by_type[7][2])[0]
        if arch in ARCH_POINTER:
            expected['pointer_size'] = ARCH_POINTER[arch]
    return expected


def decode_elf(data):
    """Pointer size, byte order and the PT_LOADs with bytes in the file (Elf32/64_Phdr)."""
    is64 = data[4] == 2
    end = '<' if data[5] == 1 else '>'
    if is64:
        phoff, = struct.unpack_from(end + 'Q', data, 0x20)
        shoff, = struct.unpack_from(end + 'Q', data, 0x28)
        phentsize, phnum = struct.unpack_from(end + 'HH', data, 0x36)
    else:
        phoff, = struct.unpack_from(end + 'I', data, 0x1c)
        shoff, = struct.unpack_from(end + 'I', data, 0x20)
        phentsize, phnum = struct.unpack_from(end + 'HH', data, 0x2a)
    if phnum == 0xffff:  # PN_XNUM: the count is section header 0's sh_info
        phnum, = struct.unpack_from(end + 'I', data, shoff + (0x2c if is64 else 0x1c))
    ranges = []
    for i in range(phnum):
        off = phoff + i * phentsize
        if is64:
            p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from(end + 'IIQQQQ',
                                                                            data, off)
        else:
            p_type, p_offset, p_vaddr, _, p_filesz = struct.unpack_from(end + 'IIIII', data, off)
        present = max(0, min(p_filesz, len(data) - p_offset))
        if p_type == 1 and present > 0:
            ranges.append({'base': p_vaddr, 'size': present, 'file_offset': p_offset})
    return {'pointer_size': 8 if is64 else 4, 'big_endian': end == '>', 'memory': ranges}


def compare_minidump(doc, data, what):
    expected = decode_minidump(data)
    got = [(s['type'], s['size'], s['rva']) for s in doc['streams'] if s['type'] != 0]
    want = [s for s in expected['streams'] if s[0] != 0]
    check(got == want, f'{what}: streams {got!r}, the directory says {want!r}')
    if 'modules' in expected:
        got = [{k: m[k] for k in ('base', 'size', 'name')} for m in doc['modules']]
        check(got == expected['modules'],
              f'{what}: modules {got!r}, ModuleList says {expected["modules"]!r}')
    if 'threads' in expected:
        got = [{k: t[k] for k in ('id', 'stack_base', 'stack_size')} for t in doc['threads']]
        check(got == expected['threads'],
              f'{what}: threads {got!r}, ThreadList says {expected["threads"]!r}')
    if 'pointer_size' in expected:
        check(doc['pointer_size'] == expected['pointer_size'],
              f'{what}: pointer_size {doc["pointer_size"]}, expected {expected["pointer_size"]}')


def compare_elf(doc, data, what):
    expected = decode_elf(data)
    check(doc['pointer_size'] == expected['pointer_size'],
          f'{what}: pointer_size {doc["pointer_size"]}, expected {expected["pointer_size"]}')
    check(doc['system']['big_endian'] == expected['big_endian'], f'{what}: big_endian')
    check(doc['memory'] == expected['memory'],
          f'{what}: memory {doc["memory"]!r}, PT_LOADs say {expected["memory"]!r}')


def check_text(memscape, path, json_status, doc, what):
    status, out, err = run(memscape, 'info', '--regions', '--memory', path)
    check(status == json_status, f'{what}: text exit {status}, JSON exit {json_status}')
    if status != 0:
        check_one_error_line(err, f'{what} (text)')
        return
    check_safe_text(out, what)
    text = out.decode('utf-8', 'replace')
    if doc is None:
        return
    pointer = doc['pointer_size'] if doc['pointer_size'] == 4 else 8
    for m in doc['modules']:
        start = windbg(m['base'], pointer)
        check(start in text, f'{what}: module base {start} not in the text output')


def check_dump(memscape, path):
    what = os.path.basename(path)
    with open(path, 'rb') as f:
        data = f.read()
    status, out, err = run(memscape, 'info', '--json', path)
    doc = None
    if status == 0:
        check(err == '', f'{what}: stderr not empty: {err!r}')
        doc = parse_json(out, what)
        if doc is not None and check_info_json(doc, what):
            check(doc['file_size'] == len(data), f'{what}: file_size {doc["file_size"]}')
            if u32(data, 0) == MDMP:
                check(doc['format'] == 'minidump', f'{what}: format {doc["format"]!r}')
                compare_minidump(doc, data, what)
            elif data[:4] == b'\x7fELF':
                check(doc['format'] == 'elf-core', f'{what}: format {doc["format"]!r}')
                compare_elf(doc, data, what)
        print(f'{what}: opened, {len(doc["regions"]) if doc else "?"} regions')
    else:
        check(status == 1, f'{what}: exit {status}, expected 0 or 1')
        check(out == b'', f'{what}: stdout not empty on failure')
        check_one_error_line(err, what)
        print(f'{what}: does not open: {err.strip()}')
    check_text(memscape, path, status, doc, what)


def main():
    memscape, corpus = sys.argv[1], sys.argv[2]
    if not os.path.isdir(corpus):
        print(f'SKIP: no corpus folder at {corpus} (set -Dcorpus_dir=...)')
        sys.exit(SKIP)
    dumps = sorted(os.path.join(corpus, sub, name)
                   for sub in ('minidump', 'elfcore') if os.path.isdir(os.path.join(corpus, sub))
                   for name in os.listdir(os.path.join(corpus, sub))
                   if name.endswith(('.dmp', '.core')))
    if not dumps:
        print(f'SKIP: no .dmp or .core files under {corpus}')
        sys.exit(SKIP)
    for path in dumps:
        check_dump(memscape, path)
    finish(f'corpus ({len(dumps)} dumps)')


main()
