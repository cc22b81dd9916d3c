/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "text.h"

void cli_report(const char *file, const memscape_error *err)
{
    /* The path and the message may quote bytes from anywhere: keep the report one safe line. */
    fputs("memscape: ", stderr);
    cli_text_put(stderr, file);
    if (err->offset != MEMSCAPE_NO_OFFSET)
        fprintf(stderr, ": offset 0x%" PRIx64, err->offset);
    fputs(": ", stderr);
    cli_text_put(stderr, err->msg);
    fputc('\n', stderr);
}

void cli_usage_error(const char *command, const char *fmt, ...)
{
    fprintf(stderr, "memscape: %s: ", command);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'memscape %s --help'.\n", command);
}

int cli_parse_u64(const char *text, uint64_t *out)
{
    if (!text || !*text || !(isdigit((unsigned char)text[0])))
        return -1;
    /* WinDbg writes 64-bit addresses as two 8-digit hex halves joined by a backtick. */
    const char *tick = strchr(text, '`');
    if (tick) {
        char digits[40];
        size_t n = 0;
        for (const char *p = text; *p; p++) {
            if (*p == '`')
                continue;
            if (!isxdigit((unsigned char)*p) || n + 1 >= sizeof digits)
                return -1;
            digits[n++] = *p;
        }
        digits[n] = '\0';
        if (n > 16)
            return -1;
        errno = 0;
        char *end;
        unsigned long long v = strtoull(digits, &end, 16);
        if (errno || *end)
            return -1;
        *out = v;
        return 0;
    }
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 0);
    if (errno || *end || end == text)
        return -1;
    *out = v;
    return 0;
}

const char *cli_format_windbg(uint64_t addr, unsigned pointer_size, char buf[32])
{
    if (pointer_size == 4 && addr <= UINT32_MAX)
        snprintf(buf, 32, "%08" PRIx64, addr);
    else
        snprintf(buf, 32, "%08" PRIx64 "`%08" PRIx64, addr >> 32, addr & 0xffffffffu);
    return buf;
}
