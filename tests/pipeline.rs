//! End to end: the binary over the sample corpus and over seed lists with bad
//! entries.

mod common;

use std::fs;

use common::{crate_root, plansift, read_json, schema_errors};

const SAMPLE_IDS: [&str; 5] = ["peterborough", "bromsgrove", "ashfield", "devon-minutes", "ne-lincolnshire"];

#[test]
fn sample_corpus_gives_five_valid_records() {
    let out = tempfile::tempdir().unwrap();
    let cache = out.path().join("cache");
    let output = plansift(
        &["run", "--quiet", "--out", out.path().to_str().unwrap(), "--cache", cache.to_str().unwrap()],
        &crate_root(),
    );
    assert_eq!(output.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stderr.is_empty(), "--quiet printed: {}", String::from_utf8_lossy(&output.stderr));

    for id in SAMPLE_IDS {
        let record = read_json(&out.path().join(format!("{id}.json")));
        let errors = schema_errors(&record);
        assert!(errors.is_empty(), "{id}.json violates the schema:\n{}", errors.join("\n"));
        assert_eq!(record["council"]["id"], id);
        let paragraphs = record["paragraphs"].as_array().unwrap();
        assert!(paragraphs.len() >= 15, "{id}: only {} paragraphs", paragraphs.len());
        assert_eq!(record["source"]["sha256"].as_str().unwrap().len(), 64);
    }
    let kind = |id: &str| read_json(&out.path().join(format!("{id}.json")))["document"]["kind"].clone();
    assert_eq!(kind("bromsgrove"), "report", "a cabinet report with the plan appended");
    assert_eq!(kind("devon-minutes"), "minutes");
    assert_eq!(kind("ashfield"), "plan");
    let pdf = read_json(&out.path().join("bromsgrove.json"));
    assert_eq!(pdf["source"]["content_type"], "application/pdf");
    assert!(pdf["document"]["pages"].as_u64().unwrap() >= 2);
    assert!(pdf["paragraphs"].as_array().unwrap().iter().all(|p| p["page"].as_u64().is_some()));

    let lines = fs::read_to_string(out.path().join("records.jsonl")).unwrap();
    let ids: Vec<String> = lines
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["council"]["id"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(ids, SAMPLE_IDS, "records.jsonl holds every record once, in seed order");

    let run = read_json(&out.path().join("run.json"));
    assert_eq!(run["totals"]["ok"], 5);
    assert_eq!(run["totals"]["failed"], 0);
    assert!(run["councils"].as_array().unwrap().iter().all(|c| c["status"] == "fetched" && c["reason"].is_null()));
}

#[test]
fn bad_documents_fail_alone_with_reasons_and_partial_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(crate_root().join("corpus/documents/ashfield.pdf"), dir.path().join("good.pdf")).unwrap();
    fs::write(
        dir.path().join("dead-link.pdf"),
        "<!DOCTYPE html><html><title>Page not found</title><body>404</body></html>",
    )
    .unwrap();
    let ashfield = fs::read(crate_root().join("corpus/documents/ashfield.pdf")).unwrap();
    fs::write(dir.path().join("truncated.pdf"), &ashfield[..ashfield.len() / 10]).unwrap();
    fs::write(dir.path().join("empty.html"), "").unwrap();
    fs::write(
        dir.path().join("seeds.csv"),
        "id,name,url\n\
         good,Good Council,good.pdf\n\
         missing,Missing Council,nowhere/plan.pdf\n\
         dead,Dead Link Council,dead-link.pdf\n\
         truncated,Truncated Council,truncated.pdf\n\
         empty,Empty Council,empty.html\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = plansift(&["run", "--quiet", "--seeds", "seeds.csv", "--out", "out"], dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "partial failure exit code; stderr: {stderr}");

    let good = read_json(&out.join("good.json"));
    assert!(schema_errors(&good).is_empty());
    assert!(good["paragraphs"].as_array().unwrap().len() > 10);

    let run = read_json(&out.join("run.json"));
    assert_eq!(run["totals"]["ok"], 1);
    assert_eq!(run["totals"]["failed"], 4);
    let reason = |id: &str| -> String {
        let council = run["councils"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().clone();
        assert_eq!(council["status"], "failed", "{id}");
        council["reason"].as_str().unwrap().to_string()
    };
    assert!(reason("missing").contains("nowhere/plan.pdf"), "{}", reason("missing"));
    assert!(reason("dead").contains("not one"), "{}", reason("dead"));
    assert!(reason("truncated").contains("PDF"), "{}", reason("truncated"));
    assert!(reason("empty").contains("empty"), "{}", reason("empty"));
    for id in ["missing", "dead", "truncated", "empty"] {
        assert!(!out.join(format!("{id}.json")).exists(), "{id} must not get a record");
        assert!(stderr.contains(id), "errors are reported on stderr even with --quiet: {stderr}");
    }
    let jsonl = fs::read_to_string(out.join("records.jsonl")).unwrap();
    assert_eq!(jsonl.lines().count(), 1);
}

#[test]
fn a_failed_council_keeps_its_previous_record() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(crate_root().join("corpus/documents/devon-minutes.html"), dir.path().join("plan.html")).unwrap();
    fs::write(dir.path().join("seeds.csv"), "id,name,url\ndevon,Devon,plan.html\n").unwrap();
    let first = plansift(&["run", "--quiet", "--seeds", "seeds.csv", "--out", "out"], dir.path());
    assert_eq!(first.status.code(), Some(0));
    let before = read_json(&dir.path().join("out/devon.json"));

    fs::remove_file(dir.path().join("plan.html")).unwrap();
    let second = plansift(&["run", "--quiet", "--seeds", "seeds.csv", "--out", "out"], dir.path());
    assert_eq!(second.status.code(), Some(1));
    let after = read_json(&dir.path().join("out/devon.json"));
    assert_eq!(after["paragraphs"], before["paragraphs"], "the last good record keeps its content");
    assert_eq!(after["source"], before["source"]);
    assert!(
        after["warnings"].as_array().unwrap().iter().any(|w| w["code"] == "stale"),
        "the kept record is marked stale: {}",
        after["warnings"]
    );
    assert!(schema_errors(&after).is_empty(), "a stale record still validates");
    let jsonl = fs::read_to_string(dir.path().join("out/records.jsonl")).unwrap();
    assert_eq!(jsonl.lines().count(), 1, "records.jsonl still holds the stale record");
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn a_limit_costs_one_council_a_warning_or_an_error_never_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let documents = crate_root().join("corpus/documents");
    let seeds = format!(
        "id,name,url\nashfield,Ashfield,{}\npeterborough,Peterborough,{}\nbromsgrove,Bromsgrove,{}\n",
        documents.join("ashfield.pdf").display(),
        documents.join("peterborough.html").display(),
        documents.join("bromsgrove.pdf").display(),
    );
    fs::write(dir.path().join("seeds.csv"), seeds).unwrap();
    let limits = ["--max-pages", "2", "--max-html-size", "4KiB"];
    let mut args = vec!["run", "--seeds", "seeds.csv", "--out", "out"];
    args.extend(limits);
    let output = plansift(&args, dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "one council fails: {stderr}");
    assert!(stderr.contains("peterborough:") && stderr.contains("over the HTML limit of 4096 bytes"), "{stderr}");

    let run = read_json(&dir.path().join("out/run.json"));
    let statuses: Vec<&str> =
        run["councils"].as_array().unwrap().iter().map(|c| c["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["fetched", "failed", "fetched"]);
    for id in ["ashfield", "bromsgrove"] {
        let record = read_json(&dir.path().join(format!("out/{id}.json")));
        let warning = record["warnings"].as_array().unwrap().iter().find(|w| w["code"] == "limit_reached");
        let message = warning.unwrap_or_else(|| panic!("{id}: no limit warning")).get("message").unwrap();
        assert!(message.as_str().unwrap().starts_with("only the first 2 of"), "{id}: {message}");
        assert!(record["paragraphs"].as_array().unwrap().iter().all(|p| p["page"].as_u64() <= Some(2)));
        assert!(schema_errors(&record).is_empty());
    }
    assert!(!dir.path().join("out/peterborough.json").exists());
}

#[test]
fn unusable_seed_lists_are_fatal_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let output = plansift(&["run", "--seeds", "absent.csv", "--out", "out"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("absent.csv"));

    fs::write(dir.path().join("bad.csv"), "id,name,url\nNot A Slug,X,x.pdf\n").unwrap();
    let output = plansift(&["run", "--seeds", "bad.csv", "--out", "out"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 2") && stderr.contains("Not A Slug"), "{stderr}");
    assert!(!dir.path().join("out/run.json").exists());
}

#[test]
fn extract_prints_readable_text_and_json_blocks() {
    let root = crate_root();
    let output = plansift(&["extract", "corpus/documents/ne-lincolnshire.html"], &root);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.lines().any(|l| l.starts_with("# ") || l.starts_with("## ")), "headings marked: {text}");
    assert!(text.contains("Productivity"));

    let output = plansift(&["extract", "--json", "corpus/documents/bromsgrove.pdf"], &root);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let blocks = json["blocks"].as_array().unwrap();
    assert!(blocks.iter().any(|b| b["kind"] == "heading"));
    assert!(blocks.iter().all(|b| b["page"].as_u64().is_some_and(|p| p >= 1)));

    let output = plansift(&["extract", "corpus/documents/absent.pdf"], &root);
    assert_ne!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("absent.pdf"));
}

#[test]
fn tagged_and_untagged_pdfs_give_valid_records_that_say_which_path_they_took() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = crate_root().join("tests/layouts/out");
    for variant in ["tagged", "untagged"] {
        fs::copy(
            fixtures.join(format!("numbered-questions-sans.{variant}.pdf")),
            dir.path().join(format!("{variant}.pdf")),
        )
        .unwrap();
    }
    fs::write(
        dir.path().join("seeds.csv"),
        "id,name,url\ntagged,Tagged Council,tagged.pdf\nuntagged,Untagged Council,untagged.pdf\n",
    )
    .unwrap();
    let output = plansift(&["run", "--quiet", "--seeds", "seeds.csv", "--out", "out"], dir.path());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut sections = Vec::new();
    for (id, structure) in [("tagged", "tagged"), ("untagged", "layout")] {
        let record = read_json(&dir.path().join(format!("out/{id}.json")));
        assert_eq!(schema_errors(&record), Vec::<String>::new(), "{id}");
        assert_eq!(record["document"]["structure"], structure, "{id}");
        // Both read the numbered questions as headings: the barriers answer stands
        // under question 4.
        let last = record["paragraphs"].as_array().unwrap().last().unwrap().clone();
        let section = last["section"].as_array().unwrap().last().unwrap().as_str().unwrap().to_string();
        assert!(section.starts_with("4. What are the barriers"), "{id}: {section}");
        sections.push(record["paragraphs"].as_array().unwrap().len());
    }
    assert_eq!(sections[0], sections[1], "both paths find the same units");
}

#[test]
fn a_reader_that_closes_the_pipe_ends_the_output_without_a_panic() {
    // `plansift extract --json FILE | head -1`: the reader goes away before the
    // output is written. The read end is closed before the child writes a byte.
    let pdf = crate_root().join("corpus/documents/ashfield.pdf");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_plansift"))
        .args(["extract", "--json"])
        .arg(&pdf)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}
