/* SPDX-License-Identifier: MIT */
/* Text scanning for the WinDbg log reader (windbg_text.h). */
#include "windbg_text.h"

#include <stdlib.h>
#include <string.h>

int wdb_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* U+00A0 in UTF-8: pages quoting debugger output put it where the debugger put blanks. */
static int nbsp_at(const char *p, size_t left)
{
    return left >= 2 && (unsigned char)p[0] == 0xC2u && (unsigned char)p[1] == 0xA0u;
}

size_t wdb_blank_width(const char *p, size_t left)
{
    if (left == 0)
        return 0;
    if (wdb_is_space(p[0]))
        return 1;
    return nbsp_at(p, left) ? 2 : 0;
}

wdb_span wdb_trim(wdb_span s)
{
    for (size_t w; (w = wdb_blank_width(s.p, s.n)) != 0;) {
        s.p += w;
        s.n -= w;
    }
    for (;;) {
        if (s.n && wdb_is_space(s.p[s.n - 1]))
            s.n--;
        else if (s.n >= 2 && nbsp_at(s.p + s.n - 2, 2))
            s.n -= 2;
        else
            return s;
    }
}

wdb_span wdb_skip(wdb_span s, size_t k)
{
    if (k > s.n)
        k = s.n;
    return (wdb_span){s.p + k, s.n - k};
}

wdb_span wdb_token(wdb_span *rest)
{
    wdb_span s = wdb_trim(*rest);
    size_t i = 0;
    while (i < s.n && wdb_blank_width(s.p + i, s.n - i) == 0)
        i++;
    *rest = wdb_skip(s, i);
    return (wdb_span){s.p, i};
}

int wdb_equals(wdb_span s, const char *text)
{
    size_t n = strlen(text);
    return s.n == n && memcmp(s.p, text, n) == 0;
}

int wdb_starts(wdb_span s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.n >= n && memcmp(s.p, prefix, n) == 0;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static size_t find_in(wdb_span s, const char *needle, int nocase)
{
    size_t n = strlen(needle);
    if (n == 0)
        return 0;
    for (size_t i = 0; n <= s.n && i <= s.n - n; i++) {
        size_t k = 0;
        while (k < n && (nocase ? lower(s.p[i + k]) == lower(needle[k])
                                : s.p[i + k] == needle[k]))
            k++;
        if (k == n)
            return i;
    }
    return SIZE_MAX;
}

size_t wdb_find(wdb_span s, const char *needle)
{
    return find_in(s, needle, 0);
}

size_t wdb_find_nocase(wdb_span s, const char *needle)
{
    return find_in(s, needle, 1);
}

wdb_number wdb_decimal(wdb_span token, uint64_t *value)
{
    if (token.n == 0)
        return WDB_NUMBER_NONE;
    uint64_t v = 0;
    int too_big = 0;
    for (size_t i = 0; i < token.n; i++) {
        char c = token.p[i];
        if (c < '0' || c > '9')
            return WDB_NUMBER_NONE;
        unsigned d = (unsigned)(c - '0');
        if (v > (UINT64_MAX - d) / 10)
            too_big = 1;
        else
            v = v * 10 + d;
    }
    if (too_big)
        return WDB_NUMBER_TOO_BIG;
    *value = v;
    return WDB_NUMBER_OK;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "0x", "0X", "0×" in UTF-8 (C3 97) or Latin-1 (D7): how many bytes the prefix takes. */
static size_t hex_prefix(wdb_span t)
{
    if (t.n < 2 || t.p[0] != '0')
        return 0;
    if (t.p[1] == 'x' || t.p[1] == 'X' || (unsigned char)t.p[1] == 0xD7u)
        return 2;
    if (t.n >= 3 && (unsigned char)t.p[1] == 0xC3u && (unsigned char)t.p[2] == 0x97u)
        return 3;
    return 0;
}

wdb_number wdb_hex(wdb_span token, uint64_t *value, unsigned *digits)
{
    token = wdb_skip(token, hex_prefix(token));
    if (token.n == 0)
        return WDB_NUMBER_NONE;
    uint64_t v = 0;
    unsigned count = 0, significant = 0, backticks = 0;
    for (size_t i = 0; i < token.n; i++) {
        char c = token.p[i];
        if (c == '`') {
            /* One backtick, between digits: the debugger's split of a 64-bit address. */
            if (++backticks > 1 || i == 0 || i + 1 == token.n)
                return WDB_NUMBER_NONE;
            continue;
        }
        int d = hex_digit(c);
        if (d < 0)
            return WDB_NUMBER_NONE;
        if (count < UINT32_MAX)
            count++;
        /* Leading zeros are fine; a value needing more than 64 bits is not. */
        if (significant || d)
            significant++;
        if (significant <= 16)
            v = v << 4 | (unsigned)d;
    }
    if (significant > 16)
        return WDB_NUMBER_TOO_BIG;
    *value = v;
    if (digits)
        *digits = count;
    return WDB_NUMBER_OK;
}

/* Digits, at least one: the length, or 0. */
static size_t digit_run(wdb_span s, size_t at)
{
    size_t i = at;
    while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9')
        i++;
    return i - at;
}

/* "kd>" or "lkd>" at s[at]: the length, or 0. */
static size_t kernel_prompt(wdb_span s, size_t at)
{
    wdb_span rest = wdb_skip(s, at);
    if (wdb_starts(rest, "kd>"))
        return 3;
    if (wdb_starts(rest, "lkd>"))
        return 4;
    return 0;
}

/* The length of the prompt at s[at], or 0: "N:NNN>", "N:NNN:word>", "kd>", "N: kd>". */
static size_t prompt_length(wdb_span s, size_t at)
{
    size_t k = kernel_prompt(s, at);
    if (k)
        return k;
    size_t d = digit_run(s, at);
    if (d == 0 || at + d >= s.n || s.p[at + d] != ':')
        return 0;
    size_t i = at + d + 1;
    if (i < s.n && s.p[i] == ' ') {
        k = kernel_prompt(s, i + 1);
        return k ? i + 1 + k - at : 0;
    }
    size_t t = digit_run(s, i);
    if (t == 0)
        return 0;
    i += t;
    if (i < s.n && s.p[i] == ':') {
        /* A processor or guest suffix: "0:000:x86>". */
        size_t w = ++i;
        while (i < s.n && i - w < 16 && ((s.p[i] >= 'a' && s.p[i] <= 'z') ||
                                         (s.p[i] >= 'A' && s.p[i] <= 'Z') ||
                                         (s.p[i] >= '0' && s.p[i] <= '9')))
            i++;
        if (i == w)
            return 0;
    }
    return i < s.n && s.p[i] == '>' ? i + 1 - at : 0;
}

int wdb_prompt(wdb_span line, wdb_span *command)
{
    size_t at = 0;
    for (size_t w; (w = wdb_blank_width(line.p + at, line.n - at)) != 0;)
        at += w;
    size_t len = prompt_length(line, at);
    if (len == 0)
        return 0;
    size_t end = at + len;
    if (end < line.n && wdb_blank_width(line.p + end, line.n - end) == 0)
        return 0;
    if (command)
        *command = wdb_trim(wdb_skip(line, end));
    return 1;
}

/* ---- index --------------------------------------------------------------------------------- */

void wdb_index_free(wdb_index *ix)
{
    free(ix->keys);
    free(ix->values);
    *ix = (wdb_index){0};
}

static size_t slot_of(uint64_t key, size_t capacity)
{
    /* Fibonacci hashing spreads aligned bases (multiples of 0x10000) over the table. */
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (capacity - 1);
}

uint32_t wdb_index_get(const wdb_index *ix, uint64_t key)
{
    if (ix->capacity == 0)
        return UINT32_MAX;
    for (size_t i = slot_of(key, ix->capacity);; i = (i + 1) & (ix->capacity - 1)) {
        if (ix->values[i] == 0)
            return UINT32_MAX;
        if (ix->keys[i] == key)
            return ix->values[i] - 1;
    }
}

static void put_slot(uint64_t *keys, uint32_t *values, size_t capacity, uint64_t key,
                     uint32_t stored)
{
    size_t i = slot_of(key, capacity);
    while (values[i] != 0 && keys[i] != key)
        i = (i + 1) & (capacity - 1);
    keys[i] = key;
    values[i] = stored;
}

static memscape_status grow(wdb_index *ix)
{
    size_t capacity = ix->capacity ? ix->capacity * 2 : 64;
    if (capacity > SIZE_MAX / sizeof(uint64_t))
        return MEMSCAPE_ENOMEM;
    uint64_t *keys = calloc(capacity, sizeof *keys);
    uint32_t *values = calloc(capacity, sizeof *values);
    if (!keys || !values) {
        free(keys);
        free(values);
        return MEMSCAPE_ENOMEM;
    }
    for (size_t i = 0; i < ix->capacity; i++)
        if (ix->values[i])
            put_slot(keys, values, capacity, ix->keys[i], ix->values[i]);
    free(ix->keys);
    free(ix->values);
    ix->keys = keys;
    ix->values = values;
    ix->capacity = capacity;
    return MEMSCAPE_OK;
}

memscape_status wdb_index_put(wdb_index *ix, uint64_t key, uint32_t value)
{
    /* At most half full, so probes stay short and an empty slot always exists. */
    if ((ix->count + 1) * 2 > ix->capacity) {
        memscape_status st = grow(ix);
        if (st != MEMSCAPE_OK)
            return st;
    }
    if (wdb_index_get(ix, key) == UINT32_MAX)
        ix->count++;
    put_slot(ix->keys, ix->values, ix->capacity, key, value + 1);
    return MEMSCAPE_OK;
}
