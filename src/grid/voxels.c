/* SPDX-License-Identifier: MIT */
/* A 3D grid as a volume: each channel copied from curve order (cell index) into voxel order
 * (x fastest, then y, then z), the order every volume format stores. One pass over the cells
 * on every core; the curve gives each cell's voxel in O(log side). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscape/volume.h"
#include "util/checked.h"
#include "util/error.h"

enum {
    CH_PRESENT, CH_MEAN, CH_ENTROPY, CH_CLASS, CH_USAGE, CH_MODULE, CH_PROTECT, CH_POINTERS,
    CH_COUNT
};

struct memscape_voxels {
    memscape_volume volume;
    memscape_volume_array arrays[CH_COUNT];
    void *values[CH_COUNT];
};

static const struct {
    const char *name;
    memscape_array_type type;
} channels[CH_COUNT] = {
    [CH_PRESENT] = {"present", MEMSCAPE_ARRAY_F32},
    [CH_MEAN] = {"mean", MEMSCAPE_ARRAY_U8},
    [CH_ENTROPY] = {"entropy", MEMSCAPE_ARRAY_F32},
    [CH_CLASS] = {"class", MEMSCAPE_ARRAY_U8},
    [CH_USAGE] = {"usage", MEMSCAPE_ARRAY_U8},
    [CH_MODULE] = {"module", MEMSCAPE_ARRAY_I32},
    [CH_PROTECT] = {"protect", MEMSCAPE_ARRAY_U16},
    [CH_POINTERS] = {"pointers", MEMSCAPE_ARRAY_F32},
};

void memscape_voxels_free(memscape_voxels *voxels)
{
    if (!voxels)
        return;
    for (int c = 0; c < CH_COUNT; c++)
        free(voxels->values[c]);
    free(voxels);
}

static memscape_status alloc_voxels(memscape_voxels **out, const memscape_layout *layout,
                                    uint64_t cells, memscape_error *err)
{
    memscape_voxels *v = calloc(1, sizeof *v);
    if (!v)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "volume: out of memory");
    for (int c = 0; c < CH_COUNT; c++) {
        size_t bytes;
        if (cells > SIZE_MAX ||
            memscape_mul_size((size_t)cells, memscape_array_type_size(channels[c].type), &bytes) != 0 ||
            !(v->values[c] = malloc(bytes))) {
            memscape_voxels_free(v);
            return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                                 "volume: no memory for %llu voxels",
                                 (unsigned long long)cells);
        }
        v->arrays[c] = (memscape_volume_array){channels[c].name, channels[c].type, v->values[c]};
    }
    v->volume.dims[0] = memscape_layout_width(layout);
    v->volume.dims[1] = memscape_layout_height(layout);
    v->volume.dims[2] = memscape_layout_depth(layout);
    v->volume.spacing[0] = v->volume.spacing[1] = v->volume.spacing[2] = 1.0;
    v->volume.arrays = v->arrays;
    v->volume.array_count = CH_COUNT;
    *out = v;
    return MEMSCAPE_OK;
}

/* Cell c's values into voxel slot i of every array. */
static void copy_cell(memscape_voxels *v, const memscape_grid *g, uint64_t cell_bytes,
                      uint64_t c, size_t i)
{
    uint64_t present = memscape_grid_present(g)[c];
    uint32_t module = memscape_grid_module(g)[c];
    ((float *)v->values[CH_PRESENT])[i] = (float)((double)present / (double)cell_bytes);
    ((uint8_t *)v->values[CH_MEAN])[i] = memscape_grid_mean(g)[c];
    ((float *)v->values[CH_ENTROPY])[i] = memscape_grid_entropy(g)[c];
    ((uint8_t *)v->values[CH_CLASS])[i] = memscape_grid_class(g)[c];
    ((uint8_t *)v->values[CH_USAGE])[i] = memscape_grid_usage(g)[c];
    ((int32_t *)v->values[CH_MODULE])[i] =
        module == MEMSCAPE_GRID_NO_MODULE || module > INT32_MAX ? -1 : (int32_t)module;
    ((uint16_t *)v->values[CH_PROTECT])[i] = memscape_grid_protect(g)[c];
    ((float *)v->values[CH_POINTERS])[i] = memscape_grid_pointers(g)[c];
}

/* Workers at most, and the fewest cells worth a thread of their own. */
#define MAX_COPY_THREADS 64u
#define MIN_CELLS_PER_THREAD ((uint64_t)1 << 16)

typedef struct copy_job {
    memscape_voxels *voxels;
    const memscape_grid *grid;
    const memscape_layout *layout;
    uint64_t first, end;        /* cells [first, end) */
} copy_job;

static void *copy_cells(void *arg)
{
    const copy_job *job = arg;
    const uint64_t nx = job->voxels->volume.dims[0], ny = job->voxels->volume.dims[1];
    const uint64_t cell_bytes = memscape_layout_cell_bytes(job->layout);
    for (uint64_t c = job->first; c < job->end; c++) {
        uint32_t x, y, z;
        memscape_layout_cell_to_xyz(job->layout, c, &x, &y, &z);
        copy_cell(job->voxels, job->grid, cell_bytes, c, (size_t)((z * ny + y) * nx + x));
    }
    return NULL;
}

static unsigned copy_threads(uint64_t cells)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    uint64_t threads = online > 0 ? (uint64_t)online : 1;
    if (threads > MAX_COPY_THREADS)
        threads = MAX_COPY_THREADS;
    if (threads > cells / MIN_CELLS_PER_THREAD)
        threads = cells / MIN_CELLS_PER_THREAD;
    return threads > 1 ? (unsigned)threads : 1;
}

/* Every cell into its voxel, the cells split evenly between threads (each cell costs the
 * same). The caller's thread takes the first share and any share a thread could not start. */
static void copy_all(memscape_voxels *v, const memscape_grid *grid,
                     const memscape_layout *layout, uint64_t cells)
{
    copy_job jobs[MAX_COPY_THREADS];
    pthread_t threads[MAX_COPY_THREADS];
    int started[MAX_COPY_THREADS] = {0};
    unsigned n = copy_threads(cells);
    for (unsigned t = 0; t < n; t++)
        jobs[t] = (copy_job){v, grid, layout, cells / n * t, t + 1 == n ? cells
                                                                         : cells / n * (t + 1)};
    for (unsigned t = 1; t < n; t++)
        started[t] = pthread_create(&threads[t], NULL, copy_cells, &jobs[t]) == 0;
    copy_cells(&jobs[0]);
    for (unsigned t = 1; t < n; t++) {
        if (started[t])
            pthread_join(threads[t], NULL);
        else
            copy_cells(&jobs[t]);
    }
}

memscape_status memscape_voxels_from_grid(memscape_voxels **out, const memscape_grid *grid,
                                          const memscape_layout *layout, memscape_error *err)
{
    if (!out || !grid || !layout || !memscape_curve_is_3d(memscape_layout_curve(layout)))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "volume: a grid over a 3D layout (hilbert3d or slab) is needed");
    uint64_t cells = memscape_layout_cells(layout);
    if (memscape_grid_cells(grid) != cells)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "volume: the grid has %llu cells, the layout %llu",
                             (unsigned long long)memscape_grid_cells(grid),
                             (unsigned long long)cells);
    memscape_voxels *v;
    memscape_status st = alloc_voxels(&v, layout, cells, err);
    if (st != MEMSCAPE_OK)
        return st;
    copy_all(v, grid, layout, cells);
    *out = v;
    return MEMSCAPE_OK;
}

const memscape_volume *memscape_voxels_volume(const memscape_voxels *voxels)
{
    return &voxels->volume;
}
