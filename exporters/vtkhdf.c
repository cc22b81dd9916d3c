/* SPDX-License-Identifier: MIT */
/* VTKHDF 1.0 ImageData (.hdf), as ParaView 5.11's HDFReader reads it (PARAVIEW.md 3d; VTK File
 * Formats, "VTKHDF File Format").
 *
 * ParaView 5.11 registers the reader for the extension .hdf only. Its ImageData CellData is
 * broken (it reads cell arrays with point counts; fixed in VTK 9.2.7 / ParaView 5.12), so the
 * voxels are written as POINT data here: point extents 0..n-1, the origin moved by half a
 * voxel so each point lies at its voxel's centre. The group /VTKHDF carries the
 * attributes Version {1, 0}, Type (a fixed-length ASCII string of exactly 9 bytes: a NUL
 * counted in the size, a variable-length or a UTF-8 string is refused), WholeExtent, Origin,
 * Spacing and Direction (required by 5.11: without it no arrays load). The arrays are datasets
 * /VTKHDF/PointData/<name> of dims {nz, ny, nx}. */
#include <string.h>

#include "volume_writers.h"

/* A rank-1 attribute of count values. */
static herr_t put_attribute(hid_t loc, const char *name, hid_t file_type, hid_t mem_type,
                            hsize_t count, const void *values)
{
    hid_t space = H5Screate_simple(1, &count, NULL);
    hid_t attr = space >= 0 ? H5Acreate2(loc, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT)
                            : H5I_INVALID_HID;
    herr_t rc = attr >= 0 ? H5Awrite(attr, mem_type, values) : -1;
    if (attr >= 0 && H5Aclose(attr) < 0)
        rc = -1;
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

/* Type: scalar, fixed length strlen("ImageData"), ASCII, NUL-padded (PARAVIEW.md 3d). */
static herr_t put_type(hid_t loc)
{
    static const char kind[] = "ImageData";
    hid_t type = H5Tcopy(H5T_C_S1);
    hid_t space = H5Screate(H5S_SCALAR);
    herr_t rc = -1;
    if (type >= 0 && space >= 0 && H5Tset_size(type, sizeof kind - 1) >= 0 &&
        H5Tset_strpad(type, H5T_STR_NULLPAD) >= 0 && H5Tset_cset(type, H5T_CSET_ASCII) >= 0) {
        hid_t attr = H5Acreate2(loc, "Type", type, space, H5P_DEFAULT, H5P_DEFAULT);
        rc = attr >= 0 ? H5Awrite(attr, type, kind) : -1;
        if (attr >= 0 && H5Aclose(attr) < 0)
            rc = -1;
    }
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return rc;
}

static herr_t put_attributes(hid_t group, const memscape_volume *v)
{
    static const int64_t version[2] = {1, 0};
    static const double direction[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    const int64_t extent[6] = {0, (int64_t)v->dims[0] - 1, 0, (int64_t)v->dims[1] - 1,
                               0, (int64_t)v->dims[2] - 1};
    /* Point i stands for voxel i: it sits at the voxel's centre, where the other formats
     * put their cells' and where the annotations are. */
    double origin[3];
    for (int axis = 0; axis < 3; axis++)
        origin[axis] = v->origin[axis] + v->spacing[axis] / 2;
    if (put_attribute(group, "Version", H5T_STD_I64LE, H5T_NATIVE_INT64, 2, version) < 0 ||
        put_type(group) < 0 ||
        put_attribute(group, "WholeExtent", H5T_STD_I64LE, H5T_NATIVE_INT64, 6, extent) < 0 ||
        put_attribute(group, "Origin", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, origin) < 0 ||
        put_attribute(group, "Spacing", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, v->spacing) < 0 ||
        put_attribute(group, "Direction", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 9, direction) < 0)
        return -1;
    return 0;
}

static int write_point_data(hid_t root, memscape_volume_job *job, const char **why)
{
    hid_t group = H5Gcreate2(root, "PointData", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (group < 0) {
        *why = "HDF5 cannot create the group /VTKHDF/PointData";
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < job->volume->array_count && rc == 0; i++)
        rc = memscape_h5_write_array(group, &job->volume->arrays[i], job, why);
    if (H5Gclose(group) < 0 && rc == 0) {
        *why = "HDF5 cannot finish the group /VTKHDF/PointData";
        rc = -1;
    }
    return rc;
}

static int write_vtkhdf(hid_t file, memscape_volume_job *job, const char **why)
{
    hid_t root = H5Gcreate2(file, "VTKHDF", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (root < 0) {
        *why = "HDF5 cannot create the group /VTKHDF";
        return -1;
    }
    int rc = 0;
    if (put_attributes(root, job->volume) < 0) {
        *why = "HDF5 cannot write the attributes of /VTKHDF";
        rc = -1;
    }
    if (rc == 0)
        rc = write_point_data(root, job, why);
    if (H5Gclose(root) < 0 && rc == 0) {
        *why = "HDF5 cannot finish the group /VTKHDF";
        rc = -1;
    }
    return rc;
}

memscape_status memscape_vtkhdf_write(const char *path, memscape_volume_job *job,
                                      memscape_error *err)
{
    memscape_h5_file f;
    memscape_status st = memscape_h5_create(&f, path, "VTKHDF", err);
    if (st != MEMSCAPE_OK)
        return st;
    const char *why = NULL;
    write_vtkhdf(f.id, job, &why);
    return memscape_h5_commit(&f, "VTKHDF", why, err);
}
