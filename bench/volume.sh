#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The volume benchmark (issue 4, item 7): how fast `memscape volume` folds a real 1 GiB ELF core
# into 256^3 voxels with all its arrays and writes it in each format ParaView reads, how much
# memory it takes and how many bytes it writes; sha256sum over the same file as a reference.
#
# The issue's goal: under 2 s for raw .vti. This script measures and prints; it never fails on
# a time and states the goal as met or not met from the figures it measured.
#
# Usage: bench/volume.sh
#        BUILD_DIR=dir bench/volume.sh   (default: build-bench, a release build made on demand)
#        RUNS=n bench/volume.sh          (launches per command, median reported; default 3)
#
# It makes bench/out/render-1g.core (the render benchmark's core, a real one from gcore via
# make-big-core.sh; about 5 s, 1 GiB of disk) if it is absent. The outputs go to a temporary
# folder (TMPDIR, default /tmp; about 360 MB at a time) that is removed at the end.
set -euo pipefail

me=volume.sh
core=bench/out/render-1g.core
side=256
goal_seconds=2

# The formats, one a line: "LABEL|EXTENSION|EXTRA OPTIONS".
formats=(
    ".vti (raw)|vti|"
    ".vti --compress|vti|--compress"
    ".pvti --pieces 2|pvti|--pieces 2"
    ".vtk|vtk|"
    ".hdf (VTKHDF)|hdf|"
    ".xdmf (+ .h5)|xdmf|"
)

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
echo "threads:       volume uses one worker per CPU by default: $threads here"
# Where the outputs land matters: tmpfs keeps them in memory, a disk file system in the page
# cache until writeback, which the timed process does not wait for (nothing is fsync'ed).
echo "output:        $scratch ($(stat -f -c %T "$scratch") file system)"

[ -f "$core" ] || SIZE_MIB=1024 bench/make-big-core.sh "$core" >/dev/null

# --- helpers --------------------------------------------------------------------------------------
# Bytes and count of the files under DIR (pieces and .h5 files included): "BYTES FILES".
written() {
    find "$1" -type f -printf '%s\n' | awk '{ b += $1; n++ } END { printf "%d %d\n", b, n }'
}

mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
ratio_to() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.2f", r / s }'; }

row_format='%-30s %9s %9s %12s %9s %11s %6s\n'
header() {
    # shellcheck disable=SC2059  # the format is ours
    printf "$row_format" "command" "seconds" "MB/s in" "x sha256sum" "peak MiB" "MB written" \
        "files"
}
markdown_rows=()

# row LABEL MEASUREMENT [DIR]: one table line (and one markdown line for a DIR run);
# MB/s in is the input file's bytes over the time, the ratio how many times faster than
# sha256sum (above 1: faster).
row() {
    local label=$1 secs rss out_bytes="-" files="-" out_mb="-" ratio="-"
    read -r secs rss <<<"$2"
    if [ "$secs" = failed ]; then
        printf '%-30s %s\n' "$label" "did not run: $rss"
        markdown_rows+=("| $label | did not run | | | | |")
        return
    fi
    if [ -n "${3:-}" ]; then
        read -r out_bytes files <<<"$(written "$3")"
        out_mb=$(mb "$out_bytes")
    fi
    [ -n "${sha_s:-}" ] && ratio=$(ratio_to "$sha_s" "$secs")
    # shellcheck disable=SC2059
    printf "$row_format" "$label" "$secs" "$(mb_per_s "$bytes_in" "$secs")" "$ratio" \
        "$(mib "$rss")" "$out_mb" "$files"
    [ -n "${3:-}" ] && markdown_rows+=("| $label | $secs | $(mib "$rss") | $out_mb |\
 $(mb_per_s "$bytes_in" "$secs") | $ratio |")
    return 0
}

# timed_volume N KEY EXT [OPTION...]: measure N launches of volume of the core into
# $scratch/KEY/volume.EXT (-q: progress output would only add time).
timed_volume() {
    local n=$1 key=$2 ext=$3
    shift 3
    measure "$n" "$scratch/$key" "$memscape" volume -q --dims "$side" \
        -o "$scratch/$key/volume.$ext" "$@" "$core"
}

# --- 1 GiB core: every format against sha256sum ---------------------------------------------------
bytes_in=$(file_bytes "$core")
echo
echo "== 1 GiB core: $core"
echo "file:          $bytes_in bytes; $(present_bytes "$core") bytes of memory contents"
# Warm: the figures are about computing and writing, not about reading this disk, and
# sha256sum and every format then start from the same cache state.
cat "$core" >/dev/null
echo "page cache:    warmed by reading the file once with cat; $(cached_share "$core") cached"
echo "volume:        ${side}x${side}x${side} voxels (--dims $side), default hilbert3d layout," \
     "all arrays"
echo "runs:          median wall time of $runs launches each (whole process); MB/s in = input"
echo "               file bytes / seconds; peak MiB = largest ru_maxrss of those launches;"
echo "               MB written = every file the last launch wrote (volume, pieces or .h5,"
echo "               .annotations.vtp, .paraview.py), in 10^6 bytes"
echo
header
sha=$(measure "$runs" "$scratch/sha256sum" sha256sum "$core")
sha_s=""
row "sha256sum" "$sha"
case $sha in failed*) ;; *) sha_s=${sha%% *} ;; esac

raw_s="" failed_formats=""
for entry in "${formats[@]}"; do
    IFS='|' read -r label ext extra <<<"$entry"
    key=$ext${extra:+-${extra//[^a-z0-9]/}}
    # shellcheck disable=SC2086  # extra holds whole options, split on purpose
    m=$(timed_volume "$runs" "$key" "$ext" $extra)
    row "$label" "$m" "$scratch/$key"
    rm -rf "${scratch:?}/$key"      # counted: keep at most one format's output on disk
    case $m in
        failed*) failed_formats="$failed_formats $label;" ;;
        *) [ "$ext$extra" = vti ] && raw_s=${m%% *} ;;
    esac
done
# What one core does, for the raw .vti of the goal.
m=$(timed_volume "$runs" vti-threads1 vti --threads 1)
row ".vti (raw) --threads 1" "$m" "$scratch/vti-threads1"
rm -rf "${scratch:?}/vti-threads1"

# --- a table for the README -----------------------------------------------------------------------
echo
echo "markdown ($(date +%F), $threads CPUs, RUNS=$runs):"
echo
echo "| format | seconds | peak RSS MiB | MB written | MB/s of input | x sha256sum |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${markdown_rows[@]}"
case $sha in
    failed*) ;;
    *) echo "| sha256sum (reference) | $sha_s | $(mib "${sha#* }") | - |" \
            "$(mb_per_s "$bytes_in" "$sha_s") | 1.00 |" ;;
esac

# --- the issue's goal, as a measured fact ---------------------------------------------------------
echo
if [ -n "$failed_formats" ]; then
    echo "NOT every format ran on the 1 GiB core:${failed_formats%;}"
fi
if [ -n "$raw_s" ]; then
    verdict=met
    if awk -v a="$raw_s" -v b="$goal_seconds" 'BEGIN { exit !(a >= b) }'; then
        verdict="NOT met"
    fi
    echo "goal $verdict: raw .vti of ${side}^3 voxels from the 1 GiB core under $goal_seconds s" \
         "($raw_s s)"
else
    echo "goal NOT met: raw .vti of ${side}^3 voxels from the 1 GiB core did not run"
fi
