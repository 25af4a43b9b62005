//! The phrase syntax of the rules file and the text normalisation rules see.
//!
//! A phrase is words separated by spaces, matched case-insensitively at word
//! boundaries. Hyphens and dashes count as spaces (so `multi year` matches
//! "multi-year"), curly quotes as straight ones. A word may end in:
//!
//! - `*`: the word and anything that continues it (`recruit*` matches "recruit",
//!   "recruitment", "recruiting");
//! - `~`: the word and its regular inflections (`settlement~` matches
//!   "settlements"; `reduce~` matches "reduces", "reduced", "reducing").
//!
//! Phrases compile to literal strings for the multi-pattern automaton, except when
//! a `*` stands before the last word, which needs a regular expression.

use thiserror::Error;

/// Most literal variants one phrase may expand to.
const MAX_VARIANTS: usize = 256;

/// What is wrong with a phrase.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PhraseError {
    /// Nothing but spaces.
    #[error("the phrase is empty")]
    Empty,
    /// A word is only a `*` or `~`.
    #[error("a word is only an operator; put '*' or '~' after at least one letter")]
    BareOperator,
    /// `*` or `~` somewhere other than at the end of a word, or both at once.
    #[error("'*' and '~' may only end a word, one per word")]
    MisplacedOperator,
    /// The `~` expansions multiply beyond the limit.
    #[error("expands to more than {MAX_VARIANTS} variants; use fewer '~' words")]
    TooManyVariants,
}

/// How one word of a phrase matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Word {
    /// Exactly this word.
    Exact(String),
    /// This word or any continuation of it (`recruit*`).
    Prefix(String),
    /// This word or its regular inflections (`settlement~`).
    Inflected(String),
}

/// A compiled phrase: literals for the automaton, or a regex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compiled {
    /// Literal texts (already normalised); `open_end` when the match extends to the end of the word.
    Literals {
        /// The texts.
        texts: Vec<String>,
        /// Whether the last word is a prefix.
        open_end: bool,
    },
    /// A regular expression over normalised text.
    Regex(String),
}

/// The byte that stands for `£` in normalised text (and in rules' patterns).
pub const POUND: u8 = 0x01;
/// The byte that stands for `€`.
pub const EURO: u8 = 0x02;

/// Normalises one character as rules see it: one ASCII byte per character, so a
/// byte offset into normalised text is a character offset into the original.
/// ASCII is lower-cased, hyphens, dashes and odd spaces become spaces, curly
/// quotes straight ones, `£`/`€` the bytes [`POUND`]/[`EURO`]; other non-ASCII
/// letters and digits become `x` (still word characters), anything else a space.
#[inline]
pub fn normalise_char(c: char) -> u8 {
    if c.is_ascii() {
        return match c {
            'A'..='Z' => c.to_ascii_lowercase() as u8,
            '-' => b' ',
            _ => c as u8,
        };
    }
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201b}' | '\u{2032}' => b'\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' => b'"',
        '£' => POUND,
        '€' => EURO,
        _ if c.is_alphanumeric() => b'x',
        _ => b' ',
    }
}

/// The normalised form of `text` (see [`normalise_char`]): as many bytes as `text` has characters.
pub fn normalise(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    normalise_into(text, &mut out);
    out
}

/// [`normalise`] into a reused buffer (cleared first).
pub fn normalise_into(text: &str, out: &mut Vec<u8>) {
    out.clear();
    if text.is_ascii() {
        out.extend(text.bytes().map(|b| normalise_char(b as char)));
    } else {
        out.extend(text.chars().map(normalise_char));
    }
}

/// [`normalise`] as a string (normalised text is always ASCII).
pub fn normalise_to_string(text: &str) -> String {
    normalise(text).into_iter().map(char::from).collect()
}

/// A rule's regex rewritten for normalised text: `£` and `€` become the bytes
/// that stand for them.
pub fn regex_for_normalised(pattern: &str) -> String {
    pattern.replace('£', "\\x01").replace('€', "\\x02")
}

/// Whether byte `b` of normalised text is part of a word, for boundaries.
#[inline]
pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Whether `c` is part of a word (for phrase edges).
#[inline]
pub fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// Parses a phrase into words.
pub fn parse_phrase(phrase: &str) -> Result<Vec<Word>, PhraseError> {
    let normal = normalise_to_string(phrase);
    let mut words = Vec::new();
    for raw in normal.split_whitespace() {
        let (body, op) = match raw.char_indices().last() {
            Some((i, '*')) => (&raw[..i], Some('*')),
            Some((i, '~')) => (&raw[..i], Some('~')),
            _ => (raw, None),
        };
        if body.is_empty() {
            return Err(PhraseError::BareOperator);
        }
        if body.contains(['*', '~']) {
            return Err(PhraseError::MisplacedOperator);
        }
        words.push(match op {
            Some('*') => Word::Prefix(body.to_string()),
            Some(_) => Word::Inflected(body.to_string()),
            None => Word::Exact(body.to_string()),
        });
    }
    if words.is_empty() {
        return Err(PhraseError::Empty);
    }
    let variants: usize = words
        .iter()
        .map(|w| if let Word::Inflected(s) = w { inflections(s).len() } else { 1 })
        .try_fold(1usize, |acc, n| acc.checked_mul(n))
        .unwrap_or(usize::MAX);
    if variants > MAX_VARIANTS {
        return Err(PhraseError::TooManyVariants);
    }
    Ok(words)
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// The word and its regular English inflections: plural / third person, past and
/// present participle, with the usual spelling changes (final e, consonant + y,
/// sibilants, short-vowel consonant doubling). Agent nouns are other words
/// ("manager", "planner") and are written out where a rule means them; leaving
/// them out also keeps the phrase automaton small.
pub fn inflections(word: &str) -> Vec<String> {
    let mut out = vec![word.to_string()];
    let bytes = word.as_bytes();
    let n = bytes.len();
    if !word.is_ascii() || n < 2 {
        out.push(format!("{word}s"));
        return out;
    }
    let last = bytes[n - 1];
    let before = bytes[n - 2];
    let stem = &word[..n - 1];
    if last == b'e' {
        out.extend([format!("{word}s"), format!("{word}d"), format!("{stem}ing")]);
    } else if last == b'y' && !is_vowel(before) {
        out.extend([format!("{stem}ies"), format!("{stem}ied"), format!("{word}ing")]);
    } else if word.ends_with('s')
        || word.ends_with('x')
        || word.ends_with('z')
        || word.ends_with("ch")
        || word.ends_with("sh")
    {
        out.extend([format!("{word}es"), format!("{word}ed"), format!("{word}ing")]);
    } else {
        out.extend([format!("{word}s"), format!("{word}ed"), format!("{word}ing")]);
        let cvc = n >= 3 && !is_vowel(last) && is_vowel(before) && !is_vowel(bytes[n - 3]);
        if cvc && !matches!(last, b'w' | b'x' | b'y') {
            let l = last as char;
            out.extend([format!("{word}{l}ed"), format!("{word}{l}ing")]);
        }
    }
    out
}

/// Compiles a parsed phrase.
pub fn compile(words: &[Word]) -> Compiled {
    let last = words.len() - 1;
    let mid_prefix = words[..last].iter().any(|w| matches!(w, Word::Prefix(_)));
    if mid_prefix {
        let parts: Vec<String> = words
            .iter()
            .map(|w| match w {
                Word::Exact(s) => regex::escape(s),
                Word::Prefix(s) => format!("{}\\w*", regex::escape(s)),
                Word::Inflected(s) => {
                    let alts: Vec<String> = inflections(s).iter().map(|v| regex::escape(v)).collect();
                    format!("(?:{})", alts.join("|"))
                }
            })
            .collect();
        let starts_word = first_char(words).is_some_and(is_word_char);
        let ends_word = !matches!(words[last], Word::Prefix(_)) && last_char(words).is_some_and(is_word_char);
        return Compiled::Regex(format!(
            "{}{}{}",
            if starts_word { "\\b" } else { "" },
            parts.join("\\s+"),
            if ends_word { "\\b" } else { "" }
        ));
    }
    let mut texts = vec![String::new()];
    for (i, word) in words.iter().enumerate() {
        let options = match word {
            Word::Exact(s) | Word::Prefix(s) => vec![s.clone()],
            Word::Inflected(s) => inflections(s),
        };
        let mut next = Vec::with_capacity(texts.len() * options.len());
        for text in &texts {
            for option in &options {
                next.push(if i == 0 { option.clone() } else { format!("{text} {option}") });
            }
        }
        texts = next;
    }
    texts.dedup();
    Compiled::Literals { texts, open_end: matches!(words[last], Word::Prefix(_)) }
}

fn first_char(words: &[Word]) -> Option<char> {
    words.first().and_then(|w| word_text(w).chars().next())
}

fn last_char(words: &[Word]) -> Option<char> {
    words.last().and_then(|w| word_text(w).chars().last())
}

fn word_text(word: &Word) -> &str {
    match word {
        Word::Exact(s) | Word::Prefix(s) | Word::Inflected(s) => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_keeps_one_byte_per_char() {
        let text = "Multi‑Year “Settlements” – £5m’s café";
        let normal = normalise_to_string(text);
        assert_eq!(normal.len(), text.chars().count());
        assert_eq!(normal, "multi year \"settlements\"   \u{1}5m's cafx");
    }

    #[test]
    fn inflections_cover_plural_and_verb_forms() {
        let has = |w: &str, v: &str| inflections(w).iter().any(|x| x == v);
        assert!(has("settlement", "settlements"));
        assert!(has("reduce", "reducing") && has("reduce", "reduced") && has("reduce", "reduces"));
        assert!(has("authority", "authorities"));
        assert!(has("process", "processes"));
        assert!(has("plan", "planning") && has("plan", "plans"));
    }

    #[test]
    fn phrases_parse_and_compile() {
        let words = parse_phrase("Skills shortage~").expect("valid");
        match compile(&words) {
            Compiled::Literals { texts, open_end } => {
                assert!(texts.contains(&"skills shortages".to_string()) && !open_end);
            }
            other => panic!("expected literals, got {other:?}"),
        }
        assert!(matches!(
            compile(&parse_phrase("recruit*").expect("valid")),
            Compiled::Literals { open_end: true, .. }
        ));
        let Compiled::Regex(re) = compile(&parse_phrase("skill* gap~").expect("valid")) else { panic!("regex") };
        assert!(regex::Regex::new(&re).expect("compiles").is_match("skills gaps"));
    }

    #[test]
    fn bad_phrases_are_refused() {
        assert_eq!(parse_phrase("  "), Err(PhraseError::Empty));
        assert_eq!(parse_phrase("a * b"), Err(PhraseError::BareOperator));
        assert_eq!(parse_phrase("re*cruit"), Err(PhraseError::MisplacedOperator));
        assert_eq!(parse_phrase("cost~ pressure~ rise~ fund~ grant~"), Err(PhraseError::TooManyVariants));
    }
}
