/* SPDX-License-Identifier: MIT */
/* CPU contexts: the program counter and stack pointer of a thread or of the exception.
 *
 * Which layout a context has comes from SystemInfo's ProcessorArchitecture. Without
 * SystemInfo it is guessed from the context's CPU bits and size. Offsets are from winnt.h's
 * CONTEXT (x86, AMD64, ARM, ARM64) and Breakpad's MDRawContext* (the others; Breakpad's ARM
 * and both ARM64 layouts put PC and SP where Windows does). */
#include "minidump_internal.h"

typedef struct context_layout {
    memscape_arch arch;
    uint32_t pc, pc_width;
    uint32_t sp, sp_width;
} context_layout;

static const context_layout layouts[] = {
    {MEMSCAPE_ARCH_X86, 0xb8, 4, 0xc4, 4},        /* Eip, Esp */
    {MEMSCAPE_ARCH_AMD64, 0xf8, 8, 0x98, 8},      /* Rip, Rsp */
    {MEMSCAPE_ARCH_ARM, 0x40, 4, 0x38, 4},        /* Pc (r15), Sp (r13) */
    {MEMSCAPE_ARCH_ARM64, 0x108, 8, 0x100, 8},    /* Pc, Sp (x31) */
    {MEMSCAPE_ARCH_PPC, 0x4, 4, 0x10, 4},         /* srr0, gpr[1] */
    {MEMSCAPE_ARCH_PPC64, 0x8, 8, 0x20, 8},       /* srr0, gpr[1] */
    {MEMSCAPE_ARCH_MIPS, 0x138, 8, 0xf0, 8},      /* epc, iregs[29] */
    {MEMSCAPE_ARCH_MIPS64, 0x138, 8, 0xf0, 8},
    {MEMSCAPE_ARCH_RISCV64, 0x8, 8, 0x18, 8},     /* pc, sp */
    {MEMSCAPE_ARCH_SPARC, 0x110, 8, 0x78, 8},     /* pc, g_r[14] (%o6) */
};

/* CPU bits of ContextFlags (winnt.h CONTEXT_i386, CONTEXT_AMD64, CONTEXT_ARM, CONTEXT_ARM64;
 * Breakpad's old ARM64 sets bit 31 of a u64 flags field). */
#define CONTEXT_X86 0x00010000u
#define CONTEXT_AMD64 0x00100000u
#define CONTEXT_ARM64 0x00400000u
#define CONTEXT_ARM 0x40000000u
#define CONTEXT_ARM64_OLD 0x80000000u
#define AMD64_FLAGS_OFFSET 0x30u
#define AMD64_CONTEXT_SIZE 0x4d0u

static const context_layout *layout_for(memscape_arch arch)
{
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
        if (layouts[i].arch == arch)
            return &layouts[i];
    return NULL;
}

/* No SystemInfo: AMD64 keeps its flags at 0x30 (after the six home registers); the others
 * keep them at 0, with one distinct CPU bit each. */
static memscape_arch guess_arch(memscape_cursor *c, uint32_t size)
{
    if (size >= AMD64_CONTEXT_SIZE &&
        (memscape_cursor_u32_rel(c, AMD64_FLAGS_OFFSET) & CONTEXT_AMD64))
        return MEMSCAPE_ARCH_AMD64;
    uint32_t flags = memscape_cursor_u32_rel(c, 0);
    if (flags & (CONTEXT_ARM64 | CONTEXT_ARM64_OLD))
        return MEMSCAPE_ARCH_ARM64;
    if (flags & CONTEXT_ARM)
        return MEMSCAPE_ARCH_ARM;
    if (flags & CONTEXT_X86)
        return MEMSCAPE_ARCH_X86;
    return MEMSCAPE_ARCH_UNKNOWN;
}

int memscape_mdmp_context(memscape_mdmp *md, uint32_t size, uint32_t rva, uint64_t loc,
                          const char *what, uint64_t *pc, uint64_t *sp)
{
    if (size == 0)
        return 0;   /* the writer kept no context */
    memscape_cursor c;
    if (memscape_cursor_sub(&md->file, rva, size, &c) != MEMSCAPE_OK) {
        memscape_space_warn(md->space, loc, "%s: context of 0x%" PRIx32 " bytes at 0x%" PRIx32
                            " runs past the end of the file", what, size, rva);
        return 0;
    }
    memscape_arch arch = md->arch != MEMSCAPE_ARCH_UNKNOWN ? md->arch : guess_arch(&c, size);
    const context_layout *l = layout_for(arch);
    if (!l) {
        memscape_space_warn(md->space, loc, "%s: context of unknown CPU architecture",
                            what);
        return 0;
    }
    uint32_t need_pc = l->pc + l->pc_width, need_sp = l->sp + l->sp_width;
    uint32_t need = need_pc > need_sp ? need_pc : need_sp;
    if (size < need) {
        memscape_space_warn(md->space, loc, "%s: context of 0x%" PRIx32 " bytes is too short "
                            "for %s PC and SP (0x%" PRIx32 " bytes)", what, size,
                            memscape_arch_name(arch), need);
        return 0;
    }
    *pc = memscape_cursor_uint_at(&c, c.lo + l->pc, l->pc_width);
    *sp = memscape_cursor_uint_at(&c, c.lo + l->sp, l->sp_width);
    return 1;
}
