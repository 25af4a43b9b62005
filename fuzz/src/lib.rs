//! The entry points of plansift's fuzz targets.
//!
//! Each target in `fuzz_targets/` is one line calling a function here, and
//! `tests/fuzz_regressions.rs` includes this file, so a regression input is
//! replayed through exactly the code the fuzzer ran it through.
//!
//! Every entry point returns `Err` with the library's message when the input was
//! refused; the fuzzer ignores the outcome (only panics, hangs and memory count),
//! the regression test checks it for inputs that must be accepted.

use std::hint::black_box;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use plansift::classify::{Classifier, Rules, RulesError, UnitRef};
use plansift::document::{BlockKind, Document};
use plansift::extract::pdf::layout::rules::Compiled as LayoutRules;
use plansift::extract::{self, Input};
use plansift::fetch::discover::DiscoveryRules;
use plansift::figures::{self, FigureRules};
use plansift::limits::Limits;
use plansift::{seeds, segment};

/// The limits every extraction target runs under.
///
/// The same kinds of limit a user sets, made small enough that one input stays far
/// below libFuzzer's 2 GB RSS limit and its `-timeout`: a document that runs past
/// `time_per_document` by more than `-timeout` is a hang in plansift, not in the
/// fuzzer.
pub fn limits() -> Limits {
    Limits {
        max_document_bytes: 4 * 1024 * 1024,
        max_inflated_bytes_per_stream: 16 * 1024 * 1024,
        max_inflated_bytes_per_document: 64 * 1024 * 1024,
        max_object_depth: 32,
        max_pages: 200,
        max_blocks: 20_000,
        max_html_depth: 256,
        max_fragments_per_page: 3_000,
        max_attributes_per_tag: 256,
        max_html_bytes: 4 * 1024 * 1024,
        time_per_document: Duration::from_secs(2),
    }
}

/// Bytes declared a PDF by the server: extraction, then what a record is built from.
pub fn pdf(data: &[u8]) -> Result<(), String> {
    extract_and_use(Input { bytes: data, content_type: Some("application/pdf"), name: Some("plan.pdf") })
}

/// Bytes declared an HTML page by the server: extraction, then what a record is built from.
pub fn html(data: &[u8]) -> Result<(), String> {
    extract_and_use(Input { bytes: data, content_type: Some("text/html; charset=utf-8"), name: Some("plan.html") })
}

/// Extracts `input` and, when that works, segments, classifies and finds figures in
/// the text as `pipeline::build_record` does: the extracted text is as hostile as
/// the bytes it came from.
fn extract_and_use(input: Input) -> Result<(), String> {
    let document = extract::extract(&input, &limits()).map_err(|e| e.to_string())?;
    let units = segment::segment(std::slice::from_ref(&document));
    figures::find_figures(&units).map_err(|e| e.to_string())?;
    let refs: Vec<UnitRef<'_>> = units
        .iter()
        .map(|unit| UnitRef { id: &unit.id, text: &unit.text, kind: unit.kind, section: &unit.section })
        .collect();
    let classifier = builtin_classifier().as_ref().map_err(|e| e.to_string())?;
    black_box(classifier.classify(&refs));
    check_document(&document);
    Ok(())
}

/// The contract of [`Document`] that records and schemas rely on; a violation is a
/// bug, so the fuzzer reports it as a crash.
fn check_document(document: &Document) {
    assert!(document.blocks.len() <= limits().max_blocks, "the block limit was not applied");
    for block in &document.blocks {
        match (block.kind, block.level) {
            (BlockKind::Heading, Some(1..=6))
            | (BlockKind::Paragraph | BlockKind::ListItem | BlockKind::TableRow, None) => {}
            (kind, level) => panic!("a {kind:?} block with level {level:?}"),
        }
        if let Some(page) = block.page {
            assert!(
                page >= 1 && document.pages.is_some_and(|pages| page <= pages),
                "block on page {page} of {:?}",
                document.pages
            );
        }
    }
}

fn builtin_classifier() -> &'static Result<Classifier, RulesError> {
    static CLASSIFIER: OnceLock<Result<Classifier, RulesError>> = OnceLock::new();
    CLASSIFIER.get_or_init(Classifier::builtin)
}

/// A seed list's bytes, as `--seeds FILE` reads them.
pub fn seeds(data: &[u8]) -> Result<(), String> {
    let seeds = seeds::parse_seeds(data, Path::new("/seeds")).map_err(|e| e.to_string())?;
    assert!(!seeds.is_empty(), "an accepted seed list names a council");
    for seed in &seeds {
        assert!(seeds::is_valid_id(&seed.id), "an accepted id is a slug: {:?}", seed.id);
        assert!(!seed.locations.is_empty(), "council {:?} has no location", seed.id);
        for location in &seed.locations {
            black_box(location.to_url_string());
        }
    }
    Ok(())
}

/// A rules file. The first byte picks the parser (the classification rules a user
/// passes with `--rules`, or the figure, PDF layout and discovery rules); the rest
/// is the file's text.
pub fn rules(data: &[u8]) -> Result<(), String> {
    let Some((&selector, text)) = data.split_first() else { return Err("no selector byte".into()) };
    let text = std::str::from_utf8(text).map_err(|e| e.to_string())?;
    match selector % 4 {
        0 => classification_rules(text),
        1 => {
            let rules = FigureRules::from_toml(text).map_err(|e| e.to_string())?;
            black_box(figures::FigureFinder::new(&rules).in_text(SAMPLE_TEXT, "p1", Some(1)));
            Ok(())
        }
        2 => {
            let rules = LayoutRules::parse(text).map_err(|e| e.to_string())?;
            black_box(rules.is_marker("1."));
            black_box(rules.is_furniture_text("Page 3 of 12"));
            Ok(())
        }
        _ => {
            let rules = DiscoveryRules::parse(text)?;
            let url = url::Url::parse("https://council.example/plan/productivity-plan-2024.pdf")
                .map_err(|e| e.to_string())?;
            black_box(rules.score("Productivity plan 2024 (PDF, 1 MB)", &url));
            black_box(rules.is_next_text("Next page"));
            Ok(())
        }
    }
}

/// Text that every kind of rule has something to match in.
const SAMPLE_TEXT: &str = "Productivity plan 2024/25. We saved £1.2m (12%) through 3 shared services; \
     single-year settlements and the recruitment of social workers remain barriers. \
     Between £2 million and £3.5bn, around 40 staff, 2,500 residents.";

/// Classification rules as `--rules FILE` loads them, then used on a few units.
fn classification_rules(text: &str) -> Result<(), String> {
    let rules = Rules::from_toml(text).map_err(|e| e.to_string())?;
    let classifier = Classifier::new(rules).map_err(|e| e.to_string())?;
    let section = ["Barriers to productivity".to_string()];
    let units = [
        UnitRef { id: "p1", text: "Barriers to productivity", kind: BlockKind::Paragraph, section: &[] },
        UnitRef { id: "p2", text: "The main barriers are:", kind: BlockKind::Paragraph, section: &section },
        UnitRef { id: "p3", text: SAMPLE_TEXT, kind: BlockKind::ListItem, section: &section },
    ];
    black_box(classifier.match_heading(section[0].as_str()));
    black_box(classifier.classify(&units));
    Ok(())
}
