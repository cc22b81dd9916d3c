/* SPDX-License-Identifier: MIT */
/* Marks over the picture: where each thread's stack lies and where its stack pointer is, the
 * module names over their images, the numbered address ticks along the curve, and the icons
 * of the patterns found (poster_findings.c). Labels are
 * placed largest module first and skipped where they would cover one already placed, so the
 * poster stays readable however many modules the dump lists. */
#include <stdio.h>
#include <stdlib.h>

#include "poster_draw.h"
#include "util/text.h"

static const memscape_rgb thread_colour = {0xff, 0x2f, 0xc8};

/* ---- where things are -------------------------------------------------------------------- */

void poster_cell_centre(const memscape_poster *p, const poster_geometry *g, uint64_t cell,
                        double *x, double *y)
{
    uint32_t cx, cy;
    memscape_layout_cell_to_xy(p->layout, cell, &cx, &cy);
    *x = g->pic_x + (cx + 0.5) * g->zoom;
    *y = g->pic_y + (cy + 0.5) * g->zoom;
}

/* The first address cell at or after cell, following the segments; 0 when there is none. */
static int address_cell_from(const memscape_layout *layout, uint64_t cell, uint64_t *found)
{
    size_t n;
    const memscape_segment *seg = memscape_layout_segments(layout, &n);
    size_t lo = 0, hi = n;
    while (lo < hi) { /* the first segment ending after cell */
        size_t mid = lo + (hi - lo) / 2;
        if (seg[mid].first_cell + seg[mid].cell_count <= cell)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < n; i++) {
        if (seg[i].is_gap || seg[i].cell_count == 0)
            continue;
        *found = cell > seg[i].first_cell ? cell : seg[i].first_cell;
        return 1;
    }
    return 0;
}

size_t poster_find_ticks(const memscape_poster *p, const poster_geometry *g,
                         poster_tick ticks[POSTER_MAX_TICKS])
{
    if (!p->layout)
        return 0;
    uint64_t used = memscape_layout_used_cells(p->layout);
    size_t count = 0;
    uint64_t last = UINT64_MAX;
    for (uint64_t i = 0; i < POSTER_MAX_TICKS && used > 0; i++) {
        /* The middle of each tenth of the curve; overflow-free for any cell count. */
        uint64_t step = used / POSTER_MAX_TICKS;
        uint64_t target = i * step + step / 2 + (used % POSTER_MAX_TICKS) * i / POSTER_MAX_TICKS;
        uint64_t cell, addr, bytes;
        if (!address_cell_from(p->layout, target, &cell) || cell == last)
            continue;
        if (memscape_layout_cell_info(p->layout, cell, &addr, &bytes) != MEMSCAPE_CELL_ADDRESS)
            continue;
        last = cell;
        ticks[count].addr = addr;
        poster_cell_centre(p, g, cell, &ticks[count].x, &ticks[count].y);
        count++;
    }
    return count;
}

/* ---- modules ----------------------------------------------------------------------------- */

typedef struct sized_module {
    uint64_t size;
    uint32_t index;
} sized_module;

static int larger_module_first(const void *a, const void *b)
{
    const sized_module *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index; /* a total order: stable output */
}

uint32_t *poster_modules_by_size(const memscape_space *space, size_t max, size_t *count)
{
    size_t n;
    const memscape_module *m = memscape_space_modules(space, &n);
    if (n > POSTER_MAX_MODULES_SORTED)
        n = POSTER_MAX_MODULES_SORTED;
    *count = 0;
    sized_module *sized = n ? malloc(n * sizeof *sized) : NULL;
    uint32_t *order = sized ? malloc(n * sizeof *order) : NULL;
    if (!order) {
        free(sized);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        sized[i] = (sized_module){m[i].size, (uint32_t)i};
    qsort(sized, n, sizeof *sized, larger_module_first);
    for (size_t i = 0; i < n; i++)
        order[i] = sized[i].index;
    free(sized);
    *count = n < max ? n : max;
    return order;
}

typedef struct placed_labels {
    double x0[POSTER_MAX_MODULE_LABELS], y0[POSTER_MAX_MODULE_LABELS];
    double x1[POSTER_MAX_MODULE_LABELS], y1[POSTER_MAX_MODULE_LABELS];
    size_t count;
} placed_labels;

static int overlaps_placed(const placed_labels *pl, double x0, double y0, double x1, double y1)
{
    for (size_t i = 0; i < pl->count; i++)
        if (x0 < pl->x1[i] && pl->x0[i] < x1 && y0 < pl->y1[i] && pl->y0[i] < y1)
            return 1;
    return 0;
}

/* A cell showing part of the module: its middle, else its first or last byte. */
static int module_anchor(const memscape_layout *layout, const memscape_module *m, uint64_t *cell)
{
    if (m->size == 0)
        return 0;
    uint64_t candidates[3] = {m->base + (m->size - 1) / 2, m->base, m->base + (m->size - 1)};
    for (size_t i = 0; i < 3; i++)
        if (candidates[i] >= m->base && memscape_layout_addr_to_cell(layout, candidates[i], cell))
            return 1;
    return 0;
}

static void label_module(cairo_t *cr, const memscape_poster *p, const poster_geometry *g,
                         const memscape_module *m, placed_labels *pl)
{
    uint64_t cell;
    if (pl->count == POSTER_MAX_MODULE_LABELS || !module_anchor(p->layout, m, &cell))
        return;
    char name[128];
    poster_clean_text(memscape_path_base_name(m->name), name, sizeof name, 28);
    double ax, ay;
    poster_cell_centre(p, g, cell, &ax, &ay);
    cairo_text_extents_t te;
    cairo_text_extents(cr, name, &te);
    double pad = 0.2 * g->unit;
    double w = te.x_advance + 2 * pad, h = 0.95 * g->unit;
    /* Centred above the anchor, kept inside the picture. */
    double x0 = ax - w / 2, y0 = ay - h - 0.25 * g->unit;
    if (x0 < g->pic_x)
        x0 = g->pic_x;
    if (x0 + w > g->pic_x + g->pic_w)
        x0 = g->pic_x + g->pic_w - w;
    if (y0 < g->pic_y)
        y0 = ay + 0.25 * g->unit;
    if (overlaps_placed(pl, x0, y0, x0 + w, y0 + h))
        return;
    pl->x0[pl->count] = x0, pl->y0[pl->count] = y0;
    pl->x1[pl->count] = x0 + w, pl->y1[pl->count] = y0 + h;
    pl->count++;
    cairo_new_path(cr);
    cairo_arc(cr, ax, ay, 0.18 * g->unit, 0, 6.283185307179586);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.06 * g->unit);
    cairo_stroke(cr);
    poster_text_halo(cr, x0 + pad, y0 + 0.72 * g->unit, name, 0.28 * g->unit);
}

static void draw_module_labels(cairo_t *cr, const memscape_poster *p, const poster_geometry *g)
{
    size_t n;
    const memscape_module *m = memscape_space_modules(p->space, &n);
    uint32_t *order = poster_modules_by_size(p->space, POSTER_MAX_MODULES_SORTED, &n);
    if (!order)
        return;
    placed_labels pl = {.count = 0};
    poster_set_font(cr, POSTER_FONT_BOLD, 0.62 * g->unit);
    for (size_t i = 0; i < n && pl.count < POSTER_MAX_MODULE_LABELS; i++)
        label_module(cr, p, g, &m[order[i]], &pl);
    free(order);
}

/* ---- threads ----------------------------------------------------------------------------- */

/* A dashed box around the pixels of [lo, hi]: on a curve a stack is a compact blob. */
static void outline_cells(cairo_t *cr, const memscape_poster *p, const poster_geometry *g,
                          uint64_t lo, uint64_t hi)
{
    uint32_t x0 = UINT32_MAX, y0 = UINT32_MAX, x1 = 0, y1 = 0;
    for (uint64_t c = lo; c <= hi; c++) {
        uint32_t x, y;
        memscape_layout_cell_to_xy(p->layout, c, &x, &y);
        if (x == UINT32_MAX)
            continue;
        x0 = x < x0 ? x : x0, y0 = y < y0 ? y : y0;
        x1 = x > x1 ? x : x1, y1 = y > y1 ? y : y1;
    }
    if (x0 > x1)
        return;
    double dash = 0.3 * g->unit;
    cairo_rectangle(cr, g->pic_x + (double)x0 * g->zoom, g->pic_y + (double)y0 * g->zoom,
                    (double)(x1 - x0 + 1) * g->zoom, (double)(y1 - y0 + 1) * g->zoom);
    cairo_set_line_width(cr, 0.12 * g->unit);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_stroke_preserve(cr);
    cairo_set_dash(cr, &dash, 1, 0);
    poster_set_rgb(cr, thread_colour);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
}

/* Stacks larger than this many cells are not boxed: the box would be the whole picture. */
#define STACK_BOX_MAX_CELLS 65536u

static void outline_stack(cairo_t *cr, const memscape_poster *p, const poster_geometry *g,
                          const memscape_thread *t)
{
    uint64_t lo, hi;
    if (t->stack_size == 0 || t->stack_size - 1 > UINT64_MAX - t->stack_base)
        return;
    if (!memscape_layout_addr_to_cell(p->layout, t->stack_base, &lo) ||
        !memscape_layout_addr_to_cell(p->layout, t->stack_base + (t->stack_size - 1), &hi) ||
        hi < lo || hi - lo >= STACK_BOX_MAX_CELLS)
        return;
    outline_cells(cr, p, g, lo, hi);
}

/* The stack pointer where the context gives one, else the top of the stack. */
static int thread_mark_address(const memscape_thread *t, uint64_t *addr)
{
    if (t->has_context) {
        *addr = t->sp;
        return 1;
    }
    if (t->stack_size == 0 || t->stack_size - 1 > UINT64_MAX - t->stack_base)
        return 0;
    *addr = t->stack_base + (t->stack_size - 1);
    return 1;
}

static void mark_thread(cairo_t *cr, const memscape_poster *p, const poster_geometry *g,
                        const memscape_thread *t, size_t number)
{
    uint64_t addr, cell;
    if (!thread_mark_address(t, &addr) || !memscape_layout_addr_to_cell(p->layout, addr, &cell))
        return;
    double x, y, s = 0.45 * g->unit;
    poster_cell_centre(p, g, cell, &x, &y);
    /* A triangle pointing down at the pixel. */
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x - s, y - 1.6 * s);
    cairo_line_to(cr, x + s, y - 1.6 * s);
    cairo_close_path(cr);
    poster_set_rgb(cr, thread_colour);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.07 * g->unit);
    cairo_stroke(cr);
    char label[24];
    snprintf(label, sizeof label, "T%zu", number);
    poster_text_halo(cr, x + 1.1 * s, y - 0.7 * s, label, 0.25 * g->unit);
}

static void draw_threads(cairo_t *cr, const memscape_poster *p, const poster_geometry *g)
{
    size_t n;
    const memscape_thread *t = memscape_space_threads(p->space, &n);
    if (n > POSTER_MAX_THREAD_MARKS)
        n = POSTER_MAX_THREAD_MARKS;
    for (size_t i = 0; i < n; i++)
        outline_stack(cr, p, g, &t[i]);
    poster_set_font(cr, POSTER_FONT_BOLD, 0.55 * g->unit);
    for (size_t i = 0; i < n; i++)
        mark_thread(cr, p, g, &t[i], i + 1);
}

/* ---- ticks ------------------------------------------------------------------------------- */

static void draw_tick(cairo_t *cr, const poster_geometry *g, const poster_tick *t, size_t number)
{
    double r = 0.5 * g->unit;
    cairo_new_path(cr); /* text leaves a current point, which cairo_arc would join by a line */
    cairo_arc(cr, t->x, t->y, r, 0, 6.283185307179586);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.08 * g->unit);
    cairo_stroke(cr);
    char digits[8];
    snprintf(digits, sizeof digits, "%zu", number);
    cairo_text_extents_t te;
    cairo_text_extents(cr, digits, &te);
    poster_text(cr, t->x - te.x_bearing - te.width / 2, t->y - te.y_bearing - te.height / 2,
                digits);
}

void poster_draw_marks(cairo_t *cr, const memscape_poster *p, const poster_geometry *g,
                       const poster_tick *ticks, size_t tick_count)
{
    cairo_save(cr);
    cairo_rectangle(cr, g->pic_x, g->pic_y, g->pic_w, g->pic_h);
    cairo_clip(cr);
    if (p->layout && p->space) {
        draw_threads(cr, p, g);
        draw_module_labels(cr, p, g);
    }
    poster_set_font(cr, POSTER_FONT_BOLD, 0.55 * g->unit);
    for (size_t i = 0; i < tick_count; i++)
        draw_tick(cr, g, &ticks[i], i + 1);
    if (p->layout && p->space && p->findings)
        poster_draw_findings(cr, p, g);
    cairo_restore(cr);
}
