/* SPDX-License-Identifier: MIT */
/* Text helpers shared by readers and writers. */
#ifndef MEMSCAPE_TEXT_H
#define MEMSCAPE_TEXT_H

#include <stddef.h>
#include <stdint.h>

/** Encode code point cp as UTF-8 into out (room for 4 bytes); returns the length. */
size_t memscape_utf8_encode(uint32_t cp, char *out);

/** Convert UTF-16 code units (little- or big-endian) to UTF-8. out must hold 3 bytes per unit
 *  plus the NUL; stops at a NUL unit. Unpaired surrogates become U+FFFD. Returns the length. */
size_t memscape_utf16_to_utf8(const uint8_t *p, size_t units, int big_endian, char *out);

/** memscape_utf8_next()'s answer for a byte that starts no well-formed sequence. */
#define MEMSCAPE_UTF8_INVALID UINT32_MAX

/** The code point starting at s (NUL-terminated) and, in *used, its length; with *used = 1,
 *  MEMSCAPE_UTF8_INVALID for a byte that does not start a well-formed sequence (RFC 3629: no
 *  overlong forms, no surrogates, nothing above U+10FFFF). A NUL is never a continuation
 *  byte, so it never reads past the terminator. */
uint32_t memscape_utf8_next(const unsigned char *s, size_t *used);

/** The file name in a path with '/' or '\\' separators (dumps name Windows and POSIX paths
 *  alike); the whole path when it ends in a separator, so a name is never empty. */
const char *memscape_path_base_name(const char *path);

#endif /* MEMSCAPE_TEXT_H */
