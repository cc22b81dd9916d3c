/* SPDX-License-Identifier: MIT */
/* Legacy VTK (.vtk): binary STRUCTURED_POINTS, as ParaView 5.11's LegacyVTKFileReader reads it
 * (PARAVIEW.md 3a; VTK File Formats, "Simple Legacy Formats").
 *
 * Binary legacy files are big-endian whatever the host: a little-endian payload loads
 * silently with garbage values. The voxels are cells, so DIMENSIONS counts points (voxels + 1
 * a side) and the arrays follow CELL_DATA. The first array is the active SCALARS (with the
 * default lookup table, as the format requires after SCALARS); the others go in a FIELD, each
 * as "name 1 count type". Every block of binary values ends with a newline. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/atomic_file.h"
#include "volume_writers.h"

static const char *const legacy_type[MEMSCAPE_ARRAY_TYPE_COUNT] = {
    [MEMSCAPE_ARRAY_U8] = "unsigned_char",   [MEMSCAPE_ARRAY_U16] = "unsigned_short",
    [MEMSCAPE_ARRAY_U32] = "unsigned_int",   [MEMSCAPE_ARRAY_I32] = "int",
    [MEMSCAPE_ARRAY_F32] = "float",
};

static void legacy_header(memscape_vtext *t, const memscape_volume *v)
{
    const memscape_volume_array *first = &v->arrays[0];
    memscape_vtext_printf(t, "# vtk DataFile Version 3.0\nmemscape volume\nBINARY\n"
                          "DATASET STRUCTURED_POINTS\nDIMENSIONS %" PRIu64 " %" PRIu64 " %"
                          PRIu64 "\n", (uint64_t)v->dims[0] + 1, (uint64_t)v->dims[1] + 1,
                          (uint64_t)v->dims[2] + 1);
    memscape_vtext_printf(t, "ORIGIN %.17g %.17g %.17g\nSPACING %.17g %.17g %.17g\n",
                          v->origin[0], v->origin[1], v->origin[2], v->spacing[0],
                          v->spacing[1], v->spacing[2]);
    memscape_vtext_printf(t, "CELL_DATA %zu\nSCALARS %s %s 1\nLOOKUP_TABLE default\n",
                          memscape_volume_voxels(v), first->name, legacy_type[first->type]);
}

/* All values of a, big-endian, then the newline that ends a binary block. */
static int write_values(memscape_atomic_file *f, memscape_volume_job *job,
                        const memscape_volume_array *a, unsigned char *buf)
{
    size_t len = memscape_volume_voxels(job->volume) * memscape_array_type_size(a->type);
    for (size_t at = 0; at < len; at += MEMSCAPE_VOLUME_CHUNK) {
        size_t n = len - at < MEMSCAPE_VOLUME_CHUNK ? len - at : MEMSCAPE_VOLUME_CHUNK;
        memscape_volume_encode(a, at, n, 1, buf);
        if (memscape_atomic_write(f, buf, n) != 0)
            return -1;
        memscape_volume_advance(job, n);
    }
    return memscape_atomic_write(f, "\n", 1);
}

/* The arrays after the first, as a FIELD. */
static int write_field(memscape_atomic_file *f, memscape_volume_job *job, unsigned char *buf)
{
    const memscape_volume *v = job->volume;
    if (v->array_count < 2)
        return 0;
    char line[400];
    int n = snprintf(line, sizeof line, "FIELD FieldData %zu\n", v->array_count - 1);
    memscape_atomic_write(f, line, (size_t)n);
    for (size_t i = 1; i < v->array_count; i++) {
        const memscape_volume_array *a = &v->arrays[i];
        /* Names are at most 255 characters (validated), so the line fits. */
        n = snprintf(line, sizeof line, "%s 1 %zu %s\n", a->name, memscape_volume_voxels(v),
                     legacy_type[a->type]);
        memscape_atomic_write(f, line, (size_t)n);
        if (write_values(f, job, a, buf) != 0)
            return -1;
    }
    return 0;
}

memscape_status memscape_vtk_legacy_write(const char *path, memscape_volume_job *job,
                                          memscape_error *err)
{
    memscape_vtext head = {0};
    legacy_header(&head, job->volume);
    unsigned char *buf = malloc(MEMSCAPE_VOLUME_CHUNK);
    memscape_status st;
    if (head.failed || !buf) {
        st = memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "VTK: out of memory");
    } else {
        memscape_atomic_file f;
        st = memscape_atomic_open(&f, path, "VTK", err);
        if (st == MEMSCAPE_OK) {
            memscape_atomic_write(&f, head.data, head.len);
            if (write_values(&f, job, &job->volume->arrays[0], buf) == 0)
                write_field(&f, job, buf);
            st = memscape_atomic_commit(&f, "VTK", NULL, err);
        }
    }
    free(buf);
    memscape_vtext_free(&head);
    return st;
}
