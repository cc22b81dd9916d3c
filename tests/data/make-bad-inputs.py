#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the crafted bad inputs of tests/data, one defect each, and expected.tsv: what
`memscape info` must say about each (exit 1, one line, this byte offset, this phrase).
Run from anywhere: python3 tests/data/make-bad-inputs.py"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def minidump(streams, directory_rva=32, count=None):
    """Header, directory at directory_rva, then each (type, body) stream in order."""
    n = len(streams) if count is None else count
    data_at = directory_rva + 12 * len(streams)
    directory, body = b'', b''
    for kind, payload in streams:
        directory += struct.pack('<III', kind, len(payload), data_at + len(body))
        body += payload
    header = struct.pack('<IIIIIIQ', 0x504d444d, 0xa793, n, directory_rva, 0, 0, 0)
    pad = b'\0' * (directory_rva - 32) if directory_rva > 32 else b''
    return header + pad + directory + body


SYSTEM_INFO = struct.pack('<HHHBBIIIIIHH', 9, 6, 0, 1, 1, 10, 0, 19041, 2, 0, 0, 0) + b'\0' * 24


def elf_core(phdrs, notes=b'', e_phnum=None, e_shoff=0, size=None):
    """ELF64 LE x86-64 core: header, program headers, then notes."""
    phnum = len(phdrs) if e_phnum is None else e_phnum
    ident = b'\x7fELF' + bytes([2, 1, 1, 0]) + b'\0' * 8
    header = ident + struct.pack('<HHIQQQIHHHHHH', 4, 62, 1, 0, 64, e_shoff, 0, 64, 56, phnum,
                                 64, 0, 0)
    table = b''.join(struct.pack('<IIQQQQQQ', *p) for p in phdrs)
    out = header + table + notes
    return out if size is None else out[:size]


def note(owner, kind, desc, namesz=None):
    name = owner.encode() + b'\0'
    header = struct.pack('<III', len(name) if namesz is None else namesz, len(desc), kind)
    pad = lambda b: b + b'\0' * (-len(b) % 4)
    return header + pad(name) + pad(desc)


CASES = []


def case(name, data, offset, phrase):
    CASES.append((name, data, offset, phrase))


# Minidumps
case('minidump-directory-overlaps-header.dmp', minidump([(7, SYSTEM_INFO)], directory_rva=32,
     count=1)[:12] + struct.pack('<I', 2) + minidump([(7, SYSTEM_INFO)])[16:], 0xc,
     'overlaps the 32-byte header')
case('minidump-directory-past-end.dmp', minidump([(7, SYSTEM_INFO)], count=100), 0xc,
     'past the end of the file')
case('minidump-too-many-streams.dmp', minidump([(7, SYSTEM_INFO)], count=0xffffffff), 0x8,
     'exceeds the limit')
modules = struct.pack('<I', 1000) + b'\0' * 108
case('minidump-modulelist-count-too-big.dmp', minidump([(7, SYSTEM_INFO), (4, modules)]),
     32 + 24 + len(SYSTEM_INFO), 'ModuleList')
meminfo = struct.pack('<IIQ', 16, 8, 1) + b'\0' * 48
case('minidump-memoryinfo-entry-too-small.dmp', minidump([(7, SYSTEM_INFO), (16, meminfo)]),
     32 + 24 + len(SYSTEM_INFO) + 4, 'MemoryInfoList')
case('minidump-text-that-looks-like-one.dmp', b'MDMP minidump, honest: just text\n' * 4, 0x0,
     'not a recognised dump')
case('minidump-empty.dmp', b'', 0x0, 'empty file')

# ELF cores
PT_NOTE, PT_LOAD = 4, 1
case('elf-program-headers-past-end.core',
     elf_core([(PT_LOAD, 5, 0x1000, 0x400000, 0, 0x1000, 0x1000, 0x1000)] * 6, size=300),
     0x20, 'run past the end of the file')
bad_note = note('CORE', 1, b'\0' * 336, namesz=0x7ffffff0)
case('elf-note-name-past-segment.core',
     elf_core([(PT_NOTE, 0, 64 + 56, 0, 0, len(bad_note), 0, 4)], bad_note), 64 + 56,
     'PT_NOTE segment')
case('elf-pn-xnum-without-section-header.core',
     elf_core([(PT_LOAD, 5, 0x1000, 0x400000, 0, 0, 0x1000, 0x1000)], e_phnum=0xffff), 0x28,
     'e_shoff')
case('elf-load-wraps-address-space.core',
     elf_core([(PT_LOAD, 5, 0, 0xfffffffffffff000, 0, 0, 0x2000, 0x1000)]), 64 + 40,
     'end of the address space')

# WinDbg logs (text: probed after the binary formats). In this file no line starts with a
# prompt, so the script itself is not a log.
LOG_HEAD = ('Microsoft (R) Windows Debugger Version 10.0.22621.2428 AMD64\n'
            'Loading Dump File [C:\\dumps\\app.dmp]\n')
case('windbg-log-without-commands.txt',
     (LOG_HEAD + '0:000> k\n'
      ' # Child-SP          RetAddr           Call Site\n'
      '00 00000000`0012f6e8 00000000`77a1c8e4 ntdll!NtWaitForSingleObject+0xa\n').encode(),
     0x0, 'nothing to read')
vm = (LOG_HEAD + '0: kd> !vm\n'
      '*** Virtual Memory Usage ***\n'
      '\tPhysical Memory:     8387414 (  33549656 Kb)\n').encode()
case('windbg-log-nul-byte.txt', vm + b'\0\0\0\0binary after the text\n', len(vm), 'NUL byte')


def main():
    with open(os.path.join(HERE, 'expected.tsv'), 'w') as tsv:
        tsv.write('# file\tbyte offset memscape must name\tphrase its message must hold\n')
        for name, data, offset, phrase in CASES:
            with open(os.path.join(HERE, name), 'wb') as f:
                f.write(data)
            tsv.write(f'{name}\t{offset:#x}\t{phrase}\n')
    print(f'wrote {len(CASES)} files and expected.tsv')


main()
