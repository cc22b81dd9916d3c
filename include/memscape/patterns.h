/* SPDX-License-Identifier: MIT */
/* Memory dump analysis patterns: the catalogue memscape knows, and the findings of its
 * detectors on one address space.
 *
 * Each pattern has a stable id ("stack-overflow"), the name it has in the crash-dump analysis
 * pattern catalogue ("Stack Overflow") and the criterion memscape applies (docs/patterns.md).
 * A finding is one occurrence: the pattern, what it concerns (a thread, an address, a module,
 * each optional) and its evidence, the values that triggered it as key/value text. Strings in a
 * finding may hold bytes from the dump: escape them wherever they are written. */
#ifndef MEMSCAPE_PATTERNS_H
#define MEMSCAPE_PATTERNS_H

#include "common.h"
#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How a pattern's findings rank: crashes, then problems worth a look, then facts. */
typedef enum memscape_pattern_kind {
    MEMSCAPE_PATTERN_CRASH = 0,     /* the process died of it (exceptions, signals) */
    MEMSCAPE_PATTERN_PROBLEM,       /* a likely problem (leaks, spikes, pool exhaustion) */
    MEMSCAPE_PATTERN_CONTEXT        /* a fact that frames the analysis (manual dump, wow64) */
} memscape_pattern_kind;

typedef struct memscape_pattern {
    const char *id;                 /* "stack-overflow": lower case, digits and '-' */
    const char *name;               /* the catalogue's name: "Stack Overflow" */
    memscape_pattern_kind kind;
    const char *criterion;          /* one sentence: when memscape reports it */
} memscape_pattern;

/** Every pattern memscape knows, in a fixed order (ids are unique). */
MEMSCAPE_API const memscape_pattern *memscape_patterns(size_t *count);
/** The pattern with this id, or NULL. */
MEMSCAPE_API const memscape_pattern *memscape_pattern_find(const char *id);
/** A catalogue pattern's index in memscape_patterns() (below 32: it is the bit of the
 *  pattern in a volume's finding mask). */
MEMSCAPE_API size_t memscape_pattern_index(const memscape_pattern *pattern);

/** One value behind a finding: "code" = "0xc00000fd". */
typedef struct memscape_evidence {
    const char *key;                /* ASCII, from memscape itself */
    const char *value;              /* may hold bytes from the dump */
} memscape_evidence;

typedef struct memscape_finding {
    const memscape_pattern *pattern;
    int has_thread;
    uint32_t thread_id;
    int has_address;
    uint64_t address;
    const char *module;             /* the module's name (from the dump), or NULL */
    const memscape_evidence *evidence;
    size_t evidence_count;
} memscape_finding;

typedef struct memscape_findings memscape_findings;

typedef struct memscape_detect_options {
    /** The problem vocabulary: a file of one word or phrase a line ('#' starts a comment);
     *  NULL: the built-in one. */
    const char *vocabulary_path;
    unsigned threads;               /* for detectors that read every byte; 0: one per CPU */
} memscape_detect_options;

/** Run every detector over space. Findings come in catalogue order, then in the order each
 *  detector finds them. opts may be NULL. Fails only for memory (ENOMEM) or an unreadable or
 *  malformed vocabulary file (EIO, EFORMAT naming the line); never for what the dump holds.
 *  On success *out is the caller's (memscape_findings_free()); it borrows space's strings, so
 *  space must outlive it. */
MEMSCAPE_API memscape_status memscape_detect(memscape_findings **out,
                                             const memscape_space *space,
                                             const memscape_detect_options *opts,
                                             memscape_error *err);
MEMSCAPE_API const memscape_finding *memscape_findings_items(const memscape_findings *findings,
                                                             size_t *count);
MEMSCAPE_API void memscape_findings_free(memscape_findings *findings); /* accepts NULL */

/** Where in space a finding is, for placing its icon: [*lo, *hi) is its address (one byte),
 *  else its thread's stack, else its module's image. Returns 0 when it concerns the process
 *  as a whole (a manual dump, a handle leak) or its place is unknown. The middle of the range
 *  is the point to mark; the whole range is what the finding concerns. */
MEMSCAPE_API int memscape_finding_place(const memscape_space *space,
                                        const memscape_finding *finding, uint64_t *lo,
                                        uint64_t *hi);

#ifdef __cplusplus
}
#endif

#endif /* MEMSCAPE_PATTERNS_H */
