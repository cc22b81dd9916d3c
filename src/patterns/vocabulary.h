/* SPDX-License-Identifier: MIT */
/* The problem vocabulary and the search for it. Internal to the library.
 *
 * A vocabulary is a list of words or phrases (UTF-8), read from a text file of one a line
 * ('#' starts a comment line) or from the built-in list (src/patterns/vocabulary.txt, embedded
 * at build time). The search looks for every word at once, as 8-bit text (its UTF-8 bytes) and
 * as UTF-16 in the dump's byte order, case-sensitively, over buffers of memory. */
#ifndef MEMSCAPE_PATTERNS_VOCABULARY_H
#define MEMSCAPE_PATTERNS_VOCABULARY_H

#include <stddef.h>
#include <stdint.h>

#include "memscape/common.h"

/* A word of at least two characters: one character would match nearly everywhere. At most
 * 64 bytes, 256 words, 1 KiB a line and 1 MiB a file: bounds on what a file can make the
 * search allocate and do, far above any useful vocabulary. */
#define MEMSCAPE_VOCABULARY_MIN_CHARS 2u
#define MEMSCAPE_VOCABULARY_MAX_WORD 64u
#define MEMSCAPE_VOCABULARY_MAX_WORDS 256u
#define MEMSCAPE_VOCABULARY_MAX_LINE 1024u
#define MEMSCAPE_VOCABULARY_MAX_FILE (1u << 20)

typedef struct memscape_vocabulary {
    size_t count;
    char words[MEMSCAPE_VOCABULARY_MAX_WORDS][MEMSCAPE_VOCABULARY_MAX_WORD + 1];
} memscape_vocabulary;

/** Parse vocabulary text (size bytes, not NUL-terminated) into *v, in file order, duplicates
 *  dropped. Fails with MEMSCAPE_EFORMAT naming the line (err->offset: the line's offset in the
 *  text) for a line that is not UTF-8, holds a NUL or a control character, is too long, or
 *  holds a word too short; or for more words than MEMSCAPE_VOCABULARY_MAX_WORDS. */
memscape_status memscape_vocabulary_parse(memscape_vocabulary *v, const uint8_t *text,
                                          size_t size, memscape_error *err);

/** Read the vocabulary file at path, or the built-in vocabulary when path is NULL. Fails with
 *  MEMSCAPE_EIO when the file cannot be read, MEMSCAPE_EFORMAT as above or when it is larger
 *  than MEMSCAPE_VOCABULARY_MAX_FILE, MEMSCAPE_ENOMEM. */
memscape_status memscape_vocabulary_load(memscape_vocabulary *v, const char *path,
                                         memscape_error *err);

/* ---- the search -------------------------------------------------------------------------- */

/* Each word is searched in two encodings: pattern 2w is word w's UTF-8 bytes, pattern 2w + 1
 * its UTF-16. The longest pattern (UTF-16 of a 64-byte ASCII word) is 128 bytes. */
#define MEMSCAPE_SEARCH_UTF8 0u
#define MEMSCAPE_SEARCH_UTF16 1u
#define MEMSCAPE_SEARCH_MAX_PATTERN (2u * MEMSCAPE_VOCABULARY_MAX_WORD)

typedef struct memscape_word_search memscape_word_search;

/** A search for every word of v (copied) in both encodings, UTF-16 big-endian when big_endian.
 *  Caller owns *out (memscape_word_search_free()). */
memscape_status memscape_word_search_new(memscape_word_search **out,
                                         const memscape_vocabulary *v, int big_endian);
void memscape_word_search_free(memscape_word_search *s); /* accepts NULL */

/** Patterns searched (twice the words). */
size_t memscape_word_search_patterns(const memscape_word_search *s);
/** Length in bytes of the longest pattern: a match spans at most this many bytes. */
size_t memscape_word_search_longest(const memscape_word_search *s);

/** Called for each match: its address and pattern index. */
typedef void (*memscape_word_hit)(void *ctx, uint64_t addr, size_t pattern);

/** Report every match lying inside data[0, size) (whose first byte is at address addr) that
 *  starts before start_limit and ends after min_end (offsets into data), in address order.
 *  The whole buffer: start_limit = size, min_end = 0. A seam between two buffers of contiguous
 *  memory (the tail of one, then the head of the next, copied together): start_limit = min_end
 *  = the tail's length, so that only the matches crossing the seam are reported. */
void memscape_word_search_scan(const memscape_word_search *s, uint64_t addr,
                               const uint8_t *data, size_t size, size_t start_limit,
                               size_t min_end, memscape_word_hit hit, void *ctx);

#endif /* MEMSCAPE_PATTERNS_VOCABULARY_H */
