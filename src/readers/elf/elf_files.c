/* SPDX-License-Identifier: MIT */
/* NT_FILE: the files the process had mapped, which become modules and name the PT_LOADs.
 *
 * Layout (Linux fs/binfmt_elf.c fill_files_note): long count; long page_size;
 * count x {long start, end, file_ofs}; then count NUL-terminated paths. long is 4 bytes in
 * ELF32 cores and 8 in ELF64. file_ofs counts page_size units, and page_size need not be 4096
 * (angr writes 1); neither is needed for the model, so any value is accepted. */
#include <stdlib.h>
#include <string.h>

#include "elf_core.h"

/* auxv entry types (include/uapi/linux/auxvec.h). */
#define AT_NULL 0u
#define AT_PHDR 3u
#define AT_EXECFN 31u
/* Longest AT_EXECFN string looked for (PATH_MAX). */
#define EXECFN_MAX 4096u

/* One NT_FILE entry while it is read. */
typedef struct file_entry {
    uint64_t start;
    uint64_t end;
    const uint8_t *name;
    size_t name_len;
    uint32_t module;
} file_entry;

/* For finding the distinct paths: entries sorted by name, then by their place in the note. */
typedef struct name_key {
    const uint8_t *name;
    size_t len;
    size_t index;
} name_key;

static int compare_name_key(const void *a, const void *b)
{
    const name_key *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = n ? memcmp(x->name, y->name, n) : 0;
    if (c != 0)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int same_name(const name_key *x, const name_key *y)
{
    return x->len == y->len && (x->len == 0 || memcmp(x->name, y->name, x->len) == 0);
}

static int compare_mapping(const void *a, const void *b)
{
    const elf_mapping *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

void memscape_elf_files_free(elf_files *files)
{
    free(files->mappings);
    free(files->reach);
    free(files->names);
    free(files->executable);
    memset(files, 0, sizeof *files);
}

/* ---- reading the note -------------------------------------------------------------------- */

static uint64_t word_at(elf_core *core, uint64_t off)
{
    return memscape_cursor_uint_at(&core->file, off, core->word);
}

/* Read the table; on success *named says how many entries (from the first) have a path. */
static memscape_status read_entries(elf_core *core, file_entry **out, size_t *count_out,
                                    size_t *named)
{
    uint64_t at = core->nt_file_at, size = core->nt_file_size, w = core->word;
    if (size < 2 * w)
        return memscape_fail(core->err, MEMSCAPE_ECORRUPT, core->nt_file_header,
                             "NT_FILE of 0x%llx bytes has no room for count and page_size",
                             (unsigned long long)size);
    uint64_t count = word_at(core, at);
    if (count > (size - 2 * w) / (3 * w))
        return memscape_fail(core->err, MEMSCAPE_ECORRUPT, at,
                             "NT_FILE: %llu mappings of %llu bytes do not fit in 0x%llx bytes",
                             (unsigned long long)count, (unsigned long long)(3 * w),
                             (unsigned long long)size);
    if (count > core->space->limits.max_regions)
        return memscape_fail(core->err, MEMSCAPE_ELIMIT, at,
                             "NT_FILE: %llu mappings exceed limits.max_regions (%u)",
                             (unsigned long long)count, core->space->limits.max_regions);
    uint64_t table = count * 3 * w;
    file_entry *e = calloc(count ? (size_t)count : 1, sizeof *e);
    if (!e)
        return memscape_fail(core->err, MEMSCAPE_ENOMEM, at, "no memory for %llu mappings",
                             (unsigned long long)count);
    for (size_t i = 0; i < count; i++) {
        uint64_t entry_at = at + 2 * w + i * 3 * w;
        uint64_t start = word_at(core, entry_at), end = word_at(core, entry_at + w);
        if (end < start) {
            free(e);
            return memscape_fail(core->err, MEMSCAPE_ECORRUPT, entry_at + w,
                                 "NT_FILE mapping %zu: end 0x%llx is below start 0x%llx", i,
                                 (unsigned long long)end, (unsigned long long)start);
        }
        e[i].start = start;
        e[i].end = end;
    }
    uint64_t pos = at + 2 * w + table, desc_end = at + size;
    size_t i = 0;
    for (; i < count; i++) {
        const uint8_t *p = core->file.file + pos;
        const uint8_t *nul = memchr(p, '\0', (size_t)(desc_end - pos));
        if (!nul) {
            memscape_space_warn(core->space, pos,
                                "NT_FILE: path %zu of %llu is not NUL-terminated in the note; "
                                "mappings from it on have no name", i,
                                (unsigned long long)count);
            break;
        }
        e[i].name = p;
        e[i].name_len = (size_t)(nul - p);
        pos += e[i].name_len + 1;
    }
    *out = e;
    *count_out = (size_t)count;
    *named = i;
    return MEMSCAPE_OK;
}

/* Number the distinct paths in order of first appearance; returns how many there are. */
static memscape_status number_paths(elf_core *core, file_entry *e, size_t n, size_t *distinct)
{
    name_key *keys = calloc(n ? n : 1, sizeof *keys);
    if (!keys)
        return memscape_fail(core->err, MEMSCAPE_ENOMEM, core->nt_file_at, "out of memory");
    for (size_t i = 0; i < n; i++)
        keys[i] = (name_key){e[i].name, e[i].name_len, i};
    qsort(keys, n, sizeof *keys, compare_name_key);
    /* First every entry points at the first entry with its path... */
    size_t first = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || !same_name(&keys[i], &keys[i - 1]))
            first = keys[i].index;
        e[keys[i].index].module = (uint32_t)first;
    }
    free(keys);
    /* ...then, in note order, the first entry of each path takes the next module number. */
    size_t next = 0;
    for (size_t i = 0; i < n; i++)
        e[i].module = e[i].module == i ? (uint32_t)next++ : e[e[i].module].module;
    *distinct = next;
    return MEMSCAPE_OK;
}

static memscape_status add_modules(elf_core *core, const file_entry *e, size_t n, size_t count)
{
    elf_files *f = &core->files;
    if (count > core->space->limits.max_modules)
        return memscape_fail(core->err, MEMSCAPE_ELIMIT, core->nt_file_at,
                             "NT_FILE: %zu distinct paths exceed limits.max_modules (%u)", count,
                             core->space->limits.max_modules);
    memscape_module *mods = calloc(count ? count : 1, sizeof *mods);
    f->names = calloc(count ? count : 1, sizeof *f->names);
    f->executable = calloc(count ? count : 1, 1);
    if (!mods || !f->names || !f->executable) {
        free(mods);
        return memscape_fail(core->err, MEMSCAPE_ENOMEM, core->nt_file_at, "out of memory");
    }
    f->module_count = count;
    memscape_status st = MEMSCAPE_OK;
    for (size_t i = 0; i < n && st == MEMSCAPE_OK; i++) {
        memscape_module *m = &mods[e[i].module];
        if (!m->name) {
            m->name = memscape_space_strdup(core->space, (const char *)e[i].name, e[i].name_len);
            f->names[e[i].module] = m->name;
            m->base = e[i].start;
            m->size = e[i].end - e[i].start;
            if (!m->name)
                st = MEMSCAPE_ENOMEM;
            continue;
        }
        uint64_t end = m->base + m->size;
        if (e[i].start < m->base)
            m->base = e[i].start;
        if (e[i].end > end)
            end = e[i].end;
        m->size = end - m->base;
    }
    for (size_t i = 0; i < count && st == MEMSCAPE_OK; i++)
        st = memscape_space_add_module(core->space, &mods[i]);
    free(mods);
    if (st != MEMSCAPE_OK)
        return memscape_fail(core->err, st, core->nt_file_at, "NT_FILE: adding modules: %s",
                             memscape_strerror(st));
    return MEMSCAPE_OK;
}

/* Keep the named, non-empty mappings sorted by start, with reach[] for overlap queries. */
static memscape_status index_mappings(elf_core *core, const file_entry *e, size_t n)
{
    elf_files *f = &core->files;
    f->mappings = calloc(n ? n : 1, sizeof *f->mappings);
    f->reach = calloc(n ? n : 1, sizeof *f->reach);
    if (!f->mappings || !f->reach)
        return memscape_fail(core->err, MEMSCAPE_ENOMEM, core->nt_file_at, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (e[i].end > e[i].start)
            f->mappings[k++] = (elf_mapping){e[i].start, e[i].end, e[i].module};
    qsort(f->mappings, k, sizeof *f->mappings, compare_mapping);
    for (size_t i = 0; i < k; i++)
        f->reach[i] = i > 0 && f->mappings[f->reach[i - 1]].end >= f->mappings[i].end
                          ? f->reach[i - 1]
                          : i;
    f->mapping_count = k;
    return MEMSCAPE_OK;
}

const elf_mapping *memscape_elf_mapping_overlapping(const elf_files *files, uint64_t base,
                                                    uint64_t end)
{
    /* The mappings starting below end; of those, the one reaching furthest. */
    size_t lo = 0, hi = files->mapping_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (files->mappings[mid].start < end)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const elf_mapping *m = &files->mappings[files->reach[lo - 1]];
    return m->end > base ? m : NULL;
}

/* Do the captured bytes of this PT_LOAD start with an ELF header? */
static int starts_with_elf_magic(elf_core *core, const elf_load *l)
{
    static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
    /* A truncated core may hold fewer bytes than p_filesz says: check before touching. */
    if (l->filesz < sizeof magic ||
        !memscape_in_bounds(l->offset, sizeof magic, core->file.file_size))
        return 0;
    const uint8_t *p = memscape_cursor_ptr(&core->file, l->offset, sizeof magic);
    return p && memcmp(p, magic, sizeof magic) == 0;
}

/* A path is an image when a PT_LOAD over one of its mappings is executable, or when a mapping
 * of it starts with an ELF header: gdb's gcore leaves read-only text out of the core, so the
 * loaded libraries are often left with only their read-only first mapping, which holds it. */
static void mark_executable(elf_core *core)
{
    for (size_t i = 0; i < core->load_count; i++) {
        const elf_load *l = &core->loads[i];
        if (l->memsz == 0)
            continue;
        const elf_mapping *m = memscape_elf_mapping_overlapping(
            &core->files, l->vaddr, memscape_end_clamped(l->vaddr, l->memsz));
        if (!m)
            continue;
        if ((l->flags & ELF_PF_X) || (m->start == l->vaddr && starts_with_elf_magic(core, l)))
            core->files.executable[m->module] = 1;
    }
}

memscape_status memscape_elf_read_files(elf_core *core)
{
    file_entry *e = NULL;
    size_t count = 0, named = 0, distinct = 0;
    memscape_status st = read_entries(core, &e, &count, &named);
    if (st == MEMSCAPE_OK)
        st = number_paths(core, e, named, &distinct);
    if (st == MEMSCAPE_OK)
        st = add_modules(core, e, named, distinct);
    if (st == MEMSCAPE_OK)
        st = index_mappings(core, e, named);
    if (st == MEMSCAPE_OK)
        mark_executable(core);
    free(e);
    return st;
}

/* ---- without NT_FILE --------------------------------------------------------------------- */

/* Find AT_EXECFN and AT_PHDR in the auxiliary vector: pairs of longs, ending at AT_NULL. */
static int find_auxv(elf_core *core, uint64_t *execfn, uint64_t *phdr)
{
    uint64_t w = core->word, pairs = core->auxv_size / (2 * w);
    int found = 0;
    for (uint64_t i = 0; i < pairs; i++) {
        uint64_t at = core->auxv_at + i * 2 * w;
        uint64_t type = word_at(core, at), value = word_at(core, at + w);
        if (type == AT_NULL)
            break;
        if (type == AT_EXECFN) {
            *execfn = value;
            found |= 1;
        } else if (type == AT_PHDR) {
            *phdr = value;
            found |= 2;
        }
    }
    return found == 3;
}

memscape_status memscape_elf_module_from_auxv(elf_core *core)
{
    uint64_t execfn = 0, phdr = 0;
    if (!core->has_auxv || !find_auxv(core, &execfn, &phdr))
        return MEMSCAPE_OK;
    /* The executable's program headers lie in its first PT_LOAD. */
    const elf_load *image = memscape_elf_load_at(core, phdr);
    uint8_t path[EXECFN_MAX];
    size_t n = memscape_elf_read_memory(core, execfn, path, sizeof path);
    const uint8_t *nul = memchr(path, '\0', n);
    if (!image || !nul || nul == path)
        return MEMSCAPE_OK;
    memscape_module m = {0};
    m.name = memscape_space_strdup(core->space, (const char *)path, (size_t)(nul - path));
    m.base = image->vaddr;
    m.size = image->memsz;
    if (!m.name)
        return memscape_fail(core->err, MEMSCAPE_ENOMEM, core->auxv_at, "out of memory");
    elf_files *f = &core->files;
    f->mappings = calloc(1, sizeof *f->mappings);
    f->reach = calloc(1, sizeof *f->reach);
    f->names = calloc(1, sizeof *f->names);
    f->executable = calloc(1, 1);
    if (!f->mappings || !f->reach || !f->names || !f->executable)
        return memscape_fail(core->err, MEMSCAPE_ENOMEM, core->auxv_at, "out of memory");
    f->mappings[0] = (elf_mapping){image->vaddr, memscape_end_clamped(image->vaddr,
                                                                      image->memsz), 0};
    f->mapping_count = 1;
    f->names[0] = m.name;
    f->executable[0] = 1;
    f->module_count = 1;
    memscape_status st = memscape_space_add_module(core->space, &m);
    if (st != MEMSCAPE_OK)
        return memscape_fail(core->err, st, core->auxv_at, "adding the executable: %s",
                             memscape_strerror(st));
    return MEMSCAPE_OK;
}
