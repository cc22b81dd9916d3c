/* SPDX-License-Identifier: MIT */
/* ELF core files: the ELF header, the program headers, and PT_LOADs as ranges and layout.
 *
 * Layout constants are from the System V gABI, chapter 4 ("ELF Header", "Sections" for
 * PN_XNUM) and chapter 5 ("Program Header"). Notes are read in elf_notes.c, NT_FILE in
 * elf_files.c. */
#include <stdlib.h>
#include <string.h>

#include "elf_core.h"
#include "util/protect.h"

/* e_ident indexes and values (gABI "ELF Identification"). */
#define EI_NIDENT 16u
#define EI_CLASS 4u
#define EI_DATA 5u
#define EI_OSABI 7u
#define ELFCLASS32 1u
#define ELFCLASS64 2u
#define ELFDATA2LSB 1u
#define ELFDATA2MSB 2u
#define ELFOSABI_NETBSD 2u
#define ELFOSABI_FREEBSD 9u

#define ET_CORE 4u
#define PT_LOAD 1u
#define PT_NOTE 4u
/* e_phnum says "the real count is in section header 0's sh_info" (gABI "Sections"). */
#define PN_XNUM 0xffffu

/* Field offsets that differ between the two classes (Elf32_Ehdr/Elf64_Ehdr, Elf32_Phdr/
 * Elf64_Phdr, Elf32_Shdr/Elf64_Shdr). */
typedef struct elf_class_layout {
    unsigned ehsize;
    unsigned e_phoff;
    unsigned e_shoff;
    unsigned e_phentsize;
    unsigned e_phnum;
    unsigned phentsize;
    unsigned shentsize;
    unsigned sh_info;
    unsigned p_offset;
    unsigned p_vaddr;
    unsigned p_filesz;
    unsigned p_memsz;
    unsigned p_flags;
} elf_class_layout;

static const elf_class_layout layout32 = {52, 28, 32, 42, 44, 32, 40, 28, 4, 8, 16, 20, 24};
static const elf_class_layout layout64 = {64, 32, 40, 54, 56, 56, 64, 44, 8, 16, 32, 40, 4};

static int elf_core_probe(const uint8_t *data, uint64_t size)
{
    if (size < EI_NIDENT + 2 || memcmp(data, "\177ELF", 4) != 0)
        return 0;
    unsigned le = data[16] | (unsigned)data[17] << 8;
    unsigned be = (unsigned)data[16] << 8 | data[17];
    switch (data[EI_DATA]) {
    case ELFDATA2LSB:
        return le == ET_CORE;
    case ELFDATA2MSB:
        return be == ET_CORE;
    default:
        /* Let open() say what is wrong with EI_DATA rather than "not a dump". */
        return le == ET_CORE || be == ET_CORE;
    }
}

static uint64_t u16_at(elf_core *core, uint64_t off)
{
    return memscape_cursor_uint_at(&core->file, off, 2);
}

static uint64_t u32_at(elf_core *core, uint64_t off)
{
    return memscape_cursor_uint_at(&core->file, off, 4);
}

/* An address or offset field: Elf32_Addr/Off are 4 bytes, Elf64_Addr/Off 8. */
static uint64_t addr_at(elf_core *core, uint64_t off)
{
    return memscape_cursor_uint_at(&core->file, off, core->is64 ? 8u : 4u);
}

/* ---- system ------------------------------------------------------------------------------ */

static memscape_arch arch_of(unsigned machine, int is64)
{
    switch (machine) {
    case ELF_EM_386:
        return MEMSCAPE_ARCH_X86;
    case ELF_EM_X86_64:
        return MEMSCAPE_ARCH_AMD64;
    case ELF_EM_ARM:
        return MEMSCAPE_ARCH_ARM;
    case ELF_EM_AARCH64:
        return MEMSCAPE_ARCH_ARM64;
    case ELF_EM_PPC:
        return MEMSCAPE_ARCH_PPC;
    case ELF_EM_PPC64:
        return MEMSCAPE_ARCH_PPC64;
    case ELF_EM_S390:
        return MEMSCAPE_ARCH_S390X;
    case ELF_EM_MIPS:
        return is64 ? MEMSCAPE_ARCH_MIPS64 : MEMSCAPE_ARCH_MIPS;
    case ELF_EM_RISCV:
        return MEMSCAPE_ARCH_RISCV64;
    case ELF_EM_SPARC:
    case ELF_EM_SPARC32PLUS:
    case ELF_EM_SPARCV9:
        return MEMSCAPE_ARCH_SPARC;
    default:
        return MEMSCAPE_ARCH_UNKNOWN;
    }
}

static void describe_system(elf_core *core, unsigned osabi, int big_endian)
{
    memscape_system *sys = &core->space->system;
    sys->format = MEMSCAPE_FORMAT_ELF_CORE;
    /* Linux writes ELFOSABI_NONE or ELFOSABI_GNU; notes may still say NetBSD or FreeBSD. */
    sys->os = osabi == ELFOSABI_NETBSD    ? MEMSCAPE_OS_NETBSD
              : osabi == ELFOSABI_FREEBSD ? MEMSCAPE_OS_FREEBSD
                                          : MEMSCAPE_OS_LINUX;
    sys->arch = arch_of(core->machine, core->is64);
    sys->pointer_size = core->word;
    sys->big_endian = big_endian;
}

/* ---- ELF header -------------------------------------------------------------------------- */

typedef struct elf_table {
    uint64_t phoff;
    uint64_t count;
    const elf_class_layout *lay;
} elf_table;

/* The real program header count: e_phnum, or section header 0's sh_info under PN_XNUM. */
static memscape_status read_phdr_count(elf_core *core, const elf_class_layout *lay,
                                       uint64_t *count)
{
    uint64_t phnum = u16_at(core, lay->e_phnum);
    uint64_t count_at = lay->e_phnum;
    if (phnum == PN_XNUM) {
        uint64_t shoff = addr_at(core, lay->e_shoff);
        if (shoff == 0)
            return memscape_fail(core->err, MEMSCAPE_ECORRUPT, lay->e_shoff,
                                 "e_phnum is PN_XNUM (0xffff) but e_shoff is 0: no section "
                                 "header 0 holds the program header count");
        if (!memscape_in_bounds(shoff, lay->shentsize, core->file.file_size))
            return memscape_fail(core->err, MEMSCAPE_ETRUNCATED, lay->e_shoff,
                                 "e_phnum is PN_XNUM: section header 0 at e_shoff 0x%llx "
                                 "(%u bytes) lies past the end of the file (0x%llx bytes)",
                                 (unsigned long long)shoff, lay->shentsize,
                                 (unsigned long long)core->file.file_size);
        count_at = shoff + lay->sh_info;
        phnum = u32_at(core, count_at);
    }
    if (phnum > core->space->limits.max_regions)
        return memscape_fail(core->err, MEMSCAPE_ELIMIT, count_at,
                             "%llu program headers exceed limits.max_regions (%u)",
                             (unsigned long long)phnum, core->space->limits.max_regions);
    *count = phnum;
    return MEMSCAPE_OK;
}

static memscape_status read_header(elf_core *core, elf_table *table)
{
    const uint8_t *f = core->file.file;
    uint64_t size = core->file.file_size;
    if (size < EI_NIDENT)
        return memscape_fail(core->err, MEMSCAPE_ETRUNCATED, 0,
                             "e_ident needs 16 bytes but the file is 0x%llx bytes",
                             (unsigned long long)size);
    if (f[EI_CLASS] != ELFCLASS32 && f[EI_CLASS] != ELFCLASS64)
        return memscape_fail(core->err, MEMSCAPE_ECORRUPT, EI_CLASS,
                             "EI_CLASS %u is neither ELFCLASS32 (1) nor ELFCLASS64 (2)",
                             f[EI_CLASS]);
    if (f[EI_DATA] != ELFDATA2LSB && f[EI_DATA] != ELFDATA2MSB)
        return memscape_fail(core->err, MEMSCAPE_ECORRUPT, EI_DATA,
                             "EI_DATA %u is neither ELFDATA2LSB (1) nor ELFDATA2MSB (2)",
                             f[EI_DATA]);
    core->is64 = f[EI_CLASS] == ELFCLASS64;
    const elf_class_layout *lay = core->is64 ? &layout64 : &layout32;
    if (size < lay->ehsize)
        return memscape_fail(core->err, MEMSCAPE_ETRUNCATED, 0,
                             "the ELF header needs %u bytes but the file is 0x%llx bytes",
                             lay->ehsize, (unsigned long long)size);
    int big_endian = f[EI_DATA] == ELFDATA2MSB;
    core->file.big_endian = big_endian;
    core->machine = (uint16_t)u16_at(core, 18);
    core->word = core->is64 ? 8u : 4u;
    /* x32 (ELFCLASS32 + EM_X86_64) keeps the 64-bit register file in pr_reg. */
    core->reg_width = core->is64 || core->machine == ELF_EM_X86_64 ? 8u : 4u;
    describe_system(core, f[EI_OSABI], big_endian);

    uint64_t count = 0;
    memscape_status st = read_phdr_count(core, lay, &count);
    if (st != MEMSCAPE_OK)
        return st;
    uint64_t phentsize = u16_at(core, lay->e_phentsize);
    if (count > 0 && phentsize != lay->phentsize)
        return memscape_fail(core->err, MEMSCAPE_ECORRUPT, lay->e_phentsize,
                             "e_phentsize is %llu but ELFCLASS%u program headers are %u bytes",
                             (unsigned long long)phentsize, core->is64 ? 64u : 32u,
                             lay->phentsize);
    uint64_t phoff = addr_at(core, lay->e_phoff);
    /* count <= max_regions < 2^32 and phentsize <= 56: the product cannot overflow. */
    if (!memscape_in_bounds(phoff, count * lay->phentsize, size))
        return memscape_fail(core->err, MEMSCAPE_ETRUNCATED, lay->e_phoff,
                             "%llu program headers of %u bytes at e_phoff 0x%llx run past the "
                             "end of the file (0x%llx bytes)",
                             (unsigned long long)count, lay->phentsize,
                             (unsigned long long)phoff, (unsigned long long)size);
    table->phoff = phoff;
    table->count = count;
    table->lay = lay;
    return MEMSCAPE_OK;
}

/* ---- program headers --------------------------------------------------------------------- */

static memscape_status read_load(elf_core *core, const elf_table *t, uint64_t at, size_t index)
{
    const elf_class_layout *lay = t->lay;
    elf_load l;
    l.header_at = at;
    l.offset = addr_at(core, at + lay->p_offset);
    l.vaddr = addr_at(core, at + lay->p_vaddr);
    l.filesz = addr_at(core, at + lay->p_filesz);
    l.memsz = addr_at(core, at + lay->p_memsz);
    l.flags = (uint32_t)u32_at(core, at + lay->p_flags);
    /* Ending exactly at 2^64 is accepted; the model cannot represent that last byte and drops
     * it with a warning (real cores end lower: the vsyscall page ends at 0xffffffffff601000). */
    if (l.memsz > 0 && l.memsz - 1 > UINT64_MAX - l.vaddr)
        return memscape_fail(core->err, MEMSCAPE_ECORRUPT, at + lay->p_memsz,
                             "program header %zu: p_vaddr 0x%llx + p_memsz 0x%llx passes the "
                             "end of the address space", index, (unsigned long long)l.vaddr,
                             (unsigned long long)l.memsz);
    /* gABI: "The file size may not be larger than the memory size." */
    if (l.filesz > l.memsz)
        return memscape_fail(core->err, MEMSCAPE_ECORRUPT, at + lay->p_filesz,
                             "program header %zu: p_filesz 0x%llx is larger than p_memsz 0x%llx",
                             index, (unsigned long long)l.filesz,
                             (unsigned long long)l.memsz);
    core->loads[core->load_count++] = l;
    return MEMSCAPE_OK;
}

static int compare_load_vaddr(const void *a, const void *b)
{
    const elf_load *x = a, *y = b;
    if (x->vaddr != y->vaddr)
        return x->vaddr < y->vaddr ? -1 : 1;
    return 0;
}

static memscape_status read_loads(elf_core *core, const elf_table *t)
{
    if (t->count == 0)
        return MEMSCAPE_OK;
    /* The table lies in the file and count <= max_regions: this is bounded by both. */
    core->loads = calloc((size_t)t->count, sizeof *core->loads);
    core->loads_by_addr = calloc((size_t)t->count, sizeof *core->loads_by_addr);
    if (!core->loads || !core->loads_by_addr)
        return memscape_fail(core->err, MEMSCAPE_ENOMEM, t->phoff,
                             "no memory for %llu program headers",
                             (unsigned long long)t->count);
    for (uint64_t i = 0; i < t->count; i++) {
        uint64_t at = t->phoff + i * t->lay->phentsize;
        if (u32_at(core, at) != PT_LOAD)
            continue;
        memscape_status st = read_load(core, t, at, (size_t)i);
        if (st != MEMSCAPE_OK)
            return st;
    }
    memcpy(core->loads_by_addr, core->loads, core->load_count * sizeof *core->loads);
    qsort(core->loads_by_addr, core->load_count, sizeof *core->loads_by_addr,
          compare_load_vaddr);
    return MEMSCAPE_OK;
}

const elf_load *memscape_elf_load_at(const elf_core *core, uint64_t addr)
{
    /* The last PT_LOAD starting at or below addr. */
    size_t lo = 0, hi = core->load_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (core->loads_by_addr[mid].vaddr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const elf_load *l = &core->loads_by_addr[lo - 1];
    return addr - l->vaddr < l->memsz ? l : NULL;
}

size_t memscape_elf_read_memory(const elf_core *core, uint64_t addr, uint8_t *buf, size_t len)
{
    const elf_load *l = memscape_elf_load_at(core, addr);
    if (!l)
        return 0;
    uint64_t rel = addr - l->vaddr;
    if (rel >= l->filesz || l->offset > UINT64_MAX - rel)
        return 0;
    uint64_t off = l->offset + rel;
    uint64_t file_size = core->file.file_size;
    if (off >= file_size)
        return 0;
    uint64_t avail = l->filesz - rel;
    if (avail > file_size - off)
        avail = file_size - off;
    size_t n = avail < len ? (size_t)avail : len;
    memcpy(buf, core->file.file + off, n);
    return n;
}

/* Note segments of a real core never overlap, so together they are no larger than the file.
 * Many program headers pointing at the same large segment would make the walk quadratic:
 * past the file's size in note bytes, the rest is skipped. */
static memscape_status walk_note_segment(elf_core *core, const elf_table *t, uint64_t at,
                                         uint64_t *walked)
{
    const elf_class_layout *lay = t->lay;
    uint64_t off = addr_at(core, at + lay->p_offset);
    uint64_t len = addr_at(core, at + lay->p_filesz);
    uint64_t size = core->file.file_size;
    if (len == 0)
        return MEMSCAPE_OK;
    if (off >= size) {
        memscape_space_warn(core->space, at + lay->p_offset,
                            "PT_NOTE at 0x%llx (0x%llx bytes) lies past the end of the file "
                            "(0x%llx bytes); its notes are missing", (unsigned long long)off,
                            (unsigned long long)len, (unsigned long long)size);
        return MEMSCAPE_OK;
    }
    uint64_t have = len;
    if (have > size - off) {
        have = size - off;
        memscape_space_warn(core->space, at + lay->p_filesz,
                            "PT_NOTE at 0x%llx: 0x%llx bytes but the file holds only 0x%llx; "
                            "reading what is there", (unsigned long long)off,
                            (unsigned long long)len, (unsigned long long)have);
    }
    if (*walked == UINT64_MAX)
        return MEMSCAPE_OK; /* capped already, and said so */
    if (have > size - *walked) {
        memscape_space_warn(core->space, at,
                            "PT_NOTE segments add up to more bytes than the file holds; this "
                            "one and the rest are skipped");
        *walked = UINT64_MAX;
        return MEMSCAPE_OK;
    }
    *walked += have;
    return memscape_elf_walk_notes(core, off, have, len);
}

static memscape_status walk_notes(elf_core *core, const elf_table *t)
{
    uint64_t walked = 0;
    for (uint64_t i = 0; i < t->count; i++) {
        uint64_t at = t->phoff + i * t->lay->phentsize;
        if (u32_at(core, at) != PT_NOTE)
            continue;
        memscape_status st = walk_note_segment(core, t, at, &walked);
        if (st != MEMSCAPE_OK)
            return st;
    }
    return MEMSCAPE_OK;
}

/* ---- ranges and layout ------------------------------------------------------------------- */

/* PF_R/PF_W/PF_X onto the Windows-style protection the model uses. */
static uint32_t protect_of(uint32_t flags)
{
    return memscape_protect_from_rwx((flags & ELF_PF_R) != 0, (flags & ELF_PF_W) != 0,
                                     (flags & ELF_PF_X) != 0);
}

static memscape_status add_load_range(elf_core *core, const elf_load *l, size_t index)
{
    uint64_t size = core->file.file_size;
    uint64_t filesz_at = l->header_at + (core->is64 ? layout64.p_filesz : layout32.p_filesz);
    if (l->filesz == 0)
        return MEMSCAPE_OK;
    if (l->offset >= size) {
        memscape_space_warn(core->space, filesz_at,
                            "PT_LOAD %zu at 0x%llx: its 0x%llx bytes at file offset 0x%llx lie "
                            "past the end of the file (0x%llx bytes)", index,
                            (unsigned long long)l->vaddr, (unsigned long long)l->filesz,
                            (unsigned long long)l->offset, (unsigned long long)size);
        return MEMSCAPE_OK;
    }
    uint64_t have = l->filesz;
    if (have > size - l->offset) {
        have = size - l->offset;
        memscape_space_warn(core->space, filesz_at,
                            "PT_LOAD %zu at 0x%llx: 0x%llx bytes but the file holds only "
                            "0x%llx; the rest is not captured", index,
                            (unsigned long long)l->vaddr, (unsigned long long)l->filesz,
                            (unsigned long long)have);
    }
    memscape_status st = memscape_space_add_range(core->space, l->vaddr, have, l->offset);
    if (st != MEMSCAPE_OK)
        return memscape_fail(core->err, st, l->header_at,
                             "PT_LOAD %zu: more ranges than limits.max_ranges (%u)", index,
                             core->space->limits.max_ranges);
    return MEMSCAPE_OK;
}

static memscape_status add_load_layout(elf_core *core, const elf_load *l, size_t index)
{
    if (l->memsz == 0)
        return MEMSCAPE_OK;
    memscape_region r = {0};
    r.base = l->vaddr;
    r.size = l->memsz;
    r.allocation_base = l->vaddr;
    r.file_offset = MEMSCAPE_NO_OFFSET;
    r.state = MEMSCAPE_STATE_COMMITTED;
    r.protect = protect_of(l->flags);
    r.module_index = MEMSCAPE_NO_INDEX;
    r.thread_index = MEMSCAPE_NO_INDEX;
    /* Stacks are marked by the merge from the threads' stack ranges, which also links the
     * region to its thread. */
    const elf_mapping *m = memscape_elf_mapping_overlapping(
        &core->files, l->vaddr, memscape_end_clamped(l->vaddr, l->memsz));
    if (m) {
        r.name = core->files.names[m->module];
        int image = core->files.executable[m->module];
        r.type = image ? MEMSCAPE_TYPE_IMAGE : MEMSCAPE_TYPE_MAPPED;
        r.usage = image ? MEMSCAPE_USAGE_IMAGE : MEMSCAPE_USAGE_MAPPED_FILE;
    } else {
        r.type = MEMSCAPE_TYPE_PRIVATE;
    }
    memscape_status st = memscape_space_add_layout(core->space, &r);
    if (st != MEMSCAPE_OK)
        return memscape_fail(core->err, st, l->header_at,
                             "PT_LOAD %zu: more layout entries than limits.max_regions (%u)",
                             index, core->space->limits.max_regions);
    return MEMSCAPE_OK;
}

static memscape_status add_loads(elf_core *core)
{
    for (size_t i = 0; i < core->load_count; i++) {
        memscape_status st = add_load_range(core, &core->loads[i], i);
        if (st == MEMSCAPE_OK)
            st = add_load_layout(core, &core->loads[i], i);
        if (st != MEMSCAPE_OK)
            return st;
    }
    return MEMSCAPE_OK;
}

/* ---- open -------------------------------------------------------------------------------- */

static memscape_status read_core(elf_core *core)
{
    elf_table table = {0};
    memscape_status st = read_header(core, &table);
    if (st == MEMSCAPE_OK)
        st = read_loads(core, &table);
    if (st == MEMSCAPE_OK)
        st = walk_notes(core, &table);
    if (st == MEMSCAPE_OK)
        st = memscape_elf_finish_notes(core);
    if (st == MEMSCAPE_OK)
        st = core->has_nt_file ? memscape_elf_read_files(core)
                               : memscape_elf_module_from_auxv(core);
    if (st == MEMSCAPE_OK)
        st = add_loads(core);
    return st;
}

static memscape_status elf_core_open(memscape_space *space, const memscape_open_options *opts,
                                     memscape_error *err)
{
    (void)opts;
    elf_core core;
    memset(&core, 0, sizeof core);
    core.space = space;
    core.err = err;
    memscape_cursor_init(&core.file, space->file, space->file_size, 0);
    memscape_status st = read_core(&core);
    free(core.loads);
    free(core.loads_by_addr);
    memscape_elf_files_free(&core.files);
    return st;
}

const memscape_reader memscape_reader_elf_core = {"elf", elf_core_probe, elf_core_open};
