/* SPDX-License-Identifier: MIT */
/* ELF core notes: threads (NT_PRSTATUS, NetBSD LWP notes, FreeBSD prstatus), process info
 * (NT_PRPSINFO, NetBSD procinfo) and the signal (NT_SIGINFO).
 *
 * A note is a 12-byte header (namesz, descsz, type), the owner name and the descriptor, each
 * padded to 4 bytes, in ELF32 and ELF64 cores alike (gABI "Note Section"). Notes are matched
 * on (owner, type) and their order is not assumed. Structure layouts are from Linux
 * include/uapi/linux/elfcore.h and the arch ptrace.h/user.h headers, NetBSD sys/exec_elf.h and
 * machine/reg.h, FreeBSD sys/procfs.h and machine/reg.h. */
#include <string.h>

#include "elf_core.h"

#define NOTE_HEADER_SIZE 12u

/* Linux "CORE" note types (include/uapi/linux/elf.h). */
#define NT_PRSTATUS 1u
#define NT_PRPSINFO 3u
#define NT_AUXV 6u
#define NT_SIGINFO 0x53494749u
#define NT_FILE 0x46494c45u

/* NetBSD "NetBSD-CORE" types (sys/exec_elf.h) and the per-LWP register note types, which are
 * the PT_GETREGS ptrace requests of each port. */
#define NETBSD_CORE_PROCINFO 1u
#define NETBSD_CORE_AUXV 2u
#define NETBSD_PT_GETREGS_X86 33u
#define NETBSD_PT_GETREGS_AARCH64 32u

/* struct netbsd_elfcore_procinfo: cpi_signo 8, cpi_sigcode 12, cpi_pid 80, cpi_name[32] 124,
 * cpi_siglwp 156 (version 2, 160 bytes). */
#define NETBSD_CPI_SIGNO 8u
#define NETBSD_CPI_SIGCODE 12u
#define NETBSD_CPI_PID 80u
#define NETBSD_CPI_NAME 124u
#define NETBSD_CPI_NAME_SIZE 32u
#define NETBSD_CPI_SIGLWP 156u

/* struct elf_prpsinfo ends with pr_fname[16] and pr_psargs[80]; pr_pid, pr_ppid, pr_pgrp and
 * pr_sid come just before. Their offset from the start differs (16- or 32-bit uid_t, 4- or
 * 8-byte pr_flag), from the end it does not. */
#define PRPSINFO_FNAME_SIZE 16u
#define PRPSINFO_PSARGS_SIZE 80u
#define PRPSINFO_TAIL (PRPSINFO_FNAME_SIZE + PRPSINFO_PSARGS_SIZE)
#define PRPSINFO_PID_BEFORE_FNAME 16u

/* struct elf_prstatus: pr_info (3 ints) then short pr_cursig at 12; pr_pid after two longs. */
#define PRSTATUS_CURSIG 12u

typedef struct elf_note {
    uint64_t header_at;
    const uint8_t *name;    /* owner, without its trailing NULs */
    size_t name_len;
    uint32_t type;
    uint64_t desc_at;
    uint64_t desc_size;
} elf_note;

/* Where the program counter and stack pointer sit in a register block, in register slots. */
typedef struct reg_slots {
    int known;
    unsigned pc;
    unsigned sp;
} reg_slots;

static uint64_t desc_uint(elf_core *core, const elf_note *n, uint64_t rel, unsigned width)
{
    return memscape_cursor_uint_at(&core->file, n->desc_at + rel, width);
}

static int owner_is(const elf_note *n, const char *owner)
{
    size_t len = strlen(owner);
    return n->name_len == len && memcmp(n->name, owner, len) == 0;
}

static int owner_starts(const elf_note *n, const char *prefix)
{
    size_t len = strlen(prefix);
    return n->name_len >= len && memcmp(n->name, prefix, len) == 0;
}

/* ---- threads ----------------------------------------------------------------------------- */

/* Linux pr_reg (elf_gregset_t) slots, from each arch's user_regs_struct / pt_regs. */
static reg_slots linux_reg_slots(const elf_core *core)
{
    switch (core->machine) {
    case ELF_EM_X86_64:   /* user_regs_struct: rip 16, rsp 19; x32 too */
        return (reg_slots){1, 16, 19};
    case ELF_EM_386:      /* user_regs_struct (i386): eip 12, esp 15 */
        return (reg_slots){1, 12, 15};
    case ELF_EM_AARCH64:  /* user_pt_regs: regs[31], sp, pc */
        return (reg_slots){1, 32, 31};
    case ELF_EM_ARM:      /* uregs[18]: sp r13, pc r15 */
        return (reg_slots){1, 15, 13};
    case ELF_EM_PPC:
    case ELF_EM_PPC64:    /* pt_regs: gpr[32], nip; sp is gpr1 */
        return (reg_slots){1, 32, 1};
    case ELF_EM_S390:     /* s390_regs: psw.mask, psw.addr, gprs[16]: r15 is slot 17 */
        return (reg_slots){1, 1, 17};
    case ELF_EM_MIPS:     /* asm/reg.h: n64 EF_R29 29, EF_CP0_EPC 34; o32 adds 6 pad words */
        return core->is64 ? (reg_slots){1, 34, 29} : (reg_slots){1, 40, 35};
    case ELF_EM_RISCV:    /* user_regs_struct: pc, ra, sp */
        return (reg_slots){1, 0, 2};
    default:
        return (reg_slots){0, 0, 0};
    }
}

/* FreeBSD struct reg slots: amd64 r_rip 17 / r_rsp 20, i386 r_eip 13 / r_esp 16, arm64
 * x[30], lr, sp, elr: sp 31 / elr 32. */
static reg_slots freebsd_reg_slots(const elf_core *core)
{
    switch (core->machine) {
    case ELF_EM_X86_64:
        return (reg_slots){core->is64, 17, 20};
    case ELF_EM_386:
        return (reg_slots){1, 13, 16};
    case ELF_EM_AARCH64:
        return (reg_slots){1, 32, 31};
    default:
        return (reg_slots){0, 0, 0};
    }
}

/* NetBSD struct reg slots, and the note type (PT_GETREGS) that carries it: amd64 regs[_REG_RIP
 * 21], [_REG_RSP 24]; i386 r_eip 8, r_esp 4; aarch64 r_reg[31], r_sp, r_pc. */
static reg_slots netbsd_reg_slots(const elf_core *core, uint32_t type)
{
    switch (core->machine) {
    case ELF_EM_X86_64:
        return (reg_slots){core->is64 && type == NETBSD_PT_GETREGS_X86, 21, 24};
    case ELF_EM_386:
        return (reg_slots){type == NETBSD_PT_GETREGS_X86, 8, 4};
    case ELF_EM_AARCH64:
        return (reg_slots){type == NETBSD_PT_GETREGS_AARCH64, 32, 31};
    default:
        return (reg_slots){0, 0, 0};
    }
}

/* Read pc and sp from the register block at reg_off in the descriptor, when it is there. */
static void read_context(elf_core *core, const elf_note *n, uint64_t reg_off, reg_slots regs,
                         memscape_thread *t)
{
    if (!regs.known)
        return;
    unsigned width = core->reg_width;
    unsigned top = (regs.pc > regs.sp ? regs.pc : regs.sp) + 1;
    if (reg_off > n->desc_size || (uint64_t)top * width > n->desc_size - reg_off) {
        memscape_space_warn(core->space, n->header_at,
                            "thread %u: the 0x%llx-byte register note has no room for "
                            "register %u at 0x%llx; no pc or sp", t->id,
                            (unsigned long long)n->desc_size, top - 1,
                            (unsigned long long)reg_off);
        return;
    }
    t->pc = desc_uint(core, n, reg_off + (uint64_t)regs.pc * width, width);
    t->sp = desc_uint(core, n, reg_off + (uint64_t)regs.sp * width, width);
    t->has_context = 1;
    const elf_load *stack = memscape_elf_load_at(core, t->sp);
    if (stack) {
        t->stack_base = stack->vaddr;
        t->stack_size = stack->memsz;
    }
}

static memscape_status push_thread(elf_core *core, const elf_note *n, const memscape_thread *t,
                                   uint32_t *index)
{
    memscape_status st = memscape_space_add_thread(core->space, t, NULL);
    if (st != MEMSCAPE_OK)
        return memscape_fail(core->err, st, n->header_at,
                             "thread %u: more threads than limits.max_threads (%u)", t->id,
                             core->space->limits.max_threads);
    *index = (uint32_t)(core->space->threads.count - 1);
    return MEMSCAPE_OK;
}

/* The first thread with a pending signal is the one the signal is reported for. */
static void note_signal_thread(elf_core *core, uint32_t index, uint32_t signal)
{
    elf_signal *s = &core->signal;
    s->prstatus_seen++;
    if (!s->found && signal != 0) {
        s->found = 1;
        s->thread_index = index;
        s->group = s->prstatus_seen;
    }
}

/* Where one OS's prstatus keeps the fields a thread needs. */
typedef struct prstatus_layout {
    const char *what;         /* for messages */
    uint64_t pid_off;
    uint64_t cursig_off;
    unsigned cursig_width;
    uint64_t reg_off;
    reg_slots slots;
} prstatus_layout;

static memscape_status read_prstatus(elf_core *core, const elf_note *n,
                                     const prstatus_layout *lay)
{
    if (n->desc_size < lay->pid_off + 4)
        return memscape_fail(core->err, MEMSCAPE_ECORRUPT, n->header_at,
                             "%s of 0x%llx bytes ends before pr_pid at %llu", lay->what,
                             (unsigned long long)n->desc_size, (unsigned long long)lay->pid_off);
    memscape_thread t = {0};
    t.id = (uint32_t)desc_uint(core, n, lay->pid_off, 4);
    t.signal = (uint32_t)desc_uint(core, n, lay->cursig_off, lay->cursig_width);
    read_context(core, n, lay->reg_off, lay->slots, &t);
    uint32_t index = 0;
    memscape_status st = push_thread(core, n, &t, &index);
    if (st == MEMSCAPE_OK)
        note_signal_thread(core, index, t.signal);
    return st;
}

/* Linux elf_prstatus: pr_pid follows pr_info, pr_cursig (padded to a long) and two longs of
 * signal sets; pr_reg follows four timevals. */
static memscape_status read_linux_prstatus(elf_core *core, const elf_note *n)
{
    prstatus_layout lay = {
        .what = "NT_PRSTATUS",
        .pid_off = 16u + 2u * core->word,
        .cursig_off = PRSTATUS_CURSIG,
        .cursig_width = 2,
        .reg_off = core->is64 ? 112u : 72u,
        .slots = linux_reg_slots(core),
    };
    return read_prstatus(core, n, &lay);
}

/* FreeBSD prstatus_t: int pr_version; size_t pr_statussz, pr_gregsetsz, pr_fpregsetsz;
 * int pr_osreldate, pr_cursig; pid_t pr_pid; gregset_t pr_reg (aligned to a long). */
static memscape_status read_freebsd_prstatus(elf_core *core, const elf_note *n)
{
    uint64_t w = core->word;
    uint64_t cursig_off = w + 3 * w + 4;
    uint64_t pid_off = cursig_off + 4;
    prstatus_layout lay = {
        .what = "FreeBSD NT_PRSTATUS",
        .pid_off = pid_off,
        .cursig_off = cursig_off,
        .cursig_width = 4,
        .reg_off = (pid_off + 4 + w - 1) / w * w,
        .slots = freebsd_reg_slots(core),
    };
    return read_prstatus(core, n, &lay);
}

/* "NetBSD-CORE@<lwp>": each LWP's notes (registers, FP registers) are one thread. */
static memscape_status read_netbsd_lwp(elf_core *core, const elf_note *n)
{
    static const char prefix[] = "NetBSD-CORE@";
    size_t digits = n->name_len - (sizeof prefix - 1);
    const uint8_t *p = n->name + (sizeof prefix - 1);
    uint64_t lwp = 0;
    int ok = digits > 0 && digits <= 10;
    for (size_t i = 0; ok && i < digits; i++) {
        ok = p[i] >= '0' && p[i] <= '9';
        lwp = lwp * 10 + (uint64_t)(p[i] - '0');
    }
    if (!ok || lwp > UINT32_MAX) {
        memscape_space_warn(core->space, n->header_at,
                            "NetBSD LWP note: the owner does not end in an LWP number");
        return MEMSCAPE_OK;
    }
    elf_signal *s = &core->signal;
    if (!s->has_last_lwp || s->last_lwp != lwp) {
        memscape_thread t = {0};
        t.id = (uint32_t)lwp;
        memscape_status st = push_thread(core, n, &t, &s->last_lwp_index);
        if (st != MEMSCAPE_OK)
            return st;
        s->has_last_lwp = 1;
        s->last_lwp = (uint32_t)lwp;
    }
    reg_slots regs = netbsd_reg_slots(core, n->type);
    memscape_thread *t = MEMSCAPE_VEC_AT(&core->space->threads, memscape_thread,
                                         s->last_lwp_index);
    if (regs.known && !t->has_context)
        read_context(core, n, 0, regs, t);
    return MEMSCAPE_OK;
}

/* ---- process information ----------------------------------------------------------------- */

static const char *copy_string(elf_core *core, uint64_t at, size_t max)
{
    return memscape_space_strdup(core->space, (const char *)core->file.file + at, max);
}

static memscape_status read_prpsinfo(elf_core *core, const elf_note *n)
{
    if (n->desc_size < PRPSINFO_TAIL + PRPSINFO_PID_BEFORE_FNAME) {
        memscape_space_warn(core->space, n->header_at,
                            "NT_PRPSINFO of 0x%llx bytes is too short for pr_pid, pr_fname "
                            "and pr_psargs; ignored", (unsigned long long)n->desc_size);
        return MEMSCAPE_OK;
    }
    memscape_system *sys = &core->space->system;
    uint64_t fname = n->desc_at + n->desc_size - PRPSINFO_TAIL;
    uint64_t psargs = fname + PRPSINFO_FNAME_SIZE;
    sys->process_id = (uint32_t)memscape_cursor_uint_at(&core->file,
                                                        fname - PRPSINFO_PID_BEFORE_FNAME, 4);
    sys->process_name = copy_string(core, fname, PRPSINFO_FNAME_SIZE);
    /* The kernel joins argv with spaces, so a trailing space is common ("./a.out "). */
    const uint8_t *args = core->file.file + psargs;
    size_t len = 0;
    while (len < PRPSINFO_PSARGS_SIZE && args[len] != '\0')
        len++;
    while (len > 0 && args[len - 1] == ' ')
        len--;
    sys->command_line = memscape_space_strdup(core->space, (const char *)args, len);
    if (!sys->process_name || !sys->command_line)
        return memscape_fail(core->err, MEMSCAPE_ENOMEM, n->header_at, "out of memory");
    return MEMSCAPE_OK;
}

static memscape_status read_netbsd_procinfo(elf_core *core, const elf_note *n)
{
    if (n->desc_size < NETBSD_CPI_NAME + NETBSD_CPI_NAME_SIZE) {
        memscape_space_warn(core->space, n->header_at,
                            "NetBSD procinfo of 0x%llx bytes is too short; ignored",
                            (unsigned long long)n->desc_size);
        return MEMSCAPE_OK;
    }
    memscape_system *sys = &core->space->system;
    sys->process_id = (uint32_t)desc_uint(core, n, NETBSD_CPI_PID, 4);
    sys->process_name = copy_string(core, n->desc_at + NETBSD_CPI_NAME, NETBSD_CPI_NAME_SIZE);
    if (!sys->process_name)
        return memscape_fail(core->err, MEMSCAPE_ENOMEM, n->header_at, "out of memory");
    elf_signal *s = &core->signal;
    s->netbsd_procinfo = 1;
    s->netbsd_signo = (uint32_t)desc_uint(core, n, NETBSD_CPI_SIGNO, 4);
    s->netbsd_sigcode = (uint32_t)desc_uint(core, n, NETBSD_CPI_SIGCODE, 4);
    /* cpi_siglwp came with procinfo version 2. */
    s->netbsd_siglwp = n->desc_size >= NETBSD_CPI_SIGLWP + 4
                           ? (uint32_t)desc_uint(core, n, NETBSD_CPI_SIGLWP, 4)
                           : 0;
    return MEMSCAPE_OK;
}

static void keep_siginfo(elf_core *core, const elf_note *n)
{
    elf_signal *s = &core->signal;
    if (!s->has_first_siginfo) {
        s->has_first_siginfo = 1;
        s->first_siginfo_at = n->desc_at;
        s->first_siginfo_size = n->desc_size;
    }
    if (s->found && s->group == s->prstatus_seen && !s->has_own_siginfo) {
        s->has_own_siginfo = 1;
        s->own_siginfo_at = n->desc_at;
        s->own_siginfo_size = n->desc_size;
    }
}

static void keep_auxv(elf_core *core, const elf_note *n)
{
    if (core->has_auxv)
        return;
    core->has_auxv = 1;
    core->auxv_at = n->desc_at;
    core->auxv_size = n->desc_size;
}

static void keep_nt_file(elf_core *core, const elf_note *n)
{
    if (core->has_nt_file) {
        memscape_space_warn(core->space, n->header_at,
                            "a second NT_FILE note; only the first is read");
        return;
    }
    core->has_nt_file = 1;
    core->nt_file_at = n->desc_at;
    core->nt_file_size = n->desc_size;
    core->nt_file_header = n->header_at;
}

/* ---- dispatch ---------------------------------------------------------------------------- */

static memscape_status read_linux_note(elf_core *core, const elf_note *n)
{
    switch (n->type) {
    case NT_PRSTATUS:
        return read_linux_prstatus(core, n);
    case NT_PRPSINFO:
        return read_prpsinfo(core, n);
    case NT_SIGINFO:
        keep_siginfo(core, n);
        return MEMSCAPE_OK;
    case NT_AUXV:
        keep_auxv(core, n);
        return MEMSCAPE_OK;
    case NT_FILE:
        keep_nt_file(core, n);
        return MEMSCAPE_OK;
    default:
        return MEMSCAPE_OK;
    }
}

static memscape_status read_note(elf_core *core, const elf_note *n)
{
    memscape_system *sys = &core->space->system;
    if (owner_is(n, "CORE"))
        return read_linux_note(core, n);
    if (owner_is(n, "NetBSD-CORE")) {
        sys->os = MEMSCAPE_OS_NETBSD;
        if (n->type == NETBSD_CORE_PROCINFO)
            return read_netbsd_procinfo(core, n);
        if (n->type == NETBSD_CORE_AUXV)
            keep_auxv(core, n);
        return MEMSCAPE_OK;
    }
    if (owner_starts(n, "NetBSD-CORE@")) {
        sys->os = MEMSCAPE_OS_NETBSD;
        return read_netbsd_lwp(core, n);
    }
    if (owner_is(n, "FreeBSD")) {
        sys->os = MEMSCAPE_OS_FREEBSD;
        if (n->type == NT_PRSTATUS)
            return read_freebsd_prstatus(core, n);
        if (n->type == NT_PRPSINFO)
            return read_prpsinfo(core, n);
        if (n->type == NT_AUXV)
            keep_auxv(core, n);
    }
    return MEMSCAPE_OK;
}

static uint64_t pad4(uint64_t n)
{
    return (n + 3u) & ~(uint64_t)3u;
}

memscape_status memscape_elf_walk_notes(elf_core *core, uint64_t off, uint64_t len,
                                        uint64_t declared_len)
{
    uint64_t end = off + len; /* the caller checked that [off, off+len) lies in the file */
    uint64_t pos = off;
    while (end - pos >= NOTE_HEADER_SIZE) {
        uint64_t namesz = memscape_cursor_uint_at(&core->file, pos, 4);
        uint64_t descsz = memscape_cursor_uint_at(&core->file, pos + 4, 4);
        if (descsz > core->space->limits.max_note_size)
            return memscape_fail(core->err, MEMSCAPE_ELIMIT, pos + 4,
                                 "note at 0x%llx: descsz 0x%llx exceeds limits.max_note_size "
                                 "(0x%x)", (unsigned long long)pos,
                                 (unsigned long long)descsz, core->space->limits.max_note_size);
        uint64_t name_at = pos + NOTE_HEADER_SIZE;
        uint64_t left = end - name_at;
        /* namesz and descsz are 32-bit: pad4 and the sums stay far below 2^64. */
        if (pad4(namesz) > left || descsz > left - pad4(namesz)) {
            if (len < declared_len) {
                memscape_space_warn(core->space, pos,
                                    "note at 0x%llx runs past the end of the file; the notes "
                                    "from here on are missing", (unsigned long long)pos);
                return MEMSCAPE_OK;
            }
            return memscape_fail(core->err, MEMSCAPE_ECORRUPT, pos,
                                 "note at 0x%llx: namesz 0x%llx and descsz 0x%llx run past its "
                                 "PT_NOTE segment (0x%llx bytes left)", (unsigned long long)pos,
                                 (unsigned long long)namesz, (unsigned long long)descsz,
                                 (unsigned long long)left);
        }
        elf_note n;
        n.header_at = pos;
        n.name = core->file.file + name_at;
        n.name_len = (size_t)namesz;
        while (n.name_len > 0 && n.name[n.name_len - 1] == '\0')
            n.name_len--;
        n.type = (uint32_t)memscape_cursor_uint_at(&core->file, pos + 8, 4);
        n.desc_at = name_at + pad4(namesz);
        n.desc_size = descsz;
        memscape_status st = read_note(core, &n);
        if (st != MEMSCAPE_OK)
            return st;
        /* The last note's padding may be missing: the segment then simply ends. */
        if (pad4(descsz) > end - n.desc_at)
            break;
        pos = n.desc_at + pad4(descsz);
    }
    return MEMSCAPE_OK;
}

/* ---- the signal -------------------------------------------------------------------------- */

/* siginfo_t: int si_signo, si_errno, si_code (MIPS swaps them: si_signo, si_code, si_errno);
 * the union (si_addr first) is aligned to a long, so si_addr is at 16 on 64-bit and 12 on
 * 32-bit. */
static void read_siginfo(elf_core *core, uint64_t at, uint64_t size, memscape_exception *e)
{
    uint64_t addr_off = core->is64 ? 16u : 12u;
    uint64_t code_off = core->machine == ELF_EM_MIPS ? 4u : 8u;
    if (size < 12) {
        memscape_space_warn(core->space, at, "NT_SIGINFO of 0x%llx bytes has no si_code",
                            (unsigned long long)size);
        return;
    }
    e->flags = (uint32_t)memscape_cursor_uint_at(&core->file, at + code_off, 4);
    if (size >= addr_off + core->word)
        e->address = memscape_cursor_uint_at(&core->file, at + addr_off, core->word);
}

static void linux_exception(elf_core *core)
{
    const elf_signal *s = &core->signal;
    const memscape_thread *t = MEMSCAPE_VEC_AT(&core->space->threads, memscape_thread,
                                               s->thread_index);
    memscape_exception e = {0};
    e.thread_id = t->id;
    e.code = t->signal;
    e.is_signal = 1;
    /* parameters stay empty: si_errno is 0 for every signal the kernel dumps core for. */
    if (s->has_own_siginfo)
        read_siginfo(core, s->own_siginfo_at, s->own_siginfo_size, &e);
    else if (s->has_first_siginfo)
        read_siginfo(core, s->first_siginfo_at, s->first_siginfo_size, &e);
    e.has_context = t->has_context;
    e.pc = t->pc;
    e.sp = t->sp;
    memscape_space_set_exception(core->space, &e);
}

static void netbsd_exception(elf_core *core)
{
    const elf_signal *s = &core->signal;
    memscape_exception e = {0};
    e.thread_id = s->netbsd_siglwp;
    e.code = s->netbsd_signo;
    e.flags = s->netbsd_sigcode;
    e.is_signal = 1;
    memscape_thread *t = memscape_space_thread_by_id(core->space, s->netbsd_siglwp);
    if (t) {
        t->signal = s->netbsd_signo;
        e.has_context = t->has_context;
        e.pc = t->pc;
        e.sp = t->sp;
    }
    memscape_space_set_exception(core->space, &e);
}

memscape_status memscape_elf_finish_notes(elf_core *core)
{
    const elf_signal *s = &core->signal;
    if (s->netbsd_procinfo) {
        if (s->netbsd_signo != 0)
            netbsd_exception(core);
    } else if (s->found) {
        linux_exception(core);
    }
    return MEMSCAPE_OK;
}
