/* SPDX-License-Identifier: MIT */
/* The temporary folder a unit test writes its files in, and whole files read and written.
 * Header-only (each unit test is a program of its own); include after <cmocka.h>. Functions a
 * test does not call cost nothing: they are static inline. */
#ifndef MEMSCAPE_TESTS_TMPDIR_H
#define MEMSCAPE_TESTS_TMPDIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/memscape-unit-XXXXXX";

static inline int make_dir(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

/* Remove everything under path (writers make at most one level of folders). */
static inline void empty_folder(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        if (unlink(p) != 0) {
            empty_folder(p);
            rmdir(p);
        }
    }
    closedir(d);
}

static inline int remove_dir(void **state)
{
    (void)state;
    empty_folder(dir);
    return rmdir(dir);
}

static inline const char *in_dir(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
    return out;
}

static inline int exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

/* The whole file, NUL-terminated so text before binary data can be searched as a string. */
static inline void *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    unsigned char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = 0;
    *size = (size_t)n;
    return buf;
}

static inline void spill(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
}

#endif /* MEMSCAPE_TESTS_TMPDIR_H */
