//! Throughput of figure finding: `cargo bench --bench figures`.
//!
//! Extracts the five sample plans of `corpus/documents` once, then finds their
//! figures repeatedly and prints characters per second and figures per run. A
//! second case times one long run-on paragraph dense with amounts, the shape that
//! would expose anything worse than linear.

use std::path::Path;
use std::time::Instant;

use plansift::extract::{self, Input};
use plansift::figures::FigureFinder;
use plansift::limits::Limits;
use plansift::segment::{self, Paragraph};

fn corpus_paragraphs() -> Vec<Paragraph> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/documents");
    let mut paths: Vec<_> = std::fs::read_dir(&folder)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    let mut paragraphs = Vec::new();
    for path in paths {
        let Ok(bytes) = std::fs::read(&path) else { continue };
        let name = path.display().to_string();
        let input = Input { bytes: &bytes, content_type: None, name: Some(&name) };
        if let Ok(document) = extract::extract(&input, &Limits::default()) {
            paragraphs.extend(segment::segment(&[document]));
        }
    }
    paragraphs
}

fn time(label: &str, paragraphs: &[Paragraph], runs: usize, finder: &FigureFinder) {
    let chars: usize = paragraphs.iter().map(|p| p.text.chars().count()).sum();
    let figures = finder.in_paragraphs(paragraphs).len();
    let started = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(finder.in_paragraphs(std::hint::black_box(paragraphs)));
    }
    let seconds = started.elapsed().as_secs_f64().max(1e-9);
    println!(
        "{label}: {} paragraphs, {chars} chars, {figures} figures; {:.2} ms per run, {:.1} M chars/s",
        paragraphs.len(),
        seconds * 1000.0 / runs as f64,
        (chars * runs) as f64 / seconds / 1e6
    );
}

fn main() {
    let finder = match FigureFinder::embedded() {
        Ok(finder) => finder,
        Err(error) => {
            eprintln!("figures bench: {error}");
            std::process::exit(2);
        }
    };
    let corpus = corpus_paragraphs();
    time("sample corpus", &corpus, 200, finder);
    let dense = Paragraph {
        id: "p1".into(),
        kind: plansift::document::BlockKind::Paragraph,
        text: "Our spend on agency staff rose by £1.2m (4.5%) and 31 agency workers, ".repeat(5_000),
        page: None,
        section: Vec::new(),
        part: 0,
    };
    time("run-on paragraph", std::slice::from_ref(&dense), 3, finder);
}
