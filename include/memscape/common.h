/* SPDX-License-Identifier: MIT */
/* Status codes, the error record and the export macro shared by every public header. */
#ifndef MEMSCAPE_COMMON_H
#define MEMSCAPE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(MEMSCAPE_BUILDING_SHARED)
#define MEMSCAPE_API __declspec(dllexport)
#elif defined(__GNUC__)
#define MEMSCAPE_API __attribute__((visibility("default")))
#else
#define MEMSCAPE_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum memscape_status {
    MEMSCAPE_OK = 0,
    MEMSCAPE_EINVAL,       /* a bad argument from the caller */
    MEMSCAPE_EIO,          /* the operating system refused (open, stat, mmap) */
    MEMSCAPE_ENOMEM,       /* an allocation failed */
    MEMSCAPE_EFORMAT,      /* not a recognised dump */
    MEMSCAPE_ETRUNCATED,   /* a structure runs past the end of the file */
    MEMSCAPE_EOVERFLOW,    /* an offset or size computation overflows */
    MEMSCAPE_ECORRUPT,     /* a field holds a value the format does not allow */
    MEMSCAPE_ELIMIT,       /* a count or size is above the configured limit */
    MEMSCAPE_EUNSUPPORTED  /* recognised but not handled (a format version, a feature) */
} memscape_status;

/** Marks "no byte offset applies" in memscape_error.offset and "no bytes in the file" in
 *  region and range file offsets. */
#define MEMSCAPE_NO_OFFSET UINT64_MAX

/** What failed and where. `msg` is one line without a newline; it names the structure and
 *  field and the values that were wrong. */
typedef struct memscape_error {
    memscape_status code;
    uint64_t offset;   /* byte offset in the input, or MEMSCAPE_NO_OFFSET */
    char msg[256];
} memscape_error;

/** A short, static description of a status code; never NULL. */
MEMSCAPE_API const char *memscape_strerror(memscape_status code);

/** The library version as "MAJOR.MINOR.PATCH"; never NULL. */
MEMSCAPE_API const char *memscape_version(void);

#ifdef __cplusplus
}
#endif

#endif /* MEMSCAPE_COMMON_H */
