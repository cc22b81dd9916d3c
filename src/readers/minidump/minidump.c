/* SPDX-License-Identifier: MIT */
/* Placeholder until the minidump reader lands: probes nothing. */
#include "readers/reader.h"

static int minidump_probe(const uint8_t *data, uint64_t size)
{
    (void)data;
    (void)size;
    return 0;
}

static memscape_status minidump_open(memscape_space *space, const memscape_open_options *opts,
                                     memscape_error *err)
{
    (void)space;
    (void)opts;
    return memscape_fail(err, MEMSCAPE_EUNSUPPORTED, 0, "not implemented");
}

const memscape_reader memscape_reader_minidump = {"minidump", minidump_probe, minidump_open};
