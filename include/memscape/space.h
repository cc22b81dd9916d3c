/* SPDX-License-Identifier: MIT */
/* The address-space model: what every reader produces and every later step reads.
 *
 * A space holds the merged layout of a process (regions in address order, each with state,
 * type, protection, usage and the place of its bytes in the file), the memory ranges whose bytes
 * the file holds (in the dump's own order), modules, unloaded modules, threads, the exception or
 * signal, system information, comments and the handle summary. All pointers handed out are
 * borrowed: they stay valid until the dump that owns the space is freed. */
#ifndef MEMSCAPE_SPACE_H
#define MEMSCAPE_SPACE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct memscape_space memscape_space;

/* ---- regions ---------------------------------------------------------------------------- */

typedef enum memscape_state {
    MEMSCAPE_STATE_COMMITTED = 0,  /* in use, and its bytes are in the file */
    MEMSCAPE_STATE_NOT_CAPTURED,   /* in use, but the dump did not keep its bytes */
    MEMSCAPE_STATE_RESERVED,       /* address space reserved, nothing committed */
    MEMSCAPE_STATE_FREE            /* not allocated */
} memscape_state;

typedef enum memscape_type {
    MEMSCAPE_TYPE_NONE = 0,        /* free, or the dump does not say */
    MEMSCAPE_TYPE_IMAGE,           /* an executable image (module) mapping */
    MEMSCAPE_TYPE_MAPPED,          /* a mapped file or section */
    MEMSCAPE_TYPE_PRIVATE          /* anonymous, private memory */
} memscape_type;

/* Protection: the Windows PAGE_* encoding, which every other format maps onto.
 * The low byte is one base value; the bits above it are modifiers. */
#define MEMSCAPE_PROT_NONE          0x00u  /* unknown (reserved regions carry no protection) */
#define MEMSCAPE_PROT_NOACCESS      0x01u
#define MEMSCAPE_PROT_R             0x02u
#define MEMSCAPE_PROT_RW            0x04u
#define MEMSCAPE_PROT_WC            0x08u  /* write-copy */
#define MEMSCAPE_PROT_X             0x10u
#define MEMSCAPE_PROT_RX            0x20u
#define MEMSCAPE_PROT_RWX           0x40u
#define MEMSCAPE_PROT_WCX           0x80u
#define MEMSCAPE_PROT_BASE_MASK     0xffu
#define MEMSCAPE_PROT_GUARD         0x100u
#define MEMSCAPE_PROT_NOCACHE       0x200u
#define MEMSCAPE_PROT_WRITECOMBINE  0x400u

typedef enum memscape_usage {
    MEMSCAPE_USAGE_OTHER = 0,
    MEMSCAPE_USAGE_IMAGE,          /* a module's image */
    MEMSCAPE_USAGE_STACK,          /* a thread's stack */
    MEMSCAPE_USAGE_TEB,            /* thread environment block */
    MEMSCAPE_USAGE_PEB,            /* process environment block */
    MEMSCAPE_USAGE_MAPPED_FILE,    /* a file mapped as data */
    MEMSCAPE_USAGE_HEAP            /* a heap the dump names ([heap] in Linux maps) */
} memscape_usage;

#define MEMSCAPE_NO_INDEX UINT32_MAX

typedef struct memscape_region {
    uint64_t base;
    uint64_t size;
    uint64_t allocation_base;      /* equals base where the dump does not say */
    uint64_t file_offset;          /* where the bytes start, or MEMSCAPE_NO_OFFSET */
    memscape_state state;
    memscape_type type;
    uint32_t protect;              /* MEMSCAPE_PROT_* */
    memscape_usage usage;
    uint32_t module_index;         /* into memscape_space_modules(), or MEMSCAPE_NO_INDEX */
    uint32_t thread_index;         /* into memscape_space_threads(), or MEMSCAPE_NO_INDEX */
    const char *name;              /* mapped file path or maps pseudo-name, or NULL */
} memscape_region;

/** A memory range whose bytes the file holds, as the dump lists it. */
typedef struct memscape_range {
    uint64_t base;
    uint64_t size;                 /* bytes in the file (clipped where the file is truncated) */
    uint64_t file_offset;
} memscape_range;

/* ---- modules and threads ---------------------------------------------------------------- */

typedef struct memscape_module {
    const char *name;              /* full path as the dump gives it, UTF-8; never NULL */
    uint64_t base;
    uint64_t size;
    uint32_t checksum;
    uint32_t timestamp;
    uint16_t version[4];           /* file version a.b.c.d; all 0 when unknown */
    int has_version;
    const char *debug_file;        /* CodeView PDB path or NULL */
    const char *debug_id;          /* GUID+age (RSDS), signature+age (NB10) or build id; or NULL */
    const char *code_id;           /* timestamp+size (Windows) or build id (ELF); or NULL */
} memscape_module;

typedef struct memscape_thread {
    uint32_t id;                   /* thread id, or the LWP id of an NT_PRSTATUS */
    const char *name;              /* or NULL */
    uint64_t stack_base;           /* lowest stack address the dump describes; 0 if none */
    uint64_t stack_size;
    uint64_t pc;
    uint64_t sp;
    int has_context;               /* pc and sp are valid */
    uint64_t teb;                  /* TEB address (Windows) or 0 */
    uint32_t suspend_count;
    uint32_t priority_class;
    uint32_t priority;
    int has_times;                 /* the four times below are valid (ThreadInfoList) */
    uint64_t create_time;          /* FILETIME units */
    uint64_t exit_time;
    uint64_t kernel_time;          /* 100 ns units */
    uint64_t user_time;
    uint64_t start_address;
    uint32_t signal;               /* ELF: the pending signal (pr_cursig), else 0 */
} memscape_thread;

/* ---- exception, system, handles, text ---------------------------------------------------- */

#define MEMSCAPE_MAX_EXCEPTION_PARAMETERS 15

typedef struct memscape_exception {
    uint32_t thread_id;
    uint32_t code;                 /* exception code, or the signal number */
    uint32_t flags;                /* exception flags, or si_code for a signal */
    uint64_t address;              /* exception address, or si_addr */
    uint32_t parameter_count;
    uint64_t parameters[MEMSCAPE_MAX_EXCEPTION_PARAMETERS];
    int is_signal;                 /* a POSIX signal (ELF core, Breakpad Linux/macOS) */
    int has_context;               /* the exception's own context gave pc and sp */
    uint64_t pc;
    uint64_t sp;
} memscape_exception;

typedef enum memscape_format {
    MEMSCAPE_FORMAT_UNKNOWN = 0,
    MEMSCAPE_FORMAT_MINIDUMP,
    MEMSCAPE_FORMAT_ELF_CORE,
    MEMSCAPE_FORMAT_RAW,
    MEMSCAPE_FORMAT_WINDBG_LOG     /* the text of a WinDbg session: no memory bytes */
} memscape_format;

typedef enum memscape_os {
    MEMSCAPE_OS_UNKNOWN = 0,
    MEMSCAPE_OS_WINDOWS,
    MEMSCAPE_OS_LINUX,
    MEMSCAPE_OS_ANDROID,
    MEMSCAPE_OS_MACOS,
    MEMSCAPE_OS_IOS,
    MEMSCAPE_OS_FUCHSIA,
    MEMSCAPE_OS_NETBSD,
    MEMSCAPE_OS_FREEBSD,
    MEMSCAPE_OS_SOLARIS
} memscape_os;

typedef enum memscape_arch {
    MEMSCAPE_ARCH_UNKNOWN = 0,
    MEMSCAPE_ARCH_X86,
    MEMSCAPE_ARCH_AMD64,
    MEMSCAPE_ARCH_ARM,
    MEMSCAPE_ARCH_ARM64,
    MEMSCAPE_ARCH_PPC,
    MEMSCAPE_ARCH_PPC64,
    MEMSCAPE_ARCH_S390X,
    MEMSCAPE_ARCH_MIPS,
    MEMSCAPE_ARCH_MIPS64,
    MEMSCAPE_ARCH_RISCV64,
    MEMSCAPE_ARCH_SPARC
} memscape_arch;

typedef struct memscape_system {
    memscape_format format;
    memscape_os os;
    memscape_arch arch;
    uint32_t pointer_size;         /* 4 or 8; 0 when unknown */
    int big_endian;
    uint32_t os_major, os_minor, os_build;
    const char *os_detail;         /* CSDVersion, uname or build string; or NULL */
    uint32_t cpu_count;            /* 0 when unknown */
    uint32_t process_id;           /* 0 when unknown */
    const char *process_name;      /* or NULL */
    const char *command_line;      /* arguments joined by spaces, or NULL */
    uint64_t create_time;          /* process creation, Unix seconds, or 0 */
    uint64_t dump_time;            /* Unix seconds, or 0 */
} memscape_system;

typedef struct memscape_handle_type {
    const char *type;              /* the object type name, e.g. "Event" */
    uint32_t count;
} memscape_handle_type;

typedef struct memscape_handles {
    int present;                   /* the dump had a handle stream */
    uint32_t count;
    uint32_t type_count;
    const memscape_handle_type *types; /* by count, highest first; empty if the dump has none */
} memscape_handles;

/** A comment or an annotation: comment streams have key NULL; Crashpad annotations have both. */
typedef struct memscape_note {
    const char *key;
    const char *value;
} memscape_note;

/** A minidump stream directory entry. */
typedef struct memscape_stream {
    uint32_t type;
    uint32_t size;
    uint32_t rva;
} memscape_stream;

/** Something the reader could not read but worked around (a truncated stream, a missing name). */
typedef struct memscape_warning {
    uint64_t offset;               /* or MEMSCAPE_NO_OFFSET */
    const char *message;
} memscape_warning;

/* ---- pool usage (WinDbg !vm and !poolused output) ----------------------------------------- */

/** One line of !vm, e.g. "NonPagedPool Usage: 650867425 (2603469700 Kb)". */
typedef struct memscape_vm_counter {
    const char *name;              /* as printed, without the colon: "NonPagedPool Usage" */
    uint64_t pages;                /* the first number (pages), or 0 where the line has none */
    uint64_t kb;                   /* the size in KiB as printed, or 0 where the line has none */
} memscape_vm_counter;

/** One tag of !poolused: its allocations and bytes in each pool. */
typedef struct memscape_pool_tag {
    char tag[5];                   /* four characters as printed (may hold spaces), NUL */
    uint64_t nonpaged_allocs;
    uint64_t nonpaged_bytes;
    uint64_t paged_allocs;
    uint64_t paged_bytes;
    const char *description;       /* the text after the numbers (driver, "UNKNOWN"...), or NULL */
} memscape_pool_tag;

typedef struct memscape_pool_usage {
    int present;                   /* the input had !vm or !poolused output */
    const memscape_vm_counter *counters; /* !vm's lines in order; page files' lines included */
    size_t counter_count;
    uint64_t page_file_max_kb;     /* sum of the page files' Maximum (!vm), or 0 */
    uint64_t failed_allocations;   /* pool allocations !vm says failed, or 0 */
    const memscape_pool_tag *tags; /* !poolused's tags in order */
    size_t tag_count;
} memscape_pool_usage;

/* ---- access ------------------------------------------------------------------------------ */

MEMSCAPE_API const memscape_system *memscape_space_system(const memscape_space *space);

/** The merged layout, sorted by base, non-overlapping. */
MEMSCAPE_API const memscape_region *memscape_space_regions(const memscape_space *space,
                                                           size_t *count);
/** The ranges whose bytes the file holds, in the dump's order (MemoryList, then
 *  Memory64List; PT_LOADs with bytes). They may overlap; the layout does not. */
MEMSCAPE_API const memscape_range *memscape_space_ranges(const memscape_space *space,
                                                         size_t *count);
MEMSCAPE_API const memscape_module *memscape_space_modules(const memscape_space *space,
                                                           size_t *count);
MEMSCAPE_API const memscape_module *memscape_space_unloaded_modules(const memscape_space *space,
                                                                    size_t *count);
MEMSCAPE_API const memscape_thread *memscape_space_threads(const memscape_space *space,
                                                           size_t *count);
/** The exception or signal, or NULL when the dump records none. */
MEMSCAPE_API const memscape_exception *memscape_space_exception(const memscape_space *space);
MEMSCAPE_API const memscape_handles *memscape_space_handles(const memscape_space *space);
/** Pool usage; present is 0 unless the input was a WinDbg log with !vm or !poolused. */
MEMSCAPE_API const memscape_pool_usage *memscape_space_pool(const memscape_space *space);
/** The !vm counter named name (exactly, as printed), or NULL. */
MEMSCAPE_API const memscape_vm_counter *memscape_space_vm_counter(const memscape_space *space,
                                                                  const char *name);
MEMSCAPE_API const memscape_note *memscape_space_notes(const memscape_space *space,
                                                       size_t *count);
MEMSCAPE_API const memscape_stream *memscape_space_streams(const memscape_space *space,
                                                           size_t *count);
/** Problems worked around while reading. `total` (optional) counts them all, including those
 *  beyond the limit that were not kept. */
MEMSCAPE_API const memscape_warning *memscape_space_warnings(const memscape_space *space,
                                                             size_t *count, size_t *total);

/** The region holding addr, or NULL. */
MEMSCAPE_API const memscape_region *memscape_space_find_region(const memscape_space *space,
                                                               uint64_t addr);
/** The module whose [base, base+size) holds addr, or NULL. */
/** The thread with this id (the first, should a dump list one twice), or NULL. */
MEMSCAPE_API const memscape_thread *memscape_space_find_thread(const memscape_space *space,
                                                               uint32_t id);
MEMSCAPE_API const memscape_module *memscape_space_find_module(const memscape_space *space,
                                                               uint64_t addr);

/* ---- memory ------------------------------------------------------------------------------ */

/** Copy [addr, addr+len) into buf. Bytes the dump does not hold are set to 0.
 *  Returns how many of the len bytes were present. */
MEMSCAPE_API size_t memscape_space_read(const memscape_space *space, uint64_t addr, void *buf,
                                        size_t len);

/** A run of present bytes, borrowed from the file mapping (zero-copy). */
typedef struct memscape_chunk {
    uint64_t addr;
    const uint8_t *data;
    size_t size;
} memscape_chunk;

/** Iterates over the present bytes of [lo, hi) in address order. Plain data: put it on the
 *  stack, start it with memscape_chunks_begin(); nothing to free. */
typedef struct memscape_chunk_iter {
    const memscape_space *space;
    uint64_t lo, hi;
    size_t next;                   /* index into the sorted present-byte table */
    size_t max_chunk;
} memscape_chunk_iter;

/** Start iterating over [lo, hi); hi = UINT64_MAX covers the whole space (the last byte of
 *  the address space is then left out, which no dump maps). max_chunk (0 = no limit) splits
 *  long runs so a consumer can hand them to several threads. */
MEMSCAPE_API void memscape_chunks_begin(memscape_chunk_iter *it, const memscape_space *space,
                                        uint64_t lo, uint64_t hi, size_t max_chunk);
/** The next chunk; returns 0 when there are no more. */
MEMSCAPE_API int memscape_chunks_next(memscape_chunk_iter *it, memscape_chunk *out);

/* ---- names ------------------------------------------------------------------------------- */

MEMSCAPE_API const char *memscape_format_name(memscape_format f);   /* "minidump", "elf-core", "raw" */
MEMSCAPE_API const char *memscape_os_name(memscape_os os);           /* "windows", "linux", ... */
MEMSCAPE_API const char *memscape_arch_name(memscape_arch arch);     /* "amd64", "x86", ... */
MEMSCAPE_API const char *memscape_state_name(memscape_state s);      /* "committed", ... */
MEMSCAPE_API const char *memscape_type_name(memscape_type t);        /* "image", ... */
MEMSCAPE_API const char *memscape_usage_name(memscape_usage u);      /* "stack", ... */
/** Writes e.g. "RW+GUARD" into buf (NUL-terminated, truncated to size); returns buf. */
MEMSCAPE_API char *memscape_protect_format(uint32_t protect, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* MEMSCAPE_SPACE_H */
