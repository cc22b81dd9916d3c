/* SPDX-License-Identifier: MIT */
/* Dump2Picture: a file's raw bytes as pixels, the way Dmitry Vostokov's tool shows them. The
 * picture is square: side = floor(sqrt(size / bytes per pixel)), the width rounded down to
 * even (to a multiple of 8 at 8 bpp), the height to even; pixels in file order, top row first.
 * Bytes after width * height pixels are not shown. */
#include <stdlib.h>

#include "memscape/picture.h"
#include "util/error.h"

/* floor(sqrt(n)) exactly, digit by digit: no floating-point rounding for large sizes. */
static uint64_t isqrt(uint64_t n)
{
    uint64_t r = 0, bit = (uint64_t)1 << 62;
    while (bit > n)
        bit >>= 2;
    while (bit) {
        if (n >= r + bit) {
            n -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    return r;
}

/* 16 bpp is X1R5G5B5, little-endian; each 5-bit channel scales to 0..255 as v * 255 / 31. */
static memscape_rgb pixel_16(const uint8_t *p)
{
    unsigned v = (unsigned)p[0] | (unsigned)p[1] << 8;
    memscape_rgb c = {(uint8_t)(((v >> 10) & 31) * 255 / 31), (uint8_t)(((v >> 5) & 31) * 255 / 31),
                      (uint8_t)((v & 31) * 255 / 31)};
    return c;
}

static memscape_rgb pixel_at(const uint8_t *p, unsigned bpp)
{
    switch (bpp) {
    case 8: return (memscape_rgb){p[0], p[0], p[0]};
    case 16: return pixel_16(p);
    default: return (memscape_rgb){p[2], p[1], p[0]}; /* 24 and 32 bpp: B, G, R (, unused) */
    }
}

memscape_status memscape_render_dump2picture(memscape_raster *out, const uint8_t *file,
                                             uint64_t size, unsigned bpp, memscape_error *err)
{
    if (bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "dump2picture: --bpp %u is not 8, 16, 24 or 32", bpp);
    unsigned bytes_per_pixel = bpp / 8;
    uint64_t side = isqrt(size / bytes_per_pixel);
    uint64_t width = bpp == 8 ? side / 8 * 8 : side / 2 * 2;
    uint64_t height = side / 2 * 2;
    if (width < 2 || height < 2)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "dump2picture: a file of %llu bytes is too small for a picture at "
                             "%u bpp", (unsigned long long)size, bpp);
    if (width > MEMSCAPE_LAYOUT_MAX_SIDE || height > MEMSCAPE_LAYOUT_MAX_SIDE)
        return memscape_fail(err, MEMSCAPE_ELIMIT, MEMSCAPE_NO_OFFSET,
                             "dump2picture: %llux%llu pixels is above the %u-pixel side limit; "
                             "picture this file with another view and --cell",
                             (unsigned long long)width, (unsigned long long)height,
                             MEMSCAPE_LAYOUT_MAX_SIDE);
    memscape_raster r;
    memscape_status st = memscape_raster_new(&r, (uint32_t)width, (uint32_t)height, err);
    if (st != MEMSCAPE_OK)
        return st;
    size_t n = (size_t)width * (size_t)height;
    for (size_t i = 0; i < n; i++)
        r.pixels[i] = pixel_at(file + i * bytes_per_pixel, bpp);
    *out = r;
    return MEMSCAPE_OK;
}
