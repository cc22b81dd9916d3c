/* SPDX-License-Identifier: MIT */
/* The problem vocabulary: its file format, the built-in list, and a search for all its words
 * at once.
 *
 * The search filters on each position's first two bytes (a 64 Ki-bit table that stays in the
 * L1 cache) and compares the patterns starting with those two bytes only where the filter
 * says so: one table lookup per byte of memory, whatever the number of words. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patterns/vocabulary.h"
#include "util/error.h"
#include "util/text.h"

/* The built-in vocabulary.txt, embedded by embed_vocabulary.py. */
extern const unsigned char memscape_vocabulary_builtin[];
extern const size_t memscape_vocabulary_builtin_size;

/* ---- the file format --------------------------------------------------------------------- */

static int is_blank(uint8_t c)
{
    return c == ' ' || c == '\t';
}

/* Is line (NUL-terminated, no NUL inside) UTF-8 without control characters? Tabs pass: they
 * are blanks. On failure *why says what is wrong. */
static int line_is_text(const char *line, const char **why)
{
    const unsigned char *p = (const unsigned char *)line;
    while (*p) {
        size_t used;
        uint32_t cp = memscape_utf8_next(p, &used);
        if (cp == MEMSCAPE_UTF8_INVALID) {
            *why = "not UTF-8";
            return 0;
        }
        if ((cp < 0x20 && cp != '\t') || cp == 0x7f) {
            *why = "holds a control character";
            return 0;
        }
        p += used;
    }
    return 1;
}

/* Characters (code points) of valid UTF-8 text. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xc0) != 0x80;
    return n;
}

static int vocabulary_has(const memscape_vocabulary *v, const char *word)
{
    for (size_t i = 0; i < v->count; i++)
        if (strcmp(v->words[i], word) == 0)
            return 1;
    return 0;
}

/* One line, [start, start + len) of the text, number line_no at offset start. */
static memscape_status parse_line(memscape_vocabulary *v, const uint8_t *start, size_t len,
                                  size_t line_no, size_t offset, memscape_error *err)
{
    if (len > MEMSCAPE_VOCABULARY_MAX_LINE)
        return memscape_fail(err, MEMSCAPE_EFORMAT, offset,
                             "vocabulary: line %zu: longer than %u bytes", line_no,
                             MEMSCAPE_VOCABULARY_MAX_LINE);
    if (memchr(start, '\0', len))
        return memscape_fail(err, MEMSCAPE_EFORMAT, offset, "vocabulary: line %zu: holds a NUL",
                             line_no);
    char line[MEMSCAPE_VOCABULARY_MAX_LINE + 1];
    memcpy(line, start, len);
    line[len] = '\0';
    const char *why;
    if (!line_is_text(line, &why))
        return memscape_fail(err, MEMSCAPE_EFORMAT, offset, "vocabulary: line %zu: %s", line_no,
                             why);
    size_t lo = 0, hi = len;
    while (lo < hi && is_blank((uint8_t)line[lo]))
        lo++;
    while (hi > lo && is_blank((uint8_t)line[hi - 1]))
        hi--;
    if (lo == hi || line[lo] == '#')
        return MEMSCAPE_OK;
    line[hi] = '\0';
    const char *word = line + lo;
    if (hi - lo > MEMSCAPE_VOCABULARY_MAX_WORD)
        return memscape_fail(err, MEMSCAPE_EFORMAT, offset,
                             "vocabulary: line %zu: a word longer than %u bytes", line_no,
                             MEMSCAPE_VOCABULARY_MAX_WORD);
    if (utf8_chars(word) < MEMSCAPE_VOCABULARY_MIN_CHARS)
        return memscape_fail(err, MEMSCAPE_EFORMAT, offset,
                             "vocabulary: line %zu: a word needs at least %u characters",
                             line_no, MEMSCAPE_VOCABULARY_MIN_CHARS);
    if (vocabulary_has(v, word))
        return MEMSCAPE_OK;
    if (v->count == MEMSCAPE_VOCABULARY_MAX_WORDS)
        return memscape_fail(err, MEMSCAPE_EFORMAT, offset,
                             "vocabulary: line %zu: more than %u words", line_no,
                             MEMSCAPE_VOCABULARY_MAX_WORDS);
    memcpy(v->words[v->count++], word, hi - lo + 1);
    return MEMSCAPE_OK;
}

memscape_status memscape_vocabulary_parse(memscape_vocabulary *v, const uint8_t *text,
                                          size_t size, memscape_error *err)
{
    v->count = 0;
    size_t pos = 0;
    /* A UTF-8 byte order mark (editors on Windows write one) is not part of the first word. */
    if (size >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        pos = 3;
    for (size_t line_no = 1; pos < size; line_no++) {
        const uint8_t *nl = memchr(text + pos, '\n', size - pos);
        size_t end = nl ? (size_t)(nl - text) : size;
        size_t len = end - pos;
        if (len > 0 && text[end - 1] == '\r')
            len--;
        memscape_status st = parse_line(v, text + pos, len, line_no, pos, err);
        if (st != MEMSCAPE_OK)
            return st;
        pos = end + 1;
    }
    return MEMSCAPE_OK;
}

/* Read at most MEMSCAPE_VOCABULARY_MAX_FILE bytes of path into a new buffer. */
static memscape_status read_file(const char *path, uint8_t **out, size_t *size,
                                 memscape_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return memscape_fail(err, MEMSCAPE_EIO, MEMSCAPE_NO_OFFSET, "vocabulary: %s",
                             strerror(errno));
    /* One byte more than allowed tells a file at the limit from a longer one. */
    uint8_t *buf = malloc(MEMSCAPE_VOCABULARY_MAX_FILE + 1);
    if (!buf) {
        fclose(f);
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET,
                             "vocabulary: out of memory");
    }
    size_t got = fread(buf, 1, MEMSCAPE_VOCABULARY_MAX_FILE + 1, f);
    int failed = ferror(f);
    int saved_errno = errno;
    fclose(f);
    memscape_status st = MEMSCAPE_OK;
    if (failed)
        st = memscape_fail(err, MEMSCAPE_EIO, MEMSCAPE_NO_OFFSET, "vocabulary: %s",
                           strerror(saved_errno));
    else if (got > MEMSCAPE_VOCABULARY_MAX_FILE)
        st = memscape_fail(err, MEMSCAPE_EFORMAT, MEMSCAPE_NO_OFFSET,
                           "vocabulary: larger than %u bytes", MEMSCAPE_VOCABULARY_MAX_FILE);
    if (st != MEMSCAPE_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    *size = got;
    return MEMSCAPE_OK;
}

memscape_status memscape_vocabulary_load(memscape_vocabulary *v, const char *path,
                                         memscape_error *err)
{
    if (!path)
        return memscape_vocabulary_parse(v, memscape_vocabulary_builtin,
                                         memscape_vocabulary_builtin_size, err);
    uint8_t *text = NULL;
    size_t size = 0;
    memscape_status st = read_file(path, &text, &size, err);
    if (st != MEMSCAPE_OK)
        return st;
    st = memscape_vocabulary_parse(v, text, size, err);
    free(text);
    return st;
}

/* ---- the search -------------------------------------------------------------------------- */

#define NO_PATTERN UINT16_MAX
#define PAIR_KEYS 65536u

typedef struct search_pattern {
    uint8_t bytes[MEMSCAPE_SEARCH_MAX_PATTERN];
    size_t len;
    uint32_t head;               /* the first 4 bytes as a host-order word (len >= 4) */
    uint16_t next;               /* the next pattern with the same first two bytes */
} search_pattern;

struct memscape_word_search {
    uint8_t pair_seen[PAIR_KEYS];     /* 1 where some pattern starts with the two bytes k */
    uint8_t next_seen[PAIR_KEYS];     /* 1 where some pattern's bytes 2 and 3 are k */
    uint16_t pair_first[PAIR_KEYS];   /* the first such pattern, or NO_PATTERN */
    size_t count;
    size_t longest;
    int zero_starts;                  /* some pattern starts with a 0 byte (UTF-16BE) */
    int has_short;                    /* some pattern is shorter than 4 bytes */
    search_pattern patterns[2 * MEMSCAPE_VOCABULARY_MAX_WORDS];
};

/* Two bytes as a filter key; the same on every host. */
static inline unsigned pair_key(const uint8_t *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* word (valid UTF-8) as UTF-16 code units in the given byte order; returns the length. */
static size_t encode_utf16(const char *word, int big_endian, uint8_t *out)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)word;
    while (*p) {
        size_t used;
        uint32_t cp = memscape_utf8_next(p, &used);
        p += used;
        uint32_t units[2] = {cp, 0};
        size_t unit_count = 1;
        if (cp >= 0x10000) { /* a surrogate pair (RFC 2781, 2.1) */
            units[0] = 0xd800 + ((cp - 0x10000) >> 10);
            units[1] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
            unit_count = 2;
        }
        for (size_t u = 0; u < unit_count; u++) {
            uint8_t hi = (uint8_t)(units[u] >> 8), lo = (uint8_t)units[u];
            out[n++] = big_endian ? hi : lo;
            out[n++] = big_endian ? lo : hi;
        }
    }
    return n;
}

static void add_pattern(memscape_word_search *s, const uint8_t *bytes, size_t len)
{
    search_pattern *p = &s->patterns[s->count];
    memcpy(p->bytes, bytes, len);
    p->len = len;
    if (len >= sizeof p->head)
        memcpy(&p->head, bytes, sizeof p->head);
    p->next = NO_PATTERN;
    /* Append to the key's chain so that matches at one position come in pattern order. */
    unsigned key = pair_key(bytes);
    uint16_t *link = &s->pair_first[key];
    while (*link != NO_PATTERN)
        link = &s->patterns[*link].next;
    *link = (uint16_t)s->count;
    s->pair_seen[key] = 1;
    s->zero_starts |= bytes[0] == 0;
    if (len >= 4) {
        unsigned next = pair_key(bytes + 2);
        s->next_seen[next] = 1;
    } else {
        s->has_short = 1;
    }
    if (len > s->longest)
        s->longest = len;
    s->count++;
}

memscape_status memscape_word_search_new(memscape_word_search **out,
                                         const memscape_vocabulary *v, int big_endian)
{
    memscape_word_search *s = calloc(1, sizeof *s);
    if (!s)
        return MEMSCAPE_ENOMEM;
    for (size_t k = 0; k < PAIR_KEYS; k++)
        s->pair_first[k] = NO_PATTERN;
    for (size_t w = 0; w < v->count && w < MEMSCAPE_VOCABULARY_MAX_WORDS; w++) {
        uint8_t utf16[MEMSCAPE_SEARCH_MAX_PATTERN];
        /* Words are at most 64 bytes of UTF-8, hence at most 64 UTF-16 units, and have at
         * least two characters, hence at least two bytes: each pattern has a pair key. */
        add_pattern(s, (const uint8_t *)v->words[w], strlen(v->words[w]));
        add_pattern(s, utf16, encode_utf16(v->words[w], big_endian, utf16));
    }
    *out = s;
    return MEMSCAPE_OK;
}

void memscape_word_search_free(memscape_word_search *s)
{
    free(s);
}

size_t memscape_word_search_patterns(const memscape_word_search *s)
{
    return s->count;
}

size_t memscape_word_search_longest(const memscape_word_search *s)
{
    return s->longest;
}

/* The patterns whose first two bytes are at data + i, compared in full. Comparing the first
 * four bytes as one word first rejects most candidates without a call to memcmp. */
static void match_at(const memscape_word_search *s, uint64_t addr, const uint8_t *data,
                     size_t size, size_t i, size_t min_end, memscape_word_hit hit, void *ctx)
{
    for (uint16_t k = s->pair_first[pair_key(data + i)]; k != NO_PATTERN;
         k = s->patterns[k].next) {
        const search_pattern *p = &s->patterns[k];
        if (p->len > size - i || i + p->len <= min_end)
            continue;
        if (p->len >= sizeof p->head) {
            uint32_t head;
            memcpy(&head, data + i, sizeof head);
            if (head != p->head)
                continue;
        }
        if (memcmp(data + i + 2, p->bytes + 2, p->len - 2) == 0)
            hit(ctx, addr + i, k);
    }
}

static inline unsigned bit_at(const uint8_t *bits, unsigned key)
{
    return bits[key];
}

/* The pair key of the 8 bytes of w (a host-order load) at position j (0..6). */
static inline unsigned block_key(uint64_t w, unsigned j)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    uint64_t pair = w >> (48 - 8 * j);
    return (unsigned)((pair >> 8) & 0xff) | (unsigned)(pair & 0xff) << 8;
#else
    return (unsigned)(w >> (8 * j)) & 0xffffu;
#endif
}

/* Bit j set: the pair at p + j (j = 0..7) is in bits. p[8] must be readable. The eight tests
 * are independent, so they overlap in the pipeline. */
static inline unsigned block_pairs(const uint8_t *bits, const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    unsigned mask = bit_at(bits, pair_key(p + 7)) << 7;
    for (unsigned j = 0; j < 7; j++)
        mask |= bit_at(bits, block_key(w, j)) << j;
    return mask;
}

/* Which of the 8 positions at p can start a pattern (bit j: position j)? p[0..10] must be
 * readable. Their first two bytes must start a pattern, and, unless a pattern is shorter than
 * 4 bytes, their next two must be some pattern's third and fourth: the second test rejects
 * most of the candidates that UTF-16 text gives the first (every letter before a 0 byte). */
static inline unsigned block_candidates(const memscape_word_search *s, const uint8_t *p)
{
    unsigned mask = block_pairs(s->pair_seen, p);
    if (mask && !s->has_short)
        mask &= block_pairs(s->next_seen, p + 2);
    return mask;
}

void memscape_word_search_scan(const memscape_word_search *s, uint64_t addr,
                               const uint8_t *data, size_t size, size_t start_limit,
                               size_t min_end, memscape_word_hit hit, void *ctx)
{
    if (size < 2)
        return;
    size_t last = size - 1 < start_limit ? size - 1 : start_limit;
    size_t i = 0;
    /* Blocks of 32 positions while the bytes block_candidates reads are there. */
    for (; last - i >= 32 && size - i >= 32 + 3; i += 32) {
        /* Memory is often zero for pages on end: 32 zero bytes start nothing when no pattern
         * starts with a zero byte, whatever follows them. */
        uint64_t w[4];
        memcpy(w, data + i, sizeof w);
        if ((w[0] | w[1] | w[2] | w[3]) == 0 && !s->zero_starts)
            continue;
        for (size_t b = i; b < i + 32; b += 8)
            for (unsigned mask = block_candidates(s, data + b); mask; mask &= mask - 1)
                match_at(s, addr, data, size, b + (size_t)__builtin_ctz(mask), min_end, hit,
                         ctx);
    }
    for (; i < last; i++)
        if (bit_at(s->pair_seen, pair_key(data + i)))
            match_at(s, addr, data, size, i, min_end, hit, ctx);
}
