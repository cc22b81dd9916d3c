/* SPDX-License-Identifier: MIT */
/* Shared by the fuzz targets and the corruption suite: tight limits, the checks an error must
 * pass, and a walk over every accessor of a space that checks the model's invariants. */
#ifndef MEMSCAPE_FUZZ_WALK_H
#define MEMSCAPE_FUZZ_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "memscape/dump.h"

/** The libFuzzer entry point each fuzz_<reader>.c defines; standalone_main.c calls it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** What a walk saw; filled by fuzz_walk_space(). */
typedef struct fuzz_walk_stats {
    size_t regions;
    size_t ranges;
    uint64_t chunk_bytes;   /* present bytes, summed over a full chunk walk */
} fuzz_walk_stats;

/** memscape_limits_default() lowered so a fuzzer cannot spend its time allocating. */
memscape_limits fuzz_tight_limits(void);

/** Does a failed open report itself properly? The code is not OK and known, the message is
 *  one non-empty line, the offset is MEMSCAPE_NO_OFFSET or inside the input. Returns 0 when
 *  all hold, else -1 with the broken rule in why. */
int fuzz_check_error(memscape_status st, const memscape_error *err, size_t input_size,
                     char *why, size_t why_size);

/** Walk everything the space offers (regions, ranges, modules, threads, notes, streams,
 *  warnings, handles, system, exception, find_region, find_module, reads, chunk walks) and
 *  check the invariants the model promises against the input bytes. Returns 0 when all hold,
 *  else -1 with the first broken invariant in why. stats is optional. */
int fuzz_walk_space(const memscape_space *space, const uint8_t *input, size_t input_size,
                    fuzz_walk_stats *stats, char *why, size_t why_size);

/** Open data with opts, check the error or walk the space, and abort() on a broken rule
 *  (the fuzzer's crash). Returns the status of the open. When format is not UNKNOWN, a
 *  successful open must report that format. */
memscape_status fuzz_open_and_walk(const uint8_t *data, size_t size,
                                   const memscape_open_options *opts, memscape_format format,
                                   fuzz_walk_stats *stats);

#endif /* MEMSCAPE_FUZZ_WALK_H */
