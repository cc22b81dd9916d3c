/* SPDX-License-Identifier: MIT */
/* Fuzz target for the palette parser (palettes/README.md): a user may pass any file with
 * --palette. Any bytes must either parse, and then every query answers as palette.h promises,
 * or fail with a proper error report ("line N: ..." for a bad or too long text). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_walk.h"
#include "memscape/palette.h"

/* Abort with a message: the fuzzer's crash, the replay test's failure. */
static void broken(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void broken(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: palette: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

static int same_rgb(memscape_rgb a, memscape_rgb b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

static void check_error(memscape_status st, const memscape_error *err, size_t size)
{
    char why[256];
    if (fuzz_check_error(st, err, size, why, sizeof why) != 0)
        broken("bad error report: %s", why);
    /* palette.h: a malformed or too long text names its line. */
    if ((st == MEMSCAPE_ECORRUPT || st == MEMSCAPE_ELIMIT) && strncmp(err->msg, "line ", 5) != 0)
        broken("error without its line: %s", err->msg);
}

/* Entries: categorical classes are named, unique and found by name with their colour;
 * continuous stops have no name and rise strictly from 0 to 1. */
static void check_entries(const memscape_palette *pal)
{
    size_t count = memscape_palette_count(pal);
    int categorical = memscape_palette_kind_of(pal) == MEMSCAPE_PALETTE_CATEGORICAL;
    double previous = -1;
    for (size_t i = 0; i < count; i++) {
        const char *name;
        double position;
        memscape_rgb rgb = memscape_palette_entry(pal, i, &name, &position);
        if (categorical) {
            memscape_rgb found;
            if (!name || !memscape_palette_class(pal, name, &found) || !same_rgb(found, rgb))
                broken("class %s is not found by name with its colour", name ? name : "NULL");
        } else if (name || !(position > previous) || position > 1 ||
                   (i == 0 && position != 0) || (i == count - 1 && position != 1)) {
            broken("continuous stops are not named, rising from 0 to 1 (%s)",
                   memscape_palette_name(pal));
        }
        if (!(position >= 0 && position <= 1))
            broken("an entry position is outside 0..1 (%s)", memscape_palette_name(pal));
        previous = position;
    }
    const char *name = (const char *)1;
    double position = 2;
    memscape_rgb past = memscape_palette_entry(pal, count, &name, &position);
    if (past.r || past.g || past.b || name || position != 0)
        broken("the entry past the end is not black, NULL, 0 (%s)", memscape_palette_name(pal));
}

/* at(): both ends give the first and last entries' colours; any t, however odd, gives some
 * colour without reading outside the table (ASan watches). */
static void check_lookup(const memscape_palette *pal)
{
    size_t count = memscape_palette_count(pal);
    if (count == 0)
        broken("a parsed palette has no entries (%s)", memscape_palette_name(pal));
    memscape_rgb first = memscape_palette_entry(pal, 0, NULL, NULL);
    memscape_rgb last = memscape_palette_entry(pal, count - 1, NULL, NULL);
    if (!same_rgb(memscape_palette_at(pal, 0), first) ||
        !same_rgb(memscape_palette_at(pal, -1), first))
        broken("at(0) is not the first entry's colour (%s)", memscape_palette_name(pal));
    if (!same_rgb(memscape_palette_at(pal, 1), last) ||
        !same_rgb(memscape_palette_at(pal, 2), last))
        broken("at(1) is not the last entry's colour (%s)", memscape_palette_name(pal));
    static const double ts[] = {0.5, 0.25, 0.75, 1e-300, 0.1, 0.999999999999, 1 - 1e-16};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
        (void)memscape_palette_at(pal, ts[i]);
    /* Every entry's own position maps back to it: stops exactly, classes by rounding. */
    for (size_t i = 0; i < count; i++) {
        double position;
        memscape_rgb rgb = memscape_palette_entry(pal, i, NULL, &position);
        if (!same_rgb(memscape_palette_at(pal, position), rgb))
            broken("at(position of entry %zu) is not its colour (%s)", i,
                   memscape_palette_name(pal));
    }
}

static void check_classes(const memscape_palette *pal)
{
    /* The last is 64 characters: one more than a class name may have. */
    static const char *const names[] = {
        "", "absent", "separator", "padding", "heap", "module-0", "zero",
        "a-name-of-sixty-four-characters-which-no-palette-class-can-match",
    };
    int categorical = memscape_palette_kind_of(pal) == MEMSCAPE_PALETTE_CATEGORICAL;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        memscape_rgb rgb = {1, 2, 3};
        int found = memscape_palette_class(pal, names[i], &rgb);
        int possible = categorical && names[i][0] && strlen(names[i]) < MEMSCAPE_PALETTE_MAX_NAME;
        if (found && !possible)
            broken("class '%s' found where it cannot be", names[i]);
        if (!found && !same_rgb(rgb, (memscape_rgb){1, 2, 3}))
            broken("class '%s' not found but the colour was written", names[i]);
    }
    if (memscape_palette_class(pal, NULL, NULL))
        broken("a NULL class name was found");
}

static void check_paraview(const memscape_palette *pal)
{
    char *json = NULL;
    memscape_error err = {0};
    memscape_status st = memscape_palette_paraview_json(pal, &json, &err);
    if (st != MEMSCAPE_OK)
        broken("the ParaView export failed: %s", err.msg);
    if (!json || strncmp(json, "[\n  {\n    \"Name\": \"", 19) != 0 ||
        !strstr(json, memscape_palette_name(pal)))
        broken("the ParaView export does not start with the name: %.80s", json ? json : "NULL");
    free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memscape_palette *pal = NULL;
    memscape_error err = {0};
    /* Exact size, no NUL after it: the parser must never read past len. */
    memscape_status st = memscape_palette_parse(&pal, (const char *)data, size, &err);
    if (st != MEMSCAPE_OK) {
        if (pal)
            broken("a failed parse wrote a palette");
        check_error(st, &err, size);
        return 0;
    }
    if (!pal)
        broken("a successful parse gave no palette");
    const char *name = memscape_palette_name(pal);
    if (!name[0] || strlen(name) >= MEMSCAPE_PALETTE_MAX_NAME)
        broken("palette name '%s' is empty or too long", name);
    (void)strlen(memscape_palette_description(pal));
    check_entries(pal);
    check_lookup(pal);
    check_classes(pal);
    check_paraview(pal);
    memscape_palette_free(pal);
    return 0;
}
