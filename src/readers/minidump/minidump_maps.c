/* SPDX-License-Identifier: MIT */
/* Breakpad's LinuxMaps stream: the raw text of /proc/self/maps, one layout region per line.
 *
 * Used only when the dump has no MemoryInfoList. On Linux the module list describes only each
 * module's main mapping, so the maps are the better view of the address space. A line reads
 * "start-end perms offset dev inode [path]" (proc(5)); the path may hold spaces. */
#include <stdlib.h>
#include <string.h>

#include "minidump_internal.h"
#include "util/protect.h"

/* A piece of the stream's text; not NUL-terminated. */
typedef struct slice {
    const char *p;
    size_t n;
} slice;

typedef struct maps_line {
    uint64_t start, end;
    char perms[4];
    slice path;              /* n == 0 for an anonymous mapping */
} maps_line;

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* At most 16 hex digits at *pos, so the value cannot overflow. */
static int take_hex(slice line, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    size_t digits = 0;
    while (*pos < line.n && hex_value(line.p[*pos]) >= 0) {
        if (++digits > 16)
            return 0;
        v = v << 4 | (uint64_t)hex_value(line.p[*pos]);
        (*pos)++;
    }
    *out = v;
    return digits > 0;
}

static void skip_spaces(slice line, size_t *pos)
{
    while (*pos < line.n && is_space(line.p[*pos]))
        (*pos)++;
}

/* A field of non-blank characters followed by blanks; 0 when there is none. */
static int take_word(slice line, size_t *pos)
{
    size_t begin = *pos;
    while (*pos < line.n && !is_space(line.p[*pos]))
        (*pos)++;
    skip_spaces(line, pos);
    return *pos > begin;
}

static int parse_line(slice line, maps_line *out)
{
    size_t pos = 0;
    if (!take_hex(line, &pos, &out->start) || pos >= line.n || line.p[pos++] != '-' ||
        !take_hex(line, &pos, &out->end) || out->end <= out->start)
        return 0;
    skip_spaces(line, &pos);
    if (line.n - pos < 4)
        return 0;
    memcpy(out->perms, line.p + pos, 4);
    pos += 4;
    skip_spaces(line, &pos);
    /* offset, device, inode */
    if (!take_word(line, &pos) || !take_word(line, &pos) || !take_word(line, &pos))
        return 0;
    size_t end = line.n;
    while (end > pos && (is_space(line.p[end - 1]) || line.p[end - 1] == '\r'))
        end--;
    out->path = (slice){line.p + pos, end - pos};
    return 1;
}

static uint32_t protect_from(const char perms[4])
{
    return memscape_protect_from_rwx(perms[0] == 'r', perms[1] == 'w', perms[2] == 'x');
}

static int compare_slice(const void *a, const void *b)
{
    const slice *x = a, *y = b;
    size_t n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->p, y->p, n);
    if (c != 0)
        return c;
    return x->n < y->n ? -1 : x->n > y->n;
}

static int slice_in(const slice *set, size_t n, slice key)
{
    return n > 0 && bsearch(&key, set, n, sizeof *set, compare_slice) != NULL;
}

/* The lines of the text, each handed to fn; returns the first failure. */
typedef memscape_status (*line_fn)(memscape_mdmp *md, slice line, uint64_t at, void *ctx);

static memscape_status each_line(memscape_mdmp *md, const mdmp_stream *s, line_fn fn,
                                 void *ctx)
{
    const char *text = (const char *)md->file.file + s->rva;
    size_t len = s->size;
    memscape_status st = MEMSCAPE_OK;
    for (size_t pos = 0; pos < len && st == MEMSCAPE_OK;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        if (n > 0)
            st = fn(md, (slice){text + pos, n}, (uint64_t)s->rva + pos, ctx);
        pos += n + 1;
    }
    return st;
}

/* What the layout pass needs to know: file paths that are images. */
typedef struct maps_state {
    slice *exec_paths;       /* paths with an executable mapping, sorted */
    size_t exec_count;
    slice *module_names;     /* module names, sorted */
    size_t module_count;
    size_t lines;
    size_t malformed;
    uint64_t first_malformed;
} maps_state;

static memscape_status count_line(memscape_mdmp *md, slice line, uint64_t at, void *ctx)
{
    (void)md;
    (void)at;
    (void)line;
    ((maps_state *)ctx)->lines++;
    return MEMSCAPE_OK;
}

static memscape_status collect_exec_path(memscape_mdmp *md, slice line, uint64_t at, void *ctx)
{
    (void)md;
    (void)at;
    maps_state *ms = ctx;
    maps_line l;
    if (parse_line(line, &l) && l.perms[2] == 'x' && l.path.n > 0 && l.path.p[0] != '[')
        ms->exec_paths[ms->exec_count++] = l.path;
    return MEMSCAPE_OK;
}

static memscape_status add_line(memscape_mdmp *md, slice line, uint64_t at, void *ctx)
{
    maps_state *ms = ctx;
    maps_line l;
    if (!parse_line(line, &l)) {
        if (ms->malformed++ == 0)
            ms->first_malformed = at;
        return MEMSCAPE_OK;
    }
    memscape_region r;
    memset(&r, 0, sizeof r);
    r.base = l.start;
    r.size = l.end - l.start;
    r.allocation_base = l.start;
    r.file_offset = MEMSCAPE_NO_OFFSET;
    r.state = MEMSCAPE_STATE_COMMITTED;
    r.type = MEMSCAPE_TYPE_PRIVATE;
    r.protect = protect_from(l.perms);
    r.module_index = MEMSCAPE_NO_INDEX;
    r.thread_index = MEMSCAPE_NO_INDEX;
    if (l.path.n > 0) {
        r.name = memscape_space_strdup(md->space, l.path.p, l.path.n);
        if (!r.name)
            return memscape_fail(md->err, MEMSCAPE_ENOMEM, at, "LinuxMaps: out of memory");
    }
    if (l.path.n > 0 && l.path.p[0] == '[') {
        /* Pseudo-names: [heap], [stack], [stack:tid], [vdso], [anon:...]: anonymous. */
        if (l.path.n == 6 && memcmp(l.path.p, "[heap]", 6) == 0)
            r.usage = MEMSCAPE_USAGE_HEAP;
        else if (l.path.n >= 6 && memcmp(l.path.p, "[stack", 6) == 0)
            r.usage = MEMSCAPE_USAGE_STACK;
    } else if (l.path.n > 0) {
        int image = slice_in(ms->module_names, ms->module_count, l.path) ||
                    slice_in(ms->exec_paths, ms->exec_count, l.path);
        r.type = image ? MEMSCAPE_TYPE_IMAGE : MEMSCAPE_TYPE_MAPPED;
        r.usage = image ? MEMSCAPE_USAGE_IMAGE : MEMSCAPE_USAGE_MAPPED_FILE;
    }
    memscape_status st = memscape_space_add_layout(md->space, &r);
    return st == MEMSCAPE_OK ? st : memscape_mdmp_added(md, st, at, "LinuxMaps");
}

static memscape_status prepare(memscape_mdmp *md, const mdmp_stream *s, maps_state *ms)
{
    each_line(md, s, count_line, ms);
    if (ms->lines > md->limits->max_regions)
        return memscape_fail(md->err, MEMSCAPE_ELIMIT, s->rva, "LinuxMaps: %zu lines exceed "
                             "the limit of %" PRIu32 " regions", ms->lines,
                             md->limits->max_regions);
    size_t modules = md->space->modules.count;
    ms->exec_paths = calloc(ms->lines + 1, sizeof *ms->exec_paths);
    ms->module_names = calloc(modules + 1, sizeof *ms->module_names);
    if (!ms->exec_paths || !ms->module_names)
        return memscape_fail(md->err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "out of memory");
    each_line(md, s, collect_exec_path, ms);
    const memscape_module *m = md->space->modules.items;
    for (size_t i = 0; i < modules; i++)
        ms->module_names[ms->module_count++] = (slice){m[i].name, strlen(m[i].name)};
    qsort(ms->exec_paths, ms->exec_count, sizeof(slice), compare_slice);
    qsort(ms->module_names, ms->module_count, sizeof(slice), compare_slice);
    return MEMSCAPE_OK;
}

memscape_status memscape_mdmp_linux_maps(memscape_mdmp *md)
{
    const mdmp_stream *s = memscape_mdmp_stream(md, MDMP_LINUX_MAPS);
    if (!s || memscape_mdmp_stream(md, MDMP_MEMORY_INFO_LIST))
        return MEMSCAPE_OK;   /* a MemoryInfoList describes the same space; do not add both */
    if (s->size > md->limits->max_text_stream)
        return memscape_fail(md->err, MEMSCAPE_ELIMIT, s->entry + 4, "LinuxMaps: 0x%" PRIx32
                             " bytes exceed the limit of 0x%" PRIx32, s->size,
                             md->limits->max_text_stream);
    maps_state ms;
    memset(&ms, 0, sizeof ms);
    memscape_status st = prepare(md, s, &ms);
    if (st == MEMSCAPE_OK)
        st = each_line(md, s, add_line, &ms);
    if (st == MEMSCAPE_OK && ms.malformed > 0)
        memscape_space_warn(md->space, ms.first_malformed, "LinuxMaps: %zu lines are not "
                            "\"start-end perms offset dev inode [path]\"; skipped",
                            ms.malformed);
    free(ms.exec_paths);
    free(ms.module_names);
    return st;
}
