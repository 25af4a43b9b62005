//! Resumable runs: a run killed at any moment (SIGKILL) and started again ends with
//! the output of a run never interrupted, no record lost, duplicated or half
//! written; and a record is kept only while the documents it was built from are
//! byte for byte the same.
//!
//! The councils are served by a test HTTP server on 127.0.0.1 (with ETags, so
//! re-runs get 304s) and read from local files. Kill moments are random; the seed
//! is printed, and `PLANSIFT_RESUME_SEED=N` replays one.

mod common;
mod support;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use serde_json::Value;
use support::{Reply, TestServer};

/// The sample documents, served and read in turn.
const DOCUMENTS: [&str; 5] =
    ["ashfield.pdf", "bromsgrove.pdf", "peterborough.html", "ne-lincolnshire.html", "devon-minutes.html"];

fn document(name: &str) -> Vec<u8> {
    std::fs::read(common::crate_root().join("corpus/documents").join(name)).unwrap()
}

fn content_type(name: &str) -> &'static str {
    if name.ends_with(".pdf") {
        "application/pdf"
    } else {
        "text/html; charset=utf-8"
    }
}

/// Serves `body` at `path` with a strong ETag, answering 304 to a matching
/// `If-None-Match`.
fn serve_with_etag(server: &TestServer, path: &str, body: Vec<u8>, content_type: &'static str, version: &str) {
    let etag = format!("\"{}-{version}\"", body.len());
    server.route(path, move |request| {
        if request.headers.get("if-none-match") == Some(&etag) {
            return Reply::status(304).header("ETag", &etag);
        }
        Reply::ok(content_type, body.clone()).header("ETag", &etag)
    });
}

/// A folder with a seed list, an output folder and a cache folder.
struct Job {
    dir: tempfile::TempDir,
}

impl Job {
    fn new(rows: &[(String, String)]) -> Job {
        let dir = tempfile::tempdir().unwrap();
        let mut file = std::fs::File::create(dir.path().join("seeds.csv")).unwrap();
        writeln!(file, "id,name,url").unwrap();
        for (id, url) in rows {
            writeln!(file, "{id},Council {id},{url}").unwrap();
        }
        Job { dir }
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_plansift"));
        command
            .arg("run")
            .arg("--quiet")
            .arg("--seeds")
            .arg(self.dir.path().join("seeds.csv"))
            .arg("--out")
            .arg(self.out())
            .arg("--cache")
            .arg(self.dir.path().join("cache"))
            .args(["--allow-private", "--delay", "0ms", "--retries", "0", "--timeout", "20s"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command
    }

    /// Runs to the end; returns the exit code and the time taken.
    fn run(&self) -> (i32, Duration) {
        let started = Instant::now();
        let output = self.command().output().unwrap();
        let code = output.status.code().unwrap_or(-1);
        assert!(code == 0 || code == 1, "fatal run: {}", String::from_utf8_lossy(&output.stderr));
        (code, started.elapsed())
    }

    fn record(&self, id: &str) -> Value {
        common::read_json(&self.out().join(format!("{id}.json")))
    }
}

/// The parts of an output folder that must not depend on how the run was
/// interrupted: each record file and `records.jsonl` as text, with the times of
/// fetching removed, and `run.json` reduced to what each council ended with.
fn normalised_output(out: &Path) -> BTreeMap<String, Value> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(out).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name == ".plansift.lock" {
            continue;
        }
        let value = match name.as_str() {
            "run.json" => {
                let run = common::read_json(&path);
                let councils: Vec<Value> = run["councils"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|council| {
                        serde_json::json!({
                            "id": council["id"],
                            "ok": council["status"] != "failed",
                            "reason": council["reason"],
                            "stale": council["stale"],
                            "record": council["record"],
                            "paragraphs": council["paragraphs"],
                            "warnings": council["warnings"],
                        })
                    })
                    .collect();
                serde_json::json!({ "councils": councils, "ok": run["totals"]["ok"], "failed": run["totals"]["failed"] })
            }
            _ if name.ends_with(".json") || name == "records.jsonl" => {
                Value::String(without_times(&std::fs::read_to_string(&path).unwrap()))
            }
            _ => Value::String(format!("unexpected file {name}")),
        };
        files.insert(name, value);
    }
    files
}

/// The file's text with each `"fetched_at": "<time>"` emptied: byte for byte the
/// rest must match.
fn without_times(text: &str) -> String {
    let pattern = regex::Regex::new(r#""fetched_at": ?"[^"]*""#).unwrap();
    pattern.replace_all(text, r#""fetched_at":"""#).into_owned()
}

/// How many council records `out` holds.
fn record_files(out: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(out) else { return 0 };
    entries
        .filter(|entry| {
            let name = entry.as_ref().unwrap().file_name().to_string_lossy().to_string();
            name.ends_with(".json") && !name.starts_with('.') && name != "run.json"
        })
        .count()
}

/// Every record file present is whole and valid; `records.jsonl`, when there,
/// names each council once.
fn assert_consistent(out: &Path, when: &str) {
    let Ok(entries) = std::fs::read_dir(out) else { return };
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".json") && !name.starts_with('.') && name != "run.json" {
            let text = std::fs::read_to_string(&path).unwrap();
            let record: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
                panic!("{when}: {name} is not whole JSON ({e}): {:?}", &text[..text.len().min(80)])
            });
            let errors = common::schema_errors(&record);
            assert!(errors.is_empty(), "{when}: {name} breaks the schema: {errors:?}");
        }
    }
    if let Ok(text) = std::fs::read_to_string(out.join("records.jsonl")) {
        let mut ids: Vec<String> = text
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap()["council"]["id"].as_str().unwrap().to_string())
            .collect();
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count, "{when}: a council appears twice in records.jsonl");
    }
}

#[test]
fn killed_ten_times_then_finished_equals_an_uninterrupted_run() {
    let server = TestServer::start();
    let mut rows = Vec::new();
    for i in 0..40 {
        let name = DOCUMENTS[i % DOCUMENTS.len()];
        let path = format!("/plans/{i}/{name}");
        serve_with_etag(&server, &path, document(name), content_type(name), "1");
        rows.push((format!("web-{i:02}"), server.url(&path)));
    }
    for i in 0..10 {
        let name = DOCUMENTS[i % DOCUMENTS.len()];
        let path = common::crate_root().join("corpus/documents").join(name);
        rows.push((format!("file-{i:02}"), path.display().to_string()));
    }
    rows.push(("gone".to_string(), server.url("/plans/gone.pdf")));

    let reference = Job::new(&rows);
    let (reference_code, full_time) = reference.run();
    assert_eq!(reference_code, 1, "the missing plan fails, the others do not");

    let seed = std::env::var("PLANSIFT_RESUME_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    eprintln!(
        "kill moments from seed {seed} (PLANSIFT_RESUME_SEED={seed} replays them); a whole run took {full_time:?}"
    );
    let mut random = rand::rngs::StdRng::seed_from_u64(seed);

    let resumed = Job::new(&rows);
    let mut killed_mid_run = 0;
    for attempt in 1..=10 {
        // Each restart has less left to do (records of unchanged documents are
        // kept), so the moment is drawn from the time the remaining work takes.
        let remaining = (50 - record_files(&resumed.out())).max(1) as f64 / 50.0;
        let mut child = resumed.command().spawn().unwrap();
        let moment = full_time.mul_f64(remaining * random.random_range(0.02..0.95));
        std::thread::sleep(moment);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed_mid_run += 1;
        }
        child.wait().unwrap();
        assert_consistent(&resumed.out(), &format!("after kill {attempt} at {moment:?}"));
    }
    assert!(killed_mid_run >= 7, "only {killed_mid_run} of 10 kills landed before the run ended");
    eprintln!("{killed_mid_run} of 10 kills landed mid-run");

    let (code, _) = resumed.run();
    assert_eq!(code, reference_code);
    let expected = normalised_output(&reference.out());
    let actual = normalised_output(&resumed.out());
    assert_eq!(expected.keys().collect::<Vec<_>>(), actual.keys().collect::<Vec<_>>(), "the same files");
    for (name, value) in &expected {
        assert!(actual[name] == *value, "{name} differs from the uninterrupted run's");
    }
    assert_eq!(expected.len(), 50 + 2, "50 records, records.jsonl and run.json");
}

/// The crash window the hashes close: a changed document is fetched and cached,
/// and the run dies before the record is rebuilt. The next run gets a 304 for the
/// cached version and must still rebuild the record.
#[test]
fn record_older_than_the_cached_document_is_rebuilt_after_a_304() {
    let server = TestServer::start();
    let job = Job::new(&[("council".to_string(), server.url("/plan.pdf"))]);
    serve_with_etag(&server, "/plan.pdf", document("ashfield.pdf"), "application/pdf", "1");
    assert_eq!(job.run().0, 0);
    let old_record = std::fs::read(job.out().join("council.json")).unwrap();
    assert_eq!(job.record("council")["document"]["pages"], 4);

    serve_with_etag(&server, "/plan.pdf", document("bromsgrove.pdf"), "application/pdf", "2");
    assert_eq!(job.run().0, 0);
    // Put back the record from before the change, as if the run that cached the
    // new document had been killed before writing its record.
    std::fs::write(job.out().join("council.json"), &old_record).unwrap();

    assert_eq!(job.run().0, 0);
    let run = common::read_json(&job.out().join("run.json"));
    assert_eq!(run["councils"][0]["status"], "changed", "{run}");
    let record = job.record("council");
    let bromsgrove_hash = record["source"]["parts"][0]["sha256"].as_str().unwrap().to_string();
    assert_eq!(record["source"]["sha256"], bromsgrove_hash.as_str());
    assert_ne!(record["document"]["pages"], 4, "rebuilt from the new document");
    assert!(
        server.requests_for("/plan.pdf").last().unwrap().headers.contains_key("if-none-match"),
        "the last request was conditional, so the server said 304"
    );
}

#[test]
fn unchanged_local_files_keep_their_records_and_changed_ones_are_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.html");
    std::fs::copy(common::crate_root().join("corpus/documents/peterborough.html"), &plan).unwrap();
    let job = Job::new(&[("local".to_string(), plan.display().to_string())]);
    job.run();
    let first = std::fs::read(job.out().join("local.json")).unwrap();

    job.run();
    let run = common::read_json(&job.out().join("run.json"));
    assert_eq!(run["councils"][0]["status"], "not_modified");
    assert_eq!(std::fs::read(job.out().join("local.json")).unwrap(), first, "kept as it was");

    std::fs::copy(common::crate_root().join("corpus/documents/ne-lincolnshire.html"), &plan).unwrap();
    job.run();
    let run = common::read_json(&job.out().join("run.json"));
    assert_eq!(run["councils"][0]["status"], "changed");
    assert_ne!(std::fs::read(job.out().join("local.json")).unwrap(), first);
}

#[test]
fn a_second_run_on_the_same_output_folder_is_refused_while_the_first_holds_it() {
    let job = Job::new(&[(
        "x".to_string(),
        common::crate_root().join("corpus/documents/ashfield.pdf").display().to_string(),
    )]);
    std::fs::create_dir_all(job.out()).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(job.out().join(".plansift.lock"))
        .unwrap();
    lock.lock().unwrap();
    let output = job.command().output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("another plansift run is writing to"), "{stderr}");
    assert!(!job.out().join("x.json").exists());
    drop(lock);
    assert_eq!(job.run().0, 0);
    assert!(job.out().join("x.json").exists());
}

#[test]
fn leftovers_of_a_killed_write_are_cleared_by_the_next_run() {
    let job = Job::new(&[(
        "x".to_string(),
        common::crate_root().join("corpus/documents/ashfield.pdf").display().to_string(),
    )]);
    std::fs::create_dir_all(job.out()).unwrap();
    std::fs::write(job.out().join(".x.json.tmp-999999"), b"{\"schema_version\": \"1.2").unwrap();
    std::fs::write(job.out().join(".records.jsonl.tmp-999999"), b"{").unwrap();
    assert_eq!(job.run().0, 0);
    let mut names: Vec<String> =
        std::fs::read_dir(job.out()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    names.sort();
    assert_eq!(names, [".plansift.lock", "records.jsonl", "run.json", "x.json"]);
}

#[test]
fn a_record_built_by_other_rules_is_rebuilt_even_when_only_layout_rules_changed() {
    // Before the fingerprint covered every rule file, a record named only the
    // classification rules' hash: a change to the layout or figure rules kept it.
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.pdf");
    std::fs::copy(common::crate_root().join("corpus/documents/ashfield.pdf"), &plan).unwrap();
    let job = Job::new(&[("local".to_string(), plan.display().to_string())]);
    job.run();
    let path = job.out().join("local.json");
    let mut record = common::read_json(&path);
    let classifier = plansift::classify::Classifier::builtin().unwrap();
    let classify_only = classifier.rules_sha256().to_string();
    assert_ne!(record["generator"]["rules_sha256"], classify_only.as_str(), "the fingerprint is of the whole set");
    record["generator"]["rules_sha256"] = classify_only.clone().into();
    std::fs::write(&path, serde_json::to_vec_pretty(&record).unwrap()).unwrap();
    job.run();
    let run = common::read_json(&job.out().join("run.json"));
    assert_ne!(run["councils"][0]["status"], "not_modified", "{run}");
    let rebuilt = common::read_json(&path);
    let fingerprint = plansift::record::rules_fingerprint(&classify_only);
    assert_eq!(rebuilt["generator"]["rules_sha256"], fingerprint.as_str());
}
