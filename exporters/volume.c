/* SPDX-License-Identifier: MIT */
/* memscape_volume_write: checks the volume, then hands it to the writer of the format. Also
 * what the writers share (volume_writers.h): progress, values in a chosen byte order, a text
 * buffer, file names and HDF5 plumbing. The byte recipes are ../shared/PARAVIEW.md. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/atomic_file.h"
#include "util/checked.h"
#include "volume_writers.h"

/* Array names are read back by VTK's legacy reader into a 256-byte buffer
 * (vtkDataReader::ReadString), so longer ones would be cut. */
#define MAX_NAME_LEN 255u
/* Far more arrays than a picture of memory has uses for; it bounds the duplicate check. */
#define MAX_ARRAYS 1024u

/* ---- types and extensions ----------------------------------------------------------------- */

size_t memscape_array_type_size(memscape_array_type type)
{
    switch (type) {
    case MEMSCAPE_ARRAY_U8: return 1;
    case MEMSCAPE_ARRAY_U16: return 2;
    case MEMSCAPE_ARRAY_U32: return 4;
    case MEMSCAPE_ARRAY_I32: return 4;
    case MEMSCAPE_ARRAY_F32: return 4;
    case MEMSCAPE_ARRAY_TYPE_COUNT: break;
    }
    return 0;
}

int memscape_volume_format_of(const char *path, memscape_volume_format *format)
{
    static const struct {
        const char *ext;
        memscape_volume_format format;
    } known[] = {
        {"vti", MEMSCAPE_VOLUME_VTI},       {"pvti", MEMSCAPE_VOLUME_PVTI},
        {"vtk", MEMSCAPE_VOLUME_VTK},       {"hdf", MEMSCAPE_VOLUME_VTKHDF},
        {"xdmf", MEMSCAPE_VOLUME_XDMF},
    };
    if (!path)
        return 0;
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    if (!dot)
        return 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strcasecmp(dot + 1, known[i].ext) == 0) {
            if (format)
                *format = known[i].format;
            return 1;
        }
    }
    return 0;
}

/* ---- validation --------------------------------------------------------------------------- */

/* Names become XML attribute values, HDF5 dataset names and legacy VTK tokens: this alphabet
 * needs no escaping in any of them. */
static int name_valid(const char *name)
{
    size_t n = 0;
    for (; name[n]; n++) {
        char c = name[n];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-';
        if (!ok || n >= MAX_NAME_LEN)
            return 0;
    }
    return n > 0;
}

static memscape_status check_geometry(const memscape_volume *v, memscape_error *err)
{
    static const char axis[3] = {'x', 'y', 'z'};
    for (int i = 0; i < 3; i++) {
        if (v->dims[i] < 1 || v->dims[i] > MEMSCAPE_VOLUME_MAX_SIDE)
            return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                                 "volume: %u voxels along %c, not 1-%u", v->dims[i], axis[i],
                                 MEMSCAPE_VOLUME_MAX_SIDE);
        /* The formats print these as text: NaN or infinity would not read back. */
        if (!isfinite(v->origin[i]) || !isfinite(v->spacing[i]) || !(v->spacing[i] > 0))
            return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                                 "volume: origin %g or spacing %g along %c is not finite and "
                                 "positive", v->origin[i], v->spacing[i], axis[i]);
    }
    size_t voxels = 1;
    for (int i = 0; i < 3; i++)
        if (memscape_mul_size(voxels, v->dims[i], &voxels) != MEMSCAPE_OK)
            voxels = SIZE_MAX;
    size_t bytes;
    if (voxels == SIZE_MAX || memscape_mul_size(voxels, 4, &bytes) != MEMSCAPE_OK)
        return memscape_fail(err, MEMSCAPE_ELIMIT, MEMSCAPE_NO_OFFSET,
                             "volume: %ux%ux%u voxels do not fit in this machine's memory",
                             v->dims[0], v->dims[1], v->dims[2]);
    return MEMSCAPE_OK;
}

static memscape_status check_array(const memscape_volume *v, size_t i, memscape_error *err)
{
    const memscape_volume_array *a = &v->arrays[i];
    if (!a->name || !name_valid(a->name))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "volume: array %zu: name %s%.40s%s is not 1-%u of A-Z a-z 0-9 _ -",
                             i, a->name ? "\"" : "", a->name ? a->name : "(null)",
                             a->name ? "\"" : "", MAX_NAME_LEN);
    if (memscape_array_type_size(a->type) == 0)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "volume: array %s: unknown type %d", a->name, (int)a->type);
    if (!a->values)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "volume: array %s: no values", a->name);
    for (size_t k = 0; k < i; k++)
        if (strcmp(v->arrays[k].name, a->name) == 0)
            return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                                 "volume: arrays %zu and %zu are both named %s", k, i, a->name);
    return MEMSCAPE_OK;
}

static memscape_status check_volume(const memscape_volume *v, memscape_error *err)
{
    memscape_status st = check_geometry(v, err);
    if (st != MEMSCAPE_OK)
        return st;
    if (v->array_count == 0 || !v->arrays)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "volume: no arrays to write");
    if (v->array_count > MAX_ARRAYS)
        return memscape_fail(err, MEMSCAPE_ELIMIT, MEMSCAPE_NO_OFFSET,
                             "volume: %zu arrays, at most %u", v->array_count, MAX_ARRAYS);
    for (size_t i = 0; i < v->array_count; i++)
        if ((st = check_array(v, i, err)) != MEMSCAPE_OK)
            return st;
    return MEMSCAPE_OK;
}

static memscape_status check_options(const memscape_volume_options *o, memscape_error *err)
{
    if (o->zlib_level < -1 || o->zlib_level > 9)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "volume: zlib level %d is not -1 (default) or 0-9", o->zlib_level);
    return MEMSCAPE_OK;
}

/* ---- the job ------------------------------------------------------------------------------ */

size_t memscape_volume_voxels(const memscape_volume *v)
{
    return (size_t)v->dims[0] * v->dims[1] * v->dims[2];
}

size_t memscape_volume_layer_bytes(const memscape_volume *v, const memscape_volume_array *a)
{
    return (size_t)v->dims[0] * v->dims[1] * memscape_array_type_size(a->type);
}

void memscape_volume_advance(memscape_volume_job *job, uint64_t bytes)
{
    job->done += bytes;
    if (job->opts.progress)
        job->opts.progress(job->opts.progress_ctx, job->done, job->total);
}

static void job_init(memscape_volume_job *job, const memscape_volume *v,
                     const memscape_volume_options *opts)
{
    static const memscape_volume_options defaults = {.zlib_level = -1};
    memset(job, 0, sizeof *job);
    job->volume = v;
    job->opts = opts ? *opts : defaults;
    uint32_t nz = v->dims[2];
    if (job->opts.pieces == 0)
        job->opts.pieces = 2;
    if (job->opts.pieces > nz)
        job->opts.pieces = nz;
    for (size_t i = 0; i < v->array_count; i++)
        job->total += (uint64_t)memscape_volume_voxels(v) *
                      memscape_array_type_size(v->arrays[i].type);
}

static int host_is_big_endian(void)
{
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 0;
}

void memscape_volume_encode(const memscape_volume_array *a, size_t first, size_t len,
                            int big_endian, unsigned char *out)
{
    const unsigned char *src = (const unsigned char *)a->values + first;
    size_t width = memscape_array_type_size(a->type);
    if (width == 1 || big_endian == host_is_big_endian()) {
        memcpy(out, src, len);
        return;
    }
    for (size_t i = 0; i < len; i += width)
        for (size_t b = 0; b < width; b++)
            out[i + b] = src[i + width - 1 - b];
}

/* ---- text --------------------------------------------------------------------------------- */

static int vtext_reserve(memscape_vtext *t, size_t more)
{
    if (t->failed)
        return -1;
    if (more < t->cap - t->len)
        return 0;
    size_t cap = t->cap ? t->cap : 1024;
    while (cap - t->len <= more) {
        if (cap > SIZE_MAX / 2) {
            t->failed = 1;
            return -1;
        }
        cap *= 2;
    }
    char *p = realloc(t->data, cap);
    if (!p) {
        t->failed = 1;
        return -1;
    }
    t->data = p;
    t->cap = cap;
    return 0;
}

void memscape_vtext_printf(memscape_vtext *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = 1;
        return;
    }
    if (vtext_reserve(t, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(t->data + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

void memscape_vtext_xml(memscape_vtext *t, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (s[i]) {
        case '&': memscape_vtext_printf(t, "&amp;"); break;
        case '<': memscape_vtext_printf(t, "&lt;"); break;
        case '>': memscape_vtext_printf(t, "&gt;"); break;
        case '"': memscape_vtext_printf(t, "&quot;"); break;
        case '\'': memscape_vtext_printf(t, "&apos;"); break;
        default: memscape_vtext_printf(t, "%c", s[i]); break;
        }
    }
}

void memscape_vtext_free(memscape_vtext *t)
{
    free(t->data);
    memset(t, 0, sizeof *t);
}

memscape_status memscape_vtext_write(const memscape_vtext *t, const char *path, const char *what,
                                     memscape_error *err)
{
    if (t->failed)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "%s: out of memory",
                             what);
    memscape_atomic_file f;
    memscape_status st = memscape_atomic_open(&f, path, what, err);
    if (st != MEMSCAPE_OK)
        return st;
    memscape_atomic_write(&f, t->data, t->len);
    return memscape_atomic_commit(&f, what, NULL, err);
}

/* ---- file names --------------------------------------------------------------------------- */

void memscape_path_split(const char *path, memscape_path_parts *parts)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    const char *dot = strrchr(name, '.');
    parts->dir_len = (size_t)(name - path);
    parts->stem = name;
    parts->stem_len = dot && dot != name ? (size_t)(dot - name) : strlen(name);
}

char *memscape_volume_sprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* ---- HDF5 --------------------------------------------------------------------------------- */

/* Chunks of about this many bytes: the size of HDF5's default chunk cache, so a reader going
 * through the dataset in pieces does not decompress a chunk twice. */
#define H5_CHUNK_TARGET ((size_t)1 << 20)

memscape_status memscape_h5_create(memscape_h5_file *f, const char *path, const char *what,
                                   memscape_error *err)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    f->id = H5I_INVALID_HID;
    f->tmp = memscape_volume_sprintf("%s.tmp", path);
    if (!f->tmp)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "%s: out of memory",
                             what);
    H5Eget_auto2(H5E_DEFAULT, &f->saved_func, &f->saved_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    /* Like memscape_atomic_open's O_NOFOLLOW: a symlink planted at the temporary name is
     * removed, not followed, and EXCL (O_EXCL) refuses one planted again meanwhile. */
    unlink(f->tmp);
    errno = 0;
    f->id = H5Fcreate(f->tmp, H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
    if (f->id < 0) {
        int e = errno;
        memscape_h5_abort(f);
        return memscape_fail(err, MEMSCAPE_EIO, MEMSCAPE_NO_OFFSET, "%s: cannot write %s: %s",
                             what, path, e ? strerror(e) : "HDF5 cannot create it");
    }
    return MEMSCAPE_OK;
}

void memscape_h5_abort(memscape_h5_file *f)
{
    if (f->id >= 0)
        H5Fclose(f->id);
    f->id = H5I_INVALID_HID;
    if (f->tmp)
        unlink(f->tmp);
    free(f->tmp);
    f->tmp = NULL;
    H5Eset_auto2(H5E_DEFAULT, f->saved_func, f->saved_data);
}

/* HDF5 does not sync on close; do it as memscape_atomic_commit does, so that a crash after the
 * rename cannot leave an empty file under the final name. */
static int sync_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

memscape_status memscape_h5_commit(memscape_h5_file *f, const char *what, const char *why,
                                   memscape_error *err)
{
    int e = 0;
    if (!why) {
        herr_t rc = H5Fclose(f->id);
        f->id = H5I_INVALID_HID;
        if (rc < 0)
            why = "HDF5 cannot finish it";
        else if (sync_file(f->tmp) != 0 || rename(f->tmp, f->path) != 0)
            e = errno;
    }
    if (!why && !e) {
        free(f->tmp);
        f->tmp = NULL;
        H5Eset_auto2(H5E_DEFAULT, f->saved_func, f->saved_data);
        return MEMSCAPE_OK;
    }
    memscape_h5_abort(f);
    return memscape_fail(err, MEMSCAPE_EIO, MEMSCAPE_NO_OFFSET, "%s: cannot write %s: %s", what,
                         f->path, e ? strerror(e) : why);
}

static hid_t h5_memory_type(memscape_array_type type)
{
    switch (type) {
    case MEMSCAPE_ARRAY_U8: return H5T_NATIVE_UINT8;
    case MEMSCAPE_ARRAY_U16: return H5T_NATIVE_UINT16;
    case MEMSCAPE_ARRAY_U32: return H5T_NATIVE_UINT32;
    case MEMSCAPE_ARRAY_I32: return H5T_NATIVE_INT32;
    case MEMSCAPE_ARRAY_F32: return H5T_NATIVE_FLOAT;
    case MEMSCAPE_ARRAY_TYPE_COUNT: break;
    }
    return H5I_INVALID_HID;
}

/* Little-endian in the file whatever the host: HDF5 converts from the memory type. */
static hid_t h5_file_type(memscape_array_type type)
{
    switch (type) {
    case MEMSCAPE_ARRAY_U8: return H5T_STD_U8LE;
    case MEMSCAPE_ARRAY_U16: return H5T_STD_U16LE;
    case MEMSCAPE_ARRAY_U32: return H5T_STD_U32LE;
    case MEMSCAPE_ARRAY_I32: return H5T_STD_I32LE;
    case MEMSCAPE_ARRAY_F32: return H5T_IEEE_F32LE;
    case MEMSCAPE_ARRAY_TYPE_COUNT: break;
    }
    return H5I_INVALID_HID;
}

/* Whole rows of x, then as many rows and layers as fit in H5_CHUNK_TARGET (at least one). */
static void h5_chunk_dims(const memscape_volume *v, size_t width, hsize_t chunk[3])
{
    size_t row = (size_t)v->dims[0] * width, layer = row * v->dims[1];
    chunk[2] = v->dims[0];
    if (layer > H5_CHUNK_TARGET) {
        size_t rows = H5_CHUNK_TARGET / row;
        chunk[1] = rows ? rows : 1;
        chunk[0] = 1;
    } else {
        size_t layers = H5_CHUNK_TARGET / layer;
        chunk[1] = v->dims[1];
        chunk[0] = layers < v->dims[2] ? layers : v->dims[2];
    }
}

static hid_t h5_create_dataset(hid_t loc, const memscape_volume_array *a,
                               const memscape_volume_job *job, hsize_t chunk[3])
{
    const memscape_volume *v = job->volume;
    const hsize_t dims[3] = {v->dims[2], v->dims[1], v->dims[0]};
    h5_chunk_dims(v, memscape_array_type_size(a->type), chunk);
    /* Shuffle before deflate: grouping the bytes of each significance packs wider values
     * better. zlib's default level is 6 (zlib.h, Z_DEFAULT_COMPRESSION). */
    int level = job->opts.zlib_level < 0 ? 6 : job->opts.zlib_level;
    hid_t space = H5Screate_simple(3, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t ds = H5I_INVALID_HID;
    if (space >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, 3, chunk) >= 0 &&
        H5Pset_shuffle(dcpl) >= 0 && H5Pset_deflate(dcpl, (unsigned)level) >= 0)
        ds = H5Dcreate2(loc, a->name, h5_file_type(a->type), space, H5P_DEFAULT, dcpl,
                        H5P_DEFAULT);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return ds;
}

/* Layers [k, k + n) of the array, from memory laid out the same way. */
static herr_t h5_write_layers(hid_t ds, const memscape_volume_array *a, const memscape_volume *v,
                              hsize_t k, hsize_t n)
{
    const hsize_t start[3] = {k, 0, 0}, count[3] = {n, v->dims[1], v->dims[0]};
    const unsigned char *values = a->values;
    size_t skip = (size_t)k * memscape_volume_layer_bytes(v, a);
    hid_t file_space = H5Dget_space(ds);
    hid_t mem_space = H5Screate_simple(3, count, NULL);
    herr_t rc = -1;
    if (file_space >= 0 && mem_space >= 0 &&
        H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL, count, NULL) >= 0)
        rc = H5Dwrite(ds, h5_memory_type(a->type), mem_space, file_space, H5P_DEFAULT,
                      values + skip);
    if (mem_space >= 0)
        H5Sclose(mem_space);
    if (file_space >= 0)
        H5Sclose(file_space);
    return rc;
}

int memscape_h5_write_array(hid_t loc, const memscape_volume_array *a, memscape_volume_job *job,
                            const char **why)
{
    const memscape_volume *v = job->volume;
    hsize_t chunk[3];
    hid_t ds = h5_create_dataset(loc, a, job, chunk);
    if (ds < 0) {
        *why = "HDF5 cannot create a dataset";
        return -1;
    }
    /* A chunk's worth of layers at a time: each write fills whole chunks, and progress is
     * reported as it goes. */
    for (hsize_t k = 0; k < v->dims[2]; k += chunk[0]) {
        hsize_t n = v->dims[2] - k < chunk[0] ? v->dims[2] - k : chunk[0];
        if (h5_write_layers(ds, a, v, k, n) < 0) {
            H5Dclose(ds);
            *why = "HDF5 cannot write a dataset";
            return -1;
        }
        memscape_volume_advance(job, (uint64_t)n * memscape_volume_layer_bytes(v, a));
    }
    if (H5Dclose(ds) < 0) {
        *why = "HDF5 cannot finish a dataset";
        return -1;
    }
    return 0;
}

/* ---- dispatch ----------------------------------------------------------------------------- */

typedef memscape_status (*volume_writer)(const char *path, memscape_volume_job *job,
                                         memscape_error *err);

memscape_status memscape_volume_write(const char *path, memscape_volume_format format,
                                      const memscape_volume *volume,
                                      const memscape_volume_options *opts, memscape_error *err)
{
    static const volume_writer writers[MEMSCAPE_VOLUME_FORMAT_COUNT] = {
        [MEMSCAPE_VOLUME_VTI] = memscape_vti_write,
        [MEMSCAPE_VOLUME_PVTI] = memscape_pvti_write,
        [MEMSCAPE_VOLUME_VTK] = memscape_vtk_legacy_write,
        [MEMSCAPE_VOLUME_VTKHDF] = memscape_vtkhdf_write,
        [MEMSCAPE_VOLUME_XDMF] = memscape_xdmf_write,
    };
    if (!path || !*path || !volume)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "volume: no %s", !volume ? "volume" : "file name");
    if ((unsigned)format >= MEMSCAPE_VOLUME_FORMAT_COUNT)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "volume: unknown format %d", (int)format);
    memscape_status st = check_volume(volume, err);
    if (st == MEMSCAPE_OK && opts)
        st = check_options(opts, err);
    if (st != MEMSCAPE_OK)
        return st;
    memscape_volume_job job;
    job_init(&job, volume, opts);
    return writers[format](path, &job, err);
}
