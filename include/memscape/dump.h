/* SPDX-License-Identifier: MIT */
/* Opening a dump: map the file read-only, find its format by content, read it into a space. */
#ifndef MEMSCAPE_DUMP_H
#define MEMSCAPE_DUMP_H

#include "common.h"
#include "limits.h"
#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct memscape_dump memscape_dump;

typedef struct memscape_open_options {
    const memscape_limits *limits; /* NULL: memscape_limits_default() */
    int raw;                       /* skip probing: read the file as raw bytes */
    uint64_t raw_base;             /* where a raw file starts in the address space */
} memscape_open_options;

/** Open and read the dump at path. The file is mapped read-only and never written.
 *  On success *out is a new dump owned by the caller (free with memscape_dump_free()).
 *  On failure *out is untouched and err (optional) says what failed and at which byte offset.
 *  opts may be NULL for the defaults. A file in no recognised format fails with
 *  MEMSCAPE_EFORMAT ("not a recognised dump"). */
MEMSCAPE_API memscape_status memscape_dump_open(memscape_dump **out, const char *path,
                                                const memscape_open_options *opts,
                                                memscape_error *err);

/** The same for bytes already in memory (fuzzers, tests). data is borrowed and must outlive
 *  the dump. */
MEMSCAPE_API memscape_status memscape_dump_open_memory(memscape_dump **out, const void *data,
                                                       size_t size,
                                                       const memscape_open_options *opts,
                                                       memscape_error *err);

/** The space read from the dump; borrowed until memscape_dump_free(). */
MEMSCAPE_API const memscape_space *memscape_dump_space(const memscape_dump *dump);

/** Size of the input in bytes. */
MEMSCAPE_API uint64_t memscape_dump_file_size(const memscape_dump *dump);

/** Release the dump and its space; accepts NULL. */
MEMSCAPE_API void memscape_dump_free(memscape_dump *dump);

#ifdef __cplusplus
}
#endif

#endif /* MEMSCAPE_DUMP_H */
