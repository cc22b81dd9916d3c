/* SPDX-License-Identifier: MIT */
/* Overflow-checked size arithmetic for values that come from untrusted files. */
#ifndef MEMSCAPE_CHECKED_H
#define MEMSCAPE_CHECKED_H

#include <stddef.h>
#include <stdint.h>

#include "memscape/common.h"

static inline memscape_status memscape_add_u64(uint64_t a, uint64_t b, uint64_t *r)
{
    if (b > UINT64_MAX - a)
        return MEMSCAPE_EOVERFLOW;
    *r = a + b;
    return MEMSCAPE_OK;
}

static inline memscape_status memscape_mul_u64(uint64_t a, uint64_t b, uint64_t *r)
{
    if (a != 0 && b > UINT64_MAX / a)
        return MEMSCAPE_EOVERFLOW;
    *r = a * b;
    return MEMSCAPE_OK;
}

static inline memscape_status memscape_mul_size(size_t a, size_t b, size_t *r)
{
    if (a != 0 && b > SIZE_MAX / a)
        return MEMSCAPE_EOVERFLOW;
    *r = a * b;
    return MEMSCAPE_OK;
}

/** Does [off, off+len) lie inside [0, size)? Never overflows. */
static inline int memscape_in_bounds(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

/** End of [base, base+size) clamped to the top of the address space: a range reaching 2^64
 *  (only hostile dumps do; the vsyscall page ends at 0xffffffffff601000) ends at UINT64_MAX. */
static inline uint64_t memscape_end_clamped(uint64_t base, uint64_t size)
{
    return size > UINT64_MAX - base ? UINT64_MAX : base + size;
}

#endif /* MEMSCAPE_CHECKED_H */
