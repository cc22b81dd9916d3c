/* SPDX-License-Identifier: MIT */
/* Patterns read from memory contents: problem-vocabulary and execution-residue.
 *
 * problem-vocabulary reads every present byte once (in parallel when there are many), looking
 * for the words of the vocabulary (vocabulary.c). Matches in the read-only pages of a module's
 * image are counted apart and make no finding: they are strings compiled into the module
 * (import names such as TerminateProcess or MessageBoxW, messages in .rodata) that every
 * process holds, not words the program produced.
 *
 * execution-residue reads, for each thread, the stack below its stack pointer: memory that
 * earlier calls used and left behind. Values there that point into a module's code are return
 * addresses (or function pointers) of calls that have returned: the thread's recent past. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "patterns/detector.h"
#include "patterns/vocabulary.h"
#include "space_build.h" /* memscape_space_release_file_bytes */
#include "util/checked.h"
#include "util/text.h"

static void failed_for_memory(memscape_detection *d)
{
    memscape_detection_fail(d, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "patterns: out of memory");
}

/* "00000000`7726135a" (64-bit) or "7726135a" (32-bit), as WinDbg prints addresses. */
#define ADDRESS_TEXT 20
static const char *windbg_address(char buf[ADDRESS_TEXT], uint64_t addr, uint32_t pointer_size)
{
    if (pointer_size == 4 && addr <= UINT32_MAX)
        snprintf(buf, ADDRESS_TEXT, "%08" PRIx64, addr);
    else
        snprintf(buf, ADDRESS_TEXT, "%08" PRIx32 "`%08" PRIx32, (uint32_t)(addr >> 32),
                 (uint32_t)addr);
    return buf;
}

/* Basename of a path with '/' or '\' separators. */
static int protect_known(uint32_t protect)
{
    return (protect & MEMSCAPE_PROT_BASE_MASK) != MEMSCAPE_PROT_NONE;
}

static int protect_writable(uint32_t protect)
{
    uint32_t base = protect & MEMSCAPE_PROT_BASE_MASK;
    return base == MEMSCAPE_PROT_RW || base == MEMSCAPE_PROT_WC || base == MEMSCAPE_PROT_RWX ||
           base == MEMSCAPE_PROT_WCX;
}

static int protect_executable(uint32_t protect)
{
    uint32_t base = protect & MEMSCAPE_PROT_BASE_MASK;
    return base == MEMSCAPE_PROT_X || base == MEMSCAPE_PROT_RX || base == MEMSCAPE_PROT_RWX ||
           base == MEMSCAPE_PROT_WCX;
}

/* ---- problem-vocabulary ------------------------------------------------------------------ */

/* Addresses a finding lists; chunks handed to one worker at a time (pages are given back to
 * the kernel after each, so the scan holds at most this much of the dump per worker); and
 * the present bytes below which one more worker is not worth starting. */
#define FIRST_ADDRESSES 4u
#define SCAN_CHUNK ((size_t)8 << 20)
#define BYTES_PER_WORKER ((uint64_t)32 << 20)
#define MAX_WORKERS 64u

typedef struct word_tally {
    uint64_t count;                 /* matches outside read-only module image pages */
    uint64_t in_image;              /* matches inside them: not counted */
    uint64_t first[FIRST_ADDRESSES];/* the lowest addresses of the counted ones, ascending */
    size_t first_count;
} word_tally;

typedef struct vocabulary_scan {
    const memscape_space *space;
    const memscape_word_search *search;
    pthread_mutex_t lock;           /* guards chunks */
    memscape_chunk_iter chunks;
} vocabulary_scan;

typedef struct vocabulary_worker {
    vocabulary_scan *scan;
    word_tally *tallies;            /* one per pattern */
    uint64_t image_lo, image_hi;    /* the last read-only image range found, to skip lookups */
    pthread_t thread;
    int started;
} vocabulary_worker;

/* Keep addr among the FIRST_ADDRESSES lowest of list (ascending, no duplicates). */
static void keep_lowest(uint64_t *list, size_t *n, uint64_t addr)
{
    size_t i = *n;
    while (i > 0 && list[i - 1] > addr)
        i--;
    if ((i > 0 && list[i - 1] == addr) || i == FIRST_ADDRESSES)
        return;
    size_t end = *n < FIRST_ADDRESSES ? *n : FIRST_ADDRESSES - 1;
    memmove(&list[i + 1], &list[i], (end - i) * sizeof *list);
    list[i] = addr;
    if (*n < FIRST_ADDRESSES)
        (*n)++;
}

/* Is addr in a module's image, in pages that are not writable (or of unknown protection)? */
static int in_read_only_image(vocabulary_worker *w, uint64_t addr)
{
    if (addr >= w->image_lo && addr < w->image_hi)
        return 1;
    const memscape_space *space = w->scan->space;
    const memscape_module *m = memscape_space_find_module(space, addr);
    if (!m)
        return 0;
    uint64_t lo = m->base, hi = memscape_end_clamped(m->base, m->size);
    const memscape_region *r = memscape_space_find_region(space, addr);
    if (r) {
        if (protect_known(r->protect) && protect_writable(r->protect))
            return 0;
        uint64_t r_hi = memscape_end_clamped(r->base, r->size);
        lo = r->base > lo ? r->base : lo;
        hi = r_hi < hi ? r_hi : hi;
    }
    w->image_lo = lo;
    w->image_hi = hi;
    return 1;
}

static void on_word(void *ctx, uint64_t addr, size_t pattern)
{
    vocabulary_worker *w = ctx;
    word_tally *t = &w->tallies[pattern];
    if (in_read_only_image(w, addr)) {
        t->in_image++;
        return;
    }
    t->count++;
    keep_lowest(t->first, &t->first_count, addr);
}

/* The matches that start in the contiguous present bytes just before the chunk and end in
 * it: the chunk's bytes alone cannot show them. A match ends in exactly one chunk, so each is
 * found once, whichever worker scans which chunk. */
static void scan_seam(vocabulary_worker *w, const memscape_chunk *c)
{
    const vocabulary_scan *scan = w->scan;
    size_t carry = memscape_word_search_longest(scan->search) - 1;
    uint8_t buf[2 * MEMSCAPE_SEARCH_MAX_PATTERN];
    uint64_t lo = c->addr > carry ? c->addr - carry : 0;
    size_t tail = 0;
    uint64_t tail_end = lo;
    memscape_chunk_iter it;
    memscape_chunk piece;
    memscape_chunks_begin(&it, scan->space, lo, c->addr, 0);
    while (memscape_chunks_next(&it, &piece)) {
        if (piece.addr != tail_end) /* a gap: what came before cannot join the chunk */
            tail = 0;
        memcpy(buf + tail, piece.data, piece.size);
        tail += piece.size;
        tail_end = piece.addr + piece.size;
    }
    if (tail == 0 || tail_end != c->addr)
        return;
    size_t head = c->size < carry ? c->size : carry;
    memcpy(buf + tail, c->data, head);
    memscape_word_search_scan(scan->search, c->addr - tail, buf, tail + head, tail, tail,
                              on_word, w);
}

static void scan_chunks(vocabulary_worker *w)
{
    vocabulary_scan *scan = w->scan;
    for (;;) {
        memscape_chunk c;
        pthread_mutex_lock(&scan->lock);
        int more = memscape_chunks_next(&scan->chunks, &c);
        pthread_mutex_unlock(&scan->lock);
        if (!more)
            return;
        scan_seam(w, &c);
        memscape_word_search_scan(scan->search, c.addr, c.data, c.size, c.size, 0, on_word, w);
        memscape_space_release_file_bytes(scan->space, c.data, c.size);
    }
}

static void *worker_main(void *arg)
{
    scan_chunks(arg);
    return NULL;
}

/* Workers for present bytes: as asked (0: one per CPU), but none idle for want of bytes. */
static size_t worker_count(const memscape_detection *d)
{
    uint64_t present = 0;
    memscape_chunk_iter it;
    memscape_chunk c;
    memscape_chunks_begin(&it, d->space, 0, UINT64_MAX, 0);
    while (memscape_chunks_next(&it, &c))
        present += c.size;
    uint64_t n = d->opts->threads;
    if (n == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        n = cpus > 0 ? (uint64_t)cpus : 1;
    }
    uint64_t useful = present / BYTES_PER_WORKER + 1;
    n = n < useful ? n : useful;
    return (size_t)(n < MAX_WORKERS ? n : MAX_WORKERS);
}

/* Scan every present byte with workers[0..n) (workers[0] is this thread); sum their tallies
 * into workers[0]'s. Counts are sums and the lowest addresses a minimum, so the result does
 * not depend on how the chunks fell to the workers. */
static void scan_with_workers(vocabulary_worker *workers, size_t n, size_t patterns)
{
    for (size_t i = 1; i < n; i++)
        workers[i].started =
            pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) == 0;
    scan_chunks(&workers[0]); /* takes what workers that failed to start would have */
    for (size_t i = 1; i < n; i++) {
        if (!workers[i].started)
            continue;
        pthread_join(workers[i].thread, NULL);
        for (size_t p = 0; p < patterns; p++) {
            word_tally *to = &workers[0].tallies[p], *from = &workers[i].tallies[p];
            to->count += from->count;
            to->in_image += from->in_image;
            for (size_t k = 0; k < from->first_count; k++)
                keep_lowest(to->first, &to->first_count, from->first[k]);
        }
    }
}

/* One finding for word w of v when it occurs outside read-only image pages. */
static void report_word(memscape_detection *d, const memscape_vocabulary *v, size_t w,
                        const word_tally *tallies)
{
    const word_tally *utf8 = &tallies[2 * w + MEMSCAPE_SEARCH_UTF8];
    const word_tally *utf16 = &tallies[2 * w + MEMSCAPE_SEARCH_UTF16];
    if (utf8->count + utf16->count == 0)
        return;
    uint64_t first[FIRST_ADDRESSES];
    size_t n = 0;
    for (size_t k = 0; k < utf8->first_count; k++)
        keep_lowest(first, &n, utf8->first[k]);
    for (size_t k = 0; k < utf16->first_count; k++)
        keep_lowest(first, &n, utf16->first[k]);

    memscape_finding *f = memscape_detection_add(d, "problem-vocabulary");
    if (!f)
        return;
    f->has_address = 1;
    f->address = first[0];
    const memscape_module *m = memscape_space_find_module(d->space, first[0]);
    if (m)
        memscape_detection_module(d, f, m->name);
    uint32_t ptr = memscape_space_system(d->space)->pointer_size;
    char text[FIRST_ADDRESSES * ADDRESS_TEXT] = "";
    for (size_t k = 0; k < n; k++) {
        char a[ADDRESS_TEXT];
        strcat(text, k ? " " : "");
        strcat(text, windbg_address(a, first[k], ptr));
    }
    memscape_detection_evidence(d, "word", "%s", v->words[w]);
    memscape_detection_evidence(d, "count", "%" PRIu64, utf8->count + utf16->count);
    memscape_detection_evidence(d, "utf8", "%" PRIu64, utf8->count);
    memscape_detection_evidence(d, "utf16", "%" PRIu64, utf16->count);
    memscape_detection_evidence(d, "first", "%s", text);
    const memscape_region *r = memscape_space_find_region(d->space, first[0]);
    memscape_detection_evidence(d, "usage", "%s",
                                r ? memscape_usage_name(r->usage) : "outside the layout");
    if (utf8->in_image + utf16->in_image > 0)
        memscape_detection_evidence(d, "in-images", "%" PRIu64,
                                    utf8->in_image + utf16->in_image);
}

/* Load the vocabulary and build its search; NULL (the run failed) on error. */
static memscape_word_search *vocabulary_search(memscape_detection *d, memscape_vocabulary *v)
{
    memscape_error err = {0};
    memscape_status st = memscape_vocabulary_load(v, d->opts->vocabulary_path, &err);
    if (st != MEMSCAPE_OK) {
        memscape_detection_fail(d, st, err.offset, "%s", err.msg);
        return NULL;
    }
    memscape_word_search *search;
    if (memscape_word_search_new(&search, v, memscape_space_system(d->space)->big_endian) !=
        MEMSCAPE_OK) {
        failed_for_memory(d);
        return NULL;
    }
    return search;
}

/* Scan the space for the words of v and report those found. */
static void scan_and_report(memscape_detection *d, const memscape_vocabulary *v,
                            const memscape_word_search *search)
{
    size_t n = worker_count(d);
    size_t patterns = memscape_word_search_patterns(search); /* n * patterns: 64 * 512 at most */
    vocabulary_worker *workers = calloc(n, sizeof *workers);
    word_tally *tallies = calloc(n * patterns, sizeof *tallies);
    vocabulary_scan scan = {.space = d->space, .search = search};
    if (!workers || !tallies || pthread_mutex_init(&scan.lock, NULL) != 0) {
        failed_for_memory(d);
    } else {
        memscape_chunks_begin(&scan.chunks, d->space, 0, UINT64_MAX, SCAN_CHUNK);
        for (size_t i = 0; i < n; i++) {
            workers[i].scan = &scan;
            workers[i].tallies = &tallies[i * patterns];
        }
        scan_with_workers(workers, n, patterns);
        pthread_mutex_destroy(&scan.lock);
        for (size_t w = 0; w < v->count; w++)
            report_word(d, v, w, tallies);
    }
    free(tallies);
    free(workers);
}

static void detect_problem_vocabulary(memscape_detection *d)
{
    memscape_vocabulary *v = malloc(sizeof *v);
    if (!v) {
        failed_for_memory(d);
        return;
    }
    memscape_word_search *search = vocabulary_search(d, v);
    if (search && v->count > 0)
        scan_and_report(d, v, search);
    memscape_word_search_free(search);
    free(v);
}

/* ---- execution-residue ------------------------------------------------------------------- */

/* How far below the stack pointer a thread's residue is read, how much all threads together
 * may read (stacks of a hostile dump may all name the same memory), how many code pointers
 * make a finding (a few are chance: saved registers, function pointers in locals) and how
 * many modules the evidence names. */
#define RESIDUE_REACH ((uint64_t)1 << 20)
#define RESIDUE_BUDGET ((uint64_t)256 << 20)
#define RESIDUE_MIN_VALUES 8u
#define RESIDUE_TOP_MODULES 3u

typedef struct residue_scan {
    const memscape_space *space;
    const memscape_module *modules;
    size_t module_count;
    uint64_t modules_lo, modules_hi;  /* the span of all modules: a quick first test */
    uint32_t pointer_size;
    int big_endian;
    uint64_t budget;                  /* bytes all threads may still read */
    uint64_t code_lo, code_hi;        /* the last code range found, to skip lookups */
    uint32_t code_module;
    /* this thread's */
    uint32_t *hits;                   /* per module */
    uint32_t *touched;                /* modules with hits, first-hit order */
    size_t touched_count;
    uint64_t count;
    uint64_t nearest;                 /* the highest slot holding a code pointer */
    uint64_t scanned_lo, scanned_hi;  /* present bytes read: lowest, highest (inclusive) */
    int scanned;
} residue_scan;

/* Could value be a return address: inside a module, in pages that are executable where the
 * dump gives their protection? On success *module is its index. */
static int is_code_pointer(residue_scan *s, uint64_t value, uint32_t *module)
{
    if (value < s->modules_lo || value >= s->modules_hi)
        return 0;
    if (value >= s->code_lo && value < s->code_hi) {
        *module = s->code_module;
        return 1;
    }
    const memscape_module *m = memscape_space_find_module(s->space, value);
    if (!m)
        return 0;
    uint64_t lo = m->base, hi = memscape_end_clamped(m->base, m->size);
    const memscape_region *r = memscape_space_find_region(s->space, value);
    if (r) {
        if (protect_known(r->protect) && !protect_executable(r->protect))
            return 0;
        uint64_t r_hi = memscape_end_clamped(r->base, r->size);
        lo = r->base > lo ? r->base : lo;
        hi = r_hi < hi ? r_hi : hi;
    }
    s->code_lo = lo;
    s->code_hi = hi;
    s->code_module = (uint32_t)(m - s->modules);
    *module = s->code_module;
    return 1;
}

static uint64_t load_pointer(const uint8_t *p, uint32_t size, int big_endian)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < size; i++)
        v |= (uint64_t)p[big_endian ? i : size - 1 - i] << (8 * (size - 1 - i));
    return v;
}

static void count_slot(residue_scan *s, uint64_t slot, uint64_t value)
{
    uint32_t module;
    if (!is_code_pointer(s, value, &module))
        return;
    if (s->hits[module]++ == 0)
        s->touched[s->touched_count++] = module;
    s->count++;
    if (slot >= s->nearest)
        s->nearest = slot;
}

/* The aligned pointer slots of a chunk that end at or below hi; a slot the chunk's end cuts
 * (present runs need not be aligned) is read whole through memscape_space_read. */
static void scan_residue_chunk(residue_scan *s, const memscape_chunk *c, uint64_t hi)
{
    const uint32_t ptr = s->pointer_size;
    uint64_t end = c->addr + c->size;
    uint64_t misalign = c->addr % ptr;
    if (hi < ptr || (misalign && c->addr > UINT64_MAX - ptr))
        return;
    uint64_t slot = misalign ? c->addr + (ptr - misalign) : c->addr;
    for (; slot < end && slot <= hi - ptr; slot += ptr) {
        uint8_t bytes[8];
        const uint8_t *p = c->data + (slot - c->addr);
        if (slot + ptr > end) {
            if (memscape_space_read(s->space, slot, bytes, ptr) != ptr)
                break;
            p = bytes;
        }
        count_slot(s, slot, load_pointer(p, ptr, s->big_endian));
    }
    if (!s->scanned || c->addr < s->scanned_lo)
        s->scanned_lo = c->addr;
    if (!s->scanned || end - 1 > s->scanned_hi)
        s->scanned_hi = end - 1;
    s->scanned = 1;
}

/* [lo, hi): the stack below t's stack pointer, at most RESIDUE_REACH of it; 0 when t has no
 * stack pointer or no known stack holds it. */
static int residue_range(const memscape_space *space, const memscape_thread *t, uint64_t *lo,
                         uint64_t *hi)
{
    if (!t->has_context || t->sp == 0)
        return 0;
    uint64_t stack_lo = UINT64_MAX;
    if (t->stack_size > 0 && t->sp >= t->stack_base && t->sp - t->stack_base <= t->stack_size)
        stack_lo = t->stack_base;
    /* The whole reservation where the layout knows it (a full Windows dump): the present
     * bytes below the captured part are residue too. */
    const memscape_region *r = memscape_space_find_region(space, t->sp);
    if (r && r->usage == MEMSCAPE_USAGE_STACK && r->allocation_base <= t->sp &&
        r->allocation_base < stack_lo)
        stack_lo = r->allocation_base;
    if (stack_lo == UINT64_MAX)
        return 0;
    uint64_t reach_lo = t->sp > RESIDUE_REACH ? t->sp - RESIDUE_REACH : 0;
    *lo = stack_lo > reach_lo ? stack_lo : reach_lo;
    *hi = t->sp;
    return *lo < *hi;
}

/* The RESIDUE_TOP_MODULES modules hit most (ties: the lower index), as "name count, ...". */
static void top_modules(const residue_scan *s, char *out, size_t size, uint32_t *top)
{
    uint32_t chosen[RESIDUE_TOP_MODULES];
    size_t n = 0;
    out[0] = '\0';
    for (; n < RESIDUE_TOP_MODULES && n < s->touched_count; n++) {
        uint32_t best = UINT32_MAX;
        for (size_t i = 0; i < s->touched_count; i++) {
            uint32_t m = s->touched[i];
            int taken = 0;
            for (size_t k = 0; k < n; k++)
                taken |= chosen[k] == m;
            if (!taken && (best == UINT32_MAX || s->hits[m] > s->hits[best] ||
                           (s->hits[m] == s->hits[best] && m < best)))
                best = m;
        }
        chosen[n] = best;
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s %" PRIu32, n ? ", " : "",
                 memscape_path_base_name(s->modules[best].name), s->hits[best]);
    }
    *top = chosen[0];
}

static void report_residue(memscape_detection *d, residue_scan *s, const memscape_thread *t)
{
    memscape_finding *f = memscape_detection_add(d, "execution-residue");
    if (!f)
        return;
    char modules[512], lo[ADDRESS_TEXT], hi[ADDRESS_TEXT], sp[ADDRESS_TEXT];
    uint32_t top;
    top_modules(s, modules, sizeof modules, &top);
    f->has_thread = 1;
    f->thread_id = t->id;
    f->has_address = 1;
    f->address = s->nearest;
    memscape_detection_module(d, f, s->modules[top].name);
    memscape_detection_evidence(d, "count", "%" PRIu64, s->count);
    memscape_detection_evidence(d, "modules", "%s", modules);
    memscape_detection_evidence(d, "scanned", "%s-%s",
                                windbg_address(lo, s->scanned_lo, s->pointer_size),
                                windbg_address(hi, s->scanned_hi, s->pointer_size));
    memscape_detection_evidence(d, "sp", "%s", windbg_address(sp, t->sp, s->pointer_size));
}

static void scan_thread_residue(memscape_detection *d, residue_scan *s,
                                const memscape_thread *t)
{
    uint64_t lo, hi;
    if (!residue_range(d->space, t, &lo, &hi))
        return;
    s->touched_count = 0;
    s->count = 0;
    s->nearest = 0;
    s->scanned = 0;
    memscape_chunk_iter it;
    memscape_chunk c;
    memscape_chunks_begin(&it, d->space, lo, hi, 0);
    while (s->budget > 0 && memscape_chunks_next(&it, &c)) {
        if (c.size > s->budget)
            c.size = (size_t)s->budget;
        s->budget -= c.size;
        scan_residue_chunk(s, &c, hi);
    }
    if (s->count >= RESIDUE_MIN_VALUES)
        report_residue(d, s, t);
    for (size_t i = 0; i < s->touched_count; i++)
        s->hits[s->touched[i]] = 0;
}

/* The span [lo, hi) of all modules; 0 when there are none. */
static int modules_span(const memscape_module *m, size_t n, uint64_t *lo, uint64_t *hi)
{
    *lo = UINT64_MAX;
    *hi = 0;
    for (size_t i = 0; i < n; i++) {
        if (m[i].size == 0)
            continue;
        uint64_t end = memscape_end_clamped(m[i].base, m[i].size);
        *lo = m[i].base < *lo ? m[i].base : *lo;
        *hi = end > *hi ? end : *hi;
    }
    return *lo < *hi;
}

static void detect_execution_residue(memscape_detection *d)
{
    const memscape_system *sys = memscape_space_system(d->space);
    residue_scan s = {.space = d->space, .pointer_size = sys->pointer_size,
                      .big_endian = sys->big_endian, .budget = RESIDUE_BUDGET};
    s.modules = memscape_space_modules(d->space, &s.module_count);
    if ((s.pointer_size != 4 && s.pointer_size != 8) ||
        !modules_span(s.modules, s.module_count, &s.modules_lo, &s.modules_hi))
        return;
    s.hits = calloc(s.module_count, sizeof *s.hits);
    s.touched = calloc(s.module_count, sizeof *s.touched);
    if (!s.hits || !s.touched) {
        failed_for_memory(d);
    } else {
        size_t n;
        const memscape_thread *threads = memscape_space_threads(d->space, &n);
        for (size_t i = 0; i < n && s.budget > 0 && !memscape_detection_failed(d); i++)
            scan_thread_residue(d, &s, &threads[i]);
    }
    free(s.hits);
    free(s.touched);
}

const memscape_detector memscape_detectors_memory[] = {
    {"problem-vocabulary", detect_problem_vocabulary},
    {"execution-residue", detect_execution_residue},
};
const size_t memscape_detectors_memory_count =
    sizeof memscape_detectors_memory / sizeof memscape_detectors_memory[0];
