/* SPDX-License-Identifier: MIT */
/* The squarified treemap (Bruls, Huizing, van Wijk 2000). Items are taken in order and laid in
 * rows along the shorter side of the space still free; an item joins the current row while that
 * does not make the row's worst aspect ratio worse, otherwise the row is closed and the free
 * space shrinks by its thickness. Each row's last item, and the last row, reach exactly to the
 * end of the free space, so the rectangles tile the area without gaps from rounding. */
#include <math.h>

#include "memscape/treemap.h"
#include "util/error.h"

/* The items with their weights turned into areas: item i covers weights[i] / top * unit,
 * top being the largest weight. Dividing by top first keeps any finite weights (1e-320 or
 * 1e308) finite. */
typedef struct items {
    const double *weights;
    size_t count;
    double top;
    double unit;
} items;

static double area_of(const items *it, size_t i)
{
    return it->weights[i] / it->top * it->unit;
}

/* The next item of weight > 0 at or after i, or count: zero-weight items take no room. */
static size_t next_item(const items *it, size_t i)
{
    while (i < it->count && !(it->weights[i] > 0))
        i++;
    return i;
}

/* The worst aspect ratio (>= 1) of a row of total area sum, smallest item lo and largest hi,
 * laid along a side of length side: the paper's max(side^2 hi / sum^2, sum^2 / (side^2 lo)). */
static double worst_ratio(double sum, double lo, double hi, double side)
{
    double s2 = sum * sum, w2 = side * side;
    double a = w2 * hi / s2, b = s2 / (w2 * lo);
    return a > b ? a : b;
}

/* Lay the items of weight > 0 among [first, last] (both such items) as one row of total area
 * sum along the shorter side of *free, then take the row's thickness off *free. last_row: the
 * row takes all that is left. */
static void lay_row(const items *it, size_t first, size_t last, double sum, int last_row,
                    memscape_treemap_rect *free, memscape_treemap_rect *out)
{
    int vertical = free->w >= free->h; /* the row is a column at the left */
    double side = vertical ? free->h : free->w;
    double room = vertical ? free->w : free->h;
    double thick = last_row || sum >= side * room ? room : sum / side;
    double pos = vertical ? free->y : free->x;
    double stop = pos + side;
    for (size_t i = first; i <= last; i = next_item(it, i + 1)) {
        double len = i == last ? stop - pos : area_of(it, i) / thick;
        if (len > stop - pos)
            len = stop - pos;
        if (vertical)
            out[i] = (memscape_treemap_rect){free->x, pos, thick, len};
        else
            out[i] = (memscape_treemap_rect){pos, free->y, len, thick};
        pos += len;
    }
    if (vertical) {
        free->x += thick;
        free->w = last_row ? 0 : free->w - thick;
    } else {
        free->y += thick;
        free->h = last_row ? 0 : free->h - thick;
    }
}

/* The greedy row-by-row fill. Each row starts with the next item; the ones after it join while
 * the worst ratio does not grow. Every step lays at least one item, so it ends. */
static void squarify_rows(const items *it, memscape_treemap_rect free,
                          memscape_treemap_rect *out)
{
    size_t i = next_item(it, 0);
    while (i < it->count) {
        double side = free.w >= free.h ? free.h : free.w;
        double sum = area_of(it, i), lo = sum, hi = sum;
        size_t last = i;
        for (size_t j = next_item(it, i + 1); j < it->count; j = next_item(it, j + 1)) {
            double a = area_of(it, j);
            double nlo = a < lo ? a : lo, nhi = a > hi ? a : hi;
            /* Written so a NaN from a degenerate side closes the row. */
            if (!(worst_ratio(sum + a, nlo, nhi, side) <= worst_ratio(sum, lo, hi, side)))
                break;
            sum += a;
            lo = nlo;
            hi = nhi;
            last = j;
        }
        size_t after = next_item(it, last + 1);
        lay_row(it, i, last, sum, after == it->count, &free, out);
        i = after;
    }
}

static int finite_rect(memscape_treemap_rect r)
{
    return isfinite(r.x) && isfinite(r.y) && isfinite(r.w) && isfinite(r.h) && r.w >= 0 &&
           r.h >= 0;
}

memscape_status memscape_treemap_squarify(const double *weights, size_t count,
                                          memscape_treemap_rect area, memscape_treemap_rect *out,
                                          memscape_error *err)
{
    if (count > 0 && (!weights || !out))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "treemap: no weights or no room for the rectangles");
    if (!finite_rect(area) || !isfinite(area.w * area.h))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "treemap: the area is not a finite rectangle");
    double top = 0;
    for (size_t i = 0; i < count; i++) {
        if (!isfinite(weights[i]) || weights[i] < 0)
            return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                                 "treemap: weight %zu is negative or not finite", i);
        if (weights[i] > top)
            top = weights[i];
    }
    for (size_t i = 0; i < count; i++)
        out[i] = (memscape_treemap_rect){area.x, area.y, 0, 0};
    if (top <= 0 || area.w <= 0 || area.h <= 0)
        return MEMSCAPE_OK;
    double relative = 0;
    for (size_t i = 0; i < count; i++)
        relative += weights[i] / top;
    items it = {weights, count, top, area.w * area.h / relative};
    squarify_rows(&it, area, out);
    return MEMSCAPE_OK;
}
