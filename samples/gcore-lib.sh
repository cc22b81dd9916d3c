# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Shared by samples/make-core.sh and bench/make-big-core.sh (sourced, not run): start-up and
# capture of a live process with gdb's gcore.

# wait_until_ready PID READY_FILE SECONDS: wait until the process has written "ready" to
# READY_FILE. Returns 1 (with a reason on stderr) if it exits first or the time runs out.
wait_until_ready() {
    local pid=$1 ready=$2 seconds=$3 tick
    for tick in $(seq $((seconds * 10))); do
        grep -q '^ready' "$ready" 2>/dev/null && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "process $pid exited before it was ready" >&2
            return 1
        fi
        sleep 0.1
    done
    : "$tick"
    grep -q '^ready' "$ready" && return 0
    echo "process $pid did not get ready within $seconds seconds" >&2
    return 1
}

# gcore_to PID OUT LOG: capture PID into exactly OUT. gcore itself writes PREFIX.PID; it is
# written next to OUT and renamed, so a failed capture never leaves a partial OUT. Returns 1
# (the tail of LOG on stderr) when gcore fails.
gcore_to() {
    local pid=$1 out=$2 log=$3 prefix="$2.gcore-tmp"
    rm -f "$prefix.$pid"
    if ! gcore -o "$prefix" "$pid" >"$log" 2>&1 || [ ! -s "$prefix.$pid" ]; then
        tail -n 5 "$log" >&2
        rm -f "$prefix.$pid"
        return 1
    fi
    mv -f "$prefix.$pid" "$out"
    rm -f "$log"
}
