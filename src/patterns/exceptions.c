/* SPDX-License-Identifier: MIT */
/* Patterns read from the reported exception alone: its code, or its absence.
 *
 * Codes are Windows NTSTATUS values (winnt.h, ntstatus.h) and the codes runtimes raise:
 * 0xE06D7363 is the MSVC C++ runtime's ("msc" | 0xE0000000), 0xE0434352 ("CCR") and 0xE0434F4D
 * ("COM") the CLR's. A POSIX signal is a number (is_signal): SIGABRT is 6 on every system
 * memscape reads; macOS reports it inside EXC_CRASH. Breakpad writes 0xFFFFFFFF for a dump requested without a crash
 * (MD_EXCEPTION_CODE_LIN_DUMP_REQUESTED in its minidump_exception_linux.h). */
#include <string.h>
#include <strings.h>

#include "patterns/detector.h"
#include "util/text.h"

#define STATUS_STACK_BUFFER_OVERRUN 0xC0000409u
#define CPP_EXCEPTION 0xE06D7363u
#define CLR_EXCEPTION 0xE0434352u
#define CLR_EXCEPTION_V1 0xE0434F4Du
#define BREAKPAD_DUMP_REQUESTED 0xFFFFFFFFu
#define SIGNAL_ABORT 6u

/* The reported exception when it is a Windows exception code, not a signal; else NULL. */
static const memscape_exception *windows_exception(const memscape_space *space)
{
    const memscape_exception *e = memscape_space_exception(space);
    return e && !e->is_signal ? e : NULL;
}

/* A finding on the exception's thread at its address, with the code as evidence. */
static memscape_finding *report_exception(memscape_detection *d, const char *id,
                                          const memscape_exception *e)
{
    memscape_finding *f = memscape_detection_add(d, id);
    if (!f)
        return NULL;
    f->has_thread = 1;
    f->thread_id = e->thread_id;
    f->has_address = 1;
    f->address = e->address;
    const memscape_module *m = memscape_space_find_module(d->space, e->address);
    if (m)
        memscape_detection_module(d, f, m->name);
    memscape_detection_evidence(d, e->is_signal ? "signal" : "code", "0x%x", e->code);
    return f;
}

static void detect_cpp_exception(memscape_detection *d)
{
    const memscape_exception *e = windows_exception(d->space);
    if (e && e->code == CPP_EXCEPTION)
        report_exception(d, "cpp-exception", e);
}

/* Basename of a path with '/' or '\' separators. */
/* The CLR's engine: clr.dll (.NET 4), mscorwks.dll (.NET 2), coreclr.dll/libcoreclr.so. */
static const memscape_module *clr_module(const memscape_space *space)
{
    static const char *const engines[] = {"clr.dll", "mscorwks.dll", "coreclr.dll",
                                          "libcoreclr.so", "libcoreclr.dylib"};
    size_t n;
    const memscape_module *modules = memscape_space_modules(space, &n);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof engines / sizeof engines[0]; k++)
            if (strcasecmp(memscape_path_base_name(modules[i].name), engines[k]) == 0)
                return &modules[i];
    return NULL;
}

static void detect_managed_exception(memscape_detection *d)
{
    const memscape_exception *e = memscape_space_exception(d->space);
    if (!e || e->code == BREAKPAD_DUMP_REQUESTED)
        return;
    int clr_code = !e->is_signal && (e->code == CLR_EXCEPTION || e->code == CLR_EXCEPTION_V1);
    const memscape_module *clr = clr_module(d->space);
    if (!clr_code && !clr)
        return;
    if (!report_exception(d, "managed-exception", e))
        return;
    if (clr)
        memscape_detection_evidence(d, "runtime", "%s", memscape_path_base_name(clr->name));
}

static void detect_fast_fail(memscape_detection *d)
{
    const memscape_exception *e = windows_exception(d->space);
    if (!e || e->code != STATUS_STACK_BUFFER_OVERRUN)
        return;
    if (!report_exception(d, "fast-fail", e))
        return;
    /* The first parameter is the FAST_FAIL_* subcode (winnt.h), e.g. 2: stack cookie check. */
    if (e->parameter_count > 0)
        memscape_detection_evidence(d, "subcode", "%llu",
                                    (unsigned long long)e->parameters[0]);
}

/* macOS and iOS report abort() as the Mach exception EXC_CRASH (10) carrying the signal in
 * bits 24..31 of its code (Crashpad's minidump_exception_mac.h, EXC_CRASH). */
#define MACH_EXC_CRASH 10u

static int is_mach_abort(const memscape_space *space, const memscape_exception *e)
{
    memscape_os os = memscape_space_system(space)->os;
    return (os == MEMSCAPE_OS_MACOS || os == MEMSCAPE_OS_IOS) && !e->is_signal &&
           e->parameter_count >= 2 && e->parameters[0] == MACH_EXC_CRASH &&
           ((e->parameters[1] >> 24) & 0xff) == SIGNAL_ABORT;
}

static void detect_abnormal_termination(memscape_detection *d)
{
    const memscape_exception *e = memscape_space_exception(d->space);
    if (!e || !((e->is_signal && e->code == SIGNAL_ABORT) || is_mach_abort(d->space, e)))
        return;
    if (report_exception(d, "abnormal-termination", e) && !e->is_signal)
        memscape_detection_evidence(d, "mach", "EXC_CRASH with SIGABRT (code 0x%llx)",
                                    (unsigned long long)e->parameters[1]);
}

/* Formats that record a crash when there is one: a raw file or a log says nothing either way. */
static int records_crashes(const memscape_space *space)
{
    memscape_format f = memscape_space_system(space)->format;
    return f == MEMSCAPE_FORMAT_MINIDUMP || f == MEMSCAPE_FORMAT_ELF_CORE;
}

static void detect_manual_dump(memscape_detection *d)
{
    if (!records_crashes(d->space))
        return;
    const memscape_exception *e = memscape_space_exception(d->space);
    const char *why = NULL;
    if (!e)
        why = memscape_space_system(d->space)->format == MEMSCAPE_FORMAT_ELF_CORE
                  ? "no thread has a signal pending (a core taken with gcore)"
                  : "no exception stream";
    else if (e->code == BREAKPAD_DUMP_REQUESTED)
        why = "Breakpad: dump requested (exception code 0xffffffff)";
    else if (e->is_signal && e->code == 0)
        why = "no signal";
    if (!why)
        return;
    if (memscape_detection_add(d, "manual-dump"))
        memscape_detection_evidence(d, "reason", "%s", why);
}

const memscape_detector memscape_detectors_exceptions[] = {
    {"cpp-exception", detect_cpp_exception},
    {"managed-exception", detect_managed_exception},
    {"fast-fail", detect_fast_fail},
    {"abnormal-termination", detect_abnormal_termination},
    {"manual-dump", detect_manual_dump},
};
const size_t memscape_detectors_exceptions_count =
    sizeof memscape_detectors_exceptions / sizeof memscape_detectors_exceptions[0];
