/* SPDX-License-Identifier: MIT */
/* A process with a large address space, for bench/make-big-core.sh to capture with gcore.
 *
 * It maps SIZE_MIB MiB (default 2048) of anonymous memory as 16 separate mappings, each
 * followed by a PROT_NONE guard page so the kernel cannot merge them into one, writes to every
 * page (so the memory is really in use, as in a real process), makes every other mapping
 * read-only, starts 4 threads, then prints "ready PID" on stdout and waits to be killed.
 *
 * Usage: bigproc [SIZE_MIB] */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

enum {
    MAPPING_COUNT = 16,
    THREAD_COUNT = 4,
    THREAD_STACK_SIZE = 256 * 1024, /* gcore saves whole stacks; keep them out of the figure */
    DEFAULT_SIZE_MIB = 2048,
    MAX_SIZE_MIB = 1 << 20
};

static void die(const char *what)
{
    fprintf(stderr, "bigproc: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void *idle_thread(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

/* One mapping of `size` bytes plus a guard page; every page gets its own index written into it
 * so no two pages are alike and none is left untouched. */
static void map_and_fill(unsigned index, size_t size, size_t page)
{
    unsigned char *map = mmap(NULL, size + page, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        die("mmap");
    for (size_t off = 0; off < size; off += page) {
        uint64_t stamp = ((uint64_t)index << 32) | (off / page);
        memcpy(map + off, &stamp, sizeof stamp);
    }
    if (mprotect(map + size, page, PROT_NONE) != 0)
        die("mprotect guard page");
    if (index % 2 == 1 && mprotect(map, size, PROT_READ) != 0)
        die("mprotect read-only");
}

int main(int argc, char **argv)
{
    unsigned long size_mib = DEFAULT_SIZE_MIB;
    if (argc > 2) {
        fprintf(stderr, "usage: bigproc [SIZE_MIB]\n");
        return 2;
    }
    if (argc == 2) {
        char *end;
        errno = 0;
        size_mib = strtoul(argv[1], &end, 10);
        if (errno || *end || end == argv[1] || argv[1][0] == '-' || size_mib < MAPPING_COUNT ||
            size_mib > MAX_SIZE_MIB) {
            fprintf(stderr, "bigproc: SIZE_MIB must be from %d to %d\n", MAPPING_COUNT,
                    MAX_SIZE_MIB);
            return 2;
        }
    }
    /* Under Yama ptrace_scope 1 only an ancestor may attach; gcore is a sibling, so allow it. */
    prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);

    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t per_mapping = (size_t)size_mib * 1024 * 1024 / MAPPING_COUNT / page * page;
    for (unsigned i = 0; i < MAPPING_COUNT; i++)
        map_and_fill(i, per_mapping, page);

    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, THREAD_STACK_SIZE))
        die("pthread_attr");
    for (unsigned i = 0; i < THREAD_COUNT; i++) {
        pthread_t thread;
        errno = pthread_create(&thread, &attr, idle_thread, NULL);
        if (errno != 0)
            die("pthread_create");
    }
    pthread_attr_destroy(&attr);

    printf("ready %ld\n", (long)getpid());
    fflush(stdout);
    for (;;)
        pause();
}
