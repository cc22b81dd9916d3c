/* SPDX-License-Identifier: MIT */
/* 2D pictures: views that colour a grid through a palette, the Dump2Picture view of a file's raw
 * bytes, and the PNG writer (libpng) with the metadata that lets `memscape locate` trace a
 * pixel back to its address. */
#ifndef MEMSCAPE_PICTURE_H
#define MEMSCAPE_PICTURE_H

#include "common.h"
#include "grid.h"
#include "layout.h"
#include "palette.h"
#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum memscape_view {
    MEMSCAPE_VIEW_BYTES = 0,    /* mean byte of each cell through a continuous palette */
    MEMSCAPE_VIEW_CLASSES,      /* dominant byte class, categorical */
    MEMSCAPE_VIEW_ENTROPY,      /* Shannon entropy 0..8 bits through a continuous palette */
    MEMSCAPE_VIEW_REGIONS,      /* region usage and type, VMMap-style, categorical */
    MEMSCAPE_VIEW_MODULES,      /* each module its own colour */
    MEMSCAPE_VIEW_POINTERS,     /* share of values pointing into mapped memory */
    MEMSCAPE_VIEW_COUNT
} memscape_view;

MEMSCAPE_API const char *memscape_view_name(memscape_view view);      /* "bytes", ... */
/** The view named name; returns 0 when there is none. */
MEMSCAPE_API int memscape_view_parse(const char *name, memscape_view *view);
/** The built-in palette a view uses unless told otherwise. */
MEMSCAPE_API const char *memscape_view_default_palette(memscape_view view);

/** An RGB raster, row-major from the top-left corner. */
typedef struct memscape_raster {
    uint32_t width;
    uint32_t height;
    memscape_rgb *pixels;       /* width * height; owned, release with memscape_raster_free */
} memscape_raster;

MEMSCAPE_API memscape_status memscape_raster_new(memscape_raster *out, uint32_t width,
                                                 uint32_t height, memscape_error *err);
MEMSCAPE_API void memscape_raster_free(memscape_raster *raster); /* accepts a zeroed raster */

/** Colour each cell of grid (laid out by layout) for view through palette into a new raster
 *  of the layout's size. Cells the dump holds no bytes of, separators and padding get the
 *  palette's "absent", "separator" and "padding" classes where it has them, else fixed greys
 *  (the regions view shows not-captured cells darkened). Fails with MEMSCAPE_EINVAL when the
 *  palette's kind does not suit the view. */
MEMSCAPE_API memscape_status memscape_render_view(memscape_raster *out,
                                                  const memscape_grid *grid,
                                                  const memscape_layout *layout,
                                                  memscape_view view,
                                                  const memscape_palette *palette,
                                                  memscape_error *err);

/** One swatch of a view's legend: what a colour means. */
typedef struct memscape_legend_item {
    const char *label;          /* static text, e.g. "heap", "separator" */
    memscape_rgb rgb;
} memscape_legend_item;

#define MEMSCAPE_LEGEND_MAX 16u

/** The swatches of view drawn through palette, as memscape_render_view() colours them: the
 *  classes of the classes and regions views, then the colours of what is not data (absent
 *  bytes, separators, padding; "no module" for the modules view). Continuous views list only
 *  the latter: their ramp is the palette itself. Module colours come from
 *  memscape_view_module_colour(). Returns the number of items written to out. */
MEMSCAPE_API size_t memscape_view_legend(memscape_view view, const memscape_palette *palette,
                                         memscape_legend_item out[MEMSCAPE_LEGEND_MAX]);
/** The colour the modules view gives the module with index module in the space. */
MEMSCAPE_API memscape_rgb memscape_view_module_colour(const memscape_palette *palette,
                                                      uint32_t module);

/** Dump2Picture: the file's raw bytes as pixels. width = height = floor(sqrt(size / (bpp/8))),
 *  width rounded down to even (to a multiple of 8 at 8 bpp), height rounded down to even;
 *  pixels in file order, top row first; 8 bpp gray (value = byte); 24 and 32 bpp read B, G, R
 *  (, unused) bytes; 16 bpp X1R5G5B5 (little-endian), each 5-bit channel scaled as v*255/31.
 *  bpp must be 8, 16, 24 or 32; a file too small for a picture fails with EINVAL. Only the
 *  first width * height * bpp/8 bytes are shown. A picture wider or taller than
 *  MEMSCAPE_LAYOUT_MAX_SIDE fails with ELIMIT (use another view with a cell size). */
MEMSCAPE_API memscape_status memscape_render_dump2picture(memscape_raster *out,
                                                          const uint8_t *file, uint64_t size,
                                                          unsigned bpp, memscape_error *err);

typedef struct memscape_png_text {
    const char *key;            /* Latin-1 keyword, 1-79 bytes */
    const char *value;          /* UTF-8; written as iTXt (compressed when long) */
} memscape_png_text;

typedef struct memscape_png_options {
    int zlib_level;             /* 0-9; -1 for zlib's default */
    uint32_t dpi;               /* pixels per inch for pHYs; 0 writes none */
    int allow_indexed;          /* write a palette PNG when the raster has <= 256 colours */
    const memscape_png_text *text;  /* metadata chunks */
    size_t text_count;
} memscape_png_options;

/** Write raster to path as an 8-bit RGB (or indexed) PNG. Written to "<path>.tmp" and renamed,
 *  so a failure never leaves a partial file nor replaces a good one. opts may be NULL (zlib's
 *  default level, no pHYs, RGB, no text). EINVAL for an empty raster, a zlib level outside
 *  -1..9, a keyword PNG forbids or a value that is not UTF-8; ELIMIT for a value longer than
 *  MEMSCAPE_PNG_MAX_TEXT; EIO (naming path and the system's reason) when writing fails. */
MEMSCAPE_API memscape_status memscape_png_write(const char *path, const memscape_raster *raster,
                                                const memscape_png_options *opts,
                                                memscape_error *err);

/** Dump2Picture of the file space was read from (its raw bytes, whatever its format), written
 *  straight into a PNG at path: the same picture as memscape_render_dump2picture() without
 *  holding it. Rows are made from the file as they are deflated, in strips on threads (0: one
 *  per online CPU), and the file's pages are given back once read, so memory is a few strips
 *  whatever the file's size. 8 bpp is written as 8-bit greyscale (its pixels are grey), the
 *  others as RGB. opts as for memscape_png_write() (allow_indexed is ignored). Written
 *  atomically. */
MEMSCAPE_API memscape_status memscape_dump2picture_write_png(const char *path,
                                                             const memscape_space *space,
                                                             unsigned bpp,
                                                             const memscape_png_options *opts,
                                                             unsigned threads,
                                                             memscape_error *err);

/** Read the text chunk key (tEXt, zTXt or iTXt) of the PNG at path. On success *value is a
 *  NUL-terminated copy the caller frees with free(); MEMSCAPE_EINVAL when the PNG has no such
 *  chunk. Values longer than MEMSCAPE_PNG_MAX_TEXT are refused (ELIMIT). */
#define MEMSCAPE_PNG_MAX_TEXT (64u << 20)
MEMSCAPE_API memscape_status memscape_png_read_text(const char *path, const char *key,
                                                    char **value, memscape_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MEMSCAPE_PICTURE_H */
