/* SPDX-License-Identifier: MIT */
/* Folding an address space into a 2D raster or a 3D grid of cells.
 *
 * A layout is two bijections. The first maps a run of the address space onto a line of cells:
 * each cell covers cell_bytes consecutive addresses. In compact mode the gaps between the
 * runs worth showing (everything not free and not merely reserved) collapse into thin
 * separator cells whose number grows with the logarithm of the gap; in true-scale mode a gap
 * takes the cells its size asks for. The second maps the line of cells onto pixels along a
 * curve: scan (row-major, Dump2Picture order), Hilbert or Z-order in 2D; in 3D, voxels along a
 * 3D Hilbert curve or stacked 2D scan slices (slab). Every cell maps back to one
 * address range (or to a separator, or to padding after the end), so a pixel can always be
 * traced to what it shows. */
#ifndef MEMSCAPE_LAYOUT_H
#define MEMSCAPE_LAYOUT_H

#include "common.h"
#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct memscape_layout memscape_layout;

typedef enum memscape_curve {
    MEMSCAPE_CURVE_SCAN = 0,    /* row-major from the top-left corner, as Dump2Picture */
    MEMSCAPE_CURVE_HILBERT,     /* square, power-of-two side: neighbours stay neighbours */
    MEMSCAPE_CURVE_ZORDER,      /* power-of-two sides: Morton order */
    MEMSCAPE_CURVE_HILBERT3D,   /* 3D: a cube, power-of-two side: neighbours stay neighbours */
    MEMSCAPE_CURVE_SLAB         /* 3D: scan slices stacked along z (x fastest, then y, z) */
} memscape_curve;

/** Whether curve lays out a 3D grid (its layouts have a depth). */
MEMSCAPE_API int memscape_curve_is_3d(memscape_curve curve);

/** How many pixels a picture may have at most on a side (64 Ki): keeps every cell index and
 *  every raster allocation well inside 64-bit and memory limits. */
#define MEMSCAPE_LAYOUT_MAX_SIDE 65536u
/** The same for a 3D grid (4 Ki a side: 2^36 voxels at most). */
#define MEMSCAPE_LAYOUT_MAX_SIDE_3D 4096u

typedef struct memscape_layout_options {
    memscape_curve curve;
    uint32_t width;             /* cells across; all sides 0: 1024 x 1024, or 256^3 in 3D */
    uint32_t height;
    uint64_t cell_bytes;        /* bytes per cell; 0: the smallest power of two that fits */
    int true_scale;             /* 1: gaps take their real size; 0: compact separators */
    uint64_t lo, hi;            /* only [lo, hi) is pictured; lo = hi = 0: the whole space */
    uint32_t depth;             /* 3D curves only (0: as wide); 0 or 1 for 2D ones */
} memscape_layout_options;

/** A run of consecutive cells: either an address run or a separator standing for a gap. */
typedef struct memscape_segment {
    uint64_t first_cell;
    uint64_t cell_count;
    uint64_t addr;              /* address shown by first_cell (address runs) */
    uint64_t bytes;             /* address bytes the run covers, or the gap it stands for */
    int is_gap;
} memscape_segment;

/** Lay out the non-free regions of space that fall inside [opts->lo, opts->hi).
 *  Fails with MEMSCAPE_EINVAL (message names the option) for sizes the curve cannot fill
 *  (Hilbert: a square with a power-of-two side; Z-order: power-of-two sides), for an empty
 *  selection, or when cell_bytes is too small for the selection to fit.
 *  On success *out is owned by the caller (memscape_layout_free()); it does not keep space. */
MEMSCAPE_API memscape_status memscape_layout_new(memscape_layout **out,
                                                 const memscape_space *space,
                                                 const memscape_layout_options *opts,
                                                 memscape_error *err);

/** One layout for several spaces (the frames of a time series, dumps to compare): it shows
 *  the union of what each would show, so an address lands on the same cell in every one.
 *  Otherwise as memscape_layout_new(). */
MEMSCAPE_API memscape_status memscape_layout_new_shared(memscape_layout **out,
                                                        const memscape_space *const *spaces,
                                                        size_t count,
                                                        const memscape_layout_options *opts,
                                                        memscape_error *err);

/** Rebuild a layout from its parts (as stored in a picture's metadata): curve, size, cell
 *  size and the segments in cell order. Checks that the segments are consistent, as
 *  memscape_layout_new() makes them: contiguous from cell 0, address runs and gaps
 *  alternating (a run first and last), each gap spanning exactly the addresses between its
 *  runs, cell counts matching bytes and cell_bytes (a gap: compact or true-scale count).
 *  Fails with MEMSCAPE_EINVAL for a curve, size or cell_bytes (0) memscape_layout_new() would
 *  refuse, MEMSCAPE_ECORRUPT for any inconsistent or overflowing segment. The segments are
 *  copied; on failure *out is untouched. */
MEMSCAPE_API memscape_status memscape_layout_from_segments(memscape_layout **out,
                                                           memscape_curve curve,
                                                           uint32_t width, uint32_t height,
                                                           uint64_t cell_bytes,
                                                           const memscape_segment *segments,
                                                           size_t count, memscape_error *err);

MEMSCAPE_API void memscape_layout_free(memscape_layout *layout); /* accepts NULL */

MEMSCAPE_API memscape_curve memscape_layout_curve(const memscape_layout *layout);
MEMSCAPE_API uint32_t memscape_layout_width(const memscape_layout *layout);
MEMSCAPE_API uint32_t memscape_layout_height(const memscape_layout *layout);
/** 1 for 2D layouts. */
MEMSCAPE_API uint32_t memscape_layout_depth(const memscape_layout *layout);
/** width * height * depth: the cells a grid over this layout holds. */
MEMSCAPE_API uint64_t memscape_layout_cells(const memscape_layout *layout);
MEMSCAPE_API uint64_t memscape_layout_cell_bytes(const memscape_layout *layout);
/** Cells in use: the last segment's end. Cells from here to width*height are padding. */
MEMSCAPE_API uint64_t memscape_layout_used_cells(const memscape_layout *layout);
MEMSCAPE_API const memscape_segment *memscape_layout_segments(const memscape_layout *layout,
                                                              size_t *count);

/** Pixel of cell index (cell < width*height; otherwise *x = *y = UINT32_MAX). */
MEMSCAPE_API void memscape_layout_cell_to_xy(const memscape_layout *layout, uint64_t cell,
                                             uint32_t *x, uint32_t *y);
/** Cell index of pixel (x < width, y < height; otherwise width*height, a padding cell). */
MEMSCAPE_API uint64_t memscape_layout_xy_to_cell(const memscape_layout *layout, uint32_t x,
                                                 uint32_t y);
/** The same in 3D (a 2D layout has z = 0 only); out of range: UINT32_MAX, or cells(). */
MEMSCAPE_API void memscape_layout_cell_to_xyz(const memscape_layout *layout, uint64_t cell,
                                              uint32_t *x, uint32_t *y, uint32_t *z);
MEMSCAPE_API uint64_t memscape_layout_xyz_to_cell(const memscape_layout *layout, uint32_t x,
                                                  uint32_t y, uint32_t z);

typedef enum memscape_cell_kind {
    MEMSCAPE_CELL_ADDRESS = 0,  /* shows [addr, addr+bytes) */
    MEMSCAPE_CELL_GAP,          /* a separator; bytes = the gap it stands for */
    MEMSCAPE_CELL_PADDING       /* after the last segment */
} memscape_cell_kind;

/** What a cell shows. For an address cell, addr/bytes is its range (the last cell of a run may
 *  be shorter). For a gap cell, addr is where the gap starts. */
MEMSCAPE_API memscape_cell_kind memscape_layout_cell_info(const memscape_layout *layout,
                                                          uint64_t cell, uint64_t *addr,
                                                          uint64_t *bytes);

/** The cell showing addr; returns 0 when addr is not pictured (outside the selection or in a
 *  collapsed gap). */
MEMSCAPE_API int memscape_layout_addr_to_cell(const memscape_layout *layout, uint64_t addr,
                                              uint64_t *cell);

/** "scan", "hilbert", "zorder", "hilbert3d" or "slab"; "unknown" for any other, never NULL. */
MEMSCAPE_API const char *memscape_curve_name(memscape_curve curve);

#ifdef __cplusplus
}
#endif

#endif /* MEMSCAPE_LAYOUT_H */
