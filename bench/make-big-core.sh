#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Make a big ELF core for bench/run.sh: by default a REAL 2 GiB core of a live process.
#
# Usage: bench/make-big-core.sh [OUT]      (default: bench/out/big.core)
#        SIZE_MIB=512 bench/make-big-core.sh   another size (MiB of process memory)
#        SYNTHETIC=1 bench/make-big-core.sh    skip gcore; write a synthetic core instead
#
# Builds bench/bigproc.c with cc, runs it (it maps and touches SIZE_MIB MiB in 16 mappings and
# starts 4 threads), captures it with gdb's gcore, and kills it. Where gcore is missing or
# cannot attach, it falls back to bench/synthcore.c, a synthetic core writer, and says so.
# Prints the path of the core on stdout; progress goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=samples/gcore-lib.sh
. "$here/../samples/gcore-lib.sh"
work="$here/out"
out=${1:-$work/big.core}
size_mib=${SIZE_MIB:-2048}
me=make-big-core.sh
cc=${CC:-cc}

say() { echo "$me: $*" >&2; }
fail() { say "$*"; exit 1; }

mkdir -p "$work" "$(dirname "$out")"
case $size_mib in
    '' | *[!0-9]*) fail "SIZE_MIB must be a number of MiB" ;;
esac

# The core needs SIZE_MIB MiB plus a little; gcore writes it next to OUT before renaming it.
need_kib=$(( (size_mib + 64) * 1024 ))
free_kib=$(df -Pk "$(dirname "$out")" | awk 'NR == 2 {print $4}')
[ "$free_kib" -ge "$need_kib" ] ||
    fail "not enough disk space: $((need_kib / 1024)) MiB needed in $(dirname "$out")," \
         "$((free_kib / 1024)) MiB free"

build() {   # build NAME: compile bench/NAME.c into bench/out/NAME unless it is up to date
    local src="$here/$1.c" bin="$work/$1"
    if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
        "$cc" -std=c17 -O2 -pthread -o "$bin" "$src" || fail "could not build $src"
    fi
}

synthetic() {
    say "writing a SYNTHETIC core ($1) of $size_mib MiB with bench/synthcore.c"
    build synthcore
    "$work/synthcore" "$out.tmp" "$size_mib" || fail "synthcore failed"
    mv -f "$out.tmp" "$out"
    say "wrote $out (synthetic; $(( $(stat -c %s "$out") / 1048576 )) MiB)"
    echo "$out"
    exit 0
}

[ "${SYNTHETIC:-0}" = 1 ] && synthetic "SYNTHETIC=1 was set"
command -v gcore >/dev/null 2>&1 || synthetic "gdb's gcore is not installed"
scope_file=/proc/sys/kernel/yama/ptrace_scope
if [ -r "$scope_file" ] && [ "$(cat "$scope_file")" -ge 3 ]; then
    synthetic "ptrace is disabled (kernel.yama.ptrace_scope=3)"
fi

build bigproc
ready="$work/bigproc.ready"
log="$work/gcore-big.log"
rm -f "$ready"
say "starting a process that maps and touches $size_mib MiB ..."
"$work/bigproc" "$size_mib" >"$ready" &
pid=$!
cleanup() {
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -f "$ready"
}
trap cleanup EXIT

wait_until_ready "$pid" "$ready" 60 || fail "bigproc did not get ready (out of memory?)"

say "capturing process $pid with gcore; writing $size_mib MiB takes a little while ..."
start=$(date +%s)
if ! gcore_to "$pid" "$out" "$log"; then
    cleanup
    trap - EXIT
    synthetic "gcore could not dump the process (log: $log)"
fi
say "wrote $out (REAL core from gcore; $(( $(stat -c %s "$out") / 1048576 )) MiB" \
    "in $(( $(date +%s) - start )) s)"
echo "$out"
