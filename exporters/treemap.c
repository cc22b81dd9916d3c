/* SPDX-License-Identifier: MIT */
/* `render --view pool`: the pool usage of a WinDbg log (!poolused tags, !vm counters) as a
 * squarified treemap, nonpaged and paged side by side, drawn with cairo into PNG, PDF or SVG.
 *
 * The plan (where each tile goes, its colour) is plain data, made before any drawing, so the
 * tests can check the geometry and find a tile's pixels. The page is drawn in page pixels; a
 * PDF is the same drawing scaled by 72/dpi points a pixel, an SVG is sized in pixels. Tile
 * edges are snapped to whole pixels so neighbours share their edges exactly. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscape/treemap.h"
#include "poster_draw.h"
#include "util/atomic_file.h"
#include "util/checked.h"
#include "util/error.h"

/* A tile smaller than this (square pixels) cannot be seen: it joins "other". */
#define MIN_TILE_AREA 4.0
/* Colours the palette gives at most; a tag's colour is that of its rank modulo this. */
#define MAX_COLOURS 256u
/* A description on a tile is cut at this many characters. */
#define MAX_DESCRIPTION_CHARS 48u

static const char *const pool_names[MEMSCAPE_POOL_KIND_COUNT] = {"NonPaged", "Paged"};
/* The !vm lines giving each pool's usage and maximum, as !vm prints them (see the seeds'
 * output: "NonPagedPool Max" but "PagedPool Maximum"). */
static const char *const usage_counters[MEMSCAPE_POOL_KIND_COUNT] = {"NonPagedPool Usage",
                                                                     "PagedPool Usage"};
static const char *const max_counters[MEMSCAPE_POOL_KIND_COUNT] = {"NonPagedPool Max",
                                                                   "PagedPool Maximum"};

static const memscape_rgb other_rgb = {0xbd, 0xbd, 0xbd};
static const memscape_rgb empty_area_rgb = {0xf2, 0xf2, 0xf2};

/* ---- the page's geometry ----------------------------------------------------------------- */

typedef struct page_geometry {
    double unit;                /* the text unit */
    double margin;
    double title_base, subtitle_base, footer_base;
    double areas_top, areas_bottom;
    double heading_base, vm_base;   /* below areas_top */
    double tiles_top;
    double gap;                 /* between the two areas */
} page_geometry;

static page_geometry geometry_for(uint32_t width, uint32_t height)
{
    page_geometry g;
    double side = width < height ? width : height;
    g.unit = side / 55 > 7 ? side / 55 : 7;
    g.margin = 1.2 * g.unit;
    g.title_base = g.margin + 1.2 * g.unit;
    g.subtitle_base = g.title_base + 1.3 * g.unit;
    g.areas_top = g.subtitle_base + 1.0 * g.unit;
    g.heading_base = g.areas_top + 1.0 * g.unit;
    g.vm_base = g.heading_base + 1.1 * g.unit;
    g.tiles_top = g.vm_base + 0.7 * g.unit;
    g.footer_base = height - 0.6 * g.margin;
    g.areas_bottom = g.footer_base - 1.0 * g.unit;
    if (g.areas_bottom < g.tiles_top)
        g.areas_bottom = g.tiles_top;
    g.gap = g.unit;
    return g;
}

/* ---- sizes and text ---------------------------------------------------------------------- */

/* bytes as "789 B", "4.50 KB", "12.3 MB", "456 GB" (units of 1024, as WinDbg's Kb). */
static void format_size(uint64_t bytes, char *out, size_t size)
{
    static const char *const units[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
    double v = (double)bytes;
    size_t u = 0;
    while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(out, size, "%" PRIu64 " B", bytes);
    else
        snprintf(out, size, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

/* A tag's four bytes for display: printable ASCII as is, anything else '.', so the text is
 * always valid UTF-8 whatever the log held. */
static void clean_tag(const char *tag, char out[5])
{
    size_t i = 0;
    for (; i < 4 && tag[i]; i++) {
        unsigned char c = (unsigned char)tag[i];
        out[i] = c >= 0x20 && c < 0x7f ? (char)c : '.';
    }
    out[i] = '\0';
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return memscape_end_clamped(a, b);
}

static uint64_t pool_bytes(const memscape_pool_tag *t, memscape_pool_kind pool)
{
    return pool == MEMSCAPE_POOL_NONPAGED ? t->nonpaged_bytes : t->paged_bytes;
}

static uint64_t pool_allocs(const memscape_pool_tag *t, memscape_pool_kind pool)
{
    return pool == MEMSCAPE_POOL_NONPAGED ? t->nonpaged_allocs : t->paged_allocs;
}

/* ---- ranking and colours ----------------------------------------------------------------- */

typedef struct ranked {
    uint64_t bytes;
    size_t tag;
} ranked;

/* Largest first; equal sizes in the log's order, so the plan never depends on qsort. */
static int by_bytes_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    return x->tag < y->tag ? -1 : x->tag > y->tag;
}

/* The marks of the picture palettes: not colours for tags. */
static int is_mark_class(const char *name)
{
    static const char *const marks[] = {"absent", "separator", "padding", "no-module"};
    for (size_t i = 0; name && i < sizeof marks / sizeof marks[0]; i++)
        if (strcmp(name, marks[i]) == 0)
            return 1;
    return 0;
}

/* The colours tags take by rank: a categorical palette's classes in order (less the marks), or
 * twelve samples of a continuous one, in a scattered order so neighbours in rank differ. */
static size_t palette_colours(const memscape_palette *pal, memscape_rgb *out)
{
    size_t n = 0;
    if (memscape_palette_kind_of(pal) == MEMSCAPE_PALETTE_CATEGORICAL) {
        size_t count = memscape_palette_count(pal);
        for (size_t i = 0; i < count && n < MAX_COLOURS; i++) {
            const char *name = NULL;
            memscape_rgb c = memscape_palette_entry(pal, i, &name, NULL);
            if (!is_mark_class(name))
                out[n++] = c;
        }
        return n;
    }
    for (size_t k = 0; k < 12; k++)
        out[n++] = memscape_palette_at(pal, ((double)((k * 5) % 12) + 0.5) / 12.0);
    return n;
}

static memscape_status load_colours(const memscape_pool_treemap_options *o, memscape_rgb *out,
                                    size_t *count, memscape_error *err)
{
    if (o->palette) {
        *count = palette_colours(o->palette, out);
    } else {
        memscape_palette *builtin = NULL;
        memscape_status st = memscape_palette_builtin(&builtin, "modules", err);
        if (st != MEMSCAPE_OK)
            return st;
        *count = palette_colours(builtin, out);
        memscape_palette_free(builtin);
    }
    if (*count == 0)
        out[(*count)++] = (memscape_rgb){0x4e, 0x79, 0xa7};
    return MEMSCAPE_OK;
}

/* rank[tag]: the tag's place by its bytes in both pools, largest first. */
static void rank_tags(const memscape_pool_usage *pool, size_t *rank, ranked *scratch)
{
    for (size_t i = 0; i < pool->tag_count; i++) {
        const memscape_pool_tag *t = &pool->tags[i];
        scratch[i] = (ranked){sat_add(t->nonpaged_bytes, t->paged_bytes), i};
    }
    qsort(scratch, pool->tag_count, sizeof *scratch, by_bytes_desc);
    for (size_t r = 0; r < pool->tag_count; r++)
        rank[scratch[r].tag] = r;
}

/* ---- the plan ---------------------------------------------------------------------------- */

typedef struct plan_context {
    const memscape_space *space;
    const memscape_pool_usage *pool;
    size_t max_tags;
    memscape_rgb colours[MAX_COLOURS];
    size_t colour_count;
    size_t *rank;
    ranked *sorted;             /* scratch, tag_count entries */
    double *weights;            /* scratch, max_tags + 1 entries */
    memscape_treemap_rect *rects;
} plan_context;

static uint64_t vm_kb(const memscape_space *space, const char *name)
{
    const memscape_vm_counter *c = memscape_space_vm_counter(space, name);
    return c ? c->kb : 0;
}

/* Each pool's share of the width: by the tags' totals, else by !vm usage, else halves; at
 * least an eighth each so both headings read. */
static double nonpaged_share(const plan_context *c, const uint64_t total[2])
{
    double a = (double)total[0], b = (double)total[1];
    if (a + b <= 0) {
        a = (double)vm_kb(c->space, usage_counters[0]);
        b = (double)vm_kb(c->space, usage_counters[1]);
    }
    double share = a + b > 0 ? a / (a + b) : 0.5;
    return share < 0.125 ? 0.125 : share > 0.875 ? 0.875 : share;
}

static void pool_totals(const memscape_pool_usage *pool, memscape_pool_treemap *map)
{
    for (size_t i = 0; i < pool->tag_count; i++) {
        for (int k = 0; k < MEMSCAPE_POOL_KIND_COUNT; k++) {
            uint64_t b = pool_bytes(&pool->tags[i], (memscape_pool_kind)k);
            map->total[k] = sat_add(map->total[k], b);
            map->tag_count[k] += b > 0;
        }
    }
}

/* How many of the pool's n sorted tags get tiles of their own: at most max_tags, none too
 * small to see, and never a lone tag left over for "other". */
static size_t tags_shown(const plan_context *c, size_t n, double px_per_byte)
{
    size_t shown = 0;
    while (shown < n && shown < c->max_tags &&
           (double)c->sorted[shown].bytes * px_per_byte >= MIN_TILE_AREA)
        shown++;
    return n - shown == 1 ? n : shown;
}

/* The tiles of one pool, largest first ("other" where its size puts it), appended to map. */
static memscape_status plan_pool(plan_context *c, memscape_pool_kind kind,
                                 memscape_pool_treemap *map, memscape_error *err)
{
    const memscape_pool_usage *pool = c->pool;
    size_t n = 0;
    for (size_t i = 0; i < pool->tag_count; i++) {
        uint64_t b = pool_bytes(&pool->tags[i], kind);
        if (b > 0)
            c->sorted[n++] = (ranked){b, i};
    }
    if (n == 0)
        return MEMSCAPE_OK;
    qsort(c->sorted, n, sizeof *c->sorted, by_bytes_desc);
    memscape_treemap_rect area = map->area[kind];
    double px_per_byte = area.w * area.h / (double)map->total[kind];
    size_t shown = tags_shown(c, n, px_per_byte);
    memscape_pool_tile *first = map->tiles + map->tile_count;
    size_t count = 0;
    for (size_t i = 0; i < shown; i++) {
        const memscape_pool_tag *t = &pool->tags[c->sorted[i].tag];
        first[count++] = (memscape_pool_tile){
            .pool = kind, .tag = c->sorted[i].tag, .merged = 1, .bytes = c->sorted[i].bytes,
            .allocs = pool_allocs(t, kind),
            .rgb = c->colours[c->rank[c->sorted[i].tag] % c->colour_count]};
    }
    if (shown < n) {
        memscape_pool_tile other = {.pool = kind, .tag = MEMSCAPE_POOL_TILE_OTHER,
                                    .merged = n - shown, .rgb = other_rgb};
        for (size_t i = shown; i < n; i++) {
            other.bytes = sat_add(other.bytes, c->sorted[i].bytes);
            other.allocs = sat_add(other.allocs, pool_allocs(&pool->tags[c->sorted[i].tag], kind));
        }
        /* Squarifying wants decreasing sizes: "other" goes where its size puts it. */
        size_t at = count;
        while (at > 0 && first[at - 1].bytes < other.bytes)
            at--;
        memmove(first + at + 1, first + at, (count - at) * sizeof *first);
        first[at] = other;
        count++;
    }
    for (size_t i = 0; i < count; i++)
        c->weights[i] = (double)first[i].bytes;
    memscape_status st = memscape_treemap_squarify(c->weights, count, area, c->rects, err);
    if (st != MEMSCAPE_OK)
        return st;
    for (size_t i = 0; i < count; i++)
        first[i].rect = c->rects[i];
    map->tile_count += count;
    return MEMSCAPE_OK;
}

static void place_areas(const plan_context *c, memscape_pool_treemap *map)
{
    page_geometry g = geometry_for(map->width, map->height);
    double avail = map->width - 2 * g.margin - g.gap;
    double w0 = floor(avail * nonpaged_share(c, map->total) + 0.5);
    double h = g.areas_bottom - g.tiles_top;
    map->area[0] = (memscape_treemap_rect){g.margin, g.tiles_top, w0, h};
    map->area[1] = (memscape_treemap_rect){g.margin + w0 + g.gap, g.tiles_top, avail - w0, h};
}

static memscape_status check_request(const memscape_space *space,
                                     const memscape_pool_treemap_options *o, uint32_t *w,
                                     uint32_t *h, memscape_error *err)
{
    const memscape_pool_usage *pool = space ? memscape_space_pool(space) : NULL;
    if (!pool || !pool->present)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "no pool usage: pool data comes from a WinDbg log with !poolused "
                             "or !vm output");
    *w = o->width ? o->width : MEMSCAPE_POOL_TREEMAP_WIDTH;
    *h = o->height ? o->height : MEMSCAPE_POOL_TREEMAP_HEIGHT;
    if (*w < MEMSCAPE_POOL_TREEMAP_MIN_SIDE || *h < MEMSCAPE_POOL_TREEMAP_MIN_SIDE ||
        *w > MEMSCAPE_POOL_TREEMAP_MAX_SIDE || *h > MEMSCAPE_POOL_TREEMAP_MAX_SIDE)
        return memscape_fail(err, MEMSCAPE_ELIMIT, MEMSCAPE_NO_OFFSET,
                             "pool treemap: a %" PRIu32 "x%" PRIu32 " page is outside the "
                             "%u to %u pixels a side it takes",
                             *w, *h, MEMSCAPE_POOL_TREEMAP_MIN_SIDE,
                             MEMSCAPE_POOL_TREEMAP_MAX_SIDE);
    return MEMSCAPE_OK;
}

/* The scratch arrays: a rank and a sort slot per tag, a weight and a rectangle per tile. */
static memscape_status plan_alloc(plan_context *c, memscape_pool_treemap *map,
                                  memscape_error *err)
{
    size_t tags = c->pool->tag_count;
    size_t per_pool = (tags < c->max_tags ? tags : c->max_tags) + 2;
    c->rank = calloc(tags ? tags : 1, sizeof *c->rank);
    c->sorted = calloc(tags ? tags : 1, sizeof *c->sorted);
    c->weights = calloc(per_pool, sizeof *c->weights);
    c->rects = calloc(per_pool, sizeof *c->rects);
    map->tiles = calloc(2 * per_pool, sizeof *map->tiles);
    if (!c->rank || !c->sorted || !c->weights || !c->rects || !map->tiles)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                             "pool treemap: no memory for %zu tags", tags);
    return MEMSCAPE_OK;
}

memscape_status memscape_pool_treemap_plan(memscape_pool_treemap *out,
                                           const memscape_space *space,
                                           const memscape_pool_treemap_options *opts,
                                           memscape_error *err)
{
    static const memscape_pool_treemap_options defaults = {0};
    const memscape_pool_treemap_options *o = opts ? opts : &defaults;
    memscape_pool_treemap map = {0};
    memscape_status st = check_request(space, o, &map.width, &map.height, err);
    if (st != MEMSCAPE_OK)
        return st;
    plan_context c = {.space = space, .pool = memscape_space_pool(space),
                      .max_tags = o->max_tags ? o->max_tags : MEMSCAPE_POOL_TREEMAP_MAX_TAGS};
    st = load_colours(o, c.colours, &c.colour_count, err);
    if (st == MEMSCAPE_OK)
        st = plan_alloc(&c, &map, err);
    if (st == MEMSCAPE_OK) {
        rank_tags(c.pool, c.rank, c.sorted);
        pool_totals(c.pool, &map);
        place_areas(&c, &map);
        st = plan_pool(&c, MEMSCAPE_POOL_NONPAGED, &map, err);
    }
    if (st == MEMSCAPE_OK)
        st = plan_pool(&c, MEMSCAPE_POOL_PAGED, &map, err);
    free(c.rank);
    free(c.sorted);
    free(c.weights);
    free(c.rects);
    if (st != MEMSCAPE_OK) {
        memscape_pool_treemap_free(&map);
        return st;
    }
    *out = map;
    return MEMSCAPE_OK;
}

void memscape_pool_treemap_free(memscape_pool_treemap *map)
{
    if (!map)
        return;
    free(map->tiles);
    map->tiles = NULL;
    map->tile_count = 0;
}

/* ---- drawing ----------------------------------------------------------------------------- */

typedef struct draw_context {
    cairo_t *cr;
    const memscape_space *space;
    const memscape_pool_treemap_options *opts;
    const memscape_pool_treemap *map;
    page_geometry g;
} draw_context;

/* A tile's label: up to three lines (the tag, its size, its description; for "other": the word,
 * the size, how many tags) and the font size they fit at. */
typedef struct tile_label {
    char lines[3][192];
    size_t count;
    double size;
} tile_label;

static void label_lines(const draw_context *d, const memscape_pool_tile *t, tile_label *l)
{
    const memscape_pool_usage *pool = memscape_space_pool(d->space);
    format_size(t->bytes, l->lines[1], sizeof l->lines[1]);
    l->count = 2;
    if (t->tag == MEMSCAPE_POOL_TILE_OTHER) {
        snprintf(l->lines[0], sizeof l->lines[0], "other");
        snprintf(l->lines[2], sizeof l->lines[2], "%zu tags", t->merged);
        l->count = 3;
        return;
    }
    clean_tag(pool->tags[t->tag].tag, l->lines[0]);
    const char *desc = pool->tags[t->tag].description;
    if (desc && *desc) {
        poster_clean_text(desc, l->lines[2], sizeof l->lines[2], MAX_DESCRIPTION_CHARS);
        l->count = 3;
    }
}

/* The widest of the label's first n lines at font size size (the tag in bold). */
static double widest(cairo_t *cr, const tile_label *l, size_t n, double size)
{
    double w = 0;
    for (size_t i = 0; i < n; i++) {
        cairo_text_extents_t e;
        poster_set_font(cr, i == 0 ? POSTER_FONT_BOLD : POSTER_FONT_SANS, size);
        cairo_text_extents(cr, l->lines[i], &e);
        if (e.x_advance > w)
            w = e.x_advance;
    }
    return w;
}

/* The largest font size (up to the page's) at which n lines fit in iw x ih, or 0 when that is
 * below the smallest legible size. Text width scales with the size, up to hinting: measured
 * once at a reference size, then checked at the size chosen. */
static double fit_lines(cairo_t *cr, const tile_label *l, size_t n, double iw, double ih,
                        double largest)
{
    const double reference = 10, smallest = 7;
    double w = widest(cr, l, n, reference);
    double size = largest;
    if (w > 0 && reference * iw / w < size)
        size = reference * iw / w;
    if (ih / (1.2 * (double)n) < size)
        size = ih / (1.2 * (double)n);
    for (int tries = 0; tries < 3 && size >= smallest; tries++) {
        double at = widest(cr, l, n, size);
        if (at <= iw)
            return size;
        size *= 0.97 * iw / at;
    }
    return 0;
}

static double luminance(memscape_rgb c)
{
    return 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
}

/* A tile's rectangle with its edges on whole pixels. */
static void snapped(memscape_treemap_rect r, double *x0, double *y0, double *x1, double *y1)
{
    *x0 = floor(r.x + 0.5);
    *y0 = floor(r.y + 0.5);
    *x1 = floor(r.x + r.w + 0.5);
    *y1 = floor(r.y + r.h + 0.5);
}

static void draw_label(const draw_context *d, const memscape_pool_tile *t, double x0, double y0,
                       double w, double h)
{
    cairo_t *cr = d->cr;
    double pad = 3 + 0.15 * d->g.unit;
    if (w <= 2 * pad || h <= 2 * pad)
        return;
    tile_label l;
    label_lines(d, t, &l);
    double iw = w - 2 * pad, ih = h - 2 * pad;
    /* The tag alone if need be; the size too when it fits; the third line only when it costs
     * the others little, so labels of similar tiles look alike. */
    size_t n = 1;
    double size = fit_lines(cr, &l, 1, iw, ih, d->g.unit);
    double two = fit_lines(cr, &l, 2, iw, ih, d->g.unit);
    if (two > 0) {
        n = 2;
        size = two;
        double three = l.count > 2 ? fit_lines(cr, &l, 3, iw, ih, d->g.unit) : 0;
        if (three >= 0.8 * two) {
            n = 3;
            size = three;
        }
    }
    if (size <= 0)
        return;
    int dark = luminance(t->rgb) > 150;
    cairo_set_source_rgb(cr, dark ? 0.1 : 1, dark ? 0.1 : 1, dark ? 0.1 : 1);
    for (size_t i = 0; i < n; i++) {
        poster_set_font(cr, i == 0 ? POSTER_FONT_BOLD : POSTER_FONT_SANS, size);
        poster_text(cr, x0 + pad, y0 + pad + size * (0.95 + 1.2 * (double)i), l.lines[i]);
    }
}

/* Tiles of at least 3x3 pixels leave a pixel of the page between them and their right and
 * bottom neighbours, so each reads as a rectangle of its own. */
static void draw_tile(const draw_context *d, const memscape_pool_tile *t)
{
    double x0, y0, x1, y1;
    snapped(t->rect, &x0, &y0, &x1, &y1);
    double w = x1 - x0, h = y1 - y0;
    if (w <= 0 || h <= 0)
        return;
    if (w >= 3 && h >= 3) {
        w -= 1;
        h -= 1;
    }
    cairo_rectangle(d->cr, x0, y0, w, h);
    poster_set_rgb(d->cr, t->rgb);
    cairo_fill(d->cr);
    draw_label(d, t, x0, y0, w, h);
}

static uint64_t kb_to_bytes(uint64_t kb)
{
    return kb > UINT64_MAX / 1024 ? UINT64_MAX : kb * 1024;
}

/* "!vm: usage 2.42 TB of 23.9 GB maximum (10378%)", and whether usage passes the maximum. */
static int vm_line(const memscape_space *space, memscape_pool_kind k, char *out, size_t size)
{
    const memscape_vm_counter *use = memscape_space_vm_counter(space, usage_counters[k]);
    const memscape_vm_counter *max = memscape_space_vm_counter(space, max_counters[k]);
    char a[32], b[32];
    out[0] = '\0';
    if (use)
        format_size(kb_to_bytes(use->kb), a, sizeof a);
    if (max)
        format_size(kb_to_bytes(max->kb), b, sizeof b);
    if (use && max && max->kb > 0)
        snprintf(out, size, "!vm: usage %s of %s maximum (%.0f%%)", a, b,
                 100.0 * (double)use->kb / (double)max->kb);
    else if (use)
        snprintf(out, size, "!vm: usage %s", a);
    else if (max)
        snprintf(out, size, "!vm: maximum %s", b);
    return use && max && use->kb > max->kb;
}

static void draw_heading(const draw_context *d, memscape_pool_kind k)
{
    cairo_t *cr = d->cr;
    const memscape_pool_treemap *map = d->map;
    memscape_treemap_rect a = map->area[k];
    char text[256], size[32];
    cairo_save(cr);
    cairo_rectangle(cr, a.x, d->g.areas_top, a.w, a.y - d->g.areas_top);
    cairo_clip(cr);
    format_size(map->total[k], size, sizeof size);
    snprintf(text, sizeof text, "%s  %s", pool_names[k], size);
    cairo_set_source_rgb(cr, 0, 0, 0);
    poster_set_font(cr, POSTER_FONT_BOLD, 0.95 * d->g.unit);
    poster_text(cr, a.x, d->g.heading_base, text);
    int over = vm_line(d->space, k, text, sizeof text);
    if (text[0]) {
        if (over)
            strncat(text, " \xe2\x80\x94 over the maximum", sizeof text - strlen(text) - 1);
        cairo_set_source_rgb(cr, over ? 0.75 : 0.3, over ? 0.05 : 0.3, over ? 0.05 : 0.3);
        poster_set_font(cr, POSTER_FONT_SANS, 0.7 * d->g.unit);
        poster_text(cr, a.x, d->g.vm_base, text);
    }
    cairo_restore(cr);
}

static void draw_area(const draw_context *d, memscape_pool_kind k)
{
    const memscape_pool_treemap *map = d->map;
    memscape_treemap_rect a = map->area[k];
    draw_heading(d, k);
    if (map->tag_count[k] == 0) {
        cairo_rectangle(d->cr, a.x, a.y, a.w, a.h);
        poster_set_rgb(d->cr, empty_area_rgb);
        cairo_fill(d->cr);
        cairo_set_source_rgb(d->cr, 0.45, 0.45, 0.45);
        poster_set_font(d->cr, POSTER_FONT_SANS, 0.7 * d->g.unit);
        poster_text(d->cr, a.x + 0.5 * d->g.unit, a.y + 1.2 * d->g.unit, "no tags");
        return;
    }
    for (size_t i = 0; i < map->tile_count; i++)
        if (map->tiles[i].pool == k)
            draw_tile(d, &map->tiles[i]);
}

static const char *tags_word(size_t n)
{
    return n == 1 ? "tag" : "tags";
}

static void draw_titles(const draw_context *d)
{
    cairo_t *cr = d->cr;
    const memscape_pool_usage *pool = memscape_space_pool(d->space);
    const memscape_pool_treemap *map = d->map;
    char text[512], clean[512], np[32], p[32];
    snprintf(text, sizeof text, "Pool usage%s%s", d->opts->title ? " \xc2\xb7 " : "",
             d->opts->title ? d->opts->title : "");
    poster_clean_text(text, clean, sizeof clean, 120);
    cairo_set_source_rgb(cr, 0, 0, 0);
    poster_set_font(cr, POSTER_FONT_BOLD, 1.3 * d->g.unit);
    poster_text(cr, d->g.margin, d->g.title_base, clean);
    format_size(map->total[0], np, sizeof np);
    format_size(map->total[1], p, sizeof p);
    int n = snprintf(text, sizeof text,
                     "%zu %s from !poolused \xc2\xb7 NonPaged %s in %zu %s \xc2\xb7 "
                     "Paged %s in %zu %s \xc2\xb7 area by bytes", pool->tag_count,
                     tags_word(pool->tag_count), np, map->tag_count[0],
                     tags_word(map->tag_count[0]), p, map->tag_count[1],
                     tags_word(map->tag_count[1]));
    if (pool->failed_allocations && n > 0 && (size_t)n < sizeof text)
        snprintf(text + n, sizeof text - (size_t)n, " \xc2\xb7 %" PRIu64
                 " failed pool allocations (!vm)", pool->failed_allocations);
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    poster_set_font(cr, POSTER_FONT_SANS, 0.75 * d->g.unit);
    poster_text(cr, d->g.margin, d->g.subtitle_base, text);
    snprintf(text, sizeof text, "memscape %s \xc2\xb7 squarified treemap (Bruls, Huizing, "
             "van Wijk 2000) of the tags by bytes; a tag keeps its colour in both pools",
             memscape_version());
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    poster_set_font(cr, POSTER_FONT_SANS, 0.55 * d->g.unit);
    poster_text(cr, d->g.margin, d->g.footer_base, text);
}

static void draw_page(cairo_t *cr, const memscape_space *space,
                      const memscape_pool_treemap_options *opts,
                      const memscape_pool_treemap *map)
{
    draw_context d = {cr, space, opts, map, geometry_for(map->width, map->height)};
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    draw_titles(&d);
    draw_area(&d, MEMSCAPE_POOL_NONPAGED);
    draw_area(&d, MEMSCAPE_POOL_PAGED);
}

/* ---- output ------------------------------------------------------------------------------ */

static memscape_status cairo_failure(cairo_status_t st, memscape_error *err)
{
    return memscape_fail(err, st == CAIRO_STATUS_NO_MEMORY ? MEMSCAPE_ENOMEM : MEMSCAPE_EIO,
                         MEMSCAPE_NO_OFFSET, "pool treemap: cairo: %s",
                         cairo_status_to_string(st));
}

static memscape_status render_plan(memscape_raster *out, const memscape_space *space,
                                   const memscape_pool_treemap_options *o,
                                   const memscape_pool_treemap *map, memscape_error *err)
{
    cairo_surface_t *canvas =
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)map->width, (int)map->height);
    cairo_status_t cst = cairo_surface_status(canvas);
    if (cst != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(canvas);
        return cairo_failure(cst, err);
    }
    cairo_t *cr = cairo_create(canvas);
    draw_page(cr, space, o, map);
    cst = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_flush(canvas);
    memscape_raster r = {0};
    memscape_status st = cst == CAIRO_STATUS_SUCCESS
                             ? memscape_raster_new(&r, map->width, map->height, err)
                             : cairo_failure(cst, err);
    if (st == MEMSCAPE_OK) {
        const unsigned char *data = cairo_image_surface_get_data(canvas);
        size_t stride = (size_t)cairo_image_surface_get_stride(canvas);
        for (uint32_t y = 0; y < map->height; y++) {
            const uint32_t *row = (const uint32_t *)(const void *)(data + stride * y);
            memscape_rgb *dst = r.pixels + (size_t)y * map->width;
            for (uint32_t x = 0; x < map->width; x++)
                dst[x] = (memscape_rgb){(uint8_t)(row[x] >> 16), (uint8_t)(row[x] >> 8),
                                        (uint8_t)row[x]};
        }
        *out = r;
    }
    cairo_surface_destroy(canvas);
    return st;
}

memscape_status memscape_pool_treemap_render(memscape_raster *out, const memscape_space *space,
                                             const memscape_pool_treemap_options *opts,
                                             memscape_error *err)
{
    static const memscape_pool_treemap_options defaults = {0};
    const memscape_pool_treemap_options *o = opts ? opts : &defaults;
    if (!out)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "pool treemap: no raster");
    memscape_pool_treemap map;
    memscape_status st = memscape_pool_treemap_plan(&map, space, o, err);
    if (st != MEMSCAPE_OK)
        return st;
    st = render_plan(out, space, o, &map, err);
    memscape_pool_treemap_free(&map);
    return st;
}

typedef struct vector_treemap {
    const memscape_space *space;
    const memscape_pool_treemap_options *o;
    const memscape_pool_treemap *map;
} vector_treemap;

static void paint_vector_treemap(cairo_t *cr, const void *ctx)
{
    const vector_treemap *v = ctx;
    draw_page(cr, v->space, v->o, v->map);
}

static memscape_status write_vector(const char *path, memscape_poster_format format,
                                    const memscape_space *space,
                                    const memscape_pool_treemap_options *o,
                                    const memscape_pool_treemap *map, memscape_error *err)
{
    vector_treemap v = {space, o, map};
    poster_vector_page page = {format, map->width, map->height, o->dpi, "Pool usage",
                               paint_vector_treemap, &v};
    return poster_write_vector_page(path, &page, err);
}

static memscape_status write_png_page(const char *path, const memscape_space *space,
                                      const memscape_pool_treemap_options *o,
                                      const memscape_pool_treemap *map, memscape_error *err)
{
    memscape_raster r = {0};
    memscape_status st = render_plan(&r, space, o, map, err);
    if (st == MEMSCAPE_OK) {
        memscape_png_options png = o->png ? *o->png : (memscape_png_options){.zlib_level = -1};
        png.dpi = o->dpi;
        png.allow_indexed = 1;
        st = memscape_png_write(path, &r, &png, err);
    }
    memscape_raster_free(&r);
    return st;
}

memscape_status memscape_pool_treemap_write(const char *path, memscape_poster_format format,
                                            const memscape_space *space,
                                            const memscape_pool_treemap_options *opts,
                                            memscape_error *err)
{
    static const memscape_pool_treemap_options defaults = {0};
    const memscape_pool_treemap_options *o = opts ? opts : &defaults;
    if (!path || (unsigned)format > MEMSCAPE_POSTER_SVG)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "pool treemap: no path or an unknown format");
    memscape_pool_treemap map;
    memscape_status st = memscape_pool_treemap_plan(&map, space, o, err);
    if (st != MEMSCAPE_OK)
        return st;
    if (format == MEMSCAPE_POSTER_PNG)
        st = write_png_page(path, space, o, &map, err);
    else
        st = write_vector(path, format, space, o, &map, err);
    memscape_pool_treemap_free(&map);
    return st;
}
