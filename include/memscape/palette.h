/* SPDX-License-Identifier: MIT */
/* Palettes: how values and classes become colours.
 *
 * A palette is a text file (palettes/NAME.txt, compiled into the library; users may pass their
 * own). Continuous palettes are gradient stops over 0..1; categorical ones map class names to
 * colours and can also be indexed (the modules palette). The file format is documented in
 * palettes/README.md. */
#ifndef MEMSCAPE_PALETTE_H
#define MEMSCAPE_PALETTE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct memscape_palette memscape_palette;

typedef enum memscape_palette_kind {
    MEMSCAPE_PALETTE_CONTINUOUS = 0,
    MEMSCAPE_PALETTE_CATEGORICAL
} memscape_palette_kind;

typedef struct memscape_rgb {
    uint8_t r, g, b;
} memscape_rgb;

/** Limits a palette file must stay within. */
#define MEMSCAPE_PALETTE_MAX_BYTES  65536u
#define MEMSCAPE_PALETTE_MAX_ENTRIES 1024u
#define MEMSCAPE_PALETTE_MAX_NAME   64u

/** Parse palette text (len bytes; need not be NUL-terminated). On a malformed file fails with
 *  MEMSCAPE_ECORRUPT, or MEMSCAPE_ELIMIT above MEMSCAPE_PALETTE_MAX_BYTES or _MAX_ENTRIES;
 *  err->offset is the byte offset of the bad line and err->msg begins with "line N: "
 *  (problems only the end reveals, such as a missing header, are on the line after the last,
 *  at offset len). On success *out is a new palette the caller frees with
 *  memscape_palette_free(). */
MEMSCAPE_API memscape_status memscape_palette_parse(memscape_palette **out, const char *text,
                                                    size_t len, memscape_error *err);

/** A palette compiled into the library, by name; MEMSCAPE_EINVAL when there is none. */
MEMSCAPE_API memscape_status memscape_palette_builtin(memscape_palette **out, const char *name,
                                                      memscape_error *err);
/** The built-in palettes, by index, in a stable order; NULL past the end. */
MEMSCAPE_API const char *memscape_palette_builtin_name(size_t index);

MEMSCAPE_API void memscape_palette_free(memscape_palette *palette); /* accepts NULL */

MEMSCAPE_API const char *memscape_palette_name(const memscape_palette *palette);
MEMSCAPE_API const char *memscape_palette_description(const memscape_palette *palette);
MEMSCAPE_API memscape_palette_kind memscape_palette_kind_of(const memscape_palette *palette);

/** Continuous: the colour at t (clamped to 0..1), interpolated linearly between stops.
 *  Categorical: the colour of entry round(t * (count - 1)). */
MEMSCAPE_API memscape_rgb memscape_palette_at(const memscape_palette *palette, double t);

/** Number of stops (continuous) or classes (categorical). */
MEMSCAPE_API size_t memscape_palette_count(const memscape_palette *palette);
/** Entry i: its colour, and its class name (categorical; NULL for continuous) and position
 *  (continuous: the stop; categorical: the t that at() maps to it). Black, NULL and 0 when i is
 *  out of range. The name is borrowed until memscape_palette_free(). */
MEMSCAPE_API memscape_rgb memscape_palette_entry(const memscape_palette *palette, size_t i,
                                                 const char **name, double *position);
/** Categorical: the colour of a class by name; returns 0 when the palette has no such class. */
MEMSCAPE_API int memscape_palette_class(const memscape_palette *palette, const char *name,
                                        memscape_rgb *rgb);

/** The palette as a ParaView colour-map preset (JSON, importable through "Import Presets"):
 *  an array holding one object with "Name", "ColorSpace": "RGB" and "RGBPoints" (x, r, g, b
 *  with r, g, b in 0..1; x is the stop position, or the class index for a categorical
 *  palette, which also gets "Annotations" and "IndexedColors"). On success *out is a
 *  NUL-terminated string the caller frees with free(). */
MEMSCAPE_API memscape_status memscape_palette_paraview_json(const memscape_palette *palette,
                                                            char **out, memscape_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MEMSCAPE_PALETTE_H */
