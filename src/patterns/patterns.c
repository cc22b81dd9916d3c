/* SPDX-License-Identifier: MIT */
/* The pattern catalogue and the detection run: every detector group in turn, their findings
 * collected in catalogue order. The criteria here are the ones docs/patterns.md explains. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patterns/detector.h"

/* ---- the catalogue ----------------------------------------------------------------------- */

static const memscape_pattern catalogue[] = {
    {"multiple-exceptions", "Multiple Exceptions", MEMSCAPE_PATTERN_CRASH,
     "in a Windows minidump, two or more threads show an exception: the reported one, plus "
     "threads whose stack holds a pointer-aligned exception record with a known code, flags "
     "below 0x100, at most 15 parameters and an exception address inside a loaded module"},
    {"hidden-exception", "Hidden Exception", MEMSCAPE_PATTERN_CRASH,
     "such an exception record on the stack of a thread other than the reported "
     "exception's, one finding per thread"},
    {"stack-overflow", "Stack Overflow", MEMSCAPE_PATTERN_CRASH,
     "exception 0xC00000FD, or a memory fault in the faulting thread's guard or reserved stack "
     "pages or up to 64 KiB below its stack, or with its stack pointer at or below the stack "
     "limit"},
    {"null-pointer", "NULL Pointer", MEMSCAPE_PATTERN_CRASH,
     "an access violation, SIGSEGV, SIGBUS or EXC_BAD_ACCESS at an address below 64 KiB: code "
     "when the instruction pointer is there too or it is a DEP fault, data otherwise"},
    {"invalid-pointer", "Invalid Pointer", MEMSCAPE_PATTERN_CRASH,
     "a memory fault above 64 KiB at a non-canonical address, in the kernel's half, Windows's "
     "all-ones report of a general protection fault, or (where the dump describes the whole "
     "address space) in no region or a free one; not when stack-overflow explains it"},
    {"cpp-exception", "C++ Exception", MEMSCAPE_PATTERN_CRASH,
     "exception 0xE06D7363, thrown by the C++ runtime"},
    {"managed-exception", "Managed Code Exception", MEMSCAPE_PATTERN_CRASH,
     "exception 0xE0434352 or 0xE0434F4D, or a CLR runtime loaded in a process with an "
     "exception"},
    {"fast-fail", "Fast Fail", MEMSCAPE_PATTERN_CRASH,
     "exception 0xC0000409 (__fastfail, stack buffer overrun), with its subcode"},
    {"abnormal-termination", "Abnormal Termination", MEMSCAPE_PATTERN_CRASH,
     "SIGABRT, or on macOS EXC_CRASH carrying SIGABRT (abort())"},
    {"manual-dump", "Manual Dump", MEMSCAPE_PATTERN_CONTEXT,
     "a dump taken on purpose, not at a crash: no exception, Breakpad's \"dump requested\" "
     "(0xFFFFFFFF), or a core without a signal (gcore)"},
    {"cloud-environment", "Cloud Environment", MEMSCAPE_PATTERN_CONTEXT,
     "modules of a cloud platform's agents: Azure's Wa* (WaAppAgent...) or *azure*, AWS's "
     "SSM and EC2 agents and SDKs, Google Cloud's guest agents and libraries; one finding a "
     "platform"},
    {"wow64", "Virtualized Process (WOW64)", MEMSCAPE_PATTERN_CONTEXT,
     "a Windows process with the WOW64 layer loaded (wow64*.dll, xtajit.dll) or modules from "
     "SysWOW64 or SysArm32: a 32-bit process on a 64-bit system"},
    {"embedded-comment", "Embedded Comments", MEMSCAPE_PATTERN_CONTEXT,
     "minidump comment streams or Crashpad annotations, quoting the first four"},
    {"spiking-thread", "Spiking Thread", MEMSCAPE_PATTERN_PROBLEM,
     "one thread's kernel and user time is at least 1 s and more than half of all its "
     "threads' time together (ThreadInfoList, two or more threads timed)"},
    {"handle-leak", "Handle Leak", MEMSCAPE_PATTERN_PROBLEM,
     "more than 10,000 handles (the default per-process USER/GDI quota), naming the most "
     "common type"},
    {"truncated-dump", "Truncated Dump", MEMSCAPE_PATTERN_CONTEXT,
     "the reader warned that data the dump's own directories point to lies past the end of "
     "the file"},
    {"unloaded-modules", "Unloaded Modules", MEMSCAPE_PATTERN_CONTEXT,
     "the dump lists modules unloaded before it was taken (historical information), with the "
     "last names"},
    {"problem-vocabulary", "Problem Vocabulary", MEMSCAPE_PATTERN_PROBLEM,
     "a word of the vocabulary (built-in, or a --vocabulary file that replaces it) occurs in "
     "memory outside the read-only pages of module images, case-sensitively, as 8-bit text or "
     "as UTF-16 in the dump's byte order; one finding a word, with counts and addresses"},
    {"execution-residue", "Execution Residue", MEMSCAPE_PATTERN_CONTEXT,
     "at least 8 pointer-aligned values in a thread's stack below its stack pointer (at most "
     "1 MiB) point into a module's image, in executable pages where the dump gives "
     "protection; one finding a thread"},
    {"module-variety", "Module Variety", MEMSCAPE_PATTERN_CONTEXT,
     "more than 100 modules outside the operating system's own folders, or modules from 5 "
     "or more installation folders (Program Files\\X, /opt/X, /Applications/X...)"},
    {"excessive-pool-usage", "Excessive Pool Usage", MEMSCAPE_PATTERN_PROBLEM,
     "a kernel pool whose !vm usage reaches its maximum (NonPagedPool Usage >= NonPagedPool "
     "Max, PagedPool Usage >= PagedPool Maximum), a pool !vm flags with its own Excessive Pool "
     "Usage banner, or failed pool allocations; naming the pool's three largest !poolused tags"},
    {"inconsistent-counters", "Inconsistent Counters", MEMSCAPE_PATTERN_PROBLEM,
     "a !vm usage counter larger than physical memory plus the page files' maximum (or the "
     "commit limit, if larger), or committed pages above twice the commit limit; maximums, "
     "limits, free counts and PTEs are never compared"},
};

#define CATALOGUE_SIZE (sizeof catalogue / sizeof catalogue[0])
_Static_assert(CATALOGUE_SIZE <= 32, "a volume's finding mask has a bit per pattern");

const memscape_pattern *memscape_patterns(size_t *count)
{
    if (count)
        *count = CATALOGUE_SIZE;
    return catalogue;
}

const memscape_pattern *memscape_pattern_find(const char *id)
{
    for (size_t i = 0; id && i < CATALOGUE_SIZE; i++)
        if (strcmp(catalogue[i].id, id) == 0)
            return &catalogue[i];
    return NULL;
}

size_t memscape_pattern_index(const memscape_pattern *pattern)
{
    return (size_t)(pattern - catalogue);
}

/* ---- the groups -------------------------------------------------------------------------- */

static const struct {
    const memscape_detector *detectors;
    const size_t *count;
} groups[] = {
    {memscape_detectors_exceptions, &memscape_detectors_exceptions_count},
    {memscape_detectors_faults, &memscape_detectors_faults_count},
    {memscape_detectors_records, &memscape_detectors_records_count},
    {memscape_detectors_process, &memscape_detectors_process_count},
    {memscape_detectors_memory, &memscape_detectors_memory_count},
    {memscape_detectors_pool, &memscape_detectors_pool_count},
};

/* ---- reporting --------------------------------------------------------------------------- */

static void failed_for_memory(memscape_detection *d)
{
    memscape_detection_fail(d, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "patterns: out of memory");
}

/* A copy of text kept until the findings are freed; NULL when out of memory. */
static char *keep(memscape_detection *d, char *text)
{
    if (!text || memscape_vec_push(&d->strings, &text, NULL) != MEMSCAPE_OK) {
        free(text);
        failed_for_memory(d);
        return NULL;
    }
    return text;
}

memscape_finding *memscape_detection_add(memscape_detection *d, const char *pattern_id)
{
    const memscape_pattern *pattern = memscape_pattern_find(pattern_id);
    if (d->status != MEMSCAPE_OK || !pattern || d->findings.count >= MEMSCAPE_MAX_FINDINGS)
        return NULL;
    memscape_finding f = {.pattern = pattern};
    size_t first = d->evidence.count;
    void *slot;
    if (memscape_vec_push(&d->first_evidence, &first, NULL) != MEMSCAPE_OK) {
        failed_for_memory(d);
        return NULL;
    }
    if (memscape_vec_push(&d->findings, &f, &slot) != MEMSCAPE_OK) {
        d->first_evidence.count--;
        failed_for_memory(d);
        return NULL;
    }
    return slot;
}

void memscape_detection_module(memscape_detection *d, memscape_finding *f, const char *name)
{
    if (f && name && d->status == MEMSCAPE_OK)
        f->module = keep(d, strdup(name));
}

/* Evidence goes to the last finding; none when that finding was refused. */
static int last_finding_takes_evidence(const memscape_detection *d)
{
    if (d->status != MEMSCAPE_OK || d->findings.count == 0)
        return 0;
    size_t first = *MEMSCAPE_VEC_AT(&d->first_evidence, size_t, d->findings.count - 1);
    return d->evidence.count - first < MEMSCAPE_MAX_EVIDENCE;
}

void memscape_detection_evidence(memscape_detection *d, const char *key, const char *fmt, ...)
{
    if (!last_finding_takes_evidence(d))
        return;
    va_list ap;
    va_start(ap, fmt);
    char *value = NULL;
    if (vasprintf(&value, fmt, ap) < 0)
        value = NULL;
    va_end(ap);
    memscape_evidence e = {key, keep(d, value)};
    if (e.value && memscape_vec_push(&d->evidence, &e, NULL) != MEMSCAPE_OK)
        failed_for_memory(d);
}

void memscape_detection_fail(memscape_detection *d, memscape_status status, uint64_t offset,
                             const char *fmt, ...)
{
    if (d->status != MEMSCAPE_OK)
        return;
    d->status = status;
    if (!d->err)
        return;
    char message[sizeof d->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    memscape_fail(d->err, status, offset, "%s", message);
}

int memscape_detection_failed(const memscape_detection *d)
{
    return d->status != MEMSCAPE_OK;
}

/* ---- the run ----------------------------------------------------------------------------- */

struct memscape_findings {
    memscape_detection run;
};

static void run_free(memscape_detection *d)
{
    for (size_t i = 0; i < d->strings.count; i++)
        free(*MEMSCAPE_VEC_AT(&d->strings, char *, i));
    memscape_vec_free(&d->strings);
    memscape_vec_free(&d->findings);
    memscape_vec_free(&d->evidence);
    memscape_vec_free(&d->first_evidence);
}

void memscape_findings_free(memscape_findings *findings)
{
    if (!findings)
        return;
    run_free(&findings->run);
    free(findings);
}

/* Point each finding at its evidence, now that the evidence no longer moves. */
static void link_evidence(memscape_detection *d)
{
    for (size_t i = 0; i < d->findings.count; i++) {
        memscape_finding *f = MEMSCAPE_VEC_AT(&d->findings, memscape_finding, i);
        size_t first = *MEMSCAPE_VEC_AT(&d->first_evidence, size_t, i);
        size_t end = i + 1 < d->findings.count
                         ? *MEMSCAPE_VEC_AT(&d->first_evidence, size_t, i + 1)
                         : d->evidence.count;
        f->evidence = MEMSCAPE_VEC_AT(&d->evidence, memscape_evidence, first);
        f->evidence_count = end - first;
    }
}

/* Run every detector of the pattern at catalogue index p. */
static void run_pattern(memscape_detection *d, size_t p)
{
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
        for (size_t i = 0; i < *groups[g].count && !memscape_detection_failed(d); i++)
            if (strcmp(groups[g].detectors[i].pattern_id, catalogue[p].id) == 0)
                groups[g].detectors[i].detect(d);
}

memscape_status memscape_detect(memscape_findings **out, const memscape_space *space,
                                const memscape_detect_options *opts, memscape_error *err)
{
    static const memscape_detect_options defaults = {0};
    if (!out || !space)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "patterns: no %s given", !out ? "result" : "space");
    memscape_findings *f = calloc(1, sizeof *f);
    if (!f)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "patterns: out of memory");
    memscape_detection *d = &f->run;
    d->space = space;
    d->opts = opts ? opts : &defaults;
    d->err = err;
    memscape_vec_init(&d->findings, sizeof(memscape_finding), MEMSCAPE_MAX_FINDINGS);
    memscape_vec_init(&d->evidence, sizeof(memscape_evidence),
                      (size_t)MEMSCAPE_MAX_FINDINGS * MEMSCAPE_MAX_EVIDENCE);
    memscape_vec_init(&d->first_evidence, sizeof(size_t), MEMSCAPE_MAX_FINDINGS);
    memscape_vec_init(&d->strings, sizeof(char *), SIZE_MAX / sizeof(char *));
    for (size_t p = 0; p < CATALOGUE_SIZE && !memscape_detection_failed(d); p++)
        run_pattern(d, p);
    if (d->status != MEMSCAPE_OK) {
        memscape_status st = d->status;
        memscape_findings_free(f);
        return st;
    }
    link_evidence(d);
    d->err = NULL;
    *out = f;
    return MEMSCAPE_OK;
}

const memscape_finding *memscape_findings_items(const memscape_findings *findings,
                                                size_t *count)
{
    if (count)
        *count = findings ? findings->run.findings.count : 0;
    return findings ? findings->run.findings.items : NULL;
}

/* ---- places ------------------------------------------------------------------------------ */

static const memscape_module *module_named(const memscape_space *space, const char *name)
{
    size_t n;
    const memscape_module *m = memscape_space_modules(space, &n);
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(m[i].name, name) == 0)
            return &m[i];
    return NULL;
}

int memscape_finding_place(const memscape_space *space, const memscape_finding *finding,
                           uint64_t *lo, uint64_t *hi)
{
    if (finding->has_address && finding->address < UINT64_MAX) {
        *lo = finding->address;
        *hi = finding->address + 1;
        return 1;
    }
    const memscape_thread *t =
        finding->has_thread ? memscape_space_find_thread(space, finding->thread_id) : NULL;
    if (t && t->stack_size > 0 && t->stack_size <= UINT64_MAX - t->stack_base) {
        *lo = t->stack_base;
        *hi = t->stack_base + t->stack_size;
        return 1;
    }
    const memscape_module *m = module_named(space, finding->module);
    if (m && m->size > 0 && m->size <= UINT64_MAX - m->base) {
        *lo = m->base;
        *hi = m->base + m->size;
        return 1;
    }
    return 0;
}
