/* SPDX-License-Identifier: MIT */
/* Patterns of the fault itself: where the faulting access went (stack-overflow, null-pointer, invalid-pointer).
 * No detector yet: the group is registered so that its detectors can be added here alone. */
#include "patterns/detector.h"

const memscape_detector memscape_detectors_faults[] = {{NULL, NULL}};
const size_t memscape_detectors_faults_count = 0;
