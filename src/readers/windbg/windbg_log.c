/* SPDX-License-Identifier: MIT */
/* WinDbg session logs: the text of a debugging session (a .logopen file, a copied console, a
 * blog post quoting one) read for what it says about memory: !vm's counters, !poolused's pool
 * tags, lm's modules and the thread listings of ~, ~*kv, !thread and !process.
 *
 * A log holds no memory bytes: modules, stacks and TEBs become layout regions that were not
 * captured. The format is found by content: a prompt at the start of a line, or a header the
 * debugger prints, in text without NUL bytes. UTF-16 logs (.logopen /u) are not read. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/cursor.h"
#include "windbg_internal.h"

/* The probe reads at most this much: a log quoted in a page starts within it. */
#define PROBE_WINDOW (64u * 1024u)
/* The longest line read. Debugger output lines are short; a longer one is not a log's. */
#define MAX_LINE (64u * 1024u)
#define TEB_SIZE 0x1000u

static const char *const log_headers[] = {
    "Microsoft (R) Windows Debugger",
    "*** Virtual Memory Usage ***",
    "Loading Dump File",
    "Opened log file",
};

/* ---- shared helpers ------------------------------------------------------------------------ */

memscape_status wdb_fail(wdb_parser *p, memscape_status code, const char *fmt, ...)
{
    char msg[sizeof p->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return memscape_fail(p->err, code, p->line_offset, "%s", msg);
}

void wdb_saw_address(wdb_parser *p, uint64_t value, unsigned digits)
{
    p->saw_address = 1;
    if (value > UINT32_MAX || digits > 8)
        p->wide_address = 1;
}

const char *wdb_keep(wdb_parser *p, wdb_span text)
{
    return memscape_space_strdup(p->space, text.p, text.n);
}

/* ---- probe --------------------------------------------------------------------------------- */

static int is_log_header(wdb_span line)
{
    wdb_span t = wdb_trim(line);
    for (size_t i = 0; i < sizeof log_headers / sizeof log_headers[0]; i++)
        if (wdb_starts(t, log_headers[i]))
            return 1;
    return 0;
}

static int windbg_probe(const uint8_t *data, uint64_t size)
{
    /* Binary dumps belong to their readers even when their probes refuse them. */
    static const char *const magics[] = {"MDMP", "\177ELF", "PAGE"};
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
        if (size >= 4 && memcmp(data, magics[i], 4) == 0)
            return 0;
    size_t window = size < PROBE_WINDOW ? (size_t)size : PROBE_WINDOW;
    const char *text = (const char *)data;
    size_t pos = 0;
    while (pos < window) {
        const char *nl = memchr(text + pos, '\n', window - pos);
        size_t end = nl ? (size_t)(nl - text) : window;
        wdb_span line = {text + pos, end - pos};
        /* Text only: a NUL before any prompt says binary data. */
        if (memchr(line.p, '\0', line.n))
            return 0;
        if (wdb_prompt(line, NULL) || is_log_header(line))
            return 1;
        pos = end + 1;
    }
    return 0;
}

/* ---- sections ------------------------------------------------------------------------------ */

static int token_is(wdb_span token, const char *name)
{
    return token.n == strlen(name) && wdb_find_nocase(token, name) == 0;
}

/* "lm", "lmv", "lmDvm", "lmf": every letters-only command starting with lm. */
static int is_lm_command(wdb_span token)
{
    if (token.n < 2 || (token.p[0] != 'l' && token.p[0] != 'L') ||
        (token.p[1] != 'm' && token.p[1] != 'M'))
        return 0;
    for (size_t i = 2; i < token.n; i++) {
        char c = token.p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return 0;
    }
    return 1;
}

static memscape_status begin_section(wdb_parser *p, wdb_section section)
{
    memscape_status st = wdb_module_finish(p);
    p->section = section;
    p->in_page_file = 0;
    p->unloaded = 0;
    p->want_sp = 0;
    if (section == WDB_SECTION_POOL)
        wdb_pool_begin(p);
    if (section == WDB_SECTION_THREADS)
        p->current_thread = MEMSCAPE_NO_INDEX;
    return st;
}

static memscape_status begin_command(wdb_parser *p, wdb_span command)
{
    wdb_span rest = command;
    wdb_span name = wdb_token(&rest);
    if (token_is(name, "!vm"))
        return begin_section(p, WDB_SECTION_VM);
    if (token_is(name, "!poolused"))
        return begin_section(p, WDB_SECTION_POOL);
    if (is_lm_command(name))
        return begin_section(p, WDB_SECTION_MODULES);
    if ((name.n && name.p[0] == '~') || token_is(name, "!thread") || token_is(name, "!process"))
        return begin_section(p, WDB_SECTION_THREADS);
    return begin_section(p, WDB_SECTION_NONE);
}

/* ---- system -------------------------------------------------------------------------------- */

static memscape_arch arch_named(wdb_span token)
{
    if (token_is(token, "x64") || token_is(token, "amd64"))
        return MEMSCAPE_ARCH_AMD64;
    if (token_is(token, "x86"))
        return MEMSCAPE_ARCH_X86;
    if (token_is(token, "arm64"))
        return MEMSCAPE_ARCH_ARM64;
    if (token_is(token, "arm"))
        return MEMSCAPE_ARCH_ARM;
    return MEMSCAPE_ARCH_UNKNOWN;
}

/* The debugger's system line, from the banner or `version`:
 * "Windows 7 Kernel Version 7601 (Service Pack 1) MP (8 procs) Free x64". */
static void read_system_line(wdb_parser *p, wdb_span t)
{
    memscape_system *sys = &p->space->system;
    if (sys->os_build || !wdb_starts(t, "Windows "))
        return;
    size_t at = wdb_find(t, " Version ");
    if (at == SIZE_MAX)
        return;
    wdb_span rest = wdb_skip(t, at + strlen(" Version "));
    uint64_t build;
    if (wdb_decimal(wdb_token(&rest), &build) != WDB_NUMBER_OK || build > UINT32_MAX)
        return;
    memscape_arch arch = MEMSCAPE_ARCH_UNKNOWN;
    uint64_t procs = 0;
    for (wdb_span tok = wdb_token(&rest); tok.n; tok = wdb_token(&rest)) {
        if ((token_is(tok, "Free") || token_is(tok, "Checked")) && arch == MEMSCAPE_ARCH_UNKNOWN)
            arch = arch_named(wdb_token(&rest));
        else if (token_is(tok, "UP"))
            procs = 1;
        else if (tok.n > 1 && tok.p[0] == '(')
            (void)wdb_decimal(wdb_skip(tok, 1), &procs); /* "(8 procs)"; else unchanged */
    }
    if (arch == MEMSCAPE_ARCH_UNKNOWN)
        return; /* a sentence that only mentions a version */
    sys->os_build = (uint32_t)build;
    sys->arch = arch;
    if (procs && procs <= UINT32_MAX)
        sys->cpu_count = (uint32_t)procs;
}

/* ---- lines --------------------------------------------------------------------------------- */

static memscape_status read_line(wdb_parser *p, wdb_span line)
{
    wdb_span command;
    if (wdb_prompt(line, &command))
        return begin_command(p, command);
    wdb_span t = wdb_trim(line);
    if (t.n == 0)
        return MEMSCAPE_OK;
    if (wdb_starts(t, "*** Virtual Memory Usage"))
        return begin_section(p, WDB_SECTION_VM);
    if (wdb_equals(t, "Pool Used:"))
        return begin_section(p, WDB_SECTION_POOL);
    if (wdb_is_module_header(t))
        return begin_section(p, WDB_SECTION_MODULES);
    read_system_line(p, t);
    int consumed = 0;
    memscape_status st = wdb_thread_header(p, t, &consumed);
    if (st != MEMSCAPE_OK || consumed)
        return st;
    switch (p->section) {
    case WDB_SECTION_VM:
        return wdb_vm_line(p, t);
    case WDB_SECTION_POOL:
        return wdb_pool_line(p, t);
    case WDB_SECTION_MODULES:
        st = wdb_module_line(p, line, &consumed);
        /* Prose after the table ends it: its lines are no module's details. */
        if (st == MEMSCAPE_OK && !consumed)
            st = begin_section(p, WDB_SECTION_NONE);
        return st;
    case WDB_SECTION_THREADS:
        return wdb_thread_line(p, t);
    case WDB_SECTION_NONE:
        break;
    }
    return MEMSCAPE_OK;
}

static memscape_status read_lines(wdb_parser *p, const char *text, uint64_t size)
{
    uint64_t pos = 0;
    if (size >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* a UTF-8 byte order mark */
    while (pos < size) {
        uint64_t left = size - pos;
        size_t look = left > MAX_LINE + 1 ? MAX_LINE + 1 : (size_t)left;
        const char *nl = memchr(text + pos, '\n', look);
        size_t len = nl ? (size_t)(nl - (text + pos)) : look;
        p->line_offset = pos;
        if (len > MAX_LINE)
            return wdb_fail(p, MEMSCAPE_ELIMIT, "a line of more than %u bytes: not a debugger "
                            "log", MAX_LINE);
        const char *nul = memchr(text + pos, '\0', len);
        if (nul) {
            p->line_offset = pos + (uint64_t)(nul - (text + pos));
            return wdb_fail(p, MEMSCAPE_EFORMAT, "a NUL byte: binary data, not a text log");
        }
        memscape_status st = read_line(p, (wdb_span){text + pos, len});
        if (st != MEMSCAPE_OK)
            return st;
        pos += len + (nl ? 1 : 0);
    }
    p->line_offset = size;
    return wdb_module_finish(p);
}

/* ---- layout -------------------------------------------------------------------------------- */

static memscape_status add_region(wdb_parser *p, uint64_t base, uint64_t size, memscape_type type,
                                  memscape_usage usage, const char *name)
{
    size = memscape_end_clamped(base, size) - base;
    if (size == 0)
        return MEMSCAPE_OK;
    memscape_region r = {.base = base, .size = size, .allocation_base = base,
                         .file_offset = MEMSCAPE_NO_OFFSET, .state = MEMSCAPE_STATE_COMMITTED,
                         .type = type, .protect = MEMSCAPE_PROT_NONE, .usage = usage,
                         .module_index = MEMSCAPE_NO_INDEX, .thread_index = MEMSCAPE_NO_INDEX,
                         .name = name};
    memscape_status st = memscape_space_add_layout(p->space, &r);
    if (st != MEMSCAPE_OK)
        return wdb_fail(p, st, "layout: more than %u regions (limits.max_regions)",
                        p->space->limits.max_regions);
    return MEMSCAPE_OK;
}

/* What the log places in memory, none of it captured: module images, stacks, TEBs. The
 * merge marks them not captured and cuts overlaps (the later entry loses). */
static memscape_status add_layout(wdb_parser *p)
{
    const memscape_module *m = p->space->modules.items;
    memscape_status st = MEMSCAPE_OK;
    for (size_t i = 0; i < p->space->modules.count && st == MEMSCAPE_OK; i++)
        st = add_region(p, m[i].base, m[i].size, MEMSCAPE_TYPE_IMAGE, MEMSCAPE_USAGE_IMAGE,
                        m[i].name);
    const memscape_thread *t = p->space->threads.items;
    for (size_t i = 0; i < p->space->threads.count && st == MEMSCAPE_OK; i++) {
        if (t[i].stack_size)
            st = add_region(p, t[i].stack_base, t[i].stack_size, MEMSCAPE_TYPE_PRIVATE,
                            MEMSCAPE_USAGE_STACK, NULL);
        if (st == MEMSCAPE_OK && t[i].teb)
            st = add_region(p, t[i].teb, TEB_SIZE, MEMSCAPE_TYPE_PRIVATE, MEMSCAPE_USAGE_TEB,
                            NULL);
    }
    return st;
}

static memscape_status windbg_open(memscape_space *space, const memscape_open_options *opts,
                                   memscape_error *err)
{
    (void)opts;
    wdb_parser p = {.space = space, .err = err, .current_thread = MEMSCAPE_NO_INDEX};
    space->system.format = MEMSCAPE_FORMAT_WINDBG_LOG;
    space->system.os = MEMSCAPE_OS_WINDOWS;
    memscape_cursor c;
    memscape_cursor_init(&c, space->file, space->file_size, 0);
    const uint8_t *text = memscape_cursor_ptr(&c, 0, space->file_size);
    memscape_status st = text ? read_lines(&p, (const char *)text, space->file_size)
                              : memscape_fail(err, MEMSCAPE_EFORMAT, 0, "empty file");
    if (st == MEMSCAPE_OK && p.facts == 0)
        st = memscape_fail(err, MEMSCAPE_EFORMAT, 0,
                           "a debugger log without !vm, !poolused, lm or thread listings: "
                           "nothing to read");
    if (st == MEMSCAPE_OK) {
        space->system.pointer_size = p.wide_address ? 8u : p.saw_address ? 4u : 0u;
        st = add_layout(&p);
    }
    wdb_index_free(&p.modules_by_base);
    wdb_index_free(&p.threads_by_id);
    return st;
}

const memscape_reader memscape_reader_windbg_log = {"windbg", windbg_probe, windbg_open};
