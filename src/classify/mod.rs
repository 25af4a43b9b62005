//! Classification: which of the letter's themes each unit answers and which
//! barrier categories it raises, with the evidence for every label.
//!
//! The rules are data ([`rules`]); they are compiled once into matchers
//! ([`engine`]). A unit's themes are the theme of its section ([`sections`]: the
//! nearest heading a heading rule maps) plus the themes its own content scores;
//! barrier categories come from the content of units with the `barriers` theme,
//! `other` (the configured fallback) when none reaches its threshold. Units are
//! scored in parallel; the result does not depend on the number of threads.

pub mod engine;
pub mod pattern;
pub mod rules;
pub mod sections;

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::document::BlockKind;
use engine::{Hit, Matcher, Source};
pub use rules::{Rules, RulesError, THEMES};
use sections::{HeadingMatch, SectionTracker};

/// The evidence rule id written for a fallback barrier category.
pub const FALLBACK_RULE: &str = "settings.fallback_category";

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
    /// The id of the lead-in unit (a line ending in ':') whose content gave this
    /// list item the label; `rule` and `spans` then refer to that unit's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_in: Option<String>,
}

/// What the classifier needs to know about a unit.
#[derive(Debug, Clone, Copy)]
pub struct UnitRef<'a> {
    /// The unit's id (`p1`, ...), used in lead-in evidence.
    pub id: &'a str,
    /// The unit's text.
    pub text: &'a str,
    /// Paragraph, list item or table row.
    pub kind: BlockKind,
    /// The headings above it, outermost first.
    pub section: &'a [String],
}

/// The content scores of one unit: for every label reached, the rules that hit.
///
/// Rules and labels are indices; the output strings are only built in
/// [`Classifier::label`] for labels the unit is actually given.
#[derive(Debug, Clone, Default)]
struct ContentLabels {
    /// (label index, score divided by threshold) for every label that reached
    /// its threshold, by label index.
    labels: Vec<(usize, f64)>,
    /// (rule index, its spans) for every rule that hit and was not excluded, by rule index.
    by_rule: Vec<(usize, Vec<[usize; 2]>)>,
}

/// Per-thread buffers reused from one unit to the next.
#[derive(Debug, Default)]
struct Scratch {
    normal: Vec<u8>,
    hits: Vec<Hit>,
    scores: Vec<f64>,
}

/// Where a unit stands, worked out in document order.
#[derive(Debug, Clone)]
struct Context {
    /// The unit reads as a heading: no labels.
    pseudo_heading: bool,
    /// The section's themes.
    section: Option<Arc<sections::SectionTheme>>,
    /// The lead-in whose labels this list item inherits.
    lead_in: Option<usize>,
}

/// Rules compiled for classification. Build once, share between threads.
#[derive(Debug, Clone)]
pub struct Classifier {
    rules: Rules,
    /// Themes, then categories: the label index space.
    labels: Vec<String>,
    thresholds: Vec<f64>,
    /// Some threshold is so small that a score of zero reaches it, so a unit
    /// without hits still needs scoring.
    zero_score_labels: bool,
    content: Matcher,
    content_rules: usize,
    rule_labels: Vec<Vec<usize>>,
    exclusion_labels: Vec<Vec<usize>>,
    headings: Matcher,
    fallback: usize,
    barriers_theme: usize,
}

impl Classifier {
    /// SHA-256 of the rules text this classifier was compiled from.
    pub fn rules_sha256(&self) -> &str {
        &self.rules.sha256
    }

    /// Compiles validated rules.
    pub fn new(rules: Rules) -> Result<Classifier, RulesError> {
        let file = &rules.file;
        let mut labels: Vec<String> = THEMES.iter().map(|t| t.to_string()).collect();
        labels.extend(rules.category_ids());
        let index: HashMap<&str, usize> = labels.iter().enumerate().map(|(i, l)| (l.as_str(), i)).collect();
        let lookup = |rule: &str, label: &str| {
            index
                .get(label)
                .copied()
                .ok_or_else(|| RulesError::UnknownLabel { rule: rule.to_string(), label: label.to_string() })
        };
        let mut sources: Vec<Source<'_>> = Vec::new();
        let mut rule_labels = Vec::new();
        for rule in &file.rules {
            sources.push(Source { id: &rule.id, phrases: &rule.phrases, regexes: &rule.regexes });
            rule_labels.push(rule.labels.iter().map(|l| lookup(&rule.id, l)).collect::<Result<Vec<_>, _>>()?);
        }
        let mut exclusion_labels = Vec::new();
        for exclusion in &file.exclusions {
            sources.push(Source { id: &exclusion.id, phrases: &exclusion.phrases, regexes: &exclusion.regexes });
            exclusion_labels
                .push(exclusion.labels.iter().map(|l| lookup(&exclusion.id, l)).collect::<Result<Vec<_>, _>>()?);
        }
        let content = Matcher::new(&sources)?;
        let heading_sources: Vec<Source<'_>> =
            file.headings.iter().map(|h| Source { id: &h.id, phrases: &h.phrases, regexes: &h.regexes }).collect();
        let headings = Matcher::new(&heading_sources)?;
        let thresholds: Vec<f64> = labels.iter().map(|l| rules.threshold(l)).collect();
        let zero_score_labels = thresholds.iter().any(|t| 1e-9 >= *t);
        let fallback = lookup("settings.fallback_category", &file.settings.fallback_category)?;
        let barriers_theme = lookup("themes", rules::BARRIERS_THEME)?;
        Ok(Classifier {
            content_rules: file.rules.len(),
            rules,
            labels,
            thresholds,
            zero_score_labels,
            content,
            rule_labels,
            exclusion_labels,
            headings,
            fallback,
            barriers_theme,
        })
    }

    /// The classifier for the rules shipped with plansift.
    pub fn builtin() -> Result<Classifier, RulesError> {
        Classifier::new(Rules::builtin()?)
    }

    /// The rules this classifier was built from.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// Barrier-category ids in output order.
    pub fn category_ids(&self) -> &[String] {
        &self.labels[THEMES.len()..]
    }

    /// The heading rule a heading matches, if any (the first in file order).
    pub fn match_heading(&self, heading: &str) -> Option<HeadingMatch> {
        let rule = self.headings.find(heading).into_iter().map(|hit| hit.rule).min()?;
        let def = &self.rules.file.headings[rule];
        Some(HeadingMatch { rule: def.id.clone(), themes: def.themes.clone() })
    }

    /// Labels from a unit's own text alone (no section, no lead-in).
    fn score_content(&self, text: &str, scratch: &mut Scratch) -> ContentLabels {
        let Scratch { normal, hits, scores } = scratch;
        self.content.find_into(text, normal, hits);
        if hits.is_empty() && !self.zero_score_labels {
            return ContentLabels::default();
        }
        // Hits are sorted by rule, and exclusions come after the content rules.
        let first_exclusion = hits.partition_point(|h| h.rule < self.content_rules);
        let (content_hits, exclusions) = hits.split_at(first_exclusion);
        let mut by_rule: Vec<(usize, Vec<[usize; 2]>)> = Vec::new();
        for hit in content_hits {
            let labels = &self.rule_labels[hit.rule];
            let excluded = exclusions.iter().any(|ex| {
                let limited_to = &self.exclusion_labels[ex.rule - self.content_rules];
                let applies = limited_to.is_empty() || limited_to.iter().any(|l| labels.contains(l));
                applies && ex.start <= hit.start && hit.end <= ex.end
            });
            if excluded {
                continue;
            }
            // Hits come by rule, then start: a phrase inside or across a longer
            // match of the same rule widens that span rather than repeating it.
            match by_rule.last_mut() {
                Some((rule, spans)) if *rule == hit.rule => match spans.last_mut() {
                    Some(last) if hit.start < last[1] => last[1] = last[1].max(hit.end),
                    _ => spans.push([hit.start, hit.end]),
                },
                _ => by_rule.push((hit.rule, vec![[hit.start, hit.end]])),
            }
        }
        if by_rule.is_empty() && !self.zero_score_labels {
            return ContentLabels::default();
        }
        scores.clear();
        scores.resize(self.labels.len(), 0.0);
        for (rule, _) in &by_rule {
            let weight = self.rules.file.rules[*rule].weight;
            for &label in &self.rule_labels[*rule] {
                scores[label] += weight;
            }
        }
        let labels = scores
            .iter()
            .zip(&self.thresholds)
            .enumerate()
            .filter(|(_, (score, threshold))| **score + 1e-9 >= **threshold)
            .map(|(label, (score, threshold))| (label, score / threshold))
            .collect();
        ContentLabels { labels, by_rule }
    }

    /// The evidence for `label` from a unit's content: one entry per positively
    /// weighted rule that hit and carries the label, in rule order.
    fn content_evidence<'c>(
        &'c self,
        content: &'c ContentLabels,
        label: usize,
    ) -> impl Iterator<Item = (usize, &'c Vec<[usize; 2]>)> + 'c {
        content
            .by_rule
            .iter()
            .filter(move |(rule, _)| {
                self.rules.file.rules[*rule].weight > 0.0 && self.rule_labels[*rule].contains(&label)
            })
            .map(|(rule, spans)| (*rule, spans))
    }

    /// Classifies the units of one document (or one council's plan), in order.
    ///
    /// Content is scored in parallel on the current rayon pool; sections and
    /// lead-ins are then applied in order. The output is the same whatever the
    /// number of threads.
    pub fn classify(&self, units: &[UnitRef<'_>]) -> Vec<Labels> {
        let content: Vec<ContentLabels> = units
            .par_iter()
            .map_init(Scratch::default, |scratch, unit| self.score_content(unit.text, scratch))
            .collect();
        let contexts = self.contexts(units);
        units
            .par_iter()
            .enumerate()
            .map(|(i, _)| self.label(&content[i], &contexts[i], units, &content, &contexts))
            .collect()
    }

    /// Where each unit stands (section, pseudo-heading, lead-in): a sequential
    /// pass, as it depends on the units before.
    fn contexts(&self, units: &[UnitRef<'_>]) -> Vec<Context> {
        let settings = &self.rules.file.settings;
        let mut tracker = SectionTracker::new(self, settings.pseudo_headings, settings.pseudo_heading_max_words);
        // The costly half (matching heading rules) needs no order: done in parallel.
        let candidates: Vec<bool> = units.par_iter().map(|unit| tracker.is_candidate(unit)).collect();
        let mut lead_in: Option<usize> = None;
        let mut contexts = Vec::with_capacity(units.len());
        for (i, unit) in units.iter().enumerate() {
            let neighbour = (i > 0 && candidates[i - 1]) || candidates.get(i + 1).copied().unwrap_or(false);
            let placement = tracker.place(unit, candidates[i], neighbour);
            if placement.is_pseudo_heading {
                lead_in = None;
                contexts.push(Context { pseudo_heading: true, section: None, lead_in: None });
                continue;
            }
            let continues = settings.lead_in_inheritance
                && unit.kind == BlockKind::ListItem
                && lead_in.is_some_and(|from| units[from].section == unit.section);
            if !continues {
                lead_in = None;
            }
            contexts.push(Context { pseudo_heading: false, section: placement.section, lead_in });
            if is_lead_in(unit.text) && lead_in_is_short(unit.text, settings.lead_in_max_words) {
                lead_in = Some(i);
            }
        }
        contexts
    }

    /// The labels of one unit from its content, its context and its lead-in's content.
    fn label(
        &self,
        content: &ContentLabels,
        context: &Context,
        units: &[UnitRef<'_>],
        all_content: &[ContentLabels],
        all_contexts: &[Context],
    ) -> Labels {
        if context.pseudo_heading
            || (context.section.is_none() && context.lead_in.is_none() && content.labels.is_empty())
        {
            return Labels::default();
        }
        let settings = &self.rules.file.settings;
        // label index -> evidence
        let mut found: Vec<Option<Vec<Evidence>>> = vec![None; self.labels.len()];
        if let Some(section) = &context.section {
            for theme in &section.themes {
                if let Some(index) = self.labels.iter().position(|l| l == theme) {
                    found[index].get_or_insert_with(Vec::new).push(Evidence {
                        label: theme.clone(),
                        rule: section.rule.clone(),
                        spans: Vec::new(),
                        heading: Some(section.heading.clone()),
                        lead_in: None,
                    });
                }
            }
        }
        if let Some(from) = context.lead_in {
            let lead = &all_content[from];
            let lead_has_barriers = lead.labels.iter().any(|&(label, _)| label == self.barriers_theme)
                || all_contexts[from]
                    .section
                    .as_ref()
                    .is_some_and(|s| s.themes.iter().any(|t| t == rules::BARRIERS_THEME));
            for &(label, _) in &lead.labels {
                if label == self.fallback || (label >= THEMES.len() && !lead_has_barriers) {
                    continue;
                }
                found[label].get_or_insert_with(Vec::new).extend(self.content_evidence(lead, label).map(
                    |(rule, _)| Evidence {
                        label: self.labels[label].clone(),
                        rule: self.rules.file.rules[rule].id.clone(),
                        spans: Vec::new(),
                        heading: None,
                        lead_in: Some(units[from].id.to_string()),
                    },
                ));
            }
        }
        let states_barrier = found[self.barriers_theme].is_some()
            || content.labels.iter().any(|&(label, _)| label == self.barriers_theme);
        for &(label, strength) in &content.labels {
            // A barrier statement names topics in passing ("our transformation
            // progress"); other themes need stronger evidence there.
            let other_theme = label < THEMES.len() && label != self.barriers_theme;
            if states_barrier && other_theme && strength + 1e-9 < settings.other_themes_in_barrier_units_factor {
                continue;
            }
            found[label].get_or_insert_with(Vec::new).extend(self.content_evidence(content, label).map(
                |(rule, spans)| Evidence {
                    label: self.labels[label].clone(),
                    rule: self.rules.file.rules[rule].id.clone(),
                    spans: spans.clone(),
                    heading: None,
                    lead_in: None,
                },
            ));
        }
        self.finish(found)
    }

    /// Orders labels, drops categories without the barriers theme and adds the fallback.
    fn finish(&self, mut found: Vec<Option<Vec<Evidence>>>) -> Labels {
        let has_barriers = found[self.barriers_theme].is_some();
        if has_barriers {
            let any_category =
                found[THEMES.len()..].iter().enumerate().any(|(i, f)| f.is_some() && i + THEMES.len() != self.fallback);
            if !any_category && found[self.fallback].is_none() {
                found[self.fallback] = Some(vec![Evidence {
                    label: self.labels[self.fallback].clone(),
                    rule: FALLBACK_RULE.to_string(),
                    spans: Vec::new(),
                    heading: None,
                    lead_in: None,
                }]);
            }
        } else {
            for slot in found.iter_mut().skip(THEMES.len()) {
                *slot = None;
            }
        }
        let mut labels = Labels::default();
        for (index, slot) in found.into_iter().enumerate() {
            let Some(evidence) = slot else { continue };
            if index < THEMES.len() {
                labels.themes.push(self.labels[index].clone());
            } else {
                labels.barriers.push(self.labels[index].clone());
            }
            labels.evidence.extend(evidence);
        }
        labels
    }
}

/// Whether a unit introduces a list: it ends in a colon (or the `:-` of some plans).
fn is_lead_in(text: &str) -> bool {
    let trimmed = text.trim_end();
    let trimmed = trimmed.strip_suffix('-').unwrap_or(trimmed).trim_end();
    trimmed.ends_with(':')
}

/// Whether a lead-in is short enough that its themes describe the list after it
/// (a long sentence ending in a colon says more than its list).
fn lead_in_is_short(text: &str, max_words: usize) -> bool {
    text.split_whitespace().count() <= max_words
}

#[cfg(test)]
mod tests;
