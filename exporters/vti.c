/* SPDX-License-Identifier: MIT */
/* VTK XML ImageData (.vti) and its partitioned form (.pvti), as ParaView 5.11's
 * XMLImageDataReader and XMLPImageDataReader read them (PARAVIEW.md 3b and 3c; VTK File
 * Formats, "XML File Formats").
 *
 * The voxels are cells, so the image has one point more than voxels along each axis: extents
 * run 0..n. Every array is one block of appended raw data after the XML, each block led by
 * UInt64 headers (header_type="UInt64": without it the reader takes UInt32 headers and loads
 * the values shifted, silently). Uncompressed, a block is {byte count} then the bytes; with
 * vtkZLibDataCompressor it is {blocks, block size, bytes in the last block (0 when full),
 * compressed size of each block} then each 32 KiB block deflated on its own.
 *
 * An array's offset in the XML counts the bytes of all earlier blocks, and compressed sizes
 * are only known once the blocks are written, so the XML holds each offset as a field of 20
 * characters (the widest uint64), left-aligned and padded with spaces, which is filled in at
 * the end. VTK parses the attribute with an istream, which stops at the spaces. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util/atomic_file.h"
#include "volume_writers.h"

#define OFFSET_WIDTH 20   /* digits of UINT64_MAX */

static const char *const xml_type[MEMSCAPE_ARRAY_TYPE_COUNT] = {
    [MEMSCAPE_ARRAY_U8] = "UInt8",   [MEMSCAPE_ARRAY_U16] = "UInt16",
    [MEMSCAPE_ARRAY_U32] = "UInt32", [MEMSCAPE_ARRAY_I32] = "Int32",
    [MEMSCAPE_ARRAY_F32] = "Float32",
};

/* A slab of the volume: the layers of voxels [k0, k1) along z, all of x and y. */
typedef struct slab {
    uint32_t k0, k1;
} slab;

/* The file being written, with its length so far (offsets and patches are counted in it). */
typedef struct vti_out {
    memscape_atomic_file file;
    uint64_t pos;
    unsigned char raw[MEMSCAPE_VOLUME_CHUNK];
    unsigned char *deflated;
    uLong deflated_cap;
} vti_out;

static void put_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static int out_write(vti_out *o, const void *data, size_t len)
{
    o->pos += len;
    return memscape_atomic_write(&o->file, data, len);
}

/* Overwrite bytes written earlier (a placeholder) at file offset at. */
static void out_patch(vti_out *o, uint64_t at, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0 && !o->file.os_errno) {
        ssize_t done = pwrite(o->file.fd, p, len, (off_t)at);
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0) {
            o->file.os_errno = done < 0 ? errno : EIO;
            break;
        }
        p += done, at += (uint64_t)done, len -= (size_t)done;
    }
}

/* ---- the XML ------------------------------------------------------------------------------ */

static void print_geometry(memscape_vtext *t, const memscape_volume *v, const char *extent_name,
                           slab s)
{
    memscape_vtext_printf(t, "%s=\"0 %u 0 %u %u %u\" Origin=\"%.17g %.17g %.17g\" "
                          "Spacing=\"%.17g %.17g %.17g\"", extent_name, v->dims[0], v->dims[1],
                          s.k0, s.k1, v->origin[0], v->origin[1], v->origin[2], v->spacing[0],
                          v->spacing[1], v->spacing[2]);
}

/* The XML before the appended data; offset_at[i] receives where array i's offset field is. */
static void vti_header(memscape_vtext *t, const memscape_volume_job *job, slab s,
                       uint64_t *offset_at)
{
    const memscape_volume *v = job->volume;
    memscape_vtext_printf(t, "<?xml version=\"1.0\"?>\n<VTKFile type=\"ImageData\" "
                          "version=\"1.0\" byte_order=\"LittleEndian\" header_type=\"UInt64\"%s>\n"
                          "  <ImageData ", job->opts.compress
                                               ? " compressor=\"vtkZLibDataCompressor\"" : "");
    print_geometry(t, v, "WholeExtent", s);
    memscape_vtext_printf(t, ">\n    <Piece Extent=\"0 %u 0 %u %u %u\">\n"
                          "      <CellData Scalars=\"%s\">\n", v->dims[0], v->dims[1], s.k0,
                          s.k1, v->arrays[0].name);
    for (size_t i = 0; i < v->array_count; i++) {
        memscape_vtext_printf(t, "        <DataArray type=\"%s\" Name=\"%s\" "
                              "NumberOfComponents=\"1\" format=\"appended\" offset=\"",
                              xml_type[v->arrays[i].type], v->arrays[i].name);
        offset_at[i] = t->len;
        memscape_vtext_printf(t, "%-*d\"/>\n", OFFSET_WIDTH, 0);
    }
    memscape_vtext_printf(t, "      </CellData>\n    </Piece>\n  </ImageData>\n"
                          "  <AppendedData encoding=\"raw\">\n   _");
}

/* ---- the blocks --------------------------------------------------------------------------- */

static int write_raw_block(vti_out *o, memscape_volume_job *job, const memscape_volume_array *a,
                           size_t first, size_t len)
{
    unsigned char head[8];
    put_le64(head, len);
    out_write(o, head, sizeof head);
    for (size_t at = 0; at < len; at += MEMSCAPE_VOLUME_CHUNK) {
        size_t n = len - at < MEMSCAPE_VOLUME_CHUNK ? len - at : MEMSCAPE_VOLUME_CHUNK;
        memscape_volume_encode(a, first + at, n, 0, o->raw);
        if (out_write(o, o->raw, n) != 0)
            return -1;
        memscape_volume_advance(job, n);
    }
    return o->file.os_errno ? -1 : 0;
}

/* Deflate each 32 KiB block on its own (vtkZLibDataCompressor) after a header of
 * placeholders, then fill the header in. Returns 0, or -1 with *why set. */
static int write_zlib_block(vti_out *o, memscape_volume_job *job, const memscape_volume_array *a,
                            size_t first, size_t len, const char **why)
{
    size_t blocks = len / MEMSCAPE_VOLUME_CHUNK + (len % MEMSCAPE_VOLUME_CHUNK != 0);
    size_t head_len = (3 + blocks) * 8;
    unsigned char *head = calloc(3 + blocks, 8);
    if (!head) {
        *why = "out of memory";
        return -1;
    }
    put_le64(head, blocks);
    put_le64(head + 8, MEMSCAPE_VOLUME_CHUNK);
    put_le64(head + 16, len % MEMSCAPE_VOLUME_CHUNK);
    uint64_t head_at = o->pos;
    out_write(o, head, head_len);
    for (size_t b = 0; b < blocks && !o->file.os_errno; b++) {
        size_t at = b * MEMSCAPE_VOLUME_CHUNK;
        size_t n = len - at < MEMSCAPE_VOLUME_CHUNK ? len - at : MEMSCAPE_VOLUME_CHUNK;
        memscape_volume_encode(a, first + at, n, 0, o->raw);
        uLongf size = o->deflated_cap;
        if (compress2(o->deflated, &size, o->raw, (uLong)n, job->opts.zlib_level) != Z_OK) {
            free(head);
            *why = "zlib cannot compress";
            return -1;
        }
        put_le64(head + 24 + 8 * b, size);
        out_write(o, o->deflated, size);
        memscape_volume_advance(job, n);
    }
    out_patch(o, head_at, head, head_len);
    free(head);
    return o->file.os_errno ? -1 : 0;
}

/* ---- one .vti ----------------------------------------------------------------------------- */

/* The appended blocks and the end of the file. Returns 0, or -1 (*why set unless the failure
 * is the system's, in o->file.os_errno). */
static int vti_body(vti_out *o, memscape_volume_job *job, slab s, const uint64_t *offset_at,
                    const char **why)
{
    const memscape_volume *v = job->volume;
    uint64_t data_at = o->pos;
    for (size_t i = 0; i < v->array_count; i++) {
        const memscape_volume_array *a = &v->arrays[i];
        size_t layer = memscape_volume_layer_bytes(v, a);
        size_t first = layer * s.k0, len = layer * (s.k1 - s.k0);
        char field[OFFSET_WIDTH + 1];
        snprintf(field, sizeof field, "%-*" PRIu64, OFFSET_WIDTH, o->pos - data_at);
        out_patch(o, offset_at[i], field, OFFSET_WIDTH);
        int rc = job->opts.compress ? write_zlib_block(o, job, a, first, len, why)
                                    : write_raw_block(o, job, a, first, len);
        if (rc != 0)
            return -1;
    }
    static const char tail[] = "\n  </AppendedData>\n</VTKFile>\n";
    out_write(o, tail, sizeof tail - 1);
    return o->file.os_errno ? -1 : 0;
}

static memscape_status vti_write_slab(const char *path, memscape_volume_job *job, slab s,
                                      memscape_error *err)
{
    const memscape_volume *v = job->volume;
    memscape_vtext head = {0};
    uint64_t *offset_at = calloc(v->array_count, sizeof *offset_at);
    vti_out *o = calloc(1, sizeof *o);
    if (offset_at && o) {
        o->deflated_cap = compressBound(MEMSCAPE_VOLUME_CHUNK);
        o->deflated = job->opts.compress ? malloc(o->deflated_cap) : NULL;
        vti_header(&head, job, s, offset_at);
    }
    memscape_status st;
    if (!offset_at || !o || head.failed || (job->opts.compress && !o->deflated)) {
        st = memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "VTI: out of memory");
    } else if ((st = memscape_atomic_open(&o->file, path, "VTI", err)) == MEMSCAPE_OK) {
        const char *why = NULL;
        out_write(o, head.data, head.len);
        vti_body(o, job, s, offset_at, &why);
        st = memscape_atomic_commit(&o->file, "VTI", why, err);
    }
    if (o)
        free(o->deflated);
    free(o);
    free(offset_at);
    memscape_vtext_free(&head);
    return st;
}

memscape_status memscape_vti_write(const char *path, memscape_volume_job *job,
                                   memscape_error *err)
{
    return vti_write_slab(path, job, (slab){0, job->volume->dims[2]}, err);
}

/* ---- .pvti -------------------------------------------------------------------------------- */

/* Piece i of count: voxel layers split as evenly as integers allow, none empty (count <= nz). */
static slab piece_slab(uint32_t nz, unsigned count, unsigned i)
{
    return (slab){(uint32_t)((uint64_t)nz * i / count),
                  (uint32_t)((uint64_t)nz * (i + 1) / count)};
}

/* "<stem>_pieces/<stem>_<i>.vti", relative to the .pvti's folder. */
static char *piece_name(const memscape_path_parts *pp, unsigned i)
{
    int len = (int)pp->stem_len;
    return memscape_volume_sprintf("%.*s_pieces/%.*s_%u.vti", len, pp->stem, len, pp->stem, i);
}

static char *piece_path(const char *path, const memscape_path_parts *pp, unsigned i)
{
    char *name = piece_name(pp, i);
    char *full = name ? memscape_volume_sprintf("%.*s%s", (int)pp->dir_len, path, name) : NULL;
    free(name);
    return full;
}

/* Pieces share their boundary plane of points (piece i ends at k1, piece i + 1 starts there),
 * while their cells do not overlap: PARAVIEW.md 3c, cell data. */
static void pvti_text(memscape_vtext *t, const memscape_volume_job *job,
                      const memscape_path_parts *pp)
{
    const memscape_volume *v = job->volume;
    memscape_vtext_printf(t, "<?xml version=\"1.0\"?>\n<VTKFile type=\"PImageData\" "
                          "version=\"1.0\" byte_order=\"LittleEndian\" "
                          "header_type=\"UInt64\">\n  <PImageData GhostLevel=\"0\" ");
    print_geometry(t, v, "WholeExtent", (slab){0, v->dims[2]});
    memscape_vtext_printf(t, ">\n    <PCellData Scalars=\"%s\">\n", v->arrays[0].name);
    for (size_t i = 0; i < v->array_count; i++)
        memscape_vtext_printf(t, "      <PDataArray type=\"%s\" Name=\"%s\" "
                              "NumberOfComponents=\"1\"/>\n", xml_type[v->arrays[i].type],
                              v->arrays[i].name);
    memscape_vtext_printf(t, "    </PCellData>\n");
    for (unsigned i = 0; i < job->opts.pieces; i++) {
        slab s = piece_slab(v->dims[2], job->opts.pieces, i);
        char *name = piece_name(pp, i);
        if (!name) {
            t->failed = 1;
            return;
        }
        memscape_vtext_printf(t, "    <Piece Extent=\"0 %u 0 %u %u %u\" Source=\"", v->dims[0],
                              v->dims[1], s.k0, s.k1);
        memscape_vtext_xml(t, name, strlen(name));
        memscape_vtext_printf(t, "\"/>\n");
        free(name);
    }
    memscape_vtext_printf(t, "  </PImageData>\n</VTKFile>\n");
}

/* Remove the first count pieces, and the folder when this call made it (rmdir leaves a
 * folder holding anything else alone). */
static void remove_pieces(const char *path, const memscape_path_parts *pp, unsigned count,
                          const char *folder, int made_folder)
{
    for (unsigned i = 0; i < count; i++) {
        char *p = piece_path(path, pp, i);
        if (p)
            unlink(p);
        free(p);
    }
    if (made_folder)
        rmdir(folder);
}

static memscape_status write_pieces(const char *path, const memscape_path_parts *pp,
                                    memscape_volume_job *job, unsigned *written,
                                    memscape_error *err)
{
    for (*written = 0; *written < job->opts.pieces; ++*written) {
        char *p = piece_path(path, pp, *written);
        if (!p)
            return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "PVTI: out of memory");
        slab s = piece_slab(job->volume->dims[2], job->opts.pieces, *written);
        memscape_status st = vti_write_slab(p, job, s, err);
        free(p);
        if (st != MEMSCAPE_OK)
            return st;
    }
    return MEMSCAPE_OK;
}

/* The pieces first, the .pvti last, so that a .pvti never names a piece that is missing. */
memscape_status memscape_pvti_write(const char *path, memscape_volume_job *job,
                                    memscape_error *err)
{
    memscape_path_parts pp;
    memscape_path_split(path, &pp);
    int len = (int)pp.stem_len;
    char *folder = memscape_volume_sprintf("%.*s%.*s_pieces", (int)pp.dir_len, path, len,
                                           pp.stem);
    if (!folder)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "PVTI: out of memory");
    int made_folder = mkdir(folder, 0777) == 0;
    if (!made_folder && errno != EEXIST) {
        int e = errno;
        memscape_status st = memscape_fail(err, MEMSCAPE_EIO, MEMSCAPE_NO_OFFSET,
                                           "PVTI: cannot make the folder %s: %s", folder,
                                           strerror(e));
        free(folder);
        return st;
    }
    unsigned written;
    memscape_status st = write_pieces(path, &pp, job, &written, err);
    if (st == MEMSCAPE_OK) {
        memscape_vtext t = {0};
        pvti_text(&t, job, &pp);
        st = memscape_vtext_write(&t, path, "PVTI", err);
        memscape_vtext_free(&t);
    }
    if (st != MEMSCAPE_OK)
        remove_pieces(path, &pp, written, folder, made_folder);
    free(folder);
    return st;
}
