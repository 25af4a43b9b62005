//! Scores plansift's PDF extraction against the generated layout fixtures in
//! `tests/layouts/out/` (see `generate.py`): for each layout, the tagged and the
//! untagged export, how many of the truth's paragraphs, list items and table rows
//! come out whole, how many headings come out with their level, and how many
//! output blocks carry furniture (running headers, footers).
//!
//! Texts are compared after the gold set's normalisation (`../shared/gold/README.md`):
//! lowercase, NFKC, curly quotes and dashes folded, bullets and leading list or
//! paragraph numbers ("2.1", "1)") dropped, whitespace collapsed.

use std::path::{Path, PathBuf};

use plansift::document::{BlockKind, Document, Structure};
use plansift::limits::Limits;
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

/// The fixtures folder: `tests/layouts/out`, or `PLANSIFT_LAYOUTS_OUT` when set
/// (where `generate.py` wrote a set of its own, e.g. a style held out).
pub fn fixtures() -> PathBuf {
    std::env::var_os("PLANSIFT_LAYOUTS_OUT")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/layouts/out"), PathBuf::from)
}

/// One block of a truth file.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthBlock {
    /// `heading`, `paragraph`, `list_item` or `table_row`.
    pub kind: String,
    /// Heading level.
    pub level: Option<u8>,
    /// The text.
    pub text: String,
}

/// A truth file: the blocks of one layout and the furniture it carries.
#[derive(Debug, Clone, Deserialize)]
pub struct Truth {
    /// The layout's name.
    pub layout: String,
    /// Blocks in reading order.
    pub blocks: Vec<TruthBlock>,
    /// Strings that must not appear in any output block.
    pub furniture: Vec<String>,
}

/// What one export scored.
#[derive(Debug, Clone)]
pub struct Score {
    /// Layout name.
    pub layout: String,
    /// Whether the export was tagged.
    pub tagged: bool,
    /// The path plansift took.
    pub structure: Option<Structure>,
    /// Text units (paragraphs, list items, table rows) in the truth.
    pub units: usize,
    /// Of them, found whole in one output block.
    pub whole: usize,
    /// Headings in the truth.
    pub headings: usize,
    /// Of them, found as a heading with the right level.
    pub headings_right: usize,
    /// Output blocks holding a furniture string.
    pub furniture: usize,
    /// The truth units not found whole, for failure messages.
    pub broken: Vec<String>,
}

/// Normalises a text as the gold matching rule does.
pub fn normalise(text: &str) -> String {
    let folded: String = text
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
            other => other,
        })
        .filter(|c| !matches!(c, '•' | '·' | '●' | '▪' | '\u{f0b7}' | '\u{f0a7}'))
        .collect();
    let words: Vec<&str> = folded.split_whitespace().collect();
    let numbered = words.first().is_some_and(|w| {
        let digits = w.trim_end_matches(['.', ')']);
        !digits.is_empty()
            && w.len() <= 6
            && digits.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    });
    words[usize::from(numbered && words.len() > 1)..].join(" ")
}

/// Reads every truth file, in name order.
pub fn truths() -> Vec<Truth> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("tests/layouts/out exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".truth.json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).expect("reads")).expect("a truth file"))
        .collect()
}

/// Extracts `truth`'s tagged or untagged export and scores it.
pub fn score(truth: &Truth, tagged: bool) -> Score {
    let variant = if tagged { "tagged" } else { "untagged" };
    let path = fixtures().join(format!("{}.{variant}.pdf", truth.layout));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let document = plansift::extract::pdf::extract(&bytes, &Limits::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    score_document(truth, tagged, &document)
}

/// Scores an extracted document against its truth.
pub fn score_document(truth: &Truth, tagged: bool, document: &Document) -> Score {
    let outputs: Vec<(BlockKind, Option<u8>, String)> =
        document.blocks.iter().map(|b| (b.kind, b.level, normalise(&b.text))).collect();
    let units: Vec<&TruthBlock> = truth.blocks.iter().filter(|b| b.kind != "heading").collect();
    let headings: Vec<&TruthBlock> = truth.blocks.iter().filter(|b| b.kind == "heading").collect();
    let mut broken = Vec::new();
    let mut whole = 0;
    for unit in &units {
        let text = normalise(&unit.text);
        if outputs.iter().any(|(kind, _, t)| *kind != BlockKind::Heading && *t == text) {
            whole += 1;
        } else {
            broken.push(unit.text.clone());
        }
    }
    let headings_right = headings
        .iter()
        .filter(|h| {
            let text = normalise(&h.text);
            outputs.iter().any(|(kind, level, t)| *kind == BlockKind::Heading && *level == h.level && *t == text)
        })
        .count();
    let furniture_texts: Vec<String> = truth.furniture.iter().map(|f| normalise(f)).collect();
    let furniture = outputs.iter().filter(|(_, _, t)| furniture_texts.iter().any(|f| t.contains(f.as_str()))).count();
    Score {
        layout: truth.layout.clone(),
        tagged,
        structure: document.structure,
        units: units.len(),
        whole,
        headings: headings.len(),
        headings_right,
        furniture,
        broken,
    }
}

/// The per-layout table, with totals per export kind.
pub fn table(scores: &[Score]) -> String {
    let mut out = format!(
        "{:<26} {:<9} {:<7} {:>11} {:>11} {:>9}\n",
        "layout", "export", "path", "whole", "headings", "furniture"
    );
    for s in scores {
        out += &format!(
            "{:<26} {:<9} {:<7} {:>5}/{:<5} {:>5}/{:<5} {:>9}\n",
            s.layout,
            if s.tagged { "tagged" } else { "untagged" },
            s.structure.map_or("-", Structure::as_str),
            s.whole,
            s.units,
            s.headings_right,
            s.headings,
            s.furniture
        );
    }
    for tagged in [true, false] {
        let (whole, units, right, headings, furniture) = totals(scores, tagged);
        out += &format!(
            "{:<26} {:<9} {:<7} {:>10.1}% {:>10.1}% {:>9}\n",
            "all",
            if tagged { "tagged" } else { "untagged" },
            "",
            100.0 * whole as f64 / units.max(1) as f64,
            100.0 * right as f64 / headings.max(1) as f64,
            furniture
        );
    }
    out
}

/// (whole, units, headings right, headings, furniture blocks) over one export kind.
pub fn totals(scores: &[Score], tagged: bool) -> (usize, usize, usize, usize, usize) {
    scores.iter().filter(|s| s.tagged == tagged).fold((0, 0, 0, 0, 0), |t, s| {
        (t.0 + s.whole, t.1 + s.units, t.2 + s.headings_right, t.3 + s.headings, t.4 + s.furniture)
    })
}
