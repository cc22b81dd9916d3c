/* SPDX-License-Identifier: MIT */
/* The corpus suite: every dump in the shared corpus that has a reference listing is opened with
 * memscape_dump_open() and what memscape reads is compared with the listing, value by value.
 *
 * The expected values come only from the listings (listing.c) and from the dump files' own
 * bytes; nothing is taken from memscape. Each dump is one cmocka test; a test collects every
 * disagreement, prints one line per disagreement ("<dump>: <field>: expected X, got Y") and
 * fails once at the end, so one run shows all that is wrong.
 *
 * Usage: test_corpus CORPUS_DIR (or MEMSCAPE_CORPUS_DIR in the environment). Exits 77, meson's
 * "skipped", when the folder is absent. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "memscape/memscape.h"
#include "listing.h"

#define SKIP_EXIT_CODE 77
#define LISTING_SUFFIX ".listing.txt"
#define MAX_LINES_PER_DUMP 80  /* beyond this a dump's disagreements are only counted */

/* ---- files that must not open ------------------------------------------------------------ */

typedef struct expected_failure {
    const char *name;          /* <kind>/<file> under the corpus folder */
    memscape_status code;
    uint64_t offset;
} expected_failure;

static const expected_failure expected_failures[] = {
    /* A Breakpad "microdump" is Android logcat text, not MDMP: no reader may claim it. */
    {"minidump/breakpad--microdump-x86.dmp", MEMSCAPE_EFORMAT, 0},
    /* Header StreamDirectoryRva (at offset 0xc) is 0x2: the directory would overlap the
     * 32-byte MINIDUMP_HEADER. The lead ruled this a corrupt field, reported at that field. */
    {"minidump/rust-minidump--invalid-range.dmp", MEMSCAPE_ECORRUPT, 0xc},
    /* The same defect with StreamDirectoryRva = 0x1e. */
    {"minidump/rust-minidump--invalid-record-count.dmp", MEMSCAPE_ECORRUPT, 0xc},
};

#define EXPECTED_FAILURE_COUNT (sizeof expected_failures / sizeof expected_failures[0])

/* ---- one dump of the corpus -------------------------------------------------------------- */

typedef struct corpus_case {
    char *name;                /* <kind>/<file>, as the failure lines name it */
    char *dump_path;
    char *listing_path;
    char *test_name;
    const expected_failure *failure;
} corpus_case;

typedef struct corpus {
    const char *dir;
    corpus_case *cases;
    size_t count;
    size_t per_kind[2];
} corpus;

/* ---- reporting --------------------------------------------------------------------------- */

typedef struct report {
    const char *dump;
    unsigned count;
} report;

static void disagree(report *r, const char *fmt, ...) CMOCKA_PRINTF_ATTRIBUTE(2, 3);

static void disagree(report *r, const char *fmt, ...)
{
    r->count++;
    if (r->count > MAX_LINES_PER_DUMP)
        return;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    print_message("%s: %s\n", r->dump, msg);
}

static void finish_report(report *r)
{
    if (r->count > MAX_LINES_PER_DUMP)
        print_message("%s: ... and %u more disagreements not shown\n", r->dump,
                      r->count - MAX_LINES_PER_DUMP);
    fflush(stdout);
}

static void check_dec(report *r, uint64_t expected, uint64_t got, const char *field, ...)
    CMOCKA_PRINTF_ATTRIBUTE(4, 5);

/* The same as check_u64() for counts and version numbers, printed in decimal. */
static void check_dec(report *r, uint64_t expected, uint64_t got, const char *field, ...)
{
    if (expected == got)
        return;
    char name[256];
    va_list ap;
    va_start(ap, field);
    vsnprintf(name, sizeof name, field, ap);
    va_end(ap);
    disagree(r, "%s: expected %" PRIu64 ", got %" PRIu64, name, expected, got);
}

/* "field" is a printf format naming the value (e.g. "module[%zu].base"). */
static void check_u64(report *r, uint64_t expected, uint64_t got, const char *field, ...)
    CMOCKA_PRINTF_ATTRIBUTE(4, 5);

static void check_u64(report *r, uint64_t expected, uint64_t got, const char *field, ...)
{
    if (expected == got)
        return;
    char name[256];
    va_list ap;
    va_start(ap, field);
    vsnprintf(name, sizeof name, field, ap);
    va_end(ap);
    disagree(r, "%s: expected 0x%" PRIx64 ", got 0x%" PRIx64, name, expected, got);
}

static void check_str(report *r, const char *expected, const char *got, const char *field, ...)
    CMOCKA_PRINTF_ATTRIBUTE(4, 5);

static void check_str(report *r, const char *expected, const char *got, const char *field, ...)
{
    if (got && strcmp(expected, got) == 0)
        return;
    char name[256];
    va_list ap;
    va_start(ap, field);
    vsnprintf(name, sizeof name, field, ap);
    va_end(ap);
    if (got)
        disagree(r, "%s: expected '%s', got '%s'", name, expected, got);
    else
        disagree(r, "%s: expected '%s', got NULL", name, expected);
}

static void check_count(report *r, size_t expected, size_t got, const char *what)
{
    if (expected != got)
        disagree(r, "%s: expected %zu, got %zu", what, expected, got);
}

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

static const char *status_name(memscape_status s)
{
    static const char *const names[] = {
        "MEMSCAPE_OK", "MEMSCAPE_EINVAL", "MEMSCAPE_EIO", "MEMSCAPE_ENOMEM",
        "MEMSCAPE_EFORMAT", "MEMSCAPE_ETRUNCATED", "MEMSCAPE_EOVERFLOW", "MEMSCAPE_ECORRUPT",
        "MEMSCAPE_ELIMIT", "MEMSCAPE_EUNSUPPORTED"};
    return (size_t)s < sizeof names / sizeof names[0] ? names[s] : "(unknown status)";
}

static const char *state_name(memscape_state s)
{
    static const char *const names[] = {"committed", "not-captured", "reserved", "free"};
    return (size_t)s < sizeof names / sizeof names[0] ? names[s] : "(bad state)";
}

static const char *type_name(memscape_type t)
{
    static const char *const names[] = {"none", "image", "mapped", "private"};
    return (size_t)t < sizeof names / sizeof names[0] ? names[t] : "(bad type)";
}

static const char *const arch_names[] = {"unknown", "x86", "amd64", "arm", "arm64", "ppc",
                                         "ppc64", "s390x", "mips", "mips64", "riscv64", "sparc"};
static const char *const os_names[] = {"unknown", "windows", "linux", "android", "macos",
                                       "ios", "fuchsia", "netbsd", "freebsd", "solaris"};
static const char *const format_names[] = {"unknown", "minidump", "elf-core", "raw"};

#define NAMES(table) table, sizeof table / sizeof table[0]

/* An enum compared by value and printed by name. */
static void check_enum(report *r, unsigned expected, unsigned got, const char *const *names,
                       size_t name_count, const char *field)
{
    if (expected == got)
        return;
    disagree(r, "%s: expected %s, got %s (%u)", field,
             expected < name_count ? names[expected] : "?", got < name_count ? names[got] : "?",
             got);
}

/* ---- the dump's own bytes ---------------------------------------------------------------- */

typedef struct file_bytes {
    uint8_t *data;
    size_t size;
} file_bytes;

static int read_file(const char *path, file_bytes *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || sb.st_size < 0) {
        fclose(f);
        return -1;
    }
    out->size = (size_t)sb.st_size;
    out->data = malloc(out->size ? out->size : 1);
    int ok = out->data && fread(out->data, 1, out->size, f) == out->size;
    fclose(f);
    if (!ok) {
        free(out->data);
        out->data = NULL;
        return -1;
    }
    return 0;
}

/* memscape_space_read() of a range the listing says the file holds must give the file's bytes
 * at the listed offset. */
static void check_range_bytes(report *r, const memscape_space *space, const file_bytes *file,
                              uint64_t base, uint64_t size, uint64_t offset, const char *label)
{
    if (offset > file->size || size > file->size - offset) {
        disagree(r, "%s: listing puts 0x%" PRIx64 " bytes at offset 0x%" PRIx64
                 " but the file is 0x%zx bytes (listing and file disagree)",
                 label, size, offset, file->size);
        return;
    }
    uint8_t *buf = malloc(size ? (size_t)size : 1);
    assert_non_null(buf);
    size_t got = memscape_space_read(space, base, buf, (size_t)size);
    if (got != size) {
        disagree(r, "%s: memscape_space_read(0x%" PRIx64 ", 0x%" PRIx64 ") present bytes: "
                 "expected 0x%" PRIx64 ", got 0x%zx", label, base, size, size, got);
    } else {
        for (uint64_t i = 0; i < size; i++) {
            if (buf[i] != file->data[offset + i]) {
                disagree(r, "%s: byte at 0x%" PRIx64 ": expected 0x%02x (file offset 0x%"
                         PRIx64 "), got 0x%02x", label, base + i, file->data[offset + i],
                         offset + i, buf[i]);
                break;
            }
        }
    }
    free(buf);
}

/* ---- region tiling ----------------------------------------------------------------------- */

/* The region lies wholly below addr (its end at or before addr). */
static int ends_by(const memscape_region *g, uint64_t addr)
{
    return g->base <= addr && g->size <= addr - g->base;
}

/* The regions that tile [base, base+size) exactly: returns how many (from *first), or 0 after
 * reporting the gap or overhang. */
static size_t tiling(report *r, const memscape_region *regs, size_t n, uint64_t base,
                     uint64_t size, const char *label, size_t *first)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {  /* the first region that does not end by base */
        size_t mid = lo + (hi - lo) / 2;
        if (ends_by(&regs[mid], base))
            lo = mid + 1;
        else
            hi = mid;
    }
    uint64_t end = base + size, cur = base;
    size_t i = lo;
    while (cur < end) {
        if (i >= n || regs[i].base != cur) {
            if (i < n && regs[i].base < cur)
                disagree(r, "%s [0x%" PRIx64 ", 0x%" PRIx64 "): region [0x%" PRIx64 ", +0x%"
                         PRIx64 ") starts before 0x%" PRIx64, label, base, end, regs[i].base,
                         regs[i].size, cur);
            else
                disagree(r, "%s [0x%" PRIx64 ", 0x%" PRIx64 "): no region at 0x%" PRIx64,
                         label, base, end, cur);
            return 0;
        }
        if (regs[i].size == 0 || regs[i].size > end - cur) {
            disagree(r, "%s [0x%" PRIx64 ", 0x%" PRIx64 "): region [0x%" PRIx64 ", +0x%"
                     PRIx64 ") runs past its end", label, base, end, regs[i].base,
                     regs[i].size);
            return 0;
        }
        cur += regs[i].size;
        i++;
    }
    *first = lo;
    return i - lo;
}

/* Every address of [base, base+size) lies in some region; returns 0 after reporting a gap. */
static int covered(report *r, const memscape_space *space, uint64_t base, uint64_t size,
                   const char *label, int in_use)
{
    uint64_t cur = base, end = base + size;
    while (cur < end) {
        const memscape_region *reg = memscape_space_find_region(space, cur);
        if (!reg) {
            disagree(r, "%s [0x%" PRIx64 ", 0x%" PRIx64 "): no region at 0x%" PRIx64, label,
                     base, end, cur);
            return 0;
        }
        if (in_use && reg->state != MEMSCAPE_STATE_COMMITTED &&
            reg->state != MEMSCAPE_STATE_NOT_CAPTURED)
            disagree(r, "%s [0x%" PRIx64 ", 0x%" PRIx64 "): region at 0x%" PRIx64 " state: "
                     "expected committed or not-captured (a mapping in use), got %s", label,
                     base, end, reg->base, state_name(reg->state));
        uint64_t reg_end = reg->base + reg->size;
        if (reg_end <= cur)
            return 0;  /* find_region broke its contract; stop rather than loop */
        cur = reg_end;
    }
    return 1;
}

/* A piece with bytes must take them from the listed ranges at the listed offsets; a piece
 * without bytes must not overlap a listed range. */
static void check_piece_bytes(report *r, const memscape_region *piece,
                              const listing_memory *mem, size_t mem_count, const char *label)
{
    uint64_t end = piece->base + piece->size;
    if (piece->file_offset == MEMSCAPE_NO_OFFSET) {
        for (size_t m = 0; m < mem_count; m++) {
            if (mem[m].size && mem[m].base < end && piece->base < mem[m].base + mem[m].size)
                disagree(r, "%s: piece [0x%" PRIx64 ", 0x%" PRIx64 ") has no file offset but "
                         "%s[%u] [0x%" PRIx64 ", +0x%" PRIx64 ") is in the file", label,
                         piece->base, end, mem[m].is_memory64 ? "mem64" : "mem", mem[m].index,
                         mem[m].base, mem[m].size);
        }
        return;
    }
    for (uint64_t cur = piece->base; cur < end;) {
        uint64_t want = piece->file_offset + (cur - piece->base);
        size_t m = 0;
        while (m < mem_count && !(mem[m].base <= cur && cur - mem[m].base < mem[m].size &&
                                  mem[m].rva + (cur - mem[m].base) == want))
            m++;
        if (m == mem_count) {
            disagree(r, "%s: piece [0x%" PRIx64 ", 0x%" PRIx64 ") file_offset 0x%" PRIx64
                     ": the listing has no range holding 0x%" PRIx64 " at offset 0x%" PRIx64,
                     label, piece->base, end, piece->file_offset, cur, want);
            return;
        }
        uint64_t mem_end = mem[m].base + mem[m].size;
        cur = mem_end < end ? mem_end : end;
    }
}

/* ---- minidump ---------------------------------------------------------------------------- */

/* MINIDUMP_MEMORY_INFO State and Type values (winnt.h). */
#define MEM_COMMIT 0x1000u
#define MEM_RESERVE 0x2000u
#define MEM_FREE 0x10000u
#define MEM_PRIVATE 0x20000u
#define MEM_MAPPED 0x40000u
#define MEM_IMAGE 0x1000000u

static void check_streams(report *r, const listing *l, const memscape_space *space)
{
    size_t n;
    const memscape_stream *s = memscape_space_streams(space, &n);
    check_count(r, l->stream_count, n, "stream directory: entry count");
    for (size_t i = 0; i < min_size(n, l->stream_count); i++) {
        check_u64(r, l->streams[i].type, s[i].type, "stream[%zu].type", i);
        check_u64(r, l->streams[i].size, s[i].size, "stream[%zu].size", i);
        check_u64(r, l->streams[i].rva, s[i].rva, "stream[%zu].rva", i);
    }
}

static void check_module_list(report *r, const char *what, const listing_module *want,
                              size_t want_count, const memscape_module *got, size_t got_count)
{
    char label[64];
    snprintf(label, sizeof label, "%s count", what);
    check_count(r, want_count, got_count, label);
    for (size_t i = 0; i < min_size(want_count, got_count); i++) {
        const listing_module *w = &want[i];
        const memscape_module *g = &got[i];
        check_str(r, w->name, g->name, "%s[%zu].name", what, i);
        check_u64(r, w->base, g->base, "%s[%zu].base", what, i);
        check_u64(r, w->size, g->size, "%s[%zu].size", what, i);
        check_u64(r, w->checksum, g->checksum, "%s[%zu].checksum", what, i);
        check_u64(r, w->timestamp, g->timestamp, "%s[%zu].timestamp", what, i);
        if (w->has_version) {
            if (!g->has_version)
                disagree(r, "%s[%zu].version: expected %u.%u.%u.%u, got none", what, i,
                         w->version[0], w->version[1], w->version[2], w->version[3]);
            else if (memcmp(w->version, g->version, sizeof w->version) != 0)
                disagree(r, "%s[%zu].version: expected %u.%u.%u.%u, got %u.%u.%u.%u", what, i,
                         w->version[0], w->version[1], w->version[2], w->version[3],
                         g->version[0], g->version[1], g->version[2], g->version[3]);
        }
        if (w->debug_id)
            check_str(r, w->debug_id, g->debug_id, "%s[%zu].debug_id", what, i);
    }
}

static void check_modules(report *r, const listing *l, const memscape_space *space)
{
    size_t n;
    const memscape_module *m = memscape_space_modules(space, &n);
    check_module_list(r, "module", l->modules, l->module_count, m, n);
    m = memscape_space_unloaded_modules(space, &n);
    check_module_list(r, "unloaded", l->unloaded, l->unloaded_count, m, n);
}

static void check_threads(report *r, const listing *l, const memscape_space *space)
{
    size_t n;
    const memscape_thread *t = memscape_space_threads(space, &n);
    check_count(r, l->thread_count, n, "thread count");
    for (size_t i = 0; i < min_size(n, l->thread_count); i++) {
        const listing_thread *w = &l->threads[i];
        check_u64(r, w->id, t[i].id, "thread[%zu].id", i);
        check_u64(r, w->stack_base, t[i].stack_base, "thread[%zu].stack_base", i);
        check_u64(r, w->stack_size, t[i].stack_size, "thread[%zu].stack_size", i);
        if (!t[i].has_context) {
            disagree(r, "thread[%zu].has_context: expected 1 (pc 0x%" PRIx64 "), got 0", i,
                     w->pc);
            continue;
        }
        check_u64(r, w->pc, t[i].pc, "thread[%zu].pc", i);
        check_u64(r, w->sp, t[i].sp, "thread[%zu].sp", i);
    }
    for (size_t i = 0; i < l->thread_name_count; i++) {
        const listing_thread_name *tn = &l->thread_names[i];
        size_t k = 0;
        while (k < n && t[k].id != tn->thread_id)
            k++;
        if (k == n) {
            disagree(r, "tname[%zu]: thread 0x%x has a name but no thread", i, tn->thread_id);
        } else if (tn->name[0] == '\0') {
            if (t[k].name && t[k].name[0])
                disagree(r, "thread[%zu].name (tid 0x%x): expected '' or none, got '%s'", k,
                         tn->thread_id, t[k].name);
        } else {
            check_str(r, tn->name, t[k].name, "thread[%zu].name (tid 0x%x)", k, tn->thread_id);
        }
    }
}

static void range_label(char *buf, size_t size, const listing_memory *m)
{
    snprintf(buf, size, "%s[%u]", m->is_memory64 ? "mem64" : "mem", m->index);
}

/* The ranges in the dump's order: MemoryList entries, then Memory64List entries. Every thread
 * stack in the corpus shares its RVA with a MemoryList entry, so none adds a range. */
static void check_ranges(report *r, const listing *l, const memscape_space *space,
                         const file_bytes *file)
{
    size_t n;
    const memscape_range *g = memscape_space_ranges(space, &n);
    check_count(r, l->memory_count, n, "memory range count");
    char label[48];
    for (size_t i = 0; i < min_size(n, l->memory_count); i++) {
        const listing_memory *w = &l->memory[i];
        range_label(label, sizeof label, w);
        check_u64(r, w->base, g[i].base, "range %zu (%s).base", i, label);
        check_u64(r, w->size, g[i].size, "range %zu (%s).size", i, label);
        check_u64(r, w->rva, g[i].file_offset, "range %zu (%s).file_offset", i, label);
    }
    for (size_t i = 0; i < l->memory_count; i++) {
        range_label(label, sizeof label, &l->memory[i]);
        check_range_bytes(r, space, file, l->memory[i].base, l->memory[i].size,
                          l->memory[i].rva, label);
    }
}

static int info_type(uint32_t type)
{
    switch (type) {
    case 0: return MEMSCAPE_TYPE_NONE;
    case MEM_IMAGE: return MEMSCAPE_TYPE_IMAGE;
    case MEM_MAPPED: return MEMSCAPE_TYPE_MAPPED;
    case MEM_PRIVATE: return MEMSCAPE_TYPE_PRIVATE;
    default: return -1;
    }
}

static void check_info_piece(report *r, const listing *l, const listing_memory_info *w,
                             const memscape_region *g, const char *label)
{
    int type = info_type(w->type);
    if (type < 0 || (memscape_type)type != g->type)
        disagree(r, "%s piece at 0x%" PRIx64 ": type: expected %s (listed 0x%x), got %s", label,
                 g->base, type < 0 ? "?" : type_name((memscape_type)type), w->type,
                 type_name(g->type));
    check_u64(r, w->protect, g->protect, "%s piece at 0x%" PRIx64 ": protect", label, g->base);
    int has_bytes = g->file_offset != MEMSCAPE_NO_OFFSET;
    int state_ok;
    const char *want;
    switch (w->state) {
    case MEM_COMMIT:
        state_ok = g->state == (has_bytes ? MEMSCAPE_STATE_COMMITTED
                                          : MEMSCAPE_STATE_NOT_CAPTURED);
        want = has_bytes ? "committed (it has a file offset)"
                         : "not-captured (it has no file offset)";
        break;
    case MEM_RESERVE:
        state_ok = g->state == MEMSCAPE_STATE_RESERVED;
        want = "reserved";
        break;
    case MEM_FREE:
        state_ok = g->state == MEMSCAPE_STATE_FREE;
        want = "free";
        break;
    default:
        state_ok = 0;
        want = "? (unknown listed state)";
    }
    if (!state_ok)
        disagree(r, "%s piece at 0x%" PRIx64 ": state: expected %s (listed 0x%x), got %s", label,
                 g->base, want, w->state, state_name(g->state));
    if (w->state == MEM_COMMIT)
        check_piece_bytes(r, g, l->memory, l->memory_count, label);
}

static void check_memory_info(report *r, const listing *l, const memscape_space *space)
{
    size_t n;
    const memscape_region *regs = memscape_space_regions(space, &n);
    char label[48];
    for (size_t i = 0; i < l->memory_info_count; i++) {
        const listing_memory_info *w = &l->memory_info[i];
        snprintf(label, sizeof label, "info[%zu]", i);
        size_t first = 0;
        size_t pieces = tiling(r, regs, n, w->base, w->size, label, &first);
        for (size_t k = 0; k < pieces; k++)
            check_info_piece(r, l, w, &regs[first + k], label);
    }
}

static void check_linux_maps(report *r, const listing *l, const memscape_space *space)
{
    char label[48];
    for (size_t i = 0; i < l->maps_count; i++) {
        snprintf(label, sizeof label, "LinuxMaps line %zu", i);
        covered(r, space, l->maps[i].lo, l->maps[i].hi - l->maps[i].lo, label, 1);
    }
}

static void check_minidump_exception(report *r, const listing *l, const memscape_space *space)
{
    const memscape_exception *e = memscape_space_exception(space);
    const listing_exception *w = &l->exception;
    if (!w->present) {
        if (e)
            disagree(r, "exception: expected none (no Exception stream), got code 0x%x", e->code);
        return;
    }
    if (!e) {
        disagree(r, "exception: expected code 0x%x on thread 0x%x, got none", w->code,
                 w->thread_id);
        return;
    }
    check_u64(r, w->thread_id, e->thread_id, "exception.thread_id");
    check_u64(r, w->code, e->code, "exception.code");
    check_u64(r, w->flags, e->flags, "exception.flags");
    check_u64(r, w->address, e->address, "exception.address");
    check_dec(r, w->parameter_count, e->parameter_count, "exception.parameter_count");
    for (uint32_t i = 0; i < w->parameters_listed; i++)
        check_u64(r, w->parameters[i], e->parameters[i], "exception.parameters[%u]", i);
    if (!w->has_context)
        return;
    if (!e->has_context) {
        disagree(r, "exception.has_context: expected 1 (pc 0x%" PRIx64 "), got 0", w->pc);
        return;
    }
    check_u64(r, w->pc, e->pc, "exception.pc");
    check_u64(r, w->sp, e->sp, "exception.sp");
}

/* MINIDUMP_SYSTEM_INFO ProcessorArchitecture (winnt.h PROCESSOR_ARCHITECTURE_*, Breakpad's
 * 0x8001.. MD_CPU_ARCHITECTURE_* extensions). */
static memscape_arch minidump_arch(uint32_t arch)
{
    switch (arch) {
    case 0: return MEMSCAPE_ARCH_X86;
    case 1: return MEMSCAPE_ARCH_MIPS;
    case 3: return MEMSCAPE_ARCH_PPC;
    case 5: return MEMSCAPE_ARCH_ARM;
    case 9: return MEMSCAPE_ARCH_AMD64;
    case 12: return MEMSCAPE_ARCH_ARM64;
    case 0x8001: return MEMSCAPE_ARCH_SPARC;
    case 0x8002: return MEMSCAPE_ARCH_PPC64;
    case 0x8003: return MEMSCAPE_ARCH_ARM64;
    case 0x8004: return MEMSCAPE_ARCH_MIPS64;
    case 0x8006: return MEMSCAPE_ARCH_RISCV64;
    default: return MEMSCAPE_ARCH_UNKNOWN;
    }
}

/* PlatformId: VER_PLATFORM_WIN32s/WIN32_WINDOWS/WIN32_NT, then Breakpad MD_OS_*. */
static memscape_os minidump_os(uint32_t platform)
{
    switch (platform) {
    case 0: case 1: case 2: return MEMSCAPE_OS_WINDOWS;
    case 0x8101: return MEMSCAPE_OS_MACOS;
    case 0x8102: return MEMSCAPE_OS_IOS;
    case 0x8201: return MEMSCAPE_OS_LINUX;
    case 0x8202: return MEMSCAPE_OS_SOLARIS;
    case 0x8203: return MEMSCAPE_OS_ANDROID;
    case 0x8206: return MEMSCAPE_OS_FUCHSIA;
    default: return MEMSCAPE_OS_UNKNOWN;
    }
}

static void check_minidump_system(report *r, const listing *l, const memscape_space *space)
{
    const memscape_system *sys = memscape_space_system(space);
    check_enum(r, MEMSCAPE_FORMAT_MINIDUMP, sys->format, NAMES(format_names), "system.format");
    if (!l->system.present)
        return;
    check_enum(r, minidump_arch(l->system.arch), sys->arch, NAMES(arch_names),
               "system.arch (from ProcessorArchitecture)");
    check_enum(r, minidump_os(l->system.platform), sys->os, NAMES(os_names),
               "system.os (from PlatformId)");
    check_dec(r, l->system.major, sys->os_major, "system.os_major");
    check_dec(r, l->system.minor, sys->os_minor, "system.os_minor");
    check_dec(r, l->system.build, sys->os_build, "system.os_build");
    check_dec(r, l->system.cpu_count, sys->cpu_count, "system.cpu_count");
}

static void check_handles(report *r, const listing *l, const memscape_space *space)
{
    const memscape_handles *h = memscape_space_handles(space);
    check_u64(r, (uint64_t)l->has_handles, (uint64_t)(h && h->present), "handles.present");
    if (!l->has_handles || !h)
        return;
    check_dec(r, l->handle_count, h->count, "handles.count");
    uint32_t unnamed = 0;
    for (size_t i = 0; i < l->handle_type_count; i++) {
        const listing_handle_type *w = &l->handle_types[i];
        if (w->type[0] == '\0') {
            unnamed = w->count;
            continue;
        }
        uint32_t got = 0;
        for (uint32_t k = 0; k < h->type_count; k++)
            if (h->types[k].type && strcmp(h->types[k].type, w->type) == 0)
                got += h->types[k].count;
        check_dec(r, w->count, got, "handles of type '%s'", w->type);
    }
    /* Handles listed with type '' may be counted under "" or not at all; no other type. */
    for (uint32_t k = 0; k < h->type_count; k++) {
        const char *t = h->types[k].type;
        int listed = 0;
        for (size_t i = 0; i < l->handle_type_count && t; i++)
            listed |= strcmp(l->handle_types[i].type, t) == 0;
        if (!t)
            disagree(r, "handles: type[%u] has a NULL name (count %u)", k, h->types[k].count);
        else if (t[0] == '\0' && h->types[k].count != unnamed)
            disagree(r, "handles of type '': expected %u, got %u", unnamed, h->types[k].count);
        else if (!listed)
            disagree(r, "handles of type '%s': expected none, got %u", t, h->types[k].count);
    }
}

/* The listed process-level simple_annotations appear as keyed notes, in order. Other keyed
 * notes (Crashpad module annotations, which the listing does not decode) are not checked. */
static void check_annotations(report *r, const listing *l, const memscape_space *space)
{
    size_t n, next = 0;
    const memscape_note *notes = memscape_space_notes(space, &n);
    for (size_t i = 0; i < l->annotation_count; i++) {
        const listing_annotation *w = &l->annotations[i];
        size_t k = next;
        while (k < n && !(notes[k].key && strcmp(notes[k].key, w->key) == 0))
            k++;
        if (k == n) {
            disagree(r, "annotation[%zu] '%s' = '%s': no keyed note '%s' (after note %zu)", i,
                     w->key, w->value, w->key, next);
            continue;
        }
        check_str(r, w->value, notes[k].value, "annotation[%zu] (note %zu, key '%s').value", i,
                  k, w->key);
        next = k + 1;
    }
}

static void check_minidump(report *r, const listing *l, const memscape_space *space,
                           const file_bytes *file)
{
    check_streams(r, l, space);
    check_minidump_system(r, l, space);
    check_modules(r, l, space);
    check_threads(r, l, space);
    check_ranges(r, l, space, file);
    check_memory_info(r, l, space);
    check_linux_maps(r, l, space);
    check_minidump_exception(r, l, space);
    check_handles(r, l, space);
    check_annotations(r, l, space);
}

/* ---- ELF core ---------------------------------------------------------------------------- */

/* e_machine values (ELF gABI / Linux elf-em.h). */
static memscape_arch elf_arch(uint32_t machine, int elf_class)
{
    switch (machine) {
    case 2: case 18: case 43: return MEMSCAPE_ARCH_SPARC;
    case 3: return MEMSCAPE_ARCH_X86;
    case 8: return elf_class == 64 ? MEMSCAPE_ARCH_MIPS64 : MEMSCAPE_ARCH_MIPS;
    case 20: return MEMSCAPE_ARCH_PPC;
    case 21: return MEMSCAPE_ARCH_PPC64;
    case 22: return MEMSCAPE_ARCH_S390X;
    case 40: return MEMSCAPE_ARCH_ARM;
    case 62: return MEMSCAPE_ARCH_AMD64;
    case 183: return MEMSCAPE_ARCH_ARM64;
    case 243: return elf_class == 64 ? MEMSCAPE_ARCH_RISCV64 : MEMSCAPE_ARCH_UNKNOWN;
    default: return MEMSCAPE_ARCH_UNKNOWN;
    }
}

static void check_elf_system(report *r, const listing *l, const memscape_space *space)
{
    const memscape_system *sys = memscape_space_system(space);
    check_enum(r, MEMSCAPE_FORMAT_ELF_CORE, sys->format, NAMES(format_names), "system.format");
    check_enum(r, elf_arch(l->machine, l->elf_class), sys->arch, NAMES(arch_names),
               "system.arch (from e_machine)");
    check_dec(r, (uint64_t)l->elf_class / 8, sys->pointer_size, "system.pointer_size");
    check_u64(r, (uint64_t)l->big_endian, (uint64_t)(sys->big_endian != 0), "system.big_endian");
    if (l->process_name)
        check_str(r, l->process_name, sys->process_name, "system.process_name");
}

static void check_elf_threads(report *r, const listing *l, const memscape_space *space)
{
    size_t n;
    const memscape_thread *t = memscape_space_threads(space, &n);
    check_count(r, l->prstatus_count, n, "thread count (NT_PRSTATUS notes)");
    for (size_t i = 0; i < min_size(n, l->prstatus_count); i++) {
        const listing_prstatus *w = &l->prstatus[i];
        check_dec(r, w->pid, t[i].id, "thread[%zu].id (pr_pid)", i);
        if (!t[i].has_context) {
            disagree(r, "thread[%zu].has_context: expected 1 (pc 0x%" PRIx64 "), got 0", i,
                     w->pc);
            continue;
        }
        check_u64(r, w->pc, t[i].pc, "thread[%zu].pc", i);
        check_u64(r, w->sp, t[i].sp, "thread[%zu].sp", i);
    }
}

/* One module per distinct NT_FILE path, in order of first appearance, spanning its mappings. */
static void check_elf_modules(report *r, const listing *l, const memscape_space *space)
{
    if (!l->has_nt_file)
        return;  /* no NT_FILE: the listing says nothing about modules */
    size_t n, expected = 0;
    const memscape_module *m = memscape_space_modules(space, &n);
    for (size_t i = 0; i < l->file_map_count; i++) {
        const char *path = l->file_maps[i].path;
        size_t seen = 0;
        while (seen < i && strcmp(l->file_maps[seen].path, path) != 0)
            seen++;
        if (seen < i)
            continue;
        uint64_t lo = UINT64_MAX, hi = 0;
        for (size_t k = i; k < l->file_map_count; k++) {
            if (strcmp(l->file_maps[k].path, path) != 0)
                continue;
            lo = l->file_maps[k].start < lo ? l->file_maps[k].start : lo;
            hi = l->file_maps[k].end > hi ? l->file_maps[k].end : hi;
        }
        if (expected < n) {
            check_str(r, path, m[expected].name, "module[%zu].name", expected);
            check_u64(r, lo, m[expected].base, "module[%zu].base (%s)", expected, path);
            check_u64(r, hi - lo, m[expected].size, "module[%zu].size (%s)", expected, path);
        }
        expected++;
    }
    check_count(r, expected, n, "module count (distinct NT_FILE paths)");
}

/* The bytes of a PT_LOAD the file holds: filesz, clipped where the file ends. */
static uint64_t load_bytes(const listing *l, const listing_phdr *ph)
{
    if (ph->offset >= l->file_size)
        return 0;
    uint64_t left = l->file_size - ph->offset;
    return ph->filesz < left ? ph->filesz : left;
}

static void check_elf_ranges(report *r, const listing *l, const memscape_space *space,
                             const file_bytes *file)
{
    size_t n, k = 0;
    const memscape_range *g = memscape_space_ranges(space, &n);
    char label[48];
    for (size_t i = 0; i < l->phdr_count; i++) {
        const listing_phdr *ph = &l->phdrs[i];
        uint64_t bytes = load_bytes(l, ph);
        if (!ph->is_load || bytes == 0)
            continue;
        snprintf(label, sizeof label, "ph[%u]", ph->index);
        if (k < n) {
            check_u64(r, ph->vaddr, g[k].base, "range %zu (%s).base", k, label);
            check_u64(r, bytes, g[k].size, "range %zu (%s).size", k, label);
            check_u64(r, ph->offset, g[k].file_offset, "range %zu (%s).file_offset", k, label);
        }
        check_range_bytes(r, space, file, ph->vaddr, bytes, ph->offset, label);
        k++;
    }
    check_count(r, k, n, "memory range count (PT_LOADs with filesz > 0)");
}

/* p_flags as the listing prints them, in the PAGE_* encoding of space.h. */
static int elf_protect(const char *flags, uint32_t *protect)
{
    static const struct {
        const char *flags;
        uint32_t protect;
    } table[] = {
        {"---", MEMSCAPE_PROT_NOACCESS}, {"R--", MEMSCAPE_PROT_R}, {"RW-", MEMSCAPE_PROT_RW},
        {"R-X", MEMSCAPE_PROT_RX}, {"RWX", MEMSCAPE_PROT_RWX}, {"--X", MEMSCAPE_PROT_X},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(table[i].flags, flags) == 0) {
            *protect = table[i].protect;
            return 1;
        }
    }
    return 0;
}

static void check_load_piece(report *r, const listing_phdr *ph, uint64_t bytes,
                             const memscape_region *g, const char *label)
{
    uint64_t delta = g->base - ph->vaddr;
    uint32_t protect;
    if (elf_protect(ph->flags, &protect))
        check_u64(r, protect, g->protect, "%s (%s) piece at 0x%" PRIx64 ": protect", label,
                  ph->flags, g->base);
    if (delta < bytes) {
        if (g->size > bytes - delta)
            disagree(r, "%s piece [0x%" PRIx64 ", +0x%" PRIx64 "): straddles the end of the "
                     "file bytes at 0x%" PRIx64, label, g->base, g->size, ph->vaddr + bytes);
        if (g->state != MEMSCAPE_STATE_COMMITTED)
            disagree(r, "%s piece at 0x%" PRIx64 ": state: expected committed, got %s", label,
                     g->base, state_name(g->state));
        check_u64(r, ph->offset + delta, g->file_offset, "%s piece at 0x%" PRIx64
                  ": file_offset", label, g->base);
    } else {
        if (g->state != MEMSCAPE_STATE_NOT_CAPTURED)
            disagree(r, "%s piece at 0x%" PRIx64 ": state: expected not-captured (beyond "
                     "filesz), got %s", label, g->base, state_name(g->state));
        if (g->file_offset != MEMSCAPE_NO_OFFSET)
            disagree(r, "%s piece at 0x%" PRIx64 ": file_offset: expected none, got 0x%"
                     PRIx64, label, g->base, g->file_offset);
    }
}

static void check_elf_regions(report *r, const listing *l, const memscape_space *space)
{
    size_t n;
    const memscape_region *regs = memscape_space_regions(space, &n);
    char label[48];
    for (size_t i = 0; i < l->phdr_count; i++) {
        const listing_phdr *ph = &l->phdrs[i];
        if (!ph->is_load || ph->memsz == 0)
            continue;
        snprintf(label, sizeof label, "ph[%u] LOAD", ph->index);
        size_t first = 0;
        size_t pieces = tiling(r, regs, n, ph->vaddr, ph->memsz, label, &first);
        for (size_t k = 0; k < pieces; k++)
            check_load_piece(r, ph, load_bytes(l, ph), &regs[first + k], label);
    }
}

/* The siginfo that goes with prstatus note p: the first after it and before the next prstatus,
 * else the first in the file (the kernel writes one per process). */
static const listing_siginfo *siginfo_for(const listing *l, size_t p)
{
    uint32_t after = l->prstatus[p].note_index;
    uint32_t before = p + 1 < l->prstatus_count ? l->prstatus[p + 1].note_index : UINT32_MAX;
    for (size_t i = 0; i < l->siginfo_count; i++)
        if (l->siginfo[i].note_index > after && l->siginfo[i].note_index < before)
            return &l->siginfo[i];
    return l->siginfo_count ? &l->siginfo[0] : NULL;
}

static void check_elf_exception(report *r, const listing *l, const memscape_space *space)
{
    const memscape_exception *e = memscape_space_exception(space);
    size_t p = 0;
    while (p < l->prstatus_count && l->prstatus[p].cursig == 0)
        p++;
    if (p == l->prstatus_count) {
        if (e)
            disagree(r, "exception: expected none (every pr_cursig is 0), got code 0x%x",
                     e->code);
        return;
    }
    const listing_prstatus *w = &l->prstatus[p];
    if (!e) {
        disagree(r, "exception: expected signal %d on thread %u, got none", w->cursig, w->pid);
        return;
    }
    check_dec(r, w->pid, e->thread_id, "exception.thread_id (prstatus %zu pr_pid)", p);
    check_dec(r, (uint32_t)w->cursig, e->code, "exception.code (pr_cursig)");
    const listing_siginfo *si = siginfo_for(l, p);
    if (si) {
        check_u64(r, si->addr, e->address, "exception.address (si_addr)");
        check_u64(r, (uint32_t)si->code, e->flags, "exception.flags (si_code %d)", si->code);
    }
}

static void check_elf(report *r, const listing *l, const memscape_space *space,
                      const file_bytes *file)
{
    check_elf_system(r, l, space);
    check_elf_threads(r, l, space);
    check_elf_modules(r, l, space);
    check_elf_ranges(r, l, space, file);
    check_elf_regions(r, l, space);
    check_elf_exception(r, l, space);
}

/* ---- the tests --------------------------------------------------------------------------- */

static void test_corpus_dump_matches_listing(void **state)
{
    const corpus_case *c = *state;
    listing l;
    char why[512];
    if (listing_parse_file(c->listing_path, &l, why, sizeof why) != 0)
        fail_msg("%s: cannot parse the listing %s: %s", c->name, c->listing_path, why);
    memscape_dump *dump = NULL;
    memscape_error err = {0};
    memscape_status st = memscape_dump_open(&dump, c->dump_path, NULL, &err);
    if (l.kind == LISTING_NOT_A_DUMP) {
        listing_free(&l);
        memscape_dump_free(dump);
        if (st != MEMSCAPE_EFORMAT || err.offset != 0)
            fail_msg("%s: not a dump per its listing: expected MEMSCAPE_EFORMAT at offset 0, "
                     "got %s at offset 0x%" PRIx64 " (%s)", c->name, status_name(st),
                     err.offset, err.msg);
        return;
    }
    if (st != MEMSCAPE_OK) {
        listing_free(&l);
        fail_msg("%s: memscape_dump_open failed: %s at offset 0x%" PRIx64 ": %s", c->name,
                 status_name(st), err.offset, err.msg);
    }
    file_bytes file = {0};
    if (read_file(c->dump_path, &file) != 0) {
        listing_free(&l);
        memscape_dump_free(dump);
        fail_msg("%s: cannot read the dump: %s", c->dump_path, strerror(errno));
    }
    report r = {.dump = c->name};
    const memscape_space *space = memscape_dump_space(dump);
    if (l.kind == LISTING_MINIDUMP)
        check_minidump(&r, &l, space, &file);
    else
        check_elf(&r, &l, space, &file);
    finish_report(&r);
    free(file.data);
    memscape_dump_free(dump);
    listing_free(&l);
    if (r.count)
        fail_msg("%s: %u disagreement(s) with the listing (lines above)", c->name, r.count);
}

static void test_corpus_malformed_fails_as_expected(void **state)
{
    const corpus_case *c = *state;
    const expected_failure *f = c->failure;
    memscape_dump *dump = NULL;
    memscape_error err = {0};
    memscape_status st = memscape_dump_open(&dump, c->dump_path, NULL, &err);
    if (st == MEMSCAPE_OK) {
        memscape_dump_free(dump);
        fail_msg("%s: opened, but must fail with %s at offset 0x%" PRIx64, c->name,
                 status_name(f->code), f->offset);
    }
    if (st != f->code || err.offset != f->offset)
        fail_msg("%s: expected %s at offset 0x%" PRIx64 ", got %s at offset 0x%" PRIx64 ": %s",
                 c->name, status_name(f->code), f->offset, status_name(st), err.offset,
                 err.msg);
}

/* The corpus holds both kinds, and every file the failure table names is there. */
static void test_corpus_discovery_finds_dumps(void **state)
{
    const corpus *cp = *state;
    if (cp->per_kind[0] == 0 || cp->per_kind[1] == 0)
        fail_msg("corpus %s: found %zu minidumps and %zu ELF cores with listings; expected both",
                 cp->dir, cp->per_kind[0], cp->per_kind[1]);
    for (size_t i = 0; i < EXPECTED_FAILURE_COUNT; i++) {
        size_t k = 0;
        while (k < cp->count && strcmp(cp->cases[k].name, expected_failures[i].name) != 0)
            k++;
        if (k == cp->count)
            fail_msg("corpus %s: %s (in the expected-failure table) is missing", cp->dir,
                     expected_failures[i].name);
    }
}

/* ---- discovery --------------------------------------------------------------------------- */

static char *join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

static int is_regular(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int add_case(corpus *cp, const char *kind_dir, const char *kind, const char *file)
{
    corpus_case c = {0};
    c.dump_path = join(kind_dir, "/", file);
    c.listing_path = c.dump_path ? join(c.dump_path, LISTING_SUFFIX, "") : NULL;
    c.name = join(kind, "/", file);
    if (!c.dump_path || !c.listing_path || !c.name)
        return -1;
    if (!is_regular(c.listing_path)) {  /* only dumps with a listing are checked */
        free(c.dump_path);
        free(c.listing_path);
        free(c.name);
        return 0;
    }
    for (size_t i = 0; i < EXPECTED_FAILURE_COUNT; i++)
        if (strcmp(expected_failures[i].name, c.name) == 0)
            c.failure = &expected_failures[i];
    c.test_name = join(c.failure ? "test_corpus_malformed_fails_as_expected: "
                                 : "test_corpus_dump_matches_listing: ", c.name, "");
    corpus_case *grown = realloc(cp->cases, (cp->count + 1) * sizeof *grown);
    if (!c.test_name || !grown)
        return -1;
    cp->cases = grown;
    cp->cases[cp->count++] = c;
    return 1;
}

static int discover_kind(corpus *cp, const char *kind, size_t *found)
{
    char *kind_dir = join(cp->dir, "/", kind);
    if (!kind_dir)
        return -1;
    DIR *d = opendir(kind_dir);
    if (!d) {
        free(kind_dir);
        return 0;
    }
    int r = 0;
    for (struct dirent *e = readdir(d); e && r >= 0; e = readdir(d)) {
        if (e->d_name[0] == '.' || has_suffix(e->d_name, LISTING_SUFFIX))
            continue;
        r = add_case(cp, kind_dir, kind, e->d_name);
        *found += r > 0;
    }
    closedir(d);
    free(kind_dir);
    return r < 0 ? -1 : 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const corpus_case *)a)->name, ((const corpus_case *)b)->name);
}

static void free_corpus(corpus *cp)
{
    for (size_t i = 0; i < cp->count; i++) {
        free(cp->cases[i].name);
        free(cp->cases[i].dump_path);
        free(cp->cases[i].listing_path);
        free(cp->cases[i].test_name);
    }
    free(cp->cases);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv("MEMSCAPE_CORPUS_DIR");
    struct stat sb;
    if (!dir || stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        printf("corpus not found at %s: skipping\n", dir ? dir : "(no folder given)");
        return SKIP_EXIT_CODE;
    }
    corpus the_corpus = {.dir = dir};
    corpus *cp = &the_corpus;
    if (discover_kind(cp, "minidump", &cp->per_kind[0]) != 0 ||
        discover_kind(cp, "elfcore", &cp->per_kind[1]) != 0) {
        fprintf(stderr, "corpus %s: out of memory while listing it\n", dir);
        return 1;
    }
    qsort(cp->cases, cp->count, sizeof *cp->cases, by_name);
    struct CMUnitTest *tests = calloc(cp->count + 1, sizeof *tests);
    if (!tests) {
        free_corpus(cp);
        return 1;
    }
    tests[0] = (struct CMUnitTest){"test_corpus_discovery_finds_dumps",
                                   test_corpus_discovery_finds_dumps, NULL, NULL, cp};
    for (size_t i = 0; i < cp->count; i++) {
        corpus_case *c = &cp->cases[i];
        tests[i + 1] = (struct CMUnitTest){
            c->test_name,
            c->failure ? test_corpus_malformed_fails_as_expected
                       : test_corpus_dump_matches_listing,
            NULL, NULL, c};
    }
    int failed = _cmocka_run_group_tests("corpus", tests, cp->count + 1, NULL, NULL);
    free(tests);
    free_corpus(cp);
    return failed;
}
