/* SPDX-License-Identifier: MIT */
/* The pattern icons: every icon of the catalogue drawn at 16 and 512 pixels into image
 * surfaces and looked at pixel by pixel here (ink, greys, colour, each unlike every other),
 * the refusals of memscape_icon_draw, and the files: PNGs decoded back with libpng's own
 * reader, SVGs searched for paths and images, the catalogue's list of names. */
#include <cairo.h>
#include <math.h>
#include <png.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "memscape/icons.h"
#include "memscape/patterns.h"
#include "memscape/picture.h"

/* The catalogue's text loads fonts through fontconfig, which keeps its configuration for the
 * life of the process by design (tests/lsan.supp, which the unit suite is not run with).
 * LeakSanitizer asks this hook for its default suppressions; without sanitizers it is unused. */
__attribute__((visibility("default"))) const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

/* ---- rendering --------------------------------------------------------------------------- */

typedef struct rgba {
    uint8_t r, g, b, a;
} rgba;

/* The icon drawn on a transparent side x side surface, as straight (not premultiplied)
 * pixels; the caller frees it. */
static rgba *render(const char *id, memscape_icon_variant variant, int side)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, side, side);
    cairo_t *cr = cairo_create(s);
    memscape_error err = {0};
    memscape_status st = memscape_icon_draw(cr, id, variant, 0, 0, side, side, &err);
    assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    if (st != MEMSCAPE_OK)
        fail_msg("%s: %s", id, err.msg);
    cairo_surface_flush(s);
    rgba *px = malloc((size_t)side * side * sizeof *px);
    assert_non_null(px);
    const unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
            uint32_t v;
            memcpy(&v, data + (size_t)y * stride + 4 * (size_t)x, 4);
            uint8_t a = (uint8_t)(v >> 24);
            /* cairo stores premultiplied native-endian ARGB words. */
            uint32_t c[3] = {v >> 16 & 255, v >> 8 & 255, v & 255};
            for (int k = 0; k < 3; k++)
                c[k] = a ? (c[k] * 255 + a / 2) / a : 0;
            px[(size_t)y * side + x] = (rgba){(uint8_t)c[0], (uint8_t)c[1], (uint8_t)c[2], a};
        }
    }
    cairo_surface_destroy(s);
    return px;
}

static int luma(rgba p)
{
    return (299 * p.r + 587 * p.g + 114 * p.b) / 1000;
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The tile's ground: the commonest opaque colour. */
static rgba ground_of(const rgba *px, size_t n)
{
    uint32_t *keys = malloc(n * sizeof *keys);
    assert_non_null(keys);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (px[i].a == 255)
            keys[m++] = (uint32_t)px[i].r << 16 | (uint32_t)px[i].g << 8 | px[i].b;
    assert_true(m > 0);
    qsort(keys, m, sizeof *keys, compare_u32);
    uint32_t best = keys[0];
    size_t best_run = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i;
        while (j < m && keys[j] == keys[i])
            j++;
        if (j - i > best_run) {
            best_run = j - i;
            best = keys[i];
        }
        i = j;
    }
    free(keys);
    return (rgba){(uint8_t)(best >> 16), (uint8_t)(best >> 8), (uint8_t)best, 255};
}

/* Pixels inside the tile's rim whose lightness is far from the ground's: the glyph's ink. */
static size_t ink_of(const rgba *px, int side)
{
    rgba ground = ground_of(px, (size_t)side * side);
    int rim = side / 16 + 1;
    size_t ink = 0;
    for (int y = rim; y < side - rim; y++)
        for (int x = rim; x < side - rim; x++)
            ink += abs(luma(px[(size_t)y * side + x]) - luma(ground)) >= 64;
    return ink;
}

/* Pixels that differ by more than a faint antialiasing step in any channel. */
static size_t differing_pixels(const rgba *a, const rgba *b, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        int d = abs(a[i].r - b[i].r) + abs(a[i].g - b[i].g) + abs(a[i].b - b[i].b) +
                abs(a[i].a - b[i].a);
        count += d > 48;
    }
    return count;
}

static const memscape_pattern *catalogue(size_t *count)
{
    const memscape_pattern *p = memscape_patterns(count);
    assert_non_null(p);
    assert_true(*count >= 22);
    return p;
}

/* ---- every icon -------------------------------------------------------------------------- */

static void test_icons_every_pattern_has_ink_at_16_pixels(void **state)
{
    (void)state;
    size_t n;
    const memscape_pattern *p = catalogue(&n);
    for (size_t i = 0; i < n; i++) {
        for (int v = MEMSCAPE_ICON_MONO; v <= MEMSCAPE_ICON_COLOUR; v++) {
            rgba *px = render(p[i].id, (memscape_icon_variant)v, 16);
            size_t ink = ink_of(px, 16);
            /* A glyph a reader can make out: at least a sixth of the 14 x 14 inside. */
            if (ink < 32)
                fail_msg("%s (%s) has %zu ink pixels at 16 px", p[i].id, v ? "colour" : "mono",
                         ink);
            free(px);
        }
    }
}

static void test_icons_every_pattern_drawn_at_512_pixels(void **state)
{
    (void)state;
    size_t n;
    const memscape_pattern *p = catalogue(&n);
    for (size_t i = 0; i < n; i++) {
        rgba *px = render(p[i].id, MEMSCAPE_ICON_COLOUR, 512);
        size_t ink = ink_of(px, 512);
        if (ink < 512 * 512 / 12)
            fail_msg("%s has %zu ink pixels at 512 px", p[i].id, ink);
        /* The tile is rounded: its corner pixel is transparent, its centre row opaque. */
        assert_int_equal(px[0].a, 0);
        assert_int_equal(px[256 * 512 + 256].a, 255);
        free(px);
    }
}

static void check_all_distinct(int side, memscape_icon_variant variant, size_t least)
{
    size_t n;
    const memscape_pattern *p = catalogue(&n);
    rgba **px = calloc(n, sizeof *px);
    assert_non_null(px);
    for (size_t i = 0; i < n; i++)
        px[i] = render(p[i].id, variant, side);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            size_t d = differing_pixels(px[i], px[j], (size_t)side * side);
            if (d < least)
                fail_msg("%s and %s differ in %zu pixels at %d px", p[i].id, p[j].id, d, side);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(px[i]);
    free(px);
}

static void test_icons_all_distinct_at_16_pixels(void **state)
{
    (void)state;
    /* Told apart by shape, not by a stray pixel: a tenth of the icon's area. */
    check_all_distinct(16, MEMSCAPE_ICON_MONO, 26);
    check_all_distinct(16, MEMSCAPE_ICON_COLOUR, 26);
}

static void test_icons_all_distinct_at_512_pixels(void **state)
{
    (void)state;
    check_all_distinct(512, MEMSCAPE_ICON_MONO, 512 * 512 / 10);
}

static void test_icons_mono_is_grey_only(void **state)
{
    (void)state;
    size_t n;
    const memscape_pattern *p = catalogue(&n);
    for (size_t i = 0; i < n; i++) {
        for (int side = 16; side <= 512; side += 496) {
            rgba *px = render(p[i].id, MEMSCAPE_ICON_MONO, side);
            size_t dark = 0;
            for (size_t k = 0; k < (size_t)side * side; k++) {
                if (px[k].a && (abs(px[k].r - px[k].g) > 1 || abs(px[k].g - px[k].b) > 1))
                    fail_msg("%s: mono pixel %zu is (%u, %u, %u)", p[i].id, k, px[k].r,
                             px[k].g, px[k].b);
                dark += px[k].a == 255 && px[k].r < 32;
            }
            assert_true(dark > 0); /* black ink, not only greys */
            free(px);
        }
    }
}

static void test_icons_colour_has_colour(void **state)
{
    (void)state;
    size_t n;
    const memscape_pattern *p = catalogue(&n);
    for (size_t i = 0; i < n; i++) {
        rgba *px = render(p[i].id, MEMSCAPE_ICON_COLOUR, 512);
        rgba *mono = render(p[i].id, MEMSCAPE_ICON_MONO, 512);
        size_t coloured = 0;
        for (size_t k = 0; k < 512u * 512u; k++) {
            int hi = px[k].r > px[k].g ? (px[k].r > px[k].b ? px[k].r : px[k].b)
                                       : (px[k].g > px[k].b ? px[k].g : px[k].b);
            int lo = px[k].r < px[k].g ? (px[k].r < px[k].b ? px[k].r : px[k].b)
                                       : (px[k].g < px[k].b ? px[k].g : px[k].b);
            coloured += px[k].a == 255 && hi - lo >= 60;
        }
        if (coloured < 512 * 512 / 50)
            fail_msg("%s: only %zu strongly coloured pixels", p[i].id, coloured);
        assert_true(differing_pixels(px, mono, 512u * 512u) > 512u * 512u / 50);
        free(px);
        free(mono);
    }
}

/* At 16 pixels edges snap to the grid: most of the glyph is solid pixels, not blur. */
static void test_icons_small_icons_are_sharp(void **state)
{
    (void)state;
    size_t n;
    const memscape_pattern *p = catalogue(&n);
    for (size_t i = 0; i < n; i++) {
        rgba *px = render(p[i].id, MEMSCAPE_ICON_MONO, 16);
        size_t solid = 0, blurred = 0;
        for (int y = 2; y < 14; y++) {
            for (int x = 2; x < 14; x++) {
                int l = luma(px[y * 16 + x]);
                solid += l < 40;
                blurred += l >= 40 && l < 215 && px[y * 16 + x].r == px[y * 16 + x].g;
            }
        }
        if (solid < 12)
            fail_msg("%s: %zu solid pixels at 16 px (%zu blurred)", p[i].id, solid, blurred);
        free(px);
    }
}

/* ---- refusals ---------------------------------------------------------------------------- */

static void test_icons_draw_refuses_bad_arguments(void **state)
{
    (void)state;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 32, 32);
    cairo_t *cr = cairo_create(s);
    memscape_error err = {0};
    assert_int_equal(memscape_icon_draw(cr, "no-such-pattern", MEMSCAPE_ICON_MONO, 0, 0, 32, 32,
                                        &err),
                     MEMSCAPE_EINVAL);
    assert_non_null(strstr(err.msg, "no-such-pattern"));
    assert_int_equal(memscape_icon_draw(cr, NULL, MEMSCAPE_ICON_MONO, 0, 0, 32, 32, &err),
                     MEMSCAPE_EINVAL);
    assert_int_equal(memscape_icon_draw(cr, "", MEMSCAPE_ICON_MONO, 0, 0, 32, 32, NULL),
                     MEMSCAPE_EINVAL);
    assert_int_equal(memscape_icon_draw(cr, "wow64", (memscape_icon_variant)7, 0, 0, 32, 32,
                                        &err),
                     MEMSCAPE_EINVAL);
    assert_int_equal(memscape_icon_draw(NULL, "wow64", MEMSCAPE_ICON_MONO, 0, 0, 32, 32, &err),
                     MEMSCAPE_EINVAL);
    const double bad[][4] = {{0, 0, 0, 32},   {0, 0, 32, 0},       {0, 0, -1, 32},
                             {NAN, 0, 32, 32}, {0, INFINITY, 32, 32}, {0, 0, 32, NAN}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(memscape_icon_draw(cr, "wow64", MEMSCAPE_ICON_MONO, bad[i][0],
                                            bad[i][1], bad[i][2], bad[i][3], &err),
                         MEMSCAPE_EINVAL);
    /* Nothing was drawn by the refusals. */
    cairo_surface_flush(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    for (int i = 0; i < cairo_image_surface_get_stride(s) * 32; i++)
        assert_int_equal(data[i], 0);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

static void test_icons_draw_keeps_the_context_state(void **state)
{
    (void)state;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 64, 64);
    cairo_t *cr = cairo_create(s);
    cairo_set_line_width(cr, 7.0);
    cairo_set_source_rgb(cr, 0.25, 0.5, 0.75);
    cairo_move_to(cr, 3, 4);
    assert_int_equal(memscape_icon_draw(cr, "cloud-environment", MEMSCAPE_ICON_COLOUR, 0, 0, 64,
                                        32, NULL),
                     MEMSCAPE_OK);
    assert_true(cairo_get_line_width(cr) == 7.0);
    double r, g, b, a;
    assert_int_equal(cairo_pattern_get_rgba(cairo_get_source(cr), &r, &g, &b, &a),
                     CAIRO_STATUS_SUCCESS);
    assert_true(r == 0.25 && g == 0.5 && b == 0.75);
    /* A 64 x 32 rectangle holds a 32 x 32 icon in its middle: columns 0..15 stay empty. */
    cairo_surface_flush(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    size_t left = 0, middle = 0;
    for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 16; x++)
            left += data[y * stride + 4 * x + 3] != 0;
        middle += data[y * stride + 4 * 32 + 3] != 0;
    }
    assert_int_equal(left, 0);
    assert_true(middle > 20);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* ---- files ------------------------------------------------------------------------------- */

/* A PNG read with libpng's simplified reader as 8-bit RGBA; the caller frees it. */
static unsigned char *read_png_rgba(const char *path, uint32_t *w, uint32_t *h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    assert_true(png_image_begin_read_from_file(&img, path));
    img.format = PNG_FORMAT_RGBA;
    unsigned char *buf = malloc(PNG_IMAGE_SIZE(img));
    assert_non_null(buf);
    assert_true(png_image_finish_read(&img, NULL, buf, 0, NULL));
    *w = img.width;
    *h = img.height;
    return buf;
}

static void test_icons_write_png(void **state)
{
    (void)state;
    char path[512];
    in_dir(path, sizeof path, "stack-overflow.png");
    memscape_error err = {0};
    assert_int_equal(memscape_icon_write(path, MEMSCAPE_POSTER_PNG, "stack-overflow",
                                         MEMSCAPE_ICON_COLOUR, 48, &err),
                     MEMSCAPE_OK);
    uint32_t w, h;
    unsigned char *px = read_png_rgba(path, &w, &h);
    assert_int_equal(w, 48);
    assert_int_equal(h, 48);
    assert_int_equal(px[3], 0);                         /* transparent corner */
    assert_int_equal(px[(24 * 48 + 24) * 4 + 3], 255);  /* opaque middle */
    /* The same pixels as drawing it here, give or take rounding of the alpha. */
    rgba *drawn = render("stack-overflow", MEMSCAPE_ICON_COLOUR, 48);
    for (size_t i = 0; i < 48u * 48u; i++) {
        assert_true(abs(px[4 * i + 3] - drawn[i].a) <= 1);
        if (drawn[i].a == 255)
            assert_true(abs(px[4 * i] - drawn[i].r) <= 1 && abs(px[4 * i + 2] - drawn[i].b) <= 1);
    }
    free(drawn);
    free(px);
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_false(exists(tmp));
}

static void test_icons_write_svg_is_paths(void **state)
{
    (void)state;
    char path[512];
    in_dir(path, sizeof path, "null.svg");
    memscape_error err = {0};
    assert_int_equal(memscape_icon_write(path, MEMSCAPE_POSTER_SVG, "null-pointer",
                                         MEMSCAPE_ICON_MONO, 512, &err),
                     MEMSCAPE_OK);
    size_t size;
    char *svg = slurp(path, &size);
    assert_non_null(strstr(svg, "<svg"));
    assert_non_null(strstr(svg, "<path"));
    assert_null(strstr(svg, "<image"));
    assert_null(strstr(svg, "<text"));
    assert_non_null(strstr(svg, "<title>NULL Pointer</title>"));
    assert_non_null(strstr(svg, "width=\"512"));
    assert_non_null(strstr(svg, "</svg>"));
    free(svg);
}

static void test_icons_write_pdf(void **state)
{
    (void)state;
    char path[512];
    in_dir(path, sizeof path, "wow.pdf");
    assert_int_equal(memscape_icon_write(path, MEMSCAPE_POSTER_PDF, "wow64",
                                         MEMSCAPE_ICON_COLOUR, 64, NULL),
                     MEMSCAPE_OK);
    size_t size;
    char *pdf = slurp(path, &size);
    assert_true(size > 200);
    assert_memory_equal(pdf, "%PDF-", 5);
    free(pdf);
}

static void test_icons_write_refuses(void **state)
{
    (void)state;
    char path[512];
    in_dir(path, sizeof path, "refused.png");
    memscape_error err = {0};
    const uint32_t sizes[] = {0, 1, MEMSCAPE_ICON_MIN_SIZE - 1, MEMSCAPE_ICON_MAX_SIZE + 1,
                              0x7fffffff, 0xffffffff};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        assert_int_equal(memscape_icon_write(path, MEMSCAPE_POSTER_PNG, "wow64",
                                             MEMSCAPE_ICON_MONO, sizes[i], &err),
                         MEMSCAPE_EINVAL);
    assert_int_equal(memscape_icon_write(path, MEMSCAPE_POSTER_PNG, "nope", MEMSCAPE_ICON_MONO,
                                         16, &err),
                     MEMSCAPE_EINVAL);
    assert_int_equal(memscape_icon_write(NULL, MEMSCAPE_POSTER_PNG, "wow64", MEMSCAPE_ICON_MONO,
                                         16, &err),
                     MEMSCAPE_EINVAL);
    assert_int_equal(memscape_icon_write(path, (memscape_poster_format)9, "wow64",
                                         MEMSCAPE_ICON_MONO, 16, &err),
                     MEMSCAPE_EINVAL);
    assert_false(exists(path));
}

static void test_icons_write_failure_leaves_nothing(void **state)
{
    (void)state;
    char path[512], tmp[600];
    in_dir(path, sizeof path, "no-such-folder/icon.svg");
    memscape_error err = {0};
    for (int f = MEMSCAPE_POSTER_PNG; f <= MEMSCAPE_POSTER_SVG; f++)
        assert_int_equal(memscape_icon_write(path, (memscape_poster_format)f, "wow64",
                                             MEMSCAPE_ICON_MONO, 16, &err),
                         MEMSCAPE_EIO);
    assert_non_null(strstr(err.msg, "icon.svg"));
    /* A folder where the file should go: the rename fails, no temporary file stays. */
    in_dir(path, sizeof path, "taken.png");
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(memscape_icon_write(path, MEMSCAPE_POSTER_PNG, "wow64", MEMSCAPE_ICON_MONO,
                                         16, &err),
                     MEMSCAPE_EIO);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_false(exists(tmp));
}

static void test_icons_catalogue_names_every_pattern(void **state)
{
    (void)state;
    char path[512];
    in_dir(path, sizeof path, "catalogue.png");
    memscape_error err = {0};
    memscape_icon_catalogue opts = {.icon_size = 32};
    assert_int_equal(memscape_icon_catalogue_write(path, MEMSCAPE_POSTER_PNG, &opts, &err),
                     MEMSCAPE_OK);
    char *list = NULL;
    assert_int_equal(memscape_png_read_text(path, "memscape-icons", &list, &err), MEMSCAPE_OK);
    size_t n;
    const memscape_pattern *p = catalogue(&n);
    for (size_t i = 0; i < n; i++) {
        char line[160];
        snprintf(line, sizeof line, "%s\t%s\n", p[i].id, p[i].name);
        if (!strstr(list, line))
            fail_msg("the catalogue's list lacks %s", p[i].id);
    }
    free(list);
    uint32_t w, h;
    unsigned char *px = read_png_rgba(path, &w, &h);
    /* Every pattern's cell holds two 32-pixel icons and its name: a sheet at least that big. */
    assert_true((size_t)w * h >= n * (2 * 32 + 8) * (32 + 24));
    free(px);

    in_dir(path, sizeof path, "catalogue.svg");
    assert_int_equal(memscape_icon_catalogue_write(path, MEMSCAPE_POSTER_SVG, NULL, &err),
                     MEMSCAPE_OK);
    size_t size;
    char *svg = slurp(path, &size);
    assert_null(strstr(svg, "<image"));
    for (size_t i = 0; i < n; i++)
        assert_non_null(strstr(svg, p[i].id));
    free(svg);
}

static void test_icons_catalogue_refuses_sizes(void **state)
{
    (void)state;
    char path[512];
    in_dir(path, sizeof path, "bad-catalogue.png");
    const uint32_t sizes[] = {1, 15, 257, 0xffffffff};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        memscape_icon_catalogue opts = {.icon_size = sizes[i]};
        assert_int_equal(memscape_icon_catalogue_write(path, MEMSCAPE_POSTER_PNG, &opts, NULL),
                         MEMSCAPE_EINVAL);
    }
    assert_int_equal(memscape_icon_catalogue_write(NULL, MEMSCAPE_POSTER_PNG, NULL, NULL),
                     MEMSCAPE_EINVAL);
    assert_false(exists(path));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_icons_every_pattern_has_ink_at_16_pixels),
        cmocka_unit_test(test_icons_every_pattern_drawn_at_512_pixels),
        cmocka_unit_test(test_icons_all_distinct_at_16_pixels),
        cmocka_unit_test(test_icons_all_distinct_at_512_pixels),
        cmocka_unit_test(test_icons_mono_is_grey_only),
        cmocka_unit_test(test_icons_colour_has_colour),
        cmocka_unit_test(test_icons_small_icons_are_sharp),
        cmocka_unit_test(test_icons_draw_refuses_bad_arguments),
        cmocka_unit_test(test_icons_draw_keeps_the_context_state),
        cmocka_unit_test(test_icons_write_png),
        cmocka_unit_test(test_icons_write_svg_is_paths),
        cmocka_unit_test(test_icons_write_pdf),
        cmocka_unit_test(test_icons_write_refuses),
        cmocka_unit_test(test_icons_write_failure_leaves_nothing),
        cmocka_unit_test(test_icons_catalogue_names_every_pattern),
        cmocka_unit_test(test_icons_catalogue_refuses_sizes),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
