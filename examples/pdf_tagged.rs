//! Tagged PDFs among the real-world sets: which path each PDF takes, and for the
//! tagged ones the word F1 against the reference text (where the set has one) and
//! the time of the tagged path beside the layout path.
//!
//! Every PDF under `SHARED/realworld/pdf` is extracted as `plansift extract` does
//! (the structure tree first); a PDF that took the tagged path is also laid out
//! from glyph positions alone, so the two can be compared. References are the
//! `ground_truth` files of `realworld/MANIFEST.tsv`, markdown markup removed, and
//! scored with [`plansift::extract::pdf::layout::quality::word_f1`].
//!
//! Run: `cargo run --release --example pdf_tagged [SHARED_DIR]`

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use plansift::document::Structure;
use plansift::extract::pdf::layout::{self, quality};
use plansift::limits::Limits;

/// Runs of each path timed, the best kept.
const RUNS: usize = 5;

fn main() {
    let shared = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"), PathBuf::from);
    let realworld = shared.join("realworld");
    let Ok(manifest) = std::fs::read_to_string(realworld.join("MANIFEST.tsv")) else {
        eprintln!("pdf_tagged: {} not found; nothing to measure", realworld.display());
        return;
    };
    let references: HashMap<String, String> = manifest
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.len() > 5 && !cols[5].is_empty()).then(|| (cols[0].to_string(), cols[5].to_string()))
        })
        .collect();
    let mut pdfs = Vec::new();
    collect(&realworld.join("pdf"), &mut pdfs);
    pdfs.sort();
    let limits = Limits::default();
    let (mut tagged, mut layout_only, mut failed) = (0, 0, 0);
    println!("{:<70} {:>8} {:>8} {:>9} {:>9}", "tagged PDF", "F1 tree", "F1 pos.", "ms tree", "ms pos.");
    for path in &pdfs {
        let Ok(bytes) = std::fs::read(path) else { continue };
        let Ok(document) = plansift::extract::pdf::extract(&bytes, &limits) else {
            failed += 1;
            continue;
        };
        if document.structure != Some(Structure::Tagged) {
            layout_only += 1;
            continue;
        }
        tagged += 1;
        let tree_ms = best_ms(|| {
            let _ = plansift::extract::pdf::extract(&bytes, &limits);
        });
        let positions = |bytes: &[u8]| {
            plansift::extract::pdf::page_glyphs(bytes, &limits).map(|(pages, _)| layout::layout(&pages).blocks)
        };
        let position_ms = best_ms(|| {
            let _ = positions(&bytes);
        });
        let name = path.strip_prefix(&realworld).unwrap_or(path).to_string_lossy().into_owned();
        let reference = references.get(&name).and_then(|r| std::fs::read_to_string(realworld.join(r)).ok());
        let score = |text: &str| reference.as_deref().map(|r| quality::word_f1(text, &strip_markdown(r)).f1);
        let tree_text = join(document.blocks.iter().map(|b| b.text.as_str()));
        let position_text =
            positions(&bytes).map(|blocks| join(blocks.iter().map(|b| b.text.as_str()))).unwrap_or_default();
        let show = |f: Option<f64>| f.map_or("-".to_string(), |f| format!("{f:.4}"));
        println!(
            "{:<70} {:>8} {:>8} {:>9.1} {:>9.1}",
            name,
            show(score(&tree_text)),
            show(score(&position_text)),
            tree_ms,
            position_ms
        );
    }
    println!("{} PDFs: {tagged} tagged path, {layout_only} layout path, {failed} refused", pdfs.len());
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
            out.push(path);
        }
    }
}

fn join<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    texts.collect::<Vec<_>>().join("\n")
}

fn best_ms(mut work: impl FnMut()) -> f64 {
    (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed().as_secs_f64() * 1000.0
        })
        .fold(f64::INFINITY, f64::min)
}

/// Markdown references without table rules, heading marks, emphasis and pipes.
fn strip_markdown(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim().chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) || l.trim().is_empty())
        .map(|l| l.trim_start().trim_start_matches('#').replace("**", " ").replace('|', " "))
        .collect::<Vec<_>>()
        .join("\n")
}
