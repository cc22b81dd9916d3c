/* SPDX-License-Identifier: MIT */
/* The WinDbg log reader (src/readers/windbg/), on logs written here: the probe, !vm counters
 * and page files, !poolused tables, lm/lmv modules, thread listings (~, ~*kv, !thread), the
 * text around them (prose, CRLF, tabs, U+00A0, U+00D7, a byte order mark), hostile numbers,
 * and the errors for bad input with their byte offsets. The numbers in the !vm logs are the
 * seed's (../shared/seeds/000_*.txt), copied by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscape/dump.h"
#include "readers/reader.h"

/* ---- helpers ------------------------------------------------------------------------------- */

static memscape_status open_text(const char *text, size_t len, const memscape_limits *limits,
                                 memscape_dump **dump, memscape_error *err)
{
    memscape_open_options opts = {limits, 0, 0};
    memset(err, 0, sizeof *err);
    return memscape_dump_open_memory(dump, text, len, &opts, err);
}

static memscape_dump *open_log(const char *text)
{
    memscape_dump *dump = NULL;
    memscape_error err;
    memscape_status st = open_text(text, strlen(text), NULL, &dump, &err);
    if (st != MEMSCAPE_OK)
        fail_msg("open failed: %d at 0x%llx: %s", st, (unsigned long long)err.offset, err.msg);
    return dump;
}

static void expect_error_n(const char *text, size_t len, const memscape_limits *limits,
                           memscape_status code, uint64_t offset)
{
    memscape_dump *dump = NULL;
    memscape_error err;
    memscape_status st = open_text(text, len, limits, &dump, &err);
    if (st != code || err.offset != offset)
        fail_msg("expected status %d at 0x%llx, got %d at 0x%llx: %s", code,
                 (unsigned long long)offset, st, (unsigned long long)err.offset, err.msg);
    assert_null(dump);
    assert_true(err.msg[0] != '\0' && strchr(err.msg, '\n') == NULL);
}

static void expect_error(const char *text, memscape_status code, uint64_t offset)
{
    expect_error_n(text, strlen(text), NULL, code, offset);
}

static const memscape_vm_counter *counter(const memscape_space *space, const char *name)
{
    const memscape_vm_counter *c = memscape_space_vm_counter(space, name);
    if (!c)
        fail_msg("no counter named '%s'", name);
    return c;
}

static void assert_counter(const memscape_space *space, const char *name, uint64_t pages,
                           uint64_t kb)
{
    const memscape_vm_counter *c = counter(space, name);
    assert_int_equal(c->pages, pages);
    assert_int_equal(c->kb, kb);
}

static int probe(const char *text, size_t len)
{
    return memscape_reader_windbg_log.probe((const uint8_t *)text, len);
}

/* ---- probe --------------------------------------------------------------------------------- */

static void test_windbg_log_probe_claims_prompts_and_headers(void **state)
{
    (void)state;
    static const char *const logs[] = {
        "0:000> k\n",
        "Some words first.\n\n0: kd> !vm\n",
        "kd> lm\n",
        "1: kd> !thread\n",
        "lkd> !poolused 2\n",
        "\t0:000:x86> ~*kv\n",
        "0:016>\n",
        "Microsoft (R) Windows Debugger Version 10.0.22621.2428 AMD64\n",
        "text\r\n*** Virtual Memory Usage ***\r\n",
        "Loading Dump File [C:\\Windows\\MEMORY.DMP]\n",
        "Opened log file 'c:\\debuglog.txt'\n",
        "\xC2\xA0\xC2\xA0" "0:016> lm\n",
    };
    for (size_t i = 0; i < sizeof logs / sizeof logs[0]; i++)
        if (!probe(logs[i], strlen(logs[i])))
            fail_msg("not claimed: %s", logs[i]);
}

static void test_windbg_log_probe_refuses_other_text_and_binary(void **state)
{
    (void)state;
    static const char *const others[] = {
        "",
        "just some text, not a dump\n",
        "MDMP minidump, honest: just text\n",
        "He typed 0:000> k into the debugger.\n",   /* not at the start of a line */
        "0:000>k\n",                                /* the prompt is followed by a blank */
        "kd>> lm\n",
        ":000> k\n",
        "0:> k\n",
        "01-25 09:57:54.139 F/google-breakpad(23467): -----BEGIN BREAKPAD MICRODUMP-----\n",
        "Windows Debugger is a program\n",
    };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (probe(others[i], strlen(others[i])))
            fail_msg("claimed: %s", others[i]);
    /* Binary: a NUL before the prompt, or a dump's signature in front. */
    static const char nul_first[] = "x\0\n0:000> k\n";
    assert_false(probe(nul_first, sizeof nul_first - 1));
    static const char mdmp[] = "MDMP\n0:000> k\n";
    assert_false(probe(mdmp, sizeof mdmp - 1));
    static const char elf[] = "\177ELF\n0:000> k\n";
    assert_false(probe(elf, sizeof elf - 1));
    static const char kernel_dump[] = "PAGEDU64\n0: kd> !vm\n";
    assert_false(probe(kernel_dump, sizeof kernel_dump - 1));
    /* Only the first 64 KiB are looked at. */
    size_t len = 70000;
    char *late = malloc(len + 16);
    assert_non_null(late);
    memset(late, 'a', len);
    for (size_t i = 79; i < len; i += 80)
        late[i] = '\n';
    memcpy(late + len, "\n0:000> k\n", 10);
    assert_false(probe(late, len + 10));
    free(late);
}

static void test_windbg_log_text_is_not_a_dump(void **state)
{
    (void)state;
    /* Not claimed: the caller's "not a recognised dump". */
    expect_error("just some text, not a dump\n", MEMSCAPE_EFORMAT, 0);
}

/* ---- !vm ----------------------------------------------------------------------------------- */

static const char vm_log[] =
    "Microsoft (R) Windows Debugger Version 6.12.0002.633 AMD64\r\n"
    "Loading Dump File [C:\\dumps\\MEMORY.DMP]\r\n"
    "Windows 7 Kernel Version 7601 (Service Pack 1) MP (8 procs) Free x64\r\n"
    "0: kd> !vm\r\n"
    "\r\n"
    "*** Virtual Memory Usage ***\r\n"
    "\tPhysical Memory:     8387414 (  33549656 Kb)\r\n"
    "\tPage File: \\??\\D:\\pagefile.sys\r\n"
    "\t  Current:  33856856 Kb  Free Space:  33855520 Kb\r\n"
    "\t  Minimum:  33856856 Kb  Maximum:     46364420 Kb\r\n"
    "\tPage File: \\??\\E:\\pagefile.sys\r\n"
    "\t  Current:   1048576 Kb  Free Space:   1048000 Kb\r\n"
    "\t  Minimum:   1048576 Kb  Maximum:      4194304 Kb\r\n"
    "\tFree System PTEs:   33556220 ( 134224880 Kb)\r\n"
    "\tNonPagedPool Usage: 650867425 (2603469700 Kb)\r\n"
    "\tNonPagedPool Max:     6271754 (  25087016 Kb)\r\n"
    "\t********** Excessive NonPaged Pool Usage *****\r\n"
    "\tPagedPool 0 Usage:      48923 (    195692 Kb)\r\n"
    "\tPagedPool   Usage:     201121 (    804484 Kb)\r\n"
    "\tPagedPool Maximum:   33554432 ( 134217728 Kb)\r\n"
    "\t********** 12 pool allocations have failed **********\r\n"
    "\tNonPagedPool Failures:      3\r\n"
    "\tCommitted pages:      1126203 (   4504812 Kb)\r\n"
    "\tCommit limit:        16851145 (  67404580 Kb)\r\n"
    "0: kd> .logclose\r\n";

static void test_windbg_log_vm_counters(void **state)
{
    (void)state;
    memscape_dump *dump = open_log(vm_log);
    const memscape_space *space = memscape_dump_space(dump);
    const memscape_system *sys = memscape_space_system(space);
    assert_int_equal(sys->format, MEMSCAPE_FORMAT_WINDBG_LOG);
    assert_int_equal(sys->os, MEMSCAPE_OS_WINDOWS);
    assert_int_equal(sys->arch, MEMSCAPE_ARCH_AMD64);
    assert_int_equal(sys->cpu_count, 8);
    assert_int_equal(sys->os_build, 7601);
    assert_int_equal(sys->pointer_size, 0); /* no address anywhere */

    const memscape_pool_usage *pool = memscape_space_pool(space);
    assert_true(pool->present);
    /* 4 page-file lines a file, 2 files, and 10 others: the banner is one of them. */
    assert_int_equal(pool->counter_count, 18);
    assert_string_equal(pool->counters[0].name, "Physical Memory");
    assert_counter(space, "Physical Memory", 8387414, 33549656);
    assert_counter(space, "Current", 0, 33856856);     /* the first page file's */
    assert_counter(space, "Free Space", 0, 33855520);
    assert_counter(space, "Free System PTEs", 33556220, 134224880);
    assert_counter(space, "NonPagedPool Usage", 650867425, 2603469700u);
    assert_counter(space, "NonPagedPool Max", 6271754, 25087016);
    assert_counter(space, "Excessive NonPaged Pool Usage", 0, 0);
    assert_counter(space, "PagedPool 0 Usage", 48923, 195692);
    assert_counter(space, "PagedPool Usage", 201121, 804484); /* blanks made one */
    assert_counter(space, "PagedPool Maximum", 33554432, 134217728);
    assert_counter(space, "Committed pages", 1126203, 4504812);
    assert_counter(space, "Commit limit", 16851145, 67404580);
    assert_null(memscape_space_vm_counter(space, "NonPagedPool Failures"));
    assert_int_equal(pool->page_file_max_kb, 46364420u + 4194304u);
    assert_int_equal(pool->failed_allocations, 12 + 3);
    assert_int_equal(pool->tag_count, 0);
    size_t n;
    memscape_space_regions(space, &n);
    assert_int_equal(n, 0);
    memscape_dump_free(dump);
}

/* The seed as a blog prints it: indentation lost, "0:" prompt, numbers as they were. */
static void test_windbg_log_vm_flattened_like_the_seed(void **state)
{
    (void)state;
    static const char log[] =
        "It came to my attention that almost every x64 dump is diagnosed with it:\n"
        "0: kd> !vm\n"
        "*** Virtual Memory Usage ***\n"
        "Physical Memory: 8387414 ( 33549656 Kb)\n"
        "Page File: \\??\\D:\\pagefile.sys\n"
        "Current: 33856856 Kb Free Space: 33855520 Kb\n"
        "Minimum: 33856856 Kb Maximum: 46364420 Kb\n"
        "NonPagedPool Usage: 650867425 (2603469700 Kb)\n"
        "NonPagedPool Max: 6271754 ( 25087016 Kb)\n"
        "********** Excessive NonPaged Pool Usage *****\n"
        "What we can see above is that the amount is: 2.5 Tb (impossible).\n";
    memscape_dump *dump = open_log(log);
    const memscape_space *space = memscape_dump_space(dump);
    const memscape_pool_usage *pool = memscape_space_pool(space);
    assert_int_equal(pool->counter_count, 8);
    assert_counter(space, "NonPagedPool Usage", 650867425, 2603469700u);
    assert_counter(space, "Maximum", 0, 46364420);
    assert_int_equal(pool->page_file_max_kb, 46364420);
    assert_int_equal(pool->failed_allocations, 0);
    memscape_dump_free(dump);
}

/* ---- !poolused ----------------------------------------------------------------------------- */

static const char pool_log[] =
    "kd> !poolused 2\n"
    "   Sorting by NonPaged Pool Consumed\n"
    "\n"
    "               NonPaged                  Paged\n"
    " Tag     Allocs         Used     Allocs         Used\n"
    "\n"
    " EtwB       170      6550080          3        12288\tEtw Buffer , Binary: nt!etw\n"
    " Io           7         1792         40        10240\tgeneral IO allocations\n"
    " File     11978      3752928          0            0\tFile objects\n"
    " Ntf0         0            0      99999 18446744073709551615\n"
    " TOTAL    12155     10304800     100042     22528\n"
    "kd> !poolused 3\n"
    "   Sorting by NonPaged Pool Consumed\n"
    "  Pool Used:\n"
    "            NonPaged\n"
    " Tag    Allocs    Frees     Diff     Used\n"
    " SaSc    20281    14820     5461  1048512  "
    "UNKNOWN pooltag 'SaSc', please update pooltag.txt\n";

static void assert_tag(const memscape_pool_tag *t, const char *tag, uint64_t np_allocs,
                       uint64_t np_bytes, uint64_t p_allocs, uint64_t p_bytes,
                       const char *description)
{
    assert_string_equal(t->tag, tag);
    assert_int_equal(t->nonpaged_allocs, np_allocs);
    assert_int_equal(t->nonpaged_bytes, np_bytes);
    assert_int_equal(t->paged_allocs, p_allocs);
    assert_int_equal(t->paged_bytes, p_bytes);
    if (description)
        assert_string_equal(t->description, description);
    else
        assert_null(t->description);
}

static void test_windbg_log_poolused_tables(void **state)
{
    (void)state;
    memscape_dump *dump = open_log(pool_log);
    const memscape_pool_usage *pool = memscape_space_pool(memscape_dump_space(dump));
    assert_true(pool->present);
    assert_int_equal(pool->counter_count, 0);
    assert_int_equal(pool->tag_count, 5);
    assert_tag(&pool->tags[0], "EtwB", 170, 6550080, 3, 12288, "Etw Buffer , Binary: nt!etw");
    assert_tag(&pool->tags[1], "Io  ", 7, 1792, 40, 10240, "general IO allocations");
    assert_tag(&pool->tags[2], "File", 11978, 3752928, 0, 0, "File objects");
    assert_tag(&pool->tags[3], "Ntf0", 0, 0, 99999, UINT64_MAX, NULL);
    /* Verbose, one pool: Diff is what is allocated now. */
    assert_tag(&pool->tags[4], "SaSc", 5461, 1048512, 0, 0,
               "UNKNOWN pooltag 'SaSc', please update pooltag.txt");
    memscape_dump_free(dump);
}

/* Without the header lines (a pasted excerpt): two numbers a pool, or four when verbose. */
static void test_windbg_log_poolused_without_header(void **state)
{
    (void)state;
    static const char log[] =
        "0: kd> !poolused\n"
        " Thre     1031  1234064        2      400  Thread objects , Binary: nt!ps\n"
        " MmCa   250092   240351     9741  2134368       10        4        6      960\n"
        "This row has words 1 2 3 4\n";
    memscape_dump *dump = open_log(log);
    const memscape_pool_usage *pool = memscape_space_pool(memscape_dump_space(dump));
    assert_int_equal(pool->tag_count, 2);
    assert_tag(&pool->tags[0], "Thre", 1031, 1234064, 2, 400, "Thread objects , Binary: nt!ps");
    assert_tag(&pool->tags[1], "MmCa", 9741, 2134368, 6, 960, NULL);
    memscape_dump_free(dump);
}

/* ---- lm ------------------------------------------------------------------------------------ */

static const char lm_log[] =
    "0:016> lm\n"
    "start             end                 module name\n"
    "00000000`00b00000 00000000`00b0c000   WaWorkerHost   (deferred)\n"
    "00000000`76de0000 00000000`76f5f000   ntdll      (pdb symbols)          "
    "c:\\symbols\\ntdll.pdb\\0123\\ntdll.pdb\n"
    "000007fe`fd4d0000 000007fe`fd53b000   KERNELBASE   (deferred)\n"
    "\n"
    "Unloaded modules:\n"
    "00000000`6f2e0000 00000000`6f2f2000   dbghelp.dll\n"
    "0:016> lmv m ntdll\n"
    "start             end                 module name\n"
    "00000000`76de0000 00000000`76f5f000   ntdll      (deferred)\n"
    "    Loaded symbol image file: ntdll.dll\n"
    "    Image path: D:\\Windows\\System32\\ntdll.dll\n"
    "    Image name: ntdll.dll\n"
    "    Timestamp:        Fri May 13 21:45:21 2011 (4DCD9861)\n"
    "    CheckSum:         00188814\n"
    "    ImageSize:        0017F000\n"
    "    File version:     6.0.6002.18446\n"
    "    Product version:  6.1.7600.16385\n"
    "We see that real Windows Azure is RD OS V1.\n"
    "00000000`11110000 00000000`11120000   notamodule\n";

static void test_windbg_log_lm_modules(void **state)
{
    (void)state;
    memscape_dump *dump = open_log(lm_log);
    const memscape_space *space = memscape_dump_space(dump);
    size_t n;
    const memscape_module *m = memscape_space_modules(space, &n);
    assert_int_equal(n, 3);
    assert_string_equal(m[0].name, "WaWorkerHost");
    assert_int_equal(m[0].base, 0xb00000);
    assert_int_equal(m[0].size, 0xc000);
    assert_false(m[0].has_version);
    /* lmv's listing merged into lm's: the path, timestamp, checksum and version. */
    assert_string_equal(m[1].name, "D:\\Windows\\System32\\ntdll.dll");
    assert_int_equal(m[1].base, 0x76de0000);
    assert_int_equal(m[1].size, 0x76f5f000 - 0x76de0000);
    assert_int_equal(m[1].timestamp, 0x4DCD9861u);
    assert_int_equal(m[1].checksum, 0x188814);
    assert_true(m[1].has_version);
    assert_int_equal(m[1].version[0], 6);
    assert_int_equal(m[1].version[1], 0);
    assert_int_equal(m[1].version[2], 6002);
    assert_int_equal(m[1].version[3], 18446);
    assert_string_equal(m[1].debug_file, "c:\\symbols\\ntdll.pdb\\0123\\ntdll.pdb");
    assert_string_equal(m[2].name, "KERNELBASE");
    assert_int_equal(m[2].base, 0x7fefd4d0000ull);
    assert_int_equal(m[2].size, 0x6b000);
    const memscape_module *u = memscape_space_unloaded_modules(space, &n);
    assert_int_equal(n, 1);
    assert_string_equal(u[0].name, "dbghelp.dll");
    assert_int_equal(u[0].base, 0x6f2e0000);
    assert_int_equal(u[0].size, 0x12000);
    assert_int_equal(memscape_space_system(space)->pointer_size, 8);

    /* Each image is a region whose bytes the log does not hold. */
    const memscape_region *r = memscape_space_find_region(space, 0x76de0000 + 0x1234);
    assert_non_null(r);
    assert_int_equal(r->base, 0x76de0000);
    assert_int_equal(r->size, 0x17f000);
    assert_int_equal(r->state, MEMSCAPE_STATE_NOT_CAPTURED);
    assert_int_equal(r->type, MEMSCAPE_TYPE_IMAGE);
    assert_int_equal(r->usage, MEMSCAPE_USAGE_IMAGE);
    assert_int_equal(r->module_index, 1);
    assert_int_equal(r->file_offset, MEMSCAPE_NO_OFFSET);
    assert_null(memscape_space_find_region(space, 0x11110000));
    char byte = 1;
    assert_int_equal(memscape_space_read(space, 0x76de0000, &byte, 1), 0);
    memscape_dump_free(dump);
}

static void test_windbg_log_lm_32_bit(void **state)
{
    (void)state;
    static const char log[] =
        "0:000> lmf\n"
        "start    end        module name\n"
        "00400000 00412000   notepad  C:\\Windows\\notepad.exe\n"
        "75a40000 75b50000   kernel32 C:\\Windows\\syswow64\\kernel32.dll\n";
    memscape_dump *dump = open_log(log);
    const memscape_space *space = memscape_dump_space(dump);
    size_t n;
    const memscape_module *m = memscape_space_modules(space, &n);
    assert_int_equal(n, 2);
    assert_string_equal(m[0].name, "C:\\Windows\\notepad.exe");
    assert_int_equal(m[1].base, 0x75a40000);
    assert_int_equal(m[1].size, 0x110000);
    assert_int_equal(memscape_space_system(space)->pointer_size, 4);
    memscape_dump_free(dump);
}

/* ---- threads ------------------------------------------------------------------------------- */

static const char thread_log[] =
    "0:000> ~\n"
    ".  0  Id: 1a2c.1b3c Suspend: 1 Teb: 000007ff`fffde000 Unfrozen\n"
    "#  1  Id: 1a2c.f00 Suspend: 0 Teb: 000007ff`fffdc000 Unfrozen\n"
    "   2  Id: 1a2c.2004 Suspend: 2 Teb: 000007ff`fffda000 Frozen\n"
    "0:000> ~*kv\n"
    "\n"
    ".  0  Id: 1a2c.1b3c Suspend: 1 Teb: 000007ff`fffde000 Unfrozen\n"
    "Child-SP          RetAddr           : Args to Child                : Call Site\n"
    "00000000`0012f6e8 00000000`77a1c8e4 : 00000000`00000000 00000000`00000001 : "
    "ntdll!NtWaitForSingleObject+0xa\n"
    "00000000`0012f6f0 00000000`00000000 : 00000000`00000000 00000000`00000000 : "
    "kernel32!BaseThreadInitThunk+0xd\n"
    "\n"
    "#  1  Id: 1a2c.f00 Suspend: 0 Teb: 000007ff`fffdc000 Unfrozen\n"
    " # Child-SP          RetAddr           Call Site\n"
    "00 00000000`0224fa18 00000000`77a2b8f8 ntdll!ZwDelayExecution+0xa\n"
    "1: kd> !thread\n"
    "THREAD fffffa801338b950  Cid 02a0.7498  Teb: 000007fffffd8000 Win32Thread: "
    "0000000000000000 WAIT: (UserRequest) UserMode Non-Alertable\n"
    "    Win32 Start Address ntdll!TppWorkerThread (0\xC3\x97" "000000007722fbc0)\n"
    "    Stack Init fffff88020259db0 Current fffff88020259900\n"
    "    Base fffff8802025a000 Limit fffff88020254000 Call 0\n"
    "    Priority 11 BasePriority 11 UnusualBoost 0 ForegroundBoost 0 IoPriority 2\n"
    "    Child-SP          RetAddr           Call Site\n"
    "    fffff880`20259940 fffff800`01693f92 nt!KiSwapContext+0\xC3\x97" "7a\n";

static void test_windbg_log_threads(void **state)
{
    (void)state;
    memscape_dump *dump = open_log(thread_log);
    const memscape_space *space = memscape_dump_space(dump);
    size_t n;
    const memscape_thread *t = memscape_space_threads(space, &n);
    assert_int_equal(n, 4);
    assert_int_equal(t[0].id, 0x1b3c);
    assert_int_equal(t[0].suspend_count, 1);
    assert_int_equal(t[0].teb, 0x7fffffde000ull);
    assert_int_equal(t[0].sp, 0x12f6e8);
    assert_false(t[0].has_context); /* a log gives SP, never PC */
    assert_int_equal(t[1].id, 0xf00);
    assert_int_equal(t[1].suspend_count, 0);
    assert_int_equal(t[1].teb, 0x7fffffdc000ull);
    assert_int_equal(t[1].sp, 0x224fa18);
    assert_int_equal(t[2].id, 0x2004);
    assert_int_equal(t[2].suspend_count, 2);
    assert_int_equal(t[2].sp, 0);
    assert_int_equal(t[3].id, 0x7498);
    assert_int_equal(t[3].teb, 0x7fffffd8000ull);
    assert_int_equal(t[3].stack_base, 0xfffff88020254000ull);
    assert_int_equal(t[3].stack_size, 0x6000);
    assert_int_equal(t[3].sp, 0xfffff88020259940ull);
    assert_int_equal(t[3].start_address, 0x7722fbc0);
    assert_int_equal(t[3].priority, 11);

    const memscape_region *r = memscape_space_find_region(space, 0xfffff88020259940ull);
    assert_non_null(r);
    assert_int_equal(r->usage, MEMSCAPE_USAGE_STACK);
    assert_int_equal(r->state, MEMSCAPE_STATE_NOT_CAPTURED);
    assert_int_equal(r->thread_index, 3);
    r = memscape_space_find_region(space, 0x7fffffde000ull + 8);
    assert_non_null(r);
    assert_int_equal(r->usage, MEMSCAPE_USAGE_TEB);
    assert_int_equal(r->size, 0x1000);
    assert_int_equal(memscape_space_system(space)->pointer_size, 8);
    memscape_dump_free(dump);
}

/* ---- text around the commands ---------------------------------------------------------------- */

static void test_windbg_log_text_around(void **state)
{
    (void)state;
    /* A page's copy: byte order mark, prose, U+00A0 for blanks, a THREAD line quoted with no
     * prompt before it, CRLF. */
    static const char log[] =
        "\xEF\xBB\xBF" "Here is what the debugger said:\r\n"
        "0:016> lm m Wa*\r\n"
        "start\xC2\xA0\xC2\xA0 end \xC2\xA0module name\r\n"
        "00000000`00b00000\xC2\xA0" "00000000`00b0c000\xC2\xA0\xC2\xA0 WaWorkerHost\r\n"
        "That is all for modules; the thread we found was:\r\n"
        "THREAD 89a3c020 Cid 0abc.0def Teb: 7ffdd000 Win32Thread: 00000000 WAIT\r\n"
        "Base b8d8c000 Limit b8d89000 Call 0\r\n";
    memscape_dump *dump = open_log(log);
    const memscape_space *space = memscape_dump_space(dump);
    size_t n;
    const memscape_module *m = memscape_space_modules(space, &n);
    assert_int_equal(n, 1);
    assert_string_equal(m[0].name, "WaWorkerHost");
    assert_int_equal(m[0].size, 0xc000);
    const memscape_thread *t = memscape_space_threads(space, &n);
    assert_int_equal(n, 1);
    assert_int_equal(t[0].id, 0xdef);
    assert_int_equal(t[0].teb, 0x7ffdd000);
    assert_int_equal(t[0].stack_base, 0xb8d89000);
    assert_int_equal(t[0].stack_size, 0x3000);
    memscape_dump_free(dump);
}

/* ---- hostile numbers ----------------------------------------------------------------------- */

static void test_windbg_log_hostile_numbers(void **state)
{
    (void)state;
    static const uint64_t values[] = {0, 1, 0x7fffffff, 0x80000000u, 0xffffffffu, UINT64_MAX};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char log[512];
        unsigned long long v = (unsigned long long)values[i];
        int len = snprintf(log, sizeof log,
                           "0: kd> !vm\nNonPagedPool Usage: %llu (%llu Kb)\nPage File: x\n"
                           "Maximum: %llu Kb\n0: kd> !poolused\n Tag Allocs Used Allocs Used\n"
                           " Abcd %llu %llu %llu %llu\n",
                           v, v, v, v, v, v, v);
        assert_true(len > 0 && (size_t)len < sizeof log);
        memscape_dump *dump = open_log(log);
        const memscape_space *space = memscape_dump_space(dump);
        const memscape_pool_usage *pool = memscape_space_pool(space);
        assert_counter(space, "NonPagedPool Usage", values[i], values[i]);
        assert_int_equal(pool->page_file_max_kb, values[i]);
        assert_int_equal(pool->tag_count, 1);
        assert_tag(&pool->tags[0], "Abcd", values[i], values[i], values[i], values[i], NULL);
        memscape_dump_free(dump);
    }
    /* Two page files of UINT64_MAX each, and failures past 64 bits together: saturated. */
    memscape_dump *dump = open_log("0: kd> !vm\n"
                                   "Page File: a\nMaximum: 18446744073709551615 Kb\n"
                                   "Page File: b\nMaximum: 18446744073709551615 Kb\n"
                                   "*** 18446744073709551615 pool allocations have failed ***\n"
                                   "*** 18446744073709551615 pool allocations have failed ***\n");
    const memscape_pool_usage *pool = memscape_space_pool(memscape_dump_space(dump));
    assert_int_equal(pool->page_file_max_kb, UINT64_MAX);
    assert_int_equal(pool->failed_allocations, UINT64_MAX);
    memscape_dump_free(dump);
    /* A module spanning the whole address space: the region stops at the last byte. */
    dump = open_log("0:000> lm\n00000000`00000000 ffffffff`ffffffff   everything\n");
    size_t n;
    const memscape_module *m = memscape_space_modules(memscape_dump_space(dump), &n);
    assert_int_equal(n, 1);
    assert_int_equal(m[0].size, UINT64_MAX);
    const memscape_region *r = memscape_space_regions(memscape_dump_space(dump), &n);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].base, 0);
    assert_int_equal(r[0].size, UINT64_MAX);
    memscape_dump_free(dump);
}

/* ---- bad input ----------------------------------------------------------------------------- */

static void test_windbg_log_bad_inputs(void **state)
{
    (void)state;
    /* A prompt, but none of the commands memscape reads. */
    expect_error("0:000> k\nChild-SP RetAddr Call Site\n00000000`0012f6e8 x\n",
                 MEMSCAPE_EFORMAT, 0);
    /* Binary data after the probe's prompt: named at the NUL. */
    static const char nul[] = "0: kd> !vm\nPhysical Memory: 1 ( 4 Kb)\n\0binary";
    expect_error_n(nul, sizeof nul - 1, NULL, MEMSCAPE_EFORMAT,
                   strlen("0: kd> !vm\nPhysical Memory: 1 ( 4 Kb)\n"));
    const char *head = "0:000> lm\nstart end module name\n";
    char log[512];
    snprintf(log, sizeof log, "%s00000000`00b0c000 00000000`00b00000   backwards\n", head);
    expect_error(log, MEMSCAPE_ECORRUPT, strlen(head));
    snprintf(log, sizeof log, "%s00000000`00b00000 00000000`00b00000   empty\n", head);
    expect_error(log, MEMSCAPE_ECORRUPT, strlen(head));
    snprintf(log, sizeof log, "%s1`0000000000000000 2`0000000000000000   huge\n", head);
    expect_error(log, MEMSCAPE_EOVERFLOW, strlen(head));
    expect_error("0: kd> !vm\nPhysical Memory: 18446744073709551616 ( 4 Kb)\n",
                 MEMSCAPE_EOVERFLOW, strlen("0: kd> !vm\n"));
    expect_error("0: kd> !vm\nPhysical Memory: 1 ( 99999999999999999999999 Kb)\n",
                 MEMSCAPE_EOVERFLOW, strlen("0: kd> !vm\n"));
    expect_error("kd> !poolused\n Tag Allocs Used Allocs Used\n Abcd 1 18446744073709551616 0 0\n",
                 MEMSCAPE_EOVERFLOW, strlen("kd> !poolused\n Tag Allocs Used Allocs Used\n"));
    const char *thread = "1: kd> !thread\nTHREAD fffffa801338b950 Cid 02a0.7498 Teb: 0\n";
    snprintf(log, sizeof log, "%s    Base fffff88020254000 Limit fffff8802025a000 Call 0\n",
             thread);
    expect_error(log, MEMSCAPE_ECORRUPT, strlen(thread));
}

static void test_windbg_log_long_line(void **state)
{
    (void)state;
    const char *head = "0:000> lm\n";
    size_t len = strlen(head) + 70000;
    char *log = malloc(len + 1);
    assert_non_null(log);
    strcpy(log, head);
    memset(log + strlen(head), 'a', 70000);
    log[len] = '\0';
    expect_error_n(log, len, NULL, MEMSCAPE_ELIMIT, strlen(head));
    free(log);
}

static void test_windbg_log_limits(void **state)
{
    (void)state;
    memscape_limits limits = memscape_limits_default();
    limits.max_modules = 2;
    limits.max_threads = 1;
    limits.max_annotations = 1;
    const char *two = "0:000> lm\n"
                      "00000000`00b00000 00000000`00b0c000   a\n"
                      "00000000`00c00000 00000000`00c0c000   b\n";
    char log[512];
    snprintf(log, sizeof log, "%s00000000`00d00000 00000000`00d0c000   c\n", two);
    expect_error_n(log, strlen(log), &limits, MEMSCAPE_ELIMIT, strlen(two));
    /* The third module's line, even when it is read to the end of the file. */
    snprintf(log, sizeof log, "%s00000000`00d00000 00000000`00d0c000   c\n0:000> k\n", two);
    expect_error_n(log, strlen(log), &limits, MEMSCAPE_ELIMIT, strlen(two));
    const char *one = "0:000> ~\n   0  Id: 1.2 Suspend: 1 Teb: 7ffde000 Unfrozen\n";
    snprintf(log, sizeof log, "%s   1  Id: 1.3 Suspend: 1 Teb: 7ffdd000 Unfrozen\n", one);
    expect_error_n(log, strlen(log), &limits, MEMSCAPE_ELIMIT, strlen(one));
    const char *tag = "kd> !poolused\n Abcd 1 2 3 4\n";
    snprintf(log, sizeof log, "%s Efgh 1 2 3 4\n", tag);
    expect_error_n(log, strlen(log), &limits, MEMSCAPE_ELIMIT, strlen(tag));
    /* The same module and thread again are merged, not counted twice. */
    snprintf(log, sizeof log, "%s%s0:000> lmv m a\n00000000`00b00000 00000000`00b0c000   a\n"
             "%s", two, one, one);
    memscape_dump *dump = NULL;
    memscape_error err;
    assert_int_equal(open_text(log, strlen(log), &limits, &dump, &err), MEMSCAPE_OK);
    size_t n;
    memscape_space_modules(memscape_dump_space(dump), &n);
    assert_int_equal(n, 2);
    memscape_space_threads(memscape_dump_space(dump), &n);
    assert_int_equal(n, 1);
    memscape_dump_free(dump);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_windbg_log_probe_claims_prompts_and_headers),
        cmocka_unit_test(test_windbg_log_probe_refuses_other_text_and_binary),
        cmocka_unit_test(test_windbg_log_text_is_not_a_dump),
        cmocka_unit_test(test_windbg_log_vm_counters),
        cmocka_unit_test(test_windbg_log_vm_flattened_like_the_seed),
        cmocka_unit_test(test_windbg_log_poolused_tables),
        cmocka_unit_test(test_windbg_log_poolused_without_header),
        cmocka_unit_test(test_windbg_log_lm_modules),
        cmocka_unit_test(test_windbg_log_lm_32_bit),
        cmocka_unit_test(test_windbg_log_threads),
        cmocka_unit_test(test_windbg_log_text_around),
        cmocka_unit_test(test_windbg_log_hostile_numbers),
        cmocka_unit_test(test_windbg_log_bad_inputs),
        cmocka_unit_test(test_windbg_log_long_line),
        cmocka_unit_test(test_windbg_log_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
