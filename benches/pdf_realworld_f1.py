#!/usr/bin/env python3
"""Word F1 of plansift and pdftotext against the reference texts of the shared
real-world PDFs (the 17 files of ../shared/realworld/MANIFEST.tsv that have one).

usage: python3 benches/pdf_realworld_f1.py [PLANSIFT_BINARY]
       (PLANSIFT_SHARED overrides the ../shared location)

Both tools' text is scored the same way: NFKC, lowercase, curly quotes and dashes
folded, tokens are the `\\w+` matches (Unicode), then multiset matching of tokens
(precision = matched / output tokens, recall = matched / reference tokens).
plansift's text is `plansift extract` without its readable markers; pdftotext runs
in its default reading-order mode. Markdown references lose their markup (#, |, *,
table rules) and HTML references their tags before scoring. Where the manifest's
notes say a reference covers only the first page ("FIRST PAGE ONLY", "page 1",
`-p1`), both tools are scored on page 1 alone.
"""
import collections
import html
import html.parser
import os
import re
import subprocess
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("PLANSIFT_SHARED", os.path.join(ROOT, "..", "shared"))
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "plansift")
FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
TOKEN = re.compile(r"\w+", re.UNICODE)
FIRST_PAGE = re.compile(r"FIRST PAGE ONLY|\bpage 1\b|-p ?1\b", re.IGNORECASE)


def tokens(text):
    text = unicodedata.normalize("NFKC", text).translate(FOLD).lower()
    return collections.Counter(TOKEN.findall(text))


class _Text(html.parser.HTMLParser):
    """The text of an HTML page: tags, scripts and styles removed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style") and self.skip > 0

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def strip_html(text):
    parser = _Text()
    parser.feed(text)
    return html.unescape(" ".join(parser.parts))


def f1(output, reference):
    out, ref = tokens(output), tokens(reference)
    matched = sum((out & ref).values())
    p = matched / max(1, sum(out.values()))
    r = matched / max(1, sum(ref.values()))
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def strip_markdown(text):
    lines = []
    for line in text.splitlines():
        if re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", line):
            continue
        lines.append(re.sub(r"^\s*#+\s*|\*\*|\|", " ", line))
    return "\n".join(lines)


def plansift_text(path, last_page=None):
    run = subprocess.run([BINARY, "extract", path], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        return None, run.stderr.strip().splitlines()[-1] if run.stderr.strip() else f"exit {run.returncode}"
    lines = []
    for line in run.stdout.splitlines():
        page = re.fullmatch(r"--- page (\d+) ---", line)
        if page:
            if last_page is not None and int(page.group(1)) > last_page:
                break
            continue
        lines.append(re.sub(r"^(#+ |- |\| )", "", line))
    return "\n".join(lines), None


def pdftotext_text(path, last_page=None):
    pages = ["-l", str(last_page)] if last_page is not None else []
    run = subprocess.run(["pdftotext", *pages, path, "-"], capture_output=True, text=True, timeout=120)
    return (run.stdout, None) if run.returncode == 0 else (None, run.stderr.strip()[:80])


def main():
    manifest = os.path.join(SHARED, "realworld", "MANIFEST.tsv")
    if not os.path.exists(manifest):
        print(f"skipped: {manifest} is absent")
        return
    rows = []
    with open(manifest, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            if row.get("path", "").endswith(".pdf") and row.get("ground_truth"):
                rows.append(row)
    print(f"{'file':48} {'plansift':>9} {'pdftotext':>9}")
    totals = [0.0, 0.0]
    for row in rows:
        pdf = os.path.join(SHARED, "realworld", row["path"])
        truth_path = os.path.join(SHARED, "realworld", row["ground_truth"].split(" ; ")[0].split("#")[0])
        with open(truth_path, encoding="utf-8", errors="replace") as f:
            truth = f.read()
        if truth_path.endswith(".md"):
            truth = strip_markdown(truth)
        elif truth_path.endswith((".html", ".htm")):
            truth = strip_html(truth)
        last_page = 1 if FIRST_PAGE.search(row.get("notes", "")) else None
        scores = []
        for extract in (plansift_text, pdftotext_text):
            text, error = extract(pdf, last_page)
            scores.append(f1(text, truth) if text is not None else 0.0)
        totals = [t + s for t, s in zip(totals, scores)]
        scope = " (p1)" if last_page else ""
        print(f"{(os.path.basename(row['path'])[:43] + scope):48} {scores[0]:9.3f} {scores[1]:9.3f}")
    n = max(1, len(rows))
    print(f"{'mean over ' + str(len(rows)) + ' files':48} {totals[0] / n:9.3f} {totals[1] / n:9.3f}")


if __name__ == "__main__":
    main()
