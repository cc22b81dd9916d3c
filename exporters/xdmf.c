/* SPDX-License-Identifier: MIT */
/* XDMF (.xdmf) with its heavy data in "<stem>.h5" beside it, as ParaView 5.11's Xdmf3 and
 * Xdmf2 readers read it (PARAVIEW.md 3e; xdmf.org, "XDMF Model and Format").
 *
 * The grid is a 3DCoRectMesh: XDMF lists every size slowest axis first, so Dimensions are
 * "z y x" and the ORIGIN_DXDYDZ geometry's origin and spacing are written z, y, x too (written
 * x, y, z they load silently with the axes swapped). The voxels are cells (Center="Cell"), so
 * the topology counts points: voxels + 1 a side. Each array is the dataset /<name> of dims
 * {nz, ny, nx} in the .h5, named relative to the .xdmf so the pair can be moved together.
 *
 * The .h5 is written first and the .xdmf last, each to a temporary name and renamed, so an
 * .xdmf never names data that is missing; when the .xdmf fails, the .h5 goes too. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "volume_writers.h"

static const struct {
    const char *number_type;
    unsigned precision;
} xdmf_type[MEMSCAPE_ARRAY_TYPE_COUNT] = {
    [MEMSCAPE_ARRAY_U8] = {"UChar", 1},  [MEMSCAPE_ARRAY_U16] = {"UShort", 2},
    [MEMSCAPE_ARRAY_U32] = {"UInt", 4},  [MEMSCAPE_ARRAY_I32] = {"Int", 4},
    [MEMSCAPE_ARRAY_F32] = {"Float", 4},
};

static memscape_status write_h5(const char *h5_path, memscape_volume_job *job,
                                memscape_error *err)
{
    memscape_h5_file f;
    memscape_status st = memscape_h5_create(&f, h5_path, "XDMF", err);
    if (st != MEMSCAPE_OK)
        return st;
    const char *why = NULL;
    for (size_t i = 0; i < job->volume->array_count && !why; i++)
        memscape_h5_write_array(f.id, &job->volume->arrays[i], job, &why);
    return memscape_h5_commit(&f, "XDMF", why, err);
}

static void xdmf_geometry(memscape_vtext *t, const memscape_volume *v)
{
    static const char item[] = "        <DataItem Name=\"%s\" Dimensions=\"3\" "
                               "NumberType=\"Float\" Precision=\"8\" Format=\"XML\">"
                               "%.17g %.17g %.17g</DataItem>\n";
    memscape_vtext_printf(t, "      <Topology TopologyType=\"3DCoRectMesh\" "
                          "Dimensions=\"%u %u %u\"/>\n", v->dims[2] + 1, v->dims[1] + 1,
                          v->dims[0] + 1);
    memscape_vtext_printf(t, "      <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n");
    memscape_vtext_printf(t, item, "Origin", v->origin[2], v->origin[1], v->origin[0]);
    memscape_vtext_printf(t, item, "Spacing", v->spacing[2], v->spacing[1], v->spacing[0]);
    memscape_vtext_printf(t, "      </Geometry>\n");
}

static void xdmf_text(memscape_vtext *t, const memscape_volume *v, const char *h5_name)
{
    memscape_vtext_printf(t, "<?xml version=\"1.0\" ?>\n<Xdmf Version=\"3.0\" "
                          "xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n  <Domain>\n"
                          "    <Grid Name=\"volume\" GridType=\"Uniform\">\n");
    xdmf_geometry(t, v);
    for (size_t i = 0; i < v->array_count; i++) {
        const memscape_volume_array *a = &v->arrays[i];
        memscape_vtext_printf(t, "      <Attribute Name=\"%s\" AttributeType=\"Scalar\" "
                              "Center=\"Cell\">\n        <DataItem Dimensions=\"%u %u %u\" "
                              "NumberType=\"%s\" Precision=\"%u\" Format=\"HDF\">", a->name,
                              v->dims[2], v->dims[1], v->dims[0],
                              xdmf_type[a->type].number_type, xdmf_type[a->type].precision);
        memscape_vtext_xml(t, h5_name, strlen(h5_name));
        memscape_vtext_printf(t, ":/%s</DataItem>\n      </Attribute>\n", a->name);
    }
    memscape_vtext_printf(t, "    </Grid>\n  </Domain>\n</Xdmf>\n");
}

memscape_status memscape_xdmf_write(const char *path, memscape_volume_job *job,
                                    memscape_error *err)
{
    memscape_path_parts pp;
    memscape_path_split(path, &pp);
    char *h5_name = memscape_volume_sprintf("%.*s.h5", (int)pp.stem_len, pp.stem);
    char *h5_path = h5_name ? memscape_volume_sprintf("%.*s%s", (int)pp.dir_len, path, h5_name)
                            : NULL;
    memscape_status st;
    if (!h5_path) {
        st = memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "XDMF: out of memory");
    } else if (strcmp(h5_path, path) == 0) {
        st = memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                           "XDMF: %s would be its own data file: name it .xdmf", path);
    } else if ((st = write_h5(h5_path, job, err)) == MEMSCAPE_OK) {
        memscape_vtext t = {0};
        xdmf_text(&t, job->volume, h5_name);
        st = memscape_vtext_write(&t, path, "XDMF", err);
        memscape_vtext_free(&t);
        if (st != MEMSCAPE_OK)
            unlink(h5_path);
    }
    free(h5_path);
    free(h5_name);
    return st;
}
