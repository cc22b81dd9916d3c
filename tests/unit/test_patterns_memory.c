/* SPDX-License-Identifier: MIT */
/* The memory-content detectors (src/patterns/memory.c) and the problem vocabulary
 * (src/patterns/vocabulary.c): the file format, hostile vocabulary files, the search in both
 * encodings and across chunk boundaries, and execution residue below stack pointers. Spaces
 * are built here with the readers' builder API, their bytes written by the tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscape/patterns.h"
#include "patterns/vocabulary.h"
#include "space_build.h"
#include "tmpdir.h"

/* ---- building spaces --------------------------------------------------------------------- */

static memscape_space *space_over(const uint8_t *file, size_t size, uint32_t pointer_size,
                                  int big_endian)
{
    memscape_space *space;
    assert_int_equal(memscape_space_new(&space, file, size, NULL), MEMSCAPE_OK);
    space->system.format = MEMSCAPE_FORMAT_RAW;
    space->system.pointer_size = pointer_size;
    space->system.big_endian = big_endian;
    return space;
}

static void add_range(memscape_space *space, uint64_t base, uint64_t size, uint64_t offset)
{
    assert_int_equal(memscape_space_add_range(space, base, size, offset), MEMSCAPE_OK);
}

static void add_region(memscape_space *space, uint64_t base, uint64_t size, uint32_t protect,
                       memscape_type type, memscape_usage usage)
{
    memscape_region r = {.base = base, .size = size, .allocation_base = base,
                         .file_offset = MEMSCAPE_NO_OFFSET, .state = MEMSCAPE_STATE_COMMITTED,
                         .type = type, .protect = protect, .usage = usage,
                         .module_index = MEMSCAPE_NO_INDEX, .thread_index = MEMSCAPE_NO_INDEX};
    assert_int_equal(memscape_space_add_layout(space, &r), MEMSCAPE_OK);
}

static void add_module(memscape_space *space, const char *name, uint64_t base, uint64_t size)
{
    memscape_module m = {.name = name, .base = base, .size = size};
    assert_int_equal(memscape_space_add_module(space, &m), MEMSCAPE_OK);
}

static void add_thread(memscape_space *space, uint32_t id, uint64_t sp, uint64_t stack_base,
                       uint64_t stack_size)
{
    memscape_thread t = {.id = id, .sp = sp, .pc = 0x401000, .has_context = sp != 0,
                         .stack_base = stack_base, .stack_size = stack_size};
    assert_int_equal(memscape_space_add_thread(space, &t, NULL), MEMSCAPE_OK);
}

static void finalize(memscape_space *space)
{
    memscape_error err = {0};
    assert_int_equal(memscape_space_finalize(space, &err), MEMSCAPE_OK);
}

/* Put text at file[at] as UTF-16 (ASCII text only) in the given byte order. */
static void put_utf16(uint8_t *file, size_t at, const char *text, int big_endian)
{
    for (size_t i = 0; text[i]; i++) {
        file[at + 2 * i] = big_endian ? 0 : (uint8_t)text[i];
        file[at + 2 * i + 1] = big_endian ? (uint8_t)text[i] : 0;
    }
}

static void put_pointer(uint8_t *file, size_t at, uint64_t value, uint32_t size)
{
    for (uint32_t i = 0; i < size; i++)
        file[at + i] = (uint8_t)(value >> (8 * i)); /* little-endian */
}

/* ---- running the detectors --------------------------------------------------------------- */

static char vocabulary_path[512];

/* Write text as the vocabulary file; returns its path. */
static const char *vocabulary_file(const char *text, size_t size)
{
    in_dir(vocabulary_path, sizeof vocabulary_path, "vocabulary.txt");
    FILE *f = fopen(vocabulary_path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
    return vocabulary_path;
}

static memscape_findings *detect(const memscape_space *space, const char *vocabulary,
                                 unsigned threads)
{
    memscape_detect_options opts = {.vocabulary_path = vocabulary, .threads = threads};
    memscape_findings *findings = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_detect(&findings, space, &opts, &err), MEMSCAPE_OK);
    return findings;
}

/* The findings of pattern id, into out (up to max); returns how many there are. */
static size_t findings_of(const memscape_findings *findings, const char *id,
                          const memscape_finding **out, size_t max)
{
    size_t n, k = 0;
    const memscape_finding *f = memscape_findings_items(findings, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].pattern->id, id) == 0) {
            if (k < max)
                out[k] = &f[i];
            k++;
        }
    return k;
}

static const char *evidence(const memscape_finding *f, const char *key)
{
    for (size_t i = 0; i < f->evidence_count; i++)
        if (strcmp(f->evidence[i].key, key) == 0)
            return f->evidence[i].value;
    return NULL;
}

static void assert_evidence(const memscape_finding *f, const char *key, const char *want)
{
    const char *got = evidence(f, key);
    if (!got)
        fail_msg("no evidence '%s' (want '%s')", key, want);
    assert_string_equal(got, want);
}

/* ---- the vocabulary file format ---------------------------------------------------------- */

static int vocabulary_has(const memscape_vocabulary *v, const char *word)
{
    for (size_t i = 0; i < v->count; i++)
        if (strcmp(v->words[i], word) == 0)
            return 1;
    return 0;
}

static void test_vocabulary_builtin_holds_the_catalogue_words(void **state)
{
    (void)state;
    static memscape_vocabulary v;
    memscape_error err = {0};
    assert_int_equal(memscape_vocabulary_load(&v, NULL, &err), MEMSCAPE_OK);
    const char *words[] = {"Waiting for", "Terminate", "Stop", "Mutant", "Exception", "Crit",
                           "MessageBox", "SuspendCount", "error", "fail"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        assert_true(vocabulary_has(&v, words[i]));
    assert_string_equal(v.words[0], "Waiting for");
}

static void test_vocabulary_parse_comments_blanks_and_duplicates(void **state)
{
    (void)state;
    static memscape_vocabulary v;
    memscape_error err = {0};
    const char text[] = "\xef\xbb\xbf# comment\r\n"
                        "  Waiting for  \r\n"
                        "\n"
                        "\t# indented comment\n"
                        "Crit\n"
                        "Waiting for\n"
                        "\xd0\x9e\xd1\x88\xd0\xb8\xd0\xb1\xd0\xba\xd0\xb0\n" /* Cyrillic */
                        "#C#\n"
                        "C#";                                      /* no newline at the end */
    assert_int_equal(memscape_vocabulary_parse(&v, (const uint8_t *)text, sizeof text - 1,
                                               &err),
                     MEMSCAPE_OK);
    assert_int_equal(v.count, 4);
    assert_string_equal(v.words[0], "Waiting for");
    assert_string_equal(v.words[1], "Crit");
    assert_string_equal(v.words[2], "\xd0\x9e\xd1\x88\xd0\xb8\xd0\xb1\xd0\xba\xd0\xb0");
    assert_string_equal(v.words[3], "C#");

    assert_int_equal(memscape_vocabulary_parse(&v, (const uint8_t *)"", 0, &err), MEMSCAPE_OK);
    assert_int_equal(v.count, 0);
}

typedef struct hostile_line {
    const char *text;
    size_t size;
    uint64_t offset; /* of the bad line */
    const char *message;
} hostile_line;

#define HOSTILE(t, off, msg) {t, sizeof t - 1, off, msg}

static void test_vocabulary_parse_rejects_hostile_lines(void **state)
{
    (void)state;
    static const hostile_line cases[] = {
        HOSTILE("ok\nbad \xff byte\n", 3, "line 2: not UTF-8"),
        HOSTILE("# overlong /\n\xc0\xaf\n", 13, "line 2: not UTF-8"),
        HOSTILE("\xed\xa0\x80 surrogate", 0, "line 1: not UTF-8"),
        HOSTILE("cut \xe2\x82", 0, "line 1: not UTF-8"),
        HOSTILE("aa\nbb\nnul\0inside\n", 6, "line 3: holds a NUL"),
        HOSTILE("bell\a\n", 0, "line 1: holds a control character"),
        HOSTILE("cr\rinside\n", 0, "line 1: holds a control character"),
        HOSTILE("fine\nx\n", 5, "line 2: a word needs at least 2 characters"),
        HOSTILE("\xc3\xa9\n", 0, "line 1: a word needs at least 2 characters"),
        HOSTILE("x12345678901234567890123456789012345678901234567890123456789012345\n", 0,
                "line 1: a word longer than 64 bytes"),
    };
    static memscape_vocabulary v;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memscape_error err = {0};
        assert_int_equal(memscape_vocabulary_parse(&v, (const uint8_t *)cases[i].text,
                                                   cases[i].size, &err),
                         MEMSCAPE_EFORMAT);
        assert_int_equal(err.code, MEMSCAPE_EFORMAT);
        assert_int_equal(err.offset, cases[i].offset);
        if (!strstr(err.msg, cases[i].message))
            fail_msg("case %zu: '%s' does not say '%s'", i, err.msg, cases[i].message);
    }
}

static void test_vocabulary_parse_bounds(void **state)
{
    (void)state;
    static memscape_vocabulary v;
    memscape_error err = {0};
    /* A word of exactly 64 bytes passes; a comment line of 1024 bytes too, 1025 not. */
    char text[1100];
    memset(text, 'w', 64);
    text[64] = '\n';
    assert_int_equal(memscape_vocabulary_parse(&v, (const uint8_t *)text, 65, &err),
                     MEMSCAPE_OK);
    assert_int_equal(strlen(v.words[0]), 64);
    text[0] = '#';
    memset(text + 1, 'c', 1023);
    assert_int_equal(memscape_vocabulary_parse(&v, (const uint8_t *)text, 1024, &err),
                     MEMSCAPE_OK);
    assert_int_equal(v.count, 0);
    text[1024] = 'c';
    assert_int_equal(memscape_vocabulary_parse(&v, (const uint8_t *)text, 1025, &err),
                     MEMSCAPE_EFORMAT);
    assert_non_null(strstr(err.msg, "line 1: longer than 1024 bytes"));

    /* 256 distinct words pass; the 257th fails naming its line. */
    size_t size = 257 * 5;
    char *many = malloc(size + 1); /* snprintf ends each line with a NUL */
    assert_non_null(many);
    for (size_t i = 0; i < 257; i++)
        snprintf(many + 5 * i, 6, "w%03zu\n", i);
    assert_int_equal(memscape_vocabulary_parse(&v, (const uint8_t *)many, 256 * 5, &err),
                     MEMSCAPE_OK);
    assert_int_equal(v.count, 256);
    assert_int_equal(memscape_vocabulary_parse(&v, (const uint8_t *)many, size, &err),
                     MEMSCAPE_EFORMAT);
    assert_int_equal(err.offset, 256 * 5);
    assert_non_null(strstr(err.msg, "line 257: more than 256 words"));
    free(many);
}

/* A space with one present byte: the vocabulary is read whether memory holds anything. */
static memscape_space *tiny_space(void)
{
    static const uint8_t byte[1];
    memscape_space *space = space_over(byte, sizeof byte, 8, 0);
    add_range(space, 0x1000, 1, 0);
    finalize(space);
    return space;
}

static memscape_status detect_fails(const memscape_space *space, const char *path,
                                    memscape_error *err)
{
    memscape_detect_options opts = {.vocabulary_path = path, .threads = 1};
    memscape_findings *findings = (memscape_findings *)&opts; /* must stay untouched */
    memscape_status st = memscape_detect(&findings, space, &opts, err);
    assert_ptr_equal(findings, (memscape_findings *)&opts);
    return st;
}

static void test_vocabulary_file_errors_end_the_run(void **state)
{
    (void)state;
    memscape_space *space = tiny_space();
    memscape_error err = {0};
    char missing[512];
    assert_int_equal(detect_fails(space, in_dir(missing, sizeof missing, "absent.txt"), &err),
                     MEMSCAPE_EIO);
    assert_int_equal(detect_fails(space, dir, &err), MEMSCAPE_EIO); /* a folder */

    const char bad[] = "# mine\nStop\n\xfe\n";
    assert_int_equal(detect_fails(space, vocabulary_file(bad, sizeof bad - 1), &err),
                     MEMSCAPE_EFORMAT);
    assert_int_equal(err.offset, 12);
    assert_non_null(strstr(err.msg, "line 3: not UTF-8"));

    size_t big = MEMSCAPE_VOCABULARY_MAX_FILE + 1;
    char *text = malloc(big);
    assert_non_null(text);
    memset(text, '#', big);
    assert_int_equal(detect_fails(space, vocabulary_file(text, big), &err), MEMSCAPE_EFORMAT);
    assert_non_null(strstr(err.msg, "larger than"));
    /* At the limit it is read (a single comment line is too long, but that is the parser). */
    for (size_t i = 1000; i < MEMSCAPE_VOCABULARY_MAX_FILE; i += 1000)
        text[i] = '\n';
    memscape_findings *findings = detect(space, vocabulary_file(text, big - 1), 1);
    memscape_findings_free(findings);
    free(text);
    memscape_space_free(space);
}

/* ---- problem-vocabulary ------------------------------------------------------------------ */

static const char words[] = "# test vocabulary\nWaiting for\nException\nCrit\nSuspendCount\n";

#define HEAP 0x10000000u
#define HEAP_BYTES 0x2000u

static void test_problem_vocabulary_counts_both_encodings(void **state)
{
    (void)state;
    static uint8_t file[HEAP_BYTES];
    memset(file, 0x41, sizeof file); /* 'A': text that matches nothing */
    memcpy(file + 0x100, "Waiting for", 11);
    memcpy(file + 0x1800, "Waiting for", 11);
    put_utf16(file, 0x0ff1, "Exception", 0); /* odd address: UTF-16 need not be aligned */
    put_utf16(file, 0x0400, "Exception", 0);
    memcpy(file + 0x0600, "Exception", 9);
    /* Decoys: case differs, cut short, UTF-16 with a byte missing, the wrong byte order. */
    memcpy(file + 0x0700, "waiting for exception crit", 26);
    memcpy(file + 0x0800, "Waiting fo", 10);
    put_utf16(file, 0x0900, "Exceptio", 0);
    put_utf16(file, 0x0a00, "Crit", 1);
    memscape_space *space = space_over(file, sizeof file, 8, 0);
    add_region(space, HEAP, HEAP_BYTES, MEMSCAPE_PROT_RW, MEMSCAPE_TYPE_PRIVATE,
               MEMSCAPE_USAGE_HEAP);
    add_range(space, HEAP, HEAP_BYTES, 0);
    finalize(space);

    memscape_findings *findings = detect(space, vocabulary_file(words, sizeof words - 1), 1);
    const memscape_finding *f[4];
    assert_int_equal(findings_of(findings, "problem-vocabulary", f, 4), 2);
    /* In vocabulary order, each with its counts and first addresses (WinDbg style). */
    assert_evidence(f[0], "word", "Waiting for");
    assert_evidence(f[0], "count", "2");
    assert_evidence(f[0], "utf8", "2");
    assert_evidence(f[0], "utf16", "0");
    assert_evidence(f[0], "first", "00000000`10000100 00000000`10001800");
    assert_evidence(f[0], "usage", "heap");
    assert_true(f[0]->has_address && f[0]->address == HEAP + 0x100);
    assert_false(f[0]->has_thread);
    assert_null(f[0]->module);
    assert_null(evidence(f[0], "in-images"));

    assert_evidence(f[1], "word", "Exception");
    assert_evidence(f[1], "count", "3");
    assert_evidence(f[1], "utf8", "1");
    assert_evidence(f[1], "utf16", "2");
    assert_evidence(f[1], "first", "00000000`10000400 00000000`10000600 00000000`10000ff1");
    memscape_findings_free(findings);

    /* The built-in vocabulary finds them too. */
    findings = detect(space, NULL, 0);
    assert_true(findings_of(findings, "problem-vocabulary", f, 4) >= 2);
    assert_evidence(f[0], "word", "Waiting for");
    memscape_findings_free(findings);
    memscape_space_free(space);
}

static void test_problem_vocabulary_silent_without_words(void **state)
{
    (void)state;
    static uint8_t file[256];
    memset(file, 0, sizeof file);
    memcpy(file + 16, "Waiting fo", 10);
    memscape_space *space = space_over(file, sizeof file, 8, 0);
    add_range(space, 0x5000, sizeof file, 0);
    finalize(space);
    const memscape_finding *f[1];
    memscape_findings *findings = detect(space, vocabulary_file(words, sizeof words - 1), 1);
    assert_int_equal(findings_of(findings, "problem-vocabulary", f, 1), 0);
    memscape_findings_free(findings);
    /* An empty vocabulary finds nothing anywhere. */
    findings = detect(space, vocabulary_file("# none\n", 7), 1);
    assert_int_equal(findings_of(findings, "problem-vocabulary", f, 1), 0);
    memscape_findings_free(findings);
    memscape_space_free(space);
}

/* Words of two and three bytes take the search's other filter: found as well, at the very
 * end of memory too. */
static void test_problem_vocabulary_short_words(void **state)
{
    (void)state;
    static uint8_t file[96];
    memset(file, '.', sizeof file);
    memcpy(file + 10, "ok", 2);
    memcpy(file + 40, "Crit", 4);
    put_utf16(file, 50, "ok", 0);
    memcpy(file + sizeof file - 3, "abc", 3);
    memscape_space *space = space_over(file, sizeof file, 8, 0);
    add_range(space, 0x3000, sizeof file, 0);
    finalize(space);
    const char text[] = "ok\nabc\nCrit\n";
    memscape_findings *findings = detect(space, vocabulary_file(text, sizeof text - 1), 1);
    const memscape_finding *f[4];
    assert_int_equal(findings_of(findings, "problem-vocabulary", f, 4), 3);
    assert_evidence(f[0], "word", "ok");
    assert_evidence(f[0], "utf8", "1");
    assert_evidence(f[0], "utf16", "1");
    assert_evidence(f[1], "word", "abc");
    assert_int_equal(f[1]->address, 0x3000 + sizeof file - 3);
    assert_evidence(f[2], "word", "Crit");
    assert_int_equal(f[2]->address, 0x3000 + 40);
    memscape_findings_free(findings);
    memscape_space_free(space);
}

/* Words across the boundaries of present runs: adjacent runs from distant file offsets (two
 * runs, and "SuspendCount" over five 3-byte runs) are found; a gap between runs is not
 * bridged. */
static void test_problem_vocabulary_spans_runs_not_gaps(void **state)
{
    (void)state;
    static uint8_t file[0x400];
    memset(file, '.', sizeof file);
    /* Run A [0x8000, 0x8010) from offset 0x000 ends with "Waiting"; run B [0x8010, 0x8020)
     * from offset 0x100 starts with " for". */
    memcpy(file + 0x009, "Waiting", 7);
    memcpy(file + 0x100, " for", 4);
    /* "SuspendCount" as UTF-16 (24 bytes) over runs of 5 bytes at 0x9000.. from offsets
     * 0x200, 0x210, 0x220, ... */
    uint8_t utf16[24];
    put_utf16(utf16, 0, "SuspendCount", 0);
    for (size_t k = 0; k < 5; k++)
        memcpy(file + 0x200 + 0x10 * k, utf16 + 5 * k, k < 4 ? 5 : 4);
    /* "Exception" cut by a one-byte gap between [0xa000, 0xa004) and [0xa005, ...). */
    memcpy(file + 0x300, "Exce", 4);
    memcpy(file + 0x310, "ption", 5);
    memscape_space *space = space_over(file, sizeof file, 8, 0);
    add_range(space, 0x8000, 0x10, 0x000);
    add_range(space, 0x8010, 0x10, 0x100);
    for (size_t k = 0; k < 5; k++)
        add_range(space, 0x9000 + 5 * k, 5, 0x200 + 0x10 * k);
    add_range(space, 0xa000, 4, 0x300);
    add_range(space, 0xa005, 5, 0x310);
    finalize(space);

    memscape_findings *findings = detect(space, vocabulary_file(words, sizeof words - 1), 1);
    const memscape_finding *f[4];
    assert_int_equal(findings_of(findings, "problem-vocabulary", f, 4), 2);
    assert_evidence(f[0], "word", "Waiting for");
    assert_evidence(f[0], "count", "1");
    assert_int_equal(f[0]->address, 0x8009);
    assert_evidence(f[1], "word", "SuspendCount");
    assert_evidence(f[1], "utf16", "1");
    assert_int_equal(f[1]->address, 0x9000);
    memscape_findings_free(findings);
    memscape_space_free(space);
}

/* A space of size bytes at base 0x20000000, one run, words written at the given offsets. */
static memscape_space *big_space(uint8_t *file, size_t size, const size_t *at, size_t n)
{
    memset(file, 0, size);
    for (size_t i = 0; i < n; i++)
        memcpy(file + at[i], i % 2 ? "Crit" : "Waiting for", i % 2 ? 4 : 11);
    memscape_space *space = space_over(file, size, 8, 0);
    add_range(space, 0x20000000, size, 0);
    finalize(space);
    return space;
}

/* Scans split a long run into chunks handed to workers: a word across a split is found once,
 * and the findings are the same whatever the number of threads. */
static void test_problem_vocabulary_same_for_any_thread_count(void **state)
{
    (void)state;
    const size_t size = (size_t)80 << 20, mib = (size_t)1 << 20;
    /* Words across the 8 MiB splits, near the end, and scattered. */
    const size_t at[] = {8 * mib - 5, 16 * mib - 2, 24 * mib - 1, 3 * mib, 40 * mib + 7,
                         72 * mib - 3, 64 * mib - 10, 79 * mib + 5, size - 15, size - 4};
    const size_t n = sizeof at / sizeof at[0];
    uint8_t *file = malloc(size);
    assert_non_null(file);
    memscape_space *space = big_space(file, size, at, n);
    const char *path = vocabulary_file(words, sizeof words - 1);
    char first[2][256] = {"", ""};
    for (unsigned threads = 1; threads <= 4; threads++) {
        memscape_findings *findings = detect(space, path, threads);
        const memscape_finding *f[4];
        assert_int_equal(findings_of(findings, "problem-vocabulary", f, 4), 2);
        assert_evidence(f[0], "word", "Waiting for");
        assert_evidence(f[0], "count", "5");
        assert_evidence(f[1], "word", "Crit");
        assert_evidence(f[1], "count", "5");
        for (size_t k = 0; k < 2; k++) {
            if (threads == 1)
                snprintf(first[k], sizeof first[k], "%s", evidence(f[k], "first"));
            else
                assert_string_equal(evidence(f[k], "first"), first[k]);
        }
        memscape_findings_free(findings);
    }
    /* The lowest addresses of each word, ascending: "Waiting for" (even indexes of at) at
     * 8 MiB - 5, 24 MiB - 1, 40 MiB + 7, 64 MiB - 10; "Crit" at 3, 16 MiB - 2, 72 MiB - 3,
     * 79 MiB + 5. */
    char want[256];
    snprintf(want, sizeof want, "00000000`%08zx 00000000`%08zx 00000000`%08zx 00000000`%08zx",
             0x20000000 + 8 * mib - 5, 0x20000000 + 24 * mib - 1, 0x20000000 + 40 * mib + 7,
             0x20000000 + 64 * mib - 10);
    assert_string_equal(first[0], want);
    snprintf(want, sizeof want, "00000000`%08zx 00000000`%08zx 00000000`%08zx 00000000`%08zx",
             0x20000000 + 3 * mib, 0x20000000 + 16 * mib - 2, 0x20000000 + 72 * mib - 3,
             0x20000000 + 79 * mib + 5);
    assert_string_equal(first[1], want);
    memscape_space_free(space);
    free(file);
}

/* Words in read-only pages of a module image are strings compiled in: counted apart, no
 * finding of their own. In a module's writable pages they count, naming the module. */
static void test_problem_vocabulary_module_constants(void **state)
{
    (void)state;
    static uint8_t file[0x3000];
    memset(file, 0, sizeof file);
    memcpy(file + 0x0100, "Crit", 4);              /* .rdata of app.exe: read-only */
    memcpy(file + 0x0200, "Waiting for", 11);      /* .rdata too */
    memcpy(file + 0x1100, "Waiting for", 11);      /* .data of app.exe: writable */
    memcpy(file + 0x2100, "Crit", 4);              /* a module without a layout */
    memscape_space *space = space_over(file, sizeof file, 4, 0);
    add_module(space, "C:\\app\\app.exe", 0x400000, 0x2000);
    add_module(space, "C:\\app\\other.dll", 0x500000, 0x1000);
    add_region(space, 0x400000, 0x1000, MEMSCAPE_PROT_R, MEMSCAPE_TYPE_IMAGE,
               MEMSCAPE_USAGE_IMAGE);
    add_region(space, 0x401000, 0x1000, MEMSCAPE_PROT_WC, MEMSCAPE_TYPE_IMAGE,
               MEMSCAPE_USAGE_IMAGE);
    add_range(space, 0x400000, 0x2000, 0);
    add_range(space, 0x500000, 0x1000, 0x2000);
    finalize(space);

    memscape_findings *findings = detect(space, vocabulary_file(words, sizeof words - 1), 1);
    const memscape_finding *f[4];
    assert_int_equal(findings_of(findings, "problem-vocabulary", f, 4), 1);
    assert_evidence(f[0], "word", "Waiting for");
    assert_evidence(f[0], "count", "1");
    assert_evidence(f[0], "in-images", "1");
    assert_evidence(f[0], "first", "00401100"); /* 32-bit: WinDbg prints 8 digits */
    assert_string_equal(f[0]->module, "C:\\app\\app.exe");
    memscape_findings_free(findings);
    memscape_space_free(space);
}

/* A big-endian dump's UTF-16 is big-endian: found; its little-endian twin is not. */
static void test_problem_vocabulary_big_endian_utf16(void **state)
{
    (void)state;
    static uint8_t file[128];
    memset(file, 0, sizeof file);
    put_utf16(file, 8, "Crit", 1);
    file[39] = 'x'; /* after a 0 byte, little-endian "Crit" would read as big-endian too */
    put_utf16(file, 40, "Crit", 0);
    put_utf16(file, 80, "Crit", 1);
    memscape_space *space = space_over(file, sizeof file, 8, 1);
    add_range(space, 0x7000, sizeof file, 0);
    finalize(space);
    memscape_findings *findings = detect(space, vocabulary_file(words, sizeof words - 1), 1);
    const memscape_finding *f[2];
    assert_int_equal(findings_of(findings, "problem-vocabulary", f, 2), 1);
    assert_evidence(f[0], "word", "Crit");
    assert_evidence(f[0], "utf16", "2");
    assert_evidence(f[0], "utf8", "0");
    assert_evidence(f[0], "first", "00000000`00007008 00000000`00007050");
    memscape_findings_free(findings);
    memscape_space_free(space);
}

/* ---- execution-residue ------------------------------------------------------------------- */

#define STACK 0x7ffe0000u
#define STACK_BYTES 0x2000u
#define CODE_A 0x400000u  /* a.exe: code [0x400000, 0x401000), data [0x401000, 0x402000) */
#define CODE_B 0x600000u  /* b.dll: no layout (protection unknown) */

/* A stack [STACK, STACK + 0x2000) with sp at STACK + 0x1800, holding, below sp, a_code
 * pointers into a.exe's code, b_code into b.dll, and decoys: pointers into a.exe's data,
 * values in no module, a misaligned code pointer, and code pointers above sp. */
static memscape_space *residue_space(uint8_t *file, uint32_t ptr, size_t a_code, size_t b_code)
{
    memset(file, 0, STACK_BYTES);
    size_t slot = 0x1800 - ptr; /* down from just below sp */
    for (size_t i = 0; i < a_code; i++, slot -= 2 * ptr)
        put_pointer(file, slot, CODE_A + 0x10 * i + 5, ptr);
    for (size_t i = 0; i < b_code; i++, slot -= 2 * ptr)
        put_pointer(file, slot, CODE_B + 0x20 * i, ptr);
    for (size_t i = 0; i < 4; i++, slot -= ptr) {
        put_pointer(file, slot, CODE_A + 0x1000 + i, ptr);   /* a.exe data: not code */
        put_pointer(file, slot - 0x400, 0x12345678 + i, ptr); /* in no module */
    }
    put_pointer(file, 0x101, CODE_A + 1, ptr);                /* misaligned */
    for (size_t i = 0; i < 16; i++)
        put_pointer(file, 0x1800 + ptr * i, CODE_A + i, ptr); /* at and above sp */
    memscape_space *space = space_over(file, STACK_BYTES, ptr, 0);
    add_module(space, "C:\\app\\a.exe", CODE_A, 0x2000);
    add_module(space, "/lib/b.dll", CODE_B, 0x1000);
    add_region(space, CODE_A, 0x1000, MEMSCAPE_PROT_RX, MEMSCAPE_TYPE_IMAGE,
               MEMSCAPE_USAGE_IMAGE);
    add_region(space, CODE_A + 0x1000, 0x1000, MEMSCAPE_PROT_RW, MEMSCAPE_TYPE_IMAGE,
               MEMSCAPE_USAGE_IMAGE);
    add_range(space, STACK, STACK_BYTES, 0);
    add_thread(space, 0x1a2c, STACK + 0x1800, STACK, STACK_BYTES);
    add_thread(space, 0x1a30, 0, 0, 0); /* no context */
    finalize(space);
    return space;
}

static void test_execution_residue_reports_code_pointers_below_sp(void **state)
{
    (void)state;
    static uint8_t file[STACK_BYTES];
    const uint32_t sizes[] = {8, 4};
    for (size_t k = 0; k < 2; k++) {
        uint32_t ptr = sizes[k];
        memscape_space *space = residue_space(file, ptr, 5, 4);
        memscape_findings *findings = detect(space, vocabulary_file("", 0), 1);
        const memscape_finding *f[2];
        assert_int_equal(findings_of(findings, "execution-residue", f, 2), 1);
        assert_true(f[0]->has_thread && f[0]->thread_id == 0x1a2c);
        assert_true(f[0]->has_address && f[0]->address == STACK + 0x1800 - ptr);
        assert_string_equal(f[0]->module, "C:\\app\\a.exe");
        assert_evidence(f[0], "count", "9");
        assert_evidence(f[0], "modules", "a.exe 5, b.dll 4");
        assert_evidence(f[0], "scanned", ptr == 8 ? "00000000`7ffe0000-00000000`7ffe17ff"
                                                  : "7ffe0000-7ffe17ff");
        assert_evidence(f[0], "sp", ptr == 8 ? "00000000`7ffe1800" : "7ffe1800");
        memscape_findings_free(findings);
        memscape_space_free(space);
    }
}

static void test_execution_residue_silent_below_threshold(void **state)
{
    (void)state;
    static uint8_t file[STACK_BYTES];
    const size_t counts[][2] = {{7, 0}, {4, 3}, {0, 0}};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        memscape_space *space = residue_space(file, 8, counts[k][0], counts[k][1]);
        memscape_findings *findings = detect(space, vocabulary_file("", 0), 1);
        const memscape_finding *f[1];
        assert_int_equal(findings_of(findings, "execution-residue", f, 1), 0);
        memscape_findings_free(findings);
        memscape_space_free(space);
    }
}

/* Without a known pointer size, or with sp outside every known stack, nothing is read. */
static void test_execution_residue_needs_pointer_size_and_stack(void **state)
{
    (void)state;
    static uint8_t file[STACK_BYTES];
    memscape_space *space = residue_space(file, 8, 9, 0);
    space->system.pointer_size = 0;
    memscape_findings *findings = detect(space, vocabulary_file("", 0), 1);
    const memscape_finding *f[1];
    assert_int_equal(findings_of(findings, "execution-residue", f, 1), 0);
    memscape_findings_free(findings);
    memscape_space_free(space);

    memset(file, 0, sizeof file);
    for (size_t i = 0; i < 16; i++)
        put_pointer(file, 0x100 + 8 * i, CODE_A + i, 8);
    space = space_over(file, sizeof file, 8, 0);
    add_module(space, "a.exe", CODE_A, 0x1000);
    add_range(space, STACK, STACK_BYTES, 0);
    add_thread(space, 7, STACK + 0x1000, 0, 0); /* no stack described, no stack region */
    finalize(space);
    findings = detect(space, vocabulary_file("", 0), 1);
    assert_int_equal(findings_of(findings, "execution-residue", f, 1), 0);
    memscape_findings_free(findings);
    memscape_space_free(space);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vocabulary_builtin_holds_the_catalogue_words),
        cmocka_unit_test(test_vocabulary_parse_comments_blanks_and_duplicates),
        cmocka_unit_test(test_vocabulary_parse_rejects_hostile_lines),
        cmocka_unit_test(test_vocabulary_parse_bounds),
        cmocka_unit_test(test_vocabulary_file_errors_end_the_run),
        cmocka_unit_test(test_problem_vocabulary_counts_both_encodings),
        cmocka_unit_test(test_problem_vocabulary_silent_without_words),
        cmocka_unit_test(test_problem_vocabulary_short_words),
        cmocka_unit_test(test_problem_vocabulary_spans_runs_not_gaps),
        cmocka_unit_test(test_problem_vocabulary_same_for_any_thread_count),
        cmocka_unit_test(test_problem_vocabulary_module_constants),
        cmocka_unit_test(test_problem_vocabulary_big_endian_utf16),
        cmocka_unit_test(test_execution_residue_reports_code_pointers_below_sp),
        cmocka_unit_test(test_execution_residue_silent_below_threshold),
        cmocka_unit_test(test_execution_residue_needs_pointer_size_and_stack),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
