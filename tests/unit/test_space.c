/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/cursor.h"

static void test_space_placeholder(void **state)
{
    (void)state;
    uint8_t b[4] = {1, 2, 3, 4};
    memscape_cursor c;
    memscape_cursor_init(&c, b, 4, 0);
    assert_int_equal(memscape_cursor_u32_rel(&c, 0), 0x04030201u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_space_placeholder)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
