/* SPDX-License-Identifier: MIT */
/* The CLI's JSON writer: escaping of hostile strings, the UTF-8 decoder, document layout.
 * Every expected text below is written out by hand from RFC 8259 and Unicode 15 section 3.9
 * (one U+FFFD per maximal subpart of an ill-formed sequence). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"

/* Run the escaper on len bytes of s and return what it wrote (caller frees). */
static char *escape(const char *s, size_t len)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    assert_non_null(out);
    cli_json_write_string(out, s, len);
    assert_int_equal(fclose(out), 0);
    return text;
}

typedef struct escape_case {
    const char *input;
    size_t length;
    const char *expected;
} escape_case;

#define CASE(in, out) {in, sizeof(in) - 1, out}

static void check_cases(const escape_case *cases, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char *got = escape(cases[i].input, cases[i].length);
        if (strcmp(got, cases[i].expected) != 0)
            fail_msg("case %zu: got %s, expected %s", i, got, cases[i].expected);
        free(got);
    }
}

static void test_escape_quotes_and_backslash(void **state)
{
    (void)state;
    static const escape_case cases[] = {
        CASE("", "\"\""),
        CASE("plain.dll", "\"plain.dll\""),
        CASE("say \"hi\"", "\"say \\\"hi\\\"\""),
        CASE("C:\\Windows\\", "\"C:\\\\Windows\\\\\""),
        CASE("\\\"", "\"\\\\\\\"\""),
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_escape_control_characters(void **state)
{
    (void)state;
    static const escape_case cases[] = {
        CASE("a\nb\tc\rd", "\"a\\nb\\tc\\rd\""),
        CASE("\b\f", "\"\\b\\f\""),
        CASE("\x01\x1f\x1b[31m", "\"\\u0001\\u001f\\u001b[31m\""),
        CASE("\x7f", "\"\\u007f\""),
        CASE("a\0b", "\"a\\u0000b\""),
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_escape_html_characters(void **state)
{
    (void)state;
    static const escape_case cases[] = {
        CASE("<e&l\"'>n.exe", "\"\\u003ce\\u0026l\\\"\\u0027\\u003en.exe\""),
        CASE("</script>", "\"\\u003c/script\\u003e\""),
        CASE("]]>", "\"]]\\u003e\""),
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_escape_line_separators(void **state)
{
    (void)state;
    static const escape_case cases[] = {
        CASE("a\xe2\x80\xa8z", "\"a\\u2028z\""),
        CASE("\xe2\x80\xa9", "\"\\u2029\""),
        /* U+2027, the code point before them, is ordinary. */
        CASE("\xe2\x80\xa7", "\"\xe2\x80\xa7\""),
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_escape_valid_utf8_kept(void **state)
{
    (void)state;
    static const escape_case cases[] = {
        CASE("\xc3\xa9t\xc3\xa9", "\"\xc3\xa9t\xc3\xa9\""),             /* été */
        CASE("\xe2\x82\xac", "\"\xe2\x82\xac\""),                       /* U+20AC */
        CASE("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""),               /* U+1F600 */
        CASE("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""),               /* U+10FFFF */
        CASE("\xc2\x80", "\"\xc2\x80\""),                               /* U+0080 */
        CASE("\xed\x9f\xbf", "\"\xed\x9f\xbf\""),                       /* U+D7FF */
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_escape_invalid_utf8_replaced(void **state)
{
    (void)state;
    static const escape_case cases[] = {
        CASE("\xff", "\"\\ufffd\""),
        CASE("a\x80z", "\"a\\ufffdz\""),                         /* stray continuation */
        CASE("\xfe\xfe", "\"\\ufffd\\ufffd\""),
        CASE("\xf5\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""), /* F5: never a lead */
        CASE("\xe2\x82", "\"\\ufffd\""),                        /* truncated at the end */
        CASE("\xe2\x82z", "\"\\ufffdz\""),                      /* truncated by an ASCII byte */
        CASE("\xf0\x9f\x98", "\"\\ufffd\""),
        CASE("\xc3\xc3\xa9", "\"\\ufffd\xc3\xa9\""),            /* a lead cut off by a lead */
        CASE("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""), /* above U+10FFFF */
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_escape_overlong_forms_replaced(void **state)
{
    (void)state;
    static const escape_case cases[] = {
        CASE("\xc0\xaf", "\"\\ufffd\\ufffd\""),                /* '/' in two bytes */
        CASE("\xc1\xbf", "\"\\ufffd\\ufffd\""),
        CASE("\xc0\x80", "\"\\ufffd\\ufffd\""),                /* NUL in two bytes */
        CASE("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\""),
        CASE("\xe0\x9f\xbf", "\"\\ufffd\\ufffd\\ufffd\""),     /* U+07FF in three bytes */
        CASE("\xf0\x80\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""),
        CASE("\xf0\x8f\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""), /* U+FFFF in four */
        CASE("\xe0\x80\xbc", "\"\\ufffd\\ufffd\\ufffd\""),     /* '<' in three bytes */
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_escape_surrogates_replaced(void **state)
{
    (void)state;
    static const escape_case cases[] = {
        CASE("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""),     /* U+D800 */
        CASE("\xed\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\""),     /* U+DFFF */
        /* CESU-8 pair for U+1F600: six bytes, six replacements. */
        CASE("\xed\xa0\xbd\xed\xb8\x80",
             "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\""),
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

typedef struct decode_case {
    const char *bytes;
    size_t length;
    uint32_t cp;
    size_t used;
} decode_case;

static void test_utf8_next_code_points_and_lengths(void **state)
{
    (void)state;
    static const decode_case cases[] = {
        {"A", 1, 0x41, 1},
        {"\xc2\x80", 2, 0x80, 2},
        {"\xdf\xbf", 2, 0x7ff, 2},
        {"\xe0\xa0\x80", 3, 0x800, 3},
        {"\xef\xbf\xbf", 3, 0xffff, 3},
        {"\xf0\x90\x80\x80", 4, 0x10000, 4},
        {"\xf4\x8f\xbf\xbf", 4, 0x10ffff, 4},
        {"\xe2\x80\xa8", 3, 0x2028, 3},
        {"\x80", 1, CLI_UTF8_INVALID, 1},
        {"\xc0\x80", 2, CLI_UTF8_INVALID, 1},
        {"\xe0\x9f\xbf", 3, CLI_UTF8_INVALID, 1},
        {"\xed\xa0\x80", 3, CLI_UTF8_INVALID, 1},
        {"\xf4\x90\x80\x80", 4, CLI_UTF8_INVALID, 1},
        {"\xe2\x82", 2, CLI_UTF8_INVALID, 2},
        {"\xf0\x9f\x98z", 4, CLI_UTF8_INVALID, 3},
        /* The length limit, not a NUL, ends the input. */
        {"\xe2\x82\xac", 2, CLI_UTF8_INVALID, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t cp = 0;
        size_t used = cli_utf8_next((const unsigned char *)cases[i].bytes, cases[i].length, &cp);
        if (cp != cases[i].cp || used != cases[i].used)
            fail_msg("case %zu: got U+%04x/%zu, expected U+%04x/%zu", i, (unsigned)cp, used,
                     (unsigned)cases[i].cp, cases[i].used);
    }
}

static void test_writer_document_layout(void **state)
{
    (void)state;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    assert_non_null(out);
    cli_json j;
    cli_json_init(&j, out);
    cli_json_begin_object(&j);
    cli_json_key(&j, "name");
    cli_json_string(&j, "<a>");
    cli_json_key(&j, "max");
    cli_json_u64(&j, UINT64_MAX);
    cli_json_key(&j, "none");
    cli_json_string(&j, NULL);
    cli_json_key(&j, "list");
    cli_json_begin_array(&j);
    cli_json_begin_object_inline(&j);
    cli_json_key(&j, "ok");
    cli_json_bool(&j, 1);
    cli_json_key(&j, "p");
    cli_json_begin_array(&j);
    cli_json_u64(&j, 0);
    cli_json_u64(&j, 4294967296u);
    cli_json_end_array(&j);
    cli_json_end_object(&j);
    cli_json_null(&j);
    cli_json_end_array(&j);
    cli_json_key(&j, "empty");
    cli_json_begin_array(&j);
    cli_json_end_array(&j);
    cli_json_key(&j, "e\"k");
    cli_json_begin_object(&j);
    cli_json_end_object(&j);
    cli_json_end_object(&j);
    cli_json_finish(&j);
    assert_int_equal(fclose(out), 0);
    assert_string_equal(text, "{\n"
                              "  \"name\": \"\\u003ca\\u003e\",\n"
                              "  \"max\": 18446744073709551615,\n"
                              "  \"none\": null,\n"
                              "  \"list\": [\n"
                              "    {\"ok\": true, \"p\": [0, 4294967296]},\n"
                              "    null\n"
                              "  ],\n"
                              "  \"empty\": [],\n"
                              "  \"e\\\"k\": {}\n"
                              "}\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_quotes_and_backslash),
        cmocka_unit_test(test_escape_control_characters),
        cmocka_unit_test(test_escape_html_characters),
        cmocka_unit_test(test_escape_line_separators),
        cmocka_unit_test(test_escape_valid_utf8_kept),
        cmocka_unit_test(test_escape_invalid_utf8_replaced),
        cmocka_unit_test(test_escape_overlong_forms_replaced),
        cmocka_unit_test(test_escape_surrogates_replaced),
        cmocka_unit_test(test_utf8_next_code_points_and_lengths),
        cmocka_unit_test(test_writer_document_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
