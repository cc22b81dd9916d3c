# SPDX-License-Identifier: MIT
"""memscape patterns --json over every corpus dump: each dump that opens shows exactly the
crash patterns its reference listing says it should, and crash-free dumps show none.

The expectations are worked out here from the listing (exception stream or ELF signal notes,
threads, modules, layout) and, for exception records on stacks, from the stack bytes the
listing locates in the file. The rules, one per crash pattern:
- cpp-exception: Windows code 0xE06D7363; fast-fail: 0xC0000409; stack-overflow: 0xC00000FD.
- managed-exception: 0xE0434352/0xE0434F4D, or a CLR engine module in a dump with an exception.
- abnormal-termination: SIGABRT (6) as a Linux signal, or a macOS EXC_CRASH (10) whose code
  carries signal 6 (Crashpad: ExceptionInformation = [exception, code[0], code[1]], the signal
  in bits 24..31 of code[0]).
- A memory fault is a Windows access violation (0xC0000005/6, address = parameter 1), SIGSEGV
  or SIGBUS (7 on Linux) with si_code >= 0 (>= 1 in an ELF core, where no NT_SIGINFO leaves it
  0) and not SI_KERNEL (0x80), or a Mach EXC_BAD_ACCESS (1) with code KERN_INVALID_ADDRESS or
  KERN_PROTECTION_FAILURE. null-pointer: the address accessed or the pc below 0x10000.
  stack-overflow: the address within 64 KiB below or inside the faulting thread's stack (below
  its limit when the layout gives one), or the SP at or below that limit. invalid-pointer:
  otherwise, an address that is non-canonical (amd64: bits 63..47; arm64: 55..47), in the
  kernel half, Windows's all-ones report of a #GP, or outside the listed layout.
- hidden-exception: a Windows thread other than the exception's whose stack holds a record
  (known code, flags < 0x100, NumberParameters <= 15, pointer-aligned nested pointer,
  ExceptionAddress in a listed module) at a pointer-aligned offset; multiple-exceptions: two
  or more threads show an exception, the reported one included."""
import os
import re
import struct
import sys

from clitest import SKIP, check, check_one_error_line, finish, parse_json, run

CRASH_KINDS = {'multiple-exceptions', 'hidden-exception', 'stack-overflow', 'null-pointer',
               'invalid-pointer', 'cpp-exception', 'managed-exception', 'fast-fail',
               'abnormal-termination'}
NULL_END = 0x10000
SLACK = 0x10000
KNOWN_CODES = {0x80000001, 0x80000002, 0x80000003, 0x80000004, 0xC0000005, 0xC0000006,
               0xC0000008, 0xC000000D, 0xC000001D, 0xC0000025, 0xC0000026, 0xC000008C,
               0xC000008D, 0xC000008E, 0xC000008F, 0xC0000090, 0xC0000091, 0xC0000092,
               0xC0000093, 0xC0000094, 0xC0000095, 0xC0000096, 0xC00000FD, 0xC0000194,
               0xC0000374, 0xC0000409, 0xC0000420, 0xC0000602, 0xE0434352, 0xE0434F4D,
               0xE06D7363}
CLR_ENGINES = {'clr.dll', 'mscorwks.dll', 'coreclr.dll', 'libcoreclr.so', 'libcoreclr.dylib'}
PLATFORMS = {0x2: 'windows', 0x8101: 'macos', 0x8102: 'ios', 0x8201: 'linux', 0x8203: 'android'}
ARCHS = {0: 'x86', 5: 'arm', 9: 'amd64', 12: 'arm64', 0x8003: 'arm64'}
ELF_MACHINES = {3: 'x86', 40: 'arm', 62: 'amd64', 183: 'arm64', 21: 'ppc64'}


def num(text):
    return int(text, 0)


def field(line, name):
    m = re.search(r'(?:^|\s)' + re.escape(name) + r'=(\S+)', line)
    return num(m.group(1).split('(')[0]) if m else None


class Dump:
    """What the listing says: the exception, threads, modules, layout."""

    def __init__(self):
        self.kind = None            # 'minidump' or 'elf'
        self.os = None
        self.arch = None
        self.pointer = 8
        self.exception = None       # dict: thread, code, flags, address, params, pc, sp
        self.threads = []           # dicts: id, lo, hi, rva, size
        self.modules = []           # (base, end, name)
        self.layout = None          # list of (base, end, alloc_base, in_use) or None


def parse_minidump_listing(text):
    d = Dump()
    d.kind = 'minidump'
    lines = text.splitlines()
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith('ProcessorArchitecture='):
            arch = field(s, 'ProcessorArchitecture')
            d.arch = ARCHS.get(arch)
            d.pointer = 4 if d.arch in ('x86', 'arm') else 8
        elif s.startswith('Version=') and 'PlatformId=' in s:
            d.os = PLATFORMS.get(field(s, 'PlatformId'))
        elif s.startswith('thread[') and 'stack=[' in s:
            m = re.search(r'stack=\[(0x[0-9a-f]+)\.\.(0x[0-9a-f]+)\)', s)
            d.threads.append({'id': field(s, 'tid'), 'lo': num(m.group(1)),
                              'hi': num(m.group(2)), 'rva': field(s, 'rva'),
                              'size': field(s, 'size')})
        elif s.startswith('module[') and ' base=' in s:
            name = re.search(r"name='(.*?)'(?: |$)", s)
            d.modules.append((field(s, 'base'), field(s, 'end'),
                              name.group(1).replace('\\\\', '\\') if name else ''))
        elif s.startswith('thread_id=') and 'code=' in s and d.exception is None:
            params = re.search(r'params=\[(.*)\]', lines[i + 1])
            ctx = lines[i + 2] if i + 2 < len(lines) else ''
            pc = field(ctx, 'rip') if field(ctx, 'rip') is not None else field(ctx, 'eip')
            sp = field(ctx, 'rsp') if field(ctx, 'rsp') is not None else field(ctx, 'esp')
            d.exception = {'thread': field(s, 'thread_id'), 'code': field(s, 'code'),
                           'flags': field(s, 'flags'), 'address': field(s, 'address'),
                           'params': [num(p) for p in params.group(1).split(',') if p.strip()]
                           if params else [], 'pc': pc, 'sp': sp}
        elif s.startswith('info[') and 'state=' in s:
            d.layout = d.layout or []
            state = field(s, 'state')
            d.layout.append((field(s, 'base'), field(s, 'end'), field(s, 'alloc_base'),
                             state in (0x1000,), state != 0x10000))
        elif re.match(r'^\| [0-9a-f]+-[0-9a-f]+ ', s):
            d.layout = d.layout or []
            lo, hi = (int(x, 16) for x in s[2:].split()[0].split('-'))
            d.layout.append((lo, hi, lo, True, True))
    return d


def parse_elf_listing(text):
    d = Dump()
    d.kind = 'elf'
    d.os = 'linux'
    d.layout = []
    prstatus = []
    siginfo = None
    for line in text.splitlines():
        s = line.strip()
        if s.startswith('elf: class='):
            d.pointer = 8 if 'ELF64' in s else 4
            d.arch = ELF_MACHINES.get(field(s, 'machine'))
        elif s.startswith('ph[') and ' LOAD ' in s:
            base = field(s, 'vaddr')
            d.layout.append((base, field(s, 'end'), base, True, True))
        elif s.startswith('prstatus:'):
            pc = next((field(s, k) for k in ('rip', 'eip', 'pc') if field(s, k) is not None),
                      None)
            sp = next((field(s, k) for k in ('rsp', 'esp', 'sp') if field(s, k) is not None),
                      None)
            prstatus.append({'id': field(s, 'pid(lwp)'), 'cursig': field(s, 'cursig'),
                             'pc': pc, 'sp': sp})
        elif s.startswith('siginfo:') and siginfo is None:
            siginfo = {'code': field(s, 'si_code'), 'addr': field(s, 'si_addr(if fault)')}
    for t in prstatus:
        seg = next((r for r in d.layout if t['sp'] is not None and r[0] <= t['sp'] < r[1]),
                   None)
        d.threads.append({'id': t['id'], 'lo': seg[0] if seg else 0, 'hi': seg[1] if seg else 0})
    crashed = next((t for t in prstatus if t['cursig']), None)
    if crashed:
        # The kernel writes the dumping signal's siginfo; without it si_code reads 0.
        d.exception = {'thread': crashed['id'], 'code': crashed['cursig'],
                       'flags': siginfo['code'] if siginfo else 0,
                       'address': siginfo['addr'] if siginfo else 0, 'params': [],
                       'pc': crashed['pc'], 'sp': crashed['sp']}
    return d


def windows_code(d):
    return d.kind == 'minidump' and d.os == 'windows'


def signed32(v):
    return v - (1 << 32) if v & 0x80000000 else v


def fault_of(d):
    """(is a memory fault, address or None, access kind or None)."""
    e = d.exception
    if windows_code(d):
        if e['code'] not in (0xC0000005, 0xC0000006):
            return False, None, None
        if len(e['params']) < 2:
            return True, None, None
        return True, e['params'][1], {0: 'read', 1: 'write', 8: 'execute'}.get(e['params'][0])
    if d.os in ('linux', 'android'):
        if e['code'] not in (11, 7):
            return False, None, None
        si_code = signed32(e['flags'])
        known = si_code >= (1 if d.kind == 'elf' else 0) and si_code != 0x80
        return True, e['address'] if known else None, None
    if d.os in ('macos', 'ios'):
        if e['code'] != 1:
            return False, None, None
        return True, e['address'] if e['flags'] in (1, 2) else None, None
    return False, None, None


def non_canonical(d, a):
    if d.pointer != 8:
        return False
    if d.arch == 'amd64':
        return (a >> 47) not in (0, 0x1ffff) or a >> 63 == 1
    if d.arch == 'arm64':
        return ((a >> 47) & 0x1ff) not in (0, 0x1ff) or (a >> 55) & 1 == 1
    return False


def in_layout(d, a):
    return any(r[0] <= a < r[1] and r[4] for r in d.layout)


def stack_limit(d, thread):
    """The lowest usable address of the thread's stack, from the layout, or None."""
    if d.layout is None or thread['hi'] <= thread['lo']:
        return None
    top = thread['hi'] - 1
    regions = sorted(r for r in d.layout if r[4])
    idx = next((i for i, r in enumerate(regions) if r[0] <= top < r[1]), None)
    if idx is None:
        return None
    alloc = regions[idx][2]
    while (idx > 0 and regions[idx - 1][1] == regions[idx][0] and regions[idx - 1][3]
           and regions[idx - 1][2] == alloc):
        idx -= 1
    return regions[idx][0]


def stack_overflow(d, address, access):
    e = d.exception
    if windows_code(d) and e['code'] == 0xC00000FD:
        return True
    thread = next((t for t in d.threads if t['id'] == e['thread']), None)
    if thread is None:
        return False
    limit = stack_limit(d, thread)
    lo = min(thread['lo'], limit) if limit is not None else thread['lo']
    if (address is not None and access != 'execute' and address >= NULL_END
            and max(lo - SLACK, 0) <= address < thread['hi']
            and (limit is None or address < limit)):
        return True
    return (limit is not None and e['sp'] is not None
            and max(lo - SLACK, 0) <= e['sp'] <= limit)


def fault_patterns(d):
    is_fault, address, access = fault_of(d)
    e = d.exception
    found = set()
    if stack_overflow(d, address, access) and (is_fault or windows_code(d)):
        found.add('stack-overflow')
    if not is_fault:
        return found
    pc = e['pc']
    if (pc is not None and pc < NULL_END) or (address is not None and address < NULL_END):
        found.add('null-pointer')
    elif address is not None and 'stack-overflow' not in found:
        gp_report = windows_code(d) and d.arch == 'amd64' and address == (1 << 64) - 1
        outside = d.layout is not None and d.layout and not in_layout(d, address)
        if gp_report or non_canonical(d, address) or outside:
            found.add('invalid-pointer')
    return found


def scan_records(data, d, thread):
    """Does the thread's stack hold an exception record (the rules in the docstring)?"""
    w = d.pointer
    rva, size = thread.get('rva'), thread.get('size')
    if rva is None or not size:
        return False
    stack = data[rva:rva + size]
    word = '<Q' if w == 8 else '<I'
    header = 32 if w == 8 else 20
    first = (-thread['lo']) % w
    for off in range(first, len(stack) - header + 1, w):
        code, flags = struct.unpack_from('<II', stack, off)
        if code not in KNOWN_CODES or flags >= 0x100:
            continue
        nested, = struct.unpack_from(word, stack, off + 8)
        where, = struct.unpack_from(word, stack, off + 8 + w)
        count, = struct.unpack_from('<I', stack, off + 8 + 2 * w)
        if count <= 15 and nested % w == 0 and any(b <= where < e for b, e, _ in d.modules):
            return True
    return False


def expected_patterns(data, d):
    e = d.exception
    found = set()
    clr = any(re.split(r'[\\/]', m[2])[-1].lower() in CLR_ENGINES for m in d.modules)
    if e is not None:
        code = e['code']
        if windows_code(d):
            found |= {0xE06D7363: {'cpp-exception'}, 0xC0000409: {'fast-fail'}}.get(code, set())
            if code in (0xE0434352, 0xE0434F4D):
                found.add('managed-exception')
        if clr and not (d.kind == 'minidump' and code == 0xFFFFFFFF):
            found.add('managed-exception')
        if d.os in ('linux', 'android') and code == 6:
            found.add('abnormal-termination')
        if (d.os in ('macos', 'ios') and len(e['params']) >= 2 and e['params'][0] == 10
                and (e['params'][1] >> 24) & 0xff == 6):
            found.add('abnormal-termination')
        found |= fault_patterns(d)
    if windows_code(d):
        others = [t for t in d.threads
                  if (e is None or t['id'] != e['thread']) and scan_records(data, d, t)]
        if others:
            found.add('hidden-exception')
        if len(others) + (e is not None) >= 2:
            found.add('multiple-exceptions')
    return found


CONTEXT_KINDS = {'manual-dump', 'unloaded-modules', 'wow64', 'embedded-comment'}
WOW64_LAYER = {'wow64.dll', 'wow64cpu.dll', 'wow64win.dll', 'wowarmhw.dll', 'xtajit.dll'}


def expected_context(text, d):
    """The context patterns the listing implies: no exception (a minidump without an exception
    stream, or Breakpad's 0xFFFFFFFF "dump requested"; a core without a pending signal) is a
    manual dump; listed unloaded modules; the WOW64 layer or SysWOW64 modules loaded; comment
    streams (types 0xa, 0xb) or Crashpad annotations (a CrashpadInfo whose simple annotations
    or module list is not empty)."""
    found = set()
    if d.exception is None or (d.kind == 'minidump' and d.exception['code'] == 0xFFFFFFFF):
        found.add('manual-dump')
    if re.search(r'^\s*unloaded\[\d+\] ', text, re.M):
        found.add('unloaded-modules')
    names = [m[2].lower() for m in d.modules]
    if d.kind == 'minidump' and any(re.split(r'[\\/]', n)[-1] in WOW64_LAYER or
                                    '\\syswow64\\' in n for n in names):
        found.add('wow64')
    if (re.search(r'type=0x[ab] ', text) or
            re.search(r'(simple_annotations|module_list)=\[size 0x[1-9a-f]', text)):
        found.add('embedded-comment')
    return found


def check_dump(memscape, path):
    what = os.path.basename(path)
    listing_path = path + '.listing.txt'
    status, out, err = run(memscape, 'patterns', '--json', path)
    if status != 0:
        check(status == 1, f'{what}: exit {status}, expected 0 or 1')
        check_one_error_line(err, what)
        print(f'{what}: does not open ({err.strip()})')
        return
    check(err == '', f'{what}: stderr not empty: {err!r}')
    doc = parse_json(out, what)
    if doc is None or not check(os.path.exists(listing_path), f'{what}: no listing'):
        return
    with open(listing_path, encoding='utf-8', errors='replace') as f:
        text = f.read()
    with open(path, 'rb') as f:
        data = f.read()
    d = parse_elf_listing(text) if data[:4] == b'\x7fELF' else parse_minidump_listing(text)
    got = {p['id'] for p in doc.get('patterns', []) if p.get('id') in CRASH_KINDS}
    want = expected_patterns(data, d)
    check(got == want, f'{what}: crash patterns {sorted(got)}, the listing says {sorted(want)}')
    context = {p['id'] for p in doc.get('patterns', []) if p.get('id') in CONTEXT_KINDS}
    want_context = expected_context(text, d)
    check(context == want_context, f'{what}: context patterns {sorted(context)}, the listing '
                                   f'says {sorted(want_context)}')
    print(f'{what}: {sorted(got | context) or "no crash or context pattern"}')


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
    finish(f'patterns corpus ({len(dumps)} dumps)')


main()
