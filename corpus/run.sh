#!/usr/bin/env bash
# Runs the leak_audit engine over the pinned corpus of real crates
# (corpus/crates.toml): fetches them with cargo into corpus/crates/ if needed,
# then prints a table of files, times and findings per lint. Fails on any
# panic, any file the engine takes more than 100 ms on, or when the crates
# cannot be fetched. Extra arguments go to the runner (e.g. --only syn,lru).
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet --release -p leak_audit_corpus -- \
    --manifest corpus/crates.toml --dir corpus/crates "$@"
