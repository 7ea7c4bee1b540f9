#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds each (default 60), two at a time, on the nightly
# toolchain: `fuzz/run.sh 600`. New inputs that add coverage land in fuzz/corpus/<target>/;
# a crash lands in fuzz/artifacts/<target>/ and the run stops with its name. Each target's
# final line (executions, coverage) is collected in fuzz/last-run.txt for FUZZING.md.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
targets=(sse markdown sanitize config keys export search import)
if ! command -v cargo-fuzz >/dev/null; then
    cargo install cargo-fuzz --locked
fi
cargo +nightly fuzz build -O
mkdir -p logs
: > last-run.txt
run() {
    local target="$1"
    cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -print_final_stats=1 -max_len=65536 \
        > "logs/$target.log" 2>&1 || { echo "$target: CRASH, see fuzz/logs/$target.log"; return 1; }
    local execs
    execs=$(grep -E '^stat::number_of_executed_units' "logs/$target.log" | awk '{print $2}')
    echo "$target: ${execs:-?} executions in ${seconds} s" | tee -a last-run.txt
}
status=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
    run "${targets[i]}" & a=$!
    b=""
    if ((i + 1 < ${#targets[@]})); then run "${targets[i + 1]}" & b=$!; fi
    wait "$a" || status=1
    if [[ -n "$b" ]]; then wait "$b" || status=1; fi
done
exit "$status"
