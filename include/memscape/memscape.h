/* SPDX-License-Identifier: MIT */
/* libmemscape: read memory dumps into one address-space model and picture it. Include this one
 * header. */
#ifndef MEMSCAPE_MEMSCAPE_H
#define MEMSCAPE_MEMSCAPE_H

#include "common.h"
#include "limits.h"
#include "space.h"
#include "dump.h"
#include "layout.h"
#include "grid.h"
#include "palette.h"
#include "picture.h"
#include "poster.h"
#include "volume.h"
#include "patterns.h"
#include "treemap.h"
#include "icons.h"

#endif /* MEMSCAPE_MEMSCAPE_H */
