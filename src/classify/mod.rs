//! Classification: which of the letter's themes each unit answers and which
//! barrier categories it raises, with the evidence for every label.

use serde::{Deserialize, Serialize};

/// The labels of one unit and why it has them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labels {
    /// Theme ids from the taxonomy, in taxonomy order.
    pub themes: Vec<String>,
    /// Barrier-category ids, in taxonomy order; non-empty only with the `barriers` theme.
    pub barriers: Vec<String>,
    /// One entry per label and reason.
    pub evidence: Vec<Evidence>,
}

/// Why a unit carries one label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// The theme or barrier-category id this evidence supports.
    pub label: String,
    /// The id of the rule that matched.
    pub rule: String,
    /// Character offsets `[start, end)` into the unit's text of each match; empty
    /// when the label comes from the section heading.
    #[serde(default)]
    pub spans: Vec<[usize; 2]>,
    /// The heading that set the label, when it came from the section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
}
