#!/usr/bin/env python3
"""Pages per second of `plansift extract`, `pdftotext` and MuPDF's `mutool draw -F txt`
over the same PDFs, side by side in one run.

usage: python3 benches/pdf_speed.py [PLANSIFT_BINARY] [--repeat N]
       (PLANSIFT_SHARED overrides the ../shared location)

Runs each tool as a process, one file at a time, over the sample PDFs and the
real-world PDFs of the shared folder, best of N runs per file (default 3), and
reports total pages, total seconds, pages per second and plansift's time as a
multiple of each other tool's. Pages are counted by pdfinfo; files any tool fails
on are left out of every total. mutool (Debian package mupdf-tools) is skipped,
saying so, where it is not installed.
"""
import shutil
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
    tools = {
        "plansift extract": lambda path: [BINARY, "extract", path],
        "pdftotext": lambda path: ["pdftotext", "-q", path, "/dev/null"],
    }
    if shutil.which("mutool"):
        tools["mutool draw -F txt"] = lambda path: ["mutool", "draw", "-q", "-F", "txt", "-o", "/dev/null", path]
    else:
        print("mutool not installed (apt-get install mupdf-tools): MuPDF left out")
    total_pages, used = 0, 0
    totals = {name: 0.0 for name in tools}
    for path in files:
        n = pages(path)
        times = {name: best_time(command(path)) for name, command in tools.items()}
        if n is None or any(t is None for t in times.values()):
            continue
        total_pages += n
        for name, t in times.items():
            totals[name] += t
        used += 1
    print(f"{used} of {len(files)} files, {total_pages} pages (best of {REPEAT} per file)")
    ours = totals["plansift extract"]
    for name, seconds in totals.items():
        ratio = "" if name == "plansift extract" else f"  plansift takes {ours / seconds:.2f}x its time"
        print(f"{name + ':':20} {seconds:7.2f} s  {total_pages / seconds:8.1f} pages/s{ratio}")


if __name__ == "__main__":
    main()
