//! Classification: which of the letter's themes each unit answers and which
//! barrier categories it raises, with the evidence for every label.
//!
//! The rules are data ([`rules`]); they are compiled once into matchers
//! ([`engine`]). Each content rule is a family of cues, the ways councils say one
//! thing; every distinct cue found adds the family's weight, up to `max_cues`, and
//! a cue may need a neighbour that gives it the sense meant (`near`, `not_near`).
//! A unit's themes are the theme of its section ([`sections`]: the nearest heading
//! a heading rule maps) plus the themes its own content scores; barrier categories
//! come from the content of units with the `barriers` theme, `other` (the
//! configured fallback) when none reaches its threshold.
//!
//! Units about the request or the plan itself are recognised from where they
//! stand as much as from their words: the document's kind (plan, cabinet report,
//! minutes), the section (introduction, recommendations), a lead-in such as "the
//! plan covers:", and the `non_answer` cues. There the content themes need a
//! multiple of their thresholds. Units are scored in parallel; the result does not
//! depend on the number of threads.

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
pub use rules::{Rules, RulesError, DOCUMENT_KINDS, NON_ANSWER, THEMES};
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

/// The content scores of one unit: for every label scored, how far it got, and
/// the rules that hit.
///
/// Rules and labels are indices; the output strings are only built in
/// [`Classifier::label`] for labels the unit is actually given.
#[derive(Debug, Clone, Default)]
struct ContentLabels {
    /// (label index, score divided by threshold) for every label with a positive
    /// score (or a threshold a zero score reaches), by label index. A label is
    /// given when this reaches the factor the unit's context asks for.
    labels: Vec<(usize, f64)>,
    /// (rule index, start, end) for every rule that hit and was not excluded, by
    /// rule index: its spans are `spans[start..end]` (one buffer per unit, not one
    /// per rule, as most units hit many rules).
    by_rule: Vec<(usize, usize, usize)>,
    /// The spans of every rule in `by_rule`.
    spans: Vec<[usize; 2]>,
}

impl ContentLabels {
    /// Whether `label` reached `factor` times its threshold.
    fn reaches(&self, label: usize, factor: f64) -> bool {
        self.labels.iter().any(|&(l, strength)| l == label && strength + 1e-9 >= factor)
    }
}

/// Per-thread buffers reused from one unit to the next.
#[derive(Debug, Default)]
struct Scratch {
    normal: Vec<u8>,
    hits: Vec<Hit>,
    scores: Vec<f64>,
    /// One rule's counted hits: (start, end, cue).
    rule_hits: Vec<(usize, usize, u32)>,
    cues: Vec<u32>,
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
    /// How many times its threshold a content theme needs here (section, kind,
    /// a non-answer lead-in above).
    content_factor: f64,
}

/// The sense constraints of one content rule, as indices into the content matcher.
#[derive(Debug, Clone, Copy, Default)]
struct Sense {
    near: Option<usize>,
    not_near: Option<usize>,
    window: usize,
}

/// One document's units classified, and the kind of document they were read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    /// One of [`DOCUMENT_KINDS`].
    pub kind: &'static str,
    /// The labels of each unit, in order.
    pub labels: Vec<Labels>,
}

/// Rules compiled for classification. Build once, share between threads.
#[derive(Debug, Clone)]
pub struct Classifier {
    rules: Rules,
    /// Themes, then categories, then the `non_answer` pseudo-label: the label index space.
    labels: Vec<String>,
    thresholds: Vec<f64>,
    /// Some threshold is so small that a score of zero reaches it, so a unit
    /// without hits still needs scoring.
    zero_score_labels: bool,
    content: Matcher,
    content_rules: usize,
    exclusion_rules: usize,
    rule_labels: Vec<Vec<usize>>,
    rule_max_cues: Vec<usize>,
    rule_senses: Vec<Sense>,
    /// Per rule, the document kinds (indices into [`DOCUMENT_KINDS`]) it applies in; empty for all.
    rule_kinds: Vec<Vec<usize>>,
    exclusion_labels: Vec<Vec<usize>>,
    headings: Matcher,
    kinds: Matcher,
    /// Per [`DOCUMENT_KINDS`] entry: content factor.
    kind_factors: [f64; DOCUMENT_KINDS.len()],
    default_kind: usize,
    fallback: usize,
    barriers_theme: usize,
    non_answer: usize,
}

fn kind_index(kind: &str) -> Option<usize> {
    DOCUMENT_KINDS.iter().position(|k| *k == kind)
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
        labels.push(NON_ANSWER.to_string());
        let index: HashMap<&str, usize> = labels.iter().enumerate().map(|(i, l)| (l.as_str(), i)).collect();
        let lookup = |rule: &str, label: &str| {
            index
                .get(label)
                .copied()
                .ok_or_else(|| RulesError::UnknownLabel { rule: rule.to_string(), label: label.to_string() })
        };
        let known_kind = |rule: &str, kind: &str| {
            kind_index(kind).ok_or_else(|| RulesError::UnknownKind { rule: rule.to_string(), kind: kind.to_string() })
        };
        let mut sources: Vec<Source<'_>> = Vec::new();
        let mut rule_labels = Vec::new();
        let mut rule_max_cues = Vec::new();
        let mut rule_kinds = Vec::new();
        for rule in &file.rules {
            sources.push(Source { id: &rule.id, phrases: &rule.phrases, regexes: &rule.regexes });
            rule_labels.push(rule.labels.iter().map(|l| lookup(&rule.id, l)).collect::<Result<Vec<_>, _>>()?);
            rule_max_cues.push(rule.max_cues.unwrap_or(file.settings.max_cues).max(1));
            rule_kinds.push(rule.kinds.iter().map(|k| known_kind(&rule.id, k)).collect::<Result<Vec<_>, _>>()?);
        }
        let mut exclusion_labels = Vec::new();
        for exclusion in &file.exclusions {
            sources.push(Source { id: &exclusion.id, phrases: &exclusion.phrases, regexes: &exclusion.regexes });
            exclusion_labels
                .push(exclusion.labels.iter().map(|l| lookup(&exclusion.id, l)).collect::<Result<Vec<_>, _>>()?);
        }
        // Sense phrases are matched in the same pass, as sources after the exclusions.
        let mut rule_senses = Vec::with_capacity(file.rules.len());
        for rule in &file.rules {
            let mut sense = Sense { window: rule.window, ..Sense::default() };
            if !rule.near.is_empty() {
                sense.near = Some(sources.len());
                sources.push(Source { id: &rule.id, phrases: &rule.near, regexes: &[] });
            }
            if !rule.not_near.is_empty() {
                sense.not_near = Some(sources.len());
                sources.push(Source { id: &rule.id, phrases: &rule.not_near, regexes: &[] });
            }
            rule_senses.push(sense);
        }
        let content = Matcher::new(&sources)?;
        let heading_sources: Vec<Source<'_>> =
            file.headings.iter().map(|h| Source { id: &h.id, phrases: &h.phrases, regexes: &h.regexes }).collect();
        let headings = Matcher::new(&heading_sources)?;
        let kind_sources: Vec<Source<'_>> =
            file.kinds.iter().map(|k| Source { id: &k.id, phrases: &k.phrases, regexes: &k.regexes }).collect();
        let kinds = Matcher::new(&kind_sources)?;
        let mut kind_factors = [1.0; DOCUMENT_KINDS.len()];
        for kind in &file.kinds {
            kind_factors[known_kind(&kind.id, &kind.id)?] = kind.content_factor;
        }
        let default_kind = known_kind("settings.default_kind", &file.settings.default_kind)?;
        let thresholds: Vec<f64> = labels.iter().map(|l| rules.threshold(l)).collect();
        let zero_score_labels = thresholds.iter().any(|t| 1e-9 >= *t);
        let fallback = lookup("settings.fallback_category", &file.settings.fallback_category)?;
        let barriers_theme = lookup("themes", rules::BARRIERS_THEME)?;
        let non_answer = labels.len() - 1;
        Ok(Classifier {
            content_rules: file.rules.len(),
            exclusion_rules: file.exclusions.len(),
            rules,
            labels,
            thresholds,
            zero_score_labels,
            content,
            rule_labels,
            rule_max_cues,
            rule_senses,
            rule_kinds,
            exclusion_labels,
            headings,
            kinds,
            kind_factors,
            default_kind,
            fallback,
            barriers_theme,
            non_answer,
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
        &self.labels[self.categories()]
    }

    /// The label indices of the barrier categories.
    fn categories(&self) -> std::ops::Range<usize> {
        THEMES.len()..self.non_answer
    }

    /// The heading rule a heading matches, if any (the first in file order).
    pub fn match_heading(&self, heading: &str) -> Option<HeadingMatch> {
        let rule = self.headings.find(heading).into_iter().map(|hit| hit.rule).min()?;
        let def = &self.rules.file.headings[rule];
        Some(HeadingMatch { rule: def.id.clone(), themes: def.themes.clone(), content_factor: def.content_factor })
    }

    /// The kind of document `units` come from, one of [`DOCUMENT_KINDS`]: the
    /// `[[kind]]` with the most distinct cues in the top of the document (its
    /// first `settings.kind_sample_units` units and their headings), among those
    /// reaching their `min_cues`; else `settings.default_kind`.
    pub fn document_kind(&self, units: &[UnitRef<'_>]) -> &'static str {
        let defs = &self.rules.file.kinds;
        if defs.is_empty() {
            return DOCUMENT_KINDS[self.default_kind];
        }
        let top = &units[..units.len().min(self.rules.file.settings.kind_sample_units)];
        let mut texts: Vec<&str> = Vec::new();
        for unit in top {
            for heading in unit.section {
                if !texts.contains(&heading.as_str()) {
                    texts.push(heading);
                }
            }
            texts.push(unit.text);
        }
        let mut found: Vec<(usize, u32)> = Vec::new();
        let (mut normal, mut hits) = (Vec::new(), Vec::new());
        for text in texts {
            self.kinds.find_into(text, &mut normal, &mut hits);
            found.extend(hits.iter().map(|hit| (hit.rule, hit.cue)));
        }
        found.sort_unstable();
        found.dedup();
        let mut best: Option<(usize, usize)> = None;
        for (rule, def) in defs.iter().enumerate() {
            let cues = found.iter().filter(|(r, _)| *r == rule).count();
            if cues >= def.min_cues && best.is_none_or(|(_, most)| cues > most) {
                best = Some((rule, cues));
            }
        }
        best.and_then(|(rule, _)| kind_index(&defs[rule].id))
            .map_or(DOCUMENT_KINDS[self.default_kind], |kind| DOCUMENT_KINDS[kind])
    }

    /// Labels from a unit's own text alone (no section, no lead-in), in a
    /// document of kind `kind` (an index into [`DOCUMENT_KINDS`]).
    fn score_content(&self, text: &str, kind: usize, scratch: &mut Scratch) -> ContentLabels {
        let Scratch { normal, hits, scores, rule_hits, cues } = scratch;
        self.content.find_into(text, normal, hits);
        if hits.is_empty() && !self.zero_score_labels {
            return ContentLabels::default();
        }
        // Hits are sorted by rule: content rules, then exclusions, then senses.
        let first_exclusion = hits.partition_point(|h| h.rule < self.content_rules);
        let first_sense = hits.partition_point(|h| h.rule < self.content_rules + self.exclusion_rules);
        let content_hits = &hits[..first_exclusion];
        let exclusions = &hits[first_exclusion..first_sense];
        let senses = &hits[first_sense..];
        let mut by_rule: Vec<(usize, usize, usize)> = Vec::new();
        let mut spans: Vec<[usize; 2]> = Vec::new();
        scores.clear();
        scores.resize(self.labels.len(), 0.0);
        let mut group_start = 0;
        while group_start < content_hits.len() {
            let rule = content_hits[group_start].rule;
            let group_end = group_start + content_hits[group_start..].partition_point(|h| h.rule == rule);
            let group = &content_hits[group_start..group_end];
            group_start = group_end;
            let allowed = &self.rule_kinds[rule];
            if !allowed.is_empty() && !allowed.contains(&kind) {
                continue;
            }
            let labels = &self.rule_labels[rule];
            let sense = self.rule_senses[rule];
            rule_hits.clear();
            for hit in group {
                let excluded = exclusions.iter().any(|ex| {
                    let limited_to = &self.exclusion_labels[ex.rule - self.content_rules];
                    let applies = limited_to.is_empty() || limited_to.iter().any(|l| labels.contains(l));
                    applies && ex.start <= hit.start && hit.end <= ex.end
                });
                if excluded {
                    continue;
                }
                if let Some(near) = sense.near {
                    if !near_any(normal, senses, near, hit, sense.window) {
                        continue;
                    }
                }
                if let Some(not_near) = sense.not_near {
                    if near_any(normal, senses, not_near, hit, sense.window) {
                        continue;
                    }
                }
                rule_hits.push((hit.start, hit.end, hit.cue));
            }
            if rule_hits.is_empty() {
                continue;
            }
            // Longest first at each start: a cue inside another cue's match of the
            // same rule ("social care" in "adult social care") is not a second cue.
            rule_hits.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
            cues.clear();
            let first_span = spans.len();
            let mut reach = 0;
            for &(start, end, cue) in rule_hits.iter() {
                let inside = spans.len() > first_span && end <= reach;
                if !inside {
                    cues.push(cue);
                }
                reach = reach.max(end);
                match spans[first_span..].last_mut() {
                    Some(last) if start < last[1] => last[1] = last[1].max(end),
                    _ => spans.push([start, end]),
                }
            }
            cues.sort_unstable();
            cues.dedup();
            let counted = cues.len().min(self.rule_max_cues[rule]);
            let weight = self.rules.file.rules[rule].weight * counted as f64;
            for &label in labels {
                scores[label] += weight;
            }
            by_rule.push((rule, first_span, spans.len()));
        }
        if by_rule.is_empty() && !self.zero_score_labels {
            return ContentLabels::default();
        }
        let labels = scores
            .iter()
            .zip(&self.thresholds)
            .enumerate()
            .filter(|(_, (score, threshold))| **score > 0.0 || **score + 1e-9 >= **threshold)
            .map(|(label, (score, threshold))| (label, score / threshold))
            .collect();
        ContentLabels { labels, by_rule, spans }
    }

    /// The evidence for `label` from a unit's content: one entry per positively
    /// weighted rule that hit and carries the label, in rule order.
    fn content_evidence<'c>(
        &'c self,
        content: &'c ContentLabels,
        label: usize,
    ) -> impl Iterator<Item = (usize, &'c [[usize; 2]])> + 'c {
        content
            .by_rule
            .iter()
            .filter(move |(rule, _, _)| {
                self.rules.file.rules[*rule].weight > 0.0 && self.rule_labels[*rule].contains(&label)
            })
            .map(|&(rule, start, end)| (rule, &content.spans[start..end]))
    }

    /// Classifies the units of one document (or one council's plan), in order,
    /// reading it as the kind [`Classifier::document_kind`] detects.
    pub fn classify(&self, units: &[UnitRef<'_>]) -> Vec<Labels> {
        self.classify_document(units).labels
    }

    /// [`Classifier::classify`], also saying which kind of document it read.
    pub fn classify_document(&self, units: &[UnitRef<'_>]) -> Classified {
        let kind = self.document_kind(units);
        Classified { kind, labels: self.classify_as(units, kind) }
    }

    /// Classifies units read as a document of `kind` (one of [`DOCUMENT_KINDS`];
    /// an unknown kind is read as the default kind).
    ///
    /// Content is scored in parallel on the current rayon pool; sections and
    /// lead-ins are then applied in order. The output is the same whatever the
    /// number of threads.
    pub fn classify_as(&self, units: &[UnitRef<'_>], kind: &str) -> Vec<Labels> {
        let kind = kind_index(kind).unwrap_or(self.default_kind);
        let content: Vec<ContentLabels> = units
            .par_iter()
            .map_init(Scratch::default, |scratch, unit| self.score_content(unit.text, kind, scratch))
            .collect();
        let contexts = self.contexts(units, &content, kind);
        units
            .par_iter()
            .enumerate()
            .map(|(i, _)| self.label(&content[i], &contexts[i], units, &content, &contexts))
            .collect()
    }

    /// Where each unit stands (section, pseudo-heading, lead-in, the factor its
    /// content themes need): a sequential pass, as it depends on the units before.
    fn contexts(&self, units: &[UnitRef<'_>], content: &[ContentLabels], kind: usize) -> Vec<Context> {
        let settings = &self.rules.file.settings;
        let mut tracker = SectionTracker::new(self, settings.pseudo_headings, settings.pseudo_heading_max_words);
        // The costly half (matching heading rules) needs no order: done in parallel.
        let candidates: Vec<bool> = units.par_iter().map(|unit| tracker.is_candidate(unit)).collect();
        let kind_factor = self.kind_factors[kind];
        let mut lead_in: Option<usize> = None;
        let mut contexts = Vec::with_capacity(units.len());
        for (i, unit) in units.iter().enumerate() {
            let neighbour = (i > 0 && candidates[i - 1]) || candidates.get(i + 1).copied().unwrap_or(false);
            let placement = tracker.place(unit, candidates[i], neighbour);
            if placement.is_pseudo_heading {
                lead_in = None;
                contexts.push(Context { pseudo_heading: true, section: None, lead_in: None, content_factor: 1.0 });
                continue;
            }
            let continues = settings.lead_in_inheritance
                && unit.kind == BlockKind::ListItem
                && lead_in.is_some_and(|from| units[from].section == unit.section);
            if !continues {
                lead_in = None;
            }
            let mut content_factor = placement.content_factor.max(kind_factor);
            if content[i].reaches(self.non_answer, 1.0) {
                content_factor = content_factor.max(settings.non_answer_factor);
            }
            // The items of a list that a non-answer introduces ("the plan covers
            // the following areas:") restate the request as much as it does.
            if let Some(from) = lead_in {
                if contexts[from].content_factor >= settings.non_answer_factor {
                    content_factor = content_factor.max(settings.non_answer_factor);
                }
            }
            contexts.push(Context { pseudo_heading: false, section: placement.section, lead_in, content_factor });
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
        let non_answer = context.content_factor >= settings.non_answer_factor;
        // A unit about the request or the plan that answers nothing in its own
        // words ("RESOLVED that the plan be approved") takes no theme from its
        // section either.
        let answers_nothing = non_answer
            && !content.labels.iter().any(|&(label, strength)| label < THEMES.len() && strength + 1e-9 >= 1.0);
        // label index -> evidence
        let mut found: Vec<Option<Vec<Evidence>>> = vec![None; self.labels.len()];
        if let Some(section) = context.section.as_ref().filter(|_| !answers_nothing) {
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
        if let Some(from) = context.lead_in.filter(|_| !non_answer) {
            let lead = &all_content[from];
            let lead_factor = all_contexts[from].content_factor;
            let lead_has_barriers = self.states_barrier(lead, lead_factor)
                || all_contexts[from]
                    .section
                    .as_ref()
                    .is_some_and(|s| s.themes.iter().any(|t| t == rules::BARRIERS_THEME));
            for &(label, strength) in &lead.labels {
                let factor = if label < THEMES.len() { lead_factor } else { 1.0 };
                if strength + 1e-9 < factor
                    || label == self.fallback
                    || label == self.non_answer
                    || (label >= THEMES.len() && !lead_has_barriers)
                {
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
        let states_barrier =
            found[self.barriers_theme].is_some() || self.states_barrier(content, context.content_factor);
        for &(label, strength) in &content.labels {
            if label == self.non_answer {
                continue;
            }
            let mut needed = if label < THEMES.len() { context.content_factor } else { 1.0 };
            // A barrier statement names topics in passing ("our transformation
            // progress"); other themes need stronger evidence there.
            if states_barrier && label < THEMES.len() && label != self.barriers_theme {
                needed = needed.max(settings.other_themes_in_barrier_units_factor);
            }
            let reached = if label == self.barriers_theme {
                self.states_barrier(content, needed)
            } else {
                strength + 1e-9 >= needed
            };
            if !reached {
                continue;
            }
            found[label].get_or_insert_with(Vec::new).extend(self.content_evidence(content, label).map(
                |(rule, spans)| Evidence {
                    label: self.labels[label].clone(),
                    rule: self.rules.file.rules[rule].id.clone(),
                    spans: spans.to_vec(),
                    heading: None,
                    lead_in: None,
                },
            ));
        }
        if found[self.barriers_theme].is_some() {
            self.add_nearest_category(content, &mut found);
        }
        self.finish(found)
    }

    /// A barrier with no category that reached its threshold takes the category
    /// whose topic came nearest, when that reached `settings.nearest_category_share`
    /// of its threshold: one word of a topic ("training") says more than `other`.
    fn add_nearest_category(&self, content: &ContentLabels, found: &mut [Option<Vec<Evidence>>]) {
        let categories = self.categories();
        if found[categories.clone()].iter().any(Option::is_some) {
            return;
        }
        let share = self.rules.file.settings.nearest_category_share;
        let nearest = content
            .labels
            .iter()
            .filter(|&&(label, strength)| {
                categories.contains(&label) && label != self.fallback && strength + 1e-9 >= share
            })
            .fold(None::<(usize, f64)>, |best, &(label, strength)| match best {
                Some((_, most)) if most >= strength => best,
                _ => Some((label, strength)),
            });
        if let Some((label, _)) = nearest {
            found[label] = Some(
                self.content_evidence(content, label)
                    .map(|(rule, spans)| Evidence {
                        label: self.labels[label].clone(),
                        rule: self.rules.file.rules[rule].id.clone(),
                        spans: spans.to_vec(),
                        heading: None,
                        lead_in: None,
                    })
                    .collect(),
            );
        }
    }

    /// Whether a unit's content states a barrier at `factor` times the threshold:
    /// its barriers score reaches that, or some barrier category's topic reaches
    /// its threshold and the barriers score (the words of an obstacle) reaches
    /// `settings.barrier_tone_share` of it.
    fn states_barrier(&self, content: &ContentLabels, factor: f64) -> bool {
        let share = self.rules.file.settings.barrier_tone_share;
        content.reaches(self.barriers_theme, factor)
            || (content.reaches(self.barriers_theme, share * factor)
                && content.labels.iter().any(|&(label, strength)| {
                    self.categories().contains(&label) && label != self.fallback && strength + 1e-9 >= 1.0
                }))
    }

    /// Orders labels, drops categories without the barriers theme and adds the fallback.
    fn finish(&self, mut found: Vec<Option<Vec<Evidence>>>) -> Labels {
        found[self.non_answer] = None;
        let categories = self.categories();
        let has_barriers = found[self.barriers_theme].is_some();
        if has_barriers {
            let any_category = found[categories.clone()]
                .iter()
                .enumerate()
                .any(|(i, f)| f.is_some() && i + THEMES.len() != self.fallback);
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
            for slot in &mut found[categories] {
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

/// Whether a hit of sense source `source` stands within `window` words of `hit`.
/// `senses` are the sense hits of a unit, sorted by source then position.
fn near_any(normal: &[u8], senses: &[Hit], source: usize, hit: &Hit, window: usize) -> bool {
    let first = senses.partition_point(|h| h.rule < source);
    senses[first..].iter().take_while(|h| h.rule == source).any(|sense| {
        if sense.end <= hit.start {
            engine::words_between(normal, sense.end, hit.start, window) <= window
        } else if hit.end <= sense.start {
            engine::words_between(normal, hit.end, sense.start, window) <= window
        } else {
            true
        }
    })
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
