#!/usr/bin/env bash
# The risk model's simulation (issue 4): estimated k against the true count on synthetic
# populations drawn from the shipped tables. Prints the headline, fails when the share of planted
# posts (true count <= 100) estimated within a factor of 3 is under 80%, or when the committed
# eval/risk-sim/results.md is not what the current model produces.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
cargo run --release -q -p clinpost-risk --example risk_sim >"$out"
grep -m1 '^\*\*Planted posts' "$out" | tr -d '*'
share=$(grep -m1 '^\*\*Planted posts' "$out" | sed -E 's/.*within a factor of 3: ([0-9.]+) %.*/\1/')
if ! awk -v s="$share" 'BEGIN { exit !(s >= 80) }'; then
  echo "risk-sim: $share% within a factor of 3 is under the 80% bar"
  exit 1
fi
if ! diff -q "$out" eval/risk-sim/results.md >/dev/null; then
  echo "risk-sim: eval/risk-sim/results.md is stale; regenerate it:"
  echo "  cargo run --release -p clinpost-risk --example risk_sim > eval/risk-sim/results.md"
  exit 1
fi
echo "risk-sim: ok (eval/risk-sim/results.md is current)"
