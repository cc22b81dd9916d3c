/* SPDX-License-Identifier: MIT */
/* `memscape info DUMP`: what a dump holds, as a readable summary (text.c) or as one JSON
 * object (--json).
 *
 * The JSON document (docs/json.md has the full description). Every integer, addresses
 * included, is an unsigned decimal JSON number printed exactly from its uint64 value (readers
 * that parse numbers as doubles lose precision above 2^53; Python's json does not). Strings
 * are the dump's text as UTF-8, with ill-formed bytes replaced by U+FFFD. A key whose value
 * the dump does not give is null, never left out:
 *
 * {
 *   "file": str, "file_size": int,
 *   "format": "minidump" | "elf-core" | "raw", "os": str, "arch": str, "pointer_size": int,
 *   "system": {"os_version": "a.b.c" | null, "os_detail": str | null, "cpu_count": int,
 *              "process_id": int, "process_name": str | null, "command_line": str | null,
 *              "big_endian": bool, "create_time": int, "dump_time": int},
 *   "exception": null | {"thread_id": int, "code": int, "code_name": str | null,
 *                        "flags": int, "address": int, "parameters": [int...],
 *                        "is_signal": bool, "pc": int | null, "sp": int | null},
 *   "modules": [{"name": str, "base": int, "size": int, "checksum": int, "timestamp": int,
 *                "version": "a.b.c.d" | null, "debug_file": str | null,
 *                "debug_id": str | null, "code_id": str | null}],
 *   "unloaded_modules": [the same],
 *   "threads": [{"id": int, "name": str | null, "stack_base": int, "stack_size": int,
 *                "pc": int, "sp": int, "has_context": bool, "teb": int,
 *                "suspend_count": int, "priority_class": int, "priority": int,
 *                "start_address": int, "signal": int,
 *                "times": null | {"create": int, "exit": int, "kernel": int, "user": int}}],
 *   "memory": [{"base": int, "size": int, "file_offset": int}],
 *   "regions": [{"base": int, "size": int, "allocation_base": int, "state": str,
 *                "type": str, "protect": str, "protect_value": int, "usage": str,
 *                "file_offset": int | null, "module": int | null, "thread": int | null,
 *                "name": str | null}],
 *   "streams": [{"type": int, "name": str | null, "size": int, "rva": int}],
 *   "handles": null | {"count": int, "types": [{"type": str, "count": int}]},
 *   "pool": null | {"counters": [{"name": str, "pages": int, "kb": int}],
 *            "page_file_max_kb": int, "failed_allocations": int,
 *            "tags": [{"tag": str, "nonpaged_allocs": int, "nonpaged_bytes": int,
 *                      "paged_allocs": int, "paged_bytes": int, "description": str | null}]},
 *   "notes": [{"key": str | null, "value": str}],
 *   "warnings": [{"offset": int | null, "message": str}], "warning_total": int
 * }
 *
 * Threads without a context have pc and sp 0 and has_context false. modules, threads, memory
 * and streams are in the dump's order; regions in address order. streams is empty for
 * formats other than minidump. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "lookup.h"
#include "text.h"

/* ---- JSON ------------------------------------------------------------------------------- */

static void json_key_bool(cli_json *j, const char *key, int v)
{
    cli_json_key(j, key);
    cli_json_bool(j, v);
}

/* An index into another list, or null. */
static void json_key_index(cli_json *j, const char *key, uint32_t index, size_t count)
{
    cli_json_key(j, key);
    if (index == MEMSCAPE_NO_INDEX || index >= count)
        cli_json_null(j);
    else
        cli_json_u64(j, index);
}

static void json_key_offset(cli_json *j, const char *key, uint64_t offset)
{
    cli_json_key(j, key);
    if (offset == MEMSCAPE_NO_OFFSET)
        cli_json_null(j);
    else
        cli_json_u64(j, offset);
}

static void json_system(cli_json *j, const memscape_system *s)
{
    char version[48];
    cli_json_key(j, "system");
    cli_json_begin_object(j);
    cli_json_key(j, "os_version");
    if (s->os_major || s->os_minor || s->os_build) {
        snprintf(version, sizeof version, "%" PRIu32 ".%" PRIu32 ".%" PRIu32, s->os_major,
                 s->os_minor, s->os_build);
        cli_json_string(j, version);
    } else {
        cli_json_null(j);
    }
    cli_json_member_string(j, "os_detail", s->os_detail);
    cli_json_member_u64(j, "cpu_count", s->cpu_count);
    cli_json_member_u64(j, "process_id", s->process_id);
    cli_json_member_string(j, "process_name", s->process_name);
    cli_json_member_string(j, "command_line", s->command_line);
    json_key_bool(j, "big_endian", s->big_endian);
    cli_json_member_u64(j, "create_time", s->create_time);
    cli_json_member_u64(j, "dump_time", s->dump_time);
    cli_json_end_object(j);
}

static void json_exception(cli_json *j, const memscape_space *space)
{
    const memscape_exception *ex = memscape_space_exception(space);
    cli_json_key(j, "exception");
    if (!ex) {
        cli_json_null(j);
        return;
    }
    cli_json_begin_object(j);
    cli_json_member_u64(j, "thread_id", ex->thread_id);
    cli_json_member_u64(j, "code", ex->code);
    cli_json_member_string(j, "code_name", cli_exception_name(ex, memscape_space_system(space)->os));
    cli_json_member_u64(j, "flags", ex->flags);
    cli_json_member_u64(j, "address", ex->address);
    cli_json_key(j, "parameters");
    cli_json_begin_array_inline(j);
    uint32_t n = ex->parameter_count;
    if (n > MEMSCAPE_MAX_EXCEPTION_PARAMETERS)
        n = MEMSCAPE_MAX_EXCEPTION_PARAMETERS;
    for (uint32_t i = 0; i < n; i++)
        cli_json_u64(j, ex->parameters[i]);
    cli_json_end_array(j);
    json_key_bool(j, "is_signal", ex->is_signal);
    cli_json_key(j, "pc");
    if (ex->has_context)
        cli_json_u64(j, ex->pc);
    else
        cli_json_null(j);
    cli_json_key(j, "sp");
    if (ex->has_context)
        cli_json_u64(j, ex->sp);
    else
        cli_json_null(j);
    cli_json_end_object(j);
}

static void json_modules(cli_json *j, const char *key, const memscape_module *m, size_t count)
{
    char version[48];
    cli_json_key(j, key);
    cli_json_begin_array(j);
    for (size_t i = 0; i < count; i++) {
        cli_json_begin_object_inline(j);
        cli_json_member_string(j, "name", m[i].name);
        cli_json_member_u64(j, "base", m[i].base);
        cli_json_member_u64(j, "size", m[i].size);
        cli_json_member_u64(j, "checksum", m[i].checksum);
        cli_json_member_u64(j, "timestamp", m[i].timestamp);
        cli_json_key(j, "version");
        if (m[i].has_version) {
            snprintf(version, sizeof version, "%u.%u.%u.%u", m[i].version[0], m[i].version[1],
                     m[i].version[2], m[i].version[3]);
            cli_json_string(j, version);
        } else {
            cli_json_null(j);
        }
        cli_json_member_string(j, "debug_file", m[i].debug_file);
        cli_json_member_string(j, "debug_id", m[i].debug_id);
        cli_json_member_string(j, "code_id", m[i].code_id);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void json_thread(cli_json *j, const memscape_thread *t)
{
    cli_json_begin_object_inline(j);
    cli_json_member_u64(j, "id", t->id);
    cli_json_member_string(j, "name", t->name);
    cli_json_member_u64(j, "stack_base", t->stack_base);
    cli_json_member_u64(j, "stack_size", t->stack_size);
    cli_json_member_u64(j, "pc", t->has_context ? t->pc : 0);
    cli_json_member_u64(j, "sp", t->has_context ? t->sp : 0);
    json_key_bool(j, "has_context", t->has_context);
    cli_json_member_u64(j, "teb", t->teb);
    cli_json_member_u64(j, "suspend_count", t->suspend_count);
    cli_json_member_u64(j, "priority_class", t->priority_class);
    cli_json_member_u64(j, "priority", t->priority);
    cli_json_member_u64(j, "start_address", t->start_address);
    cli_json_member_u64(j, "signal", t->signal);
    cli_json_key(j, "times");
    if (t->has_times) {
        cli_json_begin_object(j);
        cli_json_member_u64(j, "create", t->create_time);
        cli_json_member_u64(j, "exit", t->exit_time);
        cli_json_member_u64(j, "kernel", t->kernel_time);
        cli_json_member_u64(j, "user", t->user_time);
        cli_json_end_object(j);
    } else {
        cli_json_null(j);
    }
    cli_json_end_object(j);
}

static void json_threads(cli_json *j, const memscape_space *space)
{
    size_t count;
    const memscape_thread *t = memscape_space_threads(space, &count);
    cli_json_key(j, "threads");
    cli_json_begin_array(j);
    for (size_t i = 0; i < count; i++)
        json_thread(j, &t[i]);
    cli_json_end_array(j);
}

static void json_memory(cli_json *j, const memscape_space *space)
{
    size_t count;
    const memscape_range *r = memscape_space_ranges(space, &count);
    cli_json_key(j, "memory");
    cli_json_begin_array(j);
    for (size_t i = 0; i < count; i++) {
        cli_json_begin_object_inline(j);
        cli_json_member_u64(j, "base", r[i].base);
        cli_json_member_u64(j, "size", r[i].size);
        cli_json_member_u64(j, "file_offset", r[i].file_offset);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void json_region(cli_json *j, const memscape_region *g, size_t modules, size_t threads)
{
    char prot[64];
    cli_json_begin_object_inline(j);
    cli_json_member_u64(j, "base", g->base);
    cli_json_member_u64(j, "size", g->size);
    cli_json_member_u64(j, "allocation_base", g->allocation_base);
    cli_json_member_string(j, "state", memscape_state_name(g->state));
    cli_json_member_string(j, "type", memscape_type_name(g->type));
    cli_json_member_string(j, "protect", memscape_protect_format(g->protect, prot, sizeof prot));
    cli_json_member_u64(j, "protect_value", g->protect);
    cli_json_member_string(j, "usage", memscape_usage_name(g->usage));
    json_key_offset(j, "file_offset", g->file_offset);
    json_key_index(j, "module", g->module_index, modules);
    json_key_index(j, "thread", g->thread_index, threads);
    cli_json_member_string(j, "name", g->name);
    cli_json_end_object(j);
}

static void json_regions(cli_json *j, const memscape_space *space)
{
    size_t count, modules, threads;
    const memscape_region *g = memscape_space_regions(space, &count);
    memscape_space_modules(space, &modules);
    memscape_space_threads(space, &threads);
    cli_json_key(j, "regions");
    cli_json_begin_array(j);
    for (size_t i = 0; i < count; i++)
        json_region(j, &g[i], modules, threads);
    cli_json_end_array(j);
}

static void json_streams(cli_json *j, const memscape_space *space)
{
    size_t count;
    const memscape_stream *s = memscape_space_streams(space, &count);
    cli_json_key(j, "streams");
    cli_json_begin_array(j);
    for (size_t i = 0; i < count; i++) {
        cli_json_begin_object_inline(j);
        cli_json_member_u64(j, "type", s[i].type);
        cli_json_member_string(j, "name", cli_stream_name(s[i].type));
        cli_json_member_u64(j, "size", s[i].size);
        cli_json_member_u64(j, "rva", s[i].rva);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void json_handles(cli_json *j, const memscape_space *space)
{
    const memscape_handles *h = memscape_space_handles(space);
    cli_json_key(j, "handles");
    if (!h || !h->present) {
        cli_json_null(j);
        return;
    }
    cli_json_begin_object(j);
    cli_json_member_u64(j, "count", h->count);
    cli_json_key(j, "types");
    cli_json_begin_array(j);
    for (uint32_t i = 0; i < h->type_count; i++) {
        cli_json_begin_object_inline(j);
        cli_json_member_string(j, "type", h->types[i].type);
        cli_json_member_u64(j, "count", h->types[i].count);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
    cli_json_end_object(j);
}

static void json_pool(cli_json *j, const memscape_space *space)
{
    const memscape_pool_usage *pool = memscape_space_pool(space);
    cli_json_key(j, "pool");
    if (!pool->present) {
        cli_json_null(j);
        return;
    }
    cli_json_begin_object(j);
    cli_json_key(j, "counters");
    cli_json_begin_array(j);
    for (size_t i = 0; i < pool->counter_count; i++) {
        cli_json_begin_object_inline(j);
        cli_json_member_string(j, "name", pool->counters[i].name);
        cli_json_member_u64(j, "pages", pool->counters[i].pages);
        cli_json_member_u64(j, "kb", pool->counters[i].kb);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
    cli_json_member_u64(j, "page_file_max_kb", pool->page_file_max_kb);
    cli_json_member_u64(j, "failed_allocations", pool->failed_allocations);
    cli_json_key(j, "tags");
    cli_json_begin_array(j);
    for (size_t i = 0; i < pool->tag_count; i++) {
        const memscape_pool_tag *t = &pool->tags[i];
        cli_json_begin_object_inline(j);
        cli_json_member_string(j, "tag", t->tag);
        cli_json_member_u64(j, "nonpaged_allocs", t->nonpaged_allocs);
        cli_json_member_u64(j, "nonpaged_bytes", t->nonpaged_bytes);
        cli_json_member_u64(j, "paged_allocs", t->paged_allocs);
        cli_json_member_u64(j, "paged_bytes", t->paged_bytes);
        cli_json_member_string(j, "description", t->description);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
    cli_json_end_object(j);
}

static void json_notes(cli_json *j, const memscape_space *space)
{
    size_t count;
    const memscape_note *n = memscape_space_notes(space, &count);
    cli_json_key(j, "notes");
    cli_json_begin_array(j);
    for (size_t i = 0; i < count; i++) {
        cli_json_begin_object_inline(j);
        cli_json_member_string(j, "key", n[i].key);
        cli_json_member_string(j, "value", n[i].value ? n[i].value : "");
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void json_warnings(cli_json *j, const memscape_space *space)
{
    size_t count, total;
    const memscape_warning *w = memscape_space_warnings(space, &count, &total);
    cli_json_key(j, "warnings");
    cli_json_begin_array(j);
    for (size_t i = 0; i < count; i++) {
        cli_json_begin_object_inline(j);
        json_key_offset(j, "offset", w[i].offset);
        cli_json_member_string(j, "message", w[i].message ? w[i].message : "");
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
    cli_json_member_u64(j, "warning_total", total);
}

static void print_json(FILE *out, const char *path, const memscape_dump *dump)
{
    const memscape_space *space = memscape_dump_space(dump);
    const memscape_system *s = memscape_space_system(space);
    size_t count;
    cli_json j;
    cli_json_init(&j, out);
    cli_json_begin_object(&j);
    cli_json_member_string(&j, "file", path);
    cli_json_member_u64(&j, "file_size", memscape_dump_file_size(dump));
    cli_json_member_string(&j, "format", memscape_format_name(s->format));
    cli_json_member_string(&j, "os", memscape_os_name(s->os));
    cli_json_member_string(&j, "arch", memscape_arch_name(s->arch));
    cli_json_member_u64(&j, "pointer_size", s->pointer_size);
    json_system(&j, s);
    json_exception(&j, space);
    const memscape_module *m = memscape_space_modules(space, &count);
    json_modules(&j, "modules", m, count);
    m = memscape_space_unloaded_modules(space, &count);
    json_modules(&j, "unloaded_modules", m, count);
    json_threads(&j, space);
    json_memory(&j, space);
    json_regions(&j, space);
    json_streams(&j, space);
    json_handles(&j, space);
    json_pool(&j, space);
    json_notes(&j, space);
    json_warnings(&j, space);
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

/* ---- options ---------------------------------------------------------------------------- */

typedef struct info_options {
    int json;
    cli_text_options text;
    memscape_open_options open;
    int base_given;
    int at_given;
    uint64_t at;
    const char *path;
} info_options;

static void print_usage(FILE *out)
{
    fprintf(out,
            "Usage: memscape info [options] DUMP\n"
            "\n"
            "Show what a dump holds: format, system, exception, modules, threads, memory.\n"
            "\n"
            "Options:\n"
            "  --json         print one JSON object instead of the summary (see docs/json.md)\n"
            "  --regions      add the full region table (merged layout, address order)\n"
            "  --memory       add the table of memory ranges the file holds\n"
            "  --warnings     list every warning (the summary shows the first few)\n"
            "  --raw          read DUMP as raw bytes instead of probing its format\n"
            "  --base ADDR    with --raw: the address of the file's first byte (default 0)\n"
            "  --at ADDR      show only what lies at ADDR: its region, module + offset, thread\n"
            "                 and the first %u bytes (with --json: one object, docs/json.md)\n"
            "  -h, --help     show this help\n"
            "\n"
            "ADDR: 0x-hex, WinDbg-style hex as it prints addresses (0012fe84,\n"
            "00000000`00b00000, 7ffe0000), 0n-decimal, or plain decimal (4096).\n",
            CLI_LOOKUP_BYTES);
}

#define SHORT_USAGE \
    "Usage: memscape info [--json] [--regions] [--memory] [--warnings] [--at ADDR]\n" \
    "                     [--raw [--base ADDR]] DUMP\n"

/* The reason and the "Try --help" line (cli_usage_error), then the one-line usage. */
#define usage_error(...) \
    (cli_usage_error("info", __VA_ARGS__), fputs(SHORT_USAGE, stderr), CLI_USAGE)

enum { OPT_JSON = 256, OPT_REGIONS, OPT_MEMORY, OPT_WARNINGS, OPT_RAW, OPT_BASE, OPT_AT };

static const struct option long_options[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {"regions", no_argument, NULL, OPT_REGIONS},
    {"memory", no_argument, NULL, OPT_MEMORY},
    {"warnings", no_argument, NULL, OPT_WARNINGS},
    {"raw", no_argument, NULL, OPT_RAW},
    {"base", required_argument, NULL, OPT_BASE},
    {"at", required_argument, NULL, OPT_AT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Parse argv; returns -1 to go on, or the exit status (help printed, usage error). */
static int parse_options(int argc, char **argv, info_options *o)
{
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_JSON: o->json = 1; break;
        case OPT_REGIONS: o->text.regions = 1; break;
        case OPT_MEMORY: o->text.memory = 1; break;
        case OPT_WARNINGS: o->text.warnings = 1; break;
        case OPT_RAW: o->open.raw = 1; break;
        case OPT_BASE:
            if (cli_parse_u64(optarg, &o->open.raw_base) != 0) {
                return usage_error("--base: '%s' is not an address (0x-hex, WinDbg hex "
                                   "00000000`00b00000 or decimal)", optarg);
            }
            o->base_given = 1;
            break;
        case OPT_AT:
            if (cli_parse_u64(optarg, &o->at) != 0) {
                return usage_error("--at: '%s' is not an address (0x-hex, WinDbg hex "
                                   "00000000`00b00000 or decimal)", optarg);
            }
            o->at_given = 1;
            break;
        case 'h':
            print_usage(stdout);
            return CLI_OK;
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (o->base_given && !o->open.raw)
        return usage_error("--base applies only with --raw");
    if (optind >= argc)
        return usage_error("missing DUMP");
    if (argc - optind > 1)
        return usage_error("one DUMP at a time (got '%s' and '%s')", argv[optind],
                           argv[optind + 1]);
    o->path = argv[optind];
    return -1;
}

/* Output errors (a full disk, a closed pipe) surface only when the buffer is flushed. */
static int finish_output(void)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return CLI_OK;
    fprintf(stderr, "memscape: info: cannot write the output: %s\n",
            errno ? strerror(errno) : "write error");
    return CLI_FAILED;
}

int cli_info(int argc, char **argv)
{
    info_options o = {0};
    int status = parse_options(argc, argv, &o);
    if (status >= 0)
        return status == CLI_OK ? finish_output() : status;
    memscape_dump *dump;
    memscape_error err = {0};
    if (memscape_dump_open(&dump, o.path, &o.open, &err) != MEMSCAPE_OK) {
        cli_report(o.path, &err);
        return CLI_FAILED;
    }
    const memscape_space *space = memscape_dump_space(dump);
    if (o.at_given && o.json)
        cli_lookup_json(stdout, space, o.at);
    else if (o.at_given)
        cli_lookup_text(stdout, space, o.at);
    else if (o.json)
        print_json(stdout, o.path, dump);
    else
        cli_text_summary(stdout, o.path, dump, &o.text);
    memscape_dump_free(dump);
    return finish_output();
}
