# SPDX-License-Identifier: MIT
"""Helpers shared by the memscape CLI tests: run the binary, check exit codes and stderr."""
import json
import re
import subprocess
import sys

# cli_report's one error line: "memscape: FILE: offset 0xNN: what is wrong" (offset optional).
ERROR_LINE = re.compile(r'^memscape: .+: (offset 0x[0-9a-f]+: )?.+$')
SKIP = 77  # meson's exit status for a skipped test

failures = []


def run(memscape, *args, stdout=subprocess.PIPE):
    """Run memscape with args; returns (exit status, stdout bytes, stderr text)."""
    proc = subprocess.run([memscape, *args], stdout=stdout, stderr=subprocess.PIPE,
                          timeout=120, check=False)
    return proc.returncode, proc.stdout, proc.stderr.decode('utf-8', 'replace')


def check(condition, what):
    """Record a failure (and go on) when condition is false."""
    if not condition:
        failures.append(what)
        print('FAIL: ' + what, file=sys.stderr)
    return condition


def check_one_error_line(stderr, what):
    lines = stderr.splitlines()
    if check(len(lines) == 1, f'{what}: expected one stderr line, got {lines!r}'):
        check(ERROR_LINE.match(lines[0]) is not None,
              f'{what}: stderr line {lines[0]!r} does not match {ERROR_LINE.pattern}')


def finish(name):
    if failures:
        print(f'{name}: {len(failures)} check(s) failed', file=sys.stderr)
        sys.exit(1)
    print(f'{name}: all checks passed')
    sys.exit(0)


def windbg(addr, pointer_size):
    """What cli_format_windbg prints, worked out independently."""
    if pointer_size == 4 and addr <= 0xffffffff:
        return f'{addr:08x}'
    return f'{addr >> 32:08x}`{addr & 0xffffffff:08x}'


def _reject_float(text):
    raise ValueError(f'a float in the JSON: {text}')


def parse_json(data, what):
    """Parse memscape's JSON output strictly: no floats, NaN or Infinity; None on failure."""
    try:
        return json.loads(data.decode('utf-8'), parse_float=_reject_float,
                          parse_constant=_reject_float)
    except (ValueError, UnicodeDecodeError) as e:
        check(False, f'{what}: output is not valid JSON: {e}')
        return None


def is_uint(v):
    return type(v) is int and 0 <= v < 1 << 64  # bool is an int subclass: excluded


def _check_fields(obj, fields, what):
    """fields: {key: kind}; kind is 'int', 'str', 'bool', 'list', 'dict', or 'int?'/'str?'/
    'dict?' for "or null"."""
    if not check(isinstance(obj, dict), f'{what}: not an object: {obj!r}'):
        return False
    ok = True
    for key, kind in fields.items():
        if not check(key in obj, f'{what}: no key {key!r}'):
            ok = False
            continue
        v = obj[key]
        nullable = kind.endswith('?')
        kind = kind.rstrip('?')
        if v is None and nullable:
            continue
        good = {'int': is_uint(v), 'str': isinstance(v, str), 'bool': isinstance(v, bool),
                'list': isinstance(v, list), 'dict': isinstance(v, dict)}[kind]
        ok &= check(good, f'{what}: {key!r} should be {kind}, is {v!r}')
    return ok


TOP = {'file': 'str', 'file_size': 'int', 'format': 'str', 'os': 'str', 'arch': 'str',
       'pointer_size': 'int', 'system': 'dict', 'exception': 'dict?', 'modules': 'list',
       'unloaded_modules': 'list', 'threads': 'list', 'memory': 'list', 'regions': 'list',
       'streams': 'list', 'handles': 'dict?', 'notes': 'list', 'warnings': 'list',
       'warning_total': 'int'}
SYSTEM = {'os_version': 'str?', 'os_detail': 'str?', 'cpu_count': 'int', 'process_id': 'int',
          'process_name': 'str?', 'command_line': 'str?', 'big_endian': 'bool',
          'create_time': 'int', 'dump_time': 'int'}
MODULE = {'name': 'str', 'base': 'int', 'size': 'int', 'checksum': 'int', 'timestamp': 'int',
          'version': 'str?', 'debug_file': 'str?', 'debug_id': 'str?', 'code_id': 'str?'}
THREAD = {'id': 'int', 'name': 'str?', 'stack_base': 'int', 'stack_size': 'int', 'pc': 'int',
          'sp': 'int', 'has_context': 'bool', 'teb': 'int', 'times': 'dict?'}
RANGE = {'base': 'int', 'size': 'int', 'file_offset': 'int'}
REGION = {'base': 'int', 'size': 'int', 'allocation_base': 'int', 'state': 'str', 'type': 'str',
          'protect': 'str', 'protect_value': 'int', 'usage': 'str', 'file_offset': 'int?',
          'module': 'int?', 'thread': 'int?', 'name': 'str?'}
EXCEPTION = {'thread_id': 'int', 'code': 'int', 'code_name': 'str?', 'flags': 'int',
             'address': 'int', 'parameters': 'list', 'is_signal': 'bool', 'pc': 'int?',
             'sp': 'int?'}
STREAM = {'type': 'int', 'name': 'str?', 'size': 'int', 'rva': 'int'}
NOTE = {'key': 'str?', 'value': 'str'}
WARNING = {'offset': 'int?', 'message': 'str'}
STATES = {'committed', 'not-captured', 'reserved', 'free'}
USAGES = {'other', 'image', 'stack', 'teb', 'peb', 'mapped-file', 'heap'}
TYPES = {'none', 'image', 'mapped', 'private'}


def _check_list(doc, key, fields, what):
    for i, item in enumerate(doc.get(key) or []):
        _check_fields(item, fields, f'{what}: {key}[{i}]')


def _check_regions(doc, what):
    previous_end = None
    for i, r in enumerate(doc['regions']):
        w = f'{what}: regions[{i}]'
        if not _check_fields(r, REGION, w):
            continue
        check(r['state'] in STATES, f'{w}: state {r["state"]!r}')
        check(r['usage'] in USAGES, f'{w}: usage {r["usage"]!r}')
        check(r['type'] in TYPES, f'{w}: type {r["type"]!r}')
        check(r['size'] > 0, f'{w}: empty region')
        check(previous_end is None or r['base'] >= previous_end,
              f'{w}: base {r["base"]:#x} not after the previous end {previous_end or 0:#x}')
        previous_end = r['base'] + r['size']
        if r['state'] == 'committed':
            check(r['file_offset'] is not None, f'{w}: committed without file_offset')
        if r['file_offset'] is not None:
            check(r['file_offset'] + r['size'] <= doc['file_size'],
                  f'{w}: bytes run past the end of the file')
        if r['module'] is not None:
            check(r['module'] < len(doc['modules']), f'{w}: module index out of range')
        if r['thread'] is not None:
            check(r['thread'] < len(doc['threads']), f'{w}: thread index out of range')


def check_info_json(doc, what):
    """Every key the JSON document promises, with its type, and the invariants that hold for
    any dump: ranges inside the file, regions sorted and disjoint, indexes in range."""
    if not _check_fields(doc, TOP, what):
        return False
    check(doc['format'] in ('minidump', 'elf-core', 'raw'), f'{what}: format {doc["format"]!r}')
    check(doc['pointer_size'] in (0, 4, 8), f'{what}: pointer_size {doc["pointer_size"]}')
    _check_fields(doc['system'], SYSTEM, f'{what}: system')
    for key in ('modules', 'unloaded_modules'):
        _check_list(doc, key, MODULE, what)
    _check_list(doc, 'threads', THREAD, what)
    _check_list(doc, 'memory', RANGE, what)
    _check_list(doc, 'streams', STREAM, what)
    _check_list(doc, 'notes', NOTE, what)
    _check_list(doc, 'warnings', WARNING, what)
    for i, r in enumerate(doc['memory']):
        if all(is_uint(r.get(k)) for k in RANGE):
            check(r['file_offset'] + r['size'] <= doc['file_size'],
                  f'{what}: memory[{i}] runs past the end of the file')
    _check_regions(doc, what)
    ex = doc['exception']
    if ex is not None and _check_fields(ex, EXCEPTION, f'{what}: exception'):
        check(len(ex['parameters']) <= 15 and all(is_uint(p) for p in ex['parameters']),
              f'{what}: exception parameters {ex["parameters"]!r}')
    if doc['handles'] is not None:
        h = doc['handles']
        if _check_fields(h, {'count': 'int', 'types': 'list'}, f'{what}: handles'):
            _check_list(h, 'types', {'type': 'str', 'count': 'int'}, f'{what}: handles')
    check(doc['warning_total'] >= len(doc['warnings']), f'{what}: warning_total too small')
    return True


def check_safe_text(data, what):
    """Text output must not hand the terminal control characters from the dump."""
    bad = sorted({b for b in data if (b < 0x20 and b != 0x0a) or b == 0x7f})
    check(not bad, f'{what}: control bytes {bad!r} in the text output')
    text = data.decode('utf-8', 'replace')
    check('\ufffd' not in text, f'{what}: ill-formed UTF-8 in the text output')
    for c in ('\u2028', '\u2029', '\u202e', '\u2066', '\u0085'):
        check(c not in text, f'{what}: {c!r} in the text output')
