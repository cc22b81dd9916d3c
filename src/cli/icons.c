/* SPDX-License-Identifier: MIT */
/* `memscape icons -o DIR`: every pattern's icon as PNG and SVG, in black and white and in
 * colour, and the catalogue sheet of them all with their names. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "text.h"
#include "memscape/icons.h"

#define DEFAULT_SIZE 64u
/* The catalogue shows the icons at their size within these bounds, so its names stay
 * readable and the sheet stays a sheet. */
#define CATALOGUE_MIN 16u
#define CATALOGUE_MAX 128u

typedef struct icons_options {
    const char *dir;
    uint32_t size;
    int mono, colour;
} icons_options;

static void print_usage(FILE *out)
{
    fputs("Usage: memscape icons -o DIR [--size N] [--variant mono|colour|both]\n"
          "\n"
          "Draw the icon of every memory dump analysis pattern (memscape patterns --list):\n"
          "DIR/ID-mono.png, DIR/ID-mono.svg, DIR/ID-colour.png and DIR/ID-colour.svg, and the\n"
          "catalogue of them all with their names: DIR/catalogue.png, .svg and .pdf.\n"
          "DIR is created when it does not exist.\n"
          "\n"
          "Options:\n"
          "  -o, --output DIR       the folder to write to\n"
          "  --size N               icon side in pixels, 8 to 4096 (default 64); the\n"
          "                         catalogue shows them at 16 to 128\n"
          "  --variant V            mono (black and white), colour, or both (default)\n"
          "  -h, --help             show this help\n",
          out);
}

#define SHORT_USAGE "Usage: memscape icons -o DIR [--size N] [--variant mono|colour|both]\n"
#define usage_error(...) \
    (cli_usage_error("icons", __VA_ARGS__), fputs(SHORT_USAGE, stderr), CLI_USAGE)

enum { OPT_SIZE = 256, OPT_VARIANT };

static const struct option long_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"size", required_argument, NULL, OPT_SIZE},
    {"variant", required_argument, NULL, OPT_VARIANT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int parse_variant(const char *arg, icons_options *o)
{
    if (strcmp(arg, "mono") == 0) {
        o->mono = 1;
        o->colour = 0;
    } else if (strcmp(arg, "colour") == 0 || strcmp(arg, "color") == 0) {
        o->mono = 0;
        o->colour = 1;
    } else if (strcmp(arg, "both") == 0) {
        o->mono = o->colour = 1;
    } else {
        return usage_error("--variant: '%s' is not mono, colour or both", arg);
    }
    return -1;
}

static int parse_option(int c, const char *arg, void *ctx)
{
    icons_options *o = ctx;
    uint64_t v;
    switch (c) {
    case 'o': o->dir = arg; return -1;
    case OPT_SIZE:
        if (cli_parse_u64(arg, &v) != 0 || v < MEMSCAPE_ICON_MIN_SIZE ||
            v > MEMSCAPE_ICON_MAX_SIZE)
            return usage_error("--size: '%s' is not from %u to %u", arg,
                               MEMSCAPE_ICON_MIN_SIZE, MEMSCAPE_ICON_MAX_SIZE);
        o->size = (uint32_t)v;
        return -1;
    case OPT_VARIANT: return parse_variant(arg, o);
    default: return usage_error("unknown option");
    }
}

static int parse_options(int argc, char **argv, icons_options *o)
{
    static const cli_usage usage = {"icons", print_usage, SHORT_USAGE};
    int status = cli_read_options(argc, argv, &usage, ":ho:", long_options, parse_option, o,
                                  NULL);
    if (status >= 0)
        return status;
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (!o->dir)
        return usage_error("missing -o DIR");
    if (o->dir[0] == '\0')
        return usage_error("-o: the folder name is empty");
    return -1;
}

/* mkdir -p: each missing folder along dir; 0, or -1 with errno set. */
static int make_folders(const char *dir)
{
    char *path = strdup(dir);
    if (!path)
        return -1;
    int result = 0;
    for (char *at = path + 1; result == 0; at++) {
        int last = *at == '\0';
        if (*at != '/' && !last)
            continue;
        *at = '\0';
        struct stat st;
        if (mkdir(path, 0777) != 0 && !(errno == EEXIST && stat(path, &st) == 0 &&
                                        S_ISDIR(st.st_mode))) {
            if (errno == EEXIST)
                errno = ENOTDIR;
            result = -1;
        }
        if (last)
            break;
        *at = '/';
    }
    free(path);
    return result;
}

/* DIR/name, or NULL when memory runs out. */
static char *path_in(const char *dir, const char *name)
{
    size_t len = strlen(dir) + 1 + strlen(name) + 1;
    char *path = malloc(len);
    if (path)
        snprintf(path, len, "%s/%s", dir, name);
    return path;
}

/* A failed write: its one error line. */
static int report(const char *path, memscape_status st, const memscape_error *err)
{
    if (st != MEMSCAPE_OK)
        cli_report(path, err);
    return st == MEMSCAPE_OK ? CLI_OK : CLI_FAILED;
}

static int out_of_memory(void)
{
    fputs("memscape: icons: out of memory\n", stderr);
    return CLI_FAILED;
}

static int write_one(const char *dir, const char *name, memscape_poster_format format,
                     const char *id, memscape_icon_variant variant, uint32_t size)
{
    char *path = path_in(dir, name);
    if (!path)
        return out_of_memory();
    memscape_error err = {0};
    int status = report(path, memscape_icon_write(path, format, id, variant, size, &err), &err);
    free(path);
    return status;
}

static int write_icons(const icons_options *o)
{
    static const struct {
        memscape_poster_format format;
        const char *ext;
    } formats[] = {{MEMSCAPE_POSTER_PNG, "png"}, {MEMSCAPE_POSTER_SVG, "svg"}};
    const memscape_icon_variant variants[] = {MEMSCAPE_ICON_MONO, MEMSCAPE_ICON_COLOUR};
    size_t count;
    const memscape_pattern *patterns = memscape_patterns(&count);
    for (size_t i = 0; i < count; i++) {
        for (size_t v = 0; v < 2; v++) {
            if (!(v == 0 ? o->mono : o->colour))
                continue;
            for (size_t f = 0; f < 2; f++) {
                char name[128];
                snprintf(name, sizeof name, "%s-%s.%s", patterns[i].id,
                         v == 0 ? "mono" : "colour", formats[f].ext);
                if (write_one(o->dir, name, formats[f].format, patterns[i].id, variants[v],
                              o->size) != CLI_OK)
                    return CLI_FAILED;
            }
        }
    }
    return CLI_OK;
}

static int write_catalogue(const icons_options *o)
{
    static const struct {
        memscape_poster_format format;
        const char *name;
    } sheets[] = {{MEMSCAPE_POSTER_PNG, "catalogue.png"},
                  {MEMSCAPE_POSTER_SVG, "catalogue.svg"},
                  {MEMSCAPE_POSTER_PDF, "catalogue.pdf"}};
    memscape_icon_catalogue opts = {
        .icon_size = o->size < CATALOGUE_MIN   ? CATALOGUE_MIN
                     : o->size > CATALOGUE_MAX ? CATALOGUE_MAX
                                               : o->size,
        .mono = o->mono,
        .colour = o->colour,
    };
    for (size_t i = 0; i < sizeof sheets / sizeof sheets[0]; i++) {
        char *path = path_in(o->dir, sheets[i].name);
        if (!path)
            return out_of_memory();
        memscape_error err = {0};
        int status = report(
            path, memscape_icon_catalogue_write(path, sheets[i].format, &opts, &err), &err);
        free(path);
        if (status != CLI_OK)
            return status;
    }
    return CLI_OK;
}

int cli_icons(int argc, char **argv)
{
    icons_options o = {.size = DEFAULT_SIZE, .mono = 1, .colour = 1};
    int status = parse_options(argc, argv, &o);
    if (status >= 0)
        return status;
    if (make_folders(o.dir) != 0) {
        fputs("memscape: ", stderr);
        cli_text_put(stderr, o.dir);
        fprintf(stderr, ": cannot create the folder: %s\n", strerror(errno));
        return CLI_FAILED;
    }
    status = write_icons(&o);
    if (status == CLI_OK)
        status = write_catalogue(&o);
    return status;
}
