//! The council record: the JSON document plansift writes for each council.
//!
//! Its shape is fixed by `schemas/council-record.schema.json`; every field here has
//! its counterpart there, and [`SCHEMA_VERSION`] changes when the shape does.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::classify::{Evidence, Labels, THEMES};
use crate::document::{BlockKind, Structure, Warning};
use crate::figures::Figure;
use crate::segment::Paragraph;

/// Version of the record format, written into every record.
pub const SCHEMA_VERSION: &str = "1.5.0";

/// Everything plansift knows about one council's plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CouncilRecord {
    /// [`SCHEMA_VERSION`] at the time of writing.
    pub schema_version: String,
    /// What built the record: a later run rebuilds records another plansift
    /// version or another rule set built.
    pub generator: Generator,
    /// Which council this is.
    pub council: Council,
    /// Where the plan came from (the first part, for multi-part plans).
    pub source: Source,
    /// Facts about the document as a whole.
    pub document: DocumentInfo,
    /// The units of running text, in reading order.
    pub paragraphs: Vec<ParagraphRecord>,
    /// The amounts, percentages and counts the plan states, in reading order, each
    /// naming the paragraph it stands in.
    pub figures: Vec<Figure>,
    /// Counts over the labelled units, for readers who want the plan at a glance.
    pub summary: Summary,
    /// Problems that did not stop processing.
    pub warnings: Vec<Warning>,
}

/// The program and rules that built a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generator {
    /// The plansift version.
    pub plansift_version: String,
    /// SHA-256 of the whole rule set that built the record, lowercase hex: the
    /// classification rules used and every embedded rule file ([`rules_fingerprint`]).
    pub rules_sha256: String,
}

impl Generator {
    /// This plansift build with the classification rules whose hash is
    /// `classify_sha256` and the embedded rule files.
    pub fn current(classify_sha256: &str) -> Generator {
        Generator {
            plansift_version: env!("CARGO_PKG_VERSION").to_string(),
            rules_sha256: rules_fingerprint(classify_sha256),
        }
    }
}

/// The rule files embedded in the binary besides the classification rules, by
/// name: each decides part of what a record holds (figures, PDF layout, HTML
/// furniture, plan discovery, hyphenation).
fn embedded_rules() -> [(&'static str, &'static str); 5] {
    [
        ("figures.toml", crate::figures::rules::EMBEDDED_RULES),
        ("pdf-layout.toml", crate::extract::pdf::layout::rules::EMBEDDED),
        ("html-boilerplate.toml", crate::extract::html::BOILERPLATE_RULES),
        ("discovery.toml", crate::fetch::discover::RULES_TOML),
        ("english-words.txt", crate::extract::pdf::layout::hyphenation::ENGLISH_WORDS),
    ]
}

/// SHA-256 over the rule set: one line `name sha256` for `classify.toml` (as
/// given, since `--rules` can replace it) and for each embedded rule file. A change
/// to any of them changes the fingerprint, so a later run rebuilds the records the
/// old rules built.
pub fn rules_fingerprint(classify_sha256: &str) -> String {
    static EMBEDDED: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let embedded = EMBEDDED.get_or_init(|| {
        embedded_rules()
            .iter()
            .map(|(name, text)| format!("{name} {}\n", crate::fetch::sha256_hex(text.as_bytes())))
            .collect()
    });
    crate::fetch::sha256_hex(format!("classify.toml {classify_sha256}\n{embedded}").as_bytes())
}

/// The council a record is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Council {
    /// The seed list's slug.
    pub id: String,
    /// The council's name.
    pub name: String,
}

/// Provenance of a fetched document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The URL asked for (a `file://` URL for local files).
    pub url: String,
    /// The URL the document was finally read from, after redirects and discovery.
    pub final_url: String,
    /// The format as detected from the bytes (`application/pdf`, `text/html`, `text/plain`).
    pub content_type: String,
    /// SHA-256 of the raw bytes, lowercase hex.
    pub sha256: String,
    /// Size of the raw bytes.
    pub bytes: u64,
    /// When the bytes were fetched or read, RFC 3339 UTC.
    pub fetched_at: String,
    /// The URLs followed from the seed to the plan (seed first, `final_url`'s
    /// request last); one entry when the seed named the plan directly.
    pub chain: Vec<String>,
    /// Every document the record was built from, in reading order: one entry for
    /// a single-document plan, one per part for a plan split over several pages
    /// or files. Paragraphs name their part by its `final_url`.
    pub parts: Vec<SourcePart>,
}

/// One document a record was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcePart {
    /// Where the bytes came from, after redirects.
    pub final_url: String,
    /// SHA-256 of the raw bytes, lowercase hex: a later run rebuilds the record
    /// when any part's bytes differ.
    pub sha256: String,
    /// Size of the raw bytes.
    pub bytes: u64,
}

/// Facts about the extracted document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentInfo {
    /// The document's title, where one was found.
    pub title: Option<String>,
    /// Page count for paged formats, else `null`.
    pub pages: Option<u32>,
    /// What the plan was read as: `plan`, `report` (a cabinet or committee
    /// report, usually with the plan appended) or `minutes`; the classifier's
    /// thresholds depend on it.
    #[serde(default = "default_document_kind")]
    pub kind: String,
    /// For a PDF, how its blocks were found: `tagged` (from the structure tree the
    /// PDF declares) or `layout` (from glyph positions); `null` for other formats.
    #[serde(default)]
    pub structure: Option<Structure>,
}

fn default_document_kind() -> String {
    crate::classify::DOCUMENT_KINDS[0].to_string()
}

/// One unit of the plan with its labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParagraphRecord {
    /// `p1`, `p2`, ... in reading order.
    pub id: String,
    /// `paragraph`, `list_item` or `table_row`.
    pub kind: BlockKind,
    /// The unit's text.
    pub text: String,
    /// 1-based page number in paged sources, else `null`.
    pub page: Option<u32>,
    /// The headings above the unit, outermost first.
    pub section: Vec<String>,
    /// The URL of the document (plan part) the unit comes from.
    pub source_url: String,
    /// Theme ids.
    pub themes: Vec<String>,
    /// Barrier-category ids.
    pub barriers: Vec<String>,
    /// Why each label was given.
    pub evidence: Vec<Evidence>,
}

/// Label counts over a record's units.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// For every theme id, how many units carry it.
    pub themes: BTreeMap<String, usize>,
    /// For every barrier-category id of the rules in use, the ids of the units raising it, in reading order.
    pub barriers: BTreeMap<String, Vec<String>>,
}

impl Summary {
    /// Counts `paragraphs`; every theme and every id of `categories` gets an entry, even when zero.
    pub fn of(paragraphs: &[ParagraphRecord], categories: &[String]) -> Summary {
        let mut summary = Summary {
            themes: THEMES.iter().map(|t| (t.to_string(), 0)).collect(),
            barriers: categories.iter().map(|c| (c.clone(), Vec::new())).collect(),
        };
        for paragraph in paragraphs {
            for theme in &paragraph.themes {
                *summary.themes.entry(theme.clone()).or_default() += 1;
            }
            for category in &paragraph.barriers {
                summary.barriers.entry(category.clone()).or_default().push(paragraph.id.clone());
            }
        }
        summary
    }
}

impl ParagraphRecord {
    /// Joins a unit with its labels.
    pub fn new(paragraph: Paragraph, labels: Labels) -> ParagraphRecord {
        ParagraphRecord {
            id: paragraph.id,
            kind: paragraph.kind,
            text: paragraph.text,
            page: paragraph.page,
            section: paragraph.section,
            source_url: String::new(),
            themes: labels.themes,
            barriers: labels.barriers,
            evidence: labels.evidence,
        }
    }
}

impl CouncilRecord {
    /// The record as pretty-printed JSON with a trailing newline.
    pub fn to_json_pretty(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_fingerprint_covers_every_rule_file_that_shapes_a_record() {
        let a = rules_fingerprint("a");
        assert_eq!(a, rules_fingerprint("a"));
        assert_ne!(a, rules_fingerprint("b"));
        assert_eq!(a.len(), 64);
        // Every file under rules/ but the classification rules (hashed as given) and
        // the report's presentation (which shapes no record) is fingerprinted.
        let rules_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(rules_dir)
            .expect("rules/ exists")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter(|name| name != "classify.toml" && name != "report.toml")
            .collect();
        on_disk.sort();
        let mut fingerprinted: Vec<String> = embedded_rules().iter().map(|(name, _)| name.to_string()).collect();
        fingerprinted.sort();
        assert_eq!(on_disk, fingerprinted);
    }
}
