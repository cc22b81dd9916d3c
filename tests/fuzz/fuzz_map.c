/* SPDX-License-Identifier: MIT */
/* Fuzz target for the picture map parser (src/cli/map.h): `memscape locate` reads the map from
 * the text chunk of a PNG anyone may hand it. Any text must either parse into a layout that
 * answers for every pixel as layout.h promises, or fail with a one-line reason. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_walk.h"
#include "map.h"

/* The parser takes NUL-terminated text; longer inputs are cut here. locate reads up to
 * MEMSCAPE_PNG_MAX_TEXT, but 1 MiB already holds tens of thousands of lines. */
#define MAP_INPUT_MAX (1u << 20)

static void broken(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void broken(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: map: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

static void check_why(const char *why, size_t why_size)
{
    const char *end = memchr(why, '\0', why_size);
    if (!end || end == why || strpbrk(why, "\r\n"))
        broken("the reason for a refusal is not one non-empty line: %.*s", (int)why_size, why);
}

/* What the cell of one pixel shows, checked against the layout's other answers. */
static void check_cell(const memscape_layout *layout, uint64_t cell)
{
    uint64_t addr = 1, bytes = 1;
    memscape_cell_kind kind = memscape_layout_cell_info(layout, cell, &addr, &bytes);
    uint64_t used = memscape_layout_used_cells(layout);
    if ((kind == MEMSCAPE_CELL_PADDING) != (cell >= used))
        broken("cell %llu of %llu used: kind %d", (unsigned long long)cell,
               (unsigned long long)used, (int)kind);
    if (kind == MEMSCAPE_CELL_PADDING && (addr || bytes))
        broken("padding cell %llu shows 0x%llx+0x%llx", (unsigned long long)cell,
               (unsigned long long)addr, (unsigned long long)bytes);
    if (kind == MEMSCAPE_CELL_GAP && bytes == 0)
        broken("gap cell %llu stands for no bytes", (unsigned long long)cell);
    if (kind != MEMSCAPE_CELL_ADDRESS)
        return;
    uint64_t back = UINT64_MAX;
    if (bytes == 0 || bytes > memscape_layout_cell_bytes(layout) || addr + bytes - 1 < addr)
        broken("address cell %llu shows 0x%llx+0x%llx", (unsigned long long)cell,
               (unsigned long long)addr, (unsigned long long)bytes);
    if (!memscape_layout_addr_to_cell(layout, addr, &back) || back != cell ||
        !memscape_layout_addr_to_cell(layout, addr + bytes - 1, &back) || back != cell)
        broken("address 0x%llx of cell %llu maps back to cell %llu", (unsigned long long)addr,
               (unsigned long long)cell, (unsigned long long)back);
}

static void check_pixel(const memscape_layout *layout, uint32_t x, uint32_t y)
{
    uint64_t cell = memscape_layout_xy_to_cell(layout, x, y);
    uint32_t w = memscape_layout_width(layout), h = memscape_layout_height(layout);
    uint64_t cells = (uint64_t)w * h;
    if (x >= w || y >= h) {
        if (cell != cells)
            broken("pixel (%u, %u) outside %ux%u is cell %llu", x, y, w, h,
                   (unsigned long long)cell);
        return;
    }
    uint32_t cx, cy;
    memscape_layout_cell_to_xy(layout, cell, &cx, &cy);
    if (cell >= cells || cx != x || cy != y)
        broken("pixel (%u, %u) is cell %llu, which is pixel (%u, %u)", x, y,
               (unsigned long long)cell, cx, cy);
    check_cell(layout, cell);
}

/* The corners, the middle, and the first pixels past the right and bottom edges. */
static void check_layout(const memscape_layout *layout)
{
    uint32_t w = memscape_layout_width(layout), h = memscape_layout_height(layout);
    if (w == 0 || h == 0 || w > MEMSCAPE_LAYOUT_MAX_SIDE || h > MEMSCAPE_LAYOUT_MAX_SIDE)
        broken("a layout of %ux%u pixels", w, h);
    const uint32_t pixels[][2] = {
        {0, 0}, {w - 1, 0}, {0, h - 1}, {w - 1, h - 1}, {w / 2, h / 2}, {w, 0}, {0, h},
    };
    for (size_t i = 0; i < sizeof pixels / sizeof pixels[0]; i++)
        check_pixel(layout, pixels[i][0], pixels[i][1]);
    size_t count;
    const memscape_segment *seg = memscape_layout_segments(layout, &count);
    for (size_t i = 0; i < count && i < 64; i++) {
        check_cell(layout, seg[i].first_cell);
        check_cell(layout, seg[i].first_cell + seg[i].cell_count - 1);
    }
    check_cell(layout, memscape_layout_used_cells(layout));
}

static void check_map(const cli_map *map)
{
    if (!map->layout)
        broken("a parsed map has no layout");
    if (map->frame.zoom == 0 || map->frame.zoom > MEMSCAPE_POSTER_MAX_SIDE)
        broken("frame zoom %u", map->frame.zoom);
    if (!memchr(map->view, '\0', sizeof map->view))
        broken("the view name is not NUL-terminated");
    if (map->source)
        (void)strlen(map->source);
    for (size_t i = 0; i < map->region_count; i++) {
        const cli_map_region *r = &map->regions[i];
        if (!memchr(r->state, '\0', sizeof r->state) || !memchr(r->type, '\0', sizeof r->type) ||
            !memchr(r->usage, '\0', sizeof r->usage))
            broken("region %zu has an unterminated name", i);
    }
    for (size_t i = 0; i < map->module_count; i++)
        if (!map->modules[i].name)
            broken("module %zu has no name", i);
        else
            (void)strlen(map->modules[i].name);
    check_layout(map->layout);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len = size < MAP_INPUT_MAX ? size : MAP_INPUT_MAX;
    char *text = malloc(len + 1);
    if (!text)
        return 0;
    memcpy(text, data, len);
    text[len] = '\0';
    cli_map map;
    char why[256] = "";
    if (cli_map_parse(&map, text, why, sizeof why) == 0) {
        check_map(&map);
        cli_map_release(&map);
    } else {
        check_why(why, sizeof why);
        if (map.layout || map.regions || map.modules || map.source)
            broken("a refused map keeps what it parsed");
    }
    free(text);
    return 0;
}
