//! Classification throughput: the shipped rules over ~100 MB of units (the sample
//! plans' paragraphs repeated), on 1 and 2 threads. Extraction and segmentation
//! are done once, outside the timing.
//!
//! Run: `cargo bench --bench classify` (env `PLANSIFT_BENCH_MB` sets the size).
//! Inputs: `../shared/samples/text/*.txt` beside the crate when present, else the
//! committed corpus documents.

use std::path::{Path, PathBuf};
use std::time::Instant;

use plansift::classify::{Classifier, UnitRef};
use plansift::document::Document;
use plansift::extract::{self, Input};
use plansift::limits::Limits;
use plansift::segment::{self, Paragraph};

fn sample_documents() -> Vec<Document> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/samples/text");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&shared) {
        Ok(entries) => {
            entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "txt")).collect()
        }
        Err(_) => {
            println!("{} not found; using the committed corpus documents", shared.display());
            std::fs::read_dir(root.join("corpus/documents"))
                .map(|entries| entries.flatten().map(|e| e.path()).collect())
                .unwrap_or_default()
        }
    };
    files.sort();
    let limits = Limits::default();
    files
        .iter()
        .filter_map(|path| {
            let bytes = std::fs::read(path).ok()?;
            let name = path.to_string_lossy().to_string();
            let mut document =
                extract::extract(&Input { bytes: &bytes, content_type: None, name: Some(&name) }, &limits).ok()?;
            document.assign_sections();
            Some(document)
        })
        .collect()
}

fn main() {
    let target_mb: usize = std::env::var("PLANSIFT_BENCH_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    let documents = sample_documents();
    let base: Vec<Paragraph> = documents.iter().flat_map(|d| segment::segment(std::slice::from_ref(d))).collect();
    let base_bytes: usize = base.iter().map(|p| p.text.len()).sum();
    if base_bytes == 0 {
        println!("no sample text found; nothing to measure");
        return;
    }
    let copies = (target_mb * 1_000_000).div_ceil(base_bytes);
    let units: Vec<Paragraph> = (0..copies).flat_map(|_| base.iter().cloned()).collect();
    let bytes: usize = units.iter().map(|p| p.text.len()).sum();
    let refs: Vec<UnitRef<'_>> =
        units.iter().map(|u| UnitRef { id: &u.id, text: &u.text, kind: u.kind, section: &u.section }).collect();
    let clock = Instant::now();
    let classifier = match Classifier::builtin() {
        Ok(classifier) => classifier,
        Err(error) => {
            eprintln!("rules do not compile: {error}");
            std::process::exit(1);
        }
    };
    println!(
        "rules compiled in {:.1} ms; input {} units, {:.1} MB ({} copies of {} units)",
        clock.elapsed().as_secs_f64() * 1e3,
        units.len(),
        bytes as f64 / 1e6,
        copies,
        base.len()
    );
    let mut single = 0.0;
    for threads in [1usize, 2] {
        let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool,
            Err(error) => {
                eprintln!("cannot build a {threads}-thread pool: {error}");
                continue;
            }
        };
        let mut best = f64::MAX;
        let mut labelled = 0;
        for _ in 0..3 {
            let clock = Instant::now();
            let labels = pool.install(|| classifier.classify(&refs));
            best = best.min(clock.elapsed().as_secs_f64());
            labelled = labels.iter().filter(|l| !l.themes.is_empty()).count();
        }
        let mbps = bytes as f64 / 1e6 / best;
        if threads == 1 {
            single = mbps;
        }
        println!(
            "threads {threads}: best of 3 {:.3} s, {:.1} MB/s ({:.2}x one thread), {labelled} units labelled",
            best,
            mbps,
            mbps / single
        );
    }
}
