/* SPDX-License-Identifier: MIT */
/* Filling memscape_error. The library reports; only src/cli/ prints. */
#ifndef MEMSCAPE_ERROR_H
#define MEMSCAPE_ERROR_H

#include <stdarg.h>

#include "memscape/common.h"

#if defined(__GNUC__)
#define MEMSCAPE_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MEMSCAPE_PRINTF(f, a)
#endif

/** Fill err (when not NULL) with code, offset and a formatted one-line message; returns code. */
memscape_status memscape_fail(memscape_error *err, memscape_status code, uint64_t offset,
                              const char *fmt, ...) MEMSCAPE_PRINTF(4, 5);

#endif /* MEMSCAPE_ERROR_H */
