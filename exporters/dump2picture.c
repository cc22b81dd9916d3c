/* SPDX-License-Identifier: MIT */
/* Dump2Picture: a file's raw bytes shown as pixels, the way Dmitry Vostokov's Dump2Picture
 * draws a memory dump. The picture is square before rounding: side = floor(sqrt(size / bytes
 * per pixel)); the width is rounded down to even (to a multiple of 8 at 8 bpp), the height to
 * even. Pixels follow the file order, top row first, starting at byte 0; the bytes after
 * width * height pixels are not shown. */
#include <stdlib.h>

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

/* 8 bpp: a gray level per byte. */
static void fill_8(memscape_rgb *px, size_t n, const uint8_t *in)
{
    for (size_t i = 0; i < n; i++)
        px[i] = (memscape_rgb){in[i], in[i], in[i]};
}

/* 16 bpp: X1R5G5B5, little-endian (bit 15 unused, red in bits 14-10, green 9-5, blue 4-0);
 * a 5-bit channel v becomes v * 255 / 31, rounded down, so 31 is full intensity. */
static uint8_t scale_5bit(unsigned v)
{
    return (uint8_t)((v & 31u) * 255u / 31u);
}

static void fill_16(memscape_rgb *px, size_t n, const uint8_t *in)
{
    for (size_t i = 0; i < n; i++, in += 2) {
        unsigned v = (unsigned)in[0] | (unsigned)in[1] << 8;
        px[i] = (memscape_rgb){scale_5bit(v >> 10), scale_5bit(v >> 5), scale_5bit(v)};
    }
}

/* 24 and 32 bpp: B, G, R (, unused) bytes, the order of a Windows DIB. */
static void fill_bgr(memscape_rgb *px, size_t n, const uint8_t *in, size_t step)
{
    for (size_t i = 0; i < n; i++, in += step)
        px[i] = (memscape_rgb){in[2], in[1], in[0]};
}

memscape_status memscape_render_dump2picture(memscape_raster *out, const uint8_t *file,
                                             uint64_t size, unsigned bpp, memscape_error *err)
{
    if (!out || (!file && size != 0))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "dump2picture: no raster or no file bytes");
    if (bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "dump2picture: %u bits per pixel is not 8, 16, 24 or 32", bpp);
    uint64_t bytes_per_pixel = bpp / 8;
    uint64_t side = isqrt_u64(size / bytes_per_pixel);
    uint64_t width = bpp == 8 ? side / 8 * 8 : side / 2 * 2;
    uint64_t height = side / 2 * 2;
    if (width == 0 || height == 0)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "dump2picture: a file of %llu bytes is too small for a picture at "
                             "%u bpp", (unsigned long long)size, bpp);
    /* A bigger square would need a raster of more than 2^32 pixels; such files are for the
     * other views, which fold any number of bytes into one pixel. */
    if (width > MEMSCAPE_LAYOUT_MAX_SIDE || height > MEMSCAPE_LAYOUT_MAX_SIDE)
        return memscape_fail(err, MEMSCAPE_ELIMIT, MEMSCAPE_NO_OFFSET,
                             "dump2picture: a file of %llu bytes at %u bpp makes a %llux%llu "
                             "picture, above the %u-pixel side limit; use another view with "
                             "--cell", (unsigned long long)size, bpp, (unsigned long long)width,
                             (unsigned long long)height, MEMSCAPE_LAYOUT_MAX_SIDE);
    memscape_raster r;
    memscape_status st = memscape_raster_new(&r, (uint32_t)width, (uint32_t)height, err);
    if (st != MEMSCAPE_OK)
        return st;
    /* width * height * bytes_per_pixel <= side^2 * bytes_per_pixel <= size: all in the file. */
    size_t n = (size_t)width * (size_t)height;
    switch (bpp) {
    case 8:
        fill_8(r.pixels, n, file);
        break;
    case 16:
        fill_16(r.pixels, n, file);
        break;
    default:
        fill_bgr(r.pixels, n, file, (size_t)bytes_per_pixel);
        break;
    }
    *out = r;
    return MEMSCAPE_OK;
}
