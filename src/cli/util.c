/* SPDX-License-Identifier: MIT */
#include <ctype.h>
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

/* Digits in base 10 or 16, skipping one WinDbg backtick between hex digits; no sign, no
 * junk, no overflow. */
static int parse_digits(const char *p, unsigned base, uint64_t *out)
{
    uint64_t v = 0;
    int any = 0;
    int ticks = 0;
    for (; *p; p++) {
        /* WinDbg splits a 64-bit address once: high`low. */
        if (*p == '`' && base == 16 && any && p[1] != '\0' && ticks++ == 0)
            continue;
        unsigned d;
        if (*p >= '0' && *p <= '9')
            d = (unsigned)(*p - '0');
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            d = (unsigned)(*p - 'a' + 10);
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            d = (unsigned)(*p - 'A' + 10);
        else
            return -1;
        if (d >= base || v > (UINT64_MAX - d) / base)
            return -1;
        v = v * base + d;
        any = 1;
    }
    if (!any)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_u64(const char *text, uint64_t *out)
{
    if (!text || !isxdigit((unsigned char)text[0]))
        return -1;
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        return parse_digits(text + 2, 16, out);
    if (text[0] == '0' && (text[1] == 'n' || text[1] == 'N'))  /* WinDbg's decimal prefix */
        return parse_digits(text + 2, 10, out);
    /* What WinDbg prints is hex: zero-padded (0012fe84), split by a backtick
     * (00000000`00b00000) or holding hex letters. Never octal. */
    int hex = text[0] == '0' && text[1] != '\0';
    for (const char *p = text; *p && !hex; p++)
        hex = *p == '`' || isalpha((unsigned char)*p);
    return parse_digits(text, hex ? 16 : 10, out);
}

const char *cli_format_windbg(uint64_t addr, unsigned pointer_size, char buf[32])
{
    if (pointer_size == 4 && addr <= UINT32_MAX)
        snprintf(buf, 32, "%08" PRIx64, addr);
    else
        snprintf(buf, 32, "%08" PRIx64 "`%08" PRIx64, addr >> 32, addr & 0xffffffffu);
    return buf;
}

int cli_parse_curve(const char *name, memscape_curve *curve)
{
    for (int c = MEMSCAPE_CURVE_SCAN; c <= MEMSCAPE_CURVE_ZORDER; c++) {
        if (strcmp(name, memscape_curve_name((memscape_curve)c)) == 0) {
            *curve = (memscape_curve)c;
            return 0;
        }
    }
    return -1;
}

const char *cli_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *back = strrchr(path, '\\');
    const char *sep = slash > back ? slash : back;
    return sep ? sep + 1 : path;
}

int cli_load_palette(const char *name, memscape_palette **out)
{
    memscape_error err = {0};
    if (memscape_palette_builtin(out, name, &err) == MEMSCAPE_OK)
        return CLI_OK;
    /* Not a built-in: a palette file. */
    FILE *f = fopen(name, "rb");
    if (!f) {
        fprintf(stderr, "memscape: --palette: '%s' is neither a built-in palette nor a "
                        "readable file (memscape palettes lists them)\n", name);
        return CLI_FAILED;
    }
    char *text = malloc(MEMSCAPE_PALETTE_MAX_BYTES + 1);
    size_t len = text ? fread(text, 1, MEMSCAPE_PALETTE_MAX_BYTES + 1, f) : 0;
    fclose(f);
    if (!text || len > MEMSCAPE_PALETTE_MAX_BYTES) {
        free(text);
        fprintf(stderr, "memscape: %s: larger than %u bytes: not a palette\n", name,
                MEMSCAPE_PALETTE_MAX_BYTES);
        return CLI_FAILED;
    }
    memscape_status st = memscape_palette_parse(out, text, len, &err);
    free(text);
    if (st == MEMSCAPE_OK)
        return CLI_OK;
    cli_report(name, &err);
    return CLI_FAILED;
}

/* An input option into *input: -1 when taken, CLI_USAGE after a usage error. */
static int input_option(const cli_usage *usage, int c, const char *arg, cli_input *input)
{
    uint64_t v;
    if (c == CLI_OPT_RAW) {
        input->open.raw = 1;
        return -1;
    }
    if (c == CLI_OPT_BASE) {
        if (cli_parse_u64(arg, &input->open.raw_base) == 0)
            return -1;
        cli_usage_error(usage->command, "--base: '%s' is not an address", arg);
    } else {
        if (cli_parse_u64(arg, &v) == 0 && v >= 1 && v <= 1024) {
            input->threads = (unsigned)v;
            return -1;
        }
        cli_usage_error(usage->command, "--threads: '%s' is not from 1 to 1024", arg);
    }
    fputs(usage->short_form, stderr);
    return CLI_USAGE;
}

static int is_input_option(int c)
{
    return c == CLI_OPT_THREADS || c == CLI_OPT_RAW || c == CLI_OPT_BASE;
}

int cli_read_options(int argc, char **argv, const cli_usage *usage, const char *short_options,
                     const struct option *long_options,
                     int (*on_option)(int c, const char *arg, void *ctx), void *ctx,
                     cli_input *input)
{
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
        if (c == 'h') {
            usage->print(stdout);
            return CLI_OK;
        }
        if (c == ':' || c == '?') {
            cli_usage_error(usage->command, c == ':' ? "option '%s' needs a value"
                                                     : "unknown option '%s'",
                            argv[optind - 1]);
            fputs(usage->short_form, stderr);
            return CLI_USAGE;
        }
        int status = input && is_input_option(c) ? input_option(usage, c, optarg, input)
                                                 : on_option(c, optarg, ctx);
        if (status >= 0)
            return status;
    }
    return -1;
}
