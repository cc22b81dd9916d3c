/* SPDX-License-Identifier: MIT */
/* The WinDbg log reader's shared state: one pass over the lines, a section per command.
 *
 * A prompt line ("0: kd> !vm") opens the section of its command; a few headers open theirs
 * without one ("*** Virtual Memory Usage ***", "start end module name", "Pool Used:"), so that
 * output pasted without its prompt is read too. Within a section each line is read by that
 * command's parser; lines it does not know are text around the output and are skipped. */
#ifndef MEMSCAPE_WINDBG_INTERNAL_H
#define MEMSCAPE_WINDBG_INTERNAL_H

#include "readers/reader.h"
#include "windbg_text.h"

typedef enum wdb_section {
    WDB_SECTION_NONE = 0,   /* text around the commands, or a command memscape does not read */
    WDB_SECTION_VM,         /* !vm */
    WDB_SECTION_POOL,       /* !poolused */
    WDB_SECTION_MODULES,    /* lm, lmv */
    WDB_SECTION_THREADS     /* ~, ~*kv, !thread, !process */
} wdb_section;

/* A !poolused table's columns: which pools, and where Allocs/Diff/Used sit in each group. */
#define WDB_POOL_MAX_POOLS 2
#define WDB_POOL_MAX_COLUMNS 8

typedef enum wdb_pool_kind { WDB_POOL_NONPAGED = 0, WDB_POOL_PAGED } wdb_pool_kind;

typedef struct wdb_pool_layout {
    wdb_pool_kind pools[WDB_POOL_MAX_POOLS];
    size_t pool_count;               /* from a "NonPaged Paged" line, or 0 */
    size_t per_pool;                 /* columns per pool from the "Tag ..." header, or 0 */
    size_t allocs_column;            /* within a group: Diff if printed, else Allocs */
    size_t used_column;
} wdb_pool_layout;

typedef struct wdb_parser {
    memscape_space *space;
    memscape_error *err;
    uint64_t line_offset;            /* of the line being read, for messages */
    wdb_section section;
    size_t facts;                    /* counters, tags, modules, threads read */

    /* addresses seen: the pointer size follows from them */
    int saw_address;
    int wide_address;

    /* !vm */
    int in_page_file;                /* after "Page File:", its Maximum counts */

    /* !poolused */
    wdb_pool_layout pool;

    /* lm: the module being read, kept until its lmv details end */
    int unloaded;                    /* after "Unloaded modules:" */
    int has_pending;
    memscape_module pending;
    uint64_t pending_offset;         /* its line, for messages */
    wdb_index modules_by_base;

    /* threads */
    wdb_index threads_by_id;
    uint32_t current_thread;         /* index of the thread later lines describe, or NO_INDEX */
    int want_sp;                     /* a Child-SP header was read: the next frame gives SP */
    int frames_numbered;             /* the header starts with '#': frames start with a number */
} wdb_parser;

/** Fail the parse at the current line. */
memscape_status wdb_fail(wdb_parser *p, memscape_status code, const char *fmt, ...)
    MEMSCAPE_PRINTF(3, 4);
/** Note an address seen, for the pointer size. */
void wdb_saw_address(wdb_parser *p, uint64_t value, unsigned digits);
/** Copy text into the space; NULL (and the parse fails) when the string budget is spent. */
const char *wdb_keep(wdb_parser *p, wdb_span text);

/* windbg_pool.c */
memscape_status wdb_vm_line(wdb_parser *p, wdb_span line);
void wdb_pool_begin(wdb_parser *p);
memscape_status wdb_pool_line(wdb_parser *p, wdb_span line);

/* windbg_lists.c */
/** Is this "start end module name", the header of lm's table? */
int wdb_is_module_header(wdb_span line);
memscape_status wdb_module_line(wdb_parser *p, wdb_span line, int *consumed);
/** Store the module being read (at a new module, a new section, the end). */
memscape_status wdb_module_finish(wdb_parser *p);
/** A line naming a thread ("  0  Id: 1a2c.1b3c Suspend: 1 Teb: ...", "THREAD fffffa80...
 *  Cid 02a0.7498 Teb: ..."), read in any section. *consumed says whether it was one. */
memscape_status wdb_thread_header(wdb_parser *p, wdb_span line, int *consumed);
/** A line about the current thread: stack Base/Limit, Child-SP frames, start address. */
memscape_status wdb_thread_line(wdb_parser *p, wdb_span line);

#endif /* MEMSCAPE_WINDBG_INTERNAL_H */
