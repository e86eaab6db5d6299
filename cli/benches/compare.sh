#!/usr/bin/env bash
# Times `cargo leak-audit` and `cargo check` side by side on the same
# generated 100k-line crate, with hyperfine.
#
#   cli/benches/compare.sh [DIR]     # DIR defaults to a fresh temporary directory; a relative DIR
#                                    # is taken from the current directory
#
# Needs hyperfine (`apt-get install hyperfine` or `cargo install hyperfine`).
# The results are written to DIR/results.md and printed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
workspace="$(cd "$here/../.." && pwd)"
dir="${1:-$(mktemp -d)}"
command -v hyperfine >/dev/null || { echo "error: hyperfine is not installed" >&2; exit 2; }
# Made absolute here, relative to where the script was started: the commands
# below run in the workspace, and `cargo bench` runs the bench in the package
# directory, where a relative DIR would name another folder.
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

cd "$workspace"
# The crate is written by the benchmark's own generator, so both measure the same code.
LEAK_AUDIT_BENCH_GENERATE="$dir/crate" cargo bench -q -p cargo-leak-audit --bench cli
cargo build -q --release -p cargo-leak-audit
target_dir="$(cargo metadata --no-deps --format-version 1 | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
audit="$target_dir/release/cargo-leak-audit"
lines="$(find "$dir/crate/src" -name '*.rs' -exec cat {} + | wc -l)"
echo "crate: $lines lines in $(find "$dir/crate/src" -name '*.rs' | wc -l) files; $(nproc) CPUs; $(uptime | sed 's/.*load/load/')"

manifest="$dir/crate/Cargo.toml"
check_target="$dir/check-target"
# Warm up cargo's own state (lock file, rustc version probe) before timing.
CARGO_TARGET_DIR="$check_target" cargo check -q --manifest-path "$manifest" 2>/dev/null

# One --prepare per command, in the order of the commands.
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-markdown "$dir/results.md" \
  --prepare "true" \
  --prepare "touch $dir/crate/src/lib.rs" \
  --prepare "rm -rf $check_target" \
  --command-name "cargo leak-audit" \
  --command-name "cargo check (after touching lib.rs)" \
  --command-name "cargo check (clean)" \
  "$audit leak-audit --manifest-path $manifest --message-format json > /dev/null" \
  "CARGO_TARGET_DIR=$check_target cargo check -q --manifest-path $manifest 2>/dev/null" \
  "CARGO_TARGET_DIR=$check_target cargo check -q --manifest-path $manifest 2>/dev/null"
cat "$dir/results.md"
