/* SPDX-License-Identifier: MIT */
/* The space: storage, the builder calls readers make, accessors, reading memory. The merge
 * that turns what readers added into one layout is in space_merge.c. */
#include "space_build.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/checked.h"
#include "util/text.h"

/* ---- strings ----------------------------------------------------------------------------- */

/* Strings live in blocks freed together with the space, so records can hold plain pointers. */
struct memscape_string_block {
    memscape_string_block *next;
    size_t used, capacity;
    char data[];
};

#define STRING_BLOCK_SIZE 16384u

/* Windows has about 70 object types. The cap keeps the by-type lookup linear in the number of
 * handles however many distinct names a hostile dump invents; the rest count in the total. */
#define MAX_HANDLE_TYPES 256u
/* !vm prints about forty lines (more with many page files): a log with more repeats itself. */
#define MAX_VM_COUNTERS 1024u

static char *string_alloc(memscape_space *space, size_t len)
{
    size_t need = len + 1;
    if (need > space->string_budget - space->string_bytes) {
        space->string_budget_hit = 1;
        return NULL;
    }
    space->string_bytes += need;
    memscape_string_block *b = space->strings;
    if (!b || b->capacity - b->used < need) {
        size_t cap = need > STRING_BLOCK_SIZE ? need : STRING_BLOCK_SIZE;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->capacity = cap;
        b->next = space->strings;
        space->strings = b;
    }
    char *s = b->data + b->used;
    b->used += need;
    return s;
}

const char *memscape_space_strdup(memscape_space *space, const char *s, size_t len)
{
    if (len > space->limits.max_string)
        len = space->limits.max_string;
    const char *nul = memchr(s, '\0', len);
    if (nul)
        len = (size_t)(nul - s);
    char *copy = string_alloc(space, len);
    if (!copy)
        return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

const char *memscape_space_strdup_utf16(memscape_space *space, const uint8_t *p, size_t bytes,
                                        int big_endian)
{
    size_t units = bytes / 2;
    if (units > space->limits.max_string / 2)
        units = space->limits.max_string / 2;
    char *out = string_alloc(space, units * 3);
    if (!out)
        return NULL;
    memscape_utf16_to_utf8(p, units, big_endian, out);
    return out;
}

const char *memscape_space_strprintf(memscape_space *space, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    return memscape_space_strdup(space, buf, strlen(buf));
}

/* ---- life cycle -------------------------------------------------------------------------- */

memscape_status memscape_space_new(memscape_space **out, const uint8_t *file, uint64_t file_size,
                                   const memscape_limits *limits)
{
    memscape_space *s = calloc(1, sizeof *s);
    if (!s)
        return MEMSCAPE_ENOMEM;
    s->file = file;
    s->file_size = file_size;
    s->limits = limits ? *limits : memscape_limits_default();
    const memscape_limits *l = &s->limits;
    uint64_t proportional = file_size > (UINT64_MAX - 65536) / 4 ? UINT64_MAX
                                                                  : 65536 + 4 * file_size;
    s->string_budget = proportional < l->max_string_total ? proportional : l->max_string_total;
    /* The merged layout is bounded by its inputs, each already capped by a limit: one more
     * cap here could only refuse a dump whose every count is within its limit. */
    memscape_vec_init(&s->regions, sizeof(memscape_region), SIZE_MAX / sizeof(memscape_region));
    memscape_vec_init(&s->layout, sizeof(memscape_region), l->max_regions);
    memscape_vec_init(&s->ranges, sizeof(memscape_range), l->max_ranges);
    memscape_vec_init(&s->modules, sizeof(memscape_module), l->max_modules);
    memscape_vec_init(&s->unloaded, sizeof(memscape_module), l->max_modules);
    memscape_vec_init(&s->threads, sizeof(memscape_thread), l->max_threads);
    memscape_vec_init(&s->notes, sizeof(memscape_note), l->max_annotations);
    memscape_vec_init(&s->streams, sizeof(memscape_stream), l->max_streams);
    memscape_vec_init(&s->warnings, sizeof(memscape_warning), l->max_warnings);
    memscape_vec_init(&s->handle_types, sizeof(memscape_handle_type), MAX_HANDLE_TYPES);
    memscape_vec_init(&s->vm_counters, sizeof(memscape_vm_counter), MAX_VM_COUNTERS);
    memscape_vec_init(&s->pool_tags, sizeof(memscape_pool_tag), l->max_annotations);
    memscape_vec_init(&s->present, sizeof(memscape_present), l->max_ranges);
    memscape_vec_init(&s->modules_by_base, sizeof(uint32_t), l->max_modules);
    memscape_vec_init(&s->module_reach, sizeof(uint32_t), l->max_modules);
    *out = s;
    return MEMSCAPE_OK;
}

void memscape_space_mark_own_mapping(memscape_space *space)
{
    space->file_is_own_mapping = 1;
}

void memscape_space_release_file_bytes(const memscape_space *space, const uint8_t *data,
                                       size_t size)
{
    if (!space->file_is_own_mapping || size == 0)
        return;
    long page_size = sysconf(_SC_PAGESIZE);
    if (page_size <= 0)
        return;
    /* Only whole pages inside the range: a page it shares with bytes before or after may
     * still be in use by another thread's pass (it would only be read again, but why). */
    uintptr_t page = (uintptr_t)page_size;
    uintptr_t lo = ((uintptr_t)data + page - 1) & ~(page - 1);
    uintptr_t hi = ((uintptr_t)data + size) & ~(page - 1);
    if (lo < hi)
        (void)madvise((void *)lo, hi - lo, MADV_DONTNEED); /* advice: failing costs memory */
}

void memscape_space_free(memscape_space *space)
{
    if (!space)
        return;
    memscape_vec *vecs[] = {
        &space->regions, &space->layout, &space->ranges, &space->modules, &space->unloaded,
        &space->threads, &space->notes, &space->streams, &space->warnings,
        &space->handle_types, &space->present, &space->modules_by_base, &space->module_reach,
        &space->vm_counters, &space->pool_tags,
    };
    for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++)
        memscape_vec_free(vecs[i]);
    while (space->strings) {
        memscape_string_block *next = space->strings->next;
        free(space->strings);
        space->strings = next;
    }
    free(space);
}

/* ---- builder ----------------------------------------------------------------------------- */

void memscape_space_warn(memscape_space *space, uint64_t offset, const char *fmt, ...)
{
    space->warning_total++;
    if (space->warnings.count >= space->warnings.limit)
        return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    memscape_warning w = {offset, memscape_space_strdup(space, buf, strlen(buf))};
    if (w.message)
        (void)memscape_vec_push(&space->warnings, &w, NULL);
}

memscape_status memscape_space_add_range(memscape_space *space, uint64_t base, uint64_t size,
                                         uint64_t file_offset)
{
    memscape_range r = {base, size, file_offset};
    return memscape_vec_push(&space->ranges, &r, NULL);
}

memscape_status memscape_space_add_layout(memscape_space *space, const memscape_region *region)
{
    return memscape_vec_push(&space->layout, region, NULL);
}

memscape_status memscape_space_add_module(memscape_space *space, const memscape_module *module)
{
    return memscape_vec_push(&space->modules, module, NULL);
}

memscape_status memscape_space_add_unloaded(memscape_space *space,
                                            const memscape_module *module)
{
    return memscape_vec_push(&space->unloaded, module, NULL);
}

memscape_status memscape_space_add_thread(memscape_space *space, const memscape_thread *thread,
                                          memscape_thread **slot)
{
    return memscape_vec_push(&space->threads, thread, (void **)slot);
}

memscape_status memscape_space_add_note(memscape_space *space, const char *key,
                                        const char *value)
{
    memscape_note n = {key, value};
    return memscape_vec_push(&space->notes, &n, NULL);
}

memscape_status memscape_space_add_stream(memscape_space *space, const memscape_stream *stream)
{
    return memscape_vec_push(&space->streams, stream, NULL);
}

memscape_status memscape_space_count_handle(memscape_space *space, const char *type)
{
    space->handles.present = 1;
    space->handles.count++;
    if (!type || !*type)
        return MEMSCAPE_OK;
    memscape_handle_type *types = space->handle_types.items;
    for (size_t i = 0; i < space->handle_types.count; i++) {
        if (strcmp(types[i].type, type) == 0) {
            types[i].count++;
            return MEMSCAPE_OK;
        }
    }
    if (space->handle_types.count >= space->handle_types.limit)
        return MEMSCAPE_OK;
    memscape_handle_type t = {memscape_space_strdup(space, type, strlen(type)), 1};
    if (!t.type)
        return MEMSCAPE_ENOMEM;
    return memscape_vec_push(&space->handle_types, &t, NULL);
}

void memscape_space_set_exception(memscape_space *space, const memscape_exception *exception)
{
    space->exception = *exception;
    space->has_exception = 1;
}

memscape_thread *memscape_space_thread_by_id(memscape_space *space, uint32_t id)
{
    memscape_thread *t = space->threads.items;
    for (size_t i = 0; i < space->threads.count; i++)
        if (t[i].id == id)
            return &t[i];
    return NULL;
}

/* ---- accessors --------------------------------------------------------------------------- */

#define LIST_ACCESSOR(fn, type, field)                                        \
    const type *fn(const memscape_space *space, size_t *count)               \
    {                                                                         \
        if (count)                                                            \
            *count = space->field.count;                                      \
        return space->field.items;                                            \
    }

LIST_ACCESSOR(memscape_space_regions, memscape_region, regions)
LIST_ACCESSOR(memscape_space_ranges, memscape_range, ranges)
LIST_ACCESSOR(memscape_space_modules, memscape_module, modules)
LIST_ACCESSOR(memscape_space_unloaded_modules, memscape_module, unloaded)
LIST_ACCESSOR(memscape_space_threads, memscape_thread, threads)
LIST_ACCESSOR(memscape_space_notes, memscape_note, notes)
LIST_ACCESSOR(memscape_space_streams, memscape_stream, streams)

const memscape_warning *memscape_space_warnings(const memscape_space *space, size_t *count,
                                                size_t *total)
{
    if (count)
        *count = space->warnings.count;
    if (total)
        *total = space->warning_total;
    return space->warnings.items;
}

const memscape_system *memscape_space_system(const memscape_space *space)
{
    return &space->system;
}

const memscape_exception *memscape_space_exception(const memscape_space *space)
{
    return space->has_exception ? &space->exception : NULL;
}

const memscape_handles *memscape_space_handles(const memscape_space *space)
{
    return &space->handles;
}

const memscape_pool_usage *memscape_space_pool(const memscape_space *space)
{
    return &space->pool;
}

const memscape_vm_counter *memscape_space_vm_counter(const memscape_space *space,
                                                     const char *name)
{
    const memscape_vm_counter *c = space->vm_counters.items;
    for (size_t i = 0; name && i < space->vm_counters.count; i++)
        if (strcmp(c[i].name, name) == 0)
            return &c[i];
    return NULL;
}

/* ---- pool usage -------------------------------------------------------------------------- */

/* The lists are published by pointer: refresh them after every push, since a push may move
 * them. */
static void publish_pool(memscape_space *space)
{
    space->pool.present = 1;
    space->pool.counters = space->vm_counters.items;
    space->pool.counter_count = space->vm_counters.count;
    space->pool.tags = space->pool_tags.items;
    space->pool.tag_count = space->pool_tags.count;
}

memscape_status memscape_space_add_vm_counter(memscape_space *space, const char *name,
                                              uint64_t pages, uint64_t kb)
{
    memscape_vm_counter c = {name, pages, kb};
    memscape_status st = memscape_vec_push(&space->vm_counters, &c, NULL);
    publish_pool(space);
    return st;
}

memscape_status memscape_space_add_pool_tag(memscape_space *space, const memscape_pool_tag *tag)
{
    memscape_status st = memscape_vec_push(&space->pool_tags, tag, NULL);
    publish_pool(space);
    return st;
}

void memscape_space_add_page_file(memscape_space *space, uint64_t max_kb)
{
    space->pool.page_file_max_kb = memscape_end_clamped(space->pool.page_file_max_kb, max_kb);
    publish_pool(space);
}

void memscape_space_add_failed_allocations(memscape_space *space, uint64_t count)
{
    space->pool.failed_allocations = memscape_end_clamped(space->pool.failed_allocations, count);
    publish_pool(space);
}

const memscape_thread *memscape_space_find_thread(const memscape_space *space, uint32_t id)
{
    const memscape_thread *t = space->threads.items;
    for (size_t i = 0; i < space->threads.count; i++)
        if (t[i].id == id)
            return &t[i];
    return NULL;
}

const memscape_region *memscape_space_find_region(const memscape_space *space, uint64_t addr)
{
    const memscape_region *r = space->regions.items;
    size_t lo = 0, hi = space->regions.count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r[mid].base <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const memscape_region *cand = &r[lo - 1];
    return addr - cand->base < cand->size ? cand : NULL;
}

const memscape_module *memscape_space_find_module(const memscape_space *space, uint64_t addr)
{
    const uint32_t *idx = space->modules_by_base.items;
    const uint32_t *reach = space->module_reach.items;
    const memscape_module *m = space->modules.items;
    size_t lo = 0, hi = space->modules_by_base.count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m[idx[mid]].base <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || space->module_reach.count < lo)
        return NULL;
    /* Of the modules starting at or below addr, the one reaching furthest holds addr if any
     * does: overlapping modules (hostile or odd dumps) cannot hide it. */
    const memscape_module *cand = &m[reach[lo - 1]];
    return addr - cand->base < cand->size ? cand : NULL;
}

/* ---- memory ------------------------------------------------------------------------------ */

/* Index of the first present run that ends after addr. */
static size_t present_first_after(const memscape_space *space, uint64_t addr)
{
    const memscape_present *p = space->present.items;
    size_t lo = 0, hi = space->present.count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p[mid].base + p[mid].size <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t memscape_space_read(const memscape_space *space, uint64_t addr, void *buf, size_t len)
{
    memset(buf, 0, len);
    uint64_t end = memscape_end_clamped(addr, len);
    const memscape_present *p = space->present.items;
    size_t got = 0;
    for (size_t i = present_first_after(space, addr); i < space->present.count; i++) {
        if (p[i].base >= end)
            break;
        uint64_t from = p[i].base > addr ? p[i].base : addr;
        uint64_t pend = p[i].base + p[i].size;
        uint64_t to = pend < end ? pend : end;
        memcpy((uint8_t *)buf + (from - addr), space->file + p[i].file_offset + (from - p[i].base),
               (size_t)(to - from));
        got += (size_t)(to - from);
    }
    return got;
}

void memscape_chunks_begin(memscape_chunk_iter *it, const memscape_space *space, uint64_t lo,
                           uint64_t hi, size_t max_chunk)
{
    it->space = space;
    it->lo = lo;
    it->hi = hi;
    it->max_chunk = max_chunk;
    it->next = present_first_after(space, lo);
}

int memscape_chunks_next(memscape_chunk_iter *it, memscape_chunk *out)
{
    const memscape_space *space = it->space;
    const memscape_present *p = space->present.items;
    while (it->next < space->present.count) {
        const memscape_present *run = &p[it->next];
        uint64_t run_end = run->base + run->size;
        if (run->base >= it->hi)
            return 0;
        uint64_t from = run->base > it->lo ? run->base : it->lo;
        uint64_t to = run_end < it->hi ? run_end : it->hi;
        if (from >= to) {
            it->next++;
            continue;
        }
        if (it->max_chunk && to - from > it->max_chunk)
            to = from + it->max_chunk;
        out->addr = from;
        out->data = space->file + run->file_offset + (from - run->base);
        out->size = (size_t)(to - from);
        /* Continue from where this chunk stopped: the same run if it was split. */
        it->lo = to;
        if (to == run_end)
            it->next++;
        return 1;
    }
    return 0;
}

/* ---- names ------------------------------------------------------------------------------- */

const char *memscape_format_name(memscape_format f)
{
    static const char *const names[] = {"unknown", "minidump", "elf-core", "raw", "windbg-log"};
    return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "unknown";
}

const char *memscape_os_name(memscape_os os)
{
    static const char *const names[] = {"unknown", "windows", "linux",  "android", "macos",
                                        "ios",     "fuchsia", "netbsd", "freebsd", "solaris"};
    return (unsigned)os < sizeof names / sizeof names[0] ? names[os] : "unknown";
}

const char *memscape_arch_name(memscape_arch arch)
{
    static const char *const names[] = {"unknown", "x86",   "amd64",  "arm",     "arm64", "ppc",
                                        "ppc64",   "s390x", "mips",   "mips64",  "riscv64",
                                        "sparc"};
    return (unsigned)arch < sizeof names / sizeof names[0] ? names[arch] : "unknown";
}

const char *memscape_state_name(memscape_state s)
{
    static const char *const names[] = {"committed", "not-captured", "reserved", "free"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

const char *memscape_type_name(memscape_type t)
{
    static const char *const names[] = {"none", "image", "mapped", "private"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "unknown";
}

const char *memscape_usage_name(memscape_usage u)
{
    static const char *const names[] = {"other", "image",       "stack", "teb",
                                        "peb",   "mapped-file", "heap"};
    return (unsigned)u < sizeof names / sizeof names[0] ? names[u] : "unknown";
}

char *memscape_protect_format(uint32_t protect, char *buf, size_t size)
{
    static const struct {
        uint32_t value;
        const char *name;
    } bases[] = {
        {MEMSCAPE_PROT_NONE, "none"}, {MEMSCAPE_PROT_NOACCESS, "NOACCESS"},
        {MEMSCAPE_PROT_R, "R"},       {MEMSCAPE_PROT_RW, "RW"},
        {MEMSCAPE_PROT_WC, "WC"},     {MEMSCAPE_PROT_X, "X"},
        {MEMSCAPE_PROT_RX, "RX"},     {MEMSCAPE_PROT_RWX, "RWX"},
        {MEMSCAPE_PROT_WCX, "WCX"},
    };
    static const struct {
        uint32_t bit;
        const char *name;
    } modifiers[] = {
        {MEMSCAPE_PROT_GUARD, "GUARD"},
        {MEMSCAPE_PROT_NOCACHE, "NOCACHE"},
        {MEMSCAPE_PROT_WRITECOMBINE, "WRITECOMBINE"},
    };
    if (size == 0)
        return buf;
    uint32_t base = protect & MEMSCAPE_PROT_BASE_MASK;
    const char *base_name = NULL;
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++)
        if (bases[i].value == base)
            base_name = bases[i].name;
    size_t n = base_name ? (size_t)snprintf(buf, size, "%s", base_name)
                         : (size_t)snprintf(buf, size, "0x%x", base);
    for (size_t i = 0; i < sizeof modifiers / sizeof modifiers[0] && n < size; i++)
        if (protect & modifiers[i].bit)
            n += (size_t)snprintf(buf + n, size - n, "+%s", modifiers[i].name);
    uint32_t unknown = protect & ~(MEMSCAPE_PROT_BASE_MASK | MEMSCAPE_PROT_GUARD |
                                   MEMSCAPE_PROT_NOCACHE | MEMSCAPE_PROT_WRITECOMBINE);
    if (unknown && n < size)
        snprintf(buf + n, size - n, "+0x%x", unknown);
    return buf;
}

memscape_limits memscape_limits_default(void)
{
    memscape_limits l = {
        .max_streams = MEMSCAPE_DEFAULT_MAX_STREAMS,
        .max_modules = MEMSCAPE_DEFAULT_MAX_MODULES,
        .max_threads = MEMSCAPE_DEFAULT_MAX_THREADS,
        .max_regions = MEMSCAPE_DEFAULT_MAX_REGIONS,
        .max_ranges = MEMSCAPE_DEFAULT_MAX_RANGES,
        .max_note_size = MEMSCAPE_DEFAULT_MAX_NOTE_SIZE,
        .max_string = MEMSCAPE_DEFAULT_MAX_STRING,
        .max_string_total = MEMSCAPE_DEFAULT_MAX_STRING_TOTAL,
        .max_text_stream = MEMSCAPE_DEFAULT_MAX_TEXT_STREAM,
        .max_handles = MEMSCAPE_DEFAULT_MAX_HANDLES,
        .max_annotations = MEMSCAPE_DEFAULT_MAX_ANNOTATIONS,
        .max_warnings = MEMSCAPE_DEFAULT_MAX_WARNINGS,
    };
    return l;
}
