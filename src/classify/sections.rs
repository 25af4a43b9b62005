//! Sections: which theme a unit's place in the plan gives it.
//!
//! Heading rules map a heading's text to themes ("Barriers to delivery",
//! "Theme four", "What government could do" -> `barriers`). A unit's section
//! theme comes from the nearest heading above it that a rule maps; a rule with
//! no themes marks a known non-theme section (background, implications) and stops
//! outer headings applying.
//!
//! Extraction does not always find headings: a plan's questions may come out as
//! list items ("1. How have you transformed ...?"). A short unit that matches a
//! heading rule, reads as a title (a question, or a few words without a full stop)
//! and would change the current theme is taken as such a pseudo-heading: it opens
//! a section for the units after it, up to the next real heading, and gets no
//! labels itself.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Classifier, UnitRef};
use crate::document::BlockKind;

/// A heading rule that matched.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadingMatch {
    /// The heading rule's id.
    pub rule: String,
    /// The themes it sets (empty: a known section without a theme).
    pub themes: Vec<String>,
    /// How many times their thresholds content themes need beneath it.
    pub content_factor: f64,
}

/// The themes a unit's section gives it and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionTheme {
    /// The heading rule's id.
    pub rule: String,
    /// The themes.
    pub themes: Vec<String>,
    /// The heading (or pseudo-heading unit) text.
    pub heading: String,
    /// How many times their thresholds content themes need in this section.
    pub content_factor: f64,
}

/// Where a unit stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// The section's themes, if a mapped heading with themes is above the unit.
    pub section: Option<Arc<SectionTheme>>,
    /// The unit reads as a heading and opens a section itself.
    pub is_pseudo_heading: bool,
    /// How many times their thresholds the unit's content themes need, from the
    /// nearest mapped heading (themed or not).
    pub content_factor: f64,
}

/// Walks a document's units in order, tracking sections and pseudo-headings.
pub struct SectionTracker<'c> {
    classifier: &'c Classifier,
    cache: HashMap<String, Option<Arc<SectionTheme>>>,
    pseudo: Option<(Arc<SectionTheme>, Vec<String>)>,
    /// The section in effect for the previous unit.
    last: Option<Arc<SectionTheme>>,
    /// A transparent heading and the section in effect when it opened.
    carry: Option<(String, Option<Arc<SectionTheme>>)>,
    pseudo_enabled: bool,
    max_words: usize,
}

impl<'c> SectionTracker<'c> {
    /// A tracker at the start of a document.
    pub fn new(classifier: &'c Classifier, pseudo_enabled: bool, max_words: usize) -> SectionTracker<'c> {
        SectionTracker {
            classifier,
            cache: HashMap::new(),
            pseudo: None,
            last: None,
            carry: None,
            pseudo_enabled,
            max_words,
        }
    }

    fn lookup(&mut self, heading: &str) -> Option<Arc<SectionTheme>> {
        if let Some(found) = self.cache.get(heading) {
            return found.clone();
        }
        // A "heading" ending in a colon is a list's lead-in taken for a heading; the
        // list items judge themselves (and inherit from lead-ins, see the classifier).
        let found = if is_transparent(heading) { None } else { self.classifier.match_heading(heading) };
        let found = found.map(|m| {
            Arc::new(SectionTheme {
                rule: m.rule,
                themes: m.themes,
                heading: heading.to_string(),
                content_factor: m.content_factor,
            })
        });
        self.cache.insert(heading.to_string(), found.clone());
        found
    }

    /// Whether a unit could be a pseudo-heading: it reads as a title and a heading
    /// rule with themes maps it.
    pub fn is_candidate(&self, unit: &UnitRef<'_>) -> bool {
        self.pseudo_enabled
            && reads_as_heading(unit.text, self.max_words)
            && self.classifier.match_heading(unit.text).is_some_and(|found| !found.themes.is_empty())
    }

    /// Places the next unit. `candidate` is [`SectionTracker::is_candidate`] for
    /// it, `neighbour_candidate` whether the unit before or after is one too: a run
    /// of theme titles is a table of contents or the letter's questions restated,
    /// not content, so it gets no labels and opens no section.
    pub fn place(&mut self, unit: &UnitRef<'_>, candidate: bool, neighbour_candidate: bool) -> Placement {
        let mut real = None;
        for (depth, heading) in unit.section.iter().enumerate().rev() {
            if let Some(found) = self.lookup(heading) {
                real = Some((depth, found));
                break;
            }
        }
        // A mapped heading that opened after the pseudo-heading (it is not among the
        // pseudo-heading's own headings) is nearer and ends it; unmapped headings
        // (page furniture taken for headings, lead-ins) do not.
        if let (Some((_, path)), Some((depth, _))) = (&self.pseudo, &real) {
            if path.get(..=*depth) != unit.section.get(..=*depth) {
                self.pseudo = None;
            }
        }
        let real = real.map(|(_, section)| section);
        let current = self.pseudo.as_ref().map(|(section, _)| section.clone()).or(real);
        // Under a transparent heading, the section in effect before it opened
        // goes on (extractors may give a lead-in the level of the heading above).
        let current = match unit.section.last().filter(|h| is_transparent(h)) {
            Some(heading) => match &self.carry {
                Some((open, section)) if open == heading => section.clone(),
                _ => {
                    let section = self.last.clone();
                    self.carry = Some((heading.clone(), section.clone()));
                    section
                }
            },
            None => {
                self.carry = None;
                current
            }
        };
        self.last = current.clone();
        if candidate && neighbour_candidate {
            return Placement { section: None, is_pseudo_heading: true, content_factor: 1.0 };
        }
        // A short list item is usually content ("Review of service delivery
        // models"); only a numbered or question-form one stands for a heading.
        let titled = unit.kind != BlockKind::ListItem || is_question_or_numbered(unit.text);
        if candidate && titled {
            if let Some(found) = self.classifier.match_heading(unit.text) {
                let current_themes = current.as_ref().map(|c| c.themes.as_slice()).unwrap_or_default();
                if found.themes.as_slice() != current_themes {
                    let section = Arc::new(SectionTheme {
                        rule: found.rule,
                        themes: found.themes,
                        heading: unit.text.to_string(),
                        content_factor: found.content_factor,
                    });
                    self.pseudo = Some((section, unit.section.to_vec()));
                    return Placement { section: None, is_pseudo_heading: true, content_factor: 1.0 };
                }
            }
        }
        let content_factor = current.as_ref().map_or(1.0, |c| c.content_factor);
        Placement { section: current.filter(|c| !c.themes.is_empty()), is_pseudo_heading: false, content_factor }
    }
}

/// Whether a "heading" is really a list's lead-in (ends in a colon) or a line
/// fragment from a broken wrap (starts in lower case): it maps to nothing and
/// does not end the section above it.
fn is_transparent(heading: &str) -> bool {
    super::is_lead_in(heading) || strip_list_marker(heading).chars().next().is_some_and(char::is_lowercase)
}

/// A question or a numbered title ("4. The barriers ...") of up to four times
/// `max_words` words, or up to `max_words` words ending without sentence punctuation.
fn reads_as_heading(text: &str, max_words: usize) -> bool {
    let text = strip_list_marker(text);
    if super::is_lead_in(text) {
        return false;
    }
    let words = text.split_whitespace().count();
    if text.ends_with('?') || starts_with_section_number(text) {
        return words <= max_words * 4;
    }
    words <= max_words && !text.ends_with(['.', ':', ';', ',', '!']) && !text.ends_with(":-")
}

fn is_question_or_numbered(text: &str) -> bool {
    let text = strip_list_marker(text);
    text.ends_with('?') || starts_with_section_number(text)
}

/// The text without leading bullet glyphs (extractors may keep them).
pub fn strip_list_marker(text: &str) -> &str {
    text.trim_start_matches(|c: char| {
        c.is_whitespace()
            || matches!(c, '-' | '*' | '•' | '·' | '▪' | '◦' | '●' | '‣' | '∙' | '–' | '—' | '\u{f0b7}' | '\u{f0a7}')
    })
    .trim_end()
}

/// "4. ", "4) " or "(4) ": a single-level section number (not "2.4", a paragraph number).
fn starts_with_section_number(text: &str) -> bool {
    let body = text.strip_prefix('(').unwrap_or(text);
    let digits = body.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 2 {
        return false;
    }
    let mut rest = body[digits..].chars();
    matches!(rest.next(), Some('.' | ')')) && rest.next().is_some_and(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_questions_read_as_headings_sentences_do_not() {
        assert!(reads_as_heading("Barriers to delivery", 10));
        assert!(reads_as_heading(
            "4. What barriers preventing progress could the Government help to reduce or remove?",
            10
        ));
        assert!(!reads_as_heading(
            "The barriers preventing progress that the Government can help to reduce or remove.",
            10
        ));
        assert!(!reads_as_heading("Barriers we experience from our legacy systems are:", 10));
        assert!(!reads_as_heading("We measure productivity through: -", 10));
        assert!(reads_as_heading("4. The barriers preventing progress that the Government can help to reduce.", 10));
        assert!(reads_as_heading("- 4. The barriers preventing progress that the Government can help to reduce.", 10));
        assert!(!reads_as_heading("2.4 The barriers preventing progress that the Government can help to reduce.", 10));
    }
}
