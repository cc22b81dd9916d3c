/* SPDX-License-Identifier: MIT */
/* A synthetic ELF core writer: bench/make-big-core.sh's fallback where gcore cannot run.
 *
 * It writes a core of this machine's ELF class, byte order and architecture, laid out the way
 * the Linux kernel and gdb lay theirs out (System V gABI "Program Header", Linux
 * fs/binfmt_elf.c): the ELF header, a PT_NOTE and then one PT_LOAD per mapping; the notes are
 * NT_PRPSINFO and one NT_PRSTATUS per thread, using the structures of <sys/procfs.h>. The
 * memory holds SIZE_MIB MiB in 16 mappings, every page stamped with its mapping and page index,
 * and all of it is really written (no sparse holes), so reading the file costs what reading a
 * real core of that size costs. A real core from gcore is still the better input: it has every
 * note a real process has (NT_FILE, NT_AUXV, NT_SIGINFO, registers).
 *
 * Usage: synthcore OUT [SIZE_MIB]      (default 2048) */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <unistd.h>

#if !defined(__x86_64__) && !defined(__aarch64__)
#error "synthcore knows the ELF machine of x86-64 and AArch64 only"
#endif

enum {
    MAPPING_COUNT = 16,
    THREAD_COUNT = 5,
    PAGE = 4096,
    WRITE_BUFFER = 1 << 20,
    DEFAULT_SIZE_MIB = 2048,
    MAX_SIZE_MIB = 1 << 20
};

/* Where the mappings go: a typical x86-64 user-space mmap area, one mapping per 1 GiB slot. */
static const uint64_t first_mapping = 0x7f0000000000ull;
static const uint64_t mapping_stride = 1ull << 30;

static void die(const char *what)
{
    fprintf(stderr, "synthcore: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void put(FILE *f, const void *data, size_t size)
{
    if (fwrite(data, 1, size, f) != size)
        die("write");
}

static void pad_to(FILE *f, uint64_t offset)
{
    static const unsigned char zeros[PAGE];
    long now = ftell(f);
    if (now < 0)
        die("ftell");
    for (uint64_t at = (uint64_t)now; at < offset;) {
        size_t n = offset - at < sizeof zeros ? (size_t)(offset - at) : sizeof zeros;
        put(f, zeros, n);
        at += n;
    }
}

/* An ELF note: name "CORE" and the descriptor, each padded to 4 bytes (gABI "Note Section"). */
static size_t note_size(size_t desc_size)
{
    return sizeof(Elf64_Nhdr) + 8 + ((desc_size + 3) & ~(size_t)3);
}

static void put_note(FILE *f, uint32_t type, const void *desc, size_t desc_size)
{
    static const char name[8] = "CORE";
    Elf64_Nhdr nh = {.n_namesz = 5, .n_descsz = (Elf64_Word)desc_size, .n_type = type};
    static const char zeros[4];
    put(f, &nh, sizeof nh);
    put(f, name, sizeof name);
    put(f, desc, desc_size);
    put(f, zeros, ((desc_size + 3) & ~(size_t)3) - desc_size);
}

static void write_notes(FILE *f)
{
    struct elf_prpsinfo ps;
    memset(&ps, 0, sizeof ps);
    ps.pr_pid = 4242;
    strncpy(ps.pr_fname, "synthcore", sizeof ps.pr_fname - 1);
    strncpy(ps.pr_psargs, "synthcore (synthetic benchmark core)", sizeof ps.pr_psargs - 1);
    put_note(f, NT_PRPSINFO, &ps, sizeof ps);
    for (int i = 0; i < THREAD_COUNT; i++) {
        struct elf_prstatus st;
        memset(&st, 0, sizeof st);
        st.pr_pid = 4242 + i;
        st.pr_ppid = 1;
        put_note(f, NT_PRSTATUS, &st, sizeof st);
    }
}

static void write_memory(FILE *f, uint64_t per_mapping)
{
    unsigned char *buf = calloc(1, WRITE_BUFFER);
    if (!buf)
        die("calloc");
    for (uint64_t m = 0; m < MAPPING_COUNT; m++) {
        for (uint64_t done = 0; done < per_mapping;) {
            uint64_t n = per_mapping - done < WRITE_BUFFER ? per_mapping - done : WRITE_BUFFER;
            for (uint64_t off = 0; off < n; off += PAGE) {
                uint64_t stamp = (m << 32) | ((done + off) / PAGE);
                memcpy(buf + off, &stamp, sizeof stamp);
            }
            put(f, buf, (size_t)n);
            done += n;
        }
    }
    free(buf);
}

static uint64_t parse_size_mib(const char *text)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end || end == text || text[0] == '-' || v < MAPPING_COUNT || v > MAX_SIZE_MIB) {
        fprintf(stderr, "synthcore: SIZE_MIB must be from %d to %d\n", MAPPING_COUNT,
                MAX_SIZE_MIB);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: synthcore OUT [SIZE_MIB]\n");
        return 2;
    }
    uint64_t size_mib = argc == 3 ? parse_size_mib(argv[2]) : DEFAULT_SIZE_MIB;
    uint64_t per_mapping = size_mib * 1024 * 1024 / MAPPING_COUNT / PAGE * PAGE;
    size_t notes = note_size(sizeof(struct elf_prpsinfo)) +
                   THREAD_COUNT * note_size(sizeof(struct elf_prstatus));
    uint64_t phnum = 1 + MAPPING_COUNT;
    uint64_t notes_at = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
    uint64_t memory_at = (notes_at + notes + PAGE - 1) / PAGE * PAGE;

    FILE *f = fopen(argv[1], "wb");
    if (!f)
        die(argv[1]);
    Elf64_Ehdr eh = {
        .e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT,
                    ELFOSABI_NONE},
        .e_type = ET_CORE,
#if defined(__x86_64__)
        .e_machine = EM_X86_64,
#else
        .e_machine = EM_AARCH64,
#endif
        .e_version = EV_CURRENT,
        .e_phoff = sizeof(Elf64_Ehdr),
        .e_ehsize = sizeof(Elf64_Ehdr),
        .e_phentsize = sizeof(Elf64_Phdr),
        .e_phnum = (Elf64_Half)phnum,
    };
    put(f, &eh, sizeof eh);
    Elf64_Phdr note = {.p_type = PT_NOTE, .p_offset = notes_at, .p_filesz = notes, .p_align = 4};
    put(f, &note, sizeof note);
    for (uint64_t m = 0; m < MAPPING_COUNT; m++) {
        Elf64_Phdr load = {
            .p_type = PT_LOAD,
            .p_flags = m % 2 ? PF_R : PF_R | PF_W,
            .p_offset = memory_at + m * per_mapping,
            .p_vaddr = first_mapping + m * mapping_stride,
            .p_filesz = per_mapping,
            .p_memsz = per_mapping,
            .p_align = PAGE,
        };
        put(f, &load, sizeof load);
    }
    write_notes(f);
    pad_to(f, memory_at);
    write_memory(f, per_mapping);
    if (fclose(f) != 0)
        die(argv[1]);
    return 0;
}
