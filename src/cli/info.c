/* SPDX-License-Identifier: MIT */
/* Placeholder: a bare `memscape info` until the full summary lands. */
#include "cli.h"

int cli_info(int argc, char **argv)
{
    if (argc < 2) {
        cli_usage_error("info", "missing DUMP");
        return CLI_USAGE;
    }
    memscape_dump *dump;
    memscape_error err = {0};
    if (memscape_dump_open(&dump, argv[argc - 1], NULL, &err) != MEMSCAPE_OK) {
        cli_report(argv[argc - 1], &err);
        return CLI_FAILED;
    }
    size_t n;
    memscape_space_regions(memscape_dump_space(dump), &n);
    printf("%zu regions\n", n);
    memscape_dump_free(dump);
    return CLI_OK;
}
