/* SPDX-License-Identifier: MIT */
#include "error.h"

#include <stdio.h>
#include <string.h>

memscape_status memscape_fail(memscape_error *err, memscape_status code, uint64_t offset,
                              const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    /* One line, always: a message quoting file content must not break the CLI's output. */
    for (char *p = err->msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return code;
}

const char *memscape_strerror(memscape_status code)
{
    switch (code) {
    case MEMSCAPE_OK: return "success";
    case MEMSCAPE_EINVAL: return "invalid argument";
    case MEMSCAPE_EIO: return "input/output error";
    case MEMSCAPE_ENOMEM: return "out of memory";
    case MEMSCAPE_EFORMAT: return "not a recognised dump";
    case MEMSCAPE_ETRUNCATED: return "truncated";
    case MEMSCAPE_EOVERFLOW: return "offset or size overflows";
    case MEMSCAPE_ECORRUPT: return "corrupt field";
    case MEMSCAPE_ELIMIT: return "above a configured limit";
    case MEMSCAPE_EUNSUPPORTED: return "unsupported";
    }
    return "unknown error";
}
