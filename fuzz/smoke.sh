#!/usr/bin/env bash
# A short run of every fuzz target (part of the test command). Long runs are recorded in
# README.md. One line per target: name and the seed directory under seeds/.
set -euo pipefail
cd "$(dirname "$0")"
# cargo-fuzz needs nightly flags (-Z sanitizer); RUSTC_BOOTSTRAP lets the stable toolchain accept them.
export RUSTC_BOOTSTRAP=1
RUNS=${FUZZ_SMOKE_RUNS:-20000}

smoke() {
    local target=$1
    local corpus="target/smoke-corpus/$target"
    mkdir -p "$corpus"
    cargo fuzz run "$target" "$corpus" "seeds/$target" -- -runs="$RUNS" -max_len=8192
}

smoke xml_reader
smoke xmr_parse
smoke bcert_parse
smoke acquire_response
smoke securedelete_response
smoke hds_mount
smoke records
