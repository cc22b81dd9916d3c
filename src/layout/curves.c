/* SPDX-License-Identifier: MIT */
/* Cell index <-> pixel along the 2D curves (scan, Hilbert, Z-order) and voxel along the 3D
 * ones (Hilbert 3D, slab). Each mapping is computed bit by bit in O(log side) with no table,
 * so a 65536 x 65536 picture or a 4096^3 grid costs nothing to set up. */
#include "curve.h"

#include <inttypes.h>

#include "util/error.h"

const char *memscape_curve_name(memscape_curve curve)
{
    switch (curve) {
    case MEMSCAPE_CURVE_SCAN: return "scan";
    case MEMSCAPE_CURVE_HILBERT: return "hilbert";
    case MEMSCAPE_CURVE_ZORDER: return "zorder";
    case MEMSCAPE_CURVE_HILBERT3D: return "hilbert3d";
    case MEMSCAPE_CURVE_SLAB: return "slab";
    }
    return "unknown";
}

int memscape_curve_is_3d(memscape_curve curve)
{
    return curve == MEMSCAPE_CURVE_HILBERT3D || curve == MEMSCAPE_CURVE_SLAB;
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

static memscape_status check_2d(memscape_curve curve, uint32_t width, uint32_t height,
                                uint32_t depth, memscape_error *err)
{
    if (width == 0 || height == 0 || width > MEMSCAPE_LAYOUT_MAX_SIDE ||
        height > MEMSCAPE_LAYOUT_MAX_SIDE || depth != 1)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "--size %" PRIu32 "x%" PRIu32 ": each side must be 1 to %u cells%s",
                             width, height, MEMSCAPE_LAYOUT_MAX_SIDE,
                             depth != 1 ? ", and a 2D curve has no depth" : "");
    switch (curve) {
    case MEMSCAPE_CURVE_SCAN:
        return MEMSCAPE_OK;
    case MEMSCAPE_CURVE_HILBERT:
        if (width != height || !is_power_of_two(width))
            return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                                 "--size %" PRIu32 "x%" PRIu32 ": --layout hilbert needs a "
                                 "square with a power-of-two side (e.g. 1024x1024)",
                                 width, height);
        return MEMSCAPE_OK;
    case MEMSCAPE_CURVE_ZORDER:
        if (!is_power_of_two(width) || !is_power_of_two(height))
            return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                                 "--size %" PRIu32 "x%" PRIu32 ": --layout zorder needs "
                                 "power-of-two sides (e.g. 1024x512)", width, height);
        return MEMSCAPE_OK;
    default:
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "--layout: unknown curve %d (scan, hilbert or zorder)", (int)curve);
    }
}

static memscape_status check_3d(memscape_curve curve, uint32_t width, uint32_t height,
                                uint32_t depth, memscape_error *err)
{
    const uint32_t max = MEMSCAPE_LAYOUT_MAX_SIDE_3D;
    if (width == 0 || height == 0 || depth == 0 || width > max || height > max || depth > max)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "--dims %" PRIu32 "x%" PRIu32 "x%" PRIu32 ": each side must be 1 "
                             "to %u voxels", width, height, depth, max);
    if (curve == MEMSCAPE_CURVE_HILBERT3D &&
        (width != height || height != depth || !is_power_of_two(width)))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "--dims %" PRIu32 "x%" PRIu32 "x%" PRIu32 ": --layout hilbert3d "
                             "needs a cube with a power-of-two side (e.g. 256)", width, height,
                             depth);
    return MEMSCAPE_OK;
}

memscape_status memscape_curve_grid_init(memscape_curve_grid *grid, memscape_curve curve,
                                         uint32_t width, uint32_t height, uint32_t depth,
                                         memscape_error *err)
{
    memscape_status st = memscape_curve_is_3d(curve) ? check_3d(curve, width, height, depth, err)
                                                     : check_2d(curve, width, height, depth, err);
    if (st != MEMSCAPE_OK)
        return st;
    grid->curve = curve;
    grid->width = width;
    grid->height = height;
    grid->depth = depth;
    grid->log2_width = is_power_of_two(width) ? log2_exact(width) : 0;
    grid->log2_height = is_power_of_two(height) ? log2_exact(height) : 0;
    return MEMSCAPE_OK;
}

uint64_t memscape_curve_grid_cells(const memscape_curve_grid *grid)
{
    return (uint64_t)grid->width * grid->height * grid->depth;
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

/* ---- Hilbert 3D --------------------------------------------------------------------------
 * Skilling's transform (J. Skilling, "Programming the Hilbert curve", AIP Conf. Proc. 707,
 * 2004): the index, its bits dealt round-robin to the three axes ("transposed"), becomes the
 * coordinates by a Gray decode and an undoing of the sub-cube rotations, and back. The curve
 * starts at (0, 0, 0); consecutive cells are face neighbours. */

static void hilbert3d_transpose_to_axes(uint32_t x[3], unsigned bits)
{
    uint32_t n = UINT32_C(2) << (bits - 1);
    uint32_t t = x[2] >> 1;
    for (int i = 2; i > 0; i--) /* Gray decode */
        x[i] ^= x[i - 1];
    x[0] ^= t;
    for (uint32_t q = 2; q != n; q <<= 1) { /* undo the excess work, smallest cubes first */
        uint32_t p = q - 1;
        for (int i = 2; i >= 0; i--) {
            if (x[i] & q) {
                x[0] ^= p;
            } else {
                t = (x[0] ^ x[i]) & p;
                x[0] ^= t;
                x[i] ^= t;
            }
        }
    }
}

static void hilbert3d_axes_to_transpose(uint32_t x[3], unsigned bits)
{
    uint32_t m = UINT32_C(1) << (bits - 1);
    for (uint32_t q = m; q > 1; q >>= 1) { /* the rotations, largest cubes first */
        uint32_t p = q - 1;
        for (int i = 0; i < 3; i++) {
            if (x[i] & q) {
                x[0] ^= p;
            } else {
                uint32_t t = (x[0] ^ x[i]) & p;
                x[0] ^= t;
                x[i] ^= t;
            }
        }
    }
    for (int i = 1; i < 3; i++) /* Gray encode */
        x[i] ^= x[i - 1];
    uint32_t t = 0;
    for (uint32_t q = m; q > 1; q >>= 1)
        if (x[2] & q)
            t ^= q - 1;
    for (int i = 0; i < 3; i++)
        x[i] ^= t;
}

/* Index bit 3b + (2 - i) is bit b of transposed axis i: x[0] holds the most significant. */
static void hilbert3d_xyz(unsigned bits, uint64_t cell, uint32_t *x, uint32_t *y, uint32_t *z)
{
    uint32_t t[3] = {0, 0, 0};
    for (unsigned b = 0; b < bits; b++)
        for (int i = 0; i < 3; i++)
            t[i] |= (uint32_t)((cell >> (3 * b + (unsigned)(2 - i))) & 1) << b;
    if (bits > 0)
        hilbert3d_transpose_to_axes(t, bits);
    *x = t[0];
    *y = t[1];
    *z = t[2];
}

static uint64_t hilbert3d_cell(unsigned bits, uint32_t x, uint32_t y, uint32_t z)
{
    uint32_t t[3] = {x, y, z};
    if (bits > 0)
        hilbert3d_axes_to_transpose(t, bits);
    uint64_t cell = 0;
    for (unsigned b = 0; b < bits; b++)
        for (int i = 0; i < 3; i++)
            cell |= (uint64_t)((t[i] >> b) & 1) << (3 * b + (unsigned)(2 - i));
    return cell;
}

/* ---- dispatch ---------------------------------------------------------------------------- */

void memscape_curve_grid_xyz(const memscape_curve_grid *grid, uint64_t cell, uint32_t *x,
                             uint32_t *y, uint32_t *z)
{
    if (cell >= memscape_curve_grid_cells(grid)) {
        *x = *y = *z = UINT32_MAX;
        return;
    }
    switch (grid->curve) {
    case MEMSCAPE_CURVE_HILBERT3D:
        hilbert3d_xyz(grid->log2_width, cell, x, y, z);
        return;
    case MEMSCAPE_CURVE_SLAB: {
        uint64_t slice = (uint64_t)grid->width * grid->height;
        *z = (uint32_t)(cell / slice);
        *y = (uint32_t)(cell % slice / grid->width);
        *x = (uint32_t)(cell % grid->width);
        return;
    }
    default:
        *z = 0;
        memscape_curve_grid_xy(grid, cell, x, y);
        return;
    }
}

uint64_t memscape_curve_grid_cell_3d(const memscape_curve_grid *grid, uint32_t x, uint32_t y,
                                     uint32_t z)
{
    if (x >= grid->width || y >= grid->height || z >= grid->depth)
        return memscape_curve_grid_cells(grid);
    switch (grid->curve) {
    case MEMSCAPE_CURVE_HILBERT3D:
        return hilbert3d_cell(grid->log2_width, x, y, z);
    case MEMSCAPE_CURVE_SLAB:
        return ((uint64_t)z * grid->height + y) * grid->width + x;
    default:
        return memscape_curve_grid_cell(grid, x, y);
    }
}

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
    case MEMSCAPE_CURVE_HILBERT3D:
    case MEMSCAPE_CURVE_SLAB: {
        uint32_t z;
        memscape_curve_grid_xyz(grid, cell, x, y, &z);
        return;
    }
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
    case MEMSCAPE_CURVE_HILBERT3D:
    case MEMSCAPE_CURVE_SLAB:
        return memscape_curve_grid_cell_3d(grid, x, y, 0);
    case MEMSCAPE_CURVE_SCAN:
        break;
    }
    return (uint64_t)y * grid->width + x;
}
