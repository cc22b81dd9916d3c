/* SPDX-License-Identifier: MIT */
/* How detectors report. Internal to the library.
 *
 * A detector is a function over one detection run: it reads the space (and the options) and
 * adds findings, each followed by its evidence. Detectors never fail for what a dump holds:
 * a dump without the facts a pattern needs simply does not show it. Memory running out, or a
 * malformed input of memscape's own (the vocabulary file), ends the run with an error.
 *
 * Detectors come in groups, one group a file (exceptions.c, process.c, ...); patterns.c runs
 * the groups it lists and keeps the catalogue every finding's id must be in. */
#ifndef MEMSCAPE_PATTERNS_DETECTOR_H
#define MEMSCAPE_PATTERNS_DETECTOR_H

#include "memscape/patterns.h"
#include "util/error.h"
#include "util/vec.h"

/* Findings one run may report, and evidence one finding may carry: past them, more of the
 * same adds nothing a reader could take in. */
#define MEMSCAPE_MAX_FINDINGS 4096u
#define MEMSCAPE_MAX_EVIDENCE 32u

typedef struct memscape_detection {
    const memscape_space *space;
    const memscape_detect_options *opts;   /* never NULL: defaults when the caller gave none */

    /* private to patterns.c */
    memscape_vec findings;                 /* memscape_finding, evidence not yet pointed at */
    memscape_vec evidence;                 /* memscape_evidence, each finding's contiguous */
    memscape_vec first_evidence;           /* size_t per finding: its first evidence index */
    memscape_vec strings;                  /* char *: copies this run owns */
    memscape_status status;                /* the first failure, or MEMSCAPE_OK */
    memscape_error *err;
} memscape_detection;

/** Start a finding of the pattern with this id (which must be in the catalogue). Returns the
 *  finding to fill in (thread, address, module), valid until the next call; NULL once the run
 *  has failed or holds MEMSCAPE_MAX_FINDINGS (then evidence calls are ignored too). module is
 *  copied by memscape_detection_module(), not by assigning it. */
memscape_finding *memscape_detection_add(memscape_detection *d, const char *pattern_id);

/** The module a finding concerns: name copied (any bytes). */
void memscape_detection_module(memscape_detection *d, memscape_finding *f, const char *name);

/** One piece of evidence for the finding added last: key (a literal), value printf-style. */
void memscape_detection_evidence(memscape_detection *d, const char *key, const char *fmt, ...)
    MEMSCAPE_PRINTF(3, 4);

/** End the run with an error (the first one wins): for memscape's own inputs, never the dump. */
void memscape_detection_fail(memscape_detection *d, memscape_status status, uint64_t offset,
                             const char *fmt, ...) MEMSCAPE_PRINTF(4, 5);

/** Has the run failed? Long detectors check it to stop early. */
int memscape_detection_failed(const memscape_detection *d);

typedef struct memscape_detector {
    const char *pattern_id;
    void (*detect)(memscape_detection *d);
} memscape_detector;

/* The groups. Each file defines its table and count. */
#define MEMSCAPE_DETECTOR_GROUP(name)                         \
    extern const memscape_detector memscape_detectors_##name[]; \
    extern const size_t memscape_detectors_##name##_count
MEMSCAPE_DETECTOR_GROUP(exceptions); /* exceptions.c: the exception code alone */
MEMSCAPE_DETECTOR_GROUP(faults);     /* faults.c: where the faulting access went */
MEMSCAPE_DETECTOR_GROUP(records);    /* records.c: exception records on stacks */
MEMSCAPE_DETECTOR_GROUP(process);    /* process.c: modules, threads, handles, comments */
MEMSCAPE_DETECTOR_GROUP(memory);     /* memory.c: memory contents */
MEMSCAPE_DETECTOR_GROUP(pool);       /* pool.c: kernel pool usage (WinDbg logs) */

#endif /* MEMSCAPE_PATTERNS_DETECTOR_H */
