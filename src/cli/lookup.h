/* SPDX-License-Identifier: MIT */
/* `memscape info DUMP --at ADDR`: what lies at one address, like WinDbg's !address. */
#ifndef MEMSCAPE_CLI_LOOKUP_H
#define MEMSCAPE_CLI_LOOKUP_H

#include <stdint.h>
#include <stdio.h>

#include "memscape/memscape.h"

/** How many bytes from the address the lookup shows. */
#define CLI_LOOKUP_BYTES 64u

/** The region, module (with offset), owning thread and the first bytes at addr, as text. */
void cli_lookup_text(FILE *out, const memscape_space *space, uint64_t addr);

/** The same as one JSON object:
 *  {"address": int, "region": null | {"base", "size", "state", "type", "protect", "usage",
 *   "name"}, "module": null | {"index", "name", "base", "offset"}, "thread": null |
 *   {"index", "id"}, "present": int, "bytes": "hex of the first bytes, absent ones as 00"} */
void cli_lookup_json(FILE *out, const memscape_space *space, uint64_t addr);

#endif /* MEMSCAPE_CLI_LOOKUP_H */
