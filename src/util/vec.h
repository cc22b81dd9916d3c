/* SPDX-License-Identifier: MIT */
/* A growable array of fixed-size items with a hard cap on its length. */
#ifndef MEMSCAPE_VEC_H
#define MEMSCAPE_VEC_H

#include <stddef.h>
#include <stdint.h>

#include "memscape/common.h"

typedef struct memscape_vec {
    void *items;
    size_t count;
    size_t capacity;
    size_t item_size;
    size_t limit;            /* pushing beyond this many fails with MEMSCAPE_ELIMIT */
} memscape_vec;

void memscape_vec_init(memscape_vec *v, size_t item_size, size_t limit);
void memscape_vec_free(memscape_vec *v);
/** Append a copy of *item; on success *slot (optional) points at the stored copy. */
memscape_status memscape_vec_push(memscape_vec *v, const void *item, void **slot);
/** Make room for at least n items in total (a hint; never required). */
memscape_status memscape_vec_reserve(memscape_vec *v, size_t n);

#define MEMSCAPE_VEC_AT(v, type, i) (&((type *)(v)->items)[i])

#endif /* MEMSCAPE_VEC_H */
