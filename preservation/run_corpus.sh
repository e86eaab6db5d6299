#!/usr/bin/env bash
# Wraps the corpus crates in #[leak_audit] and runs their own unit tests,
# plain and annotated (see preservation/tests/corpus_modules.rs). The crates
# come from `bash corpus/run.sh`. Arguments: crate names to limit the run to.
# PRESERVATION_ONLINE=1 lets cargo fetch missing dev-dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d corpus/crates/src ]; then
    echo "no corpus: run 'bash corpus/run.sh' first" >&2
    exit 2
fi
if [ $# -gt 0 ]; then
    export PRESERVATION_CORPUS="$(IFS=,; echo "$*")"
fi
exec cargo test -p leak_audit_preservation --test corpus_modules -- --ignored --nocapture
