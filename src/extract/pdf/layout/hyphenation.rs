//! Words broken across lines: joining `commu-` + `nity` while keeping real hyphens
//! (`cloud-` + `based`), decided from evidence in the same document first and
//! from a list of English words (`rules/english-words.txt`) where the document
//! gives none.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The English word list, one lowercase word per line after `#` comment lines.
pub(crate) const ENGLISH_WORDS: &str = include_str!("../../../../rules/english-words.txt");

/// Whether `word` (lowercase) is in the English word list: a binary search over the
/// sorted lines of the embedded text itself, so that no process pays for building
/// a set of 60,000 words to look up a few.
fn is_english(word: &str) -> bool {
    static BODY: OnceLock<&'static str> = OnceLock::new();
    let body = BODY.get_or_init(|| {
        let header: usize = ENGLISH_WORDS.lines().take_while(|l| l.starts_with('#')).map(|l| l.len() + 1).sum();
        ENGLISH_WORDS.get(header..).unwrap_or("")
    });
    let bytes = body.as_bytes();
    // `lo` and `hi` always stand at the start of a line (or the end of the text).
    let (mut lo, mut hi) = (0, bytes.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = bytes[..mid].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1).max(lo);
        let end = bytes[start..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| start + p);
        match body[start..end].cmp(word) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    false
}

/// What the document itself says about its words.
#[derive(Debug, Default)]
pub struct Vocabulary {
    /// Words seen whole (lowercased, outer punctuation trimmed), not counting the
    /// pieces of words broken at line ends.
    words: HashSet<String>,
}

/// Lowercases and trims a token to the letters, digits and inner hyphens of a word.
pub fn word_key(token: &str) -> String {
    token.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()
}

impl Vocabulary {
    /// Records a word seen whole; a hyphenated compound also records its parts.
    pub fn add(&mut self, token: &str) {
        let key = word_key(token);
        if key.is_empty() {
            return;
        }
        if key.contains('-') {
            for part in key.split('-') {
                if !part.is_empty() {
                    self.words.insert(part.to_string());
                }
            }
        }
        self.words.insert(key);
    }

    fn has(&self, word: &str) -> bool {
        self.words.contains(&word_key(word))
    }
}

/// Whether `token` ends a line in a hyphen that may break a word: the hyphen follows
/// a letter.
pub fn ends_in_break(token: &str, hyphens: &[String]) -> bool {
    let mut chars = token.chars().rev();
    let (Some(last), Some(before)) = (chars.next(), chars.next()) else { return false };
    before.is_alphabetic() && hyphens.iter().any(|h| h.chars().eq(std::iter::once(last)))
}

/// Joins `head` (ending in a hyphen) and `tail` (the next line's first word).
///
/// A soft hyphen always joins, and a capitalised tail ("Medium-" + "Term") keeps
/// the hyphen. Otherwise the document decides first: the joined word occurring
/// elsewhere in it joins, the hyphenated compound occurring keeps the hyphen. Where
/// it shows neither, the English word list does: a joined word that is a word
/// joins, two words that are none joined keep their hyphen. Failing both, the
/// hyphen stays only when both parts are words of the document.
pub fn join(head: &str, tail: &str, vocabulary: &Vocabulary) -> String {
    let mut stem = head.to_string();
    let hyphen = stem.pop().unwrap_or('-');
    if hyphen == '\u{ad}' {
        return format!("{stem}{tail}");
    }
    let starts_lower = tail.chars().next().is_some_and(char::is_lowercase);
    if !starts_lower {
        return format!("{stem}{hyphen}{tail}");
    }
    let tail_first = tail.split('-').next().unwrap_or(tail);
    let joined = format!("{stem}{tail_first}");
    let compound = format!("{stem}-{tail_first}");
    let head_last = stem.rsplit('-').next().unwrap_or(&stem);
    let head_word = word_key(head_last);
    let tail_word = word_key(tail_first);
    let words_long_enough = head_word.chars().count() >= 2 && tail_word.chars().count() >= 3;
    let keep = if vocabulary.has(&joined) {
        false
    } else if vocabulary.has(&compound) {
        true
    } else if is_english(&word_key(&joined)) {
        // "commu-" + "nity": the joined word is a word.
        false
    } else if words_long_enough && is_english(&head_word) && is_english(&tail_word) {
        // "long-" + "standing": two words, and no word when joined.
        true
    } else {
        vocabulary.has(head_last) && words_long_enough && vocabulary.has(&tail_word)
    };
    if keep {
        format!("{stem}-{tail}")
    } else {
        format!("{stem}{tail}")
    }
}

/// Joins `head` and `tail` in text whose producer declared its structure (a tagged
/// PDF): such a producer marks the hyphens it inserts at line ends as soft hyphens
/// (PDF/UA asks it to), so a visible hyphen is the author's and is kept, unless
/// the joined word occurs elsewhere in the document.
pub fn join_declared(head: &str, tail: &str, vocabulary: &Vocabulary) -> String {
    let mut stem = head.to_string();
    let hyphen = stem.pop().unwrap_or('-');
    if hyphen == '\u{ad}' {
        return format!("{stem}{tail}");
    }
    let tail_first = tail.split('-').next().unwrap_or(tail);
    let starts_lower = tail.chars().next().is_some_and(char::is_lowercase);
    if starts_lower && vocabulary.has(&format!("{stem}{tail_first}")) {
        format!("{stem}{tail}")
    } else {
        format!("{stem}{hyphen}{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_text_keeps_visible_hyphens_unless_the_word_occurs_whole() {
        let mut vocabulary = Vocabulary::default();
        vocabulary.add("community");
        assert_eq!(join_declared("long-", "standing", &vocabulary), "long-standing");
        assert_eq!(join_declared("commu-", "nity", &vocabulary), "community");
        assert_eq!(join_declared("organi\u{ad}", "sation", &vocabulary), "organisation");
    }

    fn vocabulary(words: &[&str]) -> Vocabulary {
        let mut v = Vocabulary::default();
        for w in words {
            v.add(w);
        }
        v
    }

    #[test]
    fn broken_words_join() {
        let v = vocabulary(&["the", "community", "in", "we"]);
        assert_eq!(join("commu-", "nity", &v), "community");
        assert_eq!(join("in-", "cludes", &v), "includes");
        assert_eq!(join("en-", "hanced", &v), "enhanced");
    }

    #[test]
    fn real_hyphens_stay() {
        let v = vocabulary(&["cloud", "based", "solutions", "decision", "making"]);
        assert_eq!(join("cloud-", "based", &v), "cloud-based");
        assert_eq!(join("Medium-", "Term", &v), "Medium-Term");
        let v = vocabulary(&["long-term"]);
        assert_eq!(join("long-", "term", &v), "long-term");
    }

    #[test]
    fn evidence_of_the_joined_word_wins() {
        let v = vocabulary(&["some", "thing", "something"]);
        assert_eq!(join("some-", "thing", &v), "something");
    }

    #[test]
    fn without_evidence_in_the_document_english_decides() {
        let v = vocabulary(&["the"]);
        assert_eq!(join("long-", "standing", &v), "long-standing");
        assert_eq!(join("Ring-", "fenced", &v), "Ring-fenced");
        assert_eq!(join("organi-", "sation", &v), "organisation");
        assert_eq!(join("how-", "ever", &v), "however");
        assert_eq!(join("Trans-", "formation", &v), "Transformation");
    }

    #[test]
    fn the_word_list_is_sorted_and_found_by_search() {
        let words: Vec<&str> = ENGLISH_WORDS.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(words.len() > 50_000, "{} words", words.len());
        assert!(words.windows(2).all(|w| w[0] < w[1]), "rules/english-words.txt must stay sorted and unique");
        for word in [words[0], words[words.len() / 2], words[words.len() - 1], "community", "standing"] {
            assert!(is_english(word), "{word}");
        }
        for missing in ["", "communityx", "zzzzzz", "aaaaa", "#"] {
            assert!(!is_english(missing), "{missing}");
        }
    }

    #[test]
    fn soft_hyphen_always_joins() {
        assert_eq!(join("cloud\u{ad}", "based", &vocabulary(&["cloud", "based"])), "cloudbased");
    }

    #[test]
    fn only_hyphens_after_letters_break() {
        let hyphens = vec!["-".to_string()];
        assert!(ends_in_break("commu-", &hyphens));
        assert!(!ends_in_break("-", &hyphens));
        assert!(!ends_in_break("through:-", &hyphens));
    }
}
