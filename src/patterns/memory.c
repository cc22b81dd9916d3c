/* SPDX-License-Identifier: MIT */
/* Patterns read from memory contents (problem-vocabulary, execution-residue).
 * No detector yet: the group is registered so that its detectors can be added here alone. */
#include "patterns/detector.h"

const memscape_detector memscape_detectors_memory[] = {{NULL, NULL}};
const size_t memscape_detectors_memory_count = 0;
