/* SPDX-License-Identifier: MIT */
/* Fuzz target for the raw reader (opts.raw = 1): every input opens as one committed region.
 * It is opened at base 0 and at the highest base that still fits, where the region ends at
 * the top of the address space; one byte higher must fail with MEMSCAPE_EOVERFLOW. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_walk.h"

static void open_raw_at(const uint8_t *data, size_t size, uint64_t base)
{
    memscape_limits limits = fuzz_tight_limits();
    memscape_open_options opts = {.limits = &limits, .raw = 1, .raw_base = base};
    fuzz_walk_stats stats = {0};
    memscape_status st = fuzz_open_and_walk(data, size, &opts, MEMSCAPE_FORMAT_RAW, &stats);
    if (st != MEMSCAPE_OK || stats.chunk_bytes != size || stats.regions != (size ? 1u : 0u)) {
        fprintf(stderr, "fuzz_raw: %zu bytes at 0x%llx: status %d, %zu regions, 0x%llx bytes\n",
                size, (unsigned long long)base, (int)st, stats.regions,
                (unsigned long long)stats.chunk_bytes);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    open_raw_at(data, size, 0);
    open_raw_at(data, size, UINT64_MAX - size);
    if (size == 0)
        return 0;
    memscape_limits limits = fuzz_tight_limits();
    memscape_open_options opts = {.limits = &limits, .raw = 1, .raw_base = UINT64_MAX - size + 1};
    if (fuzz_open_and_walk(data, size, &opts, MEMSCAPE_FORMAT_RAW, NULL) != MEMSCAPE_EOVERFLOW)
        abort();
    return 0;
}
