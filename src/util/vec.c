/* SPDX-License-Identifier: MIT */
#include "vec.h"

#include <stdlib.h>
#include <string.h>

#include "checked.h"

void memscape_vec_init(memscape_vec *v, size_t item_size, size_t limit)
{
    v->items = NULL;
    v->count = 0;
    v->capacity = 0;
    v->item_size = item_size;
    v->limit = limit;
}

void memscape_vec_free(memscape_vec *v)
{
    free(v->items);
    v->items = NULL;
    v->count = v->capacity = 0;
}

memscape_status memscape_vec_reserve(memscape_vec *v, size_t n)
{
    if (n <= v->capacity)
        return MEMSCAPE_OK;
    if (n > v->limit)
        n = v->limit;
    size_t bytes;
    if (memscape_mul_size(n, v->item_size, &bytes) != MEMSCAPE_OK)
        return MEMSCAPE_EOVERFLOW;
    void *grown = realloc(v->items, bytes ? bytes : 1);
    if (!grown)
        return MEMSCAPE_ENOMEM;
    v->items = grown;
    v->capacity = n;
    return MEMSCAPE_OK;
}

memscape_status memscape_vec_push(memscape_vec *v, const void *item, void **slot)
{
    if (v->count >= v->limit)
        return MEMSCAPE_ELIMIT;
    if (v->count == v->capacity) {
        size_t want = v->capacity ? v->capacity * 2 : 16;
        memscape_status st = memscape_vec_reserve(v, want < v->capacity ? v->limit : want);
        if (st != MEMSCAPE_OK)
            return st;
    }
    void *dst = (uint8_t *)v->items + v->count * v->item_size;
    memcpy(dst, item, v->item_size);
    v->count++;
    if (slot)
        *slot = dst;
    return MEMSCAPE_OK;
}
