/* SPDX-License-Identifier: MIT */
/* Exception records found on thread stacks (multiple-exceptions, hidden-exception).
 * No detector yet: the group is registered so that its detectors can be added here alone. */
#include "patterns/detector.h"

const memscape_detector memscape_detectors_records[] = {{NULL, NULL}};
const size_t memscape_detectors_records_count = 0;
