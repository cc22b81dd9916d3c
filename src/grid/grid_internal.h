/* SPDX-License-Identifier: MIT */
/* The grid pass for volumes: the same statistics as memscape_grid_compute(), stored straight
 * in voxel order so that a volume needs no second copy of them. Internal to the library. */
#ifndef MEMSCAPE_GRID_INTERNAL_H
#define MEMSCAPE_GRID_INTERNAL_H

#include "memscape/grid.h"
#include "memscape/layout.h"

/** As memscape_grid_compute() over a 3D layout, but channel entry i holds the cell shown by
 *  voxel i (x fastest, then y, then z) rather than cell i. EINVAL for a 2D layout. */
memscape_status memscape_grid_compute_voxel_order(memscape_grid **out,
                                                  const memscape_space *space,
                                                  const memscape_layout *layout,
                                                  const memscape_grid_options *opts,
                                                  memscape_error *err);

/** The channels a volume needs, cells entries each; the caller frees each with free(). */
typedef struct memscape_grid_channels {
    uint64_t cells;
    uint64_t *present;
    uint8_t *mean;
    float *entropy;
    uint8_t *byte_class;
    float *pointers;
    uint8_t *usage;
    uint16_t *protect;
    uint32_t *module;
} memscape_grid_channels;

/** Move the channels out of grid into *out and free the rest of grid with it. */
void memscape_grid_take_channels(memscape_grid *grid, memscape_grid_channels *out);

#endif /* MEMSCAPE_GRID_INTERNAL_H */
