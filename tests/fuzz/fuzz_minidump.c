/* SPDX-License-Identifier: MIT */
/* Fuzz target for the minidump reader. Inputs that start with "MDMP" go to the reader with tight
 * limits and the whole space is walked; any other input must be refused as "not a dump"
 * (MEMSCAPE_EFORMAT), except ELF files, which belong to fuzz_elf_core. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_walk.h"
#include "readers/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A mutated input that turns into a WinDbg log is another target's (fuzz_windbg_log). */
    if (memscape_reader_windbg_log.probe(data, size))
        return 0;
    int is_minidump = size >= 4 && memcmp(data, "MDMP", 4) == 0;
    if (!is_minidump && size >= 4 && memcmp(data, "\177ELF", 4) == 0)
        return 0;
    memscape_limits limits = fuzz_tight_limits();
    memscape_open_options opts = {.limits = &limits};
    memscape_status st = fuzz_open_and_walk(data, size, &opts, MEMSCAPE_FORMAT_MINIDUMP, NULL);
    if (!is_minidump && st != MEMSCAPE_EFORMAT)
        abort();
    return 0;
}
