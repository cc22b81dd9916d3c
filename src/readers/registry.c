/* SPDX-License-Identifier: MIT */
#include "reader.h"

const memscape_reader *const memscape_probed_readers[] = {
    &memscape_reader_minidump,
    &memscape_reader_elf_core,
    /* Text: after the binary formats, so a dump is never read as a log. */
    &memscape_reader_windbg_log,
    NULL,
};
