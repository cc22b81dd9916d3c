/* SPDX-License-Identifier: MIT */
/* Streaming JSON writer with escaping for untrusted text (see json.h). */
#include <assert.h>
#include <inttypes.h>
#include <string.h>

#include "json.h"

/* The lead byte fixes the length and the range allowed for the second byte; the later bytes
 * are always 80..BF. Unicode 15, table 3-7 "Well-Formed UTF-8 Byte Sequences": the narrowed
 * second-byte ranges are what exclude overlong forms (E0, F0), surrogates (ED) and values
 * above U+10FFFF (F4). C0, C1 and F5..FF never start a well-formed sequence. */
typedef struct utf8_lead {
    unsigned char length;
    unsigned char second_lo, second_hi;
} utf8_lead;

static utf8_lead utf8_lead_info(unsigned char b)
{
    if (b >= 0xc2 && b <= 0xdf)
        return (utf8_lead){2, 0x80, 0xbf};
    if (b == 0xe0)
        return (utf8_lead){3, 0xa0, 0xbf};
    if (b == 0xed)
        return (utf8_lead){3, 0x80, 0x9f};
    if (b >= 0xe1 && b <= 0xef)
        return (utf8_lead){3, 0x80, 0xbf};
    if (b == 0xf0)
        return (utf8_lead){4, 0x90, 0xbf};
    if (b >= 0xf1 && b <= 0xf3)
        return (utf8_lead){4, 0x80, 0xbf};
    if (b == 0xf4)
        return (utf8_lead){4, 0x80, 0x8f};
    return (utf8_lead){0, 0, 0};
}

size_t cli_utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    utf8_lead lead = utf8_lead_info(s[0]);
    if (lead.length == 0) {
        *cp = CLI_UTF8_INVALID;
        return 1;
    }
    /* Payload bits of the lead byte: 5, 4 or 3 for 2-, 3- and 4-byte forms. */
    uint32_t value = s[0] & (0x7fu >> lead.length);
    for (size_t i = 1; i < lead.length; i++) {
        unsigned char lo = i == 1 ? lead.second_lo : 0x80;
        unsigned char hi = i == 1 ? lead.second_hi : 0xbf;
        if (i >= len || s[i] < lo || s[i] > hi) {
            *cp = CLI_UTF8_INVALID;
            return i;
        }
        value = (value << 6) | (s[i] & 0x3fu);
    }
    *cp = value;
    return lead.length;
}

/* Characters escaped beyond what JSON requires, so the output can be pasted into HTML, XML or
 * a <script> block (< > & ') and into JavaScript source older than ES2019 (U+2028, U+2029). */
static int needs_unicode_escape(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7f || cp == '<' || cp == '>' || cp == '&' || cp == '\'' ||
           cp == 0x2028 || cp == 0x2029;
}

static void write_escaped_char(FILE *out, uint32_t cp)
{
    switch (cp) {
    case '"': fputs("\\\"", out); return;
    case '\\': fputs("\\\\", out); return;
    case '\n': fputs("\\n", out); return;
    case '\r': fputs("\\r", out); return;
    case '\t': fputs("\\t", out); return;
    case '\b': fputs("\\b", out); return;
    case '\f': fputs("\\f", out); return;
    default: break;
    }
    fprintf(out, "\\u%04" PRIx32, cp);
}

void cli_json_write_string(FILE *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    putc('"', out);
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = cli_utf8_next(p + i, len - i, &cp);
        if (cp == CLI_UTF8_INVALID)
            fputs("\\ufffd", out);
        else if (cp == '"' || cp == '\\' || needs_unicode_escape(cp))
            write_escaped_char(out, cp);
        else
            fwrite(p + i, 1, n, out);
        i += n;
    }
    putc('"', out);
}

void cli_json_init(cli_json *j, FILE *out)
{
    memset(j, 0, sizeof *j);
    j->out = out;
}

static void newline_indent(cli_json *j)
{
    putc('\n', j->out);
    for (unsigned i = 0; i < j->depth; i++)
        fputs("  ", j->out);
}

/* Separate the value about to be written from what came before it in its container. */
static void begin_value(cli_json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth == 0)
        return;
    unsigned top = j->depth - 1;
    int first = !j->has_member[top];
    j->has_member[top] = 1;
    if (!first)
        putc(',', j->out);
    if (!j->is_inline[top])
        newline_indent(j);
    else if (!first)
        putc(' ', j->out);
}

static void open_container(cli_json *j, char bracket, int inline_form)
{
    begin_value(j);
    assert(j->depth < CLI_JSON_MAX_DEPTH);
    int parent_inline = j->depth > 0 && j->is_inline[j->depth - 1];
    putc(bracket, j->out);
    j->has_member[j->depth] = 0;
    j->is_inline[j->depth] = (unsigned char)(inline_form || parent_inline);
    j->depth++;
}

static void close_container(cli_json *j, char bracket)
{
    assert(j->depth > 0 && !j->after_key);
    j->depth--;
    if (j->has_member[j->depth] && !j->is_inline[j->depth])
        newline_indent(j);
    putc(bracket, j->out);
}

void cli_json_begin_object(cli_json *j)
{
    open_container(j, '{', 0);
}

void cli_json_begin_object_inline(cli_json *j)
{
    open_container(j, '{', 1);
}

void cli_json_end_object(cli_json *j)
{
    close_container(j, '}');
}

void cli_json_begin_array(cli_json *j)
{
    open_container(j, '[', 0);
}

void cli_json_begin_array_inline(cli_json *j)
{
    open_container(j, '[', 1);
}

void cli_json_end_array(cli_json *j)
{
    close_container(j, ']');
}

void cli_json_key(cli_json *j, const char *key)
{
    begin_value(j);
    cli_json_write_string(j->out, key, strlen(key));
    fputs(": ", j->out);
    j->after_key = 1;
}

void cli_json_string(cli_json *j, const char *s)
{
    if (!s) {
        cli_json_null(j);
        return;
    }
    begin_value(j);
    cli_json_write_string(j->out, s, strlen(s));
}

void cli_json_u64(cli_json *j, uint64_t v)
{
    begin_value(j);
    fprintf(j->out, "%" PRIu64, v);
}

void cli_json_bool(cli_json *j, int v)
{
    begin_value(j);
    fputs(v ? "true" : "false", j->out);
}

void cli_json_null(cli_json *j)
{
    begin_value(j);
    fputs("null", j->out);
}

void cli_json_finish(cli_json *j)
{
    assert(j->depth == 0);
    putc('\n', j->out);
}

void cli_json_member_u64(cli_json *j, const char *key, uint64_t v)
{
    cli_json_key(j, key);
    cli_json_u64(j, v);
}

void cli_json_member_string(cli_json *j, const char *key, const char *s)
{
    cli_json_key(j, key);
    cli_json_string(j, s);
}
