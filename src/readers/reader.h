/* SPDX-License-Identifier: MIT */
/* The reader table: one entry per format, found by probing content, never by file name. */
#ifndef MEMSCAPE_READER_H
#define MEMSCAPE_READER_H

#include "memscape/dump.h"
#include "space_build.h"

typedef struct memscape_reader {
    const char *name;
    /** Does the content look like this format? Reads at most the first bytes; never fails. */
    int (*probe)(const uint8_t *data, uint64_t size);
    /** Read space->file into the space. On failure fill err (offset and message, without the
     *  reader's name: the caller adds it). The caller frees the space either way. */
    memscape_status (*open)(memscape_space *space, const memscape_open_options *opts,
                            memscape_error *err);
} memscape_reader;

extern const memscape_reader memscape_reader_minidump;
extern const memscape_reader memscape_reader_elf_core;
extern const memscape_reader memscape_reader_windbg_log;
extern const memscape_reader memscape_reader_raw;

/** The readers tried in order when probing; NULL-terminated. Raw is not among them: a file
 *  is read raw only when asked. */
extern const memscape_reader *const memscape_probed_readers[];

#endif /* MEMSCAPE_READER_H */
