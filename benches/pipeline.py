#!/usr/bin/env python3
"""Whole-pipeline benchmark: plansift vs pdftotext over 1,000 documents.

Copies the sample PDFs and HTML pages (../shared/samples when present, else
corpus/documents) to N documents (default 1,000), writes seed lists for all of
them and for the PDFs alone, then measures, in the same run:

- `plansift run` (extract, segment, classify, figures, write records, records.jsonl,
  run.json) over the PDFs and over all documents, with 1 and 2 threads;
- `pdftotext` (extraction alone, one process per file, as a user would script it)
  over the same PDFs, one at a time and two at a time.

Each measurement runs under `/usr/bin/time -v` (peak memory) and is repeated
(best wall time kept). Prints a table and checks the goals: plansift's whole
pipeline at least as fast as pdftotext over the PDFs, peak memory under 200 MB,
and 2 threads at least 1.7 times faster than 1.

    cargo build --release
    python3 benches/pipeline.py [--plansift target/release/plansift] [--documents 1000]
        [--repeat 3] [--shared ../shared] [--json results.json]

Needs GNU time (`apt-get install time`) and pdftotext (`apt-get install
poppler-utils`); without pdftotext the comparison is left out.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GNU_TIME = "/usr/bin/time"


def sources(shared):
    """The sample documents to copy: PDFs (hostile ones included, as a nightly run
    meets them) and plan pages."""
    samples = shared / "samples"
    if samples.is_dir():
        pdfs = sorted((samples / "pdf").glob("*.pdf"))
        pages = sorted(p for p in (samples / "html").glob("*.html") if p.name != "index.html")
    else:
        pdfs = sorted((ROOT / "corpus/documents").glob("*.pdf"))
        pages = sorted((ROOT / "corpus/documents").glob("*.html"))
    return pdfs, pages


def build_corpus(work, count, pdfs, pages):
    """Copies the sources round-robin to `count` documents; returns (all, pdfs)."""
    docs = work / "documents"
    docs.mkdir(parents=True)
    everything = pdfs + pages
    made = []
    for i in range(count):
        source = everything[i % len(everything)]
        target = docs / f"{i:04d}-{source.name}"
        shutil.copyfile(source, target)
        made.append(target)
    return made, [p for p in made if p.suffix == ".pdf"]


def write_seeds(path, documents):
    with open(path, "w") as out:
        out.write("id,name,url\n")
        for doc in documents:
            slug = re.sub(r"[^a-z0-9]+", "-", doc.stem.lower()).strip("-")
            out.write(f"c{slug},Council {slug},{doc}\n")


def timed(command, env=None):
    """Runs `command` under GNU time; returns (wall seconds, peak RSS in MB, exit code)."""
    started = time.perf_counter()
    done = subprocess.run(
        [GNU_TIME, "-v"] + command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - started
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    peak = int(match.group(1)) / 1024 if match else float("nan")
    return wall, peak, done.returncode, done.stderr


def best_of(repeat, measure):
    runs = [measure() for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2]


def plansift_run(plansift, seeds, work, threads, repeat):
    out = work / f"out-{seeds.stem}-{threads}"
    cache = work / "cache"

    def once():
        shutil.rmtree(out, ignore_errors=True)
        wall, peak, code, stderr = timed(
            [str(plansift), "run", "--quiet", "--seeds", str(seeds), "--out", str(out), "--cache", str(cache),
             "--threads", str(threads)]
        )
        if code not in (0, 1):
            sys.exit(f"plansift failed ({code}):\n{stderr}")
        return wall, peak, code

    wall, peak, code = best_of(repeat, once)
    report = json.loads((out / "run.json").read_text())
    return {"wall": wall, "peak_mb": peak, "exit": code, "ok": report["totals"]["ok"],
            "failed": report["totals"]["failed"]}


def pdftotext_run(pdfs, work, parallel, repeat):
    """pdftotext over every PDF, `parallel` processes at a time (xargs -P)."""
    out = work / f"pdftotext-{parallel}"
    listing = work / "pdfs.txt"
    listing.write_text("".join(f"{p}\n" for p in pdfs))
    script = (
        f'mkdir -p "{out}"; '
        f'xargs -P {parallel} -I{{}} sh -c \'pdftotext -q "$1" "{out}/$(basename "$1").txt" || true\' _ {{}} < "{listing}"'
    )

    def once():
        shutil.rmtree(out, ignore_errors=True)
        wall, peak, code, _ = timed(["sh", "-c", script])
        return wall, peak, code

    wall, peak, _ = best_of(repeat, once)
    return {"wall": wall, "peak_mb": peak}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plansift", default=str(ROOT / "target/release/plansift"))
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shared", default=os.environ.get("PLANSIFT_SHARED", str(ROOT.parent / "shared")))
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()

    plansift = Path(args.plansift)
    if not plansift.is_file():
        sys.exit(f"{plansift} not found: run `cargo build --release` first")
    if not Path(GNU_TIME).is_file():
        sys.exit("GNU time is needed for peak memory: apt-get install time")
    has_pdftotext = shutil.which("pdftotext") is not None

    pdfs, pages = sources(Path(args.shared))
    work = Path(tempfile.mkdtemp(prefix="plansift-bench-"))
    try:
        documents, pdf_documents = build_corpus(work, args.documents, pdfs, pages)
        write_seeds(work / "all.csv", documents)
        write_seeds(work / "pdfs.csv", pdf_documents)
        mb_all = sum(p.stat().st_size for p in documents) / 1e6
        mb_pdf = sum(p.stat().st_size for p in pdf_documents) / 1e6
        print(f"corpus: {len(documents)} documents ({len(pdf_documents)} PDFs, "
              f"{len(documents) - len(pdf_documents)} HTML), {mb_all:.1f} MB; "
              f"from {len(pdfs)} PDFs and {len(pages)} pages; best of {args.repeat}")

        rows = []
        results = {}
        for label, seeds, count, mb in [("PDFs", work / "pdfs.csv", len(pdf_documents), mb_pdf),
                                        ("all", work / "all.csv", len(documents), mb_all)]:
            for threads in (1, 2):
                r = plansift_run(plansift, seeds, work, threads, args.repeat)
                results[f"plansift {label} {threads}"] = r
                rows.append((f"plansift run, {label}", threads, count, mb, r))
            if label == "PDFs" and has_pdftotext:
                for parallel in (1, 2):
                    r = pdftotext_run(pdf_documents, work, parallel, args.repeat)
                    results[f"pdftotext {parallel}"] = r
                    rows.append(("pdftotext, PDFs", parallel, count, mb, r))

        print()
        print("| what | threads | documents | MB | wall s | docs/s | MB/s | peak MB |")
        print("|---|---|---|---|---|---|---|---|")
        for what, threads, count, mb, r in rows:
            print(f"| {what} | {threads} | {count} | {mb:.1f} | {r['wall']:.2f} | {count / r['wall']:.0f} "
                  f"| {mb / r['wall']:.1f} | {r['peak_mb']:.0f} |")
        print()

        checks = []
        for label in ("PDFs", "all"):
            one, two = results[f"plansift {label} 1"], results[f"plansift {label} 2"]
            checks.append((f"2 threads vs 1 ({label}): {one['wall'] / two['wall']:.2f}x (goal >= 1.7)",
                           one["wall"] / two["wall"] >= 1.7))
            peak = max(one["peak_mb"], two["peak_mb"])
            checks.append((f"peak memory ({label}): {peak:.0f} MB (goal < 200)", peak < 200))
        if has_pdftotext:
            for threads in (1, 2):
                ours, theirs = results[f"plansift PDFs {threads}"], results[f"pdftotext {threads}"]
                checks.append((f"plansift whole pipeline vs pdftotext alone, {threads} at a time: "
                               f"{theirs['wall'] / ours['wall']:.2f}x as fast (goal >= 1)",
                               ours["wall"] <= theirs["wall"]))
        else:
            print("pdftotext not found: comparison left out (apt-get install poppler-utils)")
        for text, ok in checks:
            print(("PASS " if ok else "FAIL ") + text)
        if args.json:
            Path(args.json).write_text(json.dumps({"documents": len(documents), "pdfs": len(pdf_documents),
                                                   "mb_all": mb_all, "mb_pdf": mb_pdf, "results": results,
                                                   "checks": [{"check": t, "ok": ok} for t, ok in checks]},
                                                  indent=2))
        return 0 if all(ok for _, ok in checks) else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
