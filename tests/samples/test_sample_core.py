#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The README's first job, as a test: make a real ELF core of the live sample process with
gdb's gcore (samples/make-core.sh) and check that `memscape info --json` finds in it what the
sample is known to hold. Expected values come from samples/sample_process.c and from the core
file's own bytes, never from memscape.

Usage: test_sample_core.py MEMSCAPE SOURCE_ROOT WORK_DIR. Exits 77 (skipped) when gdb is absent
or may not attach (ptrace denied)."""
import json
import os
import re
import subprocess
import sys

SKIP = 77


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def make_core(root, work):
    core = os.path.join(work, "sample.core")
    proc = subprocess.run([os.path.join(root, "samples", "make-core.sh"), core],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        print(proc.stderr)
        if "gdb" in proc.stderr or "ptrace" in proc.stderr or "gcore" in proc.stderr:
            print("SKIP: gcore cannot capture a process here")
            sys.exit(SKIP)
        fail(f"make-core.sh exited {proc.returncode}")
    return core


def address_of(pattern, data, memory):
    """Addresses where the regular expression matches, through the dump's memory ranges
    (base, size, file_offset)."""
    found = []
    for match in re.finditer(pattern, data):
        for m in memory:
            if m["file_offset"] <= match.start() < m["file_offset"] + m["size"]:
                found.append(m["base"] + match.start() - m["file_offset"])
    return found


def region_at(regions, addr):
    for r in regions:
        if r["base"] <= addr < r["base"] + r["size"]:
            return r
    return None


def main():
    memscape, root, work = sys.argv[1:4]
    if subprocess.run(["sh", "-c", "command -v gcore"], capture_output=True).returncode != 0:
        print("SKIP: gdb's gcore is not installed")
        return SKIP
    os.makedirs(work, exist_ok=True)
    core = make_core(root, work)
    out = subprocess.run([memscape, "info", "--json", core], capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"memscape info exited {out.returncode}: {out.stderr}")
    d = json.loads(out.stdout)
    with open(core, "rb") as f:
        data = f.read()

    if d["format"] != "elf-core" or d["os"] != "linux":
        fail(f"format/os: {d['format']}/{d['os']}")
    if d["exception"] is not None:
        fail(f"a gcore core has no pending signal, got exception {d['exception']}")
    if d["system"]["process_name"] != "sample_process":
        fail(f"process name: {d['system']['process_name']!r}")

    # The main thread and four workers, each SP inside its stack, each stack marked.
    threads = d["threads"]
    if len(threads) != 5:
        fail(f"expected 5 threads, got {len(threads)}")
    for i, t in enumerate(threads):
        if not (t["stack_base"] <= t["sp"] < t["stack_base"] + t["stack_size"]):
            fail(f"thread {t['id']}: sp {t['sp']:#x} outside its stack")
        r = region_at(d["regions"], t["sp"])
        if r is None or r["usage"] != "stack" or r["thread"] != i:
            fail(f"thread {t['id']}: the region at sp is {r}")

    names = [os.path.basename(m["name"]) for m in d["modules"]]
    for want in ("sample_process", "libc.so.6", "sample-notes.txt", "sample-data.bin"):
        if want not in names:
            fail(f"module {want} missing from {names}")
    for m in d["modules"]:
        base = os.path.basename(m["name"])
        regions = [r for r in d["regions"] if r["module"] == d["modules"].index(m)]
        if base in ("sample_process", "libc.so.6") and regions and \
                any(r["usage"] != "image" for r in regions):
            fail(f"{base}: every captured region should be an image")

    # Heap text: private memory, committed. The digits skip the format string in .rodata.
    heap = address_of(rb"memscape sample heap block [0-9]+:", data, d["memory"])
    if len(heap) < 16:
        fail(f"expected the 16 heap blocks' text in the core, found {len(heap)}")
    for a in heap:
        r = region_at(d["regions"], a)
        if r is None or r["state"] != "committed" or r["type"] != "private":
            fail(f"heap text at {a:#x} is in {r}")

    # Worker stacks hold the sample lines.
    on_stacks = [a for a in address_of(b"Waiting for the dump to be taken", data, d["memory"])
                 if (region_at(d["regions"], a) or {}).get("usage") == "stack"]
    if not on_stacks:
        fail("no sample line found on a thread stack")

    # The privately written copy of the notes file is in the core, in its file's region. The
    # sample capitalises its first letter, which tells it from the source text in .rodata.
    notes = address_of(rb"Memscape sample notes", data, d["memory"])
    notes_index = names.index("sample-notes.txt")
    if not any((region_at(d["regions"], a) or {}).get("module") == notes_index for a in notes):
        fail("the notes file's text is not in a region of sample-notes.txt")

    print(f"ok: {len(threads)} threads, {len(names)} modules, {len(heap)} heap texts, "
          f"{len(d['regions'])} regions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
