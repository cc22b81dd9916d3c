/* SPDX-License-Identifier: MIT */
/* Kernel pool patterns from a WinDbg log's !vm and !poolused (the model's pool usage).
 *
 * excessive-pool-usage: a pool whose usage reaches its maximum (!vm's "NonPagedPool Usage" at
 * or above "NonPagedPool Max", "PagedPool Usage" at or above "PagedPool Maximum"), a pool for
 * which !vm printed its own "Excessive ... Pool Usage" banner, or pool allocations that failed;
 * the evidence names the pool's three largest tags from !poolused.
 *
 * inconsistent-counters: a usage counter that cannot be: more KiB than physical memory plus
 * the page files' maximum (or the commit limit, when larger) could ever hold, or committed
 * pages above twice the commit limit. Maximums, limits and free counts are sizes of address
 * space, not of memory: x64 Windows prints "PagedPool Maximum: ... (134217728 Kb)" and
 * "Free System PTEs: ... (134224880 Kb)" on machines with a few GiB, so they are never
 * compared. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "patterns/detector.h"
#include "util/checked.h"

#define TOP_TAGS 3u

typedef enum pool_kind { POOL_NONPAGED = 0, POOL_PAGED, POOL_ANY } pool_kind;

typedef struct pool_spec {
    const char *label;      /* evidence "pool" */
    const char *usage;      /* !vm counter names, as printed */
    const char *maximum;
} pool_spec;

static const pool_spec pool_specs[] = {
    [POOL_NONPAGED] = {"nonpaged", "NonPagedPool Usage", "NonPagedPool Max"},
    [POOL_PAGED] = {"paged", "PagedPool Usage", "PagedPool Maximum"},
};

/* ---- helpers --------------------------------------------------------------------------------- */

static int contains_nocase(const char *s, const char *needle)
{
    size_t n = strlen(needle);
    for (; *s; s++) {
        size_t k = 0;
        while (k < n && s[k] && (s[k] | 0x20) == (needle[k] | 0x20))
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

static uint64_t counter_kb(const memscape_space *space, const char *name)
{
    const memscape_vm_counter *c = memscape_space_vm_counter(space, name);
    return c ? c->kb : 0;
}

/* The pool an "Excessive ... Pool Usage" banner names. */
static pool_kind banner_pool(const char *banner)
{
    if (contains_nocase(banner, "nonpaged"))
        return POOL_NONPAGED;
    if (contains_nocase(banner, "paged"))
        return POOL_PAGED;
    return POOL_ANY;
}

static int is_excess_banner(const memscape_vm_counter *c)
{
    return c->pages == 0 && c->kb == 0 && strncmp(c->name, "Excessive", 9) == 0 &&
           contains_nocase(c->name, "pool");
}

/* The first banner !vm printed for this pool (POOL_ANY: for a pool neither of the others). */
static const char *excess_banner(const memscape_pool_usage *pool, pool_kind kind)
{
    for (size_t i = 0; i < pool->counter_count; i++)
        if (is_excess_banner(&pool->counters[i]) &&
            banner_pool(pool->counters[i].name) == kind)
            return pool->counters[i].name;
    return NULL;
}

static uint64_t tag_bytes(const memscape_pool_tag *t, pool_kind kind)
{
    if (kind == POOL_NONPAGED)
        return t->nonpaged_bytes;
    if (kind == POOL_PAGED)
        return t->paged_bytes;
    return memscape_end_clamped(t->nonpaged_bytes, t->paged_bytes);
}

/* ---- excessive-pool-usage ------------------------------------------------------------------- */

/* "Ntfr 2258704 bytes, File 1190960 bytes, ...": the largest tags in the pool. */
static void evidence_top_tags(memscape_detection *d, const memscape_pool_usage *pool,
                              pool_kind kind)
{
    size_t top[TOP_TAGS];
    size_t found = 0;
    for (size_t i = 0; i < pool->tag_count; i++) {
        uint64_t bytes = tag_bytes(&pool->tags[i], kind);
        if (bytes == 0)
            continue;
        /* Insertion into a list of three: one pass, whatever the tag count. */
        size_t at = found < TOP_TAGS ? found++ : TOP_TAGS;
        while (at > 0 && tag_bytes(&pool->tags[top[at - 1]], kind) < bytes) {
            if (at < TOP_TAGS)
                top[at] = top[at - 1];
            at--;
        }
        if (at < TOP_TAGS)
            top[at] = i;
    }
    if (found == 0)
        return;
    char text[3 * 48];
    size_t len = 0;
    for (size_t k = 0; k < found; k++) {
        const memscape_pool_tag *t = &pool->tags[top[k]];
        int n = snprintf(text + len, sizeof text - len, "%s%s %" PRIu64 " bytes", k ? ", " : "",
                         t->tag, tag_bytes(t, kind));
        if (n < 0 || (size_t)n >= sizeof text - len)
            break;
        len += (size_t)n;
    }
    memscape_detection_evidence(d, "top_tags", "%s", text);
}

static void report_excess(memscape_detection *d, const memscape_pool_usage *pool, pool_kind kind,
                          const char *reason)
{
    if (!memscape_detection_add(d, "excessive-pool-usage"))
        return;
    memscape_detection_evidence(d, "pool", "%s", kind == POOL_ANY ? "unknown"
                                                                 : pool_specs[kind].label);
    memscape_detection_evidence(d, "reason", "%s", reason);
    if (kind != POOL_ANY) {
        uint64_t usage = counter_kb(d->space, pool_specs[kind].usage);
        uint64_t maximum = counter_kb(d->space, pool_specs[kind].maximum);
        if (usage)
            memscape_detection_evidence(d, "usage_kb", "%" PRIu64, usage);
        if (maximum)
            memscape_detection_evidence(d, "max_kb", "%" PRIu64, maximum);
    }
    if (pool->failed_allocations)
        memscape_detection_evidence(d, "failed_allocations", "%" PRIu64,
                                    pool->failed_allocations);
    evidence_top_tags(d, pool, kind);
}

static void detect_excessive_pool_usage(memscape_detection *d)
{
    const memscape_pool_usage *pool = memscape_space_pool(d->space);
    if (!pool->present)
        return;
    int reported = 0;
    for (pool_kind kind = POOL_NONPAGED; kind <= POOL_PAGED; kind++) {
        uint64_t usage = counter_kb(d->space, pool_specs[kind].usage);
        uint64_t maximum = counter_kb(d->space, pool_specs[kind].maximum);
        const char *banner = excess_banner(pool, kind);
        if (maximum && usage >= maximum)
            report_excess(d, pool, kind, "usage reaches the maximum");
        else if (banner)
            report_excess(d, pool, kind, banner);
        else
            continue;
        reported = 1;
    }
    const char *other = excess_banner(pool, POOL_ANY);
    if (other)
        report_excess(d, pool, POOL_ANY, other);
    else if (!reported && pool->failed_allocations)
        report_excess(d, pool, POOL_ANY, "pool allocations failed");
}

/* ---- inconsistent-counters ------------------------------------------------------------------ */

/* Counters of memory in use. Maximums, limits, free counts and PTEs measure address space;
 * a page file's own lines (Current, Minimum, Maximum, Free Space) measure the file. */
static int is_usage_counter(const char *name)
{
    static const char *const not_usage[] = {"max", "limit", "free", "pte", "physical memory"};
    static const char *const page_file_lines[] = {"Current", "Minimum", "Maximum"};
    for (size_t i = 0; i < sizeof not_usage / sizeof not_usage[0]; i++)
        if (contains_nocase(name, not_usage[i]))
            return 0;
    for (size_t i = 0; i < sizeof page_file_lines / sizeof page_file_lines[0]; i++)
        if (strcmp(name, page_file_lines[i]) == 0)
            return 0;
    return 1;
}

static void report_counter(memscape_detection *d, const memscape_vm_counter *c,
                           const char *reason, const char *bound_key, uint64_t bound_kb)
{
    if (!memscape_detection_add(d, "inconsistent-counters"))
        return;
    memscape_detection_evidence(d, "counter", "%s", c->name);
    memscape_detection_evidence(d, "value_kb", "%" PRIu64, c->kb);
    memscape_detection_evidence(d, bound_key, "%" PRIu64, bound_kb);
    memscape_detection_evidence(d, "reason", "%s", reason);
}

static void detect_inconsistent_counters(memscape_detection *d)
{
    const memscape_pool_usage *pool = memscape_space_pool(d->space);
    if (!pool->present)
        return;
    uint64_t physical = counter_kb(d->space, "Physical Memory");
    uint64_t commit_limit = counter_kb(d->space, "Commit limit");
    uint64_t capacity = physical ? memscape_end_clamped(physical, pool->page_file_max_kb) : 0;
    if (commit_limit > capacity)
        capacity = commit_limit;
    int committed_reported = 0;
    for (size_t i = 0; capacity && i < pool->counter_count; i++) {
        const memscape_vm_counter *c = &pool->counters[i];
        if (c->kb <= capacity || !is_usage_counter(c->name))
            continue;
        report_counter(d, c, "more than physical memory plus page files can hold",
                       "capacity_kb", capacity);
        if (strcmp(c->name, "Committed pages") == 0)
            committed_reported = 1;
    }
    const memscape_vm_counter *committed = memscape_space_vm_counter(d->space, "Committed pages");
    /* Commit can pass its limit while a page file grows, never by as much again. */
    if (committed && commit_limit && !committed_reported && committed->kb / 2 > commit_limit)
        report_counter(d, committed, "more than twice the commit limit", "commit_limit_kb",
                       commit_limit);
}

const memscape_detector memscape_detectors_pool[] = {
    {"excessive-pool-usage", detect_excessive_pool_usage},
    {"inconsistent-counters", detect_inconsistent_counters},
};
const size_t memscape_detectors_pool_count =
    sizeof memscape_detectors_pool / sizeof memscape_detectors_pool[0];
