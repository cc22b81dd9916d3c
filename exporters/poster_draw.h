/* SPDX-License-Identifier: MIT */
/* What the poster's parts share: the page geometry and the text helpers. poster.c makes the
 * page and writes the file; poster_sidebar.c draws the legend and keys beside the picture;
 * poster_marks.c draws over the picture. All lengths are poster pixels. */
#ifndef MEMSCAPE_POSTER_DRAW_H
#define MEMSCAPE_POSTER_DRAW_H

#include <cairo.h>

#include "memscape/poster.h"

/** Marks and keys are capped so a dump with a million modules or threads still draws a
 *  readable poster in bounded time. */
#define POSTER_MAX_TICKS 10u
#define POSTER_MAX_MODULE_LABELS 40u
#define POSTER_MAX_THREAD_MARKS 64u
#define POSTER_MAX_KEY_ROWS 12u
/** Modules considered for labels: the largest of at most this many (sorting is the cost). */
#define POSTER_MAX_MODULES_SORTED 65536u

typedef struct poster_geometry {
    double unit;                /* the text unit: a body line is about 0.75 of it */
    uint32_t zoom;
    double pic_x, pic_y;        /* top-left corner of the picture */
    double pic_w, pic_h;        /* its size: picture pixels times zoom */
    double side_x, side_w;      /* the sidebar column */
    double margin;
} poster_geometry;

/** An address tick: where it sits on the curve and which address it names. */
typedef struct poster_tick {
    double x, y;
    uint64_t addr;
} poster_tick;

/** Up to POSTER_MAX_TICKS ticks spread evenly along the curve; returns how many. */
size_t poster_find_ticks(const memscape_poster *p, const poster_geometry *g,
                         poster_tick ticks[POSTER_MAX_TICKS]);

/** Indexes of the space's modules, largest first (ties by index), at most max; malloc'ed, or
 *  NULL when there are none or memory runs out. */
uint32_t *poster_modules_by_size(const memscape_space *space, size_t max, size_t *count);

/** The centre of the poster pixels showing cell. */
void poster_cell_centre(const memscape_poster *p, const poster_geometry *g, uint64_t cell,
                        double *x, double *y);

/** Icons of the patterns found, each at the pixel of the memory its finding concerns with a
 *  leader line, at most POSTER_MAX_FINDING_MARKS of them. */
#define POSTER_MAX_FINDING_MARKS 32u
void poster_draw_findings(cairo_t *cr, const memscape_poster *p, const poster_geometry *g);

/** The patterns found, once each with its count, in catalogue order: at most count entries
 *  into ids and counts; returns how many. */
size_t poster_patterns_found(const memscape_poster *p, const memscape_pattern **patterns,
                             size_t *counts, size_t count);

/** Draw the marks over the picture: stack extents, module names, ticks, thread markers,
 *  pattern icons. */
void poster_draw_marks(cairo_t *cr, const memscape_poster *p, const poster_geometry *g,
                       const poster_tick *ticks, size_t tick_count);

/** Draw the sidebar (legend, scale, tick and thread keys) from its top at y; returns the y
 *  where it ends. */
double poster_draw_sidebar(cairo_t *cr, const memscape_poster *p, const poster_geometry *g,
                           double y, const poster_tick *ticks, size_t tick_count);

/* ---- vector output ----------------------------------------------------------------------- */

/** A page for poster_write_vector_page(): width x height poster pixels painted by paint. */
typedef struct poster_vector_page {
    memscape_poster_format format;      /* MEMSCAPE_POSTER_PDF or _SVG */
    double width, height;
    uint32_t dpi;                       /* PDF page size; 0: MEMSCAPE_POSTER_DEFAULT_DPI */
    const char *clean_title;            /* PDF title, printable UTF-8 (poster_clean_text) */
    void (*paint)(cairo_t *cr, const void *ctx);
    const void *ctx;
} poster_vector_page;

/** Write page to path as a PDF or SVG through a temporary file (EIO names path and why). */
memscape_status poster_write_vector_page(const char *path, const poster_vector_page *page,
                                         memscape_error *err);

/* ---- text -------------------------------------------------------------------------------- */

/** in as printable UTF-8 in out (out_size > 4): bytes that are not valid UTF-8 and control
 *  characters become '?', and text longer than max_chars characters is cut with an
 *  ellipsis. Cairo refuses invalid UTF-8 by failing the whole drawing, and a dump's names
 *  are anything. */
void poster_clean_text(const char *in, char *out, size_t out_size, size_t max_chars);


/** An address as WinDbg writes it: 00007ff6`12340000 for 64-bit spaces, 0040a000 else. */
void poster_format_address(const memscape_space *space, uint64_t addr, char *out, size_t size);

typedef enum poster_font {
    POSTER_FONT_SANS = 0,
    POSTER_FONT_BOLD,
    POSTER_FONT_MONO
} poster_font;

void poster_set_font(cairo_t *cr, poster_font font, double size);
/** Draw clean text with its left end at (x, baseline). */
void poster_text(cairo_t *cr, double x, double baseline, const char *clean);
/** The same with a light halo, so it reads over any colour of the picture. */
void poster_text_halo(cairo_t *cr, double x, double baseline, const char *clean,
                      double halo);
void poster_set_rgb(cairo_t *cr, memscape_rgb c);

#endif /* MEMSCAPE_POSTER_DRAW_H */
