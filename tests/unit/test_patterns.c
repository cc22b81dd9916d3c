/* SPDX-License-Identifier: MIT */
/* The pattern catalogue, the detection run, and the detectors that read the exception alone
 * (src/patterns/exceptions.c): each fires where it should and stays silent where it should
 * not. Spaces are built here with the reader's builder API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "memscape/patterns.h"
#include "space_build.h"
#include "findings.h"

static uint8_t file_bytes[64];

/* A space of format with a module at 0x400000 named module (NULL: none) and, when code is
 * not 0, an exception of that code (signal: a POSIX signal) at 0x401234 on thread 0x1a2c. */
static memscape_space *space_with(memscape_format format, const char *module, uint32_t code,
                                  int signal)
{
    memscape_space *space;
    memscape_error err = {0};
    assert_int_equal(memscape_space_new(&space, file_bytes, sizeof file_bytes, NULL),
                     MEMSCAPE_OK);
    space->system.format = format;
    space->system.os = signal ? MEMSCAPE_OS_LINUX : MEMSCAPE_OS_WINDOWS;
    space->system.pointer_size = 8;
    if (module) {
        memscape_module m = {.name = module, .base = 0x400000, .size = 0x10000};
        assert_int_equal(memscape_space_add_module(space, &m), MEMSCAPE_OK);
    }
    if (code) {
        memscape_exception e = {.thread_id = 0x1a2c, .code = code, .address = 0x401234,
                                .is_signal = signal, .parameter_count = 1,
                                .parameters = {7}};
        memscape_space_set_exception(space, &e);
    }
    assert_int_equal(memscape_space_finalize(space, &err), MEMSCAPE_OK);
    return space;
}

/* The findings of space, as "id id ..." in order, into buf. */
static const char *ids_of(const memscape_space *space, char *buf, size_t size)
{
    memscape_findings *findings;
    memscape_error err = {0};
    assert_int_equal(memscape_detect(&findings, space, NULL, &err), MEMSCAPE_OK);
    finding_ids(findings, NULL, buf, size);
    memscape_findings_free(findings);
    return buf;
}

static void assert_patterns(memscape_format format, const char *module, uint32_t code,
                            int signal, const char *want)
{
    memscape_space *space = space_with(format, module, code, signal);
    char got[256];
    assert_string_equal(ids_of(space, got, sizeof got), want);
    memscape_space_free(space);
}

static void test_catalogue_ids_are_unique_and_plain(void **state)
{
    (void)state;
    size_t n;
    const memscape_pattern *p = memscape_patterns(&n);
    assert_true(n >= 22);
    for (size_t i = 0; i < n; i++) {
        assert_ptr_equal(memscape_pattern_find(p[i].id), &p[i]);
        assert_true(strspn(p[i].id, "abcdefghijklmnopqrstuvwxyz0123456789-") ==
                    strlen(p[i].id));
        assert_true(p[i].name[0] && p[i].criterion[0]);
        for (size_t k = 0; k < i; k++)
            assert_true(strcmp(p[i].id, p[k].id) != 0);
    }
    assert_null(memscape_pattern_find("no-such-pattern"));
    assert_null(memscape_pattern_find(NULL));
}

static void test_exception_codes(void **state)
{
    (void)state;
    const memscape_format md = MEMSCAPE_FORMAT_MINIDUMP;
    assert_patterns(md, "a.exe", 0xE06D7363u, 0, "cpp-exception");
    assert_patterns(md, "a.exe", 0xC0000409u, 0, "fast-fail");
    assert_patterns(md, "a.exe", 0xE0434352u, 0, "managed-exception");
    assert_patterns(md, "C:\\Windows\\Microsoft.NET\\clr.dll", 0xC0000005u, 0,
                    "managed-exception");
    assert_patterns(md, "/usr/lib/libcoreclr.so", 6, 1, "managed-exception abnormal-termination");
    assert_patterns(MEMSCAPE_FORMAT_ELF_CORE, NULL, 6, 1, "abnormal-termination");
    /* macOS: EXC_CRASH (parameter 0 = 10) carrying SIGABRT in bits 24..31 of parameter 1;
     * EXC_CRASH with another signal is no abort. */
    for (uint64_t sig = 5; sig <= 6; sig++) {
        memscape_space *space;
        memscape_error err = {0};
        assert_int_equal(memscape_space_new(&space, file_bytes, sizeof file_bytes, NULL),
                         MEMSCAPE_OK);
        space->system.format = MEMSCAPE_FORMAT_MINIDUMP;
        space->system.os = MEMSCAPE_OS_MACOS;
        memscape_exception e = {.code = 0x10, .parameter_count = 2,
                                .parameters = {10, sig << 24 | 0x1234}};
        memscape_space_set_exception(space, &e);
        assert_int_equal(memscape_space_finalize(space, &err), MEMSCAPE_OK);
        char got[256];
        assert_string_equal(ids_of(space, got, sizeof got),
                            sig == 6 ? "abnormal-termination" : "");
        memscape_space_free(space);
    }
    /* Codes that only look alike stay silent: 0xC0000005 without a CLR, signal 11, and
     * 0xE06D7363 as a signal number. */
    assert_patterns(md, "a.exe", 0xC0000005u, 0, "");
    assert_patterns(MEMSCAPE_FORMAT_ELF_CORE, NULL, 11, 1, "");
    assert_patterns(md, NULL, 0xE06D7363u, 1, "");
}

static void test_manual_dump(void **state)
{
    (void)state;
    assert_patterns(MEMSCAPE_FORMAT_MINIDUMP, "a.exe", 0, 0, "manual-dump");
    assert_patterns(MEMSCAPE_FORMAT_ELF_CORE, NULL, 0, 0, "manual-dump");
    assert_patterns(MEMSCAPE_FORMAT_MINIDUMP, NULL, 0xFFFFFFFFu, 1, "manual-dump");
    /* A raw file or a log records no crash either way: no claim. */
    assert_patterns(MEMSCAPE_FORMAT_RAW, NULL, 0, 0, "");
    assert_patterns(MEMSCAPE_FORMAT_WINDBG_LOG, NULL, 0, 0, "");
}

/* A finding carries its thread, address, module and evidence. */
static void test_finding_details(void **state)
{
    (void)state;
    memscape_space *space = space_with(MEMSCAPE_FORMAT_MINIDUMP, "C:\\app\\<a&b>.exe",
                                       0xC0000409u, 0);
    memscape_findings *findings;
    memscape_error err = {0};
    assert_int_equal(memscape_detect(&findings, space, NULL, &err), MEMSCAPE_OK);
    size_t n;
    const memscape_finding *f = memscape_findings_items(findings, &n);
    assert_int_equal(n, 1);
    assert_string_equal(f->pattern->id, "fast-fail");
    assert_true(f->has_thread && f->thread_id == 0x1a2c);
    assert_true(f->has_address && f->address == 0x401234);
    assert_string_equal(f->module, "C:\\app\\<a&b>.exe");
    assert_int_equal(f->evidence_count, 2);
    assert_string_equal(f->evidence[0].key, "code");
    assert_string_equal(f->evidence[0].value, "0xc0000409");
    assert_string_equal(f->evidence[1].key, "subcode");
    assert_string_equal(f->evidence[1].value, "7");
    memscape_findings_free(findings);
    memscape_space_free(space);
}

static void test_detect_refuses_missing_arguments(void **state)
{
    (void)state;
    memscape_findings *findings = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_detect(&findings, NULL, NULL, &err), MEMSCAPE_EINVAL);
    assert_null(findings);
    memscape_findings_free(NULL);
    size_t n = 99;
    assert_null(memscape_findings_items(NULL, &n));
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue_ids_are_unique_and_plain),
        cmocka_unit_test(test_exception_codes),
        cmocka_unit_test(test_manual_dump),
        cmocka_unit_test(test_finding_details),
        cmocka_unit_test(test_detect_refuses_missing_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
