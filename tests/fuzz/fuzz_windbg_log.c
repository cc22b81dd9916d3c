/* SPDX-License-Identifier: MIT */
/* Fuzz target for the WinDbg log reader. Inputs its probe claims go to the reader with tight
 * limits; the whole space is walked, and so is the pool usage (!vm counters, !poolused tags)
 * the walk does not cover. Any other input must be refused as "not a dump" (MEMSCAPE_EFORMAT),
 * except binary dumps, which belong to fuzz_minidump and fuzz_elf_core. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_walk.h"
#include "memscape/space.h"
#include "readers/reader.h"

/* !vm keeps at most this many counters (src/space.c). */
#define MAX_VM_COUNTERS 1024u

static void broken(const char *what)
{
    fprintf(stderr, "fuzz: windbg_log: %s\n", what);
    abort();
}

static void walk_pool(const memscape_space *space, const memscape_limits *limits)
{
    const memscape_pool_usage *pool = memscape_space_pool(space);
    if (!pool)
        broken("no pool usage");
    if (!pool->present && (pool->counter_count || pool->tag_count || pool->page_file_max_kb ||
                           pool->failed_allocations))
        broken("pool usage not marked present");
    if (pool->counter_count > MAX_VM_COUNTERS || pool->tag_count > limits->max_annotations)
        broken("more counters or tags than the limits allow");
    volatile size_t sink = 0; /* every string read whole: ASan checks its bytes */
    for (size_t i = 0; i < pool->counter_count; i++) {
        const char *name = pool->counters[i].name;
        if (!name || !name[0] || strlen(name) > limits->max_string)
            broken("a counter without a name, or with a name past max_string");
        if (memscape_space_vm_counter(space, name) == NULL)
            broken("a counter is not found by its own name");
        sink += strlen(name);
    }
    for (size_t i = 0; i < pool->tag_count; i++) {
        const memscape_pool_tag *t = &pool->tags[i];
        if (t->tag[4] != '\0' || strlen(t->tag) != 4)
            broken("a tag is not four characters");
        if (t->description)
            sink += strlen(t->description);
    }
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memscape_reader_minidump.probe(data, size) || memscape_reader_elf_core.probe(data, size))
        return 0;
    int is_log = memscape_reader_windbg_log.probe(data, size);
    memscape_limits limits = fuzz_tight_limits();
    memscape_open_options opts = {.limits = &limits};
    memscape_status st = fuzz_open_and_walk(data, size, &opts, MEMSCAPE_FORMAT_WINDBG_LOG, NULL);
    if (!is_log && st != MEMSCAPE_EFORMAT)
        broken("text the probe refuses was not refused as not a dump");
    if (st != MEMSCAPE_OK)
        return 0;
    memscape_dump *dump = NULL;
    if (memscape_dump_open_memory(&dump, data, size, &opts, NULL) != MEMSCAPE_OK)
        broken("a log that opened once did not open again");
    const memscape_space *space = memscape_dump_space(dump);
    const memscape_system *sys = memscape_space_system(space);
    if (sys->os != MEMSCAPE_OS_WINDOWS)
        broken("a log's system is not Windows");
    walk_pool(space, &limits);
    memscape_dump_free(dump);
    return 0;
}
