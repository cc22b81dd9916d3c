/* SPDX-License-Identifier: MIT */
/* The analysis patterns on a poster: each finding's icon near the pixel showing the memory it
 * concerns (its address, its thread's stack, its module's image), joined to it by a leader
 * line, placed where it covers no icon already placed. Findings about the process as a whole
 * have no pixel: the sidebar's key lists them with the rest. */
#include <math.h>

#include "memscape/icons.h"
#include "poster_draw.h"

/* An icon's box on the poster. */
typedef struct icon_box {
    double x, y, side;
} icon_box;

typedef struct placed_icons {
    icon_box box[POSTER_MAX_FINDING_MARKS];
    uint64_t cell[POSTER_MAX_FINDING_MARKS];
    const memscape_pattern *pattern[POSTER_MAX_FINDING_MARKS];
    size_t count;
} placed_icons;

static int boxes_overlap(const icon_box *a, const icon_box *b)
{
    return a->x < b->x + b->side && b->x < a->x + a->side && a->y < b->y + b->side &&
           b->y < a->y + a->side;
}

static int free_spot(const placed_icons *placed, const icon_box *box)
{
    for (size_t i = 0; i < placed->count; i++)
        if (boxes_overlap(&placed->box[i], box))
            return 0;
    return 1;
}

/* A box of side centred at (x, y), kept inside the picture. */
static icon_box box_at(const poster_geometry *g, double x, double y, double side)
{
    icon_box b = {x - side / 2, y - side / 2, side};
    b.x = fmin(fmax(b.x, g->pic_x), g->pic_x + g->pic_w - side);
    b.y = fmin(fmax(b.y, g->pic_y), g->pic_y + g->pic_h - side);
    return b;
}

/* Up and to the right first (away from the curve's start at the top left), then the other
 * diagonals and sides, further out on a second round; the first spot that is free wins, the
 * first of all when none is. */
static icon_box choose_box(const placed_icons *placed, const poster_geometry *g, double ax,
                           double ay, double side)
{
    static const double angles[] = {-45, -135, 45, 135, -90, 90, 0, 180};
    icon_box first = {0, 0, 0};
    for (int round = 1; round <= 2; round++) {
        for (size_t i = 0; i < sizeof angles / sizeof angles[0]; i++) {
            double r = (1.2 + round) * side, a = angles[i] * M_PI / 180;
            icon_box b = box_at(g, ax + r * cos(a), ay + r * sin(a), side);
            if (round == 1 && i == 0)
                first = b;
            if (free_spot(placed, &b))
                return b;
        }
    }
    return first;
}

static void leader_line(cairo_t *cr, const poster_geometry *g, double ax, double ay,
                        const icon_box *b)
{
    double bx = b->x + b->side / 2, by = b->y + b->side / 2;
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (int pass = 0; pass < 2; pass++) { /* a white halo, then the dark line over it */
        cairo_move_to(cr, ax, ay);
        cairo_line_to(cr, bx, by);
        cairo_set_line_width(cr, (pass ? 0.08 : 0.22) * g->unit);
        cairo_set_source_rgb(cr, pass ? 0.1 : 1, pass ? 0.1 : 1, pass ? 0.1 : 1);
        cairo_stroke(cr);
    }
    cairo_arc(cr, ax, ay, 0.18 * g->unit, 0, 2 * M_PI);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 0.06 * g->unit);
    cairo_stroke(cr);
}

/* Whether this pattern already has an icon at this cell: one icon says it once. */
static int already_marked(const placed_icons *placed, const memscape_pattern *pattern,
                          uint64_t cell)
{
    for (size_t i = 0; i < placed->count; i++)
        if (placed->pattern[i] == pattern && placed->cell[i] == cell)
            return 1;
    return 0;
}

void poster_draw_findings(cairo_t *cr, const memscape_poster *p, const poster_geometry *g)
{
    size_t n;
    const memscape_finding *f = memscape_findings_items(p->findings, &n);
    placed_icons placed = {.count = 0};
    const double side = 1.6 * g->unit;
    for (size_t i = 0; i < n && placed.count < POSTER_MAX_FINDING_MARKS; i++) {
        uint64_t lo, hi, cell;
        if (!memscape_finding_place(p->space, &f[i], &lo, &hi) ||
            !memscape_layout_addr_to_cell(p->layout, lo + (hi - lo - 1) / 2, &cell) ||
            already_marked(&placed, f[i].pattern, cell))
            continue;
        double ax, ay;
        poster_cell_centre(p, g, cell, &ax, &ay);
        icon_box b = choose_box(&placed, g, ax, ay, side);
        leader_line(cr, g, ax, ay, &b);
        memscape_icon_draw(cr, f[i].pattern->id, MEMSCAPE_ICON_COLOUR, b.x, b.y, b.side,
                           b.side, NULL);
        placed.box[placed.count] = b;
        placed.cell[placed.count] = cell;
        placed.pattern[placed.count] = f[i].pattern;
        placed.count++;
    }
}

size_t poster_patterns_found(const memscape_poster *p, const memscape_pattern **patterns,
                             size_t *counts, size_t count)
{
    size_t n, catalogue_size, found = 0;
    const memscape_finding *f = memscape_findings_items(p->findings, &n);
    const memscape_pattern *catalogue = memscape_patterns(&catalogue_size);
    for (size_t c = 0; c < catalogue_size && found < count; c++) {
        size_t times = 0;
        for (size_t i = 0; i < n; i++)
            times += f[i].pattern == &catalogue[c];
        if (times) {
            patterns[found] = &catalogue[c];
            counts[found++] = times;
        }
    }
    return found;
}
