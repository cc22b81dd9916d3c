/* SPDX-License-Identifier: MIT */
/* Small dumps that ask for a lot of work or memory: each must open (or be refused) quickly
 * and within 256 MiB. These are the shapes an earlier review found:
 *  - thousands of threads sharing one 4 GiB stack over hundreds of thousands of regions (the
 *    stack marking was threads x regions);
 *  - thousands of unloaded modules all naming one 64 KiB string (each copy was kept: a
 *    459 KB file cost 1.6 GB).
 * An alarm turns a hang into a failure naming the case. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>

#include "memscape/memscape.h"

#define CASE_SECONDS 20u
#define RSS_LIMIT_KIB (256u * 1024u)

/* ---- a minimal minidump writer ----------------------------------------------------------- */

typedef struct buf {
    uint8_t *data;
    size_t len, cap;
} buf;

static void put(buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->data = realloc(b->data, b->cap);
        assert_non_null(b->data);
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put_u16(buf *b, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    put(b, x, 2);
}

static void put_u32(buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(b, x, 4);
}

static void put_u64(buf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_zeros(buf *b, size_t n)
{
    static const uint8_t zeros[64];
    while (n) {
        size_t k = n < sizeof zeros ? n : sizeof zeros;
        put(b, zeros, k);
        n -= k;
    }
}

typedef struct stream {
    uint32_t type;
    buf body;
} stream;

/* Header, directory, then the streams in order: each body's RVAs are relative to its own
 * start, fixed up by the caller through stream_rva(). */
static size_t stream_rva(const stream *s, size_t n, size_t which)
{
    size_t rva = 32 + 12 * n;
    for (size_t i = 0; i < which; i++)
        rva += s[i].body.len;
    return rva;
}

static buf assemble(const stream *s, size_t n)
{
    buf out = {0};
    put_u32(&out, 0x504d444d); /* 'MDMP' */
    put_u32(&out, 0xa793);
    put_u32(&out, (uint32_t)n);
    put_u32(&out, 32);
    put_zeros(&out, 16);
    for (size_t i = 0; i < n; i++) {
        put_u32(&out, s[i].type);
        put_u32(&out, (uint32_t)s[i].body.len);
        put_u32(&out, (uint32_t)stream_rva(s, n, i));
    }
    for (size_t i = 0; i < n; i++)
        put(&out, s[i].body.data, s[i].body.len);
    return out;
}

static void system_info_windows_amd64(buf *b)
{
    put_u16(b, 9);            /* PROCESSOR_ARCHITECTURE_AMD64 */
    put_zeros(b, 18);
    put_u32(b, 2);            /* VER_PLATFORM_WIN32_NT */
    put_zeros(b, 56 - 24);
}

/* ---- running a case ---------------------------------------------------------------------- */

static const char *current_case;

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "test_amplify: a case took too long (hang or quadratic work)\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(1);
}

static memscape_status open_bytes(const char *name, const buf *b, memscape_error *err)
{
    current_case = name;
    signal(SIGALRM, on_alarm);
    alarm(CASE_SECONDS);
    memscape_dump *dump = NULL;
    memscape_status st = memscape_dump_open_memory(&dump, b->data, b->len, NULL, err);
    alarm(0);
    memscape_dump_free(dump);
    return st;
}

static void assert_rss_within_limit(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return; /* shadow memory and quarantine inflate RSS under ASan */
#else
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    if ((unsigned long)ru.ru_maxrss > RSS_LIMIT_KIB)
        fail_msg("%s: peak RSS %ld KiB, limit %u KiB", current_case, ru.ru_maxrss,
                 RSS_LIMIT_KIB);
#endif
}

/* ---- the cases --------------------------------------------------------------------------- */

static void test_amplify_threads_sharing_one_huge_stack(void **state)
{
    (void)state;
    enum { THREADS = 32768, REGIONS = 320000 };
    const uint64_t stack_base = 0x10000000;
    stream s[3] = {{7, {0}}, {3, {0}}, {16, {0}}};
    system_info_windows_amd64(&s[0].body);
    put_u32(&s[1].body, THREADS);
    for (uint32_t i = 0; i < THREADS; i++) {
        put_u32(&s[1].body, i + 1);       /* ThreadId */
        put_zeros(&s[1].body, 12);
        put_u64(&s[1].body, 0);           /* Teb */
        put_u64(&s[1].body, stack_base);  /* Stack.StartOfMemoryRange */
        put_u32(&s[1].body, 0xffffffff);  /* Stack.DataSize: 4 GiB, nowhere in the file */
        put_u32(&s[1].body, 0xfffffff0);  /* Stack.Rva */
        put_zeros(&s[1].body, 8);         /* Context */
    }
    put_u32(&s[2].body, 16);
    put_u32(&s[2].body, 48);
    put_u64(&s[2].body, REGIONS);
    for (uint32_t i = 0; i < REGIONS; i++) {
        put_u64(&s[2].body, stack_base + i * 16ull);
        put_u64(&s[2].body, stack_base + i * 16ull);
        put_u32(&s[2].body, 4);
        put_u32(&s[2].body, 0);
        put_u64(&s[2].body, 16);
        put_u32(&s[2].body, 0x1000);      /* MEM_COMMIT */
        put_u32(&s[2].body, 4);
        put_u32(&s[2].body, 0x20000);     /* MEM_PRIVATE */
        put_u32(&s[2].body, 0);
    }
    buf file = assemble(s, 3);
    memscape_error err = {0};
    memscape_status st = open_bytes("threads sharing one huge stack", &file, &err);
    /* The stack bytes lie past the end of the file: a warning, not an error. */
    if (st != MEMSCAPE_OK)
        fail_msg("refused: %s", err.msg);
    assert_rss_within_limit();
    for (size_t i = 0; i < 3; i++)
        free(s[i].body.data);
    free(file.data);
}

static void test_amplify_entries_naming_one_long_string(void **state)
{
    (void)state;
    enum { MODULES = 16384, UNITS = 32768 };
    stream s[2] = {{7, {0}}, {14, {0}}};
    system_info_windows_amd64(&s[0].body);
    buf *u = &s[1].body;
    put_u32(u, 12);
    put_u32(u, 24);
    put_u32(u, MODULES);
    size_t name_rva = stream_rva(s, 2, 1) + 12 + (size_t)MODULES * 24;
    for (uint32_t i = 0; i < MODULES; i++) {
        put_u64(u, 0x7ff000000000ull + i * 0x10000ull);
        put_u32(u, 0x1000);
        put_u32(u, 0);
        put_u32(u, 0);
        put_u32(u, (uint32_t)name_rva);   /* every entry names the same string */
    }
    put_u32(u, UNITS * 2);                /* MINIDUMP_STRING.Length, bytes */
    for (uint32_t i = 0; i < UNITS; i++)
        put_u16(u, 0x0800);               /* three UTF-8 bytes each */
    put_u16(u, 0);
    buf file = assemble(s, 2);
    memscape_error err = {0};
    memscape_status st = open_bytes("entries naming one long string", &file, &err);
    /* Keeping every copy would take 16384 x 96 KiB = 1.5 GiB: it must be refused as a limit,
     * at the offset of the entry that passed it, with the reason named. */
    assert_int_equal(st, MEMSCAPE_ELIMIT);
    assert_true(err.offset != MEMSCAPE_NO_OFFSET && err.offset < file.len);
    assert_non_null(strstr(err.msg, "budget"));
    assert_rss_within_limit();
    for (size_t i = 0; i < 2; i++)
        free(s[i].body.data);
    free(file.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_amplify_threads_sharing_one_huge_stack),
        cmocka_unit_test(test_amplify_entries_naming_one_long_string),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
