//! Figures: the amounts, percentages and counts a plan states, parsed, normalised,
//! given a taxonomy id, and traceable to their sentence.
//!
//! [`parse`] reads the figures out of a unit's text, [`sentences`] finds the
//! sentence each stands in, and [`assign`] names it from the words around it. All
//! patterns, wordings and weights come from `rules/figures.toml` ([`rules`]).

pub mod assign;
pub mod parse;
pub mod phrase;
pub mod rules;
pub mod sentences;

use serde::{Deserialize, Serialize};

use crate::segment::Paragraph;

pub use rules::{FigureRules, RulesError};

/// The unit a figure's value is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureUnit {
    /// Pounds sterling (values normalised to pounds: `£14.8m` is 14800000).
    Gbp,
    /// A percentage (`18.9%` is 18.9).
    Percent,
    /// A count of things named by [`Figure::noun`].
    Count,
}

/// One figure found in a unit's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// Taxonomy figure id (`agency_consultancy_spend`, ..., `other_money`,
    /// `other_percentage`, `other_count`).
    pub id: String,
    /// The id of the unit (`p12`) the figure stands in.
    pub paragraph: String,
    /// The unit's page, where the source has pages.
    pub page: Option<u32>,
    /// Character offsets `[start, end)` of the figure's raw text in the unit's text.
    pub span: [usize; 2],
    /// The raw text as written (`£14.8m`, `over £440 million`, `0.19 per cent`).
    pub raw: String,
    /// The sentence containing the figure.
    pub sentence: String,
    /// The normalised value (the low end for ranges).
    pub value: f64,
    /// The high end, for ranges (`£250,000 - £500,000`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// What the value is measured in.
    pub unit: FigureUnit,
    /// For counts, the noun counted ("agency workers").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noun: Option<String>,
    /// Wording that qualifies the value: `over`, `approaching`, `circa`, `per_annum`,
    /// `cumulative`, `range`, ...
    #[serde(default)]
    pub qualifiers: Vec<String>,
    /// Problems with the number as written: `ambiguous`, ...
    #[serde(default)]
    pub flags: Vec<String>,
    /// A sentence explaining a flag, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The context rule that chose [`Figure::id`], with the words it matched.
    pub evidence: FigureEvidence,
}

/// Why a figure got its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureEvidence {
    /// The id of the context rule that matched (`default` when none did).
    pub rule: String,
    /// The context words the rule matched, as written.
    #[serde(default)]
    pub matched: Vec<String>,
}

/// Finds, reads and names the figures of units of text, with one set of rules.
#[derive(Debug, Clone)]
pub struct FigureFinder {
    grammar: parse::Grammar,
    splitter: sentences::SentenceSplitter,
    assigner: assign::Assigner,
    sentence_qualifiers: Vec<(phrase::Phrase, String)>,
}

impl FigureFinder {
    /// A finder using `rules`.
    pub fn new(rules: &FigureRules) -> FigureFinder {
        FigureFinder {
            grammar: parse::Grammar::new(rules),
            splitter: sentences::SentenceSplitter::new(&rules.sentences.abbreviations),
            assigner: assign::Assigner::new(rules),
            sentence_qualifiers: rules
                .qualifiers
                .iter()
                .flat_map(|q| q.sentence.iter().filter_map(|w| phrase::Phrase::new(w).map(|p| (p, q.name.clone()))))
                .collect(),
        }
    }

    /// The finder built from the embedded `rules/figures.toml`, built once.
    pub fn embedded() -> Result<&'static FigureFinder, RulesError> {
        static FINDER: std::sync::OnceLock<Result<FigureFinder, RulesError>> = std::sync::OnceLock::new();
        FINDER.get_or_init(|| FigureRules::embedded().map(FigureFinder::new)).as_ref().map_err(Clone::clone)
    }

    /// The figures of every unit, in reading order.
    pub fn in_paragraphs(&self, paragraphs: &[Paragraph]) -> Vec<Figure> {
        paragraphs.iter().flat_map(|p| self.in_text(&p.text, &p.id, p.page)).collect()
    }

    /// The figures of one unit's `text`, labelled with its id and page.
    pub fn in_text(&self, text: &str, paragraph: &str, page: Option<u32>) -> Vec<Figure> {
        let chars: Vec<char> = text.chars().collect();
        let sentences = self.splitter.split(&chars);
        self.grammar
            .find(&chars)
            .into_iter()
            .map(|found| {
                let sentence = sentences
                    .iter()
                    .copied()
                    .find(|[start, end]| *start <= found.start && found.start < *end)
                    .unwrap_or([0, chars.len()]);
                let assignment = self.assigner.assign(&chars, sentence, [found.start, found.end], found.unit);
                let mut qualifiers = found.qualifiers;
                for (words, name) in &self.sentence_qualifiers {
                    let present = (sentence[0]..sentence[1])
                        .any(|pos| words.match_at(&chars, pos).is_some_and(|e| e <= sentence[1]));
                    if present && !qualifiers.contains(name) {
                        qualifiers.push(name.clone());
                    }
                }
                Figure {
                    id: assignment.id,
                    paragraph: paragraph.to_string(),
                    page,
                    span: [found.start, found.end],
                    raw: phrase::slice(&chars, found.start, found.end),
                    sentence: phrase::slice(&chars, sentence[0], sentence[1]),
                    value: found.value,
                    high: found.high,
                    unit: found.unit,
                    noun: found.noun,
                    qualifiers,
                    flags: found.flags,
                    note: found.note,
                    evidence: assignment.evidence,
                }
            })
            .collect()
    }
}

/// The figures of `paragraphs` under the embedded rules.
pub fn find_figures(paragraphs: &[Paragraph]) -> Result<Vec<Figure>, RulesError> {
    Ok(FigureFinder::embedded()?.in_paragraphs(paragraphs))
}
