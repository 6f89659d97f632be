#!/usr/bin/env python3
"""Convert eval/uk/posts.md to gold JSONL in ../shared/eval's format.

usage: to_jsonl.py POSTS.md GOLD.jsonl INPUT.jsonl CONTROLS.jsonl

GOLD lines:     {"id", "text", "gold": [[start, end, kind], ...], "also": [[start, end, kind], ...]}
INPUT lines:    {"id", "text"} (what `clinpost check --jsonl` reads)
CONTROLS lines: {"id", "controls": [[start, end, reason], ...]}
Offsets are UTF-8 byte offsets, end exclusive. Markup: [[text|kind]], [[text|kind?]], {{text|reason}}.
"""
import json, re, sys

MARK = re.compile(r"\[\[(.+?)\|([a-z-]+\??)\]\]|\{\{(.+?)\|([a-z-]+\??)\}\}")
KINDS = {"person-name", "nhs-number", "hospital-number", "date-of-birth", "date", "age", "phone",
         "email", "url", "social-handle", "address", "postcode", "location",
         "national-insurance-number", "other-id"}


def posts(path):
    pid, lines = None, []
    for line in open(path, encoding="utf-8"):
        if line.startswith("### "):
            if pid:
                yield pid, "".join(lines).strip("\n")
            pid, lines = line[4:].strip(), []
        elif pid:
            lines.append(line)
    if pid:
        yield pid, "".join(lines).strip("\n")


def parse(pid, marked):
    text, gold, also, controls = b"", [], [], []
    pos = 0
    for m in MARK.finditer(marked):
        text += marked[pos:m.start()].encode("utf-8")
        inner = m.group(1) if m.group(1) is not None else m.group(3)
        label = m.group(2) if m.group(1) is not None else m.group(4)
        s = len(text)
        text += inner.encode("utf-8")
        e = len(text)
        if m.group(1) is not None:
            kind = label.rstrip("?")
            if kind not in KINDS:
                sys.exit(f"{pid}: unknown kind '{kind}'")
            (also if label.endswith("?") else gold).append([s, e, kind])
        else:
            controls.append([s, e, label.rstrip("?")])
            if label == "checksum-labelled":
                also.append([s, e, "other-id"])
        pos = m.end()
    text += marked[pos:].encode("utf-8")
    t = text.decode("utf-8")
    if "[[" in t or "{{" in t or "]]" in t or "}}" in t:
        sys.exit(f"{pid}: unbalanced markup")
    return t, gold, also, controls


def main():
    src, gold_p, in_p, ctl_p = sys.argv[1:5]
    seen = set()
    with open(gold_p, "w", encoding="utf-8") as g, open(in_p, "w", encoding="utf-8") as i, \
            open(ctl_p, "w", encoding="utf-8") as c:
        for pid, marked in posts(src):
            if pid in seen:
                sys.exit(f"duplicate post id {pid}")
            seen.add(pid)
            text, gold, also, controls = parse(pid, marked)
            g.write(json.dumps({"id": pid, "text": text, "gold": gold, "also": also}, ensure_ascii=False) + "\n")
            i.write(json.dumps({"id": pid, "text": text}, ensure_ascii=False) + "\n")
            c.write(json.dumps({"id": pid, "controls": controls}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
