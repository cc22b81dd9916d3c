/* SPDX-License-Identifier: MIT */
/* The grid: every channel of every cell checked against values this test computes itself from
 * the bytes it put in a synthetic space (its own histogram, entropy, class counts and pointer
 * count), for several thread counts; and the views' pixels against palette colours. */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "grid/cell_stats.h"
#include "memscape/grid.h"
#include "memscape/patterns.h"
#include "memscape/picture.h"
#include "memscape/volume.h"
#include "space_build.h"

/* ---- the synthetic dump ------------------------------------------------------------------- */

#define FILE_SIZE 0x10000u

/* A range of the test space whose bytes the file holds. */
typedef struct test_range {
    uint64_t base, size, file_offset;
} test_range;

/* Two ranges meet at an address that is not pointer-aligned, from distant file offsets, so a
 * value and a cell straddle two chunks. */
static const test_range ranges[] = {
    {0x10000, 0x5ffc, 0x0000},
    {0x15ffc, 0x2004, 0x8000},
    {0x50000, 0x3000, 0xc000},
};
#define RANGE_COUNT (sizeof ranges / sizeof *ranges)

/* Layout entries: [0x10000,0x14000) private heap, [0x14000,0x18000) a module image,
 * [0x20000,0x22000) committed but not captured, [0x30000,0x31000) reserved,
 * [0x31000,0x40000) free, [0x50000,0x53000) a stack. */
#define MODULE_BASE 0x14000u
#define NOT_CAPTURED_BASE 0x20000u
#define RESERVED_BASE 0x30000u
#define FREE_BASE 0x31000u
#define STACK_BASE 0x50000u

static uint8_t file_bytes[FILE_SIZE];

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    /* xorshift64: a fixed seed gives the same "random" bytes on every run. */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void put_u64le(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Fill the file with blocks of known character: zeros, text, random, 0xff, control bytes,
 * high bytes and pointer-like values (into and out of the regions). */
static void fill_file(void)
{
    static const char text[] = "The quick brown fox jumps over the lazy dog.\r\n\t";
    static const uint64_t targets[] = {
        0x10010, 0x17ff8, NOT_CAPTURED_BASE + 0x100, RESERVED_BASE + 8, /* not free */
        FREE_BASE + 0x40, 0x60000, 0x1, 0xffffffffffff0000u,            /* free or none */
    };
    rng_state = 0x9e3779b97f4a7c15u;
    for (size_t off = 0; off < FILE_SIZE; off += 0x400) {
        uint8_t *p = file_bytes + off;
        switch ((off / 0x400) % 8) {
        case 0:
            memset(p, 0, 0x400);
            break;
        case 1:
            for (size_t i = 0; i < 0x400; i++)
                p[i] = (uint8_t)text[i % (sizeof text - 1)];
            break;
        case 2:
            for (size_t i = 0; i < 0x400; i++)
                p[i] = (uint8_t)rng_next();
            break;
        case 3:
            memset(p, 0xff, 0x400);
            break;
        case 4:
            for (size_t i = 0; i < 0x400; i += 8)
                put_u64le(p + i, targets[rng_next() % 8]);
            break;
        case 5:
            for (size_t i = 0; i < 0x400; i++)
                p[i] = (uint8_t)(1 + rng_next() % 8);   /* control bytes */
            break;
        case 6:
            for (size_t i = 0; i < 0x400; i++)
                p[i] = (uint8_t)(0x80 + rng_next() % 0x7f); /* high bytes */
            break;
        default:
            /* A mix, so ties and near-ties between classes occur. */
            for (size_t i = 0; i < 0x400; i++) {
                static const uint8_t mix[] = {0x00, 0x41, 0x05, 0x90, 0xff};
                p[i] = mix[rng_next() % 5];
            }
            break;
        }
    }
    /* Pointers right across the junction of the first two ranges (0x15ffc): the value at
     * 0x15ff8 has four bytes in each. */
    put_u64le(file_bytes + 0x5ff8, 0x10020);
    for (unsigned i = 0; i < 4; i++)
        file_bytes[0x8000 + i] = 0;
}

/* The byte at addr, as the test placed it; 0 when the dump holds none. */
static int ref_byte(uint64_t addr, uint8_t *out)
{
    for (size_t i = 0; i < RANGE_COUNT; i++) {
        if (addr >= ranges[i].base && addr - ranges[i].base < ranges[i].size) {
            *out = file_bytes[ranges[i].file_offset + (addr - ranges[i].base)];
            return 1;
        }
    }
    return 0;
}

/* Is v inside memory the test made not free? */
static int ref_points_into(uint64_t v)
{
    return (v >= 0x10000 && v < 0x18000) ||
           (v >= NOT_CAPTURED_BASE && v < NOT_CAPTURED_BASE + 0x2000) ||
           (v >= RESERVED_BASE && v < RESERVED_BASE + 0x1000) ||
           (v >= STACK_BASE && v < STACK_BASE + 0x3000);
}

static memscape_region layout_entry(uint64_t base, uint64_t size, memscape_state state,
                                    memscape_type type, memscape_usage usage)
{
    memscape_region r = {0};
    r.base = base;
    r.size = size;
    r.allocation_base = base;
    r.file_offset = MEMSCAPE_NO_OFFSET;
    r.state = state;
    r.type = type;
    r.protect = state == MEMSCAPE_STATE_COMMITTED || state == MEMSCAPE_STATE_NOT_CAPTURED
                    ? MEMSCAPE_PROT_RW : MEMSCAPE_PROT_NONE;
    r.usage = usage;
    r.module_index = MEMSCAPE_NO_INDEX;
    r.thread_index = MEMSCAPE_NO_INDEX;
    return r;
}

static memscape_space *build_space(uint32_t pointer_size)
{
    fill_file();
    memscape_space *space;
    assert_int_equal(memscape_space_new(&space, file_bytes, FILE_SIZE, NULL), MEMSCAPE_OK);
    space->system.pointer_size = pointer_size;
    for (size_t i = 0; i < RANGE_COUNT; i++)
        assert_int_equal(memscape_space_add_range(space, ranges[i].base, ranges[i].size,
                                                  ranges[i].file_offset), MEMSCAPE_OK);
    const memscape_region entries[] = {
        layout_entry(0x10000, 0x4000, MEMSCAPE_STATE_COMMITTED, MEMSCAPE_TYPE_PRIVATE,
                     MEMSCAPE_USAGE_HEAP),
        layout_entry(MODULE_BASE, 0x4000, MEMSCAPE_STATE_COMMITTED, MEMSCAPE_TYPE_IMAGE,
                     MEMSCAPE_USAGE_IMAGE),
        layout_entry(NOT_CAPTURED_BASE, 0x2000, MEMSCAPE_STATE_COMMITTED,
                     MEMSCAPE_TYPE_PRIVATE, MEMSCAPE_USAGE_OTHER),
        layout_entry(RESERVED_BASE, 0x1000, MEMSCAPE_STATE_RESERVED, MEMSCAPE_TYPE_PRIVATE,
                     MEMSCAPE_USAGE_OTHER),
        layout_entry(FREE_BASE, 0xf000, MEMSCAPE_STATE_FREE, MEMSCAPE_TYPE_NONE,
                     MEMSCAPE_USAGE_OTHER),
        layout_entry(STACK_BASE, 0x3000, MEMSCAPE_STATE_COMMITTED, MEMSCAPE_TYPE_PRIVATE,
                     MEMSCAPE_USAGE_STACK),
    };
    for (size_t i = 0; i < sizeof entries / sizeof *entries; i++)
        assert_int_equal(memscape_space_add_layout(space, &entries[i]), MEMSCAPE_OK);
    /* Three modules share the image region: more modules than the test palette's colours. */
    static const uint64_t module_bounds[] = {MODULE_BASE, 0x15000, 0x16000, 0x18000};
    for (unsigned i = 0; i < 3; i++) {
        memscape_module m = {0};
        m.name = "/opt/test/libgrid.so";
        m.base = module_bounds[i];
        m.size = module_bounds[i + 1] - module_bounds[i];
        assert_int_equal(memscape_space_add_module(space, &m), MEMSCAPE_OK);
    }
    memscape_error err = {0};
    assert_int_equal(memscape_space_finalize(space, &err), MEMSCAPE_OK);
    return space;
}

/* ---- reference statistics ---------------------------------------------------------------- */

typedef struct ref_cell {
    uint64_t present;
    uint8_t mean;
    double entropy;
    uint8_t byte_class;
    double pointers;
} ref_cell;

static memscape_byte_class ref_class_of(unsigned b)
{
    if (b == 0)
        return MEMSCAPE_CLASS_ZERO;
    if (b == 0xff)
        return MEMSCAPE_CLASS_FF;
    if (b >= 0x80)
        return MEMSCAPE_CLASS_HIGH;
    if (b == 9 || b == 10 || b == 13 || (b >= 0x20 && b <= 0x7e))
        return MEMSCAPE_CLASS_TEXT;
    return MEMSCAPE_CLASS_CONTROL;
}

/* The statistics of [addr, addr+bytes), straight from the definitions. */
static ref_cell ref_stats(uint64_t addr, uint64_t bytes, unsigned ptr_size)
{
    ref_cell r = {0};
    uint64_t hist[256] = {0};
    uint64_t sum = 0;
    for (uint64_t a = addr; a < addr + bytes; a++) {
        uint8_t b = 0;
        if (ref_byte(a, &b)) {
            hist[b]++;
            sum += b;
            r.present++;
        }
    }
    r.byte_class = MEMSCAPE_GRID_NONE;
    if (r.present) {
        uint64_t per_class[MEMSCAPE_CLASS_COUNT] = {0};
        for (unsigned v = 0; v < 256; v++) {
            per_class[ref_class_of(v)] += hist[v];
            if (hist[v]) {
                double p = (double)hist[v] / (double)r.present;
                r.entropy -= p * log2(p);
            }
        }
        r.mean = (uint8_t)(sum / r.present);
        unsigned best = 0;
        for (unsigned c = 1; c < MEMSCAPE_CLASS_COUNT; c++)
            if (per_class[c] > per_class[best])
                best = c;
        r.byte_class = (uint8_t)best;
    }
    uint64_t values = 0, hits = 0;
    uint64_t first = (addr + ptr_size - 1) / ptr_size * ptr_size;
    for (uint64_t a = first; a + ptr_size <= addr + bytes; a += ptr_size) {
        uint64_t v = 0;
        int whole = 1;
        for (unsigned i = ptr_size; i-- > 0;) {
            uint8_t b = 0;
            whole &= ref_byte(a + i, &b);
            v = v << 8 | b;
        }
        if (!whole)
            continue;
        values++;
        hits += (uint64_t)ref_points_into(v);
    }
    r.pointers = values ? (double)hits / (double)values : 0.0;
    return r;
}

static void assert_near(double got, double want)
{
    if (fabs(got - want) > 1e-4)
        fail_msg("got %.6f, want %.6f", got, want);
}

static void assert_result(const memscape_cell_result *got, const ref_cell *want)
{
    assert_int_equal(got->present, want->present);
    assert_int_equal(got->mean, want->mean);
    assert_near(got->entropy, want->entropy);
    assert_int_equal(got->byte_class, want->byte_class);
    assert_near(got->pointers, want->pointers);
}

/* ---- the cell accumulator on its own ------------------------------------------------------ */

/* Feed [addr, addr+bytes) through the accumulator in spans cut every `cut` bytes and at the
 * range junctions, as the chunk iterator would. */
static void feed_cell(memscape_cell_stats *s, uint64_t addr, uint64_t bytes, uint64_t cut)
{
    uint64_t a = addr;
    while (a < addr + bytes) {
        uint8_t b = 0;
        if (!ref_byte(a, &b)) {
            a++;
            continue;
        }
        size_t ri = 0;
        while (!(a >= ranges[ri].base && a - ranges[ri].base < ranges[ri].size))
            ri++;
        uint64_t end = ranges[ri].base + ranges[ri].size;
        if (end > addr + bytes)
            end = addr + bytes;
        if (end - a > cut)
            end = a + cut;
        memscape_cell_stats_add(s, a, file_bytes + ranges[ri].file_offset + (a - ranges[ri].base),
                                (size_t)(end - a));
        a = end;
    }
}

static void check_cells_through_stats(const memscape_space *space, uint64_t cell_bytes,
                                      uint64_t cut, uint32_t ptr_size)
{
    memscape_pointer_targets targets;
    memscape_error err = {0};
    assert_int_equal(memscape_pointer_targets_build(&targets, space, &err), MEMSCAPE_OK);
    memscape_cell_stats *s = malloc(sizeof *s);
    assert_non_null(s);
    memscape_cell_stats_init(s, &targets, ptr_size, 0, cell_bytes);
    for (uint64_t addr = 0xf000; addr < 0x54000; addr += cell_bytes) {
        feed_cell(s, addr, cell_bytes, cut);
        memscape_cell_result got;
        memscape_cell_stats_finish(s, &got);
        ref_cell want = ref_stats(addr, cell_bytes, ptr_size);
        assert_result(&got, &want);
    }
    free(s);
    memscape_pointer_targets_free(&targets);
}

static void test_cell_stats_match_definitions(void **state)
{
    (void)state;
    memscape_space *space = build_space(8);
    static const uint64_t cell_sizes[] = {1, 7, 100, 1024, 0x1000, 0x3000};
    static const uint64_t cuts[] = {1, 3, 64, UINT32_MAX};
    for (size_t i = 0; i < sizeof cell_sizes / sizeof *cell_sizes; i++)
        for (size_t j = 0; j < sizeof cuts / sizeof *cuts; j++)
            check_cells_through_stats(space, cell_sizes[i], cuts[j], 8);
    check_cells_through_stats(space, 100, 5, 4);
    memscape_space_free(space);
}

static void test_cell_stats_pointer_targets_skip_free(void **state)
{
    (void)state;
    memscape_space *space = build_space(8);
    memscape_pointer_targets t;
    memscape_error err = {0};
    assert_int_equal(memscape_pointer_targets_build(&t, space, &err), MEMSCAPE_OK);
    /* Heap and image merge into one span; the free region is left out. */
    assert_int_equal(t.count, 4);
    assert_int_equal(t.spans[0].lo, 0x10000);
    assert_int_equal(t.spans[0].hi, 0x18000);
    assert_int_equal(t.spans[1].lo, NOT_CAPTURED_BASE);
    assert_int_equal(t.spans[2].lo, RESERVED_BASE);
    assert_int_equal(t.spans[2].hi, RESERVED_BASE + 0x1000);
    assert_int_equal(t.spans[3].lo, STACK_BASE);
    assert_int_equal(t.lowest, 0x10000);
    assert_int_equal(t.highest, STACK_BASE + 0x3000);
    memscape_pointer_targets_free(&t);
    memscape_space_free(space);
}

static void test_byte_class_of_every_value(void **state)
{
    (void)state;
    for (unsigned b = 0; b < 256; b++)
        assert_int_equal(memscape_byte_class_of((uint8_t)b), ref_class_of(b));
    assert_string_equal(memscape_byte_class_name(MEMSCAPE_CLASS_ZERO), "zero");
    assert_string_equal(memscape_byte_class_name(MEMSCAPE_CLASS_CONTROL), "control");
    assert_string_equal(memscape_byte_class_name(MEMSCAPE_CLASS_TEXT), "text");
    assert_string_equal(memscape_byte_class_name(MEMSCAPE_CLASS_HIGH), "high");
    assert_string_equal(memscape_byte_class_name(MEMSCAPE_CLASS_FF), "ff");
}

/* ---- the grid over a layout ------------------------------------------------------------- */

typedef struct fixture {
    memscape_space *space;
    memscape_layout *layout;
    memscape_grid *grid;
} fixture;

static memscape_layout *make_layout(const memscape_space *space, memscape_curve curve,
                                    uint32_t side, uint64_t cell_bytes, int true_scale)
{
    memscape_layout_options o = {0};
    o.curve = curve;
    o.width = side;
    o.height = side;
    o.cell_bytes = cell_bytes;
    o.true_scale = true_scale;
    memscape_layout *layout = NULL;
    memscape_error err = {0};
    if (memscape_layout_new(&layout, space, &o, &err) != MEMSCAPE_OK)
        fail_msg("layout: %s", err.msg);
    return layout;
}

static memscape_grid *make_grid(const memscape_space *space, const memscape_layout *layout,
                                unsigned threads)
{
    memscape_grid_options o = {0};
    o.threads = threads;
    memscape_grid *grid = NULL;
    memscape_error err = {0};
    if (memscape_grid_compute(&grid, space, layout, &o, &err) != MEMSCAPE_OK)
        fail_msg("grid: %s", err.msg);
    return grid;
}

/* A 32x32 scan picture of 100-byte cells: cells straddle pointer slots and chunk joins. */
static int setup_scan(void **state)
{
    static fixture f;
    f.space = build_space(8);
    f.layout = make_layout(f.space, MEMSCAPE_CURVE_SCAN, 32, 100, 0);
    f.grid = make_grid(f.space, f.layout, 3);
    *state = &f;
    return 0;
}

static int teardown_fixture(void **state)
{
    fixture *f = *state;
    memscape_grid_free(f->grid);
    memscape_layout_free(f->layout);
    memscape_space_free(f->space);
    return 0;
}

typedef struct kind_counts {
    uint64_t address, gap, padding;
} kind_counts;

/* Every channel of every cell against the reference. */
static kind_counts check_grid(const memscape_space *space, const memscape_layout *layout,
                              const memscape_grid *grid, unsigned ptr_size)
{
    kind_counts k = {0};
    uint64_t cells = (uint64_t)memscape_layout_width(layout) * memscape_layout_height(layout);
    assert_int_equal(memscape_grid_cells(grid), cells);
    size_t module_count;
    const memscape_module *modules = memscape_space_modules(space, &module_count);
    for (uint64_t c = 0; c < cells; c++) {
        uint64_t addr, bytes;
        memscape_cell_kind kind = memscape_layout_cell_info(layout, c, &addr, &bytes);
        memscape_cell_result got = {
            memscape_grid_present(grid)[c], memscape_grid_mean(grid)[c],
            memscape_grid_entropy(grid)[c], memscape_grid_class(grid)[c],
            memscape_grid_pointers(grid)[c],
        };
        ref_cell want = {0, 0, 0.0, MEMSCAPE_GRID_NONE, 0.0};
        uint8_t usage = MEMSCAPE_GRID_NONE, st = MEMSCAPE_GRID_NONE, type = MEMSCAPE_GRID_NONE;
        uint16_t protect = 0;
        uint32_t module = MEMSCAPE_GRID_NO_MODULE;
        if (kind == MEMSCAPE_CELL_ADDRESS) {
            k.address++;
            want = ref_stats(addr, bytes, ptr_size);
            const memscape_region *r = memscape_space_find_region(space, addr);
            if (r) {
                usage = (uint8_t)r->usage;
                st = (uint8_t)r->state;
                type = (uint8_t)r->type;
                protect = (uint16_t)r->protect;
            }
            const memscape_module *m = memscape_space_find_module(space, addr);
            if (m)
                module = (uint32_t)(m - modules);
        } else if (kind == MEMSCAPE_CELL_GAP) {
            k.gap++;
        } else {
            k.padding++;
        }
        assert_result(&got, &want);
        assert_int_equal(memscape_grid_usage(grid)[c], usage);
        assert_int_equal(memscape_grid_state(grid)[c], st);
        assert_int_equal(memscape_grid_type(grid)[c], type);
        assert_int_equal(memscape_grid_protect(grid)[c], protect);
        assert_int_equal(memscape_grid_module(grid)[c], module);
    }
    return k;
}

static void test_grid_channels_match_definitions(void **state)
{
    fixture *f = *state;
    kind_counts k = check_grid(f->space, f->layout, f->grid, 8);
    /* 52 KiB of shown memory in 100-byte cells, two separators, padding after. */
    assert_true(k.address >= 0xd000 / 100);
    assert_true(k.gap > 0);
    assert_true(k.padding > 0);
}

static void test_grid_spot_values(void **state)
{
    fixture *f = *state;
    uint64_t cell, addr, bytes;
    /* The heap starts a cell: its first 100 bytes are the file's first 100, all zero. */
    assert_true(memscape_layout_addr_to_cell(f->layout, 0x10000, &cell));
    assert_int_equal(memscape_layout_cell_info(f->layout, cell, &addr, &bytes),
                     MEMSCAPE_CELL_ADDRESS);
    assert_int_equal(addr, 0x10000);
    assert_int_equal(memscape_grid_present(f->grid)[cell], 100);
    assert_int_equal(memscape_grid_class(f->grid)[cell], MEMSCAPE_CLASS_ZERO);
    assert_int_equal(memscape_grid_mean(f->grid)[cell], 0);
    assert_near(memscape_grid_entropy(f->grid)[cell], 0.0);
    assert_int_equal(memscape_grid_usage(f->grid)[cell], MEMSCAPE_USAGE_HEAP);
    assert_int_equal(memscape_grid_module(f->grid)[cell], MEMSCAPE_GRID_NO_MODULE);
    /* The module's cells carry module 0 and the image usage. */
    assert_true(memscape_layout_addr_to_cell(f->layout, MODULE_BASE + 0x200, &cell));
    assert_int_equal(memscape_grid_module(f->grid)[cell], 0);
    assert_int_equal(memscape_grid_type(f->grid)[cell], MEMSCAPE_TYPE_IMAGE);
    assert_int_equal(memscape_grid_protect(f->grid)[cell], MEMSCAPE_PROT_RW);
}

static void test_grid_not_captured_cells_hold_nothing(void **state)
{
    fixture *f = *state;
    uint64_t first, last;
    assert_true(memscape_layout_addr_to_cell(f->layout, NOT_CAPTURED_BASE, &first));
    assert_true(memscape_layout_addr_to_cell(f->layout, NOT_CAPTURED_BASE + 0x1fff, &last));
    assert_true(last > first);
    for (uint64_t c = first; c <= last; c++) {
        assert_int_equal(memscape_grid_present(f->grid)[c], 0);
        assert_int_equal(memscape_grid_class(f->grid)[c], MEMSCAPE_GRID_NONE);
        assert_int_equal(memscape_grid_state(f->grid)[c], MEMSCAPE_STATE_NOT_CAPTURED);
        assert_int_equal(memscape_grid_type(f->grid)[c], MEMSCAPE_TYPE_PRIVATE);
    }
}

static void assert_grids_equal(const memscape_grid *a, const memscape_grid *b)
{
    uint64_t n = memscape_grid_cells(a);
    assert_int_equal(memscape_grid_cells(b), n);
    assert_memory_equal(memscape_grid_present(a), memscape_grid_present(b), n * 8);
    assert_memory_equal(memscape_grid_mean(a), memscape_grid_mean(b), n);
    assert_memory_equal(memscape_grid_entropy(a), memscape_grid_entropy(b), n * 4);
    assert_memory_equal(memscape_grid_class(a), memscape_grid_class(b), n);
    assert_memory_equal(memscape_grid_pointers(a), memscape_grid_pointers(b), n * 4);
    assert_memory_equal(memscape_grid_usage(a), memscape_grid_usage(b), n);
    assert_memory_equal(memscape_grid_state(a), memscape_grid_state(b), n);
    assert_memory_equal(memscape_grid_type(a), memscape_grid_type(b), n);
    assert_memory_equal(memscape_grid_protect(a), memscape_grid_protect(b), n * 2);
    assert_memory_equal(memscape_grid_module(a), memscape_grid_module(b), n * 4);
}

/* Blocks of 1024/7 cells end inside address runs, inside chunks and next to separators. */
static void test_grid_same_for_any_thread_count(void **state)
{
    fixture *f = *state;
    static const unsigned counts[] = {1, 2, 7, 0, 64};
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
        memscape_grid *g = make_grid(f->space, f->layout, counts[i]);
        assert_grids_equal(f->grid, g);
        memscape_grid_free(g);
    }
}

/* True scale on a Hilbert curve: gaps take real cells, and 4-byte pointers. */
static void test_grid_true_scale_hilbert(void **state)
{
    (void)state;
    memscape_space *space = build_space(4);
    memscape_layout *layout = make_layout(space, MEMSCAPE_CURVE_HILBERT, 32, 0x200, 1);
    memscape_grid *one = make_grid(space, layout, 1);
    kind_counts k = check_grid(space, layout, one, 4);
    assert_true(k.address >= 0xd000 / 0x200);
    assert_true(k.gap > 0);
    memscape_grid *three = make_grid(space, layout, 3);
    assert_grids_equal(one, three);
    memscape_grid_free(three);
    memscape_grid_free(one);
    memscape_layout_free(layout);
    memscape_space_free(space);
}

/* The data fills only the first ~3% of a 128x128 grid; the rest is padding. Blocks cut by
 * present bytes then end inside the data, next to separators and at chunk joins, and every
 * thread count must still give the reference values and the same grid. */
static void test_grid_data_in_small_prefix_same_for_threads(void **state)
{
    (void)state;
    memscape_space *space = build_space(8);
    memscape_layout *layout = make_layout(space, MEMSCAPE_CURVE_SCAN, 128, 100, 0);
    memscape_grid *one = make_grid(space, layout, 1);
    kind_counts k = check_grid(space, layout, one, 8);
    assert_true(k.padding > 19 * (k.address + k.gap));
    for (unsigned threads = 2; threads <= 4; threads++) {
        memscape_grid *g = make_grid(space, layout, threads);
        check_grid(space, layout, g, 8);
        assert_grids_equal(one, g);
        memscape_grid_free(g);
    }
    memscape_grid_free(one);
    memscape_layout_free(layout);
    memscape_space_free(space);
}

/* 100 present bytes at one byte per cell and 256 threads: most blocks get no byte and so no
 * cell, and the cells must still all be filled or cleared exactly once. */
static void test_grid_more_threads_than_present_bytes(void **state)
{
    (void)state;
    memscape_space *space = build_space(8);
    memscape_layout_options o = {0};
    o.curve = MEMSCAPE_CURVE_SCAN;
    o.width = 32;
    o.height = 32;
    o.cell_bytes = 1;
    o.lo = 0x10000;
    o.hi = 0x10064;
    memscape_layout *layout = NULL;
    memscape_error err = {0};
    if (memscape_layout_new(&layout, space, &o, &err) != MEMSCAPE_OK)
        fail_msg("layout: %s", err.msg);
    memscape_grid *one = make_grid(space, layout, 1);
    kind_counts k = check_grid(space, layout, one, 8);
    assert_int_equal(k.address, 100);
    memscape_grid *many = make_grid(space, layout, 256);
    check_grid(space, layout, many, 8);
    assert_grids_equal(one, many);
    memscape_grid_free(many);
    memscape_grid_free(one);
    memscape_layout_free(layout);
    memscape_space_free(space);
}

/* Big-endian values are read as such. */
static void test_grid_big_endian_pointers(void **state)
{
    (void)state;
    memscape_space *space = build_space(8);
    space->system.big_endian = 1;
    memscape_layout *layout = make_layout(space, MEMSCAPE_CURVE_SCAN, 32, 100, 0);
    memscape_grid *grid = make_grid(space, layout, 2);
    /* Every 0x400 block of little-endian pointers now reads as values nowhere near a region. */
    uint64_t cells = memscape_grid_cells(grid);
    for (uint64_t c = 0; c < cells; c++) {
        uint64_t addr, bytes;
        if (memscape_layout_cell_info(layout, c, &addr, &bytes) != MEMSCAPE_CELL_ADDRESS)
            continue;
        double want = 0.0;
        uint64_t values = 0, hits = 0;
        for (uint64_t a = (addr + 7) / 8 * 8; a + 8 <= addr + bytes; a += 8) {
            uint64_t v = 0;
            int whole = 1;
            for (unsigned i = 0; i < 8; i++) {
                uint8_t b = 0;
                whole &= ref_byte(a + i, &b);
                v = v << 8 | b;
            }
            values += (uint64_t)whole;
            hits += (uint64_t)(whole && ref_points_into(v));
        }
        if (values)
            want = (double)hits / (double)values;
        assert_near(memscape_grid_pointers(grid)[c], want);
    }
    memscape_grid_free(grid);
    memscape_layout_free(layout);
    memscape_space_free(space);
}

typedef struct progress_log {
    pthread_t caller;
    unsigned calls;
    uint64_t last_done, total;
    int wrong_thread, went_back;
} progress_log;

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    progress_log *log = ctx;
    log->wrong_thread |= !pthread_equal(pthread_self(), log->caller);
    log->went_back |= done < log->last_done;
    log->calls++;
    log->last_done = done;
    log->total = total;
}

static void test_grid_progress_from_caller_thread(void **state)
{
    fixture *f = *state;
    progress_log log = {0};
    log.caller = pthread_self();
    memscape_grid_options o = {0};
    o.threads = 3;
    o.progress = on_progress;
    o.progress_ctx = &log;
    memscape_grid *g = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_grid_compute(&g, f->space, f->layout, &o, &err), MEMSCAPE_OK);
    assert_true(log.calls >= 1);
    assert_false(log.wrong_thread);
    assert_false(log.went_back);
    uint64_t shown = 0;
    for (uint64_t c = 0; c < memscape_grid_cells(g); c++)
        shown += memscape_grid_present(g)[c];
    assert_int_equal(log.total, shown);
    assert_int_equal(log.last_done, shown);
    memscape_grid_free(g);
}

static void test_grid_refuses_missing_arguments(void **state)
{
    fixture *f = *state;
    memscape_grid *g = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_grid_compute(&g, NULL, f->layout, NULL, &err), MEMSCAPE_EINVAL);
    assert_int_equal(memscape_grid_compute(&g, f->space, NULL, NULL, &err), MEMSCAPE_EINVAL);
    assert_null(g);
    memscape_grid_free(NULL);
}

/* ---- views ------------------------------------------------------------------------------ */

static memscape_palette *parse_palette(const char *text)
{
    memscape_palette *p = NULL;
    memscape_error err = {0};
    if (memscape_palette_parse(&p, text, strlen(text), &err) != MEMSCAPE_OK)
        fail_msg("palette: %s", err.msg);
    return p;
}

static const char ramp_text[] =
    "name: ramp\nkind: continuous\ndescription: test ramp\n\n"
    "0    #000000\n0.5  #ff0000\n1    #ffff80\n";
static const char classes_text[] =
    "name: test-classes\nkind: categorical\ndescription: test classes\n\n"
    "zero #010203\ncontrol #0a0b0c\ntext #202122\nhigh #303132\nff #404142\n"
    "absent #505152\nseparator #606162\npadding #707172\n";
static const char regions_text[] =
    "name: test-regions\nkind: categorical\ndescription: test regions\n\n"
    "image #a070dc\nmapped #5b8fd9\nprivate #f2c14e\nheap #f0643c\nstack #a6d854\n"
    "teb #4fc1c9\npeb #1f8a8f\nreserved #d2d2d2\nfree #f7f7f7\nnot-captured #555555\n";
static const char modules_text[] =
    "name: test-modules\nkind: categorical\ndescription: test modules\n\n"
    "no-module #111111\nfirst #c00000\nsecond #00c000\n";

static memscape_raster render(const fixture *f, memscape_view view, const memscape_palette *p)
{
    memscape_raster r = {0};
    memscape_error err = {0};
    if (memscape_render_view(&r, f->grid, f->layout, view, p, &err) != MEMSCAPE_OK)
        fail_msg("render: %s", err.msg);
    assert_int_equal(r.width, memscape_layout_width(f->layout));
    assert_int_equal(r.height, memscape_layout_height(f->layout));
    return r;
}

static memscape_rgb rgb(unsigned hex)
{
    memscape_rgb c = {(uint8_t)(hex >> 16), (uint8_t)(hex >> 8), (uint8_t)hex};
    return c;
}

static void assert_rgb(memscape_rgb got, memscape_rgb want, uint32_t x, uint32_t y)
{
    if (got.r != want.r || got.g != want.g || got.b != want.b)
        fail_msg("pixel %u,%u: got #%02x%02x%02x, want #%02x%02x%02x", x, y, got.r, got.g,
                 got.b, want.r, want.g, want.b);
}

/* The ramp at t, interpolated here from its three stops. */
static memscape_rgb ramp_at(double t)
{
    static const double stops[3][4] = {
        {0.0, 0, 0, 0}, {0.5, 255, 0, 0}, {1.0, 255, 255, 128},
    };
    unsigned i = t <= 0.5 ? 0 : 1;
    double u = (t - stops[i][0]) / (stops[i + 1][0] - stops[i][0]);
    memscape_rgb c;
    c.r = (uint8_t)lround(stops[i][1] + u * (stops[i + 1][1] - stops[i][1]));
    c.g = (uint8_t)lround(stops[i][2] + u * (stops[i + 1][2] - stops[i][2]));
    c.b = (uint8_t)lround(stops[i][3] + u * (stops[i + 1][3] - stops[i][3]));
    return c;
}

/* Colours of non-data cells: the palette's classes, or the fixed greys (ramp has none). */
static int special_colour(const fixture *f, uint64_t cell, int has_classes, memscape_rgb *out)
{
    uint64_t addr, bytes;
    memscape_cell_kind kind = memscape_layout_cell_info(f->layout, cell, &addr, &bytes);
    if (kind == MEMSCAPE_CELL_GAP)
        *out = has_classes ? rgb(0x606162) : rgb(0x7f7f7f);
    else if (kind == MEMSCAPE_CELL_PADDING)
        *out = has_classes ? rgb(0x707172) : rgb(0x000000);
    else if (ref_stats(addr, bytes, 8).present == 0)
        *out = has_classes ? rgb(0x505152) : rgb(0x2a2a2a);
    else
        return 0;
    return 1;
}

static void test_view_bytes_and_classes(void **state)
{
    fixture *f = *state;
    memscape_palette *ramp = parse_palette(ramp_text);
    memscape_palette *classes = parse_palette(classes_text);
    memscape_raster bytes_view = render(f, MEMSCAPE_VIEW_BYTES, ramp);
    memscape_raster class_view = render(f, MEMSCAPE_VIEW_CLASSES, classes);
    static const unsigned class_colour[MEMSCAPE_CLASS_COUNT] = {
        0x010203, 0x0a0b0c, 0x202122, 0x303132, 0x404142,
    };
    for (uint32_t y = 0; y < bytes_view.height; y++) {
        for (uint32_t x = 0; x < bytes_view.width; x++) {
            uint64_t cell = memscape_layout_xy_to_cell(f->layout, x, y);
            memscape_rgb got_bytes = bytes_view.pixels[(size_t)y * bytes_view.width + x];
            memscape_rgb got_class = class_view.pixels[(size_t)y * class_view.width + x];
            memscape_rgb want;
            if (special_colour(f, cell, 0, &want)) {
                assert_rgb(got_bytes, want, x, y);
                special_colour(f, cell, 1, &want);
                assert_rgb(got_class, want, x, y);
                continue;
            }
            uint64_t addr, bytes;
            memscape_layout_cell_info(f->layout, cell, &addr, &bytes);
            ref_cell r = ref_stats(addr, bytes, 8);
            assert_rgb(got_bytes, ramp_at(r.mean / 255.0), x, y);
            assert_rgb(got_class, rgb(class_colour[r.byte_class]), x, y);
        }
    }
    memscape_raster_free(&bytes_view);
    memscape_raster_free(&class_view);
    memscape_palette_free(ramp);
    memscape_palette_free(classes);
}

/* Within one step of the ramp at the reference value: the grid keeps entropy and the pointer
 * share as floats, so a colour may round the other way. */
static void assert_rgb_near(memscape_rgb got, memscape_rgb want, uint32_t x, uint32_t y)
{
    if (abs(got.r - want.r) > 1 || abs(got.g - want.g) > 1 || abs(got.b - want.b) > 1)
        assert_rgb(got, want, x, y);
}

static void test_view_entropy_and_pointers(void **state)
{
    fixture *f = *state;
    memscape_palette *ramp = parse_palette(ramp_text);
    memscape_raster entropy_view = render(f, MEMSCAPE_VIEW_ENTROPY, ramp);
    memscape_raster pointer_view = render(f, MEMSCAPE_VIEW_POINTERS, ramp);
    unsigned pointer_cells = 0;
    for (uint32_t y = 0; y < entropy_view.height; y++) {
        for (uint32_t x = 0; x < entropy_view.width; x++) {
            uint64_t cell = memscape_layout_xy_to_cell(f->layout, x, y);
            size_t i = (size_t)y * entropy_view.width + x;
            memscape_rgb want;
            if (special_colour(f, cell, 0, &want)) {
                assert_rgb(entropy_view.pixels[i], want, x, y);
                assert_rgb(pointer_view.pixels[i], want, x, y);
                continue;
            }
            uint64_t addr, bytes;
            memscape_layout_cell_info(f->layout, cell, &addr, &bytes);
            ref_cell r = ref_stats(addr, bytes, 8);
            assert_rgb_near(entropy_view.pixels[i], ramp_at(r.entropy / 8.0), x, y);
            assert_rgb_near(pointer_view.pixels[i], ramp_at(r.pointers), x, y);
            pointer_cells += r.pointers > 0.0;
        }
    }
    assert_true(pointer_cells > 0);
    memscape_raster_free(&entropy_view);
    memscape_raster_free(&pointer_view);
    memscape_palette_free(ramp);
}

/* The pixel showing addr must have colour want. */
static void assert_addr_rgb(const fixture *f, const memscape_raster *r, uint64_t addr,
                            memscape_rgb want)
{
    uint64_t cell;
    uint32_t x, y;
    assert_true(memscape_layout_addr_to_cell(f->layout, addr, &cell));
    memscape_layout_cell_to_xy(f->layout, cell, &x, &y);
    assert_rgb(r->pixels[(size_t)y * r->width + x], want, x, y);
}

/* The regions palette's colour for what the test put at addr. */
static memscape_rgb ref_region_colour(uint64_t addr)
{
    if (addr >= 0x10000 && addr < MODULE_BASE)
        return rgb(0xf0643c);                           /* heap */
    if (addr >= MODULE_BASE && addr < MODULE_BASE + 0x4000)
        return rgb(0xa070dc);                           /* image */
    if (addr >= STACK_BASE && addr < STACK_BASE + 0x3000)
        return rgb(0xa6d854);                           /* stack */
    if (addr >= NOT_CAPTURED_BASE && addr < NOT_CAPTURED_BASE + 0x2000) {
        /* Not captured private memory: private's colour, each channel * 0.55. */
        memscape_rgb dark = {0xf2 * 55 / 100, 0xc1 * 55 / 100, 0x4e * 55 / 100};
        return dark;
    }
    if (addr >= RESERVED_BASE && addr < RESERVED_BASE + 0x1000)
        return rgb(0xd2d2d2);
    return rgb(0xf7f7f7);                               /* free */
}

/* Every pixel of a categorical view: address cells as colour_of says, gaps and padding in
 * the fixed greys (the test palettes have no marks for them). */
static void check_categorical(const fixture *f, const memscape_raster *r,
                              memscape_rgb (*colour_of)(uint64_t addr))
{
    uint64_t shown = 0;
    for (uint64_t c = 0; c < memscape_grid_cells(f->grid); c++) {
        uint64_t addr, bytes;
        uint32_t x, y;
        memscape_cell_kind kind = memscape_layout_cell_info(f->layout, c, &addr, &bytes);
        memscape_layout_cell_to_xy(f->layout, c, &x, &y);
        memscape_rgb got = r->pixels[(size_t)y * r->width + x];
        if (kind == MEMSCAPE_CELL_GAP) {
            assert_rgb(got, rgb(0x7f7f7f), x, y);
        } else if (kind == MEMSCAPE_CELL_PADDING) {
            assert_rgb(got, rgb(0x000000), x, y);
        } else {
            assert_rgb(got, colour_of(addr), x, y);
            shown++;
        }
    }
    assert_true(shown > 0);
}

static void test_view_regions(void **state)
{
    fixture *f = *state;
    memscape_palette *p = parse_palette(regions_text);
    memscape_raster r = render(f, MEMSCAPE_VIEW_REGIONS, p);
    check_categorical(f, &r, ref_region_colour);
    assert_addr_rgb(f, &r, NOT_CAPTURED_BASE + 0x100, ref_region_colour(NOT_CAPTURED_BASE));
    memscape_raster_free(&r);
    memscape_palette_free(p);
}

/* Module i takes entry i mod 2 of those that are not marks ("first", "second"); memory
 * outside modules "no-module". */
static memscape_rgb ref_module_colour(uint64_t addr)
{
    if (addr >= MODULE_BASE && addr < 0x15000)
        return rgb(0xc00000);
    if (addr >= 0x15000 && addr < 0x16000)
        return rgb(0x00c000);
    if (addr >= 0x16000 && addr < 0x18000)
        return rgb(0xc00000);
    return rgb(0x111111);
}

static void test_view_modules(void **state)
{
    fixture *f = *state;
    memscape_palette *p = parse_palette(modules_text);
    memscape_raster r = render(f, MEMSCAPE_VIEW_MODULES, p);
    check_categorical(f, &r, ref_module_colour);
    /* A cell takes the module of its first address: 100-byte cells do not start at the
     * module's base, so the cell holding it is the heap's. */
    assert_addr_rgb(f, &r, MODULE_BASE, rgb(0x111111));
    assert_addr_rgb(f, &r, MODULE_BASE + 100, rgb(0xc00000));
    assert_addr_rgb(f, &r, 0x15100, rgb(0x00c000));
    memscape_raster_free(&r);
    memscape_palette_free(p);
}

static void test_view_refuses_wrong_palette_kind(void **state)
{
    fixture *f = *state;
    memscape_palette *ramp = parse_palette(ramp_text);
    memscape_palette *classes = parse_palette(classes_text);
    memscape_raster r = {0};
    memscape_error err = {0};
    assert_int_equal(memscape_render_view(&r, f->grid, f->layout, MEMSCAPE_VIEW_BYTES, classes,
                                          &err), MEMSCAPE_EINVAL);
    assert_non_null(strstr(err.msg, "bytes"));
    assert_non_null(strstr(err.msg, "test-classes"));
    assert_int_equal(memscape_render_view(&r, f->grid, f->layout, MEMSCAPE_VIEW_REGIONS, ramp,
                                          &err), MEMSCAPE_EINVAL);
    assert_int_equal(memscape_render_view(&r, f->grid, f->layout, MEMSCAPE_VIEW_MODULES, ramp,
                                          &err), MEMSCAPE_EINVAL);
    assert_null(r.pixels);
    memscape_palette_free(ramp);
    memscape_palette_free(classes);
}

static void test_view_names_and_default_palettes(void **state)
{
    (void)state;
    static const char *const names[] = {
        "bytes", "classes", "entropy", "regions", "modules", "pointers",
    };
    for (unsigned v = 0; v < MEMSCAPE_VIEW_COUNT; v++) {
        memscape_view parsed;
        assert_string_equal(memscape_view_name((memscape_view)v), names[v]);
        assert_true(memscape_view_parse(names[v], &parsed));
        assert_int_equal(parsed, v);
        memscape_palette *p = NULL;
        memscape_error err = {0};
        if (memscape_palette_builtin(&p, memscape_view_default_palette((memscape_view)v),
                                     &err) != MEMSCAPE_OK)
            fail_msg("default palette of %s: %s", names[v], err.msg);
        int continuous = v == MEMSCAPE_VIEW_BYTES || v == MEMSCAPE_VIEW_ENTROPY ||
                         v == MEMSCAPE_VIEW_POINTERS;
        assert_int_equal(memscape_palette_kind_of(p), continuous ? MEMSCAPE_PALETTE_CONTINUOUS
                                                                 : MEMSCAPE_PALETTE_CATEGORICAL);
        memscape_palette_free(p);
    }
    memscape_view parsed = MEMSCAPE_VIEW_BYTES;
    assert_false(memscape_view_parse("dump2picture", &parsed));
    assert_false(memscape_view_parse("", &parsed));
}

/* The colour a mark should have: the palette's class if it has one, else the fixed grey. */
static memscape_rgb mark_colour(const memscape_palette *p, const char *name, unsigned grey)
{
    memscape_rgb c;
    if (memscape_palette_class(p, name, &c))
        return c;
    return rgb(grey);
}

/* Every view renders with its default built-in palette, marks included. */
static void test_view_default_palettes_render(void **state)
{
    fixture *f = *state;
    for (unsigned v = 0; v < MEMSCAPE_VIEW_COUNT; v++) {
        memscape_palette *p = NULL;
        memscape_error err = {0};
        assert_int_equal(memscape_palette_builtin(&p, memscape_view_default_palette(v), &err),
                         MEMSCAPE_OK);
        memscape_raster r = render(f, (memscape_view)v, p);
        int has_absent = v != MEMSCAPE_VIEW_REGIONS && v != MEMSCAPE_VIEW_MODULES;
        for (uint64_t c = 0; c < memscape_grid_cells(f->grid); c++) {
            uint64_t addr, bytes;
            uint32_t x, y;
            memscape_cell_kind kind = memscape_layout_cell_info(f->layout, c, &addr, &bytes);
            memscape_layout_cell_to_xy(f->layout, c, &x, &y);
            memscape_rgb got = r.pixels[(size_t)y * r.width + x];
            if (kind == MEMSCAPE_CELL_GAP)
                assert_rgb(got, mark_colour(p, "separator", 0x7f7f7f), x, y);
            else if (kind == MEMSCAPE_CELL_PADDING)
                assert_rgb(got, mark_colour(p, "padding", 0x000000), x, y);
            else if (has_absent && ref_stats(addr, bytes, 8).present == 0)
                assert_rgb(got, mark_colour(p, "absent", 0x2a2a2a), x, y);
        }
        if (v == MEMSCAPE_VIEW_MODULES) {
            /* The modules palette's own rule: module i is class module-i. */
            memscape_rgb want;
            assert_true(memscape_palette_class(p, "module-1", &want));
            assert_addr_rgb(f, &r, 0x15100, want);
            assert_true(memscape_palette_class(p, "module-2", &want));
            assert_addr_rgb(f, &r, 0x16100, want);
        }
        memscape_raster_free(&r);
        memscape_palette_free(p);
    }
}

/* ---- volumes ----------------------------------------------------------------------------- */

/* The volume's channels against the plain grid's, voxel by voxel: the voxel-order pass must
 * store exactly what the cell-order pass does, at the voxel the curve gives each cell, and
 * clear what no cell reaches (gaps, padding). Two runs with a gap, a module, 32^3 voxels on
 * two threads. */
static void test_voxels_match_the_grid(void **state)
{
    (void)state;
    enum { SIDE = 32, BYTES = 3 * SIDE * SIDE * SIDE / 2 };
    uint8_t *file = malloc(BYTES);
    assert_non_null(file);
    for (size_t i = 0; i < BYTES; i++)
        file[i] = (uint8_t)(i % 7 == 0 ? 0 : i ^ (i >> 8) ^ (i >> 13));
    memscape_space *space;
    memscape_error err = {0};
    assert_int_equal(memscape_space_new(&space, file, BYTES, NULL), MEMSCAPE_OK);
    assert_int_equal(memscape_space_add_range(space, 0x10000, BYTES / 2, 0), MEMSCAPE_OK);
    assert_int_equal(memscape_space_add_range(space, 0x900000, BYTES / 2, BYTES / 2),
                     MEMSCAPE_OK);
    memscape_module m = {.name = "m.so", .base = 0x900000, .size = 0x2000};
    assert_int_equal(memscape_space_add_module(space, &m), MEMSCAPE_OK);
    assert_int_equal(memscape_space_finalize(space, &err), MEMSCAPE_OK);
    memscape_layout_options o = {.curve = MEMSCAPE_CURVE_HILBERT3D, .width = SIDE,
                                 .height = SIDE, .depth = SIDE, .cell_bytes = 2};
    memscape_layout *layout;
    memscape_grid *grid;
    memscape_voxels *voxels;
    memscape_grid_options two = {.threads = 2};
    assert_int_equal(memscape_layout_new(&layout, space, &o, &err), MEMSCAPE_OK);
    assert_int_equal(memscape_grid_compute(&grid, space, layout, &two, &err), MEMSCAPE_OK);
    assert_int_equal(memscape_voxels_compute(&voxels, space, layout, &two, &err), MEMSCAPE_OK);
    const memscape_volume *v = memscape_voxels_volume(voxels);
    const float *present = v->arrays[0].values, *entropy = v->arrays[2].values;
    const float *pointers = v->arrays[7].values;
    const uint8_t *mean = v->arrays[1].values, *byte_class = v->arrays[3].values;
    const uint8_t *usage = v->arrays[4].values;
    const int32_t *module = v->arrays[5].values;
    const uint16_t *protect = v->arrays[6].values;
    size_t wrong = 0, in_module = 0, empty = 0;
    for (uint64_t c = 0; c < (uint64_t)SIDE * SIDE * SIDE; c++) {
        uint32_t x, y, z;
        memscape_layout_cell_to_xyz(layout, c, &x, &y, &z);
        size_t i = ((size_t)z * SIDE + y) * SIDE + x;
        uint32_t gm = memscape_grid_module(grid)[c];
        int32_t want_module = gm == MEMSCAPE_GRID_NO_MODULE ? -1 : (int32_t)gm;
        wrong += present[i] != (float)memscape_grid_present(grid)[c] / 2.0f;
        wrong += mean[i] != memscape_grid_mean(grid)[c];
        wrong += entropy[i] != memscape_grid_entropy(grid)[c];
        wrong += byte_class[i] != memscape_grid_class(grid)[c];
        wrong += usage[i] != memscape_grid_usage(grid)[c];
        wrong += module[i] != want_module;
        wrong += protect[i] != memscape_grid_protect(grid)[c];
        wrong += pointers[i] != memscape_grid_pointers(grid)[c];
        in_module += module[i] == 0;
        empty += usage[i] == MEMSCAPE_GRID_NONE;
    }
    assert_int_equal(wrong, 0);
    assert_int_equal(in_module, 0x2000 / 2);   /* the module's cells */
    assert_true(empty > 0);                     /* the gap's and the padding's */
    memscape_voxels_free(voxels);
    memscape_grid_free(grid);
    memscape_layout_free(layout);
    memscape_space_free(space);
    free(file);
}

/* A raw 2 KiB file at 32 bytes a cell on a 4x4x4 layout: voxel (x, y, z) holds the mean of the
 * bytes of the cell the curve puts there (slab: cell (z*4 + y)*4 + x), computed here. */
static void test_voxels_follow_the_curve(void **state)
{
    (void)state;
    static uint8_t file[2048];
    for (size_t i = 0; i < sizeof file; i++)
        file[i] = (uint8_t)(i * 7 + i / 32);
    memscape_space *space;
    memscape_error err = {0};
    assert_int_equal(memscape_space_new(&space, file, sizeof file, NULL), MEMSCAPE_OK);
    assert_int_equal(memscape_space_add_range(space, 0x10000, sizeof file, 0), MEMSCAPE_OK);
    assert_int_equal(memscape_space_finalize(space, &err), MEMSCAPE_OK);
    const memscape_curve curves[] = {MEMSCAPE_CURVE_SLAB, MEMSCAPE_CURVE_HILBERT3D};
    for (size_t k = 0; k < 2; k++) {
        memscape_layout_options o = {.curve = curves[k], .width = 4, .height = 4, .depth = 4,
                                     .cell_bytes = 32};
        memscape_layout *layout;
        memscape_voxels *voxels;
        assert_int_equal(memscape_layout_new(&layout, space, &o, &err), MEMSCAPE_OK);
        assert_int_equal(memscape_voxels_compute(&voxels, space, layout, NULL, &err),
                         MEMSCAPE_OK);
        const memscape_volume *v = memscape_voxels_volume(voxels);
        assert_true(v->dims[0] == 4 && v->dims[1] == 4 && v->dims[2] == 4);
        assert_int_equal(v->array_count, 8);
        assert_string_equal(v->arrays[1].name, "mean");
        const uint8_t *mean = v->arrays[1].values;
        const float *present = v->arrays[0].values;
        for (uint32_t z = 0; z < 4; z++)
            for (uint32_t y = 0; y < 4; y++)
                for (uint32_t x = 0; x < 4; x++) {
                    uint64_t cell = curves[k] == MEMSCAPE_CURVE_SLAB
                                        ? ((uint64_t)z * 4 + y) * 4 + x
                                        : memscape_layout_xyz_to_cell(layout, x, y, z);
                    unsigned sum = 0;
                    for (unsigned b = 0; b < 32; b++)
                        sum += file[cell * 32 + b];
                    size_t i = ((size_t)z * 4 + y) * 4 + x;
                    assert_int_equal(mean[i], sum / 32);
                    assert_true(present[i] == 1.0f);
                }
        memscape_voxels_free(voxels);
        memscape_layout_free(layout);
    }
    /* A 2D layout is not a volume. */
    memscape_layout_options flat = {.curve = MEMSCAPE_CURVE_SCAN, .width = 64, .height = 1,
                                    .cell_bytes = 32};
    memscape_layout *layout;
    memscape_voxels *voxels = NULL;
    assert_int_equal(memscape_layout_new(&layout, space, &flat, &err), MEMSCAPE_OK);
    assert_int_equal(memscape_voxels_compute(&voxels, space, layout, NULL, &err),
                     MEMSCAPE_EINVAL);
    assert_null(voxels);
    memscape_layout_free(layout);
    memscape_space_free(space);
}

/* A C++ exception at 0x10050 in a 2 KiB minidump laid out as a 4x4x4 slab of 32-byte cells:
 * the finding marks cell 2 = voxel (2, 0, 0) with the pattern's bit and no other voxel, and
 * its annotation sits at that voxel's centre; with no exception, the manual-dump finding
 * concerns the whole process: no voxel, an annotation above the volume. */
static void test_findings_in_the_volume(void **state)
{
    (void)state;
    static uint8_t file[2048];
    for (int crashed = 1; crashed >= 0; crashed--) {
        memscape_space *space;
        memscape_error err = {0};
        assert_int_equal(memscape_space_new(&space, file, sizeof file, NULL), MEMSCAPE_OK);
        space->system.format = MEMSCAPE_FORMAT_MINIDUMP;
        assert_int_equal(memscape_space_add_range(space, 0x10000, sizeof file, 0), MEMSCAPE_OK);
        memscape_exception e = {.thread_id = 1, .code = 0xE06D7363u, .address = 0x10050};
        if (crashed)
            memscape_space_set_exception(space, &e);
        assert_int_equal(memscape_space_finalize(space, &err), MEMSCAPE_OK);
        memscape_layout_options o = {.curve = MEMSCAPE_CURVE_SLAB, .width = 4, .height = 4,
                                     .depth = 4, .cell_bytes = 32};
        memscape_layout *layout;
        memscape_voxels *voxels;
        memscape_findings *findings;
        assert_int_equal(memscape_layout_new(&layout, space, &o, &err), MEMSCAPE_OK);
        assert_int_equal(memscape_voxels_compute(&voxels, space, layout, NULL, &err),
                         MEMSCAPE_OK);
        assert_int_equal(memscape_detect(&findings, space, NULL, &err), MEMSCAPE_OK);
        assert_int_equal(memscape_voxels_add_findings(voxels, space, layout, findings, &err),
                         MEMSCAPE_OK);
        assert_int_equal(memscape_voxels_add_findings(voxels, space, layout, findings, &err),
                         MEMSCAPE_EINVAL);
        const memscape_volume *v = memscape_voxels_volume(voxels);
        assert_int_equal(v->array_count, 9);
        assert_string_equal(v->arrays[8].name, "findings");
        const uint32_t *mask = v->arrays[8].values;
        const memscape_pattern *cpp = memscape_pattern_find("cpp-exception");
        for (size_t i = 0; i < 64; i++)
            assert_int_equal(mask[i], crashed && i == 2 ? 1u << memscape_pattern_index(cpp)
                                                        : 0u);
        memscape_annotation_list *list;
        assert_int_equal(memscape_annotations_from_space(&list, space, layout, v, findings,
                                                         &err), MEMSCAPE_OK);
        size_t n;
        const memscape_annotation *a = memscape_annotation_list_items(list, &n);
        const memscape_annotation *last = &a[n - 1];
        assert_int_equal(last->kind, MEMSCAPE_ANNOTATION_FINDING);
        if (crashed) {
            assert_string_equal(last->label, "C++ Exception");
            assert_int_equal(last->id, (int64_t)memscape_pattern_index(cpp));
            assert_true(last->position[0] == 2.5 && last->position[1] == 0.5 &&
                        last->position[2] == 0.5);
        } else {
            assert_string_equal(last->label, "Manual Dump");
            assert_true(last->position[0] == 2 && last->position[1] == 2 &&
                        last->position[2] == 4);
        }
        memscape_annotation_list_free(list);
        memscape_findings_free(findings);
        memscape_voxels_free(voxels);
        memscape_layout_free(layout);
        memscape_space_free(space);
    }
}

/* Modules, thread stacks and the exception land at the centre of the voxel showing their
 * address, in world coordinates; what the layout does not show is left out. */
static void test_annotations_at_their_voxels(void **state)
{
    (void)state;
    static uint8_t file[2048];
    memscape_space *space;
    memscape_error err = {0};
    assert_int_equal(memscape_space_new(&space, file, sizeof file, NULL), MEMSCAPE_OK);
    assert_int_equal(memscape_space_add_range(space, 0x10000, sizeof file, 0), MEMSCAPE_OK);
    memscape_module m = {.name = "C:\\dir\\<e&l\"'>n.dll", .base = 0x10000, .size = 0x400};
    assert_int_equal(memscape_space_add_module(space, &m), MEMSCAPE_OK);
    memscape_module away = {.name = "/lib/away.so", .base = 0x900000, .size = 0x1000};
    assert_int_equal(memscape_space_add_module(space, &away), MEMSCAPE_OK);
    memscape_thread t = {.id = 0x1a2c, .sp = 0x10600, .has_context = 1};
    assert_int_equal(memscape_space_add_thread(space, &t, NULL), MEMSCAPE_OK);
    memscape_exception e = {.thread_id = 0x1a2c, .code = 0xc0000005, .address = 0x10010};
    memscape_space_set_exception(space, &e);
    assert_int_equal(memscape_space_finalize(space, &err), MEMSCAPE_OK);
    memscape_layout_options o = {.curve = MEMSCAPE_CURVE_SLAB, .width = 4, .height = 4,
                                 .depth = 4, .cell_bytes = 32, .lo = 0x10000, .hi = 0x10800};
    memscape_layout *layout;
    assert_int_equal(memscape_layout_new(&layout, space, &o, &err), MEMSCAPE_OK);
    memscape_volume volume = {.dims = {4, 4, 4}, .origin = {1, 2, 3}, .spacing = {0.5, 1, 2}};
    memscape_annotation_list *list;
    assert_int_equal(memscape_annotations_from_space(&list, space, layout, &volume, NULL, &err),
                     MEMSCAPE_OK);
    size_t n;
    const memscape_annotation *a = memscape_annotation_list_items(list, &n);
    assert_int_equal(n, 3); /* away.so is outside the pictured range */
    /* The module's middle, 0x101ff: cell 15 = voxel (3, 3, 0). */
    assert_string_equal(a[0].label, "<e&l\"'>n.dll");
    assert_int_equal(a[0].kind, MEMSCAPE_ANNOTATION_MODULE);
    assert_true(a[0].position[0] == 1 + 3.5 * 0.5 && a[0].position[1] == 2 + 3.5 &&
                a[0].position[2] == 3 + 0.5 * 2);
    /* The stack pointer 0x10600: cell 48 = voxel (0, 0, 3). */
    assert_string_equal(a[1].label, "thread 0x1a2c stack");
    assert_true(a[1].position[0] == 1.25 && a[1].position[1] == 2.5 && a[1].position[2] == 10);
    assert_int_equal(a[1].id, 0x1a2c);
    assert_string_equal(a[2].label, "exception 0xc0000005");
    assert_int_equal(a[2].address, 0x10010);
    memscape_annotation_list_free(list);
    memscape_layout_free(layout);
    memscape_space_free(space);
}

static void test_raster_new_checks_size(void **state)
{
    (void)state;
    memscape_raster r = {0};
    memscape_error err = {0};
    assert_int_equal(memscape_raster_new(&r, 0, 5, &err), MEMSCAPE_EINVAL);
    assert_int_equal(memscape_raster_new(&r, 5, 0, &err), MEMSCAPE_EINVAL);
    assert_int_equal(memscape_raster_new(&r, 3, 2, &err), MEMSCAPE_OK);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(r.pixels[i].r | r.pixels[i].g | r.pixels[i].b, 0);
    memscape_raster_free(&r);
    assert_null(r.pixels);
    memscape_raster_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_byte_class_of_every_value),
        cmocka_unit_test(test_voxels_follow_the_curve),
        cmocka_unit_test(test_voxels_match_the_grid),
        cmocka_unit_test(test_findings_in_the_volume),
        cmocka_unit_test(test_annotations_at_their_voxels),
        cmocka_unit_test(test_cell_stats_pointer_targets_skip_free),
        cmocka_unit_test(test_cell_stats_match_definitions),
        cmocka_unit_test_setup_teardown(test_grid_channels_match_definitions, setup_scan,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_grid_spot_values, setup_scan, teardown_fixture),
        cmocka_unit_test_setup_teardown(test_grid_not_captured_cells_hold_nothing, setup_scan,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_grid_same_for_any_thread_count, setup_scan,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_grid_progress_from_caller_thread, setup_scan,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_grid_refuses_missing_arguments, setup_scan,
                                        teardown_fixture),
        cmocka_unit_test(test_grid_true_scale_hilbert),
        cmocka_unit_test(test_grid_data_in_small_prefix_same_for_threads),
        cmocka_unit_test(test_grid_more_threads_than_present_bytes),
        cmocka_unit_test_setup_teardown(test_view_bytes_and_classes, setup_scan,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_view_entropy_and_pointers, setup_scan,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_view_regions, setup_scan, teardown_fixture),
        cmocka_unit_test_setup_teardown(test_view_modules, setup_scan, teardown_fixture),
        cmocka_unit_test_setup_teardown(test_view_refuses_wrong_palette_kind, setup_scan,
                                        teardown_fixture),
        cmocka_unit_test(test_view_names_and_default_palettes),
        cmocka_unit_test_setup_teardown(test_view_default_palettes_render, setup_scan,
                                        teardown_fixture),
        cmocka_unit_test(test_raster_new_checks_size),
        cmocka_unit_test(test_grid_big_endian_pointers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
