/* SPDX-License-Identifier: MIT */
/* What the volume writers share, behind memscape_volume_write (exporters/volume.c): the
 * validated volume with its options and progress, values in a chosen byte order, a growable
 * text buffer for XML headers, file names derived from the output's, and the HDF5 plumbing of
 * the VTKHDF and XDMF writers. One writer per format: vti.c (.vti and .pvti), vtk_legacy.c,
 * vtkhdf.c, xdmf.c. Byte recipes: ../shared/PARAVIEW.md. Not a public header. */
#ifndef MEMSCAPE_VOLUME_WRITERS_H
#define MEMSCAPE_VOLUME_WRITERS_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

#include "memscape/volume.h"
#include "util/error.h"

/* Values reach the writers in chunks of at most this many bytes. It is the block size of
 * VTK's zlib compressor (vtkDataCompressor, PARAVIEW.md 3b), and a multiple of every value
 * size, so a chunk never splits a value. */
#define MEMSCAPE_VOLUME_CHUNK 32768u

/* ---- the job ------------------------------------------------------------------------------ */

/** One call of memscape_volume_write: the volume, already validated, and the options. */
typedef struct memscape_volume_job {
    const memscape_volume *volume;
    memscape_volume_options opts;   /* the caller's or the defaults; pieces within 1..nz */
    uint64_t done, total;           /* value bytes written so far, and in all */
} memscape_volume_job;

/** nx * ny * nz; validation has checked that the bytes of every array fit in size_t. */
size_t memscape_volume_voxels(const memscape_volume *v);

/** Bytes of values in one z layer of array a (nx * ny values). */
size_t memscape_volume_layer_bytes(const memscape_volume *v, const memscape_volume_array *a);

/** Count bytes more values written and tell the caller's progress callback, if any. */
void memscape_volume_advance(memscape_volume_job *job, uint64_t bytes);

/** Copy len bytes of a's values, from byte first (both multiples of the value size), to out
 *  in little- or big-endian order. */
void memscape_volume_encode(const memscape_volume_array *a, size_t first, size_t len,
                            int big_endian, unsigned char *out);

/* ---- text --------------------------------------------------------------------------------- */

/** A growable NUL-terminated string; after an allocation failure it stays as it was and
 *  failed is set, so writers check once at the end. */
typedef struct memscape_vtext {
    char *data;
    size_t len, cap;
    int failed;
} memscape_vtext;

void memscape_vtext_printf(memscape_vtext *t, const char *fmt, ...) MEMSCAPE_PRINTF(2, 3);
/** Append s with XML's five special characters as entities: file names are not validated. */
void memscape_vtext_xml(memscape_vtext *t, const char *s, size_t len);
void memscape_vtext_free(memscape_vtext *t);
/** Write t as the whole file path, atomically (util/atomic_file.h); ENOMEM if t failed. */
memscape_status memscape_vtext_write(const memscape_vtext *t, const char *path, const char *what,
                                     memscape_error *err);

/* ---- file names --------------------------------------------------------------------------- */

/** A path cut into its folder (with the trailing '/', maybe empty) and its stem: the last
 *  component without its extension. Borrowed from the path. */
typedef struct memscape_path_parts {
    size_t dir_len;
    const char *stem;
    size_t stem_len;
} memscape_path_parts;

void memscape_path_split(const char *path, memscape_path_parts *parts);

/** A new string formatted like printf, or NULL when out of memory. Caller frees. */
char *memscape_volume_sprintf(const char *fmt, ...) MEMSCAPE_PRINTF(1, 2);

/* ---- HDF5 --------------------------------------------------------------------------------- */

/** An HDF5 file being written at "<path>.tmp", renamed over path by memscape_h5_commit. While
 *  it is open HDF5's automatic error printing is off (the library never prints); commit and
 *  abort put back what the application had. */
typedef struct memscape_h5_file {
    const char *path;               /* borrowed */
    char *tmp;
    hid_t id;
    H5E_auto2_t saved_func;
    void *saved_data;
} memscape_h5_file;

memscape_status memscape_h5_create(memscape_h5_file *f, const char *path, const char *what,
                                   memscape_error *err);
/** Close, sync and rename; on failure (or when failed is set by the caller) remove the
 *  temporary file and report EIO naming path and why. */
memscape_status memscape_h5_commit(memscape_h5_file *f, const char *what, const char *why,
                                   memscape_error *err);
void memscape_h5_abort(memscape_h5_file *f);

/** Write array a as the dataset name under loc: dims {nz, ny, nx} (HDF5 is row-major, so x
 *  varies fastest, PARAVIEW.md 3d/3e), little-endian in the file, chunked, shuffled and
 *  deflated. Returns 0, or -1 with *why naming the step that failed. */
int memscape_h5_write_array(hid_t loc, const memscape_volume_array *a, memscape_volume_job *job,
                            const char **why);

/* ---- the writers, one per format ---------------------------------------------------------- */

memscape_status memscape_vti_write(const char *path, memscape_volume_job *job,
                                   memscape_error *err);
memscape_status memscape_pvti_write(const char *path, memscape_volume_job *job,
                                    memscape_error *err);
memscape_status memscape_vtk_legacy_write(const char *path, memscape_volume_job *job,
                                          memscape_error *err);
memscape_status memscape_vtkhdf_write(const char *path, memscape_volume_job *job,
                                      memscape_error *err);
memscape_status memscape_xdmf_write(const char *path, memscape_volume_job *job,
                                    memscape_error *err);

#endif /* MEMSCAPE_VOLUME_WRITERS_H */
