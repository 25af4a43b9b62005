#!/usr/bin/env python3
"""Snippet F1 of plansift's HTML extractor on the trafilatura evaluation half in
../shared/realworld/html/trafilatura (third-party pages: read in place, never copied).

usage: python3 benches/html_trafilatura_f1.py [PLANSIFT_BINARY]
(PLANSIFT_SHARED overrides where the shared folder is; default: ../shared beside the repo)

Scoring as trafilatura's evaluation describes it: whitespace is collapsed in the
extracted text and in each snippet; a "with" snippet found is a TP, missing a FN; a
"without" snippet found is a FP, absent a TN; counts are summed over pages. A page that
fails to extract counts as empty. Also reports failures and pages slower than 5 s.
"""
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("PLANSIFT_SHARED", os.path.join(ROOT, "..", "shared"))
SET = os.path.join(SHARED, "realworld", "html", "trafilatura")


def collapse(text):
    return re.sub(r"\s+", " ", text or "").strip()


def extract(binary, path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    with tempfile.NamedTemporaryFile(suffix=".html") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            run = subprocess.run([binary, "extract", "--json", tmp.name], capture_output=True, timeout=60)
        except subprocess.TimeoutExpired:
            return None
    if run.returncode != 0:
        return None
    doc = json.loads(run.stdout)
    return "\n".join(b["text"] for b in doc["blocks"])


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "plansift")
    if not os.path.isdir(SET):
        print(f"skipped: {SET} is absent")
        return
    evaldata = json.load(open(os.path.join(SET, "evaldata.json"), encoding="utf-8"))
    tp = fn = fp = tn = 0
    failures, slow = [], []
    for key, entry in evaldata.items():
        path = os.path.join(SET, "pages", entry["file"] + ".gz")
        if not os.path.exists(path):
            continue
        start = time.monotonic()
        text = extract(binary, path)
        elapsed = time.monotonic() - start
        if elapsed > 5:
            slow.append((entry["file"], elapsed))
        if text is None:
            failures.append(entry["file"])
            text = ""
        text = collapse(text)
        for snippet in entry.get("with", []):
            if collapse(snippet) in text:
                tp += 1
            else:
                fn += 1
        for snippet in entry.get("without", []):
            if collapse(snippet) in text:
                fp += 1
            else:
                tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    accuracy = (tp + tn) / (tp + tn + fp + fn) if tp + tn + fp + fn else 0.0
    print(f"{len(evaldata)} pages  TP {tp} FN {fn} FP {fp} TN {tn}")
    print(f"plansift P {precision:.3f} R {recall:.3f} F1 {f1:.3f} accuracy {accuracy:.3f}")
    print(f"failures {len(failures)} {failures[:10]}  slow(>5s) {len(slow)} {slow[:5]}")


if __name__ == "__main__":
    main()
