//! The classification rules file: its TOML shape, loading and validation.
//!
//! Rules are data (`rules/classify.toml`, embedded in the binary and replaceable
//! with `--rules FILE`), so a researcher can add a barrier category or tune a
//! phrase without touching Rust. Everything is checked when the file is loaded;
//! an invalid file is refused with an error naming the rule and the problem.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Deserialize;
use thiserror::Error;

use super::pattern::{self, PhraseError};

/// The theme ids of the taxonomy, in taxonomy order. Themes are part of the
/// output format, so rules can tune them but not add to them.
pub const THEMES: [&str; 5] =
    ["service_transformation", "technology_and_data", "reducing_waste", "barriers", "monitoring"];

/// The theme whose units get barrier categories.
pub const BARRIERS_THEME: &str = "barriers";

/// The rules format version this build reads. Version 2 scores every distinct
/// cue of a rule (version 1 counted a rule once), so version 1 files are refused
/// rather than silently scored differently.
pub const RULES_VERSION: u32 = 2;

/// The pseudo-label of units about the request or the plan itself (restating the
/// letter, approving or publishing the plan, minutes procedure). It is never
/// written to a record: reaching its threshold makes a unit's content themes need
/// `settings.non_answer_factor` times their thresholds.
pub const NON_ANSWER: &str = "non_answer";

/// The document kinds a record can name, in the order detection prefers them on a
/// tie. Part of the output format: rules tune how each is detected, not the list.
pub const DOCUMENT_KINDS: [&str; 3] = ["plan", "report", "minutes"];

/// The rules shipped with plansift.
pub const DEFAULT_RULES: &str = include_str!("../../rules/classify.toml");

/// Largest weight or threshold magnitude accepted; larger values are typos.
const MAX_WEIGHT: f64 = 100.0;

/// Why a rules file was refused.
#[derive(Debug, Error)]
pub enum RulesError {
    /// The file cannot be read.
    #[error("cannot read rules file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not have the expected shape.
    #[error("rules file is not valid: {0}")]
    Syntax(String),
    /// The file declares a format version this build does not read.
    #[error("rules version {found} is not supported (this build reads version {RULES_VERSION})")]
    Version {
        /// The version in the file.
        found: u32,
    },
    /// Two rules, categories or heading rules share an id.
    #[error("duplicate id {id:?}")]
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// An id is empty or contains characters other than `a-z0-9._-`.
    #[error("bad id {id:?}: ids are lowercase letters, digits, '.', '_' and '-'")]
    BadId {
        /// The offending id.
        id: String,
    },
    /// A rule names a label that is neither a theme nor a declared category.
    #[error("rule {rule:?}: unknown label {label:?} (not a theme and not a declared [[category]])")]
    UnknownLabel {
        /// The rule.
        rule: String,
        /// The unknown label.
        label: String,
    },
    /// A heading rule names something that is not a theme.
    #[error("heading rule {rule:?}: unknown theme {theme:?}")]
    UnknownTheme {
        /// The rule.
        rule: String,
        /// The unknown theme.
        theme: String,
    },
    /// A weight is zero, not finite or implausibly large.
    #[error("rule {rule:?}: bad weight {weight} (must be finite, non-zero and within ±{MAX_WEIGHT})")]
    BadWeight {
        /// The rule.
        rule: String,
        /// The weight given.
        weight: f64,
    },
    /// A threshold is not a finite positive number.
    #[error("threshold for {label:?}: bad value {value} (must be finite and in (0, {MAX_WEIGHT}])")]
    BadThreshold {
        /// The label (or `settings.threshold`).
        label: String,
        /// The value given.
        value: f64,
    },
    /// A regular expression does not compile.
    #[error("rule {rule:?}: bad regex {pattern:?}: {message}")]
    BadRegex {
        /// The rule.
        rule: String,
        /// The pattern.
        pattern: String,
        /// The compiler's complaint.
        message: String,
    },
    /// A phrase does not follow the phrase syntax.
    #[error("rule {rule:?}: bad phrase {phrase:?}: {problem}")]
    BadPhrase {
        /// The rule.
        rule: String,
        /// The phrase.
        phrase: String,
        /// What is wrong with it.
        problem: PhraseError,
    },
    /// A rule has neither phrases nor regexes, or no labels.
    #[error("rule {rule:?}: {problem}")]
    Empty {
        /// The rule.
        rule: String,
        /// What is missing.
        problem: &'static str,
    },
    /// A `[[kind]]` or a rule's `kinds` names something that is not a document kind.
    #[error("{rule:?}: unknown document kind {kind:?} (known: plan, report, minutes)")]
    UnknownKind {
        /// The kind definition or rule.
        rule: String,
        /// The unknown kind.
        kind: String,
    },
    /// A sense window or cue count is out of range.
    #[error("rule {rule:?}: {problem}")]
    BadSetting {
        /// The rule (or `settings`).
        rule: String,
        /// What is wrong.
        problem: String,
    },
    /// The fallback category is not a declared category.
    #[error("settings.fallback_category {0:?} is not a declared [[category]]")]
    UnknownFallback(String),
}

/// The rules file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    /// Format version; must be [`RULES_VERSION`].
    pub version: u32,
    /// Global settings.
    #[serde(default)]
    pub settings: Settings,
    /// Per-label score thresholds overriding `settings.threshold`.
    #[serde(default)]
    pub thresholds: BTreeMap<String, f64>,
    /// Barrier categories, in output order.
    #[serde(default, rename = "category")]
    pub categories: Vec<CategoryDef>,
    /// Content rules.
    #[serde(default, rename = "rule")]
    pub rules: Vec<RuleDef>,
    /// Exclusions: text spans in which matches do not count.
    #[serde(default, rename = "exclude")]
    pub exclusions: Vec<ExclusionDef>,
    /// Heading rules, tried in file order; the first that matches a heading wins.
    #[serde(default, rename = "heading")]
    pub headings: Vec<HeadingDef>,
    /// How each document kind is recognised, and what changes for it.
    #[serde(default, rename = "kind")]
    pub kinds: Vec<KindDef>,
}

/// Global settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The score a label needs when `thresholds` names no other.
    #[serde(default = "default_threshold")]
    pub threshold: f64,
    /// The category a barriers unit gets when no category rule reaches its threshold.
    #[serde(default = "default_fallback")]
    pub fallback_category: String,
    /// Whether list items after a lead-in line ending in ':' inherit the lead-in's content themes.
    #[serde(default = "default_true")]
    pub lead_in_inheritance: bool,
    /// In a unit with the barriers theme, the other themes' content scores must
    /// reach this many times their thresholds.
    #[serde(default = "default_barrier_factor")]
    pub other_themes_in_barrier_units_factor: f64,
    /// The most words a lead-in may have for its list to inherit its themes.
    #[serde(default = "default_lead_in_words")]
    pub lead_in_max_words: usize,
    /// Whether a short unit that reads as a heading (matches a heading rule, ends
    /// without a full stop) opens a section for the units after it, for documents
    /// whose headings were extracted as list items or paragraphs.
    #[serde(default = "default_true")]
    pub pseudo_headings: bool,
    /// The most words a unit may have to count as a pseudo-heading.
    #[serde(default = "default_pseudo_words")]
    pub pseudo_heading_max_words: usize,
    /// How many distinct cues of one rule count, when the rule sets no `max_cues`.
    #[serde(default = "default_max_cues")]
    pub max_cues: usize,
    /// A unit about the request or the plan itself (its `non_answer` score reaches
    /// the threshold) keeps a content theme only when the theme's score reaches
    /// this many times its threshold.
    #[serde(default = "default_non_answer_factor")]
    pub non_answer_factor: f64,
    /// A unit whose barriers score reaches this share of its threshold states a
    /// barrier when some barrier category's topic also reaches its threshold
    /// ("allocations were announced late": a topic and the tone of an obstacle).
    #[serde(default = "default_barrier_tone_share")]
    pub barrier_tone_share: f64,
    /// A barrier whose categories all stay under their thresholds takes the one
    /// that came nearest, if it reached this share of its threshold; else the
    /// fallback category.
    #[serde(default = "default_nearest_category_share")]
    pub nearest_category_share: f64,
    /// The kind a document is when no `[[kind]]` reaches its `min_cues`.
    #[serde(default = "default_kind")]
    pub default_kind: String,
    /// How many units from the top of a document kind detection reads.
    #[serde(default = "default_kind_units")]
    pub kind_sample_units: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            threshold: default_threshold(),
            fallback_category: default_fallback(),
            lead_in_inheritance: true,
            lead_in_max_words: default_lead_in_words(),
            other_themes_in_barrier_units_factor: default_barrier_factor(),
            pseudo_headings: true,
            pseudo_heading_max_words: default_pseudo_words(),
            max_cues: default_max_cues(),
            non_answer_factor: default_non_answer_factor(),
            barrier_tone_share: default_barrier_tone_share(),
            nearest_category_share: default_nearest_category_share(),
            default_kind: default_kind(),
            kind_sample_units: default_kind_units(),
        }
    }
}

fn default_threshold() -> f64 {
    1.0
}
fn default_fallback() -> String {
    "other".to_string()
}
fn default_true() -> bool {
    true
}
fn default_barrier_factor() -> f64 {
    1.5
}
fn default_lead_in_words() -> usize {
    12
}
fn default_pseudo_words() -> usize {
    25
}
fn default_max_cues() -> usize {
    2
}
fn default_non_answer_factor() -> f64 {
    3.0
}
fn default_barrier_tone_share() -> f64 {
    0.4
}
fn default_nearest_category_share() -> f64 {
    0.5
}
fn default_kind() -> String {
    "plan".to_string()
}
fn default_kind_units() -> usize {
    80
}
fn default_window() -> usize {
    6
}

/// Largest sense window, in words.
const MAX_WINDOW: usize = 50;

/// One barrier category.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    /// The category id written to records.
    pub id: String,
    /// What it covers, for people reading the rules.
    #[serde(default)]
    pub description: String,
}

/// One content rule, a family of cues: phrases and regexes that say one thing
/// in the ways councils say it. Each distinct cue found in a unit adds `weight`
/// to each of `labels`, up to `max_cues` cues.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// Unique id, written into the evidence.
    pub id: String,
    /// What the family stands for, for people reading the rules.
    #[serde(default)]
    pub description: String,
    /// Themes and/or categories this rule scores (or [`NON_ANSWER`]).
    pub labels: Vec<String>,
    /// Score added to each label per distinct cue found; negative weights count
    /// against a label.
    #[serde(default = "default_threshold")]
    pub weight: f64,
    /// The most distinct cues that count (default `settings.max_cues`).
    #[serde(default)]
    pub max_cues: Option<usize>,
    /// Phrases in the phrase syntax; each is one cue.
    #[serde(default)]
    pub phrases: Vec<String>,
    /// Regular expressions (Rust `regex` syntax, case-insensitive); each is one cue.
    #[serde(default)]
    pub regexes: Vec<String>,
    /// Sense: a cue counts only when one of these phrases stands within `window`
    /// words of it ("demand" near "rising").
    #[serde(default)]
    pub near: Vec<String>,
    /// Sense: a cue does not count when one of these phrases stands within
    /// `window` words of it ("demand" near "reduce").
    #[serde(default)]
    pub not_near: Vec<String>,
    /// Words either side of a cue that `near` and `not_near` look at.
    #[serde(default = "default_window")]
    pub window: usize,
    /// The document kinds the rule applies in; empty for all.
    #[serde(default)]
    pub kinds: Vec<String>,
}

/// Text in which other rules' matches are ignored ("barrier-free access" is not a barrier).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExclusionDef {
    /// Unique id.
    pub id: String,
    /// The labels whose matches are ignored inside this exclusion's matches; empty for all.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Phrases in the phrase syntax.
    #[serde(default)]
    pub phrases: Vec<String>,
    /// Regular expressions.
    #[serde(default)]
    pub regexes: Vec<String>,
}

/// A heading rule: a heading matching it puts the units beneath it under `themes`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadingDef {
    /// Unique id, written into the evidence.
    pub id: String,
    /// The themes set; empty means "a known non-theme section" that stops outer headings applying.
    pub themes: Vec<String>,
    /// Content themes of units in this section need this many times their
    /// thresholds (an introduction restates the request in the answers' words).
    #[serde(default = "default_threshold")]
    pub content_factor: f64,
    /// Phrases in the phrase syntax.
    #[serde(default)]
    pub phrases: Vec<String>,
    /// Regular expressions.
    #[serde(default)]
    pub regexes: Vec<String>,
}

/// How one document kind is recognised and what changes for it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindDef {
    /// One of [`DOCUMENT_KINDS`].
    pub id: String,
    /// What the kind is, for people reading the rules.
    #[serde(default)]
    pub description: String,
    /// Distinct cues that must be found in the top of a document (headings and
    /// units) for it to be this kind.
    pub min_cues: usize,
    /// Content themes of every unit need this many times their thresholds.
    #[serde(default = "default_threshold")]
    pub content_factor: f64,
    /// Phrases in the phrase syntax; each is one cue.
    #[serde(default)]
    pub phrases: Vec<String>,
    /// Regular expressions; each is one cue.
    #[serde(default)]
    pub regexes: Vec<String>,
}

/// A validated rules file.
#[derive(Debug, Clone)]
pub struct Rules {
    /// The file's contents, all checked.
    pub file: RulesFile,
    /// SHA-256 of the file's text, lowercase hex: names this exact rule set in
    /// the records it labels.
    pub sha256: String,
}

impl Rules {
    /// Parses and validates rules from TOML text.
    pub fn from_toml(text: &str) -> Result<Rules, RulesError> {
        let file: RulesFile = toml::from_str(text).map_err(|e| RulesError::Syntax(e.to_string()))?;
        validate(&file)?;
        Ok(Rules { file, sha256: crate::fetch::sha256_hex(text.as_bytes()) })
    }

    /// Reads, parses and validates a rules file.
    pub fn from_path(path: &Path) -> Result<Rules, RulesError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| RulesError::Read { path: path.display().to_string(), source })?;
        Rules::from_toml(&text)
    }

    /// The rules shipped with plansift.
    pub fn builtin() -> Result<Rules, RulesError> {
        Rules::from_toml(DEFAULT_RULES)
    }

    /// Category ids in output order.
    pub fn category_ids(&self) -> Vec<String> {
        self.file.categories.iter().map(|c| c.id.clone()).collect()
    }

    /// The threshold a label needs.
    pub fn threshold(&self, label: &str) -> f64 {
        self.file.thresholds.get(label).copied().unwrap_or(self.file.settings.threshold)
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

fn check_id(id: &str, seen: &mut HashSet<String>) -> Result<(), RulesError> {
    if !valid_id(id) {
        return Err(RulesError::BadId { id: id.to_string() });
    }
    if !seen.insert(id.to_string()) {
        return Err(RulesError::DuplicateId { id: id.to_string() });
    }
    Ok(())
}

fn check_patterns(rule: &str, phrases: &[String], regexes: &[String]) -> Result<(), RulesError> {
    if phrases.is_empty() && regexes.is_empty() {
        return Err(RulesError::Empty { rule: rule.to_string(), problem: "has neither phrases nor regexes" });
    }
    for phrase in phrases {
        pattern::parse_phrase(phrase).map_err(|problem| RulesError::BadPhrase {
            rule: rule.to_string(),
            phrase: phrase.clone(),
            problem,
        })?;
    }
    for regex in regexes {
        super::engine::build_regex(regex).map_err(|e| RulesError::BadRegex {
            rule: rule.to_string(),
            pattern: regex.clone(),
            message: e.to_string(),
        })?;
    }
    Ok(())
}

fn check_threshold(label: &str, value: f64) -> Result<(), RulesError> {
    if !value.is_finite() || value <= 0.0 || value > MAX_WEIGHT {
        return Err(RulesError::BadThreshold { label: label.to_string(), value });
    }
    Ok(())
}

fn validate(file: &RulesFile) -> Result<(), RulesError> {
    if file.version != RULES_VERSION {
        return Err(RulesError::Version { found: file.version });
    }
    check_threshold("settings.threshold", file.settings.threshold)?;
    check_threshold(
        "settings.other_themes_in_barrier_units_factor",
        file.settings.other_themes_in_barrier_units_factor,
    )?;
    check_threshold("settings.non_answer_factor", file.settings.non_answer_factor)?;
    check_threshold("settings.barrier_tone_share", file.settings.barrier_tone_share)?;
    check_threshold("settings.nearest_category_share", file.settings.nearest_category_share)?;
    if file.settings.max_cues == 0 {
        return Err(RulesError::BadSetting { rule: "settings".into(), problem: "max_cues must be at least 1".into() });
    }
    check_kind("settings.default_kind", &file.settings.default_kind)?;
    let mut seen = HashSet::new();
    let mut labels: HashSet<&str> = THEMES.iter().copied().collect();
    labels.insert(NON_ANSWER);
    for category in &file.categories {
        check_id(&category.id, &mut seen)?;
        if category.id.contains(['.', '-']) || THEMES.contains(&category.id.as_str()) || category.id == NON_ANSWER {
            return Err(RulesError::BadId { id: category.id.clone() });
        }
        labels.insert(&category.id);
    }
    if !file.categories.iter().any(|c| c.id == file.settings.fallback_category) {
        return Err(RulesError::UnknownFallback(file.settings.fallback_category.clone()));
    }
    for (label, value) in &file.thresholds {
        if !labels.contains(label.as_str()) {
            return Err(RulesError::UnknownLabel { rule: "thresholds".to_string(), label: label.clone() });
        }
        check_threshold(label, *value)?;
    }
    for rule in &file.rules {
        check_id(&rule.id, &mut seen)?;
        if rule.labels.is_empty() {
            return Err(RulesError::Empty { rule: rule.id.clone(), problem: "has no labels" });
        }
        for label in &rule.labels {
            if !labels.contains(label.as_str()) {
                return Err(RulesError::UnknownLabel { rule: rule.id.clone(), label: label.clone() });
            }
        }
        if !rule.weight.is_finite() || rule.weight == 0.0 || rule.weight.abs() > MAX_WEIGHT {
            return Err(RulesError::BadWeight { rule: rule.id.clone(), weight: rule.weight });
        }
        check_patterns(&rule.id, &rule.phrases, &rule.regexes)?;
        if rule.max_cues == Some(0) {
            return Err(RulesError::BadSetting {
                rule: rule.id.clone(),
                problem: "max_cues must be at least 1".into(),
            });
        }
        if !(1..=MAX_WINDOW).contains(&rule.window) {
            return Err(RulesError::BadSetting {
                rule: rule.id.clone(),
                problem: format!("window must be 1 to {MAX_WINDOW} words"),
            });
        }
        for sense in [&rule.near, &rule.not_near] {
            if !sense.is_empty() {
                check_patterns(&rule.id, sense, &[])?;
            }
        }
        for kind in &rule.kinds {
            check_kind(&rule.id, kind)?;
        }
    }
    let mut kinds_seen = HashSet::new();
    for kind in &file.kinds {
        check_kind(&kind.id, &kind.id)?;
        if !kinds_seen.insert(kind.id.as_str()) {
            return Err(RulesError::DuplicateId { id: kind.id.clone() });
        }
        check_threshold(&kind.id, kind.content_factor)?;
        check_patterns(&kind.id, &kind.phrases, &kind.regexes)?;
    }
    for exclusion in &file.exclusions {
        check_id(&exclusion.id, &mut seen)?;
        for label in &exclusion.labels {
            if !labels.contains(label.as_str()) {
                return Err(RulesError::UnknownLabel { rule: exclusion.id.clone(), label: label.clone() });
            }
        }
        check_patterns(&exclusion.id, &exclusion.phrases, &exclusion.regexes)?;
    }
    for heading in &file.headings {
        check_id(&heading.id, &mut seen)?;
        for theme in &heading.themes {
            if !THEMES.contains(&theme.as_str()) {
                return Err(RulesError::UnknownTheme { rule: heading.id.clone(), theme: theme.clone() });
            }
        }
        check_threshold(&heading.id, heading.content_factor)?;
        check_patterns(&heading.id, &heading.phrases, &heading.regexes)?;
    }
    Ok(())
}

fn check_kind(rule: &str, kind: &str) -> Result<(), RulesError> {
    if DOCUMENT_KINDS.contains(&kind) {
        Ok(())
    } else {
        Err(RulesError::UnknownKind { rule: rule.to_string(), kind: kind.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
version = 2
[[category]]
id = "other"
[[category]]
id = "funding_certainty"
"#;

    fn with(extra: &str) -> Result<Rules, RulesError> {
        Rules::from_toml(&format!("{BASE}\n{extra}"))
    }

    #[test]
    fn builtin_rules_are_valid() {
        let rules = Rules::builtin().expect("shipped rules load");
        assert!(rules.category_ids().contains(&"other".to_string()));
        assert!(!rules.file.rules.is_empty() && !rules.file.headings.is_empty());
    }

    #[test]
    fn bad_regex_names_rule_and_pattern() {
        let err = with("[[rule]]\nid = \"r1\"\nlabels = [\"barriers\"]\nregexes = ['(unclosed']").unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, RulesError::BadRegex { .. }), "{message}");
        assert!(message.contains("\"r1\"") && message.contains("(unclosed"), "{message}");
    }

    #[test]
    fn unknown_theme_and_label_are_refused() {
        let err = with("[[heading]]\nid = \"h1\"\nthemes = [\"barriers\", \"waste\"]\nphrases = [\"x\"]").unwrap_err();
        assert!(matches!(&err, RulesError::UnknownTheme { rule, theme } if rule == "h1" && theme == "waste"), "{err}");
        let err = with("[[rule]]\nid = \"r2\"\nlabels = [\"funding\"]\nphrases = [\"x\"]").unwrap_err();
        assert!(matches!(&err, RulesError::UnknownLabel { rule, label } if rule == "r2" && label == "funding"));
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let rule = "[[rule]]\nid = \"same\"\nlabels = [\"barriers\"]\nphrases = [\"x\"]\n";
        let err = with(&format!("{rule}{rule}")).unwrap_err();
        assert!(matches!(&err, RulesError::DuplicateId { id } if id == "same"), "{err}");
    }

    #[test]
    fn bad_weights_and_thresholds_are_refused() {
        for weight in ["0.0", "1e9", "nan", "inf"] {
            let err =
                with(&format!("[[rule]]\nid = \"w\"\nlabels = [\"barriers\"]\nweight = {weight}\nphrases = [\"x\"]"))
                    .unwrap_err();
            assert!(matches!(&err, RulesError::BadWeight { rule, .. } if rule == "w"), "{weight}: {err}");
        }
        let err = with("[thresholds]\nbarriers = -1.0").unwrap_err();
        assert!(matches!(err, RulesError::BadThreshold { .. }), "{err}");
    }

    #[test]
    fn bad_phrases_and_empty_rules_are_refused() {
        let err = with("[[rule]]\nid = \"p\"\nlabels = [\"barriers\"]\nphrases = [\"*\"]").unwrap_err();
        assert!(matches!(&err, RulesError::BadPhrase { rule, .. } if rule == "p"), "{err}");
        let err = with("[[rule]]\nid = \"e\"\nlabels = [\"barriers\"]").unwrap_err();
        assert!(matches!(&err, RulesError::Empty { rule, .. } if rule == "e"), "{err}");
    }

    #[test]
    fn a_new_category_needs_only_data() {
        let rules = with(
            "[[category]]\nid = \"climate\"\n[[rule]]\nid = \"c1\"\nlabels = [\"climate\"]\nphrases = [\"net zero\"]",
        )
        .expect("valid");
        assert_eq!(rules.category_ids(), ["other", "funding_certainty", "climate"]);
    }

    #[test]
    fn unknown_fields_and_versions_are_refused() {
        assert!(matches!(
            with("[[rule]]\nid = \"u\"\nlabel = \"barriers\"\nphrases = [\"x\"]"),
            Err(RulesError::Syntax(_))
        ));
        assert!(matches!(Rules::from_toml("version = 1"), Err(RulesError::Version { found: 1 })));
    }
}
