# SPDX-License-Identifier: MIT
"""memscape and memscape info: --help, usage errors (exit 2), failures (exit 1), output errors."""
import os
import sys
import tempfile

from clitest import check, check_one_error_line, finish, run


def test_help(memscape):
    for args in (['--help'], ['info', '--help'], ['info', '-h']):
        status, out, err = run(memscape, *args)
        check(status == 0, f'{args}: exit {status}, expected 0')
        check(out.startswith(b'Usage: memscape'), f'{args}: no usage on stdout: {out[:60]!r}')
        check(err == '', f'{args}: stderr not empty: {err!r}')
    status, out, _ = run(memscape, 'info', '--help')
    for option in (b'--json', b'--regions', b'--memory', b'--raw', b'--base'):
        check(option in out, f'info --help does not mention {option!r}')


def expect_usage_error(memscape, args, mention):
    status, out, err = run(memscape, *args)
    check(status == 2, f'{args}: exit {status}, expected 2')
    check(out == b'', f'{args}: stdout not empty: {out!r}')
    check(err.startswith('memscape: info: '), f'{args}: stderr {err!r}')
    check(mention in err, f'{args}: stderr does not mention {mention!r}: {err!r}')
    check('Usage: memscape info' in err, f'{args}: no short usage on stderr: {err!r}')


def test_usage_errors(memscape, some_file):
    expect_usage_error(memscape, ['info'], 'missing DUMP')
    expect_usage_error(memscape, ['info', '--json'], 'missing DUMP')
    expect_usage_error(memscape, ['info', '--bogus', some_file], '--bogus')
    expect_usage_error(memscape, ['info', '-x', some_file], '-x')
    expect_usage_error(memscape, ['info', '--json=yes', some_file], '--json')
    expect_usage_error(memscape, ['info', some_file, some_file], 'one DUMP')
    expect_usage_error(memscape, ['info', '--raw', some_file, '--base'], '--base')
    for bad in ('', 'x', '-1', '+5', '0x', '0x1g', '12xyz', '0n12a', '18446744073709551616',
                '0x10000000000000000', '00000001`00000000`0', '`00000000', '00000000`',
                '0000000g`00000000', ' 1'):
        expect_usage_error(memscape, ['info', '--raw', '--base', bad, some_file], '--base')
    expect_usage_error(memscape, ['info', '--base', '0x1000', some_file], '--raw')
    status, _, _ = run(memscape)
    check(status == 2, f'memscape without a command: exit {status}, expected 2')
    status, _, _ = run(memscape, 'no-such-command')
    check(status == 2, f'unknown command: exit {status}, expected 2')


def test_failures(memscape, tmp):
    missing = os.path.join(tmp, 'does-not-exist.dmp')
    for args in (['info', missing], ['info', '--json', missing], ['info', '--raw', missing]):
        status, out, err = run(memscape, *args)
        check(status == 1, f'{args}: exit {status}, expected 1')
        check(out == b'', f'{args}: stdout not empty')
        check_one_error_line(err, f'{args}')
    not_a_dump = os.path.join(tmp, 'notes.txt')
    with open(not_a_dump, 'wb') as f:
        f.write(b'just some text, not a dump\n' * 10)
    for args in (['info', not_a_dump], ['info', '--json', not_a_dump]):
        status, out, err = run(memscape, *args)
        check(status == 1, f'{args}: exit {status}, expected 1')
        check(out == b'', f'{args}: stdout not empty')
        check_one_error_line(err, f'{args}')
        check(' offset 0x' in err, f'{args}: no offset in {err!r}')
    status, out, err = run(memscape, 'info', tmp)
    check(status == 1, f'a directory: exit {status}, expected 1')
    check_one_error_line(err, 'a directory')


def test_output_errors(memscape, some_file):
    if not os.path.exists('/dev/full'):
        print('skipping the /dev/full checks: no /dev/full here')
        return
    for args in (['info', '--raw', '--json', some_file], ['info', '--raw', some_file],
                 ['info', '--help']):
        with open('/dev/full', 'wb') as full:
            status, _, err = run(memscape, *args, stdout=full)
        check(status == 1, f'{args} > /dev/full: exit {status}, expected 1')
        lines = err.splitlines()
        check(len(lines) == 1 and lines[0].startswith('memscape: '),
              f'{args} > /dev/full: expected one error line, got {lines!r}')


def main():
    memscape = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        some_file = os.path.join(tmp, 'bytes.bin')
        with open(some_file, 'wb') as f:
            f.write(bytes(range(256)) * 4)
        test_help(memscape)
        test_usage_errors(memscape, some_file)
        test_failures(memscape, tmp)
        test_output_errors(memscape, some_file)
    finish('usage')


main()
