//! Words broken across lines: joining `commu-` + `nity` while keeping real hyphens
//! (`cloud-` + `based`), decided from evidence in the same document.

use std::collections::HashSet;

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
/// A soft hyphen always joins. Otherwise the hyphen is dropped when the tail starts
/// in lowercase and either the joined word occurs elsewhere in the document, or the
/// hyphenated compound does not while its two parts are not both words of the
/// document. A capitalised tail ("Medium-" + "Term") keeps the hyphen.
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
    let keep = if vocabulary.has(&joined) {
        false
    } else if vocabulary.has(&compound) {
        true
    } else {
        let tail_word = word_key(tail_first);
        vocabulary.has(head_last)
            && head_last.chars().count() >= 2
            && tail_word.chars().count() >= 3
            && vocabulary.has(&tail_word)
    };
    if keep {
        format!("{stem}-{tail}")
    } else {
        format!("{stem}{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
