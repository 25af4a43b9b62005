//! Runs every real-world PDF in `../shared/realworld/pdf` (third-party test files:
//! damaged, encrypted, CJK, Type3, cycles, odd dialects) through extraction. Each
//! must end as text, a warning, or a clear error, without a panic and in bounded
//! time. Skipped with a message when the shared directory is absent.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use plansift::document::Document;
use plansift::extract::{extract, Input};
use plansift::limits::Limits;

/// Wall-clock bound per file (debug build, shared 2-core CI machine).
const PER_FILE: Duration = Duration::from_secs(60);

fn pdf_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            pdf_files(&path, out);
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
            out.push(path);
        }
    }
}

#[test]
fn every_realworld_pdf_ends_in_text_warning_or_clear_error() {
    // PLANSIFT_SHARED lets a worktree elsewhere point at the shared data.
    let shared = std::env::var_os("PLANSIFT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let root = shared.join("realworld/pdf");
    if !root.is_dir() {
        println!("skipped: {} is absent", root.display());
        return;
    }
    let mut files = Vec::new();
    pdf_files(&root, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no PDFs under {}", root.display());

    let limits = Limits { time_per_document: Duration::from_secs(20), ..Limits::default() };
    let mut failures = Vec::new();
    let (mut with_text, mut warned, mut errors) = (0, 0, 0);
    for path in &files {
        let bytes = std::fs::read(path).expect("readable test file");
        let name = path.display().to_string();
        let (sender, receiver) = mpsc::channel();
        let thread_limits = limits.clone();
        let thread_name = name.clone();
        let started = Instant::now();
        std::thread::spawn(move || {
            let outcome = std::panic::catch_unwind(|| {
                let input = Input { bytes: &bytes, content_type: None, name: Some(&thread_name) };
                extract(&input, &thread_limits).map_err(|e| e.to_string())
            });
            let _ = sender.send(outcome);
        });
        match receiver.recv_timeout(PER_FILE) {
            Err(_) => failures.push(format!("{name}: no result within {PER_FILE:?}")),
            Ok(Err(_)) => failures.push(format!("{name}: panicked")),
            Ok(Ok(Ok(document))) => {
                let Document { blocks, warnings, .. } = &document;
                if !blocks.is_empty() {
                    with_text += 1;
                } else if !warnings.is_empty() {
                    warned += 1;
                } else {
                    failures.push(format!("{name}: Ok with neither text nor a warning"));
                }
                println!(
                    "ok    {:>6.2}s {} blocks, {} warnings  {name}",
                    started.elapsed().as_secs_f32(),
                    blocks.len(),
                    warnings.len()
                );
            }
            Ok(Ok(Err(message))) => {
                errors += 1;
                if message.trim().is_empty() {
                    failures.push(format!("{name}: error without a message"));
                }
                println!("error {:>6.2}s {message}  {name}", started.elapsed().as_secs_f32());
            }
        }
    }
    println!("{} files: {with_text} with text, {warned} warning only, {errors} errors", files.len());
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
}
