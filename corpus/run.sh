#!/usr/bin/env bash
# Runs the leak_audit engine over the pinned corpus of real crates
# (corpus/crates.toml): fetches them with cargo into corpus/crates/ if needed,
# prints a table of files, times and findings per lint, then each lint's
# precision and recall against the labels in corpus/labels.tsv. Fails on any
# panic, any file the engine takes more than 100 ms on, findings that differ
# from the snapshot corpus/findings.txt (the diff is printed), or when the
# crates cannot be fetched. Extra arguments go to the runner:
#   --only syn,lru   only these crates (compared with their lines of the snapshot)
#   --bless          write the findings into the snapshot instead of comparing
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet --release -p leak_audit_corpus -- \
    --manifest corpus/crates.toml --dir corpus/crates "$@"
