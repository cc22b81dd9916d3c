# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# What the benchmark scripts share (sourced by render.sh and volume.sh after they set `me`):
# the release build, the peak-RSS wrapper, a scratch folder removed at exit, the machine's
# description, and the helpers that measure and format.
#
# Sets: root (the checkout, also the working folder), build, runs, memscape, peak_rss, scratch,
# threads. Reads: BUILD_DIR (default build-bench), RUNS (default 3), TMPDIR.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
build=${BUILD_DIR:-build-bench}
runs=${RUNS:-3}

say() { echo "${me:?}: $*" >&2; }
case $runs in
    '' | *[!0-9]* | 0) say "RUNS must be a positive number"; exit 2 ;;
esac

if [ ! -f "$build/build.ninja" ]; then
    say "setting up a release build in $build"
    meson setup "$build" --buildtype=release -Dtests=disabled >/dev/null
fi
meson compile -C "$build" >/dev/null
memscape=$build/src/cli/memscape
# Our own wrapper rather than /usr/bin/time: it needs nothing but libc (see peak_rss.c).
peak_rss=$build/bench/peak_rss

scratch=$(mktemp -d "${TMPDIR:-/tmp}/memscape-${me%.sh}-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# --- the machine and the build --------------------------------------------------------------
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
mem_gib=$(awk '/^MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)
threads=$(nproc)
echo "machine:       $threads CPUs ($cpu), ${mem_gib} GiB RAM, Linux $(uname -r)"
buildtype=$(meson configure "$build" 2>/dev/null | awk '$1 == "buildtype" {print $2; exit}')
echo "build:         $build ($buildtype)"

# --- helpers --------------------------------------------------------------------------------
file_bytes() { stat -L -c %s "$1"; }

# Bytes of memory the core holds (its ranges with contents), from `memscape info`.
present_bytes() {
    "$memscape" info "$1" | sed -n 's/^Memory:.*(\([0-9]*\)) bytes$/\1/p'
}

# Bytes of FILE in the page cache; "unknown" without util-linux's fincore.
cached_bytes() {
    command -v fincore >/dev/null 2>&1 || { echo unknown; return; }
    local res
    res=$(fincore --bytes --noheadings --output RES "$1" 2>/dev/null) || { echo unknown; return; }
    echo "${res//[[:space:]]/}"     # fincore pads the figure to its column width
}

# "N% (B bytes)" of FILE in the page cache, or "unknown".
cached_share() {
    local res
    res=$(cached_bytes "$1")
    case $res in
        '' | *[!0-9]*) echo unknown ;;
        *) awk -v r="$res" -v s="$(file_bytes "$1")" \
               'BEGIN { printf "%.1f%% (%d bytes)", 100 * r / s, r }' ;;
    esac
}

# measure N DIR COMMAND...: launch COMMAND N times under peak_rss and print
# "MEDIAN_SECONDS MAX_RSS_KIB", or "failed MESSAGE" (the command's first error line). Unless
# DIR is "-", each launch starts with DIR emptied, so every launch creates its files and DIR
# holds what the last one wrote.
measure() {
    local n=$1 dir=$2 report="$scratch/report" errors="$scratch/errors" secs=() rss=0 r
    shift 2
    for _ in $(seq "$n"); do
        if [ "$dir" != - ]; then
            rm -rf "$dir"
            mkdir -p "$dir"
        fi
        if ! "$peak_rss" -o "$report" "$@" >/dev/null 2>"$errors"; then
            echo "failed $(grep -v '^$' "$errors" | head -n 1)"
            return
        fi
        secs+=("$(sed -n 's/^seconds=\([0-9.]*\) .*/\1/p' "$report")")
        r=$(sed -n 's/.* max_rss_kib=\([0-9]*\) .*/\1/p' "$report")
        if [ "$r" -gt "$rss" ]; then rss=$r; fi
    done
    printf '%s\n' "${secs[@]}" | sort -g | awk -v rss="$rss" '{ t[NR] = $1 } END {
        m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
        printf "%.4f %d\n", m, rss
    }'
}

# MB/s (10^6 bytes per second) of BYTES in SECONDS.
mb_per_s() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? b / s / 1e6 : 0) }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
