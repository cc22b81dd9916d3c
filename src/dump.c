/* SPDX-License-Identifier: MIT */
/* Opening a dump: map it read-only, pick the reader by content, read, merge. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memscape/dump.h"
#include "readers/reader.h"
#include "space_build.h"

struct memscape_dump {
    const uint8_t *data;
    uint64_t size;
    int mapped;              /* data is our mmap and must be unmapped */
    memscape_space *space;
};

const char *memscape_version(void)
{
    return MEMSCAPE_VERSION_STRING;
}

static const memscape_reader *pick_reader(const uint8_t *data, uint64_t size,
                                          const memscape_open_options *opts)
{
    if (opts && opts->raw)
        return &memscape_reader_raw;
    for (size_t i = 0; memscape_probed_readers[i]; i++)
        if (memscape_probed_readers[i]->probe(data, size))
            return memscape_probed_readers[i];
    return NULL;
}

/* Prefix the reader's name so every message says which parser spoke. */
static void name_the_reader(memscape_error *err, const char *reader)
{
    if (!err)
        return;
    char msg[sizeof err->msg];
    memcpy(msg, err->msg, sizeof msg);
    msg[sizeof msg - 1] = '\0';
    memscape_fail(err, err->code, err->offset, "%s: %s", reader, msg);
}

static memscape_status read_space(memscape_dump *dump, const memscape_open_options *opts,
                                  memscape_error *err)
{
    if (dump->size == 0 && !(opts && opts->raw))
        return memscape_fail(err, MEMSCAPE_EFORMAT, 0, "empty file: not a recognised dump");
    const memscape_reader *reader = pick_reader(dump->data, dump->size, opts);
    if (!reader)
        return memscape_fail(err, MEMSCAPE_EFORMAT, 0,
                             "not a recognised dump (no minidump or ELF core signature, "
                             "no WinDbg prompt)");
    memscape_space *space;
    memscape_status st = memscape_space_new(&space, dump->data, dump->size,
                                            opts ? opts->limits : NULL);
    if (st != MEMSCAPE_OK)
        return memscape_fail(err, st, MEMSCAPE_NO_OFFSET, "%s", memscape_strerror(st));
    memscape_error local = {0};
    memscape_error *e = err ? err : &local;
    st = reader->open(space, opts, e);
    if (st == MEMSCAPE_OK)
        st = memscape_space_finalize(space, e);
    if (st != MEMSCAPE_OK && space->string_budget_hit) {
        /* The reader saw a string it could not keep; say why, where it was looking. */
        st = memscape_fail(e, MEMSCAPE_ELIMIT, e->offset,
                           "names and text pass the budget of %llu bytes (4 x file size, "
                           "at most limits.max_string_total)",
                           (unsigned long long)space->string_budget);
    }
    if (st != MEMSCAPE_OK) {
        name_the_reader(e, reader->name);
        memscape_space_free(space);
        return st;
    }
    if (dump->mapped)
        memscape_space_mark_own_mapping(space);
    dump->space = space;
    return MEMSCAPE_OK;
}

memscape_status memscape_dump_open_memory(memscape_dump **out, const void *data, size_t size,
                                          const memscape_open_options *opts, memscape_error *err)
{
    if (!out || (!data && size))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET, "no output or no data");
    memscape_dump *dump = calloc(1, sizeof *dump);
    if (!dump)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "out of memory");
    static const uint8_t empty[1];
    dump->data = size ? data : empty;
    dump->size = size;
    memscape_status st = read_space(dump, opts, err);
    if (st != MEMSCAPE_OK) {
        free(dump);
        return st;
    }
    *out = dump;
    return MEMSCAPE_OK;
}

memscape_status memscape_dump_open(memscape_dump **out, const char *path,
                                   const memscape_open_options *opts, memscape_error *err)
{
    if (!out || !path)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET, "no output or no path");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return memscape_fail(err, MEMSCAPE_EIO, MEMSCAPE_NO_OFFSET, "%s", strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return memscape_fail(err, MEMSCAPE_EIO, MEMSCAPE_NO_OFFSET, "%s", strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return memscape_fail(err, MEMSCAPE_EIO, MEMSCAPE_NO_OFFSET, "not a regular file");
    }
    memscape_dump *dump = calloc(1, sizeof *dump);
    if (!dump) {
        close(fd);
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "out of memory");
    }
    static const uint8_t empty[1];
    dump->size = (uint64_t)sb.st_size;
    dump->data = empty;
    if (dump->size > 0) {
        if (dump->size > SIZE_MAX) {
            close(fd);
            free(dump);
            return memscape_fail(err, MEMSCAPE_ELIMIT, MEMSCAPE_NO_OFFSET,
                                 "file too large to map");
        }
        void *map = mmap(NULL, (size_t)dump->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            int e = errno;
            close(fd);
            free(dump);
            return memscape_fail(err, MEMSCAPE_EIO, MEMSCAPE_NO_OFFSET, "mmap: %s",
                                 strerror(e));
        }
        dump->data = map;
        dump->mapped = 1;
    }
    close(fd);
    memscape_status st = read_space(dump, opts, err);
    if (st != MEMSCAPE_OK) {
        memscape_dump_free(dump);
        return st;
    }
    *out = dump;
    return MEMSCAPE_OK;
}

const memscape_space *memscape_dump_space(const memscape_dump *dump)
{
    return dump->space;
}

uint64_t memscape_dump_file_size(const memscape_dump *dump)
{
    return dump->size;
}

void memscape_dump_free(memscape_dump *dump)
{
    if (!dump)
        return;
    memscape_space_free(dump->space);
    if (dump->mapped)
        munmap((void *)dump->data, (size_t)dump->size);
    free(dump);
}
