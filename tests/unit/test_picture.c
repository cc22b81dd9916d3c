/* SPDX-License-Identifier: MIT */
/* The PNG exporter and Dump2Picture. Written PNGs are decoded back here with libpng's own
 * reader and walked chunk by chunk (CRCs checked with zlib), and every pixel is compared with
 * the raster; hostile PNGs are built byte by byte; Dump2Picture sizes come from the formula
 * computed here and its pixels from the file bytes. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "memscape/dump.h"
#include "memscape/picture.h"

/* ---- rasters ----------------------------------------------------------------------------- */

/* Colour k of a set: distinct for every k < 65536. */
static memscape_rgb nth_colour(unsigned k)
{
    return (memscape_rgb){(uint8_t)(k & 255), (uint8_t)(k >> 8), (uint8_t)(k * 7 + 1)};
}

/* A raster using exactly `colours` colours (w * h >= colours), rows shifted against each other. */
static memscape_raster raster_of(uint32_t w, uint32_t h, unsigned colours)
{
    memscape_raster r;
    memscape_error err = {0};
    assert_int_equal(memscape_raster_new(&r, w, h, &err), MEMSCAPE_OK);
    assert_true((size_t)w * h >= colours);
    for (size_t i = 0; i < (size_t)w * h; i++)
        r.pixels[i] = nth_colour((unsigned)(i % colours));
    return r;
}

static uint32_t xorshift(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* ---- reading PNGs back, independently of the code under test ------------------------------ */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

typedef struct chunk {
    char type[5];
    const unsigned char *data;
    uint32_t len;
} chunk;

/* Split a PNG into its chunks, checking the signature and every CRC (PNG 2nd ed., 5.2-5.3). */
static size_t chunks_of(const unsigned char *png, size_t size, chunk *out, size_t max)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    assert_true(size >= 8);
    assert_memory_equal(png, sig, 8);
    size_t pos = 8, n = 0;
    while (pos < size) {
        assert_true(size - pos >= 12);
        uint32_t len = be32(png + pos);
        assert_true(len <= size - pos - 12);
        uLong crc = crc32(0, png + pos + 4, (uInt)len + 4);
        assert_int_equal(crc, be32(png + pos + 8 + len));
        assert_true(n < max);
        memcpy(out[n].type, png + pos + 4, 4);
        out[n].type[4] = '\0';
        out[n].data = png + pos + 8;
        out[n].len = len;
        n++;
        pos += 12 + (size_t)len;
    }
    assert_string_equal(out[n - 1].type, "IEND");
    return n;
}

static const chunk *find_chunk(const chunk *c, size_t n, const char *type)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].type, type) == 0)
            return &c[i];
    return NULL;
}

typedef struct decoded {
    uint32_t width, height;
    memscape_rgb *pixels;
} decoded;

static int read_expanded(png_structp png, png_infop info, FILE *f, decoded *d)
{
    if (setjmp(png_jmpbuf(png)))
        return -1;
    png_init_io(png, f);
    png_read_png(png, info, PNG_TRANSFORM_EXPAND, NULL);
    if (png_get_channels(png, info) != 3 || png_get_bit_depth(png, info) != 8)
        return -1;
    d->width = png_get_image_width(png, info);
    d->height = png_get_image_height(png, info);
    png_bytepp rows = png_get_rows(png, info);
    d->pixels = malloc((size_t)d->width * d->height * sizeof *d->pixels);
    if (!d->pixels)
        return -1;
    for (uint32_t y = 0; y < d->height; y++)
        for (uint32_t x = 0; x < d->width; x++) {
            const png_byte *p = rows[y] + 3 * (size_t)x;
            d->pixels[(size_t)y * d->width + x] = (memscape_rgb){p[0], p[1], p[2]};
        }
    return 0;
}

/* Decode path to 8-bit RGB with png_read_png(PNG_TRANSFORM_EXPAND). */
static decoded decode(const char *path)
{
    decoded d = {0};
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    int ok = info && read_expanded(png, info, f, &d) == 0;
    png_destroy_read_struct(&png, &info, NULL);
    fclose(f);
    assert_true(ok);
    return d;
}

static void assert_same_pixels(const char *path, const memscape_raster *r)
{
    decoded d = decode(path);
    assert_int_equal(d.width, r->width);
    assert_int_equal(d.height, r->height);
    for (size_t i = 0; i < (size_t)r->width * r->height; i++) {
        assert_int_equal(d.pixels[i].r, r->pixels[i].r);
        assert_int_equal(d.pixels[i].g, r->pixels[i].g);
        assert_int_equal(d.pixels[i].b, r->pixels[i].b);
    }
    free(d.pixels);
}

/* IHDR fields (PNG 11.2.2): bit depth at byte 8, colour type at byte 9. */
typedef struct header {
    unsigned depth, colour_type, palette_entries;
    size_t file_size;
} header;

static header header_of(const char *path)
{
    size_t size;
    unsigned char *png = slurp(path, &size);
    chunk c[64];
    size_t n = chunks_of(png, size, c, 64);
    assert_string_equal(c[0].type, "IHDR");
    assert_int_equal(c[0].len, 13);
    header h = {c[0].data[8], c[0].data[9], 0, size};
    const chunk *plte = find_chunk(c, n, "PLTE");
    if (plte) {
        assert_int_equal(plte->len % 3, 0);
        h.palette_entries = plte->len / 3;
    }
    free(png);
    return h;
}

/* ---- PNG: pixels ------------------------------------------------------------------------- */

static void test_png_rgb_round_trip(void **state)
{
    (void)state;
    char path[512];
    in_dir(path, sizeof path, "rgb.png");
    const struct {
        uint32_t w, h;
        int level;
    } cases[] = {{1, 1, -1}, {37, 23, 0}, {300, 2, 9}, {3, 200, 6}};
    uint32_t seed = 12345;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memscape_raster r;
        memscape_error err = {0};
        assert_int_equal(memscape_raster_new(&r, cases[i].w, cases[i].h, &err), MEMSCAPE_OK);
        for (size_t k = 0; k < (size_t)r.width * r.height; k++) {
            uint32_t v = xorshift(&seed);
            r.pixels[k] = (memscape_rgb){(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16)};
        }
        for (int indexed = 0; indexed <= 1; indexed++) {
            memscape_png_options o = {.zlib_level = cases[i].level, .allow_indexed = indexed};
            assert_int_equal(memscape_png_write(path, &r, &o, &err), MEMSCAPE_OK);
            header h = header_of(path);
            /* One pixel is one colour: indexed when allowed; random ones are too many. */
            int palette = indexed && r.width * r.height <= 256;
            assert_int_equal(h.colour_type, palette ? PNG_COLOR_TYPE_PALETTE : PNG_COLOR_TYPE_RGB);
            assert_int_equal(h.depth, palette ? 1 : 8);
            assert_same_pixels(path, &r);
        }
        memscape_raster_free(&r);
    }
    assert_false(exists(in_dir(path, sizeof path, "rgb.png.tmp")));
}

/* A palette PNG at the smallest depth that holds the colours; 257 colours stay RGB. */
static void test_png_indexed_bit_depths(void **state)
{
    (void)state;
    const struct {
        unsigned colours, depth;
    } cases[] = {{1, 1}, {2, 1}, {3, 2}, {4, 2}, {5, 4},    {16, 4},
                 {17, 8}, {200, 8}, {256, 8}, {257, 0}, {1000, 0}};
    const uint32_t widths[] = {1, 7, 13, 64}; /* rows ending inside a packed byte */
    char path[512];
    in_dir(path, sizeof path, "indexed.png");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (size_t k = 0; k < sizeof widths / sizeof widths[0]; k++) {
            uint32_t w = widths[k], h = (cases[i].colours + w - 1) / w + 3;
            memscape_raster r = raster_of(w, h, cases[i].colours);
            memscape_png_options o = {.zlib_level = -1, .allow_indexed = 1};
            memscape_error err = {0};
            assert_int_equal(memscape_png_write(path, &r, &o, &err), MEMSCAPE_OK);
            header hd = header_of(path);
            if (cases[i].depth) {
                assert_int_equal(hd.colour_type, PNG_COLOR_TYPE_PALETTE);
                assert_int_equal(hd.depth, cases[i].depth);
                assert_int_equal(hd.palette_entries, cases[i].colours);
            } else {
                assert_int_equal(hd.colour_type, PNG_COLOR_TYPE_RGB);
                assert_int_equal(hd.depth, 8);
                assert_int_equal(hd.palette_entries, 0);
            }
            assert_same_pixels(path, &r);
            memscape_raster_free(&r);
        }
}

/* The point of indexed output: the same few-colour picture in fewer bytes. */
static void test_png_indexed_is_smaller(void **state)
{
    (void)state;
    char rgb[512], pal[512];
    in_dir(rgb, sizeof rgb, "small-rgb.png");
    in_dir(pal, sizeof pal, "small-pal.png");
    memscape_raster r = raster_of(512, 512, 3);
    uint32_t seed = 99;
    for (size_t i = 0; i < 512 * 512; i++)
        r.pixels[i] = nth_colour(xorshift(&seed) % 3);
    memscape_png_options o = {.zlib_level = 9};
    memscape_error err = {0};
    assert_int_equal(memscape_png_write(rgb, &r, &o, &err), MEMSCAPE_OK);
    o.allow_indexed = 1;
    assert_int_equal(memscape_png_write(pal, &r, &o, &err), MEMSCAPE_OK);
    assert_true(header_of(pal).file_size * 2 < header_of(rgb).file_size);
    assert_same_pixels(pal, &r);
    memscape_raster_free(&r);
}

/* ---- PNG: pHYs and text ------------------------------------------------------------------ */

static void test_png_phys_from_dpi(void **state)
{
    (void)state;
    const uint32_t dpis[] = {0, 1, 72, 96, 150, 300, 600, 2400, 1000000};
    char path[512];
    in_dir(path, sizeof path, "dpi.png");
    memscape_raster r = raster_of(4, 4, 2);
    for (size_t i = 0; i < sizeof dpis / sizeof dpis[0]; i++) {
        memscape_png_options o = {.zlib_level = -1, .dpi = dpis[i]};
        memscape_error err = {0};
        assert_int_equal(memscape_png_write(path, &r, &o, &err), MEMSCAPE_OK);
        size_t size;
        unsigned char *png = slurp(path, &size);
        chunk c[16];
        size_t n = chunks_of(png, size, c, 16);
        const chunk *phys = find_chunk(c, n, "pHYs");
        if (dpis[i] == 0) {
            assert_null(phys);
        } else {
            /* PNG 11.3.5.3: x and y pixels per unit, then unit 1 = metre. */
            uint32_t want = (uint32_t)lround(dpis[i] / 0.0254);
            assert_non_null(phys);
            assert_int_equal(phys->len, 9);
            assert_int_equal(be32(phys->data), want);
            assert_int_equal(be32(phys->data + 4), want);
            assert_int_equal(phys->data[8], 1);
        }
        free(png);
    }
    memscape_raster_free(&r);
}

static char *long_utf8(size_t at_least)
{
    static const char piece[] = "memscape \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac "
                                "\xf0\x9f\x99\x82 caf\xc3\xa9; ";
    size_t n = (at_least / (sizeof piece - 1) + 1) * (sizeof piece - 1);
    char *s = malloc(n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i += sizeof piece - 1)
        memcpy(s + i, piece, sizeof piece - 1);
    s[n] = '\0';
    return s;
}

/* iTXt (PNG 11.3.4.5): keyword, NUL, compression flag, method, language, NUL, translated
 * keyword, NUL, text. Returns the text, inflated when the flag says so. */
static char *itxt_value(const chunk *c, const char *key, int *compressed)
{
    size_t klen = strlen(key);
    if (c->len < klen + 5 || memcmp(c->data, key, klen + 1) != 0)
        return NULL;
    const unsigned char *p = c->data + klen + 1, *end = c->data + c->len;
    *compressed = p[0];
    assert_int_equal(p[1], 0);
    p += 2;
    for (int field = 0; field < 2; field++) {
        const unsigned char *nul = memchr(p, 0, (size_t)(end - p));
        assert_non_null(nul);
        p = nul + 1;
    }
    uLongf out_len = 64u << 20;
    char *out = malloc(out_len + 1);
    assert_non_null(out);
    if (*compressed) {
        assert_int_equal(uncompress((Bytef *)out, &out_len, p, (uLong)(end - p)), Z_OK);
    } else {
        out_len = (uLongf)(end - p);
        memcpy(out, p, out_len);
    }
    out[out_len] = '\0';
    return out;
}

static void test_png_text_round_trip(void **state)
{
    (void)state;
    char path[512];
    in_dir(path, sizeof path, "text.png");
    char *long_value = long_utf8(300000);
    char key79[80];
    memset(key79, 'k', 79);
    key79[79] = '\0';
    const memscape_png_text text[] = {
        {"Software", "memscape test"},
        {"memscape-note", "h\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x99\x82"},
        {"memscape-map", long_value},
        {"Caf\xe9 key", "Latin-1 keyword"},
        {key79, "longest keyword"},
        {"empty", ""},
    };
    const size_t count = sizeof text / sizeof text[0];
    memscape_raster r = raster_of(16, 16, 40);
    memscape_png_options o = {.zlib_level = 6, .allow_indexed = 1, .text = text,
                              .text_count = count};
    memscape_error err = {0};
    assert_int_equal(memscape_png_write(path, &r, &o, &err), MEMSCAPE_OK);
    for (size_t i = 0; i < count; i++) {
        char *value = NULL;
        assert_int_equal(memscape_png_read_text(path, text[i].key, &value, &err), MEMSCAPE_OK);
        assert_string_equal(value, text[i].value);
        free(value);
    }
    char *value = NULL;
    assert_int_equal(memscape_png_read_text(path, "absent", &value, &err), MEMSCAPE_EINVAL);
    assert_null(value);

    /* In the file: iTXt only, all before the first IDAT, compressed only when long. */
    size_t size;
    unsigned char *png = slurp(path, &size);
    chunk c[64];
    size_t n = chunks_of(png, size, c, 64);
    size_t first_idat = (size_t)(find_chunk(c, n, "IDAT") - c), seen = 0;
    assert_null(find_chunk(c, n, "tEXt"));
    assert_null(find_chunk(c, n, "zTXt"));
    for (size_t i = 0; i < n; i++) {
        if (strcmp(c[i].type, "iTXt") != 0)
            continue;
        assert_true(i < first_idat);
        for (size_t t = 0; t < count; t++) {
            int compressed = -1;
            char *v = itxt_value(&c[i], text[t].key, &compressed);
            if (!v)
                continue;
            assert_string_equal(v, text[t].value);
            assert_int_equal(compressed, strlen(text[t].value) > 1024);
            free(v);
            seen++;
        }
    }
    assert_int_equal(seen, count);
    free(png);
    free(long_value);
    memscape_raster_free(&r);
}

/* ---- PNG: refused requests and atomic writes --------------------------------------------- */

static void test_png_refuses_bad_requests(void **state)
{
    (void)state;
    char path[512];
    in_dir(path, sizeof path, "refused.png");
    memscape_raster r = raster_of(4, 4, 3);
    memscape_error err = {0};
    const char *bad_keys[] = {"",           " lead",     "trail ",   "dou  ble",
                              "ctl\x01",    "del\x7f",   "nbsp\xa0", NULL,
                              "0123456789012345678901234567890123456789"
                              "0123456789012345678901234567890123456789"};
    for (size_t i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++) {
        memscape_png_text t = {bad_keys[i], "v"};
        memscape_png_options o = {.zlib_level = -1, .text = &t, .text_count = 1};
        assert_int_equal(memscape_png_write(path, &r, &o, &err), MEMSCAPE_EINVAL);
    }
    const char *bad_values[] = {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                NULL};
    for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
        memscape_png_text t = {"key", bad_values[i]};
        memscape_png_options o = {.zlib_level = -1, .text = &t, .text_count = 1};
        assert_int_equal(memscape_png_write(path, &r, &o, &err), MEMSCAPE_EINVAL);
    }
    const int bad_levels[] = {-2, 10, 100, INT32_MIN};
    for (size_t i = 0; i < sizeof bad_levels / sizeof bad_levels[0]; i++) {
        memscape_png_options o = {.zlib_level = bad_levels[i]};
        assert_int_equal(memscape_png_write(path, &r, &o, &err), MEMSCAPE_EINVAL);
        assert_non_null(strstr(err.msg, "zlib level"));
    }
    memscape_png_options huge_dpi = {.zlib_level = -1, .dpi = UINT32_MAX};
    assert_int_equal(memscape_png_write(path, &r, &huge_dpi, &err), MEMSCAPE_EINVAL);
    memscape_png_options no_text = {.zlib_level = -1, .text_count = 2};
    assert_int_equal(memscape_png_write(path, &r, &no_text, &err), MEMSCAPE_EINVAL);
    const memscape_raster empty[] = {{0, 4, r.pixels}, {4, 0, r.pixels}, {4, 4, NULL},
                                     {UINT32_MAX, UINT32_MAX, r.pixels}};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++)
        assert_int_equal(memscape_png_write(path, &empty[i], NULL, &err), MEMSCAPE_EINVAL);
    assert_int_equal(memscape_png_write(path, NULL, NULL, &err), MEMSCAPE_EINVAL);
    assert_int_equal(memscape_png_write(NULL, &r, NULL, &err), MEMSCAPE_EINVAL);
    assert_false(exists(path));
    assert_false(exists(in_dir(path, sizeof path, "refused.png.tmp")));
    memscape_raster_free(&r);
}

static void test_png_missing_directory_is_eio(void **state)
{
    (void)state;
    char path[512], tmp[512], sub[512];
    in_dir(path, sizeof path, "no-such-dir/out.png");
    in_dir(tmp, sizeof tmp, "no-such-dir/out.png.tmp");
    memscape_raster r = raster_of(4, 4, 3);
    memscape_error err = {0};
    assert_int_equal(memscape_png_write(path, &r, NULL, &err), MEMSCAPE_EIO);
    assert_int_equal(err.code, MEMSCAPE_EIO);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, strerror(ENOENT)));
    assert_false(exists(path));
    assert_false(exists(tmp));
    assert_false(exists(in_dir(sub, sizeof sub, "no-such-dir")));
    memscape_raster_free(&r);
}

/* Every failure leaves an existing file byte for byte and no "<path>.tmp". */
static void test_png_failure_keeps_old_file(void **state)
{
    (void)state;
    char path[512], tmp[512];
    in_dir(path, sizeof path, "keep.png");
    in_dir(tmp, sizeof tmp, "keep.png.tmp");
    memscape_raster good = raster_of(8, 8, 5);
    memscape_error err = {0};
    assert_int_equal(memscape_png_write(path, &good, NULL, &err), MEMSCAPE_OK);
    size_t before_size;
    unsigned char *before = slurp(path, &before_size);

    memscape_raster zero_width = {0, 8, good.pixels};
    assert_int_equal(memscape_png_write(path, &zero_width, NULL, &err), MEMSCAPE_EINVAL);
    memscape_png_text bad_key = {" x", "v"};
    memscape_png_options bad = {.zlib_level = -1, .text = &bad_key, .text_count = 1};
    assert_int_equal(memscape_png_write(path, &good, &bad, &err), MEMSCAPE_EINVAL);

    /* A failure in the middle of writing: the file-size limit makes write() fail (EFBIG). */
    memscape_raster big = raster_of(256, 256, 1000);
    struct rlimit saved, small;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    small = saved;
    small.rlim_cur = 16384;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    memscape_png_options stored = {.zlib_level = 0};
    memscape_status st = memscape_png_write(path, &big, &stored, &err);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, old_handler);
    assert_int_equal(st, MEMSCAPE_EIO);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, strerror(EFBIG)));

    size_t after_size;
    unsigned char *after = slurp(path, &after_size);
    assert_int_equal(after_size, before_size);
    assert_memory_equal(after, before, before_size);
    assert_false(exists(tmp));
    free(after);
    free(before);
    memscape_raster_free(&big);
    memscape_raster_free(&good);
}

/* The rename fails when the path is a directory: the .tmp goes, the directory stays. */
static void test_png_rename_failure_cleans_up(void **state)
{
    (void)state;
    char path[512], tmp[512];
    in_dir(path, sizeof path, "a-directory.png");
    in_dir(tmp, sizeof tmp, "a-directory.png.tmp");
    assert_int_equal(mkdir(path, 0755), 0);
    memscape_raster r = raster_of(4, 4, 3);
    memscape_error err = {0};
    assert_int_equal(memscape_png_write(path, &r, NULL, &err), MEMSCAPE_EIO);
    assert_non_null(strstr(err.msg, path));
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    assert_false(exists(tmp));
    assert_int_equal(rmdir(path), 0);
    memscape_raster_free(&r);
}

/* ---- hostile PNGs for memscape_png_read_text ----------------------------------------------- */

typedef struct bytes {
    unsigned char *p;
    size_t n, cap;
} bytes;

static void put(bytes *b, const void *data, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void put_be32(bytes *b, uint32_t v)
{
    unsigned char q[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    put(b, q, 4);
}

/* A chunk as PNG 5.3 lays it out; returns its offset. declared != len fakes the length. */
static size_t put_chunk(bytes *b, const char *type, const void *data, size_t len,
                        uint32_t declared)
{
    size_t at = b->n;
    put_be32(b, declared);
    put(b, type, 4);
    if (len)
        put(b, data, len);
    uLong crc = crc32(0, (const Bytef *)type, 4);
    if (len) /* crc32(crc, NULL, 0) would restart at 0 */
        crc = crc32(crc, data, (uInt)len);
    put_be32(b, (uint32_t)crc);
    return at;
}

/* zlib data for `total` copies of byte c, made in 64 KiB steps (a bomb needs no big buffer). */
static bytes deflate_run(unsigned char c, size_t total)
{
    static unsigned char in[65536], out[65536];
    memset(in, c, sizeof in);
    bytes z = {0};
    z_stream s = {0};
    assert_int_equal(deflateInit(&s, 9), Z_OK);
    int flush = Z_NO_FLUSH;
    do {
        size_t step = total < sizeof in ? total : sizeof in;
        total -= step;
        flush = total ? Z_NO_FLUSH : Z_FINISH;
        s.next_in = in;
        s.avail_in = (uInt)step;
        do {
            s.next_out = out;
            s.avail_out = sizeof out;
            assert_int_not_equal(deflate(&s, flush), Z_STREAM_ERROR);
            put(&z, out, sizeof out - s.avail_out);
        } while (s.avail_out == 0);
    } while (flush != Z_FINISH);
    deflateEnd(&s);
    return z;
}

typedef struct text_chunk {
    const char *type;    /* tEXt, zTXt or iTXt */
    const void *data;
    size_t len;
    uint32_t declared;   /* 0: the real length */
    int after_idat;
} text_chunk;

/* A 4x2 8-bit gray PNG (PNG 11.2.2) with one text chunk; *text_at is its offset and
 * *idat_data_at where the image data starts. */
static bytes tiny_png(const text_chunk *t, size_t *text_at, size_t *idat_data_at)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static const unsigned char ihdr[13] = {0, 0, 0, 4, 0, 0, 0, 2, 8, 0, 0, 0, 0};
    static const unsigned char rows[10] = {0, 1, 2, 3, 4, 0, 5, 6, 7, 8}; /* filter 0 each */
    unsigned char idat[64];
    uLongf idat_len = sizeof idat;
    assert_int_equal(compress(idat, &idat_len, rows, sizeof rows), Z_OK);
    bytes b = {0};
    put(&b, sig, sizeof sig);
    put_chunk(&b, "IHDR", ihdr, sizeof ihdr, sizeof ihdr);
    uint32_t declared = t->declared ? t->declared : (uint32_t)t->len;
    if (!t->after_idat)
        *text_at = put_chunk(&b, t->type, t->data, t->len, declared);
    *idat_data_at = put_chunk(&b, "IDAT", idat, idat_len, (uint32_t)idat_len) + 8;
    if (t->after_idat)
        *text_at = put_chunk(&b, t->type, t->data, t->len, declared);
    put_chunk(&b, "IEND", NULL, 0, 0);
    return b;
}

static memscape_status read_from(const char *name, const bytes *b, const char *key,
                                 char **value, memscape_error *err)
{
    char path[512];
    in_dir(path, sizeof path, name);
    spill(path, b->p, b->n);
    *value = NULL;
    memscape_status st = memscape_png_read_text(path, key, value, err);
    if (st != MEMSCAPE_OK)
        assert_null(*value);
    unlink(path);
    return st;
}

static void test_png_read_text_of_crafted_files(void **state)
{
    (void)state;
    static const char text[] = "key\0plain value";
    size_t at, idat;
    char *value;
    memscape_error err = {0};
    /* tEXt before and after the image data, zTXt, iTXt both ways. */
    const text_chunk plain = {"tEXt", text, sizeof text - 1, 0, 0};
    bytes b = tiny_png(&plain, &at, &idat);
    assert_int_equal(read_from("c.png", &b, "key", &value, &err), MEMSCAPE_OK);
    assert_string_equal(value, "plain value");
    free(value);
    free(b.p);
    const text_chunk late = {"tEXt", text, sizeof text - 1, 0, 1};
    b = tiny_png(&late, &at, &idat);
    assert_int_equal(read_from("c.png", &b, "key", &value, &err), MEMSCAPE_OK);
    assert_string_equal(value, "plain value");
    free(value);
    assert_int_equal(read_from("c.png", &b, "other", &value, &err), MEMSCAPE_EINVAL);
    /* After the image data, the text is only reached through it: a cut or broken image fails. */
    bytes cut = {b.p, idat + 3, idat + 3};
    assert_int_equal(read_from("c.png", &cut, "key", &value, &err), MEMSCAPE_ETRUNCATED);
    b.p[idat] ^= 0xff; /* the zlib header (RFC 1950, 2.2) */
    assert_int_equal(read_from("c.png", &b, "key", &value, &err), MEMSCAPE_ECORRUPT);
    free(b.p);

    bytes z = deflate_run('z', 5000);
    bytes ztxt = {0};
    put(&ztxt, "key\0\0", 5);
    put(&ztxt, z.p, z.n);
    const text_chunk zt = {"zTXt", ztxt.p, ztxt.n, 0, 0};
    b = tiny_png(&zt, &at, &idat);
    assert_int_equal(read_from("c.png", &b, "key", &value, &err), MEMSCAPE_OK);
    assert_int_equal(strlen(value), 5000);
    assert_int_equal(strspn(value, "z"), 5000);
    free(value);
    free(b.p);
    free(ztxt.p);
    free(z.p);
}

/* Where reading a PNG cut to len bytes stops: the cut itself inside a chunk header, else just
 * after the header of the chunk the cut falls in (its length runs past the end). */
static size_t stop_offset(const bytes *full, size_t len)
{
    size_t pos = 8;
    for (;;) {
        size_t end = pos + 12 + be32(full->p + pos);
        if (len < end)
            return len < pos + 8 ? len : pos + 8;
        pos = end;
    }
}

/* Every prefix of a good file: an error (with the offset where reading stopped) until the
 * image data begins, where reading stops because the key was found before it. */
static void test_png_read_text_truncated(void **state)
{
    (void)state;
    static const char text[] = "key\0value";
    size_t at, idat;
    const text_chunk t = {"tEXt", text, sizeof text - 1, 0, 0};
    bytes b = tiny_png(&t, &at, &idat);
    for (size_t len = 0; len < b.n; len++) {
        bytes cut = {b.p, len, len};
        char *value;
        memscape_error err = {0};
        memscape_status st = read_from("cut.png", &cut, "key", &value, &err);
        if (len < 8) {
            assert_int_equal(st, MEMSCAPE_EFORMAT);
            assert_int_equal(err.offset, 0);
        } else if (len < idat) {
            assert_int_equal(st, MEMSCAPE_ETRUNCATED);
            assert_int_equal(err.offset, stop_offset(&b, len));
        } else {
            assert_int_equal(st, MEMSCAPE_OK);
            assert_string_equal(value, "value");
            free(value);
        }
    }
    free(b.p);
}

static void test_png_read_text_hostile(void **state)
{
    (void)state;
    static const char text[] = "key\0value";
    size_t at, idat;
    char *value;
    memscape_error err = {0};

    bytes junk = {(unsigned char *)"GIF89a, not a PNG at all", 24, 24};
    assert_int_equal(read_from("h.png", &junk, "key", &value, &err), MEMSCAPE_EFORMAT);
    assert_int_equal(err.offset, 0);
    char path[512];
    assert_int_equal(memscape_png_read_text(in_dir(path, sizeof path, "absent.png"), "key",
                                            &value, &err), MEMSCAPE_EIO);
    assert_int_equal(memscape_png_read_text(path, "bad  key", &value, &err), MEMSCAPE_EINVAL);

    /* A bad CRC on the text chunk: libpng drops it, and says why. */
    const text_chunk t = {"tEXt", text, sizeof text - 1, 0, 0};
    bytes b = tiny_png(&t, &at, &idat);
    b.p[at + 8 + t.len] ^= 0x55;
    assert_int_equal(read_from("h.png", &b, "key", &value, &err), MEMSCAPE_ECORRUPT);
    free(b.p);
    /* A bad CRC on IHDR, a critical chunk. */
    b = tiny_png(&t, &at, &idat);
    b.p[8 + 8 + 13] ^= 0x01;
    assert_int_equal(read_from("h.png", &b, "key", &value, &err), MEMSCAPE_ECORRUPT);
    free(b.p);

    /* Garbage where the compressed text should be, and a bad iTXt compression flag. */
    static const char broken[] = "key\0\0this is not zlib data";
    const text_chunk bad_z = {"zTXt", broken, sizeof broken - 1, 0, 0};
    b = tiny_png(&bad_z, &at, &idat);
    assert_int_equal(read_from("h.png", &b, "key", &value, &err), MEMSCAPE_ECORRUPT);
    free(b.p);
    static const char bad_flag[] = "key\0\5\0\0\0text";
    const text_chunk bad_i = {"iTXt", bad_flag, sizeof bad_flag - 1, 0, 0};
    b = tiny_png(&bad_i, &at, &idat);
    assert_int_equal(read_from("h.png", &b, "key", &value, &err), MEMSCAPE_ECORRUPT);
    free(b.p);
}

/* Lengths and contents that would make libpng allocate without bound: refused, and the peak
 * memory of the process does not grow by anything like what they claim. */
static void test_png_read_text_no_big_allocations(void **state)
{
    (void)state;
    struct rusage before, after;
    assert_int_equal(getrusage(RUSAGE_SELF, &before), 0);
    size_t at, idat;
    char *value;
    memscape_error err = {0};
    static const char ztxt_head[] = "key\0\0";
    const char *types[] = {"tEXt", "zTXt", "iTXt"};
    const uint32_t declared[] = {0x7fffffffu, 0x7fffff00u, 0x03000000u, 0x80000000u,
                                 0xffffffffu};
    for (size_t t = 0; t < 3; t++)
        for (size_t i = 0; i < sizeof declared / sizeof declared[0]; i++) {
            const text_chunk huge = {types[t], ztxt_head, sizeof ztxt_head - 1, declared[i], 0};
            bytes b = tiny_png(&huge, &at, &idat);
            assert_int_equal(read_from("big.png", &b, "key", &value, &err),
                             MEMSCAPE_ETRUNCATED);
            assert_int_equal(err.offset, at + 8); /* just after the chunk header */
            free(b.p);
        }

    /* A real (sparse) file holding a tEXt chunk longer than the limit. */
    char path[512];
    in_dir(path, sizeof path, "sparse.png");
    const uint32_t len = MEMSCAPE_PNG_MAX_TEXT + 4096;
    const text_chunk big = {"tEXt", ztxt_head, 4, len, 0};
    bytes b = tiny_png(&big, &at, &idat);
    spill(path, b.p, at + 12);
    assert_int_equal(truncate(path, (off_t)(at + 12 + len + 100)), 0);
    assert_int_equal(memscape_png_read_text(path, "key", &value, &err), MEMSCAPE_ELIMIT);
    assert_int_equal(err.offset, at + 8);
    unlink(path);
    free(b.p);

    /* zTXt that inflates to 256 MiB (a zlib bomb): libpng stops at the limit. */
    bytes bomb = deflate_run('a', (size_t)256 << 20);
    bytes ztxt = {0};
    put(&ztxt, "key\0\0", 5);
    put(&ztxt, bomb.p, bomb.n);
    const text_chunk zt = {"zTXt", ztxt.p, ztxt.n, 0, 0};
    b = tiny_png(&zt, &at, &idat);
    assert_int_equal(read_from("big.png", &b, "key", &value, &err), MEMSCAPE_ELIMIT);
    assert_non_null(strstr(err.msg, "inflates past the text limit"));
    free(b.p);
    free(ztxt.p);
    free(bomb.p);

    assert_int_equal(getrusage(RUSAGE_SELF, &after), 0);
    assert_true(after.ru_maxrss - before.ru_maxrss < 256 * 1024); /* KiB: under 256 MiB */
}

/* A value one byte over MEMSCAPE_PNG_MAX_TEXT is refused; one at the limit is read. */
static void test_png_read_text_limit(void **state)
{
    (void)state;
    const size_t lens[] = {MEMSCAPE_PNG_MAX_TEXT, MEMSCAPE_PNG_MAX_TEXT + 1};
    for (size_t i = 0; i < 2; i++) {
        bytes z = deflate_run('m', lens[i]);
        bytes ztxt = {0};
        put(&ztxt, "key\0\0", 5);
        put(&ztxt, z.p, z.n);
        size_t at, idat;
        const text_chunk zt = {"zTXt", ztxt.p, ztxt.n, 0, 0};
        bytes b = tiny_png(&zt, &at, &idat);
        char *value;
        memscape_error err = {0};
        memscape_status st = read_from("limit.png", &b, "key", &value, &err);
        if (lens[i] <= MEMSCAPE_PNG_MAX_TEXT) {
            assert_int_equal(st, MEMSCAPE_OK);
            assert_int_equal(strlen(value), lens[i]);
            free(value);
        } else {
            assert_int_equal(st, MEMSCAPE_ELIMIT);
        }
        free(b.p);
        free(ztxt.p);
        free(z.p);
    }
}

/* ---- Dump2Picture ------------------------------------------------------------------------ */

/* floor(sqrt(n)) by bisection, overflow-free: the largest s with s <= n / s. */
static uint64_t floor_sqrt(uint64_t n)
{
    uint64_t lo = 0, hi = UINT32_MAX;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo + 1) / 2;
        if (mid <= n / mid)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static void expected_size(uint64_t size, unsigned bpp, uint64_t *w, uint64_t *h)
{
    uint64_t side = floor_sqrt(size / (bpp / 8));
    *w = bpp == 8 ? side - side % 8 : side - side % 2;
    *h = side - side % 2;
}

/* The pixel Dump2Picture shows for the bytes at p, written out from the format's definition. */
static memscape_rgb expected_pixel(const uint8_t *p, unsigned bpp)
{
    if (bpp == 8)
        return (memscape_rgb){p[0], p[0], p[0]};
    if (bpp == 16) {
        unsigned v = p[0] + 256u * p[1];
        unsigned red = (v / 1024) % 32, green = (v / 32) % 32, blue = v % 32;
        return (memscape_rgb){(uint8_t)floor(red * 255.0 / 31.0),
                              (uint8_t)floor(green * 255.0 / 31.0),
                              (uint8_t)floor(blue * 255.0 / 31.0)};
    }
    return (memscape_rgb){p[2], p[1], p[0]};
}

static void check_dump2picture(size_t size, unsigned bpp)
{
    uint8_t *file = size ? malloc(size) : NULL; /* exactly size bytes: ASan sees any overread */
    uint32_t seed = (uint32_t)size * 2654435761u + bpp;
    for (size_t i = 0; i < size; i++)
        file[i] = (uint8_t)(xorshift(&seed) >> 7);
    uint64_t w, h;
    expected_size(size, bpp, &w, &h);
    memscape_raster r = {0};
    memscape_error err = {0};
    memscape_status st = memscape_render_dump2picture(&r, file, size, bpp, &err);
    if (w == 0 || h == 0) {
        assert_int_equal(st, MEMSCAPE_EINVAL);
        free(file);
        return;
    }
    assert_int_equal(st, MEMSCAPE_OK);
    assert_int_equal(r.width, w);
    assert_int_equal(r.height, h);
    for (size_t i = 0; i < w * h; i++) {
        memscape_rgb want = expected_pixel(file + i * (bpp / 8), bpp);
        if (want.r != r.pixels[i].r || want.g != r.pixels[i].g || want.b != r.pixels[i].b)
            fail_msg("size %zu, %u bpp: pixel %zu is %u,%u,%u, not %u,%u,%u", size, bpp, i,
                     r.pixels[i].r, r.pixels[i].g, r.pixels[i].b, want.r, want.g, want.b);
    }
    memscape_raster_free(&r);
    free(file);
}

static void test_dump2picture_sizes_and_pixels(void **state)
{
    (void)state;
    const size_t sizes[] = {0, 1, 3, 4, 7, 8, 15, 16, 63, 64, 100, 255, 256, 4095, 4096,
                            4097, 65535, 65536, 65537, 99999};
    const unsigned bpps[] = {8, 16, 24, 32};
    for (size_t b = 0; b < 4; b++) {
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
            check_dump2picture(sizes[i], bpps[b]);
        /* Around perfect squares of pixels: sqrt lands just below, on and just above. */
        const size_t sides[] = {2, 7, 8, 9, 31, 32, 33, 255, 256, 257, 1023};
        size_t bytes_pp = bpps[b] / 8;
        for (size_t k = 0; k < sizeof sides / sizeof sides[0]; k++) {
            size_t square = sides[k] * sides[k] * bytes_pp;
            check_dump2picture(square - 1, bpps[b]);
            check_dump2picture(square, bpps[b]);
            check_dump2picture(square + 1, bpps[b]);
            check_dump2picture(square + bytes_pp * (2 * sides[k] + 1) - 1, bpps[b]);
        }
    }
}

/* X1R5G5B5 by hand: the top bit is ignored and 31 is full intensity. */
static void test_dump2picture_16bpp_channels(void **state)
{
    (void)state;
    const struct {
        uint16_t v;
        memscape_rgb rgb;
    } cases[] = {{0x7fff, {255, 255, 255}}, {0xffff, {255, 255, 255}}, {0x8000, {0, 0, 0}},
                 {0x7c00, {255, 0, 0}},     {0x03e0, {0, 255, 0}},     {0x001f, {0, 0, 255}},
                 {0x0421, {8, 8, 8}},       {0x4210, {131, 131, 131}}, {0x7bde, {246, 246, 246}}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t file[8];
        for (size_t k = 0; k < 8; k += 2) {
            file[k] = (uint8_t)(cases[i].v & 0xff);
            file[k + 1] = (uint8_t)(cases[i].v >> 8);
        }
        memscape_raster r = {0};
        memscape_error err = {0};
        assert_int_equal(memscape_render_dump2picture(&r, file, 8, 16, &err), MEMSCAPE_OK);
        assert_int_equal(r.width, 2);
        assert_int_equal(r.height, 2);
        for (size_t k = 0; k < 4; k++)
            assert_memory_equal(&r.pixels[k], &cases[i].rgb, sizeof cases[i].rgb);
        memscape_raster_free(&r);
    }
}

/* Past the side limit: refused from the size alone, naming the exact picture size; the bytes
 * are never read (a 1-byte buffer stands for the file). */
static void test_dump2picture_side_limit(void **state)
{
    (void)state;
    const unsigned bpps[] = {8, 16, 24, 32};
    uint8_t byte = 0;
    for (size_t b = 0; b < 4; b++) {
        uint64_t bytes_pp = bpps[b] / 8;
        const uint64_t sizes[] = {UINT64_MAX, UINT64_MAX - 1, (uint64_t)1 << 63,
                                  (uint64_t)65538 * 65538 * bytes_pp,
                                  (uint64_t)4294967295u * 4294967295u};
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            memscape_raster r = {0};
            memscape_error err = {0};
            assert_int_equal(memscape_render_dump2picture(&r, &byte, sizes[i], bpps[b], &err),
                             MEMSCAPE_ELIMIT);
            assert_null(r.pixels);
            uint64_t w, h;
            expected_size(sizes[i], bpps[b], &w, &h);
            char dims[64];
            snprintf(dims, sizeof dims, " %llux%llu ", (unsigned long long)w,
                     (unsigned long long)h);
            assert_non_null(strstr(err.msg, dims));
            assert_non_null(strstr(err.msg, "--cell"));
        }
    }
}

static void test_dump2picture_bad_arguments(void **state)
{
    (void)state;
    uint8_t file[256] = {0};
    memscape_raster r = {0};
    memscape_error err = {0};
    const unsigned bad_bpp[] = {0, 1, 4, 12, 15, 31, 33, 64, UINT32_MAX};
    for (size_t i = 0; i < sizeof bad_bpp / sizeof bad_bpp[0]; i++)
        assert_int_equal(memscape_render_dump2picture(&r, file, sizeof file, bad_bpp[i], &err),
                         MEMSCAPE_EINVAL);
    assert_int_equal(memscape_render_dump2picture(&r, NULL, 100, 8, &err), MEMSCAPE_EINVAL);
    assert_int_equal(memscape_render_dump2picture(NULL, file, sizeof file, 8, &err),
                     MEMSCAPE_EINVAL);
    assert_null(r.pixels);
}

/* The streamed Dump2Picture PNG (hand-written chunks, deflated in parallel strips), decoded
 * by libpng itself, is the picture memscape_render_dump2picture() makes, for every bpp, with
 * one thread and several, at a fast and a slow level; its text reads back. The file is large
 * enough for many strips and several batches of them. */
static void test_dump2picture_streamed_png_is_the_picture(void **state)
{
    (void)state;
    const size_t size = (size_t)5 << 20;
    uint8_t *file = malloc(size);
    assert_non_null(file);
    uint32_t x = 12345;
    for (size_t i = 0; i < size; i++) { /* runs of zeros and noise, as memory has */
        x = x * 1103515245u + 12345u;
        file[i] = (i >> 14) % 3 == 0 ? 0 : (uint8_t)(x >> 24);
    }
    memscape_dump *dump;
    memscape_open_options raw = {.raw = 1};
    memscape_error err = {0};
    assert_int_equal(memscape_dump_open_memory(&dump, file, size, &raw, &err), MEMSCAPE_OK);
    const memscape_png_text text[] = {{"memscape-view", "dump2picture"}};
    const unsigned bpps[] = {8, 16, 24, 32}, threads[] = {1, 3};
    const int levels[] = {1, 9};
    char path[512];
    in_dir(path, sizeof path, "stream.png");
    for (size_t b = 0; b < 4; b++)
        for (size_t t = 0; t < 2; t++) {
            memscape_png_options opts = {.zlib_level = levels[t], .dpi = 96, .text = text,
                                         .text_count = 1};
            assert_int_equal(memscape_dump2picture_write_png(path, memscape_dump_space(dump),
                                                             bpps[b], &opts, threads[t], &err),
                             MEMSCAPE_OK);
            memscape_raster want = {0};
            assert_int_equal(memscape_render_dump2picture(&want, file, size, bpps[b], &err),
                             MEMSCAPE_OK);
            png_image image = {.version = PNG_IMAGE_VERSION};
            assert_true(png_image_begin_read_from_file(&image, path));
            assert_int_equal(image.width, want.width);
            assert_int_equal(image.height, want.height);
            image.format = PNG_FORMAT_RGB;
            uint8_t *got = malloc(PNG_IMAGE_SIZE(image));
            assert_non_null(got);
            assert_true(png_image_finish_read(&image, NULL, got, 0, NULL));
            assert_memory_equal(got, want.pixels, (size_t)want.width * want.height * 3);
            free(got);
            memscape_raster_free(&want);
            char *value = NULL;
            assert_int_equal(memscape_png_read_text(path, "memscape-view", &value, &err),
                             MEMSCAPE_OK);
            assert_string_equal(value, "dump2picture");
            free(value);
        }
    memscape_dump_free(dump);
    free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_png_rgb_round_trip),
        cmocka_unit_test(test_png_indexed_bit_depths),
        cmocka_unit_test(test_png_indexed_is_smaller),
        cmocka_unit_test(test_png_phys_from_dpi),
        cmocka_unit_test(test_png_text_round_trip),
        cmocka_unit_test(test_png_refuses_bad_requests),
        cmocka_unit_test(test_png_missing_directory_is_eio),
        cmocka_unit_test(test_png_failure_keeps_old_file),
        cmocka_unit_test(test_png_rename_failure_cleans_up),
        cmocka_unit_test(test_png_read_text_of_crafted_files),
        cmocka_unit_test(test_png_read_text_truncated),
        cmocka_unit_test(test_png_read_text_hostile),
        cmocka_unit_test(test_png_read_text_no_big_allocations),
        cmocka_unit_test(test_png_read_text_limit),
        cmocka_unit_test(test_dump2picture_sizes_and_pixels),
        cmocka_unit_test(test_dump2picture_16bpp_channels),
        cmocka_unit_test(test_dump2picture_side_limit),
        cmocka_unit_test(test_dump2picture_bad_arguments),
        cmocka_unit_test(test_dump2picture_streamed_png_is_the_picture),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
