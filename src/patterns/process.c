/* SPDX-License-Identifier: MIT */
/* Patterns of the process as a whole, read from its lists alone: modules, unloaded modules,
 * threads' CPU times, handles, comments and annotations, and the reader's warnings. None of
 * them reads memory, so each costs one pass over a list the limits already bound. */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "patterns/detector.h"
#include "util/checked.h"
#include "util/text.h"

/* How many names, comments or warnings a finding quotes: enough to recognise, few enough to
 * read at a glance. */
#define QUOTED_ITEMS 4u
/* Bytes of one quoted comment or annotation value; longer ones are cut (at a UTF-8 boundary). */
#define QUOTED_BYTES 160u

/* ---- text helpers ------------------------------------------------------------------------ */

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Path characters compared the way Windows and POSIX paths both read: case-folded ASCII,
 * '\' taken as '/'. */
static int path_char(char c)
{
    return c == '\\' ? '/' : ascii_lower((unsigned char)c);
}

/* Does text start with prefix (prefix in lower case, '/' for either separator)? */
static int starts_with_fold(const char *text, const char *prefix)
{
    for (; *prefix; text++, prefix++)
        if (!*text || path_char(*text) != *prefix)
            return 0;
    return 1;
}

/* Does text contain needle (lower case, '/' for either separator) anywhere? */
static int contains_fold(const char *text, const char *needle)
{
    for (; *text; text++)
        if (starts_with_fold(text, needle))
            return 1;
    return 0;
}

/* Basename of a path with '/' or '\' separators. */
/* Is the basename exactly name (lower case), ignoring case? */
static int base_is(const char *path, const char *name)
{
    const char *base = memscape_path_base_name(path);
    return starts_with_fold(base, name) && base[strlen(name)] == '\0';
}

/* How many bytes of text to quote: at most limit, never cutting a UTF-8 sequence in two. */
static int quoted_length(const char *text, size_t limit)
{
    size_t n = strlen(text);
    if (n <= limit)
        return (int)n;
    n = limit;
    while (n > 0 && ((unsigned char)text[n] & 0xC0u) == 0x80u)
        n--;
    return (int)n;
}

static const char *cut_mark(const char *text, size_t limit)
{
    return strlen(text) > limit ? "..." : "";
}

/* Evidence is one value per key (JSON writes it as an object): several names go into one
 * value, "a.dll, b.dll, ...", and numbered items take numbered keys, literals all. */
static const char *const comment_keys[QUOTED_ITEMS] = {"comment1", "comment2", "comment3",
                                                       "comment4"};
static const char *const annotation_keys[QUOTED_ITEMS] = {"annotation1", "annotation2",
                                                          "annotation3", "annotation4"};
static const char *const warning_keys[QUOTED_ITEMS] = {"warning1", "warning2", "warning3",
                                                       "warning4"};

/* Names joined by ", ", up to a line's worth; "..." says some did not fit. */
typedef struct name_list {
    char text[256];
    size_t len;
    int full;
} name_list;

static void list_add(name_list *l, const char *name)
{
    static const char more[] = "...";
    if (l->full)
        return;
    const char *sep = l->len ? ", " : "";
    size_t need = strlen(sep) + strlen(name);
    size_t room = sizeof l->text - 1 - l->len;
    if (need + strlen(", ...") <= room) {
        l->len += (size_t)snprintf(l->text + l->len, room + 1, "%s%s", sep, name);
        return;
    }
    l->full = 1;
    if (l->len) {
        snprintf(l->text + l->len, room + 1, ", %s", more);
        return;
    }
    /* A first name longer than the line: its head. */
    snprintf(l->text, sizeof l->text, "%.*s%s",
             quoted_length(name, sizeof l->text - sizeof more), name, more);
}

/* A module's finding: its name and base address. */
static memscape_finding *report_module(memscape_detection *d, const char *id,
                                       const memscape_module *m)
{
    memscape_finding *f = memscape_detection_add(d, id);
    if (f && m) {
        f->has_address = 1;
        f->address = m->base;
        memscape_detection_module(d, f, m->name);
    }
    return f;
}

/* ---- cloud-environment ------------------------------------------------------------------- */

/* Modules that only a cloud platform's own processes load, or that talk to its services.
 * Azure: the guest and role agents are Wa<Name> (WaAppAgent.exe, WaSecAgentProv.dll,
 * WaWorkerHost.exe, WaRuntimeProxy.dll, WaIISHost.exe, WaHostBootstrapper.exe; Vostokov's
 * Cloud Environment pattern looks for "lm m Wa*"), and its SDKs and agents carry "Azure" in
 * their names (Microsoft.WindowsAzure.*.dll, WindowsAzureGuestAgent.exe). "Wa" is matched with
 * its case and an upper-case letter after it, as those names are written: folded, it would
 * take in Windows' own wavemsp.dll, wab32.dll, wavedest.dll. AWS: the Systems Manager agent
 * (amazon-ssm-agent, ssm-agent-worker), the EC2Config and EC2Launch services, the .NET SDK
 * (AWSSDK.*.dll) and the C++ SDK (libaws-cpp-sdk-*). Google Cloud: the Compute Engine guest
 * agents (google_guest_agent, GCEWindowsAgent.exe, google_osconfig_agent) and the .NET client
 * libraries (Google.Cloud.*.dll). */
typedef enum cloud_match { MATCH_PREFIX, MATCH_CONTAINS } cloud_match;

static const struct {
    const char *platform;
    cloud_match match;
    const char *text;           /* lower case */
} cloud_names[] = {
    {"Azure", MATCH_CONTAINS, "azure"},
    {"AWS", MATCH_PREFIX, "amazon-ssm-agent"},
    {"AWS", MATCH_PREFIX, "ssm-agent-worker"},
    {"AWS", MATCH_PREFIX, "ec2config"},
    {"AWS", MATCH_PREFIX, "ec2launch"},
    {"AWS", MATCH_PREFIX, "awssdk."},
    {"AWS", MATCH_PREFIX, "libaws-cpp-sdk-"},
    {"Google Cloud", MATCH_PREFIX, "google_guest_agent"},
    {"Google Cloud", MATCH_PREFIX, "gcewindowsagent"},
    {"Google Cloud", MATCH_PREFIX, "google_osconfig_agent"},
    {"Google Cloud", MATCH_PREFIX, "google.cloud."},
};

#define CLOUD_NAME_COUNT (sizeof cloud_names / sizeof cloud_names[0])

static int is_azure_agent(const char *base)
{
    return base[0] == 'W' && base[1] == 'a' && base[2] >= 'A' && base[2] <= 'Z';
}

/* The platform whose module this is, or NULL. */
static const char *cloud_platform(const char *path)
{
    const char *base = memscape_path_base_name(path);
    if (is_azure_agent(base))
        return "Azure";
    for (size_t i = 0; i < CLOUD_NAME_COUNT; i++) {
        int hit = cloud_names[i].match == MATCH_PREFIX ? starts_with_fold(base, cloud_names[i].text)
                                                       : contains_fold(base, cloud_names[i].text);
        if (hit)
            return cloud_names[i].platform;
    }
    return NULL;
}

/* One finding per platform: its first module, how many, and the first few names. */
static void report_cloud_platform(memscape_detection *d, const char *platform,
                                  const memscape_module *modules, size_t n)
{
    size_t count = 0, first = n;
    for (size_t i = 0; i < n; i++) {
        const char *p = cloud_platform(modules[i].name);
        if (p && strcmp(p, platform) == 0) {
            first = first < n ? first : i;
            count++;
        }
    }
    if (count == 0 || !report_module(d, "cloud-environment", &modules[first]))
        return;
    memscape_detection_evidence(d, "platform", "%s", platform);
    memscape_detection_evidence(d, "modules", "%zu", count);
    name_list names = {0};
    for (size_t i = first; i < n; i++) {
        const char *p = cloud_platform(modules[i].name);
        if (p && strcmp(p, platform) == 0)
            list_add(&names, memscape_path_base_name(modules[i].name));
    }
    memscape_detection_evidence(d, "names", "%s", names.text);
}

static void detect_cloud_environment(memscape_detection *d)
{
    static const char *const platforms[] = {"Azure", "AWS", "Google Cloud"};
    size_t n;
    const memscape_module *modules = memscape_space_modules(d->space, &n);
    for (size_t k = 0; k < sizeof platforms / sizeof platforms[0]; k++)
        report_cloud_platform(d, platforms[k], modules, n);
}

/* ---- wow64 ------------------------------------------------------------------------------- */

/* WOW64, the layer that runs 32-bit processes on 64-bit Windows, lives in the process it runs:
 * wow64.dll (the layer), wow64win.dll (win32k thunks), wow64cpu.dll (x64: the CPU switch),
 * wowarmhw.dll and xtajit.dll (ARM64: ARM32 and x86 guests). A native process never loads
 * them. A 32-bit process loads its system DLLs from SysWOW64 (x86 guests) or SysArm32, which
 * exist only on 64-bit Windows. Either is seen in a 64-bit dump of the process and in a 32-bit
 * one its own dbghelp wrote, which lists wow64cpu.dll or SysWOW64 paths too (the corpus has
 * both kinds of 32-bit dump). */
static int is_wow64_layer(const char *path)
{
    static const char *const layer[] = {"wow64.dll", "wow64win.dll", "wow64cpu.dll",
                                        "wowarmhw.dll", "xtajit.dll"};
    for (size_t i = 0; i < sizeof layer / sizeof layer[0]; i++)
        if (base_is(path, layer[i]))
            return 1;
    return 0;
}

static int is_wow64_guest_module(const char *path)
{
    return contains_fold(path, "/syswow64/") || contains_fold(path, "/sysarm32/");
}

static void detect_wow64(memscape_detection *d)
{
    const memscape_system *sys = memscape_space_system(d->space);
    if (sys->os != MEMSCAPE_OS_WINDOWS && sys->os != MEMSCAPE_OS_UNKNOWN)
        return;
    size_t n, layer = 0, guest = 0;
    const memscape_module *modules = memscape_space_modules(d->space, &n);
    const memscape_module *first = NULL;
    for (size_t i = 0; i < n; i++) {
        if (is_wow64_layer(modules[i].name)) {
            first = first ? first : &modules[i];
            layer++;
        } else if (is_wow64_guest_module(modules[i].name)) {
            guest++;
        }
    }
    if (layer == 0 && guest == 0)
        return;
    if (!report_module(d, "wow64", first))
        return;
    if (sys->pointer_size == 4 || sys->pointer_size == 8)
        memscape_detection_evidence(d, "dump", "%u-bit", sys->pointer_size * 8u);
    if (layer > 0) {
        name_list names = {0};
        for (size_t i = 0; i < n; i++)
            if (is_wow64_layer(modules[i].name))
                list_add(&names, memscape_path_base_name(modules[i].name));
        memscape_detection_evidence(d, "layer", "%s", names.text);
    }
    memscape_detection_evidence(d, "syswow64_modules", "%zu", guest);
}

/* ---- embedded-comment -------------------------------------------------------------------- */

static void detect_embedded_comment(memscape_detection *d)
{
    size_t n, comments = 0;
    const memscape_note *notes = memscape_space_notes(d->space, &n);
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        comments += notes[i].key == NULL;
    if (!memscape_detection_add(d, "embedded-comment"))
        return;
    memscape_detection_evidence(d, "comments", "%zu", comments);
    memscape_detection_evidence(d, "annotations", "%zu", n - comments);
    size_t quoted_comments = 0, quoted_annotations = 0;
    for (size_t i = 0; i < n && quoted_comments + quoted_annotations < QUOTED_ITEMS; i++) {
        const char *v = notes[i].value ? notes[i].value : "";
        int vlen = quoted_length(v, QUOTED_BYTES);
        if (!notes[i].key) {
            memscape_detection_evidence(d, comment_keys[quoted_comments++], "%.*s%s", vlen, v,
                                        cut_mark(v, QUOTED_BYTES));
            continue;
        }
        const char *k = notes[i].key;
        int klen = quoted_length(k, QUOTED_BYTES / 2);
        memscape_detection_evidence(d, annotation_keys[quoted_annotations++], "%.*s%s = %.*s%s",
                                    klen, k, cut_mark(k, QUOTED_BYTES / 2), vlen, v,
                                    cut_mark(v, QUOTED_BYTES));
    }
}

/* ---- spiking-thread ---------------------------------------------------------------------- */

/* Thread times are in 100 ns units (ThreadInfoList: MINIDUMP_THREAD_INFO KernelTime,
 * UserTime). A thread is reported when its kernel + user time is more than half of all the
 * threads' together and at least one second: below a second of CPU, no thread has spiked
 * enough to matter, whatever its share. At least two threads must have times, or the share
 * of a lone thread is 100% by construction and says nothing. */
#define TICKS_PER_SECOND 10000000u
#define SPIKE_MIN_TICKS ((uint64_t)TICKS_PER_SECOND)
#define SPIKE_MIN_THREADS 2u

static void evidence_seconds(memscape_detection *d, const char *key, uint64_t ticks)
{
    memscape_detection_evidence(d, key, "%" PRIu64 ".%03" PRIu64 " s", ticks / TICKS_PER_SECOND,
                                ticks % TICKS_PER_SECOND / 10000u);
}

/* The threads' summed CPU time; 0 when the sum overflows (times no real process has). */
static uint64_t total_cpu(const memscape_thread *threads, size_t n, size_t *timed)
{
    uint64_t total = 0;
    *timed = 0;
    for (size_t i = 0; i < n; i++) {
        if (!threads[i].has_times)
            continue;
        uint64_t cpu;
        if (memscape_add_u64(threads[i].kernel_time, threads[i].user_time, &cpu) != MEMSCAPE_OK ||
            memscape_add_u64(total, cpu, &total) != MEMSCAPE_OK)
            return 0;
        (*timed)++;
    }
    return total;
}

static void report_spike(memscape_detection *d, const memscape_thread *t, uint64_t cpu,
                         uint64_t total, size_t timed)
{
    memscape_finding *f = memscape_detection_add(d, "spiking-thread");
    if (!f)
        return;
    /* No address: the finding is placed on the thread's stack; where it was running goes
     * into the evidence and the module. */
    f->has_thread = 1;
    f->thread_id = t->id;
    const memscape_module *m = t->has_context ? memscape_space_find_module(d->space, t->pc)
                                              : NULL;
    if (m)
        memscape_detection_module(d, f, m->name);
    evidence_seconds(d, "cpu", cpu);
    evidence_seconds(d, "kernel", t->kernel_time);
    evidence_seconds(d, "user", t->user_time);
    evidence_seconds(d, "process_cpu", total);
    memscape_detection_evidence(d, "share", "%.1f%%", (double)cpu * 100.0 / (double)total);
    memscape_detection_evidence(d, "threads_with_times", "%zu", timed);
    if (t->has_context)
        memscape_detection_evidence(d, "pc", "0x%" PRIx64, t->pc);
}

static void detect_spiking_thread(memscape_detection *d)
{
    size_t n, timed;
    const memscape_thread *threads = memscape_space_threads(d->space, &n);
    uint64_t total = total_cpu(threads, n, &timed);
    if (total == 0 || timed < SPIKE_MIN_THREADS)
        return;
    for (size_t i = 0; i < n; i++) {
        if (!threads[i].has_times)
            continue;
        uint64_t cpu = threads[i].kernel_time + threads[i].user_time; /* checked above */
        if (cpu >= SPIKE_MIN_TICKS && cpu > total - cpu) {
            report_spike(d, &threads[i], cpu, total, timed);
            return;                 /* more than half: only one thread can */
        }
    }
}

/* ---- handle-leak ------------------------------------------------------------------------- */

/* More than 10,000 handles. Windows caps a process's USER and GDI objects at 10,000 each by
 * default (USERProcessHandleQuota, GDIProcessHandleQuota), the level it takes as beyond any
 * well-behaved process; kernel handles of ordinary processes number in the hundreds to low
 * thousands (the corpus: 147), so ten thousand is far above normal while the busiest servers
 * stay below it. */
#define HANDLE_LEAK_MIN 10000u

static void detect_handle_leak(memscape_detection *d)
{
    const memscape_handles *h = memscape_space_handles(d->space);
    if (!h->present || h->count <= HANDLE_LEAK_MIN)
        return;
    if (!memscape_detection_add(d, "handle-leak"))
        return;
    memscape_detection_evidence(d, "handles", "%" PRIu32, h->count);
    if (h->type_count == 0 || !h->types) {
        memscape_detection_evidence(d, "dominant_type", "unknown (the dump names no types)");
        return;
    }
    /* types come highest count first (space.h). */
    memscape_detection_evidence(d, "dominant_type", "%s", h->types[0].type);
    memscape_detection_evidence(d, "dominant_count", "%" PRIu32, h->types[0].count);
    memscape_detection_evidence(d, "types", "%" PRIu32, h->type_count);
}

/* ---- truncated-dump ---------------------------------------------------------------------- */

/* The readers say "past the end of the file", "before the end of the file" or "the file holds
 * only ..." (src/readers: streams, lists, strings, contexts, PT_LOADs and notes that the
 * file's own directories place beyond its end). Their other warnings are about malformed or
 * duplicated data, not missing data. */
static int says_truncated(const char *message)
{
    return contains_fold(message, "end of the file") || contains_fold(message, "the file holds");
}

static void detect_truncated_dump(memscape_detection *d)
{
    size_t n, total, truncated = 0;
    const memscape_warning *w = memscape_space_warnings(d->space, &n, &total);
    for (size_t i = 0; i < n; i++)
        truncated += says_truncated(w[i].message);
    if (truncated == 0 || !memscape_detection_add(d, "truncated-dump"))
        return;
    memscape_detection_evidence(d, "warnings", "%zu", truncated);
    if (total > n)
        memscape_detection_evidence(d, "warnings_not_kept", "%zu", total - n);
    size_t quoted = 0;
    for (size_t i = 0; i < n && quoted < QUOTED_ITEMS; i++) {
        if (!says_truncated(w[i].message))
            continue;
        const char *key = warning_keys[quoted++];
        if (w[i].offset == MEMSCAPE_NO_OFFSET)
            memscape_detection_evidence(d, key, "%s", w[i].message);
        else
            memscape_detection_evidence(d, key, "offset 0x%" PRIx64 ": %s", w[i].offset,
                                        w[i].message);
    }
}

/* ---- unloaded-modules -------------------------------------------------------------------- */

static void detect_unloaded_modules(memscape_detection *d)
{
    size_t n;
    const memscape_module *unloaded = memscape_space_unloaded_modules(d->space, &n);
    if (n == 0 || !memscape_detection_add(d, "unloaded-modules"))
        return;
    memscape_detection_evidence(d, "count", "%zu", n);
    /* The list is in the order the dump keeps it, the loader's unload trace: the last ones
     * were unloaded last, nearest to the dump. */
    name_list names = {0};
    for (size_t i = n > QUOTED_ITEMS ? n - QUOTED_ITEMS : 0; i < n; i++)
        list_add(&names, memscape_path_base_name(unloaded[i].name));
    memscape_detection_evidence(d, "last", "%s", names.text);
}

/* ---- module-variety ---------------------------------------------------------------------- */

/* Module Variety is about modules of many origins, not of the system alone: a macOS or iOS
 * process loads 200 to 400 system frameworks before any of its own (the corpus: 217 and 354),
 * a Windows GUI process 50 to 150 DLLs from \Windows. So the count leaves out the operating
 * system's own folders, and a vendor is told by its installation folder, the convention of
 * every platform: Program Files\<Vendor or product>, ProgramData\<...>, per-user
 * AppData\Local|Roaming\<...>, /opt/<provider> (FHS 3.0, 3.13), /Applications/<Product>.app.
 * The finding comes with more than 100 modules outside the system folders, which even large
 * applications rarely bundle, or with modules from 5 or more installation folders: an
 * application and its runtime take one or two, so five means at least three other products
 * hooked in (antivirus, shell extensions, drivers' helpers). */
#define VARIETY_MIN_MODULES 100u   /* more than this many non-system modules */
#define VARIETY_MIN_VENDORS 5u     /* at least this many installation folders */
#define VARIETY_MAX_VENDORS 64u    /* folders remembered; counting stops caring beyond */

/* Folders of the operating system: Windows, Apple's (also inside simulator runtimes and
 * cryptexes, hence "contains"), Linux and Android. */
static int is_system_module(const char *path)
{
    static const char *const contained[] = {"/windows/", "/systemroot/", "/system/library/",
                                            "/usr/lib/", "/usr/lib64/", "/usr/lib32/",
                                            "/usr/libexec/"};
    static const char *const leading[] = {"/lib/", "/lib64/", "/lib32/", "/system/", "/apex/"};
    for (size_t i = 0; i < sizeof contained / sizeof contained[0]; i++)
        if (contains_fold(path, contained[i]))
            return 1;
    for (size_t i = 0; i < sizeof leading / sizeof leading[0]; i++)
        if (starts_with_fold(path, leading[i]))
            return 1;
    return 0;
}

/* A span of a path: an installation folder's name. */
typedef struct span {
    const char *at;
    size_t len;
} span;

static int is_separator(char c)
{
    return c == '/' || c == '\\';
}

/* The component after the first occurrence of the folder marker (lower case, '/' separated,
 * starting and ending with '/'), or an empty span. "Common Files" is shared by vendors: the
 * vendor is the folder below it. */
static span component_after(const char *path, const char *marker)
{
    span s = {NULL, 0};
    size_t mlen = strlen(marker);
    for (const char *p = path; *p; p++) {
        if (!starts_with_fold(p, marker))
            continue;
        const char *c = p + mlen;
        if (starts_with_fold(c, "common files/"))
            c += strlen("common files/");
        size_t len = 0;
        while (c[len] && !is_separator(c[len]))
            len++;
        if (c[len]) {           /* a folder, with the module below it */
            s.at = c;
            s.len = len;
        }
        return s;
    }
    return s;
}

static span vendor_folder(const char *path)
{
    static const char *const markers[] = {"/program files/", "/program files (x86)/",
                                          "/programdata/", "/appdata/local/",
                                          "/appdata/roaming/", "/applications/"};
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
        span s = component_after(path, markers[i]);
        if (s.at)
            return s;
    }
    if (starts_with_fold(path, "/opt/"))
        return component_after(path, "/opt/");
    span none = {NULL, 0};
    return none;
}

/* The span as a string in buf, cut (at a UTF-8 boundary) to fit. */
static const char *span_text(span s, char *buf, size_t size)
{
    size_t n = s.len < size ? s.len : size - 1;
    while (n < s.len && n > 0 && ((unsigned char)s.at[n] & 0xC0u) == 0x80u)
        n--;
    memcpy(buf, s.at, n);
    buf[n] = '\0';
    return buf;
}

static int same_folder(span a, span b)
{
    if (a.len != b.len)
        return 0;
    for (size_t i = 0; i < a.len; i++)
        if (ascii_lower((unsigned char)a.at[i]) != ascii_lower((unsigned char)b.at[i]))
            return 0;
    return 1;
}

/* Remember folder unless known; returns 1 when it is new but there is no room for it. */
static int note_vendor(span *known, size_t *count, span folder)
{
    for (size_t i = 0; i < *count; i++)
        if (same_folder(known[i], folder))
            return 0;
    if (*count == VARIETY_MAX_VENDORS)
        return 1;
    known[(*count)++] = folder;
    return 0;
}

static void detect_module_variety(memscape_detection *d)
{
    size_t n, system = 0, vendors = 0;
    int more_vendors = 0;
    const memscape_module *modules = memscape_space_modules(d->space, &n);
    span known[VARIETY_MAX_VENDORS];
    for (size_t i = 0; i < n; i++) {
        if (is_system_module(modules[i].name)) {
            system++;
            continue;
        }
        span folder = vendor_folder(modules[i].name);
        if (folder.at)
            more_vendors |= note_vendor(known, &vendors, folder);
    }
    size_t others = n - system;
    if (others <= VARIETY_MIN_MODULES && vendors < VARIETY_MIN_VENDORS)
        return;
    if (!memscape_detection_add(d, "module-variety"))
        return;
    memscape_detection_evidence(d, "modules", "%zu", n);
    memscape_detection_evidence(d, "outside_system_folders", "%zu", others);
    memscape_detection_evidence(d, "vendor_folders", "%zu%s", vendors,
                                more_vendors ? " or more" : "");
    if (vendors == 0)
        return;
    name_list names = {0};
    for (size_t i = 0; i < vendors && !names.full; i++) {
        char folder[128];
        list_add(&names, span_text(known[i], folder, sizeof folder));
    }
    memscape_detection_evidence(d, "vendors", "%s", names.text);
}

const memscape_detector memscape_detectors_process[] = {
    {"cloud-environment", detect_cloud_environment},
    {"wow64", detect_wow64},
    {"embedded-comment", detect_embedded_comment},
    {"spiking-thread", detect_spiking_thread},
    {"handle-leak", detect_handle_leak},
    {"truncated-dump", detect_truncated_dump},
    {"unloaded-modules", detect_unloaded_modules},
    {"module-variety", detect_module_variety},
};
const size_t memscape_detectors_process_count =
    sizeof memscape_detectors_process / sizeof memscape_detectors_process[0];
