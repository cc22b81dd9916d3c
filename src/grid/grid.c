/* SPDX-License-Identifier: MIT */
/* The grid pass: every cell of a layout filled in one streaming pass over the present bytes.
 *
 * The cell index range is cut into one contiguous block per thread, each holding about the
 * same number of present bytes (reading them is the work; a layout whose data fills only a
 * prefix of the cells would otherwise leave all of it to one thread). A thread walks the
 * address runs (segments) of its block in order, reads their present bytes through the
 * zero-copy chunk iterator, and hands each chunk, cut at cell boundaries, to one cell
 * accumulator (grid/cell_stats.h). Blocks share nothing but the read-only space, layout and
 * pointer table, and each writes only its own cells, so the result does not depend on the
 * number of threads. The caller's thread reports progress. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "grid/cell_stats.h"
#include "grid/grid_internal.h"
#include "memscape/grid.h"
#include "space_build.h"
#include "util/checked.h"
#include "util/error.h"

struct memscape_grid {
    uint64_t cells;
    uint64_t *present;
    uint8_t *mean;
    float *entropy;
    uint8_t *byte_class;
    float *pointers;
    uint8_t *usage;
    uint8_t *state;
    uint8_t *type;
    uint16_t *protect;
    uint32_t *module;
};

/* More threads than this buy nothing for a memory-bound pass and cost stacks. */
#define GRID_MAX_THREADS 256u
/* Workers publish their progress in steps of this many bytes. */
#define PROGRESS_STEP ((uint64_t)1 << 22)
/* The caller's thread reports progress this often (ns), and when it does the work itself,
 * every this many bytes. */
#define PROGRESS_PERIOD_NS 100000000L
#define INLINE_PROGRESS_STEP ((uint64_t)1 << 26)

typedef struct grid_pass {
    const memscape_space *space;
    const memscape_module *modules;
    const memscape_segment *segments;
    size_t segment_count;
    uint64_t cell_bytes;
    memscape_pointer_targets targets;
    uint32_t pointer_size;
    int big_endian;
    memscape_grid *grid;

    const memscape_grid_options *opts;
    const memscape_layout *voxel_layout; /* non-NULL: store each cell at its voxel's index */
    uint64_t total;             /* present bytes the layout shows, for progress */
    atomic_uint_least64_t done;

    pthread_mutex_t lock;
    pthread_cond_t wake;
    unsigned running;           /* workers not yet finished; under lock */
} grid_pass;

typedef struct grid_block {
    grid_pass *pass;
    uint64_t first, end;        /* cells [first, end) */
    int on_caller;              /* run by the caller's thread: may report progress itself */
    uint64_t unreported;        /* bytes counted but not yet added to pass->done */
    uint64_t reported_inline;   /* value of done at the last inline report */
    memscape_cell_stats stats;
    pthread_t thread;
    int started;
} grid_block;

/* ---- allocation -------------------------------------------------------------------------- */

void memscape_grid_free(memscape_grid *grid)
{
    if (!grid)
        return;
    free(grid->present);
    free(grid->mean);
    free(grid->entropy);
    free(grid->byte_class);
    free(grid->pointers);
    free(grid->usage);
    free(grid->state);
    free(grid->type);
    free(grid->protect);
    free(grid->module);
    free(grid);
}

static void *channel_alloc(uint64_t cells, size_t item, int *failed)
{
    size_t bytes;
    if (cells > SIZE_MAX || memscape_mul_size((size_t)cells, item, &bytes) != MEMSCAPE_OK) {
        *failed = 1;
        return NULL;
    }
    void *p = malloc(bytes ? bytes : 1);
    if (!p)
        *failed = 1;
    return p;
}

static memscape_status grid_alloc(memscape_grid **out, uint64_t cells, memscape_error *err)
{
    memscape_grid *g = calloc(1, sizeof *g);
    if (!g)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "grid: out of memory");
    int failed = 0;
    g->cells = cells;
    g->present = channel_alloc(cells, sizeof *g->present, &failed);
    g->mean = channel_alloc(cells, sizeof *g->mean, &failed);
    g->entropy = channel_alloc(cells, sizeof *g->entropy, &failed);
    g->byte_class = channel_alloc(cells, sizeof *g->byte_class, &failed);
    g->pointers = channel_alloc(cells, sizeof *g->pointers, &failed);
    g->usage = channel_alloc(cells, sizeof *g->usage, &failed);
    g->state = channel_alloc(cells, sizeof *g->state, &failed);
    g->type = channel_alloc(cells, sizeof *g->type, &failed);
    g->protect = channel_alloc(cells, sizeof *g->protect, &failed);
    g->module = channel_alloc(cells, sizeof *g->module, &failed);
    if (failed) {
        memscape_grid_free(g);
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                             "grid: no memory for %llu cells", (unsigned long long)cells);
    }
    *out = g;
    return MEMSCAPE_OK;
}

/* ---- one block --------------------------------------------------------------------------- */

/* Gaps, padding and cells past their data all start as "nothing here". */
static void clear_cells(memscape_grid *g, uint64_t first, uint64_t end)
{
    size_t n = (size_t)(end - first);
    memset(g->present + first, 0, n * sizeof *g->present);
    memset(g->mean + first, 0, n * sizeof *g->mean);
    memset(g->byte_class + first, MEMSCAPE_GRID_NONE, n * sizeof *g->byte_class);
    memset(g->usage + first, MEMSCAPE_GRID_NONE, n * sizeof *g->usage);
    memset(g->state + first, MEMSCAPE_GRID_NONE, n * sizeof *g->state);
    memset(g->type + first, MEMSCAPE_GRID_NONE, n * sizeof *g->type);
    memset(g->protect + first, 0, n * sizeof *g->protect);
    for (uint64_t c = first; c < end; c++) {
        g->entropy[c] = 0.0f;
        g->pointers[c] = 0.0f;
        g->module[c] = MEMSCAPE_GRID_NO_MODULE;
    }
}

static void publish_progress(grid_block *b, int force)
{
    grid_pass *pass = b->pass;
    if (b->unreported >= PROGRESS_STEP || (force && b->unreported)) {
        atomic_fetch_add_explicit(&pass->done, b->unreported, memory_order_relaxed);
        b->unreported = 0;
    }
    if (!b->on_caller || !pass->opts || !pass->opts->progress)
        return;
    uint64_t done = atomic_load_explicit(&pass->done, memory_order_relaxed);
    if (done - b->reported_inline >= INLINE_PROGRESS_STEP) {
        b->reported_inline = done;
        pass->opts->progress(pass->opts->progress_ctx, done, pass->total);
    }
}

/* Where cell's values go: its own index, or in voxel order its voxel's (x fastest). */
static uint64_t slot_of(const grid_pass *pass, uint64_t cell)
{
    if (!pass->voxel_layout)
        return cell;
    uint32_t x, y, z;
    memscape_layout_cell_to_xyz(pass->voxel_layout, cell, &x, &y, &z);
    const uint64_t nx = memscape_layout_width(pass->voxel_layout);
    const uint64_t ny = memscape_layout_height(pass->voxel_layout);
    return ((uint64_t)z * ny + y) * nx + x;
}

/* Store the finished cell's statistics and the facts of the region and module holding its
 * first address. */
static void store_cell(grid_block *b, uint64_t cell_index, uint64_t addr)
{
    grid_pass *pass = b->pass;
    memscape_grid *g = pass->grid;
    const uint64_t cell = slot_of(pass, cell_index);
    memscape_cell_result r;
    memscape_cell_stats_finish(&b->stats, &r);
    g->present[cell] = r.present;
    g->mean[cell] = r.mean;
    g->entropy[cell] = r.entropy;
    g->byte_class[cell] = r.byte_class;
    g->pointers[cell] = r.pointers;
    const memscape_region *region = memscape_space_find_region(pass->space, addr);
    if (region) {
        g->usage[cell] = (uint8_t)region->usage;
        g->state[cell] = (uint8_t)region->state;
        g->type[cell] = (uint8_t)region->type;
        g->protect[cell] = (uint16_t)region->protect;
    }
    const memscape_module *m = memscape_space_find_module(pass->space, addr);
    if (m)
        g->module[cell] = (uint32_t)(m - pass->modules);
    b->unreported += r.present;
    publish_progress(b, 0);
}

/* Address of cell k of an address run; saturates (a consistent layout never needs it). */
static uint64_t run_cell_addr(const memscape_segment *seg, uint64_t k, uint64_t cell_bytes)
{
    uint64_t off, addr;
    if (memscape_mul_u64(k, cell_bytes, &off) != MEMSCAPE_OK ||
        memscape_add_u64(seg->addr, off, &addr) != MEMSCAPE_OK)
        return UINT64_MAX;
    return addr;
}

/* Bytes read between giving pages of the mapped file back: the pass then holds at most this
 * much of the dump per thread, whatever the dump's size. */
#define RELEASE_CHUNK_BYTES ((size_t)8 << 20)

/* Cells [c_lo, c_hi) of one address run: stream its present bytes, cell by cell. */
static void walk_run(grid_block *b, const memscape_segment *seg, uint64_t c_lo, uint64_t c_hi)
{
    const uint64_t cell_bytes = b->pass->cell_bytes;
    const uint64_t seg_end = memscape_end_clamped(seg->addr, seg->bytes);
    uint64_t lo = run_cell_addr(seg, c_lo - seg->first_cell, cell_bytes);
    uint64_t hi = run_cell_addr(seg, c_hi - seg->first_cell, cell_bytes);
    if (hi > seg_end)
        hi = seg_end;

    uint64_t cell = c_lo;
    uint64_t cell_addr = lo;
    uint64_t cell_end = memscape_end_clamped(cell_addr, cell_bytes);
    if (cell_end > seg_end)
        cell_end = seg_end;

    memscape_chunk_iter it;
    memscape_chunk chunk;
    memscape_chunks_begin(&it, b->pass->space, lo, hi, RELEASE_CHUNK_BYTES);
    while (lo < hi && memscape_chunks_next(&it, &chunk)) {
        uint64_t addr = chunk.addr;
        const uint8_t *data = chunk.data;
        size_t left = chunk.size;
        while (left > 0) {
            while (addr >= cell_end && cell + 1 < c_hi) {
                store_cell(b, cell, cell_addr);
                cell++;
                cell_addr = cell_end;
                cell_end = memscape_end_clamped(cell_addr, cell_bytes);
                if (cell_end > seg_end)
                    cell_end = seg_end;
            }
            size_t n = left;
            if (addr < cell_end && cell_end - addr < n)
                n = (size_t)(cell_end - addr);
            memscape_cell_stats_add(&b->stats, addr, data, n);
            addr += n;
            data += n;
            left -= n;
        }
        memscape_space_release_file_bytes(b->pass->space, chunk.data, chunk.size);
    }
    for (; cell < c_hi; cell++) {
        store_cell(b, cell, cell_addr);
        cell_addr = run_cell_addr(seg, cell + 1 - seg->first_cell, cell_bytes);
    }
}

/* Index of the first segment that ends after cell. */
static size_t first_segment_after(const grid_pass *pass, uint64_t cell)
{
    size_t lo = 0, hi = pass->segment_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const memscape_segment *s = &pass->segments[mid];
        if (s->first_cell + s->cell_count <= cell)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void fill_block(grid_block *b)
{
    grid_pass *pass = b->pass;
    /* With more threads than present bytes some blocks hold no cell. */
    if (b->first == b->end)
        return;
    if (!pass->voxel_layout) /* in voxel order a block's cells are scattered: cleared before */
        clear_cells(pass->grid, b->first, b->end);
    memscape_cell_stats_init(&b->stats, &pass->targets, pass->pointer_size, pass->big_endian,
                             pass->cell_bytes);
    for (size_t i = first_segment_after(pass, b->first); i < pass->segment_count; i++) {
        const memscape_segment *seg = &pass->segments[i];
        if (seg->first_cell >= b->end)
            break;
        if (seg->is_gap || seg->cell_count == 0)
            continue;
        uint64_t seg_cells_end = seg->first_cell + seg->cell_count;
        uint64_t c_lo = seg->first_cell > b->first ? seg->first_cell : b->first;
        uint64_t c_hi = seg_cells_end < b->end ? seg_cells_end : b->end;
        walk_run(b, seg, c_lo, c_hi);
    }
    publish_progress(b, 1);
}

static void *worker_main(void *arg)
{
    grid_block *b = arg;
    fill_block(b);
    grid_pass *pass = b->pass;
    pthread_mutex_lock(&pass->lock);
    pass->running--;
    pthread_cond_signal(&pass->wake);
    pthread_mutex_unlock(&pass->lock);
    return NULL;
}

/* ---- present bytes shown ----------------------------------------------------------------- */

/* Call visit for every present chunk of every address run, in cell order. Only the chunks'
 * addresses and sizes are produced, never their data, so no page of the dump is read: the
 * cost is one step per segment and per present run. */
static void for_each_shown_chunk(const grid_pass *pass,
                                 void (*visit)(void *ctx, const memscape_segment *seg,
                                               const memscape_chunk *chunk),
                                 void *ctx)
{
    for (size_t i = 0; i < pass->segment_count; i++) {
        const memscape_segment *seg = &pass->segments[i];
        if (seg->is_gap)
            continue;
        memscape_chunk_iter it;
        memscape_chunk chunk;
        memscape_chunks_begin(&it, pass->space, seg->addr,
                              memscape_end_clamped(seg->addr, seg->bytes), 0);
        while (memscape_chunks_next(&it, &chunk))
            visit(ctx, seg, &chunk);
    }
}

static void add_chunk_size(void *ctx, const memscape_segment *seg, const memscape_chunk *chunk)
{
    (void)seg;
    *(uint64_t *)ctx += chunk->size;
}

/* Present bytes the layout shows: the denominator of progress and what blocks share. */
static uint64_t shown_present_bytes(const grid_pass *pass)
{
    uint64_t total = 0;
    for_each_shown_chunk(pass, add_chunk_size, &total);
    return total;
}

/* ---- cutting the cells into blocks ------------------------------------------------------- */

typedef struct block_plan {
    const grid_pass *pass;
    grid_block *blocks;
    unsigned n;
    unsigned next;              /* the next block whose first cell is still to be found */
    uint64_t total;             /* present bytes shown */
    uint64_t seen;              /* present bytes in the chunks visited so far */
} block_plan;

/* Present bytes that come before block i: i/n of the total (total * i / n without the
 * product, which could overflow). */
static uint64_t share_before(uint64_t total, unsigned i, unsigned n)
{
    return total / n * i + total % n * i / n;
}

/* The cell of address run seg that shows addr; kept inside the run should a layout round
 * differently. */
static uint64_t run_cell_of(const grid_pass *pass, const memscape_segment *seg, uint64_t addr)
{
    uint64_t k = (addr - seg->addr) / pass->cell_bytes;
    if (seg->cell_count == 0)
        return seg->first_cell;
    return seg->first_cell + (k < seg->cell_count ? k : seg->cell_count - 1);
}

/* Every block whose share starts inside this chunk starts at the cell holding that byte.
 * Cutting at a cell, not at the byte, keeps each cell in one block: the byte balance is then
 * off by at most a cell per block. */
static void plan_chunk(void *ctx, const memscape_segment *seg, const memscape_chunk *chunk)
{
    block_plan *p = ctx;
    while (p->next < p->n) {
        uint64_t start = share_before(p->total, p->next, p->n);
        if (start - p->seen >= chunk->size)
            break;
        p->blocks[p->next].first = run_cell_of(p->pass, seg, chunk->addr + (start - p->seen));
        p->next++;
    }
    p->seen += chunk->size;
}

/* Give each of the n blocks a contiguous cell range [first, end) covering [0, cells) with no
 * overlap. Blocks share the present bytes evenly; the cells without any (gaps, padding,
 * absent memory) cost little and go to whichever block holds them. With nothing present,
 * storing the cells is all the work, so blocks share the cells evenly instead. */
static void plan_blocks(const grid_pass *pass, grid_block *blocks, unsigned n, uint64_t cells,
                        uint64_t total)
{
    for (unsigned i = 0; i < n; i++)
        blocks[i].first = cells * i / n;
    if (total > 0 && n > 1) {
        block_plan plan = {pass, blocks, n, 1, total, 0};
        for_each_shown_chunk(pass, plan_chunk, &plan);
        /* Unreachable for a consistent space; keeps the blocks well formed regardless. */
        for (unsigned i = plan.next; i < n; i++)
            blocks[i].first = cells;
    }
    /* Starts that never go backwards keep blocks from overlapping, even for an odd layout. */
    blocks[0].first = 0;
    for (unsigned i = 1; i < n; i++) {
        if (blocks[i].first > cells)
            blocks[i].first = cells;
        if (blocks[i].first < blocks[i - 1].first)
            blocks[i].first = blocks[i - 1].first;
    }
    for (unsigned i = 0; i + 1 < n; i++)
        blocks[i].end = blocks[i + 1].first;
    blocks[n - 1].end = cells;
}

/* ---- the pass ---------------------------------------------------------------------------- */

static unsigned thread_count(const memscape_grid_options *opts, uint64_t cells)
{
    unsigned n = opts ? opts->threads : 0;
    if (n == 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        n = online > 0 ? (unsigned)(online < GRID_MAX_THREADS ? online : GRID_MAX_THREADS) : 1;
    }
    if (n > GRID_MAX_THREADS)
        n = GRID_MAX_THREADS;
    if (n > cells)
        n = (unsigned)cells;
    return n ? n : 1;
}

static void report(const grid_pass *pass, uint64_t done)
{
    if (pass->opts && pass->opts->progress)
        pass->opts->progress(pass->opts->progress_ctx, done, pass->total);
}

/* Wait for the workers, reporting progress from this (the caller's) thread. */
static void wait_for_workers(grid_pass *pass)
{
    pthread_mutex_lock(&pass->lock);
    while (pass->running > 0) {
        if (!pass->opts || !pass->opts->progress) {
            pthread_cond_wait(&pass->wake, &pass->lock);
            continue;
        }
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += PROGRESS_PERIOD_NS;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
        if (pthread_cond_timedwait(&pass->wake, &pass->lock, &deadline) == ETIMEDOUT &&
            pass->running > 0) {
            pthread_mutex_unlock(&pass->lock);
            report(pass, atomic_load_explicit(&pass->done, memory_order_relaxed));
            pthread_mutex_lock(&pass->lock);
        }
    }
    pthread_mutex_unlock(&pass->lock);
}

static void run_blocks(grid_pass *pass, grid_block *blocks, unsigned n)
{
    pthread_mutex_lock(&pass->lock);
    pass->running = 0;
    pthread_mutex_unlock(&pass->lock);
    /* Block 0 is the caller's own share; the others get a thread each. A thread that cannot
     * be started leaves its block to the caller. */
    for (unsigned i = 1; i < n; i++) {
        pthread_mutex_lock(&pass->lock);
        pass->running++;
        pthread_mutex_unlock(&pass->lock);
        if (pthread_create(&blocks[i].thread, NULL, worker_main, &blocks[i]) == 0) {
            blocks[i].started = 1;
        } else {
            pthread_mutex_lock(&pass->lock);
            pass->running--;
            pthread_mutex_unlock(&pass->lock);
        }
    }
    for (unsigned i = 0; i < n; i++) {
        if (!blocks[i].started) {
            blocks[i].on_caller = 1;
            fill_block(&blocks[i]);
        }
    }
    wait_for_workers(pass);
    for (unsigned i = 0; i < n; i++)
        if (blocks[i].started)
            pthread_join(blocks[i].thread, NULL);
}

static memscape_status pass_prepare(grid_pass *pass, const memscape_space *space,
                                    const memscape_layout *layout,
                                    const memscape_grid_options *opts, memscape_error *err)
{
    memset(pass, 0, sizeof *pass);
    pass->space = space;
    pass->opts = opts;
    size_t module_count;
    pass->modules = memscape_space_modules(space, &module_count);
    pass->segments = memscape_layout_segments(layout, &pass->segment_count);
    pass->cell_bytes = memscape_layout_cell_bytes(layout);
    if (pass->cell_bytes == 0)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "grid: the layout has 0 bytes per cell");
    const memscape_system *sys = memscape_space_system(space);
    pass->pointer_size = sys->pointer_size;
    pass->big_endian = sys->big_endian;
    atomic_init(&pass->done, 0);
    return memscape_pointer_targets_build(&pass->targets, space, err);
}

static memscape_status compute(memscape_grid **out, const memscape_space *space,
                               const memscape_layout *layout, const memscape_grid_options *opts,
                               int voxel_order, memscape_error *err)
{
    if (!out || !space || !layout)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "grid: space and layout are required");
    uint64_t cells = memscape_layout_cells(layout);
    grid_pass pass;
    memscape_status st = pass_prepare(&pass, space, layout, opts, err);
    if (st != MEMSCAPE_OK)
        return st;
    pass.voxel_layout = voxel_order ? layout : NULL;
    memscape_grid *grid = NULL;
    grid_block *blocks = NULL;
    unsigned n = thread_count(opts, cells);
    st = grid_alloc(&grid, cells, err);
    if (st != MEMSCAPE_OK)
        goto fail;
    blocks = calloc(n, sizeof *blocks);
    if (!blocks) {
        st = memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "grid: out of memory");
        goto fail;
    }
    pass.grid = grid;
    if (voxel_order)
        clear_cells(grid, 0, cells);
    if (n > 1 || (opts && opts->progress))
        pass.total = shown_present_bytes(&pass);
    for (unsigned i = 0; i < n; i++)
        blocks[i].pass = &pass;
    plan_blocks(&pass, blocks, n, cells, pass.total);
    pthread_mutex_init(&pass.lock, NULL);
    pthread_cond_init(&pass.wake, NULL);
    run_blocks(&pass, blocks, n);
    pthread_cond_destroy(&pass.wake);
    pthread_mutex_destroy(&pass.lock);
    report(&pass, atomic_load_explicit(&pass.done, memory_order_relaxed));
    free(blocks);
    memscape_pointer_targets_free(&pass.targets);
    *out = grid;
    return MEMSCAPE_OK;
fail:
    free(blocks);
    memscape_grid_free(grid);
    memscape_pointer_targets_free(&pass.targets);
    return st;
}

memscape_status memscape_grid_compute(memscape_grid **out, const memscape_space *space,
                                      const memscape_layout *layout,
                                      const memscape_grid_options *opts, memscape_error *err)
{
    return compute(out, space, layout, opts, 0, err);
}

memscape_status memscape_grid_compute_voxel_order(memscape_grid **out,
                                                  const memscape_space *space,
                                                  const memscape_layout *layout,
                                                  const memscape_grid_options *opts,
                                                  memscape_error *err)
{
    if (layout && !memscape_curve_is_3d(memscape_layout_curve(layout)))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "volume: a 3D layout (hilbert3d or slab) is needed");
    return compute(out, space, layout, opts, 1, err);
}

void memscape_grid_take_channels(memscape_grid *grid, memscape_grid_channels *out)
{
    *out = (memscape_grid_channels){
        .cells = grid->cells, .present = grid->present, .mean = grid->mean,
        .entropy = grid->entropy, .byte_class = grid->byte_class, .pointers = grid->pointers,
        .usage = grid->usage, .protect = grid->protect, .module = grid->module,
    };
    free(grid->state);
    free(grid->type);
    free(grid);
}

/* ---- access ------------------------------------------------------------------------------ */

uint64_t memscape_grid_cells(const memscape_grid *grid)
{
    return grid->cells;
}

const uint64_t *memscape_grid_present(const memscape_grid *grid)
{
    return grid->present;
}

const uint8_t *memscape_grid_mean(const memscape_grid *grid)
{
    return grid->mean;
}

const float *memscape_grid_entropy(const memscape_grid *grid)
{
    return grid->entropy;
}

const uint8_t *memscape_grid_class(const memscape_grid *grid)
{
    return grid->byte_class;
}

const float *memscape_grid_pointers(const memscape_grid *grid)
{
    return grid->pointers;
}

const uint8_t *memscape_grid_usage(const memscape_grid *grid)
{
    return grid->usage;
}

const uint8_t *memscape_grid_state(const memscape_grid *grid)
{
    return grid->state;
}

const uint8_t *memscape_grid_type(const memscape_grid *grid)
{
    return grid->type;
}

const uint16_t *memscape_grid_protect(const memscape_grid *grid)
{
    return grid->protect;
}

const uint32_t *memscape_grid_module(const memscape_grid *grid)
{
    return grid->module;
}
