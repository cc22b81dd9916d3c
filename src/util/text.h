/* SPDX-License-Identifier: MIT */
/* Text helpers shared by readers. */
#ifndef MEMSCAPE_TEXT_H
#define MEMSCAPE_TEXT_H

#include <stddef.h>
#include <stdint.h>

/** Encode code point cp as UTF-8 into out (room for 4 bytes); returns the length. */
size_t memscape_utf8_encode(uint32_t cp, char *out);

/** Convert UTF-16 code units (little- or big-endian) to UTF-8. out must hold 3 bytes per unit
 *  plus the NUL; stops at a NUL unit. Unpaired surrogates become U+FFFD. Returns the length. */
size_t memscape_utf16_to_utf8(const uint8_t *p, size_t units, int big_endian, char *out);

#endif /* MEMSCAPE_TEXT_H */
