/* SPDX-License-Identifier: MIT */
/* Without a fuzzing engine, each fuzz target links this driver: it replays every file named on
 * the command line, and every file under every folder named (recursively, in name order),
 * through LLVMFuzzerTestOneInput. A crash or abort in the target fails the test. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_walk.h"

/* Inputs above this are skipped, as libFuzzer's -max_len would cut them. */
#define REPLAY_MAX_BYTES (64u << 20)

typedef struct replay_counts {
    size_t files;
    size_t skipped;
} replay_counts;

static int replay_path(const char *path, replay_counts *counts);

static int replay_file(const char *path, const struct stat *sb, replay_counts *counts)
{
    if (sb->st_size > (off_t)REPLAY_MAX_BYTES) {
        fprintf(stderr, "standalone: %s: skipped (%lld bytes)\n", path,
                (long long)sb->st_size);
        counts->skipped++;
        return 0;
    }
    size_t size = (size_t)sb->st_size;
    /* An exact-size allocation, so ASan catches a read one byte past the input. */
    uint8_t *data = malloc(size ? size : 1);
    FILE *f = fopen(path, "rb");
    if (!data || !f || fread(data, 1, size, f) != size) {
        fprintf(stderr, "standalone: %s: %s\n", path, strerror(errno));
        free(data);
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    counts->files++;
    return 0;
}

static int replay_folder(const char *path, replay_counts *counts)
{
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        fprintf(stderr, "standalone: %s: %s\n", path, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (rc == 0 && strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
            size_t len = strlen(path) + 1 + strlen(name) + 1;
            char *child = malloc(len);
            if (!child) {
                rc = -1;
            } else {
                snprintf(child, len, "%s/%s", path, name);
                rc = replay_path(child, counts);
                free(child);
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

static int replay_path(const char *path, replay_counts *counts)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "standalone: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(sb.st_mode))
        return replay_folder(path, counts);
    if (S_ISREG(sb.st_mode))
        return replay_file(path, &sb, counts);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s <file or folder>...\n", argv[0]);
        return 2;
    }
    replay_counts counts = {0};
    for (int i = 1; i < argc; i++)
        if (replay_path(argv[i], &counts) != 0)
            return 1;
    printf("replayed %zu inputs (%zu skipped)\n", counts.files, counts.skipped);
    return 0;
}
