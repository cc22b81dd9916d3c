/* SPDX-License-Identifier: MIT */
/* One page drawn by cairo into a PDF or SVG file: the posters' and the pool treemap's vector
 * output. The page is drawn in poster pixels; a PDF page is sized for the print resolution
 * (72 points an inch), an SVG keeps pixels as its unit. The file is written to a temporary
 * name and renamed (util/atomic_file.h), so a failure leaves no partial file. */
#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "poster_draw.h"
#include "util/atomic_file.h"

static cairo_status_t write_to_file(void *closure, const unsigned char *data, unsigned int len)
{
    return memscape_atomic_write(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS
                                                          : CAIRO_STATUS_WRITE_ERROR;
}

static cairo_surface_t *page_surface(const poster_vector_page *page, memscape_atomic_file *file,
                                     double scale)
{
    if (page->format != MEMSCAPE_POSTER_PDF) {
        cairo_surface_t *svg = cairo_svg_surface_create_for_stream(write_to_file, file,
                                                                   page->width, page->height);
        cairo_svg_surface_set_document_unit(svg, CAIRO_SVG_UNIT_PX);
        return svg;
    }
    cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(
        write_to_file, file, page->width * scale, page->height * scale);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, page->clean_title);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "memscape");
    return pdf;
}

memscape_status poster_write_vector_page(const char *path, const poster_vector_page *page,
                                         memscape_error *err)
{
    const char *what = page->format == MEMSCAPE_POSTER_PDF ? "PDF" : "SVG";
    memscape_atomic_file file;
    memscape_status st = memscape_atomic_open(&file, path, what, err);
    if (st != MEMSCAPE_OK)
        return st;
    uint32_t dpi = page->dpi ? page->dpi : MEMSCAPE_POSTER_DEFAULT_DPI;
    double scale = page->format == MEMSCAPE_POSTER_PDF ? 72.0 / dpi : 1.0;
    cairo_surface_t *surface = page_surface(page, &file, scale);
    cairo_t *cr = cairo_create(surface);
    cairo_scale(cr, scale, scale);
    page->paint(cr, page->ctx);
    cairo_status_t drawn = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t finished = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    cairo_status_t bad = drawn != CAIRO_STATUS_SUCCESS ? drawn : finished;
    return memscape_atomic_commit(&file, what,
                                  bad != CAIRO_STATUS_SUCCESS ? cairo_status_to_string(bad)
                                                              : NULL,
                                  err);
}
