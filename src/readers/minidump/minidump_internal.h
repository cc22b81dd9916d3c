/* SPDX-License-Identifier: MIT */
/* The minidump reader's shared state and the calls between its files.
 *
 * minidump.c reads the header and the directory, checks every stream the reader knows against
 * the file, and calls the stream parsers in an order where each finds what it needs (system
 * info before contexts, memory lists before thread stacks, modules before Linux maps).
 * Layouts come from minidumpapiset.h (Windows SDK), Breakpad's minidump_format.h and
 * Crashpad's minidump_extensions.h; the offsets are cited where they are used. */
#ifndef MEMSCAPE_MINIDUMP_INTERNAL_H
#define MEMSCAPE_MINIDUMP_INTERNAL_H

#include <inttypes.h>

#include "readers/reader.h"
#include "util/checked.h"
#include "util/cursor.h"
#include "util/text.h"

#define MDMP_HEADER_SIZE 32u

/* The streams this reader decodes, by the slot they take in memscape_mdmp.streams. */
typedef enum mdmp_kind {
    MDMP_THREAD_LIST = 0,
    MDMP_MODULE_LIST,
    MDMP_MEMORY_LIST,
    MDMP_EXCEPTION,
    MDMP_SYSTEM_INFO,
    MDMP_THREAD_EX_LIST,
    MDMP_MEMORY64_LIST,
    MDMP_COMMENT_A,
    MDMP_COMMENT_W,
    MDMP_HANDLE_DATA,
    MDMP_UNLOADED_MODULE_LIST,
    MDMP_MISC_INFO,
    MDMP_MEMORY_INFO_LIST,
    MDMP_THREAD_INFO_LIST,
    MDMP_THREAD_NAMES,
    MDMP_LINUX_PROC_STATUS,
    MDMP_LINUX_CMD_LINE,
    MDMP_LINUX_MAPS,
    MDMP_CRASHPAD_INFO,
    MDMP_KIND_COUNT
} mdmp_kind;

/* MINIDUMP_SYSTEM_INFO.PlatformId values that change how streams read. */
#define MDMP_PLATFORM_WINDOWS 2u
#define MDMP_PLATFORM_LINUX 0x8201u
#define MDMP_PLATFORM_ANDROID 0x8203u

/** A stream the reader knows: where its directory entry is and whether its bytes are usable. */
typedef struct mdmp_stream {
    const char *name;        /* "ThreadList", for messages */
    uint32_t type;
    uint32_t size;           /* DataSize */
    uint32_t rva;
    uint64_t entry;          /* file offset of its directory entry */
    int present;             /* found, not truncated, its fixed part fits */
} mdmp_stream;

/** One reading of one file. Borrowed pointers only; nothing here is freed. */
typedef struct memscape_mdmp {
    memscape_space *space;
    memscape_error *err;
    memscape_cursor file;    /* the whole input */
    const memscape_limits *limits;
    uint32_t platform;       /* PlatformId, or 0 without SystemInfo */
    memscape_arch arch;      /* from SystemInfo; MEMSCAPE_ARCH_UNKNOWN without it */
    mdmp_stream streams[MDMP_KIND_COUNT];
} memscape_mdmp;

/* ---- helpers (minidump.c) ---------------------------------------------------------------- */

/** The stream of that kind when its bytes are usable, else NULL. */
const mdmp_stream *memscape_mdmp_stream(const memscape_mdmp *md, mdmp_kind kind);

/** A cursor over the stream's bytes (already checked to lie inside the file). */
memscape_cursor memscape_mdmp_window(const memscape_mdmp *md, const mdmp_stream *s);

/** Read the u32 count of a list stream (ThreadList, ModuleList, MemoryList, ThreadExList,
 *  ThreadNames) and check count * entry against DataSize, allowing the 4 bytes of padding some
 *  writers put after the count, and against limit. *first is the file offset of entry 0. */
memscape_status memscape_mdmp_list(memscape_mdmp *md, const mdmp_stream *s, uint32_t entry,
                                   uint32_t limit, uint32_t *count, uint64_t *first);

/** A table stream's header (ThreadInfoList, UnloadedModuleList, HandleData: u32 SizeOfHeader,
 *  u32 SizeOfEntry, u32 NumberOfEntries; MemoryInfoList: the same with a u64 count). */
typedef struct mdmp_table {
    uint64_t first;          /* offset of entry 0 */
    uint32_t entry;          /* SizeOfEntry: step by it, never by the structure's size */
    uint32_t count;
} mdmp_table;

/** Read and check a table header: SizeOfHeader within [min_header, DataSize], SizeOfEntry at
 *  least min_entry, count * SizeOfEntry within the rest of DataSize, count within limit. */
memscape_status memscape_mdmp_table(memscape_mdmp *md, const mdmp_stream *s, uint32_t min_header,
                                    uint32_t min_entry, int wide_count, uint32_t limit,
                                    mdmp_table *t);

/** Read the MINIDUMP_STRING (u32 byte length + UTF-16LE) at rva into the space. A string past
 *  the end of the file is a warning and gives *out = NULL; so does rva 0 (no string). */
memscape_status memscape_mdmp_string(memscape_mdmp *md, uint64_t rva, const char *what,
                                     const char **out);

/** The same into buf (at most size - 1 bytes of UTF-8, NUL-terminated); 0 when absent. */
int memscape_mdmp_string_buf(memscape_mdmp *md, uint64_t rva, const char *what, char *buf,
                             size_t size);

/** Turn the failure of a memscape_space_add_* call into an error at offset. */
memscape_status memscape_mdmp_added(memscape_mdmp *md, memscape_status st, uint64_t offset,
                                    const char *what);

/* ---- stream parsers ---------------------------------------------------------------------- */

/* minidump_lists.c */
memscape_status memscape_mdmp_memory_lists(memscape_mdmp *md);
memscape_status memscape_mdmp_threads(memscape_mdmp *md);
memscape_status memscape_mdmp_modules(memscape_mdmp *md);
memscape_status memscape_mdmp_unloaded_modules(memscape_mdmp *md);
memscape_status memscape_mdmp_memory_info(memscape_mdmp *md);

/* minidump_extra.c */
memscape_status memscape_mdmp_exception(memscape_mdmp *md);
memscape_status memscape_mdmp_handles(memscape_mdmp *md);
memscape_status memscape_mdmp_comments(memscape_mdmp *md);
memscape_status memscape_mdmp_crashpad_info(memscape_mdmp *md);
memscape_status memscape_mdmp_linux_text(memscape_mdmp *md);
memscape_status memscape_mdmp_linux_maps(memscape_mdmp *md);

/* minidump_context.c */

/** PC and SP from the context at [rva, rva+size), by the dump's architecture (or, without
 *  one, by the context's size and flags). loc is the offset of its LOCATION_DESCRIPTOR, for
 *  warnings. Returns 1 with *pc and *sp set, or 0 (no context, or one too short: warned). */
int memscape_mdmp_context(memscape_mdmp *md, uint32_t size, uint32_t rva, uint64_t loc,
                          const char *what, uint64_t *pc, uint64_t *sp);

#endif /* MEMSCAPE_MINIDUMP_INTERNAL_H */
