/* SPDX-License-Identifier: MIT */
/* Posters with cairo: the page's geometry, the picture on it, and the three outputs.
 *
 * The page is drawn in poster pixels. A PNG is those pixels; a PDF page is the same drawing
 * scaled by 72/dpi points per pixel, so it prints at the given resolution; an SVG is sized in
 * pixels. The picture is painted as one image with nearest-neighbour filtering (each cell a
 * sharp square, never smoothed) and, in PDF and SVG, embedded once at its own resolution
 * while text and marks stay vectors. Small pictures are zoomed by a whole factor so marks and
 * text have room; the zoom and the picture's corner are the poster's frame, which `locate`
 * uses to trace a poster pixel back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "poster_draw.h"
#include "util/atomic_file.h"
#include "util/error.h"

/* An annotated picture is zoomed until its longer side reaches this many poster pixels. */
#define POSTER_MIN_PICTURE_SIDE 720u
/* cairo's image surfaces stop at 32767 pixels a side. */
#define CAIRO_MAX_SIDE 32767.0

int memscape_poster_format_of(const char *path, memscape_poster_format *format)
{
    static const struct {
        const char *ext;
        memscape_poster_format format;
    } known[] = {{".png", MEMSCAPE_POSTER_PNG}, {".pdf", MEMSCAPE_POSTER_PDF},
                 {".svg", MEMSCAPE_POSTER_SVG}};
    size_t len = path ? strlen(path) : 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (len > 4 && strcasecmp(path + len - 4, known[i].ext) == 0) {
            if (format)
                *format = known[i].format;
            return 1;
        }
    }
    return 0;
}

/* ---- geometry ---------------------------------------------------------------------------- */

static uint32_t zoom_for(uint32_t width, uint32_t height)
{
    uint32_t side = width > height ? width : height;
    return side && side < POSTER_MIN_PICTURE_SIDE ? POSTER_MIN_PICTURE_SIDE / side : 1;
}

/* The text unit grows with the picture, so a poster looks alike at any size. */
static uint32_t unit_for(uint32_t width, uint32_t height, uint32_t zoom)
{
    uint32_t side = (width > height ? width : height) * zoom;
    return side / 60 > 12 ? side / 60 : 12;
}

memscape_poster_frame memscape_poster_frame_for(uint32_t width, uint32_t height, int annotate)
{
    memscape_poster_frame f = {0, 0, 1};
    if (!annotate || width == 0 || height == 0 || width > MEMSCAPE_POSTER_MAX_SIDE ||
        height > MEMSCAPE_POSTER_MAX_SIDE)
        return f;
    f.zoom = zoom_for(width, height);
    uint32_t u = unit_for(width, height, f.zoom);
    f.x = 2 * u; /* the margin */
    f.y = 6 * u; /* the margin, the title and the subtitle */
    return f;
}

static poster_geometry geometry_for(const memscape_raster *picture)
{
    memscape_poster_frame f = memscape_poster_frame_for(picture->width, picture->height, 1);
    poster_geometry g;
    g.zoom = f.zoom;
    g.unit = unit_for(picture->width, picture->height, f.zoom);
    g.margin = 2 * g.unit;
    g.pic_x = f.x;
    g.pic_y = f.y;
    g.pic_w = (double)picture->width * f.zoom;
    g.pic_h = (double)picture->height * f.zoom;
    g.side_x = g.pic_x + g.pic_w + 2 * g.unit;
    g.side_w = 22 * g.unit;
    return g;
}

/* ---- drawing ----------------------------------------------------------------------------- */

/* The raster as a cairo image (0x00RRGGBB words); NULL when memory runs out. */
static cairo_surface_t *picture_surface(const memscape_raster *r)
{
    cairo_surface_t *img =
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)r->width, (int)r->height);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return NULL;
    }
    unsigned char *data = cairo_image_surface_get_data(img);
    size_t stride = (size_t)cairo_image_surface_get_stride(img);
    for (uint32_t y = 0; y < r->height; y++) {
        uint32_t *row = (uint32_t *)(void *)(data + stride * y);
        const memscape_rgb *src = r->pixels + (size_t)y * r->width;
        for (uint32_t x = 0; x < r->width; x++)
            row[x] = (uint32_t)src[x].r << 16 | (uint32_t)src[x].g << 8 | src[x].b;
    }
    cairo_surface_mark_dirty(img);
    return img;
}

static void paint_picture(cairo_t *cr, cairo_surface_t *img, double x, double y, double zoom,
                          const memscape_raster *r)
{
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, zoom, zoom);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_rectangle(cr, 0, 0, r->width, r->height);
    cairo_fill(cr);
    cairo_restore(cr);
}

static void draw_header(cairo_t *cr, const memscape_poster *p, const poster_geometry *g)
{
    char text[512];
    cairo_set_source_rgb(cr, 0, 0, 0);
    poster_set_font(cr, POSTER_FONT_BOLD, 1.6 * g->unit);
    poster_clean_text(p->title ? p->title : "memscape", text, sizeof text, 96);
    poster_text(cr, g->margin, g->margin + 1.5 * g->unit, text);
    if (p->subtitle) {
        cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
        poster_set_font(cr, POSTER_FONT_SANS, 0.85 * g->unit);
        poster_clean_text(p->subtitle, text, sizeof text, 160);
        poster_text(cr, g->margin, g->margin + 2.9 * g->unit, text);
    }
}

static void draw_footer(cairo_t *cr, const memscape_poster *p, const poster_geometry *g,
                        double baseline)
{
    char text[512], clean[512];
    snprintf(text, sizeof text, "memscape %s%s%s", memscape_version(),
             p->footer ? "  \xc2\xb7  " : "", p->footer ? p->footer : "");
    poster_clean_text(text, clean, sizeof clean, 200);
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    poster_set_font(cr, POSTER_FONT_SANS, 0.6 * g->unit);
    poster_text(cr, g->margin, baseline, clean);
}

/* The sidebar's height, measured by drawing it where nothing is kept. */
static double sidebar_end(const memscape_poster *p, const poster_geometry *g,
                          const poster_tick *ticks, size_t tick_count)
{
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_t *cr = cairo_create(scratch);
    double end = poster_draw_sidebar(cr, p, g, g->pic_y, ticks, tick_count);
    cairo_destroy(cr);
    cairo_surface_destroy(scratch);
    return end;
}

typedef struct page {
    double width, height;       /* poster pixels */
    poster_geometry g;
    poster_tick ticks[POSTER_MAX_TICKS];
    size_t tick_count;
    double footer_baseline;
    int annotate;
} page;

static void plan_page(page *pg, const memscape_poster *p)
{
    memset(pg, 0, sizeof *pg);
    pg->annotate = p->annotate;
    if (!p->annotate) {
        pg->g.zoom = 1;
        pg->g.pic_w = pg->width = p->picture->width;
        pg->g.pic_h = pg->height = p->picture->height;
        return;
    }
    pg->g = geometry_for(p->picture);
    pg->tick_count = poster_find_ticks(p, &pg->g, pg->ticks);
    double bottom = pg->g.pic_y + pg->g.pic_h;
    double side_bottom = sidebar_end(p, &pg->g, pg->ticks, pg->tick_count);
    if (side_bottom > bottom)
        bottom = side_bottom;
    pg->footer_baseline = bottom + 1.6 * pg->g.unit;
    pg->width = pg->g.side_x + pg->g.side_w + pg->g.margin;
    pg->height = pg->footer_baseline + pg->g.margin;
}

static void draw_page(cairo_t *cr, const memscape_poster *p, const page *pg,
                      cairo_surface_t *img)
{
    const poster_geometry *g = &pg->g;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    paint_picture(cr, img, g->pic_x, g->pic_y, g->zoom, p->picture);
    if (!pg->annotate)
        return;
    cairo_rectangle(cr, g->pic_x, g->pic_y, g->pic_w, g->pic_h);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 0.08 * g->unit);
    cairo_stroke(cr);
    poster_draw_marks(cr, p, g, pg->ticks, pg->tick_count);
    draw_header(cr, p, g);
    poster_draw_sidebar(cr, p, g, g->pic_y, pg->ticks, pg->tick_count);
    draw_footer(cr, p, g, pg->footer_baseline);
}

/* ---- output ------------------------------------------------------------------------------ */

static uint32_t dpi_of(const memscape_poster *p)
{
    return p->dpi ? p->dpi : MEMSCAPE_POSTER_DEFAULT_DPI;
}

typedef struct vector_poster {
    const memscape_poster *p;
    const page *pg;
    cairo_surface_t *img;
} vector_poster;

static void paint_vector_poster(cairo_t *cr, const void *ctx)
{
    const vector_poster *v = ctx;
    draw_page(cr, v->p, v->pg, v->img);
}

static memscape_status write_vector(const char *path, memscape_poster_format format,
                                    const memscape_poster *p, const page *pg,
                                    cairo_surface_t *img, memscape_error *err)
{
    char title[256];
    poster_clean_text(p->title ? p->title : "memscape", title, sizeof title, 120);
    vector_poster v = {p, pg, img};
    poster_vector_page vector = {format, pg->width, pg->height, dpi_of(p), title,
                                 paint_vector_poster, &v};
    return poster_write_vector_page(path, &vector, err);
}

/* The drawn page as a raster, then through the PNG writer (metadata, atomic write). */
static memscape_status write_png_poster(const char *path, const memscape_poster *p,
                                        const page *pg, cairo_surface_t *img,
                                        memscape_error *err)
{
    uint32_t w = (uint32_t)(pg->width + 0.5), h = (uint32_t)(pg->height + 0.5);
    cairo_surface_t *canvas = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
    if (cairo_surface_status(canvas) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(canvas);
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                             "poster: no memory for %ux%u pixels", w, h);
    }
    cairo_t *cr = cairo_create(canvas);
    draw_page(cr, p, pg, img);
    cairo_status_t drawn = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_flush(canvas);
    memscape_raster out = {0};
    memscape_status st = drawn == CAIRO_STATUS_SUCCESS
                             ? memscape_raster_new(&out, w, h, err)
                             : memscape_fail(err, MEMSCAPE_EIO, MEMSCAPE_NO_OFFSET,
                                             "poster: cairo: %s", cairo_status_to_string(drawn));
    if (st == MEMSCAPE_OK) {
        const unsigned char *data = cairo_image_surface_get_data(canvas);
        size_t stride = (size_t)cairo_image_surface_get_stride(canvas);
        for (uint32_t y = 0; y < h; y++) {
            const uint32_t *row = (const uint32_t *)(const void *)(data + stride * y);
            for (uint32_t x = 0; x < w; x++)
                out.pixels[(size_t)y * w + x] = (memscape_rgb){
                    (uint8_t)(row[x] >> 16), (uint8_t)(row[x] >> 8), (uint8_t)row[x]};
        }
        memscape_png_options opts = p->png ? *p->png : (memscape_png_options){.zlib_level = -1};
        opts.dpi = p->dpi;
        opts.allow_indexed = 1;
        st = memscape_png_write(path, &out, &opts, err);
    }
    memscape_raster_free(&out);
    cairo_surface_destroy(canvas);
    return st;
}

static memscape_status check_poster(const memscape_poster *p, memscape_poster_format format,
                                    memscape_error *err)
{
    if (!p || !p->picture || !p->picture->pixels || p->picture->width == 0 ||
        p->picture->height == 0)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET, "poster: no picture");
    uint32_t side = p->picture->width > p->picture->height ? p->picture->width
                                                           : p->picture->height;
    if (format == MEMSCAPE_POSTER_PNG && !p->annotate)
        return MEMSCAPE_OK; /* written by libpng, not drawn */
    if (side > (p->annotate ? MEMSCAPE_POSTER_MAX_SIDE : (uint32_t)CAIRO_MAX_SIDE))
        return memscape_fail(err, MEMSCAPE_ELIMIT, MEMSCAPE_NO_OFFSET,
                             "poster: a %ux%u picture is larger than the %u pixels a side "
                             "a %s poster takes (use a smaller --size)",
                             p->picture->width, p->picture->height,
                             p->annotate ? MEMSCAPE_POSTER_MAX_SIDE : (uint32_t)CAIRO_MAX_SIDE,
                             p->annotate ? "annotated" : "PDF or SVG");
    if (p->annotate && p->palette && (unsigned)p->view >= MEMSCAPE_VIEW_COUNT)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET, "poster: unknown view");
    return MEMSCAPE_OK;
}

memscape_status memscape_poster_write(const char *path, memscape_poster_format format,
                                      const memscape_poster *poster, memscape_error *err)
{
    memscape_status st = check_poster(poster, format, err);
    if (st != MEMSCAPE_OK)
        return st;
    if (!path)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET, "poster: no path");
    if (format == MEMSCAPE_POSTER_PNG && !poster->annotate) {
        memscape_png_options opts =
            poster->png ? *poster->png : (memscape_png_options){.zlib_level = -1};
        opts.dpi = poster->dpi;
        return memscape_png_write(path, poster->picture, &opts, err);
    }
    page pg;
    plan_page(&pg, poster);
    if (pg.width > CAIRO_MAX_SIDE || pg.height > CAIRO_MAX_SIDE)
        return memscape_fail(err, MEMSCAPE_ELIMIT, MEMSCAPE_NO_OFFSET,
                             "poster: the page would be %.0fx%.0f pixels, more than cairo "
                             "draws", pg.width, pg.height);
    cairo_surface_t *img = picture_surface(poster->picture);
    if (!img)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                             "poster: no memory for the picture");
    if (format == MEMSCAPE_POSTER_PNG)
        st = write_png_poster(path, poster, &pg, img, err);
    else
        st = write_vector(path, format, poster, &pg, img, err);
    cairo_surface_destroy(img);
    return st;
}
