//! End to end: a plan written for this test goes through `run`; its record is
//! labelled, summarised and valid against the strict record schema.

use std::sync::Arc;

use plansift::classify::Classifier;
use plansift::limits::Limits;
use plansift::pipeline::{self, RunOptions};

const PLAN: &str = "Productivity Plan 2024\n\n\
Background\n\n\
The Minister wrote to all councils in April asking for a plan.\n\n\
Theme one: transforming our services\n\n\
We created a shared service for revenues with our neighbouring district, saving £250k a year.\n\n\
Theme four: barriers government could help remove\n\n\
Single-year settlements stop us planning beyond the next financial year.\n\n\
Recruitment of planning officers remains very difficult and we depend on agency staff.\n\n\
How we will monitor delivery\n\n\
Progress is reported quarterly to Cabinet through our performance dashboard and KPIs.";

#[test]
fn a_plan_is_classified_summarised_and_valid() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("plan.txt"), PLAN).expect("write plan");
    std::fs::write(dir.path().join("seeds.csv"), "id,name,url\ntestshire,Testshire Council,plan.txt\n").expect("seeds");
    let options = RunOptions {
        seeds: dir.path().join("seeds.csv"),
        out_dir: dir.path().join("out"),
        limits: Limits::default(),
        progress: false,
        classifier: Arc::new(Classifier::builtin().expect("shipped rules")),
        fetch: plansift::fetch::crawler::CrawlOptions {
            cache_dir: dir.path().join("cache"),
            ..plansift::fetch::crawler::CrawlOptions::default()
        },
        rebuild: false,
        threads: None,
    };
    let report = pipeline::run(&options).expect("run");
    assert_eq!(report.totals.ok, 1, "{:?}", report.councils[0].reason);
    let text = std::fs::read_to_string(dir.path().join("out/testshire.json")).expect("record");
    let record: serde_json::Value = serde_json::from_str(&text).expect("json");

    let schema_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/council-record.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).expect("schema")).expect("schema json");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(&record).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let paragraphs = record["paragraphs"].as_array().expect("paragraphs");
    let find = |start: &str| {
        paragraphs
            .iter()
            .find(|p| p["text"].as_str().is_some_and(|t| t.starts_with(start)))
            .unwrap_or_else(|| panic!("no unit starting {start:?}"))
    };
    let labels = |p: &serde_json::Value, key: &str| -> Vec<String> {
        p[key].as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default()
    };
    assert!(labels(find("The Minister"), "themes").is_empty());
    assert_eq!(labels(find("We created"), "themes"), ["service_transformation", "reducing_waste"]);
    let settlements = find("Single-year");
    assert_eq!(labels(settlements, "barriers"), ["funding_certainty"]);
    assert!(labels(find("Recruitment"), "barriers").contains(&"workforce_and_skills".to_string()));
    assert!(labels(find("Progress is reported"), "themes").contains(&"monitoring".to_string()));

    let summary = &record["summary"];
    assert_eq!(summary["themes"]["barriers"], 2);
    assert_eq!(summary["barriers"]["funding_certainty"], serde_json::json!([settlements["id"]]));
    assert_eq!(summary["barriers"]["audit_and_oversight"], serde_json::json!([]));
}
