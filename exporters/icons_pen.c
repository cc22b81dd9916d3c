/* SPDX-License-Identifier: MIT */
/* The pen the glyphs draw with: grid units to cairo user space, snapped to device pixels at
 * small sizes (see icons_draw.h), the inks of both variants and the shapes glyphs share. */
#include <math.h>

#include "icons_draw.h"

/* ---- snapping ---------------------------------------------------------------------------- */

/* Device pixels per user unit along x; icons are drawn without shear, so one number does. */
static double device_scale(cairo_t *cr)
{
    double dx = 1.0, dy = 0.0;
    cairo_user_to_device_distance(cr, &dx, &dy);
    double s = hypot(dx, dy);
    return s > 0.0 ? s : 1.0;
}

/* A device coordinate on the grid a fill or a stroke of the current width wants. */
static double snap_device(const icon_pen *p, double d)
{
    int odd = p->stroking && ((long)p->line_px & 1);
    return odd ? floor(d) + 0.5 : round(d);
}

static void to_user(const icon_pen *p, double x, double y, double *ux, double *uy)
{
    *ux = p->x0 + x * p->unit;
    *uy = p->y0 + y * p->unit;
    if (!p->snap)
        return;
    cairo_user_to_device(p->cr, ux, uy);
    *ux = snap_device(p, *ux);
    *uy = snap_device(p, *uy);
    cairo_device_to_user(p->cr, ux, uy);
}

/* A radius in user units, a whole number of device pixels when snapping (at least one). */
static double to_user_radius(const icon_pen *p, double r)
{
    double user = r * p->unit;
    if (!p->snap)
        return user;
    double scale = device_scale(p->cr);
    double px = round(user * scale);
    return (px < 1.0 ? 1.0 : px) / scale;
}

void pen_fill_mode(icon_pen *p)
{
    p->stroking = 0;
}

void pen_stroke_mode(icon_pen *p, double width)
{
    double user = width * p->unit;
    p->stroking = 1;
    if (p->snap) {
        double scale = device_scale(p->cr);
        p->line_px = round(user * scale);
        if (p->line_px < 1.0)
            p->line_px = 1.0;
        user = p->line_px / scale;
    }
    cairo_set_line_width(p->cr, user);
}

/* ---- paths ------------------------------------------------------------------------------- */

void pen_move(icon_pen *p, double x, double y)
{
    double ux, uy;
    to_user(p, x, y, &ux, &uy);
    cairo_move_to(p->cr, ux, uy);
}

void pen_line(icon_pen *p, double x, double y)
{
    double ux, uy;
    to_user(p, x, y, &ux, &uy);
    cairo_line_to(p->cr, ux, uy);
}

void pen_curve(icon_pen *p, double x1, double y1, double x2, double y2, double x3, double y3)
{
    /* Only the end point snaps: control points shape the curve, they are not edges. */
    double ex, ey;
    to_user(p, x3, y3, &ex, &ey);
    cairo_curve_to(p->cr, p->x0 + x1 * p->unit, p->y0 + y1 * p->unit, p->x0 + x2 * p->unit,
                   p->y0 + y2 * p->unit, ex, ey);
}

void pen_close(icon_pen *p)
{
    cairo_close_path(p->cr);
}

void pen_arc(icon_pen *p, double cx, double cy, double r, double a0, double a1)
{
    double ux, uy;
    to_user(p, cx, cy, &ux, &uy);
    cairo_arc(p->cr, ux, uy, to_user_radius(p, r), a0, a1);
}

void pen_arc_negative(icon_pen *p, double cx, double cy, double r, double a0, double a1)
{
    double ux, uy;
    to_user(p, cx, cy, &ux, &uy);
    cairo_arc_negative(p->cr, ux, uy, to_user_radius(p, r), a0, a1);
}

void pen_circle(icon_pen *p, double cx, double cy, double r)
{
    cairo_new_sub_path(p->cr);
    pen_arc(p, cx, cy, r, 0.0, 2.0 * M_PI);
    cairo_close_path(p->cr);
}

void pen_rect(icon_pen *p, double x, double y, double w, double h)
{
    pen_move(p, x, y);
    pen_line(p, x + w, y);
    pen_line(p, x + w, y + h);
    pen_line(p, x, y + h);
    pen_close(p);
}

void pen_round_rect(icon_pen *p, double x, double y, double w, double h, double r)
{
    /* The corners snap first and the arcs' centres are set in from them by the radius (a
     * whole number of pixels when snapping), so the straight edges stay on the grid. */
    double half = (w < h ? w : h) / 2.0;
    double left, top, right, bottom;
    to_user(p, x, y, &left, &top);
    to_user(p, x + w, y + h, &right, &bottom);
    double ur = to_user_radius(p, r > half ? half : r);
    double room = fmin(right - left, bottom - top) / 2.0;
    if (ur > room)
        ur = room;
    cairo_new_sub_path(p->cr);
    cairo_arc(p->cr, right - ur, top + ur, ur, -M_PI / 2.0, 0.0);
    cairo_arc(p->cr, right - ur, bottom - ur, ur, 0.0, M_PI / 2.0);
    cairo_arc(p->cr, left + ur, bottom - ur, ur, M_PI / 2.0, M_PI);
    cairo_arc(p->cr, left + ur, top + ur, ur, M_PI, 1.5 * M_PI);
    cairo_close_path(p->cr);
}

void pen_polygon(icon_pen *p, const double *xy, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i == 0)
            pen_move(p, xy[0], xy[1]);
        else
            pen_line(p, xy[2 * i], xy[2 * i + 1]);
    }
    pen_close(p);
}

/* ---- inks -------------------------------------------------------------------------------- */

typedef struct rgb {
    double r, g, b;
} rgb;

#define HEX(v) {(double)((v) >> 16 & 0xff) / 255.0, (double)((v) >> 8 & 0xff) / 255.0, \
                (double)((v) & 0xff) / 255.0}
#define GREY(v) {(v), (v), (v)}

/* Mono keeps black for everything that carries the meaning, so a glyph reads at 16 pixels;
 * greys only for what is secondary. Colour: a dark slate line, and accents of medium
 * lightness that hold their contrast against the pale tiles and, through the tile's rim, on
 * dark pages too. */
static const rgb mono_inks[INK_COUNT] = {
    [INK_LINE] = GREY(0.0),  [INK_PAPER] = GREY(1.0), [INK_SHADE] = GREY(0.84),
    [INK_MUTED] = GREY(0.6), [INK_ALERT] = GREY(0.0), [INK_BOLT] = GREY(0.0),
    [INK_WATER] = GREY(0.4), [INK_GOOD] = GREY(0.4),
};
static const rgb colour_inks[INK_COUNT] = {
    [INK_LINE] = HEX(0x1f2a37u),  [INK_PAPER] = HEX(0xffffffu), [INK_SHADE] = HEX(0xc9def5u),
    [INK_MUTED] = HEX(0x8895a3u), [INK_ALERT] = HEX(0xd6352au), [INK_BOLT] = HEX(0xf2a007u),
    [INK_WATER] = HEX(0x2f7fd6u), [INK_GOOD] = HEX(0x2a9958u),
};

static void set_ink(icon_pen *p, icon_ink ink)
{
    const rgb *c = p->variant == MEMSCAPE_ICON_MONO ? &mono_inks[ink] : &colour_inks[ink];
    cairo_set_source_rgb(p->cr, c->r, c->g, c->b);
}

void pen_fill(icon_pen *p, icon_ink ink)
{
    set_ink(p, ink);
    cairo_fill(p->cr);
}

void pen_fill_preserve(icon_pen *p, icon_ink ink)
{
    set_ink(p, ink);
    cairo_fill_preserve(p->cr);
}

void pen_stroke(icon_pen *p, icon_ink ink)
{
    set_ink(p, ink);
    cairo_stroke(p->cr);
}

void pen_round(icon_pen *p, int round_ends)
{
    cairo_set_line_cap(p->cr, round_ends ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_SQUARE);
    cairo_set_line_join(p->cr, round_ends ? CAIRO_LINE_JOIN_ROUND : CAIRO_LINE_JOIN_MITER);
}

/* ---- shared shapes ----------------------------------------------------------------------- */

void pen_bolt(icon_pen *p, double x, double y, double w, double h, icon_ink ink)
{
    /* A zig-zag of two parallel slants: the top edge, the left flank down to the step, the
     * tip, back up the right flank. Fractions of the box. */
    static const double shape[][2] = {{0.46, 0.00}, {0.04, 0.60}, {0.42, 0.60}, {0.28, 1.00},
                                      {0.96, 0.36}, {0.58, 0.36}, {0.90, 0.00}};
    const size_t n = sizeof shape / sizeof shape[0];
    pen_fill_mode(p);
    for (size_t i = 0; i < n; i++) {
        double px = x + shape[i][0] * w, py = y + shape[i][1] * h;
        if (i == 0)
            pen_move(p, px, py);
        else
            pen_line(p, px, py);
    }
    pen_close(p);
    if (p->detail && p->variant == MEMSCAPE_ICON_COLOUR) {
        pen_fill_preserve(p, ink);
        cairo_set_line_join(p->cr, CAIRO_LINE_JOIN_ROUND);
        pen_stroke_mode(p, 0.45);
        pen_stroke(p, INK_LINE);
    } else {
        pen_fill(p, ink);
    }
}

void pen_arrow(icon_pen *p, double x0, double y0, double x1, double y1, double width,
               double head, icon_ink ink)
{
    double dx = x1 - x0, dy = y1 - y0;
    double len = hypot(dx, dy);
    if (len <= head)
        return;
    double ux = dx / len, uy = dy / len;
    /* The shaft stops inside the head so its round cap never shows past the point. */
    double bx = x1 - ux * head, by = y1 - uy * head;
    pen_stroke_mode(p, width);
    cairo_set_line_cap(p->cr, CAIRO_LINE_CAP_BUTT);
    pen_move(p, x0, y0);
    pen_line(p, bx + ux * 0.5, by + uy * 0.5);
    pen_stroke(p, ink);
    double half = head * 0.62;
    pen_fill_mode(p);
    pen_move(p, x1, y1);
    pen_line(p, bx - uy * half, by + ux * half);
    pen_line(p, bx + uy * half, by - ux * half);
    pen_close(p);
    pen_fill(p, ink);
    cairo_set_line_cap(p->cr, CAIRO_LINE_CAP_ROUND);
}

void pen_drop(icon_pen *p, double cx, double top, double r, icon_ink ink)
{
    /* A circle's lower half joined to the tip by two curves. */
    double cy = top + r * 1.7;
    pen_fill_mode(p);
    pen_move(p, cx, top);
    pen_curve(p, cx + r * 0.35, top + r * 0.55, cx + r, cy - r * 0.55, cx + r, cy);
    pen_arc(p, cx, cy, r, 0.0, M_PI);
    pen_curve(p, cx - r, cy - r * 0.55, cx - r * 0.35, top + r * 0.55, cx, top);
    pen_close(p);
    pen_fill(p, ink);
}
