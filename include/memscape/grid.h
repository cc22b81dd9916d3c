/* SPDX-License-Identifier: MIT */
/* Cell statistics: one streaming pass over the present bytes of a laid-out space.
 *
 * For each cell of a layout the grid holds what the views draw: how many of its bytes the dump
 * holds, their mean, their Shannon entropy, their dominant byte class, the share of aligned
 * pointer-sized values pointing into mapped memory, and the region usage, type, state,
 * protection and module of the address the cell starts at. Memory is proportional to the
 * number of cells, never to the dump; the pass splits the cells among threads, each reading
 * its own address range through the zero-copy chunk iterator. */
#ifndef MEMSCAPE_GRID_H
#define MEMSCAPE_GRID_H

#include "common.h"
#include "layout.h"
#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Byte classes, as binary visualisers colour them. */
typedef enum memscape_byte_class {
    MEMSCAPE_CLASS_ZERO = 0,    /* 0x00 */
    MEMSCAPE_CLASS_CONTROL,     /* 0x01-0x1f and 0x7f, except tab, LF, CR */
    MEMSCAPE_CLASS_TEXT,        /* 0x20-0x7e, tab, LF, CR */
    MEMSCAPE_CLASS_HIGH,        /* 0x80-0xfe */
    MEMSCAPE_CLASS_FF,          /* 0xff */
    MEMSCAPE_CLASS_COUNT
} memscape_byte_class;

/** The class of one byte value. */
MEMSCAPE_API memscape_byte_class memscape_byte_class_of(uint8_t byte);
MEMSCAPE_API const char *memscape_byte_class_name(memscape_byte_class c); /* "zero", ... */

/** Marks a cell with no present bytes in the class and module channels. */
#define MEMSCAPE_GRID_NONE 0xffu
#define MEMSCAPE_GRID_NO_MODULE UINT32_MAX

typedef struct memscape_grid memscape_grid;

typedef struct memscape_grid_options {
    unsigned threads;           /* 0: one per online CPU */
    /** Called from the caller's thread now and then with the bytes done so far and the
     *  total; may be NULL. */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
} memscape_grid_options;

/** Compute every channel for every cell of layout over space. On success *out is owned by
 *  the caller (memscape_grid_free()); it keeps no pointer to space or layout. */
MEMSCAPE_API memscape_status memscape_grid_compute(memscape_grid **out,
                                                   const memscape_space *space,
                                                   const memscape_layout *layout,
                                                   const memscape_grid_options *opts,
                                                   memscape_error *err);
MEMSCAPE_API void memscape_grid_free(memscape_grid *grid); /* accepts NULL */

/** Number of cells: the layout's width * height (* depth in 3D). Every channel has one entry per cell, in cell
 *  index order (not pixel order: memscape_layout_cell_to_xy() places them). */
MEMSCAPE_API uint64_t memscape_grid_cells(const memscape_grid *grid);

/** Bytes of the cell the dump holds (0 for gaps and padding). */
MEMSCAPE_API const uint64_t *memscape_grid_present(const memscape_grid *grid);
/** Mean of the present bytes, rounded down; 0 where none are present. */
MEMSCAPE_API const uint8_t *memscape_grid_mean(const memscape_grid *grid);
/** Shannon entropy of the present bytes in bits per byte, 0..8; 0 where none. */
MEMSCAPE_API const float *memscape_grid_entropy(const memscape_grid *grid);
/** The most frequent byte class (lowest class on ties), or MEMSCAPE_GRID_NONE. */
MEMSCAPE_API const uint8_t *memscape_grid_class(const memscape_grid *grid);
/** Share (0..1) of the cell's present, pointer-aligned, pointer-sized values that point into
 *  a region that is not free; 0 where the cell holds none. */
MEMSCAPE_API const float *memscape_grid_pointers(const memscape_grid *grid);
/** memscape_usage, memscape_state and memscape_type of the region holding the cell's first
 *  address; MEMSCAPE_GRID_NONE for gaps, padding and addresses outside every region. */
MEMSCAPE_API const uint8_t *memscape_grid_usage(const memscape_grid *grid);
MEMSCAPE_API const uint8_t *memscape_grid_state(const memscape_grid *grid);
MEMSCAPE_API const uint8_t *memscape_grid_type(const memscape_grid *grid);
/** Protection (MEMSCAPE_PROT_*) of that region, 0 where none. */
MEMSCAPE_API const uint16_t *memscape_grid_protect(const memscape_grid *grid);
/** Index of the module whose image holds the cell's first address, or
 *  MEMSCAPE_GRID_NO_MODULE. */
MEMSCAPE_API const uint32_t *memscape_grid_module(const memscape_grid *grid);

#ifdef __cplusplus
}
#endif

#endif /* MEMSCAPE_GRID_H */
