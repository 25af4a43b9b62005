//! Scores the classifier on the challenge set in `tests/challenge/`: standalone
//! units written for plansift (paraphrases per theme and barrier category, hard
//! negatives, non-answers) and short synthetic documents with gold labels.
//!
//! Shared by `tests/challenge.rs` (which asserts floors) and
//! `examples/challenge.rs` (which prints the figures).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use plansift::classify::{Classifier, UnitRef};
use plansift::document::BlockKind;
use plansift::eval::{self, GoldUnit, KindScore, PredictedUnit, Tally};
use serde::Deserialize;

/// One standalone challenge unit.
#[derive(Debug, Clone, Deserialize)]
pub struct Item {
    pub id: String,
    pub group: String,
    pub text: String,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub barriers: Vec<String>,
    #[serde(default)]
    pub section: Vec<String>,
}

/// The challenge figures.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub items: usize,
    pub themes: KindScore,
    pub barriers: KindScore,
    /// Non-answer units given any theme, of all non-answer units.
    pub non_answers_labelled: (usize, usize),
    /// Units that went wrong: (id, gold themes+barriers, predicted).
    pub errors: Vec<(String, String, String, String)>,
}

/// The challenge folder beside this file.
pub fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/challenge")
}

/// Reads every `*.jsonl` of standalone units in the challenge folder.
pub fn read_items() -> Vec<Item> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder())
        .expect("challenge folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut items = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("challenge file");
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let item: Item = serde_json::from_str(line).unwrap_or_else(|e| panic!("{}:{}: {e}", file.display(), i + 1));
            items.push(item);
        }
    }
    items
}

fn set(labels: &[String]) -> BTreeSet<String> {
    labels.iter().cloned().collect()
}

/// Classifies each item on its own (with its section, as a paragraph or, when
/// it starts with a bullet, a list item) and scores it.
pub fn score_items(classifier: &Classifier, items: &[Item]) -> Challenge {
    let (mut themes, mut barriers) = (Tally::default(), Tally::default());
    let mut non_answers_labelled = (0, 0);
    let mut errors = Vec::new();
    for item in items {
        let bullet = item.text.starts_with(['-', '•', '*']);
        let kind = if bullet { BlockKind::ListItem } else { BlockKind::Paragraph };
        let unit = UnitRef { id: "p1", text: &item.text, kind, section: &item.section };
        let labels = classifier.classify(&[unit]).remove(0);
        let (gold_t, gold_b) = (set(&item.themes), set(&item.barriers));
        let (pred_t, pred_b) = (set(&labels.themes), set(&labels.barriers));
        themes.add(&gold_t, &pred_t);
        barriers.add(&gold_b, &pred_b);
        if item.group == "non_answer" {
            non_answers_labelled.1 += 1;
            non_answers_labelled.0 += usize::from(!pred_t.is_empty());
        }
        if gold_t != pred_t || gold_b != pred_b {
            let show = |t: &BTreeSet<String>, b: &BTreeSet<String>| {
                format!(
                    "{} / {}",
                    t.iter().cloned().collect::<Vec<_>>().join(","),
                    b.iter().cloned().collect::<Vec<_>>().join(",")
                )
            };
            errors.push((item.id.clone(), item.text.clone(), show(&gold_t, &gold_b), show(&pred_t, &pred_b)));
        }
    }
    Challenge { items: items.len(), themes: themes.score(0), barriers: barriers.score(0), non_answers_labelled, errors }
}

/// Runs the synthetic documents in `tests/challenge/docs/` through plain-text
/// extraction, segmentation and classification, and scores them against
/// `docs/gold.jsonl` with the gold matching rule.
pub fn score_documents(classifier: &Classifier) -> eval::Report {
    let docs = folder().join("docs");
    let gold: Vec<GoldUnit> = eval::read_gold(&docs.join("gold.jsonl")).expect("documents gold");
    let names: BTreeSet<String> = gold.iter().map(|u| u.doc.clone()).collect();
    let mut records = std::collections::HashMap::new();
    let mut kinds = std::collections::HashMap::new();
    for name in names {
        let text = std::fs::read_to_string(docs.join(format!("{name}.txt"))).expect("challenge document");
        let mut document = plansift::extract::text::from_str(&text);
        document.assign_sections();
        let units = plansift::segment::segment(std::slice::from_ref(&document));
        let refs: Vec<UnitRef<'_>> =
            units.iter().map(|u| UnitRef { id: &u.id, text: &u.text, kind: u.kind, section: &u.section }).collect();
        let classified = classifier.classify_document(&refs);
        kinds.insert(name.clone(), classified.kind.to_string());
        let labels = classified.labels;
        let predicted: Vec<PredictedUnit> = units
            .iter()
            .zip(labels)
            .map(|(u, l)| PredictedUnit {
                text: eval::normalise(&u.text),
                themes: l.themes.into_iter().collect(),
                barriers: l.barriers.into_iter().collect(),
            })
            .collect();
        records.insert(name, predicted);
    }
    eval::evaluate_with_kinds(&gold, &records, &kinds, 10)
}

/// The figures as text: micro and per-label precision, recall and F1.
pub fn to_text(c: &Challenge) -> String {
    let mut out = format!("challenge units {}\n", c.items);
    for (name, scores) in [("theme", &c.themes), ("barrier", &c.barriers)] {
        let m = scores.micro;
        out.push_str(&format!("{name:8} micro P {:.3} R {:.3} F1 {:.3}\n", m.p, m.r, m.f));
        for (label, s) in &scores.per_label {
            out.push_str(&format!(
                "    {label:34} P {:.2} R {:.2} F1 {:.2}  n={}\n",
                s.prf.p, s.prf.r, s.prf.f, s.support
            ));
        }
    }
    out.push_str(&format!("non-answers given a theme: {} of {}\n", c.non_answers_labelled.0, c.non_answers_labelled.1));
    out
}
