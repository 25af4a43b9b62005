//! Sentence boundaries inside a unit's text, as character offsets.

use super::phrase::{fold, is_word_char};

/// Splits text into sentences, knowing which words end in a full stop without
/// ending a sentence.
#[derive(Debug, Clone)]
pub struct SentenceSplitter {
    abbreviations: Vec<String>,
}

impl SentenceSplitter {
    /// A splitter that does not end sentences after `abbreviations` (written
    /// without their final stop, any case).
    pub fn new(abbreviations: &[String]) -> SentenceSplitter {
        SentenceSplitter { abbreviations: abbreviations.iter().map(|a| a.to_lowercase()).collect() }
    }

    /// The sentences of `chars` as `[start, end)` character offsets, trimmed of
    /// surrounding whitespace, covering every non-space character in order.
    pub fn split(&self, chars: &[char]) -> Vec<[usize; 2]> {
        let mut sentences = Vec::new();
        let mut start = 0;
        let mut pos = 0;
        while pos < chars.len() {
            let c = chars[pos];
            if matches!(c, '.' | '!' | '?' | '…') {
                let mut end = pos + 1;
                while end < chars.len() && matches!(chars[end], '.' | '!' | '?' | '"' | '\'' | '’' | '”' | ')' | ']')
                {
                    end += 1;
                }
                if self.ends_sentence(chars, pos, end) {
                    push_trimmed(&mut sentences, chars, start, end);
                    start = end;
                    pos = end;
                    continue;
                }
            }
            pos += 1;
        }
        push_trimmed(&mut sentences, chars, start, chars.len());
        sentences
    }

    /// Whether the stop at `stop` (its punctuation running to `end`) ends a sentence.
    fn ends_sentence(&self, chars: &[char], stop: usize, end: usize) -> bool {
        let mut next = end;
        if next < chars.len() && !chars[next].is_whitespace() {
            return false;
        }
        while next < chars.len() && chars[next].is_whitespace() {
            next += 1;
        }
        if next >= chars.len() {
            return true;
        }
        let following = chars[next];
        let opens = following.is_uppercase()
            || following.is_ascii_digit()
            || matches!(following, '£' | '"' | '\'' | '‘' | '“' | '(' | '[' | '•' | '-' | '–');
        if !opens {
            return false;
        }
        if chars[stop] != '.' {
            return true;
        }
        let mut word_start = stop;
        while word_start > 0 && (is_word_char(chars[word_start - 1]) || chars[word_start - 1] == '.') {
            word_start -= 1;
        }
        let word: String = chars[word_start..stop].iter().map(|&c| fold(c)).collect();
        if self.abbreviations.contains(&word) {
            return false;
        }
        // A lone capital is an initial ("J. Smith"), not a sentence.
        !(word.chars().count() == 1 && chars[word_start].is_uppercase())
    }
}

fn push_trimmed(sentences: &mut Vec<[usize; 2]>, chars: &[char], start: usize, end: usize) {
    let mut start = start;
    let mut end = end;
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    if start < end {
        sentences.push([start, end]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let splitter = SentenceSplitter::new(&["e.g".to_string(), "c".to_string()]);
        splitter.split(&chars).iter().map(|[s, e]| chars[*s..*e].iter().collect()).collect()
    }

    #[test]
    fn numbers_and_abbreviations_do_not_end_sentences() {
        let text = "We moved to Opus in May 2023, spend has been £3,203.453. The number of agency workers is 18. \
                    Costs, e.g. fees, are c. £5m. Experience. 20% efficiencies could be made.";
        assert_eq!(
            sentences(text),
            [
                "We moved to Opus in May 2023, spend has been £3,203.453.",
                "The number of agency workers is 18.",
                "Costs, e.g. fees, are c. £5m.",
                "Experience.",
                "20% efficiencies could be made."
            ]
        );
    }

    #[test]
    fn sentence_offsets_are_characters() {
        let chars: Vec<char> = "£1 is “x”. £2 follows.".chars().collect();
        let spans = SentenceSplitter::new(&[]).split(&chars);
        assert_eq!(spans, [[0, 10], [11, 22]]);
    }
}
