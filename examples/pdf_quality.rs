//! Measures PDF text extraction quality on the sample PDFs.
//!
//! For each text-bearing sample `NAME` it extracts `shared/samples/pdf/NAME.pdf`
//! (from its structure tree where it is tagged, else by layout; the "path" column),
//! concatenates the text of every block (headings included, furniture excluded),
//! and compares it with `shared/samples/text/NAME.txt`; it scores poppler's
//! `shared/samples/pdftotext/NAME.txt` the same way. Word F1 is computed by
//! [`plansift::extract::pdf::layout::quality::word_f1`]: NFKC + lowercase + quote
//! and dash folding, whitespace split, tokens trimmed of outer punctuation, and
//! multiset matching (Σ min counts). "order" is the longest common token
//! subsequence over the reference length. "F1 rend." and "pdftotext rend." score
//! against the rendered reference instead: the text without the lines that
//! `samples/src/NAME.src` tags `drop` (scrape artefacts the PDF does not show as
//! body text, e.g. Bromsgrove's in-text repeats of its running header).
//!
//! Run: `cargo run --release --example pdf_quality [SHARED_DIR] [--dump NAME]`
//! (SHARED_DIR defaults to `../shared` beside the crate). `--dump NAME` prints the
//! blocks of one sample, one per line, for inspection.

use std::path::PathBuf;
use std::time::Instant;

use plansift::extract::pdf::layout::{self, quality};
use plansift::limits::Limits;

/// The samples with a text layer, and the reference text each was made from.
const SAMPLES: [(&str, &str); 5] = [
    ("bromsgrove", "bromsgrove"),
    ("bromsgrove-encrypted", "bromsgrove"),
    ("ashfield", "ashfield"),
    ("ne-lincolnshire", "ne-lincolnshire"),
    ("peterborough", "peterborough"),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let mut dump: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--dump" {
            dump = args.get(i + 1).cloned();
            i += 2;
        } else {
            shared = PathBuf::from(&args[i]);
            i += 1;
        }
    }
    let samples = shared.join("samples");
    if !samples.is_dir() {
        eprintln!("pdf_quality: {} not found; nothing to measure", samples.display());
        return;
    }
    println!(
        "{:<22} {:>6} {:>6} {:>6} {:>6} {:>8} | {:>9} {:>6} {:>8} | {:>8} {:>6}",
        "file", "P", "R", "F1", "order", "F1 rend.", "pdftotext", "order", "F1 rend.", "ms", "path"
    );
    for (name, text_name) in SAMPLES {
        let pdf = match std::fs::read(samples.join(format!("pdf/{name}.pdf"))) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("{name}: {e}");
                continue;
            }
        };
        let reference = std::fs::read_to_string(samples.join(format!("text/{text_name}.txt"))).unwrap_or_default();
        let annotated = std::fs::read_to_string(samples.join(format!("src/{text_name}.src"))).unwrap_or_default();
        let rendered = quality::without_dropped(&reference, &annotated);
        let poppler = std::fs::read_to_string(samples.join(format!("pdftotext/{name}.txt"))).unwrap_or_default();
        let started = Instant::now();
        let out = match plansift::extract::pdf::extract(&pdf, &Limits::default()) {
            Ok(document) => document,
            Err(e) => {
                eprintln!("{name}: {e}");
                continue;
            }
        };
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let path = out.structure.map_or("-", |s| s.as_str());
        if dump.as_deref() == Some(name) {
            for block in &out.blocks {
                println!(
                    "[p{} {}{}] {}",
                    block.page.unwrap_or(0),
                    block.kind.as_str(),
                    block.level.map(|l| l.to_string()).unwrap_or_default(),
                    block.text
                );
            }
            if let Ok((pages, _)) = plansift::extract::pdf::page_glyphs(&pdf, &Limits::default()) {
                for line in &layout::layout(&pages).furniture {
                    println!("(layout furniture p{} {:?}) {}", line.page, line.reason, line.text);
                }
            }
        }
        let text: String = out.blocks.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("\n");
        let ours = quality::word_f1(&text, &reference);
        let theirs = quality::word_f1(&poppler, &reference);
        println!(
            "{:<22} {:>6.4} {:>6.4} {:>6.4} {:>6.4} {:>8.4} | {:>9.4} {:>6.4} {:>8.4} | {:>8.1} {:>6}",
            name,
            ours.precision,
            ours.recall,
            ours.f1,
            quality::in_order_ratio(&text, &reference),
            quality::word_f1(&text, &rendered).f1,
            theirs.f1,
            quality::in_order_ratio(&poppler, &reference),
            quality::word_f1(&poppler, &rendered).f1,
            ms,
            path
        );
    }
}
