/* SPDX-License-Identifier: MIT */
/* The ELF core reader's shared state. Internal to src/readers/elf/.
 *
 * elf_core.c reads the ELF header and program headers and turns PT_LOADs into ranges and layout;
 * elf_notes.c walks PT_NOTE segments (threads, process info, signal); elf_files.c reads NT_FILE
 * into modules and names the PT_LOADs that map a file. */
#ifndef MEMSCAPE_ELF_CORE_H
#define MEMSCAPE_ELF_CORE_H

#include "readers/reader.h"
#include "util/cursor.h"

/* e_machine values (ELF gABI, "Machine Information"). */
#define ELF_EM_SPARC   2u
#define ELF_EM_386     3u
#define ELF_EM_MIPS    8u
#define ELF_EM_SPARC32PLUS 18u
#define ELF_EM_PPC     20u
#define ELF_EM_PPC64   21u
#define ELF_EM_S390    22u
#define ELF_EM_ARM     40u
#define ELF_EM_SPARCV9 43u
#define ELF_EM_X86_64  62u
#define ELF_EM_AARCH64 183u
#define ELF_EM_RISCV   243u

/* p_flags bits (gABI "Segment Permissions"). */
#define ELF_PF_X 1u
#define ELF_PF_W 2u
#define ELF_PF_R 4u

/** One PT_LOAD, as its program header says (validated: vaddr + memsz <= 2^64,
 *  filesz <= memsz). */
typedef struct elf_load {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t filesz;
    uint64_t offset;
    uint32_t flags;         /* PF_* */
    uint64_t header_at;     /* file offset of its program header, for messages */
} elf_load;

/** A file mapping from NT_FILE that has a name. */
typedef struct elf_mapping {
    uint64_t start;
    uint64_t end;
    uint32_t module;        /* index of the module (distinct path) it belongs to */
} elf_mapping;

/** NT_FILE, read: the mappings sorted by start, and per module its name and whether any of
 *  its mappings is executable. */
typedef struct elf_files {
    elf_mapping *mappings;  /* sorted by start; empty mappings left out */
    size_t *reach;          /* reach[i]: the mapping in [0, i] that ends last */
    size_t mapping_count;
    const char **names;     /* per module, in the space's strings */
    uint8_t *executable;    /* per module */
    size_t module_count;
} elf_files;

/** Where the signal comes from: Linux NT_PRSTATUS/NT_SIGINFO or NetBSD procinfo. */
typedef struct elf_signal {
    uint32_t prstatus_seen;     /* NT_PRSTATUS notes so far; names the current thread group */
    int found;                  /* an NT_PRSTATUS with pr_cursig != 0 was seen */
    uint32_t thread_index;      /* that thread, in the space's threads */
    uint32_t group;             /* its NT_PRSTATUS ordinal */
    int has_own_siginfo;        /* an NT_SIGINFO after that NT_PRSTATUS, before the next */
    uint64_t own_siginfo_at, own_siginfo_size;
    int has_first_siginfo;      /* the first NT_SIGINFO of the core */
    uint64_t first_siginfo_at, first_siginfo_size;

    int netbsd_procinfo;        /* a NetBSD-CORE procinfo note was read */
    uint32_t netbsd_signo, netbsd_sigcode, netbsd_siglwp;
    int has_last_lwp;           /* NetBSD-CORE@<lwp> notes of one LWP are one thread */
    uint32_t last_lwp;
    uint32_t last_lwp_index;    /* its thread, in the space's threads */
} elf_signal;

/** What the reader knows while it reads one core. */
typedef struct elf_core {
    memscape_space *space;
    memscape_error *err;
    memscape_cursor file;   /* the whole file, in the core's byte order */
    int is64;               /* ELFCLASS64 */
    unsigned word;          /* sizeof(long) of the dumped process: 4 or 8 */
    unsigned reg_width;     /* bytes per pr_reg entry: 8 on x32 too */
    uint16_t machine;       /* e_machine */

    elf_load *loads;        /* PT_LOADs in program-header order */
    size_t load_count;
    elf_load *loads_by_addr;/* the same, sorted by vaddr, to find the one holding an SP */

    /* The NT_FILE note, found while walking notes and read after. */
    int has_nt_file;
    uint64_t nt_file_at;    /* descriptor offset */
    uint64_t nt_file_size;
    uint64_t nt_file_header;/* note header offset, for messages */
    elf_files files;

    /* AUXV, kept to name the executable when there is no NT_FILE. */
    int has_auxv;
    uint64_t auxv_at;
    uint64_t auxv_size;

    elf_signal signal;
} elf_core;

/* elf_core.c */

/** The PT_LOAD whose [vaddr, vaddr+memsz) holds addr, or NULL. */
const elf_load *memscape_elf_load_at(const elf_core *core, uint64_t addr);

/** Copy up to len bytes of captured memory at addr into buf (a PT_LOAD's file bytes, not
 *  crossing into the next segment). Returns how many bytes were copied. */
size_t memscape_elf_read_memory(const elf_core *core, uint64_t addr, uint8_t *buf, size_t len);

/* elf_notes.c */

/** Walk the notes of one PT_NOTE segment: [off, off+len) is what the file holds of it;
 *  declared_len is what the program header says (larger when the file is truncated). */
memscape_status memscape_elf_walk_notes(elf_core *core, uint64_t off, uint64_t len,
                                        uint64_t declared_len);

/** After every segment was walked: the exception (signal) and what needs all notes. */
memscape_status memscape_elf_finish_notes(elf_core *core);

/* elf_files.c */

/** Read NT_FILE (when there was one) into core->files and add one module per distinct path. */
memscape_status memscape_elf_read_files(elf_core *core);

/** Without NT_FILE: name the executable from AUXV AT_EXECFN when its string was captured. */
memscape_status memscape_elf_module_from_auxv(elf_core *core);

/** The NT_FILE mapping overlapping [base, end), or NULL. */
const elf_mapping *memscape_elf_mapping_overlapping(const elf_files *files, uint64_t base,
                                                    uint64_t end);

void memscape_elf_files_free(elf_files *files);

#endif /* MEMSCAPE_ELF_CORE_H */
