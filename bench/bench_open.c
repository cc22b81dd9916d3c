/* SPDX-License-Identifier: MIT */
/* bench_open: how long opening a dump takes, and how much of the file the open reads.
 *
 * Opening should cost time in proportion to the dump's metadata (headers, notes, streams), not
 * to its memory contents. This program measures that on a real file and prints the figures:
 *
 *   cold open   The file's pages are dropped from the page cache first (posix_fadvise
 *               POSIX_FADV_DONTNEED: no root needed, works for clean pages not mapped by another
 *               process). After one open + walk, mincore() on a fresh mapping says how much of
 *               the file the open (plus kernel readahead) brought into the cache.
 *   warm open   RUNS opens + walks with the file cached: min, median and max wall time, the page
 *               faults of one open, and how many file-backed pages one open mapped into the
 *               process (RssFile in /proc/self/status, before and after; fault-around can map a
 *               few neighbours of each touched page, so this is an upper bound on what was read).
 *   peak RSS    getrusage() ru_maxrss over the whole run.
 *   read all    (--read-all) for contrast: read every present byte once through the chunk
 *               iterator.
 *
 * The last line is machine-readable for bench/run.sh: "median_open_seconds=<s>".
 *
 * Usage: bench_open [--runs N] [--read-all] [--raw] DUMP   (--raw: read the file as raw bytes) */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "memscape/memscape.h"

enum { DEFAULT_RUNS = 20, MAX_RUNS = 100000 };

/* How every open in this run is done; set once from the command line. */
static memscape_open_options open_options;

/* What one open + walk saw, and what it cost. */
typedef struct open_sample {
    double seconds;
    long minor_faults;
    long major_faults;
    long rss_file_kib;  /* growth of RssFile during the open and walk */
} open_sample;

typedef struct walk_totals {
    size_t regions, ranges, modules, threads;
    uint64_t region_bytes, range_bytes;
} walk_totals;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* RssFile from /proc/self/status in KiB, or -1 where the kernel does not report it. */
static long rss_file_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "RssFile: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

/* Reads the whole layout the way a consumer would, so the figures include building it. */
static walk_totals walk(const memscape_dump *dump)
{
    const memscape_space *space = memscape_dump_space(dump);
    walk_totals t = {0};

    const memscape_region *regions = memscape_space_regions(space, &t.regions);
    for (size_t i = 0; i < t.regions; i++)
        t.region_bytes += regions[i].size;
    const memscape_range *ranges = memscape_space_ranges(space, &t.ranges);
    for (size_t i = 0; i < t.ranges; i++)
        t.range_bytes += ranges[i].size;
    memscape_space_modules(space, &t.modules);
    memscape_space_threads(space, &t.threads);
    return t;
}

static int open_and_walk(const char *path, open_sample *sample, walk_totals *totals)
{
    memscape_dump *dump = NULL;
    memscape_error err = {0};
    struct rusage before, after;

    long rss_before = rss_file_kib();
    getrusage(RUSAGE_SELF, &before);
    double start = now_seconds();
    memscape_status st = memscape_dump_open(&dump, path, &open_options, &err);
    if (st != MEMSCAPE_OK) {
        fprintf(stderr, "bench_open: %s: %s\n", path, err.msg[0] ? err.msg
                                                                : memscape_strerror(st));
        return -1;
    }
    *totals = walk(dump);
    sample->seconds = now_seconds() - start;
    getrusage(RUSAGE_SELF, &after);
    long rss_after = rss_file_kib();
    memscape_dump_free(dump);

    sample->minor_faults = after.ru_minflt - before.ru_minflt;
    sample->major_faults = after.ru_majflt - before.ru_majflt;
    sample->rss_file_kib = rss_before < 0 || rss_after < 0 ? -1 : rss_after - rss_before;
    return 0;
}

/* How many bytes of the file are in the page cache now, or -1 if mincore() is not available. */
static long long cached_bytes(int fd, uint64_t size)
{
    long page = sysconf(_SC_PAGESIZE);
    if (size == 0 || size > SIZE_MAX)
        return 0;
    void *map = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        return -1;
    size_t pages = (size_t)((size + (uint64_t)page - 1) / (uint64_t)page);
    unsigned char *vec = malloc(pages);
    long long resident = -1;
    if (vec && mincore(map, (size_t)size, vec) == 0) {
        resident = 0;
        for (size_t i = 0; i < pages; i++)
            resident += vec[i] & 1;
        resident *= page;
    }
    free(vec);
    munmap(map, (size_t)size);
    return resident;
}

static int drop_from_cache(int fd)
{
    fdatasync(fd); /* dirty pages cannot be dropped; a core just written may still have some */
    return posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
}

/* A duration in the unit that keeps it readable: "12.3 us", "4.567 ms", "1.234 s". */
static const char *duration(double seconds, char *buf, size_t size)
{
    if (seconds < 1e-3)
        snprintf(buf, size, "%.1f us", seconds * 1e6);
    else if (seconds < 1.0)
        snprintf(buf, size, "%.3f ms", seconds * 1e3);
    else
        snprintf(buf, size, "%.3f s", seconds);
    return buf;
}

/* part as a percentage of whole. Page counts round a file's partial last page up to a whole
 * page, so part is capped at whole. */
static double percent(double part, double whole)
{
    if (part > whole)
        part = whole;
    return whole > 0 ? 100.0 * part / whole : 0.0;
}

static void print_size(const char *label, double bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    size_t u = 0;
    while (bytes >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
        bytes /= 1024.0;
        u++;
    }
    printf("%s%.2f %s", label, bytes, units[u]);
}

/* The cold open's figures; measured first, printed after the description of the dump. */
typedef struct cold_result {
    open_sample sample;
    int cache_measured;      /* fadvise and both mincore() calls worked */
    long long cached_before; /* bytes of the file in the page cache before the open */
    long long cached_after;
} cold_result;

static int cold_open(const char *path, uint64_t file_size, cold_result *r)
{
    walk_totals t;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "bench_open: %s: %s\n", path, strerror(errno));
        return -1;
    }
    int dropped = drop_from_cache(fd) == 0;
    r->cached_before = cached_bytes(fd, file_size);
    int rc = open_and_walk(path, &r->sample, &t);
    r->cached_after = cached_bytes(fd, file_size);
    close(fd);
    r->cache_measured = dropped && r->cached_before >= 0 && r->cached_after >= 0;
    return rc;
}

static void print_cold(const cold_result *r, uint64_t file_size)
{
    char t[32];
    printf("cold open:     %s, %ld major + %ld minor page faults\n",
           duration(r->sample.seconds, t, sizeof t), r->sample.major_faults,
           r->sample.minor_faults);
    if (!r->cache_measured) {
        printf("               (could not measure the page cache: fadvise or mincore failed)\n");
        return;
    }
    print_size("               file in page cache: before ", (double)r->cached_before);
    print_size(", after ", (double)(r->cached_after < (long long)file_size
                                        ? r->cached_after : (long long)file_size));
    printf(" = %.4f%% of the file (with readahead)\n",
           percent((double)r->cached_after, (double)file_size));
    if (r->cached_before > 0)
        printf("               (the cache could not be emptied first: another process maps "
               "the file)\n");
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int warm_opens(const char *path, unsigned runs, uint64_t file_size, double *median)
{
    double *seconds = calloc(runs, sizeof *seconds);
    open_sample s = {0}, last = {0};
    walk_totals t = {0};
    long page = sysconf(_SC_PAGESIZE);

    if (!seconds)
        return -1;
    for (unsigned i = 0; i < runs; i++) {
        if (open_and_walk(path, &s, &t) != 0) {
            free(seconds);
            return -1;
        }
        seconds[i] = s.seconds;
        last = s;
    }
    qsort(seconds, runs, sizeof *seconds, compare_doubles);
    *median = runs % 2 ? seconds[runs / 2] : (seconds[runs / 2 - 1] + seconds[runs / 2]) / 2;

    char t1[32], t2[32], t3[32];
    printf("warm open:     %u runs: median %s, min %s, max %s\n", runs,
           duration(*median, t1, sizeof t1), duration(seconds[0], t2, sizeof t2),
           duration(seconds[runs - 1], t3, sizeof t3));
    long faults = last.minor_faults + last.major_faults;
    printf("one open:      %ld minor + %ld major page faults (x %ld B pages = ", last.minor_faults,
           last.major_faults, page);
    print_size("", (double)faults * (double)page);
    printf(", heap included)\n");
    if (last.rss_file_kib >= 0) {
        print_size("               file pages mapped by the open: ",
                   (double)last.rss_file_kib * 1024.0);
        printf(" = %.4f%% of the file\n",
               percent((double)last.rss_file_kib * 1024.0, (double)file_size));
    }
    free(seconds);
    return 0;
}

static int read_all(const char *path, uint64_t file_size)
{
    memscape_dump *dump = NULL;
    memscape_error err = {0};
    if (memscape_dump_open(&dump, path, &open_options, &err) != MEMSCAPE_OK) {
        fprintf(stderr, "bench_open: %s: %s\n", path, err.msg);
        return -1;
    }
    long long cached = -1;
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        cached = cached_bytes(fd, file_size);
        close(fd);
    }
    double start = now_seconds();
    memscape_chunk_iter it;
    memscape_chunk chunk;
    uint64_t bytes = 0, sum = 0;
    memscape_chunks_begin(&it, memscape_dump_space(dump), 0, UINT64_MAX, 0);
    while (memscape_chunks_next(&it, &chunk)) {
        /* One byte per 64-byte cache line: every line (so every page) is fetched from memory
         * or disk, and the adding stays cheap next to that. */
        for (size_t i = 0; i < chunk.size; i += 64)
            sum += chunk.data[i];
        bytes += chunk.size;
    }
    double seconds = now_seconds() - start;
    memscape_dump_free(dump);
    char t[32];
    print_size("read all:      ", (double)bytes);
    printf(" of present bytes in %s (%.2f GiB/s; checksum %" PRIu64 ")\n",
           duration(seconds, t, sizeof t),
           seconds > 0 ? (double)bytes / seconds / (1024.0 * 1024 * 1024) : 0.0, sum);
    if (cached >= 0)
        printf("               %.1f%% of the file was in the page cache before\n",
               percent((double)cached, (double)file_size));
    return 0;
}

static int describe(const char *path, uint64_t file_size)
{
    memscape_dump *dump = NULL;
    memscape_error err = {0};
    if (memscape_dump_open(&dump, path, &open_options, &err) != MEMSCAPE_OK) {
        fprintf(stderr, "bench_open: %s: %s\n", path, err.msg);
        return -1;
    }
    const memscape_system *sys = memscape_space_system(memscape_dump_space(dump));
    walk_totals t = walk(dump);
    printf("dump:          %s (", path);
    print_size("", (double)file_size);
    printf(", %s, %s %s)\n", memscape_format_name(sys->format), memscape_os_name(sys->os),
           memscape_arch_name(sys->arch));
    printf("layout:        %zu regions, %zu ranges with bytes (", t.regions, t.ranges);
    print_size("", (double)t.range_bytes);
    printf("), %zu modules, %zu threads\n", t.modules, t.threads);
    memscape_dump_free(dump);
    return 0;
}

static int parse_runs(const char *text, unsigned *runs)
{
    char *end;
    errno = 0;
    if (text[0] == '-')
        return -1;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno || *end || end == text || value == 0 || value > MAX_RUNS)
        return -1;
    *runs = (unsigned)value;
    return 0;
}

static void usage(FILE *to)
{
    fprintf(to, "usage: bench_open [--runs N] [--read-all] [--raw] DUMP\n");
}

int main(int argc, char **argv)
{
    unsigned runs = DEFAULT_RUNS;
    int want_read_all = 0;
    const char *path = NULL;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            if (parse_runs(argv[++i], &runs) != 0) {
                fprintf(stderr, "bench_open: --runs wants a count from 1 to %d\n", MAX_RUNS);
                return 2;
            }
        } else if (strcmp(argv[i], "--read-all") == 0) {
            want_read_all = 1;
        } else if (strcmp(argv[i], "--raw") == 0) {
            open_options.raw = 1;
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] != '-' && !path) {
            path = argv[i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!path) {
        usage(stderr);
        return 2;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "bench_open: %s: %s\n", path, strerror(errno));
        return 1;
    }
    uint64_t file_size = (uint64_t)st.st_size;
    double median = 0;
    cold_result cold = {0};

    /* The cold open comes first, before anything else has read the file. */
    if (cold_open(path, file_size, &cold) != 0 || describe(path, file_size) != 0)
        return 1;
    print_cold(&cold, file_size);
    if (warm_opens(path, runs, file_size, &median) != 0)
        return 1;
    struct rusage usage_now;
    getrusage(RUSAGE_SELF, &usage_now);
    print_size("peak RSS:      ", (double)usage_now.ru_maxrss * 1024.0);
    printf(" (whole bench process)\n");
    if (want_read_all && read_all(path, file_size) != 0)
        return 1;
    printf("median_open_seconds=%.9f\n", median);
    return 0;
}
