/* SPDX-License-Identifier: MIT */
/* What the PNG writers share: the buffered one (png.c, through libpng) and the streaming one
 * (png_stream.c, which deflates rows in parallel). */
#ifndef MEMSCAPE_PNG_INTERNAL_H
#define MEMSCAPE_PNG_INTERNAL_H

#include "memscape/picture.h"

/** pHYs units for a resolution in dots per inch (PNG 11.3.5.3: pixels per metre). */
uint64_t memscape_png_pixels_per_metre(uint32_t dpi);
/** The zlib level, the dpi and every text chunk's keyword and value, as png_write checks
 *  them. */
memscape_status memscape_png_check_options(const memscape_png_options *o, memscape_error *err);

/** Rows of a picture too large to hold: asked for one at a time, from several threads. */
typedef struct memscape_png_rows {
    uint32_t width, height;
    int gray;                   /* 1: 8-bit greyscale, a byte a pixel; 0: 8-bit RGB */
    int runs;                   /* 1: look for runs of repeated bytes only (zlib's Z_RLE) */
    /** Write row y (width bytes, or 3 * width for RGB) into out. */
    void (*fill)(const void *ctx, uint32_t y, uint8_t *out);
    /** Rows [first, first + count) are filled and will not be asked for again; may be NULL. */
    void (*done)(const void *ctx, uint32_t first, uint32_t count);
    const void *ctx;
} memscape_png_rows;

/** Write rows as a PNG at path, deflated on threads (1 or more) in strips, with the metadata
 *  and zlib level of opts (NULL: defaults); atomically, like memscape_png_write(). */
memscape_status memscape_png_write_rows(const char *path, const memscape_png_rows *rows,
                                        const memscape_png_options *opts, unsigned threads,
                                        memscape_error *err);

#endif /* MEMSCAPE_PNG_INTERNAL_H */
