/* SPDX-License-Identifier: MIT */
/* The first bijection of a layout: address runs and gaps <-> a line of cells; plus fitting
 * the cell size to the picture and rebuilding a layout from stored segments. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "curve.h"
#include "util/checked.h"
#include "util/error.h"

#define DEFAULT_SIDE 1024u
#define DEFAULT_SIDE_3D 256u

struct memscape_layout {
    memscape_curve_grid grid;
    uint64_t cell_bytes;
    uint64_t used_cells;
    memscape_segment *segments;  /* in cell order and, as they alternate run, gap, run, in
                                  * address order */
    size_t count;
};

/** A stretch of shown addresses: [base, base + bytes), bytes > 0, never reaching 2^64. */
typedef struct address_run {
    uint64_t base;
    uint64_t bytes;
} address_run;

/* ---- cell counts ------------------------------------------------------------------------- */

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

static unsigned bit_length(uint64_t v)
{
    unsigned bits = 0;
    while (v != 0) {
        bits++;
        v >>= 1;
    }
    return bits;
}

/* Compact mode: a gap of G bytes becomes
 *     g = max(1, ceil(log2(G / cell_bytes + 1) / 4))
 * separator cells, G / cell_bytes being the integer quotient q. ceil(log2(q + 1) / 4) is the
 * smallest k with q + 1 <= 16^k, that is the number of hexadecimal digits of q: one cell for a
 * gap under 16 cells' worth, two under 256, ..., at most 16. So a guard page stays a hairline
 * and a terabyte hole between libraries is a visibly wider band, yet no gap of a sparse
 * 64-bit space can crowd out the memory itself. */
static uint64_t separator_cells(uint64_t gap_bytes, uint64_t cell_bytes)
{
    unsigned hex_digits = (bit_length(gap_bytes / cell_bytes) + 3) / 4;
    return hex_digits < 1 ? 1 : hex_digits;
}

static uint64_t gap_cells(uint64_t gap_bytes, uint64_t cell_bytes, int true_scale)
{
    return true_scale ? ceil_div(gap_bytes, cell_bytes) : separator_cells(gap_bytes, cell_bytes);
}

static uint64_t add_saturated(uint64_t a, uint64_t b)
{
    return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

/* Cells the runs and the gaps between them need; UINT64_MAX when that does not fit 64 bits. */
static uint64_t cells_needed(const address_run *runs, size_t n, uint64_t cell_bytes,
                             int true_scale)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total = add_saturated(total, ceil_div(runs[i].bytes, cell_bytes));
        if (i + 1 < n) {
            uint64_t gap = runs[i + 1].base - (runs[i].base + runs[i].bytes);
            total = add_saturated(total, gap_cells(gap, cell_bytes, true_scale));
        }
    }
    return total;
}

/* ---- selection --------------------------------------------------------------------------- */

static int is_shown(const memscape_region *r)
{
    return r->state == MEMSCAPE_STATE_COMMITTED || r->state == MEMSCAPE_STATE_NOT_CAPTURED;
}

/* Appends the shown regions of space clipped to [lo, hi) to out[*n...], merging a region into
 * the run before it where they touch. out has room for every region. */
static void append_runs(const memscape_space *space, uint64_t lo, uint64_t hi,
                        address_run *out, size_t *n)
{
    size_t n_regions = 0, first = *n;
    const memscape_region *regions = memscape_space_regions(space, &n_regions);
    for (size_t i = 0; i < n_regions; i++) {
        const memscape_region *r = &regions[i];
        uint64_t base = r->base > lo ? r->base : lo;
        uint64_t end = memscape_end_clamped(r->base, r->size);
        if (end > hi)
            end = hi;
        uint64_t prev_end = *n > first ? out[*n - 1].base + out[*n - 1].bytes : 0;
        if (base < prev_end)
            base = prev_end; /* the model promises no overlap; never count a byte twice */
        if (!is_shown(r) || base >= end)
            continue;
        if (*n > first && prev_end == base) {
            out[*n - 1].bytes += end - base;
            continue;
        }
        out[*n].base = base;
        out[*n].bytes = end - base;
        (*n)++;
    }
}

static int compare_runs(const void *a, const void *b)
{
    const address_run *x = a, *y = b;
    return (x->base > y->base) - (x->base < y->base);
}

/* Sorted runs from several spaces into their union: overlapping or touching runs merge. */
static size_t merge_runs(address_run *runs, size_t n)
{
    qsort(runs, n, sizeof *runs, compare_runs);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (kept > 0) {
            address_run *last = &runs[kept - 1];
            uint64_t last_end = last->base + last->bytes;
            if (runs[i].base <= last_end) {
                uint64_t end = runs[i].base + runs[i].bytes;
                if (end > last_end)
                    last->bytes = end - last->base;
                continue;
            }
        }
        runs[kept++] = runs[i];
    }
    return kept;
}

/* The shown addresses of every space in [lo, hi), as sorted disjoint runs with gaps between
 * them. *runs is caller-owned. */
static memscape_status collect_runs(const memscape_space *const *spaces, size_t count,
                                    uint64_t lo, uint64_t hi, address_run **runs,
                                    size_t *n_runs, memscape_error *err)
{
    size_t total = 0, bytes;
    for (size_t i = 0; i < count; i++) {
        size_t n_regions = 0;
        memscape_space_regions(spaces[i], &n_regions);
        total = n_regions > SIZE_MAX - total ? SIZE_MAX : total + n_regions;
    }
    if (memscape_mul_size(total ? total : 1, sizeof **runs, &bytes) != MEMSCAPE_OK)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                             "layout: %zu regions are too many to lay out", total);
    address_run *out = malloc(bytes);
    if (!out)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                             "layout: out of memory for %zu regions", total);
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        append_runs(spaces[i], lo, hi, out, &n);
    *runs = out;
    *n_runs = count > 1 ? merge_runs(out, n) : n;
    return MEMSCAPE_OK;
}

/* ---- fitting ----------------------------------------------------------------------------- */

/* "--size 1024x1024" or "--dims 256x256x256", for messages. */
static const char *size_option(const memscape_curve_grid *grid, char *buf, size_t size)
{
    if (memscape_curve_is_3d(grid->curve))
        snprintf(buf, size, "--dims %" PRIu32 "x%" PRIu32 "x%" PRIu32, grid->width,
                 grid->height, grid->depth);
    else
        snprintf(buf, size, "--size %" PRIu32 "x%" PRIu32, grid->width, grid->height);
    return buf;
}

/* The smallest power-of-two cell size at which everything fits. cells_needed() does not grow
 * as the cell size grows (every term is a non-increasing function of it), so a binary search
 * over the exponent finds it. */
static memscape_status fit_cell_bytes(const address_run *runs, size_t n, int true_scale,
                                      const memscape_curve_grid *grid, uint64_t *cell_bytes,
                                      memscape_error *err)
{
    uint64_t capacity = memscape_curve_grid_cells(grid);
    unsigned lo = 0, hi = 63;
    uint64_t at_largest = cells_needed(runs, n, UINT64_C(1) << hi, true_scale);
    char option[64];
    if (at_largest > capacity)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "%s: %zu address runs need at least %" PRIu64 " cells, the "
                             "picture has %" PRIu64, size_option(grid, option, sizeof option),
                             n, at_largest, capacity);
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (cells_needed(runs, n, UINT64_C(1) << mid, true_scale) <= capacity)
            hi = mid;
        else
            lo = mid + 1;
    }
    *cell_bytes = UINT64_C(1) << lo;
    return MEMSCAPE_OK;
}

static memscape_status check_fits(const address_run *runs, size_t n, int true_scale,
                                  const memscape_curve_grid *grid, uint64_t cell_bytes,
                                  memscape_error *err)
{
    uint64_t capacity = memscape_curve_grid_cells(grid);
    uint64_t need = cells_needed(runs, n, cell_bytes, true_scale);
    if (need <= capacity)
        return MEMSCAPE_OK;
    char option[64];
    return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                         "--cell %" PRIu64 ": the selection needs %" PRIu64 "%s cells, the "
                         "picture (%s) has %" PRIu64 "; use a larger --cell",
                         cell_bytes, need, need == UINT64_MAX ? " or more" : "",
                         size_option(grid, option, sizeof option), capacity);
}

/* ---- building ---------------------------------------------------------------------------- */

static memscape_status alloc_layout(memscape_layout **out, const memscape_curve_grid *grid,
                                    uint64_t cell_bytes, size_t count, memscape_error *err)
{
    size_t bytes;
    memscape_layout *layout = calloc(1, sizeof *layout);
    if (!layout || memscape_mul_size(count ? count : 1, sizeof *layout->segments, &bytes) ||
        !(layout->segments = malloc(bytes))) {
        free(layout);
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                             "layout: out of memory for %zu segments", count);
    }
    layout->grid = *grid;
    layout->cell_bytes = cell_bytes;
    *out = layout;
    return MEMSCAPE_OK;
}

static void append_segment(memscape_layout *layout, uint64_t addr, uint64_t bytes,
                           uint64_t cells, int is_gap)
{
    memscape_segment *s = &layout->segments[layout->count++];
    s->first_cell = layout->used_cells;
    s->cell_count = cells;
    s->addr = addr;
    s->bytes = bytes;
    s->is_gap = is_gap;
    layout->used_cells += cells;
}

/* Runs and gaps in order; the caller checked that they fit, so no sum overflows. */
static memscape_status build_segments(memscape_layout **out, const address_run *runs, size_t n,
                                      const memscape_curve_grid *grid, uint64_t cell_bytes,
                                      int true_scale, memscape_error *err)
{
    memscape_layout *layout = NULL;
    memscape_status st = alloc_layout(&layout, grid, cell_bytes, n ? 2 * n - 1 : 0, err);
    if (st != MEMSCAPE_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        append_segment(layout, runs[i].base, runs[i].bytes,
                       ceil_div(runs[i].bytes, cell_bytes), 0);
        if (i + 1 < n) {
            uint64_t gap_start = runs[i].base + runs[i].bytes;
            uint64_t gap = runs[i + 1].base - gap_start;
            append_segment(layout, gap_start, gap, gap_cells(gap, cell_bytes, true_scale), 1);
        }
    }
    *out = layout;
    return MEMSCAPE_OK;
}

static memscape_status check_range(const memscape_layout_options *opts, uint64_t *lo,
                                   uint64_t *hi, memscape_error *err)
{
    if (opts->lo == 0 && opts->hi == 0) {
        *lo = 0;
        *hi = UINT64_MAX;
        return MEMSCAPE_OK;
    }
    if (opts->lo >= opts->hi)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "--range 0x%" PRIx64 "-0x%" PRIx64 ": the end must lie above the "
                             "start", opts->lo, opts->hi);
    *lo = opts->lo;
    *hi = opts->hi;
    return MEMSCAPE_OK;
}

memscape_status memscape_layout_new_shared(memscape_layout **out,
                                           const memscape_space *const *spaces, size_t count,
                                           const memscape_layout_options *opts,
                                           memscape_error *err)
{
    if (!out || !spaces || count == 0 || !opts)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "layout: no %s given", !out ? "result" : !opts ? "options"
                             : "space");
    for (size_t i = 0; i < count; i++)
        if (!spaces[i])
            return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                                 "layout: space %zu is missing", i);
    uint32_t width = opts->width, height = opts->height, depth = opts->depth;
    int three_d = memscape_curve_is_3d(opts->curve);
    if (width == 0 && height == 0 && depth == 0)
        width = height = three_d ? DEFAULT_SIDE_3D : DEFAULT_SIDE;
    if (depth == 0) /* 2D options from before there was a depth leave it 0 */
        depth = three_d ? DEFAULT_SIDE_3D : 1;
    memscape_curve_grid grid;
    uint64_t lo = 0, hi = 0;
    memscape_status st = memscape_curve_grid_init(&grid, opts->curve, width, height, depth, err);
    if (st == MEMSCAPE_OK)
        st = check_range(opts, &lo, &hi, err);
    if (st != MEMSCAPE_OK)
        return st;

    address_run *runs = NULL;
    size_t n = 0;
    st = collect_runs(spaces, count, lo, hi, &runs, &n, err);
    if (st != MEMSCAPE_OK)
        return st;
    uint64_t cell_bytes = opts->cell_bytes;
    int whole_space = opts->lo == 0 && opts->hi == 0;
    /* A dump with no memory at all (a core of registers only) still makes a picture: all
     * padding. An empty selection the user asked for is a mistake worth saying. */
    if (n == 0 && whole_space)
        cell_bytes = cell_bytes ? cell_bytes : 1;
    else if (n == 0)
        st = memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                           "nothing to picture in [0x%" PRIx64 ", 0x%" PRIx64 "): no committed "
                           "or not-captured memory there", lo, hi);
    else if (cell_bytes == 0)
        st = fit_cell_bytes(runs, n, opts->true_scale != 0, &grid, &cell_bytes, err);
    else
        st = check_fits(runs, n, opts->true_scale != 0, &grid, cell_bytes, err);
    if (st == MEMSCAPE_OK)
        st = build_segments(out, runs, n, &grid, cell_bytes, opts->true_scale != 0, err);
    free(runs);
    return st;
}

memscape_status memscape_layout_new(memscape_layout **out, const memscape_space *space,
                                    const memscape_layout_options *opts, memscape_error *err)
{
    return memscape_layout_new_shared(out, &space, 1, opts, err);
}

/* ---- rebuilding from stored segments ------------------------------------------------------ */

#define CORRUPT(err, ...) memscape_fail(err, MEMSCAPE_ECORRUPT, MEMSCAPE_NO_OFFSET, __VA_ARGS__)

/* One segment on its own: non-empty, representable, its cell count right for its bytes. */
static memscape_status check_segment(const memscape_segment *s, size_t i, uint64_t cell_bytes,
                                     memscape_error *err)
{
    uint64_t end;
    if (s->is_gap != 0 && s->is_gap != 1)
        return CORRUPT(err, "segment %zu: is_gap is %d, not 0 or 1", i, s->is_gap);
    if (s->cell_count == 0 || s->bytes == 0)
        return CORRUPT(err, "segment %zu: empty (%" PRIu64 " cells, %" PRIu64 " bytes)", i,
                       s->cell_count, s->bytes);
    if (memscape_add_u64(s->addr, s->bytes, &end) != MEMSCAPE_OK)
        return CORRUPT(err, "segment %zu: address 0x%" PRIx64 " + 0x%" PRIx64 " bytes runs "
                       "past the top of the address space", i, s->addr, s->bytes);
    uint64_t true_cells = ceil_div(s->bytes, cell_bytes);
    if (!s->is_gap && s->cell_count != true_cells)
        return CORRUPT(err, "segment %zu: %" PRIu64 " bytes at %" PRIu64 " bytes a cell take "
                       "%" PRIu64 " cells, not %" PRIu64, i, s->bytes, cell_bytes, true_cells,
                       s->cell_count);
    if (s->is_gap && s->cell_count != true_cells &&
        s->cell_count != separator_cells(s->bytes, cell_bytes))
        return CORRUPT(err, "segment %zu: a gap of %" PRIu64 " bytes takes %" PRIu64 " cells "
                       "(compact) or %" PRIu64 " (true scale), not %" PRIu64, i, s->bytes,
                       separator_cells(s->bytes, cell_bytes), true_cells, s->cell_count);
    return MEMSCAPE_OK;
}

/* Segment i against its predecessor: cells follow on; runs and gaps alternate, starting and
 * ending with a run, each gap spanning exactly the addresses between its two runs. */
static memscape_status check_order(const memscape_segment *seg, size_t i, size_t count,
                                   uint64_t expected_cell, memscape_error *err)
{
    const memscape_segment *s = &seg[i];
    if (s->first_cell != expected_cell)
        return CORRUPT(err, "segment %zu: starts at cell %" PRIu64 ", not %" PRIu64 " where the "
                       "one before ends", i, s->first_cell, expected_cell);
    if (s->is_gap && (i == 0 || i + 1 == count))
        return CORRUPT(err, "segment %zu: a gap must lie between two address runs", i);
    if (i == 0)
        return MEMSCAPE_OK;
    const memscape_segment *prev = &seg[i - 1];
    if (prev->is_gap == s->is_gap)
        return CORRUPT(err, "segment %zu: two %s in a row", i,
                       s->is_gap ? "gaps" : "address runs");
    uint64_t prev_end = prev->addr + prev->bytes; /* checked by check_segment() */
    if (s->addr != prev_end)
        return CORRUPT(err, "segment %zu: starts at address 0x%" PRIx64 ", not 0x%" PRIx64
                       " where the one before ends", i, s->addr, prev_end);
    return MEMSCAPE_OK;
}

static memscape_status check_segments(const memscape_segment *seg, size_t count,
                                      uint64_t cell_bytes, uint64_t capacity,
                                      uint64_t *used, memscape_error *err)
{
    /* No segments is a picture of nothing, all padding: what memscape_layout_new() makes of
     * a space with no memory, so its map must read back. */
    if (count > capacity)
        return CORRUPT(err, "%zu segments cannot fit %" PRIu64 " cells", count, capacity);
    uint64_t cell = 0;
    for (size_t i = 0; i < count; i++) {
        memscape_status st = check_segment(&seg[i], i, cell_bytes, err);
        if (st == MEMSCAPE_OK)
            st = check_order(seg, i, count, cell, err);
        if (st != MEMSCAPE_OK)
            return st;
        if (memscape_add_u64(cell, seg[i].cell_count, &cell) != MEMSCAPE_OK || cell > capacity)
            return CORRUPT(err, "segment %zu: ends past the picture's %" PRIu64 " cells", i,
                           capacity);
    }
    *used = cell;
    return MEMSCAPE_OK;
}

memscape_status memscape_layout_from_segments(memscape_layout **out, memscape_curve curve,
                                              uint32_t width, uint32_t height,
                                              uint64_t cell_bytes,
                                              const memscape_segment *segments, size_t count,
                                              memscape_error *err)
{
    if (!out || (!segments && count > 0))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "layout: no %s given", !out ? "result" : "segments");
    if (cell_bytes == 0)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "--cell 0: a cell must cover at least one byte");
    memscape_curve_grid grid;
    memscape_status st = memscape_curve_grid_init(&grid, curve, width, height, 1, err);
    if (st != MEMSCAPE_OK)
        return st;
    uint64_t used = 0;
    st = check_segments(segments, count, cell_bytes, memscape_curve_grid_cells(&grid), &used,
                        err);
    if (st != MEMSCAPE_OK)
        return st;
    memscape_layout *layout = NULL;
    st = alloc_layout(&layout, &grid, cell_bytes, count, err);
    if (st != MEMSCAPE_OK)
        return st;
    if (count > 0)
        memcpy(layout->segments, segments, count * sizeof *segments);
    layout->count = count;
    layout->used_cells = used;
    *out = layout;
    return MEMSCAPE_OK;
}

void memscape_layout_free(memscape_layout *layout)
{
    if (!layout)
        return;
    free(layout->segments);
    free(layout);
}

/* ---- queries ------------------------------------------------------------------------------ */

memscape_curve memscape_layout_curve(const memscape_layout *layout)
{
    return layout->grid.curve;
}

uint32_t memscape_layout_width(const memscape_layout *layout)
{
    return layout->grid.width;
}

uint32_t memscape_layout_height(const memscape_layout *layout)
{
    return layout->grid.height;
}

uint32_t memscape_layout_depth(const memscape_layout *layout)
{
    return layout->grid.depth;
}

uint64_t memscape_layout_cells(const memscape_layout *layout)
{
    return memscape_curve_grid_cells(&layout->grid);
}

void memscape_layout_cell_to_xyz(const memscape_layout *layout, uint64_t cell, uint32_t *x,
                                 uint32_t *y, uint32_t *z)
{
    memscape_curve_grid_xyz(&layout->grid, cell, x, y, z);
}

uint64_t memscape_layout_xyz_to_cell(const memscape_layout *layout, uint32_t x, uint32_t y,
                                     uint32_t z)
{
    return memscape_curve_grid_cell_3d(&layout->grid, x, y, z);
}

uint64_t memscape_layout_cell_bytes(const memscape_layout *layout)
{
    return layout->cell_bytes;
}

uint64_t memscape_layout_used_cells(const memscape_layout *layout)
{
    return layout->used_cells;
}

const memscape_segment *memscape_layout_segments(const memscape_layout *layout, size_t *count)
{
    if (count)
        *count = layout->count;
    return layout->segments;
}

void memscape_layout_cell_to_xy(const memscape_layout *layout, uint64_t cell, uint32_t *x,
                                uint32_t *y)
{
    memscape_curve_grid_xy(&layout->grid, cell, x, y);
}

uint64_t memscape_layout_xy_to_cell(const memscape_layout *layout, uint32_t x, uint32_t y)
{
    return memscape_curve_grid_cell(&layout->grid, x, y);
}

/* The segment holding cell (cell < used_cells). Segments are contiguous in cell order. */
static const memscape_segment *segment_of_cell(const memscape_layout *layout, uint64_t cell)
{
    size_t lo = 0, hi = layout->count;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (layout->segments[mid].first_cell <= cell)
            lo = mid;
        else
            hi = mid;
    }
    return &layout->segments[lo];
}

memscape_cell_kind memscape_layout_cell_info(const memscape_layout *layout, uint64_t cell,
                                             uint64_t *addr, uint64_t *bytes)
{
    uint64_t a = 0, b = 0;
    memscape_cell_kind kind = MEMSCAPE_CELL_PADDING;
    if (cell < layout->used_cells) {
        const memscape_segment *s = segment_of_cell(layout, cell);
        if (s->is_gap) {
            kind = MEMSCAPE_CELL_GAP;
            a = s->addr;
            b = s->bytes;
        } else {
            /* offset < bytes, as cell_count == ceil(bytes / cell_bytes): no overflow */
            uint64_t offset = (cell - s->first_cell) * layout->cell_bytes;
            kind = MEMSCAPE_CELL_ADDRESS;
            a = s->addr + offset;
            b = s->bytes - offset < layout->cell_bytes ? s->bytes - offset : layout->cell_bytes;
        }
    }
    if (addr)
        *addr = a;
    if (bytes)
        *bytes = b;
    return kind;
}

int memscape_layout_addr_to_cell(const memscape_layout *layout, uint64_t addr, uint64_t *cell)
{
    /* Segments are in address order too: find the last one starting at or below addr. */
    size_t lo = 0, hi = layout->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (layout->segments[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    const memscape_segment *s = &layout->segments[lo - 1];
    if (s->is_gap || addr - s->addr >= s->bytes)
        return 0;
    if (cell)
        *cell = s->first_cell + (addr - s->addr) / layout->cell_bytes;
    return 1;
}
