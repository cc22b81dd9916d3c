/* SPDX-License-Identifier: MIT */
/* The statistics of one cell's bytes, fed span by span in address order: byte histogram (and
 * from it the mean, the Shannon entropy and the dominant byte class) and the share of aligned
 * pointer-sized values that point into memory that is not free. Internal to the grid; kept
 * apart from the threaded pass so it can be tested on its own. */
#ifndef MEMSCAPE_GRID_CELL_STATS_H
#define MEMSCAPE_GRID_CELL_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "memscape/common.h"
#include "memscape/space.h"

/** An address range [lo, hi). */
typedef struct memscape_addr_span {
    uint64_t lo, hi;
} memscape_addr_span;

/** Where a value counts as a pointer: the address ranges of the regions that are not free,
 *  sorted and merged. */
typedef struct memscape_pointer_targets {
    memscape_addr_span *spans;
    size_t count;
    uint64_t lowest;            /* below this nothing is a target (UINT64_MAX when none) */
    uint64_t highest;           /* at or above this nothing is a target */
} memscape_pointer_targets;

/** Collect the non-free regions of space. On success the caller frees *out with
 *  memscape_pointer_targets_free(). */
memscape_status memscape_pointer_targets_build(memscape_pointer_targets *out,
                                               const memscape_space *space,
                                               memscape_error *err);
void memscape_pointer_targets_free(memscape_pointer_targets *targets);

/** Histogram lanes: with four, runs of one value do not serialise on one counter. */
#define MEMSCAPE_CELL_LANES 4

typedef struct memscape_cell_stats {
    const memscape_pointer_targets *targets;
    unsigned pointer_size;      /* 4 or 8 */
    int big_endian;
    unsigned lanes;             /* 1 for small cells (cheaper to reset), else 4 */

    uint32_t hist[MEMSCAPE_CELL_LANES][256];
    uint64_t pending;           /* bytes counted in hist since it was last folded into wide */
    uint64_t wide[256];         /* counts folded out of hist before a lane could overflow */
    int wide_used;
    uint64_t zero_words;        /* aligned 8-byte words of zeros, counted apart (fast path) */
    int sparse;                 /* small cells: remember which values were seen */
    unsigned seen_count;        /* sparse: distinct values in hist[0], listed in seen */
    uint8_t seen[256];
    uint64_t present;

    uint64_t values;            /* aligned, fully present pointer-sized values */
    uint64_t hits;              /* of those, the ones pointing into a target */
    uint8_t carry[8];           /* the start of a value cut by the end of a span */
    unsigned carry_len;
    uint64_t carry_addr;
    size_t last_hit;            /* target index that answered last (values cluster) */
} memscape_cell_stats;

/** What one cell gets. */
typedef struct memscape_cell_result {
    uint64_t present;
    uint8_t mean;
    float entropy;
    uint8_t byte_class;         /* memscape_byte_class, or MEMSCAPE_GRID_NONE */
    float pointers;
} memscape_cell_result;

/** Prepare s for cells of cell_bytes addresses. pointer_size is the system's (0: 8).
 *  targets is borrowed and must outlive s. */
void memscape_cell_stats_init(memscape_cell_stats *s, const memscape_pointer_targets *targets,
                              uint32_t pointer_size, int big_endian, uint64_t cell_bytes);

/** Count the present bytes [addr, addr+size) of the current cell. Spans of one cell come in
 *  address order; a value is counted only when its bytes arrive in adjacent spans. */
void memscape_cell_stats_add(memscape_cell_stats *s, uint64_t addr, const uint8_t *data,
                             size_t size);

/** The current cell's result; then start the next cell. */
void memscape_cell_stats_finish(memscape_cell_stats *s, memscape_cell_result *out);

#endif /* MEMSCAPE_GRID_CELL_STATS_H */
