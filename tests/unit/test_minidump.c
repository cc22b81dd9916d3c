/* SPDX-License-Identifier: MIT */
/* The minidump reader, on dumps built here (tests/unit/mdmp_writer.h): every stream decoded,
 * a hostile-value table over every length, count and offset field, padding, unaligned RVAs,
 * the stack-descriptor dedupe, PC/SP for each architecture, Linux streams, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "memscape/dump.h"
#include "mdmp_writer.h"
#include "space_build.h"

/* ---- opening ----------------------------------------------------------------------------- */

static memscape_status open_with(const mdw *w, const memscape_limits *limits,
                                 memscape_dump **dump, memscape_error *err)
{
    memscape_open_options opts = {limits, 0, 0};
    memset(err, 0, sizeof *err);
    return memscape_dump_open_memory(dump, w->b, w->len, &opts, err);
}

static memscape_dump *open_ok(const mdw *w)
{
    memscape_dump *dump = NULL;
    memscape_error err;
    memscape_status st = open_with(w, NULL, &dump, &err);
    if (st != MEMSCAPE_OK)
        fail_msg("open failed: %d at 0x%llx: %s", st, (unsigned long long)err.offset, err.msg);
    return dump;
}

static void expect_error(const mdw *w, const memscape_limits *limits, memscape_status code,
                         uint64_t offset)
{
    memscape_dump *dump = NULL;
    memscape_error err;
    memscape_status st = open_with(w, limits, &dump, &err);
    if (st == MEMSCAPE_OK)
        memscape_dump_free(dump);
    if (st != code || err.offset != offset)
        fail_msg("expected status %d at 0x%llx, got %d at 0x%llx: %s", code,
                 (unsigned long long)offset, st, (unsigned long long)err.offset, err.msg);
}

static size_t warning_count(const memscape_dump *dump)
{
    size_t n, total;
    memscape_space_warnings(memscape_dump_space(dump), &n, &total);
    return total;
}

/* ---- the full dump: one of every stream the reader knows --------------------------------- */

enum field_id {
    F_ABS,                   /* not a field: offsets relative to 0 */
    F_NSTREAMS, F_DIR_RVA,
    F_THREADS_COUNT, F_T0, F_T1,
    F_NAMES_COUNT, F_NAME0,
    F_TINFO,
    F_MODULES_COUNT, F_M0, F_M0_NAME, F_M0_CV,
    F_UNLOADED,
    F_MEMLIST_COUNT, F_MEM1,
    F_MEM64,
    F_MINFO,
    F_EXC,
    F_HANDLES, F_HANDLE0,
    F_CRASHPAD, F_DICT, F_KEY0, F_MODLIST,
    F_COUNT
};

/* Stream types (minidumpapiset.h, Breakpad, Crashpad). */
enum {
    T_THREADS = 3, T_MODULES = 4, T_MEMORY = 5, T_EXCEPTION = 6, T_SYSINFO = 7,
    T_MEMORY64 = 9, T_COMMENT_A = 10, T_COMMENT_W = 11, T_HANDLES = 12, T_UNLOADED = 14,
    T_MISC = 15, T_MEMINFO = 16, T_THREAD_INFO = 17, T_THREAD_NAMES = 24,
    T_LINUX_STATUS = 0x47670004, T_LINUX_CMDLINE = 0x47670006, T_LINUX_MAPS = 0x47670009,
    T_CRASHPAD = 0x43500001,
};

typedef struct full_dump {
    mdw w;
    uint64_t at[F_COUNT];    /* where each field (or structure) is */
    uint32_t min_size[MDW_MAX_STREAMS];
    uint64_t t0_stack_rva, t1_stack_rva, mem1_rva, cv_rva, name_rva, mem64_data;
    uint64_t ctx0_rva, exc_ctx_rva, dict_rva;
} full_dump;

#define CONTEXT_AMD64_SIZE 0x4d0u

/* An AMD64 CONTEXT: ContextFlags@0x30 = CONTEXT_AMD64|FULL, Rsp@0x98, Rip@0xf8. */
static uint64_t put_amd64_context(mdw *w, uint64_t pc, uint64_t sp)
{
    mdw_odd(w);
    uint64_t at = mdw_zeros(w, CONTEXT_AMD64_SIZE);
    mdw_set(w, at + 0x30, 0x10001f, 4);
    mdw_set(w, at + 0x98, sp, 8);
    mdw_set(w, at + 0xf8, pc, 8);
    return at;
}

static void put_system_info(mdw *w, uint16_t arch, uint32_t platform)
{
    uint64_t s = w->len + (w->len % 2 == 0);
    mdw_begin(w, T_SYSINFO);
    mdw_u16(w, arch);
    mdw_u16(w, 6);                /* ProcessorLevel */
    mdw_u16(w, 0x4601);           /* ProcessorRevision */
    mdw_put(w, 4, 1);             /* NumberOfProcessors */
    mdw_put(w, 1, 1);             /* ProductType */
    mdw_u32(w, 10);
    mdw_u32(w, 0);
    mdw_u32(w, 19041);
    mdw_u32(w, platform);
    mdw_u32(w, 0);                /* CSDVersionRva, patched below */
    mdw_zeros(w, 56 - 28);
    mdw_end(w);
    mdw_set(w, s + 24, mdw_string(w, "Service Pack 1"), 4);
}

/* MINIDUMP_THREAD: id, suspend, priority class, priority, teb, stack, context. */
static uint64_t put_thread(mdw *w, uint32_t id, uint64_t teb, uint64_t stack, uint32_t size)
{
    uint64_t at = mdw_u32(w, id);
    mdw_u32(w, 1);
    mdw_u32(w, 0x20);
    mdw_u32(w, 2);
    mdw_u64(w, teb);
    mdw_u64(w, stack);
    mdw_u32(w, size);
    mdw_u32(w, 0);                /* stack rva */
    mdw_u32(w, 0);                /* context size */
    mdw_u32(w, 0);                /* context rva */
    return at;
}

static void put_memory_descriptor(mdw *w, uint64_t base, uint32_t size, uint64_t rva)
{
    mdw_u64(w, base);
    mdw_u32(w, size);
    mdw_u32(w, rva);
}

/* RSDS GUID bytes as stored: Data1 0x5A9832E5, Data2 0x2872, Data3 0x41C1, then Data4. */
static const uint8_t rsds_guid[16] = {0xe5, 0x32, 0x98, 0x5a, 0x72, 0x28, 0xc1, 0x41,
                                      0x83, 0x8e, 0xd9, 0x89, 0x14, 0xe9, 0xb7, 0xff};

static uint64_t put_module(mdw *w, uint64_t base, uint32_t size, uint32_t ts, int version)
{
    uint64_t at = mdw_u64(w, base);
    mdw_u32(w, size);
    mdw_u32(w, 0xabc);            /* CheckSum */
    mdw_u32(w, ts);
    mdw_u32(w, 0);                /* ModuleNameRva */
    uint64_t vs = mdw_zeros(w, 52);
    if (version) {
        mdw_set(w, vs, 0xfeef04bd, 4);
        mdw_set(w, vs + 8, 0x00010002, 4);   /* 1.2 */
        mdw_set(w, vs + 12, 0x00030004, 4);  /* .3.4 */
    }
    mdw_zeros(w, 8 + 8 + 16);     /* CvRecord, MiscRecord, Reserved0/1 */
    return at;
}

static void build_threads(full_dump *d)
{
    mdw *w = &d->w;
    mdw_begin(w, T_THREADS);
    d->min_size[w->count - 1] = 4;
    d->at[F_THREADS_COUNT] = mdw_u32(w, 2);
    d->at[F_T0] = put_thread(w, 0x100, 0x7ff000, 0x10000, 0x100);
    d->at[F_T1] = put_thread(w, 0x200, 0x7fe000, 0x20000, 0x80);
    mdw_end(w);
    d->ctx0_rva = put_amd64_context(w, 0x401000, 0x10010);
    mdw_set(w, d->at[F_T0] + 40, CONTEXT_AMD64_SIZE, 4);
    mdw_set(w, d->at[F_T0] + 44, d->ctx0_rva, 4);
    uint64_t ctx1 = put_amd64_context(w, 0x7ff00100, 0x20008);
    mdw_set(w, d->at[F_T1] + 40, CONTEXT_AMD64_SIZE, 4);
    mdw_set(w, d->at[F_T1] + 44, ctx1, 4);
    /* Thread 0's stack bytes are MemoryList entry 0 (same rva); thread 1's are in no list. */
    mdw_odd(w);
    d->t0_stack_rva = mdw_zeros(w, 0x100);
    w->b[d->t0_stack_rva] = 0x5a;
    mdw_set(w, d->at[F_T0] + 36, d->t0_stack_rva, 4);
    mdw_odd(w);
    d->t1_stack_rva = mdw_zeros(w, 0x80);
    w->b[d->t1_stack_rva] = 0xa5;
    mdw_set(w, d->at[F_T1] + 36, d->t1_stack_rva, 4);
}

/* "m\u00e4in" + U+1F600 (a surrogate pair) + a lone low surrogate. */
static const uint16_t name0[] = {'m', 0xe4, 'i', 'n', 0xd83d, 0xde00, 0xdc00};
#define NAME0_UTF8 "m\xc3\xa4in\xf0\x9f\x98\x80\xef\xbf\xbd"

static void build_thread_names_and_info(full_dump *d)
{
    mdw *w = &d->w;
    mdw_begin(w, T_THREAD_NAMES);
    d->min_size[w->count - 1] = 4;
    d->at[F_NAMES_COUNT] = mdw_u32(w, 2);
    d->at[F_NAME0] = mdw_u32(w, 0x100);
    mdw_u64(w, 0);
    mdw_u32(w, 0x999);            /* a thread the dump does not have */
    uint64_t ghost = mdw_u64(w, 0);
    mdw_end(w);
    mdw_set(w, d->at[F_NAME0] + 4, mdw_string16(w, name0, 7), 8);
    mdw_set(w, ghost, mdw_string(w, "ghost"), 8);

    mdw_begin(w, T_THREAD_INFO);
    d->min_size[w->count - 1] = 12;
    d->at[F_TINFO] = mdw_u32(w, 12);
    mdw_u32(w, 64);
    mdw_u32(w, 1);
    uint64_t e = mdw_zeros(w, 64);
    mdw_end(w);
    mdw_set(w, e, 0x200, 4);
    mdw_set(w, e + 16, 0x1d0effe9e714422, 8);   /* CreateTime */
    mdw_set(w, e + 32, 5, 8);                   /* KernelTime */
    mdw_set(w, e + 40, 6, 8);                   /* UserTime */
    mdw_set(w, e + 48, 0x401000, 8);            /* StartAddress */
}

static void build_modules(full_dump *d)
{
    mdw *w = &d->w;
    mdw_begin(w, T_MODULES);
    d->min_size[w->count - 1] = 4;
    d->at[F_MODULES_COUNT] = mdw_u32(w, 2);
    d->at[F_M0] = put_module(w, 0x400000, 0x3000, 0x45d35f6c, 1);
    uint64_t m1 = put_module(w, 0x7ff00000, 0x10000, 0x411096b4, 0);
    mdw_end(w);
    d->name_rva = mdw_string(w, "C:\\app.exe");
    d->at[F_M0_NAME] = d->name_rva;
    mdw_set(w, d->at[F_M0] + 20, d->name_rva, 4);
    mdw_set(w, m1 + 20, mdw_string(w, "C:\\Windows\\ntdll.dll"), 4);
    mdw_odd(w);
    d->cv_rva = mdw_u32(w, 0x53445352);         /* RSDS */
    mdw_bytes(w, rsds_guid, 16);
    mdw_u32(w, 0x1a);
    mdw_bytes(w, "c:\\app.pdb", 11);
    d->at[F_M0_CV] = d->at[F_M0] + 76;
    mdw_set(w, d->at[F_M0_CV], w->len - d->cv_rva, 4);
    mdw_set(w, d->at[F_M0_CV] + 4, d->cv_rva, 4);
    mdw_odd(w);
    uint64_t nb10 = mdw_u32(w, 0x3031424e);     /* NB10 */
    mdw_u32(w, 0);
    mdw_u32(w, 0x12345678);
    mdw_u32(w, 3);
    mdw_bytes(w, "ntdll.pdb", 10);
    mdw_set(w, m1 + 76, w->len - nb10, 4);
    mdw_set(w, m1 + 80, nb10, 4);

    mdw_begin(w, T_UNLOADED);
    d->min_size[w->count - 1] = 12;
    d->at[F_UNLOADED] = mdw_u32(w, 12);
    mdw_u32(w, 24);
    mdw_u32(w, 1);
    uint64_t u = mdw_u64(w, 0x500000);
    mdw_u32(w, 0x2000);
    mdw_u32(w, 0x77);
    mdw_u32(w, 0x12121212);
    mdw_u32(w, 0);
    mdw_end(w);
    mdw_set(w, u + 20, mdw_string(w, "gone.dll"), 4);
}

static void build_memory(full_dump *d)
{
    mdw *w = &d->w;
    mdw_begin(w, T_MEMORY);
    d->min_size[w->count - 1] = 4;
    d->at[F_MEMLIST_COUNT] = mdw_u32(w, 2);
    put_memory_descriptor(w, 0x10000, 0x100, d->t0_stack_rva);
    d->at[F_MEM1] = w->len;
    put_memory_descriptor(w, 0x401000, 0x40, 0);
    mdw_end(w);
    mdw_odd(w);
    d->mem1_rva = mdw_zeros(w, 0x40);
    w->b[d->mem1_rva] = 0xc3;
    mdw_set(w, d->at[F_MEM1] + 12, d->mem1_rva, 4);

    mdw_begin(w, T_MEMORY64);
    d->min_size[w->count - 1] = 16;
    d->at[F_MEM64] = mdw_u64(w, 2);
    uint64_t base_rva = mdw_u64(w, 0);
    mdw_u64(w, 0x600000);
    mdw_u64(w, 0x20);
    mdw_u64(w, 0x601000);
    mdw_u64(w, 0x10);
    mdw_end(w);
    mdw_odd(w);
    d->mem64_data = mdw_zeros(w, 0x30);
    w->b[d->mem64_data + 0x20] = 0x64;          /* first byte of range 1 */
    mdw_set(w, base_rva, d->mem64_data, 8);

    mdw_begin(w, T_MEMINFO);
    d->min_size[w->count - 1] = 16;
    d->at[F_MINFO] = mdw_u32(w, 16);
    mdw_u32(w, 48);
    mdw_u64(w, 4);
    /* base, allocation base, allocation protect, size, state, protect, type */
    static const uint64_t info[4][7] = {
        {0x400000, 0x400000, 0x80, 0x1000, 0x1000, 0x20, 0x1000000},
        {0x10000000, 0x10000000, 0x4, 0x10000, 0x2000, 0, 0x20000},
        {0x20000000, 0, 0, 0x100000, 0x10000, 1, 0},
        {0x30000000, 0x30000000, 0x4, 0x3000, 0x1000, 0x104, 0x20000},
    };
    for (int i = 0; i < 4; i++) {
        mdw_u64(w, info[i][0]);
        mdw_u64(w, info[i][1]);
        mdw_u32(w, info[i][2]);
        mdw_u32(w, 0);
        mdw_u64(w, info[i][3]);
        mdw_u32(w, info[i][4]);
        mdw_u32(w, info[i][5]);
        mdw_u32(w, info[i][6]);
        mdw_u32(w, 0);
    }
    mdw_end(w);
}

static void build_exception(full_dump *d)
{
    mdw *w = &d->w;
    mdw_begin(w, T_EXCEPTION);
    d->min_size[w->count - 1] = 168;
    d->at[F_EXC] = mdw_u32(w, 0x100);
    mdw_u32(w, 0);
    mdw_u32(w, 0xc0000005);
    mdw_u32(w, 0);
    mdw_u64(w, 0);
    mdw_u64(w, 0x401010);
    mdw_u32(w, 2);
    mdw_u32(w, 0);
    for (uint64_t i = 0; i < 15; i++)
        mdw_u64(w, i == 0 ? 1 : i == 1 ? 0xdead : 0x1000 + i);
    mdw_u32(w, CONTEXT_AMD64_SIZE);
    uint64_t rva = mdw_u32(w, 0);
    mdw_end(w);
    d->exc_ctx_rva = put_amd64_context(w, 0x401010, 0x10080);
    mdw_set(w, rva, d->exc_ctx_rva, 4);
}

static void build_handles_and_comments(full_dump *d)
{
    mdw *w = &d->w;
    mdw_begin(w, T_HANDLES);
    d->min_size[w->count - 1] = 16;
    d->at[F_HANDLES] = mdw_u32(w, 16);
    mdw_u32(w, 32);
    mdw_u32(w, 3);
    mdw_u32(w, 0);
    d->at[F_HANDLE0] = mdw_zeros(w, 32);
    uint64_t h1 = mdw_zeros(w, 32);
    mdw_zeros(w, 32);                           /* no type name */
    mdw_end(w);
    uint64_t event = mdw_string(w, "Event");
    mdw_set(w, d->at[F_HANDLE0] + 8, event, 4);
    mdw_set(w, h1 + 8, event, 4);

    mdw_begin(w, T_COMMENT_A);
    d->min_size[w->count - 1] = 0;
    mdw_bytes(w, "hello A", 8);
    mdw_end(w);
    static const uint16_t wide[] = {'h', 0xe9, ' ', 'W', 0};
    mdw_begin(w, T_COMMENT_W);
    d->min_size[w->count - 1] = 0;
    for (size_t i = 0; i < 5; i++)
        mdw_u16(w, wide[i]);
    mdw_end(w);
}

/* MinidumpCrashpadInfo with one simple annotation and one module's annotations. */
static void build_crashpad(full_dump *d)
{
    mdw *w = &d->w;
    mdw_begin(w, T_CRASHPAD);
    d->min_size[w->count - 1] = 52;
    d->at[F_CRASHPAD] = mdw_u32(w, 1);
    mdw_zeros(w, 32);                           /* report and client GUIDs */
    uint64_t simple = mdw_u32(w, 12);
    mdw_u32(w, 0);
    uint64_t modules = mdw_u32(w, 16);
    mdw_u32(w, 0);
    mdw_end(w);
    mdw_odd(w);
    d->dict_rva = d->at[F_DICT] = mdw_u32(w, 1);
    uint64_t pair = mdw_zeros(w, 8);
    mdw_set(w, simple + 4, d->dict_rva, 4);
    d->at[F_KEY0] = mdw_utf8(w, "k1");
    mdw_set(w, pair, d->at[F_KEY0], 4);
    mdw_set(w, pair + 4, mdw_utf8(w, "v1"), 4);

    mdw_odd(w);
    d->at[F_MODLIST] = mdw_u32(w, 1);
    mdw_u32(w, 0);                              /* minidump_module_list_index */
    mdw_u32(w, 28);
    uint64_t info_rva = mdw_u32(w, 0);
    mdw_set(w, modules + 4, d->at[F_MODLIST], 4);
    mdw_odd(w);
    uint64_t info = mdw_u32(w, 1);
    uint64_t list = mdw_zeros(w, 8);
    uint64_t dict = mdw_zeros(w, 8);
    mdw_zeros(w, 8);
    mdw_set(w, info_rva, info, 4);
    mdw_odd(w);
    uint64_t strings = mdw_u32(w, 1);
    uint64_t s0 = mdw_u32(w, 0);
    mdw_set(w, list, 8, 4);
    mdw_set(w, list + 4, strings, 4);
    mdw_set(w, s0, mdw_utf8(w, "abort() called"), 4);
    mdw_odd(w);
    uint64_t mdict = mdw_u32(w, 1);
    uint64_t mpair = mdw_zeros(w, 8);
    mdw_set(w, dict, 12, 4);
    mdw_set(w, dict + 4, mdict, 4);
    mdw_set(w, mpair, mdw_utf8(w, "mk"), 4);
    mdw_set(w, mpair + 4, mdw_utf8(w, "mv"), 4);
}

static void build_misc(mdw *w)
{
    mdw_begin(w, T_MISC);
    mdw_u32(w, 24);
    mdw_u32(w, 3);                /* PROCESS_ID | PROCESS_TIMES */
    mdw_u32(w, 1234);
    mdw_u32(w, 1600000000);
    mdw_u64(w, 0);
    mdw_end(w);
}

static void build_full(full_dump *d)
{
    memset(d, 0, sizeof *d);
    mdw *w = &d->w;
    mdw_init(w);
    d->at[F_NSTREAMS] = 8;
    d->at[F_DIR_RVA] = 12;
    d->min_size[0] = 56;
    put_system_info(w, 9, 2);
    d->min_size[1] = 24;
    build_misc(w);
    build_threads(d);
    build_thread_names_and_info(d);
    build_modules(d);
    build_memory(d);
    build_exception(d);
    build_handles_and_comments(d);
    build_crashpad(d);
    mdw_finish(w);
}

/* ---- the full dump, decoded -------------------------------------------------------------- */

static void test_minidump_full_system(void **state)
{
    (void)state;
    static full_dump d;
    build_full(&d);
    memscape_dump *dump = open_ok(&d.w);
    const memscape_space *s = memscape_dump_space(dump);
    const memscape_system *sys = memscape_space_system(s);
    assert_int_equal(sys->format, MEMSCAPE_FORMAT_MINIDUMP);
    assert_int_equal(sys->os, MEMSCAPE_OS_WINDOWS);
    assert_int_equal(sys->arch, MEMSCAPE_ARCH_AMD64);
    assert_int_equal(sys->pointer_size, 8);
    assert_int_equal(sys->os_major, 10);
    assert_int_equal(sys->os_build, 19041);
    assert_string_equal(sys->os_detail, "Service Pack 1");
    assert_int_equal(sys->cpu_count, 4);
    assert_int_equal(sys->process_id, 1234);
    assert_int_equal(sys->create_time, 1600000000);
    assert_int_equal(sys->dump_time, 0x5f5e1000);
    assert_int_equal(warning_count(dump), 0);
    size_t n;
    const memscape_stream *streams = memscape_space_streams(s, &n);
    assert_int_equal(n, d.w.count);
    assert_int_equal(streams[0].type, T_SYSINFO);
    assert_int_equal(streams[0].rva, mdw_get(&d.w, 32 + 8, 4));
    memscape_dump_free(dump);
}

static void test_minidump_full_threads(void **state)
{
    (void)state;
    static full_dump d;
    build_full(&d);
    memscape_dump *dump = open_ok(&d.w);
    size_t n;
    const memscape_thread *t = memscape_space_threads(memscape_dump_space(dump), &n);
    assert_int_equal(n, 2);
    assert_int_equal(t[0].id, 0x100);
    assert_int_equal(t[0].suspend_count, 1);
    assert_int_equal(t[0].priority_class, 0x20);
    assert_int_equal(t[0].priority, 2);
    assert_int_equal(t[0].teb, 0x7ff000);
    assert_int_equal(t[0].stack_base, 0x10000);
    assert_int_equal(t[0].stack_size, 0x100);
    assert_true(t[0].has_context);
    /* The thread keeps its own context even though it is the exception's thread. */
    assert_int_equal(t[0].pc, 0x401000);
    assert_int_equal(t[0].sp, 0x10010);
    assert_string_equal(t[0].name, NAME0_UTF8);
    assert_false(t[0].has_times);
    assert_null(t[1].name);
    assert_true(t[1].has_times);
    assert_int_equal(t[1].create_time, 0x1d0effe9e714422);
    assert_int_equal(t[1].kernel_time, 5);
    assert_int_equal(t[1].user_time, 6);
    assert_int_equal(t[1].start_address, 0x401000);
    assert_int_equal(t[1].pc, 0x7ff00100);
    assert_int_equal(t[1].sp, 0x20008);
    memscape_dump_free(dump);
}

static void test_minidump_full_modules(void **state)
{
    (void)state;
    static full_dump d;
    build_full(&d);
    memscape_dump *dump = open_ok(&d.w);
    size_t n;
    const memscape_module *m = memscape_space_modules(memscape_dump_space(dump), &n);
    assert_int_equal(n, 2);
    assert_string_equal(m[0].name, "C:\\app.exe");
    assert_int_equal(m[0].base, 0x400000);
    assert_int_equal(m[0].size, 0x3000);
    assert_int_equal(m[0].checksum, 0xabc);
    assert_int_equal(m[0].timestamp, 0x45d35f6c);
    assert_true(m[0].has_version);
    assert_int_equal(m[0].version[0], 1);
    assert_int_equal(m[0].version[1], 2);
    assert_int_equal(m[0].version[2], 3);
    assert_int_equal(m[0].version[3], 4);
    assert_string_equal(m[0].debug_file, "c:\\app.pdb");
    assert_string_equal(m[0].debug_id, "5A9832E5287241C1838ED98914E9B7FF1A");
    assert_string_equal(m[0].code_id, "45D35F6C3000");
    assert_false(m[1].has_version);
    assert_string_equal(m[1].debug_file, "ntdll.pdb");
    assert_string_equal(m[1].debug_id, "123456783");
    assert_string_equal(m[1].code_id, "411096B410000");
    const memscape_module *u = memscape_space_unloaded_modules(memscape_dump_space(dump), &n);
    assert_int_equal(n, 1);
    assert_string_equal(u[0].name, "gone.dll");
    assert_int_equal(u[0].base, 0x500000);
    assert_int_equal(u[0].size, 0x2000);
    assert_int_equal(u[0].checksum, 0x77);
    assert_int_equal(u[0].timestamp, 0x12121212);
    memscape_dump_free(dump);
}

static void test_minidump_full_memory_and_stack_dedupe(void **state)
{
    (void)state;
    static full_dump d;
    build_full(&d);
    memscape_dump *dump = open_ok(&d.w);
    const memscape_space *s = memscape_dump_space(dump);
    size_t n;
    const memscape_range *r = memscape_space_ranges(s, &n);
    /* MemoryList (2), Memory64List (2, contiguous from BaseRva), then thread 1's stack,
     * which no list holds. Thread 0's stack is MemoryList entry 0 and is not added again. */
    assert_int_equal(n, 5);
    assert_int_equal(r[0].base, 0x10000);
    assert_int_equal(r[0].file_offset, d.t0_stack_rva);
    assert_int_equal(r[1].base, 0x401000);
    assert_int_equal(r[1].size, 0x40);
    assert_int_equal(r[1].file_offset, d.mem1_rva);
    assert_int_equal(r[2].base, 0x600000);
    assert_int_equal(r[2].file_offset, d.mem64_data);
    assert_int_equal(r[3].base, 0x601000);
    assert_int_equal(r[3].size, 0x10);
    assert_int_equal(r[3].file_offset, d.mem64_data + 0x20);
    assert_int_equal(r[4].base, 0x20000);
    assert_int_equal(r[4].size, 0x80);
    assert_int_equal(r[4].file_offset, d.t1_stack_rva);
    uint8_t b[1];
    assert_int_equal(memscape_space_read(s, 0x10000, b, 1), 1);
    assert_int_equal(b[0], 0x5a);
    assert_int_equal(memscape_space_read(s, 0x20000, b, 1), 1);
    assert_int_equal(b[0], 0xa5);
    assert_int_equal(memscape_space_read(s, 0x601000, b, 1), 1);
    assert_int_equal(b[0], 0x64);
    memscape_dump_free(dump);
}

static void test_minidump_full_memory_info(void **state)
{
    (void)state;
    static full_dump d;
    build_full(&d);
    memscape_dump *dump = open_ok(&d.w);
    const memscape_space *s = memscape_dump_space(dump);
    const memscape_region *r = memscape_space_find_region(s, 0x400000);
    assert_non_null(r);
    assert_int_equal(r->type, MEMSCAPE_TYPE_IMAGE);
    assert_int_equal(r->protect, MEMSCAPE_PROT_RX);
    r = memscape_space_find_region(s, 0x10000000);
    assert_non_null(r);
    assert_int_equal(r->state, MEMSCAPE_STATE_RESERVED);
    assert_int_equal(r->type, MEMSCAPE_TYPE_PRIVATE);
    r = memscape_space_find_region(s, 0x20000000);
    assert_non_null(r);
    assert_int_equal(r->state, MEMSCAPE_STATE_FREE);
    assert_int_equal(r->protect, MEMSCAPE_PROT_NOACCESS);
    r = memscape_space_find_region(s, 0x30001000);
    assert_non_null(r);
    assert_int_equal(r->protect, MEMSCAPE_PROT_RW | MEMSCAPE_PROT_GUARD);
    assert_int_equal(r->allocation_base, 0x30000000);
    /* The reader's free entry is one merged region, whole (no bytes split it). */
    const memscape_region *free_entry = NULL;
    size_t region_count;
    const memscape_region *l = memscape_space_regions(s, &region_count);
    for (size_t i = 0; i < region_count; i++)
        if (l[i].base == 0x20000000)
            free_entry = &l[i];
    assert_non_null(free_entry);
    assert_int_equal(free_entry->size, 0x100000);
    assert_int_equal(free_entry->state, MEMSCAPE_STATE_FREE);
    assert_int_equal(free_entry->allocation_base, 0x20000000);
    memscape_dump_free(dump);
}

static void test_minidump_full_exception_handles_notes(void **state)
{
    (void)state;
    static full_dump d;
    build_full(&d);
    memscape_dump *dump = open_ok(&d.w);
    const memscape_space *s = memscape_dump_space(dump);
    const memscape_exception *e = memscape_space_exception(s);
    assert_non_null(e);
    assert_int_equal(e->thread_id, 0x100);
    assert_int_equal(e->code, 0xc0000005);
    assert_int_equal(e->address, 0x401010);
    assert_int_equal(e->parameter_count, 2);
    assert_int_equal(e->parameters[0], 1);
    assert_int_equal(e->parameters[1], 0xdead);
    assert_false(e->is_signal);
    assert_true(e->has_context);
    assert_int_equal(e->pc, 0x401010);
    assert_int_equal(e->sp, 0x10080);
    /* Handles: 3, two of them "Event", one without a type name. */
    const memscape_handles *h = memscape_space_handles(s);
    assert_true(h->present);
    assert_int_equal(h->count, 3);
    assert_int_equal(h->type_count, 1);
    assert_string_equal(h->types[0].type, "Event");
    assert_int_equal(h->types[0].count, 2);
    size_t n;
    const memscape_note *notes = memscape_space_notes(s, &n);
    assert_int_equal(n, 5);
    assert_null(notes[0].key);
    assert_string_equal(notes[0].value, "hello A");
    assert_null(notes[1].key);
    assert_string_equal(notes[1].value, "h\xc3\xa9 W");
    assert_string_equal(notes[2].key, "k1");
    assert_string_equal(notes[2].value, "v1");
    assert_string_equal(notes[3].key, "app.exe");
    assert_string_equal(notes[3].value, "abort() called");
    assert_string_equal(notes[4].key, "mk");
    assert_string_equal(notes[4].value, "mv");
    memscape_dump_free(dump);
}

/* ---- hostile values ---------------------------------------------------------------------- */

enum { V0, V1, V7F, V80, VFF, VMAX, VPAST, NV };

typedef struct outcome {
    memscape_status code;    /* MEMSCAPE_OK: it opens */
    int at;                  /* error offset: d.at[at] + delta */
    uint64_t delta;
    int warn;                /* it opens, with at least one warning */
} outcome;

#define OK_ {MEMSCAPE_OK, F_ABS, 0, 0}
#define WARN_ {MEMSCAPE_OK, F_ABS, 0, 1}
#define EC(f, d) {MEMSCAPE_ECORRUPT, f, d, 0}
#define EL(f, d) {MEMSCAPE_ELIMIT, f, d, 0}
#define ET(f, d) {MEMSCAPE_ETRUNCATED, f, d, 0}

typedef struct hostile_row {
    const char *name;
    int field;
    uint64_t delta;          /* the field is at d.at[field] + delta */
    unsigned width;
    outcome out[NV];
} hostile_row;

/* DataSize of the stream that starts at rva, from the directory. */
static uint64_t stream_size_at(const mdw *w, uint64_t rva)
{
    for (uint32_t i = 0; i < w->count; i++)
        if (mdw_get(w, 32 + 12 * (uint64_t)i + 8, 4) == rva)
            return mdw_get(w, 32 + 12 * (uint64_t)i + 4, 4);
    fail_msg("no stream at 0x%llx", (unsigned long long)rva);
    return 0;
}

/* "Just past EOF" for counts and table headers: one entry more than the stream holds, a
 * header one byte longer than the stream, an entry one byte longer than the rest. Returns 0
 * for location fields (see past_for_location). */
static uint64_t past_value(const full_dump *d, const hostile_row *row)
{
    const mdw *w = &d->w;
    uint64_t f = w->len;
    switch (row->field) {
    case F_NSTREAMS: return (f - 32) / 12 + 1;
    case F_DIR_RVA: return f - 12 * mdw_get(w, 8, 4) + 1;
    case F_THREADS_COUNT: case F_NAMES_COUNT: case F_MODULES_COUNT: case F_MEMLIST_COUNT:
        return 3;
    case F_MEM64: return row->delta == 0 ? 3 : 0;
    case F_DICT: case F_MODLIST: return 2;
    case F_TINFO: case F_UNLOADED: case F_MINFO: case F_HANDLES: {
        uint64_t size = stream_size_at(w, d->at[row->field]);
        uint64_t header = mdw_get(w, d->at[row->field], 4);
        uint64_t entry = mdw_get(w, d->at[row->field] + 4, 4);
        if (row->delta == 0)
            return size + 1;
        if (row->delta == 4)
            return size - header + 1;
        return (size - header) / entry + 1;
    }
    default: return 0;
    }
}

static const hostile_row hostile[] = {
    {"NumberOfStreams", F_NSTREAMS, 0, 4,
     {OK_, OK_, EL(F_ABS, 8), EL(F_ABS, 8), EL(F_ABS, 8), EL(F_ABS, 8), ET(F_ABS, 12)}},
    {"StreamDirectoryRva", F_DIR_RVA, 0, 4,
     {EC(F_ABS, 12), EC(F_ABS, 12), ET(F_ABS, 12), ET(F_ABS, 12), ET(F_ABS, 12), ET(F_ABS, 12),
      ET(F_ABS, 12)}},
    {"ThreadList count", F_THREADS_COUNT, 0, 4,
     {OK_, OK_, EC(F_THREADS_COUNT, 0), EC(F_THREADS_COUNT, 0), EC(F_THREADS_COUNT, 0),
      EC(F_THREADS_COUNT, 0), EC(F_THREADS_COUNT, 0)}},
    {"ThreadNames count", F_NAMES_COUNT, 0, 4,
     {OK_, OK_, EC(F_NAMES_COUNT, 0), EC(F_NAMES_COUNT, 0), EC(F_NAMES_COUNT, 0),
      EC(F_NAMES_COUNT, 0), EC(F_NAMES_COUNT, 0)}},
    {"ModuleList count", F_MODULES_COUNT, 0, 4,
     {OK_, OK_, EC(F_MODULES_COUNT, 0), EC(F_MODULES_COUNT, 0), EC(F_MODULES_COUNT, 0),
      EC(F_MODULES_COUNT, 0), EC(F_MODULES_COUNT, 0)}},
    {"MemoryList count", F_MEMLIST_COUNT, 0, 4,
     {OK_, OK_, EC(F_MEMLIST_COUNT, 0), EC(F_MEMLIST_COUNT, 0), EC(F_MEMLIST_COUNT, 0),
      EC(F_MEMLIST_COUNT, 0), EC(F_MEMLIST_COUNT, 0)}},
    {"Memory64List count", F_MEM64, 0, 8,
     {OK_, OK_, EC(F_MEM64, 0), EC(F_MEM64, 0), EC(F_MEM64, 0), EC(F_MEM64, 0),
      EC(F_MEM64, 0)}},
    {"Memory64List BaseRva", F_MEM64, 8, 8,
     {OK_, OK_, WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"Memory64List range 0 DataSize", F_MEM64, 24, 8,
     {OK_, OK_, WARN_, WARN_, WARN_, EC(F_MEM64, 24), WARN_}},
    {"MemoryList range 1 DataSize", F_MEM1, 8, 4,
     {OK_, OK_, WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"MemoryList range 1 Rva", F_MEM1, 12, 4,
     {OK_, OK_, WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"thread 0 context DataSize", F_T0, 40, 4,
     {OK_, WARN_, WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"thread 0 context Rva", F_T0, 44, 4,
     {OK_, OK_, WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"thread 1 stack DataSize", F_T1, 32, 4,
     {OK_, OK_, WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"thread 1 stack Rva", F_T1, 36, 4,
     {OK_, OK_, WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"ThreadNames RVA64", F_NAME0, 4, 8,
     {OK_, WARN_, WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"module 0 name Rva", F_M0, 20, 4,
     {OK_, WARN_, WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"module 0 MINIDUMP_STRING Length", F_M0_NAME, 0, 4,
     {OK_, OK_, WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"module 0 CodeView DataSize", F_M0_CV, 0, 4,
     {OK_, EC(F_M0_CV, 0), WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"module 0 CodeView Rva", F_M0_CV, 4, 4,
     {OK_, OK_, WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"ThreadInfoList SizeOfHeader", F_TINFO, 0, 4,
     {EC(F_TINFO, 0), EC(F_TINFO, 0), EC(F_TINFO, 0), EC(F_TINFO, 0), EC(F_TINFO, 0),
      EC(F_TINFO, 0), EC(F_TINFO, 0)}},
    {"ThreadInfoList SizeOfEntry", F_TINFO, 4, 4,
     {EC(F_TINFO, 4), EC(F_TINFO, 4), EC(F_TINFO, 8), EC(F_TINFO, 8), EC(F_TINFO, 8),
      EC(F_TINFO, 8), EC(F_TINFO, 8)}},
    {"ThreadInfoList NumberOfEntries", F_TINFO, 8, 4,
     {OK_, OK_, EC(F_TINFO, 8), EC(F_TINFO, 8), EC(F_TINFO, 8), EC(F_TINFO, 8),
      EC(F_TINFO, 8)}},
    {"UnloadedModuleList SizeOfHeader", F_UNLOADED, 0, 4,
     {EC(F_UNLOADED, 0), EC(F_UNLOADED, 0), EC(F_UNLOADED, 0), EC(F_UNLOADED, 0),
      EC(F_UNLOADED, 0), EC(F_UNLOADED, 0), EC(F_UNLOADED, 0)}},
    {"UnloadedModuleList SizeOfEntry", F_UNLOADED, 4, 4,
     {EC(F_UNLOADED, 4), EC(F_UNLOADED, 4), EC(F_UNLOADED, 8), EC(F_UNLOADED, 8),
      EC(F_UNLOADED, 8), EC(F_UNLOADED, 8), EC(F_UNLOADED, 8)}},
    {"UnloadedModuleList NumberOfEntries", F_UNLOADED, 8, 4,
     {OK_, OK_, EC(F_UNLOADED, 8), EC(F_UNLOADED, 8), EC(F_UNLOADED, 8), EC(F_UNLOADED, 8),
      EC(F_UNLOADED, 8)}},
    {"MemoryInfoList SizeOfHeader", F_MINFO, 0, 4,
     {EC(F_MINFO, 0), EC(F_MINFO, 0), EC(F_MINFO, 0), EC(F_MINFO, 0), EC(F_MINFO, 0),
      EC(F_MINFO, 0), EC(F_MINFO, 0)}},
    {"MemoryInfoList SizeOfEntry", F_MINFO, 4, 4,
     {EC(F_MINFO, 4), EC(F_MINFO, 4), EC(F_MINFO, 8), EC(F_MINFO, 8), EC(F_MINFO, 8),
      EC(F_MINFO, 8), EC(F_MINFO, 8)}},
    {"MemoryInfoList NumberOfEntries", F_MINFO, 8, 8,
     {OK_, OK_, EC(F_MINFO, 8), EC(F_MINFO, 8), EC(F_MINFO, 8), EC(F_MINFO, 8),
      EC(F_MINFO, 8)}},
    {"HandleData SizeOfHeader", F_HANDLES, 0, 4,
     {EC(F_HANDLES, 0), EC(F_HANDLES, 0), EC(F_HANDLES, 0), EC(F_HANDLES, 0),
      EC(F_HANDLES, 0), EC(F_HANDLES, 0), EC(F_HANDLES, 0)}},
    {"HandleData SizeOfDescriptor", F_HANDLES, 4, 4,
     {EC(F_HANDLES, 4), EC(F_HANDLES, 4), EC(F_HANDLES, 8), EC(F_HANDLES, 8),
      EC(F_HANDLES, 8), EC(F_HANDLES, 8), EC(F_HANDLES, 8)}},
    {"HandleData NumberOfDescriptors", F_HANDLES, 8, 4,
     {OK_, OK_, EC(F_HANDLES, 8), EC(F_HANDLES, 8), EC(F_HANDLES, 8), EC(F_HANDLES, 8),
      EC(F_HANDLES, 8)}},
    {"handle 0 TypeNameRva", F_HANDLE0, 8, 4,
     {OK_, WARN_, WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"Exception NumberParameters", F_EXC, 32, 4,
     {OK_, OK_, WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"Exception context DataSize", F_EXC, 160, 4,
     {OK_, WARN_, WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"Exception context Rva", F_EXC, 164, 4,
     {OK_, OK_, WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"CrashpadInfo simple_annotations DataSize", F_CRASHPAD, 36, 4,
     {OK_, EC(F_CRASHPAD, 36), WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"CrashpadInfo simple_annotations Rva", F_CRASHPAD, 40, 4,
     {EC(F_ABS, 0), EC(F_ABS, 1), WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"CrashpadInfo annotation count", F_DICT, 0, 4,
     {OK_, OK_, EC(F_DICT, 0), EC(F_DICT, 0), EC(F_DICT, 0), EC(F_DICT, 0), EC(F_DICT, 0)}},
    {"CrashpadInfo annotation key Length", F_KEY0, 0, 4,
     {OK_, OK_, WARN_, WARN_, WARN_, WARN_, WARN_}},
    {"CrashpadInfo module_list count", F_MODLIST, 0, 4,
     {OK_, OK_, EC(F_MODLIST, 0), EC(F_MODLIST, 0), EC(F_MODLIST, 0), EC(F_MODLIST, 0),
      EC(F_MODLIST, 0)}},
};

/* For offsets and sizes, "just past EOF" is the value that ends the structure one byte after
 * the file: computed from the companion field (the size for an rva, the rva for a size). */
static uint64_t past_for_location(const full_dump *d, const hostile_row *row)
{
    const mdw *w = &d->w;
    uint64_t at = d->at[row->field] + row->delta;
    uint64_t f = w->len;
    if (row->field == F_MEM64 && row->delta == 8)   /* BaseRva: 0x30 bytes of data */
        return f - 0x30 + 1;
    if (row->field == F_MEM64 && row->delta == 24)  /* range 0 DataSize from BaseRva */
        return f - d->mem64_data + 1;
    if (row->field == F_NAME0 || row->field == F_HANDLE0 ||
        (row->field == F_M0 && row->delta == 20))
        return f - 3;                               /* the Length field straddles EOF */
    if (row->field == F_M0_NAME || row->field == F_KEY0)
        return f - (at + 4) + 1;
    if (row->field == F_EXC && row->delta == 32)
        return 16;                                  /* one parameter more than 15 */
    /* A {size, rva} pair: for a size, end at EOF + 1 from its rva; for an rva, from its size. */
    int is_size = (row->field == F_MEM1 && row->delta == 8) ||
                  (row->field == F_T0 && row->delta == 40) ||
                  (row->field == F_T1 && row->delta == 32) ||
                  (row->field == F_M0_CV && row->delta == 0) ||
                  (row->field == F_EXC && row->delta == 160) ||
                  (row->field == F_CRASHPAD && row->delta == 36);
    if (is_size)
        return f - mdw_get(w, at + 4, 4) + 1;
    return f - mdw_get(w, at - 4, 4) + 1;
}

static uint64_t hostile_value(const full_dump *d, const hostile_row *row, int v)
{
    static const uint64_t fixed[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, UINT64_MAX};
    if (v != VPAST)
        return row->width == 8 ? fixed[v] : (uint32_t)fixed[v];
    uint64_t p = past_value(d, row);
    return p ? p : past_for_location(d, row);
}

static void check_outcome(const full_dump *d, const char *name, uint64_t value,
                          const outcome *o, const mdw *w)
{
    memscape_dump *dump = NULL;
    memscape_error err;
    memscape_status st = open_with(w, NULL, &dump, &err);
    if (st == MEMSCAPE_OK) {
        size_t warnings = warning_count(dump);
        memscape_dump_free(dump);
        if (o->code != MEMSCAPE_OK)
            fail_msg("%s = 0x%llx: opened, expected status %d", name,
                     (unsigned long long)value, o->code);
        if (o->warn && warnings == 0)
            fail_msg("%s = 0x%llx: opened without a warning", name,
                     (unsigned long long)value);
        return;
    }
    uint64_t expected_at = d->at[o->at] + o->delta;
    if (st != o->code || err.offset != expected_at)
        fail_msg("%s = 0x%llx: expected %s at 0x%llx, got status %d at 0x%llx: %s", name,
                 (unsigned long long)value,
                 o->code == MEMSCAPE_OK ? "success" : memscape_strerror(o->code),
                 (unsigned long long)expected_at, st, (unsigned long long)err.offset,
                 err.msg);
}

static void test_minidump_hostile_fields(void **state)
{
    (void)state;
    static full_dump d;
    static mdw w;
    build_full(&d);
    for (size_t r = 0; r < sizeof hostile / sizeof hostile[0]; r++) {
        const hostile_row *row = &hostile[r];
        for (int v = 0; v < NV; v++) {
            w = d.w;
            uint64_t value = hostile_value(&d, row, v);
            mdw_set(&w, d.at[row->field] + row->delta, value, row->width);
            check_outcome(&d, row->name, value, &row->out[v], &w);
        }
    }
}

/* Every directory entry's DataSize and Rva: too small for the stream's fixed part or on the
 * header is corrupt (at the entry's field); past the end of the file is a warning. */
static void test_minidump_hostile_directory(void **state)
{
    (void)state;
    static full_dump d;
    static mdw w;
    build_full(&d);
    for (uint32_t i = 0; i < d.w.count; i++) {
        uint64_t e = 32 + 12 * (uint64_t)i;
        uint32_t min = d.min_size[i];
        uint64_t size = mdw_get(&d.w, e + 4, 4), rva = mdw_get(&d.w, e + 8, 4);
        const uint64_t sizes[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff,
                                  d.w.len - rva + 1};
        for (size_t v = 0; v < sizeof sizes / sizeof sizes[0]; v++) {
            w = d.w;
            mdw_set(&w, e + 4, sizes[v], 4);
            outcome o = OK_;
            if (sizes[v] < min)
                o = (outcome)EC(F_ABS, e + 4);
            else if (v >= 2)
                o = (outcome)WARN_;
            check_outcome(&d, "directory DataSize", sizes[v], &o, &w);
        }
        const uint64_t rvas[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, d.w.len - size + 1};
        for (size_t v = 0; v < sizeof rvas / sizeof rvas[0]; v++) {
            w = d.w;
            mdw_set(&w, e + 8, rvas[v], 4);
            outcome o = v < 2 ? (outcome)EC(F_ABS, e + 8) : (outcome)WARN_;
            check_outcome(&d, "directory Rva", rvas[v], &o, &w);
        }
    }
}

/* ---- header, probe, limits --------------------------------------------------------------- */

static void test_minidump_not_a_minidump(void **state)
{
    (void)state;
    static mdw w;
    mdw_init(&w);
    mdw_finish(&w);
    mdw_set(&w, 4, 0x61b1a794, 4);   /* Version low half must be 0xA793 */
    expect_error(&w, NULL, MEMSCAPE_EFORMAT, 0);
    w.len = 16;
    mdw_set(&w, 4, 0xa793, 4);       /* a signature, then the file ends in the header */
    expect_error(&w, NULL, MEMSCAPE_ETRUNCATED, 0);
}

static void test_minidump_empty_directory(void **state)
{
    (void)state;
    static mdw w;
    mdw_init(&w);
    mdw_finish(&w);
    mdw_set(&w, 12, 0, 4);           /* no streams: the directory rva does not matter */
    memscape_dump *dump = open_ok(&w);
    size_t n;
    memscape_space_streams(memscape_dump_space(dump), &n);
    assert_int_equal(n, 0);
    memscape_dump_free(dump);
}

static void test_minidump_limits(void **state)
{
    (void)state;
    static full_dump d;
    build_full(&d);
    struct {
        size_t field;        /* offset into memscape_limits */
        uint64_t at;
    } cases[] = {
        {offsetof(memscape_limits, max_streams), 8},
        {offsetof(memscape_limits, max_threads), d.at[F_THREADS_COUNT]},
        {offsetof(memscape_limits, max_modules), d.at[F_MODULES_COUNT]},
        {offsetof(memscape_limits, max_ranges), d.at[F_MEMLIST_COUNT]},
        {offsetof(memscape_limits, max_regions), d.at[F_MINFO] + 8},
        {offsetof(memscape_limits, max_handles), d.at[F_HANDLES] + 8},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memscape_limits l = memscape_limits_default();
        memcpy((char *)&l + cases[i].field, &(uint32_t){1}, sizeof(uint32_t));
        expect_error(&d.w, &l, MEMSCAPE_ELIMIT, cases[i].at);
    }
    /* Three notes fit, the fourth (the first Crashpad annotation's module) does not. */
    memscape_limits l = memscape_limits_default();
    l.max_annotations = 3;
    memscape_dump *dump = NULL;
    memscape_error err;
    assert_int_equal(open_with(&d.w, &l, &dump, &err), MEMSCAPE_ELIMIT);
}

static void test_minidump_duplicate_stream_uses_first(void **state)
{
    (void)state;
    static mdw w;
    mdw_init(&w);
    build_misc(&w);
    build_misc(&w);
    mdw_set(&w, mdw_get(&w, 44 + 8, 4) + 8, 999, 4);   /* the second one's ProcessId */
    mdw_finish(&w);
    memscape_dump *dump = open_ok(&w);
    assert_int_equal(memscape_space_system(memscape_dump_space(dump))->process_id, 1234);
    assert_int_equal(warning_count(dump), 1);
    memscape_dump_free(dump);
}

static void test_minidump_truncated_memory_is_clipped(void **state)
{
    (void)state;
    static mdw w;
    mdw_init(&w);
    mdw_begin(&w, T_MEMORY);
    mdw_u32(&w, 1);
    uint64_t d = w.len;
    put_memory_descriptor(&w, 0x1000, 0x100, 0);
    mdw_end(&w);
    uint64_t data = mdw_zeros(&w, 0x40);   /* 0x40 of the 0x100 bytes: the file ends */
    mdw_set(&w, d + 12, data, 4);
    mdw_finish(&w);
    memscape_dump *dump = open_ok(&w);
    size_t n;
    const memscape_range *r = memscape_space_ranges(memscape_dump_space(dump), &n);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].size, 0x40);
    assert_int_equal(warning_count(dump), 1);
    memscape_dump_free(dump);
}

/* ---- padding, architectures -------------------------------------------------------------- */

/* Some writers put 4 bytes of padding after a list's count (symbolic crash_macos.dmp). */
static void test_minidump_list_padding(void **state)
{
    (void)state;
    static mdw w;
    mdw_init(&w);
    mdw_begin(&w, T_THREADS);
    mdw_u32(&w, 1);
    mdw_u32(&w, 0);
    uint64_t t = put_thread(&w, 0x42, 0, 0x3000, 0x10);
    mdw_end(&w);
    mdw_begin(&w, T_MEMORY);
    mdw_u32(&w, 1);
    mdw_u32(&w, 0);
    uint64_t d = w.len;
    put_memory_descriptor(&w, 0x3000, 0x10, 0);
    mdw_end(&w);
    mdw_begin(&w, T_MODULES);
    mdw_u32(&w, 1);
    mdw_u32(&w, 0);
    put_module(&w, 0x9000, 0x1000, 0, 0);
    mdw_end(&w);
    uint64_t stack = mdw_zeros(&w, 0x10);
    mdw_set(&w, t + 36, stack, 4);
    mdw_set(&w, d + 12, stack, 4);
    mdw_finish(&w);
    memscape_dump *dump = open_ok(&w);
    const memscape_space *s = memscape_dump_space(dump);
    size_t n;
    const memscape_thread *th = memscape_space_threads(s, &n);
    assert_int_equal(n, 1);
    assert_int_equal(th[0].id, 0x42);
    assert_int_equal(th[0].stack_base, 0x3000);
    const memscape_range *r = memscape_space_ranges(s, &n);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].base, 0x3000);
    const memscape_module *m = memscape_space_modules(s, &n);
    assert_int_equal(n, 1);
    assert_int_equal(m[0].base, 0x9000);
    assert_string_equal(m[0].name, "");
    memscape_dump_free(dump);
}

typedef struct arch_case {
    uint16_t arch;           /* ProcessorArchitecture, or 0xffff: no SystemInfo */
    uint32_t size;
    uint32_t flags_at, flags;
    uint32_t pc_at, sp_at, width;
    memscape_arch expect;
} arch_case;

static void test_minidump_context_per_arch(void **state)
{
    (void)state;
    static const arch_case cases[] = {
        {0, 0x2cc, 0, 0x1003f, 0xb8, 0xc4, 4, MEMSCAPE_ARCH_X86},
        {9, 0x4d0, 0x30, 0x10001f, 0xf8, 0x98, 8, MEMSCAPE_ARCH_AMD64},
        {5, 0x1a0, 0, 0x200007, 0x40, 0x38, 4, MEMSCAPE_ARCH_ARM},
        {12, 0x390, 0, 0x400007, 0x108, 0x100, 8, MEMSCAPE_ARCH_ARM64},
        {0x8003, 0x330, 0, 0x80000003, 0x108, 0x100, 8, MEMSCAPE_ARCH_ARM64},
        /* No SystemInfo: the context's own CPU bits say what it is. */
        {0xffff, 0x2cc, 0, 0x1003f, 0xb8, 0xc4, 4, MEMSCAPE_ARCH_UNKNOWN},
        {0xffff, 0x4d0, 0x30, 0x10001f, 0xf8, 0x98, 8, MEMSCAPE_ARCH_UNKNOWN},
        {0xffff, 0x1a0, 0, 0x40000007, 0x40, 0x38, 4, MEMSCAPE_ARCH_UNKNOWN},
        {0xffff, 0x390, 0, 0x400007, 0x108, 0x100, 8, MEMSCAPE_ARCH_UNKNOWN},
    };
    static mdw w;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const arch_case *c = &cases[i];
        mdw_init(&w);
        if (c->arch != 0xffff)
            put_system_info(&w, c->arch, 2);
        mdw_begin(&w, T_THREADS);
        mdw_u32(&w, 1);
        uint64_t t = put_thread(&w, 7, 0, 0, 0);
        mdw_end(&w);
        mdw_odd(&w);
        uint64_t ctx = mdw_zeros(&w, c->size);
        mdw_set(&w, ctx + c->flags_at, c->flags, 4);
        mdw_set(&w, ctx + c->pc_at, 0x8877665544332211u, c->width);
        mdw_set(&w, ctx + c->sp_at, 0x1122334455667788u, c->width);
        mdw_set(&w, t + 40, c->size, 4);
        mdw_set(&w, t + 44, ctx, 4);
        mdw_finish(&w);
        memscape_dump *dump = open_ok(&w);
        const memscape_space *s = memscape_dump_space(dump);
        assert_int_equal(memscape_space_system(s)->arch, c->expect);
        size_t n;
        const memscape_thread *th = memscape_space_threads(s, &n);
        assert_int_equal(n, 1);
        assert_true(th[0].has_context);
        uint64_t mask = c->width == 8 ? UINT64_MAX : UINT32_MAX;
        assert_int_equal(th[0].pc, 0x8877665544332211u & mask);
        assert_int_equal(th[0].sp, 0x1122334455667788u & mask);
        memscape_dump_free(dump);
    }
}

/* ThreadExList (64-byte MINIDUMP_THREAD_EX) and HandleData with 40-byte descriptors (v2):
 * both stepped by their own entry sizes. */
static void test_minidump_thread_ex_and_handle_v2(void **state)
{
    (void)state;
    static mdw w;
    mdw_init(&w);
    mdw_begin(&w, 8);             /* ThreadExList */
    mdw_u32(&w, 2);
    put_thread(&w, 0x31, 0, 0x5000, 0);
    mdw_zeros(&w, 16);            /* BackingStore */
    put_thread(&w, 0x32, 0, 0x6000, 0);
    mdw_zeros(&w, 16);
    mdw_end(&w);
    mdw_begin(&w, T_HANDLES);
    mdw_u32(&w, 16);
    mdw_u32(&w, 40);
    mdw_u32(&w, 2);
    mdw_u32(&w, 0);
    uint64_t h0 = mdw_zeros(&w, 40);
    uint64_t h1 = mdw_zeros(&w, 40);
    mdw_end(&w);
    mdw_set(&w, h0 + 8, mdw_string(&w, "File"), 4);
    mdw_set(&w, h1 + 8, mdw_string(&w, "Key"), 4);
    mdw_finish(&w);
    memscape_dump *dump = open_ok(&w);
    const memscape_space *s = memscape_dump_space(dump);
    size_t n;
    const memscape_thread *t = memscape_space_threads(s, &n);
    assert_int_equal(n, 2);
    assert_int_equal(t[1].id, 0x32);
    assert_int_equal(t[1].stack_base, 0x6000);
    const memscape_handles *h = memscape_space_handles(s);
    assert_int_equal(h->count, 2);
    assert_int_equal(h->type_count, 2);
    /* Sorted by count, highest first: equal counts, so compare as a set. */
    int file = strcmp(h->types[0].type, "File") == 0 || strcmp(h->types[1].type, "File") == 0;
    int key = strcmp(h->types[0].type, "Key") == 0 || strcmp(h->types[1].type, "Key") == 0;
    assert_true(file && key);
    memscape_dump_free(dump);
}

/* ---- Linux (Breakpad) -------------------------------------------------------------------- */

static const char maps_text[] =
    "00400000-0041a000 r-xp 00000000 00:47 8612374361                 /work/crash\n"
    "00619000-0061a000 r--p 00019000 00:47 8612374361                 /work/crash\n"
    "01723000-01755000 rw-p 00000000 00:00 0                          [heap]\n"
    "7f0000000000-7f0000001000 rw-s 00000000 08:01 42                 /dev/shm/a file\n"
    "7f0000001000-7f0000002000 ---p 00000000 00:00 0 \n"
    "7f0000002000-7f0000003000 -w-p 00000000 00:00 0\n"
    "not a maps line\n"
    "7fff5ae2c000-7fff5ae4d000 rw-p 00000000 00:00 0                  [stack]\n"
    "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0          [vsyscall]\n";

static void build_linux(mdw *w, int with_memory_info)
{
    mdw_init(w);
    put_system_info(w, 9, 0x8201);
    mdw_begin(w, T_EXCEPTION);
    mdw_u32(w, 0x518);
    mdw_u32(w, 0);
    mdw_u32(w, 11);               /* SIGSEGV */
    mdw_u32(w, 1);                /* si_code */
    mdw_u64(w, 0);
    mdw_u64(w, 0x45);
    mdw_zeros(w, 8 + 120 + 8);
    mdw_end(w);
    mdw_begin(w, T_LINUX_MAPS);
    mdw_bytes(w, maps_text, sizeof maps_text - 1);
    mdw_end(w);
    mdw_begin(w, T_LINUX_CMDLINE);
    mdw_bytes(w, "./crash\0--flag\0", 15);
    mdw_end(w);
    mdw_begin(w, T_LINUX_STATUS);
    static const char status[] = "Name:\tcrash\nUmask:\t0022\nTgid:\t1304\nPid:\t1304\n";
    mdw_bytes(w, status, sizeof status - 1);
    mdw_end(w);
    if (with_memory_info) {
        mdw_begin(w, T_MEMINFO);
        mdw_u32(w, 16);
        mdw_u32(w, 48);
        mdw_u64(w, 0);
        mdw_end(w);
    }
    mdw_finish(w);
}

static void test_minidump_linux_streams(void **state)
{
    (void)state;
    static mdw w;
    build_linux(&w, 0);
    memscape_dump *dump = open_ok(&w);
    const memscape_space *s = memscape_dump_space(dump);
    const memscape_system *sys = memscape_space_system(s);
    assert_int_equal(sys->os, MEMSCAPE_OS_LINUX);
    assert_string_equal(sys->command_line, "./crash --flag");
    assert_string_equal(sys->process_name, "crash");
    assert_int_equal(sys->process_id, 1304);
    const memscape_exception *e = memscape_space_exception(s);
    assert_non_null(e);
    assert_true(e->is_signal);
    assert_int_equal(e->code, 11);
    assert_int_equal(e->flags, 1);
    assert_false(e->has_context);
    assert_int_equal(warning_count(dump), 1);   /* the one malformed maps line */
    /* No memory list: the merged regions are the maps lines one for one. */
    size_t region_count;
    const memscape_region *l = memscape_space_regions(s, &region_count);
    assert_int_equal(region_count, 8);
    assert_int_equal(l[0].base, 0x400000);
    assert_int_equal(l[0].size, 0x1a000);
    assert_int_equal(l[0].type, MEMSCAPE_TYPE_IMAGE);
    assert_int_equal(l[0].protect, MEMSCAPE_PROT_RX);
    assert_string_equal(l[0].name, "/work/crash");
    /* Read-only, but the same file has an executable mapping: part of the image. */
    assert_int_equal(l[1].type, MEMSCAPE_TYPE_IMAGE);
    assert_int_equal(l[1].protect, MEMSCAPE_PROT_R);
    assert_int_equal(l[2].usage, MEMSCAPE_USAGE_HEAP);
    assert_int_equal(l[2].type, MEMSCAPE_TYPE_PRIVATE);
    assert_int_equal(l[3].type, MEMSCAPE_TYPE_MAPPED);
    assert_int_equal(l[3].usage, MEMSCAPE_USAGE_MAPPED_FILE);
    assert_string_equal(l[3].name, "/dev/shm/a file");
    assert_int_equal(l[4].protect, MEMSCAPE_PROT_NOACCESS);
    assert_null(l[4].name);
    assert_int_equal(l[5].protect, MEMSCAPE_PROT_RW);
    assert_int_equal(l[6].usage, MEMSCAPE_USAGE_STACK);
    assert_int_equal(l[7].base, 0xffffffffff600000u);
    assert_int_equal(l[7].protect, MEMSCAPE_PROT_X);
    for (size_t i = 0; i < region_count; i++)
        assert_int_equal(l[i].state, MEMSCAPE_STATE_NOT_CAPTURED);
    memscape_dump_free(dump);
}

static void test_minidump_linux_maps_not_with_memory_info(void **state)
{
    (void)state;
    static mdw w;
    build_linux(&w, 1);
    memscape_dump *dump = open_ok(&w);
    size_t region_count;
    memscape_space_regions(memscape_dump_space(dump), &region_count);
    assert_int_equal(region_count, 0);
    memscape_dump_free(dump);
}

/* A Breakpad ELF CodeView record: 'BpEL' + the build id. */
static void test_minidump_elf_build_id(void **state)
{
    (void)state;
    static mdw w;
    mdw_init(&w);
    put_system_info(&w, 9, 0x8201);
    mdw_begin(&w, T_MODULES);
    mdw_u32(&w, 1);
    uint64_t m = put_module(&w, 0x400000, 0x1a000, 0, 0);
    mdw_end(&w);
    static const uint8_t id[20] = {0xf1, 0xc3, 0xbc, 0xc0, 0x27, 0x98, 0x65, 0xfe, 0x30, 0x58,
                                   0x40, 0x4b, 0x28, 0x31, 0xd9, 0xe6, 0x41, 0x35, 0x38, 0x6c};
    mdw_odd(&w);
    uint64_t cv = mdw_u32(&w, 0x4270454c);
    mdw_bytes(&w, id, sizeof id);
    mdw_set(&w, m + 76, 24, 4);
    mdw_set(&w, m + 80, cv, 4);
    mdw_finish(&w);
    memscape_dump *dump = open_ok(&w);
    size_t n;
    const memscape_module *mod = memscape_space_modules(memscape_dump_space(dump), &n);
    assert_int_equal(n, 1);
    /* Breakpad's debug id: the first 16 bytes as a GUID (Data1-3 little-endian), age 0. */
    assert_string_equal(mod[0].debug_id, "C0BCC3F19827FE653058404B2831D9E60");
    assert_string_equal(mod[0].code_id, "f1c3bcc0279865fe3058404b2831d9e64135386c");
    assert_null(mod[0].debug_file);
    memscape_dump_free(dump);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minidump_full_system),
        cmocka_unit_test(test_minidump_full_threads),
        cmocka_unit_test(test_minidump_full_modules),
        cmocka_unit_test(test_minidump_full_memory_and_stack_dedupe),
        cmocka_unit_test(test_minidump_full_memory_info),
        cmocka_unit_test(test_minidump_full_exception_handles_notes),
        cmocka_unit_test(test_minidump_hostile_fields),
        cmocka_unit_test(test_minidump_hostile_directory),
        cmocka_unit_test(test_minidump_not_a_minidump),
        cmocka_unit_test(test_minidump_empty_directory),
        cmocka_unit_test(test_minidump_limits),
        cmocka_unit_test(test_minidump_duplicate_stream_uses_first),
        cmocka_unit_test(test_minidump_truncated_memory_is_clipped),
        cmocka_unit_test(test_minidump_list_padding),
        cmocka_unit_test(test_minidump_context_per_arch),
        cmocka_unit_test(test_minidump_thread_ex_and_handle_v2),
        cmocka_unit_test(test_minidump_linux_streams),
        cmocka_unit_test(test_minidump_linux_maps_not_with_memory_info),
        cmocka_unit_test(test_minidump_elf_build_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
