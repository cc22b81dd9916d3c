# SPDX-License-Identifier: MIT
"""memscape patterns, run as a user would: --help, --list, the text and JSON forms of the
findings and their errors. Which dump shows which pattern is the corpus test's
(test_patterns_corpus.py); the detectors' rules are the unit tests'."""
import json
import os
import subprocess
import sys
import tempfile

from clitest import check, check_one_error_line, finish, run

IDS = {'multiple-exceptions', 'hidden-exception', 'stack-overflow', 'null-pointer',
       'invalid-pointer', 'cpp-exception', 'managed-exception', 'fast-fail',
       'abnormal-termination', 'manual-dump', 'cloud-environment', 'wow64', 'embedded-comment',
       'spiking-thread', 'handle-leak', 'truncated-dump', 'unloaded-modules',
       'problem-vocabulary', 'execution-residue', 'module-variety', 'excessive-pool-usage',
       'inconsistent-counters'}


def test_usage(memscape):
    status, out, _ = run(memscape, 'patterns', '--help')
    check(status == 0 and b'Usage: memscape patterns' in out, f'patterns --help: exit {status}')
    for args in (['patterns'], ['patterns', 'a', 'b'], ['patterns', '--list', 'a'],
                 ['patterns', '--threads', '0', 'a'], ['patterns', '--nope', 'a']):
        status, _, err = run(memscape, *args)
        check(status == 2, f'{args}: exit {status}, expected 2 ({err!r})')


def test_list(memscape):
    """The issue names the ids; each line is id, kind, name and criterion."""
    status, out, _ = run(memscape, 'patterns', '--list')
    rows = [line.split(None, 2) for line in out.decode().splitlines()]
    check(status == 0 and {r[0] for r in rows} == IDS and len(rows) == len(IDS),
          f'--list ids: {sorted(r[0] for r in rows)}')
    check(all(r[1] in ('crash', 'problem', 'context') and ': ' in r[2] for r in rows),
          '--list rows: kind, then "Name: criterion"')


def test_docs_match(memscape):
    """docs/patterns.md has a section per pattern, and the README's table a row, stating the
    criterion memscape applies word for word, so they cannot drift apart."""
    docs = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'docs',
                        'patterns.md')
    with open(docs, encoding='utf-8') as f:
        sections = f.read().split('\n### ')[1:]
    documented = {}
    for section in sections:
        pid, _, body = section.partition('\n')
        documented[pid.strip()] = ' '.join(body.split())
    _, out, _ = run(memscape, 'patterns', '--list')
    for line in out.decode().splitlines():
        pid, _, rest = line.split(None, 2)
        criterion = rest.split(': ', 1)[1]
        text = documented.get(pid, '')
        check(criterion[1:] + '.' in text and criterion[0].upper() == text[text.find(
            criterion[1:]) - 1:][:1].upper(),
              f'docs/patterns.md: the criterion of {pid} differs from memscape\'s')
    check(set(documented) == IDS, f'docs/patterns.md sections: {sorted(documented)}')
    readme = os.path.join(os.path.dirname(docs), '..', 'README.md')
    with open(readme, encoding='utf-8') as f:
        rows = set(f.read().splitlines())
    for line in out.decode().splitlines():
        pid, kind, rest = line.split(None, 2)
        name, criterion = rest.split(': ', 1)
        check(f'| `{pid}` | {name} | {kind} | {criterion} |' in rows,
              f'README.md: the patterns table row of {pid} differs from memscape\'s')


def corpus_dump(corpus, name):
    path = os.path.join(corpus, 'minidump', name)
    return path if os.path.isfile(path) else None


def test_json_and_text(memscape, corpus):
    """tiny-exe-fastfail's listing: exception 0xc0000409 on thread 0x5f78, subcode 7 (the first
    exception parameter), at an address inside tiny.exe."""
    dump = corpus_dump(corpus, 'breakpad--tiny-exe-fastfail.dmp')
    if not dump:
        print(f'patterns: corpus absent at {corpus}: JSON checks skipped')
        return
    status, out, err = run(memscape, 'patterns', '--json', dump)
    if not check(status == 0, f'patterns --json: exit {status} {err!r}'):
        return
    doc = json.loads(out)
    check(list(doc) == ['patterns'], f'top-level keys {list(doc)}')
    fast = [p for p in doc['patterns'] if p['id'] == 'fast-fail']
    if check(len(fast) == 1, f'fast-fail findings: {doc["patterns"]}'):
        f = fast[0]
        check(f['name'] == 'Fast Fail' and f['thread_id'] == 0x5f78 and
              f['module'].endswith('tiny.exe') and f['evidence'].get('subcode') == '7' and
              f['evidence'].get('code') == '0xc0000409' and isinstance(f['address'], int),
              f'fast-fail finding {f}')
    for p in doc['patterns']:
        check(p['id'] in IDS and isinstance(p['evidence'], dict) and
              set(p) <= {'id', 'name', 'thread_id', 'address', 'module', 'evidence'},
              f'finding {p}')
    status, out, _ = run(memscape, 'patterns', dump)
    text = out.decode()
    check(status == 0 and 'fast-fail' in text and 'thread 0x5f78' in text and
          'subcode: 7' in text, f'text form: {text!r}')


def test_seed_logs(memscape, corpus):
    """The WinDbg sessions of the blog posts the project grew from (../shared/seeds): the !vm
    output with 2.5 TB of nonpaged pool against a 25 GB maximum is excessive pool usage and an
    impossible counter (more than physical memory plus page files); the lm list of an Azure
    worker role shows its cloud environment."""
    seeds = os.path.join(corpus, '..', 'seeds')
    vm = os.path.join(seeds, '000_1d1ef1cacce32421.txt')
    lm = os.path.join(seeds, '004_fc6eb2ff7e357ca3.txt')
    if not (os.path.isfile(vm) and os.path.isfile(lm)):
        print(f'patterns: seeds absent at {seeds}: log checks skipped')
        return
    status, out, err = run(memscape, 'patterns', '--json', vm)
    ids = [p['id'] for p in json.loads(out)['patterns']] if status == 0 else err
    check(ids == ['excessive-pool-usage', 'inconsistent-counters'], f'the !vm seed: {ids}')
    if status == 0:
        pool = json.loads(out)['patterns'][0]['evidence']
        check(pool.get('usage_kb') == '2603469700' and pool.get('max_kb') == '25087016',
              f'the !vm seed: evidence {pool}')
    status, out, err = run(memscape, 'info', '--json', vm)
    counters = {c['name']: c for c in json.loads(out)['pool']['counters']} if status == 0 else {}
    check(counters.get('NonPagedPool Usage', {}).get('kb') == 2603469700 and
          counters.get('NonPagedPool Max', {}).get('pages') == 6271754,
          f'info --json of the !vm seed: pool counters {sorted(counters)[:5]}... ({err!r})')
    status, out, err = run(memscape, 'info', vm)
    check(status == 0 and b'Pool usage (' in out and
          b'NonPagedPool Usage: 650867425 pages, 2603469700 Kb' in out,
          f'info of the !vm seed shows its pool usage ({err!r})')
    status, out, err = run(memscape, 'patterns', '--json', lm)
    ids = [p['id'] for p in json.loads(out)['patterns']] if status == 0 else err
    check(ids == ['cloud-environment'], f'the lm seed: {ids}')


def test_sample_pool_log(memscape, tmp):
    """samples/make-pool-log.py: a log of a driver leaking nonpaged pool, 33 tags, the pool at
    its maximum with 2781 failed allocations, and usage within what the machine can hold."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'samples',
                          'make-pool-log.py')
    log = os.path.join(tmp, 'pool.log')
    proc = subprocess.run([sys.executable, script, log], capture_output=True, check=False)
    if not check(proc.returncode == 0, f'make-pool-log.py: {proc.stderr!r}'):
        return
    status, out, err = run(memscape, 'patterns', '--json', log)
    found = json.loads(out)['patterns'] if status == 0 else []
    check([p['id'] for p in found] == ['excessive-pool-usage'], f'the pool log: {found} {err!r}')
    if found:
        evidence = found[0]['evidence']
        check(evidence.get('failed_allocations') == '2781' and
              evidence.get('top_tags', '').startswith('Leak '),
              f'the pool log: evidence {evidence}')
    status, out, err = run(memscape, 'info', '--json', log)
    pool = json.loads(out)['pool'] if status == 0 else {}
    check(len(pool.get('tags', [])) == 33 and pool.get('failed_allocations') == 2781,
          f'the pool log: {len(pool.get("tags", []))} tags ({err!r})')


def test_errors(memscape, tmp):
    bad = os.path.join(tmp, 'bad.dmp')
    with open(bad, 'wb') as f:
        f.write(b'MDMP' + b'\0' * 4)
    status, _, err = run(memscape, 'patterns', bad)
    check(status == 1, f'a bad dump: exit {status}')
    check_one_error_line(err, 'a bad dump')
    raw = os.path.join(tmp, 'raw.bin')
    with open(raw, 'wb') as f:
        f.write(bytes(4096))
    status, out, _ = run(memscape, 'patterns', '--raw', raw)
    check(status == 0, f'a raw file: exit {status}')
    status, out, _ = run(memscape, 'patterns', '--raw', '--json', raw)
    check(status == 0 and json.loads(out) == {'patterns': []},
          f'a raw file of zeros shows no pattern: {out!r}')


def main():
    memscape, corpus = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        test_usage(memscape)
        test_list(memscape)
        test_docs_match(memscape)
        test_json_and_text(memscape, corpus)
        test_seed_logs(memscape, corpus)
        test_sample_pool_log(memscape, tmp)
        test_errors(memscape, tmp)
    finish('patterns')


main()
