/* SPDX-License-Identifier: MIT */
/* The ELF core reader: cores built here, in memory, for ELF32/ELF64 in both byte orders.
 *
 * Structure layouts used by the writer below come from the Linux uapi headers (elf.h,
 * elfcore.h, each arch's ptrace.h), NetBSD sys/exec_elf.h and amd64 reg.h, written out here
 * independently of the reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "memscape/memscape.h"

/* ---- a small core writer ----------------------------------------------------------------- */

#define NOTE_SEGMENTS 2
#define MAX_LOADS 8
#define BLOB_MAX 0x2000u

typedef struct blob {
    uint8_t data[BLOB_MAX];
    size_t len;
} blob;

typedef struct load_spec {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t filesz;
    uint32_t flags;          /* PF_R 4, PF_W 2, PF_X 1 */
    uint8_t fill;            /* every byte of its data */
} load_spec;

typedef struct core_spec {
    int is64;
    int be;
    uint16_t machine;
    uint8_t osabi;
    int xnum;                /* e_phnum = PN_XNUM, count in section header 0 */
    int segments;            /* PT_NOTE segments, 0..2 */
    blob notes[NOTE_SEGMENTS];
    load_spec loads[MAX_LOADS];
    int load_count;
} core_spec;

/* Where the writer put things, for tests that patch one field. */
typedef struct built {
    uint8_t *data;
    size_t size;
    size_t phoff;
    size_t shoff;            /* 0 unless xnum */
    size_t ph_at[NOTE_SEGMENTS + MAX_LOADS];
    size_t note_at[NOTE_SEGMENTS];
    size_t load_at[MAX_LOADS];
} built;

static void put(uint8_t *p, unsigned width, uint64_t v, int be)
{
    for (unsigned i = 0; i < width; i++) {
        unsigned shift = be ? 8u * (width - 1 - i) : 8u * i;
        p[i] = (uint8_t)(v >> shift);
    }
}

static unsigned word_of(const core_spec *s)
{
    return s->is64 ? 8u : 4u;
}

static void spec_init(core_spec *s, int is64, int be, uint16_t machine)
{
    memset(s, 0, sizeof *s);
    s->is64 = is64;
    s->be = be;
    s->machine = machine;
    s->segments = 1;
}

/* Append a note (header, name and desc each padded to 4) to a segment; returns its offset in
 * the segment. */
static size_t add_note(core_spec *s, int seg, const char *owner, uint32_t type,
                       const uint8_t *desc, size_t desc_len)
{
    blob *b = &s->notes[seg];
    size_t at = b->len, namesz = strlen(owner) + 1;
    size_t total = 12 + ((namesz + 3) & ~(size_t)3) + ((desc_len + 3) & ~(size_t)3);
    assert_true(at + total <= BLOB_MAX);
    memset(b->data + at, 0, total);
    put(b->data + at, 4, namesz, s->be);
    put(b->data + at + 4, 4, desc_len, s->be);
    put(b->data + at + 8, 4, type, s->be);
    memcpy(b->data + at + 12, owner, namesz);
    if (desc_len)
        memcpy(b->data + at + 12 + ((namesz + 3) & ~(size_t)3), desc, desc_len);
    b->len += total;
    return at;
}

static void add_load(core_spec *s, uint64_t vaddr, uint64_t memsz, uint64_t filesz,
                     uint32_t flags, uint8_t fill)
{
    assert_true(s->load_count < MAX_LOADS);
    s->loads[s->load_count++] = (load_spec){vaddr, memsz, filesz, flags, fill};
}

static void put_phdr(const core_spec *s, uint8_t *p, uint32_t type, uint32_t flags,
                     uint64_t offset, uint64_t vaddr, uint64_t filesz, uint64_t memsz)
{
    int be = s->be;
    if (s->is64) {        /* Elf64_Phdr */
        put(p, 4, type, be);
        put(p + 4, 4, flags, be);
        put(p + 8, 8, offset, be);
        put(p + 16, 8, vaddr, be);
        put(p + 32, 8, filesz, be);
        put(p + 40, 8, memsz, be);
    } else {              /* Elf32_Phdr */
        put(p, 4, type, be);
        put(p + 4, 4, offset, be);
        put(p + 8, 4, vaddr, be);
        put(p + 16, 4, filesz, be);
        put(p + 20, 4, memsz, be);
        put(p + 24, 4, flags, be);
    }
}

/* Layout: ELF header, program headers (PT_NOTEs first), section header 0 (PN_XNUM only), the
 * note segments, then each PT_LOAD's bytes. */
static built build(const core_spec *s)
{
    built b;
    memset(&b, 0, sizeof b);
    unsigned ehsize = s->is64 ? 64 : 52, phentsize = s->is64 ? 56 : 32;
    unsigned shentsize = s->is64 ? 64 : 40;
    size_t phnum = (size_t)s->segments + (size_t)s->load_count;
    size_t pos = ehsize;
    b.phoff = pos;
    pos += phnum * phentsize;
    if (s->xnum) {
        b.shoff = pos;
        pos += shentsize;
    }
    for (int i = 0; i < s->segments; i++) {
        b.note_at[i] = pos;
        pos += s->notes[i].len;
    }
    for (int i = 0; i < s->load_count; i++) {
        pos = (pos + 15) & ~(size_t)15;
        b.load_at[i] = pos;
        pos += (size_t)s->loads[i].filesz;
    }
    b.size = pos;
    b.data = calloc(1, pos);
    assert_non_null(b.data);
    uint8_t *d = b.data;
    int be = s->be;
    memcpy(d, "\177ELF", 4);
    d[4] = s->is64 ? 2 : 1;
    d[5] = s->be ? 2 : 1;
    d[6] = 1;
    d[7] = s->osabi;
    put(d + 16, 2, 4, be); /* ET_CORE */
    put(d + 18, 2, s->machine, be);
    put(d + 20, 4, 1, be);
    unsigned w = word_of(s);
    put(d + (s->is64 ? 32 : 28), w, b.phoff, be);
    put(d + (s->is64 ? 40 : 32), w, b.shoff, be);
    put(d + (s->is64 ? 52 : 40), 2, ehsize, be);
    put(d + (s->is64 ? 54 : 42), 2, phentsize, be);
    put(d + (s->is64 ? 56 : 44), 2, s->xnum ? 0xffff : phnum, be);
    put(d + (s->is64 ? 58 : 46), 2, s->xnum ? shentsize : 0, be);
    put(d + (s->is64 ? 60 : 48), 2, s->xnum ? 1 : 0, be);
    if (s->xnum)
        put(d + b.shoff + (s->is64 ? 44 : 28), 4, phnum, be);
    size_t ph = 0;
    for (int i = 0; i < s->segments; i++, ph++) {
        b.ph_at[ph] = b.phoff + ph * phentsize;
        put_phdr(s, d + b.ph_at[ph], 4, 0, b.note_at[i], 0, s->notes[i].len, 0);
        memcpy(d + b.note_at[i], s->notes[i].data, s->notes[i].len);
    }
    for (int i = 0; i < s->load_count; i++, ph++) {
        const load_spec *l = &s->loads[i];
        b.ph_at[ph] = b.phoff + ph * phentsize;
        put_phdr(s, d + b.ph_at[ph], 1, l->flags, b.load_at[i], l->vaddr, l->filesz, l->memsz);
        memset(d + b.load_at[i], l->fill, (size_t)l->filesz);
    }
    return b;
}

/* ---- note descriptors -------------------------------------------------------------------- */

#define NT_PRSTATUS 1u
#define NT_PRPSINFO 3u
#define NT_AUXV 6u
#define NT_SIGINFO 0x53494749u
#define NT_FILE 0x46494c45u

/* Register blocks per architecture: pr_reg slots of pc and sp, slot count, slot width. */
typedef struct arch_case {
    const char *what;
    uint16_t machine;
    int is64;
    int be;
    memscape_arch arch;
    unsigned pointer_size;
    unsigned pc_slot;
    unsigned sp_slot;
    unsigned nregs;
    unsigned reg_width;
} arch_case;

static const arch_case arch_cases[] = {
    {"x86_64", 62, 1, 0, MEMSCAPE_ARCH_AMD64, 8, 16, 19, 27, 8},
    {"i386", 3, 0, 0, MEMSCAPE_ARCH_X86, 4, 12, 15, 17, 4},
    {"x32", 62, 0, 0, MEMSCAPE_ARCH_AMD64, 4, 16, 19, 27, 8},
    {"aarch64", 183, 1, 0, MEMSCAPE_ARCH_ARM64, 8, 32, 31, 34, 8},
    {"arm", 40, 0, 0, MEMSCAPE_ARCH_ARM, 4, 15, 13, 18, 4},
    {"armeb", 40, 0, 1, MEMSCAPE_ARCH_ARM, 4, 15, 13, 18, 4},
    {"ppc64", 21, 1, 1, MEMSCAPE_ARCH_PPC64, 8, 32, 1, 48, 8},
    {"ppc64le", 21, 1, 0, MEMSCAPE_ARCH_PPC64, 8, 32, 1, 48, 8},
    {"ppc", 20, 0, 1, MEMSCAPE_ARCH_PPC, 4, 32, 1, 48, 4},
    {"s390x", 22, 1, 1, MEMSCAPE_ARCH_S390X, 8, 1, 17, 27, 8},
    {"mips64", 8, 1, 1, MEMSCAPE_ARCH_MIPS64, 8, 34, 29, 45, 8},
    {"mipsel", 8, 0, 0, MEMSCAPE_ARCH_MIPS, 4, 40, 35, 45, 4},
    {"riscv64", 243, 1, 0, MEMSCAPE_ARCH_RISCV64, 8, 0, 2, 32, 8},
};

static const arch_case *arch_for(const core_spec *s)
{
    for (size_t i = 0; i < sizeof arch_cases / sizeof arch_cases[0]; i++)
        if (arch_cases[i].machine == s->machine && arch_cases[i].is64 == s->is64)
            return &arch_cases[i];
    fail_msg("no register layout for machine %u", s->machine);
    return NULL;
}

/* struct elf_prstatus: pr_cursig at 12, pr_pid at 16 + 2 longs, pr_reg at 112 / 72, then
 * pr_fpvalid. x32 has the 32-bit header with 8-byte registers. */
static size_t make_prstatus(const core_spec *s, uint8_t *out, uint32_t pid, uint16_t cursig,
                            uint16_t si_signo, uint64_t pc, uint64_t sp)
{
    const arch_case *a = arch_for(s);
    unsigned w = word_of(s), reg_off = s->is64 ? 112 : 72;
    size_t size = reg_off + (size_t)a->nregs * a->reg_width + 4;
    size = (size + 7) & ~(size_t)7;
    memset(out, 0, size);
    put(out, 4, si_signo, s->be);
    put(out + 12, 2, cursig, s->be);
    put(out + 16 + 2 * w, 4, pid, s->be);
    put(out + reg_off + a->pc_slot * a->reg_width, a->reg_width, pc, s->be);
    put(out + reg_off + a->sp_slot * a->reg_width, a->reg_width, sp, s->be);
    return size;
}

static size_t add_prstatus(core_spec *s, int seg, uint32_t pid, uint16_t cursig, uint64_t pc,
                           uint64_t sp)
{
    uint8_t desc[0x400];
    size_t n = make_prstatus(s, desc, pid, cursig, cursig, pc, sp);
    return add_note(s, seg, "CORE", NT_PRSTATUS, desc, n);
}

/* struct elf_prpsinfo: 136 bytes on 64-bit, 124 on i386/arm; pr_pid 16 bytes before
 * pr_fname[16], then pr_psargs[80] last. */
static size_t add_prpsinfo(core_spec *s, int seg, uint32_t pid, const char *fname,
                           const char *psargs)
{
    uint8_t desc[136] = {0};
    size_t size = s->is64 ? 136 : 124;
    put(desc + size - 112, 4, pid, s->be);
    memcpy(desc + size - 96, fname, strlen(fname));
    memcpy(desc + size - 80, psargs, strlen(psargs));
    return add_note(s, seg, "CORE", NT_PRPSINFO, desc, size);
}

/* siginfo_t: si_signo, si_errno, si_code, then si_addr at 16 (64-bit) / 12 (32-bit). */
static size_t add_siginfo(core_spec *s, int seg, int32_t signo, int32_t code, uint64_t addr)
{
    uint8_t desc[128] = {0};
    put(desc, 4, (uint32_t)signo, s->be);
    put(desc + 8, 4, (uint32_t)code, s->be);
    put(desc + (s->is64 ? 16 : 12), word_of(s), addr, s->be);
    return add_note(s, seg, "CORE", NT_SIGINFO, desc, sizeof desc);
}

typedef struct file_map {
    uint64_t start, end, file_ofs;
    const char *path;
} file_map;

/* NT_FILE: long count, page_size; count x {start, end, file_ofs}; count paths. */
static size_t add_nt_file(core_spec *s, int seg, uint64_t page_size, const file_map *m,
                          size_t count)
{
    uint8_t desc[0x800] = {0};
    unsigned w = word_of(s);
    size_t pos = 0;
    put(desc, w, count, s->be);
    put(desc + w, w, page_size, s->be);
    pos = 2 * w;
    for (size_t i = 0; i < count; i++, pos += 3 * w) {
        put(desc + pos, w, m[i].start, s->be);
        put(desc + pos + w, w, m[i].end, s->be);
        put(desc + pos + 2 * w, w, m[i].file_ofs, s->be);
    }
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(m[i].path) + 1;
        assert_true(pos + n <= sizeof desc);
        memcpy(desc + pos, m[i].path, n);
        pos += n;
    }
    return add_note(s, seg, "CORE", NT_FILE, desc, pos);
}

/* ---- opening ----------------------------------------------------------------------------- */

typedef struct opened {
    built b;
    memscape_dump *dump;
    const memscape_space *space;
} opened;

static opened open_ok(const core_spec *s)
{
    opened o;
    o.b = build(s);
    memscape_error err = {0};
    memscape_status st = memscape_dump_open_memory(&o.dump, o.b.data, o.b.size, NULL, &err);
    if (st != MEMSCAPE_OK)
        fail_msg("open failed: %s (offset 0x%llx)", err.msg, (unsigned long long)err.offset);
    o.space = memscape_dump_space(o.dump);
    return o;
}

static void close_opened(opened *o)
{
    memscape_dump_free(o->dump);
    free(o->b.data);
}

static size_t warning_count(const memscape_space *space)
{
    size_t n, total;
    memscape_space_warnings(space, &n, &total);
    return total;
}

/* ---- probe ------------------------------------------------------------------------------- */

static void test_elf_core_probe_wants_et_core(void **state)
{
    (void)state;
    core_spec s;
    spec_init(&s, 1, 0, 62);
    built b = build(&s);
    memscape_dump *d = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_dump_open_memory(&d, b.data, b.size, NULL, &err), MEMSCAPE_OK);
    assert_int_equal(memscape_space_system(memscape_dump_space(d))->format,
                     MEMSCAPE_FORMAT_ELF_CORE);
    memscape_dump_free(d);
    /* An executable (ET_EXEC) and a shared object (ET_DYN) are not cores. */
    for (uint16_t type = 2; type <= 3; type++) {
        put(b.data + 16, 2, type, 0);
        assert_int_equal(memscape_dump_open_memory(&d, b.data, b.size, NULL, &err),
                         MEMSCAPE_EFORMAT);
    }
    free(b.data);
}

/* ---- system, threads, classes and byte orders -------------------------------------------- */

static void check_class_and_order(int is64, int be)
{
    core_spec s;
    uint16_t machine = is64 ? (be ? 21 : 62) : (be ? 20 : 3);
    spec_init(&s, is64, be, machine);
    const arch_case *a = arch_for(&s);
    uint64_t stack = is64 ? 0x7ffd00000000u : 0xbf000000u;
    add_prstatus(&s, 0, 1001, 11, 0x401000, stack + 0x1f00);
    add_prpsinfo(&s, 0, 1000, "crasher", "./crasher --flag   ");
    add_siginfo(&s, 0, 11, 1, 0xdead);
    add_prstatus(&s, 0, 1002, 0, 0x402000, stack + 0x800);
    add_load(&s, 0x400000, 0x3000, 0x3000, 5, 0xaa);
    add_load(&s, stack, 0x2000, 0x2000, 6, 0xbb);
    opened o = open_ok(&s);

    const memscape_system *sys = memscape_space_system(o.space);
    assert_int_equal(sys->format, MEMSCAPE_FORMAT_ELF_CORE);
    assert_int_equal(sys->os, MEMSCAPE_OS_LINUX);
    assert_int_equal(sys->arch, a->arch);
    assert_int_equal(sys->pointer_size, is64 ? 8 : 4);
    assert_int_equal(sys->big_endian, be);
    assert_int_equal(sys->process_id, 1000);
    assert_string_equal(sys->process_name, "crasher");
    assert_string_equal(sys->command_line, "./crasher --flag");

    size_t n;
    const memscape_thread *t = memscape_space_threads(o.space, &n);
    assert_int_equal(n, 2);
    assert_int_equal(t[0].id, 1001);
    assert_int_equal(t[0].signal, 11);
    assert_true(t[0].has_context);
    assert_int_equal(t[0].pc, 0x401000);
    assert_int_equal(t[0].sp, stack + 0x1f00);
    assert_int_equal(t[0].stack_base, stack);
    assert_int_equal(t[0].stack_size, 0x2000);
    assert_int_equal(t[1].id, 1002);
    assert_int_equal(t[1].signal, 0);
    assert_int_equal(t[1].pc, 0x402000);

    const memscape_exception *e = memscape_space_exception(o.space);
    assert_non_null(e);
    assert_int_equal(e->thread_id, 1001);
    assert_int_equal(e->code, 11);
    assert_int_equal(e->flags, 1);
    assert_int_equal(e->address, 0xdead);
    assert_int_equal(e->parameter_count, 0);
    assert_true(e->is_signal);
    assert_true(e->has_context);
    assert_int_equal(e->pc, 0x401000);
    assert_int_equal(e->sp, stack + 0x1f00);

    const memscape_range *r = memscape_space_ranges(o.space, &n);
    assert_int_equal(n, 2);
    assert_int_equal(r[0].base, 0x400000);
    assert_int_equal(r[0].size, 0x3000);
    assert_int_equal(r[0].file_offset, o.b.load_at[0]);
    assert_int_equal(r[1].base, stack);
    assert_int_equal(r[1].file_offset, o.b.load_at[1]);

    uint8_t byte = 0;
    assert_int_equal(memscape_space_read(o.space, stack + 0x10, &byte, 1), 1);
    assert_int_equal(byte, 0xbb);
    const memscape_region *reg = memscape_space_find_region(o.space, stack + 0x1f00);
    assert_non_null(reg);
    assert_int_equal(reg->usage, MEMSCAPE_USAGE_STACK);
    assert_int_equal(reg->type, MEMSCAPE_TYPE_PRIVATE);
    assert_int_equal(reg->protect, MEMSCAPE_PROT_RW);
    assert_int_equal(warning_count(o.space), 0);
    close_opened(&o);
}

static void test_elf_core_classes_and_byte_orders(void **state)
{
    (void)state;
    check_class_and_order(1, 0);
    check_class_and_order(1, 1);
    check_class_and_order(0, 0);
    check_class_and_order(0, 1);
}

static void test_elf_core_pc_sp_every_arch(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof arch_cases / sizeof arch_cases[0]; i++) {
        const arch_case *a = &arch_cases[i];
        core_spec s;
        spec_init(&s, a->is64, a->be, a->machine);
        uint64_t pc = a->pointer_size == 8 ? 0x0000555512345678u : 0x08049abcu;
        uint64_t sp = a->pointer_size == 8 ? 0x00007ffc00001230u : 0x7ff01230u;
        add_prstatus(&s, 0, 77, 6, pc, sp);
        add_load(&s, sp & ~(uint64_t)0xfff, 0x1000, 0x100, 6, 0);
        opened o = open_ok(&s);
        size_t n;
        const memscape_thread *t = memscape_space_threads(o.space, &n);
        const memscape_system *sys = memscape_space_system(o.space);
        if (n != 1 || !t[0].has_context || t[0].pc != pc || t[0].sp != sp ||
            sys->arch != a->arch || sys->pointer_size != a->pointer_size ||
            sys->big_endian != a->be || t[0].stack_base != (sp & ~(uint64_t)0xfff))
            fail_msg("%s: threads %zu pc 0x%llx sp 0x%llx arch %d ptr %u", a->what, n,
                     n ? (unsigned long long)t[0].pc : 0, n ? (unsigned long long)t[0].sp : 0,
                     (int)sys->arch, sys->pointer_size);
        const memscape_exception *e = memscape_space_exception(o.space);
        assert_non_null(e);
        assert_int_equal(e->code, 6);
        assert_int_equal(e->pc, pc);
        close_opened(&o);
    }
}

/* ---- NT_FILE ----------------------------------------------------------------------------- */

static void check_nt_file(int is64, uint64_t page_size)
{
    core_spec s;
    spec_init(&s, is64, 0, is64 ? 62 : 3);
    const file_map maps[] = {
        {0x10000, 0x12000, 0, "/usr/bin/app"},
        {0x12000, 0x13000, 2, "/usr/bin/app"},
        {0x20000, 0x21000, 0, "/usr/share/data.bin"},
        {0x30000, 0x34000, 0, "/lib/libc.so.6"},
        {0x18000, 0x19000, 8, "/usr/bin/app"},
    };
    add_nt_file(&s, 0, page_size, maps, 5);
    add_prstatus(&s, 0, 5, 0, 0x10100, 0x90000);
    add_load(&s, 0x10000, 0x2000, 0x1000, 5, 1);   /* app text: image */
    add_load(&s, 0x12000, 0x1000, 0x1000, 4, 2);   /* app rodata */
    add_load(&s, 0x18000, 0x1000, 0x1000, 6, 3);   /* app data */
    add_load(&s, 0x20000, 0x1000, 0x1000, 4, 4);   /* data file: mapped */
    add_load(&s, 0x30000, 0x4000, 0x0, 5, 5);      /* libc text, nothing captured */
    add_load(&s, 0x90000, 0x1000, 0x1000, 6, 6);   /* anonymous */
    opened o = open_ok(&s);

    size_t n;
    const memscape_module *m = memscape_space_modules(o.space, &n);
    assert_int_equal(n, 3);
    assert_string_equal(m[0].name, "/usr/bin/app");
    assert_int_equal(m[0].base, 0x10000);
    assert_int_equal(m[0].size, 0x19000 - 0x10000);
    assert_string_equal(m[1].name, "/usr/share/data.bin");
    assert_int_equal(m[1].base, 0x20000);
    assert_int_equal(m[1].size, 0x1000);
    assert_string_equal(m[2].name, "/lib/libc.so.6");
    assert_int_equal(m[2].size, 0x4000);

    const memscape_region *r = memscape_space_find_region(o.space, 0x12000);
    assert_non_null(r);
    assert_string_equal(r->name, "/usr/bin/app");
    assert_int_equal(r->type, MEMSCAPE_TYPE_IMAGE);
    assert_int_equal(r->usage, MEMSCAPE_USAGE_IMAGE);
    assert_int_equal(r->protect, MEMSCAPE_PROT_R);
    assert_int_equal(r->module_index, 0);
    r = memscape_space_find_region(o.space, 0x20000);
    assert_non_null(r);
    assert_string_equal(r->name, "/usr/share/data.bin");
    assert_int_equal(r->type, MEMSCAPE_TYPE_MAPPED);
    assert_int_equal(r->usage, MEMSCAPE_USAGE_MAPPED_FILE);
    r = memscape_space_find_region(o.space, 0x31000);
    assert_non_null(r);
    assert_int_equal(r->state, MEMSCAPE_STATE_NOT_CAPTURED);
    assert_int_equal(r->type, MEMSCAPE_TYPE_IMAGE);
    assert_string_equal(r->name, "/lib/libc.so.6");
    r = memscape_space_find_region(o.space, 0x90000);
    assert_non_null(r);
    assert_null(r->name);
    assert_int_equal(r->type, MEMSCAPE_TYPE_PRIVATE);
    assert_int_equal(r->usage, MEMSCAPE_USAGE_STACK);
    close_opened(&o);
}

static void test_elf_core_nt_file_any_page_size(void **state)
{
    (void)state;
    check_nt_file(1, 4096);
    check_nt_file(1, 1);
    check_nt_file(0, 4096);
    check_nt_file(0, 1);
}

/* ---- layout ------------------------------------------------------------------------------ */

/* gdb's gcore leaves read-only text out: a library may be left with only its read-only first
 * mapping. An ELF header at the start of a mapping still makes the file an image; a file that
 * starts with anything else stays a mapped file. */
static void test_elf_core_elf_header_marks_image_without_text(void **state)
{
    (void)state;
    core_spec s;
    spec_init(&s, 1, 0, 62);
    const file_map maps[] = {
        {0x40000, 0x41000, 0, "/lib/libgcored.so"},
        {0x41000, 0x45000, 1, "/lib/libgcored.so"},  /* its text: no PT_LOAD at all */
        {0x50000, 0x51000, 0, "/tmp/notes.txt"},
    };
    add_nt_file(&s, 0, 4096, maps, 3);
    add_prstatus(&s, 0, 9, 0, 0x41100, 0x90000);
    add_load(&s, 0x40000, 0x1000, 0x1000, 4, 0);   /* R, patched below to hold an ELF header */
    add_load(&s, 0x50000, 0x1000, 0x1000, 4, 'x'); /* R, text */
    built b = build(&s);
    memcpy(b.data + b.load_at[0], "\x7f" "ELF", 4);
    memscape_dump *dump;
    memscape_error err = {0};
    assert_int_equal(memscape_dump_open_memory(&dump, b.data, b.size, NULL, &err), MEMSCAPE_OK);
    const memscape_space *space = memscape_dump_space(dump);
    const memscape_region *lib = memscape_space_find_region(space, 0x40000);
    const memscape_region *notes = memscape_space_find_region(space, 0x50000);
    assert_non_null(lib);
    assert_non_null(notes);
    assert_int_equal(lib->type, MEMSCAPE_TYPE_IMAGE);
    assert_int_equal(lib->usage, MEMSCAPE_USAGE_IMAGE);
    assert_int_equal(notes->type, MEMSCAPE_TYPE_MAPPED);
    assert_int_equal(notes->usage, MEMSCAPE_USAGE_MAPPED_FILE);
    memscape_dump_free(dump);
    free(b.data);
}

static void test_elf_core_filesz_below_memsz_is_not_captured(void **state)
{
    (void)state;
    core_spec s;
    spec_init(&s, 1, 0, 62);
    add_load(&s, 0x400000, 0xa8000, 0x1000, 5, 0x11);
    add_load(&s, 0x700000, 0x3000, 0, 0, 0);
    opened o = open_ok(&s);
    size_t n;
    const memscape_region *r = memscape_space_regions(o.space, &n);
    assert_int_equal(n, 3);
    assert_int_equal(r[0].base, 0x400000);
    assert_int_equal(r[0].size, 0x1000);
    assert_int_equal(r[0].state, MEMSCAPE_STATE_COMMITTED);
    assert_int_equal(r[0].file_offset, o.b.load_at[0]);
    assert_int_equal(r[0].protect, MEMSCAPE_PROT_RX);
    assert_int_equal(r[1].base, 0x401000);
    assert_int_equal(r[1].size, 0xa7000);
    assert_int_equal(r[1].state, MEMSCAPE_STATE_NOT_CAPTURED);
    assert_int_equal(r[1].file_offset, MEMSCAPE_NO_OFFSET);
    assert_int_equal(r[2].base, 0x700000);
    assert_int_equal(r[2].state, MEMSCAPE_STATE_NOT_CAPTURED);
    assert_int_equal(r[2].protect, MEMSCAPE_PROT_NOACCESS);
    const memscape_range *rg = memscape_space_ranges(o.space, &n);
    assert_int_equal(n, 1); /* a PT_LOAD without file bytes is no range */
    assert_int_equal(rg[0].size, 0x1000);
    assert_null(memscape_space_exception(o.space));
    close_opened(&o);
}

static void test_elf_core_protection_from_p_flags(void **state)
{
    (void)state;
    static const struct {
        uint32_t flags;
        uint32_t protect;
    } cases[] = {
        {4, MEMSCAPE_PROT_R},  {6, MEMSCAPE_PROT_RW},       {5, MEMSCAPE_PROT_RX},
        {7, MEMSCAPE_PROT_RWX}, {1, MEMSCAPE_PROT_X},       {0, MEMSCAPE_PROT_NOACCESS},
        {2, MEMSCAPE_PROT_RW}, {3, MEMSCAPE_PROT_RWX},
    };
    core_spec s;
    spec_init(&s, 1, 1, 22);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        add_load(&s, 0x100000 * (i + 1), 0x1000, 0x10, cases[i].flags, 0);
    opened o = open_ok(&s);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const memscape_region *r = memscape_space_find_region(o.space, 0x100000 * (i + 1));
        assert_non_null(r);
        assert_int_equal(r->protect, cases[i].protect);
    }
    close_opened(&o);
}

static void test_elf_core_pn_xnum(void **state)
{
    (void)state;
    for (int is64 = 0; is64 <= 1; is64++) {
        core_spec s;
        spec_init(&s, is64, is64, is64 ? 21 : 20);
        s.xnum = 1;
        add_prstatus(&s, 0, 9, 0, 0x1000, 0x2000);
        for (int i = 0; i < 5; i++)
            add_load(&s, 0x100000u * (unsigned)(i + 1), 0x1000, 0x20, 4, (uint8_t)i);
        opened o = open_ok(&s);
        size_t n;
        memscape_space_ranges(o.space, &n);
        assert_int_equal(n, 5);
        memscape_space_threads(o.space, &n);
        assert_int_equal(n, 1);
        close_opened(&o);
    }
}

static void test_elf_core_vsyscall_page_and_no_loads(void **state)
{
    (void)state;
    core_spec s;
    spec_init(&s, 1, 0, 62);
    add_load(&s, 0xffffffffff600000u, 0x1000, 0x1000, 5, 0x90);
    opened o = open_ok(&s);
    size_t n;
    const memscape_range *r = memscape_space_ranges(o.space, &n);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].base, 0xffffffffff600000u);
    assert_int_equal(r[0].size, 0x1000);
    close_opened(&o);

    /* Notes only, like lldb's linux-arm.core: opens with no regions. */
    spec_init(&s, 0, 0, 40);
    add_prstatus(&s, 0, 4660, 11, 0xf, 0xd);
    o = open_ok(&s);
    memscape_space_regions(o.space, &n);
    assert_int_equal(n, 0);
    const memscape_thread *t = memscape_space_threads(o.space, &n);
    assert_int_equal(n, 1);
    assert_int_equal(t[0].stack_base, 0);
    assert_int_equal(t[0].stack_size, 0);
    assert_int_equal(memscape_space_system(o.space)->process_id, 0);
    close_opened(&o);
}

/* ---- notes ------------------------------------------------------------------------------- */

/* Notes in any order, spread over two PT_NOTE segments, give the same result. */
static void test_elf_core_note_order_does_not_matter(void **state)
{
    (void)state;
    const file_map maps[] = {{0x400000, 0x401000, 0, "/bin/true"}};
    for (int order = 0; order < 3; order++) {
        core_spec s;
        spec_init(&s, 1, 0, 62);
        s.segments = 2;
        if (order == 0) {
            add_prstatus(&s, 0, 42, 5, 0x400010, 0x7000);
            add_prpsinfo(&s, 0, 42, "true", "true x");
            add_siginfo(&s, 0, 5, 128, 0);
            add_nt_file(&s, 1, 1, maps, 1);
        } else if (order == 1) { /* angr: PRPSINFO first */
            add_prpsinfo(&s, 0, 42, "true", "true x");
            add_nt_file(&s, 0, 1, maps, 1);
            add_prstatus(&s, 1, 42, 5, 0x400010, 0x7000);
            add_siginfo(&s, 1, 5, 128, 0);
        } else {                /* the signal info before any thread */
            add_nt_file(&s, 1, 1, maps, 1);
            add_siginfo(&s, 0, 5, 128, 0);
            add_prpsinfo(&s, 0, 42, "true", "true x");
            add_prstatus(&s, 1, 42, 5, 0x400010, 0x7000);
        }
        add_load(&s, 0x400000, 0x1000, 0x1000, 5, 0);
        add_load(&s, 0x7000 - 0x1000, 0x2000, 0x2000, 6, 0);
        opened o = open_ok(&s);
        size_t n;
        const memscape_system *sys = memscape_space_system(o.space);
        assert_int_equal(sys->process_id, 42);
        assert_string_equal(sys->command_line, "true x");
        const memscape_module *m = memscape_space_modules(o.space, &n);
        assert_int_equal(n, 1);
        assert_string_equal(m[0].name, "/bin/true");
        const memscape_thread *t = memscape_space_threads(o.space, &n);
        assert_int_equal(n, 1);
        assert_int_equal(t[0].stack_base, 0x6000);
        const memscape_exception *e = memscape_space_exception(o.space);
        assert_non_null(e);
        assert_int_equal(e->thread_id, 42);
        assert_int_equal(e->code, 5);
        assert_int_equal(e->flags, 128);
        close_opened(&o);
    }
}

static void test_elf_core_signal_rules(void **state)
{
    (void)state;
    /* gdb gcore: no thread has a pending signal although NT_SIGINFO says SIGSTOP. */
    core_spec s;
    spec_init(&s, 1, 0, 62);
    add_prstatus(&s, 0, 10, 0, 1, 2);
    add_siginfo(&s, 0, 19, 0, 0);
    add_prstatus(&s, 0, 11, 0, 3, 4);
    add_siginfo(&s, 0, 19, 0, 0);
    opened o = open_ok(&s);
    assert_null(memscape_space_exception(o.space));
    close_opened(&o);

    /* The first thread with a pending signal wins, with the NT_SIGINFO that follows it. */
    spec_init(&s, 1, 0, 62);
    add_prstatus(&s, 0, 10, 0, 1, 2);
    add_siginfo(&s, 0, 19, 0, 0x1111);
    add_prstatus(&s, 0, 11, 7, 3, 4);
    add_siginfo(&s, 0, 7, 2, 0x2222);
    add_prstatus(&s, 0, 12, 9, 5, 6);
    o = open_ok(&s);
    const memscape_exception *e = memscape_space_exception(o.space);
    assert_non_null(e);
    assert_int_equal(e->thread_id, 11);
    assert_int_equal(e->code, 7);
    assert_int_equal(e->flags, 2);
    assert_int_equal(e->address, 0x2222);
    assert_int_equal(e->pc, 3);
    close_opened(&o);

    /* ppc64le: si_signo in prstatus is 0 but pr_cursig is 11; the code is pr_cursig. */
    spec_init(&s, 1, 0, 21);
    uint8_t desc[0x400];
    size_t len = make_prstatus(&s, desc, 28147, 11, 0, 0x10000130, 0x3ffffffff050);
    add_note(&s, 0, "CORE", NT_PRSTATUS, desc, len);
    o = open_ok(&s);
    e = memscape_space_exception(o.space);
    assert_non_null(e);
    assert_int_equal(e->code, 11);
    assert_int_equal(e->address, 0);
    assert_int_equal(e->flags, 0);
    close_opened(&o);
}

/* NetBSD: "NetBSD-CORE" procinfo and one "NetBSD-CORE@<lwp>" group per LWP (amd64 PT_GETREGS
 * is type 33; type 1 under NetBSD-CORE is procinfo, not prstatus). */
static void add_netbsd_lwp(core_spec *s, uint32_t lwp, uint64_t rip, uint64_t rsp)
{
    char owner[32];
    snprintf(owner, sizeof owner, "NetBSD-CORE@%u", lwp);
    uint8_t regs[26 * 8] = {0};
    put(regs + 21 * 8, 8, rip, s->be); /* _REG_RIP */
    put(regs + 24 * 8, 8, rsp, s->be); /* _REG_RSP */
    add_note(s, 0, owner, 33, regs, sizeof regs);
    uint8_t fpregs[512] = {0};
    add_note(s, 0, owner, 35, fpregs, sizeof fpregs);
}

static void test_elf_core_netbsd(void **state)
{
    (void)state;
    core_spec s;
    spec_init(&s, 1, 0, 62);
    s.osabi = 0;
    uint8_t procinfo[160] = {0};
    put(procinfo, 4, 2, 0);          /* cpi_version */
    put(procinfo + 4, 4, 160, 0);    /* cpi_cpisize */
    put(procinfo + 8, 4, 11, 0);     /* cpi_signo */
    put(procinfo + 12, 4, 1, 0);     /* cpi_sigcode */
    put(procinfo + 80, 4, 777, 0);   /* cpi_pid */
    put(procinfo + 120, 4, 2, 0);    /* cpi_nlwps */
    memcpy(procinfo + 124, "nbproc", 6);
    put(procinfo + 156, 4, 2, 0);    /* cpi_siglwp */
    add_note(&s, 0, "NetBSD-CORE", 1, procinfo, sizeof procinfo);
    add_netbsd_lwp(&s, 1, 0x401000, 0x7f7fff000100);
    add_netbsd_lwp(&s, 2, 0x402000, 0x7f7fff000200);
    add_load(&s, 0x7f7fff000000, 0x1000, 0x1000, 6, 0);
    opened o = open_ok(&s);
    const memscape_system *sys = memscape_space_system(o.space);
    assert_int_equal(sys->os, MEMSCAPE_OS_NETBSD);
    assert_int_equal(sys->process_id, 777);
    assert_string_equal(sys->process_name, "nbproc");
    size_t n;
    const memscape_thread *t = memscape_space_threads(o.space, &n);
    assert_int_equal(n, 2);
    assert_int_equal(t[0].id, 1);
    assert_int_equal(t[0].pc, 0x401000);
    assert_int_equal(t[0].sp, 0x7f7fff000100);
    assert_int_equal(t[0].signal, 0);
    assert_int_equal(t[1].id, 2);
    assert_int_equal(t[1].signal, 11);
    assert_int_equal(t[1].stack_base, 0x7f7fff000000);
    const memscape_exception *e = memscape_space_exception(o.space);
    assert_non_null(e);
    assert_int_equal(e->thread_id, 2);
    assert_int_equal(e->code, 11);
    assert_int_equal(e->flags, 1);
    assert_int_equal(e->pc, 0x402000);
    assert_int_equal(memscape_space_regions(o.space, &n)->base, 0x7f7fff000000);
    close_opened(&o);

    /* EI_OSABI 2 alone says NetBSD; FreeBSD notes say FreeBSD. */
    spec_init(&s, 1, 0, 62);
    s.osabi = 2;
    o = open_ok(&s);
    assert_int_equal(memscape_space_system(o.space)->os, MEMSCAPE_OS_NETBSD);
    close_opened(&o);
    spec_init(&s, 1, 0, 62);
    uint8_t fbsd[8] = {0};
    add_note(&s, 0, "FreeBSD", 7, fbsd, sizeof fbsd);
    o = open_ok(&s);
    assert_int_equal(memscape_space_system(o.space)->os, MEMSCAPE_OS_FREEBSD);
    close_opened(&o);
}

/* FreeBSD prstatus_t: pr_cursig at 36, pr_pid at 40, pr_reg (amd64 struct reg: r_rip slot
 * 17, r_rsp slot 20) at 48. */
static void test_elf_core_freebsd_threads(void **state)
{
    (void)state;
    core_spec s;
    spec_init(&s, 1, 0, 62);
    s.osabi = 9;
    uint8_t desc[48 + 22 * 8] = {0};
    put(desc, 4, 1, 0);
    put(desc + 36, 4, 11, 0);
    put(desc + 40, 4, 100123, 0);
    put(desc + 48 + 17 * 8, 8, 0x201000, 0);
    put(desc + 48 + 20 * 8, 8, 0x7fffffffe000, 0);
    add_note(&s, 0, "FreeBSD", NT_PRSTATUS, desc, sizeof desc);
    opened o = open_ok(&s);
    assert_int_equal(memscape_space_system(o.space)->os, MEMSCAPE_OS_FREEBSD);
    size_t n;
    const memscape_thread *t = memscape_space_threads(o.space, &n);
    assert_int_equal(n, 1);
    assert_int_equal(t[0].id, 100123);
    assert_int_equal(t[0].signal, 11);
    assert_int_equal(t[0].pc, 0x201000);
    assert_int_equal(t[0].sp, 0x7fffffffe000);
    const memscape_exception *e = memscape_space_exception(o.space);
    assert_non_null(e);
    assert_int_equal(e->thread_id, 100123);
    assert_int_equal(e->code, 11);
    close_opened(&o);
}

/* Program headers that all point at the same note bytes are read once the file's worth of
 * note bytes is used up, then skipped with a warning. */
static void test_elf_core_repeated_note_segments_are_capped(void **state)
{
    (void)state;
    core_spec s;
    spec_init(&s, 1, 0, 62);
    add_prstatus(&s, 0, 3, 0, 1, 2);
    static const uint8_t filler[0x1000];
    add_note(&s, 0, "CORE", 0x999, filler, sizeof filler);
    for (int i = 0; i < 4; i++)
        add_load(&s, 0x100000u * (unsigned)(i + 1), 0x1000, 0x10, 4, 0);
    built b = build(&s);
    /* Turn the PT_LOADs into copies of the PT_NOTE. */
    for (int i = 1; i <= 4; i++)
        memcpy(b.data + b.ph_at[i], b.data + b.ph_at[0], 56);
    memscape_dump *d = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_dump_open_memory(&d, b.data, b.size, NULL, &err), MEMSCAPE_OK);
    size_t n;
    memscape_space_threads(memscape_dump_space(d), &n);
    assert_int_equal(n, 1);
    assert_int_equal(warning_count(memscape_dump_space(d)), 1);
    memscape_dump_free(d);
    free(b.data);
}

/* Without NT_FILE the executable is named from AT_EXECFN when its string was captured. */
static void test_elf_core_auxv_names_executable(void **state)
{
    (void)state;
    core_spec s;
    spec_init(&s, 1, 0, 62);
    uint8_t auxv[6 * 8] = {0};
    put(auxv, 8, 3, 0);                    /* AT_PHDR */
    put(auxv + 8, 8, 0x400040, 0);
    put(auxv + 16, 8, 31, 0);              /* AT_EXECFN */
    put(auxv + 24, 8, 0x7ff000, 0);
    add_note(&s, 0, "CORE", NT_AUXV, auxv, sizeof auxv);
    add_load(&s, 0x400000, 0x2000, 0x1000, 5, 0);
    add_load(&s, 0x7ff000, 0x1000, 0x10, 6, 0);
    built b = build(&s);
    memcpy(b.data + b.load_at[1], "./prog", 7);
    memscape_dump *d = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_dump_open_memory(&d, b.data, b.size, NULL, &err), MEMSCAPE_OK);
    size_t n;
    const memscape_module *m = memscape_space_modules(memscape_dump_space(d), &n);
    assert_int_equal(n, 1);
    assert_string_equal(m[0].name, "./prog");
    assert_int_equal(m[0].base, 0x400000);
    assert_int_equal(m[0].size, 0x2000);
    const memscape_region *r = memscape_space_find_region(memscape_dump_space(d), 0x400000);
    assert_int_equal(r->type, MEMSCAPE_TYPE_IMAGE);
    assert_string_equal(r->name, "./prog");
    memscape_dump_free(d);
    free(b.data);
}

/* ---- truncated files --------------------------------------------------------------------- */

static void test_elf_core_truncated_file_opens_with_warnings(void **state)
{
    (void)state;
    core_spec s;
    spec_init(&s, 1, 0, 62);
    add_prstatus(&s, 0, 1, 0, 0, 0);
    add_load(&s, 0x10000, 0x1000, 0x1000, 6, 0x5a);
    add_load(&s, 0x20000, 0x1000, 0x1000, 6, 0x5b);
    built b = build(&s);
    memscape_dump *d = NULL;
    memscape_error err = {0};
    /* Cut in the middle of the first PT_LOAD: it is clipped, the second is missing. */
    size_t cut = b.load_at[0] + 0x300;
    assert_int_equal(memscape_dump_open_memory(&d, b.data, cut, NULL, &err), MEMSCAPE_OK);
    const memscape_space *sp = memscape_dump_space(d);
    size_t n;
    const memscape_range *r = memscape_space_ranges(sp, &n);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].size, 0x300);
    assert_int_equal(warning_count(sp), 2);
    const memscape_region *reg = memscape_space_find_region(sp, 0x10400);
    assert_int_equal(reg->state, MEMSCAPE_STATE_NOT_CAPTURED);
    memscape_dump_free(d);
    /* Cut inside the notes: the PT_NOTE is read as far as it goes. */
    cut = b.note_at[0] + 40;
    assert_int_equal(memscape_dump_open_memory(&d, b.data, cut, NULL, &err), MEMSCAPE_OK);
    sp = memscape_dump_space(d);
    memscape_space_threads(sp, &n);
    assert_int_equal(n, 0);
    assert_true(warning_count(sp) >= 3);
    memscape_dump_free(d);
    free(b.data);
}

/* ---- hostile values ---------------------------------------------------------------------- */

enum { EXPECT_OPEN, EXPECT_WARN, EXPECT_FAIL };

/* The core the hostile table patches: two PT_NOTE segments (the second holds only an
 * NT_PRSTATUS whose registers are zero), a large PT_LOAD of which the file holds 0x100 bytes
 * (its p_offset and p_filesz are patched) and a one-page PT_LOAD above it (its p_vaddr and
 * p_memsz are patched). */
typedef struct hostile_base {
    core_spec spec;
    built b;
    size_t file_note;        /* NT_FILE header, absolute */
    size_t last_note;        /* the last note of segment 0 (unknown type, 16 zero bytes) */
    size_t prstatus_note;    /* the NT_PRSTATUS in segment 1 */
} hostile_base;

static void make_hostile_base(hostile_base *h, int is64, int be, int xnum)
{
    core_spec *s = &h->spec;
    spec_init(s, is64, be, is64 ? 62 : 3);
    s->segments = 2;
    s->xnum = xnum;
    add_prpsinfo(s, 0, 100, "victim", "victim -x");
    uint64_t high = is64 ? 0x7f0000000000u : 0x90000000u;
    const file_map maps[] = {{0x10000, 0x11000, 0, "/bin/victim"},
                             {high, high + 0x1000, 1, "/lib/libz.so"}};
    size_t file_rel = add_nt_file(s, 0, 4096, maps, 2);
    uint8_t zeros[16] = {0};
    size_t last_rel = add_note(s, 0, "LINUX", 0x202, zeros, sizeof zeros);
    size_t pr_rel = add_prstatus(s, 1, 100, 0, 0, 0);
    add_load(s, 0x10000, is64 ? 0x100000000u : 0x80000000u, 0x100, 5, 0);
    add_load(s, high, 0x1000, 0x100, 6, 0);
    h->b = build(s);
    h->file_note = h->b.note_at[0] + file_rel;
    h->last_note = h->b.note_at[0] + last_rel;
    h->prstatus_note = h->b.note_at[1] + pr_rel;
}

typedef enum field_id {
    F_E_PHOFF, F_E_PHNUM, F_E_PHENTSIZE, F_E_SHOFF, F_SH_INFO,
    F_LOAD_OFFSET, F_LOAD_FILESZ, F_LOAD1_FILESZ, F_LOAD1_MEMSZ, F_LOAD1_VADDR,
    F_NOTE_OFFSET, F_NOTE_FILESZ, F_NAMESZ, F_DESCSZ,
    F_FILE_COUNT, F_FILE_PAGE_SIZE, F_FILE_START, F_FILE_END, F_FILE_OFS, F_PRSTATUS_DESCSZ,
} field_id;

typedef struct field_loc {
    size_t at;
    unsigned width;
} field_loc;

/* Where a field is in the base core (the reader's offsets are checked against these). */
static field_loc locate(const hostile_base *h, field_id f)
{
    int is64 = h->spec.is64;
    unsigned w = is64 ? 8 : 4;
    const built *b = &h->b;
    size_t load0 = b->ph_at[2], load1 = b->ph_at[3], note0 = b->ph_at[0];
    switch (f) {
    case F_E_PHOFF: return (field_loc){is64 ? 32u : 28u, w};
    case F_E_PHNUM: return (field_loc){is64 ? 56u : 44u, 2};
    case F_E_PHENTSIZE: return (field_loc){is64 ? 54u : 42u, 2};
    case F_E_SHOFF: return (field_loc){is64 ? 40u : 32u, w};
    case F_SH_INFO: return (field_loc){b->shoff + (is64 ? 44u : 28u), 4};
    case F_LOAD_OFFSET: return (field_loc){load0 + (is64 ? 8u : 4u), w};
    case F_LOAD_FILESZ: return (field_loc){load0 + (is64 ? 32u : 16u), w};
    case F_LOAD1_FILESZ: return (field_loc){load1 + (is64 ? 32u : 16u), w};
    case F_LOAD1_MEMSZ: return (field_loc){load1 + (is64 ? 40u : 20u), w};
    case F_LOAD1_VADDR: return (field_loc){load1 + (is64 ? 16u : 8u), w};
    case F_NOTE_OFFSET: return (field_loc){note0 + (is64 ? 8u : 4u), w};
    case F_NOTE_FILESZ: return (field_loc){note0 + (is64 ? 32u : 16u), w};
    case F_NAMESZ: return (field_loc){h->last_note, 4};
    case F_DESCSZ: return (field_loc){h->last_note + 4, 4};
    case F_FILE_COUNT: return (field_loc){h->file_note + 20, w};
    case F_FILE_PAGE_SIZE: return (field_loc){h->file_note + 20 + w, w};
    case F_FILE_START: return (field_loc){h->file_note + 20 + 2 * w, w};
    case F_FILE_END: return (field_loc){h->file_note + 20 + 3 * w, w};
    case F_FILE_OFS: return (field_loc){h->file_note + 20 + 4 * w, w};
    case F_PRSTATUS_DESCSZ: return (field_loc){h->prstatus_note + 4, 4};
    }
    return (field_loc){0, 0};
}

#define BIG UINT64_MAX
/* An expected offset: a field of the base core, or the ELF header field itself. */
typedef struct hostile_case {
    field_id field;
    int xnum;
    uint64_t value;
    int expect;
    memscape_status code;
    field_id at;             /* the field whose offset the error names... */
    int at_note_header;      /* ...or the header of the note holding the field */
} hostile_case;

#define OPEN(f, v) {f, 0, v, EXPECT_OPEN, MEMSCAPE_OK, f, 0}
#define WARN(f, v) {f, 0, v, EXPECT_WARN, MEMSCAPE_OK, f, 0}
#define FAIL(f, v, c, at) {f, 0, v, EXPECT_FAIL, c, at, 0}
#define FAIL_NOTE(f, v, c) {f, 0, v, EXPECT_FAIL, c, f, 1}
#define XOPEN(f, v) {f, 1, v, EXPECT_OPEN, MEMSCAPE_OK, f, 0}
#define XFAIL(f, v, c, at) {f, 1, v, EXPECT_FAIL, c, at, 0}

/* Both classes: values wider than a field are cut to it by the writer, so the 32-bit run
 * sees UINT64_MAX as 0xffffffff; cases whose outcome differs by class are in each table. */
static const hostile_case hostile_common[] = {
    OPEN(F_E_PHOFF, 0),
    OPEN(F_E_PHOFF, 1),
    FAIL(F_E_PHOFF, 0x7fffffff, MEMSCAPE_ETRUNCATED, F_E_PHOFF),
    FAIL(F_E_PHOFF, 0x80000000, MEMSCAPE_ETRUNCATED, F_E_PHOFF),
    FAIL(F_E_PHOFF, 0xffffffff, MEMSCAPE_ETRUNCATED, F_E_PHOFF),
    FAIL(F_E_PHOFF, BIG, MEMSCAPE_ETRUNCATED, F_E_PHOFF),
    OPEN(F_E_PHNUM, 0),
    OPEN(F_E_PHNUM, 1),
    FAIL(F_E_PHNUM, 0x7fff, MEMSCAPE_ETRUNCATED, F_E_PHOFF),
    FAIL(F_E_PHNUM, 0x8000, MEMSCAPE_ETRUNCATED, F_E_PHOFF),
    FAIL(F_E_PHNUM, 0xfffe, MEMSCAPE_ETRUNCATED, F_E_PHOFF),
    FAIL(F_E_PHNUM, 0xffff, MEMSCAPE_ECORRUPT, F_E_SHOFF), /* PN_XNUM with e_shoff 0 */
    FAIL(F_E_PHENTSIZE, 0, MEMSCAPE_ECORRUPT, F_E_PHENTSIZE),
    FAIL(F_E_PHENTSIZE, 1, MEMSCAPE_ECORRUPT, F_E_PHENTSIZE),
    FAIL(F_E_PHENTSIZE, 0x7fff, MEMSCAPE_ECORRUPT, F_E_PHENTSIZE),
    FAIL(F_E_PHENTSIZE, 0x8000, MEMSCAPE_ECORRUPT, F_E_PHENTSIZE),
    FAIL(F_E_PHENTSIZE, 0xffff, MEMSCAPE_ECORRUPT, F_E_PHENTSIZE),
    XFAIL(F_E_SHOFF, 0, MEMSCAPE_ECORRUPT, F_E_SHOFF),
    XFAIL(F_E_SHOFF, 0x7fffffff, MEMSCAPE_ETRUNCATED, F_E_SHOFF),
    XFAIL(F_E_SHOFF, 0x80000000, MEMSCAPE_ETRUNCATED, F_E_SHOFF),
    XFAIL(F_E_SHOFF, 0xffffffff, MEMSCAPE_ETRUNCATED, F_E_SHOFF),
    XFAIL(F_E_SHOFF, BIG, MEMSCAPE_ETRUNCATED, F_E_SHOFF),
    XOPEN(F_SH_INFO, 0),
    XOPEN(F_SH_INFO, 1),
    XFAIL(F_SH_INFO, 0x1000, MEMSCAPE_ETRUNCATED, F_E_PHOFF),
    XFAIL(F_SH_INFO, 0x7fffffff, MEMSCAPE_ELIMIT, F_SH_INFO),
    XFAIL(F_SH_INFO, 0x80000000, MEMSCAPE_ELIMIT, F_SH_INFO),
    XFAIL(F_SH_INFO, 0xffffffff, MEMSCAPE_ELIMIT, F_SH_INFO),
    OPEN(F_LOAD_OFFSET, 0),
    OPEN(F_LOAD_OFFSET, 1),
    WARN(F_LOAD_OFFSET, 0x7fffffff),
    WARN(F_LOAD_OFFSET, 0x80000000),
    WARN(F_LOAD_OFFSET, 0xffffffff),
    WARN(F_LOAD_OFFSET, BIG),
    OPEN(F_LOAD_FILESZ, 0),
    OPEN(F_LOAD_FILESZ, 1),
    WARN(F_LOAD_FILESZ, 0x7fffffff),
    WARN(F_LOAD_FILESZ, 0x80000000),
    OPEN(F_LOAD1_VADDR, 0),
    OPEN(F_LOAD1_VADDR, 1),
    WARN(F_LOAD1_VADDR, 0x7fffffff), /* overlaps the large PT_LOAD: the merge warns */
    WARN(F_LOAD1_VADDR, 0x80000000),
    FAIL(F_LOAD1_MEMSZ, 0, MEMSCAPE_ECORRUPT, F_LOAD1_FILESZ), /* p_filesz > p_memsz */
    FAIL(F_LOAD1_MEMSZ, 1, MEMSCAPE_ECORRUPT, F_LOAD1_FILESZ),
    OPEN(F_LOAD1_MEMSZ, 0x7fffffff),
    OPEN(F_LOAD1_MEMSZ, 0x80000000),
    OPEN(F_LOAD1_MEMSZ, 0xffffffff),
    /* The ELF header read as a note: its magic is a namesz far past the segment. The error
     * names the note header, which is at the patched p_offset itself. */
    FAIL(F_NOTE_OFFSET, 0, MEMSCAPE_ECORRUPT, F_NOTE_OFFSET),
    FAIL(F_NOTE_OFFSET, 1, MEMSCAPE_ECORRUPT, F_NOTE_OFFSET),
    WARN(F_NOTE_OFFSET, 0x7fffffff),
    WARN(F_NOTE_OFFSET, 0x80000000),
    WARN(F_NOTE_OFFSET, 0xffffffff),
    WARN(F_NOTE_OFFSET, BIG),
    OPEN(F_NOTE_FILESZ, 0),
    OPEN(F_NOTE_FILESZ, 1),
    WARN(F_NOTE_FILESZ, 0x7fffffff),
    WARN(F_NOTE_FILESZ, 0x80000000),
    WARN(F_NOTE_FILESZ, 0xffffffff),
    WARN(F_NOTE_FILESZ, BIG),
    OPEN(F_NAMESZ, 0),
    OPEN(F_NAMESZ, 1),
    FAIL_NOTE(F_NAMESZ, 0x7fffffff, MEMSCAPE_ECORRUPT),
    FAIL_NOTE(F_NAMESZ, 0x80000000, MEMSCAPE_ECORRUPT),
    FAIL_NOTE(F_NAMESZ, 0xffffffff, MEMSCAPE_ECORRUPT),
    OPEN(F_DESCSZ, 0),
    OPEN(F_DESCSZ, 1),
    FAIL_NOTE(F_DESCSZ, 0x1000, MEMSCAPE_ECORRUPT),
    FAIL(F_DESCSZ, 0x7fffffff, MEMSCAPE_ELIMIT, F_DESCSZ),
    FAIL(F_DESCSZ, 0x80000000, MEMSCAPE_ELIMIT, F_DESCSZ),
    FAIL(F_DESCSZ, 0xffffffff, MEMSCAPE_ELIMIT, F_DESCSZ),
    OPEN(F_FILE_COUNT, 0),
    OPEN(F_FILE_COUNT, 1),
    FAIL(F_FILE_COUNT, 5, MEMSCAPE_ECORRUPT, F_FILE_COUNT),
    FAIL(F_FILE_COUNT, 0x7fffffff, MEMSCAPE_ECORRUPT, F_FILE_COUNT),
    FAIL(F_FILE_COUNT, 0x80000000, MEMSCAPE_ECORRUPT, F_FILE_COUNT),
    FAIL(F_FILE_COUNT, 0xffffffff, MEMSCAPE_ECORRUPT, F_FILE_COUNT),
    FAIL(F_FILE_COUNT, BIG, MEMSCAPE_ECORRUPT, F_FILE_COUNT),
    OPEN(F_FILE_PAGE_SIZE, 0),
    OPEN(F_FILE_PAGE_SIZE, 1),
    OPEN(F_FILE_PAGE_SIZE, 0x7fffffff),
    OPEN(F_FILE_PAGE_SIZE, 0x80000000),
    OPEN(F_FILE_PAGE_SIZE, 0xffffffff),
    OPEN(F_FILE_PAGE_SIZE, BIG),
    OPEN(F_FILE_START, 0),
    OPEN(F_FILE_START, 1),
    FAIL(F_FILE_START, 0x7fffffff, MEMSCAPE_ECORRUPT, F_FILE_END),
    FAIL(F_FILE_START, 0x80000000, MEMSCAPE_ECORRUPT, F_FILE_END),
    FAIL(F_FILE_START, 0xffffffff, MEMSCAPE_ECORRUPT, F_FILE_END),
    FAIL(F_FILE_START, BIG, MEMSCAPE_ECORRUPT, F_FILE_END),
    FAIL(F_FILE_END, 0, MEMSCAPE_ECORRUPT, F_FILE_END),
    FAIL(F_FILE_END, 1, MEMSCAPE_ECORRUPT, F_FILE_END),
    OPEN(F_FILE_END, 0x7fffffff),
    OPEN(F_FILE_END, 0x80000000),
    OPEN(F_FILE_END, 0xffffffff),
    OPEN(F_FILE_END, BIG),
    OPEN(F_FILE_OFS, 0),
    OPEN(F_FILE_OFS, 1),
    OPEN(F_FILE_OFS, 0x7fffffff),
    OPEN(F_FILE_OFS, 0x80000000),
    OPEN(F_FILE_OFS, 0xffffffff),
    OPEN(F_FILE_OFS, BIG),
    FAIL_NOTE(F_PRSTATUS_DESCSZ, 0, MEMSCAPE_ECORRUPT),
    FAIL_NOTE(F_PRSTATUS_DESCSZ, 1, MEMSCAPE_ECORRUPT),
    WARN(F_PRSTATUS_DESCSZ, 0x28), /* pr_pid but no registers */
    FAIL(F_PRSTATUS_DESCSZ, 0x7fffffff, MEMSCAPE_ELIMIT, F_PRSTATUS_DESCSZ),
    FAIL(F_PRSTATUS_DESCSZ, 0x80000000, MEMSCAPE_ELIMIT, F_PRSTATUS_DESCSZ),
    FAIL(F_PRSTATUS_DESCSZ, 0xffffffff, MEMSCAPE_ELIMIT, F_PRSTATUS_DESCSZ),
};

/* ELF64: the large PT_LOAD has p_memsz 4 GiB, so a p_filesz of 0xffffffff is clipped at
 * the end of the file, and 64-bit sums can pass 2^64. */
static const hostile_case hostile_64[] = {
    WARN(F_LOAD_FILESZ, 0xffffffff),
    FAIL(F_LOAD_FILESZ, BIG, MEMSCAPE_ECORRUPT, F_LOAD_FILESZ),
    WARN(F_LOAD1_VADDR, 0xffffffff), /* inside the 4 GiB PT_LOAD */
    FAIL(F_LOAD1_VADDR, BIG, MEMSCAPE_ECORRUPT, F_LOAD1_MEMSZ),
    FAIL(F_LOAD1_MEMSZ, BIG, MEMSCAPE_ECORRUPT, F_LOAD1_MEMSZ),
};

/* ELF32: the large PT_LOAD has p_memsz 0x80000000; 32-bit fields cannot pass 2^64. */
static const hostile_case hostile_32[] = {
    FAIL(F_LOAD_FILESZ, 0xffffffff, MEMSCAPE_ECORRUPT, F_LOAD_FILESZ),
    OPEN(F_LOAD1_VADDR, 0xffffffff),
};

static void run_hostile_case(int is64, int be, const hostile_case *c)
{
    hostile_base h;
    make_hostile_base(&h, is64, be, c->xnum);
    field_loc loc = locate(&h, c->field);
    put(h.b.data + loc.at, loc.width, c->value, be);
    memscape_dump *d = NULL;
    memscape_error err = {0};
    memscape_status st = memscape_dump_open_memory(&d, h.b.data, h.b.size, NULL, &err);
    const char *cls = is64 ? "ELF64" : "ELF32";
    if (c->expect == EXPECT_FAIL) {
        uint64_t want = c->at_note_header ? locate(&h, c->at).at - (c->at == F_NAMESZ ? 0 : 4)
                                          : locate(&h, c->at).at;
        if (c->field == F_NOTE_OFFSET)
            want = c->value;
        if (st != c->code || err.offset != want)
            fail_msg("%s field %d = 0x%llx: got %d at 0x%llx (%s), want %d at 0x%llx", cls,
                     (int)c->field, (unsigned long long)c->value, (int)st,
                     (unsigned long long)err.offset, err.msg, (int)c->code,
                     (unsigned long long)want);
    } else {
        if (st != MEMSCAPE_OK)
            fail_msg("%s field %d = 0x%llx: got %d at 0x%llx (%s), want it to open", cls,
                     (int)c->field, (unsigned long long)c->value, (int)st,
                     (unsigned long long)err.offset, err.msg);
        size_t warnings = warning_count(memscape_dump_space(d));
        if ((c->expect == EXPECT_WARN) != (warnings > 0))
            fail_msg("%s field %d = 0x%llx: %zu warnings", cls, (int)c->field,
                     (unsigned long long)c->value, warnings);
        memscape_dump_free(d);
    }
    free(h.b.data);
}

static void test_elf_core_hostile_values(void **state)
{
    (void)state;
    for (int be = 0; be <= 1; be++) {
        for (size_t i = 0; i < sizeof hostile_common / sizeof hostile_common[0]; i++) {
            run_hostile_case(1, be, &hostile_common[i]);
            run_hostile_case(0, be, &hostile_common[i]);
        }
        for (size_t i = 0; i < sizeof hostile_64 / sizeof hostile_64[0]; i++)
            run_hostile_case(1, be, &hostile_64[i]);
        for (size_t i = 0; i < sizeof hostile_32 / sizeof hostile_32[0]; i++)
            run_hostile_case(0, be, &hostile_32[i]);
    }
}

/* The unpatched base opens cleanly, so every failure above comes from its one field. */
static void test_elf_core_hostile_base_is_clean(void **state)
{
    (void)state;
    for (int v = 0; v < 8; v++) {
        hostile_base h;
        make_hostile_base(&h, v & 1, (v >> 1) & 1, (v >> 2) & 1);
        memscape_dump *d = NULL;
        memscape_error err = {0};
        assert_int_equal(memscape_dump_open_memory(&d, h.b.data, h.b.size, NULL, &err),
                         MEMSCAPE_OK);
        const memscape_space *sp = memscape_dump_space(d);
        size_t n;
        assert_int_equal(warning_count(sp), 0);
        memscape_space_modules(sp, &n);
        assert_int_equal(n, 2);
        memscape_space_threads(sp, &n);
        assert_int_equal(n, 1);
        memscape_dump_free(d);
        free(h.b.data);
    }
}

static void test_elf_core_limits(void **state)
{
    (void)state;
    hostile_base h;
    make_hostile_base(&h, 1, 0, 0);
    memscape_limits lim = memscape_limits_default();
    memscape_open_options opts = {0};
    opts.limits = &lim;
    memscape_dump *d = NULL;
    memscape_error err = {0};

    lim.max_regions = 3; /* e_phnum is 4 */
    assert_int_equal(memscape_dump_open_memory(&d, h.b.data, h.b.size, &opts, &err),
                     MEMSCAPE_ELIMIT);
    assert_int_equal(err.offset, 56);

    lim = memscape_limits_default();
    lim.max_note_size = 0x100; /* the NT_PRSTATUS desc is 0x150 */
    assert_int_equal(memscape_dump_open_memory(&d, h.b.data, h.b.size, &opts, &err),
                     MEMSCAPE_ELIMIT);
    assert_int_equal(err.offset, h.prstatus_note + 4);

    lim = memscape_limits_default();
    lim.max_modules = 1; /* two distinct paths */
    assert_int_equal(memscape_dump_open_memory(&d, h.b.data, h.b.size, &opts, &err),
                     MEMSCAPE_ELIMIT);
    assert_int_equal(err.offset, h.file_note + 20);

    lim = memscape_limits_default();
    lim.max_threads = 0;
    assert_int_equal(memscape_dump_open_memory(&d, h.b.data, h.b.size, &opts, &err),
                     MEMSCAPE_ELIMIT);
    assert_int_equal(err.offset, h.prstatus_note);
    free(h.b.data);
}

static void test_elf_core_bad_ident(void **state)
{
    (void)state;
    hostile_base h;
    make_hostile_base(&h, 1, 0, 0);
    memscape_dump *d = NULL;
    memscape_error err = {0};
    static const uint8_t bad[] = {0, 3, 0xff};
    for (size_t i = 0; i < sizeof bad; i++) {
        for (unsigned field = 4; field <= 5; field++) {
            uint8_t saved = h.b.data[field];
            h.b.data[field] = bad[i];
            assert_int_equal(memscape_dump_open_memory(&d, h.b.data, h.b.size, NULL, &err),
                             MEMSCAPE_ECORRUPT);
            assert_int_equal(err.offset, field);
            h.b.data[field] = saved;
        }
    }
    /* Shorter than its ELF header. */
    assert_int_equal(memscape_dump_open_memory(&d, h.b.data, 40, NULL, &err),
                     MEMSCAPE_ETRUNCATED);
    assert_int_equal(err.offset, 0);
    free(h.b.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_elf_core_probe_wants_et_core),
        cmocka_unit_test(test_elf_core_classes_and_byte_orders),
        cmocka_unit_test(test_elf_core_pc_sp_every_arch),
        cmocka_unit_test(test_elf_core_nt_file_any_page_size),
        cmocka_unit_test(test_elf_core_elf_header_marks_image_without_text),
        cmocka_unit_test(test_elf_core_filesz_below_memsz_is_not_captured),
        cmocka_unit_test(test_elf_core_protection_from_p_flags),
        cmocka_unit_test(test_elf_core_pn_xnum),
        cmocka_unit_test(test_elf_core_vsyscall_page_and_no_loads),
        cmocka_unit_test(test_elf_core_note_order_does_not_matter),
        cmocka_unit_test(test_elf_core_signal_rules),
        cmocka_unit_test(test_elf_core_netbsd),
        cmocka_unit_test(test_elf_core_freebsd_threads),
        cmocka_unit_test(test_elf_core_repeated_note_segments_are_capped),
        cmocka_unit_test(test_elf_core_auxv_names_executable),
        cmocka_unit_test(test_elf_core_truncated_file_opens_with_warnings),
        cmocka_unit_test(test_elf_core_hostile_base_is_clean),
        cmocka_unit_test(test_elf_core_hostile_values),
        cmocka_unit_test(test_elf_core_limits),
        cmocka_unit_test(test_elf_core_bad_ident),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
