#!/bin/sh
# Fills fuzz/corpus/<target>/ with starting inputs for the fuzz targets:
#   pdf    PDFs from corpus/documents, the tagged and untagged layout fixtures of
#          tests/layouts/out (structure trees to mutate) and, when present,
#          ../shared/samples/pdf
#          and ../shared/realworld/pdf; with qpdf installed, also each file's first
#          page with its streams uncompressed, so that mutations reach content
#          streams, fonts and CMaps instead of breaking compressed data
#   html   HTML from the same places (realworld pages are gzipped; only those up
#          to 64 KiB, as there are hundreds)
#   seeds  corpus/councils.csv and the fuzz regression inputs for seeds
#   rules  rules/*.toml, each behind the selector byte of its parser (see
#          fuzz/src/lib.rs); the others go behind every selector
# Every target also gets its own committed regression inputs from
# tests/fuzz-regressions/<target>/. Existing corpus files are kept: libFuzzer
# names files by content hash and the script does the same, so reruns add
# nothing twice.
#
# Usage: fuzz/seed-corpora.sh [SHARED_DIR]   (default: ../shared beside the checkout)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
shared=${1:-$root/../shared}
corpus=$root/fuzz/corpus
# Bigger inputs only slow every mutation down.
max_bytes=1048576

mkdir -p "$corpus/pdf" "$corpus/html" "$corpus/seeds" "$corpus/rules"

# add TARGET FILE [MAX]: copies FILE, when not empty and at most MAX bytes, into
# TARGET's corpus under its SHA-1 (as libFuzzer names files).
add() {
    size=$(wc -c <"$2")
    if [ "$size" -gt 0 ] && [ "$size" -le "${3:-$max_bytes}" ]; then
        name=$(sha1sum "$2" | cut -d' ' -f1)
        cp "$2" "$corpus/$1/$name"
    fi
}

# add_stdin TARGET [MAX]: as add, for bytes on standard input.
add_stdin() {
    tmp=$(mktemp)
    cat >"$tmp"
    add "$1" "$tmp" "${2:-$max_bytes}"
    rm -f "$tmp"
}

# add_pdf FILE: FILE and, when qpdf can make one, its first page uncompressed.
add_pdf() {
    add pdf "$1"
    if command -v qpdf >/dev/null; then
        tmp=$(mktemp)
        # Exit status 3 is "done, with warnings": damaged files are the interesting ones.
        qpdf --empty --pages "$1" 1 -- --qdf --object-streams=disable --compress-streams=n \
            --decode-level=generalized "$tmp" >/dev/null 2>&1 || true
        add pdf "$tmp" 131072
        rm -f "$tmp"
    fi
}

for file in "$root"/tests/layouts/out/*.pdf; do
    add_pdf "$file"
done
for file in "$root"/corpus/documents/*; do
    case $file in
        *.pdf) add_pdf "$file" ;;
        *.html | *.htm) add html "$file" ;;
    esac
done

add seeds "$root/corpus/councils.csv"

for file in "$root"/rules/*.toml; do
    case $(basename "$file") in
        classify.toml) selectors=0 ;;
        figures.toml) selectors=1 ;;
        pdf-layout.toml) selectors=2 ;;
        discovery.toml) selectors=3 ;;
        *) selectors="0 1 2 3" ;;
    esac
    for selector in $selectors; do
        { printf "\\$(printf '%03o' "$selector")"; cat "$file"; } | add_stdin rules
    done
done

for target in pdf html seeds rules; do
    if [ -d "$root/tests/fuzz-regressions/$target" ]; then
        for file in "$root/tests/fuzz-regressions/$target"/*; do
            [ -f "$file" ] && add "$target" "$file"
        done
    fi
done

if [ -d "$shared/samples" ]; then
    for file in "$shared"/samples/pdf/*.pdf; do
        [ -f "$file" ] && add_pdf "$file"
    done
    for file in "$shared"/samples/html/*.html; do
        [ -f "$file" ] && add html "$file"
    done
fi

if [ -d "$shared/realworld" ]; then
    find "$shared/realworld/pdf" -type f -name '*.pdf' | while read -r file; do
        add_pdf "$file"
    done
    find "$shared/realworld/html" -type f -name '*.html' | while read -r file; do
        add html "$file" 65536
    done
    find "$shared/realworld/html" -type f -name '*.html.gz' | while read -r file; do
        gzip -dc "$file" | add_stdin html 65536
    done
fi

for target in pdf html seeds rules; do
    echo "$target: $(find "$corpus/$target" -type f | wc -l) inputs"
done
