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
    uint32_t depth;             /* 1 for 2D curves */
    unsigned log2_width;        /* for Hilbert and Z-order: width == 1 << log2_width */
    unsigned log2_height;
} memscape_curve_grid;

/** Check that curve can fill width x height x depth (2D: each side 1..MEMSCAPE_LAYOUT_MAX_SIDE,
 *  depth 1; Hilbert: a square with a power-of-two side; Z-order: power-of-two sides; 3D: each
 *  side 1..MEMSCAPE_LAYOUT_MAX_SIDE_3D; Hilbert 3D: a cube with a power-of-two side) and fill
 *  *grid. Fails with MEMSCAPE_EINVAL naming --layout, --size or --dims. */
memscape_status memscape_curve_grid_init(memscape_curve_grid *grid, memscape_curve curve,
                                         uint32_t width, uint32_t height, uint32_t depth,
                                         memscape_error *err);

/** Voxel of cell in 3D (2D curves: z = 0); out of range: UINT32_MAX each. O(log n). */
void memscape_curve_grid_xyz(const memscape_curve_grid *grid, uint64_t cell, uint32_t *x,
                             uint32_t *y, uint32_t *z);
/** Cell of voxel (out of range: the cell count). O(log n). */
uint64_t memscape_curve_grid_cell_3d(const memscape_curve_grid *grid, uint32_t x, uint32_t y,
                                     uint32_t z);

/** width * height * depth; never overflows (2^32 or 2^36 at most). */
uint64_t memscape_curve_grid_cells(const memscape_curve_grid *grid);

/** Pixel of cell (cell < width * height; otherwise x = y = UINT32_MAX). O(log n). */
void memscape_curve_grid_xy(const memscape_curve_grid *grid, uint64_t cell, uint32_t *x,
                            uint32_t *y);

/** Cell of pixel (x < width, y < height; otherwise width * height). O(log n). */
uint64_t memscape_curve_grid_cell(const memscape_curve_grid *grid, uint32_t x, uint32_t y);

#endif /* MEMSCAPE_LAYOUT_CURVE_H */
