/* SPDX-License-Identifier: MIT */
/* PNG through libpng: 8-bit RGB, or indexed when the picture has few colours (smaller files);
 * metadata in iTXt chunks before the image data; written to a temporary name and renamed. */
#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscape/picture.h"
#include "util/error.h"

/* libpng reports through callbacks; they record the message and jump back, never print. */
typedef struct png_failure {
    jmp_buf jump;
    char msg[200];
} png_failure;

static void on_png_error(png_structp png, png_const_charp msg)
{
    png_failure *f = png_get_error_ptr(png);
    snprintf(f->msg, sizeof f->msg, "%s", msg);
    longjmp(f->jump, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* ---- colours ----------------------------------------------------------------------------- */

#define MAX_INDEXED 256u
#define COLOUR_SLOTS 1024u /* open addressing, at most a quarter full */

typedef struct colour_table {
    uint32_t key[COLOUR_SLOTS]; /* 0 = empty, else rgb + 1 */
    uint8_t index[COLOUR_SLOTS];
    png_color palette[MAX_INDEXED];
    unsigned count;
} colour_table;

static uint32_t rgb_key(memscape_rgb c)
{
    return ((uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b) + 1;
}

/* The slot of colour c; adds it when there is room. Returns -1 past 256 colours. */
static int colour_index(colour_table *t, memscape_rgb c)
{
    uint32_t key = rgb_key(c);
    for (uint32_t h = (key * 2654435761u) % COLOUR_SLOTS;; h = (h + 1) % COLOUR_SLOTS) {
        if (t->key[h] == key)
            return t->index[h];
        if (t->key[h] == 0) {
            if (t->count == MAX_INDEXED)
                return -1;
            t->key[h] = key;
            t->index[h] = (uint8_t)t->count;
            t->palette[t->count] = (png_color){c.r, c.g, c.b};
            return (int)t->count++;
        }
    }
}

/* Can the raster be written with a palette? Fills the table when it can. */
static int collect_colours(const memscape_raster *r, colour_table *t)
{
    size_t n = (size_t)r->width * r->height;
    for (size_t i = 0; i < n; i++)
        if (colour_index(t, r->pixels[i]) < 0)
            return 0;
    return 1;
}

static int bit_depth_for(unsigned colours)
{
    return colours <= 2 ? 1 : colours <= 4 ? 2 : colours <= 16 ? 4 : 8;
}

/* ---- writing ----------------------------------------------------------------------------- */

static int valid_keyword(const char *k)
{
    size_t n = strlen(k);
    if (n < 1 || n > 79 || k[0] == ' ' || k[n - 1] == ' ')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if (c < 0x20 || (c > 0x7e && c < 0xa1) || (c == ' ' && k[i + 1] == ' '))
            return 0;
    }
    return 1;
}

static memscape_status check_request(const memscape_raster *r, const memscape_png_options *o,
                                     memscape_error *err)
{
    if (!r || !r->pixels || r->width == 0 || r->height == 0 ||
        r->width > MEMSCAPE_LAYOUT_MAX_SIDE || r->height > MEMSCAPE_LAYOUT_MAX_SIDE)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "PNG: no picture, or a side is 0 or above %u pixels",
                             MEMSCAPE_LAYOUT_MAX_SIDE);
    if (o && (o->zlib_level < -1 || o->zlib_level > 9))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "PNG: zlib level %d is not -1 or 0-9", o->zlib_level);
    for (size_t i = 0; o && i < o->text_count; i++)
        if (!o->text[i].key || !o->text[i].value || !valid_keyword(o->text[i].key))
            return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                                 "PNG: text chunk %zu has no value or a keyword PNG forbids",
                                 i);
    return MEMSCAPE_OK;
}

static void set_text(png_structp png, png_infop info, const memscape_png_options *o)
{
    if (!o || o->text_count == 0)
        return;
    png_textp text = png_malloc(png, o->text_count * sizeof *text);
    memset(text, 0, o->text_count * sizeof *text);
    for (size_t i = 0; i < o->text_count; i++) {
        size_t len = strlen(o->text[i].value);
        /* iTXt holds UTF-8; long values (the picture map) are worth compressing. */
        text[i].compression = len > 1024 ? PNG_ITXT_COMPRESSION_zTXt : PNG_ITXT_COMPRESSION_NONE;
        text[i].key = (png_charp)o->text[i].key;
        text[i].text = (png_charp)o->text[i].value;
        text[i].itxt_length = len;
        text[i].lang = (png_charp)"";
        text[i].lang_key = (png_charp)"";
    }
    png_set_text(png, info, text, (int)o->text_count);
    png_free(png, text);
}

/* Write the image; row is the caller's buffer for one row. Every libpng call that may jump
 * back is after the setjmp, and no local it reads changes after it (C17 7.13.2.1). */
static int encode(FILE *f, const memscape_raster *r, const memscape_png_options *o,
                  colour_table *colours, int indexed, png_bytep row, png_failure *fail)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, fail, on_png_error,
                                              on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        snprintf(fail->msg, sizeof fail->msg, "out of memory");
        return -1;
    }
    if (setjmp(fail->jump)) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    png_init_io(png, f);
    png_set_compression_level(png, o && o->zlib_level >= 0 ? o->zlib_level : 6);
    int depth = indexed ? bit_depth_for(colours->count) : 8;
    png_set_IHDR(png, info, r->width, r->height, depth,
                 indexed ? PNG_COLOR_TYPE_PALETTE : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (indexed)
        png_set_PLTE(png, info, colours->palette, (int)colours->count);
    if (o && o->dpi) {
        png_uint_32 ppm = (png_uint_32)((double)o->dpi / 0.0254 + 0.5);
        png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    }
    set_text(png, info, o);
    png_write_info(png, info);
    if (indexed && depth < 8)
        png_set_packing(png);
    for (uint32_t y = 0; y < r->height; y++) {
        const memscape_rgb *src = r->pixels + (size_t)y * r->width;
        for (uint32_t x = 0; x < r->width; x++) {
            if (indexed) {
                row[x] = (png_byte)colour_index(colours, src[x]);
            } else {
                row[3 * x] = src[x].r;
                row[3 * x + 1] = src[x].g;
                row[3 * x + 2] = src[x].b;
            }
        }
        png_write_row(png, row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 0;
}

memscape_status memscape_png_write(const char *path, const memscape_raster *raster,
                                   const memscape_png_options *opts, memscape_error *err)
{
    memscape_status st = check_request(raster, opts, err);
    if (st != MEMSCAPE_OK)
        return st;
    colour_table *colours = calloc(1, sizeof *colours);
    size_t len = strlen(path);
    char *tmp = malloc(len + 5);
    png_bytep row = malloc((size_t)raster->width * 3);
    if (!colours || !tmp || !row) {
        free(colours);
        free(tmp);
        free(row);
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "out of memory");
    }
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp", 5);
    int indexed = opts && opts->allow_indexed && collect_colours(raster, colours);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    png_failure fail = {0};
    int ok = f != NULL && encode(f, raster, opts, colours, indexed, row, &fail) == 0;
    int saved = errno;
    if (ok)
        ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (f)
        ok = fclose(f) == 0 && ok;
    else if (fd >= 0)
        close(fd);
    if (ok && rename(tmp, path) == 0)
        st = MEMSCAPE_OK;
    else {
        if (!saved)
            saved = errno;
        unlink(tmp);
        st = memscape_fail(err, MEMSCAPE_EIO, MEMSCAPE_NO_OFFSET, "cannot write %s: %s", path,
                           fail.msg[0] ? fail.msg : strerror(saved ? saved : EIO));
    }
    free(colours);
    free(tmp);
    free(row);
    return st;
}

/* ---- reading text back (untrusted input) ------------------------------------------------- */

static int find_text(png_structp png, png_infop info, const char *key, char **value,
                     size_t *len)
{
    png_textp text;
    int n = 0;
    png_get_text(png, info, &text, &n);
    for (int i = 0; i < n; i++) {
        if (strcmp(text[i].key, key) != 0)
            continue;
        *len = text[i].compression >= PNG_ITXT_COMPRESSION_NONE ? text[i].itxt_length
                                                                : text[i].text_length;
        *value = malloc(*len + 1);
        if (*value) {
            memcpy(*value, text[i].text, *len);
            (*value)[*len] = '\0';
        }
        return 1;
    }
    return 0;
}

/* Read the chunks before the image data; returns 0, or -1 with fail->msg set. */
static int read_header(png_structp png, png_infop info, FILE *f, png_failure *fail)
{
    if (setjmp(fail->jump))
        return -1;
    /* A hostile picture must not make libpng allocate what its chunks claim. */
    png_set_chunk_malloc_max(png, MEMSCAPE_PNG_MAX_TEXT + 4096);
    png_set_user_limits(png, MEMSCAPE_LAYOUT_MAX_SIDE, MEMSCAPE_LAYOUT_MAX_SIDE);
    png_init_io(png, f);
    png_set_sig_bytes(png, 8);
    png_read_info(png, info); /* memscape writes its text before the image data */
    return 0;
}

static memscape_status read_text(FILE *f, const char *path, const char *key, char **value,
                                 memscape_error *err)
{
    png_failure fail = {0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &fail, on_png_error,
                                             on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_read_struct(&png, &info, NULL);
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "out of memory");
    }
    if (read_header(png, info, f, &fail) != 0) {
        png_destroy_read_struct(&png, &info, NULL);
        return memscape_fail(err, MEMSCAPE_ECORRUPT, MEMSCAPE_NO_OFFSET, "bad PNG: %s",
                             fail.msg);
    }
    char *found = NULL;
    size_t len = 0;
    int hit = find_text(png, info, key, &found, &len);
    png_destroy_read_struct(&png, &info, NULL);
    if (!hit)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET, "no '%s' text in %s",
                             key, path);
    if (!found)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "out of memory");
    if (len > MEMSCAPE_PNG_MAX_TEXT) {
        free(found);
        return memscape_fail(err, MEMSCAPE_ELIMIT, MEMSCAPE_NO_OFFSET, "'%s' text is larger "
                             "than %u bytes", key, MEMSCAPE_PNG_MAX_TEXT);
    }
    *value = found;
    return MEMSCAPE_OK;
}

memscape_status memscape_png_read_text(const char *path, const char *key, char **value,
                                       memscape_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return memscape_fail(err, MEMSCAPE_EIO, MEMSCAPE_NO_OFFSET, "%s", strerror(errno));
    unsigned char sig[8];
    memscape_status st;
    if (fread(sig, 1, sizeof sig, f) != sizeof sig || png_sig_cmp(sig, 0, sizeof sig) != 0)
        st = memscape_fail(err, MEMSCAPE_EFORMAT, 0, "not a PNG picture");
    else
        st = read_text(f, path, key, value, err);
    fclose(f);
    return st;
}
