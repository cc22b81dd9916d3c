/* SPDX-License-Identifier: MIT */
#include "lookup.h"

#include <inttypes.h>

#include "cli.h"
#include "json.h"
#include "text.h"

typedef struct lookup {
    uint64_t addr;
    const memscape_region *region;
    const memscape_module *module;
    uint32_t module_index;
    const memscape_thread *thread;
    uint32_t thread_index;
    uint8_t bytes[CLI_LOOKUP_BYTES];
    size_t len;      /* bytes looked at: up to the end of the address space */
    size_t present;  /* of those, how many the dump holds */
} lookup;

static void look_up(const memscape_space *space, uint64_t addr, lookup *l)
{
    size_t modules, threads;
    const memscape_module *m = memscape_space_modules(space, &modules);
    const memscape_thread *t = memscape_space_threads(space, &threads);
    l->addr = addr;
    l->region = memscape_space_find_region(space, addr);
    l->module = memscape_space_find_module(space, addr);
    l->module_index = l->module ? (uint32_t)(l->module - m) : MEMSCAPE_NO_INDEX;
    l->thread = NULL;
    l->thread_index = MEMSCAPE_NO_INDEX;
    if (l->region && l->region->thread_index < threads) {
        l->thread_index = l->region->thread_index;
        l->thread = &t[l->thread_index];
    }
    l->len = UINT64_MAX - addr < CLI_LOOKUP_BYTES ? (size_t)(UINT64_MAX - addr)
                                                  : CLI_LOOKUP_BYTES;
    l->present = memscape_space_read(space, addr, l->bytes, l->len);
}

/* A hex dump line per 16 bytes, "??" where the dump does not hold the byte. */
static void hex_dump(FILE *out, const memscape_space *space, const lookup *l, unsigned width)
{
    for (size_t row = 0; row < l->len; row += 16) {
        char addr[32];
        fprintf(out, "  %s ", cli_format_windbg(l->addr + row, width, addr));
        for (size_t i = row; i < row + 16 && i < l->len; i++) {
            uint8_t probe;
            int here = memscape_space_read(space, l->addr + i, &probe, 1) == 1;
            if (here)
                fprintf(out, " %02x", l->bytes[i]);
            else
                fputs(" ??", out);
        }
        fputs("  ", out);
        for (size_t i = row; i < row + 16 && i < l->len; i++) {
            uint8_t c = l->bytes[i];
            fputc(c >= 0x20 && c < 0x7f ? c : '.', out);
        }
        fputc('\n', out);
    }
}

void cli_lookup_text(FILE *out, const memscape_space *space, uint64_t addr)
{
    lookup l;
    look_up(space, addr, &l);
    unsigned width = memscape_space_system(space)->pointer_size;
    char a[32], b[32], e[32], prot[64];
    fprintf(out, "Address:       %s\n", cli_format_windbg(addr, width, a));
    if (l.region) {
        const memscape_region *r = l.region;
        fprintf(out, "Region:        %s-%s  %s %s %s, usage %s", cli_format_windbg(r->base, width, b),
                cli_format_windbg(r->base + r->size, width, e), memscape_state_name(r->state),
                memscape_type_name(r->type), memscape_protect_format(r->protect, prot, sizeof prot),
                memscape_usage_name(r->usage));
        if (r->name) {
            fputs(", ", out);
            cli_text_put(out, r->name);
        }
        fputc('\n', out);
    } else {
        fputs("Region:        none (the dump describes no memory here)\n", out);
    }
    if (l.module) {
        fputs("Module:        ", out);
        cli_text_put(out, l.module->name);
        fprintf(out, " + 0x%" PRIx64 "\n", addr - l.module->base);
    }
    if (l.thread)
        fprintf(out, "Thread:        #%" PRIu32 " id 0x%" PRIx32 " (%s)\n", l.thread_index,
                l.thread->id, memscape_usage_name(l.region->usage));
    fprintf(out, "Bytes:         %zu of %zu present\n", l.present, l.len);
    hex_dump(out, space, &l, width);
}

void cli_lookup_json(FILE *out, const memscape_space *space, uint64_t addr)
{
    lookup l;
    look_up(space, addr, &l);
    cli_json j;
    cli_json_init(&j, out);
    cli_json_begin_object(&j);
    cli_json_member_u64(&j, "address", addr);
    cli_json_key(&j, "region");
    if (l.region) {
        char prot[64];
        cli_json_begin_object_inline(&j);
        cli_json_member_u64(&j, "base", l.region->base);
        cli_json_member_u64(&j, "size", l.region->size);
        cli_json_member_string(&j, "state", memscape_state_name(l.region->state));
        cli_json_member_string(&j, "type", memscape_type_name(l.region->type));
        cli_json_member_string(&j, "protect",
                           memscape_protect_format(l.region->protect, prot, sizeof prot));
        cli_json_member_string(&j, "usage", memscape_usage_name(l.region->usage));
        cli_json_member_string(&j, "name", l.region->name);
        cli_json_end_object(&j);
    } else {
        cli_json_null(&j);
    }
    cli_json_key(&j, "module");
    if (l.module) {
        cli_json_begin_object_inline(&j);
        cli_json_member_u64(&j, "index", l.module_index);
        cli_json_member_string(&j, "name", l.module->name);
        cli_json_member_u64(&j, "base", l.module->base);
        cli_json_member_u64(&j, "offset", addr - l.module->base);
        cli_json_end_object(&j);
    } else {
        cli_json_null(&j);
    }
    cli_json_key(&j, "thread");
    if (l.thread) {
        cli_json_begin_object_inline(&j);
        cli_json_member_u64(&j, "index", l.thread_index);
        cli_json_member_u64(&j, "id", l.thread->id);
        cli_json_end_object(&j);
    } else {
        cli_json_null(&j);
    }
    cli_json_member_u64(&j, "present", l.present);
    char hex[2 * CLI_LOOKUP_BYTES + 1];
    for (size_t i = 0; i < l.len; i++)
        snprintf(hex + 2 * i, 3, "%02x", l.bytes[i]);
    hex[2 * l.len] = '\0';
    cli_json_member_string(&j, "bytes", hex);
    cli_json_end_object(&j);
    cli_json_finish(&j);
}
