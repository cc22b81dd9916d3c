/* SPDX-License-Identifier: MIT */
/* A 3D grid as a volume. The grid pass stores each cell's statistics at its voxel's index
 * (x fastest, then y, then z: the order every volume format stores), so the volume takes the
 * pass's channels as they are, converting two in place: present from a byte count to a share
 * of the voxel, module from an unsigned index to a signed one. Memory is one set of channels,
 * never two. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grid/grid_internal.h"
#include "memscape/volume.h"
#include "util/checked.h"
#include "util/error.h"

enum {
    CH_PRESENT, CH_MEAN, CH_ENTROPY, CH_CLASS, CH_USAGE, CH_MODULE, CH_PROTECT, CH_POINTERS,
    CH_COUNT,
    CH_FINDINGS = CH_COUNT,     /* added by memscape_voxels_add_findings() */
    CH_MAX
};

struct memscape_voxels {
    memscape_volume volume;
    memscape_volume_array arrays[CH_MAX];
    void *values[CH_MAX];
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
    for (int c = 0; c < CH_MAX; c++)
        free(voxels->values[c]);
    free(voxels);
}

/* Byte counts (uint64) into shares of cell_bytes (float), in the same buffer: value i is read
 * from bytes [8i, 8i+8) before bytes [4i, 4i+4) are written, which only ever overlap values
 * already read. memcpy keeps the two views of the buffer apart for the compiler. The buffer
 * then shrinks to the floats (or stays, should realloc refuse). */
static float *present_to_shares(uint64_t *present, uint64_t cells, uint64_t cell_bytes)
{
    unsigned char *buf = (unsigned char *)present;
    for (uint64_t i = 0; i < cells; i++) {
        uint64_t count;
        memcpy(&count, buf + i * sizeof count, sizeof count);
        float share = (float)((double)count / (double)cell_bytes);
        memcpy(buf + i * sizeof share, &share, sizeof share);
    }
    float *shrunk = realloc(buf, (size_t)cells * sizeof(float));
    return shrunk ? shrunk : (float *)buf;
}

/* Module indexes (uint32, MEMSCAPE_GRID_NO_MODULE for none) into Int32, -1 for none. */
static int32_t *module_to_signed(uint32_t *module, uint64_t cells)
{
    for (uint64_t i = 0; i < cells; i++) {
        uint32_t m = module[i];
        int32_t v = m == MEMSCAPE_GRID_NO_MODULE || m > INT32_MAX ? -1 : (int32_t)m;
        memcpy(&module[i], &v, sizeof v);
    }
    return (int32_t *)module;
}

static void wrap_channels(memscape_voxels *v, memscape_grid_channels *ch, uint64_t cell_bytes)
{
    v->values[CH_PRESENT] = present_to_shares(ch->present, ch->cells, cell_bytes);
    v->values[CH_MEAN] = ch->mean;
    v->values[CH_ENTROPY] = ch->entropy;
    v->values[CH_CLASS] = ch->byte_class;
    v->values[CH_USAGE] = ch->usage;
    v->values[CH_MODULE] = module_to_signed(ch->module, ch->cells);
    v->values[CH_PROTECT] = ch->protect;
    v->values[CH_POINTERS] = ch->pointers;
    for (int c = 0; c < CH_COUNT; c++)
        v->arrays[c] = (memscape_volume_array){channels[c].name, channels[c].type, v->values[c]};
}

memscape_status memscape_voxels_compute(memscape_voxels **out, const memscape_space *space,
                                        const memscape_layout *layout,
                                        const memscape_grid_options *opts, memscape_error *err)
{
    if (!out || !space || !layout)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "volume: space and layout are required");
    memscape_voxels *v = calloc(1, sizeof *v);
    if (!v)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "volume: out of memory");
    memscape_grid *grid;
    memscape_status st = memscape_grid_compute_voxel_order(&grid, space, layout, opts, err);
    if (st != MEMSCAPE_OK) {
        free(v);
        return st;
    }
    memscape_grid_channels ch;
    memscape_grid_take_channels(grid, &ch);
    wrap_channels(v, &ch, memscape_layout_cell_bytes(layout));
    v->volume.dims[0] = memscape_layout_width(layout);
    v->volume.dims[1] = memscape_layout_height(layout);
    v->volume.dims[2] = memscape_layout_depth(layout);
    v->volume.spacing[0] = v->volume.spacing[1] = v->volume.spacing[2] = 1.0;
    v->volume.arrays = v->arrays;
    v->volume.array_count = CH_COUNT;
    *out = v;
    return MEMSCAPE_OK;
}

/* ---- the finding mask -------------------------------------------------------------------- */

typedef struct addr_range {
    uint64_t lo, hi;
} addr_range;

static int compare_ranges(const void *a, const void *b)
{
    const addr_range *x = a, *y = b;
    return (x->lo > y->lo) - (x->lo < y->lo);
}

/* Sorted ranges merged where they overlap or touch; returns how many remain. */
static size_t merge_ranges(addr_range *r, size_t n)
{
    qsort(r, n, sizeof *r, compare_ranges);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (kept > 0 && r[i].lo <= r[kept - 1].hi) {
            if (r[i].hi > r[kept - 1].hi)
                r[kept - 1].hi = r[i].hi;
            continue;
        }
        r[kept++] = r[i];
    }
    return kept;
}

/* The first segment that ends above addr (segments are in address order). */
static size_t segment_after(const memscape_segment *s, size_t n, uint64_t addr)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (memscape_end_clamped(s[mid].addr, s[mid].bytes) <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Set bit in every voxel showing an address of [lo, hi). */
static void mark_range(uint32_t *mask, const memscape_volume *v, const memscape_layout *layout,
                       addr_range r, uint32_t bit)
{
    size_t n;
    const memscape_segment *seg = memscape_layout_segments(layout, &n);
    const uint64_t cell_bytes = memscape_layout_cell_bytes(layout);
    for (size_t i = segment_after(seg, n, r.lo); i < n && seg[i].addr < r.hi; i++) {
        if (seg[i].is_gap)
            continue;
        uint64_t from = r.lo > seg[i].addr ? r.lo : seg[i].addr;
        uint64_t to = memscape_end_clamped(seg[i].addr, seg[i].bytes);
        if (to > r.hi)
            to = r.hi;
        uint64_t first = seg[i].first_cell + (from - seg[i].addr) / cell_bytes;
        uint64_t last = seg[i].first_cell + (to - 1 - seg[i].addr) / cell_bytes;
        for (uint64_t c = first; c <= last; c++) {
            uint32_t x, y, z;
            memscape_layout_cell_to_xyz(layout, c, &x, &y, &z);
            mask[((uint64_t)z * v->dims[1] + y) * v->dims[0] + x] |= bit;
        }
    }
}

/* Mark the places of pattern's findings, merged first so each voxel is visited once per
 * pattern however many findings overlap: the work is bounded by patterns x voxels. */
static void mark_pattern(uint32_t *mask, const memscape_volume *v, const memscape_space *space,
                         const memscape_layout *layout, const memscape_finding *f, size_t n,
                         const memscape_pattern *pattern, addr_range *scratch)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (f[i].pattern == pattern &&
            memscape_finding_place(space, &f[i], &scratch[count].lo, &scratch[count].hi))
            count++;
    count = merge_ranges(scratch, count);
    uint32_t bit = UINT32_C(1) << memscape_pattern_index(pattern);
    for (size_t i = 0; i < count; i++)
        mark_range(mask, v, layout, scratch[i], bit);
}

memscape_status memscape_voxels_add_findings(memscape_voxels *voxels,
                                             const memscape_space *space,
                                             const memscape_layout *layout,
                                             const memscape_findings *findings,
                                             memscape_error *err)
{
    if (!voxels || !space || !layout || voxels->values[CH_FINDINGS] ||
        memscape_layout_cells(layout) != (uint64_t)voxels->volume.dims[0] *
                                             voxels->volume.dims[1] * voxels->volume.dims[2])
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "volume: findings need the voxels' own layout, once");
    size_t cells = (size_t)memscape_layout_cells(layout), n, patterns;
    const memscape_finding *f = memscape_findings_items(findings, &n);
    const memscape_pattern *catalogue = memscape_patterns(&patterns);
    uint32_t *mask = calloc(cells, sizeof *mask);
    addr_range *scratch = calloc(n ? n : 1, sizeof *scratch);
    if (!mask || !scratch) {
        free(mask);
        free(scratch);
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                             "volume: no memory for the finding mask");
    }
    for (size_t p = 0; p < patterns; p++)
        mark_pattern(mask, &voxels->volume, space, layout, f, n, &catalogue[p], scratch);
    free(scratch);
    voxels->values[CH_FINDINGS] = mask;
    voxels->arrays[CH_FINDINGS] = (memscape_volume_array){"findings", MEMSCAPE_ARRAY_U32, mask};
    voxels->volume.array_count = CH_FINDINGS + 1;
    return MEMSCAPE_OK;
}

const memscape_volume *memscape_voxels_volume(const memscape_voxels *voxels)
{
    return &voxels->volume;
}
