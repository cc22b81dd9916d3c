/* SPDX-License-Identifier: MIT */
/* Statistics of one cell's bytes. The hot loop of every picture: each present byte of the dump
 * passes through memscape_cell_stats_add() exactly once. */
#include "grid/cell_stats.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "memscape/grid.h"
#include "util/checked.h"
#include "util/error.h"

/* ---- byte classes ------------------------------------------------------------------------ */

memscape_byte_class memscape_byte_class_of(uint8_t byte)
{
    if (byte == 0x00)
        return MEMSCAPE_CLASS_ZERO;
    if (byte == 0xff)
        return MEMSCAPE_CLASS_FF;
    if (byte >= 0x80)
        return MEMSCAPE_CLASS_HIGH;
    if ((byte >= 0x20 && byte <= 0x7e) || byte == '\t' || byte == '\n' || byte == '\r')
        return MEMSCAPE_CLASS_TEXT;
    return MEMSCAPE_CLASS_CONTROL;
}

const char *memscape_byte_class_name(memscape_byte_class c)
{
    static const char *const names[MEMSCAPE_CLASS_COUNT] = {
        "zero", "control", "text", "high", "ff",
    };
    return (unsigned)c < MEMSCAPE_CLASS_COUNT ? names[c] : "unknown";
}

/* ---- pointer targets --------------------------------------------------------------------- */

static int span_cmp(const void *a, const void *b)
{
    const memscape_addr_span *x = a, *y = b;
    return (x->lo > y->lo) - (x->lo < y->lo);
}

memscape_status memscape_pointer_targets_build(memscape_pointer_targets *out,
                                               const memscape_space *space,
                                               memscape_error *err)
{
    size_t count;
    const memscape_region *regions = memscape_space_regions(space, &count);
    size_t bytes;
    if (memscape_mul_size(count ? count : 1, sizeof(memscape_addr_span), &bytes) != MEMSCAPE_OK)
        return memscape_fail(err, MEMSCAPE_EOVERFLOW, MEMSCAPE_NO_OFFSET,
                             "grid: %zu regions overflow the pointer table", count);
    memscape_addr_span *spans = malloc(bytes);
    if (!spans)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                             "grid: no memory for the pointer table of %zu regions", count);
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        if (regions[i].state == MEMSCAPE_STATE_FREE || regions[i].size == 0)
            continue;
        spans[n].lo = regions[i].base;
        spans[n].hi = memscape_end_clamped(regions[i].base, regions[i].size);
        n++;
    }
    /* The space keeps its regions sorted; sorting again costs little and keeps the merge
     * below correct whatever the model promises. */
    qsort(spans, n, sizeof *spans, span_cmp);
    size_t merged = 0;
    for (size_t i = 0; i < n; i++) {
        if (merged && spans[i].lo <= spans[merged - 1].hi) {
            if (spans[i].hi > spans[merged - 1].hi)
                spans[merged - 1].hi = spans[i].hi;
        } else {
            spans[merged++] = spans[i];
        }
    }
    out->spans = spans;
    out->count = merged;
    out->lowest = merged ? spans[0].lo : UINT64_MAX;
    out->highest = merged ? spans[merged - 1].hi : 0;
    return MEMSCAPE_OK;
}

void memscape_pointer_targets_free(memscape_pointer_targets *targets)
{
    if (!targets)
        return;
    free(targets->spans);
    memset(targets, 0, sizeof *targets);
}

/* Is v inside a target? Most values (zeros, small integers, text) fail the first test. */
static int points_into(memscape_cell_stats *s, uint64_t v)
{
    const memscape_pointer_targets *t = s->targets;
    if (v < t->lowest || v >= t->highest)
        return 0;
    const memscape_addr_span *b = t->spans;
    size_t i = s->last_hit;
    if (v >= b[i].lo && v < b[i].hi)
        return 1;
    size_t lo = 0, hi = t->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b[mid].lo <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* lo >= 1: v >= lowest = b[0].lo. */
    if (v >= b[lo - 1].hi)
        return 0;
    s->last_hit = lo - 1;
    return 1;
}

/* ---- entropy table ----------------------------------------------------------------------- */

/* c * log2(c) for the counts most cells have; larger counts call log2() (at most a few values
 * per cell can be that frequent). */
#define CLOGC_TABLE 4096u
static double clogc_table[CLOGC_TABLE];
static pthread_once_t clogc_once = PTHREAD_ONCE_INIT;

static void clogc_fill(void)
{
    clogc_table[0] = 0.0;
    for (unsigned c = 1; c < CLOGC_TABLE; c++)
        clogc_table[c] = (double)c * log2((double)c);
}

static double clogc(uint64_t c)
{
    return c < CLOGC_TABLE ? clogc_table[c] : (double)c * log2((double)c);
}

/* ---- counting ---------------------------------------------------------------------------- */

void memscape_cell_stats_init(memscape_cell_stats *s, const memscape_pointer_targets *targets,
                              uint32_t pointer_size, int big_endian, uint64_t cell_bytes)
{
    pthread_once(&clogc_once, clogc_fill);
    memset(s, 0, sizeof *s);
    s->targets = targets;
    /* Only 4 and 8 are real pointer sizes; a hostile or unknown value reads as 8. */
    s->pointer_size = pointer_size == 4 ? 4 : 8;
    s->big_endian = big_endian != 0;
    /* Resetting four lanes costs 4 KiB of stores per cell: worth it only for larger cells.
     * A small cell holds few distinct values: finishing it walks those, not all 256. */
    s->lanes = cell_bytes >= 1024 ? MEMSCAPE_CELL_LANES : 1;
    s->sparse = s->lanes == 1;
}

static void fold_lanes(memscape_cell_stats *s)
{
    for (unsigned v = 0; v < 256; v++) {
        uint64_t c = 0;
        for (unsigned l = 0; l < s->lanes; l++) {
            c += s->hist[l][v];
            s->hist[l][v] = 0;
        }
        s->wide[v] += c;
    }
    s->wide_used = 1;
    s->pending = 0;
}

/* Sparse counting: a value's first byte in the cell puts it on the seen list. */
static inline void count_seen(memscape_cell_stats *s, uint8_t v)
{
    if (s->hist[0][v]++ == 0)
        s->seen[s->seen_count++] = v;
}

/* Count n bytes into the lanes. Words of eight zero bytes (common in memory) skip the
 * per-byte counters. */
static void count_bytes(memscape_cell_stats *s, const uint8_t *p, size_t n)
{
    size_t i = 0;
    if (s->lanes == MEMSCAPE_CELL_LANES) {
        uint32_t *h0 = s->hist[0], *h1 = s->hist[1], *h2 = s->hist[2], *h3 = s->hist[3];
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w == 0) {
                s->zero_words++;
                continue;
            }
            h0[p[i]]++;
            h1[p[i + 1]]++;
            h2[p[i + 2]]++;
            h3[p[i + 3]]++;
            h0[p[i + 4]]++;
            h1[p[i + 5]]++;
            h2[p[i + 6]]++;
            h3[p[i + 7]]++;
        }
    } else if (!s->sparse || s->wide_used) { /* after a fold, seen would list values twice */
        uint32_t *h = s->hist[0];
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w == 0) {
                s->zero_words++;
                continue;
            }
            for (unsigned j = 0; j < 8; j++)
                h[p[i + j]]++;
        }
    } else {
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w == 0) {
                s->zero_words++;
                continue;
            }
            for (unsigned j = 0; j < 8; j++)
                count_seen(s, p[i + j]);
        }
        for (; i < n; i++)
            count_seen(s, p[i]);
        return;
    }
    for (; i < n; i++)
        s->hist[0][p[i]]++;
}

static int host_is_big_endian(void)
{
    const uint16_t one = 1;
    uint8_t first;
    memcpy(&first, &one, 1);
    return first == 0;
}

static uint64_t byte_swap(uint64_t v, unsigned size)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < size; i++, v >>= 8)
        r = r << 8 | (v & 0xff);
    return r;
}

/* The value of size bytes at p, in the dump's byte order. */
static uint64_t load_value(const uint8_t *p, unsigned size, int swap)
{
    uint64_t v;
    if (size == 8) {
        memcpy(&v, p, 8);
    } else {
        uint32_t w;
        memcpy(&w, p, 4);
        v = w;
    }
    return swap ? byte_swap(v, size) : v;
}

static void count_value(memscape_cell_stats *s, uint64_t v)
{
    s->values++;
    s->hits += (uint64_t)points_into(s, v);
}

/* The aligned values wholly inside [p, p+n), p aligned. The common case (8-byte values in
 * the host's order) gets its own loop: it runs once per 8 bytes of the dump. */
static size_t scan_aligned(memscape_cell_stats *s, const uint8_t *p, size_t n)
{
    const unsigned ps = s->pointer_size;
    const int swap = s->big_endian != host_is_big_endian();
    size_t pos = 0;
    if (ps == 8 && !swap) {
        const uint64_t lowest = s->targets->lowest;
        const uint64_t width = s->targets->highest - lowest; /* wraps when there are none */
        uint64_t values = 0;
        for (; pos + 8 <= n; pos += 8) {
            uint64_t v;
            memcpy(&v, p + pos, 8);
            values++;
            /* One compare rejects everything outside [lowest, highest). */
            if (v - lowest < width && s->targets->count)
                s->hits += (uint64_t)points_into(s, v);
        }
        s->values += values;
        return pos;
    }
    for (; pos + ps <= n; pos += ps)
        count_value(s, load_value(p + pos, ps, swap));
    return pos;
}

/* Count the aligned values of [addr, addr+n); a value cut by the end of the span waits in
 * carry for the next span, which counts it only when it starts where this one ended. */
static void scan_values(memscape_cell_stats *s, uint64_t addr, const uint8_t *p, size_t n)
{
    unsigned ps = s->pointer_size;
    size_t pos;
    if (s->carry_len && s->carry_addr + s->carry_len == addr) {
        size_t need = ps - s->carry_len;
        if (n < need) {
            memcpy(s->carry + s->carry_len, p, n);
            s->carry_len += (unsigned)n;
            return;
        }
        memcpy(s->carry + s->carry_len, p, need);
        count_value(s, load_value(s->carry, ps, s->big_endian != host_is_big_endian()));
        pos = need;
    } else {
        uint64_t misalign = addr & (ps - 1);
        pos = misalign ? ps - (size_t)misalign : 0;
    }
    s->carry_len = 0;
    if (pos < n)
        pos += scan_aligned(s, p + pos, n - pos);
    if (pos < n) {
        s->carry_len = (unsigned)(n - pos);
        memcpy(s->carry, p + pos, s->carry_len);
        s->carry_addr = addr + pos;
    }
}

void memscape_cell_stats_add(memscape_cell_stats *s, uint64_t addr, const uint8_t *data,
                             size_t size)
{
    scan_values(s, addr, data, size);
    s->present += size;
    /* A lane counts at most `pending` bytes: fold before a 32-bit counter could wrap. */
    const size_t piece_max = (size_t)1 << 30;
    while (size > 0) {
        size_t n = size < piece_max ? size : piece_max;
        if (s->pending + n > UINT32_MAX)
            fold_lanes(s);
        count_bytes(s, data, n);
        s->pending += n;
        data += n;
        size -= n;
    }
}

/* Sum the lanes (and wide) into counts, leaving the lanes zeroed for the next cell. */
static void collect_counts(memscape_cell_stats *s, uint64_t counts[256])
{
    for (unsigned v = 0; v < 256; v++)
        counts[v] = s->hist[0][v];
    for (unsigned l = 1; l < s->lanes; l++)
        for (unsigned v = 0; v < 256; v++)
            counts[v] += s->hist[l][v];
    memset(s->hist, 0, s->lanes * sizeof s->hist[0]);
    if (s->wide_used) {
        for (unsigned v = 0; v < 256; v++)
            counts[v] += s->wide[v];
        memset(s->wide, 0, sizeof s->wide);
    }
    counts[0] += 8 * s->zero_words;
}

static uint64_t sum_counts(const uint64_t counts[256], unsigned from, unsigned to)
{
    uint64_t sum = 0;
    for (unsigned v = from; v <= to; v++)
        sum += counts[v];
    return sum;
}

/* The class with the most bytes; the first of equals. */
static uint8_t dominant_of(const uint64_t per_class[MEMSCAPE_CLASS_COUNT])
{
    unsigned best = 0;
    for (unsigned c = 1; c < MEMSCAPE_CLASS_COUNT; c++)
        if (per_class[c] > per_class[best])
            best = c;
    return (uint8_t)best;
}

/* The dominant class, from sums over the class's byte ranges (see memscape_byte_class). */
static uint8_t dominant_class(const uint64_t counts[256], uint64_t present)
{
    uint64_t per_class[MEMSCAPE_CLASS_COUNT];
    per_class[MEMSCAPE_CLASS_ZERO] = counts[0];
    per_class[MEMSCAPE_CLASS_FF] = counts[0xff];
    per_class[MEMSCAPE_CLASS_HIGH] = sum_counts(counts, 0x80, 0xfe);
    per_class[MEMSCAPE_CLASS_TEXT] = sum_counts(counts, 0x20, 0x7e) + counts['\t'] +
                                     counts['\n'] + counts['\r'];
    per_class[MEMSCAPE_CLASS_CONTROL] = present - per_class[MEMSCAPE_CLASS_ZERO] -
                                        per_class[MEMSCAPE_CLASS_FF] -
                                        per_class[MEMSCAPE_CLASS_HIGH] -
                                        per_class[MEMSCAPE_CLASS_TEXT];
    return dominant_of(per_class);
}

static uint8_t mean_of(const uint64_t counts[256], uint64_t present)
{
    if (present <= UINT64_MAX / 255) {
        uint64_t sum = 0;
        for (unsigned v = 1; v < 256; v++)
            sum += (uint64_t)v * counts[v];
        return (uint8_t)(sum / present);
    }
    /* Beyond 2^56 bytes in one cell (no real dump) the exact sum would overflow. */
    double sum = 0.0;
    for (unsigned v = 1; v < 256; v++)
        sum += (double)v * (double)counts[v];
    double mean = floor(sum / (double)present);
    return (uint8_t)(mean > 255.0 ? 255.0 : mean);
}

static float entropy_of(double sum_clogc, uint64_t present)
{
    /* H = -sum p log2 p with p = c/n, which is log2 n - (sum c log2 c) / n. */
    double h = log2((double)present) - sum_clogc / (double)present;
    return (float)(h < 0.0 ? 0.0 : h > 8.0 ? 8.0 : h);
}

/* Mean, entropy and class from the full histogram. */
static void finish_dense(memscape_cell_stats *s, memscape_cell_result *out)
{
    uint64_t counts[256];
    collect_counts(s, counts);
    /* No branch on the counts: clogc(0) is 0, and a count past the table is rare. */
    double sum_clogc = 0.0;
    for (unsigned v = 0; v < 256; v++)
        sum_clogc += clogc(counts[v]);
    out->entropy = entropy_of(sum_clogc, s->present);
    out->mean = mean_of(counts, s->present);
    out->byte_class = dominant_class(counts, s->present);
}

/* The same from the values seen only (a small cell: present < 1024, so no sum overflows and
 * nothing was folded into wide). */
static void finish_sparse(memscape_cell_stats *s, memscape_cell_result *out)
{
    uint64_t per_class[MEMSCAPE_CLASS_COUNT] = {0};
    uint64_t sum = 0;
    double sum_clogc = 0.0;
    uint64_t zeros = 8 * s->zero_words + s->hist[0][0];
    for (unsigned i = 0; i < s->seen_count; i++) {
        uint8_t v = s->seen[i];
        uint64_t c = v == 0 ? zeros : s->hist[0][v];
        s->hist[0][v] = 0;
        sum += (uint64_t)v * c;
        sum_clogc += clogc(c);
        per_class[memscape_byte_class_of(v)] += c;
    }
    if (zeros > 0 && per_class[MEMSCAPE_CLASS_ZERO] == 0) { /* zeros in whole words only */
        sum_clogc += clogc(zeros);
        per_class[MEMSCAPE_CLASS_ZERO] = zeros;
    }
    s->seen_count = 0;
    out->entropy = entropy_of(sum_clogc, s->present);
    out->mean = (uint8_t)(sum / s->present);
    out->byte_class = dominant_of(per_class);
}

void memscape_cell_stats_finish(memscape_cell_stats *s, memscape_cell_result *out)
{
    memset(out, 0, sizeof *out);
    out->byte_class = MEMSCAPE_GRID_NONE;
    out->present = s->present;
    if (s->present > 0 && s->sparse && !s->wide_used)
        finish_sparse(s, out);
    else if (s->present > 0)
        finish_dense(s, out);
    if (s->values)
        out->pointers = (float)((double)s->hits / (double)s->values);
    s->pending = 0;
    s->wide_used = 0;
    s->zero_words = 0;
    s->seen_count = 0;
    s->present = 0;
    s->values = 0;
    s->hits = 0;
    s->carry_len = 0;
}
