/* SPDX-License-Identifier: MIT */
/* Pool usage as a treemap: the !poolused tags of a WinDbg log drawn as rectangles whose areas
 * are their bytes, the nonpaged and the paged pool side by side, each headed with its total
 * and the !vm usage and maximum. The layout is the squarified treemap of Bruls, Huizing and
 * van Wijk ("Squarified Treemaps", Proc. Joint Eurographics and IEEE TCVG Symposium on
 * Visualization, 2000): rectangles as close to squares as a greedy row-by-row fill gets. */
#ifndef MEMSCAPE_TREEMAP_H
#define MEMSCAPE_TREEMAP_H

#include "common.h"
#include "palette.h"
#include "picture.h"
#include "poster.h"
#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the layout ------------------------------------------------------------------------- */

typedef struct memscape_treemap_rect {
    double x, y;                /* top-left corner */
    double w, h;
} memscape_treemap_rect;

/** Tile area with count rectangles, out[i] of area proportional to weights[i]. Weights in
 *  decreasing order give the best aspect ratios (the algorithm assumes it); any order still
 *  tiles the area exactly: the rectangles cover it without overlap, the last of each row
 *  reaching its end. A weight of 0 gets an empty rectangle (w = h = 0) at the area's corner.
 *  EINVAL for a weight or side that is negative or not finite, or out NULL with count > 0. */
MEMSCAPE_API memscape_status memscape_treemap_squarify(const double *weights, size_t count,
                                                       memscape_treemap_rect area,
                                                       memscape_treemap_rect *out,
                                                       memscape_error *err);

/* ---- pool usage ------------------------------------------------------------------------- */

typedef enum memscape_pool_kind {
    MEMSCAPE_POOL_NONPAGED = 0,
    MEMSCAPE_POOL_PAGED,
    MEMSCAPE_POOL_KIND_COUNT
} memscape_pool_kind;

/** The page size when none is given, in pixels (PNG) or units before the dpi scale. */
#define MEMSCAPE_POOL_TREEMAP_WIDTH 1600u
#define MEMSCAPE_POOL_TREEMAP_HEIGHT 1000u
/** The page is drawn in memory: sides from MIN to MAX pixels. */
#define MEMSCAPE_POOL_TREEMAP_MIN_SIDE 200u
#define MEMSCAPE_POOL_TREEMAP_MAX_SIDE 8192u
/** Tags each pool shows on its own when none is given; the smaller ones share one
 *  "other (N tags)" rectangle. */
#define MEMSCAPE_POOL_TREEMAP_MAX_TAGS 200u
/** tile.tag of the "other" rectangle. */
#define MEMSCAPE_POOL_TILE_OTHER SIZE_MAX

typedef struct memscape_pool_treemap_options {
    uint32_t width, height;     /* the page; 0 and 0: MEMSCAPE_POOL_TREEMAP_WIDTH x HEIGHT */
    uint32_t dpi;               /* PDF page size and PNG pHYs; 0: default (150), no pHYs */
    size_t max_tags;            /* per pool; 0: MEMSCAPE_POOL_TREEMAP_MAX_TAGS */
    const memscape_palette *palette; /* tag colours; NULL: the built-in "modules" palette */
    const char *title;          /* e.g. the log's file name (any bytes); NULL: none */
    const memscape_png_options *png; /* PNG: level and metadata (its dpi is ignored) */
} memscape_pool_treemap_options;

/** One rectangle: a tag in one pool, or the tags merged into "other". */
typedef struct memscape_pool_tile {
    memscape_pool_kind pool;
    size_t tag;                 /* index into memscape_pool_usage.tags, or _TILE_OTHER */
    size_t merged;              /* "other": how many tags it holds; else 1 */
    uint64_t bytes;             /* in this pool (a sum saturates at UINT64_MAX) */
    uint64_t allocs;
    memscape_treemap_rect rect; /* page pixels */
    memscape_rgb rgb;           /* a tag has the same colour in both pools */
} memscape_pool_tile;

/** Where everything lies on the page. Plain data the caller frees with
 *  memscape_pool_treemap_free(). */
typedef struct memscape_pool_treemap {
    uint32_t width, height;
    memscape_treemap_rect area[MEMSCAPE_POOL_KIND_COUNT]; /* each pool's tiles fill this */
    uint64_t total[MEMSCAPE_POOL_KIND_COUNT];             /* the tags' bytes, saturating */
    size_t tag_count[MEMSCAPE_POOL_KIND_COUNT];           /* tags with bytes in the pool */
    memscape_pool_tile *tiles;  /* nonpaged first, each pool's largest first */
    size_t tile_count;
} memscape_pool_treemap;

/** Lay out space's pool usage on a page. The two pools' areas share the width in proportion
 *  to their totals (by !vm usage when no tag has bytes), except that each keeps at least an
 *  eighth so its heading reads. In each pool the tags beyond opts->max_tags and those too
 *  small to see (under 4 square pixels) merge into one "other" tile, unless that would hold a
 *  single tag. opts may be NULL. EINVAL, saying "no pool
 *  usage: ...", when the space has none (it comes from a WinDbg log with !poolused or !vm
 *  output); ELIMIT for a side outside MIN..MAX_SIDE; ENOMEM. On success the caller owns
 *  *out (memscape_pool_treemap_free). */
MEMSCAPE_API memscape_status memscape_pool_treemap_plan(memscape_pool_treemap *out,
                                                        const memscape_space *space,
                                                        const memscape_pool_treemap_options *opts,
                                                        memscape_error *err);
MEMSCAPE_API void memscape_pool_treemap_free(memscape_pool_treemap *map); /* accepts zeroed */

/** Draw the treemap page into a new raster of the page's size (errors as _plan). Each tile is
 *  filled with its colour, less a one-pixel gap on its right and bottom edges when it is at
 *  least 3 pixels wide and tall, and labelled with its tag, size and description where the
 *  text fits. On success the caller owns *out (memscape_raster_free). */
MEMSCAPE_API memscape_status memscape_pool_treemap_render(memscape_raster *out,
                                                          const memscape_space *space,
                                                          const memscape_pool_treemap_options *opts,
                                                          memscape_error *err);

/** Draw the treemap page into path as format (PNG pixels, or PDF and SVG with text and
 *  rectangles as vectors), written to "<path>.tmp" and renamed. Errors as _plan, and EIO
 *  naming path and the reason. */
MEMSCAPE_API memscape_status memscape_pool_treemap_write(const char *path,
                                                         memscape_poster_format format,
                                                         const memscape_space *space,
                                                         const memscape_pool_treemap_options *opts,
                                                         memscape_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MEMSCAPE_TREEMAP_H */
