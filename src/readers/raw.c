/* SPDX-License-Identifier: MIT */
/* Raw file: the whole file as one committed region at a chosen base, as Dump2Picture sees it. */
#include "reader.h"

static int raw_probe(const uint8_t *data, uint64_t size)
{
    (void)data;
    (void)size;
    return 1;
}

static memscape_status raw_open(memscape_space *space, const memscape_open_options *opts,
                                memscape_error *err)
{
    uint64_t base = opts ? opts->raw_base : 0;
    uint64_t size = space->file_size;
    if (size > UINT64_MAX - base)
        return memscape_fail(err, MEMSCAPE_EOVERFLOW, MEMSCAPE_NO_OFFSET,
                             "base 0x%llx + file size 0x%llx passes the end of the address space",
                             (unsigned long long)base, (unsigned long long)size);
    space->system.format = MEMSCAPE_FORMAT_RAW;
    if (size == 0)
        return MEMSCAPE_OK;
    memscape_status st = memscape_space_add_range(space, base, size, 0);
    if (st != MEMSCAPE_OK)
        return memscape_fail(err, st, 0, "%s", memscape_strerror(st));
    return MEMSCAPE_OK;
}

const memscape_reader memscape_reader_raw = {"raw", raw_probe, raw_open};
