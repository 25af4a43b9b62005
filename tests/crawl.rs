//! End-to-end crawl tests: the `plansift run` binary against a test HTTP server on
//! 127.0.0.1, asserting on what the server saw (its request log) and on the
//! records and `run.json` written. No traffic leaves the machine.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use support::{Reply, TestServer};

fn corpus_pdf(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/documents").join(name)).unwrap()
}

/// A page that is the plan itself: long running text that names the plan.
fn plan_page(title: &str, marker: &str, extra: &str) -> String {
    let sentence = format!(
        "<p>{marker}: this productivity plan explains how the council will redesign services, \
         use technology and data better, cut waste and remove barriers to productivity.</p>"
    );
    format!(
        "<!DOCTYPE html><html><head><title>{title}</title></head><body>\
         <nav><a href='/'>Home</a></nav>{extra}<main><h1>{title}</h1>{}</main></body></html>",
        sentence.repeat(14)
    )
}

struct Run {
    dir: tempfile::TempDir,
    seeds: PathBuf,
}

impl Run {
    fn new(rows: &[(&str, String)]) -> Run {
        let dir = tempfile::tempdir().unwrap();
        let seeds = dir.path().join("seeds.csv");
        let mut file = std::fs::File::create(&seeds).unwrap();
        writeln!(file, "id,name,url").unwrap();
        for (id, url) in rows {
            writeln!(file, "{id},Council {id},{url}").unwrap();
        }
        Run { dir, seeds }
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// Runs plansift with test-friendly defaults (short delays and timeouts),
    /// overridden by `extra`; returns the exit code and run.json.
    fn run(&self, extra: &[&str]) -> (i32, Value) {
        let defaults = [
            ("--delay", "0ms"),
            ("--timeout", "3s"),
            ("--connect-timeout", "1s"),
            ("--retries", "1"),
            ("--retry-backoff", "50ms"),
        ];
        let mut args: Vec<String> = vec!["run".into(), "--quiet".into(), "--allow-private".into()];
        for (flag, value) in defaults {
            if !extra.contains(&flag) {
                args.extend([flag.to_string(), value.to_string()]);
            }
        }
        args.extend(["--seeds".into(), self.seeds.display().to_string()]);
        args.extend(["--out".into(), self.out().display().to_string()]);
        args.extend(["--cache".into(), self.dir.path().join("cache").display().to_string()]);
        args.extend(extra.iter().map(|s| s.to_string()));
        let output = Command::new(env!("CARGO_BIN_EXE_plansift")).args(&args).output().unwrap();
        let report: Value = std::fs::read(self.out().join("run.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or(Value::Null);
        (output.status.code().unwrap_or(-1), report)
    }

    fn record(&self, id: &str) -> Value {
        serde_json::from_slice(&std::fs::read(self.out().join(format!("{id}.json"))).unwrap()).unwrap()
    }

    fn record_bytes(&self, id: &str) -> Vec<u8> {
        std::fs::read(self.out().join(format!("{id}.json"))).unwrap()
    }

    fn jsonl_ids(&self) -> Vec<String> {
        let text = std::fs::read_to_string(self.out().join("records.jsonl")).unwrap();
        text.lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["council"]["id"].as_str().unwrap().to_string())
            .collect()
    }
}

fn council<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["councils"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()
}

fn status(report: &Value, id: &str) -> String {
    council(report, id)["status"].as_str().unwrap().to_string()
}

fn reason(report: &Value, id: &str) -> String {
    council(report, id)["reason"].as_str().unwrap_or_default().to_string()
}

fn schema_valid(record: &Value) {
    let schema: Value = serde_json::from_str(include_str!("../schemas/council-record.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(record).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn listing_to_landing_page_to_pdf_is_discovered_with_its_chain() {
    let server = TestServer::start();
    server.fixed(
        "/council",
        Reply::ok(
            "text/html",
            "<html><body><h1>Council and democracy</h1><p>Our productivity plan and other documents.</p><ul>\
             <li><a href='/cookies'>Cookies</a></li><li><a href='/news'>News</a></li>\
             <li><a href='/budget'>Budget 2024</a></li>\
             <li><a href='/council/productivity-plan'>Productivity plan</a></li></ul></body></html>",
        ),
    );
    server.fixed(
        "/council/productivity-plan",
        Reply::ok(
            "text/html; charset=utf-8",
            "<html><body><h1>Productivity plan</h1><p>We sent our plan to government in July 2024.</p>\
             <p><a href='/media/annual-report.pdf'>Annual report (PDF)</a></p>\
             <p><a href='/media/pp-2024.pdf'>Download the productivity plan 2024 (PDF, 71 KB)</a></p></body></html>",
        ),
    );
    server.fixed("/media/pp-2024.pdf", Reply::ok("application/pdf", corpus_pdf("bromsgrove.pdf")));
    server.fixed("/media/annual-report.pdf", Reply::ok("application/pdf", b"%PDF-1.4 not this one".to_vec()));
    let run = Run::new(&[("bromsgrove", server.url("/council"))]);
    let (code, report) = run.run(&[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(status(&report, "bromsgrove"), "fetched");
    let record = run.record("bromsgrove");
    schema_valid(&record);
    let chain: Vec<&str> = record["source"]["chain"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(
        chain,
        [server.url("/council"), server.url("/council/productivity-plan"), server.url("/media/pp-2024.pdf")]
    );
    assert_eq!(record["source"]["url"], server.url("/council"));
    assert_eq!(record["source"]["final_url"], server.url("/media/pp-2024.pdf"));
    assert_eq!(record["source"]["content_type"], "application/pdf");
    assert!(record["paragraphs"].as_array().unwrap().len() > 50);
    let paths: Vec<String> = server.log().iter().map(|r| r.path.clone()).collect();
    assert!(
        !paths.contains(&"/cookies".to_string()) && !paths.contains(&"/media/annual-report.pdf".to_string()),
        "{paths:?}"
    );
    assert!(paths.contains(&"/robots.txt".to_string()));
    let agent = &server.log()[0].headers["user-agent"];
    assert!(agent.starts_with("plansift/") && agent.contains("+http"), "{agent}");
}

#[test]
fn plan_over_four_linked_pages_becomes_one_record_in_order() {
    let server = TestServer::start();
    let contents = "<nav aria-label='Contents'><ol>\
        <li><a href='/plan/overview'>Overview</a></li><li><a href='/plan/services'>Services</a></li>\
        <li><a href='/plan/data'>Data</a></li><li><a href='/plan/barriers'>Barriers</a></li></ol></nav>";
    let parts = [("overview", "PART-ONE"), ("services", "PART-TWO"), ("data", "PART-THREE"), ("barriers", "PART-FOUR")];
    for (index, (slug, marker)) in parts.iter().enumerate() {
        let next = parts.get(index + 1).map(|(s, _)| format!("<a href='/plan/{s}'>Next</a>")).unwrap_or_default();
        let page = plan_page(&format!("Productivity plan: {slug}"), marker, contents)
            .replace("</main>", &format!("{next}</main>"));
        server.fixed(&format!("/plan/{slug}"), Reply::ok("text/html", page));
    }
    // A second council whose guide has only "next" links, seeded at its first part.
    for (index, (slug, marker)) in parts.iter().enumerate() {
        let next = parts.get(index + 1).map(|(s, _)| format!("<a href='/guide/{s}'>Next: {s}</a>")).unwrap_or_default();
        let page = plan_page(&format!("Guide: {slug}"), marker, "").replace("</main>", &format!("{next}</main>"));
        server.fixed(&format!("/guide/{slug}"), Reply::ok("text/html", page));
    }
    server.fixed(
        "/landing",
        Reply::ok("text/html", "<p>Read our <a href='/plan/overview'>productivity plan 2024</a>.</p>"),
    );
    // A third council listed as four seed rows with one id, one standalone page each.
    let mut rows = vec![("contents", server.url("/landing")), ("nextlinks", server.url("/guide/overview"))];
    for (slug, marker) in parts {
        server.fixed(&format!("/solo/{slug}"), Reply::ok("text/html", plan_page(slug, marker, "")));
        rows.push(("rows", server.url(&format!("/solo/{slug}"))));
    }
    let run = Run::new(&rows);
    let (code, report) = run.run(&[]);
    assert_eq!(code, 0, "{report}");
    for (id, folder) in [("contents", "plan"), ("nextlinks", "guide"), ("rows", "solo")] {
        let record = run.record(id);
        schema_valid(&record);
        let paragraphs = record["paragraphs"].as_array().unwrap();
        let mut seen: Vec<(String, String)> = Vec::new();
        for paragraph in paragraphs {
            let text = paragraph["text"].as_str().unwrap();
            let marker = parts.iter().find(|(_, m)| text.starts_with(&format!("{m}:"))).map(|(_, m)| m.to_string());
            if let Some(marker) = marker {
                let url = paragraph["source_url"].as_str().unwrap().to_string();
                if seen.last().map(|(m, _)| m != &marker).unwrap_or(true) {
                    seen.push((marker, url));
                }
            }
        }
        let expected: Vec<(String, String)> =
            parts.iter().map(|(slug, m)| (m.to_string(), server.url(&format!("/{folder}/{slug}")))).collect();
        assert_eq!(seen, expected, "{id}");
    }
}

#[test]
fn robots_txt_is_obeyed_and_requests_to_a_host_are_spaced() {
    let server = TestServer::start();
    server.fixed("/robots.txt", Reply::ok("text/plain", "User-agent: *\nDisallow: /private/\n"));
    server.fixed("/private/plan.pdf", Reply::ok("application/pdf", corpus_pdf("ashfield.pdf")));
    for name in ["a", "b", "c"] {
        server.fixed(&format!("/{name}.pdf"), Reply::ok("application/pdf", corpus_pdf("ashfield.pdf")));
    }
    let run = Run::new(&[
        ("private", server.url("/private/plan.pdf")),
        ("a", server.url("/a.pdf")),
        ("b", server.url("/b.pdf")),
        ("c", server.url("/c.pdf")),
    ]);
    let (code, report) = run.run(&["--delay", "200ms"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(status(&report, "private"), "failed");
    assert!(reason(&report, "private").contains("robots.txt"), "{}", reason(&report, "private"));
    assert!(server.requests_for("/private/plan.pdf").is_empty());
    assert_eq!(server.requests_for("/robots.txt").len(), 1, "robots.txt once per host per run");
    for id in ["a", "b", "c"] {
        assert_eq!(status(&report, id), "fetched");
    }
    let log = server.log();
    assert_eq!(log.len(), 4);
    for pair in log.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(gap >= Duration::from_millis(200), "gap {gap:?} between {} and {}", pair[0].path, pair[1].path);
    }
}

#[test]
fn retry_after_and_transient_errors_are_waited_out() {
    let server = TestServer::start();
    let pdf = corpus_pdf("ashfield.pdf");
    server.sequence(
        "/busy.pdf",
        vec![Reply::status(429).header("Retry-After", "1"), Reply::ok("application/pdf", pdf.clone())],
    );
    server.sequence("/flaky.pdf", vec![Reply::status(503), Reply::status(502), Reply::ok("application/pdf", pdf)]);
    let run = Run::new(&[("busy", server.url("/busy.pdf")), ("flaky", server.url("/flaky.pdf"))]);
    let (code, report) = run.run(&["--retries", "2"]);
    assert_eq!(code, 0, "{report}");
    let busy = server.requests_for("/busy.pdf");
    assert_eq!(busy.len(), 2);
    assert!(busy[1].at.duration_since(busy[0].at) >= Duration::from_secs(1), "Retry-After: 1 not honoured");
    assert_eq!(server.requests_for("/flaky.pdf").len(), 3);
    assert_eq!(status(&report, "flaky"), "fetched");
}

#[test]
fn hostile_and_broken_answers_fail_only_their_council() {
    let server = TestServer::start();
    let pdf = corpus_pdf("ashfield.pdf");
    server.fixed("/good.pdf", Reply::ok("application/pdf", pdf.clone()));
    server.fixed("/loop-a", Reply::redirect(302, "/loop-b"));
    server.fixed("/loop-b", Reply::redirect(301, "/loop-a"));
    server.fixed("/to-ftp", Reply::redirect(302, "ftp://127.0.0.1/plan.pdf"));
    server.fixed("/big.pdf", Reply::ok("application/pdf", vec![b'%'; 2 * 1024 * 1024 + 10]));
    let mut bomb = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    bomb.write_all(&vec![0u8; 32 * 1024 * 1024]).unwrap();
    let bomb = bomb.finish().unwrap();
    assert!(bomb.len() < 100_000);
    server.fixed("/bomb.pdf", Reply::ok("application/pdf", bomb).header("Content-Encoding", "gzip"));
    let mut trickle = Reply::ok("application/pdf", pdf.clone());
    trickle.trickle = Some(Duration::from_millis(50));
    server.fixed("/slow.pdf", trickle);
    server.fixed("/plan.html", Reply::ok("text/html", pdf));
    server.fixed("/gone.pdf", Reply::ok("text/html", "<!DOCTYPE html><title>Page not found</title><p>Sorry.</p>"));
    let run = Run::new(&[
        ("good", server.url("/good.pdf")),
        ("loop", server.url("/loop-a")),
        ("ftp", server.url("/to-ftp")),
        ("big", server.url("/big.pdf")),
        ("bomb", server.url("/bomb.pdf")),
        ("slow", server.url("/slow.pdf")),
        ("missing", server.url("/missing.pdf")),
        ("disguised", server.url("/plan.html")),
        ("gone", server.url("/gone.pdf")),
    ]);
    let (code, report) = run.run(&["--max-document-size", "1MiB", "--timeout", "1s", "--retries", "0"]);
    assert_eq!(code, 1, "{report}");
    let expect = [
        ("loop", "redirect loop"),
        ("ftp", "scheme \"ftp\""),
        ("big", "exceeds the limit"),
        ("bomb", "exceeds the limit"),
        ("slow", "timed out"),
        ("missing", "404"),
        ("gone", "declared a PDF but is not one"),
    ];
    for (id, words) in expect {
        assert_eq!(status(&report, id), "failed", "{id}");
        assert!(reason(&report, id).contains(words), "{id}: {}", reason(&report, id));
    }
    assert_eq!(status(&report, "good"), "fetched");
    assert_eq!(status(&report, "disguised"), "fetched");
    assert_eq!(run.record("disguised")["source"]["content_type"], "application/pdf");
    assert_eq!(run.jsonl_ids(), ["good", "disguised"]);
}

#[test]
fn private_addresses_are_refused_unless_allowed() {
    let server = TestServer::start();
    server.fixed("/plan.pdf", Reply::ok("application/pdf", corpus_pdf("ashfield.pdf")));
    let by_name = format!("http://localhost:{}/plan.pdf", server.port());
    let run = Run::new(&[("literal", server.url("/plan.pdf")), ("name", by_name)]);
    let output = Command::new(env!("CARGO_BIN_EXE_plansift"))
        .args(["run", "--quiet", "--delay", "0ms", "--retries", "0", "--seeds"])
        .arg(&run.seeds)
        .arg("--out")
        .arg(run.out())
        .arg("--cache")
        .arg(run.dir.path().join("cache"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&std::fs::read(run.out().join("run.json")).unwrap()).unwrap();
    for id in ["literal", "name"] {
        assert!(reason(&report, id).contains("non-public address"), "{id}: {}", reason(&report, id));
    }
    assert!(server.log().is_empty(), "no request may reach a private address");
}

#[test]
fn second_run_is_conditional_and_rebuilds_only_what_changed() {
    let server = TestServer::start();
    let version = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(1));
    let (first, second) = (corpus_pdf("ashfield.pdf"), corpus_pdf("bromsgrove.pdf"));
    let current = version.clone();
    server.route("/plan.pdf", move |request| {
        let v = current.load(std::sync::atomic::Ordering::SeqCst);
        let etag = format!("\"v{v}\"");
        if request.headers.get("if-none-match") == Some(&etag) {
            return Reply::status(304).header("ETag", &etag);
        }
        let body = if v == 1 { first.clone() } else { second.clone() };
        Reply::ok("application/pdf", body).header("ETag", &etag)
    });
    let modified = "Wed, 17 Jul 2024 10:00:00 GMT";
    let page = plan_page("Productivity plan", "Our plan", "");
    server.route("/page", move |request| {
        if request.headers.get("if-modified-since").map(String::as_str) == Some(modified) {
            return Reply::status(304);
        }
        Reply::ok("text/html", page.clone()).header("Last-Modified", modified)
    });
    let run = Run::new(&[("etag", server.url("/plan.pdf")), ("dated", server.url("/page"))]);
    let (code, report) = run.run(&[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!((status(&report, "etag"), status(&report, "dated")), ("fetched".into(), "fetched".into()));
    let before = (run.record_bytes("etag"), run.record_bytes("dated"));

    server.clear_log();
    let (code, report) = run.run(&[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(status(&report, "etag"), "not_modified");
    assert_eq!(status(&report, "dated"), "not_modified");
    assert_eq!(server.requests_for("/plan.pdf")[0].headers.get("if-none-match").map(String::as_str), Some("\"v1\""));
    assert_eq!(server.requests_for("/page")[0].headers.get("if-modified-since").map(String::as_str), Some(modified));
    assert!(server.log().iter().filter(|r| r.path != "/robots.txt").all(|r| r.status == 304));
    assert_eq!((run.record_bytes("etag"), run.record_bytes("dated")), before, "nothing rebuilt");
    assert_eq!(run.jsonl_ids(), ["etag", "dated"]);

    version.store(2, std::sync::atomic::Ordering::SeqCst);
    let (code, report) = run.run(&[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(status(&report, "etag"), "changed");
    assert_eq!(status(&report, "dated"), "not_modified");
    assert_eq!(run.record("etag")["source"]["sha256"].as_str().unwrap(), sha256_hex(&corpus_pdf("bromsgrove.pdf")));

    // --rebuild rebuilds unchanged councils from the cached bytes.
    let before = run.record("dated")["source"]["fetched_at"].clone();
    std::fs::write(run.out().join("dated.json"), b"{}").unwrap();
    let (code, report) = run.run(&["--rebuild"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(status(&report, "dated"), "fetched");
    assert_eq!(run.record("dated")["source"]["fetched_at"], before);
    assert!(!run.record("dated")["paragraphs"].as_array().unwrap().is_empty());
}

#[test]
fn robots_crawl_delay_is_honoured() {
    let server = TestServer::start();
    server.fixed("/robots.txt", Reply::ok("text/plain", "User-agent: *\nCrawl-delay: 0.4\n"));
    server.fixed("/a.pdf", Reply::ok("application/pdf", corpus_pdf("ashfield.pdf")));
    server.fixed("/b.pdf", Reply::ok("application/pdf", corpus_pdf("ashfield.pdf")));
    let run = Run::new(&[("a", server.url("/a.pdf")), ("b", server.url("/b.pdf"))]);
    let (code, report) = run.run(&[]);
    assert_eq!(code, 0, "{report}");
    let log = server.log();
    assert_eq!(log.len(), 3);
    for pair in log.windows(2) {
        assert!(pair[1].at.duration_since(pair[0].at) >= Duration::from_millis(400), "Crawl-delay ignored");
    }
}

#[test]
fn server_down_keeps_every_previous_record_marked_stale() {
    let server = TestServer::start();
    server.fixed("/a.pdf", Reply::ok("application/pdf", corpus_pdf("ashfield.pdf")));
    server.fixed("/b.html", Reply::ok("text/html", plan_page("Productivity plan", "Plan B", "")));
    let run = Run::new(&[("a", server.url("/a.pdf")), ("b", server.url("/b.html"))]);
    let (code, _) = run.run(&[]);
    assert_eq!(code, 0);
    let before = (run.record("a"), run.record("b"));
    drop(server);

    let (code, report) = run.run(&[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["totals"]["stale"], 2);
    for (id, earlier) in [("a", &before.0), ("b", &before.1)] {
        assert_eq!(status(&report, id), "failed");
        assert_eq!(council(&report, id)["stale"], true);
        let kept = run.record(id);
        assert_eq!(kept["paragraphs"], earlier["paragraphs"], "{id}: paragraphs intact");
        assert_eq!(kept["source"], earlier["source"]);
        assert!(kept["warnings"].as_array().unwrap().iter().any(|w| w["code"] == "stale"));
        schema_valid(&kept);
    }
    assert_eq!(run.jsonl_ids(), ["a", "b"]);

    // The cache alone still serves an offline run; the stale mark is cleared by
    // rebuilding from the cached bytes.
    let (code, report) = run.run(&["--offline"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["totals"]["requests"], 0);
    assert!(run.record("a")["warnings"].as_array().unwrap().iter().all(|w| w["code"] != "stale"));
}

fn sha256_hex(bytes: &[u8]) -> String {
    plansift::fetch::sha256_hex(bytes)
}
