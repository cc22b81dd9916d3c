/* SPDX-License-Identifier: MIT */
/* The PNG exporter and Dump2Picture: pictures are decoded back with libpng here and compared
 * pixel by pixel with what was drawn; Dump2Picture pixels with the file's bytes. */
#include <png.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "memscape/picture.h"

static char dir[] = "/tmp/memscape-test-picture-XXXXXX";

static int make_dir(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void path_in_dir(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

/* Decode a PNG to 8-bit RGB with libpng (expanding palettes and low bit depths). */
static memscape_rgb *decode(const char *path, uint32_t *w, uint32_t *h, png_byte *color_type)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    assert_non_null(info);
    png_init_io(png, f);
    png_read_png(png, info, PNG_TRANSFORM_EXPAND | PNG_TRANSFORM_STRIP_16, NULL);
    *w = png_get_image_width(png, info);
    *h = png_get_image_height(png, info);
    *color_type = png_get_color_type(png, info);
    png_bytepp rows = png_get_rows(png, info);
    unsigned channels = png_get_channels(png, info);
    memscape_rgb *px = calloc((size_t)*w * *h, sizeof *px);
    assert_non_null(px);
    for (uint32_t y = 0; y < *h; y++)
        for (uint32_t x = 0; x < *w; x++) {
            png_bytep p = rows[y] + (size_t)x * channels;
            px[(size_t)y * *w + x] = channels >= 3 ? (memscape_rgb){p[0], p[1], p[2]}
                                                   : (memscape_rgb){p[0], p[0], p[0]};
        }
    png_destroy_read_struct(&png, &info, NULL);
    fclose(f);
    return px;
}

static memscape_raster make_raster(uint32_t w, uint32_t h, unsigned colours)
{
    memscape_raster r;
    memscape_error err = {0};
    assert_int_equal(memscape_raster_new(&r, w, h, &err), MEMSCAPE_OK);
    for (uint32_t i = 0; i < w * h; i++) {
        unsigned k = (i * 7u + i / w) % colours;
        r.pixels[i] = (memscape_rgb){(uint8_t)(k * 37), (uint8_t)(k >> 1), (uint8_t)(255 - k)};
    }
    return r;
}

static void check_round_trip(unsigned colours, int allow_indexed)
{
    char path[256];
    path_in_dir(path, sizeof path, "round.png");
    memscape_raster r = make_raster(37, 23, colours);
    memscape_png_options o = {.zlib_level = 9, .allow_indexed = allow_indexed};
    memscape_error err = {0};
    assert_int_equal(memscape_png_write(path, &r, &o, &err), MEMSCAPE_OK);
    uint32_t w, h;
    png_byte type;
    memscape_rgb *px = decode(path, &w, &h, &type);
    assert_int_equal(w, 37);
    assert_int_equal(h, 23);
    (void)type; /* expanded to RGB on reading; test_picture_png_indexed checks the file's */
    for (size_t i = 0; i < (size_t)w * h; i++) {
        assert_int_equal(px[i].r, r.pixels[i].r);
        assert_int_equal(px[i].g, r.pixels[i].g);
        assert_int_equal(px[i].b, r.pixels[i].b);
    }
    free(px);
    memscape_raster_free(&r);
}

static void test_picture_png_round_trip(void **state)
{
    (void)state;
    const unsigned colours[] = {1, 2, 3, 16, 17, 256, 257, 900};
    for (size_t i = 0; i < sizeof colours / sizeof colours[0]; i++) {
        check_round_trip(colours[i], 1);
        check_round_trip(colours[i], 0);
    }
}

/* Few colours make a palette PNG; more than 256 stay RGB. */
static void test_picture_png_indexed_when_it_can(void **state)
{
    (void)state;
    char path[256];
    path_in_dir(path, sizeof path, "indexed.png");
    const struct {
        unsigned colours;
        png_byte type;
    } cases[] = {{4, PNG_COLOR_TYPE_PALETTE}, {256, PNG_COLOR_TYPE_PALETTE},
                 {257, PNG_COLOR_TYPE_RGB}};
    for (size_t i = 0; i < 3; i++) {
        memscape_raster r = make_raster(64, 64, cases[i].colours);
        memscape_png_options o = {.zlib_level = -1, .allow_indexed = 1};
        memscape_error err = {0};
        assert_int_equal(memscape_png_write(path, &r, &o, &err), MEMSCAPE_OK);
        FILE *f = fopen(path, "rb");
        png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
        png_infop info = png_create_info_struct(png);
        png_init_io(png, f);
        png_read_info(png, info);
        assert_int_equal(png_get_color_type(png, info), cases[i].type);
        png_destroy_read_struct(&png, &info, NULL);
        fclose(f);
        memscape_raster_free(&r);
    }
}

static void test_picture_png_text_and_dpi(void **state)
{
    (void)state;
    char path[256];
    path_in_dir(path, sizeof path, "text.png");
    char *long_value = malloc(200000);
    assert_non_null(long_value);
    for (size_t i = 0; i < 199999; i++)
        long_value[i] = (char)('a' + i % 26);
    long_value[199999] = '\0';
    memscape_png_text text[] = {{"short", "h\xc3\xa9llo"}, {"memscape-map", long_value}};
    memscape_raster r = make_raster(8, 8, 3);
    memscape_png_options o = {.zlib_level = 6, .dpi = 300, .text = text, .text_count = 2};
    memscape_error err = {0};
    assert_int_equal(memscape_png_write(path, &r, &o, &err), MEMSCAPE_OK);
    char *value = NULL;
    assert_int_equal(memscape_png_read_text(path, "short", &value, &err), MEMSCAPE_OK);
    assert_string_equal(value, "h\xc3\xa9llo");
    free(value);
    assert_int_equal(memscape_png_read_text(path, "memscape-map", &value, &err), MEMSCAPE_OK);
    assert_string_equal(value, long_value);
    free(value);
    assert_int_equal(memscape_png_read_text(path, "absent", &value, &err), MEMSCAPE_EINVAL);
    FILE *f = fopen(path, "rb");
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    png_init_io(png, f);
    png_read_info(png, info);
    png_uint_32 rx, ry;
    int unit;
    assert_true(png_get_pHYs(png, info, &rx, &ry, &unit));
    assert_int_equal(rx, 11811); /* 300 dpi = 11811.02 pixels per metre */
    assert_int_equal(unit, PNG_RESOLUTION_METER);
    png_destroy_read_struct(&png, &info, NULL);
    fclose(f);
    free(long_value);
    memscape_raster_free(&r);
}

static long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* A failed write leaves no partial file and never replaces a good one. */
static void test_picture_png_atomic(void **state)
{
    (void)state;
    char good[256], tmp[300], missing[256];
    path_in_dir(good, sizeof good, "good.png");
    snprintf(tmp, sizeof tmp, "%s.tmp", good);
    path_in_dir(missing, sizeof missing, "no-such-dir/out.png");
    memscape_raster r = make_raster(16, 16, 5);
    memscape_error err = {0};
    assert_int_equal(memscape_png_write(good, &r, NULL, &err), MEMSCAPE_OK);
    long before = file_size(good);
    memscape_raster empty = {0};
    assert_int_equal(memscape_png_write(good, &empty, NULL, &err), MEMSCAPE_EINVAL);
    memscape_png_options bad_level = {.zlib_level = 12};
    assert_int_equal(memscape_png_write(good, &r, &bad_level, &err), MEMSCAPE_EINVAL);
    assert_int_equal(file_size(good), before);
    assert_int_equal(file_size(tmp), -1);
    assert_int_equal(memscape_png_write(missing, &r, NULL, &err), MEMSCAPE_EIO);
    assert_non_null(strstr(err.msg, "no-such-dir"));
    memscape_raster_free(&r);
}

/* Reading text from hostile files: errors, never crashes. */
static void test_picture_png_hostile_reads(void **state)
{
    (void)state;
    char path[256];
    path_in_dir(path, sizeof path, "hostile.png");
    char *value = NULL;
    memscape_error err = {0};
    FILE *f = fopen(path, "wb");
    fputs("not a picture at all", f);
    fclose(f);
    assert_int_equal(memscape_png_read_text(path, "k", &value, &err), MEMSCAPE_EFORMAT);
    /* A real PNG cut short, and one whose first chunk length is absurd. */
    memscape_raster r = make_raster(32, 32, 300);
    memscape_png_text text[] = {{"k", "value"}};
    memscape_png_options o = {.text = text, .text_count = 1, .zlib_level = -1};
    assert_int_equal(memscape_png_write(path, &r, &o, &err), MEMSCAPE_OK);
    assert_int_equal(truncate(path, 40), 0);
    assert_int_not_equal(memscape_png_read_text(path, "k", &value, &err), MEMSCAPE_OK);
    assert_int_equal(memscape_png_write(path, &r, &o, &err), MEMSCAPE_OK);
    f = fopen(path, "r+b");
    fseek(f, 8, SEEK_SET);
    fputc(0x7f, f); /* IHDR length 0x7f00000d */
    fclose(f);
    assert_int_not_equal(memscape_png_read_text(path, "k", &value, &err), MEMSCAPE_OK);
    memscape_raster_free(&r);
}

/* Dump2Picture: sizes from the formula, pixels from the bytes. */
static void check_dump2picture(size_t size, unsigned bpp)
{
    uint8_t *file = malloc(size ? size : 1);
    assert_non_null(file);
    for (size_t i = 0; i < size; i++)
        file[i] = (uint8_t)(i * 131 + (i >> 8));
    size_t side = 0;
    while ((side + 1) * (side + 1) <= size / (bpp / 8))
        side++;
    size_t width = bpp == 8 ? side / 8 * 8 : side / 2 * 2, height = side / 2 * 2;
    memscape_raster r = {0};
    memscape_error err = {0};
    memscape_status st = memscape_render_dump2picture(&r, file, size, bpp, &err);
    if (width < 2 || height < 2) {
        assert_int_equal(st, MEMSCAPE_EINVAL);
        free(file);
        return;
    }
    assert_int_equal(st, MEMSCAPE_OK);
    assert_int_equal(r.width, width);
    assert_int_equal(r.height, height);
    for (size_t i = 0; i < width * height; i++) {
        const uint8_t *p = file + i * (bpp / 8);
        memscape_rgb want;
        if (bpp == 8) {
            want = (memscape_rgb){p[0], p[0], p[0]};
        } else if (bpp == 16) {
            unsigned v = p[0] | p[1] << 8;
            want = (memscape_rgb){(uint8_t)(((v >> 10) & 31) * 255 / 31),
                                  (uint8_t)(((v >> 5) & 31) * 255 / 31),
                                  (uint8_t)((v & 31) * 255 / 31)};
        } else {
            want = (memscape_rgb){p[2], p[1], p[0]};
        }
        assert_memory_equal(&r.pixels[i], &want, sizeof want);
    }
    memscape_raster_free(&r);
    free(file);
}

static void test_picture_dump2picture(void **state)
{
    (void)state;
    const size_t sizes[] = {0, 15, 16, 100, 255, 256, 4096, 4097, 65535, 65536, 99999};
    const unsigned bpps[] = {8, 16, 24, 32};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (size_t b = 0; b < 4; b++)
            check_dump2picture(sizes[i], bpps[b]);
    memscape_raster r = {0};
    memscape_error err = {0};
    uint8_t byte = 0;
    assert_int_equal(memscape_render_dump2picture(&r, &byte, 1, 12, &err), MEMSCAPE_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_picture_png_round_trip),
        cmocka_unit_test(test_picture_png_indexed_when_it_can),
        cmocka_unit_test(test_picture_png_text_and_dpi),
        cmocka_unit_test(test_picture_png_atomic),
        cmocka_unit_test(test_picture_png_hostile_reads),
        cmocka_unit_test(test_picture_dump2picture),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
