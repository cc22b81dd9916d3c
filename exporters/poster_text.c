/* SPDX-License-Identifier: MIT */
/* Text on posters: names from a dump made safe for cairo, addresses, fonts and halos. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "poster_draw.h"
#include "util/text.h"

/* Length of the valid UTF-8 sequence at s (1-4) that is a printable character, or 0: C0 and
 * C1 controls and DEL are refused with what is not UTF-8. */
static size_t printable_utf8_length(const unsigned char *s)
{
    size_t used;
    uint32_t cp = memscape_utf8_next(s, &used);
    if (cp == MEMSCAPE_UTF8_INVALID || cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
        return 0;
    return used;
}

void poster_clean_text(const char *in, char *out, size_t out_size, size_t max_chars)
{
    static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026 */
    size_t used = 0, chars = 0;
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    while (*s) {
        size_t len = printable_utf8_length(s);
        size_t take = len ? len : 1;
        /* Room for this character, or else an ellipsis, and the NUL. */
        if (chars == max_chars || used + take + sizeof ellipsis > out_size) {
            memcpy(out + used, ellipsis, sizeof ellipsis);
            return;
        }
        if (len)
            memcpy(out + used, s, len);
        else
            out[used] = '?';
        used += take;
        s += take;
        chars++;
    }
    out[used] = '\0';
}

void poster_format_address(const memscape_space *space, uint64_t addr, char *out, size_t size)
{
    const memscape_system *sys = space ? memscape_space_system(space) : NULL;
    int wide = addr > UINT32_MAX || !sys || sys->pointer_size != 4;
    if (wide)
        snprintf(out, size, "%08" PRIx32 "`%08" PRIx32, (uint32_t)(addr >> 32),
                 (uint32_t)addr);
    else
        snprintf(out, size, "%08" PRIx32, (uint32_t)addr);
}

void poster_set_font(cairo_t *cr, poster_font font, double size)
{
    /* Generic fontconfig names: DejaVu or whatever the machine maps them to. */
    cairo_select_font_face(cr, font == POSTER_FONT_MONO ? "monospace" : "sans-serif",
                           CAIRO_FONT_SLANT_NORMAL,
                           font == POSTER_FONT_BOLD ? CAIRO_FONT_WEIGHT_BOLD
                                                    : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

void poster_text(cairo_t *cr, double x, double baseline, const char *clean)
{
    cairo_move_to(cr, x, baseline);
    cairo_show_text(cr, clean);
}

void poster_text_halo(cairo_t *cr, double x, double baseline, const char *clean, double halo)
{
    cairo_save(cr);
    cairo_move_to(cr, x, baseline);
    cairo_text_path(cr, clean);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_width(cr, halo);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_stroke_preserve(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_fill(cr);
    cairo_restore(cr);
}

void poster_set_rgb(cairo_t *cr, memscape_rgb c)
{
    cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0);
}
