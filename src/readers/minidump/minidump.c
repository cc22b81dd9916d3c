/* SPDX-License-Identifier: MIT */
/* Minidump (MDMP): Windows dbghelp, Breakpad and Crashpad dumps of Windows, Linux, macOS, iOS,
 * Android and Fuchsia processes. This file reads the header and the stream directory, checks
 * each stream the reader knows against the file, decodes SystemInfo and MiscInfo, and calls the
 * other parsers (minidump_lists.c, minidump_extra.c, minidump_context.c) in order.
 *
 * Layouts: MINIDUMP_HEADER, MINIDUMP_DIRECTORY, MINIDUMP_SYSTEM_INFO, MINIDUMP_MISC_INFO_N
 * (minidumpapiset.h); Breakpad's MDRawHeader/MDRawSystemInfo (minidump_format.h). */
#include <string.h>

#include "minidump_internal.h"

#define MDMP_SIGNATURE 0x504d444du   /* "MDMP" read as a little-endian u32 */
#define MDMP_VERSION 0xa793u         /* low 16 bits of Version; the high 16 are the writer's */
#define MDMP_DIRECTORY_ENTRY 12u     /* u32 StreamType, u32 DataSize, u32 Rva */

/* The streams decoded here, with the smallest DataSize their fixed part needs. */
static const struct {
    uint32_t type;
    const char *name;
    uint32_t min_size;
} known_streams[MDMP_KIND_COUNT] = {
    [MDMP_THREAD_LIST] = {3, "ThreadList", 4},
    [MDMP_MODULE_LIST] = {4, "ModuleList", 4},
    [MDMP_MEMORY_LIST] = {5, "MemoryList", 4},
    [MDMP_EXCEPTION] = {6, "Exception", 168},          /* MINIDUMP_EXCEPTION_STREAM */
    [MDMP_SYSTEM_INFO] = {7, "SystemInfo", 56},        /* MINIDUMP_SYSTEM_INFO */
    [MDMP_THREAD_EX_LIST] = {8, "ThreadExList", 4},
    [MDMP_MEMORY64_LIST] = {9, "Memory64List", 16},    /* u64 count, u64 BaseRva */
    [MDMP_COMMENT_A] = {10, "CommentStreamA", 0},
    [MDMP_COMMENT_W] = {11, "CommentStreamW", 0},
    [MDMP_HANDLE_DATA] = {12, "HandleData", 16},       /* MINIDUMP_HANDLE_DATA_STREAM */
    [MDMP_UNLOADED_MODULE_LIST] = {14, "UnloadedModuleList", 12},
    [MDMP_MISC_INFO] = {15, "MiscInfo", 24},           /* MINIDUMP_MISC_INFO (v1) */
    [MDMP_MEMORY_INFO_LIST] = {16, "MemoryInfoList", 16},
    [MDMP_THREAD_INFO_LIST] = {17, "ThreadInfoList", 12},
    [MDMP_THREAD_NAMES] = {24, "ThreadNames", 4},
    [MDMP_LINUX_PROC_STATUS] = {0x47670004, "LinuxProcStatus", 0},
    [MDMP_LINUX_CMD_LINE] = {0x47670006, "LinuxCmdLine", 0},
    [MDMP_LINUX_MAPS] = {0x47670009, "LinuxMaps", 0},
    [MDMP_CRASHPAD_INFO] = {0x43500001, "CrashpadInfo", 52}, /* MinidumpCrashpadInfo v1 */
};

static int minidump_probe(const uint8_t *data, uint64_t size)
{
    if (size < 8)
        return 0;
    uint32_t signature = (uint32_t)memscape_load(data, 4, 0);
    uint32_t version = (uint32_t)memscape_load(data + 4, 4, 0);
    return signature == MDMP_SIGNATURE && (version & 0xffffu) == MDMP_VERSION;
}

/* ---- helpers shared by the parsers ------------------------------------------------------- */

const mdmp_stream *memscape_mdmp_stream(const memscape_mdmp *md, mdmp_kind kind)
{
    const mdmp_stream *s = &md->streams[kind];
    return s->present ? s : NULL;
}

memscape_cursor memscape_mdmp_window(const memscape_mdmp *md, const mdmp_stream *s)
{
    memscape_cursor c = md->file;
    /* The directory pass checked that the stream lies inside the file, so this cannot fail;
     * if it somehow did, the empty window makes every read overrun instead of escaping. */
    if (memscape_cursor_sub(&md->file, s->rva, s->size, &c) != MEMSCAPE_OK)
        c.lo = c.hi = c.pos = 0;
    return c;
}

memscape_status memscape_mdmp_list(memscape_mdmp *md, const mdmp_stream *s, uint32_t entry,
                                   uint32_t limit, uint32_t *count, uint64_t *first)
{
    memscape_cursor c = memscape_mdmp_window(md, s);
    uint32_t n = memscape_cursor_u32_rel(&c, 0);
    uint64_t need = (uint64_t)n * entry;   /* < 2^48: cannot overflow */
    uint64_t body = (uint64_t)s->size - 4;
    uint64_t skip = 4;
    if (need != body && body >= 4 && need == body - 4)
        skip = 8;   /* 4 bytes of padding after the count (symbolic crash_macos.dmp) */
    else if (need > body)
        return memscape_fail(md->err, MEMSCAPE_ECORRUPT, s->rva,
                             "%s: %" PRIu32 " entries of %" PRIu32 " bytes do not fit in its "
                             "0x%" PRIx32 " bytes", s->name, n, entry, s->size);
    if (n > limit)
        return memscape_fail(md->err, MEMSCAPE_ELIMIT, s->rva,
                             "%s: %" PRIu32 " entries exceed the limit of %" PRIu32, s->name, n,
                             limit);
    *count = n;
    *first = (uint64_t)s->rva + skip;
    return MEMSCAPE_OK;
}

memscape_status memscape_mdmp_table(memscape_mdmp *md, const mdmp_stream *s, uint32_t min_header,
                                    uint32_t min_entry, int wide_count, uint32_t limit,
                                    mdmp_table *t)
{
    memscape_cursor c = memscape_mdmp_window(md, s);
    uint32_t header = memscape_cursor_u32_rel(&c, 0);
    uint32_t entry = memscape_cursor_u32_rel(&c, 4);
    uint64_t count = wide_count ? memscape_cursor_u64_rel(&c, 8) : memscape_cursor_u32_rel(&c, 8);
    if (header < min_header || header > s->size)
        return memscape_fail(md->err, MEMSCAPE_ECORRUPT, s->rva, "%s: SizeOfHeader %" PRIu32
                             " is not between %" PRIu32 " and DataSize 0x%" PRIx32, s->name,
                             header, min_header, s->size);
    if (entry < min_entry)
        return memscape_fail(md->err, MEMSCAPE_ECORRUPT, (uint64_t)s->rva + 4, "%s: SizeOfEntry "
                             "%" PRIu32 " is smaller than the %" PRIu32 "-byte entry", s->name,
                             entry, min_entry);
    if (count > (s->size - header) / entry)
        return memscape_fail(md->err, MEMSCAPE_ECORRUPT, (uint64_t)s->rva + 8, "%s: %" PRIu64
                             " entries of %" PRIu32 " bytes do not fit in 0x%" PRIx32
                             " bytes after its %" PRIu32 "-byte header", s->name, count, entry,
                             s->size, header);
    if (count > limit)
        return memscape_fail(md->err, MEMSCAPE_ELIMIT, (uint64_t)s->rva + 8, "%s: %" PRIu64
                             " entries exceed the limit of %" PRIu32, s->name, count, limit);
    t->first = (uint64_t)s->rva + header;
    t->entry = entry;
    t->count = (uint32_t)count;
    return MEMSCAPE_OK;
}

/* Where the UTF-16 bytes of the MINIDUMP_STRING at rva are, or 0 (warned) past the end. */
static int string_bytes(memscape_mdmp *md, uint64_t rva, const char *what, uint64_t *at,
                        uint32_t *len)
{
    uint64_t size = md->file.file_size;
    if (!memscape_in_bounds(rva, 4, size)) {
        memscape_space_warn(md->space, rva, "%s: string at 0x%" PRIx64 " lies past the end "
                            "of the file", what, rva);
        return 0;
    }
    *len = (uint32_t)memscape_cursor_uint_at(&md->file, rva, 4);
    *at = rva + 4;
    if (!memscape_in_bounds(*at, *len, size)) {
        memscape_space_warn(md->space, rva, "%s: string of 0x%" PRIx32 " bytes at 0x%" PRIx64
                            " runs past the end of the file", what, *len, rva);
        return 0;
    }
    return 1;
}

memscape_status memscape_mdmp_string(memscape_mdmp *md, uint64_t rva, const char *what,
                                     const char **out)
{
    uint64_t at;
    uint32_t len;
    *out = NULL;
    if (rva == 0 || !string_bytes(md, rva, what, &at, &len))
        return MEMSCAPE_OK;
    *out = memscape_space_strdup_utf16(md->space, md->file.file + at, len, 0);
    if (!*out)
        return memscape_fail(md->err, MEMSCAPE_ENOMEM, rva, "%s: out of memory", what);
    return MEMSCAPE_OK;
}

int memscape_mdmp_string_buf(memscape_mdmp *md, uint64_t rva, const char *what, char *buf,
                             size_t size)
{
    uint64_t at;
    uint32_t len;
    buf[0] = '\0';
    if (size < 4 || rva == 0 || !string_bytes(md, rva, what, &at, &len))
        return 0;
    size_t units = len / 2;
    if (units > (size - 1) / 3)
        units = (size - 1) / 3;   /* each UTF-16 unit becomes at most 3 bytes of UTF-8 */
    memscape_utf16_to_utf8(md->file.file + at, units, 0, buf);
    return 1;
}

memscape_status memscape_mdmp_added(memscape_mdmp *md, memscape_status st, uint64_t offset,
                                    const char *what)
{
    if (st == MEMSCAPE_ELIMIT)
        return memscape_fail(md->err, st, offset, "%s: more than the configured limit", what);
    return memscape_fail(md->err, st, offset, "%s: %s", what, memscape_strerror(st));
}

/* ---- header and directory ---------------------------------------------------------------- */

static memscape_status read_header(memscape_mdmp *md, uint32_t *count, uint32_t *dir)
{
    uint64_t size = md->file.file_size;
    if (size < MDMP_HEADER_SIZE)
        return memscape_fail(md->err, MEMSCAPE_ETRUNCATED, 0, "header needs %u bytes but the "
                             "file is 0x%" PRIx64 " bytes", MDMP_HEADER_SIZE, size);
    /* MINIDUMP_HEADER: Signature@0 Version@4 NumberOfStreams@8 StreamDirectoryRva@12
     * CheckSum@16 TimeDateStamp@20 Flags@24 (u64, says nothing reliable about streams). */
    *count = (uint32_t)memscape_cursor_uint_at(&md->file, 8, 4);
    *dir = (uint32_t)memscape_cursor_uint_at(&md->file, 12, 4);
    md->space->system.dump_time = memscape_cursor_uint_at(&md->file, 20, 4);
    if (*count == 0)
        return MEMSCAPE_OK;   /* an empty directory may sit anywhere, even at rva 0 */
    if (*count > md->limits->max_streams)
        return memscape_fail(md->err, MEMSCAPE_ELIMIT, 8, "NumberOfStreams %" PRIu32
                             " exceeds the limit of %" PRIu32, *count, md->limits->max_streams);
    if (*dir < MDMP_HEADER_SIZE)
        return memscape_fail(md->err, MEMSCAPE_ECORRUPT, 12, "stream directory at 0x%" PRIx32
                             " overlaps the %u-byte header", *dir, MDMP_HEADER_SIZE);
    uint64_t bytes = (uint64_t)*count * MDMP_DIRECTORY_ENTRY;
    if (!memscape_in_bounds(*dir, bytes, size))
        return memscape_fail(md->err, MEMSCAPE_ETRUNCATED, 12, "stream directory of %" PRIu32
                             " entries at 0x%" PRIx32 " runs past the end of the file (0x%"
                             PRIx64 " bytes)", *count, *dir, size);
    return MEMSCAPE_OK;
}

static int known_kind(uint32_t type)
{
    for (int k = 0; k < MDMP_KIND_COUNT; k++)
        if (known_streams[k].type == type)
            return k;
    return -1;
}

/* Check the first stream of a known type: its fixed part fits in DataSize, it does not sit on
 * the header, and its bytes are in the file (a truncated dump: warn and skip the stream). */
static memscape_status check_stream(memscape_mdmp *md, mdmp_stream *s, uint32_t min_size)
{
    if (s->size < min_size)
        return memscape_fail(md->err, MEMSCAPE_ECORRUPT, s->entry + 4, "%s: DataSize 0x%"
                             PRIx32 " is smaller than its %" PRIu32 "-byte fixed part",
                             s->name, s->size, min_size);
    if (s->size > 0 && s->rva < MDMP_HEADER_SIZE)
        return memscape_fail(md->err, MEMSCAPE_ECORRUPT, s->entry + 8, "%s at 0x%" PRIx32
                             " overlaps the %u-byte header", s->name, s->rva,
                             MDMP_HEADER_SIZE);
    if (!memscape_in_bounds(s->rva, s->size, md->file.file_size)) {
        memscape_space_warn(md->space, s->entry + 8, "%s: 0x%" PRIx32 " bytes at 0x%" PRIx32
                            " run past the end of the file (0x%" PRIx64 " bytes); skipped",
                            s->name, s->size, s->rva, md->file.file_size);
        return MEMSCAPE_OK;
    }
    s->present = 1;
    return MEMSCAPE_OK;
}

static memscape_status read_directory(memscape_mdmp *md, uint32_t count, uint32_t dir)
{
    for (uint32_t i = 0; i < count; i++) {
        uint64_t entry = (uint64_t)dir + (uint64_t)i * MDMP_DIRECTORY_ENTRY;
        memscape_stream st = {
            (uint32_t)memscape_cursor_uint_at(&md->file, entry, 4),
            (uint32_t)memscape_cursor_uint_at(&md->file, entry + 4, 4),
            (uint32_t)memscape_cursor_uint_at(&md->file, entry + 8, 4),
        };
        /* Every entry is listed, unused type-0 ones (dbghelp) and unknown types too. */
        memscape_status rc = memscape_space_add_stream(md->space, &st);
        if (rc != MEMSCAPE_OK)
            return memscape_mdmp_added(md, rc, entry, "stream directory");
        int k = known_kind(st.type);
        if (k < 0)
            continue;
        mdmp_stream *s = &md->streams[k];
        if (s->name) {
            memscape_space_warn(md->space, entry, "%s: a second stream at 0x%" PRIx32
                                " ignored; the first, at 0x%" PRIx32 ", is used",
                                s->name, st.rva, s->rva);
            continue;
        }
        *s = (mdmp_stream){known_streams[k].name, st.type, st.size, st.rva, entry, 0};
        rc = check_stream(md, s, known_streams[k].min_size);
        if (rc != MEMSCAPE_OK)
            return rc;
    }
    return MEMSCAPE_OK;
}

/* ---- SystemInfo and MiscInfo ------------------------------------------------------------- */

static memscape_arch arch_from(uint32_t code, uint32_t *pointer_size)
{
    /* PROCESSOR_ARCHITECTURE_* (winnt.h) and Breakpad's MD_CPU_ARCHITECTURE_* extensions. */
    static const struct {
        uint32_t code;
        memscape_arch arch;
        uint32_t pointer_size;
    } table[] = {
        {0, MEMSCAPE_ARCH_X86, 4},        {1, MEMSCAPE_ARCH_MIPS, 4},
        {3, MEMSCAPE_ARCH_PPC, 4},        {5, MEMSCAPE_ARCH_ARM, 4},
        {9, MEMSCAPE_ARCH_AMD64, 8},      {12, MEMSCAPE_ARCH_ARM64, 8},
        /* ARM32_ON_WIN64 and IA32_ON_ARM64: 32-bit processes on 64-bit Windows. */
        {13, MEMSCAPE_ARCH_ARM, 4},       {14, MEMSCAPE_ARCH_X86, 4},
        {0x8001, MEMSCAPE_ARCH_SPARC, 8}, {0x8002, MEMSCAPE_ARCH_PPC64, 8},
        {0x8003, MEMSCAPE_ARCH_ARM64, 8}, {0x8004, MEMSCAPE_ARCH_MIPS64, 8},
        {0x8006, MEMSCAPE_ARCH_RISCV64, 8},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (table[i].code == code) {
            *pointer_size = table[i].pointer_size;
            return table[i].arch;
        }
    }
    *pointer_size = 0;
    return MEMSCAPE_ARCH_UNKNOWN;
}

static memscape_os os_from(uint32_t platform)
{
    switch (platform) {
    case 0: /* VER_PLATFORM_WIN32s */
    case 1: /* VER_PLATFORM_WIN32_WINDOWS */
    case MDMP_PLATFORM_WINDOWS: return MEMSCAPE_OS_WINDOWS;
    case 0x8101: return MEMSCAPE_OS_MACOS;
    case 0x8102: return MEMSCAPE_OS_IOS;
    case MDMP_PLATFORM_LINUX: return MEMSCAPE_OS_LINUX;
    case 0x8202: return MEMSCAPE_OS_SOLARIS;
    case MDMP_PLATFORM_ANDROID: return MEMSCAPE_OS_ANDROID;
    case 0x8206: return MEMSCAPE_OS_FUCHSIA;
    default: return MEMSCAPE_OS_UNKNOWN;
    }
}

static memscape_status read_system_info(memscape_mdmp *md)
{
    const mdmp_stream *s = memscape_mdmp_stream(md, MDMP_SYSTEM_INFO);
    if (!s)
        return MEMSCAPE_OK;
    memscape_cursor c = memscape_mdmp_window(md, s);
    memscape_system *sys = &md->space->system;
    /* MINIDUMP_SYSTEM_INFO: ProcessorArchitecture@0 (u16) NumberOfProcessors@6 (u8)
     * MajorVersion@8 MinorVersion@12 BuildNumber@16 PlatformId@20 CSDVersionRva@24. */
    uint32_t code = memscape_cursor_u16_rel(&c, 0);
    sys->arch = arch_from(code, &sys->pointer_size);
    md->arch = sys->arch;
    sys->cpu_count = memscape_cursor_u8_rel(&c, 6);
    sys->os_major = memscape_cursor_u32_rel(&c, 8);
    sys->os_minor = memscape_cursor_u32_rel(&c, 12);
    sys->os_build = memscape_cursor_u32_rel(&c, 16);
    md->platform = memscape_cursor_u32_rel(&c, 20);
    sys->os = os_from(md->platform);
    return memscape_mdmp_string(md, memscape_cursor_u32_rel(&c, 24), "SystemInfo CSDVersion",
                                &sys->os_detail);
}

/* MINIDUMP_MISC_INFO Flags1 bits and the v4 BuildString (WCHAR[260] at 232). */
#define MISC_PROCESS_ID 0x1u
#define MISC_PROCESS_TIMES 0x2u
#define MISC_V4_SIZE 832u
#define MISC_BUILD_STRING_OFFSET 232u
#define MISC_BUILD_STRING_BYTES 520u

static memscape_status read_misc_info(memscape_mdmp *md)
{
    const mdmp_stream *s = memscape_mdmp_stream(md, MDMP_MISC_INFO);
    if (!s)
        return MEMSCAPE_OK;
    memscape_cursor c = memscape_mdmp_window(md, s);
    memscape_system *sys = &md->space->system;
    /* SizeOfInfo says the version (24/44/232/832/1364); trust it only within DataSize. Some
     * writers leave it 0 (lldb regions-memlist64) or use an odd size (crash_macos: 1368). */
    uint32_t size = memscape_cursor_u32_rel(&c, 0);
    if (size < 24 || size > s->size)
        size = s->size;
    uint32_t flags = memscape_cursor_u32_rel(&c, 4);
    if (flags & MISC_PROCESS_ID)
        sys->process_id = memscape_cursor_u32_rel(&c, 8);
    if (flags & MISC_PROCESS_TIMES)
        sys->create_time = memscape_cursor_u32_rel(&c, 12);   /* time_t */
    if (size < MISC_V4_SIZE)
        return MEMSCAPE_OK;
    const char *build = memscape_space_strdup_utf16(md->space,
                                                    md->file.file + s->rva +
                                                        MISC_BUILD_STRING_OFFSET,
                                                    MISC_BUILD_STRING_BYTES, 0);
    if (!build)
        return memscape_fail(md->err, MEMSCAPE_ENOMEM, s->rva, "MiscInfo: out of memory");
    /* The build string is the richer one when it says more ("Windows NT 10.0.22000.282"
     * against CSDVersion "282"; the whole uname on Crashpad Linux). */
    if (!sys->os_detail || strlen(build) > strlen(sys->os_detail))
        sys->os_detail = build;
    return MEMSCAPE_OK;
}

/* ---- the reader -------------------------------------------------------------------------- */

static memscape_status minidump_open(memscape_space *space, const memscape_open_options *opts,
                                     memscape_error *err)
{
    (void)opts;
    memscape_mdmp md;
    memset(&md, 0, sizeof md);
    md.space = space;
    md.err = err;
    md.limits = &space->limits;
    memscape_cursor_init(&md.file, space->file, space->file_size, 0);
    space->system.format = MEMSCAPE_FORMAT_MINIDUMP;

    uint32_t count = 0, dir = 0;
    memscape_status st = read_header(&md, &count, &dir);
    if (st == MEMSCAPE_OK)
        st = read_directory(&md, count, dir);
    if (st != MEMSCAPE_OK)
        return st;
    /* Order matters: the architecture before any context, the memory lists before thread
     * stacks (which are added only where no list holds them), modules before Linux maps. */
    static memscape_status (*const steps[])(memscape_mdmp *) = {
        read_system_info,
        read_misc_info,
        memscape_mdmp_memory_lists,
        memscape_mdmp_threads,
        memscape_mdmp_modules,
        memscape_mdmp_unloaded_modules,
        memscape_mdmp_memory_info,
        memscape_mdmp_linux_text,
        memscape_mdmp_linux_maps,
        memscape_mdmp_exception,
        memscape_mdmp_handles,
        memscape_mdmp_comments,
        memscape_mdmp_crashpad_info,
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0] && st == MEMSCAPE_OK; i++)
        st = steps[i](&md);
    return st;
}

const memscape_reader memscape_reader_minidump = {"minidump", minidump_probe, minidump_open};
