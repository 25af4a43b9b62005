//! Figures: the amounts, percentages and counts a plan states, parsed, normalised,
//! given a taxonomy id, and traceable to their sentence.

use serde::{Deserialize, Serialize};

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
