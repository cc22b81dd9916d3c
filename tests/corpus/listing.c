/* SPDX-License-Identifier: MIT */
/* Parser for the corpus reference listings; see listing.h for the two layouts. */
#include "listing.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stream types whose sections this parser reads (Microsoft minidumpapiset.h MINIDUMP_STREAM_TYPE,
 * Breakpad minidump_format.h and Crashpad minidump_extensions.h). */
enum {
    ST_THREAD_LIST = 3,
    ST_MODULE_LIST = 4,
    ST_MEMORY_LIST = 5,
    ST_EXCEPTION = 6,
    ST_SYSTEM_INFO = 7,
    ST_THREAD_EX_LIST = 8,
    ST_MEMORY64_LIST = 9,
    ST_HANDLE_DATA = 0xc,
    ST_UNLOADED_MODULE_LIST = 0xe,
    ST_MEMORY_INFO_LIST = 0x10,
    ST_THREAD_NAMES = 0x18,
    ST_CRASHPAD_INFO = 0x43500001,
    ST_LINUX_MAPS = 0x47670009
};

/* Where in the listing the current line is. */
typedef enum section {
    SEC_TOP,              /* before the first "==" banner */
    SEC_DIRECTORY,
    SEC_STREAM,           /* a "== [i] Name (type 0x..)" section; see parser.stream_type */
    SEC_SUMMARY,          /* "== memory summary": derived numbers, not read */
    SEC_ELF_OTHER_TOOL,   /* a "#####" tool section other than the two read */
    SEC_ELF_LIST_TOP,
    SEC_ELF_PHDRS,
    SEC_ELF_NOTES,
    SEC_ELF_OTHER,        /* "== threads", "== memory map": derived, not read */
    SEC_ELF_EU_READELF
} section;

typedef struct parser {
    listing *l;
    unsigned line_no;
    char *why;
    size_t why_size;
    section sec;
    uint32_t stream_type;
    /* declared counts, checked against the lines once the file is read; -1: not declared */
    long long declared_streams, declared_threads, declared_modules, declared_memory,
        declared_memory64, declared_unloaded, declared_info, declared_handles,
        declared_thread_names, declared_annotations, declared_maps, declared_phdrs,
        declared_notes, declared_file_maps, declared_elf_threads;
    size_t maps_elided;       /* "... (N more lines)" after the maps lines shown */
    size_t handle_lines;
    size_t notes_seen;
    long long current_note;   /* index of the last "note[i]" line, or -1 */
    size_t eu_prstatus_seen;  /* PRSTATUS notes met in the eu-readelf section */
    int eu_have_nip, eu_have_r1;
    listing_memory *mem64;    /* Memory64List lines, appended after MemoryList at the end */
    size_t mem64_count;
} parser;

/* ---- small tools ------------------------------------------------------------------------- */

static int fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(parser *p, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->why, p->why_size, "line %u: %s", p->line_no, msg);
    return -1;
}

/* Grow *items (of item_size bytes each) so one more fits; returns the new slot, zeroed. */
static void *push(void **items, size_t *count, size_t item_size)
{
    void *grown = realloc(*items, (*count + 1) * item_size);
    if (!grown)
        return NULL;
    *items = grown;
    void *slot = (char *)grown + *count * item_size;
    memset(slot, 0, item_size);
    (*count)++;
    return slot;
}

#define PUSH(p, arr, cnt) push((void **)&(arr), &(cnt), sizeof *(arr))

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Parse an unsigned number: 0x-prefixed hex or decimal (never octal: "010" is ten). */
static int parse_u64(const char *s, const char **end, uint64_t *v)
{
    if (*s == '-' || *s == '+' || *s == ' ' || *s == '\0')
        return -1;
    int base = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;
    char *e;
    errno = 0;
    unsigned long long x = strtoull(s, &e, base);
    if (errno || e == s || (base == 16 && e == s + 2))
        return -1;
    *v = x;
    *end = e;
    return 0;
}

static int parse_i64(const char *s, const char **end, int64_t *v)
{
    int negative = *s == '-';
    uint64_t mag;
    if (parse_u64(s + negative, end, &mag) != 0 || mag > (uint64_t)INT64_MAX)
        return -1;
    *v = negative ? -(int64_t)mag : (int64_t)mag;
    return 0;
}

/* A number inside a line ends at a field separator, never in the middle of a word. */
static int ends_field(char c)
{
    return c == '\0' || c == ' ' || c == '(' || c == ')' || c == ',' || c == ']';
}

/* The text just after `key` where key starts a field (at the line start after spaces, or after
 * a space or '['), so "rva=" does not match inside "ctx_rva=". NULL if absent. */
static const char *find_key(const char *line, const char *key)
{
    size_t n = strlen(key);
    for (const char *s = strstr(line, key); s; s = strstr(s + 1, key)) {
        if (s == line || s[-1] == ' ' || s[-1] == '[')
            return s + n;
    }
    return NULL;
}

static int key_u64(const char *line, const char *key, uint64_t *v)
{
    const char *s = find_key(line, key), *end;
    if (!s || parse_u64(s, &end, v) != 0 || !ends_field(*end))
        return -1;
    return 0;
}

static int key_u32(const char *line, const char *key, uint32_t *v)
{
    uint64_t x;
    if (key_u64(line, key, &x) != 0 || x > UINT32_MAX)
        return -1;
    *v = (uint32_t)x;
    return 0;
}

static int key_i32(const char *line, const char *key, int32_t *v)
{
    const char *s = find_key(line, key), *end;
    int64_t x;
    if (!s || parse_i64(s, &end, &x) != 0 || !ends_field(*end) || x < INT32_MIN ||
        x > INT32_MAX)
        return -1;
    *v = (int32_t)x;
    return 0;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

static int hex_digits(const char *s, int n, uint32_t *v)
{
    uint32_t x = 0;
    for (int i = 0; i < n; i++) {
        char c = s[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (uint32_t)(c - 'A' + 10);
        else
            return -1;
        x = x * 16 + d;
    }
    *v = x;
    return 0;
}

/* Decode a Python repr() string literal at s ('...' or "..."; escapes \\ \' \" \n \r \t \xHH
 * \uHHHH \UHHHHHHHH) into a new UTF-8 string. Returns the text after the closing quote. */
static const char *parse_repr(const char *s, char **out)
{
    char quote = *s;
    if (quote != '\'' && quote != '"')
        return NULL;
    size_t len = strlen(s);
    char *buf = malloc(len * 2 + 1);  /* an escape never grows: \U (10 chars) gives 4 bytes */
    if (!buf)
        return NULL;
    size_t n = 0;
    for (s++; *s && *s != quote; s++) {
        if (*s != '\\') {
            buf[n++] = *s;
            continue;
        }
        s++;
        uint32_t cp;
        int digits = *s == 'x' ? 2 : *s == 'u' ? 4 : *s == 'U' ? 8 : 0;
        if (digits) {
            if (hex_digits(s + 1, digits, &cp) != 0 || cp > 0x10ffff)
                break;
            n += utf8_encode(cp, buf + n);
            s += digits;
        } else if (*s == '\\' || *s == '\'' || *s == '"') {
            buf[n++] = *s;
        } else if (*s == 'n') {
            buf[n++] = '\n';
        } else if (*s == 'r') {
            buf[n++] = '\r';
        } else if (*s == 't') {
            buf[n++] = '\t';
        } else {
            break;
        }
    }
    if (*s != quote) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *out = buf;
    return s + 1;
}

static int key_repr(const char *line, const char *key, char **out)
{
    const char *s = find_key(line, key);
    if (!s || !parse_repr(s, out))
        return -1;
    return 0;
}

/* "[0xLO..0xHI)" at s: the range a line describes. */
static int parse_bracket_range(const char *s, uint64_t *lo, uint64_t *hi)
{
    const char *end;
    if (*s != '[' || parse_u64(s + 1, &end, lo) != 0 || strncmp(end, "..", 2) != 0 ||
        parse_u64(end + 2, &end, hi) != 0 || *end != ')' || *hi < *lo)
        return -1;
    return 0;
}

/* "name[i] " at the line start (after spaces): checks i is the next index. */
static int indexed(parser *p, const char *line, const char *name, size_t expected_index)
{
    const char *s = line + strspn(line, " ");
    size_t n = strlen(name);
    if (strncmp(s, name, n) != 0 || s[n] != '[')
        return 0;
    const char *end;
    uint64_t i;
    if (parse_u64(s + n + 1, &end, &i) != 0 || *end != ']') {
        fail(p, "%s[...]: bad index", name);
        return -1;
    }
    if (i != expected_index) {
        fail(p, "%s[%llu] out of order (expected index %zu)", name, (unsigned long long)i,
             expected_index);
        return -1;
    }
    return 1;
}

/* ---- minidump sections ------------------------------------------------------------------- */

static int directory_line(parser *p, const char *line)
{
    listing *l = p->l;
    unsigned index;
    char name[64];
    unsigned type, size, rva;
    if (sscanf(line, "  [%u] type=0x%x %63s size=0x%x rva=0x%x", &index, &type, name, &size,
               &rva) != 5)
        return fail(p, "stream directory entry not understood");
    if (index != l->stream_count)
        return fail(p, "stream [%u] out of order", index);
    listing_stream *s = PUSH(p, l->streams, l->stream_count);
    if (!s)
        return fail(p, "out of memory");
    s->type = type;
    s->size = size;
    s->rva = rva;
    return 0;
}

static int thread_line(parser *p, const char *line)
{
    listing *l = p->l;
    listing_thread t = {0};
    uint64_t lo, hi;
    const char *stack = find_key(line, "stack=");
    if (key_u32(line, "tid=", &t.id) != 0 || !stack ||
        parse_bracket_range(stack, &lo, &hi) != 0 || key_u64(line, "size=", &t.stack_size) ||
        key_u32(line, "rva=", &t.stack_rva) != 0)
        return fail(p, "thread: tid/stack/size/rva not understood");
    if (hi - lo != t.stack_size)
        return fail(p, "thread: stack range and size disagree");
    t.stack_base = lo;
    if (!((key_u64(line, "eip=", &t.pc) == 0 && key_u64(line, "esp=", &t.sp) == 0) ||
          (key_u64(line, "rip=", &t.pc) == 0 && key_u64(line, "rsp=", &t.sp) == 0)))
        return fail(p, "thread: no eip/esp or rip/rsp");
    listing_thread *slot = PUSH(p, l->threads, l->thread_count);
    if (!slot)
        return fail(p, "out of memory");
    *slot = t;
    return 0;
}

static int parse_version(const char *s, uint16_t v[4])
{
    for (int i = 0; i < 4; i++) {
        const char *end;
        uint64_t x;
        if (parse_u64(s, &end, &x) != 0 || x > UINT16_MAX || *end != (i < 3 ? '.' : ' '))
            return -1;
        v[i] = (uint16_t)x;
        s = end + 1;
    }
    return 0;
}

/* module[i] and unloaded[i] share base/size/checksum/timestamp/name. */
static int module_line(parser *p, const char *line, listing_module *m, int full)
{
    uint64_t end;
    if (key_u64(line, "base=", &m->base) != 0 || key_u64(line, "end=", &end) != 0 ||
        key_u64(line, "size=", &m->size) != 0 || key_u32(line, "checksum=", &m->checksum) ||
        key_u32(line, "timestamp=", &m->timestamp) != 0 || key_repr(line, "name=", &m->name))
        return fail(p, "module: base/size/checksum/timestamp/name not understood");
    if (end - m->base != m->size)
        return fail(p, "module: end - base != size");
    if (!full)
        return 0;
    const char *fv = find_key(line, "filever=");
    if (fv) {
        if (parse_version(fv, m->version) != 0)
            return fail(p, "module: filever not understood");
        m->has_version = 1;
    }
    const char *id = find_key(line, "debug_id=");
    if (id) {
        size_t n = strcspn(id, " ");
        m->debug_id = strndup(id, n);
        if (!m->debug_id || n == 0)
            return fail(p, "module: empty debug_id");
    }
    return 0;
}

static int memory_line(parser *p, const char *line, int is64)
{
    listing *l = p->l;
    const char *range = strchr(line, '[');
    range = range ? strchr(range + 1, '[') : NULL;  /* skip "mem[i]" */
    listing_memory m = {0};
    uint64_t lo, hi;
    if (!range || parse_bracket_range(range, &lo, &hi) != 0 ||
        key_u64(line, "size=", &m.size) != 0 ||
        key_u64(line, is64 ? "rva(computed)=" : "rva=", &m.rva) != 0)
        return fail(p, "%s: range/size/rva not understood", is64 ? "mem64" : "mem");
    if (hi - lo != m.size)
        return fail(p, "memory range and size disagree");
    m.base = lo;
    m.is_memory64 = is64;
    listing_memory *slot = is64 ? PUSH(p, p->mem64, p->mem64_count)
                                : PUSH(p, l->memory, l->memory_count);
    if (!slot)
        return fail(p, "out of memory");
    m.index = (uint32_t)((is64 ? p->mem64_count : l->memory_count) - 1);
    *slot = m;
    return 0;
}

static int exception_line(parser *p, const char *line)
{
    listing_exception *e = &p->l->exception;
    const char *s = line + strspn(line, " ");
    if (starts_with(s, "thread_id=")) {
        e->present = 1;
        if (key_u32(line, "thread_id=", &e->thread_id) || key_u32(line, "code=", &e->code) ||
            key_u32(line, "flags=", &e->flags) || key_u64(line, "address=", &e->address) ||
            key_u32(line, "nparams=", &e->parameter_count))
            return fail(p, "exception: thread_id/code/flags/address/nparams not understood");
        return 0;
    }
    if (starts_with(s, "params=[")) {
        s += strlen("params=[");
        while (*s != ']') {
            const char *end;
            uint64_t *slot = &e->parameters[e->parameters_listed];
            if (e->parameters_listed == 15 || parse_u64(s, &end, slot) != 0)
                return fail(p, "exception: params not understood");
            e->parameters_listed++;
            s = end;
            if (strncmp(s, ", ", 2) == 0)
                s += 2;
            else if (*s != ']')
                return fail(p, "exception: params not understood");
        }
        return 0;
    }
    if (starts_with(s, "context ")) {
        if (!((key_u64(line, "eip=", &e->pc) == 0 && key_u64(line, "esp=", &e->sp) == 0) ||
              (key_u64(line, "rip=", &e->pc) == 0 && key_u64(line, "rsp=", &e->sp) == 0)))
            return fail(p, "exception context: no eip/esp or rip/rsp");
        e->has_context = 1;
        return 0;
    }
    return fail(p, "unexpected line in the Exception section");
}

static int system_line(parser *p, const char *line)
{
    listing_system *sys = &p->l->system;
    const char *s = line + strspn(line, " ");
    if (starts_with(s, "ProcessorArchitecture=")) {
        sys->present = 1;
        if (key_u32(line, "ProcessorArchitecture=", &sys->arch) != 0 ||
            key_u32(line, "NumberOfProcessors=", &sys->cpu_count) != 0)
            return fail(p, "SystemInfo: architecture/processors not understood");
        return 0;
    }
    if (starts_with(s, "Version=")) {
        if (sscanf(s, "Version=%u.%u.%u ", &sys->major, &sys->minor, &sys->build) != 3 ||
            key_u32(line, "PlatformId=", &sys->platform) != 0)
            return fail(p, "SystemInfo: Version/PlatformId not understood");
        return 0;
    }
    if (starts_with(s, "cpu: "))
        return 0;
    return fail(p, "unexpected line in the SystemInfo section");
}

static int memory_info_line(parser *p, const char *line)
{
    listing *l = p->l;
    listing_memory_info m = {0};
    uint64_t end;
    if (key_u64(line, "base=", &m.base) != 0 || key_u64(line, "end=", &end) != 0 ||
        key_u64(line, "size=", &m.size) != 0 || key_u32(line, "state=", &m.state) != 0 ||
        key_u32(line, "protect=", &m.protect) != 0 || key_u32(line, "type=", &m.type) != 0)
        return fail(p, "info: base/size/state/protect/type not understood");
    if (end - m.base != m.size)
        return fail(p, "info: end - base != size");
    listing_memory_info *slot = PUSH(p, l->memory_info, l->memory_info_count);
    if (!slot)
        return fail(p, "out of memory");
    *slot = m;
    return 0;
}

static int handle_line(parser *p, const char *line)
{
    listing *l = p->l;
    char *type;
    if (key_repr(line, "type=", &type) != 0)
        return fail(p, "handle: type not understood");
    p->handle_lines++;
    for (size_t i = 0; i < l->handle_type_count; i++) {
        if (strcmp(l->handle_types[i].type, type) == 0) {
            l->handle_types[i].count++;
            free(type);
            return 0;
        }
    }
    listing_handle_type *slot = PUSH(p, l->handle_types, l->handle_type_count);
    if (!slot) {
        free(type);
        return fail(p, "out of memory");
    }
    slot->type = type;
    slot->count = 1;
    return 0;
}

static int thread_name_line(parser *p, const char *line)
{
    listing *l = p->l;
    listing_thread_name *t = PUSH(p, l->thread_names, l->thread_name_count);
    if (!t)
        return fail(p, "out of memory");
    if (key_u32(line, "tid=", &t->thread_id) != 0 || key_repr(line, "name=", &t->name) != 0)
        return fail(p, "tname: tid/name not understood");
    return 0;
}

static int annotation_line(parser *p, const char *line)
{
    listing *l = p->l;
    listing_annotation *a = PUSH(p, l->annotations, l->annotation_count);
    if (!a)
        return fail(p, "out of memory");
    const char *s = parse_repr(line + strspn(line, " "), &a->key);
    if (!s || strncmp(s, " = ", 3) != 0 || !(s = parse_repr(s + 3, &a->value)) || *s)
        return fail(p, "annotation: 'key' = 'value' not understood");
    return 0;
}

/* A /proc/self/maps line as the listing quotes it: "  | lo-hi perms offset dev inode path". */
static int maps_line(parser *p, const char *line)
{
    listing *l = p->l;
    const char *s = line + strlen("  | "), *end;
    uint64_t elided;
    if (starts_with(s, "... (") && parse_u64(s + 5, &end, &elided) == 0 &&
        strcmp(end, " more lines)") == 0) {
        p->maps_elided += elided;
        return 0;
    }
    /* maps addresses are bare hex, without 0x */
    listing_range r;
    char *e;
    errno = 0;
    r.lo = strtoull(s, &e, 16);
    if (errno || e == s || *e != '-')
        goto bad;
    s = e + 1;
    r.hi = strtoull(s, &e, 16);
    if (errno || e == s || *e != ' ' || r.hi <= r.lo)
        goto bad;
    listing_range *slot = PUSH(p, l->maps, l->maps_count);
    if (!slot)
        return fail(p, "out of memory");
    *slot = r;
    return 0;
bad:
    return fail(p, "LinuxMaps line not understood");
}

static int stream_line(parser *p, const char *line)
{
    listing *l = p->l;
    const char *s = line + strspn(line, " ");
    int r;
    if (strcmp(s, "(not decoded)") == 0 || strcmp(s, "(4 bytes of padding after count)") == 0)
        return 0;
    switch (p->stream_type) {
    case ST_THREAD_LIST:
        l->has_thread_list = 1;
        if (sscanf(s, "NumberOfThreads=%lld ", &p->declared_threads) == 1)
            return 0;
        if ((r = indexed(p, line, "thread", l->thread_count)) != 0)
            return r < 0 ? -1 : thread_line(p, line);
        break;
    case ST_MODULE_LIST:
        if (sscanf(s, "NumberOfModules=%lld ", &p->declared_modules) == 1)
            return 0;
        if ((r = indexed(p, line, "module", l->module_count)) != 0) {
            listing_module *m = r < 0 ? NULL : PUSH(p, l->modules, l->module_count);
            return m ? module_line(p, line, m, 1) : -1;
        }
        break;
    case ST_MEMORY_LIST:
        if (sscanf(s, "NumberOfMemoryRanges=%lld", &p->declared_memory) == 1)
            return 0;
        if ((r = indexed(p, line, "mem", l->memory_count)) != 0)
            return r < 0 ? -1 : memory_line(p, line, 0);
        break;
    case ST_MEMORY64_LIST:
        if (sscanf(s, "NumberOfMemoryRanges=%lld BaseRva=", &p->declared_memory64) == 1)
            return 0;
        if ((r = indexed(p, line, "mem64", p->mem64_count)) != 0)
            return r < 0 ? -1 : memory_line(p, line, 1);
        break;
    case ST_EXCEPTION:
        return exception_line(p, line);
    case ST_SYSTEM_INFO:
        return system_line(p, line);
    case ST_HANDLE_DATA:
        l->has_handles = 1;
        if (starts_with(s, "SizeOfHeader=")) {
            uint32_t n;
            if (key_u32(line, "NumberOfDescriptors=", &n) != 0)
                return fail(p, "HandleData: NumberOfDescriptors not understood");
            l->handle_count = n;
            p->declared_handles = n;
            return 0;
        }
        if ((r = indexed(p, line, "handle", p->handle_lines)) != 0)
            return r < 0 ? -1 : handle_line(p, line);
        break;
    case ST_UNLOADED_MODULE_LIST:
        l->has_unloaded_list = 1;
        if (starts_with(s, "SizeOfHeader=")) {
            const char *n = find_key(line, "NumberOfEntries=");
            return n && sscanf(n, "%lld", &p->declared_unloaded) == 1
                       ? 0 : fail(p, "UnloadedModuleList header not understood");
        }
        if ((r = indexed(p, line, "unloaded", l->unloaded_count)) != 0) {
            listing_module *m = r < 0 ? NULL : PUSH(p, l->unloaded, l->unloaded_count);
            return m ? module_line(p, line, m, 0) : -1;
        }
        break;
    case ST_MEMORY_INFO_LIST:
        l->has_memory_info = 1;
        if (starts_with(s, "SizeOfHeader=")) {
            const char *n = find_key(line, "NumberOfEntries=");
            return n && sscanf(n, "%lld", &p->declared_info) == 1
                       ? 0 : fail(p, "MemoryInfoList header not understood");
        }
        if ((r = indexed(p, line, "info", l->memory_info_count)) != 0)
            return r < 0 ? -1 : memory_info_line(p, line);
        break;
    case ST_THREAD_NAMES:
        if (sscanf(s, "NumberOfThreadNames=%lld ", &p->declared_thread_names) == 1)
            return 0;
        if ((r = indexed(p, line, "tname", l->thread_name_count)) != 0)
            return r < 0 ? -1 : thread_name_line(p, line);
        break;
    case ST_CRASHPAD_INFO:
        if (starts_with(s, "version="))
            return 0;
        if (sscanf(s, "simple_annotations: %lld", &p->declared_annotations) == 1)
            return 0;
        if (starts_with(line, "    '") || starts_with(line, "    \""))
            return annotation_line(p, line);
        break;
    case ST_LINUX_MAPS:
        l->has_linux_maps = 1;
        if (sscanf(s, "maps: %lld lines", &p->declared_maps) == 1)
            return 0;
        if (starts_with(line, "  | "))
            return maps_line(p, line);
        break;
    case ST_THREAD_EX_LIST:
        return fail(p, "ThreadExList sections are not read by this parser");
    default:
        return 0;  /* a stream whose contents the checks do not use */
    }
    return fail(p, "unexpected line in the section of stream type 0x%x", p->stream_type);
}

static int minidump_banner(parser *p, const char *line)
{
    long long n;
    unsigned index, type;
    if (sscanf(line, "== stream directory (%lld entries)", &n) == 1) {
        p->sec = SEC_DIRECTORY;
        p->declared_streams = n;
    } else if (sscanf(line, "== [%u] %*s (type 0x%x)", &index, &type) == 2) {
        p->sec = SEC_STREAM;
        p->stream_type = type;
    } else if (strcmp(line, "== memory summary") == 0) {
        p->sec = SEC_SUMMARY;
    } else {
        return fail(p, "unknown section banner");
    }
    return 0;
}

static int minidump_line(parser *p, const char *line)
{
    if (starts_with(line, "== "))
        return minidump_banner(p, line);
    switch (p->sec) {
    case SEC_TOP:
        if (starts_with(line, "file: ") || starts_with(line, "header: "))
            return 0;
        if (starts_with(line, "not a minidump")) {
            p->l->kind = LISTING_NOT_A_DUMP;
            return 0;
        }
        if (sscanf(line, "file_size: %llu ", (unsigned long long *)&p->l->file_size) == 1)
            return 0;
        return fail(p, "unexpected line before the first section");
    case SEC_DIRECTORY:
        return directory_line(p, line);
    case SEC_STREAM:
        return stream_line(p, line);
    default:
        return 0;
    }
}

/* ---- ELF core sections ------------------------------------------------------------------- */

static int elf_header_line(parser *p, const char *line)
{
    listing *l = p->l;
    if (starts_with(line, "file: "))
        return 0;
    if (sscanf(line, "file_size: %llu ", (unsigned long long *)&l->file_size) == 1)
        return 0;
    if (!starts_with(line, "elf: "))
        return fail(p, "unexpected line in the ELF header part");
    const char *cls = find_key(line, "class=");
    const char *data = find_key(line, "data=");
    if (!cls || !data || key_u32(line, "machine=", &l->machine) != 0)
        return fail(p, "elf: class/data/machine not understood");
    if (starts_with(cls, "ELF32 "))
        l->elf_class = 32;
    else if (starts_with(cls, "ELF64 "))
        l->elf_class = 64;
    else
        return fail(p, "elf: unknown class");
    if (starts_with(data, "LE "))
        l->big_endian = 0;
    else if (starts_with(data, "BE "))
        l->big_endian = 1;
    else
        return fail(p, "elf: unknown data encoding");
    return 0;
}

static int phdr_line(parser *p, const char *line)
{
    listing *l = p->l;
    int r = indexed(p, line, "ph", l->phdr_count);
    if (r <= 0)
        return r < 0 ? -1 : fail(p, "unexpected line among the program headers");
    listing_phdr *ph = PUSH(p, l->phdrs, l->phdr_count);
    if (!ph)
        return fail(p, "out of memory");
    char type[16];
    uint64_t end;
    ph->index = (uint32_t)(l->phdr_count - 1);
    if (sscanf(line, "  ph[%*u] %15s %3s ", type, ph->flags) != 2 ||
        key_u64(line, "vaddr=", &ph->vaddr) != 0 || key_u64(line, "end=", &end) != 0 ||
        key_u64(line, "memsz=", &ph->memsz) != 0 || key_u64(line, "filesz=", &ph->filesz) ||
        key_u64(line, "offset=", &ph->offset) != 0)
        return fail(p, "ph: type/flags/vaddr/memsz/filesz/offset not understood");
    if (end - ph->vaddr != ph->memsz)
        return fail(p, "ph: end - vaddr != memsz");
    ph->is_load = strcmp(type, "LOAD") == 0;
    return 0;
}

static int prstatus_line(parser *p, const char *line)
{
    listing *l = p->l;
    listing_prstatus *pr = PUSH(p, l->prstatus, l->prstatus_count);
    if (!pr)
        return fail(p, "out of memory");
    pr->note_index = (uint32_t)p->current_note;
    if (key_i32(line, "cursig=", &pr->cursig) != 0 || key_u32(line, "pid(lwp)=", &pr->pid))
        return fail(p, "prstatus: cursig/pid not understood");
    static const char *const pairs[][2] = {{"rip=", "rsp="}, {"eip=", "esp="}, {"pc=", "sp="}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if (find_key(line, pairs[i][0])) {
            if (key_u64(line, pairs[i][0], &pr->pc) != 0 ||
                key_u64(line, pairs[i][1], &pr->sp) != 0)
                return fail(p, "prstatus: %s%s not understood", pairs[i][0], pairs[i][1]);
            pr->has_pc_sp = 1;
        }
    }
    return 0;
}

static int file_map_line(parser *p, const char *line)
{
    listing *l = p->l;
    listing_file_map *f = PUSH(p, l->file_maps, l->file_map_count);
    if (!f)
        return fail(p, "out of memory");
    const char *range = strchr(line, ']');
    const char *path = strstr(line, " bytes) ");
    if (!range || parse_bracket_range(range + 2, &f->start, &f->end) != 0 || !path ||
        !path[8])
        return fail(p, "file[]: range/path not understood");
    f->path = strdup(path + 8);
    return f->path ? 0 : fail(p, "out of memory");
}

static int note_line(parser *p, const char *line)
{
    listing *l = p->l;
    const char *s = line + strspn(line, " ");
    int r;
    if ((r = indexed(p, line, "note", p->notes_seen)) != 0) {
        if (r < 0)
            return -1;
        p->current_note = (long long)p->notes_seen++;
        return 0;
    }
    if (p->current_note < 0)
        return fail(p, "note detail before any note[] line");
    if (starts_with(s, "prstatus: "))
        return prstatus_line(p, line);
    if (starts_with(s, "prpsinfo: ")) {
        free(l->process_name);
        l->process_name = NULL;
        return key_repr(line, "fname=", &l->process_name) == 0
                   ? 0 : fail(p, "prpsinfo: fname not understood");
    }
    if (starts_with(s, "siginfo: ")) {
        listing_siginfo *si = PUSH(p, l->siginfo, l->siginfo_count);
        if (!si)
            return fail(p, "out of memory");
        si->note_index = (uint32_t)p->current_note;
        if (key_i32(line, "si_signo=", &si->signo) != 0 ||
            key_i32(line, "si_code=", &si->code) != 0 ||
            key_u64(line, "si_addr(if fault)=", &si->addr) != 0)
            return fail(p, "siginfo: si_signo/si_code/si_addr not understood");
        return 0;
    }
    if (starts_with(s, "NT_FILE: ")) {
        l->has_nt_file = 1;
        const char *n = find_key(line, "count=");
        return n && sscanf(n, "%lld", &p->declared_file_maps) == 1
                   ? 0 : fail(p, "NT_FILE: count not understood");
    }
    if ((r = indexed(p, line, "file", l->file_map_count)) != 0)
        return r < 0 ? -1 : file_map_line(p, line);
    if (starts_with(s, "auxv("))
        return 0;
    return fail(p, "unexpected line among the notes");
}

static int elf_banner(parser *p, const char *line)
{
    long long n;
    if (sscanf(line, "== program headers: %lld total", &n) == 1) {
        p->sec = SEC_ELF_PHDRS;
        p->declared_phdrs = n;
    } else if (sscanf(line, "== notes: %lld", &n) == 1) {
        p->sec = SEC_ELF_NOTES;
        p->declared_notes = n;
    } else if (sscanf(line, "== threads (NT_PRSTATUS count): %lld", &n) == 1) {
        p->sec = SEC_ELF_OTHER;
        p->declared_elf_threads = n;
    } else if (starts_with(line, "== memory map")) {
        p->sec = SEC_ELF_OTHER;
    } else {
        return fail(p, "unknown section banner");
    }
    return 0;
}

/* eu-readelf prints a register as 0x-hex or as (possibly negative) decimal. */
static int eu_register(const char *line, const char *name, uint64_t *v)
{
    const char *s = find_key(line, name), *end;
    if (!s)
        return 1;
    s += strspn(s, " ");
    int64_t x;
    if (parse_i64(s, &end, &x) == 0 && (*end == '\0' || *end == ' ' || *end == ',')) {
        *v = (uint64_t)x;
        return 0;
    }
    if (parse_u64(s, &end, v) == 0 && (*end == '\0' || *end == ' ' || *end == ','))
        return 0;
    return -1;
}

/* ppc64 prstatus has no pc/sp in the elfcore_list.py section: take eu-readelf's nip and r1,
 * PRSTATUS notes matched by order. */
static int eu_readelf_line(parser *p, const char *line)
{
    listing *l = p->l;
    char owner[32], type[32], extra;
    unsigned size;
    if (sscanf(line, " %31s %u %31s %c", owner, &size, type, &extra) == 3 &&
        strcmp(type, "PRSTATUS") == 0) {
        p->eu_prstatus_seen++;
        p->eu_have_nip = p->eu_have_r1 = 0;
        return 0;
    }
    if (p->eu_prstatus_seen == 0 || p->eu_prstatus_seen > l->prstatus_count)
        return 0;
    listing_prstatus *pr = &l->prstatus[p->eu_prstatus_seen - 1];
    if (pr->has_pc_sp)
        return 0;
    uint64_t v;
    int r = eu_register(line, "nip:", &v);
    if (r < 0)
        return fail(p, "eu-readelf nip not understood");
    if (r == 0) {
        pr->pc = v;
        p->eu_have_nip = 1;
    }
    r = eu_register(line, "r1:", &v);
    if (r < 0)
        return fail(p, "eu-readelf r1 not understood");
    if (r == 0) {
        pr->sp = v;
        p->eu_have_r1 = 1;
    }
    pr->has_pc_sp = p->eu_have_nip && p->eu_have_r1;
    return 0;
}

static int elf_line(parser *p, const char *line)
{
    if (starts_with(line, "##### ")) {
        if (starts_with(line, "##### elfcore_list.py"))
            p->sec = SEC_ELF_LIST_TOP;
        else if (starts_with(line, "##### eu-readelf"))
            p->sec = SEC_ELF_EU_READELF;
        else
            p->sec = SEC_ELF_OTHER_TOOL;
        return 0;
    }
    if (p->sec == SEC_ELF_EU_READELF)
        return eu_readelf_line(p, line);
    if (p->sec == SEC_ELF_OTHER_TOOL || p->sec == SEC_TOP)
        return 0;
    if (starts_with(line, "== "))
        return elf_banner(p, line);
    switch (p->sec) {
    case SEC_ELF_LIST_TOP:
        return elf_header_line(p, line);
    case SEC_ELF_PHDRS:
        return phdr_line(p, line);
    case SEC_ELF_NOTES:
        return note_line(p, line);
    default:
        return 0;
    }
}

/* ---- the whole file ---------------------------------------------------------------------- */

static int check_count(parser *p, const char *what, long long declared, size_t parsed)
{
    if (declared >= 0 && (unsigned long long)declared != parsed)
        return fail(p, "%s: the listing declares %lld but shows %zu", what, declared, parsed);
    return 0;
}

static int finish_minidump(parser *p)
{
    listing *l = p->l;
    if (check_count(p, "stream directory", p->declared_streams, l->stream_count) ||
        check_count(p, "threads", p->declared_threads, l->thread_count) ||
        check_count(p, "modules", p->declared_modules, l->module_count) ||
        check_count(p, "MemoryList ranges", p->declared_memory, l->memory_count) ||
        check_count(p, "Memory64List ranges", p->declared_memory64, p->mem64_count) ||
        check_count(p, "unloaded modules", p->declared_unloaded, l->unloaded_count) ||
        check_count(p, "memory info entries", p->declared_info, l->memory_info_count) ||
        check_count(p, "handles", p->declared_handles, p->handle_lines) ||
        check_count(p, "thread names", p->declared_thread_names, l->thread_name_count) ||
        check_count(p, "annotations", p->declared_annotations, l->annotation_count) ||
        check_count(p, "maps lines", p->declared_maps, l->maps_count + p->maps_elided))
        return -1;
    if (p->maps_elided)
        return fail(p, "LinuxMaps: %zu lines elided; cannot check them", p->maps_elided);
    for (size_t i = 0; i < p->mem64_count; i++) {
        listing_memory *m = PUSH(p, l->memory, l->memory_count);
        if (!m)
            return fail(p, "out of memory");
        *m = p->mem64[i];
    }
    return 0;
}

static int finish_elf(parser *p)
{
    listing *l = p->l;
    if (l->elf_class == 0)
        return fail(p, "no elfcore_list.py section with an elf: line");
    if (check_count(p, "program headers", p->declared_phdrs, l->phdr_count) ||
        check_count(p, "notes", p->declared_notes, p->notes_seen) ||
        check_count(p, "NT_FILE entries", p->declared_file_maps, l->file_map_count) ||
        check_count(p, "threads", p->declared_elf_threads, l->prstatus_count))
        return -1;
    for (size_t i = 0; i < l->prstatus_count; i++)
        if (!l->prstatus[i].has_pc_sp)
            return fail(p, "prstatus %zu: no pc/sp in elfcore_list.py nor nip/r1 in eu-readelf",
                        i);
    return 0;
}

static int parse_lines(parser *p, char *text)
{
    int is_elf = starts_with(text, "##### ");
    p->l->kind = is_elf ? LISTING_ELF_CORE : LISTING_MINIDUMP;
    if (!is_elf && !starts_with(text, "file: "))
        return fail(p, "neither a minidump listing nor an ELF core listing");
    char *line = text;
    while (line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r')
            line[n - 1] = '\0';
        p->line_no++;
        if (line[0] && (is_elf ? elf_line(p, line) : minidump_line(p, line)) != 0)
            return -1;
        line = nl ? nl + 1 : NULL;
    }
    p->line_no++;
    return is_elf ? finish_elf(p) : finish_minidump(p);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 4096) {
            char *grown = realloc(text, cap + 65536);
            if (!grown) {
                free(text);
                fclose(f);
                return NULL;
            }
            text = grown;
            cap += 65536;
        }
        size_t got = fread(text + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(text);
        return NULL;
    }
    /* An embedded NUL (binary junk quoted from a broken dump) ends that line early. */
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\0')
            text[i] = '?';
    text[len] = '\0';
    return text;
}

int listing_parse_file(const char *path, listing *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof *out);
    parser p = {.l = out, .why = why, .why_size = why_size, .sec = SEC_TOP, .current_note = -1};
    long long *declared[] = {
        &p.declared_streams, &p.declared_threads, &p.declared_modules, &p.declared_memory,
        &p.declared_memory64, &p.declared_unloaded, &p.declared_info, &p.declared_handles,
        &p.declared_thread_names, &p.declared_annotations, &p.declared_maps,
        &p.declared_phdrs, &p.declared_notes, &p.declared_file_maps, &p.declared_elf_threads};
    for (size_t i = 0; i < sizeof declared / sizeof declared[0]; i++)
        *declared[i] = -1;
    char *text = read_text(path);
    if (!text) {
        snprintf(why, why_size, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    int r = parse_lines(&p, text);
    free(text);
    free(p.mem64);
    if (r != 0)
        listing_free(out);
    return r;
}

static void free_modules(listing_module *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].name);
        free(m[i].debug_id);
    }
    free(m);
}

void listing_free(listing *l)
{
    free(l->streams);
    free_modules(l->modules, l->module_count);
    free_modules(l->unloaded, l->unloaded_count);
    free(l->threads);
    for (size_t i = 0; i < l->thread_name_count; i++)
        free(l->thread_names[i].name);
    free(l->thread_names);
    free(l->memory);
    free(l->memory_info);
    for (size_t i = 0; i < l->handle_type_count; i++)
        free(l->handle_types[i].type);
    free(l->handle_types);
    for (size_t i = 0; i < l->annotation_count; i++) {
        free(l->annotations[i].key);
        free(l->annotations[i].value);
    }
    free(l->annotations);
    free(l->maps);
    free(l->phdrs);
    free(l->prstatus);
    free(l->siginfo);
    for (size_t i = 0; i < l->file_map_count; i++)
        free(l->file_maps[i].path);
    free(l->file_maps);
    free(l->process_name);
    memset(l, 0, sizeof *l);
}
