#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Build the libFuzzer targets (clang, ASan + UBSan) and run each for a short time, seeded from a
# temporary copy of the corpus folder for its format. Exits non-zero if a fuzzer finds a crash,
# a leak, a timeout or an out-of-memory input; the reproducer is kept under build-fuzz/runs/.
# The text parsers (palette, picture map, WinDbg log) are seeded from the tree and get half the
# time.
#   FUZZ_SECONDS  seconds per dump reader target (default 60)
#   FUZZ_TEXT_SECONDS  seconds per text parser target (default FUZZ_SECONDS / 2)
#   FUZZ_BUILD    build folder (default build-fuzz)
#   CORPUS_DIR    reference dumps (default ../shared/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
text_seconds="${FUZZ_TEXT_SECONDS:-$(( (seconds + 1) / 2 ))}"
build="${FUZZ_BUILD:-build-fuzz}"
corpus="$(realpath -m "${CORPUS_DIR:-../shared/corpus}")"

# libFuzzer ships in compiler-rt (Debian: libclang-rt-14-dev); check it links before building.
probe_dir="$(mktemp -d)"
trap 'rm -rf "$probe_dir"' EXIT
cat >"$probe_dir/probe.c" <<'PROBE'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }
PROBE
if ! clang -fsanitize=fuzzer "$probe_dir/probe.c" -o "$probe_dir/probe" 2>"$probe_dir/err"; then
    echo "fuzz: clang cannot link -fsanitize=fuzzer (install libclang-rt-14-dev):" >&2
    cat "$probe_dir/err" >&2
    exit 1
fi

# The fuzz targets live under tests/, which the top-level meson.build enters only when the
# cmocka tests are enabled; hence -Dtests=enabled.
options=(-Dfuzzing_engine=libfuzzer -Db_sanitize=address,undefined -Db_lundef=false
         -Dtests=enabled "-Dcorpus_dir=$corpus")
if [ -f "$build/build.ninja" ]; then
    CC=clang meson setup --reconfigure "$build" "${options[@]}" >/dev/null
else
    CC=clang meson setup "$build" "${options[@]}" >/dev/null
fi
ninja -C "$build" -j2 tests/fuzz/fuzz_minidump tests/fuzz/fuzz_elf_core tests/fuzz/fuzz_raw \
    tests/fuzz/fuzz_palette tests/fuzz/fuzz_map tests/fuzz/fuzz_windbg_log

# target : the corpus sub-folders and file patterns that seed it
declare -A seeds=(
    [minidump]="minidump/*.dmp"
    [elf_core]="elfcore/*.core"
    [raw]="minidump/*.dmp elfcore/*.core"
)
# The text parsers: seeds from the tree; the longest input each is worth (a palette above
# MEMSCAPE_PALETTE_MAX_BYTES = 65536 is refused unread; fuzz_map cuts at 1 MiB itself).
declare -A tree_seeds=(
    [palette]="palettes/*.txt tests/fuzz/seeds/palette/*"
    [map]="tests/fuzz/seeds/map/*"
    [windbg_log]="tests/fuzz/seeds/windbg_log/* tests/data/windbg-log-*"
)
declare -A max_len=([palette]=70000 [map]=1048576 [windbg_log]=262144)

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:quarantine_size_mb=16"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
failed=()
for target in minidump elf_core raw palette map windbg_log; do
    run="$build/runs/$target"
    rm -rf "$run"
    mkdir -p "$run/corpus"
    target_seconds="$seconds"
    if [ -n "${tree_seeds[$target]:-}" ]; then
        target_seconds="$text_seconds"
        for f in ${tree_seeds[$target]}; do
            [ -f "$f" ] && cp "$f" "$run/corpus/"
        done
    else
        for pattern in ${seeds[$target]}; do
            for f in "$corpus"/$pattern; do
                [ -f "$f" ] && cp "$f" "$run/corpus/"
            done
        done
        for dir in samples tests/data; do
            [ -d "$dir" ] && find "$dir" -type f ! -name '*.md' -exec cp {} "$run/corpus/" \;
        done
    fi
    count="$(find "$run/corpus" -type f | wc -l)"
    echo "fuzz: fuzz_$target for ${target_seconds}s from $count seeds"
    status=0
    "$build/tests/fuzz/fuzz_$target" "$run/corpus" \
        -max_total_time="$target_seconds" -max_len="${max_len[$target]:-1048576}" \
        -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix="$run/" -print_final_stats=1 >"$run/log.txt" 2>&1 || status=$?
    grep -E '^(Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)' "$run/log.txt" \
        | sed "s/^/fuzz: fuzz_$target: /" || true
    if [ "$status" -ne 0 ]; then
        echo "fuzz: fuzz_$target FAILED (exit $status); log: $run/log.txt" >&2
        grep -E 'ERROR|SUMMARY|Test unit written|fuzz:' "$run/log.txt" | head -20 >&2 || true
        failed+=("$target")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes in: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: no crash in ${seconds}s per dump reader, ${text_seconds}s per text parser"
