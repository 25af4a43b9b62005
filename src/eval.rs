//! Scoring records against a gold file of hand-labelled units.
//!
//! Implements the matching rule of the gold set's README exactly as the reference
//! scorer (`tools/score.py`) does, so both give the same figures: both sides
//! normalised (Markdown links reduced, NFKC, curly quotes and dashes straightened,
//! bullets dropped, lower case, whitespace collapsed); a gold unit is found in the
//! first output paragraph, from the previous match on (wrapping round), that
//! contains its first 60 characters, or else in a run of finer output paragraphs
//! it contains. A unit not found counts as predicted with no labels.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use unicode_normalization::UnicodeNormalization;

/// Characters of a gold unit's normalised text that must appear in the output paragraph.
pub const PREFIX_CHARS: usize = 60;

static MARKDOWN_LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[([^\]]*)\]\([^)]*\)").expect("valid regex"));

/// Why an evaluation could not run.
#[derive(Debug, Error)]
pub enum EvalError {
    /// The gold file cannot be read.
    #[error("cannot read gold file {path}: {source}")]
    ReadGold {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A gold line is not a valid unit.
    #[error("{path}:{line}: not a gold unit: {message}")]
    BadGold {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The records folder cannot be listed.
    #[error("cannot read records folder {path}: {source}")]
    ReadRecords {
        /// The folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// One hand-labelled unit.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldUnit {
    /// The document (council record) id.
    pub doc: String,
    /// The unit's text.
    pub text: String,
    /// Theme ids.
    #[serde(default)]
    pub themes: Vec<String>,
    /// Barrier-category ids.
    #[serde(default)]
    pub barriers: Vec<String>,
}

/// An output paragraph as the scorer sees it.
#[derive(Debug, Clone)]
pub struct PredictedUnit {
    /// Normalised text.
    pub text: String,
    /// Theme ids.
    pub themes: BTreeSet<String>,
    /// Barrier-category ids.
    pub barriers: BTreeSet<String>,
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    /// Precision.
    pub p: f64,
    /// Recall.
    pub r: f64,
    /// F1.
    pub f: f64,
}

impl Prf {
    fn of(tp: usize, fp: usize, fn_: usize) -> Prf {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let p = ratio(tp, tp + fp);
        let r = ratio(tp, tp + fn_);
        let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        Prf { p, r, f }
    }
}

/// Figures for one label.
#[derive(Debug, Clone, Serialize)]
pub struct LabelScore {
    /// Precision, recall, F1.
    #[serde(flatten)]
    pub prf: Prf,
    /// Gold units carrying the label.
    pub support: usize,
    /// True positives, false positives, false negatives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// False negatives.
    pub fn_: usize,
}

/// Figures for themes or for barrier categories.
#[derive(Debug, Clone, Serialize)]
pub struct KindScore {
    /// Micro-averaged figures.
    pub micro: Prf,
    /// Mean F1 over labels with gold support.
    pub macro_f: f64,
    /// Per label, sorted by id.
    pub per_label: BTreeMap<String, LabelScore>,
    /// The most frequent (gold label missed, label predicted instead) pairs; `-` for none.
    pub confusions: Vec<Confusion>,
}

/// How often a gold label came out as another (or as nothing).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Confusion {
    /// The gold label missed, or `-` when the prediction was extra.
    pub gold: String,
    /// The label predicted in its place, or `-` when nothing was.
    pub predicted: String,
    /// Units where this happened.
    pub count: usize,
}

/// The whole evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Gold units.
    pub units: usize,
    /// Gold units found in the output.
    pub found: usize,
    /// Units that came out as a paragraph of their own.
    pub whole: usize,
    /// Gold documents without a record.
    pub missing_docs: Vec<String>,
    /// Theme figures.
    pub theme: KindScore,
    /// Barrier-category figures.
    pub barrier: KindScore,
    /// Per council, the set of barrier categories raised anywhere, against gold.
    pub council_barrier_sets: Prf,
    /// The headline figures per document kind (`plan`, `report`, `minutes`, as
    /// each record's `document.kind` says); empty when kinds were not given.
    pub by_kind: BTreeMap<String, KindSummary>,
}

/// The headline figures over the gold documents of one document kind.
#[derive(Debug, Clone, Serialize)]
pub struct KindSummary {
    /// Gold documents of this kind.
    pub docs: usize,
    /// Gold units in them.
    pub units: usize,
    /// Theme micro-averaged figures.
    pub theme: Prf,
    /// Barrier-category micro-averaged figures.
    pub barrier: Prf,
    /// Council barrier-set figures.
    pub council_barrier_sets: Prf,
}

/// Normalises text as the gold matching rule says.
pub fn normalise(text: &str) -> String {
    let unlinked = MARKDOWN_LINK.replace_all(text, "$1");
    let mut mapped = String::with_capacity(unlinked.len());
    for c in unlinked.nfkc() {
        match c {
            '\u{2018}' | '\u{2019}' => mapped.push('\''),
            '\u{201c}' | '\u{201d}' => mapped.push('"'),
            '\u{2013}' | '\u{2014}' => mapped.push('-'),
            '\u{2022}' | '\u{b7}' | '\u{f0b7}' | '\u{25aa}' | '\u{a0}' => mapped.push(' '),
            '\u{ad}' => {}
            _ => mapped.extend(c.to_lowercase()),
        }
    }
    let collapsed = mapped.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.trim_start_matches(['-', '*', '\u{2022}', '\u{b7}', ' ']).to_string()
}

/// Reads a gold JSON Lines file.
pub fn read_gold(path: &Path) -> Result<Vec<GoldUnit>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::ReadGold { path: path.into(), source })?;
    let mut units = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let unit: GoldUnit = serde_json::from_str(line).map_err(|e| EvalError::BadGold {
            path: path.into(),
            line: i + 1,
            message: e.to_string(),
        })?;
        units.push(unit);
    }
    Ok(units)
}

/// Reads every `<doc>.json` record with a `paragraphs` list in `dir`; other files are skipped.
pub fn read_records(dir: &Path) -> Result<HashMap<String, Vec<PredictedUnit>>, EvalError> {
    read_records_with_kinds(dir).map(|(records, _)| records)
}

/// Record id to its paragraphs as the scorer sees them.
pub type RecordUnits = HashMap<String, Vec<PredictedUnit>>;

/// Record id to its `document.kind`.
pub type RecordKinds = HashMap<String, String>;

/// [`read_records`], also giving each record's `document.kind` (`plan` where a
/// record names none).
pub fn read_records_with_kinds(dir: &Path) -> Result<(RecordUnits, RecordKinds), EvalError> {
    let mut kinds = HashMap::new();
    let entries = std::fs::read_dir(dir).map_err(|source| EvalError::ReadRecords { path: dir.into(), source })?;
    let mut records = HashMap::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(doc) = name.strip_suffix(".json") else { continue };
        let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
        let Some(paragraphs) = value.get("paragraphs").and_then(|p| p.as_array()) else { continue };
        let kind = value.pointer("/document/kind").and_then(|k| k.as_str()).unwrap_or("plan");
        kinds.insert(doc.to_string(), kind.to_string());
        let strings = |p: &serde_json::Value, key: &str| -> BTreeSet<String> {
            p.get(key)
                .and_then(|v| v.as_array())
                .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
                .unwrap_or_default()
        };
        let units = paragraphs
            .iter()
            .filter(|p| p.is_object())
            .map(|p| PredictedUnit {
                text: normalise(p.get("text").and_then(|t| t.as_str()).unwrap_or_default()),
                themes: strings(p, "themes"),
                barriers: strings(p, "barriers"),
            })
            .collect();
        records.insert(doc.to_string(), units);
    }
    Ok((records, kinds))
}

struct Prediction {
    found: bool,
    whole: bool,
    themes: BTreeSet<String>,
    barriers: BTreeSet<String>,
    next: usize,
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

fn predict(unit: &str, paragraphs: &[PredictedUnit], start: usize) -> Prediction {
    let key: String = unit.chars().take(PREFIX_CHARS).collect();
    let order: Vec<usize> = (start..paragraphs.len()).chain(0..start.min(paragraphs.len())).collect();
    if !key.is_empty() {
        for &j in &order {
            let text = &paragraphs[j].text;
            if text.contains(&key) {
                let whole = text.contains(unit) && (char_len(text) as f64) <= 1.2 * char_len(unit) as f64 + 12.0;
                return Prediction {
                    found: true,
                    whole,
                    themes: paragraphs[j].themes.clone(),
                    barriers: paragraphs[j].barriers.clone(),
                    next: j,
                };
            }
        }
    }
    for &j in &order {
        let text = &paragraphs[j].text;
        if char_len(text) >= 20 && unit.contains(text.as_str()) {
            let (mut themes, mut barriers, mut covered, mut k) = (BTreeSet::new(), BTreeSet::new(), 0, j);
            while k < paragraphs.len() && !paragraphs[k].text.is_empty() && unit.contains(paragraphs[k].text.as_str()) {
                themes.extend(paragraphs[k].themes.iter().cloned());
                barriers.extend(paragraphs[k].barriers.iter().cloned());
                covered += char_len(&paragraphs[k].text);
                k += 1;
            }
            if covered as f64 >= 0.6 * char_len(unit) as f64 {
                return Prediction { found: true, whole: false, themes, barriers, next: k - 1 };
            }
        }
    }
    Prediction { found: false, whole: false, themes: BTreeSet::new(), barriers: BTreeSet::new(), next: start }
}

/// Per-label true and false positives and negatives of one kind of label
/// (themes or barrier categories), and which labels came out in place of which.
#[derive(Debug, Default)]
pub struct Tally {
    counts: BTreeMap<String, [usize; 3]>,
    confusions: HashMap<(String, String), usize>,
}

impl Tally {
    /// Counts one unit: its gold labels against the predicted ones.
    pub fn add(&mut self, gold: &BTreeSet<String>, predicted: &BTreeSet<String>) {
        for label in gold.union(predicted) {
            let c = self.counts.entry(label.clone()).or_default();
            match (gold.contains(label), predicted.contains(label)) {
                (true, true) => c[0] += 1,
                (false, true) => c[1] += 1,
                _ => c[2] += 1,
            }
        }
        let missed: Vec<&String> = gold.difference(predicted).collect();
        let extra: Vec<&String> = predicted.difference(gold).collect();
        let none = "-".to_string();
        for m in &missed {
            if extra.is_empty() {
                *self.confusions.entry(((*m).clone(), none.clone())).or_default() += 1;
            }
            for e in &extra {
                *self.confusions.entry(((*m).clone(), (*e).clone())).or_default() += 1;
            }
        }
        if missed.is_empty() {
            for e in &extra {
                *self.confusions.entry((none.clone(), (*e).clone())).or_default() += 1;
            }
        }
    }

    /// The figures of every unit added, with the `top` most frequent confusions.
    pub fn score(self, top: usize) -> KindScore {
        let (mut tp, mut fp, mut fn_) = (0, 0, 0);
        let mut per_label = BTreeMap::new();
        for (label, c) in &self.counts {
            tp += c[0];
            fp += c[1];
            fn_ += c[2];
            per_label.insert(
                label.clone(),
                LabelScore { prf: Prf::of(c[0], c[1], c[2]), support: c[0] + c[2], tp: c[0], fp: c[1], fn_: c[2] },
            );
        }
        let supported: Vec<f64> = per_label.values().filter(|s| s.support > 0).map(|s| s.prf.f).collect();
        let macro_f = if supported.is_empty() { 0.0 } else { supported.iter().sum::<f64>() / supported.len() as f64 };
        let mut confusions: Vec<Confusion> = self
            .confusions
            .into_iter()
            .map(|((gold, predicted), count)| Confusion { gold, predicted, count })
            .collect();
        confusions.sort_by(|a, b| b.count.cmp(&a.count).then(a.gold.cmp(&b.gold)).then(a.predicted.cmp(&b.predicted)));
        confusions.truncate(top);
        KindScore { micro: Prf::of(tp, fp, fn_), macro_f, per_label, confusions }
    }
}

/// Scores `records` (by document id) against `gold`, listing the `top` most frequent confusions.
pub fn evaluate(gold: &[GoldUnit], records: &HashMap<String, Vec<PredictedUnit>>, top: usize) -> Report {
    let (mut themes, mut barriers) = (Tally::default(), Tally::default());
    let mut cursor: HashMap<&str, usize> = HashMap::new();
    let mut doc_gold: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut missing = BTreeSet::new();
    let (mut found, mut whole) = (0, 0);
    let empty = Vec::new();
    for unit in gold {
        let paragraphs = records.get(&unit.doc).unwrap_or_else(|| {
            missing.insert(unit.doc.clone());
            &empty
        });
        let start = cursor.get(unit.doc.as_str()).copied().unwrap_or(0);
        let prediction = predict(&normalise(&unit.text), paragraphs, start);
        cursor.insert(&unit.doc, prediction.next);
        found += usize::from(prediction.found);
        whole += usize::from(prediction.whole);
        let gold_themes: BTreeSet<String> = unit.themes.iter().cloned().collect();
        let gold_barriers: BTreeSet<String> = unit.barriers.iter().cloned().collect();
        themes.add(&gold_themes, &prediction.themes);
        barriers.add(&gold_barriers, &prediction.barriers);
        doc_gold.entry(&unit.doc).or_default().extend(gold_barriers);
    }
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for (doc, gold_set) in &doc_gold {
        let predicted: BTreeSet<String> = records
            .get(*doc)
            .map(|ps| ps.iter().flat_map(|p| p.barriers.iter().cloned()).collect())
            .unwrap_or_default();
        tp += gold_set.intersection(&predicted).count();
        fp += predicted.difference(gold_set).count();
        fn_ += gold_set.difference(&predicted).count();
    }
    Report {
        units: gold.len(),
        found,
        whole,
        missing_docs: missing.into_iter().collect(),
        theme: themes.score(top),
        barrier: barriers.score(top),
        council_barrier_sets: Prf::of(tp, fp, fn_),
        by_kind: BTreeMap::new(),
    }
}

/// [`evaluate`], with the headline figures also given per document kind
/// (`kinds`: record id to kind; a document without a record counts as `-`).
pub fn evaluate_with_kinds(
    gold: &[GoldUnit],
    records: &HashMap<String, Vec<PredictedUnit>>,
    kinds: &HashMap<String, String>,
    top: usize,
) -> Report {
    let mut report = evaluate(gold, records, top);
    let kind_of = |doc: &str| kinds.get(doc).cloned().unwrap_or_else(|| "-".to_string());
    let mut by_kind: BTreeMap<String, Vec<GoldUnit>> = BTreeMap::new();
    for unit in gold {
        by_kind.entry(kind_of(&unit.doc)).or_default().push(unit.clone());
    }
    for (kind, units) in by_kind {
        let part = evaluate(&units, records, 0);
        let docs = units.iter().map(|u| u.doc.as_str()).collect::<BTreeSet<_>>().len();
        report.by_kind.insert(
            kind,
            KindSummary {
                docs,
                units: units.len(),
                theme: part.theme.micro,
                barrier: part.barrier.micro,
                council_barrier_sets: part.council_barrier_sets,
            },
        );
    }
    report
}

impl Report {
    /// The report as readable text, in the layout of the reference scorer plus confusions.
    pub fn to_text(&self) -> String {
        let pct = |n: usize| if self.units == 0 { 0.0 } else { 100.0 * n as f64 / self.units as f64 };
        let mut out = format!(
            "units {}  found {} ({:.1}%)  whole {} ({:.1}%)  missing docs: {}\n",
            self.units,
            self.found,
            pct(self.found),
            self.whole,
            pct(self.whole),
            if self.missing_docs.is_empty() { "-".to_string() } else { self.missing_docs.join(", ") }
        );
        for (name, kind) in [("theme", &self.theme), ("barrier", &self.barrier)] {
            out.push_str(&format!(
                "{name:8} micro P {:.3} R {:.3} F1 {:.3}   macro F1 {:.3}\n",
                kind.micro.p, kind.micro.r, kind.micro.f, kind.macro_f
            ));
            for (label, s) in &kind.per_label {
                out.push_str(&format!(
                    "    {label:34} P {:.2} R {:.2} F1 {:.2}  n={}\n",
                    s.prf.p, s.prf.r, s.prf.f, s.support
                ));
            }
        }
        let c = &self.council_barrier_sets;
        out.push_str(&format!("council barrier sets  P {:.3} R {:.3} F1 {:.3}\n", c.p, c.r, c.f));
        if !self.by_kind.is_empty() {
            out.push_str("by document kind (micro F1):\n");
            out.push_str(&format!(
                "    {:8} {:>4} {:>6} {:>7} {:>8} {:>13}\n",
                "kind", "docs", "units", "theme", "barrier", "council sets"
            ));
            for (kind, k) in &self.by_kind {
                out.push_str(&format!(
                    "    {kind:8} {:>4} {:>6} {:>7.3} {:>8.3} {:>13.3}\n",
                    k.docs, k.units, k.theme.f, k.barrier.f, k.council_barrier_sets.f
                ));
            }
        }
        for (name, kind) in [("theme", &self.theme), ("barrier", &self.barrier)] {
            out.push_str(&format!("most frequent {name} confusions (gold -> predicted, '-' = none):\n"));
            for c in &kind.confusions {
                out.push_str(&format!("    {:5}  {} -> {}\n", c.count, c.gold, c.predicted));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn predicted(text: &str, themes: &[&str]) -> PredictedUnit {
        PredictedUnit {
            text: normalise(text),
            themes: themes.iter().map(|s| s.to_string()).collect(),
            barriers: BTreeSet::new(),
        }
    }

    fn gold(doc: &str, text: &str, themes: &[&str]) -> GoldUnit {
        GoldUnit {
            doc: doc.into(),
            text: text.into(),
            themes: themes.iter().map(|s| s.to_string()).collect(),
            barriers: vec![],
        }
    }

    #[test]
    fn normalisation_follows_the_gold_rule() {
        assert_eq!(normalise("• “Multi-year”\u{a0} settlements – [now](#)"), "\"multi-year\" settlements - now");
        assert_eq!(normalise("- \u{f0b7} Council’s  plan"), "council's plan");
    }

    #[test]
    fn units_match_by_prefix_in_order_and_finer_splits_unite() {
        let long =
            "We would like to see multi-year financial settlements to provide certainty and stability for planning.";
        let records = HashMap::from([(
            "d".to_string(),
            vec![
                predicted("Barriers", &[]),
                predicted(&format!("1. {long}"), &["barriers"]),
                predicted("Barriers", &["barriers"]),
                predicted("The first half of a split unit here,", &["monitoring"]),
                predicted("and the second half of that unit.", &["reducing_waste"]),
            ],
        )]);
        let gold_units = vec![
            gold("d", long, &["barriers"]),
            gold("d", "Barriers", &["barriers"]),
            gold("d", "The first half of a split unit here, and the second half of that unit.", &["monitoring"]),
            gold("e", "Missing document unit", &["monitoring"]),
        ];
        let report = evaluate(&gold_units, &records, 5);
        assert_eq!((report.found, report.missing_docs.clone()), (3, vec!["e".to_string()]));
        let t = &report.theme.per_label;
        assert_eq!((t["barriers"].tp, t["barriers"].fp), (2, 0), "in-order matching takes the later 'Barriers'");
        assert_eq!((t["monitoring"].tp, t["monitoring"].fn_), (1, 1));
        assert_eq!(t["reducing_waste"].fp, 1, "labels of finer paragraphs are united");
        assert!(report.theme.confusions.contains(&Confusion {
            gold: "-".into(),
            predicted: "reducing_waste".into(),
            count: 1
        }));
    }
}
