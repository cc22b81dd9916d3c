/* SPDX-License-Identifier: MIT */
/* The volume writers. Each written file is read back here independently of the code under
 * test: VTI/PVTI XML is parsed and its appended blocks decoded (zlib blocks inflated with
 * zlib), legacy VTK is walked line by line with its big-endian values decoded, and the HDF5
 * of VTKHDF and XDMF is read with libhdf5. Every value is compared with the formula that made
 * it; the layouts checked are those of ../shared/PARAVIEW.md. */
#include <dirent.h>
#include <errno.h>
#include <hdf5.h>
#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "memscape/volume.h"

/* ---- the temporary folder ---------------------------------------------------------------- */

static int setup(void **state)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);   /* expected failures below must stay quiet */
    return make_dir(state);
}

/* Each test starts with an empty folder. */
static int clean(void **state)
{
    (void)state;
    empty_folder(dir);
    return 0;
}

static size_t entries_in(const char *path)
{
    DIR *d = opendir(path);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* ---- the volumes -------------------------------------------------------------------------- */

#define NX 5
#define NY 4
#define NZ 3
#define VOXELS (NX * NY * NZ)
#define TYPES 5

static const char *const array_name[TYPES] = {"u8", "u16", "u32", "i32", "f32"};
static const memscape_array_type array_type[TYPES] = {
    MEMSCAPE_ARRAY_U8, MEMSCAPE_ARRAY_U16, MEMSCAPE_ARRAY_U32, MEMSCAPE_ARRAY_I32,
    MEMSCAPE_ARRAY_F32,
};
static const size_t array_width[TYPES] = {1, 2, 4, 4, 4};

/* Value i of an array of type t, as raw bits: distinct over the small volume, using every
 * byte of the wider types so a byte-order mistake shows. */
static uint32_t expected_bits(memscape_array_type t, size_t i)
{
    uint32_t k = (uint32_t)i;
    switch (t) {
    case MEMSCAPE_ARRAY_U8: return (k * 7u + 3u) & 0xffu;
    case MEMSCAPE_ARRAY_U16: return (1000u + k * 300u) & 0xffffu;
    case MEMSCAPE_ARRAY_U32: return 0x01020304u + k * 0x01000001u;
    case MEMSCAPE_ARRAY_I32: return 0u - 100000u - k * 12345u; /* negative, wrapping */
    case MEMSCAPE_ARRAY_F32: {
        float f = (float)k * 0.25f - 7.5f;
        uint32_t bits;
        memcpy(&bits, &f, 4);
        return bits;
    }
    case MEMSCAPE_ARRAY_TYPE_COUNT: break;
    }
    fail();
    return 0;
}

typedef struct test_volume {
    void *values[TYPES];
    memscape_volume_array arrays[TYPES];
    memscape_volume volume;
} test_volume;

static void store(void *values, memscape_array_type t, size_t i, uint32_t bits)
{
    switch (t) {
    case MEMSCAPE_ARRAY_U8: ((uint8_t *)values)[i] = (uint8_t)bits; break;
    case MEMSCAPE_ARRAY_U16: ((uint16_t *)values)[i] = (uint16_t)bits; break;
    default: memcpy((unsigned char *)values + 4 * i, &bits, 4); break;
    }
}

/* nx x ny x nz voxels at origin (1, 2, 3), spacing (0.5, 1, 2), with the first count arrays. */
static test_volume *volume_new(uint32_t nx, uint32_t ny, uint32_t nz, size_t count)
{
    test_volume *tv = calloc(1, sizeof *tv);
    assert_non_null(tv);
    size_t n = (size_t)nx * ny * nz;
    for (size_t a = 0; a < count; a++) {
        tv->values[a] = malloc(n * array_width[a]);
        assert_non_null(tv->values[a]);
        for (size_t i = 0; i < n; i++)
            store(tv->values[a], array_type[a], i, expected_bits(array_type[a], i));
        tv->arrays[a] = (memscape_volume_array){array_name[a], array_type[a], tv->values[a]};
    }
    tv->volume = (memscape_volume){{nx, ny, nz}, {1, 2, 3}, {0.5, 1, 2}, tv->arrays, count};
    return tv;
}

static void volume_free(test_volume *tv)
{
    for (size_t a = 0; a < TYPES; a++)
        free(tv->values[a]);
    free(tv);
}

static uint64_t get_le(const unsigned char *p, size_t width)
{
    uint64_t v = 0;
    for (size_t b = 0; b < width; b++)
        v |= (uint64_t)p[b] << (8 * b);
    return v;
}

static uint64_t get_be(const unsigned char *p, size_t width)
{
    uint64_t v = 0;
    for (size_t b = 0; b < width; b++)
        v = v << 8 | p[b];
    return v;
}

/* count values of array a from voxel first on, stored with the given byte order. */
static void expect_values(const unsigned char *p, size_t a, size_t first, size_t count,
                          int big_endian)
{
    size_t w = array_width[a];
    for (size_t i = 0; i < count; i++) {
        uint64_t got = big_endian ? get_be(p + i * w, w) : get_le(p + i * w, w);
        assert_int_equal(got, expected_bits(array_type[a], first + i));
    }
}

static memscape_status write_volume(const char *name, memscape_volume_format format,
                                    const test_volume *tv, const memscape_volume_options *o)
{
    char path[512];
    memscape_error err = {0};
    return memscape_volume_write(in_dir(path, sizeof path, name), format, &tv->volume, o, &err);
}

/* ---- reading XML attributes --------------------------------------------------------------- */

/* The nth element "<tag ..." of xml. */
static const char *element(const char *xml, const char *tag, unsigned nth)
{
    char open[64];
    snprintf(open, sizeof open, "<%s ", tag);
    const char *p = xml;
    for (unsigned i = 0; i <= nth; i++) {
        p = strstr(i ? p + 1 : p, open);
        assert_non_null(p);
    }
    return p;
}

static int count_elements(const char *xml, const char *tag)
{
    char open[64];
    snprintf(open, sizeof open, "<%s ", tag);
    int n = 0;
    for (const char *p = strstr(xml, open); p; p = strstr(p + 1, open))
        n++;
    return n;
}

/* The value of attribute name of the element at elem, copied to out. */
static const char *attr(const char *elem, const char *name, char *out, size_t size)
{
    char key[64];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *end = strchr(elem, '>');
    const char *p = strstr(elem, key);
    assert_non_null(p);
    assert_true(p < end);
    p += strlen(key);
    const char *q = strchr(p, '"');
    assert_non_null(q);
    assert_true((size_t)(q - p) < size);
    memcpy(out, p, (size_t)(q - p));
    out[q - p] = 0;
    return out;
}

static void expect_attr(const char *elem, const char *name, const char *want)
{
    char v[256];
    assert_string_equal(attr(elem, name, v, sizeof v), want);
}

/* ---- VTI ---------------------------------------------------------------------------------- */

/* Decode one raw block: UInt64 byte count, then the values. Returns the block's size. */
static size_t expect_raw_block(const unsigned char *p, size_t left, size_t a, size_t first,
                               size_t count)
{
    size_t bytes = count * array_width[a];
    assert_true(left >= 8 + bytes);
    assert_int_equal(get_le(p, 8), bytes);
    expect_values(p + 8, a, first, count, 0);
    return 8 + bytes;
}

/* Decode one vtkZLibDataCompressor block: {nb, 32768, last partial, csize...}, then each
 * 32 KiB block deflated on its own. Returns the block's size. */
static size_t expect_zlib_block(const unsigned char *p, size_t left, size_t a, size_t first,
                                size_t count)
{
    size_t bytes = count * array_width[a];
    size_t nb = (bytes + 32767) / 32768;
    assert_true(left >= 24);
    assert_int_equal(get_le(p, 8), nb);
    assert_int_equal(get_le(p + 8, 8), 32768);
    assert_int_equal(get_le(p + 16, 8), bytes % 32768);
    assert_true(left >= 24 + 8 * nb);
    unsigned char *raw = malloc(bytes);
    assert_non_null(raw);
    size_t at = 24 + 8 * nb;
    for (size_t b = 0; b < nb; b++) {
        size_t csize = (size_t)get_le(p + 24 + 8 * b, 8);
        assert_true(csize <= left - at);
        uLongf out = (uLongf)(bytes - b * 32768 < 32768 ? bytes - b * 32768 : 32768);
        uLongf want = out;
        assert_int_equal(uncompress(raw + b * 32768, &out, p + at, (uLong)csize), Z_OK);
        assert_int_equal(out, want);
        at += csize;
    }
    expect_values(raw, a, first, count, 0);
    free(raw);
    return at;
}

/* Check a .vti holding voxel layers [k0, k1) of a volume nx x ny with `arrays` arrays. */
static void expect_vti(const char *path, uint32_t nx, uint32_t ny, uint32_t k0, uint32_t k1,
                       size_t arrays, int compressed)
{
    size_t size;
    unsigned char *file = slurp(path, &size);
    const char *xml = (const char *)file;
    char want[128];
    const char *vtk = element(xml, "VTKFile", 0);
    expect_attr(vtk, "type", "ImageData");
    expect_attr(vtk, "byte_order", "LittleEndian");
    expect_attr(vtk, "header_type", "UInt64");
    if (compressed)
        expect_attr(vtk, "compressor", "vtkZLibDataCompressor");
    else
        assert_true(strstr(xml, "compressor") == NULL);
    /* Cell data: points are voxels + 1, so the extents run 0..n. */
    snprintf(want, sizeof want, "0 %u 0 %u %u %u", nx, ny, k0, k1);
    const char *image = element(xml, "ImageData", 0);
    expect_attr(image, "WholeExtent", want);
    expect_attr(element(xml, "Piece", 0), "Extent", want);
    double o[3], s[3];
    char v[128];
    assert_int_equal(sscanf(attr(image, "Origin", v, sizeof v), "%lf %lf %lf", &o[0], &o[1],
                            &o[2]), 3);
    assert_int_equal(sscanf(attr(image, "Spacing", v, sizeof v), "%lf %lf %lf", &s[0], &s[1],
                            &s[2]), 3);
    assert_true(o[0] == 1 && o[1] == 2 && o[2] == 3);
    assert_true(s[0] == 0.5 && s[1] == 1 && s[2] == 2);
    expect_attr(element(xml, "CellData", 0), "Scalars", "u8");
    assert_int_equal(count_elements(xml, "DataArray"), (int)arrays);

    const char *tag = strstr(xml, "<AppendedData encoding=\"raw\">");
    assert_non_null(tag);
    const unsigned char *data = (const unsigned char *)strchr(tag, '_') + 1;
    size_t left = size - (size_t)(data - file), pos = 0;
    size_t first = (size_t)k0 * nx * ny, count = (size_t)(k1 - k0) * nx * ny;
    static const char *const types[TYPES] = {"UInt8", "UInt16", "UInt32", "Int32", "Float32"};
    for (size_t a = 0; a < arrays; a++) {
        const char *da = element(xml, "DataArray", (unsigned)a);
        expect_attr(da, "Name", array_name[a]);
        expect_attr(da, "type", types[a]);
        expect_attr(da, "format", "appended");
        expect_attr(da, "NumberOfComponents", "1");
        /* Each offset counts the bytes of the blocks before it. */
        assert_int_equal(strtoull(attr(da, "offset", v, sizeof v), NULL, 10), pos);
        pos += compressed ? expect_zlib_block(data + pos, left - pos, a, first, count)
                          : expect_raw_block(data + pos, left - pos, a, first, count);
    }
    static const char tail[] = "\n  </AppendedData>\n</VTKFile>\n";
    assert_int_equal(left - pos, strlen(tail));
    assert_memory_equal(data + pos, tail, strlen(tail));
    free(file);
}

static void test_vti_raw_blocks(void **state)
{
    (void)state;
    test_volume *tv = volume_new(NX, NY, NZ, TYPES);
    char path[512];
    assert_int_equal(write_volume("vol.vti", MEMSCAPE_VOLUME_VTI, tv, NULL), MEMSCAPE_OK);
    expect_vti(in_dir(path, sizeof path, "vol.vti"), NX, NY, 0, NZ, TYPES, 0);
    assert_false(exists(in_dir(path, sizeof path, "vol.vti.tmp")));
    volume_free(tv);
}

static void test_vti_zlib_blocks(void **state)
{
    (void)state;
    test_volume *tv = volume_new(NX, NY, NZ, TYPES);
    char path[512];
    memscape_volume_options o = {.compress = 1, .zlib_level = 9};
    assert_int_equal(write_volume("vol.vti", MEMSCAPE_VOLUME_VTI, tv, &o), MEMSCAPE_OK);
    expect_vti(in_dir(path, sizeof path, "vol.vti"), NX, NY, 0, NZ, TYPES, 1);
    volume_free(tv);
}

/* 64 x 32 x 5 Float32 is 40960 bytes: one full 32 KiB block and one of 8192. */
static void test_vti_zlib_several_blocks(void **state)
{
    (void)state;
    test_volume *tv = volume_new(64, 32, 5, TYPES);
    char path[512];
    memscape_volume_options o = {.compress = 1, .zlib_level = -1};
    assert_int_equal(write_volume("big.vti", MEMSCAPE_VOLUME_VTI, tv, &o), MEMSCAPE_OK);
    expect_vti(in_dir(path, sizeof path, "big.vti"), 64, 32, 0, 5, TYPES, 1);
    volume_free(tv);
}

/* ---- PVTI --------------------------------------------------------------------------------- */

/* Write a .pvti of nz layers asking for `pieces`, and check it holds `want` pieces: extents
 * that share their boundary planes, each piece a .vti holding its slab. */
static void expect_pvti(uint32_t nz, unsigned pieces, unsigned want)
{
    test_volume *tv = volume_new(NX, NY, nz, TYPES);
    char path[512], v[256], want_extent[64];
    memscape_volume_options o = {.pieces = pieces, .zlib_level = -1};
    assert_int_equal(write_volume("vol.pvti", MEMSCAPE_VOLUME_PVTI, tv, &o), MEMSCAPE_OK);
    size_t size;
    char *xml = (char *)slurp(in_dir(path, sizeof path, "vol.pvti"), &size);
    const char *vtk = element(xml, "VTKFile", 0);
    expect_attr(vtk, "type", "PImageData");
    expect_attr(vtk, "header_type", "UInt64");
    snprintf(want_extent, sizeof want_extent, "0 %u 0 %u 0 %u", NX, NY, nz);
    expect_attr(element(xml, "PImageData", 0), "WholeExtent", want_extent);
    expect_attr(element(xml, "PImageData", 0), "Origin", "1 2 3");
    expect_attr(element(xml, "PImageData", 0), "Spacing", "0.5 1 2");
    assert_int_equal(count_elements(xml, "PDataArray"), TYPES);
    expect_attr(element(xml, "PDataArray", 4), "Name", "f32");
    expect_attr(element(xml, "PDataArray", 4), "type", "Float32");
    assert_int_equal(count_elements(xml, "Piece"), (int)want);
    unsigned prev_k1 = 0;
    for (unsigned i = 0; i < want; i++) {
        const char *piece = element(xml, "Piece", i);
        unsigned x0, x1, y0, y1, k0, k1;
        assert_int_equal(sscanf(attr(piece, "Extent", v, sizeof v), "%u %u %u %u %u %u", &x0,
                                &x1, &y0, &y1, &k0, &k1), 6);
        assert_true(x0 == 0 && x1 == NX && y0 == 0 && y1 == NY);
        assert_int_equal(k0, prev_k1);           /* the boundary plane is shared */
        assert_true(k1 > k0);                    /* every piece holds cells */
        prev_k1 = k1;
        char source[64], piece_path[600];
        snprintf(source, sizeof source, "vol_pieces/vol_%u.vti", i);
        expect_attr(piece, "Source", source);
        snprintf(piece_path, sizeof piece_path, "%s/%s", dir, source);
        expect_vti(piece_path, NX, NY, k0, k1, TYPES, 0);
    }
    assert_int_equal(prev_k1, nz);
    assert_int_equal(entries_in(in_dir(path, sizeof path, "vol_pieces")), want);
    free(xml);
    volume_free(tv);
}

static void test_pvti_default_two_pieces(void **state)
{
    (void)state;
    expect_pvti(NZ, 0, 2);
}

static void test_pvti_pieces_clamped_to_layers(void **state)
{
    (void)state;
    expect_pvti(NZ, 10, 3);
}

static void test_pvti_uneven_slabs(void **state)
{
    (void)state;
    expect_pvti(7, 3, 3);
}

/* ---- legacy VTK --------------------------------------------------------------------------- */

static void expect_text(const unsigned char **p, const unsigned char *end, const char *text)
{
    size_t n = strlen(text);
    assert_true((size_t)(end - *p) >= n);
    assert_memory_equal(*p, text, n);
    *p += n;
}

static void expect_be_values(const unsigned char **p, const unsigned char *end, size_t a)
{
    size_t bytes = VOXELS * array_width[a];
    assert_true((size_t)(end - *p) > bytes);
    expect_values(*p, a, 0, VOXELS, 1);
    *p += bytes;
    expect_text(p, end, "\n");
}

static void test_vtk_legacy_big_endian(void **state)
{
    (void)state;
    static const char *const types[TYPES] = {"unsigned_char", "unsigned_short", "unsigned_int",
                                             "int", "float"};
    test_volume *tv = volume_new(NX, NY, NZ, TYPES);
    char path[512], line[128];
    assert_int_equal(write_volume("vol.vtk", MEMSCAPE_VOLUME_VTK, tv, NULL), MEMSCAPE_OK);
    size_t size;
    unsigned char *file = slurp(in_dir(path, sizeof path, "vol.vtk"), &size);
    const unsigned char *p = file, *end = file + size;
    expect_text(&p, end, "# vtk DataFile Version 3.0\n");
    p = (const unsigned char *)memchr(p, '\n', (size_t)(end - p)) + 1;   /* the title */
    expect_text(&p, end, "BINARY\nDATASET STRUCTURED_POINTS\n");
    expect_text(&p, end, "DIMENSIONS 6 5 4\nORIGIN 1 2 3\nSPACING 0.5 1 2\n");
    expect_text(&p, end, "CELL_DATA 60\nSCALARS u8 unsigned_char 1\nLOOKUP_TABLE default\n");
    expect_be_values(&p, end, 0);
    expect_text(&p, end, "FIELD FieldData 4\n");
    for (size_t a = 1; a < TYPES; a++) {
        snprintf(line, sizeof line, "%s 1 60 %s\n", array_name[a], types[a]);
        expect_text(&p, end, line);
        expect_be_values(&p, end, a);
    }
    assert_ptr_equal(p, end);
    free(file);
    volume_free(tv);
}

static void test_vtk_legacy_single_array_has_no_field(void **state)
{
    (void)state;
    test_volume *tv = volume_new(NX, NY, NZ, 1);
    char path[512];
    assert_int_equal(write_volume("one.vtk", MEMSCAPE_VOLUME_VTK, tv, NULL), MEMSCAPE_OK);
    size_t size;
    unsigned char *file = slurp(in_dir(path, sizeof path, "one.vtk"), &size);
    const char *tail = "LOOKUP_TABLE default\n";
    const unsigned char *p = (const unsigned char *)strstr((char *)file, tail);
    assert_non_null(p);
    p += strlen(tail);
    expect_be_values(&p, file + size, 0);
    assert_ptr_equal(p, file + size);
    free(file);
    volume_free(tv);
}

/* ---- HDF5 --------------------------------------------------------------------------------- */

static hid_t memory_type(size_t a)
{
    switch (array_type[a]) {
    case MEMSCAPE_ARRAY_U8: return H5T_NATIVE_UINT8;
    case MEMSCAPE_ARRAY_U16: return H5T_NATIVE_UINT16;
    case MEMSCAPE_ARRAY_U32: return H5T_NATIVE_UINT32;
    case MEMSCAPE_ARRAY_I32: return H5T_NATIVE_INT32;
    default: return H5T_NATIVE_FLOAT;
    }
}

/* Dataset name under loc: dims {nz, ny, nx}, little-endian, chunked with shuffle and deflate,
 * values as written. */
static void expect_dataset(hid_t loc, size_t a, uint32_t nx, uint32_t ny, uint32_t nz)
{
    size_t voxels = (size_t)nx * ny * nz;
    hid_t ds = H5Dopen2(loc, array_name[a], H5P_DEFAULT);
    assert_true(ds >= 0);
    hid_t space = H5Dget_space(ds);
    hsize_t dims[3];
    assert_int_equal(H5Sget_simple_extent_ndims(space), 3);
    H5Sget_simple_extent_dims(space, dims, NULL);
    assert_true(dims[0] == nz && dims[1] == ny && dims[2] == nx);
    hid_t type = H5Dget_type(ds);
    assert_int_equal(H5Tget_size(type), array_width[a]);
    if (array_width[a] > 1)
        assert_int_equal(H5Tget_order(type), H5T_ORDER_LE);
    assert_int_equal(H5Tget_class(type), a == 4 ? H5T_FLOAT : H5T_INTEGER);
    if (a != 4)
        assert_int_equal(H5Tget_sign(type), a == 3 ? H5T_SGN_2 : H5T_SGN_NONE);
    hid_t dcpl = H5Dget_create_plist(ds);
    assert_int_equal(H5Pget_layout(dcpl), H5D_CHUNKED);
    int shuffle = 0, deflate = 0, n = H5Pget_nfilters(dcpl);
    for (int i = 0; i < n; i++) {
        unsigned flags, cd[4];
        size_t cd_n = 4;
        H5Z_filter_t f = H5Pget_filter2(dcpl, (unsigned)i, &flags, &cd_n, cd, 0, NULL, NULL);
        shuffle |= f == H5Z_FILTER_SHUFFLE;
        deflate |= f == H5Z_FILTER_DEFLATE && shuffle;   /* shuffled first, then deflated */
    }
    assert_true(shuffle && deflate);
    unsigned char *values = malloc(voxels * 4);
    assert_non_null(values);
    assert_true(H5Dread(ds, memory_type(a), H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0);
    /* Read into host order; compare as little-endian bytes only on a little-endian host. */
    for (size_t i = 0; i < voxels; i++) {
        uint32_t got = 0;
        if (array_width[a] == 1)
            got = values[i];
        else if (array_width[a] == 2)
            got = ((uint16_t *)(void *)values)[i];
        else
            memcpy(&got, values + 4 * i, 4);
        assert_int_equal(got, expected_bits(array_type[a], i));
    }
    free(values);
    H5Pclose(dcpl);
    H5Tclose(type);
    H5Sclose(space);
    H5Dclose(ds);
}

static void expect_attribute(hid_t loc, const char *name, hid_t mem_type, size_t count,
                             void *out)
{
    hid_t at = H5Aopen(loc, name, H5P_DEFAULT);
    assert_true(at >= 0);
    hid_t space = H5Aget_space(at);
    assert_int_equal(H5Sget_simple_extent_ndims(space), 1);
    assert_int_equal(H5Sget_simple_extent_npoints(space), count);
    assert_true(H5Aread(at, mem_type, out) >= 0);
    H5Sclose(space);
    H5Aclose(at);
}

/* Type: a scalar fixed-length ASCII string of size 9 holding "ImageData" (PARAVIEW.md 3d). */
static void expect_type_attribute(hid_t group)
{
    hid_t at = H5Aopen(group, "Type", H5P_DEFAULT);
    assert_true(at >= 0);
    hid_t space = H5Aget_space(at);
    assert_int_equal(H5Sget_simple_extent_type(space), H5S_SCALAR);
    hid_t type = H5Aget_type(at);
    assert_int_equal(H5Tget_class(type), H5T_STRING);
    assert_false(H5Tis_variable_str(type));
    assert_int_equal(H5Tget_size(type), 9);
    assert_int_equal(H5Tget_cset(type), H5T_CSET_ASCII);
    char text[10] = {0};
    assert_true(H5Aread(at, type, text) >= 0);
    assert_memory_equal(text, "ImageData", 9);
    H5Tclose(type);
    H5Sclose(space);
    H5Aclose(at);
}

static void test_vtkhdf_image_data(void **state)
{
    (void)state;
    test_volume *tv = volume_new(NX, NY, NZ, TYPES);
    char path[512];
    assert_int_equal(write_volume("vol.hdf", MEMSCAPE_VOLUME_VTKHDF, tv, NULL), MEMSCAPE_OK);
    assert_false(exists(in_dir(path, sizeof path, "vol.hdf.tmp")));
    hid_t file = H5Fopen(in_dir(path, sizeof path, "vol.hdf"), H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t group = H5Gopen2(file, "VTKHDF", H5P_DEFAULT);
    assert_true(group >= 0);
    int64_t version[2], extent[6];
    double origin[3], spacing[3], direction[9];
    expect_attribute(group, "Version", H5T_NATIVE_INT64, 2, version);
    assert_true(version[0] == 1 && version[1] == 0);
    expect_type_attribute(group);
    /* Point data in VTKHDF: extents 0..n-1. */
    expect_attribute(group, "WholeExtent", H5T_NATIVE_INT64, 6, extent);
    static const int64_t want_extent[6] = {0, NX - 1, 0, NY - 1, 0, NZ - 1};
    assert_memory_equal(extent, want_extent, sizeof extent);
    expect_attribute(group, "Origin", H5T_NATIVE_DOUBLE, 3, origin);
    /* Half a voxel in: each point at its voxel's centre (spacing 0.5, 1, 2). */
    assert_true(origin[0] == 1.25 && origin[1] == 2.5 && origin[2] == 4);
    expect_attribute(group, "Spacing", H5T_NATIVE_DOUBLE, 3, spacing);
    assert_true(spacing[0] == 0.5 && spacing[1] == 1 && spacing[2] == 2);
    expect_attribute(group, "Direction", H5T_NATIVE_DOUBLE, 9, direction);
    for (int i = 0; i < 9; i++)
        assert_true(direction[i] == (i % 4 == 0 ? 1.0 : 0.0));
    hid_t points = H5Gopen2(group, "PointData", H5P_DEFAULT);
    assert_true(points >= 0);
    for (size_t a = 0; a < TYPES; a++)
        expect_dataset(points, a, NX, NY, NZ);
    H5Gclose(points);
    H5Gclose(group);
    H5Fclose(file);
    volume_free(tv);
}

/* 128 x 128 x 20 Float32 is 64 KiB a layer: HDF5 chunks of 16 layers (1 MiB), so the array
 * goes in two writes, the second one short. */
static void test_vtkhdf_several_chunks(void **state)
{
    (void)state;
    test_volume *tv = volume_new(128, 128, 20, TYPES);
    char path[512];
    assert_int_equal(write_volume("big.hdf", MEMSCAPE_VOLUME_VTKHDF, tv, NULL), MEMSCAPE_OK);
    hid_t file = H5Fopen(in_dir(path, sizeof path, "big.hdf"), H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t points = H5Gopen2(file, "VTKHDF/PointData", H5P_DEFAULT);
    assert_true(points >= 0);
    for (size_t a = 0; a < TYPES; a++)
        expect_dataset(points, a, 128, 128, 20);
    H5Gclose(points);
    H5Fclose(file);
    volume_free(tv);
}

/* ---- XDMF --------------------------------------------------------------------------------- */

static void test_xdmf_cells_and_h5(void **state)
{
    (void)state;
    static const char *const number_type[TYPES] = {"UChar", "UShort", "UInt", "Int", "Float"};
    static const char *const precision[TYPES] = {"1", "2", "4", "4", "4"};
    test_volume *tv = volume_new(NX, NY, NZ, TYPES);
    char path[512], text[128];
    assert_int_equal(write_volume("vol.xdmf", MEMSCAPE_VOLUME_XDMF, tv, NULL), MEMSCAPE_OK);
    assert_int_equal(entries_in(dir), 2);   /* vol.xdmf and vol.h5, no .tmp */
    size_t size;
    char *xml = (char *)slurp(in_dir(path, sizeof path, "vol.xdmf"), &size);
    /* z y x everywhere; the topology counts points (voxels + 1). */
    const char *topo = element(xml, "Topology", 0);
    expect_attr(topo, "TopologyType", "3DCoRectMesh");
    expect_attr(topo, "Dimensions", "4 5 6");
    expect_attr(element(xml, "Geometry", 0), "GeometryType", "ORIGIN_DXDYDZ");
    const char *origin = element(xml, "DataItem", 0), *spacing = element(xml, "DataItem", 1);
    expect_attr(origin, "Name", "Origin");
    expect_attr(spacing, "Name", "Spacing");
    double v[3];
    assert_int_equal(sscanf(strchr(origin, '>') + 1, "%lf %lf %lf", &v[0], &v[1], &v[2]), 3);
    assert_true(v[0] == 3 && v[1] == 2 && v[2] == 1);
    assert_int_equal(sscanf(strchr(spacing, '>') + 1, "%lf %lf %lf", &v[0], &v[1], &v[2]), 3);
    assert_true(v[0] == 2 && v[1] == 1 && v[2] == 0.5);
    assert_int_equal(count_elements(xml, "Attribute"), TYPES);
    for (size_t a = 0; a < TYPES; a++) {
        const char *at = element(xml, "Attribute", (unsigned)a);
        expect_attr(at, "Name", array_name[a]);
        expect_attr(at, "Center", "Cell");
        const char *item = element(at, "DataItem", 0);
        expect_attr(item, "Dimensions", "3 4 5");
        expect_attr(item, "NumberType", number_type[a]);
        expect_attr(item, "Precision", precision[a]);
        expect_attr(item, "Format", "HDF");
        snprintf(text, sizeof text, ">vol.h5:/%s</DataItem>", array_name[a]);
        assert_true(strncmp(strchr(item, '>'), text, strlen(text)) == 0);
    }
    hid_t file = H5Fopen(in_dir(path, sizeof path, "vol.h5"), H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    for (size_t a = 0; a < TYPES; a++)
        expect_dataset(file, a, NX, NY, NZ);
    H5Fclose(file);
    free(xml);
    volume_free(tv);
}

/* ---- options, progress, extensions -------------------------------------------------------- */

typedef struct progress_log {
    uint64_t last, total;
    unsigned calls;
    int backwards;
} progress_log;

static void record_progress(void *ctx, uint64_t done, uint64_t total)
{
    progress_log *log = ctx;
    log->backwards |= done < log->last || done > total;
    log->last = done;
    log->total = total;
    log->calls++;
}

static void test_volume_progress_reaches_total(void **state)
{
    (void)state;
    test_volume *tv = volume_new(NX, NY, NZ, TYPES);
    static const struct {
        const char *name;
        memscape_volume_format format;
    } cases[] = {
        {"p.vti", MEMSCAPE_VOLUME_VTI},   {"p.pvti", MEMSCAPE_VOLUME_PVTI},
        {"p.vtk", MEMSCAPE_VOLUME_VTK},   {"p.hdf", MEMSCAPE_VOLUME_VTKHDF},
        {"p.xdmf", MEMSCAPE_VOLUME_XDMF},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        progress_log log = {0};
        memscape_volume_options o = {.zlib_level = -1, .compress = 1, .pieces = 3,
                                     .progress = record_progress, .progress_ctx = &log};
        assert_int_equal(write_volume(cases[c].name, cases[c].format, tv, &o), MEMSCAPE_OK);
        assert_int_equal(log.total, VOXELS * (1 + 2 + 4 + 4 + 4));
        assert_int_equal(log.last, log.total);
        assert_true(log.calls >= TYPES);
        assert_false(log.backwards);
    }
    volume_free(tv);
}

static void test_volume_format_of_extensions(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        int known;
        memscape_volume_format format;
    } cases[] = {
        {"a.vti", 1, MEMSCAPE_VOLUME_VTI},      {"dir/A.VTI", 1, MEMSCAPE_VOLUME_VTI},
        {"x.pvti", 1, MEMSCAPE_VOLUME_PVTI},    {"x.Vtk", 1, MEMSCAPE_VOLUME_VTK},
        {"x.hdf", 1, MEMSCAPE_VOLUME_VTKHDF},   {"x.y.XDMF", 1, MEMSCAPE_VOLUME_XDMF},
        {"x.vtkhdf", 0, 0}, {"x.h5", 0, 0}, {"vti", 0, 0}, {"a.vti/b", 0, 0}, {"x.", 0, 0},
        {"x.xmf", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memscape_volume_format f = MEMSCAPE_VOLUME_FORMAT_COUNT;
        assert_int_equal(memscape_volume_format_of(cases[i].path, &f), cases[i].known);
        assert_int_equal(f, cases[i].known ? cases[i].format : MEMSCAPE_VOLUME_FORMAT_COUNT);
    }
    assert_int_equal(memscape_volume_format_of(NULL, NULL), 0);
}

static void test_volume_type_sizes(void **state)
{
    (void)state;
    for (size_t a = 0; a < TYPES; a++)
        assert_int_equal(memscape_array_type_size(array_type[a]), array_width[a]);
    assert_int_equal(memscape_array_type_size(MEMSCAPE_ARRAY_TYPE_COUNT), 0);
    assert_int_equal(memscape_array_type_size((memscape_array_type)-1), 0);
}

/* ---- failures ----------------------------------------------------------------------------- */

static const memscape_volume_format all_formats[] = {
    MEMSCAPE_VOLUME_VTI, MEMSCAPE_VOLUME_PVTI, MEMSCAPE_VOLUME_VTK, MEMSCAPE_VOLUME_VTKHDF,
    MEMSCAPE_VOLUME_XDMF,
};
static const char *const format_ext[] = {"vti", "pvti", "vtk", "hdf", "xdmf"};

/* Every format refuses v with EINVAL and writes nothing. */
static void expect_refused(const memscape_volume *v, const memscape_volume_options *o)
{
    for (size_t f = 0; f < sizeof all_formats / sizeof all_formats[0]; f++) {
        char path[512], name[32];
        snprintf(name, sizeof name, "bad.%s", format_ext[f]);
        memscape_error err = {0};
        assert_int_equal(memscape_volume_write(in_dir(path, sizeof path, name), all_formats[f],
                                               v, o, &err), MEMSCAPE_EINVAL);
        assert_int_equal(err.code, MEMSCAPE_EINVAL);
        assert_true(err.msg[0] != 0);
        assert_int_equal(entries_in(dir), 0);
    }
}

static void test_volume_bad_names_refused(void **state)
{
    (void)state;
    char long_name[300];
    memset(long_name, 'a', 256);
    long_name[256] = 0;
    const char *const bad[] = {"", "a b", "a/b", "a.b", "a\"b", "a<b", "\xc3\xa9", "a:b",
                               long_name};
    test_volume *tv = volume_new(NX, NY, NZ, 2);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tv->arrays[1].name = bad[i];
        expect_refused(&tv->volume, NULL);
    }
    tv->arrays[1].name = NULL;
    expect_refused(&tv->volume, NULL);
    tv->arrays[1].name = "u8";   /* the first array's name again */
    expect_refused(&tv->volume, NULL);
    long_name[255] = 0;          /* 255 characters are fine */
    tv->arrays[1].name = long_name;
    assert_int_equal(write_volume("ok.vtk", MEMSCAPE_VOLUME_VTK, tv, NULL), MEMSCAPE_OK);
    volume_free(tv);
}

static void test_volume_bad_shapes_refused(void **state)
{
    (void)state;
    static const uint32_t bad_sides[] = {0, MEMSCAPE_VOLUME_MAX_SIDE + 1, UINT32_MAX};
    test_volume *tv = volume_new(NX, NY, NZ, 2);
    for (int axis = 0; axis < 3; axis++) {
        for (size_t i = 0; i < sizeof bad_sides / sizeof bad_sides[0]; i++) {
            uint32_t keep = tv->volume.dims[axis];
            tv->volume.dims[axis] = bad_sides[i];
            expect_refused(&tv->volume, NULL);
            tv->volume.dims[axis] = keep;
        }
        double keep = tv->volume.spacing[axis];
        tv->volume.spacing[axis] = 0;
        expect_refused(&tv->volume, NULL);
        tv->volume.spacing[axis] = NAN;
        expect_refused(&tv->volume, NULL);
        tv->volume.spacing[axis] = keep;
        tv->volume.origin[axis] = INFINITY;
        expect_refused(&tv->volume, NULL);
        tv->volume.origin[axis] = 1;
    }
    tv->volume.array_count = 0;
    expect_refused(&tv->volume, NULL);
    tv->volume.array_count = 2;
    tv->arrays[1].values = NULL;
    expect_refused(&tv->volume, NULL);
    tv->arrays[1].values = tv->values[1];
    tv->arrays[1].type = MEMSCAPE_ARRAY_TYPE_COUNT;
    expect_refused(&tv->volume, NULL);
    tv->arrays[1].type = MEMSCAPE_ARRAY_U16;
    memscape_volume_options o = {.zlib_level = 10};
    expect_refused(&tv->volume, &o);
    o.zlib_level = -2;
    expect_refused(&tv->volume, &o);
    expect_refused(NULL, NULL);
    memscape_error err = {0};
    assert_int_equal(memscape_volume_write(NULL, MEMSCAPE_VOLUME_VTI, &tv->volume, NULL, &err),
                     MEMSCAPE_EINVAL);
    assert_int_equal(write_volume("x.vti", MEMSCAPE_VOLUME_FORMAT_COUNT, tv, NULL),
                     MEMSCAPE_EINVAL);
    assert_int_equal(entries_in(dir), 0);
    volume_free(tv);
}

static void test_volume_missing_folder_is_eio(void **state)
{
    (void)state;
    test_volume *tv = volume_new(NX, NY, NZ, TYPES);
    for (size_t f = 0; f < sizeof all_formats / sizeof all_formats[0]; f++) {
        char name[64];
        snprintf(name, sizeof name, "missing/vol.%s", format_ext[f]);
        memscape_volume_options o = {.zlib_level = -1, .compress = 1};
        assert_int_equal(write_volume(name, all_formats[f], tv, &o), MEMSCAPE_EIO);
        assert_int_equal(entries_in(dir), 0);
    }
    volume_free(tv);
}

/* The final name is a folder, so everything is written and only the last rename fails: the
 * temporary file, and the pieces or .h5 written before it, must all be gone. */
static void test_volume_failed_rename_leaves_nothing(void **state)
{
    (void)state;
    test_volume *tv = volume_new(NX, NY, NZ, TYPES);
    for (size_t f = 0; f < sizeof all_formats / sizeof all_formats[0]; f++) {
        char name[64], path[512];
        snprintf(name, sizeof name, "vol.%s", format_ext[f]);
        assert_int_equal(mkdir(in_dir(path, sizeof path, name), 0755), 0);
        memscape_error err = {0};
        memscape_volume_options o = {.zlib_level = -1, .pieces = 2};
        assert_int_equal(memscape_volume_write(path, all_formats[f], &tv->volume, &o, &err),
                         MEMSCAPE_EIO);
        assert_non_null(strstr(err.msg, name));
        assert_int_equal(entries_in(dir), 1);   /* only the folder in the way */
        assert_int_equal(rmdir(path), 0);
    }
    volume_free(tv);
}

/* A refused write leaves an existing file as it was. */
static void test_volume_failure_keeps_old_file(void **state)
{
    (void)state;
    test_volume *tv = volume_new(NX, NY, NZ, TYPES);
    char path[512];
    assert_int_equal(write_volume("keep.vti", MEMSCAPE_VOLUME_VTI, tv, NULL), MEMSCAPE_OK);
    tv->arrays[2].values = NULL;
    assert_int_equal(write_volume("keep.vti", MEMSCAPE_VOLUME_VTI, tv, NULL), MEMSCAPE_EINVAL);
    tv->arrays[2].values = tv->values[2];
    expect_vti(in_dir(path, sizeof path, "keep.vti"), NX, NY, 0, NZ, TYPES, 0);
    assert_int_equal(entries_in(dir), 1);
    volume_free(tv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_vti_raw_blocks, clean),
        cmocka_unit_test_setup(test_vti_zlib_blocks, clean),
        cmocka_unit_test_setup(test_vti_zlib_several_blocks, clean),
        cmocka_unit_test_setup(test_pvti_default_two_pieces, clean),
        cmocka_unit_test_setup(test_pvti_pieces_clamped_to_layers, clean),
        cmocka_unit_test_setup(test_pvti_uneven_slabs, clean),
        cmocka_unit_test_setup(test_vtk_legacy_big_endian, clean),
        cmocka_unit_test_setup(test_vtk_legacy_single_array_has_no_field, clean),
        cmocka_unit_test_setup(test_vtkhdf_image_data, clean),
        cmocka_unit_test_setup(test_vtkhdf_several_chunks, clean),
        cmocka_unit_test_setup(test_xdmf_cells_and_h5, clean),
        cmocka_unit_test_setup(test_volume_progress_reaches_total, clean),
        cmocka_unit_test(test_volume_format_of_extensions),
        cmocka_unit_test(test_volume_type_sizes),
        cmocka_unit_test_setup(test_volume_bad_names_refused, clean),
        cmocka_unit_test_setup(test_volume_bad_shapes_refused, clean),
        cmocka_unit_test_setup(test_volume_missing_folder_is_eio, clean),
        cmocka_unit_test_setup(test_volume_failed_rename_leaves_nothing, clean),
        cmocka_unit_test_setup(test_volume_failure_keeps_old_file, clean),
    };
    return cmocka_run_group_tests(tests, setup, remove_dir);
}
