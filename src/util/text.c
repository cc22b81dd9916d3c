/* SPDX-License-Identifier: MIT */
#include "text.h"

#include <string.h>

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

uint32_t memscape_utf8_next(const unsigned char *s, size_t *used)
{
    static const uint32_t least[4] = {0, 0x80, 0x800, 0x10000};
    unsigned c = s[0];
    size_t more = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2
                : (c & 0xf8) == 0xf0 ? 3 : 4;
    *used = 1;
    if (more == 0)
        return c;
    if (more == 4)
        return MEMSCAPE_UTF8_INVALID;
    uint32_t cp = c & (0x3fu >> more);
    for (size_t i = 1; i <= more; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return MEMSCAPE_UTF8_INVALID;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    if (cp < least[more] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return MEMSCAPE_UTF8_INVALID;
    *used = more + 1;
    return cp;
}

const char *memscape_path_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *back = strrchr(path, '\\');
    const char *sep = slash > back ? slash : back;
    return sep && sep[1] ? sep + 1 : path;
}
