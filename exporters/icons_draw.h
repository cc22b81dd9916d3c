/* SPDX-License-Identifier: MIT */
/* How the pattern icons are drawn: icons.c makes the tile and the files, icons_glyphs.c holds
 * one glyph a pattern, drawn through the pen below.
 *
 * Glyphs are designed on a grid of 16 x 16 units, so that at 16 pixels a unit is a pixel and
 * whole and half units fall on pixel edges and centres. The pen maps units to cairo's user
 * space and, while an icon is small on the device, rounds every point to the device's pixel
 * grid (fills to pixel edges, strokes of an odd width to pixel centres): a 2-pixel line stays
 * 2 crisp pixels instead of 4 blurred ones. Large icons are drawn exactly, with smooth curves.
 */
#ifndef MEMSCAPE_ICONS_DRAW_H
#define MEMSCAPE_ICONS_DRAW_H

#include <cairo.h>

#include "memscape/icons.h"
#include "memscape/patterns.h"

/** The design grid's side, in units. */
#define ICON_GRID 16.0
/** Below this many device pixels a side, points snap to the pixel grid. */
#define ICON_SNAP_BELOW 48.0
/** From this many device pixels a side, glyphs add their fine details (outlines, digits). */
#define ICON_DETAIL_FROM 40.0

/** The colours a glyph paints with; each variant maps them to its own. */
typedef enum icon_ink {
    INK_LINE = 0,       /* the main drawing: black; dark slate in colour */
    INK_PAPER,          /* the tile's ground: white */
    INK_SHADE,          /* a secondary fill: light grey; pale blue in colour */
    INK_MUTED,          /* what is gone or secondary: mid grey */
    INK_ALERT,          /* danger, the faulting thing: black; red in colour */
    INK_BOLT,           /* exceptions' bolts: black; amber in colour */
    INK_WATER,          /* pools, leaks: dark grey; blue in colour */
    INK_GOOD,           /* a healthy counterpart: dark grey; green in colour */
    INK_COUNT
} icon_ink;

typedef struct icon_pen {
    cairo_t *cr;
    double x0, y0;              /* user-space position of the grid's corner */
    double unit;                /* user-space length of a unit */
    double device_side;         /* the icon's side in device pixels */
    int snap;                   /* round points to device pixels */
    int detail;                 /* add fine details */
    double line_px;             /* the current stroke width in device pixels (snapping) */
    int stroking;               /* points snap as for a stroke of line_px */
    memscape_icon_variant variant;
    memscape_pattern_kind kind;
} icon_pen;

/* ---- paths, in grid units ---------------------------------------------------------------- */

/** Points that follow snap for a fill (to pixel edges). */
void pen_fill_mode(icon_pen *p);
/** Points that follow snap for a stroke of width units (to pixel centres when the rounded
 *  width is odd); sets the line width too. */
void pen_stroke_mode(icon_pen *p, double width);
void pen_move(icon_pen *p, double x, double y);
void pen_line(icon_pen *p, double x, double y);
void pen_curve(icon_pen *p, double x1, double y1, double x2, double y2, double x3, double y3);
void pen_close(icon_pen *p);
/** An arc around (cx, cy) of radius r from angle a0 to a1 (radians, clockwise on screen). */
void pen_arc(icon_pen *p, double cx, double cy, double r, double a0, double a1);
void pen_arc_negative(icon_pen *p, double cx, double cy, double r, double a0, double a1);
void pen_circle(icon_pen *p, double cx, double cy, double r);
void pen_rect(icon_pen *p, double x, double y, double w, double h);
void pen_round_rect(icon_pen *p, double x, double y, double w, double h, double r);
/** A closed polygon through n points given as x0, y0, x1, y1, ... */
void pen_polygon(icon_pen *p, const double *xy, size_t n);

/* ---- painting ---------------------------------------------------------------------------- */

void pen_fill(icon_pen *p, icon_ink ink);
void pen_fill_preserve(icon_pen *p, icon_ink ink);
void pen_stroke(icon_pen *p, icon_ink ink);
/** Round caps and joins (the default) or square ones. */
void pen_round(icon_pen *p, int round);

/* ---- shapes glyphs share ----------------------------------------------------------------- */

/** A lightning bolt in the box (x, y, w, h), filled with ink; at detail sizes outlined. */
void pen_bolt(icon_pen *p, double x, double y, double w, double h, icon_ink ink);
/** An arrow from (x0, y0) to (x1, y1) with a filled head of length head units. */
void pen_arrow(icon_pen *p, double x0, double y0, double x1, double y1, double width,
               double head, icon_ink ink);
/** A drop of liquid whose tip is at (cx, top), r wide at its round bottom. */
void pen_drop(icon_pen *p, double cx, double top, double r, icon_ink ink);

/* ---- the glyphs -------------------------------------------------------------------------- */

typedef void (*icon_glyph_fn)(icon_pen *p);

/** The glyph of the pattern with this id, or NULL. */
icon_glyph_fn icon_glyph_for(const char *id);

#endif /* MEMSCAPE_ICONS_DRAW_H */
