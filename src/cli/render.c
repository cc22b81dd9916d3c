/* SPDX-License-Identifier: MIT */
/* `memscape render DUMP -o OUT.png|.pdf|.svg`: fold the address space into a raster, colour
 * it, and write it bare or as an annotated poster. A PNG carries its map (map.h) so
 * `memscape locate` can trace any pixel back, on the poster too. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "map.h"
#include "text.h"

typedef struct render_options {
    const char *dump;
    const char *out;
    const char *map_out;
    const char *palette;
    memscape_view view;
    int dump2picture;
    int pool_view;                      /* --view pool: the pool treemap */
    unsigned bpp;
    memscape_layout_options layout;
    const char *module;
    int annotate;
    memscape_poster_format format;
    int zlib_level;
    uint32_t dpi;
    int quiet;
    cli_input input;
} render_options;

static void print_usage(FILE *out)
{
    fprintf(out,
            "Usage: memscape render [options] DUMP -o OUT.png|OUT.pdf|OUT.svg\n"
            "\n"
            "Picture a dump's memory space: each pixel is a cell of the address space.\n"
            "\n"
            "Options:\n"
            "  -o, --output OUT       the picture, PNG, PDF or SVG by its extension (written\n"
            "                         to OUT.tmp, then renamed)\n"
            "  --annotate             a poster: title, legend, scale, address ticks, module\n"
            "                         names, thread stacks and the icons of the patterns\n"
            "                         found (memscape patterns) around and over the picture\n"
            "  --view VIEW            bytes, classes, entropy, regions, modules, pointers,\n"
            "                         dump2picture (the file's raw bytes; see --bpp), or\n"
            "                         pool (a WinDbg log's pool tags, !poolused and !vm, as a\n"
            "                         treemap; 1600x1000 unless --size) (default: regions)\n"
            "  --layout CURVE         hilbert (default), zorder or scan\n"
            "  --size WxH             picture size in pixels (default 1024x1024)\n"
            "  --cell BYTES           bytes per pixel (default: the smallest power of two\n"
            "                         that fits)\n"
            "  --compact              collapse gaps into thin separators (default)\n"
            "  --true-scale           keep distances: gaps take their real size\n"
            "  --range ADDR-ADDR      picture only this address range\n"
            "  --module NAME          picture only this module's image (name or file name)\n"
            "  --palette NAME|FILE    a built-in palette or a palette file\n"
            "                         (memscape palettes lists them)\n"
            "  --bpp 8|16|24|32       dump2picture: bits per pixel (default 8)\n"
            "  --zlib N               PNG compression level 0-9 (default 6)\n"
            "  --dpi N                print resolution: PNG pHYs, PDF page size (default 150)\n"
            "  --map OUT.json         also write the picture's map (layout, regions, modules)\n"
            CLI_INPUT_HELP
            "  -q, --quiet            no progress on stderr\n"
            "  -h, --help             show this help\n"
            "\n"
            "Without --annotate a PNG is exactly the picture's size in pixels, and a PDF or\n"
            "SVG holds the picture alone. `memscape locate` reads PNGs, posters included.\n");
}

#define SHORT_USAGE "Usage: memscape render [options] DUMP -o OUT.png|OUT.pdf|OUT.svg\n"
#define usage_error(...) \
    (cli_usage_error("render", __VA_ARGS__), fputs(SHORT_USAGE, stderr), CLI_USAGE)

enum {
    OPT_VIEW = 256, OPT_LAYOUT, OPT_SIZE, OPT_CELL, OPT_COMPACT, OPT_TRUE_SCALE, OPT_RANGE,
    OPT_MODULE, OPT_PALETTE, OPT_BPP, OPT_ZLIB, OPT_DPI, OPT_MAP, OPT_ANNOTATE
};

static const struct option long_options[] = {
    {"output", required_argument, NULL, 'o'},   {"view", required_argument, NULL, OPT_VIEW},
    {"layout", required_argument, NULL, OPT_LAYOUT}, {"size", required_argument, NULL, OPT_SIZE},
    {"cell", required_argument, NULL, OPT_CELL}, {"compact", no_argument, NULL, OPT_COMPACT},
    {"true-scale", no_argument, NULL, OPT_TRUE_SCALE},
    {"range", required_argument, NULL, OPT_RANGE},
    {"module", required_argument, NULL, OPT_MODULE},
    {"palette", required_argument, NULL, OPT_PALETTE},
    {"bpp", required_argument, NULL, OPT_BPP},   {"zlib", required_argument, NULL, OPT_ZLIB},
    {"dpi", required_argument, NULL, OPT_DPI},   {"map", required_argument, NULL, OPT_MAP},
    {"annotate", no_argument, NULL, OPT_ANNOTATE}, CLI_INPUT_LONG_OPTIONS,
    {"quiet", no_argument, NULL, 'q'},          {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* A small decimal count for an option, within [lo, hi]. */
static int parse_count(const char *text, uint64_t lo, uint64_t hi, uint64_t *out)
{
    uint64_t v;
    if (cli_parse_u64(text, &v) != 0 || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_size(const char *text, uint32_t *w, uint32_t *h)
{
    const char *x = strchr(text, 'x');
    if (!x || x == text)
        return -1;
    char width[24];
    size_t n = (size_t)(x - text);
    if (n >= sizeof width)
        return -1;
    memcpy(width, text, n);
    width[n] = '\0';
    uint64_t a, b;
    if (parse_count(width, 1, MEMSCAPE_LAYOUT_MAX_SIDE, &a) != 0 ||
        parse_count(x + 1, 1, MEMSCAPE_LAYOUT_MAX_SIDE, &b) != 0)
        return -1;
    *w = (uint32_t)a;
    *h = (uint32_t)b;
    return 0;
}

static int parse_range(const char *text, uint64_t *lo, uint64_t *hi)
{
    const char *dash = strchr(text, '-');
    if (!dash || dash == text)
        return -1;
    char first[48];
    size_t n = (size_t)(dash - text);
    if (n >= sizeof first)
        return -1;
    memcpy(first, text, n);
    first[n] = '\0';
    return cli_parse_u64(first, lo) == 0 && cli_parse_u64(dash + 1, hi) == 0 && *lo < *hi ? 0
                                                                                          : -1;
}

static int parse_view(const char *name, render_options *o)
{
    if (strcmp(name, "dump2picture") == 0) {
        o->dump2picture = 1;
        return 0;
    }
    if (strcmp(name, "pool") == 0) {
        o->pool_view = 1;
        return 0;
    }
    return memscape_view_parse(name, &o->view) ? 0 : -1;
}

static int parse_option(int c, const char *arg, void *ctx)
{
    render_options *o = ctx;
    uint64_t v;
    switch (c) {
    case 'o': o->out = arg; return -1;
    case 'q': o->quiet = 1; return -1;
    case OPT_VIEW:
        if (parse_view(arg, o) != 0)
            return usage_error("--view: unknown view '%s'", arg);
        return -1;
    case OPT_LAYOUT:
        if (cli_parse_curve(arg, &o->layout.curve) != 0)
            return usage_error("--layout: '%s' is not hilbert, zorder or scan", arg);
        return -1;
    case OPT_SIZE:
        if (parse_size(arg, &o->layout.width, &o->layout.height) != 0)
            return usage_error("--size: '%s' is not WxH with sides from 1 to %u", arg,
                               MEMSCAPE_LAYOUT_MAX_SIDE);
        return -1;
    case OPT_CELL:
        if (parse_count(arg, 1, UINT64_MAX, &o->layout.cell_bytes) != 0)
            return usage_error("--cell: '%s' is not a positive number of bytes", arg);
        return -1;
    case OPT_COMPACT: o->layout.true_scale = 0; return -1;
    case OPT_TRUE_SCALE: o->layout.true_scale = 1; return -1;
    case OPT_RANGE:
        if (parse_range(arg, &o->layout.lo, &o->layout.hi) != 0)
            return usage_error("--range: '%s' is not ADDR-ADDR with the first below the second",
                               arg);
        return -1;
    case OPT_MODULE: o->module = arg; return -1;
    case OPT_PALETTE: o->palette = arg; return -1;
    case OPT_BPP:
        if (parse_count(arg, 8, 32, &v) != 0 || v % 8 != 0)
            return usage_error("--bpp: '%s' is not 8, 16, 24 or 32", arg);
        o->bpp = (unsigned)v;
        return -1;
    case OPT_ZLIB:
        if (parse_count(arg, 0, 9, &v) != 0)
            return usage_error("--zlib: '%s' is not a level from 0 to 9", arg);
        o->zlib_level = (int)v;
        return -1;
    case OPT_DPI:
        if (parse_count(arg, 1, 100000, &v) != 0)
            return usage_error("--dpi: '%s' is not from 1 to 100000", arg);
        o->dpi = (uint32_t)v;
        return -1;
    case OPT_MAP: o->map_out = arg; return -1;
    case OPT_ANNOTATE: o->annotate = 1; return -1;
    default:
        return usage_error("unknown option");
    }
}

static int parse_options(int argc, char **argv, render_options *o)
{
    static const cli_usage usage = {"render", print_usage, SHORT_USAGE};
    int status = cli_read_options(argc, argv, &usage, ":o:qh", long_options, parse_option, o,
                                  &o->input);
    if (status >= 0)
        return status;
    if (optind >= argc)
        return usage_error("missing DUMP");
    if (argc - optind > 1)
        return usage_error("one DUMP at a time");
    o->dump = argv[optind];
    if (!o->out)
        return usage_error("missing -o OUT.png (or OUT.pdf, OUT.svg)");
    if (!memscape_poster_format_of(o->out, &o->format))
        return usage_error("-o: '%s' does not end in .png, .pdf or .svg", o->out);
    if (o->annotate && (o->layout.width > MEMSCAPE_POSTER_MAX_SIDE ||
                        o->layout.height > MEMSCAPE_POSTER_MAX_SIDE))
        return usage_error("--annotate: posters take pictures of at most %u pixels a side",
                           MEMSCAPE_POSTER_MAX_SIDE);
    return -1;
}

/* ---- the work ---------------------------------------------------------------------------- */

static int fail_with(const char *what, const memscape_error *err)
{
    cli_report(what, err);
    return CLI_FAILED;
}

static int load_palette(const render_options *o, memscape_palette **out)
{
    return cli_load_palette(o->palette ? o->palette : memscape_view_default_palette(o->view),
                            out);
}

/* --module NAME: the range of the module whose path or file name is NAME. */
static int module_range(const memscape_space *space, const char *name, uint64_t *lo,
                        uint64_t *hi)
{
    size_t n;
    const memscape_module *m = memscape_space_modules(space, &n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(m[i].name, name) == 0 || strcasecmp(cli_base_name(m[i].name), name) == 0) {
            *lo = m[i].base;
            *hi = m[i].size > UINT64_MAX - m[i].base ? UINT64_MAX : m[i].base + m[i].size;
            return 0;
        }
    }
    return -1;
}

static void progress(void *ctx, uint64_t done, uint64_t total)
{
    (void)ctx;
    if (total)
        fprintf(stderr, "\rmemscape: render: %3u%%", (unsigned)(done * 100 / total));
}

/* What a picture is of, for its metadata and its poster. */
typedef struct picture_parts {
    const memscape_dump *dump;
    const char *view;                   /* "regions", ..., "dump2picture" */
    const char *map;                    /* the picture map text, or NULL */
    const memscape_layout *layout;      /* NULL for dump2picture */
    const memscape_palette *palette;    /* NULL for dump2picture */
} picture_parts;

/* "regions view · elf-core, linux amd64 · 57 regions, 3 modules, 5 threads" */
static void describe_space(const render_options *o, const picture_parts *parts, char *out,
                           size_t size)
{
    const memscape_space *space = memscape_dump_space(parts->dump);
    if (!parts->layout) {
        snprintf(out, size, "Dump2Picture, %u bits per pixel: the file's bytes in order, "
                            "top row first", o->bpp ? o->bpp : 8);
        return;
    }
    const memscape_system *sys = memscape_space_system(space);
    size_t regions, modules, threads;
    memscape_space_regions(space, &regions);
    memscape_space_modules(space, &modules);
    memscape_space_threads(space, &threads);
    snprintf(out, size,
             "%s view \xc2\xb7 %s, %s %s \xc2\xb7 %zu regions, %zu modules, %zu threads",
             parts->view, memscape_format_name(sys->format), memscape_os_name(sys->os),
             memscape_arch_name(sys->arch), regions, modules, threads);
}

/* "palette magma · hilbert layout · 4096 bytes a cell · 2149380152-byte file" */
static void describe_picture(const picture_parts *parts, char *out, size_t size)
{
    uint64_t file_size = memscape_dump_file_size(parts->dump);
    if (!parts->layout) {
        snprintf(out, size, "%" PRIu64 "-byte file", file_size);
        return;
    }
    snprintf(out, size, "palette %s \xc2\xb7 %s layout \xc2\xb7 %" PRIu64
                        " bytes a cell \xc2\xb7 %" PRIu64 "-byte file",
             memscape_palette_name(parts->palette),
             memscape_curve_name(memscape_layout_curve(parts->layout)),
             memscape_layout_cell_bytes(parts->layout), file_size);
}

/* The metadata every PNG carries, and where its strings live. */
typedef struct png_metadata {
    char size_text[32], version[32], layout[96], cell_bytes[32];
    char *source;
    memscape_png_text text[7];
    memscape_png_options png;
} png_metadata;

static int png_metadata_init(png_metadata *m, const render_options *o,
                             const picture_parts *parts)
{
    m->source = cli_map_escape(o->dump); /* PNG text is UTF-8; a path need not be */
    if (!m->source) {
        fprintf(stderr, "memscape: render: out of memory\n");
        return -1;
    }
    snprintf(m->size_text, sizeof m->size_text, "%" PRIu64,
             memscape_dump_file_size(parts->dump));
    snprintf(m->version, sizeof m->version, "memscape %s", memscape_version());
    size_t n = 0;
    m->text[n++] = (memscape_png_text){"Software", m->version};
    m->text[n++] = (memscape_png_text){"memscape-source", m->source};
    m->text[n++] = (memscape_png_text){"memscape-source-size", m->size_text};
    m->text[n++] = (memscape_png_text){"memscape-view", parts->view};
    if (parts->layout) {
        /* Also inside the map; alone here for tools that read only these keys. */
        const memscape_layout *l = parts->layout;
        snprintf(m->layout, sizeof m->layout, "%s %" PRIu32 "x%" PRIu32 " %s",
                 memscape_curve_name(memscape_layout_curve(l)), memscape_layout_width(l),
                 memscape_layout_height(l), o->layout.true_scale ? "true-scale" : "compact");
        snprintf(m->cell_bytes, sizeof m->cell_bytes, "%" PRIu64,
                 memscape_layout_cell_bytes(l));
        m->text[n++] = (memscape_png_text){"memscape-layout", m->layout};
        m->text[n++] = (memscape_png_text){"memscape-cell-bytes", m->cell_bytes};
    }
    if (parts->map)
        m->text[n++] = (memscape_png_text){CLI_MAP_KEY, parts->map};
    m->png = (memscape_png_options){
        .zlib_level = o->zlib_level, .dpi = o->dpi, .allow_indexed = 1,
        .text = m->text, .text_count = n,
    };
    return 0;
}

static int write_picture(const render_options *o, const memscape_raster *raster,
                         const picture_parts *parts)
{
    char subtitle[256], footer[256];
    png_metadata meta;
    if (png_metadata_init(&meta, o, parts) != 0)
        return CLI_FAILED;
    describe_space(o, parts, subtitle, sizeof subtitle);
    describe_picture(parts, footer, sizeof footer);
    const memscape_space *space = parts->layout ? memscape_dump_space(parts->dump) : NULL;
    memscape_findings *findings = NULL;
    memscape_detect_options detect = {.threads = o->input.threads};
    memscape_error err = {0};
    /* An annotated poster marks the patterns found; a bare picture is the memory alone. */
    if (o->annotate && space && memscape_detect(&findings, space, &detect, &err) != MEMSCAPE_OK) {
        free(meta.source);
        return fail_with(o->dump, &err);
    }
    memscape_poster poster = {
        .picture = raster, .annotate = o->annotate,
        .title = cli_base_name(o->dump), .subtitle = subtitle, .footer = footer,
        .view = o->view, .palette = parts->palette, .layout = parts->layout,
        .space = space, .dpi = o->dpi, .png = &meta.png, .findings = findings,
    };
    memscape_status st = memscape_poster_write(o->out, o->format, &poster, &err);
    memscape_findings_free(findings);
    free(meta.source);
    return st == MEMSCAPE_OK ? CLI_OK : fail_with(o->out, &err);
}

/* A bare Dump2Picture PNG is streamed from the file: its picture has a pixel per byte, too
 * many to hold for a large dump. Posters, PDF and SVG draw a raster. */
static int dump2picture_from(const render_options *o, const memscape_dump *dump,
                             const uint8_t *data, uint64_t size)
{
    picture_parts parts = {.dump = dump, .view = "dump2picture"};
    unsigned bpp = o->bpp ? o->bpp : 8;
    memscape_error err = {0};
    if (o->format == MEMSCAPE_POSTER_PNG && !o->annotate) {
        png_metadata meta;
        if (png_metadata_init(&meta, o, &parts) != 0)
            return CLI_FAILED;
        memscape_status st = memscape_dump2picture_write_png(
            o->out, memscape_dump_space(dump), bpp, &meta.png, o->input.threads, &err);
        free(meta.source);
        return st == MEMSCAPE_OK ? CLI_OK : fail_with(st == MEMSCAPE_EIO ? o->out : o->dump,
                                                      &err);
    }
    memscape_raster raster = {0};
    int status = memscape_render_dump2picture(&raster, data, size, bpp, &err) == MEMSCAPE_OK
                     ? write_picture(o, &raster, &parts)
                     : fail_with(o->dump, &err);
    memscape_raster_free(&raster);
    return status;
}

/* Dump2Picture pictures the file, not the space: open it raw, and the one range covering it
 * is the mapping itself (zero-copy). */
static int render_dump2picture(const render_options *o)
{
    memscape_open_options raw = o->input.open;
    raw.raw = 1;
    raw.raw_base = 0;
    memscape_dump *dump;
    memscape_error err = {0};
    if (memscape_dump_open(&dump, o->dump, &raw, &err) != MEMSCAPE_OK)
        return fail_with(o->dump, &err);
    memscape_chunk_iter it;
    memscape_chunk chunk = {0};
    memscape_chunks_begin(&it, memscape_dump_space(dump), 0, UINT64_MAX, 0);
    int have = memscape_chunks_next(&it, &chunk);
    int status = dump2picture_from(o, dump, have ? chunk.data : (const uint8_t *)"",
                                   have ? chunk.size : 0);
    memscape_dump_free(dump);
    return status;
}

static int write_map_json(const render_options *o, const char *view,
                          const memscape_layout *layout, const memscape_poster_frame *frame,
                          const memscape_dump *dump)
{
    /* Same rule as pictures: a temporary name, then rename, so a failure leaves no half file. */
    size_t len = strlen(o->map_out);
    char *tmp = malloc(len + 5);
    if (!tmp)
        return CLI_FAILED;
    memcpy(tmp, o->map_out, len);
    memcpy(tmp + len, ".tmp", 5);
    FILE *f = fopen(tmp, "w");
    int ok = f != NULL;
    if (ok) {
        cli_map_json(f, o->dump, memscape_dump_file_size(dump), view, layout, frame,
                     memscape_dump_space(dump));
        ok = fflush(f) == 0 && !ferror(f);
        ok = fclose(f) == 0 && ok;
    }
    if (ok && rename(tmp, o->map_out) == 0) {
        free(tmp);
        return CLI_OK;
    }
    fprintf(stderr, "memscape: %s: cannot write the map: %s\n", o->map_out, strerror(errno));
    unlink(tmp);
    free(tmp);
    return CLI_FAILED;
}

static int render_view(const render_options *o, const memscape_dump *dump,
                       const memscape_palette *palette)
{
    const memscape_space *space = memscape_dump_space(dump);
    memscape_layout_options lo = o->layout;
    if (o->module && module_range(space, o->module, &lo.lo, &lo.hi) != 0) {
        fprintf(stderr, "memscape: render: --module: no module named '%s' in %s\n", o->module,
                o->dump);
        return CLI_FAILED;
    }
    memscape_error err = {0};
    memscape_layout *layout = NULL;
    memscape_grid *grid = NULL;
    memscape_raster raster = {0};
    char *map = NULL;
    int status = CLI_FAILED;
    memscape_grid_options go = {.threads = o->input.threads};
    if (!o->quiet && isatty(2))
        go.progress = progress;
    if (memscape_layout_new(&layout, space, &lo, &err) != MEMSCAPE_OK ||
        memscape_grid_compute(&grid, space, layout, &go, &err) != MEMSCAPE_OK ||
        memscape_render_view(&raster, grid, layout, o->view, palette, &err) != MEMSCAPE_OK) {
        if (go.progress)
            fputc('\n', stderr);
        status = fail_with(o->dump, &err);
        goto done;
    }
    if (go.progress)
        fputs("\r\033[K", stderr);
    const char *view = memscape_view_name(o->view);
    memscape_poster_frame frame =
        memscape_poster_frame_for(raster.width, raster.height, o->annotate);
    map = cli_map_text(o->dump, memscape_dump_file_size(dump), view, layout,
                       o->annotate ? &frame : NULL, space);
    if (!map) {
        fprintf(stderr, "memscape: render: out of memory\n");
        goto done;
    }
    picture_parts parts = {dump, view, map, layout, palette};
    status = write_picture(o, &raster, &parts);
    if (status == CLI_OK && o->map_out)
        status = write_map_json(o, view, layout, o->annotate ? &frame : NULL, dump);
done:
    free(map);
    memscape_raster_free(&raster);
    memscape_grid_free(grid);
    memscape_layout_free(layout);
    return status;
}

/* --view pool: a treemap of the model's pool usage; it needs no layout nor grid. */
static int render_pool(const render_options *o)
{
    memscape_palette *palette = NULL;
    if (o->palette && cli_load_palette(o->palette, &palette) != CLI_OK)
        return CLI_FAILED;
    memscape_dump *dump = NULL;
    memscape_error err = {0};
    int status = CLI_FAILED;
    png_metadata meta = {0};
    if (memscape_dump_open(&dump, o->dump, &o->input.open, &err) != MEMSCAPE_OK) {
        status = fail_with(o->dump, &err);
    } else if (png_metadata_init(&meta, o, &(picture_parts){.dump = dump, .view = "pool"}) == 0) {
        memscape_pool_treemap_options to = {
            .width = o->layout.width, .height = o->layout.height, .dpi = o->dpi,
            .palette = palette, .title = cli_base_name(o->dump), .png = &meta.png,
        };
        memscape_status st = memscape_pool_treemap_write(o->out, o->format,
                                                         memscape_dump_space(dump), &to, &err);
        status = st == MEMSCAPE_OK ? CLI_OK : fail_with(st == MEMSCAPE_EIO ? o->out : o->dump,
                                                        &err);
    }
    free(meta.source);
    memscape_dump_free(dump);
    memscape_palette_free(palette);
    return status;
}

int cli_render(int argc, char **argv)
{
    render_options o = {0};
    o.zlib_level = 6;
    o.view = MEMSCAPE_VIEW_REGIONS;
    o.layout.curve = MEMSCAPE_CURVE_HILBERT;
    int status = parse_options(argc, argv, &o);
    if (status >= 0)
        return status;
    if (o.pool_view)
        return render_pool(&o);
    if (o.dump2picture)
        return render_dump2picture(&o);
    memscape_palette *palette = NULL;
    status = load_palette(&o, &palette);
    if (status != CLI_OK)
        return status;
    memscape_dump *dump;
    memscape_error err = {0};
    if (memscape_dump_open(&dump, o.dump, &o.input.open, &err) != MEMSCAPE_OK) {
        memscape_palette_free(palette);
        return fail_with(o.dump, &err);
    }
    status = render_view(&o, dump, palette);
    memscape_dump_free(dump);
    memscape_palette_free(palette);
    return status;
}
