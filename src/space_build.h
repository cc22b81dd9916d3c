/* SPDX-License-Identifier: MIT */
/* How readers fill a space. Internal to the library.
 *
 * A reader adds what its format says, in the dump's order: memory ranges with bytes, layout
 * entries (MemoryInfoList, Linux maps, PT_LOADs), modules, threads, the exception, text. It
 * never sorts or merges: memscape_space_finalize() does that once for every format, so the
 * rules for "the same bytes are one region" live in one place. */
#ifndef MEMSCAPE_SPACE_BUILD_H
#define MEMSCAPE_SPACE_BUILD_H

#include "memscape/limits.h"
#include "memscape/space.h"
#include "util/error.h"
#include "util/vec.h"

/** A run of present bytes: the sorted, non-overlapping index behind read and chunks. */
typedef struct memscape_present {
    uint64_t base;
    uint64_t size;
    uint64_t file_offset;
} memscape_present;

typedef struct memscape_string_block memscape_string_block;

struct memscape_space {
    const uint8_t *file;
    uint64_t file_size;
    memscape_limits limits;

    memscape_system system;
    memscape_vec regions;        /* memscape_region: the merged layout after finalize */
    memscape_vec layout;         /* memscape_region: layout entries as the reader gave them */
    memscape_vec ranges;         /* memscape_range, dump order */
    memscape_vec modules;        /* memscape_module */
    memscape_vec unloaded;       /* memscape_module */
    memscape_vec threads;        /* memscape_thread */
    memscape_vec notes;          /* memscape_note */
    memscape_vec streams;        /* memscape_stream */
    memscape_vec warnings;       /* memscape_warning */
    memscape_vec handle_types;   /* memscape_handle_type */
    memscape_vec vm_counters;    /* memscape_vm_counter */
    memscape_vec pool_tags;      /* memscape_pool_tag */
    memscape_pool_usage pool;    /* its lists point into the two above after finalize */
    memscape_vec present;        /* memscape_present, sorted by base after finalize */
    memscape_vec modules_by_base;/* uint32_t indexes into modules, sorted by base */
    memscape_vec module_reach;   /* uint32_t: of modules_by_base[0..i], the one ending last */
    size_t warning_total;

    memscape_exception exception;
    int has_exception;
    memscape_handles handles;
    uint64_t peb;                /* Windows PEB address where known, else 0 */

    memscape_string_block *strings;
    uint64_t string_bytes;       /* kept so far, against string_budget */
    uint64_t string_budget;
    int string_budget_hit;       /* a copy was refused for the budget, not for memory */
    int file_is_own_mapping;     /* file is a read-only file mapping the opener made */
};

/** A new, empty space over the file bytes (borrowed). */
memscape_status memscape_space_new(memscape_space **out, const uint8_t *file, uint64_t file_size,
                                   const memscape_limits *limits);
void memscape_space_free(memscape_space *space);

/** Tell the space its file bytes are a read-only mapping of the file that the opener made, so
 *  memscape_space_release_file_bytes() may drop pages from it. */
void memscape_space_mark_own_mapping(memscape_space *space);
/** A streaming pass is done with [data, data + size), bytes of the space's file: let the kernel
 *  take those pages back from this process. They stay in the page cache and are read again if
 *  touched, so every pointer stays valid. Does nothing unless the file is the opener's own
 *  mapping (dropping pages of a caller's buffer would zero them). */
void memscape_space_release_file_bytes(const memscape_space *space, const uint8_t *data,
                                       size_t size);

/** Copy a string into the space (NUL-terminated, at most limits.max_string bytes kept).
 *  Returns NULL when memory runs out or the string budget (limits.max_string_total) is spent;
 *  the latter sets string_budget_hit, so the opener can say which. */
const char *memscape_space_strdup(memscape_space *space, const char *s, size_t len);
/** Convert UTF-16 (little- or big-endian) to UTF-8 and keep it; bad surrogates become U+FFFD. */
const char *memscape_space_strdup_utf16(memscape_space *space, const uint8_t *p, size_t bytes,
                                        int big_endian);
/** printf into the space's strings. */
const char *memscape_space_strprintf(memscape_space *space, const char *fmt, ...)
    MEMSCAPE_PRINTF(2, 3);

/** Record a problem worked around; kept up to limits.max_warnings, counted always. */
void memscape_space_warn(memscape_space *space, uint64_t offset, const char *fmt, ...)
    MEMSCAPE_PRINTF(3, 4);

/* Each add_* copies its argument. They fail with MEMSCAPE_ELIMIT past the limits; the reader
 * turns that into an error naming the offset. */
memscape_status memscape_space_add_range(memscape_space *space, uint64_t base, uint64_t size,
                                         uint64_t file_offset);
memscape_status memscape_space_add_layout(memscape_space *space, const memscape_region *region);
memscape_status memscape_space_add_module(memscape_space *space, const memscape_module *module);
memscape_status memscape_space_add_unloaded(memscape_space *space,
                                            const memscape_module *module);
memscape_status memscape_space_add_thread(memscape_space *space, const memscape_thread *thread,
                                          memscape_thread **slot);
memscape_status memscape_space_add_note(memscape_space *space, const char *key,
                                        const char *value);
memscape_status memscape_space_add_stream(memscape_space *space, const memscape_stream *stream);
/** Count one handle of the given type (NULL or "" when the dump gives none). */
memscape_status memscape_space_count_handle(memscape_space *space, const char *type);
/** Pool usage from a WinDbg log. name must outlive the space (memscape_space_strdup). */
memscape_status memscape_space_add_vm_counter(memscape_space *space, const char *name,
                                              uint64_t pages, uint64_t kb);
memscape_status memscape_space_add_pool_tag(memscape_space *space, const memscape_pool_tag *tag);
void memscape_space_add_page_file(memscape_space *space, uint64_t max_kb);
void memscape_space_add_failed_allocations(memscape_space *space, uint64_t count);
void memscape_space_set_exception(memscape_space *space, const memscape_exception *exception);

/** A thread by id, or NULL. */
memscape_thread *memscape_space_thread_by_id(memscape_space *space, uint32_t id);

/** Build the merged layout and the indexes. Call once, after the reader is done. */
memscape_status memscape_space_finalize(memscape_space *space, memscape_error *err);

#endif /* MEMSCAPE_SPACE_BUILD_H */
