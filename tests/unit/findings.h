/* SPDX-License-Identifier: MIT */
/* The findings of a detection run as text the pattern tests compare: "id id ...". Header-only
 * (each unit test is a program of its own). */
#ifndef MEMSCAPE_TESTS_FINDINGS_H
#define MEMSCAPE_TESTS_FINDINGS_H

#include <string.h>

#include "memscape/patterns.h"

/* The ids of findings in order, space-separated, into buf; only the patterns listed in only
 * (NULL-terminated), or all of them when only is NULL. */
static inline const char *finding_ids(const memscape_findings *findings,
                                      const char *const *only, char *buf, size_t size)
{
    size_t n;
    const memscape_finding *f = memscape_findings_items(findings, &n);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int kept = only == NULL;
        for (size_t k = 0; only && only[k] && !kept; k++)
            kept = strcmp(only[k], f[i].pattern->id) == 0;
        if (!kept)
            continue;
        strncat(buf, buf[0] ? " " : "", size - strlen(buf) - 1);
        strncat(buf, f[i].pattern->id, size - strlen(buf) - 1);
    }
    return buf;
}

#endif /* MEMSCAPE_TESTS_FINDINGS_H */
