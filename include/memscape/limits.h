/* SPDX-License-Identifier: MIT */
/* Caps on what a dump may make the library allocate. Every count, length and size read from a
 * file is checked against the file size and against one of these before memory is reserved for
 * it, so a hostile dump costs at most a small multiple of its real metadata. */
#ifndef MEMSCAPE_LIMITS_H
#define MEMSCAPE_LIMITS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MEMSCAPE_DEFAULT_MAX_STREAMS        4096u      /* minidump directory entries */
#define MEMSCAPE_DEFAULT_MAX_MODULES        65536u     /* loaded + unloaded modules */
#define MEMSCAPE_DEFAULT_MAX_THREADS        65536u
#define MEMSCAPE_DEFAULT_MAX_REGIONS        (1u << 21) /* layout entries, PT_LOADs, maps lines */
#define MEMSCAPE_DEFAULT_MAX_RANGES         (1u << 21) /* memory ranges with bytes in the file */
#define MEMSCAPE_DEFAULT_MAX_NOTE_SIZE      (64u << 20) /* one ELF note's descriptor */
#define MEMSCAPE_DEFAULT_MAX_STRING         65536u     /* one name, path or comment, in bytes */
#define MEMSCAPE_DEFAULT_MAX_STRING_TOTAL   (256u << 20) /* all text kept from one dump */
#define MEMSCAPE_DEFAULT_MAX_TEXT_STREAM    (16u << 20) /* Linux maps/status/cmdline text */
#define MEMSCAPE_DEFAULT_MAX_HANDLES        (1u << 20)
#define MEMSCAPE_DEFAULT_MAX_ANNOTATIONS    4096u      /* comments + Crashpad annotations */
#define MEMSCAPE_DEFAULT_MAX_WARNINGS       64u        /* kept; the rest are only counted */

typedef struct memscape_limits {
    uint32_t max_streams;
    uint32_t max_modules;
    uint32_t max_threads;
    uint32_t max_regions;
    uint32_t max_ranges;
    uint32_t max_note_size;
    uint32_t max_string;
    /** All strings kept from one dump together. The budget in force is the smaller of this
     *  and 64 KiB + 4 x the file size: text decoded from a dump cannot legitimately outgrow
     *  it (UTF-16 becomes at most 1.5 x as UTF-8), but many entries naming the same long
     *  string could otherwise make a small file cost gigabytes. */
    uint32_t max_string_total;
    uint32_t max_text_stream;
    uint32_t max_handles;
    uint32_t max_annotations;
    uint32_t max_warnings;
} memscape_limits;

/** The defaults above. Raise a field to accept larger dumps; lower them to fuzz. */
MEMSCAPE_API memscape_limits memscape_limits_default(void);

#ifdef __cplusplus
}
#endif

#endif /* MEMSCAPE_LIMITS_H */
