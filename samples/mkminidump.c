/* SPDX-License-Identifier: MIT */
/* mkminidump: write a small, valid Windows x64 minidump, so memscape's minidump input can be
 * tried on a machine without Windows.
 *
 * The process it describes is made up but consistent: sample.exe with ntdll.dll and
 * kernel32.dll loaded, two threads (named "main" and "worker") with stacks, a heap holding text,
 * and an access violation (a write to address 0x10) on the main thread. Streams written:
 * SystemInfo, MiscInfo, ThreadList, ThreadNames, ModuleList, MemoryList, MemoryInfoList and
 * Exception. Layouts follow the Windows SDK's minidumpapiset.h / winnt.h (MINIDUMP_* structures,
 * CONTEXT for AMD64); offsets are noted where a structure is written.
 *
 * Usage: mkminidump [OUT]      (default: sample.dmp in the current directory) */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a growing little-endian byte buffer ------------------------------------------------ */

typedef struct buffer {
    uint8_t *data;
    size_t size, cap;
} buffer;

static void die(const char *what)
{
    fprintf(stderr, "mkminidump: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Appends n zero bytes and returns where they start. */
static uint32_t grow(buffer *b, size_t n)
{
    if (b->size + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->size + n)
            cap *= 2;
        uint8_t *data = realloc(b->data, cap);
        if (!data)
            die("realloc");
        b->data = data;
        b->cap = cap;
    }
    memset(b->data + b->size, 0, n);
    size_t at = b->size;
    b->size += n;
    return (uint32_t)at;
}

static void set_u8(buffer *b, uint32_t at, uint8_t v)
{
    b->data[at] = v;
}

static void set_u16(buffer *b, uint32_t at, uint16_t v)
{
    for (int i = 0; i < 2; i++)
        b->data[at + i] = (uint8_t)(v >> (8 * i));
}

static void set_u32(buffer *b, uint32_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b->data[at + i] = (uint8_t)(v >> (8 * i));
}

static void set_u64(buffer *b, uint32_t at, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b->data[at + i] = (uint8_t)(v >> (8 * i));
}

/* MINIDUMP_STRING: u32 length in bytes of UTF-16LE, the characters, a 16-bit terminator.
 * The names here are ASCII, so each character is one UTF-16 unit. */
static uint32_t put_string(buffer *b, const char *s)
{
    size_t len = strlen(s);
    uint32_t at = grow(b, 4 + 2 * len + 2);
    set_u32(b, at, (uint32_t)(2 * len));
    for (size_t i = 0; i < len; i++)
        set_u16(b, at + 4 + 2 * (uint32_t)i, (uint8_t)s[i]);
    return at;
}

/* ---- the made-up process ---------------------------------------------------------------- */

enum {
    STREAM_THREAD_LIST = 3,
    STREAM_MODULE_LIST = 4,
    STREAM_MEMORY_LIST = 5,
    STREAM_EXCEPTION = 6,
    STREAM_SYSTEM_INFO = 7,
    STREAM_MISC_INFO = 15,
    STREAM_MEMORY_INFO_LIST = 16,
    STREAM_THREAD_NAMES = 24,
    STREAM_COUNT = 8,

    AMD64_CONTEXT_SIZE = 0x4d0,
    STACK_RESERVE = 0x100000,
    STACK_COMMITTED = 0x3000, /* the part of each stack the dump keeps */
    HEAP_RESERVE = 0x100000,
    HEAP_COMMITTED = 0x10000,
    HEAP_CAPTURED = 0x4000
};

/* winnt.h: MEM_* states and types, PAGE_* protections. */
enum {
    MEM_COMMIT = 0x1000, MEM_RESERVE = 0x2000, MEM_FREE = 0x10000,
    MEM_PRIVATE = 0x20000, MEM_IMAGE = 0x1000000,
    PAGE_NOACCESS = 0x01, PAGE_READONLY = 0x02, PAGE_READWRITE = 0x04, PAGE_WRITECOPY = 0x08,
    PAGE_EXECUTE_READ = 0x20, PAGE_EXECUTE_WRITECOPY = 0x80, PAGE_GUARD = 0x100
};

typedef struct module_desc {
    const char *path;
    const char *pdb;
    uint64_t base;
    uint32_t size;
    uint32_t timestamp;
    uint16_t version[4];
    uint8_t guid[16];
} module_desc;

static const module_desc modules[] = {
    {"C:\\Program Files\\memscape\\sample.exe", "sample.pdb", 0x7ff6a1230000ull, 0x25000,
     0x65a1b2c3, {1, 0, 0, 7},
     {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0,
      0x01}},
    {"C:\\Windows\\System32\\ntdll.dll", "ntdll.pdb", 0x7ffb5a3c0000ull, 0x1f8000, 0x5c3ba2d1,
     {10, 0, 19041, 3636},
     {0xa1, 0xa2, 0xa3, 0xa4, 0xb1, 0xb2, 0xc1, 0xc2, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7,
      0xd8}},
    {"C:\\Windows\\System32\\kernel32.dll", "kernel32.pdb", 0x7ffb59e00000ull, 0xbd000, 0x6a7f1e90,
     {10, 0, 19041, 3570},
     {0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1,
      0xf0}},
};
#define MODULE_COUNT (sizeof modules / sizeof modules[0])

typedef struct thread_desc {
    uint32_t id;
    const char *name;
    uint64_t teb;
    uint64_t stack_base; /* lowest address of the reserved stack */
    uint64_t rip;
} thread_desc;

static const thread_desc threads[] = {
    {0x1a2c, "main", 0xe2b4f1e000ull, 0xe2b4e00000ull, 0x7ff6a1231234ull},
    {0x2b40, "worker", 0xe2b4f20000ull, 0xe2b5000000ull, 0x7ffb5a45d0c4ull},
};
#define THREAD_COUNT (sizeof threads / sizeof threads[0])

static const uint64_t heap_base = 0x1f2a0000000ull;
static const uint64_t fault_address = 0x10;

/* The committed top of a thread's stack: what the dump keeps of it. */
static uint64_t stack_captured_start(const thread_desc *t)
{
    return t->stack_base + STACK_RESERVE - STACK_COMMITTED;
}

/* A CONTEXT (AMD64, winnt.h): ContextFlags@0x30, SegCs@0x38, SegSs@0x42, EFlags@0x44,
 * Rsp@0x98, Rbp@0xa0, Rip@0xf8. */
static uint32_t put_context(buffer *b, const thread_desc *t)
{
    uint32_t at = grow(b, AMD64_CONTEXT_SIZE);
    uint64_t rsp = stack_captured_start(t) + STACK_COMMITTED - 0x1f8;
    set_u32(b, at + 0x30, 0x10000b); /* CONTEXT_AMD64 | CONTROL | INTEGER | FLOATING_POINT */
    set_u16(b, at + 0x38, 0x33);
    set_u16(b, at + 0x42, 0x2b);
    set_u32(b, at + 0x44, 0x10246);
    set_u64(b, at + 0x98, rsp);
    set_u64(b, at + 0xa0, rsp + 0x40);
    set_u64(b, at + 0xf8, t->rip);
    return at;
}

/* Bytes for a memory range: a text line repeated, so a viewer shows what the range is. */
static uint32_t put_text_memory(buffer *b, size_t size, const char *line)
{
    uint32_t at = grow(b, size);
    size_t len = strlen(line);
    for (size_t pos = 0; pos + len + 1 <= size; pos += len + 1) {
        memcpy(b->data + at + pos, line, len);
        b->data[at + pos + len] = '\n';
    }
    return at;
}

/* The first page of an image: "MZ", e_lfanew@0x3c and a "PE\0\0" header, as Windows maps it. */
static uint32_t put_image_header(buffer *b)
{
    uint32_t at = grow(b, 0x1000);
    memcpy(b->data + at, "MZ", 2);
    set_u32(b, at + 0x3c, 0x100);
    memcpy(b->data + at + 0x100, "PE\0\0", 4);
    set_u16(b, at + 0x104, 0x8664); /* IMAGE_FILE_MACHINE_AMD64 */
    return at;
}

/* CodeView RSDS record: "RSDS", GUID, age, UTF-8 PDB path with its NUL. */
static uint32_t put_codeview(buffer *b, const module_desc *m, uint32_t *size)
{
    size_t len = strlen(m->pdb) + 1;
    uint32_t at = grow(b, 24 + len);
    memcpy(b->data + at, "RSDS", 4);
    memcpy(b->data + at + 4, m->guid, 16);
    set_u32(b, at + 20, 1);
    memcpy(b->data + at + 24, m->pdb, len);
    *size = (uint32_t)(24 + len);
    return at;
}

typedef struct memory_range {
    uint64_t start;
    uint32_t size;
    uint32_t rva;
} memory_range;

typedef struct blobs {
    uint32_t csd_version;
    uint32_t thread_context[THREAD_COUNT];
    uint32_t thread_name[THREAD_COUNT];
    uint32_t exception_context;
    uint32_t module_name[MODULE_COUNT];
    uint32_t codeview[MODULE_COUNT], codeview_size[MODULE_COUNT];
    memory_range memory[THREAD_COUNT + 2]; /* stacks, heap, sample.exe's header */
} blobs;

static void put_blobs(buffer *b, blobs *o)
{
    char line[96];

    o->csd_version = put_string(b, "");
    for (size_t i = 0; i < THREAD_COUNT; i++) {
        o->thread_context[i] = put_context(b, &threads[i]);
        o->thread_name[i] = put_string(b, threads[i].name);
        snprintf(line, sizeof line, "memscape synthetic minidump: stack of thread %s",
                 threads[i].name);
        o->memory[i] = (memory_range){stack_captured_start(&threads[i]), STACK_COMMITTED,
                                      put_text_memory(b, STACK_COMMITTED, line)};
    }
    o->exception_context = put_context(b, &threads[0]);
    for (size_t i = 0; i < MODULE_COUNT; i++) {
        o->module_name[i] = put_string(b, modules[i].path);
        o->codeview[i] = put_codeview(b, &modules[i], &o->codeview_size[i]);
    }
    o->memory[THREAD_COUNT] = (memory_range){heap_base, HEAP_CAPTURED,
        put_text_memory(b, HEAP_CAPTURED, "memscape synthetic minidump: heap block")};
    o->memory[THREAD_COUNT + 1] = (memory_range){modules[0].base, 0x1000, put_image_header(b)};
}

/* ---- streams ---------------------------------------------------------------------------- */

typedef struct directory {
    uint32_t at; /* of the next entry */
} directory;

static void add_stream(buffer *b, directory *dir, uint32_t type, uint32_t rva)
{
    set_u32(b, dir->at, type);
    set_u32(b, dir->at + 4, (uint32_t)b->size - rva);
    set_u32(b, dir->at + 8, rva);
    dir->at += 12;
}

/* MINIDUMP_SYSTEM_INFO (56): arch@0, level@2, revision@4, processors@6, product@7, major@8,
 * minor@12, build@16, platform@20, CSDVersionRva@24, suite@28, CPU (X86CpuInfo)@32. */
static void put_system_info(buffer *b, directory *dir, const blobs *o)
{
    uint32_t at = grow(b, 56);
    set_u16(b, at, 9); /* PROCESSOR_ARCHITECTURE_AMD64 */
    set_u16(b, at + 2, 6);
    set_u16(b, at + 4, 0x5507);
    set_u8(b, at + 6, 4);
    set_u8(b, at + 7, 1); /* VER_NT_WORKSTATION */
    set_u32(b, at + 8, 10);
    set_u32(b, at + 12, 0);
    set_u32(b, at + 16, 19045);
    set_u32(b, at + 20, 2); /* VER_PLATFORM_WIN32_NT */
    set_u32(b, at + 24, o->csd_version);
    set_u16(b, at + 28, 0x100);
    memcpy(b->data + at + 32, "GenuineIntel", 12);
    add_stream(b, dir, STREAM_SYSTEM_INFO, at);
}

/* MINIDUMP_MISC_INFO (24): size, Flags1 (PROCESS_ID | PROCESS_TIMES), id, create, user, kernel. */
static void put_misc_info(buffer *b, directory *dir)
{
    uint32_t at = grow(b, 24);
    set_u32(b, at, 24);
    set_u32(b, at + 4, 0x1 | 0x2);
    set_u32(b, at + 8, 4242);
    set_u32(b, at + 12, 1700000000);
    set_u32(b, at + 16, 2);
    set_u32(b, at + 20, 1);
    add_stream(b, dir, STREAM_MISC_INFO, at);
}

/* MINIDUMP_THREAD (48): id, suspend, priority class, priority, Teb@16, Stack@24 (start, size,
 * rva), Context@40 (size, rva). */
static void put_thread_list(buffer *b, directory *dir, const blobs *o)
{
    uint32_t at = grow(b, 4 + 48 * THREAD_COUNT);
    set_u32(b, at, THREAD_COUNT);
    for (uint32_t i = 0; i < THREAD_COUNT; i++) {
        uint32_t t = at + 4 + 48 * i;
        set_u32(b, t, threads[i].id);
        set_u32(b, t + 8, 0x20); /* NORMAL_PRIORITY_CLASS */
        set_u64(b, t + 16, threads[i].teb);
        set_u64(b, t + 24, o->memory[i].start);
        set_u32(b, t + 32, o->memory[i].size);
        set_u32(b, t + 36, o->memory[i].rva); /* the same bytes as its MemoryList entry */
        set_u32(b, t + 40, AMD64_CONTEXT_SIZE);
        set_u32(b, t + 44, o->thread_context[i]);
    }
    add_stream(b, dir, STREAM_THREAD_LIST, at);
}

/* MINIDUMP_THREAD_NAME (12, packed): id, RVA64 of a MINIDUMP_STRING. */
static void put_thread_names(buffer *b, directory *dir, const blobs *o)
{
    uint32_t at = grow(b, 4 + 12 * THREAD_COUNT);
    set_u32(b, at, THREAD_COUNT);
    for (uint32_t i = 0; i < THREAD_COUNT; i++) {
        set_u32(b, at + 4 + 12 * i, threads[i].id);
        set_u64(b, at + 8 + 12 * i, o->thread_name[i]);
    }
    add_stream(b, dir, STREAM_THREAD_NAMES, at);
}

/* MINIDUMP_MODULE (108, packed): base@0, size@8, checksum@12, timestamp@16, NameRva@20,
 * VS_FIXEDFILEINFO@24 (signature, struct version, FileVersionMS/LS, ProductVersionMS/LS, flags
 * mask, flags, OS, type, subtype, date MS/LS), CvRecord@76, MiscRecord@84, reserved@92. */
static void put_module_list(buffer *b, directory *dir, const blobs *o)
{
    uint32_t at = grow(b, 4 + 108 * MODULE_COUNT);
    set_u32(b, at, MODULE_COUNT);
    for (uint32_t i = 0; i < MODULE_COUNT; i++) {
        const module_desc *m = &modules[i];
        uint32_t e = at + 4 + 108 * i;
        uint32_t version_ms = (uint32_t)m->version[0] << 16 | m->version[1];
        uint32_t version_ls = (uint32_t)m->version[2] << 16 | m->version[3];
        set_u64(b, e, m->base);
        set_u32(b, e + 8, m->size);
        set_u32(b, e + 12, m->size ^ 0x5a5a); /* any checksum; tools only display it */
        set_u32(b, e + 16, m->timestamp);
        set_u32(b, e + 20, o->module_name[i]);
        set_u32(b, e + 24, 0xfeef04bd);
        set_u32(b, e + 28, 0x10000);
        set_u32(b, e + 32, version_ms);
        set_u32(b, e + 36, version_ls);
        set_u32(b, e + 40, version_ms);
        set_u32(b, e + 44, version_ls);
        set_u32(b, e + 48, 0x3f);
        set_u32(b, e + 56, 0x40004); /* VOS_NT_WINDOWS32 */
        set_u32(b, e + 60, i == 0 ? 1 : 2); /* VFT_APP, VFT_DLL */
        set_u32(b, e + 76, o->codeview_size[i]);
        set_u32(b, e + 80, o->codeview[i]);
    }
    add_stream(b, dir, STREAM_MODULE_LIST, at);
}

/* MINIDUMP_MEMORY_DESCRIPTOR (16): start, size, rva. */
static void put_memory_list(buffer *b, directory *dir, const blobs *o)
{
    uint32_t count = THREAD_COUNT + 2;
    uint32_t at = grow(b, 4 + 16 * count);
    set_u32(b, at, count);
    for (uint32_t i = 0; i < count; i++) {
        set_u64(b, at + 4 + 16 * i, o->memory[i].start);
        set_u32(b, at + 12 + 16 * i, o->memory[i].size);
        set_u32(b, at + 16 + 16 * i, o->memory[i].rva);
    }
    add_stream(b, dir, STREAM_MEMORY_LIST, at);
}

typedef struct region {
    uint64_t base, allocation_base, size;
    uint32_t allocation_protect, state, protect, type;
} region;

/* MINIDUMP_MEMORY_INFO (48): base, allocation base, allocation protect, pad, size, state,
 * protect, type, pad. */
static void put_region(buffer *b, const region *r)
{
    uint32_t at = grow(b, 48);
    set_u64(b, at, r->base);
    set_u64(b, at + 8, r->allocation_base);
    set_u32(b, at + 16, r->allocation_protect);
    set_u64(b, at + 24, r->size);
    set_u32(b, at + 32, r->state);
    set_u32(b, at + 36, r->protect);
    set_u32(b, at + 40, r->type);
}

/* A stack as Windows lays one out: reserved below, a guard page, the committed top. */
static uint32_t put_stack_regions(buffer *b, const thread_desc *t)
{
    uint64_t base = t->stack_base;
    uint64_t guard = stack_captured_start(t) - 0x1000;
    region reserved = {base, base, guard - base, PAGE_READWRITE, MEM_RESERVE, 0, MEM_PRIVATE};
    region guard_page = {guard, base, 0x1000, PAGE_READWRITE, MEM_COMMIT,
                         PAGE_READWRITE | PAGE_GUARD, MEM_PRIVATE};
    region top = {guard + 0x1000, base, STACK_COMMITTED, PAGE_READWRITE, MEM_COMMIT,
                  PAGE_READWRITE, MEM_PRIVATE};
    put_region(b, &reserved);
    put_region(b, &guard_page);
    put_region(b, &top);
    return 3;
}

/* An image as the loader maps it: headers R, .text RX, the rest R, the last page RW. */
static uint32_t put_image_regions(buffer *b, const module_desc *m)
{
    uint64_t text_size = (m->size - 0x2000) / 2 & ~(uint64_t)0xfff;
    uint64_t rdata = m->base + 0x1000 + text_size;
    region parts[] = {
        {m->base, m->base, 0x1000, PAGE_EXECUTE_WRITECOPY, MEM_COMMIT, PAGE_READONLY, MEM_IMAGE},
        {m->base + 0x1000, m->base, text_size, PAGE_EXECUTE_WRITECOPY, MEM_COMMIT,
         PAGE_EXECUTE_READ, MEM_IMAGE},
        {rdata, m->base, m->base + m->size - 0x1000 - rdata, PAGE_EXECUTE_WRITECOPY, MEM_COMMIT,
         PAGE_READONLY, MEM_IMAGE},
        {m->base + m->size - 0x1000, m->base, 0x1000, PAGE_EXECUTE_WRITECOPY, MEM_COMMIT,
         PAGE_WRITECOPY, MEM_IMAGE},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        put_region(b, &parts[i]);
    return (uint32_t)(sizeof parts / sizeof parts[0]);
}

/* MINIDUMP_MEMORY_INFO_LIST: header (SizeOfHeader 16, SizeOfEntry 48, u64 count), entries in
 * address order: the low free page, stacks, heap, images. */
static void put_memory_info_list(buffer *b, directory *dir)
{
    uint32_t at = grow(b, 16);
    uint32_t count = 0;
    region low_free = {0, 0, 0x10000, 0, MEM_FREE, PAGE_NOACCESS, 0};
    region heap = {heap_base, heap_base, HEAP_COMMITTED, PAGE_READWRITE, MEM_COMMIT,
                   PAGE_READWRITE, MEM_PRIVATE};
    region heap_reserved = {heap_base + HEAP_COMMITTED, heap_base, HEAP_RESERVE - HEAP_COMMITTED,
                            PAGE_READWRITE, MEM_RESERVE, 0, MEM_PRIVATE};

    put_region(b, &low_free);
    count++;
    for (size_t i = 0; i < THREAD_COUNT; i++)
        count += put_stack_regions(b, &threads[i]);
    put_region(b, &heap);
    put_region(b, &heap_reserved);
    count += 2;
    /* modules[] is not in address order: sample.exe is lowest, then kernel32, then ntdll. */
    count += put_image_regions(b, &modules[0]);
    count += put_image_regions(b, &modules[2]);
    count += put_image_regions(b, &modules[1]);
    set_u32(b, at, 16);
    set_u32(b, at + 4, 48);
    set_u64(b, at + 8, count);
    add_stream(b, dir, STREAM_MEMORY_INFO_LIST, at);
}

/* MINIDUMP_EXCEPTION_STREAM (168): ThreadId, pad, MINIDUMP_EXCEPTION@8 (code, flags, record,
 * address@24, NumberParameters@32, pad, ExceptionInformation[15]@40), ThreadContext@160. */
static void put_exception(buffer *b, directory *dir, const blobs *o)
{
    uint32_t at = grow(b, 168);
    set_u32(b, at, threads[0].id);
    set_u32(b, at + 8, 0xc0000005); /* EXCEPTION_ACCESS_VIOLATION */
    set_u64(b, at + 24, threads[0].rip);
    set_u32(b, at + 32, 2);
    set_u64(b, at + 40, 1); /* a write */
    set_u64(b, at + 48, fault_address);
    set_u32(b, at + 160, AMD64_CONTEXT_SIZE);
    set_u32(b, at + 164, o->exception_context);
    add_stream(b, dir, STREAM_EXCEPTION, at);
}

static void write_file(const buffer *b, const char *path)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        die(path);
    }
    FILE *f = fopen(tmp, "wb");
    if (!f)
        die(tmp);
    if (fwrite(b->data, 1, b->size, f) != b->size || fclose(f) != 0)
        die(tmp);
    if (rename(tmp, path) != 0)
        die(path);
}

int main(int argc, char **argv)
{
    if (argc > 2) {
        fprintf(stderr, "usage: mkminidump [OUT]\n");
        return 2;
    }
    const char *out = argc == 2 ? argv[1] : "sample.dmp";
    buffer b = {0};
    blobs o;

    /* MINIDUMP_HEADER (32): 'MDMP', version 0xA793 (the high half, the writer's build, 0),
     * stream count, directory RVA, checksum (0: none), TimeDateStamp, Flags (a MINIDUMP_TYPE:
     * 0x800 MiniDumpWithFullMemoryInfo, as the MemoryInfoList stream says). */
    uint32_t header = grow(&b, 32);
    memcpy(b.data + header, "MDMP", 4);
    set_u32(&b, header + 4, 0xa793);
    set_u32(&b, header + 8, STREAM_COUNT);
    set_u32(&b, header + 12, 32);
    set_u32(&b, header + 20, 1700000100);
    set_u64(&b, header + 24, 0x800);
    directory dir = {grow(&b, 12 * STREAM_COUNT)};

    put_blobs(&b, &o);
    put_system_info(&b, &dir, &o);
    put_misc_info(&b, &dir);
    put_thread_list(&b, &dir, &o);
    put_thread_names(&b, &dir, &o);
    put_module_list(&b, &dir, &o);
    put_memory_list(&b, &dir, &o);
    put_memory_info_list(&b, &dir);
    put_exception(&b, &dir, &o);

    write_file(&b, out);
    free(b.data);
    printf("%s\n", out);
    return 0;
}
