/* SPDX-License-Identifier: MIT */
/* !vm and !poolused output (WinDbg's kdexts), as the debugger prints it:
 *
 *   !vm:   "Name: pages ( kb Kb)"              NonPagedPool Usage:  650867425 (2603469700 Kb)
 *          "Name: kb Kb [Name: kb Kb]"         Minimum: 33856856 Kb  Maximum: 46364420 Kb
 *          "Page File: path"                   starts a page file: its Maximum is summed
 *          "***** text *****"                  a banner: "Excessive NonPaged Pool Usage"
 *          "***** N pool allocations have failed *****", "... Pool Failures: N"
 *   !poolused: "NonPaged Paged" (the pools), "Tag Allocs Used Allocs Used" (or, verbose,
 *          "Allocs Frees Diff Used" per pool), then one row a tag: "File 2 1056 0 0 desc".
 *
 * Every counter is kept under its name as printed (runs of blanks made one space), banners
 * with no numbers. Numbers past 64 bits are refused; nothing else about them is trusted. */
#include <string.h>

#include "windbg_internal.h"

#define MAX_COUNTER_NAME 64u

/* ---- !vm ----------------------------------------------------------------------------------- */

static int is_name_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == ' ' || c == '\t' || c == '-' || c == '_' || c == '/' || c == '(' || c == ')' ||
           c == '.';
}

/* A counter's name with runs of blanks made one space, into buf; 0 when it is not one. */
static size_t counter_name(wdb_span name, char *buf)
{
    name = wdb_trim(name);
    if (name.n == 0 || name.n > MAX_COUNTER_NAME ||
        !((name.p[0] >= 'a' && name.p[0] <= 'z') || (name.p[0] >= 'A' && name.p[0] <= 'Z')))
        return 0;
    size_t len = 0;
    for (size_t i = 0; i < name.n;) {
        size_t blank = wdb_blank_width(name.p + i, name.n - i);
        if (!blank && !is_name_byte(name.p[i]))
            return 0;
        /* The first byte is a letter, so a blank always follows something. */
        if (!blank)
            buf[len++] = name.p[i];
        else if (buf[len - 1] != ' ')
            buf[len++] = ' ';
        i += blank ? blank : 1;
    }
    return len;
}

static memscape_status add_counter(wdb_parser *p, wdb_span name, uint64_t pages, uint64_t kb)
{
    const char *kept = wdb_keep(p, name);
    if (!kept)
        return wdb_fail(p, MEMSCAPE_ENOMEM, "!vm: no memory for the counter name");
    memscape_status st = memscape_space_add_vm_counter(p->space, kept, pages, kb);
    if (st != MEMSCAPE_OK)
        return wdb_fail(p, st, "!vm: counter %s: %s", kept,
                        st == MEMSCAPE_ELIMIT ? "more counters than memscape keeps"
                                              : memscape_strerror(st));
    p->facts++;
    return MEMSCAPE_OK;
}

static memscape_status too_big(wdb_parser *p, const char *what, wdb_span number)
{
    int shown = number.n > 40 ? 40 : (int)number.n;
    return wdb_fail(p, MEMSCAPE_EOVERFLOW, "%s: %.*s%s does not fit in 64 bits", what, shown,
                    number.p, number.n > 40 ? "..." : "");
}

/* "***** N pool allocations have failed *****" or any other banner. */
static memscape_status vm_banner(wdb_parser *p, wdb_span t)
{
    for (t = wdb_trim(t); t.n && t.p[0] == '*'; t = wdb_trim(t))
        t = wdb_skip(t, 1);
    for (t = wdb_trim(t); t.n && t.p[t.n - 1] == '*'; t = wdb_trim(t))
        t.n--;
    char name[MAX_COUNTER_NAME];
    size_t len = counter_name(t, name);
    wdb_span rest = t;
    wdb_span first = wdb_token(&rest);
    uint64_t count;
    wdb_number r = wdb_decimal(first, &count);
    if (r == WDB_NUMBER_TOO_BIG)
        return too_big(p, "!vm", first);
    if (r == WDB_NUMBER_OK && wdb_equals(wdb_trim(rest), "pool allocations have failed")) {
        memscape_space_add_failed_allocations(p->space, count);
        p->facts++;
        return MEMSCAPE_OK;
    }
    return len ? add_counter(p, (wdb_span){name, len}, 0, 0) : MEMSCAPE_OK;
}

static int ends_with(wdb_span s, const char *suffix)
{
    size_t n = strlen(suffix);
    return s.n >= n && memcmp(s.p + s.n - n, suffix, n) == 0;
}

/* One "Name: number ..." pair at the start of *rest; *rest moves past it. *more says whether
 * another pair may follow on the line. */
static memscape_status vm_pair(wdb_parser *p, wdb_span *rest, int *more)
{
    *more = 0;
    size_t colon = wdb_find(*rest, ":");
    if (colon == SIZE_MAX)
        return MEMSCAPE_OK;
    char buf[MAX_COUNTER_NAME];
    size_t len = counter_name((wdb_span){rest->p, colon}, buf);
    if (len == 0)
        return MEMSCAPE_OK;
    wdb_span name = {buf, len};
    *rest = wdb_skip(*rest, colon + 1);
    if (wdb_equals(name, "Page File")) {
        p->in_page_file = 1;
        return MEMSCAPE_OK;
    }
    wdb_span number = wdb_token(rest);
    uint64_t n;
    wdb_number r = wdb_decimal(number, &n);
    if (r == WDB_NUMBER_TOO_BIG)
        return too_big(p, "!vm", number);
    if (r != WDB_NUMBER_OK)
        return MEMSCAPE_OK; /* "Session ID 0 @ ...:", prose: not a counter */
    if (ends_with(name, "Failures")) {
        memscape_space_add_failed_allocations(p->space, n);
        p->facts++;
        return MEMSCAPE_OK;
    }
    wdb_span after = wdb_trim(*rest);
    if (after.n && after.p[0] == '(') {
        /* "pages ( kb Kb)": the parenthesis may touch the number or not. */
        wdb_span inner = wdb_skip(after, 1);
        wdb_span kb_token = wdb_token(&inner);
        uint64_t kb;
        r = wdb_decimal(kb_token, &kb);
        if (r == WDB_NUMBER_TOO_BIG)
            return too_big(p, "!vm", kb_token);
        wdb_span unit = wdb_token(&inner);
        if (r != WDB_NUMBER_OK || !wdb_starts(unit, "Kb"))
            return MEMSCAPE_OK;
        *rest = inner;
        return add_counter(p, name, n, kb);
    }
    wdb_span probe = *rest;
    if (wdb_starts(wdb_token(&probe), "Kb")) {
        *rest = probe;
        *more = 1;
        if (p->in_page_file && wdb_equals(name, "Maximum"))
            memscape_space_add_page_file(p->space, n);
        return add_counter(p, name, 0, n);
    }
    return add_counter(p, name, n, 0);
}

memscape_status wdb_vm_line(wdb_parser *p, wdb_span t)
{
    if (t.p[0] == '*')
        return vm_banner(p, t);
    wdb_span rest = t;
    int more = 1;
    memscape_status st = MEMSCAPE_OK;
    for (int pairs = 0; more && st == MEMSCAPE_OK && pairs < 4; pairs++)
        st = vm_pair(p, &rest, &more);
    return st;
}

/* ---- !poolused ----------------------------------------------------------------------------- */

void wdb_pool_begin(wdb_parser *p)
{
    p->pool = (wdb_pool_layout){0};
}

/* "NonPaged", "Paged", "NonPaged Paged": which pools the table shows, in order. */
static int read_pools(wdb_parser *p, wdb_span t)
{
    wdb_pool_kind pools[WDB_POOL_MAX_POOLS];
    size_t count = 0;
    for (wdb_span tok = wdb_token(&t); tok.n; tok = wdb_token(&t)) {
        if (count == WDB_POOL_MAX_POOLS)
            return 0;
        if (wdb_equals(tok, "NonPaged"))
            pools[count++] = WDB_POOL_NONPAGED;
        else if (wdb_equals(tok, "Paged"))
            pools[count++] = WDB_POOL_PAGED;
        else
            return 0;
    }
    memcpy(p->pool.pools, pools, sizeof pools);
    p->pool.pool_count = count;
    return 1;
}

/* "Tag Allocs Used Allocs Used" or "Tag Allocs Frees Diff Used [...]": the columns. */
static void read_columns(wdb_parser *p, wdb_span rest)
{
    wdb_span names[WDB_POOL_MAX_COLUMNS];
    size_t count = 0, groups = 0;
    for (wdb_span tok = wdb_token(&rest); tok.n; tok = wdb_token(&rest)) {
        if (count == WDB_POOL_MAX_COLUMNS)
            return;
        names[count++] = tok;
        groups += wdb_equals(tok, "Used");
    }
    if (groups == 0 || groups > WDB_POOL_MAX_POOLS || count % groups != 0)
        return;
    size_t per_pool = count / groups, allocs = SIZE_MAX, used = SIZE_MAX;
    for (size_t i = 0; i < per_pool; i++) {
        if (wdb_equals(names[i], "Diff") || (wdb_equals(names[i], "Allocs") && allocs == SIZE_MAX))
            allocs = i;
        if (wdb_equals(names[i], "Used"))
            used = i;
    }
    if (allocs == SIZE_MAX || used == SIZE_MAX)
        return;
    p->pool.per_pool = per_pool;
    p->pool.allocs_column = allocs;
    p->pool.used_column = used;
    if (p->pool.pool_count != groups) {
        p->pool.pools[0] = WDB_POOL_NONPAGED;
        p->pool.pools[1] = WDB_POOL_PAGED;
        p->pool.pool_count = groups;
    }
}

/* Without a header: two numbers a pool (Allocs Used) or, verbose, four (Allocs Frees Diff
 * Used); one pool or both. */
static int guess_columns(wdb_pool_layout *layout, size_t numbers)
{
    static const struct {
        size_t numbers, per_pool, groups, allocs, used;
    } shapes[] = {{4, 2, 2, 0, 1}, {8, 4, 2, 2, 3}, {2, 2, 1, 0, 1}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        if (shapes[i].numbers != numbers)
            continue;
        layout->per_pool = shapes[i].per_pool;
        layout->allocs_column = shapes[i].allocs;
        layout->used_column = shapes[i].used;
        if (layout->pool_count != shapes[i].groups) {
            layout->pools[0] = WDB_POOL_NONPAGED;
            layout->pools[1] = WDB_POOL_PAGED;
            layout->pool_count = shapes[i].groups;
        }
        return 1;
    }
    return 0;
}

static int is_tag(wdb_span tok)
{
    if (tok.n == 0 || tok.n > 4)
        return 0;
    for (size_t i = 0; i < tok.n; i++)
        if ((unsigned char)tok.p[i] < 0x21u || (unsigned char)tok.p[i] == 0x7fu)
            return 0;
    return 1;
}

static memscape_status add_tag(wdb_parser *p, wdb_span tag, const uint64_t *numbers,
                               wdb_pool_layout layout, wdb_span description)
{
    memscape_pool_tag t = {.tag = "    "};
    memcpy(t.tag, tag.p, tag.n);
    for (size_t g = 0; g < layout.pool_count; g++) {
        uint64_t allocs = numbers[g * layout.per_pool + layout.allocs_column];
        uint64_t bytes = numbers[g * layout.per_pool + layout.used_column];
        if (layout.pools[g] == WDB_POOL_NONPAGED) {
            t.nonpaged_allocs = allocs;
            t.nonpaged_bytes = bytes;
        } else {
            t.paged_allocs = allocs;
            t.paged_bytes = bytes;
        }
    }
    description = wdb_trim(description);
    if (description.n) {
        t.description = wdb_keep(p, description);
        if (!t.description)
            return wdb_fail(p, MEMSCAPE_ENOMEM, "!poolused: no memory for a description");
    }
    memscape_status st = memscape_space_add_pool_tag(p->space, &t);
    if (st != MEMSCAPE_OK)
        return wdb_fail(p, st, "!poolused: tag %s: %s", t.tag,
                        st == MEMSCAPE_ELIMIT ? "more tags than limits.max_annotations"
                                              : memscape_strerror(st));
    p->facts++;
    return MEMSCAPE_OK;
}

memscape_status wdb_pool_line(wdb_parser *p, wdb_span t)
{
    if (wdb_starts(t, "Sorting by") || read_pools(p, t))
        return MEMSCAPE_OK;
    wdb_span rest = t;
    wdb_span tag = wdb_token(&rest);
    if (wdb_equals(tag, "Tag")) {
        read_columns(p, rest);
        return MEMSCAPE_OK;
    }
    if (!is_tag(tag))
        return MEMSCAPE_OK;
    uint64_t numbers[WDB_POOL_MAX_COLUMNS];
    size_t count = 0;
    wdb_span after = rest;
    for (;;) {
        wdb_span probe = after;
        wdb_span tok = wdb_token(&probe);
        uint64_t v;
        wdb_number r = wdb_decimal(tok, &v);
        if (r == WDB_NUMBER_TOO_BIG)
            return too_big(p, "!poolused", tok);
        if (r != WDB_NUMBER_OK)
            break;
        if (count == WDB_POOL_MAX_COLUMNS)
            return MEMSCAPE_OK; /* more numbers than any table has: not a row */
        numbers[count++] = v;
        after = probe;
    }
    wdb_pool_layout layout = p->pool;
    if (layout.per_pool == 0 && !guess_columns(&layout, count))
        return MEMSCAPE_OK;
    if (count != layout.per_pool * layout.pool_count)
        return MEMSCAPE_OK; /* "TOTAL", a sentence: not a tag's row */
    return add_tag(p, tag, numbers, layout, after);
}
