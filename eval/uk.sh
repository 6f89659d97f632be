#!/usr/bin/env bash
# clinpost's UK evaluation suite: eval/uk/posts.md -> gold JSONL -> `clinpost check --jsonl` -> scores.
# usage: eval/uk.sh [--min-recall R] [--min-precision P] [--show-missed N] [--show-false N]
#
# Prints recall and precision (../shared/eval/score_deid.py, category-blind as for PhysioNet), then
# recall per gold kind (found by any identifier finding / by one of the same kind), then the
# issue's strict bar, which fails the run on any miss:
#   - every gold nhs-number (NHS, CHI, H&C), date-of-birth, hospital-number, phone, email,
#     postcode and address is wholly covered by identifier findings (nhs-number by one of its kind);
#   - no identifier finding touches an eponym, a checksum-failing number or an age under 90.
# Needs python3 and a release build (built here if missing).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ev=${CLINPOST_EVAL_DIR:-$here/../shared/eval}
bin=${CLINPOST_BIN:-$here/target/release/clinpost}
out=$here/eval/out
mkdir -p "$out"
[ -x "$bin" ] || cargo build --release -q -p clinpost --manifest-path "$here/Cargo.toml"

python3 "$here/eval/uk/to_jsonl.py" "$here/eval/uk/posts.md" "$out/uk-gold.jsonl" "$out/uk-in.jsonl" "$out/uk-controls.jsonl"
"$bin" check --jsonl --select identifier --no-history "$out/uk-in.jsonl" > "$out/uk-pred.jsonl" || [ $? -eq 1 ]

status=0
python3 "$ev/score_deid.py" "$out/uk-gold.jsonl" "$out/uk-pred.jsonl" "$@" || status=$?
python3 "$here/eval/uk/strict.py" "$out/uk-gold.jsonl" "$out/uk-controls.jsonl" "$out/uk-pred.jsonl" || status=$?
exit $status
