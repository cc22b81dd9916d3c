/* SPDX-License-Identifier: MIT */
/* A bounds-checked reader over a window of the input file.
 *
 * Reads never leave the window. A read that would sets the sticky `overrun` flag, records where
 * it happened and yields 0, so a parser can read a whole structure and check once. Offsets are
 * absolute file offsets so that errors can name them. Unaligned fields are fine (minidump RVAs
 * are often odd): every load goes through memcpy-free byte assembly. */
#ifndef MEMSCAPE_CURSOR_H
#define MEMSCAPE_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#include "memscape/common.h"
#include "checked.h"

typedef struct memscape_cursor {
    const uint8_t *file;     /* the whole input */
    uint64_t file_size;
    uint64_t lo, hi;         /* the window [lo, hi), absolute */
    uint64_t pos;            /* absolute position of the next sequential read */
    int big_endian;
    int overrun;             /* sticky: some read left the window */
    uint64_t overrun_at;     /* absolute offset of the first read that did */
} memscape_cursor;

/** A cursor over the whole file. */
static inline void memscape_cursor_init(memscape_cursor *c, const uint8_t *file,
                                        uint64_t file_size, int big_endian)
{
    c->file = file;
    c->file_size = file_size;
    c->lo = 0;
    c->hi = file_size;
    c->pos = 0;
    c->big_endian = big_endian;
    c->overrun = 0;
    c->overrun_at = 0;
}

/** A cursor over [off, off+len) of the same file. Fails with MEMSCAPE_ETRUNCATED (leaving *sub
 *  untouched) when the window does not lie inside the file. */
static inline memscape_status memscape_cursor_sub(const memscape_cursor *c, uint64_t off,
                                                  uint64_t len, memscape_cursor *sub)
{
    if (!memscape_in_bounds(off, len, c->file_size))
        return MEMSCAPE_ETRUNCATED;
    memscape_cursor_init(sub, c->file, c->file_size, c->big_endian);
    sub->lo = off;
    sub->hi = off + len;
    sub->pos = off;
    return MEMSCAPE_OK;
}

/** Bytes left between the position and the window's end. */
static inline uint64_t memscape_cursor_left(const memscape_cursor *c)
{
    return c->pos >= c->hi ? 0 : c->hi - c->pos;
}

/** A pointer to len bytes at absolute offset off inside the window, or NULL (and overrun). */
static inline const uint8_t *memscape_cursor_ptr(memscape_cursor *c, uint64_t off, uint64_t len)
{
    if (off < c->lo || off > c->hi || len > c->hi - off) {
        if (!c->overrun) {
            c->overrun = 1;
            c->overrun_at = off;
        }
        return NULL;
    }
    return c->file + off;
}

static inline uint64_t memscape_load(const uint8_t *p, unsigned n, int big_endian)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned shift = big_endian ? 8u * (n - 1 - i) : 8u * i;
        v |= (uint64_t)p[i] << shift;
    }
    return v;
}

/** Read an n-byte unsigned integer (n = 1, 2, 4 or 8) at an absolute offset. */
static inline uint64_t memscape_cursor_uint_at(memscape_cursor *c, uint64_t off, unsigned n)
{
    const uint8_t *p = memscape_cursor_ptr(c, off, n);
    return p ? memscape_load(p, n, c->big_endian) : 0;
}

/** Read at an offset relative to the window's start. */
static inline uint8_t memscape_cursor_u8_rel(memscape_cursor *c, uint64_t rel)
{
    return (uint8_t)memscape_cursor_uint_at(c, c->lo + rel, 1);
}
static inline uint16_t memscape_cursor_u16_rel(memscape_cursor *c, uint64_t rel)
{
    return (uint16_t)memscape_cursor_uint_at(c, c->lo + rel, 2);
}
static inline uint32_t memscape_cursor_u32_rel(memscape_cursor *c, uint64_t rel)
{
    return (uint32_t)memscape_cursor_uint_at(c, c->lo + rel, 4);
}
static inline uint64_t memscape_cursor_u64_rel(memscape_cursor *c, uint64_t rel)
{
    return memscape_cursor_uint_at(c, c->lo + rel, 8);
}
/** A pointer-sized (4 or 8 byte) word at a relative offset. */
static inline uint64_t memscape_cursor_word_rel(memscape_cursor *c, uint64_t rel, unsigned width)
{
    return memscape_cursor_uint_at(c, c->lo + rel, width);
}

/** Sequential reads from the position. */
static inline uint64_t memscape_cursor_next(memscape_cursor *c, unsigned n)
{
    uint64_t v = memscape_cursor_uint_at(c, c->pos, n);
    if (!c->overrun)
        c->pos += n;
    return v;
}
static inline uint32_t memscape_cursor_u32(memscape_cursor *c)
{
    return (uint32_t)memscape_cursor_next(c, 4);
}
static inline uint64_t memscape_cursor_u64(memscape_cursor *c)
{
    return memscape_cursor_next(c, 8);
}

#endif /* MEMSCAPE_CURSOR_H */
