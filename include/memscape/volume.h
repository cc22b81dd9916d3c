/* SPDX-License-Identifier: MIT */
/* Volumes: a voxel grid of memory space written in the forms ParaView reads.
 *
 * A volume is nx x ny x nz voxels at an origin with a spacing, carrying named arrays of one
 * value per voxel in memory order x fastest, then y, then z: value (i, j, k) is at
 * [(k * ny + j) * nx + i]. Each voxel is a cube: formats whose ParaView reader takes cell data
 * get the arrays as cell data (points = voxels + 1 a side); VTKHDF 1.0, whose reader in
 * ParaView 5.11 does not, gets point data (points = voxels). Annotations are points in world
 * coordinates (origin + index * spacing) with a label. Byte recipes: ../shared/PARAVIEW.md. */
#ifndef MEMSCAPE_VOLUME_H
#define MEMSCAPE_VOLUME_H

#include "common.h"
#include "grid.h"
#include "layout.h"
#include "palette.h"
#include "patterns.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum memscape_array_type {
    MEMSCAPE_ARRAY_U8 = 0,
    MEMSCAPE_ARRAY_U16,
    MEMSCAPE_ARRAY_U32,
    MEMSCAPE_ARRAY_I32,
    MEMSCAPE_ARRAY_F32,
    MEMSCAPE_ARRAY_TYPE_COUNT
} memscape_array_type;

/** Bytes of one value of type; 0 for an unknown type. */
MEMSCAPE_API size_t memscape_array_type_size(memscape_array_type type);

typedef struct memscape_volume_array {
    const char *name;           /* ASCII letters, digits, '_' and '-': it names XML attributes
                                   and HDF5 datasets */
    memscape_array_type type;
    const void *values;         /* nx * ny * nz values in host byte order, x fastest */
} memscape_volume_array;

typedef struct memscape_volume {
    uint32_t dims[3];           /* voxels along x, y, z; each 1..MEMSCAPE_VOLUME_MAX_SIDE */
    double origin[3];
    double spacing[3];
    const memscape_volume_array *arrays;
    size_t array_count;
} memscape_volume;

#define MEMSCAPE_VOLUME_MAX_SIDE 4096u

typedef enum memscape_volume_format {
    MEMSCAPE_VOLUME_VTI = 0,    /* XML ImageData, appended raw, UInt64 headers */
    MEMSCAPE_VOLUME_PVTI,       /* partitioned: one .vti piece per slab of z */
    MEMSCAPE_VOLUME_VTK,        /* legacy binary STRUCTURED_POINTS, big-endian */
    MEMSCAPE_VOLUME_VTKHDF,     /* VTKHDF 1.0 ImageData (.hdf), gzip-chunked, point data */
    MEMSCAPE_VOLUME_XDMF,       /* XDMF 3DCoRectMesh (.xdmf) + its .h5 */
    MEMSCAPE_VOLUME_FORMAT_COUNT
} memscape_volume_format;

/** The format a file name's extension picks (.vti .pvti .vtk .hdf .xdmf, any case); returns 0
 *  for any other. */
MEMSCAPE_API int memscape_volume_format_of(const char *path, memscape_volume_format *format);

typedef struct memscape_volume_options {
    int compress;               /* .vti/.pvti: zlib blocks (vtkZLibDataCompressor) */
    unsigned pieces;            /* .pvti: slabs along z, 1..nz (0: 2) */
    int zlib_level;             /* -1: zlib's default */
    /** Called now and then with the bytes written so far and the total; may be NULL. */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
} memscape_volume_options;

/** Write volume to path as format. Every file (the .pvti's pieces, the .xdmf's .h5) is written
 *  to a temporary name and renamed, so a failure leaves no partial file and never replaces a
 *  good one. opts may be NULL. EINVAL for an empty or malformed volume (a bad name, a side
 *  of 0 or above the maximum, a missing array); EIO naming the file and the reason. */
MEMSCAPE_API memscape_status memscape_volume_write(const char *path,
                                                   memscape_volume_format format,
                                                   const memscape_volume *volume,
                                                   const memscape_volume_options *opts,
                                                   memscape_error *err);

/* ---- from a grid ------------------------------------------------------------------------- */

typedef struct memscape_voxels memscape_voxels;

/** The grid of space over a 3D layout (memscape_grid_compute(), with opts) as a volume: its
 *  channels in voxel order (x fastest), each voxel a cube of side 1 from the origin (0, 0, 0):
 *    present   Float32  share of the cell's bytes the dump holds, 0..1
 *    mean      UInt8    mean of those bytes
 *    entropy   Float32  bits per byte, 0..8
 *    class     UInt8    dominant byte class (memscape_byte_class), 255 where none
 *    usage     UInt8    region usage (memscape_usage), 255 for gaps, padding, no region
 *    module    Int32    module index, -1 where none
 *    protect   UInt16   protection (MEMSCAPE_PROT_*), 0 where none
 *    pointers  Float32  share of values pointing into mapped memory, 0..1
 *  The pass stores straight into voxel order: the memory is that of the arrays (21 bytes a
 *  voxel) and the pass's 6 more, never a second copy. EINVAL when layout is not 3D; ENOMEM. */
MEMSCAPE_API memscape_status memscape_voxels_compute(memscape_voxels **out,
                                                     const memscape_space *space,
                                                     const memscape_layout *layout,
                                                     const memscape_grid_options *opts,
                                                     memscape_error *err);
/** Add the array "findings" (UInt32) to voxels computed over layout: bit i of a voxel is set
 *  when a finding of pattern i (memscape_pattern_index()) concerns the memory the voxel
 *  shows (memscape_finding_place(): its address, its thread's stack or its module's image).
 *  Findings about the process as a whole mark no voxel. Once per voxels (EINVAL after);
 *  ENOMEM. */
MEMSCAPE_API memscape_status memscape_voxels_add_findings(memscape_voxels *voxels,
                                                          const memscape_space *space,
                                                          const memscape_layout *layout,
                                                          const memscape_findings *findings,
                                                          memscape_error *err);
/** The volume; borrowed until memscape_voxels_free(). */
MEMSCAPE_API const memscape_volume *memscape_voxels_volume(const memscape_voxels *voxels);
MEMSCAPE_API void memscape_voxels_free(memscape_voxels *voxels); /* accepts NULL */

/* ---- annotations ------------------------------------------------------------------------- */

typedef enum memscape_annotation_kind {
    MEMSCAPE_ANNOTATION_MODULE = 0,
    MEMSCAPE_ANNOTATION_THREAD_STACK,
    MEMSCAPE_ANNOTATION_EXCEPTION,
    MEMSCAPE_ANNOTATION_FINDING
} memscape_annotation_kind;

typedef struct memscape_annotation {
    double position[3];         /* world coordinates */
    const char *label;          /* any bytes from the dump: escaped or made valid UTF-8 */
    memscape_annotation_kind kind;
    int64_t id;                 /* module index, thread id, finding number... */
    uint64_t address;
} memscape_annotation;

typedef struct memscape_annotation_list memscape_annotation_list;

/** The annotations of a space laid out in 3D: one per module (at the voxel of its middle, or
 *  of its first or last byte, labelled with its file name), one per thread stack (at its
 *  stack pointer, "thread 0x1a2c stack"), the exception address ("exception 0xc0000005"),
 *  and one per finding when findings is not NULL (kind FINDING, id its pattern's index,
 *  labelled with the pattern's name: at the middle of memscape_finding_place(), or for a
 *  finding about the whole process at the centre of the volume's top face).
 *  Positions are voxel centres in the world coordinates of volume (origin + (i + 0.5) *
 *  spacing). What the layout does not show is left out. At most MEMSCAPE_ANNOTATIONS_MAX. */
#define MEMSCAPE_ANNOTATIONS_MAX 65536u
MEMSCAPE_API memscape_status memscape_annotations_from_space(memscape_annotation_list **out,
                                                             const memscape_space *space,
                                                             const memscape_layout *layout,
                                                             const memscape_volume *volume,
                                                             const memscape_findings *findings,
                                                             memscape_error *err);
MEMSCAPE_API const memscape_annotation *memscape_annotation_list_items(
    const memscape_annotation_list *list, size_t *count);
MEMSCAPE_API void memscape_annotation_list_free(memscape_annotation_list *list);

/** Write annotations as XML PolyData (.vtp): one vertex per annotation, a String array
 *  "label", Int32 "kind", Int64 "id" and UInt64 "address". Atomic like the volumes. */
MEMSCAPE_API memscape_status memscape_annotations_write_vtp(const char *path,
                                                            const memscape_annotation *items,
                                                            size_t count, memscape_error *err);

/* ---- ParaView ---------------------------------------------------------------------------- */

typedef struct memscape_paraview_script {
    const char *volume;         /* the volume's file name, relative to the script's folder;
                                   must be UTF-8 (ParaView 5.11 aborts on other names) */
    memscape_volume_format format;
    const char *annotations;    /* the .vtp's file name, relative likewise; NULL: none */
    const char *array;          /* the array to colour by */
    const memscape_palette *palette;   /* its colours, as in 2D pictures */
    const char *title;          /* any bytes from the dump (a file name): escaped */
    int series;                 /* 1: volume and annotations name .pvd collections (of
                                   format's files) that ParaView steps through in time */
} memscape_paraview_script;

/** Write a ParaView Python script (for pvpython, or ParaView's Python shell) that opens the
 *  volume beside it, colours it by the array with the palette (categorical palettes as
 *  indexed colours, continuous ones as a transfer function), shows the annotation labels, and
 *  with `--screenshot FILE` saves a screenshot and exits. Strings from the dump are written as
 *  escaped Python literals. Atomic like the volumes. */
MEMSCAPE_API memscape_status memscape_paraview_script_write(const char *path,
                                                            const memscape_paraview_script *s,
                                                            memscape_error *err);

/** A ParaView data collection (.pvd) stepping through files (relative to the .pvd's folder),
 *  timestep i for files[i]. File names must be UTF-8 without control characters other than
 *  tab, LF and CR (EINVAL), which XML could not carry. */
MEMSCAPE_API memscape_status memscape_pvd_write(const char *path, const char *const *files,
                                                size_t count, memscape_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MEMSCAPE_VOLUME_H */
