/* SPDX-License-Identifier: MIT */
/* Cell index <-> pixel along the three curves. Each mapping is computed bit by bit in
 * O(log side) with no table, so a 65536 x 65536 picture costs nothing to set up. */
#include "curve.h"

#include <inttypes.h>

#include "util/error.h"

const char *memscape_curve_name(memscape_curve curve)
{
    switch (curve) {
    case MEMSCAPE_CURVE_SCAN: return "scan";
    case MEMSCAPE_CURVE_HILBERT: return "hilbert";
    case MEMSCAPE_CURVE_ZORDER: return "zorder";
    }
    return "unknown";
}

static int is_power_of_two(uint32_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

static unsigned log2_exact(uint32_t power_of_two)
{
    unsigned log = 0;
    while ((UINT32_C(1) << log) < power_of_two)
        log++;
    return log;
}

memscape_status memscape_curve_grid_init(memscape_curve_grid *grid, memscape_curve curve,
                                         uint32_t width, uint32_t height, memscape_error *err)
{
    if (width == 0 || height == 0 || width > MEMSCAPE_LAYOUT_MAX_SIDE ||
        height > MEMSCAPE_LAYOUT_MAX_SIDE)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "--size %" PRIu32 "x%" PRIu32 ": each side must be 1 to %u cells",
                             width, height, MEMSCAPE_LAYOUT_MAX_SIDE);
    switch (curve) {
    case MEMSCAPE_CURVE_SCAN:
        break;
    case MEMSCAPE_CURVE_HILBERT:
        if (width != height || !is_power_of_two(width))
            return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                                 "--size %" PRIu32 "x%" PRIu32 ": --layout hilbert needs a "
                                 "square with a power-of-two side (e.g. 1024x1024)",
                                 width, height);
        break;
    case MEMSCAPE_CURVE_ZORDER:
        if (!is_power_of_two(width) || !is_power_of_two(height))
            return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                                 "--size %" PRIu32 "x%" PRIu32 ": --layout zorder needs "
                                 "power-of-two sides (e.g. 1024x512)", width, height);
        break;
    default:
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "--layout: unknown curve %d (scan, hilbert or zorder)", (int)curve);
    }
    grid->curve = curve;
    grid->width = width;
    grid->height = height;
    grid->log2_width = is_power_of_two(width) ? log2_exact(width) : 0;
    grid->log2_height = is_power_of_two(height) ? log2_exact(height) : 0;
    return MEMSCAPE_OK;
}

uint64_t memscape_curve_grid_cells(const memscape_curve_grid *grid)
{
    return (uint64_t)grid->width * grid->height;
}

/* ---- Hilbert ----------------------------------------------------------------------------
 * The classic iterative mapping (Hilbert 1891; the d2xy/xy2d form of Warren, Hacker's
 * Delight 16-2): two bits of the index per level pick a quadrant, and the sub-square is
 * rotated or flipped so the curve enters at one corner and leaves next to the next quadrant.
 * The curve starts at (0, 0) and ends at (n - 1, 0). */

/* Rotate or flip the sub-square of side n as the quadrant (rx, ry) asks. */
static void hilbert_turn(uint32_t n, uint32_t *x, uint32_t *y, uint32_t rx, uint32_t ry)
{
    if (ry != 0)
        return;
    if (rx == 1) {
        *x = n - 1 - *x;
        *y = n - 1 - *y;
    }
    uint32_t t = *x;
    *x = *y;
    *y = t;
}

static void hilbert_xy(uint32_t n, uint64_t d, uint32_t *x, uint32_t *y)
{
    uint32_t px = 0, py = 0;
    for (uint32_t s = 1; s < n; s *= 2) {
        uint32_t rx = (uint32_t)(1 & (d >> 1));
        uint32_t ry = (uint32_t)(1 & (d ^ rx));
        hilbert_turn(s, &px, &py, rx, ry);
        px += s * rx;
        py += s * ry;
        d >>= 2;
    }
    *x = px;
    *y = py;
}

static uint64_t hilbert_cell(uint32_t n, uint32_t x, uint32_t y)
{
    uint64_t d = 0;
    for (uint32_t s = n / 2; s > 0; s /= 2) {
        uint32_t rx = (x & s) != 0;
        uint32_t ry = (y & s) != 0;
        d += (uint64_t)s * s * ((3 * rx) ^ ry);
        hilbert_turn(n, &x, &y, rx, ry);
    }
    return d;
}

/* ---- Z-order ----------------------------------------------------------------------------
 * Morton order: bit i of x goes to bit 2i of the index, bit i of y to bit 2i + 1. On a
 * 2^a x 2^b picture only min(a, b) bits of each side interleave; the remaining high bits of
 * the longer side sit above them, so the picture is a row (or column) of Morton squares and
 * the mapping stays a bijection. */

static void zorder_xy(const memscape_curve_grid *g, uint64_t cell, uint32_t *x, uint32_t *y)
{
    unsigned common = g->log2_width < g->log2_height ? g->log2_width : g->log2_height;
    uint32_t px = 0, py = 0;
    for (unsigned i = 0; i < common; i++) {
        px |= (uint32_t)((cell >> (2 * i)) & 1) << i;
        py |= (uint32_t)((cell >> (2 * i + 1)) & 1) << i;
    }
    uint32_t high = (uint32_t)(cell >> (2 * common));
    if (g->log2_width > g->log2_height)
        px |= high << common;
    else
        py |= high << common;
    *x = px;
    *y = py;
}

static uint64_t zorder_cell(const memscape_curve_grid *g, uint32_t x, uint32_t y)
{
    unsigned common = g->log2_width < g->log2_height ? g->log2_width : g->log2_height;
    uint64_t cell = 0;
    for (unsigned i = 0; i < common; i++) {
        cell |= (uint64_t)((x >> i) & 1) << (2 * i);
        cell |= (uint64_t)((y >> i) & 1) << (2 * i + 1);
    }
    uint32_t high = g->log2_width > g->log2_height ? x >> common : y >> common;
    return cell | (uint64_t)high << (2 * common);
}

/* ---- dispatch ---------------------------------------------------------------------------- */

void memscape_curve_grid_xy(const memscape_curve_grid *grid, uint64_t cell, uint32_t *x,
                            uint32_t *y)
{
    if (cell >= memscape_curve_grid_cells(grid)) {
        *x = UINT32_MAX;
        *y = UINT32_MAX;
        return;
    }
    switch (grid->curve) {
    case MEMSCAPE_CURVE_HILBERT:
        hilbert_xy(grid->width, cell, x, y);
        return;
    case MEMSCAPE_CURVE_ZORDER:
        zorder_xy(grid, cell, x, y);
        return;
    case MEMSCAPE_CURVE_SCAN:
        break;
    }
    *x = (uint32_t)(cell % grid->width);
    *y = (uint32_t)(cell / grid->width);
}

uint64_t memscape_curve_grid_cell(const memscape_curve_grid *grid, uint32_t x, uint32_t y)
{
    if (x >= grid->width || y >= grid->height)
        return memscape_curve_grid_cells(grid);
    switch (grid->curve) {
    case MEMSCAPE_CURVE_HILBERT:
        return hilbert_cell(grid->width, x, y);
    case MEMSCAPE_CURVE_ZORDER:
        return zorder_cell(grid, x, y);
    case MEMSCAPE_CURVE_SCAN:
        break;
    }
    return (uint64_t)y * grid->width + x;
}
