#!/usr/bin/env python3
"""Pages per second of `plansift extract` and `pdftotext` over the same PDFs.

usage: python3 benches/pdf_speed.py [PLANSIFT_BINARY] [--repeat N]
       (PLANSIFT_SHARED overrides the ../shared location)

Runs both tools as processes, one file at a time, over the sample PDFs and the
real-world PDFs of the shared folder, best of N runs per file (default 3), and
reports total pages, total seconds, pages per second and the ratio. Pages are
counted by pdfinfo; files either tool fails on are left out of both totals.
"""
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("PLANSIFT_SHARED", os.path.join(ROOT, "..", "shared"))
args = [a for a in sys.argv[1:] if not a.startswith("--")]
BINARY = args[0] if args else os.path.join(ROOT, "target", "release", "plansift")
REPEAT = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3


def best_time(command):
    best = None
    for _ in range(REPEAT):
        start = time.perf_counter()
        run = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        elapsed = time.perf_counter() - start
        if run.returncode != 0:
            return None
        best = elapsed if best is None else min(best, elapsed)
    return best


def pages(path):
    run = subprocess.run(["pdfinfo", path], capture_output=True, text=True)
    for line in run.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def main():
    files = []
    for base in (os.path.join(SHARED, "samples", "pdf"), os.path.join(SHARED, "realworld", "pdf")):
        for folder, _, names in os.walk(base):
            files += [os.path.join(folder, n) for n in sorted(names) if n.lower().endswith(".pdf")]
    if not files:
        print(f"skipped: no PDFs under {SHARED}")
        return
    total_pages, ours, theirs, used = 0, 0.0, 0.0, 0
    for path in files:
        n = pages(path)
        a = best_time([BINARY, "extract", path])
        b = best_time(["pdftotext", "-q", path, "/dev/null"])
        if n is None or a is None or b is None:
            continue
        total_pages += n
        ours += a
        theirs += b
        used += 1
    print(f"{used} of {len(files)} files, {total_pages} pages (best of {REPEAT} per file)")
    print(f"plansift extract: {ours:7.2f} s  {total_pages / ours:8.1f} pages/s")
    print(f"pdftotext:        {theirs:7.2f} s  {total_pages / theirs:8.1f} pages/s")
    print(f"ratio (plansift pages/s / pdftotext pages/s): {theirs / ours:.2f}")


if __name__ == "__main__":
    main()
