/* SPDX-License-Identifier: MIT */
#include "text.h"

size_t memscape_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

static uint32_t unit_at(const uint8_t *p, size_t i, int big_endian)
{
    return big_endian ? (uint32_t)(p[2 * i] << 8 | p[2 * i + 1])
                      : (uint32_t)(p[2 * i] | p[2 * i + 1] << 8);
}

size_t memscape_utf16_to_utf8(const uint8_t *p, size_t units, int big_endian, char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < units; i++) {
        uint32_t cp = unit_at(p, i, big_endian);
        if (cp == 0)
            break;
        if (cp >= 0xd800 && cp < 0xdc00) {
            uint32_t lo = i + 1 < units ? unit_at(p, i + 1, big_endian) : 0;
            if (lo >= 0xdc00 && lo < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                i++;
            } else {
                cp = 0xfffd;
            }
        } else if (cp >= 0xdc00 && cp < 0xe000) {
            cp = 0xfffd;
        }
        n += memscape_utf8_encode(cp, out + n);
    }
    out[n] = '\0';
    return n;
}
