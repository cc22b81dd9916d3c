#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The first thing to run in a fresh clone: build memscape, make a real ELF core of a live sample
# process with gdb's gcore, show what the core holds and which analysis patterns it shows, and
# picture it: an annotated poster and a volume for ParaView, in samples/out/.
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
memscape=$build/src/cli/memscape
run() {
    echo "+ $memscape $*" >&2
    "$memscape" "$@"
}
run info "$core"
echo
run patterns "$core"
run render "$core" --view regions --size 256x256 --annotate -q -o samples/out/sample-poster.png
run volume "$core" --dims 64 -q -o samples/out/sample.vti
echo
echo "pictures: samples/out/sample-poster.png, samples/out/sample.vti (open it in ParaView:"
echo "  pvpython samples/out/sample.paraview.py, or xvfb-run -a pvpython ... --screenshot F.png)"
