/* SPDX-License-Identifier: MIT */
/* Placeholder until the elf_core reader lands: probes nothing. */
#include "readers/reader.h"

static int elf_core_probe(const uint8_t *data, uint64_t size)
{
    (void)data;
    (void)size;
    return 0;
}

static memscape_status elf_core_open(memscape_space *space, const memscape_open_options *opts,
                                     memscape_error *err)
{
    (void)space;
    (void)opts;
    return memscape_fail(err, MEMSCAPE_EUNSUPPORTED, 0, "not implemented");
}

const memscape_reader memscape_reader_elf_core = {"elf", elf_core_probe, elf_core_open};
