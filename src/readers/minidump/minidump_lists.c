/* SPDX-License-Identifier: MIT */
/* Minidump list streams: MemoryList, Memory64List, ThreadList, ThreadExList, ThreadNames,
 * ThreadInfoList, ModuleList (with CodeView records), UnloadedModuleList, MemoryInfoList.
 * Layouts from minidumpapiset.h; the Breakpad ELF CodeView record from minidump_format.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minidump_internal.h"

#define MEMORY_DESCRIPTOR_SIZE 16u   /* u64 StartOfMemoryRange, u32 DataSize, u32 Rva */
#define MEMORY64_DESCRIPTOR_SIZE 16u /* u64 StartOfMemoryRange, u64 DataSize */
#define THREAD_SIZE 48u
#define THREAD_EX_SIZE 64u
#define THREAD_NAME_SIZE 12u         /* u32 ThreadId, u64 RvaOfThreadName (packed) */
#define THREAD_INFO_SIZE 64u
#define MODULE_SIZE 108u             /* packed: a natural C struct would be 112 */
#define UNLOADED_MODULE_SIZE 24u
#define MEMORY_INFO_SIZE 48u

/* ---- present bytes ----------------------------------------------------------------------- */

/* Add one range whose bytes the file holds. desc is the offset of its descriptor's DataSize
 * field. A range that wraps the address space is corrupt; bytes past EOF are clipped. */
static memscape_status add_present(memscape_mdmp *md, const char *what, uint32_t index,
                                   uint64_t base, uint64_t size, uint64_t rva, uint64_t desc)
{
    if (size == 0)
        return MEMSCAPE_OK;
    if (size - 1 > UINT64_MAX - base)
        return memscape_fail(md->err, MEMSCAPE_ECORRUPT, desc, "%s %" PRIu32 ": 0x%" PRIx64
                             " bytes at 0x%" PRIx64 " pass the end of the address space",
                             what, index, size, base);
    uint64_t file_size = md->file.file_size;
    if (rva >= file_size) {
        memscape_space_warn(md->space, desc, "%s %" PRIu32 ": bytes of [0x%" PRIx64 ", +0x%"
                            PRIx64 ") at 0x%" PRIx64 " lie past the end of the file", what,
                            index, base, size, rva);
        return MEMSCAPE_OK;
    }
    if (size > file_size - rva) {
        memscape_space_warn(md->space, desc, "%s %" PRIu32 ": 0x%" PRIx64 " bytes at 0x%"
                            PRIx64 " clipped to the 0x%" PRIx64 " before the end of the file",
                            what, index, size, rva, file_size - rva);
        size = file_size - rva;
    }
    memscape_status st = memscape_space_add_range(md->space, base, size, rva);
    return st == MEMSCAPE_OK ? st : memscape_mdmp_added(md, st, desc, what);
}

/* MINIDUMP_MEMORY_LIST: u32 count + MINIDUMP_MEMORY_DESCRIPTOR[count]. */
static memscape_status read_memory_list(memscape_mdmp *md)
{
    const mdmp_stream *s = memscape_mdmp_stream(md, MDMP_MEMORY_LIST);
    if (!s)
        return MEMSCAPE_OK;
    uint32_t count;
    uint64_t first;
    memscape_status st = memscape_mdmp_list(md, s, MEMORY_DESCRIPTOR_SIZE,
                                            md->limits->max_ranges, &count, &first);
    for (uint32_t i = 0; i < count && st == MEMSCAPE_OK; i++) {
        uint64_t d = first + (uint64_t)i * MEMORY_DESCRIPTOR_SIZE;
        st = add_present(md, "MemoryList range", i, memscape_cursor_uint_at(&md->file, d, 8),
                         memscape_cursor_uint_at(&md->file, d + 8, 4),
                         memscape_cursor_uint_at(&md->file, d + 12, 4), d + 8);
    }
    return st;
}

/* Memory64List: u64 NumberOfMemoryRanges, u64 BaseRva, then {u64 Start, u64 DataSize}[n].
 * No range has its own RVA: the bytes follow each other from BaseRva in list order. */
static memscape_status read_memory64_list(memscape_mdmp *md)
{
    const mdmp_stream *s = memscape_mdmp_stream(md, MDMP_MEMORY64_LIST);
    if (!s)
        return MEMSCAPE_OK;
    uint64_t count = memscape_cursor_uint_at(&md->file, s->rva, 8);
    uint64_t rva = memscape_cursor_uint_at(&md->file, (uint64_t)s->rva + 8, 8);
    if (count > (s->size - 16u) / MEMORY64_DESCRIPTOR_SIZE)
        return memscape_fail(md->err, MEMSCAPE_ECORRUPT, s->rva, "Memory64List: %" PRIu64
                             " ranges of %u bytes do not fit in its 0x%" PRIx32 " bytes",
                             count, MEMORY64_DESCRIPTOR_SIZE, s->size);
    if (count > md->limits->max_ranges)
        return memscape_fail(md->err, MEMSCAPE_ELIMIT, s->rva, "Memory64List: %" PRIu64
                             " ranges exceed the limit of %" PRIu32, count,
                             md->limits->max_ranges);
    memscape_status st = MEMSCAPE_OK;
    for (uint32_t i = 0; i < (uint32_t)count && st == MEMSCAPE_OK; i++) {
        uint64_t d = (uint64_t)s->rva + 16u + (uint64_t)i * MEMORY64_DESCRIPTOR_SIZE;
        uint64_t base = memscape_cursor_uint_at(&md->file, d, 8);
        uint64_t size = memscape_cursor_uint_at(&md->file, d + 8, 8);
        st = add_present(md, "Memory64List range", i, base, size, rva, d + 8);
        /* Past 2^64 every later range is past the end of the file too: saturate, so
         * each of them is clipped to nothing with a warning. */
        if (memscape_add_u64(rva, size, &rva) != MEMSCAPE_OK)
            rva = UINT64_MAX;
    }
    return st;
}

memscape_status memscape_mdmp_memory_lists(memscape_mdmp *md)
{
    memscape_status st = read_memory_list(md);
    return st == MEMSCAPE_OK ? read_memory64_list(md) : st;
}

/* ---- which addresses the memory lists hold (for thread stacks) --------------------------- */

typedef struct cover_range {
    uint64_t base;
    uint64_t end;            /* after sorting: the highest end of this and all before it */
} cover_range;

typedef struct cover_set {
    cover_range *items;
    size_t count;
} cover_set;

static int compare_cover(const void *a, const void *b)
{
    const cover_range *x = a, *y = b;
    return x->base < y->base ? -1 : x->base > y->base;
}

static void cover_push(cover_set *set, uint64_t base, uint64_t size)
{
    if (size == 0)
        return;
    set->items[set->count].base = base;
    set->items[set->count].end = memscape_end_clamped(base, size);
    set->count++;
}

/* Every MemoryList and Memory64List range with its full, unclipped size. The lists were
 * checked by memscape_mdmp_memory_lists() already, so their counts are trusted here. */
static memscape_status build_cover(memscape_mdmp *md, cover_set *set)
{
    const mdmp_stream *list = memscape_mdmp_stream(md, MDMP_MEMORY_LIST);
    const mdmp_stream *list64 = memscape_mdmp_stream(md, MDMP_MEMORY64_LIST);
    uint32_t n = 0, n64 = 0;
    uint64_t first = 0;
    if (list && memscape_mdmp_list(md, list, MEMORY_DESCRIPTOR_SIZE, md->limits->max_ranges,
                                   &n, &first) != MEMSCAPE_OK)
        n = 0;
    if (list64)
        n64 = (uint32_t)memscape_cursor_uint_at(&md->file, list64->rva, 8);
    set->count = 0;
    set->items = calloc((size_t)n + n64 + 1, sizeof *set->items);
    if (!set->items)
        return memscape_fail(md->err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "out of memory");
    for (uint32_t i = 0; i < n; i++) {
        uint64_t d = first + (uint64_t)i * MEMORY_DESCRIPTOR_SIZE;
        cover_push(set, memscape_cursor_uint_at(&md->file, d, 8),
                   memscape_cursor_uint_at(&md->file, d + 8, 4));
    }
    for (uint32_t i = 0; i < n64; i++) {
        uint64_t d = (uint64_t)list64->rva + 16u + (uint64_t)i * MEMORY64_DESCRIPTOR_SIZE;
        cover_push(set, memscape_cursor_uint_at(&md->file, d, 8),
                   memscape_cursor_uint_at(&md->file, d + 8, 8));
    }
    qsort(set->items, set->count, sizeof *set->items, compare_cover);
    for (size_t i = 1; i < set->count; i++)
        if (set->items[i].end < set->items[i - 1].end)
            set->items[i].end = set->items[i - 1].end;
    return MEMSCAPE_OK;
}

/* Does one listed range hold all of [base, base+size)? */
static int covered(const cover_set *set, uint64_t base, uint64_t size)
{
    size_t lo = 0, hi = set->count;
    while (lo < hi) {   /* the first range starting above base */
        size_t mid = lo + (hi - lo) / 2;
        if (set->items[mid].base <= base)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && set->items[lo - 1].end >= memscape_end_clamped(base, size);
}

/* ---- threads ----------------------------------------------------------------------------- */

/* MINIDUMP_THREAD: ThreadId@0 SuspendCount@4 PriorityClass@8 Priority@12 Teb@16
 * Stack@24 {u64 Start, u32 DataSize, u32 Rva} ThreadContext@40 {u32 DataSize, u32 Rva}.
 * MINIDUMP_THREAD_EX adds BackingStore@48 (IA-64 only; not read). */
static memscape_status read_thread(memscape_mdmp *md, uint64_t at, uint32_t index,
                                   const cover_set *cover)
{
    memscape_cursor *f = &md->file;
    memscape_thread t;
    memset(&t, 0, sizeof t);
    t.id = (uint32_t)memscape_cursor_uint_at(f, at, 4);
    t.suspend_count = (uint32_t)memscape_cursor_uint_at(f, at + 4, 4);
    t.priority_class = (uint32_t)memscape_cursor_uint_at(f, at + 8, 4);
    t.priority = (uint32_t)memscape_cursor_uint_at(f, at + 12, 4);
    t.teb = memscape_cursor_uint_at(f, at + 16, 8);
    t.stack_base = memscape_cursor_uint_at(f, at + 24, 8);
    t.stack_size = memscape_cursor_uint_at(f, at + 32, 4);
    uint64_t stack_rva = memscape_cursor_uint_at(f, at + 36, 4);
    char what[48];
    snprintf(what, sizeof what, "thread %" PRIu32 " (id 0x%" PRIx32 ")", index, t.id);
    t.has_context = memscape_mdmp_context(md, (uint32_t)memscape_cursor_uint_at(f, at + 40, 4),
                                          (uint32_t)memscape_cursor_uint_at(f, at + 44, 4),
                                          at + 40, what, &t.pc, &t.sp);
    memscape_status st = memscape_space_add_thread(md->space, &t, NULL);
    if (st != MEMSCAPE_OK)
        return memscape_mdmp_added(md, st, at, "ThreadList");
    /* The stack's bytes are normally one MemoryList entry already (same RVA): add them
     * only when no listed range holds them, so they are not counted twice. */
    if (covered(cover, t.stack_base, t.stack_size))
        return MEMSCAPE_OK;
    return add_present(md, "thread stack", index, t.stack_base, t.stack_size, stack_rva,
                       at + 32);
}

static memscape_status read_thread_list(memscape_mdmp *md, const mdmp_stream *s,
                                        uint32_t entry)
{
    uint32_t count;
    uint64_t first;
    memscape_status st = memscape_mdmp_list(md, s, entry, md->limits->max_threads, &count,
                                            &first);
    if (st != MEMSCAPE_OK || count == 0)
        return st;
    cover_set cover;
    st = build_cover(md, &cover);
    for (uint32_t i = 0; i < count && st == MEMSCAPE_OK; i++)
        st = read_thread(md, first + (uint64_t)i * entry, i, &cover);
    free(cover.items);
    return st;
}

/* Threads by id, so names and times find theirs in O(log n) on hostile thread counts. */
typedef struct thread_slot {
    uint32_t id;
    uint32_t index;
} thread_slot;

static int compare_slot(const void *a, const void *b)
{
    const thread_slot *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static memscape_thread *find_thread(memscape_mdmp *md, const thread_slot *slots, size_t n,
                                    uint32_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {   /* the first slot with this id: the dump's first thread with it */
        size_t mid = lo + (hi - lo) / 2;
        if (slots[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == n || slots[lo].id != id)
        return NULL;
    return MEMSCAPE_VEC_AT(&md->space->threads, memscape_thread, slots[lo].index);
}

/* ThreadNames: u32 count + {u32 ThreadId, u64 RvaOfThreadName}[count], the RVA64 pointing at a
 * MINIDUMP_STRING. An empty name is no name. */
static memscape_status read_thread_names(memscape_mdmp *md, const thread_slot *slots, size_t n)
{
    const mdmp_stream *s = memscape_mdmp_stream(md, MDMP_THREAD_NAMES);
    if (!s)
        return MEMSCAPE_OK;
    uint32_t count;
    uint64_t first;
    memscape_status st = memscape_mdmp_list(md, s, THREAD_NAME_SIZE, md->limits->max_threads,
                                            &count, &first);
    for (uint32_t i = 0; i < count && st == MEMSCAPE_OK; i++) {
        uint64_t at = first + (uint64_t)i * THREAD_NAME_SIZE;
        memscape_thread *t = find_thread(md, slots, n,
                                         (uint32_t)memscape_cursor_uint_at(&md->file, at, 4));
        if (!t)
            continue;
        const char *name;
        st = memscape_mdmp_string(md, memscape_cursor_uint_at(&md->file, at + 4, 8),
                                  "ThreadNames", &name);
        if (st == MEMSCAPE_OK && name && *name)
            t->name = name;
    }
    return st;
}

/* MINIDUMP_THREAD_INFO: ThreadId@0 DumpFlags@4 DumpError@8 ExitStatus@12 CreateTime@16
 * ExitTime@24 KernelTime@32 UserTime@40 StartAddress@48 Affinity@56. */
static memscape_status read_thread_infos(memscape_mdmp *md, const thread_slot *slots, size_t n)
{
    const mdmp_stream *s = memscape_mdmp_stream(md, MDMP_THREAD_INFO_LIST);
    if (!s)
        return MEMSCAPE_OK;
    mdmp_table tab = {0}; /* read even when the table check fails */
    memscape_status st = memscape_mdmp_table(md, s, 12, THREAD_INFO_SIZE, 0,
                                             md->limits->max_threads, &tab);
    for (uint32_t i = 0; i < tab.count && st == MEMSCAPE_OK; i++) {
        uint64_t at = tab.first + (uint64_t)i * tab.entry;
        memscape_thread *t = find_thread(md, slots, n,
                                         (uint32_t)memscape_cursor_uint_at(&md->file, at, 4));
        if (!t)
            continue;
        t->has_times = 1;
        t->create_time = memscape_cursor_uint_at(&md->file, at + 16, 8);
        t->exit_time = memscape_cursor_uint_at(&md->file, at + 24, 8);
        t->kernel_time = memscape_cursor_uint_at(&md->file, at + 32, 8);
        t->user_time = memscape_cursor_uint_at(&md->file, at + 40, 8);
        t->start_address = memscape_cursor_uint_at(&md->file, at + 48, 8);
    }
    return st;
}

memscape_status memscape_mdmp_threads(memscape_mdmp *md)
{
    const mdmp_stream *list = memscape_mdmp_stream(md, MDMP_THREAD_LIST);
    const mdmp_stream *list_ex = memscape_mdmp_stream(md, MDMP_THREAD_EX_LIST);
    memscape_status st = MEMSCAPE_OK;
    /* A dump has one or the other; should it have both, ThreadList wins and the second
     * description of the same threads is not added again. */
    if (list)
        st = read_thread_list(md, list, THREAD_SIZE);
    else if (list_ex)
        st = read_thread_list(md, list_ex, THREAD_EX_SIZE);
    size_t n = md->space->threads.count;
    if (st != MEMSCAPE_OK || n == 0)
        return st;
    thread_slot *slots = calloc(n, sizeof *slots);
    if (!slots)
        return memscape_fail(md->err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "out of memory");
    const memscape_thread *threads = md->space->threads.items;
    for (size_t i = 0; i < n; i++)
        slots[i] = (thread_slot){threads[i].id, (uint32_t)i};
    qsort(slots, n, sizeof *slots, compare_slot);
    st = read_thread_names(md, slots, n);
    if (st == MEMSCAPE_OK)
        st = read_thread_infos(md, slots, n);
    free(slots);
    return st;
}

/* ---- modules ----------------------------------------------------------------------------- */

#define CV_RSDS 0x53445352u          /* "RSDS": PDB 7.0 */
#define CV_NB10 0x3031424eu          /* "NB10": PDB 2.0 */
#define CV_BPEL 0x4270454cu          /* "LEpB" in the file: Breakpad's ELF build id */
#define MAX_BUILD_ID 64u             /* bytes of a build id kept (GNU ones are 20) */
#define VS_FIXEDFILEINFO_SIGNATURE 0xfeef04bdu

/* A GUID as Breakpad and Microsoft symbol servers print it: Data1-3 as little-endian integers,
 * Data4 byte by byte, uppercase, no dashes. */
static void guid_hex(const uint8_t *g, char out[33])
{
    snprintf(out, 33, "%08" PRIX32 "%04X%04X%02X%02X%02X%02X%02X%02X%02X%02X",
             (uint32_t)memscape_load(g, 4, 0), (unsigned)memscape_load(g + 4, 2, 0),
             (unsigned)memscape_load(g + 6, 2, 0), g[8], g[9], g[10], g[11], g[12], g[13],
             g[14], g[15]);
}

static memscape_status cv_short(memscape_mdmp *md, uint64_t loc, uint32_t index,
                                const char *kind, uint32_t size, uint32_t need)
{
    return memscape_fail(md->err, MEMSCAPE_ECORRUPT, loc, "ModuleList: module %" PRIu32
                         ": %s CodeView record of %" PRIu32 " bytes is shorter than its %"
                         PRIu32 "-byte fixed part", index, kind, size, need);
}

static memscape_status cv_build_id(memscape_mdmp *md, memscape_module *m, const uint8_t *id,
                                   size_t len)
{
    if (len == 0)
        return MEMSCAPE_OK;
    if (len > MAX_BUILD_ID)
        len = MAX_BUILD_ID;
    /* Breakpad's debug id: the first 16 bytes (zero-padded) read as a GUID, age 0. */
    uint8_t guid[16] = {0};
    memcpy(guid, id, len < 16 ? len : 16);
    char hex[2 * MAX_BUILD_ID + 1], guid_text[33];
    for (size_t i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", id[i]);
    guid_hex(guid, guid_text);
    m->debug_id = memscape_space_strprintf(md->space, "%s0", guid_text);
    m->code_id = memscape_space_strdup(md->space, hex, 2 * len);
    return m->debug_id && m->code_id ? MEMSCAPE_OK : MEMSCAPE_ENOMEM;
}

/* The CodeView record: RSDS (GUID, age, PDB path), NB10 (signature, age, path) or BpEL
 * (ELF build id). Unknown signatures give no debug id. */
static memscape_status read_codeview(memscape_mdmp *md, uint64_t loc, uint32_t index,
                                     memscape_module *m)
{
    uint32_t size = (uint32_t)memscape_cursor_uint_at(&md->file, loc, 4);
    uint32_t rva = (uint32_t)memscape_cursor_uint_at(&md->file, loc + 4, 4);
    if (size == 0)
        return MEMSCAPE_OK;
    if (!memscape_in_bounds(rva, size, md->file.file_size)) {
        memscape_space_warn(md->space, loc, "ModuleList: module %" PRIu32 ": CodeView record "
                            "of 0x%" PRIx32 " bytes at 0x%" PRIx32 " runs past the end of the "
                            "file", index, size, rva);
        return MEMSCAPE_OK;
    }
    if (size < 4)
        return cv_short(md, loc, index, "a", size, 4);
    const uint8_t *p = md->file.file + rva;
    uint32_t signature = (uint32_t)memscape_load(p, 4, 0);
    memscape_status st = MEMSCAPE_OK;
    char guid[33];
    if (signature == CV_RSDS) {
        /* CV_INFO_PDB70: Signature, GUID@4, Age@20, PdbFileName@24 (UTF-8). */
        if (size < 24)
            return cv_short(md, loc, index, "an RSDS", size, 24);
        guid_hex(p + 4, guid);
        m->debug_id = memscape_space_strprintf(md->space, "%s%" PRIX32, guid,
                                               (uint32_t)memscape_load(p + 20, 4, 0));
        m->debug_file = memscape_space_strdup(md->space, (const char *)p + 24, size - 24);
        st = m->debug_id && m->debug_file ? MEMSCAPE_OK : MEMSCAPE_ENOMEM;
    } else if (signature == CV_NB10) {
        /* CV_INFO_PDB20: Signature, Offset@4, Signature@8, Age@12, PdbFileName@16. */
        if (size < 16)
            return cv_short(md, loc, index, "an NB10", size, 16);
        m->debug_id = memscape_space_strprintf(md->space, "%08" PRIX32 "%" PRIX32,
                                               (uint32_t)memscape_load(p + 8, 4, 0),
                                               (uint32_t)memscape_load(p + 12, 4, 0));
        m->debug_file = memscape_space_strdup(md->space, (const char *)p + 16, size - 16);
        st = m->debug_id && m->debug_file ? MEMSCAPE_OK : MEMSCAPE_ENOMEM;
    } else if (signature == CV_BPEL) {
        st = cv_build_id(md, m, p + 4, size - 4);
    }
    if (st != MEMSCAPE_OK)
        return memscape_fail(md->err, st, loc, "ModuleList: out of memory");
    if (m->debug_file && !*m->debug_file)
        m->debug_file = NULL;
    return MEMSCAPE_OK;
}

/* MINIDUMP_MODULE (pack 4): BaseOfImage@0 SizeOfImage@8 CheckSum@12 TimeDateStamp@16
 * ModuleNameRva@20 VersionInfo@24 (VS_FIXEDFILEINFO: dwSignature@24, dwFileVersionMS@32,
 * dwFileVersionLS@36) CvRecord@76 MiscRecord@84 Reserved0@92 Reserved1@100. */
static memscape_status read_module(memscape_mdmp *md, uint64_t at, uint32_t index)
{
    memscape_cursor *f = &md->file;
    memscape_module m;
    memset(&m, 0, sizeof m);
    m.base = memscape_cursor_uint_at(f, at, 8);
    m.size = memscape_cursor_uint_at(f, at + 8, 4);
    m.checksum = (uint32_t)memscape_cursor_uint_at(f, at + 12, 4);
    m.timestamp = (uint32_t)memscape_cursor_uint_at(f, at + 16, 4);
    memscape_status st = memscape_mdmp_string(md, memscape_cursor_uint_at(f, at + 20, 4),
                                              "ModuleList name", &m.name);
    if (st != MEMSCAPE_OK)
        return st;
    if (!m.name)
        m.name = "";
    if (memscape_cursor_uint_at(f, at + 24, 4) == VS_FIXEDFILEINFO_SIGNATURE) {
        uint32_t ms = (uint32_t)memscape_cursor_uint_at(f, at + 32, 4);
        uint32_t ls = (uint32_t)memscape_cursor_uint_at(f, at + 36, 4);
        m.version[0] = (uint16_t)(ms >> 16);
        m.version[1] = (uint16_t)ms;
        m.version[2] = (uint16_t)(ls >> 16);
        m.version[3] = (uint16_t)ls;
        m.has_version = 1;
    }
    st = read_codeview(md, at + 76, index, &m);
    if (st != MEMSCAPE_OK)
        return st;
    if (md->space->system.os == MEMSCAPE_OS_WINDOWS) {
        /* The symbol-server code id of a PE image: TimeDateStamp and SizeOfImage. */
        m.code_id = memscape_space_strprintf(md->space, "%08" PRIX32 "%" PRIx64, m.timestamp,
                                             m.size);
        if (!m.code_id)
            return memscape_fail(md->err, MEMSCAPE_ENOMEM, at, "ModuleList: out of memory");
    }
    st = memscape_space_add_module(md->space, &m);
    return st == MEMSCAPE_OK ? st : memscape_mdmp_added(md, st, at, "ModuleList");
}

memscape_status memscape_mdmp_modules(memscape_mdmp *md)
{
    const mdmp_stream *s = memscape_mdmp_stream(md, MDMP_MODULE_LIST);
    if (!s)
        return MEMSCAPE_OK;
    uint32_t count;
    uint64_t first;
    memscape_status st = memscape_mdmp_list(md, s, MODULE_SIZE, md->limits->max_modules,
                                            &count, &first);
    for (uint32_t i = 0; i < count && st == MEMSCAPE_OK; i++)
        st = read_module(md, first + (uint64_t)i * MODULE_SIZE, i);
    return st;
}

/* MINIDUMP_UNLOADED_MODULE: BaseOfImage@0 SizeOfImage@8 CheckSum@12 TimeDateStamp@16
 * ModuleNameRva@20. */
memscape_status memscape_mdmp_unloaded_modules(memscape_mdmp *md)
{
    const mdmp_stream *s = memscape_mdmp_stream(md, MDMP_UNLOADED_MODULE_LIST);
    if (!s)
        return MEMSCAPE_OK;
    mdmp_table tab = {0}; /* read even when the table check fails */
    memscape_status st = memscape_mdmp_table(md, s, 12, UNLOADED_MODULE_SIZE, 0,
                                             md->limits->max_modules, &tab);
    for (uint32_t i = 0; i < tab.count && st == MEMSCAPE_OK; i++) {
        uint64_t at = tab.first + (uint64_t)i * tab.entry;
        memscape_module m;
        memset(&m, 0, sizeof m);
        m.base = memscape_cursor_uint_at(&md->file, at, 8);
        m.size = memscape_cursor_uint_at(&md->file, at + 8, 4);
        m.checksum = (uint32_t)memscape_cursor_uint_at(&md->file, at + 12, 4);
        m.timestamp = (uint32_t)memscape_cursor_uint_at(&md->file, at + 16, 4);
        st = memscape_mdmp_string(md, memscape_cursor_uint_at(&md->file, at + 20, 4),
                                  "UnloadedModuleList name", &m.name);
        if (st != MEMSCAPE_OK)
            break;
        if (!m.name)
            m.name = "";
        st = memscape_space_add_unloaded(md->space, &m);
        if (st != MEMSCAPE_OK)
            st = memscape_mdmp_added(md, st, at, "UnloadedModuleList");
    }
    return st;
}

/* ---- MemoryInfoList ---------------------------------------------------------------------- */

#define MEM_COMMIT 0x1000u
#define MEM_RESERVE 0x2000u
#define MEM_FREE 0x10000u
#define MEM_PRIVATE 0x20000u
#define MEM_MAPPED 0x40000u
#define MEM_IMAGE 0x1000000u

static memscape_type type_from(uint32_t type)
{
    switch (type) {
    case MEM_IMAGE: return MEMSCAPE_TYPE_IMAGE;
    case MEM_MAPPED: return MEMSCAPE_TYPE_MAPPED;
    case MEM_PRIVATE: return MEMSCAPE_TYPE_PRIVATE;
    default: return MEMSCAPE_TYPE_NONE;
    }
}

/* MINIDUMP_MEMORY_INFO: BaseAddress@0 AllocationBase@8 AllocationProtect@16 RegionSize@24
 * State@32 Protect@36 Type@40. Protect is kept verbatim: its low byte and the GUARD, NOCACHE
 * and WRITECOMBINE modifiers are already the MEMSCAPE_PROT_* encoding. */
static memscape_status read_memory_info_entry(memscape_mdmp *md, uint64_t at, uint32_t index)
{
    memscape_cursor *f = &md->file;
    memscape_region r;
    memset(&r, 0, sizeof r);
    r.base = memscape_cursor_uint_at(f, at, 8);
    r.allocation_base = memscape_cursor_uint_at(f, at + 8, 8);
    r.size = memscape_cursor_uint_at(f, at + 24, 8);
    uint32_t state = (uint32_t)memscape_cursor_uint_at(f, at + 32, 4);
    r.protect = (uint32_t)memscape_cursor_uint_at(f, at + 36, 4);
    r.type = type_from((uint32_t)memscape_cursor_uint_at(f, at + 40, 4));
    r.file_offset = MEMSCAPE_NO_OFFSET;
    r.module_index = MEMSCAPE_NO_INDEX;
    r.thread_index = MEMSCAPE_NO_INDEX;
    if (r.size == 0)
        return MEMSCAPE_OK;
    if (r.size - 1 > UINT64_MAX - r.base)
        return memscape_fail(md->err, MEMSCAPE_ECORRUPT, at + 24, "MemoryInfoList: entry %"
                             PRIu32 ": 0x%" PRIx64 " bytes at 0x%" PRIx64 " pass the end of "
                             "the address space", index, r.size, r.base);
    if (state == MEM_COMMIT) {
        r.state = MEMSCAPE_STATE_COMMITTED;
    } else if (state == MEM_RESERVE) {
        r.state = MEMSCAPE_STATE_RESERVED;
    } else if (state == MEM_FREE) {
        r.state = MEMSCAPE_STATE_FREE;
        if (r.allocation_base == 0)
            r.allocation_base = r.base;   /* free memory has no allocation */
    } else {
        memscape_space_warn(md->space, at + 32, "MemoryInfoList: entry %" PRIu32 ": unknown "
                            "State 0x%" PRIx32 "; entry skipped", index, state);
        return MEMSCAPE_OK;
    }
    memscape_status st = memscape_space_add_layout(md->space, &r);
    return st == MEMSCAPE_OK ? st : memscape_mdmp_added(md, st, at, "MemoryInfoList");
}

memscape_status memscape_mdmp_memory_info(memscape_mdmp *md)
{
    const mdmp_stream *s = memscape_mdmp_stream(md, MDMP_MEMORY_INFO_LIST);
    if (!s)
        return MEMSCAPE_OK;
    mdmp_table tab = {0}; /* read even when the table check fails */
    memscape_status st = memscape_mdmp_table(md, s, 16, MEMORY_INFO_SIZE, 1,
                                             md->limits->max_regions, &tab);
    for (uint32_t i = 0; i < tab.count && st == MEMSCAPE_OK; i++)
        st = read_memory_info_entry(md, tab.first + (uint64_t)i * tab.entry, i);
    return st;
}
