/* SPDX-License-Identifier: MIT */
/* The sidebar beside the picture: what the colours mean (the palette's ramp with its scale, or
 * a swatch per class or module), how many bytes a pixel is and how the curve runs, which
 * address each numbered tick names, which thread each marker is, and the patterns found. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "memscape/icons.h"
#include "poster_draw.h"
#include "util/text.h"

typedef struct sidebar {
    cairo_t *cr;
    const memscape_poster *p;
    const poster_geometry *g;
    double y;                   /* top of the next row */
} sidebar;

static double row_height(const sidebar *s)
{
    return 1.2 * s->g->unit;
}

static void heading(sidebar *s, const char *text)
{
    s->y += 0.5 * s->g->unit;
    poster_set_font(s->cr, POSTER_FONT_BOLD, 0.85 * s->g->unit);
    cairo_set_source_rgb(s->cr, 0, 0, 0);
    poster_text(s->cr, s->g->side_x, s->y + 0.85 * s->g->unit, text);
    s->y += 1.4 * s->g->unit;
}

/* One line of body text; font is POSTER_FONT_SANS or _MONO. */
static void line(sidebar *s, double indent, poster_font font, const char *clean)
{
    poster_set_font(s->cr, font, 0.66 * s->g->unit);
    cairo_set_source_rgb(s->cr, 0.1, 0.1, 0.1);
    poster_text(s->cr, s->g->side_x + indent, s->y + 0.8 * s->g->unit, clean);
    s->y += row_height(s);
}

static void swatch_row(sidebar *s, memscape_rgb rgb, const char *clean)
{
    double side = 0.85 * s->g->unit;
    cairo_rectangle(s->cr, s->g->side_x, s->y + 0.1 * s->g->unit, side, side);
    poster_set_rgb(s->cr, rgb);
    cairo_fill_preserve(s->cr);
    cairo_set_source_rgb(s->cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(s->cr, 0.05 * s->g->unit);
    cairo_stroke(s->cr);
    line(s, 1.3 * s->g->unit, POSTER_FONT_SANS, clean);
}

/* "4 KiB", "1.5 MiB": bytes in the largest binary unit that keeps a number of at least 1. */
static void human_bytes(uint64_t bytes, char *out, size_t size)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = (double)bytes;
    size_t u = 0;
    while (v >= 1024 && u + 1 < sizeof units / sizeof units[0])
        v /= 1024, u++;
    if (u == 0)
        snprintf(out, size, "%" PRIu64 " %s", bytes, bytes == 1 ? "byte" : "bytes");
    else
        snprintf(out, size, v < 10 && v != (double)(uint64_t)v ? "%.1f %s" : "%.0f %s", v,
                 units[u]);
}

/* ---- legend ------------------------------------------------------------------------------ */

static int view_is_continuous(memscape_view view)
{
    return view == MEMSCAPE_VIEW_BYTES || view == MEMSCAPE_VIEW_ENTROPY ||
           view == MEMSCAPE_VIEW_POINTERS;
}

/* The ramp as a linear gradient with the palette's own stops, so PDF and SVG keep it exact. */
static void gradient_bar(sidebar *s)
{
    const memscape_palette *pal = s->p->palette;
    double x = s->g->side_x, w = s->g->side_w - 1.5 * s->g->unit, h = 1.1 * s->g->unit;
    cairo_pattern_t *ramp = cairo_pattern_create_linear(x, 0, x + w, 0);
    size_t n = memscape_palette_count(pal);
    for (size_t i = 0; i < n; i++) {
        double at;
        memscape_rgb c = memscape_palette_entry(pal, i, NULL, &at);
        cairo_pattern_add_color_stop_rgb(ramp, at, c.r / 255.0, c.g / 255.0, c.b / 255.0);
    }
    cairo_rectangle(s->cr, x, s->y, w, h);
    cairo_set_source(s->cr, ramp);
    cairo_fill_preserve(s->cr);
    cairo_pattern_destroy(ramp);
    cairo_set_source_rgb(s->cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(s->cr, 0.05 * s->g->unit);
    cairo_stroke(s->cr);
    s->y += h;
}

/* Five labelled ticks under the ramp, in the view's own quantity. */
static void gradient_scale(sidebar *s)
{
    static const char *const labels[][5] = {
        [MEMSCAPE_VIEW_BYTES] = {"0x00", "0x40", "0x80", "0xc0", "0xff"},
        [MEMSCAPE_VIEW_ENTROPY] = {"0", "2", "4", "6", "8"},
        [MEMSCAPE_VIEW_POINTERS] = {"0 %", "25 %", "50 %", "75 %", "100 %"},
    };
    double x = s->g->side_x, w = s->g->side_w - 1.5 * s->g->unit;
    poster_set_font(s->cr, POSTER_FONT_SANS, 0.6 * s->g->unit);
    cairo_set_line_width(s->cr, 0.05 * s->g->unit);
    for (int i = 0; i < 5; i++) {
        double tx = x + w * i / 4.0;
        cairo_move_to(s->cr, tx, s->y);
        cairo_line_to(s->cr, tx, s->y + 0.3 * s->g->unit);
        cairo_set_source_rgb(s->cr, 0.2, 0.2, 0.2);
        cairo_stroke(s->cr);
        cairo_text_extents_t te;
        cairo_text_extents(s->cr, labels[s->p->view][i], &te);
        poster_text(s->cr, tx - te.x_advance / 2, s->y + 1.0 * s->g->unit,
                    labels[s->p->view][i]);
    }
    s->y += 1.4 * s->g->unit;
}

static const char *quantity_of(memscape_view view)
{
    switch (view) {
    case MEMSCAPE_VIEW_BYTES: return "Mean byte of each cell";
    case MEMSCAPE_VIEW_ENTROPY: return "Entropy, bits per byte";
    case MEMSCAPE_VIEW_POINTERS: return "Share of values that point into memory";
    case MEMSCAPE_VIEW_CLASSES: return "Most frequent byte class";
    case MEMSCAPE_VIEW_REGIONS: return "Region usage and type";
    default: return "Modules";
    }
}

static void module_swatches(sidebar *s)
{
    size_t n, total;
    const memscape_module *m = memscape_space_modules(s->p->space, &total);
    uint32_t *order = poster_modules_by_size(s->p->space, POSTER_MAX_KEY_ROWS, &n);
    for (size_t i = 0; i < n; i++) {
        char name[160];
        poster_clean_text(memscape_path_base_name(m[order[i]].name), name, sizeof name, 36);
        swatch_row(s, memscape_view_module_colour(s->p->palette, order[i]), name);
    }
    free(order);
    if (total > n) {
        char more[64];
        snprintf(more, sizeof more, "and %zu more", total - n);
        line(s, 1.3 * s->g->unit, POSTER_FONT_SANS, more);
    }
}

static void legend(sidebar *s)
{
    const memscape_poster *p = s->p;
    heading(s, quantity_of(p->view));
    if (view_is_continuous(p->view) &&
        memscape_palette_kind_of(p->palette) == MEMSCAPE_PALETTE_CONTINUOUS) {
        gradient_bar(s);
        gradient_scale(s);
    }
    if (p->view == MEMSCAPE_VIEW_MODULES && p->space)
        module_swatches(s);
    memscape_legend_item items[MEMSCAPE_LEGEND_MAX];
    size_t n = memscape_view_legend(p->view, p->palette, items);
    for (size_t i = 0; i < n; i++)
        swatch_row(s, items[i].rgb, items[i].label);
    if (p->view == MEMSCAPE_VIEW_REGIONS)
        line(s, 0, POSTER_FONT_SANS, "darker: described but not captured");
}

/* ---- scale ------------------------------------------------------------------------------- */

/* Bytes the picture's address cells stand for, and in how many runs. */
static uint64_t pictured_bytes(const memscape_layout *layout, size_t *runs)
{
    size_t n;
    const memscape_segment *seg = memscape_layout_segments(layout, &n);
    uint64_t total = 0;
    *runs = 0;
    for (size_t i = 0; i < n; i++) {
        if (seg[i].is_gap)
            continue;
        (*runs)++;
        total = seg[i].bytes > UINT64_MAX - total ? UINT64_MAX : total + seg[i].bytes;
    }
    return total;
}

/* A square of cells drawn to scale: on a Hilbert or Z-order curve every aligned square of a
 * power-of-two side is one run of consecutive addresses. */
static void block_sample(sidebar *s, uint64_t cell_bytes)
{
    uint32_t side = 1;
    while ((double)side * 2 * s->g->zoom <= 2.5 * s->g->unit && side < (1u << 15))
        side *= 2;
    double px = (double)side * s->g->zoom;
    uint64_t cells = (uint64_t)side * side, bytes;
    char size_text[32], text[96];
    if (cells > UINT64_MAX / (cell_bytes ? cell_bytes : 1))
        return;
    bytes = cells * cell_bytes;
    human_bytes(bytes, size_text, sizeof size_text);
    cairo_rectangle(s->cr, s->g->side_x, s->y + 0.1 * s->g->unit, px, px);
    cairo_set_source_rgb(s->cr, 0.55, 0.55, 0.55);
    cairo_fill_preserve(s->cr);
    cairo_set_source_rgb(s->cr, 0, 0, 0);
    cairo_set_line_width(s->cr, 0.05 * s->g->unit);
    cairo_stroke(s->cr);
    snprintf(text, sizeof text, "%" PRIu32 " x %" PRIu32 " cells = %s in a row", side, side,
             size_text);
    double keep = s->y;
    s->y += (px - row_height(s)) / 2 > 0 ? (px - row_height(s)) / 2 : 0;
    line(s, px + 0.5 * s->g->unit, POSTER_FONT_SANS, text);
    s->y = keep + (px + 0.3 * s->g->unit > row_height(s) ? px + 0.3 * s->g->unit
                                                           : row_height(s));
}

static void scale(sidebar *s)
{
    const memscape_layout *layout = s->p->layout;
    uint64_t cell_bytes = memscape_layout_cell_bytes(layout);
    char bytes_text[32], text[128];
    heading(s, "Scale");
    human_bytes(cell_bytes, bytes_text, sizeof bytes_text);
    if (s->g->zoom > 1)
        snprintf(text, sizeof text, "1 cell = %s, drawn %" PRIu32 " x %" PRIu32 " pixels",
                 bytes_text, s->g->zoom, s->g->zoom);
    else
        snprintf(text, sizeof text, "1 pixel = %s", bytes_text);
    line(s, 0, POSTER_FONT_SANS, text);
    snprintf(text, sizeof text, "%" PRIu32 " x %" PRIu32 " cells along a %s curve",
             memscape_layout_width(layout), memscape_layout_height(layout),
             memscape_curve_name(memscape_layout_curve(layout)));
    line(s, 0, POSTER_FONT_SANS, text);
    size_t runs;
    human_bytes(pictured_bytes(layout, &runs), bytes_text, sizeof bytes_text);
    snprintf(text, sizeof text, "%s of addresses in %zu run%s", bytes_text, runs,
             runs == 1 ? "" : "s");
    line(s, 0, POSTER_FONT_SANS, text);
    line(s, 0, POSTER_FONT_SANS, "separator cells stand for unmapped gaps");
    if (memscape_layout_curve(layout) != MEMSCAPE_CURVE_SCAN) {
        block_sample(s, cell_bytes);
    } else {
        uint64_t row = memscape_layout_width(layout);
        if (row <= UINT64_MAX / (cell_bytes ? cell_bytes : 1)) {
            human_bytes(row * cell_bytes, bytes_text, sizeof bytes_text);
            snprintf(text, sizeof text, "1 row = %s, left to right, top down", bytes_text);
            line(s, 0, POSTER_FONT_SANS, text);
        }
    }
}

/* ---- keys -------------------------------------------------------------------------------- */

static void tick_key(sidebar *s, const poster_tick *ticks, size_t count)
{
    heading(s, "Address ticks along the curve");
    for (size_t i = 0; i < count; i++) {
        char text[64], addr[24];
        poster_format_address(s->p->space, ticks[i].addr, addr, sizeof addr);
        snprintf(text, sizeof text, "%2zu  %s", i + 1, addr);
        line(s, 0, POSTER_FONT_MONO, text);
    }
}

static void thread_key(sidebar *s)
{
    size_t n;
    const memscape_thread *t = memscape_space_threads(s->p->space, &n);
    if (n == 0)
        return;
    char text[128];
    snprintf(text, sizeof text, "Threads (%zu): stack pointer, stack", n);
    heading(s, text);
    size_t shown = n < POSTER_MAX_KEY_ROWS ? n : POSTER_MAX_KEY_ROWS;
    for (size_t i = 0; i < shown; i++) {
        char addr[24] = "-";
        if (t[i].has_context)
            poster_format_address(s->p->space, t[i].sp, addr, sizeof addr);
        snprintf(text, sizeof text, "T%-3zu tid %-7" PRIu32 " sp %s", i + 1, t[i].id, addr);
        line(s, 0, POSTER_FONT_MONO, text);
    }
    if (n > shown) {
        snprintf(text, sizeof text, "and %zu more", n - shown);
        line(s, 0, POSTER_FONT_SANS, text);
    }
}

/* The patterns found, each with its icon: the key to the icons on the picture, and the only
 * mention of findings about the process as a whole. */
static void pattern_key(sidebar *s)
{
    const memscape_pattern *found[32]; /* the catalogue has at most 32 (the volume's mask) */
    size_t counts[32];
    size_t n = poster_patterns_found(s->p, found, counts, sizeof found / sizeof found[0]);
    if (n == 0)
        return;
    char text[128];
    snprintf(text, sizeof text, "Patterns found (%zu)", n);
    heading(s, text);
    double side = 1.1 * s->g->unit;
    for (size_t i = 0; i < n; i++) {
        memscape_icon_draw(s->cr, found[i]->id, MEMSCAPE_ICON_COLOUR, s->g->side_x, s->y,
                           side, side, NULL);
        if (counts[i] > 1)
            snprintf(text, sizeof text, "%s (%zu)", found[i]->name, counts[i]);
        else
            snprintf(text, sizeof text, "%s", found[i]->name);
        s->y += 0.15 * s->g->unit;
        line(s, 1.5 * s->g->unit, POSTER_FONT_SANS, text);
        s->y += 0.15 * s->g->unit;
    }
}

double poster_draw_sidebar(cairo_t *cr, const memscape_poster *p, const poster_geometry *g,
                           double y, const poster_tick *ticks, size_t tick_count)
{
    sidebar s = {cr, p, g, y};
    if (p->palette)
        legend(&s);
    if (p->layout)
        scale(&s);
    if (tick_count)
        tick_key(&s, ticks, tick_count);
    if (p->space && p->layout)
        thread_key(&s);
    if (p->findings)
        pattern_key(&s);
    return s.y;
}
