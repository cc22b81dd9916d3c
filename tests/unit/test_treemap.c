/* SPDX-License-Identifier: MIT */
/* The squarified treemap and the pool usage page (exporters/treemap*.c): the rectangles tile
 * their area exactly, without overlap, in proportion to the weights and close to squares; the
 * page splits the pools by their totals, merges the small tags, keeps a tag's colour in both
 * pools, paints each tile in its colour, survives hostile tags and writes PNG, PDF and SVG.
 * Spaces are built here with the reader's builder API. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "memscape/treemap.h"
#include "space_build.h"
#include "tmpdir.h"

/* Labels load fonts through fontconfig, which keeps its configuration for the life of the
 * process by design (tests/lsan.supp, which the unit suite is not run with). LeakSanitizer
 * asks this hook for its default suppressions; without sanitizers it is unused. The build
 * hides symbols by default (-fvisibility=hidden), and a hidden hook is never found. */
__attribute__((visibility("default"))) const char *__lsan_default_suppressions(void);
__attribute__((visibility("default"))) const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

__attribute__((visibility("default"))) const char *__lsan_default_options(void);
__attribute__((visibility("default"))) const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}

static uint8_t file_bytes[64];

/* ---- the layout -------------------------------------------------------------------------- */

static double overlap(memscape_treemap_rect a, memscape_treemap_rect b)
{
    double w = fmin(a.x + a.w, b.x + b.w) - fmax(a.x, b.x);
    double h = fmin(a.y + a.h, b.y + b.h) - fmax(a.y, b.y);
    return w > 0 && h > 0 ? w * h : 0;
}

/* The rectangles lie inside area, do not overlap, cover it, and each has its weight's share. */
static void check_tiling(const double *weights, size_t n, memscape_treemap_rect area,
                         const memscape_treemap_rect *r)
{
    const double eps = 1e-6 * area.w * area.h;
    double sum = 0, covered = 0;
    for (size_t i = 0; i < n; i++)
        sum += weights[i];
    for (size_t i = 0; i < n; i++) {
        assert_true(r[i].w >= 0 && r[i].h >= 0);
        assert_true(r[i].x >= area.x - 1e-9 && r[i].y >= area.y - 1e-9);
        assert_true(r[i].x + r[i].w <= area.x + area.w + 1e-9);
        assert_true(r[i].y + r[i].h <= area.y + area.h + 1e-9);
        double share = weights[i] / sum * area.w * area.h;
        assert_true(fabs(r[i].w * r[i].h - share) <= eps);
        if (weights[i] == 0)
            assert_true(r[i].w == 0 && r[i].h == 0);
        covered += r[i].w * r[i].h;
        for (size_t j = 0; j < i; j++)
            assert_true(overlap(r[i], r[j]) <= eps);
    }
    assert_true(fabs(covered - area.w * area.h) <= eps);
}

static double worst_aspect(const memscape_treemap_rect *r, size_t n)
{
    double worst = 1;
    for (size_t i = 0; i < n; i++) {
        if (r[i].w <= 0 || r[i].h <= 0)
            continue;
        double a = r[i].w > r[i].h ? r[i].w / r[i].h : r[i].h / r[i].w;
        worst = a > worst ? a : worst;
    }
    return worst;
}

/* The paper's example (Bruls et al. 2000, figure 2): 6, 6, 4, 3, 2, 2, 1 in a 6 x 4 area.
 * Worked by hand: 6 and 6 make a column 3 wide; 4 and 3 a row 7/3 high on the right; then 2,
 * 2 and 1 each a column of the 5/3 left below, 1.2, 1.2 and 0.6 wide. */
static void test_treemap_squarify_paper_example(void **state)
{
    (void)state;
    const double w[] = {6, 6, 4, 3, 2, 2, 1};
    const memscape_treemap_rect want[] = {
        {0, 0, 3, 2},           {0, 2, 3, 2},
        {3, 0, 12.0 / 7, 7.0 / 3}, {3 + 12.0 / 7, 0, 9.0 / 7, 7.0 / 3},
        {3, 7.0 / 3, 1.2, 5.0 / 3}, {4.2, 7.0 / 3, 1.2, 5.0 / 3}, {5.4, 7.0 / 3, 0.6, 5.0 / 3},
    };
    memscape_treemap_rect r[7];
    memscape_treemap_rect area = {0, 0, 6, 4};
    assert_int_equal(memscape_treemap_squarify(w, 7, area, r, NULL), MEMSCAPE_OK);
    for (size_t i = 0; i < 7; i++) {
        assert_true(fabs(r[i].x - want[i].x) < 1e-9);
        assert_true(fabs(r[i].y - want[i].y) < 1e-9);
        assert_true(fabs(r[i].w - want[i].w) < 1e-9);
        assert_true(fabs(r[i].h - want[i].h) < 1e-9);
    }
    check_tiling(w, 7, area, r);
}

/* Tables of weights (decreasing, as the exporter passes them) in areas of several shapes. */
static void test_treemap_squarify_tiles_exactly(void **state)
{
    (void)state;
    enum { N = 300 };
    static double w[N];
    static memscape_treemap_rect r[N];
    const memscape_treemap_rect areas[] = {
        {0, 0, 1600, 1000}, {10.5, 20.25, 300, 900}, {0, 0, 1, 1}, {5, 5, 2000, 3}};
    for (size_t a = 0; a < sizeof areas / sizeof areas[0]; a++) {
        /* A power law, like pool tags: a few large, many small. */
        for (size_t i = 0; i < N; i++)
            w[i] = 1e9 / ((double)i + 1) / ((double)i + 1);
        assert_int_equal(memscape_treemap_squarify(w, N, areas[a], r, NULL), MEMSCAPE_OK);
        check_tiling(w, N, areas[a], r);
        /* Equal weights, and zeros among them. */
        for (size_t i = 0; i < N; i++)
            w[i] = i % 7 == 3 ? 0 : 5;
        assert_int_equal(memscape_treemap_squarify(w, N, areas[a], r, NULL), MEMSCAPE_OK);
        check_tiling(w, N, areas[a], r);
    }
    /* One item fills the area. */
    w[0] = 42;
    assert_int_equal(memscape_treemap_squarify(w, 1, areas[1], r, NULL), MEMSCAPE_OK);
    assert_true(r[0].x == areas[1].x && r[0].y == areas[1].y);
    assert_true(r[0].w == areas[1].w && r[0].h == areas[1].h);
}

static void test_treemap_squarify_near_squares(void **state)
{
    (void)state;
    enum { N = 100 };
    double w[N];
    memscape_treemap_rect r[N];
    /* 100 equal items in a square: squarifying makes 10 x 10-like rows, nothing thin. */
    for (size_t i = 0; i < N; i++)
        w[i] = 1;
    assert_int_equal(memscape_treemap_squarify(w, N, (memscape_treemap_rect){0, 0, 100, 100}, r,
                                               NULL),
                     MEMSCAPE_OK);
    assert_true(worst_aspect(r, N) < 2.0);
    /* Decreasing sizes in a wide page: every rectangle within 3:1. */
    for (size_t i = 0; i < N; i++)
        w[i] = 1000.0 - 9.0 * (double)i;
    assert_int_equal(memscape_treemap_squarify(w, N, (memscape_treemap_rect){0, 0, 1600, 1000},
                                               r, NULL),
                     MEMSCAPE_OK);
    assert_true(worst_aspect(r, N) < 3.0);
}

static void test_treemap_squarify_hostile_values(void **state)
{
    (void)state;
    memscape_treemap_rect r[3];
    memscape_treemap_rect area = {0, 0, 10, 10};
    const double bad[][3] = {{1, -1, 1}, {1, NAN, 1}, {INFINITY, 1, 1}};
    for (size_t i = 0; i < 3; i++) {
        memscape_error err = {0};
        assert_int_equal(memscape_treemap_squarify(bad[i], 3, area, r, &err), MEMSCAPE_EINVAL);
        assert_non_null(strstr(err.msg, "weight"));
    }
    const double ok[3] = {3, 2, 1};
    assert_int_equal(memscape_treemap_squarify(ok, 3, (memscape_treemap_rect){0, 0, -1, 5}, r,
                                               NULL),
                     MEMSCAPE_EINVAL);
    assert_int_equal(memscape_treemap_squarify(ok, 3, (memscape_treemap_rect){0, 0, 1e200, 1e200},
                                               r, NULL),
                     MEMSCAPE_EINVAL);
    assert_int_equal(memscape_treemap_squarify(ok, 3, area, NULL, NULL), MEMSCAPE_EINVAL);
    /* Weights at the ends of double's range stay finite and tile. */
    const double huge[3] = {1.7e308, 1.7e308, 1e-300};
    assert_int_equal(memscape_treemap_squarify(huge, 3, area, r, NULL), MEMSCAPE_OK);
    for (size_t i = 0; i < 3; i++)
        assert_true(isfinite(r[i].x) && isfinite(r[i].w) && isfinite(r[i].h));
    assert_true(fabs(r[0].w * r[0].h - 50) < 1e-6 && fabs(r[1].w * r[1].h - 50) < 1e-6);
    /* All zero: every rectangle empty. */
    const double zeros[3] = {0, 0, 0};
    assert_int_equal(memscape_treemap_squarify(zeros, 3, area, r, NULL), MEMSCAPE_OK);
    for (size_t i = 0; i < 3; i++)
        assert_true(r[i].w == 0 && r[i].h == 0);
}

/* ---- the pool page ----------------------------------------------------------------------- */

static memscape_space *new_space(void)
{
    memscape_space *space;
    assert_int_equal(memscape_space_new(&space, file_bytes, sizeof file_bytes, NULL),
                     MEMSCAPE_OK);
    space->system.format = MEMSCAPE_FORMAT_MINIDUMP;
    space->system.os = MEMSCAPE_OS_WINDOWS;
    space->system.pointer_size = 8;
    return space;
}

static void add_tag(memscape_space *space, const char *tag, uint64_t nonpaged, uint64_t paged,
                    const char *description)
{
    memscape_pool_tag t = {.nonpaged_allocs = nonpaged / 64, .nonpaged_bytes = nonpaged,
                           .paged_allocs = paged / 64, .paged_bytes = paged,
                           .description = description};
    memcpy(t.tag, tag, 4);
    t.tag[4] = '\0';
    assert_int_equal(memscape_space_add_pool_tag(space, &t), MEMSCAPE_OK);
}

static void finalize(memscape_space *space)
{
    memscape_error err = {0};
    assert_int_equal(memscape_space_finalize(space, &err), MEMSCAPE_OK);
}

/* Three tags: NonPaged Proc 6 MiB + File 2 MiB, Paged Proc 1 MiB + CM31 3 MiB. */
static memscape_space *small_space(void)
{
    memscape_space *space = new_space();
    add_tag(space, "Proc", 6u << 20, 1u << 20, "Process objects , Binary: nt!ps");
    add_tag(space, "File", 2u << 20, 0, "File objects");
    add_tag(space, "CM31", 0, 3u << 20, NULL);
    assert_int_equal(memscape_space_add_vm_counter(space, "NonPagedPool Usage", 2048, 8192),
                     MEMSCAPE_OK);
    assert_int_equal(memscape_space_add_vm_counter(space, "NonPagedPool Max", 1024, 4096),
                     MEMSCAPE_OK);
    finalize(space);
    return space;
}

static const memscape_pool_tile *tile_of(const memscape_pool_treemap *m, memscape_pool_kind k,
                                         size_t tag)
{
    for (size_t i = 0; i < m->tile_count; i++)
        if (m->tiles[i].pool == k && m->tiles[i].tag == tag)
            return &m->tiles[i];
    return NULL;
}

static void test_treemap_plan_splits_pools(void **state)
{
    (void)state;
    memscape_space *space = small_space();
    memscape_pool_treemap m;
    assert_int_equal(memscape_pool_treemap_plan(&m, space, NULL, NULL), MEMSCAPE_OK);
    assert_int_equal(m.width, MEMSCAPE_POOL_TREEMAP_WIDTH);
    assert_int_equal(m.height, MEMSCAPE_POOL_TREEMAP_HEIGHT);
    assert_int_equal(m.total[MEMSCAPE_POOL_NONPAGED], 8u << 20);
    assert_int_equal(m.total[MEMSCAPE_POOL_PAGED], 4u << 20);
    assert_int_equal(m.tag_count[MEMSCAPE_POOL_NONPAGED], 2);
    assert_int_equal(m.tag_count[MEMSCAPE_POOL_PAGED], 2);
    assert_int_equal(m.tile_count, 4);
    /* Side by side, same height, widths 2:1 as the totals (within a pixel's rounding). */
    memscape_treemap_rect np = m.area[MEMSCAPE_POOL_NONPAGED], p = m.area[MEMSCAPE_POOL_PAGED];
    assert_true(np.y == p.y && np.h == p.h && np.h > 0);
    assert_true(np.x + np.w < p.x);
    assert_true(fabs(np.w / (np.w + p.w) - 2.0 / 3.0) < 1.0 / (np.w + p.w));
    assert_true(p.x + p.w <= m.width && p.y + p.h <= m.height);
    /* Proc: 3/4 of the nonpaged area, 1/4 of the paged; File has no paged tile, CM31 no
     * nonpaged one. */
    const memscape_pool_tile *proc_np = tile_of(&m, MEMSCAPE_POOL_NONPAGED, 0);
    const memscape_pool_tile *proc_p = tile_of(&m, MEMSCAPE_POOL_PAGED, 0);
    assert_non_null(proc_np);
    assert_non_null(proc_p);
    assert_int_equal(proc_np->bytes, 6u << 20);
    assert_int_equal(proc_np->allocs, (6u << 20) / 64);
    assert_true(fabs(proc_np->rect.w * proc_np->rect.h - 0.75 * np.w * np.h) <
                1e-6 * np.w * np.h);
    assert_true(fabs(proc_p->rect.w * proc_p->rect.h - p.w * p.h / 4) < 1e-6 * p.w * p.h);
    assert_null(tile_of(&m, MEMSCAPE_POOL_PAGED, 1));
    assert_null(tile_of(&m, MEMSCAPE_POOL_NONPAGED, 2));
    /* A tag keeps its colour in both pools; different tags differ. */
    assert_memory_equal(&proc_np->rgb, &proc_p->rgb, sizeof proc_np->rgb);
    const memscape_pool_tile *file = tile_of(&m, MEMSCAPE_POOL_NONPAGED, 1);
    assert_non_null(file);
    assert_memory_not_equal(&proc_np->rgb, &file->rgb, sizeof file->rgb);
    memscape_pool_treemap_free(&m);
    memscape_space_free(space);
}

static void test_treemap_plan_merges_small_tags(void **state)
{
    (void)state;
    static char tags[300][5];
    memscape_space *space = new_space();
    /* 300 tags of 300, 299, ... 1 KiB, all nonpaged. */
    for (size_t i = 0; i < 300; i++) {
        snprintf(tags[i], sizeof tags[i], "T%03zu", i);
        add_tag(space, tags[i], (uint64_t)(300 - i) << 10, 0, NULL);
    }
    finalize(space);
    memscape_pool_treemap m;
    memscape_pool_treemap_options o = {.max_tags = 20};
    assert_int_equal(memscape_pool_treemap_plan(&m, space, &o, NULL), MEMSCAPE_OK);
    assert_int_equal(m.tile_count, 21);
    /* "other" holds the 280 smallest: sum of 1..280 KiB, and goes where its size puts it
     * (it is larger than any tag, so first). */
    const memscape_pool_tile *other = tile_of(&m, MEMSCAPE_POOL_NONPAGED,
                                              MEMSCAPE_POOL_TILE_OTHER);
    assert_non_null(other);
    assert_int_equal(other->merged, 280);
    assert_int_equal(other->bytes, (uint64_t)280 * 281 / 2 << 10);
    assert_ptr_equal(other, &m.tiles[0]);
    for (size_t i = 1; i < m.tile_count; i++)
        assert_int_equal(m.tiles[i].tag, i - 1);
    memscape_pool_treemap_free(&m);
    /* The default limit: 200 tags on their own, the 100 smallest merged. */
    assert_int_equal(memscape_pool_treemap_plan(&m, space, NULL, NULL), MEMSCAPE_OK);
    assert_int_equal(m.tile_count, MEMSCAPE_POOL_TREEMAP_MAX_TAGS + 1);
    other = tile_of(&m, MEMSCAPE_POOL_NONPAGED, MEMSCAPE_POOL_TILE_OTHER);
    assert_non_null(other);
    assert_int_equal(other->merged, 100);
    memscape_pool_treemap_free(&m);
    memscape_space_free(space);
}

static void test_treemap_plan_refusals(void **state)
{
    (void)state;
    memscape_space *space = new_space();
    finalize(space);
    memscape_pool_treemap m;
    memscape_error err = {0};
    assert_int_equal(memscape_pool_treemap_plan(&m, space, NULL, &err), MEMSCAPE_EINVAL);
    assert_string_equal(err.msg, "no pool usage: pool data comes from a WinDbg log with "
                                 "!poolused or !vm output");
    memscape_space_free(space);
    space = small_space();
    const uint32_t sides[][2] = {{199, 1000}, {1000, 100}, {8193, 1000}, {1, 1}};
    for (size_t i = 0; i < 4; i++) {
        memscape_pool_treemap_options o = {.width = sides[i][0], .height = sides[i][1]};
        assert_int_equal(memscape_pool_treemap_plan(&m, space, &o, &err), MEMSCAPE_ELIMIT);
    }
    memscape_pool_treemap_options o = {.width = 200, .height = 200};
    assert_int_equal(memscape_pool_treemap_plan(&m, space, &o, &err), MEMSCAPE_OK);
    memscape_pool_treemap_free(&m);
    memscape_space_free(space);
}

static memscape_rgb pixel(const memscape_raster *r, double x, double y)
{
    return r->pixels[(size_t)y * r->width + (size_t)x];
}

static void assert_rgb(memscape_rgb got, memscape_rgb want)
{
    assert_int_equal(got.r, want.r);
    assert_int_equal(got.g, want.g);
    assert_int_equal(got.b, want.b);
}

/* The largest tag's pixels are the "modules" palette's first colour, at its corners (the
 * label sits inside its padding), and the page around is white. */
static void test_treemap_render_paints_tiles(void **state)
{
    (void)state;
    memscape_space *space = small_space();
    memscape_palette *modules;
    assert_int_equal(memscape_palette_builtin(&modules, "modules", NULL), MEMSCAPE_OK);
    memscape_rgb first;
    assert_true(memscape_palette_class(modules, "module-0", &first));
    memscape_pool_treemap m;
    memscape_raster r = {0};
    assert_int_equal(memscape_pool_treemap_plan(&m, space, NULL, NULL), MEMSCAPE_OK);
    assert_int_equal(memscape_pool_treemap_render(&r, space, NULL, NULL), MEMSCAPE_OK);
    assert_int_equal(r.width, m.width);
    assert_int_equal(r.height, m.height);
    const memscape_pool_tile *proc = tile_of(&m, MEMSCAPE_POOL_NONPAGED, 0);
    assert_rgb(proc->rgb, first);
    double x0 = floor(proc->rect.x + 0.5), y0 = floor(proc->rect.y + 0.5);
    double x1 = floor(proc->rect.x + proc->rect.w + 0.5);
    double y1 = floor(proc->rect.y + proc->rect.h + 0.5);
    assert_rgb(pixel(&r, x0 + 1, y0 + 1), first);
    assert_rgb(pixel(&r, x1 - 3, y1 - 3), first);
    assert_rgb(pixel(&r, x0 + 1, y1 - 3), first);
    assert_rgb(pixel(&r, x1 - 3, y0 + 1), first);
    assert_rgb(pixel(&r, 1, 1), ((memscape_rgb){255, 255, 255}));
    /* The paged pool's Proc has the same colour. */
    const memscape_pool_tile *pp = tile_of(&m, MEMSCAPE_POOL_PAGED, 0);
    assert_rgb(pixel(&r, floor(pp->rect.x + 0.5) + 1, floor(pp->rect.y + 0.5) + 1), first);
    memscape_raster_free(&r);
    memscape_pool_treemap_free(&m);
    memscape_palette_free(modules);
    memscape_space_free(space);
}

/* Tags and descriptions are bytes from a log: control bytes, invalid UTF-8 and sizes at the
 * top of uint64 must draw (cairo fails a whole drawing on invalid UTF-8). */
static void test_treemap_render_hostile_tags(void **state)
{
    (void)state;
    memscape_space *space = new_space();
    add_tag(space, "\x01\xff\xfe\x80", UINT64_MAX, UINT64_MAX,
            "\xc3\x28 bad \xed\xa0\x80 \x1b[31m");
    add_tag(space, "\xe2\x82\xac ", UINT64_MAX, 1, "\xf0\x9f\x92");
    add_tag(space, "Zero", 0, 0, "");
    assert_int_equal(memscape_space_add_vm_counter(space, "PagedPool Usage", UINT64_MAX,
                                                   UINT64_MAX),
                     MEMSCAPE_OK);
    assert_int_equal(memscape_space_add_vm_counter(space, "PagedPool Maximum", 1, 0),
                     MEMSCAPE_OK);
    memscape_space_add_failed_allocations(space, 12);
    finalize(space);
    memscape_raster r = {0};
    memscape_pool_treemap_options o = {.width = 400, .height = 300, .title = "\xff\x01log"};
    memscape_error err = {0};
    assert_int_equal(memscape_pool_treemap_render(&r, space, &o, &err), MEMSCAPE_OK);
    memscape_raster_free(&r);
    memscape_pool_treemap m;
    assert_int_equal(memscape_pool_treemap_plan(&m, space, &o, NULL), MEMSCAPE_OK);
    assert_int_equal(m.total[MEMSCAPE_POOL_NONPAGED], UINT64_MAX);
    assert_int_equal(m.tag_count[MEMSCAPE_POOL_NONPAGED], 2);
    memscape_pool_treemap_free(&m);
    memscape_space_free(space);
}

/* A space with only !vm counters: both areas drawn, no tiles. */
static void test_treemap_render_counters_alone(void **state)
{
    (void)state;
    memscape_space *space = new_space();
    assert_int_equal(memscape_space_add_vm_counter(space, "NonPagedPool Usage", 10, 40),
                     MEMSCAPE_OK);
    assert_int_equal(memscape_space_add_vm_counter(space, "PagedPool Usage", 30, 120),
                     MEMSCAPE_OK);
    finalize(space);
    memscape_pool_treemap m;
    assert_int_equal(memscape_pool_treemap_plan(&m, space, NULL, NULL), MEMSCAPE_OK);
    assert_int_equal(m.tile_count, 0);
    /* Sized by the !vm usage: 40 KB and 120 KB, a quarter and three quarters. */
    double w0 = m.area[0].w, w1 = m.area[1].w;
    assert_true(fabs(w0 / (w0 + w1) - 0.25) < 1.0 / (w0 + w1));
    memscape_pool_treemap_free(&m);
    memscape_raster r = {0};
    assert_int_equal(memscape_pool_treemap_render(&r, space, NULL, NULL), MEMSCAPE_OK);
    memscape_raster_free(&r);
    memscape_space_free(space);
}

static void test_treemap_write_formats(void **state)
{
    (void)state;
    memscape_space *space = small_space();
    char path[512];
    memscape_pool_treemap_options o = {.width = 800, .height = 500, .dpi = 96};
    const struct {
        const char *name;
        memscape_poster_format format;
        const char *magic;
    } outs[] = {{"pool.png", MEMSCAPE_POSTER_PNG, "\x89PNG"},
                {"pool.pdf", MEMSCAPE_POSTER_PDF, "%PDF"},
                {"pool.svg", MEMSCAPE_POSTER_SVG, "<?xml"}};
    for (size_t i = 0; i < 3; i++) {
        in_dir(path, sizeof path, outs[i].name);
        assert_int_equal(memscape_pool_treemap_write(path, outs[i].format, space, &o, NULL),
                         MEMSCAPE_OK);
        size_t size;
        unsigned char *data = slurp(path, &size);
        assert_true(size > 100);
        assert_memory_equal(data, outs[i].magic, strlen(outs[i].magic));
        if (outs[i].format == MEMSCAPE_POSTER_PNG) {
            /* IHDR: width and height, big-endian, after the signature and chunk header. */
            assert_int_equal((uint32_t)data[16] << 24 | data[17] << 16 | data[18] << 8 | data[19],
                             800);
            assert_int_equal((uint32_t)data[20] << 24 | data[21] << 16 | data[22] << 8 | data[23],
                             500);
        }
        if (outs[i].format == MEMSCAPE_POSTER_SVG)
            assert_non_null(strstr((char *)data, "width=\"800"));
        free(data);
        char tmp[520];
        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        assert_false(exists(tmp));
    }
    /* A failure leaves nothing behind. */
    memscape_error err = {0};
    in_dir(path, sizeof path, "no/such/folder.png");
    assert_int_equal(memscape_pool_treemap_write(path, MEMSCAPE_POSTER_PNG, space, &o, &err),
                     MEMSCAPE_EIO);
    memscape_space_free(space);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_treemap_squarify_paper_example),
        cmocka_unit_test(test_treemap_squarify_tiles_exactly),
        cmocka_unit_test(test_treemap_squarify_near_squares),
        cmocka_unit_test(test_treemap_squarify_hostile_values),
        cmocka_unit_test(test_treemap_plan_splits_pools),
        cmocka_unit_test(test_treemap_plan_merges_small_tags),
        cmocka_unit_test(test_treemap_plan_refusals),
        cmocka_unit_test(test_treemap_render_paints_tiles),
        cmocka_unit_test(test_treemap_render_hostile_tags),
        cmocka_unit_test(test_treemap_render_counters_alone),
        cmocka_unit_test(test_treemap_write_formats),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
