/* SPDX-License-Identifier: MIT */
/* POSIX read/write/execute permissions onto the Windows-style protection the model uses. */
#ifndef MEMSCAPE_PROTECT_H
#define MEMSCAPE_PROTECT_H

#include <stdint.h>

#include "memscape/space.h"

/** Write without read cannot be mapped by any CPU Linux runs on, so it reads as RW. */
static inline uint32_t memscape_protect_from_rwx(int r, int w, int x)
{
    if (x)
        return w ? MEMSCAPE_PROT_RWX : r ? MEMSCAPE_PROT_RX : MEMSCAPE_PROT_X;
    if (w)
        return MEMSCAPE_PROT_RW;
    return r ? MEMSCAPE_PROT_R : MEMSCAPE_PROT_NOACCESS;
}

#endif /* MEMSCAPE_PROTECT_H */
