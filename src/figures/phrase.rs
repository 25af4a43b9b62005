//! Case-insensitive phrase matching over a text's characters, so that every
//! position is a character offset.
//!
//! A space in a phrase matches any run of whitespace (NBSP included); a phrase
//! that starts or ends with a letter or digit only matches whole words.

/// A phrase prepared for matching: folded to lower case, split at spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    words: Vec<Vec<char>>,
    text: String,
}

impl Phrase {
    /// Prepares `text`; `None` when it has no characters but spaces.
    pub fn new(text: &str) -> Option<Phrase> {
        let words: Vec<Vec<char>> = text.split_whitespace().map(|w| w.chars().map(fold).collect()).collect();
        if words.is_empty() {
            return None;
        }
        Some(Phrase { words, text: text.to_string() })
    }

    /// Prepares every phrase of `texts`, longest first so that the longest match wins.
    pub fn many<'a>(texts: impl IntoIterator<Item = &'a String>) -> Vec<Phrase> {
        let mut phrases: Vec<Phrase> = texts.into_iter().filter_map(|t| Phrase::new(t)).collect();
        phrases.sort_by_key(|p| std::cmp::Reverse(p.width()));
        phrases
    }

    /// The phrase as written in the rules.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Characters in the phrase, counting one per gap between words.
    pub fn width(&self) -> usize {
        self.words.iter().map(Vec::len).sum::<usize>() + self.words.len().saturating_sub(1)
    }

    /// Whether the phrase is a single character.
    pub fn is_single_char(&self) -> bool {
        self.width() == 1
    }

    /// Where the phrase ends when it starts at `start`.
    pub fn match_at(&self, chars: &[char], start: usize) -> Option<usize> {
        if self.starts_with_word_char() && start > 0 && start <= chars.len() && is_word_char(chars[start - 1]) {
            return None;
        }
        self.match_attached(chars, start)
    }

    /// Like [`Phrase::match_at`], but the phrase may touch the word before it
    /// (a scale word written against its number: `£6m`).
    pub fn match_attached(&self, chars: &[char], start: usize) -> Option<usize> {
        if start > chars.len() {
            return None;
        }
        let mut pos = start;
        for (index, word) in self.words.iter().enumerate() {
            if index > 0 {
                let after = skip_space(chars, pos);
                if after == pos {
                    return None;
                }
                pos = after;
            }
            for &expected in word {
                if pos >= chars.len() || fold(chars[pos]) != expected {
                    return None;
                }
                pos += 1;
            }
        }
        if self.ends_with_word_char() && pos < chars.len() && is_word_char(chars[pos]) {
            return None;
        }
        Some(pos)
    }

    /// Where the phrase starts when it ends at `end`.
    pub fn match_ending_at(&self, chars: &[char], end: usize) -> Option<usize> {
        if end > chars.len() {
            return None;
        }
        if self.ends_with_word_char() && end < chars.len() && is_word_char(chars[end]) {
            return None;
        }
        let mut pos = end;
        for (index, word) in self.words.iter().rev().enumerate() {
            if index > 0 {
                let before = skip_space_back(chars, pos);
                if before == pos {
                    return None;
                }
                pos = before;
            }
            for &expected in word.iter().rev() {
                if pos == 0 || fold(chars[pos - 1]) != expected {
                    return None;
                }
                pos -= 1;
            }
        }
        if self.starts_with_word_char() && pos > 0 && is_word_char(chars[pos - 1]) {
            return None;
        }
        Some(pos)
    }

    fn starts_with_word_char(&self) -> bool {
        self.words.first().and_then(|w| w.first()).is_some_and(|&c| is_word_char(c))
    }

    fn ends_with_word_char(&self) -> bool {
        self.words.last().and_then(|w| w.last()).is_some_and(|&c| is_word_char(c))
    }
}

/// The first of `phrases` (longest first) that matches at `start`, with its end.
pub fn first_match_at<'p>(phrases: &'p [Phrase], chars: &[char], start: usize) -> Option<(&'p Phrase, usize)> {
    phrases.iter().find_map(|p| p.match_at(chars, start).map(|end| (p, end)))
}

/// The first of `phrases` (longest first) that ends at `end`, with its start.
pub fn first_match_ending_at<'p>(phrases: &'p [Phrase], chars: &[char], end: usize) -> Option<(&'p Phrase, usize)> {
    phrases.iter().find_map(|p| p.match_ending_at(chars, end).map(|start| (p, start)))
}

/// Lower case, one character for one, so that offsets stay aligned.
pub fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(single), None) => single,
        _ => c,
    }
}

/// Letters and digits: what words are made of.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The first position at or after `pos` that is not whitespace.
pub fn skip_space(chars: &[char], pos: usize) -> usize {
    let mut pos = pos;
    while pos < chars.len() && chars[pos].is_whitespace() {
        pos += 1;
    }
    pos
}

/// The position after the last non-whitespace character before `end`.
pub fn skip_space_back(chars: &[char], end: usize) -> usize {
    let mut pos = end.min(chars.len());
    while pos > 0 && chars[pos - 1].is_whitespace() {
        pos -= 1;
    }
    pos
}

/// The characters `[start, end)` as a string.
pub fn slice(chars: &[char], start: usize, end: usize) -> String {
    chars.get(start..end.min(chars.len())).map(|s| s.iter().collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(text: &str) -> Vec<char> {
        text.chars().collect()
    }

    #[test]
    fn phrases_match_whole_words_across_any_whitespace() {
        let per_cent = Phrase::new("per cent").unwrap_or_else(|| unreachable!());
        let text = chars("0.19 Per\u{a0} cent of");
        assert_eq!(per_cent.match_at(&text, 5), Some(14));
        assert_eq!(per_cent.match_ending_at(&text, 14), Some(5));
        let text = chars("0.19 percentage");
        assert_eq!(per_cent.match_at(&text, 5), None);
        let over = Phrase::new("over").unwrap_or_else(|| unreachable!());
        assert_eq!(over.match_ending_at(&chars("moreover £5"), 8), None);
        assert_eq!(over.match_ending_at(&chars("is over £5"), 7), Some(3));
    }

    #[test]
    fn symbols_need_no_word_boundary() {
        let percent = Phrase::new("%").unwrap_or_else(|| unreachable!());
        assert_eq!(percent.match_at(&chars("5%of"), 1), Some(2));
    }
}
