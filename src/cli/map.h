/* SPDX-License-Identifier: MIT */
/* The picture map: what `render` stores in a PNG so that `locate` can trace a pixel back to its
 * address, region and module without the dump. A line-oriented text (it travels in an iTXt
 * chunk) with numbers in hex and names escaped (\\, \n, \t, \r, \xNN):
 *
 *   memscape-map 1
 *   source SIZE NAME
 *   view NAME
 *   layout CURVE WIDTH HEIGHT CELL_BYTES
 *   frame X Y ZOOM               (optional: where an annotated poster draws the picture)
 *   segment FIRST_CELL CELL_COUNT ADDR BYTES IS_GAP     (one per segment, in cell order)
 *   region BASE SIZE STATE TYPE USAGE                    (one per region, address order)
 *   module BASE SIZE NAME                                (one per module, dump order)
 *   end
 *
 * The same content is written as JSON by `render --map OUT.json` for other tools. */
#ifndef MEMSCAPE_CLI_MAP_H
#define MEMSCAPE_CLI_MAP_H

#include <stdint.h>
#include <stdio.h>

#include "memscape/memscape.h"

#define CLI_MAP_KEY "memscape-map"
/** Caps on what a map read from an untrusted picture may hold. */
#define CLI_MAP_MAX_SEGMENTS (1u << 22)
#define CLI_MAP_MAX_REGIONS  (1u << 22)
#define CLI_MAP_MAX_MODULES  (1u << 16)

typedef struct cli_map_region {
    uint64_t base, size;
    char state[16], type[16], usage[16];
} cli_map_region;

typedef struct cli_map_module {
    uint64_t base, size;
    char *name;
} cli_map_module;

typedef struct cli_map {
    uint64_t source_size;
    char *source;
    char view[32];
    memscape_layout *layout;
    memscape_poster_frame frame;  /* {0, 0, 1} unless the map has a frame line */
    cli_map_region *regions;
    size_t region_count;
    cli_map_module *modules;
    size_t module_count;
} cli_map;

/** s with the map's escapes (ASCII only; malloc'ed), or NULL when memory runs out. */
char *cli_map_escape(const char *s);

/** The map of a picture as text (frame NULL: the picture alone) (malloc'ed, NUL-terminated), or NULL when memory runs out. */
char *cli_map_text(const char *source, uint64_t source_size, const char *view,
                   const memscape_layout *layout, const memscape_poster_frame *frame,
                   const memscape_space *space);

/** The same map as one JSON document on out. */
void cli_map_json(FILE *out, const char *source, uint64_t source_size, const char *view,
                  const memscape_layout *layout, const memscape_poster_frame *frame,
                  const memscape_space *space);

/** Parse map text (untrusted: from a picture). On failure returns -1 and writes a one-line
 *  reason (with the line number) into why. */
int cli_map_parse(cli_map *map, const char *text, char *why, size_t why_size);
void cli_map_release(cli_map *map);

#endif /* MEMSCAPE_CLI_MAP_H */
