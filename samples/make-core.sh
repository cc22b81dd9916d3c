#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Make a real ELF core of a live process with gdb's gcore.
#
# Usage: samples/make-core.sh [OUT]        (default: samples/out/sample.core)
#
# Builds samples/sample_process.c with cc (no meson needed), runs it, waits until it says it is
# ready (threads named, heap filled, files mapped), captures it with `gcore`, kills it, and
# prints the path of the core on stdout. Everything else goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=samples/gcore-lib.sh
. "$here/gcore-lib.sh"
work="$here/out"
out=${1:-$work/sample.core}
me=make-core.sh

fail() {
    echo "$me: $*" >&2
    exit 1
}

command -v gcore >/dev/null 2>&1 ||
    fail "gdb is not installed (gcore comes with it); install it, e.g. apt-get install gdb"

# Yama restricts ptrace, which gcore needs. Scope 1 (only ancestors may attach) is handled by the
# sample itself (prctl PR_SET_PTRACER); scope 2 needs CAP_SYS_PTRACE; scope 3 forbids attaching.
has_cap_sys_ptrace() {
    local capeff
    capeff=$(awk '/^CapEff:/ {print $2}' /proc/self/status 2>/dev/null || true)
    [ -n "$capeff" ] && (( (0x$capeff >> 19) & 1 ))   # CAP_SYS_PTRACE is capability 19
}
scope_file=/proc/sys/kernel/yama/ptrace_scope
if [ -r "$scope_file" ]; then
    scope=$(cat "$scope_file")
    if [ "$scope" -ge 3 ]; then
        fail "ptrace is disabled (kernel.yama.ptrace_scope=$scope), so gcore cannot attach"
    fi
    if [ "$scope" -eq 2 ] && ! has_cap_sys_ptrace; then
        fail "kernel.yama.ptrace_scope=2 lets only CAP_SYS_PTRACE attach; run as root" \
             "(in a container: --cap-add=SYS_PTRACE)"
    fi
fi

mkdir -p "$work" "$(dirname "$out")"
src="$here/sample_process.c"
bin="$work/sample_process"
if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
    echo "$me: building $bin" >&2
    "${CC:-cc}" -std=c17 -O0 -g -pthread -o "$bin" "$src" ||
        fail "could not build $src (is a C compiler installed?)"
fi

ready="$work/sample_process.ready"
log="$work/gcore.log"
rm -f "$ready"
"$bin" "$work" >"$ready" &
pid=$!
cleanup() {
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -f "$ready"
}
trap cleanup EXIT

wait_until_ready "$pid" "$ready" 10 || fail "the sample process did not get ready"

echo "$me: capturing process $pid with gcore" >&2
gcore_to "$pid" "$out" "$log" ||
    fail "gcore could not dump process $pid (full log: $log). If ptrace is denied in a" \
         "container, run it with --cap-add=SYS_PTRACE"

size=$(stat -c %s "$out")
echo "$me: wrote $out ($((size / 1024)) KiB; pid $pid, 5 threads, heap text, 2 mapped files)" >&2
echo "$out"
