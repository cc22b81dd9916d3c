#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a synthetic WinDbg kernel session log: `!vm` with the nonpaged pool at its maximum and
allocations failing, and `!poolused 2` with a few dozen tags whose sizes fall off like real
pool usage does (a handful of tags hold most of it). The tags are common Windows pool tags;
the numbers are made up, deterministically, so the pictures made from the log never change.

Usage: samples/make-pool-log.py OUT.txt
Then:  memscape patterns OUT.txt; memscape render OUT.txt --view pool -o pool.png"""
import sys

TAGS = [  # tag, which pools it uses (N nonpaged, P paged), description
    ('Leak', 'N', 'a driver that never frees (the story of this log)'),
    ('File', 'N', 'File objects'), ('MmCa', 'N', 'Mm control areas for mapped files'),
    ('Ntfx', 'N', 'General Allocation, Binary: ntfs.sys'), ('EtwB', 'NP', 'Etw Buffer'),
    ('Thre', 'N', 'Thread objects'), ('Proc', 'N', 'Process objects'),
    ('Irp ', 'N', 'Io, IRP packets'), ('Even', 'N', 'Event objects'),
    ('MmSt', 'P', 'Mm section object prototype ptes'), ('CM31', 'P', 'Configuration Manager'),
    ('FMfn', 'P', 'NAME_CACHE_NODE structure, Binary: fltmgr.sys'),
    ('Toke', 'P', 'Token objects'), ('SeAt', 'P', 'Security Attributes'),
    ('ObNm', 'P', 'Object name buffers'), ('Ntff', 'P', 'FCB_DATA, Binary: ntfs.sys'),
    ('Vad ', 'N', 'Mm virtual address descriptors'), ('TcpE', 'N', 'TCP endpoint'),
    ('NDnd', 'N', 'NDIS_MINIPORT_BLOCK, Binary: ndis.sys'), ('AfdE', 'N', 'Afd endpoint'),
    ('Wmip', 'NP', 'WMI general'), ('IoNm', 'P', 'Io parsing names'),
    ('Sect', 'P', 'Section objects'), ('MiSn', 'P', 'Mm session'),
    ('CcSc', 'N', 'Cache Manager Shared Cache Map'), ('ViMm', 'N', 'Video memory manager'),
    ('Gh05', 'P', 'GDI bitmaps'), ('Usfm', 'P', 'USERTAG_FONT'),
    ('ALPC', 'NP', 'ALPC port objects'), ('Key ', 'P', 'Key objects'),
    ('SmMs', 'N', 'Store manager'), ('PcNw', 'N', 'Power'), ('Mdl ', 'N', 'Io, MDLs'),
]


def sizes():
    """Bytes for each tag: a heavy tail, the first tag far ahead of the rest."""
    state = 12345
    for rank in range(len(TAGS)):
        state = (state * 1103515245 + 12345) % 2 ** 31
        jitter = 0.75 + (state % 1000) / 2000
        yield int(900 * 1024 * 1024 / (rank + 1) ** 1.6 * jitter) // 16 * 16


def vm_section(nonpaged_kb):
    return f'''0: kd> !vm

*** Virtual Memory Usage ***
	Physical Memory:     4193929 (  16775716 Kb)
	Page File: \\??\\C:\\pagefile.sys
	  Current:  16775716 Kb  Free Space:  16312004 Kb
	  Minimum:  16775716 Kb  Maximum:     50327148 Kb
	Available Pages:     1736921 (   6947684 Kb)
	ResAvail Pages:      3540016 (  14160064 Kb)
	NonPagedPool Usage:   {nonpaged_kb // 4:9d} ( {nonpaged_kb:9d} Kb)
	NonPagedPool Max:     {nonpaged_kb // 4:9d} ( {nonpaged_kb:9d} Kb)
	********** Excessive NonPaged Pool Usage *****
	PagedPool Usage:        61021 (    244084 Kb)
	PagedPool Maximum:   33554432 ( 134217728 Kb)
	********** 2781 pool allocations have failed **********
	Committed pages:      1838164 (   7352656 Kb)
	Commit limit:         8387858 (  33551432 Kb)
'''


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split('\n\n')[1])
    rows, nonpaged = [], 0
    for (tag, pools, text), size in zip(TAGS, sizes()):
        n_bytes = size if 'N' in pools else 0
        p_bytes = size if pools == 'P' else size // 7 if 'P' in pools else 0
        n_allocs, p_allocs = n_bytes // 512 + (1 if n_bytes else 0), p_bytes // 384
        nonpaged += n_bytes
        rows.append(f' {tag} {n_allocs:10d} {n_bytes:12d} {p_allocs:10d} {p_bytes:12d}\t{text}')
    with open(sys.argv[1], 'w', encoding='utf-8') as f:
        f.write('Microsoft (R) Windows Debugger Version 10.0.22621.1 AMD64\n'
                'Loading Dump File [C:\\dumps\\MEMORY.DMP]\n'
                'Kernel Complete Dump File: Full address space is available\n\n')
        f.write(vm_section(nonpaged // 1024))
        f.write('0: kd> !poolused 2\n   Sorting by NonPaged Pool Consumed\n\n'
                '               NonPaged                  Paged\n'
                ' Tag     Allocs         Used     Allocs         Used\n\n')
        f.write('\n'.join(rows) + '\n')


main()
