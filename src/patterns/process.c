/* SPDX-License-Identifier: MIT */
/* Patterns of the process as a whole: its modules, threads, handles, comments (cloud-environment, wow64, embedded-comment, spiking-thread, handle-leak, truncated-dump, unloaded-modules, module-variety).
 * No detector yet: the group is registered so that its detectors can be added here alone. */
#include "patterns/detector.h"

const memscape_detector memscape_detectors_process[] = {{NULL, NULL}};
const size_t memscape_detectors_process_count = 0;
