/* SPDX-License-Identifier: MIT */
/* A PNG too large to hold as a raster, written row by row: the rows are cut into strips of
 * about STRIP_BYTES, each strip is filled and deflated on its own thread, and the strips are
 * written in order as they complete, so memory holds a few strips however large the picture.
 *
 * Each strip is an independent raw deflate stream ended by a sync flush (the last by a
 * finish), so their concatenation is one valid deflate stream; the zlib wrapper around it
 * (RFC 1950) takes a header written first and the Adler-32 of all the data, combined from the
 * strips' own. This is how pigz compresses in parallel. Rows use filter type 0 (None): memory
 * is not a photograph, and the filters' gain on it does not pay for their time. Chunks are
 * written by hand (PNG Specification, Second Edition, 5.3 and 11.2): signature, IHDR, pHYs,
 * iTXt, IDAT, IEND, each with its CRC-32. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "png_internal.h"
#include "util/atomic_file.h"
#include "util/error.h"

#define STRIP_BYTES ((size_t)1 << 20)
#define STRIPS_PER_THREAD 4u   /* a batch: enough work per thread between two writes */
#define MAX_THREADS 64u

typedef struct strip {
    uint32_t first_row, rows;
    uint8_t *raw;               /* filter byte + row, for each row */
    uint8_t *deflated;
    size_t raw_size, deflated_size, deflated_cap;
    uLong adler;
    int last;                   /* the stream's final strip: Z_FINISH */
    int failed;
} strip;

/* ---- chunks ------------------------------------------------------------------------------ */

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static int write_chunk(memscape_atomic_file *f, const char type[4], const void *data,
                       size_t len)
{
    uint8_t head[8], tail[4];
    put_u32(head, (uint32_t)len);
    memcpy(head + 4, type, 4);
    uLong crc = crc32(0, head + 4, 4);
    if (len)
        crc = crc32(crc, data, (uInt)len);
    put_u32(tail, (uint32_t)crc);
    memscape_atomic_write(f, head, sizeof head);
    if (len)
        memscape_atomic_write(f, data, len);
    return memscape_atomic_write(f, tail, sizeof tail);
}

static int write_header(memscape_atomic_file *f, const memscape_png_rows *rows,
                        const memscape_png_options *o)
{
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    uint8_t ihdr[13] = {0};
    put_u32(ihdr, rows->width);
    put_u32(ihdr + 4, rows->height);
    ihdr[8] = 8;                    /* bit depth */
    ihdr[9] = rows->gray ? 0 : 2;   /* colour type: greyscale or truecolour */
    memscape_atomic_write(f, signature, sizeof signature);
    write_chunk(f, "IHDR", ihdr, sizeof ihdr);
    if (o->dpi) {
        uint8_t phys[9];
        uint32_t ppm = (uint32_t)memscape_png_pixels_per_metre(o->dpi);
        put_u32(phys, ppm);
        put_u32(phys + 4, ppm);
        phys[8] = 1;                /* unit: the metre */
        write_chunk(f, "pHYs", phys, sizeof phys);
    }
    for (size_t i = 0; i < o->text_count; i++) {
        /* iTXt, uncompressed: keyword, NUL, flag 0, method 0, empty language and translated
         * keyword (each NUL-terminated), then the UTF-8 text. */
        size_t klen = strlen(o->text[i].key), vlen = strlen(o->text[i].value);
        uint8_t *body = malloc(klen + 5 + vlen);
        if (!body)
            return -1;
        memcpy(body, o->text[i].key, klen);
        memset(body + klen, 0, 5);
        memcpy(body + klen + 5, o->text[i].value, vlen);
        write_chunk(f, "iTXt", body, klen + 5 + vlen);
        free(body);
    }
    return f->os_errno ? -1 : 0;
}

/* ---- strips ------------------------------------------------------------------------------ */

static size_t row_bytes(const memscape_png_rows *rows)
{
    return 1 + (size_t)rows->width * (rows->gray ? 1 : 3);
}

static void deflate_strip(strip *s, const memscape_png_rows *rows, int level)
{
    size_t stride = row_bytes(rows);
    for (uint32_t r = 0; r < s->rows; r++) {
        uint8_t *line = s->raw + (size_t)r * stride;
        line[0] = 0; /* filter type None */
        rows->fill(rows->ctx, s->first_row + r, line + 1);
    }
    if (rows->done)
        rows->done(rows->ctx, s->first_row, s->rows);
    s->raw_size = (size_t)s->rows * stride;
    s->adler = adler32(adler32(0, NULL, 0), s->raw, (uInt)s->raw_size);
    z_stream z = {0};
    /* Negative window bits: raw deflate, no zlib header or trailer of its own. */
    int strategy = rows->runs ? Z_RLE : Z_DEFAULT_STRATEGY;
    if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, strategy) != Z_OK) {
        s->failed = 1;
        return;
    }
    z.next_in = s->raw;
    z.avail_in = (uInt)s->raw_size;
    z.next_out = s->deflated;
    z.avail_out = (uInt)s->deflated_cap;
    int rc = deflate(&z, s->last ? Z_FINISH : Z_SYNC_FLUSH);
    /* A full output buffer could mean the flush is unfinished: the bound rules it out, so
     * treat it as a failure rather than trust it. */
    s->failed = s->last ? rc != Z_STREAM_END
                        : (rc != Z_OK || z.avail_in != 0 || z.avail_out == 0);
    s->deflated_size = s->deflated_cap - z.avail_out;
    deflateEnd(&z);
}

typedef struct batch {
    strip *strips;
    size_t count;
    const memscape_png_rows *rows;
    int level;
    unsigned threads;
} batch;

typedef struct worker {
    batch *b;
    unsigned index;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (size_t i = w->index; i < w->b->count; i += w->b->threads)
        deflate_strip(&w->b->strips[i], w->b->rows, w->b->level);
    return NULL;
}

/* Deflate the batch's strips on its threads; the caller's thread is worker 0. */
static void run_batch(batch *b)
{
    pthread_t ids[MAX_THREADS];
    worker workers[MAX_THREADS];
    unsigned started = 1;
    for (unsigned t = 0; t < b->threads; t++)
        workers[t] = (worker){b, t};
    for (unsigned t = 1; t < b->threads; t++, started++)
        if (pthread_create(&ids[t], NULL, work, &workers[t]) != 0)
            break;
    /* Threads that could not start leave their strips to the caller's thread. */
    for (unsigned t = started; t < b->threads; t++)
        work(&workers[t]);
    work(&workers[0]);
    for (unsigned t = 1; t < started; t++)
        pthread_join(ids[t], NULL);
}

/* ---- the whole stream -------------------------------------------------------------------- */

typedef struct stream_plan {
    uint32_t rows_per_strip;
    size_t strips_per_batch;
    strip *strips;              /* strips_per_batch of them, reused batch after batch */
} stream_plan;

static void free_plan(stream_plan *p)
{
    for (size_t i = 0; p->strips && i < p->strips_per_batch; i++) {
        free(p->strips[i].raw);
        free(p->strips[i].deflated);
    }
    free(p->strips);
}

static int make_plan(stream_plan *p, const memscape_png_rows *rows, unsigned threads)
{
    size_t stride = row_bytes(rows);
    size_t per = STRIP_BYTES / stride;
    p->rows_per_strip = per == 0 ? 1 : per > rows->height ? rows->height : (uint32_t)per;
    p->strips_per_batch = (size_t)threads * STRIPS_PER_THREAD;
    p->strips = calloc(p->strips_per_batch, sizeof *p->strips);
    if (!p->strips)
        return -1;
    size_t raw = (size_t)p->rows_per_strip * stride;
    for (size_t i = 0; i < p->strips_per_batch; i++) {
        strip *s = &p->strips[i];
        /* deflateBound's worst case, plus the sync flush's empty stored block. */
        s->deflated_cap = raw + raw / 1000 + 64 + (raw >> 12) + (raw >> 14) + (raw >> 25) + 13;
        s->raw = malloc(raw);
        s->deflated = malloc(s->deflated_cap);
        if (!s->raw || !s->deflated)
            return -1;
    }
    return 0;
}

/* The zlib header (RFC 1950 2.2): deflate with a 32 KiB window, FLEVEL from the level, and
 * FCHECK making the 16-bit value a multiple of 31. */
static void zlib_header(int level, uint8_t out[2])
{
    unsigned flevel = level < 0 ? 2 : level < 2 ? 0 : level < 6 ? 1 : level == 6 ? 2 : 3;
    unsigned cmf = 0x78, flg = flevel << 6;
    flg += 31 - (cmf * 256 + flg) % 31;
    out[0] = (uint8_t)cmf;
    out[1] = (uint8_t)flg;
}

static int write_image_data(memscape_atomic_file *f, const memscape_png_rows *rows,
                            stream_plan *p, int level, unsigned threads)
{
    uint8_t head[2], tail[4];
    zlib_header(level, head);
    write_chunk(f, "IDAT", head, sizeof head);
    uLong adler = adler32(0, NULL, 0);
    uint32_t row = 0;
    while (row < rows->height) {
        batch b = {p->strips, 0, rows, level, threads};
        for (; b.count < p->strips_per_batch && row < rows->height; b.count++) {
            strip *s = &p->strips[b.count];
            s->first_row = row;
            s->rows = rows->height - row < p->rows_per_strip ? rows->height - row
                                                              : p->rows_per_strip;
            row += s->rows;
            s->last = row == rows->height;
            s->failed = 0;
        }
        run_batch(&b);
        for (size_t i = 0; i < b.count; i++) {
            strip *s = &p->strips[i];
            if (s->failed || write_chunk(f, "IDAT", s->deflated, s->deflated_size) != 0)
                return -1;
            adler = adler32_combine(adler, s->adler, (z_off_t)s->raw_size);
        }
    }
    put_u32(tail, (uint32_t)adler);
    return write_chunk(f, "IDAT", tail, sizeof tail);
}

memscape_status memscape_png_write_rows(const char *path, const memscape_png_rows *rows,
                                        const memscape_png_options *opts, unsigned threads,
                                        memscape_error *err)
{
    static const memscape_png_options defaults = {.zlib_level = -1};
    const memscape_png_options *o = opts ? opts : &defaults;
    if (!path || !*path || !rows || !rows->fill || rows->width == 0 || rows->height == 0 ||
        rows->width > 0x7fffffffu || rows->height > 0x7fffffffu)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "PNG: no path, or no rows to write");
    memscape_status st = memscape_png_check_options(o, err);
    if (st != MEMSCAPE_OK)
        return st;
    threads = threads == 0 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
    stream_plan plan = {0};
    if (make_plan(&plan, rows, threads) != 0) {
        free_plan(&plan);
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                             "PNG: no memory for %u strips of rows", threads);
    }
    memscape_atomic_file f;
    st = memscape_atomic_open(&f, path, "PNG", err);
    if (st == MEMSCAPE_OK) {
        int level = o->zlib_level < 0 ? Z_DEFAULT_COMPRESSION : o->zlib_level;
        int failed = write_header(&f, rows, o) != 0 ||
                     write_image_data(&f, rows, &plan, level, threads) != 0 ||
                     write_chunk(&f, "IEND", NULL, 0) != 0;
        st = memscape_atomic_commit(&f, "PNG", failed ? "zlib: could not deflate" : NULL, err);
    }
    free_plan(&plan);
    return st;
}
