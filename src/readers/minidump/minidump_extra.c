/* SPDX-License-Identifier: MIT */
/* Minidump streams beside the lists: Exception, HandleData, CommentStreamA/W, CrashpadInfo
 * annotations, and Breakpad's Linux streams (LinuxCmdLine, LinuxProcStatus, LinuxMaps).
 * Layouts from minidumpapiset.h, Breakpad's minidump_format.h and Crashpad's
 * minidump_extensions.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minidump_internal.h"

/* ---- Exception --------------------------------------------------------------------------- */

/* MINIDUMP_EXCEPTION_STREAM: ThreadId@0, pad@4, MINIDUMP_EXCEPTION@8 {ExceptionCode@8,
 * ExceptionFlags@12, ExceptionRecord@16, ExceptionAddress@24, NumberParameters@32, pad@36,
 * ExceptionInformation[15]@40}, ThreadContext@160 {u32 DataSize, u32 Rva}. */
memscape_status memscape_mdmp_exception(memscape_mdmp *md)
{
    const mdmp_stream *s = memscape_mdmp_stream(md, MDMP_EXCEPTION);
    if (!s)
        return MEMSCAPE_OK;
    memscape_cursor c = memscape_mdmp_window(md, s);
    memscape_exception e;
    memset(&e, 0, sizeof e);
    e.thread_id = memscape_cursor_u32_rel(&c, 0);
    e.code = memscape_cursor_u32_rel(&c, 8);
    e.flags = memscape_cursor_u32_rel(&c, 12);
    e.address = memscape_cursor_u64_rel(&c, 24);
    e.parameter_count = memscape_cursor_u32_rel(&c, 32);
    /* Windows never records more than EXCEPTION_MAXIMUM_PARAMETERS (15) and the stream has
     * room for no more. A larger count is kept to the 15 that are there, with a warning: the
     * rest of the exception is still worth showing. */
    if (e.parameter_count > MEMSCAPE_MAX_EXCEPTION_PARAMETERS) {
        memscape_space_warn(md->space, (uint64_t)s->rva + 32, "Exception: NumberParameters %"
                            PRIu32 " is more than the %d the stream holds; clipped",
                            e.parameter_count, MEMSCAPE_MAX_EXCEPTION_PARAMETERS);
        e.parameter_count = MEMSCAPE_MAX_EXCEPTION_PARAMETERS;
    }
    for (uint32_t i = 0; i < e.parameter_count; i++)
        e.parameters[i] = memscape_cursor_u64_rel(&c, 40 + 8 * (uint64_t)i);
    /* Breakpad on Linux and Android writes the signal number as the code, si_code as flags. */
    e.is_signal = md->platform == MDMP_PLATFORM_LINUX || md->platform == MDMP_PLATFORM_ANDROID;
    /* The exception's own context, not the thread's: in a Windows dump the ThreadList context
     * of the crashing thread is where the dump writer stopped it. */
    e.has_context = memscape_mdmp_context(md, memscape_cursor_u32_rel(&c, 160),
                                          memscape_cursor_u32_rel(&c, 164),
                                          (uint64_t)s->rva + 160, "Exception", &e.pc, &e.sp);
    memscape_space_set_exception(md->space, &e);
    return MEMSCAPE_OK;
}

/* ---- HandleData -------------------------------------------------------------------------- */

#define HANDLE_DESCRIPTOR_SIZE 32u   /* MINIDUMP_HANDLE_DESCRIPTOR; _2 is 40 */
#define HANDLE_TYPE_MAX 256u         /* bytes kept of a type name ("WaitCompletionPacket") */

/* MINIDUMP_HANDLE_DATA_STREAM: SizeOfHeader@0 SizeOfDescriptor@4 NumberOfDescriptors@8
 * Reserved@12; each descriptor: Handle@0 (u64) TypeNameRva@8 ObjectNameRva@12 ... */
memscape_status memscape_mdmp_handles(memscape_mdmp *md)
{
    const mdmp_stream *s = memscape_mdmp_stream(md, MDMP_HANDLE_DATA);
    if (!s)
        return MEMSCAPE_OK;
    mdmp_table tab = {0}; /* read even when the table check fails */
    memscape_status st = memscape_mdmp_table(md, s, 16, HANDLE_DESCRIPTOR_SIZE, 0,
                                             md->limits->max_handles, &tab);
    if (st != MEMSCAPE_OK)
        return st;
    md->space->handles.present = 1;
    char type[HANDLE_TYPE_MAX];
    uint64_t last_rva = 0;
    int have_last = 0;
    for (uint32_t i = 0; i < tab.count; i++) {
        uint64_t at = tab.first + (uint64_t)i * tab.entry;
        uint64_t rva = memscape_cursor_uint_at(&md->file, at + 8, 4);
        /* Descriptors of one type usually share the type name's RVA: decode it once. */
        if (!have_last || rva != last_rva)
            have_last = memscape_mdmp_string_buf(md, rva, "HandleData type name", type,
                                                 sizeof type);
        last_rva = rva;
        st = memscape_space_count_handle(md->space, have_last ? type : NULL);
        if (st != MEMSCAPE_OK)
            return memscape_mdmp_added(md, st, at, "HandleData");
    }
    return MEMSCAPE_OK;
}

/* ---- comments ---------------------------------------------------------------------------- */

static memscape_status add_comment(memscape_mdmp *md, const mdmp_stream *s, int wide)
{
    if (!s || s->size == 0)
        return MEMSCAPE_OK;
    const uint8_t *p = md->file.file + s->rva;
    const char *text = wide ? memscape_space_strdup_utf16(md->space, p, s->size, 0)
                            : memscape_space_strdup(md->space, (const char *)p, s->size);
    if (!text)
        return memscape_fail(md->err, MEMSCAPE_ENOMEM, s->rva, "%s: out of memory", s->name);
    if (!*text)
        return MEMSCAPE_OK;
    memscape_status st = memscape_space_add_note(md->space, NULL, text);
    return st == MEMSCAPE_OK ? st : memscape_mdmp_added(md, st, s->rva, s->name);
}

/* CommentStreamA: ANSI text; CommentStreamW: UTF-16LE text; both NUL-terminated or not. */
memscape_status memscape_mdmp_comments(memscape_mdmp *md)
{
    memscape_status st = add_comment(md, memscape_mdmp_stream(md, MDMP_COMMENT_A), 0);
    return st == MEMSCAPE_OK ? add_comment(md, memscape_mdmp_stream(md, MDMP_COMMENT_W), 1)
                             : st;
}

/* ---- CrashpadInfo ------------------------------------------------------------------------ */

/* A LOCATION_DESCRIPTOR {u32 DataSize, u32 Rva} inside a Crashpad structure. */
typedef struct location {
    uint32_t size;
    uint32_t rva;
    uint64_t at;             /* where the descriptor itself is */
} location;

static location location_at(memscape_mdmp *md, uint64_t at)
{
    location l = {(uint32_t)memscape_cursor_uint_at(&md->file, at, 4),
                  (uint32_t)memscape_cursor_uint_at(&md->file, at + 4, 4), at};
    return l;
}

/* Check a located u32-count list: 0 bytes is an empty list; past EOF warns (returns 0 in
 * *count); a count that does not fit is corrupt; above limit is an error. */
static memscape_status located_list(memscape_mdmp *md, location l, uint32_t entry,
                                    uint32_t limit, const char *what, uint32_t *count)
{
    *count = 0;
    if (l.size == 0)
        return MEMSCAPE_OK;
    if (!memscape_in_bounds(l.rva, l.size, md->file.file_size)) {
        memscape_space_warn(md->space, l.at, "%s: 0x%" PRIx32 " bytes at 0x%" PRIx32 " run "
                            "past the end of the file; skipped", what, l.size, l.rva);
        return MEMSCAPE_OK;
    }
    if (l.size < 4)
        return memscape_fail(md->err, MEMSCAPE_ECORRUPT, l.at, "%s: 0x%" PRIx32 " bytes "
                             "cannot hold its count", what, l.size);
    uint32_t n = (uint32_t)memscape_cursor_uint_at(&md->file, l.rva, 4);
    if ((uint64_t)n * entry > l.size - 4u)
        return memscape_fail(md->err, MEMSCAPE_ECORRUPT, l.rva, "%s: %" PRIu32 " entries of %"
                             PRIu32 " bytes do not fit in 0x%" PRIx32 " bytes", what, n, entry,
                             l.size);
    if (n > limit)
        return memscape_fail(md->err, MEMSCAPE_ELIMIT, l.rva, "%s: %" PRIu32 " entries exceed "
                             "the limit of %" PRIu32, what, n, limit);
    *count = n;
    return MEMSCAPE_OK;
}

/* MinidumpUTF8String: u32 Length (bytes, without the NUL) + UTF-8. NULL (warned) past EOF. */
static memscape_status utf8_string(memscape_mdmp *md, uint64_t rva, const char *what,
                                   const char **out)
{
    *out = NULL;
    uint64_t size = md->file.file_size;
    uint64_t len = memscape_in_bounds(rva, 4, size) ? memscape_cursor_uint_at(&md->file, rva, 4)
                                                    : 0;
    if (!memscape_in_bounds(rva, 4, size) || !memscape_in_bounds(rva + 4, len, size)) {
        memscape_space_warn(md->space, rva, "%s: string at 0x%" PRIx64 " runs past the end "
                            "of the file", what, rva);
        return MEMSCAPE_OK;
    }
    *out = memscape_space_strdup(md->space, (const char *)md->file.file + rva + 4, len);
    return *out ? MEMSCAPE_OK
                : memscape_fail(md->err, MEMSCAPE_ENOMEM, rva, "%s: out of memory", what);
}

static memscape_status add_annotation(memscape_mdmp *md, const char *key, const char *value,
                                      uint64_t at, const char *what)
{
    if (!value)
        return MEMSCAPE_OK;
    memscape_status st = memscape_space_add_note(md->space, key, value);
    return st == MEMSCAPE_OK ? st : memscape_mdmp_added(md, st, at, what);
}

/* MinidumpSimpleStringDictionary: u32 count + {u32 key_rva, u32 value_rva}[count]. */
static memscape_status read_dictionary(memscape_mdmp *md, location l, const char *what)
{
    uint32_t n;
    memscape_status st = located_list(md, l, 8, md->limits->max_annotations, what, &n);
    for (uint32_t i = 0; i < n && st == MEMSCAPE_OK; i++) {
        uint64_t at = (uint64_t)l.rva + 4 + 8 * (uint64_t)i;
        const char *key, *value = NULL;
        st = utf8_string(md, memscape_cursor_uint_at(&md->file, at, 4), what, &key);
        if (st == MEMSCAPE_OK && key)
            st = utf8_string(md, memscape_cursor_uint_at(&md->file, at + 4, 4), what, &value);
        if (st == MEMSCAPE_OK && key)
            st = add_annotation(md, key, value, at, what);
    }
    return st;
}

/* MinidumpRVAList of MinidumpUTF8String: u32 count + u32 rva[count]. Each string is noted
 * under the module's file name. */
static memscape_status read_string_list(memscape_mdmp *md, location l, const char *module)
{
    const char *what = "CrashpadInfo module list annotations";
    uint32_t n;
    memscape_status st = located_list(md, l, 4, md->limits->max_annotations, what, &n);
    for (uint32_t i = 0; i < n && st == MEMSCAPE_OK; i++) {
        uint64_t at = (uint64_t)l.rva + 4 + 4 * (uint64_t)i;
        const char *value;
        st = utf8_string(md, memscape_cursor_uint_at(&md->file, at, 4), what, &value);
        if (st == MEMSCAPE_OK)
            st = add_annotation(md, module, value, at, what);
    }
    return st;
}

static const char *module_file_name(memscape_mdmp *md, uint32_t index)
{
    if (index >= md->space->modules.count)
        return NULL;
    const char *name = MEMSCAPE_VEC_AT(&md->space->modules, memscape_module, index)->name;
    const char *slash = strrchr(name, '/'), *backslash = strrchr(name, '\\');
    if (backslash > slash)
        slash = backslash;
    return slash ? slash + 1 : name;
}

/* MinidumpModuleCrashpadInfoList: u32 count + {u32 minidump_module_list_index, LOC}[count];
 * each MinidumpModuleCrashpadInfo: version@0, list_annotations@4, simple_annotations@12. */
static memscape_status read_module_annotations(memscape_mdmp *md, location l)
{
    uint32_t n;
    memscape_status st = located_list(md, l, 12, md->limits->max_modules,
                                      "CrashpadInfo module list", &n);
    for (uint32_t i = 0; i < n && st == MEMSCAPE_OK; i++) {
        uint64_t at = (uint64_t)l.rva + 4 + 12 * (uint64_t)i;
        const char *module = module_file_name(
            md, (uint32_t)memscape_cursor_uint_at(&md->file, at, 4));
        location info = location_at(md, at + 4);
        if (info.size == 0)
            continue;
        if (!memscape_in_bounds(info.rva, info.size, md->file.file_size)) {
            memscape_space_warn(md->space, info.at, "CrashpadInfo module %" PRIu32 ": 0x%"
                                PRIx32 " bytes at 0x%" PRIx32 " run past the end of the "
                                "file; skipped", i, info.size, info.rva);
            continue;
        }
        if (info.size < 20)
            return memscape_fail(md->err, MEMSCAPE_ECORRUPT, info.at, "CrashpadInfo module %"
                                 PRIu32 ": 0x%" PRIx32 " bytes are shorter than its 20-byte "
                                 "fixed part", i, info.size);
        st = read_string_list(md, location_at(md, (uint64_t)info.rva + 4), module);
        if (st == MEMSCAPE_OK)
            st = read_dictionary(md, location_at(md, (uint64_t)info.rva + 12),
                                 "CrashpadInfo module simple annotations");
    }
    return st;
}

/* MinidumpCrashpadInfo: version@0 report_id@4 client_id@20 simple_annotations@36 (LOC)
 * module_list@44 (LOC). */
memscape_status memscape_mdmp_crashpad_info(memscape_mdmp *md)
{
    const mdmp_stream *s = memscape_mdmp_stream(md, MDMP_CRASHPAD_INFO);
    if (!s)
        return MEMSCAPE_OK;
    memscape_status st = read_dictionary(md, location_at(md, (uint64_t)s->rva + 36),
                                         "CrashpadInfo simple annotations");
    if (st != MEMSCAPE_OK)
        return st;
    return read_module_annotations(md, location_at(md, (uint64_t)s->rva + 44));
}

/* ---- Linux text streams ------------------------------------------------------------------ */

/* The text of a Breakpad Linux stream, or NULL when absent; too long is a limit error. */
static memscape_status linux_text(memscape_mdmp *md, mdmp_kind kind, const char **text,
                                  size_t *len)
{
    const mdmp_stream *s = memscape_mdmp_stream(md, kind);
    *text = NULL;
    *len = 0;
    if (!s)
        return MEMSCAPE_OK;
    if (s->size > md->limits->max_text_stream)
        return memscape_fail(md->err, MEMSCAPE_ELIMIT, s->entry + 4, "%s: 0x%" PRIx32
                             " bytes exceed the limit of 0x%" PRIx32, s->name, s->size,
                             md->limits->max_text_stream);
    *text = (const char *)md->file.file + s->rva;
    *len = s->size;
    return MEMSCAPE_OK;
}

/* LinuxCmdLine is /proc/self/cmdline: arguments separated (and ended) by NULs. */
static memscape_status read_cmdline(memscape_mdmp *md)
{
    const char *text;
    size_t len;
    memscape_status st = linux_text(md, MDMP_LINUX_CMD_LINE, &text, &len);
    if (st != MEMSCAPE_OK || !text)
        return st;
    while (len > 0 && text[len - 1] == '\0')
        len--;
    if (len > md->limits->max_string)
        len = md->limits->max_string;
    if (len == 0)
        return MEMSCAPE_OK;
    char *joined = malloc(len);
    if (!joined)
        return memscape_fail(md->err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "out of memory");
    for (size_t i = 0; i < len; i++)
        joined[i] = text[i] == '\0' ? ' ' : text[i];
    md->space->system.command_line = memscape_space_strdup(md->space, joined, len);
    free(joined);
    return md->space->system.command_line
               ? MEMSCAPE_OK
               : memscape_fail(md->err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "out of memory");
}

/* The value of "Key:\tvalue" in /proc/self/status text, or 0. */
static int status_field(const char *text, size_t len, const char *key, const char **value,
                        size_t *value_len)
{
    size_t key_len = strlen(key);
    for (size_t pos = 0; pos < len;) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        if (n > key_len && memcmp(line, key, key_len) == 0 && line[key_len] == ':') {
            size_t v = key_len + 1;
            while (v < n && (line[v] == '\t' || line[v] == ' '))
                v++;
            *value = line + v;
            *value_len = n - v;
            return 1;
        }
        pos += n + 1;
    }
    return 0;
}

/* LinuxProcStatus is /proc/self/status: the process name, and its id when MiscInfo had none. */
static memscape_status read_proc_status(memscape_mdmp *md)
{
    const char *text, *value;
    size_t len, n;
    memscape_status st = linux_text(md, MDMP_LINUX_PROC_STATUS, &text, &len);
    if (st != MEMSCAPE_OK || !text)
        return st;
    memscape_system *sys = &md->space->system;
    if (status_field(text, len, "Name", &value, &n) && n > 0) {
        sys->process_name = memscape_space_strdup(md->space, value, n);
        if (!sys->process_name)
            return memscape_fail(md->err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "out of memory");
    }
    if (sys->process_id == 0 && status_field(text, len, "Pid", &value, &n)) {
        uint32_t pid = 0;
        for (size_t i = 0; i < n && i < 9 && value[i] >= '0' && value[i] <= '9'; i++)
            pid = pid * 10 + (uint32_t)(value[i] - '0');
        sys->process_id = pid;
    }
    return MEMSCAPE_OK;
}

memscape_status memscape_mdmp_linux_text(memscape_mdmp *md)
{
    memscape_status st = read_cmdline(md);
    return st == MEMSCAPE_OK ? read_proc_status(md) : st;
}
