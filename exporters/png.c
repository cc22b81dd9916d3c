/* SPDX-License-Identifier: MIT */
/* PNG through libpng 1.6: 8-bit RGB, or a palette image at the smallest bit depth when the
 * raster has at most 256 colours; pHYs from the dpi; metadata as iTXt chunks before the image
 * data. Written to "<path>.tmp", synced and renamed, so a failure never leaves a partial file
 * nor replaces a good one. Reading the metadata back treats the file as hostile.
 *
 * libpng reports a failure by calling our error handler, which records the message and
 * longjmps back to the setjmp in encode() or scan(). Whatever those functions need after the
 * jump lives in a struct reached through a pointer, never in a local changed after setjmp
 * (C17 7.13.2.1), and every allocation is released by the caller after the jump. Section
 * numbers are those of the PNG Specification, Second Edition (ISO/IEC 15948). */
#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "memscape/picture.h"
#include "png_internal.h"
#include "util/atomic_file.h"
#include "util/checked.h"
#include "util/error.h"

/* ---- checks shared by writing and reading ------------------------------------------------ */

/* PNG (Second Edition) 11.3.4.2: a keyword is 1-79 printable Latin-1 characters (32-126 and
 * 161-255) with no leading, trailing or consecutive spaces. */
static int keyword_valid(const char *key)
{
    size_t n = strlen(key);
    if (n == 0 || n > 79 || key[0] == ' ' || key[n - 1] == ' ')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)key[i];
        if (c < 32 || (c > 126 && c < 161) || (c == ' ' && key[i + 1] == ' '))
            return 0;
    }
    return 1;
}

/* Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. */
static int utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t more;
        uint32_t cp, least;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            more = 1, cp = c & 0x1f, least = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            more = 2, cp = c & 0x0f, least = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            more = 3, cp = c & 0x07, least = 0x10000;
        } else {
            return 0;
        }
        if (more > len - i - 1)
            return 0;
        for (size_t k = 1; k <= more; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3fu);
        }
        if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += more + 1;
    }
    return 1;
}

/* ---- colours ----------------------------------------------------------------------------- */

#define MAX_PALETTE 256u   /* PNG 11.2.3: PLTE holds 1-256 entries */
#define COLOUR_SLOTS 1024u /* open addressing, never more than a quarter full */

typedef struct colour_table {
    uint32_t key[COLOUR_SLOTS]; /* 0 = empty slot, else 0xRRGGBB + 1 */
    uint8_t index[COLOUR_SLOTS];
    png_color palette[MAX_PALETTE];
    unsigned count;
} colour_table;

/* The palette index of c, added when new; -1 once a 257th colour turns up. */
static int colour_index(colour_table *t, memscape_rgb c)
{
    uint32_t key = ((uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b) + 1;
    for (uint32_t h = (key * 2654435761u) % COLOUR_SLOTS;; h = (h + 1) % COLOUR_SLOTS) {
        if (t->key[h] == key)
            return t->index[h];
        if (t->key[h] == 0) {
            if (t->count == MAX_PALETTE)
                return -1;
            t->key[h] = key;
            t->index[h] = (uint8_t)t->count;
            t->palette[t->count] = (png_color){c.r, c.g, c.b};
            return (int)t->count++;
        }
    }
}

static int same_rgb(memscape_rgb a, memscape_rgb b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

/* Does the raster fit a palette? Fills t with its colours in order of appearance. Runs of one
 * colour (the usual case in a view) cost one comparison per pixel. */
static int collect_colours(const memscape_raster *r, colour_table *t)
{
    size_t n = (size_t)r->width * r->height;
    memscape_rgb last = r->pixels[0];
    if (colour_index(t, last) < 0)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if (same_rgb(r->pixels[i], last))
            continue;
        last = r->pixels[i];
        if (colour_index(t, last) < 0)
            return 0;
    }
    return 1;
}

/* PNG 11.2.2, table 11.1: palette images may be 1, 2, 4 or 8 bits per pixel. */
static int palette_depth(unsigned colours)
{
    return colours <= 2 ? 1 : colours <= 4 ? 2 : colours <= 16 ? 4 : 8;
}

/* ---- writing: the request ---------------------------------------------------------------- */

/* What will be written, decided before the file is touched. */
typedef struct png_plan {
    int level;           /* zlib level, Z_DEFAULT_COMPRESSION for -1 */
    png_uint_32 ppm;     /* pHYs pixels per metre; 0 for none */
    png_textp text;      /* calloc'ed; the strings are the caller's */
    int text_count;
    int indexed;
    colour_table *colours;
    png_bytep row;       /* one row: 3 bytes per pixel, or 1 when indexed */
} png_plan;

/* Long values (the picture map) are worth compressing; short ones would only grow. */
#define COMPRESS_TEXT_OVER 1024u

static memscape_status check_raster(const memscape_raster *r, memscape_error *err)
{
    size_t pixels, bytes;
    if (!r || !r->pixels || r->width == 0 || r->height == 0)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "PNG: the raster is empty (%ux%u)", r ? r->width : 0,
                             r ? r->height : 0);
    /* PNG 7.1 and 11.2.2: width and height are at most 2^31 - 1. */
    if (r->width > PNG_UINT_31_MAX || r->height > PNG_UINT_31_MAX ||
        memscape_mul_size(r->width, r->height, &pixels) != MEMSCAPE_OK ||
        memscape_mul_size(pixels, 3, &bytes) != MEMSCAPE_OK)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "PNG: a %ux%u raster is too large", r->width, r->height);
    return MEMSCAPE_OK;
}

static memscape_status check_text(const memscape_png_options *o, memscape_error *err)
{
    if (o->text_count != 0 && !o->text)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "PNG: %zu text chunks but no text", o->text_count);
    if (o->text_count > INT32_MAX)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "PNG: %zu text chunks is too many", o->text_count);
    for (size_t i = 0; i < o->text_count; i++) {
        const memscape_png_text *t = &o->text[i];
        if (!t->key || !keyword_valid(t->key))
            return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                                 "PNG: text %zu: the keyword '%.79s' is not 1-79 printable "
                                 "Latin-1 characters without leading, trailing or double "
                                 "spaces", i, t->key ? t->key : "");
        size_t len = t->value ? strlen(t->value) : 0;
        if (!t->value || !utf8_valid((const unsigned char *)t->value, len))
            return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                                 "PNG: text '%s': the value is missing or not UTF-8", t->key);
        if (len > MEMSCAPE_PNG_MAX_TEXT)
            return memscape_fail(err, MEMSCAPE_ELIMIT, MEMSCAPE_NO_OFFSET,
                                 "PNG: text '%s': %zu bytes is above the %u-byte limit",
                                 t->key, len, MEMSCAPE_PNG_MAX_TEXT);
    }
    return MEMSCAPE_OK;
}

/* PNG 11.3.5.3: pHYs holds 31-bit pixels per metre. 1 inch = 0.0254 m, so
 * round(dpi / 0.0254) = (dpi * 10000 + 127) / 254, never a tie (dpi * 10000 is even). */
uint64_t memscape_png_pixels_per_metre(uint32_t dpi)
{
    return ((uint64_t)dpi * 10000u + 127u) / 254u;
}


static memscape_status check_request(const char *path, const memscape_raster *r,
                                     const memscape_png_options *o, memscape_error *err)
{
    if (!path || !*path)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET, "PNG: no output path");
    memscape_status st = check_raster(r, err);
    if (st != MEMSCAPE_OK)
        return st;
    return memscape_png_check_options(o, err);
}

memscape_status memscape_png_check_options(const memscape_png_options *o, memscape_error *err)
{
    if (o->zlib_level < -1 || o->zlib_level > 9)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "PNG: zlib level %d is not -1 (default) or 0-9", o->zlib_level);
    if (memscape_png_pixels_per_metre(o->dpi) > PNG_UINT_31_MAX)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "PNG: %u dpi is too large for pHYs", o->dpi);
    return check_text(o, err);
}

static void release_plan(png_plan *p)
{
    free(p->text);
    free(p->colours);
    free(p->row);
}

static memscape_status make_plan(png_plan *p, const memscape_raster *r,
                                 const memscape_png_options *o, memscape_error *err)
{
    *p = (png_plan){.level = o->zlib_level < 0 ? Z_DEFAULT_COMPRESSION : o->zlib_level};
    p->ppm = (png_uint_32)memscape_png_pixels_per_metre(o->dpi);
    p->colours = calloc(1, sizeof *p->colours);
    p->row = malloc((size_t)r->width * 3);
    p->text_count = (int)o->text_count;
    p->text = o->text_count ? calloc(o->text_count, sizeof *p->text) : NULL;
    if (!p->colours || !p->row || (o->text_count && !p->text)) {
        release_plan(p);
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                             "PNG: no memory for a %ux%u picture", r->width, r->height);
    }
    for (size_t i = 0; i < o->text_count; i++) {
        size_t len = strlen(o->text[i].value);
        /* iTXt (PNG 11.3.4.5) because values are UTF-8; libpng copies the strings. */
        p->text[i].compression =
            len > COMPRESS_TEXT_OVER ? PNG_ITXT_COMPRESSION_zTXt : PNG_ITXT_COMPRESSION_NONE;
        p->text[i].key = (png_charp)(uintptr_t)o->text[i].key;
        p->text[i].text = (png_charp)(uintptr_t)o->text[i].value;
        p->text[i].itxt_length = len;
    }
    p->indexed = o->allow_indexed && collect_colours(r, p->colours);
    return MEMSCAPE_OK;
}

/* ---- writing: the file ------------------------------------------------------------------- */

#define OUT_BUFFER 65536u

/* Where libpng's output goes, and what went wrong. */
typedef struct png_sink {
    memscape_atomic_file file;
    char why[160];       /* libpng's message */
    size_t used;
    unsigned char buf[OUT_BUFFER];
} png_sink;

static int sink_flush(png_sink *s)
{
    int failed = memscape_atomic_write(&s->file, s->buf, s->used);
    s->used = 0;
    return failed;
}

static void PNGCBAPI on_sink_write(png_structp png, png_bytep data, png_size_t len)
{
    png_sink *s = png_get_io_ptr(png);
    if (len > OUT_BUFFER - s->used && sink_flush(s) != 0)
        png_error(png, "write failed");
    if (len >= OUT_BUFFER) {
        if (memscape_atomic_write(&s->file, data, len) != 0)
            png_error(png, "write failed");
        return;
    }
    memcpy(s->buf + s->used, data, len);
    s->used += len;
}

static void PNGCBAPI on_sink_flush(png_structp png)
{
    (void)png; /* the whole buffer is written, then synced, once the image is complete */
}

/* Errors and warnings alike abandon the write: a warning means libpng would write something
 * other than what was asked (a dropped chunk, say). Nothing is ever printed. */
static void PNGCBAPI on_write_problem(png_structp png, png_const_charp msg)
{
    png_sink *s = png_get_error_ptr(png);
    snprintf(s->why, sizeof s->why, "libpng: %s", msg);
    png_longjmp(png, 1);
}

static void write_rows(png_structp png, const memscape_raster *r, const png_plan *p)
{
    for (uint32_t y = 0; y < r->height; y++) {
        const memscape_rgb *src = r->pixels + (size_t)y * r->width;
        if (p->indexed) {
            /* With png_set_packing libpng packs these one-byte indexes to the bit depth. */
            for (uint32_t x = 0; x < r->width; x++)
                p->row[x] = (png_byte)colour_index(p->colours, src[x]);
        } else {
            for (uint32_t x = 0; x < r->width; x++) {
                p->row[3 * (size_t)x] = src[x].r;
                p->row[3 * (size_t)x + 1] = src[x].g;
                p->row[3 * (size_t)x + 2] = src[x].b;
            }
        }
        png_write_row(png, p->row);
    }
}

/* Encode into s; 0, or -1 with s->why (or the file's errno) set. png and info never change after
 * the setjmp, so they stay valid after a jump. */
static int encode(png_structp png, png_infop info, png_sink *s, const memscape_raster *r,
                  const png_plan *p)
{
    if (setjmp(png_jmpbuf(png)))
        return -1;
    png_set_write_fn(png, s, on_sink_write, on_sink_flush);
    png_set_user_limits(png, r->width, r->height); /* libpng's default stops at 10^6 */
    png_set_compression_level(png, p->level);
#ifdef PNG_WRITE_CUSTOMIZE_ZTXT_COMPRESSION_SUPPORTED
    png_set_text_compression_level(png, p->level);
#endif
    int depth = p->indexed ? palette_depth(p->colours->count) : 8;
    png_set_IHDR(png, info, r->width, r->height, depth,
                 p->indexed ? PNG_COLOR_TYPE_PALETTE : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (p->level == 0)
        png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE); /* stored: no gain */
    if (p->indexed)
        png_set_PLTE(png, info, p->colours->palette, (int)p->colours->count);
    if (p->ppm)
        png_set_pHYs(png, info, p->ppm, p->ppm, PNG_RESOLUTION_METER);
    if (p->text_count)
        png_set_text(png, info, p->text, p->text_count); /* before IDAT: cheap to read back */
    png_write_info(png, info);
    if (p->indexed && depth < 8)
        png_set_packing(png);
    write_rows(png, r, p);
    png_write_end(png, NULL);
    return 0;
}

/* Encode the whole PNG into s's file; 0, or -1 with s->why or the file's errno set. */
static int write_png(png_sink *s, const memscape_raster *r, const png_plan *p)
{
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, s, on_write_problem, on_write_problem);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    int failed = !info || encode(png, info, s, r, p) != 0;
    png_destroy_write_struct(&png, &info);
    if (failed) {
        if (!s->why[0])
            snprintf(s->why, sizeof s->why, "libpng: out of memory");
        return -1;
    }
    return sink_flush(s);
}

memscape_status memscape_png_write(const char *path, const memscape_raster *raster,
                                   const memscape_png_options *opts, memscape_error *err)
{
    static const memscape_png_options defaults = {.zlib_level = -1};
    const memscape_png_options *o = opts ? opts : &defaults;
    memscape_status st = check_request(path, raster, o, err);
    if (st != MEMSCAPE_OK)
        return st;
    png_plan plan;
    st = make_plan(&plan, raster, o, err);
    if (st != MEMSCAPE_OK)
        return st;
    png_sink *sink = calloc(1, sizeof *sink);
    if (!sink)
        st = memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "PNG: out of memory");
    else
        st = memscape_atomic_open(&sink->file, path, "PNG", err);
    if (st == MEMSCAPE_OK) {
        int failed = write_png(sink, raster, &plan) != 0;
        st = memscape_atomic_commit(&sink->file, "PNG", failed ? sink->why : NULL, err);
    }
    free(sink);
    release_plan(&plan);
    return st;
}

/* ---- reading the metadata back (untrusted input) ----------------------------------------- */

/* libpng may allocate this much for one chunk: the longest value we accept, one byte more (so
 * a longer value is read and refused with ELIMIT rather than lost), and room for the keyword,
 * language tag and translated keyword of an iTXt chunk. */
#define TEXT_CHUNK_MAX ((png_alloc_size_t)MEMSCAPE_PNG_MAX_TEXT + 1u + 1024u)
#define CHUNK_CACHE_MAX 256u /* ancillary chunks kept; ours write a handful */

typedef struct png_source {
    FILE *file;
    uint64_t size;           /* of a regular file; 0 when unknown */
    uint64_t offset;         /* bytes read so far */
    int truncated;
    int over_limit;          /* a text chunk longer than TEXT_CHUNK_MAX */
    int os_errno;
    char why[160];           /* libpng's error */
    char warning[160];       /* the first warning about a text chunk */
    unsigned char *row;      /* for skipping the image data; freed by the caller */
} png_source;

/* A chunk type as png_get_io_chunk_type gives it: the four ASCII letters, big-endian. */
#define CHUNK_TYPE(a, b, c, d) \
    ((png_uint_32)(a) << 24 | (png_uint_32)(b) << 16 | (png_uint_32)(c) << 8 | (png_uint_32)(d))

static int is_text_chunk(png_uint_32 type)
{
    return type == CHUNK_TYPE('t', 'E', 'X', 't') || type == CHUNK_TYPE('z', 'T', 'X', 't') ||
           type == CHUNK_TYPE('i', 'T', 'X', 't');
}

/* libpng sizes its buffer from a chunk's length field before reading the data, so a 100-byte
 * file declaring a 2 GiB chunk would cost 2 GiB: a length running past the end of the file is
 * refused as soon as the chunk header (PNG 5.3: length, then type) is read. IDAT is
 * streamed, never buffered whole, and the text may all be before a cut in the image data. */
static void check_chunk_length(png_structp png, png_source *s, png_const_bytep header)
{
    uint64_t length = (uint64_t)header[0] << 24 | (uint64_t)header[1] << 16 |
                      (uint64_t)header[2] << 8 | header[3];
    png_uint_32 type = CHUNK_TYPE(header[4], header[5], header[6], header[7]);
    /* + 4: the CRC after the data */
    if (s->size && type != CHUNK_TYPE('I', 'D', 'A', 'T') &&
        (s->offset > s->size || length + 4 > s->size - s->offset)) {
        s->truncated = 1;
        png_error(png, "a chunk runs past the end of the file");
    }
    if (is_text_chunk(type) && length > TEXT_CHUNK_MAX) {
        s->over_limit = 1;
        png_error(png, "a text chunk is larger than the text limit");
    }
}

static void PNGCBAPI on_source_read(png_structp png, png_bytep data, png_size_t len)
{
    png_source *s = png_get_io_ptr(png);
    size_t got = fread(data, 1, len, s->file);
    s->offset += got;
    if (got == len) {
        if ((png_get_io_state(png) & PNG_IO_MASK_LOC) == PNG_IO_CHUNK_HDR && len == 8)
            check_chunk_length(png, s, data);
        return;
    }
    if (ferror(s->file))
        s->os_errno = errno ? errno : EIO;
    else
        s->truncated = 1;
    png_error(png, "the file ends inside a chunk");
}

static void PNGCBAPI on_read_error(png_structp png, png_const_charp msg)
{
    png_source *s = png_get_error_ptr(png);
    /* libpng stops inflating compressed text at the chunk malloc limit and calls the result
     * "truncated", as it does a stream cut short; it cannot tell which, so say both. */
    if (is_text_chunk(png_get_io_chunk_type(png)) && strstr(msg, "truncated")) {
        s->over_limit = 1;
        snprintf(s->why, sizeof s->why, "%.4s: compressed text is cut short or inflates past "
                 "the text limit", msg);
    } else {
        snprintf(s->why, sizeof s->why, "%s", msg);
    }
    png_longjmp(png, 1);
}

/* Warnings (libpng skips an ancillary chunk with a bad CRC with one) are kept to explain a
 * missing key; reading goes on. */
static void PNGCBAPI on_read_warning(png_structp png, png_const_charp msg)
{
    png_source *s = png_get_error_ptr(png);
    if (!s->warning[0] && is_text_chunk(png_get_io_chunk_type(png)))
        snprintf(s->warning, sizeof s->warning, "%s", msg);
}

static void limit_reader(png_structp png)
{
    /* A hostile file must not make libpng allocate what its chunks claim. */
    png_set_user_limits(png, MEMSCAPE_LAYOUT_MAX_SIDE, MEMSCAPE_LAYOUT_MAX_SIDE);
    png_set_chunk_malloc_max(png, TEXT_CHUNK_MAX);
    png_set_chunk_cache_max(png, CHUNK_CACHE_MAX);
    /* libpng 1.6 only warns about a chunk over the malloc limit ("benign") and allocates it
     * anyway; as errors, they stop the read. */
    png_set_benign_errors(png, 0);
#ifdef PNG_HANDLE_AS_UNKNOWN_SUPPORTED
    /* Skip every ancillary chunk but text (iCCP, sPLT...): less of libpng sees hostile data. */
    static const png_byte text_chunks[] = "tEXt\0zTXt\0iTXt";
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, -1);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_AS_DEFAULT, text_chunks, 3);
#endif
}

static const png_text *find_text(png_structp png, png_infop info, const char *key)
{
    png_textp text = NULL;
    int n = png_get_text(png, info, &text, NULL);
    for (int i = 0; i < n; i++)
        if (strcmp(text[i].key, key) == 0)
            return &text[i];
    return NULL;
}

/* Decode (and drop) the image data, one row at a time, to reach the chunks after it. */
static void skip_image(png_structp png, png_infop info, png_source *s)
{
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    s->row = malloc(png_get_rowbytes(png, info)); /* <= 65536 pixels * 8 bytes */
    if (!s->row)
        png_error(png, "out of memory");
    png_uint_32 height = png_get_image_height(png, info);
    for (int pass = 0; pass < passes; pass++)
        for (png_uint_32 y = 0; y < height; y++)
            png_read_row(png, s->row, NULL);
}

/* Read up to the image data, and past it when the key is not before it. 0, or -1 after a
 * libpng error. *hit points into info. */
static int scan(png_structp png, png_infop info, png_source *s, const char *key,
                const png_text **hit)
{
    if (setjmp(png_jmpbuf(png)))
        return -1;
    png_set_read_fn(png, s, on_source_read);
    png_set_sig_bytes(png, 8);
    limit_reader(png);
    png_read_info(png, info);
    *hit = find_text(png, info, key);
    if (*hit)
        return 0;
    skip_image(png, info, s);
    png_read_end(png, info);
    *hit = find_text(png, info, key);
    return 0;
}

static memscape_status scan_failure(const png_source *s, const char *path, memscape_error *err)
{
    if (s->os_errno)
        return memscape_fail(err, MEMSCAPE_EIO, s->offset, "%s: %s", path,
                             strerror(s->os_errno));
    if (s->over_limit)
        return memscape_fail(err, MEMSCAPE_ELIMIT, s->offset, "%s: PNG: %s of %u bytes", path,
                             s->why, MEMSCAPE_PNG_MAX_TEXT);
    if (s->truncated)
        return memscape_fail(err, MEMSCAPE_ETRUNCATED, s->offset, "%s: PNG: %s", path, s->why);
    return memscape_fail(err, MEMSCAPE_ECORRUPT, s->offset, "%s: PNG: %s", path,
                         s->why[0] ? s->why : "out of memory");
}

static memscape_status copy_text(const png_text *t, const char *key, char **value,
                                 memscape_error *err)
{
    size_t len = t->compression >= PNG_ITXT_COMPRESSION_NONE ? t->itxt_length : t->text_length;
    if (len > MEMSCAPE_PNG_MAX_TEXT)
        return memscape_fail(err, MEMSCAPE_ELIMIT, MEMSCAPE_NO_OFFSET,
                             "PNG: text '%s' is longer than %u bytes", key,
                             MEMSCAPE_PNG_MAX_TEXT);
    char *copy = malloc(len + 1);
    if (!copy)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                             "PNG: no memory for %zu bytes of text", len);
    memcpy(copy, t->text, len);
    copy[len] = '\0';
    *value = copy;
    return MEMSCAPE_OK;
}

static memscape_status read_text(png_source *s, const char *path, const char *key,
                                 char **value, memscape_error *err)
{
    png_structp png =
        png_create_read_struct(PNG_LIBPNG_VER_STRING, s, on_read_error, on_read_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "PNG: out of memory");
    }
    const png_text *hit = NULL;
    memscape_status st;
    if (scan(png, info, s, key, &hit) != 0)
        st = scan_failure(s, path, err);
    else if (hit)
        st = copy_text(hit, key, value, err);
    else if (s->warning[0])
        st = memscape_fail(err, MEMSCAPE_ECORRUPT, MEMSCAPE_NO_OFFSET,
                           "%s: no '%s' text read; a text chunk was skipped: %s", path, key,
                           s->warning);
    else
        st = memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET, "%s: no '%s' text", path,
                           key);
    png_destroy_read_struct(&png, &info, NULL);
    free(s->row);
    return st;
}

memscape_status memscape_png_read_text(const char *path, const char *key, char **value,
                                       memscape_error *err)
{
    if (!path || !key || !value || !keyword_valid(key))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "PNG: no path, no place for the value, or an invalid keyword");
    png_source s = {.file = fopen(path, "rbe")};
    if (!s.file)
        return memscape_fail(err, MEMSCAPE_EIO, MEMSCAPE_NO_OFFSET, "%s: %s", path,
                             strerror(errno));
    unsigned char sig[8];
    size_t got = fread(sig, 1, sizeof sig, s.file);
    memscape_status st;
    if (got != sizeof sig && ferror(s.file))
        st = memscape_fail(err, MEMSCAPE_EIO, 0, "%s: %s", path, strerror(errno));
    else if (got != sizeof sig || png_sig_cmp(sig, 0, sizeof sig) != 0)
        st = memscape_fail(err, MEMSCAPE_EFORMAT, 0, "%s: not a PNG file", path);
    else {
        struct stat sb;
        if (fstat(fileno(s.file), &sb) == 0 && S_ISREG(sb.st_mode))
            s.size = (uint64_t)sb.st_size;
        s.offset = sizeof sig;
        st = read_text(&s, path, key, value, err);
    }
    fclose(s.file);
    return st;
}
