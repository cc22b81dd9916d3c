/* SPDX-License-Identifier: MIT */
/* memscape: pictures of memory dumps. Dispatches to the commands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_command commands[] = {
    {"info", "show what a dump holds: format, modules, threads, memory, exception", cli_info},
    {"render", "picture the memory space as a PNG (views, layouts, palettes)", cli_render},
    {"locate", "say which address, region and module a pixel of a picture shows", cli_locate},
    {"volume", "fold the memory space into voxels for ParaView (VTI, VTK, VTKHDF, XDMF)",
     cli_volume},
    {"patterns", "detect memory dump analysis patterns (exceptions, leaks, ...)",
     cli_patterns},
    {"icons", "draw the patterns' icons (PNG, SVG) and their catalogue sheet", cli_icons},
    {"palettes", "list the palettes, preview them, export one for ParaView", cli_palettes},
};

static void print_help(FILE *out)
{
    fprintf(out, "Usage: memscape <command> [options] <dump>\n\n"
                 "memscape turns a memory dump into pictures of its memory space.\n\n"
                 "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'memscape <command> --help' for a command's options.\n"
                 "Formats: Windows/Breakpad/Crashpad minidumps, ELF cores, raw files (--raw).\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        print_help(stdout);
        return CLI_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("memscape %s\n", memscape_version());
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "memscape: unknown command '%s'\n", name);
    print_help(stderr);
    return CLI_USAGE;
}
