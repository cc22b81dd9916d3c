/* SPDX-License-Identifier: MIT */
/* The readable `memscape info` summary, and the helpers that keep dump text harmless on a
 * terminal. */
#ifndef MEMSCAPE_CLI_TEXT_H
#define MEMSCAPE_CLI_TEXT_H

#include <stdio.h>

#include "memscape/memscape.h"

/** Print s (NULL prints "-") with nothing a terminal would act on: C0 and C1 control
 *  characters and DEL become \n \t \r or \xNN / \u{NN}, bidirectional overrides and the line
 *  and paragraph separators become \u{NNNN}, and ill-formed UTF-8 bytes become \xNN.
 *  Backslashes stay as they are (Windows paths are full of them). */
void cli_text_put(FILE *out, const char *s);

/** A name for an exception code ("ACCESS_VIOLATION", "SIGSEGV", "EXC_BAD_ACCESS"), or NULL.
 *  Signals and Mach exceptions are named by the dump's OS. */
const char *cli_exception_name(const memscape_exception *ex, memscape_os os);

/** The name of a minidump stream type ("ThreadList", "BreakpadInfo"), or NULL. */
const char *cli_stream_name(uint32_t type);

typedef struct cli_text_options {
    int regions;   /* print the full region table */
    int memory;    /* print the range table */
    int warnings;  /* print every kept warning, not only the first few */
} cli_text_options;

/** Print the summary of dump (opened from path) on out. */
void cli_text_summary(FILE *out, const char *path, const memscape_dump *dump,
                      const cli_text_options *opts);

#endif /* MEMSCAPE_CLI_TEXT_H */
