/* SPDX-License-Identifier: MIT */
/* `memscape patterns DUMP [--json]`: the memory dump analysis patterns a dump shows, each with
 * what it concerns and the evidence; `memscape patterns --list`: the catalogue. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "text.h"

typedef struct patterns_options {
    const char *dump;
    int json;
    int list;
    const char *vocabulary;
    cli_input input;
} patterns_options;

static void print_usage(FILE *out)
{
    fputs("Usage: memscape patterns [options] DUMP\n"
          "       memscape patterns --list\n"
          "\n"
          "Detect memory dump analysis patterns (Multiple Exceptions, Stack Overflow, ...)\n"
          "and list each finding: the pattern, the thread, address and module it concerns,\n"
          "and the evidence. Criteria: docs/patterns.md.\n"
          "\n"
          "Options:\n"
          "  --json                 one JSON object: {\"patterns\": [{\"id\", \"name\",\n"
          "                         \"thread_id\"?, \"address\"?, \"module\"?, \"evidence\"}]}\n"
          "  --list                 the patterns memscape knows, with their criteria\n"
          "  --vocabulary FILE      problem-vocabulary words, one a line (default: built-in)\n"
          CLI_INPUT_HELP
          "  -h, --help             show this help\n",
          out);
}

#define SHORT_USAGE "Usage: memscape patterns [options] DUMP\n"
#define usage_error(...) \
    (cli_usage_error("patterns", __VA_ARGS__), fputs(SHORT_USAGE, stderr), CLI_USAGE)

enum { OPT_JSON = 256, OPT_LIST, OPT_VOCABULARY };

static const struct option long_options[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {"list", no_argument, NULL, OPT_LIST},
    {"vocabulary", required_argument, NULL, OPT_VOCABULARY},
    CLI_INPUT_LONG_OPTIONS,
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int parse_option(int c, const char *arg, void *ctx)
{
    patterns_options *o = ctx;
    switch (c) {
    case OPT_JSON: o->json = 1; return -1;
    case OPT_LIST: o->list = 1; return -1;
    case OPT_VOCABULARY: o->vocabulary = arg; return -1;
    default:
        return usage_error("unknown option");
    }
}

static int parse_options(int argc, char **argv, patterns_options *o)
{
    static const cli_usage usage = {"patterns", print_usage, SHORT_USAGE};
    int status = cli_read_options(argc, argv, &usage, ":h", long_options, parse_option, o,
                                  &o->input);
    if (status >= 0)
        return status;
    if (o->list)
        return optind < argc ? usage_error("--list takes no DUMP") : -1;
    if (optind >= argc)
        return usage_error("missing DUMP");
    if (argc - optind > 1)
        return usage_error("one DUMP at a time");
    o->dump = argv[optind];
    return -1;
}

/* ---- output ------------------------------------------------------------------------------ */

static const char *kind_name(memscape_pattern_kind kind)
{
    return kind == MEMSCAPE_PATTERN_CRASH ? "crash"
           : kind == MEMSCAPE_PATTERN_PROBLEM ? "problem" : "context";
}

static int print_catalogue(void)
{
    size_t n;
    const memscape_pattern *p = memscape_patterns(&n);
    for (size_t i = 0; i < n; i++)
        printf("%-22s %-8s %s: %s\n", p[i].id, kind_name(p[i].kind), p[i].name,
               p[i].criterion);
    return CLI_OK;
}

static void print_finding_text(const memscape_finding *f, unsigned pointer_size)
{
    char addr[32];
    printf("%-22s %s", f->pattern->id, f->pattern->name);
    if (f->has_thread)
        printf("  thread 0x%x", f->thread_id);
    if (f->has_address)
        printf("  at %s", cli_format_windbg(f->address, pointer_size, addr));
    if (f->module) {
        fputs("  in ", stdout);
        cli_text_put(stdout, f->module);
    }
    fputc('\n', stdout);
    for (size_t i = 0; i < f->evidence_count; i++) {
        printf("    %s: ", f->evidence[i].key);
        cli_text_put(stdout, f->evidence[i].value);
        fputc('\n', stdout);
    }
}

static void print_text(const memscape_finding *items, size_t n, unsigned pointer_size)
{
    if (n == 0)
        puts("No patterns found.");
    for (size_t i = 0; i < n; i++)
        print_finding_text(&items[i], pointer_size);
}

static void print_json(const memscape_finding *items, size_t n)
{
    cli_json j;
    cli_json_init(&j, stdout);
    cli_json_begin_object(&j);
    cli_json_key(&j, "patterns");
    cli_json_begin_array(&j);
    for (size_t i = 0; i < n; i++) {
        const memscape_finding *f = &items[i];
        cli_json_begin_object_inline(&j);
        cli_json_member_string(&j, "id", f->pattern->id);
        cli_json_member_string(&j, "name", f->pattern->name);
        if (f->has_thread)
            cli_json_member_u64(&j, "thread_id", f->thread_id);
        if (f->has_address)
            cli_json_member_u64(&j, "address", f->address);
        if (f->module)
            cli_json_member_string(&j, "module", f->module);
        cli_json_key(&j, "evidence");
        cli_json_begin_object_inline(&j);
        for (size_t k = 0; k < f->evidence_count; k++)
            cli_json_member_string(&j, f->evidence[k].key, f->evidence[k].value);
        cli_json_end_object(&j);
        cli_json_end_object(&j);
    }
    cli_json_end_array(&j);
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

int cli_patterns(int argc, char **argv)
{
    patterns_options o = {0};
    int status = parse_options(argc, argv, &o);
    if (status >= 0)
        return status;
    if (o.list)
        return print_catalogue();
    memscape_dump *dump;
    memscape_findings *findings = NULL;
    memscape_error err = {0};
    if (memscape_dump_open(&dump, o.dump, &o.input.open, &err) != MEMSCAPE_OK) {
        cli_report(o.dump, &err);
        return CLI_FAILED;
    }
    const memscape_space *space = memscape_dump_space(dump);
    memscape_detect_options detect = {.vocabulary_path = o.vocabulary,
                                      .threads = o.input.threads};
    if (memscape_detect(&findings, space, &detect, &err) != MEMSCAPE_OK) {
        cli_report(o.vocabulary && err.code != MEMSCAPE_ENOMEM ? o.vocabulary : o.dump, &err);
        memscape_dump_free(dump);
        return CLI_FAILED;
    }
    size_t n;
    const memscape_finding *items = memscape_findings_items(findings, &n);
    if (o.json)
        print_json(items, n);
    else
        print_text(items, n, memscape_space_system(space)->pointer_size);
    memscape_findings_free(findings);
    memscape_dump_free(dump);
    return CLI_OK;
}
