//! Giving each figure its taxonomy id from the words around it, by the weighted
//! context rules of `rules/figures.toml`.

use std::collections::{HashMap, HashSet};

use super::phrase::{fold, is_word_char, slice};
use super::rules::{ContextRule, DefaultIds, FigureRules};
use super::{FigureEvidence, FigureUnit};

/// The evidence rule id of a figure no context rule claimed.
pub const DEFAULT_RULE: &str = "default";

/// The context rules, prepared for matching.
#[derive(Debug, Clone)]
pub struct Assigner {
    rules: Vec<PreparedRule>,
    defaults: DefaultIds,
}

#[derive(Debug, Clone)]
struct PreparedRule {
    id: String,
    figure: String,
    units: Vec<FigureUnit>,
    threshold: f64,
    groups: Vec<PreparedGroup>,
}

#[derive(Debug, Clone)]
struct PreparedGroup {
    terms: Vec<Term>,
    /// Indexes into `terms` by first word, for whole-word terms, so that each
    /// token is looked up once rather than compared with every term.
    by_first_word: HashMap<String, Vec<usize>>,
    /// Indexes of terms whose first word is also their last and a prefix.
    prefix_terms: Vec<usize>,
    weight: f64,
    required: bool,
    within: Option<usize>,
}

/// A term as a sequence of folded words; the last may be a prefix (`consultan*`).
#[derive(Debug, Clone)]
struct Term {
    words: Vec<String>,
    prefix: bool,
}

/// A word of a sentence: its folded text and character offsets.
#[derive(Debug, Clone)]
struct Token {
    text: String,
    start: usize,
    end: usize,
}

/// An id and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The taxonomy figure id.
    pub id: String,
    /// The rule and the words it matched.
    pub evidence: FigureEvidence,
}

impl Assigner {
    /// Prepares the context rules of `rules`.
    pub fn new(rules: &FigureRules) -> Assigner {
        Assigner {
            rules: rules.assign.rules.iter().map(prepare_rule).collect(),
            defaults: rules.assign.defaults.clone(),
        }
    }

    /// The id of a figure of `unit` at `figure` (character offsets) in the
    /// sentence at `sentence` of `chars`.
    pub fn assign(&self, chars: &[char], sentence: [usize; 2], figure: [usize; 2], unit: FigureUnit) -> Assignment {
        let tokens = tokenize(chars, sentence);
        let first = tokens.iter().position(|t| t.end > figure[0]).unwrap_or(tokens.len());
        let last = tokens.iter().rposition(|t| t.start < figure[1]).unwrap_or(first).max(first);
        let present: HashSet<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        let mut best: Option<(f64, usize, usize, Vec<String>)> = None;
        for (order, rule) in self.rules.iter().enumerate().filter(|(_, r)| r.units.contains(&unit)) {
            let Some((score, distance, matched)) = score_rule(rule, chars, &tokens, &present, first, last) else {
                continue;
            };
            if score < rule.threshold {
                continue;
            }
            let better = match &best {
                None => true,
                Some((best_score, best_distance, _, _)) => {
                    score > *best_score || (score == *best_score && distance < *best_distance)
                }
            };
            if better {
                best = Some((score, distance, order, matched));
            }
        }
        match best {
            Some((_, _, order, matched)) => Assignment {
                id: self.rules[order].figure.clone(),
                evidence: FigureEvidence { rule: self.rules[order].id.clone(), matched },
            },
            None => Assignment {
                id: self.defaults.for_unit(unit).to_string(),
                evidence: FigureEvidence { rule: DEFAULT_RULE.to_string(), matched: Vec::new() },
            },
        }
    }
}

/// A rule's score for a figure spanning tokens `first..=last`, the distance of
/// its nearest required match, and the words matched; `None` when a required
/// group is missing.
fn score_rule(
    rule: &PreparedRule,
    chars: &[char],
    tokens: &[Token],
    present: &HashSet<&str>,
    first: usize,
    last: usize,
) -> Option<(f64, usize, Vec<String>)> {
    let mut score = 0.0;
    let mut nearest_required = usize::MAX;
    let mut matched = Vec::new();
    for group in &rule.groups {
        // Most groups have no word in the sentence at all: skip their scan.
        let possible =
            !group.prefix_terms.is_empty() || group.by_first_word.keys().any(|word| present.contains(word.as_str()));
        let hit = if possible { nearest_match(group, tokens, first, last) } else { None };
        match hit {
            Some((start, end, distance)) => {
                score += group.weight;
                if group.required {
                    nearest_required = nearest_required.min(distance);
                }
                if group.weight > 0.0 {
                    let words = slice(chars, tokens[start].start, tokens[end].end);
                    if !matched.contains(&words) {
                        matched.push(words);
                    }
                }
            }
            None if group.required => return None,
            None => {}
        }
    }
    Some((score, nearest_required, matched))
}

/// The occurrence of any of the group's terms nearest the figure, as first and
/// last token index and distance in words, honouring the group's `within`.
fn nearest_match(group: &PreparedGroup, tokens: &[Token], first: usize, last: usize) -> Option<(usize, usize, usize)> {
    let mut best: Option<(usize, usize, usize)> = None;
    for start in 0..tokens.len() {
        let candidates = group.by_first_word.get(&tokens[start].text).into_iter().flatten().chain(&group.prefix_terms);
        for term in candidates.map(|&index| &group.terms[index]) {
            let Some(end) = term_match(term, tokens, start) else { continue };
            let distance = if end < first { first - end } else { start.saturating_sub(last) };
            if group.within.is_some_and(|within| distance > within) {
                continue;
            }
            if best.is_none_or(|(_, _, d)| distance < d) {
                best = Some((start, end, distance));
            }
        }
    }
    best
}

/// The last token of `term` when it matches from token `start`.
fn term_match(term: &Term, tokens: &[Token], start: usize) -> Option<usize> {
    let count = term.words.len();
    if start + count > tokens.len() {
        return None;
    }
    for (index, word) in term.words.iter().enumerate() {
        let token = &tokens[start + index].text;
        let is_last = index + 1 == count;
        let ok = if is_last && term.prefix { token.starts_with(word.as_str()) } else { token == word };
        if !ok {
            return None;
        }
    }
    Some(start + count - 1)
}

fn prepare_rule(rule: &ContextRule) -> PreparedRule {
    PreparedRule {
        id: rule.id.clone(),
        figure: rule.figure.clone(),
        units: rule.units.clone(),
        threshold: rule.threshold,
        groups: rule
            .groups
            .iter()
            .map(|group| {
                let terms: Vec<Term> = group.terms.iter().filter_map(|t| prepare_term(t)).collect();
                let mut by_first_word: HashMap<String, Vec<usize>> = HashMap::new();
                let mut prefix_terms = Vec::new();
                for (index, term) in terms.iter().enumerate() {
                    if term.prefix && term.words.len() == 1 {
                        prefix_terms.push(index);
                    } else {
                        by_first_word.entry(term.words[0].clone()).or_default().push(index);
                    }
                }
                PreparedGroup {
                    terms,
                    by_first_word,
                    prefix_terms,
                    weight: group.weight,
                    required: group.required,
                    within: group.within,
                }
            })
            .collect(),
    }
}

fn prepare_term(text: &str) -> Option<Term> {
    let prefix = text.trim_end().ends_with('*');
    let chars: Vec<char> = text.trim_end().trim_end_matches('*').chars().collect();
    let words: Vec<String> = tokenize(&chars, [0, chars.len()]).into_iter().map(|t| t.text).collect();
    if words.is_empty() {
        return None;
    }
    Some(Term { words, prefix })
}

/// The words (runs of letters and digits, folded) of `chars[span]`.
fn tokenize(chars: &[char], span: [usize; 2]) -> Vec<Token> {
    let end = span[1].min(chars.len());
    let mut tokens = Vec::new();
    let mut pos = span[0].min(end);
    while pos < end {
        if !is_word_char(chars[pos]) {
            pos += 1;
            continue;
        }
        let start = pos;
        while pos < end && is_word_char(chars[pos]) {
            pos += 1;
        }
        tokens.push(Token { text: chars[start..pos].iter().map(|&c| fold(c)).collect(), start, end: pos });
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assign(sentence: &str, figure: &str, unit: FigureUnit) -> Assignment {
        let rules = FigureRules::embedded().unwrap_or_else(|e| panic!("{e}"));
        let chars: Vec<char> = sentence.chars().collect();
        let byte = sentence.find(figure).unwrap_or_else(|| panic!("{figure} not in {sentence}"));
        let start = sentence[..byte].chars().count();
        let span = [start, start + figure.chars().count()];
        Assigner::new(rules).assign(&chars, [0, chars.len()], span, unit)
    }

    #[test]
    fn prefix_terms_match_word_starts() {
        let rules = FigureRules::embedded().unwrap_or_else(|e| panic!("{e}"));
        let mut rules = rules.clone();
        rules.assign.rules[0].groups[0].terms = vec!["consultan*".into()];
        let sentence: Vec<char> = "Consultancy spend was £2m.".chars().collect();
        let assignment = Assigner::new(&rules).assign(&sentence, [0, sentence.len()], [22, 25], FigureUnit::Gbp);
        assert_eq!(
            (assignment.id.as_str(), assignment.evidence.matched[0].as_str()),
            ("agency_consultancy_spend", "Consultancy")
        );
    }

    #[test]
    fn the_nearest_rule_wins_a_tie() {
        let sentence = "Our spend on agency staff is £1m and our EDI programme costs £22k.";
        assert_eq!(assign(sentence, "£1m", FigureUnit::Gbp).id, "agency_consultancy_spend");
        assert_eq!(assign(sentence, "£22k", FigureUnit::Gbp).id, "edi_spend");
    }

    #[test]
    fn evidence_names_the_rule_and_the_words_as_written() {
        let assignment =
            assign("Spending on Union Facility Time is 0.2% of the pay bill.", "0.2%", FigureUnit::Percent);
        assert_eq!(assignment.id, "facility_time_share");
        assert_eq!(assignment.evidence.rule, "facility-time-share");
        assert_eq!(assignment.evidence.matched, ["Facility Time", "pay bill"]);
    }

    #[test]
    fn rules_only_claim_figures_of_their_units() {
        let assignment = assign("Spend on agency staff fell 5% to £2m.", "5%", FigureUnit::Percent);
        assert_eq!(assignment.id, "other_percentage");
        assert_eq!(assignment.evidence, FigureEvidence { rule: DEFAULT_RULE.into(), matched: vec![] });
    }

    #[test]
    fn a_savings_target_is_not_savings_delivered() {
        let target =
            "Our targets are to identify and deliver between £250,000 - £500,000 per annum cashable efficiencies.";
        assert_eq!(assign(target, "£250,000 - £500,000", FigureUnit::Gbp).id, "other_money");
        let delivered = "Hybrid working has enabled us to rationalise our office space, delivering a cumulative £1.4 million cashable efficiency.";
        assert_eq!(assign(delivered, "£1.4 million", FigureUnit::Gbp).id, "savings_delivered");
    }
}
