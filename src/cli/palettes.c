/* SPDX-License-Identifier: MIT */
/* `memscape palettes`: list the built-in palettes, draw swatches of them, or print one as a
 * ParaView colour map so 2D pictures and 3D volumes share colours. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "text.h"

static void print_usage(FILE *out)
{
    fputs("Usage: memscape palettes [--preview OUT.png | --paraview NAME]\n"
          "\n"
          "List the built-in palettes (name, kind, entries, description).\n"
          "\n"
          "Options:\n"
          "  --preview OUT.png   draw every palette as a swatch strip, one per row\n"
          "  --paraview NAME     print palette NAME as a ParaView colour-map preset (JSON)\n"
          "  -h, --help          show this help\n"
          "\n"
          "render --palette takes a built-in name or a palette file (format: palettes/README.md).\n",
          out);
}

#define usage_error(...) \
    (cli_usage_error("palettes", __VA_ARGS__), \
     fputs("Usage: memscape palettes [--preview OUT.png | --paraview NAME]\n", stderr), \
     CLI_USAGE)

static int open_builtin(const char *name, memscape_palette **out)
{
    memscape_error err = {0};
    if (memscape_palette_builtin(out, name, &err) == MEMSCAPE_OK)
        return CLI_OK;
    fprintf(stderr, "memscape: palettes: no built-in palette named '%s'\n", name);
    return CLI_FAILED;
}

static int list(void)
{
    for (size_t i = 0; memscape_palette_builtin_name(i); i++) {
        memscape_palette *p;
        if (open_builtin(memscape_palette_builtin_name(i), &p) != CLI_OK)
            return CLI_FAILED;
        int continuous = memscape_palette_kind_of(p) == MEMSCAPE_PALETTE_CONTINUOUS;
        printf("%-16s %-11s %4zu %s  ", memscape_palette_name(p),
               continuous ? "continuous" : "categorical", memscape_palette_count(p),
               continuous ? "stops  " : "classes");
        cli_text_put(stdout, memscape_palette_description(p));
        fputc('\n', stdout);
        memscape_palette_free(p);
    }
    return CLI_OK;
}

static int paraview(const char *name)
{
    memscape_palette *p;
    if (open_builtin(name, &p) != CLI_OK)
        return CLI_FAILED;
    char *json = NULL;
    memscape_error err = {0};
    memscape_status st = memscape_palette_paraview_json(p, &json, &err);
    memscape_palette_free(p);
    if (st != MEMSCAPE_OK) {
        cli_report(name, &err);
        return CLI_FAILED;
    }
    fputs(json, stdout);
    free(json);
    return CLI_OK;
}

enum { SWATCH_WIDTH = 512, SWATCH_HEIGHT = 24, SWATCH_GAP = 4 };

/* One row per palette: a gradient, or equal blocks per class. */
static void draw_row(memscape_raster *r, uint32_t top, const memscape_palette *p)
{
    int continuous = memscape_palette_kind_of(p) == MEMSCAPE_PALETTE_CONTINUOUS;
    size_t classes = memscape_palette_count(p);
    for (uint32_t x = 0; x < SWATCH_WIDTH; x++) {
        memscape_rgb c;
        if (continuous) {
            c = memscape_palette_at(p, (double)x / (SWATCH_WIDTH - 1));
        } else {
            size_t i = (size_t)x * classes / SWATCH_WIDTH;
            c = memscape_palette_entry(p, i, NULL, NULL);
        }
        for (uint32_t y = top; y < top + SWATCH_HEIGHT; y++)
            r->pixels[(size_t)y * r->width + x] = c;
    }
}

static int preview(const char *out)
{
    size_t count = 0;
    while (memscape_palette_builtin_name(count))
        count++;
    memscape_raster r = {0};
    memscape_error err = {0};
    uint32_t height = (uint32_t)(count * (SWATCH_HEIGHT + SWATCH_GAP));
    if (memscape_raster_new(&r, SWATCH_WIDTH, height, &err) != MEMSCAPE_OK) {
        cli_report(out, &err);
        return CLI_FAILED;
    }
    for (size_t i = 0; i < count; i++) {
        memscape_palette *p;
        if (open_builtin(memscape_palette_builtin_name(i), &p) != CLI_OK) {
            memscape_raster_free(&r);
            return CLI_FAILED;
        }
        draw_row(&r, (uint32_t)(i * (SWATCH_HEIGHT + SWATCH_GAP)), p);
        memscape_palette_free(p);
    }
    char rows[4096] = "";
    size_t used = 0;
    for (size_t i = 0; i < count && used < sizeof rows; i++)
        used += (size_t)snprintf(rows + used, sizeof rows - used, "%s%s", i ? " " : "",
                                 memscape_palette_builtin_name(i));
    memscape_png_text text[] = {{"Title", "memscape palettes"}, {"memscape-palettes", rows}};
    memscape_png_options png = {.zlib_level = 9, .text = text, .text_count = 2};
    memscape_status st = memscape_png_write(out, &r, &png, &err);
    memscape_raster_free(&r);
    if (st != MEMSCAPE_OK) {
        cli_report(out, &err);
        return CLI_FAILED;
    }
    return CLI_OK;
}

int cli_palettes(int argc, char **argv)
{
    static const struct option options[] = {{"preview", required_argument, NULL, 'p'},
                                            {"paraview", required_argument, NULL, 'v'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *preview_out = NULL, *paraview_name = NULL;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'h': print_usage(stdout); return CLI_OK;
        case 'p': preview_out = optarg; break;
        case 'v': paraview_name = optarg; break;
        case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (preview_out && paraview_name)
        return usage_error("--preview and --paraview do different things: one at a time");
    int status = preview_out ? preview(preview_out) : paraview_name ? paraview(paraview_name)
                                                                    : list();
    return status == CLI_OK && fflush(stdout) != 0 ? CLI_FAILED : status;
}
