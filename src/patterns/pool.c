/* SPDX-License-Identifier: MIT */
/* Kernel pool patterns from a WinDbg log's !vm and !poolused (excessive-pool-usage, inconsistent-counters).
 * No detector yet: the group is registered so that its detectors can be added here alone. */
#include "patterns/detector.h"

const memscape_detector memscape_detectors_pool[] = {{NULL, NULL}};
const size_t memscape_detectors_pool_count = 0;
