#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The render benchmark (issue 3): how fast `memscape render` pictures a real ELF core compared
# with sha256sum reading the same file, and how much memory it takes.
#
# The issue's goals: every view faster than sha256sum over the same bytes; peak RSS under
# 300 MiB for a 4 GiB input. This script measures and prints; it never fails on a time and
# states each goal as met or not met from the figures it measured.
#
# Usage: bench/render.sh
#        BUILD_DIR=dir bench/render.sh   (default: build-bench, a release build made on demand)
#        RUNS=n bench/render.sh          (launches per command, median reported; default 3)
#
# It makes bench/out/render-1g.core and bench/out/render-4g.core (real cores from gcore, via
# make-big-core.sh; about 5 s and 25 s, 5 GiB of disk) if they are absent. The outputs go to a
# temporary folder that is removed at the end.
set -euo pipefail

me=render.sh
core_1g=bench/out/render-1g.core
core_4g=bench/out/render-4g.core
views=(bytes classes entropy regions modules pointers dump2picture)

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
echo "threads:       render uses one worker per CPU by default: $threads here"

[ -f "$core_1g" ] || SIZE_MIB=1024 bench/make-big-core.sh "$core_1g" >/dev/null
[ -f "$core_4g" ] || SIZE_MIB=4096 bench/make-big-core.sh "$core_4g" >/dev/null

# --- helpers --------------------------------------------------------------------------------------
# Drop FILE from the page cache (POSIX_FADV_DONTNEED through GNU dd's nocache flag; no root
# needed). Its pages must be clean for that, hence the sync of the file first.
drop_from_cache() {
    sync "$1"
    dd if="$1" iflag=nocache count=0 status=none
}

# row LABEL BYTES MEASUREMENT [REFERENCE_SECONDS]: one table line; the ratio is how many times
# faster than the reference (above 1: faster).
row() {
    local label=$1 bytes=$2 secs rss ratio="-"
    read -r secs rss <<<"$3"
    if [ "$secs" = failed ]; then
        printf '%-34s %s\n' "$label" "did not run: $rss"
        return
    fi
    [ -n "${4:-}" ] && ratio=$(awk -v r="$4" -v s="$secs" 'BEGIN { printf "%.2f", r / s }')
    printf '%-34s %9s %9s %12s %11s\n' "$label" "$secs" "$(mb_per_s "$bytes" "$secs")" \
        "$ratio" "$(mib "$rss")"
}
header() {
    printf '%-34s %9s %9s %12s %11s\n' "command" "seconds" "MB/s" "x sha256sum" "peak MiB"
}

# timed_render N CORE VIEW [OPTION...]: measure N launches of render of CORE's VIEW (-q: progress
# output would only add time).
timed_render() {
    local n=$1 core=$2 view=$3
    shift 3
    measure "$n" - "$memscape" render "$core" -o "$scratch/$view.png" --view "$view" -q "$@"
}

# --- 1 GiB core: every view against sha256sum -----------------------------------------------------
bytes_1g=$(file_bytes "$core_1g")
echo
echo "== 1 GiB core: $core_1g"
echo "file:          $bytes_1g bytes; $(present_bytes "$core_1g") bytes of memory contents"
# Warm: the comparison is about computing over the bytes, not about this disk, and sha256sum
# and every view then start from the same cache state.
cat "$core_1g" >/dev/null
echo "page cache:    warmed by reading the file once with cat; $(cached_share "$core_1g") cached"
echo "runs:          median wall time of $runs launches each (whole process); MB/s = file bytes"
echo "               / seconds; peak MiB = largest ru_maxrss of those launches"
echo
header
sha=$(measure "$runs" - sha256sum "$core_1g")
sha_s=${sha%% *}
row "sha256sum" "$bytes_1g" "$sha"
if command -v openssl >/dev/null 2>&1; then
    # Context only: OpenSSL uses the CPU's SHA instructions where coreutils 9.1 does not.
    row "openssl dgst -sha256 (context)" "$bytes_1g" \
        "$(measure "$runs" - openssl dgst -sha256 "$core_1g")" "$sha_s"
fi
slowest_view="" slowest_s=0 failed_views=""
for view in "${views[@]}"; do
    m=$(timed_render "$runs" "$core_1g" "$view")
    row "render --view $view" "$bytes_1g" "$m" "$sha_s"
    secs=${m%% *}
    if [ "$secs" = failed ]; then
        failed_views="$failed_views $view"
    elif awk -v a="$secs" -v b="$slowest_s" 'BEGIN { exit !(a > b) }'; then
        slowest_view=$view slowest_s=$secs
    fi
done
single=$(timed_render "$runs" "$core_1g" entropy --threads 1)
row "render --view entropy --threads 1" "$bytes_1g" "$single" "$sha_s"

# --- 4 GiB core: memory ---------------------------------------------------------------------------
bytes_4g=$(file_bytes "$core_4g")
echo
echo "== 4 GiB core: $core_4g"
echo "file:          $bytes_4g bytes; $(present_bytes "$core_4g") bytes of memory contents"
# A first run from disk shows the cold case the warm 1 GiB runs leave out; page cache is not
# part of the process's RSS either way.
drop_from_cache "$core_4g"
cached_before=$(cached_bytes "$core_4g")
echo "page cache:    dropped before the first run (dd iflag=nocache):" \
     "$(cached_share "$core_4g") cached then"
echo
header
cold=$(timed_render 1 "$core_4g" entropy)
row "render --view entropy (cold, 1 run)" "$bytes_4g" "$cold"
cached_after=$(cached_bytes "$core_4g")
case $cached_before$cached_after in
    *[!0-9]*) echo "  (fincore missing: whether the cold run read from disk is unknown)" ;;
    *) awk -v a="$cached_before" -v b="$cached_after" 'BEGIN {
           printf "  cold run: the file went from %.1f MiB to %.1f MiB in the page cache, so", \
                  a / 1048576, b / 1048576
           printf " it read about %.1f MiB from disk\n", (b - a) / 1048576 }' ;;
esac
max_rss_4g=0
for view in entropy classes; do
    m=$(timed_render "$runs" "$core_4g" "$view")
    row "render --view $view (warm)" "$bytes_4g" "$m"
    for r in "${cold#* }" "${m#* }"; do
        case $r in
            '' | *[!0-9]*) ;;
            *) if [ "$r" -gt "$max_rss_4g" ]; then max_rss_4g=$r; fi ;;
        esac
    done
done
d2p=$(timed_render 1 "$core_4g" dump2picture)
case $d2p in
    failed*) echo "render --view dump2picture: refused on this file: ${d2p#failed }" ;;
    *) row "render --view dump2picture (1 run)" "$bytes_4g" "$d2p" ;;
esac

# Memory should follow the pixels, not the bytes: the same 4 GiB at four picture sizes.
echo
echo "peak RSS by picture size, render --view entropy of the 4 GiB core (1 run each, warm):"
printf '%-34s %9s %9s %11s %14s\n' "size" "seconds" "MB/s" "peak MiB" "RSS B / pixel"
for side in 512 1024 2048 4096; do
    m=$(timed_render 1 "$core_4g" entropy --size "${side}x${side}")
    read -r secs rss <<<"$m"
    if [ "$secs" = failed ]; then
        printf '%-34s %s\n' "${side}x${side}" "did not run: $rss"
        continue
    fi
    printf '%-34s %9s %9s %11s %14s\n' "${side}x${side}" "$secs" "$(mb_per_s "$bytes_4g" "$secs")" \
        "$(mib "$rss")" "$(awk -v k="$rss" -v p="$((side * side))" \
                                'BEGIN { printf "%.1f", k * 1024 / p }')"
done

# --- the issue's goals, as measured facts ---------------------------------------------------------
echo
if [ -n "$failed_views" ]; then
    echo "goal NOT met: views that did not run on the 1 GiB core:$failed_views"
fi
if [ -n "$slowest_view" ]; then
    verdict=met
    if awk -v a="$slowest_s" -v b="$sha_s" 'BEGIN { exit !(a >= b) }'; then verdict="NOT met"; fi
    echo "goal $verdict: every view faster than sha256sum on the 1 GiB core" \
         "(slowest: $slowest_view, $slowest_s s, against sha256sum $sha_s s)"
fi
limit_kib=$((300 * 1024))
verdict=met
if [ "$max_rss_4g" -eq 0 ] || [ "$max_rss_4g" -ge "$limit_kib" ]; then verdict="NOT met"; fi
echo "goal $verdict: peak RSS under 300 MiB on the 4 GiB core" \
     "(largest, entropy and classes, cold and warm: $(mib "$max_rss_4g") MiB)"
