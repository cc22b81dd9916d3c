/* SPDX-License-Identifier: MIT */
/* Palettes: every built-in parses, known colours of the published maps, interpolation checked
 * against values computed here, and a table of malformed texts, each refused at its line. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "memscape/palette.h"

/* cmocka 1.1.5 (Debian 12) has no assert_double_equal. */
#define assert_near(a, b, eps)                                                                 \
    do {                                                                                       \
        double a_ = (a), b_ = (b);                                                             \
        if (!(fabs(a_ - b_) <= (eps)))                                                         \
            fail_msg("%s = %.9g, want %.9g", #a, a_, b_);                                      \
    } while (0)

static uint32_t rgb_hex(memscape_rgb c)
{
    return (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;
}

/* Parse from a heap copy of exactly len bytes, not NUL-terminated, so that ASan catches any
 * read past the end. */
static memscape_status parse_exact(memscape_palette **out, const char *text, size_t len,
                                   memscape_error *err)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    memscape_status st = memscape_palette_parse(out, copy, len, err);
    free(copy);
    return st;
}

static memscape_palette *parse_ok(const char *text)
{
    memscape_palette *p = NULL;
    memscape_error err = {0};
    memscape_status st = parse_exact(&p, text, strlen(text), &err);
    if (st != MEMSCAPE_OK)
        fail_msg("refused: %s", err.msg);
    return p;
}

static memscape_palette *builtin(const char *name)
{
    memscape_palette *p = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_palette_builtin(&p, name, &err), MEMSCAPE_OK);
    assert_non_null(p);
    return p;
}

static const struct {
    const char *name;
    memscape_palette_kind kind;
    size_t count;
} expected_builtins[] = {
    {"gray", MEMSCAPE_PALETTE_CONTINUOUS, 2},
    {"binvis-classes", MEMSCAPE_PALETTE_CATEGORICAL, 8},
    {"entropy", MEMSCAPE_PALETTE_CONTINUOUS, 7},
    {"viridis", MEMSCAPE_PALETTE_CONTINUOUS, 256},
    {"magma", MEMSCAPE_PALETTE_CONTINUOUS, 256},
    {"inferno", MEMSCAPE_PALETTE_CONTINUOUS, 256},
    {"cividis", MEMSCAPE_PALETTE_CONTINUOUS, 256},
    {"turbo", MEMSCAPE_PALETTE_CONTINUOUS, 256},
    {"regions", MEMSCAPE_PALETTE_CATEGORICAL, 13},
    {"modules", MEMSCAPE_PALETTE_CATEGORICAL, 44},
    {"okabe-ito", MEMSCAPE_PALETTE_CATEGORICAL, 8},
    {"ember-core", MEMSCAPE_PALETTE_CONTINUOUS, 7},
    {"deep-sea-dump", MEMSCAPE_PALETTE_CONTINUOUS, 7},
    {"circuit-dawn", MEMSCAPE_PALETTE_CONTINUOUS, 7},
};
#define N_BUILTINS (sizeof expected_builtins / sizeof expected_builtins[0])

/* The built-ins come in their stable order, each parses, and says what it is. */
static void test_palette_builtins_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_BUILTINS; i++) {
        const char *name = memscape_palette_builtin_name(i);
        assert_non_null(name);
        assert_string_equal(name, expected_builtins[i].name);
        memscape_palette *p = builtin(name);
        assert_string_equal(memscape_palette_name(p), name);
        assert_int_equal(memscape_palette_kind_of(p), expected_builtins[i].kind);
        assert_int_equal(memscape_palette_count(p), expected_builtins[i].count);
        assert_true(strlen(memscape_palette_description(p)) > 10);
        memscape_palette_free(p);
    }
    assert_null(memscape_palette_builtin_name(N_BUILTINS));
    assert_null(memscape_palette_builtin_name(SIZE_MAX));

    memscape_palette *p = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_palette_builtin(&p, "rainbow", &err), MEMSCAPE_EINVAL);
    assert_null(p);
    assert_int_equal(memscape_palette_builtin(&p, NULL, &err), MEMSCAPE_EINVAL);
    assert_int_equal(memscape_palette_builtin(NULL, "gray", &err), MEMSCAPE_EINVAL);
}

/* The published maps' ends, as matplotlib documents them, and a few fixed colours. */
static void test_palette_known_colours(void **state)
{
    (void)state;
    static const struct {
        const char *palette;
        double t;
        uint32_t rgb;
    } known[] = {
        {"viridis", 0, 0x440154}, {"viridis", 1, 0xfde725},
        {"magma", 0, 0x000004},   {"magma", 1, 0xfcfdbf},
        {"inferno", 0, 0x000004}, {"inferno", 1, 0xfcffa4},
        {"cividis", 0, 0x00224e}, {"cividis", 1, 0xfee838},
        {"turbo", 0, 0x30123b},   {"turbo", 1, 0x7a0403},
        {"gray", 0, 0x000000},    {"gray", 1, 0xffffff},
        {"entropy", 0, 0x000000},
        {"okabe-ito", 1.0 / 7, 0xe69f00},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        memscape_palette *p = builtin(known[i].palette);
        uint32_t got = rgb_hex(memscape_palette_at(p, known[i].t));
        if (got != known[i].rgb)
            fail_msg("%s at %g: #%06x, want #%06x", known[i].palette, known[i].t,
                     (unsigned)got, (unsigned)known[i].rgb);
        memscape_palette_free(p);
    }

    /* gray gives back the byte value at t = byte / 255, as Dump2Picture's 8-bit view. */
    memscape_palette *gray = builtin("gray");
    for (unsigned v = 0; v < 256; v++) {
        memscape_rgb c = memscape_palette_at(gray, v / 255.0);
        assert_int_equal(c.r, v);
        assert_int_equal(c.g, v);
        assert_int_equal(c.b, v);
    }
    memscape_palette_free(gray);
}

/* Every class the region view draws is there, each with its own colour. */
static void test_palette_regions_classes(void **state)
{
    (void)state;
    static const char *const classes[] = {
        "image", "mapped", "private", "heap", "stack", "teb", "peb", "reserved", "free",
        "not-captured", "absent", "separator", "padding",
    };
    enum { N = sizeof classes / sizeof classes[0] };
    memscape_palette *p = builtin("regions");
    memscape_rgb c[N];
    for (size_t i = 0; i < N; i++) {
        if (!memscape_palette_class(p, classes[i], &c[i]))
            fail_msg("regions has no class %s", classes[i]);
        for (size_t j = 0; j < i; j++)
            assert_int_not_equal(rgb_hex(c[i]), rgb_hex(c[j]));
    }
    memscape_palette_free(p);

    static const char *const byte_classes[] = {"zero", "control", "text", "high", "ff",
                                               "absent", "separator", "padding"};
    static const uint32_t byte_colours[] = {0x000000, 0x4daf4a, 0x377eb8, 0xe41a1c, 0xffffff};
    p = builtin("binvis-classes");
    for (size_t i = 0; i < sizeof byte_classes / sizeof byte_classes[0]; i++) {
        memscape_rgb rgb;
        assert_true(memscape_palette_class(p, byte_classes[i], &rgb));
        if (i < sizeof byte_colours / sizeof byte_colours[0])
            assert_int_equal(rgb_hex(rgb), byte_colours[i]);
    }
    memscape_palette_free(p);
}

/* Stops are exact; between them each channel is a + (b - a) * f rounded to nearest. */
static void test_palette_interpolation(void **state)
{
    (void)state;
    memscape_palette *p = parse_ok("name: test\nkind: continuous\n"
                                   "0 #000000\n0.25 #ff8040\n1 #204060\n");
    assert_int_equal(rgb_hex(memscape_palette_at(p, 0)), 0x000000);
    assert_int_equal(rgb_hex(memscape_palette_at(p, 0.25)), 0xff8040);
    assert_int_equal(rgb_hex(memscape_palette_at(p, 1)), 0x204060);
    /* Halfway: (a + b + 1) / 2, halves rounding up. */
    memscape_rgb h = memscape_palette_at(p, 0.125);
    assert_int_equal(h.r, (0 + 0xff + 1) / 2);
    assert_int_equal(h.g, (0 + 0x80 + 1) / 2);
    assert_int_equal(h.b, (0 + 0x40 + 1) / 2);
    h = memscape_palette_at(p, 0.625);
    assert_int_equal(h.r, (0xff + 0x20 + 1) / 2);
    assert_int_equal(h.g, (0x80 + 0x40 + 1) / 2);
    assert_int_equal(h.b, (0x40 + 0x60 + 1) / 2);
    /* A quarter of the way from 0.25 to 1: 255 - 223 * 0.25 = 199.25 -> 199. */
    assert_int_equal(memscape_palette_at(p, 0.4375).r, 199);
    /* Out of range and NaN clamp. */
    assert_int_equal(rgb_hex(memscape_palette_at(p, -3)), 0x000000);
    assert_int_equal(rgb_hex(memscape_palette_at(p, 7)), 0x204060);
    assert_int_equal(rgb_hex(memscape_palette_at(p, NAN)), 0x000000);
    memscape_palette_free(p);

    /* viridis: exact at each of its 256 stops, and halfway within half a unit. */
    memscape_palette *v = builtin("viridis");
    size_t n = memscape_palette_count(v);
    for (size_t i = 0; i < n; i++) {
        double pos, next_pos;
        memscape_rgb a = memscape_palette_entry(v, i, NULL, &pos);
        assert_near(pos, round((double)i / 255 * 1e6) / 1e6, 1e-12);
        assert_int_equal(rgb_hex(memscape_palette_at(v, pos)), rgb_hex(a));
        if (i + 1 == n)
            break;
        memscape_rgb b = memscape_palette_entry(v, i + 1, NULL, &next_pos);
        memscape_rgb m = memscape_palette_at(v, (pos + next_pos) / 2);
        assert_true(fabs(m.r - (a.r + b.r) / 2.0) <= 0.5);
        assert_true(fabs(m.g - (a.g + b.g) / 2.0) <= 0.5);
        assert_true(fabs(m.b - (a.b + b.b) / 2.0) <= 0.5);
    }
    memscape_palette_free(v);
}

/* Categorical: entry round(t * (count - 1)). */
static void test_palette_categorical_at(void **state)
{
    (void)state;
    memscape_palette *p = builtin("okabe-ito");
    size_t n = memscape_palette_count(p);
    assert_int_equal(n, 8);
    for (size_t i = 0; i < n; i++) {
        double pos;
        const char *name;
        memscape_rgb e = memscape_palette_entry(p, i, &name, &pos);
        assert_non_null(name);
        assert_near(pos, (double)i / 7, 1e-12);
        assert_int_equal(rgb_hex(memscape_palette_at(p, (double)i / 7)), rgb_hex(e));
        if (i + 1 < n) {
            memscape_rgb next = memscape_palette_entry(p, i + 1, NULL, NULL);
            assert_int_equal(rgb_hex(memscape_palette_at(p, ((double)i + 0.4) / 7)), rgb_hex(e));
            assert_int_equal(rgb_hex(memscape_palette_at(p, ((double)i + 0.6) / 7)), rgb_hex(next));
        }
    }
    assert_int_equal(rgb_hex(memscape_palette_at(p, 2)), 0xcc79a7);
    memscape_palette_free(p);
}

static void test_palette_class_lookup(void **state)
{
    (void)state;
    memscape_palette *p = builtin("binvis-classes");
    memscape_rgb rgb = {1, 2, 3};
    assert_true(memscape_palette_class(p, "high", &rgb));
    assert_int_equal(rgb_hex(rgb), 0xe41a1c);
    assert_true(memscape_palette_class(p, "text", NULL));
    rgb = (memscape_rgb){1, 2, 3};
    assert_false(memscape_palette_class(p, "hig", &rgb));
    assert_false(memscape_palette_class(p, "", &rgb));
    assert_false(memscape_palette_class(p, NULL, &rgb));
    assert_int_equal(rgb_hex(rgb), 0x010203);   /* untouched on a miss */
    const char *name = "x";
    double pos = 5;
    assert_int_equal(rgb_hex(memscape_palette_entry(p, 8, &name, &pos)), 0);
    assert_null(name);
    assert_near(pos, 0, 0);
    memscape_palette_free(p);

    memscape_palette *gray = builtin("gray");
    assert_false(memscape_palette_class(gray, "zero", &rgb));
    memscape_palette_entry(gray, 1, &name, &pos);
    assert_null(name);
    assert_near(pos, 1, 0);
    memscape_palette_free(gray);
}

/* CIE 1976 L*a*b* of an sRGB colour (D65), for colour distances. */
static void to_lab(memscape_rgb c, double lab[3])
{
    double lin[3], xyz[3];
    const uint8_t ch[3] = {c.r, c.g, c.b};
    for (int i = 0; i < 3; i++) {
        double v = ch[i] / 255.0;
        lin[i] = v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
    }
    xyz[0] = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047;
    xyz[1] = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
    xyz[2] = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883;
    for (int i = 0; i < 3; i++)
        xyz[i] = xyz[i] > 0.008856 ? cbrt(xyz[i]) : 7.787 * xyz[i] + 16.0 / 116;
    lab[0] = 116 * xyz[1] - 16;
    lab[1] = 500 * (xyz[0] - xyz[1]);
    lab[2] = 200 * (xyz[1] - xyz[2]);
}

/* At least 32 module colours, no two near-duplicates, none close to the marks. */
static void test_palette_modules_distinct(void **state)
{
    (void)state;
    memscape_palette *p = builtin("modules");
    memscape_rgb c[64];
    size_t n = 0;
    char name[32];
    for (;; n++) {
        snprintf(name, sizeof name, "module-%zu", n);
        if (!memscape_palette_class(p, name, &c[n]))
            break;
        assert_true(n + 1 < sizeof c / sizeof c[0]);
    }
    assert_true(n >= 32);
    double min_rgb = 1e9, min_lab = 1e9;
    for (size_t i = 0; i < n; i++) {
        double li[3];
        to_lab(c[i], li);
        for (size_t j = 0; j < i; j++) {
            double lj[3];
            to_lab(c[j], lj);
            double dr = c[i].r - c[j].r, dg = c[i].g - c[j].g, db = c[i].b - c[j].b;
            min_rgb = fmin(min_rgb, sqrt(dr * dr + dg * dg + db * db));
            min_lab = fmin(min_lab, sqrt(pow(li[0] - lj[0], 2) + pow(li[1] - lj[1], 2) +
                                         pow(li[2] - lj[2], 2)));
        }
        static const char *const marks[] = {"no-module", "separator", "padding", "absent"};
        for (size_t k = 0; k < 4; k++) {
            memscape_rgb m;
            assert_true(memscape_palette_class(p, marks[k], &m));
            double dr = c[i].r - m.r, dg = c[i].g - m.g, db = c[i].b - m.b;
            assert_true(sqrt(dr * dr + dg * dg + db * db) >= 40);
        }
    }
    if (min_rgb < 32 || min_lab < 25)
        fail_msg("closest module colours: %.1f apart in RGB, %.1f in Delta E", min_rgb,
                 min_lab);
    memscape_palette_free(p);
}

/* ---- malformed texts ---- */

typedef struct bad_text {
    const char *text;
    size_t len;             /* 0: strlen(text) */
    size_t line;
    memscape_status code;
    const char *says;       /* the message after "line N: " contains this */
} bad_text;

#define C "name: t\nkind: continuous\n"
#define K "name: t\nkind: categorical\n"

static const bad_text bad_texts[] = {
    {"kind: continuous\n0 #000000\n1 #ffffff\n", 0, 2, MEMSCAPE_ECORRUPT,
     "entry before the 'name:' header"},
    {"kind: continuous\n# no name anywhere\n", 0, 3, MEMSCAPE_ECORRUPT, "no 'name:' header"},
    {"name: t\n0 #000000\n", 0, 2, MEMSCAPE_ECORRUPT, "entry before the 'kind:' header"},
    {"name: t\n", 0, 2, MEMSCAPE_ECORRUPT, "no 'kind:' header"},
    {"name: t\nkind: gradient\n", 0, 2, MEMSCAPE_ECORRUPT,
     "kind 'gradient' is neither continuous nor categorical"},
    {"name: t\nkind:\n", 0, 2, MEMSCAPE_ECORRUPT, "'kind:' has no value"},
    {"name: Viridis\n", 0, 1, MEMSCAPE_ECORRUPT, "may only hold a-z, 0-9 and '-'"},
    {"name: " "0123456789012345678901234567890123456789012345678901234567890123\n", 0, 1,
     MEMSCAPE_ECORRUPT, "is longer than 63 characters"},
    {"name: a b\n", 0, 1, MEMSCAPE_ECORRUPT, "unexpected 'b' after the name"},
    {"name: t\nname: u\n", 0, 2, MEMSCAPE_ECORRUPT, "second 'name:' header (the first is on "
     "line 1)"},
    {"name: t\ncolour: red\n", 0, 2, MEMSCAPE_ECORRUPT, "unknown header 'colour:'"},
    {K "a #000000\ndescription: late\n", 0, 4, MEMSCAPE_ECORRUPT,
     "header 'description:' after the entries"},
    {C "0 #00000g\n1 #ffffff\n", 0, 3, MEMSCAPE_ECORRUPT, "bad colour '#00000g'"},
    {C "0 #fff\n1 #ffffff\n", 0, 3, MEMSCAPE_ECORRUPT, "bad colour '#fff'"},
    {C "0 000000\n1 #ffffff\n", 0, 3, MEMSCAPE_ECORRUPT, "bad colour '000000'"},
    {C "0\n1 #ffffff\n", 0, 3, MEMSCAPE_ECORRUPT, "'0' has no colour"},
    {C "description: d\n\n0 #000000\n0.5 #111111\n0.4 #222222\n1 #ffffff\n", 0, 7,
     MEMSCAPE_ECORRUPT, "position 0.4 is not above the previous 0.5"},
    {C "0 #000000\n0.5 #111111\n0.50 #222222\n1 #ffffff\n", 0, 5, MEMSCAPE_ECORRUPT,
     "position 0.50 is not above the previous 0.5"},
    {C "0 #000000\n1.5 #ffffff\n", 0, 4, MEMSCAPE_ECORRUPT, "position 1.5 is outside 0..1"},
    {C "-0.1 #000000\n1 #ffffff\n", 0, 3, MEMSCAPE_ECORRUPT, "position -0.1 is outside 0..1"},
    {C "0.1 #000000\n1 #ffffff\n", 0, 3, MEMSCAPE_ECORRUPT, "the first position 0.1 is not 0"},
    {C "0 #000000\n0.9 #ffffff\n# end\n", 0, 4, MEMSCAPE_ECORRUPT,
     "the last position 0.9 is not 1"},
    {C "0 #000000\n", 0, 3, MEMSCAPE_ECORRUPT, "only one stop"},
    {C "0 #000000\n1e0 #ffffff\n", 0, 4, MEMSCAPE_ECORRUPT, "'1e0' is not a position"},
    {C "0 #000000\n0..5 #ffffff\n", 0, 4, MEMSCAPE_ECORRUPT, "'0..5' is not a position"},
    {C "0 #000000\n0.0000000000000000001 #ffffff\n", 0, 4, MEMSCAPE_ECORRUPT,
     "has more than 18 digits"},
    {K "# nothing\n", 0, 4, MEMSCAPE_ECORRUPT, "no entries"},
    {K "a #000000\nb #111111\na #222222\n", 0, 5, MEMSCAPE_ECORRUPT, "class 'a' repeats "
     "line 3"},
    {K "Zero #000000\n", 0, 3, MEMSCAPE_ECORRUPT, "class 'Zero' may only hold"},
    {K "a #000000 extra\n", 0, 3, MEMSCAPE_ECORRUPT, "unexpected 'extra' after the colour"},
    {K "a #000000\nhello\n", 0, 4, MEMSCAPE_ECORRUPT, "'hello' has no colour"},
    {K "a #000000#comment\n", 0, 3, MEMSCAPE_ECORRUPT, "bad colour '#000000#comment'"},
#define NUL_IN_KIND "name: t\nkind: cat\0egorical\n"
    {NUL_IN_KIND, sizeof NUL_IN_KIND - 1, 2, MEMSCAPE_ECORRUPT, "NUL byte at column 10"},
    {"name: t\n\0", sizeof "name: t\n\0" - 1, 2, MEMSCAPE_ECORRUPT, "NUL byte at column 1"},
    {K "a #000000\a\n", 0, 3, MEMSCAPE_ECORRUPT, "control character 0x07 at column 10"},
    {K "a #000000\rb #111111\n", 0, 3, MEMSCAPE_ECORRUPT, "control character 0x0d"},
    {K "# caf\xc3\n", 0, 3, MEMSCAPE_ECORRUPT, "invalid UTF-8 at column 6"},
    {K "# \xed\xa0\x80 a surrogate\n", 0, 3, MEMSCAPE_ECORRUPT, "invalid UTF-8"},
    {K "# \xc0\xaf overlong\n", 0, 3, MEMSCAPE_ECORRUPT, "invalid UTF-8"},
};

/* Offset of the first byte of line `number` (from 1), counted here from the text itself. */
static size_t line_offset(const char *text, size_t len, size_t number)
{
    size_t line = 1, i = 0;
    for (; i < len && line < number; i++)
        if (text[i] == '\n')
            line++;
    return i;
}

static void expect_refusal(const char *text, size_t len, size_t line, memscape_status code,
                           const char *says)
{
    memscape_palette *p = NULL;
    memscape_error err = {0};
    memscape_status st = parse_exact(&p, text, len, &err);
    char prefix[32];
    snprintf(prefix, sizeof prefix, "line %zu: ", line);
    if (st != code || strncmp(err.msg, prefix, strlen(prefix)) != 0 ||
        !strstr(err.msg, says))
        fail_msg("text '%.40s': got %d '%s', want %d '%s%s'", text, st, err.msg, code,
                 prefix, says);
    assert_null(p);
    assert_int_equal(err.code, code);
    assert_int_equal(err.offset, line_offset(text, len, line));
}

static void test_palette_malformed_refused_at_line(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_texts / sizeof bad_texts[0]; i++) {
        const bad_text *b = &bad_texts[i];
        expect_refusal(b->text, b->len ? b->len : strlen(b->text), b->line, b->code, b->says);
    }
    /* An empty text: the end is line 1, offset 0. */
    expect_refusal("", 0, 1, MEMSCAPE_ECORRUPT, "no 'name:' header");
}

/* Exactly MEMSCAPE_PALETTE_MAX_ENTRIES entries parse; one more is refused on its line. */
static void test_palette_entry_limit(void **state)
{
    (void)state;
    size_t cap = 32 * (MEMSCAPE_PALETTE_MAX_ENTRIES + 2), len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text, cap, K);
    for (unsigned i = 0; i < MEMSCAPE_PALETTE_MAX_ENTRIES; i++)
        len += (size_t)snprintf(text + len, cap - len, "c%u #%06x\n", i, i);
    memscape_palette *p = NULL;
    memscape_error err = {0};
    assert_int_equal(parse_exact(&p, text, len, &err), MEMSCAPE_OK);
    assert_int_equal(memscape_palette_count(p), MEMSCAPE_PALETTE_MAX_ENTRIES);
    memscape_rgb rgb;
    assert_true(memscape_palette_class(p, "c1023", &rgb));
    assert_int_equal(rgb_hex(rgb), 1023);
    memscape_palette_free(p);

    len += (size_t)snprintf(text + len, cap - len, "one-more #ffffff\n");
    expect_refusal(text, len, 3 + MEMSCAPE_PALETTE_MAX_ENTRIES, MEMSCAPE_ELIMIT,
                   "more than 1024 entries");
    free(text);
}

/* A text of exactly MEMSCAPE_PALETTE_MAX_BYTES parses; one byte more is refused at the line
 * holding that byte. */
static void test_palette_size_limit(void **state)
{
    (void)state;
    size_t max = MEMSCAPE_PALETTE_MAX_BYTES;
    char *text = malloc(max + 1);
    assert_non_null(text);
    const char *head = C "0 #000000\n1 #ffffff\n";
    size_t len = strlen(head), lines = 4;
    memcpy(text, head, len);
    while (len < max) {   /* fill with comment lines of up to 80 bytes */
        size_t n = max - len < 80 ? max - len : 80;
        memset(text + len, '#', n);
        text[len + n - 1] = '\n';
        len += n;
        lines++;
    }
    memscape_palette *p = NULL;
    memscape_error err = {0};
    assert_int_equal(parse_exact(&p, text, max, &err), MEMSCAPE_OK);
    memscape_palette_free(p);

    text[max] = '#';
    expect_refusal(text, max + 1, lines + 1, MEMSCAPE_ELIMIT, "longer than 65536 bytes");
    free(text);
}

/* CRLF endings, a byte order mark, tabs, comments, upper-case hex, a last line without a
 * newline and a description holding '#' and ':' are all fine. */
static void test_palette_lenient_text_accepted(void **state)
{
    (void)state;
    memscape_palette *p = parse_ok("\xef\xbb\xbf# A palette\r\n"
                                   "\r\n"
                                   "name: \tcrlf-test   # trailing comment\r\n"
                                   "  kind:continuous\r\n"
                                   "description:  Gr\xc3\xa9y #1: a test  \r\n"
                                   "\t0\t#0A0b0C\t# black-ish\r\n"
                                   "0.5 #FFFFFF\r\n"
                                   "+1.000 #102030");
    assert_string_equal(memscape_palette_name(p), "crlf-test");
    assert_string_equal(memscape_palette_description(p), "Gr\xc3\xa9y #1: a test");
    assert_int_equal(memscape_palette_count(p), 3);
    assert_int_equal(rgb_hex(memscape_palette_at(p, 0)), 0x0a0b0c);
    assert_int_equal(rgb_hex(memscape_palette_at(p, 0.5)), 0xffffff);
    assert_int_equal(rgb_hex(memscape_palette_at(p, 1)), 0x102030);
    memscape_palette_free(p);

    p = parse_ok("name: one\nkind: categorical\nonly #123456");
    assert_int_equal(memscape_palette_count(p), 1);
    assert_int_equal(rgb_hex(memscape_palette_at(p, 0.7)), 0x123456);
    memscape_palette_free(p);
}

static void test_palette_bad_arguments(void **state)
{
    (void)state;
    memscape_palette *p = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_palette_parse(NULL, "x", 1, &err), MEMSCAPE_EINVAL);
    assert_int_equal(memscape_palette_parse(&p, NULL, 1, &err), MEMSCAPE_EINVAL);
    assert_int_equal(memscape_palette_parse(&p, NULL, 0, &err), MEMSCAPE_ECORRUPT);
    assert_null(p);
    memscape_palette_free(NULL);
    assert_string_equal(memscape_palette_name(NULL), "");
    assert_int_equal(memscape_palette_count(NULL), 0);
    assert_int_equal(rgb_hex(memscape_palette_at(NULL, 0.5)), 0);
    char *json = NULL;
    assert_int_equal(memscape_palette_paraview_json(NULL, &json, &err), MEMSCAPE_EINVAL);
    assert_null(json);
}

/* ---- ParaView JSON ---- */

/* A small strict JSON checker (RFC 8259): returns the position after one value, or NULL. */
static const char *json_value(const char *s);

static const char *json_space(const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
        s++;
    return s;
}

static const char *json_string(const char *s)
{
    if (*s++ != '"')
        return NULL;
    for (; *s != '"'; s++) {
        if ((unsigned char)*s < 0x20)
            return NULL;
        if (*s == '\\' && !strchr("\"\\/bfnrtu", *++s))
            return NULL;
    }
    return s + 1;
}

static const char *json_number(const char *s)
{
    const char *start = s;
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else
        while (*s >= '0' && *s <= '9')
            s++;
    if (*s == '.') {
        const char *digits = ++s;
        while (*s >= '0' && *s <= '9')
            s++;
        if (s == digits)
            return NULL;
    }
    return s > start ? s : NULL;
}

static const char *json_container(const char *s, char close, int object)
{
    s = json_space(s + 1);
    if (*s == close)
        return s + 1;
    for (;;) {
        if (object) {
            s = json_string(json_space(s));
            if (!s || *(s = json_space(s)) != ':')
                return NULL;
            s++;
        }
        s = json_value(s);
        if (!s)
            return NULL;
        s = json_space(s);
        if (*s == close)
            return s + 1;
        if (*s++ != ',')
            return NULL;
    }
}

static const char *json_value(const char *s)
{
    s = json_space(s);
    if (*s == '[')
        return json_container(s, ']', 0);
    if (*s == '{')
        return json_container(s, '}', 1);
    if (*s == '"')
        return json_string(s);
    return json_number(s);
}

/* The numbers of the array after `"key": [`, read into values (at most max); -1 when the key
 * is missing. */
static long json_numbers(const char *json, const char *key, double *values, size_t max)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\": [", key);
    const char *s = strstr(json, pattern);
    if (!s)
        return -1;
    s += strlen(pattern);
    size_t n = 0;
    for (;;) {
        char *end;
        double v = strtod(s, &end);
        if (end == s)
            break;
        if (n < max)
            values[n] = v;
        n++;
        s = end;
        while (*s == ',' || *s == ' ' || *s == '\n')
            s++;
    }
    return (long)n;
}

static void test_palette_paraview_json(void **state)
{
    (void)state;
    memscape_palette *p = builtin("viridis");
    char *json = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_palette_paraview_json(p, &json, &err), MEMSCAPE_OK);
    assert_non_null(json);
    assert_int_equal(json[0], '[');
    const char *end = json_value(json);
    assert_non_null(end);
    assert_int_equal(*json_space(end), '\0');
    assert_non_null(strstr(json, "\"Name\": \"viridis\""));
    assert_non_null(strstr(json, "\"ColorSpace\": \"RGB\""));
    assert_null(strstr(json, "IndexedColors"));
    static double values[4 * 256];
    assert_int_equal(json_numbers(json, "RGBPoints", values, 4 * 256), 4 * 256);
    for (size_t i = 0; i < 256; i++) {
        double pos;
        memscape_rgb c = memscape_palette_entry(p, i, NULL, &pos);
        assert_near(values[4 * i], pos, 1e-9);
        assert_near(values[4 * i + 1], c.r / 255.0, 1e-6);
        assert_near(values[4 * i + 2], c.g / 255.0, 1e-6);
        assert_near(values[4 * i + 3], c.b / 255.0, 1e-6);
    }
    free(json);
    memscape_palette_free(p);

    p = builtin("regions");
    assert_int_equal(memscape_palette_paraview_json(p, &json, &err), MEMSCAPE_OK);
    end = json_value(json);
    assert_non_null(end);
    assert_int_equal(*json_space(end), '\0');
    assert_int_equal(json_numbers(json, "RGBPoints", values, 4 * 256), 4 * 13);
    assert_near(values[4 * 12], 12, 0);
    assert_int_equal(json_numbers(json, "IndexedColors", values, 4 * 256), 3 * 13);
    assert_near(values[0], 0xa0 / 255.0, 1e-6);   /* image #a070dc */
    assert_near(values[2], 0xdc / 255.0, 1e-6);
    assert_non_null(strstr(json, "\"Annotations\": [\n      \"0\", \"image\",\n"));
    assert_non_null(strstr(json, "\"12\", \"padding\"\n    ]"));
    free(json);
    memscape_palette_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_palette_builtins_parse),
        cmocka_unit_test(test_palette_known_colours),
        cmocka_unit_test(test_palette_regions_classes),
        cmocka_unit_test(test_palette_interpolation),
        cmocka_unit_test(test_palette_categorical_at),
        cmocka_unit_test(test_palette_class_lookup),
        cmocka_unit_test(test_palette_modules_distinct),
        cmocka_unit_test(test_palette_malformed_refused_at_line),
        cmocka_unit_test(test_palette_entry_limit),
        cmocka_unit_test(test_palette_size_limit),
        cmocka_unit_test(test_palette_lenient_text_accepted),
        cmocka_unit_test(test_palette_bad_arguments),
        cmocka_unit_test(test_palette_paraview_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
