/* SPDX-License-Identifier: MIT */
/* Where a 3D picture's landmarks are: modules, thread stacks, the exception and the pattern
 * findings, each placed at the voxel showing its address, for the labels ParaView draws. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscape/volume.h"
#include "util/error.h"
#include "util/text.h"

#define LABEL_MAX 64u   /* "thread 0x12345678 stack", "exception 0x12345678" */

struct memscape_annotation_list {
    memscape_annotation *items;
    char (*labels)[LABEL_MAX];  /* the labels this list made; module names are borrowed */
    size_t count, capacity;
};

void memscape_annotation_list_free(memscape_annotation_list *list)
{
    if (!list)
        return;
    free(list->items);
    free(list->labels);
    free(list);
}

const memscape_annotation *memscape_annotation_list_items(const memscape_annotation_list *list,
                                                          size_t *count)
{
    *count = list->count;
    return list->items;
}

/* One annotation at the voxel showing addr, its label still to set; NULL when the layout does
 * not show addr or the list is full. */
static memscape_annotation *place(memscape_annotation_list *list, const memscape_layout *layout,
                                  const memscape_volume *volume, uint64_t addr,
                                  memscape_annotation_kind kind, int64_t id)
{
    uint64_t cell;
    if (list->count == list->capacity || !memscape_layout_addr_to_cell(layout, addr, &cell))
        return NULL;
    uint32_t voxel[3];
    memscape_layout_cell_to_xyz(layout, cell, &voxel[0], &voxel[1], &voxel[2]);
    memscape_annotation *a = &list->items[list->count++];
    for (int i = 0; i < 3; i++)
        a->position[i] = volume->origin[i] + (voxel[i] + 0.5) * volume->spacing[i];
    a->kind = kind;
    a->id = id;
    a->address = addr;
    a->label = "";
    return a;
}

/* The list's own label buffer for annotation a. */
static char *own_label(memscape_annotation_list *list, memscape_annotation *a)
{
    char *label = list->labels[a - list->items];
    a->label = label;
    return label;
}

static void add_modules(memscape_annotation_list *list, const memscape_space *space,
                        const memscape_layout *layout, const memscape_volume *volume)
{
    size_t n;
    const memscape_module *m = memscape_space_modules(space, &n);
    for (size_t i = 0; i < n; i++) {
        if (m[i].size == 0)
            continue;
        const uint64_t places[3] = {m[i].base + (m[i].size - 1) / 2, m[i].base,
                                    m[i].base + (m[i].size - 1)};
        for (int p = 0; p < 3; p++) {
            uint64_t cell;
            if (places[p] < m[i].base || !memscape_layout_addr_to_cell(layout, places[p], &cell))
                continue;
            memscape_annotation *a = place(list, layout, volume, places[p],
                                           MEMSCAPE_ANNOTATION_MODULE, (int64_t)i);
            if (a)
                a->label = memscape_path_base_name(m[i].name);
            break;
        }
    }
}

static void add_threads(memscape_annotation_list *list, const memscape_space *space,
                        const memscape_layout *layout, const memscape_volume *volume)
{
    size_t n;
    const memscape_thread *t = memscape_space_threads(space, &n);
    for (size_t i = 0; i < n; i++) {
        uint64_t addr = t[i].sp;
        if (!t[i].has_context) { /* no registers: the top of the stack the dump describes */
            if (t[i].stack_size == 0 || t[i].stack_size - 1 > UINT64_MAX - t[i].stack_base)
                continue;
            addr = t[i].stack_base + (t[i].stack_size - 1);
        }
        memscape_annotation *a =
            place(list, layout, volume, addr, MEMSCAPE_ANNOTATION_THREAD_STACK, t[i].id);
        if (a)
            snprintf(own_label(list, a), LABEL_MAX, "thread 0x%" PRIx32 " stack", t[i].id);
    }
}

static void add_exception(memscape_annotation_list *list, const memscape_space *space,
                          const memscape_layout *layout, const memscape_volume *volume)
{
    const memscape_exception *e = memscape_space_exception(space);
    if (!e)
        return;
    memscape_annotation *a =
        place(list, layout, volume, e->address, MEMSCAPE_ANNOTATION_EXCEPTION, e->thread_id);
    if (!a)
        return;
    if (e->is_signal)
        snprintf(own_label(list, a), LABEL_MAX, "signal %" PRIu32, e->code);
    else
        snprintf(own_label(list, a), LABEL_MAX, "exception 0x%" PRIx32, e->code);
}

/* A finding about the whole process: above the volume, at the centre of its top face. */
static memscape_annotation *place_on_top(memscape_annotation_list *list,
                                         const memscape_volume *volume, int64_t id)
{
    if (list->count == list->capacity)
        return NULL;
    memscape_annotation *a = &list->items[list->count++];
    for (int i = 0; i < 3; i++)
        a->position[i] = volume->origin[i] + (i < 2 ? volume->dims[i] / 2.0 : volume->dims[i]) *
                                                 volume->spacing[i];
    a->kind = MEMSCAPE_ANNOTATION_FINDING;
    a->id = id;
    a->address = 0;
    a->label = "";
    return a;
}

static void add_findings(memscape_annotation_list *list, const memscape_space *space,
                         const memscape_layout *layout, const memscape_volume *volume,
                         const memscape_findings *findings)
{
    size_t n;
    const memscape_finding *f = memscape_findings_items(findings, &n);
    for (size_t i = 0; i < n; i++) {
        int64_t id = (int64_t)memscape_pattern_index(f[i].pattern);
        uint64_t lo, hi;
        memscape_annotation *a =
            memscape_finding_place(space, &f[i], &lo, &hi)
                ? place(list, layout, volume, lo + (hi - lo - 1) / 2,
                        MEMSCAPE_ANNOTATION_FINDING, id)
                : place_on_top(list, volume, id);
        if (a)
            a->label = f[i].pattern->name;
    }
}

memscape_status memscape_annotations_from_space(memscape_annotation_list **out,
                                                const memscape_space *space,
                                                const memscape_layout *layout,
                                                const memscape_volume *volume,
                                                const memscape_findings *findings,
                                                memscape_error *err)
{
    if (!out || !space || !layout || !volume)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "annotations: space, layout and volume are needed");
    size_t modules, threads;
    memscape_space_modules(space, &modules);
    memscape_space_threads(space, &threads);
    size_t finding_count = 0;
    memscape_findings_items(findings, &finding_count);
    size_t want = modules + threads + 1 + finding_count;
    memscape_annotation_list *list = calloc(1, sizeof *list);
    if (list) {
        list->capacity = want < MEMSCAPE_ANNOTATIONS_MAX ? want : MEMSCAPE_ANNOTATIONS_MAX;
        list->items = calloc(list->capacity, sizeof *list->items);
        list->labels = calloc(list->capacity, sizeof *list->labels);
    }
    if (!list || !list->items || !list->labels) {
        memscape_annotation_list_free(list);
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                             "annotations: out of memory");
    }
    add_modules(list, space, layout, volume);
    add_threads(list, space, layout, volume);
    add_exception(list, space, layout, volume);
    add_findings(list, space, layout, volume, findings);
    *out = list;
    return MEMSCAPE_OK;
}
