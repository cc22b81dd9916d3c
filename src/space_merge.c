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
        if (clip_size(r.base, r.size) != r.size)
            memscape_space_warn(space, MEMSCAPE_NO_OFFSET, "memory range at 0x%llx reaches the "
                                "end of the 64-bit address space; its last byte is not kept",
                                (unsigned long long)r.base);
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

typedef struct region_key {
    uint64_t base;
    size_t order;
} region_key;

static int compare_region_key(const void *a, const void *b)
{
    const region_key *x = a, *y = b;
    if (x->base != y->base)
        return x->base < y->base ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Sort regions by base, ties in their original order (qsort alone is not stable). Only the
 * small keys are sorted; the regions then move in place along the permutation's cycles, so a
 * layout of millions of entries is never copied whole. */
static memscape_status sort_stable(memscape_region *r, size_t n)
{
    if (n < 2)
        return MEMSCAPE_OK;
    region_key *keys = calloc(n, sizeof *keys);
    if (!keys)
        return MEMSCAPE_ENOMEM;
    for (size_t i = 0; i < n; i++)
        keys[i] = (region_key){r[i].base, i};
    qsort(keys, n, sizeof *keys, compare_region_key);
    /* Position i must receive r[keys[i].order]. Walk each cycle once, marking done slots. */
    for (size_t start = 0; start < n; start++) {
        if (keys[start].order == SIZE_MAX || keys[start].order == start)
            continue;
        memscape_region held = r[start];
        size_t i = start;
        while (keys[i].order != start) {
            size_t from = keys[i].order;
            r[i] = r[from];
            keys[i].order = SIZE_MAX;
            i = from;
        }
        r[i] = held;
        keys[i].order = SIZE_MAX;
    }
    free(keys);
    return MEMSCAPE_OK;
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

/* Sort by base, the dump's order breaking ties, and cut overlaps: a later entry loses the part
 * an earlier one covers. */
static memscape_status sort_and_trim(memscape_vec *v, memscape_space *space, const char *what)
{
    memscape_region *r = v->items;
    size_t n = v->count;
    int clipped = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t size = clip_size(r[i].base, r[i].size);
        clipped |= size != r[i].size;
        r[i].size = size;
    }
    if (clipped)
        memscape_space_warn(space, MEMSCAPE_NO_OFFSET, "%s: a region reaches the end of the "
                            "64-bit address space; its last byte is not represented", what);
    memscape_status st = sort_stable(r, n);
    if (st != MEMSCAPE_OK)
        return st;
    size_t out = 0;
    uint64_t covered_to = 0;
    int warned = 0;
    for (size_t i = 0; i < n; i++) {
        memscape_region cur = r[i];
        if (out > 0 && cur.base < covered_to) {
            if (!warned) {
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
    return MEMSCAPE_OK;
}

/* Add the parts of the candidate spans (sorted by base; only base and size are used) that
 * neither the layout nor an earlier candidate covers, as regions of the given type and usage.
 * The layout must be sorted and non-overlapping; it stays so. Spans, not whole regions, keep
 * a layout filled from millions of memory ranges at one copy of them. */
static memscape_status fill_gaps(memscape_vec *layout, const memscape_present *cands, size_t n,
                                 memscape_type type, memscape_usage usage)
{
    size_t covered_count = layout->count;
    uint64_t frontier = 0;
    size_t j = 0;
    memscape_status st = memscape_vec_reserve(layout, covered_count + n);
    for (size_t i = 0; i < n && st == MEMSCAPE_OK; i++) {
        uint64_t start = cands[i].base > frontier ? cands[i].base : frontier;
        uint64_t end = cands[i].base + cands[i].size;
        while (start < end && st == MEMSCAPE_OK) {
            const memscape_region *cov = layout->items;
            while (j < covered_count && region_end(&cov[j]) <= start)
                j++;
            if (j < covered_count && cov[j].base <= start) {
                start = region_end(&cov[j]);
                continue;
            }
            uint64_t stop = j < covered_count && cov[j].base < end ? cov[j].base : end;
            memscape_region piece = blank_region(start, stop - start);
            piece.type = type;
            piece.usage = usage;
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

static int compare_span_base(const void *a, const void *b)
{
    const memscape_present *x = a, *y = b;
    return x->base < y->base ? -1 : x->base > y->base;
}

static memscape_status fill_with_modules(memscape_space *space)
{
    size_t n = space->modules.count;
    memscape_present *spans = calloc(n ? n : 1, sizeof *spans);
    if (!spans)
        return MEMSCAPE_ENOMEM;
    const memscape_module *m = space->modules.items;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (m[i].size)
            spans[k++] = (memscape_present){m[i].base, clip_size(m[i].base, m[i].size), 0};
    if (k > 1)
        qsort(spans, k, sizeof *spans, compare_span_base);
    memscape_status st = fill_gaps(&space->layout, spans, k, MEMSCAPE_TYPE_IMAGE,
                                   MEMSCAPE_USAGE_IMAGE);
    free(spans);
    return st;
}

/* Windows only: a page for each TEB and for the PEB, where no layout says more. */
static memscape_status fill_with_environment_blocks(memscape_space *space)
{
    size_t n = space->threads.count;
    memscape_present *spans = calloc(n ? n : 1, sizeof *spans);
    if (!spans)
        return MEMSCAPE_ENOMEM;
    const memscape_thread *t = space->threads.items;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i].teb)
            spans[k++] = (memscape_present){t[i].teb, clip_size(t[i].teb, PAGE), 0};
    if (k > 1)
        qsort(spans, k, sizeof *spans, compare_span_base);
    memscape_status st = fill_gaps(&space->layout, spans, k, MEMSCAPE_TYPE_PRIVATE,
                                   MEMSCAPE_USAGE_TEB);
    if (st == MEMSCAPE_OK && space->peb) {
        memscape_present peb = {space->peb, clip_size(space->peb, PAGE), 0};
        st = fill_gaps(&space->layout, &peb, 1, MEMSCAPE_TYPE_PRIVATE, MEMSCAPE_USAGE_PEB);
    }
    free(spans);
    return st;
}

static memscape_status fill_with_present(memscape_space *space)
{
    return fill_gaps(&space->layout, space->present.items, space->present.count,
                     MEMSCAPE_TYPE_NONE, MEMSCAPE_USAGE_OTHER);
}

/* How many pieces the split below makes: a first pass, so the regions are allocated once. */
static size_t count_pieces(const memscape_space *space)
{
    const memscape_region *layout = space->layout.items;
    const memscape_present *p = space->present.items;
    size_t np = space->present.count, j = 0, pieces = 0;
    for (size_t i = 0; i < space->layout.count; i++) {
        uint64_t pos = layout[i].base, end = region_end(&layout[i]);
        while (j < np && p[j].base + p[j].size <= pos)
            j++;
        while (pos < end) {
            uint64_t stop;
            if (j < np && p[j].base <= pos) {
                stop = p[j].base + p[j].size < end ? p[j].base + p[j].size : end;
                if (stop == p[j].base + p[j].size)
                    j++;
            } else {
                stop = j < np && p[j].base < end ? p[j].base : end;
            }
            pos = stop;
            pieces++;
        }
    }
    return pieces;
}

/* Index of the last present run starting below addr, or SIZE_MAX. */
static size_t last_present_below(const memscape_space *space, uint64_t addr)
{
    const memscape_present *p = space->present.items;
    size_t lo = 0, hi = space->present.count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p[mid].base < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? SIZE_MAX : lo - 1;
}

/* The piece of l ending at pos: present bytes from run k (when it reaches pos), else the
 * absent stretch down to the run below. Returns the piece's start. */
static uint64_t piece_below(const memscape_space *space, const memscape_region *l, size_t k,
                            uint64_t pos, memscape_region *piece)
{
    const memscape_present *p = space->present.items;
    *piece = *l;
    uint64_t start;
    if (k != SIZE_MAX && p[k].base + p[k].size >= pos) {
        start = p[k].base > l->base ? p[k].base : l->base;
        piece->file_offset = p[k].file_offset + (start - p[k].base);
        piece->state = MEMSCAPE_STATE_COMMITTED;
    } else {
        uint64_t run_end = k != SIZE_MAX ? p[k].base + p[k].size : 0;
        start = run_end > l->base ? run_end : l->base;
        piece->file_offset = MEMSCAPE_NO_OFFSET;
        if (piece->state == MEMSCAPE_STATE_COMMITTED)
            piece->state = MEMSCAPE_STATE_NOT_CAPTURED;
    }
    piece->base = start;
    piece->size = pos - start;
    return start;
}

/* Split each layout region where its bytes start and stop being in the file, in place: the
 * pieces are written from the back of the grown array, so a piece never lands on an entry not
 * yet read (entries before i make at least i pieces), and the layout becomes the regions
 * without a second copy. */
static memscape_status split_by_presence(memscape_space *space)
{
    size_t count = space->layout.count, pieces = count_pieces(space);
    memscape_status st = memscape_vec_reserve(&space->layout, pieces);
    if (st != MEMSCAPE_OK)
        return st;
    memscape_region *r = space->layout.items;
    size_t w = pieces;
    for (size_t i = count; i-- > 0;) {
        const memscape_region l = r[i];
        size_t k = last_present_below(space, region_end(&l));
        for (uint64_t pos = region_end(&l); pos > l.base;) {
            memscape_region piece;
            pos = piece_below(space, &l, k, pos, &piece);
            const memscape_present *p = space->present.items;
            if (k != SIZE_MAX && pos <= p[k].base)
                k = k > 0 ? k - 1 : SIZE_MAX;
            r[--w] = piece;
        }
    }
    /* The layout's storage, now holding the regions, moves over whole. */
    memscape_vec_free(&space->regions);
    space->regions = space->layout;
    space->regions.count = pieces;
    space->regions.limit = SIZE_MAX / sizeof(memscape_region);
    memscape_vec_init(&space->layout, sizeof(memscape_region), 0);
    return MEMSCAPE_OK;
}

/* ---- usage ------------------------------------------------------------------------------- */

typedef struct module_key {
    uint64_t base;
    uint32_t index;
} module_key;

static int compare_module_key(const void *a, const void *b)
{
    const module_key *x = a, *y = b;
    if (x->base != y->base)
        return x->base < y->base ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Modules by base, and for each prefix the module reaching furthest, so that
 * memscape_space_find_module() is one binary search even when modules overlap. */
static memscape_status index_modules(memscape_space *space)
{
    size_t n = space->modules.count;
    if (n == 0)
        return MEMSCAPE_OK;
    module_key *keys = calloc(n, sizeof *keys);
    if (!keys)
        return MEMSCAPE_ENOMEM;
    const memscape_module *m = space->modules.items;
    for (size_t i = 0; i < n; i++)
        keys[i] = (module_key){m[i].base, (uint32_t)i};
    qsort(keys, n, sizeof *keys, compare_module_key);
    memscape_status st = memscape_vec_reserve(&space->modules_by_base, n);
    if (st == MEMSCAPE_OK)
        st = memscape_vec_reserve(&space->module_reach, n);
    uint32_t best = 0;
    for (size_t i = 0; i < n && st == MEMSCAPE_OK; i++) {
        uint32_t k = keys[i].index;
        if (i == 0 || memscape_end_clamped(m[k].base, m[k].size) >
                          memscape_end_clamped(m[best].base, m[best].size))
            best = k;
        st = memscape_vec_push(&space->modules_by_base, &k, NULL);
        if (st == MEMSCAPE_OK)
            st = memscape_vec_push(&space->module_reach, &best, NULL);
    }
    free(keys);
    return st;
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

/* Mark the layout regions overlapping [base, base+size) whose usage is still unknown (TEB, PEB:
 * a page each). Usage is decided on the layout, before the split by presence, so every piece
 * of a region shares it. */
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

/* Can a stack claim this layout region? A region whose usage a reader already named stack
 * (Linux "[stack]") still needs its owner. */
static int stack_can_claim(const memscape_region *r)
{
    if (r->state == MEMSCAPE_STATE_FREE)
        return 0;
    return r->usage == MEMSCAPE_USAGE_OTHER ||
           (r->usage == MEMSCAPE_USAGE_STACK && r->thread_index == MEMSCAPE_NO_INDEX);
}

/* The first region at or after i that a stack can still claim. next[] skips claimed and
 * ineligible regions, halving paths as it goes, so each region is claimed once and passed
 * over in near-constant time: threads sharing one huge stack cost no more than one. */
static size_t next_claimable(size_t *next, size_t i)
{
    while (next[i] != i) {
        next[i] = next[next[i]];
        i = next[i];
    }
    return i;
}

/* Thread stacks, in the dump's thread order: the first thread to reach a region owns it. */
static memscape_status mark_stacks(memscape_space *space)
{
    size_t n = space->layout.count;
    memscape_region *r = space->layout.items;
    size_t *next = calloc(n + 1, sizeof *next);
    if (!next)
        return MEMSCAPE_ENOMEM;
    for (size_t i = 0; i < n; i++)
        next[i] = stack_can_claim(&r[i]) ? i : i + 1;
    next[n] = n;
    const memscape_thread *t = space->threads.items;
    for (size_t k = 0; k < space->threads.count; k++) {
        if (t[k].stack_size == 0)
            continue;
        uint64_t end = memscape_end_clamped(t[k].stack_base, t[k].stack_size);
        size_t i = next_claimable(next, first_ending_after(&space->layout, t[k].stack_base));
        for (; i < n && r[i].base < end; i = next_claimable(next, i + 1)) {
            r[i].usage = MEMSCAPE_USAGE_STACK;
            r[i].thread_index = (uint32_t)k;
            /* Stacks are private memory even where the dump does not say so. */
            if (r[i].type == MEMSCAPE_TYPE_NONE)
                r[i].type = MEMSCAPE_TYPE_PRIVATE;
            next[i] = i + 1;
        }
    }
    free(next);
    return MEMSCAPE_OK;
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
        /* Already marked: the same heap listed twice would walk its allocation again. */
        if (!r || r->usage == MEMSCAPE_USAGE_HEAP)
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

static memscape_status derive_usage(memscape_space *space)
{
    memscape_region *r = space->layout.items;
    for (size_t i = 0; i < space->layout.count; i++) {
        if (r[i].state == MEMSCAPE_STATE_FREE)
            continue;
        r[i].module_index = module_for_region(space, &r[i]);
        if (r[i].module_index != MEMSCAPE_NO_INDEX && r[i].usage == MEMSCAPE_USAGE_OTHER)
            r[i].usage = MEMSCAPE_USAGE_IMAGE;
    }
    memscape_status st = mark_stacks(space);
    if (st != MEMSCAPE_OK)
        return st;
    const memscape_thread *t = space->threads.items;
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
    return MEMSCAPE_OK;
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
        st = sort_and_trim(&space->layout, space, "memory layout");
    /* The limit bounded what the reader added; the fills below are bounded by their sources. */
    space->layout.limit = SIZE_MAX / sizeof(memscape_region);
    if (st == MEMSCAPE_OK && !explicit_layout)
        st = fill_with_modules(space);
    if (st == MEMSCAPE_OK && !explicit_layout && space->system.os == MEMSCAPE_OS_WINDOWS)
        st = fill_with_environment_blocks(space);
    if (st == MEMSCAPE_OK)
        st = fill_with_present(space);
    if (st == MEMSCAPE_OK)
        st = derive_usage(space);
    if (st == MEMSCAPE_OK)
        st = split_by_presence(space);
    if (st != MEMSCAPE_OK)
        return memscape_fail(err, st, MEMSCAPE_NO_OFFSET, "building the layout: %s",
                             memscape_strerror(st));
    return MEMSCAPE_OK;
}
