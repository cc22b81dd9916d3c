/* SPDX-License-Identifier: MIT */
/* Icons for the memory dump analysis patterns, in the spirit of Dmitry Vostokov's "Icons for
 * Memory Dump Analysis Patterns": one simple pictogram a pattern (a stack spilling over for
 * Stack Overflow, an arrow into an empty box for NULL Pointer), in black and white and in
 * colour. Each icon is a rounded tile with its glyph, drawn as vector paths with cairo (no
 * bitmaps, no fonts): it reads at 16 pixels, where its edges are snapped to the pixel grid, and
 * scales cleanly to any size. The tile keeps the glyph readable over light, dark or busy
 * backgrounds such as a memory picture. */
#ifndef MEMSCAPE_ICONS_H
#define MEMSCAPE_ICONS_H

#include "common.h"
#include "poster.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cairo's context type, declared the way cairo.h declares it, so that including this header
 * needs no cairo include path; pass a cairo_t *. */
struct _cairo;

typedef enum memscape_icon_variant {
    MEMSCAPE_ICON_MONO = 0,     /* black, white and greys only */
    MEMSCAPE_ICON_COLOUR        /* a tile tinted by the pattern's kind, coloured glyph */
} memscape_icon_variant;

/** The smallest and largest icon side memscape_icon_write() takes, in pixels. */
#define MEMSCAPE_ICON_MIN_SIZE 8u
#define MEMSCAPE_ICON_MAX_SIZE 4096u

/** Draw the icon of the pattern with this id (memscape_patterns()) into cr: a square centred in
 *  the rectangle (x, y, width, height) of cr's user space, as large as fits. Only paths and
 *  solid colours are drawn; cr's state (source, line width, clip) is saved and restored and
 *  its current path cleared. At
 *  small device sizes the icon's edges are snapped to cr's device pixels, so an icon drawn at
 *  16 device pixels is sharp. EINVAL for an unknown id, an unknown variant, a NULL or failed
 *  context, or a rectangle that is empty or not finite. */
MEMSCAPE_API memscape_status memscape_icon_draw(struct _cairo *cr, const char *id,
                                                memscape_icon_variant variant, double x,
                                                double y, double width, double height,
                                                memscape_error *err);

/** Write one icon, size x size pixels, to path as format: a PNG with a transparent background
 *  around the tile (8-bit RGBA), an SVG of paths (with the pattern's name as its title) or a
 *  one-page PDF. Written to "<path>.tmp" and renamed, so a failure never leaves a partial file
 *  nor replaces a good one. EINVAL for an unknown id or variant, a size outside
 *  MEMSCAPE_ICON_MIN_SIZE..MEMSCAPE_ICON_MAX_SIZE or a NULL path; ENOMEM; EIO naming path and
 *  the reason. */
MEMSCAPE_API memscape_status memscape_icon_write(const char *path,
                                                 memscape_poster_format format,
                                                 const char *id,
                                                 memscape_icon_variant variant, uint32_t size,
                                                 memscape_error *err);

/** What the catalogue sheet shows. */
typedef struct memscape_icon_catalogue {
    uint32_t icon_size;         /* pixels a side of each icon, 16..256; 0: 64 */
    int mono;                   /* show the black-and-white icons */
    int colour;                 /* show the colour icons; neither set: both are shown */
} memscape_icon_catalogue;

/** Write the catalogue sheet to path as format: every pattern of memscape_patterns() in its
 *  order, its icons and its name and id beneath (DejaVu Sans, or what fontconfig gives for
 *  "sans-serif"), on a white page. The PNG holds the list as text metadata ("memscape-icons":
 *  one "id<TAB>name" line a pattern), the SVG as its <desc>, the PDF as text. opts may be NULL
 *  (64 pixels, both variants). Written atomically as memscape_icon_write(). EINVAL for an
 *  icon_size outside 16..256 or a NULL path; ENOMEM; EIO naming path and the reason. */
MEMSCAPE_API memscape_status memscape_icon_catalogue_write(const char *path,
                                                           memscape_poster_format format,
                                                           const memscape_icon_catalogue *opts,
                                                           memscape_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MEMSCAPE_ICONS_H */
