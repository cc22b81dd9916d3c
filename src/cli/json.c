/* SPDX-License-Identifier: MIT */
/* Placeholder: the JSON writer lands with `memscape info --json`. */
#include "cli.h"
