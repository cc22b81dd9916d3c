/* SPDX-License-Identifier: MIT */
/* A parser for the corpus reference listings (../shared/corpus/<kind>/<dump>.listing.txt).
 *
 * The listings are written by tools that share no code with memscape, so the values parsed
 * here are the referee's expectations. Two layouts exist:
 *  - minidump listings start with "file: " and list the stream directory, then one
 *    "== [i] <Name> (type 0x..)" section per stream;
 *  - ELF core listings start with "##### file(1)" and hold several tool outputs, each under a
 *    "##### <tool>" banner. The "elfcore_list.py" section is the one parsed; PRSTATUS
 *    registers the first does not print (ppc64 nip/r1) come from the "eu-readelf" section.
 * Parsing is strict: a line of a section the parser knows that does not match what that
 * section holds fails the whole parse with the line number. */
#ifndef MEMSCAPE_CORPUS_LISTING_H
#define MEMSCAPE_CORPUS_LISTING_H

#include <stddef.h>
#include <stdint.h>

typedef enum listing_kind {
    LISTING_MINIDUMP,
    LISTING_ELF_CORE,
    LISTING_NOT_A_DUMP  /* "not a minidump (magic ...)" */
} listing_kind;

/* ---- minidump ---------------------------------------------------------------------------- */

typedef struct listing_stream {
    uint32_t type, size, rva;
} listing_stream;

typedef struct listing_module {
    char *name;
    uint64_t base, size;
    uint32_t checksum, timestamp;
    int has_version;            /* a filever= field was listed */
    uint16_t version[4];
    char *debug_id;             /* NULL when not listed */
} listing_module;

typedef struct listing_thread {
    uint32_t id;
    uint64_t stack_base, stack_size;
    uint32_t stack_rva;
    uint64_t pc, sp;            /* from the thread's own context (eip/esp or rip/rsp) */
} listing_thread;

typedef struct listing_thread_name {
    uint32_t thread_id;
    char *name;                 /* "" when the listing shows '' */
} listing_thread_name;

/* A MemoryList entry (rva from the descriptor) or a Memory64List entry (rva computed). */
typedef struct listing_memory {
    uint64_t base, size, rva;
    int is_memory64;
    uint32_t index;             /* i of mem[i] / mem64[i] */
} listing_memory;

typedef struct listing_memory_info {
    uint64_t base, size;
    uint32_t state, protect, type;
} listing_memory_info;

typedef struct listing_exception {
    int present;
    uint32_t thread_id, code, flags;
    uint64_t address;
    uint32_t parameter_count;
    uint64_t parameters[15];    /* EXCEPTION_MAXIMUM_PARAMETERS */
    uint32_t parameters_listed; /* how many the params=[...] line held */
    int has_context;
    uint64_t pc, sp;
} listing_exception;

typedef struct listing_system {
    int present;
    uint32_t arch;              /* ProcessorArchitecture */
    uint32_t cpu_count;
    uint32_t major, minor, build;
    uint32_t platform;          /* PlatformId */
} listing_system;

typedef struct listing_handle_type {
    char *type;                 /* "" for handles listed with type='' */
    uint32_t count;
} listing_handle_type;

typedef struct listing_annotation {
    char *key, *value;
} listing_annotation;

typedef struct listing_range {
    uint64_t lo, hi;            /* [lo, hi) */
} listing_range;

/* ---- ELF core ---------------------------------------------------------------------------- */

typedef struct listing_phdr {
    uint32_t index;
    int is_load;
    char flags[4];              /* "R-X" as printed */
    uint64_t vaddr, memsz, filesz, offset;
} listing_phdr;

typedef struct listing_prstatus {
    uint32_t note_index;
    uint32_t pid;
    int32_t cursig;
    int has_pc_sp;
    uint64_t pc, sp;
} listing_prstatus;

typedef struct listing_siginfo {
    uint32_t note_index;
    int32_t signo, code;
    uint64_t addr;
} listing_siginfo;

typedef struct listing_file_map {
    uint64_t start, end;
    char *path;
} listing_file_map;

/* ---- the whole listing ------------------------------------------------------------------- */

typedef struct listing {
    listing_kind kind;
    uint64_t file_size;

    /* minidump */
    listing_stream *streams;
    size_t stream_count;
    listing_module *modules;
    size_t module_count;
    listing_module *unloaded;
    size_t unloaded_count;
    int has_unloaded_list;
    listing_thread *threads;
    size_t thread_count;
    int has_thread_list;
    listing_thread_name *thread_names;
    size_t thread_name_count;
    listing_memory *memory;     /* mem[] lines, then mem64[] lines, in listing order */
    size_t memory_count;
    listing_memory_info *memory_info;
    size_t memory_info_count;
    int has_memory_info;
    listing_exception exception;
    listing_system system;
    int has_handles;
    uint32_t handle_count;      /* NumberOfDescriptors */
    listing_handle_type *handle_types;
    size_t handle_type_count;
    listing_annotation *annotations;
    size_t annotation_count;
    int has_linux_maps;
    listing_range *maps;
    size_t maps_count;

    /* ELF core */
    int elf_class;              /* 32 or 64 */
    int big_endian;
    uint32_t machine;           /* e_machine */
    listing_phdr *phdrs;
    size_t phdr_count;
    listing_prstatus *prstatus;
    size_t prstatus_count;
    listing_siginfo *siginfo;
    size_t siginfo_count;
    listing_file_map *file_maps;
    size_t file_map_count;
    int has_nt_file;
    char *process_name;         /* prpsinfo fname, or NULL */
} listing;

/** Parse the listing at path into *out (zeroed first). Returns 0 on success; on failure
 *  returns -1 with a one-line reason naming the line in why, and *out holds nothing to free. */
int listing_parse_file(const char *path, listing *out, char *why, size_t why_size);

/** Release what listing_parse_file() allocated; accepts a zeroed listing. */
void listing_free(listing *l);

#endif /* MEMSCAPE_CORPUS_LISTING_H */
