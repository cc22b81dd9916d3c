/* SPDX-License-Identifier: MIT */
/* The bounds-checked cursor and the checked arithmetic every reader relies on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/checked.h"
#include "util/cursor.h"

static const uint8_t bytes[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a};

static void test_cursor_endianness(void **state)
{
    (void)state;
    memscape_cursor le, be;
    memscape_cursor_init(&le, bytes, sizeof bytes, 0);
    memscape_cursor_init(&be, bytes, sizeof bytes, 1);
    assert_int_equal(memscape_cursor_u16_rel(&le, 1), 0x0302);
    assert_int_equal(memscape_cursor_u16_rel(&be, 1), 0x0203);
    assert_int_equal(memscape_cursor_u32_rel(&le, 1), 0x05040302u);
    assert_int_equal(memscape_cursor_u32_rel(&be, 1), 0x02030405u);
    assert_int_equal(memscape_cursor_u64_rel(&le, 2), 0x0a09080706050403ull);
    assert_int_equal(memscape_cursor_u64_rel(&be, 2), 0x030405060708090aull);
    assert_false(le.overrun || be.overrun);
}

/* A read that leaves the window yields 0, sets the sticky flag and records where. */
static void test_cursor_overrun_is_sticky(void **state)
{
    (void)state;
    memscape_cursor c, sub;
    memscape_cursor_init(&c, bytes, sizeof bytes, 0);
    assert_int_equal(memscape_cursor_sub(&c, 4, 4, &sub), MEMSCAPE_OK);
    assert_int_equal(memscape_cursor_u32_rel(&sub, 0), 0x08070605u);
    assert_int_equal(memscape_cursor_u32_rel(&sub, 1), 0);
    assert_true(sub.overrun);
    assert_int_equal(sub.overrun_at, 5);
    assert_int_equal(memscape_cursor_u8_rel(&sub, 0), 0x05); /* in-window reads still work */
    assert_true(sub.overrun);
}

static void test_cursor_sequential(void **state)
{
    (void)state;
    memscape_cursor c;
    memscape_cursor_init(&c, bytes, sizeof bytes, 0);
    assert_int_equal(memscape_cursor_u32(&c), 0x04030201u);
    assert_int_equal(memscape_cursor_left(&c), 6);
    assert_int_equal(memscape_cursor_u32(&c), 0x08070605u);
    assert_int_equal(memscape_cursor_u32(&c), 0);
    assert_true(c.overrun);
    assert_int_equal(c.pos, 8);
}

/* Windows that do not fit the file are refused, whatever the values. */
static void test_cursor_hostile_windows(void **state)
{
    (void)state;
    const uint64_t values[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, UINT64_MAX,
                               sizeof bytes, sizeof bytes + 1};
    memscape_cursor c, sub;
    memscape_cursor_init(&c, bytes, sizeof bytes, 0);
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        for (size_t j = 0; j < sizeof values / sizeof values[0]; j++) {
            uint64_t off = values[i], len = values[j];
            int fits = off <= sizeof bytes && len <= sizeof bytes - off;
            memscape_status st = memscape_cursor_sub(&c, off, len, &sub);
            assert_int_equal(st, fits ? MEMSCAPE_OK : MEMSCAPE_ETRUNCATED);
            assert_int_equal(memscape_in_bounds(off, len, sizeof bytes), fits);
        }
    }
    assert_null(memscape_cursor_ptr(&c, UINT64_MAX, 2));
    assert_null(memscape_cursor_ptr(&c, 2, UINT64_MAX));
}

static void test_checked_arithmetic(void **state)
{
    (void)state;
    uint64_t r = 0;
    size_t s = 0;
    assert_int_equal(memscape_add_u64(UINT64_MAX - 1, 1, &r), MEMSCAPE_OK);
    assert_int_equal(r, UINT64_MAX);
    assert_int_equal(memscape_add_u64(UINT64_MAX, 1, &r), MEMSCAPE_EOVERFLOW);
    assert_int_equal(memscape_mul_u64(0x100000000ull, 0x100000000ull, &r), MEMSCAPE_EOVERFLOW);
    assert_int_equal(memscape_mul_u64(0xffffffffull, 0xffffffffull, &r), MEMSCAPE_OK);
    assert_int_equal(r, 0xfffffffe00000001ull);
    assert_int_equal(memscape_mul_size(SIZE_MAX / 2 + 1, 2, &s), MEMSCAPE_EOVERFLOW);
    assert_int_equal(memscape_end_clamped(UINT64_MAX - 1, 5), UINT64_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cursor_endianness),
        cmocka_unit_test(test_cursor_overrun_is_sticky),
        cmocka_unit_test(test_cursor_sequential),
        cmocka_unit_test(test_cursor_hostile_windows),
        cmocka_unit_test(test_checked_arithmetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
