/* SPDX-License-Identifier: MIT */
/* The detectors of the process as a whole (src/patterns/process.c): cloud-environment, wow64,
 * embedded-comment, spiking-thread, handle-leak, truncated-dump, unloaded-modules and
 * module-variety. Each fires where it should, stays silent where it should not, and each
 * threshold is tried at its boundary from both sides. Spaces are built with the readers'
 * builder API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "memscape/patterns.h"
#include "space_build.h"

static uint8_t file_bytes[64];

/* A space under construction: a dump of format (raw unless told: the exception detectors then
 * stay silent) for os and arch. */
static memscape_space *new_space(memscape_os os, memscape_arch arch)
{
    memscape_space *space;
    assert_int_equal(memscape_space_new(&space, file_bytes, sizeof file_bytes, NULL),
                     MEMSCAPE_OK);
    space->system.format = MEMSCAPE_FORMAT_RAW;
    space->system.os = os;
    space->system.arch = arch;
    space->system.pointer_size = arch == MEMSCAPE_ARCH_X86 ? 4 : 8;
    return space;
}

/* Modules are 64 KiB apart from 0x10000000 on: the index decides the base. */
static uint64_t module_base(size_t index)
{
    return 0x10000000u + (uint64_t)index * 0x10000u;
}

static void add_module(memscape_space *space, const char *name)
{
    memscape_module m = {.name = memscape_space_strdup(space, name, strlen(name)),
                         .base = module_base(space->modules.count), .size = 0x8000};
    assert_non_null(m.name);
    assert_int_equal(memscape_space_add_module(space, &m), MEMSCAPE_OK);
}

static void add_modules(memscape_space *space, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        add_module(space, names[i]);
}

/* count modules named pattern with its "#" replaced by 0, 1, ... */
static void add_numbered_modules(memscape_space *space, const char *pattern, size_t count)
{
    const char *hash = strchr(pattern, '#');
    assert_non_null(hash);
    for (size_t i = 0; i < count; i++) {
        char name[256];
        snprintf(name, sizeof name, "%.*s%zu%s", (int)(hash - pattern), pattern, i, hash + 1);
        add_module(space, name);
    }
}

static void finalize(memscape_space *space)
{
    memscape_error err = {0};
    assert_int_equal(memscape_space_finalize(space, &err), MEMSCAPE_OK);
}

/* The findings of one detection run over a finalized space. */
typedef struct run {
    memscape_findings *findings;
    const memscape_finding *items;
    size_t count;
} run;

static run detect(const memscape_space *space)
{
    run r;
    memscape_error err = {0};
    assert_int_equal(memscape_detect(&r.findings, space, NULL, &err), MEMSCAPE_OK);
    r.items = memscape_findings_items(r.findings, &r.count);
    return r;
}

static size_t count_of(const run *r, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++)
        n += strcmp(r->items[i].pattern->id, id) == 0;
    return n;
}

/* The k-th finding of pattern id (0 first); fails the test when there is none. */
static const memscape_finding *nth_finding(const run *r, const char *id, size_t k)
{
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->items[i].pattern->id, id) == 0 && k-- == 0)
            return &r->items[i];
    fail_msg("no finding %s", id);
    return NULL;
}

/* The value of the evidence named key, or NULL. Keys are unique within a finding (the JSON
 * output makes the evidence an object): checked here on every lookup. */
static const char *evidence(const memscape_finding *f, const char *key)
{
    for (size_t i = 0; i < f->evidence_count; i++)
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(f->evidence[i].key, f->evidence[k].key);
    for (size_t i = 0; i < f->evidence_count; i++)
        if (strcmp(f->evidence[i].key, key) == 0)
            return f->evidence[i].value;
    return NULL;
}

/* Does a space of these modules show pattern id, and how often? */
static size_t findings_for_modules(memscape_os os, memscape_arch arch, const char *id,
                                   const char *const *names, size_t n)
{
    memscape_space *space = new_space(os, arch);
    add_modules(space, names, n);
    finalize(space);
    run r = detect(space);
    size_t count = count_of(&r, id);
    memscape_findings_free(r.findings);
    memscape_space_free(space);
    return count;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- cloud-environment ------------------------------------------------------------------- */

static void test_cloud_environment_azure_agents_and_sdk(void **state)
{
    (void)state;
    memscape_space *space = new_space(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64);
    static const char *const names[] = {
        "C:\\Windows\\System32\\ntdll.dll",
        "E:\\approot\\base\\x64\\WaWorkerHost.exe",
        "E:\\approot\\Microsoft.WindowsAzure.ServiceRuntime.dll",
        "E:\\base\\x64\\WaRuntimeProxy.dll",
    };
    add_modules(space, names, COUNT(names));
    finalize(space);
    run r = detect(space);
    assert_int_equal(count_of(&r, "cloud-environment"), 1);
    const memscape_finding *f = nth_finding(&r, "cloud-environment", 0);
    assert_string_equal(f->module, names[1]);
    assert_true(f->has_address && f->address == module_base(1));
    assert_string_equal(evidence(f, "platform"), "Azure");
    assert_string_equal(evidence(f, "modules"), "3");
    assert_string_equal(evidence(f, "names"), "WaWorkerHost.exe, "
                        "Microsoft.WindowsAzure.ServiceRuntime.dll, WaRuntimeProxy.dll");
    memscape_findings_free(r.findings);
    memscape_space_free(space);
}

/* One finding a platform, in the order Azure, AWS, Google Cloud. */
static void test_cloud_environment_aws_and_google(void **state)
{
    (void)state;
    memscape_space *space = new_space(MEMSCAPE_OS_LINUX, MEMSCAPE_ARCH_AMD64);
    static const char *const names[] = {
        "/usr/bin/google_guest_agent",
        "/usr/bin/amazon-ssm-agent",
        "/app/AWSSDK.Core.dll",
        "/app/libaws-cpp-sdk-s3.so",
    };
    add_modules(space, names, COUNT(names));
    finalize(space);
    run r = detect(space);
    assert_int_equal(count_of(&r, "cloud-environment"), 2);
    const memscape_finding *aws = nth_finding(&r, "cloud-environment", 0);
    assert_string_equal(evidence(aws, "platform"), "AWS");
    assert_string_equal(evidence(aws, "modules"), "3");
    assert_string_equal(aws->module, "/usr/bin/amazon-ssm-agent");
    assert_string_equal(evidence(aws, "names"),
                        "amazon-ssm-agent, AWSSDK.Core.dll, libaws-cpp-sdk-s3.so");
    const memscape_finding *gcp = nth_finding(&r, "cloud-environment", 1);
    assert_string_equal(evidence(gcp, "platform"), "Google Cloud");
    assert_string_equal(evidence(gcp, "modules"), "1");
    assert_string_equal(evidence(gcp, "names"), "google_guest_agent");
    memscape_findings_free(r.findings);
    memscape_space_free(space);
}

/* Windows' own wa*.dll, WaaS (Windows Update), a "Wa" folder and a plain process: silent. */
static void test_cloud_environment_silent_for_lookalikes(void **state)
{
    (void)state;
    static const char *const names[] = {
        "C:\\Windows\\System32\\wavemsp.dll", "C:\\Windows\\System32\\wab32.dll",
        "C:\\Windows\\System32\\WaaSMedicAgent.exe", "C:\\WaTools\\app.exe",
        "C:\\Windows\\System32\\KERNEL32.DLL", "WA", "Wa",
    };
    assert_int_equal(findings_for_modules(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64,
                                          "cloud-environment", names, COUNT(names)), 0);
    assert_int_equal(findings_for_modules(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64,
                                          "cloud-environment", NULL, 0), 0);
}

/* ---- wow64 ------------------------------------------------------------------------------- */

static void test_wow64_in_a_64_bit_dump(void **state)
{
    (void)state;
    memscape_space *space = new_space(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64);
    static const char *const names[] = {
        "C:\\app\\app32.exe",
        "C:\\Windows\\System32\\ntdll.dll",
        "C:\\Windows\\System32\\wow64.dll",
        "C:\\Windows\\System32\\wow64win.dll",
        "C:\\Windows\\System32\\WOW64CPU.DLL",
        "C:\\Windows\\SysWOW64\\ntdll.dll",
        "C:\\Windows\\SysWOW64\\kernel32.dll",
    };
    add_modules(space, names, COUNT(names));
    finalize(space);
    run r = detect(space);
    assert_int_equal(count_of(&r, "wow64"), 1);
    const memscape_finding *f = nth_finding(&r, "wow64", 0);
    assert_string_equal(f->module, names[2]);
    assert_true(f->has_address && f->address == module_base(2));
    assert_string_equal(evidence(f, "dump"), "64-bit");
    assert_string_equal(evidence(f, "layer"), "wow64.dll, wow64win.dll, WOW64CPU.DLL");
    assert_string_equal(evidence(f, "syswow64_modules"), "2");
    memscape_findings_free(r.findings);
    memscape_space_free(space);
}

/* A 32-bit dump the WOW64 process wrote of itself lists SysWOW64 modules: still WOW64. */
static void test_wow64_in_a_32_bit_dump(void **state)
{
    (void)state;
    memscape_space *space = new_space(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_X86);
    add_module(space, "C:\\app\\app32.exe");
    add_module(space, "c:\\windows\\syswow64\\kernel32.dll");
    finalize(space);
    run r = detect(space);
    const memscape_finding *f = nth_finding(&r, "wow64", 0);
    assert_null(f->module);
    assert_false(f->has_address);
    assert_string_equal(evidence(f, "dump"), "32-bit");
    assert_null(evidence(f, "layer"));
    assert_string_equal(evidence(f, "syswow64_modules"), "1");
    memscape_findings_free(r.findings);
    memscape_space_free(space);
}

/* A native process, a look-alike name, and Wine's syswow64 in a Linux core: silent. */
static void test_wow64_silent_for_native_processes(void **state)
{
    (void)state;
    static const char *const native[] = {
        "C:\\Windows\\System32\\ntdll.dll", "C:\\Windows\\System32\\kernel32.dll",
        "C:\\app\\wow64.dll.bak", "C:\\app\\mywow64.dll", "C:\\SysWOW64x\\a.dll",
    };
    assert_int_equal(findings_for_modules(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64, "wow64",
                                          native, COUNT(native)), 0);
    static const char *const wine[] = {"/home/u/.wine/drive_c/windows/syswow64/kernel32.dll"};
    assert_int_equal(findings_for_modules(MEMSCAPE_OS_LINUX, MEMSCAPE_ARCH_AMD64, "wow64", wine,
                                          1), 0);
}

/* ---- embedded-comment -------------------------------------------------------------------- */

static void add_note(memscape_space *space, const char *key, const char *value)
{
    assert_int_equal(memscape_space_add_note(space, key, value), MEMSCAPE_OK);
}

static void test_embedded_comment_quotes_the_first_notes(void **state)
{
    (void)state;
    memscape_space *space = new_space(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64);
    add_note(space, NULL, "dumped by hand <&>");
    add_note(space, "prod", "xcuitest");
    add_note(space, "ver", "1");
    add_note(space, NULL, "second comment");
    add_note(space, "fifth", "not quoted");
    finalize(space);
    run r = detect(space);
    assert_int_equal(count_of(&r, "embedded-comment"), 1);
    const memscape_finding *f = nth_finding(&r, "embedded-comment", 0);
    assert_string_equal(evidence(f, "comments"), "2");
    assert_string_equal(evidence(f, "annotations"), "3");
    assert_int_equal(f->evidence_count, 2 + 4);
    assert_string_equal(evidence(f, "comment1"), "dumped by hand <&>");
    assert_string_equal(evidence(f, "annotation1"), "prod = xcuitest");
    assert_string_equal(evidence(f, "annotation2"), "ver = 1");
    assert_string_equal(evidence(f, "comment2"), "second comment");
    assert_null(evidence(f, "annotation3"));
    memscape_findings_free(r.findings);
    memscape_space_free(space);
}

/* Values longer than 160 bytes are cut, never inside a UTF-8 sequence, and marked "...". */
static void test_embedded_comment_cuts_long_values(void **state)
{
    (void)state;
    char exact[161], longer[301], split[200], want[170];
    memset(exact, 'a', 160);
    exact[160] = '\0';
    memset(longer, 'b', 300);
    longer[300] = '\0';
    memset(split, 'c', 159);
    memcpy(split + 159, "\xc3\xa9tail", 6); /* U+00E9 in bytes 159 and 160 */
    memscape_space *space = new_space(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64);
    add_note(space, NULL, exact);
    add_note(space, NULL, longer);
    add_note(space, NULL, split);
    finalize(space);
    run r = detect(space);
    const memscape_finding *f = nth_finding(&r, "embedded-comment", 0);
    assert_string_equal(evidence(f, "comment1"), exact);
    snprintf(want, sizeof want, "%.160s...", longer);
    assert_string_equal(evidence(f, "comment2"), want);
    snprintf(want, sizeof want, "%.159s...", split);
    assert_string_equal(evidence(f, "comment3"), want);
    memscape_findings_free(r.findings);
    memscape_space_free(space);
}

static void test_embedded_comment_silent_without_notes(void **state)
{
    (void)state;
    static const char *const names[] = {"C:\\app\\a.exe"};
    assert_int_equal(findings_for_modules(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64,
                                          "embedded-comment", names, 1), 0);
}

/* ---- spiking-thread ---------------------------------------------------------------------- */

#define SECOND 10000000ull /* 100 ns units */

typedef struct timed_thread {
    uint32_t id;
    int has_times;
    uint64_t kernel, user;
} timed_thread;

/* A space with the given threads; each one's pc is in module 0 ("C:\app\a.exe"). */
static memscape_space *space_with_threads(const timed_thread *t, size_t n)
{
    memscape_space *space = new_space(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64);
    add_module(space, "C:\\app\\a.exe");
    for (size_t i = 0; i < n; i++) {
        memscape_thread th = {.id = t[i].id, .has_times = t[i].has_times,
                              .kernel_time = t[i].kernel, .user_time = t[i].user,
                              .has_context = 1, .pc = module_base(0) + 0x1234};
        assert_int_equal(memscape_space_add_thread(space, &th, NULL), MEMSCAPE_OK);
    }
    finalize(space);
    return space;
}

static size_t spikes(const timed_thread *t, size_t n)
{
    memscape_space *space = space_with_threads(t, n);
    run r = detect(space);
    size_t count = count_of(&r, "spiking-thread");
    memscape_findings_free(r.findings);
    memscape_space_free(space);
    return count;
}

static void test_spiking_thread_reports_the_dominant_thread(void **state)
{
    (void)state;
    /* 3.25 s of 0.5 + 3.25 + 0.5 = 4.25 s: 76.5%. */
    const timed_thread t[] = {{0x10, 1, SECOND / 4, SECOND / 4},
                              {0x20, 1, SECOND / 4, 3 * SECOND},
                              {0x30, 1, 0, SECOND / 2},
                              {0x40, 0, 100 * SECOND, 0}}; /* no times: not counted */
    memscape_space *space = space_with_threads(t, COUNT(t));
    run r = detect(space);
    assert_int_equal(count_of(&r, "spiking-thread"), 1);
    const memscape_finding *f = nth_finding(&r, "spiking-thread", 0);
    assert_true(f->has_thread && f->thread_id == 0x20);
    assert_false(f->has_address);
    assert_string_equal(f->module, "C:\\app\\a.exe");
    assert_string_equal(evidence(f, "cpu"), "3.250 s");
    assert_string_equal(evidence(f, "kernel"), "0.250 s");
    assert_string_equal(evidence(f, "user"), "3.000 s");
    assert_string_equal(evidence(f, "process_cpu"), "4.250 s");
    assert_string_equal(evidence(f, "share"), "76.5%");
    assert_string_equal(evidence(f, "threads_with_times"), "3");
    assert_string_equal(evidence(f, "pc"), "0x10001234");
    memscape_findings_free(r.findings);
    memscape_space_free(space);
}

/* The floor (1 s) and the share (more than half) at their boundaries. */
static void test_spiking_thread_thresholds(void **state)
{
    (void)state;
    const timed_thread at_floor[] = {{1, 1, SECOND, 0}, {2, 1, 0, 0}};
    assert_int_equal(spikes(at_floor, 2), 1);
    const timed_thread below_floor[] = {{1, 1, SECOND - 1, 0}, {2, 1, 0, 0}};
    assert_int_equal(spikes(below_floor, 2), 0);
    const timed_thread half[] = {{1, 1, SECOND, SECOND}, {2, 1, SECOND, SECOND}};
    assert_int_equal(spikes(half, 2), 0);
    const timed_thread over_half[] = {{1, 1, SECOND, SECOND + 1}, {2, 1, SECOND, SECOND}};
    assert_int_equal(spikes(over_half, 2), 1);
    /* A lone thread with times dominates by construction: no claim. */
    const timed_thread lone[] = {{1, 1, 50 * SECOND, 0}, {2, 0, 0, 0}};
    assert_int_equal(spikes(lone, 2), 0);
    /* Times no process has: sums that overflow make no claim and do not crash. */
    const timed_thread bogus[] = {{1, 1, UINT64_MAX, 1}, {2, 1, 0, 0}};
    assert_int_equal(spikes(bogus, 2), 0);
    const timed_thread bogus_sum[] = {{1, 1, UINT64_MAX / 2, 0}, {2, 1, UINT64_MAX / 2, 2}};
    assert_int_equal(spikes(bogus_sum, 2), 0);
    const timed_thread idle[] = {{1, 1, 0, 0}, {2, 1, 0, 0}};
    assert_int_equal(spikes(idle, 2), 0);
}

/* ---- handle-leak ------------------------------------------------------------------------- */

static memscape_space *space_with_handles(const char *const *types, const uint32_t *counts,
                                          size_t n)
{
    memscape_space *space = new_space(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64);
    for (size_t i = 0; i < n; i++)
        for (uint32_t k = 0; k < counts[i]; k++)
            assert_int_equal(memscape_space_count_handle(space, types[i]), MEMSCAPE_OK);
    finalize(space);
    return space;
}

static void test_handle_leak_names_the_dominant_type(void **state)
{
    (void)state;
    static const char *const types[] = {"File", "Event", "Key"};
    const uint32_t counts[] = {4000, 6000, 1};
    memscape_space *space = space_with_handles(types, counts, 3);
    run r = detect(space);
    const memscape_finding *f = nth_finding(&r, "handle-leak", 0);
    assert_string_equal(evidence(f, "handles"), "10001");
    assert_string_equal(evidence(f, "dominant_type"), "Event");
    assert_string_equal(evidence(f, "dominant_count"), "6000");
    assert_string_equal(evidence(f, "types"), "3");
    memscape_findings_free(r.findings);
    memscape_space_free(space);
}

static void test_handle_leak_threshold_and_untyped_handles(void **state)
{
    (void)state;
    static const char *const at_limit_types[] = {"Event"};
    const uint32_t at_limit[] = {10000};
    memscape_space *space = space_with_handles(at_limit_types, at_limit, 1);
    run r = detect(space);
    assert_int_equal(count_of(&r, "handle-leak"), 0);
    memscape_findings_free(r.findings);
    memscape_space_free(space);

    static const char *const untyped[] = {NULL};
    const uint32_t over[] = {10001};
    space = space_with_handles(untyped, over, 1);
    r = detect(space);
    const memscape_finding *f = nth_finding(&r, "handle-leak", 0);
    assert_string_equal(evidence(f, "handles"), "10001");
    assert_string_equal(evidence(f, "dominant_type"), "unknown (the dump names no types)");
    assert_null(evidence(f, "dominant_count"));
    memscape_findings_free(r.findings);
    memscape_space_free(space);

    space = space_with_handles(NULL, NULL, 0); /* no handle stream at all */
    r = detect(space);
    assert_int_equal(count_of(&r, "handle-leak"), 0);
    memscape_findings_free(r.findings);
    memscape_space_free(space);
}

/* ---- truncated-dump ---------------------------------------------------------------------- */

static void test_truncated_dump_quotes_the_truncation_warnings(void **state)
{
    (void)state;
    memscape_space *space = new_space(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64);
    memscape_space_warn(space, 0x30, "ModuleList: a second stream at 0x40 ignored; the first, "
                        "at 0x20, is used");
    memscape_space_warn(space, 0x1c4, "MemoryList 3: 0x2000 bytes at 0x9000 clipped to the 0x800 "
                        "before the end of the file");
    memscape_space_warn(space, MEMSCAPE_NO_OFFSET, "PT_LOAD 2 at 0x400000: 0x1000 bytes but "
                        "the file holds only 0x10; the rest is not captured");
    finalize(space);
    run r = detect(space);
    assert_int_equal(count_of(&r, "truncated-dump"), 1);
    const memscape_finding *f = nth_finding(&r, "truncated-dump", 0);
    assert_string_equal(evidence(f, "warnings"), "2");
    assert_null(evidence(f, "warnings_not_kept"));
    assert_null(evidence(f, "warning3"));
    assert_string_equal(evidence(f, "warning1"), "offset 0x1c4: MemoryList 3: 0x2000 "
                        "bytes at 0x9000 clipped to the 0x800 before the end of the file");
    assert_string_equal(evidence(f, "warning2"), "PT_LOAD 2 at 0x400000: 0x1000 bytes "
                        "but the file holds only 0x10; the rest is not captured");
    memscape_findings_free(r.findings);
    memscape_space_free(space);
}

/* Warnings about malformed data, not missing data, and no warnings: silent. */
static void test_truncated_dump_silent_for_other_warnings(void **state)
{
    (void)state;
    memscape_space *space = new_space(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64);
    memscape_space_warn(space, 0x30, "MemoryInfoList: entry 2: unknown State 0x5; entry skipped");
    memscape_space_warn(space, 0x90, "Thread: context of unknown CPU architecture");
    finalize(space);
    run r = detect(space);
    assert_int_equal(count_of(&r, "truncated-dump"), 0);
    memscape_findings_free(r.findings);
    memscape_space_free(space);
    assert_int_equal(findings_for_modules(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64,
                                          "truncated-dump", NULL, 0), 0);
}

/* ---- unloaded-modules -------------------------------------------------------------------- */

static void test_unloaded_modules_names_the_last_ones(void **state)
{
    (void)state;
    memscape_space *space = new_space(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64);
    static const char *const names[] = {"a.dll", "C:\\x\\b.dll", "c.dll", "d.dll",
                                        "C:\\Windows\\System32\\shcore.dll", "f.dll"};
    for (size_t i = 0; i < COUNT(names); i++) {
        memscape_module m = {.name = names[i], .base = module_base(i), .size = 0x1000};
        assert_int_equal(memscape_space_add_unloaded(space, &m), MEMSCAPE_OK);
    }
    finalize(space);
    run r = detect(space);
    assert_int_equal(count_of(&r, "unloaded-modules"), 1);
    const memscape_finding *f = nth_finding(&r, "unloaded-modules", 0);
    assert_string_equal(evidence(f, "count"), "6");
    assert_string_equal(evidence(f, "last"), "c.dll, d.dll, shcore.dll, f.dll");
    memscape_findings_free(r.findings);
    memscape_space_free(space);

    /* One: named alone. None: silent. */
    space = new_space(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64);
    memscape_module one = {.name = "shcore.dll", .base = 0x7ff90f450000, .size = 0xea000};
    assert_int_equal(memscape_space_add_unloaded(space, &one), MEMSCAPE_OK);
    finalize(space);
    r = detect(space);
    f = nth_finding(&r, "unloaded-modules", 0);
    assert_string_equal(evidence(f, "count"), "1");
    assert_string_equal(evidence(f, "last"), "shcore.dll");
    memscape_findings_free(r.findings);
    memscape_space_free(space);
    assert_int_equal(findings_for_modules(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64,
                                          "unloaded-modules", NULL, 0), 0);

    /* A name longer than the line: its first 252 bytes and "...". */
    char huge[400], want[300];
    memset(huge, 'x', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    snprintf(want, sizeof want, "%.252s...", huge);
    space = new_space(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64);
    memscape_module long_name = {.name = huge, .base = 0x10000, .size = 0x1000};
    assert_int_equal(memscape_space_add_unloaded(space, &long_name), MEMSCAPE_OK);
    finalize(space);
    r = detect(space);
    f = nth_finding(&r, "unloaded-modules", 0);
    assert_string_equal(evidence(f, "last"), want);
    memscape_findings_free(r.findings);
    memscape_space_free(space);
}

/* ---- module-variety ---------------------------------------------------------------------- */

static size_t variety(memscape_os os, const char *pattern, size_t count, const char *const *more,
                      size_t more_count)
{
    memscape_space *space = new_space(os, MEMSCAPE_ARCH_AMD64);
    add_numbered_modules(space, pattern, count);
    add_modules(space, more, more_count);
    finalize(space);
    run r = detect(space);
    size_t n = count_of(&r, "module-variety");
    memscape_findings_free(r.findings);
    memscape_space_free(space);
    return n;
}

/* More than 100 modules outside the system's folders fire; 100 do not; system modules, however
 * many (an iOS simulator's frameworks included), do not count. */
static void test_module_variety_counts_modules_outside_the_system(void **state)
{
    (void)state;
    assert_int_equal(variety(MEMSCAPE_OS_WINDOWS, "D:\\app\\plugin#.dll", 101, NULL, 0), 1);
    assert_int_equal(variety(MEMSCAPE_OS_WINDOWS, "D:\\app\\plugin#.dll", 100, NULL, 0), 0);
    static const char *const app[] = {"D:\\app\\app.exe"};
    assert_int_equal(variety(MEMSCAPE_OS_WINDOWS, "C:\\WINDOWS\\System32\\x#.dll", 400, app,
                             1), 0);
    assert_int_equal(variety(MEMSCAPE_OS_MACOS, "/System/Library/Frameworks/F#.framework/F",
                             300, NULL, 0), 0);
    assert_int_equal(variety(MEMSCAPE_OS_IOS, "/Applications/Xcode.app/Contents/Developer/"
                             "Platforms/iPhoneOS.platform/RuntimeRoot/usr/lib/l#.dylib", 300,
                             NULL, 0), 0);
    assert_int_equal(variety(MEMSCAPE_OS_LINUX, "/usr/lib/x86_64-linux-gnu/lib#.so", 150,
                             NULL, 0), 0);
    assert_int_equal(variety(MEMSCAPE_OS_LINUX, "/lib64/lib#.so", 150, NULL, 0), 0);
    assert_int_equal(variety(MEMSCAPE_OS_LINUX, "/home/u/build/lib#.so", 101, NULL, 0), 1);

    memscape_space *space = new_space(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64);
    add_numbered_modules(space, "C:\\Windows\\System32\\s#.dll", 7);
    add_numbered_modules(space, "D:\\app\\p#.dll", 101);
    finalize(space);
    run r = detect(space);
    const memscape_finding *f = nth_finding(&r, "module-variety", 0);
    assert_string_equal(evidence(f, "modules"), "108");
    assert_string_equal(evidence(f, "outside_system_folders"), "101");
    assert_string_equal(evidence(f, "vendor_folders"), "0");
    assert_null(evidence(f, "vendors"));
    memscape_findings_free(r.findings);
    memscape_space_free(space);
}

/* Five installation folders fire, four do not; the same folder in another case or below
 * Common Files is one vendor; a module right in Program Files names none. */
static void test_module_variety_counts_vendor_folders(void **state)
{
    (void)state;
    static const char *const four[] = {
        "C:\\Program Files\\Alpha\\a.dll",
        "C:\\PROGRAM FILES\\alpha\\bin\\a2.dll",
        "C:\\Program Files (x86)\\Beta\\b.dll",
        "C:\\Program Files\\Common Files\\Gamma\\g.dll",
        "C:\\Program Files\\Common Files\\Gamma\\sub\\g2.dll",
        "C:\\ProgramData\\Delta\\d.dll",
        "C:\\Program Files\\loose.dll",
        "C:\\Windows\\System32\\ntdll.dll",
    };
    assert_int_equal(variety(MEMSCAPE_OS_WINDOWS, "D:\\app\\p#.dll", 1, four, COUNT(four)),
                     0);
    static const char *const fifth[] = {"C:\\Users\\u\\AppData\\Local\\Epsilon\\e.dll"};
    memscape_space *space = new_space(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64);
    add_modules(space, four, COUNT(four));
    add_modules(space, fifth, 1);
    finalize(space);
    run r = detect(space);
    assert_int_equal(count_of(&r, "module-variety"), 1);
    const memscape_finding *f = nth_finding(&r, "module-variety", 0);
    assert_string_equal(evidence(f, "modules"), "9");
    assert_string_equal(evidence(f, "outside_system_folders"), "8");
    assert_string_equal(evidence(f, "vendor_folders"), "5");
    assert_string_equal(evidence(f, "vendors"), "Alpha, Beta, Gamma, Delta, Epsilon");
    memscape_findings_free(r.findings);
    memscape_space_free(space);

    static const char *const opt[] = {"/opt/google/chrome/libA.so", "/opt/zoom/libB.so",
                                      "/opt/brave.com/libC.so", "/opt/vendor4/lib/libD.so",
                                      "/opt/vendor5/libE.so", "/opt/loose.so"};
    assert_int_equal(variety(MEMSCAPE_OS_LINUX, "/usr/lib/l#.so", 3, opt, COUNT(opt)), 1);
    assert_int_equal(variety(MEMSCAPE_OS_LINUX, "/usr/lib/l#.so", 3, opt + 1, COUNT(opt) - 1),
                     0);
}

/* More than 64 vendor folders: counted up to the cap, said so, five quoted; exactly 64 are
 * 64. */
static void test_module_variety_caps_vendor_folders(void **state)
{
    (void)state;
    memscape_space *space = new_space(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64);
    add_numbered_modules(space, "C:\\Program Files\\Vendor#\\v.dll", 80);
    finalize(space);
    run r = detect(space);
    const memscape_finding *f = nth_finding(&r, "module-variety", 0);
    assert_string_equal(evidence(f, "vendor_folders"), "64 or more");
    /* Names fill one line (255 bytes) and end in ", ..." when more did not fit. */
    const char *vendors = evidence(f, "vendors");
    assert_true(strncmp(vendors, "Vendor0, Vendor1, Vendor2, Vendor3, ", 36) == 0);
    assert_true(strlen(vendors) <= 255 && strlen(vendors) > 200);
    assert_string_equal(vendors + strlen(vendors) - 5, ", ...");
    memscape_findings_free(r.findings);
    memscape_space_free(space);

    space = new_space(MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64);
    add_numbered_modules(space, "C:\\Program Files\\Vendor#\\v.dll", 64);
    finalize(space);
    r = detect(space);
    f = nth_finding(&r, "module-variety", 0);
    assert_string_equal(evidence(f, "vendor_folders"), "64");
    memscape_findings_free(r.findings);
    memscape_space_free(space);
}

/* An empty space: none of the group's patterns. */
static void test_process_patterns_silent_on_an_empty_space(void **state)
{
    (void)state;
    static const char *const ids[] = {"cloud-environment", "wow64", "embedded-comment",
                                      "spiking-thread", "handle-leak", "truncated-dump",
                                      "unloaded-modules", "module-variety"};
    memscape_space *space = new_space(MEMSCAPE_OS_UNKNOWN, MEMSCAPE_ARCH_UNKNOWN);
    finalize(space);
    run r = detect(space);
    for (size_t i = 0; i < COUNT(ids); i++) {
        assert_non_null(memscape_pattern_find(ids[i]));
        assert_int_equal(count_of(&r, ids[i]), 0);
    }
    memscape_findings_free(r.findings);
    memscape_space_free(space);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cloud_environment_azure_agents_and_sdk),
        cmocka_unit_test(test_cloud_environment_aws_and_google),
        cmocka_unit_test(test_cloud_environment_silent_for_lookalikes),
        cmocka_unit_test(test_wow64_in_a_64_bit_dump),
        cmocka_unit_test(test_wow64_in_a_32_bit_dump),
        cmocka_unit_test(test_wow64_silent_for_native_processes),
        cmocka_unit_test(test_embedded_comment_quotes_the_first_notes),
        cmocka_unit_test(test_embedded_comment_cuts_long_values),
        cmocka_unit_test(test_embedded_comment_silent_without_notes),
        cmocka_unit_test(test_spiking_thread_reports_the_dominant_thread),
        cmocka_unit_test(test_spiking_thread_thresholds),
        cmocka_unit_test(test_handle_leak_names_the_dominant_type),
        cmocka_unit_test(test_handle_leak_threshold_and_untyped_handles),
        cmocka_unit_test(test_truncated_dump_quotes_the_truncation_warnings),
        cmocka_unit_test(test_truncated_dump_silent_for_other_warnings),
        cmocka_unit_test(test_unloaded_modules_names_the_last_ones),
        cmocka_unit_test(test_module_variety_counts_modules_outside_the_system),
        cmocka_unit_test(test_module_variety_counts_vendor_folders),
        cmocka_unit_test(test_module_variety_caps_vendor_folders),
        cmocka_unit_test(test_process_patterns_silent_on_an_empty_space),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
