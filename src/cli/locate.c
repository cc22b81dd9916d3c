/* SPDX-License-Identifier: MIT */
/* `memscape locate IMAGE X Y`: which address, region and module a pixel of a picture made by
 * `render` shows, from the map the picture carries; the dump is not needed. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "map.h"
#include "text.h"

static void print_usage(FILE *out)
{
    fputs("Usage: memscape locate [--json] IMAGE X Y\n"
          "\n"
          "Say which address, region and module pixel (X, Y) of a picture made by\n"
          "`memscape render` shows (X from the left, Y from the top, from 0). The picture\n"
          "carries its map; the dump is not needed.\n"
          "\n"
          "Options:\n"
          "  --json       one JSON object: {address, region: {base, size, usage},\n"
          "               module: null | {name, base}} (and offset, cell, kind)\n"
          "  -h, --help   show this help\n",
          out);
}

#define usage_error(...) \
    (cli_usage_error("locate", __VA_ARGS__), \
     fputs("Usage: memscape locate [--json] IMAGE X Y\n", stderr), CLI_USAGE)

typedef struct located {
    uint64_t cell;
    memscape_cell_kind kind;
    uint64_t addr, bytes;
    const cli_map_region *region;
    const cli_map_module *module;
} located;

static void locate(const cli_map *map, uint32_t x, uint32_t y, located *l)
{
    memset(l, 0, sizeof *l);
    l->cell = memscape_layout_xy_to_cell(map->layout, x, y);
    l->kind = memscape_layout_cell_info(map->layout, l->cell, &l->addr, &l->bytes);
    if (l->kind != MEMSCAPE_CELL_ADDRESS)
        return;
    for (size_t i = 0; i < map->region_count && !l->region; i++)
        if (l->addr - map->regions[i].base < map->regions[i].size)
            l->region = &map->regions[i];
    for (size_t i = 0; i < map->module_count && !l->module; i++)
        if (l->addr - map->modules[i].base < map->modules[i].size)
            l->module = &map->modules[i];
}

/* The picture pixel under image pixel (x, y): an annotated poster draws the picture at its
 * frame's corner, each pixel zoom x zoom. -1 when (x, y) is not on the picture. */
static int picture_pixel(const cli_map *map, uint64_t x, uint64_t y, uint32_t *px,
                         uint32_t *py)
{
    const memscape_poster_frame *f = &map->frame;
    if (x < f->x || y < f->y)
        return -1;
    uint64_t cx = (x - f->x) / f->zoom, cy = (y - f->y) / f->zoom;
    if (cx >= memscape_layout_width(map->layout) || cy >= memscape_layout_height(map->layout))
        return -1;
    *px = (uint32_t)cx;
    *py = (uint32_t)cy;
    return 0;
}

static void print_text(const cli_map *map, uint32_t x, uint32_t y, const located *l)
{
    if (map->frame.zoom != 1 || map->frame.x || map->frame.y)
        printf("Picture:  drawn at %" PRIu32 ", %" PRIu32 " on the poster, %" PRIu32
               " poster pixels a side per pixel\n", map->frame.x, map->frame.y, map->frame.zoom);
    printf("Pixel:    %" PRIu32 ", %" PRIu32 " (cell %" PRIu64 ")\n", x, y, l->cell);
    if (l->kind == MEMSCAPE_CELL_PADDING) {
        puts("Shows:    nothing (padding after the last address)");
        return;
    }
    if (l->kind == MEMSCAPE_CELL_GAP) {
        printf("Shows:    a gap of 0x%" PRIx64 " bytes collapsed into a separator, at 0x%" PRIx64
               "\n", l->bytes, l->addr);
        return;
    }
    printf("Address:  0x%" PRIx64 " (this pixel: 0x%" PRIx64 " bytes)\n", l->addr, l->bytes);
    if (l->region)
        printf("Region:   0x%" PRIx64 "-0x%" PRIx64 " %s %s, usage %s\n", l->region->base,
               l->region->base + l->region->size, l->region->state, l->region->type,
               l->region->usage);
    if (l->module) {
        fputs("Module:   ", stdout);
        cli_text_put(stdout, l->module->name);
        printf(" + 0x%" PRIx64 "\n", l->addr - l->module->base);
    }
    fputs("Source:   ", stdout);
    cli_text_put(stdout, map->source);
    printf(" (%s view)\n", map->view);
}

static void print_json(const located *l)
{
    cli_json j;
    cli_json_init(&j, stdout);
    cli_json_begin_object(&j);
    cli_json_key(&j, "cell");
    cli_json_u64(&j, l->cell);
    cli_json_key(&j, "kind");
    cli_json_string(&j, l->kind == MEMSCAPE_CELL_ADDRESS ? "address"
                        : l->kind == MEMSCAPE_CELL_GAP   ? "gap"
                                                         : "padding");
    cli_json_key(&j, "address");
    if (l->kind == MEMSCAPE_CELL_PADDING)
        cli_json_null(&j);
    else
        cli_json_u64(&j, l->addr);
    cli_json_key(&j, "region");
    if (l->region) {
        cli_json_begin_object_inline(&j);
        cli_json_key(&j, "base");
        cli_json_u64(&j, l->region->base);
        cli_json_key(&j, "size");
        cli_json_u64(&j, l->region->size);
        cli_json_key(&j, "usage");
        cli_json_string(&j, l->region->usage);
        cli_json_end_object(&j);
    } else {
        cli_json_null(&j);
    }
    cli_json_key(&j, "module");
    if (l->module) {
        cli_json_begin_object_inline(&j);
        cli_json_key(&j, "name");
        cli_json_string(&j, l->module->name);
        cli_json_key(&j, "base");
        cli_json_u64(&j, l->module->base);
        cli_json_key(&j, "offset");
        cli_json_u64(&j, l->addr - l->module->base);
        cli_json_end_object(&j);
    } else {
        cli_json_null(&j);
    }
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

int cli_locate(int argc, char **argv)
{
    static const struct option options[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int json = 0, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == 'h') {
            print_usage(stdout);
            return CLI_OK;
        }
        if (c != 'j')
            return usage_error("unknown option '%s'", argv[optind - 1]);
        json = 1;
    }
    if (argc - optind != 3)
        return usage_error("expected IMAGE X Y");
    const char *image = argv[optind];
    uint64_t x, y;
    if (cli_parse_u64(argv[optind + 1], &x) != 0 || cli_parse_u64(argv[optind + 2], &y) != 0)
        return usage_error("X and Y must be pixel numbers");
    char *text = NULL;
    memscape_error err = {0};
    if (memscape_png_read_text(image, CLI_MAP_KEY, &text, &err) != MEMSCAPE_OK) {
        if (err.code == MEMSCAPE_EINVAL)
            snprintf(err.msg, sizeof err.msg, "no memscape map in this picture (was it made "
                                              "by memscape render?)");
        cli_report(image, &err);
        return CLI_FAILED;
    }
    cli_map map;
    char why[256];
    int rc = cli_map_parse(&map, text, why, sizeof why);
    free(text);
    if (rc != 0) {
        fprintf(stderr, "memscape: %s: %s\n", image, why);
        return CLI_FAILED;
    }
    uint32_t px, py;
    if (picture_pixel(&map, x, y, &px, &py) != 0) {
        fprintf(stderr, "memscape: %s: pixel %" PRIu64 ", %" PRIu64 " is outside the %" PRIu32
                        "x%" PRIu32 " picture\n", image, x, y, memscape_layout_width(map.layout),
                memscape_layout_height(map.layout));
        cli_map_release(&map);
        return CLI_FAILED;
    }
    located l;
    locate(&map, px, py, &l);
    if (json)
        print_json(&l);
    else
        print_text(&map, px, py, &l);
    cli_map_release(&map);
    return fflush(stdout) == 0 ? CLI_OK : CLI_FAILED;
}
