#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The first thing to run in a fresh clone: build memscape, make a real ELF core of a live sample
# process with gdb's gcore, and show what the core holds.
#
# Usage: samples/demo.sh            (from anywhere; works in the clone the script is in)
#        BUILD_DIR=build-x samples/demo.sh   to use another meson build directory
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-build}
cd "$root"

if [ ! -d "$build" ]; then
    meson setup "$build" >&2
fi
meson compile -C "$build" >&2

core=$(samples/make-core.sh samples/out/sample.core)
echo "+ $build/src/cli/memscape info $core" >&2
"$build/src/cli/memscape" info "$core"
