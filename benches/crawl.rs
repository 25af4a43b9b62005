//! Crawl benchmark: 400 councils, each on its own loopback server (so its own
//! host), each a landing page linking to a PDF plan. Runs `plansift run` twice
//! (delay 0) and reports wall time and request counts for the first run and for a
//! no-change re-run (conditional requests, 304s, nothing rebuilt).
//!
//! Run: `cargo bench --bench crawl` (optionally `-- <councils>`).

#[path = "../tests/support/mod.rs"]
mod support;

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use support::{Reply, TestServer};

fn main() {
    let councils: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(400);
    let pdf = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/documents/ashfield.pdf"))
        .expect("corpus/documents/ashfield.pdf");
    let servers: Vec<TestServer> = (0..councils).map(|_| TestServer::start()).collect();
    let dir = tempfile::tempdir().expect("temporary folder");
    let seeds = dir.path().join("seeds.csv");
    let mut file = std::fs::File::create(&seeds).expect("seed list");
    writeln!(file, "id,name,url").unwrap();
    for (index, server) in servers.iter().enumerate() {
        server.fixed(
            "/council/productivity-plan",
            Reply::ok(
                "text/html",
                "<html><body><h1>Productivity plan</h1><p>Our plan was sent in July 2024.</p>\
                 <p><a href='/media/productivity-plan-2024.pdf'>Download the productivity plan (PDF)</a></p></body></html>",
            ),
        );
        let body = pdf.clone();
        server.route("/media/productivity-plan-2024.pdf", move |request| {
            if request.headers.get("if-none-match").map(String::as_str) == Some("\"v1\"") {
                return Reply::status(304).header("ETag", "\"v1\"");
            }
            Reply::ok("application/pdf", body.clone()).header("ETag", "\"v1\"")
        });
        writeln!(file, "council-{index},Council {index},{}", server.url("/council/productivity-plan")).unwrap();
    }
    drop(file);
    let run = |label: &str| {
        let started = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_plansift"))
            .args(["run", "--quiet", "--allow-private", "--delay", "0ms", "--concurrency", "32", "--seeds"])
            .arg(&seeds)
            .arg("--out")
            .arg(dir.path().join("out"))
            .arg("--cache")
            .arg(dir.path().join("cache"))
            .status()
            .expect("run plansift");
        let elapsed = started.elapsed();
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("out/run.json")).expect("run.json")).expect("json");
        let served: usize = servers.iter().map(|s| s.log().len()).sum();
        println!(
            "{label}: {councils} councils in {:.2} s (exit {}), {} requests sent, {} served; totals {}",
            elapsed.as_secs_f64(),
            status.code().unwrap_or(-1),
            report["totals"]["requests"],
            served,
            report["totals"]
        );
        servers.iter().for_each(TestServer::clear_log);
    };
    run("first run");
    run("no-change re-run");
}
