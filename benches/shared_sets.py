#!/usr/bin/env python3
"""One `plansift run` over every file of the shared sample and real-world sets.

Writes a seed list naming each file of ../shared/samples/{pdf,html} and
../shared/realworld/{pdf,html} as its own council, runs plansift on it under
`/usr/bin/time -v`, and reports the wall time, peak memory, outcomes, and every
council that failed with a panic ("internal error") or a time limit: there must
be none.

    cargo build --release
    python3 benches/shared_sets.py [--plansift target/release/plansift] [--shared ../shared]
        [--time-limit 60s] [--threads N]
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plansift", default=str(ROOT / "target/release/plansift"))
    parser.add_argument("--shared", default=os.environ.get("PLANSIFT_SHARED", str(ROOT.parent / "shared")))
    parser.add_argument("--time-limit", default="60s")
    parser.add_argument("--threads", type=int)
    args = parser.parse_args()
    shared = Path(args.shared)
    folders = [shared / "samples/pdf", shared / "samples/html", shared / "realworld/pdf", shared / "realworld/html"]
    files = sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file())
    if not files:
        sys.exit(f"no files under {shared}/samples or {shared}/realworld")

    with tempfile.TemporaryDirectory(prefix="plansift-shared-") as work:
        work = Path(work)
        seeds = work / "seeds.csv"
        with open(seeds, "w") as out:
            out.write("id,name,url\n")
            for i, path in enumerate(files):
                out.write(f"f{i:04d},\"{path.relative_to(shared)}\",\"{path}\"\n")
        command = ["/usr/bin/time", "-v", args.plansift, "run", "--quiet", "--seeds", str(seeds),
                   "--out", str(work / "out"), "--cache", str(work / "cache"), "--time-limit", args.time_limit]
        if args.threads:
            command += ["--threads", str(args.threads)]
        started = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - started
        if done.returncode not in (0, 1):
            sys.exit(f"plansift stopped with {done.returncode}:\n{done.stderr}")
        peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)) / 1024
        report = json.loads((work / "out/run.json").read_text())

    size = sum(p.stat().st_size for p in files) / 1e6
    statuses = collections.Counter(c["status"] for c in report["councils"])
    print(f"{len(files)} files, {size:.1f} MB: wall {wall:.2f} s, peak memory {peak:.0f} MB, exit {done.returncode}")
    print("statuses:", dict(statuses))
    slowest = sorted(report["councils"], key=lambda c: -c["timings"]["total_ms"])[:3]
    print("slowest:", ", ".join(f"{c['name']} {c['timings']['total_ms']} ms" for c in slowest))
    bad = []
    for council in report["councils"]:
        reason = council["reason"] or ""
        if "internal error" in reason or "time limit" in reason:
            bad.append(council)
        if council["status"] == "failed":
            print(f"  failed: {council['name']}: {reason}")
    for council in bad:
        print(f"FAIL {council['name']}: {council['reason']}")
    print("PASS no panic, no time limit reached" if not bad else f"FAIL {len(bad)} panics or time-outs")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
