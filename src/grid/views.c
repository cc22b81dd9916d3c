/* SPDX-License-Identifier: MIT */
/* Views: a grid coloured through a palette into a raster of the layout's size.
 *
 * Each view turns one channel of a cell into a colour: a value 0..1 through a continuous
 * palette (bytes, entropy, pointers) or a class name through a categorical one (classes,
 * regions, modules). Cells that show nothing of the dump (absent bytes, separators, padding)
 * take the palette's classes for them where it has them, else fixed greys, so a picture always
 * says what is missing. */
#include <stdlib.h>
#include <string.h>

#include "memscape/picture.h"
#include "util/checked.h"
#include "util/error.h"

/* ---- names ------------------------------------------------------------------------------- */

static const char *const view_names[MEMSCAPE_VIEW_COUNT] = {
    "bytes", "classes", "entropy", "regions", "modules", "pointers",
};

/* The palettes in palettes/ each view is drawn with by default. */
static const char *const view_palettes[MEMSCAPE_VIEW_COUNT] = {
    "gray", "binvis-classes", "entropy", "regions", "modules", "magma",
};

const char *memscape_view_name(memscape_view view)
{
    return (unsigned)view < MEMSCAPE_VIEW_COUNT ? view_names[view] : "unknown";
}

int memscape_view_parse(const char *name, memscape_view *view)
{
    if (!name)
        return 0;
    for (unsigned v = 0; v < MEMSCAPE_VIEW_COUNT; v++) {
        if (strcmp(name, view_names[v]) == 0) {
            if (view)
                *view = (memscape_view)v;
            return 1;
        }
    }
    return 0;
}

const char *memscape_view_default_palette(memscape_view view)
{
    return (unsigned)view < MEMSCAPE_VIEW_COUNT ? view_palettes[view] : NULL;
}

/* ---- raster ------------------------------------------------------------------------------ */

memscape_status memscape_raster_new(memscape_raster *out, uint32_t width, uint32_t height,
                                    memscape_error *err)
{
    if (!out || width == 0 || height == 0)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "raster: size %ux%u is empty", width, height);
    size_t pixels, bytes;
    if (memscape_mul_size(width, height, &pixels) != MEMSCAPE_OK ||
        memscape_mul_size(pixels, sizeof(memscape_rgb), &bytes) != MEMSCAPE_OK)
        return memscape_fail(err, MEMSCAPE_EOVERFLOW, MEMSCAPE_NO_OFFSET,
                             "raster: size %ux%u overflows", width, height);
    memscape_rgb *p = calloc(pixels, sizeof *p);
    if (!p)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                             "raster: no memory for %ux%u pixels", width, height);
    out->width = width;
    out->height = height;
    out->pixels = p;
    return MEMSCAPE_OK;
}

void memscape_raster_free(memscape_raster *raster)
{
    if (!raster)
        return;
    free(raster->pixels);
    memset(raster, 0, sizeof *raster);
}

/* ---- colours ----------------------------------------------------------------------------- */

static const memscape_rgb grey_absent = {0x2a, 0x2a, 0x2a};
static const memscape_rgb grey_separator = {0x7f, 0x7f, 0x7f};
static const memscape_rgb black_padding = {0x00, 0x00, 0x00};
static const memscape_rgb grey_no_module = {0x30, 0x30, 0x30};

/* Classes a categorical palette may carry for what is not data; the modules view skips them
 * when it hands out colours by index. */
static const char *const special_classes[] = {"absent", "separator", "padding", "no-module"};

/* The regions view's classes, in the order of region_class_of's answers. */
enum region_class {
    RC_IMAGE, RC_MAPPED, RC_PRIVATE, RC_HEAP, RC_STACK, RC_TEB, RC_PEB, RC_RESERVED, RC_FREE,
    RC_NOT_CAPTURED, RC_COUNT
};
static const char *const region_class_names[RC_COUNT] = {
    "image", "mapped", "private", "heap", "stack", "teb", "peb", "reserved", "free",
    "not-captured",
};

/** Everything render needs, resolved once. */
typedef struct view_colours {
    const memscape_palette *palette;
    memscape_rgb absent, separator, padding, no_module;
    memscape_rgb by_mean[256];
    memscape_rgb byte_class[MEMSCAPE_CLASS_COUNT];
    memscape_rgb region[RC_COUNT];
    size_t *module_entries;     /* palette entries the modules view cycles through */
    size_t module_entry_count;
} view_colours;

static memscape_rgb class_or(const memscape_palette *p, const char *name, memscape_rgb fallback)
{
    memscape_rgb rgb;
    if (memscape_palette_kind_of(p) == MEMSCAPE_PALETTE_CATEGORICAL &&
        memscape_palette_class(p, name, &rgb))
        return rgb;
    return fallback;
}

/* A class the palette lacks takes its entry by position, so any categorical palette draws
 * every class in some colour of its own. */
static memscape_rgb named_class(const memscape_palette *p, const char *name, size_t position)
{
    memscape_rgb rgb;
    if (memscape_palette_class(p, name, &rgb))
        return rgb;
    size_t count = memscape_palette_count(p);
    if (count == 0)
        return grey_absent;
    return memscape_palette_entry(p, position % count, NULL, NULL);
}

static int is_special_class(const char *name)
{
    for (size_t i = 0; i < sizeof special_classes / sizeof *special_classes; i++)
        if (name && strcmp(name, special_classes[i]) == 0)
            return 1;
    return 0;
}

static memscape_status resolve_module_entries(view_colours *vc, memscape_error *err)
{
    size_t count = memscape_palette_count(vc->palette);
    vc->module_entries = calloc(count ? count : 1, sizeof *vc->module_entries);
    if (!vc->module_entries)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "render: out of memory");
    for (size_t i = 0; i < count; i++) {
        const char *name = NULL;
        memscape_palette_entry(vc->palette, i, &name, NULL);
        if (!is_special_class(name))
            vc->module_entries[vc->module_entry_count++] = i;
    }
    /* A palette of nothing but special classes still colours modules somehow. */
    if (vc->module_entry_count == 0)
        for (size_t i = 0; i < count; i++)
            vc->module_entries[vc->module_entry_count++] = i;
    return MEMSCAPE_OK;
}

static memscape_status check_kind(memscape_view view, const memscape_palette *palette,
                                  memscape_error *err)
{
    memscape_palette_kind want = MEMSCAPE_PALETTE_CATEGORICAL;
    if (view == MEMSCAPE_VIEW_BYTES || view == MEMSCAPE_VIEW_ENTROPY ||
        view == MEMSCAPE_VIEW_POINTERS)
        want = MEMSCAPE_PALETTE_CONTINUOUS;
    memscape_palette_kind have = memscape_palette_kind_of(palette);
    if (have == want)
        return MEMSCAPE_OK;
    const char *name = memscape_palette_name(palette);
    return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                         "render: view %s needs a %s palette, but palette %s is %s",
                         memscape_view_name(view),
                         want == MEMSCAPE_PALETTE_CONTINUOUS ? "continuous" : "categorical",
                         name ? name : "(unnamed)",
                         have == MEMSCAPE_PALETTE_CONTINUOUS ? "continuous" : "categorical");
}

static memscape_status resolve_colours(view_colours *vc, memscape_view view,
                                       const memscape_palette *p, memscape_error *err)
{
    memset(vc, 0, sizeof *vc);
    vc->palette = p;
    vc->absent = class_or(p, "absent", grey_absent);
    vc->separator = class_or(p, "separator", grey_separator);
    vc->padding = class_or(p, "padding", black_padding);
    vc->no_module = class_or(p, "no-module", grey_no_module);
    switch (view) {
    case MEMSCAPE_VIEW_BYTES:
        for (unsigned v = 0; v < 256; v++)
            vc->by_mean[v] = memscape_palette_at(p, v / 255.0);
        break;
    case MEMSCAPE_VIEW_CLASSES:
        for (unsigned c = 0; c < MEMSCAPE_CLASS_COUNT; c++)
            vc->byte_class[c] = named_class(p, memscape_byte_class_name(c), c);
        break;
    case MEMSCAPE_VIEW_REGIONS:
        for (unsigned c = 0; c < RC_COUNT; c++)
            vc->region[c] = named_class(p, region_class_names[c], c);
        break;
    case MEMSCAPE_VIEW_MODULES:
        return resolve_module_entries(vc, err);
    default:
        break;
    }
    return MEMSCAPE_OK;
}

/* The class a region's usage or type gives, or RC_COUNT when they say nothing. */
static unsigned usage_type_class(uint8_t usage, uint8_t type)
{
    switch (usage) {
    case MEMSCAPE_USAGE_IMAGE: return RC_IMAGE;
    case MEMSCAPE_USAGE_STACK: return RC_STACK;
    case MEMSCAPE_USAGE_TEB: return RC_TEB;
    case MEMSCAPE_USAGE_PEB: return RC_PEB;
    case MEMSCAPE_USAGE_HEAP: return RC_HEAP;
    case MEMSCAPE_USAGE_MAPPED_FILE: return RC_MAPPED;
    default: break;
    }
    switch (type) {
    case MEMSCAPE_TYPE_IMAGE: return RC_IMAGE;
    case MEMSCAPE_TYPE_MAPPED: return RC_MAPPED;
    case MEMSCAPE_TYPE_PRIVATE: return RC_PRIVATE;
    default: return RC_COUNT;
    }
}

/* Not-captured memory keeps the hue of what it is, darkened: VMMap's convention of telling
 * what is in the dump from what only the layout describes. */
static memscape_rgb darken(memscape_rgb c)
{
    memscape_rgb d = {(uint8_t)(c.r * 55 / 100), (uint8_t)(c.g * 55 / 100),
                      (uint8_t)(c.b * 55 / 100)};
    return d;
}

/* An address in no region is unallocated: free. Committed or not-captured memory whose usage
 * and type say nothing is drawn as not captured: the dump tells nothing of it. */
static memscape_rgb region_colour(const view_colours *vc, const memscape_grid *g, uint64_t cell)
{
    uint8_t state = memscape_grid_state(g)[cell];
    if (state == MEMSCAPE_GRID_NONE || state == MEMSCAPE_STATE_FREE)
        return vc->region[RC_FREE];
    if (state == MEMSCAPE_STATE_RESERVED)
        return vc->region[RC_RESERVED];
    unsigned rc = usage_type_class(memscape_grid_usage(g)[cell], memscape_grid_type(g)[cell]);
    if (rc == RC_COUNT)
        return vc->region[RC_NOT_CAPTURED];
    if (state == MEMSCAPE_STATE_NOT_CAPTURED)
        return darken(vc->region[rc]);
    return vc->region[rc];
}

static memscape_rgb address_colour(const view_colours *vc, const memscape_grid *g,
                                   memscape_view view, uint64_t cell)
{
    switch (view) {
    case MEMSCAPE_VIEW_REGIONS:
        return region_colour(vc, g, cell);
    case MEMSCAPE_VIEW_MODULES: {
        uint32_t m = memscape_grid_module(g)[cell];
        if (m == MEMSCAPE_GRID_NO_MODULE || vc->module_entry_count == 0)
            return vc->no_module;
        size_t entry = vc->module_entries[m % vc->module_entry_count];
        return memscape_palette_entry(vc->palette, entry, NULL, NULL);
    }
    default:
        break;
    }
    if (memscape_grid_present(g)[cell] == 0)
        return vc->absent;
    switch (view) {
    case MEMSCAPE_VIEW_BYTES:
        return vc->by_mean[memscape_grid_mean(g)[cell]];
    case MEMSCAPE_VIEW_ENTROPY:
        return memscape_palette_at(vc->palette, memscape_grid_entropy(g)[cell] / 8.0);
    case MEMSCAPE_VIEW_POINTERS:
        return memscape_palette_at(vc->palette, memscape_grid_pointers(g)[cell]);
    default: {
        uint8_t c = memscape_grid_class(g)[cell];
        return c < MEMSCAPE_CLASS_COUNT ? vc->byte_class[c] : vc->absent;
    }
    }
}

static memscape_rgb cell_colour(const view_colours *vc, const memscape_grid *g,
                                const memscape_layout *layout, memscape_view view,
                                uint64_t cell)
{
    uint64_t addr, bytes;
    switch (memscape_layout_cell_info(layout, cell, &addr, &bytes)) {
    case MEMSCAPE_CELL_GAP:
        return vc->separator;
    case MEMSCAPE_CELL_PADDING:
        return vc->padding;
    default:
        return address_colour(vc, g, view, cell);
    }
}

/* ---- legends ----------------------------------------------------------------------------- */

static size_t legend_add(memscape_legend_item *out, size_t n, const char *label,
                         memscape_rgb rgb)
{
    if (n < MEMSCAPE_LEGEND_MAX)
        out[n++] = (memscape_legend_item){label, rgb};
    return n;
}

size_t memscape_view_legend(memscape_view view, const memscape_palette *palette,
                            memscape_legend_item out[MEMSCAPE_LEGEND_MAX])
{
    view_colours vc;
    if (!palette || !out || (unsigned)view >= MEMSCAPE_VIEW_COUNT ||
        check_kind(view, palette, NULL) != MEMSCAPE_OK ||
        resolve_colours(&vc, view, palette, NULL) != MEMSCAPE_OK)
        return 0;
    free(vc.module_entries);
    size_t n = 0;
    if (view == MEMSCAPE_VIEW_CLASSES)
        for (unsigned c = 0; c < MEMSCAPE_CLASS_COUNT; c++)
            n = legend_add(out, n, memscape_byte_class_name(c), vc.byte_class[c]);
    if (view == MEMSCAPE_VIEW_REGIONS)
        for (unsigned c = 0; c < RC_COUNT; c++)
            n = legend_add(out, n, region_class_names[c], vc.region[c]);
    if (view == MEMSCAPE_VIEW_MODULES)
        n = legend_add(out, n, "no module", vc.no_module);
    else if (view != MEMSCAPE_VIEW_REGIONS)
        n = legend_add(out, n, "absent", vc.absent);
    n = legend_add(out, n, "separator", vc.separator);
    return legend_add(out, n, "padding", vc.padding);
}

memscape_rgb memscape_view_module_colour(const memscape_palette *palette, uint32_t module)
{
    view_colours vc;
    memscape_rgb rgb = grey_no_module;
    if (!palette || resolve_colours(&vc, MEMSCAPE_VIEW_MODULES, palette, NULL) != MEMSCAPE_OK)
        return rgb;
    if (vc.module_entry_count > 0)
        rgb = memscape_palette_entry(palette, vc.module_entries[module % vc.module_entry_count],
                                     NULL, NULL);
    free(vc.module_entries);
    return rgb;
}

memscape_status memscape_render_view(memscape_raster *out, const memscape_grid *grid,
                                     const memscape_layout *layout, memscape_view view,
                                     const memscape_palette *palette, memscape_error *err)
{
    if (!out || !grid || !layout || !palette || (unsigned)view >= MEMSCAPE_VIEW_COUNT)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "render: grid, layout, palette and a known view are required");
    uint32_t width = memscape_layout_width(layout);
    uint32_t height = memscape_layout_height(layout);
    if (memscape_layout_depth(layout) != 1)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "render: a %s layout is 3D: picture it with memscape volume",
                             memscape_curve_name(memscape_layout_curve(layout)));
    if (memscape_grid_cells(grid) != (uint64_t)width * height)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "render: the grid has %llu cells but the layout %ux%u",
                             (unsigned long long)memscape_grid_cells(grid), width, height);
    /* The modules view needs only distinct colours: any categorical palette will do. */
    memscape_status st = check_kind(view, palette, err);
    if (st != MEMSCAPE_OK)
        return st;
    view_colours vc;
    st = resolve_colours(&vc, view, palette, err);
    if (st != MEMSCAPE_OK)
        return st;
    memscape_raster raster;
    st = memscape_raster_new(&raster, width, height, err);
    if (st != MEMSCAPE_OK) {
        free(vc.module_entries);
        return st;
    }
    for (uint32_t y = 0; y < height; y++) {
        memscape_rgb *row = raster.pixels + (size_t)y * width;
        for (uint32_t x = 0; x < width; x++) {
            uint64_t cell = memscape_layout_xy_to_cell(layout, x, y);
            row[x] = cell_colour(&vc, grid, layout, view, cell);
        }
    }
    free(vc.module_entries);
    *out = raster;
    return MEMSCAPE_OK;
}
