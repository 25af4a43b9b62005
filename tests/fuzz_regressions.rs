//! Replays inputs through the fuzz targets' own entry points (`fuzz/src/lib.rs`):
//! every file in `tests/fuzz-regressions/<target>/` (minimised inputs that once
//! crashed, hung or ran out of memory) and the committed files the fuzz corpora are
//! seeded from (`corpus/`, `rules/`).
//!
//! As under the fuzzer, any panic fails, even one the library catches and turns
//! into an error, and so does an input that takes longer than [`TIME_BOUND`].

#[path = "../fuzz/src/lib.rs"]
mod entry;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

/// How long one input may take. The fuzzer's `-timeout` is 10 s for an optimised
/// build; this is an unoptimised test build, several times slower.
const TIME_BOUND: Duration = Duration::from_secs(30);

/// Worker threads are named with this prefix so the panic hook knows their panics
/// from those of the test harness.
const WORKER_PREFIX: &str = "fuzz-regression ";

/// The stack `pipeline::extract_with_deadline` gives extraction. The fuzzer runs on
/// the main thread's 8 MiB, but an unoptimised build needs more per call.
const WORKER_STACK: usize = 16 * 1024 * 1024;

type Entry = fn(&[u8]) -> Result<(), String>;

const TARGETS: [(&str, Entry); 4] =
    [("pdf", entry::pdf), ("html", entry::html), ("seeds", entry::seeds), ("rules", entry::rules)];

/// Panics seen on worker threads, by thread name, caught or not.
static PANICS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

fn record_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current().name().unwrap_or_default().to_string();
            if thread.starts_with(WORKER_PREFIX) {
                PANICS.lock().unwrap_or_else(|e| e.into_inner()).push((thread, info.to_string()));
            }
            previous(info);
        }));
    });
}

/// Runs `entry` on `path`'s bytes on a worker thread; `Err` describes a panic or a
/// timeout, `Ok` carries what the entry point returned.
fn replay(entry: Entry, path: &Path) -> Result<Result<(), String>, String> {
    record_panics();
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let name = format!("{WORKER_PREFIX}{}", path.display());
    let (sender, receiver) = mpsc::channel();
    let started = Instant::now();
    std::thread::Builder::new()
        .name(name.clone())
        .stack_size(WORKER_STACK)
        .spawn(move || {
            let _ = sender.send(entry(&bytes));
        })
        .map_err(|e| format!("cannot start a worker: {e}"))?;
    let outcome = receiver.recv_timeout(TIME_BOUND);
    let panics: Vec<String> = PANICS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|(thread, _)| *thread == name)
        .map(|(_, message)| message.clone())
        .collect();
    if !panics.is_empty() {
        return Err(format!("{}: panicked: {}", path.display(), panics.join("; ")));
    }
    match outcome {
        Ok(result) => Ok(result),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            Err(format!("{}: still running after {:?}", path.display(), started.elapsed()))
        }
        // The sender was dropped without sending: the worker died some other way.
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Err(format!("{}: the worker ended without a result", path.display()))
        }
    }
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn regression_inputs_come_back_without_panic_or_hang() {
    let mut failures = Vec::new();
    let mut replayed = 0;
    for (target, entry) in TARGETS {
        for path in files_in(&root().join("tests/fuzz-regressions").join(target)) {
            replayed += 1;
            if let Err(failure) = replay(entry, &path) {
                failures.push(failure);
            }
        }
    }
    assert!(failures.is_empty(), "{} of {replayed} regression inputs failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn committed_seed_files_are_accepted() {
    let mut cases: Vec<(Entry, PathBuf)> = Vec::new();
    for path in files_in(&root().join("corpus/documents")) {
        match path.extension().and_then(|e| e.to_str()) {
            Some("pdf") => cases.push((entry::pdf, path)),
            Some("html" | "htm") => cases.push((entry::html, path)),
            _ => {}
        }
    }
    cases.push((entry::seeds, root().join("corpus/councils.csv")));
    assert!(cases.len() > 3, "the committed corpus is missing: {cases:?}");
    let mut failures = Vec::new();
    for (entry, path) in &cases {
        match replay(*entry, path) {
            Ok(Ok(())) => {}
            Ok(Err(refused)) => failures.push(format!("{}: refused: {refused}", path.display())),
            Err(failure) => failures.push(failure),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Each rules file behind its parser's selector byte must be accepted; every rules
/// file behind every selector must come back.
#[test]
fn rules_files_parse_under_the_rules_target() {
    let own = [("classify.toml", 0u8), ("figures.toml", 1), ("pdf-layout.toml", 2), ("discovery.toml", 3)];
    let dir = root().join("rules");
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let mut failures = Vec::new();
    let files = files_in(&dir);
    assert!(files.len() >= own.len(), "rules/ is missing files: {files:?}");
    for path in files {
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let text = std::fs::read(&path).expect("rules file reads");
        for selector in 0..4u8 {
            let input = scratch.path().join(format!("{selector}-{file}"));
            let mut bytes = vec![selector];
            bytes.extend_from_slice(&text);
            std::fs::write(&input, bytes).expect("writes");
            let must_accept = own.contains(&(file.as_str(), selector));
            match replay(entry::rules, &input) {
                Ok(Err(refused)) if must_accept => failures.push(format!("{file} (selector {selector}): {refused}")),
                Ok(_) => {}
                Err(failure) => failures.push(failure),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
