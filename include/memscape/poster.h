/* SPDX-License-Identifier: MIT */
/* Posters: a picture of memory space drawn with cairo into PNG, PDF or SVG, bare or annotated
 * with a title, the palette's legend, the scale, address ticks along the curve, module names
 * over their images, the threads' stacks and the icons of the analysis patterns found. PDF and SVG keep text and marks as vectors around
 * the raster, which is embedded once at its own resolution and never smoothed. */
#ifndef MEMSCAPE_POSTER_H
#define MEMSCAPE_POSTER_H

#include "common.h"
#include "layout.h"
#include "palette.h"
#include "patterns.h"
#include "picture.h"
#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum memscape_poster_format {
    MEMSCAPE_POSTER_PNG = 0,
    MEMSCAPE_POSTER_PDF,
    MEMSCAPE_POSTER_SVG
} memscape_poster_format;

/** "png", "pdf" or "svg" by the file name's extension (any case); returns 0 for others. */
MEMSCAPE_API int memscape_poster_format_of(const char *path, memscape_poster_format *format);

/** The largest picture side an annotated poster takes: its canvas is held in memory. */
#define MEMSCAPE_POSTER_MAX_SIDE 8192u
/** The print resolution when none is given: PDF page size, SVG needs none. */
#define MEMSCAPE_POSTER_DEFAULT_DPI 150u

/** Where the picture lies on a poster: its top-left corner in poster pixels (PNG pixels, PDF
 *  and SVG units before the dpi scale) and how many poster pixels a side each picture pixel
 *  takes. A bare poster is {0, 0, 1}. */
typedef struct memscape_poster_frame {
    uint32_t x, y;
    uint32_t zoom;
} memscape_poster_frame;

/** The frame a poster of a width x height picture uses. It depends on nothing else, so a
 *  caller can store it in the picture's metadata before drawing. */
MEMSCAPE_API memscape_poster_frame memscape_poster_frame_for(uint32_t width, uint32_t height,
                                                             int annotate);

/** What a poster shows. Only picture is required; without layout and space there are no
 *  address ticks, module names nor thread marks, and without palette no legend. Text may be
 *  any bytes: what is not printable UTF-8 is drawn as '?', and long text is cut. */
typedef struct memscape_poster {
    const memscape_raster *picture;
    int annotate;                       /* 0: the picture alone, pixel for pixel */
    const char *title;
    const char *subtitle;
    const char *footer;
    memscape_view view;
    const memscape_palette *palette;    /* the palette the picture was drawn with */
    const memscape_layout *layout;      /* how the picture was laid out */
    const memscape_space *space;        /* modules and threads to mark */
    uint32_t dpi;                       /* PDF page size and PNG pHYs; 0: default, no pHYs */
    const memscape_png_options *png;    /* PNG: level and metadata (its dpi is ignored) */
    const memscape_findings *findings;  /* patterns to mark with their icons, or NULL */
} memscape_poster;

/** Draw poster into path as format, written to "<path>.tmp" and renamed, so a failure never
 *  leaves a partial file nor replaces a good one. EINVAL for a missing picture; ELIMIT when an
 *  annotated picture is wider or taller than MEMSCAPE_POSTER_MAX_SIDE; ENOMEM, or EIO naming
 *  path and the reason (cairo's or the system's). */
MEMSCAPE_API memscape_status memscape_poster_write(const char *path,
                                                   memscape_poster_format format,
                                                   const memscape_poster *poster,
                                                   memscape_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MEMSCAPE_POSTER_H */
