/* SPDX-License-Identifier: MIT */
/* Annotations as VTK XML PolyData (.vtp): one vertex per annotation, with the point data
 * arrays "label" (String), "kind" (Int32), "id" (Int64) and "address" (UInt64).
 *
 * Layout, from VTK's "VTK File Formats" (XML section) as ParaView 5.11's XMLPolyDataReader
 * reads it: byte_order="LittleEndian", header_type="UInt64", every array format="appended"
 * in one <AppendedData encoding="raw"> whose content starts after a '_'. Each block there is a
 * uint64 byte count followed by the values; a DataArray's offset counts from the byte after
 * the '_'. A String array's values are its strings, each followed by a NUL, so a label must
 * hold no NUL; the reader takes them as UTF-8, so labels (bytes from the dump) are made valid
 * UTF-8 first. Nothing from the dump goes into the XML itself.
 *
 * The file is built in memory, then written to "<path>.tmp" and renamed (util/atomic_file.h),
 * so a failure leaves no partial file. */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscape/volume.h"
#include "util/atomic_file.h"
#include "util/checked.h"
#include "util/error.h"
#include "util/text.h"

#define WHAT "annotations"

/* ---- labels as valid UTF-8 --------------------------------------------------------------- */

/* A code point a label shows: U+FFFD for a malformed byte, '?' for a control character
 * (C0, DEL, C1), which would break the one-line label or hide text. */
static uint32_t label_char(uint32_t cp)
{
    if (cp == MEMSCAPE_UTF8_INVALID)
        return 0xfffd;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
        return '?';
    return cp;
}

/* Write label made valid into o (when not NULL); returns its length in bytes, without the
 * NUL. NULL stands for an empty label. */
static size_t label_put(FILE *o, const char *label)
{
    size_t len = 0;
    const unsigned char *s = (const unsigned char *)(label ? label : "");
    while (*s) {
        size_t used;
        char utf8[4];
        size_t n = memscape_utf8_encode(label_char(memscape_utf8_next(s, &used)), utf8);
        if (o)
            fwrite(utf8, 1, n, o);
        len += n;
        s += used;
    }
    return len;
}

/* ---- little-endian values ---------------------------------------------------------------- */

static void put_le(FILE *o, uint64_t v, size_t bytes)
{
    unsigned char b[8];
    for (size_t i = 0; i < bytes; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    fwrite(b, 1, bytes, o);
}

static void put_f32(FILE *o, float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    put_le(o, bits, 4);
}

/* ---- the file ---------------------------------------------------------------------------- */

/* The appended blocks, in the order they are written. */
enum { LABEL, KIND, ID, ADDRESS, POINTS, CONNECTIVITY, OFFSETS, BLOCK_COUNT };

/* Where each block starts in the appended data; fails on sizes that overflow. */
static memscape_status block_offsets(const memscape_annotation *items, size_t count,
                                     uint64_t offset[BLOCK_COUNT])
{
    static const uint64_t bytes_per_item[BLOCK_COUNT] = {0, 4, 8, 8, 12, 8, 8};
    uint64_t size[BLOCK_COUNT] = {0};
    for (size_t i = 0; i < count; i++)
        if (memscape_add_u64(size[LABEL], label_put(NULL, items[i].label) + 1, &size[LABEL]))
            return MEMSCAPE_EOVERFLOW;
    for (int b = KIND; b < BLOCK_COUNT; b++)
        if (memscape_mul_u64(count, bytes_per_item[b], &size[b]))
            return MEMSCAPE_EOVERFLOW;
    uint64_t at = 0;
    for (int b = 0; b < BLOCK_COUNT; b++) {
        offset[b] = at;
        /* Each block is its uint64 byte count, then the bytes. */
        if (memscape_add_u64(at, 8, &at) || memscape_add_u64(at, size[b], &at))
            return MEMSCAPE_EOVERFLOW;
    }
    return MEMSCAPE_OK;
}

static void put_header(FILE *o, size_t count, const uint64_t offset[BLOCK_COUNT])
{
    fprintf(o, "<?xml version=\"1.0\"?>\n"
               "<VTKFile type=\"PolyData\" version=\"1.0\" byte_order=\"LittleEndian\""
               " header_type=\"UInt64\">\n"
               "  <PolyData>\n"
               "    <Piece NumberOfPoints=\"%zu\" NumberOfVerts=\"%zu\" NumberOfLines=\"0\""
               " NumberOfStrips=\"0\" NumberOfPolys=\"0\">\n", count, count);
    fprintf(o, "      <PointData>\n"
               "        <DataArray type=\"String\" Name=\"label\" NumberOfTuples=\"%zu\""
               " format=\"appended\" offset=\"%" PRIu64 "\"/>\n", count, offset[LABEL]);
    fprintf(o, "        <DataArray type=\"Int32\" Name=\"kind\" format=\"appended\""
               " offset=\"%" PRIu64 "\"/>\n", offset[KIND]);
    fprintf(o, "        <DataArray type=\"Int64\" Name=\"id\" format=\"appended\""
               " offset=\"%" PRIu64 "\"/>\n", offset[ID]);
    fprintf(o, "        <DataArray type=\"UInt64\" Name=\"address\" format=\"appended\""
               " offset=\"%" PRIu64 "\"/>\n      </PointData>\n", offset[ADDRESS]);
    fprintf(o, "      <Points>\n"
               "        <DataArray type=\"Float32\" Name=\"Points\" NumberOfComponents=\"3\""
               " format=\"appended\" offset=\"%" PRIu64 "\"/>\n      </Points>\n",
            offset[POINTS]);
    fprintf(o, "      <Verts>\n"
               "        <DataArray type=\"Int64\" Name=\"connectivity\" format=\"appended\""
               " offset=\"%" PRIu64 "\"/>\n", offset[CONNECTIVITY]);
    fprintf(o, "        <DataArray type=\"Int64\" Name=\"offsets\" format=\"appended\""
               " offset=\"%" PRIu64 "\"/>\n      </Verts>\n", offset[OFFSETS]);
    fputs("    </Piece>\n  </PolyData>\n  <AppendedData encoding=\"raw\">\n   _", o);
}

/* The blocks, in enum order, each after its byte count. */
static void put_blocks(FILE *o, const memscape_annotation *items, size_t count,
                       const uint64_t offset[BLOCK_COUNT])
{
    put_le(o, offset[KIND] - offset[LABEL] - 8, 8);
    for (size_t i = 0; i < count; i++) {
        label_put(o, items[i].label);
        fputc('\0', o);
    }
    put_le(o, (uint64_t)count * 4, 8);
    for (size_t i = 0; i < count; i++)
        put_le(o, (uint32_t)(int32_t)items[i].kind, 4);
    put_le(o, (uint64_t)count * 8, 8);
    for (size_t i = 0; i < count; i++)
        put_le(o, (uint64_t)items[i].id, 8);
    put_le(o, (uint64_t)count * 8, 8);
    for (size_t i = 0; i < count; i++)
        put_le(o, items[i].address, 8);
    put_le(o, (uint64_t)count * 12, 8);
    for (size_t i = 0; i < count; i++)
        for (int axis = 0; axis < 3; axis++)
            put_f32(o, (float)items[i].position[axis]);
    /* One vertex per point: cell i is point i, and offsets are where each cell ends. */
    put_le(o, (uint64_t)count * 8, 8);
    for (size_t i = 0; i < count; i++)
        put_le(o, i, 8);
    put_le(o, (uint64_t)count * 8, 8);
    for (size_t i = 0; i < count; i++)
        put_le(o, i + 1, 8);
    fputs("\n  </AppendedData>\n</VTKFile>\n", o);
}

/* Float32 holds the position only when it is finite and within FLT_MAX; converting a larger
 * double to float is undefined behaviour (C17 6.3.1.5). */
static memscape_status check_items(const memscape_annotation *items, size_t count,
                                   memscape_error *err)
{
    for (size_t i = 0; i < count; i++)
        for (int axis = 0; axis < 3; axis++) {
            double v = items[i].position[axis];
            if (!isfinite(v) || fabs(v) > FLT_MAX)
                return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                                     "%s: annotation %zu: position %c is not a Float32 value",
                                     WHAT, i, "xyz"[axis]);
        }
    return MEMSCAPE_OK;
}

/* The whole file in memory, in *buf (caller frees) of *len bytes. */
static memscape_status build(const memscape_annotation *items, size_t count, char **buf,
                             size_t *len, memscape_error *err)
{
    uint64_t offset[BLOCK_COUNT];
    if (block_offsets(items, count, offset) != MEMSCAPE_OK)
        return memscape_fail(err, MEMSCAPE_EOVERFLOW, MEMSCAPE_NO_OFFSET,
                             "%s: %zu annotations are too many for one file", WHAT, count);
    *buf = NULL;
    FILE *o = open_memstream(buf, len);
    if (!o)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "%s: out of memory",
                             WHAT);
    put_header(o, count, offset);
    put_blocks(o, items, count, offset);
    int failed = ferror(o);
    if (fclose(o) != 0 || failed) {
        free(*buf);
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "%s: out of memory",
                             WHAT);
    }
    return MEMSCAPE_OK;
}

memscape_status memscape_annotations_write_vtp(const char *path,
                                               const memscape_annotation *items,
                                               size_t count, memscape_error *err)
{
    if (!path || (count > 0 && !items))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "%s: no path or no annotations", WHAT);
    memscape_status st = check_items(items, count, err);
    char *buf = NULL;
    size_t len = 0;
    if (st == MEMSCAPE_OK)
        st = build(items, count, &buf, &len, err);
    if (st != MEMSCAPE_OK)
        return st;
    st = memscape_atomic_write_file(path, WHAT, buf, len, err);
    free(buf);
    return st;
}
