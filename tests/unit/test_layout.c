/* SPDX-License-Identifier: MIT */
/* Layouts: both bijections (address runs <-> cells, cells <-> pixels), compact and true-scale
 * gaps, fitting the cell size, range clipping, and rebuilding from hostile segment tables.
 * Every expected value is computed here from the rules in layout.h, never by the code under
 * test. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "memscape/layout.h"
#include "space_build.h"

#define FILE_SIZE 0x2000u
#define ARRAY_LEN(a) (sizeof(a) / sizeof *(a))
#define MAX_SEGMENTS 64

static uint8_t file_bytes[FILE_SIZE];

/* ---- building spaces ------------------------------------------------------------------------ */

static memscape_region entry(uint64_t base, uint64_t size, memscape_state state)
{
    memscape_region r = {0};
    r.base = base;
    r.size = size;
    r.allocation_base = base;
    r.file_offset = MEMSCAPE_NO_OFFSET;
    r.state = state;
    r.type = state == MEMSCAPE_STATE_FREE ? MEMSCAPE_TYPE_NONE : MEMSCAPE_TYPE_PRIVATE;
    r.protect = state == MEMSCAPE_STATE_COMMITTED ? MEMSCAPE_PROT_RW : MEMSCAPE_PROT_NONE;
    r.module_index = MEMSCAPE_NO_INDEX;
    r.thread_index = MEMSCAPE_NO_INDEX;
    return r;
}

/* with_bytes: the file holds [0x10000, 0x11000), which must lie inside a region given. */
static memscape_space *space_of(const memscape_region *entries, size_t n, int with_bytes)
{
    memscape_space *space;
    assert_int_equal(memscape_space_new(&space, file_bytes, FILE_SIZE, NULL), MEMSCAPE_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(memscape_space_add_layout(space, &entries[i]), MEMSCAPE_OK);
    /* Some bytes in the file, so the space holds committed and not-captured regions. */
    if (with_bytes)
        assert_int_equal(memscape_space_add_range(space, 0x10000, 0x1000, 0), MEMSCAPE_OK);
    memscape_error err = {0};
    assert_int_equal(memscape_space_finalize(space, &err), MEMSCAPE_OK);
    return space;
}

#define TOP_BASE UINT64_C(0x7ff000000000)

/* Shown: [0x10000, 0x14000) (two committed regions of different types, adjacent),
 * [0x40000, 0x45123) and [TOP_BASE, TOP_BASE + 0x21000); reserved and free in between. */
static memscape_space *main_space(void)
{
    memscape_region e[] = {
        entry(0x10000, 0x3000, MEMSCAPE_STATE_COMMITTED),
        entry(0x13000, 0x1000, MEMSCAPE_STATE_COMMITTED),
        entry(0x14000, 0x2000, MEMSCAPE_STATE_RESERVED),
        entry(0x16000, 0x2a000, MEMSCAPE_STATE_FREE),
        entry(0x40000, 0x5123, MEMSCAPE_STATE_COMMITTED),
        entry(TOP_BASE, 0x21000, MEMSCAPE_STATE_COMMITTED),
    };
    e[1].type = MEMSCAPE_TYPE_IMAGE;
    return space_of(e, ARRAY_LEN(e), 1);
}

typedef struct run {
    uint64_t base;
    uint64_t bytes;
} run;

static const run main_runs[] = {
    {0x10000, 0x4000}, {0x40000, 0x5123}, {TOP_BASE, 0x21000},
};

/* Small gaps only, for true scale: [0x10000, 0x14000), [0x40000, 0x45123), [0x50000, 0x51000).*/
static memscape_space *near_space(void)
{
    memscape_region e[] = {
        entry(0x10000, 0x4000, MEMSCAPE_STATE_COMMITTED),
        entry(0x14000, 0x2000, MEMSCAPE_STATE_RESERVED),
        entry(0x40000, 0x5123, MEMSCAPE_STATE_COMMITTED),
        entry(0x50000, 0x1000, MEMSCAPE_STATE_COMMITTED),
    };
    return space_of(e, ARRAY_LEN(e), 1);
}

static const run near_runs[] = {{0x10000, 0x4000}, {0x40000, 0x5123}, {0x50000, 0x1000}};

/* ---- the reference model -------------------------------------------------------------------- */

static uint64_t ref_ceil_div(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

/* g = max(1, ceil(log2(gap / cell + 1) / 4)), straight from the formula in layout.c. */
static uint64_t ref_separator(uint64_t gap, uint64_t cell)
{
    double g = ceil(log2((double)(gap / cell) + 1.0) / 4.0);
    return g < 1.0 ? 1 : (uint64_t)g;
}

static uint64_t ref_gap_cells(uint64_t gap, uint64_t cell, int true_scale)
{
    return true_scale ? ref_ceil_div(gap, cell) : ref_separator(gap, cell);
}

/* The segments a layout of runs must have; returns their number. */
static size_t ref_segments(const run *runs, size_t n, uint64_t cell, int true_scale,
                           memscape_segment *out)
{
    size_t k = 0;
    uint64_t next_cell = 0;
    for (size_t i = 0; i < n; i++) {
        out[k] = (memscape_segment){next_cell, ref_ceil_div(runs[i].bytes, cell), runs[i].base,
                                    runs[i].bytes, 0};
        next_cell += out[k++].cell_count;
        if (i + 1 == n)
            break;
        uint64_t end = runs[i].base + runs[i].bytes;
        uint64_t gap = runs[i + 1].base - end;
        out[k] = (memscape_segment){next_cell, ref_gap_cells(gap, cell, true_scale), end, gap,
                                    1};
        next_cell += out[k++].cell_count;
    }
    return k;
}

static uint64_t ref_need(const run *runs, size_t n, uint64_t cell, int true_scale)
{
    memscape_segment seg[MAX_SEGMENTS];
    size_t k = ref_segments(runs, n, cell, true_scale, seg);
    return seg[k - 1].first_cell + seg[k - 1].cell_count;
}

static memscape_layout *layout_or_fail(const memscape_space *space, memscape_curve curve,
                                       uint32_t w, uint32_t h, uint64_t cell, int true_scale)
{
    memscape_layout_options o = {curve, w, h, cell, true_scale, 0, 0, 0};
    memscape_layout *layout = NULL;
    memscape_error err = {0};
    memscape_status st = memscape_layout_new(&layout, space, &o, &err);
    if (st != MEMSCAPE_OK)
        fail_msg("layout_new: %s", err.msg);
    return layout;
}

/* ---- checks shared by several tests -------------------------------------------------------- */

/* Every cell lands on its own pixel, and back. */
static void assert_pixel_bijection(const memscape_layout *layout)
{
    uint32_t w = memscape_layout_width(layout), h = memscape_layout_height(layout);
    uint64_t cells = (uint64_t)w * h;
    uint8_t *hit = calloc(cells, 1);
    assert_non_null(hit);
    for (uint64_t c = 0; c < cells; c++) {
        uint32_t x, y;
        memscape_layout_cell_to_xy(layout, c, &x, &y);
        assert_true(x < w && y < h);
        assert_int_equal(hit[(uint64_t)y * w + x], 0);
        hit[(uint64_t)y * w + x] = 1;
        assert_int_equal(memscape_layout_xy_to_cell(layout, x, y), c);
    }
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            uint32_t bx, by;
            memscape_layout_cell_to_xy(layout, memscape_layout_xy_to_cell(layout, x, y), &bx,
                                       &by);
            assert_int_equal(bx, x);
            assert_int_equal(by, y);
        }
    }
    free(hit);
}

static void assert_segments_equal(const memscape_layout *layout, const memscape_segment *want,
                                  size_t n)
{
    size_t count;
    const memscape_segment *got = memscape_layout_segments(layout, &count);
    assert_int_equal(count, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(got[i].first_cell, want[i].first_cell);
        assert_int_equal(got[i].cell_count, want[i].cell_count);
        assert_int_equal(got[i].addr, want[i].addr);
        assert_int_equal(got[i].bytes, want[i].bytes);
        assert_int_equal(got[i].is_gap, want[i].is_gap);
    }
    assert_int_equal(memscape_layout_used_cells(layout),
                     want[n - 1].first_cell + want[n - 1].cell_count);
}

static void assert_addr_maps_to(const memscape_layout *layout, uint64_t addr, uint64_t want)
{
    uint64_t cell = UINT64_MAX;
    assert_int_equal(memscape_layout_addr_to_cell(layout, addr, &cell), 1);
    assert_int_equal(cell, want);
}

static void assert_not_pictured(const memscape_layout *layout, uint64_t addr)
{
    uint64_t cell = 12345;
    assert_int_equal(memscape_layout_addr_to_cell(layout, addr, &cell), 0);
    assert_int_equal(cell, 12345);
}

/* Cells of each run show consecutive cell_bytes slices aligned to the run's start; gap cells
 * stand for their gap; the rest is padding. Addresses map back to the cell showing them. */
static void assert_runs_pictured(const memscape_layout *layout, const memscape_segment *want,
                                 size_t n)
{
    uint64_t cb = memscape_layout_cell_bytes(layout);
    for (size_t i = 0; i < n; i++) {
        const memscape_segment *s = &want[i];
        for (uint64_t k = 0; k < s->cell_count; k++) {
            uint64_t addr, bytes;
            memscape_cell_kind kind = memscape_layout_cell_info(layout, s->first_cell + k,
                                                                &addr, &bytes);
            if (s->is_gap) {
                assert_int_equal(kind, MEMSCAPE_CELL_GAP);
                assert_int_equal(addr, s->addr);
                assert_int_equal(bytes, s->bytes);
                continue;
            }
            uint64_t lo = s->addr + k * cb;
            uint64_t len = s->bytes - k * cb < cb ? s->bytes - k * cb : cb;
            assert_int_equal(kind, MEMSCAPE_CELL_ADDRESS);
            assert_int_equal(addr, lo);
            assert_int_equal(bytes, len);
            assert_addr_maps_to(layout, lo, s->first_cell + k);
            assert_addr_maps_to(layout, lo + len / 2, s->first_cell + k);
            assert_addr_maps_to(layout, lo + len - 1, s->first_cell + k);
        }
        if (!s->is_gap) {
            assert_addr_maps_to(layout, s->addr, s->first_cell);
            assert_addr_maps_to(layout, s->addr + s->bytes - 1,
                                s->first_cell + s->cell_count - 1);
        } else {
            assert_not_pictured(layout, s->addr);
            assert_not_pictured(layout, s->addr + s->bytes - 1);
        }
    }
    uint64_t used = want[n - 1].first_cell + want[n - 1].cell_count;
    uint64_t cells = (uint64_t)memscape_layout_width(layout) * memscape_layout_height(layout);
    for (uint64_t c = used; c < cells; c++)
        assert_int_equal(memscape_layout_cell_info(layout, c, NULL, NULL),
                         MEMSCAPE_CELL_PADDING);
    if (want[0].addr > 0)
        assert_not_pictured(layout, want[0].addr - 1);
}

/* ---- curves ----------------------------------------------------------------------------- */

/* A one-run layout filling the picture, to look at the curve alone. */
static memscape_layout *curve_only(memscape_curve curve, uint32_t w, uint32_t h)
{
    memscape_segment s = {0, (uint64_t)w * h, 0x100000, (uint64_t)w * h * 16, 0};
    memscape_layout *layout = NULL;
    memscape_error err = {0};
    if (memscape_layout_from_segments(&layout, curve, w, h, 16, &s, 1, &err) != MEMSCAPE_OK)
        fail_msg("from_segments %ux%u: %s", w, h, err.msg);
    return layout;
}

static void test_layout_curves_are_bijections(void **state)
{
    (void)state;
    static const struct {
        memscape_curve curve;
        uint32_t w, h;
    } cases[] = {
        {MEMSCAPE_CURVE_SCAN, 1, 1},     {MEMSCAPE_CURVE_SCAN, 8, 8},
        {MEMSCAPE_CURVE_SCAN, 16, 16},   {MEMSCAPE_CURVE_SCAN, 32, 8},
        {MEMSCAPE_CURVE_SCAN, 7, 13},    {MEMSCAPE_CURVE_HILBERT, 1, 1},
        {MEMSCAPE_CURVE_HILBERT, 8, 8},  {MEMSCAPE_CURVE_HILBERT, 16, 16},
        {MEMSCAPE_CURVE_HILBERT, 64, 64}, {MEMSCAPE_CURVE_ZORDER, 8, 8},
        {MEMSCAPE_CURVE_ZORDER, 16, 16}, {MEMSCAPE_CURVE_ZORDER, 32, 8},
        {MEMSCAPE_CURVE_ZORDER, 8, 32},  {MEMSCAPE_CURVE_ZORDER, 1, 4},
        {MEMSCAPE_CURVE_ZORDER, 4, 1},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        memscape_layout *layout = curve_only(cases[i].curve, cases[i].w, cases[i].h);
        assert_pixel_bijection(layout);
        memscape_layout_free(layout);
    }
}

static void test_layout_scan_is_row_major(void **state)
{
    (void)state;
    memscape_layout *layout = curve_only(MEMSCAPE_CURVE_SCAN, 7, 5);
    for (uint64_t c = 0; c < 35; c++) {
        uint32_t x, y;
        memscape_layout_cell_to_xy(layout, c, &x, &y);
        assert_int_equal(x, c % 7);
        assert_int_equal(y, c / 7);
    }
    memscape_layout_free(layout);
}

/* Morton order by its definition: bit i of x at 2i, bit i of y at 2i + 1; on a wide picture
 * the high bits of x above the interleaved ones. */
static void test_layout_zorder_interleaves_bits(void **state)
{
    (void)state;
    memscape_layout *layout = curve_only(MEMSCAPE_CURVE_ZORDER, 32, 8);
    for (uint32_t y = 0; y < 8; y++) {
        for (uint32_t x = 0; x < 32; x++) {
            uint64_t want = 0;
            for (unsigned b = 0; b < 3; b++)
                want |= (uint64_t)((x >> b) & 1) << (2 * b) |
                        (uint64_t)((y >> b) & 1) << (2 * b + 1);
            want |= (uint64_t)(x >> 3) << 6;
            assert_int_equal(memscape_layout_xy_to_cell(layout, x, y), want);
        }
    }
    memscape_layout_free(layout);
    layout = curve_only(MEMSCAPE_CURVE_ZORDER, 2, 2);
    uint32_t x, y;
    memscape_layout_cell_to_xy(layout, 1, &x, &y);
    assert_true(x == 1 && y == 0);
    memscape_layout_cell_to_xy(layout, 2, &x, &y);
    assert_true(x == 0 && y == 1);
    memscape_layout_free(layout);
}

/* Consecutive cells are 4-neighbours; the curve starts at (0, 0) and ends at (n - 1, 0). */
static void test_layout_hilbert_neighbours_adjacent(void **state)
{
    (void)state;
    for (uint32_t n = 2; n <= 256; n *= 2) {
        memscape_layout *layout = curve_only(MEMSCAPE_CURVE_HILBERT, n, n);
        uint32_t px, py;
        memscape_layout_cell_to_xy(layout, 0, &px, &py);
        assert_true(px == 0 && py == 0);
        for (uint64_t c = 1; c < (uint64_t)n * n; c++) {
            uint32_t x, y;
            memscape_layout_cell_to_xy(layout, c, &x, &y);
            uint32_t dx = x > px ? x - px : px - x, dy = y > py ? y - py : py - y;
            assert_int_equal(dx + dy, 1);
            px = x;
            py = y;
        }
        assert_true(px == n - 1 && py == 0);
        memscape_layout_free(layout);
    }
}

/* The largest picture: no table, no overflow; the last cell is the curve's end. */
static void test_layout_hilbert_largest_side(void **state)
{
    (void)state;
    uint32_t n = MEMSCAPE_LAYOUT_MAX_SIDE;
    memscape_layout *layout = curve_only(MEMSCAPE_CURVE_HILBERT, n, n);
    uint64_t last = (uint64_t)n * n - 1;
    uint32_t x, y;
    memscape_layout_cell_to_xy(layout, last, &x, &y);
    assert_true(x == n - 1 && y == 0);
    assert_int_equal(memscape_layout_xy_to_cell(layout, n - 1, 0), last);
    memscape_layout_cell_to_xy(layout, last + 1, &x, &y);
    assert_true(x == UINT32_MAX && y == UINT32_MAX);
    assert_int_equal(memscape_layout_xy_to_cell(layout, n, 0), last + 1);
    memscape_layout_free(layout);
}

/* ---- 3D curves ----------------------------------------------------------------------------- */

static memscape_layout *volume_of(memscape_curve curve, uint32_t w, uint32_t h, uint32_t d)
{
    memscape_space *space = main_space();
    memscape_layout_options o = {.curve = curve, .width = w, .height = h, .depth = d};
    memscape_layout *layout = NULL;
    memscape_error err = {0};
    if (memscape_layout_new(&layout, space, &o, &err) != MEMSCAPE_OK)
        fail_msg("%s %ux%ux%u: %s", memscape_curve_name(curve), w, h, d, err.msg);
    memscape_space_free(space);
    return layout;
}

/* Every voxel once, and each cell back to its voxel; along Hilbert 3D consecutive cells are
 * face neighbours, from the origin. */
static void test_layout_3d_curves(void **state)
{
    (void)state;
    for (uint32_t n = 2; n <= 16; n *= 2) { /* 2^3 cells hold the space's 3 runs, 2 gaps */
        memscape_layout *layout = volume_of(MEMSCAPE_CURVE_HILBERT3D, n, n, n);
        uint64_t cells = (uint64_t)n * n * n;
        assert_int_equal(memscape_layout_cells(layout), cells);
        assert_int_equal(memscape_layout_depth(layout), n);
        uint8_t *seen = calloc(cells, 1);
        assert_non_null(seen);
        uint32_t px = 0, py = 0, pz = 0;
        for (uint64_t c = 0; c < cells; c++) {
            uint32_t x, y, z;
            memscape_layout_cell_to_xyz(layout, c, &x, &y, &z);
            assert_true(x < n && y < n && z < n);
            uint64_t v = ((uint64_t)z * n + y) * n + x;
            assert_int_equal(seen[v], 0);
            seen[v] = 1;
            assert_int_equal(memscape_layout_xyz_to_cell(layout, x, y, z), c);
            uint32_t d = (x > px ? x - px : px - x) + (y > py ? y - py : py - y) +
                         (z > pz ? z - pz : pz - z);
            assert_int_equal(d, c == 0 ? 0 : 1);
            px = x, py = y, pz = z;
        }
        free(seen);
        uint32_t x, y, z;
        memscape_layout_cell_to_xyz(layout, cells, &x, &y, &z);
        assert_true(x == UINT32_MAX && y == UINT32_MAX && z == UINT32_MAX);
        assert_int_equal(memscape_layout_xyz_to_cell(layout, n, 0, 0), cells);
        memscape_layout_free(layout);
    }
    /* Slab: scan slices stacked along z, x fastest. */
    memscape_layout *slab = volume_of(MEMSCAPE_CURVE_SLAB, 5, 3, 4);
    for (uint64_t c = 0; c < 60; c++) {
        uint32_t x, y, z;
        memscape_layout_cell_to_xyz(slab, c, &x, &y, &z);
        assert_int_equal(((uint64_t)z * 3 + y) * 5 + x, c);
        assert_int_equal(memscape_layout_xyz_to_cell(slab, x, y, z), c);
    }
    memscape_layout_free(slab);
    /* The largest Hilbert cube: its last cell is a corner voxel, with no overflow. */
    memscape_layout *big = volume_of(MEMSCAPE_CURVE_HILBERT3D, MEMSCAPE_LAYOUT_MAX_SIDE_3D,
                                     MEMSCAPE_LAYOUT_MAX_SIDE_3D, MEMSCAPE_LAYOUT_MAX_SIDE_3D);
    uint64_t last = memscape_layout_cells(big) - 1;
    uint32_t x, y, z;
    memscape_layout_cell_to_xyz(big, last, &x, &y, &z);
    assert_int_equal(memscape_layout_xyz_to_cell(big, x, y, z), last);
    memscape_layout_free(big);
}

/* 3D defaults and refusals: 256^3 by default; a Hilbert 3D non-cube, a side of 0 or past the
 * limit, and a depth on a 2D curve are refused naming the option. */
static void test_layout_3d_sizes(void **state)
{
    (void)state;
    memscape_layout *dflt = volume_of(MEMSCAPE_CURVE_HILBERT3D, 0, 0, 0);
    assert_int_equal(memscape_layout_width(dflt), 256);
    assert_int_equal(memscape_layout_depth(dflt), 256);
    memscape_layout_free(dflt);
    memscape_space *space = main_space();
    const struct {
        memscape_curve curve;
        uint32_t w, h, d;
        const char *says;
    } bad[] = {
        {MEMSCAPE_CURVE_HILBERT3D, 8, 8, 4, "cube"},
        {MEMSCAPE_CURVE_HILBERT3D, 12, 12, 12, "power-of-two"},
        {MEMSCAPE_CURVE_SLAB, 8, 0, 8, "--dims"},
        {MEMSCAPE_CURVE_SLAB, 8, 8, MEMSCAPE_LAYOUT_MAX_SIDE_3D + 1, "--dims"},
        {MEMSCAPE_CURVE_HILBERT, 64, 64, 2, "no depth"},
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        memscape_layout_options o = {.curve = bad[i].curve, .width = bad[i].w,
                                     .height = bad[i].h, .depth = bad[i].d};
        memscape_layout *layout = NULL;
        memscape_error err = {0};
        assert_int_equal(memscape_layout_new(&layout, space, &o, &err), MEMSCAPE_EINVAL);
        if (!strstr(err.msg, bad[i].says))
            fail_msg("case %zu: '%s' does not say '%s'", i, err.msg, bad[i].says);
        assert_null(layout);
    }
    memscape_space_free(space);
    assert_true(memscape_curve_is_3d(MEMSCAPE_CURVE_SLAB));
    assert_false(memscape_curve_is_3d(MEMSCAPE_CURVE_ZORDER));
}

static void test_layout_curve_names(void **state)
{
    (void)state;
    assert_string_equal(memscape_curve_name(MEMSCAPE_CURVE_SCAN), "scan");
    assert_string_equal(memscape_curve_name(MEMSCAPE_CURVE_HILBERT), "hilbert");
    assert_string_equal(memscape_curve_name(MEMSCAPE_CURVE_ZORDER), "zorder");
    assert_string_equal(memscape_curve_name(MEMSCAPE_CURVE_HILBERT3D), "hilbert3d");
    assert_string_equal(memscape_curve_name(MEMSCAPE_CURVE_SLAB), "slab");
    assert_non_null(memscape_curve_name((memscape_curve)42));
}

/* ---- address runs -------------------------------------------------------------------------- */

static void test_layout_compact_runs_and_separators(void **state)
{
    (void)state;
    memscape_space *space = main_space();
    static const memscape_curve curves[] = {MEMSCAPE_CURVE_SCAN, MEMSCAPE_CURVE_HILBERT,
                                            MEMSCAPE_CURVE_ZORDER};
    for (size_t i = 0; i < ARRAY_LEN(curves); i++) {
        memscape_layout *layout = layout_or_fail(space, curves[i], 64, 64, 0x100, 0);
        memscape_segment want[MAX_SEGMENTS];
        size_t n = ref_segments(main_runs, ARRAY_LEN(main_runs), 0x100, 0, want);
        assert_int_equal(n, 5);
        assert_int_equal(want[1].cell_count, 3);  /* 0x2c0 cells' worth: 3 hex digits */
        assert_int_equal(want[3].cell_count, 10); /* 0x7feffffbae cells: 10 hex digits */
        assert_segments_equal(layout, want, n);
        assert_runs_pictured(layout, want, n);
        assert_not_pictured(layout, TOP_BASE + 0x21000);
        assert_pixel_bijection(layout);
        memscape_layout_free(layout);
    }
    memscape_space_free(space);
}

/* Separator thickness at the edges of the formula: q = gap / cell around powers of 16, and
 * gaps shorter than one cell (q = 0), in both modes. */
static void test_layout_separator_thickness(void **state)
{
    (void)state;
    const uint64_t cb = 0x40;
    static const uint64_t gaps[] = {
        1, 0x3f, 0x40, 0x7f, 14 * 0x40, 15 * 0x40, 15 * 0x40 + 0x3f, 16 * 0x40, 17 * 0x40,
        255 * 0x40, 256 * 0x40, 4095 * 0x40, 4096 * 0x40, 65535 * 0x40, 65536 * 0x40,
        UINT64_C(1) << 46,
    };
    for (size_t i = 0; i < ARRAY_LEN(gaps); i++) {
        run runs[2] = {{0x10000, 0x100}, {0x10100 + gaps[i], 0x80}};
        memscape_region e[] = {entry(runs[0].base, runs[0].bytes, MEMSCAPE_STATE_COMMITTED),
                               entry(runs[1].base, runs[1].bytes, MEMSCAPE_STATE_COMMITTED)};
        memscape_space *space = space_of(e, ARRAY_LEN(e), 0);
        for (int true_scale = 0; true_scale <= 1; true_scale++) {
            if (true_scale && gaps[i] > 65536 * 0x40)
                continue;
            memscape_layout *layout = layout_or_fail(space, MEMSCAPE_CURVE_SCAN, 1024, 1024,
                                                     cb, true_scale);
            memscape_segment want[3];
            assert_int_equal(ref_segments(runs, 2, cb, true_scale, want), 3);
            assert_segments_equal(layout, want, 3);
            memscape_layout_free(layout);
        }
        memscape_space_free(space);
    }
    /* The thresholds themselves, by hand. */
    assert_int_equal(ref_separator(1, 64), 1);
    assert_int_equal(ref_separator(15 * 64, 64), 1);
    assert_int_equal(ref_separator(16 * 64, 64), 2);
    assert_int_equal(ref_separator(255 * 64, 64), 2);
    assert_int_equal(ref_separator(256 * 64, 64), 3);
}

static void test_layout_true_scale_gaps(void **state)
{
    (void)state;
    memscape_space *space = near_space();
    memscape_layout *layout = layout_or_fail(space, MEMSCAPE_CURVE_ZORDER, 64, 32, 0x100, 1);
    memscape_segment want[MAX_SEGMENTS];
    size_t n = ref_segments(near_runs, ARRAY_LEN(near_runs), 0x100, 1, want);
    assert_int_equal(want[1].cell_count, 0x2c0);   /* 0x2c000 bytes */
    assert_int_equal(want[3].cell_count, 0xaf);    /* 0x50000 - 0x45123 = 0xaedd bytes */
    assert_segments_equal(layout, want, n);
    assert_runs_pictured(layout, want, n);
    memscape_layout_free(layout);
    memscape_space_free(space);
}

/* A run may end at the very top of the address space. */
static void test_layout_run_at_top_of_space(void **state)
{
    (void)state;
    memscape_region e[] = {entry(0x1000, 0x1000, MEMSCAPE_STATE_COMMITTED),
                           entry(UINT64_C(0xffffffffffff0000), 0xffff,
                                 MEMSCAPE_STATE_COMMITTED)};
    memscape_space *space = space_of(e, ARRAY_LEN(e), 0);
    memscape_layout *layout = layout_or_fail(space, MEMSCAPE_CURVE_HILBERT, 16, 16, 0x1000, 0);
    run runs[] = {{0x1000, 0x1000}, {UINT64_C(0xffffffffffff0000), 0xffff}};
    memscape_segment want[3];
    assert_int_equal(ref_segments(runs, 2, 0x1000, 0, want), 3);
    assert_segments_equal(layout, want, 3);
    assert_runs_pictured(layout, want, 3);
    assert_not_pictured(layout, UINT64_MAX);
    memscape_layout_free(layout);
    memscape_space_free(space);
}

/* ---- fitting ---------------------------------------------------------------------------- */

static void assert_smallest_fit(const memscape_space *space, const run *runs, size_t n,
                                uint32_t w, uint32_t h, int true_scale)
{
    memscape_layout *layout = layout_or_fail(space, MEMSCAPE_CURVE_SCAN, w, h, 0, true_scale);
    uint32_t side_w = w ? w : 1024, side_h = h ? h : 1024;
    assert_int_equal(memscape_layout_width(layout), side_w);
    assert_int_equal(memscape_layout_height(layout), side_h);
    uint64_t capacity = (uint64_t)side_w * side_h;
    uint64_t cb = memscape_layout_cell_bytes(layout);
    assert_int_equal(cb & (cb - 1), 0);
    assert_true(ref_need(runs, n, cb, true_scale) <= capacity);
    if (cb > 1)
        assert_true(ref_need(runs, n, cb / 2, true_scale) > capacity);
    uint64_t smallest = 1;
    while (ref_need(runs, n, smallest, true_scale) > capacity)
        smallest *= 2;
    assert_int_equal(cb, smallest);
    memscape_segment want[MAX_SEGMENTS];
    size_t k = ref_segments(runs, n, cb, true_scale, want);
    assert_segments_equal(layout, want, k);
    memscape_layout_free(layout);
}

static void test_layout_fit_smallest_power_of_two(void **state)
{
    (void)state;
    memscape_space *space = main_space();
    assert_smallest_fit(space, main_runs, ARRAY_LEN(main_runs), 64, 64, 0);
    assert_smallest_fit(space, main_runs, ARRAY_LEN(main_runs), 16, 16, 0);
    assert_smallest_fit(space, main_runs, ARRAY_LEN(main_runs), 5, 7, 0);
    assert_smallest_fit(space, main_runs, ARRAY_LEN(main_runs), 0, 0, 0);
    assert_smallest_fit(space, main_runs, ARRAY_LEN(main_runs), 4, 4, 1);
    memscape_space_free(space);
    space = near_space();
    assert_smallest_fit(space, near_runs, ARRAY_LEN(near_runs), 32, 32, 1);
    assert_smallest_fit(space, near_runs, ARRAY_LEN(near_runs), 0, 0, 1);
    assert_smallest_fit(space, near_runs, ARRAY_LEN(near_runs), 3, 3, 1);
    memscape_space_free(space);
    /* A run filling the picture exactly at 0x100 bytes a cell: 0x100 it must be. */
    memscape_region e[] = {entry(0x100000, 0x10000, MEMSCAPE_STATE_COMMITTED)};
    const run exact[] = {{0x100000, 0x10000}};
    space = space_of(e, ARRAY_LEN(e), 0);
    assert_smallest_fit(space, exact, 1, 16, 16, 0);
    memscape_layout *layout = layout_or_fail(space, MEMSCAPE_CURVE_HILBERT, 16, 16, 0, 0);
    assert_int_equal(memscape_layout_cell_bytes(layout), 0x100);
    assert_int_equal(memscape_layout_used_cells(layout), 256);
    memscape_layout_free(layout);
    memscape_space_free(space);
}

static void test_layout_fixed_cell_too_small(void **state)
{
    (void)state;
    memscape_space *space = main_space();
    memscape_layout_options o = {MEMSCAPE_CURVE_SCAN, 64, 64, 0x10, 0, 0, 0, 0};
    memscape_layout *layout = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_layout_new(&layout, space, &o, &err), MEMSCAPE_EINVAL);
    assert_null(layout);
    char need[32];
    snprintf(need, sizeof need, "%llu",
             (unsigned long long)ref_need(main_runs, ARRAY_LEN(main_runs), 0x10, 0));
    assert_non_null(strstr(err.msg, "--cell"));
    assert_non_null(strstr(err.msg, need));
    /* True scale at one byte a cell needs more cells than 64 bits count: still a clean EINVAL. */
    o.cell_bytes = 1;
    o.true_scale = 1;
    assert_int_equal(memscape_layout_new(&layout, space, &o, &err), MEMSCAPE_EINVAL);
    assert_non_null(strstr(err.msg, "--cell"));
    /* Three runs cannot fit two cells whatever the cell size. */
    o.cell_bytes = 0;
    o.width = 2;
    o.height = 1;
    assert_int_equal(memscape_layout_new(&layout, space, &o, &err), MEMSCAPE_EINVAL);
    assert_non_null(strstr(err.msg, "--size"));
    assert_null(layout);
    memscape_space_free(space);
}

/* ---- selection -------------------------------------------------------------------------- */

static void assert_range_runs(const memscape_space *space, uint64_t lo, uint64_t hi,
                              const run *runs, size_t n)
{
    memscape_layout_options o = {MEMSCAPE_CURVE_HILBERT, 32, 32, 0x80, 0, lo, hi, 0};
    memscape_layout *layout = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_layout_new(&layout, space, &o, &err), MEMSCAPE_OK);
    memscape_segment want[MAX_SEGMENTS];
    size_t k = ref_segments(runs, n, 0x80, 0, want);
    assert_segments_equal(layout, want, k);
    assert_runs_pictured(layout, want, k);
    if (lo > 0)
        assert_not_pictured(layout, lo - 1);
    assert_not_pictured(layout, hi);
    memscape_layout_free(layout);
}

static void test_layout_range_clips(void **state)
{
    (void)state;
    memscape_space *space = main_space();
    const run inside[] = {{0x41001, 0x2fff}};
    assert_range_runs(space, 0x41001, 0x44000, inside, 1);
    const run across[] = {{0x13000, 0x1000}, {0x40000, 0x1000}};
    assert_range_runs(space, 0x13000, 0x41000, across, 2);
    const run exact[] = {{0x40000, 0x5123}};
    assert_range_runs(space, 0x40000, 0x45123, exact, 1);

    memscape_layout_options o = {MEMSCAPE_CURVE_SCAN, 32, 32, 0, 0, 0x20000, 0x30000, 0};
    memscape_layout *layout = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_layout_new(&layout, space, &o, &err), MEMSCAPE_EINVAL);
    assert_non_null(strstr(err.msg, "nothing to picture"));
    o.lo = 0x30000;
    o.hi = 0x30000;
    assert_int_equal(memscape_layout_new(&layout, space, &o, &err), MEMSCAPE_EINVAL);
    o.lo = 0x40000;
    o.hi = 0x10000;
    assert_int_equal(memscape_layout_new(&layout, space, &o, &err), MEMSCAPE_EINVAL);
    assert_null(layout);
    memscape_space_free(space);

    /* Nothing but reserved and free memory: the whole space makes a picture of padding (a
     * core of registers only still renders); a range over it is nothing to picture. */
    memscape_region e[] = {entry(0x90000, 0x1000, MEMSCAPE_STATE_RESERVED)};
    memscape_space *empty;
    assert_int_equal(memscape_space_new(&empty, file_bytes, FILE_SIZE, NULL), MEMSCAPE_OK);
    assert_int_equal(memscape_space_add_layout(empty, &e[0]), MEMSCAPE_OK);
    assert_int_equal(memscape_space_finalize(empty, &err), MEMSCAPE_OK);
    o.lo = o.hi = 0;
    assert_int_equal(memscape_layout_new(&layout, empty, &o, &err), MEMSCAPE_OK);
    size_t segments;
    memscape_layout_segments(layout, &segments);
    assert_int_equal(segments, 0);
    assert_int_equal(memscape_layout_used_cells(layout), 0);
    uint64_t a, b;
    assert_int_equal(memscape_layout_cell_info(layout, 0, &a, &b), MEMSCAPE_CELL_PADDING);
    memscape_layout_free(layout);
    layout = NULL;
    o.lo = 0x90000;
    o.hi = 0x91000;
    assert_int_equal(memscape_layout_new(&layout, empty, &o, &err), MEMSCAPE_EINVAL);
    assert_non_null(strstr(err.msg, "nothing to picture"));
    memscape_space_free(empty);
}

static void test_layout_invalid_sizes_and_curves(void **state)
{
    (void)state;
    static const struct {
        memscape_curve curve;
        uint32_t w, h;
        const char *names;
    } bad[] = {
        {MEMSCAPE_CURVE_SCAN, 0, 16, "--size"},      {MEMSCAPE_CURVE_SCAN, 16, 0, "--size"},
        {MEMSCAPE_CURVE_SCAN, 65537, 1, "--size"},   {MEMSCAPE_CURVE_SCAN, 1, 65537, "--size"},
        {MEMSCAPE_CURVE_SCAN, UINT32_MAX, UINT32_MAX, "--size"},
        {MEMSCAPE_CURVE_HILBERT, 8, 16, "hilbert"},  {MEMSCAPE_CURVE_HILBERT, 12, 12, "hilbert"},
        {MEMSCAPE_CURVE_HILBERT, 131072, 131072, "--size"},
        {MEMSCAPE_CURVE_ZORDER, 12, 8, "zorder"},    {MEMSCAPE_CURVE_ZORDER, 8, 12, "zorder"},
        {(memscape_curve)3, 16, 16, "--layout"},     {(memscape_curve)-1, 16, 16, "--layout"},
    };
    memscape_space *space = main_space();
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        memscape_layout_options o = {bad[i].curve, bad[i].w, bad[i].h, 0x1000, 0, 0, 0, 0};
        memscape_layout *layout = NULL;
        memscape_error err = {0};
        assert_int_equal(memscape_layout_new(&layout, space, &o, &err), MEMSCAPE_EINVAL);
        assert_null(layout);
        assert_non_null(strstr(err.msg, bad[i].names));
        memscape_segment s = {0, 1, 0x1000, 0x1000, 0};
        assert_int_equal(memscape_layout_from_segments(&layout, bad[i].curve, bad[i].w,
                                                       bad[i].h, 0x1000, &s, 1, &err),
                         MEMSCAPE_EINVAL);
        assert_null(layout);
    }
    memscape_space_free(space);
}

/* ---- rebuilding from segments ------------------------------------------------------------- */

static void assert_same_layout(const memscape_layout *a, const memscape_layout *b)
{
    assert_int_equal(memscape_layout_curve(a), memscape_layout_curve(b));
    assert_int_equal(memscape_layout_width(a), memscape_layout_width(b));
    assert_int_equal(memscape_layout_height(a), memscape_layout_height(b));
    assert_int_equal(memscape_layout_cell_bytes(a), memscape_layout_cell_bytes(b));
    size_t n;
    const memscape_segment *seg = memscape_layout_segments(a, &n);
    assert_segments_equal(b, seg, n);
    uint64_t cells = (uint64_t)memscape_layout_width(a) * memscape_layout_height(a);
    for (uint64_t c = 0; c < cells; c++) {
        uint64_t aa, ab, ba, bb;
        assert_int_equal(memscape_layout_cell_info(a, c, &aa, &ab),
                         memscape_layout_cell_info(b, c, &ba, &bb));
        assert_int_equal(aa, ba);
        assert_int_equal(ab, bb);
    }
}

/* ---- several spaces --------------------------------------------------------------------- */

/* A shared layout shows the union of the spaces' runs: main_space and near_space overlap in
 * [0x10000, 0x14000) and [0x40000, 0x45123); a third space's run touches the end of one and
 * straddles another, so runs from different spaces merge. */
static void test_layout_shared_is_the_union(void **state)
{
    (void)state;
    memscape_region e[] = {
        entry(0x14000, 0x1000, MEMSCAPE_STATE_COMMITTED),  /* touches [0x10000, 0x14000) */
        entry(0x50800, 0x1800, MEMSCAPE_STATE_COMMITTED),  /* overlaps [0x50000, 0x51000) */
        entry(0x9000, 0x1000, MEMSCAPE_STATE_COMMITTED),   /* before every other run */
    };
    memscape_space *third = space_of(e, ARRAY_LEN(e), 0);
    memscape_space *first = main_space(), *second = near_space();
    const memscape_space *spaces[] = {first, second, third};
    const run want_runs[] = {
        {0x9000, 0x1000},  {0x10000, 0x5000},  {0x40000, 0x5123},
        {0x50000, 0x2000}, {TOP_BASE, 0x21000},
    };
    memscape_layout_options o = {MEMSCAPE_CURVE_HILBERT3D, 16, 16, 0x100, 0, 0, 0, 16};
    memscape_layout *layout = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_layout_new_shared(&layout, spaces, 3, &o, &err), MEMSCAPE_OK);
    memscape_segment want[MAX_SEGMENTS];
    size_t n = ref_segments(want_runs, ARRAY_LEN(want_runs), 0x100, 0, want);
    assert_segments_equal(layout, want, n);
    assert_runs_pictured(layout, want, n);
    memscape_layout_free(layout);

    /* One space shared with nobody is the plain layout; no spaces is a mistake. */
    memscape_layout *alone = NULL, *plain = NULL;
    assert_int_equal(memscape_layout_new_shared(&alone, spaces, 1, &o, &err), MEMSCAPE_OK);
    assert_int_equal(memscape_layout_new(&plain, first, &o, &err), MEMSCAPE_OK);
    assert_same_layout(alone, plain);
    memscape_layout_free(alone);
    memscape_layout_free(plain);
    layout = NULL;
    assert_int_equal(memscape_layout_new_shared(&layout, spaces, 0, &o, &err), MEMSCAPE_EINVAL);
    const memscape_space *with_hole[] = {first, NULL};
    assert_int_equal(memscape_layout_new_shared(&layout, with_hole, 2, &o, &err),
                     MEMSCAPE_EINVAL);
    assert_null(layout);
    memscape_space_free(first);
    memscape_space_free(second);
    memscape_space_free(third);
}

static void test_layout_from_segments_round_trips(void **state)
{
    (void)state;
    memscape_space *space = near_space();
    for (int true_scale = 0; true_scale <= 1; true_scale++) {
        memscape_layout *a = layout_or_fail(space, MEMSCAPE_CURVE_ZORDER, 64, 32, 0, true_scale);
        size_t n;
        const memscape_segment *seg = memscape_layout_segments(a, &n);
        memscape_layout *b = NULL;
        memscape_error err = {0};
        assert_int_equal(memscape_layout_from_segments(&b, MEMSCAPE_CURVE_ZORDER, 64, 32,
                                                       memscape_layout_cell_bytes(a), seg, n,
                                                       &err), MEMSCAPE_OK);
        assert_same_layout(a, b);
        memscape_layout_free(a);
        memscape_layout_free(b);
    }
    memscape_space_free(space);
}

typedef struct hostile {
    const char *what;
    void (*spoil)(memscape_segment *seg, size_t *n);
    memscape_status want;
} hostile;

/* The base table (cell 0x100 bytes, 16x16 picture): run, gap, run, gap, run. */
static size_t base_table(memscape_segment *seg)
{
    return ref_segments(near_runs, ARRAY_LEN(near_runs), 0x100, 0, seg);
}

static void spoil_start(memscape_segment *s, size_t *n)
{
    (void)n;
    for (size_t i = 0; i < 5; i++)
        s[i].first_cell++;
}
static void spoil_hole(memscape_segment *s, size_t *n)
{
    (void)n;
    s[2].first_cell++;
}
static void spoil_overlap(memscape_segment *s, size_t *n)
{
    (void)n;
    s[2].first_cell--;
}
static void spoil_run_count(memscape_segment *s, size_t *n)
{
    s[*n - 1].cell_count++;
}
static void spoil_run_bytes(memscape_segment *s, size_t *n)
{
    s[*n - 1].bytes += 0x100;
}
static void spoil_gap_count(memscape_segment *s, size_t *n)
{
    /* neither the compact (3) nor the true-scale (0x2c0) count */
    (void)n;
    s[1].cell_count = 4;
    for (size_t i = 2; i < 5; i++)
        s[i].first_cell = s[i - 1].first_cell + s[i - 1].cell_count;
}
static void spoil_addr_overflow(memscape_segment *s, size_t *n)
{
    s[0] = (memscape_segment){0, 1, UINT64_MAX - 0x10, 0x20, 0};
    *n = 1;
}
static void spoil_cell_overflow(memscape_segment *s, size_t *n)
{
    s[0] = (memscape_segment){0, UINT64_C(1) << 56, 0, UINT64_C(1) << 63, 0};
    s[1] = (memscape_segment){UINT64_C(1) << 56, UINT64_MAX - 3, UINT64_C(1) << 63,
                              UINT64_MAX >> 1, 1};
    s[2] = (memscape_segment){3, 1, UINT64_MAX - 0x80, 0x80, 0};
    *n = 3;
}
static void spoil_past_picture(memscape_segment *s, size_t *n)
{
    s[0] = (memscape_segment){0, 257, 0x10000, 257 * 0x100, 0};
    *n = 1;
}
static void spoil_two_runs(memscape_segment *s, size_t *n)
{
    (void)n;
    s[1] = s[2];
    s[1].first_cell = s[0].first_cell + s[0].cell_count;
    s[1].addr = s[0].addr + s[0].bytes;
    s[2].first_cell = s[1].first_cell + s[1].cell_count;
    s[2].is_gap = 1;
}
static void spoil_gap_first(memscape_segment *s, size_t *n)
{
    s[0].is_gap = 1;
    s[0].cell_count = 1;
    s[0].bytes = 0x20;
    s[0].addr = s[1].addr - 0x20;
    *n = 1;
}
static void spoil_gap_last(memscape_segment *s, size_t *n)
{
    (void)s;
    *n = 4;
}
static void spoil_gap_addr(memscape_segment *s, size_t *n)
{
    (void)n;
    s[1].addr += 0x10;
}
static void spoil_run_addr(memscape_segment *s, size_t *n)
{
    (void)n;
    s[2].addr -= 0x100; /* overlaps the gap before it */
}
static void spoil_is_gap(memscape_segment *s, size_t *n)
{
    (void)n;
    s[0].is_gap = 2;
}
static void spoil_zero_cells(memscape_segment *s, size_t *n)
{
    s[0] = (memscape_segment){0, 0, 0x1000, 0, 0};
    *n = 1;
}
static void spoil_too_many(memscape_segment *s, size_t *n)
{
    for (size_t i = 0; i < 257; i++) /* the table holds 300 */
        s[i] = (memscape_segment){i, 1, 0x1000 + i * 0x100, 0x100, (int)(i & 1)};
    *n = 257;
}

static void test_layout_from_segments_rejects_hostile(void **state)
{
    (void)state;
    static const hostile cases[] = {
        {"first segment past cell 0", spoil_start, MEMSCAPE_ECORRUPT},
        {"hole between segments", spoil_hole, MEMSCAPE_ECORRUPT},
        {"overlapping segments", spoil_overlap, MEMSCAPE_ECORRUPT},
        {"run count not matching bytes", spoil_run_count, MEMSCAPE_ECORRUPT},
        {"run bytes not matching count", spoil_run_bytes, MEMSCAPE_ECORRUPT},
        {"gap count neither compact nor true", spoil_gap_count, MEMSCAPE_ECORRUPT},
        {"address sum overflows", spoil_addr_overflow, MEMSCAPE_ECORRUPT},
        {"cell counts summing past 2^64", spoil_cell_overflow, MEMSCAPE_ECORRUPT},
        {"end past the picture", spoil_past_picture, MEMSCAPE_ECORRUPT},
        {"two runs in a row", spoil_two_runs, MEMSCAPE_ECORRUPT},
        {"gap first", spoil_gap_first, MEMSCAPE_ECORRUPT},
        {"gap last", spoil_gap_last, MEMSCAPE_ECORRUPT},
        {"gap at the wrong address", spoil_gap_addr, MEMSCAPE_ECORRUPT},
        {"run overlapping the gap", spoil_run_addr, MEMSCAPE_ECORRUPT},
        {"is_gap neither 0 nor 1", spoil_is_gap, MEMSCAPE_ECORRUPT},
        {"empty segment", spoil_zero_cells, MEMSCAPE_ECORRUPT},
        {"more segments than cells", spoil_too_many, MEMSCAPE_ECORRUPT},
    };
    /* The base table itself is accepted. */
    memscape_segment good[MAX_SEGMENTS];
    size_t good_n = base_table(good);
    memscape_layout *layout = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_layout_from_segments(&layout, MEMSCAPE_CURVE_HILBERT, 16, 16,
                                                   0x100, good, good_n, &err), MEMSCAPE_OK);
    memscape_layout_free(layout);

    memscape_segment *seg = calloc(300, sizeof *seg);
    assert_non_null(seg);
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        size_t n = base_table(seg);
        cases[i].spoil(seg, &n);
        layout = NULL;
        memset(&err, 0, sizeof err);
        memscape_status st = memscape_layout_from_segments(&layout, MEMSCAPE_CURVE_HILBERT, 16,
                                                           16, 0x100, seg, n, &err);
        if (st != cases[i].want)
            fail_msg("%s: status %d, want %d (%s)", cases[i].what, st, cases[i].want, err.msg);
        assert_int_equal(err.code, cases[i].want);
        assert_true(err.msg[0] != '\0');
        assert_null(layout);
    }
    free(seg);

    /* No segments: a picture of nothing, every cell padding (a space with no memory). */
    assert_int_equal(memscape_layout_from_segments(&layout, MEMSCAPE_CURVE_HILBERT, 16, 16,
                                                   0x100, NULL, 0, &err), MEMSCAPE_OK);
    assert_int_equal(memscape_layout_used_cells(layout), 0);
    uint64_t addr, bytes;
    for (uint64_t cell = 0; cell < 256; cell++)
        assert_int_equal(memscape_layout_cell_info(layout, cell, &addr, &bytes),
                         MEMSCAPE_CELL_PADDING);
    memscape_layout_free(layout);
    layout = NULL;

    /* Arguments: no cell size, no table. */
    assert_int_equal(memscape_layout_from_segments(&layout, MEMSCAPE_CURVE_SCAN, 16, 16, 0,
                                                   good, good_n, &err), MEMSCAPE_EINVAL);
    assert_int_equal(memscape_layout_from_segments(&layout, MEMSCAPE_CURVE_SCAN, 16, 16, 0x100,
                                                   NULL, 3, &err), MEMSCAPE_EINVAL);
    assert_null(layout);
}

/* A run ending exactly at the top of the address space is fine from stored segments too. */
static void test_layout_from_segments_top_of_space(void **state)
{
    (void)state;
    memscape_segment s = {0, 2, UINT64_MAX - 0x180, 0x180, 0};
    memscape_layout *layout = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_layout_from_segments(&layout, MEMSCAPE_CURVE_SCAN, 3, 1, 0x100, &s,
                                                   1, &err), MEMSCAPE_OK);
    assert_addr_maps_to(layout, UINT64_MAX - 0x180, 0);
    assert_addr_maps_to(layout, UINT64_MAX - 0x81, 0);
    assert_addr_maps_to(layout, UINT64_MAX - 0x80, 1);
    assert_addr_maps_to(layout, UINT64_MAX - 1, 1);
    assert_not_pictured(layout, UINT64_MAX);
    uint64_t addr, bytes;
    assert_int_equal(memscape_layout_cell_info(layout, 1, &addr, &bytes), MEMSCAPE_CELL_ADDRESS);
    assert_int_equal(addr, UINT64_MAX - 0x80);
    assert_int_equal(bytes, 0x80);
    assert_int_equal(memscape_layout_cell_info(layout, 2, &addr, &bytes), MEMSCAPE_CELL_PADDING);
    memscape_layout_free(layout);
}

int main(void)
{
    for (size_t i = 0; i < FILE_SIZE; i++)
        file_bytes[i] = (uint8_t)(i * 13 + 5);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_curves_are_bijections),
        cmocka_unit_test(test_layout_scan_is_row_major),
        cmocka_unit_test(test_layout_zorder_interleaves_bits),
        cmocka_unit_test(test_layout_hilbert_neighbours_adjacent),
        cmocka_unit_test(test_layout_hilbert_largest_side),
        cmocka_unit_test(test_layout_3d_curves),
        cmocka_unit_test(test_layout_3d_sizes),
        cmocka_unit_test(test_layout_curve_names),
        cmocka_unit_test(test_layout_compact_runs_and_separators),
        cmocka_unit_test(test_layout_separator_thickness),
        cmocka_unit_test(test_layout_true_scale_gaps),
        cmocka_unit_test(test_layout_run_at_top_of_space),
        cmocka_unit_test(test_layout_fit_smallest_power_of_two),
        cmocka_unit_test(test_layout_fixed_cell_too_small),
        cmocka_unit_test(test_layout_range_clips),
        cmocka_unit_test(test_layout_shared_is_the_union),
        cmocka_unit_test(test_layout_invalid_sizes_and_curves),
        cmocka_unit_test(test_layout_from_segments_round_trips),
        cmocka_unit_test(test_layout_from_segments_rejects_hostile),
        cmocka_unit_test(test_layout_from_segments_top_of_space),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
