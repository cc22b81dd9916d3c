/* SPDX-License-Identifier: MIT */
/* The pool detectors (src/patterns/pool.c): excessive-pool-usage and inconsistent-counters fire
 * on the seed's !vm (../shared/seeds/000_*.txt, its numbers copied here by hand) and stay
 * silent on a healthy x64 !vm, whose maximums and free counts dwarf the machine's memory.
 * Spaces are built with the reader's builder API, as a WinDbg log reader fills them.
 *
 * With MEMSCAPE_SEED_LOG set to the seed's path, the seed itself is also read and must show
 * both patterns; without it that test is skipped. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscape/dump.h"
#include "memscape/patterns.h"
#include "space_build.h"
#include "findings.h"

static uint8_t file_bytes[64];

typedef struct counter_row {
    const char *name;
    uint64_t pages;
    uint64_t kb;
} counter_row;

/* The seed's !vm, line by line (page file lines included, banner as its own counter). */
static const counter_row seed_vm[] = {
    {"Physical Memory", 8387414, 33549656},
    {"Current", 0, 33856856},
    {"Free Space", 0, 33855520},
    {"Minimum", 0, 33856856},
    {"Maximum", 0, 46364420},
    {"Available Pages", 7231844, 28927376},
    {"ResAvail Pages", 7763458, 31053832},
    {"Locked IO Pages", 0, 0},
    {"Free System PTEs", 33556220, 134224880},
    {"Modified Pages", 2759, 11036},
    {"Modified PF Pages", 2759, 11036},
    {"NonPagedPool Usage", 650867425, 2603469700u},
    {"NonPagedPoolNx Usage", 83715, 334860},
    {"NonPagedPool Max", 6271754, 25087016},
    {"Excessive NonPaged Pool Usage", 0, 0},
    {"PagedPool 0 Usage", 48923, 195692},
    {"PagedPool 1 Usage", 39797, 159188},
    {"PagedPool 2 Usage", 37412, 149648},
    {"PagedPool 3 Usage", 37536, 150144},
    {"PagedPool 4 Usage", 37453, 149812},
    {"PagedPool Usage", 201121, 804484},
    {"PagedPool Maximum", 33554432, 134217728},
    {"Session Commit", 15829, 63316},
    {"Shared Commit", 7198, 28792},
    {"Special Pool", 0, 0},
    {"Shared Process", 158498, 633992},
    {"PagedPool Commit", 201147, 804588},
    {"Driver Commit", 5761, 23044},
    {"Committed pages", 1126203, 4504812},
    {"Commit limit", 16851145, 67404580},
};
#define SEED_PAGE_FILE_MAX_KB 46364420u

/* The same machine in health: no banner, nonpaged usage well below its maximum. Its
 * PagedPool Maximum and Free System PTEs still dwarf physical memory plus the page file. */
static const counter_row healthy_vm[] = {
    {"Physical Memory", 8387414, 33549656},
    {"Maximum", 0, 46364420},
    {"Free System PTEs", 33556220, 134224880},
    {"NonPagedPool Usage", 148, 592},
    {"NonPagedPoolNx Usage", 83715, 334860},
    {"NonPagedPool Max", 6271754, 25087016},
    {"PagedPool Usage", 201121, 804484},
    {"PagedPool Maximum", 33554432, 134217728},
    {"Committed pages", 1126203, 4504812},
    {"Commit limit", 16851145, 67404580},
};

static memscape_space *new_space(memscape_format format)
{
    memscape_space *space;
    assert_int_equal(memscape_space_new(&space, file_bytes, sizeof file_bytes, NULL),
                     MEMSCAPE_OK);
    space->system.format = format;
    space->system.os = MEMSCAPE_OS_WINDOWS;
    return space;
}

static void add_counters(memscape_space *space, const counter_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(memscape_space_add_vm_counter(space, rows[i].name, rows[i].pages,
                                                       rows[i].kb),
                         MEMSCAPE_OK);
}

static void add_tag(memscape_space *space, const char *tag, uint64_t np_bytes, uint64_t p_bytes)
{
    memscape_pool_tag t = {.nonpaged_allocs = 1, .nonpaged_bytes = np_bytes, .paged_allocs = 1,
                           .paged_bytes = p_bytes};
    memcpy(t.tag, tag, 4);
    assert_int_equal(memscape_space_add_pool_tag(space, &t), MEMSCAPE_OK);
}

static void finalize(memscape_space *space)
{
    memscape_error err = {0};
    assert_int_equal(memscape_space_finalize(space, &err), MEMSCAPE_OK);
}

static memscape_findings *detect(const memscape_space *space)
{
    memscape_findings *findings;
    memscape_error err = {0};
    assert_int_equal(memscape_detect(&findings, space, NULL, &err), MEMSCAPE_OK);
    return findings;
}

/* The findings as "id id ...". */
static const char *ids(const memscape_findings *findings, char *buf, size_t size)
{
    return finding_ids(findings, NULL, buf, size);
}

static const char *evidence(const memscape_finding *f, const char *key)
{
    for (size_t i = 0; i < f->evidence_count; i++)
        if (strcmp(f->evidence[i].key, key) == 0)
            return f->evidence[i].value;
    return NULL;
}

static void assert_evidence(const memscape_finding *f, const char *key, const char *value)
{
    const char *got = evidence(f, key);
    if (!got || strcmp(got, value) != 0)
        fail_msg("%s: evidence %s is %s, expected %s", f->pattern->id, key,
                 got ? got : "(none)", value);
}

static void assert_ids(const memscape_space *space, const char *want)
{
    memscape_findings *findings = detect(space);
    char got[256];
    assert_string_equal(ids(findings, got, sizeof got), want);
    memscape_findings_free(findings);
}

/* ---- the seed ------------------------------------------------------------------------------ */

static void test_patterns_pool_seed_shows_both(void **state)
{
    (void)state;
    memscape_space *space = new_space(MEMSCAPE_FORMAT_WINDBG_LOG);
    add_counters(space, seed_vm, sizeof seed_vm / sizeof seed_vm[0]);
    memscape_space_add_page_file(space, SEED_PAGE_FILE_MAX_KB);
    add_tag(space, "Ntfr", 2258704, 0);
    add_tag(space, "EtwB", 6550080, 4096);
    add_tag(space, "File", 3752928, 8192);
    add_tag(space, "Pool", 3363472, 0);
    add_tag(space, "Thre", 1234064, 0);
    finalize(space);
    memscape_findings *findings = detect(space);
    size_t n;
    const memscape_finding *f = memscape_findings_items(findings, &n);
    assert_int_equal(n, 2);

    assert_string_equal(f[0].pattern->id, "excessive-pool-usage");
    assert_false(f[0].has_thread || f[0].has_address);
    assert_evidence(&f[0], "pool", "nonpaged");
    assert_evidence(&f[0], "reason", "usage reaches the maximum");
    assert_evidence(&f[0], "usage_kb", "2603469700");
    assert_evidence(&f[0], "max_kb", "25087016");
    assert_null(evidence(&f[0], "failed_allocations"));
    /* The three largest nonpaged tags, largest first. */
    assert_evidence(&f[0], "top_tags",
                    "EtwB 6550080 bytes, File 3752928 bytes, Pool 3363472 bytes");

    /* 2603469700 KiB of nonpaged pool against 33549656 KiB of memory and 46364420 KiB of
     * page file: the one counter that cannot be. PagedPool Maximum (134217728 KiB) and
     * Free System PTEs (134224880 KiB) are larger still, and normal. */
    assert_string_equal(f[1].pattern->id, "inconsistent-counters");
    assert_evidence(&f[1], "counter", "NonPagedPool Usage");
    assert_evidence(&f[1], "value_kb", "2603469700");
    char capacity[32];
    snprintf(capacity, sizeof capacity, "%" PRIu64, (uint64_t)33549656 + SEED_PAGE_FILE_MAX_KB);
    assert_evidence(&f[1], "capacity_kb", capacity);
    memscape_findings_free(findings);
    memscape_space_free(space);
}

static void test_patterns_pool_healthy_x64_is_silent(void **state)
{
    (void)state;
    memscape_space *space = new_space(MEMSCAPE_FORMAT_WINDBG_LOG);
    add_counters(space, healthy_vm, sizeof healthy_vm / sizeof healthy_vm[0]);
    memscape_space_add_page_file(space, SEED_PAGE_FILE_MAX_KB);
    add_tag(space, "EtwB", 6550080, 4096);
    finalize(space);
    assert_ids(space, "");
    memscape_space_free(space);
}

/* No pool usage in the space (a dump, or a log with only lm): nothing to say. */
static void test_patterns_pool_without_pool_usage_is_silent(void **state)
{
    (void)state;
    memscape_space *space = new_space(MEMSCAPE_FORMAT_WINDBG_LOG);
    memscape_module m = {.name = "ntdll.dll", .base = 0x76de0000, .size = 0x17f000};
    assert_int_equal(memscape_space_add_module(space, &m), MEMSCAPE_OK);
    finalize(space);
    assert_ids(space, "");
    memscape_space_free(space);
}

/* ---- excessive-pool-usage ------------------------------------------------------------------ */

static void test_patterns_pool_paged_at_maximum(void **state)
{
    (void)state;
    static const counter_row rows[] = {
        {"Physical Memory", 1572637, 6290548},
        {"NonPagedPool Usage", 10000, 40000},
        {"NonPagedPool Max", 65536, 262144},
        {"PagedPool Usage", 131072, 524288},  /* exactly the maximum: reached */
        {"PagedPool Maximum", 131072, 524288},
    };
    memscape_space *space = new_space(MEMSCAPE_FORMAT_WINDBG_LOG);
    add_counters(space, rows, sizeof rows / sizeof rows[0]);
    add_tag(space, "CM31", 900, 100000000);
    add_tag(space, "MmSt", 0, 200000000);
    add_tag(space, "Ntff", 5000000, 300);
    add_tag(space, "Toke", 0, 150000000);
    add_tag(space, "Se  ", 0, 0);
    finalize(space);
    memscape_findings *findings = detect(space);
    size_t n;
    const memscape_finding *f = memscape_findings_items(findings, &n);
    assert_int_equal(n, 1);
    assert_string_equal(f[0].pattern->id, "excessive-pool-usage");
    assert_evidence(&f[0], "pool", "paged");
    assert_evidence(&f[0], "usage_kb", "524288");
    assert_evidence(&f[0], "max_kb", "524288");
    assert_evidence(&f[0], "top_tags",
                    "MmSt 200000000 bytes, Toke 150000000 bytes, CM31 100000000 bytes");
    memscape_findings_free(findings);
    memscape_space_free(space);
}

static void test_patterns_pool_failures_and_banners(void **state)
{
    (void)state;
    /* Failures alone: the pool is not named, the evidence says how many. */
    memscape_space *space = new_space(MEMSCAPE_FORMAT_WINDBG_LOG);
    add_counters(space, healthy_vm, sizeof healthy_vm / sizeof healthy_vm[0]);
    memscape_space_add_failed_allocations(space, 174);
    add_tag(space, "Abcd", 10, 20);
    finalize(space);
    memscape_findings *findings = detect(space);
    size_t n;
    const memscape_finding *f = memscape_findings_items(findings, &n);
    assert_int_equal(n, 1);
    assert_string_equal(f[0].pattern->id, "excessive-pool-usage");
    assert_evidence(&f[0], "pool", "unknown");
    assert_evidence(&f[0], "reason", "pool allocations failed");
    assert_evidence(&f[0], "failed_allocations", "174");
    assert_evidence(&f[0], "top_tags", "Abcd 30 bytes");
    memscape_findings_free(findings);
    memscape_space_free(space);

    /* !vm's own banner, usage below the maximum: the banner is the reason. */
    space = new_space(MEMSCAPE_FORMAT_WINDBG_LOG);
    add_counters(space, healthy_vm, sizeof healthy_vm / sizeof healthy_vm[0]);
    assert_int_equal(memscape_space_add_vm_counter(space, "Excessive Paged Pool Usage", 0, 0),
                     MEMSCAPE_OK);
    finalize(space);
    findings = detect(space);
    f = memscape_findings_items(findings, &n);
    assert_int_equal(n, 1);
    assert_evidence(&f[0], "pool", "paged");
    assert_evidence(&f[0], "reason", "Excessive Paged Pool Usage");
    assert_evidence(&f[0], "usage_kb", "804484");
    assert_null(evidence(&f[0], "top_tags"));
    memscape_findings_free(findings);
    memscape_space_free(space);

    /* A counter that only looks like a banner (it has numbers) is not one. */
    space = new_space(MEMSCAPE_FORMAT_WINDBG_LOG);
    add_counters(space, healthy_vm, sizeof healthy_vm / sizeof healthy_vm[0]);
    assert_int_equal(memscape_space_add_vm_counter(space, "Excessive Paged Pool Usage", 1, 4),
                     MEMSCAPE_OK);
    finalize(space);
    assert_ids(space, "");
    memscape_space_free(space);
}

/* ---- inconsistent-counters ----------------------------------------------------------------- */

static void test_patterns_pool_commit_far_above_its_limit(void **state)
{
    (void)state;
    /* 8 GiB of memory and 8 GiB of page file could hold 9 GiB of commit, but not against a
     * commit limit of 4 GiB: more than twice over. 8 GiB committed against the same limit is
     * exactly twice: allowed. */
    static const counter_row rows[] = {
        {"Physical Memory", 2097152, 8388608},
        {"Committed pages", 2359296, 9437184},
        {"Commit limit", 1048576, 4194304},
    };
    memscape_space *space = new_space(MEMSCAPE_FORMAT_WINDBG_LOG);
    add_counters(space, rows, sizeof rows / sizeof rows[0]);
    memscape_space_add_page_file(space, 8388608);
    finalize(space);
    memscape_findings *findings = detect(space);
    size_t n;
    const memscape_finding *f = memscape_findings_items(findings, &n);
    assert_int_equal(n, 1);
    assert_string_equal(f[0].pattern->id, "inconsistent-counters");
    assert_evidence(&f[0], "counter", "Committed pages");
    assert_evidence(&f[0], "value_kb", "9437184");
    assert_evidence(&f[0], "commit_limit_kb", "4194304");
    memscape_findings_free(findings);
    memscape_space_free(space);

    space = new_space(MEMSCAPE_FORMAT_WINDBG_LOG);
    static const counter_row twice[] = {
        {"Physical Memory", 2097152, 8388608},
        {"Committed pages", 2097152, 8388608},
        {"Commit limit", 1048576, 4194304},
    };
    add_counters(space, twice, sizeof twice / sizeof twice[0]);
    memscape_space_add_page_file(space, 8388608);
    finalize(space);
    assert_ids(space, "");
    memscape_space_free(space);
}

static void test_patterns_pool_capacity_needs_memory_or_limit(void **state)
{
    (void)state;
    /* Without Physical Memory or Commit limit there is nothing to compare with. */
    static const counter_row rows[] = {
        {"NonPagedPool Usage", 650867425, 2603469700u},
        {"NonPagedPool Max", 6271754, 25087016},
    };
    memscape_space *space = new_space(MEMSCAPE_FORMAT_WINDBG_LOG);
    add_counters(space, rows, sizeof rows / sizeof rows[0]);
    finalize(space);
    assert_ids(space, "excessive-pool-usage");
    memscape_space_free(space);

    /* The commit limit alone is a capacity; a usage at it is fine, one above is not. */
    static const counter_row limited[] = {
        {"Commit limit", 1048576, 4194304},
        {"PagedPool Usage", 1048576, 4194304},
        {"Shared Commit", 1048577, 4194308},
    };
    space = new_space(MEMSCAPE_FORMAT_WINDBG_LOG);
    add_counters(space, limited, sizeof limited / sizeof limited[0]);
    finalize(space);
    memscape_findings *findings = detect(space);
    size_t n;
    const memscape_finding *f = memscape_findings_items(findings, &n);
    assert_int_equal(n, 1);
    assert_evidence(&f[0], "counter", "Shared Commit");
    assert_evidence(&f[0], "capacity_kb", "4194304");
    memscape_findings_free(findings);
    memscape_space_free(space);
}

/* Hostile values: saturating sums, nothing wraps into a finding. */
static void test_patterns_pool_hostile_values(void **state)
{
    (void)state;
    memscape_space *space = new_space(MEMSCAPE_FORMAT_WINDBG_LOG);
    static const counter_row rows[] = {
        {"Physical Memory", UINT64_MAX, UINT64_MAX},
        {"NonPagedPool Usage", UINT64_MAX, UINT64_MAX},
        {"NonPagedPool Max", 0, 0},
        {"PagedPool Usage", 0, 0},
        {"PagedPool Maximum", 0, 0},
    };
    add_counters(space, rows, sizeof rows / sizeof rows[0]);
    memscape_space_add_page_file(space, UINT64_MAX);
    add_tag(space, "Big1", UINT64_MAX, UINT64_MAX);
    finalize(space);
    /* A zero maximum is not a maximum; usage cannot pass a capacity of UINT64_MAX. */
    assert_ids(space, "");
    memscape_space_free(space);
}

/* ---- the seed itself, when its path is given ------------------------------------------------ */

static void test_patterns_pool_seed_file(void **state)
{
    (void)state;
    const char *path = getenv("MEMSCAPE_SEED_LOG");
    if (!path || !path[0]) {
        print_message("MEMSCAPE_SEED_LOG not set: the seed's !vm is not read\n");
        skip();
    }
    memscape_dump *dump = NULL;
    memscape_error err = {0};
    if (memscape_dump_open(&dump, path, NULL, &err) != MEMSCAPE_OK)
        fail_msg("%s: %s", path, err.msg);
    assert_ids(memscape_dump_space(dump), "excessive-pool-usage inconsistent-counters");
    memscape_dump_free(dump);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_patterns_pool_seed_shows_both),
        cmocka_unit_test(test_patterns_pool_healthy_x64_is_silent),
        cmocka_unit_test(test_patterns_pool_without_pool_usage_is_silent),
        cmocka_unit_test(test_patterns_pool_paged_at_maximum),
        cmocka_unit_test(test_patterns_pool_failures_and_banners),
        cmocka_unit_test(test_patterns_pool_commit_far_above_its_limit),
        cmocka_unit_test(test_patterns_pool_capacity_needs_memory_or_limit),
        cmocka_unit_test(test_patterns_pool_hostile_values),
        cmocka_unit_test(test_patterns_pool_seed_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
