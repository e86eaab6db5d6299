#!/usr/bin/env bash
# A short fuzz run for CI: each target for FUZZ_SECONDS (default 30) seconds,
# starting from the kept corpus in fuzz/corpus/<target>/. New inputs go to a
# scratch folder, so the kept corpus only changes when someone runs
# `cargo +nightly fuzz cmin <target>` and commits the result.
# Skipped (exit 0, with the reason) without a nightly toolchain or cargo-fuzz.
# A crash fails the run; libFuzzer saves the input in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "fuzz: skipped: no nightly toolchain (rustup toolchain install nightly)"
    exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz: skipped: cargo-fuzz is not installed (cargo install cargo-fuzz)"
    exit 0
fi

seconds="${FUZZ_SECONDS:-30}"
# The main workspace's target dir holds stable-built artifacts; keep these apart.
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$PWD/target}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

for target in engine_source engine_items macro_expand; do
    mkdir -p "$scratch/$target"
    echo "fuzz: $target for ${seconds} s"
    status=0
    cargo +nightly fuzz run "$target" "$scratch/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$scratch/$target.log" 2>&1 || status=$?
    grep -E '^(stat::number_of_executed_units|Done |SUMMARY|==[0-9]+== ERROR)|panicked at' "$scratch/$target.log" || true
    if [ "$status" -ne 0 ]; then
        tail -n 40 "$scratch/$target.log"
        echo "fuzz: $target failed; a crashing input is saved in fuzz/artifacts/$target/"
        exit 1
    fi
done
echo "fuzz: no crash"
