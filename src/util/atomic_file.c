/* SPDX-License-Identifier: MIT */
/* Temporary name, sync, rename: see atomic_file.h. */
#include "util/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"

memscape_status memscape_atomic_open(memscape_atomic_file *f, const char *path,
                                     const char *what, memscape_error *err)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
    f->path = path;
    size_t len = strlen(path);
    f->tmp = malloc(len + sizeof ".tmp");
    if (!f->tmp)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "%s: out of memory",
                             what);
    memcpy(f->tmp, path, len);
    memcpy(f->tmp + len, ".tmp", sizeof ".tmp");
    /* O_NOFOLLOW: a planted symlink at the temporary name must not redirect the write. */
    f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (f->fd < 0) {
        int e = errno;
        free(f->tmp);
        f->tmp = NULL;
        return memscape_fail(err, MEMSCAPE_EIO, MEMSCAPE_NO_OFFSET, "%s: cannot write %s: %s",
                             what, path, strerror(e));
    }
    return MEMSCAPE_OK;
}

int memscape_atomic_write(memscape_atomic_file *f, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0 && !f->os_errno) {
        ssize_t done = write(f->fd, p, len);
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0) {
            f->os_errno = done < 0 ? errno : EIO;
            break;
        }
        p += done;
        len -= (size_t)done;
    }
    return f->os_errno ? -1 : 0;
}

void memscape_atomic_abort(memscape_atomic_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    if (f->tmp)
        unlink(f->tmp);
    free(f->tmp);
    f->tmp = NULL;
    f->fd = -1;
}

memscape_status memscape_atomic_commit(memscape_atomic_file *f, const char *what,
                                       const char *reason, memscape_error *err)
{
    int failed = f->os_errno != 0 || reason != NULL;
    if (!failed && fsync(f->fd) != 0) {
        f->os_errno = errno;
        failed = 1;
    }
    if (close(f->fd) != 0 && !failed) {
        f->os_errno = errno;
        failed = 1;
    }
    f->fd = -1;
    if (!failed && rename(f->tmp, f->path) != 0) {
        f->os_errno = errno;
        failed = 1;
    }
    if (!failed) {
        free(f->tmp);
        f->tmp = NULL;
        return MEMSCAPE_OK;
    }
    memscape_atomic_abort(f);
    return memscape_fail(err, MEMSCAPE_EIO, MEMSCAPE_NO_OFFSET, "%s: cannot write %s: %s", what,
                         f->path,
                         f->os_errno ? strerror(f->os_errno) : reason ? reason : "failed");
}

memscape_status memscape_atomic_write_file(const char *path, const char *what, const void *data,
                                           size_t len, memscape_error *err)
{
    memscape_atomic_file f;
    memscape_status st = memscape_atomic_open(&f, path, what, err);
    if (st != MEMSCAPE_OK)
        return st;
    memscape_atomic_write(&f, data, len); /* a failure is kept in f and reported by commit */
    return memscape_atomic_commit(&f, what, NULL, err);
}
