/* SPDX-License-Identifier: MIT */
/* Exception records found on thread stacks (multiple-exceptions, hidden-exception).
 *
 * When Windows dispatches an exception it copies the EXCEPTION_RECORD onto the thread's stack
 * (KiUserExceptionDispatcher's frame), and the copy stays there, in live frames or as residue
 * below them, after the exception was handled. The layouts (winnt.h EXCEPTION_RECORD32/64):
 *
 *   64-bit: ExceptionCode u32 @0, ExceptionFlags u32 @4, ExceptionRecord u64 @8,
 *           ExceptionAddress u64 @16, NumberParameters u32 @24, pad @28,
 *           ExceptionInformation u64[15] @32
 *   32-bit: ExceptionCode u32 @0, ExceptionFlags u32 @4, ExceptionRecord u32 @8,
 *           ExceptionAddress u32 @12, NumberParameters u32 @16, ExceptionInformation u32[15] @20
 *
 * A record counts when its code is a known exception code, its flags are EXCEPTION_* bits
 * (all below 0x100: NONCONTINUABLE 1 ... SOFTWARE_ORIGINATE 0x80), NumberParameters is at most
 * EXCEPTION_MAXIMUM_PARAMETERS (15) and ExceptionAddress lies inside a loaded module. Records
 * are aligned to their pointer size, like every structure on the stack.
 *
 * Each present stack byte is read at most once: stacks are scanned in address order and a
 * stack overlapping one already scanned starts where that one ended. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "patterns/detector.h"
#include "util/checked.h"

#define MAX_PARAMETERS 15u
#define FLAGS_MASK 0xFFu
#define HEADER_64 32u               /* up to and with NumberParameters and its padding */
#define HEADER_32 20u
#define MAX_LISTED_THREADS 16u      /* threads named in multiple-exceptions' evidence */

/* Exception codes a crash or a handled failure leaves (ntstatus.h, winnt.h, and the runtimes'
 * own codes). Informational codes raised as a matter of course (0x406D1388 naming a thread,
 * 0x40010006 OutputDebugString) are left out: their records say nothing went wrong. */
static const struct {
    uint32_t code;
    const char *name;
} known_codes[] = {
    {0x80000001u, "STATUS_GUARD_PAGE_VIOLATION"},
    {0x80000002u, "STATUS_DATATYPE_MISALIGNMENT"},
    {0x80000003u, "STATUS_BREAKPOINT"},
    {0x80000004u, "STATUS_SINGLE_STEP"},
    {0xC0000005u, "STATUS_ACCESS_VIOLATION"},
    {0xC0000006u, "STATUS_IN_PAGE_ERROR"},
    {0xC0000008u, "STATUS_INVALID_HANDLE"},
    {0xC000000Du, "STATUS_INVALID_PARAMETER"},
    {0xC000001Du, "STATUS_ILLEGAL_INSTRUCTION"},
    {0xC0000025u, "STATUS_NONCONTINUABLE_EXCEPTION"},
    {0xC0000026u, "STATUS_INVALID_DISPOSITION"},
    {0xC000008Cu, "STATUS_ARRAY_BOUNDS_EXCEEDED"},
    {0xC000008Du, "STATUS_FLOAT_DENORMAL_OPERAND"},
    {0xC000008Eu, "STATUS_FLOAT_DIVIDE_BY_ZERO"},
    {0xC000008Fu, "STATUS_FLOAT_INEXACT_RESULT"},
    {0xC0000090u, "STATUS_FLOAT_INVALID_OPERATION"},
    {0xC0000091u, "STATUS_FLOAT_OVERFLOW"},
    {0xC0000092u, "STATUS_FLOAT_STACK_CHECK"},
    {0xC0000093u, "STATUS_FLOAT_UNDERFLOW"},
    {0xC0000094u, "STATUS_INTEGER_DIVIDE_BY_ZERO"},
    {0xC0000095u, "STATUS_INTEGER_OVERFLOW"},
    {0xC0000096u, "STATUS_PRIVILEGED_INSTRUCTION"},
    {0xC00000FDu, "STATUS_STACK_OVERFLOW"},
    {0xC0000194u, "STATUS_POSSIBLE_DEADLOCK"},
    {0xC0000374u, "STATUS_HEAP_CORRUPTION"},
    {0xC0000409u, "STATUS_STACK_BUFFER_OVERRUN"},
    {0xC0000420u, "STATUS_ASSERTION_FAILURE"},
    {0xC0000602u, "STATUS_FAIL_FAST_EXCEPTION"},
    {0xE0434352u, "CLR exception"},
    {0xE0434F4Du, "CLR exception (.NET 1)"},
    {0xE06D7363u, "C++ exception"},
};

static const char *known_code_name(uint32_t code)
{
    for (size_t i = 0; i < sizeof known_codes / sizeof known_codes[0]; i++)
        if (known_codes[i].code == code)
            return known_codes[i].name;
    return NULL;
}

/* One thread's stack as scanned, and the first record found on it. */
typedef struct stack_scan {
    uint64_t lo, hi;
    size_t thread;                 /* index into the space's threads */
    size_t records;                /* records found */
    uint64_t record_address;       /* the first one's */
    uint32_t code;
    uint64_t exception_address;
} stack_scan;

static uint64_t load_le(const uint8_t *p, unsigned width)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < width; k++)
        v |= (uint64_t)p[k] << (8 * k);
    return v;
}

/* len bytes at addr: from the chunk when they are all in it, else from the space (a record
 * straddling two runs of present bytes). 0 when any of them is missing. */
static int read_bytes(const memscape_space *space, const memscape_chunk *c, uint64_t addr,
                      uint8_t *buf, size_t len)
{
    uint64_t off = addr - c->addr;
    if (memscape_in_bounds(off, len, c->size)) {
        for (size_t k = 0; k < len; k++)
            buf[k] = c->data[off + k];
        return 1;
    }
    return memscape_space_read(space, addr, buf, len) == len;
}

/* Is there an exception record at addr (whose code has been read)? */
static int record_at(const memscape_space *space, const memscape_chunk *c, uint64_t addr,
                     unsigned width, uint64_t *exception_address)
{
    uint8_t h[HEADER_64];
    size_t header = width == 8 ? HEADER_64 : HEADER_32;
    if (!read_bytes(space, c, addr, h, header))
        return 0;
    uint32_t flags = (uint32_t)load_le(h + 4, 4);
    uint64_t nested = load_le(h + 8, width);
    uint64_t where = load_le(h + 8 + width, width);
    uint32_t parameters = (uint32_t)load_le(h + 8 + 2 * width, 4);
    if ((flags & ~FLAGS_MASK) != 0 || parameters > MAX_PARAMETERS || nested % width != 0)
        return 0;
    if (!memscape_space_find_module(space, where))
        return 0;
    *exception_address = where;
    return 1;
}

static void note_record(stack_scan *s, uint64_t addr, uint32_t code, uint64_t where)
{
    if (s->records++ == 0) {
        s->record_address = addr;
        s->code = code;
        s->exception_address = where;
    }
}

/* Every pointer-aligned address of [s->lo, s->hi) with present bytes. */
static void scan_stack(const memscape_space *space, unsigned width, stack_scan *s)
{
    memscape_chunk_iter it;
    memscape_chunk c;
    memscape_chunks_begin(&it, space, s->lo, s->hi, 0);
    while (memscape_chunks_next(&it, &c)) {
        uint64_t end = c.addr + c.size;
        uint64_t addr = c.addr + (width - c.addr % width) % width;
        for (; addr >= c.addr && addr < end; addr += width) {
            uint8_t code_bytes[4];
            if (!read_bytes(space, &c, addr, code_bytes, 4))
                continue;
            uint32_t code = (uint32_t)load_le(code_bytes, 4);
            uint64_t where;
            if (known_code_name(code) && record_at(space, &c, addr, width, &where))
                note_record(s, addr, code, where);
        }
    }
}

static int compare_thread(size_t a, size_t b)
{
    return (a > b) - (a < b);
}

static int by_stack_address(const void *a, const void *b)
{
    const stack_scan *x = a, *y = b;
    if (x->lo != y->lo)
        return (x->lo > y->lo) - (x->lo < y->lo);
    return compare_thread(x->thread, y->thread);
}

static int by_thread(const void *a, const void *b)
{
    return compare_thread(((const stack_scan *)a)->thread, ((const stack_scan *)b)->thread);
}

/* Only a Windows minidump holds Windows exception records. */
static int has_records(const memscape_space *space)
{
    const memscape_system *sys = memscape_space_system(space);
    return sys->format == MEMSCAPE_FORMAT_MINIDUMP && sys->os == MEMSCAPE_OS_WINDOWS &&
           (sys->pointer_size == 4 || sys->pointer_size == 8);
}

/* Scan every thread's stack: scans[i] is thread i's; NULL when there are no threads or no
 * memory (then the run has failed). */
static stack_scan *scan_stacks(memscape_detection *d, size_t *count)
{
    size_t n;
    const memscape_thread *t = memscape_space_threads(d->space, &n);
    *count = 0;
    if (n == 0)
        return NULL;
    stack_scan *scans = calloc(n, sizeof *scans);
    if (!scans) {
        memscape_detection_fail(d, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                                "patterns: out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        scans[i] = (stack_scan){.lo = t[i].stack_base,
                                .hi = memscape_end_clamped(t[i].stack_base, t[i].stack_size),
                                .thread = i};
    qsort(scans, n, sizeof *scans, by_stack_address);
    unsigned width = memscape_space_system(d->space)->pointer_size;
    uint64_t scanned_to = 0;
    for (size_t i = 0; i < n; i++) {
        if (scans[i].lo < scanned_to)
            scans[i].lo = scanned_to < scans[i].hi ? scanned_to : scans[i].hi;
        if (scans[i].lo < scans[i].hi) {
            scan_stack(d->space, width, &scans[i]);
            scanned_to = scans[i].hi;
        }
    }
    qsort(scans, n, sizeof *scans, by_thread);
    *count = n;
    return scans;
}

/* The reported exception's thread, when the dump has an exception. */
static int reported_thread(const memscape_space *space, uint32_t *id)
{
    const memscape_exception *e = memscape_space_exception(space);
    if (e)
        *id = e->thread_id;
    return e != NULL;
}

/* Does thread k show an exception other than the reported one? */
static int shows_other(const stack_scan *scans, const memscape_thread *t, size_t k,
                       int has_reported, uint32_t reported)
{
    return scans[k].records > 0 && !(has_reported && t[k].id == reported);
}

static void report_hidden(memscape_detection *d, const memscape_thread *t, const stack_scan *s)
{
    memscape_finding *f = memscape_detection_add(d, "hidden-exception");
    if (!f)
        return;
    f->has_thread = 1;
    f->thread_id = t->id;
    f->has_address = 1;
    f->address = s->record_address;
    const memscape_module *m = memscape_space_find_module(d->space, s->exception_address);
    if (m)
        memscape_detection_module(d, f, m->name);
    memscape_detection_evidence(d, "code", "0x%x (%s)", s->code, known_code_name(s->code));
    memscape_detection_evidence(d, "record", "0x%" PRIx64, s->record_address);
    memscape_detection_evidence(d, "exception_address", "0x%" PRIx64, s->exception_address);
    if (m)
        memscape_detection_evidence(d, "module", "%s", m->name);
    memscape_detection_evidence(d, "records", "%zu", s->records);
}

static void detect_hidden_exception(memscape_detection *d)
{
    if (!has_records(d->space))
        return;
    size_t n, threads;
    stack_scan *scans = scan_stacks(d, &n);
    const memscape_thread *t = memscape_space_threads(d->space, &threads);
    uint32_t reported = 0;
    int has_reported = reported_thread(d->space, &reported);
    for (size_t k = 0; k < n && k < threads; k++)
        if (shows_other(scans, t, k, has_reported, reported))
            report_hidden(d, &t[k], &scans[k]);
    free(scans);
}

/* "0x1188, 0x2f78, ...": the reported thread first, then the others in the dump's order. */
static void list_threads(char *buf, size_t size, const stack_scan *scans,
                         const memscape_thread *t, size_t n, int has_reported, uint32_t reported)
{
    size_t used = 0, listed = 0;
    buf[0] = '\0';
    if (has_reported) {
        used += (size_t)snprintf(buf, size, "0x%x", reported);
        listed++;
    }
    for (size_t k = 0; k < n && used < size; k++) {
        if (!shows_other(scans, t, k, has_reported, reported))
            continue;
        if (listed++ == MAX_LISTED_THREADS) {
            snprintf(buf + used, size - used, ", ...");
            return;
        }
        used += (size_t)snprintf(buf + used, size - used, "%s0x%x", used ? ", " : "", t[k].id);
    }
}

static void detect_multiple_exceptions(memscape_detection *d)
{
    if (!has_records(d->space))
        return;
    size_t n, threads;
    stack_scan *scans = scan_stacks(d, &n);
    const memscape_thread *t = memscape_space_threads(d->space, &threads);
    n = n < threads ? n : threads;
    uint32_t reported = 0;
    int has_reported = reported_thread(d->space, &reported);
    /* A thread counts once: the reported one, then every other with a record. */
    size_t total = has_reported ? 1u : 0u;
    for (size_t k = 0; k < n; k++)
        total += shows_other(scans, t, k, has_reported, reported);
    if (total >= 2 && memscape_detection_add(d, "multiple-exceptions")) {
        char list[(MAX_LISTED_THREADS + 1) * 12 + 8];
        list_threads(list, sizeof list, scans, t, n, has_reported, reported);
        memscape_detection_evidence(d, "count", "%zu", total);
        memscape_detection_evidence(d, "threads", "%s", list);
        if (has_reported)
            memscape_detection_evidence(d, "reported", "0x%x", reported);
        size_t listed = 0;
        for (size_t k = 0; k < n && listed < MAX_LISTED_THREADS; k++) {
            if (!shows_other(scans, t, k, has_reported, reported))
                continue;
            listed++;
            memscape_detection_evidence(d, "record", "thread 0x%x: 0x%x at 0x%" PRIx64,
                                        t[k].id, scans[k].code, scans[k].exception_address);
        }
    }
    free(scans);
}

const memscape_detector memscape_detectors_records[] = {
    {"multiple-exceptions", detect_multiple_exceptions},
    {"hidden-exception", detect_hidden_exception},
};
const size_t memscape_detectors_records_count =
    sizeof memscape_detectors_records / sizeof memscape_detectors_records[0];
