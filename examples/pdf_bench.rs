//! Times PDF extraction per file: `cargo run --release --example pdf_bench -- FILE...`.
//! Prints, per file, the best of 3 runs of glyph interpretation alone and of the
//! whole extraction (interpretation + layout), in milliseconds, and the totals.

use std::time::{Duration, Instant};

use plansift::extract::pdf::{extract, page_glyphs};
use plansift::limits::Limits;

fn best_of_three(mut run: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let limits = Limits::default();
    let (mut glyph_total, mut extract_total) = (Duration::ZERO, Duration::ZERO);
    for path in std::env::args().skip(1) {
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!("{path}: unreadable");
            continue;
        };
        let glyphs = best_of_three(|| {
            let _ = page_glyphs(&bytes, &limits);
        });
        let whole = best_of_three(|| {
            let _ = extract(&bytes, &limits);
        });
        glyph_total += glyphs;
        extract_total += whole;
        println!("{:>9.2} {:>9.2}  {path}", glyphs.as_secs_f64() * 1e3, whole.as_secs_f64() * 1e3);
    }
    println!(
        "{:>9.2} {:>9.2}  total ms (glyphs, extract)",
        glyph_total.as_secs_f64() * 1e3,
        extract_total.as_secs_f64() * 1e3
    );
}
