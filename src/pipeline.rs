//! The whole job: seed list in, one record per council plus `records.jsonl` and
//! `run.json` out.
//!
//! Councils are processed in parallel (rayon). Each council is isolated: a failure
//! or even a panic while processing one costs that council its record for this run
//! and nothing else. Records are written atomically, so an interrupted run leaves
//! every record either as it was or complete.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use thiserror::Error;

use crate::atomic;
use crate::classify::{Classifier, UnitRef};
use crate::document::Document;
use crate::extract::{self, ExtractError, Input};
use crate::fetch::{self, FetchError, Fetched};
use crate::figures::{self, RulesError};
use crate::limits::Limits;
use crate::record::{Council, CouncilRecord, DocumentInfo, ParagraphRecord, Source, Summary, SCHEMA_VERSION};
use crate::seeds::{self, Seed, SeedError};
use crate::segment;

/// What a run is asked to do.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The seed list CSV.
    pub seeds: PathBuf,
    /// Folder for records, `records.jsonl` and `run.json`.
    pub out_dir: PathBuf,
    /// Per-document resource limits.
    pub limits: Limits,
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// The compiled classification rules.
    pub classifier: Arc<Classifier>,
}

/// Whether a council's record was produced in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The record was written.
    Ok,
    /// No record was written; `reason` says why.
    Failed,
}

/// Milliseconds spent in each stage for one council.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    /// Reading or downloading the documents.
    pub fetch_ms: u64,
    /// Extracting structured text.
    pub extract_ms: u64,
    /// Segmenting, classifying and writing.
    pub build_ms: u64,
    /// The whole council.
    pub total_ms: u64,
}

/// The outcome for one council, as written to `run.json`.
#[derive(Debug, Clone, Serialize)]
pub struct CouncilOutcome {
    /// The council's id.
    pub id: String,
    /// The council's name.
    pub name: String,
    /// Ok or failed.
    pub status: Status,
    /// Why it failed; `null` when ok.
    pub reason: Option<String>,
    /// The record file written, relative to the output folder.
    pub record: Option<String>,
    /// Units in the record.
    pub paragraphs: usize,
    /// Warnings in the record.
    pub warnings: usize,
    /// Time spent per stage.
    pub timings: Timings,
}

/// Counts over a run's councils.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    /// Councils in the seed list.
    pub councils: usize,
    /// Councils whose record was written.
    pub ok: usize,
    /// Councils that failed.
    pub failed: usize,
}

/// What `run.json` holds: the run's provenance and every council's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// The plansift version that ran.
    pub plansift_version: String,
    /// The record format version written.
    pub schema_version: String,
    /// The seed list used.
    pub seeds: String,
    /// Start time, RFC 3339 UTC.
    pub started_at: String,
    /// End time, RFC 3339 UTC.
    pub finished_at: String,
    /// Wall time of the run.
    pub elapsed_ms: u64,
    /// Counts of outcomes.
    pub totals: Totals,
    /// One entry per council, in seed-list order.
    pub councils: Vec<CouncilOutcome>,
}

/// A failure that stops the whole run (as opposed to one council).
#[derive(Debug, Error)]
pub enum RunError {
    /// The seed list is unreadable or invalid.
    #[error(transparent)]
    Seeds(#[from] SeedError),
    /// The output folder cannot be created or written.
    #[error("cannot write to output folder {path}: {source}")]
    Output {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Why one council has no record in this run.
#[derive(Debug, Error)]
pub enum CouncilError {
    /// A document could not be got.
    #[error("fetch failed: {0}")]
    Fetch(#[from] FetchError),
    /// A document could not be extracted.
    #[error("{url}: {source}")]
    Extract {
        /// The document's URL.
        url: String,
        /// What went wrong.
        source: ExtractError,
    },
    /// Extraction took longer than the per-document time limit.
    #[error("{url}: extraction exceeded the time limit of {seconds} s")]
    TimedOut {
        /// The document's URL.
        url: String,
        /// The limit.
        seconds: u64,
    },
    /// A bug: processing panicked. The message is kept for the report.
    #[error("internal error while processing {url}: {message}")]
    Panic {
        /// The document's URL.
        url: String,
        /// The panic message.
        message: String,
    },
    /// The embedded figure rules are unusable (a build defect, reported per council).
    #[error(transparent)]
    FigureRules(#[from] RulesError),
    /// The record could not be written.
    #[error("cannot write record {path}: {source}")]
    Write {
        /// The record path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Runs the whole job described by `options` and writes `run.json`.
///
/// Returns the report; a council failure is in the report, not an `Err`.
pub fn run(options: &RunOptions) -> Result<RunReport, RunError> {
    let started = Instant::now();
    let started_at = fetch::now_rfc3339();
    let seeds = seeds::read_seed_file(&options.seeds)?;
    let out_dir = &options.out_dir;
    std::fs::create_dir_all(out_dir).map_err(|source| RunError::Output { path: out_dir.clone(), source })?;

    let bar = progress_bar(seeds.len(), options.progress);
    let results: Vec<(CouncilOutcome, Option<CouncilRecord>)> = seeds
        .par_iter()
        .map(|seed| {
            let outcome = process_and_write(seed, options);
            bar.inc(1);
            outcome
        })
        .collect();
    bar.finish_and_clear();

    let mut lines = String::new();
    for record in results.iter().filter_map(|(_, record)| record.as_ref()) {
        lines.push_str(&record.to_json_line());
        lines.push('\n');
    }
    write_output(&out_dir.join("records.jsonl"), lines.as_bytes())?;

    let councils: Vec<CouncilOutcome> = results.into_iter().map(|(outcome, _)| outcome).collect();
    let ok = councils.iter().filter(|c| c.status == Status::Ok).count();
    let report = RunReport {
        plansift_version: env!("CARGO_PKG_VERSION").to_string(),
        schema_version: SCHEMA_VERSION.to_string(),
        seeds: options.seeds.display().to_string(),
        started_at,
        finished_at: fetch::now_rfc3339(),
        elapsed_ms: started.elapsed().as_millis() as u64,
        totals: Totals { councils: councils.len(), ok, failed: councils.len() - ok },
        councils,
    };
    let mut json = serde_json::to_string_pretty(&report).unwrap_or_default();
    json.push('\n');
    write_output(&out_dir.join("run.json"), json.as_bytes())?;
    Ok(report)
}

fn write_output(path: &Path, contents: &[u8]) -> Result<(), RunError> {
    atomic::write(path, contents).map_err(|source| RunError::Output { path: path.to_path_buf(), source })
}

fn progress_bar(len: usize, enabled: bool) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} councils {msg}")
    {
        bar.set_style(style);
    }
    bar
}

fn process_and_write(seed: &Seed, options: &RunOptions) -> (CouncilOutcome, Option<CouncilRecord>) {
    let started = Instant::now();
    let mut timings = Timings::default();
    let result = build_record(seed, &options.limits, &options.classifier, &mut timings).and_then(|record| {
        let file = format!("{}.json", seed.id);
        let path = options.out_dir.join(&file);
        atomic::write(&path, record.to_json_pretty().as_bytes())
            .map_err(|source| CouncilError::Write { path, source })?;
        Ok((file, record))
    });
    timings.total_ms = started.elapsed().as_millis() as u64;
    timings.build_ms = timings.total_ms.saturating_sub(timings.fetch_ms + timings.extract_ms);
    let mut outcome = CouncilOutcome {
        id: seed.id.clone(),
        name: seed.name.clone(),
        status: Status::Ok,
        reason: None,
        record: None,
        paragraphs: 0,
        warnings: 0,
        timings,
    };
    match result {
        Ok((file, record)) => {
            outcome.record = Some(file);
            outcome.paragraphs = record.paragraphs.len();
            outcome.warnings = record.warnings.len();
            (outcome, Some(record))
        }
        Err(error) => {
            outcome.status = Status::Failed;
            outcome.reason = Some(error.to_string());
            (outcome, None)
        }
    }
}

/// Fetches, extracts, segments and classifies one council's plan.
pub fn build_record(
    seed: &Seed,
    limits: &Limits,
    classifier: &Classifier,
    timings: &mut Timings,
) -> Result<CouncilRecord, CouncilError> {
    let mut fetched_parts = Vec::with_capacity(seed.locations.len());
    let mut documents = Vec::with_capacity(seed.locations.len());
    for location in &seed.locations {
        let clock = Instant::now();
        let fetched = fetch::fetch(location, limits.max_document_bytes, limits.time_per_document)?;
        timings.fetch_ms += clock.elapsed().as_millis() as u64;
        let clock = Instant::now();
        let (fetched, document) = extract_with_deadline(fetched, limits)?;
        timings.extract_ms += clock.elapsed().as_millis() as u64;
        fetched_parts.push(fetched);
        documents.push(document);
    }
    let units = segment::segment(&documents);
    let figures = figures::find_figures(&units)?;
    let first_fetch = &fetched_parts[0];
    let first_document = &documents[0];
    let refs: Vec<UnitRef<'_>> = units
        .iter()
        .map(|unit| UnitRef { id: &unit.id, text: &unit.text, kind: unit.kind, section: &unit.section })
        .collect();
    let labels = classifier.classify(&refs);
    let paragraphs: Vec<ParagraphRecord> =
        units.into_iter().zip(labels).map(|(unit, labels)| ParagraphRecord::new(unit, labels)).collect();
    let summary = Summary::of(&paragraphs, classifier.category_ids());
    let mut warnings = Vec::new();
    for document in &documents {
        warnings.extend(document.warnings.iter().cloned());
    }
    Ok(CouncilRecord {
        schema_version: SCHEMA_VERSION.to_string(),
        council: Council { id: seed.id.clone(), name: seed.name.clone() },
        source: source_of(first_fetch),
        document: DocumentInfo { title: first_document.title.clone(), pages: first_document.pages },
        paragraphs,
        figures,
        summary,
        warnings,
    })
}

fn source_of(fetched: &Fetched) -> Source {
    let input = input_of(fetched);
    Source {
        url: fetched.url.clone(),
        final_url: fetched.final_url.clone(),
        content_type: extract::detect_format(&input).mime_type().to_string(),
        sha256: fetched.sha256(),
        bytes: fetched.bytes.len() as u64,
        fetched_at: fetched.fetched_at.clone(),
    }
}

fn input_of(fetched: &Fetched) -> Input<'_> {
    Input { bytes: &fetched.bytes, content_type: fetched.content_type.as_deref(), name: Some(&fetched.final_url) }
}

/// Extracts `fetched` on a worker thread, giving up after the per-document time
/// limit; a panic in extraction becomes [`CouncilError::Panic`].
///
/// A timed-out worker is left to finish on its own: its result is dropped, and
/// the run goes on.
pub fn extract_with_deadline(fetched: Fetched, limits: &Limits) -> Result<(Fetched, Document), CouncilError> {
    let url = fetched.final_url.clone();
    let (sender, receiver) = mpsc::channel();
    let worker_limits = limits.clone();
    let spawned =
        std::thread::Builder::new().name(format!("extract {url}")).stack_size(16 * 1024 * 1024).spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                extract::extract(&input_of(&fetched), &worker_limits)
            }));
            let _ = sender.send((fetched, result));
        });
    if let Err(error) = spawned {
        return Err(CouncilError::Panic { url, message: format!("cannot start extraction thread: {error}") });
    }
    match receiver.recv_timeout(limits.time_per_document) {
        Ok((fetched, Ok(Ok(document)))) => Ok((fetched, document)),
        Ok((_, Ok(Err(source)))) => Err(CouncilError::Extract { url, source }),
        Ok((_, Err(panic))) => Err(CouncilError::Panic { url, message: panic_message(&panic) }),
        Err(_) => Err(CouncilError::TimedOut { url, seconds: limits.time_per_document.as_secs() }),
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}
