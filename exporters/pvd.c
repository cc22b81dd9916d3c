/* SPDX-License-Identifier: MIT */
/* A ParaView data collection (.pvd): an XML list of files, file i at timestep i, which
 * ParaView's PVDReader opens as one time series, resolving each name against the .pvd's
 * folder.
 *
 * The file names are XML attribute values (XML 1.0, 3.3.3): &, <, >, " and ' are written as
 * entity references, and tab, newline and carriage return as character references because a
 * parser turns them into spaces otherwise. A name XML cannot carry at all (malformed UTF-8,
 * another control character, section 2.2) is refused rather than changed, since a changed
 * name would point at another file.
 *
 * The file is built in memory, then written to "<path>.tmp" and renamed (util/atomic_file.h),
 * so a failure leaves no partial file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscape/volume.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/text.h"

#define WHAT "ParaView collection"

/* XML 1.0 production [2] Char: tab, LF, CR, then U+0020 up, minus U+FFFE and U+FFFF. */
static int xml_char(uint32_t c)
{
    return c == 0x9 || c == 0xa || c == 0xd
        || (c >= 0x20 && c != MEMSCAPE_UTF8_INVALID && c != 0xfffe && c != 0xffff);
}

static memscape_status check_name(const char *name, size_t i, memscape_error *err)
{
    if (!name || !*name)
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                             "%s: file %zu has no name", WHAT, i);
    for (const unsigned char *s = (const unsigned char *)name; *s;) {
        size_t used;
        if (!xml_char(memscape_utf8_next(s, &used)))
            return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET,
                                 "%s: file %zu: byte 0x%02x at %zu cannot be written in XML",
                                 WHAT, i, *s, (size_t)(s - (const unsigned char *)name));
        s += used;
    }
    return MEMSCAPE_OK;
}

/* name as an attribute value; check_name() has made sure XML can carry it. */
static void put_attribute(FILE *o, const char *name)
{
    for (const char *s = name; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", o); break;
        case '<': fputs("&lt;", o); break;
        case '>': fputs("&gt;", o); break;
        case '"': fputs("&quot;", o); break;
        case '\'': fputs("&apos;", o); break;
        case '\t': fputs("&#9;", o); break;
        case '\n': fputs("&#10;", o); break;
        case '\r': fputs("&#13;", o); break;
        default: fputc(*s, o); break;
        }
    }
}

/* The whole file in memory, in *buf (caller frees) of *len bytes. */
static memscape_status build(const char *const *files, size_t count, char **buf, size_t *len,
                             memscape_error *err)
{
    *buf = NULL;
    FILE *o = open_memstream(buf, len);
    if (!o)
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "%s: out of memory",
                             WHAT);
    fputs("<?xml version=\"1.0\"?>\n"
          "<VTKFile type=\"Collection\" version=\"0.1\" byte_order=\"LittleEndian\">\n"
          "  <Collection>\n", o);
    for (size_t i = 0; i < count; i++) {
        fprintf(o, "    <DataSet timestep=\"%zu\" part=\"0\" file=\"", i);
        put_attribute(o, files[i]);
        fputs("\"/>\n", o);
    }
    fputs("  </Collection>\n</VTKFile>\n", o);
    int failed = ferror(o);
    if (fclose(o) != 0 || failed) {
        free(*buf);
        return memscape_fail(err, MEMSCAPE_ENOMEM, MEMSCAPE_NO_OFFSET, "%s: out of memory",
                             WHAT);
    }
    return MEMSCAPE_OK;
}

memscape_status memscape_pvd_write(const char *path, const char *const *files, size_t count,
                                   memscape_error *err)
{
    if (!path || (count > 0 && !files))
        return memscape_fail(err, MEMSCAPE_EINVAL, MEMSCAPE_NO_OFFSET, "%s: no path or files",
                             WHAT);
    memscape_status st = MEMSCAPE_OK;
    for (size_t i = 0; i < count && st == MEMSCAPE_OK; i++)
        st = check_name(files[i], i, err);
    char *buf = NULL;
    size_t len = 0;
    if (st == MEMSCAPE_OK)
        st = build(files, count, &buf, &len, err);
    if (st != MEMSCAPE_OK)
        return st;
    st = memscape_atomic_write_file(path, WHAT, buf, len, err);
    free(buf);
    return st;
}
