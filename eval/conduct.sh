#!/usr/bin/env bash
# Professional-conduct evaluation (issue 6): per-kind precision and recall of clinpost's conduct
# findings on the labelled posts in eval/conduct/posts.jsonl (written for clinpost: true cases and
# benign clinical controls per kind), and the false-alarm rate on the PhysioNet deid dev notes
# (conduct findings per 1,000 notes: clinical notes are not posts, but their words — PFO, brain
# stem death, drug seeking, "pt is hot" — are exactly the innocent twins the rules must skip).
#
# Post-level scoring: a post labelled K is caught when a finding of kind K is reported; any finding
# of kind K on a post not labelled K (a control or a post of another kind) is a false positive of K;
# a control is "left alone" when it gets no conduct finding at all.
# usage: eval/conduct.sh [--min-recall R] [--min-precision P] [--max-physionet N] [--show-errors]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ev=${CLINPOST_EVAL_DIR:-$here/../shared/eval}
bin=${CLINPOST_BIN:-$here/target/release/clinpost}
out=$here/eval/out
mkdir -p "$out"
[ -x "$bin" ] || cargo build --release -q -p clinpost --manifest-path "$here/Cargo.toml"
python3 - "$here/eval/conduct/posts.jsonl" "$out/conduct-in.jsonl" <<'PY'
import json, sys
with open(sys.argv[2], "w") as f:
    for line in open(sys.argv[1], encoding="utf-8"):
        o = json.loads(line)
        f.write(json.dumps({"id": o["id"], "text": o["text"], "context": o.get("context", {})}) + "\n")
PY
"$bin" check --jsonl --select conduct --no-history "$out/conduct-in.jsonl" > "$out/conduct-pred.jsonl" || [ $? -eq 1 ]
physionet_in=""
if [ -f "$ev/physionet-deid-dev.jsonl" ]; then
  python3 - "$ev/physionet-deid-dev.jsonl" "$out/conduct-physionet-in.jsonl" <<'PY'
import json, sys
with open(sys.argv[2], "w") as f:
    for line in open(sys.argv[1]):
        o = json.loads(line)
        f.write(json.dumps({"id": o["id"], "text": o["text"]}) + "\n")
PY
  "$bin" check --jsonl --select conduct --no-history "$out/conduct-physionet-in.jsonl" > "$out/conduct-physionet-pred.jsonl" || [ $? -eq 1 ]
  physionet_in="$out/conduct-physionet-pred.jsonl"
else
  echo "eval: $ev/physionet-deid-dev.jsonl not found; PhysioNet false-alarm rate skipped" >&2
fi
python3 - "$here/eval/conduct/posts.jsonl" "$out/conduct-pred.jsonl" "$physionet_in" "$@" <<'PY'
import json, sys
from collections import Counter, defaultdict
gold_path, pred_path, phys_path = sys.argv[1:4]
args = sys.argv[4:]
min_r = min_p = 0.0
max_phys = None
show = False
i = 0
while i < len(args):
    a = args[i]
    if a == "--min-recall": min_r = float(args[i + 1]); i += 2
    elif a == "--min-precision": min_p = float(args[i + 1]); i += 2
    elif a == "--max-physionet": max_phys = float(args[i + 1]); i += 2
    elif a == "--show-errors": show = True; i += 1
    else: sys.exit(f"unknown argument {a}")
gold = [json.loads(l) for l in open(gold_path, encoding="utf-8")]
pred = {}
for l in open(pred_path, encoding="utf-8"):
    o = json.loads(l)
    pred[o["id"]] = {f["kind"] for f in o["findings"] if f["category"] == "conduct"}
kinds = sorted({g["label"] for g in gold if g["label"] != "control"})
tp, fn, fp = Counter(), Counter(), Counter()
errors = []
controls = [g for g in gold if g["label"] == "control"]
for g in gold:
    got = pred.get(g["id"], set())
    if g["label"] != "control":
        if g["label"] in got: tp[g["label"]] += 1
        else:
            fn[g["label"]] += 1; errors.append(("missed", g["id"], g["label"], g["text"]))
    for k in got:
        if k != g["label"]:
            fp[k] += 1; errors.append(("false", g["id"], k, g["text"]))
failed = []
print(f"{'kind':22} {'posts':>5} {'ctrl':>5} {'recall':>7} {'precision':>9}")
ctrl_n = Counter(g["for"] for g in controls)
for k in kinds:
    r = tp[k] / max(1, tp[k] + fn[k])
    p = tp[k] / max(1, tp[k] + fp[k])
    print(f"{k:22} {tp[k] + fn[k]:5} {ctrl_n[k]:5} {r:7.3f} {p:9.3f}")
    if r < min_r or p < min_p: failed.append(k)
left = sum(1 for g in controls if not pred.get(g["id"]))
print(f"controls left alone: {left}/{len(controls)}")
tot_tp, tot_fn, tot_fp = sum(tp.values()), sum(fn.values()), sum(fp.values())
print(f"overall: recall {tot_tp / max(1, tot_tp + tot_fn):.3f}, precision {tot_tp / max(1, tot_tp + tot_fp):.3f}")
if show:
    for e in errors: print("  %-6s %-28s %-22s %s" % e)
if phys_path:
    n = 0; c = Counter()
    for l in open(phys_path):
        o = json.loads(l); n += 1
        for f in o["findings"]:
            if f["category"] == "conduct": c[f["kind"]] += 1
    rate = 1000 * sum(c.values()) / max(1, n)
    detail = ", ".join(f"{k} {v}" for k, v in c.most_common()) or "none"
    print(f"PhysioNet dev: {sum(c.values())} conduct findings in {n} notes = {rate:.2f} per 1,000 ({detail})")
    if max_phys is not None and rate > max_phys: failed.append("physionet")
if failed:
    print(f"conduct eval: below the floor: {', '.join(failed)}")
    sys.exit(1)
PY
