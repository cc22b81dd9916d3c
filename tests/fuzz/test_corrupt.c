/* SPDX-License-Identifier: MIT */
/* The corruption suite: every corpus dump, damaged in memory three ways, must either open into
 * a space that keeps the model's promises or be refused with a proper error.
 *   truncation  - cut at every structure boundary and at every 4096-byte multiple;
 *   fields      - each length, count, offset and RVA set to 0, 1, 0x7fffffff, 0x80000000,
 *                 0xffffffff (64-bit fields also 2^63 and UINT64_MAX);
 *   bit flips   - 2000 single-bit flips per file from a fixed-seed generator, half of them in
 *                 the first 4 KiB and the metadata.
 * The boundaries and fields come from a small walk of each format written here, apart from the
 * readers (FORMAT_NOTES.md, the minidump and ELF specifications), so a reader's own mistake
 * about where a structure lies cannot hide the cases that would expose it.
 * Usage: test_corrupt <corpus folder>; exits 77 (skipped) when the folder is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_walk.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#define CASE_SECONDS 5u              /* one open + walk; the slowest takes milliseconds */
#define BIT_FLIPS 2000u
#define MAX_RSS_KIB (256u * 1024u)   /* peak memory allowed without sanitizers */
#define MAX_LIST_ENTRIES 4096u       /* entries of one list the walk describes */
#define MAX_REPORTED 12u             /* failures printed per file and kind */

/* ---- growable tables ----------------------------------------------------------------------- */

typedef struct field {
    uint64_t off;
    unsigned width;                  /* 2, 4 or 8 bytes */
    char name[56];
} field;

typedef struct area {
    uint64_t off, len;
} area;

typedef struct layout {
    uint64_t *bounds;
    size_t nbounds, cbounds;
    field *fields;
    size_t nfields, cfields;
    area *meta;                      /* headers, directories, tables, notes: flip bias */
    size_t nmeta, cmeta;
    uint64_t meta_bytes;
    int big_endian;
} layout;

static void *grow(void *items, size_t *cap, size_t need, size_t item)
{
    if (need <= *cap)
        return items;
    size_t cap2 = *cap ? *cap * 2 : 64;
    void *p = realloc(items, cap2 * item);
    if (!p)
        abort();
    *cap = cap2;
    return p;
}

static void add_bound(layout *l, uint64_t off)
{
    l->bounds = grow(l->bounds, &l->cbounds, l->nbounds + 1, sizeof *l->bounds);
    l->bounds[l->nbounds++] = off;
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void add_field(layout *l, uint64_t off, unsigned width, const char *fmt, ...)
{
    l->fields = grow(l->fields, &l->cfields, l->nfields + 1, sizeof *l->fields);
    field *f = &l->fields[l->nfields++];
    f->off = off;
    f->width = width;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->name, sizeof f->name, fmt, ap);
    va_end(ap);
}

static void add_meta(layout *l, uint64_t off, uint64_t len)
{
    if (len == 0)
        return;
    l->meta = grow(l->meta, &l->cmeta, l->nmeta + 1, sizeof *l->meta);
    l->meta[l->nmeta++] = (area){off, len};
    l->meta_bytes += len;
}

/* ---- reading the original file, bounds-checked ------------------------------------------- */

typedef struct input {
    const uint8_t *data;
    uint64_t size;
    int big_endian;
} input;

static int fits(const input *in, uint64_t off, uint64_t len)
{
    return off <= in->size && len <= in->size - off;
}

/* Reads width bytes at off in the file's byte order; 0 when they are not all in the file. */
static uint64_t rd(const input *in, uint64_t off, unsigned width)
{
    if (!fits(in, off, width))
        return 0;
    uint64_t v = 0;
    for (unsigned i = 0; i < width; i++) {
        unsigned shift = in->big_endian ? 8 * (width - 1 - i) : 8 * i;
        v |= (uint64_t)in->data[off + i] << shift;
    }
    return v;
}

static void wr(uint8_t *p, uint64_t v, unsigned width, int big_endian)
{
    for (unsigned i = 0; i < width; i++) {
        unsigned shift = big_endian ? 8 * (width - 1 - i) : 8 * i;
        p[i] = (uint8_t)(v >> shift);
    }
}

/* Bound and metadata area for [off, off+len) when it lies in the file. */
static int add_span(layout *l, const input *in, uint64_t off, uint64_t len, int meta)
{
    if (!fits(in, off, len))
        return 0;
    add_bound(l, off);
    add_bound(l, off + len);
    if (meta)
        add_meta(l, off, len);
    return 1;
}

/* ---- minidump (FORMAT_NOTES.md; MSDN minidumpapiset.h) -------------------------------------- */

/* MINIDUMP_STRING: u32 Length (bytes of UTF-16) + the characters. */
static void md_string(layout *l, const input *in, uint64_t rva, const char *what)
{
    if (rva == 0 || !fits(in, rva, 4))
        return;
    add_field(l, rva, 4, "%s.Length", what);
    add_bound(l, rva);
    add_bound(l, rva + 4);
    add_span(l, in, rva + 4, rd(in, rva, 4), 1);
}

/* MINIDUMP_LOCATION_DESCRIPTOR at off: u32 DataSize; u32 Rva. */
static void md_location(layout *l, const input *in, uint64_t off, int meta, const char *what)
{
    add_field(l, off, 4, "%s.DataSize", what);
    add_field(l, off + 4, 4, "%s.Rva", what);
    add_span(l, in, rd(in, off + 4, 4), rd(in, off, 4), meta);
}

static void md_entry(layout *l, const input *in, uint32_t type, uint64_t e, uint32_t k)
{
    char what[40];
    switch (type) {
    case 3: /* ThreadList: MINIDUMP_THREAD, Stack descriptor at 24, Context at 40 */
    case 8: /* ThreadExList: the same, plus a BackingStore */
        snprintf(what, sizeof what, "thread[%u].Stack", k);
        md_location(l, in, e + 32, 0, what);
        snprintf(what, sizeof what, "thread[%u].Context", k);
        md_location(l, in, e + 40, 1, what);
        break;
    case 4: /* ModuleList: ModuleNameRva at 20, CvRecord at 76 */
        snprintf(what, sizeof what, "module[%u].name", k);
        md_string(l, in, rd(in, e + 20, 4), what);
        snprintf(what, sizeof what, "module[%u].CvRecord", k);
        md_location(l, in, e + 76, 1, what);
        break;
    case 5: /* MemoryList: MINIDUMP_MEMORY_DESCRIPTOR, Memory location at 8 */
        snprintf(what, sizeof what, "memory[%u]", k);
        md_location(l, in, e + 8, 0, what);
        break;
    default:
        break;
    }
}

/* u32 count + packed entries; some writers put 4 bytes of padding after the count. */
static void md_list(layout *l, const input *in, uint32_t type, uint64_t rva, uint64_t size,
                    uint64_t entry, const char *name)
{
    uint64_t n = rd(in, rva, 4);
    add_field(l, rva, 4, "%s.count", name);
    add_bound(l, rva + 4);
    uint64_t first = size == 8 + n * entry ? rva + 8 : rva + 4;
    for (uint64_t k = 0; k < n && k < MAX_LIST_ENTRIES; k++) {
        uint64_t e = first + k * entry;
        if (e + entry > rva + size || !add_span(l, in, e, entry, 1))
            break;
        md_entry(l, in, type, e, (uint32_t)k);
    }
}

/* MemoryInfoList (u32 SizeOfHeader, u32 SizeOfEntry, u64 count), UnloadedModuleList and
 * ThreadInfoList (u32, u32, u32 count), HandleData (u32 x4): entries at SizeOfHeader, stepped
 * by SizeOfEntry. */
static void md_sized_list(layout *l, const input *in, uint32_t type, uint64_t rva, uint64_t size,
                          unsigned count_width, const char *name)
{
    uint64_t hs = rd(in, rva, 4), es = rd(in, rva + 4, 4), n = rd(in, rva + 8, count_width);
    add_field(l, rva, 4, "%s.SizeOfHeader", name);
    add_field(l, rva + 4, 4, "%s.SizeOfEntry", name);
    add_field(l, rva + 8, count_width, "%s.NumberOfEntries", name);
    if (es == 0 || hs > size)
        return;
    add_bound(l, rva + hs);
    for (uint64_t k = 0; k < n && k < MAX_LIST_ENTRIES; k++) {
        uint64_t e = rva + hs + k * es;
        if (e + es > rva + size || !add_span(l, in, e, es, 1))
            break;
        if (type == 14 && es >= 24) { /* MINIDUMP_UNLOADED_MODULE: ModuleNameRva at 20 */
            char what[40];
            snprintf(what, sizeof what, "unloaded[%u].name", (unsigned)k);
            md_string(l, in, rd(in, e + 20, 4), what);
        }
    }
}

/* Memory64List: u64 count, u64 BaseRva, then {u64 Start, u64 DataSize}; the bytes follow
 * one another from BaseRva. */
static void md_memory64(layout *l, const input *in, uint64_t rva, uint64_t size)
{
    uint64_t n = rd(in, rva, 8), data = rd(in, rva + 8, 8);
    add_field(l, rva, 8, "Memory64List.count");
    add_field(l, rva + 8, 8, "Memory64List.BaseRva");
    add_bound(l, rva + 16);
    add_bound(l, data);
    for (uint64_t k = 0; k < n && k < MAX_LIST_ENTRIES; k++) {
        uint64_t e = rva + 16 + k * 16;
        if (e + 16 > rva + size || !add_span(l, in, e, 16, 1))
            break;
        add_field(l, e + 8, 8, "mem64[%u].DataSize", (unsigned)k);
        uint64_t len = rd(in, e + 8, 8);
        if (!fits(in, data, len))
            break;
        data += len;
        add_bound(l, data);
    }
}

/* ThreadNames: u32 count + packed {u32 ThreadId; u64 RvaOfThreadName}. */
static void md_thread_names(layout *l, const input *in, uint64_t rva, uint64_t size)
{
    uint64_t n = rd(in, rva, 4);
    add_field(l, rva, 4, "ThreadNames.count");
    for (uint64_t k = 0; k < n && k < MAX_LIST_ENTRIES; k++) {
        uint64_t e = rva + 4 + k * 12;
        if (e + 12 > rva + size || !add_span(l, in, e, 12, 1))
            break;
        char what[40];
        snprintf(what, sizeof what, "threadname[%u]", (unsigned)k);
        md_string(l, in, rd(in, e + 4, 8), what);
    }
}

static void md_stream(layout *l, const input *in, uint32_t type, uint64_t rva, uint64_t size)
{
    switch (type) {
    case 3:  md_list(l, in, type, rva, size, 48, "ThreadList"); break;
    case 4:  md_list(l, in, type, rva, size, 108, "ModuleList"); break;
    case 5:  md_list(l, in, type, rva, size, 16, "MemoryList"); break;
    case 8:  md_list(l, in, type, rva, size, 64, "ThreadExList"); break;
    case 9:  md_memory64(l, in, rva, size); break;
    case 12: md_sized_list(l, in, type, rva, size, 4, "HandleData"); break;
    case 14: md_sized_list(l, in, type, rva, size, 4, "UnloadedModuleList"); break;
    case 16: md_sized_list(l, in, type, rva, size, 8, "MemoryInfoList"); break;
    case 17: md_sized_list(l, in, type, rva, size, 4, "ThreadInfoList"); break;
    case 24: md_thread_names(l, in, rva, size); break;
    case 7: /* SystemInfo: CSDVersionRva at 24 */
        if (size >= 28)
            md_string(l, in, rd(in, rva + 24, 4), "SystemInfo.CSDVersion");
        break;
    case 6: /* Exception: ThreadContext location at 160 */
        if (size >= 168)
            md_location(l, in, rva + 160, 1, "Exception.ThreadContext");
        break;
    default:
        break;
    }
}

/* Header (32 bytes): Signature, Version, NumberOfStreams@8, StreamDirectoryRva@12, ...;
 * directory entries of 12 bytes: StreamType, DataSize, Rva. */
static void minidump_layout(layout *l, const input *in)
{
    if (!add_span(l, in, 0, 32, 1))
        return;
    add_field(l, 8, 4, "NumberOfStreams");
    add_field(l, 12, 4, "StreamDirectoryRva");
    uint64_t n = rd(in, 8, 4), dir = rd(in, 12, 4);
    for (uint64_t i = 0; i < n && i < MAX_LIST_ENTRIES; i++) {
        uint64_t e = dir + 12 * i;
        if (!add_span(l, in, e, 12, 1))
            break;
        add_field(l, e + 4, 4, "dir[%u].DataSize", (unsigned)i);
        add_field(l, e + 8, 4, "dir[%u].Rva", (unsigned)i);
        uint32_t type = (uint32_t)rd(in, e, 4);
        uint64_t size = rd(in, e + 4, 4), rva = rd(in, e + 8, 4);
        if (size == 0 || !add_span(l, in, rva, size, type != 5 && type != 9))
            continue;
        md_stream(l, in, type, rva, size);
    }
}

/* ---- ELF core (System V gABI; FORMAT_NOTES.md) ---------------------------------------------- */

#define PT_LOAD 1u
#define PT_NOTE 4u
#define PN_XNUM 0xffffu

typedef struct elf_shape {
    int is64;
    unsigned word;                   /* 8 or 4: Elf_Off, Elf_Addr, Elf_Xword sizes */
    unsigned ehsize, phsize, shsize;
} elf_shape;

/* Notes: u32 namesz, descsz, type; name and desc each padded to 4 bytes. */
static void elf_notes(layout *l, const input *in, uint64_t off, uint64_t len, unsigned seg)
{
    uint64_t end = off + len, pos = off;
    for (unsigned k = 0; k < MAX_LIST_ENTRIES && end - pos >= 12; k++) {
        add_bound(l, pos);
        add_field(l, pos, 4, "phdr[%u].note[%u].namesz", seg, k);
        add_field(l, pos + 4, 4, "phdr[%u].note[%u].descsz", seg, k);
        uint64_t name_end = pos + 12 + ((rd(in, pos, 4) + 3) & ~3ull);
        add_bound(l, pos + 12);
        if (name_end > end)
            break;
        add_bound(l, name_end);
        uint64_t descsz = rd(in, pos + 4, 4);
        uint64_t desc_end = name_end + ((descsz + 3) & ~3ull);
        if (name_end + descsz > end)
            break;
        add_bound(l, name_end + descsz);
        add_bound(l, desc_end);
        if (desc_end > end)
            break;
        pos = desc_end;
    }
}

static void elf_phdr(layout *l, const input *in, const elf_shape *s, uint64_t ph, unsigned i)
{
    /* Elf64_Phdr: type@0 flags@4 offset@8 vaddr@16 paddr@24 filesz@32 memsz@40 align@48;
     * Elf32_Phdr: type@0 offset@4 vaddr@8 paddr@12 filesz@16 memsz@20 flags@24 align@28. */
    uint64_t o_off = s->is64 ? 8 : 4, o_vaddr = s->is64 ? 16 : 8;
    uint64_t o_filesz = s->is64 ? 32 : 16, o_memsz = s->is64 ? 40 : 20;
    add_field(l, ph + o_off, s->word, "phdr[%u].p_offset", i);
    add_field(l, ph + o_filesz, s->word, "phdr[%u].p_filesz", i);
    add_field(l, ph + o_memsz, s->word, "phdr[%u].p_memsz", i);
    add_field(l, ph + o_vaddr, s->word, "phdr[%u].p_vaddr", i);
    uint64_t type = rd(in, ph, 4), off = rd(in, ph + o_off, s->word);
    uint64_t filesz = rd(in, ph + o_filesz, s->word);
    if (type != PT_LOAD && type != PT_NOTE)
        return;
    if (!add_span(l, in, off, filesz, type == PT_NOTE))
        return;
    if (type == PT_NOTE)
        elf_notes(l, in, off, filesz, i);
}

static void elf_layout(layout *l, input *in)
{
    if (!fits(in, 0, 16))
        return;
    elf_shape s = {.is64 = in->data[4] == 2};
    in->big_endian = l->big_endian = in->data[5] == 2;
    s.word = s.is64 ? 8 : 4;
    s.ehsize = s.is64 ? 64 : 52;
    s.phsize = s.is64 ? 56 : 32;
    s.shsize = s.is64 ? 64 : 40;
    if (!add_span(l, in, 0, s.ehsize, 1))
        return;
    /* Elf64_Ehdr: phoff@32 shoff@40 phentsize@54 phnum@56 shnum@60;
     * Elf32_Ehdr: phoff@28 shoff@32 phentsize@42 phnum@44 shnum@48. */
    uint64_t o_phoff = s.is64 ? 32 : 28, o_shoff = s.is64 ? 40 : 32;
    uint64_t o_phentsize = s.is64 ? 54 : 42, o_phnum = o_phentsize + 2;
    uint64_t o_shnum = o_phentsize + 6;
    add_field(l, o_phoff, s.word, "e_phoff");
    add_field(l, o_shoff, s.word, "e_shoff");
    add_field(l, o_phentsize, 2, "e_phentsize");
    add_field(l, o_phnum, 2, "e_phnum");
    add_field(l, o_shnum, 2, "e_shnum");
    uint64_t phoff = rd(in, o_phoff, s.word), shoff = rd(in, o_shoff, s.word);
    uint64_t phentsize = rd(in, o_phentsize, 2), phnum = rd(in, o_phnum, 2);
    uint64_t shnum = rd(in, o_shnum, 2);
    for (uint64_t i = 0; i < shnum && i < MAX_LIST_ENTRIES; i++)
        if (!add_span(l, in, shoff + i * s.shsize, s.shsize, 1))
            break;
    if (phnum == PN_XNUM) /* the real count is section header 0's sh_info (@44 / @28) */
        phnum = rd(in, shoff + (s.is64 ? 44 : 28), 4);
    if (phentsize < s.phsize)
        return;
    for (uint64_t i = 0; i < phnum && i < MAX_LIST_ENTRIES; i++) {
        uint64_t ph = phoff + i * phentsize;
        if (!add_span(l, in, ph, phentsize, 1))
            break;
        elf_phdr(l, in, &s, ph, (unsigned)i);
    }
}

/* ---- the cases ----------------------------------------------------------------------------- */

typedef struct corpus_file {
    char name[128];
    uint8_t *data;
    size_t size;
    layout lay;
    size_t cases, opened, refused, no_offset, failures, reported;
    int is_elf;
} corpus_file;

/* What is running, for the SIGALRM handler: a hang is reported by file and mutation. */
static char g_case[256];

static void on_alarm(int sig)
{
    (void)sig;
    static const char head[] = "test_corrupt: TIMEOUT (hang?) in ";
    ssize_t rc = write(2, head, sizeof head - 1);
    rc = write(2, g_case, strnlen(g_case, sizeof g_case));
    rc = write(2, "\n", 1);
    (void)rc;
    _exit(1);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void case_failed(corpus_file *f, const char *fmt, ...)
{
    f->failures++;
    if (f->reported++ >= MAX_REPORTED)
        return;
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    print_error("FAIL %s: %s\n", g_case, why);
}

static int needs_offset(memscape_status st)
{
    return st == MEMSCAPE_EFORMAT || st == MEMSCAPE_ECORRUPT || st == MEMSCAPE_ETRUNCATED;
}

/* Open buf with the default limits and check what comes back. */
static void run_case(corpus_file *f, const uint8_t *buf, size_t size)
{
    char why[512];
    memscape_dump *dump = NULL;
    memscape_error err;
    memset(&err, 0xa5, sizeof err); /* a reader that leaves err unfilled shows up */
    alarm(CASE_SECONDS);
    memscape_status st = memscape_dump_open_memory(&dump, buf, size, NULL, &err);
    f->cases++;
    if (st != MEMSCAPE_OK) {
        f->refused++;
        if (dump)
            case_failed(f, "failed open (%s) wrote *out", memscape_strerror(st));
        else if (fuzz_check_error(st, &err, size, why, sizeof why))
            case_failed(f, "%s", why);
        else if (err.offset == MEMSCAPE_NO_OFFSET) {
            f->no_offset++;
            if (needs_offset(st))
                case_failed(f, "%s without an offset: %s", memscape_strerror(st), err.msg);
        }
    } else {
        f->opened++;
        if (fuzz_walk_space(memscape_dump_space(dump), buf, size, NULL, why, sizeof why))
            case_failed(f, "%s", why);
        memscape_dump_free(dump);
    }
    alarm(0);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void name_case(const corpus_file *f, const char *fmt, ...)
{
    int n = snprintf(g_case, sizeof g_case, "%s: ", f->name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_case + n, sizeof g_case - (size_t)n, fmt, ap);
    va_end(ap);
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void test_corrupt_truncation(void **state)
{
    corpus_file *f = *state;
    layout *l = &f->lay;
    size_t before = f->failures;
    for (uint64_t b = 4096; b < f->size; b += 4096)
        add_bound(l, b);
    qsort(l->bounds, l->nbounds, sizeof *l->bounds, compare_u64);
    name_case(f, "unmodified");
    run_case(f, f->data, f->size);
    uint64_t last = 0;
    for (size_t i = 0; i < l->nbounds; i++) {
        uint64_t b = l->bounds[i];
        if (b == 0 || b >= f->size || b == last)
            continue;
        last = b;
        /* An exact-size copy, so a read past the cut is a heap overflow ASan reports. */
        uint8_t *cut = malloc((size_t)b);
        assert_non_null(cut);
        memcpy(cut, f->data, (size_t)b);
        name_case(f, "truncated to 0x%llx bytes", (unsigned long long)b);
        run_case(f, cut, (size_t)b);
        free(cut);
    }
    assert_int_equal(f->failures - before, 0);
}

static const uint64_t hostile_values[] = {
    0, 1, 0x7fffffffu, 0x80000000u, 0xffffffffu, 0x8000000000000000ull, UINT64_MAX,
};
static const uint64_t hostile_u16[] = {0, 1, 0x7fff, 0x8000, 0xffff};

static void test_corrupt_fields(void **state)
{
    corpus_file *f = *state;
    size_t before = f->failures;
    uint8_t *work = malloc(f->size);
    assert_non_null(work);
    memcpy(work, f->data, f->size);
    for (size_t i = 0; i < f->lay.nfields; i++) {
        const field *fd = &f->lay.fields[i];
        const uint64_t *values = fd->width == 2 ? hostile_u16 : hostile_values;
        size_t nvalues = fd->width == 2 ? 5 : fd->width == 4 ? 5 : 7;
        if (fd->off + fd->width > f->size)
            continue;
        for (size_t v = 0; v < nvalues; v++) {
            wr(work + fd->off, values[v], fd->width, f->lay.big_endian);
            if (memcmp(work + fd->off, f->data + fd->off, fd->width) == 0)
                continue;
            name_case(f, "%s (at 0x%llx) = 0x%llx", fd->name, (unsigned long long)fd->off,
                      (unsigned long long)values[v]);
            run_case(f, work, f->size);
        }
        memcpy(work + fd->off, f->data + fd->off, fd->width);
    }
    free(work);
    assert_int_equal(f->failures - before, 0);
}

/* splitmix64: a fixed seed per file makes every run flip the same bits. */
static uint64_t next_random(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t seed_for(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
    for (; *name; name++)
        h = (h ^ (uint8_t)*name) * 0x100000001b3ull;
    return h;
}

/* Uniform over the file for even draws; odd draws alternate between the first 4 KiB and the
 * metadata areas, where a flip changes what the reader believes rather than a memory byte. */
static uint64_t flip_position(const corpus_file *f, unsigned k, uint64_t *rng)
{
    uint64_t r = next_random(rng);
    if (k % 2 == 0)
        return r % f->size;
    if (k % 4 == 1 || f->lay.meta_bytes == 0)
        return r % (f->size < 4096 ? f->size : 4096);
    uint64_t at = r % f->lay.meta_bytes;
    for (size_t i = 0; i < f->lay.nmeta; i++) {
        if (at < f->lay.meta[i].len)
            return f->lay.meta[i].off + at;
        at -= f->lay.meta[i].len;
    }
    return 0;
}

static void test_corrupt_bit_flips(void **state)
{
    corpus_file *f = *state;
    size_t before = f->failures;
    uint8_t *work = malloc(f->size);
    assert_non_null(work);
    memcpy(work, f->data, f->size);
    uint64_t rng = seed_for(f->name);
    for (unsigned k = 0; k < BIT_FLIPS; k++) {
        uint64_t pos = flip_position(f, k, &rng);
        unsigned bit = (unsigned)(next_random(&rng) & 7u);
        work[pos] ^= (uint8_t)(1u << bit);
        name_case(f, "flip #%u: bit %u of byte 0x%llx", k, bit, (unsigned long long)pos);
        run_case(f, work, f->size);
        work[pos] = f->data[pos];
    }
    free(work);
    assert_int_equal(f->failures - before, 0);
}

/* ---- the corpus ---------------------------------------------------------------------------- */

static corpus_file *g_files;
static size_t g_nfiles;

static int is_dump_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && strcmp(name + n - 4, ".dmp") == 0) ||
           (n > 5 && strcmp(name + n - 5, ".core") == 0);
}

static void load_file(const char *dir, const char *sub, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name);
    FILE *fp = fopen(path, "rb");
    struct stat sb;
    if (!fp || fstat(fileno(fp), &sb) != 0 || sb.st_size <= 0) {
        if (fp)
            fclose(fp);
        return;
    }
    corpus_file *grown = realloc(g_files, (g_nfiles + 1) * sizeof *g_files);
    if (!grown)
        abort();
    g_files = grown;
    corpus_file *f = &g_files[g_nfiles];
    memset(f, 0, sizeof *f);
    f->size = (size_t)sb.st_size;
    f->data = malloc(f->size);
    if (!f->data || fread(f->data, 1, f->size, fp) != f->size) {
        fprintf(stderr, "test_corrupt: cannot read %s\n", path);
        exit(1);
    }
    fclose(fp);
    snprintf(f->name, sizeof f->name, "%s", name);
    input in = {f->data, f->size, 0};
    if (f->size >= 4 && memcmp(f->data, "\177ELF", 4) == 0) {
        f->is_elf = 1;
        elf_layout(&f->lay, &in);
    } else if (f->size >= 4 && memcmp(f->data, "MDMP", 4) == 0) {
        minidump_layout(&f->lay, &in);
    }
    g_nfiles++;
}

static void load_folder(const char *dir, const char *sub)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        if (is_dump_name(names[i]->d_name))
            load_file(dir, sub, names[i]->d_name);
        free(names[i]);
    }
    if (n >= 0)
        free(names);
}

/* Runs last: the summary per file, and the peak memory of everything above. */
static void test_corrupt_summary_and_peak_memory(void **state)
{
    (void)state;
    size_t no_offset = 0;
    for (size_t i = 0; i < g_nfiles; i++) {
        const corpus_file *f = &g_files[i];
        print_message("corrupt: %-48s %6zu cases, %6zu opened, %6zu refused (%zu without "
                      "offset), %zu fields, %zu failures\n", f->name, f->cases, f->opened,
                      f->refused, f->no_offset, f->lay.nfields, f->failures);
        no_offset += f->no_offset;
    }
    print_message("corrupt: %zu refusals without an offset in all\n", no_offset);
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    print_message("corrupt: peak RSS %ld KiB%s\n", ru.ru_maxrss,
                  UNDER_ASAN ? " (ASan shadow included; not checked)" : "");
    if (!UNDER_ASAN)
        assert_in_range(ru.ru_maxrss, 0, MAX_RSS_KIB);
}

int main(int argc, char **argv)
{
    struct stat sb;
    if (argc < 2 || stat(argv[1], &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        printf("SKIP: corpus folder %s is absent (set -Dcorpus_dir)\n",
               argc < 2 ? "(none given)" : argv[1]);
        return 77;
    }
    load_folder(argv[1], "minidump");
    load_folder(argv[1], "elfcore");
    if (g_nfiles == 0) {
        printf("SKIP: no .dmp or .core files under %s\n", argv[1]);
        return 77;
    }
    signal(SIGALRM, on_alarm);

    static void (*const kinds[])(void **) = {
        test_corrupt_truncation, test_corrupt_fields, test_corrupt_bit_flips,
    };
    static const char *const kind_names[] = {
        "test_corrupt_truncation", "test_corrupt_fields", "test_corrupt_bit_flips",
    };
    size_t ntests = g_nfiles * 3 + 1;
    struct CMUnitTest *tests = calloc(ntests, sizeof *tests);
    char (*names)[192] = calloc(ntests, sizeof *names);
    if (!tests || !names)
        return 1;
    for (size_t i = 0; i < g_nfiles; i++)
        for (size_t k = 0; k < 3; k++) {
            size_t t = i * 3 + k;
            snprintf(names[t], sizeof names[t], "%s(%s)", kind_names[k], g_files[i].name);
            tests[t].name = names[t];
            tests[t].test_func = kinds[k];
            tests[t].initial_state = &g_files[i];
        }
    tests[ntests - 1].name = "test_corrupt_summary_and_peak_memory";
    tests[ntests - 1].test_func = test_corrupt_summary_and_peak_memory;
    int failed = _cmocka_run_group_tests("hostile", tests, ntests, NULL, NULL);

    for (size_t i = 0; i < g_nfiles; i++) {
        free(g_files[i].data);
        free(g_files[i].lay.bounds);
        free(g_files[i].lay.fields);
        free(g_files[i].lay.meta);
    }
    free(g_files);
    free(tests);
    free(names);
    return failed;
}
