#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The open benchmark: how long memscape takes to open a 2 GiB ELF core, how much of the file it
# reads doing so, and how that compares with reference tools run on the same file here.
#
# Usage: bench/run.sh [CORE]       (default: bench/out/big.core, made by make-big-core.sh)
#        BUILD_DIR=dir bench/run.sh   (default: build-bench, a release build made on demand)
#        RUNS=n bench/run.sh          (opens timed in process; default 20)
#
# Everything it prints is a measurement; nothing here passes or fails on a time.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${BUILD_DIR:-build-bench}
core=${1:-bench/out/big.core}
runs=${RUNS:-20}
tool_runs=5     # process launches per reference tool (3 for gdb, which is slow)
me=run.sh

if [ ! -f "$build/build.ninja" ]; then
    echo "$me: setting up a release build in $build" >&2
    meson setup "$build" --buildtype=release -Dtests=disabled >/dev/null
fi
meson compile -C "$build" >/dev/null
[ -f "$core" ] || core=$(bench/make-big-core.sh "$core")

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
mem_gib=$(awk '/^MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)
echo "machine:       $(nproc) CPUs ($cpu), ${mem_gib} GiB RAM, Linux $(uname -r)"
buildtype=$(meson configure "$build" 2>/dev/null | awk '$1 == "buildtype" {print $2; exit}')
echo "build:         $build ($buildtype)"

bench_out=$("$build/bench/bench_open" --runs "$runs" --read-all "$core") || {
    echo "$me: bench_open could not open $core (see above)" >&2
    exit 1
}
echo "$bench_out" | grep -v '^median_open_seconds='
open_s=$(echo "$bench_out" | sed -n 's/^median_open_seconds=//p')

# Median wall time in seconds of RUNS launches of a command, or "failed".
median_of() {
    local n=$1 start end
    shift
    local times=()
    for _ in $(seq "$n"); do
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1 || { echo failed; return; }
        end=$(date +%s%N)
        times+=($((end - start)))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END {
        m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
        printf "%.4f", m / 1e9
    }'
}

read_whole_file() { cat "$1" >/dev/null; }
gdb_core_file() { gdb -batch -nx -ex "core-file $1" </dev/null; }

cli_s=$(median_of "$tool_runs" "$build/src/cli/memscape" info "$core")
readelf_s=$(median_of "$tool_runs" readelf -W -l -n "$core")
eu_s="not installed"
command -v eu-readelf >/dev/null 2>&1 && eu_s=$(median_of "$tool_runs" eu-readelf -n "$core")
gdb_s="not installed"
command -v gdb >/dev/null 2>&1 && gdb_s=$(median_of 3 gdb_core_file "$core")
cat_s=$(median_of 3 read_whole_file "$core")

# Ratios: to the memscape CLI (both sides pay a process launch) and to the in-process open.
ratio() {
    case $1 in
        [0-9]*) ;;
        *) echo "-"; return ;;
    esac
    case $2 in
        [0-9]*) awk -v a="$1" -v b="$2" 'BEGIN {
                    if (b <= 0) { print "-"; exit }
                    r = a / b
                    printf(r < 1 ? "%.4f" : r < 100 ? "%.1f" : "%.0f", r)
                }' ;;
        *) echo "-" ;;
    esac
}

echo
echo "Median wall time on $core, warm page cache; ratio = tool time / memscape time."
printf '%-46s %13s %12s %12s\n' "tool" "seconds" "x memscape" "x open()"
shown() {   # seconds to 4 significant places at most; words unchanged
    case $1 in
        [0-9]*) awk -v s="$1" 'BEGIN { printf(s < 0.001 ? "%.6f" : "%.4f", s) }' ;;
        *) echo "$1" ;;
    esac
}
row() {
    printf '%-46s %13s %12s %12s\n' "$1" "$(shown "$2")" "$(ratio "$2" "$cli_s")" \
        "$(ratio "$2" "$open_s")"
}
row "memscape_dump_open + walk (in process)" "$open_s"
row "memscape info (whole process)" "$cli_s"
row "readelf -W -l -n" "$readelf_s"
row "eu-readelf -n" "$eu_s"
row "gdb -batch -ex 'core-file'" "$gdb_s"
row "cat > /dev/null (reads every byte)" "$cat_s"
