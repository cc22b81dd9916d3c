/* SPDX-License-Identifier: MIT */
/* Pattern icons: the tile under each glyph, drawing into any cairo context, and the files: one
 * icon as PNG, SVG or PDF, and the catalogue sheet of them all with their names.
 *
 * Every file goes through one path: a drawing (a size and a function that draws it) rendered
 * to an image surface for PNG, or to cairo's SVG or PDF surface, and written to "<path>.tmp"
 * then renamed (util/atomic_file.h). SVG output is held in memory first so the pattern names
 * can go into its <title> and <desc>, which cairo does not write. */
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icons_draw.h"
#include "poster_draw.h"
#include "util/atomic_file.h"
#include "util/error.h"

/* An SVG of every icon at 256 pixels is about a megabyte; this only stops a runaway. */
#define SVG_MAX_BYTES (64u << 20)
#define CATALOGUE_DEFAULT_ICON 64u
#define CATALOGUE_MIN_ICON 16u
#define CATALOGUE_MAX_ICON 256u

/* ---- the tile ---------------------------------------------------------------------------- */

typedef struct tile_colours {
    double ground[3];
    double rim[3];
} tile_colours;

/* Colour tiles are tinted by the pattern's kind: red for crashes, amber for problems, blue
 * for context; pale enough for the glyph's dark line, rims dark enough to hold the tile
 * apart from a white or a black page. */
static tile_colours tile_colours_for(memscape_icon_variant variant, memscape_pattern_kind kind)
{
    static const tile_colours mono = {{1.0, 1.0, 1.0}, {0.45, 0.45, 0.45}};
    static const tile_colours by_kind[] = {
        [MEMSCAPE_PATTERN_CRASH] = {{1.0, 0.925, 0.91}, {0.78, 0.22, 0.17}},
        [MEMSCAPE_PATTERN_PROBLEM] = {{1.0, 0.955, 0.85}, {0.80, 0.52, 0.04}},
        [MEMSCAPE_PATTERN_CONTEXT] = {{0.91, 0.95, 0.99}, {0.23, 0.46, 0.72}},
    };
    if (variant == MEMSCAPE_ICON_MONO || (unsigned)kind > MEMSCAPE_PATTERN_CONTEXT)
        return mono;
    return by_kind[kind];
}

static void draw_tile(icon_pen *p)
{
    tile_colours c = tile_colours_for(p->variant, p->kind);
    const double rim = 0.5;
    pen_stroke_mode(p, rim);
    pen_round_rect(p, rim / 2.0, rim / 2.0, ICON_GRID - rim, ICON_GRID - rim, 3.0);
    cairo_set_source_rgb(p->cr, c.ground[0], c.ground[1], c.ground[2]);
    cairo_fill_preserve(p->cr);
    cairo_set_source_rgb(p->cr, c.rim[0], c.rim[1], c.rim[2]);
    cairo_stroke(p->cr);
}

/* ---- drawing into a context -------------------------------------------------------------- */

static int finite_positive(double v)
{
    return isfinite(v) && v > 0.0;
}

memscape_status memscape_icon_draw(struct _cairo *cr, const char *id,
                                   memscape_icon_variant variant, double x, double y,
                                   double width, double height, memscape_error *err)
{
    const memscape_pattern *pattern = memscape_pattern_find(id);
    icon_glyph_fn glyph = id ? icon_glyph_for(id) : NULL;
    if (!pattern || !glyph)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "icons: no pattern '%s'", id ? id : "(null)");
    if (variant != MEMSCAPE_ICON_MONO && variant != MEMSCAPE_ICON_COLOUR)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "icons: unknown variant %d", (int)variant);
    if (!cr || cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "icons: no usable cairo context");
    if (!isfinite(x) || !isfinite(y) || !finite_positive(width) || !finite_positive(height))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "icons: the rectangle is empty or not finite");
    double side = width < height ? width : height;
    cairo_save(cr);
    cairo_new_path(cr);
    icon_pen pen = {
        .cr = cr,
        .x0 = x + (width - side) / 2.0,
        .y0 = y + (height - side) / 2.0,
        .unit = side / ICON_GRID,
        .variant = variant,
        .kind = pattern->kind,
    };
    double dx = side, dy = 0.0;
    cairo_user_to_device_distance(cr, &dx, &dy);
    pen.device_side = hypot(dx, dy);
    pen.snap = pen.device_side < ICON_SNAP_BELOW;
    pen.detail = pen.device_side >= ICON_DETAIL_FROM;
    pen_round(&pen, 1);
    draw_tile(&pen);
    pen_round(&pen, 1);
    glyph(&pen);
    cairo_restore(cr);
    return MEMSCAPE_OK;
}

/* ---- drawings and their files ------------------------------------------------------------ */

typedef struct drawing {
    double width, height;               /* pixels (PNG), px (SVG) or points (PDF) */
    void (*draw)(cairo_t *cr, const void *ctx);
    const void *ctx;
    int opaque;                         /* PNG: RGB on white, else RGBA */
    const char *title;                  /* SVG <title>, PDF title */
    const char *desc;                   /* SVG <desc> */
    const memscape_png_text *png_text;  /* opaque PNG only */
    size_t png_text_count;
} drawing;

static cairo_status_t to_atomic_file(void *closure, const unsigned char *data, unsigned int len)
{
    return memscape_atomic_write(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS
                                                          : CAIRO_STATUS_WRITE_ERROR;
}

/* Draw d on surface; the first cairo error, or SUCCESS. */
static cairo_status_t render(cairo_surface_t *surface, const drawing *d)
{
    cairo_t *cr = cairo_create(surface);
    if (d->opaque) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
    }
    d->draw(cr, d->ctx);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    return st;
}

static memscape_status cairo_failure(const char *path, const char *what, cairo_status_t st,
                                     memscape_error *err)
{
    memscape_status code = st == CAIRO_STATUS_NO_MEMORY ? MEMSCAPE_ENOMEM : MEMSCAPE_EIO;
    return memscape_fail(err, code, MEMSCAPE_NO_OFFSET, "%s: cannot draw %s: %s", what, path,
                         cairo_status_to_string(st));
}

/* An opaque image through the project's PNG writer, which adds the text metadata. */
static memscape_status write_opaque_png(const char *path, cairo_surface_t *img,
                                        const drawing *d, memscape_error *err)
{
    uint32_t w = (uint32_t)cairo_image_surface_get_width(img);
    uint32_t h = (uint32_t)cairo_image_surface_get_height(img);
    memscape_raster out = {0};
    memscape_status st = memscape_raster_new(&out, w, h, err);
    if (st != MEMSCAPE_OK)
        return st;
    const unsigned char *data = cairo_image_surface_get_data(img);
    size_t stride = (size_t)cairo_image_surface_get_stride(img);
    for (uint32_t y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(data + stride * y);
        for (uint32_t x = 0; x < w; x++)
            out.pixels[(size_t)y * w + x] = (memscape_rgb){
                (uint8_t)(row[x] >> 16), (uint8_t)(row[x] >> 8), (uint8_t)row[x]};
    }
    memscape_png_options opts = {.zlib_level = 9, .allow_indexed = 1, .text = d->png_text,
                                 .text_count = d->png_text_count};
    st = memscape_png_write(path, &out, &opts, err);
    memscape_raster_free(&out);
    return st;
}

static memscape_status write_png(const char *path, const drawing *d, memscape_error *err)
{
    int w = (int)ceil(d->width), h = (int)ceil(d->height);
    cairo_surface_t *img =
        cairo_image_surface_create(d->opaque ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_ARGB32, w, h);
    cairo_status_t st = cairo_surface_status(img);
    if (st == CAIRO_STATUS_SUCCESS)
        st = render(img, d);
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return cairo_failure(path, "PNG", st, err);
    }
    cairo_surface_flush(img);
    memscape_status result;
    if (d->opaque) {
        result = write_opaque_png(path, img, d, err);
    } else {
        memscape_atomic_file file;
        result = memscape_atomic_open(&file, path, "PNG", err);
        if (result == MEMSCAPE_OK) {
            st = cairo_surface_write_to_png_stream(img, to_atomic_file, &file);
            result = memscape_atomic_commit(
                &file, "PNG", st != CAIRO_STATUS_SUCCESS ? cairo_status_to_string(st) : NULL,
                err);
        }
    }
    cairo_surface_destroy(img);
    return result;
}

static memscape_status write_pdf(const char *path, const drawing *d, memscape_error *err)
{
    memscape_atomic_file file;
    memscape_status result = memscape_atomic_open(&file, path, "PDF", err);
    if (result != MEMSCAPE_OK)
        return result;
    cairo_surface_t *surface =
        cairo_pdf_surface_create_for_stream(to_atomic_file, &file, d->width, d->height);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, d->title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "memscape");
    cairo_status_t st = render(surface, d);
    cairo_surface_finish(surface);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    return memscape_atomic_commit(&file, "PDF",
                                  st != CAIRO_STATUS_SUCCESS ? cairo_status_to_string(st) : NULL,
                                  err);
}

/* ---- SVG, held in memory ----------------------------------------------------------------- */

typedef struct text_buffer {
    char *data;
    size_t len, cap;
    int failed;                         /* out of memory or over SVG_MAX_BYTES */
} text_buffer;

static void buffer_add(text_buffer *b, const void *data, size_t len)
{
    if (b->failed)
        return;
    if (len > SVG_MAX_BYTES - b->len) {
        b->failed = 1;
        return;
    }
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + len + 1)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

static void buffer_add_text(text_buffer *b, const char *s)
{
    buffer_add(b, s, strlen(s));
}

/* Our own ASCII names, escaped all the same so a future name cannot break the XML. */
static void buffer_add_xml_escaped(text_buffer *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': buffer_add_text(b, "&lt;"); break;
        case '>': buffer_add_text(b, "&gt;"); break;
        case '&': buffer_add_text(b, "&amp;"); break;
        case '"': buffer_add_text(b, "&quot;"); break;
        default: buffer_add(b, s, 1); break;
        }
    }
}

static cairo_status_t to_buffer(void *closure, const unsigned char *data, unsigned int len)
{
    text_buffer *b = closure;
    buffer_add(b, data, len);
    return b->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* svg with <title> and <desc> right after its root element's start tag. */
static void add_svg_metadata(text_buffer *out, const text_buffer *svg, const drawing *d)
{
    const char *root = strstr(svg->data, "<svg");
    const char *end = root ? strchr(root, '>') : NULL;
    size_t head = end ? (size_t)(end + 1 - svg->data) : svg->len;
    buffer_add(out, svg->data, head);
    if (end) {
        buffer_add_text(out, "\n<title>");
        buffer_add_xml_escaped(out, d->title);
        buffer_add_text(out, "</title>\n<desc>");
        buffer_add_xml_escaped(out, d->desc ? d->desc : d->title);
        buffer_add_text(out, "</desc>");
    }
    buffer_add(out, svg->data + head, svg->len - head);
}

static memscape_status write_svg(const char *path, const drawing *d, memscape_error *err)
{
    text_buffer svg = {0}, out = {0};
    cairo_surface_t *surface =
        cairo_svg_surface_create_for_stream(to_buffer, &svg, d->width, d->height);
    cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX);
    cairo_status_t st = render(surface, d);
    cairo_surface_finish(surface);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    memscape_status result;
    if (svg.failed || (st == CAIRO_STATUS_SUCCESS && !svg.data)) {
        result = memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                               "SVG: no memory for %s", path);
    } else if (st != CAIRO_STATUS_SUCCESS) {
        result = cairo_failure(path, "SVG", st, err);
    } else {
        add_svg_metadata(&out, &svg, d);
        result = out.failed ? memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                                            "SVG: no memory for %s", path)
                            : memscape_atomic_write_file(path, "SVG", out.data, out.len, err);
    }
    free(svg.data);
    free(out.data);
    return result;
}

static memscape_status write_drawing(const char *path, memscape_poster_format format,
                                     const drawing *d, memscape_error *err)
{
    switch (format) {
    case MEMSCAPE_POSTER_PNG: return write_png(path, d, err);
    case MEMSCAPE_POSTER_PDF: return write_pdf(path, d, err);
    case MEMSCAPE_POSTER_SVG: return write_svg(path, d, err);
    }
    return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET, "icons: unknown format %d",
                         (int)format);
}

/* ---- one icon ---------------------------------------------------------------------------- */

typedef struct one_icon {
    const char *id;
    memscape_icon_variant variant;
    double size;
} one_icon;

static void draw_one_icon(cairo_t *cr, const void *ctx)
{
    const one_icon *icon = ctx;
    /* Checked by the caller: cannot fail. */
    memscape_icon_draw(cr, icon->id, icon->variant, 0, 0, icon->size, icon->size, NULL);
}

static const char *variant_name(memscape_icon_variant variant)
{
    return variant == MEMSCAPE_ICON_MONO ? "black and white" : "colour";
}

memscape_status memscape_icon_write(const char *path, memscape_poster_format format,
                                    const char *id, memscape_icon_variant variant,
                                    uint32_t size, memscape_error *err)
{
    const memscape_pattern *pattern = memscape_pattern_find(id);
    if (!pattern || !icon_glyph_for(id))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "icons: no pattern '%s'", id ? id : "(null)");
    if (variant != MEMSCAPE_ICON_MONO && variant != MEMSCAPE_ICON_COLOUR)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "icons: unknown variant %d", (int)variant);
    if (size < MEMSCAPE_ICON_MIN_SIZE || size > MEMSCAPE_ICON_MAX_SIZE)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "icons: size %u is not from %u to %u pixels", size,
                             MEMSCAPE_ICON_MIN_SIZE, MEMSCAPE_ICON_MAX_SIZE);
    if (!path)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET, "icons: no path");
    char desc[256];
    snprintf(desc, sizeof desc, "memscape icon for the memory dump analysis pattern %s (%s), %s",
             pattern->name, pattern->id, variant_name(variant));
    one_icon icon = {id, variant, size};
    drawing d = {.width = size, .height = size, .draw = draw_one_icon, .ctx = &icon,
                 .title = pattern->name, .desc = desc};
    return write_drawing(path, format, &d, err);
}

/* ---- the catalogue ----------------------------------------------------------------------- */

typedef struct sheet {
    memscape_icon_variant variants[2];
    size_t variant_count;
    double icon, gap;                   /* icon side and the space between icons */
    double name_size, id_size;          /* font sizes */
    double margin, header;              /* page margin; height of the title block */
    double cell_w, cell_h;
    size_t columns, rows;
    const memscape_pattern *patterns;
    size_t count;
    char subtitle[160];
} sheet;

/* The icons of one pattern side by side. */
static double icons_width(const sheet *s)
{
    double n = (double)s->variant_count;
    return n * s->icon + (n - 1.0) * s->gap;
}

static double text_width(cairo_t *cr, const char *text)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, text, &e);
    return e.x_advance;
}

/* The widest name, measured where nothing is kept. */
static double widest_name(const sheet *s)
{
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_t *cr = cairo_create(scratch);
    double widest = 0.0;
    for (size_t i = 0; i < s->count; i++) {
        poster_set_font(cr, POSTER_FONT_BOLD, s->name_size);
        double w = text_width(cr, s->patterns[i].name);
        poster_set_font(cr, POSTER_FONT_MONO, s->id_size);
        double wi = text_width(cr, s->patterns[i].id);
        widest = fmax(widest, fmax(w, wi));
    }
    cairo_destroy(cr);
    cairo_surface_destroy(scratch);
    return widest;
}

/* Columns for a page about half again as wide as tall. */
static size_t columns_for(const sheet *s)
{
    size_t best = 1;
    double best_miss = INFINITY;
    for (size_t c = 1; c <= s->count; c++) {
        size_t rows = (s->count + c - 1) / c;
        double ratio = ((double)c * s->cell_w) / ((double)rows * s->cell_h + s->header);
        double miss = fabs(log(ratio / 1.5));
        if (miss < best_miss) {
            best_miss = miss;
            best = c;
        }
    }
    return best;
}

static void plan_sheet(sheet *s, const memscape_icon_catalogue *opts)
{
    memset(s, 0, sizeof *s);
    uint32_t side = opts && opts->icon_size ? opts->icon_size : CATALOGUE_DEFAULT_ICON;
    int mono = !opts || opts->mono || !opts->colour;
    int colour = !opts || opts->colour || !opts->mono;
    if (mono)
        s->variants[s->variant_count++] = MEMSCAPE_ICON_MONO;
    if (colour)
        s->variants[s->variant_count++] = MEMSCAPE_ICON_COLOUR;
    s->patterns = memscape_patterns(&s->count);
    s->icon = side;
    s->gap = fmax(6.0, round(side / 4.0));
    s->name_size = fmin(fmax(round(side * 0.2), 12.0), 26.0);
    s->id_size = round(s->name_size * 0.8);
    s->margin = 2.0 * s->name_size;
    s->header = 4.2 * s->name_size;
    double icons_w = icons_width(s);
    s->cell_w = ceil(fmax(icons_w, widest_name(s)) + 2.0 * s->gap);
    s->cell_h = ceil(s->icon + 0.6 * s->gap + 2.9 * s->name_size + s->gap);
    s->columns = columns_for(s);
    s->rows = (s->count + s->columns - 1) / s->columns;
    snprintf(s->subtitle, sizeof s->subtitle,
             "%zu patterns, %s; after Dmitry Vostokov's Icons for Memory Dump Analysis Patterns",
             s->count,
             s->variant_count == 2 ? "black and white, and colour" : variant_name(s->variants[0]));
}

static double sheet_width(const sheet *s)
{
    return 2.0 * s->margin + (double)s->columns * s->cell_w;
}

static double sheet_height(const sheet *s)
{
    return 2.0 * s->margin + s->header + (double)s->rows * s->cell_h;
}

static void centred_text(cairo_t *cr, double cx, double baseline, const char *text)
{
    poster_text(cr, cx - text_width(cr, text) / 2.0, baseline, text);
}

static void draw_cell(cairo_t *cr, const sheet *s, size_t i, double x, double y)
{
    const memscape_pattern *p = &s->patterns[i];
    double icons_w = icons_width(s);
    /* Whole pixels, so small icons keep their pixel-grid snapping on the sheet. */
    double left = round(x + (s->cell_w - icons_w) / 2.0);
    for (size_t v = 0; v < s->variant_count; v++)
        memscape_icon_draw(cr, p->id, s->variants[v], left + (double)v * (s->icon + s->gap), y,
                           s->icon, s->icon, NULL);
    double cx = x + s->cell_w / 2.0;
    double baseline = y + s->icon + 0.6 * s->gap + s->name_size;
    cairo_set_source_rgb(cr, 0.08, 0.08, 0.08);
    poster_set_font(cr, POSTER_FONT_BOLD, s->name_size);
    centred_text(cr, cx, baseline, p->name);
    cairo_set_source_rgb(cr, 0.38, 0.38, 0.38);
    poster_set_font(cr, POSTER_FONT_MONO, s->id_size);
    centred_text(cr, cx, baseline + 1.35 * s->name_size, p->id);
}

static void draw_sheet(cairo_t *cr, const void *ctx)
{
    const sheet *s = ctx;
    cairo_set_source_rgb(cr, 0, 0, 0);
    poster_set_font(cr, POSTER_FONT_BOLD, 1.5 * s->name_size);
    poster_text(cr, s->margin, s->margin + 1.4 * s->name_size,
                "memscape: memory dump analysis pattern icons");
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    poster_set_font(cr, POSTER_FONT_SANS, 0.85 * s->name_size);
    poster_text(cr, s->margin, s->margin + 2.8 * s->name_size, s->subtitle);
    for (size_t i = 0; i < s->count; i++) {
        double x = s->margin + (double)(i % s->columns) * s->cell_w;
        double y = s->margin + s->header + (double)(i / s->columns) * s->cell_h;
        draw_cell(cr, s, i, x, y);
    }
}

/* "id<TAB>name" a line, for the PNG's metadata and the SVG's <desc>. */
static char *pattern_list(const sheet *s)
{
    text_buffer b = {0};
    for (size_t i = 0; i < s->count; i++) {
        buffer_add_text(&b, s->patterns[i].id);
        buffer_add_text(&b, "\t");
        buffer_add_text(&b, s->patterns[i].name);
        buffer_add_text(&b, "\n");
    }
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return b.data;
}

memscape_status memscape_icon_catalogue_write(const char *path, memscape_poster_format format,
                                              const memscape_icon_catalogue *opts,
                                              memscape_error *err)
{
    if (opts && opts->icon_size &&
        (opts->icon_size < CATALOGUE_MIN_ICON || opts->icon_size > CATALOGUE_MAX_ICON))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "icons: catalogue icon size %u is not from %u to %u pixels",
                             opts->icon_size, CATALOGUE_MIN_ICON, CATALOGUE_MAX_ICON);
    if (!path)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET, "icons: no path");
    sheet s;
    plan_sheet(&s, opts);
    char *list = pattern_list(&s);
    if (!list)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                             "icons: out of memory");
    memscape_png_text text[] = {{"Title", "memscape pattern icons"}, {"memscape-icons", list}};
    drawing d = {.width = sheet_width(&s), .height = sheet_height(&s), .draw = draw_sheet,
                 .ctx = &s, .opaque = 1, .title = "memscape pattern icons", .desc = list,
                 .png_text = text, .png_text_count = 2};
    memscape_status st = write_drawing(path, format, &d, err);
    free(list);
    return st;
}
