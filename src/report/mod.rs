//! Reports over a run's council records: one self-contained HTML page, tidy CSV
//! files and an SQLite database with full-text search.
//!
//! [`load`] reads the records of an output folder into a [`Corpus`]; [`Model::build`]
//! counts what the outputs show (which council raises which barrier category, theme
//! coverage); [`write()`] writes every output. Everything is sorted and no clock is
//! read, so the same records give byte-identical files.

pub mod csv;
pub mod html;
pub mod sqlite;
pub mod svg;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

use crate::atomic;
use crate::figures::Figure;

/// The presentation data (display names, order, thresholds): `rules/report.toml`.
const PRESENTATION_TOML: &str = include_str!("../../rules/report.toml");

/// The name of the HTML page among the outputs.
pub const INDEX_HTML: &str = "index.html";
/// The name of the SQLite database among the outputs.
pub const DATABASE: &str = "plans.sqlite";

/// Shown as the rules version when neither `run.json` nor the records name one.
pub const EMBEDDED_RULES: &str = "embedded";

/// A failure that stops the report.
#[derive(Debug, Error)]
pub enum ReportError {
    /// The records folder cannot be listed.
    #[error("cannot read records folder {path}: {source}")]
    ReadDir {
        /// The folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file in the records folder cannot be read.
    #[error("cannot read {path}: {source}")]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file is not JSON, or looks like a record but does not have a record's shape.
    #[error("{path}: not a valid council record: {source}")]
    BadRecord {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        source: serde_json::Error,
    },
    /// `run.json` is present but unreadable.
    #[error("{path}: not a valid run.json: {source}")]
    BadRun {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        source: serde_json::Error,
    },
    /// Two record files are about the same council.
    #[error("council {id} has two records: {first} and {second}")]
    DuplicateCouncil {
        /// The council id.
        id: String,
        /// The first file found.
        first: PathBuf,
        /// The second file.
        second: PathBuf,
    },
    /// The folder has no council records.
    #[error("no council records (*.json) in {path}; run `plansift run` first")]
    NoRecords {
        /// The folder.
        path: PathBuf,
    },
    /// An output file cannot be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A CSV file cannot be built.
    #[error("cannot build {path}: {source}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: ::csv::Error,
    },
    /// The SQLite database cannot be built.
    #[error("cannot build {path}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: rusqlite::Error,
    },
    /// `rules/report.toml` (embedded at build time) is invalid.
    #[error("embedded rules/report.toml is invalid: {0}")]
    Presentation(#[from] toml::de::Error),
}

/// Display names and order for the report: `rules/report.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Presentation {
    /// Minimum unit counts for the heat map's shades 1..=5.
    pub heat_levels: Vec<usize>,
    /// Quotes shown per council under each barrier category.
    pub quotes_per_council: usize,
    /// Longest quote shown, in characters.
    pub quote_max_chars: usize,
    /// The letter's themes, in the letter's order.
    pub themes: Vec<LabelName>,
    /// Barrier categories, in taxonomy order.
    pub barriers: Vec<LabelName>,
    /// The figures the letter asked for, in table order.
    pub figures: Vec<LabelName>,
}

/// A label's id with the names it is shown under.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelName {
    /// The taxonomy id.
    pub id: String,
    /// The full name.
    pub name: String,
    /// A short name for table headings.
    pub short: String,
    /// For themes, the letter's question.
    #[serde(default)]
    pub question: Option<String>,
}

impl Presentation {
    /// The presentation data embedded at build time.
    pub fn embedded() -> Result<Presentation, ReportError> {
        Ok(toml::from_str(PRESENTATION_TOML)?)
    }

    /// The heat-map shade (0 for none, 1..=5) for a cell of `count` units.
    pub fn heat_level(&self, count: usize) -> usize {
        self.heat_levels.iter().filter(|&&minimum| count >= minimum).count()
    }
}

/// One council record as the report reads it: tolerant of fields added after this
/// reader was written (a record `summary`, per-figure details), so reports keep
/// working as the record grows.
#[derive(Debug, Clone, Deserialize)]
pub struct LoadedRecord {
    /// The council.
    pub council: LoadedCouncil,
    /// Where the plan came from.
    #[serde(default)]
    pub source: LoadedSource,
    /// Document facts.
    #[serde(default)]
    pub document: LoadedDocument,
    /// The units in reading order.
    pub paragraphs: Vec<LoadedParagraph>,
    /// Warnings, counted only.
    #[serde(default)]
    pub warnings: Vec<serde_json::Value>,
    /// Figures found in the plan; absent in records written before figures existed.
    #[serde(default)]
    pub figures: Vec<Figure>,
    /// The record file's name within the records folder.
    #[serde(skip)]
    pub file: String,
}

/// The council a record is about.
#[derive(Debug, Clone, Deserialize)]
pub struct LoadedCouncil {
    /// The seed list's slug.
    pub id: String,
    /// The council's name.
    pub name: String,
}

/// Provenance of the plan.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LoadedSource {
    /// The URL asked for.
    pub url: String,
    /// Where the bytes came from.
    pub final_url: String,
    /// Detected format.
    pub content_type: String,
    /// SHA-256 of the bytes.
    pub sha256: String,
    /// Size of the bytes.
    pub bytes: u64,
    /// When the bytes were read, RFC 3339.
    pub fetched_at: String,
}

/// Facts about the document.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LoadedDocument {
    /// The title, when found.
    pub title: Option<String>,
    /// Page count for paged formats.
    pub pages: Option<u32>,
}

/// One unit with its labels.
#[derive(Debug, Clone, Deserialize)]
pub struct LoadedParagraph {
    /// `p1`, `p2`, ...
    pub id: String,
    /// `paragraph`, `list_item` or `table_row`.
    #[serde(default)]
    pub kind: String,
    /// The text.
    pub text: String,
    /// 1-based page, in paged sources.
    #[serde(default)]
    pub page: Option<u32>,
    /// Headings above the unit, outermost first.
    #[serde(default)]
    pub section: Vec<String>,
    /// Theme ids.
    #[serde(default)]
    pub themes: Vec<String>,
    /// Barrier-category ids.
    #[serde(default)]
    pub barriers: Vec<String>,
    /// Why each label was given.
    #[serde(default)]
    pub evidence: Vec<LoadedEvidence>,
}

impl LoadedParagraph {
    /// The section path as one line (`Barriers > Funding`).
    pub fn section_line(&self) -> String {
        self.section.join(" > ")
    }

    /// Character spans `[start, end)` of the evidence for `label`, sorted and merged,
    /// clipped to the text.
    pub fn spans_for(&self, label: &str) -> Vec<[usize; 2]> {
        let length = self.text.chars().count();
        let mut spans: Vec<[usize; 2]> = self
            .evidence
            .iter()
            .filter(|evidence| evidence.label == label)
            .flat_map(|evidence| evidence.spans.iter().copied())
            .map(|[start, end]| [start.min(length), end.min(length)])
            .filter(|[start, end]| start < end)
            .collect();
        spans.sort_unstable();
        let mut merged: Vec<[usize; 2]> = Vec::with_capacity(spans.len());
        for span in spans {
            match merged.last_mut() {
                Some(last) if span[0] <= last[1] => last[1] = last[1].max(span[1]),
                _ => merged.push(span),
            }
        }
        merged
    }
}

/// Why a unit carries one label.
#[derive(Debug, Clone, Deserialize)]
pub struct LoadedEvidence {
    /// The label supported.
    pub label: String,
    /// The rule that matched.
    pub rule: String,
    /// Character spans of the matches.
    #[serde(default)]
    pub spans: Vec<[usize; 2]>,
    /// The heading that set the label.
    #[serde(default)]
    pub heading: Option<String>,
}

/// What `run.json` contributes: the run's time and versions.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct RunFile {
    plansift_version: Option<String>,
    started_at: Option<String>,
    rules_version: Option<String>,
}

/// Provenance shown on the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunInfo {
    /// When the run started (from `run.json`), else the latest time a record's
    /// document was read; RFC 3339.
    pub run_date: String,
    /// The plansift version that wrote the records, when `run.json` says.
    pub records_version: Option<String>,
    /// The plansift version writing the report.
    pub report_version: String,
    /// The classification rules' version, or [`EMBEDDED_RULES`].
    pub rules_version: String,
}

/// The records of one output folder.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// One record per council, sorted by council id.
    pub records: Vec<LoadedRecord>,
    /// Provenance.
    pub run: RunInfo,
}

/// Reads every council record (`*.json` holding `council` and `paragraphs`) in
/// `dir`, and `run.json` when present. Other JSON files, `records.jsonl` and hidden
/// files are skipped.
pub fn load(dir: &Path) -> Result<Corpus, ReportError> {
    let entries = std::fs::read_dir(dir).map_err(|source| ReportError::ReadDir { path: dir.to_path_buf(), source })?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| ReportError::ReadDir { path: dir.to_path_buf(), source })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && !name.starts_with('.') && name != "run.json" {
            names.push(name);
        }
    }
    names.sort();

    let mut records: Vec<LoadedRecord> = Vec::new();
    let mut rules_versions = BTreeSet::new();
    for name in names {
        let path = dir.join(&name);
        if !path.is_file() {
            continue;
        }
        let text =
            std::fs::read_to_string(&path).map_err(|source| ReportError::ReadFile { path: path.clone(), source })?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|source| ReportError::BadRecord { path: path.clone(), source })?;
        let Some(object) = value.as_object() else { continue };
        if !object.contains_key("council") || !object.contains_key("paragraphs") {
            continue;
        }
        if let Some(version) = rules_version_in(&value) {
            rules_versions.insert(version);
        }
        let mut record: LoadedRecord =
            serde_json::from_value(value).map_err(|source| ReportError::BadRecord { path: path.clone(), source })?;
        record.file = name;
        if let Some(other) = records.iter().find(|other| other.council.id == record.council.id) {
            return Err(ReportError::DuplicateCouncil {
                id: record.council.id,
                first: dir.join(&other.file),
                second: path,
            });
        }
        records.push(record);
    }
    if records.is_empty() {
        return Err(ReportError::NoRecords { path: dir.to_path_buf() });
    }
    records.sort_by(|a, b| a.council.id.cmp(&b.council.id));

    let run_path = dir.join("run.json");
    let run_file = if run_path.is_file() {
        let text = std::fs::read_to_string(&run_path)
            .map_err(|source| ReportError::ReadFile { path: run_path.clone(), source })?;
        serde_json::from_str::<RunFile>(&text)
            .map_err(|source| ReportError::BadRun { path: run_path.clone(), source })?
    } else {
        RunFile::default()
    };
    let latest_fetch = records.iter().map(|record| record.source.fetched_at.clone()).max().unwrap_or_default();
    let rules_version = run_file
        .rules_version
        .or_else(|| (!rules_versions.is_empty()).then(|| rules_versions.into_iter().collect::<Vec<_>>().join(", ")))
        .unwrap_or_else(|| EMBEDDED_RULES.to_string());
    let run = RunInfo {
        run_date: run_file.started_at.unwrap_or(latest_fetch),
        records_version: run_file.plansift_version,
        report_version: env!("CARGO_PKG_VERSION").to_string(),
        rules_version,
    };
    Ok(Corpus { records, run })
}

/// The rules a record was labelled with: the first 12 hex digits of their hash.
fn rules_version_in(record: &serde_json::Value) -> Option<String> {
    let hash = record["generator"]["rules_sha256"].as_str()?;
    Some(hash.get(..12).unwrap_or(hash).to_string())
}

/// A barrier category with how many councils and units raise it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryRank {
    /// The category's id and names.
    pub label: LabelName,
    /// Councils with at least one unit in the category.
    pub councils: usize,
    /// Units in the category, over all councils.
    pub units: usize,
}

/// One council's counts.
#[derive(Debug, Clone)]
pub struct CouncilCounts {
    /// Barrier category id to the indices (into the record's paragraphs) of its units.
    pub barrier_units: BTreeMap<String, Vec<usize>>,
    /// Theme id to the number of units with it.
    pub theme_units: BTreeMap<String, usize>,
    /// Units with at least one theme.
    pub labelled_units: usize,
}

/// Everything the outputs show, computed once.
#[derive(Debug, Clone)]
pub struct Model {
    /// Display names and thresholds.
    pub presentation: Presentation,
    /// Provenance.
    pub run: RunInfo,
    /// The records, sorted by council id.
    pub records: Vec<LoadedRecord>,
    /// Counts per record, parallel to `records`.
    pub counts: Vec<CouncilCounts>,
    /// Barrier categories, most councils first (ties in taxonomy order); every
    /// taxonomy category appears, and any other category found in the records.
    pub categories: Vec<CategoryRank>,
    /// Themes: the letter's, then any other found in the records.
    pub themes: Vec<LabelName>,
}

impl Model {
    /// Counts labels over `corpus`.
    pub fn build(corpus: Corpus, presentation: Presentation) -> Model {
        let counts: Vec<CouncilCounts> = corpus.records.iter().map(count_record).collect();

        let mut categories: Vec<LabelName> = presentation.barriers.clone();
        let mut themes: Vec<LabelName> = presentation.themes.clone();
        for council in &counts {
            for id in council.barrier_units.keys() {
                if !categories.iter().any(|label| &label.id == id) {
                    categories.push(unnamed(id));
                }
            }
            for id in council.theme_units.keys() {
                if !themes.iter().any(|label| &label.id == id) {
                    themes.push(unnamed(id));
                }
            }
        }
        let taxonomy_len = presentation.barriers.len();
        // Categories found only in records sort after the taxonomy's, by id.
        categories[taxonomy_len..].sort_by(|a, b| a.id.cmp(&b.id));
        let themes_len = presentation.themes.len();
        themes[themes_len..].sort_by(|a, b| a.id.cmp(&b.id));

        let mut ranked: Vec<CategoryRank> = categories
            .into_iter()
            .map(|label| {
                let councils = counts.iter().filter(|c| c.barrier_units.contains_key(&label.id)).count();
                let units = counts.iter().filter_map(|c| c.barrier_units.get(&label.id)).map(Vec::len).sum();
                CategoryRank { label, councils, units }
            })
            .collect();
        // Stable sort keeps taxonomy order among equals.
        ranked.sort_by(|a, b| b.councils.cmp(&a.councils).then(b.units.cmp(&a.units)));

        Model { presentation, run: corpus.run, records: corpus.records, counts, categories: ranked, themes }
    }

    /// The indices of the units of record `council` in `category`, most evidence
    /// first, at most `presentation.quotes_per_council`.
    pub fn representative_units(&self, council: usize, category: &str) -> Vec<usize> {
        let Some(units) = self.counts[council].barrier_units.get(category) else { return Vec::new() };
        let record = &self.records[council];
        let mut ranked = units.clone();
        // Units whose own words match the category are better quotes than units
        // labelled only by their heading.
        ranked.sort_by_key(|&index| {
            let spans = record.paragraphs[index].spans_for(category).len();
            (std::cmp::Reverse(spans), index)
        });
        ranked.truncate(self.presentation.quotes_per_council);
        ranked
    }
}

fn unnamed(id: &str) -> LabelName {
    LabelName { id: id.to_string(), name: id.to_string(), short: id.to_string(), question: None }
}

fn count_record(record: &LoadedRecord) -> CouncilCounts {
    let mut barrier_units: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut theme_units: BTreeMap<String, usize> = BTreeMap::new();
    let mut labelled_units = 0;
    for (index, paragraph) in record.paragraphs.iter().enumerate() {
        let categories: BTreeSet<&String> = paragraph.barriers.iter().collect();
        for category in categories {
            barrier_units.entry(category.clone()).or_default().push(index);
        }
        let themes: BTreeSet<&String> = paragraph.themes.iter().collect();
        if !themes.is_empty() {
            labelled_units += 1;
        }
        for theme in themes {
            *theme_units.entry(theme.clone()).or_default() += 1;
        }
    }
    CouncilCounts { barrier_units, theme_units, labelled_units }
}

/// What [`write()`] produced.
#[derive(Debug, Clone)]
pub struct Written {
    /// Councils in the report.
    pub councils: usize,
    /// Units in the report.
    pub paragraphs: usize,
    /// The files written, in the output folder.
    pub files: Vec<PathBuf>,
}

/// Reads the records in `records_dir` and writes the HTML page, CSV files and
/// SQLite database into `out_dir` (created if missing). Every file is replaced
/// atomically.
pub fn write(records_dir: &Path, out_dir: &Path) -> Result<Written, ReportError> {
    let corpus = load(records_dir)?;
    let model = Model::build(corpus, Presentation::embedded()?);
    write_model(&model, out_dir)
}

/// Writes every output for `model` into `out_dir`.
pub fn write_model(model: &Model, out_dir: &Path) -> Result<Written, ReportError> {
    std::fs::create_dir_all(out_dir).map_err(|source| ReportError::Write { path: out_dir.to_path_buf(), source })?;
    let mut files = Vec::new();

    let index = out_dir.join(INDEX_HTML);
    write_file(&index, html::render(model).as_bytes())?;
    files.push(index);

    for (name, build) in csv::TABLES {
        let path = out_dir.join(name);
        let bytes = build(model).map_err(|source| ReportError::Csv { path: path.clone(), source })?;
        write_file(&path, &bytes)?;
        files.push(path);
    }

    let database = out_dir.join(DATABASE);
    sqlite::write(model, &database)?;
    files.push(database);

    Ok(Written {
        councils: model.records.len(),
        paragraphs: model.records.iter().map(|record| record.paragraphs.len()).sum(),
        files,
    })
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    atomic::write(path, bytes).map_err(|source| ReportError::Write { path: path.to_path_buf(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraph(id: &str, themes: &[&str], barriers: &[&str]) -> LoadedParagraph {
        LoadedParagraph {
            id: id.to_string(),
            kind: "paragraph".to_string(),
            text: "Short-term funding prevents planning.".to_string(),
            page: None,
            section: Vec::new(),
            themes: themes.iter().map(|s| s.to_string()).collect(),
            barriers: barriers.iter().map(|s| s.to_string()).collect(),
            evidence: Vec::new(),
        }
    }

    fn record(id: &str, paragraphs: Vec<LoadedParagraph>) -> LoadedRecord {
        LoadedRecord {
            council: LoadedCouncil { id: id.to_string(), name: id.to_string() },
            source: LoadedSource::default(),
            document: LoadedDocument::default(),
            paragraphs,
            warnings: Vec::new(),
            figures: Vec::new(),
            file: format!("{id}.json"),
        }
    }

    fn run_info() -> RunInfo {
        RunInfo {
            run_date: String::new(),
            records_version: None,
            report_version: "0".to_string(),
            rules_version: EMBEDDED_RULES.to_string(),
        }
    }

    #[test]
    fn embedded_presentation_names_every_taxonomy_label() {
        let presentation = Presentation::embedded().unwrap();
        assert_eq!(presentation.themes.len(), 5);
        assert_eq!(presentation.barriers.len(), 14);
        assert_eq!(presentation.figures.len(), 6);
        assert_eq!(presentation.heat_level(0), 0);
        assert_eq!(presentation.heat_level(1), 1);
        assert_eq!(presentation.heat_level(100), 5);
    }

    #[test]
    fn ranks_categories_by_councils_then_units_then_taxonomy_order() {
        let corpus = Corpus {
            records: vec![
                record("a", vec![paragraph("p1", &["barriers"], &["demand_pressures", "funding_adequacy"])]),
                record(
                    "b",
                    vec![
                        paragraph("p1", &["barriers"], &["demand_pressures"]),
                        paragraph("p2", &["barriers"], &["demand_pressures", "custom_thing"]),
                    ],
                ),
            ],
            run: run_info(),
        };
        let model = Model::build(corpus, Presentation::embedded().unwrap());
        let top: Vec<(&str, usize, usize)> =
            model.categories.iter().take(3).map(|c| (c.label.id.as_str(), c.councils, c.units)).collect();
        assert_eq!(top, [("demand_pressures", 2, 3), ("funding_adequacy", 1, 1), ("custom_thing", 1, 1)]);
        // Every taxonomy category is listed, plus the custom one.
        assert_eq!(model.categories.len(), 15);
        assert_eq!(model.categories[3].label.id, "funding_certainty");
    }

    #[test]
    fn spans_are_merged_and_clipped_to_the_text() {
        let mut unit = paragraph("p1", &["barriers"], &["funding_certainty"]);
        let evidence = |spans: Vec<[usize; 2]>| LoadedEvidence {
            label: "funding_certainty".to_string(),
            rule: "r".to_string(),
            spans,
            heading: None,
        };
        unit.evidence = vec![evidence(vec![[6, 10], [0, 5]]), evidence(vec![[3, 8], [30, 500], [600, 700]])];
        assert_eq!(unit.spans_for("funding_certainty"), [[0, 10], [30, 37]]);
        assert!(unit.spans_for("other").is_empty());
    }

    #[test]
    fn representative_units_prefer_matched_words_over_headings() {
        let mut by_heading = paragraph("p1", &["barriers"], &["funding_certainty"]);
        by_heading.evidence.push(LoadedEvidence {
            label: "funding_certainty".to_string(),
            rule: "heading".to_string(),
            spans: Vec::new(),
            heading: Some("Barriers".to_string()),
        });
        let mut by_words = paragraph("p2", &["barriers"], &["funding_certainty"]);
        by_words.evidence.push(LoadedEvidence {
            label: "funding_certainty".to_string(),
            rule: "one_year".to_string(),
            spans: vec![[0, 10]],
            heading: None,
        });
        let third = paragraph("p3", &["barriers"], &["funding_certainty"]);
        let corpus = Corpus { records: vec![record("a", vec![by_heading, by_words, third])], run: run_info() };
        let model = Model::build(corpus, Presentation::embedded().unwrap());
        assert_eq!(model.representative_units(0, "funding_certainty"), [1, 0]);
        assert!(model.representative_units(0, "audit_and_oversight").is_empty());
    }

    #[test]
    fn load_skips_other_json_and_rejects_duplicate_councils() {
        let dir = tempfile::tempdir().unwrap();
        let record =
            r#"{"council":{"id":"x","name":"X"},"paragraphs":[],"generator":{"rules_sha256":"0123456789abcdef"}}"#;
        std::fs::write(dir.path().join("x.json"), record).unwrap();
        std::fs::write(dir.path().join("notes.json"), r#"{"hello":1}"#).unwrap();
        std::fs::write(dir.path().join("run.json"), r#"{"started_at":"2024-07-19T10:00:00Z"}"#).unwrap();
        std::fs::write(dir.path().join("records.jsonl"), "not json").unwrap();
        let corpus = load(dir.path()).unwrap();
        assert_eq!(corpus.records.len(), 1);
        assert_eq!(corpus.run.run_date, "2024-07-19T10:00:00Z");
        assert_eq!(corpus.run.rules_version, "0123456789ab", "the rules hash, shortened");

        std::fs::write(dir.path().join("y.json"), record).unwrap();
        let error = load(dir.path()).unwrap_err();
        assert!(matches!(error, ReportError::DuplicateCouncil { ref id, .. } if id == "x"), "{error}");
    }

    #[test]
    fn load_names_the_file_of_a_broken_record() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.json"), r#"{"council":{"id":"x"},"paragraphs":[]}"#).unwrap();
        let error = load(dir.path()).unwrap_err().to_string();
        assert!(error.contains("bad.json") && error.contains("name"), "{error}");
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(load(empty.path()), Err(ReportError::NoRecords { .. })));
    }
}
