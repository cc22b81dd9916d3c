/* SPDX-License-Identifier: MIT */
/* Writing an output file so that a failure never leaves a partial file nor replaces a good one:
 * the bytes go to "<path>.tmp", which is synced and renamed over path only once all is well. */
#ifndef MEMSCAPE_ATOMIC_FILE_H
#define MEMSCAPE_ATOMIC_FILE_H

#include <stddef.h>

#include "memscape/common.h"

typedef struct memscape_atomic_file {
    const char *path;           /* borrowed */
    char *tmp;                  /* "<path>.tmp" */
    int fd;
    int os_errno;               /* errno of the first failed write, or 0 */
} memscape_atomic_file;

/** Create "<path>.tmp" for writing. what names the format in messages ("PDF"). */
memscape_status memscape_atomic_open(memscape_atomic_file *f, const char *path,
                                     const char *what, memscape_error *err);
/** Write all of data; 0, or -1 with f->os_errno set (later writes then do nothing). */
int memscape_atomic_write(memscape_atomic_file *f, const void *data, size_t len);
/** Sync, close and rename over path. When an earlier step failed, or this one does, the
 *  temporary file is removed, path is untouched, and the error names path and why (the
 *  system's reason, else reason). */
memscape_status memscape_atomic_commit(memscape_atomic_file *f, const char *what,
                                       const char *reason, memscape_error *err);
/** The whole file at once: open, write len bytes of data, commit. */
memscape_status memscape_atomic_write_file(const char *path, const char *what, const void *data,
                                           size_t len, memscape_error *err);
/** Give up: close and remove the temporary file. */
void memscape_atomic_abort(memscape_atomic_file *f);

#endif /* MEMSCAPE_ATOMIC_FILE_H */
