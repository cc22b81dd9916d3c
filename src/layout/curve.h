/* SPDX-License-Identifier: MIT */
/* The second bijection of a layout: cell index <-> pixel, along a curve. Internal. */
#ifndef MEMSCAPE_LAYOUT_CURVE_H
#define MEMSCAPE_LAYOUT_CURVE_H

#include "memscape/layout.h"

/** A picture size checked for its curve. Plain data; nothing to free. */
typedef struct memscape_curve_grid {
    memscape_curve curve;
    uint32_t width;
    uint32_t height;
    unsigned log2_width;        /* for Hilbert and Z-order: width == 1 << log2_width */
    unsigned log2_height;
} memscape_curve_grid;

/** Check that curve can fill width x height (each 1..MEMSCAPE_LAYOUT_MAX_SIDE; Hilbert: a
 *  square with a power-of-two side; Z-order: power-of-two sides) and fill *grid.
 *  Fails with MEMSCAPE_EINVAL naming --layout or --size. */
memscape_status memscape_curve_grid_init(memscape_curve_grid *grid, memscape_curve curve,
                                         uint32_t width, uint32_t height, memscape_error *err);

/** width * height; never overflows (both sides are at most 2^16). */
uint64_t memscape_curve_grid_cells(const memscape_curve_grid *grid);

/** Pixel of cell (cell < width * height; otherwise x = y = UINT32_MAX). O(log n). */
void memscape_curve_grid_xy(const memscape_curve_grid *grid, uint64_t cell, uint32_t *x,
                            uint32_t *y);

/** Cell of pixel (x < width, y < height; otherwise width * height). O(log n). */
uint64_t memscape_curve_grid_cell(const memscape_curve_grid *grid, uint32_t x, uint32_t y);

#endif /* MEMSCAPE_LAYOUT_CURVE_H */
