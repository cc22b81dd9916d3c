/* SPDX-License-Identifier: MIT */
/* The detectors of exception records on thread stacks (src/patterns/records.c):
 * multiple-exceptions and hidden-exception. Stacks are built with the readers' builder API
 * and hold EXCEPTION_RECORD32/64 structures written here (winnt.h layouts), real ones and
 * decoys that miss one condition each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "memscape/patterns.h"
#include "space_build.h"
#include "findings.h"

#define MODULE_BASE 0x400000u
#define MODULE_SIZE 0x10000u
#define IN_MODULE 0x401000u
#define STACK_SIZE 0x1000u
#define THREADS 3u
#define AV 0xC0000005u

/* Thread i (id 0x100 * (i + 1)) has its stack at 0x10000000 * (i + 1), its bytes at file
 * offset 0x1000 * i. */
static uint8_t file_bytes[0x4000];

static uint32_t thread_id(unsigned i)
{
    return 0x100u * (i + 1);
}

static uint64_t stack_of(unsigned i)
{
    return 0x10000000u * (uint64_t)(i + 1);
}

static uint8_t *stack_bytes(unsigned i)
{
    return file_bytes + 0x1000u * i;
}

static void put(uint8_t *p, uint64_t v, unsigned width)
{
    for (unsigned k = 0; k < width; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

typedef struct record {
    uint32_t code;
    uint32_t flags;
    uint64_t nested;
    uint64_t address;
    uint32_t parameters;
} record;

/* EXCEPTION_RECORD64: Code@0 Flags@4 Record@8 Address@16 NumberParameters@24 pad@28
 * Information@32; EXCEPTION_RECORD32: Code@0 Flags@4 Record@8 Address@12
 * NumberParameters@16 Information@20. */
static void write_record(uint8_t *p, record r, unsigned width)
{
    put(p, r.code, 4);
    put(p + 4, r.flags, 4);
    put(p + 8, r.nested, width);
    put(p + 8 + width, r.address, width);
    put(p + 8 + 2 * width, r.parameters, 4);
    for (uint32_t i = 0; i < r.parameters && i < 15; i++)
        put(p + (width == 8 ? 32 : 20) + i * width, i, width);
}

static record access_violation(void)
{
    return (record){.code = AV, .address = IN_MODULE, .parameters = 2};
}

/* A Windows minidump (pointer width 8 or 4) of THREADS threads, their stacks in the file. */
static memscape_space *new_space(unsigned width)
{
    memscape_space *space;
    assert_int_equal(memscape_space_new(&space, file_bytes, sizeof file_bytes, NULL),
                     MEMSCAPE_OK);
    space->system.format = MEMSCAPE_FORMAT_MINIDUMP;
    space->system.os = MEMSCAPE_OS_WINDOWS;
    space->system.arch = width == 8 ? MEMSCAPE_ARCH_AMD64 : MEMSCAPE_ARCH_X86;
    space->system.pointer_size = width;
    memscape_module m = {.name = "app.dll", .base = MODULE_BASE, .size = MODULE_SIZE};
    assert_int_equal(memscape_space_add_module(space, &m), MEMSCAPE_OK);
    for (unsigned i = 0; i < THREADS; i++) {
        memscape_thread t = {.id = thread_id(i), .stack_base = stack_of(i),
                             .stack_size = STACK_SIZE};
        assert_int_equal(memscape_space_add_thread(space, &t, NULL), MEMSCAPE_OK);
        assert_int_equal(memscape_space_add_range(space, stack_of(i), STACK_SIZE, 0x1000u * i),
                         MEMSCAPE_OK);
    }
    return space;
}

static void report_on(memscape_space *space, unsigned thread)
{
    memscape_exception e = {.thread_id = thread_id(thread), .code = AV, .address = IN_MODULE};
    memscape_space_set_exception(space, &e);
}

static const char *const record_patterns[] = {"multiple-exceptions", "hidden-exception", NULL};

/* Finish space, detect, and compare this group's findings ("id id ...") with want. */
static memscape_findings *detect_with(memscape_space *space, const char *want)
{
    memscape_error err = {0};
    assert_int_equal(memscape_space_finalize(space, &err), MEMSCAPE_OK);
    memscape_findings *findings;
    assert_int_equal(memscape_detect(&findings, space, NULL, &err), MEMSCAPE_OK);
    char got[256];
    assert_string_equal(finding_ids(findings, record_patterns, got, sizeof got), want);
    return findings;
}

static void expect(memscape_space *space, const char *want)
{
    memscape_findings_free(detect_with(space, want));
    memscape_space_free(space);
}

static const char *evidence(const memscape_finding *f, const char *key)
{
    for (size_t i = 0; i < f->evidence_count; i++)
        if (strcmp(f->evidence[i].key, key) == 0)
            return f->evidence[i].value;
    fail_msg("no evidence %s", key);
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    memset(file_bytes, 0, sizeof file_bytes);
    return 0;
}

static void test_records_hidden_on_another_thread(void **state)
{
    (void)state;
    write_record(stack_bytes(1) + 0x100, access_violation(), 8);
    memscape_space *space = new_space(8);
    report_on(space, 0);
    memscape_findings *findings = detect_with(space, "multiple-exceptions hidden-exception");
    size_t n;
    const memscape_finding *f = memscape_findings_items(findings, &n);
    while (strcmp(f->pattern->id, "multiple-exceptions") != 0)
        f++;
    assert_string_equal(evidence(f, "count"), "2");
    assert_string_equal(evidence(f, "threads"), "0x100, 0x200");
    assert_string_equal(evidence(f, "reported"), "0x100");
    assert_string_equal(evidence(f, "record"), "thread 0x200: 0xc0000005 at 0x401000");
    f++;
    assert_string_equal(f->pattern->id, "hidden-exception");
    assert_true(f->has_thread && f->thread_id == 0x200);
    assert_true(f->has_address && f->address == stack_of(1) + 0x100);
    assert_string_equal(f->module, "app.dll");
    assert_string_equal(evidence(f, "code"), "0xc0000005 (STATUS_ACCESS_VIOLATION)");
    assert_string_equal(evidence(f, "record"), "0x20000100");
    assert_string_equal(evidence(f, "exception_address"), "0x401000");
    assert_string_equal(evidence(f, "module"), "app.dll");
    assert_string_equal(evidence(f, "records"), "1");
    memscape_findings_free(findings);
    memscape_space_free(space);
}

/* The reported thread's own record is the exception already reported. */
static void test_records_reported_thread_alone(void **state)
{
    (void)state;
    write_record(stack_bytes(0) + 0x200, access_violation(), 8);
    memscape_space *space = new_space(8);
    report_on(space, 0);
    expect(space, "");
}

/* Without a reported exception, every thread with a record shows one. */
static void test_records_without_reported_exception(void **state)
{
    (void)state;
    write_record(stack_bytes(1) + 0x100, access_violation(), 8);
    expect(new_space(8), "hidden-exception");
    record cpp = {.code = 0xE06D7363u, .flags = 1, .address = IN_MODULE + 8, .parameters = 4};
    write_record(stack_bytes(2) + 0x800, cpp, 8);
    expect(new_space(8), "multiple-exceptions hidden-exception hidden-exception");
}

/* One finding per thread, counting its records. */
static void test_records_one_finding_per_thread(void **state)
{
    (void)state;
    write_record(stack_bytes(1) + 0x100, access_violation(), 8);
    record overflow = {.code = 0xC00000FDu, .address = IN_MODULE + 0x10};
    write_record(stack_bytes(1) + 0x400, overflow, 8);
    memscape_space *space = new_space(8);
    report_on(space, 0);
    memscape_findings *findings = detect_with(space, "multiple-exceptions hidden-exception");
    size_t n;
    const memscape_finding *f = memscape_findings_items(findings, &n);
    while (strcmp(f->pattern->id, "hidden-exception") != 0)
        f++;
    assert_string_equal(evidence(f, "records"), "2");
    assert_string_equal(evidence(f, "record"), "0x20000100");
    memscape_findings_free(findings);
    memscape_space_free(space);
}

/* Each decoy misses one condition; the last record of each pair meets them all. */
static void test_records_decoys(void **state)
{
    (void)state;
    record decoys[] = {
        {.code = 0xC0001234u, .address = IN_MODULE, .parameters = 2},  /* unknown code */
        {.code = 0x406D1388u, .address = IN_MODULE, .parameters = 4},  /* naming a thread */
        {.code = AV, .address = MODULE_BASE + MODULE_SIZE, .parameters = 2}, /* no module */
        {.code = AV, .address = MODULE_BASE - 1, .parameters = 2},
        {.code = AV, .address = IN_MODULE, .parameters = 16},          /* > 15 parameters */
        {.code = AV, .flags = 0x100, .address = IN_MODULE, .parameters = 2},
        {.code = AV, .nested = 0x20000101u, .address = IN_MODULE, .parameters = 2},
    };
    for (size_t i = 0; i < sizeof decoys / sizeof decoys[0]; i++) {
        setup(NULL);
        write_record(stack_bytes(1) + 0x100, decoys[i], 8);
        memscape_space *space = new_space(8);
        report_on(space, 0);
        expect(space, "");
    }
    record edges[] = {
        {.code = AV, .address = MODULE_BASE, .parameters = 15},
        {.code = AV, .address = MODULE_BASE + MODULE_SIZE - 1, .parameters = 0},
        {.code = AV, .flags = 0xff, .nested = 0x20000200u, .address = IN_MODULE},
    };
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        setup(NULL);
        write_record(stack_bytes(1) + 0x100, edges[i], 8);
        memscape_space *space = new_space(8);
        report_on(space, 0);
        expect(space, "multiple-exceptions hidden-exception");
    }
}

/* Records are pointer-aligned: 8 bytes in a 64-bit dump, 4 in a 32-bit one. */
static void test_records_alignment_and_width(void **state)
{
    (void)state;
    write_record(stack_bytes(1) + 0x104, access_violation(), 8);
    memscape_space *space = new_space(8);
    report_on(space, 0);
    expect(space, "");
    setup(NULL);
    write_record(stack_bytes(1) + 0x104, access_violation(), 4);
    space = new_space(4);
    report_on(space, 0);
    expect(space, "multiple-exceptions hidden-exception");
    /* A 64-bit record read as a 32-bit one has its address in the nested pointer's high half. */
    setup(NULL);
    write_record(stack_bytes(1) + 0x100, access_violation(), 8);
    space = new_space(4);
    report_on(space, 0);
    expect(space, "");
    /* The last place a whole 32-bit header fits. */
    setup(NULL);
    write_record(stack_bytes(1) + STACK_SIZE - 20, access_violation(), 4);
    space = new_space(4);
    report_on(space, 0);
    expect(space, "multiple-exceptions hidden-exception");
}

/* A record across two runs of present bytes that lie apart in the file. */
static void test_records_across_runs(void **state)
{
    (void)state;
    memscape_space *space;
    assert_int_equal(memscape_space_new(&space, file_bytes, sizeof file_bytes, NULL),
                     MEMSCAPE_OK);
    space->system.format = MEMSCAPE_FORMAT_MINIDUMP;
    space->system.os = MEMSCAPE_OS_WINDOWS;
    space->system.arch = MEMSCAPE_ARCH_AMD64;
    space->system.pointer_size = 8;
    memscape_module m = {.name = "app.dll", .base = MODULE_BASE, .size = MODULE_SIZE};
    assert_int_equal(memscape_space_add_module(space, &m), MEMSCAPE_OK);
    memscape_thread t = {.id = 0x300, .stack_base = 0x40000000u, .stack_size = 0x1000};
    assert_int_equal(memscape_space_add_thread(space, &t, NULL), MEMSCAPE_OK);
    /* [0x40000000, +0x800) at file 0x3800, [0x40000800, +0x800) at file 0x3000. */
    assert_int_equal(memscape_space_add_range(space, 0x40000000u, 0x800, 0x3800), MEMSCAPE_OK);
    assert_int_equal(memscape_space_add_range(space, 0x40000800u, 0x800, 0x3000), MEMSCAPE_OK);
    uint8_t record_bytes[32 + 2 * 8];   /* the header and two parameters */
    memset(record_bytes, 0, sizeof record_bytes);
    write_record(record_bytes, access_violation(), 8);
    memcpy(file_bytes + 0x3800 + 0x7f0, record_bytes, 16);
    memcpy(file_bytes + 0x3000, record_bytes + 16, 16);
    expect(space, "hidden-exception");
}

/* Two threads claiming the same stack: its bytes are read once, for the first. */
static void test_records_shared_stack_read_once(void **state)
{
    (void)state;
    write_record(stack_bytes(1) + 0x100, access_violation(), 8);
    memscape_space *space = new_space(8);
    MEMSCAPE_VEC_AT(&space->threads, memscape_thread, 2)->stack_base = stack_of(1);
    report_on(space, 0);
    memscape_findings *findings = detect_with(space, "multiple-exceptions hidden-exception");
    size_t n;
    const memscape_finding *f = memscape_findings_items(findings, &n);
    while (strcmp(f->pattern->id, "hidden-exception") != 0)
        f++;
    assert_int_equal(f->thread_id, 0x200);
    memscape_findings_free(findings);
    memscape_space_free(space);
}

/* Only Windows minidumps hold Windows exception records. */
static void test_records_only_windows_minidumps(void **state)
{
    (void)state;
    write_record(stack_bytes(1) + 0x100, access_violation(), 8);
    memscape_space *space = new_space(8);
    space->system.os = MEMSCAPE_OS_LINUX;
    expect(space, "");
    space = new_space(8);
    space->system.format = MEMSCAPE_FORMAT_ELF_CORE;
    expect(space, "");
    space = new_space(8);
    space->system.pointer_size = 0;
    expect(space, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_records_hidden_on_another_thread, setup),
        cmocka_unit_test_setup(test_records_reported_thread_alone, setup),
        cmocka_unit_test_setup(test_records_without_reported_exception, setup),
        cmocka_unit_test_setup(test_records_one_finding_per_thread, setup),
        cmocka_unit_test_setup(test_records_decoys, setup),
        cmocka_unit_test_setup(test_records_alignment_and_width, setup),
        cmocka_unit_test_setup(test_records_across_runs, setup),
        cmocka_unit_test_setup(test_records_shared_stack_read_once, setup),
        cmocka_unit_test_setup(test_records_only_windows_minidumps, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
