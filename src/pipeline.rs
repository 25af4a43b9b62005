//! The whole job: seed list in, one record per council plus `records.jsonl` and
//! `run.json` out.
//!
//! Two stages overlap: the fetch stage ([`Crawler`], async, polite per host) hands
//! each council's plan, as soon as it is fetched, to the build stage (rayon), which
//! extracts, classifies and writes the record. Each council is isolated: a failure
//! or even a panic while processing one costs that council this run's refresh and
//! nothing else. A council that fails keeps its last good record, marked stale; a
//! council whose documents are unchanged since the last run keeps its record as is.
//! Records are written atomically, so an interrupted run leaves every record either
//! as it was or complete.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use thiserror::Error;

use crate::atomic;
use crate::classify::{Classifier, UnitRef};
use crate::document::Document;
use crate::document::{Warning, WarningCode};
use crate::extract::{self, ExtractError, Input};
use crate::fetch::crawler::{CrawlOptions, Crawler, FetchedPlan};
use crate::fetch::{self, FetchError, Fetched};
use crate::figures::{self, RulesError};
use crate::limits::Limits;
use crate::record::{
    Council, CouncilRecord, DocumentInfo, Generator, ParagraphRecord, Source, SourcePart, Summary, SCHEMA_VERSION,
};
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
    /// How documents are fetched: politeness, timeouts, cache, offline.
    pub fetch: CrawlOptions,
    /// Rebuild every record even when its documents have not changed (after an
    /// upgrade of plansift's extraction or classification).
    pub rebuild: bool,
    /// Documents extracted and classified at once; `None` for one per CPU (or
    /// `RAYON_NUM_THREADS`).
    pub threads: Option<usize>,
}

/// What happened to a council in this run (`status` in `run.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The plan was fetched (or read from a local file) and the record built:
    /// there was no earlier record, or it was rebuilt from the same documents
    /// (`--rebuild`, another plansift version or rule set, a stale record).
    Fetched,
    /// The documents are byte for byte those the earlier record was built from
    /// (the server answered 304, or sent or held the same bytes), so the earlier
    /// record was kept without rebuilding it.
    NotModified,
    /// The documents differ from those the earlier record was built from; the
    /// record was rebuilt.
    Changed,
    /// This run could not produce a record; `reason` says why. An earlier record,
    /// if any, is kept and marked stale.
    Failed,
}

impl Status {
    /// True for every status but [`Status::Failed`].
    pub fn is_ok(self) -> bool {
        self != Status::Failed
    }
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
    /// Fetched, not_modified, changed or failed.
    pub status: Status,
    /// Why it failed; `null` otherwise.
    pub reason: Option<String>,
    /// True when the record is an earlier run's, kept because this run failed.
    pub stale: bool,
    /// The record file, relative to the output folder (`null` when there is none).
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
    /// Councils that did not fail (fetched + not_modified + changed).
    pub ok: usize,
    /// Councils fetched for the first time (or read from local files).
    pub fetched: usize,
    /// Councils whose documents had not changed.
    pub not_modified: usize,
    /// Councils whose documents changed.
    pub changed: usize,
    /// Councils that failed.
    pub failed: usize,
    /// Failed councils whose earlier record was kept, marked stale.
    pub stale: usize,
    /// HTTP requests sent (robots.txt and retries included).
    pub requests: u64,
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

/// The lock file in the output folder, held while a run writes there.
const LOCK_FILE: &str = ".plansift.lock";

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
    /// Another run holds the output folder.
    #[error("another plansift run is writing to {path}; wait for it to finish or choose another --out")]
    Busy {
        /// The output folder.
        path: PathBuf,
    },
    /// The build stage's threads could not be started.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    /// The fetch stage could not start.
    #[error("cannot start fetching: {0}")]
    Fetch(FetchError),
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
        /// The limit, in seconds.
        seconds: f64,
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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .thread_name(|i| format!("build-{i}"))
        .build()
        .map_err(|e| RunError::Threads(e.to_string()))?;
    pool.install(|| run_in_pool(options))
}

fn run_in_pool(options: &RunOptions) -> Result<RunReport, RunError> {
    let started = Instant::now();
    let started_at = fetch::now_rfc3339();
    let seeds = seeds::read_seed_file(&options.seeds)?;
    let out_dir = &options.out_dir;
    std::fs::create_dir_all(out_dir).map_err(|source| RunError::Output { path: out_dir.clone(), source })?;
    let _lock = lock_output(out_dir)?;
    atomic::remove_leftovers(out_dir).map_err(|source| RunError::Output { path: out_dir.clone(), source })?;

    let crawler = Crawler::new(options.fetch.clone()).map_err(RunError::Fetch)?;

    let bar = progress_bar(seeds.len(), options.progress);
    // The channel's bound keeps at most a few fetched plans waiting in memory.
    let (sender, receiver) = mpsc::sync_channel(options.fetch.concurrency.max(1));
    let (fetch_result, mut results) = std::thread::scope(|scope| {
        let fetcher = scope.spawn(|| {
            crawler.fetch_all(&seeds, move |index, plan, elapsed| {
                let _ = sender.send((index, plan, elapsed));
            })
        });
        let results: Vec<(usize, CouncilOutcome)> = receiver
            .into_iter()
            .par_bridge()
            .map(|(index, plan, elapsed)| {
                let outcome = process_and_write(&seeds[index], plan, elapsed, options);
                bar.inc(1);
                (index, outcome)
            })
            .collect();
        let fetch_result = fetcher.join().unwrap_or_else(|_| {
            Err(FetchError::Http { url: String::new(), message: "the fetch stage panicked".into() })
        });
        (fetch_result, results)
    });
    bar.finish_and_clear();
    fetch_result.map_err(RunError::Fetch)?;
    results.sort_by_key(|(index, _)| *index);
    let councils: Vec<CouncilOutcome> = results.into_iter().map(|(_, outcome)| outcome).collect();
    // Records were written without a disk flush each; one flush makes them all
    // durable before records.jsonl and run.json say they are there.
    atomic::sync_filesystem(out_dir).map_err(|source| RunError::Output { path: out_dir.clone(), source })?;
    write_records_jsonl(out_dir, &councils)?;

    let count = |status: Status| councils.iter().filter(|c| c.status == status).count();
    let totals = Totals {
        councils: councils.len(),
        ok: councils.iter().filter(|c| c.status.is_ok()).count(),
        fetched: count(Status::Fetched),
        not_modified: count(Status::NotModified),
        changed: count(Status::Changed),
        failed: count(Status::Failed),
        stale: councils.iter().filter(|c| c.stale).count(),
        requests: crawler.requests(),
    };
    let report = RunReport {
        plansift_version: env!("CARGO_PKG_VERSION").to_string(),
        schema_version: SCHEMA_VERSION.to_string(),
        seeds: options.seeds.display().to_string(),
        started_at,
        finished_at: fetch::now_rfc3339(),
        elapsed_ms: started.elapsed().as_millis() as u64,
        totals,
        councils,
    };
    let mut json = serde_json::to_string_pretty(&report).unwrap_or_default();
    json.push('\n');
    write_output(&out_dir.join("run.json"), json.as_bytes())?;
    Ok(report)
}

/// Takes the output folder for this run: a second run on the same folder at the
/// same time would interleave its records with this one's. The lock goes with the
/// process, however it ends.
fn lock_output(out_dir: &Path) -> Result<std::fs::File, RunError> {
    let path = out_dir.join(LOCK_FILE);
    let output_error = |source| RunError::Output { path: path.clone(), source };
    let file =
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(output_error)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(RunError::Busy { path: out_dir.to_path_buf() }),
        Err(std::fs::TryLockError::Error(source)) => Err(output_error(source)),
    }
}

/// Writes `records.jsonl`: every council's record file, in seed-list order, one
/// line each. Read back from the files, one at a time, so the lines are exactly
/// the records on disk and memory stays flat however many councils there are.
fn write_records_jsonl(out_dir: &Path, councils: &[CouncilOutcome]) -> Result<(), RunError> {
    let path = out_dir.join("records.jsonl");
    atomic::write_with(&path, |out| {
        for file in councils.iter().filter_map(|council| council.record.as_deref()) {
            let text = std::fs::read(out_dir.join(file))?;
            compact_json(&text, out)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })
    .map_err(|source| RunError::Output { path, source })
}

/// Writes JSON `text` without the whitespace between its tokens: for serde_json's
/// pretty output, the same bytes as its compact output. Every record file was
/// parsed or written by this run (under the folder's lock), so a byte scan does,
/// at a tenth of the cost of parsing and printing again.
fn compact_json(text: &[u8], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut in_string = false;
    let mut escaped = false;
    let mut run_start = 0;
    for (i, &byte) in text.iter().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if byte == b'"' {
            in_string = true;
        } else if matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
            out.write_all(&text[run_start..i])?;
            run_start = i + 1;
        }
    }
    out.write_all(&text[run_start..])
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

/// Turns one council's fetch result into its record and outcome: keeps the
/// earlier record when nothing changed, rebuilds it otherwise, and keeps it marked
/// stale when this run failed.
fn process_and_write(
    seed: &Seed,
    plan: Result<FetchedPlan, FetchError>,
    fetch_time: Duration,
    options: &RunOptions,
) -> CouncilOutcome {
    let started = Instant::now();
    let mut timings = Timings { fetch_ms: fetch_time.as_millis() as u64, ..Timings::default() };
    let file = format!("{}.json", seed.id);
    let path = options.out_dir.join(&file);
    let previous = read_previous_record(&path);
    let mut outcome = CouncilOutcome {
        id: seed.id.clone(),
        name: seed.name.clone(),
        status: Status::Fetched,
        reason: None,
        stale: false,
        record: None,
        paragraphs: 0,
        warnings: 0,
        timings: Timings::default(),
    };
    let result = plan.map_err(CouncilError::from).and_then(|plan| {
        let hashes = part_hashes(&plan);
        let recorded = previous.as_ref().map(recorded_hashes).unwrap_or_default();
        let generator = Generator::current(options.classifier.rules_sha256());
        let current =
            previous.as_ref().is_some_and(|record| is_current(record, &plan, &generator)) && recorded == hashes;
        if current && !options.rebuild {
            return Ok((Status::NotModified, None));
        }
        // A record that names no parts (another format, or damaged) tells nothing
        // of what changed: rebuilding it counts as a first fetch.
        let changed = !recorded.is_empty() && recorded != hashes;
        let url = plan.parts.first().map(|part| part.final_url.clone()).unwrap_or_default();
        let record = isolated(&url, || build_record(seed, plan, &options.limits, &options.classifier, &mut timings))?;
        atomic::write_unsynced(&path, record.to_json_pretty().as_bytes())
            .map_err(|source| CouncilError::Write { path: path.clone(), source })?;
        let status = if changed { Status::Changed } else { Status::Fetched };
        Ok((status, Some(record)))
    });
    match result {
        Ok((status, Some(record))) => {
            outcome.status = status;
            outcome.record = Some(file);
            outcome.paragraphs = record.paragraphs.len();
            outcome.warnings = record.warnings.len();
        }
        Ok((status, None)) => {
            outcome.status = status;
            if let Some(record) = previous {
                outcome.record = Some(file);
                count_record(&record, &mut outcome);
            }
        }
        Err(error) => {
            outcome.status = Status::Failed;
            outcome.reason = Some(error.to_string());
            if let Some(mut record) = previous {
                mark_stale(&mut record, &error.to_string());
                if let Ok(mut pretty) = serde_json::to_string_pretty(&record) {
                    pretty.push('\n');
                    // If the mark cannot be written, the earlier file stays as it was.
                    let _ = atomic::write(&path, pretty.as_bytes());
                }
                outcome.stale = true;
                outcome.record = Some(file);
                count_record(&record, &mut outcome);
            }
        }
    }
    timings.total_ms = started.elapsed().as_millis() as u64 + timings.fetch_ms;
    timings.build_ms = timings.total_ms.saturating_sub(timings.fetch_ms + timings.extract_ms);
    outcome.timings = timings;
    outcome
}

/// The record an earlier run wrote, as JSON: kept as a value (not a
/// [`CouncilRecord`]) so a record from another plansift version survives too.
fn read_previous_record(path: &Path) -> Option<serde_json::Value> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice::<serde_json::Value>(&bytes).ok().filter(serde_json::Value::is_object)
}

fn is_stale(record: &serde_json::Value) -> bool {
    record["warnings"].as_array().is_some_and(|warnings| warnings.iter().any(|w| w["code"] == "stale"))
}

/// Each part's final URL and SHA-256, in order.
fn part_hashes(plan: &FetchedPlan) -> Vec<(String, String)> {
    plan.parts.iter().map(|part| (part.final_url.clone(), part.sha256.clone())).collect()
}

/// The parts an earlier record was built from, as [`part_hashes`] gives them.
fn recorded_hashes(record: &serde_json::Value) -> Vec<(String, String)> {
    let text = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_string();
    record["source"]["parts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|part| (text(&part["final_url"]), text(&part["sha256"])))
        .collect()
}

/// True when an earlier record can stand for `plan`, provided it was built from
/// the same bytes (its [`recorded_hashes`] equal `plan`'s [`part_hashes`]): same
/// record format, same plansift version and rules, not stale, found by the same
/// chain. Hashes, not the server's 304, decide about the bytes: a run killed after
/// caching a changed document but before rebuilding its record must not keep the
/// old record on the next run.
fn is_current(record: &serde_json::Value, plan: &FetchedPlan, generator: &Generator) -> bool {
    let chain_matches = record["source"]["chain"].as_array().is_some_and(|chain| {
        chain.iter().map(serde_json::Value::as_str).eq(plan.chain.iter().map(|u| Some(u.as_str())))
    });
    let built_by = &record["generator"];
    let same_generator = built_by["plansift_version"] == generator.plansift_version.as_str()
        && built_by["rules_sha256"] == generator.rules_sha256.as_str();
    record["schema_version"] == SCHEMA_VERSION && same_generator && !is_stale(record) && chain_matches
}

/// Adds (or refreshes) the stale warning on an earlier record.
fn mark_stale(record: &mut serde_json::Value, reason: &str) {
    let message = format!("kept from an earlier run: refreshing failed on {}: {reason}", fetch::now_rfc3339());
    let Ok(warning) = serde_json::to_value(Warning::new(WarningCode::Stale, message)) else { return };
    if let Some(warnings) = record.get_mut("warnings").and_then(serde_json::Value::as_array_mut) {
        warnings.retain(|w| w["code"] != "stale");
        warnings.push(warning);
    } else if let Some(object) = record.as_object_mut() {
        object.insert("warnings".into(), serde_json::Value::Array(vec![warning]));
    }
}

fn count_record(record: &serde_json::Value, outcome: &mut CouncilOutcome) {
    outcome.paragraphs = record["paragraphs"].as_array().map_or(0, Vec::len);
    outcome.warnings = record["warnings"].as_array().map_or(0, Vec::len);
}

/// Extracts, segments and classifies one council's fetched plan.
pub fn build_record(
    seed: &Seed,
    plan: FetchedPlan,
    limits: &Limits,
    classifier: &Classifier,
    timings: &mut Timings,
) -> Result<CouncilRecord, CouncilError> {
    let FetchedPlan { parts, chain } = plan;
    if parts.is_empty() {
        let url = chain.first().cloned().unwrap_or_default();
        return Err(CouncilError::Fetch(FetchError::NoPlanFound { url, pages: 0 }));
    }
    let mut fetched_parts = Vec::with_capacity(parts.len());
    let mut documents = Vec::with_capacity(parts.len());
    for fetched in parts {
        let clock = Instant::now();
        let (fetched, document) = extract_with_deadline(fetched, limits)?;
        timings.extract_ms += clock.elapsed().as_millis() as u64;
        fetched_parts.push(fetched);
        documents.push(document);
    }
    let units = segment::segment(&documents);
    let figures = figures::find_figures(&units)?;
    let unit_parts: Vec<usize> = units.iter().map(|unit| unit.part).collect();
    let first_document = &documents[0];
    let refs: Vec<UnitRef<'_>> = units
        .iter()
        .map(|unit| UnitRef { id: &unit.id, text: &unit.text, kind: unit.kind, section: &unit.section })
        .collect();
    let classified = classifier.classify_document(&refs);
    let labels = classified.labels;
    let paragraphs: Vec<ParagraphRecord> =
        units.into_iter().zip(labels).map(|(unit, labels)| ParagraphRecord::new(unit, labels)).collect();
    let summary = Summary::of(&paragraphs, classifier.category_ids());
    let mut warnings = Vec::new();
    for document in &documents {
        warnings.extend(document.warnings.iter().cloned());
    }
    let mut record = CouncilRecord {
        schema_version: SCHEMA_VERSION.to_string(),
        generator: Generator::current(classifier.rules_sha256()),
        council: Council { id: seed.id.clone(), name: seed.name.clone() },
        source: source_of(&fetched_parts, chain),
        document: DocumentInfo {
            title: first_document.title.clone(),
            pages: first_document.pages,
            kind: classified.kind.to_string(),
            structure: first_document.structure,
        },
        paragraphs,
        figures,
        summary,
        warnings,
    };
    attach_source_urls(&mut record, &unit_parts, &fetched_parts);
    Ok(record)
}

/// Gives each paragraph the URL of the plan part it came from.
fn attach_source_urls(record: &mut CouncilRecord, unit_parts: &[usize], parts: &[Fetched]) {
    for (paragraph, part) in record.paragraphs.iter_mut().zip(unit_parts) {
        if let Some(fetched) = parts.get(*part) {
            paragraph.source_url.clone_from(&fetched.final_url);
        }
    }
}

/// Provenance of a plan: the first part's details, and every part's hash.
fn source_of(parts: &[Fetched], chain: Vec<String>) -> Source {
    let fetched = &parts[0];
    let input = input_of(fetched);
    Source {
        chain,
        url: fetched.url.clone(),
        final_url: fetched.final_url.clone(),
        content_type: extract::detect_format(&input).mime_type().to_string(),
        sha256: fetched.sha256.clone(),
        bytes: fetched.bytes.len() as u64,
        fetched_at: fetched.fetched_at.clone(),
        parts: parts
            .iter()
            .map(|part| SourcePart {
                final_url: part.final_url.clone(),
                sha256: part.sha256.clone(),
                bytes: part.bytes.len() as u64,
            })
            .collect(),
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
        Err(_) => Err(CouncilError::TimedOut { url, seconds: limits.time_per_document.as_secs_f64() }),
    }
}

/// Runs one council's build step so that a panic (a bug) costs that council
/// this run's record, as [`CouncilError::Panic`], instead of ending the run.
fn isolated<T>(url: &str, build: impl FnOnce() -> Result<T, CouncilError>) -> Result<T, CouncilError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(build))
        .unwrap_or_else(|panic| Err(CouncilError::Panic { url: url.to_string(), message: panic_message(&panic) }))
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacting_pretty_json_gives_serde_jsons_compact_form() {
        let value = serde_json::json!({
            "text": "two  spaces, a \"quote\" and a \\ then\n a line",
            "list": [1, 2.5, {"empty": [], "nested": {"a": null}}],
            "tab": "\t",
        });
        let pretty = serde_json::to_string_pretty(&value).unwrap() + "\n";
        let mut compact = Vec::new();
        compact_json(pretty.as_bytes(), &mut compact).unwrap();
        assert_eq!(String::from_utf8(compact).unwrap(), serde_json::to_string(&value).unwrap());
    }

    #[test]
    fn a_panic_while_building_one_record_becomes_that_councils_error() {
        let result: Result<(), CouncilError> = isolated("https://a.test/plan.pdf", || panic!("index out of bounds"));
        let error = result.unwrap_err();
        assert!(matches!(error, CouncilError::Panic { .. }));
        assert_eq!(error.to_string(), "internal error while processing https://a.test/plan.pdf: index out of bounds");
        assert_eq!(isolated("u", || Ok(7)).unwrap(), 7);
    }
}
