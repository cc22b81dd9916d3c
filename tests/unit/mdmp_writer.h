/* SPDX-License-Identifier: MIT */
/* A tiny minidump writer for the tests: a header, a directory right after it, streams at odd
 * (unaligned) offsets, and patching. Header-only so each test executable stays one file.
 * Layouts as in minidumpapiset.h; the tests state every value they expect themselves. */
#ifndef MEMSCAPE_MDMP_WRITER_H
#define MEMSCAPE_MDMP_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MDW_CAP 32768u
#define MDW_MAX_STREAMS 24u

typedef struct mdw {
    uint8_t b[MDW_CAP];
    size_t len;
    uint32_t count;          /* directory entries written */
    uint64_t stream_rva;     /* rva of the stream being written */
    uint64_t entry;          /* its directory entry */
} mdw;

static inline void mdw_set(mdw *w, uint64_t off, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        w->b[off + i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t mdw_get(const mdw *w, uint64_t off, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)w->b[off + i] << (8 * i);
    return v;
}

static inline uint64_t mdw_put(mdw *w, uint64_t v, unsigned n)
{
    uint64_t at = w->len;
    mdw_set(w, at, v, n);
    w->len += n;
    return at;
}

static inline uint64_t mdw_u16(mdw *w, uint64_t v) { return mdw_put(w, v, 2); }
static inline uint64_t mdw_u32(mdw *w, uint64_t v) { return mdw_put(w, v, 4); }
static inline uint64_t mdw_u64(mdw *w, uint64_t v) { return mdw_put(w, v, 8); }

static inline uint64_t mdw_bytes(mdw *w, const void *p, size_t n)
{
    uint64_t at = w->len;
    memcpy(w->b + at, p, n);
    w->len += n;
    return at;
}

static inline uint64_t mdw_zeros(mdw *w, size_t n)
{
    uint64_t at = w->len;
    memset(w->b + at, 0, n);
    w->len += n;
    return at;
}

/* Make the next offset odd, so nothing that follows is aligned. */
static inline void mdw_odd(mdw *w)
{
    if (w->len % 2 == 0)
        w->b[w->len++] = 0xcc;
}

/** Header: 'MDMP', Version 0xa793 with a writer build in the high half, directory at 32. */
static inline void mdw_init(mdw *w)
{
    memset(w, 0, sizeof *w);
    mdw_u32(w, 0x504d444d);
    mdw_u32(w, 0x61b1a793);
    mdw_u32(w, 0);                 /* NumberOfStreams, set by mdw_finish */
    mdw_u32(w, 32);                /* StreamDirectoryRva */
    mdw_u32(w, 0);                 /* CheckSum */
    mdw_u32(w, 0x5f5e1000);        /* TimeDateStamp */
    mdw_u64(w, 0);                 /* Flags */
    mdw_zeros(w, 12 * MDW_MAX_STREAMS);
}

/** Start a stream of this type at an odd offset; returns its directory entry's offset. */
static inline uint64_t mdw_begin(mdw *w, uint32_t type)
{
    mdw_odd(w);
    w->entry = 32 + 12 * (uint64_t)w->count++;
    w->stream_rva = w->len;
    mdw_set(w, w->entry, type, 4);
    mdw_set(w, w->entry + 8, w->stream_rva, 4);
    return w->entry;
}

/** End the current stream: its DataSize is what was written since mdw_begin. */
static inline void mdw_end(mdw *w)
{
    mdw_set(w, w->entry + 4, w->len - w->stream_rva, 4);
}

static inline void mdw_finish(mdw *w)
{
    mdw_set(w, 8, w->count, 4);
}

/** A MINIDUMP_STRING of UTF-16 units; returns its rva. */
static inline uint64_t mdw_string16(mdw *w, const uint16_t *units, size_t n)
{
    mdw_odd(w);
    uint64_t at = mdw_u32(w, 2 * n);
    for (size_t i = 0; i < n; i++)
        mdw_u16(w, units[i]);
    mdw_u16(w, 0);
    return at;
}

/** A MINIDUMP_STRING of an ASCII text. */
static inline uint64_t mdw_string(mdw *w, const char *s)
{
    uint16_t units[256];
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        units[i] = (uint8_t)s[i];
    return mdw_string16(w, units, n);
}

/** A MinidumpUTF8String (Crashpad). */
static inline uint64_t mdw_utf8(mdw *w, const char *s)
{
    mdw_odd(w);
    uint64_t at = mdw_u32(w, strlen(s));
    mdw_bytes(w, s, strlen(s) + 1);
    return at;
}

#endif /* MEMSCAPE_MDMP_WRITER_H */
