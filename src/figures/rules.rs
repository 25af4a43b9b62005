//! The figure rules (`rules/figures.toml`): the grammar for reading amounts,
//! percentages and counts, the qualifier wording, and the context rules that give
//! each figure its taxonomy id.
//!
//! The file is embedded at build time; [`FigureRules::embedded`] parses it once.

use std::sync::OnceLock;

use serde::Deserialize;
use thiserror::Error;

use super::FigureUnit;

/// The rules file compiled into the binary.
pub const EMBEDDED_RULES: &str = include_str!("../../rules/figures.toml");

/// Why a figure rules file cannot be used.
#[derive(Debug, Clone, Error)]
pub enum RulesError {
    /// The file is not valid TOML or does not have the expected shape.
    #[error("figure rules: {0}")]
    Syntax(String),
    /// The file parses but says something unusable.
    #[error("figure rules: {0}")]
    Invalid(String),
}

/// Everything `rules/figures.toml` says, as parsed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureRules {
    /// How sentences are told apart.
    pub sentences: SentenceRules,
    /// How amounts of money are written.
    pub money: MoneyRules,
    /// How percentages are written.
    pub percent: PercentRules,
    /// How ranges are written.
    pub range: RangeRules,
    /// Qualifying wording kept with a figure.
    pub qualifiers: Vec<QualifierRule>,
    /// When a bare number is a count.
    pub counts: CountRules,
    /// Context rules choosing each figure's id.
    pub assign: AssignRules,
}

/// Sentence splitting.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentenceRules {
    /// Characters of a figure's sentence kept either side of the figure.
    pub max_context_chars: usize,
    /// Words that end in a full stop without ending a sentence, without the stop.
    pub abbreviations: Vec<String>,
}

/// Money grammar.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoneyRules {
    /// Symbols that start an amount (`£`).
    pub currency_symbols: Vec<String>,
    /// Decimal places a plain amount may have before it is flagged ambiguous.
    pub max_plain_decimals: usize,
    /// Scale words shorter than this must touch the number.
    pub min_spaced_scale_length: usize,
    /// Scale words and their powers of ten.
    pub scales: Vec<ScaleRule>,
}

/// One scale (`m`, `million`: 10^6).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleRule {
    /// The ways the scale is written.
    pub words: Vec<String>,
    /// The power of ten it multiplies by.
    pub exponent: i32,
}

/// Percent grammar.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PercentRules {
    /// What follows a number to make it a percentage (`%`, `per cent`).
    pub suffixes: Vec<String>,
}

/// Range grammar.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeRules {
    /// What stands between a range's ends (`-`, `to`).
    pub connectors: Vec<String>,
    /// The word before a `between X and Y` range.
    pub between: Vec<String>,
    /// The word joining a `between` range's ends.
    pub between_joiners: Vec<String>,
    /// Words before a low end that make `X to Y` a change rather than a range.
    pub change_words: Vec<String>,
}

/// One qualifier and its wording.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualifierRule {
    /// The name written into [`super::Figure::qualifiers`].
    pub name: String,
    /// Phrases right before the figure.
    #[serde(default)]
    pub before: Vec<String>,
    /// Phrases right after the figure.
    #[serde(default)]
    pub after: Vec<String>,
    /// Words anywhere in the figure's sentence.
    #[serde(default)]
    pub sentence: Vec<String>,
}

/// Count grammar.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountRules {
    /// The nouns whose counts are figures.
    pub nouns: Vec<String>,
    /// Words after the noun that belong to it.
    pub continuations: Vec<String>,
    /// Most words between the number and its noun.
    pub max_words_between: usize,
    /// Words that cannot stand between a number and its noun.
    pub breakers: Vec<String>,
    /// Words before a number that make it a reference.
    pub reference_words: Vec<String>,
    /// Inclusive range of four-digit numbers read as years.
    pub year_range: [u32; 2],
    /// `the number of <noun> ... is N`.
    pub lead_in: LeadInRules,
}

/// Counts stated after their noun.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadInRules {
    /// Phrases before the noun (`number of`).
    pub phrases: Vec<String>,
    /// Verbs before the number (`is`).
    pub links: Vec<String>,
    /// Most words between the noun and the link.
    pub max_words: usize,
}

/// Id assignment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignRules {
    /// The id of a figure no rule claims, per unit.
    pub defaults: DefaultIds,
    /// The context rules, in priority order for ties.
    pub rules: Vec<ContextRule>,
}

/// Default ids per unit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultIds {
    /// For money.
    pub gbp: String,
    /// For percentages.
    pub percent: String,
    /// For counts.
    pub count: String,
}

impl DefaultIds {
    /// The default id for `unit`.
    pub fn for_unit(&self, unit: FigureUnit) -> &str {
        match unit {
            FigureUnit::Gbp => &self.gbp,
            FigureUnit::Percent => &self.percent,
            FigureUnit::Count => &self.count,
        }
    }
}

/// One context rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextRule {
    /// The rule's id, written into the evidence.
    pub id: String,
    /// The taxonomy figure id it gives.
    pub figure: String,
    /// The units of figures it applies to.
    pub units: Vec<FigureUnit>,
    /// The least score that gives the id.
    pub threshold: f64,
    /// The weighted word groups.
    pub groups: Vec<TermGroup>,
}

/// Words that count once towards a rule's score.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermGroup {
    /// Words or phrases; a trailing `*` matches any word with that start.
    pub terms: Vec<String>,
    /// Added to the score when a term matches (negative weights count against).
    pub weight: f64,
    /// The rule does not apply unless a term of this group matches.
    #[serde(default)]
    pub required: bool,
    /// Only matches within this many words of the figure count.
    #[serde(default)]
    pub within: Option<usize>,
}

impl FigureRules {
    /// Parses and checks a rules file.
    pub fn from_toml(text: &str) -> Result<FigureRules, RulesError> {
        let rules: FigureRules = toml::from_str(text).map_err(|error| RulesError::Syntax(error.to_string()))?;
        rules.check()?;
        Ok(rules)
    }

    /// The embedded rules, parsed on first use.
    pub fn embedded() -> Result<&'static FigureRules, RulesError> {
        static RULES: OnceLock<Result<FigureRules, RulesError>> = OnceLock::new();
        RULES.get_or_init(|| FigureRules::from_toml(EMBEDDED_RULES)).as_ref().map_err(Clone::clone)
    }

    fn check(&self) -> Result<(), RulesError> {
        let invalid = |message: String| Err(RulesError::Invalid(message));
        if self.money.currency_symbols.iter().any(|s| s.chars().count() != 1) {
            return invalid("money.currency_symbols must be single characters".into());
        }
        if self.money.scales.iter().any(|s| !(0..=15).contains(&s.exponent)) {
            return invalid("money.scales exponents must be between 0 and 15".into());
        }
        let phrases = self
            .percent
            .suffixes
            .iter()
            .chain(&self.range.connectors)
            .chain(&self.counts.nouns)
            .chain(&self.counts.lead_in.phrases)
            .chain(&self.counts.lead_in.links)
            .chain(self.money.scales.iter().flat_map(|s| &s.words))
            .chain(self.qualifiers.iter().flat_map(|q| q.before.iter().chain(&q.after).chain(&q.sentence)));
        for phrase in phrases {
            if phrase.trim().is_empty() {
                return invalid("an empty phrase".into());
            }
        }
        for qualifier in &self.qualifiers {
            if !is_slug(&qualifier.name) {
                return invalid(format!("qualifier name {:?} is not a snake_case slug", qualifier.name));
            }
        }
        for rule in &self.assign.rules {
            if !is_slug(&rule.figure) {
                return invalid(format!("rule {}: figure id {:?} is not a snake_case slug", rule.id, rule.figure));
            }
            if rule.units.is_empty() || rule.groups.iter().any(|g| g.terms.is_empty()) {
                return invalid(format!("rule {}: needs units and non-empty term groups", rule.id));
            }
            if rule.groups.iter().flat_map(|g| &g.terms).any(|t| t.trim_end_matches('*').trim().is_empty()) {
                return invalid(format!("rule {}: an empty term", rule.id));
            }
        }
        Ok(())
    }
}

fn is_slug(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_parse() {
        let rules = FigureRules::embedded().map_err(|e| e.to_string());
        assert!(rules.is_ok(), "{rules:?}");
    }

    #[test]
    fn a_rule_with_a_bad_figure_id_is_refused() {
        let text = EMBEDDED_RULES.replacen("figure = \"edi_spend\"", "figure = \"EDI spend\"", 1);
        let error = FigureRules::from_toml(&text).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("EDI spend"), "{error}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let text = EMBEDDED_RULES.replacen("[money]", "[money]\nsymbol = \"$\"", 1);
        assert!(matches!(FigureRules::from_toml(&text), Err(RulesError::Syntax(_))));
    }
}
