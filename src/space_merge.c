/* SPDX-License-Identifier: MIT */
/* Turning what a reader added into one layout.
 *
 * Sources rank by how much they know. An explicit layout (MemoryInfoList, Linux maps, PT_LOADs)
 * comes first. Where there is none, module images (and Windows TEB/PEB pages) fill in. Last,
 * every range with bytes fills whatever is still uncovered, so no present byte is ever outside
 * a region. Present bytes are indexed once, sorted, with overlaps cut away: a thread's stack
 * descriptor and the MemoryList entry pointing at the same bytes become one run. Each layout
 * region is then split where its bytes start and stop being in the file: the parts without
 * bytes are "not captured". Usage (module images, thread stacks, TEB/PEB, heaps) is decided on
 * the layout before that split, so every piece of a region carries it. */
#include <stdlib.h>
#include <string.h>

#include "space_build.h"
#include "util/checked.h"

#define PAGE 0x1000u
#define MAX_WINDOWS_HEAPS 1024u

static uint64_t region_end(const memscape_region *r)
{
    return r->base + r->size;
}

/* Keep [base, base+size) representable: nothing may end past the last address. */
static uint64_t clip_size(uint64_t base, uint64_t size)
{
    return size > UINT64_MAX - base ? UINT64_MAX - base : size;
}

/* ---- the present-byte index -------------------------------------------------------------- */

typedef struct ordered_range {
    memscape_range r;
    size_t order;
} ordered_range;

static int compare_ordered_range(const void *a, const void *b)
{
    const ordered_range *x = a, *y = b;
    if (x->r.base != y->r.base)
        return x->r.base < y->r.base ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static memscape_status build_present(memscape_space *space)
{
    size_t n = space->ranges.count;
    if (n == 0)
        return MEMSCAPE_OK;
    ordered_range *tmp = calloc(n, sizeof *tmp);
    if (!tmp)
        return MEMSCAPE_ENOMEM;
    const memscape_range *ranges = space->ranges.items;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        memscape_range r = ranges[i];
        r.size = clip_size(r.base, r.size);
        /* Readers clip to the file already; this keeps the index safe on its own. */
        if (r.file_offset >= space->file_size)
            continue;
        if (r.size > space->file_size - r.file_offset)
            r.size = space->file_size - r.file_offset;
        if (r.size == 0)
            continue;
        tmp[m].r = r;
        tmp[m].order = i;
        m++;
    }
    if (m > 1)
        qsort(tmp, m, sizeof *tmp, compare_ordered_range);

    memscape_status st = memscape_vec_reserve(&space->present, m);
    uint64_t covered_to = 0;
    int any = 0;
    for (size_t i = 0; i < m && st == MEMSCAPE_OK; i++) {
        memscape_present p = {tmp[i].r.base, tmp[i].r.size, tmp[i].r.file_offset};
        if (any && p.base < covered_to) {
            uint64_t cut = covered_to - p.base;
            if (cut >= p.size)
                continue;
            p.base += cut;
            p.size -= cut;
            p.file_offset += cut;
        }
        memscape_present *prev =
            space->present.count ? MEMSCAPE_VEC_AT(&space->present, memscape_present,
                                                   space->present.count - 1)
                                 : NULL;
        if (prev && prev->base + prev->size == p.base &&
            prev->file_offset + prev->size == p.file_offset) {
            prev->size += p.size;
        } else {
            st = memscape_vec_push(&space->present, &p, NULL);
        }
        covered_to = p.base + p.size;
        any = 1;
    }
    free(tmp);
    return st;
}

/* ---- layout ------------------------------------------------------------------------------ */

static int compare_region_base(const void *a, const void *b)
{
    const memscape_region *x = a, *y = b;
    if (x->base != y->base)
        return x->base < y->base ? -1 : 1;
    return 0;
}

static memscape_region blank_region(uint64_t base, uint64_t size)
{
    memscape_region r = {0};
    r.base = base;
    r.size = size;
    r.allocation_base = base;
    r.file_offset = MEMSCAPE_NO_OFFSET;
    r.state = MEMSCAPE_STATE_COMMITTED;
    r.module_index = MEMSCAPE_NO_INDEX;
    r.thread_index = MEMSCAPE_NO_INDEX;
    return r;
}

/* Sort in place and cut overlaps: a later entry loses the part an earlier one covers. */
static void sort_and_trim(memscape_vec *v, memscape_space *space, const char *what)
{
    memscape_region *r = v->items;
    for (size_t i = 0; i < v->count; i++)
        r[i].size = clip_size(r[i].base, r[i].size);
    if (v->count > 1)
        qsort(r, v->count, sizeof *r, compare_region_base);
    size_t out = 0;
    uint64_t covered_to = 0;
    int warned = 0;
    for (size_t i = 0; i < v->count; i++) {
        memscape_region cur = r[i];
        if (out > 0 && cur.base < covered_to) {
            if (!warned && what) {
                memscape_space_warn(space, MEMSCAPE_NO_OFFSET,
                                    "%s: entries overlap at 0x%llx; the later one is cut", what,
                                    (unsigned long long)cur.base);
                warned = 1;
            }
            uint64_t cut = covered_to - cur.base;
            if (cut >= cur.size)
                continue;
            cur.base += cut;
            cur.size -= cut;
        }
        if (cur.size == 0)
            continue;
        r[out++] = cur;
        covered_to = cur.base + cur.size;
    }
    v->count = out;
}

/* Add the parts of the candidates (sorted by base) that neither the layout nor an earlier
 * candidate covers. The layout must be sorted and non-overlapping; it stays so. */
static memscape_status fill_gaps(memscape_vec *layout, const memscape_region *cands, size_t n)
{
    size_t covered_count = layout->count;
    uint64_t frontier = 0;
    size_t j = 0;
    memscape_status st = MEMSCAPE_OK;
    for (size_t i = 0; i < n && st == MEMSCAPE_OK; i++) {
        uint64_t start = cands[i].base > frontier ? cands[i].base : frontier;
        uint64_t end = region_end(&cands[i]);
        while (start < end && st == MEMSCAPE_OK) {
            const memscape_region *cov = layout->items;
            while (j < covered_count && region_end(&cov[j]) <= start)
                j++;
            if (j < covered_count && cov[j].base <= start) {
                start = region_end(&cov[j]);
                continue;
            }
            uint64_t stop = j < covered_count && cov[j].base < end ? cov[j].base : end;
            memscape_region piece = cands[i];
            piece.base = start;
            piece.size = stop - start;
            st = memscape_vec_push(layout, &piece, NULL);
            start = stop;
        }
        if (end > frontier)
            frontier = end;
    }
    if (st == MEMSCAPE_OK && layout->count > 1)
        qsort(layout->items, layout->count, sizeof(memscape_region), compare_region_base);
    return st;
}

static memscape_status fill_with_modules(memscape_space *space)
{
    size_t n = space->modules.count;
    memscape_region *cands = calloc(n ? n : 1, sizeof *cands);
    if (!cands)
        return MEMSCAPE_ENOMEM;
    const memscape_module *m = space->modules.items;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (m[i].size == 0)
            continue;
        cands[k] = blank_region(m[i].base, clip_size(m[i].base, m[i].size));
        cands[k].type = MEMSCAPE_TYPE_IMAGE;
        cands[k].usage = MEMSCAPE_USAGE_IMAGE;
        k++;
    }
    if (k > 1)
        qsort(cands, k, sizeof *cands, compare_region_base);
    memscape_status st = fill_gaps(&space->layout, cands, k);
    free(cands);
    return st;
}

/* Windows only: a page for each TEB and for the PEB, where no layout says more. */
static memscape_status fill_with_environment_blocks(memscape_space *space)
{
    size_t n = space->threads.count;
    memscape_region *cands = calloc(n + 1, sizeof *cands);
    if (!cands)
        return MEMSCAPE_ENOMEM;
    const memscape_thread *t = space->threads.items;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i].teb == 0)
            continue;
        cands[k] = blank_region(t[i].teb, clip_size(t[i].teb, PAGE));
        cands[k].type = MEMSCAPE_TYPE_PRIVATE;
        cands[k++].usage = MEMSCAPE_USAGE_TEB;
    }
    if (space->peb) {
        cands[k] = blank_region(space->peb, clip_size(space->peb, PAGE));
        cands[k].type = MEMSCAPE_TYPE_PRIVATE;
        cands[k++].usage = MEMSCAPE_USAGE_PEB;
    }
    if (k > 1)
        qsort(cands, k, sizeof *cands, compare_region_base);
    memscape_status st = fill_gaps(&space->layout, cands, k);
    free(cands);
    return st;
}

static memscape_status fill_with_present(memscape_space *space)
{
    size_t n = space->present.count;
    memscape_region *cands = calloc(n ? n : 1, sizeof *cands);
    if (!cands)
        return MEMSCAPE_ENOMEM;
    const memscape_present *p = space->present.items;
    for (size_t i = 0; i < n; i++)
        cands[i] = blank_region(p[i].base, p[i].size);
    memscape_status st = fill_gaps(&space->layout, cands, n);
    free(cands);
    return st;
}

/* Split each layout region where its bytes start and stop being in the file. */
static memscape_status split_by_presence(memscape_space *space)
{
    const memscape_region *layout = space->layout.items;
    const memscape_present *p = space->present.items;
    size_t np = space->present.count, j = 0;
    memscape_status st = memscape_vec_reserve(&space->regions, space->layout.count);
    for (size_t i = 0; i < space->layout.count && st == MEMSCAPE_OK; i++) {
        const memscape_region *l = &layout[i];
        uint64_t pos = l->base, end = region_end(l);
        while (j < np && p[j].base + p[j].size <= pos)
            j++;
        while (pos < end && st == MEMSCAPE_OK) {
            memscape_region piece = *l;
            piece.base = pos;
            if (j < np && p[j].base <= pos) {
                uint64_t stop = p[j].base + p[j].size < end ? p[j].base + p[j].size : end;
                piece.size = stop - pos;
                piece.file_offset = p[j].file_offset + (pos - p[j].base);
                piece.state = MEMSCAPE_STATE_COMMITTED;
                if (stop == p[j].base + p[j].size)
                    j++;
                pos = stop;
            } else {
                uint64_t stop = j < np && p[j].base < end ? p[j].base : end;
                piece.size = stop - pos;
                piece.file_offset = MEMSCAPE_NO_OFFSET;
                if (piece.state == MEMSCAPE_STATE_COMMITTED)
                    piece.state = MEMSCAPE_STATE_NOT_CAPTURED;
                pos = stop;
            }
            st = memscape_vec_push(&space->regions, &piece, NULL);
        }
    }
    return st;
}

/* ---- usage ------------------------------------------------------------------------------- */

static const memscape_space *g_sort_space; /* qsort has no context argument in C17 */

static int compare_module_index(const void *a, const void *b)
{
    const memscape_module *m = g_sort_space->modules.items;
    uint64_t x = m[*(const uint32_t *)a].base, y = m[*(const uint32_t *)b].base;
    return x < y ? -1 : x > y;
}

static memscape_status index_modules(memscape_space *space)
{
    size_t n = space->modules.count;
    memscape_status st = memscape_vec_reserve(&space->modules_by_base, n);
    for (uint32_t i = 0; i < n && st == MEMSCAPE_OK; i++)
        st = memscape_vec_push(&space->modules_by_base, &i, NULL);
    if (st != MEMSCAPE_OK)
        return st;
    g_sort_space = space;
    if (n > 1)
        qsort(space->modules_by_base.items, n, sizeof(uint32_t), compare_module_index);
    g_sort_space = NULL;
    return MEMSCAPE_OK;
}

static uint32_t module_for_region(const memscape_space *space, const memscape_region *r)
{
    const memscape_module *m = memscape_space_find_module(space, r->base);
    if (!m)
        return MEMSCAPE_NO_INDEX;
    if (r->name && strcmp(r->name, m->name) != 0)
        return MEMSCAPE_NO_INDEX;
    if (!r->name && r->type != MEMSCAPE_TYPE_IMAGE)
        return MEMSCAPE_NO_INDEX;
    return (uint32_t)(m - (const memscape_module *)space->modules.items);
}

/* Index of the first region of a sorted, non-overlapping list that ends after addr. */
static size_t first_ending_after(const memscape_vec *v, uint64_t addr)
{
    const memscape_region *r = v->items;
    size_t lo = 0, hi = v->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (region_end(&r[mid]) <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Mark the layout regions overlapping [base, base+size) whose usage is still unknown. Usage is
 * decided on the layout, before the split by presence, so every piece of a region shares it. */
static void mark_usage(memscape_space *space, uint64_t base, uint64_t size, memscape_usage usage,
                       uint32_t thread_index)
{
    memscape_region *r = space->layout.items;
    uint64_t end = memscape_end_clamped(base, size);
    for (size_t i = first_ending_after(&space->layout, base);
         i < space->layout.count && r[i].base < end; i++) {
        if (r[i].state == MEMSCAPE_STATE_FREE)
            continue;
        /* A reader may already know the usage (Linux maps name "[stack]"); the owner is only
         * known here. */
        if (r[i].usage == usage && r[i].thread_index == MEMSCAPE_NO_INDEX)
            r[i].thread_index = thread_index;
        if (r[i].usage != MEMSCAPE_USAGE_OTHER)
            continue;
        r[i].usage = usage;
        r[i].thread_index = thread_index;
        /* Stacks, TEBs and PEBs are private memory even where the dump does not say so. */
        if (r[i].type == MEMSCAPE_TYPE_NONE)
            r[i].type = MEMSCAPE_TYPE_PRIVATE;
    }
}

/* The layout region holding addr, or NULL. */
static memscape_region *layout_region_at(memscape_space *space, uint64_t addr)
{
    size_t i = first_ending_after(&space->layout, addr);
    memscape_region *r = MEMSCAPE_VEC_AT(&space->layout, memscape_region, i);
    return i < space->layout.count && r->base <= addr ? r : NULL;
}

static uint64_t read_pointer(const memscape_space *space, uint64_t addr, int *ok)
{
    uint8_t b[8] = {0};
    unsigned width = space->system.pointer_size == 4 ? 4u : 8u;
    *ok = memscape_space_read(space, addr, b, width) == width;
    uint64_t v = 0;
    for (unsigned i = 0; i < width; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

/* The PEB pointer sits at TEB+0x60 (x64) or TEB+0x30 (x86), when the TEB was captured. */
static void find_peb(memscape_space *space)
{
    const memscape_thread *t = space->threads.items;
    uint64_t offset = space->system.pointer_size == 4 ? 0x30 : 0x60;
    for (size_t i = 0; i < space->threads.count; i++) {
        int ok;
        uint64_t peb = t[i].teb ? read_pointer(space, t[i].teb + offset, &ok) : 0;
        if (t[i].teb && ok && peb) {
            space->peb = peb;
            return;
        }
    }
}

/* PEB.ProcessHeaps lists the heaps; mark each heap's allocation. Offsets from the PEB layout
 * (x64: NumberOfHeaps 0xe8, ProcessHeaps 0xf0; x86: 0x88, 0x90). */
static void mark_windows_heaps(memscape_space *space)
{
    int wide = space->system.pointer_size != 4;
    int ok;
    uint64_t count = read_pointer(space, space->peb + (wide ? 0xe8 : 0x88), &ok) & 0xffffffffu;
    if (!ok)
        return;
    uint64_t list = read_pointer(space, space->peb + (wide ? 0xf0 : 0x90), &ok);
    if (!ok || count > MAX_WINDOWS_HEAPS)
        return;
    memscape_region *all = space->layout.items;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t heap = read_pointer(space, list + i * (wide ? 8u : 4u), &ok);
        const memscape_region *r = ok && heap ? layout_region_at(space, heap) : NULL;
        if (!r)
            continue;
        /* A heap segment is one allocation: every region sharing its allocation base. */
        uint64_t alloc = r->allocation_base;
        size_t k = (size_t)(r - all);
        while (k > 0 && all[k - 1].allocation_base == alloc)
            k--;
        for (; k < space->layout.count && all[k].allocation_base == alloc; k++)
            if (all[k].usage == MEMSCAPE_USAGE_OTHER && all[k].state != MEMSCAPE_STATE_FREE)
                all[k].usage = MEMSCAPE_USAGE_HEAP;
    }
}

static void derive_usage(memscape_space *space)
{
    memscape_region *r = space->layout.items;
    for (size_t i = 0; i < space->layout.count; i++) {
        if (r[i].state == MEMSCAPE_STATE_FREE)
            continue;
        r[i].module_index = module_for_region(space, &r[i]);
        if (r[i].module_index != MEMSCAPE_NO_INDEX && r[i].usage == MEMSCAPE_USAGE_OTHER)
            r[i].usage = MEMSCAPE_USAGE_IMAGE;
    }
    const memscape_thread *t = space->threads.items;
    for (size_t i = 0; i < space->threads.count; i++)
        if (t[i].stack_size)
            mark_usage(space, t[i].stack_base, t[i].stack_size, MEMSCAPE_USAGE_STACK,
                       (uint32_t)i);
    if (space->system.os == MEMSCAPE_OS_WINDOWS) {
        for (size_t i = 0; i < space->threads.count; i++)
            if (t[i].teb)
                mark_usage(space, t[i].teb, 1, MEMSCAPE_USAGE_TEB, (uint32_t)i);
        if (space->peb) {
            mark_usage(space, space->peb, 1, MEMSCAPE_USAGE_PEB, MEMSCAPE_NO_INDEX);
            mark_windows_heaps(space);
        }
    }
    for (size_t i = 0; i < space->layout.count; i++)
        if (r[i].type == MEMSCAPE_TYPE_MAPPED && r[i].usage == MEMSCAPE_USAGE_OTHER &&
            r[i].state != MEMSCAPE_STATE_FREE)
            r[i].usage = MEMSCAPE_USAGE_MAPPED_FILE;
}

static int compare_handle_count(const void *a, const void *b)
{
    const memscape_handle_type *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->type, y->type);
}

/* Handle types, most numerous first: the order a leak investigation reads them in. */
static void publish_handle_types(memscape_space *space)
{
    if (space->handle_types.count > 1)
        qsort(space->handle_types.items, space->handle_types.count,
              sizeof(memscape_handle_type), compare_handle_count);
    space->handles.types = space->handle_types.items;
    space->handles.type_count = (uint32_t)space->handle_types.count;
}

memscape_status memscape_space_finalize(memscape_space *space, memscape_error *err)
{
    publish_handle_types(space);
    memscape_status st = build_present(space);
    int explicit_layout = space->layout.count > 0;
    if (st == MEMSCAPE_OK)
        st = index_modules(space);
    if (st == MEMSCAPE_OK && space->system.os == MEMSCAPE_OS_WINDOWS)
        find_peb(space);
    if (st == MEMSCAPE_OK)
        sort_and_trim(&space->layout, space, "memory layout");
    if (st == MEMSCAPE_OK && !explicit_layout)
        st = fill_with_modules(space);
    if (st == MEMSCAPE_OK && !explicit_layout && space->system.os == MEMSCAPE_OS_WINDOWS)
        st = fill_with_environment_blocks(space);
    if (st == MEMSCAPE_OK)
        st = fill_with_present(space);
    if (st == MEMSCAPE_OK)
        derive_usage(space);
    if (st == MEMSCAPE_OK)
        st = split_by_presence(space);
    if (st == MEMSCAPE_ELIMIT)
        return memscape_fail(err, st, MEMSCAPE_NO_OFFSET,
                             "the merged layout has more than %u regions (limits.max_regions)",
                             space->limits.max_regions);
    if (st != MEMSCAPE_OK)
        return memscape_fail(err, st, MEMSCAPE_NO_OFFSET, "building the layout: %s",
                             memscape_strerror(st));
    return MEMSCAPE_OK;
}
