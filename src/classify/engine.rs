//! The matching engine: every phrase of a rule list, and every regex's literal
//! prefixes, compiled once into one Aho-Corasick automaton.
//!
//! A text is scanned once by the automaton (overlapping matches, word boundaries
//! checked afterwards). The automaton also holds each regex's literal prefixes
//! (read from the regex by `regex-syntax`): a regex runs only from where one of
//! its prefixes was found, so a rule file with many regexes costs little more
//! than one with few. A regex without a finite set of prefixes runs on every
//! text. Spans are character offsets into the original text: normalised text has
//! one ASCII byte per character, so
//! automaton and regexes run over bytes without Unicode tables (fast DFAs) and
//! their byte offsets are the character offsets.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex_automata::util::syntax;
use regex_automata::{meta, Anchored, Input};
use regex_syntax::hir::literal::Extractor;

use super::pattern::{self, Compiled};
use super::rules::RulesError;

/// Size limit for compiled regexes: generous for rule files, bounded for safety.
const REGEX_SIZE_LIMIT: usize = 1 << 24;

/// The patterns of one rule, as written in the rules file.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The rule id, for error messages.
    pub id: &'a str,
    /// Phrases in the phrase syntax.
    pub phrases: &'a [String],
    /// Regular expressions.
    pub regexes: &'a [String],
}

/// One match: which rule (its index in the source list), which of its cues and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hit {
    /// Index of the rule in the list the matcher was built from.
    pub rule: usize,
    /// Start, in characters.
    pub start: usize,
    /// End (exclusive), in characters.
    pub end: usize,
    /// Which cue of the rule matched: the phrase's index, or the number of
    /// phrases plus the regex's index. Inflections of one phrase are one cue.
    pub cue: u32,
}

#[derive(Debug, Clone)]
struct LiteralTarget {
    rule: usize,
    cue: u32,
    open_end: bool,
}

#[derive(Debug, Clone)]
struct LiteralInfo {
    targets: Vec<LiteralTarget>,
    /// Regexes (indices into `Matcher::regexes`) whose matches may begin here.
    anchors: Vec<usize>,
    starts_word: bool,
    ends_word: bool,
}

thread_local! {
    /// Per-thread buffer of (regex, start) candidates, reused from one text to the next.
    static CANDIDATES: std::cell::RefCell<Vec<(usize, usize)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Most prefixes one regex may have before it is run on every text instead.
const MAX_PREFIXES: usize = 250;

/// The literal prefixes every match of `pattern` (over normalised text) begins
/// with, or `None` when there is no usable finite set.
fn regex_prefixes(pattern: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::ParserBuilder::new().unicode(false).utf8(false).build().parse(pattern).ok()?;
    let seq = Extractor::new().extract(&hir);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.len() > MAX_PREFIXES {
        return None;
    }
    let mut out = Vec::with_capacity(literals.len());
    for literal in literals {
        let bytes = literal.as_bytes();
        // Normalised text is lower case: an upper-case prefix would never be
        // found although the case-insensitive regex matches.
        if bytes.is_empty() || bytes.iter().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
            return None;
        }
        out.push(String::from_utf8_lossy(bytes).into_owned());
    }
    Some(out)
}

/// The automaton slot of literal `text`, added when new.
fn literal_slot(
    index: &mut HashMap<String, usize>,
    texts: &mut Vec<String>,
    literals: &mut Vec<LiteralInfo>,
    text: &str,
) -> usize {
    *index.entry(text.to_string()).or_insert_with(|| {
        texts.push(text.to_string());
        literals.push(LiteralInfo {
            targets: Vec::new(),
            anchors: Vec::new(),
            starts_word: text.chars().next().is_some_and(pattern::is_word_char),
            ends_word: text.chars().last().is_some_and(pattern::is_word_char),
        });
        literals.len() - 1
    })
}

/// Compiles one regex the way the engine runs it (validation uses this too): over
/// normalised bytes, case-insensitive, runnable anchored at a position.
pub fn build_regex(pattern: &str) -> Result<meta::Regex, Box<meta::BuildError>> {
    meta::Builder::new()
        .syntax(syntax::Config::new().case_insensitive(true).unicode(false).utf8(false))
        .configure(meta::Config::new().nfa_size_limit(Some(REGEX_SIZE_LIMIT)))
        .build(&pattern::regex_for_normalised(pattern))
        .map_err(Box::new)
}

/// How many words stand between two places of normalised text (`from <= to`):
/// the word starts in `normal[from..to]`. Counting stops past `most`, so the cost
/// stays bounded on long gaps.
pub fn words_between(normal: &[u8], from: usize, to: usize, most: usize) -> usize {
    let gap = normal.get(from..to.min(normal.len())).unwrap_or_default();
    let mut words = 0;
    let mut in_word = from > 0 && normal.get(from - 1).is_some_and(|b| pattern::is_word_byte(*b));
    for &b in gap {
        let word = pattern::is_word_byte(b);
        if word && !in_word {
            words += 1;
            if words > most {
                return words;
            }
        }
        in_word = word;
    }
    words
}

/// Compiled patterns of a list of rules.
#[derive(Debug, Clone)]
pub struct Matcher {
    automaton: Option<AhoCorasick>,
    literals: Vec<LiteralInfo>,
    regexes: Vec<(usize, u32, meta::Regex)>,
    /// Regexes without literal prefixes: run on every text.
    always: Vec<usize>,
}

impl Matcher {
    /// Compiles the patterns of `sources`; hits name rules by their index here.
    pub fn new(sources: &[Source<'_>]) -> Result<Matcher, RulesError> {
        let mut literal_index: HashMap<String, usize> = HashMap::new();
        let mut literal_texts: Vec<String> = Vec::new();
        let mut literals: Vec<LiteralInfo> = Vec::new();
        let mut regex_texts: Vec<String> = Vec::new();
        let mut regexes: Vec<(usize, u32, meta::Regex)> = Vec::new();
        let mut always: Vec<usize> = Vec::new();
        for (rule, source) in sources.iter().enumerate() {
            let mut add_regex = |text: String, cue: u32| -> Result<(), RulesError> {
                let compiled = build_regex(&text).map_err(|e| RulesError::BadRegex {
                    rule: source.id.to_string(),
                    pattern: text.clone(),
                    message: e.to_string(),
                })?;
                regex_texts.push(pattern::regex_for_normalised(&text));
                regexes.push((rule, cue, compiled));
                Ok(())
            };
            for (cue, phrase) in source.phrases.iter().enumerate() {
                let cue = cue as u32;
                let words = pattern::parse_phrase(phrase).map_err(|problem| RulesError::BadPhrase {
                    rule: source.id.to_string(),
                    phrase: phrase.clone(),
                    problem,
                })?;
                match pattern::compile(&words) {
                    Compiled::Literals { texts, open_end } => {
                        for text in texts {
                            let index = literal_slot(&mut literal_index, &mut literal_texts, &mut literals, &text);
                            let targets = &mut literals[index].targets;
                            // The same text twice in one rule is one cue: its first phrase.
                            if !targets.iter().any(|t| t.rule == rule && t.open_end == open_end) {
                                targets.push(LiteralTarget { rule, cue, open_end });
                            }
                        }
                    }
                    Compiled::Regex(text) => add_regex(text, cue)?,
                }
            }
            for (i, regex) in source.regexes.iter().enumerate() {
                add_regex(regex.clone(), (source.phrases.len() + i) as u32)?;
            }
        }
        for (index, text) in regex_texts.iter().enumerate() {
            match regex_prefixes(text) {
                Some(prefixes) => {
                    for prefix in prefixes {
                        let slot = literal_slot(&mut literal_index, &mut literal_texts, &mut literals, &prefix);
                        literals[slot].anchors.push(index);
                    }
                }
                None => always.push(index),
            }
        }
        let automaton = if literal_texts.is_empty() {
            None
        } else {
            Some(
                // A full DFA: overlapping search cannot use the prefilter-only
                // fast path, and the rule set is small enough that the DFA's
                // memory is modest while each byte costs one table lookup.
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&literal_texts)
                    .map_err(|e| RulesError::Syntax(format!("cannot build phrase automaton: {e}")))?,
            )
        };
        Ok(Matcher { automaton, literals, regexes, always })
    }

    /// Every match in `text`, sorted by rule then position, without duplicates.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let mut normal = Vec::new();
        let mut hits = Vec::new();
        self.find_into(text, &mut normal, &mut hits);
        hits
    }

    /// [`Matcher::find`] into caller-owned buffers, so a thread scanning many
    /// texts reuses one allocation: `normal` receives the normalised text and
    /// `hits` (cleared first) the matches.
    pub fn find_into(&self, text: &str, normal: &mut Vec<u8>, hits: &mut Vec<Hit>) {
        pattern::normalise_into(text, normal);
        hits.clear();
        let bytes = normal.as_slice();
        CANDIDATES.with_borrow_mut(|candidates| self.scan(bytes, hits, candidates));
        hits.sort_unstable();
        hits.dedup();
    }

    /// The automaton pass and the anchored regex runs over normalised `bytes`.
    fn scan(&self, bytes: &[u8], hits: &mut Vec<Hit>, candidates: &mut Vec<(usize, usize)>) {
        candidates.clear();
        if let Some(automaton) = &self.automaton {
            for found in automaton.find_overlapping_iter(bytes) {
                let info = &self.literals[found.pattern().as_usize()];
                let (start, end) = (found.start(), found.end());
                candidates.extend(info.anchors.iter().map(|&regex| (regex, start)));
                if info.targets.is_empty() || (info.starts_word && start > 0 && pattern::is_word_byte(bytes[start - 1]))
                {
                    continue;
                }
                let next_is_word = bytes.get(end).is_some_and(|b| pattern::is_word_byte(*b));
                for target in &info.targets {
                    if target.open_end {
                        let extended = bytes[end..]
                            .iter()
                            .position(|b| !pattern::is_word_byte(*b))
                            .map_or(bytes.len(), |i| end + i);
                        hits.push(Hit { rule: target.rule, start, end: extended, cue: target.cue });
                    } else if !(info.ends_word && next_is_word) {
                        hits.push(Hit { rule: target.rule, start, end, cue: target.cue });
                    }
                }
            }
        }
        for &index in &self.always {
            let (rule, cue, regex) = &self.regexes[index];
            for found in regex.find_iter(bytes) {
                if found.end() > found.start() {
                    hits.push(Hit { rule: *rule, start: found.start(), end: found.end(), cue: *cue });
                }
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        // Every match of a regex begins at one of its prefixes: try an anchored
        // match at each candidate not already inside a match.
        let mut matched_to: Option<(usize, usize)> = None;
        for &(index, start) in candidates.iter() {
            if matched_to.is_some_and(|(last, to)| last == index && start < to) {
                continue;
            }
            let (rule, cue, regex) = &self.regexes[index];
            let input = Input::new(bytes).range(start..).anchored(Anchored::Yes);
            if let Some(found) = regex.search(&input) {
                if found.end() > found.start() {
                    hits.push(Hit { rule: *rule, start: found.start(), end: found.end(), cue: *cue });
                    matched_to = Some((index, found.end()));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(rules: &[(&[&str], &[&str])]) -> Matcher {
        let owned: Vec<(Vec<String>, Vec<String>)> = rules
            .iter()
            .map(|(p, r)| (p.iter().map(|s| s.to_string()).collect(), r.iter().map(|s| s.to_string()).collect()))
            .collect();
        let sources: Vec<Source<'_>> = owned.iter().map(|(p, r)| Source { id: "t", phrases: p, regexes: r }).collect();
        Matcher::new(&sources).expect("compiles")
    }

    fn spans(text: &str, hits: &[Hit]) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        hits.iter().map(|h| chars[h.start..h.end].iter().collect()).collect()
    }

    #[test]
    fn phrases_respect_word_boundaries_and_inflections() {
        let m = matcher(&[(&["recruit*"], &[]), (&["settlement~"], &[]), (&["ai"], &[])]);
        let text = "Recruitment is hard; single-year settlements; we said so again.";
        let hits = m.find(text);
        assert_eq!(spans(text, &hits), ["Recruitment", "settlements"]);
        assert_eq!((hits[0].rule, hits[1].rule), (0, 1));
    }

    #[test]
    fn spans_are_character_offsets_with_non_ascii_text() {
        let m = matcher(&[(&["multi year settlement~"], &[]), (&[], &[r"£\d+m"])]);
        let text = "We’d like “multi‑year settlements” worth £5m.";
        let hits = m.find(text);
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(spans(text, &hits), ["multi‑year settlements", "£5m"]);
        assert_eq!((hits[0].start, hits[0].end), (11, 33));
        assert_eq!(chars[hits[1].start], '£');
    }

    #[test]
    fn regex_phrases_and_overlaps_all_report() {
        let m = matcher(&[(&["skill* shortage~"], &[]), (&["shortage~"], &[]), (&["skills"], &[])]);
        let text = "Skills shortages in planning";
        let hits = m.find(text);
        let rules: Vec<usize> = hits.iter().map(|h| h.rule).collect();
        assert_eq!(rules, [0, 1, 2]);
        assert_eq!(spans(text, &hits), ["Skills shortages", "shortages", "Skills"]);
    }
}
