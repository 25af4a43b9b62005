//! End to end: `plansift run` over the sample corpus writes records whose figures
//! are the ones the plans state, valid against the record schema; and the
//! figures of the five shared sample texts are exactly the expected ones.

use std::path::{Path, PathBuf};
use std::process::Command;

use plansift::extract::{self, Input};
use plansift::figures::find_figures;
use plansift::limits::Limits;
use plansift::segment;
use serde_json::Value;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared data folder beside the repository (`../shared`), or beside the
/// worktree folder (`../../shared`) during development; `None` when absent.
fn shared_dir() -> Option<PathBuf> {
    [manifest_dir().join("../shared"), manifest_dir().join("../../shared")].into_iter().find(|p| p.is_dir())
}

fn schema_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(manifest_dir().join("schemas/council-record.schema.json"))
        .unwrap_or_else(|e| panic!("schema: {e}"));
    let schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("schema: {e}"));
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("schema: {e}"))
}

/// `plansift run --quiet` over the sample corpus into a fresh folder, and the
/// five records it wrote.
fn run_corpus() -> (tempfile::TempDir, Vec<Value>) {
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let status = Command::new(env!("CARGO_BIN_EXE_plansift"))
        .arg("run")
        .arg("--seeds")
        .arg(manifest_dir().join("corpus/councils.csv"))
        .arg("--out")
        .arg(out.path())
        .arg("--cache")
        .arg(out.path().join("cache"))
        .arg("--quiet")
        .status()
        .unwrap_or_else(|e| panic!("plansift run: {e}"));
    assert!(status.success(), "plansift run: {status}");
    let records = ["peterborough", "bromsgrove", "ashfield", "devon-minutes", "ne-lincolnshire"]
        .iter()
        .map(|id| {
            let text =
                std::fs::read_to_string(out.path().join(format!("{id}.json"))).unwrap_or_else(|e| panic!("{id}: {e}"));
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{id}: {e}"))
        })
        .collect();
    (out, records)
}

fn has_figure(record: &Value, id: &str, value: f64) -> bool {
    record["figures"].as_array().is_some_and(|figures| {
        figures.iter().any(|f| f["id"] == id && f["value"].as_f64().is_some_and(|v| (v - value).abs() < 1e-6))
    })
}

#[test]
fn run_writes_the_plans_figures_into_valid_records() {
    let (out, records) = run_corpus();
    let validator = schema_validator();
    for record in &records {
        let errors: Vec<String> =
            validator.iter_errors(record).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", record["council"]["id"]);
    }
    let lines = std::fs::read_to_string(out.path().join("records.jsonl")).unwrap_or_default();
    for line in lines.lines() {
        let record: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
        assert!(validator.is_valid(&record));
        assert!(!record["figures"].as_array().is_none_or(Vec::is_empty), "{}", record["council"]["id"]);
    }

    let expected: [(&str, &[(&str, f64)]); 5] = [
        (
            "peterborough",
            &[
                ("savings_delivered", 99.0),
                ("savings_delivered", 14_400_000.0),
                ("edi_spend", 22_300.0),
                ("agency_consultancy_spend", 14_800_000.0),
                ("agency_share_of_staffing", 18.9),
                ("agency_long_term_count", 31.0),
            ],
        ),
        (
            "bromsgrove",
            &[
                ("agency_consultancy_spend", 3_203_453.0),
                ("agency_long_term_count", 18.0),
                ("agency_share_of_staffing", 18.0),
                ("other_money", 16_100_000.0),
                ("other_money", 200_000.0),
                ("other_money", 6_000_000.0),
                ("other_percentage", 20.0),
            ],
        ),
        ("ashfield", &[("savings_delivered", 1_400_000.0), ("other_money", 250_000.0), ("other_money", 2_400_000.0)]),
        (
            "devon-minutes",
            &[("other_money", 12_000_000.0), ("other_money", 10_000_000.0), ("other_money", 2_000_000.0)],
        ),
        ("ne-lincolnshire", &[("facility_time_share", 0.19), ("other_percentage", 5.0)]),
    ];
    for (record, (council, figures)) in records.iter().zip(expected) {
        assert_eq!(record["council"]["id"], council);
        for (id, value) in figures {
            assert!(has_figure(record, id, *value), "{council}: no {id} = {value} in {}", record["figures"]);
        }
    }
    let bromsgrove_typo = records[1]["figures"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["raw"] == "£3,203.453"))
        .unwrap_or_else(|| panic!("bromsgrove: £3,203.453 missing"));
    assert_eq!(bromsgrove_typo["flags"], serde_json::json!(["ambiguous"]));
}

#[test]
fn record_figures_point_at_their_paragraph_text() {
    let (_out, records) = run_corpus();
    for record in &records {
        let paragraphs = record["paragraphs"].as_array().cloned().unwrap_or_default();
        for figure in record["figures"].as_array().cloned().unwrap_or_default() {
            let paragraph = paragraphs
                .iter()
                .find(|p| p["id"] == figure["paragraph"])
                .unwrap_or_else(|| panic!("{figure}: no such paragraph"));
            assert_eq!(paragraph["page"], figure["page"]);
            let chars: Vec<char> = paragraph["text"].as_str().unwrap_or_default().chars().collect();
            let start = figure["span"][0].as_u64().unwrap_or(u64::MAX) as usize;
            let end = figure["span"][1].as_u64().unwrap_or(0) as usize;
            assert!(start < end && end <= chars.len(), "{figure}");
            assert_eq!(chars[start..end].iter().collect::<String>(), figure["raw"].as_str().unwrap_or_default());
            let sentence = figure["sentence"].as_str().unwrap_or_default();
            assert!(paragraph["text"].as_str().unwrap_or_default().contains(sentence), "{figure}");
            let value = figure["value"].as_f64().unwrap_or_default();
            assert!(
                figure["unit"] != "count" || !(1900.0..2100.0).contains(&value),
                "a year taken for a count: {figure}"
            );
        }
    }
}

#[test]
fn extract_json_shows_blocks_and_figures() {
    let output = Command::new(env!("CARGO_BIN_EXE_plansift"))
        .arg("extract")
        .arg("--json")
        .arg(manifest_dir().join("corpus/documents/peterborough.html"))
        .output()
        .unwrap_or_else(|e| panic!("plansift extract: {e}"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert!(json["blocks"].as_array().is_some_and(|b| b.len() > 10));
    let figures = json["figures"].as_array().cloned().unwrap_or_default();
    let edi = figures.iter().find(|f| f["id"] == "edi_spend").unwrap_or_else(|| panic!("no edi_spend: {json}"));
    assert_eq!((edi["raw"].as_str(), edi["value"].as_f64()), (Some("£22.3k"), Some(22_300.0)));
    assert!(edi["paragraph"].as_str().is_some_and(|p| p.starts_with('p')));
}

/// The figures of one shared sample text as (id, raw) pairs.
fn sample_figures(path: &Path) -> Vec<(String, String)> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path.display().to_string();
    let input = Input { bytes: &bytes, content_type: None, name: Some(&name) };
    let document = extract::extract(&input, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let figures = find_figures(&segment::segment(&[document])).unwrap_or_else(|e| panic!("{e}"));
    figures.into_iter().map(|f| (f.id, f.raw)).collect()
}

#[test]
fn shared_sample_texts_yield_exactly_their_figures() {
    let Some(shared) = shared_dir() else {
        println!("skipped: shared data folder (../shared) not found");
        return;
    };
    let expected: [(&str, &[(&str, &str)]); 5] = [
        (
            "peterborough",
            &[
                ("savings_delivered", "99%"),
                ("savings_delivered", "£14.4m"),
                ("edi_spend", "£22.3k"),
                ("agency_consultancy_spend", "£14.8m"),
                ("agency_share_of_staffing", "18.9%"),
                ("agency_long_term_count", "31 agency and consultancy staff members"),
            ],
        ),
        (
            "bromsgrove",
            &[
                ("other_money", "£16.1m"),
                ("other_money", "£200k"),
                ("agency_share_of_staffing", "circa 18%"),
                ("other_money", "£6m"),
                ("other_percentage", "20%"),
                ("agency_consultancy_spend", "£3,203.453"),
                ("agency_long_term_count", "18"),
            ],
        ),
        (
            "ashfield",
            &[
                ("savings_delivered", "approaching £3.9 million"),
                ("savings_delivered", "cumulative £1.4 million"),
                ("other_money", "between £250,000 - £500,000 per annum"),
                ("other_money", "over £2.4 million"),
                ("other_count", "3 National Graduate positions"),
            ],
        ),
        (
            "devon-minutes",
            &[("other_money", "£12 million"), ("other_money", "£10 million"), ("other_money", "£2 million")],
        ),
        ("ne-lincolnshire", &[("other_percentage", "5%"), ("facility_time_share", "0.19%")]),
    ];
    for (name, figures) in expected {
        let path = shared.join(format!("samples/text/{name}.txt"));
        if !path.is_file() {
            println!("skipped: {} not found", path.display());
            continue;
        }
        let expected: Vec<(String, String)> = figures.iter().map(|(i, r)| (i.to_string(), r.to_string())).collect();
        assert_eq!(sample_figures(&path), expected, "{name}");
    }
}

#[test]
fn every_figure_id_the_rules_can_give_is_in_the_schema() {
    let text = std::fs::read_to_string(manifest_dir().join("schemas/council-record.schema.json")).unwrap_or_default();
    let schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let allowed: Vec<&str> = schema["$defs"]["figure"]["properties"]["id"]["enum"]
        .as_array()
        .map(|ids| ids.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let rules = plansift::figures::FigureRules::embedded().unwrap_or_else(|e| panic!("{e}"));
    let defaults = &rules.assign.defaults;
    let given = rules.assign.rules.iter().map(|r| r.figure.as_str()).chain([
        defaults.gbp.as_str(),
        defaults.percent.as_str(),
        defaults.count.as_str(),
    ]);
    for id in given {
        assert!(allowed.contains(&id), "{id} is not in the schema's figure ids {allowed:?}");
    }
}
