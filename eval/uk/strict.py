#!/usr/bin/env python3
"""Per-kind recall on the UK gold and the issue's strict bar (exit 1 on any miss).

usage: strict.py GOLD.jsonl CONTROLS.jsonl PRED.jsonl
"""
import collections, json, sys

# Gold kinds that must be found, every one, wholly covered by identifier findings.
STRICT = {"nhs-number", "date-of-birth", "hospital-number", "phone", "email", "postcode", "address"}
# Kinds that must also be reported as themselves (a CHI number seen as a date is not good enough).
SAME_KIND = {"nhs-number"}
# Controls that no identifier finding may touch.
HARD_CONTROLS = {"eponym", "checksum", "checksum-labelled", "age"}
# Controls that may be reported as these kinds (a labelled checksum failure is `other-id`).
LABELLED_CONTROLS = {"checksum-labelled": {"other-id"}}


def load(path):
    return {o["id"]: o for o in map(json.loads, open(path, encoding="utf-8")) if o}


def covered(s, e, findings):
    """True when the union of findings covers [s, e) except whitespace and punctuation gaps."""
    pos = s
    for f in sorted(findings, key=lambda f: f["start"]):
        if f["end"] <= pos or f["start"] >= e:
            continue
        if f["start"] > pos:
            return False, pos
        pos = max(pos, f["end"])
        if pos >= e:
            return True, pos
    return pos >= e, pos


def main():
    gold, ctl, pred = (load(p) for p in sys.argv[1:4])
    tot, any_hit, kind_hit = collections.Counter(), collections.Counter(), collections.Counter()
    misses, touched, soft = [], [], collections.Counter()
    soft_tot = collections.Counter()
    for pid, o in gold.items():
        text = o["text"].encode("utf-8")
        found = [f for f in pred.get(pid, {}).get("findings", []) if f["category"] == "identifier"]
        for s, e, k in o["gold"]:
            tot[k] += 1
            over = [f for f in found if f["start"] < e and s < f["end"]]
            if over:
                any_hit[k] += 1
            if any(f["kind"] == k for f in over):
                kind_hit[k] += 1
            if k in STRICT:
                ok, _ = covered(s, e, found)
                if k in SAME_KIND and not any(f["kind"] == k for f in over):
                    ok = False
                if not ok:
                    got = ",".join(sorted({f["kind"] for f in over})) or "nothing"
                    misses.append((pid, k, text[s:e].decode(), got))
        for s, e, reason in ctl.get(pid, {}).get("controls", []):
            over = [f for f in found if f["start"] < e and s < f["end"]]
            if reason in LABELLED_CONTROLS:
                over = [f for f in over if f["kind"] not in LABELLED_CONTROLS[reason]]
            soft_tot[reason] += 1
            if over:
                soft[reason] += 1
                if reason in HARD_CONTROLS:
                    touched.append((pid, reason, text[s:e].decode(), ",".join(sorted({f["kind"] for f in over}))))
    print("UK recall by gold kind (any identifier / same kind):")
    for k, n in sorted(tot.items(), key=lambda kv: (-kv[1], kv[0])):
        mark = " *" if k in STRICT else ""
        print(f"  {k:26s} {any_hit[k]:4d}/{n:<4d} {any_hit[k]/n:.3f}   same kind {kind_hit[k]/n:.3f}{mark}")
    print("UK controls touched by an identifier finding (reason: touched/total):")
    for r, n in sorted(soft_tot.items()):
        mark = " *" if r in HARD_CONTROLS else ""
        print(f"  {r:26s} {soft[r]:4d}/{n:<4d}{mark}")
    for m in misses:
        print("STRICT MISS  %s  %s  %r  (found: %s)" % m)
    for t in touched:
        print("STRICT FALSE %s  %s  %r  (reported as: %s)" % t)
    n_strict = sum(tot[k] for k in STRICT)
    n_hard = sum(soft_tot[r] for r in HARD_CONTROLS)
    print(f"UK strict bar (* above): {n_strict - len(misses)}/{n_strict} required identifiers found, "
          f"{len(touched)}/{n_hard} eponym/checksum/age controls reported"
          + ("" if not misses and not touched else "  FAILED"))
    sys.exit(1 if misses or touched else 0)


if __name__ == "__main__":
    main()
