#!/usr/bin/env bash
# Recall and precision of clinpost's identifier findings (--select identifier: quasi-identifier
# findings weigh a whole post and are not PHI spans) on the PhysioNet deid dev half.
# usage: eval/physionet.sh [--min-recall R] [--min-precision P] [--show-missed N] [--show-false N]
# Needs ../shared/eval (the gold standard is evaluation data, never shipped) and a release build.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ev=${CLINPOST_EVAL_DIR:-$here/../shared/eval}
bin=${CLINPOST_BIN:-$here/target/release/clinpost}
out=$here/eval/out
mkdir -p "$out"
if [ ! -f "$ev/physionet-deid-dev.jsonl" ]; then
  echo "eval: $ev/physionet-deid-dev.jsonl not found (set CLINPOST_EVAL_DIR)" >&2
  exit 2
fi
[ -x "$bin" ] || cargo build --release -q -p clinpost --manifest-path "$here/Cargo.toml"
python3 - "$ev/physionet-deid-dev.jsonl" "$out/physionet-in.jsonl" <<'PY'
import json, sys
with open(sys.argv[2], "w") as f:
    for line in open(sys.argv[1]):
        o = json.loads(line)
        f.write(json.dumps({"id": o["id"], "text": o["text"]}) + "\n")
PY
"$bin" check --jsonl --select identifier --no-history "$out/physionet-in.jsonl" > "$out/physionet-pred.jsonl" || [ $? -eq 1 ]
python3 "$ev/score_deid.py" "$ev/physionet-deid-dev.jsonl" "$out/physionet-pred.jsonl" "$@"
