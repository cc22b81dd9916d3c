/* SPDX-License-Identifier: MIT */
/* The space model: merging sources into one layout, reading memory, iterating chunks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "space_build.h"

#define FILE_SIZE 0x4000u

typedef struct fixture {
    uint8_t file[FILE_SIZE];
    memscape_space *space;
} fixture;

static int setup(void **state)
{
    static fixture f;
    for (size_t i = 0; i < FILE_SIZE; i++)
        f.file[i] = (uint8_t)(i * 7 + 3);
    assert_int_equal(memscape_space_new(&f.space, f.file, FILE_SIZE, NULL), MEMSCAPE_OK);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    memscape_space_free(f->space);
    return 0;
}

static memscape_region layout_entry(uint64_t base, uint64_t size, memscape_state state,
                                    memscape_type type, uint32_t protect)
{
    memscape_region r = {0};
    r.base = base;
    r.size = size;
    r.allocation_base = base;
    r.file_offset = MEMSCAPE_NO_OFFSET;
    r.state = state;
    r.type = type;
    r.protect = protect;
    r.module_index = MEMSCAPE_NO_INDEX;
    r.thread_index = MEMSCAPE_NO_INDEX;
    return r;
}

static void finalize(memscape_space *space)
{
    memscape_error err = {0};
    assert_int_equal(memscape_space_finalize(space, &err), MEMSCAPE_OK);
}

static void assert_region(const memscape_region *r, uint64_t base, uint64_t size,
                          memscape_state state, uint64_t file_offset)
{
    assert_int_equal(r->base, base);
    assert_int_equal(r->size, size);
    assert_int_equal(r->state, state);
    assert_int_equal(r->file_offset, file_offset);
}

/* A thread's stack descriptor and the MemoryList entry for the same bytes are one region. */
static void test_space_same_bytes_are_one_region(void **state)
{
    fixture *f = *state;
    assert_int_equal(memscape_space_add_range(f->space, 0x10000, 0x800, 0x100), MEMSCAPE_OK);
    assert_int_equal(memscape_space_add_range(f->space, 0x10000, 0x800, 0x100), MEMSCAPE_OK);
    finalize(f->space);
    size_t n, nr;
    const memscape_region *r = memscape_space_regions(f->space, &n);
    memscape_space_ranges(f->space, &nr);
    assert_int_equal(n, 1);
    assert_int_equal(nr, 2); /* the dump's own list is kept as it was */
    assert_region(&r[0], 0x10000, 0x800, MEMSCAPE_STATE_COMMITTED, 0x100);
}

/* Overlapping ranges: the earlier one (by address, then dump order) keeps the overlap. */
static void test_space_overlap_is_cut(void **state)
{
    fixture *f = *state;
    memscape_space_add_range(f->space, 0x1000, 0x100, 0x0);
    memscape_space_add_range(f->space, 0x1080, 0x100, 0x1000);
    finalize(f->space);
    uint8_t buf[0x180];
    assert_int_equal(memscape_space_read(f->space, 0x1000, buf, sizeof buf), 0x180);
    assert_memory_equal(buf, f->file, 0x100);
    assert_memory_equal(buf + 0x100, f->file + 0x1000 + 0x80, 0x80);
}

/* A committed layout region is split where its bytes start and stop being in the file. */
static void test_space_split_by_presence(void **state)
{
    fixture *f = *state;
    memscape_region l = layout_entry(0x1000, 0x4000, MEMSCAPE_STATE_COMMITTED,
                                     MEMSCAPE_TYPE_PRIVATE, MEMSCAPE_PROT_RW);
    memscape_space_add_layout(f->space, &l);
    memscape_region res = layout_entry(0x5000, 0x1000, MEMSCAPE_STATE_RESERVED,
                                       MEMSCAPE_TYPE_PRIVATE, MEMSCAPE_PROT_NONE);
    memscape_space_add_layout(f->space, &res);
    memscape_space_add_range(f->space, 0x2000, 0x1000, 0x800);
    finalize(f->space);
    size_t n;
    const memscape_region *r = memscape_space_regions(f->space, &n);
    assert_int_equal(n, 4);
    assert_region(&r[0], 0x1000, 0x1000, MEMSCAPE_STATE_NOT_CAPTURED, MEMSCAPE_NO_OFFSET);
    assert_region(&r[1], 0x2000, 0x1000, MEMSCAPE_STATE_COMMITTED, 0x800);
    assert_region(&r[2], 0x3000, 0x2000, MEMSCAPE_STATE_NOT_CAPTURED, MEMSCAPE_NO_OFFSET);
    assert_region(&r[3], 0x5000, 0x1000, MEMSCAPE_STATE_RESERVED, MEMSCAPE_NO_OFFSET);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(r[i].type, MEMSCAPE_TYPE_PRIVATE);
        assert_int_equal(r[i].protect, MEMSCAPE_PROT_RW);
    }
}

/* Without a layout, module images and then present ranges make one. */
static void test_space_modules_fill_missing_layout(void **state)
{
    fixture *f = *state;
    memscape_module m = {.name = "a.dll", .base = 0x400000, .size = 0x3000};
    memscape_space_add_module(f->space, &m);
    memscape_space_add_range(f->space, 0x401000, 0x100, 0x0);  /* code bytes inside it */
    memscape_space_add_range(f->space, 0x900000, 0x200, 0x200); /* a stack, elsewhere */
    finalize(f->space);
    size_t n;
    const memscape_region *r = memscape_space_regions(f->space, &n);
    assert_int_equal(n, 4);
    assert_region(&r[0], 0x400000, 0x1000, MEMSCAPE_STATE_NOT_CAPTURED, MEMSCAPE_NO_OFFSET);
    assert_region(&r[1], 0x401000, 0x100, MEMSCAPE_STATE_COMMITTED, 0x0);
    assert_region(&r[2], 0x401100, 0x1f00, MEMSCAPE_STATE_NOT_CAPTURED, MEMSCAPE_NO_OFFSET);
    assert_region(&r[3], 0x900000, 0x200, MEMSCAPE_STATE_COMMITTED, 0x200);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(r[i].usage, MEMSCAPE_USAGE_IMAGE);
        assert_int_equal(r[i].type, MEMSCAPE_TYPE_IMAGE);
        assert_int_equal(r[i].module_index, 0);
    }
    assert_int_equal(r[3].usage, MEMSCAPE_USAGE_OTHER);
    assert_int_equal(r[3].module_index, MEMSCAPE_NO_INDEX);
    assert_ptr_equal(memscape_space_find_module(f->space, 0x402fff), memscape_space_modules(
                                                                          f->space, NULL));
    assert_null(memscape_space_find_module(f->space, 0x403000));
}

/* Stacks, TEB and PEB are recognised; the PEB pointer is read from the TEB's bytes. */
static void test_space_windows_usage(void **state)
{
    fixture *f = *state;
    f->space->system.os = MEMSCAPE_OS_WINDOWS;
    f->space->system.pointer_size = 8;
    /* TEB at 0x7000 with bytes at file offset 0x1000; PEB pointer at TEB+0x60. */
    memcpy(f->file + 0x1060, "\x00\x80\x00\x00\x00\x00\x00\x00", 8);
    memscape_space_add_range(f->space, 0x7000, 0x100, 0x1000);
    memscape_space_add_range(f->space, 0x20000, 0x400, 0x2000);
    memscape_thread t = {.id = 42, .stack_base = 0x20000, .stack_size = 0x400, .teb = 0x7000};
    memscape_space_add_thread(f->space, &t, NULL);
    finalize(f->space);
    const memscape_region *teb = memscape_space_find_region(f->space, 0x7000);
    const memscape_region *peb = memscape_space_find_region(f->space, 0x8000);
    const memscape_region *stack = memscape_space_find_region(f->space, 0x20010);
    assert_non_null(teb);
    assert_non_null(peb);
    assert_non_null(stack);
    assert_int_equal(teb->usage, MEMSCAPE_USAGE_TEB);
    assert_int_equal(peb->usage, MEMSCAPE_USAGE_PEB);
    assert_int_equal(peb->state, MEMSCAPE_STATE_NOT_CAPTURED);
    assert_int_equal(stack->usage, MEMSCAPE_USAGE_STACK);
    assert_int_equal(stack->thread_index, 0);
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Usage is decided before the split by presence: every piece of a TEB region is "teb". Heaps
 * listed in PEB.ProcessHeaps mark every region of their allocation. */
static void test_space_windows_heaps_and_shared_usage(void **state)
{
    fixture *f = *state;
    f->space->system.os = MEMSCAPE_OS_WINDOWS;
    f->space->system.pointer_size = 8;
    memscape_region teb = layout_entry(0x7000, 0x2000, MEMSCAPE_STATE_COMMITTED,
                                       MEMSCAPE_TYPE_PRIVATE, MEMSCAPE_PROT_RW);
    memscape_region peb = layout_entry(0x9000, 0x1000, MEMSCAPE_STATE_COMMITTED,
                                       MEMSCAPE_TYPE_PRIVATE, MEMSCAPE_PROT_RW);
    memscape_region heap1 = layout_entry(0x40000, 0x1000, MEMSCAPE_STATE_COMMITTED,
                                         MEMSCAPE_TYPE_PRIVATE, MEMSCAPE_PROT_RW);
    memscape_region heap2 = heap1;
    heap2.base = 0x41000;
    heap2.state = MEMSCAPE_STATE_RESERVED;
    memscape_region other = layout_entry(0x42000, 0x1000, MEMSCAPE_STATE_COMMITTED,
                                         MEMSCAPE_TYPE_PRIVATE, MEMSCAPE_PROT_RW);
    memscape_region *all[] = {&teb, &peb, &heap1, &heap2, &other};
    for (size_t i = 0; i < 5; i++)
        memscape_space_add_layout(f->space, all[i]);
    /* TEB bytes (first 0x100) at file 0x1000: PEB pointer at TEB+0x60. PEB bytes at file
     * 0x2000: NumberOfHeaps (PEB+0xe8) = 1, ProcessHeaps (PEB+0xf0) = 0x9100, which holds
     * the one heap's address, 0x40000. */
    memset(f->file + 0x1000, 0, 0x100);
    put_u64(f->file + 0x1060, 0x9000);
    memset(f->file + 0x2000, 0, 0x200);
    put_u64(f->file + 0x20e8, 1);
    put_u64(f->file + 0x20f0, 0x9100);
    put_u64(f->file + 0x2100, 0x40000);
    memscape_space_add_range(f->space, 0x7000, 0x100, 0x1000);
    memscape_space_add_range(f->space, 0x9000, 0x200, 0x2000);
    memscape_thread t = {.id = 7, .teb = 0x7000};
    memscape_space_add_thread(f->space, &t, NULL);
    finalize(f->space);
    size_t n;
    const memscape_region *r = memscape_space_regions(f->space, &n);
    assert_int_equal(n, 7);
    assert_region(&r[0], 0x7000, 0x100, MEMSCAPE_STATE_COMMITTED, 0x1000);
    assert_region(&r[1], 0x7100, 0x1f00, MEMSCAPE_STATE_NOT_CAPTURED, MEMSCAPE_NO_OFFSET);
    assert_int_equal(r[0].usage, MEMSCAPE_USAGE_TEB);
    assert_int_equal(r[1].usage, MEMSCAPE_USAGE_TEB);
    assert_int_equal(r[1].thread_index, 0);
    assert_int_equal(r[2].usage, MEMSCAPE_USAGE_PEB);
    assert_int_equal(r[3].usage, MEMSCAPE_USAGE_PEB);
    assert_region(&r[4], 0x40000, 0x1000, MEMSCAPE_STATE_NOT_CAPTURED, MEMSCAPE_NO_OFFSET);
    assert_int_equal(r[4].usage, MEMSCAPE_USAGE_HEAP);
    assert_int_equal(r[5].usage, MEMSCAPE_USAGE_HEAP);       /* same allocation, reserved */
    assert_int_equal(r[6].usage, MEMSCAPE_USAGE_OTHER);      /* another allocation */
}

/* Reads fill absent bytes with zero and count only present ones. */
static void test_space_read_counts_present_bytes(void **state)
{
    fixture *f = *state;
    memscape_space_add_range(f->space, 0x1000, 0x10, 0x20);
    memscape_space_add_range(f->space, 0x1020, 0x10, 0x40);
    finalize(f->space);
    uint8_t buf[0x40];
    memset(buf, 0xaa, sizeof buf);
    assert_int_equal(memscape_space_read(f->space, 0xff8, buf, sizeof buf), 0x20);
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(buf[i], 0);
    assert_memory_equal(buf + 8, f->file + 0x20, 0x10);
    for (size_t i = 0x18; i < 0x28; i++)
        assert_int_equal(buf[i], 0);
    assert_memory_equal(buf + 0x28, f->file + 0x40, 0x10);
    assert_int_equal(memscape_space_read(f->space, UINT64_MAX - 4, buf, 16), 0);
}

/* Chunks come in address order, clipped to [lo, hi), split at max_chunk, zero-copy. */
static void test_space_chunks_in_order(void **state)
{
    fixture *f = *state;
    memscape_space_add_range(f->space, 0x3000, 0x300, 0x1000);
    memscape_space_add_range(f->space, 0x1000, 0x100, 0x0);
    finalize(f->space);
    memscape_chunk_iter it;
    memscape_chunk c;
    memscape_chunks_begin(&it, f->space, 0x1080, 0x3250, 0x100);
    const uint64_t want_addr[] = {0x1080, 0x3000, 0x3100, 0x3200};
    const size_t want_size[] = {0x80, 0x100, 0x100, 0x50};
    size_t k = 0;
    while (memscape_chunks_next(&it, &c)) {
        assert_true(k < 4);
        assert_int_equal(c.addr, want_addr[k]);
        assert_int_equal(c.size, want_size[k]);
        uint64_t off = c.addr >= 0x3000 ? 0x1000 + (c.addr - 0x3000) : c.addr - 0x1000;
        assert_ptr_equal(c.data, f->file + off);
        k++;
    }
    assert_int_equal(k, 4);
}

/* Hostile values: a range reaching past 2^64 is clipped; one past the file is cut at its end. */
static void test_space_hostile_ranges(void **state)
{
    fixture *f = *state;
    memscape_space_add_range(f->space, UINT64_MAX - 0xff, 0x1000, 0x0);
    memscape_space_add_range(f->space, 0x1000, 0xffffffff, FILE_SIZE - 0x10);
    memscape_space_add_range(f->space, 0x5000, 0x10, FILE_SIZE + 5);
    finalize(f->space);
    size_t n;
    const memscape_region *r = memscape_space_regions(f->space, &n);
    assert_int_equal(n, 2);
    assert_region(&r[0], 0x1000, 0x10, MEMSCAPE_STATE_COMMITTED, FILE_SIZE - 0x10);
    assert_region(&r[1], UINT64_MAX - 0xff, 0xff, MEMSCAPE_STATE_COMMITTED, 0);
}

/* Overlapping layout entries are cut and reported once. */
static void test_space_overlapping_layout_warns(void **state)
{
    fixture *f = *state;
    memscape_region a = layout_entry(0x1000, 0x2000, MEMSCAPE_STATE_COMMITTED,
                                     MEMSCAPE_TYPE_PRIVATE, MEMSCAPE_PROT_R);
    memscape_region b = layout_entry(0x2000, 0x2000, MEMSCAPE_STATE_COMMITTED,
                                     MEMSCAPE_TYPE_MAPPED, MEMSCAPE_PROT_R);
    memscape_space_add_layout(f->space, &b);
    memscape_space_add_layout(f->space, &a);
    finalize(f->space);
    size_t n, nw, total;
    const memscape_region *r = memscape_space_regions(f->space, &n);
    memscape_space_warnings(f->space, &nw, &total);
    assert_int_equal(n, 2);
    assert_region(&r[0], 0x1000, 0x2000, MEMSCAPE_STATE_NOT_CAPTURED, MEMSCAPE_NO_OFFSET);
    assert_region(&r[1], 0x3000, 0x1000, MEMSCAPE_STATE_NOT_CAPTURED, MEMSCAPE_NO_OFFSET);
    assert_int_equal(r[1].usage, MEMSCAPE_USAGE_MAPPED_FILE);
    assert_int_equal(nw, 1);
    assert_int_equal(total, 1);
}

/* Limits: the layout cannot grow past what the caller allowed. */
static void test_space_layout_limit(void **state)
{
    (void)state;
    uint8_t file[16] = {0};
    memscape_limits limits = memscape_limits_default();
    limits.max_regions = 2;
    memscape_space *space;
    assert_int_equal(memscape_space_new(&space, file, sizeof file, &limits), MEMSCAPE_OK);
    memscape_region r = layout_entry(0, 0x1000, MEMSCAPE_STATE_FREE, MEMSCAPE_TYPE_NONE, 1);
    assert_int_equal(memscape_space_add_layout(space, &r), MEMSCAPE_OK);
    r.base = 0x1000;
    assert_int_equal(memscape_space_add_layout(space, &r), MEMSCAPE_OK);
    r.base = 0x2000;
    assert_int_equal(memscape_space_add_layout(space, &r), MEMSCAPE_ELIMIT);
    memscape_space_free(space);
}

static void test_space_protect_names(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(memscape_protect_format(0x104, buf, sizeof buf), "RW+GUARD");
    assert_string_equal(memscape_protect_format(0x02, buf, sizeof buf), "R");
    assert_string_equal(memscape_protect_format(0x0, buf, sizeof buf), "none");
    assert_string_equal(memscape_protect_format(0x640, buf, sizeof buf),
                        "RWX+NOCACHE+WRITECOMBINE");
    assert_string_equal(memscape_protect_format(0x1003, buf, sizeof buf), "0x3+0x1000");
    assert_string_equal(memscape_protect_format(0x104, buf, 3), "RW");
}

static void test_space_utf16_names(void **state)
{
    fixture *f = *state;
    /* "a", U+00E9, U+1F600 as a surrogate pair, a lone low surrogate, then NUL and junk. */
    const uint8_t utf16[] = {'a', 0, 0xe9, 0, 0x3d, 0xd8, 0x00, 0xde, 0x00, 0xdc, 0, 0, 'x', 0};
    const char *s = memscape_space_strdup_utf16(f->space, utf16, sizeof utf16, 0);
    assert_string_equal(s, "a\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbd");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_space_same_bytes_are_one_region, setup, teardown),
        cmocka_unit_test_setup_teardown(test_space_overlap_is_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_space_split_by_presence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_space_modules_fill_missing_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_space_windows_usage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_space_windows_heaps_and_shared_usage, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_space_read_counts_present_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_space_chunks_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_space_hostile_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_space_overlapping_layout_warns, setup, teardown),
        cmocka_unit_test(test_space_layout_limit),
        cmocka_unit_test(test_space_protect_names),
        cmocka_unit_test_setup_teardown(test_space_utf16_names, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
