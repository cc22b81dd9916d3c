/* SPDX-License-Identifier: MIT */
/* Text scanning for the WinDbg log reader: spans of one line, tokens, numbers as the debugger
 * prints them (decimal counts; hex addresses with a 0x prefix or a backtick between the
 * halves), prompts, and a small map from a 64-bit key to an index. Internal to the reader. */
#ifndef MEMSCAPE_WINDBG_TEXT_H
#define MEMSCAPE_WINDBG_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "memscape/common.h"

/** A piece of one line of the log: never NUL-terminated, never past the line. */
typedef struct wdb_span {
    const char *p;
    size_t n;
} wdb_span;

int wdb_is_space(char c);
/** The width of the blank at p (an ASCII blank: 1; U+00A0, as pages print it: 2), or 0. */
size_t wdb_blank_width(const char *p, size_t left);
wdb_span wdb_trim(wdb_span s);
/** s without its first k bytes (k <= s.n). */
wdb_span wdb_skip(wdb_span s, size_t k);
/** The next whitespace-separated token of *rest; *rest moves past it. Empty at the end. */
wdb_span wdb_token(wdb_span *rest);
int wdb_equals(wdb_span s, const char *text);
int wdb_starts(wdb_span s, const char *prefix);
/** Offset of the first occurrence of needle in s, or SIZE_MAX. */
size_t wdb_find(wdb_span s, const char *needle);
/** Like wdb_find, ignoring ASCII case. */
size_t wdb_find_nocase(wdb_span s, const char *needle);

typedef enum wdb_number {
    WDB_NUMBER_OK = 0,
    WDB_NUMBER_NONE,       /* not a number of that kind */
    WDB_NUMBER_TOO_BIG     /* a number, but past 64 bits */
} wdb_number;

/** A token of decimal digits only. */
wdb_number wdb_decimal(wdb_span token, uint64_t *value);
/** A hex address: an optional "0x" (also "0×", U+00D7, as blog posts print it), hex digits
 *  with at most one backtick between them (fffff800`01693f92). *digits counts the digits, so
 *  that "00000000`00b00000" still says it is a 64-bit address. */
wdb_number wdb_hex(wdb_span token, uint64_t *value, unsigned *digits);

/** If the line starts (after blanks) with a debugger prompt ("0:000>", "0:000:x86>", "kd>",
 *  "0: kd>", "lkd>") followed by a blank or the end, the command after it (trimmed) goes to
 *  *command and the answer is 1. */
int wdb_prompt(wdb_span line, wdb_span *command);

/** Open-addressing map from a 64-bit key to a 32-bit index, for finding a module by its base
 *  or a thread by its id without a scan per line. Grows by doubling. */
typedef struct wdb_index {
    uint64_t *keys;
    uint32_t *values;      /* index + 1; 0 marks an empty slot */
    size_t capacity;       /* a power of two, or 0 */
    size_t count;
} wdb_index;

void wdb_index_free(wdb_index *ix);
/** The index stored under key, or UINT32_MAX. */
uint32_t wdb_index_get(const wdb_index *ix, uint64_t key);
/** Store value (< UINT32_MAX) under key, replacing any. MEMSCAPE_ENOMEM on failure. */
memscape_status wdb_index_put(wdb_index *ix, uint64_t key, uint32_t value);

#endif /* MEMSCAPE_WINDBG_TEXT_H */
