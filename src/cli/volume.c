/* SPDX-License-Identifier: MIT */
/* `memscape volume DUMP -o OUT.vti|.pvti|.vtk|.hdf|.xdmf`: fold the address space into a voxel
 * grid and write it for ParaView, with OUT's stem + ".annotations.vtp" (modules, thread
 * stacks, the exception) and + ".paraview.py" (a script that opens and colours it all).
 *
 * `memscape volume A B C -o OUT.pvd`: a time series. One layout shows the union of the dumps'
 * memory, so an address keeps its voxel from frame to frame; each dump becomes a frame
 * OUT_000.vti with OUT_000.annotations.vtp, listed in OUT.pvd and OUT.annotations.pvd. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"

/* Frames of a time series at most: every dump stays open (mapped) until the last frame is
 * written, and frame names have three digits. */
#define MAX_SERIES 1000

typedef struct volume_options {
    char **dumps;
    size_t dump_count;
    const char *out;
    int series;                 /* -o OUT.pvd */
    memscape_volume_format format;
    memscape_layout_options layout;
    memscape_volume_options write;
    const char *palette;
    const char *array;
    int quiet;
    cli_input input;
} volume_options;

static void print_usage(FILE *out)
{
    fprintf(out,
            "Usage: memscape volume [options] DUMP -o OUT.vti|.pvti|.vtk|.hdf|.xdmf\n"
            "       memscape volume [options] DUMP1 DUMP2... -o OUT.pvd\n"
            "\n"
            "Fold a dump's memory space into a voxel grid for ParaView. Beside OUT it writes\n"
            "OUT's stem + .annotations.vtp (modules, thread stacks, the exception) and\n"
            "+ .paraview.py (pvpython SCRIPT [--screenshot PNG] opens and colours it all).\n"
            "With several dumps and OUT.pvd, a time series: one layout for all of them (an\n"
            "address keeps its voxel), a frame OUT_000.vti (+ .annotations.vtp) per dump in\n"
            "the order given, and OUT.pvd + OUT.annotations.pvd that ParaView steps through.\n"
            "\n"
            "Options:\n"
            "  -o, --output OUT       the volume; the extension picks the format:\n"
            "                         .vti XML image data, .pvti pieces for parallel servers,\n"
            "                         .vtk legacy binary, .hdf VTKHDF, .xdmf XDMF + .h5,\n"
            "                         .pvd a time series of .vti frames\n"
            "  --layout CURVE         hilbert3d (default) or slab (stacked scan slices)\n"
            "  --dims N | WxHxD       voxels a side (default 256; hilbert3d: a power of two)\n"
            "  --cell BYTES           bytes per voxel (default: the smallest power of two\n"
            "                         that fits)\n"
            "  --compact              collapse gaps into thin separators (default)\n"
            "  --true-scale           keep distances: gaps take their real size\n"
            "  --compress             .vti/.pvti/.pvd: zlib-compressed blocks\n"
            "  --pieces N             .pvti: slabs along z (default 2)\n"
            "  --array NAME           what the script colours by (default entropy): present,\n"
            "                         mean, entropy, class, usage, module, protect, pointers,\n"
            "                         findings (a bit per pattern: memscape patterns --list)\n"
            "  --palette NAME|FILE    its palette (default: entropy)\n"
            CLI_INPUT_HELP
            "  -q, --quiet            no progress on stderr\n"
            "  -h, --help             show this help\n");
}

#define SHORT_USAGE "Usage: memscape volume [options] DUMP -o OUT.vti|.pvti|.vtk|.hdf|.xdmf\n"
#define usage_error(...) \
    (cli_usage_error("volume", __VA_ARGS__), fputs(SHORT_USAGE, stderr), CLI_USAGE)

enum {
    OPT_LAYOUT = 256, OPT_DIMS, OPT_CELL, OPT_COMPACT, OPT_TRUE_SCALE, OPT_COMPRESS,
    OPT_PIECES, OPT_ARRAY, OPT_PALETTE
};

static const struct option long_options[] = {
    {"output", required_argument, NULL, 'o'},   {"layout", required_argument, NULL, OPT_LAYOUT},
    {"dims", required_argument, NULL, OPT_DIMS}, {"cell", required_argument, NULL, OPT_CELL},
    {"compact", no_argument, NULL, OPT_COMPACT},
    {"true-scale", no_argument, NULL, OPT_TRUE_SCALE},
    {"compress", no_argument, NULL, OPT_COMPRESS},
    {"pieces", required_argument, NULL, OPT_PIECES},
    {"array", required_argument, NULL, OPT_ARRAY},
    {"palette", required_argument, NULL, OPT_PALETTE},
    CLI_INPUT_LONG_OPTIONS,                      {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0},
};

static const char *const array_names[] = {
    "present", "mean", "entropy", "class", "usage", "module", "protect", "pointers", "findings",
};

/* "256" (a cube) or "64x32x16". */
static int parse_dims(const char *text, uint32_t dims[3])
{
    uint64_t v[3];
    int n = 0;
    const char *p = text;
    while (n < 3) {
        char part[24];
        size_t len = strcspn(p, "x");
        if (len == 0 || len >= sizeof part)
            return -1;
        memcpy(part, p, len);
        part[len] = '\0';
        if (cli_parse_u64(part, &v[n]) != 0 || v[n] == 0 || v[n] > MEMSCAPE_LAYOUT_MAX_SIDE_3D)
            return -1;
        n++;
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    if (n == 2 || (n == 3 && *p && p[strcspn(p, "x")] != '\0'))
        return -1;
    for (int i = 0; i < 3; i++)
        dims[i] = (uint32_t)(n == 1 ? v[0] : v[i]);
    return 0;
}

static int parse_option(int c, const char *arg, void *ctx)
{
    volume_options *o = ctx;
    uint64_t v;
    uint32_t dims[3];
    switch (c) {
    case 'o': o->out = arg; return -1;
    case 'q': o->quiet = 1; return -1;
    case OPT_LAYOUT:
        if (strcmp(arg, "hilbert3d") == 0)
            o->layout.curve = MEMSCAPE_CURVE_HILBERT3D;
        else if (strcmp(arg, "slab") == 0)
            o->layout.curve = MEMSCAPE_CURVE_SLAB;
        else
            return usage_error("--layout: '%s' is not hilbert3d or slab", arg);
        return -1;
    case OPT_DIMS:
        if (parse_dims(arg, dims) != 0)
            return usage_error("--dims: '%s' is not N or WxHxD with sides from 1 to %u", arg,
                               MEMSCAPE_LAYOUT_MAX_SIDE_3D);
        o->layout.width = dims[0], o->layout.height = dims[1], o->layout.depth = dims[2];
        return -1;
    case OPT_CELL:
        if (cli_parse_u64(arg, &o->layout.cell_bytes) != 0 || o->layout.cell_bytes == 0)
            return usage_error("--cell: '%s' is not a positive number of bytes", arg);
        return -1;
    case OPT_COMPACT: o->layout.true_scale = 0; return -1;
    case OPT_TRUE_SCALE: o->layout.true_scale = 1; return -1;
    case OPT_COMPRESS: o->write.compress = 1; return -1;
    case OPT_PIECES:
        if (cli_parse_u64(arg, &v) != 0 || v == 0 || v > MEMSCAPE_LAYOUT_MAX_SIDE_3D)
            return usage_error("--pieces: '%s' is not from 1 to %u", arg,
                               MEMSCAPE_LAYOUT_MAX_SIDE_3D);
        o->write.pieces = (unsigned)v;
        return -1;
    case OPT_ARRAY:
        for (size_t i = 0; i < sizeof array_names / sizeof *array_names; i++)
            if (strcmp(arg, array_names[i]) == 0) {
                o->array = array_names[i];
                return -1;
            }
        return usage_error("--array: '%s' is not one of the volume's arrays", arg);
    case OPT_PALETTE: o->palette = arg; return -1;
    default:
        return usage_error("unknown option");
    }
}

/* OUT.pvd (any case) asks for a time series. */
static int is_collection(const char *path)
{
    size_t len = strlen(path);
    return len > 4 && strcasecmp(path + len - 4, ".pvd") == 0;
}

static int parse_options(int argc, char **argv, volume_options *o)
{
    static const cli_usage usage = {"volume", print_usage, SHORT_USAGE};
    int status = cli_read_options(argc, argv, &usage, ":o:qh", long_options, parse_option, o,
                                  &o->input);
    if (status >= 0)
        return status;
    if (optind >= argc)
        return usage_error("missing DUMP");
    o->dumps = argv + optind;
    o->dump_count = (size_t)(argc - optind);
    if (!o->out)
        return usage_error("missing -o OUT.vti (or .pvti, .vtk, .hdf, .xdmf, .pvd)");
    o->series = is_collection(o->out);
    if (o->series)
        o->format = MEMSCAPE_VOLUME_VTI;
    else if (!memscape_volume_format_of(o->out, &o->format))
        return usage_error("-o: '%s' does not end in .vti, .pvti, .vtk, .hdf, .xdmf or .pvd",
                           o->out);
    if (!o->series && o->dump_count > 1)
        return usage_error("%zu dumps: a time series is written as -o OUT.pvd", o->dump_count);
    if (o->dump_count > MAX_SERIES)
        return usage_error("%zu dumps: a time series has at most %d", o->dump_count,
                           MAX_SERIES);
    return -1;
}

/* ---- the work ---------------------------------------------------------------------------- */

static int fail_with(const char *what, const memscape_error *err)
{
    cli_report(what, err);
    return CLI_FAILED;
}

static void progress(void *ctx, uint64_t done, uint64_t total)
{
    if (total)
        fprintf(stderr, "\rmemscape: volume: %s %3u%%", (const char *)ctx,
                (unsigned)(done * 100 / total));
}

/* OUT without its extension, + suffix; malloc'ed. */
static char *beside(const char *out, const char *suffix)
{
    const char *dot = strrchr(out, '.');
    size_t stem = dot ? (size_t)(dot - out) : strlen(out);
    char *path = malloc(stem + strlen(suffix) + 1);
    if (path) {
        memcpy(path, out, stem);
        strcpy(path + stem, suffix);
    }
    return path;
}

/* The dump's annotations, at path. */
static int write_annotations(const char *path, const char *dump, const memscape_space *space,
                             const memscape_layout *layout, const memscape_volume *volume,
                             const memscape_findings *findings)
{
    memscape_error err = {0};
    memscape_annotation_list *list = NULL;
    if (memscape_annotations_from_space(&list, space, layout, volume, findings, &err) !=
        MEMSCAPE_OK)
        return fail_with(dump, &err);
    size_t n;
    const memscape_annotation *items = memscape_annotation_list_items(list, &n);
    int status = memscape_annotations_write_vtp(path, items, n, &err) == MEMSCAPE_OK
                     ? CLI_OK
                     : fail_with(path, &err);
    memscape_annotation_list_free(list);
    return status;
}

/* One dump on layout: its volume at out, its annotations at vtp. */
static int write_frame(const volume_options *o, const char *dump, const memscape_space *space,
                       const memscape_layout *layout, const char *out, const char *vtp)
{
    memscape_error err = {0};
    memscape_voxels *voxels = NULL;
    int show = !o->quiet && isatty(2);
    memscape_grid_options go = {.threads = o->input.threads, .progress = show ? progress : NULL,
                                .progress_ctx = (void *)"reading"};
    memscape_volume_options wo = o->write;
    wo.zlib_level = -1;
    wo.progress = show ? progress : NULL;
    wo.progress_ctx = (void *)"writing";
    memscape_detect_options detect = {.threads = o->input.threads};
    memscape_findings *findings = NULL;
    int status = CLI_FAILED;
    if (memscape_voxels_compute(&voxels, space, layout, &go, &err) != MEMSCAPE_OK ||
        memscape_detect(&findings, space, &detect, &err) != MEMSCAPE_OK ||
        memscape_voxels_add_findings(voxels, space, layout, findings, &err) != MEMSCAPE_OK) {
        status = fail_with(dump, &err);
        goto done;
    }
    const memscape_volume *volume = memscape_voxels_volume(voxels);
    if (memscape_volume_write(out, o->format, volume, &wo, &err) != MEMSCAPE_OK)
        status = fail_with(out, &err);
    else
        status = write_annotations(vtp, dump, space, layout, volume, findings);
done:
    if (show)
        fputs("\r\033[K", stderr);
    memscape_findings_free(findings);
    memscape_voxels_free(voxels);
    return status;
}

/* OUT's script, opening volume and annotations (file names beside it). */
static int write_script(const volume_options *o, const char *volume, const char *annotations,
                        const char *title)
{
    memscape_error err = {0};
    memscape_palette *palette = NULL;
    char *script = beside(o->out, ".paraview.py");
    int status = CLI_FAILED;
    if (!script)
        fprintf(stderr, "memscape: volume: out of memory\n");
    else if (cli_load_palette(o->palette ? o->palette : "entropy", &palette) == CLI_OK) {
        memscape_paraview_script s = {
            .volume = cli_base_name(volume), .format = o->format,
            .annotations = cli_base_name(annotations), .array = o->array ? o->array : "entropy",
            .palette = palette, .title = title, .series = o->series,
        };
        status = memscape_paraview_script_write(script, &s, &err) == MEMSCAPE_OK
                     ? CLI_OK
                     : fail_with(script, &err);
    }
    memscape_palette_free(palette);
    free(script);
    return status;
}

static int write_one(const volume_options *o, const memscape_space *space)
{
    memscape_error err = {0};
    memscape_layout *layout = NULL;
    const char *dump = o->dumps[0];
    if (memscape_layout_new(&layout, space, &o->layout, &err) != MEMSCAPE_OK)
        return fail_with(dump, &err);
    char *vtp = beside(o->out, ".annotations.vtp");
    int status = CLI_FAILED;
    if (!vtp)
        fprintf(stderr, "memscape: volume: out of memory\n");
    else if ((status = write_frame(o, dump, space, layout, o->out, vtp)) == CLI_OK)
        status = write_script(o, o->out, vtp, cli_base_name(dump));
    free(vtp);
    memscape_layout_free(layout);
    return status;
}

/* ---- time series ------------------------------------------------------------------------- */

/* The names of a series' files, each malloc'ed: frame i's volume and annotations, the
 * annotations' collection. */
typedef struct series_names {
    char **volumes;
    char **annotations;
    char *collection;
    size_t count;
} series_names;

static void series_names_free(series_names *n)
{
    for (size_t i = 0; n->volumes && i < n->count; i++)
        free(n->volumes[i]);
    for (size_t i = 0; n->annotations && i < n->count; i++)
        free(n->annotations[i]);
    free(n->volumes);
    free(n->annotations);
    free(n->collection);
}

/* OUT_000.vti, OUT_000.annotations.vtp, ...: three digits (MAX_SERIES), so the frames sort
 * in order. */
static int series_names_make(series_names *n, const char *out, size_t count)
{
    n->count = count;
    n->volumes = calloc(count, sizeof *n->volumes);
    n->annotations = calloc(count, sizeof *n->annotations);
    n->collection = beside(out, ".annotations.pvd");
    if (!n->volumes || !n->annotations || !n->collection)
        return -1;
    for (size_t i = 0; i < count; i++) {
        char suffix[48];
        snprintf(suffix, sizeof suffix, "_%03zu.vti", i);
        n->volumes[i] = beside(out, suffix);
        snprintf(suffix, sizeof suffix, "_%03zu.annotations.vtp", i);
        n->annotations[i] = beside(out, suffix);
        if (!n->volumes[i] || !n->annotations[i])
            return -1;
    }
    return 0;
}

/* The file names of paths, for a collection beside them. */
static int write_collection(const char *path, char *const *paths, size_t count)
{
    memscape_error err = {0};
    const char **names = calloc(count, sizeof *names);
    if (!names) {
        fprintf(stderr, "memscape: volume: out of memory\n");
        return CLI_FAILED;
    }
    for (size_t i = 0; i < count; i++)
        names[i] = cli_base_name(paths[i]);
    int status = memscape_pvd_write(path, names, count, &err) == MEMSCAPE_OK
                     ? CLI_OK
                     : fail_with(path, &err);
    free(names);
    return status;
}

/* "3 dumps: a.dmp to c.dmp" */
static char *series_title(const volume_options *o)
{
    const char *first = cli_base_name(o->dumps[0]);
    const char *last = cli_base_name(o->dumps[o->dump_count - 1]);
    size_t size = strlen(first) + strlen(last) + 48;
    char *title = malloc(size);
    if (title)
        snprintf(title, size, "%zu dumps: %s to %s", o->dump_count, first, last);
    return title;
}

/* The frames first, the collections and the script last: a failure part way leaves frames
 * but no collection claiming them. */
static int write_series(const volume_options *o, const memscape_space *const *spaces)
{
    memscape_error err = {0};
    memscape_layout *layout = NULL;
    series_names names = {0};
    char *title = NULL;
    int status = CLI_FAILED;
    if (memscape_layout_new_shared(&layout, spaces, o->dump_count, &o->layout, &err) !=
        MEMSCAPE_OK) {
        cli_report(o->out, &err);
        goto done;
    }
    if (series_names_make(&names, o->out, o->dump_count) != 0 || !(title = series_title(o))) {
        fprintf(stderr, "memscape: volume: out of memory\n");
        goto done;
    }
    for (size_t i = 0; i < o->dump_count; i++) {
        if (!o->quiet && isatty(2))
            fprintf(stderr, "memscape: volume: frame %zu of %zu: %s\n", i + 1, o->dump_count,
                    o->dumps[i]);
        status = write_frame(o, o->dumps[i], spaces[i], layout, names.volumes[i],
                             names.annotations[i]);
        if (status != CLI_OK)
            goto done;
    }
    status = write_collection(o->out, names.volumes, names.count);
    if (status == CLI_OK)
        status = write_collection(names.collection, names.annotations, names.count);
    if (status == CLI_OK)
        status = write_script(o, o->out, names.collection, title);
done:
    free(title);
    series_names_free(&names);
    memscape_layout_free(layout);
    return status;
}

int cli_volume(int argc, char **argv)
{
    volume_options o = {0};
    o.layout.curve = MEMSCAPE_CURVE_HILBERT3D;
    int status = parse_options(argc, argv, &o);
    if (status >= 0)
        return status;
    memscape_dump **dumps = calloc(o.dump_count, sizeof *dumps);
    const memscape_space **spaces = calloc(o.dump_count, sizeof *spaces);
    status = CLI_FAILED;
    if (!dumps || !spaces) {
        fprintf(stderr, "memscape: volume: out of memory\n");
        goto done;
    }
    for (size_t i = 0; i < o.dump_count; i++) {
        memscape_error err = {0};
        if (memscape_dump_open(&dumps[i], o.dumps[i], &o.input.open, &err) != MEMSCAPE_OK) {
            status = fail_with(o.dumps[i], &err);
            goto done;
        }
        spaces[i] = memscape_dump_space(dumps[i]);
    }
    status = o.series ? write_series(&o, spaces) : write_one(&o, spaces[0]);
done:
    for (size_t i = 0; dumps && i < o.dump_count; i++)
        memscape_dump_free(dumps[i]);
    free(dumps);
    free(spaces);
    return status;
}
