/* SPDX-License-Identifier: MIT */
/* lm's modules and the thread listings, as WinDbg prints them:
 *
 *   lm:     "start end module name", then "00000000`76de0000 00000000`76f5f000   ntdll
 *           (deferred)" [pdb path or image path]; "Unloaded modules:" starts the unloaded.
 *   lmv:    indented "Key: value" lines under a module: Image path, Timestamp (... (hex)),
 *           CheckSum, File version a.b.c.d, Symbol file.
 *   ~, ~*kv: "[.#]  0  Id: 1a2c.1b3c Suspend: 1 Teb: 000007ff`fffde000 Unfrozen" (pid.tid in
 *           hex), then frames under "Child-SP RetAddr ..." whose first Child-SP is the SP.
 *   !thread, !process: "THREAD fffffa80... Cid 02a0.7498 Teb: ... ", "Base X Limit Y" (the
 *           stack runs from Limit up to Base), "Win32 Start Address sym (0x...)", frames.
 *
 * The same module (base and size) or thread (id) listed again is merged, not repeated. */
#include <string.h>

#include "windbg_internal.h"

/* Addresses in lm's table have at least 8 digits: shorter numbers are prose. */
#define MIN_ADDRESS_DIGITS 8u

/* ---- addresses ----------------------------------------------------------------------------- */

/* A hex address token. *ok is 0 when it is not one; a number past 64 bits fails the parse. */
static memscape_status address(wdb_parser *p, wdb_span token, const char *what, uint64_t *value,
                               unsigned min_digits, int *ok)
{
    unsigned digits = 0;
    *ok = 0;
    wdb_number r = wdb_hex(token, value, &digits);
    if (r == WDB_NUMBER_TOO_BIG) {
        int shown = token.n > 40 ? 40 : (int)token.n;
        return wdb_fail(p, MEMSCAPE_EOVERFLOW, "%s: address %.*s does not fit in 64 bits", what,
                        shown, token.p);
    }
    if (r != WDB_NUMBER_OK || digits < min_digits)
        return MEMSCAPE_OK;
    wdb_saw_address(p, *value, digits);
    *ok = 1;
    return MEMSCAPE_OK;
}

/* The hex number inside the last "(...)" of s, e.g. "Fri May 13 21:45:21 2011 (4DCD9861)". */
static int parenthesised_hex(wdb_span s, uint64_t *value)
{
    size_t open = SIZE_MAX;
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] == '(')
            open = i;
    if (open == SIZE_MAX)
        return 0;
    wdb_span inner = wdb_skip(s, open + 1);
    size_t close = wdb_find(inner, ")");
    if (close == SIZE_MAX)
        return 0;
    inner.n = close;
    return wdb_hex(wdb_trim(inner), value, NULL) == WDB_NUMBER_OK;
}

/* ---- modules ------------------------------------------------------------------------------- */

int wdb_is_module_header(wdb_span line)
{
    static const char *const words[] = {"start", "end", "module", "name"};
    wdb_span rest = line;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!wdb_equals(wdb_token(&rest), words[i]))
            return 0;
    return 1;
}

static int ends_with_nocase(wdb_span s, const char *suffix)
{
    size_t n = strlen(suffix);
    return s.n >= n && wdb_find_nocase(wdb_skip(s, s.n - n), suffix) == 0;
}

/* Merge a module listed again (lm, then lmv m name) into the one kept. */
static void merge_module(memscape_module *kept, const memscape_module *m)
{
    if (strpbrk(m->name, "\\/") || !strpbrk(kept->name, "\\/"))
        kept->name = m->name;
    if (m->timestamp)
        kept->timestamp = m->timestamp;
    if (m->checksum)
        kept->checksum = m->checksum;
    if (m->has_version) {
        memcpy(kept->version, m->version, sizeof kept->version);
        kept->has_version = 1;
    }
    if (m->debug_file)
        kept->debug_file = m->debug_file;
}

memscape_status wdb_module_finish(wdb_parser *p)
{
    if (!p->has_pending)
        return MEMSCAPE_OK;
    p->has_pending = 0;
    memscape_space *space = p->space;
    memscape_status st;
    if (p->unloaded) {
        st = memscape_space_add_unloaded(space, &p->pending);
    } else {
        uint32_t at = wdb_index_get(&p->modules_by_base, p->pending.base);
        memscape_module *kept = at == UINT32_MAX ? NULL
                                                 : MEMSCAPE_VEC_AT(&space->modules,
                                                                   memscape_module, at);
        if (kept && kept->size == p->pending.size) {
            merge_module(kept, &p->pending);
            return MEMSCAPE_OK;
        }
        st = memscape_space_add_module(space, &p->pending);
        if (st == MEMSCAPE_OK)
            st = wdb_index_put(&p->modules_by_base, p->pending.base,
                               (uint32_t)(space->modules.count - 1));
    }
    if (st != MEMSCAPE_OK) {
        p->line_offset = p->pending_offset;
        return wdb_fail(p, st, "lm: module %s: %s", p->pending.name,
                        st == MEMSCAPE_ELIMIT ? "more modules than limits.max_modules"
                                              : memscape_strerror(st));
    }
    p->facts++;
    return MEMSCAPE_OK;
}

/* What follows the name on lm's line: "(deferred)", "(pdb symbols) c:\...\x.pdb", or lmf's
 * image path. */
static memscape_status module_tail(wdb_parser *p, wdb_span tail)
{
    tail = wdb_trim(tail);
    if (tail.n && tail.p[0] == '(') {
        size_t close = wdb_find(tail, ")");
        tail = close == SIZE_MAX ? (wdb_span){tail.p, 0} : wdb_trim(wdb_skip(tail, close + 1));
    }
    if (tail.n == 0 || !(wdb_find(tail, "\\") != SIZE_MAX || wdb_find(tail, "/") != SIZE_MAX))
        return MEMSCAPE_OK;
    const char *kept = wdb_keep(p, tail);
    if (!kept)
        return wdb_fail(p, MEMSCAPE_ENOMEM, "lm: no memory for a path");
    if (ends_with_nocase(tail, ".pdb"))
        p->pending.debug_file = kept;
    else
        p->pending.name = kept;
    return MEMSCAPE_OK;
}

static memscape_status start_module(wdb_parser *p, uint64_t start, uint64_t end, wdb_span name,
                                    wdb_span tail)
{
    memscape_status st = wdb_module_finish(p);
    if (st != MEMSCAPE_OK)
        return st;
    if (end <= start)
        return wdb_fail(p, MEMSCAPE_ECORRUPT, "lm: module %.*s ends at 0x%llx, not after its "
                        "start 0x%llx", name.n > 64 ? 64 : (int)name.n, name.p,
                        (unsigned long long)end, (unsigned long long)start);
    const char *kept = wdb_keep(p, name);
    if (!kept)
        return wdb_fail(p, MEMSCAPE_ENOMEM, "lm: no memory for a module name");
    p->pending = (memscape_module){.name = kept, .base = start, .size = end - start};
    p->has_pending = 1;
    p->pending_offset = p->line_offset;
    return module_tail(p, tail);
}

/* "6.0.6002.18446": four parts of at most 16 bits each. */
static void read_version(memscape_module *m, wdb_span value)
{
    uint16_t parts[4];
    for (size_t i = 0; i < 4; i++) {
        size_t dot = wdb_find(value, ".");
        wdb_span part = {value.p, i < 3 ? dot : value.n};
        if (i < 3 && dot == SIZE_MAX)
            return;
        wdb_span rest = part;
        uint64_t v;
        if (wdb_decimal(wdb_token(&rest), &v) != WDB_NUMBER_OK || v > UINT16_MAX)
            return;
        parts[i] = (uint16_t)v;
        value = i < 3 ? wdb_skip(value, dot + 1) : value;
    }
    memcpy(m->version, parts, sizeof parts);
    m->has_version = 1;
}

/* One of lmv's "Key: value" lines about the module being read. */
static memscape_status module_detail(wdb_parser *p, wdb_span t)
{
    size_t colon = wdb_find(t, ":");
    if (colon == SIZE_MAX || !p->has_pending)
        return MEMSCAPE_OK;
    wdb_span key = wdb_trim((wdb_span){t.p, colon});
    wdb_span value = wdb_trim(wdb_skip(t, colon + 1));
    uint64_t v;
    if (wdb_equals(key, "Image path") && value.n) {
        const char *kept = wdb_keep(p, value);
        if (!kept)
            return wdb_fail(p, MEMSCAPE_ENOMEM, "lm: no memory for an image path");
        p->pending.name = kept;
    } else if (wdb_equals(key, "Symbol file") && value.n) {
        p->pending.debug_file = wdb_keep(p, value);
        if (!p->pending.debug_file)
            return wdb_fail(p, MEMSCAPE_ENOMEM, "lm: no memory for a symbol file");
    } else if (wdb_equals(key, "Timestamp")) {
        if ((parenthesised_hex(value, &v) || wdb_hex(value, &v, NULL) == WDB_NUMBER_OK) &&
            v <= UINT32_MAX)
            p->pending.timestamp = (uint32_t)v;
    } else if (wdb_equals(key, "CheckSum")) {
        if (wdb_hex(value, &v, NULL) == WDB_NUMBER_OK && v <= UINT32_MAX)
            p->pending.checksum = (uint32_t)v;
    } else if (wdb_equals(key, "File version")) {
        read_version(&p->pending, value);
    }
    return MEMSCAPE_OK;
}

memscape_status wdb_module_line(wdb_parser *p, wdb_span line, int *consumed)
{
    wdb_span t = wdb_trim(line);
    *consumed = 1;
    if (wdb_starts(t, "Unloaded modules:")) {
        memscape_status st = wdb_module_finish(p);
        p->unloaded = 1;
        return st;
    }
    wdb_span rest = t;
    wdb_span first = wdb_token(&rest), second = wdb_token(&rest);
    uint64_t start, end;
    int ok_start = 0, ok_end = 0;
    memscape_status st = address(p, first, "lm", &start, MIN_ADDRESS_DIGITS, &ok_start);
    if (st == MEMSCAPE_OK && ok_start)
        st = address(p, second, "lm", &end, MIN_ADDRESS_DIGITS, &ok_end);
    if (st != MEMSCAPE_OK)
        return st;
    if (ok_start && ok_end) {
        wdb_span name = wdb_token(&rest);
        if (name.n)
            return start_module(p, start, end, name, rest);
    }
    /* lmv's details are indented "Key: value" lines; prose is neither. */
    int indented = wdb_blank_width(line.p, line.n) != 0;
    if (indented || wdb_find(t, ":") != SIZE_MAX)
        return module_detail(p, t);
    *consumed = 0;
    return MEMSCAPE_OK;
}

/* ---- threads ------------------------------------------------------------------------------- */

/* The thread with this id, added when new; it becomes the current one. */
static memscape_status use_thread(wdb_parser *p, uint32_t id, memscape_thread **out)
{
    memscape_space *space = p->space;
    uint32_t at = wdb_index_get(&p->threads_by_id, id);
    if (at == UINT32_MAX) {
        memscape_thread t = {.id = id};
        memscape_status st = memscape_space_add_thread(space, &t, NULL);
        if (st == MEMSCAPE_OK) {
            at = (uint32_t)(space->threads.count - 1);
            st = wdb_index_put(&p->threads_by_id, id, at);
        }
        if (st != MEMSCAPE_OK)
            return wdb_fail(p, st, "thread 0x%x: %s", id,
                            st == MEMSCAPE_ELIMIT ? "more threads than limits.max_threads"
                                                  : memscape_strerror(st));
        p->facts++;
    }
    p->current_thread = at;
    p->want_sp = 0;
    *out = MEMSCAPE_VEC_AT(&space->threads, memscape_thread, at);
    return MEMSCAPE_OK;
}

/* "1a2c.1b3c": process and thread id in hex; the thread id. */
static int client_id(wdb_span token, uint32_t *tid)
{
    size_t dot = wdb_find(token, ".");
    if (dot == SIZE_MAX)
        return 0;
    uint64_t pid, id;
    unsigned pid_digits = 0, tid_digits = 0;
    if (wdb_hex((wdb_span){token.p, dot}, &pid, &pid_digits) != WDB_NUMBER_OK ||
        wdb_hex(wdb_skip(token, dot + 1), &id, &tid_digits) != WDB_NUMBER_OK ||
        pid > UINT32_MAX || id > UINT32_MAX)
        return 0;
    *tid = (uint32_t)id;
    return 1;
}

/* "Suspend: 1", "Teb: 000007ff`fffde000" and the like after a thread's id. */
static memscape_status thread_fields(wdb_parser *p, wdb_span rest)
{
    memscape_thread *t = MEMSCAPE_VEC_AT(&p->space->threads, memscape_thread,
                                         p->current_thread);
    for (wdb_span tok = wdb_token(&rest); tok.n; tok = wdb_token(&rest)) {
        uint64_t v;
        int ok;
        if (wdb_equals(tok, "Suspend:")) {
            wdb_span number = wdb_token(&rest);
            if (wdb_decimal(number, &v) == WDB_NUMBER_OK && v <= UINT32_MAX)
                t->suspend_count = (uint32_t)v;
        } else if (wdb_equals(tok, "Teb:")) {
            memscape_status st = address(p, wdb_token(&rest), "thread", &v, 1, &ok);
            if (st != MEMSCAPE_OK)
                return st;
            if (ok)
                t->teb = v;
        }
    }
    return MEMSCAPE_OK;
}

memscape_status wdb_thread_header(wdb_parser *p, wdb_span line, int *consumed)
{
    wdb_span rest = line;
    wdb_span first = wdb_token(&rest);
    wdb_span words[3] = {first, wdb_token(&rest), wdb_token(&rest)};
    uint32_t id;
    *consumed = 0;
    int kernel = wdb_equals(words[0], "THREAD") && wdb_equals(words[2], "Cid");
    wdb_span cid;
    if (kernel) {
        uint64_t ethread;
        int ok;
        memscape_status st = address(p, words[1], "!thread", &ethread, 1, &ok);
        if (st != MEMSCAPE_OK || !ok)
            return st;
        cid = wdb_token(&rest);
    } else {
        /* "[.|#] N Id: pid.tid": the marker, when there, is its own token. */
        size_t k = wdb_equals(words[0], ".") || wdb_equals(words[0], "#") ? 1 : 0;
        uint64_t number;
        if (wdb_decimal(words[k], &number) != WDB_NUMBER_OK || !wdb_equals(words[k + 1], "Id:"))
            return MEMSCAPE_OK;
        cid = k ? wdb_token(&rest) : words[2];
    }
    if (!client_id(cid, &id))
        return MEMSCAPE_OK;
    *consumed = 1;
    memscape_status st = MEMSCAPE_OK;
    if (p->section != WDB_SECTION_THREADS) {
        st = wdb_module_finish(p);
        p->section = WDB_SECTION_THREADS;
    }
    memscape_thread *t;
    if (st == MEMSCAPE_OK)
        st = use_thread(p, id, &t);
    return st == MEMSCAPE_OK ? thread_fields(p, rest) : st;
}

/* "Base fffff8802025a000 Limit fffff88020254000 Call 0": the stack is [Limit, Base). */
static memscape_status stack_line(wdb_parser *p, memscape_thread *t, wdb_span rest)
{
    uint64_t base, limit;
    int ok_base, ok_limit;
    memscape_status st = address(p, wdb_token(&rest), "!thread", &base, 1, &ok_base);
    if (st != MEMSCAPE_OK || !ok_base || !wdb_equals(wdb_token(&rest), "Limit"))
        return st;
    st = address(p, wdb_token(&rest), "!thread", &limit, 1, &ok_limit);
    if (st != MEMSCAPE_OK || !ok_limit || base == 0 || limit == 0)
        return st;
    if (base <= limit)
        return wdb_fail(p, MEMSCAPE_ECORRUPT, "!thread 0x%x: stack Base 0x%llx is not above "
                        "its Limit 0x%llx", t->id, (unsigned long long)base,
                        (unsigned long long)limit);
    t->stack_base = limit;
    t->stack_size = base - limit;
    return MEMSCAPE_OK;
}

/* A frame under "Child-SP": the first one's Child-SP is the thread's stack pointer. */
static memscape_status frame_line(wdb_parser *p, memscape_thread *t, wdb_span t_line)
{
    wdb_span rest = t_line;
    wdb_span tok = wdb_token(&rest);
    if (p->frames_numbered)
        tok = wdb_token(&rest);
    p->want_sp = 0;
    uint64_t sp;
    int ok;
    memscape_status st = address(p, tok, "stack frame", &sp, MIN_ADDRESS_DIGITS, &ok);
    /* The model's SP goes with a PC (has_context); a log gives no PC, so SP stays alone. */
    if (st == MEMSCAPE_OK && ok)
        t->sp = sp;
    return st;
}

memscape_status wdb_thread_line(wdb_parser *p, wdb_span t_line)
{
    if (p->current_thread == MEMSCAPE_NO_INDEX)
        return MEMSCAPE_OK;
    memscape_thread *t = MEMSCAPE_VEC_AT(&p->space->threads, memscape_thread,
                                         p->current_thread);
    wdb_span rest = t_line;
    wdb_span first = wdb_token(&rest);
    uint64_t v;
    if (wdb_equals(first, "Child-SP") || wdb_equals(first, "#")) {
        p->frames_numbered = wdb_equals(first, "#");
        p->want_sp = !p->frames_numbered || wdb_equals(wdb_token(&rest), "Child-SP");
        return MEMSCAPE_OK;
    }
    if (p->want_sp)
        return frame_line(p, t, t_line);
    if (wdb_equals(first, "Base"))
        return stack_line(p, t, rest);
    if (wdb_equals(first, "Priority")) {
        if (wdb_decimal(wdb_token(&rest), &v) == WDB_NUMBER_OK && v <= UINT32_MAX)
            t->priority = (uint32_t)v;
    } else if (wdb_starts(t_line, "Win32 Start Address") || wdb_starts(t_line, "Start Address")) {
        /* "Win32 Start Address ntdll!TppWorkerThread (0x000000007722fbc0)", or a bare
         * address last. */
        wdb_span last = {0};
        for (wdb_span tok = wdb_token(&rest); tok.n; tok = wdb_token(&rest))
            last = tok;
        if (parenthesised_hex(t_line, &v) || wdb_hex(last, &v, NULL) == WDB_NUMBER_OK)
            t->start_address = v;
    }
    return MEMSCAPE_OK;
}
