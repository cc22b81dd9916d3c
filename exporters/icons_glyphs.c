/* SPDX-License-Identifier: MIT */
/* One glyph a pattern, on the 16-unit grid of icons_draw.h. Each is a simple pictogram in the
 * manner of Dmitry Vostokov's "Icons for Memory Dump Analysis Patterns": a bolt for an
 * exception, a stack spilling over its container for Stack Overflow, a pool running over for
 * Excessive Pool Usage. Glyphs keep inside the tile's rim (1..15), use strokes of at least a
 * unit (a pixel at 16 pixels) and put their edges on whole or half units where they can. */
#include <math.h>
#include <string.h>

#include "icons_draw.h"

/* The line weights: the main one rounds to 2 pixels at 16, the thin one to 1. */
#define BOLD 1.5
#define THIN 1.0

/* ---- shapes ------------------------------------------------------------------------------ */

static void stroke_line(icon_pen *p, double x0, double y0, double x1, double y1, double width,
                        icon_ink ink)
{
    pen_stroke_mode(p, width);
    pen_move(p, x0, y0);
    pen_line(p, x1, y1);
    pen_stroke(p, ink);
}

/* A rectangle turned by angle (radians) around its centre. */
static void turned_rect(icon_pen *p, double cx, double cy, double w, double h, double angle)
{
    double c = cos(angle), s = sin(angle);
    double corners[4][2] = {{-w / 2, -h / 2}, {w / 2, -h / 2}, {w / 2, h / 2}, {-w / 2, h / 2}};
    double xy[8];
    for (size_t i = 0; i < 4; i++) {
        xy[2 * i] = cx + corners[i][0] * c - corners[i][1] * s;
        xy[2 * i + 1] = cy + corners[i][0] * s + corners[i][1] * c;
    }
    pen_polygon(p, xy, 4);
}

static void ellipse(icon_pen *p, double cx, double cy, double rx, double ry)
{
    /* Four quarter curves; kappa makes each a circle's quarter when rx == ry. */
    const double k = 0.5523;
    pen_move(p, cx + rx, cy);
    pen_curve(p, cx + rx, cy + k * ry, cx + k * rx, cy + ry, cx, cy + ry);
    pen_curve(p, cx - k * rx, cy + ry, cx - rx, cy + k * ry, cx - rx, cy);
    pen_curve(p, cx - rx, cy - k * ry, cx - k * rx, cy - ry, cx, cy - ry);
    pen_curve(p, cx + k * rx, cy - ry, cx + rx, cy - k * ry, cx + rx, cy);
    pen_close(p);
}

static void plus_sign(icon_pen *p, double cx, double cy, double arm, double width, icon_ink ink)
{
    pen_stroke_mode(p, width);
    cairo_set_line_cap(p->cr, CAIRO_LINE_CAP_BUTT);
    pen_move(p, cx - arm, cy);
    pen_line(p, cx + arm, cy);
    pen_move(p, cx, cy - arm);
    pen_line(p, cx, cy + arm);
    pen_stroke(p, ink);
    cairo_set_line_cap(p->cr, CAIRO_LINE_CAP_ROUND);
}

/* A digit as the seven segments of a display, in a box w x h from (x, y): clear at any size
 * without a font. */
static void segment_digit(icon_pen *p, int digit, double x, double y, double w, double h,
                          double width, icon_ink ink)
{
    /* Segments a (top), b (top right), c (bottom right), d (bottom), e (bottom left),
     * f (top left), g (middle), as bits 0..6. */
    static const unsigned char segments[10] = {0x3f, 0x06, 0x5b, 0x4f, 0x66,
                                               0x6d, 0x7d, 0x07, 0x7f, 0x6f};
    const double ends[7][4] = {{0, 0, 1, 0},     {1, 0, 1, 0.5}, {1, 0.5, 1, 1}, {0, 1, 1, 1},
                               {0, 0.5, 0, 1}, {0, 0, 0, 0.5}, {0, 0.5, 1, 0.5}};
    if (digit < 0 || digit > 9)
        return;
    pen_stroke_mode(p, width);
    for (unsigned s = 0; s < 7; s++) {
        if (!(segments[digit] >> s & 1))
            continue;
        pen_move(p, x + ends[s][0] * w, y + ends[s][1] * h);
        pen_line(p, x + ends[s][2] * w, y + ends[s][3] * h);
    }
    pen_stroke(p, ink);
}

/* ---- exceptions -------------------------------------------------------------------------- */

static void multiple_exceptions(icon_pen *p)
{
    pen_bolt(p, 1.2, 1.8, 6.0, 9.4, INK_BOLT);
    pen_bolt(p, 8.8, 1.8, 6.0, 9.4, INK_BOLT);
    pen_bolt(p, 5.0, 4.8, 6.0, 9.4, INK_ALERT);
}

static void hidden_exception(icon_pen *p)
{
    /* The whole bolt greyed, then its top half in full colour above the cover's edge: the
     * part under the cover shows through it faintly. */
    const double cover_top = 8.0;
    pen_bolt(p, 3.5, 1.8, 9.0, 12.4, INK_MUTED);
    cairo_save(p->cr);
    pen_fill_mode(p);
    pen_rect(p, 0, 0, ICON_GRID, cover_top);
    cairo_clip(p->cr);
    pen_bolt(p, 3.5, 1.8, 9.0, 12.4, INK_BOLT);
    cairo_restore(p->cr);
    pen_stroke_mode(p, THIN);
    pen_round_rect(p, 2.5, cover_top + 0.5, 11.0, 5.0, 1.0);
    pen_stroke(p, INK_LINE);
    pen_fill_mode(p);
    pen_rect(p, 2.0, cover_top, 12.0, 1.0);
    pen_fill(p, INK_LINE);
}

static void stack_overflow(icon_pen *p)
{
    /* A container of stacked frames, full to the rim, the top frame toppling over the side.
     * At 16 pixels: walls and floor 2 pixels, frames 2 pixels with 1-pixel gaps. */
    pen_stroke_mode(p, BOLD);
    pen_round(p, 0);
    pen_move(p, 3.0, 6.5);
    pen_line(p, 3.0, 14.0);
    pen_line(p, 13.0, 14.0);
    pen_line(p, 13.0, 6.5);
    pen_stroke(p, INK_LINE);
    pen_round(p, 1);
    pen_fill_mode(p);
    pen_rect(p, 5.0, 10.0, 6.0, 2.0);
    pen_rect(p, 5.0, 7.0, 6.0, 2.0);
    pen_fill(p, INK_LINE);
    pen_rect(p, 5.0, 4.0, 6.0, 2.0);
    pen_fill(p, INK_ALERT);
    turned_rect(p, 11.6, 2.9, 5.0, 1.8, 0.5);
    pen_fill(p, INK_ALERT);
}

static void null_pointer(icon_pen *p)
{
    pen_arrow(p, 1.5, 8.0, 7.0, 8.0, BOLD, 3.0, INK_LINE);
    pen_stroke_mode(p, THIN);
    pen_round_rect(p, 7.5, 2.5, 6.0, 11.0, 1.0);
    pen_stroke(p, INK_LINE);
    /* The zero: an oval as narrow as a digit. */
    pen_stroke_mode(p, THIN * 1.2);
    ellipse(p, 10.5, 8.0, 1.5, 3.0);
    pen_stroke(p, INK_ALERT);
}

static void invalid_pointer(icon_pen *p)
{
    /* A pointer that leads nowhere: the arrow's shaft breaks and it ends in a cross. */
    pen_stroke_mode(p, BOLD);
    pen_move(p, 2.0, 14.0);
    pen_line(p, 5.0, 11.0);
    pen_stroke(p, INK_LINE);
    pen_arrow(p, 6.5, 9.5, 9.8, 6.2, BOLD, 3.2, INK_LINE);
    pen_stroke_mode(p, BOLD);
    pen_move(p, 10.5, 2.0);
    pen_line(p, 14.0, 5.5);
    pen_move(p, 14.0, 2.0);
    pen_line(p, 10.5, 5.5);
    pen_stroke(p, INK_ALERT);
}

static void cpp_exception(icon_pen *p)
{
    /* "C++" drawn as strokes, throwing a bolt out of the C's mouth. */
    pen_stroke_mode(p, BOLD);
    pen_arc(p, 5.5, 8.5, 3.5, 0.27 * M_PI, 1.73 * M_PI);
    pen_stroke(p, INK_LINE);
    plus_sign(p, 10.0, 3.5, 1.3, THIN, INK_LINE);
    plus_sign(p, 13.2, 3.5, 1.3, THIN, INK_LINE);
    pen_bolt(p, 8.4, 6.4, 5.6, 8.2, INK_BOLT);
}

static void managed_exception(icon_pen *p)
{
    /* The bolt held inside the runtime's ring. */
    pen_stroke_mode(p, THIN);
    pen_circle(p, 8.0, 8.0, 6.0);
    pen_stroke(p, INK_LINE);
    if (p->detail) {
        pen_stroke_mode(p, 0.5);
        pen_circle(p, 8.0, 8.0, 4.6);
        pen_stroke(p, INK_MUTED);
    }
    pen_bolt(p, 4.6, 3.4, 6.8, 9.2, INK_BOLT);
}

static void fast_fail(icon_pen *p)
{
    pen_bolt(p, 6.4, 1.8, 7.8, 12.4, INK_BOLT);
    pen_round(p, 0);
    stroke_line(p, 1.5, 5.0, 6.0, 5.0, THIN, INK_LINE);
    stroke_line(p, 2.5, 8.0, 6.0, 8.0, THIN, INK_LINE);
    stroke_line(p, 1.5, 11.0, 5.0, 11.0, THIN, INK_LINE);
    pen_round(p, 1);
}

static void abnormal_termination(icon_pen *p)
{
    /* A stop sign: an octagon with a bar across. */
    double xy[16];
    for (size_t i = 0; i < 8; i++) {
        double a = (double)i * M_PI / 4.0 + M_PI / 8.0;
        xy[2 * i] = 8.0 + 6.3 * cos(a);
        xy[2 * i + 1] = 8.0 + 6.3 * sin(a);
    }
    pen_fill_mode(p);
    pen_polygon(p, xy, 8);
    pen_fill(p, INK_ALERT);
    pen_rect(p, 4.0, 7.0, 8.0, 2.0);
    pen_fill(p, INK_PAPER);
}

/* ---- context ----------------------------------------------------------------------------- */

static void manual_dump(icon_pen *p)
{
    /* An open hand held over a box: the dump was taken by someone on purpose. */
    pen_fill_mode(p);
    pen_round_rect(p, 4.0, 1.5, 2.0, 5.5, 1.0);      /* fingers */
    pen_round_rect(p, 6.5, 1.0, 2.0, 6.0, 1.0);
    pen_round_rect(p, 9.0, 1.5, 2.0, 5.5, 1.0);
    pen_round_rect(p, 4.0, 4.5, 7.0, 4.5, 1.5);      /* palm */
    turned_rect(p, 11.6, 6.0, 1.8, 4.0, 0.6);        /* thumb */
    pen_fill(p, INK_LINE);
    pen_stroke_mode(p, BOLD);
    pen_round(p, 0);
    pen_move(p, 2.5, 10.0);
    pen_line(p, 2.5, 13.5);
    pen_line(p, 13.5, 13.5);
    pen_line(p, 13.5, 10.0);
    pen_stroke(p, INK_LINE);
    pen_round(p, 1);
    stroke_line(p, 5.0, 11.0, 11.0, 11.0, THIN, INK_WATER);
}

static void cloud_path(icon_pen *p)
{
    pen_circle(p, 5.5, 9.5, 3.0);
    pen_circle(p, 9.0, 7.0, 4.0);
    pen_circle(p, 12.0, 10.0, 2.5);
    pen_round_rect(p, 2.5, 9.0, 12.0, 3.5, 1.75);
}

static void cloud_environment(icon_pen *p)
{
    /* The outline of the union of circles: every circle stroked twice as wide, then all of
     * them filled over the inner half of their strokes. */
    pen_stroke_mode(p, 2.0 * THIN);
    cloud_path(p);
    pen_stroke(p, INK_LINE);
    pen_fill_mode(p);
    cloud_path(p);
    pen_fill(p, INK_SHADE);
}

static void wow64(icon_pen *p)
{
    /* A 32-bit box inside a 64-bit one; the numbers when there is room for them. */
    pen_stroke_mode(p, THIN);
    pen_rect(p, 2.5, 2.5, 11.0, 11.0);
    pen_stroke(p, INK_LINE);
    pen_fill_mode(p);
    pen_rect(p, 7.0, 7.0, 6.0, 6.0);
    pen_fill(p, INK_LINE);
    if (p->device_side >= 2.0 * ICON_DETAIL_FROM) {
        pen_round(p, 0);
        cairo_set_line_join(p->cr, CAIRO_LINE_JOIN_MITER);
        segment_digit(p, 6, 4.2, 4.2, 1.6, 3.0, 0.55, INK_LINE);
        segment_digit(p, 4, 6.6, 4.2, 1.6, 3.0, 0.55, INK_LINE);
        segment_digit(p, 3, 8.4, 8.5, 1.6, 3.0, 0.55, INK_PAPER);
        segment_digit(p, 2, 10.8, 8.5, 1.6, 3.0, 0.55, INK_PAPER);
        pen_round(p, 1);
    } else {
        pen_rect(p, 4.0, 4.0, 2.0, 2.0);
        pen_fill(p, INK_MUTED);
    }
}

static void embedded_comment(icon_pen *p)
{
    /* A note with its corner folded and lines of text. */
    pen_stroke_mode(p, THIN);
    pen_move(p, 3.5, 1.5);
    pen_line(p, 9.5, 1.5);
    pen_line(p, 12.5, 4.5);
    pen_line(p, 12.5, 14.5);
    pen_line(p, 3.5, 14.5);
    pen_close(p);
    pen_fill_preserve(p, INK_PAPER);
    pen_stroke(p, INK_LINE);
    pen_move(p, 9.5, 1.5);
    pen_line(p, 9.5, 4.5);
    pen_line(p, 12.5, 4.5);
    pen_stroke(p, INK_LINE);
    pen_round(p, 0);
    stroke_line(p, 5.5, 7.0, 10.5, 7.0, THIN, INK_WATER);
    stroke_line(p, 5.5, 9.5, 10.5, 9.5, THIN, INK_WATER);
    stroke_line(p, 5.5, 12.0, 8.5, 12.0, THIN, INK_WATER);
    pen_round(p, 1);
}

static void truncated_dump(icon_pen *p)
{
    /* A page torn across: its top in place, the lower piece fallen away, faint. */
    static const double top[] = {3.5, 1.5, 12.5, 1.5, 12.5, 8.0, 10.5, 6.5, 8.5, 8.5,
                                 6.5, 6.5, 4.5,  8.5, 3.5,  7.5};
    static const double piece[] = {3.5,  10.5, 4.5,  11.5, 6.5,  9.5,  8.5, 11.5, 10.5, 9.5,
                                   12.5, 11.0, 12.5, 14.5, 3.5,  14.5};
    pen_stroke_mode(p, THIN);
    pen_polygon(p, top, sizeof top / sizeof top[0] / 2);
    pen_fill_preserve(p, INK_PAPER);
    pen_stroke(p, INK_LINE);
    pen_round(p, 0);
    stroke_line(p, 5.5, 4.0, 10.5, 4.0, THIN, INK_LINE);
    pen_round(p, 1);
    pen_fill_mode(p);
    pen_polygon(p, piece, sizeof piece / sizeof piece[0] / 2);
    pen_fill(p, INK_MUTED);
}

static void unloaded_modules(icon_pen *p)
{
    /* The eject sign over the faint frame of the module that was there. */
    static const double triangle[] = {8.0, 3.0, 12.5, 8.0, 3.5, 8.0};
    pen_stroke_mode(p, THIN);
    pen_rect(p, 1.5, 1.5, 13.0, 13.0);
    if (p->detail) {
        const double dash = 1.0 * p->unit;
        cairo_set_dash(p->cr, &dash, 1, 0.0);
    }
    pen_stroke(p, INK_MUTED);
    cairo_set_dash(p->cr, NULL, 0, 0.0);
    pen_fill_mode(p);
    pen_polygon(p, triangle, 3);
    pen_fill(p, INK_LINE);
    pen_rect(p, 3.5, 10.0, 9.0, 2.0);
    pen_fill(p, INK_WATER);
}

static void execution_residue(icon_pen *p)
{
    /* Footprints left on the stack: two shoe prints, the older one fainter. */
    pen_fill_mode(p);
    ellipse(p, 5.0, 7.0, 2.0, 2.8);
    ellipse(p, 5.0, 12.2, 1.6, 1.5);
    pen_fill(p, INK_MUTED);
    ellipse(p, 11.0, 4.0, 2.0, 2.8);
    ellipse(p, 11.0, 9.2, 1.6, 1.5);
    pen_fill(p, INK_LINE);
}

static void module_variety(icon_pen *p)
{
    static const double triangle[] = {5.0, 9.0, 7.5, 13.5, 2.5, 13.5};
    static const double diamond[] = {11.0, 8.5, 13.5, 11.0, 11.0, 13.5, 8.5, 11.0};
    pen_fill_mode(p);
    pen_rect(p, 2.5, 2.5, 5.0, 5.0);
    pen_fill(p, INK_LINE);
    pen_circle(p, 11.0, 5.0, 2.5);
    pen_fill(p, INK_ALERT);
    pen_polygon(p, triangle, 3);
    pen_fill(p, INK_WATER);
    pen_polygon(p, diamond, 4);
    pen_fill(p, INK_GOOD);
}

/* ---- problems ---------------------------------------------------------------------------- */

static void spiking_thread(icon_pen *p)
{
    pen_round(p, 0);
    stroke_line(p, 1.5, 13.5, 14.5, 13.5, THIN, INK_MUTED);
    pen_round(p, 1);
    pen_stroke_mode(p, BOLD);
    pen_move(p, 2.0, 10.5);
    pen_line(p, 6.0, 10.5);
    pen_line(p, 8.0, 3.0);
    pen_line(p, 10.0, 10.5);
    pen_line(p, 14.0, 10.5);
    pen_stroke(p, INK_ALERT);
}

static void handle_leak(icon_pen *p)
{
    /* A door handle, dripping. */
    pen_fill_mode(p);
    pen_circle(p, 4.5, 5.0, 2.5);
    pen_fill(p, INK_LINE);
    pen_stroke_mode(p, 2.0);
    pen_move(p, 4.5, 5.0);
    pen_line(p, 12.5, 5.0);
    pen_stroke(p, INK_LINE);
    pen_drop(p, 11.5, 7.0, 1.4, INK_WATER);
    pen_drop(p, 8.0, 10.5, 1.2, INK_WATER);
}

static void problem_vocabulary(icon_pen *p)
{
    /* A speech bubble with an exclamation mark. */
    pen_stroke_mode(p, THIN);
    pen_move(p, 4.0, 1.5);
    pen_line(p, 12.0, 1.5);
    pen_arc(p, 12.0, 3.5, 2.0, -M_PI / 2.0, 0.0);
    pen_line(p, 14.0, 9.5);
    pen_arc(p, 12.0, 9.5, 2.0, 0.0, M_PI / 2.0);
    pen_line(p, 7.5, 11.5);
    pen_line(p, 3.5, 14.5);
    pen_line(p, 4.5, 11.5);
    pen_arc(p, 4.0, 9.5, 2.0, M_PI / 2.0, M_PI);
    pen_line(p, 2.0, 3.5);
    pen_arc(p, 4.0, 3.5, 2.0, M_PI, 1.5 * M_PI);
    pen_close(p);
    pen_fill_preserve(p, INK_PAPER);
    pen_stroke(p, INK_LINE);
    pen_fill_mode(p);
    pen_rect(p, 7.0, 3.0, 2.0, 4.5);
    pen_rect(p, 7.0, 8.5, 2.0, 2.0);
    pen_fill(p, INK_ALERT);
}

static void excessive_pool_usage(icon_pen *p)
{
    /* A basin full to the rim, a wave above it and water running over its side. */
    pen_fill_mode(p);
    pen_move(p, 2.4, 7.0);
    pen_line(p, 12.6, 7.0);
    pen_line(p, 11.2, 13.0);
    pen_line(p, 3.8, 13.0);
    pen_close(p);
    pen_fill(p, INK_WATER);
    pen_stroke_mode(p, BOLD);
    pen_move(p, 3.0, 4.5);
    pen_curve(p, 4.2, 3.0, 5.4, 3.0, 6.6, 4.5);
    pen_curve(p, 7.8, 6.0, 9.0, 6.0, 10.2, 4.5);
    pen_curve(p, 11.0, 3.5, 11.8, 3.3, 12.6, 3.6);
    pen_stroke(p, INK_WATER);
    pen_drop(p, 14.0, 8.0, 0.9, INK_WATER);
    pen_drop(p, 14.0, 11.2, 0.8, INK_WATER);
    pen_stroke_mode(p, BOLD);
    pen_round(p, 0);
    pen_move(p, 1.8, 6.5);
    pen_line(p, 3.5, 13.5);
    pen_line(p, 11.5, 13.5);
    pen_line(p, 13.2, 6.5);
    pen_stroke(p, INK_LINE);
    pen_round(p, 1);
}

static void inconsistent_counters(icon_pen *p)
{
    /* Two meters of the same thing that disagree: one low, one beyond its own scale. */
    pen_stroke_mode(p, THIN);
    pen_rect(p, 2.5, 3.5, 3.0, 10.0);
    pen_rect(p, 10.5, 3.5, 3.0, 10.0);
    pen_fill_preserve(p, INK_PAPER);
    pen_stroke(p, INK_LINE);
    pen_fill_mode(p);
    pen_rect(p, 3.0, 10.0, 2.0, 3.5);
    pen_fill(p, INK_GOOD);
    pen_rect(p, 11.0, 1.0, 2.0, 12.5);
    pen_fill(p, INK_ALERT);
    pen_round(p, 0);
    stroke_line(p, 7.0, 7.0, 9.0, 7.0, THIN, INK_LINE);
    stroke_line(p, 7.0, 9.0, 9.0, 9.0, THIN, INK_LINE);
    pen_round(p, 1);
    stroke_line(p, 8.7, 5.2, 7.3, 10.8, THIN * 0.8, INK_LINE);
}

/* ---- the table --------------------------------------------------------------------------- */

static const struct {
    const char *id;
    icon_glyph_fn draw;
} glyphs[] = {
    {"multiple-exceptions", multiple_exceptions},
    {"hidden-exception", hidden_exception},
    {"stack-overflow", stack_overflow},
    {"null-pointer", null_pointer},
    {"invalid-pointer", invalid_pointer},
    {"cpp-exception", cpp_exception},
    {"managed-exception", managed_exception},
    {"fast-fail", fast_fail},
    {"abnormal-termination", abnormal_termination},
    {"manual-dump", manual_dump},
    {"cloud-environment", cloud_environment},
    {"wow64", wow64},
    {"embedded-comment", embedded_comment},
    {"spiking-thread", spiking_thread},
    {"handle-leak", handle_leak},
    {"truncated-dump", truncated_dump},
    {"unloaded-modules", unloaded_modules},
    {"problem-vocabulary", problem_vocabulary},
    {"execution-residue", execution_residue},
    {"module-variety", module_variety},
    {"excessive-pool-usage", excessive_pool_usage},
    {"inconsistent-counters", inconsistent_counters},
};

icon_glyph_fn icon_glyph_for(const char *id)
{
    for (size_t i = 0; i < sizeof glyphs / sizeof glyphs[0]; i++)
        if (strcmp(glyphs[i].id, id) == 0)
            return glyphs[i].draw;
    return NULL;
}
