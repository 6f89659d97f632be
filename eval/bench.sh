#!/usr/bin/env bash
# Benchmarks for DESIGN §7's text budgets, kept short for a shared 2-core machine.
# usage: eval/bench.sh [--full]   (--full: criterion's default measurement times)
# Prints p50/p99/max for a 1 kB post, single-threaded MB/s on the dev corpus and CLI start-up
# (benches/latency.rs), what the re-identification model adds (crates/risk/benches/risk.rs),
# then criterion's means (benches/engine.rs).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
crit=(--warm-up-time 1 --measurement-time 3)
[ "${1:-}" = "--full" ] && crit=()
cargo build --release -q -p clinpost
cargo bench -q -p clinpost-rules --bench latency
cargo bench -q -p clinpost-risk --bench risk
cargo bench -q -p clinpost-rules --bench engine -- "${crit[@]}"
