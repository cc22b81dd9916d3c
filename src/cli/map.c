/* SPDX-License-Identifier: MIT */
#include "map.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

/* ---- writing ----------------------------------------------------------------------------- */

/* Names may hold anything a dump holds: escape what would break a line or the parser, and
 * every byte above 0x7f, so the map is ASCII (PNG text must be UTF-8, dump names need not
 * be) and unescaping gives back the exact bytes. */
static void put_escaped(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '\\')
            fputs("\\\\", out);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\r')
            fputs("\\r", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(out, "\\x%02x", *p);
        else
            fputc(*p, out);
    }
}

char *cli_map_escape(const char *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        return NULL;
    put_escaped(out, s);
    if (fclose(out) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

char *cli_map_text(const char *source, uint64_t source_size, const char *view,
                   const memscape_layout *layout, const memscape_poster_frame *frame,
                   const memscape_space *space)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        return NULL;
    fprintf(out, "memscape-map 1\nsource %" PRIx64 " ", source_size);
    put_escaped(out, source);
    fprintf(out, "\nview %s\nlayout %s %" PRIx32 " %" PRIx32 " %" PRIx64 "\n", view,
            memscape_curve_name(memscape_layout_curve(layout)), memscape_layout_width(layout),
            memscape_layout_height(layout), memscape_layout_cell_bytes(layout));
    if (frame)
        fprintf(out, "frame %" PRIx32 " %" PRIx32 " %" PRIx32 "\n", frame->x, frame->y,
                frame->zoom);
    size_t n;
    const memscape_segment *seg = memscape_layout_segments(layout, &n);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "segment %" PRIx64 " %" PRIx64 " %" PRIx64 " %" PRIx64 " %d\n",
                seg[i].first_cell, seg[i].cell_count, seg[i].addr, seg[i].bytes,
                seg[i].is_gap ? 1 : 0);
    const memscape_region *r = memscape_space_regions(space, &n);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "region %" PRIx64 " %" PRIx64 " %s %s %s\n", r[i].base, r[i].size,
                memscape_state_name(r[i].state), memscape_type_name(r[i].type),
                memscape_usage_name(r[i].usage));
    const memscape_module *m = memscape_space_modules(space, &n);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "module %" PRIx64 " %" PRIx64 " ", m[i].base, m[i].size);
        put_escaped(out, m[i].name);
        fputc('\n', out);
    }
    fputs("end\n", out);
    if (fclose(out) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

void cli_map_json(FILE *out, const char *source, uint64_t source_size, const char *view,
                  const memscape_layout *layout, const memscape_poster_frame *frame,
                  const memscape_space *space)
{
    cli_json j;
    cli_json_init(&j, out);
    cli_json_begin_object(&j);
    cli_json_member_string(&j, "source", source);
    cli_json_member_u64(&j, "source_size", source_size);
    cli_json_member_string(&j, "view", view);
    cli_json_member_string(&j, "layout", memscape_curve_name(memscape_layout_curve(layout)));
    cli_json_member_u64(&j, "width", memscape_layout_width(layout));
    cli_json_member_u64(&j, "height", memscape_layout_height(layout));
    cli_json_member_u64(&j, "cell_bytes", memscape_layout_cell_bytes(layout));
    static const memscape_poster_frame alone = {0, 0, 1};
    const memscape_poster_frame *f = frame ? frame : &alone;
    cli_json_key(&j, "frame");
    cli_json_begin_object_inline(&j);
    cli_json_member_u64(&j, "x", f->x);
    cli_json_member_u64(&j, "y", f->y);
    cli_json_member_u64(&j, "zoom", f->zoom);
    cli_json_end_object(&j);
    size_t n;
    const memscape_segment *seg = memscape_layout_segments(layout, &n);
    cli_json_key(&j, "segments");
    cli_json_begin_array(&j);
    for (size_t i = 0; i < n; i++) {
        cli_json_begin_object_inline(&j);
        cli_json_member_u64(&j, "first_cell", seg[i].first_cell);
        cli_json_member_u64(&j, "cell_count", seg[i].cell_count);
        cli_json_member_u64(&j, "address", seg[i].addr);
        cli_json_member_u64(&j, "bytes", seg[i].bytes);
        cli_json_key(&j, "gap");
        cli_json_bool(&j, seg[i].is_gap);
        cli_json_end_object(&j);
    }
    cli_json_end_array(&j);
    const memscape_region *r = memscape_space_regions(space, &n);
    cli_json_key(&j, "regions");
    cli_json_begin_array(&j);
    for (size_t i = 0; i < n; i++) {
        cli_json_begin_object_inline(&j);
        cli_json_member_u64(&j, "base", r[i].base);
        cli_json_member_u64(&j, "size", r[i].size);
        cli_json_member_string(&j, "state", memscape_state_name(r[i].state));
        cli_json_member_string(&j, "type", memscape_type_name(r[i].type));
        cli_json_member_string(&j, "usage", memscape_usage_name(r[i].usage));
        cli_json_end_object(&j);
    }
    cli_json_end_array(&j);
    const memscape_module *m = memscape_space_modules(space, &n);
    cli_json_key(&j, "modules");
    cli_json_begin_array(&j);
    for (size_t i = 0; i < n; i++) {
        cli_json_begin_object_inline(&j);
        cli_json_member_string(&j, "name", m[i].name);
        cli_json_member_u64(&j, "base", m[i].base);
        cli_json_member_u64(&j, "size", m[i].size);
        cli_json_end_object(&j);
    }
    cli_json_end_array(&j);
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

/* ---- reading (untrusted) ----------------------------------------------------------------- */

typedef struct parser {
    unsigned line;
    char *why;
    size_t why_size;
} parser;

static int bad(parser *p, const char *what)
{
    snprintf(p->why, p->why_size, "picture map line %u: %s", p->line, what);
    return -1;
}

/* Undo put_escaped in place; returns -1 on a malformed escape. */
static int unescape(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r != '\\') {
            *w++ = *r;
            continue;
        }
        r++;
        if (*r == '\\' || *r == 'n' || *r == 'r' || *r == 't') {
            *w++ = *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r == 't' ? '\t' : '\\';
        } else if (*r == 'x' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
            /* Exactly two hex digits: strtoul alone would take a sign or a space. */
            char hex[3] = {r[1], r[2], 0};
            unsigned long v = strtoul(hex, NULL, 16);
            if (v == 0)
                return -1;
            *w++ = (char)v;
            r += 2;
        } else {
            return -1;
        }
    }
    *w = '\0';
    return 0;
}

/* Grow an array by one slot, within a cap; NULL when the cap or memory runs out. The array
 * holds the next power of two of *count slots and doubles when full, so n lines cost O(n)
 * copying with any allocator (one realloc a line took 90 s for a 1 MiB map under ASan). */
static void *grow(void *items, size_t *count, size_t size, size_t cap)
{
    size_t n = *count;
    if (n >= cap)
        return NULL;
    if ((n & (n - 1)) == 0) {   /* 0 or a power of two: full */
        items = realloc(items, (n ? 2 * n : 1) * size);
        if (!items)
            return NULL;
    }
    *count = n + 1;
    return items;
}

/* The rest of the line after `skip` space-separated words, or NULL. */
static char *after_words(char *line, int skip)
{
    char *p = line;
    for (int i = 0; i < skip; i++) {
        p = strchr(p, ' ');
        if (!p)
            return NULL;
        p++;
    }
    return p;
}

static int parse_line(cli_map *map, parser *p, char *line, memscape_segment **segs,
                      size_t *seg_count, char *curve, uint32_t *w, uint32_t *h, uint64_t *cell)
{
    if (strncmp(line, "segment ", 8) == 0) {
        memscape_segment s = {0};
        int gap;
        if (sscanf(line + 8, "%" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64 " %d",
                   &s.first_cell, &s.cell_count, &s.addr, &s.bytes, &gap) != 5 ||
            (gap != 0 && gap != 1))
            return bad(p, "a segment needs FIRST COUNT ADDR BYTES GAP");
        s.is_gap = gap;
        void *more = grow(*segs, seg_count, sizeof **segs, CLI_MAP_MAX_SEGMENTS);
        if (!more)
            return bad(p, "too many segments");
        *segs = more;
        (*segs)[*seg_count - 1] = s;
    } else if (strncmp(line, "region ", 7) == 0) {
        cli_map_region r = {0};
        if (sscanf(line + 7, "%" SCNx64 " %" SCNx64 " %15s %15s %15s", &r.base, &r.size,
                   r.state, r.type, r.usage) != 5)
            return bad(p, "a region needs BASE SIZE STATE TYPE USAGE");
        void *more = grow(map->regions, &map->region_count, sizeof r, CLI_MAP_MAX_REGIONS);
        if (!more)
            return bad(p, "too many regions");
        map->regions = more;
        map->regions[map->region_count - 1] = r;
    } else if (strncmp(line, "module ", 7) == 0) {
        cli_map_module m = {0};
        char *name = after_words(line, 3);
        if (!name || sscanf(line + 7, "%" SCNx64 " %" SCNx64, &m.base, &m.size) != 2 ||
            unescape(name) != 0 || !(m.name = strdup(name)))
            return bad(p, "a module needs BASE SIZE NAME");
        void *more = grow(map->modules, &map->module_count, sizeof m, CLI_MAP_MAX_MODULES);
        if (!more) {
            free(m.name);
            return bad(p, "too many modules");
        }
        map->modules = more;
        map->modules[map->module_count - 1] = m;
    } else if (strncmp(line, "layout ", 7) == 0) {
        if (sscanf(line + 7, "%15s %" SCNx32 " %" SCNx32 " %" SCNx64, curve, w, h, cell) != 4)
            return bad(p, "layout needs CURVE WIDTH HEIGHT CELL_BYTES");
    } else if (strncmp(line, "frame ", 6) == 0) {
        memscape_poster_frame *f = &map->frame;
        if (sscanf(line + 6, "%" SCNx32 " %" SCNx32 " %" SCNx32, &f->x, &f->y, &f->zoom) != 3 ||
            f->zoom == 0 || f->zoom > MEMSCAPE_POSTER_MAX_SIDE)
            return bad(p, "frame needs X Y ZOOM with a zoom from 1");
    } else if (strncmp(line, "view ", 5) == 0) {
        if (sscanf(line + 5, "%31s", map->view) != 1)
            return bad(p, "view needs a name");
    } else if (strncmp(line, "source ", 7) == 0) {
        char *name = after_words(line, 2);
        free(map->source);
        map->source = NULL;
        if (!name || sscanf(line + 7, "%" SCNx64, &map->source_size) != 1 ||
            unescape(name) != 0 || !(map->source = strdup(name)))
            return bad(p, "source needs SIZE NAME");
    } else if (strcmp(line, "end") != 0) {
        return bad(p, "unknown line");
    }
    return 0;
}

int cli_map_parse(cli_map *map, const char *text, char *why, size_t why_size)
{
    memset(map, 0, sizeof *map);
    map->frame.zoom = 1;
    parser p = {1, why, why_size};
    char *copy = strdup(text);
    if (!copy)
        return bad(&p, "out of memory");
    memscape_segment *segs = NULL;
    size_t seg_count = 0;
    char curve_name[16] = "";
    uint32_t width = 0, height = 0;
    uint64_t cell = 0;
    int rc = 0;
    char *save = NULL;
    char *line = strtok_r(copy, "\n", &save);
    if (!line || strcmp(line, "memscape-map 1") != 0)
        rc = bad(&p, "not a memscape map (version 1)");
    while (rc == 0 && (line = strtok_r(NULL, "\n", &save)) != NULL) {
        p.line++;
        rc = parse_line(map, &p, line, &segs, &seg_count, curve_name, &width, &height, &cell);
    }
    memscape_curve curve = MEMSCAPE_CURVE_SCAN;
    if (rc == 0 && cli_parse_curve(curve_name, &curve) != 0)
        rc = bad(&p, "no layout line with a known curve");
    if (rc == 0) {
        memscape_error err = {0};
        if (memscape_layout_from_segments(&map->layout, curve, width, height, cell, segs,
                                          seg_count, &err) != MEMSCAPE_OK) {
            snprintf(why, why_size, "picture map: %s", err.msg);
            rc = -1;
        }
    }
    free(segs);
    free(copy);
    if (rc != 0)
        cli_map_release(map);
    return rc;
}

void cli_map_release(cli_map *map)
{
    for (size_t i = 0; i < map->module_count; i++)
        free(map->modules[i].name);
    free(map->modules);
    free(map->regions);
    free(map->source);
    memscape_layout_free(map->layout);
    memset(map, 0, sizeof *map);
}
