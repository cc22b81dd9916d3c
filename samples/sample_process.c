/* SPDX-License-Identifier: MIT */
/* A small live process worth dumping: samples/make-core.sh runs it and captures it with gdb's
 * gcore, so memscape has a real ELF core with recognisable contents to read.
 *
 * It sets up, and then keeps alive until it is killed:
 *   - four named worker threads ("ms-worker-0".."ms-worker-3"), each with text on its stack;
 *   - heap blocks holding text ("memscape sample heap block N: ...") and one block large enough
 *     that malloc serves it with its own mmap;
 *   - a data file mapped shared and read-only (gcore leaves its bytes out: the core shows it as
 *     a mapped file whose contents were not captured);
 *   - a text file mapped private and written to (the written copy is anonymous memory, so gcore
 *     keeps it: its text is in the core);
 *   - an anonymous mapping filled with a byte pattern, with a PROT_NONE guard page after it.
 *
 * Usage: sample_process DIR. DIR must exist; the two mapped files are created in it. When all of
 * the above is in place the program prints "ready PID" on stdout and waits for a signal. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* pthread_setname_np; meson passes -D_GNU_SOURCE, make-core.sh not */
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

enum {
    WORKER_COUNT = 4,
    HEAP_BLOCK_COUNT = 16,
    HEAP_BLOCK_SIZE = 4096,
    BIG_HEAP_BLOCK_SIZE = 512 * 1024, /* above glibc's 128 KiB mmap threshold */
    DATA_FILE_SIZE = 256 * 1024,
    PATTERN_MAPPING_SIZE = 1024 * 1024,
    STACK_TEXT_SIZE = 8192,
    WORKER_STACK_SIZE = 256 * 1024 /* gcore saves whole stacks: glibc's 8 MiB would bloat it */
};

/* Lines a reader of the dump can look for; the heap blocks and stacks cycle through them. */
static const char *const sample_lines[] = {
    "Waiting for the dump to be taken",
    "Reading the configuration file",
    "Handling a request from a client",
    "Sleeping until the next timer tick",
};
#define SAMPLE_LINE_COUNT (sizeof sample_lines / sizeof sample_lines[0])

static pthread_barrier_t workers_ready;

/* Each worker publishes its stack text here: the address escapes, so the compiler must really
 * write the text to the stack even when optimising. */
static char *volatile worker_stack_text[WORKER_COUNT];

static void die(const char *what)
{
    fprintf(stderr, "sample_process: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Fills buf with copies of one text line, so a slice of the page shows what it is. */
static void fill_with_line(char *buf, size_t size, const char *line)
{
    size_t len = strlen(line);
    size_t pos = 0;

    while (size - pos > len + 1) {
        memcpy(buf + pos, line, len);
        buf[pos + len] = '\n';
        pos += len + 1;
    }
    memset(buf + pos, 0, size - pos);
}

static void *worker_main(void *arg)
{
    unsigned index = (unsigned)(uintptr_t)arg;
    char stack_text[STACK_TEXT_SIZE];
    char line[128];

    snprintf(line, sizeof line, "memscape sample thread %u stack: %s", index,
             sample_lines[index % SAMPLE_LINE_COUNT]);
    fill_with_line(stack_text, sizeof stack_text, line);
    worker_stack_text[index] = stack_text;

    pthread_barrier_wait(&workers_ready);
    for (;;)
        pause();
    return NULL;
}

static void start_workers(void)
{
    pthread_t thread;
    pthread_attr_t attr;
    char name[16]; /* the kernel's TASK_COMM_LEN, including the NUL */

    if (pthread_barrier_init(&workers_ready, NULL, WORKER_COUNT + 1) != 0)
        die("pthread_barrier_init");
    if (pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, WORKER_STACK_SIZE) != 0)
        die("pthread_attr");
    for (unsigned i = 0; i < WORKER_COUNT; i++) {
        errno = pthread_create(&thread, &attr, worker_main, (void *)(uintptr_t)i);
        if (errno != 0)
            die("pthread_create");
        snprintf(name, sizeof name, "ms-worker-%u", i);
        pthread_setname_np(thread, name);
    }
    pthread_attr_destroy(&attr);
    pthread_barrier_wait(&workers_ready);
}

/* The blocks are reachable from this array, so they are never freed. */
static char *heap_blocks[HEAP_BLOCK_COUNT + 1];

static void fill_heap(void)
{
    char line[128];

    for (unsigned i = 0; i < HEAP_BLOCK_COUNT; i++) {
        heap_blocks[i] = malloc(HEAP_BLOCK_SIZE);
        if (heap_blocks[i] == NULL)
            die("malloc");
        snprintf(line, sizeof line, "memscape sample heap block %u: %s", i,
                 sample_lines[i % SAMPLE_LINE_COUNT]);
        fill_with_line(heap_blocks[i], HEAP_BLOCK_SIZE, line);
    }
    heap_blocks[HEAP_BLOCK_COUNT] = malloc(BIG_HEAP_BLOCK_SIZE);
    if (heap_blocks[HEAP_BLOCK_COUNT] == NULL)
        die("malloc");
    fill_with_line(heap_blocks[HEAP_BLOCK_COUNT], BIG_HEAP_BLOCK_SIZE,
                   "memscape sample big heap block (its own mmap)");
}

static int create_file(const char *dir, const char *name, char *path, size_t path_size)
{
    int written = snprintf(path, path_size, "%s/%s", dir, name);
    if (written < 0 || (size_t)written >= path_size) {
        errno = ENAMETOOLONG;
        die(dir);
    }
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die(path);
    return fd;
}

static void write_all(int fd, const void *buf, size_t size, const char *path)
{
    const char *p = buf;

    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die(path);
        p += n;
        size -= (size_t)n;
    }
}

/* A binary data file of numbered 64-byte records, mapped shared and read-only. */
static void map_data_file(const char *dir)
{
    char path[4096];
    char record[64];
    int fd = create_file(dir, "sample-data.bin", path, sizeof path);

    for (unsigned i = 0; i < DATA_FILE_SIZE / sizeof record; i++) {
        memset(record, 0, sizeof record);
        snprintf(record, sizeof record, "memscape sample data record %u", i);
        write_all(fd, record, sizeof record, path);
    }
    void *map = mmap(NULL, DATA_FILE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        die("mmap data file");
    close(fd);
    /* Touch every page so they are resident, as they would be in a process that used them. */
    volatile const char *bytes = map;
    for (size_t off = 0; off < DATA_FILE_SIZE; off += 4096)
        (void)bytes[off];
}

/* A small text file mapped private and writable. Writing one byte gives the mapping a private
 * (anonymous) copy of its page, which gcore's default coredump filter keeps. */
static void map_text_file(const char *dir)
{
    static const char text[] =
        "memscape sample notes\n"
        "This text file is mapped into the sample process with MAP_PRIVATE.\n"
        "The process wrote to the mapping, so the page is private and gcore saves it.\n";
    char path[4096];
    int fd = create_file(dir, "sample-notes.txt", path, sizeof path);

    write_all(fd, text, sizeof text - 1, path);
    char *map = mmap(NULL, sizeof text - 1, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        die("mmap text file");
    close(fd);
    map[0] = 'M';
}

/* An anonymous mapping holding a repeating byte pattern, followed by a PROT_NONE guard page. */
static void map_pattern(void)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t total = PATTERN_MAPPING_SIZE + (size_t)page;
    unsigned char *map = mmap(NULL, total, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (map == MAP_FAILED)
        die("mmap pattern");
    for (size_t i = 0; i < PATTERN_MAPPING_SIZE; i++)
        map[i] = (unsigned char)(i % 251); /* a prime period: no power-of-two alignment */
    if (mprotect(map + PATTERN_MAPPING_SIZE, (size_t)page, PROT_NONE) != 0)
        die("mprotect guard page");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: sample_process DIR\n");
        return 2;
    }
    /* Under Yama ptrace_scope 1 only an ancestor may attach; gcore is a sibling, so allow it. */
    prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);

    fill_heap();
    map_data_file(argv[1]);
    map_text_file(argv[1]);
    map_pattern();
    start_workers();

    printf("ready %ld\n", (long)getpid());
    fflush(stdout);
    for (;;)
        pause();
}
