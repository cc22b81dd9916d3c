/* SPDX-License-Identifier: MIT */
/* The readable `memscape info` summary: header, exception, modules, threads, memory, handles,
 * notes and warnings, laid out like a debugger would (WinDbg-style addresses, `lm` module
 * list). Every string from the dump goes through cli_text_put() so a hostile dump cannot
 * drive the terminal. */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "json.h"
#include "text.h"

/* ---- terminal-safe strings -------------------------------------------------------------- */

/* Invisible characters that reorder or break the text around them ("Trojan Source",
 * CVE-2021-42574): shown as escapes so what is printed is what the dump holds. */
static int is_format_control(uint32_t cp)
{
    return cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

static void put_ascii_control(FILE *out, unsigned char c)
{
    if (c == '\n')
        fputs("\\n", out);
    else if (c == '\t')
        fputs("\\t", out);
    else if (c == '\r')
        fputs("\\r", out);
    else
        fprintf(out, "\\x%02x", c);
}

void cli_text_put(FILE *out, const char *s)
{
    if (!s) {
        fputs("-", out);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = cli_utf8_next(p + i, len - i, &cp);
        if (cp == CLI_UTF8_INVALID) {
            for (size_t k = 0; k < n; k++)
                fprintf(out, "\\x%02x", p[i + k]);
        } else if (cp < 0x20 || cp == 0x7f) {
            put_ascii_control(out, (unsigned char)cp);
        } else if ((cp >= 0x80 && cp <= 0x9f) || is_format_control(cp)) {
            fprintf(out, "\\u{%" PRIx32 "}", cp);
        } else {
            fwrite(p + i, 1, n, out);
        }
        i += n;
    }
}

/* ---- names for exception codes and streams ---------------------------------------------- */

typedef struct code_name {
    uint32_t code;
    const char *name;
} code_name;

/* NTSTATUS values from ntstatus.h / winnt.h (EXCEPTION_* aliases); 0xE06D7363 is the code the
 * Microsoft C++ runtime raises for `throw` ("\xE0msc"). */
static const code_name windows_codes[] = {
    {0x40010005u, "CONTROL_C_EXIT"},
    {0x406d1388u, "MS_VC_THREAD_NAME"},
    {0x80000001u, "GUARD_PAGE_VIOLATION"},
    {0x80000002u, "DATATYPE_MISALIGNMENT"},
    {0x80000003u, "BREAKPOINT"},
    {0x80000004u, "SINGLE_STEP"},
    {0xc0000005u, "ACCESS_VIOLATION"},
    {0xc0000006u, "IN_PAGE_ERROR"},
    {0xc0000008u, "INVALID_HANDLE"},
    {0xc000000du, "INVALID_PARAMETER"},
    {0xc0000017u, "NO_MEMORY"},
    {0xc000001du, "ILLEGAL_INSTRUCTION"},
    {0xc0000025u, "NONCONTINUABLE_EXCEPTION"},
    {0xc0000026u, "INVALID_DISPOSITION"},
    {0xc000008cu, "ARRAY_BOUNDS_EXCEEDED"},
    {0xc000008du, "FLOAT_DENORMAL_OPERAND"},
    {0xc000008eu, "FLOAT_DIVIDE_BY_ZERO"},
    {0xc000008fu, "FLOAT_INEXACT_RESULT"},
    {0xc0000090u, "FLOAT_INVALID_OPERATION"},
    {0xc0000091u, "FLOAT_OVERFLOW"},
    {0xc0000092u, "FLOAT_STACK_CHECK"},
    {0xc0000093u, "FLOAT_UNDERFLOW"},
    {0xc0000094u, "INTEGER_DIVIDE_BY_ZERO"},
    {0xc0000095u, "INTEGER_OVERFLOW"},
    {0xc0000096u, "PRIVILEGED_INSTRUCTION"},
    {0xc00000fdu, "STACK_OVERFLOW"},
    {0xc0000135u, "DLL_NOT_FOUND"},
    {0xc0000142u, "DLL_INIT_FAILED"},
    {0xc0000194u, "POSSIBLE_DEADLOCK"},
    {0xc0000374u, "HEAP_CORRUPTION"},
    {0xc0000409u, "STACK_BUFFER_OVERRUN"},
    {0xc0000417u, "INVALID_CRUNTIME_PARAMETER"},
    {0xc0000420u, "ASSERTION_FAILURE"},
    {0xc0000602u, "FAIL_FAST_EXCEPTION"},
    {0xc06d007eu, "DELAYLOAD_MODULE_NOT_FOUND"},
    {0xc06d007fu, "DELAYLOAD_PROC_NOT_FOUND"},
    {0xe06d7363u, "C++ exception"},
};

/* Linux numbering (asm-generic/signal.h, also x86, ARM, PowerPC, s390, RISC-V). */
static const char *const linux_signals[] = {
    NULL,       "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",    "SIGTRAP",   "SIGABRT",
    "SIGBUS",   "SIGFPE",  "SIGKILL",   "SIGUSR1", "SIGSEGV",   "SIGUSR2",   "SIGPIPE",
    "SIGALRM",  "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP",   "SIGTSTP",
    "SIGTTIN",  "SIGTTOU", "SIGURG",    "SIGXCPU", "SIGXFSZ",   "SIGVTALRM", "SIGPROF",
    "SIGWINCH", "SIGIO",   "SIGPWR",    "SIGSYS",
};

/* BSD numbering (macOS and iOS sys/signal.h, FreeBSD, NetBSD). */
static const char *const bsd_signals[] = {
    NULL,      "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT",
    "SIGEMT",  "SIGFPE",  "SIGKILL",   "SIGBUS",  "SIGSEGV",  "SIGSYS",  "SIGPIPE",
    "SIGALRM", "SIGTERM", "SIGURG",    "SIGSTOP", "SIGTSTP",  "SIGCONT", "SIGCHLD",
    "SIGTTIN", "SIGTTOU", "SIGIO",     "SIGXCPU", "SIGXFSZ",  "SIGVTALRM", "SIGPROF",
    "SIGWINCH", "SIGINFO", "SIGUSR1",  "SIGUSR2",
};

/* Mach exception types (mach/exception_types.h), which Breakpad and Crashpad record as the
 * exception code on macOS and iOS. */
static const char *const mach_exceptions[] = {
    NULL,           "EXC_BAD_ACCESS", "EXC_BAD_INSTRUCTION", "EXC_ARITHMETIC",
    "EXC_EMULATION", "EXC_SOFTWARE",  "EXC_BREAKPOINT",      "EXC_SYSCALL",
    "EXC_MACH_SYSCALL", "EXC_RPC_ALERT", "EXC_CRASH",        "EXC_RESOURCE",
    "EXC_GUARD",    "EXC_CORPSE_NOTIFY",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *table_name(const char *const *names, size_t count, uint32_t code)
{
    return code < count ? names[code] : NULL;
}

static const char *signal_name(uint32_t signo, memscape_os os)
{
    switch (os) {
    case MEMSCAPE_OS_MACOS:
    case MEMSCAPE_OS_IOS:
    case MEMSCAPE_OS_FREEBSD:
    case MEMSCAPE_OS_NETBSD:
        return table_name(bsd_signals, COUNT(bsd_signals), signo);
    case MEMSCAPE_OS_SOLARIS:
        /* Solaris agrees with BSD only up to SIGTERM. */
        return signo <= 15 ? table_name(bsd_signals, COUNT(bsd_signals), signo) : NULL;
    default:
        return table_name(linux_signals, COUNT(linux_signals), signo);
    }
}

/* Breakpad on Linux and Android stores the signal number as the exception code, and its
 * si_code as the flags, even where a reader does not mark the record as a signal. */
static int code_is_signal(const memscape_exception *ex, memscape_os os)
{
    return ex->is_signal || os == MEMSCAPE_OS_LINUX || os == MEMSCAPE_OS_ANDROID;
}

const char *cli_exception_name(const memscape_exception *ex, memscape_os os)
{
    if (code_is_signal(ex, os))
        return signal_name(ex->code, os);
    if (os == MEMSCAPE_OS_MACOS || os == MEMSCAPE_OS_IOS) {
        /* Crashpad's own codes (util/mach/mach_extensions.h): a dump taken without a crash,
         * and an uncaught NSException on iOS. */
        if (ex->code == 0x43505378u)
            return "CRASHPAD_SIMULATED";
        if (ex->code == 0x43506e78u)
            return "CRASHPAD_NSEXCEPTION";
        return table_name(mach_exceptions, COUNT(mach_exceptions), ex->code);
    }
    for (size_t i = 0; i < COUNT(windows_codes); i++)
        if (windows_codes[i].code == ex->code)
            return windows_codes[i].name;
    return NULL;
}

/* FAST_FAIL_* codes (winnt.h): the first parameter of STATUS_STACK_BUFFER_OVERRUN. */
static const char *const fast_fail_codes[] = {
    "LEGACY_GS_VIOLATION",     "VTGUARD_CHECK_FAILURE",     "STACK_COOKIE_CHECK_FAILURE",
    "CORRUPT_LIST_ENTRY",      "INCORRECT_STACK",           "INVALID_ARG",
    "GS_COOKIE_INIT",          "FATAL_APP_EXIT",            "RANGE_CHECK_FAILURE",
    "UNSAFE_REGISTRY_ACCESS",  "GUARD_ICALL_CHECK_FAILURE", "GUARD_WRITE_CHECK_FAILURE",
    "INVALID_FIBER_SWITCH",    "INVALID_SET_OF_CONTEXT",    "INVALID_REFERENCE_COUNT",
};

/* Minidump stream types: minidumpapiset.h MINIDUMP_STREAM_TYPE, then the Breakpad
 * (0x4767....), Crashpad (0x4350....) and Mozilla (0x4d7a....) extensions. */
static const code_name stream_types[] = {
    {0, "Unused"},
    {3, "ThreadList"},
    {4, "ModuleList"},
    {5, "MemoryList"},
    {6, "Exception"},
    {7, "SystemInfo"},
    {8, "ThreadExList"},
    {9, "Memory64List"},
    {10, "CommentStreamA"},
    {11, "CommentStreamW"},
    {12, "HandleData"},
    {13, "FunctionTable"},
    {14, "UnloadedModuleList"},
    {15, "MiscInfo"},
    {16, "MemoryInfoList"},
    {17, "ThreadInfoList"},
    {18, "HandleOperationList"},
    {19, "Token"},
    {20, "JavaScriptData"},
    {21, "SystemMemoryInfo"},
    {22, "ProcessVmCounters"},
    {23, "IptTrace"},
    {24, "ThreadNames"},
    {0x43500001u, "CrashpadInfo"},
    {0x47670001u, "BreakpadInfo"},
    {0x47670002u, "BreakpadAssertionInfo"},
    {0x47670003u, "LinuxCpuInfo"},
    {0x47670004u, "LinuxProcStatus"},
    {0x47670005u, "LinuxLsbRelease"},
    {0x47670006u, "LinuxCmdLine"},
    {0x47670007u, "LinuxEnviron"},
    {0x47670008u, "LinuxAuxv"},
    {0x47670009u, "LinuxMaps"},
    {0x4767000au, "LinuxDsoDebug"},
    {0x4d7a0001u, "MozMacosCrashInfo"},
    {0x4d7a0002u, "MozMacosBootargs"},
    {0x4d7a0003u, "MozLinuxLimits"},
    {0x4d7a0004u, "MozSoftErrors"},
};

const char *cli_stream_name(uint32_t type)
{
    for (size_t i = 0; i < COUNT(stream_types); i++)
        if (stream_types[i].code == type)
            return stream_types[i].name;
    return NULL;
}

/* ---- the summary ------------------------------------------------------------------------ */

typedef struct view {
    FILE *out;
    const memscape_space *space;
    const memscape_system *sys;
    unsigned ptr;   /* pointer size used to format addresses */
    int width;      /* characters in a formatted address */
} view;

static const char *addr(const view *v, uint64_t a, char buf[32])
{
    return cli_format_windbg(a, v->ptr, buf);
}

static uint64_t end_of(uint64_t base, uint64_t size)
{
    return size > UINT64_MAX - base ? UINT64_MAX : base + size;
}

static const char *hex(uint64_t v, char buf[24])
{
    snprintf(buf, 24, "0x%" PRIx64, v);
    return buf;
}

static uint64_t add_saturating(uint64_t a, uint64_t b)
{
    return end_of(a, b);
}

/* UTC date, or the bare number when it is past what a calendar date can show. */
static const char *format_unix_time(uint64_t t, char buf[48])
{
    const uint64_t year_10000 = 253402300800u;
    struct tm tm;
    time_t tt = (time_t)t;
    if (t >= year_10000 || !gmtime_r(&tt, &tm) ||
        strftime(buf, 48, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
        snprintf(buf, 48, "%" PRIu64, t);
    return buf;
}

static void print_label(const view *v, const char *label)
{
    fprintf(v->out, "%-15s", label);
}

static void print_system(const view *v)
{
    const memscape_system *s = v->sys;
    print_label(v, "System:");
    fprintf(v->out, "%s %s", memscape_os_name(s->os), memscape_arch_name(s->arch));
    if (s->pointer_size)
        fprintf(v->out, ", %" PRIu32 "-byte pointers", s->pointer_size);
    fprintf(v->out, ", %s-endian", s->big_endian ? "big" : "little");
    if (s->cpu_count)
        fprintf(v->out, ", %" PRIu32 " CPU%s", s->cpu_count, s->cpu_count == 1 ? "" : "s");
    fputc('\n', v->out);
    if (s->os_major || s->os_minor || s->os_build || (s->os_detail && *s->os_detail)) {
        print_label(v, "OS version:");
        fprintf(v->out, "%" PRIu32 ".%" PRIu32 ".%" PRIu32, s->os_major, s->os_minor,
                s->os_build);
        if (s->os_detail && *s->os_detail) {
            fputc(' ', v->out);
            cli_text_put(v->out, s->os_detail);
        }
        fputc('\n', v->out);
    }
}

static void print_process(const view *v)
{
    const memscape_system *s = v->sys;
    char when[48];
    if (s->process_id || s->process_name) {
        print_label(v, "Process:");
        if (s->process_id)
            fprintf(v->out, "pid %" PRIu32 "%s", s->process_id, s->process_name ? " " : "");
        if (s->process_name)
            cli_text_put(v->out, s->process_name);
        fputc('\n', v->out);
    }
    if (s->command_line) {
        print_label(v, "Command line:");
        cli_text_put(v->out, s->command_line);
        fputc('\n', v->out);
    }
    if (s->create_time) {
        print_label(v, "Process start:");
        fprintf(v->out, "%s\n", format_unix_time(s->create_time, when));
    }
    if (s->dump_time) {
        print_label(v, "Dump time:");
        fprintf(v->out, "%s\n", format_unix_time(s->dump_time, when));
    }
}

static void print_header(const view *v, const char *path, uint64_t file_size)
{
    print_label(v, "File:");
    cli_text_put(v->out, path);
    fprintf(v->out, " (%" PRIu64 " bytes)\n", file_size);
    print_label(v, "Format:");
    fprintf(v->out, "%s", memscape_format_name(v->sys->format));
    size_t streams;
    memscape_space_streams(v->space, &streams);
    if (v->sys->format == MEMSCAPE_FORMAT_MINIDUMP)
        fprintf(v->out, ", %zu streams", streams);
    fputc('\n', v->out);
    print_system(v);
    print_process(v);
}

/* What the parameters of the commonest Windows exceptions mean (EXCEPTION_RECORD docs). */
static void print_exception_detail(const view *v, const memscape_exception *ex)
{
    char a[32];
    int windows = !code_is_signal(ex, v->sys->os) && (v->sys->os == MEMSCAPE_OS_WINDOWS ||
                                     v->sys->os == MEMSCAPE_OS_UNKNOWN);
    if (!windows)
        return;
    if ((ex->code == 0xc0000005u || ex->code == 0xc0000006u) && ex->parameter_count >= 2) {
        const char *what = ex->parameters[0] == 0   ? "read from"
                           : ex->parameters[0] == 1 ? "write to"
                           : ex->parameters[0] == 8 ? "execute at"
                                                    : "access to";
        fprintf(v->out, "  detail       %s %s\n", what, addr(v, ex->parameters[1], a));
    } else if (ex->code == 0xc0000409u && ex->parameter_count >= 1) {
        uint64_t code = ex->parameters[0];
        const char *name = code < COUNT(fast_fail_codes) ? fast_fail_codes[code] : NULL;
        fprintf(v->out, "  detail       fast fail code %" PRIu64 "%s%s\n", code,
                name ? " FAST_FAIL_" : "", name ? name : "");
    }
}

static void print_exception(const view *v)
{
    const memscape_exception *ex = memscape_space_exception(v->space);
    if (!ex) {
        /* Worth saying: no crash recorded is itself a finding (a dump taken on purpose). */
        if (v->sys->format != MEMSCAPE_FORMAT_RAW) {
            fputc('\n', v->out);
            print_label(v, "Exception:");
            fputs(v->sys->format == MEMSCAPE_FORMAT_ELF_CORE
                      ? "none (no thread had a signal pending: taken on purpose, e.g. gcore)\n"
                      : "none recorded\n",
                  v->out);
        }
        return;
    }
    char a[32], b[32];
    const char *name = cli_exception_name(ex, v->sys->os);
    fputc('\n', v->out);
    print_label(v, code_is_signal(ex, v->sys->os) ? "Signal:" : "Exception:");
    int is_signal = code_is_signal(ex, v->sys->os);
    if (name && is_signal)
        fprintf(v->out, "%s (signal %" PRIu32 ")", name, ex->code);
    else if (name)
        fprintf(v->out, "%s (0x%08" PRIx32 ")", name, ex->code);
    else
        fprintf(v->out, "0x%08" PRIx32, ex->code);
    fprintf(v->out, " on thread 0x%" PRIx32 " (%" PRIu32 ")\n", ex->thread_id, ex->thread_id);
    if (code_is_signal(ex, v->sys->os))
        fprintf(v->out, "  address      %s   si_code %" PRId32 "\n", addr(v, ex->address, a),
                (int32_t)ex->flags); /* an int: SI_USER is 0, SI_TKILL -6 */
    else
        fprintf(v->out, "  address      %s   flags 0x%" PRIx32 "\n", addr(v, ex->address, a),
                ex->flags);
    if (ex->parameter_count) {
        fputs("  parameters  ", v->out);
        uint32_t n = ex->parameter_count;
        if (n > MEMSCAPE_MAX_EXCEPTION_PARAMETERS)
            n = MEMSCAPE_MAX_EXCEPTION_PARAMETERS;
        for (uint32_t i = 0; i < n; i++)
            fprintf(v->out, " 0x%" PRIx64, ex->parameters[i]);
        fputc('\n', v->out);
    }
    print_exception_detail(v, ex);
    if (ex->has_context)
        fprintf(v->out, "  context      pc %s  sp %s\n", addr(v, ex->pc, a), addr(v, ex->sp, b));
}

static void print_module_list(const view *v, const char *title, const memscape_module *m,
                              size_t count)
{
    char a[32], b[32];
    fprintf(v->out, "\n%s (%zu):\n", title, count);
    if (count == 0)
        return;
    fprintf(v->out, "  %-*s %-*s  name\n", v->width, "start", v->width, "end");
    for (size_t i = 0; i < count; i++) {
        fprintf(v->out, "  %s %s  ", addr(v, m[i].base, a),
                addr(v, end_of(m[i].base, m[i].size), b));
        cli_text_put(v->out, m[i].name);
        if (m[i].has_version)
            fprintf(v->out, "  (%u.%u.%u.%u)", m[i].version[0], m[i].version[1],
                    m[i].version[2], m[i].version[3]);
        fputc('\n', v->out);
    }
}

static void print_modules(const view *v)
{
    size_t count;
    const memscape_module *m = memscape_space_modules(v->space, &count);
    print_module_list(v, "Modules", m, count);
    m = memscape_space_unloaded_modules(v->space, &count);
    if (count)
        print_module_list(v, "Unloaded modules", m, count);
}

static void print_thread(const view *v, size_t index, const memscape_thread *t,
                         const memscape_exception *ex)
{
    char a[32], b[32], id[32];
    snprintf(id, sizeof id, "0x%" PRIx32 " (%" PRIu32 ")", t->id, t->id);
    /* '#' marks the thread the exception happened on, as WinDbg's ~ command does. */
    fprintf(v->out, "  %c%4zu  %-18s ", ex && ex->thread_id == t->id ? '#' : ' ', index, id);
    if (t->has_context)
        fprintf(v->out, "%s %s ", addr(v, t->pc, a), addr(v, t->sp, b));
    else
        fprintf(v->out, "%-*s %-*s ", v->width, "-", v->width, "-");
    char stack[80] = "-";
    if (t->stack_size)
        snprintf(stack, sizeof stack, "%s-%s", addr(v, t->stack_base, a),
                 addr(v, end_of(t->stack_base, t->stack_size), b));
    if (t->name) {
        fprintf(v->out, "%-*s  ", 2 * v->width + 1, stack);
        cli_text_put(v->out, t->name);
    } else {
        fputs(stack, v->out);
    }
    fputc('\n', v->out);
}

static void print_threads(const view *v)
{
    size_t count;
    const memscape_thread *t = memscape_space_threads(v->space, &count);
    const memscape_exception *ex = memscape_space_exception(v->space);
    fprintf(v->out, "\nThreads (%zu):\n", count);
    if (count == 0)
        return;
    fprintf(v->out, "  %5s  %-18s %-*s %-*s %-*s  name\n", "#", "id", v->width, "pc", v->width,
            "sp", 2 * v->width + 1, "stack");
    for (size_t i = 0; i < count; i++)
        print_thread(v, i, &t[i], ex);
}

typedef struct tally {
    size_t count;
    uint64_t bytes;
} tally;

static void print_tally(const view *v, const char *name, const tally *t)
{
    if (t->count)
        fprintf(v->out, "    %-14s %8zu  0x%" PRIx64 " bytes\n", name, t->count, t->bytes);
}

static void print_memory_summary(const view *v)
{
    size_t count;
    const memscape_range *r = memscape_space_ranges(v->space, &count);
    uint64_t bytes = 0;
    for (size_t i = 0; i < count; i++)
        bytes = add_saturating(bytes, r[i].size);
    fputc('\n', v->out);
    print_label(v, "Memory:");
    fprintf(v->out, "%zu range%s in the file, 0x%" PRIx64 " (%" PRIu64 ") bytes\n", count,
            count == 1 ? "" : "s", bytes, bytes);

    const memscape_region *g = memscape_space_regions(v->space, &count);
    tally by_state[MEMSCAPE_STATE_FREE + 1] = {{0}};
    tally by_usage[MEMSCAPE_USAGE_HEAP + 1] = {{0}};
    for (size_t i = 0; i < count; i++) {
        if ((unsigned)g[i].state < COUNT(by_state)) {
            by_state[g[i].state].count++;
            by_state[g[i].state].bytes = add_saturating(by_state[g[i].state].bytes, g[i].size);
        }
        if ((unsigned)g[i].usage < COUNT(by_usage)) {
            by_usage[g[i].usage].count++;
            by_usage[g[i].usage].bytes = add_saturating(by_usage[g[i].usage].bytes, g[i].size);
        }
    }
    print_label(v, "Regions:");
    fprintf(v->out, "%zu\n  by state:\n", count);
    for (unsigned s = 0; s < COUNT(by_state); s++)
        print_tally(v, memscape_state_name((memscape_state)s), &by_state[s]);
    fputs("  by usage:\n", v->out);
    for (unsigned u = 0; u < COUNT(by_usage); u++)
        print_tally(v, memscape_usage_name((memscape_usage)u), &by_usage[u]);
}

static void print_handles(const view *v)
{
    const memscape_handles *h = memscape_space_handles(v->space);
    if (!h || !h->present)
        return;
    print_label(v, "Handles:");
    fprintf(v->out, "%" PRIu32, h->count);
    for (uint32_t i = 0; i < h->type_count; i++) {
        fputs(i == 0 ? " (" : ", ", v->out);
        cli_text_put(v->out, h->types[i].type);
        fprintf(v->out, " %" PRIu32, h->types[i].count);
    }
    fputs(h->type_count ? ")\n" : "\n", v->out);
}

/* Tags shown in the summary: !poolused lists hundreds, the largest tell the story. */
#define SUMMARY_POOL_TAGS 10u

static uint64_t add_saturated(uint64_t a, uint64_t b)
{
    return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

/* The tags' indexes by bytes in both pools, largest first (at most max): an insertion into
 * a short sorted list, one pass over the tags. */
static size_t largest_pool_tags(const memscape_pool_usage *pool, size_t *order, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < pool->tag_count; i++) {
        const memscape_pool_tag *t = &pool->tags[i];
        uint64_t bytes = add_saturated(t->nonpaged_bytes, t->paged_bytes);
        size_t at = n < max ? n++ : max;
        while (at > 0) {
            const memscape_pool_tag *u = &pool->tags[order[at - 1]];
            if (add_saturated(u->nonpaged_bytes, u->paged_bytes) >= bytes)
                break;
            if (at < max)
                order[at] = order[at - 1];
            at--;
        }
        if (at < max)
            order[at] = i;
    }
    return n;
}

static void print_pool(const view *v)
{
    const memscape_pool_usage *pool = memscape_space_pool(v->space);
    if (!pool->present)
        return;
    fprintf(v->out, "\nPool usage (%zu !vm counters, %zu !poolused tags):\n",
            pool->counter_count, pool->tag_count);
    for (size_t i = 0; i < pool->counter_count; i++) {
        const memscape_vm_counter *c = &pool->counters[i];
        fputs("  ", v->out);
        cli_text_put(v->out, c->name);
        if (c->kb || c->pages)
            fprintf(v->out, ": %" PRIu64 " pages, %" PRIu64 " Kb", c->pages, c->kb);
        fputc('\n', v->out);
    }
    if (pool->page_file_max_kb)
        fprintf(v->out, "  page files, maximum: %" PRIu64 " Kb\n", pool->page_file_max_kb);
    if (pool->failed_allocations)
        fprintf(v->out, "  failed pool allocations: %" PRIu64 "\n", pool->failed_allocations);
    size_t order[SUMMARY_POOL_TAGS];
    size_t shown = largest_pool_tags(pool, order, SUMMARY_POOL_TAGS);
    if (shown)
        fputs("  tag   nonpaged allocs    bytes   paged allocs       bytes\n", v->out);
    for (size_t i = 0; i < shown; i++) {
        const memscape_pool_tag *t = &pool->tags[order[i]];
        fputs("  ", v->out);
        cli_text_put(v->out, t->tag);
        fprintf(v->out, "  %10" PRIu64 " %12" PRIu64 " %10" PRIu64 " %14" PRIu64 "\n",
                t->nonpaged_allocs, t->nonpaged_bytes, t->paged_allocs, t->paged_bytes);
    }
    if (pool->tag_count > shown)
        fprintf(v->out, "  ... and %zu more tags (render --view pool draws them all)\n",
                pool->tag_count - shown);
}

static void print_notes(const view *v)
{
    size_t count;
    const memscape_note *n = memscape_space_notes(v->space, &count);
    if (count == 0)
        return;
    fprintf(v->out, "\nNotes (%zu):\n", count);
    for (size_t i = 0; i < count; i++) {
        fputs("  ", v->out);
        if (n[i].key) {
            cli_text_put(v->out, n[i].key);
            fputs(" = ", v->out);
        }
        cli_text_put(v->out, n[i].value);
        fputc('\n', v->out);
    }
}

/* A badly truncated dump warns once per lost range: the summary shows the first few. */
#define SUMMARY_WARNINGS 8u

static void print_warnings(const view *v, int all)
{
    size_t count, total;
    const memscape_warning *w = memscape_space_warnings(v->space, &count, &total);
    fputc('\n', v->out);
    print_label(v, "Warnings:");
    fprintf(v->out, "%zu\n", total);
    size_t shown = all || count <= SUMMARY_WARNINGS ? count : SUMMARY_WARNINGS;
    for (size_t i = 0; i < shown; i++) {
        fputs("  ", v->out);
        if (w[i].offset != MEMSCAPE_NO_OFFSET)
            fprintf(v->out, "offset 0x%" PRIx64 ": ", w[i].offset);
        cli_text_put(v->out, w[i].message);
        fputc('\n', v->out);
    }
    if (shown < count)
        fprintf(v->out, "  ... and %zu more (--warnings shows them)\n", count - shown);
    if (total > count)
        fprintf(v->out, "  ... and %zu more not kept\n", total - count);
}

static void print_range_table(const view *v)
{
    char a[32], b[32], size[24], off[24];
    size_t count;
    const memscape_range *r = memscape_space_ranges(v->space, &count);
    fprintf(v->out, "\nMemory ranges (%zu), in the dump's order:\n", count);
    fprintf(v->out, "  %6s  %-*s %-*s %-12s %s\n", "#", v->width, "base", v->width, "end", "size",
            "file offset");
    for (size_t i = 0; i < count; i++)
        fprintf(v->out, "  %6zu  %s %s %-12s %s\n", i, addr(v, r[i].base, a),
                addr(v, end_of(r[i].base, r[i].size), b), hex(r[i].size, size),
                hex(r[i].file_offset, off));
}

/* Whose region it is: the module, the thread, or the name the dump gives the mapping. */
static void print_region_owner(const view *v, const memscape_region *g, int pad)
{
    size_t modules, threads;
    const memscape_module *m = memscape_space_modules(v->space, &modules);
    const memscape_thread *t = memscape_space_threads(v->space, &threads);
    /* Padding only in front of an owner, so rows without one end without blanks. */
    if (g->module_index < modules || g->thread_index < threads || g->name)
        fprintf(v->out, "%*s", pad > 1 ? pad : 1, "");
    if (g->module_index < modules) {
        cli_text_put(v->out, m[g->module_index].name);
    } else if (g->thread_index < threads) {
        fprintf(v->out, "thread 0x%" PRIx32, t[g->thread_index].id);
        if (g->name) {
            fputc(' ', v->out);
            cli_text_put(v->out, g->name);
        }
    } else if (g->name) {
        cli_text_put(v->out, g->name);
    }
}

static void print_region_table(const view *v)
{
    char a[32], b[32], prot[64], size[24], off[24];
    size_t count;
    const memscape_region *g = memscape_space_regions(v->space, &count);
    fprintf(v->out, "\nRegions (%zu), in address order:\n", count);
    fprintf(v->out, "  %-*s %-*s %-12s %-12s %-8s %-10s %-11s %-12s owner\n", v->width, "base",
            v->width, "end", "size", "state", "type", "protect", "usage", "file offset");
    for (size_t i = 0; i < count; i++) {
        if (g[i].file_offset == MEMSCAPE_NO_OFFSET)
            snprintf(off, sizeof off, "-");
        else
            hex(g[i].file_offset, off);
        fprintf(v->out, "  %s %s %-12s %-12s %-8s %-10s %-11s %s", addr(v, g[i].base, a),
                addr(v, end_of(g[i].base, g[i].size), b), hex(g[i].size, size),
                memscape_state_name(g[i].state), memscape_type_name(g[i].type),
                memscape_protect_format(g[i].protect, prot, sizeof prot),
                memscape_usage_name(g[i].usage), off);
        print_region_owner(v, &g[i], 13 - (int)strlen(off));
        fputc('\n', v->out);
    }
}

void cli_text_summary(FILE *out, const char *path, const memscape_dump *dump,
                      const cli_text_options *opts)
{
    view v = {0};
    v.out = out;
    v.space = memscape_dump_space(dump);
    v.sys = memscape_space_system(v.space);
    /* Without a known pointer size, show 64-bit addresses: they fit every value. */
    v.ptr = v.sys->pointer_size == 4 ? 4 : 8;
    v.width = v.ptr == 4 ? 8 : 17;
    print_header(&v, path, memscape_dump_file_size(dump));
    print_exception(&v);
    print_modules(&v);
    print_threads(&v);
    print_memory_summary(&v);
    print_handles(&v);
    print_pool(&v);
    print_notes(&v);
    print_warnings(&v, opts->warnings);
    if (opts->memory)
        print_range_table(&v);
    if (opts->regions)
        print_region_table(&v);
}
