/* SPDX-License-Identifier: MIT */
/* The walk every fuzz target and the corruption suite run over an opened space. It touches
 * every accessor (so ASan sees every pointer the library hands out) and checks the promises of
 * include/memscape/space.h against the input bytes, independently of how the library keeps
 * them: regions sorted and disjoint, bytes inside the input, the region table, the read call
 * and the chunk iterator agreeing on where each present byte lives. */
#include "fuzz_walk.h"
#include "memscape/patterns.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How much of each region memscape_space_read() is asked for, and for how many regions:
 * enough to cross run boundaries, small enough to keep fuzzing fast. */
#define READ_WINDOW 4096u
#define READ_REGIONS 64u

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int broken(char *why, size_t why_size, const char *fmt, ...)
{
    if (why && why_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_size, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Does [off, off+len) lie inside an input of size bytes? Never overflows. */
static int inside(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

/* strlen that cannot run away on a string missing its terminator (ASan reports the overrun). */
static size_t touch_string(const char *s)
{
    return s ? strlen(s) : 0;
}

memscape_limits fuzz_tight_limits(void)
{
    memscape_limits l = memscape_limits_default();
    l.max_streams = 1024;
    l.max_modules = 4096;
    l.max_threads = 4096;
    l.max_regions = 65536;
    l.max_ranges = 65536;
    l.max_note_size = 1u << 20;
    l.max_string = 4096;
    l.max_text_stream = 1u << 20;
    l.max_handles = 65536;
    l.max_annotations = 1024;
    l.max_warnings = 16;
    return l;
}

int fuzz_check_error(memscape_status st, const memscape_error *err, size_t input_size,
                     char *why, size_t why_size)
{
    if (st == MEMSCAPE_OK)
        return broken(why, why_size, "a failed open returned MEMSCAPE_OK");
    if ((unsigned)st > (unsigned)MEMSCAPE_EUNSUPPORTED)
        return broken(why, why_size, "unknown status %u", (unsigned)st);
    if (err->code != st)
        return broken(why, why_size, "err.code %u differs from the status %u",
                      (unsigned)err->code, (unsigned)st);
    const char *end = memchr(err->msg, '\0', sizeof err->msg);
    if (!end)
        return broken(why, why_size, "err.msg is not NUL-terminated");
    if (end == err->msg)
        return broken(why, why_size, "err.msg is empty (%s)", memscape_strerror(st));
    if (strpbrk(err->msg, "\r\n"))
        return broken(why, why_size, "err.msg is more than one line: %s", err->msg);
    /* An offset may name the end of the input (where more bytes were expected). */
    if (err->offset != MEMSCAPE_NO_OFFSET && err->offset > input_size)
        return broken(why, why_size, "err.offset 0x%llx is past the input (0x%zx bytes): %s",
                      (unsigned long long)err->offset, input_size, err->msg);
    return 0;
}

static int walk_system(const memscape_space *space, char *why, size_t why_size)
{
    const memscape_system *sys = memscape_space_system(space);
    if (!sys)
        return broken(why, why_size, "memscape_space_system returned NULL");
    touch_string(sys->os_detail);
    touch_string(sys->process_name);
    touch_string(sys->command_line);
    touch_string(memscape_format_name(sys->format));
    touch_string(memscape_os_name(sys->os));
    touch_string(memscape_arch_name(sys->arch));
    if (sys->pointer_size != 0 && sys->pointer_size != 4 && sys->pointer_size != 8)
        return broken(why, why_size, "pointer_size %u", sys->pointer_size);
    return 0;
}

/* Regions: sorted, disjoint, non-empty; bytes in the file exactly when COMMITTED; indexes
 * valid; find_region finds each one by its first and last byte. */
static int walk_regions(const memscape_space *space, uint64_t input_size, uint64_t *committed,
                        char *why, size_t why_size)
{
    size_t n, nmod, nthr;
    const memscape_region *r = memscape_space_regions(space, &n);
    memscape_space_modules(space, &nmod);
    memscape_space_threads(space, &nthr);
    *committed = 0;
    for (size_t i = 0; i < n; i++) {
        char prot[64];
        memscape_protect_format(r[i].protect, prot, sizeof prot);
        touch_string(memscape_state_name(r[i].state));
        touch_string(memscape_type_name(r[i].type));
        touch_string(memscape_usage_name(r[i].usage));
        touch_string(r[i].name);
        if (r[i].size == 0)
            return broken(why, why_size, "region %zu at 0x%llx is empty", i,
                          (unsigned long long)r[i].base);
        if (r[i].size - 1 > UINT64_MAX - r[i].base)
            return broken(why, why_size, "region %zu passes the end of the address space", i);
        if (i + 1 < n && (r[i + 1].base < r[i].base || r[i + 1].base - r[i].base < r[i].size))
            return broken(why, why_size, "regions %zu (0x%llx+0x%llx) and %zu (0x%llx) are "
                          "not sorted and disjoint", i, (unsigned long long)r[i].base,
                          (unsigned long long)r[i].size, i + 1,
                          (unsigned long long)r[i + 1].base);
        int has_bytes = r[i].file_offset != MEMSCAPE_NO_OFFSET;
        if (has_bytes != (r[i].state == MEMSCAPE_STATE_COMMITTED))
            return broken(why, why_size, "region %zu: state %s but file_offset 0x%llx", i,
                          memscape_state_name(r[i].state),
                          (unsigned long long)r[i].file_offset);
        if (has_bytes && !inside(r[i].file_offset, r[i].size, input_size))
            return broken(why, why_size, "region %zu: bytes 0x%llx+0x%llx outside the input "
                          "(0x%llx bytes)", i, (unsigned long long)r[i].file_offset,
                          (unsigned long long)r[i].size, (unsigned long long)input_size);
        if (has_bytes)
            *committed += r[i].size;
        if (r[i].module_index != MEMSCAPE_NO_INDEX && r[i].module_index >= nmod)
            return broken(why, why_size, "region %zu: module_index %u of %zu", i,
                          r[i].module_index, nmod);
        if (r[i].thread_index != MEMSCAPE_NO_INDEX && r[i].thread_index >= nthr)
            return broken(why, why_size, "region %zu: thread_index %u of %zu", i,
                          r[i].thread_index, nthr);
        if (memscape_space_find_region(space, r[i].base) != &r[i] ||
            memscape_space_find_region(space, r[i].base + (r[i].size - 1)) != &r[i])
            return broken(why, why_size, "find_region misses region %zu (0x%llx+0x%llx)", i,
                          (unsigned long long)r[i].base, (unsigned long long)r[i].size);
    }
    return 0;
}

/* memscape_space_read over a window of each committed region (at most READ_REGIONS of them,
 * spread over the table) must return exactly the input bytes at the region's file offset. */
static int read_regions(const memscape_space *space, const uint8_t *input, char *why,
                        size_t why_size)
{
    static uint8_t buf[READ_WINDOW];
    size_t n;
    const memscape_region *r = memscape_space_regions(space, &n);
    size_t step = n > READ_REGIONS ? n / READ_REGIONS : 1;
    for (size_t i = 0; i < n; i += step) {
        size_t len = r[i].size < READ_WINDOW ? (size_t)r[i].size : READ_WINDOW;
        size_t got = memscape_space_read(space, r[i].base, buf, len);
        if (got > len)
            return broken(why, why_size, "read of %zu bytes says %zu were present", len, got);
        if (r[i].file_offset == MEMSCAPE_NO_OFFSET)
            continue;
        if (got != len || memcmp(buf, input + r[i].file_offset, len) != 0)
            return broken(why, why_size, "read at region %zu (0x%llx) does not return the "
                          "bytes at file offset 0x%llx", i, (unsigned long long)r[i].base,
                          (unsigned long long)r[i].file_offset);
    }
    return 0;
}

/* Does the region table put the byte at addr at input offset want? */
static int region_agrees(const memscape_space *space, uint64_t addr, uint64_t want)
{
    const memscape_region *r = memscape_space_find_region(space, addr);
    return r && r->file_offset != MEMSCAPE_NO_OFFSET && r->file_offset + (addr - r->base) == want;
}

/* Every chunk in increasing address order, disjoint, borrowed from inside the input, and at
 * the place the region table says. Returns the bytes seen through total. */
typedef struct chunk_walk {
    uint64_t lo, hi;
    size_t max_chunk;
    uint64_t range_bytes;            /* sum of the ranges' sizes: bounds the present bytes */
} chunk_walk;

static int walk_chunks(const memscape_space *space, const uint8_t *input, uint64_t input_size,
                       const chunk_walk *w, uint64_t *total, char *why, size_t why_size)
{
    uint64_t lo = w->lo, hi = w->hi;
    size_t max_chunk = w->max_chunk, nranges;
    memscape_space_ranges(space, &nranges);
    /* Cutting overlaps turns n ranges into at most 2n-1 runs; splitting by max_chunk adds at
     * most one chunk per max_chunk present bytes, and ranges may share file bytes, so the
     * present bytes are bounded by the ranges' sizes, not by the input. Anything past this
     * bound is an iterator that does not advance. */
    uint64_t cap = 2 * (uint64_t)nranges + 1;
    if (max_chunk)
        cap += w->range_bytes / max_chunk;
    memscape_chunk_iter it;
    memscape_chunk c;
    uint64_t next_free = lo, count = 0;
    *total = 0;
    memscape_chunks_begin(&it, space, lo, hi, max_chunk);
    while (memscape_chunks_next(&it, &c)) {
        if (++count > cap)
            return broken(why, why_size, "chunk walk does not end (%llu chunks, %zu ranges)",
                          (unsigned long long)count, nranges);
        if (c.size == 0 || (max_chunk && c.size > max_chunk))
            return broken(why, why_size, "chunk at 0x%llx has size %zu (max %zu)",
                          (unsigned long long)c.addr, c.size, max_chunk);
        if (c.addr < next_free || c.addr >= hi || c.size > hi - c.addr)
            return broken(why, why_size, "chunk 0x%llx+0x%zx out of order or outside "
                          "[0x%llx, 0x%llx)", (unsigned long long)c.addr, c.size,
                          (unsigned long long)next_free, (unsigned long long)hi);
        if (c.data < input || !inside((uint64_t)(c.data - input), c.size, input_size))
            return broken(why, why_size, "chunk at 0x%llx points outside the input",
                          (unsigned long long)c.addr);
        uint64_t off = (uint64_t)(c.data - input);
        if (!region_agrees(space, c.addr, off) ||
            !region_agrees(space, c.addr + (c.size - 1), off + (c.size - 1)))
            return broken(why, why_size, "chunk 0x%llx+0x%zx (file 0x%llx) and the region "
                          "table disagree", (unsigned long long)c.addr, c.size,
                          (unsigned long long)off);
        next_free = c.addr + c.size;
        *total += c.size;
    }
    return 0;
}

static int walk_ranges(const memscape_space *space, uint64_t input_size, uint64_t *sum,
                       char *why, size_t why_size)
{
    size_t n;
    const memscape_range *r = memscape_space_ranges(space, &n);
    *sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!inside(r[i].file_offset, r[i].size, input_size))
            return broken(why, why_size, "range %zu: bytes 0x%llx+0x%llx outside the input "
                          "(0x%llx bytes)", i, (unsigned long long)r[i].file_offset,
                          (unsigned long long)r[i].size, (unsigned long long)input_size);
        *sum += r[i].size;   /* cannot wrap: each size is at most input_size */
    }
    return 0;
}

static int walk_module_list(const memscape_space *space, const memscape_module *m, size_t n,
                            int loaded, char *why, size_t why_size)
{
    size_t nmod;
    const memscape_module *all = memscape_space_modules(space, &nmod);
    for (size_t i = 0; i < n; i++) {
        if (!m[i].name)
            return broken(why, why_size, "module %zu has a NULL name", i);
        touch_string(m[i].name);
        touch_string(m[i].debug_file);
        touch_string(m[i].debug_id);
        touch_string(m[i].code_id);
        if (!loaded || m[i].size == 0)
            continue;
        const memscape_module *found = memscape_space_find_module(space, m[i].base);
        if (found && (found < all || found >= all + nmod ||
                      m[i].base - found->base >= found->size))
            return broken(why, why_size, "find_module(0x%llx) returned a module that does not "
                          "hold it", (unsigned long long)m[i].base);
    }
    return 0;
}

static int walk_records(const memscape_space *space, char *why, size_t why_size)
{
    size_t n, total;
    const memscape_module *m = memscape_space_modules(space, &n);
    if (walk_module_list(space, m, n, 1, why, why_size))
        return -1;
    m = memscape_space_unloaded_modules(space, &n);
    if (walk_module_list(space, m, n, 0, why, why_size))
        return -1;
    const memscape_thread *t = memscape_space_threads(space, &n);
    for (size_t i = 0; i < n; i++)
        touch_string(t[i].name);
    const memscape_exception *e = memscape_space_exception(space);
    if (e && e->parameter_count > MEMSCAPE_MAX_EXCEPTION_PARAMETERS)
        return broken(why, why_size, "exception has %u parameters", e->parameter_count);
    const memscape_note *notes = memscape_space_notes(space, &n);
    for (size_t i = 0; i < n; i++) {
        touch_string(notes[i].key);
        touch_string(notes[i].value);
    }
    const memscape_stream *s = memscape_space_streams(space, &n);
    volatile uint32_t sink = 0; /* the directory as read: no invariant, but ASan sees it */
    for (size_t i = 0; i < n; i++)
        sink ^= s[i].type ^ s[i].size ^ s[i].rva;
    (void)sink;
    const memscape_warning *w = memscape_space_warnings(space, &n, &total);
    if (n > total)
        return broken(why, why_size, "%zu warnings kept of %zu", n, total);
    for (size_t i = 0; i < n; i++)
        if (!w[i].message || strpbrk(w[i].message, "\r\n"))
            return broken(why, why_size, "warning %zu is NULL or more than one line", i);
    const memscape_handles *h = memscape_space_handles(space);
    uint64_t typed = 0;
    for (uint32_t i = 0; h && i < h->type_count; i++) {
        if (!h->types[i].type)
            return broken(why, why_size, "handle type %u has a NULL name", i);
        touch_string(h->types[i].type);
        if (i > 0 && h->types[i].count > h->types[i - 1].count)
            return broken(why, why_size, "handle types are not sorted by count");
        typed += h->types[i].count;
    }
    if (h && typed > h->count)
        return broken(why, why_size, "handle types count %llu handles of %u",
                      (unsigned long long)typed, h->count);
    return 0;
}

/* The detectors over whatever the reader made: every finding names a catalogue pattern and
 * carries readable evidence. A hostile dump may make them find anything, never crash. */
static int walk_findings(const memscape_space *space, char *why, size_t why_size)
{
    memscape_findings *findings = NULL;
    memscape_error err = {0};
    memscape_detect_options opts = {.threads = 1};
    memscape_status st = memscape_detect(&findings, space, &opts, &err);
    if (st != MEMSCAPE_OK)
        return st == MEMSCAPE_ENOMEM ? 0 : broken(why, why_size, "detect failed: %s", err.msg);
    size_t n;
    const memscape_finding *f = memscape_findings_items(findings, &n);
    int bad = 0;
    for (size_t i = 0; i < n && !bad; i++) {
        bad = !f[i].pattern || memscape_pattern_find(f[i].pattern->id) != f[i].pattern;
        touch_string(f[i].module);
        for (size_t k = 0; k < f[i].evidence_count && !bad; k++) {
            bad = !f[i].evidence[k].key || !f[i].evidence[k].value;
            touch_string(f[i].evidence[k].value);
        }
    }
    memscape_findings_free(findings);
    return bad ? broken(why, why_size, "a finding without a catalogue pattern or evidence") : 0;
}

int fuzz_walk_space(const memscape_space *space, const uint8_t *input, size_t input_size,
                    fuzz_walk_stats *stats, char *why, size_t why_size)
{
    uint64_t committed, range_bytes, chunk_bytes, part_bytes, split_bytes;
    if (walk_system(space, why, why_size) ||
        walk_regions(space, input_size, &committed, why, why_size) ||
        walk_ranges(space, input_size, &range_bytes, why, why_size) ||
        walk_records(space, why, why_size) || walk_findings(space, why, why_size) ||
        read_regions(space, input, why, why_size) ||
        walk_chunks(space, input, input_size, &(chunk_walk){0, UINT64_MAX, 0, range_bytes},
                    &chunk_bytes, why, why_size))
        return -1;
    if (chunk_bytes != committed)
        return broken(why, why_size, "chunks hold 0x%llx bytes, committed regions 0x%llx",
                      (unsigned long long)chunk_bytes, (unsigned long long)committed);
    if (chunk_bytes > range_bytes)
        return broken(why, why_size, "chunks hold 0x%llx bytes, more than the ranges' 0x%llx",
                      (unsigned long long)chunk_bytes, (unsigned long long)range_bytes);
    /* The same bytes again in small pieces, from the middle of the first region with bytes:
     * split runs must add up to what the unsplit walk sees over the same interval. Pieces
     * grow with the bytes so a dump whose ranges share bytes cannot make this walk long. */
    size_t piece = range_bytes >> 16 > 4096 ? (size_t)(range_bytes >> 16) : 4096;
    size_t n;
    const memscape_region *r = memscape_space_regions(space, &n);
    for (size_t i = 0; i < n; i++) {
        if (r[i].file_offset == MEMSCAPE_NO_OFFSET)
            continue;
        uint64_t lo = r[i].base + r[i].size / 2;
        chunk_walk whole = {lo, UINT64_MAX, 0, range_bytes};
        chunk_walk split = {lo, UINT64_MAX, piece, range_bytes};
        if (walk_chunks(space, input, input_size, &whole, &part_bytes, why, why_size) ||
            walk_chunks(space, input, input_size, &split, &split_bytes, why, why_size))
            return -1;
        if (part_bytes != split_bytes)
            return broken(why, why_size, "chunks from 0x%llx: 0x%llx bytes whole, 0x%llx "
                          "split", (unsigned long long)lo, (unsigned long long)part_bytes,
                          (unsigned long long)split_bytes);
        break;
    }
    if (stats) {
        memscape_space_regions(space, &stats->regions);
        memscape_space_ranges(space, &stats->ranges);
        stats->chunk_bytes = chunk_bytes;
    }
    return 0;
}

memscape_status fuzz_open_and_walk(const uint8_t *data, size_t size,
                                   const memscape_open_options *opts, memscape_format format,
                                   fuzz_walk_stats *stats)
{
    char why[512];
    memscape_dump *dump = NULL;
    memscape_error err;
    memset(&err, 0xa5, sizeof err); /* a reader that forgets to fill err shows up */
    memscape_status st = memscape_dump_open_memory(&dump, data, size, opts, &err);
    if (st != MEMSCAPE_OK) {
        if (dump) {
            fprintf(stderr, "fuzz: a failed open wrote *out\n");
            abort();
        }
        if (fuzz_check_error(st, &err, size, why, sizeof why)) {
            fprintf(stderr, "fuzz: bad error report: %s\n", why);
            abort();
        }
        return st;
    }
    const memscape_space *space = memscape_dump_space(dump);
    if (memscape_dump_file_size(dump) != size) {
        fprintf(stderr, "fuzz: dump file size %llu, input %zu\n",
                (unsigned long long)memscape_dump_file_size(dump), size);
        abort();
    }
    if (format != MEMSCAPE_FORMAT_UNKNOWN && memscape_space_system(space)->format != format) {
        fprintf(stderr, "fuzz: opened as %s, expected %s\n",
                memscape_format_name(memscape_space_system(space)->format),
                memscape_format_name(format));
        abort();
    }
    if (fuzz_walk_space(space, data, size, stats, why, sizeof why)) {
        fprintf(stderr, "fuzz: broken invariant: %s\n", why);
        abort();
    }
    memscape_dump_free(dump);
    return st;
}
