/* SPDX-License-Identifier: MIT */
/* Dump2Picture: a file's raw bytes shown as pixels, the way Dmitry Vostokov's Dump2Picture
 * draws a memory dump. The picture is square before rounding: side = floor(sqrt(size / bytes
 * per pixel)); the width is rounded down to even (to a multiple of 8 at 8 bpp), the height to
 * even. Pixels follow the file order, top row first, starting at byte 0; the bytes after
 * width * height pixels are not shown. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "png_internal.h"
#include "space_build.h"

#include "memscape/picture.h"
#include "util/error.h"

/* floor(sqrt(n)) exactly, one result bit per step (the classic digit-by-digit method): no
 * floating point, so no off-by-one near perfect squares however large n is. */
static uint64_t isqrt_u64(uint64_t n)
{
    uint64_t root = 0;
    uint64_t bit = (uint64_t)1 << 62; /* the highest power of 4 a uint64_t holds */
    while (bit > n)
        bit >>= 2;
    while (bit != 0) {
        if (n >= root + bit) {
            n -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    return root;
}

/* 16 bpp: X1R5G5B5, little-endian (bit 15 unused, red in bits 14-10, green 9-5, blue 4-0);
 * a 5-bit channel v becomes v * 255 / 31, rounded down, so 31 is full intensity. */
static uint8_t scale_5bit(unsigned v)
{
    return (uint8_t)((v & 31u) * 255u / 31u);
}

/* n pixels from the file bytes at in, as R, G, B bytes at out: 8 bpp a gray level per byte;
 * 16 bpp X1R5G5B5; 24 and 32 bpp B, G, R (, unused) bytes, the order of a Windows DIB. */
static void pixels_to_rgb(unsigned bpp, const uint8_t *in, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++, out += 3) {
        if (bpp == 8) {
            out[0] = out[1] = out[2] = in[i];
        } else if (bpp == 16) {
            unsigned v = (unsigned)in[2 * i] | (unsigned)in[2 * i + 1] << 8;
            out[0] = scale_5bit(v >> 10), out[1] = scale_5bit(v >> 5), out[2] = scale_5bit(v);
        } else {
            const uint8_t *p = in + i * (bpp / 8);
            out[0] = p[2], out[1] = p[1], out[2] = p[0];
        }
    }
}

/* The picture's size by the Dump2Picture rule, or a failure for a bpp it has not, a file too
 * small, or a side above MEMSCAPE_LAYOUT_MAX_SIDE. */
static memscape_status picture_size(uint64_t size, unsigned bpp, uint32_t *w, uint32_t *h,
                                    memscape_error *err)
{
    if (bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "dump2picture: %u bits per pixel is not 8, 16, 24 or 32", bpp);
    uint64_t side = isqrt_u64(size / (bpp / 8));
    uint64_t width = bpp == 8 ? side / 8 * 8 : side / 2 * 2;
    uint64_t height = side / 2 * 2;
    if (width == 0 || height == 0)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "dump2picture: a file of %llu bytes is too small for a picture at "
                             "%u bpp", (unsigned long long)size, bpp);
    /* A bigger square would need more than 2^32 pixels; such files are for the other views,
     * which fold any number of bytes into one pixel. */
    if (width > MEMSCAPE_LAYOUT_MAX_SIDE || height > MEMSCAPE_LAYOUT_MAX_SIDE)
        return memscape_fail(err, MEMSCAPE_ELIMIT, MEMSCAPE_NO_OFFSET,
                             "dump2picture: a file of %llu bytes at %u bpp makes a %llux%llu "
                             "picture, above the %u-pixel side limit; use another view with "
                             "--cell", (unsigned long long)size, bpp, (unsigned long long)width,
                             (unsigned long long)height, MEMSCAPE_LAYOUT_MAX_SIDE);
    *w = (uint32_t)width;
    *h = (uint32_t)height;
    return MEMSCAPE_OK;
}

memscape_status memscape_render_dump2picture(memscape_raster *out, const uint8_t *file,
                                             uint64_t size, unsigned bpp, memscape_error *err)
{
    if (!out || (!file && size != 0))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "dump2picture: no raster or no file bytes");
    uint32_t w, h;
    memscape_status st = picture_size(size, bpp, &w, &h, err);
    if (st == MEMSCAPE_OK)
        st = memscape_raster_new(out, w, h, err);
    if (st != MEMSCAPE_OK)
        return st;
    /* w * h * bpp/8 <= side^2 * bpp/8 <= size: every pixel's bytes are in the file. memscape_rgb
     * is three bytes, R, G, B (palette.h), so a raster row is the RGB bytes. */
    _Static_assert(sizeof(memscape_rgb) == 3, "memscape_rgb is packed R, G, B");
    for (uint32_t y = 0; y < h; y++)
        pixels_to_rgb(bpp, file + (size_t)y * w * (bpp / 8), w,
                      (uint8_t *)(out->pixels + (size_t)y * w));
    return MEMSCAPE_OK;
}

/* ---- straight to PNG --------------------------------------------------------------------- */

typedef struct row_source {
    const memscape_space *space;
    const uint8_t *file;
    uint32_t width;
    unsigned bpp;
} row_source;

static void fill_row(const void *ctx, uint32_t y, uint8_t *out)
{
    const row_source *src = ctx;
    const uint8_t *in = src->file + (size_t)y * src->width * (src->bpp / 8);
    if (src->bpp == 8)
        memcpy(out, in, src->width); /* a greyscale row is the bytes themselves */
    else
        pixels_to_rgb(src->bpp, in, src->width, out);
}

/* The file's pages a strip has read go back to the kernel: the picture reads every byte once,
 * and a mapping left resident would make the process as large as the file. */
static void release_rows(const void *ctx, uint32_t first, uint32_t count)
{
    const row_source *src = ctx;
    size_t row = (size_t)src->width * (src->bpp / 8);
    memscape_space_release_file_bytes(src->space, src->file + (size_t)first * row,
                                      (size_t)count * row);
}

memscape_status memscape_dump2picture_write_png(const char *path, const memscape_space *space,
                                                unsigned bpp, const memscape_png_options *opts,
                                                unsigned threads, memscape_error *err)
{
    if (!space)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "dump2picture: no dump");
    uint32_t w, h;
    memscape_status st = picture_size(space->file_size, bpp, &w, &h, err);
    if (st != MEMSCAPE_OK)
        return st;
    if (threads == 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        threads = online > 0 ? (unsigned)online : 1;
    }
    row_source src = {space, space->file, w, bpp};
    /* Memory is mostly runs of one byte (zero pages, fill patterns): zlib's run-length
     * matching finds them at a fraction of the cost of its full search, nearly as small. */
    memscape_png_rows rows = {w, h, bpp == 8, 1, fill_row, release_rows, &src};
    return memscape_png_write_rows(path, &rows, opts, threads, err);
}
