/* SPDX-License-Identifier: MIT */
/* The detectors of where a faulting access went (src/patterns/faults.c): stack-overflow,
 * null-pointer and invalid-pointer. Each fires where it should and stays silent where it
 * should not; boundaries are tried from both sides. Spaces are built with the readers'
 * builder API: a Windows x64 minidump with a stack allocation laid out as Windows does it
 * (reserved, guard page, committed), and a Linux core with a glibc thread stack below its guard
 * mapping and the main thread's [stack]. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "memscape/patterns.h"
#include "space_build.h"
#include "findings.h"

#define TID 0x1a2cu
#define APP_BASE 0x400000u
#define APP_SIZE 0x10000u
#define APP_PC 0x401234u

/* The Windows stack allocation: reserved [0x200000, 0x2fd000), guard [0x2fd000, 0x2fe000),
 * committed [0x2fe000, 0x300000); its top page is in the file. */
#define WIN_ALLOC 0x200000u
#define WIN_GUARD 0x2fd000u
#define WIN_LIMIT 0x2fe000u
#define WIN_CAPTURED 0x2ff000u
#define WIN_TOP 0x300000u
#define WIN_TEB 0x500000u
#define MDMP_MEMORY_INFO_LIST 16u

/* The Linux thread stack: guard [0x7f0000000000, +0x1000), stack up to 0x7f0000100000; the
 * main thread's [stack] [0x7ffffffde000, 0x7ffffffff000). */
#define LNX_GUARD 0x7f0000000000u
#define LNX_STACK 0x7f0000001000u
#define LNX_TOP 0x7f0000100000u
#define LNX_MAIN 0x7ffffffde000u
#define LNX_MAIN_TOP 0x7ffffffff000u

#define STATUS_ACCESS_VIOLATION 0xC0000005u
#define READ 0u
#define WRITE 1u
#define EXECUTE 8u

static uint8_t file_bytes[0x2000];

static memscape_space *new_space(memscape_format format, memscape_os os, memscape_arch arch)
{
    memscape_space *space;
    assert_int_equal(memscape_space_new(&space, file_bytes, sizeof file_bytes, NULL),
                     MEMSCAPE_OK);
    space->system.format = format;
    space->system.os = os;
    space->system.arch = arch;
    space->system.pointer_size = arch == MEMSCAPE_ARCH_X86 ? 4 : 8;
    memscape_module m = {.name = "app", .base = APP_BASE, .size = APP_SIZE};
    assert_int_equal(memscape_space_add_module(space, &m), MEMSCAPE_OK);
    return space;
}

static void add_region(memscape_space *space, uint64_t base, uint64_t end, uint64_t alloc,
                       memscape_state state, uint32_t protect)
{
    memscape_region r = {.base = base, .size = end - base, .allocation_base = alloc,
                         .file_offset = MEMSCAPE_NO_OFFSET, .state = state,
                         .protect = protect, .module_index = MEMSCAPE_NO_INDEX,
                         .thread_index = MEMSCAPE_NO_INDEX};
    assert_int_equal(memscape_space_add_layout(space, &r), MEMSCAPE_OK);
}

static void add_thread(memscape_space *space, uint32_t id, uint64_t stack_base,
                       uint64_t stack_size, uint64_t sp, uint64_t teb)
{
    memscape_thread t = {.id = id, .stack_base = stack_base, .stack_size = stack_size,
                         .pc = APP_PC, .sp = sp, .has_context = 1, .teb = teb};
    assert_int_equal(memscape_space_add_thread(space, &t, NULL), MEMSCAPE_OK);
}

/* A Windows x64 minidump; its stack's top page is in the file at offset 0. with_layout adds
 * a MemoryInfoList: the stack allocation, the image, and free space around them up to
 * 0x7fff0000 (beyond: no region at all). */
static memscape_space *windows_space(int with_layout)
{
    memscape_space *space =
        new_space(MEMSCAPE_FORMAT_MINIDUMP, MEMSCAPE_OS_WINDOWS, MEMSCAPE_ARCH_AMD64);
    assert_int_equal(memscape_space_add_range(space, WIN_CAPTURED, WIN_TOP - WIN_CAPTURED, 0),
                     MEMSCAPE_OK);
    add_thread(space, TID, WIN_CAPTURED, WIN_TOP - WIN_CAPTURED, WIN_CAPTURED + 0x800, 0);
    if (!with_layout)
        return space;
    memscape_stream s = {.type = MDMP_MEMORY_INFO_LIST, .size = 16, .rva = 0};
    assert_int_equal(memscape_space_add_stream(space, &s), MEMSCAPE_OK);
    add_region(space, 0, WIN_ALLOC, 0, MEMSCAPE_STATE_FREE, MEMSCAPE_PROT_NOACCESS);
    add_region(space, WIN_ALLOC, WIN_GUARD, WIN_ALLOC, MEMSCAPE_STATE_RESERVED, 0);
    add_region(space, WIN_GUARD, WIN_LIMIT, WIN_ALLOC, MEMSCAPE_STATE_COMMITTED,
               MEMSCAPE_PROT_RW | MEMSCAPE_PROT_GUARD);
    add_region(space, WIN_LIMIT, WIN_TOP, WIN_ALLOC, MEMSCAPE_STATE_COMMITTED,
               MEMSCAPE_PROT_RW);
    add_region(space, WIN_TOP, APP_BASE, 0, MEMSCAPE_STATE_FREE, MEMSCAPE_PROT_NOACCESS);
    add_region(space, APP_BASE, APP_BASE + APP_SIZE, APP_BASE, MEMSCAPE_STATE_COMMITTED,
               MEMSCAPE_PROT_RX);
    add_region(space, APP_BASE + APP_SIZE, 0x7fff0000u, 0, MEMSCAPE_STATE_FREE,
               MEMSCAPE_PROT_NOACCESS);
    return space;
}

/* A Linux x86-64 core: a thread (TID) on a glibc stack below which sits its guard mapping,
 * and the main thread (TID + 1) on [stack]. */
static memscape_space *linux_space(void)
{
    memscape_space *space =
        new_space(MEMSCAPE_FORMAT_ELF_CORE, MEMSCAPE_OS_LINUX, MEMSCAPE_ARCH_AMD64);
    add_region(space, APP_BASE, APP_BASE + APP_SIZE, APP_BASE, MEMSCAPE_STATE_COMMITTED,
               MEMSCAPE_PROT_RX);
    add_region(space, LNX_GUARD, LNX_STACK, LNX_GUARD, MEMSCAPE_STATE_COMMITTED,
               MEMSCAPE_PROT_NOACCESS);
    add_region(space, LNX_STACK, LNX_TOP, LNX_STACK, MEMSCAPE_STATE_COMMITTED,
               MEMSCAPE_PROT_RW);
    add_region(space, LNX_MAIN, LNX_MAIN_TOP, LNX_MAIN, MEMSCAPE_STATE_COMMITTED,
               MEMSCAPE_PROT_RW);
    add_thread(space, TID, LNX_STACK, LNX_TOP - LNX_STACK, LNX_TOP - 0x100, 0);
    add_thread(space, TID + 1, LNX_MAIN, LNX_MAIN_TOP - LNX_MAIN, LNX_MAIN_TOP - 0x100, 0);
    return space;
}

/* A Windows access violation of kind access at addr, by the instruction at pc, with sp. */
static memscape_exception access_violation(uint32_t access, uint64_t addr, uint64_t pc,
                                           uint64_t sp)
{
    return (memscape_exception){.thread_id = TID, .code = STATUS_ACCESS_VIOLATION,
                                .address = pc, .parameter_count = 2,
                                .parameters = {access, addr}, .has_context = 1, .pc = pc,
                                .sp = sp};
}

/* A signal with si_code and si_addr, on thread TID (whose context gives pc and sp). */
static memscape_exception signal_fault(uint32_t signal, int32_t si_code, uint64_t addr)
{
    return (memscape_exception){.thread_id = TID, .code = signal, .flags = (uint32_t)si_code,
                                .address = addr, .is_signal = 1};
}

static const char *const fault_patterns[] = {"stack-overflow", "null-pointer",
                                             "invalid-pointer", NULL};

/* Finish space with exception e, run the detectors, and compare this group's findings, as
 * "id id ...", with want. Returns the findings (the caller frees them and the space). */
static memscape_findings *detect_with(memscape_space *space, const memscape_exception *e,
                                      const char *want)
{
    memscape_error err = {0};
    if (e)
        memscape_space_set_exception(space, e);
    assert_int_equal(memscape_space_finalize(space, &err), MEMSCAPE_OK);
    memscape_findings *findings;
    assert_int_equal(memscape_detect(&findings, space, NULL, &err), MEMSCAPE_OK);
    char got[256];
    assert_string_equal(finding_ids(findings, fault_patterns, got, sizeof got), want);
    return findings;
}

static void expect(memscape_space *space, memscape_exception e, const char *want)
{
    memscape_findings_free(detect_with(space, &e, want));
    memscape_space_free(space);
}

static const memscape_finding *the_finding(const memscape_findings *findings, const char *id)
{
    size_t n;
    const memscape_finding *f = memscape_findings_items(findings, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].pattern->id, id) == 0)
            return &f[i];
    fail_msg("no %s finding", id);
    return NULL;
}

static const char *evidence(const memscape_finding *f, const char *key)
{
    for (size_t i = 0; i < f->evidence_count; i++)
        if (strcmp(f->evidence[i].key, key) == 0)
            return f->evidence[i].value;
    fail_msg("no evidence %s", key);
    return NULL;
}

/* ---- null-pointer ------------------------------------------------------------------------ */

static void test_null_pointer_data_access_violation(void **state)
{
    (void)state;
    memscape_space *space = windows_space(0);
    memscape_exception e = access_violation(WRITE, 0x18, APP_PC, WIN_CAPTURED + 0x800);
    memscape_findings *findings = detect_with(space, &e, "null-pointer");
    const memscape_finding *f = the_finding(findings, "null-pointer");
    assert_true(f->has_thread && f->thread_id == TID);
    assert_true(f->has_address && f->address == 0x18);
    assert_string_equal(f->module, "app");
    assert_string_equal(evidence(f, "kind"), "data");
    assert_string_equal(evidence(f, "code"), "0xc0000005");
    assert_string_equal(evidence(f, "accessed"), "0x18");
    assert_string_equal(evidence(f, "access"), "write");
    assert_string_equal(evidence(f, "pc"), "0x401234");
    memscape_findings_free(findings);
    memscape_space_free(space);
}

static void test_null_pointer_ends_at_64_kib(void **state)
{
    (void)state;
    expect(windows_space(0), access_violation(READ, 0xffff, APP_PC, 0), "null-pointer");
    expect(windows_space(0), access_violation(READ, 0x10000, APP_PC, 0), "");
    expect(windows_space(0), access_violation(READ, 0, APP_PC, 0), "null-pointer");
}

/* Execution went to page zero: a call through a NULL function pointer. */
static void test_null_pointer_code(void **state)
{
    (void)state;
    memscape_space *space = windows_space(0);
    memscape_exception e = access_violation(EXECUTE, 0x30, 0x30, WIN_CAPTURED + 0x800);
    memscape_findings *findings = detect_with(space, &e, "null-pointer");
    const memscape_finding *f = the_finding(findings, "null-pointer");
    assert_int_equal(f->address, 0x30);
    assert_null(f->module);
    assert_string_equal(evidence(f, "kind"), "code");
    assert_string_equal(evidence(f, "access"), "execute");
    memscape_findings_free(findings);
    memscape_space_free(space);
    /* No address known (a core without NT_SIGINFO): the pc alone tells. */
    space = linux_space();
    space->system.arch = MEMSCAPE_ARCH_ARM;
    MEMSCAPE_VEC_AT(&space->threads, memscape_thread, 0)->pc = 0xf;
    memscape_exception sig = signal_fault(11, 0, 0);
    sig.has_context = 1;
    sig.pc = 0xf;
    findings = detect_with(space, &sig, "null-pointer");
    f = the_finding(findings, "null-pointer");
    assert_int_equal(f->address, 0xf);
    assert_string_equal(evidence(f, "kind"), "code");
    assert_string_equal(evidence(f, "signal"), "0xb");
    memscape_findings_free(findings);
    memscape_space_free(space);
}

/* SIGSEGV everywhere, SIGBUS by the system's number, and si_addr only where si_code says the
 * kernel raised the signal for a fault. */
static void test_null_pointer_signals(void **state)
{
    (void)state;
    expect(linux_space(), signal_fault(11, 1, 0x8), "null-pointer");
    expect(linux_space(), signal_fault(7, 2, 0x8), "null-pointer");
    expect(linux_space(), signal_fault(10, 1, 0x8), "");        /* SIGUSR1 on Linux */
    expect(linux_space(), signal_fault(4, 1, 0x8), "");         /* SIGILL */
    expect(linux_space(), signal_fault(11, 0x80, 0), "");       /* SI_KERNEL: no address */
    expect(linux_space(), signal_fault(11, -6, 0x8), "");       /* SI_TKILL: sent */
    expect(linux_space(), signal_fault(11, 0, 0), "");          /* a core without siginfo */
    /* A Breakpad minidump from before si_code was written: 0 goes with a real address. */
    memscape_space *space = linux_space();
    space->system.format = MEMSCAPE_FORMAT_MINIDUMP;
    expect(space, signal_fault(11, 0, 0x45), "null-pointer");
    /* SIGBUS is 10 on the BSDs; NetBSD cores carry no si_addr, so only the pc tells. */
    memscape_exception bus = signal_fault(10, 1, 0x8);
    space = linux_space();
    space->system.os = MEMSCAPE_OS_NETBSD;
    expect(space, bus, "");
    bus.has_context = 1;
    bus.pc = 0x30;
    space = linux_space();
    space->system.os = MEMSCAPE_OS_NETBSD;
    expect(space, bus, "null-pointer");
    bus.code = 7;                                               /* SIGEMT on NetBSD */
    space = linux_space();
    space->system.os = MEMSCAPE_OS_NETBSD;
    expect(space, bus, "");
}

/* macOS minidumps carry Mach exceptions: EXC_BAD_ACCESS with the fault address, when the code
 * is a page fault's (not EXC_I386_GPFLT 13, which has none). */
static void test_null_pointer_mach(void **state)
{
    (void)state;
    memscape_exception e = {.thread_id = TID, .code = 1, .flags = 1, .address = 0x45};
    memscape_space *space = windows_space(0);
    space->system.os = MEMSCAPE_OS_MACOS;
    expect(space, e, "null-pointer");
    e.flags = 13;
    e.address = 0;
    space = windows_space(0);
    space->system.os = MEMSCAPE_OS_MACOS;
    expect(space, e, "");
}

/* Faults that are not access faults, and access violations without an address. */
static void test_null_pointer_silent(void **state)
{
    (void)state;
    memscape_exception e = access_violation(READ, 0, APP_PC, 0);
    e.parameter_count = 1;
    expect(windows_space(0), e, "");
    e = access_violation(READ, 0, APP_PC, 0);
    e.code = 0xC0000094u;                                       /* divide by zero */
    expect(windows_space(0), e, "");
    e = access_violation(READ, 0, APP_PC, 0);
    e.is_signal = 1;                                            /* 0xC0000005 is no signal */
    expect(linux_space(), e, "");
    memscape_space *space = windows_space(0);
    memscape_findings_free(detect_with(space, NULL, ""));
    memscape_space_free(space);
}

/* ---- invalid-pointer --------------------------------------------------------------------- */

static void test_invalid_pointer_non_canonical(void **state)
{
    (void)state;
    memscape_space *space = windows_space(0);
    memscape_exception e = access_violation(READ, UINT64_MAX, APP_PC, 0);
    memscape_findings *findings = detect_with(space, &e, "invalid-pointer");
    const memscape_finding *f = the_finding(findings, "invalid-pointer");
    assert_true(f->has_address && f->address == UINT64_MAX);
    assert_string_equal(f->module, "app");
    assert_non_null(strstr(evidence(f, "reason"), "general protection"));
    assert_string_equal(evidence(f, "accessed"), "0xffffffffffffffff");
    memscape_findings_free(findings);
    memscape_space_free(space);
    /* amd64: bits 63..47 all equal, or the address cannot be. */
    expect(windows_space(0), access_violation(WRITE, 0x0000800000000000u, APP_PC, 0),
           "invalid-pointer");
    expect(windows_space(0), access_violation(WRITE, 0x00007fffffff0000u, APP_PC, 0), "");
    expect(windows_space(0), access_violation(WRITE, 0x4141414141414141u, APP_PC, 0),
           "invalid-pointer");
    /* Canonical but the kernel's. */
    expect(windows_space(0), access_violation(WRITE, 0xffff800000001000u, APP_PC, 0),
           "invalid-pointer");
    /* arm64: the top byte is a tag; bits 55..47 must agree. */
    memscape_space *arm = linux_space();
    arm->system.format = MEMSCAPE_FORMAT_MINIDUMP;
    arm->system.arch = MEMSCAPE_ARCH_ARM64;
    expect(arm, signal_fault(11, 1, 0xb400007000001000u), "");
    arm = linux_space();
    arm->system.format = MEMSCAPE_FORMAT_MINIDUMP;
    arm->system.arch = MEMSCAPE_ARCH_ARM64;
    expect(arm, signal_fault(11, 1, 0x00ff000000001000u), "invalid-pointer");
    /* 32-bit: every address is canonical. */
    memscape_space *x86 = windows_space(0);
    x86->system.arch = MEMSCAPE_ARCH_X86;
    x86->system.pointer_size = 4;
    expect(x86, access_violation(READ, 0x80000000u, APP_PC, 0), "");
}

/* In no region, or a free one: only a dump that describes its whole address space says so. */
static void test_invalid_pointer_outside_the_layout(void **state)
{
    (void)state;
    memscape_space *space = windows_space(1);
    memscape_exception e = access_violation(READ, 0x350000, APP_PC, WIN_CAPTURED + 0x800);
    memscape_findings *findings = detect_with(space, &e, "invalid-pointer");
    assert_string_equal(evidence(the_finding(findings, "invalid-pointer"), "reason"),
                        "in a free region");
    memscape_findings_free(findings);
    memscape_space_free(space);
    space = windows_space(1);
    e = access_violation(READ, 0x80000000u, APP_PC, WIN_CAPTURED + 0x800);
    findings = detect_with(space, &e, "invalid-pointer");
    assert_string_equal(evidence(the_finding(findings, "invalid-pointer"), "reason"),
                        "in no region");
    memscape_findings_free(findings);
    memscape_space_free(space);
    /* Mapped (a protection fault), or no layout to tell. */
    expect(windows_space(1), access_violation(WRITE, APP_BASE + 0x10, APP_PC, 0), "");
    expect(windows_space(0), access_violation(READ, 0x350000, APP_PC, 0), "");
    /* A core's PT_LOADs are the whole layout. */
    expect(linux_space(), signal_fault(11, 1, 0x7e0000000000u), "invalid-pointer");
    expect(linux_space(), signal_fault(11, 2, APP_BASE + 0x10), "");
}

/* ---- stack-overflow ---------------------------------------------------------------------- */

static void test_stack_overflow_code(void **state)
{
    (void)state;
    memscape_exception e = {.thread_id = TID, .code = 0xC00000FDu, .address = APP_PC};
    memscape_space *space = windows_space(0);
    memscape_findings *findings = detect_with(space, &e, "stack-overflow");
    const memscape_finding *f = the_finding(findings, "stack-overflow");
    assert_string_equal(evidence(f, "code"), "0xc00000fd");
    assert_true(f->has_thread && f->thread_id == TID);
    memscape_findings_free(findings);
    memscape_space_free(space);
    e.is_signal = 1;
    expect(linux_space(), e, "");
}

static void test_stack_overflow_windows_layout(void **state)
{
    (void)state;
    uint64_t sp = WIN_CAPTURED + 0x800;
    memscape_space *space = windows_space(1);
    memscape_exception e = access_violation(WRITE, WIN_LIMIT - 8, APP_PC, sp);
    memscape_findings *findings = detect_with(space, &e, "stack-overflow");
    const memscape_finding *f = the_finding(findings, "stack-overflow");
    assert_int_equal(f->address, WIN_LIMIT - 8);
    assert_string_equal(evidence(f, "reason"),
                        "fault address in the stack's guard or reserved pages");
    assert_string_equal(evidence(f, "stack"), "0x200000-0x300000");
    assert_string_equal(evidence(f, "limit"), "0x2fe000");
    assert_string_equal(evidence(f, "sp"), "0x2ff800");
    memscape_findings_free(findings);
    memscape_space_free(space);
    /* Just below the allocation, within 64 KiB: the overflow, not an invalid pointer. */
    expect(windows_space(1), access_violation(WRITE, WIN_ALLOC - 0x10000, APP_PC, sp),
           "stack-overflow");
    expect(windows_space(1), access_violation(WRITE, WIN_ALLOC - 0x10001, APP_PC, sp),
           "invalid-pointer");
    /* The usable stack faults for no overflow; executing the stack is DEP. */
    expect(windows_space(1), access_violation(WRITE, WIN_LIMIT, APP_PC, sp), "");
    expect(windows_space(1), access_violation(EXECUTE, WIN_LIMIT - 8, WIN_LIMIT - 8, sp), "");
    /* The SP at the limit, whatever the access. */
    expect(windows_space(1), access_violation(READ, APP_BASE + 8, APP_PC, WIN_LIMIT),
           "stack-overflow");
    expect(windows_space(1), access_violation(READ, APP_BASE + 8, APP_PC, WIN_LIMIT + 8), "");
}

/* Without a layout: the captured stack, and the TEB's StackLimit when the TEB is there. */
static void test_stack_overflow_without_layout(void **state)
{
    (void)state;
    expect(windows_space(0), access_violation(WRITE, WIN_CAPTURED - 0x100, APP_PC, 0),
           "stack-overflow");
    /* No limit known: an SP anywhere says nothing. */
    expect(windows_space(0), access_violation(READ, APP_BASE + 8, APP_PC, WIN_CAPTURED - 8),
           "");
    /* NT_TIB: ExceptionList, StackBase, StackLimit. */
    uint8_t *tib = file_bytes + 0x1000;
    memset(tib, 0, 24);
    for (unsigned k = 0; k < 8; k++) {
        tib[8 + k] = (uint8_t)((uint64_t)WIN_TOP >> (8 * k));
        tib[16 + k] = (uint8_t)((uint64_t)WIN_LIMIT >> (8 * k));
    }
    for (int at_limit = 0; at_limit < 2; at_limit++) {
        memscape_space *space = windows_space(0);
        MEMSCAPE_VEC_AT(&space->threads, memscape_thread, 0)->teb = WIN_TEB;
        assert_int_equal(memscape_space_add_range(space, WIN_TEB, 24, 0x1000), MEMSCAPE_OK);
        uint64_t sp = at_limit ? WIN_LIMIT - 0x10 : WIN_CAPTURED + 0x100;
        memscape_exception e = access_violation(READ, APP_BASE + 8, APP_PC, sp);
        memscape_findings *findings = detect_with(space, &e, at_limit ? "stack-overflow" : "");
        if (at_limit)
            assert_string_equal(evidence(the_finding(findings, "stack-overflow"), "limit"),
                                "0x2fe000");
        memscape_findings_free(findings);
        memscape_space_free(space);
    }
}

static void test_stack_overflow_linux(void **state)
{
    (void)state;
    /* The glibc guard mapping below a thread stack. */
    expect(linux_space(), signal_fault(11, 2, LNX_GUARD + 0x800), "stack-overflow");
    /* The main thread's [stack] grows into the kernel's gap below it. */
    memscape_exception e = signal_fault(11, 1, LNX_MAIN - 0xe000);
    e.thread_id = TID + 1;
    expect(linux_space(), e, "stack-overflow");
    /* Another thread's stack does not count. */
    e.thread_id = TID;
    expect(linux_space(), e, "invalid-pointer");
    /* The SP at the bottom of its mapping. */
    memscape_space *space = linux_space();
    MEMSCAPE_VEC_AT(&space->threads, memscape_thread, 0)->sp = LNX_STACK;
    e = signal_fault(11, 2, APP_BASE + 0x10);
    e.has_context = 1;
    e.pc = APP_PC;
    e.sp = LNX_STACK;
    expect(space, e, "stack-overflow");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_pointer_data_access_violation),
        cmocka_unit_test(test_null_pointer_ends_at_64_kib),
        cmocka_unit_test(test_null_pointer_code),
        cmocka_unit_test(test_null_pointer_signals),
        cmocka_unit_test(test_null_pointer_mach),
        cmocka_unit_test(test_null_pointer_silent),
        cmocka_unit_test(test_invalid_pointer_non_canonical),
        cmocka_unit_test(test_invalid_pointer_outside_the_layout),
        cmocka_unit_test(test_stack_overflow_code),
        cmocka_unit_test(test_stack_overflow_windows_layout),
        cmocka_unit_test(test_stack_overflow_without_layout),
        cmocka_unit_test(test_stack_overflow_linux),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
