/* SPDX-License-Identifier: MIT */
/* A small streaming JSON writer for the CLI, and the UTF-8 decoder it shares with the text
 * printer. Everything a dump supplies is untrusted text: the writer escapes it so the output
 * is valid JSON (RFC 8259) whatever the bytes, and safe to paste into HTML, XML or a script. */
#ifndef MEMSCAPE_CLI_JSON_H
#define MEMSCAPE_CLI_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** cli_utf8_next() sets the code point to this for an ill-formed sequence. */
#define CLI_UTF8_INVALID UINT32_MAX

/** Decode the UTF-8 sequence at s[0..len), len > 0. Sets *cp to the code point, or to
 *  CLI_UTF8_INVALID when the bytes are ill-formed (overlong forms, surrogates, values above
 *  U+10FFFF, stray or missing continuation bytes). Returns how many bytes were used: for an
 *  ill-formed sequence, its maximal subpart (Unicode 15, section 3.9, "U+FFFD substitution
 *  of maximal subparts"), always at least 1, so every invalid byte run is replaced once. */
size_t cli_utf8_next(const unsigned char *s, size_t len, uint32_t *cp);

/** Write s[0..len) as a quoted JSON string: `"` `\` and control characters escaped
 *  (\n \t \r \b \f, others \u00XX, DEL too), `<` `>` `&` `'` as \u003c \u003e \u0026 \u0027,
 *  U+2028 and U+2029 as \u2028 \u2029, ill-formed UTF-8 as \ufffd. Other valid UTF-8 is kept
 *  as it is. */
void cli_json_write_string(FILE *out, const char *s, size_t len);

#define CLI_JSON_MAX_DEPTH 16

/** Writer state. Values go where the writer is: after a key in an object, or as the next
 *  element of an array. Containers opened "inline" (and everything inside them) print on one
 *  line; the others put each member on its own indented line. */
typedef struct cli_json {
    FILE *out;
    unsigned depth;
    int after_key;                              /* a key was written; its value comes next */
    unsigned char has_member[CLI_JSON_MAX_DEPTH];
    unsigned char is_inline[CLI_JSON_MAX_DEPTH];
} cli_json;

void cli_json_init(cli_json *j, FILE *out);
void cli_json_begin_object(cli_json *j);
void cli_json_begin_object_inline(cli_json *j);
void cli_json_end_object(cli_json *j);
void cli_json_begin_array(cli_json *j);
void cli_json_begin_array_inline(cli_json *j);
void cli_json_end_array(cli_json *j);
/** The key of the next member of the current object. */
void cli_json_key(cli_json *j, const char *key);
/** A string value; NULL writes null. */
void cli_json_string(cli_json *j, const char *s);
void cli_json_u64(cli_json *j, uint64_t v);
void cli_json_bool(cli_json *j, int v);
void cli_json_null(cli_json *j);
/** A member of the current object: the key, then the value. */
void cli_json_member_u64(cli_json *j, const char *key, uint64_t v);
/** ... with a string value; NULL writes null. */
void cli_json_member_string(cli_json *j, const char *key, const char *s);
/** Finish the document: a final newline. */
void cli_json_finish(cli_json *j);

#endif /* MEMSCAPE_CLI_JSON_H */
