#!/usr/bin/env python3
"""Main-text F1 of plansift's HTML extractor on the Article Extraction Benchmark half
in ../shared/realworld/html/aeb (third-party pages: read in place, never copied).

usage: python3 benches/html_aeb_f1.py [PLANSIFT_BINARY] [--worst N]
(PLANSIFT_SHARED overrides where the shared folder is; default: ../shared beside the repo)

Scoring as the benchmark describes it: tokens are `\\w+` matches; 4-token shingles are
counted as multisets; per page tp/fp/fn are normalised to sum to 1; precision and recall
are averaged over pages and F1 is computed from the two means. The reference systems'
published outputs for the same pages are scored the same way for comparison.
"""
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("PLANSIFT_SHARED", os.path.join(ROOT, "..", "shared"))
AEB = os.path.join(SHARED, "realworld", "html", "aeb")
TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text):
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + 4]) for i in range(max(len(tokens) - 3, 1 if tokens else 0)))


def page_scores(pred, true):
    p, t = shingles(pred), shingles(true)
    tp = sum((p & t).values())
    fp = sum(p.values()) - tp
    fn = sum(t.values()) - tp
    total = tp + fp + fn
    if total == 0:
        return 1.0, 1.0
    tp, fp, fn = tp / total, fp / total, fn / total
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def summary(per_page):
    precision = sum(p for p, _ in per_page.values()) / len(per_page)
    recall = sum(r for _, r in per_page.values()) / len(per_page)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def extract(binary, page_id):
    with gzip.open(os.path.join(AEB, "html", page_id + ".html.gz"), "rb") as f:
        data = f.read()
    with tempfile.NamedTemporaryFile(suffix=".html") as tmp:
        tmp.write(data)
        tmp.flush()
        run = subprocess.run([binary, "extract", "--json", tmp.name], capture_output=True, timeout=120)
    if run.returncode != 0:
        return ""
    doc = json.loads(run.stdout)
    return "\n".join(b["text"] for b in doc["blocks"])


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    worst = int(sys.argv[sys.argv.index("--worst") + 1]) if "--worst" in sys.argv else 0
    if worst:
        args = args[:-1] if args and args[-1] == str(worst) else args
    binary = args[0] if args else os.path.join(ROOT, "target", "release", "plansift")
    if not os.path.isdir(AEB):
        print(f"skipped: {AEB} is absent")
        return
    truth = json.load(open(os.path.join(AEB, "ground-truth.json"), encoding="utf-8"))
    ours = {pid: page_scores(extract(binary, pid), v["articleBody"]) for pid, v in truth.items()}
    rows = [("plansift", summary(ours))]
    refs = os.path.join(AEB, "reference-outputs")
    for name in sorted(os.listdir(refs)):
        out = json.load(open(os.path.join(refs, name), encoding="utf-8"))["output"]
        scores = {pid: page_scores(out.get(pid, {}).get("articleBody", ""), v["articleBody"]) for pid, v in truth.items()}
        rows.append((name[:-5], summary(scores)))
    print(f"{len(truth)} pages")
    for name, (p, r, f) in sorted(rows, key=lambda x: -x[1][2]):
        print(f"{name:16s} P {p:.3f} R {r:.3f} F1 {f:.3f}")
    for pid, (p, r) in sorted(ours.items(), key=lambda x: x[1][0] + x[1][1])[:worst]:
        print(f"  worst {pid} P {p:.2f} R {r:.2f} {truth[pid]['url']}")


if __name__ == "__main__":
    main()
