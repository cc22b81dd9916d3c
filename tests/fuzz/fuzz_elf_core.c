/* SPDX-License-Identifier: MIT */
/* Fuzz target for the ELF core reader. Inputs that start with the ELF magic go to the reader
 * with tight limits and the whole space is walked; any other input must be refused as "not a
 * dump" (MEMSCAPE_EFORMAT), except minidumps, which belong to fuzz_minidump. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_walk.h"
#include "readers/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A mutated input that turns into a WinDbg log is another target's (fuzz_windbg_log). */
    if (memscape_reader_windbg_log.probe(data, size))
        return 0;
    int is_elf = size >= 4 && memcmp(data, "\177ELF", 4) == 0;
    if (!is_elf && size >= 4 && memcmp(data, "MDMP", 4) == 0)
        return 0;
    memscape_limits limits = fuzz_tight_limits();
    memscape_open_options opts = {.limits = &limits};
    memscape_status st = fuzz_open_and_walk(data, size, &opts, MEMSCAPE_FORMAT_ELF_CORE, NULL);
    if (!is_elf && st != MEMSCAPE_EFORMAT)
        abort();
    return 0;
}
