/* SPDX-License-Identifier: MIT */
/* libmemscape: read memory dumps into one address-space model. Include this one header. */
#ifndef MEMSCAPE_MEMSCAPE_H
#define MEMSCAPE_MEMSCAPE_H

#include "common.h"
#include "limits.h"
#include "space.h"
#include "dump.h"

#endif /* MEMSCAPE_MEMSCAPE_H */
