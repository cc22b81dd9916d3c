/* SPDX-License-Identifier: MIT */
/* Shared by the memscape commands. The only code in the project that prints or exits. */
#ifndef MEMSCAPE_CLI_H
#define MEMSCAPE_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "memscape/memscape.h"

enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

typedef struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} cli_command;

int cli_info(int argc, char **argv);
int cli_render(int argc, char **argv);
int cli_locate(int argc, char **argv);
int cli_palettes(int argc, char **argv);
int cli_volume(int argc, char **argv);
int cli_patterns(int argc, char **argv);
int cli_icons(int argc, char **argv);

/** Print "memscape: FILE: offset 0xNN: message" (or without the offset) on stderr. */
void cli_report(const char *file, const memscape_error *err);
/** Print "memscape: COMMAND: message" and "Try 'memscape COMMAND --help'." on stderr. */
void cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Parse an address or size: 0x-hex; 0n-decimal (WinDbg's prefix); WinDbg-style hex as it
 *  prints it, zero-padded (0012fe84), split by a backtick (00000000`00b00000) or with hex
 *  letters; otherwise decimal (4096). Never octal. Rejects signs, junk and overflow.
 *  Returns 0 on success. */
int cli_parse_u64(const char *text, uint64_t *out);

/** The curve named name ("scan", "hilbert", "zorder"); returns 0 when it is one. */
int cli_parse_curve(const char *name, memscape_curve *curve);

/** The file name at the end of a path with '/' or '\\' separators (a Windows module path
 *  read on Linux has the latter). */
const char *cli_base_name(const char *path);

/** What a command says about its usage: its name, its help text, and its one-line form. */
typedef struct cli_usage {
    const char *command;
    void (*print)(FILE *out);
    const char *short_form;   /* "Usage: memscape render [options] DUMP -o OUT\n" */
} cli_usage;

/** What every command that reads dumps takes: --threads N, --raw, --base ADDR. */
typedef struct cli_input {
    unsigned threads;           /* 0: one per CPU */
    memscape_open_options open;
} cli_input;

/** Their getopt values, and their entries for a command's long options. */
enum { CLI_OPT_THREADS = 0x1000, CLI_OPT_RAW, CLI_OPT_BASE };
#define CLI_INPUT_LONG_OPTIONS                                                          \
    {"threads", required_argument, NULL, CLI_OPT_THREADS},                             \
        {"raw", no_argument, NULL, CLI_OPT_RAW}, {"base", required_argument, NULL, CLI_OPT_BASE}
/** Their lines in a command's --help. */
#define CLI_INPUT_HELP                                                                  \
    "  --threads N            worker threads (default: one per CPU)\n"                 \
    "  --raw [--base ADDR]    read DUMP as raw bytes at ADDR\n"

/** Read argv's options with getopt_long: -h/--help prints the help and returns CLI_OK; a
 *  missing value or an unknown option prints a usage error and returns CLI_USAGE; the input
 *  options go to *input (when not NULL); every other option goes to on_option, and a status
 *  >= 0 from it stops the reading with that status. Returns -1 once all options are taken;
 *  the operands start at optind. */
int cli_read_options(int argc, char **argv, const cli_usage *usage, const char *short_options,
                     const struct option *long_options,
                     int (*on_option)(int c, const char *arg, void *ctx), void *ctx,
                     cli_input *input);

/** A built-in palette by name, else a palette file; CLI_OK, or CLI_FAILED after one error
 *  line on stderr. */
int cli_load_palette(const char *name, memscape_palette **out);

/** Format addr WinDbg-style: 8 hex digits, or 8`8 for 64-bit pointer sizes. */
const char *cli_format_windbg(uint64_t addr, unsigned pointer_size, char buf[32]);

#endif /* MEMSCAPE_CLI_H */
